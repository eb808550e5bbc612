import type { Project } from 'ts-morph';
import type {
  Finding,
  ReportDescriptor,
  Rule,
  RuleContext,
  ScannedSourceFile,
  ScannedTextFile,
  ScanWarning,
  Severity,
} from '../types.js';
import type { ModuleIndex } from './ast/module-index.js';
import type { TrustscanConfig } from './config.js';
import { DataflowEngine } from './dataflow/engine.js';
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

/**
 * Runs every active rule over the loaded files and turns their reports into findings:
 * positions, code frames (secrets masked), fingerprints, suppressions, stable order.
 */
export function runRules(options: {
  project: Project;
  sourceFiles: ScannedSourceFile[];
  textFiles: ScannedTextFile[];
  activeRules: ActiveRule[];
  knownRuleIds: readonly string[];
  config: TrustscanConfig;
  modules: ModuleIndex;
  /** Computes the route inventory; called at most once, and only if a rule reads ctx.routes. */
  routes: () => Route[];
}): { findings: Finding[]; warnings: ScanWarning[]; internalErrors: string[]; timings: { routes: number; dataflow: number } } {
  const warnings: ScanWarning[] = [];
  const internalErrors: string[] = [];
  const texts = new Map<string, string>();
  for (const file of options.sourceFiles) texts.set(file.path, file.text);
  for (const file of options.textFiles) texts.set(file.path, file.text);

  const reports: RawReport[] = [];
  let routes: Route[] | undefined;
  const timings = { routes: 0, dataflow: 0 };
  const routesOnce = () => {
    if (!routes) {
      const startedAt = performance.now();
      routes = options.routes();
      timings.routes = performance.now() - startedAt;
    }
    return routes;
  };
  let dataflow: DataflowEngine | undefined;
  const dataflowOnce = () => {
    if (!dataflow) {
      dataflow = new DataflowEngine(options.modules, routesOnce(), { sanitizers: options.config.sanitizers });
      // The analysis itself runs on the first taintedCalls(); do it here so its time is measured once.
      const startedAt = performance.now();
      dataflow.taintedCalls();
      timings.dataflow = performance.now() - startedAt;
    }
    return dataflow;
  };
  for (const active of options.activeRules) {
    const context: RuleContext = {
      project: options.project,
      sourceFiles: options.sourceFiles,
      textFiles: options.textFiles,
      options: active.options,
      config: options.config,
      modules: options.modules,
      get routes() {
        return routesOnce();
      },
      get dataflow() {
        return dataflowOnce();
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
          throw new Error(`rule ${active.rule.meta.id} reported on a file outside the scan: ${descriptor.file}`);
        }
      },
    };
    try {
      active.rule.check(context);
    } catch (error) {
      // One broken rule must not hide the others' findings; the scan still ends with exit 2.
      internalErrors.push(`rule ${active.rule.meta.id} crashed: ${(error as Error).stack ?? String(error)}`);
    }
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
  return { findings, warnings, internalErrors, timings };
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
    fingerprint: findingFingerprint(meta.id, report.file, sourceText.lineText(start.line)),
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
