/**
 * `scan --format markdown`: a scan's findings for a pull-request comment or a GitHub job summary
 * (`$GITHUB_STEP_SUMMARY`). A table by severity, then one section per finding: rule, location,
 * message, the code, the trace and the rule's docs. Everything from the scanned code is escaped
 * (markdown-text.ts): a file name or message cannot add a heading, a link, HTML or a table cell.
 */
import { soc2ShortTitle } from '../controls/index.js';
import { entryName, SEVERITIES, type Finding, type ScanResult } from '../types.js';
import { code, fenceFor, text } from './markdown-text.js';
import { ruleDocsUrl } from './rule-docs.js';
import { escapeCodeLine } from './terminal-text.js';

/**
 * A job summary holds at most 1 MiB; a finding's section is well under 2 KiB, so 300 leave room.
 * The rest are counted with a pointer to the complete formats.
 */
const MAX_SECTIONS = 300;

/** Pure and deterministic: no time, no absolute path. Suppressed findings are counted, not shown. */
export function formatMarkdown(result: ScanResult): string {
  const shown = result.findings.filter((finding) => !finding.suppression);
  const suppressed = result.findings.length - shown.length;
  const out: string[] = [];
  out.push(`## trustscan: ${shown.length === 0 ? 'no findings' : `${shown.length} finding${shown.length === 1 ? '' : 's'}`}`, '');
  if (shown.length > 0) {
    out.push('| severity | findings |', '|---|---:|');
    for (const severity of SEVERITIES) {
      const count = shown.filter((finding) => finding.severity === severity).length;
      if (count > 0) out.push(`| ${severity} | ${count} |`);
    }
    out.push('');
  }
  const { stats } = result;
  out.push(
    `${stats.filesScanned} file${stats.filesScanned === 1 ? '' : 's'} scanned (${stats.linesScanned} lines)${stats.filesSkipped > 0 ? `, ${stats.filesSkipped} skipped` : ''}, ${result.rules.length} rule${result.rules.length === 1 ? '' : 's'}${suppressed > 0 ? `; ${suppressed} suppressed finding${suppressed === 1 ? '' : 's'} not shown` : ''}.`,
    '',
  );
  shown.slice(0, MAX_SECTIONS).forEach((finding, index) => out.push(...section(finding, index + 1)));
  if (shown.length > MAX_SECTIONS) out.push(`And ${shown.length - MAX_SECTIONS} more findings: see the JSON or SARIF report.`, '');
  return `${out.join('\n').trimEnd()}\n`;
}

function section(finding: Finding, number: number): string[] {
  const out: string[] = [];
  out.push(`### ${number}. ${finding.severity}: ${text(finding.message)}`, '');
  out.push(`- **Rule:** ${code(finding.ruleId)} (confidence ${finding.confidence})`);
  out.push(`- **Location:** ${code(`${finding.file}:${finding.line}:${finding.column}`)}`);
  if (finding.route) out.push(`- **Route:** ${code(entryName(finding.route))}`);
  if (finding.controls.soc2.length > 0) out.push(`- **SOC 2:** ${finding.controls.soc2.map((id) => text(`${id} ${soc2ShortTitle(id) ?? ''}`.trim())).join('; ')}`);
  out.push(`- **Fix:** ${text(finding.remediation)}`);
  const docsUrl = ruleDocsUrl(finding.ruleId);
  // A relative link would resolve against the pull request's page, not the package: shown as a path instead.
  out.push(`- **Docs:** ${docsUrl ? `[${text(finding.ruleId)}](${docsUrl})` : code(`docs/rules/${finding.ruleId}.md`)}`);
  out.push('');
  if (finding.codeFrame.length > 0) {
    const width = String(finding.codeFrame.at(-1)!.line).length;
    const body = finding.codeFrame.map((frame) => `${frame.line === finding.line ? '>' : ' '} ${String(frame.line).padStart(width)} | ${escapeCodeLine(frame.text)}`.trimEnd()).join('\n');
    const fence = fenceFor(body);
    out.push(fence, body, fence, '');
  }
  if (finding.trace.length > 0) {
    out.push('<details><summary>Trace</summary>', '');
    finding.trace.forEach((step, index) => out.push(`${index + 1}. ${code(`${step.file}:${step.line}:${step.column}`)} ${text(step.message)}`));
    out.push('', '</details>', '');
  }
  return out;
}
