import { isolated, type AnalysisFailures } from '../analysis-failures.js';
/**
 * The business flows of an API, from its code: which routes advance a multi-step process, what
 * state each one changes, and whether the server checks the current state first. Both the
 * missing-state-guard rule and `trustscan flows` read this one model, so a diagram and a finding
 * never disagree.
 *
 * routes + ModuleIndex -> RouteFlow per route (route-flow.ts) -> FlowStep verdicts -> Flow diagrams.
 */
import type { ScannedSourceFile, ScannedTextFile } from '../../types.js';
import type { FlowConfig, TrustscanConfig } from '../config.js';
import type { ModuleIndex } from '../names/index.js';
import { isStateChanging, type Route } from '../routes/route.js';
import { routeMatchesStep, wordPath } from '../routes/route-path.js';
import { ANY_STATE_KINDS, isAuthRoute, isRequestRoute, MONEY_KINDS, namedStep, type NamedStep } from './flow-steps.js';
import { analyzeRouteFlow } from './route-flow.js';
import type { Effect, FlowLocation, RouteFlow, StateGuard, StateWrite } from './flow-facts.js';
import { entityKey, singular, statefulEntities, type StatefulEntity } from './stateful-entities.js';

export interface FlowStep {
  route: Route;
  named?: NamedStep;
  /** Config flows that list this route, with its position (0 = the flow's entry). */
  declared: Array<{ flow: string; index: number }>;
  /** The state change the step makes: a state-field transition, else its first write or money movement. */
  transition?: StateWrite;
  change?: StateWrite | Effect;
  /** A record created in its first state (`status: 'PENDING'` in a create). */
  creation?: StateWrite;
  /** Display name of the entity whose state changes (`Order`), when known. */
  entity?: string;
  field?: string;
  /** Checks that run before the change and concern it. */
  guards: StateGuard[];
  /** A conditional update whose result is dropped: the state is checked, but a mismatch does not stop the flow. */
  uncheckedConditional?: StateWrite;
  movesMoney: boolean;
  /**
   * What ties the route to a flow: it writes a state field (`status: 'PAID'`), it is declared in a
   * config flow, it moves money in code (a provider charge/refund, a balance decrement), or only its
   * path and handler words name a step. A name is a guess: the rule reports it at most medium/low.
   */
  basis: 'state-field' | 'declared' | 'money' | 'name';
  /** Why only an administrator can call it (a role guard, an admin check in the handler, an /admin path behind authentication). */
  adminOnly?: string;
  /**
   * The handler sets the transition's field to whichever of several states the request names (`switch (req.params.status)`
   * with a case per state): an override of the record's state, not one step of a flow.
   */
  override?: string;
  verdict: 'guarded' | 'unguarded' | 'no-change';
}

export interface FlowTransition {
  /** States the server requires before the transition; empty when it does not check (any state). */
  from: string[];
  to: string;
  route: { method: string; path: string; file: string; line: number };
  guarded: boolean;
  /** Initial state set when the record is created. */
  creates: boolean;
  guard?: string;
}

export interface Flow {
  name: string;
  kind: 'entity' | 'config';
  entity?: string;
  field?: string;
  /** Declared states first, in declaration order, then values only the code writes. */
  states: string[];
  transitions: FlowTransition[];
  /** Config flows: the declared steps in order, each with the route it names (absent when not found in code). */
  declaredSteps?: Array<{ step: string; route?: { method: string; path: string; file: string; line: number }; guarded?: boolean; entry: boolean }>;
  source?: FlowLocation;
}

export interface FlowModel {
  entities: StatefulEntity[];
  steps: FlowStep[];
  flows: Flow[];
}

export interface FlowInput {
  routes: readonly Route[];
  modules: ModuleIndex;
  sourceFiles: readonly ScannedSourceFile[];
  textFiles: readonly ScannedTextFile[];
  config: Pick<TrustscanConfig, 'flows' | 'stateGuards'>;
  failures?: AnalysisFailures;
}

const cache = new WeakMap<readonly Route[], FlowModel>();

