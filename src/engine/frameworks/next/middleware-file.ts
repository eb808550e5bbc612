import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { isFunctionLike, nodePosition, propertyNameText, skipOuterExpressions } from '../../ast/syntax.js';
import { type Binding, bindingValue, type ModuleIndex, type ResolvedFunction, resolveFunction } from '../../names/index.js';
import { classifyBody, classifyWithCallees, middlewareName, type MiddlewareClassification } from '../../routes/classify-middleware.js';
import type { RouteMiddleware } from '../../routes/route.js';
import type { AdapterContext } from '../adapter.js';
import { compileGlob, compilePathPattern, samplePathOf } from './path-matcher.js';
import { type GuardCondition, guardingConditions } from '../../ast/guards.js';

/**
 * What a Next.js `middleware.ts` does to the routes of its package: the middleware (classified)
 * and which request paths it covers (its `config.matcher`, and for Clerk the route matchers its
 * body protects).
 */
export interface NextMiddleware {
  middleware: RouteMiddleware;
  /** True when the middleware runs for, and (for auth) guards, this route path. */
  covers(routePath: string): boolean;
}

const MIDDLEWARE_FILE = /^(?:src\/)?(?:middleware|proxy)\.(?:ts|tsx|js|jsx|mjs)$/;
const CLERK_MODULES = new Set(['@clerk/nextjs', '@clerk/nextjs/server']);
const DELEGATION_DEPTH = 2;

/** `middleware.ts` / `src/middleware.ts` (`proxy.ts` since Next 16) of the package at `packageRoot`. */
export function isMiddlewareFileOf(file: ScannedSourceFile, packageRoot: string): boolean {
  const relative = packageRoot === '' ? file.path : file.path.startsWith(`${packageRoot}/`) ? file.path.slice(packageRoot.length + 1) : undefined;
  return relative !== undefined && MIDDLEWARE_FILE.test(relative);
}

/** Reads one middleware file; undefined when it exports no middleware. */
export function readNextMiddleware(file: ScannedSourceFile, context: AdapterContext): NextMiddleware | undefined {
  const exported = middlewareExport(file, context.modules);
  if (!exported) return undefined;
  const matches = readMatcher(file);
  const judged = judgeMiddleware(exported, file, context);
  if (!judged) return undefined;
  const { line } = nodePosition(exported.node);
  const middleware: RouteMiddleware = {
    name: judged.name,
    file: file.path,
    line,
    kind: judged.classification.kind,
    strength: judged.classification.strength,
    evidence: judged.classification.evidence,
    scope: 'global',
  };
  if (judged.classification.opaque) middleware.opaque = true;
  const protects = judged.protects;
  return {
    middleware,
    covers: (routePath) => {
      const sample = samplePathOf(routePath);
      return matches(sample) && (!protects || protects(sample));
    },
  };
}

interface MiddlewareExport {
  /** The export as written: its line is the middleware's line. */
  node: ts.Node;
  /** What is exported, in the file where it is written. */
  expression?: ts.Expression;
  declaration?: ResolvedFunction;
  /** `export { default } from 'next-auth/middleware'`. */
  external?: { module: string; importedName: string };
  file: ScannedSourceFile;
}

function middlewareExport(file: ScannedSourceFile, modules: ModuleIndex): MiddlewareExport | undefined {
  for (const statement of file.sourceFile.statements) {
    if (ts.isExportAssignment(statement) && !statement.isExportEquals) return { node: statement, expression: statement.expression, file };
    if (ts.isFunctionDeclaration(statement) && statement.body && isExported(statement)) {
      const name = statement.name?.text;
      if (isDefaultExport(statement) || name === 'middleware' || name === 'proxy') {
        return { node: statement, declaration: { file, node: statement, name: name ?? 'middleware' }, file };
      }
    }
    if (ts.isVariableStatement(statement) && isExported(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && (declaration.name.text === 'middleware' || declaration.name.text === 'proxy') && declaration.initializer) {
          return { node: statement, expression: declaration.initializer, file };
        }
      }
    }
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) {
        const name = element.name.text;
        if (name !== 'default' && name !== 'middleware' && name !== 'proxy') continue;
        const binding = modules.resolveExport(file, name);
        if (isNextAuthBinding(binding, file, modules)) return { node: element, external: { module: 'next-auth', importedName: 'auth' }, file };
        if (binding?.kind === 'external') return { node: element, external: { module: binding.module, importedName: binding.importedName }, file };
        if (binding?.kind !== 'declaration') return { node: element, file };
        const target = bindingValue(binding);
        if (target && ts.isFunctionDeclaration(target)) return { node: element, declaration: { file: binding.file, node: target, name: target.name?.text ?? name }, file };
        if (target && ts.isExpression(target)) return { node: element, expression: target, file: binding.file };
        return { node: element, file };
      }
    }
  }
  return undefined;
}

