import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../types.js';
import { enclosingClass, fieldTypeName, isFunctionLike, propertyNameText, returnedExpressions, skipOuterExpressions } from '../ast/syntax.js';
import { bindingValue, requiredModule, type Binding, type ModuleIndex } from './module-index.js';
import { localBinding, localDeclaration, localInitializer } from './locals.js';
import { destructuredFrom, heldByName, heldContainer, stepInto } from './typed-members.js';
import { contextMemberClass, contextMemberRead } from './context-members.js';
import { instanceDecoration } from './instance-decorations.js';

/** A function found for an expression, with the file it is written in. */
export interface ResolvedFunction {
  readonly file: ScannedSourceFile;
  readonly node: ts.SignatureDeclaration & { body?: ts.ConciseBody | ts.Block };
  /** `getOrder`, `OrdersController.findOne`, `<anonymous>` */
  readonly name: string;
}

/**
 * Answers of resolveFunction for a callee node, per module index (one per scan). Rules and engine
 * passes ask about the same callees again and again (42k questions, 14k callees on the bench
 * corpus); the answer depends only on the syntax trees and the index. Answers are shared objects,
 * hence readonly.
 */
const resolvedCache = new WeakMap<ModuleIndex, WeakMap<ts.Node, ResolvedFunction | null>>();

const MAX_DEPTH = 8;

/**
 * The function an expression evaluates to, across files: an inline function, a name bound to a
 * function (imported, required, re-exported), `obj.method` / `Class.method` / `instance.method`,
 * `fn.bind(x)`, and wrappers such as `asyncHandler(fn)`, `catchAsync(fn)`, `wrap(fn)` whose only
 * function argument is the real handler. Undefined when it is not a function we can see.
 */
export function resolveFunction(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression, depth = 0): ResolvedFunction | undefined {
  if (depth > 0) return resolveFunctionUncached(modules, file, expression, depth);
  let cache = resolvedCache.get(modules);
  if (!cache) resolvedCache.set(modules, (cache = new WeakMap()));
  const known = cache.get(expression);
  if (known !== undefined) return known ?? undefined;
  const resolved = resolveFunctionUncached(modules, file, expression, 0);
  cache.set(expression, resolved ?? null);
  return resolved;
}

function resolveFunctionUncached(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression, depth: number): ResolvedFunction | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const value = skipOuterExpressions(expression);
  if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) {
    return { file, node: value, name: value.name?.text ?? nameFromContext(value) };
  }
  if (ts.isIdentifier(value)) {
    const local = findLocalFunction(file, value);
    if (local) return local;
    const declaration = localDeclaration(value);
    // `const { rawQuery, getDateSQL } = prisma` inside a query function: the member of what is destructured.
    const localDestructured = destructuredMember(declaration, value.text);
    if (localDestructured) {
      const member = resolveMember(modules, file, localDestructured.owner, localDestructured.key, depth + 1);
      if (member) return member;
    }
    // `const { users: { deleteUserById } } = queries` where `queries` came from a parameter typed with the app's
    // service container (`...[router, { queries }]: RouterInitArgs`): the member its declarations lead to.
    const typed = destructuredFrom(modules, file, value);
    const typedContainer = typed && heldContainer(modules, typed.owner);
    if (typedContainer) {
      const member = memberOf(modules, typedContainer.file, typedContainer.node, typed.key, depth + 1);
      if (member) return member;
    }
    // `const { authorize } = await import('./auth.server')` inside the function (a lazy load that keeps
    // a server module out of a client bundle): the export it loads, below, as an import would name it.
    const loaded = declaration?.initializer !== undefined && requiredModule(declaration.initializer) !== undefined;
    // `const isLoggedIn = sessionHandler.isLoggedInMiddleware` inside a setup function: what it names.
    const initializer = loaded ? undefined : localInitializer(value);
    if (initializer && (ts.isPropertyAccessExpression(initializer) || ts.isCallExpression(initializer))) return resolveFunction(modules, file, initializer, depth + 1);
    const binding = loaded ? modules.resolveIdentifier(file, value, declaration) : modules.resolveName(file, value.text);
    if (!binding || binding.kind !== 'declaration') return undefined;
    // The same at module level: `const { rawQuery } = db;` beside the functions that call it.
    const moduleDestructured = ts.isVariableDeclaration(binding.node) ? destructuredMember(binding.node, binding.name) : undefined;
    if (moduleDestructured) return resolveMember(modules, binding.file, moduleDestructured.owner, moduleDestructured.key, depth + 1);
    const target = bindingValue(binding);
    if (!target) return undefined;
    if (ts.isFunctionDeclaration(target)) return { file: binding.file, node: target, name: target.name?.text ?? value.text };
    if (ts.isExpression(target)) return resolveFunction(modules, binding.file, target, depth + 1);
    return undefined;
  }
  if (ts.isPropertyAccessExpression(value)) {
    if (value.name.text === 'bind' || value.name.text === 'call') return resolveFunction(modules, file, value.expression, depth + 1);
    return resolveMember(modules, file, value.expression, value.name.text, depth);
  }
  if (ts.isCallExpression(value)) {
    // `fn.bind(this)` and wrappers: the handler is the wrapped function.
    const callee = skipOuterExpressions(value.expression);
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'bind') return resolveFunction(modules, file, callee.expression, depth + 1);
    const functionArguments = value.arguments.filter((argument) => isFunctionLike(skipOuterExpressions(argument)) || ts.isIdentifier(argument) || ts.isPropertyAccessExpression(argument) || ts.isCallExpression(argument));
    if (functionArguments.length === 1) {
      const wrapped = resolveFunction(modules, file, functionArguments[0]!, depth + 1);
      if (wrapped) return wrapped;
    }
    // Handler factories: `login()` where `export function login() { return (req, res) => {...} }`.
    const factory = resolveFunction(modules, file, callee, depth + 1);
    const produced = factory && returnedFunction(factory);
    if (produced) return produced;
  }
  return undefined;
}

