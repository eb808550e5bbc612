/**
 * The replay state machine: requests in log-time order in, flow breaks out. Synchronous and free of
 * I/O, so tests feed it requests directly; merge.ts feeds it from files.
 *
 * A sequence is one flow followed for one record (the last parameter of the step's path,
 * `/orders/:id/pay` -> the id) or, for a step whose path names no record, for one actor. A
 * record's sequence is shared by every actor who acts on it (the customer pays, an operator ships),
 * but each break is charged to the actor whose request broke it, and only that actor's lines are
 * shown. Only successful requests (2xx/3xx) move a sequence; a 4xx on a step is the server refusing
 * it, counted as blocked (and as a blocked out-of-order attempt when it would have broken the flow).
 *
 * A step breaks the flow when it:
 * - SKIPS: the record is in a state the step does not start from (entity flows), or the step before
 *   it was never reached (config flows);
 * - REPEATS: the record is already in the state the step moves it to (a second finalize of a paid
 *   order), or a config step already reached is reached again before the flow restarts.
 *
 * Sequences live in log time: one idle for longer than the idle timeout is forgotten (that is what
 * keeps a 1 GB log in bounded memory). A record whose history is unknown (never seen, or forgotten)
 * is not judged on its first step, so that a log starting mid-flow or an operator acting on old
 * records invents nothing; except when the same actor entered the flow (created a record, or took
 * a config flow's entry step) within the idle timeout: then "never reached" is what the log says.
 */
import { resolveActor } from './actor.js';
import { routeKey, type FlowPlan, type PlannedStep } from './flow-plan.js';
import type { LogRequest } from './log-request.js';
import type { MatchableRoute, RouteMatcher } from './route-matcher.js';

export interface ReplayOptions {
  /** The field the actor is read from (see actor.ts); default: known user fields, JWT subject, address. */
  actorField?: string;
  idleTimeoutMs: number;
  /** Breaks kept in full per flow; the rest are counted. */
  maxViolationsPerFlow: number;
  /** Lines of one sequence kept as evidence. */
  evidencePerSequence: number;
}

export type Severity = 'high' | 'medium';

export interface EvidenceLine {
  time: number;
  actor: string;
  status: number;
  file: string;
  lineNumber: number;
  /** The raw line: formatters mask it (mask-log-line.ts) before showing it. */
  line: string;
}

export interface Violation {
  flow: string;
  kind: 'skip' | 'repeat';
  /** high: the code leaves the step unguarded and it was reached out of order; medium: a guarded step let it through. */
  severity: Severity;
  step: PlannedStep;
  actor: string;
  /** The record id from the path, when the step names one. */
  record?: string;
  time: number;
  /** Entity flows: the state the record was in; config flows: undefined. */
  fromState?: string;
  /** What the step needed: states (entity flows) or the declared step before it (config flows). */
  expected: string[];
  /** When the record first reached the repeated state or step (repeats only). */
  firstReachedAt?: number;
  /** This actor's lines on the sequence, ending with the breaking one. */
  evidence: EvidenceLine[];
  /** Lines of other actors on the same record before the break: counted, not shown. */
  otherActorsLines: number;
}

export interface StepStats {
  step: PlannedStep;
  succeeded: number;
  /** 4xx: the server refused the step. */
  blocked: number;
  /** 4xx on requests that would have broken the flow: the guard doing its job. */
  blockedOutOfOrder: number;
  failed: number;
  skips: number;
  repeats: number;
}

export interface FlowReplayResult {
  plan: FlowPlan;
  steps: StepStats[];
  violations: Violation[];
  /** Breaks beyond maxViolationsPerFlow: counted, not kept. */
  violationsNotKept: number;
  counts: { skip: number; repeat: number; high: number; medium: number };
}

export interface ReplayResult {
  requests: { replayed: number; matched: number; unknownPath: number; flowSteps: number };
  flows: FlowReplayResult[];
  actors: { active: number; brokeAFlow: string[] };
  /** joinedMidFlow: successful steps on records whose earlier steps the log does not show (not judged). */
  sequences: { started: number; expired: number; peak: number; joinedMidFlow: number };
  idleTimeoutMs: number;
}

