/**
 * The router graph shared by Express and Koa: which objects are apps and routers, what each one
 * registers in source order (routes, middleware, mounted routers), and the routes that result
 * when the graph is walked from every root with the middleware that applies at each point.
 *
 * Both frameworks compose middleware the same way: a `use` applies to what is registered after
 * it on the same object (optionally only under a path), and mounting a router prefixes its
 * routes. What differs — how apps and routers are created, Koa's `prefix`, `routes()` and
 * koa-mount — comes in through a RouterDialect.
 */
import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { nodePosition, propertyNameText, skipOuterExpressions } from '../../ast/syntax.js';
import { bindingValue, localDeclaration, type ModuleIndex, requiredModule, resolveFunction } from '../../names/index.js';
import { middlewareName } from '../../routes/classify-middleware.js';
import type { HttpMethod, RouteDefinition, RouteMiddleware } from '../../routes/route.js';
import type { AdapterContext } from '../adapter.js';
import { collectCalls, COMPUTED_METHOD, type Registration } from './router-calls.js';
import { RouterValues } from './router-values.js';
import { RouterIdentity, type EventOrder, type RouterDialect, type RouterEvent, type RouterNode } from './router-identity.js';
import { middlewareSkipPredicate, type MiddlewareSkip } from './middleware-path-skips.js';
import { answersThroughLocals, respondsFromLocals } from './locals-responder.js';
import { joinPaths, looksLikePathName, normalizePath, pathStartsWith, regexFromLiteral } from './router-paths.js';
import { readInputSchema } from '../trpc/zod-input.js';
import type { InputBagKind } from '../../../models/request-sources.js';
import { enclosingIteration, isConstant, isThisProperty, itemPropertyRead, objectPropertyValue, returnedFunction } from './router-syntax.js';
import { type FramedExpression, readsParameter, readThroughFrames, templateMethod, type WrapperFrame } from './route-wrappers.js';
import { fileIndex, walkDescendants } from '../../ast/file-index.js';
import { enclosingClass } from '../../ast/syntax.js';
import { baseClassOf } from '../../names/index.js';

/** A middleware in force while walking a router, limited to a path prefix and minus `unless` exclusions. */
interface AppliedMiddleware {
  middleware: RouteMiddleware;
  /** Full path prefix the middleware is limited to; undefined for all paths. */
  under?: string;
  except?: Array<{ path: string | RegExp; methods?: HttpMethod[] }>;
  /** The requests its own body passes on before any check (`if (PUBLIC.some((p) => req.path.startsWith(p))) return next()`). */
  skips?: MiddlewareSkip;
}

/**
 * Finds every route of one framework in the project. Pure over the scanned files: the same files
 * give the same routes in the same order.
 */
export function discoverRouterRoutes(context: AdapterContext, dialect: RouterDialect): RouteDefinition[] {
  return new RouterGraph(context, dialect).routes();
}

class RouterGraph {
  private readonly modules: ModuleIndex;
  private readonly values: RouterValues;
  private readonly identity: RouterIdentity;
  private readonly describedCache = new Map<string, RouteMiddleware>();
  private readonly skipCache = new Map<ts.Node, MiddlewareSkip | undefined>();

  constructor(
    private readonly context: AdapterContext,
    private readonly dialect: RouterDialect,
  ) {
    this.modules = context.modules;
    this.values = new RouterValues(context.modules);
    this.identity = new RouterIdentity(context.modules, this.values, dialect);
  }

