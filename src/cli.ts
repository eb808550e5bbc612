import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { controlTitle } from './controls/index.js';
import { UsageError } from './engine/errors.js';
import { describeSystemError } from './engine/system-error.js';
import { escapeControlCharacters } from './reporters/terminal-text.js';
import { SEVERITIES, SEVERITY_RANK, type RuleMeta, type ScanResult, type Severity } from './types.js';
import type { Rule } from './engine/rule-api.js';
import type { FlowTestsConfig } from './engine/config.js';
import type { StepRequest } from './engine/flows/step-requests.js';
import type { FlowModel } from './engine/flows/flow-model.js';
import type { RateLimitEvidence } from './engine/routes/rate-limits.js';
import type { Route } from './engine/routes/route.js';
import type { FlowTestRunner } from './reporters/flow-tests.js';
import { version } from './version.js';
import { mainOnAnalysisThread, runsAnalysis, type AnalysisThread } from './analysis-thread.js';
import { colorFor, DEFAULT_TEXT_WIDTH, textWidth, type CliIo } from './cli-io.js';
import { SCOPE_NAMES as SCOPE_CHOICES } from './report/pack-types.js';
import { makeDirectories } from './engine/make-directories.js';

// The engine and the rules pull in the TypeScript compiler (most of start-up time);
// they are imported inside the commands that scan, so --version, --help and `rules` stay fast.
// The reporters (chalk, the SARIF tables) follow them: only a command with a report needs them.
const loadEngine = () => import('./index.js');

/** Where the CLI writes and what it may know about its environment; injected so tests run in-process. */
export type { CliIo } from './cli-io.js';

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

const FORMATS = ['text', 'json', 'sarif', 'csv', 'markdown', 'junit'] as const;
type Format = (typeof FORMATS)[number];
const FAIL_ON_LEVELS = [...SEVERITIES, 'none'] as const;

interface ScanCommandOptions {
  format: string;
  output?: string;
  quiet?: boolean;
  failOn: string;
  severity?: string;
  config?: string;
  tsconfig?: string;
  include: string[];
  exclude: string[];
  includeTests?: boolean;
  includeSuppressed?: boolean;
  rule: string[];
  disableRule: string[];
  color: boolean;
  timing?: boolean;
  cache?: boolean;
  cacheLocation?: string;
  threads?: string;
  debug?: boolean;
  baseline?: string;
  writeBaseline?: string;
  changedSince?: string;
  allowEmpty?: boolean;
  verbose?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** ESLint's and Babel's convention: build caches live under node_modules/.cache, which nobody commits. */
const DEFAULT_CACHE_LOCATION = 'node_modules/.cache/trustscan';

/** The options that say which files make up the project: shared by every command that loads one. */
function withProjectOptions(command: Command): Command {
  return command
    .option('--config <file>', 'config file (default: trustscan.config.json or package.json "trustscan")')
    .option('--tsconfig <file>', 'tsconfig.json to take compiler options from')
    .option('--include <glob>', 'scan only files matching this glob (repeatable)', collect, [])
    .option('--exclude <glob>', 'skip files matching this glob (repeatable)', collect, [])
    .option('--include-tests', 'also scan tests, specs, __tests__, fixtures and mocks')
    .option('--verbose', 'list every warning (default: a kind of warning with more than 3 is one line)');
}

/** Seams for tests: the rule set to scan with (default: every rule). */
export interface CliOverrides {
  rules?: readonly Rule[];
}

/** The part of the scan options that withProjectOptions' flags set, shared by `scan` and `routes`. */
function projectOptions(
  paths: string[],
  options: { config?: string; tsconfig?: string; include: string[]; exclude: string[]; includeTests?: boolean },
  io: CliIo,
  overrides: CliOverrides,
) {
  return {
    rules: overrides.rules,
    cwd: io.cwd,
    paths,
    configPath: options.config,
    tsconfigPath: options.tsconfig,
    include: options.include,
    exclude: options.exclude,
    includeTests: options.includeTests,
  };
}

/** Runs the CLI against `io` and returns the exit code; never calls process.exit. */
export async function main(argv: string[], io: CliIo, overrides: CliOverrides = {}): Promise<number> {
  let exitCode = EXIT_CLEAN;
  const debug = argv.includes('--debug');
  const program = new Command('trustscan')
    .description('Find SOC 2 control gaps in TypeScript APIs: secrets, injection, broken access control, PII in logs.')
    .version(version, '-v, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      // Commander's own error text is replaced by our one-line format in the catch below.
      outputError: () => {},
    })
    .showSuggestionAfterError(true);

