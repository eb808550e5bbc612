import { existsSync, statSync } from 'node:fs';
import { analyzeObjectAccess } from './access/object-access.js';
import { DataflowEngine } from './dataflow/engine.js';
import path from 'node:path';
import { WHOLE_PROJECT_ANALYSES, type ExaminedItem, type RuleCoverage, type ScanResult, type ScanWarning, type Severity } from '../types.js';
import type { Rule } from './rule-api.js';
import { version } from '../version.js';
import { loadConfig, type TrustscanConfig } from './config.js';
import { UsageError } from './errors.js';
import { discoverFiles } from './files.js';
import { countLines, findRepositoryRoot, loadProject, readFiles, type LoadedProject, type LoadOptions, type ReadFiles } from './project.js';
import { digest, InputLog, ScanCache, type StoredReport } from './cache.js';
import { ModuleIndex } from './names/index.js';
import { FRAMEWORK_ADAPTERS } from './frameworks/index.js';
import { discoverRoutes, type RouteConfig } from './routes/discover.js';
import { discoverModelledSources, discoverUnmountedHandlers } from './routes/unmounted.js';
import { discoverMessageHandlers } from './frameworks/websocket/message-handlers.js';
import { analyzeFlows, type FlowModel } from './flows/flow-model.js';
import { SchemaFields } from './flows/schema-fields.js';
import { stepRequest, type StepRequest } from './flows/step-requests.js';
import { routeRateLimits, type RateLimitEvidence } from './routes/rate-limits.js';
import type { Route } from './routes/route.js';
import { buildFindings, collectReports, type ActiveRule, type CollectedReports } from './run.js';
import { analysisThreads, runOnSecondThread, type SecondThreadInput, type SecondThreadOutput } from './threads.js';
import { AnalysisFailures } from './analysis-failures.js';
import { resolveCodeModels, type CodeModels } from './models.js';

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
  /** Rules to choose from (src/index.ts passes the registry's; tests inject their own): the engine knows no rule. */
  rules: readonly Rule[];
  /**
   * The module a second analysis thread runs (src/rule-thread-main.ts, where the rule registry is
   * wired in): it looks the rules up by id, so only a scan of the registry's rules can use it.
   * Without it a scan uses one thread, whatever `threads` says.
   */
  secondThread?: URL;
  /** `--cache`: reuse the last result when nothing changed, and unchanged files' file-local reports. */
  cache?: { location: string };
  /** `--threads`: a count, or 'auto' (by project size and cores, threads.ts; what the CLI asks for). Default 1. */
  threads?: number | 'auto';
  /**
   * Also hand back what the evidence report shows beside the findings: the entry points, the
   * business flows with their rate limits and the files scanned (`trustscan report`). The cached
   * whole result is then not reused, since these come from the parsed project.
   */
  inventory?: boolean;
}

/** The project's inventory, from the same parse as the scan's findings. */
export interface ScanInventory {
  /** Every entry point: mounted routes, then the handlers no route reaches (`unmounted`). */
  routes: Route[];
  flows: FlowModel;
  rateLimits: Map<Route, RateLimitEvidence[]>;
  /** Scan-relative paths of every file scanned (source and text files), sorted. */
  files: string[];
}

export interface ScanOutcome {
  result: ScanResult;
  /** Absolute folder every path in the result is relative to. */
  root: string;
  configSource?: string;
  /** Crashes inside rules: the CLI reports them and exits 2. */
  internalErrors: string[];
  durationMs: number;
  /** With `inventory: true` only. */
  inventory?: ScanInventory;
}

/** Config, files and the parsed project: the part of a scan every command shares. */
interface PreparedProject {
  root: string;
  config: TrustscanConfig;
  configSource?: string;
  loaded: LoadedProject;
  modules: ModuleIndex;
  /** Config `models`, resolved against the scan root. */
  models: CodeModels;
  /** Per-file failures of rules and engine passes, shared by every pass of this scan. */
  failures: AnalysisFailures;
}

