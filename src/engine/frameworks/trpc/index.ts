import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { nodePosition, propertyNameText, skipOuterExpressions } from '../../ast/syntax.js';
import { bindingValue, localConstInitializer, type ResolvedFunction, resolveFunction } from '../../names/index.js';
import { middlewareName } from '../../routes/classify-middleware.js';
import type { Operation, RouteDefinition, RouteMiddleware } from '../../routes/route.js';
import { usesAnyPackage, type AdapterContext, type FrameworkAdapter } from '../adapter.js';
import { readInputSchema } from './zod-input.js';

/**
 * tRPC (v10, v11): the procedures of the routers built with `initTRPC...create()`, by their dotted
 * path from the root router (`order.cancel`), with every `.use()` middleware of their builder chain
 * (the base procedure's own, followed across files, first) and their `.input()` schemas.
 *
 * tRPC has no HTTP routes of its own: an adapter (fetch, Next.js, standalone, Express, Fastify)
 * serves one router, and a request names a procedure by its path. A procedure runs its builder's
 * middleware in the order they were added, then parses the input, then the resolver.
 */
export const trpcAdapter: FrameworkAdapter = {
  name: 'trpc',
  isEnabled: (facts) => usesAnyPackage(facts, ['@trpc/server']),
  discoverRoutes: (context) => new TrpcCollector(context, TRPC).collect(),
};

/**
 * oRPC: the same model with other names. `os` (imported from @orpc/server) is the base builder;
 * `.use()` adds middleware (`os.middleware(fn)`), `.input()` a schema, `.handler(fn)` ends the chain
 * with the resolver `({ input, context })`. Routers are plain objects (or `os.router({...})`) served
 * by `new RPCHandler(router)` / `new OpenAPIHandler(router)`; a request names a procedure by its key
 * path, or by the `.route({ method, path })` OpenAPI gives it.
 */
export const orpcAdapter: FrameworkAdapter = {
  name: 'orpc',
  isEnabled: (facts) => usesAnyPackage(facts, ['@orpc/server']),
  discoverRoutes: (context) => new TrpcCollector(context, ORPC).collect(),
};

/** What differs between tRPC and oRPC: the package, the base builder, the terminal methods and the router shapes. */
interface RpcFlavor {
  framework: 'trpc' | 'orpc';
  label: string;
  module: RegExp;
  /** Methods that end a builder chain with the resolver, and the operation each gives (oRPC's: from `.route({ method })`). */
  terminals: Readonly<Record<string, Operation | 'by-route'>>;
  /** Builder methods that return a procedure builder with the same middleware. */
  passThrough: ReadonlySet<string>;
  /** Routers are plain object literals, found wherever they are written (oRPC), not only `router({...})` calls. */
  objectRouters: boolean;
  /** Files worth walking for routers. */
  mentionsRouter: RegExp;
}