interface JudgedMiddleware {
  name: string;
  classification: MiddlewareClassification;
  /** Set when the middleware guards only some of the paths it runs on (Clerk route matchers, early exits for some paths). */
  protects?: (path: string) => boolean;
}

const NEXT_AUTH_MIDDLEWARE: MiddlewareClassification = { kind: 'auth', strength: 'strong', evidence: 'next-auth middleware: unauthenticated requests are redirected to sign-in' };

function judgeMiddleware(exported: MiddlewareExport, middlewareFile: ScannedSourceFile, context: AdapterContext): JudgedMiddleware | undefined {
  const { modules } = context;
  if (exported.external) {
    const { module, importedName } = exported.external;
    if (module === 'next-auth/middleware' || module === 'next-auth' && importedName === 'auth') return { name: module === 'next-auth' ? importedName : module, classification: NEXT_AUTH_MIDDLEWARE };
    if (CLERK_MODULES.has(module) && importedName === 'authMiddleware') return { name: 'authMiddleware', classification: clerkAuthMiddleware() };
    return undefined; // a package's middleware we cannot see: it says nothing about these routes
  }
  if (exported.declaration) return judgeFunction(exported.declaration, modules);
  if (!exported.expression) return undefined;
  const value = skipOuterExpressions(exported.expression);
  const file = exported.file;
  if (isFunctionLike(value)) {
    const fn = resolveFunction(modules, file, value);
    return fn && judgeFunction(fn, modules);
  }
  if (ts.isIdentifier(value)) {
    const binding = modules.resolveName(file, value.text);
    if (isNextAuthBinding(binding, file, modules)) return { name: value.text, classification: NEXT_AUTH_MIDDLEWARE };
    const fn = resolveFunction(modules, file, value);
    return fn && judgeFunction(fn, modules);
  }
  if (!ts.isCallExpression(value)) return undefined;
  const callee = skipOuterExpressions(value.expression);
  const calleeName = middlewareName(callee);
  if (ts.isIdentifier(callee)) {
    const binding = modules.resolveName(file, callee.text);
    if (binding?.kind === 'external') {
      if (binding.module === 'next-auth/middleware') return { name: calleeName, classification: NEXT_AUTH_MIDDLEWARE };
      if (CLERK_MODULES.has(binding.module) && binding.importedName === 'clerkMiddleware') return judgeClerkMiddleware(value, file, middlewareFile, context);
      if (CLERK_MODULES.has(binding.module) && binding.importedName === 'authMiddleware') {
        return { name: calleeName, classification: clerkAuthMiddleware(), protects: clerkPublicRoutes(value, file, modules) };
      }
    }
    if (isNextAuthBinding(binding, file, modules)) {
      // NextAuth v5 `auth(req => ...)` as middleware: its `authorized` callback or the body rejects.
      return { name: calleeName, classification: NEXT_AUTH_MIDDLEWARE };
    }
  }
  const described = context.middleware.describe(value, file, 'global', calleeName);
  if (described.kind === 'auth' || described.kind === 'role') return { name: calleeName, classification: described };
  // `withMiddleware(async (req) => {...})`: the wrapped function may be the one that checks.
  const wrapped = value.arguments.map((argument) => resolveFunction(modules, file, argument)).find((fn) => fn !== undefined);
  const fromWrapped = wrapped && judgeFunction(wrapped, modules);
  if (fromWrapped && (fromWrapped.classification.kind === 'auth' || fromWrapped.classification.kind === 'role')) return fromWrapped;
  return described.kind === 'other' ? undefined : { name: calleeName, classification: described };
}

