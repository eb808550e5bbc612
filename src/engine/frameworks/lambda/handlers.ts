import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { type Binding, bindingValue, localDeclaration, type ModuleIndex, requiredModule, type ResolvedFunction, resolveFunction, returnedFunction } from '../../names/index.js';
import { skipOuterExpressions } from '../../ast/syntax.js';
import type { AdapterContext } from '../adapter.js';

/**
 * The aws-lambda type names that say a function answers HTTP requests: API Gateway REST (v1) and
 * HTTP API (v2) proxy events, ALB target events, function URLs. Authorizer, SQS, S3 and other event
 * types are invoked by AWS, not by a client, and are not listed.
 */
export const HTTP_EVENT_TYPES: readonly string[] = [
  'APIGatewayProxyEvent',
  'APIGatewayEvent',
  'APIGatewayProxyEventV2',
  'APIGatewayProxyEventV2WithJWTAuthorizer',
  'APIGatewayProxyEventV2WithLambdaAuthorizer',
  'APIGatewayProxyEventV2WithIAMAuthorizer',
  'APIGatewayProxyEventV2WithRequestContext',
  'APIGatewayProxyWithCognitoAuthorizerEvent',
  'APIGatewayProxyWithLambdaAuthorizerEvent',
  'APIGatewayProxyEventBase',
  'ALBEvent',
  'LambdaFunctionURLEvent',
  'LambdaFunctionURLEventWithIAMAuthorizer',
  'APIGatewayProxyHandler',
  'APIGatewayProxyHandlerV2',
  'APIGatewayProxyHandlerV2WithJWTAuthorizer',
  'APIGatewayProxyHandlerV2WithLambdaAuthorizer',
  'APIGatewayProxyHandlerV2WithIAMAuthorizer',
  'APIGatewayProxyWithCognitoAuthorizerHandler',
  'APIGatewayProxyWithLambdaAuthorizerHandler',
  'ALBHandler',
  'LambdaFunctionURLHandler',
  'LambdaFunctionURLHandlerWithIAMAuthorizer',
];
const HTTP_EVENT_TYPE = new RegExp(`\\b(?:${HTTP_EVENT_TYPES.join('|')})\\b`);

/** Packages whose export is Lambda's `handler` shape. */
const MIDDY_PACKAGES = new Set(['@middy/core', 'middy']);
/** Middy's chain: `.use(m)` / `.use([a, b])` and `.before(fn)` run before the handler; `.handler(fn)` sets it. */
const MIDDY_BEFORE = new Set(['use', 'before']);
const MIDDY_CHAIN = new Set(['use', 'before', 'after', 'onError', 'handler']);

/**
 * Packages that turn a whole web framework app into one Lambda handler (`serverless(app)`,
 * `handle(app)`): the app's own routes are the entry points, found by that framework's adapter.
 * A route for the Lambda export on top would be the same requests counted twice, without their guards.
 */
const FRAMEWORK_BRIDGES = new Set([
  'serverless-http',
  'aws-serverless-express',
  '@vendia/serverless-express',
  '@codegenie/serverless-express',
  '@fastify/aws-lambda',
  'aws-lambda-fastify',
  'hono/aws-lambda',
  '@as-integrations/aws-lambda',
  '@trpc/server/adapters/aws-lambda',
  '@nestjs/platform-express',
  'lambda-api',
  'apollo-server-lambda',
  '@apollo/server',
  'graphql-yoga',
]);

/** A function export a config or a signature names as a Lambda handler. */
export interface LambdaExport {
  /** The file the export is written in (where a route is reported). */
  file: ScannedSourceFile;
  /** The export's declaration: its line is the route's line. */
  site: ts.Node;
  handler?: ResolvedFunction;
  /** Middy middleware in the order they run: the expression and the file it is written in. */
  middleware: Array<{ expression: ts.Expression; file: ScannedSourceFile }>;
  /** Set when the handler is made by a package we cannot read (`export const handler = makeHandler(...)`). */
  unresolved?: string;
}