const TRPC: RpcFlavor = {
  framework: 'trpc',
  label: 'tRPC',
  module: /^@trpc\/server(?:\/.*)?$/,
  terminals: { query: 'QUERY', mutation: 'MUTATION', subscription: 'SUBSCRIPTION' },
  passThrough: new Set(['output', 'meta']),
  objectRouters: false,
  mentionsRouter: /[rR]outers?\s*(?:<[^>]*>\s*)?\(|mergeRouters/,
};

const ORPC: RpcFlavor = {
  framework: 'orpc',
  label: 'oRPC',
  module: /^@orpc\/server(?:\/.*)?$/,
  terminals: { handler: 'by-route' },
  // `$context<C>()`, `.errors({...})`, `.$meta()`, `.$route()`, `.route({...})`, `.output()`: the same middleware.
  passThrough: new Set(['output', 'meta', 'route', 'errors', '$context', '$meta', '$route', '$config', '$input', 'tag', 'prefix']),
  objectRouters: true,
  mentionsRouter: /\.handler\s*\(|[rR]outer|Procedure/,
};

/** Builder methods that return a procedure builder with the same middleware (or one more). */
const BUILDER_METHODS = new Set(['use', 'input', 'output', 'meta', 'concat', 'unstable_concat', ...ORPC.passThrough]);
/** What `initTRPC.context<C>().meta<M>().create()` passes through before `create()`. */
const INIT_METHODS = new Set(['context', 'meta', 'create']);

/**
 * Names projects give a base procedure that turns away anonymous callers (create-t3-app's
 * `protectedProcedure`) or callers without a role. Only used when what its middleware checks cannot
 * be read (a package we do not scan, an unresolvable import): then the name is the only evidence.
 */
const NAMED_PROCEDURES: Array<{ kind: 'auth' | 'role'; pattern: RegExp }> = [
  { kind: 'role', pattern: /^(?:admin|superAdmin|superuser|staff|moderator|role|permission)\w*Procedure$/i },
  { kind: 'auth', pattern: /^(?:protected|authed|authenticated|auth|private|user|loggedIn|signedIn|session|member|viewer)\w*Procedure$/i },
];

/** A call whose callee's last name could be a router factory (`t.router`, `router`, `createTRPCRouter`, `mergeRouters`). */
const ROUTER_CALLEE = /router|merge/i;

const MAX_DEPTH = 24;

interface Located {
  node: ts.Expression;
  file: ScannedSourceFile;
}

type ProcedureStep =
  | { kind: 'use'; expression: ts.Expression; file: ScannedSourceFile; inherited: boolean }
  | { kind: 'input'; expression: ts.Expression; file: ScannedSourceFile; inherited: boolean }
  /** The builder reached through a name (`protectedProcedure`): the name is evidence when its middleware cannot be read. */
  | { kind: 'named'; name: string; file: ScannedSourceFile; node: ts.Node }
  /** A base we cannot evaluate (imported from a package, not found). */
  | { kind: 'unresolved'; name: string; file: ScannedSourceFile; node: ts.Node };

interface TrpcRouter {
  file: ScannedSourceFile;
  node: ts.Node;
  /** The object literal of `router({...})`, or the parts of `mergeRouters(a, b)`. */
  source: { kind: 'record'; record: Located } | { kind: 'merge'; parts: Located[] };
  entries?: RouterEntry[];
}

interface RouterEntry {
  key: string;
  file: ScannedSourceFile;
  /** The property in the router record: where the procedure is reported. */
  property: ts.Node;
  value: { kind: 'procedure'; procedure: Extract<TrpcValue, { kind: 'resolved' }> } | { kind: 'router'; router: TrpcRouter };
}

type TrpcValue =
  /** `initTRPC`, `initTRPC.context<C>()`, `.meta<M>()`. */
  | { kind: 'init' }
  /** `t`: what `create()` returns. */
  | { kind: 'instance' }
  | { kind: 'router-factory' }
  | { kind: 'merge-factory' }
  | { kind: 'middleware-factory' }
  /** v11 `lazy(() => import('./x').then((mod) => mod.xRouter))`: a router loaded on first use. */
  | { kind: 'lazy-factory' }
  | { kind: 'procedure'; steps: ProcedureStep[]; httpMethod?: string }
  | { kind: 'resolved'; steps: ProcedureStep[]; operation: Operation; resolver?: Located }
  | { kind: 'router'; router: TrpcRouter };

class TrpcCollector {
  private readonly values = new Map<ts.Node, TrpcValue | null>();
  private readonly routers: TrpcRouter[] = [];
  private readonly routerByNode = new Map<ts.Node, TrpcRouter>();

  constructor(
    private readonly context: AdapterContext,
    private readonly flavor: RpcFlavor,
  ) {}

  collect(): RouteDefinition[] {
    for (const file of this.context.sourceFiles) {
      if (!this.flavor.mentionsRouter.test(file.text)) continue;
      this.findRouters(file);
    }
    // A router nested in or merged into another is reached through it; the others are roots (the
    // app router, or each router of its own when nothing combines them).
    const included = new Set<TrpcRouter>();
    for (const router of this.routers) {
      // Through plain nested records too: `{ other: { deeper: router({...}) } }`.
      const pending = this.childRouters(router);
      while (pending.length > 0) {
        const child = pending.pop()!;
        if (child === router || included.has(child)) continue;
        included.add(child);
        pending.push(...this.childRouters(child));
      }
    }
    const definitions: RouteDefinition[] = [];
    for (const router of this.routers) {
      if (!included.has(router)) this.emit(router, '', [], definitions);
    }
    // A router mounted under the same key by two roots (the app router, and an MCP or OpenAPI router that
    // re-exposes some of its routers) gives each procedure twice under one path: one entry point.
    const seen = new Set<string>();
    return definitions.filter((definition) => {
      const key = `${definition.method} ${definition.path} ${definition.file}:${definition.line}:${definition.column}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  private findRouters(file: ScannedSourceFile): void {
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const callee = skipOuterExpressions(node.expression);
        const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
        if (name && ROUTER_CALLEE.test(name)) this.evaluate({ node, file }, 0);
      }
      // oRPC: `export const folderRouter = { getFolder: authenticatedProcedure...handler(fn) }`.
      if (this.flavor.objectRouters && ts.isObjectLiteralExpression(node)) this.evaluate({ node, file }, 0);
      ts.forEachChild(node, visit);
    };
    visit(file.sourceFile);
  }

  /** Routers a router holds: nested records and the parts of a merge. */
  private childRouters(router: TrpcRouter): TrpcRouter[] {
    const children: TrpcRouter[] = [];
    if (router.source.kind === 'merge') {
      for (const part of router.source.parts) {
        const value = this.evaluate(part, 0);
        if (value?.kind === 'router') children.push(value.router);
      }
    }
    for (const entry of this.entriesOf(router, [])) if (entry.value.kind === 'router') children.push(entry.value.router);
    return children;
  }

  private emit(router: TrpcRouter, prefix: string, stack: TrpcRouter[], out: RouteDefinition[]): void {
    if (stack.includes(router) || stack.length > MAX_DEPTH) return;
    for (const entry of this.entriesOf(router, [])) {
      const path = prefix ? `${prefix}.${entry.key}` : entry.key;
      if (entry.value.kind === 'router') this.emit(entry.value.router, path, [...stack, router], out);
      else out.push(this.definition(entry, entry.value.procedure, path));
    }
  }

  /** The procedures and sub-routers of a router, merged routers' entries included, in source order. */
  private entriesOf(router: TrpcRouter, stack: TrpcRouter[]): RouterEntry[] {
    if (router.entries) return router.entries;
    if (stack.includes(router)) return [];
    const entries: RouterEntry[] = [];
    if (router.source.kind === 'merge') {
      for (const part of router.source.parts) {
        const value = this.evaluate(part, 0);
        if (value?.kind === 'router') entries.push(...this.entriesOf(value.router, [...stack, router]));
      }
    } else {
      entries.push(...this.recordEntries(router.source.record, [...stack, router], 0));
    }
    router.entries = entries;
    return entries;
  }

  /** The entries of a router record `{ key: procedure | router | { nested record } }`, spreads followed. */
  private recordEntries(record: Located, stack: TrpcRouter[], depth: number): RouterEntry[] {
    if (depth > MAX_DEPTH) return [];
    const object = this.objectLiteral(record, 0);
    if (!object) return [];
    const entries: RouterEntry[] = [];
    for (const property of object.node.properties) {
      if (ts.isSpreadAssignment(property)) {
        const spread = { node: property.expression, file: object.file };
        const value = this.evaluate(spread, 0);
        if (value?.kind === 'router') entries.push(...this.entriesOf(value.router, stack));
        else entries.push(...this.recordEntries(spread, stack, depth + 1));
        continue;
      }
      let key: string | undefined;
      let valueNode: ts.Expression | undefined;
      if (ts.isPropertyAssignment(property)) {
        key = propertyNameText(property.name);
        valueNode = property.initializer;
      } else if (ts.isShorthandPropertyAssignment(property)) {
        key = property.name.text;
        valueNode = property.name;
      }
      if (key === undefined || !valueNode) continue;
      const located = { node: valueNode, file: object.file };
      const value = this.evaluate(located, 0) ?? this.unresolvedProcedure(located);
      if (value?.kind === 'resolved') entries.push({ key, file: object.file, property, value: { kind: 'procedure', procedure: value } });
      else if (value?.kind === 'router') entries.push({ key, file: object.file, property, value: { kind: 'router', router: value.router } });
      else {
        // tRPC v11 takes a plain object as a nested router: `{ order: { list: ..., cancel: ... } }`.
        const inner = this.objectLiteral(located, 0);
        if (inner && !value) {
          const nested = this.routerFor(inner.node, inner.file, { kind: 'record', record: inner });
          if (this.entriesOf(nested, stack).length > 0) entries.push({ key, file: object.file, property, value: { kind: 'router', router: nested } });
        }
      }
    }
    return entries;
  }

  private objectLiteral(located: Located, depth: number): { node: ts.ObjectLiteralExpression; file: ScannedSourceFile } | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const node = skipOuterExpressions(located.node);
    if (ts.isObjectLiteralExpression(node)) return { node, file: located.file };
    if (!ts.isIdentifier(node)) return undefined;
    const target = this.nameTarget(node, located.file);
    return target && this.objectLiteral(target, depth + 1);
  }

  /**
   * `somePackageProcedure.input(x).mutation(fn)` in a router record, its base unreadable (imported
   * from a package we do not scan): still a procedure, its base's checks unknown.
   */
  private unresolvedProcedure(located: Located): TrpcValue | undefined {
    let current = skipOuterExpressions(located.node);
    let operation: Operation | undefined;
    let resolver: Located | undefined;
    const steps: ProcedureStep[] = [];
    while (ts.isCallExpression(current) && ts.isPropertyAccessExpression(skipOuterExpressions(current.expression))) {
      const callee = skipOuterExpressions(current.expression) as ts.PropertyAccessExpression;
      const method = callee.name.text;
      const argument = current.arguments[0];
      if (!operation) {
        const terminal = terminalOf(this.flavor, method);
        if (!terminal) return undefined;
        operation = terminal === 'by-route' ? operationOfRoute(current) : terminal;
        if (argument) resolver = { node: argument, file: located.file };
      } else if (!BUILDER_METHODS.has(method)) return undefined;
      else if (argument && method === 'use') steps.unshift({ kind: 'use', expression: argument, file: located.file, inherited: false });
      else if (argument && method === 'input') steps.unshift({ kind: 'input', expression: argument, file: located.file, inherited: false });
      current = skipOuterExpressions(callee.expression);
    }
    if (!operation) return undefined;
    const name = ts.isIdentifier(current) ? current.text : ts.isPropertyAccessExpression(current) ? current.name.text : current.getText(located.file.sourceFile);
    steps.unshift({ kind: 'unresolved', name, file: located.file, node: current });
    return { kind: 'resolved', steps, operation, ...(resolver ? { resolver } : {}) };
  }

  /** What an expression evaluates to in tRPC's terms, across files; undefined when it is not a tRPC value. */
  private evaluate(located: Located, depth: number): TrpcValue | undefined {
    const node = skipOuterExpressions(located.node);
    if (this.values.has(node)) return this.values.get(node) ?? undefined;
    if (depth > MAX_DEPTH) return undefined;
    // Guards recursion through names that refer to themselves.
    this.values.set(node, null);
    const value = this.evaluateUncached({ node, file: located.file }, depth);
    this.values.set(node, value ?? null);
    return value;
  }

  private evaluateUncached(located: Located, depth: number): TrpcValue | undefined {
    const { node, file } = located;
    if (ts.isIdentifier(node)) {
      const external = this.externalValue(node, file);
      if (external) return external;
      const target = this.nameTarget(node, file);
      if (!target) return undefined;
      const value = this.evaluate(target, depth + 1);
      return value && this.throughName(value, node.text, target, node);
    }
    if (ts.isPropertyAccessExpression(node)) {
      const member = node.name.text;
      const owner = skipOuterExpressions(node.expression);
      // `import * as trpc from './trpc'` used as `trpc.protectedProcedure`.
      if (ts.isIdentifier(owner)) {
        const binding = this.context.modules.resolveName(file, owner.text);
        if (binding?.kind === 'namespace') {
          const exported = this.context.modules.resolveExport(binding.file, member);
          const target = exported?.kind === 'declaration' ? this.bindingTarget(exported.node, exported.file, member) : undefined;
          const value = target && this.evaluate(target, depth + 1);
          return value && this.throughName(value, member, target!, node);
        }
      }
      const base = this.evaluate({ node: owner, file }, depth + 1);
      return base && memberOf(base, member);
    }
    if (ts.isCallExpression(node)) return this.evaluateCall(node, file, depth);
    if (ts.isConditionalExpression(node)) return this.conditionalBuilder(node, file, depth);
    if (this.flavor.objectRouters && ts.isObjectLiteralExpression(node)) return this.objectRouter(node, file, depth);
    return undefined;
  }

  /**
   * `const base = isDemoMode ? t.procedure.use(readOnlyInDemo) : t.procedure`: a builder that adds a middleware
   * only when a setting holds. What every call runs is what both branches run: the shorter chain, when the
   * other only adds steps to it. Middleware one branch alone adds proves nothing for the calls that take the
   * other (a guard behind a flag guards nobody with the flag off). Branches that differ otherwise stay unread.
   */
  private conditionalBuilder(node: ts.ConditionalExpression, file: ScannedSourceFile, depth: number): TrpcValue | undefined {
    const whenTrue = this.evaluate({ node: node.whenTrue, file }, depth + 1);
    const whenFalse = this.evaluate({ node: node.whenFalse, file }, depth + 1);
    if (whenTrue?.kind !== 'procedure' || whenFalse?.kind !== 'procedure') return undefined;
    const [shorter, longer] = whenTrue.steps.length <= whenFalse.steps.length ? [whenTrue, whenFalse] : [whenFalse, whenTrue];
    const sameStep = (a: ProcedureStep, b: ProcedureStep): boolean =>
      a.kind === b.kind && ('expression' in a && 'expression' in b ? a.expression === b.expression : 'node' in a && 'node' in b ? a.node === b.node : false);
    return shorter.steps.every((step, index) => sameStep(step, longer.steps[index]!)) ? shorter : undefined;
  }

  /** An object literal holding at least one procedure or router (directly or in a nested record) is an oRPC router. */
  private objectRouter(node: ts.ObjectLiteralExpression, file: ScannedSourceFile, depth: number): TrpcValue | undefined {
    const holds = (object: ts.ObjectLiteralExpression, level: number): boolean =>
      level < 4 &&
      object.properties.some((property) => {
        const value = ts.isPropertyAssignment(property) ? skipOuterExpressions(property.initializer) : ts.isShorthandPropertyAssignment(property) ? property.name : ts.isSpreadAssignment(property) ? property.expression : undefined;
        if (!value) return false;
        if (ts.isObjectLiteralExpression(value)) return holds(value, level + 1);
        const evaluated = this.evaluate({ node: value, file }, depth + 1) ?? (ts.isCallExpression(value) ? this.unresolvedProcedure({ node: value, file }) : undefined);
        return evaluated?.kind === 'resolved' || evaluated?.kind === 'router';
      });
    if (!holds(node, 0)) return undefined;
    return { kind: 'router', router: this.routerFor(node, file, { kind: 'record', record: { node, file } }) };
  }

  private evaluateCall(call: ts.CallExpression, file: ScannedSourceFile, depth: number): TrpcValue | undefined {
    const callee = skipOuterExpressions(call.expression);
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      const receiver = this.evaluate({ node: callee.expression, file }, depth + 1);
      if (receiver?.kind === 'init' && INIT_METHODS.has(method)) return method === 'create' ? { kind: 'instance' } : { kind: 'init' };
      if (receiver?.kind === 'procedure') return this.applyBuilder(receiver, method, call, file, depth);
      if (receiver && receiver.kind !== 'instance') return undefined;
    }
    const factory = this.evaluate({ node: callee, file }, depth + 1);
    if (factory?.kind === 'lazy-factory') return this.lazyRouter(call, file, depth);
    if (factory?.kind === 'router-factory') {
      const record = call.arguments[0];
      return record ? { kind: 'router', router: this.routerFor(call, file, { kind: 'record', record: { node: record, file } }) } : undefined;
    }
    if (factory?.kind === 'merge-factory') {
      return { kind: 'router', router: this.routerFor(call, file, { kind: 'merge', parts: call.arguments.map((argument) => ({ node: argument, file })) }) };
    }
    // `withPermission('project', 'create')`: a project function that builds and returns a procedure.
    const returned = this.returnedExpression(callee, file);
    const built = returned && this.evaluate(returned, depth + 1);
    return built?.kind === 'procedure' ? built : undefined;
  }

  /**
   * `lazy(() => import('./user').then((mod) => mod.userRouter))`, `lazy(() => import('./user'))`: tRPC v11 mounts
   * the router the loader's module gives, by the member the callback reads, or the module's one router export
   * when the loader hands the whole module over. A root that nests its routers this way is still their root.
   */
  private lazyRouter(call: ts.CallExpression, file: ScannedSourceFile, depth: number): TrpcValue | undefined {
    const loader = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
    if (!loader || !(ts.isArrowFunction(loader) || ts.isFunctionExpression(loader))) return undefined;
    let body: ts.Node | undefined = loader.body;
    if (body && ts.isBlock(body)) {
      const last = body.statements.at(-1);
      body = last && ts.isReturnStatement(last) ? last.expression : undefined;
    }
    let loaded = body && skipOuterExpressions(body as ts.Expression);
    if (loaded && ts.isAwaitExpression(loaded)) loaded = skipOuterExpressions(loaded.expression);
    if (!loaded || !ts.isCallExpression(loaded)) return undefined;
    // `.then((mod) => mod.userRouter)`: the member the callback reads off the module.
    let member: string | undefined;
    const callee = skipOuterExpressions(loaded.expression);
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'then') {
      const pick = loaded.arguments[0] && skipOuterExpressions(loaded.arguments[0]);
      const parameter = pick && ts.isArrowFunction(pick) ? pick.parameters[0]?.name : undefined;
      const read = pick && ts.isArrowFunction(pick) && !ts.isBlock(pick.body) ? skipOuterExpressions(pick.body) : undefined;
      if (!parameter || !ts.isIdentifier(parameter) || !read || !ts.isPropertyAccessExpression(read) || !ts.isIdentifier(read.expression) || read.expression.text !== parameter.text) return undefined;
      member = read.name.text;
      loaded = skipOuterExpressions(callee.expression);
      if (!ts.isCallExpression(loaded)) return undefined;
    }
    if (loaded.expression.kind !== ts.SyntaxKind.ImportKeyword) return undefined;
    const specifier = loaded.arguments[0] && skipOuterExpressions(loaded.arguments[0]);
    const target = specifier && ts.isStringLiteralLike(specifier) ? this.context.modules.resolveImport(file, specifier.text) : undefined;
    if (!target) return undefined;
    const exported = (name: string): TrpcValue | undefined => {
      const binding = this.context.modules.resolveExport(target, name);
      const located = binding?.kind === 'declaration' ? this.bindingTarget(binding.node, binding.file, name) : undefined;
      return located && this.evaluate(located, depth + 1);
    };
    if (member) {
      const value = exported(member);
      return value?.kind === 'router' ? value : undefined;
    }
    // The whole module: its one exported router (tRPC refuses a module with several).
    const routers: TrpcValue[] = [];
    for (const statement of target.sourceFile.statements) {
      if (!ts.isVariableStatement(statement) || !statement.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) continue;
      for (const declaration of statement.declarationList.declarations) {
        const value = ts.isIdentifier(declaration.name) ? exported(declaration.name.text) : undefined;
        if (value?.kind === 'router') routers.push(value);
      }
    }
    return routers.length === 1 ? routers[0] : undefined;
  }

  /** What a project function returns, when it is one expression (`(r) => protectedProcedure.use(...)`) or ends in one `return`. */
  private returnedExpression(callee: ts.Expression, file: ScannedSourceFile): Located | undefined {
    if (!ts.isIdentifier(callee)) return undefined;
    const fn = resolveFunction(this.context.modules, file, callee);
    const body = fn?.node.body;
    if (!fn || !body) return undefined;
    if (!ts.isBlock(body)) return { node: body, file: fn.file };
    const last = body.statements.at(-1);
    return last && ts.isReturnStatement(last) && last.expression ? { node: last.expression, file: fn.file } : undefined;
  }

  private applyBuilder(builder: Extract<TrpcValue, { kind: 'procedure' }>, method: string, call: ts.CallExpression, file: ScannedSourceFile, depth: number): TrpcValue | undefined {
    const argument = call.arguments[0];
    const terminal = terminalOf(this.flavor, method);
    if (terminal) {
      const operation = terminal === 'by-route' ? (builder.httpMethod === 'GET' ? 'QUERY' : 'MUTATION') : terminal;
      return { kind: 'resolved', steps: builder.steps, operation, ...(argument ? { resolver: { node: argument, file } } : {}) };
    }
    if (this.flavor.framework === 'orpc') {
      if (method === 'router' && builder.steps.length === 0) return argument ? { kind: 'router', router: this.routerFor(call, file, { kind: 'record', record: { node: argument, file } }) } : undefined;
      if (method === 'middleware' && builder.steps.length === 0) return { kind: 'middleware-factory' };
      if (method === 'route') {
        const method = argument && ts.isObjectLiteralExpression(skipOuterExpressions(argument)) ? routeMethodOf(skipOuterExpressions(argument) as ts.ObjectLiteralExpression) : undefined;
        return method ? { ...builder, httpMethod: method } : builder;
      }
      if (this.flavor.passThrough.has(method)) return builder;
    }
    switch (method) {
      case 'use':
        return argument ? { ...builder, steps: [...builder.steps, { kind: 'use', expression: argument, file, inherited: false }] } : builder;
      case 'input':
        return argument ? { ...builder, steps: [...builder.steps, { kind: 'input', expression: argument, file, inherited: false }] } : builder;
      case 'concat':
      case 'unstable_concat': {
        // v11: `a.concat(b)` runs b's middleware after a's.
        const other = argument && this.evaluate({ node: argument, file }, depth + 1);
        return other?.kind === 'procedure' ? { kind: 'procedure', steps: [...builder.steps, ...other.steps] } : builder;
      }
      case 'output':
      case 'meta':
        return builder;
      default:
        return undefined;
    }
  }

  /** A value reached through a name: a builder's steps become inherited (run for every procedure built from it), and the name is kept. */
  private throughName(value: TrpcValue, name: string, target: Located, reference: ts.Node): TrpcValue {
    if (value.kind !== 'procedure') return value;
    const steps: ProcedureStep[] = value.steps.map((step) => (step.kind === 'use' || step.kind === 'input' ? { ...step, inherited: true } : step));
    steps.push({ kind: 'named', name, file: target.file, node: reference });
    return { ...value, steps };
  }

  /** `initTRPC` and `mergeRouters` imported from @trpc/server. */
  private externalValue(identifier: ts.Identifier, file: ScannedSourceFile): TrpcValue | undefined {
    const binding = this.context.modules.resolveName(file, identifier.text);
    if (binding?.kind !== 'external' || !this.flavor.module.test(binding.module)) return undefined;
    if (this.flavor.framework === 'orpc') return binding.importedName === 'os' ? { kind: 'procedure', steps: [] } : undefined;
    if (binding.importedName === 'initTRPC') return { kind: 'init' };
    if (binding.importedName === 'mergeRouters') return { kind: 'merge-factory' };
    if (binding.importedName === 'lazy') return { kind: 'lazy-factory' };
    return undefined;
  }

  /** The expression a name holds: a local or module-level const, an imported declaration, a destructured member. */
  private nameTarget(identifier: ts.Identifier, file: ScannedSourceFile): Located | undefined {
    const local = localConstInitializer(identifier);
    if (local) return { node: local, file };
    const binding = this.context.modules.resolveName(file, identifier.text);
    if (binding?.kind !== 'declaration') return undefined;
    return this.bindingTarget(binding.node, binding.file, binding.name);
  }

  private bindingTarget(node: ts.Node, file: ScannedSourceFile, name: string): Located | undefined {
    // `export const { router, procedure: publicProcedure } = t`: the member of the initializer.
    if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer) {
      for (const element of node.name.elements) {
        if (!ts.isIdentifier(element.name) || element.name.text !== name) continue;
        const member = element.propertyName ? propertyNameText(element.propertyName) : name;
        if (!member) return undefined;
        const synthetic = { owner: node.initializer, member };
        return this.destructured(synthetic, file);
      }
      return undefined;
    }
    const value = bindingValue({ kind: 'declaration', file, node, name });
    return value && ts.isExpression(value) ? { node: value, file } : undefined;
  }

  /** `const { router } = t`: evaluated as `t.router` without a node of its own, memoized on the binding element's owner. */
  private destructured(target: { owner: ts.Expression; member: string }, file: ScannedSourceFile): Located | undefined {
    const owner = this.evaluate({ node: target.owner, file }, 0);
    const value = owner && memberOf(owner, target.member);
    if (!value) return undefined;
    // A stand-in node that evaluates to the member: the owner expression is unique per declaration.
    const stand = ts.factory.createIdentifier(`__trpc_${target.member}`);
    this.values.set(stand, value);
    return { node: stand, file };
  }

  private routerFor(node: ts.Node, file: ScannedSourceFile, source: TrpcRouter['source']): TrpcRouter {
    const known = this.routerByNode.get(node);
    if (known) return known;
    const router: TrpcRouter = { file, node, source };
    this.routerByNode.set(node, router);
    if (ts.isCallExpression(node) || (this.flavor.objectRouters && ts.isObjectLiteralExpression(node))) this.routers.push(router);
    return router;
  }

  private definition(entry: RouterEntry, procedure: Extract<TrpcValue, { kind: 'resolved' }>, path: string): RouteDefinition {
    const { line, column } = nodePosition(entry.property);
    const { middleware, unresolved } = this.middlewareOf(procedure.steps);
    const definition: RouteDefinition = { framework: this.flavor.framework, kind: 'trpc', method: procedure.operation, path, file: entry.file.path, line, column, middleware };
    if (unresolved.length > 0) definition.unresolvedMiddleware = unresolved;
    const resolver = procedure.resolver && resolveFunction(this.context.modules, procedure.resolver.file, procedure.resolver.node);
    if (resolver) {
      // An inline resolver has no name of its own; the procedure's path names it in reports.
      const name = resolver.name === '<anonymous>' || resolver.name === entry.key ? path : resolver.name;
      definition.handler = { file: resolver.file.path, line: nodePosition(resolver.node).line, node: resolver.node, name };
    }
    return definition;
  }

  /** The procedure's middleware in the order tRPC runs them, `.input()` parsers among them, and the bases we could not read. */
  private middlewareOf(steps: readonly ProcedureStep[]): { middleware: RouteMiddleware[]; unresolved: string[] } {
    const middleware: RouteMiddleware[] = [];
    const unresolved: string[] = [];
    let unreadable = false;
    for (const step of steps) {
      switch (step.kind) {
        case 'use': {
          const made = this.namedPackageMiddleware(step.expression, step.file);
          const { node: expression, file: middlewareFile } = made ?? this.middlewareFunction(step.expression, step.file);
          let described = this.context.middleware.describe(expression, middlewareFile, step.inherited ? 'router' : 'route', made ? middlewareName(step.expression) : undefined);
          if (described.opaque) unreadable = true;
          if (described.kind === 'auth' || described.kind === 'role') {
            const fn = resolveFunction(this.context.modules, middlewareFile, expression);
            const pass = fn && (anonymousPassThrough(fn.node) ?? this.delegatedPassThrough(fn));
            if (pass) described = { ...described, kind: 'other', evidence: `${described.evidence}, but \`${pass.text}\` (${'file' in pass && pass.file ? pass.file : fn.file.path}:${pass.line}) lets callers without a user through` };
          }
          middleware.push(described);
          break;
        }
        case 'input':
          middleware.push(this.inputMiddleware(step));
          break;
        case 'named':
        case 'unresolved': {
          if (step.kind === 'unresolved') unreadable = true;
          const guarded = middleware.some((m) => m.kind === 'auth' || m.kind === 'role');
          const named = NAMED_PROCEDURES.find((candidate) => candidate.pattern.test(step.name));
          if (named && unreadable && !guarded) {
            middleware.push({
              name: step.name,
              file: step.file.path,
              line: nodePosition(step.node).line,
              kind: named.kind,
              strength: 'name-only',
              evidence: `named ${step.name}; what its middleware checks could not be read`,
              scope: 'router',
            });
          } else if (step.kind === 'unresolved') {
            unresolved.push(step.name);
          }
          break;
        }
      }
    }
    return { middleware, unresolved };
  }

  /**
   * `t.middleware(({ ctx, meta, next }) => runScopeCheck({ ctx, meta, next }))`: a middleware whose body hands
   * `next` to a project function and returns what it returns runs that function's checks, anonymous pass-through
   * included. Followed two calls deep.
   */
  private delegatedPassThrough(fn: ResolvedFunction, depth = 0): { text: string; line: number; file?: string } | undefined {
    const call = delegatedCall(fn.node);
    const callee = call && resolveFunction(this.context.modules, fn.file, call.expression);
    if (!callee?.node.body || callee.node === fn.node) return undefined;
    const pass = anonymousPassThrough(callee.node);
    if (pass) return { ...pass, file: callee.file.path };
    return depth < 1 ? this.delegatedPassThrough(callee, depth + 1) : undefined;
  }

  /** `t.middleware(fn)` written inline in `.use(...)` is `fn`; a name bound to one is resolved by the classifier. */
  private middlewareFunction(expression: ts.Expression, file: ScannedSourceFile): Located {
    const value = skipOuterExpressions(expression);
    if (!ts.isCallExpression(value) || value.arguments.length !== 1) return this.wrappedMiddleware(expression, file) ?? { node: expression, file };
    const factory = this.evaluate({ node: value.expression, file }, 0);
    return { node: factory?.kind === 'middleware-factory' ? value.arguments[0]! : expression, file };
  }

  /**
   * `const sentryMiddleware = t.middleware(Sentry.trpcMiddleware({ attachRpcInput: true }))`: a name
   * bound to the middleware factory given a package's middleware, made by a call. That call is what
   * runs, and the classifier knows it by its package (monitoring, logging); the name alone says nothing.
   */
  private namedPackageMiddleware(expression: ts.Expression, file: ScannedSourceFile): Located | undefined {
    const name = skipOuterExpressions(expression);
    const target = ts.isIdentifier(name) ? this.nameTarget(name, file) : undefined;
    const value = target && skipOuterExpressions(target.node);
    if (!value || !ts.isCallExpression(value) || value.arguments.length !== 1) return undefined;
    const made = skipOuterExpressions(value.arguments[0]!);
    if (!ts.isCallExpression(made)) return undefined;
    const factory = this.evaluate({ node: value.expression, file: target.file }, 0);
    return factory?.kind === 'middleware-factory' ? { node: made, file: target.file } : undefined;
  }

  /**
   * `const requireAuth = oo.spec(os.middleware(fn), { security })`: a helper that takes a middleware
   * and returns it described (OpenAPI security, a name) runs the middleware's function.
   */
  private wrappedMiddleware(expression: ts.Expression, file: ScannedSourceFile): Located | undefined {
    let value = skipOuterExpressions(expression);
    if (ts.isIdentifier(value)) {
      const target = this.nameTarget(value, file);
      if (!target) return undefined;
      value = skipOuterExpressions(target.node);
      file = target.file;
    }
    if (!ts.isCallExpression(value)) return undefined;
    const inner = value.arguments[0] && skipOuterExpressions(value.arguments[0]);
    if (!inner || !ts.isCallExpression(inner) || inner.arguments.length !== 1) return undefined;
    const factory = this.evaluate({ node: inner.expression, file }, 0);
    return factory?.kind === 'middleware-factory' ? { node: inner.arguments[0]!, file } : undefined;
  }

  private inputMiddleware(step: Extract<ProcedureStep, { kind: 'input' }>): RouteMiddleware {
    const schema = readInputSchema(this.context.modules, step.file, step.expression);
    const restricted = schema.fields.filter((field) => field.restricted).map((field) => field.field);
    const what = schema.library
      ? `${this.flavor.label} parses the input with ${schema.library} before the resolver runs${schema.fields.length > 0 ? `; fields ${schema.fields.map((field) => field.field).join(', ')}${restricted.length > 0 ? ` (no free text: ${restricted.join(', ')})` : ''}` : ''}`
      : `${this.flavor.label} input parser trustscan cannot read`;
    const middleware: RouteMiddleware = {
      name: middlewareName(step.expression),
      file: step.file.path,
      line: nodePosition(step.expression).line,
      kind: 'validation',
      strength: schema.library ? 'strong' : 'name-only',
      evidence: what,
      scope: step.inherited ? 'router' : 'route',
    };
    if (schema.fields.length > 0) middleware.validatedFields = schema.fields;
    if (schema.keepsUnknownKeys) middleware.keepsUnknownKeys = true;
    return middleware;
  }
}

