import type { ExaminedItem, Finding, FileVisitor, NodeHandler, ReportDescriptor, ScannedSourceFile, ScannedTextFile, ScanWarning, Severity } from '../types.js';
import { entryName } from '../types.js';
import type { Rule, RuleContext } from './rule-api.js';
import { fileIndex } from './ast/file-index.js';
import type { CodeModels } from './models.js';
import type { ModuleIndex } from './names/index.js';
import type { AnalysisFailures } from './analysis-failures.js';
import type { StoredReport } from './cache.js';
import type { TrustscanConfig } from './config.js';
import { DataflowEngine } from './dataflow/engine.js';
import { analyzeObjectAccess } from './access/object-access.js';
import { analyzeFlows } from './flows/flow-model.js';
import { findingFingerprint } from './fingerprint.js';
import type { Route } from './routes/route.js';
import { computeLineHashes } from './line-hash.js';
import { maskSecretsInLine } from './mask-secrets.js';
import { redactRanges } from './redact.js';
import { SourceText } from './source-text.js';
import { parseSuppressions, type SuppressionComment } from './suppressions.js';

/** A rule chosen to run, with the severity override and options config gave it. */
export interface ActiveRule {
  rule: Rule;
  severityOverride?: Severity;
  options: Record<string, unknown>;
}

interface RawReport extends ReportDescriptor {
  rule: ActiveRule;
}

const CODE_FRAME_MAX_LINE = 240;

/** What collecting the active rules' reports needs: the project, its shared analyses, the cache. */
export interface CollectOptions {
  sourceFiles: ScannedSourceFile[];
  textFiles: ScannedTextFile[];
  activeRules: ActiveRule[];
  config: TrustscanConfig;
  modules: ModuleIndex;
  /** Config `models`, resolved against the scan root. */
  models: CodeModels;
  /** Computes the route inventory; called at most once, and only if a rule reads ctx.routes. */
  routes: () => Route[];
  /** Where rules' and engine passes' per-file failures are recorded. */
  failures: AnalysisFailures;
  /** The cache's reports of file-local rules for an unchanged file (their handlers then skip it). */
  cachedFileReports?: (file: string) => StoredReport[] | undefined;
}

export interface CollectedReports {
  /** Plain data (rule ids, offsets): they cross threads and go into the cache as they are. */
  reports: StoredReport[];
  internalErrors: string[];
  timings: { routes: number; dataflow: number; walk: number; project: number };
  /** Per scanned file, the file-local rules' reports in it (for the cache); a file they failed on is absent. */
  fileLocalReports: Record<string, StoredReport[]>;
  /** The file-local rules these reports are of. */
  fileLocalRuleIds: string[];
  /** What each rule recorded with ctx.examined, by rule id (plain data: it crosses threads too). */
  coverage: Record<string, ExaminedItem[]>;
}

/**
 * Runs every active rule over the loaded files and turns their reports into findings:
 * positions, code frames (secrets masked), fingerprints, suppressions, stable order.
 */
export function runRules(options: CollectOptions & { knownRuleIds: readonly string[] }): Omit<CollectedReports, 'reports'> & { findings: Finding[]; warnings: ScanWarning[] } {
  const collected = collectReports(options);
  const built = buildFindings({ ...options, reports: collected.reports, activeRules: options.activeRules });
  return { ...collected, ...built };
}

