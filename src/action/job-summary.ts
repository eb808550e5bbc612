/**
 * The Markdown job summary ($GITHUB_STEP_SUMMARY). Rule ids and severities are the scanner's own;
 * file names and messages come from scanned code and are escaped so they stay plain text in one
 * table cell (no link, image, HTML or table break a pull request could slip in).
 */
import { SEVERITIES, type Severity } from '../types.js';
import { compareBySeverity, failsGate, type ReportedFinding } from './sarif-findings.js';

/** Rows listed in the summary; the SARIF report (and code scanning) has every finding. */
export const SUMMARY_ROW_LIMIT = 50;

/** Markdown text that renders as the characters themselves: HTML-escaped, punctuation backslash-escaped, one line. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#+\-.!|~:"']/g, (character) => `\\${character}`);
}

export interface SummaryInput {
  exitCode: number;
  failOn: Severity | 'none';
  findings: readonly ReportedFinding[];
  fixed: number;
  sarifFile: string;
  baseline?: string;
  changedSince?: string;
  /** Why the scan did not complete (exit code 2). */
  error?: string;
}

export function formatJobSummary(input: SummaryInput): string {
  const lines = ['## trustscan', ''];
  if (input.error !== undefined) {
    lines.push(`**The scan did not complete** (exit code ${input.exitCode}): ${escapeMarkdown(input.error)}`, '');
    return `${lines.join('\n')}\n`;
  }
  const fresh = input.findings.filter((finding) => !finding.baseline);
  const failing = input.findings.filter((finding) => failsGate(finding, input.failOn));
  lines.push(
    input.failOn === 'none'
      ? `${count(fresh.length, 'new finding')}; \`fail-on: none\` never fails the check.`
      : failing.length > 0
        ? `**${count(failing.length, 'new finding')} at or above \`${input.failOn}\`** fail this check.`
        : `No new finding at or above \`${input.failOn}\`.`,
    '',
  );
  if (input.changedSince) lines.push(`Only findings on lines changed since the merge base with ${escapeMarkdown(input.changedSince)} are reported.`, '');
  lines.push('| severity | new | in baseline |', '|---|---:|---:|');
  for (const severity of SEVERITIES) {
    const ofSeverity = input.findings.filter((finding) => finding.severity === severity);
    lines.push(`| ${severity} | ${ofSeverity.filter((finding) => !finding.baseline).length} | ${ofSeverity.filter((finding) => finding.baseline).length} |`);
  }
  lines.push('');
  if (input.baseline) lines.push(`Baseline ${escapeMarkdown(input.baseline)}: ${count(input.findings.length - fresh.length, 'finding')} still present, ${input.fixed} fixed.`, '');
  if (fresh.length > 0) {
    lines.push('### New findings', '', '| severity | rule | location | message |', '|---|---|---|---|');
    for (const finding of [...fresh].sort(compareBySeverity).slice(0, SUMMARY_ROW_LIMIT)) {
      lines.push(`| ${finding.severity} | ${finding.ruleId} | ${escapeMarkdown(`${finding.file}:${finding.line}`)} | ${escapeMarkdown(finding.message)} |`);
    }
    if (fresh.length > SUMMARY_ROW_LIMIT) lines.push('', `… and ${fresh.length - SUMMARY_ROW_LIMIT} more in the SARIF report.`);
    lines.push('');
  }
  lines.push(`SARIF report: ${escapeMarkdown(input.sarifFile)} (upload it with github/codeql-action/upload-sarif to see the findings in code scanning).`);
  return `${lines.join('\n')}\n`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
