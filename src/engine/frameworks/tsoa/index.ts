import { ts } from '#typescript';
import type { ScannedSourceFile, ScannedTextFile } from '../../../types.js';
import { codeText, nodePosition, objectLiteralFields, propertyNameText, skipOuterExpressions } from '../../ast/syntax.js';
import { resolveFunction, type ModuleIndex, type ResolvedFunction } from '../../names/index.js';
import { classifyWithCallees, REJECTION_STATUS, TOKEN_OR_SESSION_CHECK, type MiddlewareClassifier } from '../../routes/classify-middleware.js';
import type { HttpMethod, RouteDefinition, RouteMiddleware } from '../../routes/route.js';
import { joinRoutePath } from '../../routes/route-path.js';
import { usesAnyPackage, type AdapterContext, type FrameworkAdapter } from '../adapter.js';
import { decoratorOrigin } from '../nestjs/decorators.js';
import { staticStrings } from '../nestjs/values.js';
import { compileGlob } from '../next/path-matcher.js';
import { readMounts, type RouteMount } from './mounts.js';
import {
  TSOA_AUTHENTICATION_FUNCTIONS,
  TSOA_CONFIG_FILE,
  TSOA_HTTP_DECORATORS,
  TSOA_MIDDLEWARES_DECORATOR,
  TSOA_NO_SECURITY_DECORATOR,
  TSOA_PACKAGES,
  TSOA_ROUTE_DECORATOR,
  TSOA_SECURITY_DECORATOR,
} from '../../../models/tsoa.js';

export const tsoaAdapter: FrameworkAdapter = {
  name: 'tsoa',
  isEnabled: (facts) => usesAnyPackage(facts, TSOA_PACKAGES),
  discoverRoutes: discoverTsoaRoutes,
};

/** One tsoa configuration file: where the routes it generates are mounted and which controllers it reads. */
interface TsoaConfig {
  file: string;
  /** `routes.basePath`: the prefix the generated routes are registered with (tsoa's default is none). */
  routesBasePath?: string;
  /**
   * `spec.basePath`: where the spec says clients reach the API. It changes no generated route; it stands
   * in for the mount path when the scan cannot see where the app mounts the routes.
   */
  specBasePath?: string;
  /** `controllerPathGlobs`, relative to the scan root; empty when the file names none. */
  controllers: RegExp[];
  /** `routes.authenticationModule`, relative to the scan root, without extension. */
  authenticationModule?: string;
  /**
   * `noImplicitAdditionalProperties`: what the generated route does with body properties the declared
   * type does not name (tsoa's default, `ignore`, passes them to the handler).
   */
  additionalProperties: string;
  /** `routes.routesDir`, relative to the scan root: where the generated routes module is written. */
  routesDir?: string;
}

/**
 * tsoa routes: every class decorated `@Route(path)` from tsoa and its `@Get/@Post/...` methods, under
 * the basePath of the tsoa.json whose controllerPathGlobs name the file. The generated routes.ts is
 * not read (it is usually not committed): its `RegisterRoutes(app)` mounts every controller, runs the
 * project's authentication function for each `@Security` scheme, then the `@Middlewares`, then the method.
 */
function discoverTsoaRoutes(context: AdapterContext): RouteDefinition[] {
  const configs = readConfigs(context.textFiles);
  const authentication = new AuthenticationFunctions(context);
  const mounts = readMounts(context.sourceFiles, context.middleware);
  const routes: RouteDefinition[] = [];
  for (const file of context.sourceFiles) {
    if (!file.text.includes(`${TSOA_ROUTE_DECORATOR}(`)) continue;
    for (const statement of file.sourceFile.statements) {
      if (!ts.isClassDeclaration(statement)) continue;
      const routeDecorator = tsoaDecorator(context.modules, file, statement, TSOA_ROUTE_DECORATOR);
      if (!routeDecorator) continue;
      const controllerConfigs = configsFor(configs, file.path);
      routes.push(...controllerRoutes(context, file, statement, routeDecorator.call, controllerConfigs, mountsFor(mounts, controllerConfigs), authentication));
    }
  }
  return routes;
}

/**
 * The mounts of the routes module generated from these configs (its import names a file in their
 * routesDir); with no config to tell, the project's only mount. None found: the routes are listed
 * without the app's middleware, at their basePath.
 */
