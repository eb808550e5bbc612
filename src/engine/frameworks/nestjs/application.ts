import path from 'node:path';
import { ts } from '#typescript';
import { nodesOfKind } from '../../ast/file-index.js';
import type { ScannedSourceFile } from '../../../types.js';
import { bindingValue, localBinding, type ModuleIndex } from '../../names/index.js';
import { FASTIFY_HOOK_PLUGINS } from '../../../models/middleware.js';
import { propertyValue, skipOuterExpressions } from '../../ast/syntax.js';
import { isNestDecorator, readVersions, type EnhancerReference } from './decorators.js';
import { arrayElements, pathPatternMatcher, staticStrings } from './values.js';
import { joinRoutePath } from '../../routes/route-path.js';

/** A `setGlobalPrefix` exclusion: a path pattern, optionally for one method only. */
export interface PrefixExclusion {
  matches: (routePath: string) => boolean;
  method?: string;
}

/** What one `main.ts` configures for the whole app: prefix, versioning, global guards, pipes and interceptors. */
export interface Bootstrap {
  /** The folder the app's code lives in (`apps/api` for `apps/api/src/main.ts`); '' for the scan root. */
  root: string;
  globalPrefix?: string;
  prefixExclusions: PrefixExclusion[];
  /** Set when URI versioning is enabled: the segment prefix ('v' unless configured) and default version. */
  uriVersioning?: { prefix: string; defaultVersion?: string[] | 'neutral' };
  guards: EnhancerReference[];
  interceptors: EnhancerReference[];
  pipes: EnhancerReference[];
  /**
   * Middleware of the HTTP platform under the app, which runs before any Nest guard:
   * `app.use(rateLimit(...))` (Express) and `app.register(fastifyRateLimit, { global: true })` (Fastify).
   */
  platformMiddleware: EnhancerReference[];
  /** How many app-wide settings it makes: a seed script's bare NestFactory.create loses to the real main.ts. */
  settings: number;
}

/** Guards, interceptors and pipes registered app-wide as providers (`{ provide: APP_GUARD, useClass: JwtAuthGuard }`). */
export interface GlobalProviders {
  guards: EnhancerReference[];
  interceptors: EnhancerReference[];
  pipes: EnhancerReference[];
}

/** Which routes a `consumer.apply(...).forRoutes(...)` target selects: a controller class, or a path (and method). */
export interface MiddlewareTarget {
  controller?: ts.Node;
  matches?: (routePath: string) => boolean;
  method?: string;
}

/** A `consumer.apply(A, B).exclude(...).forRoutes(...)` chain in a module's `configure`. */
export interface MiddlewareBinding {
  middleware: EnhancerReference[];
  targets: MiddlewareTarget[];
  exclusions: MiddlewareTarget[];
  /** `forRoutes('*')`: every route of the app. */
  everyRoute: boolean;
}

/** What the modules say about routing: RouterModule prefixes per controller class, app-wide providers, Nest middleware. */
export interface ModuleFacts {
  /** Controller class -> the RouterModule path of the module that declares it. */
  controllerPrefixes: Map<ts.Node, string>;
  providers: GlobalProviders;
  middleware: MiddlewareBinding[];
  /**
   * The root modules (`NestFactory.create(ApiModule)`) whose module tree holds each controller class
   * and each APP_* provider, when read: an APP_GUARD counts for the routes of the app it is part of.
   */
  applications: ApplicationTrees;
}

/** Which apps (by root module) a controller or an APP_* provider belongs to, over the `imports` graph. */
export interface ApplicationTrees {
  ofController(controller: ts.Node): ReadonlySet<ts.Node>;
  ofProvider(reference: EnhancerReference): ReadonlySet<ts.Node>;
}

const BOOTSTRAP_CALLS = new Set(['setGlobalPrefix', 'enableVersioning', 'useGlobalGuards', 'useGlobalPipes', 'useGlobalInterceptors']);
const MODULE_DECORATOR = new Set(['Module']);