/** Config, the discovered files and their texts: enough to decide whether the cache holds the result. */
interface ReadProject {
  root: string;
  scanPaths: string[];
  config: TrustscanConfig;
  configSource?: string;
  loadOptions: LoadOptions;
  files: ReadFiles;
  /** Folders that could not be listed (an unreadable directory): warnings, never a silent skip. */
  discoveryWarnings: ScanWarning[];
  /** Already resolved (a second thread gets them from the first, which knows the config file). */
  models?: CodeModels;
}

function readProject(options: ScanOptions, rules: readonly Rule[]): ReadProject {
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
  const discovered = discoverFiles({
    warnings: discoveryWarnings,
    root,
    scanPaths,
    include: [...config.include, ...(options.include ?? [])],
    exclude: [...config.exclude, ...(options.exclude ?? [])],
    includeTests: options.includeTests ?? config.includeTests,
  });
  const loadOptions: LoadOptions = {
    root,
    files: discovered,
    maxFileSize: config.maxFileSize,
    tsconfigPath: options.tsconfigPath ? path.resolve(options.cwd, options.tsconfigPath) : undefined,
    // The scanned folder's own repository when the scan root (the working directory above it) is in none:
    // `trustscan scan projects/shop` from a parent folder resolves the shop's workspace packages as a scan from inside does.
    repositoryRoot: findRepositoryRoot(root) ?? findRepositoryRoot(firstScanDir),
    inputs: new InputLog(),
  };
  return { root, scanPaths, config, configSource, loadOptions, files: readFiles(discovered, config.maxFileSize), discoveryWarnings };
}

/** The config's models resolved against the scan root, once per read project. */
function resolvedModels(read: ReadProject): CodeModels {
  return (read.models ??= resolveCodeModels(read.config, read.root, read.configSource));
}

function parseProject(read: ReadProject): PreparedProject {
  const loaded = loadProject(read.loadOptions, read.files);
  loaded.warnings.unshift(...read.discoveryWarnings);
  const { root, config, configSource } = read;
  const models = resolvedModels(read);
  return { root, config, configSource, loaded, modules: new ModuleIndex(loaded.sourceFiles, loaded.tsconfigs, loaded.outside, loaded.packageImports), models, failures: new AnalysisFailures() };
}

function prepareProject(options: ScanOptions, rules: readonly Rule[]): PreparedProject {
  return parseProject(readProject(options, rules));
}

/** Digest of every scanned file's path, kind and content (or why it is skipped). */
function filesDigest(files: ReadFiles): { all: string; byFile: Map<string, string> } {
  const byFile = new Map<string, string>();
  const parts: string[] = [];
  for (const { file, read } of files.entries) {
    const fileDigest = 'skip' in read ? `skip:${read.code}` : digest(read.text);
    byFile.set(file.path, fileDigest);
    parts.push(`${file.path}\0${file.kind}\0${fileDigest}`);
  }
  return { all: digest(parts.join('\n')), byFile };
}

/** The routes, then the handlers no route reaches and the WebSocket message handlers (`unmounted`: the dataflow runs from them too). */
function routesOf(prepared: PreparedProject): Route[] {
  const routes = discoverRoutes({
    sourceFiles: prepared.loaded.sourceFiles,
    textFiles: prepared.loaded.textFiles,
    modules: prepared.modules,
    config: routeConfig(prepared.config, prepared.models),
    adapters: FRAMEWORK_ADAPTERS,
    failures: prepared.failures,
  });
  return [
    ...routes,
    ...discoverUnmountedHandlers(prepared.loaded.sourceFiles, prepared.modules, routes),
    ...discoverModelledSources(prepared.loaded.sourceFiles, prepared.modules, prepared.models.sources),
    ...discoverMessageHandlers(prepared.loaded.sourceFiles, prepared.modules),
  ];
}

