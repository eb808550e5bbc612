import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { nodePosition, propertyNameText, propertyValue, skipOuterExpressions } from '../../ast/syntax.js';
import { bindingValue, fileImports, type ModuleIndex, resolveFunction } from '../../names/index.js';
import { middlewareName } from '../../routes/classify-middleware.js';
import { readNames, staticStrings } from './values.js';
import { FRAMEWORK_PERMISSION_DECORATORS } from '../../../models/auth.js';

/** An expression used as a guard, interceptor or pipe, with the file it is written in. */
export interface EnhancerReference {
  expression: ts.Expression;
  file: ScannedSourceFile;
}

/** Metadata a decorator attaches (SetMetadata, Reflector.createDecorator) that a guard may read. */
export interface MetadataMark {
  /** The metadata key: its string value when static, else `decorator:<Name>` / the key's name. */
  key: string;
  /** `true` for a flag such as `@Public()`; otherwise the values (`@Roles(Role.Admin)` -> ['Admin']). */
  flag: boolean;
  values: string[];
  /**
   * The literal strings an options object stores under each of its properties, through the custom
   * decorator's parameters: `SetMetadata(KEY, { objectType, argumentPath })` applied as
   * `@CheckAccess('board', 'where.id')` -> { objectType: ['board'], argumentPath: ['where.id'] }.
   * A guard that reads one of them as a path into the request's input names the input it checks.
   */
  fields?: Record<string, string[]>;
  /** As written at the route or controller: `@Public()`, `@Roles(Role.Admin)`. */
  label: string;
  file: string;
  line: number;
}

/** What the decorators of one controller or handler do, once custom decorators are expanded. */
export interface DecoratorEffects {
  guards: EnhancerReference[];
  interceptors: EnhancerReference[];
  pipes: EnhancerReference[];
  metadata: MetadataMark[];
  /** `@Version(...)`: version strings, or 'neutral' for VERSION_NEUTRAL. */
  versions?: string[] | 'neutral';
  /** `@SkipThrottle()`: the throttler guard does not count for this target. */
  skipThrottle?: boolean;
}

const MAX_DEPTH = 5;
const NEST_COMMON = '@nestjs/common';
/**
 * When the public marker comes from a package outside the scan (`import { Public } from '@org/common'`)
 * neither its SetMetadata nor its key can be read; a decorator with one of these names and a guard
 * reading a key named like PUBLIC_METHOD_METADATA are matched by name instead.
 */
const PUBLIC_DECORATOR_NAME = /^(?:Public|IsPublic|PublicRoute|PublicEndpoint|AllowAnonymous|Anonymous|SkipAuth|NoAuth|SkipJwt)$/;
const PUBLIC_KEY_NAME = /public|anonymous|skip_?auth|no_?auth/i;
const PUBLIC_BY_NAME = 'public-by-name';

/** The metadata key under which a framework permission decorator's values are kept: `framework:@vendure/core#Allow`. */
export function frameworkPermissionKey(module: string, name: string): string {
  return `framework:${module}#${name}`;
}

/** The name a decorator is called by and where it comes from: `Get` from @nestjs/common. */
export function decoratorOrigin(modules: ModuleIndex, file: ScannedSourceFile, decorator: ts.Decorator): { module?: string; name: string; call?: ts.CallExpression } | undefined {
  const expression = decorator.expression;
  const call = ts.isCallExpression(expression) ? expression : undefined;
  const callee = call ? call.expression : expression;
  if (!ts.isIdentifier(callee)) return undefined;
  const binding = modules.resolveName(file, callee.text);
  if (binding?.kind === 'external') return { module: binding.module, name: binding.importedName, ...(call ? { call } : {}) };
  return { name: callee.text, ...(call ? { call } : {}) };
}

/** A framework decorator a class or method carries, with the arguments it is applied with. */
export interface AppliedDecorator {
  module: string;
  name: string;
  /** The call as written at the class or method (a project decorator's own call when it wraps the framework's). */
  call?: ts.CallExpression;
  /** The framework decorator's arguments, with the wrapper's parameters replaced by what the wrapper was given. */
  arguments: readonly ts.Expression[];
}

