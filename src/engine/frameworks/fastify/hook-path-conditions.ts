/**
 * Hooks that check only some paths: `if (!path.startsWith('/v1/')) return;` before `jwtVerify()`,
 * `if (request.url.startsWith('/api/auth/login')) return;`, `if (PUBLIC_ROUTES.includes(key)) return;`.
 * Fastify runs a hook for every route of its context, so the hook's own early returns decide which
 * routes it guards. Conditions we cannot read leave the hook applying everywhere, as before.
 */
import { ts } from '#typescript';
import { and, isEquality, negate, or, samePath, type PathConditionValue } from '../../routes/path-logic.js';
import { skipOuterExpressions } from '../../ast/syntax.js';

/** True when the hook lets the request through unchecked for this route; undefined when unknown. */
export type HookSkip = (method: string, routePath: string) => boolean;

type Value = PathConditionValue;
type Evaluate = (method: string, routePath: string) => Value;

/**
 * The routes a hook waves through with a bare `return` (no reply) before it checks anything: the
 * disjunction of those early-return conditions, when every one of them can be read.
 */
export function hookSkipPredicate(hook: ts.SignatureDeclaration & { body?: ts.ConciseBody }): HookSkip | undefined {
  const body = hook.body;
  if (!body || !ts.isBlock(body)) return undefined;
  const requestName = hook.parameters[0] && ts.isIdentifier(hook.parameters[0].name) ? hook.parameters[0].name.text : undefined;
  if (!requestName) return undefined;
  const pathNames = new Set<string>();
  const constants = new Map<string, string[]>();
  collectModuleConstants(hook.getSourceFile(), constants);
  const skips: Evaluate[] = [];
  for (const statement of body.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.initializer && readsUrl(declaration.initializer, requestName, pathNames)) pathNames.add(declaration.name.text);
      }
      continue;
    }
    if (ts.isIfStatement(statement) && isBareReturn(statement.thenStatement)) {
      const condition = compile(statement.expression, { requestName, pathNames, constants });
      if (!condition) return undefined;
      skips.push(condition);
      continue;
    }
    // Anything else (the verification itself, a rejection for some paths) ends the pass-through prelude.
    if (ts.isIfStatement(statement)) continue;
    break;
  }
  if (skips.length === 0) return undefined;
  return (method, routePath) => skips.some((skip) => skip(method, routePath) === true);
}

interface Scope {
  requestName: string;
  pathNames: Set<string>;
  constants: Map<string, string[]>;
}

/** `return;` or `{ return; }`: let the request go on without a check (a `return reply.code(401)` is a rejection). */
function isBareReturn(statement: ts.Statement): boolean {
  if (ts.isReturnStatement(statement)) return statement.expression === undefined;
  if (ts.isBlock(statement) && statement.statements.length === 1) return isBareReturn(statement.statements[0]!);
  return false;
}

/** `request.url`, `request.url.split('?')[0]`, `request.routeOptions.url`, `request.routerPath`, or a name bound to one. */
function readsUrl(expression: ts.Expression, requestName: string, pathNames: Set<string>): boolean {
  const text = skipOuterExpressions(expression).getText();
  if (pathNames.has(text)) return true;
  return new RegExp(`^${requestName}\\s*\\.\\s*(?:url|raw\\.url|routerPath|routeOptions\\s*\\.\\s*url|originalUrl)\\b`).test(text);
}

function collectModuleConstants(sourceFile: ts.SourceFile, constants: Map<string, string[]>): void {
  for (const statement of sourceFile.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      let initializer = declaration.initializer && skipOuterExpressions(declaration.initializer);
      if (initializer && ts.isNewExpression(initializer) && initializer.arguments?.length === 1) initializer = skipOuterExpressions(initializer.arguments[0]!);
      if (!ts.isIdentifier(declaration.name) || !initializer || !ts.isArrayLiteralExpression(initializer)) continue;
      if (initializer.elements.every(ts.isStringLiteralLike)) constants.set(declaration.name.text, initializer.elements.map((element) => (element as ts.StringLiteral).text));
    }
  }
}