/** Reads every file that configures a Nest application (`app.setGlobalPrefix`, `app.useGlobalGuards`, ...). */
export function readBootstraps(modules: ModuleIndex, sourceFiles: readonly ScannedSourceFile[]): Bootstrap[] {
  const bootstraps: Bootstrap[] = [];
  for (const file of sourceFiles) {
    if (!file.text.includes('NestFactory') && ![...BOOTSTRAP_CALLS].some((call) => file.text.includes(call))) continue;
    const bootstrap: Bootstrap = { root: applicationRoot(file.path), prefixExclusions: [], guards: [], interceptors: [], pipes: [], platformMiddleware: [], settings: 0 };
    let configures = /NestFactory\s*\.\s*create\s*[<(]/.test(file.text);
    const calls = nodesOfKind(file.sourceFile, ts.SyntaxKind.CallExpression) as ts.CallExpression[];
    for (const node of calls) {
      if (ts.isPropertyAccessExpression(node.expression) && BOOTSTRAP_CALLS.has(node.expression.name.text)) {
        configures = true;
        bootstrap.settings += 1;
        readBootstrapCall(modules, file, node.expression.name.text, node, bootstrap);
      }
    }
    if (!configures) continue;
    for (const node of calls) {
      const middleware = platformMiddlewareOf(modules, file, node);
      if (middleware.length === 0) continue;
      bootstrap.settings += 1;
      bootstrap.platformMiddleware.push(...middleware);
    }
    bootstraps.push(bootstrap);
  }
  return bootstraps;
}

/** The types a Nest application is declared with when it is handed to a set-up function (`setupApp(app: NestFastifyApplication)`). */
const NEST_APPLICATION_TYPE = /^(?:INestApplication|NestExpressApplication|NestFastifyApplication)\b/;

/**
 * `app.use(mw)` and `app.register(plugin, options)` on the Nest app of a bootstrap file: the app is
 * a variable made by `NestFactory.create`, a parameter typed as a Nest application, or the object the
 * file calls `setGlobalPrefix`/`useGlobalGuards`/... on. `app.use('/path', mw)` (one path only) is left out;
 * `register` counts only for plugins that hook every route (models/middleware.ts FASTIFY_HOOK_PLUGINS).
 */
function platformMiddlewareOf(modules: ModuleIndex, file: ScannedSourceFile, call: ts.CallExpression): EnhancerReference[] {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression)) return [];
  const method = callee.name.text;
  if (method !== 'use' && method !== 'register') return [];
  if (!isNestApplication(callee.expression, file)) return [];
  if (method === 'use') {
    const first = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
    if (!first || isMountPath(modules, file, first)) return [];
    return call.arguments.map((expression) => ({ expression, file }));
  }
  const [plugin, options] = call.arguments;
  const pluginValue = plugin && skipOuterExpressions(plugin);
  if (!pluginValue || !ts.isIdentifier(pluginValue)) return [];
  const binding = modules.resolveName(file, pluginValue.text);
  const hooks = binding?.kind === 'external' ? FASTIFY_HOOK_PLUGINS[binding.module] : undefined;
  if (!hooks) return [];
  const optionsValue = options && skipOuterExpressions(options);
  if (optionsValue && ts.isObjectLiteralExpression(optionsValue) && propertyValue(optionsValue, hooks.offSwitch)?.kind === ts.SyntaxKind.FalseKeyword) return [];
  return [{ expression: plugin!, file }];
}

/**
 * Whether `app.use`'s first argument is where to mount rather than a middleware: a path, a
 * template, a regular expression, or a list of them written in place or held in a constant
 * (`const extendedBodySizeRoutes = ['/v1/events', ...]; app.use(extendedBodySizeRoutes, bodyParser.json())`).
 */
function isMountPath(modules: ModuleIndex, file: ScannedSourceFile, first: ts.Expression): boolean {
  if (ts.isStringLiteralLike(first) || ts.isTemplateExpression(first) || ts.isRegularExpressionLiteral(first)) return true;
  if (staticStrings(modules, file, first) !== undefined) return true;
  const elements = arrayElements(modules, file, first);
  return elements.length > 0 && elements.every(({ element }) => ts.isRegularExpressionLiteral(skipOuterExpressions(element)) || staticStrings(modules, file, element) !== undefined);
}

