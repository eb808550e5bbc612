import type { TaintedCall } from '../../engine/dataflow/engine.js';
import { taintFor, type Taint, type ValueOrigin } from '../../engine/dataflow/taint.js';
import { nodePosition } from '../../engine/ast/syntax.js';
import { lineEndOffset } from '../../engine/source-text.js';
import { entryName, routeRef, type TraceStep } from '../../types.js';
import type { RuleContext } from '../../engine/rule-api.js';
import { matchingFunctionModel, type SinkCategory, type SinkModel } from '../../engine/models.js';
import { ts } from '#typescript';
import { administratorGuard } from './administrator-routes.js';

/** `GET /orders/:id`, as messages name the route; a handler no route mounts is named as such. */
export function routeLabel(tainted: Pick<TaintedCall, 'route'>): string {
  if (tainted.route.kind === 'websocket') return `WebSocket message '${tainted.route.path}'`;
  return tainted.route.unmounted ? `the handler ${tainted.route.handler?.name ?? '<anonymous>'}, which no route trustscan can see mounts` : entryName(tainted.route);
}

/**
 * The route and confidence of an injection finding: a handler no route mounts has no route, and
 * its finding is medium confidence (nothing shows that a client can reach it). A WebSocket
 * message handler keeps its entry (`WS order:create`).
 */
export function routeOfSink(tainted: TaintedCall, confidence?: 'high' | 'medium' | 'low'): { route?: ReturnType<typeof routeRef>; confidence?: 'high' | 'medium' | 'low' } {
  // A WebSocket message is an entry any connected client reaches: it is named like a route.
  if (!tainted.route.unmounted || tainted.route.kind === 'websocket') return { route: routeRef(tainted.route), ...(confidence ? { confidence } : {}) };
  return { confidence: confidence === 'low' ? 'low' : 'medium' };
}

/** Where an injection finding is reported: the sink call's first line (a multi-line call keeps one line). */
export function sinkSpan(tainted: TaintedCall): { start: number; end: number } {
  const call = tainted.call;
  const start = call.getStart();
  const text = tainted.file.text;
  const end = Math.min(call.getEnd(), lineEndOffset(text, start));
  return { start, end: text[end - 1] === '\r' ? end - 1 : end };
}

/** How many of the other routes that reach a sink a message names (all of them are trace steps, up to ALSO_TRACED). */
const ALSO_NAMED = 3;
const ALSO_TRACED = 10;

/** The mounted routes other than the finding's own that bring request data to the same sink, in route order. */
function otherRoutes(tainted: Pick<TaintedCall, 'route' | 'alsoReachedFrom'>): TaintedCall['alsoReachedFrom'] {
  return tainted.alsoReachedFrom.filter((route) => !route.unmounted);
}

/** `GET /orders/:id (no authentication)`: a route that reaches a shared sink, public ones said so when the finding's own route is not. */
function otherRouteLabel(tainted: Pick<TaintedCall, 'route'>, route: TaintedCall['route']): string {
  return `${routeLabel({ route })}${route.auth === 'public' && tainted.route.auth !== 'public' ? ' (no authentication)' : ''}`;
}

/**
 * ` Also reached from GET /public/items (no authentication) and POST /x.`: a sink in a shared helper
 * is one finding, reported with the first route that reaches it; the others are named so that a
 * reader weighing an admin-only route's finding sees the public route that reaches the same line.
 */
export function alsoReachedText(tainted: Pick<TaintedCall, 'route' | 'alsoReachedFrom'>): string {
  const others = otherRoutes(tainted);
  if (others.length === 0) return '';
  const labels = others.slice(0, ALSO_NAMED).map((route) => otherRouteLabel(tainted, route));
  const more = others.length - labels.length;
  const listed = more > 0 ? `${labels.join(', ')} and ${more} more route${more === 1 ? '' : 's'}` : labels.length === 1 ? labels[0]! : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
  return ` Also reached from ${listed}.`;
}

/** One step per other route that reaches the sink, at the route's definition. */
export function alsoReachedSteps(tainted: Pick<TaintedCall, 'route' | 'alsoReachedFrom'>): TraceStep[] {
  return otherRoutes(tainted)
    .slice(0, ALSO_TRACED)
    .map((route) => ({ file: route.file, line: route.line, column: route.column, message: `also reached from route ${otherRouteLabel(tainted, route)}` }));
}