/** `src/orders` -> the scanned file `src/orders.ts` (or .js, .mjs, ..., or `src/orders/index.ts`). */
export function findModuleFile(byPath: ReadonlyMap<string, ScannedSourceFile>, module: string): ScannedSourceFile | undefined {
  for (const extension of ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.jsx']) {
    const found = byPath.get(module + extension) ?? byPath.get(`${module}/index${extension}`);
    if (found) return found;
  }
  return undefined;
}

/** The export `exportName` of `file` as a Lambda handler, or undefined when there is no such export or it bridges a framework app. */
export function lambdaExport(file: ScannedSourceFile, exportName: string, context: AdapterContext): LambdaExport | undefined {
  const binding = context.modules.resolveExport(file, exportName);
  if (binding?.kind !== 'declaration') return undefined;
  const value = ts.isFunctionDeclaration(binding.node) ? binding.node : bindingValue(binding);
  if (!value) return undefined;
  const site = binding.node;
  // A method of the exports object (`module.exports = { async create(event) {...} }`) is a handler like a function export.
  if (ts.isFunctionDeclaration(value) || ts.isFunctionExpression(value) || ts.isArrowFunction(value) || ts.isMethodDeclaration(value)) {
    if (bridgesInBody(value, binding.file, context.modules)) return undefined;
    return { file: binding.file, site, handler: { file: binding.file, node: value, name: ts.isFunctionDeclaration(value) ? (value.name?.text ?? exportName) : exportName }, middleware: [] };
  }
  if (!ts.isExpression(value)) return undefined;
  if (bridgedPackage(value, binding.file, context.modules)) return undefined;
  const middy = unwrapMiddy(value, binding.file, context.modules, 0);
  if (middy) {
    const laterUses = ts.isVariableDeclaration(binding.node) ? statementUses(binding.node, binding.file) : [];
    const handler = middy.base && resolveFunction(context.modules, middy.base.file, middy.base.expression);
    return { file: binding.file, site, ...(handler ? { handler } : {}), middleware: [...middy.uses, ...laterUses] };
  }
  const resolved = resolveFunction(context.modules, binding.file, value);
  // `metricScope((metrics) => async (event, context) => {...})` (aws-embedded-metrics), `withSentry(() => handler)`:
  // the wrapper calls the function it is given with its own values; what that returns receives the event.
  const receiver = resolved && ts.isCallExpression(value) ? (returnedFunction(resolved) ?? resolved) : resolved;
  // The function a wrapper is given is written in place (`Util.handler(async (event) => ...)`): the export names it.
  const handler = receiver && receiver.name === '<anonymous>' && receiver.file === binding.file ? { ...receiver, name: exportName } : receiver;
  if (handler) return { file: binding.file, site, handler, middleware: [] };
  const call = ts.isCallExpression(value) ? value : undefined;
  const made = call && externalCallee(call, binding.file, context.modules);
  return { file: binding.file, site, middleware: [], unresolved: call && made ? `${call.expression.getText(binding.file.sourceFile)} from ${made}` : value.getText(binding.file.sourceFile).slice(0, 60) };
}

interface MiddyChain {
  base?: { expression: ts.Expression; file: ScannedSourceFile };
  uses: Array<{ expression: ts.Expression; file: ScannedSourceFile }>;
}

/**
 * `middy(base).use(a).use([b, c])`, `middy().use(a).handler(fn)`, and a project helper that
 * returns such a chain around its parameter (`middyfy(handler)` in the Serverless TypeScript template).
 */