/** Whether a name is the file's Nest application (see platformMiddlewareOf). */
function isNestApplication(name: ts.Identifier, file: ScannedSourceFile): boolean {
  const declaration = localBinding(name);
  if (!declaration) return false;
  if (ts.isParameter(declaration)) {
    if (declaration.type && NEST_APPLICATION_TYPE.test(declaration.type.getText(file.sourceFile))) return true;
  } else if (declaration.initializer && /NestFactory\s*\.\s*create\b/.test(declaration.initializer.getText(file.sourceFile))) {
    return true;
  }
  // Untyped: the same binding receives the app-wide settings in this file.
  return (nodesOfKind(file.sourceFile, ts.SyntaxKind.CallExpression) as ts.CallExpression[]).some(
    (other) => ts.isPropertyAccessExpression(other.expression) && BOOTSTRAP_CALLS.has(other.expression.name.text) && ts.isIdentifier(other.expression.expression) && localBinding(other.expression.expression) === declaration,
  );
}

function readBootstrapCall(modules: ModuleIndex, file: ScannedSourceFile, method: string, call: ts.CallExpression, bootstrap: Bootstrap): void {
  const args = call.arguments;
  const references = args.map((expression) => ({ expression, file }));
  if (method === 'useGlobalGuards') bootstrap.guards.push(...references);
  else if (method === 'useGlobalInterceptors') bootstrap.interceptors.push(...references);
  else if (method === 'useGlobalPipes') bootstrap.pipes.push(...references);
  else if (method === 'setGlobalPrefix' && args[0]) {
    const prefix = staticStrings(modules, file, args[0]);
    // An unreadable prefix (from a config service) is shown as a placeholder rather than silently dropped.
    bootstrap.globalPrefix = prefix?.length === 1 ? prefix[0]! : placeholderFor(args[0]);
    const options = args[1] && skipOuterExpressions(args[1]);
    const exclude = options && ts.isObjectLiteralExpression(options) ? propertyValue(options, 'exclude') : undefined;
    for (const { element, file: elementFile } of arrayElements(modules, file, exclude)) {
      bootstrap.prefixExclusions.push(...readExclusion(modules, elementFile, element));
    }
  } else if (method === 'enableVersioning') {
    const options = args[0] && skipOuterExpressions(args[0]);
    const object = options && ts.isObjectLiteralExpression(options) ? options : undefined;
    const type = object && propertyValue(object, 'type');
    // enableVersioning() without options defaults to URI versioning.
    if (type && !/URI\b/.test(type.getText())) return;
    const prefixExpression = object && propertyValue(object, 'prefix');
    const prefix = prefixExpression?.kind === ts.SyntaxKind.FalseKeyword ? '' : (prefixExpression && staticStrings(modules, file, prefixExpression)?.[0]) ?? 'v';
    const defaultExpression = object && propertyValue(object, 'defaultVersion');
    const defaultVersion = defaultExpression && readVersions(modules, file, defaultExpression);
    bootstrap.uriVersioning = { prefix, ...(defaultVersion ? { defaultVersion } : {}) };
  }
}

function readExclusion(modules: ModuleIndex, file: ScannedSourceFile, element: ts.Expression): PrefixExclusion[] {
  const value = skipOuterExpressions(element);
  if (ts.isObjectLiteralExpression(value)) {
    const pathExpression = propertyValue(value, 'path');
    const methodExpression = propertyValue(value, 'method');
    const method = methodExpression && ts.isPropertyAccessExpression(methodExpression) ? methodExpression.name.text : undefined;
    const paths = pathExpression ? staticStrings(modules, file, pathExpression) ?? [] : [];
    return paths.map((pattern) => ({ matches: pathPatternMatcher(pattern), ...(method && method !== 'ALL' ? { method } : {}) }));
  }
  return (staticStrings(modules, file, value) ?? []).map((pattern) => ({ matches: pathPatternMatcher(pattern) }));
}