  withProjectOptions(program
    .command('scan')
    .description('scan files or folders and report findings')
    .argument('[paths...]', 'files or folders to scan', ['.'])
    .addOption(new Option('-f, --format <format>', 'output format (csv: one row per finding, for spreadsheets; markdown: a PR comment or job summary; junit: test results for CI)').choices(FORMATS).default('text'))
    .option('-o, --output <file>', 'write the report to a file; the summary still goes to stderr')
    .option('-q, --quiet', 'print nothing but the report (no summary, no warnings)')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when an unsuppressed finding is at or above this').choices(FAIL_ON_LEVELS).default('high'))
    .addOption(new Option('--severity <severity>', 'report only findings at or above this').choices(SEVERITIES)))
    .option('--include-suppressed', 'keep suppressed findings in SARIF (with suppressions[])')
    .option('--baseline <file>', 'findings this baseline file holds are listed as baseline and never fail --fail-on; its entries no longer found are listed as fixed')
    .option('--write-baseline <file>', 'record the current findings (rule, file, fingerprint: no code) as a baseline file')
    .option('--changed-since <git-ref>', 'report only findings on lines changed since the merge base with this ref, or new since it (the whole project is still analysed)')
    .option('--rule <id>', 'run only this rule (repeatable)', collect, [])
    .option('--disable-rule <id>', 'do not run this rule (repeatable)', collect, [])
    .option('--no-color', 'never colour the output (NO_COLOR is honoured too)')
    .option('--cache', 'reuse the last result when nothing changed, and unchanged files\' per-file results')
    .option('--cache-location <dir>', 'where the cache lives (default: node_modules/.cache/trustscan; implies --cache)')
    .option('--threads <n>', 'analysis threads: 1 or 2 (default 1; a second thread parses the project again and runs the rules that need no dataflow; output is identical)')
    .option('--timing', 'record the scan duration in JSON output (makes it non-deterministic)')
    .option('--debug', 'print stack traces of internal errors')
    .option('--allow-empty', 'exit 0 when no file matched (default: exit 2, so a CI gate never passes having scanned nothing)')
    .action(async (paths: string[], options: ScanCommandOptions) => {
      exitCode = await runScan(paths, options, io, overrides);
    });

  withProjectOptions(program
    .command('routes')
    .description('list every HTTP route with its authentication, role guard, rate limit and middleware')
    .argument('[paths...]', 'files or folders to scan', ['.'])
    .addOption(new Option('-f, --format <format>', 'output format (csv: one row per route, for spreadsheets)').choices(['text', 'json', 'csv']).default('text'))
    .option('-o, --output <file>', 'write the inventory to a file'))
    .option('--no-color', 'never colour the output (NO_COLOR is honoured too)')
    .action(async (paths: string[], options: RoutesCommandOptions) => {
      exitCode = await runRoutes(paths, options, io, overrides);
    });

  withProjectOptions(program
    .command('flows')
    .description('draw the business flows the code implements (state diagrams with guarded and unguarded transitions)')
    .argument('[paths...]', 'files or folders to scan', ['.'])
    .addOption(new Option('-f, --format <format>', 'output format: mermaid (default), json or markdown; with --check-log: text (default), json or markdown').choices(['mermaid', 'text', 'json', 'markdown']))
    .option('-o, --output <file>', 'write the diagrams (or the --check-log report) to a file'))
    .option('--flow <name>', 'only this flow (an entity flow such as "Order.status", or a config flow name): one renderable diagram')
    .option('--emit-tests <dir>', 'write runnable HTTP tests that call each sensitive step out of order and twice, expecting the server to refuse (run them against BASE_URL)')
    .addOption(new Option('--runner <runner>', 'test runner the generated tests are written for (with --emit-tests)').choices(['node', 'vitest', 'jest']).default('node'))
    .option('--check-log <files...>', 'replay access logs (.gz too; combined/common, pino-http, morgan JSON, AWS ALB, API Gateway) against the flows: report sequences that skip or repeat a step')
    .addOption(new Option('--log-format <format>', 'with --check-log: the logs\' format (default: detected per file)').choices(['combined', 'common', 'pino', 'morgan-json', 'alb', 'apigateway']))
    .option('--actor <field>', 'with --check-log: the field naming the actor (a JSON path such as req.headers.x-user-id; remote_user for text logs); default: known user fields, then a Bearer JWT\'s sub (not verified), then IP + user agent')
    .option('--idle-timeout <minutes>', 'with --check-log: forget a sequence idle this long in log time (default 30)')
    .option('--reorder-window <seconds>', 'with --check-log: lines out of time order by up to this much are merged in order (default 10)')
    .addOption(new Option('--fail-on <level>', 'with --check-log: exit 1 when a break at or above this is found (high: an unguarded step reached out of order; medium: also guarded steps)').choices(['high', 'medium', 'none']).default('high'))
    .action(async (paths: string[], options: FlowsCommandOptions) => {
      exitCode = await runFlows(paths, options, io, overrides);
    });

  withProjectOptions(program
    .command('report')
    .description('write the audit evidence pack: per SOC 2 criterion (and OWASP API, PCI DSS, HIPAA, GDPR) what was tested, what passed and what failed')
    .argument('[paths...]', 'files or folders to scan', ['.'])
    .addOption(new Option('-f, --format <format>', 'output format').choices(['html', 'markdown', 'json']).default('html'))
    .option('-o, --output <file>', 'write the report to a file (folders are created)')
    .option('--history <dir>', 'earlier JSON reports (e.g. CI artifacts): first seen, fixed, trend')
    .option('--scope <categories>', `SOC 2 categories in scope, comma-separated (${Object.keys(SCOPE_CHOICES).join(', ')}; default all; security always)`)
    .option('--date <date>', 'report date (ISO); default SOURCE_DATE_EPOCH, else now')
    .addOption(new Option('--fail-on <severity>', 'the threshold a finding must reach to FAIL a criterion (default high); given explicitly, also exit 1 when a criterion fails').choices(FAIL_ON_LEVELS))
    .option('--rule <id>', 'run only this rule (repeatable)', collect, [])
    .option('--disable-rule <id>', 'do not run this rule (repeatable)', collect, []))
    .action(async (paths: string[], options: ReportCommandOptions) => {
      exitCode = await runReport(paths, options, io, overrides);
    });

