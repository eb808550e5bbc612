import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { nodePosition, skipOuterExpressions } from '../../ast/syntax.js';
import { bindingValue, type ModuleIndex } from '../../names/index.js';
import { middlewareName } from '../../routes/classify-middleware.js';
import type { HttpMethod, RouteDefinition, RouteMiddleware } from '../../routes/route.js';
import { usesAnyPackage, type AdapterContext, type FrameworkAdapter } from '../adapter.js';
import { appRouterExports, unwrapHandler } from '../next/handlers.js';
import { describeWrapper } from '../next/index.js';
import { compilePathPattern } from '../next/path-matcher.js';
import {
  MEDUSA_ADMIN_ACTOR_TYPES,
  MEDUSA_API_FOLDER,
  MEDUSA_MIDDLEWARE_PACKAGES,
  MEDUSA_AUTHENTICATE_FLAG,
  MEDUSA_DEFAULT_AUTHENTICATION,
  MEDUSA_DEFINE_MIDDLEWARES,
  MEDUSA_MIDDLEWARES_FILE,
  MEDUSA_PACKAGES,
  MEDUSA_ROUTE_FILE,
} from '../../../models/medusa.js';

/**
 * Medusa v2 routes come from the file system, as Next.js App Router ones do: `src/api/<path>/route.ts`
 * exports functions named after HTTP methods, `[id]` folders are parameters. The one
 * `src/api/middlewares.ts` (`defineMiddlewares({ routes: [{ matcher, method, middlewares }] })`,
 * often spread together from per-folder arrays) applies middleware by Express path matcher, and the
 * router itself authenticates every `/admin` route unless its file exports `AUTHENTICATE = false`
 * (models/medusa.ts).
 */