/**
 * The framework decorator behind a decorator: itself when imported from a package, or the one a
 * project decorator applies (`export const MetadataResolver = (type) => applyDecorators(Resolver(type),
 * SetMetadata(...))`, `const ApiController = (path) => applyDecorators(Controller(path), ApiTags(path))`).
 * Teams wrap `@Resolver` and `@Controller` to add metadata; the wrapped class is still a resolver or controller.
 * `accepts` says which framework decorators are looked for (the first one applied wins).
 */
export function appliedDecorator(
  modules: ModuleIndex,
  file: ScannedSourceFile,
  decorator: ts.Decorator,
  accepts: (module: string, name: string) => boolean,
): AppliedDecorator | undefined {
  const origin = decoratorOrigin(modules, file, decorator);
  if (!origin) return undefined;
  if (origin.module) return accepts(origin.module, origin.name) ? { module: origin.module, name: origin.name, ...(origin.call ? { call: origin.call } : {}), arguments: origin.call ? [...origin.call.arguments] : [] } : undefined;
  const binding = modules.resolveName(file, origin.name);
  if (binding?.kind !== 'declaration') return undefined;
  const target = bindingValue(binding);
  const factory = target && (ts.isFunctionDeclaration(target) || ts.isArrowFunction(target) || ts.isFunctionExpression(target)) ? target : undefined;
  const returned = factory && returnedExpression(factory);
  if (!factory || !returned) return undefined;
  const given = origin.call ? [...origin.call.arguments] : [];
  const parameterIndex = new Map<string, number>();
  factory.parameters.forEach((parameter, index) => {
    if (ts.isIdentifier(parameter.name)) parameterIndex.set(parameter.name.text, index);
  });
  // What the wrapper passes on: its own parameter stands for the argument it was called with.
  const passOn = (inner: readonly ts.Expression[]): ts.Expression[] =>
    inner.flatMap((argument) => {
      const value = skipOuterExpressions(argument);
      const index = ts.isIdentifier(value) ? parameterIndex.get(value.text) : undefined;
      if (index === undefined) return [argument];
      return given[index] ? [given[index]] : [];
    });
  const candidates: ts.Expression[] = [returned];
  for (let index = 0; index < candidates.length && index < 16; index++) {
    const value = skipOuterExpressions(candidates[index]!);
    // `type ? Resolver(type) : Resolver()`: either branch applies the same decorator.
    if (ts.isConditionalExpression(value)) {
      candidates.push(value.whenTrue, value.whenFalse);
      continue;
    }
    if (!ts.isCallExpression(value) || !ts.isIdentifier(value.expression)) continue;
    const inner = modules.resolveName(binding.file, value.expression.text);
    if (inner?.kind !== 'external') continue;
    if (inner.module === NEST_COMMON && inner.importedName === 'applyDecorators') {
      candidates.push(...value.arguments);
      continue;
    }
    if (accepts(inner.module, inner.importedName)) {
      return { module: inner.module, name: inner.importedName, ...(origin.call ? { call: origin.call } : {}), arguments: passOn(value.arguments) };
    }
  }
  return undefined;
}

/** Whether a decorator is `name` from @nestjs/common (directly or through a local re-export). */
export function isNestDecorator(modules: ModuleIndex, file: ScannedSourceFile, decorator: ts.Decorator, names: ReadonlySet<string>): string | undefined {
  const origin = decoratorOrigin(modules, file, decorator);
  return origin?.module === NEST_COMMON && names.has(origin.name) ? origin.name : undefined;
}

/**
 * Expands the decorators of a class or method into their effects, in the order Nest applies
 * them: decorators run bottom-up and `UseGuards` appends, so the lowest decorator's guards run first.
 */
export function readDecoratorEffects(modules: ModuleIndex, file: ScannedSourceFile, node: ts.HasDecorators): DecoratorEffects {
  const effects: DecoratorEffects = { guards: [], interceptors: [], pipes: [], metadata: [] };
  const decorators = [...(ts.getDecorators(node) ?? [])].reverse();
  for (const decorator of decorators) {
    // Most decorators are documentation (@ApiResponse({...})): skip them before any text is built.
    const callee = ts.isCallExpression(decorator.expression) ? decorator.expression.expression : decorator.expression;
    if (ts.isIdentifier(callee) && DOCUMENTATION_DECORATOR.test(callee.text)) continue;
    expand(modules, file, decorator.expression, effects, lazySite(file, decorator), undefined, 0);
  }
  return effects;
}

interface DecoratorSite {
  label: string;
  file: string;
  line: number;
}

