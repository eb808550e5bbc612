import path from 'node:path';
import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { nodePosition, propertyNameText, propertyValue, skipOuterExpressions } from '../../ast/syntax.js';
import { bindingValue, localInitializer, resolveFunction, type ModuleIndex, type ResolvedFunction } from '../../names/index.js';
import { AUTH_ERROR_MESSAGE, guardClassOf, middlewareName, REJECTION_STATUS, type GuardClass, type MiddlewareClassifier } from '../../routes/classify-middleware.js';
import type { HttpMethod, ParameterInput, RouteDefinition, RouteMiddleware } from '../../routes/route.js';
import type { InputBagKind } from '../../../models/request-sources.js';
import { classValidatorDtoSteps } from '../class-validator.js';
import { HTTP_METHODS } from '../../routes/route.js';
import { joinRoutePath } from '../../routes/route-path.js';
import { usesAnyPackage, type AdapterContext, type FrameworkAdapter } from '../adapter.js';
import { decoratorOrigin } from '../nestjs/decorators.js';
import { controllerMethods, projectDecoratorFactory, returnedCall } from '../controller-methods.js';
import { arrayElements, readNames, staticStrings } from '../nestjs/values.js';
import {
  ROUTING_AUTHORIZED_DECORATOR,
  ROUTING_CONTROLLER_DECORATORS,
  ROUTING_CONTROLLERS_PACKAGES,
  ROUTING_GLOBAL_MIDDLEWARE_DECORATOR,
  ROUTING_MIDDLEWARE_DECORATORS,
  ROUTING_ROUTE_DECORATORS,
  ROUTING_SERVER_FUNCTIONS,
} from '../../../models/routing-controllers.js';
import { NEST_WHITELIST_OPTION } from '../../../models/mass-assignment.js';

export const routingControllersAdapter: FrameworkAdapter = {
  name: 'routing-controllers',
  isEnabled: (facts) => usesAnyPackage(facts, ROUTING_CONTROLLERS_PACKAGES),
  discoverRoutes: discoverRoutingControllersRoutes,
};


/** What one `useExpressServer(app, options)` / `createKoaServer(options)` call mounts, and how. */
interface RoutingServer {
  file: ScannedSourceFile;
  line: number;
  /** `routePrefix` when static; '' otherwise. */
  prefix: string;
  /** The controllers it lists: classes and path patterns; `all` when it holds something the scan cannot read. */
  controllers: Listed;
  /** The `middlewares` it lists, likewise; nothing when the option is absent. */
  middlewares: Listed;
  /** `app.use(mw)` on the Express or Koa app handed to useExpressServer/useKoaServer, before the call: it runs before every route. */
  appMiddleware: WrittenExpression[];
  /** class-validator validates class-typed parameters (the default; `validation: false` turns it off). */
  validates: boolean;
  /** `validation: { whitelist: true }`: class-validator strips what a class-typed `@Body()` does not declare, before every handler. */
  whitelistingValidation?: RouteMiddleware;
  authorizationChecker?: ResolvedFunction;
  /** Written but not readable (an import from a package, a runtime value). */
  authorizationCheckerWritten?: string;
  currentUserChecker?: ResolvedFunction;
}

/**
 * routing-controllers routes: every `@JsonController` / `@Controller` class imported from
 * 'routing-controllers' that a server mounts (by class, or every one for a glob), its `@Get/@Post/...`
 * methods (inherited ones included), with the server's static `routePrefix` in front, and what runs
 * before the handler: the server's `@Middleware({ type: 'before' })` classes, `@UseBefore` of the
 * controller and the method, `@Authorized()` (the server's authorizationChecker) and
 * `@CurrentUser({ required: true })` (the currentUserChecker; no user answers 401).
 */