/** Runs the active rules: each file walked once for their handlers, then their whole-project parts. */
export function collectReports(options: CollectOptions): CollectedReports {
  const failures = options.failures;
  const internalErrors: string[] = [];
  const texts = new Map<string, string>();
  for (const file of options.sourceFiles) texts.set(file.path, file.text);
  for (const file of options.textFiles) texts.set(file.path, file.text);

  const reports: RawReport[] = [];
  let routes: Route[] | undefined;
  const timings = { routes: 0, dataflow: 0, walk: 0, project: 0 };
  const routesOnce = () => {
    if (!routes) {
      const startedAt = performance.now();
      routes = options.routes();
      timings.routes = performance.now() - startedAt;
    }
    return routes;
  };
  // Rules see the routes; the dataflow also starts from the handlers no route reaches.
  let mounted: Route[] | undefined;
  const mountedOnce = () => (mounted ??= routesOnce().filter((route) => !route.unmounted));
  let dataflow: DataflowEngine | undefined;
  const dataflowOnce = () => {
    if (!dataflow) {
      dataflow = new DataflowEngine(options.modules, routesOnce(), { sanitizers: options.config.sanitizers, sanitizerModels: options.models.sanitizers, authModels: options.models.auth, failures });
      // The analysis itself runs on the first taintedCalls(); do it here so its time is measured once.
      const startedAt = performance.now();
      dataflow.taintedCalls();
      timings.dataflow = performance.now() - startedAt;
    }
    return dataflow;
  };
  const contexts = new Map<ActiveRule, RuleContext>();
  const coverage: Record<string, ExaminedItem[]> = {};
  for (const active of options.activeRules) {
    const id = active.rule.meta.id;
    const context: RuleContext = {
      sourceFiles: options.sourceFiles,
      textFiles: options.textFiles,
      options: active.options,
      config: options.config,
      modules: options.modules,
      models: options.models,
      get routes() {
        return mountedOnce();
      },
      get dataflow() {
        return dataflowOnce();
      },
      get objectAccess() {
        return analyzeObjectAccess({ modules: options.modules, dataflow: dataflowOnce(), sourceFiles: options.sourceFiles, config: options.config, failures });
      },
      get flows() {
        return analyzeFlows({ routes: mountedOnce(), modules: options.modules, sourceFiles: options.sourceFiles, textFiles: options.textFiles, config: options.config, failures });
      },
      report(descriptor) {
        if (texts.has(descriptor.file)) {
          reports.push({ ...descriptor, rule: active });
          return;
        }
        // The sink lives in a file read only for evidence (a monorepo package the scanned code
        // imports): report at the last step of the trace inside the scanned paths, the call into it.
        const inside = relocateInsideScan(descriptor, texts);
        if (inside) reports.push({ ...inside, rule: active });
        else if (!options.modules.outsidePaths().includes(descriptor.file)) {
          throw new Error(`rule ${id} reported on a file outside the scan: ${descriptor.file}`);
        }
      },
      examined(item) {
        (coverage[id] ??= []).push({ ...item });
      },
      forEachIsolated(items, fileOf, visit) {
        for (const item of items) {
          const file = fileOf(item);
          if (failures.failed(id, file)) continue;
          try {
            visit(item);
          } catch (error) {
            failures.record(id, file, error);
          }
        }
      },
    };
    contexts.set(active, context);
  }

  // The per-file part: every rule's handlers, dispatched from one walk of each file.
  const walkStartedAt = performance.now();
  const visitors: Array<{ id: string; visitor: FileVisitor; fileLocal: boolean }> = [];
  for (const active of options.activeRules) {
    if (!active.rule.create) continue;
    try {
      visitors.push({ id: active.rule.meta.id, visitor: active.rule.create(contexts.get(active)!), fileLocal: active.rule.fileLocal === true });
    } catch (error) {
      internalErrors.push(`rule ${active.rule.meta.id} crashed: ${(error as Error).stack ?? String(error)}`);
    }
  }
  const activeById = new Map(options.activeRules.map((active) => [active.rule.meta.id, active]));
  /** The visitors to run on a file: file-local ones are skipped when the cache holds their reports for it. */
  const visitorsFor = (file: string): typeof visitors => {
    const cached = options.cachedFileReports?.(file);
    if (!cached) return visitors;
    for (const { ruleId, ...descriptor } of cached) {
      const active = activeById.get(ruleId);
      if (active) reports.push({ ...descriptor, rule: active });
    }
    return visitors.filter((entry) => !entry.fileLocal);
  };
  if (visitors.length > 0) {
    for (const file of options.sourceFiles) if (!file.outsideScan) walkFile(file, visitorsFor(file.path), failures);
    for (const file of options.textFiles) {
      for (const { id, visitor } of visitorsFor(file.path)) {
        if (!visitor.textFile) continue;
        try {
          visitor.textFile(file);
        } catch (error) {
          failures.record(id, file.path, error);
        }
      }
    }
  }
  timings.walk = performance.now() - walkStartedAt;

  // The whole-project part: route inventory and dataflow results, after the walks.
  const projectStartedAt = performance.now();
  for (const active of options.activeRules) {
    if (!active.rule.check) continue;
    try {
      active.rule.check(contexts.get(active)!);
    } catch (error) {
      // Not attributable to one file (forEachIsolated would have caught it): a bug, reported as
      // one; the other rules' findings still stand and the scan ends with exit 2.
      internalErrors.push(`rule ${active.rule.meta.id} crashed: ${(error as Error).stack ?? String(error)}`);
    }
  }
  timings.project = Math.max(0, performance.now() - projectStartedAt - timings.routes - timings.dataflow);
  const stored = reports.map(({ rule, ...descriptor }) => ({ ...descriptor, ruleId: rule.rule.meta.id }));
  const fileLocalReports: Record<string, StoredReport[]> = {};
  const fileLocalIds = visitors.filter((entry) => entry.fileLocal).map((entry) => entry.id);
  if (fileLocalIds.length > 0) {
    for (const file of [...options.sourceFiles.filter((candidate) => !candidate.outsideScan), ...options.textFiles]) {
      // A file a file-local rule failed on is not cached: the next scan tries it again.
      if (!fileLocalIds.some((id) => failures.failed(id, file.path))) fileLocalReports[file.path] = [];
    }
    for (const report of stored) {
      if (fileLocalIds.includes(report.ruleId)) fileLocalReports[report.file]?.push(report);
    }
  }
  return { reports: stored, internalErrors, timings, fileLocalReports, fileLocalRuleIds: fileLocalIds, coverage };
}