function mountsFor(mounts: readonly RouteMount[], configs: readonly TsoaConfig[]): RouteMount[] {
  const dirs = configs.flatMap((config) => (config.routesDir !== undefined ? [config.routesDir] : []));
  const matching = mounts.filter((mount) => dirs.some((dir) => mount.routesModule === dir || mount.routesModule.startsWith(`${dir}/`)));
  const modules = new Set(mounts.map((mount) => mount.routesModule));
  const found = matching.length > 0 ? matching : modules.size === 1 && (dirs.length === 0 || configs.length <= 1) ? mounts : [];
  // The same module registered twice at one path (two code paths building the app) is one set of routes.
  return found.filter((mount, index) => found.findIndex((other) => other.prefix === mount.prefix) === index);
}

function controllerRoutes(context: AdapterContext, file: ScannedSourceFile, node: ts.ClassDeclaration, routeDecorator: ts.CallExpression | undefined, configs: readonly TsoaConfig[], mounts: readonly RouteMount[], authentication: AuthenticationFunctions): RouteDefinition[] {
  const { modules } = context;
  const className = node.name?.text ?? '<anonymous>';
  const controllerPaths = routeDecorator?.arguments[0] ? (staticStrings(modules, file, routeDecorator.arguments[0]) ?? ['{path}']) : [''];
  const classSecurity = securityRequirements(modules, file, node);
  const classMiddleware = middlewaresOf(context.middleware, modules, file, node, 'router');
  // routes.basePath is in every generated path; spec.basePath only says where the app mounts them, so it
  // counts only when the mount path is not seen (no mount found, or `app.use(isProd ? '/api/v0' : '/v0', router)`).
  const basePathsFor = (mount: RouteMount | undefined): string[] =>
    configs.length > 0 ? [...new Set(configs.map((config) => config.routesBasePath ?? (mount && mount.prefix !== undefined ? '' : (config.specBasePath ?? ''))))] : [''];
  const authenticationFunction = authentication.forController(configs, file.path);
  const routes: RouteDefinition[] = [];
  for (const member of node.members) {
    if (!ts.isMethodDeclaration(member) || !member.name) continue;
    const httpDecorators = (ts.getDecorators(member) ?? []).flatMap((decorator) => {
      const origin = decoratorOrigin(modules, file, decorator);
      const method = origin?.module && TSOA_PACKAGES.includes(origin.module) ? TSOA_HTTP_DECORATORS[origin.name] : undefined;
      return method ? [{ decorator, method: method as HttpMethod, pathArgument: origin!.call?.arguments[0] }] : [];
    });
    if (httpDecorators.length === 0) continue;
    const methodName = propertyNameText(member.name) ?? '<method>';
    const handler = { file: file.path, line: nodePosition(member.name).line, node: member, name: `${className}.${methodName}` };
    // A method's own @Security replaces its class's; @NoSecurity() takes the class's away.
    const methodSecurity = securityRequirements(modules, file, member);
    const noSecurity = tsoaDecorator(modules, file, member, TSOA_NO_SECURITY_DECORATOR);
    const optedOut = noSecurity !== undefined;
    const security = methodSecurity.length > 0 ? { requirements: methodSecurity, scope: 'route' as const } : optedOut ? undefined : classSecurity.length > 0 ? { requirements: classSecurity, scope: 'router' as const } : undefined;
    const middleware: RouteMiddleware[] = [];
    if (security) middleware.push(securityMiddleware(security.requirements, security.scope, authenticationFunction));
    middleware.push(...classMiddleware.map((entry) => ({ ...entry })), ...middlewaresOf(context.middleware, modules, file, member, 'route'));
    const bodyValidation = bodyWhitelist(modules, file, member, configs);
    if (bodyValidation) middleware.push(bodyValidation);
    // Opting out of the class's @Security says the route is open on purpose.
    const declaredPublic = noSecurity && methodSecurity.length === 0 && classSecurity.length > 0 ? `@NoSecurity() (${file.path}:${nodePosition(noSecurity.decorator).line}) lifts the class's ${classSecurity[0]!.written}` : undefined;
    for (const { decorator, method, pathArgument } of httpDecorators) {
      const methodPaths = pathArgument ? (staticStrings(modules, file, pathArgument) ?? ['{path}']) : [''];
      const position = nodePosition(decorator);
      for (const mount of mounts.length > 0 ? mounts : [undefined]) {
        for (const basePath of basePathsFor(mount)) {
          for (const controllerPath of controllerPaths) {
            for (const methodPath of methodPaths) {
              routes.push({
                framework: 'tsoa',
                method,
                path: joinRoutePath(mount?.prefix ?? '', basePath, controllerPath, methodPath),
                file: file.path,
                line: position.line,
                column: position.column,
                handler,
                middleware: [...(mount?.middleware ?? []), ...middleware].map((entry) => ({ ...entry })),
                // Open on purpose only when the app's own middleware does not authenticate it either.
                ...(declaredPublic && !mount?.middleware.some((entry) => entry.kind === 'auth' || entry.kind === 'role') ? { declaredPublic } : {}),
              });
            }
          }
        }
      }
    }
  }
  return routes;
}