/** The flow model of a scanned project; computed once per route inventory. */
export function analyzeFlows(input: FlowInput): FlowModel {
  const cached = cache.get(input.routes);
  if (cached) return cached;
  const filesByPath = new Map(input.sourceFiles.map((file) => [file.path, file]));
  const entities = statefulEntities(input.sourceFiles, input.textFiles);
  const analyzed: Array<{ flow: RouteFlow; named?: NamedStep; declared: FlowStep['declared'] }> = [];
  for (const route of input.routes) {
    // Sign-in, sign-out, sign-up, token refresh and OAuth callbacks open or close a session; they advance no business flow.
    if (isAuthRoute(route)) continue;
    const named = namedStep(route);
    const declared = declaredPositions(input.config.flows, route);
    const mutating = isStateChanging(route.method);
    if (!named && declared.length === 0 && !mutating) continue;
    const flow = isolated(input.failures, 'flows', route.file, () => analyzeRouteFlow({ modules: input.modules, config: input.config, filesByPath }, route));
    if (flow) analyzed.push({ flow, ...(named ? { named } : {}), declared });
  }
  // The states records are created in: writing one back (an edit that resets to REQUESTED) does not advance a flow.
  const initialStates = new Set(analyzed.flatMap(({ flow }) => flow.writes.filter((write) => write.creates && write.value !== undefined).map((write) => `${entityKey(write.entity ?? '')}.${write.field}=${write.value}`)));
  const steps: FlowStep[] = [];
  for (const { flow, named, declared } of analyzed) {
    const step = judgeStep(flow, named, declared, entities, initialStates);
    if (step) steps.push(step);
  }
  const model = { entities, steps, flows: buildFlows(entities, steps, input.config.flows) };
  cache.set(input.routes, model);
  return model;
}

/** Records that hold a one-time secret: `PasswordResetToken`, `verification_codes`, `OtpCode`. */
const ONE_TIME_TOKEN_MODEL = /token|code|otp|reset|verification/i;

/** `emailVerified`, `is_verified`, `phoneConfirmed`, `email_confirmed_at`: a proof the account holder gave once. */
const VERIFICATION_FLAG = /^(?:is_?)?(?:email_?|phone_?|mobile_?)?(?:verified|confirmed)(?:_?at)?$/i;

function declaredPositions(flows: readonly FlowConfig[], route: Route): FlowStep['declared'] {
  const positions: FlowStep['declared'] = [];
  for (const flow of flows) {
    flow.steps.forEach((step, index) => {
      if (routeMatchesStep(step, route)) positions.push({ flow: flow.name, index });
    });
  }
  return positions;
}

/**
 * Whether a route is a flow step, and whether the checks before its state change concern that
 * change. A check on another object (the result of the charge the handler just made) is not a
 * check of the order's state: that is the demo's finalize bug.
 */