/**
 * The method `x.method(...)` calls when `x` is a parameter or local declared with one of the project's
 * classes as its type (`habitDto: CreateHabitRequestDto`, a DTO instance the framework built from the
 * request). Only the declared class's own (or inherited) method: a value of that type is an instance of it.
 */
export function typedReceiverMethod(modules: ModuleIndex, file: ScannedSourceFile, callee: ts.Expression): ResolvedFunction | undefined {
  // Asked for every method a flow calls on request data (`.trim()`, `.toLowerCase()`), once per callee.
  let cache = typedMethodCache.get(modules);
  if (!cache) typedMethodCache.set(modules, (cache = new WeakMap()));
  const known = cache.get(callee);
  if (known !== undefined) return known ?? undefined;
  const method = typedReceiverMethodUncached(modules, file, callee);
  cache.set(callee, method ?? null);
  return method;
}

const typedMethodCache = new WeakMap<ModuleIndex, WeakMap<ts.Node, ResolvedFunction | null>>();

function typedReceiverMethodUncached(modules: ModuleIndex, file: ScannedSourceFile, callee: ts.Expression): ResolvedFunction | undefined {
  const value = skipOuterExpressions(callee);
  if (!ts.isPropertyAccessExpression(value)) return undefined;
  const receiver = skipOuterExpressions(value.expression);
  if (!ts.isIdentifier(receiver)) return undefined;
  const declared = localBinding(receiver)?.type;
  if (!declared || !ts.isTypeReferenceNode(declared) || !ts.isIdentifier(declared.typeName)) return undefined;
  const binding = modules.resolveName(file, declared.typeName.text);
  if (binding?.kind !== 'declaration') return undefined;
  const target = bindingValue(binding);
  return target && ts.isClassLike(target) ? memberOf(modules, binding.file, target, value.name.text, 1) : undefined;
}