  routes(): RouteDefinition[] {
    const { registrations, passingCalls } = this.collect();
    const pending = new Set(registrations);
    // Registrations a project's wrapper methods make for their callers (route-wrappers.ts): each call of the wrapper is the registration.
    for (const site of this.addWrapperCalls(registrations)) pending.delete(site);
    // `this.get(...)` in a class that extends the framework's router registers on each instance (below, once they are known).
    const subclassTemplates = this.subclassTemplates(registrations);
    for (const templates of subclassTemplates.values()) for (const template of templates) pending.delete(template);
    // Parameters become routers when a router is passed to them (`registerRoutes(app)`), which can
    // reveal more registrations; a few rounds settle nested setup functions.
    for (let round = 0; round < 4; round++) {
      let changed = false;
      for (const registration of [...pending]) {
        const added = this.addRegistration(registration);
        if (added !== 'pending') {
          pending.delete(registration);
          if (added === 'added') changed = true;
          // `channelManager.use(app)`: a registration's name on an object that is no router is the
          // project's own set-up method, which may take the app and register on it.
          if (added === 'ignored' && registration.call.arguments.some((argument) => ts.isIdentifier(argument) || isThisProperty(argument))) {
            passingCalls.add({ file: registration.file, call: registration.call });
          }
        }
      }
      for (const call of [...passingCalls]) {
        if (this.addPassingCall(call.file, call.call)) {
          passingCalls.delete(call);
          changed = true;
        }
      }
      if (!changed) break;
    }
    if (subclassTemplates.size > 0) this.addSubclassRegistrations(subclassTemplates);
    for (const node of this.identity.nodes) node.events.sort(compareEvents);
    const routes: RouteDefinition[] = [];
    for (const node of this.identity.nodes) {
      if (node.mountedBy > 0) continue;
      this.expand(node, '', [], node.kind === 'app', new Set(), routes);
    }
    // One registration reached twice under the same full path (a setup function called for the
    // app and again for a test app) is one route; the first walk, in source order, wins.
    const seen = new Set<string>();
    return routes.filter((route) => {
      const key = `${route.method} ${route.path} ${route.file}:${route.line}:${route.column}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  // ---- collecting -------------------------------------------------------------------------

  private collect(): { registrations: Registration[]; passingCalls: Set<{ file: ScannedSourceFile; call: ts.CallExpression }> } {
    const registrationNames = new Set([...this.dialect.routeMethods.keys(), 'use', 'prefix', COMPUTED_METHOD, ...(this.dialect.registerMethod ? ['register'] : [])]);
    const collected = collectCalls(this.context.sourceFiles);
    const registrations = collected.registrations.filter((registration) => registrationNames.has(registration.method));
    // A call named like another dialect's registration (`setup.register(app)` in Express) may still pass a router along.
    const otherDialect = collected.registrations
      .filter((registration) => !registrationNames.has(registration.method) && registration.call.arguments.some((argument) => ts.isIdentifier(argument) || isThisProperty(argument)))
      .map(({ file, call }) => ({ file, call }));
    // Fresh set per graph: routes() deletes the calls it has used.
    return { registrations, passingCalls: new Set([...collected.passingCalls, ...otherDialect]) };
  }

  /** 'added', 'ignored' (not this framework's), or 'pending' (on a parameter not yet known to be a router). */
  private addRegistration(registration: Registration): 'added' | 'ignored' | 'pending' {
    const receiver = this.receiverOf(registration.call);
    const target = this.identity.routerOf(receiver.router, registration.file);
    if (target === 'parameter') return 'pending';
    if (!target) return 'ignored';
    return this.registerOn(target, registration, receiver.routePath, orderOf(registration.file, registration.call));
  }

  /**
   * A registration on a known router, at `order` (where it happens: the call, or for a router subclass's own
   * registrations the instance's creation or the call of the method that makes them). `framePaths` reads a
   * template's path through the call that runs it (`addRelationRoutes(queries, 'jit/roles')`).
   */
  private registerOn(target: RouterNode, registration: Registration, routePath: string[] | undefined, order: EventOrder, site?: { frame: WrapperFrame }): 'added' | 'ignored' {
    const { file, call, method } = registration;
    const receiver = { routePath };
    const pathsOf = (expression: ts.Expression): string[] => (site ? this.framedPaths(expression, file, site.frame) : this.values.pathsOf(expression, file));
    const at = site ? { at: site.frame.call, atFile: site.frame.file } : {};
    if (method === COMPUTED_METHOD) return this.addRouteTable(target, file, call, order, receiver.routePath);
    if (receiver.routePath !== undefined) {
      const httpMethod = this.dialect.routeMethods.get(method);
      if (!httpMethod) return 'ignored';
      const items = this.values.flatten(call.arguments, file);
      target.events.push({ kind: 'route', order, file, call, methods: [httpMethod], paths: receiver.routePath, middleware: items.slice(0, -1), handler: items.at(-1) });
      return 'added';
    }
    if (method === 'prefix') {
      const prefix = call.arguments[0] && this.values.evaluateString(call.arguments[0], file);
      if (prefix === undefined || this.dialect.framework !== 'koa') return 'ignored';
      target.prefix = prefix;
      return 'added';
    }
    if (method === 'use') {
      const perElement = this.iteratedUseArguments(call, file);
      if (!perElement) return this.addUse(target, file, call.arguments, order) ? 'added' : 'ignored';
      // One `use` per array element, all at the loop's place; the stable event sort keeps array order.
      let added = false;
      for (const args of perElement) if (this.addUse(target, file, args, order)) added = true;
      return added ? 'added' : 'ignored';
    }
    if (method === 'register') {
      const [pathArgument, methodsArgument, ...rest] = call.arguments;
      if (!pathArgument || !methodsArgument) return 'ignored';
      const methods = ts.isArrayLiteralExpression(methodsArgument)
        ? methodsArgument.elements.flatMap((element) => {
            const name = ts.isStringLiteralLike(element) ? element.text.toLowerCase() : undefined;
            const mapped = name && this.dialect.routeMethods.get(name);
            return mapped ? [mapped] : [];
          })
        : [];
      const items = this.values.flatten(rest, file);
      target.events.push({ kind: 'route', order, file, call, methods, paths: this.values.pathsOf(pathArgument, file), middleware: items.slice(0, -1), handler: items.at(-1) });
      return 'added';
    }
    const httpMethod = this.dialect.routeMethods.get(method);
    if (!httpMethod) return 'ignored';
    let args = [...call.arguments];
    // Express `app.get('env')` reads a setting; a route needs a path and a handler.
    if (args.length < 2) return 'ignored';
    if (this.dialect.namedRoutes && args.length >= 3 && this.values.evaluateString(args[0]!, file) !== undefined && this.values.isPathLike(args[1]!, file)) {
      args = args.slice(1); // koa-router named route: router.get('user', '/users/:id', ...)
    }
    const paths = pathsOf(args[0]!);
    const items = this.values.flatten(args.slice(1), file);
    target.events.push({ kind: 'route', order, file, call, methods: [httpMethod], paths, middleware: items.slice(0, -1), handler: items.at(-1), ...at });
    return 'added';
  }

  /**
   * Registrations on `this` in the methods of a project class that extends the framework's router, by class.
   * They are no registrations of their own: each instance makes them (addSubclassRegistrations).
   */
  private subclassTemplates(registrations: readonly Registration[]): Map<ts.ClassLikeDeclaration, Registration[]> {
    const templates = new Map<ts.ClassLikeDeclaration, Registration[]>();
    for (const registration of registrations) {
      if (registration.method === COMPUTED_METHOD) continue;
      const receiver = this.receiverOf(registration.call);
      if (receiver.router.kind !== ts.SyntaxKind.ThisKeyword) continue;
      const classNode = enclosingClass(registration.call);
      if (!classNode || !this.identity.routerSubclass(classNode, registration.file)) continue;
      const list = templates.get(classNode) ?? [];
      list.push(registration);
      templates.set(classNode, list);
    }
    return templates;
  }

  /**
   * What each instance of a router subclass registers: what its constructor runs (its own body and the
   * methods it calls on `this`) at the instance's creation, and what another method registers at each
   * call of that method on an instance (`router.addRelationRoutes(organizations.jit.roles, 'jit/roles')`),
   * the method's parameters read as the call passes them.
   */
  private addSubclassRegistrations(templates: ReadonlyMap<ts.ClassLikeDeclaration, Registration[]>): void {
    const methodTemplates = new Map<string, Array<{ method: ts.MethodDeclaration; file: ScannedSourceFile; registrations: Registration[] }>>();
    const constructorRun = new Map<ts.ClassLikeDeclaration, Registration[]>();
    for (const [classNode, registrations] of templates) {
      const reached = constructorReachedMembers(classNode);
      for (const registration of registrations) {
        const member = classMemberOf(registration.call, classNode);
        if (!member) continue;
        if (reached.has(member)) {
          constructorRun.set(classNode, [...(constructorRun.get(classNode) ?? []), registration]);
          continue;
        }
        if (!ts.isMethodDeclaration(member) || !member.name) continue;
        const name = propertyNameText(member.name);
        if (!name) continue;
        const entries = methodTemplates.get(name) ?? [];
        let entry = entries.find((candidate) => candidate.method === member);
        if (!entry) entries.push((entry = { method: member, file: registration.file, registrations: [] }));
        entry.registrations.push(registration);
        methodTemplates.set(name, entries);
      }
    }
    for (const node of [...this.identity.nodes]) {
      const subclass = node.routerSubclass;
      if (!subclass) continue;
      for (const classNode of this.subclassChain(subclass.classNode, subclass.file)) {
        for (const registration of constructorRun.get(classNode) ?? []) this.registerOn(node, registration, undefined, subclass.creation);
      }
    }
    if (methodTemplates.size === 0) return;
    const names = [...methodTemplates.keys()];
    const pattern = new RegExp(`\\.\\s*(?:${names.map((name) => name.replace(/[$]/g, '\\$&')).join('|')})\\s*\\(`);
    for (const file of this.context.sourceFiles) {
      if (!pattern.test(file.text)) continue;
      for (const call of fileIndex(file.sourceFile).ofKind(ts.SyntaxKind.CallExpression) as ts.CallExpression[]) {
        const callee = skipOuterExpressions(call.expression);
        if (!ts.isPropertyAccessExpression(callee) || !methodTemplates.has(callee.name.text)) continue;
        const target = this.identity.routerOf(callee.expression, file);
        if (!target || target === 'parameter') continue;
        // The receiver's own class when it is known; else (a parameter the instance was handed to) the one class with such a method.
        const candidates = methodTemplates.get(callee.name.text)!;
        const chain = target.routerSubclass ? this.subclassChain(target.routerSubclass.classNode, target.routerSubclass.file) : undefined;
        const entry = chain ? candidates.find((candidate) => chain.includes(candidate.method.parent as ts.ClassLikeDeclaration)) : candidates.length === 1 ? candidates[0] : undefined;
        if (!entry) continue;
        const frame: WrapperFrame = { fn: entry.method, call, file, fnFile: entry.file };
        for (const registration of entry.registrations) this.registerOn(target, registration, undefined, orderOf(file, call), { frame });
      }
    }
  }

  /** The class and the project classes it extends, up to the one that extends the framework's router. */
  private subclassChain(classNode: ts.ClassLikeDeclaration, file: ScannedSourceFile): ts.ClassLikeDeclaration[] {
    const chain: ts.ClassLikeDeclaration[] = [];
    let current: { node: ts.ClassLikeDeclaration; file: ScannedSourceFile } | undefined = { node: classNode, file };
    for (let level = 0; current && level < 6 && this.identity.routerSubclass(current.node, current.file); level++) {
      chain.push(current.node);
      current = baseClassOf(this.modules, current.file, current.node);
    }
    return chain;
  }

  /** A template's path for one call: its parameters as the call passes them, the rest as written (`/:id/jit/roles`). */
  private framedPaths(expression: ts.Expression, file: ScannedSourceFile, frame: WrapperFrame): string[] {
    const value = skipOuterExpressions(expression);
    const text = (part: ts.Expression): string => {
      const read = readThroughFrames(part, file, frame);
      return (read.missing ? undefined : this.values.evaluateString(read.expression, read.file)) ?? `{${part.getText(file.sourceFile)}}`;
    };
    if (ts.isTemplateExpression(value)) return [value.head.text + value.templateSpans.map((span) => text(span.expression) + span.literal.text).join('')];
    if (ts.isIdentifier(value)) return [text(value)];
    return this.values.pathsOf(value, file);
  }

  // ---- project wrapper methods (route-wrappers.ts) -----------------------------------------

  /**
   * Finds the registrations written inside methods that read the method's parameters (templates), the
   * methods that call those with their own parameters (`get(path, handler)` → `this.route({ path, handler })`),
   * and every other call of such a method (`this.route({...})` in a subclass's constructor), and registers
   * each call on the router of the calling class's instance. Returns the templates and the calls, which
   * are no registrations of their own.
   */
  private addWrapperCalls(registrations: readonly Registration[]): Registration[] {
    const templates = new Map<ts.MethodDeclaration, { file: ScannedSourceFile; registrations: Registration[] }>();
    const consumed: Registration[] = [];
    for (const registration of registrations) {
      const method = templateMethod(registration.call);
      if (!method || !this.heldRouterMember(registration.call)) continue;
      const entry = templates.get(method) ?? { file: registration.file, registrations: [] };
      entry.registrations.push(registration);
      templates.set(method, entry);
      consumed.push(registration);
    }
    if (templates.size === 0) return consumed;
    const wrappers = new Map<ts.MethodDeclaration, ScannedSourceFile>([...templates].map(([method, entry]) => [method, entry.file]));
    // Methods that hand their own parameters to a wrapper of their class are wrappers too.
    for (let round = 0; round < 4; round++) {
      let grew = false;
      for (const [method, file] of [...wrappers]) {
        const classNode = method.parent;
        if (!ts.isClassLike(classNode)) continue;
        for (const member of classNode.members) {
          if (!ts.isMethodDeclaration(member) || !member.body || wrappers.has(member) || member.parameters.length === 0) continue;
          if (this.wrapperCallsIn(member).some((call) => readsParameter(call, member))) {
            wrappers.set(member, file);
            grew = true;
          }
        }
      }
      if (!grew) break;
    }
    const names = new Set([...wrappers.keys()].map((method) => propertyNameText(method.name)).filter((name): name is string => name !== undefined));
    const pattern = new RegExp(`this\\s*\\.\\s*(?:${[...names].map((name) => name.replace(/[$]/g, '\\$&')).join('|')})\\s*\\(`);
    const sites = new Set<ts.CallExpression>();
    for (const file of this.context.sourceFiles) {
      if (!pattern.test(file.text)) continue;
      for (const node of fileIndex(file.sourceFile).ofKind(ts.SyntaxKind.CallExpression) as ts.CallExpression[]) {
        const callee = skipOuterExpressions(node.expression);
        if (!ts.isPropertyAccessExpression(callee) || callee.expression.kind !== ts.SyntaxKind.ThisKeyword || !names.has(callee.name.text)) continue;
        const concrete = enclosingClass(node);
        const wrapper = concrete && this.wrapperOf(concrete, callee.name.text, file, wrappers);
        if (!concrete || !wrapper) continue;
        // A wrapper handing its own parameters on is part of the wrapper, not a call site.
        const around = enclosingMethod(node);
        if (around && wrappers.has(around) && readsParameter(node, around)) continue;
        sites.add(node);
        this.expandWrapperCall(node, file, undefined, wrapper, concrete, { call: node, file }, templates, wrappers, 0);
      }
    }
    consumed.push(...registrations.filter((registration) => sites.has(registration.call)));
    return consumed;
  }

  /** `this.app` of `this.app.get(...)`: the member of the instance a registration is made on. */
  private heldRouterMember(call: ts.CallExpression): string | undefined {
    const callee = skipOuterExpressions(call.expression);
    if (!ts.isPropertyAccessExpression(callee) && !ts.isElementAccessExpression(callee)) return undefined;
    const receiver = skipOuterExpressions(callee.expression);
    return ts.isPropertyAccessExpression(receiver) && receiver.expression.kind === ts.SyntaxKind.ThisKeyword ? receiver.name.text : undefined;
  }

  /** `this.route(...)` calls in a method's body. */
  private wrapperCallsIn(method: ts.MethodDeclaration): ts.CallExpression[] {
    const found: ts.CallExpression[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const callee = skipOuterExpressions(node.expression);
        if (ts.isPropertyAccessExpression(callee) && callee.expression.kind === ts.SyntaxKind.ThisKeyword) found.push(node);
      }
      if (!isFunctionLikeNode(node)) ts.forEachChild(node, visit);
    };
    if (method.body) ts.forEachChild(method.body, visit);
    return found;
  }

  /** The wrapper method `name` is on the class, its own or inherited. */
  private wrapperOf(classNode: ts.ClassLikeDeclaration, name: string, file: ScannedSourceFile, wrappers: ReadonlyMap<ts.MethodDeclaration, ScannedSourceFile>): { method: ts.MethodDeclaration; file: ScannedSourceFile } | undefined {
    let current: { node: ts.ClassLikeDeclaration; file: ScannedSourceFile } | undefined = { node: classNode, file };
    for (let level = 0; current && level < 6; level++) {
      const own = current.node.members.find((member) => ts.isMethodDeclaration(member) && member.name && propertyNameText(member.name) === name) as ts.MethodDeclaration | undefined;
      if (own) return wrappers.has(own) ? { method: own, file: wrappers.get(own)! } : undefined;
      current = baseClassOf(this.modules, current.file, current.node);
    }
    return undefined;
  }

  /** One call of a wrapper, read in its caller's frame: its templates' registrations, and the wrappers it calls in turn. */
  private expandWrapperCall(call: ts.CallExpression, callFile: ScannedSourceFile, parent: WrapperFrame | undefined, wrapper: { method: ts.MethodDeclaration; file: ScannedSourceFile }, concrete: ts.ClassLikeDeclaration, site: { call: ts.CallExpression; file: ScannedSourceFile }, templates: ReadonlyMap<ts.MethodDeclaration, { file: ScannedSourceFile; registrations: Registration[] }>, wrappers: ReadonlyMap<ts.MethodDeclaration, ScannedSourceFile>, depth: number): void {
    if (depth > 6) return;
    const frame: WrapperFrame = { fn: wrapper.method, call, file: callFile, fnFile: wrapper.file, parent };
    for (const registration of templates.get(wrapper.method)?.registrations ?? []) this.addTemplateRegistration(registration, frame, concrete, site);
    for (const inner of this.wrapperCallsIn(wrapper.method)) {
      const name = (skipOuterExpressions(inner.expression) as ts.PropertyAccessExpression).name.text;
      const next = this.wrapperOf(concrete, name, site.file, wrappers) ?? this.wrapperOf(wrapper.method.parent as ts.ClassLikeDeclaration, name, wrapper.file, wrappers);
      if (next && next.method !== wrapper.method) this.expandWrapperCall(inner, wrapper.file, frame, next, concrete, site, templates, wrappers, depth + 1);
    }
  }

  /** A template registration for one call: on the calling instance's router, at the call, with the call's method, path, middleware and handler. */
  private addTemplateRegistration(registration: Registration, frame: WrapperFrame, concrete: ts.ClassLikeDeclaration, site: { call: ts.CallExpression; file: ScannedSourceFile }): void {
    const member = this.heldRouterMember(registration.call);
    const target = member && this.identity.routerOfInstanceMember(concrete, member, site.file);
    if (!target || target === 'parameter') return;
    const { call, file } = registration;
    const order = orderOf(site.file, site.call);
    const callee = skipOuterExpressions(call.expression);
    let method = registration.method;
    if (method === COMPUTED_METHOD && ts.isElementAccessExpression(callee)) {
      const read = readThroughFrames(callee.argumentExpression, file, frame);
      method = this.values.evaluateString(read.expression, read.file)?.toLowerCase() ?? COMPUTED_METHOD;
    }
    if (method === 'use') {
      const reads = call.arguments.map((argument) => readThroughFrames(argument, file, frame));
      // `this.app.use(path, router)`: all of it the caller's; a use that adds the wrapper's own error handler is plumbing.
      if (reads.some((read) => read.missing || read.file !== site.file)) return;
      this.addUse(target, site.file, reads.map((read) => read.expression), order);
      return;
    }
    const httpMethod = this.dialect.routeMethods.get(method);
    const [pathArgument, ...rest] = call.arguments;
    if (!httpMethod || !pathArgument || rest.length === 0) return;
    const pathRead = readThroughFrames(pathArgument, file, frame);
    if (pathRead.missing) return;
    const paths = this.values.pathsOf(pathRead.expression, pathRead.file);
    const handler = this.wrappedHandler(rest.at(-1)!, file, frame);
    if (!handler) return;
    const middleware = rest.slice(0, -1).flatMap((argument) => this.wrappedMiddleware(argument, file, frame, 0));
    target.events.push({
      kind: 'route',
      order,
      file: site.file,
      call: site.call,
      methods: [httpMethod],
      paths,
      middleware: middleware.map((item) => item.expression),
      middlewareFiles: middleware.map((item) => item.file),
      middlewareNames: middleware.map((item) => item.name),
      handler: handler.expression,
      handlerFile: handler.file,
      at: site.call,
      atFile: site.file,
    });
  }

  /** The handler a template's last argument runs for a call: the caller's function, inside the wrapper's own error-handling wrapper. */
  private wrappedHandler(argument: ts.Expression, file: ScannedSourceFile, frame: WrapperFrame, depth = 0): FramedExpression | undefined {
    if (depth > 4) return undefined;
    const read = readThroughFrames(argument, file, frame);
    if (read.missing) return undefined;
    if (read.frame !== frame) return read;
    const value = read.expression;
    if (ts.isCallExpression(value) && readsParameter(value, frame.fn)) {
      for (const inner of value.arguments) {
        const found = this.wrappedHandler(inner, read.file, frame, depth + 1);
        if (found && found.frame !== frame) return found;
      }
    }
    // `async (req, res) => { await handler.call(this, req, res); }`: the function the wrapper's own arrow calls.
    if ((ts.isArrowFunction(value) || ts.isFunctionExpression(value)) && readsParameter(value, frame.fn)) {
      let called: FramedExpression | undefined;
      const visit = (node: ts.Node): void => {
        if (called) return;
        if (ts.isCallExpression(node)) {
          let callee = skipOuterExpressions(node.expression);
          if (ts.isPropertyAccessExpression(callee) && (callee.name.text === 'call' || callee.name.text === 'apply')) callee = skipOuterExpressions(callee.expression);
          if (readsParameter(callee, frame.fn)) {
            const target = readThroughFrames(callee, read.file, frame);
            if (!target.missing && target.frame !== frame) called = target;
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(value.body);
      if (called) return called;
    }
    return read;
  }

  /**
   * The middleware a template's argument adds for a call: the caller's list (`middleware: [validate(...)]`),
   * what a helper method builds from the options (`this.contentTypeMiddleware(options)` returning
   * `[requireContentType(), ...middleware]`), and a guard factory given the caller's value
   * (`checkPermission(options.permission)`), unless the factory lets that value through unchecked
   * (`permissions.filter((p) => p !== NONE)`, then `if (!permissions.length) return next()`): NONE is no guard.
   */
  private wrappedMiddleware(argument: ts.Expression, file: ScannedSourceFile, frame: WrapperFrame | undefined, depth: number): Array<FramedExpression & { name?: string }> {
    if (depth > 6) return [];
    const read = readThroughFrames(ts.isSpreadElement(argument) ? argument.expression : argument, file, frame);
    if (read.missing) return [];
    const value = read.expression;
    if (ts.isArrayLiteralExpression(value)) return value.elements.flatMap((element) => this.wrappedMiddleware(element, read.file, read.frame, depth + 1));
    if (ts.isConditionalExpression(value)) {
      // `options.method === 'get' || options.acceptAnyContentType ? middleware : [requireContentType(), ...middleware]`: the branch this call takes, when it can be told.
      const taken = this.wrappedCondition(value.condition, read.file, read.frame, 0);
      if (taken !== undefined) return this.wrappedMiddleware(taken ? value.whenTrue : value.whenFalse, read.file, read.frame, depth + 1);
      const seen = new Set<ts.Node>();
      return [...this.wrappedMiddleware(value.whenTrue, read.file, read.frame, depth + 1), ...this.wrappedMiddleware(value.whenFalse, read.file, read.frame, depth + 1)].filter((item) => !seen.has(item.expression) && seen.add(item.expression));
    }
    if (!ts.isCallExpression(value) || !read.frame || !readsParameter(value, read.frame.fn)) return [read];
    const callee = skipOuterExpressions(value.expression);
    // `this.contentTypeMiddleware(options)`: what the helper returns, read with the options.
    if (ts.isPropertyAccessExpression(callee) && callee.expression.kind === ts.SyntaxKind.ThisKeyword) {
      const helper = resolveFunction(this.modules, read.file, callee);
      if (helper && ts.isMethodDeclaration(helper.node) && helper.node.body) {
        const helperFrame: WrapperFrame = { fn: helper.node, call: value, file: read.file, fnFile: helper.file, parent: read.frame };
        return returnedExpressions(helper.node.body).flatMap((returned) => this.wrappedMiddleware(returned, helper.file, helperFrame, depth + 1));
      }
      return [];
    }
    // A guard factory given the caller's value.
    const factory = resolveFunction(this.modules, read.file, callee);
    const given = value.arguments.map((inner) => readThroughFrames(inner, read.file, read.frame));
    if (factory && given.length === 1 && this.exemptsValue(factory.node, factory.file, given[0]!)) return [];
    const name = `${callee.getText(read.file.sourceFile)}(${given.map((inner) => (inner.missing ? '' : inner.expression.getText(inner.file.sourceFile))).join(', ')})`;
    return [{ ...read, name }];
  }

  /** A wrapper's condition on what the call passed (`options.method === 'get'`, a flag it left out); undefined when it cannot be told. */
  private wrappedCondition(condition: ts.Expression, file: ScannedSourceFile, frame: WrapperFrame | undefined, depth: number): boolean | undefined {
    if (depth > 6) return undefined;
    const value = skipOuterExpressions(condition);
    if (value.kind === ts.SyntaxKind.TrueKeyword) return true;
    if (value.kind === ts.SyntaxKind.FalseKeyword) return false;
    if (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.ExclamationToken) {
      const inner = this.wrappedCondition(value.operand, file, frame, depth + 1);
      return inner === undefined ? undefined : !inner;
    }
    if (ts.isBinaryExpression(value)) {
      const operator = value.operatorToken.kind;
      if (operator === ts.SyntaxKind.BarBarToken || operator === ts.SyntaxKind.AmpersandAmpersandToken) {
        const left = this.wrappedCondition(value.left, file, frame, depth + 1);
        const right = this.wrappedCondition(value.right, file, frame, depth + 1);
        if (operator === ts.SyntaxKind.BarBarToken) return left === true || right === true ? true : left === false && right === false ? false : undefined;
        return left === false || right === false ? false : left === true && right === true ? true : undefined;
      }
      const equality = operator === ts.SyntaxKind.EqualsEqualsEqualsToken || operator === ts.SyntaxKind.EqualsEqualsToken;
      if (equality || operator === ts.SyntaxKind.ExclamationEqualsEqualsToken || operator === ts.SyntaxKind.ExclamationEqualsToken) {
        const [left, right] = [value.left, value.right].map((side) => readThroughFrames(side, file, frame));
        const leftText = left!.missing ? undefined : this.values.evaluateString(left!.expression, left!.file);
        const rightText = right!.missing ? undefined : this.values.evaluateString(right!.expression, right!.file);
        if (leftText === undefined || rightText === undefined) return undefined;
        return (leftText === rightText) === equality;
      }
      return undefined;
    }
    if (!frame || !readsParameter(value, frame.fn)) return undefined;
    const read = readThroughFrames(value, file, frame);
    if (read.missing) return false;
    return read.frame === frame && read.expression === value ? undefined : this.wrappedCondition(read.expression, read.file, read.frame, depth + 1);
  }

  /** Whether a guard factory compares its input with the value given and passes it (`p !== NONE`): then it checks nothing for it. */
  private exemptsValue(factory: ts.Node, factoryFile: ScannedSourceFile, given: FramedExpression): boolean {
    if (given.missing) return false;
    const givenText = this.values.evaluateString(given.expression, given.file);
    const givenName = ts.isIdentifier(given.expression) ? given.expression.text : undefined;
    let exempt = false;
    const visit = (node: ts.Node): void => {
      if (exempt) return;
      if (ts.isBinaryExpression(node) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken].includes(node.operatorToken.kind)) {
        for (const side of [node.left, node.right]) {
          const constant = skipOuterExpressions(side);
          if (!ts.isIdentifier(constant) && !ts.isStringLiteralLike(constant)) continue;
          const text = this.values.evaluateString(constant, factoryFile);
          if ((givenText !== undefined && text === givenText) || (givenName !== undefined && ts.isIdentifier(constant) && constant.text === givenName && text === givenText)) exempt = true;
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(factory);
    return exempt;
  }

  /** `use([path,] ...items)`: middleware in force from here on, and routers mounted in place. */
  private addUse(target: RouterNode, file: ScannedSourceFile, useArguments: readonly ts.Expression[], order: EventOrder): boolean {
    let args = [...useArguments];
    let paths: string[] | undefined;
    if (args[0] && (this.values.isPathLike(args[0], file) || (args.length >= 2 && looksLikePathName(args[0])))) {
      paths = this.values.pathsOf(args[0], file);
      args = args.slice(1);
    }
    const iterated = new Map<ts.Expression, RouterNode>();
    const items = this.values.flatten(args, file).flatMap((item) => {
      const assigned = this.assignedRouters(item, file);
      if (assigned) return assigned;
      const elements = this.iteratedRouters(item, file);
      if (!elements) return [item];
      for (const element of elements) iterated.set(element.expression, element.router);
      return elements.map((element) => element.expression);
    });
    if (items.length === 0) return false;
    let middleware: ts.Expression[] = [];
    let added = false;
    const hasRouter = items.some((item) => iterated.has(item) || this.mountOf(item, file) !== undefined);
    const flush = () => {
      if (middleware.length === 0) return;
      target.events.push({ kind: 'use', order, file, paths, middleware, mountInline: hasRouter });
      middleware = [];
      added = true;
    };
    for (const item of items) {
      const element = iterated.get(item);
      const mount = element ? { paths: [''], child: element } : this.mountOf(item, file);
      if (mount === 'skip') continue;
      if (mount) {
        flush();
        if (mount.middleware) {
          // koa-mount of a plain middleware: it applies under the mount path only.
          const mountPaths = (paths ?? ['']).flatMap((base) => mount.paths.map((sub) => joinPaths(base, sub)));
          target.events.push({ kind: 'use', order, file, paths: mountPaths, middleware: [mount.middleware], mountInline: false });
        } else if (mount.child && mount.child !== target) {
          const mountPaths = (paths ?? ['']).flatMap((base) => mount.paths.map((sub) => joinPaths(base, sub)));
          target.events.push({ kind: 'mount', order, paths: mountPaths, child: mount.child, viaCall: false });
          mount.child.mountedBy++;
        }
        added = true;
        continue;
      }
      middleware.push(item);
    }
    flush();
    return added;
  }

  /**
   * `let authRouter; switch (provider.driver) { case 'ldap': authRouter = createLDAPAuthRouter(name); break; ... }
   * router.use(path, authRouter)`: a local declared without a value and given one router or another
   * in its function. Each router it may hold is mounted there. Undefined unless every value assigned
   * to it is a router.
   */
  private assignedRouters(item: ts.Expression, file: ScannedSourceFile): ts.Expression[] | undefined {
    const value = skipOuterExpressions(item);
    if (!ts.isIdentifier(value)) return undefined;
    const declaration = localDeclaration(value);
    if (!declaration || declaration.initializer || !ts.isIdentifier(declaration.name)) return undefined;
    let scope: ts.Node | undefined = declaration.parent;
    while (scope && !ts.isBlock(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
    if (!scope) return undefined;
    const assigned: ts.Expression[] = [];
    walkDescendants(scope, (node) => {
      if (!ts.isBinaryExpression(node) || node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
      const target = skipOuterExpressions(node.left);
      if (ts.isIdentifier(target) && target.text === value.text && localDeclaration(target) === declaration) assigned.push(node.right);
    });
    if (assigned.length === 0) return undefined;
    return assigned.every((candidate) => { const mount = this.mountOf(candidate, file); return mount !== undefined && mount !== 'skip' && mount.child !== undefined; }) ? assigned : undefined;
  }

  /**
   * `for (const router of createRouters(tenant)) app.use(router.routes())`: a loop over the routers an array
   * holds (written here, a const, or what a project function returns), each mounted in turn. The element
   * expressions with the router each is; undefined unless the item is the loop's variable (or its
   * `routes()`) and every element is a router.
   */
  private iteratedRouters(item: ts.Expression, file: ScannedSourceFile): Array<{ expression: ts.Expression; router: RouterNode }> | undefined {
    let value = skipOuterExpressions(item);
    if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && this.dialect.dispatchMethods?.has(value.expression.name.text)) value = skipOuterExpressions(value.expression.expression);
    if (!ts.isIdentifier(value)) return undefined;
    const loop = enclosingIteration(item);
    if (!loop || !ts.isIdentifier(loop.item) || loop.item.text !== value.text) return undefined;
    const array = this.arrayOf(loop.iterated, file, 0);
    if (!array || array.literal.elements.length === 0) return undefined;
    const found: Array<{ expression: ts.Expression; router: RouterNode }> = [];
    for (const element of array.literal.elements) {
      const router = ts.isSpreadElement(element) ? undefined : this.identity.routerOf(element, array.file);
      if (!router || router === 'parameter') return undefined;
      found.push({ expression: element, router });
    }
    return found;
  }

  /** The array literal an expression holds: written here, a const, or returned by the project function it calls. */
  private arrayOf(expression: ts.Expression, file: ScannedSourceFile, depth: number): { literal: ts.ArrayLiteralExpression; file: ScannedSourceFile } | undefined {
    if (depth > 3) return undefined;
    const value = skipOuterExpressions(expression);
    if (ts.isArrayLiteralExpression(value)) return { literal: value, file };
    if (ts.isIdentifier(value)) {
      const declaration = this.values.declarationOf(value, file);
      const node = declaration?.node;
      return node && ts.isVariableDeclaration(node) && node.initializer && isConstant(node) ? this.arrayOf(node.initializer, declaration.file, depth + 1) : undefined;
    }
    if (!ts.isCallExpression(value)) return undefined;
    const factory = resolveFunction(this.modules, file, value.expression);
    const body = factory?.node.body;
    if (!factory || !body) return undefined;
    const returned = ts.isBlock(body) ? returnedExpressions(body) : [body];
    return returned.length === 1 ? this.arrayOf(returned[0]!, factory.file, depth + 1) : undefined;
  }

  /**
   * Data-driven mounting: `routes.forEach((route) => router.use(route.path, route.route))`, and the
   * same with `for (const route of routes)` or a destructured `({ path, route })`, over a const
   * array of object literals declared in this file. Returns the `use` arguments each element stands
   * for, in array order, so each element mounts as if its `router.use('/auth', authRoute)` were
   * written here. Undefined (the call is taken as written) when the call is not in such a loop or
   * an element lacks a property the loop reads.
   */
  private iteratedUseArguments(call: ts.CallExpression, file: ScannedSourceFile): ts.Expression[][] | undefined {
    const loop = enclosingIteration(call);
    if (!loop) return undefined;
    const elements = this.objectLiteralElements(loop.iterated, file);
    if (!elements) return undefined;
    const perElement: ts.Expression[][] = [];
    for (const element of elements) {
      let readsItem = false;
      const args: ts.Expression[] = [];
      for (const argument of call.arguments) {
        const property = itemPropertyRead(argument, loop.item);
        if (property === undefined) {
          args.push(argument);
          continue;
        }
        const value = objectPropertyValue(element, property);
        if (!value) return undefined;
        args.push(value);
        readsItem = true;
      }
      if (!readsItem) return undefined;
      perElement.push(args);
    }
    return perElement;
  }

  /**
   * A route table's loader: `for (const { method, url, middlewares, handler } of routes) router[method](url, ...middlewares, handler)`,
   * the same with `routes.forEach(...)`, `_.each(routes, ...)`, `route.method.toLowerCase()` or locals read
   * from the element in the loop body, over a const array of route-definition objects of this file (or an
   * object of them: `Object.values(api)`, `_.each(api, ...)`). Each object is one route, registered as if
   * its `router.get('/notes/:id', authenticate, handler)` were written at the object, so its own
   * middleware list is its guard. A table whose objects name no HTTP method registers nothing.
   */
  private addRouteTable(target: RouterNode, file: ScannedSourceFile, call: ts.CallExpression, order: EventOrder, routePath: string[] | undefined): 'added' | 'ignored' {
    const loop = enclosingIteration(call);
    const callee = skipOuterExpressions(call.expression);
    if (!loop || !ts.isElementAccessExpression(callee)) return 'ignored';
    const methodField = this.loopField(callee.argumentExpression, loop, file);
    if (!methodField) return 'ignored';
    const elements = this.routeObjects(loop.iterated, file);
    if (!elements) return this.addDefinitionTable(target, file, call, order, routePath, loop, methodField);
    let added = false;
    const callArguments = this.builtArguments(call, loop, file);
    for (const element of elements) {
      const methodValue = objectPropertyValue(element, methodField);
      const methodText = methodValue && this.values.evaluateString(methodValue, file);
      const httpMethod = methodText === undefined ? undefined : this.dialect.routeMethods.get(methodText.toLowerCase());
      if (!httpMethod) continue;
      const args: ts.Expression[] = [];
      let handlerMethod: ts.MethodDeclaration | undefined;
      callArguments.forEach((argument, index) => {
        const spread = ts.isSpreadElement(argument);
        const field = this.loopField(spread ? argument.expression : argument, loop, file);
        if (field === undefined) return void args.push(argument);
        const value = objectPropertyValue(element, field);
        if (value) return void args.push(value);
        // The handler as a method of the object; a missing optional field (no `middlewares`) adds nothing.
        if (index === callArguments.length - 1) handlerMethod = objectMethod(element, field);
      });
      const paths = routePath ?? (args[0] ? this.values.pathsOf(args[0], file) : undefined);
      if (!paths) continue;
      const items = this.values.flatten(routePath ? args : args.slice(1), file);
      const handler = handlerMethod ? undefined : items.at(-1);
      const middleware = handlerMethod ? items : items.slice(0, -1);
      target.events.push({ kind: 'route', order, file, call, methods: [httpMethod], paths, middleware, handler, handlerMethod, at: element });
      added = true;
    }
    return added ? 'added' : 'ignored';
  }

  /**
   * The loader's arguments with a spread of a list the loop body builds for the element written out:
   * `const args = route.middleware ?? []; args.unshift(route.url); args.push(route.handler); router[route.method](...args)`
   * registers `router[route.method](route.url, ...(route.middleware ?? []), route.handler)`. Only when the list
   * is a const of the loop body changed by nothing but `unshift` and `push` before the call.
   */
  private builtArguments(call: ts.CallExpression, loop: NonNullable<ReturnType<typeof enclosingIteration>>, file: ScannedSourceFile): ts.Expression[] {
    const result: ts.Expression[] = [];
    const statements = ts.isBlock(loop.body) ? loop.body.statements : ts.isFunctionLike(loop.body) && (loop.body as ts.FunctionLikeDeclaration).body && ts.isBlock((loop.body as ts.FunctionLikeDeclaration).body!) ? ((loop.body as ts.FunctionLikeDeclaration).body as ts.Block).statements : undefined;
    for (const argument of call.arguments) {
      const list = ts.isSpreadElement(argument) ? skipOuterExpressions(argument.expression) : undefined;
      const initializer = list && ts.isIdentifier(list) && statements ? this.loopLocal(list, loop, file) : undefined;
      if (!list || !ts.isIdentifier(list) || !initializer || !statements) {
        result.push(argument);
        continue;
      }
      let before: ts.Expression[] = [];
      const after: ts.Expression[] = [];
      let plain = true;
      for (const statement of statements) {
        if (statement.pos <= call.pos && call.end <= statement.end) break;
        if (statement.pos <= initializer.pos && initializer.end <= statement.end) continue;
        const change = ts.isExpressionStatement(statement) ? skipOuterExpressions(statement.expression) : undefined;
        const callee = change && ts.isCallExpression(change) ? skipOuterExpressions(change.expression) : undefined;
        if (change && ts.isCallExpression(change) && callee && ts.isPropertyAccessExpression(callee) && ts.isIdentifier(skipOuterExpressions(callee.expression)) && (skipOuterExpressions(callee.expression) as ts.Identifier).text === list.text) {
          if (callee.name.text === 'unshift') before = [...change.arguments, ...before];
          else if (callee.name.text === 'push') after.push(...change.arguments);
          else plain = false;
        } else if (new RegExp(String.raw`(?<![\w$.])${list.text.replace(/\$/g, '\\$')}(?![\w$])`).test(statement.getText(file.sourceFile))) plain = false;
      }
      if (!plain || (before.length === 0 && after.length === 0)) result.push(argument);
      else result.push(...before, initializer, ...after);
    }
    return result;
  }

  /**
   * A loader over route definitions a project builds elsewhere: the table spreads arrays other files
   * export (`[...featureRoutes, ...metricsRoutes]`), each entry a const written by a definition factory
   * (`createApiRequestHandler(deleteFeatureSpec)(deleteFeatureHandler)`, `defineRoute(spec, handler)`)
   * from a spec object that names its `method` and `path`, or an object literal. The loop's path may
   * be built from the entry (`` `/${route.version ?? 'v1'}${route.path}` ``) and its middleware
   * spread from the entry's optional list. Each entry is one route, located at its definition.
   */
  private addDefinitionTable(target: RouterNode, file: ScannedSourceFile, call: ts.CallExpression, order: EventOrder, routePath: string[] | undefined, loop: NonNullable<ReturnType<typeof enclosingIteration>>, methodField: string): 'added' | 'ignored' {
    const table = this.constInitializer(loop.iterated, file);
    const entries = table && ts.isArrayLiteralExpression(table) ? this.definitionEntries(table, file, 0) : [];
    if (entries.length === 0) return 'ignored';
    // `if (middleware.length) router[m](path, middleware, handler) else router[m](path, handler)`: one route per entry.
    const registered = this.tableEntriesRegistered.get(loop.body) ?? new Set<ts.Node>();
    this.tableEntriesRegistered.set(loop.body, registered);
    let added = false;
    for (const entry of entries) {
      if (registered.has(entry.at)) continue;
      const methodValue = entry.field(methodField);
      const methodText = methodValue && this.values.evaluateString(methodValue.value, methodValue.file);
      const httpMethod = methodText === undefined ? undefined : this.dialect.routeMethods.get(methodText.toLowerCase());
      if (!httpMethod) continue;
      const [pathArgument, ...rest] = call.arguments;
      const pathText = routePath ? undefined : pathArgument && this.entryString(pathArgument, entry, loop, file, 0);
      const paths = routePath ?? (pathText !== undefined ? [pathText] : undefined);
      if (!paths) continue;
      const items = (routePath ? call.arguments : rest).flatMap((argument) => this.entryItems(argument, entry, loop, file, 0));
      const handler = items.at(-1);
      if (!handler) continue;
      const middleware = items.slice(0, -1);
      registered.add(entry.at);
      const validation = entry.madeByFactory ? this.definitionValidation(entry) : [];
      target.events.push({ kind: 'route', order, file, call, methods: [httpMethod], paths, middleware: middleware.map((item) => item.value), middlewareFiles: middleware.map((item) => item.file), handler: handler.value, handlerFile: handler.file, at: entry.at, atFile: entry.file, ...(validation.length > 0 ? { validation } : {}) });
      added = true;
    }
    return added ? 'added' : 'ignored';
  }

  private readonly tableEntriesRegistered = new Map<ts.Node, Set<ts.Node>>();

  /**
   * The request schemas a definition factory is given with the route (`paramsSchema`, `querySchema`,
   * `bodySchema`, or `params`/`query`/`body`): the factory's wrapper validates the request with them
   * before the handler runs (GrowthBook's createApiRequestHandler, OpenAPI-style route specs), so the
   * handler reads the fields they declare, of the types they declare. Zod object schemas only.
   */
  private definitionValidation(entry: TableEntry): RouteMiddleware[] {
    const steps: RouteMiddleware[] = [];
    for (const [part, names] of DEFINITION_SCHEMA_FIELDS) {
      for (const name of names) {
        const schema = entry.field(name);
        if (!schema) continue;
        const read = readInputSchema(this.modules, schema.file, schema.value);
        if (read.fields.length > 0) {
          steps.push({
            name: `${name} of the route definition`,
            file: schema.file.path,
            line: nodePosition(schema.value).line,
            kind: 'validation',
            strength: 'strong',
            evidence: `the route's definition factory validates the request ${part} with ${name} before the handler runs`,
            scope: 'route',
            validatedFields: read.fields.map((field) => ({ ...field, part })),
            ...(read.keepsUnknownKeys ? { keepsUnknownKeys: true as const } : {}),
          });
        }
        break;
      }
    }
    return steps;
  }

  /** The route definitions of a table: object literals, consts holding one, definition-factory calls and spreads of other tables, across files. */
  private definitionEntries(table: ts.ArrayLiteralExpression, file: ScannedSourceFile, depth: number): TableEntry[] {
    if (depth > 3) return [];
    const entries: TableEntry[] = [];
    for (const element of table.elements) {
      const value = skipOuterExpressions(ts.isSpreadElement(element) ? element.expression : element);
      const resolved = this.constValue(value, file);
      if (!resolved) continue;
      if (ts.isSpreadElement(element)) {
        if (ts.isArrayLiteralExpression(resolved.value)) entries.push(...this.definitionEntries(resolved.value, resolved.file, depth + 1));
        continue;
      }
      const entry = this.definitionEntry(resolved.value, resolved.file, resolved.at ?? value);
      if (entry) entries.push(entry);
    }
    return entries;
  }

  /** What a name holds when it is a const, here or imported (`featureRoutes`, `deleteFeatureSpec`); an expression as written otherwise. */
  private constValue(expression: ts.Expression, file: ScannedSourceFile, depth = 0): { value: ts.Expression; file: ScannedSourceFile; at?: ts.Node } | undefined {
    const value = skipOuterExpressions(expression);
    if (!ts.isIdentifier(value)) return { value, file };
    if (depth > 3) return undefined;
    const declaration = this.values.declarationOf(value, file);
    const node = declaration?.node;
    if (!declaration || !node || !ts.isVariableDeclaration(node) || !isConstant(node) || !node.initializer) return undefined;
    const inner = this.constValue(node.initializer, declaration.file, depth + 1);
    return inner && { ...inner, at: inner.at ?? node };
  }

  /**
   * One route definition: an object literal, or a factory call given a spec object with `method` and
   * `path` (a const of any file) and, last, the handler the route runs (`makeRoute(spec)(handler)`,
   * `makeRoute(spec, handler)`), unless the spec names its own.
   */
  private definitionEntry(value: ts.Expression, file: ScannedSourceFile, at: ts.Node): TableEntry | undefined {
    if (ts.isObjectLiteralExpression(value)) return objectEntry(value, file, at);
    if (!ts.isCallExpression(value)) return undefined;
    const outermost = value;
    let spec: TableEntry | undefined;
    for (let current: ts.Expression = value, depth = 0; ts.isCallExpression(current) && depth < 3 && !spec; current = skipOuterExpressions(current.expression), depth++) {
      for (const argument of current.arguments) {
        const resolved = this.constValue(argument, file);
        if (!resolved || !ts.isObjectLiteralExpression(resolved.value)) continue;
        const candidate = objectEntry(resolved.value, resolved.file, at);
        if (candidate.field('method') && candidate.field('path')) {
          spec = candidate;
          break;
        }
      }
    }
    if (!spec) return undefined;
    // The handler: the last argument of the outermost call, unless that is the spec itself (`defineRoute(spec)`).
    const last = outermost.arguments.at(-1);
    const lastValue = last && this.constValue(last, file)?.value;
    const handlerArgument = last && !(lastValue && ts.isObjectLiteralExpression(lastValue)) ? last : undefined;
    const found = spec;
    return {
      madeByFactory: true,
      at,
      file: at.getSourceFile() === file.sourceFile ? file : (this.modules.fileOf(at) ?? file),
      field: (name) => found.field(name) ?? (name === 'handler' && handlerArgument ? { value: handlerArgument, file } : undefined),
    };
  }

  /** A string the loader builds from the entry: the entry's fields, `??`/`||` defaults, templates and the loop's locals. */
  private entryString(expression: ts.Expression, entry: TableEntry, loop: NonNullable<ReturnType<typeof enclosingIteration>>, file: ScannedSourceFile, depth: number): string | undefined {
    if (depth > 6) return undefined;
    const value = skipOuterExpressions(expression);
    const field = entryFieldRead(value, loop.item);
    if (field !== undefined) {
      const read = entry.field(field);
      return read && this.values.evaluateString(read.value, read.file);
    }
    if (ts.isTemplateExpression(value)) {
      let text = value.head.text;
      for (const span of value.templateSpans) {
        const part = this.entryString(span.expression, entry, loop, file, depth + 1);
        if (part === undefined) return undefined;
        text += part + span.literal.text;
      }
      return text;
    }
    if (ts.isBinaryExpression(value) && (value.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || value.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
      return this.entryString(value.left, entry, loop, file, depth + 1) ?? this.entryString(value.right, entry, loop, file, depth + 1);
    }
    if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const left = this.entryString(value.left, entry, loop, file, depth + 1);
      const right = left === undefined ? undefined : this.entryString(value.right, entry, loop, file, depth + 1);
      return right === undefined ? undefined : left! + right;
    }
    const local = this.loopLocal(value, loop, file);
    if (local) return this.entryString(local, entry, loop, file, depth + 1);
    return this.values.evaluateString(value, file);
  }

  /**
   * The middleware and handler a loader's argument holds for one entry: the entry's fields (`route.handler`,
   * `...(route.middleware ?? [])`, absent ones adding nothing), arrays and spreads of them, a conditional
   * on an entry field (`...(route.deprecated ? [setHeader] : [])`) by whether the entry has it, and the loop's locals.
   */
  private entryItems(expression: ts.Expression, entry: TableEntry, loop: NonNullable<ReturnType<typeof enclosingIteration>>, file: ScannedSourceFile, depth: number): Array<{ value: ts.Expression; file: ScannedSourceFile }> {
    if (depth > 6) return [];
    const value = skipOuterExpressions(ts.isSpreadElement(expression) ? expression.expression : expression);
    const field = entryFieldRead(value, loop.item);
    if (field !== undefined) {
      const read = entry.field(field);
      if (!read) return [];
      const held = skipOuterExpressions(read.value);
      return ts.isArrayLiteralExpression(held) ? held.elements.map((element) => ({ value: element, file: read.file })) : [read];
    }
    if (ts.isArrayLiteralExpression(value)) return value.elements.flatMap((element) => this.entryItems(element, entry, loop, file, depth + 1));
    if (ts.isBinaryExpression(value) && (value.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || value.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
      const left = entryFieldRead(value.left, loop.item);
      if (left !== undefined) return entry.field(left) ? this.entryItems(value.left, entry, loop, file, depth + 1) : this.entryItems(value.right, entry, loop, file, depth + 1);
    }
    if (ts.isConditionalExpression(value)) {
      const condition = entryFieldRead(value.condition, loop.item);
      if (condition !== undefined) return this.entryItems(entry.field(condition) ? value.whenTrue : value.whenFalse, entry, loop, file, depth + 1);
    }
    const local = this.loopLocal(value, loop, file);
    if (local) return this.entryItems(local, entry, loop, file, depth + 1);
    return [{ value: expression, file }];
  }

  /** The initializer of a const the loop's body declares (`const versionedPath = ...`), for a name read in it. */
  private loopLocal(value: ts.Expression, loop: NonNullable<ReturnType<typeof enclosingIteration>>, file: ScannedSourceFile): ts.Expression | undefined {
    if (!ts.isIdentifier(value)) return undefined;
    const declaration = this.values.declarationOf(value, file);
    const node = declaration?.node;
    if (!node || declaration.file !== file || node.pos < loop.body.pos || node.end > loop.body.end) return undefined;
    return ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && isConstant(node) ? node.initializer : undefined;
  }

  /**
   * The route-object field an expression in a loader's loop reads: `route.method`, a destructured
   * `{ method }` of the loop parameter or of a local (`const { url } = route`), through
   * `.toLowerCase()`/`.toUpperCase()`, a conditional's first branch and a one-argument wrapper call
   * (`const fn = handler ? wrap(handler) : noop`), so the wrapped handler stands for itself.
   */
  private loopField(expression: ts.Expression, loop: NonNullable<ReturnType<typeof enclosingIteration>>, file: ScannedSourceFile, depth = 0): string | undefined {
    if (depth > 4) return undefined;
    const value = skipOuterExpressions(expression);
    const direct = itemPropertyRead(value, loop.item);
    if (direct !== undefined) return direct;
    if (ts.isCallExpression(value)) {
      const callee = skipOuterExpressions(value.expression);
      if (ts.isPropertyAccessExpression(callee) && value.arguments.length === 0 && CASE_CHANGES.has(callee.name.text)) return this.loopField(callee.expression, loop, file, depth + 1);
      return value.arguments.length === 1 ? this.loopField(value.arguments[0]!, loop, file, depth + 1) : undefined;
    }
    if (ts.isConditionalExpression(value)) return this.loopField(value.whenTrue, loop, file, depth + 1);
    if (!ts.isIdentifier(value)) return undefined;
    const declaration = this.values.declarationOf(value, file);
    const node = declaration?.node;
    // Only a local of the loop's body: a name from outside the loop is the same for every element.
    if (!node || declaration.file !== file || node.pos < loop.body.pos || node.end > loop.body.end) return undefined;
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) return this.loopField(node.initializer, loop, file, depth + 1);
    if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent) && ts.isVariableDeclaration(node.parent.parent) && node.parent.parent.initializer) {
      const source = skipOuterExpressions(node.parent.parent.initializer);
      if (!ts.isIdentifier(source) || !ts.isIdentifier(loop.item) || source.text !== loop.item.text || node.dotDotDotToken) return undefined;
      return node.propertyName ? propertyNameText(node.propertyName) : ts.isIdentifier(node.name) ? node.name.text : undefined;
    }
    return undefined;
  }

  /** A loader's table: the elements of `[{...}, {...}]`, or the values of `{ a: {...}, b: {...} }` (also as `Object.values(api)`), as a const of this file. */
  private routeObjects(expression: ts.Expression, file: ScannedSourceFile): ts.ObjectLiteralExpression[] | undefined {
    let value = skipOuterExpressions(expression);
    if (ts.isCallExpression(value) && value.arguments.length === 1 && skipOuterExpressions(value.expression).getText(file.sourceFile) === 'Object.values') value = skipOuterExpressions(value.arguments[0]!);
    const elements = this.objectLiteralElements(value, file);
    if (elements) return elements;
    const object = this.constInitializer(value, file);
    if (!object || !ts.isObjectLiteralExpression(object) || object.properties.length === 0) return undefined;
    const values = object.properties.map((property) => (ts.isPropertyAssignment(property) ? skipOuterExpressions(property.initializer) : undefined));
    return values.every((entry) => entry !== undefined && ts.isObjectLiteralExpression(entry)) ? (values as ts.ObjectLiteralExpression[]) : undefined;
  }

  /** What a const of this file is initialized with, or the expression itself when it is no name. */
  private constInitializer(expression: ts.Expression, file: ScannedSourceFile): ts.Expression | undefined {
    const value = skipOuterExpressions(expression);
    if (!ts.isIdentifier(value)) return value;
    const declaration = this.values.declarationOf(value, file);
    const node = declaration?.node;
    // Same file only: an imported table could be filled or filtered before it is iterated here.
    if (declaration?.file !== file || !node || !ts.isVariableDeclaration(node) || !isConstant(node) || !node.initializer) return undefined;
    return skipOuterExpressions(node.initializer);
  }

  /** The elements of `[{...}, {...}]`, written inline or as a const of this file; undefined if any is not an object literal. */
  private objectLiteralElements(expression: ts.Expression, file: ScannedSourceFile): ts.ObjectLiteralExpression[] | undefined {
    const array = this.constInitializer(expression, file);
    if (!array || !ts.isArrayLiteralExpression(array)) return undefined;
    const elements = array.elements.map((element) => skipOuterExpressions(element));
    return elements.every((element) => ts.isObjectLiteralExpression(element)) ? (elements as ts.ObjectLiteralExpression[]) : undefined;
  }

  /**
   * What a `use` item mounts: a router (`router`, `sub.routes()`, `mount('/x', api)`), nothing
   * worth listing ('skip': `allowedMethods()`, an unresolvable `x.routes()`), or undefined for middleware.
   */
  private mountOf(item: ts.Expression, file: ScannedSourceFile): { paths: string[]; child?: RouterNode; middleware?: ts.Expression } | 'skip' | undefined {
    const value = skipOuterExpressions(item);
    if (ts.isCallExpression(value)) {
      const callee = skipOuterExpressions(value.expression);
      if (ts.isPropertyAccessExpression(callee)) {
        if (this.dialect.ignoredMethods?.has(callee.name.text)) return 'skip';
        if (this.dialect.dispatchMethods?.has(callee.name.text)) {
          const child = this.identity.routerOf(callee.expression, file);
          return child && child !== 'parameter' ? { paths: [''], child } : 'skip';
        }
      }
      if (this.dialect.mountPackages && ts.isIdentifier(callee)) {
        const binding = this.modules.resolveName(file, callee.text);
        if (binding?.kind === 'external' && this.dialect.mountPackages.has(binding.module)) {
          const [first, second] = value.arguments;
          const mounted = second ?? first;
          if (!mounted) return 'skip';
          const paths = second && first ? this.values.pathsOf(first, file) : [''];
          const child = this.mountOf(mounted, file);
          if (child && child !== 'skip' && child.child) return { paths, child: child.child };
          const router = this.identity.routerOf(mounted, file);
          if (router && router !== 'parameter') return { paths, child: router };
          return { paths, middleware: mounted };
        }
      }
    }
    const router = this.identity.routerOf(value, file);
    if (router && router !== 'parameter') return { paths: [''], child: router };
    return undefined;
  }

  /**
   * `register(app)` where register's parameter receives a router: its registrations belong to that
   * router, here. `register(...args)` inside a function that took `...args` hands on every router
   * that function has received, each to the same position.
   */
  private addPassingCall(file: ScannedSourceFile, call: ts.CallExpression): boolean {
    let found = false;
    const callees = this.functionsOf(call.expression, file);
    const mount = (router: RouterNode, index: number) => {
      for (const callee of callees) {
        const child = this.identity.routerOfArgument(callee.node, index, router.kind);
        if (!child || child === router || router.events.some((event) => event.kind === 'mount' && event.child === child)) continue;
        router.events.push({ kind: 'mount', order: orderOf(file, call), paths: [''], child, viaCall: true });
        child.mountedBy++;
        found = true;
      }
    };
    call.arguments.forEach((argument, index) => {
      if (ts.isSpreadElement(argument)) {
        const forwarded = forwardedRestParameter(argument);
        if (!forwarded || call.arguments.slice(0, index).some(ts.isSpreadElement)) return;
        for (const [position, router] of this.identity.argumentRouters(forwarded.fn) ?? []) {
          if (position >= forwarded.restIndex) mount(router, index + position - forwarded.restIndex);
        }
        return;
      }
      if (!ts.isIdentifier(argument) && !isThisProperty(argument)) return;
      const router = this.identity.routerOf(argument, file);
      if (!router || router === 'parameter') return;
      mount(router, index);
    });
    return found;
  }

  /**
   * The functions a callee may be: the one `functionOf` finds, or each default export of a table of
   * lazily imported modules the callee was taken from: `const { default: init } = await
   * services[name]()` over `const services = { web: () => import('./web'), admin: () => import('./admin') }`
   * (outline's server/main.ts hands its app, with helmet and the default rate limiter, to each service).
   */
  private functionsOf(callee: ts.Expression, file: ScannedSourceFile): NonNullable<ReturnType<typeof resolveFunction>>[] {
    const single = this.functionOf(callee, file);
    if (single) return [single];
    const value = skipOuterExpressions(callee);
    if (!ts.isIdentifier(value)) return [];
    const declaration = localDeclaration(value);
    if (!declaration?.initializer || !ts.isObjectBindingPattern(declaration.name)) return [];
    const element = declaration.name.elements.find((candidate) => ts.isIdentifier(candidate.name) && candidate.name.text === value.text);
    if (!element?.propertyName || propertyNameText(element.propertyName) !== 'default') return [];
    const loaded = skipOuterExpressions(declaration.initializer);
    const loader = ts.isCallExpression(loaded) ? skipOuterExpressions(loaded.expression) : undefined;
    if (!loader || !ts.isElementAccessExpression(loader)) return [];
    const table = this.objectLiteralOf(loader.expression, file);
    if (!table) return [];
    const found: NonNullable<ReturnType<typeof resolveFunction>>[] = [];
    for (const property of table.literal.properties) {
      const loaderFunction = ts.isPropertyAssignment(property) ? skipOuterExpressions(property.initializer) : undefined;
      const body = loaderFunction && (ts.isArrowFunction(loaderFunction) || ts.isFunctionExpression(loaderFunction)) && !ts.isBlock(loaderFunction.body) ? skipOuterExpressions(loaderFunction.body) : undefined;
      const specifier = body && ts.isCallExpression(body) && body.expression.kind === ts.SyntaxKind.ImportKeyword && body.arguments[0] && ts.isStringLiteralLike(body.arguments[0]) ? body.arguments[0].text : undefined;
      const target = specifier !== undefined ? this.modules.resolveImport(table.file, specifier) : undefined;
      const exported = target && this.modules.resolveExport(target, 'default');
      const exportedValue = bindingValue(exported);
      if (exported?.kind !== 'declaration' || !exportedValue) continue;
      if (ts.isFunctionDeclaration(exportedValue)) found.push({ file: exported.file, node: exportedValue, name: exportedValue.name?.text ?? 'default' });
      else if (ts.isExpression(exportedValue)) {
        const resolved = resolveFunction(this.modules, exported.file, exportedValue);
        if (resolved) found.push(resolved);
      }
    }
    return found;
  }

  /** The object literal a name holds, here or imported: `services` of `import services from './services'`. */
  private objectLiteralOf(expression: ts.Expression, file: ScannedSourceFile): { file: ScannedSourceFile; literal: ts.ObjectLiteralExpression } | undefined {
    const value = skipOuterExpressions(expression);
    if (ts.isObjectLiteralExpression(value)) return { file, literal: value };
    if (!ts.isIdentifier(value)) return undefined;
    const binding = this.modules.resolveName(file, value.text);
    const held = bindingValue(binding);
    const literal = held && ts.isExpression(held) ? skipOuterExpressions(held) : undefined;
    return literal && ts.isObjectLiteralExpression(literal) && binding?.kind === 'declaration' ? { file: binding.file, literal } : undefined;
  }

  /** The function a callee is: `register`, `routes.register`, or CommonJS `require('./routes')`. */
  private functionOf(callee: ts.Expression, file: ScannedSourceFile): ReturnType<typeof resolveFunction> {
    const specifier = requiredModule(callee);
    if (specifier !== undefined && ts.isCallExpression(skipOuterExpressions(callee))) {
      const target = this.modules.resolveImport(file, specifier);
      const exported = target && this.modules.resolveExport(target, 'default');
      const value = bindingValue(exported);
      if (exported?.kind !== 'declaration' || !value) return undefined;
      if (ts.isFunctionDeclaration(value)) return { file: exported.file, node: value, name: value.name?.text ?? 'default' };
      return ts.isExpression(value) ? resolveFunction(this.modules, exported.file, value) : undefined;
    }
    return resolveFunction(this.modules, file, callee);
  }

  /** The object a registration is made on, through chains: `router.get(...).post(...)`, `app.route('/x').get(...)`. */
  private receiverOf(call: ts.CallExpression): { router: ts.Expression; routePath?: string[] } {
    let receiver = skipOuterExpressions((call.expression as ts.PropertyAccessExpression).expression);
    for (;;) {
      if (!ts.isCallExpression(receiver) || !ts.isPropertyAccessExpression(receiver.expression)) return { router: receiver };
      const name = receiver.expression.name.text;
      if (name === 'route' && receiver.arguments[0]) {
        const file = this.modules.fileOf(receiver);
        return { router: receiver.expression.expression, routePath: file ? this.values.pathsOf(receiver.arguments[0], file) : [receiver.arguments[0].getText()] };
      }
      if (!this.dialect.routeMethods.has(name) && name !== 'use' && name !== 'prefix') return { router: receiver };
      receiver = skipOuterExpressions(receiver.expression.expression);
    }
  }

  // ---- walking the graph ------------------------------------------------------------------

  /** Emits the routes under a node; returns the middleware in force after its last registration. */
  private expand(node: RouterNode, base: string, inherited: AppliedMiddleware[], isGlobal: boolean, visiting: Set<RouterNode>, routes: RouteDefinition[]): AppliedMiddleware[] {
    if (visiting.has(node)) return inherited;
    visiting.add(node);
    const prefix = joinPaths(base, node.prefix);
    const active = [...inherited];
    for (const event of node.events) {
      if (event.kind === 'use') {
        const scope: RouteMiddleware['scope'] = event.mountInline || !isGlobal ? 'router' : 'global';
        const unders = (event.paths ?? ['']).map((sub) => normalizePath(joinPaths(prefix, sub)));
        for (const expression of event.middleware) {
          const { inner, except } = this.unlessOf(expression, event.file);
          const middleware = this.describe(inner, event.file, scope, inner === expression ? undefined : middlewareName(expression));
          const skips = inner === expression ? this.skipsOf(inner, event.file) : undefined;
          for (const under of unders) active.push({ middleware, under: under === '/' ? undefined : under, except, ...(skips ? { skips } : {}) });
        }
      } else if (event.kind === 'mount') {
        if (event.viaCall) {
          // `configure(app)` registers on the same object: its `use` calls stay in force afterwards.
          const after = this.expand(event.child, prefix, active, isGlobal, visiting, routes);
          active.splice(0, active.length, ...after);
          continue;
        }
        for (const sub of event.paths) this.expand(event.child, joinPaths(prefix, sub), active, false, visiting, routes);
      } else {
        this.emitRoutes(node, event, prefix, active, routes);
      }
    }
    visiting.delete(node);
    return active;
  }

  private emitRoutes(node: RouterNode, event: Extract<RouterEvent, { kind: 'route' }>, prefix: string, active: AppliedMiddleware[], routes: RouteDefinition[]): void {
    const { file, call } = event;
    // `router\n  .get(...)\n  .delete(...)`: a chained registration (or one whose method starts its own line) is
    // located at its method name, not at the chain's start.
    const callee = skipOuterExpressions(call.expression);
    const atName = ts.isPropertyAccessExpression(callee) && (ts.isCallExpression(skipOuterExpressions(callee.expression)) || nodePosition(callee.name).line !== nodePosition(call).line);
    const position = event.at ? nodePosition(event.at) : atName ? nodePosition((callee as ts.PropertyAccessExpression).name) : nodePosition(call);
    const handlerFile = event.handlerFile ?? file;
    let handlerFunction = event.handlerMethod ? { node: event.handlerMethod, name: propertyNameText(event.handlerMethod.name) ?? 'handler', file: event.atFile ?? file } : event.handler && this.handlerOf(event.handler, handlerFile);
    // `router.get('/:pk', asyncHandler(readOne), respond)`: the last argument only sends what the one
    // before it left in `res.locals`; that one reads the request and does the work, so it is the handler.
    let middlewareItems = event.middleware;
    const previous = event.middleware.at(-1);
    if (handlerFunction && previous && !event.handlerMethod && respondsFromLocals(handlerFunction.node)) {
      const worker = this.handlerOf(previous, event.middlewareFiles?.at(-1) ?? file);
      if (worker && answersThroughLocals(worker.node)) {
        handlerFunction = worker;
        middlewareItems = event.middleware.slice(0, -1);
      }
    }
    const routeMiddleware = middlewareItems.map((expression, index) => {
      const written = event.middlewareFiles?.[index] ?? file;
      const { inner } = this.unlessOf(expression, written);
      return this.describe(inner, written, 'route', inner === expression ? event.middlewareNames?.[index] : middlewareName(expression));
    });
    // Express runs every argument the same way: a last argument that is an authentication middleware
    // (`app.get('/api/Users', security.isAuthorized())`, the real handler mounted elsewhere) guards.
    if (event.handler && ts.isCallExpression(skipOuterExpressions(event.handler))) {
      const last = this.describe(event.handler, handlerFile, 'route');
      if (last.kind === 'auth' && last.strength === 'strong') routeMiddleware.push(last);
    }
    routeMiddleware.push(...(event.validation ?? []));
    for (const method of event.methods) {
      for (const sub of event.paths) {
        const path = normalizePath(joinPaths(prefix, sub));
        const middleware = [...active.filter((applied) => applies(applied, path, method)).map((applied) => applied.middleware), ...routeMiddleware];
        const definition: RouteDefinition = {
          framework: this.dialect.framework,
          method,
          path,
          file: (event.atFile ?? file).path,
          line: position.line,
          column: position.column,
          middleware,
        };
        if (handlerFunction) {
          definition.handler = { node: handlerFunction.node, name: handlerFunction.name, file: handlerFunction.file.path, line: nodePosition(handlerFunction.node).line };
        }
        if (node.projectRouter) {
          const { name, file: classFile, line } = node.projectRouter;
          definition.dispatchedBy = `${name} (${classFile}:${line})`;
          if (handlerFunction) Object.assign(definition, dispatchedHandlerParameters(handlerFunction.node));
        }
        routes.push(definition);
      }
    }
  }

  /**
   * The function that handles the request: what resolveFunction finds, else what a handler
   * factory returns (`retrieveBasket()`, `utils.asyncHandler(retrieveBasket())`).
   */
  private handlerOf(expression: ts.Expression, file: ScannedSourceFile, depth = 0): ReturnType<typeof resolveFunction> {
    const direct = resolveFunction(this.modules, file, expression);
    if (direct || depth > 3) return direct;
    const value = skipOuterExpressions(expression);
    if (!ts.isCallExpression(value)) return undefined;
    const factory = resolveFunction(this.modules, file, value.expression);
    const returned = factory?.node.body && returnedFunction(factory.node.body);
    if (factory && returned) return { file: factory.file, node: returned, name: factory.name };
    const callArguments = value.arguments.filter((argument) => ts.isCallExpression(skipOuterExpressions(argument)));
    return callArguments.length === 1 ? this.handlerOf(callArguments[0]!, file, depth + 1) : undefined;
  }

  private describe(expression: ts.Expression, file: ScannedSourceFile, scope: RouteMiddleware['scope'], displayName?: string): RouteMiddleware {
    const key = `${file.path}\0${expression.pos}\0${expression.end}\0${scope}\0${displayName ?? ''}`;
    let described = this.describedCache.get(key);
    if (!described) {
      described = this.context.middleware.describe(expression, file, scope, displayName);
      this.describedCache.set(key, described);
    }
    return described;
  }

  /** The requests a middleware function lets through before its check, read from its body (memoized per function). */
  private skipsOf(expression: ts.Expression, file: ScannedSourceFile): MiddlewareSkip | undefined {
    const fn = resolveFunction(this.modules, file, expression);
    if (!fn) return undefined;
    if (!this.skipCache.has(fn.node)) this.skipCache.set(fn.node, middlewareSkipPredicate(fn.node, fn.file, this.values));
    return this.skipCache.get(fn.node);
  }

  /** `jwt({...}).unless({ path: ['/login', /^\/public/] })`: the middleware, and the paths it skips. */
  private unlessOf(expression: ts.Expression, file: ScannedSourceFile): { inner: ts.Expression; except?: AppliedMiddleware['except'] } {
    const value = skipOuterExpressions(expression);
    if (!ts.isCallExpression(value) || !ts.isPropertyAccessExpression(value.expression) || value.expression.name.text !== 'unless') return { inner: expression };
    const options = value.arguments[0] && skipOuterExpressions(value.arguments[0]);
    const except: NonNullable<AppliedMiddleware['except']> = [];
    if (options && ts.isObjectLiteralExpression(options)) {
      for (const property of options.properties) {
        if (!ts.isPropertyAssignment(property) || propertyNameText(property.name) !== 'path') continue;
        const initializer = skipOuterExpressions(property.initializer);
        const entries = ts.isArrayLiteralExpression(initializer) ? [...initializer.elements] : [initializer];
        for (const entry of entries) {
          const item = skipOuterExpressions(entry);
          if (ts.isRegularExpressionLiteral(item)) {
            const regex = regexFromLiteral(item.text);
            if (regex) except.push({ path: regex });
          } else if (ts.isObjectLiteralExpression(item)) {
            let path: string | RegExp | undefined;
            let methods: HttpMethod[] | undefined;
            for (const field of item.properties) {
              if (!ts.isPropertyAssignment(field)) continue;
              const fieldName = propertyNameText(field.name);
              const fieldValue = skipOuterExpressions(field.initializer);
              if (fieldName === 'url') path = ts.isRegularExpressionLiteral(fieldValue) ? regexFromLiteral(fieldValue.text) : this.values.evaluateString(fieldValue, file);
              if (fieldName === 'methods' && ts.isArrayLiteralExpression(fieldValue)) {
                methods = fieldValue.elements.filter(ts.isStringLiteralLike).map((element) => element.text.toUpperCase() as HttpMethod);
              }
            }
            if (path !== undefined) except.push({ path, methods });
          } else {
            const text = this.values.evaluateString(item, file);
            if (text !== undefined) except.push({ path: text });
          }
        }
      }
    }
    return { inner: value.expression.expression, except };
  }
}

