/**
 * The Node API (package.json "main"): `import { scan } from 'trustscan'`. The composition root
 * where the engine meets the rule registry, so the engine itself never imports a rule: the CLI
 * goes through here too.
 */
import * as engine from './engine/scan.js';
import { allRules } from './rules/index.js';
import type { Rule } from './engine/rule-api.js';

/** Scan options with the rules optional: every rule of the registry unless a list is given. */
export type ScanOptions = Omit<engine.ScanOptions, 'rules' | 'secondThread'> & { rules?: readonly Rule[] };

/**
 * The registry's rules, and with them the second analysis thread's entry (it looks rules up in the
 * same registry by id); a caller's own rules run on one thread.
 */
function withRules(options: ScanOptions): engine.ScanOptions {
  if (options.rules) return { ...options, rules: options.rules };
  return { ...options, rules: allRules, secondThread: new URL('./rule-thread-main.js', import.meta.url) };
}

/** Scans the paths and returns the result every reporter formats (the JSON report's shape). */
export function scan(options: ScanOptions): Promise<engine.ScanOutcome> {
  return engine.scan(withRules(options));
}

/** The route inventory (`trustscan routes`). */
export function inventoryRoutes(options: ScanOptions): ReturnType<typeof engine.inventoryRoutes> {
  return engine.inventoryRoutes(withRules(options));
}

/** The business flows (`trustscan flows`). */
export function inventoryFlows(options: ScanOptions): ReturnType<typeof engine.inventoryFlows> {
  return engine.inventoryFlows(withRules(options));
}

export { allRules };
export type { ScanOutcome } from './engine/scan.js';
export type { Finding, RuleMeta, ScanResult, ScanWarning, Severity } from './types.js';
export type { Rule, RuleContext } from './engine/rule-api.js';