  program
    .command('rules')
    .description('list every rule with its severity, confidence and control mapping')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (options: { format: 'text' | 'json' }) => {
      const rules = await loadRuleMetadata();
      io.stdout(options.format === 'json' ? formatRulesJson(rules) : formatRulesText(rules));
    });

  program
    .command('models')
    .description('list what the scanner knows of libraries (built-in) and of this project (config "models")')
    .argument('[path]', 'folder whose config is read (as scan finds it)', '.')
    .option('--config <file>', 'config file (default: trustscan.config.json or package.json "trustscan" in the folder)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (target: string, options: { config?: string; format: 'text' | 'json' }) => {
      const [{ builtInModels, configModels }, { loadConfig }, { allRules }] = await Promise.all([import('./models/index.js'), import('./engine/config.js'), import('./rules/index.js')]);
      const folder = path.resolve(io.cwd, target);
      const { config, source } = loadConfig({ explicitPath: options.config ? path.resolve(io.cwd, options.config) : undefined, startDir: folder, stopDir: folder, rules: allRules });
      const models = [...builtInModels(), ...configModels(config.models, config.rateLimiters)];
      if (options.format === 'json') {
        io.stdout(`${JSON.stringify({ config: source ? path.relative(io.cwd, source) || path.basename(source) : null, models }, null, 2)}\n`);
        return;
      }
      const lines = models.map((model) => {
        const what = `${model.kind}${model.category ? ` (${model.category})` : ''}`.padEnd(24);
        const where = [model.modules.join(', '), model.names.join(', ')].filter(Boolean).join(': ');
        return `${what} ${model.source.padEnd(17)} ${escapeControlCharacters(where)}${model.argument !== undefined && model.source !== 'built-in' ? ` [argument ${model.argument}]` : ''}\n${' '.repeat(43)}${model.description}`;
      });
      io.stdout(`${lines.join('\n')}\n\n${models.length} models: ${models.filter((model) => model.source === 'built-in').length} built-in, ${models.filter((model) => model.source !== 'built-in').length} from config${source ? ` (${path.relative(io.cwd, source) || path.basename(source)})` : ''}\n`);
    });

  program
    .command('init')
    .description('write a starting trustscan.config.json for the frameworks the project uses (and, with --workflow, the GitHub workflow)')
    .argument('[folder]', 'the project folder', '.')
    .option('--force', 'overwrite existing files')
    .option('--workflow', 'also write .github/workflows/trustscan.yml, which runs the trustscan action')
    .action(async (folder: string, options: { force?: boolean; workflow?: boolean }) => {
      const { initProject } = await import('./init/init-project.js');
      const { written, frameworks } = initProject(io.cwd, folder, { force: Boolean(options.force), workflow: Boolean(options.workflow), version });
      const where = (name: string) => escapeControlCharacters(path.relative(io.cwd, path.resolve(io.cwd, folder, name)) || name);
      io.stdout(`${written.map((name) => `Wrote ${where(name)}`).join('\n')}\nFrameworks: ${frameworks.length > 0 ? frameworks.map((framework) => framework.title).join(', ') : 'none recognised'}\n`);
    });

  try {
    // `trustscan` alone asks what the tool does: the help, on stdout, and success (git, npm do the same).
    if (argv.length === 0) {
      io.stdout(program.helpInformation());
      return EXIT_CLEAN;
    }
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT_CLEAN; // --help, --version
      // No command given: commander has already printed the help to stderr; its "(outputHelp)"
      // message is an internal marker, not something to show. A missing command is a usage error.
      if (error.code === 'commander.help') return EXIT_ERROR;
      io.stderr(`trustscan ${version}: ${error.message.replace(/^error: /, '')}\n`);
      return EXIT_ERROR;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`trustscan ${version}: ${escapeControlCharacters(message)}\n`);
    if (debug && error instanceof Error && !(error instanceof UsageError) && error.stack) io.stderr(`${error.stack}\n`);
    return EXIT_ERROR;
  }
}