const CONTEXT_NAMES = new Set(['ctx', 'context', 'req', 'request']);

/** Calls that change a method name's case and keep which method it is. */
const CASE_CHANGES = new Set(['toLowerCase', 'toUpperCase', 'toLocaleLowerCase', 'toLocaleUpperCase']);

/** `async handler(req, res) {...}` in a route-definition object: the method a field names. */
function objectMethod(object: ts.ObjectLiteralExpression, name: string): ts.MethodDeclaration | undefined {
  return object.properties.find((property): property is ts.MethodDeclaration => ts.isMethodDeclaration(property) && propertyNameText(property.name) === name);
}

/**
 * A handler a project's router class dispatches: which parameter is the framework's request
 * context (named so, or typed `...Context`/`...Request`; else the first), and the others, which
 * hold what the dispatcher parsed from the request for it (`(path: SubPath, ctx)`: the id in the
 * URL): client input.
 */
function dispatchedHandlerParameters(handler: ts.SignatureDeclaration): { contextParameter: number; inputParameters: number[] } {
  const typeName = (parameter: ts.ParameterDeclaration): string | undefined => {
    const type = parameter.type;
    if (!type || !ts.isTypeReferenceNode(type)) return undefined;
    return ts.isIdentifier(type.typeName) ? type.typeName.text : type.typeName.right.text;
  };
  const found = handler.parameters.findIndex((parameter) => (ts.isIdentifier(parameter.name) && CONTEXT_NAMES.has(parameter.name.text)) || /(?:Context|Request)$/.test(typeName(parameter) ?? ''));
  const contextParameter = found === -1 ? 0 : found;
  return { contextParameter, inputParameters: handler.parameters.map((_, index) => index).filter((index) => index < contextParameter) };
}

