import { ts } from '#typescript';
import { schemaPinnedCaller, type PinnedCaller } from '../../routes/schema-pinned-caller.js';
import type { ScannedSourceFile } from '../../../types.js';
import { isFunctionLike, skipOuterExpressions, soleExpression } from '../../ast/syntax.js';
import { type Binding, bindingValue, handlerRunningMembers, localConstInitializer, type ModuleIndex, requiredModule, type ResolvedFunction, resolveFunction } from '../../names/index.js';
import type { HttpMethod } from '../../routes/route.js';
import { readsMethod } from '../../routes/method-dispatch.js';

export const APP_ROUTER_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** One exported route handler of a file: where it is exported (the route line) and what it is. */
export interface ExportedHandler {
  /** GET, POST ... for the App Router; undefined for a Pages `export default`. */
  exportName: string;
  /** The export as written in the route file: its position is the route's line. */
  exportNode: ts.Node;
  /** What the export evaluates to, when it is an expression we can follow. */
  value?: { expression: ts.Expression; file: ScannedSourceFile };
  /** A function declaration exported directly (`export async function GET`). */
  declaration?: ResolvedFunction;
}

/** A handler with the wrappers around it, outermost first: `withAuth(withRateLimit(handler))`. */
export interface UnwrappedHandler {
  handler?: ResolvedFunction;
  wrappers: Array<{ call: ts.CallExpression; file: ScannedSourceFile }>;
  /** Schemas a route factory is given beside its handler (`createRoute({ bodySchema, fn })`): the factory validates that input. */
  schemas?: Array<{ key: string; node: ts.Node; factory: string; file: ScannedSourceFile }>;
  /** The caller kind a route factory's request schema pins (`auth: { type: oneOf(['admin']) }`), which the factory validates. */
  pinnedCaller?: PinnedCaller & { factory: string; file: ScannedSourceFile };
}

/** The HTTP-method exports of an App Router `route.ts`, in source order. */
export function appRouterExports(file: ScannedSourceFile, modules: ModuleIndex): ExportedHandler[] {
  return namedExports(file, modules, APP_ROUTER_METHODS);
}

/** A module's exports of these names, however exported (a function, a const, a re-export); Remix's `loader`/`action` too. */
export function namedExports(file: ScannedSourceFile, modules: ModuleIndex, names: readonly string[]): ExportedHandler[] {
  const found: ExportedHandler[] = [];
  const isMethod = (name: string) => names.includes(name);
  for (const statement of file.sourceFile.statements) {
    if (ts.isFunctionDeclaration(statement) && hasModifier(statement, ts.SyntaxKind.ExportKeyword) && statement.name && isMethod(statement.name.text)) {
      found.push({ exportName: statement.name.text, exportNode: statement, declaration: { file, node: statement, name: statement.name.text } });
    } else if (ts.isVariableStatement(statement) && hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name)) {
          if (!isMethod(declaration.name.text)) continue;
          found.push({
            exportName: declaration.name.text,
            exportNode: statement.declarationList.declarations.length === 1 ? statement : declaration,
            ...(declaration.initializer ? { value: { expression: declaration.initializer, file } } : {}),
          });
        } else if (ts.isObjectBindingPattern(declaration.name)) {
          // `export const { GET, POST } = handlers` (next-auth v5: the handlers come from a package), `export
          // const { loader, action } = createRoute(options, handler)`: a member of what a factory returned.
          for (const element of declaration.name.elements) {
            if (ts.isIdentifier(element.name) && isMethod(element.name.text)) found.push({ exportName: element.name.text, exportNode: element, value: { expression: element.name, file } });
          }
        }
      }
    } else if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause) && !statement.isTypeOnly) {
      // `export { handler as GET, handler as POST }` and `export { GET, POST } from '@/auth'`.
      for (const element of statement.exportClause.elements) {
        if (!isMethod(element.name.text)) continue;
        const binding = modules.resolveExport(file, element.name.text);
        found.push({ exportName: element.name.text, exportNode: element, ...valueOfBinding(binding) });
      }
    }
  }
  return found;
}