interface Sequence {
  key: string;
  lastSeen: number;
  /** Entity flows: the state the last successful step moved the record to. */
  state?: string;
  /** When each state or config step was first reached in this sequence. */
  reachedAt: Map<string, number>;
  /** Config flows: declared indexes reached since the flow last (re)started. */
  reached: Set<number>;
  /** Actor sequences: the actor entered the flow (a creation or entry step). */
  entered: boolean;
  evidence: EvidenceLine[];
}

/** One flow break found on a request, before it is recorded. */
interface Judgement {
  kind: 'skip' | 'repeat';
  fromState?: string;
  expected: string[];
  firstReachedAt?: number;
}

export class FlowReplay<R extends MatchableRoute> {
  private readonly stepsByRoute = new Map<string, Array<{ result: FlowReplayResult; step: PlannedStep; stats: StepStats }>>();
  private readonly results: FlowReplayResult[];
  private readonly sequences = new Map<string, Sequence>();
  /** Actor -> last seen, for the count of active actors; swept with the sequences. */
  private readonly activeActors = new Map<string, number>();
  /** Log time of the last sweep of idle sequences; see expire(). */
  private lastSweep = Number.NEGATIVE_INFINITY;
  private readonly violators = new Set<string>();
  private readonly counts = { replayed: 0, matched: 0, unknownPath: 0, flowSteps: 0, started: 0, expired: 0, peak: 0, joinedMidFlow: 0, actors: 0 };

  constructor(plans: readonly FlowPlan[], private readonly matcher: RouteMatcher<R>, private readonly options: ReplayOptions) {
    this.results = plans.map((plan) => ({
      plan,
      steps: plan.steps.map((step) => ({ step, succeeded: 0, blocked: 0, blockedOutOfOrder: 0, failed: 0, skips: 0, repeats: 0 })),
      violations: [],
      violationsNotKept: 0,
      counts: { skip: 0, repeat: 0, high: 0, medium: 0 },
    }));
    for (const result of this.results) {
      result.steps.forEach((stats) => {
        const key = routeKey(stats.step.route);
        const list = this.stepsByRoute.get(key) ?? [];
        list.push({ result, step: stats.step, stats });
        this.stepsByRoute.set(key, list);
      });
    }
  }

  accept(request: LogRequest): void {
    this.counts.replayed++;
    if (request.time - this.lastSweep > this.options.idleTimeoutMs / SWEEPS_PER_TIMEOUT) this.expire(request.time);
    let target = request.target;
    // API Gateway REST APIs log the stage as the path's first segment; routes do not have it.
    if (request.stage && target.startsWith(`/${request.stage}/`)) target = target.slice(request.stage.length + 1);
    const match = this.matcher.match(request.method, target);
    if (!match) {
      this.counts.unknownPath++;
      return;
    }
    this.counts.matched++;
    const steps = this.stepsByRoute.get(routeKey(match.route));
    if (!steps) return;
    this.counts.flowSteps++;
    // Actor and record become map keys and outlive the line: detached from the chunk it was read in.
    const actor = detached(resolveActor(request, this.options.actorField).id);
    this.touchActor(actor, request.time);
    const param = match.params.at(-1)?.value;
    const record = param === undefined ? undefined : detached(param);
    const evidence: EvidenceLine = { time: request.time, actor, status: request.status, file: request.file, lineNumber: request.lineNumber, line: detached(request.line) };
    for (const { result, step, stats } of steps) this.replayStep(result, result.plan, step, stats, actor, step.keyedByRecord ? record : undefined, request, evidence);
  }