const mountedOnly = (routes: readonly Route[]): Route[] => routes.filter((route) => !route.unmounted);

/** The business flows of the scanned paths (`trustscan flows`), with each step's rate limits. */
export async function inventoryFlows(
  options: ScanOptions,
): Promise<{ model: FlowModel; rateLimits: Map<Route, RateLimitEvidence[]>; warnings: ScanWarning[]; routes: Route[]; config: TrustscanConfig; requestOf: (route: Route) => StepRequest }> {
  const prepared = prepareProject(options, options.rules);
  const routes = routesOf(prepared);
  const { flows: model, rateLimits } = flowsWithRateLimits(prepared, routes);
  // The routes a client can reach: generated flow tests create records and read them back through
  // routes that are no flow step, and `flows --check-log` matches logged requests against them.
  // What a request to a route carries (generated flow tests): read on demand, validation schemas included.
  const schemas = new SchemaFields(prepared.modules, prepared.loaded.sourceFiles);
  const requestOf = (route: Route): StepRequest => stepRequest(route, schemas);
  return { model, rateLimits, warnings: [...prepared.loaded.warnings, ...prepared.failures.warnings()], routes: mountedOnly(routes), config: prepared.config, requestOf };
}

/** The route inventory of the scanned paths (`trustscan routes`). */
export async function inventoryRoutes(options: ScanOptions): Promise<{ routes: Route[]; warnings: ScanWarning[]; filesScanned: number }> {
  const prepared = prepareProject(options, options.rules);
  const routes = routesOf(prepared);
  // Each authenticated route's lookups by client id, judged as missing-ownership-check judges them.
  const dataflow = new DataflowEngine(prepared.modules, routes, { sanitizers: prepared.config.sanitizers, sanitizerModels: prepared.models.sanitizers, authModels: prepared.models.auth, failures: prepared.failures });
  const { byRoute } = analyzeObjectAccess({ modules: prepared.modules, dataflow, sourceFiles: prepared.loaded.sourceFiles, config: prepared.config, failures: prepared.failures });
  for (const route of routes) if (route.auth === 'authenticated') route.objectAccess = byRoute.get(route) ?? [];
  return { routes, warnings: [...prepared.loaded.warnings, ...prepared.failures.warnings()], filesScanned: prepared.loaded.sourceFiles.length };
}

