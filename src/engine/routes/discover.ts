import type { ScannedSourceFile, ScannedTextFile } from '../../types.js';
import { bindingNames, resolveFunction, type ModuleIndex, type ResolvedFunction } from '../names/index.js';
import type { AdapterContext, FrameworkAdapter, ProjectFacts } from '../frameworks/adapter.js';
import { AnalysisFailures } from '../analysis-failures.js';
import { MiddlewareClassifier, type AuthModel } from './classify-middleware.js';
import type { RateLimiterModel } from '../models.js';
import { inHandlerAuthentication, readPrincipal } from './handler-evidence.js';
import { ENTRY_POINT_TRANSPORTS, RESPONSE_BUILDERS } from '../../models/transports.js';
import { passesOpenPath } from './listed-open-paths.js';
import { entryName, isStateChanging, type AuthStatus, type HttpMethod, type Route, type RouteDefinition, type RouteMiddleware } from './route.js';
import { entryKindAndMethodMatch, parseEntryPattern, wordPath } from './route-path.js';
import { escapeRegExp } from '../text.js';
import { ts } from '#typescript';
import { comparesConfiguredSecret } from './configured-secret.js';
import { nodePosition, skipOuterExpressions, someOwnIfStatement, soleExpression } from '../ast/syntax.js';
import { authAnnotation } from './auth-annotation.js';
import { HelperAuthenticationFinder } from './helper-authentication.js';
import { checksSharedSecret, credentialEntryReason, isServiceEndpoint, publicByDesignReason } from './public-by-design.js';
import { developmentOnlyExit } from './development-only.js';
import { APP_ROUTER_METHODS, methodBranches } from '../frameworks/next/handlers.js';
import { BRANCHABLE_METHODS, otherMethodStatements } from './method-dispatch.js';
import { fileWithPath, walkDescendants } from '../ast/file-index.js';
import { TSOA_GENERATED_FILE_MARKER } from '../../models/tsoa.js';

/** An HTTP method a handler's `req.method` branches can serve (not ALL, not a GraphQL/tRPC operation). */
function isBranchMethod(method: string): method is HttpMethod {
  return (APP_ROUTER_METHODS as readonly string[]).includes(method);
}

/** The parts of config the route engine reads. */
export interface RouteConfig {
  /** config auth.middleware */
  authMiddleware: string[];
  /** config auth.publicRoutes: "GET /health", "/webhooks/*" (method optional, `*` matches anything) */
  publicRoutes: string[];
  /** config auth.roleChecks */
  roleChecks: string[];
  /** config rateLimiters and `models` of kind rate-limiter (engine/models.ts). */
  rateLimiters: readonly RateLimiterModel[];
  /** config `models` of kind auth, files relative to the scan root. */
  authModels: AuthModel[];
}

export const EMPTY_ROUTE_CONFIG: RouteConfig = { authMiddleware: [], publicRoutes: [], roleChecks: [], rateLimiters: [], authModels: [] };

/**
 * Builds the route inventory: runs every enabled framework adapter, then decides each route's
 * authentication from its middleware (any level), its handler, framework metadata and config.
 */
export function discoverRoutes(input: {
  sourceFiles: readonly ScannedSourceFile[];
  textFiles: readonly ScannedTextFile[];
  modules: ModuleIndex;
  config: RouteConfig;
  adapters: readonly FrameworkAdapter[];
  failures?: AnalysisFailures;
}): Route[] {
  const facts = projectFacts(input.sourceFiles, input.textFiles);
  const helpers = new HelperAuthenticationFinder(input.modules, input.config.authModels);
  const classifier = new MiddlewareClassifier(input.modules, {
    authMiddleware: input.config.authMiddleware,
    roleChecks: input.config.roleChecks,
    rateLimiters: input.config.rateLimiters,
    authModels: input.config.authModels,
    verifiesCredentialsAndThrows: (helper) => helpers.verifiesAndThrows(helper),
    authenticatesAsHandler: (fn) => helpers.inspect(fn).evidence,
  });
  const failures = input.failures ?? new AnalysisFailures();
  const context = { sourceFiles: input.sourceFiles, packageJsons: facts.packageJsons, textFiles: input.textFiles, modules: input.modules, middleware: classifier };
  const routes: Route[] = [];
  const generated = generatedRouteFiles(input.sourceFiles, input.adapters, facts);
  for (const adapter of input.adapters) {
    if (!adapter.isEnabled(facts)) continue;
    const definitions = isolatedDefinitions(adapter, context, failures).filter((definition) => generated.get(definition.file) === undefined || generated.get(definition.file) === adapter.name);
    const methodsOf = handlerMethods(definitions);
    const gates = signInGates(definitions);
    for (const definition of definitions) {
      try {
        routes.push(finalizeRoute(withoutOpenPathGuards(definition), input.config, input.modules, helpers, methodsOf, gates));
      } catch (error) {
        failures.record(`routes (${adapter.name})`, definition.file, error);
      }
    }
  }
  return withoutDelegatedResolvers(routes, input.modules).sort(compareRoutes);
}

