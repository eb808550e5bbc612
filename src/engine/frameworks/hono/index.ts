import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { isFunctionLike, nodePosition, propertyValue, skipOuterExpressions } from '../../ast/syntax.js';
import { bindingValue, type ResolvedFunction, resolveFunction } from '../../names/index.js';
import type { HttpMethod, RouteDefinition, RouteMiddleware } from '../../routes/route.js';
import { usesAnyPackage, type AdapterContext, type FrameworkAdapter } from '../adapter.js';
import { staticString } from '../fastify/static-values.js';
import { honoPatternMatches } from './path-pattern.js';
import { joinRoutePath } from '../../routes/route-path.js';
import { own } from '../../own.js';
import { openApiRequestValidation, withValidatorFields } from './validators.js';

/**
 * Hono: `new Hono()` apps (and `OpenAPIHono`, `basePath` views, factory apps), their routes and
 * `use` middleware, and sub-apps mounted with `app.route(prefix, sub)` across files.
 *
 * Hono keeps one ordered list of handlers per app; `use` adds middleware entries to it and
 * `route()` copies the sub-app's entries in with the prefix. A request runs the matching entries
 * in order, so a middleware applies to the matching routes registered after it, never before.
 */
export const honoAdapter: FrameworkAdapter = {
  name: 'hono',
  isEnabled: (facts) => usesAnyPackage(facts, ['hono', '@hono/zod-openapi']),
  discoverRoutes: (context) => new HonoRouteCollector(context).collect(),
};

const ROUTE_METHODS: Record<string, HttpMethod> = {
  get: 'GET',
  post: 'POST',
  put: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  options: 'OPTIONS',
  all: 'ALL',
};
const HTTP_METHOD_NAMES = new Set<string>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
/** Methods that return the app (or a view of it), so a chain keeps registering on it. */
const APP_METHODS = new Set([...Object.keys(ROUTE_METHODS), 'on', 'use', 'route', 'basePath', 'openapi', 'doc', 'doc31', 'notFound', 'onError', 'mount']);
const MENTIONS_HONO = /hono/i;
const IMPORT_SPECIFIER = /\bfrom\s*['"](\.[^'"\n]+)['"]|\brequire\s*\(\s*['"](\.[^'"\n]+)['"]\s*\)/g;

/**
 * Files that mention Hono, plus the project files they import (where a `register(app)` helper may
 * add routes to an app it receives without naming Hono). Walking every file of a large project
 * for `.get(` calls cost more than the rest of Hono discovery.
 */
function honoCandidateFiles(context: AdapterContext): ScannedSourceFile[] {
  const chosen = new Set<ScannedSourceFile>();
  const mentioning = new Set(context.sourceFiles.filter((file) => MENTIONS_HONO.test(file.text)));
  for (const file of context.sourceFiles) {
    const mentions = mentioning.has(file);
    if (mentions) chosen.add(file);
    for (const match of file.text.matchAll(IMPORT_SPECIFIER)) {
      const imported = context.modules.resolveImport(file, match[1] ?? match[2]!);
      if (!imported) continue;
      if (mentions) chosen.add(imported);
      // The entry that builds the app with a factory from a Hono file (`const app = newApp()`) and
      // hands it to `registerX(app)` helpers may not name Hono itself.
      else if (mentioning.has(imported)) chosen.add(file);
    }
  }
  return context.sourceFiles.filter((file) => chosen.has(file));
}

interface HonoApp {
  entries: HonoEntry[];
}

/** A name bound to an app: the app itself, seen through any `basePath` views. */
interface AppHandle {
  app: HonoApp;
  basePath: string;
}

type HonoEntry =
  | {
      kind: 'route';
      method: HttpMethod;
      path: string;
      file: ScannedSourceFile;
      position: { line: number; column: number };
      middleware: RouteMiddleware[];
      handler?: ResolvedFunction;
    }
  | { kind: 'middleware'; path: string; middleware: RouteMiddleware[] }
  | { kind: 'mount'; prefix: string; file: ScannedSourceFile; target: ts.Expression; resolved?: HonoApp | null };