const DOCUMENTATION_DECORATOR = /^(?:Api[A-Z]\w*|HttpCode|Header|Redirect|Render|SerializeOptions)$/;

/** Where a decorator is written, computed only when a metadata mark needs it. */
function lazySite(file: ScannedSourceFile, decorator: ts.Decorator): DecoratorSite {
  let position: DecoratorSite | undefined;
  const site = () => (position ??= { label: `@${middlewareName(decorator.expression)}`, file: file.path, line: nodePosition(decorator).line });
  return {
    get label() {
      return site().label;
    },
    get file() {
      return file.path;
    },
    get line() {
      return site().line;
    },
  };
}

/** The arguments a custom decorator was called with, by parameter name, for `SetMetadata(KEY, roles)` inside it. */
interface ParameterValues {
  byName: Map<string, ts.Expression[]>;
}

function expand(
  modules: ModuleIndex,
  file: ScannedSourceFile,
  expression: ts.Expression,
  effects: DecoratorEffects,
  site: DecoratorSite,
  parameters: ParameterValues | undefined,
  depth: number,
): void {
  if (depth > MAX_DEPTH) return;
  const value = skipOuterExpressions(expression);
  const call = ts.isCallExpression(value) ? value : undefined;
  const callee = call ? skipOuterExpressions(call.expression) : value;
  const args = call ? [...call.arguments] : [];
  if (!ts.isIdentifier(callee)) return;
  // `@Allow(Permission.Owner)` imported from @vendure/core: the package's own global guard checks it,
  // whether the package is installed or its source is in the scan (a monorepo's path mapping).
  const imported = fileImports(file.sourceFile).get(callee.text);
  if (imported && FRAMEWORK_PERMISSION_DECORATORS[imported.module]?.[imported.name]) {
    const values = args.flatMap((argument) => metadataValues(skipOuterExpressions(argument), parameters));
    effects.metadata.push({ key: frameworkPermissionKey(imported.module, imported.name), flag: false, values, ...site });
    return;
  }
  const binding = modules.resolveName(file, callee.text);
  if (binding?.kind === 'external') {
    const name = binding.importedName;
    if (binding.module === NEST_COMMON) {
      if (name === 'UseGuards') effects.guards.push(...args.map((argument) => ({ expression: argument, file })));
      else if (name === 'UseInterceptors') effects.interceptors.push(...args.map((argument) => ({ expression: argument, file })));
      else if (name === 'UsePipes') effects.pipes.push(...args.map((argument) => ({ expression: argument, file })));
      else if (name === 'applyDecorators') {
        // Decorators inside applyDecorators also run bottom-up.
        for (const argument of [...args.flatMap(spreadDecorators)].reverse()) expand(modules, file, argument, effects, site, parameters, depth + 1);
      } else if (name === 'SetMetadata' && args[0]) {
        const valueArgument = args[1] && skipOuterExpressions(args[1]);
        const flag = valueArgument?.kind === ts.SyntaxKind.TrueKeyword;
        const values = valueArgument && !flag ? metadataValues(valueArgument, parameters) : [];
        const fields = valueArgument && !flag ? metadataFields(valueArgument, parameters) : undefined;
        effects.metadata.push({ key: metadataKey(modules, file, args[0]), flag, values, ...(fields ? { fields } : {}), ...site });
      } else if (name === 'Version' && args[0]) effects.versions = readVersions(modules, file, args[0]);
    } else if (binding.module === '@nestjs/throttler' && name === 'SkipThrottle') {
      const first = args[0] && skipOuterExpressions(args[0]);
      // `@SkipThrottle({ default: false })` re-enables the limiter.
      effects.skipThrottle = !(first && ts.isObjectLiteralExpression(first) && /:\s*false\b/.test(first.getText()));
    } else if (PUBLIC_DECORATOR_NAME.test(name)) {
      effects.metadata.push({ key: PUBLIC_BY_NAME, flag: true, values: [], ...site });
    }
    return;
  }
  if (binding?.kind !== 'declaration') return;
  const target = bindingValue(binding);
  if (!target) return;
  // `export const Roles = Reflector.createDecorator<Role[]>()`: the decorator itself is the key
  // (or the `{ key: 'roles' }` it is given). `Roles(roles)` inside a composite decorator stores what the composite was given.
  if (isCreateDecorator(target)) {
    const values = args.flatMap((argument) => metadataValues(skipOuterExpressions(argument), parameters));
    // `Roles([])`: an empty list is no flag and names no role; a guard that reads it checks nothing.
    if (args.length > 0 && values.length === 0) return;
    effects.metadata.push({ key: createDecoratorKey(modules, binding.file, target, binding.name), flag: values.length === 0, values, ...site });
    return;
  }
  const factory = ts.isFunctionDeclaration(target) || ts.isArrowFunction(target) || ts.isFunctionExpression(target) ? target : undefined;
  if (!factory) return;
  const returned = returnedExpression(factory);
  if (!returned) return;
  const byName = new Map<string, ts.Expression[]>();
  factory.parameters.forEach((parameter, index) => {
    if (!ts.isIdentifier(parameter.name)) return;
    byName.set(parameter.name.text, parameter.dotDotDotToken ? args.slice(index) : args[index] ? [args[index]] : []);
  });
  expand(modules, binding.file, returned, effects, site, { byName }, depth + 1);
}