function unwrapMiddy(expression: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex, depth: number): MiddyChain | undefined {
  const chain: ts.CallExpression[] = [];
  let current = skipOuterExpressions(expression);
  while (ts.isCallExpression(current) && ts.isPropertyAccessExpression(current.expression) && MIDDY_CHAIN.has(current.expression.name.text)) {
    chain.unshift(current);
    current = skipOuterExpressions(current.expression.expression);
  }
  if (!ts.isCallExpression(current)) return undefined;
  const callee = skipOuterExpressions(current.expression);
  if (!ts.isIdentifier(callee)) return undefined;
  const binding = modules.resolveName(file, callee.text);
  let result: MiddyChain;
  if (isMiddy(binding)) {
    const base = current.arguments[0];
    result = { ...(base && !ts.isObjectLiteralExpression(skipOuterExpressions(base)) ? { base: { expression: base, file } } : {}), uses: [] };
  } else {
    // A project helper: `const middyfy = (handler) => middy(handler).use(jsonBodyParser())`.
    const helper = depth < 3 ? resolveFunction(modules, file, callee) : undefined;
    let returned = helper && returnedExpression(helper.node);
    // Or one that builds the chain in a local and adds to it before returning it (slic-starter's
    // `middify`): `const wrapped = middy(handler).use(a); if (options.http) wrapped.use(b); return wrapped`.
    const held = returned && ts.isIdentifier(skipOuterExpressions(returned)) ? localDeclaration(skipOuterExpressions(returned) as ts.Identifier) : undefined;
    const holder = held?.initializer && ts.isIdentifier(held.name) && helper && held.pos >= helper.node.pos && held.end <= helper.node.end ? held.name.text : undefined;
    if (holder) returned = held!.initializer;
    const inner = returned && unwrapMiddy(returned, helper!.file, modules, depth + 1);
    if (!inner || !helper) return undefined;
    // The helper's base is its own parameter: the handler is what the call site passes there.
    const innerBase = inner.base && skipOuterExpressions(inner.base.expression);
    const parameterIndex = innerBase && ts.isIdentifier(innerBase) ? helper.node.parameters.findIndex((parameter) => ts.isIdentifier(parameter.name) && parameter.name.text === innerBase.text) : -1;
    const argument = parameterIndex >= 0 ? current.arguments[parameterIndex] : undefined;
    const base = argument ? { expression: argument, file } : parameterIndex < 0 ? inner.base : undefined;
    const added = holder && helper.node.body && ts.isBlock(helper.node.body) ? helperUses(helper.node.body.statements, holder, helper, current) : [];
    result = { ...(base ? { base } : {}), uses: [...inner.uses, ...added] };
  }
  for (const call of chain) {
    const method = (call.expression as ts.PropertyAccessExpression).name.text;
    const argument = call.arguments[0];
    if (!argument) continue;
    if (method === 'handler') result.base = { expression: argument, file };
    else if (MIDDY_BEFORE.has(method)) {
      const value = skipOuterExpressions(argument);
      const list = ts.isArrayLiteralExpression(value) ? value.elements.filter((element): element is ts.Expression => !ts.isSpreadElement(element)) : [argument];
      for (const middleware of list) result.uses.push({ expression: middleware, file });
    }
  }
  return result;
}

function isMiddy(binding: Binding | undefined): boolean {
  return binding?.kind === 'external' && MIDDY_PACKAGES.has(binding.module);
}

/**
 * The uses a middy helper adds to the chain it holds in `name` before returning it, statement by
 * statement. A use under an `if` on the helper's options counts when the call site's options
 * decide it true (`middify(fn, { isHttpHandler: true })` for `if (options.isHttpHandler)`), is left
 * out when they decide it false, and counts when nothing here decides it (an environment check):
 * the middleware the deployed handler runs, as far as the code tells.
 */
function helperUses(statements: readonly ts.Statement[], name: string, helper: ResolvedFunction, site: ts.CallExpression): Array<{ expression: ts.Expression; file: ScannedSourceFile }> {
  const uses: Array<{ expression: ts.Expression; file: ScannedSourceFile }> = [];
  const visit = (statement: ts.Statement): void => {
    if (ts.isBlock(statement)) statement.statements.forEach(visit);
    else if (ts.isIfStatement(statement)) {
      const decided = optionCondition(statement.expression, helper, site);
      if (decided !== false) visit(statement.thenStatement);
      if (decided !== true && statement.elseStatement) visit(statement.elseStatement);
    } else if (ts.isExpressionStatement(statement)) {
      for (const middleware of chainedUses(statement, name)) uses.push({ expression: middleware, file: helper.file });
    }
  };
  statements.forEach(visit);
  return uses;
}

