/**
 * Express and Koa middleware that lets some paths through before it checks anything:
 *
 *   app.use((req, res, next) => {
 *     if (PUBLIC_PATHS.some((url) => req.path.startsWith(url))) return next();
 *     if (!verify(req)) return res.status(401).end();
 *     next();
 *   });
 *
 * An app-wide authentication middleware with a path allowlist does not guard the routes it waves
 * through. The body is read as a decision tree: which branches reach `next()` before any other
 * work, under which conditions on the request path (and method). A condition we cannot read
 * leaves the middleware applying, as before; only a path the code provably lets through is skipped.
 */
import { ts } from '#typescript';
import { and, isEquality, negate, or, samePath, type PathConditionValue } from '../../routes/path-logic.js';
import type { ScannedSourceFile } from '../../../types.js';
import { skipOuterExpressions } from '../../ast/syntax.js';
import type { HttpMethod } from '../../routes/route.js';
import { regexFromLiteral } from './router-paths.js';
import type { RouterValues } from './router-values.js';

/** The request a middleware sees: its method, the full path and the path below the middleware's mount point. */
export interface PathRequest {
  method: HttpMethod;
  full: string;
  relative: string;
}

/** True when the middleware passes this request on unchecked. */
export type MiddlewareSkip = (request: PathRequest) => boolean;

type Value = PathConditionValue;
type Evaluate = (request: PathRequest) => Value;

interface Scope {
  requestName: string;
  nextName: string;
  /** Locals holding the request path: name -> whether it is the full URL (originalUrl) or the mount-relative one. */
  pathNames: Map<string, 'full' | 'relative'>;
  /** Locals holding a condition (`const isPublic = PUBLIC.some(...)`). */
  conditions: Map<string, ts.Expression>;
  file: ScannedSourceFile;
  values: RouterValues;
}

const ALWAYS: Evaluate = () => true;
const NEVER: Evaluate = () => false;

/**
 * The requests a middleware function waves through, when its body shows any; undefined when it
 * has no `next` parameter or lets nothing through before its work.
 */
export function middlewareSkipPredicate(fn: ts.SignatureDeclaration & { body?: ts.ConciseBody }, file: ScannedSourceFile, values: RouterValues): MiddlewareSkip | undefined {
  const body = fn.body;
  if (!body || !ts.isBlock(body) || fn.parameters.length < 2) return undefined;
  const first = fn.parameters[0]!.name;
  const last = fn.parameters[fn.parameters.length - 1]!.name;
  if (!ts.isIdentifier(first) || !ts.isIdentifier(last) || !/^next$/i.test(last.text)) return undefined;
  const scope: Scope = { requestName: first.text, nextName: last.text, pathNames: new Map(), conditions: new Map(), file, values };
  const evaluate = passes(body.statements, 0, scope);
  // Nothing before `next()` at all, or nothing let through: no path is exempt from anything.
  if (evaluate === NEVER || evaluate === ALWAYS) return undefined;
  return (request) => evaluate(request) === true;
}

/** Whether the statements from `index` on reach `next()` before doing anything else. */
function passes(statements: readonly ts.Statement[], index: number, scope: Scope): Evaluate {
  for (let i = index; i < statements.length; i++) {
    const statement = statements[i]!;
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name) || !declaration.initializer) continue;
        const kind = pathRead(declaration.initializer, scope);
        if (kind) scope.pathNames.set(declaration.name.text, kind);
        else scope.conditions.set(declaration.name.text, declaration.initializer);
      }
      continue;
    }
    if (ts.isEmptyStatement(statement)) continue;
    if (ts.isBlock(statement)) return passes([...statement.statements, ...statements.slice(i + 1)], 0, scope);
    if (ts.isExpressionStatement(statement) || ts.isReturnStatement(statement)) {
      // `next()` hands on only when nothing runs after it here (`await next(); log(...)` wraps the handler).
      const last = ts.isReturnStatement(statement) || i === statements.length - 1;
      return last && statement.expression && callsNext(statement.expression, scope) ? ALWAYS : NEVER;
    }
    if (ts.isIfStatement(statement)) {
      const condition = compile(statement.expression, scope, 0);
      const thenBranch = passes(blockStatements(statement.thenStatement), 0, scope);
      let elseBranch: Evaluate;
      if (statement.elseStatement) elseBranch = passes([...blockStatements(statement.elseStatement), ...statements.slice(i + 1)], 0, scope);
      else if (terminates(statement.thenStatement, scope)) elseBranch = passes(statements, i + 1, scope);
      else return NEVER;
      if (thenBranch === NEVER && elseBranch === NEVER) return NEVER;
      return (request) => {
        const holds = condition?.(request);
        if (holds === true) return thenBranch(request);
        if (holds === false) return elseBranch(request);
        const a = thenBranch(request);
        return a === elseBranch(request) ? a : undefined;
      };
    }
    return NEVER;
  }
  return NEVER;
}