/** The default export of a Pages API file, if it has one. */
export function pagesDefaultExport(file: ScannedSourceFile, modules: ModuleIndex): ExportedHandler | undefined {
  for (const statement of file.sourceFile.statements) {
    if (ts.isExportAssignment(statement) && !statement.isExportEquals) {
      return { exportName: 'default', exportNode: statement, value: { expression: statement.expression, file } };
    }
    if (ts.isFunctionDeclaration(statement) && hasModifier(statement, ts.SyntaxKind.ExportKeyword) && hasModifier(statement, ts.SyntaxKind.DefaultKeyword)) {
      return { exportName: 'default', exportNode: statement, declaration: { file, node: statement, name: statement.name?.text ?? 'handler' } };
    }
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      const element = statement.exportClause.elements.find((candidate) => candidate.name.text === 'default');
      if (element) return { exportName: 'default', exportNode: element, ...valueOfBinding(modules.resolveExport(file, 'default')) };
    }
  }
  return undefined;
}

/**
 * Peels wrappers off an exported handler: `withAuth(handler)`, `withIronSessionApiRoute(h, opts)`,
 * `withSentry(withAuth(async (req, res) => {...}))`. A call whose arguments hold no function is a
 * handler factory from a package (`NextAuth(authOptions)`): no handler, no wrapper.
 */
export function unwrapHandler(exported: ExportedHandler, modules: ModuleIndex): UnwrappedHandler {
  const unwrapped = unwrapWrappers(exported, modules);
  return unwrapped.handler ? { ...unwrapped, handler: delegatedHandler(unwrapped.handler, modules) } : unwrapped;
}

/**
 * `export default async function handle(req, res) { return handleRoute(req, res); }`: a handler that only
 * hands its own arguments, in order, to a project function is that function (papermark's pages/api
 * files forwarding to ee/features/.../api routes): its method branches and checks are the route's.
 */
function delegatedHandler(handler: ResolvedFunction, modules: ModuleIndex, depth = 0): ResolvedFunction {
  const body = handler.node.body;
  if (!body || depth > 3) return handler;
  const expression = soleExpression(body);
  let call = expression && skipOuterExpressions(expression);
  if (call && ts.isAwaitExpression(call)) call = skipOuterExpressions(call.expression);
  if (!call || !ts.isCallExpression(call)) return handler;
  const parameters = handler.node.parameters.map((parameter) => (ts.isIdentifier(parameter.name) ? parameter.name.text : undefined));
  const forwardsItsArguments = parameters.length > 0 && call.arguments.length === parameters.length && call.arguments.every((argument, index) => ts.isIdentifier(argument) && argument.text === parameters[index]);
  if (!forwardsItsArguments) return handler;
  const target = resolveFunction(modules, handler.file, call.expression);
  if (!target?.node.body || target.node === handler.node) return handler;
  return delegatedHandler(target, modules, depth + 1);
}

function unwrapWrappers(exported: ExportedHandler, modules: ModuleIndex): UnwrappedHandler {
  if (exported.declaration) return { handler: exported.declaration, wrappers: [] };
  if (!exported.value) return { wrappers: [] };
  const wrappers: UnwrappedHandler['wrappers'] = [];
  let { expression, file } = exported.value;
  for (let depth = 0; depth < 8; depth += 1) {
    const value = skipOuterExpressions(expression);
    if (isFunctionLike(value)) return { handler: resolveFunction(modules, file, value), wrappers };
    const member = factoryResultMember(value, file, modules);
    if (member?.runsHandler) {
      expression = member.call;
      file = member.file;
      continue;
    }
    if (member) return { wrappers, ...(member.function ? { handler: member.function } : {}) };
    if (ts.isIdentifier(value)) {
      const binding = modules.resolveName(file, value.text);
      if (binding?.kind !== 'declaration') return { wrappers };
      const target = bindingValue(binding);
      if (!target) return { wrappers };
      if (ts.isFunctionDeclaration(target)) return { handler: { file: binding.file, node: target, name: target.name?.text ?? value.text }, wrappers };
      if (!ts.isExpression(target) || ts.isIdentifier(target) && target.text === value.text) return { wrappers };
      expression = target;
      file = binding.file;
      continue;
    }
    if (ts.isCallExpression(value)) {
      const wrapped = value.arguments.find((argument) => carriesHandler(argument, file, modules));
      if (!wrapped) {
        // `withApiWrapper({ schemas, handler: async ({ authentication }) => ... })`: a route factory
        // given its handler in an options object; the function it returns is what each request runs.
        const factory = routeFactoryOptions(value, file, modules);
        return factory ? { ...factory, wrappers: [...wrappers, ...factory.wrappers] } : { wrappers };
      }
      wrappers.push({ call: value, file });
      expression = wrapped;
      continue;
    }
    return { wrappers, handler: resolveFunction(modules, file, value) };
  }
  return { wrappers };
}