function discoverRoutingControllersRoutes(context: AdapterContext): RouteDefinition[] {
  const { modules } = context;
  const servers = readServers(context);
  // No server call the scan can see (a bootstrap in a package, a test harness): every controller is mounted, as the glob would.
  const effective: RoutingServer[] = servers.length > 0 ? servers : [{ file: context.sourceFiles[0]!, line: 0, prefix: '', controllers: EVERY, middlewares: EVERY, validates: true, appMiddleware: [] }];
  const globalClasses = globalMiddlewareClasses(modules, context.sourceFiles);
  const describer = new RoutingDescriber(context.middleware);
  const routes: RouteDefinition[] = [];
  for (const file of context.sourceFiles) {
    if (!file.text.includes('Controller')) continue;
    for (const statement of file.sourceFile.statements) {
      if (!ts.isClassDeclaration(statement)) continue;
      const controllerPaths = controllerDecorator(modules, file, statement);
      if (!controllerPaths) continue;
      const mounting = effective.filter((server) => lists(server.controllers, statement, file.path));
      const seen = new Set<string>();
      for (const server of mounting) {
        const key = `${server.prefix}\u0000${server.authorizationChecker ? nodePosition(server.authorizationChecker.node).line : ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const globalMiddleware = [...server.appMiddleware.map((reference) => describer.describe(reference.expression, reference.file, 'global')), ...(server.whitelistingValidation ? [server.whitelistingValidation] : []), ...globalClasses.filter((candidate) => lists(server.middlewares, candidate.node, candidate.file.path)).map((middleware) => describer.describeClass(middleware))];
        routes.push(...routesOf(modules, describer, file, statement, controllerPaths, server, globalMiddleware));
      }
    }
  }
  return routes;
}

/** The `@JsonController('/users')` / `@Controller()` path(s) of a class, or undefined when it is no routing-controllers controller. */
function controllerDecorator(modules: ModuleIndex, file: ScannedSourceFile, node: ts.ClassDeclaration): string[] | undefined {
  for (const decorator of ts.getDecorators(node) ?? []) {
    const origin = decoratorOrigin(modules, file, decorator);
    if (!origin?.module || !ROUTING_CONTROLLERS_PACKAGES.includes(origin.module) || !ROUTING_CONTROLLER_DECORATORS.has(origin.name)) continue;
    const argument = origin.call?.arguments[0];
    if (!argument) return [''];
    return pathsOf(modules, file, argument);
  }
  return undefined;
}

function pathsOf(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression): string[] {
  const value = skipOuterExpressions(expression);
  // `@Get(/^\/users\/(\d+)$/)`: a route by regular expression, shown as written.
  if (ts.isRegularExpressionLiteral(value)) return [value.text];
  return staticStrings(modules, file, value) ?? [`{${middlewareName(value)}}`];
}

function routesOf(modules: ModuleIndex, describer: RoutingDescriber, file: ScannedSourceFile, node: ts.ClassDeclaration, controllerPaths: readonly string[], server: RoutingServer, globalMiddleware: readonly RouteMiddleware[]): RouteDefinition[] {
  const className = node.name?.text ?? '<anonymous>';
  const classDecorators = readRoutingDecorators(modules, file, node);
  const routes: RouteDefinition[] = [];
  for (const { method, file: methodFile } of controllerMethods(modules, file, node)) {
    const decorators = readRoutingDecorators(modules, methodFile, method);
    if (decorators.routes.length === 0) continue;
    const methodName = (method.name && propertyNameText(method.name)) ?? '<method>';
    const handler = { file: methodFile.path, line: nodePosition(method.name).line, node: method, name: `${className}.${methodName}` };
    // routing-controllers runs the `@UseBefore` middleware, then the authorization check; the method's `@Authorized` replaces the controller's.
    const authorized = decorators.authorized ? { ...decorators.authorized, scope: 'route' as const } : classDecorators.authorized ? { ...classDecorators.authorized, scope: 'router' as const } : undefined;
    const custom = projectParameterDecorators(modules, methodFile, method);
    const middleware: RouteMiddleware[] = [
      ...globalMiddleware.map((entry) => ({ ...entry })),
      ...classDecorators.before.map((reference) => describer.describe(reference.expression, reference.file, 'router')),
      ...decorators.before.map((reference) => describer.describe(reference.expression, reference.file, 'route')),
      ...(authorized ? [describer.authorized(authorized, server)] : []),
      ...requiredCurrentUser(modules, methodFile, method, server),
      ...custom.flatMap((decorator) => (decorator.authenticates ? [decorator.authenticates] : [])),
      ...(server.validates ? classValidatorDtoSteps(modules, methodFile, method, (origin) => (origin.module && ROUTING_CONTROLLERS_PACKAGES.includes(origin.module) ? VALIDATED_BAGS[origin.name] : undefined), 'routing-controllers') : []),
    ];
    const parameterInputs = custom.flatMap((decorator) => (decorator.input ? [decorator.input] : []));
    for (const route of decorators.routes) {
      const position = nodePosition(route.decorator);
      for (const controllerPath of controllerPaths) {
        for (const methodPath of route.paths) {
          routes.push({
            ...(parameterInputs.length ? { parameterInputs } : {}),
            framework: 'routing-controllers',
            method: route.method,
            path: joinRoutePath(server.prefix, controllerPath, methodPath),
            file: methodFile.path,
            line: position.line,
            column: position.column,
            handler,
            middleware: middleware.map((entry) => ({ ...entry })),
          });
        }
      }
    }
  }
  return routes;
}

interface WrittenExpression {
  expression: ts.Expression;
  file: ScannedSourceFile;
}

/** `@Authorized('admin')` as written: its roles and where. */
interface AuthorizedMark {
  label: string;
  roles: string[];
  file: ScannedSourceFile;
  line: number;
}

interface RoutingDecorators {
  routes: Array<{ decorator: ts.Decorator; method: HttpMethod; paths: string[] }>;
  before: WrittenExpression[];
  authorized?: AuthorizedMark;
}

/** The routing-controllers decorators of a class or method: routes, `@UseBefore` middleware (in order), `@Authorized`. */
function readRoutingDecorators(modules: ModuleIndex, file: ScannedSourceFile, node: ts.HasDecorators): RoutingDecorators {
  const found: RoutingDecorators = { routes: [], before: [] };
  for (const decorator of ts.getDecorators(node) ?? []) {
    const origin = decoratorOrigin(modules, file, decorator);
    if (!origin?.module || !ROUTING_CONTROLLERS_PACKAGES.includes(origin.module)) continue;
    const args = origin.call ? [...origin.call.arguments] : [];
    const declared = ROUTING_ROUTE_DECORATORS[origin.name];
    if (declared) {
      // `@Method('get', '/x')`: the method first, then the path.
      const methodArgument = declared === 'by-argument' ? args[0] && skipOuterExpressions(args[0]) : undefined;
      const methodName = methodArgument && ts.isStringLiteralLike(methodArgument) ? methodArgument.text.toUpperCase() : undefined;
      const method = declared === 'by-argument' ? (HTTP_METHODS as readonly string[]).includes(methodName ?? '') ? (methodName as HttpMethod) : undefined : declared;
      if (!method) continue;
      const pathArgument = declared === 'by-argument' ? args[1] : args[0];
      found.routes.push({ decorator, method, paths: pathArgument ? pathsOf(modules, file, pathArgument) : [''] });
    } else if (ROUTING_MIDDLEWARE_DECORATORS[origin.name] === 'before') {
      // `@UseAfter(mw)` runs after the handler answered: it guards nothing and is left out.
      found.before.push(...args.map((expression) => ({ expression, file })));
    } else if (origin.name === ROUTING_AUTHORIZED_DECORATOR) {
      found.authorized = { label: `@${middlewareName(decorator.expression)}`, roles: readNames(args), file, line: nodePosition(decorator).line };
    }
  }
  return found;
}

/**
 * `@CurrentUser({ required: true }) user`: routing-controllers asks the currentUserChecker and
 * answers 401 (AuthorizationRequiredError) when it finds no user, before the handler runs. A plain
 * `@CurrentUser()` calls the checker too: one that throws when the request carries no valid
 * credentials (`if (!bearerToken) throw new BadRequestError(...)`) turns anonymous callers away the same way.
 */
function requiredCurrentUser(modules: ModuleIndex, file: ScannedSourceFile, method: ts.MethodDeclaration, server: RoutingServer): RouteMiddleware[] {
  for (const parameter of method.parameters) {
    for (const decorator of ts.getDecorators(parameter) ?? []) {
      const origin = decoratorOrigin(modules, file, decorator);
      if (!origin?.module || !ROUTING_CONTROLLERS_PACKAGES.includes(origin.module) || origin.name !== 'CurrentUser') continue;
      const options = origin.call?.arguments[0] && skipOuterExpressions(origin.call.arguments[0]);
      const required = options && ts.isObjectLiteralExpression(options) ? propertyValue(options, 'required') : undefined;
      const checker = server.currentUserChecker;
      const where = checker ? ` ${checker.name} (${checker.file.path}:${nodePosition(checker.node).line})` : '';
      const base = { name: `@${middlewareName(decorator.expression)}`, kind: 'auth' as const, scope: 'route' as const, file: file.path, line: nodePosition(decorator).line };
      if (required?.kind === ts.SyntaxKind.TrueKeyword) {
        return [{ ...base, strength: checker ? 'strong' : 'name-only', evidence: `routing-controllers answers 401 when the currentUserChecker${where} finds no user` }];
      }
      const rejection = checker && checker.node.body ? conditionalThrow(checker.node.body) : undefined;
      if (rejection) return [{ ...base, strength: 'strong', evidence: `the currentUserChecker${where} runs for @CurrentUser() and throws (${rejection}) when the request carries no valid credentials` }];
      return [];
    }
  }
  return [];
}

/** The first `throw` a function makes under a condition (not in a nested function): a rejection of some requests. */
function conditionalThrow(body: ts.ConciseBody): string | undefined {
  let found: string | undefined;
  const visit = (node: ts.Node): void => {
    if (found || (node !== body && ts.isFunctionLike(node))) return;
    if (ts.isThrowStatement(node) && node.expression && enclosingCondition(node, body)) found = middlewareName(node.expression);
    ts.forEachChild(node, visit);
  };
  visit(body);
  return found;
}

/** Input decorators whose class-typed parameter routing-controllers validates with class-validator, and the part each holds. */
const VALIDATED_BAGS: Readonly<Record<string, InputBagKind>> = { Body: 'body', QueryParams: 'query', Params: 'params' };


/** A project parameter decorator made with routing-controllers' createParamDecorator: whether it turns anonymous callers away, and whether it hands the handler the caller. */
interface ProjectParameterDecorator {
  authenticates?: RouteMiddleware;
  input?: ParameterInput;
}

/** What a request property set by authentication reads like in a value function: `action.request.user`, `request.auth`, `ctx.state.user`. */
const REQUEST_PRINCIPAL = /\b(?:request|req|context|ctx)\s*\??\.\s*(?:state\s*\??\.\s*)?(?:user|auth|currentUser|session)\b/;

/**
 * `@CurrentAuth({ required: true }) auth`, `@TargetUser() target`: a project decorator returning
 * `createParamDecorator({ value: (action) => ... })`. A value function that throws an
 * authentication error (UnauthorizedError, a 401) when the request carries no user turns anonymous
 * callers away before the handler runs; one written to throw only when asked
 * (`if (options?.required && !action.request.auth)`) does so where the use passes that option.
 * What such a decorator hands the handler is the caller (or what it checked the caller may see),
 * as is a value read from the request's user.
 */
function projectParameterDecorators(modules: ModuleIndex, file: ScannedSourceFile, method: ts.MethodDeclaration): ProjectParameterDecorator[] {
  const found: ProjectParameterDecorator[] = [];
  method.parameters.forEach((parameter, index) => {
    for (const decorator of ts.getDecorators(parameter) ?? []) {
      const project = projectDecoratorFactory(modules, file, decorator);
      if (!project) continue;
      const { call, binding, factory } = project;
      if (!factory || !(ts.isFunctionDeclaration(factory) || ts.isArrowFunction(factory) || ts.isFunctionExpression(factory))) continue;
      const created = returnedCall(factory);
      if (!created || !ts.isIdentifier(created.expression)) continue;
      const origin = modules.resolveName(binding.file, created.expression.text);
      if (origin?.kind !== 'external' || !ROUTING_CONTROLLERS_PACKAGES.includes(origin.module) || origin.importedName !== 'createParamDecorator') continue;
      const options = created.arguments[0] && skipOuterExpressions(created.arguments[0]);
      if (!options || !ts.isObjectLiteralExpression(options)) continue;
      const valueProperty = options.properties.find((property) => property.name && propertyNameText(property.name) === 'value');
      const value = valueProperty && (ts.isMethodDeclaration(valueProperty) ? valueProperty : ts.isPropertyAssignment(valueProperty) ? skipOuterExpressions(valueProperty.initializer) : undefined);
      if (!value || !(ts.isMethodDeclaration(value) || ts.isArrowFunction(value) || ts.isFunctionExpression(value)) || !value.body) continue;
      const factoryParameters = new Set(factory.parameters.flatMap((declared) => (ts.isIdentifier(declared.name) ? [declared.name.text] : [])));
      const rejection = authenticationThrow(value.body, factoryParameters, call);
      const required = propertyValue(options, 'required');
      const bodyText = value.body.getText(binding.file.sourceFile);
      const returnsPrincipal = REQUEST_PRINCIPAL.test(bodyText);
      const where = `${call.expression.text} (${binding.file.path}:${nodePosition(factory).line})`;
      const written = `@${middlewareName(decorator.expression)}`;
      const position = { scope: 'route' as const, file: file.path, line: nodePosition(decorator).line, name: written, kind: 'auth' as const, strength: 'strong' as const };
      const entry: ProjectParameterDecorator = {};
      if (rejection) entry.authenticates = { ...position, evidence: `${where} throws ${rejection} when the request carries no user, before the handler runs` };
      else if (returnsPrincipal && required?.kind === ts.SyntaxKind.TrueKeyword) entry.authenticates = { ...position, evidence: `${where} is a required parameter read from the request's user: routing-controllers refuses the request without one` };
      if (rejection || returnsPrincipal) entry.input = { index, via: call.expression.text, decorator: 'createParamDecorator', pipes: [], principal: written };
      if (entry.authenticates || entry.input) found.push(entry);
      break;
    }
  });
  return found;
}