/**
 * Reports (of every thread) to findings: a rule's reports in a file it failed on are dropped, then
 * positions, code frames (secrets masked), fingerprints, suppressions, stable order.
 */
export function buildFindings(options: {
  reports: readonly StoredReport[];
  sourceFiles: readonly ScannedSourceFile[];
  textFiles: readonly ScannedTextFile[];
  activeRules: readonly ActiveRule[];
  knownRuleIds: readonly string[];
  failures: AnalysisFailures;
}): { findings: Finding[]; warnings: ScanWarning[] } {
  const { failures } = options;
  const texts = new Map<string, string>();
  for (const file of options.sourceFiles) if (!file.outsideScan) texts.set(file.path, file.text);
  for (const file of options.textFiles) texts.set(file.path, file.text);
  const activeById = new Map(options.activeRules.map((active) => [active.rule.meta.id, active]));
  const warnings: ScanWarning[] = failures.warnings();
  // A rule that failed on a file loses that file: no half of its findings there.
  const reports: RawReport[] = [];
  for (const { ruleId, ...descriptor } of options.reports) {
    const rule = activeById.get(ruleId);
    if (rule && !failures.failed(ruleId, descriptor.file)) reports.push({ ...descriptor, rule });
  }

  const sourceTexts = new Map<string, SourceText>();
  const sourceTextOf = (file: string): SourceText => {
    let sourceText = sourceTexts.get(file);
    if (!sourceText) {
      sourceText = new SourceText(texts.get(file)!);
      sourceTexts.set(file, sourceText);
    }
    return sourceText;
  };

  // Every secret found in a file is masked in every code frame of that file: a frame shows the
  // lines around its own finding, and those may hold another finding's secret.
  const redactionsByFile = new Map<string, Array<{ start: number; end: number }>>();
  for (const report of reports) {
    if (!report.redact?.length) continue;
    const ranges = redactionsByFile.get(report.file) ?? [];
    ranges.push(...report.redact);
    redactionsByFile.set(report.file, ranges);
  }
  const findings = dedupeReports(reports).map((report) =>
    toFinding(report, sourceTextOf(report.file), redactionsByFile.get(report.file) ?? []),
  );
  findings.sort(compareFindings);
  assignFingerprintOccurrences(findings);
  assignLineHashes(findings, sourceTextOf);
  const activeRuleIds = options.activeRules.map((active) => active.rule.meta.id);
  warnings.push(...applySuppressions(findings, texts, options.knownRuleIds, activeRuleIds));
  return { findings, warnings };
}

