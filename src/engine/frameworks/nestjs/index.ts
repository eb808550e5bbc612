import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { nodePosition, propertyNameText, propertyValue, returnedExpressions, skipOuterExpressions } from '../../ast/syntax.js';
import { bindingValue, type ModuleIndex } from '../../names/index.js';
import { guardClassOf, lifecycleMethodOf, type MiddlewareClassifier } from '../../routes/classify-middleware.js';
import { controllerMethods, projectDecoratorFactory, returnedCall } from '../controller-methods.js';
import type { CheckedInput, HttpMethod, Operation, ParameterInput, RouteDefinition, RouteMiddleware } from '../../routes/route.js';
import { inputPathReads } from './argument-access.js';
import { usesAnyPackage, type AdapterContext, type FrameworkAdapter } from '../adapter.js';
import { bootstrapFor, placeholderFor, readBootstraps, readModules, targetSelects, type Bootstrap, type MiddlewareBinding, type ModuleFacts } from './application.js';
import { appliedDecorator, decoratorOrigin, MetadataReads, metadataReadingHelpers, readDecoratorEffects, readVersions, type DecoratorEffects, type EnhancerReference, type MetadataMark } from './decorators.js';
import { staticStrings } from './values.js';
import { FRAMEWORK_PERMISSION_DECORATORS, OWNER_PERMISSION_VALUES, PUBLIC_PERMISSION_VALUES } from '../../../models/auth.js';
import { joinRoutePath } from '../../routes/route-path.js';
import { classValidatorDtoSteps } from '../class-validator.js';
import { graphqlTypeName, nameOption } from '../graphql/schema-names.js';

const HTTP_DECORATORS: Record<string, HttpMethod> = {
  Get: 'GET',
  Post: 'POST',
  Put: 'PUT',
  Patch: 'PATCH',
  Delete: 'DELETE',
  All: 'ALL',
  Head: 'HEAD',
  Options: 'OPTIONS',
  // Server-sent events: `@Sse('/chat/:id/stream')` registers a GET route that streams its Observable.
  Sse: 'GET',
};
/** @nestjs/graphql operation decorators and the operation each declares. */
const GRAPHQL_DECORATORS: Record<string, Operation> = {
  Query: 'QUERY',
  Mutation: 'MUTATION',
  Subscription: 'SUBSCRIPTION',
  ResolveField: 'FIELD',
  ResolveProperty: 'FIELD',
};
const NEST_GRAPHQL = '@nestjs/graphql';
/** Parameter decorators whose extra arguments are pipes: `@Param('id', ParseIntPipe)`, `@Body(new ValidationPipe())`. */
const PIPED_PARAMETERS = new Set(['Body', 'Param', 'Query', 'UploadedFile', 'UploadedFiles']);
/** Nest's input decorators a project decorator may wrap, by package. */
const INPUT_DECORATORS: Record<string, ReadonlySet<string>> = {
  '@nestjs/common': new Set(['Param', 'Query', 'Body', 'Headers', 'HostParam', 'UploadedFile', 'UploadedFiles', 'Ip']),
  '@nestjs/graphql': new Set(['Args']),
  'type-graphql': new Set(['Arg', 'Args']),
};

export const nestjsAdapter: FrameworkAdapter = {
  name: 'nestjs',
  isEnabled: (facts) => usesAnyPackage(facts, ['@nestjs/core', '@nestjs/common']),
  discoverRoutes: discoverNestRoutes,
};

/** The guards, interceptors and pipes that run for every route of one app, in Nest's order (useGlobal* first, then APP_* providers). */
interface GlobalEnhancers {
  bootstrap?: Bootstrap;
  guards: EnhancerReference[];
  interceptors: EnhancerReference[];
  pipes: EnhancerReference[];
  /** `consumer.apply(...).forRoutes(...)` in module `configure` methods: runs before any guard. */
  middleware: MiddlewareBinding[];
}

/**
 * NestJS routes: every `@Controller` class and its `@Get/@Post/...` methods (inherited ones
 * included), with the global prefix, RouterModule path and URI version in front, and the guards,
 * interceptors and pipes of the app, the controller and the method, in the order Nest runs them.
 */
function discoverNestRoutes(context: AdapterContext): RouteDefinition[] {
  const { modules } = context;
  const bootstraps = readBootstraps(modules, context.sourceFiles);
  const moduleFacts = readModules(modules, context.sourceFiles);
  const globals = new Map<Bootstrap | undefined, Map<string, GlobalEnhancers>>();
  const rootIds = new Map<ts.Node, number>();
  const globalsFor = (filePath: string, controller: ts.Node): GlobalEnhancers => {
    const bootstrap = bootstrapFor(bootstraps, filePath);
    const apps = moduleFacts.applications.ofController(controller);
    const key = [...apps].map((app) => rootIds.get(app) ?? rootIds.set(app, rootIds.size).get(app)!).sort().join(',');
    let forBootstrap = globals.get(bootstrap);
    if (!forBootstrap) globals.set(bootstrap, (forBootstrap = new Map()));
    let found = forBootstrap.get(key);
    if (!found) {
      found = globalEnhancers(bootstrap, bootstraps, moduleFacts, apps);
      forBootstrap.set(key, found);
    }
    return found;
  };
  const discovery = new ControllerDiscovery(modules, context.middleware);
  const routes: RouteDefinition[] = [];
  for (const file of context.sourceFiles) {
    // `@Controller`, `@Resolver`, or a project's wrapper of one (`@ApiController`, `@MetadataResolver`).
    const controllers = file.text.includes('Controller(');
    const resolvers = file.text.includes('Resolver(');
    if (!controllers && !resolvers) continue;
    for (const statement of file.sourceFile.statements) {
      if (!ts.isClassDeclaration(statement)) continue;
      const controller = controllers ? discovery.controllerDecorator(file, statement) : undefined;
      if (controller) routes.push(...discovery.routesOf(file, statement, controller, globalsFor(file.path, statement), moduleFacts.controllerPrefixes.get(statement) ?? ''));
      const resolver = resolvers ? discovery.resolverDecorator(file, statement) : undefined;
      if (resolver) routes.push(...discovery.operationsOf(file, statement, resolver, globalsFor(file.path, statement)));
    }
  }
  return routes;
}

