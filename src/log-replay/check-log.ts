/**
 * `trustscan flows --check-log`: replays access logs against the flows the code implements.
 * files -> LogLineSource (gzip, lines) -> mergeLogs (formats, time order) -> FlowReplay (route
 * match, actor, sequences) -> LogReplayReport, which the formatters of this folder print.
 */
import path from 'node:path';
import type { FlowModel } from '../engine/flows/flow-model.js';
import { planFlows } from './flow-plan.js';
import type { LogFormat } from './log-request.js';
import { LogLineSource } from './log-source.js';
import { mergeLogs, type MergeStats } from './merge.js';
import { FlowReplay, type ReplayResult } from './replay.js';
import { RouteMatcher, type MatchableRoute } from './route-matcher.js';

export const DEFAULT_IDLE_TIMEOUT_MINUTES = 30;
export const DEFAULT_REORDER_WINDOW_SECONDS = 10;
/** About 100-200 MB of parsed lines at most, whatever the window holds. */
export const MAX_BUFFERED_REQUESTS = 200_000;

export interface CheckLogOptions {
  files: readonly string[];
  cwd: string;
  format?: LogFormat;
  actorField?: string;
  idleTimeoutMinutes?: number;
  reorderWindowSeconds?: number;
  maxViolationsPerFlow?: number;
  onProgress?: (stats: MergeStats) => void;
}

export interface LogReplayReport {
  input: MergeStats;
  replay: ReplayResult;
  reorderWindowMs: number;
  actorField?: string;
}

export async function checkLogs(model: Pick<FlowModel, 'flows' | 'entities'>, routes: readonly MatchableRoute[], options: CheckLogOptions): Promise<LogReplayReport> {
  // Every file is opened before any is read: a typo in the third name fails at once, not after the first two.
  const sources = options.files.map((file) => new LogLineSource(path.resolve(options.cwd, file), file));
  const reorderWindowMs = (options.reorderWindowSeconds ?? DEFAULT_REORDER_WINDOW_SECONDS) * 1000;
  const replay = new FlowReplay(planFlows(model), new RouteMatcher(routes), {
    ...(options.actorField ? { actorField: options.actorField } : {}),
    idleTimeoutMs: (options.idleTimeoutMinutes ?? DEFAULT_IDLE_TIMEOUT_MINUTES) * 60_000,
    maxViolationsPerFlow: options.maxViolationsPerFlow ?? 1000,
    evidencePerSequence: 6,
  });
  const input = await mergeLogs(
    sources,
    { reorderWindowMs, maxBuffered: MAX_BUFFERED_REQUESTS, ...(options.format ? { format: options.format } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) },
    (request) => replay.accept(request),
  );
  return { input, replay: replay.finish(), reorderWindowMs, ...(options.actorField ? { actorField: options.actorField } : {}) };
}

/** The exit-code gate: whether a break at or above `failOn` was found. */
export function logReplayFails(report: LogReplayReport, failOn: 'high' | 'medium' | 'none'): boolean {
  if (failOn === 'none') return false;
  return report.replay.flows.some((flow) => flow.counts.high > 0 || (failOn === 'medium' && flow.counts.medium > 0));
}