  private replayStep(result: FlowReplayResult, plan: FlowPlan, step: PlannedStep, stats: StepStats, actor: string, record: string | undefined, request: LogRequest, evidence: EvidenceLine): void {
    const succeeded = request.status >= 200 && request.status < 400;
    const blocked = request.status >= 400 && request.status < 500;
    const actorKey = `${plan.name}\u0000a\u0000${actor}`;
    const key = record !== undefined ? `${plan.name}\u0000r\u0000${record}` : actorKey;
    // A refused request on a sequence nobody started starts nothing (nothing to remember), but is still judged.
    const sequence = succeeded || this.live(key, request.time) ? this.sequence(key, request.time) : emptySequence(key, request.time);
    this.keepEvidence(sequence, evidence);
    const actorSequence = key === actorKey ? sequence : this.live(actorKey, request.time);
    const judgement = judge(plan, step, sequence, actorSequence, (index) => this.reachedElsewhere(plan, index, actorKey, sequence));
    if (!succeeded) {
      if (blocked) {
        stats.blocked++;
        if (judgement && judgement !== UNJUDGED) stats.blockedOutOfOrder++;
      } else stats.failed++;
      return;
    }
    stats.succeeded++;
    if (judgement === UNJUDGED) {
      this.counts.joinedMidFlow++;
    } else if (judgement) this.record(result, step, stats, judgement, actor, record, request.time, sequence);
    advance(step, sequence, request.time);
  }

  /** Whether a config step's predecessor was reached: in this sequence, or (a step that names no record) by this actor. */
  private reachedElsewhere(plan: FlowPlan, index: number, actorKey: string, sequence: Sequence): boolean {
    if (sequence.reached.has(index)) return true;
    const previous = plan.steps.find((candidate) => candidate.index === index);
    if (previous && !previous.keyedByRecord) return this.live(actorKey, sequence.lastSeen)?.reached.has(index) ?? false;
    return false;
  }

  private record(result: FlowReplayResult, step: PlannedStep, stats: StepStats, judgement: Judgement, actor: string, record: string | undefined, time: number, sequence: Sequence): void {
    const severity: Severity = step.guarded ? 'medium' : 'high';
    result.counts[judgement.kind]++;
    result.counts[severity]++;
    if (judgement.kind === 'skip') stats.skips++;
    else stats.repeats++;
    this.violators.add(actor);
    if (result.violations.length >= this.options.maxViolationsPerFlow) {
      result.violationsNotKept++;
      return;
    }
    const own = sequence.evidence.filter((line) => line.actor === actor);
    result.violations.push({
      flow: step.flow,
      kind: judgement.kind,
      severity,
      step,
      actor,
      ...(record !== undefined ? { record } : {}),
      time,
      ...(judgement.fromState !== undefined ? { fromState: judgement.fromState } : {}),
      expected: judgement.expected,
      ...(judgement.firstReachedAt !== undefined ? { firstReachedAt: judgement.firstReachedAt } : {}),
      evidence: own,
      otherActorsLines: sequence.evidence.length - own.length,
    });
  }

  /**
   * The sequence under `key` if it has not been idle past the timeout at `time`. Expiry is exact
   * here, whenever the sweep last ran: a sequence idle too long is forgotten even if still stored.
   */
  private live(key: string, time: number): Sequence | undefined {
    const sequence = this.sequences.get(key);
    if (!sequence) return undefined;
    if (time - sequence.lastSeen <= this.options.idleTimeoutMs) return sequence;
    this.sequences.delete(key);
    this.counts.expired++;
    return undefined;
  }

  /** The live sequence under `key`, started if new. */
  private sequence(key: string, time: number): Sequence {
    let sequence = this.live(key, time);
    if (!sequence) {
      sequence = emptySequence(key, time);
      this.sequences.set(key, sequence);
      this.counts.started++;
      if (this.sequences.size > this.counts.peak) this.counts.peak = this.sequences.size;
    }
    if (time > sequence.lastSeen) sequence.lastSeen = time;
    return sequence;
  }

  private keepEvidence(sequence: Sequence, line: EvidenceLine): void {
    sequence.evidence.push(line);
    if (sequence.evidence.length > this.options.evidencePerSequence) sequence.evidence.shift();
  }

  private touchActor(actor: string, time: number): void {
    const lastSeen = this.activeActors.get(actor);
    if (lastSeen === undefined || time - lastSeen > this.options.idleTimeoutMs) this.counts.actors++;
    this.activeActors.set(actor, time);
  }

