/** The replay as JSON (`schemaVersion` 1.0.0): the alert log for the evidence pack. Log lines and actors masked. Pure. */
import type { LogReplayReport } from './check-log.js';
import { describeViolation, isoTime, shownLine } from './describe.js';
import { orderedViolations } from './format-text.js';

export const LOG_REPLAY_SCHEMA_VERSION = '1.0.0';

export function formatLogReplayJson(report: LogReplayReport, version: string): string {
  const { input, replay } = report;
  const json = {
    schemaVersion: LOG_REPLAY_SCHEMA_VERSION,
    tool: { name: 'trustscan', version },
    input: {
      files: input.files,
      lines: input.lines,
      requests: input.requests,
      malformed: input.malformed,
      other: input.other,
      lateBeyondReorderWindow: input.late,
      ...(input.firstTime !== undefined ? { firstTime: isoTime(input.firstTime) } : {}),
      ...(input.lastTime !== undefined ? { lastTime: isoTime(input.lastTime) } : {}),
      reorderWindowSeconds: report.reorderWindowMs / 1000,
      idleTimeoutMinutes: replay.idleTimeoutMs / 60_000,
      ...(report.actorField ? { actorField: report.actorField } : {}),
    },
    requests: replay.requests,
    sequences: replay.sequences,
    actors: { active: replay.actors.active, brokeAFlow: replay.actors.brokeAFlow.map(shownLine) },
    flows: replay.flows.map((flow) => ({
      name: flow.plan.name,
      kind: flow.plan.kind,
      ...(flow.plan.entity ? { entity: flow.plan.entity } : {}),
      ...(flow.plan.field ? { field: flow.plan.field } : {}),
      counts: flow.counts,
      violationsNotListed: flow.violationsNotKept,
      steps: flow.steps.map((stats) => ({
        method: stats.step.route.method,
        path: stats.step.route.path,
        file: stats.step.route.file,
        line: stats.step.route.line,
        step: stats.step.name,
        guarded: stats.step.guarded,
        ...(stats.step.expectedFrom ? { expectedFrom: stats.step.expectedFrom, expectedFromInferred: stats.step.inferred } : {}),
        succeeded: stats.succeeded,
        blocked: stats.blocked,
        blockedOutOfOrder: stats.blockedOutOfOrder,
        serverErrors: stats.failed,
        skips: stats.skips,
        repeats: stats.repeats,
      })),
      violations: orderedViolations(flow.violations).map((violation) => ({
        kind: violation.kind,
        severity: violation.severity,
        step: { method: violation.step.route.method, path: violation.step.route.path, file: violation.step.route.file, line: violation.step.route.line, guarded: violation.step.guarded },
        actor: shownLine(violation.actor),
        ...(violation.record !== undefined ? { record: shownLine(violation.record) } : {}),
        time: isoTime(violation.time),
        ...(violation.fromState !== undefined ? { fromState: violation.fromState } : {}),
        expected: violation.expected,
        ...(violation.firstReachedAt !== undefined ? { firstReachedAt: isoTime(violation.firstReachedAt) } : {}),
        message: describeViolation(violation),
        lines: violation.evidence.map((line) => ({ time: isoTime(line.time), status: line.status, file: line.file, line: line.lineNumber, text: shownLine(line.line) })),
        otherActorsLines: violation.otherActorsLines,
      })),
    })),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
