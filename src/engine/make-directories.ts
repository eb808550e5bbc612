import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * `mkdir -p`, one level at a time. Node 20's `mkdirSync(dir, { recursive: true })` never returns
 * when a parent reports ENOENT although it exists (any path under /proc: `-o /proc/x/out.sarif`
 * hung the scan); creating each missing level ourselves turns that into the plain ENOENT error.
 */
export function makeDirectories(directory: string): void {
  const missing: string[] = [];
  let current = path.resolve(directory);
  // Up to the first thing that exists: a file there makes the next level fail with ENOTDIR, as mkdir -p does.
  while (!existsSync(current)) {
    missing.push(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const level of missing.reverse()) {
    try {
      mkdirSync(level);
    } catch (error) {
      // Made by someone else meanwhile: as good as made here.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !isDirectory(level)) throw error;
    }
  }
}

function isDirectory(candidate: string): boolean {
  try {
    return statSync(candidate).isDirectory();
  } catch {
    return false;
  }
}
