import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ScanWarning } from '../types.js';
import type { TrustscanConfig } from './config.js';
import type { CodeModels } from './models.js';
import type { CollectedReports } from './run.js';
import type { StoredReport } from './cache.js';
import type { LoadOptions, ReadFiles } from './project.js';

/**
 * The stack of every thread that parses and analyses. The main thread's ~1 MB stack overflows on
 * 800 nested parentheses inside the TypeScript parser itself; a worker's stack is set here, so valid
 * code nested tens of thousands of levels deep parses and walks, the same on every analysis thread.
 * The memory is reserved, not committed, until used.
 */
export const ANALYSIS_STACK_MB = 256;

/**
 * Below this many lines a second thread costs more (its start, its own TypeScript load and parse)
 * than it saves; above the upper bound the second copy of the syntax trees would cost more memory
 * than the time is worth (both threads hold the whole project).
 */
const SECOND_THREAD_MIN_LINES = 15_000;
const SECOND_THREAD_MAX_LINES = 250_000;
/**
 * Off: measured on the bench corpus (60k lines, 2 cores, idle machine, 2026-12-05) the second thread
 * made the scan slower (5.6 s vs 4.3-4.8 s wall, 8.9 s vs 6 s CPU): its own TypeScript load, parse
 * and route inventory cost more than the rules it takes. `--threads 2` still runs it.
 */
const SECOND_THREAD_BY_DEFAULT = false;

/** How many analysis threads a scan of this many lines uses: `--threads`, else by size and cores. */
export function analysisThreads(requested: number | 'auto', lines: () => number): 1 | 2 {
  if (requested !== 'auto') return requested >= 2 ? 2 : 1;
  if (availableParallelism() < 2 || !SECOND_THREAD_BY_DEFAULT) return 1;
  const count = lines();
  return count >= SECOND_THREAD_MIN_LINES && count <= SECOND_THREAD_MAX_LINES ? 2 : 1;
}

/** What the second thread needs: the same texts (never re-read: both threads see one version of each file) and config. */
export interface SecondThreadInput {
  loadOptions: Omit<LoadOptions, 'inputs'>;
  files: ReadFiles;
  config: TrustscanConfig;
  /** Config `models`, resolved by the first thread (it knows where the config file is). */
  models: CodeModels;
  /** Rule ids to run there, with the severity and options config gave them. */
  ruleIds: string[];
  cachedFileReports: Record<string, StoredReport[]>;
}

export interface SecondThreadOutput {
  collected: CollectedReports;
  failures: Array<{ who: string; file: string; reason: string }>;
  inputs: Record<string, string | null>;
  loadWarnings: ScanWarning[];
}

/**
 * Runs a share of the rules on a second thread, which parses the project itself (syntax trees
 * cannot cross threads) and hands back plain reports. `entry` is the caller's module that wires
 * the rule registry to collectRuleShare (src/rule-thread-main.ts): the engine never imports rules.
 */
export function runOnSecondThread(entry: URL, input: SecondThreadInput): Promise<SecondThreadOutput> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry, {
      workerData: input,
      resourceLimits: { stackSizeMb: ANALYSIS_STACK_MB },
    });
    let settled = false;
    worker.once('message', (message: { output?: SecondThreadOutput; error?: string }) => {
      settled = true;
      if (message.output) resolve(message.output);
      else reject(new Error(`second analysis thread: ${message.error ?? 'no result'}`));
    });
    worker.once('error', (error) => {
      if (!settled) reject(error);
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`second analysis thread exited with ${code}`));
      settled = true;
    });
  });
}