export async function scan(options: ScanOptions): Promise<ScanOutcome> {
  const startedAt = performance.now();
  const rules = options.rules;
  const knownRuleIds = rules.map((rule) => rule.meta.id);
  for (const id of [...(options.onlyRules ?? []), ...(options.disabledRules ?? [])]) {
    if (!knownRuleIds.includes(id)) throw new UsageError(`unknown rule id "${id}" (run "trustscan rules" to list them)`);
  }
  const loadStartedAt = performance.now();
  const read = readProject(options, rules);
  const activeRules = selectRules(rules, read.config, options.onlyRules ?? [], options.disabledRules ?? []);
  const timing = (phaseMs: Record<string, number>) =>
    options.recordDuration ? { durationMs: Math.round(performance.now() - startedAt), phaseMs: phaseMs as NonNullable<ScanResult['stats']['phaseMs']> } : {};

  const files = options.cache ? filesDigest(read.files) : undefined;
  const cache = options.cache && files ? openCache(options, read, activeRules) : undefined;
  const cached = cache && files && !options.inventory ? cache.result(files.all) : undefined;
  if (cached) {
    const readMs = Math.round(performance.now() - loadStartedAt);
    const result: ScanResult = { ...cached, stats: { ...withoutTiming(cached.stats), ...timing({ loadProject: readMs, routes: 0, dataflow: 0, rules: 0, cache: readMs }) } };
    return { result, root: read.root, configSource: read.configSource, internalErrors: [], durationMs: Math.round(performance.now() - startedAt) };
  }

  // A second thread takes the rules that read neither dataflow nor object access (those are the
  // costly analyses, computed once, here); it parses on its own while this thread does.
  // Lines are counted only when the thread count depends on them.
  const lines = () => read.files.entries.reduce((sum, entry) => sum + ('text' in entry.read ? countLines(entry.read.text) : 0), 0);
  const share = options.secondThread && analysisThreads(options.threads ?? 1, lines) === 2 ? splitRules(activeRules) : undefined;
  const cachedFileReports = cache && files ? (file: string) => cache.fileReports(file, files.byFile.get(file) ?? '') : undefined;
  const second = share
    ? runOnSecondThread(options.secondThread!, {
        loadOptions: withoutInputs(read.loadOptions),
        files: read.files,
        config: read.config,
        models: resolvedModels(read),
        ruleIds: share.second.map((active) => active.rule.meta.id),
        cachedFileReports: Object.fromEntries(read.files.entries.flatMap(({ file }) => {
          const reports = cachedFileReports?.(file.path);
          return reports ? [[file.path, reports.filter((report) => share.second.some((active) => active.rule.meta.id === report.ruleId))]] : [];
        })),
      })
    : undefined;
  // Never an unhandled rejection while this thread works; awaited below.
  second?.catch(() => undefined);

  const prepared = parseProject(read);
  const loadProjectMs = performance.now() - loadStartedAt;
  const rulesStartedAt = performance.now();
  const { root, config, configSource, loaded, modules } = prepared;
  let routes: Route[] | undefined;
  const routesOnce = () => (routes ??= routesOf(prepared));
  const ran = collectReports({
    sourceFiles: loaded.sourceFiles,
    textFiles: loaded.textFiles,
    activeRules: share ? share.first : activeRules,
    config,
    modules,
    models: prepared.models,
    routes: routesOnce,
    failures: prepared.failures,
    ...(cachedFileReports ? { cachedFileReports } : {}),
  });
  const secondStartedWaiting = performance.now();
  let other: SecondThreadOutput | undefined;
  const threadWarnings: ScanWarning[] = [];
  if (second && share) {
    try {
      other = await second;
    } catch (error) {
      // A thread that cannot start or dies (out of memory) loses nothing: its rules run here.
      threadWarnings.push({ code: 'thread-failed', message: `second analysis thread failed (${(error as Error).message.split('\n', 1)[0]}); its rules ran on the first thread` });
      const rerun = collectReports({ sourceFiles: loaded.sourceFiles, textFiles: loaded.textFiles, activeRules: share.second, config, modules, models: prepared.models, routes: () => routesOf(prepared), failures: prepared.failures, ...(cachedFileReports ? { cachedFileReports } : {}) });
      other = { collected: rerun, failures: [], inputs: {}, loadWarnings: [] };
    }
  }
  const waitedMs = performance.now() - secondStartedWaiting;
  if (other) {
    prepared.failures.merge(other.failures);
    ran.reports.push(...other.collected.reports);
    ran.internalErrors.push(...other.collected.internalErrors);
    ran.fileLocalReports = mergeFileLocalReports(ran, other.collected);
    Object.assign(read.loadOptions.inputs!.inputs, other.inputs);
  }
  const built = buildFindings({ reports: ran.reports, sourceFiles: loaded.sourceFiles, textFiles: loaded.textFiles, activeRules, knownRuleIds, failures: prepared.failures });
  const coverage = ruleCoverage(activeRules, [ran.coverage, other?.collected.coverage ?? {}], prepared.failures);
  const rulesMs = performance.now() - rulesStartedAt;
  const warnings: ScanWarning[] = [...(cache?.warnings ?? []), ...loaded.warnings, ...threadWarnings, ...built.warnings];
  const result: ScanResult = {
    schemaVersion: '1.0.0',
    tool: { name: 'trustscan', version },
    rules: activeRules.map((active) => active.rule.meta),
    findings: built.findings,
    warnings,
    ...(coverage.length > 0 ? { coverage } : {}),
    stats: {
      filesScanned: loaded.sourceFiles.length + loaded.textFiles.length,
      linesScanned: loaded.linesScanned,
      filesSkipped: loaded.filesSkipped,
      analysisFailures: prepared.failures.fileCount(),
    },
  };
  // A scan that crashed somewhere is not reused: the next one runs (and reports) again.
  if (cache && files && ran.internalErrors.length === 0) {
    const fileReports = Object.fromEntries(Object.entries(ran.fileLocalReports).map(([file, reports]) => [file, { digest: files.byFile.get(file) ?? '', reports }]));
    // Cache warnings (a corrupted file was ignored) belong to this run only.
    cache.store(files.all, read.loadOptions.inputs?.inputs ?? {}, { ...result, warnings: [...loaded.warnings, ...built.warnings] }, fileReports);
    result.warnings.push(...cache.warnings.filter((warning) => warning.code === 'cache-not-written'));
  }
  result.stats = {
    ...result.stats,
    ...timing({
      loadProject: Math.round(loadProjectMs),
      routes: Math.round(ran.timings.routes),
      dataflow: Math.round(ran.timings.dataflow),
      rules: Math.round(rulesMs),
      ruleWalk: Math.round(ran.timings.walk),
      ruleProject: Math.round(ran.timings.project),
      ...(other ? { secondThreadWait: Math.round(waitedMs), secondThreadRules: Math.round(other.collected.timings.walk + other.collected.timings.project + other.collected.timings.routes) } : {}),
    }),
  };
  const inventory = options.inventory ? projectInventory(prepared, routesOnce()) : undefined;
  return { result, root, configSource, internalErrors: ran.internalErrors, durationMs: Math.round(performance.now() - startedAt), ...(inventory ? { inventory } : {}) };
}