/**
 * One walk of one file, dispatching each node to the handlers the rules registered for its kind.
 * A handler that throws (input nested beyond the stack, a rule bug on odd syntax) loses that file
 * for that rule only: its handlers stop for this file and the failure is recorded.
 */
export function walkFile(file: ScannedSourceFile, visitors: ReadonlyArray<{ id: string; visitor: FileVisitor }>, failures: AnalysisFailures): void {
  const handlers: Array<Array<{ id: string; handler: NodeHandler }> | undefined> = [];
  const exits: Array<{ id: string; visitor: FileVisitor }> = [];
  for (const entry of visitors) {
    const { id, visitor } = entry;
    try {
      if (visitor.enterSourceFile?.(file) === false) continue;
    } catch (error) {
      failures.record(id, file.path, error);
      continue;
    }
    for (const [kind, handler] of Object.entries(visitor.nodes ?? {}) as Array<[string, NodeHandler | undefined]>) {
      if (!handler) continue;
      (handlers[Number(kind)] ??= []).push({ id, handler });
    }
    exits.push(entry);
  }
  if (handlers.length > 0) {
    for (const node of fileIndex(file.sourceFile).nodes) {
      const forKind = handlers[node.kind];
      if (!forKind) continue;
      for (const { id, handler } of forKind) {
        if (failures.failed(id, file.path)) continue;
        try {
          handler(node, file);
        } catch (error) {
          failures.record(id, file.path, error);
        }
      }
    }
  }
  for (const { id, visitor } of exits) {
    if (!visitor.exitSourceFile || failures.failed(id, file.path)) continue;
    try {
      visitor.exitSourceFile(file);
    } catch (error) {
      failures.record(id, file.path, error);
    }
  }
}