export const medusaAdapter: FrameworkAdapter = {
  name: 'medusa',
  isEnabled: (facts) => usesAnyPackage(facts, MEDUSA_PACKAGES),
  discoverRoutes(context) {
    const routes: RouteDefinition[] = [];
    const configs = new Map<string, MatchedMiddleware[]>();
    const configOf = (apiRoot: string): MatchedMiddleware[] => {
      let found = configs.get(apiRoot);
      if (!found) {
        const file = context.sourceFiles.find((candidate) => candidate.path.startsWith(`${apiRoot}/`) && MEDUSA_MIDDLEWARES_FILE.test(candidate.path.slice(apiRoot.length + 1)));
        found = file ? readMiddlewaresFile(file, context) : [];
        configs.set(apiRoot, found);
      }
      return found;
    };
    const routeFiles: RouteFile[] = [];
    for (const file of context.sourceFiles) {
      if (!file.path.includes(`${MEDUSA_API_FOLDER.folder}/`)) continue;
      const fileRoute = medusaFileRoute(file.path);
      if (!fileRoute || !inMedusaPackage(fileRoute.apiRoot, context.packageJsons)) continue;
      if (!/\b(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/.test(file.text)) continue;
      const exports = appRouterExports(file, context.modules);
      if (exports.length === 0) continue;
      const pattern = compilePathPattern(fileRoute.path.replace(/\*/g, '(.*)'));
      routeFiles.push({ file, ...fileRoute, exports, optedOut: authenticationOptOut(file), ...(pattern ? { pattern } : {}) });
    }
    for (const { file, apiRoot, path, exports } of routeFiles) {
      const fileRoute = { apiRoot, path };
      const matched = configOf(fileRoute.apiRoot);
      // The router installs its default with `router.use(routePath, ...)` per route file that keeps it: a prefix
      // match, so a parent route's default covers a child that opted out (`/admin/brands` over `/admin/brands/:id`).
      const keepsDefault = (candidate: RouteFile) => candidate.apiRoot === apiRoot && !candidate.optedOut && candidate.pattern !== undefined && matchesWithPrefixes(candidate.pattern, samplePath(path));
      // Its own file's default first, for the location the inventory shows.
      const own = routeFiles.find((candidate) => candidate.file === file)!;
      const defaultFrom = keepsDefault(own) ? own : routeFiles.find(keepsDefault);
      for (const exported of exports) {
        const method = exported.exportName as HttpMethod;
        const unwrapped = unwrapHandler(exported, context.modules);
        const { line, column } = nodePosition(exported.exportNode);
        const defaults = defaultFrom ? defaultAuthentication(defaultFrom.path, defaultFrom.file, defaultFrom.file === file ? line : nodePosition(defaultFrom.exports[0]!.exportNode).line) : [];
        const definition: RouteDefinition = {
          framework: 'medusa',
          method,
          path: fileRoute.path,
          file: file.path,
          line,
          column,
          middleware: [
            ...defaults,
            ...matched.filter((entry) => entry.applies(method, fileRoute.path)).flatMap((entry) => entry.middleware),
            ...unwrapped.wrappers.map((wrapper) => describeWrapper(wrapper.call, wrapper.file, context)),
          ],
        };
        if (unwrapped.handler) definition.handler = { node: unwrapped.handler.node, name: unwrapped.handler.name, file: unwrapped.handler.file.path, line: nodePosition(unwrapped.handler.node).line };
        routes.push(definition);
      }
    }
    return routes;
  },
};

/** A route file of the tree, read once: its exports and whether it keeps the router's default authentication. */
interface RouteFile {
  file: ScannedSourceFile;
  apiRoot: string;
  path: string;
  exports: ReturnType<typeof appRouterExports>;
  optedOut: boolean;
  /** Its path as the Express pattern the router registers. */
  pattern?: RegExp;
}

/** The pattern matches the path, or one of its leading runs of segments (Express `router.use` matching). */
function matchesWithPrefixes(pattern: RegExp, path: string): boolean {
  const segments = path.split('/');
  for (let end = segments.length; end > 1; end -= 1) if (pattern.test(segments.slice(0, end).join('/'))) return true;
  return false;
}

/** Where a file sits in a Medusa route tree, from its path: the api folder and the route path (`/admin/products/:id`). */
export function medusaFileRoute(filePath: string): { apiRoot: string; path: string } | undefined {
  const segments = filePath.split('/');
  const fileName = segments[segments.length - 1]!;
  if (!MEDUSA_ROUTE_FILE.test(fileName)) return undefined;
  // `src/api` (or `api` at the scan root, when the scan starts inside `src`).
  const apiIndex = segments.findIndex((segment, index) => segment === MEDUSA_API_FOLDER.folder && (index === 0 || segments[index - 1] === MEDUSA_API_FOLDER.parent) && index < segments.length - 1);
  if (apiIndex === -1) return undefined;
  const folders = segments.slice(apiIndex + 1, -1);
  // The loader skips any folder starting with `_`, with everything below it.
  if (folders.some((folder) => folder.startsWith('_'))) return undefined;
  const path = folders.map((folder) => folder.replace(/^\[\.\.\.\]$/, '*').replace(/\[(\w+)\]/g, ':$1')).join('/');
  return { apiRoot: segments.slice(0, apiIndex + 1).join('/'), path: `/${path}` };
}

/**
 * The api folder belongs to a Medusa project: the nearest package.json above it depends on a Medusa
 * package, or none is in the scan (a scan started inside the project's `src`). In a monorepo, an
 * Express app's own `src/api/<x>/route.ts` is not Medusa's.
 */
function inMedusaPackage(apiRoot: string, packageJsons: ReadonlyMap<string, Record<string, unknown>>): boolean {
  const segments = apiRoot.split('/').slice(0, -1);
  for (let end = segments.length; end >= 0; end -= 1) {
    const pkg = packageJsons.get(segments.slice(0, end).join('/'));
    if (!pkg) continue;
    return ['dependencies', 'devDependencies', 'peerDependencies'].some((key) => {
      const deps = pkg[key];
      return typeof deps === 'object' && deps !== null && MEDUSA_PACKAGES.some((name) => name in deps);
    });
  }
  return true;
}

/** `export const AUTHENTICATE = false`: the route file turns the router's default authentication off. */
function authenticationOptOut(file: ScannedSourceFile): boolean {
  if (!file.text.includes(MEDUSA_AUTHENTICATE_FLAG)) return false;
  for (const statement of file.sourceFile.statements) {
    if (!ts.isVariableStatement(statement) || !statement.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.name.text === MEDUSA_AUTHENTICATE_FLAG && declaration.initializer && skipOuterExpressions(declaration.initializer).kind === ts.SyntaxKind.FalseKeyword) return true;
    }
  }
  return false;
}