function applies(applied: AppliedMiddleware, path: string, method: HttpMethod): boolean {
  if (applied.under !== undefined && !pathStartsWith(path, applied.under)) return false;
  if (applied.skips) {
    // Below its mount point the middleware sees the rest of the path (`req.path`); `req.originalUrl` is the whole.
    const depth = applied.under ? applied.under.split('/').filter(Boolean).length : 0;
    const relative = `/${path.split('/').filter(Boolean).slice(depth).join('/')}`;
    if (applied.skips({ method, full: path, relative })) return false;
  }
  if (applied.except) {
    for (const exception of applied.except) {
      const matches = typeof exception.path === 'string' ? normalizePath(exception.path) === path : exception.path.test(path);
      if (matches && (!exception.methods || exception.methods.includes(method) || method === 'ALL')) return false;
    }
  }
  return true;
}

function orderOf(file: ScannedSourceFile, node: ts.Node): EventOrder {
  return { file: file.path, start: node.getStart(file.sourceFile), end: node.end };
}

function compareEvents(a: RouterEvent, b: RouterEvent): number {
  return (a.order.file < b.order.file ? -1 : a.order.file > b.order.file ? 1 : 0) || a.order.start - b.order.start || a.order.end - b.order.end;
}


/**
 * The members of a class its constructor runs: the constructor, and the methods it (and they) call on
 * `this` (`this.#addRoutes()`), private names included.
 */