/**
 * APP_* providers count for the app whose folder holds them; ones outside every app folder (shared
 * libraries) count everywhere. Where the module trees say which app (root module) the controller and
 * a provider are part of, a provider only another app's tree declares does not count.
 */
function globalEnhancers(bootstrap: Bootstrap | undefined, bootstraps: readonly Bootstrap[], moduleFacts: ModuleFacts, apps: ReadonlySet<ts.Node>): GlobalEnhancers {
  const belongs = (reference: EnhancerReference) => {
    const owner = bootstrapFor(bootstraps, reference.file.path);
    return owner === undefined || owner === bootstrap || bootstraps.length <= 1;
  };
  const inApp = (reference: EnhancerReference) => {
    const providerApps = moduleFacts.applications.ofProvider(reference);
    // Unknown on either side (an import we could not read): keep it, as before.
    return apps.size === 0 || providerApps.size === 0 || [...providerApps].some((app) => apps.has(app));
  };
  const provided = (reference: EnhancerReference) => belongs(reference) && inApp(reference);
  const { providers } = moduleFacts;
  return {
    middleware: moduleFacts.middleware.filter((binding) => binding.middleware.every(belongs)),
    ...(bootstrap ? { bootstrap } : {}),
    guards: [...(bootstrap?.guards ?? []), ...providers.guards.filter(provided)],
    interceptors: [...(bootstrap?.interceptors ?? []), ...providers.interceptors.filter(provided)],
    pipes: [...(bootstrap?.pipes ?? []), ...providers.pipes.filter(provided)],
  };
}

/** What `@Controller(...)` says: its path(s) and version. */
interface ControllerOptions {
  paths: string[];
  versions?: string[] | 'neutral';
}

class ControllerDiscovery {
  private readonly metadataReads: MetadataReads;
  /** App-wide enhancers appear on every route: describe each once, hand out copies. */
  private readonly described = new Map<ts.Node, Map<RouteMiddleware['scope'], RouteMiddleware>>();

  constructor(
    private readonly modules: ModuleIndex,
    private readonly classifier: MiddlewareClassifier,
  ) {
    this.metadataReads = new MetadataReads(modules);
  }

  /** The options of a class's `@Controller(...)` from @nestjs/common, or undefined when it is no Nest controller. */
  controllerDecorator(file: ScannedSourceFile, node: ts.ClassDeclaration): ControllerOptions | undefined {
    for (const decorator of ts.getDecorators(node) ?? []) {
      const origin = appliedDecorator(this.modules, file, decorator, (module, name) => module === '@nestjs/common' && name === 'Controller');
      if (!origin) continue;
      const argument = origin.arguments[0] && skipOuterExpressions(origin.arguments[0]);
      if (!argument) return { paths: [''] };
      if (ts.isObjectLiteralExpression(argument)) {
        const pathExpression = propertyValue(argument, 'path');
        const versionExpression = propertyValue(argument, 'version');
        const versions = versionExpression && readVersions(this.modules, file, versionExpression);
        return { paths: pathExpression ? this.pathsOf(file, pathExpression) : [''], ...(versions ? { versions } : {}) };
      }
      return { paths: this.pathsOf(file, argument) };
    }
    return undefined;
  }

  /**
   * `@Resolver(() => User)` from @nestjs/graphql: the GraphQL type its field resolvers belong to
   * (`User`, from a type function, a class or a string), or the class name without "Resolver".
   */
  resolverDecorator(file: ScannedSourceFile, node: ts.ClassDeclaration): { typeName: string } | undefined {
    for (const decorator of ts.getDecorators(node) ?? []) {
      const origin = appliedDecorator(this.modules, file, decorator, (module, name) => module === NEST_GRAPHQL && name === 'Resolver');
      if (!origin) continue;
      const argument = origin.arguments[0] && skipOuterExpressions(origin.arguments[0]);
      return { typeName: graphqlTypeName(argument) ?? (node.name?.text ?? 'Resolver').replace(/Resolver$/, '') };
    }
    return undefined;
  }

