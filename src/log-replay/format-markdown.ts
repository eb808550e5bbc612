/** The replay as Markdown: a summary, per flow a table of steps and each break with its masked log lines. Pure. */
import { escapeControlCharacters } from '../reporters/terminal-text.js';
import type { LogReplayReport } from './check-log.js';
import { describeViolation, formatCount, severityLabel, shownLine, stepName, isoTime } from './describe.js';
import { flowCountsLine, orderedViolations, summaryLines } from './format-text.js';

function cell(text: string): string {
  return escapeControlCharacters(text).replace(/\|/g, '\\|');
}

/** A fence longer than any backtick run in the text, so a log line cannot close the block. */
function fence(lines: readonly string[]): string {
  const longest = Math.max(2, ...lines.map((line) => Math.max(0, ...[...line.matchAll(/`+/g)].map((run) => run[0].length))));
  return '`'.repeat(longest + 1);
}

export function formatLogReplayMarkdown(report: LogReplayReport): string {
  const out: string[] = ['# Access-log replay against the business flows', ''];
  out.push('Requests from the access logs replayed, in time order, against the flows trustscan reads from the code. Only actors who broke a flow are named; log lines are shown with credentials masked.', '');
  out.push('```text', ...summaryLines(report), '```', '');
  for (const flow of report.replay.flows) {
    out.push(`## ${cell(flow.plan.name)} (${flow.plan.kind === 'config' ? 'declared in config' : 'entity flow'})`, '', flowCountsLine(flow), '');
    out.push('| step | in code | succeeded | blocked (4xx) | blocked out of order | skips | repeats |', '|---|---|---|---|---|---|---|');
    for (const stats of flow.steps) {
      out.push(`| \`${cell(stepName(stats.step))}\` ${cell(stats.step.route.file)}:${stats.step.route.line} | ${stats.step.creates ? 'creates the record' : stats.step.guarded ? 'guarded' : '**unguarded**'} | ${formatCount(stats.succeeded)} | ${formatCount(stats.blocked)} | ${formatCount(stats.blockedOutOfOrder)} | ${formatCount(stats.skips)} | ${formatCount(stats.repeats)} |`);
    }
    out.push('');
    for (const violation of orderedViolations(flow.violations)) {
      out.push(`### ${violation.severity === 'high' ? 'HIGH' : 'MEDIUM'} ${violation.kind.toUpperCase()} \`${cell(stepName(violation.step))}\` by \`${cell(shownLine(violation.actor))}\``, '');
      out.push(`${severityLabel(violation)}. Record ${violation.record !== undefined ? `\`${cell(shownLine(violation.record))}\`` : '(none in the path)'}, at ${isoTime(violation.time)}: ${cell(describeViolation(violation))}.`, '');
      const lines = violation.evidence.map((line) => `${isoTime(line.time)} ${line.file}:${line.lineNumber}  ${escapeControlCharacters(shownLine(line.line))}`);
      const marker = fence(lines);
      out.push(`${marker}text`, ...lines, marker, '');
      if (violation.otherActorsLines > 0) out.push(`${violation.otherActorsLines} earlier line(s) of other actors on this record: counted, not shown.`, '');
    }
    if (flow.violationsNotKept > 0) out.push(`${formatCount(flow.violationsNotKept)} more breaks of this flow counted, not listed.`, '');
  }
  return `${out.join('\n')}`;
}