type FlatEntry =
  | (Extract<HonoEntry, { kind: 'route' }> & { depth: number })
  | { kind: 'middleware'; path: string; middleware: RouteMiddleware[]; depth: number };

class HonoRouteCollector {
  private readonly apps: HonoApp[] = [];
  /** Keyed by the variable declaration or default-exported expression that holds the app. */
  private readonly handles = new Map<ts.Node, AppHandle>();
  private readonly localNames = new Map<ScannedSourceFile, Map<string, AppHandle>>();
  private readonly fileState = new Map<ScannedSourceFile, 'walking' | 'done'>();
  /** Parameters bound to an app while the body of a `register(app)` helper is walked for that call, innermost last. */
  private readonly parameterScopes: Array<Map<string, AppHandle>> = [];
  /** The helpers being walked, so a helper that registers itself again (or a cycle) stops. */
  private readonly registrarsWalking = new Set<ts.Node>();

  constructor(private readonly context: AdapterContext) {}

  collect(): RouteDefinition[] {
    for (const file of honoCandidateFiles(this.context)) this.processFile(file);
    const mounted = new Set<HonoApp>();
    for (const app of this.apps) {
      for (const entry of app.entries) {
        if (entry.kind !== 'mount') continue;
        const target = this.mountTarget(entry);
        if (target && target !== app) mounted.add(target);
      }
    }
    const definitions: RouteDefinition[] = [];
    for (const app of this.apps) {
      if (mounted.has(app)) continue;
      definitions.push(...this.routesOf(this.flatten(app, '', 0, [])));
    }
    return definitions;
  }

  private processFile(file: ScannedSourceFile): void {
    if (this.fileState.has(file)) return;
    this.fileState.set(file, 'walking');
    this.localNames.set(file, new Map());
    this.visit(file.sourceFile, file);
    this.fileState.set(file, 'done');
  }