/** A middleware function: its own body, or a project function it delegates to (`return updateSession(req)`). */
function judgeFunction(fn: ResolvedFunction, modules: ModuleIndex): JudgedMiddleware | undefined {
  const delegation: DelegatedCall = {};
  const classification = classifyDelegating(fn, modules, DELEGATION_DEPTH, delegation);
  if (!classification) return undefined;
  const checks = classification.kind === 'auth' || classification.kind === 'role';
  const exempt = checks ? pathExemptions(fn) : undefined;
  // A check delegated under a path condition (`if (pathname.startsWith('/dashboard')) return
  // authMiddleware(req)`) guards only the paths the condition admits.
  const branch = checks && delegation.conditions && delegation.conditions.length > 0 ? delegation.conditions : undefined;
  const none = new Map<string, RegExp[]>();
  const inBranch = branch && ((path: string) => branch.every(({ condition, negated }) => evaluateCondition(condition, path, none, fn.file) === !negated));
  const protects = exempt && inBranch ? (path: string) => exempt(path) && inBranch(path) : (exempt ?? inBranch);
  return { name: fn.name, classification, ...(protects ? { protects } : {}) };
}

/** The call of the top function a check was found behind, and the path conditions it runs under there. */
interface DelegatedCall {
  conditions?: GuardCondition[];
}