  /**
   * Drops what has been idle past the timeout, so memory follows the traffic of one timeout, not
   * the length of the log. A whole pass over the live sequences, run a few times per timeout of
   * log time (not per request: the cost is paid per sweep, the correctness by live()).
   */
  private expire(now: number): void {
    this.lastSweep = now;
    const horizon = now - this.options.idleTimeoutMs;
    for (const [key, sequence] of this.sequences) {
      if (sequence.lastSeen >= horizon) continue;
      this.sequences.delete(key);
      this.counts.expired++;
    }
    for (const [actor, lastSeen] of this.activeActors) if (lastSeen < horizon) this.activeActors.delete(actor);
  }

  finish(): ReplayResult {
    return {
      requests: { replayed: this.counts.replayed, matched: this.counts.matched, unknownPath: this.counts.unknownPath, flowSteps: this.counts.flowSteps },
      flows: this.results,
      actors: { active: this.counts.actors, brokeAFlow: [...this.violators].sort() },
      sequences: { started: this.counts.started, expired: this.counts.expired, peak: this.counts.peak, joinedMidFlow: this.counts.joinedMidFlow },
      idleTimeoutMs: this.options.idleTimeoutMs,
    };
  }
}

function emptySequence(key: string, time: number): Sequence {
  return { key, lastSeen: time, reachedAt: new Map(), reached: new Set(), entered: false, evidence: [] };
}

/** How often, per idle timeout of log time, idle sequences are swept from memory. */
const SWEEPS_PER_TIMEOUT = 10;

/**
 * A copy of a line that does not keep the chunk it was split from alive: V8 makes a split line a
 * slice of the whole 1 MB chunk, so one line kept as evidence would hold the chunk.
 */
function detached(line: string): string {
  // Slicing a concatenation flattens it into a new string of its own.
  return ` ${line}`.slice(1);
}

/** A step on a record whose history the log does not show: neither in order nor out of it. */
const UNJUDGED = 'unjudged';

/** Whether a successful call of `step` now would break the flow, and how. Pure. */
function judge(plan: FlowPlan, step: PlannedStep, sequence: Sequence, actorSequence: Sequence | undefined, previousReached: (index: number) => boolean): Judgement | typeof UNJUDGED | undefined {
  const actorEntered = actorSequence?.entered ?? false;
  if (step.flowKind === 'entity') {
    if (step.creates || step.to === undefined) return undefined;
    const state = sequence.state;
    if (state !== undefined) {
      if (state === step.to) return { kind: 'repeat', fromState: state, expected: step.expectedFrom ?? [], firstReachedAt: sequence.reachedAt.get(state)! };
      if (step.expectedFrom && !step.expectedFrom.includes(state)) return { kind: 'skip', fromState: state, expected: step.expectedFrom };
      return undefined;
    }
    // Unknown history: judged only when the actor entered the flow within the idle timeout and every
    // state the step needs is one a logged step reaches (not a creation state, which needs no step).
    if (!step.expectedFrom) return undefined;
    const loggable = step.expectedFrom.every((state) => plan.observableStates.has(state) && !plan.initialStates.has(state));
    if (!loggable) return undefined;
    return actorEntered ? { kind: 'skip', expected: step.expectedFrom } : UNJUDGED;
  }
  if (step.index === 0) return undefined;
  if (sequence.reached.has(step.index)) return { kind: 'repeat', expected: [], firstReachedAt: sequence.reachedAt.get(`#${step.index}`)! };
  if (step.previous === undefined || previousReached(step.previous)) return undefined;
  const known = sequence.reached.size > 0 || actorEntered;
  const before = plan.steps.find((candidate) => candidate.index === step.previous);
  return known ? { kind: 'skip', expected: before ? [before.name] : [] } : UNJUDGED;
}

/** A successful step moves its sequence on. */
function advance(step: PlannedStep, sequence: Sequence, time: number): void {
  if (step.flowKind === 'entity') {
    if (step.to === undefined) return;
    if (step.creates) sequence.entered = true;
    if (sequence.state !== step.to) sequence.reachedAt.set(step.to, time);
    sequence.state = step.to;
    return;
  }
  if (step.index === 0) {
    // The entry step (re)starts the flow for this sequence.
    sequence.reached.clear();
    sequence.reachedAt.clear();
    sequence.entered = true;
  }
  if (!sequence.reached.has(step.index)) sequence.reachedAt.set(`#${step.index}`, time);
  sequence.reached.add(step.index);
}