function judgeStep(flow: RouteFlow, named: NamedStep | undefined, declared: FlowStep['declared'], entities: readonly StatefulEntity[], initialStates: ReadonlySet<string>): FlowStep | undefined {
  // A verification flag cleared (`emailVerified = false` when the address changes) returns to where every
  // account starts: it revokes, so skipping or repeating it gains nothing.
  const resetsToInitial = (write: StateWrite): boolean =>
    named === undefined &&
    declared.length === 0 &&
    (initialStates.has(`${entityKey(write.entity ?? '')}.${write.field}=${write.value}`) || (VERIFICATION_FLAG.test(write.field) && (write.value === 'false' || write.value === 'null')));
  // `reset_password_token: randomUUID()`: a reset or verification route that issues the link or code is the flow's first step.
  if (named && (named.kind === 'password-reset' || named.kind === 'verification') && flow.issuedSecrets.length > 0) named = undefined;
  const requestRoute = named === undefined && declared.length === 0 && isRequestRoute(flow.route);
  // A write in a catch block records that the request's own work failed (`status: 'FAILED'`): not a step a client drives.
  // Nor is a status the request gives a record it created itself a few calls before (a job's run moving to 'done').
  const transitions = requestRoute ? [] : flow.writes.filter((write) => !write.creates && write.value !== undefined && !write.inCatch && !write.ownRecord && !resetsToInitial(write));
  const transition = transitions[0];
  const creation = flow.writes.find((write) => write.creates && write.value !== undefined);
  const isStep = named !== undefined || declared.length > 0 || transition !== undefined;
  if (!isStep && !creation) return undefined;
  const movesMoney = flow.effects.some((effect) => effect.kind === 'money') || (named !== undefined && MONEY_KINDS.has(named.kind));
  // `PasswordResetToken.findOneAndRemove({ resetToken })`: taking the token record out as it is read is
  // how a reset or verification spends its one-time token, not the change the token's checks gate.
  const spendsToken = (effect: Effect): boolean =>
    (named?.kind === 'password-reset' || named?.kind === 'verification') && effect.kind === 'write' && /delete|remove|destroy/i.test(effect.method ?? '') && ONE_TIME_TOKEN_MODEL.test(effect.model ?? '');
  const change: StateWrite | Effect | undefined =
    transition ?? flow.writes.find((write) => !write.creates && !write.inCatch && !write.ownRecord) ?? flow.effects.find((effect) => effect.kind === 'money') ?? flow.effects.find((effect) => !spendsToken(effect)) ?? flow.effects[0];
  // When spending the token is all the step is seen to change, the checks of what it took out (found,
  // not expired) come after it and gate the rest of the handler.
  const spentOnly = change !== undefined && !('field' in change) && spendsToken(change as Effect);
  const basis: FlowStep['basis'] = transition ? 'state-field' : declared.length > 0 ? 'declared' : flow.effects.some((effect) => effect.kind === 'money') ? 'money' : 'name';
  const adminOnly = adminEvidence(flow, change?.seq ?? Infinity);
  const override = transition ? stateOverride(flow, transition) : undefined;
  const entityName = transition?.entity ?? (change && 'field' in change ? change.entity : undefined) ?? creation?.entity;
  const entity = entityName ? matchEntity(entities, entityName) : undefined;
  const base = {
    route: flow.route,
    ...(named ? { named } : {}),
    declared,
    ...(transition ? { transition } : {}),
    ...(creation ? { creation } : {}),
    ...(change ? { change } : {}),
    ...(entity || entityName ? { entity: entity?.name ?? displayEntity(entityName!) } : {}),
    ...(transition ? { field: transition.field } : change && 'field' in change ? { field: change.field } : {}),
    movesMoney,
    basis,
    ...(adminOnly ? { adminOnly } : {}),
    ...(override ? { override } : {}),
  };
  if (!isStep || !change) return { ...base, guards: [], verdict: 'no-change' };
  // Only declared-flow entries need no check: the first step of a flow has no earlier state.
  if (!named && !transition && declared.every((position) => position.index === 0)) return { ...base, guards: [], verdict: 'no-change' };
  // `deleteAccount`, `closeAccount` known by name only: an account may be closed from any state, and a repeat finds it gone.
  if (basis === 'name' && named !== undefined && ANY_STATE_KINDS.has(named.kind)) return { ...base, guards: [], verdict: 'no-change' };
  // A step known only by its name writes no state field, so which record holds its state is unknown: a state
  // check that stops the request first (`lookup.output.confirmationState === 'processing'`) is the check it needs.
  // Not for resets, coupons and account closure (reached here only when money moves): what they need is a verified token or a refused second use.
  const nameOnly = !transition && declared.length === 0 && !['password-reset', 'coupon', 'account-closure'].includes(named?.kind ?? '');
  const guards = flow.guards.filter(
    (guard) => (spentOnly || (guard.seq <= change.seq && change.seq <= guard.scopeEnd)) && (concerns(guard, change, entityName, named, movesMoney) || (nameOnly && guard.kind === 'state-check' && guard.field !== undefined)),
  );
  // A step known by its name whose change deletes the record it required to exist (`if (!invite) throw`, then delete it):
  // a second call finds nothing, and there is no later state to skip to.
  const removal = !('field' in change) ? (change as Effect) : undefined;
  if (basis === 'name' && removal?.kind === 'write' && /^(?:delete|deleteOne|deleteMany|destroy|remove)$/.test(removal.method ?? '')) {
    const exists = flow.existenceChecks.find((fact) => fact.seq <= removal.seq && fact.model !== undefined && entityKey(fact.model) === entityKey(removal.model ?? ''));
    if (exists) guards.push({ file: exists.file, line: exists.line, column: exists.column, kind: 'state-check', evidence: `${exists.evidence} (the record must exist; the step deletes it)`, expected: [], forbidden: [], seq: exists.seq, scopeEnd: Infinity });
  }
  const webhook = webhookGuard(flow, change.seq);
  if (webhook) guards.push(webhook);
  const conditional = flow.writes.find((write) => ((write.requires?.length ?? 0) > 0 || (write.forbids?.length ?? 0) > 0) && write.seq <= change.seq);
  if (conditional?.resultUsed || conditional?.bulk) {
    guards.push({ file: conditional.file, line: conditional.line, column: conditional.column, kind: 'conditional-update', evidence: `update requires ${conditionText(conditional)}`, field: conditional.field, expected: conditional.requires ?? [], forbidden: conditional.forbids ?? [], seq: conditional.seq, scopeEnd: Infinity });
  }
  return {
    ...base,
    guards,
    ...(conditional && !conditional.resultUsed && !conditional.bulk ? { uncheckedConditional: conditional } : {}),
    verdict: guards.length > 0 ? 'guarded' : 'unguarded',
  };
}