/** `Foo.bar`, `foo.bar` where foo is an object literal, a class, `new Class()`, or an imported namespace. */
function resolveMember(modules: ModuleIndex, file: ScannedSourceFile, owner: ts.Expression, member: string, depth: number): ResolvedFunction | undefined {
  const ownerValue = skipOuterExpressions(owner);
  if (ownerValue.kind === ts.SyntaxKind.ThisKeyword) {
    const enclosing = enclosingClass(ownerValue);
    return enclosing && memberOf(modules, file, enclosing, member, depth);
  }
  // `super.baseLogin(...)`: the method the class it extends declares (or inherits).
  if (ownerValue.kind === ts.SyntaxKind.SuperKeyword) {
    const enclosing = enclosingClass(ownerValue);
    const base = enclosing && baseClassOf(modules, file, enclosing);
    return base && memberOf(modules, base.file, base.node, member, depth + 1);
  }
  if (ts.isPropertyAccessExpression(ownerValue) && ownerValue.expression.kind === ts.SyntaxKind.ThisKeyword) {
    // this.ordersService.findOne: the field's declared type names the class (NestJS constructor injection).
    const enclosing = enclosingClass(ownerValue);
    const typeName = enclosing && fieldTypeName(enclosing, ownerValue.name.text);
    if (!typeName) return undefined;
    const binding = modules.resolveName(file, typeName);
    const target = bindingValue(binding);
    return binding?.kind === 'declaration' && target ? memberOf(modules, binding.file, target, member, depth + 1) : undefined;
  }
  // `ctx.messageModel.update`: the instance an RPC middleware put on the procedure context (context-members.ts).
  const contextRead = contextMemberRead(ownerValue);
  const contextClass = contextRead && contextMemberClass(modules, contextRead);
  if (contextClass) return memberOf(modules, contextClass.file, contextClass.node, member, depth + 1);
  if (ts.isIdentifier(ownerValue)) {
    // A local of the function around the use: `const sessionHandler = new SessionHandler(db)` inside a route setup function.
    const local = localInitializer(ownerValue);
    if (local && (ts.isNewExpression(local) || ts.isObjectLiteralExpression(local))) return memberOf(modules, file, local, member, depth + 1);
    // `const provider = injector.get(OIDCIntegrationsProvider); await provider.update(...)`: the instance a
    // dependency-injection lookup handed back, kept in a local first (read as the lookup itself, below).
    const injected = local && isDependencyLookup(local) ? resolveMember(modules, file, local, member, depth + 1) : undefined;
    if (injected) return injected;
    // A parameter typed with a project class, or a name destructured from one (`organizations: OrganizationQueries`).
    const held = local ? undefined : heldByName(modules, file, ownerValue);
    const heldNode = held && heldContainer(modules, held);
    if (heldNode) return memberOf(modules, heldNode.file, heldNode.node, member, depth + 1);
    // `function authorize(request, deps = { verifyKey, findUser }) { deps.verifyKey(...) }`: dependencies a
    // test may swap, whose default is what the routes that omit them run.
    const parameter = local ? undefined : localBinding(ownerValue);
    const defaults = parameter && ts.isParameter(parameter) && parameter.initializer ? skipOuterExpressions(parameter.initializer) : undefined;
    if (defaults && ts.isObjectLiteralExpression(defaults)) return memberOf(modules, file, defaults, member, depth + 1);
    const binding = modules.resolveName(file, ownerValue.text);
    if (binding?.kind === 'namespace') return namespaceMember(modules, binding.file, member, depth);
    if (binding?.kind !== 'declaration') return undefined;
    const target = bindingValue(binding);
    if (!target) return undefined;
    return memberOf(modules, binding.file, target, member, depth);
  }
  // `query.link.find(...)`: a module of functions gathered into an object another module exports
  // (`module.exports = { link, user }` beside `const link = require('./link.queries')`), or a
  // namespace's member that is itself a module or an object of functions.
  if (ts.isPropertyAccessExpression(ownerValue)) {
    const container = memberContainer(modules, file, ownerValue, depth + 1);
    if (container?.kind === 'namespace') return namespaceMember(modules, container.file, member, depth);
    if (container) return memberOf(modules, container.file, container.node, member, depth + 1);
  }
  if (ts.isNewExpression(ownerValue) || ts.isObjectLiteralExpression(ownerValue)) return memberOf(modules, file, ownerValue, member, depth);
  // `require('./resolver/Query/getUser').func`: an export of the module required in place (resolver
  // maps and route tables listing one file per handler).
  if (ts.isCallExpression(ownerValue) && requiredModule(ownerValue) !== undefined) {
    const container = memberContainer(modules, file, ownerValue, depth + 1);
    if (container?.kind === 'namespace') return namespaceMember(modules, container.file, member, depth);
    if (container) return memberOf(modules, container.file, container.node, member, depth + 1);
    return undefined;
  }
  // A dependency-injection lookup by class: graphql-modules `injector.get(OrganizationManager)`, Nest
  // `moduleRef.get(UsersService)`, typedi `Container.get(X)`, tsyringe `container.resolve(X)`.
  if (isDependencyLookup(ownerValue)) {
    const token = skipOuterExpressions(ownerValue.arguments[0]!);
    if (!ts.isIdentifier(token)) return undefined;
    const binding = modules.resolveName(file, token.text);
    const target = bindingValue(binding);
    return binding?.kind === 'declaration' && target && (ts.isClassDeclaration(target) || ts.isClassExpression(target)) ? memberOf(modules, binding.file, target, member, depth + 1) : undefined;
  }
  // `const { loader, action } = createRoute(options, handler)`, `createStore().get`: a member of what a
  // project factory returns, as for `const store = createStore(); store.get` (memberOf reads the factory).
  if (ts.isCallExpression(ownerValue)) return memberOf(modules, file, ownerValue, member, depth + 1);
  return undefined;
}

/**
 * The object and key a name is destructured from: `rawQuery` in `const { rawQuery, getDateSQL } = prisma`
 * is `prisma`'s member `rawQuery`, and `run` in `const { query: run } = db` is `db`'s member `query`.
 * Only a plain element of the top pattern (no nesting, no rest) of a declaration with an initializer;
 * a `require(...)` initializer is an import, which ModuleIndex already resolves.
 */
function destructuredMember(declaration: ts.VariableDeclaration | undefined, name: string): { owner: ts.Expression; key: string } | undefined {
  if (!declaration?.initializer || !ts.isObjectBindingPattern(declaration.name) || requiredModule(declaration.initializer) !== undefined) return undefined;
  for (const element of declaration.name.elements) {
    if (element.dotDotDotToken || !ts.isIdentifier(element.name) || element.name.text !== name) continue;
    const key = element.propertyName ? propertyNameText(element.propertyName) : name;
    return key === undefined ? undefined : { owner: declaration.initializer, key };
  }
  return undefined;
}

/** An export of a module reached as a namespace (`import * as orders`, `require('./orders')` of a module with named exports). */
function namespaceMember(modules: ModuleIndex, namespaceFile: ScannedSourceFile, member: string, depth: number): ResolvedFunction | undefined {
  const exported = modules.resolveExport(namespaceFile, member);
  const target = bindingValue(exported);
  if (exported?.kind !== 'declaration' || !target) return undefined;
  if (ts.isFunctionDeclaration(target)) return { file: exported.file, node: target, name: member };
  if (ts.isExpression(target)) return resolveFunction(modules, exported.file, target, depth + 1);
  return undefined;
}