/** Whether a route reaches the recorded call: the one it was recorded for, or one that reuses that record. */
export function reachedFrom(tainted: Pick<TaintedCall, 'route' | 'alsoReachedFrom'>, route: TaintedCall['route']): boolean {
  return tainted.route === route || tainted.alsoReachedFrom.includes(route);
}

/** A recorded call as another route that reaches it sees it: `route` is that route; the recorded one is among the others. */
export type RouteView = TaintedCall & { recordedFor?: TaintedCall['route'] };

/**
 * The recorded call and then the same call as each other route that reaches it sees it, for a rule
 * that judges the route (its validation, its guard): one route's middleware does not cover another's.
 */
export function routeViews(tainted: TaintedCall): RouteView[] {
  return [tainted, ...tainted.alsoReachedFrom.map((route) => ({ ...tainted, route, alsoReachedFrom: [tainted.route, ...tainted.alsoReachedFrom.filter((other) => other !== route)], recordedFor: tainted.route }))];
}

/**
 * The taint's steps (source first), the other routes that reach the same sink, then the sink itself.
 * Another route's view starts at that route: the flow shown is the one recorded for the first route.
 */
export function sinkTrace(tainted: RouteView, taint: Taint, sinkMessage: string): TraceStep[] {
  const { line, column } = nodePosition(tainted.call);
  const lead = tainted.recordedFor ? [{ file: tainted.route.file, line: tainted.route.line, column: tainted.route.column, message: `route ${routeLabel(tainted)} brings its request data to the same call` }] : [];
  return [...lead, ...taint.steps, ...alsoReachedSteps(tainted), { file: tainted.file.path, line, column, message: sinkMessage }];
}

/**
 * Reports one tainted sink call with the message, trace and route every injection rule uses.
 * `administratorInput`: a path or URL an administrator's feature takes by design (an export folder,
 * a scraper URL to test) is one step down when only administrators reach the route, and says so.
 */
export function reportTaintedSink(ctx: RuleContext, tainted: TaintedCall, taint: Taint, message: string, sinkMessage: string, extra: { confidence?: 'high' | 'medium' | 'low'; administratorInput?: boolean } = {}): void {
  const { administratorInput, ...options } = extra;
  // Only when every route that reaches the sink is an administrator's: one open route makes it anyone's input.
  const administrators = administratorInput && otherRoutes(tainted).every((route) => administratorGuard(route)) ? administratorGuard(tainted.route) : undefined;
  ctx.report({
    file: tainted.file.path,
    ...sinkSpan(tainted),
    message: `${administrators ? `${message} Only administrators reach it (${administrators.name}): an administrator's own input to a feature for them, so medium.` : message}${alsoReachedText(tainted)}`,
    trace: sinkTrace(tainted, taint, sinkMessage),
    ...options,
    ...(administrators ? { severity: 'medium' as const } : {}),
    ...routeOfSink(tainted, options.confidence),
  });
}

/** The request data a value carries into a sink of the rule's category: none when a sanitizer made it safe for that category. */
export function taintOf(origin: ValueOrigin | undefined, category: SinkCategory): Taint | undefined {
  return taintFor(origin, category);
}

export { localDeclaration, localInitializer } from '../../engine/names/index.js';

/**
 * Tainted calls into a function config `models` declares a sink of `category` (a project's own
 * wrapper), with the taint at the modelled argument and the name findings give the sink:
 * `exec() (config models[1])`.
 */
export function modelledSinkCalls(ctx: RuleContext, category: SinkCategory): Array<{ tainted: TaintedCall; taint: Taint; model: SinkModel; sinkName: string }> {
  const models = ctx.models.sinks.filter((model) => model.category === category);
  if (models.length === 0) return [];
  const found: Array<{ tainted: TaintedCall; taint: Taint; model: SinkModel; sinkName: string }> = [];
  for (const tainted of ctx.dataflow.taintedCalls()) {
    if (!ts.isCallExpression(tainted.call)) continue;
    const model = matchingFunctionModel(models, ctx.modules, tainted.file, tainted.call.expression);
    const taint = model && taintOf(tainted.argumentOrigins[model.argument], category);
    if (model && taint) found.push({ tainted, taint, model, sinkName: `${calleeName(tainted.call.expression)}() (${model.label})` });
  }
  return found;
}

function calleeName(expression: ts.Expression): string {
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) return `${calleeName(expression.expression)}.${expression.name.text}`;
  if (expression.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  return '…';
}