/**
 * A readable stand-in for a value known only at runtime: `configService.get('app.apiPrefix')` ->
 * `{apiPrefix}`, `process.env.API_PREFIX` -> `{API_PREFIX}`.
 */
export function placeholderFor(expression: ts.Expression): string {
  const value = skipOuterExpressions(expression);
  if (ts.isCallExpression(value) && value.arguments[0] && ts.isStringLiteralLike(value.arguments[0])) {
    return `{${value.arguments[0].text.split(/[.:/]/).filter(Boolean).pop() ?? 'prefix'}}`;
  }
  if (ts.isIdentifier(value)) return `{${value.text}}`;
  if (ts.isPropertyAccessExpression(value)) return `{${value.name.text}}`;
  return '{prefix}';
}

/** `apps/api/src/main.ts` -> `apps/api`: the app's code is everything beside its `src`. */
function applicationRoot(filePath: string): string {
  const directory = path.posix.dirname(filePath);
  const parts = directory === '.' ? [] : directory.split('/');
  const source = parts.lastIndexOf('src');
  return (source === -1 ? parts : parts.slice(0, source)).join('/');
}

/** The bootstrap whose folder holds `filePath` (the deepest one), or the only one there is. */
export function bootstrapFor(bootstraps: readonly Bootstrap[], filePath: string): Bootstrap | undefined {
  let best: Bootstrap | undefined;
  for (const bootstrap of bootstraps) {
    const inside = bootstrap.root === '' || filePath.startsWith(`${bootstrap.root}/`);
    if (inside && (!best || bootstrap.root.length > best.root.length || (bootstrap.root.length === best.root.length && bootstrap.settings > best.settings))) best = bootstrap;
  }
  if (best) return best;
  const configured = bootstraps.filter((bootstrap) => bootstrap.settings > 0);
  return configured.length === 1 ? configured[0] : undefined;
}

/** Reads every `@Module({...})`: which controllers it declares, RouterModule trees, APP_GUARD/APP_PIPE/APP_INTERCEPTOR providers. */
export function readModules(modules: ModuleIndex, sourceFiles: readonly ScannedSourceFile[]): ModuleFacts {
  const controllersOfModule = new Map<ts.Node, ts.Node[]>();
  const routerTrees: Array<{ element: ts.Expression; file: ScannedSourceFile }> = [];
  const providers: GlobalProviders = { guards: [], interceptors: [], pipes: [] };
  const middleware: MiddlewareBinding[] = [];
  const importsOfModule = new Map<ts.Node, ts.Node[]>();
  const providerModules = new Map<EnhancerReference, ts.Node[]>();
  for (const file of sourceFiles) {
    if (!file.text.includes('@Module')) continue;
    for (const statement of file.sourceFile.statements) {
      if (!ts.isClassDeclaration(statement)) continue;
      if (file.text.includes('forRoutes')) middleware.push(...readMiddlewareBindings(modules, file, statement));
      const decorator = ts.getDecorators(statement)?.find((candidate) => isNestDecorator(modules, file, candidate, MODULE_DECORATOR));
      const written = decorator && ts.isCallExpression(decorator.expression) ? decorator.expression.arguments[0] : undefined;
      // `@Module(globalModules)` where `const globalModules = { imports, providers: [...] }`: the named object.
      const named = written ? moduleMetadataObject(modules, file, written) : undefined;
      if (!named) continue;
      const { metadata, file: metadataFile } = named;
      const controllers = arrayElements(modules, metadataFile, propertyValue(metadata, 'controllers'))
        .map(({ element, file: elementFile }) => classDeclarationOf(modules, elementFile, element))
        .filter((node): node is ts.ClassDeclaration => node !== undefined);
      controllersOfModule.set(statement, controllers);
      const imported: ts.Node[] = [];
      importsOfModule.set(statement, imported);
      for (const { element, file: elementFile } of arrayElements(modules, metadataFile, propertyValue(metadata, 'imports'))) {
        const value = skipOuterExpressions(element);
        // `UsersModule`, `forwardRef(() => UsersModule)`, `ConfigModule.forRoot(...)`: the module class.
        const callee = ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) ? value.expression.expression : undefined;
        const importedModule = classDeclarationOf(modules, elementFile, callee ?? value);
        if (importedModule) imported.push(importedModule);
        if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && /^(?:register|forRoutes)$/.test(value.expression.name.text) && value.expression.expression.getText() === 'RouterModule' && value.arguments[0]) {
          routerTrees.push(...arrayElements(modules, elementFile, value.arguments[0]));
        }
      }
      for (const { element, file: elementFile } of arrayElements(modules, metadataFile, propertyValue(metadata, 'providers'))) {
        const reference = readGlobalProvider(elementFile, element, providers);
        if (reference) providerModules.set(reference, [...(providerModules.get(reference) ?? []), statement]);
      }
    }
  }
  const applications = applicationTrees(readRootModules(modules, sourceFiles), importsOfModule, controllersOfModule, providerModules);
  const modulePrefixes = new Map<ts.Node, string>();
  for (const { element, file } of routerTrees) collectRouterPrefixes(modules, file, element, '', modulePrefixes);
  const controllerPrefixes = new Map<ts.Node, string>();
  for (const [moduleNode, prefix] of modulePrefixes) {
    for (const controller of controllersOfModule.get(moduleNode) ?? []) controllerPrefixes.set(controller, prefix);
  }
  return { controllerPrefixes, providers, middleware, applications };
}