/** `.route({ method: 'GET', path: '/v1/folders/{folderId}' })`: the HTTP method OpenAPI serves the procedure under. */
function routeMethodOf(object: ts.ObjectLiteralExpression): string | undefined {
  for (const property of object.properties) {
    if (!ts.isPropertyAssignment(property) || propertyNameText(property.name) !== 'method') continue;
    const value = skipOuterExpressions(property.initializer);
    return ts.isStringLiteralLike(value) ? value.text.toUpperCase() : undefined;
  }
  return undefined;
}

/** The operation of `base.route({ method }).input(x).handler(fn)` read from the chain below `.handler`. */
function operationOfRoute(chain: ts.Expression): Operation {
  for (let current = skipOuterExpressions(chain); ts.isCallExpression(current); ) {
    const callee = skipOuterExpressions(current.expression);
    if (!ts.isPropertyAccessExpression(callee)) break;
    const argument = current.arguments[0] && skipOuterExpressions(current.arguments[0]);
    if (callee.name.text === 'route' && argument && ts.isObjectLiteralExpression(argument)) return routeMethodOf(argument) === 'GET' ? 'QUERY' : 'MUTATION';
    current = skipOuterExpressions(callee.expression);
  }
  return 'MUTATION';
}

/** `t.router`, `t.procedure`, `t.mergeRouters`, `t.middleware`. */
function memberOf(value: TrpcValue, member: string): TrpcValue | undefined {
  if (value.kind === 'init') return INIT_METHODS.has(member) ? { kind: 'init' } : undefined;
  if (value.kind !== 'instance') return undefined;
  switch (member) {
    case 'router':
      return { kind: 'router-factory' };
    case 'mergeRouters':
      return { kind: 'merge-factory' };
    case 'middleware':
      return { kind: 'middleware-factory' };
    case 'procedure':
      return { kind: 'procedure', steps: [] };
    default:
      return undefined;
  }
}