function constructorReachedMembers(classNode: ts.ClassLikeDeclaration): Set<ts.ClassElement> {
  const constructor = classNode.members.find(ts.isConstructorDeclaration);
  const reached = new Set<ts.ClassElement>();
  const queue: ts.ClassElement[] = constructor ? [constructor] : [];
  while (queue.length > 0) {
    const member = queue.pop()!;
    if (reached.has(member)) continue;
    reached.add(member);
    const body = (member as { body?: ts.Node }).body;
    if (!body) continue;
    walkDescendants(body, (node) => {
      if (!ts.isCallExpression(node)) return;
      const callee = skipOuterExpressions(node.expression);
      if (!ts.isPropertyAccessExpression(callee) || callee.expression.kind !== ts.SyntaxKind.ThisKeyword) return;
      const name = callee.name.text;
      const called = classNode.members.find((candidate) => ts.isMethodDeclaration(candidate) && candidate.name && (ts.isPrivateIdentifier(candidate.name) ? candidate.name.text : propertyNameText(candidate.name)) === name);
      if (called) queue.push(called);
    });
  }
  return reached;
}

/** The member of the class a node is written in (through the functions nested in that member). */
function classMemberOf(node: ts.Node, classNode: ts.ClassLikeDeclaration): ts.ClassElement | undefined {
  for (let current: ts.Node | undefined = node; current; current = current.parent) {
    if (current.parent === classNode) return ts.isClassElement(current) ? current : undefined;
  }
  return undefined;
}

