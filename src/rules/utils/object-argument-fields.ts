import { ts } from '#typescript';
import type { TaintedCall } from '../../engine/dataflow/engine.js';
import type { Taint, ValueOrigin } from '../../engine/dataflow/taint.js';
import { enclosingFunction, skipOuterExpressions } from '../../engine/ast/syntax.js';
import type { RuleContext } from '../../engine/rule-api.js';
import { nodeAtStep } from './trace-nodes.js';

/** Each argument node of every tainted call, with its call and index. */
export type ArgumentIndex = Map<ts.Node, { tainted: TaintedCall; index: number }>;

export function indexArguments(calls: readonly TaintedCall[]): ArgumentIndex {
  const index: ArgumentIndex = new Map();
  for (const tainted of calls) tainted.call.arguments?.forEach((argument, position) => index.set(argument, { tainted, index: position }));
  return index;
}

/**
 * The engine taints a whole object literal when any field is tainted, so
 * `sendMail({ to: dto.email, templatePath: path.join(DIR, 'a.hbs') })` makes the destructured
 * `templatePath` parameter look tainted. When the sink reads one field of a parameter
 * (`{ templatePath }` or `options.templatePath`) and the caller passed an object literal, this is
 * that field's own origin at the caller; undefined when that cannot be told.
 */
export function fieldOriginAtCaller(ctx: RuleContext, expression: ts.Expression, taint: Taint, argumentsOfCalls: ArgumentIndex): ValueOrigin | undefined {
  const field = parameterField(skipOuterExpressions(expression));
  if (!field) return undefined;
  const passed = [...taint.steps].reverse().find((step) => step.message.startsWith('passed to '));
  const node = passed && nodeAtStep(ctx, passed);
  if (!node || !ts.isObjectLiteralExpression(node)) return undefined;
  const caller = argumentsOfCalls.get(node);
  if (!caller || caller.index !== field.parameterIndex) return undefined;
  for (const property of node.properties) {
    if (ts.isSpreadAssignment(property)) return undefined;
    const name = property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) ? property.name.text : undefined;
    if (name !== field.name) continue;
    if (ts.isPropertyAssignment(property)) return caller.tainted.originOf(property.initializer);
    if (ts.isShorthandPropertyAssignment(property)) return caller.tainted.originOf(property.name);
    return undefined;
  }
  return { kind: 'constant' }; // the caller did not pass that field
}

/** `templatePath` bound by `({ templatePath }) =>`, or `options.templatePath` of a parameter `options`. */
function parameterField(expression: ts.Expression): { name: string; parameterIndex: number } | undefined {
  if (ts.isPropertyAccessExpression(expression) && ts.isIdentifier(expression.expression)) {
    const owner = expression.expression.text;
    const fn = enclosingFunction(expression);
    const parameterIndex = fn?.parameters.findIndex((parameter) => ts.isIdentifier(parameter.name) && parameter.name.text === owner) ?? -1;
    return parameterIndex >= 0 ? { name: expression.name.text, parameterIndex } : undefined;
  }
  if (!ts.isIdentifier(expression)) return undefined;
  const fn = enclosingFunction(expression);
  if (!fn) return undefined;
  for (const [parameterIndex, parameter] of fn.parameters.entries()) {
    if (!ts.isObjectBindingPattern(parameter.name)) continue;
    for (const element of parameter.name.elements) {
      if (!ts.isIdentifier(element.name) || element.name.text !== expression.text || element.dotDotDotToken) continue;
      const key = element.propertyName && ts.isIdentifier(element.propertyName) ? element.propertyName.text : element.name.text;
      return { name: key, parameterIndex };
    }
  }
  return undefined;
}