/** The first tsoa decorator of this name on a class, method or parameter, and its call when it is one. */
function tsoaDecorator(modules: ModuleIndex, file: ScannedSourceFile, node: ts.HasDecorators, name: string): { decorator: ts.Decorator; call?: ts.CallExpression } | undefined {
  for (const decorator of ts.getDecorators(node) ?? []) {
    const origin = decoratorOrigin(modules, file, decorator);
    if (origin?.module && TSOA_PACKAGES.includes(origin.module) && origin.name === name) return { decorator, ...(origin.call ? { call: origin.call } : {}) };
  }
  return undefined;
}

/** One `@Security(...)`: the schemes it requires together and the scopes of each. */
interface SecurityRequirement {
  /** As written: `@Security('jwt', ['admin'])`. */
  written: string;
  file: string;
  line: number;
  schemes: Array<{ name: string; scopes: string[] }>;
}

function securityRequirements(modules: ModuleIndex, file: ScannedSourceFile, node: ts.HasDecorators): SecurityRequirement[] {
  const requirements: SecurityRequirement[] = [];
  for (const decorator of ts.getDecorators(node) ?? []) {
    const origin = decoratorOrigin(modules, file, decorator);
    if (!origin?.module || !TSOA_PACKAGES.includes(origin.module) || origin.name !== TSOA_SECURITY_DECORATOR || !origin.call) continue;
    const [first, second] = origin.call.arguments;
    const value = first && skipOuterExpressions(first);
    const schemes: SecurityRequirement['schemes'] = [];
    if (value && ts.isObjectLiteralExpression(value)) {
      // `@Security({ jwt: ['admin'], api_key: [] })`: every scheme of the object must pass.
      for (const field of objectLiteralFields(value)) {
        if ('name' in field) schemes.push({ name: field.name, scopes: staticStrings(modules, file, field.value) ?? [] });
      }
    } else if (value) {
      const name = staticStrings(modules, file, value)?.[0] ?? value.getText(file.sourceFile);
      schemes.push({ name, scopes: second ? (staticStrings(modules, file, second) ?? scopeNames(second, file)) : [] });
    }
    const written = decorator.expression.getText(file.sourceFile).replace(/\s+/g, ' ');
    requirements.push({ written: `@${written.length > 80 ? `${written.slice(0, 77)}...` : written}`, file: file.path, line: nodePosition(decorator).line, schemes });
  }
  return requirements;
}

/** Scopes written as names we cannot evaluate (`[SCOPES.TENANT_AGENT]`): their last member names them. */
function scopeNames(expression: ts.Expression, file: ScannedSourceFile): string[] {
  const value = skipOuterExpressions(expression);
  if (!ts.isArrayLiteralExpression(value)) return [];
  return value.elements.map((element) => {
    const inner = skipOuterExpressions(element);
    return ts.isPropertyAccessExpression(inner) ? inner.name.text : inner.getText(file.sourceFile);
  });
}

/**
 * The route's `@Security` requirements as one middleware: tsoa calls the authentication function for
 * each scheme and lets the request through when any requirement passes, so the route is as guarded
 * as its weakest alternative. Scopes make it a role check only when every alternative lists some and
 * the function compares them.
 */