const NO_APPLICATIONS: ReadonlySet<ts.Node> = new Set();

/**
 * The root module of every app the code starts: `NestFactory.create(ApiModule)`,
 * `NestFactory.createMicroservice(WorkerModule, ...)`, `createApplicationContext(CliModule)`.
 */
function readRootModules(modules: ModuleIndex, sourceFiles: readonly ScannedSourceFile[]): ts.Node[] {
  const roots: ts.Node[] = [];
  for (const file of sourceFiles) {
    if (!file.text.includes('NestFactory')) continue;
    for (const call of nodesOfKind(file.sourceFile, ts.SyntaxKind.CallExpression) as ts.CallExpression[]) {
      const callee = call.expression;
      if (!ts.isPropertyAccessExpression(callee) || !/^create(?:Microservice|ApplicationContext)?$/.test(callee.name.text) || callee.expression.getText(file.sourceFile) !== 'NestFactory' || !call.arguments[0]) continue;
      const root = classDeclarationOf(modules, file, call.arguments[0]);
      if (root && !roots.includes(root)) roots.push(root);
    }
  }
  return roots;
}

/**
 * Each root module's tree over `imports`, and from it the apps a controller's module or an APP_*
 * provider's module is part of. Nest registers an APP_GUARD for every route of the app whose tree
 * declares it, and for no other app: an api server and a maintenance server built from two root
 * modules in one folder each have their own guard.
 */
function applicationTrees(roots: readonly ts.Node[], importsOfModule: ReadonlyMap<ts.Node, ts.Node[]>, controllersOfModule: ReadonlyMap<ts.Node, ts.Node[]>, providerModules: ReadonlyMap<EnhancerReference, ts.Node[]>): ApplicationTrees {
  const appsOfModule = new Map<ts.Node, Set<ts.Node>>();
  for (const root of roots) {
    const pending = [root];
    const seen = new Set<ts.Node>();
    while (pending.length > 0) {
      const current = pending.pop()!;
      if (seen.has(current)) continue;
      seen.add(current);
      let apps = appsOfModule.get(current);
      if (!apps) appsOfModule.set(current, (apps = new Set()));
      apps.add(root);
      pending.push(...(importsOfModule.get(current) ?? []));
    }
  }
  const appsOfController = new Map<ts.Node, Set<ts.Node>>();
  for (const [moduleNode, controllers] of controllersOfModule) {
    for (const controller of controllers) {
      for (const app of appsOfModule.get(moduleNode) ?? []) {
        let apps = appsOfController.get(controller);
        if (!apps) appsOfController.set(controller, (apps = new Set()));
        apps.add(app);
      }
    }
  }
  return {
    ofController: (controller) => appsOfController.get(controller) ?? NO_APPLICATIONS,
    ofProvider: (reference) => new Set((providerModules.get(reference) ?? []).flatMap((moduleNode) => [...(appsOfModule.get(moduleNode) ?? [])])),
  };
}

