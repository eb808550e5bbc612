import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { isFunctionLike, nodePosition, propertyNameText, skipOuterExpressions } from '../../ast/syntax.js';
import { bindingValue, localConstInitializer, resolveFunction, type ResolvedFunction } from '../../names/index.js';
import { joinRoutePath } from '../../routes/route-path.js';
import type { HttpMethod, RouteDefinition, RouteMiddleware } from '../../routes/route.js';
import { usesAnyPackage, type AdapterContext, type FrameworkAdapter } from '../adapter.js';
import { describeWrapper } from '../next/index.js';
import { unwrapHandler } from '../next/handlers.js';

/**
 * ts-rest: an HTTP API declared as a contract (`initContract().router({ getPost: { method: 'GET',
 * path: '/posts/:id', ... } }, { pathPrefix })`, from @ts-rest/core) and implemented by a router of
 * handlers keyed like the contract: `initServer().router(contract, {...})` (@ts-rest/express,
 * @ts-rest/fastify), `tsr.router(contract, {...})` (@ts-rest/serverless), `createNextRoute(contract, {...})`
 * (@ts-rest/next), `s.route(contract.getPost, handler)` for one endpoint. The contract gives each
 * handler its method and path; the package registers them (createExpressEndpoints, s.plugin,
 * fetchRequestHandler), with the contract's paths as written.
 *
 * A handler is a function of `{ params, query, body, headers, req }`, a project wrapper around one
 * (`withApiKey(async (args, user) => ...)`, classified like any wrapper), or `{ middleware, handler }`.
 */
export const tsRestAdapter: FrameworkAdapter = {
  name: 'ts-rest',
  isEnabled: (facts) => usesAnyPackage(facts, TS_REST_PACKAGES),
  discoverRoutes: (context) => new TsRestCollector(context).collect(),
};

const TS_REST_PACKAGES = ['@ts-rest/core', '@ts-rest/express', '@ts-rest/fastify', '@ts-rest/next', '@ts-rest/serverless'];
const TS_REST_MODULE = /^@ts-rest\/[\w-]+(?:\/.*)?$/;
const HTTP_METHODS = new Set<string>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
/** The server factories whose `.router(contract, impl)` / `.route(endpoint, handler)` implement a contract. */
const SERVER_FACTORIES = new Set(['initServer', 'initTsRest']);
/** Package exports that implement a contract when called as `(contract, impl)`. */
const IMPLEMENTING_FUNCTIONS = new Set(['createNextRoute', 'createNextRouter']);
const MAX_DEPTH = 12;

interface Located {
  node: ts.Expression;
  file: ScannedSourceFile;
}

interface Endpoint {
  kind: 'endpoint';
  method: HttpMethod;
  path: string;
}

interface Contract {
  kind: 'contract';
  entries: Map<string, Endpoint | Contract>;
}

class TsRestCollector {
  private readonly contracts = new Map<ts.Node, Contract | null>();
  private readonly routes: RouteDefinition[] = [];
  private readonly seen = new Set<ts.Node>();

  constructor(private readonly context: AdapterContext) {}

  /** Middleware an Express app runs before a router's endpoints, by the router's `.router(...)` call: `app.use(auth)` before `createExpressEndpoints(contract, router, app, { globalMiddleware })`. */
  private readonly appMiddleware = new Map<ts.Node, Array<{ prefix: string; middleware: RouteMiddleware }>>();
  /** The implementing call whose entries are being read. */
  private current: ts.Node | undefined;