/**
 * Whether a helper's condition on its options parameter holds for this call site: `options.flag`,
 * `!options.flag`, `a && b`, `a || b`, with the site passing an object literal (a missing key, or
 * a missing argument, is falsy). Undefined when the code here does not decide it.
 */
function optionCondition(condition: ts.Expression, helper: ResolvedFunction, site: ts.CallExpression): boolean | undefined {
  const value = skipOuterExpressions(condition);
  if (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.ExclamationToken) {
    const inner = optionCondition(value.operand, helper, site);
    return inner === undefined ? undefined : !inner;
  }
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) {
    const [left, right] = [optionCondition(value.left, helper, site), optionCondition(value.right, helper, site)];
    return left === false || right === false ? false : left === true && right === true ? true : undefined;
  }
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.BarBarToken) {
    const [left, right] = [optionCondition(value.left, helper, site), optionCondition(value.right, helper, site)];
    return left === true || right === true ? true : left === false && right === false ? false : undefined;
  }
  if (!ts.isPropertyAccessExpression(value)) return undefined;
  const owner = skipOuterExpressions(value.expression);
  if (!ts.isIdentifier(owner)) return undefined;
  const index = helper.node.parameters.findIndex((parameter) => ts.isIdentifier(parameter.name) && parameter.name.text === owner.text);
  if (index < 0) return undefined;
  const argument = site.arguments[index] && skipOuterExpressions(site.arguments[index]!);
  if (!argument) {
    // No options at the call site: the parameter's default (`options = {}`) decides, or it is undefined.
    const fallback = helper.node.parameters[index]!.initializer;
    return fallback && ts.isObjectLiteralExpression(skipOuterExpressions(fallback)) ? literalTruth(skipOuterExpressions(fallback) as ts.ObjectLiteralExpression, value.name.text) : fallback ? undefined : false;
  }
  return ts.isObjectLiteralExpression(argument) ? literalTruth(argument, value.name.text) : undefined;
}