/** The router's own authentication for the route's prefix (models/medusa.ts MEDUSA_DEFAULT_AUTHENTICATION). */
function defaultAuthentication(path: string, file: ScannedSourceFile, line: number): RouteMiddleware[] {
  const rule = MEDUSA_DEFAULT_AUTHENTICATION.find((candidate) => path.startsWith(candidate.prefix));
  if (!rule) return [];
  const name = `authenticate('${rule.actor}', [${rule.methods.map((method) => `'${method}'`).join(', ')}]) (Medusa router default for ${rule.prefix}, installed for ${path})`;
  if (rule.required) {
    const guard: RouteMiddleware = { name, file: file.path, line, kind: 'auth', strength: 'strong', evidence: `the Medusa router authenticates every ${rule.prefix} route as a ${rule.actor} unless its file exports ${MEDUSA_AUTHENTICATE_FLAG} = false`, scope: 'global', setsOnRequest: ['auth_context'] };
    return MEDUSA_ADMIN_ACTOR_TYPES.includes(rule.actor) ? [guard, adminActorRole(guard, [rule.actor])] : [guard];
  }
  return [{ name, file: file.path, line, kind: 'other', strength: 'strong', evidence: `the Medusa router reads a ${rule.actor}'s credentials on every ${rule.prefix} route but lets anonymous callers through`, scope: 'global', optionalAuthentication: 'allowUnauthenticated: true' }];
}

/**
 * Medusa's `authenticate('user', ...)` admits only the admin actor: a role check beside the
 * authentication (models/medusa.ts MEDUSA_ADMIN_ACTOR_TYPES). Undefined for any other middleware,
 * or when another actor type (`'customer'`, `'*'`) may pass.
 */
function adminActorGuard(element: ts.Expression, described: RouteMiddleware): RouteMiddleware | undefined {
  if (described.kind !== 'auth') return undefined;
  const call = skipOuterExpressions(element);
  if (!ts.isCallExpression(call) || !Object.keys(MEDUSA_MIDDLEWARE_PACKAGES).some((module) => described.evidence.startsWith(`${module} authenticate`))) return undefined;
  const first = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
  const actors = !first ? [] : ts.isStringLiteralLike(first) ? [first.text] : ts.isArrayLiteralExpression(first) && first.elements.every(ts.isStringLiteralLike) ? first.elements.map((element) => (element as ts.StringLiteralLike).text) : [];
  if (actors.length === 0 || !actors.every((actor) => MEDUSA_ADMIN_ACTOR_TYPES.includes(actor))) return undefined;
  return adminActorRole(described, actors);
}

function adminActorRole(guard: RouteMiddleware, actors: readonly string[]): RouteMiddleware {
  return {
    name: `${guard.name} actor type ${actors.map((actor) => `'${actor}'`).join(', ')}`,
    file: guard.file,
    line: guard.line,
    kind: 'role',
    strength: 'strong',
    evidence: `Medusa's ${actors.join(', ')} actor is an admin dashboard user: customers and other actors are turned away`,
    scope: guard.scope,
    roles: ['admin'],
  };
}

/** One entry of the middlewares config: which requests it applies to, and its middleware. */
interface MatchedMiddleware {
  applies(method: HttpMethod, routePath: string): boolean;
  middleware: RouteMiddleware[];
}

/** The route entries of `src/api/middlewares.ts`'s default export, followed through the arrays it spreads in from other files. */
function readMiddlewaresFile(file: ScannedSourceFile, context: AdapterContext): MatchedMiddleware[] {
  let exported: { expression: ts.Expression; file: ScannedSourceFile } | undefined;
  for (const statement of file.sourceFile.statements) {
    if (ts.isExportAssignment(statement) && !statement.isExportEquals) exported = { expression: statement.expression, file };
  }
  if (!exported) return [];
  let config = valueOf(exported.expression, exported.file, context.modules);
  if (!config) return [];
  // `defineMiddlewares(config)` hands its argument back, reshaped.
  if (ts.isCallExpression(config.expression) && middlewareName(config.expression.expression).endsWith(MEDUSA_DEFINE_MIDDLEWARES) && config.expression.arguments[0]) {
    config = valueOf(config.expression.arguments[0], config.file, context.modules);
  }
  if (!config) return [];
  let routes: { expression: ts.Expression; file: ScannedSourceFile } | undefined = config;
  if (ts.isObjectLiteralExpression(config.expression)) {
    const property = config.expression.properties.find((candidate): candidate is ts.PropertyAssignment => ts.isPropertyAssignment(candidate) && propertyName(candidate.name) === 'routes');
    routes = property ? valueOf(property.initializer, config.file, context.modules) : undefined;
  }
  if (!routes) return [];
  return routeEntries(routes.expression, routes.file, context.modules, 0).flatMap((entry) => {
    const matched = readEntry(entry.node, entry.file, context);
    return matched ? [matched] : [];
  });
}