function securityMiddleware(requirements: readonly SecurityRequirement[], scope: 'route' | 'router', authentication: AuthenticationVerdict | undefined): RouteMiddleware {
  const first = requirements[0]!;
  const name = requirements.map((requirement) => requirement.written).join(' or ');
  const schemes = [...new Set(requirements.flatMap((requirement) => requirement.schemes.map((scheme) => `'${scheme.name}'`)))].join(', ');
  const scopes = [...new Set(requirements.flatMap((requirement) => requirement.schemes.flatMap((scheme) => scheme.scopes)))];
  const everyAlternativeScoped = requirements.every((requirement) => requirement.schemes.some((scheme) => scheme.scopes.length > 0));
  const base = { name, file: first.file, line: first.line, scope, setsOnRequest: ['user'] };
  if (!authentication) {
    return {
      ...base,
      kind: everyAlternativeScoped ? 'role' : 'auth',
      strength: 'name-only',
      evidence: `tsoa authenticates the scheme ${schemes} with the project's authentication function (expressAuthentication), which the scan does not find`,
      ...(everyAlternativeScoped ? { roles: scopes } : {}),
    };
  }
  const runs = `tsoa runs ${authentication.fn.name} (${authentication.fn.file.path}:${nodePosition(authentication.fn.node).line}) for the scheme ${schemes} before the handler and answers 401 when it throws or rejects`;
  // A requirement whose every scheme the function does not name, when such names get through: anyone passes it.
  const { compared, othersPass } = authentication.schemes;
  const open = othersPass ? requirements.find((requirement) => requirement.schemes.length > 0 && requirement.schemes.every((scheme) => !compared.has(scheme.name))) : undefined;
  if (open) {
    return { ...base, kind: 'other', strength: 'strong', evidence: `${runs}, but it checks only ${[...compared].map((name) => `'${name}'`).join(', ')} and lets ${open.written} through unchecked: ${othersPass}` };
  }
  if (!authentication.rejects) {
    return { ...base, kind: 'auth', strength: 'name-only', evidence: `${runs}; it was not seen rejecting a bad credential`, opaque: true };
  }
  if (everyAlternativeScoped && authentication.readsScopes) {
    return { ...base, kind: 'role', strength: 'strong', roles: scopes, evidence: `${runs}: ${authentication.evidence}; it compares the scopes the route lists (${scopes.join(', ')})` };
  }
  const ignored = scopes.length > 0 && !authentication.readsScopes ? `; the scopes the route lists (${scopes.join(', ')}) are never compared: ${authentication.fn.name} does not read its scopes parameter` : '';
  return { ...base, kind: 'auth', strength: 'strong', evidence: `${runs}: ${authentication.evidence}${ignored}` };
}

/** Settings of noImplicitAdditionalProperties under which the body holds only the declared type's properties. */
const WHITELISTING_SETTINGS = new Set(['throw-on-extras', 'silently-remove-extras']);

/**
 * `@Body() dto: CreateUserDto` under `noImplicitAdditionalProperties: "throw-on-extras"` (or
 * `silently-remove-extras`): tsoa's generated route validates the body against the declared type and
 * rejects (or drops) every property it does not declare, so the handler gets only the DTO's fields,
 * as a whitelisting validator gives them. An `any`, `object` or index-signature type declares nothing.
 */
function bodyWhitelist(modules: ModuleIndex, file: ScannedSourceFile, method: ts.MethodDeclaration, configs: readonly TsoaConfig[]): RouteMiddleware | undefined {
  if (configs.length === 0 || !configs.every((config) => WHITELISTING_SETTINGS.has(config.additionalProperties))) return undefined;
  for (const parameter of method.parameters) {
    const body = tsoaDecorator(modules, file, parameter, 'Body');
    if (!body || !parameter.type || !declaresProperties(parameter.type)) continue;
    const type = parameter.type.getText(file.sourceFile).replace(/\s+/g, ' ');
    const parameterName = parameter.name.getText(file.sourceFile);
    const setting = configs[0]!.additionalProperties;
    return {
      name: `tsoa validation of @Body() ${parameterName}: ${type.length > 60 ? `${type.slice(0, 57)}...` : type}`,
      kind: 'validation',
      strength: 'strong',
      scope: 'route',
      file: file.path,
      line: nodePosition(parameter).line,
      evidence: `tsoa's generated route validates the body against ${type} and ${setting === 'throw-on-extras' ? 'rejects' : 'drops'} properties it does not declare (${configs[0]!.file} noImplicitAdditionalProperties: "${setting}")`,
    };
  }
  return undefined;
}