  private visit(node: ts.Node, file: ScannedSourceFile): void {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      const handle = this.evaluateChain(node.initializer, file);
      if (handle) {
        this.handles.set(node, handle);
        this.localNames.get(file)!.set(node.name.text, handle);
        return;
      }
    }
    if (ts.isExportAssignment(node)) {
      const handle = this.evaluateChain(node.expression, file);
      if (handle) {
        this.handles.set(skipOuterExpressions(node.expression), handle);
        return;
      }
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && APP_METHODS.has(node.expression.name.text)) {
      if (this.evaluateChain(node, file)) return;
    }
    if (ts.isCallExpression(node) && node.arguments.length > 0) this.walkRegistrar(node, file);
    ts.forEachChild(node, (child) => this.visit(child, file));
  }

  /**
   * `registerV1GetUser(app)`, `usersRoutes(app, deps)`: a project function given an app adds its
   * routes and middleware to that app, at the point of the call (so the middleware the caller
   * registered before it applies). Its body is walked with its parameter bound to the app; the
   * routes keep the helper's file and lines.
   */
  private walkRegistrar(call: ts.CallExpression, file: ScannedSourceFile): void {
    const bound: Array<{ index: number; handle: AppHandle }> = [];
    call.arguments.forEach((argument, index) => {
      const value = skipOuterExpressions(argument);
      const handle = ts.isIdentifier(value) ? this.handleOfName(value.text, file) : undefined;
      if (handle) bound.push({ index, handle });
    });
    if (bound.length === 0 || this.registrarsWalking.size > 8) return;
    const fn = resolveFunction(this.context.modules, file, call.expression);
    if (!fn?.node.body || this.registrarsWalking.has(fn.node)) return;
    const scope = new Map<string, AppHandle>();
    for (const { index, handle } of bound) {
      const parameter = fn.node.parameters[index];
      if (parameter && ts.isIdentifier(parameter.name)) scope.set(parameter.name.text, handle);
    }
    if (scope.size === 0) return;
    this.registrarsWalking.add(fn.node);
    this.parameterScopes.push(scope);
    try {
      this.visit(fn.node.body, fn.file);
    } finally {
      this.parameterScopes.pop();
      this.registrarsWalking.delete(fn.node);
    }
  }

  /**
   * Runs a chain such as `new Hono().basePath('/api').get('/', h).post('/', h)` or
   * `app.use(mw).route('/x', sub)`: registers each call on the app at its base and returns the
   * handle the chain evaluates to, or undefined when its base is not an app.
   */
  private evaluateChain(expression: ts.Expression, file: ScannedSourceFile): AppHandle | undefined {
    const calls: ts.CallExpression[] = [];
    let base = skipOuterExpressions(expression);
    while (ts.isCallExpression(base) && ts.isPropertyAccessExpression(base.expression) && APP_METHODS.has(base.expression.name.text)) {
      calls.unshift(base);
      base = skipOuterExpressions(base.expression.expression);
    }
    let handle = this.handleOfBase(base, file);
    if (!handle) return undefined;
    // Hono remembers the last path per app: `app.get('/x', h).post(h2)` registers POST /x.
    const state = { currentPath: '/' };
    for (const call of calls) handle = this.applyCall(handle, call, file, state);
    return handle;
  }

  private handleOfBase(base: ts.Expression, file: ScannedSourceFile): AppHandle | undefined {
    if (ts.isNewExpression(base) && this.isHonoClass(base.expression, file)) return this.newApp();
    if (ts.isIdentifier(base)) return this.handleOfName(base.text, file);
    if (ts.isCallExpression(base)) {
      const callee = skipOuterExpressions(base.expression);
      // hono/factory: createFactory().createApp() / factory.createApp()
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'createApp') return this.newApp();
      return this.returnedHandle(file, base);
    }
    return undefined;
  }

  private isHonoClass(expression: ts.Expression, file: ScannedSourceFile): boolean {
    const value = skipOuterExpressions(expression);
    const name = ts.isIdentifier(value) ? value.text : ts.isPropertyAccessExpression(value) ? value.name.text : undefined;
    if (!name || !/Hono$/.test(name)) return false;
    if (!ts.isIdentifier(value)) return true;
    const binding = this.context.modules.resolveName(file, value.text);
    return binding?.kind === 'external' ? /^(?:hono|@hono\/)/.test(binding.module) : binding === undefined;
  }

  private newApp(): AppHandle {
    const app: HonoApp = { entries: [] };
    this.apps.push(app);
    return { app, basePath: '' };
  }

  /** The app a name holds: declared earlier in this file, or imported from another (walked on demand). */
  private handleOfName(name: string, file: ScannedSourceFile): AppHandle | undefined {
    for (let index = this.parameterScopes.length - 1; index >= 0; index--) {
      const bound = this.parameterScopes[index]!.get(name);
      if (bound) return bound;
    }
    const local = this.localNames.get(file)?.get(name);
    if (local) return local;
    const binding = this.context.modules.resolveName(file, name);
    if (binding?.kind !== 'declaration' || binding.file === file) return undefined;
    if (!this.fileState.has(binding.file)) this.processFile(binding.file);
    return this.handles.get(binding.node) ?? this.handles.get(bindingValue(binding) ?? binding.node);
  }

  /** `createUsersApp()`: the app a function builds and returns. */
  private returnedHandle(file: ScannedSourceFile, call: ts.CallExpression): AppHandle | undefined {
    const fn = resolveFunction(this.context.modules, file, call.expression);
    if (!fn?.node.body) return undefined;
    if (!this.fileState.has(fn.file)) this.processFile(fn.file);
    if (!ts.isBlock(fn.node.body)) return this.evaluateReturned(fn.node.body, fn.file);
    let found: AppHandle | undefined;
    const visit = (node: ts.Node): void => {
      if (found || (node !== fn.node && isFunctionLike(node))) return;
      if (ts.isReturnStatement(node) && node.expression) found = this.evaluateReturned(node.expression, fn.file);
      else ts.forEachChild(node, visit);
    };
    visit(fn.node.body);
    return found;
  }

  private evaluateReturned(expression: ts.Expression, file: ScannedSourceFile): AppHandle | undefined {
    const value = skipOuterExpressions(expression);
    // `return new OpenAPIHono({ defaultHook })` (or a chain on it): one app, whoever calls the factory.
    if (ts.isNewExpression(value) || (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && APP_METHODS.has(value.expression.name.text))) {
      const known = this.handles.get(value);
      if (known) return known;
      const handle = this.evaluateChain(value, file);
      if (handle) this.handles.set(value, handle);
      return handle;
    }
    if (!ts.isIdentifier(value)) return undefined;
    for (let scope: ts.Node | undefined = value.parent; scope; scope = scope.parent) {
      if (!ts.isBlock(scope)) continue;
      for (const statement of scope.statements) {
        if (!ts.isVariableStatement(statement)) continue;
        for (const declaration of statement.declarationList.declarations) {
          if (ts.isIdentifier(declaration.name) && declaration.name.text === value.text) return this.handles.get(declaration);
        }
      }
    }
    return this.handleOfName(value.text, file);
  }

  private applyCall(handle: AppHandle, call: ts.CallExpression, file: ScannedSourceFile, state: { currentPath: string }): AppHandle {
    const method = (call.expression as ts.PropertyAccessExpression).name.text;
    const args = this.expandArguments(call.arguments, file);
    const position = callPosition(call);
    const routeMethod = own(ROUTE_METHODS, method);
    if (routeMethod) {
      const first = args[0];
      const path = first && staticString(this.context.modules, file, first);
      if (path !== undefined) state.currentPath = path;
      this.addRoute(handle, [routeMethod], [state.currentPath], path !== undefined ? args.slice(1) : args, file, position);
      return handle;
    }
    switch (method) {
      case 'on': {
        const [methodArgument, pathArgument] = call.arguments;
        const handlers = this.expandArguments(call.arguments.slice(2), file);
        if (!methodArgument || !pathArgument) return handle;
        const methods = this.stringList(methodArgument, file)
          .map((name) => name.toUpperCase())
          .filter((name) => HTTP_METHOD_NAMES.has(name)) as HttpMethod[];
        const paths = this.stringList(pathArgument, file);
        if (paths.length > 0) state.currentPath = paths[paths.length - 1]!;
        this.addRoute(handle, methods, paths, handlers, file, position);
        return handle;
      }
      case 'use': {
        const first = args[0];
        const pattern = first && staticString(this.context.modules, file, first);
        state.currentPath = pattern ?? '*';
        const handlers = pattern !== undefined ? args.slice(1) : args;
        const middleware = handlers.map((handler) => this.context.middleware.describe(handler, this.fileOfArgument(handler, file), 'router'));
        if (middleware.length > 0) handle.app.entries.push({ kind: 'middleware', path: joinRoutePath(handle.basePath, state.currentPath), middleware });
        return handle;
      }
      case 'route': {
        const [prefixArgument, target] = call.arguments;
        const prefix = prefixArgument && staticString(this.context.modules, file, prefixArgument);
        if (prefix !== undefined && target) handle.app.entries.push({ kind: 'mount', prefix: joinRoutePath(handle.basePath, prefix), file, target });
        return handle;
      }
      case 'basePath': {
        const path = call.arguments[0] && staticString(this.context.modules, file, call.arguments[0]);
        return path === undefined ? handle : { app: handle.app, basePath: joinRoutePath(handle.basePath, path) };
      }
      case 'openapi':
        this.addOpenApiRoute(handle, call, file, position);
        return handle;
      case 'doc':
      case 'doc31': {
        // OpenAPIHono serves the generated OpenAPI document there.
        const path = call.arguments[0] && staticString(this.context.modules, file, call.arguments[0]);
        if (path !== undefined) this.addRoute(handle, ['GET'], [path], [], file, position);
        return handle;
      }
      default:
        return handle;
    }
  }

  private addRoute(
    handle: AppHandle,
    methods: HttpMethod[],
    paths: string[],
    handlers: ts.Expression[],
    file: ScannedSourceFile,
    position: { line: number; column: number },
  ): void {
    const last = handlers[handlers.length - 1];
    const handler = last && resolveFunction(this.context.modules, this.fileOfArgument(last, file), last);
    const middleware = handlers.slice(0, -1).map((expression) => {
      const expressionFile = this.fileOfArgument(expression, file);
      return withValidatorFields(this.context.middleware.describe(expression, expressionFile, 'route'), expression, expressionFile, this.context.modules);
    });
    for (const path of paths) {
      for (const method of methods) {
        const entry: HonoEntry = { kind: 'route', method, path: joinRoutePath(handle.basePath, path), file, position, middleware };
        if (handler) entry.handler = handler;
        handle.app.entries.push(entry);
      }
    }
  }

  /** `app.openapi(createRoute({ method, path: '/users/{id}', middleware }), handler)`: OpenAPIHono turns `{id}` into `:id`. */
  private addOpenApiRoute(handle: AppHandle, call: ts.CallExpression, file: ScannedSourceFile, position: { line: number; column: number }): void {
    const [routeArgument, handlerArgument] = call.arguments;
    if (!routeArgument) return;
    const config = this.routeConfigOf(file, routeArgument);
    if (!config) return;
    const methodExpression = propertyValue(config.node, 'method');
    const pathExpression = propertyValue(config.node, 'path');
    const method = methodExpression && staticString(this.context.modules, config.file, methodExpression)?.toUpperCase();
    const path = pathExpression && staticString(this.context.modules, config.file, pathExpression);
    if (!method || !HTTP_METHOD_NAMES.has(method) || path === undefined) return;
    const middlewareExpression = propertyValue(config.node, 'middleware');
    const middleware = middlewareExpression ? this.expandArguments([middlewareExpression], config.file).map((expression) => this.context.middleware.describe(expression, this.fileOfArgument(expression, config.file), 'route')) : [];
    // app.openapi() validates the request parts the config declares schemas for, after the route's middleware.
    middleware.push(...openApiRequestValidation(config.node, config.file, this.context.modules));
    const entry: HonoEntry = { kind: 'route', method: method as HttpMethod, path: joinRoutePath(handle.basePath, path.replace(/\{([^}]+)\}/g, ':$1')), file, position, middleware };
    const handler = handlerArgument && resolveFunction(this.context.modules, file, handlerArgument);
    if (handler) entry.handler = handler;
    handle.app.entries.push(entry);
  }

  /** The object literal given to `createRoute({...})`, inline or through a name (often imported from a routes file). */
  private routeConfigOf(file: ScannedSourceFile, expression: ts.Expression, depth = 0): { file: ScannedSourceFile; node: ts.ObjectLiteralExpression } | undefined {
    if (depth > 4) return undefined;
    const value = skipOuterExpressions(expression);
    if (ts.isObjectLiteralExpression(value)) return { file, node: value };
    if (ts.isCallExpression(value) && value.arguments[0]) return this.routeConfigOf(file, value.arguments[0], depth + 1);
    if (ts.isIdentifier(value) || ts.isPropertyAccessExpression(value)) {
      const name = ts.isIdentifier(value) ? value.text : undefined;
      if (!name) return undefined;
      const binding = this.context.modules.resolveName(file, name);
      const target = bindingValue(binding);
      if (binding?.kind === 'declaration' && target && ts.isExpression(target)) return this.routeConfigOf(binding.file, target, depth + 1);
    }
    return undefined;
  }

  /** The file an expanded argument was written in: a spread list may come from another module. */
  private fileOfArgument(expression: ts.Expression, file: ScannedSourceFile): ScannedSourceFile {
    return expression.getSourceFile() === file.sourceFile ? file : (this.context.modules.fileOf(expression) ?? file);
  }

  /** Spreads of arrays and `factory.createHandlers(...)` become the handlers they hold; arrays in `middleware: [...]` too. */
  private expandArguments(args: readonly ts.Expression[], file: ScannedSourceFile, depth = 0): ts.Expression[] {
    const expanded: ts.Expression[] = [];
    for (const argument of args) {
      const inner = ts.isSpreadElement(argument) ? argument.expression : argument;
      const value = skipOuterExpressions(inner);
      if (depth < 3 && ts.isArrayLiteralExpression(value)) {
        expanded.push(...this.expandArguments(value.elements, file, depth + 1));
        continue;
      }
      if (ts.isSpreadElement(argument)) {
        if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && value.expression.name.text === 'createHandlers') {
          expanded.push(...value.arguments);
          continue;
        }
        if (ts.isIdentifier(value)) {
          const binding = this.context.modules.resolveName(file, value.text);
          const target = bindingValue(binding);
          // `app.use(...protectedMiddleware)` with the list in another module: its elements keep their own file (see fileOfArgument).
          if (binding?.kind === 'declaration' && target && ts.isExpression(target) && depth < 3) {
            const targetValue = skipOuterExpressions(target);
            if (ts.isArrayLiteralExpression(targetValue)) {
              expanded.push(...this.expandArguments(targetValue.elements, binding.file, depth + 1));
              continue;
            }
            if (ts.isCallExpression(targetValue) && ts.isPropertyAccessExpression(targetValue.expression) && targetValue.expression.name.text === 'createHandlers') {
              expanded.push(...targetValue.arguments);
              continue;
            }
          }
        }
      }
      expanded.push(inner);
    }
    return expanded;
  }

  private stringList(expression: ts.Expression, file: ScannedSourceFile): string[] {
    const value = skipOuterExpressions(expression);
    if (ts.isArrayLiteralExpression(value)) return value.elements.flatMap((element) => this.stringList(element, file));
    const text = staticString(this.context.modules, file, value);
    return text === undefined ? [] : [text];
  }

  private mountTarget(entry: Extract<HonoEntry, { kind: 'mount' }>): HonoApp | undefined {
    if (entry.resolved === undefined) {
      const value = skipOuterExpressions(entry.target);
      const handle = ts.isIdentifier(value)
        ? this.handleOfName(value.text, entry.file)
        : ts.isCallExpression(value) || ts.isNewExpression(value)
          ? this.evaluateChain(value, entry.file)
          : undefined;
      entry.resolved = handle?.app ?? null;
    }
    return entry.resolved ?? undefined;
  }

  /** The app's entries with every mounted sub-app's entries copied in at the mount, prefixed, as `route()` does. */
  private flatten(app: HonoApp, prefix: string, depth: number, stack: HonoApp[]): FlatEntry[] {
    if (stack.includes(app)) return [];
    const flat: FlatEntry[] = [];
    for (const entry of app.entries) {
      if (entry.kind === 'route') flat.push({ ...entry, path: joinRoutePath(prefix, entry.path), depth });
      else if (entry.kind === 'middleware') flat.push({ kind: 'middleware', path: joinRoutePath(prefix, entry.path), middleware: entry.middleware, depth });
      else {
        const target = this.mountTarget(entry);
        if (target) flat.push(...this.flatten(target, joinRoutePath(prefix, entry.prefix), depth + 1, [...stack, app]));
      }
    }
    return flat;
  }

  private routesOf(flat: FlatEntry[]): RouteDefinition[] {
    const definitions: RouteDefinition[] = [];
    flat.forEach((entry, index) => {
      if (entry.kind !== 'route') return;
      const middleware: RouteMiddleware[] = [];
      for (const earlier of flat.slice(0, index)) {
        if (earlier.kind !== 'middleware' || !honoPatternMatches(earlier.path, entry.path)) continue;
        const scope: RouteMiddleware['scope'] = earlier.depth === 0 ? 'global' : 'router';
        middleware.push(...earlier.middleware.map((m) => ({ ...m, scope })));
      }
      middleware.push(...entry.middleware);
      const definition: RouteDefinition = {
        framework: 'hono',
        method: entry.method,
        path: entry.path,
        file: entry.file.path,
        line: entry.position.line,
        column: entry.position.column,
        middleware,
      };
      if (entry.handler) {
        definition.handler = { file: entry.handler.file.path, line: nodePosition(entry.handler.node).line, node: entry.handler.node, name: entry.handler.name };
      }
      definitions.push(definition);
    });
    return definitions;
  }
}

/** A chained registration is reported at its method name (`.post(` on its own line); a plain one at the call. */
function callPosition(call: ts.CallExpression): { line: number; column: number } {
  const callee = call.expression as ts.PropertyAccessExpression;
  const receiver = skipOuterExpressions(callee.expression);
  return nodePosition(ts.isCallExpression(receiver) || ts.isNewExpression(receiver) ? callee.name : call);
}