function blockStatements(statement: ts.Statement): readonly ts.Statement[] {
  return ts.isBlock(statement) ? statement.statements : [statement];
}

/** `next()`, `return next()`, `await next()`, `return await next()`. */
function callsNext(expression: ts.Expression, scope: Scope): boolean {
  const value = skipOuterExpressions(expression);
  const call = ts.isAwaitExpression(value) ? skipOuterExpressions(value.expression) : value;
  return ts.isCallExpression(call) && ts.isIdentifier(call.expression) && call.expression.text === scope.nextName;
}

/** A branch that ends the middleware's work: it returns, throws, hands on with `next()` or answers. */
function terminates(statement: ts.Statement, scope: Scope): boolean {
  const last = blockStatements(statement).at(-1);
  if (!last) return false;
  if (ts.isReturnStatement(last) || ts.isThrowStatement(last)) return true;
  if (ts.isExpressionStatement(last)) return callsNext(last.expression, scope);
  if (ts.isIfStatement(last)) return last.elseStatement !== undefined && terminates(last.thenStatement, scope) && terminates(last.elseStatement, scope);
  return false;
}

/** `req.path`, `req.url`, `req.originalUrl`, `ctx.path`, `ctx.request.path`, or a local holding one. */
function pathRead(expression: ts.Expression, scope: Scope): 'full' | 'relative' | undefined {
  let value = skipOuterExpressions(expression);
  // `req.path.toLowerCase()` is not the path any more; `req.url.split('?')[0]` still is.
  if (ts.isElementAccessExpression(value) && ts.isNumericLiteral(value.argumentExpression) && value.argumentExpression.text === '0') {
    const split = skipOuterExpressions(value.expression);
    if (ts.isCallExpression(split) && ts.isPropertyAccessExpression(split.expression) && split.expression.name.text === 'split') value = skipOuterExpressions(split.expression.expression);
  }
  if (ts.isIdentifier(value)) return scope.pathNames.get(value.text);
  if (!ts.isPropertyAccessExpression(value)) return undefined;
  const member = value.name.text;
  let owner = skipOuterExpressions(value.expression);
  if (ts.isPropertyAccessExpression(owner) && owner.name.text === 'request') owner = skipOuterExpressions(owner.expression);
  if (!ts.isIdentifier(owner) || owner.text !== scope.requestName) return undefined;
  if (member === 'originalUrl') return 'full';
  return member === 'path' || member === 'url' ? 'relative' : undefined;
}

function methodRead(expression: ts.Expression, scope: Scope): boolean {
  const value = skipOuterExpressions(expression);
  if (!ts.isPropertyAccessExpression(value) || value.name.text !== 'method') return false;
  let owner = skipOuterExpressions(value.expression);
  if (ts.isPropertyAccessExpression(owner) && owner.name.text === 'request') owner = skipOuterExpressions(owner.expression);
  return ts.isIdentifier(owner) && owner.text === scope.requestName;
}