/** A type that names the properties it allows: a type reference (an interface, class or alias) or a literal, not `any`, `object`, `Record<...>` or an index signature. */
function declaresProperties(type: ts.TypeNode): boolean {
  if (ts.isTypeLiteralNode(type)) return type.members.length > 0 && !type.members.some(ts.isIndexSignatureDeclaration);
  if (ts.isTypeReferenceNode(type)) return !/^(?:Record|Object|Partial<any>|any)$/.test(type.typeName.getText());
  if (ts.isIntersectionTypeNode(type) || ts.isUnionTypeNode(type)) return type.types.every(declaresProperties);
  return false;
}

/** `@Middlewares(limiter, audit)` / `@Middlewares([limiter])`: middleware classified as Express middleware is. */
function middlewaresOf(classifier: MiddlewareClassifier, modules: ModuleIndex, file: ScannedSourceFile, node: ts.HasDecorators, scope: 'route' | 'router'): RouteMiddleware[] {
  const found: RouteMiddleware[] = [];
  for (const decorator of ts.getDecorators(node) ?? []) {
    const origin = decoratorOrigin(modules, file, decorator);
    if (!origin?.module || !TSOA_PACKAGES.includes(origin.module) || origin.name !== TSOA_MIDDLEWARES_DECORATOR || !origin.call) continue;
    for (const argument of origin.call.arguments) {
      const value = skipOuterExpressions(argument);
      const items = ts.isArrayLiteralExpression(value) ? value.elements.filter((element) => !ts.isSpreadElement(element)) : [argument];
      for (const item of items) found.push(classifier.describe(item, file, scope));
    }
  }
  return found;
}

function readConfigs(textFiles: readonly ScannedTextFile[]): TsoaConfig[] {
  const configs: TsoaConfig[] = [];
  for (const text of textFiles) {
    if (text.kind !== 'json' || !TSOA_CONFIG_FILE.test(text.path)) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.text);
    } catch {
      continue;
    }
    if (!isRecord(parsed)) continue;
    const routes = isRecord(parsed.routes) ? parsed.routes : {};
    const spec = isRecord(parsed.spec) ? parsed.spec : {};
    if (!('routes' in parsed) && !('spec' in parsed) && !('controllerPathGlobs' in parsed)) continue;
    const dir = text.path.includes('/') ? text.path.slice(0, text.path.lastIndexOf('/')) : '';
    const globs = [parsed.controllerPathGlobs, routes.controllerPathGlobs, spec.controllerPathGlobs].find(Array.isArray) as unknown[] | undefined;
    const controllers = (globs ?? []).flatMap((glob) => {
      const compiled = typeof glob === 'string' ? compileGlob(relativeTo(dir, glob)) : undefined;
      return compiled ? [compiled] : [];
    });
    const routesBasePath = typeof routes.basePath === 'string' ? routes.basePath : undefined;
    const specBasePath = typeof spec.basePath === 'string' ? spec.basePath : undefined;
    const module = typeof routes.authenticationModule === 'string' ? modulePath(relativeTo(dir, routes.authenticationModule)) : undefined;
    const additionalProperties = typeof parsed.noImplicitAdditionalProperties === 'string' ? parsed.noImplicitAdditionalProperties : 'ignore';
    const routesDir = typeof routes.routesDir === 'string' ? relativeTo(dir, routes.routesDir) : undefined;
    configs.push({ file: text.path, ...(routesBasePath !== undefined ? { routesBasePath } : {}), ...(specBasePath !== undefined ? { specBasePath } : {}), controllers, additionalProperties, ...(module ? { authenticationModule: module } : {}), ...(routesDir !== undefined ? { routesDir } : {}) });
  }
  return configs;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A path written relative to a config's folder, as a path from the scan root (posix, no `./`). */
function relativeTo(dir: string, written: string): string {
  const parts: string[] = dir ? dir.split('/') : [];
  for (const segment of written.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') parts.pop();
    else parts.push(segment);
  }
  return parts.join('/');
}