/** Whether an object literal's key is truthy: false when absent, undefined when its value is not a literal here. */
function literalTruth(object: ts.ObjectLiteralExpression, key: string): boolean | undefined {
  if (object.properties.some(ts.isSpreadAssignment)) return undefined;
  const property = object.properties.find((member) => member.name && ts.isIdentifier(member.name) && member.name.text === key);
  if (!property) return false;
  if (!ts.isPropertyAssignment(property)) return undefined;
  const initializer = skipOuterExpressions(property.initializer);
  if (initializer.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (initializer.kind === ts.SyntaxKind.FalseKeyword || initializer.kind === ts.SyntaxKind.NullKeyword) return false;
  if (ts.isObjectLiteralExpression(initializer) || ts.isArrayLiteralExpression(initializer) || ts.isArrowFunction(initializer) || ts.isFunctionExpression(initializer)) return true;
  if (ts.isStringLiteralLike(initializer)) return initializer.text !== '';
  if (ts.isNumericLiteral(initializer)) return Number(initializer.text) !== 0;
  return undefined;
}

/** `export const handler = middy(base); handler.use(auth())`: uses added by later top-level statements. */
function statementUses(declaration: ts.VariableDeclaration, file: ScannedSourceFile): Array<{ expression: ts.Expression; file: ScannedSourceFile }> {
  if (!ts.isIdentifier(declaration.name)) return [];
  const name = declaration.name.text;
  const uses: Array<{ expression: ts.Expression; file: ScannedSourceFile }> = [];
  for (const statement of file.sourceFile.statements) {
    if (!ts.isExpressionStatement(statement)) continue;
    for (const middleware of chainedUses(statement, name)) uses.push({ expression: middleware, file });
  }
  return uses;
}

/** `name.use(a).use([b, c]).before(d)` as one statement: the middleware it adds to the chain `name` holds, in order. */
function chainedUses(statement: ts.ExpressionStatement, name: string): ts.Expression[] {
  const calls: ts.CallExpression[] = [];
  let current = skipOuterExpressions(statement.expression);
  while (ts.isCallExpression(current) && ts.isPropertyAccessExpression(current.expression) && MIDDY_CHAIN.has(current.expression.name.text)) {
    calls.unshift(current);
    current = skipOuterExpressions(current.expression.expression);
  }
  if (!ts.isIdentifier(current) || current.text !== name) return [];
  const uses: ts.Expression[] = [];
  for (const call of calls) {
    const argument = call.arguments[0];
    if (!argument || !MIDDY_BEFORE.has((call.expression as ts.PropertyAccessExpression).name.text)) continue;
    const value = skipOuterExpressions(argument);
    uses.push(...(ts.isArrayLiteralExpression(value) ? value.elements.filter((element): element is ts.Expression => !ts.isSpreadElement(element)) : [argument]));
  }
  return uses;
}

function returnedExpression(fn: ts.SignatureDeclaration & { body?: ts.ConciseBody | ts.Block }): ts.Expression | undefined {
  const body = fn.body;
  if (!body) return undefined;
  if (!ts.isBlock(body)) return body;
  const returns = body.statements.filter(ts.isReturnStatement);
  return returns.length === 1 ? returns[0]!.expression : undefined;
}

/** `serverless(app)`, `serverlessExpress({ app })`, `handle(app)`: the package that bridges a framework app, if any. */
function bridgedPackage(value: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex): string | undefined {
  let current = skipOuterExpressions(value);
  // `serverlessExpress({ app }).handler` style: look through member reads to the call.
  while (ts.isPropertyAccessExpression(current)) current = skipOuterExpressions(current.expression);
  if (!ts.isCallExpression(current)) return undefined;
  const module = externalCallee(current, file, modules);
  return module && FRAMEWORK_BRIDGES.has(module) ? module : undefined;
}

/**
 * `export const handler = (event, context) => server.createHandler()(event, context)` with an
 * Apollo server, `serverlessExpress({ app })` made on the first call: a handler that hands the
 * event to a framework bridge it builds or holds. Whatever the bridge serves is that framework's.
 */
function bridgesInBody(fn: ts.SignatureDeclaration & { body?: ts.ConciseBody | ts.Block }, file: ScannedSourceFile, modules: ModuleIndex): boolean {
  if (!fn.body) return false;
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      let callee = skipOuterExpressions(node.expression);
      while (ts.isPropertyAccessExpression(callee) || ts.isCallExpression(callee)) callee = skipOuterExpressions(callee.expression);
      if (ts.isIdentifier(callee) && madeByBridge(callee.text, file, modules)) {
        found = true;
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(fn.body);
  return found;
}

/** A name imported from a bridge package, or a module-level value one of its exports made (`const server = new ApolloServer(...)`). */
function madeByBridge(name: string, file: ScannedSourceFile, modules: ModuleIndex): boolean {
  const binding = modules.resolveName(file, name);
  if (binding?.kind === 'external') return FRAMEWORK_BRIDGES.has(binding.module);
  if (binding?.kind !== 'declaration' || !ts.isVariableDeclaration(binding.node) || !binding.node.initializer) return false;
  const made = skipOuterExpressions(binding.node.initializer);
  if (!ts.isNewExpression(made) && !ts.isCallExpression(made)) return false;
  const callee = skipOuterExpressions(made.expression);
  const maker = ts.isIdentifier(callee) ? modules.resolveName(binding.file, callee.text) : undefined;
  return maker?.kind === 'external' && FRAMEWORK_BRIDGES.has(maker.module);
}

function externalCallee(call: ts.CallExpression, file: ScannedSourceFile, modules: ModuleIndex): string | undefined {
  let callee = skipOuterExpressions(call.expression);
  if (ts.isCallExpression(callee)) return requiredModule(callee);
  while (ts.isPropertyAccessExpression(callee)) callee = skipOuterExpressions(callee.expression);
  if (!ts.isIdentifier(callee)) return undefined;
  const binding = modules.resolveName(file, callee.text);
  return binding?.kind === 'external' ? binding.module : undefined;
}

/** A project function that wraps a handler typed as an HTTP one: a parameter of an HTTP handler type, or a returned function taking an HTTP event. */
function wrapperTypesHandler(wrapper: ResolvedFunction): boolean {
  const text = (node: ts.Node | undefined) => (node ? node.getText(wrapper.node.getSourceFile()) : '');
  if (wrapper.node.parameters.some((parameter) => parameter.type && (ts.isFunctionTypeNode(parameter.type) || ts.isTypeReferenceNode(parameter.type)) && HTTP_EVENT_TYPE.test(text(parameter.type)))) return true;
  const returned = returnedFunction(wrapper);
  const first = returned && returned.node !== wrapper.node ? returned.node.parameters[0] : undefined;
  return first?.type !== undefined && HTTP_EVENT_TYPE.test(text(first.type));
}

/**
 * The exports of a file typed as HTTP Lambda handlers: `export const handler: APIGatewayProxyHandler = ...`,
 * `export async function get(event: APIGatewayProxyEventV2)`, `exports.handler = async (event: ALBEvent) => ...`,
 * and a middy chain around such a function. Returns export names in source order.
 */
export function typedHandlerExports(file: ScannedSourceFile, modules: ModuleIndex): string[] {
  const names: string[] = [];
  const typed = (node: ts.Node | undefined, depth = 0): boolean => {
    if (!node || depth > 3) return false;
    if (ts.isVariableDeclaration(node)) return (node.type !== undefined && HTTP_EVENT_TYPE.test(node.type.getText(file.sourceFile))) || typed(node.initializer, depth + 1);
    const value = ts.isExpression(node) ? skipOuterExpressions(node) : node;
    if (ts.isFunctionDeclaration(value) || ts.isArrowFunction(value) || ts.isFunctionExpression(value)) {
      const first = value.parameters[0];
      return first?.type !== undefined && HTTP_EVENT_TYPE.test(first.type.getText(file.sourceFile));
    }
    if (ts.isExpression(value)) {
      const middy = unwrapMiddy(value, file, modules, 0);
      const base = middy?.base && resolveFunction(modules, middy.base.file, middy.base.expression);
      if (base) return typed(base.node, depth + 1);
      // `module.exports.execute = execute` where `const execute: APIGatewayProxyHandler = ...`: the name's declared type.
      const binding = ts.isIdentifier(value) ? modules.resolveName(file, value.text) : undefined;
      if (binding?.kind === 'declaration' && ts.isVariableDeclaration(binding.node) && binding.node.type) return typed(binding.node, depth + 1);
      if (ts.isCallExpression(value) || ts.isIdentifier(value)) {
        const fn = resolveFunction(modules, file, value);
        if (fn && typed(fn.node, depth + 1)) return true;
        // `Util.handler(async (event) => ...)`: the project's wrapper carries the type for the function
        // it wraps, on the parameter it takes it by (`lambda: (evt: APIGatewayProxyEvent) => ...`) or on
        // the function it returns (`return async (event: APIGatewayProxyEvent) => ...`).
        const wrapper = ts.isCallExpression(value) ? resolveFunction(modules, file, value.expression) : undefined;
        return wrapper !== undefined && wrapperTypesHandler(wrapper);
      }
    }
    return false;
  };
  for (const statement of file.sourceFile.statements) {
    const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
    if (exported && ts.isFunctionDeclaration(statement) && statement.name && typed(statement)) names.push(statement.name.text);
    else if (exported && ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) if (ts.isIdentifier(declaration.name) && typed(declaration)) names.push(declaration.name.text);
    } else if (ts.isExpressionStatement(statement) && ts.isBinaryExpression(statement.expression) && statement.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const target = statement.expression.left;
      const owner = ts.isPropertyAccessExpression(target) ? target.expression : undefined;
      const isExports = owner && ((ts.isIdentifier(owner) && owner.text === 'exports') || (ts.isPropertyAccessExpression(owner) && owner.name.text === 'exports' && ts.isIdentifier(owner.expression) && owner.expression.text === 'module'));
      if (isExports && typed(statement.expression.right)) names.push((target as ts.PropertyAccessExpression).name.text);
    }
  }
  return names;
}