/** What holds members: a module's exports, or a node memberOf reads (an object literal, a class, an instance). */
type MemberContainer = { kind: 'namespace'; file: ScannedSourceFile } | { kind: 'node'; file: ScannedSourceFile; node: ts.Node };

/**
 * The object or module an expression names, for a member read on it: `query.link` where `query` is
 * `require('./queries')` and that module exports `{ link }` with `link = require('./link.queries')`.
 * Only names, members and requires are followed: a call's result is an instance memberOf reads itself.
 */
function memberContainer(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression, depth: number): MemberContainer | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const value = skipOuterExpressions(expression);
  const required = requiredModule(value);
  if (required !== undefined && ts.isCallExpression(value)) {
    const target = modules.resolveImport(file, required);
    if (!target) return undefined;
    return containerOfBinding(modules.resolveExport(target, 'default')) ?? { kind: 'namespace', file: target };
  }
  if (ts.isIdentifier(value)) {
    const local = localInitializer(value);
    if (local && (ts.isNewExpression(local) || ts.isObjectLiteralExpression(local))) return { kind: 'node', file, node: local };
    // `const secretService = secretServiceFactory({ secretDAL, permissionService })` in a start-up function:
    // the object the factory returns (memberOf reads a call through factoryInstanceMembers).
    if (local && ts.isCallExpression(skipOuterExpressions(local)) && requiredModule(skipOuterExpressions(local)) === undefined) return { kind: 'node', file, node: skipOuterExpressions(local) };
    // `queries.users` where `queries` came from a parameter typed with the app's service container.
    const held = local ? undefined : heldByName(modules, file, value);
    const heldNode = held && heldContainer(modules, held);
    if (heldNode) return { kind: 'node', ...heldNode };
    return containerOfBinding(modules.resolveName(file, value.text));
  }
  if (ts.isObjectLiteralExpression(value)) return { kind: 'node', file, node: value };
  if (!ts.isPropertyAccessExpression(value)) return undefined;
  const member = value.name.text;
  const owner = memberContainer(modules, file, value.expression, depth + 1);
  if (!owner) {
    // `server.services`, `req.server.services`: what the application decorated its instance with.
    const decoration = instanceDecoration(modules, member);
    return decoration ? memberContainer(modules, decoration.file, decoration.value, depth + 1) : undefined;
  }
  if (owner.kind === 'namespace') return containerOfBinding(modules.resolveExport(owner.file, member));
  if (ts.isClassLike(owner.node) || ts.isNewExpression(owner.node)) {
    // A field of a class the declarations led to: `users = createUserQueries(this.pool)`, `relations = new Relations(pool)`.
    const field = stepInto(modules, { kind: 'value', node: owner.node, file: owner.file }, member, 0);
    const fieldNode = field && heldContainer(modules, field);
    return fieldNode ? { kind: 'node', ...fieldNode } : undefined;
  }
  if (!ts.isObjectLiteralExpression(owner.node)) return undefined;
  for (const property of owner.node.properties) {
    if (ts.isPropertyAssignment(property) && propertyNameText(property.name) === member) return memberContainer(modules, owner.file, property.initializer, depth + 1);
    if (ts.isShorthandPropertyAssignment(property) && property.name.text === member) return memberContainer(modules, owner.file, property.name, depth + 1);
  }
  return undefined;
}

function containerOfBinding(binding: Binding | undefined): MemberContainer | undefined {
  if (binding?.kind === 'namespace') return binding;
  const target = bindingValue(binding);
  return binding?.kind === 'declaration' && target ? { kind: 'node', file: binding.file, node: target } : undefined;
}

/** Methods that hand back the instance a container holds for a class given as their argument. */
const DI_LOOKUP_METHODS: ReadonlySet<string> = new Set(['get', 'resolve', 'getOrThrow']);

/** `injector.get(X)`, `moduleRef.resolve(X)`: a call of a dependency-injection lookup method with an argument. */
function isDependencyLookup(value: ts.Expression): value is ts.CallExpression & { expression: ts.PropertyAccessExpression } {
  return ts.isCallExpression(value) && value.arguments.length >= 1 && ts.isPropertyAccessExpression(value.expression) && DI_LOOKUP_METHODS.has(value.expression.name.text);
}

/** The implementation after a method's overload signatures (`set(key: K): T; set(key: string): unknown; set(key) { ... }`). */
function implementationOf(container: ts.ClassLikeDeclaration, signature: ts.MethodDeclaration): ts.MethodDeclaration | undefined {
  const name = propertyNameText(signature.name);
  const isStatic = ts.getCombinedModifierFlags(signature) & ts.ModifierFlags.Static;
  return container.members.find((element): element is ts.MethodDeclaration => ts.isMethodDeclaration(element) && element.body !== undefined && propertyNameText(element.name) === name && (ts.getCombinedModifierFlags(element) & ts.ModifierFlags.Static) === isStatic);
}