/**
 * The authentication error a value function throws (`throw new UnauthorizedError()`), when it does
 * so for every use or, if its condition reads an option of the project decorator
 * (`options?.required`), when this use passes that option as true.
 */
function authenticationThrow(body: ts.ConciseBody, factoryParameters: ReadonlySet<string>, use: ts.CallExpression): string | undefined {
  let found: string | undefined;
  const visit = (node: ts.Node): void => {
    if (found || (node !== body && ts.isFunctionLike(node))) return;
    if (ts.isThrowStatement(node) && node.expression) {
      const text = node.getText();
      if (REJECTION_STATUS.test(text) || AUTH_ERROR_MESSAGE.test(text)) {
        const condition = enclosingCondition(node, body);
        const options = condition ? [...factoryParameters].filter((name) => new RegExp(`\\b${name}\\b`).test(condition.getText())) : [];
        const asked = options.length === 0 || use.arguments.some((argument) => {
          const given = skipOuterExpressions(argument);
          return ts.isObjectLiteralExpression(given) && given.properties.some((property) => ts.isPropertyAssignment(property) && skipOuterExpressions(property.initializer).kind === ts.SyntaxKind.TrueKeyword && property.name !== undefined && condition!.getText().includes(propertyNameText(property.name) ?? '\u0000'));
        });
        if (asked) found = middlewareName(node.expression);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return found;
}

function enclosingCondition(node: ts.Node, stop: ts.Node): ts.Expression | undefined {
  for (let current = node.parent; current && current !== stop; current = current.parent) {
    if (ts.isIfStatement(current)) return current.expression;
  }
  return undefined;
}

/** Every class decorated `@Middleware({ type: 'before' })` from routing-controllers: what a `middlewares` glob registers app-wide. */
function globalMiddlewareClasses(modules: ModuleIndex, files: readonly ScannedSourceFile[]): GuardClass[] {
  const classes: GuardClass[] = [];
  for (const file of files) {
    if (!file.text.includes(`${ROUTING_GLOBAL_MIDDLEWARE_DECORATOR}(`)) continue;
    for (const statement of file.sourceFile.statements) {
      if (!ts.isClassDeclaration(statement)) continue;
      for (const decorator of ts.getDecorators(statement) ?? []) {
        const origin = decoratorOrigin(modules, file, decorator);
        if (!origin?.module || !ROUTING_CONTROLLERS_PACKAGES.includes(origin.module) || origin.name !== ROUTING_GLOBAL_MIDDLEWARE_DECORATOR) continue;
        const options = origin.call?.arguments[0] && skipOuterExpressions(origin.call.arguments[0]);
        const type = options && ts.isObjectLiteralExpression(options) ? propertyValue(options, 'type') : undefined;
        const typeValue = type && skipOuterExpressions(type);
        // `type: 'after'` runs once the handler answered (error handlers, compression): it guards nothing.
        if (typeValue && ts.isStringLiteralLike(typeValue) && typeValue.text === 'before') classes.push({ file, node: statement });
      }
    }
  }
  return classes;
}

/** Every call to useExpressServer / createExpressServer / useKoaServer / createKoaServer from routing-controllers, with what its options say. */
function readServers(context: AdapterContext): RoutingServer[] {
  const { modules } = context;
  const servers: RoutingServer[] = [];
  for (const file of context.sourceFiles) {
    if (!file.text.includes('routing-controllers')) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
        const binding = modules.resolveName(file, node.expression.text);
        const server = binding?.kind === 'external' && ROUTING_CONTROLLERS_PACKAGES.includes(binding.module) ? ROUTING_SERVER_FUNCTIONS[binding.importedName] : undefined;
        if (server) servers.push(readServer(modules, file, node, node.arguments[server.options]));
      }
      ts.forEachChild(node, visit);
    };
    visit(file.sourceFile);
  }
  return servers;
}

function readServer(modules: ModuleIndex, file: ScannedSourceFile, call: ts.CallExpression, optionsArgument: ts.Expression | undefined): RoutingServer {
  const found = optionsArgument && objectLiteral(modules, file, optionsArgument);
  const server: RoutingServer = { file, line: nodePosition(call).line, prefix: '', controllers: EVERY, middlewares: NOTHING, validates: true, appMiddleware: appMiddlewareBefore(file, call) };
  if (!found) return { ...server, middlewares: EVERY };
  const { object, file: optionsFile } = found;
  const option = (name: string) => {
    const property = object.properties.find((candidate) => candidate.name && propertyNameText(candidate.name) === name);
    if (!property) return undefined;
    // `{ controllers }`: the shorthand names a variable of the same name.
    return ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
  };
  const prefix = option('routePrefix');
  const prefixes = prefix && staticStrings(modules, optionsFile, prefix);
  if (prefixes?.length === 1) server.prefix = prefixes[0]!;
  const controllers = option('controllers');
  if (controllers) server.controllers = listed(modules, optionsFile, controllers);
  const middlewares = option('middlewares');
  if (middlewares) server.middlewares = listed(modules, optionsFile, middlewares);
  const validation = option('validation');
  const validationOptions = validation && skipOuterExpressions(validation);
  if (validationOptions?.kind === ts.SyntaxKind.FalseKeyword) server.validates = false;
  if (validationOptions && ts.isObjectLiteralExpression(validationOptions) && NEST_WHITELIST_OPTION.test(validationOptions.getText())) {
    server.whitelistingValidation = {
      name: 'validation { whitelist: true }',
      kind: 'validation',
      strength: 'strong',
      evidence: 'routing-controllers validates class-typed parameters with class-validator and strips the properties their class does not declare',
      scope: 'global',
      file: optionsFile.path,
      line: nodePosition(validation).line,
    };
  }
  const checker = option('authorizationChecker');
  if (checker) {
    const resolved = resolveFunction(modules, optionsFile, checker);
    if (resolved) server.authorizationChecker = resolved;
    else server.authorizationCheckerWritten = middlewareName(checker);
  }
  const userChecker = option('currentUserChecker');
  const resolvedUserChecker = userChecker && resolveFunction(modules, optionsFile, userChecker);
  if (resolvedUserChecker) server.currentUserChecker = resolvedUserChecker;
  return server;
}

/**
 * `const app = express(); app.use(jwtAuth); useExpressServer(app, {...})`: what the app the
 * controllers are mounted on runs first, registered in the same file before the call. A path-scoped
 * `app.use('/admin', mw)` is left out: which routes it covers depends on their paths.
 */
function appMiddlewareBefore(file: ScannedSourceFile, call: ts.CallExpression): WrittenExpression[] {
  const first = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
  const isServerCreation = ts.isIdentifier(call.expression) && /^create/.test(call.expression.text);
  if (isServerCreation || !first || !ts.isIdentifier(first)) return [];
  const app = first.text;
  const found: WrittenExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (node.getStart() >= call.getStart()) return;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'use') {
      const receiver = skipOuterExpressions(node.expression.expression);
      const mountPath = node.arguments[0] && skipOuterExpressions(node.arguments[0]);
      if (ts.isIdentifier(receiver) && receiver.text === app && mountPath && !ts.isStringLiteralLike(mountPath) && !ts.isArrayLiteralExpression(mountPath) && !ts.isRegularExpressionLiteral(mountPath)) {
        found.push(...node.arguments.map((expression) => ({ expression, file })));
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file.sourceFile);
  return found;
}

/** What a `controllers` or `middlewares` option lists: classes, and path patterns for the files whose classes it loads. */
interface Listed {
  classes: ReadonlySet<ts.Node>;
  patterns: readonly RegExp[];
  /** It holds something the scan cannot read (`env.app.dirs.controllers`): every decorated class may be loaded. */
  all: boolean;
}

const EVERY: Listed = { classes: new Set(), patterns: [], all: true };
const NOTHING: Listed = { classes: new Set(), patterns: [], all: false };

function lists(listedItems: Listed, node: ts.Node, filePath: string): boolean {
  return listedItems.all || listedItems.classes.has(node) || listedItems.patterns.some((pattern) => pattern.test(filePath));
}

/** `[UserController, __dirname + '/controllers/*.js', 'src/api/**\/*Controller.ts']`: classes by name, and glob patterns. */
function listed(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression): Listed {
  const value = skipOuterExpressions(expression);
  if (!ts.isArrayLiteralExpression(value) && !ts.isIdentifier(value)) return EVERY;
  const elements = arrayElements(modules, file, value);
  if (elements.length === 0) return EVERY;
  const classes = new Set<ts.Node>();
  const patterns: RegExp[] = [];
  for (const { element, file: elementFile } of elements) {
    const found = guardClassOf(modules, elementFile, element);
    if (found) {
      classes.add(found.node);
      continue;
    }
    const pattern = globPattern(element, elementFile);
    if (!pattern) return EVERY;
    patterns.push(...pattern);
  }
  return { classes, patterns, all: false };
}

/**
 * A path pattern as the scan's posix paths see it: `${__dirname}/controllers/**` from the file that
 * writes it; a pattern relative to the working directory (`'src/controllers/**\/*.ts'`) matched at
 * any folder, also without its leading folders (the scan may start below them). `.js` and `.ts`
 * stand for each other (a pattern for the build output names the compiled sources).
 */
function globPattern(expression: ts.Expression, file: ScannedSourceFile): RegExp[] | undefined {
  const folder = path.posix.dirname(file.path);
  const text = patternText(skipOuterExpressions(expression), folder === '.' ? '' : folder);
  if (text === undefined || !/[*?{]/.test(text.pattern)) return undefined;
  const toRegExp = (glob: string) =>
    glob
      .replace(/[.+^$()|[\]\\]/g, '\\$&')
      .replace(/\{([^{}]*)\}/g, (_, alternatives: string) => `(?:${alternatives.split(',').join('|')})`)
      .replace(/\*\*\//g, '\u0001')
      .replace(/\*\*/g, '.*')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')
      .replace(/\u0001/g, '(?:.*/)?')
      .replace(/\\\.[jt]s$/, '\\.[cm]?[jt]sx?');
  const pattern = text.pattern.replace(/^\.\//, '').replace(/^\/+/, '');
  if (text.anchored) return [new RegExp(`^${toRegExp(pattern)}$`)];
  const segments = pattern.split('/');
  const literalLead = segments.findIndex((segment) => /[*?{]/.test(segment));
  return segments.slice(0, Math.max(1, literalLead + 1)).map((_, index) => new RegExp(`(?:^|/)${toRegExp(segments.slice(index).join('/'))}$`));
}

/** The text of a path pattern, `__dirname` replaced by the writing file's folder (`anchored`), or undefined when not static. */
function patternText(value: ts.Expression, folder: string): { pattern: string; anchored: boolean } | undefined {
  if (ts.isStringLiteralLike(value)) return { pattern: value.text, anchored: false };
  if (ts.isTemplateExpression(value)) {
    let pattern = value.head.text;
    let anchored = false;
    for (const span of value.templateSpans) {
      const inner = skipOuterExpressions(span.expression);
      if (!ts.isIdentifier(inner) || inner.text !== '__dirname') return undefined;
      pattern += folder + span.literal.text;
      anchored = true;
    }
    return { pattern, anchored };
  }
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = skipOuterExpressions(value.left);
    const right = patternText(skipOuterExpressions(value.right), folder);
    if (ts.isIdentifier(left) && left.text === '__dirname' && right) return { pattern: folder + right.pattern, anchored: true };
    const leftText = patternText(left, folder);
    return leftText && right ? { pattern: leftText.pattern + right.pattern, anchored: leftText.anchored } : undefined;
  }
  // `path.join(__dirname, 'controllers', '*.js')`
  if (ts.isCallExpression(value) && /\b(?:join|resolve)$/.test(value.expression.getText()) && value.arguments.length > 0) {
    const parts = value.arguments.map((argument) => skipOuterExpressions(argument));
    const first = parts[0]!;
    const rest = parts.slice(1).map((part) => (ts.isStringLiteralLike(part) ? part.text : undefined));
    if (rest.some((part) => part === undefined)) return undefined;
    if (ts.isIdentifier(first) && first.text === '__dirname') return { pattern: [folder, ...rest].filter(Boolean).join('/'), anchored: true };
    return ts.isStringLiteralLike(first) ? { pattern: [first.text, ...rest].join('/'), anchored: false } : undefined;
  }
  return undefined;
}

/** An options object literal: written in place, or a const holding one (in the function or the module). */
function objectLiteral(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression): { object: ts.ObjectLiteralExpression; file: ScannedSourceFile } | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isObjectLiteralExpression(value)) return { object: value, file };
  if (!ts.isIdentifier(value)) return undefined;
  const local = localInitializer(value);
  if (local && ts.isObjectLiteralExpression(local)) return { object: local, file };
  const binding = modules.resolveName(file, value.text);
  const target = binding?.kind === 'declaration' ? bindingValue(binding) : undefined;
  const initializer = target && ts.isExpression(target) ? skipOuterExpressions(target) : undefined;
  return initializer && ts.isObjectLiteralExpression(initializer) && binding?.kind === 'declaration' ? { object: initializer, file: binding.file } : undefined;
}

/** Describes middleware once per expression and scope, and what `@Authorized()` checks. */
class RoutingDescriber {
  private readonly described = new Map<ts.Node, Map<RouteMiddleware['scope'], RouteMiddleware>>();

  constructor(private readonly classifier: MiddlewareClassifier) {}

  describe(expression: ts.Expression, file: ScannedSourceFile, scope: RouteMiddleware['scope']): RouteMiddleware {
    let byScope = this.described.get(expression);
    if (!byScope) this.described.set(expression, (byScope = new Map()));
    let middleware = byScope.get(scope);
    if (!middleware) byScope.set(scope, (middleware = this.classifier.describe(expression, file, scope)));
    return { ...middleware };
  }

  /** A global `@Middleware({ type: 'before' })` class: its `use` method is what runs. */
  describeClass(middleware: GuardClass): RouteMiddleware {
    const name = middleware.node.name;
    return name ? this.describe(name, middleware.file, 'global') : { name: '<anonymous middleware>', kind: 'other', strength: 'name-only', evidence: 'an anonymous middleware class', scope: 'global', file: middleware.file.path, line: nodePosition(middleware.node).line };
  }

  /**
   * `@Authorized()` runs the server's authorizationChecker before the handler and answers 401/403
   * when it returns false or throws. A checker that can do neither admits everyone; one that never
   * reads the roles it is given checks no role, whatever `@Authorized('admin')` names.
   */
  authorized(mark: AuthorizedMark & { scope: RouteMiddleware['scope'] }, server: RoutingServer): RouteMiddleware {
    const base = { name: mark.label, scope: mark.scope, file: mark.file.path, line: mark.line };
    const checker = server.authorizationChecker;
    const roleKind = mark.roles.length > 0 ? { kind: 'role' as const, roles: [...mark.roles] } : { kind: 'auth' as const };
    if (!checker) {
      const which = server.authorizationCheckerWritten ? `authorizationChecker ${server.authorizationCheckerWritten}, which the scan cannot read` : 'the app\'s authorizationChecker';
      return { ...base, ...roleKind, strength: 'name-only', evidence: `routing-controllers runs ${which}, and answers 401/403 when it refuses` };
    }
    const where = `authorizationChecker${checker.name === 'authorizationChecker' ? '' : ` ${checker.name}`} (${checker.file.path}:${nodePosition(checker.node).line})`;
    const verdict = checkerVerdict(checker);
    if (verdict === 'admits-all') return { ...base, kind: 'other', strength: 'strong', evidence: `${where} returns true for every caller: @Authorized checks nothing` };
    // `return roles.every((role) => request.auth?.roles.includes(role))`: true for an empty list, so `@Authorized()` admits anyone.
    if (verdict === 'admits-without-roles' && mark.roles.length === 0) {
      return { ...base, kind: 'other', strength: 'strong', evidence: `${where} only compares the roles it is given, and @Authorized() gives none: it admits every caller` };
    }
    if (mark.roles.length > 0 && !readsRoles(checker)) {
      return { ...base, kind: 'auth', strength: 'strong', evidence: `${where} refuses callers it cannot authenticate but never reads the roles ${mark.roles.join(', ')}: it checks no role` };
    }
    const roles = mark.roles.length > 0 ? ` for roles ${mark.roles.join(', ')}` : '';
    return { ...base, ...roleKind, strength: 'strong', evidence: `routing-controllers runs ${where}${roles}, which refuses (returns false or throws) and is answered 401/403` };
  }
}

/**
 * Whether a checker can refuse: it returns something other than `true` on some path, or throws.
 * `admits-without-roles`: every answer is true when the roles list is empty
 * (`return roles.every(...)`, `return roles.length === 0 || ...`): it refuses only for `@Authorized('role')`.
 */
function checkerVerdict(checker: ResolvedFunction): 'refuses' | 'admits-all' | 'admits-without-roles' {
  const body = checker.node.body;
  if (!body) return 'refuses';
  const rolesParameter = checker.node.parameters[1];
  const roles = rolesParameter && ts.isIdentifier(rolesParameter.name) ? rolesParameter.name.text : undefined;
  const returned: Array<ts.Expression | undefined> = [];
  let throws = false;
  if (!ts.isBlock(body)) returned.push(body);
  else {
    const visit = (node: ts.Node): void => {
      if (node !== body && ts.isFunctionLike(node)) return;
      if (ts.isThrowStatement(node)) throws = true;
      if (ts.isReturnStatement(node)) returned.push(node.expression);
      ts.forEachChild(node, visit);
    };
    visit(body);
  }
  const isTrue = (expression: ts.Expression | undefined) => expression !== undefined && skipOuterExpressions(expression).kind === ts.SyntaxKind.TrueKeyword;
  if (!throws && returned.every(isTrue)) return 'admits-all';
  if (!throws && roles && returned.every((expression) => isTrue(expression) || (expression !== undefined && trueForNoRoles(skipOuterExpressions(expression), roles)))) return 'admits-without-roles';
  return 'refuses';
}

/** `roles.every(...)`, `roles.length === 0 || x`, `!roles.length || x`: true when the roles list is empty. */
function trueForNoRoles(expression: ts.Expression, roles: string): boolean {
  if (ts.isCallExpression(expression) && ts.isPropertyAccessExpression(expression.expression) && expression.expression.name.text === 'every') {
    const receiver = skipOuterExpressions(expression.expression.expression);
    return ts.isIdentifier(receiver) && receiver.text === roles;
  }
  if (ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.BarBarToken) {
    const left = skipOuterExpressions(expression.left).getText().replace(/\s+/g, '');
    return left === `${roles}.length===0` || left === `!${roles}.length` || left === `${roles}.length==0` || trueForNoRoles(skipOuterExpressions(expression.left), roles);
  }
  return false;
}

/** Whether the checker reads its second parameter, the roles `@Authorized(...)` names. */
function readsRoles(checker: ResolvedFunction): boolean {
  const parameter = checker.node.parameters[1];
  const body = checker.node.body;
  if (!parameter || !body) return false;
  if (!ts.isIdentifier(parameter.name)) return true;
  const name = parameter.name.text;
  let reads = false;
  const visit = (node: ts.Node): void => {
    if (reads) return;
    if (ts.isIdentifier(node) && node.text === name) reads = true;
    ts.forEachChild(node, visit);
  };
  visit(body);
  return reads;
}
