import { ts } from '#typescript';
import { nodesOfKind } from '../../ast/file-index.js';
import type { ScannedSourceFile } from '../../../types.js';
import { isFunctionLike, nodePosition, propertyValue, skipOuterExpressions } from '../../ast/syntax.js';
import { bindingValue, importedValue, localDeclaration, requiredModule, type ResolvedFunction, resolveFunction } from '../../names/index.js';
import type { HttpMethod, RouteDefinition, RouteHandler, RouteMiddleware } from '../../routes/route.js';
import { usesAnyPackage, type AdapterContext, type FrameworkAdapter } from '../adapter.js';
import { AUTOLOAD_PACKAGES, autoloadedPlugins, autoloadOptionsDirectory } from './autoload.js';
import { methodProperty, objectLiteralOf, staticString } from './static-values.js';
import { routeSchemaFields } from './route-schema.js';
import { joinRoutePath } from '../../routes/route-path.js';
import { classifyBody, middlewareName } from '../../routes/classify-middleware.js';
import { hookSkipPredicate, type HookSkip } from './hook-path-conditions.js';
import { FASTIFY_HOOK_PLUGINS } from '../../../models/middleware.js';

/**
 * Fastify: `fastify()` instances and the plugins they register, with Fastify's encapsulation.
 * Every plugin registered without fastify-plugin gets its own context: a prefix and the hooks
 * added inside it, which apply to that plugin's routes and its children only. A child context
 * sees the hooks its parent had when the child was loaded; Fastify loads an awaited register at
 * once and the others after the registering plugin's body has run, so we do the same.
 */
export const fastifyAdapter: FrameworkAdapter = {
  name: 'fastify',
  // Fastify's own plugins (the @fastify scope, fastify-plugin) mean a Fastify app even when the
  // instance comes from a wrapper package (a workspace `createServer()` that returns `fastify()`)
  // and the scanned folder has no package.json naming fastify itself.
  isEnabled: (facts) => usesAnyPackage(facts, FASTIFY_PACKAGES) || [...facts.dependencies, ...facts.importedModules].some((name) => name.startsWith('@fastify/')),
  discoverRoutes: (context) => new FastifyRouteCollector(context).collect(),
};

const SHORTHAND_METHODS: Record<string, HttpMethod> = {
  get: 'GET',
  post: 'POST',
  put: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  head: 'HEAD',
  options: 'OPTIONS',
  all: 'ALL',
};
const HTTP_METHOD_NAMES = new Set<string>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/** The request lifecycle phases whose hooks run before the handler, in the order Fastify runs them. */
const HOOK_PHASES = ['onRequest', 'preParsing', 'preValidation', 'preHandler'] as const;
type HookPhase = (typeof HOOK_PHASES)[number];
const isHookPhase = (name: string): name is HookPhase => (HOOK_PHASES as readonly string[]).includes(name);

/** Instance methods that return the instance, so calls can be chained on them. */
const CHAINABLE = new Set([
  ...Object.keys(SHORTHAND_METHODS),
  'route', 'register', 'addHook', 'decorate', 'decorateRequest', 'decorateReply', 'after', 'use', 'withTypeProvider',
  'setErrorHandler', 'setNotFoundHandler', 'addSchema', 'addContentTypeParser', 'setValidatorCompiler', 'setSerializerCompiler',
]);

const FASTIFY_PLUGIN_PACKAGE = 'fastify-plugin';
/**
 * Helpers that compose functions left to right, each result handed to the next:
 * `flow(createServer, initServer, listenServer)(config)` sets up the server `createServer` returns.
 */