async function runScan(paths: string[], options: ScanCommandOptions, io: CliIo, overrides: CliOverrides): Promise<number> {
  const format = options.format as Format;
  const { scan } = await loadEngine();
  const [{ formatJson }, { formatSarif }, { formatText, formatTextSummary }, { formatFindingsCsv }, { formatMarkdown }, { formatJunit }] = await Promise.all([
    import('./reporters/json.js'),
    import('./reporters/sarif.js'),
    import('./reporters/text.js'),
    import('./reporters/csv.js'),
    import('./reporters/markdown.js'),
    import('./reporters/junit.js'),
  ]);
  const scanOptions = {
    ...projectOptions(paths, options, io, overrides),
    onlyRules: options.rule,
    disabledRules: options.disableRule,
    threads: options.threads !== undefined ? threadCount(options.threads) : ('auto' as const),
  };
  // Read before the scan: a bad baseline file is a usage error, not a wasted scan.
  const baselines = options.baseline || options.writeBaseline ? await import('./ci/baseline.js') : undefined;
  const baseline = options.baseline && baselines ? baselines.readBaseline(path.resolve(io.cwd, options.baseline), options.baseline) : undefined;
  const outcome = await scan({
    ...scanOptions,
    recordDuration: options.timing,
    ...(options.cache || options.cacheLocation ? { cache: { location: path.resolve(io.cwd, options.cacheLocation ?? DEFAULT_CACHE_LOCATION) } } : {}),
  });
  let result = outcome.result;
  if (options.writeBaseline && baselines) writeReport(baselines.formatBaseline(baselines.buildBaseline(result)), options.writeBaseline, io);
  if (baseline && options.baseline && baselines) result = baselines.applyBaseline(result, baseline, options.baseline);
  if (options.changedSince) {
    const { limitToChangedLines } = await import('./ci/changed-since.js');
    result = await limitToChangedLines(result, {
      ref: options.changedSince,
      root: outcome.root,
      // The same scan of the merge base's files, every path moved from the working tree to `worktree`.
      scanAtMergeBase: async (worktree, repositoryRoot) => {
        const moved = (file: string) => {
          const relative = path.relative(repositoryRoot, path.resolve(io.cwd, file));
          return relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(io.cwd, file) : path.join(worktree, relative);
        };
        const cwdInside = !path.relative(repositoryRoot, io.cwd).startsWith('..');
        // A folder the pull request adds did not exist at the merge base: all of it is new.
        const basePaths = scanOptions.paths.map(moved).filter((scanPath) => existsSync(scanPath));
        if (basePaths.length === 0) return { ...outcome.result, findings: [] };
        const base = await scan({
          ...scanOptions,
          cwd: moved(cwdInside ? io.cwd : outcome.root),
          paths: basePaths,
          ...(scanOptions.configPath ? { configPath: existsSync(moved(scanOptions.configPath)) ? moved(scanOptions.configPath) : path.resolve(io.cwd, scanOptions.configPath) } : {}),
          ...(scanOptions.tsconfigPath ? { tsconfigPath: moved(scanOptions.tsconfigPath) } : {}),
        });
        return base.result;
      },
    });
  }
  const minimumSeverity = options.severity as Severity | undefined;
  const reported = filterBySeverity(result, minimumSeverity);
  if (!options.quiet) {
    for (const line of summariseWarnings(result.warnings, Boolean(options.verbose))) io.stderr(line);
  }
  // A gate that scanned nothing must not pass: a typo in a path glob, an invalid one such as
  // [z-a], or only files that were skipped (the warnings above say why).
  if (result.stats.filesScanned === 0) {
    const empty = emptyScanMessage(paths, options.include, result.stats.filesSkipped);
    if (!options.allowEmpty) throw new UsageError(`${empty}; --allow-empty accepts an empty scan`);
    if (!options.quiet) io.stderr(`note: ${empty}; passing because of --allow-empty\n`);
  }
  const textOptions = { minimumSeverity, durationMs: outcome.durationMs };
  const report =
    format === 'json'
      ? formatJson(reported)
      : format === 'sarif'
        ? formatSarif(reported, { includeSuppressed: Boolean(options.includeSuppressed), versionControl: await sarifVersionControl(outcome.root) })
        : format === 'csv'
          ? formatFindingsCsv(reported)
          : format === 'markdown'
            ? formatMarkdown(reported)
            : format === 'junit'
              ? formatJunit(reported)
              : formatText(result, { ...textOptions, color: !options.output && colorFor(io, io.stdoutIsTTY, options.color), width: options.output ? DEFAULT_TEXT_WIDTH : textWidth(io) });

  writeReport(report, options.output, io);
  // The human summary accompanies machine output on stderr, so stdout stays parseable.
  if (!options.quiet && (options.output || format !== 'text')) {
    io.stderr(formatTextSummary(result, { ...textOptions, color: colorFor(io, io.stderrIsTTY, options.color) }));
    if (options.output) io.stderr(`Report written to ${options.output}\n`);
  }

  for (const internalError of outcome.internalErrors) {
    io.stderr(`trustscan ${version}: internal error: ${options.debug ? internalError : escapeControlCharacters(internalError.split('\n')[0]!)}\n`);
  }
  if (outcome.internalErrors.length > 0) return EXIT_ERROR;
  return gateExitCode(result, options.failOn);
}

interface RoutesCommandOptions {
  format: 'text' | 'json' | 'csv';
  output?: string;
  config?: string;
  tsconfig?: string;
  include: string[];
  exclude: string[];
  includeTests?: boolean;
  color: boolean;
  verbose?: boolean;
}

async function runRoutes(paths: string[], options: RoutesCommandOptions, io: CliIo, overrides: CliOverrides): Promise<number> {
  const { inventoryRoutes } = await loadEngine();
  const [{ formatRoutesJson, formatRoutesText }, { formatRoutesCsv }] = await Promise.all([import('./reporters/routes.js'), import('./reporters/csv.js')]);
  const { routes, warnings } = await inventoryRoutes(projectOptions(paths, options, io, overrides));
  for (const line of summariseWarnings(warnings, Boolean(options.verbose))) io.stderr(line);
  const colorAllowed = !options.output && colorFor(io, io.stdoutIsTTY, options.color);
  const report =
    options.format === 'json' ? formatRoutesJson(routes, version) : options.format === 'csv' ? formatRoutesCsv(routes) : formatRoutesText(routes, { color: colorAllowed, width: options.output ? DEFAULT_TEXT_WIDTH : textWidth(io) });
  writeReport(report, options.output, io);
  return EXIT_CLEAN;
}