/** The business flows of the mounted routes, with each step's rate limits. */
function flowsWithRateLimits(prepared: PreparedProject, routes: readonly Route[]): { flows: FlowModel; rateLimits: Map<Route, RateLimitEvidence[]> } {
  const flows = analyzeFlows({ routes: mountedOnly(routes), modules: prepared.modules, sourceFiles: prepared.loaded.sourceFiles, textFiles: prepared.loaded.textFiles, config: prepared.config, failures: prepared.failures });
  return { flows, rateLimits: new Map(flows.steps.map((step) => [step.route, routeRateLimits(prepared.modules, step.route, prepared.models.rateLimiters)] as const)) };
}

function projectInventory(prepared: PreparedProject, routes: Route[]): ScanInventory {
  const { flows, rateLimits } = flowsWithRateLimits(prepared, routes);
  const files = [...prepared.loaded.sourceFiles.filter((file) => !file.outsideScan), ...prepared.loaded.textFiles].map((file) => file.path).sort();
  return { routes, flows, rateLimits, files };
}

/**
 * What the rules examined, in rule id order. A rule's items in a file it failed on are dropped, as
 * its findings there are: that file was not judged, so it is no evidence either way.
 */
function ruleCoverage(activeRules: readonly ActiveRule[], recorded: ReadonlyArray<Record<string, ExaminedItem[]>>, failures: AnalysisFailures): RuleCoverage[] {
  const coverage: RuleCoverage[] = [];
  for (const active of activeRules) {
    const ruleId = active.rule.meta.id;
    const items = recorded.flatMap((byRule) => byRule[ruleId] ?? []).filter((item) => !failures.failed(ruleId, item.file));
    if (items.length > 0) coverage.push({ ruleId, items });
  }
  return coverage;
}

function withoutTiming(stats: ScanResult['stats']): ScanResult['stats'] {
  const { durationMs: _duration, phaseMs: _phases, ...rest } = stats;
  return rest;
}

/**
 * The cache of this scan's root and paths, checked against the tool version, the config and the
 * flags that change results (which rules run, with which options, over which files).
 */