function classifyDelegating(fn: ResolvedFunction, modules: ModuleIndex, depth: number, delegation?: DelegatedCall): MiddlewareClassification | undefined {
  const own = classifyBody(fn);
  if (own?.kind === 'auth' || own?.kind === 'role' || depth === 0 || !fn.node.body) return own;
  let found: MiddlewareClassification | undefined;
  let dispatched = false;
  const body = fn.node.body;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) && ts.isIdentifier(skipOuterExpressions(node.expression))) {
      const target = resolveFunction(modules, fn.file, node.expression);
      // A dispatcher that hands some requests to a checking middleware (`if (isAppHostname(domain))
      // return AppMiddleware(req)`, a `switch` on the host) and the rest elsewhere: the check covers
      // the requests of that branch, which no route path tells apart, so it proves nothing about a route.
      // Only a branch on the request path is kept, as the paths it guards.
      const branch = target && target.node !== fn.node ? enclosingBranches(node, body) : undefined;
      const delegated = target && branch ? classifyDelegating(target, modules, depth - 1) : undefined;
      if (branch && (delegated?.kind === 'auth' || delegated?.kind === 'role')) {
        if (branch.every(({ condition }) => isPathCondition(condition, fn.file))) {
          found = delegated;
          if (delegation) delegation.conditions = branch;
        } else dispatched = true;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  // Read together with its helpers, a dispatcher's body holds its branches' checks: not its own.
  if (dispatched) return found ?? own;
  // The check split across helpers of the file: `if (!token) return sendUnauthorized(...)`, the 401 built by the helper.
  const withHelpers = classifyWithCallees(modules, fn);
  if (withHelpers?.kind === 'auth' || withHelpers?.kind === 'role') return withHelpers;
  return found ?? own;
}

/**
 * The conditions a node runs under inside `root`: the `if`/`else` branches, `?:` arms and `&&` right
 * sides around it (not the early exits before it). A `switch` case reads as a condition on its value.
 */
function enclosingBranches(node: ts.Node, root: ts.Node): GuardCondition[] {
  const conditions: GuardCondition[] = [];
  let child: ts.Node = node;
  for (let current = node.parent; current && current !== root; child = current, current = current.parent) {
    if (isFunctionLike(current)) break;
    if (ts.isIfStatement(current) && child !== current.expression) conditions.push({ condition: current.expression, negated: child === current.elseStatement });
    else if (ts.isConditionalExpression(current) && child !== current.condition) conditions.push({ condition: current.condition, negated: child === current.whenFalse });
    else if (ts.isBinaryExpression(current) && (current.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken || current.operatorToken.kind === ts.SyntaxKind.BarBarToken) && child === current.right) {
      conditions.push({ condition: current.left, negated: current.operatorToken.kind === ts.SyntaxKind.BarBarToken });
    } else if (ts.isCaseClause(current)) conditions.push({ condition: current.expression, negated: false });
  }
  return conditions;
}

/** A condition on the request path alone (`pathname.startsWith('/app')`): it has a value for any path. */
function isPathCondition(condition: ts.Expression, file: ScannedSourceFile): boolean {
  return evaluateCondition(condition, '/', new Map(), file) !== undefined;
}

function clerkAuthMiddleware(): MiddlewareClassification {
  return { kind: 'auth', strength: 'strong', evidence: '@clerk/nextjs authMiddleware: every route not in publicRoutes requires a signed-in user' };
}

/** `authMiddleware({ publicRoutes: [...], ignoredRoutes: [...] })`: guarded unless listed. */
function clerkPublicRoutes(call: ts.CallExpression, file: ScannedSourceFile, modules: ModuleIndex): ((path: string) => boolean) | undefined {
  const options = call.arguments[0] && objectLiteralOf(call.arguments[0], file, modules);
  if (!options) return undefined;
  const exempt: RegExp[] = [];
  for (const key of ['publicRoutes', 'ignoredRoutes']) {
    const property = propertyOf(options, key);
    if (property) exempt.push(...patternsOf(property, file, modules));
  }
  return (path) => !exempt.some((pattern) => pattern.test(path));
}

/**
 * `clerkMiddleware(async (auth, req) => { if (isProtectedRoute(req)) await auth.protect() })`:
 * without a `protect()` (or `redirectToSignIn()`) Clerk lets every request through.
 */
function judgeClerkMiddleware(call: ts.CallExpression, file: ScannedSourceFile, middlewareFile: ScannedSourceFile, context: AdapterContext): JudgedMiddleware | undefined {
  const handlerArgument = call.arguments.find((argument) => resolveFunction(context.modules, file, argument));
  const handler = handlerArgument && resolveFunction(context.modules, file, handlerArgument);
  if (!handler?.node.body) return undefined;
  const protectCalls: ts.CallExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = skipOuterExpressions(node.expression);
      const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
      if (name === 'protect' || name === 'redirectToSignIn') protectCalls.push(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(handler.node.body);
  if (protectCalls.length === 0) {
    const fromBody = classifyBody(handler);
    return fromBody && (fromBody.kind === 'auth' || fromBody.kind === 'role') ? { name: 'clerkMiddleware', classification: fromBody } : undefined;
  }
  const routeMatchers = new Map<string, RegExp[]>();
  for (const statement of middlewareFile.sourceFile.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      const init = declaration.initializer && skipOuterExpressions(declaration.initializer);
      if (ts.isIdentifier(declaration.name) && init && ts.isCallExpression(init) && middlewareName(init.expression) === 'createRouteMatcher' && init.arguments[0]) {
        routeMatchers.set(declaration.name.text, patternsOf(init.arguments[0], middlewareFile, context.modules));
      }
    }
  }
  const conditions = protectCalls.map((protect) => guardingConditions(protect, handler.node));
  return {
    name: 'clerkMiddleware',
    classification: { kind: 'auth', strength: 'strong', evidence: `@clerk/nextjs clerkMiddleware calls ${middlewareName(protectCalls[0]!.expression)}() (${file.path}:${nodePosition(protectCalls[0]!).line})` },
    protects: (path) => conditions.some((guards) => guards.every(({ condition, negated }) => {
      const value = evaluateCondition(condition, path, routeMatchers);
      return value === undefined || value !== negated;
    })),
  };
}

/**
 * true/false when the condition depends only on the request path (route matchers of Clerk's
 * `createRouteMatcher`, `pathname.startsWith('/api/auth')`, `pathname === '/login'`,
 * `['/a', '/b'].includes(pathname)`, `/re/.test(pathname)`), undefined when it depends on
 * anything else.
 */
function evaluateCondition(expression: ts.Expression, path: string, matchers: ReadonlyMap<string, RegExp[]>, file?: ScannedSourceFile): boolean | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.ExclamationToken) {
    const inner = evaluateCondition(value.operand, path, matchers, file);
    return inner === undefined ? undefined : !inner;
  }
  if (ts.isBinaryExpression(value)) {
    const operator = value.operatorToken.kind;
    if (operator === ts.SyntaxKind.EqualsEqualsEqualsToken || operator === ts.SyntaxKind.ExclamationEqualsEqualsToken) {
      const literal = ts.isStringLiteralLike(value.right) && isPathExpression(value.left) ? value.right.text : ts.isStringLiteralLike(value.left) && isPathExpression(value.right) ? value.left.text : undefined;
      if (literal === undefined) return undefined;
      return (path === literal) === (operator === ts.SyntaxKind.EqualsEqualsEqualsToken);
    }
    const left = evaluateCondition(value.left, path, matchers, file);
    const right = evaluateCondition(value.right, path, matchers, file);
    if (operator === ts.SyntaxKind.AmpersandAmpersandToken) {
      if (left === false || right === false) return false;
      return left === true && right === true ? true : undefined;
    }
    if (operator === ts.SyntaxKind.BarBarToken) {
      if (left === true || right === true) return true;
      return left === false && right === false ? false : undefined;
    }
    return undefined;
  }
  if (ts.isCallExpression(value) && ts.isIdentifier(value.expression)) {
    const patterns = matchers.get(value.expression.text);
    if (patterns) return patterns.some((pattern) => pattern.test(path));
  }
  const globbed = globMatch(value, path, file);
  if (globbed !== undefined) return globbed;
  if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression)) {
    const method = value.expression.name.text;
    const receiver = skipOuterExpressions(value.expression.expression);
    const argument = value.arguments[0] && skipOuterExpressions(value.arguments[0]);
    if ((method === 'startsWith' || method === 'endsWith') && isPathExpression(receiver) && argument && ts.isStringLiteralLike(argument)) {
      return method === 'startsWith' ? path.startsWith(argument.text) : path.endsWith(argument.text);
    }
    if ((method === 'includes' || method === 'some') && ts.isArrayLiteralExpression(receiver) && argument && isPathExpression(argument)) {
      const listed = receiver.elements.filter(ts.isStringLiteralLike).map((element) => element.text);
      return listed.length === receiver.elements.length ? listed.includes(path) : undefined;
    }
    if (method === 'test' && ts.isRegularExpressionLiteral(receiver) && argument && isPathExpression(argument)) {
      const match = /^\/(.*)\/([a-z]*)$/s.exec(receiver.text);
      try {
        return match ? new RegExp(match[1]!, match[2]!.replace(/[gy]/g, '')).test(path) : undefined;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Glob matchers by package: the function called with the path and the patterns. */
const GLOB_MATCHERS: Readonly<Record<string, readonly string[]>> = {
  micromatch: ['isMatch', 'any', 'contains'],
  picomatch: ['isMatch'],
  minimatch: ['minimatch', 'default'],
};

/**
 * `micromatch.isMatch(pathname, PUBLIC_ROUTES)`, `isMatch(pathname, '/api/admin/**')`,
 * `minimatch(pathname, '/api/auth/**')`: true/false when the patterns are literals or a constant
 * array of them in the file, undefined otherwise.
 */
function globMatch(value: ts.Expression, path: string, file: ScannedSourceFile | undefined): boolean | undefined {
  if (!file || !ts.isCallExpression(value) || value.arguments.length < 2 || !isPathExpression(value.arguments[0]!)) return undefined;
  const callee = skipOuterExpressions(value.expression);
  const [owner, member] = ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) ? [callee.expression.text, callee.name.text] : ts.isIdentifier(callee) ? [callee.text, undefined] : [undefined, undefined];
  if (!owner) return undefined;
  const imported = importedFrom(file, owner);
  if (!imported || !Object.hasOwn(GLOB_MATCHERS, imported.module)) return undefined;
  const name = member ?? imported.name;
  if (!GLOB_MATCHERS[imported.module]!.includes(name) && !(member === undefined && imported.name === 'default' && imported.module !== 'micromatch')) return undefined;
  const patterns = globPatterns(value.arguments[1]!, file);
  if (!patterns) return undefined;
  const compiled = patterns.map(compileGlob);
  if (compiled.some((pattern) => !pattern)) return undefined;
  return compiled.some((pattern) => pattern!.test(path));
}

/** What a name of the file is imported as: `import micromatch from 'micromatch'` (default), `import { isMatch } from 'micromatch'`. */
function importedFrom(file: ScannedSourceFile, local: string): { module: string; name: string } | undefined {
  for (const statement of file.sourceFile.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier) || !statement.importClause) continue;
    const module = statement.moduleSpecifier.text;
    const clause = statement.importClause;
    if (clause.name?.text === local) return { module, name: 'default' };
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings) && bindings.name.text === local) return { module, name: 'default' };
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) if (element.name.text === local) return { module, name: (element.propertyName ?? element.name).text };
    }
  }
  return undefined;
}