/**
 * `const { action, loader } = createActionRoute(options, handler)`, or `route.action` of `const route =
 * createActionRoute(...)`: a member of what a route factory returns (`return { loader, action }`, Remix
 * route builders). The member that calls the handler the factory was given runs it behind the factory's
 * checks, so the route is the factory's call, read as `export const action = createActionRoute(options,
 * handler)` is (runsHandler). A member that never calls it (a `loader` stub that answers 405) is its own
 * handler. Undefined when the reference names no member of a call's result.
 */
function factoryResultMember(reference: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex): { call: ts.CallExpression; file: ScannedSourceFile; function?: ResolvedFunction; runsHandler: boolean } | undefined {
  let call: ts.Expression | undefined;
  let callFile = file;
  if (ts.isIdentifier(reference)) {
    const binding = modules.resolveName(file, reference.text);
    if (binding?.kind !== 'declaration' || !ts.isVariableDeclaration(binding.node) || !ts.isObjectBindingPattern(binding.node.name)) return undefined;
    call = bindingValue(binding) as ts.Expression | undefined;
    callFile = binding.file;
  } else if (ts.isPropertyAccessExpression(reference)) {
    const owner = skipOuterExpressions(reference.expression);
    if (ts.isCallExpression(owner)) call = owner;
    else if (ts.isIdentifier(owner)) {
      const binding = modules.resolveName(file, owner.text);
      if (binding?.kind !== 'declaration' || !ts.isVariableDeclaration(binding.node)) return undefined;
      call = bindingValue(binding) as ts.Expression | undefined;
      callFile = binding.file;
    }
  }
  if (!call || !ts.isCallExpression(call) || requiredModule(call) !== undefined) return undefined;
  const memberFunction = resolveFunction(modules, file, reference);
  const factory = memberFunction && resolveFunction(modules, callFile, call.expression);
  const runsHandler = factory !== undefined && handlerRunningMembers(modules, factory).some((runner) => runner.node === memberFunction!.node);
  return { call, file: callFile, runsHandler, ...(memberFunction ? { function: memberFunction } : {}) };
}

/**
 * `export const POST = createForwardingQueueHandler({ path, schema })`: a project factory, given no
 * handler, that returns a handler a package made (`const queueHandler = handleCallback(...); return
 * queueHandler`, @vercel/queue). Whatever checks the caller is in that package's code, which the scan
 * cannot read: the factory and the package export, for the route's evidence. Undefined otherwise.
 */
