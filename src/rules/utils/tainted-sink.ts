import { ts } from 'ts-morph';
import type { TaintedCall } from '../../engine/dataflow/engine.js';
import type { Taint, ValueOrigin } from '../../engine/dataflow/taint.js';
import { nodePosition } from '../../engine/ast/functions.js';
import { skipOuterExpressions } from '../../engine/ast/module-index.js';
import type { RuleContext, TraceStep } from '../../types.js';

/** `GET /orders/:id`, as messages name the route. */
export function routeLabel(tainted: TaintedCall): string {
  return `${tainted.route.method} ${tainted.route.path}`;
}

/** Where an injection finding is reported: the sink call's first line (a multi-line call keeps one line). */
export function sinkSpan(tainted: TaintedCall): { start: number; end: number } {
  const call = tainted.call;
  const start = call.getStart();
  const text = tainted.file.text;
  const lineEnd = text.indexOf('\n', start);
  const end = Math.min(call.getEnd(), lineEnd === -1 ? text.length : lineEnd);
  return { start, end: text[end - 1] === '\r' ? end - 1 : end };
}

/** The taint's steps (source first), then the sink itself. */
export function sinkTrace(tainted: TaintedCall, taint: Taint, sinkMessage: string): TraceStep[] {
  const { line, column } = nodePosition(tainted.call);
  return [...taint.steps, { file: tainted.file.path, line, column, message: sinkMessage }];
}

/** Reports one tainted sink call with the message, trace and route every injection rule uses. */
export function reportTaintedSink(ctx: RuleContext, tainted: TaintedCall, taint: Taint, message: string, sinkMessage: string, extra: { confidence?: 'high' | 'medium' | 'low' } = {}): void {
  ctx.report({
    file: tainted.file.path,
    ...sinkSpan(tainted),
    message,
    trace: sinkTrace(tainted, taint, sinkMessage),
    route: { method: tainted.route.method, path: tainted.route.path },
    ...extra,
  });
}

export function taintOf(origin: ValueOrigin | undefined): Taint | undefined {
  return origin?.kind === 'tainted' ? origin.taint : undefined;
}

/**
 * The initializer of a `const`/`let` declared in a block enclosing `identifier` (a local of the
 * function that uses it), before the use. Module-level names are the ModuleIndex's job.
 */
export function localInitializer(identifier: ts.Identifier): ts.Expression | undefined {
  const declaration = localDeclaration(identifier);
  return declaration?.initializer && skipOuterExpressions(declaration.initializer);
}

export function localDeclaration(identifier: ts.Identifier): ts.VariableDeclaration | undefined {
  for (let scope: ts.Node | undefined = identifier.parent; scope; scope = scope.parent) {
    if (ts.isSourceFile(scope)) return undefined;
    if (!ts.isBlock(scope) && !ts.isModuleBlock(scope)) continue;
    for (const statement of scope.statements) {
      if (statement.getStart() > identifier.getStart()) break;
      if (!ts.isVariableStatement(statement)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (bindsName(declaration.name, identifier.text)) return declaration;
      }
    }
  }
  return undefined;
}

function bindsName(name: ts.BindingName, text: string): boolean {
  if (ts.isIdentifier(name)) return name.text === text;
  return name.elements.some((element) => !ts.isOmittedExpression(element) && bindsName(element.name, text));
}
