/** Words shared by the replay's formatters, so text, Markdown and JSON say the same thing. */
import { maskLogLine } from './mask-log-line.js';
import type { Violation } from './replay.js';

export const isoTime = (time: number): string => new Date(time).toISOString();

export function stepName(step: Violation['step']): string {
  return `${step.route.method} ${step.route.path}`;
}

/** What went wrong, in one sentence. */
export function describeViolation(violation: Violation): string {
  const step = violation.step;
  const expected = violation.expected.map((state) => `\`${state}\``).join(' or ');
  const why = step.inferred ? ' (the code checks nothing; the order is read from the declared states)' : '';
  if (step.flowKind === 'entity') {
    if (violation.kind === 'repeat') return `moved the record to \`${step.to}\` again: it was already \`${step.to}\` since ${isoTime(violation.firstReachedAt!)}`;
    if (violation.fromState !== undefined) return `moved the record from \`${violation.fromState}\` to \`${step.to}\`; the step starts from ${expected}${why}`;
    return `moved the record to \`${step.to}\` without ${expected} reached before it in the log, after the same actor entered the flow${why}`;
  }
  if (violation.kind === 'repeat') return `took step \`${step.name}\` again (first at ${isoTime(violation.firstReachedAt!)}) before the flow restarted`;
  return `took step \`${step.name}\` without the step before it (${expected}) reached earlier`;
}

export function severityLabel(violation: Violation): string {
  return violation.severity === 'high' ? 'HIGH: unguarded step reached out of order' : 'MEDIUM: a guarded step let it through';
}

/** A log line as shown: credentials masked, then whatever the output needs escaped (done by the caller). */
export function shownLine(line: string): string {
  return maskLogLine(line);
}

export const formatCount = (count: number): string => count.toLocaleString('en-US');