function concerns(guard: StateGuard, change: StateWrite | Effect, entityName: string | undefined, named: NamedStep | undefined, movesMoney: boolean): boolean {
  switch (guard.kind) {
    case 'config':
    case 'middleware':
    case 'state-machine':
    case 'webhook-event':
      return true;
    case 'payment-status':
      return named === undefined || ['checkout', 'payment', 'money-movement', 'fulfilment'].includes(named.kind) || ('value' in change && /paid|complete|succeed|confirm|captur/i.test(change.value ?? ''));
    case 'verified-token':
      // For a coupon, an expiry check is enough when applying it moves no money; a balance top-up must also refuse a second use.
      return named !== undefined && (['password-reset', 'verification', 'account-closure', 'approval'].includes(named.kind) || (named.kind === 'coupon' && !movesMoney));
    case 'replay-check':
      return named !== undefined || entityName === undefined || subjectIs(guard, entityName);
    case 'conditional-update':
    case 'state-check':
      // The checked record must be the one that changes, unless the step names no entity (a coupon checked before a redemption is created).
      if (!entityName) return guard.subject !== undefined && (guard.subjectSource !== undefined || guard.subject === 'this');
      return subjectIs(guard, entityName);
  }
}

/**
 * A webhook whose signature is verified before the change and whose change runs in a branch on the
 * provider's event type: the signed event is the state evidence (the provider says the payment succeeded).
 */
function webhookGuard(flow: RouteFlow, changeSeq: number): StateGuard | undefined {
  const signature = flow.signatures.find((fact) => fact.seq <= changeSeq);
  if (signature?.queue) {
    // A message the app's own queue signed was sent by the server itself: no client reaches this step.
    return { file: signature.file, line: signature.line, column: signature.column, kind: 'webhook-event', evidence: `message signed by the app's own queue: ${signature.evidence}`, expected: [], forbidden: [], seq: signature.seq, scopeEnd: Infinity };
  }
  const branch = flow.eventBranches.find((fact) => fact.seq <= changeSeq && changeSeq <= fact.scopeEnd);
  if (!signature || !branch) return undefined;
  return {
    file: branch.file,
    line: branch.line,
    column: branch.column,
    kind: 'webhook-event',
    evidence: `signed provider event: signature verified by ${signature.evidence} (${signature.file}:${signature.line}), change made for event ${branch.evidence}`,
    expected: [],
    forbidden: [],
    seq: branch.seq,
    scopeEnd: branch.scopeEnd,
  };
}

/** Why only an administrator reaches the change: a role guard, an admin check that exits before it, or an /admin path behind authentication. */
/** States a request must be able to pick among before a handler counts as an override of the field rather than a step (approve/decline is two steps). */
const OVERRIDE_STATES = 3;

/** `switch (req.params.status)` with a case setting `status` to each of several states: the request names the state, whatever it was. */
function stateOverride(flow: RouteFlow, transition: StateWrite): string | undefined {
  if (!transition.pickedBy) return undefined;
  const states = new Set(flow.writes.filter((write) => write.pickedBy === transition.pickedBy && write.field === transition.field && write.value !== undefined).map((write) => write.value!));
  return states.size >= OVERRIDE_STATES ? `${transition.pickedBy} picks the new ${transition.field} among ${[...states].map((state) => `'${state}'`).join(', ')}` : undefined;
}

function adminEvidence(flow: RouteFlow, changeSeq: number): string | undefined {
  const route = flow.route;
  const role = route.middleware.find((middleware) => middleware.kind === 'role');
  if (role) return `role guard ${role.name} (${role.file}:${role.line})`;
  const check = flow.adminChecks.find((fact) => fact.seq <= changeSeq);
  if (check) return `admin check ${check.evidence} (${check.file}:${check.line})`;
  if (route.auth === 'authenticated' && wordPath(route).split('/').some((segment) => /^admin$/i.test(segment))) return `/admin path behind authentication (${route.authEvidence[0] ?? 'authenticated'})`;
  return undefined;
}

function subjectIs(guard: StateGuard, entityName: string): boolean {
  const wanted = entityKey(entityName);
  if (!wanted) return false;
  const names = [guard.subject, guard.subjectSource].filter((name): name is string => name !== undefined).map((name) => name.toLowerCase().replace(/[^a-z0-9]/g, ''));
  return names.some((name) => name.includes(wanted) || (name.length >= 3 && wanted.includes(name) && name !== 'this'));
}

function matchEntity(entities: readonly StatefulEntity[], name: string): StatefulEntity | undefined {
  const key = entityKey(name);
  return entities.find((entity) => entityKey(entity.name) === key);
}