export function packageMadeHandler(exported: ExportedHandler, modules: ModuleIndex): string | undefined {
  if (!exported.value) return undefined;
  const call = skipOuterExpressions(exported.value.expression);
  if (!ts.isCallExpression(call) || call.arguments.some((argument) => carriesHandler(argument, exported.value!.file, modules))) return undefined;
  const factory = resolveFunction(modules, exported.value.file, call.expression);
  const body = factory?.node.body;
  if (!factory || !body || !ts.isBlock(body)) return undefined;
  let made: string | undefined;
  for (const statement of body.statements) {
    if (!ts.isReturnStatement(statement) || !statement.expression) continue;
    let value = skipOuterExpressions(statement.expression);
    // `return (request: Request) => queueHandler(request)`: a function that only calls the package's handler.
    if (ts.isArrowFunction(value) && !ts.isBlock(value.body)) {
      const inner = skipOuterExpressions(value.body);
      const innerCallee = ts.isCallExpression(inner) ? skipOuterExpressions(inner.expression) : undefined;
      if (!innerCallee || !ts.isIdentifier(innerCallee)) return undefined;
      value = innerCallee;
    }
    if (ts.isIdentifier(value)) {
      const local = localConstInitializer(value);
      if (!local) return undefined;
      value = skipOuterExpressions(local);
    }
    const callee = ts.isCallExpression(value) ? skipOuterExpressions(value.expression) : undefined;
    const binding = callee && ts.isIdentifier(callee) ? modules.resolveName(factory.file, callee.text) : undefined;
    if (binding?.kind !== 'external' || binding.module.startsWith('.')) return undefined;
    made = `${call.expression.getText(exported.value.file.sourceFile)} (its handler is made by ${binding.module} ${binding.importedName})`;
  }
  return made;
}

/**
 * A Pages API default export that maps HTTP methods to handlers (langfuse's
 * `withMiddlewares({ GET: createAuthedProjectAPIRoute({ fn }), POST: ... })`): the calls around the
 * map, and each method's handler with the wrappers and route factories around it.
 */
export function methodMapHandlers(exported: ExportedHandler, modules: ModuleIndex): Array<{ method: HttpMethod; unwrapped: UnwrappedHandler }> | undefined {
  if (!exported.value) return undefined;
  const { file } = exported.value;
  const outer = skipOuterExpressions(exported.value.expression);
  if (!ts.isCallExpression(outer)) return undefined;
  const map = outer.arguments.map((argument) => skipOuterExpressions(argument)).find(ts.isObjectLiteralExpression);
  if (!map || map.properties.length === 0) return undefined;
  const entries: Array<{ method: HttpMethod; expression: ts.Expression }> = [];
  for (const property of map.properties) {
    const key = property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) ? property.name.text : undefined;
    if (!key || !(APP_ROUTER_METHODS as readonly string[]).includes(key)) return undefined;
    if (ts.isPropertyAssignment(property)) entries.push({ method: key as HttpMethod, expression: property.initializer });
    else if (ts.isShorthandPropertyAssignment(property)) entries.push({ method: key as HttpMethod, expression: property.name });
    else return undefined;
  }
  return entries.map(({ method, expression }) => {
    const unwrapped = unwrapRouteFactory(expression, file, modules);
    return { method, unwrapped: { ...unwrapped, wrappers: [{ call: outer, file }, ...unwrapped.wrappers] } };
  });
}

/** A handler, a wrapper around one, or a route factory given its handler in an options object (`factory({ fn: async () => ... })`). */
function unwrapRouteFactory(expression: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex): UnwrappedHandler {
  const value = skipOuterExpressions(expression);
  return unwrapHandler({ exportName: 'default', exportNode: value, value: { expression: value, file } }, modules);
}

/**
 * A route factory's call given its handler in an options object (`createRoute({ bodySchema, fn })`,
 * `withApiWrapper({ auth: 'session', schemas, handler })`): the handler, the call as its wrapper and
 * the schemas it is given. The handler is the function named for it (handler, fn, ...) when the
 * options hold several functions (`unauthenticatedResponse: (req) => ...` is not the route's work).
 */