/** A string literal, an array of them, or a module constant holding either. */
function globPatterns(expression: ts.Expression, file: ScannedSourceFile): string[] | undefined {
  let value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value)) {
    const initializer = localInitializer(file, value.text);
    if (!initializer) return undefined;
    value = skipOuterExpressions(initializer);
  }
  if (ts.isStringLiteralLike(value)) return [value.text];
  if (!ts.isArrayLiteralExpression(value)) return undefined;
  const listed = value.elements.filter(ts.isStringLiteralLike).map((element) => element.text);
  return listed.length === value.elements.length ? listed : undefined;
}

/** `pathname`, `request.nextUrl.pathname`, `url.pathname`: the request path, as middleware spells it. */
function isPathExpression(expression: ts.Expression): boolean {
  const value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value)) return value.text === 'pathname' || value.text === 'path';
  return ts.isPropertyAccessExpression(value) && value.name.text === 'pathname';
}

/**
 * The paths a middleware function lets through before its check: `if (pathname.startsWith('/api/auth'))
 * return NextResponse.next();` (or a bare return, or a plain 2xx response) ahead of the first
 * statement that rejects or redirects. The check never runs for those paths, so the middleware
 * proves nothing about their routes. Undefined when there is no such early exit.
 */
function pathExemptions(fn: ResolvedFunction): ((path: string) => boolean) | undefined {
  const body = fn.node.body;
  if (!body || !ts.isBlock(body)) return undefined;
  const exits: ts.Expression[] = [];
  for (const statement of body.statements) {
    if (rejects(statement)) break;
    if (ts.isIfStatement(statement) && !statement.elseStatement && passesThrough(statement.thenStatement)) exits.push(statement.expression);
  }
  if (exits.length === 0) return undefined;
  const none = new Map<string, RegExp[]>();
  return (path) => !exits.some((condition) => evaluateCondition(condition, path, none, fn.file) === true);
}