/** The method a node is written in (not through nested functions). */
function enclosingMethod(node: ts.Node): ts.MethodDeclaration | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isMethodDeclaration(current)) return current;
    if (isFunctionLikeNode(current) || ts.isClassLike(current)) return undefined;
  }
  return undefined;
}

function isFunctionLikeNode(node: ts.Node): boolean {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node);
}

/** What a method returns, in its body's own return statements. */
function returnedExpressions(body: ts.Block): ts.Expression[] {
  const found: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunctionLikeNode(node)) return;
    if (ts.isReturnStatement(node) && node.expression) found.push(node.expression);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  return found;
}

/** `...args` where `args` is the enclosing function's rest parameter: that function and the rest parameter's position. */
function forwardedRestParameter(spread: ts.SpreadElement): { fn: ts.SignatureDeclaration; restIndex: number } | undefined {
  const expression = skipOuterExpressions(spread.expression);
  if (!ts.isIdentifier(expression)) return undefined;
  for (let scope: ts.Node | undefined = spread.parent; scope && !ts.isSourceFile(scope); scope = scope.parent) {
    if (!ts.isFunctionLike(scope)) continue;
    const restIndex = scope.parameters.findIndex((parameter) => parameter.dotDotDotToken !== undefined && ts.isIdentifier(parameter.name) && parameter.name.text === expression.text);
    if (restIndex !== -1) return { fn: scope, restIndex };
    if (scope.parameters.some((parameter) => bindsParameterName(parameter.name, expression.text))) return undefined;
  }
  return undefined;
}