interface FlowsCommandOptions extends Omit<RoutesCommandOptions, 'format' | 'color'> {
  format?: 'mermaid' | 'text' | 'json' | 'markdown';
  flow?: string;
  emitTests?: string;
  runner: 'node' | 'vitest' | 'jest';
  checkLog?: string[];
  logFormat?: string;
  actor?: string;
  idleTimeout?: string;
  reorderWindow?: string;
  failOn: 'high' | 'medium' | 'none';
}

function positiveNumber(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new UsageError(`${flag} must be a positive number, got "${value}"`);
  return number;
}

async function runFlows(paths: string[], options: FlowsCommandOptions, io: CliIo, overrides: CliOverrides): Promise<number> {
  if (options.emitTests !== undefined && options.checkLog !== undefined) throw new UsageError('--emit-tests and --check-log are two runs: give one of them');
  if (options.checkLog === undefined) {
    for (const [flag, given] of [['--log-format', options.logFormat], ['--actor', options.actor], ['--idle-timeout', options.idleTimeout], ['--reorder-window', options.reorderWindow]] as const) {
      if (given !== undefined) throw new UsageError(`${flag} is an option of --check-log`);
    }
    if (options.format === 'text') throw new UsageError('-f text is the --check-log report; the diagrams are mermaid, json or markdown');
  } else if (options.format === 'mermaid') throw new UsageError('--check-log writes text, json or markdown, not mermaid');
  // Flags and log files are checked before the scan: a typo costs a second, not a scan.
  const replayOptions = options.checkLog
    ? {
        files: options.checkLog,
        cwd: io.cwd,
        ...(options.logFormat ? { format: options.logFormat as import('./log-replay/log-request.js').LogFormat } : {}),
        ...(options.actor ? { actorField: options.actor } : {}),
        ...(options.idleTimeout !== undefined ? { idleTimeoutMinutes: positiveNumber(options.idleTimeout, '--idle-timeout') } : {}),
        ...(options.reorderWindow !== undefined ? { reorderWindowSeconds: positiveNumber(options.reorderWindow, '--reorder-window') } : {}),
      }
    : undefined;
  if (replayOptions) {
    const { checkLogFile } = await import('./log-replay/log-source.js');
    for (const file of replayOptions.files) checkLogFile(path.resolve(io.cwd, file), file);
  }
  const { inventoryFlows } = await loadEngine();
  const { formatFlowsJson, formatFlowsMarkdown, formatFlowsMermaid } = await import('./reporters/flows.js');
  const inventory = await inventoryFlows(projectOptions(paths, options, io, overrides));
  const { rateLimits, warnings } = inventory;
  for (const line of summariseWarnings(warnings, Boolean(options.verbose))) io.stderr(line);
  let model = inventory.model;
  if (options.flow !== undefined) {
    const chosen = model.flows.filter((flow) => flow.name === options.flow);
    if (chosen.length === 0) {
      const known = model.flows.map((flow) => flow.name);
      throw new UsageError(`no flow named "${options.flow}" (${known.length > 0 ? `flows found: ${known.join(', ')}` : 'no flows found'})`);
    }
    model = { ...model, flows: chosen };
  }
  if (options.emitTests !== undefined) return emitFlowTests(options.emitTests, { model, rateLimits, routes: inventory.routes, flowTests: inventory.config.flowTests, requestOf: inventory.requestOf }, options.runner, io);
  if (replayOptions) return replayLogs(model, inventory.routes, replayOptions, options, io);
  const report =
    options.format === 'json' ? formatFlowsJson(model, rateLimits, version) : options.format === 'markdown' ? formatFlowsMarkdown(model, rateLimits) : formatFlowsMermaid(model);
  writeReport(report, options.output, io);
  return EXIT_CLEAN;
}

/** `flows --emit-tests <dir>`: one test file per sensitive step plus their runtime; lists what it wrote. */
async function emitFlowTests(
  dir: string,
  inventory: { model: FlowModel; rateLimits: Map<Route, RateLimitEvidence[]>; routes: Route[]; flowTests: FlowTestsConfig | undefined; requestOf: (route: Route) => StepRequest },
  runner: FlowTestRunner,
  io: CliIo,
): Promise<number> {
  const { generateFlowTests, DEFAULT_FLOW_TEST_SETTINGS } = await import('./reporters/flow-tests.js');
  const settings = { ...DEFAULT_FLOW_TEST_SETTINGS, ...inventory.flowTests, values: { ...inventory.flowTests?.values } };
  const files = generateFlowTests({ model: inventory.model, routes: inventory.routes, rateLimits: inventory.rateLimits, runner, settings, version, requestOf: inventory.requestOf });
  const target = path.resolve(io.cwd, dir);
  try {
    makeDirectories(target);
    for (const file of files) writeFileSync(path.join(target, file.path), file.content);
  } catch (error) {
    throw new UsageError(`cannot write ${dir}: ${describeSystemError(error)}`);
  }
  const steps = files.length > 0 ? files.length - 1 : 0;
  io.stdout(steps === 0 ? 'trustscan found no flow step to test (no stateful flow with a route that creates its records)\n' : `wrote ${steps} test file${steps === 1 ? '' : 's'} and their runtime to ${dir}:\n${files.map((file) => `  ${file.path}`).join('\n')}\nrun them against a running instance: BASE_URL=http://127.0.0.1:3000 TRUSTSCAN_TOKEN_USER=... ${runner === 'node' ? `node --test ${dir}` : runner === 'vitest' ? `npx vitest run ${dir}` : `npx jest ${dir}`}\n`);
  return EXIT_CLEAN;
}