/**
 * A GraphQL field declared twice: in a schema builder (`t.boolean({ resolve: (root, args, ctx) =>
 * Mutation.deleteDataset(root, args, ctx) })`) and in the resolver object the builder's resolve calls
 * (`const Mutation = { deleteDataset, ... }`), which the resolver-map reader also sees as operations. It is
 * one operation, reported once: as the resolver-map entry, whose handler is the function that does the work
 * (the builder's resolve only hands its arguments on), with the builder's declared argument types.
 */
function withoutDelegatedResolvers(routes: Route[], modules: ModuleIndex): Route[] {
  const maps = routes.filter((route) => route.framework === 'graphql' && route.handler);
  if (maps.length === 0) return routes;
  const byOperation = new Map<string, Route[]>();
  for (const route of maps) {
    const key = `${route.method} ${route.path}`;
    byOperation.set(key, [...(byOperation.get(key) ?? []), route]);
  }
  const dropped = new Set<Route>();
  for (const route of routes) {
    if (route.framework === 'graphql' || !route.handler?.node) continue;
    const candidates = byOperation.get(`${route.method} ${route.path}`);
    if (!candidates) continue;
    const file = modules.fileOf(route.handler.node);
    if (!file) continue;
    const called = new Set<ts.Node>();
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const target = resolveFunction(modules, file, node.expression);
        if (target) called.add(target.node);
      }
      ts.forEachChild(node, visit);
    };
    const body = (route.handler.node as ts.FunctionLikeDeclaration).body;
    if (body) visit(body);
    const delegate = candidates.find((candidate) => called.has(candidate.handler!.node));
    if (!delegate) continue;
    dropped.add(route);
    if (!delegate.typedArguments && route.typedArguments) delegate.typedArguments = route.typedArguments;
  }
  return dropped.size === 0 ? routes : routes.filter((route) => !dropped.has(route));
}

/**
 * Files a framework's code generator wrote from the controllers that framework's adapter reads (tsoa's
 * routes.ts, when committed), by the framework: their registrations are the same routes again, so only
 * that adapter's count, and only when it runs.
 */
function generatedRouteFiles(sourceFiles: readonly ScannedSourceFile[], adapters: readonly FrameworkAdapter[], facts: ProjectFacts): Map<string, string> {
  const generated = new Map<string, string>();
  if (!adapters.some((adapter) => adapter.name === 'tsoa' && adapter.isEnabled(facts))) return generated;
  for (const file of sourceFiles) if (file.text.slice(0, 2000).includes(TSOA_GENERATED_FILE_MARKER)) generated.set(file.path, 'tsoa');
  return generated;
}

/**
 * An adapter's routes, surviving a file it cannot handle. Adapters read the files together (a
 * router mounted in another file), so on a failure each file is tried alone to find the ones that
 * fail, and the adapter runs again without them: they lose their routes, with a warning each.
 */
function isolatedDefinitions(adapter: FrameworkAdapter, context: AdapterContext, failures: AnalysisFailures): RouteDefinition[] {
  try {
    return [...adapter.discoverRoutes(context)];
  } catch {
    const failing = new Set<ScannedSourceFile>();
    for (const file of context.sourceFiles) {
      try {
        [...adapter.discoverRoutes({ ...context, sourceFiles: [file] })];
      } catch (error) {
        failing.add(file);
        failures.record(`routes (${adapter.name})`, file.path, error);
      }
    }
    try {
      return [...adapter.discoverRoutes({ ...context, sourceFiles: context.sourceFiles.filter((file) => !failing.has(file)) })];
    } catch (error) {
      // Fails only on a combination of files: nothing of this framework can be trusted.
      for (const file of context.sourceFiles) failures.record(`routes (${adapter.name})`, file.path, error);
      return [];
    }
  }
}

/**
 * A route whose path an authentication middleware is told to let through (`protect({ publicPaths:
 * ['/qr/:qrId'] })`) is not guarded by it: the middleware is off its list, whatever framework mounted it.
 */
function withoutOpenPathGuards(definition: RouteDefinition): RouteDefinition {
  if (!definition.path.startsWith('/') || !definition.middleware.some((middleware) => middleware.openPaths)) return definition;
  const middleware = definition.middleware.filter((candidate) => !passesOpenPath(candidate, definition.path));
  return middleware.length === definition.middleware.length ? definition : { ...definition, middleware };
}

