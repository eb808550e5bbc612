import { ts } from '#typescript';
import type { TaintedCall } from '../../engine/dataflow/engine.js';
import type { ValueOrigin } from '../../engine/dataflow/taint.js';
import type { RuleContext } from '../../engine/rule-api.js';
import type { ArgumentIndex } from './object-argument-fields.js';
import { nodeAtStep } from './trace-nodes.js';
import type { UrlContext } from './url-host-control.js';

/**
 * Evaluates URL parts in a tainted call's context; a parameter is followed one call up the trace
 * (the argument the caller passed), so `get(path)` wrappers are judged by how their callers build
 * `path`. `judge` may re-read an origin (open-redirect drops the inputs a victim's browser sets).
 */
export function urlContext(ctx: RuleContext, tainted: TaintedCall, argumentsOfCalls: ArgumentIndex, judge: (origin: ValueOrigin) => ValueOrigin = (origin) => origin): UrlContext {
  return {
    modules: ctx.modules,
    file: tainted.file,
    originOf: (expression) => judge(tainted.originOf(expression)),
    callerArgument: (parameter) => {
      const index = parameterIndex(parameter);
      if (index === undefined) return undefined;
      const origin = tainted.originOf(parameter);
      if (origin.kind !== 'tainted') return undefined;
      const passed = [...origin.taint.steps].reverse().find((step) => step.message.startsWith('passed to '));
      const node = passed && nodeAtStep(ctx, passed);
      const caller = node && argumentsOfCalls.get(node);
      if (!caller || caller.index !== index || !ts.isExpression(node)) return undefined;
      return { expression: node, context: urlContext(ctx, caller.tainted, argumentsOfCalls, judge) };
    },
  };
}

function parameterIndex(identifier: ts.Identifier): number | undefined {
  for (let scope: ts.Node | undefined = identifier.parent; scope; scope = scope.parent) {
    if (!ts.isFunctionLike(scope)) continue;
    const index = scope.parameters.findIndex((parameter) => ts.isIdentifier(parameter.name) && parameter.name.text === identifier.text);
    return index >= 0 ? index : undefined;
  }
  return undefined;
}