/** `flows --check-log`: the replay of access logs against the flows; exit 1 on a break at or above --fail-on. */
async function replayLogs(
  model: import('./engine/flows/flow-model.js').FlowModel,
  routes: readonly import('./engine/routes/route.js').Route[],
  replayOptions: import('./log-replay/check-log.js').CheckLogOptions,
  options: FlowsCommandOptions,
  io: CliIo,
): Promise<number> {
  const [{ checkLogs, logReplayFails }, { formatLogReplayText }, { formatLogReplayJson }, { formatLogReplayMarkdown }] = await Promise.all([
    import('./log-replay/check-log.js'),
    import('./log-replay/format-text.js'),
    import('./log-replay/format-json.js'),
    import('./log-replay/format-markdown.js'),
  ]);
  // A progress line only where someone watches it: a terminal, never a CI log or a pipe.
  let progressShown = false;
  const onProgress = io.stderrIsTTY
    ? (stats: import('./log-replay/merge.js').MergeStats) => {
        progressShown = true;
        const share = stats.bytesTotal > 0 ? ` (${Math.min(100, Math.round((stats.bytesRead / stats.bytesTotal) * 100))}% of ${(stats.bytesTotal / 1048576).toFixed(0)} MiB read)` : '';
        io.stderr(`\rreplaying: ${stats.lines.toLocaleString('en-US')} lines${share}, ${stats.malformed.toLocaleString('en-US')} malformed\x1b[K`);
      }
    : undefined;
  const report = await checkLogs(model, routes, { ...replayOptions, ...(onProgress ? { onProgress } : {}) });
  if (progressShown) io.stderr('\r\x1b[K');
  const format = options.format ?? 'text';
  const text = format === 'json' ? formatLogReplayJson(report, version) : format === 'markdown' ? formatLogReplayMarkdown(report) : formatLogReplayText(report);
  writeReport(text, options.output, io);
  if (options.output) io.stderr(`Log replay written to ${options.output}: ${report.replay.actors.brokeAFlow.length} actors broke a flow\n`);
  return logReplayFails(report, options.failOn) ? EXIT_FINDINGS : EXIT_CLEAN;
}

interface ReportCommandOptions extends Omit<RoutesCommandOptions, 'format' | 'color'> {
  format: 'html' | 'markdown' | 'json';
  history?: string;
  scope?: string;
  date?: string;
  failOn?: string;
  rule: string[];
  disableRule: string[];
}

async function runReport(paths: string[], options: ReportCommandOptions, io: CliIo, overrides: CliOverrides): Promise<number> {
  const { scan, allRules } = await loadEngine();
  const [{ buildEvidencePack }, inputs, { loadGitState }] = await Promise.all([import('./report/evidence-pack.js'), import('./report/inputs.js'), import('./engine/git.js')]);
  // Flags are checked before the scan: a typo costs a second, not a scan.
  const reportDate = inputs.reportDate(options.date, io.env);
  const scope = inputs.parseScope(options.scope);
  const history = options.history !== undefined ? inputs.loadHistory(path.resolve(io.cwd, options.history)) : undefined;
  const outcome = await scan({
    ...projectOptions(paths, options, io, overrides),
    onlyRules: options.rule,
    disabledRules: options.disableRule,
    inventory: true,
  });
  for (const line of summariseWarnings(outcome.result.warnings, Boolean(options.verbose))) io.stderr(line);
  for (const warning of history?.warnings ?? []) io.stderr(formatWarning({ message: `--history: ${warning}` }));
  const rules = overrides.rules ?? allRules;
  const threshold = (options.failOn && options.failOn !== 'none' ? options.failOn : 'high') as Severity;
  const git = await loadGitState(outcome.root);
  const pack = buildEvidencePack({
    result: outcome.result,
    inventory: outcome.inventory!,
    ruleAnalyses: new Map(rules.map((rule) => [rule.meta.id, rule.analyses ?? []] as const)),
    project: { ...inputs.projectIdentity(outcome.root), scannedPaths: paths.map((scanned) => path.relative(outcome.root, path.resolve(io.cwd, scanned)).split(path.sep).join('/') || '.') },
    git: git ? { commit: git.commit ?? null, branch: git.branch ?? null, detached: git.detached, ...(git.commitTime ? { commitTime: git.commitTime } : {}) } : null,
    config: inputs.configIdentity(outcome.configSource, outcome.root),
    reportDate,
    threshold,
    scope,
    ...(history ? { history: history.reports } : {}),
  });
  const report =
    options.format === 'json'
      ? `${JSON.stringify(pack, null, 2)}\n`
      : options.format === 'markdown'
        ? (await import('./reporters/report-markdown.js')).formatReportMarkdown(pack)
        : (await import('./reporters/report-html.js')).formatReportHtml(pack);
  writeReport(report, options.output, io);
  for (const internalError of outcome.internalErrors) io.stderr(`trustscan ${version}: internal error: ${escapeControlCharacters(internalError.split('\n')[0]!)}\n`);
  if (outcome.internalErrors.length > 0) return EXIT_ERROR;
  if (options.output) io.stderr(`Evidence report written to ${options.output}: ${pack.summary.criteria.pass} PASS, ${pack.summary.criteria.fail} FAIL, ${pack.summary.criteria['not-tested']} NOT TESTED (SOC 2), score ${pack.score.overall}/100\n`);
  // Exit 1 only when asked: the report is evidence, not a gate, unless --fail-on says otherwise.
  if (options.failOn === undefined || options.failOn === 'none') return EXIT_CLEAN;
  return pack.frameworks.some((framework) => framework.criteria.some((criterion) => criterion.status === 'fail')) ? EXIT_FINDINGS : EXIT_CLEAN;
}

function threadCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1) throw new UsageError(`--threads must be a positive integer, got "${value}"`);
  return count;
}

function writeReport(report: string, output: string | undefined, io: CliIo): void {
  if (!output) {
    io.stdout(report);
    return;
  }
  try {
    const target = path.resolve(io.cwd, output);
    // `-o reports/trustscan.sarif` in a fresh CI checkout: the folder is made, as most tools do.
    makeDirectories(path.dirname(target));
    writeFileSync(target, report);
  } catch (error) {
    throw new UsageError(`cannot write ${output}: ${describeSystemError(error)}`);
  }
}

function emptyScanMessage(paths: string[], include: string[], skipped: number): string {
  const what = escapeControlCharacters([paths.join(' '), ...include.map((glob) => `--include ${glob}`)].join(', '));
  return skipped > 0
    ? `no file to scan: ${what} matched ${skipped} file${skipped === 1 ? '' : 's'}, all skipped`
    : `no file to scan: ${what} matched no file trustscan scans (a typo, or an invalid glob?)`;
}

/** Warnings of one kind past this many are one line (Juice Shop has 39 files with syntax errors). */
const WARNINGS_SHOWN_PER_KIND = 3;

/** What a summarised kind of warning says, in words; other kinds say "N warnings (code)". */
const WARNING_KIND_SUMMARY: Readonly<Record<string, (count: number) => string>> = {
  'parse-error': (count) => `${count} files with syntax errors were scanned as far as they parse`,
  'unused-suppression': (count) => `${count} suppression comments matched no finding`,
  'file-too-large': (count) => `${count} files were skipped as too large`,
  'minified-file': (count) => `${count} files were skipped as minified bundles`,
};

/** Each warning as a line, but a kind with more than a few is summarised unless --verbose. */
export function summariseWarnings(warnings: readonly { code: string; message: string }[], verbose: boolean): string[] {
  if (verbose) return warnings.map(formatWarning);
  const byCode = new Map<string, number>();
  for (const warning of warnings) byCode.set(warning.code, (byCode.get(warning.code) ?? 0) + 1);
  const lines: string[] = [];
  const summarised = new Set<string>();
  for (const warning of warnings) {
    const count = byCode.get(warning.code)!;
    if (count <= WARNINGS_SHOWN_PER_KIND) lines.push(formatWarning(warning));
    else if (!summarised.has(warning.code)) {
      summarised.add(warning.code);
      const summary = WARNING_KIND_SUMMARY[warning.code]?.(count) ?? `${count} warnings of kind ${escapeControlCharacters(warning.code)}`;
      lines.push(`warning: ${summary}; --verbose lists them\n`);
    }
  }
  return lines;
}

/** The SARIF run's versionControlProvenance: read from `.git` as data, never by running git. */
async function sarifVersionControl(root: string) {
  const [{ readGitState }, { readOriginUrl }] = await Promise.all([import('./engine/git.js'), import('./engine/git-remote.js')]);
  const git = readGitState(root);
  const repositoryUri = git ? readOriginUrl(git) : undefined;
  if (!git?.commit || !repositoryUri) return undefined;
  return { repositoryUri, revisionId: git.commit, ...(git.branch ? { branch: git.branch } : {}), rootIsRepositoryRoot: path.resolve(git.worktreeRoot) === path.resolve(root) };
}

/** Warnings name scanned files, whose names may hold control characters: never raw to a terminal. */
function formatWarning(warning: { message: string }): string {
  return `warning: ${escapeControlCharacters(warning.message)}\n`;
}

function filterBySeverity(result: ScanResult, minimumSeverity?: Severity): ScanResult {
  if (!minimumSeverity) return result;
  return {
    ...result,
    findings: result.findings.filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[minimumSeverity]),
  };
}

/** The build gate looks at every unsuppressed finding, whatever --severity hides from the report. */
export function gateExitCode(result: ScanResult, failOn: string): number {
  if (failOn === 'none') return EXIT_CLEAN;
  const threshold = SEVERITY_RANK[failOn as Severity];
  // A finding the baseline holds is old debt, listed but never failing the build.
  const failing = result.findings.some((f) => !f.suppression && f.baselineState !== 'unchanged' && SEVERITY_RANK[f.severity] >= threshold);
  return failing ? EXIT_FINDINGS : EXIT_CLEAN;
}

type RuleMetadata = Pick<RuleMeta, 'id' | 'title' | 'severity' | 'confidence' | 'controls' | 'docs'>;

