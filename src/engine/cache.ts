import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ReportDescriptor, ScanResult, ScanWarning } from '../types.js';
import { makeDirectories } from './make-directories.js';

/**
 * The scan cache (`--cache`): one file per scanned root and path list, holding
 *  - the whole result of the last scan, reused when nothing that can change it changed: the tool
 *    version, config, flags, every scanned file's content, and every file read besides them
 *    (tsconfigs, evidence read outside the scanned paths), including files that were looked for
 *    and absent (a tsconfig added later changes import resolution);
 *  - per file, the reports of file-local rules (rules whose handlers read only that file), reused
 *    for each file whose content is unchanged when other files changed. Everything that depends on
 *    other files (routes, dataflow, flows) is recomputed whenever any file changed, so editing a
 *    callee in one file brings back or clears its caller's finding in another.
 * A cache file is trusted only when its format, tool version and checksum match; anything else
 * (corrupted, foreign, from another version) is ignored with a warning and rewritten.
 */

const FORMAT = 'trustscan-cache';
const FORMAT_VERSION = 1;

/** What a report needs to be rebuilt without its rule object: the rule id and the descriptor. */
export interface StoredReport extends ReportDescriptor {
  ruleId: string;
}

interface CacheEntry {
  format: typeof FORMAT;
  formatVersion: number;
  toolVersion: string;
  /** Digest of tool version, config and the flags that change results. */
  settings: string;
  /** Digest of the scanned files' paths and contents. */
  files: string;
  /** Files read besides the scanned ones (null: looked for and absent), with their digests. */
  inputs: Record<string, string | null>;
  result: ScanResult;
  /** Per scanned file: its content digest and the file-local rules' reports in it. */
  fileReports: Record<string, { digest: string; reports: StoredReport[] }>;
}

export function digest(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Records every file the scan reads besides the scanned ones, so a cached result can be checked against them. */
export class InputLog {
  readonly inputs: Record<string, string | null> = {};

  read(absolutePath: string, text: string | undefined): void {
    this.inputs[absolutePath] = text === undefined ? null : digest(text);
  }

  /** Reads a file through the log (undefined when it does not exist or cannot be read). */
  readFile(absolutePath: string): string | undefined {
    let text: string | undefined;
    try {
      text = readFileSync(absolutePath, 'utf8');
    } catch {
      text = undefined;
    }
    this.read(absolutePath, text);
    return text;
  }

  exists(absolutePath: string): boolean {
    const found = existsSync(absolutePath);
    if (!found) this.inputs[absolutePath] ??= null;
    return found;
  }
}

export class ScanCache {
  private entry: CacheEntry | undefined;
  readonly warnings: ScanWarning[] = [];
  private readonly file: string;

  /**
   * @param location the cache folder (`--cache-location`, default node_modules/.cache/trustscan)
   * @param scope the scan root and scanned paths: one cache file per scope
   */
  constructor(location: string, scope: string, private readonly toolVersion: string, private readonly settings: string) {
    this.file = path.join(location, `scan-${digest(scope).slice(0, 16)}.json`);
    this.entry = this.load();
  }

  /** The cached result when the settings, every scanned file and every other input are unchanged. */
  result(files: string): ScanResult | undefined {
    const entry = this.entry;
    if (!entry || entry.settings !== this.settings || entry.files !== files) return undefined;
    for (const [absolutePath, expected] of Object.entries(entry.inputs)) {
      let actual: string | null;
      try {
        actual = digest(readFileSync(absolutePath, 'utf8'));
      } catch {
        actual = null;
      }
      if (actual !== expected) return undefined;
    }
    return entry.result;
  }

  /** The file-local rules' reports for one file, when its content and the settings are unchanged. */
  fileReports(file: string, fileDigest: string): StoredReport[] | undefined {
    const entry = this.entry;
    if (!entry || entry.settings !== this.settings) return undefined;
    const stored = entry.fileReports[file];
    return stored && stored.digest === fileDigest ? stored.reports : undefined;
  }

  store(files: string, inputs: Record<string, string | null>, result: ScanResult, fileReports: CacheEntry['fileReports']): void {
    const entry: CacheEntry = { format: FORMAT, formatVersion: FORMAT_VERSION, toolVersion: this.toolVersion, settings: this.settings, files, inputs, result, fileReports };
    const body = JSON.stringify(entry);
    const text = `${JSON.stringify({ checksum: digest(body) })}\n${body}\n`;
    try {
      makeDirectories(path.dirname(this.file));
      // Write then rename: a scan killed mid-write leaves the old cache file, never half of one.
      const temporary = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temporary, text);
      renameSync(temporary, this.file);
    } catch (error) {
      this.warnings.push({ code: 'cache-not-written', message: `${this.file}: cache not written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
    }
  }

  private load(): CacheEntry | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return undefined; // no cache yet
    }
    const ignored = (why: string): undefined => {
      this.warnings.push({ code: 'cache-ignored', message: `${this.file}: cache ignored, ${why}; the scan runs without it and rewrites it` });
      return undefined;
    };
    const newline = text.indexOf('\n');
    if (newline < 0) return ignored('not a trustscan cache file');
    let header: unknown;
    try {
      header = JSON.parse(text.slice(0, newline));
    } catch {
      return ignored('not a trustscan cache file');
    }
    const body = text.slice(newline + 1).trimEnd();
    if (!header || typeof header !== 'object' || (header as { checksum?: unknown }).checksum !== digest(body)) return ignored('its checksum does not match (corrupted or edited)');
    let entry: CacheEntry;
    try {
      entry = JSON.parse(body) as CacheEntry;
    } catch {
      return ignored('it cannot be parsed');
    }
    if (entry.format !== FORMAT || entry.formatVersion !== FORMAT_VERSION) return ignored('it is not a trustscan cache of this format');
    // Another version's cache is not an error: it is simply not used.
    if (entry.toolVersion !== this.toolVersion) return undefined;
    return entry;
  }
}