const FUNCTION_PIPELINES: Readonly<Record<string, readonly string[]>> = {
  'lodash/fp': ['flow', 'pipe'],
  lodash: ['flow'],
  'lodash/flow': ['default'],
  'lodash.flow': ['default'],
  ramda: ['pipe'],
  'fp-ts/function': ['flow'],
};
const MAX_FACTORY_DEPTH = 4;
/** How a call of a server factory is usually spelled (`createServer(`, `buildApp(`, `build(`): only a filter, the factory's body decides. */
const SERVER_FACTORY_CALL = /\b(?:(?:create|build|make|get|init|new)\w*(?:Server|App|Instance|Fastify)|build)\s*\(/i;
/** Packages whose presence means a Fastify application (besides any `@fastify/*` plugin). */
const FASTIFY_PACKAGES = ['fastify', FASTIFY_PLUGIN_PACKAGE, 'fastify-autoload'];
const RATE_LIMIT_PACKAGES = new Set(Object.keys(FASTIFY_HOOK_PLUGINS).filter((name) => FASTIFY_HOOK_PLUGINS[name]!.kind === 'rate-limit'));
/** Plugins that add an onRequest hook to the context they are registered in (unless told not to). */
const HOOK_ADDING_AUTH_PACKAGES = new Set(Object.keys(FASTIFY_HOOK_PLUGINS).filter((name) => FASTIFY_HOOK_PLUGINS[name]!.kind === 'auth'));

/** Decorations that packages add, for when the project does not decorate the name itself. */
const PACKAGE_DECORATIONS: Record<string, { kind: RouteMiddleware['kind']; evidence: string }> = {
  basicAuth: { kind: 'auth', evidence: '@fastify/basic-auth fastify.basicAuth' },
  verifyBearerAuth: { kind: 'auth', evidence: '@fastify/bearer-auth fastify.verifyBearerAuth' },
  rateLimit: { kind: 'rate-limit', evidence: '@fastify/rate-limit fastify.rateLimit()' },
  csrfProtection: { kind: 'other', evidence: '@fastify/csrf-protection' },
};

interface ContextHook {
  phase: HookPhase;
  middleware: RouteMiddleware[];
  /** Added by a globally registered @fastify/rate-limit: a route's `config: { rateLimit: false }` turns it off. */
  fromRateLimitPlugin?: boolean;
  /** `fastify.use('/admin', mw)` runs only for URLs under this full prefix. */
  pathPrefix?: string;
  /** The routes an inline hook lets through with an early `return` before it checks anything. */
  skips?: HookSkip;
}

/** One encapsulation context: the root instance or a plugin registered without fastify-plugin. */
interface PluginContext {
  prefix: string;
  parent?: PluginContext;
  /** How many of the parent's hooks existed when this context was loaded: the ones it inherits. */
  inheritedHookCount: number;
  hooks: ContextHook[];
  scope: 'global' | 'router';
}

interface PendingRoute {
  context: PluginContext;
  method: HttpMethod;
  path: string;
  file: ScannedSourceFile;
  position: { line: number; column: number };
  handler?: ResolvedFunction;
  routeHooks: Array<{ phase: HookPhase; middleware: RouteMiddleware[] }>;
  schemaValidation?: RouteMiddleware;
  rateLimitConfig?: RouteMiddleware | false;
  /** A `{ websocket: true }` route: @fastify/websocket calls its handler with (socket, request). */
  contextParameter?: number;
}

/** The plugin body being walked: which names are the instance, and the registers Fastify loads after it. */
interface WalkState {
  file: ScannedSourceFile;
  instanceNames: Set<string>;
  context: PluginContext;
  deferred: Array<() => void>;
  /** The plugin's options parameter and the object `register(plugin, { ... })` passed for it: `options.hook` reads it. */
  pluginOptions?: PluginOptions;
  /** Instance names of the bodies an inline plugin is written in: a `register` on them loads into this plugin. */
  outerInstanceNames?: Set<string>;
}

type ObjectLiteral = { file: ScannedSourceFile; node: ts.ObjectLiteralExpression };
interface PluginOptions {
  parameter: string;
  passed: ObjectLiteral;
}

interface Decoration {
  file: ScannedSourceFile;
  value: ts.Expression;
}

const MAX_PLUGIN_DEPTH = 24;

class FastifyRouteCollector {
  private readonly routes: PendingRoute[] = [];
  private readonly decorations = new Map<string, Decoration>();
  /** `fastify.decorateRequest('isAdmin', isAdmin)`: methods hooks call on the request (`request.isAdmin(reply)`). */
  private readonly requestDecorations = new Map<string, Decoration>();
  /** Plugin functions on the current registration path: a plugin that registers itself is not followed twice. */
  private readonly activePlugins: ts.Node[] = [];
  /** The bodies being walked and the instance names each knows, outermost first (see enclosingInstanceNames). */
  private readonly walkedBodies: Array<{ body: ts.Node; names: Set<string> }> = [];
  private readonly visitedPlugins = new Set<ts.Node>();
  /** Server factories by function (null: not one, or being judged). */
  private readonly factoryCache = new Map<ts.Node, { names: Set<string>; inner?: ResolvedFunction } | null>();
  private readonly candidateFiles: ScannedSourceFile[];

  constructor(private readonly context: AdapterContext) {
    this.candidateFiles = context.sourceFiles.filter((file) => /fastify|\.register\s*\(|\.route\s*\(|\.decorate\s*\(/i.test(file.text));
  }

  collect(): RouteDefinition[] {
    this.collectDecorations();
    const rootFiles = new Set<ScannedSourceFile>();
    // Files that may create the instance through a wrapper's factory (`const app = createServer(config)`) without
    // naming fastify: a cheap text filter first, the factory's body decides (serverFactory).
    const candidates = new Set(this.candidateFiles);
    const factoryCallers = this.context.sourceFiles.filter((file) => !candidates.has(file) && SERVER_FACTORY_CALL.test(file.text));
    for (const file of [...this.candidateFiles, ...factoryCallers]) {
      for (const root of this.findInstanceRoots(file)) {
        rootFiles.add(file);
        const context: PluginContext = { prefix: '', inheritedHookCount: 0, hooks: [], scope: 'global' };
        // `const server = createServer(config)`: the wrapper's own hooks and registrations come first.
        const factoryCall = root.declaration.initializer && this.factoryOf(file, root.declaration.initializer);
        if (factoryCall) this.walkServerFactory(factoryCall, context);
        this.walkBody(file, root.scope, new Set([root.name]), context);
        for (const other of this.context.sourceFiles) {
          if (other === file || !other.text.includes(`${root.name}.`)) continue;
          const names = this.importedNamesOf(other, root.declaration);
          if (names.size > 0) this.walkBody(other, other.sourceFile, names, context);
        }
      }
    }
    this.collectPipelines();
    // Plugins nothing in the scanned code registers are loaded by a runner (fastify-cli, a test
    // harness, a serverless wrapper): the application's entry plugin. Treat each as a root.
    const registered = this.registeredElsewhere();
    for (const file of this.candidateFiles) {
      if (rootFiles.has(file) || registered.directories.some((directory) => file.path.startsWith(directory))) continue;
      const plugin = this.pluginOfModule(file);
      const candidates = plugin ? [plugin.fn] : this.instanceTakingExports(file);
      for (const fn of candidates) {
        if (registered.plugins.has(fn.node) || this.visitedPlugins.has(fn.node)) continue;
        if (!looksLikePluginBody(fn)) continue;
        const context: PluginContext = { prefix: '', inheritedHookCount: 0, hooks: [], scope: 'global' };
        this.walkPlugin(fn, context);
      }
    }
    // One plugin reached from two entry points (a server and a serverless wrapper) is one set of routes.
    const seen = new Set<string>();
    const definitions: RouteDefinition[] = [];
    for (const route of this.routes) {
      const key = `${route.file.path}:${route.position.line}:${route.position.column}:${route.method}:${route.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      definitions.push(this.toDefinition(route));
    }
    return definitions;
  }

  /** `fastify.decorate('authenticate', fn)` anywhere: decorations are reached through any instance. */
  private collectDecorations(): void {
    for (const file of this.candidateFiles) {
      if (!file.text.includes('.decorate')) continue;
      for (const node of nodesOfKind(file.sourceFile, ts.SyntaxKind.CallExpression) as ts.CallExpression[]) {
        if (ts.isPropertyAccessExpression(node.expression) && node.arguments.length >= 2) {
          const method = node.expression.name.text;
          const target = method === 'decorate' ? this.decorations : method === 'decorateRequest' ? this.requestDecorations : undefined;
          const name = target && staticString(this.context.modules, file, node.arguments[0]!);
          if (target && name !== undefined && !target.has(name)) target.set(name, { file, value: node.arguments[1]! });
        }
      }
    }
  }

  /**
   * A decoration met while walking a plugin the scan does not list: a workspace package's auth plugin
   * read from outside the scanned folder (`adminJwtAuthPlugin` decorating `verifyAdmin`). Plugins load
   * before the routes that use their decorations, so it is known by the time a hook names it.
   */
  private recordDecoration(call: ts.CallExpression, state: WalkState): void {
    const [nameArgument, value] = call.arguments;
    const name = nameArgument && value && staticString(this.context.modules, state.file, nameArgument);
    if (name !== undefined && name !== '' && !this.decorations.has(name)) this.decorations.set(name, { file: state.file, value: value! });
  }

  /** `const app = fastify()`, `Fastify({ logger })`, `require('fastify')()`, chains such as `.withTypeProvider()`, and a wrapper's `createServer(config)`. */
  private findInstanceRoots(file: ScannedSourceFile): Array<{ name: string; declaration: ts.VariableDeclaration; scope: ts.Node }> {
    if (!/fastify/i.test(file.text) && !SERVER_FACTORY_CALL.test(file.text)) return [];
    const roots: Array<{ name: string; declaration: ts.VariableDeclaration; scope: ts.Node }> = [];
    for (const node of nodesOfKind(file.sourceFile, ts.SyntaxKind.VariableDeclaration) as ts.VariableDeclaration[]) {
      if (ts.isIdentifier(node.name) && node.initializer && this.createsInstance(file, node.initializer)) {
        roots.push({ name: node.name.text, declaration: node, scope: enclosingScope(node) });
      }
    }
    return roots;
  }

  private createsInstance(file: ScannedSourceFile, expression: ts.Expression): boolean {
    let value = skipOuterExpressions(expression);
    while (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && CHAINABLE.has(value.expression.name.text)) {
      value = skipOuterExpressions(value.expression.expression);
    }
    if (!ts.isCallExpression(value)) return false;
    const callee = skipOuterExpressions(value.expression);
    if (requiredModule(callee) === 'fastify') return true;
    // `const server = createServer(config)`: a wrapper (a workspace package's server factory) that returns `fastify()`.
    const factory = resolveFunction(this.context.modules, file, callee);
    if (factory && this.serverFactory(factory)) return true;
    const root = ts.isPropertyAccessExpression(callee) ? skipOuterExpressions(callee.expression) : callee;
    if (!ts.isIdentifier(root)) return false;
    const binding = this.context.modules.resolveName(file, root.text);
    return binding?.kind === 'external' && binding.module === 'fastify';
  }

  /**
   * A function that returns a Fastify instance it creates (`const server = Fastify(opts); return server.register(...)`),
   * directly or through another such factory: what `createServer(config)` of a wrapper package is.
   * Returns the local names the instance has in its body, for walking its hooks and registrations.
   */
  private serverFactory(fn: ResolvedFunction, depth = 0): { names: Set<string>; inner?: ResolvedFunction } | undefined {
    const known = this.factoryCache.get(fn.node);
    if (known !== undefined) return known ?? undefined;
    this.factoryCache.set(fn.node, null);
    const result = depth > MAX_FACTORY_DEPTH || !fn.node.body ? undefined : this.serverFactoryUncached(fn, depth);
    this.factoryCache.set(fn.node, result ?? null);
    return result;
  }

  private serverFactoryUncached(fn: ResolvedFunction, depth: number): { names: Set<string>; inner?: ResolvedFunction } | undefined {
    const body = fn.node.body!;
    const returned: ts.Expression[] = [];
    if (!ts.isBlock(body)) returned.push(body as ts.Expression);
    else {
      const visit = (node: ts.Node): void => {
        if (ts.isReturnStatement(node) && node.expression) returned.push(node.expression);
        if (!isFunctionLike(node)) ts.forEachChild(node, visit);
      };
      body.statements.forEach(visit);
    }
    for (const expression of returned) {
      let value = skipOuterExpressions(expression);
      while (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && CHAINABLE.has(value.expression.name.text)) value = skipOuterExpressions(value.expression.expression);
      if (ts.isIdentifier(value)) {
        const declaration = localDeclaration(value);
        const initializer = declaration?.initializer;
        if (!initializer) continue;
        const creation = this.instanceCreation(fn.file, initializer, depth);
        if (creation) return { names: new Set([value.text]), ...(creation.inner ? { inner: creation.inner } : {}) };
        continue;
      }
      const creation = this.instanceCreation(fn.file, value, depth);
      // `return Fastify(opts)`: nothing in the body runs on the instance.
      if (creation) return { names: new Set(), ...(creation.inner ? { inner: creation.inner } : {}) };
    }
    return undefined;
  }

  /** `Fastify(opts)` (with chained calls), or a call of another server factory (`inner`). */
  private instanceCreation(file: ScannedSourceFile, expression: ts.Expression, depth: number): { inner?: ResolvedFunction } | undefined {
    let value = skipOuterExpressions(expression);
    while (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && CHAINABLE.has(value.expression.name.text)) value = skipOuterExpressions(value.expression.expression);
    if (!ts.isCallExpression(value)) return undefined;
    const callee = skipOuterExpressions(value.expression);
    if (requiredModule(callee) === 'fastify') return {};
    const root = ts.isPropertyAccessExpression(callee) ? skipOuterExpressions(callee.expression) : callee;
    if (ts.isIdentifier(root)) {
      const binding = this.context.modules.resolveName(file, root.text);
      if (binding?.kind === 'external' && binding.module === 'fastify') return {};
    }
    const inner = resolveFunction(this.context.modules, file, callee);
    return inner && this.serverFactory(inner, depth + 1) ? { inner } : undefined;
  }

  /** The server factory an instance's initializer calls (`createServer(config).withTypeProvider()`), if it is one. */
  private factoryOf(file: ScannedSourceFile, initializer: ts.Expression): ResolvedFunction | undefined {
    let value = skipOuterExpressions(initializer);
    while (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && CHAINABLE.has(value.expression.name.text)) value = skipOuterExpressions(value.expression.expression);
    if (!ts.isCallExpression(value)) return undefined;
    const fn = resolveFunction(this.context.modules, file, value.expression);
    return fn && this.serverFactory(fn) ? fn : undefined;
  }

  /** Walks a server factory's own hooks and registrations (its inner factory's first) into the root context. */
  private walkServerFactory(fn: ResolvedFunction, context: PluginContext): void {
    const factory = this.serverFactory(fn);
    if (!factory || this.activePlugins.includes(fn.node)) return;
    this.activePlugins.push(fn.node);
    if (factory.inner) this.walkServerFactory(factory.inner, context);
    if (factory.names.size > 0) this.walkBody(fn.file, fn.node.body!, new Set(factory.names), context);
    this.activePlugins.pop();
  }

  /**
   * `flow(createServer, initServer, listenServer)(config)`: the functions after a server factory in a
   * left-to-right pipeline receive its instance as their first parameter, in one root context that
   * starts with the factory's own hooks (the wrapper's helmet, loggers, error handlers).
   */
  private collectPipelines(): void {
    for (const file of this.context.sourceFiles) {
      if (!/\b(?:flow|pipe)\s*\(/.test(file.text)) continue;
      for (const call of nodesOfKind(file.sourceFile, ts.SyntaxKind.CallExpression) as ts.CallExpression[]) {
        // Only calls spelled like a pipeline (`flow(...)`, `_.flow(...)`, `R.pipe(...)`) are looked up.
        const callee = skipOuterExpressions(call.expression);
        const calleeName = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
        if (calleeName !== 'flow' && calleeName !== 'pipe') continue;
        const helper = importedValue(this.context.modules, file, call.expression);
        if (!helper || !FUNCTION_PIPELINES[helper.module]?.includes(helper.name)) continue;
        let context: PluginContext | undefined;
        for (const argument of call.arguments) {
          const fn = resolveFunction(this.context.modules, file, argument);
          if (!fn) continue;
          if (!context) {
            if (!this.serverFactory(fn)) continue;
            context = { prefix: '', inheritedHookCount: 0, hooks: [], scope: 'global' };
            this.walkServerFactory(fn, context);
            continue;
          }
          if (!this.visitedPlugins.has(fn.node)) this.walkPlugin(fn, context);
        }
      }
    }
  }

  /** Names another file imports the root instance under (`import { app } from './server'`). */
  private importedNamesOf(file: ScannedSourceFile, declaration: ts.VariableDeclaration): Set<string> {
    const names = new Set<string>();
    for (const statement of file.sourceFile.statements) {
      if (!ts.isImportDeclaration(statement) || !statement.importClause) continue;
      const clause = statement.importClause;
      const locals = [clause.name?.text, ...(clause.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements.map((e) => e.name.text) : [])];
      for (const local of locals) {
        if (!local) continue;
        const binding = this.context.modules.resolveName(file, local);
        if (binding?.kind === 'declaration' && binding.node === declaration) names.add(local);
      }
    }
    return names;
  }

  /**
   * Named exports that set an instance up: `const initServer = (server) => server.register(...)...;
   * module.exports = { initServer }`, handed the instance a wrapper package creates
   * (`flow(createServer, initServer, listenServer)(config)`). A function the scanned code calls
   * itself (`initServer(app)`) is not one: its caller decides the context, and a root here would
   * lose the caller's prefix and hooks.
   */
  private instanceTakingExports(file: ScannedSourceFile): ResolvedFunction[] {
    const found: ResolvedFunction[] = [];
    for (const name of exportedNames(file.sourceFile)) {
      const binding = this.context.modules.resolveExport(file, name);
      if (binding?.kind !== 'declaration' || binding.file !== file) continue;
      const value = bindingValue(binding);
      const fn: ResolvedFunction | undefined =
        value && ts.isFunctionDeclaration(value) ? { file, node: value, name } : value && ts.isExpression(value) && isFunctionLike(value) ? resolveFunction(this.context.modules, file, value) : undefined;
      if (!fn || fn.file !== file || this.calledByName(name)) continue;
      found.push(fn);
    }
    return found;
  }

  private calledByName(name: string): boolean {
    return this.namesCalled().has(name);
  }

  private calledNames: Set<string> | undefined;
  /** Every bare name called somewhere in the project (`initServer(app)`), declarations (`function initServer(`) left out: one pass over the texts. */
  private namesCalled(): Set<string> {
    if (this.calledNames) return this.calledNames;
    const names = new Set<string>();
    for (const file of this.context.sourceFiles) {
      for (const match of file.text.matchAll(/(?<![\w$.])([A-Za-z_$][\w$]*)\s*\(/g)) {
        if (!/\bfunction\s*$/.test(file.text.slice(Math.max(0, match.index - 12), match.index))) names.add(match[1]!);
      }
    }
    this.calledNames = names;
    return names;
  }

  /** What `register(...)` calls anywhere reach: plugin functions and autoloaded files are not roots. */
  private registeredElsewhere(): { plugins: Set<ts.Node>; directories: string[] } {
    const plugins = new Set<ts.Node>();
    const directories: string[] = [];
    for (const file of this.candidateFiles) {
      if (!file.text.includes('register')) continue;
      for (const node of nodesOfKind(file.sourceFile, ts.SyntaxKind.CallExpression) as ts.CallExpression[]) {
        if (ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'register' && node.arguments.length > 0) {
          const target = this.pluginTarget(file, node.arguments[0]!);
          if (target?.kind === 'function') plugins.add(target.fn.node);
          if (target?.kind === 'package' && AUTOLOAD_PACKAGES.has(target.module)) {
            // Everything under an autoload folder is loaded by it (or is a helper it skips), never an entry point.
            const directory = autoloadOptionsDirectory(this.context.modules, file, node.arguments[1]);
            if (directory !== undefined) directories.push(directory === '' ? '' : `${directory}/`);
          }
        }
      }
    }
    return { plugins, directories };
  }

  /** The default export of a module as a plugin function, unwrapping fastify-plugin. */
  private pluginOfModule(file: ScannedSourceFile): { fn: ResolvedFunction; encapsulated: boolean } | undefined {
    const binding = this.context.modules.resolveExport(file, 'default');
    if (binding?.kind !== 'declaration') return undefined;
    const value = bindingValue(binding);
    if (!value) return undefined;
    if (ts.isFunctionDeclaration(value)) return { fn: { file: binding.file, node: value, name: value.name?.text ?? 'default' }, encapsulated: !hasSkipOverride(binding.file) };
    if (!ts.isExpression(value)) return undefined;
    const target = this.pluginTarget(binding.file, value);
    return target?.kind === 'function' ? { fn: target.fn, encapsulated: target.encapsulated } : undefined;
  }

  /** What a register argument is: a plugin function (fastify-plugin wrapped or not), a package, or unknown. */
  private pluginTarget(
    file: ScannedSourceFile,
    expression: ts.Expression,
    depth = 0,
  ): { kind: 'function'; fn: ResolvedFunction; encapsulated: boolean } | { kind: 'package'; module: string } | undefined {
    if (depth > 6) return undefined;
    const value = skipOuterExpressions(expression);
    const required = requiredModule(value);
    if (required !== undefined) {
      const target = this.context.modules.resolveImport(file, required);
      if (!target) return { kind: 'package', module: required };
      const plugin = this.pluginOfModule(target);
      return plugin && { kind: 'function', ...plugin };
    }
    if (ts.isCallExpression(value) && this.isFastifyPluginCall(file, value)) {
      const inner = value.arguments[0] && this.pluginTarget(file, value.arguments[0], depth + 1);
      return inner?.kind === 'function' ? { ...inner, encapsulated: false } : inner;
    }
    if (ts.isIdentifier(value)) {
      const binding = this.context.modules.resolveName(file, value.text);
      if (binding?.kind === 'external') return { kind: 'package', module: binding.module };
      const local = findLocalValue(value);
      if (local) return this.pluginTarget(file, local, depth + 1);
      const target = bindingValue(binding);
      if (binding?.kind === 'declaration' && target) {
        if (ts.isFunctionDeclaration(target)) return { kind: 'function', fn: { file: binding.file, node: target, name: target.name?.text ?? value.text }, encapsulated: true };
        if (ts.isExpression(target)) return this.pluginTarget(binding.file, target, depth + 1);
      }
      const fn = resolveFunction(this.context.modules, file, value);
      return fn && { kind: 'function', fn, encapsulated: true };
    }
    if (isFunctionLike(value)) {
      const fn = resolveFunction(this.context.modules, file, value);
      return fn && { kind: 'function', fn, encapsulated: true };
    }
    if (ts.isPropertyAccessExpression(value)) {
      const fn = resolveFunction(this.context.modules, file, value);
      return fn && { kind: 'function', fn, encapsulated: true };
    }
    return undefined;
  }

  private isFastifyPluginCall(file: ScannedSourceFile, call: ts.CallExpression): boolean {
    const callee = skipOuterExpressions(call.expression);
    if (requiredModule(callee) === FASTIFY_PLUGIN_PACKAGE) return true;
    if (!ts.isIdentifier(callee)) return false;
    const binding = this.context.modules.resolveName(file, callee.text);
    if (binding?.kind === 'external') return binding.module === FASTIFY_PLUGIN_PACKAGE;
    return binding === undefined && /^(?:fp|fastifyPlugin)$/.test(callee.text);
  }

  /** Walks a plugin function's body in `context`, the instance being its first parameter. */
  private walkPlugin(fn: ResolvedFunction, context: PluginContext, passedOptions?: ObjectLiteral): void {
    if (this.activePlugins.includes(fn.node) || this.activePlugins.length > MAX_PLUGIN_DEPTH || !fn.node.body) return;
    const first = fn.node.parameters[0];
    if (!first || !ts.isIdentifier(first.name)) return;
    const second = fn.node.parameters[1];
    const pluginOptions = passedOptions && second && ts.isIdentifier(second.name) ? { parameter: second.name.text, passed: passedOptions } : undefined;
    this.visitedPlugins.add(fn.node);
    this.activePlugins.push(fn.node);
    const outer = this.enclosingInstanceNames(fn.node);
    this.walkBody(fn.file, fn.node.body, new Set([first.name.text]), context, pluginOptions, outer);
    this.activePlugins.pop();
  }

  /**
   * An inline plugin can name the instance of the body it is written in (`fastify.register(async (f) =>
   * { await fastify.register(requestContext); f.register(routes) }, { prefix: '/api' })`). Fastify's
   * loader registers whatever is registered while a plugin loads into that plugin, whichever instance
   * the call is made on, so `fastify.register(...)` there acts as `f.register(...)`. Other calls on the
   * outer name (routes, hooks) stay the outer instance's and are not modelled here.
   */
  private enclosingInstanceNames(node: ts.Node): Set<string> | undefined {
    const own = new Set(isFunctionLike(node) ? node.parameters.flatMap((parameter) => (ts.isIdentifier(parameter.name) ? [parameter.name.text] : [])) : []);
    const names = new Set<string>();
    for (const walked of this.walkedBodies) {
      if (walked.body.getSourceFile() !== node.getSourceFile() || node.pos < walked.body.pos || node.end > walked.body.end) continue;
      for (const name of walked.names) if (!own.has(name)) names.add(name);
    }
    return names.size > 0 ? names : undefined;
  }

  private walkBody(file: ScannedSourceFile, body: ts.Node, instanceNames: Set<string>, context: PluginContext, pluginOptions?: PluginOptions, outerInstanceNames?: Set<string>): void {
    const state: WalkState = { file, instanceNames, context, deferred: [], ...(pluginOptions ? { pluginOptions } : {}), ...(outerInstanceNames ? { outerInstanceNames } : {}) };
    this.walkedBodies.push({ body, names: instanceNames });
    try {
      this.visit(body, state);
      this.flushDeferred(state);
    } finally {
      this.walkedBodies.pop();
    }
  }

  private flushDeferred(state: WalkState): void {
    while (state.deferred.length > 0) state.deferred.shift()!();
  }

  private visit(node: ts.Node, state: WalkState): void {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && this.isInstance(node.initializer, state)) {
      // const api = fastify.withTypeProvider<...>() is the same instance under another name.
      this.visit(node.initializer, state);
      state.instanceNames.add(node.name.text);
      return;
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'register' && state.outerInstanceNames
      && ts.isIdentifier(node.expression.expression) && state.outerInstanceNames.has(node.expression.expression.text) && !state.instanceNames.has(node.expression.expression.text)) {
      this.register(node, state);
      return;
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && this.isInstance(node.expression.expression, state)) {
      this.visit(node.expression.expression, state);
      if (this.handleInstanceCall(node, node.expression.name.text, state)) return;
      node.arguments.forEach((argument) => this.visit(argument, state));
      return;
    }
    if (isFunctionLike(node) && node.parameters.some((parameter) => ts.isIdentifier(parameter.name) && state.instanceNames.has(parameter.name.text))) {
      // A nested function whose parameter reuses the instance's name (`async function routes(app)`) is another plugin, not this instance.
      const shadowed = new Set([...state.instanceNames].filter((name) => !node.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === name)));
      ts.forEachChild(node, (child) => this.visit(child, { ...state, instanceNames: shadowed }));
      return;
    }
    ts.forEachChild(node, (child) => this.visit(child, state));
  }

  private isInstance(expression: ts.Expression, state: WalkState): boolean {
    const value = skipOuterExpressions(expression);
    if (ts.isIdentifier(value)) return state.instanceNames.has(value.text);
    if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && CHAINABLE.has(value.expression.name.text)) {
      return this.isInstance(value.expression.expression, state);
    }
    return false;
  }

  /** True when the call was handled (its arguments need no generic walk). */
  private handleInstanceCall(call: ts.CallExpression, method: string, state: WalkState): boolean {
    const shorthand = SHORTHAND_METHODS[method];
    if (shorthand) {
      this.addShorthandRoute(call, shorthand, state);
      return true;
    }
    switch (method) {
      case 'route':
        this.addRouteObject(call, state);
        return true;
      case 'addHook':
        this.addContextHook(call, state);
        return true;
      case 'use':
        this.addUseMiddleware(call, state);
        return true;
      case 'register':
        this.register(call, state);
        return true;
      case 'after':
      case 'ready':
        if (isAwaited(call)) this.flushDeferred(state);
        return false;
      case 'decorate':
        this.recordDecoration(call, state);
        return false;
      default:
        return false;
    }
  }

  /** `fastify.get(url, handler)`, `fastify.get(url, options, handler)`, `fastify.get(url, { handler, ...options })`. */
  private addShorthandRoute(call: ts.CallExpression, method: HttpMethod, state: WalkState): void {
    const [urlArgument, second, third] = call.arguments;
    if (!urlArgument) return;
    let options: ReturnType<typeof objectLiteralOf>;
    let handlerExpression: ts.Expression | undefined;
    if (third) {
      options = objectLiteralOf(this.context.modules, state.file, second);
      handlerExpression = third;
    } else if (second) {
      options = isFunctionLike(skipOuterExpressions(second)) ? undefined : objectLiteralOf(this.context.modules, state.file, second);
      if (!options) handlerExpression = second;
    }
    this.addRoute(call, [method], this.routeUrl(urlArgument, state), options, handlerExpression, state);
  }

  private addRouteObject(call: ts.CallExpression, state: WalkState): void {
    const options = objectLiteralOf(this.context.modules, state.file, call.arguments[0]);
    if (!options) return;
    const methodExpression = propertyValue(options.node, 'method');
    const methods: HttpMethod[] = [];
    const collect = (expression: ts.Expression): void => {
      const value = skipOuterExpressions(expression);
      if (ts.isArrayLiteralExpression(value)) value.elements.forEach(collect);
      else {
        const name = staticString(this.context.modules, options.file, value)?.toUpperCase();
        if (name && HTTP_METHOD_NAMES.has(name)) methods.push(name as HttpMethod);
      }
    };
    if (methodExpression) collect(methodExpression);
    const urlExpression = propertyValue(options.node, 'url') ?? propertyValue(options.node, 'path');
    if (methods.length === 0 || !urlExpression) return;
    this.addRoute(call, methods, this.routeUrl(urlExpression, { ...state, file: options.file }), options, undefined, state);
  }

  private routeUrl(expression: ts.Expression, state: WalkState): string {
    const known = staticString(this.context.modules, state.file, expression);
    if (known !== undefined) return known;
    // `/:projectId/${column}` registered in a loop over columns: each value the code fills in is a path segment
    // the route answers under, shown as a parameter named after it (`/:projectId/:column`).
    const value = skipOuterExpressions(expression);
    if (ts.isTemplateExpression(value) && value.head.text.startsWith('/')) {
      let text = value.head.text;
      for (const span of value.templateSpans) {
        const part = staticString(this.context.modules, state.file, span.expression);
        const inner = skipOuterExpressions(span.expression);
        const name = ts.isIdentifier(inner) ? inner.text : ts.isPropertyAccessExpression(inner) ? inner.name.text : 'param';
        text += (part ?? (text.endsWith('/') ? `:${name}` : `{${name}}`)) + span.literal.text;
      }
      return text;
    }
    return `{${expression.getText(state.file.sourceFile)}}`;
  }

  private addRoute(
    call: ts.CallExpression,
    methods: HttpMethod[],
    url: string,
    options: { file: ScannedSourceFile; node: ts.ObjectLiteralExpression } | undefined,
    handlerExpression: ts.Expression | undefined,
    state: WalkState,
  ): void {
    const routeHooks: PendingRoute['routeHooks'] = [];
    let schemaValidation: RouteMiddleware | undefined;
    let rateLimitConfig: PendingRoute['rateLimitConfig'];
    let handler: ResolvedFunction | undefined;
    let contextParameter: number | undefined;
    if (options) {
      const optionState = { ...state, file: options.file };
      // @fastify/websocket: the handler of a `{ websocket: true }` route gets the socket first, the request second.
      if (propertyValue(options.node, 'websocket')?.kind === ts.SyntaxKind.TrueKeyword) contextParameter = 1;
      for (const phase of HOOK_PHASES) {
        const hookExpression = propertyValue(options.node, phase);
        if (hookExpression) routeHooks.push({ phase, middleware: this.describeHooks(hookExpression, optionState, 'route') });
      }
      schemaValidation = this.schemaValidation(options.node, options.file);
      rateLimitConfig = this.routeRateLimit(options.node, options.file);
      const handlerProperty = propertyValue(options.node, 'handler');
      const handlerMethod = methodProperty(options.node, 'handler');
      if (handlerMethod) handler = { file: options.file, node: handlerMethod, name: 'handler' };
      else if (handlerProperty) handler = resolveFunction(this.context.modules, options.file, handlerProperty);
    }
    if (!handler && handlerExpression) handler = resolveFunction(this.context.modules, state.file, handlerExpression);
    const chained = ts.isPropertyAccessExpression(call.expression) && ts.isCallExpression(skipOuterExpressions(call.expression.expression));
    const position = nodePosition(chained ? (call.expression as ts.PropertyAccessExpression).name : call);
    for (const method of methods) {
      const route: PendingRoute = {
        context: state.context,
        method,
        path: joinRoutePath(state.context.prefix, url),
        file: state.file,
        position,
        routeHooks,
        rateLimitConfig,
      };
      if (handler) route.handler = handler;
      if (contextParameter !== undefined) route.contextParameter = contextParameter;
      if (schemaValidation) route.schemaValidation = schemaValidation;
      this.routes.push(route);
    }
  }

  /** A route `schema` that describes input (body, querystring, params, headers): Fastify rejects what does not match. */
  private schemaValidation(options: ts.ObjectLiteralExpression, file: ScannedSourceFile): RouteMiddleware | undefined {
    const schemaExpression = propertyValue(options, 'schema');
    if (!schemaExpression) return undefined;
    const schema = objectLiteralOf(this.context.modules, file, schemaExpression);
    if (schema && !['body', 'querystring', 'query', 'params', 'headers'].some((part) => propertyValue(schema.node, part))) return undefined;
    // `attachValidation: true` hands the handler a request that failed validation: no field is vouched for.
    const attached = propertyValue(options, 'attachValidation')?.kind === ts.SyntaxKind.TrueKeyword;
    const validatedFields = attached ? [] : routeSchemaFields(this.context.modules, file, schemaExpression);
    return {
      ...(validatedFields.length > 0 ? { validatedFields } : {}),
      name: 'schema',
      file: file.path,
      line: nodePosition(schemaExpression).line,
      kind: 'validation',
      strength: schema ? 'strong' : 'name-only',
      evidence: 'Fastify validates the request against the route schema and answers 400',
      scope: 'route',
    };
  }

  /** `config: { rateLimit: false }` opts out of a global limiter; `config: { rateLimit: {...} }` sets one for the route. */
  private routeRateLimit(options: ts.ObjectLiteralExpression, file: ScannedSourceFile): PendingRoute['rateLimitConfig'] {
    const config = objectLiteralOf(this.context.modules, file, propertyValue(options, 'config'));
    const rateLimit = config && propertyValue(config.node, 'rateLimit');
    if (!rateLimit) return undefined;
    if (rateLimit.kind === ts.SyntaxKind.FalseKeyword) return false;
    return {
      name: 'config.rateLimit',
      file: config.file.path,
      line: nodePosition(rateLimit).line,
      kind: 'rate-limit',
      strength: 'strong',
      evidence: '@fastify/rate-limit route config',
      scope: 'route',
    };
  }

  private addContextHook(call: ts.CallExpression, state: WalkState): void {
    const [nameArgument, hookExpression] = call.arguments;
    const phase = nameArgument && this.hookPhaseName(nameArgument, state);
    if (!phase || !isHookPhase(phase) || !hookExpression) return;
    const hook: ContextHook = { phase, middleware: this.describeHooks(hookExpression, state, state.context.scope) };
    const inline = skipOuterExpressions(hookExpression);
    const skips = isFunctionLike(inline) ? hookSkipPredicate(inline as ts.ArrowFunction) : undefined;
    if (skips) hook.skips = skips;
    state.context.hooks.push(hook);
  }

  /**
   * The phase an addHook names: a literal, or a plugin option with a default
   * (`addHook(options.hook ?? 'preValidation', verify)`, `opts.hook || 'onRequest'`): the default is
   * where the hook runs unless a caller chose otherwise, and every choice is a phase before the handler
   * that counts here, so the default stands for it.
   */
  private hookPhaseName(expression: ts.Expression, state: WalkState): string | undefined {
    const value = skipOuterExpressions(expression);
    const literal = staticString(this.context.modules, state.file, value);
    if (literal !== undefined) return literal;
    const passed = this.passedOption(value, state);
    if (passed !== undefined) return passed;
    if (ts.isBinaryExpression(value) && (value.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || value.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
      return this.passedOption(skipOuterExpressions(value.left), state) ?? staticString(this.context.modules, state.file, value.right);
    }
    return undefined;
  }

  /** `options.hook` in a plugin registered with `register(plugin, { hook: 'preHandler' })`: the string passed. */
  private passedOption(expression: ts.Expression, state: WalkState): string | undefined {
    const options = state.pluginOptions;
    if (!options || !ts.isPropertyAccessExpression(expression) || !ts.isIdentifier(expression.expression) || expression.expression.text !== options.parameter) return undefined;
    const passed = propertyValue(options.passed.node, expression.name.text);
    return passed && staticString(this.context.modules, options.passed.file, passed);
  }

  /** `fastify.use(mw)` / `fastify.use('/admin', mw)` (@fastify/middie, @fastify/express): runs with the onRequest hooks. */
  private addUseMiddleware(call: ts.CallExpression, state: WalkState): void {
    const [first, second] = call.arguments;
    if (!first) return;
    const scopedPath = second ? staticString(this.context.modules, state.file, first) : undefined;
    const middlewareExpression = second ?? first;
    const hook: ContextHook = { phase: 'onRequest', middleware: this.describeHooks(middlewareExpression, state, state.context.scope) };
    if (scopedPath !== undefined) hook.pathPrefix = joinRoutePath(state.context.prefix, scopedPath);
    state.context.hooks.push(hook);
  }

  private register(call: ts.CallExpression, state: WalkState): void {
    const [pluginExpression, optionsExpression] = call.arguments;
    if (!pluginExpression) return;
    const target = this.pluginTarget(state.file, pluginExpression);
    if (!target) return;
    const context = state.context;
    let load: (() => void) | undefined;
    if (target.kind === 'package') {
      if (AUTOLOAD_PACKAGES.has(target.module)) load = () => this.autoload(state.file, optionsExpression, context);
      else if (RATE_LIMIT_PACKAGES.has(target.module)) {
        const options = objectLiteralOf(this.context.modules, state.file, optionsExpression);
        if (options && propertyValue(options.node, 'global')?.kind === ts.SyntaxKind.FalseKeyword) return;
        const middleware = this.context.middleware.describe(pluginExpression, state.file, context.scope);
        load = () => context.hooks.push({ phase: 'onRequest', middleware: [middleware], fromRateLimitPlugin: true });
      } else if (HOOK_ADDING_AUTH_PACKAGES.has(target.module)) {
        const options = objectLiteralOf(this.context.modules, state.file, optionsExpression);
        if (options && propertyValue(options.node, 'addHook')?.kind === ts.SyntaxKind.FalseKeyword) return;
        const middleware = this.context.middleware.describe(pluginExpression, state.file, context.scope);
        load = () => context.hooks.push({ phase: 'onRequest', middleware: [middleware] });
      }
    } else {
      const options = objectLiteralOf(this.context.modules, state.file, optionsExpression);
      const prefixExpression = options && propertyValue(options.node, 'prefix');
      const prefix = (prefixExpression && staticString(this.context.modules, options.file, prefixExpression)) ?? '';
      load = () => this.loadPlugin(target.fn, target.encapsulated, prefix, context, options);
    }
    if (!load) return;
    if (isAwaited(call)) load();
    else state.deferred.push(load);
  }

  private loadPlugin(fn: ResolvedFunction, encapsulated: boolean, prefix: string, parent: PluginContext, options?: ObjectLiteral): void {
    // fastify-plugin breaks encapsulation: the plugin's hooks, routes and prefix-less registrations belong to the parent.
    const context: PluginContext = encapsulated
      ? { prefix: joinRoutePath(parent.prefix, prefix), parent, inheritedHookCount: parent.hooks.length, hooks: [], scope: 'router' }
      : parent;
    this.walkPlugin(fn, context, options);
  }

  private autoload(file: ScannedSourceFile, optionsExpression: ts.Expression | undefined, parent: PluginContext): void {
    for (const loaded of autoloadedPlugins(this.context.modules, this.context.sourceFiles, file, optionsExpression)) {
      const plugin = this.pluginOfModule(loaded.file);
      if (!plugin) {
        this.autoloadPackagePlugin(loaded.file, parent);
        continue;
      }
      // autoHooks: autoload registers the folder's autohooks in an encapsulated context that wraps the folder's plugins.
      let context = parent;
      if (loaded.hooks.length > 0) {
        context = { prefix: parent.prefix, parent, inheritedHookCount: parent.hooks.length, hooks: [], scope: 'router' };
        for (const hooksFile of loaded.hooks) {
          const hooks = this.pluginOfModule(hooksFile);
          if (hooks) this.loadPlugin(hooks.fn, false, '', context);
        }
      }
      this.loadPlugin(plugin.fn, plugin.encapsulated, loaded.prefix, context);
    }
  }

  /**
   * An autoloaded file that exports a package as its plugin (`export default fastifyRateLimit`, or
   * wrapped, `export default fp(fastifyRateLimit, { name })` as the fastify/demo layout does; options
   * in `autoConfig`): autoload registers the package in the parent context, as `register` would.
   */
  private autoloadPackagePlugin(file: ScannedSourceFile, context: PluginContext): void {
    const exported = file.sourceFile.statements.find(ts.isExportAssignment)?.expression;
    const target = exported && this.pluginTarget(file, exported);
    if (!exported || target?.kind !== 'package') return;
    // The package itself is what the middleware classifier knows, not the fastify-plugin call around it.
    let plugin = skipOuterExpressions(exported);
    while (ts.isCallExpression(plugin) && this.isFastifyPluginCall(file, plugin) && plugin.arguments[0]) plugin = skipOuterExpressions(plugin.arguments[0]);
    if (RATE_LIMIT_PACKAGES.has(target.module)) {
      // `autoConfig` may turn the global hook off, as the register options would.
      if (/\bglobal\s*:\s*false\b/.test(file.text)) return;
      context.hooks.push({ phase: 'onRequest', middleware: [this.context.middleware.describe(plugin, file, context.scope)], fromRateLimitPlugin: true });
    } else if (HOOK_ADDING_AUTH_PACKAGES.has(target.module)) {
      context.hooks.push({ phase: 'onRequest', middleware: [this.context.middleware.describe(plugin, file, context.scope)] });
    }
  }

  /** A hook option or addHook argument: one function, an array of them, or `fastify.auth([...])`. */
  private describeHooks(expression: ts.Expression, state: WalkState, scope: RouteMiddleware['scope']): RouteMiddleware[] {
    const value = skipOuterExpressions(expression);
    if (ts.isArrayLiteralExpression(value)) {
      return value.elements.flatMap((element) => this.describeHooks(ts.isSpreadElement(element) ? element.expression : element, state, scope));
    }
    // @fastify/auth: fastify.auth([verifyJwt, verifyApiKey]) passes when one of them does.
    if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && value.expression.name.text === 'auth' && !this.decorations.has('auth')) {
      const strategies = value.arguments[0];
      if (strategies && ts.isArrayLiteralExpression(skipOuterExpressions(strategies))) return this.describeHooks(strategies, state, scope);
    }
    return [this.describeHook(value, state, scope)];
  }

  private describeHook(expression: ts.Expression, state: WalkState, scope: RouteMiddleware['scope']): RouteMiddleware {
    const delegating = this.describeDecorationCallingHook(expression, state, scope);
    if (delegating) return delegating;
    const decorated = this.decoratedName(expression, state);
    if (decorated !== undefined) {
      const useSite = { file: state.file.path, line: nodePosition(expression).line };
      const name = expression.getText(state.file.sourceFile).replace(/\s+/g, ' ');
      const decoration = this.decorations.get(decorated);
      if (decoration) {
        const described = this.context.middleware.describe(decoration.value, decoration.file, scope, name);
        const roles = ts.isCallExpression(expression) ? expression.arguments.filter(ts.isStringLiteralLike).map((argument) => argument.text) : [];
        const middleware: RouteMiddleware = { ...described, ...useSite };
        if (roles.length > 0 && (described.kind === 'role' || !middleware.roles)) middleware.roles = roles;
        return middleware;
      }
      const known = PACKAGE_DECORATIONS[decorated];
      if (known) return { name, ...useSite, kind: known.kind, strength: 'strong', evidence: known.evidence, scope };
    }
    return this.context.middleware.describe(expression, state.file, scope);
  }

  /**
   * A hook function that delegates to decorations: `(request, reply) => request.isAdmin(reply)` (a request
   * decoration, read with those it calls through `this`), or an autohook that ends in
   * `await fastify.authenticate(request, reply)`. Read with the bodies of the decorations it calls.
   */
  private describeDecorationCallingHook(expression: ts.Expression, state: WalkState, scope: RouteMiddleware['scope']): RouteMiddleware | undefined {
    const hook = skipOuterExpressions(expression);
    if (!isFunctionLike(hook) || !hook.body || (this.requestDecorations.size === 0 && this.decorations.size === 0)) return undefined;
    const requestName = hook.parameters[0] && ts.isIdentifier(hook.parameters[0].name) ? hook.parameters[0].name.text : undefined;
    const called: Array<{ name: string; fn: ResolvedFunction; viaRequest: boolean }> = [];
    const seen = new Set<ts.Node>();
    const collect = (root: ts.Node, decorationOwner: (owner: ts.Expression) => 'request' | 'instance' | undefined): void => {
      const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
          const owner = decorationOwner(skipOuterExpressions(node.expression.expression));
          const name = node.expression.name.text;
          const decoration = owner === 'request' ? this.requestDecorations.get(name) : owner === 'instance' ? this.decorations.get(name) : undefined;
          const fn = decoration && resolveFunction(this.context.modules, decoration.file, decoration.value);
          if (fn?.node.body && !seen.has(fn.node)) {
            seen.add(fn.node);
            called.push({ name, fn, viaRequest: owner === 'request' });
            // A request decoration calls its siblings through `this` (`this.verifyAccess(reply, 'admin')`).
            collect(fn.node.body, (inner) => (inner.kind === ts.SyntaxKind.ThisKeyword ? 'request' : undefined));
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(root);
    };
    collect(hook.body, (owner) => {
      if (requestName && ts.isIdentifier(owner) && owner.text === requestName) return 'request';
      if (this.isInstance(owner, state) || owner.kind === ts.SyntaxKind.ThisKeyword || (ts.isPropertyAccessExpression(owner) && owner.name.text === 'server')) return 'instance';
      return undefined;
    });
    if (called.length === 0) return undefined;
    const calleeText = called.map(({ fn }) => fn.node.body!.getText(fn.node.getSourceFile())).join('\n');
    const classified = classifyBody({ file: state.file, node: hook as ts.ArrowFunction, name: 'hook' }, `\n${calleeText}`);
    if (!classified) return undefined;
    const first = called[0]!;
    const { line } = nodePosition(expression);
    const roles = [...hook.body.getText(state.file.sourceFile).matchAll(/\.\s*\w+\s*\([^)]*?['"`](\w+)['"`]/g)].map((match) => match[1]!);
    return {
      name: middlewareName(expression),
      file: state.file.path,
      line,
      kind: classified.kind,
      strength: classified.strength,
      evidence: `calls ${first.viaRequest ? 'request' : 'fastify'}.${first.name} (${first.fn.file.path}:${nodePosition(first.fn.node).line}), which ${classified.evidence.replace(/^.*?\) /, '')}`,
      scope,
      ...(classified.kind === 'role' && roles.length ? { roles } : {}),
    };
  }

  /**
   * The decoration a hook expression reads: `fastify.authenticate`, `fastify.requireRole('admin')`,
   * `request.server.authenticate`, or a name destructured from the instance (`const { authorize } = fastify`).
   */
  private decoratedName(expression: ts.Expression, state: WalkState): string | undefined {
    let value = skipOuterExpressions(expression);
    if (ts.isCallExpression(value)) value = skipOuterExpressions(value.expression);
    if (ts.isPropertyAccessExpression(value)) {
      const owner = skipOuterExpressions(value.expression);
      const ownerIsInstance =
        this.isInstance(owner, state) ||
        owner.kind === ts.SyntaxKind.ThisKeyword ||
        (ts.isPropertyAccessExpression(owner) && owner.name.text === 'server');
      const name = value.name.text;
      if (ownerIsInstance && (this.decorations.has(name) || Object.hasOwn(PACKAGE_DECORATIONS, name))) return name;
      return undefined;
    }
    if (ts.isIdentifier(value)) return destructuredFromInstance(value, state.instanceNames);
    return undefined;
  }

  private toDefinition(route: PendingRoute): RouteDefinition {
    const chain: Array<{ context: PluginContext; hookCount: number }> = [];
    let hookCount = Number.POSITIVE_INFINITY;
    for (let context: PluginContext | undefined = route.context; context; context = context.parent) {
      chain.unshift({ context, hookCount });
      hookCount = context.inheritedHookCount;
    }
    const middleware: RouteMiddleware[] = [];
    let hasRateLimit = false;
    for (const phase of HOOK_PHASES) {
      for (const { context, hookCount: count } of chain) {
        for (const hook of context.hooks.slice(0, count)) {
          if (hook.phase !== phase) continue;
          if (hook.fromRateLimitPlugin && route.rateLimitConfig === false) continue;
          if (hook.pathPrefix && !isUnderPrefix(route.path, hook.pathPrefix)) continue;
          if (hook.skips?.(route.method, route.path)) continue;
          if (hook.fromRateLimitPlugin) hasRateLimit = true;
          middleware.push(...hook.middleware);
        }
      }
      if (phase === 'onRequest' && route.rateLimitConfig && !hasRateLimit) middleware.push(route.rateLimitConfig);
      for (const hook of route.routeHooks) if (hook.phase === phase) middleware.push(...hook.middleware);
      // Schema validation runs after the preValidation hooks and before the preHandler hooks.
      if (phase === 'preValidation' && route.schemaValidation) middleware.push(route.schemaValidation);
    }
    const definition: RouteDefinition = {
      framework: 'fastify',
      method: route.method,
      path: route.path,
      file: route.file.path,
      line: route.position.line,
      column: route.position.column,
      middleware,
    };
    if (route.handler) definition.handler = toRouteHandler(route.handler);
    if (route.contextParameter !== undefined) definition.contextParameter = route.contextParameter;
    return definition;
  }
}

function toRouteHandler(fn: ResolvedFunction): RouteHandler {
  return { file: fn.file.path, line: nodePosition(fn.node).line, node: fn.node, name: fn.name };
}

function isUnderPrefix(routePath: string, prefix: string): boolean {
  return prefix === '/' || routePath === prefix || routePath.startsWith(`${prefix}/`);
}

/** `await fastify.register(...)`: Fastify loads the plugin right there instead of after the current body. */
function isAwaited(call: ts.CallExpression): boolean {
  let current: ts.Node = call;
  while (current.parent && (ts.isParenthesizedExpression(current.parent) || ts.isAsExpression(current.parent))) current = current.parent;
  return !!current.parent && ts.isAwaitExpression(current.parent);
}

/** The function or file a root instance variable lives in: its routes are registered there. */
function enclosingScope(node: ts.Node): ts.Node {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionLike(current) || ts.isSourceFile(current)) return current;
  }
  return node.getSourceFile();
}

/** Names a module exports, CommonJS (`module.exports = { a, b: c }`, `exports.a = ...`) and ES (`export const a`, `export function a`, `export { a }`). */
function exportedNames(sourceFile: ts.SourceFile): string[] {
  const names: string[] = [];
  for (const statement of sourceFile.statements) {
    if (ts.isExpressionStatement(statement) && ts.isBinaryExpression(statement.expression) && statement.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const target = statement.expression.left.getText(sourceFile);
      const value = skipOuterExpressions(statement.expression.right);
      if (target === 'module.exports' && ts.isObjectLiteralExpression(value)) {
        for (const property of value.properties) {
          if ((ts.isShorthandPropertyAssignment(property) || ts.isPropertyAssignment(property)) && ts.isIdentifier(property.name)) names.push(property.name.text);
        }
      }
      const member = /^(?:module\.)?exports\.([\w$]+)$/.exec(target);
      if (member) names.push(member[1]!);
      continue;
    }
    const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
    const exported = modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) && !modifiers.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
    if (exported && ts.isFunctionDeclaration(statement) && statement.name) names.push(statement.name.text);
    if (exported && ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) if (ts.isIdentifier(declaration.name)) names.push(declaration.name.text);
    }
    if (ts.isExportDeclaration(statement) && !statement.moduleSpecifier && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) names.push(element.name.text);
    }
  }
  return names;
}

/** A plugin that an outside runner loads still looks like one: its first parameter registers routes or plugins. */
function looksLikePluginBody(fn: ResolvedFunction): boolean {
  const first = fn.node.parameters[0];
  if (!first || !ts.isIdentifier(first.name) || !fn.node.body) return false;
  const text = fn.node.body.getText(fn.file.sourceFile);
  const name = first.name.text.replace(/\$/g, '\\$');
  return new RegExp(`\\b${name}\\s*\\.\\s*(?:get|post|put|patch|delete|head|options|all|route|register)\\s*\\(`).test(text);
}

/** A file-level `fastify[Symbol.for('skip-override')] = true` makes its plugin share the parent's context. */
function hasSkipOverride(file: ScannedSourceFile): boolean {
  return file.text.includes("Symbol.for('skip-override')") || file.text.includes('Symbol.for("skip-override")');
}

/** A value declared in an enclosing block of the use: `const routes = async (app) => {...}` inside a setup function. */
function findLocalValue(identifier: ts.Identifier): ts.Expression | undefined {
  for (let scope: ts.Node | undefined = identifier.parent; scope; scope = scope.parent) {
    if (ts.isSourceFile(scope)) return undefined;
    if (!ts.isBlock(scope)) continue;
    for (const statement of scope.statements) {
      if (ts.isFunctionDeclaration(statement) && statement.name?.text === identifier.text) return undefined;
      if (!ts.isVariableStatement(statement)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === identifier.text && declaration.initializer) return declaration.initializer;
      }
    }
  }
  return undefined;
}

/** `const { authorize } = fastify` in an enclosing block: the name is the decoration `authorize`. */
function destructuredFromInstance(identifier: ts.Identifier, instanceNames: ReadonlySet<string>): string | undefined {
  for (let scope: ts.Node | undefined = identifier.parent; scope; scope = scope.parent) {
    if (!ts.isBlock(scope) && !ts.isSourceFile(scope)) continue;
    for (const statement of scope.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isObjectBindingPattern(declaration.name) || !declaration.initializer) continue;
        const source = skipOuterExpressions(declaration.initializer);
        if (!ts.isIdentifier(source) || !instanceNames.has(source.text)) continue;
        for (const element of declaration.name.elements) {
          if (ts.isIdentifier(element.name) && element.name.text === identifier.text) {
            return element.propertyName && ts.isIdentifier(element.propertyName) ? element.propertyName.text : identifier.text;
          }
        }
      }
    }
    if (ts.isSourceFile(scope)) return undefined;
  }
  return undefined;
}
