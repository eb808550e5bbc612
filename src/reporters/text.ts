import { Chalk, type ChalkInstance } from 'chalk';
import { soc2ShortTitle } from '../controls/index.js';
import { entryName, SEVERITIES, SEVERITY_RANK, type Finding, type ScanResult, type Severity } from '../types.js';
import { ruleDocsLink } from './rule-docs.js';
import { escapeCodeLine, escapeControlCharacters } from './terminal-text.js';

export interface TextReportOptions {
  color: boolean;
  /** Findings below this severity were filtered out by --severity; the summary says how many. */
  minimumSeverity?: Severity;
  /** Wall time to print; text output is for people, so time is welcome here (unlike JSON/SARIF). */
  durationMs?: number;
  /** Columns to wrap prose to (words are never broken; code lines are cut around the finding). Default 80. */
  width?: number;
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
    out.push(...formatFinding(finding, paint, options.width ?? 80));
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

function formatFinding(finding: Finding, paint: ChalkInstance, columns: number): string[] {
  const lines: string[] = [];
  const location = `${finding.line}:${finding.column}`.padEnd(8);
  const baselined = finding.baselineState === 'unchanged' ? ' (baseline)' : '';
  lines.push(
    ...wrap(escapeControlCharacters(finding.message), columns, {
      plain: `  ${location} ${finding.severity.padEnd(8)} ${finding.ruleId}${baselined}  `,
      painted: `  ${paint.dim(location)} ${severityLabel(finding.severity, paint)} ${paint.bold(finding.ruleId)}${baselined ? paint.dim(baselined) : ''}  `,
      indent: 4,
    }),
  );
  const numberWidth = String(finding.codeFrame.at(-1)?.line ?? finding.line).length;
  // All frame lines are cut at the same columns, so they stay aligned with each other.
  const gutter = 4 + 2 + numberWidth + 3;
  const window = codeWindow(finding, columns - gutter);
  for (const frame of finding.codeFrame) {
    const marker = frame.line === finding.line ? paint.red('>') : ' ';
    lines.push(`    ${marker} ${paint.dim(`${String(frame.line).padStart(numberWidth)} |`)} ${cutCodeLine(escapeCodeLine(frame.text), window)}`.trimEnd());
  }
  const labelled = (label: string, text: string, indent = 4) =>
    wrap(text, columns, { plain: `${' '.repeat(indent)}${label} `, painted: `${' '.repeat(indent)}${paint.dim(label)} `, indent: indent + 2 });
  if (finding.route) lines.push(...labelled('route:', escapeControlCharacters(entryName(finding.route))));
  if (finding.trace.length > 0) {
    lines.push(`    ${paint.dim('trace:')}`);
    finding.trace.forEach((step, index) => {
      lines.push(...wrap(escapeControlCharacters(`${step.file}:${step.line}:${step.column} ${step.message}`), columns, { plain: `      ${index + 1}. `, painted: `      ${index + 1}. `, indent: 9 }));
    });
  }
  const soc2 = finding.controls.soc2.map((id) => `${id} ${soc2ShortTitle(id) ?? ''}`.trim()).join('; ');
  lines.push(...labelled('SOC 2:', soc2));
  lines.push(...labelled('fix:', finding.remediation));
  lines.push(...labelled('docs:', ruleDocsLink(finding.ruleId)));
  return lines;
}

/**
 * Greedy word wrap: words are never broken (a word longer than the line, such as a long path,
 * gets a line of its own). `prefix.plain` is the prefix as it is measured, `painted` as it prints.
 */
export function wrap(text: string, columns: number, prefix: { plain: string; painted: string; indent: number }): string[] {
  return wrapWords(text.split(' '), columns, prefix);
}

/** `wrap` over units that must stay whole (a middleware label with spaces in it). */
export function wrapWords(words: readonly string[], columns: number, prefix: { plain: string; painted: string; indent: number }): string[] {
  const indent = ' '.repeat(prefix.indent);
  const lines: string[] = [];
  let current = prefix.painted;
  let length = prefix.plain.length;
  let empty = true;
  for (const word of words.filter((part) => part.length > 0)) {
    // A word that does not fit starts a new line, unless it would be the line's first word; after
    // a long prefix (a long rule id) the text starts on the next line rather than overflow it.
    const breakHere = empty ? lines.length === 0 && length > columns / 2 && length + word.length > columns : length + 1 + word.length > columns;
    if (breakHere) {
      lines.push(current.trimEnd());
      current = indent;
      length = indent.length;
      empty = true;
    }
    current += empty ? word : ` ${word}`;
    length += empty ? word.length : word.length + 1;
    empty = false;
  }
  lines.push(current.trimEnd());
  return lines;
}

/** Which columns (0-based, in escaped text) of the frame's lines to show: all, or a window around the finding. */
function codeWindow(finding: Finding, room: number): { start: number; end: number } | undefined {
  const longest = Math.max(0, ...finding.codeFrame.map((frame) => escapeCodeLine(frame.text).length));
  if (longest <= room || room < 20) return undefined;
  const flagged = finding.codeFrame.find((frame) => frame.line === finding.line);
  // The finding's column in the escaped line (escapes before it lengthen the line).
  const column = flagged ? escapeCodeLine(flagged.text.slice(0, finding.column - 1)).length : 0;
  const endColumn = flagged && finding.endLine === finding.line ? escapeCodeLine(flagged.text.slice(0, finding.endColumn - 1)).length : column + 1;
  // The start of the lines when the match fits there or starts in their first two thirds; else a
  // third of the room before the match, enough to read what leads up to it.
  const start = endColumn <= room - 1 || column <= Math.floor((room * 2) / 3) ? 0 : Math.max(0, Math.min(column - Math.floor(room / 3), longest - room));
  return { start, end: start + room };
}

const ELLIPSIS = '…';

function cutCodeLine(text: string, window: { start: number; end: number } | undefined): string {
  if (!window || text.trim() === '') return text;
  const cutLeft = window.start > 0;
  const cutRight = text.length > window.end;
  const from = cutLeft ? window.start + 1 : 0;
  const to = cutRight ? window.end - 1 : text.length;
  return `${cutLeft ? ELLIPSIS : ''}${text.slice(from, to)}${cutRight ? ELLIPSIS : ''}`;
}

/** Summary sentences wrap like finding messages, continuation lines indented. */
const SUMMARY_PROSE = { plain: '', painted: '', indent: 2 };

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
    lines.push(...wrap(`Baseline ${escapeControlCharacters(result.baseline.file)}: ${fresh} new, ${unchanged} in the baseline (listed, never failing --fail-on), ${fixed.length} fixed since.`, options.width ?? 80, SUMMARY_PROSE));
  }
  if (result.changedSince) {
    lines.push(...wrap(`Changed since ${escapeControlCharacters(result.changedSince.ref)} (merge base ${result.changedSince.mergeBase.slice(0, 12)}): ${result.changedSince.hidden} finding${result.changedSince.hidden === 1 ? '' : 's'} on unchanged lines, found at the merge base too, not shown.`, options.width ?? 80, SUMMARY_PROSE));
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