  /**
   * The GraphQL operations of a Nest resolver class: `@Query`, `@Mutation`, `@Subscription` (named by
   * their `name` option or the method) and `@ResolveField` (`FIELD User.invoices`), with the guards,
   * interceptors and pipes Nest runs for them, the same as for a controller's routes.
   */
  operationsOf(file: ScannedSourceFile, node: ts.ClassDeclaration, resolver: { typeName: string }, globals: GlobalEnhancers): RouteDefinition[] {
    const className = node.name?.text ?? '<anonymous>';
    const classEffects = readDecoratorEffects(this.modules, file, node);
    // Nest middleware runs for GraphQL only where it is bound to every route (it sees one HTTP path, the endpoint's).
    const appMiddleware = globals.middleware.filter((binding) => binding.everyRoute).flatMap((binding) => binding.middleware.map((reference) => this.describe(reference, 'global')));
    const routes: RouteDefinition[] = [];
    for (const { method, file: methodFile } of controllerMethods(this.modules, file, node)) {
      const methodName = (method.name && propertyNameText(method.name)) ?? '<method>';
      for (const decorator of ts.getDecorators(method) ?? []) {
        const origin = appliedDecorator(this.modules, methodFile, decorator, (module, name) => module === NEST_GRAPHQL && Object.hasOwn(GRAPHQL_DECORATORS, name));
        const operation = origin ? GRAPHQL_DECORATORS[origin.name] : undefined;
        if (!operation) continue;
        const name = operationName(origin!.arguments, operation) ?? methodName;
        const methodEffects = readDecoratorEffects(this.modules, methodFile, method);
        const middleware = this.middlewareOf(globals, classEffects, methodEffects, methodFile, method);
        const position = nodePosition(decorator);
        const inputs = parameterInputs(this.modules, methodFile, method);
        routes.push({
          ...(inputs.length ? { parameterInputs: inputs } : {}),
          framework: 'nestjs',
          kind: 'graphql',
          method: operation,
          path: operation === 'FIELD' ? `${resolver.typeName}.${name}` : name,
          file: methodFile.path,
          line: position.line,
          column: position.column,
          handler: { file: methodFile.path, line: nodePosition(method.name).line, node: method, name: `${className}.${methodName}` },
          ...middleware,
          middleware: [...appMiddleware.map((entry) => ({ ...entry })), ...middleware.middleware],
        });
      }
    }
    return routes;
  }

  routesOf(file: ScannedSourceFile, node: ts.ClassDeclaration, controller: ControllerOptions, globals: GlobalEnhancers, modulePrefix: string): RouteDefinition[] {
    const className = node.name?.text ?? '<anonymous>';
    const classEffects = readDecoratorEffects(this.modules, file, node);
    const routes: RouteDefinition[] = [];
    for (const { method, file: methodFile } of controllerMethods(this.modules, file, node)) {
      const httpDecorators = (ts.getDecorators(method) ?? []).flatMap((decorator) => {
        const origin = appliedDecorator(this.modules, methodFile, decorator, (module, name) => module === '@nestjs/common' && Object.hasOwn(HTTP_DECORATORS, name));
        const httpMethod = origin ? HTTP_DECORATORS[origin.name] : undefined;
        return httpMethod ? [{ decorator, httpMethod, pathArgument: origin!.arguments[0] }] : [];
      });
      if (httpDecorators.length === 0) continue;
      const methodEffects = readDecoratorEffects(this.modules, methodFile, method);
      const middleware = this.middlewareOf(globals, classEffects, methodEffects, methodFile, method);
      const methodName = (method.name && propertyNameText(method.name)) ?? '<method>';
      const handler = { file: methodFile.path, line: nodePosition(method.name).line, node: method, name: `${className}.${methodName}` };
      const versions = this.versionSegments(globals.bootstrap, methodEffects.versions ?? controller.versions);
      const inputs = parameterInputs(this.modules, methodFile, method);
      let dtoSteps: RouteMiddleware[] | undefined;
      for (const { decorator, httpMethod, pathArgument } of httpDecorators) {
        const methodPaths = pathArgument ? this.pathsOf(methodFile, pathArgument) : [''];
        const position = nodePosition(decorator);
        for (const controllerPath of controller.paths) {
          for (const methodPath of methodPaths) {
            const bare = joinRoutePath(modulePrefix, controllerPath, methodPath);
            for (const version of versions) {
              const fullPath = joinRoutePath(this.globalPrefix(globals.bootstrap, bare, httpMethod), version, bare);
              const nestMiddleware = [...(globals.bootstrap?.platformMiddleware ?? []).map((reference) => this.describe(reference, 'global')), ...this.nestMiddlewareOf(globals.middleware, node, bare, fullPath, httpMethod)];
              const validated = [...nestMiddleware, ...middleware.middleware].some(isValidationPipe) ? (dtoSteps ??= classValidatorDtoSteps(this.modules, methodFile, method, (origin) => (origin.module === '@nestjs/common' ? VALIDATED_INPUTS[origin.name] : undefined), 'a ValidationPipe')) : [];
              routes.push({
                ...(inputs.length ? { parameterInputs: inputs } : {}),
                framework: 'nestjs',
                method: httpMethod,
                path: fullPath,
                file: methodFile.path,
                line: position.line,
                column: position.column,
                handler,
                ...middleware,
                middleware: [...nestMiddleware, ...middleware.middleware.map((entry) => ({ ...entry })), ...validated.map((entry) => ({ ...entry }))],
              });
            }
          }
        }
      }
    }
    return routes;
  }

  private describe(reference: EnhancerReference, scope: RouteMiddleware['scope']): RouteMiddleware {
    let byScope = this.described.get(reference.expression);
    if (!byScope) this.described.set(reference.expression, (byScope = new Map()));
    let middleware = byScope.get(scope);
    if (!middleware) byScope.set(scope, (middleware = this.classifier.describe(reference.expression, reference.file, scope)));
    return { ...middleware };
  }