/**
 * The decorators an argument of applyDecorators stands for: itself, or for `...decorators` the
 * elements of the local array it names and what the factory pushes onto it
 * (`const decorators = [ApiBearerAuth(), SetMetadata(KEY, options)]; if (x) decorators.push(ApiQuery(...));`).
 * A conditional push counts as applied: it may add a guard, and the guard is what matters.
 */
function spreadDecorators(argument: ts.Expression): ts.Expression[] {
  if (!ts.isSpreadElement(argument)) return [argument];
  const spread = skipOuterExpressions(argument.expression);
  if (!ts.isIdentifier(spread)) return [];
  const body = enclosingFunctionBody(spread);
  if (!body) return [];
  const elements: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (node !== body && ts.isFunctionLike(node)) return;
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === spread.text && node.initializer) {
      const initializer = skipOuterExpressions(node.initializer);
      if (ts.isArrayLiteralExpression(initializer)) elements.push(...initializer.elements.filter((element) => !ts.isSpreadElement(element)));
    } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'push') {
      const target = skipOuterExpressions(node.expression.expression);
      if (ts.isIdentifier(target) && target.text === spread.text) elements.push(...node.arguments.filter((element) => !ts.isSpreadElement(element)));
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return elements;
}

function enclosingFunctionBody(node: ts.Node): ts.Block | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isFunctionLike(current)) {
      const body = (current as ts.FunctionLikeDeclaration).body;
      return body && ts.isBlock(body) ? body : undefined;
    }
  }
  return undefined;
}

/** What a decorator factory returns: `() => SetMetadata(...)`, `function Auth() { return applyDecorators(...) }`. */
function returnedExpression(factory: ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression): ts.Expression | undefined {
  const body = factory.body;
  if (!body) return undefined;
  if (!ts.isBlock(body)) return body;
  for (const statement of body.statements) {
    if (ts.isReturnStatement(statement) && statement.expression) return statement.expression;
  }
  return undefined;
}