function memberOf(modules: ModuleIndex, file: ScannedSourceFile, container: ts.Node, member: string, depth: number): ResolvedFunction | undefined {
  // A TypeScript namespace (`export module Util { export function handler(...) {...} }`, `namespace Orders { ... }`):
  // its exported functions are members, as a module's exports are.
  if (ts.isModuleDeclaration(container)) {
    let body = container.body;
    while (body && ts.isModuleDeclaration(body)) body = body.body;
    if (!body || !ts.isModuleBlock(body)) return undefined;
    for (const statement of body.statements) {
      if (ts.isFunctionDeclaration(statement) && statement.name?.text === member && statement.body) return { file, node: statement, name: `${container.name.text}.${member}` };
      if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          if (ts.isIdentifier(declaration.name) && declaration.name.text === member && declaration.initializer) return resolveFunction(modules, file, declaration.initializer, depth + 1);
        }
      }
    }
    return undefined;
  }
  if (ts.isClassDeclaration(container) || ts.isClassExpression(container)) {
    const className = container.name?.text ?? '<class>';
    for (const element of container.members) {
      if ((ts.isMethodDeclaration(element) || ts.isPropertyDeclaration(element)) && element.name && propertyNameText(element.name) === member) {
        // Overload signatures have no body: the implementation that follows them is the method
        // (an abstract or declared method has none at all, and is the method then).
        if (ts.isMethodDeclaration(element)) return { file, node: element.body ? element : (implementationOf(container, element) ?? element), name: `${className}.${member}` };
        if (element.initializer && isFunctionLike(skipOuterExpressions(element.initializer))) {
          return { file, node: skipOuterExpressions(element.initializer) as ts.ArrowFunction, name: `${className}.${member}` };
        }
        // `getCurrentUser = share(async () => {...})`, `memoize(fn)`, `once(fn)`: a wrapper around one function runs that function.
        const wrapped = element.initializer && skipOuterExpressions(element.initializer);
        const inner = wrapped && ts.isCallExpression(wrapped) && wrapped.arguments.length >= 1 ? skipOuterExpressions(wrapped.arguments.at(-1)!) : undefined;
        if (inner && isFunctionLike(inner)) return { file, node: inner as ts.ArrowFunction, name: `${className}.${member}` };
      }
    }
    // Inherited: `class AuthResolver extends BaseAuthResolver` calls `this.authenticateAndCreateSession()`.
    const base = depth < 6 ? baseClassOf(modules, file, container) : undefined;
    return base && memberOf(modules, base.file, base.node, member, depth + 1);
  }
  // A constructor function (ES5 and CommonJS code): `function SessionHandler(db) { this.login = (req, res) => {...} }`
  // or `SessionHandler.prototype.login = function (req, res) {...}` beside it.
  if ((ts.isFunctionDeclaration(container) || ts.isFunctionExpression(container)) && container.body) {
    return constructorMember(modules, file, container, member, depth);
  }
  // `const auth = getAuthConnection(); auth.middleware`: the instance a project factory returns. When the
  // factory picks one of several classes, the member is known only when every class has it and they are one.
  if (ts.isCallExpression(container)) {
    const alternatives = factoryInstanceMembers(modules, file, container, member, depth + 1);
    if (alternatives.length === 1) return alternatives[0];
    // `const ordersController = wrapController(ordersControllerRaw)`: a wrapper that maps every function of
    // the object it is given (error handling, tracing) has the same members, each running the original.
    const wrapped = container.arguments.length === 1 ? keyWiseWrapped(modules, file, container) : undefined;
    return wrapped ? resolveMember(modules, file, wrapped, member, depth + 1) : undefined;
  }
  if (ts.isNewExpression(container)) {
    const constructed = skipOuterExpressions(container.expression);
    if (!ts.isIdentifier(constructed)) return undefined;
    const binding = modules.resolveName(file, constructed.text);
    const target = bindingValue(binding);
    if (binding?.kind === 'declaration' && target) return memberOf(modules, binding.file, target, member, depth + 1);
    return undefined;
  }
  if (ts.isObjectLiteralExpression(container)) {
    for (const property of container.properties) {
      if (ts.isMethodDeclaration(property) && propertyNameText(property.name) === member) return { file, node: property, name: member };
      if (ts.isPropertyAssignment(property) && propertyNameText(property.name) === member) {
        return resolveFunction(modules, file, property.initializer, depth + 1);
      }
      if (ts.isShorthandPropertyAssignment(property) && property.name.text === member) {
        return resolveFunction(modules, file, property.name, depth + 1);
      }
    }
  }
  return undefined;
}


