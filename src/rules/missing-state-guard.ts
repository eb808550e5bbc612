import { analyzeFlows, type FlowStep } from '../engine/flows/flow-model.js';
import type { TraceStep } from '../types.js';
import { defineRule } from './define-rule.js';
import { routeSpan } from './utils/route-facts.js';

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
  check(ctx) {
    const model = analyzeFlows({ routes: ctx.routes, modules: ctx.modules, sourceFiles: ctx.sourceFiles, textFiles: ctx.textFiles, config: ctx.config });
    for (const step of model.steps) {
      if (step.verdict !== 'unguarded' || !step.change) continue;
      ctx.report({
        file: step.route.file,
        ...routeSpan(ctx, step.route),
        message: message(step, model.steps),
        severity: step.movesMoney ? 'critical' : 'high',
        // Named by the code's own state field or a config flow: high; by route words alone: medium.
        confidence: step.transition || step.declared.length > 0 ? 'high' : 'medium',
        route: { method: step.route.method, path: step.route.path },
        trace: trace(step),
      });
    }
  },
});

function message(step: FlowStep, steps: readonly FlowStep[]): string {
  const route = `${step.route.method} ${step.route.path}`;
  const what = step.named ? `${step.named.because.replace(/-/g, ' ')} step` : step.declared.length > 0 ? `step ${step.declared[0]!.index + 1} of flow "${step.declared[0]!.flow}"` : 'state change';
  if (step.uncheckedConditional) {
    const write = step.uncheckedConditional;
    return `${route} (${what}) updates ${step.entity ?? 'the record'}.${write.field} only where it is ${quoteList(write.requires!)}, but never checks how many rows changed: the step goes on even when the record was in another state.`;
  }
  if (step.transition) {
    const previous = declaredPrevious(step, steps);
    const should = previous ? ` (the flow's previous step leaves it '${previous}')` : '';
    return `${route} (${what}) sets ${step.entity ?? 'the record'}.${step.transition.field} to '${step.transition.value}' without first checking the current ${step.transition.field}${should}: it runs in any state, so a client can skip earlier steps or repeat this one.`;
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
  return `${route} (${what}) ${effect} without first ${check} on the server: a client can skip earlier steps or replay this one.`;
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
  const steps: TraceStep[] = [{ file: step.route.file, line: step.route.line, column: step.route.column, message: `route ${step.route.method} ${step.route.path}` }];
  if (step.route.handler) steps.push({ file: step.route.handler.file, line: step.route.handler.line, column: 1, message: `handler ${step.route.handler.name}` });
  const change = step.change!;
  const via = change.via.length > 0 ? ` via ${change.via.join(' -> ')}` : '';
  const what = 'field' in change ? `sets ${step.entity ?? change.entity ?? 'record'}.${change.field}${change.value !== undefined ? ` = '${change.value}'` : ''}` : change.description;
  steps.push({ file: change.file, line: change.line, column: change.column, message: `${what}${via}, with no state check before it` });
  return steps;
}