/** The values a SetMetadata call stores: literals, or the custom decorator's own arguments. */
function metadataValues(value: ts.Expression, parameters: ParameterValues | undefined): string[] {
  if (ts.isIdentifier(value)) {
    const passed = parameters?.byName.get(value.text);
    // What the custom decorator was given, read the same way (the use site's own names, not the factory's).
    if (passed) return passed.flatMap((argument) => metadataValues(skipOuterExpressions(argument), undefined));
  }
  if (ts.isArrayLiteralExpression(value)) {
    return value.elements.flatMap((element) => metadataValues(skipOuterExpressions(ts.isSpreadElement(element) ? element.expression : element), parameters));
  }
  // `SetMetadata(KEY, options || {})`, `options ?? {}`: the options given, else a default.
  if (ts.isBinaryExpression(value) && (value.operatorToken.kind === ts.SyntaxKind.BarBarToken || value.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) {
    return [...metadataValues(skipOuterExpressions(value.left), parameters), ...metadataValues(skipOuterExpressions(value.right), parameters)];
  }
  // An options bag (`@Authenticated({ admin: true, permission: Permission.UserRead })`): what it asks
  // for is its flags set to true (`admin`) and the roles or permissions it names.
  if (ts.isObjectLiteralExpression(value)) {
    return value.properties.flatMap((property) => {
      if (!ts.isPropertyAssignment(property)) return [];
      const name = propertyNameText(property.name);
      const assigned = skipOuterExpressions(property.initializer);
      if (!name) return [];
      if (assigned.kind === ts.SyntaxKind.TrueKeyword) return ACCESS_OPTION.test(name) ? [name] : [];
      return ACCESS_OPTION.test(name) ? metadataValues(assigned, parameters) : [];
    });
  }
  return readNames([value]);
}

/** The literal strings an options object stores per property (`{ argumentPath }` given `'where.id'` where the decorator is applied). */
function metadataFields(value: ts.Expression, parameters: ParameterValues | undefined): Record<string, string[]> | undefined {
  if (!ts.isObjectLiteralExpression(value)) return undefined;
  const literals = (expression: ts.Expression): string[] => {
    const inner = skipOuterExpressions(expression);
    if (ts.isStringLiteralLike(inner)) return [inner.text];
    // The decorator's own parameter: what the route's decorator was given there.
    const passed = ts.isIdentifier(inner) ? parameters?.byName.get(inner.text) : undefined;
    return passed ? passed.flatMap((argument) => literals(argument)) : [];
  };
  const fields: Record<string, string[]> = {};
  for (const property of value.properties) {
    if (!ts.isPropertyAssignment(property) && !ts.isShorthandPropertyAssignment(property)) continue;
    const name = propertyNameText(property.name);
    if (!name) continue;
    const strings = literals(ts.isPropertyAssignment(property) ? property.initializer : property.name);
    if (strings.length > 0) fields[name] = strings;
  }
  return Object.keys(fields).length > 0 ? fields : undefined;
}

/** Options of an auth decorator that ask for a role or permission (`admin: true`, `roles: [...]`, `permission: X`); others (`sharedLink: true`) ask for none. */
const ACCESS_OPTION = /^(?:is)?(?:admin|super_?admin|staff|roles?|permissions?|scopes?|groups?|privileges?)$/i;

/**
 * A metadata key as a comparable string: the string it holds when static (so `'isPublic'` in a
 * decorator and `IS_PUBLIC_KEY` in a guard match), `decorator:<Name>` for Reflector.createDecorator.
 */
export function metadataKey(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression): string {
  const value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value)) {
    const binding = modules.resolveName(file, value.text);
    const target = bindingValue(binding);
    if (binding?.kind === 'declaration' && target && isCreateDecorator(target)) return createDecoratorKey(modules, binding.file, target, binding.name);
  }
  const strings = staticStrings(modules, file, value);
  return strings?.length === 1 ? strings[0]! : `name:${value.getText()}`;
}

function isCreateDecorator(node: ts.Node): node is ts.CallExpression {
  return ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'createDecorator';
}

/** `Reflector.createDecorator({ key: 'roles' })` stores under 'roles' (a guard may read either); without a key, under the decorator itself. */
function createDecoratorKey(modules: ModuleIndex, file: ScannedSourceFile, call: ts.CallExpression, name: string): string {
  const options = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
  const key = options && ts.isObjectLiteralExpression(options) ? propertyValue(options, 'key') : undefined;
  const strings = key ? staticStrings(modules, file, key) : undefined;
  return strings?.length === 1 ? strings[0]! : `decorator:${name}`;
}

/** `'2'`, `['1', '2']`, `VERSION_NEUTRAL`. */
export function readVersions(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression): string[] | 'neutral' | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value) && value.text === 'VERSION_NEUTRAL') return 'neutral';
  if (ts.isArrayLiteralExpression(value) && value.elements.some((element) => ts.isIdentifier(element) && element.text === 'VERSION_NEUTRAL')) {
    // A neutral entry in a list serves the unversioned path too; the listed versions are what the inventory shows.
    const listed = value.elements.filter((element) => !(ts.isIdentifier(element) && element.text === 'VERSION_NEUTRAL'));
    return listed.flatMap((element) => staticStrings(modules, file, element) ?? []);
  }
  return staticStrings(modules, file, value);
}

const REFLECTOR_READS = new Set(['get', 'getAll', 'getAllAndOverride', 'getAllAndMerge', 'getMetadata']);

/** The metadata keys a guard class reads with the Reflector (`this.reflector.getAllAndOverride(IS_PUBLIC_KEY, ...)`), memoized per class. */
export class MetadataReads {
  private readonly cache = new Map<ts.Node, Set<string>>();