/**
 * The rules' metadata without loading their implementations (which import ts-morph): the build
 * writes it to dist/rules/metadata.json (scripts/write-rule-metadata.mjs). Running from the
 * sources (tests) there is no such file, and the rules themselves are imported instead.
 */
async function loadRuleMetadata(): Promise<RuleMetadata[]> {
  try {
    return JSON.parse(readFileSync(new URL('./rules/metadata.json', import.meta.url), 'utf8')) as RuleMetadata[];
  } catch {
    const { allRules } = await import('./rules/index.js');
    return allRules.map((rule) => rule.meta);
  }
}

function formatRulesJson(allRules: readonly RuleMetadata[]): string {
  const rules = allRules.map((meta) => ({
    id: meta.id,
    title: meta.title,
    severity: meta.severity,
    confidence: meta.confidence,
    description: meta.docs.description,
    remediation: meta.docs.remediation,
    controls: {
      soc2: meta.controls.soc2.map((id) => ({ id, title: controlTitle('soc2', id) })),
      owaspApi: meta.controls.owaspApi.map((id) => ({ id, title: controlTitle('owaspApi', id) })),
      cwe: meta.controls.cwe.map((id) => ({ id, title: controlTitle('cwe', id) })),
      pciDss: meta.controls.pciDss,
      hipaa: meta.controls.hipaa,
      gdpr: meta.controls.gdpr,
    },
  }));
  return `${JSON.stringify(rules, null, 2)}\n`;
}

function formatRulesText(allRules: readonly RuleMetadata[]): string {
  const lines: string[] = [];
  for (const meta of allRules) {
    lines.push(`${meta.id}  (${meta.severity}, confidence ${meta.confidence})`);
    lines.push(`  ${meta.docs.description}`);
    lines.push(`  SOC 2: ${meta.controls.soc2.map((id) => `${id} ${controlTitle('soc2', id) ?? ''}`.trim()).join('; ')}`);
    lines.push(`  OWASP API 2023: ${meta.controls.owaspApi.length > 0 ? meta.controls.owaspApi.map((id) => `${id} ${controlTitle('owaspApi', id) ?? ''}`.trim()).join('; ') : 'none'}`);
    lines.push(`  CWE: ${meta.controls.cwe.map((id) => `${id} ${controlTitle('cwe', id) ?? ''}`.trim()).join('; ')}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** Entry point of bin/trustscan.js: real process I/O, exit code via process.exitCode so output flushes. */
/** `started`: the analysis thread bin/trustscan.js started for these arguments before loading this module. */
export async function runCli(argv: string[], started?: AnalysisThread): Promise<void> {
  const output = guardProcessOutput();
  const io: CliIo = {
    stdout: output.stdout,
    stderr: output.stderr,
    cwd: process.cwd(),
    env: process.env,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stdoutColumns: process.stdout.columns,
  };
  let exitCode: number;
  try {
    // Parsing and analysis run on a thread with a deep stack (analysis-thread.ts); the rest here.
    exitCode = started ? await started.finish(io, EXIT_ERROR) : runsAnalysis(argv) ? await mainOnAnalysisThread(argv, io, EXIT_ERROR) : await main(argv, io);
  } catch (error) {
    // Last resort: main() maps errors itself, so reaching here is a bug; still one line, exit 2.
    output.stderr(`trustscan ${version}: ${escapeControlCharacters(error instanceof Error ? error.message : String(error))}\n`);
    if (argv.includes('--debug') && error instanceof Error) output.stderr(`${error.stack}\n`);
    exitCode = EXIT_ERROR;
  }
  process.exitCode = output.writeFailed() ? EXIT_ERROR : exitCode;
}

/**
 * Writes to the real stdout/stderr without letting their failures crash the process with a stack
 * trace. A failed write surfaces either as a throw or, more often, as a later 'error' event (a
 * pipe's EPIPE, ENOSPC on a file such as /dev/full), possibly after main() has returned.
 *
 * - EPIPE: the reader went away (`| head`); what it did not read it did not want. Quiet, and the
 *   exit code stays the scan's: `scan | head` must still fail a build that has findings.
 * - Anything else lost part of the report: one line on stderr and exit 2, never 1 (1 means findings).
 */
function guardProcessOutput(): { stdout: (text: string) => void; stderr: (text: string) => void; writeFailed: () => boolean } {
  const streams = { stdout: process.stdout, stderr: process.stderr };
  const closed = { stdout: false, stderr: false };
  let failed = false;
  const fail = (where: 'stdout' | 'stderr', error: unknown): void => {
    if (closed[where]) return;
    closed[where] = true;
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') return;
    failed = true;
    process.exitCode = EXIT_ERROR;
    if (where === 'stdout') write('stderr', `trustscan ${version}: cannot write stdout: ${describeSystemError(error)}\n`);
  };
  const write = (where: 'stdout' | 'stderr', text: string): void => {
    if (closed[where]) return;
    try {
      streams[where].write(text);
    } catch (error) {
      fail(where, error);
    }
  };
  streams.stdout.on('error', (error) => fail('stdout', error));
  streams.stderr.on('error', (error) => fail('stderr', error));
  return { stdout: (text) => write('stdout', text), stderr: (text) => write('stderr', text), writeFailed: () => failed };
}
