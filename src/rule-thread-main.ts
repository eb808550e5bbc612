/**
 * The second analysis thread of a scan (engine/threads.ts): parses the project from the texts the
 * first thread read, runs its share of the rules and posts back plain reports.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { collectRuleShare } from './engine/scan.js';
import type { SecondThreadInput } from './engine/threads.js';
import { allRules } from './rules/index.js';

const input = workerData as SecondThreadInput;
try {
  parentPort!.postMessage({ output: collectRuleShare(input, allRules) });
} catch (error) {
  parentPort!.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
