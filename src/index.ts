/**
 * The Node API (package.json "exports"): `import { scan, listRoutes, analyzeFlows } from 'trustscan'`.
 * The composition root where the engine meets the rule registry, so the engine itself never
 * imports a rule: the CLI goes through here too.
 */
import * as engine from './engine/scan.js';
import { allRules } from './rules/index.js';
import type { Rule } from './engine/rule-api.js';
import type { ScanWarning } from './types.js';
import { buildRoutesJson, type RouteInventoryJson } from './reporters/routes.js';
import { buildFlowsJson, type FlowsJson } from './reporters/flows.js';
import { version } from './version.js';

/**
 * What to scan, as `trustscan scan` takes it: `cwd` (default the process's working directory) is
 * where relative paths start and the default report root; `paths` default `['.']`. The rules are
 * the registry's unless a list is given.
 */
export type ScanOptions = Omit<engine.ScanOptions, 'rules' | 'secondThread' | 'cwd' | 'paths'> & { cwd?: string; paths?: string[]; rules?: readonly Rule[] };

/**
 * The registry's rules, and with them the second analysis thread's entry (it looks rules up in the
 * same registry by id); a caller's own rules run on one thread.
 */
function withRules(options: ScanOptions): engine.ScanOptions {
  const located = { ...options, cwd: options.cwd ?? process.cwd(), paths: options.paths ?? ['.'] };
  if (options.rules) return { ...located, rules: options.rules };
  return { ...located, rules: allRules, secondThread: new URL('./rule-thread-main.js', import.meta.url) };
}

/** Scans the paths: `result` is the JSON report of `trustscan scan --format json` (schema/scan-result.schema.json). */
export function scan(options: ScanOptions = {}): Promise<engine.ScanOutcome> {
  return engine.scan(withRules(options));
}

/** `trustscan routes --format json` as an object, with the warnings the CLI prints on stderr. */
export type RouteInventory = RouteInventoryJson & { warnings: ScanWarning[] };

/** The API inventory (`trustscan routes`): every entry point with its authentication, guards and middleware. */
export async function listRoutes(options: ScanOptions = {}): Promise<RouteInventory> {
  const { routes, warnings } = await inventoryRoutes(options);
  return { ...buildRoutesJson(routes, version), warnings };
}

/** `trustscan flows --format json` as an object, with the warnings the CLI prints on stderr. */
export type FlowAnalysis = FlowsJson & { warnings: ScanWarning[] };

/** The business flows (`trustscan flows`): state machines, each sensitive step's state checks and rate limits. */
export async function analyzeFlows(options: ScanOptions = {}): Promise<FlowAnalysis> {
  const { model, rateLimits, warnings } = await inventoryFlows(options);
  return { ...buildFlowsJson(model, rateLimits, version), warnings };
}

/**
 * The route inventory as the engine's objects (compiler nodes included, evidence not masked): what
 * the CLI's formatters read. Prefer listRoutes, whose shape is versioned.
 */
export function inventoryRoutes(options: ScanOptions): ReturnType<typeof engine.inventoryRoutes> {
  return engine.inventoryRoutes(withRules(options));
}

/** The business flows as the engine's objects: what the CLI's formatters read. Prefer analyzeFlows. */
export function inventoryFlows(options: ScanOptions): ReturnType<typeof engine.inventoryFlows> {
  return engine.inventoryFlows(withRules(options));
}

export { allRules, version };
export type { ScanOutcome } from './engine/scan.js';
export type { ControlRefs, Finding, RouteRef, RuleMeta, ScanResult, ScanWarning, Severity, Suppression, TraceStep } from './types.js';
export type { Rule, RuleContext } from './engine/rule-api.js';
export type { RouteInventoryJson } from './reporters/routes.js';
export type { FlowsJson } from './reporters/flows.js';