function constructorMember(modules: ModuleIndex, file: ScannedSourceFile, constructor: ts.FunctionDeclaration | ts.FunctionExpression, member: string, depth: number): ResolvedFunction | undefined {
  const assigned = (statement: ts.Statement, owner: (target: ts.Expression) => boolean): ts.Expression | undefined => {
    if (!ts.isExpressionStatement(statement) || !ts.isBinaryExpression(statement.expression) || statement.expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
    const target = statement.expression.left;
    return ts.isPropertyAccessExpression(target) && target.name.text === member && owner(target.expression) ? statement.expression.right : undefined;
  };
  for (const statement of constructor.body!.statements) {
    const value = assigned(statement, (target) => target.kind === ts.SyntaxKind.ThisKeyword);
    const found = value && resolveFunction(modules, file, value, depth + 1);
    if (found) return constructor.name ? { ...found, name: `${constructor.name.text}.${member}` } : found;
  }
  const name = constructor.name?.text ?? (ts.isVariableDeclaration(constructor.parent) && ts.isIdentifier(constructor.parent.name) ? constructor.parent.name.text : undefined);
  if (!name) return undefined;
  const isPrototype = (target: ts.Expression): boolean => ts.isPropertyAccessExpression(target) && target.name.text === 'prototype' && ts.isIdentifier(target.expression) && target.expression.text === name;
  for (const statement of file.sourceFile.statements) {
    const value = assigned(statement, isPrototype);
    if (value) return resolveFunction(modules, file, value, depth + 1);
    // `SessionHandler.prototype = { login(req, res) {...} }`
    if (ts.isExpressionStatement(statement) && ts.isBinaryExpression(statement.expression) && statement.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken && isPrototype(statement.expression.left)) {
      const literal = skipOuterExpressions(statement.expression.right);
      if (ts.isObjectLiteralExpression(literal)) {
        const found = memberOf(modules, file, literal, member, depth + 1);
        if (found) return found;
      }
    }
  }
  return undefined;
}

/**
 * The member of each instance a project factory can return: `getAuthConnection()` whose body returns
 * `usingOpenId() ? new OpenIdAuthConnection() : new LocalAuthConnection()` (a strategy chosen at
 * start-up) gives both classes' `middleware`. Empty when a returned value is not a `new` of a class
 * the project declares with that member, so callers never judge only some of the alternatives.
 */
function factoryInstanceMembers(modules: ModuleIndex, file: ScannedSourceFile, call: ts.CallExpression, member: string, depth: number): ResolvedFunction[] {
  if (depth > MAX_DEPTH) return [];
  const factory = resolveFunction(modules, file, call.expression, depth + 1);
  const body = factory?.node.body;
  if (!factory || !body) return [];
  const returned = returnedExpressions(body);
  const instances: ts.Expression[] = [];
  const branches = (expression: ts.Expression): void => {
    const value = skipOuterExpressions(expression);
    if (ts.isConditionalExpression(value)) {
      branches(value.whenTrue);
      branches(value.whenFalse);
    } else instances.push(value);
  };
  returned.forEach(branches);
  if (instances.length === 0) return [];
  const members: ResolvedFunction[] = [];
  for (const instance of instances) {
    const container = instanceContainer(modules, factory.file, instance);
    const found = container && memberOf(modules, container.file, container.node, member, depth + 1);
    if (!found) return [];
    if (!members.some((known) => known.node === found.node)) members.push(found);
  }
  return members;
}

/**
 * What a factory hands back, as something memberOf can read: `new DiskStore()`, or an injected field
 * of the factory's class (`this.bucketStore`, declared `private bucketStore: BucketStore` in the
 * constructor) as the project class its type names. A service that picks its storage backend per
 * call (`return useBucket ? this.bucketStore : this.diskStore`) returns one of those instances.
 */
function instanceContainer(modules: ModuleIndex, file: ScannedSourceFile, instance: ts.Expression): { file: ScannedSourceFile; node: ts.Node } | undefined {
  // A factory of closures (`return { getSecret, deleteSecret }`) is read like an instance: its object's members.
  if (ts.isNewExpression(instance) || ts.isObjectLiteralExpression(instance)) return { file, node: instance };
  if (!ts.isPropertyAccessExpression(instance) || instance.expression.kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  const enclosing = enclosingClass(instance);
  const typeName = enclosing && fieldTypeName(enclosing, instance.name.text);
  const binding = typeName ? modules.resolveName(file, typeName) : undefined;
  const target = bindingValue(binding);
  return binding?.kind === 'declaration' && target && (ts.isClassDeclaration(target) || ts.isClassExpression(target)) ? { file: binding.file, node: target } : undefined;
}

/**
 * The object a call wraps member by member: the callee is a project function whose parameter's keys it
 * walks (`Object.keys(controller).forEach(...)`, `Object.entries(controller)`, `for (const key in controller)`)
 * to build an object of the same keys. Undefined for any other call.
 */
function keyWiseWrapped(modules: ModuleIndex, file: ScannedSourceFile, call: ts.CallExpression): ts.Expression | undefined {
  const argument = skipOuterExpressions(call.arguments[0]!);
  if (!ts.isIdentifier(argument) && !ts.isObjectLiteralExpression(argument)) return undefined;
  const wrapper = resolveFunction(modules, file, call.expression, 1);
  const parameter = wrapper?.node.parameters[0]?.name;
  const body = wrapper?.node.body;
  if (!wrapper || !body || !parameter || !ts.isIdentifier(parameter) || wrapper.node.parameters.length !== 1) return undefined;
  const name = parameter.text.replace(/\$/g, '\\$');
  const walksKeys = new RegExp(`\\bObject\\.(?:keys|entries)\\s*\\(\\s*${name}\\s*\\)|\\bfor\\s*\\(\\s*(?:const|let|var)\\s+[\\w$]+\\s+in\\s+${name}\\s*\\)`);
  return walksKeys.test(body.getText(wrapper.node.getSourceFile())) ? argument : undefined;
}

/**
 * The project functions a call may run: the one its callee names, else the member of each instance a
 * project factory may hand back (`this.storage().remove(id)`, `const store = this.pick(); store.remove(id)`).
 */
export function callTargets(modules: ModuleIndex, file: ScannedSourceFile, callee: ts.Expression): ResolvedFunction[] {
  const target = resolveFunction(modules, file, callee);
  if (target) return [target];
  let cache = alternativesCache.get(modules);
  if (!cache) alternativesCache.set(modules, (cache = new WeakMap()));
  let known = cache.get(callee);
  if (!known) cache.set(callee, (known = memberAlternatives(modules, file, callee)));
  return known;
}

const alternativesCache = new WeakMap<ModuleIndex, WeakMap<ts.Node, ResolvedFunction[]>>();

/** `auth.middleware` where `const auth = getAuthConnection()` and the factory returns one of several classes: each class's member. */
export function memberAlternatives(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression): ResolvedFunction[] {
  const value = skipOuterExpressions(expression);
  if (!ts.isPropertyAccessExpression(value)) return [];
  let owner = skipOuterExpressions(value.expression);
  if (ts.isIdentifier(owner)) {
    const local = localInitializer(owner);
    if (local) owner = skipOuterExpressions(local);
    else {
      const binding = modules.resolveName(file, owner.text);
      if (binding?.kind !== 'declaration') return [];
      const target = bindingValue(binding);
      if (!target || !ts.isExpression(target)) return [];
      const call = skipOuterExpressions(target);
      return ts.isCallExpression(call) ? factoryInstanceMembers(modules, binding.file, call, value.name.text, 0) : [];
    }
  }
  if (!ts.isCallExpression(owner)) return [];
  const injected = injectedClassAlternatives(modules, file, owner);
  if (injected.length > 0) {
    const members = injected.map((candidate) => memberOf(modules, candidate.file, candidate.node, value.name.text, 0));
    return members.every((member): member is ResolvedFunction => member !== undefined) ? members : [];
  }
  return factoryInstanceMembers(modules, file, owner, value.name.text, 0);
}

/**
 * `app.get(ssr)` where `ssr` is a parameter declared `typeof ApiService | typeof MaintenanceWorkerService`
 * (`configureExpress(app, { ssr: ApiService })`): a dependency-injection lookup of whichever class the
 * caller passed, one of those its declared type names. Each class, when every one is the project's.
 */
function injectedClassAlternatives(modules: ModuleIndex, file: ScannedSourceFile, call: ts.CallExpression): { file: ScannedSourceFile; node: ts.ClassLikeDeclaration }[] {
  if (call.arguments.length < 1 || !ts.isPropertyAccessExpression(call.expression) || !DI_LOOKUP_METHODS.has(call.expression.name.text)) return [];
  const token = skipOuterExpressions(call.arguments[0]!);
  if (!ts.isIdentifier(token) || localInitializer(token)) return [];
  const declared = parameterType(token);
  if (!declared) return [];
  const members = ts.isUnionTypeNode(declared) ? [...declared.types] : [declared];
  const classes: { file: ScannedSourceFile; node: ts.ClassLikeDeclaration }[] = [];
  for (const member of members) {
    if (!ts.isTypeQueryNode(member) || !ts.isIdentifier(member.exprName)) return [];
    const binding = modules.resolveName(file, member.exprName.text);
    const target = bindingValue(binding);
    if (binding?.kind !== 'declaration' || !target || !(ts.isClassDeclaration(target) || ts.isClassExpression(target))) return [];
    classes.push({ file: binding.file, node: target });
  }
  return classes;
}

/** The declared type of the enclosing function's parameter a name is: `service: T`, or `{ ssr }: { ssr: T }`. */
function parameterType(name: ts.Identifier): ts.TypeNode | undefined {
  for (let scope: ts.Node | undefined = name.parent; scope; scope = scope.parent) {
    if (!ts.isFunctionLike(scope)) continue;
    for (const parameter of scope.parameters) {
      if (ts.isIdentifier(parameter.name) && parameter.name.text === name.text) return parameter.type;
      if (!ts.isObjectBindingPattern(parameter.name)) continue;
      const element = parameter.name.elements.find((candidate) => ts.isIdentifier(candidate.name) && candidate.name.text === name.text);
      if (!element) continue;
      const key = element.propertyName ? propertyNameText(element.propertyName) : name.text;
      const shape = parameter.type;
      if (!shape || !ts.isTypeLiteralNode(shape)) return undefined;
      const property = shape.members.find((candidate): candidate is ts.PropertySignature => ts.isPropertySignature(candidate) && propertyNameText(candidate.name) === key);
      return property?.type;
    }
  }
  return undefined;
}

/** The project class a class extends (`extends BaseAuthResolver`, imported or local), if the project declares it. */
export function baseClassOf(modules: ModuleIndex, file: ScannedSourceFile, classNode: ts.ClassLikeDeclaration): { file: ScannedSourceFile; node: ts.ClassLikeDeclaration } | undefined {
  const extended = classNode.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
  if (!extended || !ts.isIdentifier(extended)) return undefined;
  const binding = modules.resolveName(file, extended.text);
  const target = bindingValue(binding);
  return binding?.kind === 'declaration' && target && (ts.isClassDeclaration(target) || ts.isClassExpression(target)) && target !== classNode ? { file: binding.file, node: target } : undefined;
}

/** A function declared in an enclosing block of the use (not only at top level): `function handler() {}` inside a setup function. */
function findLocalFunction(file: ScannedSourceFile, identifier: ts.Identifier): ResolvedFunction | undefined {
  for (let scope: ts.Node | undefined = identifier.parent; scope; scope = scope.parent) {
    if (!ts.isBlock(scope) && !ts.isSourceFile(scope) && !ts.isModuleBlock(scope)) continue;
    if (ts.isSourceFile(scope)) return undefined; // top level: ModuleIndex handles it, with imports
    for (const statement of scope.statements) {
      if (ts.isFunctionDeclaration(statement) && statement.name?.text === identifier.text) {
        return { file, node: statement, name: identifier.text };
      }
      if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          if (ts.isIdentifier(declaration.name) && declaration.name.text === identifier.text && declaration.initializer) {
            const initializer = skipOuterExpressions(declaration.initializer);
            if (isFunctionLike(initializer)) return { file, node: initializer as ts.ArrowFunction, name: identifier.text };
          }
        }
      }
    }
  }
  return undefined;
}