/** The object literals of a routes array, with `...otherArray` spreads followed across files. */
function routeEntries(expression: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex, depth: number): Array<{ node: ts.ObjectLiteralExpression; file: ScannedSourceFile }> {
  if (depth > 6 || !ts.isArrayLiteralExpression(expression)) return [];
  const found: Array<{ node: ts.ObjectLiteralExpression; file: ScannedSourceFile }> = [];
  for (const element of expression.elements) {
    const target = valueOf(ts.isSpreadElement(element) ? element.expression : element, file, modules);
    if (!target) continue;
    if (ts.isObjectLiteralExpression(target.expression)) found.push({ node: target.expression, file: target.file });
    else if (ts.isArrayLiteralExpression(target.expression)) found.push(...routeEntries(target.expression, target.file, modules, depth + 1));
  }
  return found;
}

/** `{ matcher: '/store/customers/me*', method: ['GET'], middlewares: [authenticate(...)] }` */
function readEntry(entry: ts.ObjectLiteralExpression, file: ScannedSourceFile, context: AdapterContext): MatchedMiddleware | undefined {
  const property = (name: string) => entry.properties.find((candidate): candidate is ts.PropertyAssignment => ts.isPropertyAssignment(candidate) && propertyName(candidate.name) === name)?.initializer;
  const matcherNode = property('matcher');
  const list = property('middlewares');
  if (!matcherNode || !list) return undefined;
  const matcher = skipOuterExpressions(matcherNode);
  let pattern: RegExp | undefined;
  if (ts.isStringLiteralLike(matcher)) pattern = compilePathPattern(matcher.text);
  else if (ts.isRegularExpressionLiteral(matcher)) {
    const literal = /^\/(.*)\/([a-z]*)$/s.exec(matcher.text);
    try {
      pattern = literal ? new RegExp(literal[1]!, literal[2]) : undefined;
    } catch {
      pattern = undefined;
    }
  }
  // A matcher we cannot read never decides a route.
  if (!pattern) return undefined;
  const methods = readMethods(property('method'));
  // No method: the loader registers the entry with `router.use`, which matches the path and everything below it.
  const prefix = methods === undefined;
  const listValue = valueOf(list, file, context.modules);
  if (!listValue || !ts.isArrayLiteralExpression(listValue.expression)) return undefined;
  const middleware = listValue.expression.elements
    .filter((element) => !ts.isSpreadElement(element))
    .flatMap((element) => {
      const described = context.middleware.describe(element, listValue.file, 'router');
      const actor = adminActorGuard(element, described);
      return actor ? [described, actor] : [described];
    });
  if (middleware.length === 0) return undefined;
  const compiled = pattern;
  return {
    middleware,
    applies(method, routePath) {
      if (methods && !methods.has('ALL') && !methods.has('USE') && !methods.has(method)) return false;
      const sample = samplePath(routePath);
      if (compiled.test(sample)) return true;
      if (!prefix && !methods?.has('USE')) return false;
      return matchesWithPrefixes(compiled, sample);
    },
  };
}

/** `'POST'`, `['GET', 'POST']`, `'ALL'`; undefined when absent (every method, by prefix). */
function readMethods(node: ts.Expression | undefined): Set<string> | undefined {
  if (!node) return undefined;
  const value = skipOuterExpressions(node);
  if (ts.isStringLiteralLike(value)) return new Set([value.text.toUpperCase()]);
  if (ts.isArrayLiteralExpression(value)) return new Set(value.elements.filter(ts.isStringLiteralLike).map((element) => element.text.toUpperCase()));
  // A method list we cannot read: any method.
  return new Set(['ALL']);
}

/** A request path the route serves: each parameter and wildcard becomes one concrete segment. */
function samplePath(routePath: string): string {
  return routePath.replace(/:\w+/g, '1').replace(/\*/g, '1');
}

/** What an expression evaluates to, following identifiers to their declarations across files. */
function valueOf(expression: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex, depth = 0): { expression: ts.Expression; file: ScannedSourceFile } | undefined {
  const value = skipOuterExpressions(expression);
  if (!ts.isIdentifier(value)) return { expression: value, file };
  if (depth > 8) return undefined;
  const binding = modules.resolveName(file, value.text);
  if (binding?.kind !== 'declaration') return undefined;
  const target = bindingValue(binding);
  if (!target || !ts.isExpression(target) || (ts.isIdentifier(target) && target.text === value.text && binding.file === file)) return undefined;
  return valueOf(target, binding.file, modules, depth + 1);
}

function propertyName(name: ts.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteralLike(name) ? name.text : undefined;
}