function routeFactoryOptions(call: ts.CallExpression, file: ScannedSourceFile, modules: ModuleIndex): UnwrappedHandler | undefined {
  for (const argument of call.arguments) {
    const options = skipOuterExpressions(argument);
    if (!ts.isObjectLiteralExpression(options)) continue;
    const functions = options.properties.flatMap((property) => {
      const handler = ts.isMethodDeclaration(property) ? property : ts.isPropertyAssignment(property) && isFunctionLike(skipOuterExpressions(property.initializer)) ? skipOuterExpressions(property.initializer) : undefined;
      const key = property.name && propertyNameOf(property.name);
      return handler ? [{ key, handler }] : [];
    });
    const chosen = functions.find(({ key }) => key !== undefined && ROUTE_FACTORY_HANDLER_KEY.test(key)) ?? functions[0];
    if (!chosen) continue;
    // `async handler({ body, auth }) { ... }`, a method of the options: the function itself.
    const resolved = ts.isMethodDeclaration(chosen.handler) ? { file, node: chosen.handler, name: chosen.key ?? 'handler' } : resolveFunction(modules, file, chosen.handler as ts.Expression);
    const factory = call.expression.getText(file.sourceFile);
    const schemas = options.properties.flatMap((candidate) => {
      const key = candidate.name && propertyNameOf(candidate.name);
      return key !== undefined && ROUTE_FACTORY_SCHEMA_KEY.test(key) ? [{ key, node: candidate, factory, file }] : [];
    });
    const pinned = schemaPinnedCaller(options, chosen.handler);
    return { ...(resolved ? { handler: resolved } : {}), wrappers: [{ call, file }], ...(schemas.length > 0 ? { schemas } : {}), ...(pinned ? { pinnedCaller: { ...pinned, factory, file } } : {}) };
  }
  return undefined;
}

/** Option names that hand a route factory the route's work. */
const ROUTE_FACTORY_HANDLER_KEY = /^(?:handler|handle|fn|run|execute|resolve|resolver|callback)$/;

/** Options of a route factory that hand it a schema of the request's input (`bodySchema`, `querySchema`, `inputSchema`, `schema`, `schemas: { body, query }`). */
const ROUTE_FACTORY_SCHEMA_KEY = /^(?:(?:body|query|params|input|request)Schema|schemas?)$/;

function propertyNameOf(name: ts.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;
}

/** An argument that is (or wraps) the real handler rather than options. */
function carriesHandler(argument: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex): boolean {
  const value = skipOuterExpressions(argument);
  if (isFunctionLike(value)) return true;
  if (ts.isCallExpression(value)) return value.arguments.some((inner) => carriesHandler(inner, file, modules));
  if (ts.isIdentifier(value) || ts.isPropertyAccessExpression(value)) {
    if (resolveFunction(modules, file, value)) return true;
    if (ts.isIdentifier(value)) {
      const binding = modules.resolveName(file, value.text);
      const target = bindingValue(binding);
      return binding?.kind === 'declaration' && target !== undefined && ts.isCallExpression(target) && target.arguments.some((inner) => carriesHandler(inner, binding.file, modules));
    }
  }
  return false;
}

/**
 * The methods a Pages API handler serves, from its `req.method` branches:
 * `if (req.method === 'POST')`, `if (req.method !== 'GET') return 405`, `switch (req.method) { case 'GET': }`,
 * `['GET', 'HEAD'].includes(req.method)`. Empty when it does not branch (it serves every method).
 */
export function methodsFromBranches(handler: ResolvedFunction): HttpMethod[] {
  const body = handler.node.body;
  if (!body) return [];
  const sourceFile = handler.node.getSourceFile();
  const methods = new Set<HttpMethod>();
  const add = (node: ts.Node) => {
    if (!ts.isStringLiteralLike(node)) return;
    const method = node.text.toUpperCase();
    if ((APP_ROUTER_METHODS as readonly string[]).includes(method)) methods.add(method as HttpMethod);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && isEqualityOperator(node.operatorToken.kind)) {
      if (readsMethod(node.left, sourceFile)) add(node.right);
      else if (readsMethod(node.right, sourceFile)) add(node.left);
    } else if (ts.isSwitchStatement(node) && readsMethod(node.expression, sourceFile)) {
      for (const clause of node.caseBlock.clauses) if (ts.isCaseClause(clause)) add(clause.expression);
    } else if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'includes' &&
      node.arguments[0] &&
      readsMethod(node.arguments[0], sourceFile)
    ) {
      const list = skipOuterExpressions(node.expression.expression);
      if (ts.isArrayLiteralExpression(list)) list.elements.forEach(add);
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return APP_ROUTER_METHODS.filter((method) => methods.has(method));
}