  collect(): RouteDefinition[] {
    for (const file of this.context.sourceFiles) {
      if (file.text.includes('createExpressEndpoints')) this.expressRegistrations(file);
    }
    for (const file of this.context.sourceFiles) {
      if (!/\.route(?:r|rWithMiddleware)?\s*\(|createNextRoute/.test(file.text)) continue;
      const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node)) this.implementation(node, file);
        ts.forEachChild(node, visit);
      };
      visit(file.sourceFile);
    }
    return this.routes;
  }

  /**
   * `createExpressEndpoints(contract, router, app, { globalMiddleware })`: the endpoints are the app's routes, so what
   * `app.use(...)` put in front before this call (all paths, or a prefix) runs first, then the options' globalMiddleware.
   */
  private expressRegistrations(file: ScannedSourceFile): void {
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(skipOuterExpressions(node.expression)) && (skipOuterExpressions(node.expression) as ts.Identifier).text === 'createExpressEndpoints' && node.arguments.length >= 3) {
        const binding = this.context.modules.resolveName(file, 'createExpressEndpoints');
        const router = binding?.kind === 'external' && TS_REST_MODULE.test(binding.module) ? this.follow({ node: node.arguments[1]!, file }) : undefined;
        const app = skipOuterExpressions(node.arguments[2]!);
        if (router && ts.isCallExpression(router.node)) {
          const found: Array<{ prefix: string; middleware: RouteMiddleware }> = [];
          if (ts.isIdentifier(app)) found.push(...this.appUses(file, app.text, node));
          const options = node.arguments[3] && skipOuterExpressions(node.arguments[3]);
          const global = options && ts.isObjectLiteralExpression(options) ? options.properties.find((property) => property.name && propertyNameText(property.name) === 'globalMiddleware') : undefined;
          const list = global && ts.isPropertyAssignment(global) ? skipOuterExpressions(global.initializer) : undefined;
          if (list && ts.isArrayLiteralExpression(list)) for (const item of list.elements) found.push({ prefix: '', middleware: this.context.middleware.describe(item, file, 'global') });
          this.appMiddleware.set(router.node, [...(this.appMiddleware.get(router.node) ?? []), ...found]);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file.sourceFile);
  }

  /** `app.use(mw)`, `app.use('/api', mw)` statements of the file before the registration. */
  private appUses(file: ScannedSourceFile, app: string, before: ts.Node): Array<{ prefix: string; middleware: RouteMiddleware }> {
    const found: Array<{ prefix: string; middleware: RouteMiddleware }> = [];
    const visit = (node: ts.Node): void => {
      if (node.pos >= before.pos) return;
      if (ts.isCallExpression(node)) {
        const callee = skipOuterExpressions(node.expression);
        if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'use' && ts.isIdentifier(skipOuterExpressions(callee.expression)) && (skipOuterExpressions(callee.expression) as ts.Identifier).text === app) {
          const first = node.arguments[0] && skipOuterExpressions(node.arguments[0]);
          const prefix = first && ts.isStringLiteralLike(first) ? first.text : '';
          for (const argument of prefix ? node.arguments.slice(1) : node.arguments) found.push({ prefix, middleware: this.context.middleware.describe(argument, file, 'global') });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file.sourceFile);
    return found;
  }

  /** A call that implements a contract: adds a route for each handler it is given. */
  private implementation(call: ts.CallExpression, file: ScannedSourceFile): void {
    this.current = call;
    const callee = skipOuterExpressions(call.expression);
    // `tsr.routerWithMiddleware(contract)<Ctx>({ ... })`: the contract is the inner call's argument.
    if (ts.isCallExpression(callee) && ts.isPropertyAccessExpression(skipOuterExpressions(callee.expression))) {
      const inner = skipOuterExpressions(callee.expression) as ts.PropertyAccessExpression;
      if (inner.name.text === 'routerWithMiddleware' && this.isServer(inner.expression, file) && callee.arguments[0] && call.arguments[0]) {
        this.implementRouter(callee.arguments[0], call.arguments[0], file);
      }
      return;
    }
    if (call.arguments.length < 2) return;
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      if ((method !== 'router' && method !== 'route') || !this.isServer(callee.expression, file)) return;
      if (method === 'router') this.implementRouter(call.arguments[0]!, call.arguments[1]!, file);
      else this.implementOne(call.arguments[0]!, call.arguments[1]!, file, call);
      return;
    }
    if (ts.isIdentifier(callee) && IMPLEMENTING_FUNCTIONS.has(callee.text)) {
      const binding = this.context.modules.resolveName(file, callee.text);
      if (binding?.kind === 'external' && TS_REST_MODULE.test(binding.module)) this.implementRouter(call.arguments[0]!, call.arguments[1]!, file);
    }
  }

  /** `tsr` imported from a ts-rest package, or a value built by its `initServer()`. */
  private isServer(expression: ts.Expression, file: ScannedSourceFile, depth = 0): boolean {
    const value = skipOuterExpressions(expression);
    if (depth > 4) return false;
    if (ts.isIdentifier(value)) {
      const local = localConstInitializer(value);
      if (local) return this.isServer(local, file, depth + 1);
      const binding = this.context.modules.resolveName(file, value.text);
      if (binding?.kind === 'external') return TS_REST_MODULE.test(binding.module);
      if (binding?.kind === 'declaration') {
        const initializer = bindingValue(binding);
        return initializer !== undefined && ts.isExpression(initializer) && this.isServer(initializer, binding.file, depth + 1);
      }
      return false;
    }
    if (ts.isCallExpression(value)) {
      const factory = skipOuterExpressions(value.expression);
      if (!ts.isIdentifier(factory) || !SERVER_FACTORIES.has(factory.text)) return false;
      const binding = this.context.modules.resolveName(file, factory.text);
      return binding?.kind === 'external' && TS_REST_MODULE.test(binding.module);
    }
    return false;
  }

  /** An implementation object for a contract: each key the contract declares is an endpoint or a nested router. */
  private implementRouter(contractExpression: ts.Expression, implementationExpression: ts.Expression, file: ScannedSourceFile, depth = 0): void {
    if (depth > MAX_DEPTH) return;
    const contract = this.contractOf({ node: contractExpression, file });
    const implementation = this.follow({ node: implementationExpression, file });
    if (!contract || !implementation || !ts.isObjectLiteralExpression(implementation.node)) return;
    this.implementEntries(contract, implementation.node, implementation.file, depth);
  }

  private implementEntries(contract: Contract, implementation: ts.ObjectLiteralExpression, file: ScannedSourceFile, depth: number): void {
    if (depth > MAX_DEPTH) return;
    for (const property of implementation.properties) {
      const key = property.name ? propertyNameText(property.name) : undefined;
      const entry = key !== undefined ? contract.entries.get(key) : undefined;
      if (!entry) continue;
      const value: ts.Expression | ts.MethodDeclaration | undefined = ts.isPropertyAssignment(property)
        ? property.initializer
        : ts.isShorthandPropertyAssignment(property)
          ? property.name
          : ts.isMethodDeclaration(property)
            ? property
            : undefined;
      if (!value) continue;
      if (entry.kind === 'endpoint') {
        this.addRoute(entry, property, value, file);
        continue;
      }
      // A nested router: its object, or a router call built for the nested contract.
      if (ts.isMethodDeclaration(value)) continue;
      const nested = this.follow({ node: value, file });
      if (!nested) continue;
      if (ts.isObjectLiteralExpression(nested.node)) this.implementEntries(entry, nested.node, nested.file, depth + 1);
      // `posts: s.router(contract.posts, { ... })`: the nested implementation, keyed like the nested contract.
      else if (ts.isCallExpression(nested.node) && nested.node.arguments[1]) {
        const inner = this.follow({ node: nested.node.arguments[1], file: nested.file });
        if (inner && ts.isObjectLiteralExpression(inner.node)) this.implementEntries(entry, inner.node, inner.file, depth + 1);
      }
    }
  }

  /** `s.route(contract.getPost, async ({ params }) => ...)`: one endpoint. */
  private implementOne(endpointExpression: ts.Expression, handler: ts.Expression, file: ScannedSourceFile, site: ts.Node): void {
    const endpoint = this.endpointOf({ node: endpointExpression, file });
    if (endpoint) this.addRoute(endpoint, site, handler, file);
  }

  private addRoute(endpoint: Endpoint, site: ts.Node, value: ts.Expression | ts.MethodDeclaration, file: ScannedSourceFile): void {
    if (this.seen.has(site)) return;
    this.seen.add(site);
    const { line, column } = nodePosition(site);
    const middleware: RouteMiddleware[] = [];
    let handler: ResolvedFunction | undefined;
    if (ts.isMethodDeclaration(value)) {
      handler = { file, node: value, name: propertyNameText(value.name) ?? '<anonymous>' };
    } else {
      let expression: ts.Expression | undefined = skipOuterExpressions(value);
      // `{ middleware: [requireUser], handler: async (...) => ... }` (@ts-rest/express, @ts-rest/fastify hooks).
      if (ts.isObjectLiteralExpression(expression)) {
        const options = expression;
        expression = undefined;
        for (const property of options.properties) {
          const key = property.name ? propertyNameText(property.name) : undefined;
          if (key === 'middleware' && ts.isPropertyAssignment(property)) {
            const list = skipOuterExpressions(property.initializer);
            const items = ts.isArrayLiteralExpression(list) ? list.elements : [list];
            for (const item of items) middleware.push(this.context.middleware.describe(item, file, 'route'));
          } else if (key === 'handler') {
            if (ts.isMethodDeclaration(property)) handler = { file, node: property, name: 'handler' };
            else if (ts.isPropertyAssignment(property)) expression = skipOuterExpressions(property.initializer);
            else if (ts.isShorthandPropertyAssignment(property)) expression = property.name;
          }
        }
      }
      if (expression) {
        const unwrapped = unwrapHandler({ exportName: 'default', exportNode: expression, value: { expression, file } }, this.context.modules);
        middleware.push(...unwrapped.wrappers.map((wrapper) => describeWrapper(wrapper.call, wrapper.file, this.context)));
        handler = unwrapped.handler ?? (isFunctionLike(expression) ? resolveFunction(this.context.modules, file, expression) : undefined);
      }
    }
    const key = ts.isPropertyAssignment(site) || ts.isShorthandPropertyAssignment(site) || ts.isMethodDeclaration(site) ? (site.name && propertyNameText(site.name)) : undefined;
    const registered = (this.current && this.appMiddleware.get(this.current)) ?? [];
    const global = registered.filter((entry) => !entry.prefix || endpoint.path === entry.prefix || endpoint.path.startsWith(`${entry.prefix.replace(/\/$/, '')}/`)).map((entry) => entry.middleware);
    const definition: RouteDefinition = { framework: 'ts-rest', method: endpoint.method, path: endpoint.path, file: file.path, line, column, middleware: [...global, ...middleware] };
    if (handler) {
      const name = handler.name && handler.name !== '<anonymous>' ? handler.name : (key ?? '<anonymous>');
      definition.handler = { node: handler.node, name, file: handler.file.path, line: nodePosition(handler.node).line };
    }
    this.routes.push(definition);
  }

  /** The contract an expression names: `c.router({...}, { pathPrefix })`, an imported contract, `contract.posts`. */
  private contractOf(located: Located, prefix = '', depth = 0): Contract | undefined {
    if (depth > MAX_DEPTH) return undefined;
    // `contract.notes`: the nested contract as its parent built it, the parent's path prefix included.
    const member = this.memberOfContract(located, depth);
    if (member) return member.kind === 'contract' ? member : undefined;
    const value = this.follow(located);
    if (!value) return undefined;
    const key = value.node;
    if (!prefix && this.contracts.has(key)) return this.contracts.get(key) ?? undefined;
    if (!prefix) this.contracts.set(key, null);
    let record: ts.ObjectLiteralExpression | undefined;
    let ownPrefix = '';
    if (ts.isCallExpression(value.node)) {
      const callee = skipOuterExpressions(value.node.expression);
      if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'router') return undefined;
      const first = value.node.arguments[0] && this.follow({ node: value.node.arguments[0], file: value.file });
      if (!first || !ts.isObjectLiteralExpression(first.node)) return undefined;
      record = first.node;
      const options = value.node.arguments[1] && skipOuterExpressions(value.node.arguments[1]);
      if (options && ts.isObjectLiteralExpression(options)) {
        const pathPrefix = options.properties.find((property) => property.name && propertyNameText(property.name) === 'pathPrefix');
        const text = pathPrefix && ts.isPropertyAssignment(pathPrefix) ? skipOuterExpressions(pathPrefix.initializer) : undefined;
        if (text && ts.isStringLiteralLike(text)) ownPrefix = text.text;
      }
      located = { node: first.node, file: first.file };
    } else if (ts.isObjectLiteralExpression(value.node)) {
      record = value.node;
    }
    if (!record) return undefined;
    const base = joinPrefix(prefix, ownPrefix);
    const contract: Contract = { kind: 'contract', entries: new Map() };
    for (const property of record.properties) {
      const name = property.name ? propertyNameText(property.name) : undefined;
      const initializer = ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
      if (name === undefined || !initializer) continue;
      const endpoint = this.endpointOf({ node: initializer, file: located.file }, base);
      if (endpoint) {
        contract.entries.set(name, endpoint);
        continue;
      }
      const nested = this.contractOf({ node: initializer, file: located.file }, base || '/', depth + 1);
      if (nested && nested.entries.size > 0) contract.entries.set(name, nested);
    }
    if (!prefix) this.contracts.set(key, contract);
    return contract;
  }

  /** `contract.notes`, `contract.notes.get`: an entry of a contract, read from the contract that declares it. */
  private memberOfContract(located: Located, depth: number): Endpoint | Contract | undefined {
    const value = skipOuterExpressions(located.node);
    if (!ts.isPropertyAccessExpression(value)) return undefined;
    const parent = this.contractOf({ node: value.expression, file: located.file }, '', depth + 1);
    return parent?.entries.get(value.name.text);
  }

  /** `{ method: 'GET', path: '/posts/:id', ... }`: an endpoint of a contract. */
  private endpointOf(located: Located, prefix = ''): Endpoint | undefined {
    const member = this.memberOfContract(located, 0);
    if (member) return member.kind === 'endpoint' ? member : undefined;
    const value = this.follow(located);
    if (!value || !ts.isObjectLiteralExpression(value.node)) return undefined;
    let method: string | undefined;
    let path: string | undefined;
    for (const property of value.node.properties) {
      if (!ts.isPropertyAssignment(property) || !property.name) continue;
      const name = propertyNameText(property.name);
      const text = skipOuterExpressions(property.initializer);
      if (!ts.isStringLiteralLike(text)) continue;
      if (name === 'method') method = text.text.toUpperCase();
      else if (name === 'path') path = text.text;
    }
    if (!method || path === undefined || !HTTP_METHODS.has(method)) return undefined;
    return { kind: 'endpoint', method: method as HttpMethod, path: joinPrefix(prefix === '/' ? '' : prefix, path) };
  }

  /** What an expression evaluates to, through local constants, imports and property reads of object literals. */
  private follow(located: Located, depth = 0): Located | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const value = skipOuterExpressions(located.node);
    if (ts.isIdentifier(value)) {
      const local = localConstInitializer(value);
      if (local) return this.follow({ node: local, file: located.file }, depth + 1);
      const binding = this.context.modules.resolveName(located.file, value.text);
      if (binding?.kind !== 'declaration') return undefined;
      const initializer = bindingValue(binding);
      if (!initializer || !ts.isExpression(initializer) || initializer === value) return undefined;
      return this.follow({ node: initializer, file: binding.file }, depth + 1);
    }
    if (ts.isPropertyAccessExpression(value)) {
      const owner = this.follow({ node: value.expression, file: located.file }, depth + 1);
      if (!owner) return undefined;
      let record: ts.Expression = owner.node;
      // `contract.posts` where `contract = c.router({ posts: ... })`.
      if (ts.isCallExpression(record) && record.arguments[0]) {
        const first = this.follow({ node: record.arguments[0], file: owner.file }, depth + 1);
        if (!first) return undefined;
        record = first.node;
        owner.file = first.file;
      }
      if (!ts.isObjectLiteralExpression(record)) return undefined;
      const property = record.properties.find((candidate) => candidate.name && propertyNameText(candidate.name) === value.name.text);
      const initializer = property && ts.isPropertyAssignment(property) ? property.initializer : property && ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
      return initializer ? this.follow({ node: initializer, file: owner.file }, depth + 1) : undefined;
    }
    return { node: value, file: located.file };
  }
}

function joinPrefix(prefix: string, path: string): string {
  if (!prefix) return path;
  return joinRoutePath(prefix, path);
}