/**
 * The configs that generate routes for this controller file: those whose controllerPathGlobs match it
 * (one project may generate several route sets, each under its own basePath); else the one config in
 * a folder above it, when there is exactly one.
 */
function configsFor(configs: readonly TsoaConfig[], filePath: string): TsoaConfig[] {
  const matching = configs.filter((config) => config.controllers.some((glob) => glob.test(filePath)));
  if (matching.length > 0) return matching;
  const above = configs.filter((config) => {
    const dir = config.file.includes('/') ? config.file.slice(0, config.file.lastIndexOf('/') + 1) : '';
    return filePath.startsWith(dir);
  });
  return above.length === 1 ? above : [];
}

/** What the project's authentication function does, read once. */
interface AuthenticationVerdict {
  fn: ResolvedFunction;
  /** It throws or rejects when the credential fails (tsoa answers 401). */
  rejects: boolean;
  evidence: string;
  /** It reads its scopes parameter (compares the scopes a route lists). */
  readsScopes: boolean;
  /** The scheme names it compares its securityName with, and how a name it does not compare gets through (undefined: it does not). */
  schemes: SchemeHandling;
}

class AuthenticationFunctions {
  private readonly verdicts = new Map<ts.Node, AuthenticationVerdict>();
  /** Every exported expressAuthentication/koaAuthentication/hapiAuthentication of the scan. */
  private readonly candidates: ResolvedFunction[] = [];

  constructor(private readonly context: AdapterContext) {
    for (const file of context.sourceFiles) {
      if (TSOA_AUTHENTICATION_FUNCTIONS.some((name) => file.text.includes(name))) this.candidates.push(...authenticationFunctionsIn(file));
    }
  }

  /**
   * The authentication function a controller runs: its configs' authenticationModule's, else the one
   * nearest the controller (the same service of a monorepo: the longest shared folder path).
   */
  forController(configs: readonly TsoaConfig[], controllerPath: string): AuthenticationVerdict | undefined {
    const wanted = new Set(configs.flatMap((config) => (config.authenticationModule ? [config.authenticationModule] : [])));
    const shared = (path: string) => {
      const [a, b] = [path.split('/'), controllerPath.split('/')];
      let count = 0;
      while (count < a.length - 1 && count < b.length - 1 && a[count] === b[count]) count++;
      return count;
    };
    const nearest = [...this.candidates].sort((x, y) => shared(y.file.path) - shared(x.file.path))[0];
    const fn = this.candidates.find((candidate) => wanted.has(modulePath(candidate.file.path))) ?? nearest;
    return fn ? this.verdictOf(fn) : undefined;
  }

  private verdictOf(fn: ResolvedFunction): AuthenticationVerdict {
    const known = this.verdicts.get(fn.node);
    if (known) return known;
    const classified = classifyWithCallees(this.context.modules, fn);
    const body = fn.node.body;
    const sourceFile = fn.node.getSourceFile();
    const code = body ? codeText(body, sourceFile) : '';
    const readsScopes = readsParameter(fn, 2);
    const schemes = schemeHandling(fn);
    let verdict: AuthenticationVerdict;
    if (classified && (classified.kind === 'auth' || classified.kind === 'role')) {
      // `expressAuthentication (src/auth.ts:4) verifies a token...`: the function is named once, by the caller.
      const evidence = classified.evidence.startsWith(`${fn.name} (`) ? classified.evidence.slice(classified.evidence.indexOf(') ') + 2) : classified.evidence;
      verdict = { fn, rejects: true, evidence, readsScopes, schemes };
    } else if (body && REJECTS.test(code) && (TOKEN_OR_SESSION_CHECK.test(body.getText(sourceFile)) || CREDENTIAL_WORD.test(body.getText(sourceFile)) || REJECTION_STATUS.test(code))) {
      verdict = { fn, rejects: true, evidence: `it reads the request's credential and throws or rejects when it fails`, readsScopes, schemes };
    } else {
      const delegate = body && (CREDENTIAL_WORD.test(body.getText(sourceFile)) || TOKEN_OR_SESSION_CHECK.test(body.getText(sourceFile))) ? rejectingCallee(this.context.modules, fn) : undefined;
      verdict = delegate
        ? { fn, rejects: true, evidence: `it reads the request's credential and hands it to ${delegate.name} (${delegate.file.path}:${nodePosition(delegate.node).line}), which throws or rejects when it fails`, readsScopes, schemes }
        : { fn, rejects: false, evidence: '', readsScopes, schemes };
    }
    this.verdicts.set(fn.node, verdict);
    return verdict;
  }
}