/**
 * The statements a handler runs only for `method`: the block of `if (req.method === 'POST')` (also
 * when `&&` joins it to other tests, at any depth) and the statements of `case 'POST':` in a switch
 * on the method (falling through empty cases). Empty when the handler does not branch on it.
 */
export function methodBranches(handler: ResolvedFunction, method: HttpMethod): ts.Statement[][] {
  const body = handler.node.body;
  if (!body || !ts.isBlock(body)) return [];
  const sourceFile = handler.node.getSourceFile();
  const isMethod = (node: ts.Expression) => ts.isStringLiteralLike(node) && node.text.toUpperCase() === method;
  const testsMethod = (condition: ts.Expression): boolean => {
    const value = skipOuterExpressions(condition);
    if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) return testsMethod(value.left) || testsMethod(value.right);
    if (!ts.isBinaryExpression(value) || (value.operatorToken.kind !== ts.SyntaxKind.EqualsEqualsEqualsToken && value.operatorToken.kind !== ts.SyntaxKind.EqualsEqualsToken)) return false;
    return (readsMethod(value.left, sourceFile) && isMethod(value.right)) || (readsMethod(value.right, sourceFile) && isMethod(value.left));
  };
  const branches: ts.Statement[][] = [];
  const visit = (node: ts.Node): void => {
    // A nested function runs when it is called, not as a branch of this one.
    if (node !== body && (ts.isFunctionLike(node) || ts.isClassLike(node))) return;
    if (ts.isIfStatement(node) && testsMethod(node.expression)) {
      branches.push(ts.isBlock(node.thenStatement) ? [...node.thenStatement.statements] : [node.thenStatement]);
    } else if (ts.isSwitchStatement(node) && readsMethod(node.expression, sourceFile)) {
      const clauses = node.caseBlock.clauses;
      clauses.forEach((clause, index) => {
        if (!ts.isCaseClause(clause) || !isMethod(clause.expression)) return;
        const runs = clauses.slice(index).find((candidate) => candidate.statements.length > 0);
        if (runs) branches.push([...runs.statements]);
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return branches;
}

function isEqualityOperator(kind: ts.SyntaxKind): boolean {
  return (
    kind === ts.SyntaxKind.EqualsEqualsEqualsToken ||
    kind === ts.SyntaxKind.EqualsEqualsToken ||
    kind === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
    kind === ts.SyntaxKind.ExclamationEqualsToken
  );
}

function valueOfBinding(binding: Binding | undefined): Pick<ExportedHandler, 'value' | 'declaration'> {
  if (binding?.kind !== 'declaration') return {};
  const { node } = binding;
  if (ts.isFunctionDeclaration(node)) return { declaration: { file: binding.file, node, name: node.name?.text ?? binding.name } };
  if (ts.isVariableDeclaration(node)) {
    if (!node.initializer) return {};
    // A name destructured from a call (`const { action } = createRoute(options, handler)`): that member
    // of what the call returns (unwrapHandler reads it; `const { handlers: { GET } } = NextAuth(...)`
    // comes from a package, and has no handler).
    if (!ts.isIdentifier(node.name)) {
      const elements: readonly ts.ArrayBindingElement[] = node.name.elements;
      const element = elements.find((candidate): candidate is ts.BindingElement => ts.isBindingElement(candidate) && ts.isIdentifier(candidate.name) && candidate.name.text === binding.name);
      return element ? { value: { expression: element.name as ts.Identifier, file: binding.file } } : {};
    }
    return { value: { expression: node.initializer, file: binding.file } };
  }
  if (ts.isExpression(node)) return { value: { expression: node, file: binding.file } };
  return {};
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return (ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((modifier) => modifier.kind === kind)) ?? false;
}