/** `ctx.user`, `ctx.session`, `ctx.session.user`, `opts.ctx.auth`: the principal the context function put on the context. */
const CONTEXT_PRINCIPAL = /^(?:[\w$]+\s*(?:\?\.|\.)\s*)?(?:ctx|context)\s*(?:\?\.|\.)\s*(?:user|session|auth|userId|viewer)(?:\s*(?:\?\.|\.)\s*(?:user|userId|id))?$/;

/**
 * A tRPC middleware that calls `next()` when there is no user (`if (type !== 'mutation' || !ctx.user)
 * return next();`) hands anonymous calls on to the resolver: whatever it rejects later, it only
 * checks callers that have a user (a stale session, a banned account), so it authenticates nobody.
 * Returns the `if` that lets them through.
 */
function anonymousPassThrough(fn: ts.SignatureDeclaration & { body?: ts.ConciseBody | ts.Block }): { text: string; line: number } | undefined {
  const body = fn.body;
  if (!body || !ts.isBlock(body)) return undefined;
  for (const statement of body.statements) {
    if (!ts.isIfStatement(statement) || !callsNext(statement.thenStatement)) continue;
    if (disjuncts(statement.expression).some(saysNoPrincipal)) {
      const condition = statement.expression.getText(fn.getSourceFile()).replace(/\s+/g, ' ');
      return { text: `if (${condition.length > 60 ? `${condition.slice(0, 57)}...` : condition}) return next()`, line: nodePosition(statement).line };
    }
  }
  return undefined;
}