  constructor(private readonly modules: ModuleIndex) {}

  of(file: ScannedSourceFile, node: ts.ClassLikeDeclaration): Set<string> {
    const cached = this.cache.get(node);
    if (cached) return cached;
    const keys = new Set<string>(reflectorReads(this.modules, file, node));
    // `const options = getAuthenticatedOptions(this.reflector, context.getHandler())`: a helper
    // function outside the class reads the metadata for the guard (and may be shared with others).
    for (const helper of metadataReadingHelpers(this.modules, file, node)) for (const key of helper.keys) keys.add(key);
    if ([...keys].some((key) => PUBLIC_KEY_NAME.test(key))) keys.add(PUBLIC_BY_NAME);
    this.cache.set(node, keys);
    return keys;
  }

  /**
   * The keys the guard reads only inside a `catch`, after authentication failed: `@EnsureLogin()` read to
   * redirect the failed request to the sign-in page instead of answering 401. Such a flag changes how the
   * guard refuses, never whether it lets the route through.
   */
  readOnlyAfterFailure(file: ScannedSourceFile, node: ts.ClassLikeDeclaration): Set<string> {
    const inCatch = new Set<string>();
    const elsewhere = new Set<string>();
    const visit = (child: ts.Node, caught: boolean): void => {
      if (ts.isCallExpression(child) && ts.isPropertyAccessExpression(child.expression) && REFLECTOR_READS.has(child.expression.name.text) && child.arguments[0] && /reflector|\bReflect\b/i.test(child.expression.expression.getText())) {
        (caught ? inCatch : elsewhere).add(metadataKey(this.modules, file, child.arguments[0]));
      }
      ts.forEachChild(child, (grandchild) => visit(grandchild, caught || ts.isCatchClause(child)));
    };
    ts.forEachChild(node, (child) => visit(child, false));
    return new Set([...inCatch].filter((key) => !elsewhere.has(key)));
  }
}

/** The metadata keys read with the Reflector anywhere inside a node (`this.reflector.getAllAndOverride(KEY, ...)`). */
function reflectorReads(modules: ModuleIndex, file: ScannedSourceFile, node: ts.Node): Set<string> {
  const keys = new Set<string>();
  const visit = (child: ts.Node): void => {
    if (ts.isCallExpression(child) && ts.isPropertyAccessExpression(child.expression) && REFLECTOR_READS.has(child.expression.name.text) && child.arguments[0]) {
      const receiver = child.expression.expression.getText();
      if (/reflector|\bReflect\b/i.test(receiver)) keys.add(metadataKey(modules, file, child.arguments[0]));
    }
    ts.forEachChild(child, visit);
  };
  ts.forEachChild(node, visit);
  return keys;
}

/**
 * Calls inside a node to project functions outside it that read route metadata with the Reflector
 * (`getAuthenticatedOptions(this.reflector, context.getHandler())`, a helper the guard shares with
 * the code that documents the API): each call, with the keys its function reads. One level deep:
 * the helper that reads is the one the guard calls.
 */
export function metadataReadingHelpers(modules: ModuleIndex, file: ScannedSourceFile, node: ts.Node): { call: ts.CallExpression; keys: Set<string> }[] {
  const found: { call: ts.CallExpression; keys: Set<string> }[] = [];
  const visit = (child: ts.Node): void => {
    // A helper function, or a method of the guard itself (`this.getSpecifiedThrottler(context)`).
    const callee = ts.isCallExpression(child) ? skipOuterExpressions(child.expression) : undefined;
    if (callee && ts.isCallExpression(child) && (ts.isIdentifier(callee) || (ts.isPropertyAccessExpression(callee) && callee.expression.kind === ts.SyntaxKind.ThisKeyword))) {
      const helper = resolveFunction(modules, file, child.expression);
      const body = helper?.node.body;
      if (helper && body && !isWithin(helper.node, node)) {
        const keys = reflectorReads(modules, helper.file, body);
        if (keys.size > 0) found.push({ call: child, keys });
      }
    }
    ts.forEachChild(child, visit);
  };
  ts.forEachChild(node, visit);
  return found;
}

function isWithin(inner: ts.Node, outer: ts.Node): boolean {
  for (let current: ts.Node | undefined = inner; current; current = current.parent) if (current === outer) return true;
  return false;
}