interface SchemeHandling {
  /** The scheme names the function compares its securityName parameter with. */
  compared: Set<string>;
  /** How a scheme it does not compare gets through: `if (securityName !== 'jwt') return;`, or falling off the end of an async function. */
  othersPass?: string;
}

/**
 * The schemes an authentication function tells apart at its top level (`if (securityName === 'jwt')`,
 * `switch (securityName)`), and whether a scheme it does not name gets through: tsoa treats the
 * function's resolving as success, so `if (securityName !== 'jwt') return;` lets every other scheme in
 * unchecked, as does an async function that ends without rejecting after its scheme branches. A body
 * wrapped in `return new Promise((resolve, reject) => ...)` is read inside the executor.
 */
function schemeHandling(fn: ResolvedFunction): SchemeHandling {
  const compared = new Set<string>();
  const parameter = fn.node.parameters[1];
  const body = fn.node.body;
  if (!parameter || !ts.isIdentifier(parameter.name) || !body || !ts.isBlock(body)) return { compared };
  const name = parameter.name.text;
  const sourceFile = fn.node.getSourceFile();
  let statements: readonly ts.Statement[] = body.statements;
  let promiseExecutor = false;
  const only = statements.length === 1 ? statements[0] : undefined;
  const wrapped = only && ts.isReturnStatement(only) && only.expression ? skipOuterExpressions(only.expression) : undefined;
  const executor = wrapped && ts.isNewExpression(wrapped) && wrapped.expression.getText(sourceFile) === 'Promise' ? wrapped.arguments?.[0] : undefined;
  if (executor && (ts.isArrowFunction(executor) || ts.isFunctionExpression(executor)) && ts.isBlock(executor.body)) {
    statements = executor.body.statements;
    promiseExecutor = true;
  }
  const comparison = (condition: ts.Expression): { literal: string; negated: boolean } | undefined => {
    const value = skipOuterExpressions(condition);
    if (!ts.isBinaryExpression(value)) return undefined;
    const operator = value.operatorToken.kind;
    const negated = operator === ts.SyntaxKind.ExclamationEqualsEqualsToken || operator === ts.SyntaxKind.ExclamationEqualsToken;
    if (!negated && operator !== ts.SyntaxKind.EqualsEqualsEqualsToken && operator !== ts.SyntaxKind.EqualsEqualsToken) return undefined;
    const [left, right] = [skipOuterExpressions(value.left), skipOuterExpressions(value.right)];
    const literal = ts.isIdentifier(left) && left.text === name && ts.isStringLiteralLike(right) ? right.text : ts.isIdentifier(right) && right.text === name && ts.isStringLiteralLike(left) ? left.text : undefined;
    return literal !== undefined ? { literal, negated } : undefined;
  };
  let othersPass: string | undefined;
  let lastBranch = -1;
  statements.forEach((statement, index) => {
    if (ts.isIfStatement(statement)) {
      const compare = comparison(statement.expression);
      if (!compare) return;
      compared.add(compare.literal);
      lastBranch = index;
      // `if (securityName !== 'jwt') return;`: every other scheme resolves here, unchecked.
      if (compare.negated && passesWithoutRejecting(statement.thenStatement, sourceFile, promiseExecutor)) othersPass ??= `\`${statement.getText(sourceFile).split('\n')[0]!.slice(0, 60)}\``;
    }
    if (ts.isSwitchStatement(statement) && ts.isIdentifier(skipOuterExpressions(statement.expression)) && (skipOuterExpressions(statement.expression) as ts.Identifier).text === name) {
      for (const clause of statement.caseBlock.clauses) if (ts.isCaseClause(clause) && ts.isStringLiteralLike(clause.expression)) compared.add(clause.expression.text);
      lastBranch = index;
    }
  });
  if (compared.size > 0 && !othersPass) {
    const rest = statements.slice(lastBranch + 1);
    const async = (ts.canHaveModifiers(fn.node) ? ts.getModifiers(fn.node) : undefined)?.some((modifier) => modifier.kind === ts.SyntaxKind.AsyncKeyword) ?? false;
    if (rest.length === 0 && async && !promiseExecutor) othersPass = 'it ends without rejecting after its scheme branches';
    else if (rest.length > 0 && rest.every((statement) => !REJECTS.test(codeText(statement, sourceFile))) && rest.some((statement) => passesWithoutRejecting(statement, sourceFile, promiseExecutor))) {
      othersPass = `\`${rest.at(-1)!.getText(sourceFile).split('\n')[0]!.slice(0, 60)}\` after its scheme branches`;
    }
  }
  return { compared, ...(othersPass ? { othersPass } : {}) };
}

