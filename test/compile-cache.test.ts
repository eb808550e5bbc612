import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const loader = fileURLToPath(new URL('../lib/typescript.cjs', import.meta.url));
const owner = typeof process.getuid === 'function' ? String(process.getuid()) : undefined;

/** Loads lib/typescript.cjs in a fresh Node with TMPDIR pointed at `temp`, and parses one line with it. */
function loadIn(temp: string, env: Record<string, string> = {}) {
  const script = `const { ts } = require(${JSON.stringify(loader)}); const f = ts.createSourceFile('a.ts', 'const a: number = 1', ts.ScriptTarget.Latest, true); process.stdout.write(ts.SyntaxKind[f.statements[0].kind]);`;
  return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, TMPDIR: temp, ...env } });
}

const temps: string[] = [];
const freshTemp = () => {
  const temp = mkdtempSync(join(tmpdir(), 'trustscan-cc-test-'));
  temps.push(temp);
  return temp;
};
afterEach(() => {
  for (const temp of temps.splice(0)) rmSync(temp, { recursive: true, force: true });
});

// The code cache of the TypeScript bundle (lib/typescript.cjs): code, so only in a folder of the
// user's own, closed to others; a stale or corrupt cache is rejected by V8 and rewritten.
describe.skipIf(owner === undefined)('TypeScript compile cache', () => {
  const folderIn = (temp: string) => join(temp, `trustscan-compile-cache-${owner}`);

  it('is written on first load, in a folder only the user can open, and read on the next', () => {
    const temp = freshTemp();
    const first = loadIn(temp);
    expect(first.stdout, first.stderr).toBe('FirstStatement');
    const folder = folderIn(temp);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    const [entry, ...rest] = readdirSync(folder);
    expect(rest).toEqual([]);
    expect(entry).toMatch(/^typescript-[0-9a-f]{32}\.v8$/);
    expect(statSync(join(folder, entry!)).mode & 0o777).toBe(0o600);
    const written = statSync(join(folder, entry!)).mtimeMs;
    const second = loadIn(temp);
    expect(second.stdout, second.stderr).toBe('FirstStatement');
    // Accepted, so not rewritten.
    expect(statSync(join(folder, entry!)).mtimeMs).toBe(written);
  }, 30_000);

  it('a corrupt cache file is rejected and replaced, and the compiler still loads', () => {
    const temp = freshTemp();
    expect(loadIn(temp).stdout).toBe('FirstStatement');
    const folder = folderIn(temp);
    const [entry] = readdirSync(folder);
    writeFileSync(join(folder, entry!), 'not a code cache');
    const again = loadIn(temp);
    expect(again.stdout, again.stderr).toBe('FirstStatement');
    expect(statSync(join(folder, entry!)).size).toBeGreaterThan(100_000);
  }, 30_000);

  it('a folder others can write to is neither read nor written', () => {
    const temp = freshTemp();
    const folder = folderIn(temp);
    mkdirSync(folder);
    chmodSync(folder, 0o777);
    const result = loadIn(temp);
    expect(result.stdout, result.stderr).toBe('FirstStatement');
    expect(readdirSync(folder)).toEqual([]);
  }, 30_000);

  it('NODE_DISABLE_COMPILE_CACHE turns it off', () => {
    const temp = freshTemp();
    const result = loadIn(temp, { NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(result.stdout, result.stderr).toBe('FirstStatement');
    expect(readdirSync(temp)).toEqual([]);
  }, 30_000);
});