/** A condition on the request path or method, when it can be read; undefined otherwise. */
function compile(expression: ts.Expression, scope: Scope, depth: number): Evaluate | undefined {
  if (depth > 6) return undefined;
  const value = skipOuterExpressions(expression);
  if (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.ExclamationToken) {
    const inner = compile(value.operand, scope, depth + 1);
    return inner && ((request) => negate(inner(request)));
  }
  if (ts.isIdentifier(value)) {
    const initial = scope.conditions.get(value.text);
    return initial ? compile(initial, scope, depth + 1) : undefined;
  }
  if (ts.isBinaryExpression(value)) {
    const operator = value.operatorToken.kind;
    if (operator === ts.SyntaxKind.AmpersandAmpersandToken || operator === ts.SyntaxKind.BarBarToken) {
      const left = compile(value.left, scope, depth + 1);
      const right = compile(value.right, scope, depth + 1);
      if (operator === ts.SyntaxKind.AmpersandAmpersandToken) return (request) => and(left?.(request), right?.(request));
      return (request) => or(left?.(request), right?.(request));
    }
    if (isEquality(operator)) {
      const equal = operator === ts.SyntaxKind.EqualsEqualsEqualsToken || operator === ts.SyntaxKind.EqualsEqualsToken;
      for (const [side, other] of [[value.left, value.right], [value.right, value.left]] as const) {
        const text = scope.values.evaluateString(other, scope.file);
        if (text === undefined) continue;
        if (methodRead(side, scope)) return (request) => (request.method === 'ALL' ? undefined : (request.method === text.toUpperCase()) === equal);
        const kind = pathRead(side, scope);
        if (kind) return (request) => samePath(pick(request, kind), text) === equal;
      }
    }
    return undefined;
  }
  if (!ts.isCallExpression(value) || !ts.isPropertyAccessExpression(value.expression)) return undefined;
  const method = value.expression.name.text;
  const receiver = value.expression.expression;
  const argument = value.arguments[0];
  if (!argument) return undefined;
  // req.path.startsWith('/api/public'), .endsWith('.png'), .includes('/public/')
  const receiverPath = pathRead(receiver, scope);
  if (receiverPath && (method === 'startsWith' || method === 'endsWith' || method === 'includes')) {
    const text = scope.values.evaluateString(argument, scope.file);
    return text === undefined ? undefined : (request) => textTest(method, pick(request, receiverPath), text);
  }
  // /^\/api\/public/.test(req.path)
  if (method === 'test') {
    const kind = pathRead(argument, scope);
    const regex = kind && regexOf(receiver, scope);
    return regex ? (request) => regex.test(pick(request, kind)) : undefined;
  }
  // PUBLIC_PATHS.includes(req.path), PUBLIC.has(req.path)
  if (method === 'includes' || method === 'has') {
    const kind = pathRead(argument, scope);
    const entries = kind && listOf(receiver, scope, 0);
    return entries ? (request) => entries.some((entry) => typeof entry === 'string' && samePath(pick(request, kind), entry)) : undefined;
  }
  // PUBLIC_PATHS.some((url) => req.path.startsWith(url)), .some((p) => p.test(req.path)), .some((u) => req.path === u)
  if (method === 'some' && (ts.isArrowFunction(argument) || ts.isFunctionExpression(argument))) {
    const entries = listOf(receiver, scope, 0);
    const item = argument.parameters[0]?.name;
    const body = argument.body && ts.isBlock(argument.body) ? singleReturn(argument.body) : argument.body;
    if (!entries || !item || !ts.isIdentifier(item) || !body) return undefined;
    const test = itemTest(body as ts.Expression, item.text, scope);
    return test ? (request) => entries.some((entry) => test(request, entry)) : undefined;
  }
  return undefined;
}

function singleReturn(block: ts.Block): ts.Expression | undefined {
  const only = block.statements.length === 1 ? block.statements[0] : undefined;
  return only && ts.isReturnStatement(only) ? only.expression : undefined;
}

