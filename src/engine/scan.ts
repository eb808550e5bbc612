import { existsSync, statSync } from 'node:fs';
import { analyzeObjectAccess } from './access/object-access.js';
import { DataflowEngine } from './dataflow/engine.js';
import path from 'node:path';
import { allRules } from '../rules/index.js';
import type { Rule, ScanResult, ScanWarning, Severity } from '../types.js';
import { version } from '../version.js';
import { loadConfig, type TrustscanConfig } from './config.js';
import { UsageError } from './errors.js';
import { discoverFiles } from './files.js';
import { findRepositoryRoot, loadProject, type LoadedProject } from './project.js';
import { ModuleIndex } from './ast/module-index.js';
import { FRAMEWORK_ADAPTERS } from './frameworks/index.js';
import { discoverRoutes, type RouteConfig } from './routes/discover.js';
import { analyzeFlows, type FlowModel } from './flows/flow-model.js';
import { routeRateLimits, type RateLimitEvidence } from './routes/rate-limits.js';
import type { Route } from './routes/route.js';
import { runRules, type ActiveRule } from './run.js';

export interface ScanOptions {
  /** Folder relative paths are resolved against; also the default report root. */
  cwd: string;
  paths: string[];
  configPath?: string;
  tsconfigPath?: string;
  include?: string[];
  exclude?: string[];
  includeTests?: boolean;
  /** --rule: run only these */
  onlyRules?: string[];
  /** --disable-rule */
  disabledRules?: string[];
  /** Record stats.durationMs (off by default so JSON and SARIF stay byte-identical). */
  recordDuration?: boolean;
  /** Rules to choose from; tests inject their own, the CLI uses every rule. */
  rules?: readonly Rule[];
}

export interface ScanOutcome {
  result: ScanResult;
  /** Absolute folder every path in the result is relative to. */
  root: string;
  configSource?: string;
  /** Crashes inside rules: the CLI reports them and exits 2. */
  internalErrors: string[];
  durationMs: number;
}

/** Config, files and the parsed project: the part of a scan every command shares. */
interface PreparedProject {
  root: string;
  config: TrustscanConfig;
  configSource?: string;
  loaded: LoadedProject;
  modules: ModuleIndex;
}

function prepareProject(options: ScanOptions, rules: readonly Rule[]): PreparedProject {
  const scanPaths = (options.paths.length > 0 ? options.paths : ['.']).map((p) => path.resolve(options.cwd, p));
  for (const scanPath of scanPaths) {
    if (!existsSync(scanPath)) throw new UsageError(`path does not exist: ${scanPath}`);
  }
  const root = scanRoot(path.resolve(options.cwd), scanPaths);
  const firstScanDir = isDirectory(scanPaths[0]!) ? scanPaths[0]! : path.dirname(scanPaths[0]!);
  const { config, source: configSource } = loadConfig({
    explicitPath: options.configPath ? path.resolve(options.cwd, options.configPath) : undefined,
    startDir: firstScanDir,
    stopDir: root,
    rules,
  });
  const discoveryWarnings: ScanWarning[] = [];
  const files = discoverFiles({
    warnings: discoveryWarnings,
    root,
    scanPaths,
    include: [...config.include, ...(options.include ?? [])],
    exclude: [...config.exclude, ...(options.exclude ?? [])],
    includeTests: options.includeTests ?? config.includeTests,
  });
  const loaded = loadProject({
    root,
    files,
    maxFileSize: config.maxFileSize,
    tsconfigPath: options.tsconfigPath ? path.resolve(options.cwd, options.tsconfigPath) : undefined,
    repositoryRoot: findRepositoryRoot(root),
  });
  loaded.warnings.unshift(...discoveryWarnings);
  return { root, config, configSource, loaded, modules: new ModuleIndex(loaded.sourceFiles, loaded.tsconfigs, loaded.outside) };
}

function routesOf(prepared: PreparedProject): Route[] {
  return discoverRoutes({
    sourceFiles: prepared.loaded.sourceFiles,
    textFiles: prepared.loaded.textFiles,
    modules: prepared.modules,
    config: routeConfig(prepared.config, prepared.root, prepared.configSource),
    adapters: FRAMEWORK_ADAPTERS,
  });
}

/** The business flows of the scanned paths (`trustscan flows`), with each step's rate limits. */
export async function inventoryFlows(options: ScanOptions): Promise<{ model: FlowModel; rateLimits: Map<Route, RateLimitEvidence[]>; warnings: ScanWarning[] }> {
  const prepared = prepareProject(options, options.rules ?? allRules);
  const routes = routesOf(prepared);
  const model = analyzeFlows({ routes, modules: prepared.modules, sourceFiles: prepared.loaded.sourceFiles, textFiles: prepared.loaded.textFiles, config: prepared.config });
  const rateLimits = new Map(model.steps.map((step) => [step.route, routeRateLimits(prepared.modules, step.route, prepared.config)] as const));
  return { model, rateLimits, warnings: prepared.loaded.warnings };
}