/** A module's metadata object: written in the decorator, or a constant it names (in this file or imported). */
function moduleMetadataObject(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression): { metadata: ts.ObjectLiteralExpression; file: ScannedSourceFile } | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isObjectLiteralExpression(value)) return { metadata: value, file };
  if (!ts.isIdentifier(value)) return undefined;
  const binding = modules.resolveName(file, value.text);
  if (binding?.kind !== 'declaration' || !ts.isVariableDeclaration(binding.node) || !binding.node.initializer) return undefined;
  const initializer = skipOuterExpressions(binding.node.initializer);
  return ts.isObjectLiteralExpression(initializer) ? { metadata: initializer, file: binding.file } : undefined;
}

/** The `consumer.apply(...)...forRoutes(...)` chains of a module class's `configure(consumer)`. */
function readMiddlewareBindings(modules: ModuleIndex, file: ScannedSourceFile, moduleClass: ts.ClassDeclaration): MiddlewareBinding[] {
  const bindings: MiddlewareBinding[] = [];
  const configure = moduleClass.members.find((member) => ts.isMethodDeclaration(member) && member.name.getText() === 'configure');
  if (!configure) return bindings;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'forRoutes') {
      const binding: MiddlewareBinding = { middleware: [], targets: [], exclusions: [], everyRoute: false };
      for (const target of node.arguments) readMiddlewareTarget(modules, file, target, binding.targets, binding);
      // Walk the chain back: .exclude(...) and .apply(...) calls before forRoutes.
      for (let link: ts.Expression = node.expression.expression; ts.isCallExpression(link) && ts.isPropertyAccessExpression(link.expression); link = link.expression.expression) {
        const name = link.expression.name.text;
        if (name === 'apply') binding.middleware.push(...link.arguments.map((expression) => ({ expression, file })));
        else if (name === 'exclude') for (const target of link.arguments) readMiddlewareTarget(modules, file, target, binding.exclusions);
      }
      if (binding.middleware.length > 0) bindings.push(binding);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(configure);
  return bindings;
}

function readMiddlewareTarget(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression, targets: MiddlewareTarget[], binding?: MiddlewareBinding, depth = 0): void {
  const value = skipOuterExpressions(expression);
  // `forRoutes(...authenticatedControllers)`, `forRoutes([A, B])`: a list of targets, also a named constant one.
  if (ts.isSpreadElement(value)) return readMiddlewareTarget(modules, file, value.expression, targets, binding, depth + 1);
  if (ts.isArrayLiteralExpression(value)) {
    for (const element of value.elements) readMiddlewareTarget(modules, file, element, targets, binding, depth + 1);
    return;
  }
  if (ts.isIdentifier(value) && depth < 4) {
    const bound = modules.resolveName(file, value.text);
    const initializer = bound?.kind === 'declaration' && ts.isVariableDeclaration(bound.node) && bound.node.initializer ? skipOuterExpressions(bound.node.initializer) : undefined;
    if (initializer && ts.isArrayLiteralExpression(initializer)) return readMiddlewareTarget(modules, bound?.kind === "declaration" ? bound.file : file, initializer, targets, binding, depth + 1);
  }
  if (ts.isObjectLiteralExpression(value)) {
    const pathExpression = propertyValue(value, 'path');
    const methodExpression = propertyValue(value, 'method');
    const method = methodExpression && ts.isPropertyAccessExpression(methodExpression) && methodExpression.name.text !== 'ALL' ? methodExpression.name.text : undefined;
    for (const pattern of (pathExpression && staticStrings(modules, file, pathExpression)) ?? []) {
      targets.push({ matches: pathPatternMatcher(pattern), ...(method ? { method } : {}) });
    }
    return;
  }
  const strings = staticStrings(modules, file, value);
  if (strings) {
    for (const pattern of strings) {
      if (binding && /^\/?(?:\*|\(\.\*\)|\{\*\w*\}|\*\w+)$/.test(pattern)) binding.everyRoute = true;
      else targets.push({ matches: pathPatternMatcher(pattern) });
    }
    return;
  }
  const controller = classDeclarationOf(modules, file, value);
  if (controller) targets.push({ controller });
}