/** The project functions a function calls directly (at most `limit`), in source order. */
export function calledFunctions(modules: ModuleIndex, fn: ResolvedFunction, limit = 20, skipped?: ReadonlySet<ts.Node>): ResolvedFunction[] {
  if (!fn.node.body) return [];
  const found: ResolvedFunction[] = [];
  const visit = (node: ts.Node): void => {
    if (found.length >= limit || skipped?.has(node)) return;
    if (ts.isCallExpression(node)) {
      const callee = resolveFunction(modules, fn.file, node.expression);
      if (callee && callee.node !== fn.node && callee.node.body && !found.some((known) => known.node === callee.node)) found.push(callee);
    }
    ts.forEachChild(node, visit);
  };
  visit(fn.node.body);
  return found;
}

/** The function a factory returns, when its body plainly returns one (`return (req, res) => {}` or `() => async (req) => {}`). */
export function returnedFunction(factory: ResolvedFunction): ResolvedFunction | undefined {
  const body = factory.node.body;
  if (!body) return undefined;
  if (!ts.isBlock(body)) {
    const value = skipOuterExpressions(body);
    return isFunctionLike(value) ? { file: factory.file, node: value as ts.ArrowFunction, name: factory.name } : undefined;
  }
  for (const statement of body.statements) {
    if (ts.isReturnStatement(statement) && statement.expression) {
      const value = skipOuterExpressions(statement.expression);
      if (isFunctionLike(value)) return { file: factory.file, node: value as ts.ArrowFunction, name: factory.name };
    }
  }
  return undefined;
}