/** Two reports of one rule on the same span are one finding (e.g. two detectors agreeing). */
function dedupeReports(reports: RawReport[]): RawReport[] {
  const seen = new Set<string>();
  return reports.filter((report) => {
    const key = `${report.rule.rule.meta.id}\0${report.file}\0${report.start}\0${report.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function toFinding(report: RawReport, sourceText: SourceText, redact: ReadonlyArray<{ start: number; end: number }>): Finding {
  const { meta } = report.rule.rule;
  const start = sourceText.position(report.start);
  const end = sourceText.position(Math.max(report.end, report.start));
  const firstFrameLine = Math.max(1, start.line - 1);
  const lastFrameLine = Math.min(sourceText.lineCount, start.line + 1);
  const codeFrame: Finding['codeFrame'] = [];
  for (let line = firstFrameLine; line <= lastFrameLine; line++) {
    const lineStart = sourceText.lineStart(line);
    // Masked before truncation: a cut-off token would no longer have its shape, and leak its head.
    let text = maskSecretsInLine(redactRanges(sourceText.lineText(line), lineStart, redact));
    if (text.length > CODE_FRAME_MAX_LINE) text = `${text.slice(0, CODE_FRAME_MAX_LINE)}…`;
    codeFrame.push({ line, text });
  }
  const finding: Finding = {
    ruleId: meta.id,
    severity: report.rule.severityOverride ?? report.severity ?? meta.severity,
    confidence: report.confidence ?? meta.confidence,
    message: maskSecretsInLine(report.message),
    file: report.file,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    controls: meta.controls,
    trace: (report.trace ?? []).map((step) => ({ ...step, message: maskSecretsInLine(step.message) })),
    fingerprint: findingFingerprint(meta.id, report.file, sourceText.lineText(start.line), report.route ? entryName(report.route) : ''),
    lineHash: '',
    remediation: report.remediation ?? meta.docs.remediation,
    codeFrame,
  };
  if (report.route) finding.route = report.route;
  return finding;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareStrings(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    compareStrings(a.ruleId, b.ruleId) ||
    a.endLine - b.endLine ||
    a.endColumn - b.endColumn ||
    compareStrings(a.message, b.message)
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Same rule on two identical lines of one file: keep fingerprints distinct, in file order. */
function assignFingerprintOccurrences(findings: Finding[]): void {
  const counts = new Map<string, number>();
  for (const finding of findings) {
    const occurrence = (counts.get(finding.fingerprint) ?? 0) + 1;
    counts.set(finding.fingerprint, occurrence);
    if (occurrence > 1) finding.fingerprint = `${finding.fingerprint}:${occurrence}`;
  }
}

function assignLineHashes(findings: Finding[], sourceTextOf: (file: string) => SourceText): void {
  const hashesByFile = new Map<string, string[]>();
  for (const finding of findings) {
    let hashes = hashesByFile.get(finding.file);
    if (!hashes) {
      hashes = computeLineHashes(sourceTextOf(finding.file).text);
      hashesByFile.set(finding.file, hashes);
    }
    finding.lineHash = hashes[finding.line - 1] ?? hashes[hashes.length - 1] ?? '';
  }
}

function applySuppressions(
  findings: Finding[],
  texts: Map<string, string>,
  knownRuleIds: readonly string[],
  activeRuleIds: readonly string[],
): ScanWarning[] {
  const warnings: ScanWarning[] = [];
  const byFile = new Map<string, SuppressionComment[]>();
  for (const [file, text] of [...texts.entries()].sort(([a], [b]) => compareStrings(a, b))) {
    const parsed = parseSuppressions(file, text, knownRuleIds);
    warnings.push(...parsed.warnings);
    if (parsed.suppressions.length > 0) byFile.set(file, parsed.suppressions);
  }
  for (const finding of findings) {
    const match = byFile
      .get(finding.file)
      ?.find((comment) => comment.targetLine === finding.line && comment.ruleIds.includes(finding.ruleId));
    if (match) {
      match.used = true;
      finding.suppression = { kind: 'inSource', justification: match.reason };
    }
  }
  for (const comments of byFile.values()) {
    for (const comment of comments) {
      // A suppression for a rule that did not run this time (--rule, "off") is not stale.
      if (!comment.used && comment.ruleIds.some((id) => activeRuleIds.includes(id))) {
        warnings.push({
          code: 'unused-suppression',
          message: `${comment.file}:${comment.commentLine}: unused suppression for ${comment.ruleIds.join(', ')} (no such finding on line ${comment.targetLine})`,
          file: comment.file,
          line: comment.commentLine,
        });
      }
    }
  }
  return warnings;
}

/**
 * A report whose location is outside the scanned paths, moved to the last trace step inside them
 * (the scanned code's call into the package), its message saying where the sink really is.
 */
function relocateInsideScan(report: ReportDescriptor, texts: ReadonlyMap<string, string>): ReportDescriptor | undefined {
  const trace = report.trace ?? [];
  const step = [...trace].reverse().find((candidate) => texts.has(candidate.file));
  if (!step) return undefined;
  const sourceText = new SourceText(texts.get(step.file)!);
  const line = Math.min(Math.max(step.line, 1), sourceText.lineCount);
  const lineStart = sourceText.lineStart(line);
  const lineText = sourceText.lineText(line);
  const indent = lineText.length - lineText.trimStart().length;
  const start = lineStart + Math.max(indent, Math.min(step.column - 1, lineText.length));
  return {
    ...report,
    file: step.file,
    start,
    end: lineStart + lineText.length,
    message: `${report.message} (The code to change is in ${report.file}, outside the scanned paths; reported at the scanned code's call into it.)`,
  };
}