/** A statement that turns a request away: a redirect, a 401/403 response or a throw, anywhere in it. */
function rejects(statement: ts.Statement): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found || isFunctionLike(node)) return;
    if (ts.isThrowStatement(node)) found = true;
    else if (ts.isReturnStatement(node) && node.expression && /\bredirect\w*\s*\(|\bstatus\s*:\s*40[13]\b|\b40[13]\b/.test(node.expression.getText())) found = true;
    else ts.forEachChild(node, visit);
  };
  visit(statement);
  return found;
}

/** `return;`, `return NextResponse.next()`, `return new Response('pong')` (no error status): the request goes on unchecked. */
function passesThrough(statement: ts.Statement): boolean {
  const returned = ts.isReturnStatement(statement) ? statement : ts.isBlock(statement) && statement.statements.length === 1 && ts.isReturnStatement(statement.statements[0]!) ? statement.statements[0] : undefined;
  if (!returned) return false;
  if (!returned.expression) return true;
  const text = returned.expression.getText();
  if (/^NextResponse\s*\.\s*next\s*\(/.test(text)) return true;
  return /^new\s+Response\s*\(/.test(text) && !/\bstatus\s*:\s*[45]\d\d\b/.test(text);
}

/**
 * `export const config = { matcher: [...] }`: strings or `{ source }` objects. No config means the
 * middleware runs on every path.
 */
function readMatcher(file: ScannedSourceFile): (path: string) => boolean {
  for (const statement of file.sourceFile.statements) {
    if (!ts.isVariableStatement(statement) || !isExported(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || declaration.name.text !== 'config' || !declaration.initializer) continue;
      const config = skipOuterExpressions(declaration.initializer);
      if (!ts.isObjectLiteralExpression(config)) continue;
      const matcher = propertyOf(config, 'matcher');
      if (!matcher) continue;
      const patterns = patternsOf(matcher, file, undefined);
      // A matcher we cannot read (built at runtime) is treated as covering everything.
      if (patterns.length === 0) return () => true;
      return (path) => patterns.some((pattern) => pattern.test(path));
    }
  }
  return () => true;
}

/** Path patterns from a string, an array of strings / `{ source }` objects, or a const naming one. */
function patternsOf(expression: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex | undefined): RegExp[] {
  const value = skipOuterExpressions(expression);
  if (ts.isStringLiteralLike(value)) {
    const compiled = compilePathPattern(value.text);
    return compiled ? [compiled] : [];
  }
  if (ts.isRegularExpressionLiteral(value)) {
    const match = /^\/(.*)\/([a-z]*)$/s.exec(value.text);
    try {
      return match ? [new RegExp(match[1]!, match[2]!.replace(/[gy]/g, ''))] : [];
    } catch {
      return [];
    }
  }
  if (ts.isArrayLiteralExpression(value)) return value.elements.flatMap((element) => patternsOf(element, file, modules));
  if (ts.isObjectLiteralExpression(value)) {
    const source = propertyOf(value, 'source');
    return source ? patternsOf(source, file, modules) : [];
  }
  if (ts.isIdentifier(value)) {
    const initializer = localInitializer(file, value.text);
    if (initializer) return patternsOf(initializer, file, modules);
    const binding = modules?.resolveName(file, value.text);
    const target = bindingValue(binding);
    if (binding?.kind === 'declaration' && target && ts.isExpression(target)) return patternsOf(target, binding.file, modules);
  }
  return [];
}

function objectLiteralOf(expression: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex): ts.ObjectLiteralExpression | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isObjectLiteralExpression(value)) return value;
  if (ts.isIdentifier(value)) {
    const target = bindingValue(modules.resolveName(file, value.text));
    if (target && ts.isObjectLiteralExpression(target)) return target;
  }
  return undefined;
}