/** The route inventory of the scanned paths (`trustscan routes`). */
export async function inventoryRoutes(options: ScanOptions): Promise<{ routes: Route[]; warnings: ScanWarning[]; filesScanned: number }> {
  const prepared = prepareProject(options, options.rules ?? allRules);
  const routes = routesOf(prepared);
  // Each authenticated route's lookups by client id, judged as missing-ownership-check judges them.
  const dataflow = new DataflowEngine(prepared.modules, routes, { sanitizers: prepared.config.sanitizers });
  const { byRoute } = analyzeObjectAccess({ modules: prepared.modules, dataflow, sourceFiles: prepared.loaded.sourceFiles, config: prepared.config });
  for (const route of routes) if (route.auth === 'authenticated') route.objectAccess = byRoute.get(route) ?? [];
  return { routes, warnings: prepared.loaded.warnings, filesScanned: prepared.loaded.sourceFiles.length };
}

export async function scan(options: ScanOptions): Promise<ScanOutcome> {
  const startedAt = performance.now();
  const rules = options.rules ?? allRules;
  const knownRuleIds = rules.map((rule) => rule.meta.id);
  for (const id of [...(options.onlyRules ?? []), ...(options.disabledRules ?? [])]) {
    if (!knownRuleIds.includes(id)) throw new UsageError(`unknown rule id "${id}" (run "trustscan rules" to list them)`);
  }
  const loadStartedAt = performance.now();
  const prepared = prepareProject(options, rules);
  const loadProjectMs = performance.now() - loadStartedAt;
  const rulesStartedAt = performance.now();
  const { root, config, configSource, loaded, modules } = prepared;
  const activeRules = selectRules(rules, config, options.onlyRules ?? [], options.disabledRules ?? []);
  const ran = runRules({
    project: loaded.project,
    sourceFiles: loaded.sourceFiles,
    textFiles: loaded.textFiles,
    activeRules,
    knownRuleIds,
    config,
    modules,
    routes: () => routesOf(prepared),
  });

  const rulesMs = performance.now() - rulesStartedAt;
  const warnings: ScanWarning[] = [...loaded.warnings, ...ran.warnings];
  const durationMs = Math.round(performance.now() - startedAt);
  const phaseMs = {
    loadProject: Math.round(loadProjectMs),
    routes: Math.round(ran.timings.routes),
    dataflow: Math.round(ran.timings.dataflow),
    rules: Math.round(rulesMs),
  };
  const result: ScanResult = {
    schemaVersion: '1.0.0',
    tool: { name: 'trustscan', version },
    rules: activeRules.map((active) => active.rule.meta),
    findings: ran.findings,
    warnings,
    stats: {
      filesScanned: loaded.sourceFiles.length + loaded.textFiles.length,
      linesScanned: loaded.linesScanned,
      filesSkipped: loaded.filesSkipped,
      ...(options.recordDuration ? { durationMs, phaseMs } : {}),
    },
  };
  return { result, root, configSource, internalErrors: ran.internalErrors, durationMs };
}

/**
 * Paths in reports are relative to the working directory when every scan path is inside it
 * (so `scan ./src` run at a repository root yields repository-relative paths, which GitHub
 * code scanning needs), otherwise to the deepest folder containing all scan paths.
 */
export function scanRoot(cwd: string, scanPaths: string[]): string {
  const inside = (p: string) => p === cwd || p.startsWith(cwd + path.sep);
  if (scanPaths.every(inside)) return cwd;
  let common = isDirectory(scanPaths[0]!) ? scanPaths[0]! : path.dirname(scanPaths[0]!);
  for (const scanPath of scanPaths.slice(1)) {
    while (!(scanPath === common || scanPath.startsWith(common + path.sep))) common = path.dirname(common);
  }
  return common;
}

export function routeConfig(config: TrustscanConfig, root?: string, configSource?: string): RouteConfig {
  // Model files are written relative to the config file's folder; the route engine compares scan-root paths.
  const configDir = configSource ? path.dirname(configSource) : root;
  const authModels = config.models
    .map((model, index) => ({ model, index }))
    .filter(({ model }) => model.kind === 'auth')
    .map(({ model, index }) => {
      const file = root && configDir ? path.relative(root, path.resolve(configDir, model.file)).split(path.sep).join('/') : model.file;
      return { file, ...(model.function ? { function: model.function } : {}), label: `config models[${index}]` };
    });
  return { authMiddleware: config.auth.middleware, publicRoutes: config.auth.publicRoutes, roleChecks: config.auth.roleChecks, rateLimiters: config.rateLimiters, authModels };
}

function isDirectory(p: string): boolean {
  return statSync(p).isDirectory();
}

function selectRules(rules: readonly Rule[], config: TrustscanConfig, onlyRules: string[], disabledRules: string[]): ActiveRule[] {
  const active: ActiveRule[] = [];
  for (const rule of rules) {
    const id = rule.meta.id;
    if (onlyRules.length > 0 && !onlyRules.includes(id)) continue;
    if (disabledRules.includes(id)) continue;
    const setting = config.rules[id];
    if (setting === 'off') continue;
    let severityOverride: Severity | undefined;
    let ruleOptions: Record<string, unknown> = {};
    if (typeof setting === 'string') severityOverride = setting;
    else if (setting) {
      severityOverride = setting.severity;
      ruleOptions = setting.options ?? {};
    }
    active.push({ rule, severityOverride, options: ruleOptions });
  }
  return [...active].sort((a, b) => (a.rule.meta.id < b.rule.meta.id ? -1 : 1));
}