  /** Nest middleware bound to this route with `forRoutes`, minus `exclude`, in registration order. */
  private nestMiddlewareOf(bindings: readonly MiddlewareBinding[], controller: ts.Node, bare: string, fullPath: string, method: HttpMethod): RouteMiddleware[] {
    const applied: RouteMiddleware[] = [];
    for (const binding of bindings) {
      const selected = binding.everyRoute || binding.targets.some((target) => targetSelects(target, controller, bare, fullPath, method));
      if (!selected || binding.exclusions.some((target) => targetSelects(target, controller, bare, fullPath, method))) continue;
      const scope = binding.everyRoute ? 'global' : 'router';
      applied.push(...binding.middleware.map((reference) => this.describe(reference, scope)));
    }
    return applied;
  }

  private pathsOf(file: ScannedSourceFile, expression: ts.Expression): string[] {
    return staticStrings(this.modules, file, expression) ?? [placeholderFor(expression)];
  }

  private versionSegments(bootstrap: Bootstrap | undefined, declared: string[] | 'neutral' | undefined): string[] {
    const versioning = bootstrap?.uriVersioning;
    if (!versioning) return [''];
    const versions = declared ?? versioning.defaultVersion;
    if (!versions || versions === 'neutral' || versions.length === 0) return [''];
    return versions.map((version) => `${versioning.prefix}${version}`);
  }

  private globalPrefix(bootstrap: Bootstrap | undefined, bare: string, method: HttpMethod): string {
    if (!bootstrap?.globalPrefix) return '';
    const excluded = bootstrap.prefixExclusions.some((exclusion) => (!exclusion.method || exclusion.method === method) && exclusion.matches(bare));
    return excluded ? '' : bootstrap.globalPrefix;
  }