function openCache(options: ScanOptions, read: ReadProject, activeRules: readonly ActiveRule[]): ScanCache {
  const settings = digest(
    JSON.stringify({
      version,
      config: read.config,
      configSource: read.configSource ?? null,
      rules: activeRules.map((active) => [active.rule.meta.id, active.severityOverride ?? null, active.options]),
      include: options.include ?? [],
      exclude: options.exclude ?? [],
      includeTests: options.includeTests ?? null,
      tsconfig: read.loadOptions.tsconfigPath ?? null,
      repositoryRoot: read.loadOptions.repositoryRoot ?? null,
    }),
  );
  const scope = [read.root, ...read.scanPaths].join('\0');
  return new ScanCache(options.cache!.location, scope, version, settings);
}

/**
 * The rules a second thread takes: those that read neither dataflow nor object access, which stay
 * with the first thread that computes them. Undefined when one side would be empty.
 */
function splitRules(activeRules: readonly ActiveRule[]): { first: ActiveRule[]; second: ActiveRule[] } | undefined {
  const readsDataflow = (active: ActiveRule) => (active.rule.analyses ?? WHOLE_PROJECT_ANALYSES).some((analysis) => analysis === 'dataflow' || analysis === 'objectAccess');
  const first = activeRules.filter(readsDataflow);
  const second = activeRules.filter((active) => !readsDataflow(active));
  return first.length > 0 && second.length > 0 ? { first, second } : undefined;
}

/** The second thread's work (src/rule-thread-main.ts): parse the texts it was given, run its rules. */
export function collectRuleShare(input: SecondThreadInput, rules: readonly Rule[]): SecondThreadOutput {
  const inputs = new InputLog();
  const read: ReadProject = { root: input.loadOptions.root, scanPaths: [], config: input.config, loadOptions: { ...input.loadOptions, inputs }, files: input.files, discoveryWarnings: [], models: input.models };
  const prepared = parseProject(read);
  const activeRules = selectRules(rules, input.config, input.ruleIds, []);
  const collected: CollectedReports = collectReports({
    sourceFiles: prepared.loaded.sourceFiles,
    textFiles: prepared.loaded.textFiles,
    activeRules,
    config: input.config,
    modules: prepared.modules,
    models: prepared.models,
    routes: () => routesOf(prepared),
    failures: prepared.failures,
    cachedFileReports: (file) => input.cachedFileReports[file],
  });
  return { collected, failures: prepared.failures.entries(), inputs: inputs.inputs, loadWarnings: prepared.loaded.warnings };
}

/**
 * Both threads' file-local reports per file. A file one thread's file-local rules failed on is
 * absent from its map and stays absent: the cache must never hold half of a file's reports.
 */
function mergeFileLocalReports(a: CollectedReports, b: CollectedReports): Record<string, StoredReport[]> {
  const merged: Record<string, StoredReport[]> = {};
  const files = new Set([...Object.keys(a.fileLocalReports), ...Object.keys(b.fileLocalReports)]);
  for (const file of files) {
    const fromA = a.fileLocalReports[file];
    const fromB = b.fileLocalReports[file];
    if ((a.fileLocalRuleIds.length > 0 && !fromA) || (b.fileLocalRuleIds.length > 0 && !fromB)) continue;
    merged[file] = [...(fromA ?? []), ...(fromB ?? [])];
  }
  return merged;
}

function withoutInputs(options: LoadOptions): Omit<LoadOptions, 'inputs'> {
  const { inputs: _inputs, ...rest } = options;
  return rest;
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

export function routeConfig(config: TrustscanConfig, models: CodeModels): RouteConfig {
  return { authMiddleware: config.auth.middleware, publicRoutes: config.auth.publicRoutes, roleChecks: config.auth.roleChecks, rateLimiters: models.rateLimiters, authModels: models.auth };
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
