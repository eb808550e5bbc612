import { Chalk, type ChalkInstance } from 'chalk';
import { soc2ShortTitle } from '../controls/index.js';
import { entryName, SEVERITIES, SEVERITY_RANK, type Finding, type ScanResult, type Severity } from '../types.js';
import { escapeCodeLine, escapeControlCharacters } from './terminal-text.js';

export interface TextReportOptions {
  color: boolean;
  /** Findings below this severity were filtered out by --severity; the summary says how many. */
  minimumSeverity?: Severity;
  /** Wall time to print; text output is for people, so time is welcome here (unlike JSON/SARIF). */
  durationMs?: number;
}

/** Pure: the human report of a scan. Findings grouped by file, then a summary. */
export function formatText(result: ScanResult, options: TextReportOptions): string {
  const paint = new Chalk({ level: options.color ? 1 : 0 });
  const shown = visibleFindings(result.findings, options.minimumSeverity).filter((f) => !f.suppression);
  const out: string[] = [];

  let currentFile: string | undefined;
  for (const finding of shown) {
    if (finding.file !== currentFile) {
      if (currentFile !== undefined) out.push('');
      out.push(paint.underline(escapeControlCharacters(finding.file)));
      currentFile = finding.file;
    }
    out.push(...formatFinding(finding, paint));
  }
  if (shown.length > 0) out.push('');
  out.push(formatSummary(result, options, paint));
  return `${out.join('\n')}\n`;
}

/** Only the summary block, for stderr beside a JSON or SARIF report. */
export function formatTextSummary(result: ScanResult, options: TextReportOptions): string {
  return `${formatSummary(result, options, new Chalk({ level: options.color ? 1 : 0 }))}\n`;
}

export function visibleFindings(findings: Finding[], minimumSeverity?: Severity): Finding[] {
  if (!minimumSeverity) return findings;
  return findings.filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[minimumSeverity]);
}

function severityLabel(severity: Severity, paint: ChalkInstance): string {
  const label = severity.padEnd(8);
  switch (severity) {
    case 'critical':
      return paint.bold.red(label);
    case 'high':
      return paint.red(label);
    case 'medium':
      return paint.yellow(label);
    case 'low':
      return paint.blue(label);
  }
}

function formatFinding(finding: Finding, paint: ChalkInstance): string[] {
  const lines: string[] = [];
  const baselined = finding.baselineState === 'unchanged' ? ` ${paint.dim('(baseline)')}` : '';
  lines.push(
    `  ${paint.dim(`${finding.line}:${finding.column}`.padEnd(8))} ${severityLabel(finding.severity, paint)} ${paint.bold(finding.ruleId)}${baselined}  ${escapeControlCharacters(finding.message)}`,
  );
  const width = String(finding.codeFrame.at(-1)?.line ?? finding.line).length;
  for (const frame of finding.codeFrame) {
    const marker = frame.line === finding.line ? paint.red('>') : ' ';
    lines.push(`    ${marker} ${paint.dim(`${String(frame.line).padStart(width)} |`)} ${escapeCodeLine(frame.text)}`);
  }
  if (finding.route) lines.push(`    ${paint.dim('route:')} ${escapeControlCharacters(entryName(finding.route))}`);
  if (finding.trace.length > 0) {
    lines.push(`    ${paint.dim('trace:')}`);
    finding.trace.forEach((step, index) => {
      lines.push(`      ${index + 1}. ${escapeControlCharacters(`${step.file}:${step.line}:${step.column} ${step.message}`)}`);
    });
  }
  const soc2 = finding.controls.soc2.map((id) => `${id} ${soc2ShortTitle(id) ?? ''}`.trim()).join('; ');
  lines.push(`    ${paint.dim('SOC 2:')} ${soc2}`);
  lines.push(`    ${paint.dim('fix:')} ${finding.remediation}`);
  return lines;
}

function formatSummary(result: ScanResult, options: TextReportOptions, paint: ChalkInstance): string {
  const unsuppressed = result.findings.filter((f) => !f.suppression);
  const suppressed = result.findings.length - unsuppressed.length;
  const shown = visibleFindings(unsuppressed, options.minimumSeverity);
  const hidden = unsuppressed.length - shown.length;
  const lines: string[] = [];

  const bySeverity = SEVERITIES.map((severity) => [severity, shown.filter((f) => f.severity === severity).length] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}`);
  const headline =
    shown.length === 0
      ? paint.green('No findings.')
      : paint.bold(`${shown.length} finding${shown.length === 1 ? '' : 's'}: ${bySeverity.join(', ')}`);
  const extras: string[] = [];
  if (suppressed > 0) extras.push(`${suppressed} suppressed`);
  if (hidden > 0) extras.push(`${hidden} below --severity ${options.minimumSeverity} not shown`);
  lines.push(extras.length > 0 ? `${headline} (${extras.join(', ')})` : headline);
  if (result.baseline) {
    const { unchanged, fixed } = result.baseline;
    const fresh = shown.filter((finding) => finding.baselineState === 'new').length;
    lines.push(`Baseline ${escapeControlCharacters(result.baseline.file)}: ${fresh} new, ${unchanged} in the baseline (listed, never failing --fail-on), ${fixed.length} fixed since.`);
  }
  if (result.changedSince) {
    lines.push(`Changed since ${escapeControlCharacters(result.changedSince.ref)} (merge base ${result.changedSince.mergeBase.slice(0, 12)}): ${result.changedSince.hidden} finding${result.changedSince.hidden === 1 ? '' : 's'} on unchanged lines, found at the merge base too, not shown.`);
  }

  if (shown.length > 0) {
    const bySoc2 = new Map<string, number>();
    for (const finding of shown) {
      for (const id of finding.controls.soc2) bySoc2.set(id, (bySoc2.get(id) ?? 0) + 1);
    }
    lines.push('By SOC 2 criterion:');
    for (const [id, count] of [...bySoc2.entries()].sort(([a], [b]) => compareCriteria(a, b))) {
      lines.push(`  ${id.padEnd(6)} ${String(count).padStart(4)}  ${soc2ShortTitle(id) ?? ''}`.trimEnd());
    }
  }
  const { stats } = result;
  const time = options.durationMs === undefined ? '' : ` in ${(options.durationMs / 1000).toFixed(2)} s`;
  const skipped = stats.filesSkipped > 0 ? `, ${stats.filesSkipped} skipped` : '';
  lines.push(
    paint.dim(
      `${stats.filesScanned} file${stats.filesScanned === 1 ? '' : 's'} scanned (${stats.linesScanned} lines)${skipped}, ${result.rules.length} rule${result.rules.length === 1 ? '' : 's'}${time}.`,
    ),
  );
  return lines.join('\n');
}

/** CC6.1 before CC6.10 before CC7.1, then C1.1, PI1.3, P4.1 in a stable order. */
function compareCriteria(a: string, b: string): number {
  const key = (id: string) => id.replace(/\d+/g, (digits) => digits.padStart(3, '0'));
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}