/** The methods each handler function serves, over an adapter's route definitions. */
function handlerMethods(definitions: readonly RouteDefinition[]): Map<ts.Node, Set<string>> {
  const methods = new Map<ts.Node, Set<string>>();
  for (const definition of definitions) {
    if (!definition.handler || !BRANCHABLE_METHODS.has(definition.method)) continue;
    const served = methods.get(definition.handler.node) ?? new Set<string>();
    served.add(definition.method);
    methods.set(definition.handler.node, served);
  }
  return methods;
}

/** A middleware's identity across the routes it is on: where it was attached, and as what. */
function middlewareKey(middleware: RouteMiddleware): string {
  return `${middleware.file}:${middleware.line}:${middleware.name}`;
}

/**
 * App- and router-level authentication the app installs after its own sign-in routes
 * (`app.post('/auth/login', ...); app.use(auth.middleware); app.post('/oauth/google', ...)`): the app
 * let those routes through before the guard, so the routes after it are signed-in only, whatever their
 * path says (`/oauth/google` links a data source, `/admin/sso-connection` configures SSO). A sign-in
 * route counts when it is registered ahead of the guard in the guard's file, or passes through a
 * middleware the same file attached ahead of the guard to the routes behind it (one app, guard skipped).
 */
function signInGates(definitions: readonly RouteDefinition[]): Set<string> {
  const candidates = new Map<string, { guard: RouteMiddleware; before: Set<string> }>();
  for (const definition of definitions) {
    for (const guard of definition.middleware) {
      if (guard.kind !== 'auth' || guard.scope === 'route' || guard.strength === 'name-only' || guard.optionalAuthentication || guard.opaque) continue;
      const key = middlewareKey(guard);
      const entry = candidates.get(key) ?? { guard, before: new Set<string>() };
      for (const earlier of definition.middleware) {
        if (earlier !== guard && earlier.file === guard.file && earlier.line < guard.line) entry.before.add(middlewareKey(earlier));
      }
      candidates.set(key, entry);
    }
  }
  const gates = new Set<string>();
  if (candidates.size === 0) return gates;
  const signIn = definitions.filter((definition) => !definition.unmounted && credentialEntryReason(wordPath(definition)));
  for (const [key, { guard, before }] of candidates) {
    const skipped = signIn.some((definition) => {
      const keys = definition.middleware.map(middlewareKey);
      if (keys.includes(key)) return false;
      return (definition.file === guard.file && definition.line < guard.line) || keys.some((other) => before.has(other));
    });
    if (skipped) gates.add(key);
  }
  return gates;
}

