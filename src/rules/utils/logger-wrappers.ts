import { ts } from '#typescript';
import { resolveFunction } from '../../engine/names/index.js';
import { skipOuterExpressions } from '../../engine/ast/syntax.js';
import type { ScannedSourceFile } from '../../types.js';
import type { RuleContext } from '../../engine/rule-api.js';
import { LOG_METHODS, loggerCallName } from './logger-calls.js';

/** A project-owned logging function (`Logger.info` of outline's server/logging/Logger.ts) and what it writes. */
export interface LoggerWrapper {
  /** `Logger.info`, as the wrapper's own declaration names it. */
  name: string;
  /** Indexes of the call's arguments the wrapper hands to a real logger unredacted; `rest` covers every later argument. */
  loggedArguments: ReadonlySet<number>;
  rest?: number;
}

const MAX_WRAPPER_DEPTH = 2;
const cache = new WeakMap<ts.Node, LoggerWrapper | null>();

/**
 * The wrapper a call goes through when the function it calls (resolved across files) passes its
 * own parameters to a known logger call (winston, pino, console, Nest Logger) or to another
 * wrapper. Arguments the wrapper redacts first (`this.sanitize(extra)`) are not logged.
 * Only calls named like log methods (`info`, `warn`, `log`...) are followed, which keeps it cheap.
 */
export function loggerWrapperOf(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression, isRedactor: (callee: ts.Expression) => boolean, depth = 0): LoggerWrapper | undefined {
  if (depth > MAX_WRAPPER_DEPTH) return undefined;
  const callee = skipOuterExpressions(call.expression);
  const calledName = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
  if (!LOG_METHODS.has(calledName) && !/log/i.test(calledName)) return undefined;
  const target = resolveFunction(ctx.modules, file, callee);
  if (!target || !('body' in target.node) || !target.node.body) return undefined;
  const node = target.node as ts.FunctionLikeDeclaration;
  const cached = cache.get(node);
  if (cached !== undefined) return cached ?? undefined;
  cache.set(node, null); // recursion guard
  const parameters = new Map<string, number>();
  let rest: number | undefined;
  node.parameters.forEach((parameter, index) => {
    if (!ts.isIdentifier(parameter.name)) return;
    parameters.set(parameter.name.text, index);
    if (parameter.dotDotDotToken) rest = index;
  });
  const logged = new Set<number>();
  const body = node.body!;
  const locals = localInitializers(body);
  const visit = (child: ts.Node): void => {
    if (ts.isCallExpression(child)) {
      const innerLogged = loggerCallName(ctx, target.file, child) ? child.arguments.map((_, index) => index) : wrapperArguments(ctx, target.file, child, isRedactor, depth);
      for (const index of innerLogged) {
        const argument = child.arguments[index];
        if (argument) for (const name of parameterReferences(argument, parameters, isRedactor, locals)) logged.add(parameters.get(name)!);
      }
    }
    ts.forEachChild(child, visit);
  };
  visit(body);
  const wrapper = logged.size > 0 ? { name: target.name, loggedArguments: logged, rest: rest !== undefined && logged.has(rest) ? rest : undefined } : undefined;
  cache.set(node, wrapper ?? null);
  return wrapper;
}

function wrapperArguments(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression, isRedactor: (callee: ts.Expression) => boolean, depth: number): number[] {
  const wrapper = loggerWrapperOf(ctx, file, call, isRedactor, depth + 1);
  return wrapper ? call.arguments.map((_, index) => index).filter((index) => isLoggedArgument(wrapper, index)) : [];
}

export function isLoggedArgument(wrapper: LoggerWrapper, index: number): boolean {
  return wrapper.loggedArguments.has(index) || (wrapper.rest !== undefined && index >= wrapper.rest);
}

/**
 * The wrapper's own locals and what they are built from: a hand-written JSON logger assembles its
 * record first (`const entry = Object.assign({}, context, params); console.log(JSON.stringify(entry))`),
 * so the parameter reaches the log through the local.
 */
function localInitializers(body: ts.Node): ReadonlyMap<string, ts.Expression> {
  const found = new Map<string, ts.Expression>();
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && node !== body) return;
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && !found.has(node.name.text)) found.set(node.name.text, node.initializer);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  return found;
}

/** Parameter names an expression carries into the log (directly or through a local built from them), not counting those inside a redaction call. */
function parameterReferences(expression: ts.Node, parameters: ReadonlyMap<string, number>, isRedactor: (callee: ts.Expression) => boolean, locals: ReadonlyMap<string, ts.Expression> = new Map()): string[] {
  const found: string[] = [];
  const followed = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && isRedactor(node.expression)) return;
    if (ts.isFunctionLike(node)) return;
    if (ts.isIdentifier(node)) {
      // `{ extra: ... }` keys and `x.extra` names are not references to the parameter.
      const parent = node.parent;
      const isName = (ts.isPropertyAccessExpression(parent) && parent.name === node) || (ts.isPropertyAssignment(parent) && parent.name === node);
      if (!isName && parameters.has(node.text)) found.push(node.text);
      else if (!isName && !followed.has(node.text)) {
        const initializer = locals.get(node.text);
        followed.add(node.text);
        if (initializer) for (const carried of wholeValues(initializer)) visit(carried);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(expression);
  return found;
}

/**
 * The values a local's initializer holds whole: an object or array literal's members, `Object.assign`'s
 * sources, either branch of a condition. A value passed through any other call (`data.map(toRecord)`)
 * or read for one field is something else, so the parameter is not logged whole through it.
 */
function wholeValues(initializer: ts.Expression): ts.Expression[] {
  const value = skipOuterExpressions(initializer);
  if (ts.isIdentifier(value)) return [value];
  if (ts.isObjectLiteralExpression(value)) {
    return value.properties.flatMap((property) =>
      ts.isSpreadAssignment(property) ? wholeValues(property.expression) : ts.isPropertyAssignment(property) ? wholeValues(property.initializer) : ts.isShorthandPropertyAssignment(property) ? [property.name] : [],
    );
  }
  if (ts.isArrayLiteralExpression(value)) return value.elements.flatMap((element) => wholeValues(ts.isSpreadElement(element) ? element.expression : element));
  if (ts.isConditionalExpression(value)) return [...wholeValues(value.whenTrue), ...wholeValues(value.whenFalse)];
  if (ts.isCallExpression(value) && value.expression.getText(value.getSourceFile()).replace(/\s+/g, '') === 'Object.assign') return value.arguments.flatMap(wholeValues);
  return [];
}
