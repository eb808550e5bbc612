/**
 * The findings of the SARIF report the action's scan wrote, as the annotations and the job summary
 * need them. The SARIF file is the one upload-sarif sends, so the three never disagree.
 */
import type { Log, Result } from 'sarif';
import { SEVERITIES, SEVERITY_RANK, type Severity } from '../types.js';

export interface ReportedFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** Posix path relative to the scan root (the workspace when the scanned paths are inside it). */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Present in the baseline (`--baseline`): reported, but not new. */
  baseline: boolean;
}

/** SARIF `baselineState`: `unchanged`/`updated` were in the baseline; `absent` is a fixed one. */
const BASELINE_STATES = new Set(['unchanged', 'updated']);

export function readSarifFindings(text: string): { findings: ReportedFinding[]; fixed: number } {
  const log = JSON.parse(text) as Log;
  if (!log || !Array.isArray(log.runs)) throw new Error('not a SARIF log (no runs)');
  const findings: ReportedFinding[] = [];
  let fixed = 0;
  for (const run of log.runs) {
    for (const result of run.results ?? []) {
      if (result.baselineState === 'absent') {
        fixed++;
        continue;
      }
      if ((result.suppressions ?? []).length > 0) continue;
      findings.push(findingOf(result));
    }
  }
  return { findings, fixed };
}

function findingOf(result: Result): ReportedFinding {
  const region = result.locations?.[0]?.physicalLocation?.region;
  const uri = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
  const severity = result.properties?.severity as Severity | undefined;
  const line = region?.startLine ?? 1;
  const column = region?.startColumn ?? 1;
  return {
    ruleId: result.ruleId ?? 'unknown',
    severity: severity && (SEVERITIES as readonly string[]).includes(severity) ? severity : severityOfLevel(result.level),
    message: result.message?.text ?? '',
    file: decodeUri(uri),
    line,
    column,
    endLine: region?.endLine ?? line,
    endColumn: region?.endColumn ?? column,
    baseline: result.baselineState !== undefined && BASELINE_STATES.has(result.baselineState),
  };
}

function severityOfLevel(level: Result['level']): Severity {
  return level === 'error' ? 'high' : level === 'warning' ? 'medium' : 'low';
}

/** The SARIF reporter percent-encodes each path segment; annotations name the file itself. */
function decodeUri(uri: string): string {
  return uri
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join('/');
}

/** Severity first (critical first), then file, line, column, rule: the order a reader triages in. */
export function compareBySeverity(a: ReportedFinding, b: ReportedFinding): number {
  return SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

/** Whether a finding fails the gate at `failOn` (as `trustscan scan --fail-on` decides). */
export function failsGate(finding: ReportedFinding, failOn: Severity | 'none'): boolean {
  return failOn !== 'none' && !finding.baseline && SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[failOn];
}