/** A route path matches a URL prefix/equality test on its literal part; `/tasks/:id` starts with `/tasks/`. */
function compile(expression: ts.Expression, scope: Scope): Evaluate | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.ExclamationToken) {
    const inner = compile(value.operand, scope);
    return inner && ((method, routePath) => negate(inner(method, routePath)));
  }
  if (ts.isBinaryExpression(value)) {
    const operator = value.operatorToken.kind;
    if (operator === ts.SyntaxKind.AmpersandAmpersandToken || operator === ts.SyntaxKind.BarBarToken) {
      const left = compile(value.left, scope);
      const right = compile(value.right, scope);
      if (!left || !right) return undefined;
      return operator === ts.SyntaxKind.AmpersandAmpersandToken
        ? (method, routePath) => and(left(method, routePath), right(method, routePath))
        : (method, routePath) => or(left(method, routePath), right(method, routePath));
    }
    if (isEquality(operator)) {
      const [pathSide, literal] = readsUrl(value.left, scope.requestName, scope.pathNames) ? [value.left, value.right] : [value.right, value.left];
      if (!readsUrl(pathSide, scope.requestName, scope.pathNames) || !ts.isStringLiteralLike(literal)) return undefined;
      const equal = operator === ts.SyntaxKind.EqualsEqualsEqualsToken || operator === ts.SyntaxKind.EqualsEqualsToken;
      return (_method, routePath) => (samePath(routePath, literal.text) ? equal : !equal);
    }
    return undefined;
  }
  if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && value.arguments.length === 1) {
    const method = value.expression.name.text;
    const receiver = value.expression.expression;
    const argument = value.arguments[0]!;
    if ((method === 'startsWith' || method === 'endsWith') && readsUrl(receiver, scope.requestName, scope.pathNames) && ts.isStringLiteralLike(argument)) {
      const literal = argument.text;
      return (_httpMethod, routePath) => (method === 'startsWith' ? routePath.startsWith(literal) || `${routePath}/`.startsWith(literal) : routePath.endsWith(literal));
    }
    // PUBLIC_ROUTES.includes(`${request.method} ${path}`) / .has(...) over a constant list.
    if ((method === 'includes' || method === 'has') && ts.isIdentifier(receiver) && scope.constants.has(receiver.text)) {
      const entries = scope.constants.get(receiver.text)!;
      const keyed = routeKey(argument, scope);
      if (!keyed) return undefined;
      return (httpMethod, routePath) => entries.some((entry) => (keyed === 'method-path' ? samePath(`${httpMethod} ${routePath}`, entry) : samePath(routePath, entry)));
    }
  }
  return undefined;
}

/** What a lookup key is made of: `${request.method} ${path}` or the path alone. */
function routeKey(argument: ts.Expression, scope: Scope): 'method-path' | 'path' | undefined {
  const value = skipOuterExpressions(argument);
  if (readsUrl(value, scope.requestName, scope.pathNames)) return 'path';
  if (ts.isTemplateExpression(value) && value.templateSpans.length === 2) {
    const [first, second] = value.templateSpans;
    const methodRead = new RegExp(`^${scope.requestName}\\s*\\.\\s*method$`).test(first!.expression.getText());
    if (methodRead && value.head.text === '' && first!.literal.text === ' ' && readsUrl(second!.expression, scope.requestName, scope.pathNames) && second!.literal.text === '') return 'method-path';
  }
  if (ts.isIdentifier(value)) {
    // const key = `${request.method} ${path}` declared in the hook.
    const declaration = findLocalDeclaration(value);
    return declaration?.initializer ? routeKey(declaration.initializer, scope) : undefined;
  }
  return undefined;
}

function findLocalDeclaration(identifier: ts.Identifier): ts.VariableDeclaration | undefined {
  for (let node: ts.Node | undefined = identifier.parent; node; node = node.parent) {
    if (!ts.isBlock(node)) continue;
    for (const statement of node.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === identifier.text) return declaration;
      }
    }
  }
  return undefined;
}