function bindsParameterName(name: ts.BindingName, text: string): boolean {
  if (ts.isIdentifier(name)) return name.text === text;
  return name.elements.some((element) => !ts.isOmittedExpression(element) && bindsParameterName(element.name, text));
}

/** Spec fields holding a definition's request schemas, by the part each validates (the first present counts). */
const DEFINITION_SCHEMA_FIELDS: ReadonlyArray<[InputBagKind, readonly string[]]> = [
  ['params', ['paramsSchema', 'params']],
  ['query', ['querySchema', 'query']],
  ['body', ['bodySchema', 'body']],
];

/** One route definition of a loader's table: where it is written, and its fields where each is written. */
interface TableEntry {
  /** Built by a definition factory from a spec object (`createApiRequestHandler(spec)(handler)`), not written as an object. */
  madeByFactory?: true;
  at: ts.Node;
  file: ScannedSourceFile;
  field(name: string): { value: ts.Expression; file: ScannedSourceFile } | undefined;
}

function objectEntry(object: ts.ObjectLiteralExpression, file: ScannedSourceFile, at: ts.Node): TableEntry {
  return {
    at,
    file,
    field: (name) => {
      const value = objectPropertyValue(object, name);
      return value ? { value, file } : undefined;
    },
  };
}

/** The entry field an expression reads, through casts of the entry (`(route as { version?: string }).version`). */
function entryFieldRead(expression: ts.Expression, item: ts.BindingName): string | undefined {
  const value = skipOuterExpressions(expression);
  const direct = itemPropertyRead(value, item);
  if (direct !== undefined || !ts.isIdentifier(item)) return direct;
  if (ts.isPropertyAccessExpression(value)) {
    const owner = skipOuterExpressions(value.expression);
    if (ts.isIdentifier(owner) && owner.text === item.text) return value.name.text;
  }
  return undefined;
}