  /**
   * The route's enhancers in execution order: guards (global, controller, method), then
   * interceptors, then pipes (parameter pipes last), adjusted by the metadata the guards read.
   */
  private middlewareOf(
    globals: GlobalEnhancers,
    classEffects: DecoratorEffects,
    methodEffects: DecoratorEffects,
    methodFile: ScannedSourceFile,
    method: ts.MethodDeclaration,
  ): Pick<RouteDefinition, 'middleware' | 'declaredPublic'> {
    const describe = (references: readonly EnhancerReference[], scope: RouteMiddleware['scope']) =>
      references.map((reference) => ({ reference, middleware: this.describe(reference, scope) }));
    const guards = [...describe(globals.guards, 'global'), ...describe(classEffects.guards, 'router'), ...describe(methodEffects.guards, 'route')];
    const metadata = mergeMetadata(classEffects.metadata, methodEffects.metadata);
    const skipThrottle = methodEffects.skipThrottle ?? classEffects.skipThrottle ?? false;
    const kept: RouteMiddleware[] = [];
    let publicMark: { mark: MetadataMark; guard: string } | undefined;
    for (const { reference, middleware } of guards) {
      if (skipThrottle && middleware.kind === 'rate-limit') continue;
      const guardClass = guardClassOf(this.modules, reference.file, reference.expression);
      const reads = guardClass ? this.metadataReads.of(guardClass.file, guardClass.node) : new Set<string>();
      const afterFailure = guardClass && metadata.some((mark) => mark.flag && reads.has(mark.key)) ? this.metadataReads.readOnlyAfterFailure(guardClass.file, guardClass.node) : new Set<string>();
      const flag = metadata.find((mark) => mark.flag && reads.has(mark.key) && !afterFailure.has(mark.key));
      if (flag && (middleware.kind === 'auth' || middleware.kind === 'role' || middleware.opaque)) {
        // The guard lets routes carrying this flag through: it does not protect this route.
        publicMark ??= { mark: flag, guard: middleware.name };
        continue;
      }
      const valued = metadata.find((mark) => !mark.flag && reads.has(mark.key));
      // `@AuthorizeContext(Origin.ProjectId, 'data.projectId')` read by a guard that takes the value at
      // that path out of the request and asks an access check with the user: the object is checked.
      const checkedInputs = valued?.fields && guardClass && (middleware.kind === 'auth' || middleware.kind === 'role') ? routeCheckedInputs(guardClass.node, valued) : [];
      if (valued && checkedInputs.length > 0) {
        const where = checkedInputs.map((input) => `${input.part}.${input.path.join('.')}`).join(', ');
        kept.push({
          ...middleware,
          kind: 'auth',
          accessCheckedInputs: checkedInputs,
          evidence: `${middleware.evidence}; checks the caller's access to the object at ${where}, named by ${valued.label} (${valued.file}:${valued.line})`,
        });
        continue;
      }
      const sentinels = valued && guardClass && (middleware.kind === 'auth' || middleware.kind === 'role') ? sentinelPermissions(guardClass, this.modules, valued.values) : undefined;
      if (valued && sentinels?.public) {
        // `@Allow(Permission.Public)` read by a guard that returns true when the list holds it.
        publicMark ??= { mark: valued, guard: middleware.name };
        continue;
      }
      // An opt-in guard (`if (!options) return true`) this route's decorator turns on: the route asks for it.
      const requestedBy = valued && guardClass && (middleware.kind === 'auth' || middleware.kind === 'role') && passesWithoutMetadata(guardClass, this.modules) ? { requestedBy: `${valued.label} (${valued.file}:${valued.line})` } : {};
      if (valued && sentinels?.owner) {
        // `@Allow(Permission.Owner)`: the guard lets any caller through as the owner of what the
        // handler scopes to; no role it names makes the route privileged, the handler's checks decide.
        kept.push({ ...middleware, ...requestedBy, kind: 'auth', admitsAnyCallerAsOwner: `${valued.label} (${valued.file}:${valued.line})`, evidence: `${middleware.evidence}; checks ${valued.label} (${valued.file}:${valued.line}), whose ${sentinels.owner} admits any caller as the owner of what the handler scopes to` });
        continue;
      }
      if (valued && valued.values.length === 0 && (middleware.kind === 'auth' || middleware.kind === 'role')) {
        // `@Authenticated()` read by a guard that signs the caller in: the mark names no role to compare.
        kept.push({ ...middleware, ...requestedBy, kind: 'auth', evidence: `${middleware.evidence}; checks ${valued.label} (${valued.file}:${valued.line}), which names no role or permission` });
        continue;
      }
      // A rate limiter that reads its own decorator (`@Throttle('strict')` picking the limit) is
      // configured by it, not turned into a role check.
      if (valued && middleware.kind !== 'rate-limit') {
        kept.push({ ...middleware, ...requestedBy, kind: 'role', roles: valued.values, evidence: `${middleware.evidence}; checks ${valued.label} (${valued.file}:${valued.line})` });
        continue;
      }
      if (middleware.kind === 'role' && reads.size > 0 && guardClass && lets(guardClass, this.modules)) {
        kept.push({ ...middleware, kind: 'other', evidence: `${middleware.name} checks no roles here: the route carries none of the metadata it reads` });
        continue;
      }
      // An opt-in rate limiter (`if (!tier) return true` on what the Reflector read, a ThrottlerGuard
      // subclass that limits only routes carrying its `@Throttle(...)`): a route without it runs unlimited.
      const unmarked = middleware.kind === 'rate-limit' && reads.size > 0 && guardClass && !metadata.some((mark) => reads.has(mark.key));
      if (unmarked && passesWithoutMetadata(guardClass, this.modules)) {
        kept.push({ ...middleware, kind: 'other', evidence: `${middleware.name} lets this route through unlimited: it limits only routes carrying the metadata it reads, and this one carries none` });
        continue;
      }
      // `if (!throttler && req.session?.user) return true`: without its metadata, only anonymous callers are limited.
      if (unmarked && passesWithoutMetadata(guardClass, this.modules, 'signed-in')) {
        kept.push({ ...middleware, exemptsSignedIn: `${middleware.name} lets signed-in callers through unlimited on routes without the metadata it reads, and this one carries none` });
        continue;
      }
      // An opt-in guard (`if (!options) return true` on what the Reflector read): a route without its
      // decorator (`@Authenticated()`) passes it unchecked.
      if (middleware.kind === 'auth' && reads.size > 0 && guardClass && passesWithoutMetadata(guardClass, this.modules)) {
        kept.push({ ...middleware, kind: 'other', evidence: `${middleware.name} lets this route through: it checks only routes carrying the metadata it reads, and this one carries none` });
        continue;
      }
      kept.push(middleware);
    }
    // `@Allow(...)` of a framework whose global guard lives in its package: that guard checks it.
    const frameworkGuard = frameworkPermissionGuard(metadata);
    if (frameworkGuard?.public) publicMark ??= { mark: frameworkGuard.mark, guard: frameworkGuard.guard };
    else if (frameworkGuard) kept.push(frameworkGuard.middleware);
    // A roles decorator whose key no guard reads by name still names the roles a role guard checks.
    const roleGuard = kept.find((entry) => entry.kind === 'role' && !entry.roles);
    const roleMark = metadata.find((mark) => !mark.flag && /role|permission|scope/i.test(mark.label));
    if (roleGuard && roleMark) roleGuard.roles = roleMark.values;

    const interceptors = [...describe(globals.interceptors, 'global'), ...describe(classEffects.interceptors, 'router'), ...describe(methodEffects.interceptors, 'route')];
    for (const { reference, middleware } of interceptors) {
      // An opt-in interceptor (`if (feature === undefined) return next.handle();` on what the Reflector
      // read) checks the caller only on routes carrying its decorator.
      const interceptorClass = middleware.kind === 'auth' || middleware.kind === 'role' ? guardClassOf(this.modules, reference.file, reference.expression) : undefined;
      const reads = interceptorClass ? this.metadataReads.of(interceptorClass.file, interceptorClass.node) : new Set<string>();
      if (interceptorClass && reads.size > 0 && !metadata.some((mark) => reads.has(mark.key)) && passesWithoutMetadata(interceptorClass, this.modules)) {
        kept.push({ ...middleware, kind: 'other', evidence: `${middleware.name} lets this route through: it checks only routes carrying the metadata it reads, and this one carries none` });
        continue;
      }
      kept.push(middleware);
    }
    kept.push(
      ...describe(globals.pipes, 'global').map((entry) => entry.middleware),
      ...describe(classEffects.pipes, 'router').map((entry) => entry.middleware),
      ...describe(methodEffects.pipes, 'route').map((entry) => entry.middleware),
      ...describe(parameterPipes(this.modules, methodFile, method), 'route').map((entry) => entry.middleware),
    );
    const result: Pick<RouteDefinition, 'middleware' | 'declaredPublic'> = { middleware: kept };
    // Skipping the global guard is public by design only when nothing else might authenticate: an
    // opaque guard or interceptor left on the route is probably what replaces it.
    if (publicMark && !kept.some((entry) => entry.kind === 'auth' || entry.kind === 'role' || entry.opaque)) {
      result.declaredPublic = `${publicMark.mark.label} (${publicMark.mark.file}:${publicMark.mark.line}) honoured by ${publicMark.guard}`;
    }
    return result;
  }
}