/** A statement that returns (or resolves the executor's promise) and never throws or rejects. */
function passesWithoutRejecting(statement: ts.Statement, sourceFile: ts.SourceFile, promiseExecutor: boolean): boolean {
  const code = codeText(statement, sourceFile);
  if (REJECTS.test(code)) return false;
  return promiseExecutor ? /\bresolve\s*\(/.test(code) : /\breturn\b/.test(code);
}

/**
 * A project function the authentication function calls (`new AuthService().check(apiKey)`,
 * `verifyApiKey(key)`) whose body throws or rejects: the function's result, returned or awaited, fails with it.
 */
function rejectingCallee(modules: ModuleIndex, fn: ResolvedFunction): ResolvedFunction | undefined {
  const body = fn.node.body;
  if (!body) return undefined;
  let found: ResolvedFunction | undefined;
  const visit = (node: ts.Node): void => {
    if (found || (node !== body && ts.isFunctionLike(node))) return;
    if (ts.isCallExpression(node)) {
      const callee = resolveFunction(modules, fn.file, node.expression);
      const calleeBody = callee?.node.body;
      if (callee && calleeBody && REJECTS.test(codeText(calleeBody, callee.node.getSourceFile()))) {
        found = callee;
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return found;
}

/** A module as an import names it: no extension, no `/index`. */
function modulePath(filePath: string): string {
  return filePath.replace(/\.[cm]?[jt]sx?$/, '').replace(/\/index$/, '');
}

/** A throw, a `reject(...)` of the promise it returns, or `Promise.reject(...)`. */
const REJECTS = /\bthrow\b|\breject\s*\(|\bPromise\s*\.\s*reject\s*\(/;
const CREDENTIAL_WORD = /\b(?:authorization|token|jwt|apiKey|api_key|x-api-key|bearer|verify\w*|session)\b/i;

/** The exported authentication functions a file declares: `export async function expressAuthentication(...)`, `export const expressAuthentication = ...`. */
function authenticationFunctionsIn(file: ScannedSourceFile): ResolvedFunction[] {
  const found: ResolvedFunction[] = [];
  for (const statement of file.sourceFile.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name && statement.body && TSOA_AUTHENTICATION_FUNCTIONS.includes(statement.name.text)) {
      found.push({ file, node: statement, name: statement.name.text });
    }
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const value = declaration.initializer && skipOuterExpressions(declaration.initializer);
        if (ts.isIdentifier(declaration.name) && TSOA_AUTHENTICATION_FUNCTIONS.includes(declaration.name.text) && value && (ts.isArrowFunction(value) || ts.isFunctionExpression(value))) {
          found.push({ file, node: value, name: declaration.name.text });
        }
      }
    }
  }
  return found;
}

/** Whether a function reads its parameter at `index` in code other than a log call (`scopes.includes(...)`, `scopes.map(...)`). */
function readsParameter(fn: ResolvedFunction, index: number): boolean {
  const parameter = fn.node.parameters[index];
  const body = fn.node.body;
  if (!parameter || !body || !ts.isIdentifier(parameter.name)) return false;
  const name = parameter.name.text;
  const sourceFile = fn.node.getSourceFile();
  let reads = false;
  const visit = (node: ts.Node): void => {
    if (reads) return;
    if (ts.isCallExpression(node) && LOG_CALL.test(node.expression.getText(sourceFile))) return;
    if (ts.isIdentifier(node) && node.text === name && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node)) {
      reads = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return reads;
}

const LOG_CALL = /^(?:console|logger|log|this\.logger)\s*\.\s*\w+$/;