function disjuncts(expression: ts.Expression): ts.Expression[] {
  const value = skipOuterExpressions(expression);
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.BarBarToken) return [...disjuncts(value.left), ...disjuncts(value.right)];
  return [value];
}

/** `!ctx.user`, `ctx.session == null`, `ctx.user === undefined`. */
function saysNoPrincipal(expression: ts.Expression): boolean {
  const value = skipOuterExpressions(expression);
  const isPrincipal = (node: ts.Expression) => CONTEXT_PRINCIPAL.test(skipOuterExpressions(node).getText().replace(/\s+/g, ''));
  if (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.ExclamationToken) return isPrincipal(value.operand);
  if (ts.isBinaryExpression(value) && /^(?:==|===)$/.test(value.operatorToken.getText())) {
    const empty = (node: ts.Expression) => node.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(node) && node.text === 'undefined');
    return (isPrincipal(value.left) && empty(skipOuterExpressions(value.right))) || (isPrincipal(value.right) && empty(skipOuterExpressions(value.left)));
  }
  return false;
}

/**
 * The call a middleware returns with `next` among its arguments (`next`, `{ ctx, next }`, `opts`):
 * the function it hands the rest of the chain to.
 */
function delegatedCall(fn: ts.SignatureDeclaration & { body?: ts.ConciseBody | ts.Block }): ts.CallExpression | undefined {
  const body = fn.body;
  if (!body) return undefined;
  const last = ts.isBlock(body) ? body.statements.at(-1) : undefined;
  const returned = ts.isBlock(body) ? (last && ts.isReturnStatement(last) && last.expression ? last.expression : undefined) : body;
  let value = returned && skipOuterExpressions(returned);
  if (value && ts.isAwaitExpression(value)) value = skipOuterExpressions(value.expression);
  if (!value || !ts.isCallExpression(value)) return undefined;
  // The middleware's options object handed on whole (`(opts) => check(opts)`) carries `next` too.
  const options = fn.parameters[0] && ts.isIdentifier(fn.parameters[0].name) ? fn.parameters[0].name.text : undefined;
  const handsNext = value.arguments.some((argument) => {
    const given = skipOuterExpressions(argument);
    if (ts.isIdentifier(given)) return given.text === 'next' || given.text === options;
    return ts.isObjectLiteralExpression(given) && given.properties.some((property) => property.name !== undefined && propertyNameText(property.name) === 'next');
  });
  return handsNext ? value : undefined;
}

/** `return next()`, `return opts.next({...})`, `{ return await next(); }`. */
function callsNext(statement: ts.Statement): boolean {
  const first = ts.isBlock(statement) ? statement.statements[0] : statement;
  if (!first || !ts.isReturnStatement(first) || !first.expression) return false;
  const value = skipOuterExpressions(first.expression);
  if (!ts.isCallExpression(value)) return false;
  const callee = skipOuterExpressions(value.expression);
  return (ts.isIdentifier(callee) && callee.text === 'next') || (ts.isPropertyAccessExpression(callee) && callee.name.text === 'next');
}

/** The operation a terminal method gives, own keys only (`constructor` is no terminal). */
function terminalOf(flavor: RpcFlavor, method: string): Operation | 'by-route' | undefined {
  return Object.hasOwn(flavor.terminals, method) ? flavor.terminals[method] : undefined;
}