function finalizeRoute(definition: RouteDefinition, config: RouteConfig, modules: ModuleIndex, helpers: HelperAuthenticationFinder, methodsOf: ReadonlyMap<ts.Node, ReadonlySet<string>>, gates: ReadonlySet<string> = new Set()): Route {
  const handlerFunction = definition.handler && resolveHandler(definition, modules);
  // One handler for several methods that branches on the request's: another method's branch is not this route's check.
  const siblings = new Set(definition.handler ? methodsOf.get(definition.handler.node) : undefined);
  siblings.delete(definition.method);
  const body = handlerFunction?.node.body;
  const otherMethods = body && siblings.size > 0 && BRANCHABLE_METHODS.has(definition.method) ? otherMethodStatements(body, definition.method, siblings) : undefined;
  const principal = [...new Set([...readPrincipal(handlerFunction), ...decoratedPrincipal(definition, handlerFunction)])];
  // Where and how it is exposed is outside the scan: no authentication status to judge.
  if (definition.unmounted) return { ...definition, auth: 'unknown', authEvidence: ['not mounted where trustscan can see it'], principal, id: entryName(definition) };
  const evidence: string[] = [];
  let auth: AuthStatus;
  let publicByDesign = definition.declaredPublic;
  const configured = config.publicRoutes.find((pattern) => matchesRoutePattern(pattern, definition));
  if (configured) publicByDesign = `config auth.publicRoutes "${configured}"`;
  const guards = definition.middleware.filter((m) => m.kind === 'auth' || m.kind === 'role');
  // Test seeding and e2e helpers that answer 404 in production: open on purpose, and only where no one else is.
  const developmentOnly = developmentOnlyExit(handlerFunction);
  if (developmentOnly && guards.length === 0) publicByDesign ??= `development and test only: the handler exits when ${developmentOnly}`;
  // Login and sign-up take credentials: public by definition, whatever guard is mounted in front of
  // them; unless the route's own decorator turned an opt-in guard on (`@Post('oauth/link')
  // @Authenticated()` links a provider to the signed-in account).
  // Nor a registration the path names after the word, behind the route's own guard (`registrationAuth()` on
  // `/oauth/register/:clientId`, RFC 7592 client management): that manages an existing one.
  const managesNamedRecord = guards.some((guard) => guard.scope === 'route' && guard.kind === 'auth') && /\/(?::|\[|\{)[^/]+$/.test(wordPath(definition));
  // Nor behind a guard the app installed after its own sign-in routes (signInGates).
  const gated = guards.some((guard) => gates.has(middlewareKey(guard)));
  // Unless the handler itself turns away callers without credentials (`/api/auth/sso` that trades the
  // caller's bearer token for a session key through `parseRequest`): that is its own check, not a guard
  // mounted in front of it whose exemptions trustscan may not see.
  const credentialEntry = !publicByDesign && !guards.some((guard) => guard.requestedBy) && !managesNamedRecord && !gated ? credentialEntryReason(wordPath(definition)) : undefined;

  const annotated = routeAnnotation(definition, handlerFunction, modules);
  const inHandler = publicByDesign || guards.length > 0 || annotated ? undefined : inHandlerAuthentication(handlerFunction, modules, otherMethods);
  let helper = publicByDesign || guards.length > 0 || annotated || inHandler ? {} : helpers.inspect(handlerFunction);
  if (credentialEntry && !inHandler && !helper.evidence) {
    publicByDesign = credentialEntry;
    helper = {};
  }
  // One handler for several methods that checks in each method's branch (`if (req.method === 'DELETE') { await requireAdmin(req) ... }`).
  if (!publicByDesign && !guards.length && !annotated && !inHandler && !helper.evidence && !helper.skipped && handlerFunction && isBranchMethod(definition.method)) {
    const served = methodBranches(handlerFunction, definition.method);
    const branches = helpers.inspectBranches(handlerFunction, served);
    // No branch check found: keep what the body said (an optional sign-in, say).
    if (branches.evidence) helper = branches;
    else {
      const delegated = delegatedMethodAuthentication(handlerFunction, served, modules, helpers);
      if (delegated) helper = { evidence: delegated };
    }
  }
  const packageDelegate = publicByDesign || guards.length > 0 || annotated || inHandler || helper.evidence || helper.skipped ? undefined : (servesEntryPoints(handlerFunction, modules) ?? delegatesToPackage(handlerFunction, modules) ?? delegatesToContextFunction(handlerFunction, modules));
  if (!publicByDesign && helper.skipped) publicByDesign = `authentication skipped on purpose: ${helper.skipped}`;
  // A read that asks who is calling and answers anonymous callers too (a public profile that marks
  // whom the caller follows) is open on purpose. A write that does the same is left to the rules:
  // going on without the user there is the missing check they look for.
  if (!publicByDesign && helper.optional && !isStateChanging(definition.method) && definition.method !== 'SUBSCRIPTION') publicByDesign = `optional sign-in: ${helper.optional}`;
  // The same choice made with a middleware: `auth.optional` (express-jwt `credentialsRequired: false`) in front of a read.
  const optionalGuard = definition.middleware.find((middleware) => middleware.optionalAuthentication);
  if (!publicByDesign && optionalGuard && !guards.length && !annotated && !inHandler && !helper.evidence && !isStateChanging(definition.method) && definition.method !== 'SUBSCRIPTION') {
    // A reason the path or handler gives (a reset page, a capability link) says more than that sign-in is optional.
    publicByDesign =
      publicByDesignReason({ method: definition.method, path: wordPath(definition), kind: definition.kind, modules, ...(handlerFunction ? { handler: handlerFunction } : {}) }) ??
      `optional sign-in: ${optionalGuard.name} (${optionalGuard.file}:${optionalGuard.line}) lets anonymous callers in (${optionalGuard.optionalAuthentication})`;
  }
  if (publicByDesign) {
    auth = 'public';
    evidence.push(publicByDesign);
  } else if (guards.length > 0) {
    auth = 'authenticated';
    // What authenticates first, then the role checks: the first entry is the one the inventory shows.
    for (const guard of [...guards.filter((m) => m.kind === 'auth'), ...guards.filter((m) => m.kind === 'role')]) {
      evidence.push(`${guard.name} (${guard.scope}, ${guard.file}:${guard.line}${guard.strength === 'name-only' ? ', by name only' : ''})`);
    }
  } else if (annotated) {
    auth = 'authenticated';
    evidence.push(annotated);
  } else if (inHandler) {
    auth = 'authenticated';
    evidence.push(inHandler);
  } else if (helper.evidence) {
    auth = 'authenticated';
    evidence.push(helper.evidence);
  } else if ((definition.unresolvedMiddleware?.length ?? 0) > 0 || definition.middleware.some((m) => m.opaque) || packageDelegate) {
    auth = 'unknown';
    if (packageDelegate) evidence.push(packageDelegate);
    const opaque = [...(definition.unresolvedMiddleware ?? []), ...definition.middleware.filter((m) => m.opaque).map((m) => m.name)];
    if (opaque.length > 0) evidence.push(`could not tell what ${opaque.join(', ')} check${opaque.length === 1 ? 's' : ''}`);
  } else if (definition.method === 'FIELD') {
    // A GraphQL field resolver runs inside whichever operation returned its parent object, with that
    // operation's authentication: on its own it is neither public nor authenticated.
    auth = 'unknown';
    evidence.push(`a field resolver: it runs with the authentication of the operation that returns ${definition.path.split('.')[0]}`);
  } else {
    auth = 'public';
    // Behind a middleware that reads the OpenID provider's sign-in interaction: a screen of that sign-in.
    const interaction = definition.middleware.find((middleware) => middleware.signInInteraction);
    publicByDesign =
      (interaction ? `a step of signing in: ${interaction.signInInteraction} (${interaction.file}:${interaction.line})` : undefined) ??
      publicByDesignReason({ method: definition.method, path: wordPath(definition), kind: definition.kind, modules, ...(handlerFunction ? { handler: handlerFunction } : {}) });
    if (publicByDesign) evidence.push(publicByDesign);
    else if (definition.dispatchedBy) {
      // The project's own dispatcher looks the handler up per request and may reject callers
      // before it runs (a session check for every route its router does not mark public): nothing
      // here says the route is open, nor that it is closed.
      auth = 'unknown';
      evidence.push(`dispatched by the project's router class ${definition.dispatchedBy}, whose dispatcher decides who may call it`);
    } else if (optionalGuard) {
      // A write behind an optional sign-in: the middleware is there, and lets anonymous callers through.
      evidence.push(`optional sign-in only: ${optionalGuard.name} (${optionalGuard.file}:${optionalGuard.line}) lets anonymous callers in (${optionalGuard.optionalAuthentication})`);
    } else evidence.push(definition.middleware.length === 0 ? 'no middleware, guard or in-handler check' : 'no authentication among its middleware');
  }
  const route: Route = {
    framework: definition.framework,
    ...(definition.kind ? { kind: definition.kind } : {}),
    ...(definition.lambdaEvent ? { lambdaEvent: true as const } : {}),
    ...(definition.safeAction ? { safeAction: true as const } : {}),
    method: definition.method,
    path: definition.path,
    file: definition.file,
    line: definition.line,
    column: definition.column,
    middleware: definition.middleware,
    auth,
    authEvidence: evidence,
    principal,
    id: entryName(definition),
  };
  if (auth === 'authenticated' && !guards.length && !annotated && !inHandler && helper.role) route.handlerRoleCheck = helper.role;
  if (definition.handler) route.handler = definition.handler;
  if (definition.argsParameter !== undefined) route.argsParameter = definition.argsParameter;
  if (definition.typedArguments?.length) route.typedArguments = definition.typedArguments;
  if (definition.contextParameter !== undefined) route.contextParameter = definition.contextParameter;
  if (definition.inputParameters) route.inputParameters = definition.inputParameters;
  if (definition.parameterInputs) route.parameterInputs = definition.parameterInputs;
  if (publicByDesign) route.publicByDesign = publicByDesign;
  if (developmentOnly) route.developmentOnly = developmentOnly;
  // Not a GraphQL operation: senders post webhooks and cron calls to a URL, and an operation named
  // for webhooks (`deleteWebhook`, `webhook(id)`) manages the workspace's webhook settings for a user.
  if (principal.length === 0 && definition.kind !== 'graphql' && (auth === 'authenticated' || publicByDesign?.startsWith('webhook') || publicByDesign?.startsWith('service endpoint')) && isServiceEndpoint(wordPath(definition))) route.caller = 'service';
  // A cron or internal job endpoint that only compares a configured secret: a service calls it. Also
  // behind a wrapper that lets anonymous requests through to it (Stack Auth's smart routes with an optional
  // `auth`) when the handler answers 401 without the secret: it reads no caller, and the secret is how one
  // authenticates. (A 403 there refuses a caller the wrapper signed in: a user route with an extra check.)
  if (principal.length === 0 && auth === 'authenticated' && (inHandler || unauthorizedWithoutSecret(handlerFunction)) && checksSharedSecret(handlerFunction)) route.caller = 'service';
  // Behind authentication that accepts only a service's credential (`withQstashOrInternal(handler)`): a service calls it.
  if (principal.length === 0 && auth === 'authenticated' && guards.length > 0 && guards.every((guard) => guard.serviceCredential)) route.caller = 'service';
  return route;
}

/**
 * Handler parameters a project decorator fills with the signed-in caller, whatever its name (Nest
 * `createParamDecorator` returning `req.user`, a routing-controllers one that throws without a user):
 * `@UserSession() user`, as the adapter found them.
 */
function decoratedPrincipal(definition: RouteDefinition, handler: ResolvedFunction | undefined): string[] {
  if (!handler || !definition.parameterInputs) return [];
  const found: string[] = [];
  for (const input of definition.parameterInputs) {
    const parameter = handler.node.parameters[input.index];
    if (!input.principal || !parameter) continue;
    const label = `@${input.via}() ${parameter.name.getText(handler.node.getSourceFile())}`;
    if (!found.includes(label)) found.push(label);
  }
  return found;
}

/**
 * `export const POST = (req) => queueHandler(req)` where `queueHandler = handleCallback(...)` from a
 * package trustscan does not know: the whole request goes to code it cannot read (which may verify
 * the sender, as queue and job SDKs do), so the route's status is unknown rather than public.
 */
function delegatesToPackage(handler: ResolvedFunction | undefined, modules: ModuleIndex): string | undefined {
  const body = handler?.node.body;
  if (!handler || !body) return undefined;
  let expression = soleExpression(body);
  if (expression && ts.isAwaitExpression(expression)) expression = expression.expression;
  if (!expression || !ts.isCallExpression(expression) || !ts.isIdentifier(expression.expression)) return undefined;
  // Only a call given what the handler received, whole, hands the request on: `return data({ plans })` in a
  // loader that takes no arguments, or `return data({ invoice: await findInvoice(params.id) })`, builds a
  // response (Remix's `data`/`json`, a package's response helper) from what the handler computed.
  const received = new Set(handler.node.parameters.flatMap((parameter) => bindingNames(parameter.name)));
  if (!expression.arguments.some((argument) => passesWhole(argument, received))) return undefined;
  const name = expression.expression.text;
  const binding = modules.resolveName(handler.file, name);
  const made = binding?.kind === 'declaration' && ts.isVariableDeclaration(binding.node) && binding.node.initializer ? skipOuterExpressions(binding.node.initializer) : undefined;
  const factory = made && binding?.kind === 'declaration' && ts.isCallExpression(made) && ts.isIdentifier(made.expression) ? modules.resolveName(binding.file, made.expression.text) : binding;
  if (factory?.kind !== 'external' || factory.module.startsWith('.')) return undefined;
  // `return data({ statements: await db.findMany({ where: { period: params.period } }) })`: a response built from a value.
  if (factory === binding && RESPONSE_BUILDERS[factory.module]?.includes(factory.importedName)) return undefined;
  return `the handler hands the request to ${name}${factory === binding ? '' : `, made by ${factory.importedName === 'default' ? factory.module : `${factory.module} ${factory.importedName}`}`}${factory === binding ? ` from ${factory.module}` : ''}, which trustscan cannot read`;
}

/**
 * `return context.queries.orderById(context, { orderId })`: a resolver that hands its whole context
 * (the caller with it) to a function a plugin registered on that context. Whether the caller is
 * checked is decided there, in code the scan cannot resolve from the call, so the status is unknown
 * rather than public. A callee the scan resolves (a plain import) is read as usual.
 */
function delegatesToContextFunction(handler: ResolvedFunction | undefined, modules: ModuleIndex): string | undefined {
  const body = handler?.node.body;
  if (!handler || !body) return undefined;
  const parameters = new Set(handler.node.parameters.flatMap((parameter) => (ts.isIdentifier(parameter.name) ? [parameter.name.text] : [])));
  if (parameters.size === 0) return undefined;
  let found: string | undefined;
  const visit = (node: ts.Node): void => {
    if (found || (node !== body && ts.isFunctionLike(node))) return;
    if (ts.isCallExpression(node)) {
      const callee = skipOuterExpressions(node.expression);
      let root: ts.Expression = callee;
      while (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root)) root = skipOuterExpressions(root.expression);
      const passesRoot = ts.isIdentifier(root) && root !== callee && parameters.has(root.text)
        && node.arguments.some((argument) => { const value = skipOuterExpressions(argument); return ts.isIdentifier(value) && value.text === (root as ts.Identifier).text; });
      if (passesRoot && ts.isPropertyAccessExpression(callee) && ts.isPropertyAccessExpression(skipOuterExpressions(callee.expression)) && !resolveFunction(modules, handler.file, callee)) {
        found = `the handler hands its context to ${callee.getText()}, a function registered on the context that trustscan cannot resolve`;
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return found;
}

/**
 * `return fetchRequestHandler({ router: appRouter, req })`: the route is the transport of other entry
 * points (models/transports.ts), listed and judged on their own; it checks and exposes nothing itself.
 */
function servesEntryPoints(handler: ResolvedFunction | undefined, modules: ModuleIndex): string | undefined {
  const body = handler?.node.body;
  if (!handler || !body) return undefined;
  let found: string | undefined;
  const visit = (node: ts.Node): void => {
    if (found || (node !== body && ts.isFunctionLike(node))) return;
    if (ts.isCallExpression(node)) {
      const callee = skipOuterExpressions(node.expression);
      const root = ts.isPropertyAccessExpression(callee) ? skipOuterExpressions(callee.expression) : callee;
      const binding = ts.isIdentifier(root) ? modules.resolveName(handler.file, root.text) : undefined;
      if (binding?.kind === 'external') {
        const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : binding.importedName;
        const transport = ENTRY_POINT_TRANSPORTS[binding.module];
        if (transport?.functions.includes(name)) {
          found = `the handler serves the ${transport.serves} (${name} from ${binding.module}), each listed and judged as an entry point of its own`;
          return;
        }
      }
      // `const handler = new RPCHandler(appRouter)` at module level, then `handler.handle(request, ...)`.
      const made = binding?.kind === 'declaration' && ts.isVariableDeclaration(binding.node) && binding.node.initializer ? skipOuterExpressions(binding.node.initializer) : undefined;
      if (made && binding?.kind === 'declaration' && ts.isNewExpression(made) && ts.isIdentifier(made.expression)) {
        const constructed = modules.resolveName(binding.file, made.expression.text);
        const transport = constructed?.kind === 'external' ? ENTRY_POINT_TRANSPORTS[constructed.module] : undefined;
        if (constructed?.kind === 'external' && transport?.functions.includes(constructed.importedName)) {
          found = `the handler serves the ${transport.serves} (${constructed.importedName} from ${constructed.module}), each listed and judged as an entry point of its own`;
          return;
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return found;
}

/** A `trustscan-auth: <reason>` annotation on the route definition or its handler. */
function routeAnnotation(definition: RouteDefinition, handler: ResolvedFunction | undefined, modules: ModuleIndex): string | undefined {
  const file = fileWithPath(modules.sourceFiles, definition.file);
  const onRoute = file && authAnnotation(file, definition.line);
  if (onRoute) return `trustscan-auth annotation (${definition.file}:${onRoute.line}): ${onRoute.reason}`;
  const onHandler = handler && authAnnotation(handler.file, nodePosition(handler.node).line);
  return onHandler ? `trustscan-auth annotation (${handler.file.path}:${onHandler.line}): ${onHandler.reason}` : undefined;
}

function resolveHandler(definition: RouteDefinition, modules: ModuleIndex): ResolvedFunction | undefined {
  const handler = definition.handler!;
  const file = modules.fileOf(handler.node);
  return file ? { file, node: handler.node, name: handler.name } : undefined;
}

/**
 * "GET /health", "/webhooks/*", "* /public/*", "QUERY publicFeed", "TRPC post.*", "LAMBDA GET /health":
 * method optional; `*` matches any run of characters.
 */
export function matchesRoutePattern(text: string, route: { kind?: string | undefined; method: string; path: string }): boolean {
  const pattern = parseEntryPattern(text);
  if (!entryKindAndMethodMatch(pattern, route)) return false;
  const regex = new RegExp(`^${pattern.path.split('*').map(escapeRegExp).join('.*')}/?$`);
  return regex.test(route.path);
}

export function compareRoutes(a: Route, b: Route): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
    (a.method < b.method ? -1 : a.method > b.method ? 1 : 0)
  );
}

const IMPORT_SPECIFIER = /\bfrom\s*['"]([^'"\n]+)['"]|\brequire\s*\(\s*['"]([^'"\n]+)['"]\s*\)|\bimport\s*\(\s*['"]([^'"\n]+)['"]\s*\)|^\s*import\s*['"]([^'"\n]+)['"]/gm;

export function projectFacts(
  sourceFiles: readonly ScannedSourceFile[],
  textFiles: readonly ScannedTextFile[],
): ProjectFacts & { packageJsons: Map<string, Record<string, unknown>> } {
  const dependencies = new Set<string>();
  const packageJsons = new Map<string, Record<string, unknown>>();
  for (const file of textFiles) {
    if (file.kind !== 'json' || !(file.path === 'package.json' || file.path.endsWith('/package.json'))) continue;
    try {
      const pkg = JSON.parse(file.text) as Record<string, unknown>;
      packageJsons.set(file.path === 'package.json' ? '' : file.path.slice(0, -'/package.json'.length), pkg);
      for (const key of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
        const deps = pkg[key];
        if (deps && typeof deps === 'object') for (const name of Object.keys(deps)) dependencies.add(name);
      }
    } catch {
      // A broken package.json says nothing about dependencies; imports still do.
    }
  }
  const importedModules = new Set<string>();
  for (const file of sourceFiles) {
    for (const match of file.text.matchAll(IMPORT_SPECIFIER)) {
      const specifier = match[1] ?? match[2] ?? match[3] ?? match[4];
      if (specifier && !specifier.startsWith('.')) importedModules.add(specifier);
    }
  }
  return { dependencies, importedModules, packageJsons };
}

/**
 * A handler that hands each method's request whole to a function of its own (`case 'POST': await
 * handlePost(req, res); break;`, `if (req.method === 'PUT') return handlePut(req, res)`): that function
 * serves the method and authenticates it as a handler would, inline (`getServerSession` then a 401) or
 * through a helper. Every branch serving the method must delegate to a function that does.
 */
function delegatedMethodAuthentication(handler: ResolvedFunction, branches: readonly (readonly ts.Statement[])[], modules: ModuleIndex, helpers: HelperAuthenticationFinder): string | undefined {
  let first: string | undefined;
  for (const branch of branches) {
    const delegate = methodDelegate(handler, branch, modules);
    const found = delegate && (inHandlerAuthentication(delegate, modules) ?? helpers.inspect(delegate).evidence);
    if (!delegate || !found) return undefined;
    first ??= `${handler.name} hands the request to ${delegate.name} (${delegate.file.path}:${nodePosition(delegate.node).line}), which authenticates it: ${found}`;
  }
  return first;
}

/** The project function a method's branch hands the handler's own arguments to, when that call is all the branch does. */
function methodDelegate(handler: ResolvedFunction, branch: readonly ts.Statement[], modules: ModuleIndex): ResolvedFunction | undefined {
  const work = branch.filter((statement) => !ts.isBreakStatement(statement) && !(ts.isReturnStatement(statement) && !statement.expression));
  const statement = work.length === 1 ? work[0]! : undefined;
  const expression = statement && (ts.isExpressionStatement(statement) ? statement.expression : ts.isReturnStatement(statement) ? statement.expression : undefined);
  if (!expression) return undefined;
  let value = skipOuterExpressions(expression);
  if (ts.isAwaitExpression(value)) value = skipOuterExpressions(value.expression);
  if (!ts.isCallExpression(value) || value.arguments.length === 0) return undefined;
  const parameters = new Set(handler.node.parameters.flatMap((parameter) => (ts.isIdentifier(parameter.name) ? [parameter.name.text] : [])));
  if (!value.arguments.every((argument) => ts.isIdentifier(argument) && parameters.has(argument.text))) return undefined;
  const delegate = resolveFunction(modules, handler.file, value.expression);
  return delegate && delegate.node !== handler.node ? delegate : undefined;
}

/** `if (authHeader !== \`Bearer ${getEnvVariable('CRON_SECRET')}\`) throw new StatusError(401, 'Unauthorized')`: the handler's own 401 when the configured secret does not match. */
function unauthorizedWithoutSecret(handler: ResolvedFunction | undefined): boolean {
  return someOwnIfStatement(handler, (statement, sourceFile) => comparesConfiguredSecret(statement.expression.getText(sourceFile)) && /\b401\b|Unauthori[sz]ed|UNAUTHORI[SZ]ED/.test(statement.thenStatement.getText(sourceFile)));
}

/**
 * Whether `argument` passes one of the named values itself (`req`, `{ req, res }`), not a field of it
 * (`params.id`) or what a call made of it.
 */
function passesWhole(argument: ts.Expression, names: ReadonlySet<string>): boolean {
  let found = false;
  walkDescendants(argument, (child) => {
    if (found || (child !== argument && ts.isCallExpression(child))) return false;
    const parent = child.parent;
    const fieldOwner = parent && (ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === child;
    const propertyName = parent && ts.isPropertyAssignment(parent) && parent.name === child;
    if (ts.isIdentifier(child) && names.has(child.text) && !fieldOwner && !propertyName) found = true;
    return !found;
  });
  return found;
}