function propertyOf(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property) && propertyNameText(property.name) === name) return property.initializer;
    if (ts.isShorthandPropertyAssignment(property) && property.name.text === name) return property.name;
  }
  return undefined;
}

function localInitializer(file: ScannedSourceFile, name: string): ts.Expression | undefined {
  for (const statement of file.sourceFile.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.name.text === name && declaration.initializer) return declaration.initializer;
    }
  }
  return undefined;
}

/**
 * Whether a name is the `auth` NextAuth v5 hands out (`export const { handlers, auth } = NextAuth(config)`),
 * followed through imports. The module index does not follow destructured exports, so an import of
 * one arrives here as "external" and is looked up in the file it names.
 */
export function isNextAuthBinding(binding: Binding | undefined, fromFile: ScannedSourceFile, modules: ModuleIndex): boolean {
  if (binding?.kind === 'declaration') return isNextAuthDeclaration(binding.node, binding.file, modules);
  if (binding?.kind !== 'external') return false;
  const target = modules.resolveImport(fromFile, binding.module);
  if (!target) return false;
  for (const statement of target.sourceFile.statements) {
    if (!ts.isVariableStatement(statement) || !isExported(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isObjectBindingPattern(declaration.name) && bindsName(declaration.name, binding.importedName) && isNextAuthDeclaration(declaration, target, modules)) return true;
    }
  }
  return false;
}

function bindsName(pattern: ts.ObjectBindingPattern, name: string): boolean {
  return pattern.elements.some((element) => (ts.isIdentifier(element.name) ? element.name.text === name : ts.isObjectBindingPattern(element.name) && bindsName(element.name, name)));
}

function isNextAuthDeclaration(node: ts.Node, file: ScannedSourceFile, modules: ModuleIndex): boolean {
  if (!ts.isVariableDeclaration(node) || !node.initializer) return false;
  const init = skipOuterExpressions(node.initializer);
  if (!ts.isCallExpression(init)) return false;
  const callee = skipOuterExpressions(init.expression);
  if (!ts.isIdentifier(callee)) return false;
  const binding = modules.resolveName(file, callee.text);
  return binding?.kind === 'external' && binding.module === 'next-auth';
}

function isExported(statement: ts.Statement): boolean {
  return (ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) ?? false;
}

function isDefaultExport(statement: ts.Statement): boolean {
  return (ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.DefaultKeyword)) ?? false;
}