/** `orders` -> Order, `order_items` -> OrderItem, `orderRepository` -> Order. */
export function displayEntity(name: string): string {
  const key = name.replace(/(?:Repository|Repo|Model|Collection|Service|Table)$/, '');
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[^A-Za-z0-9]+/).filter(Boolean);
  const last = words.pop() ?? key;
  return [...words, singular(last)].map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
}

function buildFlows(entities: readonly StatefulEntity[], steps: readonly FlowStep[], configFlows: readonly FlowConfig[]): Flow[] {
  const flows: Flow[] = [];
  const byEntity = new Map<string, { entity: string; field: string; states: string[]; transitions: FlowTransition[]; source?: FlowLocation }>();
  for (const entity of entities) {
    byEntity.set(`${entityKey(entity.name)}.${entity.field}`, { entity: entity.name, field: entity.field, states: [...entity.states], transitions: [], source: entity.source });
  }
  for (const step of steps) {
    // A transition, or a creation: the arrow from [*] that gives a flow its initial state.
    const write = step.transition ?? step.creation;
    for (const current of write ? [write] : []) {
      if (current.value === undefined) continue;
      const entity = step.entity ?? displayEntity(current.entity ?? 'record');
      const key = `${entityKey(entity)}.${current.field}`;
      let flow = byEntity.get(key);
      if (!flow) {
        flow = { entity, field: current.field, states: [], transitions: [] };
        byEntity.set(key, flow);
      }
      const stateGuard = step.guards.find((guard) => guard.expected.length > 0 || guard.forbidden.length > 0);
      const from = current.creates ? [] : stateGuard ? (stateGuard.expected.length > 0 ? stateGuard.expected : flow.states.filter((state) => !stateGuard.forbidden.includes(state) && state !== current.value)) : [];
      flow.transitions.push({
        from,
        to: current.value,
        route: { method: step.route.method, path: step.route.path, file: step.route.file, line: step.route.line },
        guarded: current.creates || step.verdict === 'guarded',
        creates: current.creates,
        ...(step.guards[0] ? { guard: `${step.guards[0].kind}: ${step.guards[0].evidence}` } : {}),
      });
      for (const state of [...from, current.value]) if (!flow.states.includes(state)) flow.states.push(state);
    }
  }
  for (const flow of [...byEntity.values()].sort((a, b) => a.entity.localeCompare(b.entity) || a.field.localeCompare(b.field))) {
    if (flow.transitions.length === 0) continue;
    flows.push({ name: `${flow.entity}.${flow.field}`, kind: 'entity', entity: flow.entity, field: flow.field, states: flow.states, transitions: flow.transitions, ...(flow.source ? { source: flow.source } : {}) });
  }
  for (const declaredFlow of configFlows) {
    const declaredSteps = declaredFlow.steps.map((stepId, index) => {
      const step = steps.find((candidate) => candidate.declared.some((position) => position.flow === declaredFlow.name && position.index === index));
      return {
        step: stepId,
        entry: index === 0,
        ...(step ? { route: { method: step.route.method, path: step.route.path, file: step.route.file, line: step.route.line }, guarded: index === 0 || step.verdict !== 'unguarded' } : {}),
      };
    });
    const entityFlow = declaredFlow.entity ? flows.find((flow) => flow.kind === 'entity' && entityKey(flow.entity!) === entityKey(declaredFlow.entity!) && (!declaredFlow.field || flow.field === declaredFlow.field)) : undefined;
    // Drawn as declared: only the transitions the declared steps make, in the declared order.
    const transitions = declaredSteps.flatMap((declared) =>
      (entityFlow?.transitions ?? []).filter((transition) => declared.route && transition.route.method === declared.route.method && transition.route.path === declared.route.path),
    );
    const states = (entityFlow?.states ?? []).filter((state) => transitions.some((transition) => transition.to === state || transition.from.includes(state)));
    flows.push({
      name: declaredFlow.name,
      kind: 'config',
      ...(declaredFlow.entity ? { entity: declaredFlow.entity } : {}),
      ...(declaredFlow.field ? { field: declaredFlow.field } : {}),
      states,
      transitions,
      declaredSteps,
    });
  }
  return flows;
}

/** `status in 'PENDING'`, `status not in 'PAID', 'CANCELLED'`: what a conditional update's filter asks of the state. */
function conditionText(write: StateWrite): string {
  const list = (states: readonly string[]) => states.map((state) => `'${state}'`).join(', ');
  return [write.requires?.length ? `${write.field} in ${list(write.requires)}` : '', write.forbids?.length ? `${write.field} not in ${list(write.forbids)}` : ''].filter(Boolean).join(' and ');
}