/** The inputs a guard checks on this route: the paths the route's metadata gives for the options the guard reads the request by. */
function routeCheckedInputs(guardClass: ts.ClassLikeDeclaration, mark: MetadataMark): CheckedInput[] {
  const found: CheckedInput[] = [];
  for (const read of inputPathReads(guardClass)) {
    for (const path of mark.fields?.[read.option] ?? []) {
      const segments = path.split('.').filter((segment) => segment.length > 0);
      if (segments.length > 0) found.push({ part: read.part, path: segments });
    }
  }
  return found;
}

/** Handler metadata overrides controller metadata with the same key (Reflector.getAllAndOverride). */
function mergeMetadata(classMarks: readonly MetadataMark[], methodMarks: readonly MetadataMark[]): MetadataMark[] {
  const methodKeys = new Set(methodMarks.map((mark) => mark.key));
  return [...methodMarks, ...classMarks.filter((mark) => !methodKeys.has(mark.key))];
}

/**
 * Values of a permission list that name no permission an account is granted but a way in, tested by
 * the guard itself (`permissions.includes(Permission.Public)`, `roles.includes('owner')`): a public
 * value lets every caller through; an owner value lets any caller through as the owner of the records
 * the handler scopes to (Vendure's `@Allow(Permission.Owner)`). Only a value the guard's lifecycle
 * method names counts: the same word in a list the guard compares with the user's roles is a role.
 */
