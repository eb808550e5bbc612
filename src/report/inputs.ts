/**
 * What the evidence report reads besides the scan: the report date, the project's name, the config
 * file's digest and earlier reports for the history. Read as plain files, never executed; a bad
 * value is a usage error (one line, exit 2), an unreadable history file a warning.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Soc2Category } from '../controls/index.js';
import { UsageError } from '../engine/errors.js';
import { readPreviousReport } from './history.js';
import { SCOPE_NAMES, type PreviousReport } from './pack-types.js';

/** `--date`, else SOURCE_DATE_EPOCH (reproducible builds), else now; always an ISO timestamp in UTC. */
export function reportDate(option: string | undefined, env: Readonly<Record<string, string | undefined>>, now: () => Date = () => new Date()): string {
  if (option !== undefined) {
    // A date alone (2026-12-05) is midnight UTC; anything Date cannot read is refused, not guessed.
    const parsed = /^\d{4}-\d{2}-\d{2}$/.test(option) ? new Date(`${option}T00:00:00Z`) : new Date(option);
    if (!/^\d{4}-\d{2}-\d{2}/.test(option) || Number.isNaN(parsed.getTime())) throw new UsageError(`--date must be an ISO date or date-time (2026-12-05 or 2026-12-05T10:00:00Z), got "${option}"`);
    return parsed.toISOString();
  }
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && epoch !== '') {
    if (!/^\d+$/.test(epoch)) throw new UsageError(`SOURCE_DATE_EPOCH must be whole seconds since 1970, got "${epoch}"`);
    return new Date(Number(epoch) * 1000).toISOString();
  }
  return now().toISOString();
}

/** `--scope security,confidentiality`: the SOC 2 categories in scope (the common criteria always are). */
export function parseScope(option: string | undefined): Soc2Category[] {
  const names = option === undefined ? Object.keys(SCOPE_NAMES) : option.split(',').map((name) => name.trim()).filter(Boolean);
  const categories: Soc2Category[] = [];
  for (const name of names) {
    const category = SCOPE_NAMES[name];
    if (!category) throw new UsageError(`--scope: unknown category "${name}" (one or more of ${Object.keys(SCOPE_NAMES).join(', ')})`);
    if (!categories.includes(category)) categories.push(category);
  }
  return categories;
}

/** The name and version in the scan root's package.json, when it has one. */
export function projectIdentity(root: string): { name: string | null; version: string | null } {
  try {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
    return { name: typeof pkg.name === 'string' ? pkg.name : null, version: typeof pkg.version === 'string' ? pkg.version : null };
  } catch {
    return { name: null, version: null };
  }
}

/** The config file (scan-root-relative, posix) and the sha256 of its bytes, so an auditor can tell which config ran. */
export function configIdentity(configSource: string | undefined, root: string): { file: string | null; sha256: string | null } {
  if (!configSource) return { file: null, sha256: null };
  const relative = path.relative(root, configSource).split(path.sep).join('/');
  try {
    return { file: relative, sha256: createHash('sha256').update(readFileSync(configSource)).digest('hex') };
  } catch {
    return { file: relative, sha256: null };
  }
}

const MAX_HISTORY_FILE = 64 * 1024 * 1024;

/**
 * Earlier evidence reports in `dir` (its *.json files, not recursive, in name order). Files that are
 * not trustscan evidence reports are skipped with a warning naming them: a CI artifact folder may
 * hold other JSON.
 */
export function loadHistory(dir: string): { reports: PreviousReport[]; warnings: string[] } {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`--history: ${dir} is not a folder`);
    names = readdirSync(dir).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--history: cannot read ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const reports: PreviousReport[] = [];
  const warnings: string[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    let text: string;
    try {
      if (statSync(file).size > MAX_HISTORY_FILE) {
        warnings.push(`${name}: skipped, larger than 64 MiB`);
        continue;
      }
      text = readFileSync(file, 'utf8');
    } catch (error) {
      warnings.push(`${name}: skipped, unreadable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      continue;
    }
    const read = readPreviousReport(name, text);
    if (read.report) reports.push(read.report);
    else warnings.push(`${name}: skipped, ${read.reason}`);
  }
  return { reports, warnings };
}
