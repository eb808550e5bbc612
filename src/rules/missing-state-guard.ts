import type { FlowStep } from '../engine/flows/flow-model.js';
import { entityKey, type StatefulEntity } from '../engine/flows/stateful-entities.js';
import { entryName, routeRef, type TraceStep } from '../types.js';
import { defineRule } from './define-rule.js';
import { routeSpan } from './utils/route-facts.js';
import { nameWords } from '../engine/text.js';
import { wordPath } from '../engine/routes/route-path.js';

export default defineRule({
  meta: {
    id: 'missing-state-guard',
    title: 'Business flow step changes state without checking the current state',
    severity: 'high',
    confidence: 'medium',
    controls: {
      soc2: ['CC6.1', 'PI1.3'],
      owaspApi: ['API6:2023'],
      cwe: ['CWE-841'],
      pciDss: ['6.2.4'],
      hipaa: ['164.312(c)(1)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description:
        'Finds routes that advance a multi-step business flow (finalize, confirm, redeem, refund, reset a password, change a status) without first checking on the server that the flow is in the state that step requires, so a client can skip a step or replay it.',
      remediation:
        'Load the record and reject the request unless its state is the one this step requires (or update with the expected state in the where clause and check the count), verify reset/OTP tokens with their expiry, look up the payment status with the provider, and refuse a second use of a coupon or idempotency key.',
    },
  },
  analyses: ['flows'],
  check(ctx) {
    const model = ctx.flows;
    for (const step of model.steps) {
      if (!step.change) continue;
      const examined = { subject: 'flow step', name: `${entryName(step.route)}${step.entity && step.field ? ` (${step.entity}.${step.field})` : ''}`, file: step.route.file, line: step.route.line };
      if (step.verdict === 'guarded') {
        ctx.examined({ ...examined, outcome: 'passed', evidence: step.guards.map((guard) => `${guard.evidence} (${guard.file}:${guard.line})`).join('; ') || 'guarded' });
        continue;
      }
      if (step.verdict !== 'unguarded') continue;
      // An administrator's action is a flow step only when the code itself moves a state field (or config declares it).
      if (step.adminOnly && step.basis !== 'state-field' && step.basis !== 'declared') {
        ctx.examined({ ...examined, outcome: 'exempt', evidence: `an administrator's action: ${step.adminOnly}` });
        continue;
      }
      // A moderator's manual override (`POST /media/:id/:status` with a case per state): the caller is trusted to set
      // any state, so there is no earlier step to skip. Open to any user, the same handler stays a finding.
      if (step.adminOnly && step.override && !step.movesMoney && step.declared.length === 0) {
        ctx.examined({ ...examined, outcome: 'exempt', evidence: `an administrator's override: ${step.override}, behind ${step.adminOnly}` });
        continue;
      }
      // `DELETE /inbox/:id` setting `status: 'deleted'`: a soft delete is allowed from any state and changes nothing
      // when repeated; no flow step is skipped (a config flow that declares it still counts).
      const softDelete = step.basis === 'state-field' && !step.movesMoney && softDeletes(step);
      if (softDelete) {
        ctx.examined({ ...examined, outcome: 'exempt', evidence: `a soft delete: ${softDelete}` });
        continue;
      }
      ctx.examined({ ...examined, outcome: 'finding', evidence: 'changes state without checking the current state' });
      const { severity, confidence } = rating(step);
      ctx.report({
        file: step.route.file,
        ...routeSpan(ctx, step.route),
        message: message(step, model.steps, model.entities),
        severity,
        confidence,
        route: routeRef(step.route),
        trace: trace(step),
      });
    }
  },
});

/** States a record is put in to hide it, as a delete would remove it. */
const DELETED_STATE = /^(?:deleted|removed|trashed|soft_?deleted|discarded)$/i;
/** Words of a route that removes what it names. */
const DELETING_WORD = /^(?:delete|deletes|remove|removes|trash|destroy|discard)$/i;

/** The route deletes (by method or by its words) and the step only marks the record deleted: why, or undefined. */
function softDeletes(step: FlowStep): string | undefined {
  const value = step.transition?.value;
  if (!value || !DELETED_STATE.test(value)) return undefined;
  const handlerName = step.route.handler?.name.split('.').pop() ?? '';
  const words = [...nameWords(wordPath(step.route)), ...nameWords(handlerName)];
  if (step.route.method !== 'DELETE' && !words.some((word) => DELETING_WORD.test(word))) return undefined;
  return `${entryName(step.route)} sets ${step.entity ?? 'the record'}.${step.transition!.field} to '${value}', which any state may reach and a repeat does not change`;
}

/**
 * Severity follows what ties the route to a flow. A state field the code writes or a config flow: high
 * (critical when money moves), confidence high. A money movement seen in code without a state field
 * (a provider refund, a balance decrement): critical, confidence medium. Only the route's words: a guess,
 * medium with confidence low, so `--fail-on high` never fails on it.
 */
function rating(step: FlowStep): { severity: 'critical' | 'high' | 'medium'; confidence: 'high' | 'medium' | 'low' } {
  switch (step.basis) {
    case 'state-field':
    case 'declared':
      return { severity: step.movesMoney ? 'critical' : 'high', confidence: 'high' };
    case 'money':
      return { severity: 'critical', confidence: 'medium' };
    case 'name':
      return { severity: 'medium', confidence: 'low' };
  }
}

function message(step: FlowStep, steps: readonly FlowStep[], entities: readonly StatefulEntity[]): string {
  const route = entryName(step.route);
  const what = step.named ? `${step.named.because.replace(/-/g, ' ')} step` : step.declared.length > 0 ? `step ${step.declared[0]!.index + 1} of flow "${step.declared[0]!.flow}"` : 'state change';
  if (step.uncheckedConditional) {
    const write = step.uncheckedConditional;
    const where = write.requires?.length ? `only where it is ${quoteList(write.requires)}` : `only where it is not ${quoteList(write.forbids ?? [])}`;
    return `${route} (${what}) updates ${step.entity ?? 'the record'}.${write.field} ${where}, but never checks how many rows changed: the step goes on even when the record was in another state.`;
  }
  if (step.transition) {
    const { field, value } = step.transition;
    const previous = declaredPrevious(step, steps);
    const before = previous ? { state: previous, why: "the flow's previous step leaves it there" } : stateDeclaredBefore(step, entities);
    const should = before
      ? `that the current ${field} is '${before.state}' (${before.why}), or at least that it is not already '${value}'`
      : `the current ${field} (at least that it is not already '${value}')`;
    return `${route} (${what}) sets ${step.entity ?? 'the record'}.${field} to '${value}' without first checking ${should}: it runs in any state, so a client can skip earlier steps or repeat this one.`;
  }
  const change = step.change!;
  const effect = 'field' in change ? `writes ${step.entity ?? 'data'}` : change.description;
  const check = step.named?.kind === 'password-reset' || step.named?.kind === 'verification'
    ? 'verifying the token or code and its expiry'
    : step.named?.kind === 'coupon'
      ? 'checking the code was not already used'
      : step.movesMoney
        ? 'checking the payment or record state (and that it was not already processed)'
        : 'checking the current state of the flow';
  const guess = step.basis === 'name' ? ` Recognised as a flow step by its name only (no state field written, no config flow): declare the flow in config \`flows\` to confirm it, or suppress it if this is not a flow step.` : '';
  return `${route} (${what}) ${effect} without first ${check} on the server: a client can skip earlier steps or replay this one.${guess}`;
}

// States a record ends in: the state declared before them is not the one they start from (any open state can be cancelled).
const TERMINAL_STATE = /cancel|refund|fail|reject|refus|declin|archiv|expire|delet|void|abandon|lost|closed|error|suspend|block|ban/i;

/**
 * The state declared just before the target in the entity's enum or union (`cart | pending_payment | paid`):
 * the usual start of a forward transition. Not offered for terminal states, which most states may reach.
 */
function stateDeclaredBefore(step: FlowStep, entities: readonly StatefulEntity[]): { state: string; why: string } | undefined {
  const target = step.transition!;
  if (TERMINAL_STATE.test(target.value!)) return undefined;
  const entity = entities.find((candidate) => entityKey(candidate.name) === entityKey(step.entity ?? '') && candidate.field === target.field);
  const index = entity?.states.indexOf(target.value!) ?? -1;
  if (!entity || index <= 0) return undefined;
  const state = entity.states[index - 1]!;
  return TERMINAL_STATE.test(state) ? undefined : { state, why: `the state ${entity.name}.${target.field} declares before it` };
}

/** In a config flow, the state the step before this one writes: what this step should require. */
function declaredPrevious(step: FlowStep, steps: readonly FlowStep[]): string | undefined {
  for (const position of step.declared) {
    if (position.index === 0) continue;
    const before = steps.find((other) => other.declared.some((d) => d.flow === position.flow && d.index === position.index - 1));
    const value = before?.transition?.value ?? before?.creation?.value;
    if (value !== undefined && before?.transition?.field === step.transition?.field) return value;
  }
  return undefined;
}

function quoteList(values: readonly string[]): string {
  return values.map((value) => `'${value}'`).join(' or ');
}

function trace(step: FlowStep): TraceStep[] {
  const steps: TraceStep[] = [{ file: step.route.file, line: step.route.line, column: step.route.column, message: `route ${entryName(step.route)}` }];
  if (step.route.handler) steps.push({ file: step.route.handler.file, line: step.route.handler.line, column: 1, message: `handler ${step.route.handler.name}` });
  const change = step.change!;
  const via = change.via.length > 0 ? ` via ${change.via.join(' -> ')}` : '';
  const what = 'field' in change ? `sets ${step.entity ?? change.entity ?? 'record'}.${change.field}${change.value !== undefined ? ` = '${change.value}'` : ''}` : change.description;
  steps.push({ file: change.file, line: change.line, column: change.column, message: `${what}${via}, with no state check before it` });
  return steps;
}