function sentinelPermissions(guardClass: NonNullable<ReturnType<typeof guardClassOf>>, modules: ModuleIndex, values: readonly string[]): { public?: string; owner?: string } | undefined {
  if (values.length === 0) return undefined;
  const method = lifecycleMethodOf(modules, guardClass);
  const body = method?.node.body;
  if (!body) return undefined;
  const sourceFile = method.node.getSourceFile();
  // The names holding what the Reflector read, and the values tested for membership in them.
  const readNames = new Set<string>();
  const named = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && REFLECTOR_READ.test(node.initializer.getText(sourceFile))) readNames.add(node.name.text);
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && MEMBERSHIP_TESTS.has(node.expression.name.text) && node.arguments[0]) {
      const receiver = skipOuterExpressions(node.expression.expression);
      const tested = skipOuterExpressions(node.arguments[0]);
      if (ts.isIdentifier(receiver) && readNames.has(receiver.text)) {
        if (ts.isPropertyAccessExpression(tested)) named.add(tested.name.text.toLowerCase());
        else if (ts.isStringLiteralLike(tested)) named.add(tested.text.toLowerCase());
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  const tested = values.filter((value) => named.has(value.toLowerCase()));
  const publicValue = tested.find((value) => PUBLIC_PERMISSION_VALUES.has(value.toLowerCase()));
  const ownerValue = tested.find((value) => OWNER_PERMISSION_VALUES.has(value.toLowerCase()));
  return publicValue || ownerValue ? { ...(publicValue ? { public: publicValue } : {}), ...(ownerValue ? { owner: ownerValue } : {}) } : undefined;
}

/**
 * The check a framework's own global guard makes for its permission decorator on this route
 * (FRAMEWORK_PERMISSION_DECORATORS): public, any caller as owner, or the permissions it names.
 */
function frameworkPermissionGuard(metadata: readonly MetadataMark[]): { mark: MetadataMark; guard: string; public: boolean; middleware: RouteMiddleware } | undefined {
  for (const mark of metadata) {
    const match = /^framework:(.+)#([^#]+)$/.exec(mark.key);
    const model = match ? FRAMEWORK_PERMISSION_DECORATORS[match[1]!]?.[match[2]!] : undefined;
    if (!match || !model || mark.values.length === 0) continue;
    const isPublic = mark.values.some((value) => model.publicValues.includes(value));
    const owner = mark.values.find((value) => model.ownerValues.includes(value));
    const base = { name: `${mark.label} (${model.guard})`, strength: 'strong' as const, scope: 'route' as const, file: mark.file, line: mark.line };
    const middleware: RouteMiddleware = owner
      ? { ...base, kind: 'auth', admitsAnyCallerAsOwner: `${mark.label} (${mark.file}:${mark.line})`, evidence: `${model.guard}, registered globally by ${match[1]}, checks ${mark.label}, whose ${owner} admits any caller as the owner of what the handler scopes to` }
      : { ...base, kind: 'role', roles: [...mark.values], evidence: `${model.guard}, registered globally by ${match[1]}, checks ${mark.label}` };
    return { mark, guard: `${model.guard} (${match[1]})`, public: isPublic, middleware };
  }
  return undefined;
}

const MEMBERSHIP_TESTS = new Set(['includes', 'indexOf', 'has']);
const REFLECTOR_READ = /\b(?:reflector|Reflect)\b[\w$.?]*\.\s*(?:get|getAll|getAllAndOverride|getAllAndMerge|getMetadata)\s*[<(]/i;

/** True when a role guard lets a route without its metadata through (`if (!roles) return true`). */
function lets(guardClass: NonNullable<ReturnType<typeof guardClassOf>>, modules: ModuleIndex): boolean {
  const method = lifecycleMethodOf(modules, guardClass);
  const body = method?.node.body;
  return body !== undefined && /\breturn\s+true\b/.test(body.getText(method!.node.getSourceFile()));
}

/**
 * True when a guard's canActivate returns true (an interceptor's intercept returns next.handle()) as
 * soon as the metadata it reads is absent:
 * `const options = this.reflector.getAllAndOverride(KEY, targets); if (!options) return true;`.
 * Opt-out guards (`if (isPublic) return true`) test the metadata's presence and are not this.
 */
/** A test that the caller is signed in: `req.session?.user`, `request.user`, `req.isAuthenticated()`. */
const SIGNED_IN_CALLER = /^(?:[\w$]+\s*\??\.\s*)?(?:req|request)\s*\??\.\s*(?:(?:session|auth)\s*\??\.\s*)?(?:user|userId|currentUser)\b[\w$?.]*$|^(?:req|request)\s*\??\.\s*isAuthenticated\s*\(\s*\)$/;

function passesWithoutMetadata(guardClass: NonNullable<ReturnType<typeof guardClassOf>>, modules: ModuleIndex, callers: 'all' | 'signed-in' = 'all'): boolean {
  const method = lifecycleMethodOf(modules, guardClass);
  const body = method?.node.body;
  if (!body) return false;
  const sourceFile = method.node.getSourceFile();
  const readNames = new Set<string>();
  let passes = false;
  const isAbsent = (condition: ts.Expression): boolean => {
    const value = skipOuterExpressions(condition);
    if (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.ExclamationToken) {
      const operand = skipOuterExpressions(value.operand);
      return (ts.isIdentifier(operand) && readNames.has(operand.text)) || REFLECTOR_READ.test(operand.getText(sourceFile));
    }
    if (ts.isBinaryExpression(value) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken].includes(value.operatorToken.kind)) {
      const left = skipOuterExpressions(value.left);
      const right = skipOuterExpressions(value.right);
      const empty = (node: ts.Expression) => node.kind === ts.SyntaxKind.UndefinedKeyword || node.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(node) && node.text === 'undefined');
      const read = (node: ts.Expression) => ts.isIdentifier(node) && readNames.has(node.text);
      return (read(left) && empty(right)) || (read(right) && empty(left));
    }
    return false;
  };
  // A guard passes with `return true`; an interceptor with `return next.handle()` (the route runs unchecked).
  const returnsTrue = (statement: ts.Statement): boolean => {
    const only = ts.isBlock(statement) && statement.statements.length === 1 ? statement.statements[0]! : statement;
    if (!ts.isReturnStatement(only) || only.expression === undefined) return false;
    const returned = skipOuterExpressions(only.expression);
    if (returned.kind === ts.SyntaxKind.TrueKeyword) return true;
    return ts.isCallExpression(returned) && returned.arguments.length === 0 && ts.isPropertyAccessExpression(returned.expression) && returned.expression.name.text === 'handle';
  };
  // `const options = getAuthenticatedOptions(this.reflector, handler)`: a helper reads it for the guard.
  const readsMetadata = (declaration: ts.VariableDeclaration, initializer: ts.Expression) =>
    REFLECTOR_READ.test(initializer.getText(sourceFile)) || metadataReadingHelpers(modules, method.file, declaration).length > 0;
  const visit = (node: ts.Node): void => {
    if (passes || (node !== body && ts.isFunctionLike(node))) return;
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && readsMetadata(node, node.initializer)) readNames.add(node.name.text);
    if (ts.isIfStatement(node) && returnsTrue(node.thenStatement)) {
      const condition = skipOuterExpressions(node.expression);
      if (callers === 'all' && isAbsent(condition)) passes = true;
      // `!throttler && req.session?.user`: absent, and the caller signed in (either order).
      else if (callers === 'signed-in' && ts.isBinaryExpression(condition) && condition.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) {
        const [left, right] = [skipOuterExpressions(condition.left), skipOuterExpressions(condition.right)];
        if ((isAbsent(left) && SIGNED_IN_CALLER.test(right.getText(sourceFile))) || (isAbsent(right) && SIGNED_IN_CALLER.test(left.getText(sourceFile)))) passes = true;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return passes;
}

/**
 * Parameters decorated by a project decorator that returns one of Nest's input decorators:
 * `export function UUIDParam(property, ...pipes) { return Param(property, new ParseUUIDPipe(), ...pipes); }`
 * used as `@UUIDParam('id') id`. The key and pipes are read through the wrapper's parameters.
 */
function parameterInputs(modules: ModuleIndex, file: ScannedSourceFile, method: ts.MethodDeclaration): ParameterInput[] {
  const inputs: ParameterInput[] = [];
  method.parameters.forEach((parameter, index) => {
    for (const decorator of ts.getDecorators(parameter) ?? []) {
      const project = projectDecoratorFactory(modules, file, decorator);
      if (!project) continue;
      const { call, binding, factory } = project;
      // `export const UserSession = createParamDecorator((data, ctx) => ctx.switchToHttp().getRequest().user)`:
      // whatever its name, a decorator that hands the handler the request's user injects the principal.
      const principal = factory && ts.isExpression(factory) ? requestUserDecorator(modules, binding.file, factory) : undefined;
      if (principal) {
        inputs.push({ index, via: call.expression.text, decorator: 'createParamDecorator', principal, pipes: [] });
        break;
      }
      if (!factory || !(ts.isFunctionDeclaration(factory) || ts.isArrowFunction(factory) || ts.isFunctionExpression(factory))) continue;
      const returned = returnedCall(factory);
      if (!returned || !ts.isIdentifier(returned.expression)) continue;
      const origin = modules.resolveName(binding.file, returned.expression.text);
      if (origin?.kind !== 'external' || !INPUT_DECORATORS[origin.module]?.has(origin.importedName)) continue;
      // What each of the wrapper's parameters was given at this use: `property` -> 'id', `...pipes` -> the rest.
      const passed = new Map<string, ts.Expression[]>();
      factory.parameters.forEach((declared, position) => {
        if (!ts.isIdentifier(declared.name)) return;
        passed.set(declared.name.text, declared.dotDotDotToken ? call.arguments.slice(position) : call.arguments[position] ? [call.arguments[position]!] : []);
      });
      const actual = (expression: ts.Expression): ts.Expression[] => {
        const value = skipOuterExpressions(ts.isSpreadElement(expression) ? expression.expression : expression);
        return ts.isIdentifier(value) && passed.has(value.text) ? passed.get(value.text)! : [value];
      };
      const [first, ...rest] = returned.arguments.flatMap(actual);
      const keyed = first && ts.isStringLiteralLike(first) ? first.text : undefined;
      const pipes = (keyed === undefined && first ? [first, ...rest] : rest).map(pipeClassName).filter((name): name is string => name !== undefined);
      inputs.push({ index, via: call.expression.text, decorator: origin.importedName, ...(keyed !== undefined ? { key: keyed } : {}), pipes });
      break;
    }
  });
  return inputs;
}

/**
 * What a `createParamDecorator(factory)` hands the handler when it is the request's signed-in user:
 * the factory returns `req.user` (or a member of it) of the request it took from the context.
 */
function requestUserDecorator(modules: ModuleIndex, file: ScannedSourceFile, value: ts.Expression): string | undefined {
  const call = skipOuterExpressions(value);
  if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression) || !call.arguments[0]) return undefined;
  const origin = modules.resolveName(file, call.expression.text);
  if (origin?.kind !== 'external' || origin.module !== '@nestjs/common' || origin.importedName !== 'createParamDecorator') return undefined;
  const factory = skipOuterExpressions(call.arguments[0]);
  if (!ts.isArrowFunction(factory) && !ts.isFunctionExpression(factory)) return undefined;
  const sourceFile = factory.getSourceFile();
  if (!/\.\s*(?:getRequest|getArgs|getContext)\s*\(/.test(factory.body.getText(sourceFile))) return undefined;
  const returned = returnedExpressions(factory.body);
  const REQUEST_USER = /^[\w$]+(?:\s*\.\s*(?:switchToHttp\(\)\s*\.\s*getRequest\(\)|getRequest\(\)))?\s*\??\.\s*user\b/;
  const user = returned.map((expression) => skipOuterExpressions(expression).getText(sourceFile)).find((text) => REQUEST_USER.test(text));
  return user;
}

/** The call a decorator factory returns: `return Param(property, pipe)`, `() => Query(key)`. */
/** `ParseUUIDPipe`, `new ParseUUIDPipe({ version: '4' })`: the pipe's class name. */
function pipeClassName(expression: ts.Expression): string | undefined {
  const value = skipOuterExpressions(expression);
  const target = ts.isNewExpression(value) ? value.expression : value;
  return ts.isIdentifier(target) ? target.text : undefined;
}

/** Pipes given to parameter decorators: `@Param('id', ParseIntPipe)`, `@Body(new ValidationPipe({ whitelist: true }))`. */
function parameterPipes(modules: ModuleIndex, file: ScannedSourceFile, method: ts.MethodDeclaration): EnhancerReference[] {
  const pipes: EnhancerReference[] = [];
  for (const parameter of method.parameters) {
    for (const decorator of ts.getDecorators(parameter) ?? []) {
      if (!ts.isCallExpression(decorator.expression) || decorator.expression.arguments.length === 0) continue;
      const origin = decoratorOrigin(modules, file, decorator);
      if (origin?.module !== '@nestjs/common' || !PIPED_PARAMETERS.has(origin.name)) continue;
      for (const argument of decorator.expression.arguments) {
        const value = skipOuterExpressions(argument);
        if (ts.isStringLiteralLike(value) || ts.isObjectLiteralExpression(value)) continue;
        if (ts.isIdentifier(value) && isPlainValue(modules, file, value)) continue;
        pipes.push({ expression: argument, file });
      }
    }
  }
  return pipes;
}

/** A constant used as a property name (`@Param(ID_PARAM)`), not a pipe class. */
function isPlainValue(modules: ModuleIndex, file: ScannedSourceFile, identifier: ts.Identifier): boolean {
  const binding = modules.resolveName(file, identifier.text);
  const target = bindingValue(binding);
  return binding?.kind === 'declaration' && target !== undefined && ts.isVariableDeclaration(binding.node) && ts.isExpression(target) && ts.isStringLiteralLike(target);
}

/** `@Query(() => Order, { name: 'order' })`, `@ResolveField('invoices')`: the name the schema gives the field. */
function operationName(args: readonly ts.Expression[], operation: Operation): string | undefined {
  const named = nameOption({ arguments: args });
  if (named) return named;
  for (const argument of args) {
    const value = skipOuterExpressions(argument);
    // Only a field resolver takes its name as a string first argument (`@Query('x')` names a schema-first field too).
    if (ts.isStringLiteralLike(value) && (operation === 'FIELD' || argument === args[0])) return value.text;
  }
  return undefined;
}

/** A ValidationPipe the route runs (app-wide `useGlobalPipes(new ValidationPipe())`, `@UsePipes(...)`): it validates class-typed inputs. */
function isValidationPipe(step: RouteMiddleware): boolean {
  return step.kind === 'validation' && /\bValidationPipe\b/.test(step.name);
}

/** Nest input decorators whose class-typed parameter a ValidationPipe checks with class-validator, and the part each holds. */
const VALIDATED_INPUTS: Readonly<Record<string, 'body' | 'query' | 'params'>> = { Body: 'body', Query: 'query', Param: 'params' };