/** The test a `.some` callback makes of one list entry against the request path. */
function itemTest(body: ts.Expression, item: string, scope: Scope): ((request: PathRequest, entry: string | RegExp) => boolean) | undefined {
  const value = skipOuterExpressions(body);
  const isItem = (expression: ts.Expression) => {
    const bare = skipOuterExpressions(expression);
    return ts.isIdentifier(bare) && bare.text === item;
  };
  if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && value.arguments.length === 1) {
    const method = value.expression.name.text;
    const receiver = value.expression.expression;
    const argument = value.arguments[0]!;
    const kind = pathRead(receiver, scope);
    if (kind && isItem(argument) && (method === 'startsWith' || method === 'endsWith' || method === 'includes')) {
      return (request, entry) => typeof entry === 'string' && textTest(method, pick(request, kind), entry);
    }
    const tested = pathRead(argument, scope);
    if (tested && isItem(receiver) && method === 'test') return (request, entry) => typeof entry !== 'string' && entry.test(pick(request, tested));
    // `url.startsWith(req.path)` would let `/a` through for an entry `/a/b`: not a skip we can claim.
    return undefined;
  }
  if (ts.isBinaryExpression(value) && (value.operatorToken.kind === ts.SyntaxKind.EqualsEqualsEqualsToken || value.operatorToken.kind === ts.SyntaxKind.EqualsEqualsToken)) {
    const kind = isItem(value.left) ? pathRead(value.right, scope) : isItem(value.right) ? pathRead(value.left, scope) : undefined;
    if (kind) return (request, entry) => typeof entry === 'string' && samePath(pick(request, kind), entry);
  }
  return undefined;
}

/**
 * The entries of a constant list: an array literal (its strings and regular expressions; entries
 * that cannot be read are left out), a `new Set([...])`, or a `.filter(...)` of one (at most its
 * entries). Declared locally or imported.
 */
function listOf(expression: ts.Expression, scope: Scope, depth: number, file = scope.file): Array<string | RegExp> | undefined {
  if (depth > 4) return undefined;
  const value = skipOuterExpressions(expression);
  if (ts.isArrayLiteralExpression(value)) {
    const entries: Array<string | RegExp> = [];
    for (const element of value.elements) {
      const item = skipOuterExpressions(element);
      if (ts.isRegularExpressionLiteral(item)) {
        const regex = regexFromLiteral(item.text);
        if (regex) entries.push(regex);
        continue;
      }
      if (ts.isSpreadElement(item)) {
        const spread = listOf(item.expression, scope, depth + 1, file);
        if (spread) entries.push(...spread);
        continue;
      }
      const text = scope.values.evaluateString(item, file);
      if (text !== undefined) entries.push(text);
    }
    return entries;
  }
  if (ts.isNewExpression(value) && ts.isIdentifier(value.expression) && value.expression.text === 'Set' && value.arguments?.length === 1) return listOf(value.arguments[0]!, scope, depth + 1, file);
  if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && value.expression.name.text === 'filter') return listOf(value.expression.expression, scope, depth + 1, file);
  if (ts.isIdentifier(value)) {
    const declaration = scope.values.declarationOf(value, file);
    const node = declaration?.node;
    return node && ts.isVariableDeclaration(node) && node.initializer ? listOf(node.initializer, scope, depth + 1, declaration.file) : undefined;
  }
  return undefined;
}

function regexOf(expression: ts.Expression, scope: Scope): RegExp | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isRegularExpressionLiteral(value)) return regexFromLiteral(value.text);
  if (ts.isNewExpression(value) && ts.isIdentifier(value.expression) && value.expression.text === 'RegExp' && value.arguments?.[0]) {
    const source = scope.values.evaluateString(value.arguments[0], scope.file);
    if (source === undefined) return undefined;
    try {
      return new RegExp(source);
    } catch {
      return undefined;
    }
  }
  if (ts.isIdentifier(value)) {
    const declaration = scope.values.declarationOf(value, scope.file);
    const node = declaration?.node;
    if (node && ts.isVariableDeclaration(node) && node.initializer) return regexOf(node.initializer, { ...scope, file: declaration.file });
  }
  return undefined;
}

function pick(request: PathRequest, kind: 'full' | 'relative'): string {
  return kind === 'full' ? request.full : request.relative;
}

/** A route path against a URL test: `/tasks/:id` starts with `/tasks/`; a parameter segment matches nothing literal past it. */
function textTest(method: string, path: string, text: string): boolean {
  if (method === 'startsWith') return path.startsWith(text) || `${path}/`.startsWith(text);
  if (method === 'endsWith') return path.endsWith(text);
  return path.includes(text);
}