/**
 * The functions a route factory returns in an object (`return { loader, action }`, Remix route
 * builders) that call what the factory was given, a parameter (`handler(...)`) or a function of one
 * (`options.handler(...)`): those run the route's handler, behind whatever they check first. The
 * others (a `loader` stub that answers 405) never run it.
 */
export function handlerRunningMembers(modules: ModuleIndex, factory: ResolvedFunction): ResolvedFunction[] {
  const body = factory.node.body;
  if (!body) return [];
  const parameters = new Set<ts.Node>(factory.node.parameters);
  // A route builder's functions are a few statements deep: ts.forEachChild stops at the first call found.
  const callsParameter = (node: ts.Node): boolean => {
    if (ts.isCallExpression(node)) {
      let callee = skipOuterExpressions(node.expression);
      if (ts.isPropertyAccessExpression(callee)) callee = skipOuterExpressions(callee.expression);
      const bound = ts.isIdentifier(callee) ? localBinding(callee) : undefined;
      if (bound && parameters.has(bound)) return true;
    }
    return ts.forEachChild(node, callsParameter) ?? false;
  };
  const runs = (fn: ResolvedFunction): boolean => callsParameter(fn.node);
  const members: ResolvedFunction[] = [];
  for (const returned of returnedExpressions(body)) {
    const value = skipOuterExpressions(returned);
    if (!ts.isObjectLiteralExpression(value)) continue;
    for (const property of value.properties) {
      const member = ts.isMethodDeclaration(property)
        ? { file: factory.file, node: property, name: propertyNameText(property.name) ?? '<method>' }
        : ts.isPropertyAssignment(property)
          ? resolveFunction(modules, factory.file, property.initializer)
          : ts.isShorthandPropertyAssignment(property)
            ? resolveFunction(modules, factory.file, property.name)
            : undefined;
      if (member && runs(member) && !members.some((known) => known.node === member.node)) members.push(member);
    }
  }
  return members;
}

/** `const getOrder = async (req, res) => {}` is named getOrder. */
function nameFromContext(node: ts.Node): string {
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && ts.isPropertyAssignment(parent)) return propertyNameText(parent.name) ?? '<anonymous>';
  return '<anonymous>';
}

