/**
 * The replay as text: a summary of what was read, then per flow its steps' counts and every break,
 * highest severity first, with the actor, the times and the actor's own log lines (masked). Pure.
 */
import { escapeControlCharacters } from '../reporters/terminal-text.js';
import type { LogReplayReport } from './check-log.js';
import { describeViolation, formatCount, isoTime, severityLabel, shownLine, stepName } from './describe.js';
import type { FlowReplayResult, Violation } from './replay.js';

export function formatLogReplayText(report: LogReplayReport): string {
  const out: string[] = [];
  for (const line of summaryLines(report)) out.push(line);
  for (const flow of report.replay.flows) {
    out.push('', `${flow.plan.name}  (${flow.plan.kind === 'config' ? 'flow declared in config' : 'entity flow'})`);
    out.push(`  ${flowCountsLine(flow)}`);
    for (const stats of flow.steps) {
      out.push(
        `  ${escapeControlCharacters(stepName(stats.step)).padEnd(44)} ${stats.step.creates ? 'creates  ' : stats.step.guarded ? 'guarded  ' : 'UNGUARDED'}  ok ${formatCount(stats.succeeded)}, blocked ${formatCount(stats.blocked)} (${formatCount(stats.blockedOutOfOrder)} out of order), 5xx ${formatCount(stats.failed)}, skips ${formatCount(stats.skips)}, repeats ${formatCount(stats.repeats)}`,
      );
    }
    for (const violation of orderedViolations(flow.violations)) out.push('', ...violationLines(violation));
    if (flow.violationsNotKept > 0) out.push('', `  ${formatCount(flow.violationsNotKept)} more breaks of this flow counted, not listed`);
  }
  return `${out.join('\n')}\n`;
}

export function summaryLines(report: LogReplayReport): string[] {
  const { input, replay } = report;
  const files = input.files.map((file) => `${escapeControlCharacters(file.file)}: ${file.format ?? 'unknown format'}${file.gzip ? ', gzip' : ''}`).join('; ');
  const lines = [
    `Log replay: ${formatCount(input.lines)} lines in ${input.files.length} file${input.files.length === 1 ? '' : 's'} (${files})`,
  ];
  if (input.firstTime !== undefined && input.lastTime !== undefined) lines.push(`  log time ${isoTime(input.firstTime)} .. ${isoTime(input.lastTime)}`);
  lines.push(
    `  requests ${formatCount(input.requests)}; ${formatCount(input.malformed)} malformed lines skipped, ${formatCount(input.other)} lines that are not requests`,
    `  ${formatCount(replay.requests.matched)} on known routes, ${formatCount(replay.requests.unknownPath)} on paths the code does not route (counted only), ${formatCount(replay.requests.flowSteps)} flow steps`,
    `  ${formatCount(replay.sequences.started)} sequences (idle timeout ${replay.idleTimeoutMs / 60_000} min of log time, ${formatCount(replay.sequences.expired)} expired; reorder window ${report.reorderWindowMs / 1000} s, ${formatCount(input.late)} lines later than it)`,
    `  ${formatCount(replay.actors.active)} actors, ${formatCount(replay.actors.brokeAFlow.length)} broke a flow (named below); the others are counted, not named`,
  );
  return lines;
}

export function flowCountsLine(flow: FlowReplayResult): string {
  const total = flow.counts.skip + flow.counts.repeat;
  if (total === 0) return 'no break: every successful step came in order';
  return `${formatCount(total)} break${total === 1 ? '' : 's'}: ${formatCount(flow.counts.high)} high (unguarded step reached out of order), ${formatCount(flow.counts.medium)} medium; ${formatCount(flow.counts.skip)} skips, ${formatCount(flow.counts.repeat)} repeats`;
}

/** Highest severity first, then log time, then actor: deterministic. */
export function orderedViolations(violations: readonly Violation[]): Violation[] {
  return [...violations].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'high' ? -1 : 1) || a.time - b.time || a.actor.localeCompare(b.actor));
}

function violationLines(violation: Violation): string[] {
  const step = violation.step;
  const lines = [
    `  ${severityLabel(violation)}`,
    `    ${violation.kind.toUpperCase()} ${escapeControlCharacters(stepName(step))} (${step.guarded ? 'guarded' : 'UNGUARDED'} in code, ${escapeControlCharacters(step.route.file)}:${step.route.line})`,
    `    actor ${escapeControlCharacters(shownLine(violation.actor))}${violation.record !== undefined ? `, record ${escapeControlCharacters(shownLine(violation.record))}` : ''}, at ${isoTime(violation.time)}`,
    `    ${escapeControlCharacters(describeViolation(violation))}`,
  ];
  for (const line of violation.evidence) lines.push(`      ${isoTime(line.time)} ${escapeControlCharacters(line.file)}:${line.lineNumber}  ${escapeControlCharacters(shownLine(line.line))}`);
  if (violation.otherActorsLines > 0) lines.push(`      (${violation.otherActorsLines} earlier line${violation.otherActorsLines === 1 ? '' : 's'} of other actors on this record: counted, not shown)`);
  return lines;
}