/** Whether a `forRoutes`/`exclude` target selects a route of `controller` at `bare` path (without global prefix and version). */
export function targetSelects(target: MiddlewareTarget, controller: ts.Node, bare: string, fullPath: string, method: string): boolean {
  if (target.controller) return target.controller === controller;
  if (target.method && target.method !== method) return false;
  return target.matches !== undefined && (target.matches(bare) || target.matches(fullPath));
}

/** `{ path: 'admin', module: AdminModule, children: [{ path: 'users', module: UsersModule }, BillingModule] }`. */
function collectRouterPrefixes(modules: ModuleIndex, file: ScannedSourceFile, element: ts.Expression, parent: string, prefixes: Map<ts.Node, string>): void {
  const value = skipOuterExpressions(element);
  if (!ts.isObjectLiteralExpression(value)) {
    // A bare module among children takes its parent's path.
    const moduleNode = classDeclarationOf(modules, file, value);
    if (moduleNode) prefixes.set(moduleNode, parent);
    return;
  }
  const pathExpression = propertyValue(value, 'path');
  const own = pathExpression ? staticStrings(modules, file, pathExpression)?.[0] ?? placeholderFor(pathExpression) : '';
  const prefix = joinRoutePath(parent, own);
  const moduleExpression = propertyValue(value, 'module');
  const moduleNode = moduleExpression && classDeclarationOf(modules, file, moduleExpression);
  if (moduleNode) prefixes.set(moduleNode, prefix);
  for (const child of arrayElements(modules, file, propertyValue(value, 'children'))) collectRouterPrefixes(modules, child.file, child.element, prefix, prefixes);
}

function readGlobalProvider(file: ScannedSourceFile, element: ts.Expression, providers: GlobalProviders): EnhancerReference | undefined {
  const value = skipOuterExpressions(element);
  if (!ts.isObjectLiteralExpression(value)) return undefined;
  const provide = propertyValue(value, 'provide');
  if (!provide) return undefined;
  const token = skipOuterExpressions(provide).getText().replace(/^.*\./, '');
  const list = token === 'APP_GUARD' ? providers.guards : token === 'APP_INTERCEPTOR' ? providers.interceptors : token === 'APP_PIPE' ? providers.pipes : undefined;
  if (!list) return undefined;
  const implementation = propertyValue(value, 'useClass') ?? propertyValue(value, 'useExisting') ?? propertyValue(value, 'useValue') ?? propertyValue(value, 'useFactory');
  if (!implementation) return undefined;
  // One provider object spread into two modules' lists (`...commonMiddleware`) is one reference, in both modules.
  const known = list.find((reference) => reference.expression === implementation);
  if (known) return known;
  const reference = { expression: implementation, file };
  list.push(reference);
  return reference;
}

/** The class declaration a name refers to, across files; `forwardRef(() => X)` included. */
export function classDeclarationOf(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression): ts.ClassDeclaration | undefined {
  let value = skipOuterExpressions(expression);
  if (ts.isCallExpression(value) && value.arguments[0] && ts.isArrowFunction(value.arguments[0]) && !ts.isBlock(value.arguments[0].body)) {
    value = skipOuterExpressions(value.arguments[0].body);
  }
  if (!ts.isIdentifier(value)) return undefined;
  const binding = modules.resolveName(file, value.text);
  const target = bindingValue(binding);
  return target && ts.isClassDeclaration(target) ? target : undefined;
}
