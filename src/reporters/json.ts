import { routeRef, type ControlRefs, type Finding, type RuleMeta, type ScanResult, type ScanWarning, type TraceStep } from '../types.js';

/**
 * The ScanResult as pretty JSON (schema/scan-result.schema.json). Every object is rebuilt with
 * its keys in a fixed order and absent optionals dropped, so equal results always serialize to
 * identical bytes no matter how the engine happened to assemble them.
 */
export function formatJson(result: ScanResult): string {
  return `${JSON.stringify(orderScanResult(result), null, 2)}\n`;
}

function orderScanResult(result: ScanResult): ScanResult {
  return {
    schemaVersion: result.schemaVersion,
    tool: { name: result.tool.name, version: result.tool.version },
    rules: result.rules.map(orderRule),
    findings: result.findings.map(orderFinding),
    warnings: result.warnings.map(orderWarning),
    ...(result.baseline
      ? {
          baseline: {
            file: result.baseline.file,
            unchanged: result.baseline.unchanged,
            new: result.baseline.new,
            fixed: result.baseline.fixed.map((entry) => ({ ruleId: entry.ruleId, file: entry.file, fingerprint: entry.fingerprint })),
          },
        }
      : {}),
    ...(result.changedSince ? { changedSince: { ref: result.changedSince.ref, mergeBase: result.changedSince.mergeBase, hidden: result.changedSince.hidden } } : {}),
    stats: withoutUndefined({
      filesScanned: result.stats.filesScanned,
      linesScanned: result.stats.linesScanned,
      filesSkipped: result.stats.filesSkipped,
      analysisFailures: result.stats.analysisFailures,
      durationMs: result.stats.durationMs,
      // The phases in the order they run (the engine may add phases; JSON keeps its insertion order).
      phaseMs: result.stats.phaseMs && { ...result.stats.phaseMs },
    }),
  };
}

function orderControls(controls: ControlRefs): ControlRefs {
  return {
    soc2: [...controls.soc2],
    owaspApi: [...controls.owaspApi],
    cwe: [...controls.cwe],
    pciDss: [...controls.pciDss],
    hipaa: [...controls.hipaa],
    gdpr: [...controls.gdpr],
  };
}

function orderRule(rule: RuleMeta): RuleMeta {
  return {
    id: rule.id,
    title: rule.title,
    severity: rule.severity,
    confidence: rule.confidence,
    controls: orderControls(rule.controls),
    docs: { description: rule.docs.description, remediation: rule.docs.remediation },
  };
}

function orderTraceStep(step: TraceStep): TraceStep {
  return { file: step.file, line: step.line, column: step.column, message: step.message };
}

function orderFinding(finding: Finding): Finding {
  return withoutUndefined({
    ruleId: finding.ruleId,
    severity: finding.severity,
    confidence: finding.confidence,
    message: finding.message,
    file: finding.file,
    line: finding.line,
    column: finding.column,
    endLine: finding.endLine,
    endColumn: finding.endColumn,
    route: finding.route && routeRef(finding.route),
    controls: orderControls(finding.controls),
    trace: finding.trace.map(orderTraceStep),
    fingerprint: finding.fingerprint,
    lineHash: finding.lineHash,
    remediation: finding.remediation,
    codeFrame: finding.codeFrame.map((frameLine) => ({ line: frameLine.line, text: frameLine.text })),
    suppression: finding.suppression && {
      kind: finding.suppression.kind,
      justification: finding.suppression.justification,
    },
    baselineState: finding.baselineState,
  });
}

function orderWarning(warning: ScanWarning): ScanWarning {
  return withoutUndefined({
    code: warning.code,
    message: warning.message,
    file: warning.file,
    line: warning.line,
  });
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
