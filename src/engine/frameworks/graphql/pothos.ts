import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { isFunctionLike, nodePosition, propertyNameText, propertyValue, skipOuterExpressions } from '../../ast/syntax.js';
import { type Binding, bindingValue, localConstInitializer, type ResolvedFunction, resolveFunction } from '../../names/index.js';
import { nodesOfKind } from '../../ast/file-index.js';
import { classifyName, ROLE_CHECK } from '../../routes/classify-middleware.js';
import type { Operation, RouteDefinition, RouteMiddleware, ValidatedField } from '../../routes/route.js';
import { pothosTypedArguments } from './argument-types.js';
import { REQUEST_OBJECTS } from '../../../models/request-sources.js';
import { usesAnyPackage, type AdapterContext, type FrameworkAdapter } from '../adapter.js';
import {
  POTHOS_BUILDER_CLASS,
  POTHOS_BUILT_IN_REFS,
  POTHOS_OBJECT_FIELD,
  POTHOS_OBJECT_FIELDS,
  POTHOS_OBJECT_TYPES,
  POTHOS_PACKAGES,
  POTHOS_QUERY_FIRST_FIELDS,
  POTHOS_REF_CLASSES,
  POTHOS_ROOT_FIELD,
  POTHOS_ROOT_FIELDS,
  POTHOS_ROOT_TYPES,
  POTHOS_SCOPE_LOADER_OPTIONS,
  POTHOS_TYPE_REFS,
} from './graphql-models.js';
import { contextFunctionChecks } from './resolver-maps.js';

const MAX_DEPTH = 6;
/** The helpers a scope calls whose bodies are read with it (`canManage(user)`). */
const MAX_CALLEES = 8;
const ROOT_TYPE_NAMES: Readonly<Record<Operation, string>> = { QUERY: 'Query', MUTATION: 'Mutation', SUBSCRIPTION: 'Subscription', FIELD: '' };
/** Fields of the context that hold the signed-in user (the GraphQL context model's principal). */
const CONTEXT_PRINCIPAL = REQUEST_OBJECTS['app-context'].principal;
const PRINCIPAL_FIELDS = [...CONTEXT_PRINCIPAL].join('|');

export const pothosAdapter: FrameworkAdapter = {
  name: 'pothos',
  isEnabled: (facts) => usesAnyPackage(facts, POTHOS_PACKAGES),
  discoverRoutes: discoverPothos,
};

interface At<T extends ts.Node = ts.Expression> {
  node: T;
  file: ScannedSourceFile;
}

/** What a scope of the builder's scope loader checks: nothing (always passes), the caller, the caller's role, something else. */
type ScopeVerdict = 'always' | 'other' | 'unknown' | 'auth' | 'role';
const VERDICT_RANK: Readonly<Record<ScopeVerdict, number>> = { always: 0, other: 1, unknown: 2, auth: 3, role: 4 };

interface ScopeDefinition {
  verdict: ScopeVerdict;
  /** `src/builder.ts:14 !!context.user` */
  where: string;
}

/** What a scope map (`{ loggedIn: true }`, `{ $any: {...} }`) or scope function demands of the caller. */
interface ScopeJudgement {
  verdict: ScopeVerdict;
  /** How the verdict was reached, for the evidence. */
  reasons: string[];
  roles: string[];
  /** Only scope names were read (the loader could not be). */
  nameOnly: boolean;
}

/** One `new SchemaBuilder(...)`: its scope loader's scopes and the default strategy of a scope map. */
interface Builder {
  scopes: Map<string, ScopeDefinition> | undefined;
  /** `scopeAuth: { defaultStrategy: 'all' }` makes a scope map need every scope; the default is any one. */
  strategy: 'any' | 'all';
}

/**
 * Pothos schemas (`@pothos/core`): every field the builder declares with a resolver is an entry
 * point. Root fields from `builder.queryType({ fields })`, `queryFields`, `queryField` (and the
 * mutation and subscription forms) are operations (`QUERY order`); fields of object types
 * (`objectType`, `objectRef(...).implement`, `prismaObject`, `objectField(s)`) are field resolvers
 * (`FIELD User.invoices`). Fields without a resolver (`t.exposeString`, `t.relation`) are the
 * parent object's data, not entry points. The builder is followed through imports to every file.
 * Authentication: the server's context function (as for resolver maps), @pothos/plugin-scope-auth
 * scopes on the field, `t.withAuth(...)` and the type (unless the field says `skipTypeScopes`),
 * judged by what the builder's scope loader checks for each scope; checks in the resolver are the
 * route engine's.
 */
function discoverPothos(context: AdapterContext): RouteDefinition[] {
  const reader = new PothosReader(context);
  if (reader.builders.size === 0) return [];
  const global = contextFunctionChecks(context);
  return reader.routes().map((route) => ({ ...route, middleware: [...global.map((entry) => ({ ...entry })), ...route.middleware] }));
}

interface TypeDeclaration {
  typeName: string;
  operation: Operation;
  builder: Builder;
  /** The type's own `authScopes`, applied to each of its fields that does not skip them. */
  typeScopes: RouteMiddleware[];
  /** `fields: (t) => ({...})`, or a single field's function with its name; absent when the call only sets options (`builder.queryType({ authScopes })`). */
  fields?: At<ts.Node>;
  single?: { name: string; nameNode: ts.Node };
}

class PothosReader {
  /** Each builder, by the `new SchemaBuilder(...)` expression that makes it. */
  readonly builders = new Map<ts.NewExpression, Builder>();
  private exportedByName: Map<string, Array<At<ts.VariableDeclaration | ts.FunctionDeclaration>>> | undefined;

  constructor(private readonly context: AdapterContext) {
    for (const file of context.sourceFiles) {
      if (!file.text.includes(POTHOS_BUILDER_CLASS)) continue;
      for (const node of nodesOfKind(file.sourceFile, ts.SyntaxKind.NewExpression)) {
        const creation = node as ts.NewExpression;
        if (this.isPothosExport(file, creation.expression, POTHOS_BUILDER_CLASS)) this.builders.set(creation, this.readBuilder(file, creation));
      }
    }
  }

  routes(): RouteDefinition[] {
    const declarations: TypeDeclaration[] = [];
    const typeScopes = new Map<string, RouteMiddleware[]>();
    for (const file of this.context.sourceFiles) {
      for (const node of nodesOfKind(file.sourceFile, ts.SyntaxKind.CallExpression)) {
        const declaration = this.typeDeclaration(file, node as ts.CallExpression);
        if (!declaration) continue;
        declarations.push(declaration);
        if (declaration.typeScopes.length > 0) typeScopes.set(declaration.typeName, [...(typeScopes.get(declaration.typeName) ?? []), ...declaration.typeScopes]);
      }
    }
    const routes: RouteDefinition[] = [];
    const seen = new Set<ts.Node>();
    for (const declaration of declarations) {
      if (!declaration.fields) continue;
      const fields = declaration.single ? [{ name: declaration.single.name, nameNode: { node: declaration.single.nameNode, file: declaration.fields.file }, value: this.returnedValues(declaration.fields)[0] }] : this.fieldsOf(declaration.fields);
      for (const field of fields) {
        if (!field.value || seen.has(field.value.node)) continue;
        seen.add(field.value.node);
        const route = this.fieldRoute(declaration, field.name, field.nameNode, field.value, typeScopes);
        if (route) routes.push(route);
      }
    }
    return routes;
  }

  /** A builder call that declares a type's fields: `builder.queryType({...})`, `builder.objectField(User, 'x', ...)`, `UserRef.implement({...})`. */
  private typeDeclaration(file: ScannedSourceFile, call: ts.CallExpression): TypeDeclaration | undefined {
    const callee = skipOuterExpressions(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const method = callee.name.text;
    const args = call.arguments.map((argument) => skipOuterExpressions(argument));
    if (method === 'implement') {
      const ref = this.typeRef(file, callee.expression, 0);
      const options = args[0] && this.objectAt(file, args[0], 0);
      const fields = options && this.fieldsOption(options);
      if (!ref || !options || !fields) return undefined;
      const typeName = this.optionName(options) ?? ref.typeName;
      return { typeName, operation: ROOT_OPERATION_OF[typeName] ?? 'FIELD', builder: ref.builder, typeScopes: this.typeScopes(ref.builder, options, typeName), fields };
    }
    const isRootType = Object.hasOwn(POTHOS_ROOT_TYPES, method);
    const isRootFields = Object.hasOwn(POTHOS_ROOT_FIELDS, method);
    const isRootField = Object.hasOwn(POTHOS_ROOT_FIELD, method);
    const isObjectType = POTHOS_OBJECT_TYPES.has(method);
    const isObjectFields = POTHOS_OBJECT_FIELDS.has(method);
    const isObjectField = POTHOS_OBJECT_FIELD.has(method);
    if (!isRootType && !isRootFields && !isRootField && !isObjectType && !isObjectFields && !isObjectField) return undefined;
    const builder = this.builderOf(file, callee.expression);
    if (!builder) return undefined;
    if (isRootType || isRootFields || isRootField) {
      const operation = (POTHOS_ROOT_TYPES[method] ?? POTHOS_ROOT_FIELDS[method] ?? POTHOS_ROOT_FIELD[method])!;
      const typeName = ROOT_TYPE_NAMES[operation];
      if (isRootType) {
        const options = args[0] && this.objectAt(file, args[0], 0);
        const fields = options && this.fieldsOption(options);
        // `builder.queryType({ authScopes })` with no fields still sets the scopes of every Query field.
        return options ? { typeName, operation, builder, typeScopes: this.typeScopes(builder, options, typeName), ...(fields ? { fields } : {}) } : undefined;
      }
      if (isRootFields) return args[0] ? { typeName, operation, builder, typeScopes: [], fields: { node: args[0], file } } : undefined;
      const name = args[0] && this.stringValue(file, args[0]);
      return name !== undefined && args[1] ? { typeName, operation, builder, typeScopes: [], fields: { node: args[1], file }, single: { name, nameNode: args[0]! } } : undefined;
    }
    const typeName = args[0] && this.typeNameOf(file, args[0], 0);
    if (!typeName) return undefined;
    const operation = ROOT_OPERATION_OF[typeName] ?? 'FIELD';
    if (isObjectType) {
      const options = args[1] && this.objectAt(file, args[1], 0);
      const fields = options && this.fieldsOption(options);
      if (!options) return undefined;
      const named = this.optionName(options) ?? typeName;
      return { typeName: named, operation: ROOT_OPERATION_OF[named] ?? 'FIELD', builder, typeScopes: this.typeScopes(builder, options, named), ...(fields ? { fields } : {}) };
    }
    if (isObjectFields) return args[1] ? { typeName, operation, builder, typeScopes: [], fields: { node: args[1], file } } : undefined;
    const name = args[1] && this.stringValue(file, args[1]);
    return name !== undefined && args[2] ? { typeName, operation, builder, typeScopes: [], fields: { node: args[2], file }, single: { name, nameNode: args[1]! } } : undefined;
  }

  /** One field: an entry point when its options carry a resolver. */
  private fieldRoute(declaration: TypeDeclaration, fieldName: string, nameNode: At<ts.Node>, value: At, typeScopes: ReadonlyMap<string, readonly RouteMiddleware[]>): RouteDefinition | undefined {
    const made = this.fieldCall(value, 0);
    if (!made) return undefined;
    const { call, file, method, withAuth } = made;
    const options = [...call.arguments].reverse().map((argument) => this.objectAt(file, argument, 0)).find((found) => found !== undefined);
    if (!options) return undefined;
    const handler = this.resolverOf(options, declaration.operation);
    if (!handler) return undefined;
    const middleware: RouteMiddleware[] = [];
    const skipTypeScopes = this.optionAt(options, 'skipTypeScopes')?.node.kind === ts.SyntaxKind.TrueKeyword;
    if (!skipTypeScopes) middleware.push(...(typeScopes.get(declaration.typeName) ?? []).map((entry) => ({ ...entry })));
    for (const scopes of withAuth) middleware.push(this.scopeMiddleware(declaration.builder, scopes, 'route', 2, `t.withAuth(${compact(scopes.node.getText(scopes.file.sourceFile))})`));
    const fieldScopes = this.optionAt(options, 'authScopes') ?? this.methodOption(options, 'authScopes');
    if (fieldScopes) middleware.push(this.scopeMiddleware(declaration.builder, fieldScopes, 'route', 2));
    // A read hands the client only the fields of the type it returns, and each checks that type's scopes
    // first: a query returning a type with scopes answers nothing to a caller who lacks them. A
    // mutation has done its work by then.
    if (declaration.operation === 'QUERY' || declaration.operation === 'FIELD') {
      const returned = this.optionAt(options, 'type');
      const returnedType = returned && this.returnedTypeName(returned);
      for (const entry of (returnedType && returnedType !== declaration.typeName && typeScopes.get(returnedType)) || []) {
        middleware.push({ ...entry, scope: 'route', name: `${entry.name} (the returned type)` });
      }
    }
    const position = nodePosition(nameNode.node);
    return {
      framework: 'pothos',
      kind: 'graphql',
      method: declaration.operation,
      path: declaration.operation === 'FIELD' ? `${declaration.typeName}.${fieldName}` : fieldName,
      file: nameNode.file.path,
      line: position.line,
      column: position.column,
      handler: { file: handler.file.path, line: nodePosition(handler.node).line, node: handler.node, name: `${declaration.typeName}.${fieldName}` },
      middleware,
      ...(POTHOS_QUERY_FIRST_FIELDS.has(method) ? { argsParameter: 2 } : {}),
      ...this.typedArguments(options),
    };
  }

  /** `args: { limit: t.arg.int(), order: t.arg({ type: SortOrder }) }`: the arguments the schema constrains (argument-types.ts). */
  private typedArguments(options: At<ts.ObjectLiteralExpression>): { typedArguments?: ValidatedField[] } {
    const typed = pothosTypedArguments(this.context.modules, (file, expression) => this.objectAt(file, expression, 0), options);
    return typed.length > 0 ? { typedArguments: typed } : {};
  }

  /**
   * The field maker a field's value calls, through `t.withAuth(scopes)` receivers and locals:
   * `t.field({...})`, `t.prismaField({...})`, `asUser.field({...})` where `asUser = t.withAuth({...})`.
   */
  private fieldCall(value: At, depth: number): { call: ts.CallExpression; file: ScannedSourceFile; method: string; withAuth: At[] } | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const expression = skipOuterExpressions(value.node);
    if (ts.isIdentifier(expression)) {
      const local = localConstInitializer(expression);
      return local ? this.fieldCall({ node: local, file: value.file }, depth + 1) : undefined;
    }
    if (!ts.isCallExpression(expression)) return undefined;
    const callee = skipOuterExpressions(expression.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    return { call: expression, file: value.file, method: callee.name.text, withAuth: this.withAuthScopes({ node: callee.expression, file: value.file }, 0) };
  }

  /** The scope maps of the `t.withAuth(...)` calls a field maker's receiver went through. */
  private withAuthScopes(receiver: At, depth: number): At[] {
    if (depth > MAX_DEPTH) return [];
    const expression = skipOuterExpressions(receiver.node);
    if (ts.isIdentifier(expression)) {
      const local = localConstInitializer(expression);
      return local ? this.withAuthScopes({ node: local, file: receiver.file }, depth + 1) : [];
    }
    if (!ts.isCallExpression(expression)) return [];
    const callee = skipOuterExpressions(expression.expression);
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'withAuth' || !expression.arguments[0]) return [];
    return [...this.withAuthScopes({ node: callee.expression, file: receiver.file }, depth + 1), { node: expression.arguments[0], file: receiver.file }];
  }

  /** A field's resolver: `resolve` (for a subscription `subscribe` first), a method or a function value. */
  private resolverOf(options: At<ts.ObjectLiteralExpression>, operation: Operation): ResolvedFunction | undefined {
    const keys = operation === 'SUBSCRIPTION' ? ['subscribe', 'resolve'] : ['resolve'];
    for (const key of keys) {
      const method = this.methodOption(options, key);
      if (method) return { file: options.file, node: method.node as ts.MethodDeclaration, name: key };
      const value = this.optionAt(options, key);
      const resolved = value && resolveFunction(this.context.modules, value.file, value.node);
      if (resolved) return resolved;
    }
    return undefined;
  }

  /** The named fields of a `fields` function or object: returned object literals, their spreads and computed names. */
  private fieldsOf(fields: At<ts.Node>): Array<{ name: string; nameNode: At<ts.Node>; value: At | undefined }> {
    const found: Array<{ name: string; nameNode: At<ts.Node>; value: At | undefined }> = [];
    const visitObject = (object: At<ts.ObjectLiteralExpression>, depth: number): void => {
      for (const property of object.node.properties) {
        if (ts.isSpreadAssignment(property)) {
          if (depth >= MAX_DEPTH) continue;
          for (const spread of this.objectsOf({ node: property.expression, file: object.file }, depth + 1)) visitObject(spread, depth + 1);
          continue;
        }
        if (!ts.isPropertyAssignment(property) && !ts.isShorthandPropertyAssignment(property)) continue;
        const name = this.propertyName(object.file, property.name);
        if (name === undefined) continue;
        const value = ts.isPropertyAssignment(property) ? property.initializer : property.name;
        found.push({ name, nameNode: { node: property.name, file: object.file }, value: { node: value, file: object.file } });
      }
    };
    for (const object of this.objectsOf(fields, 0)) visitObject(object, 0);
    return found;
  }

  /** The object literals an expression stands for: itself, a local or imported const, what a function (`fields: (t) => ({...})`, `...commonFields(t)`) returns. */
  private objectsOf(value: At<ts.Node>, depth: number): Array<At<ts.ObjectLiteralExpression>> {
    if (depth > MAX_DEPTH) return [];
    const expression = unwrap(value.node);
    if (ts.isObjectLiteralExpression(expression)) return [{ node: expression, file: value.file }];
    if (isFunctionLike(expression)) return this.returnedValues({ node: expression, file: value.file }).flatMap((returned) => this.objectsOf(returned, depth + 1));
    if (ts.isCallExpression(expression)) {
      const fn = resolveFunction(this.context.modules, value.file, expression.expression);
      return fn ? this.returnedValues({ node: fn.node, file: fn.file }).flatMap((returned) => this.objectsOf(returned, depth + 1)) : [];
    }
    if (ts.isIdentifier(expression)) {
      const local = localConstInitializer(expression);
      if (local) return this.objectsOf({ node: local, file: value.file }, depth + 1);
      const target = this.declarationOf(value.file, expression.text);
      return target ? this.objectsOf(target, depth + 1) : [];
    }
    return [];
  }

  /** What a function returns: its expression body, or the values of its own return statements. */
  private returnedValues(fn: At<ts.Node>): At[] {
    const node = unwrap(fn.node);
    if (!isFunctionLike(node)) return [];
    const body = node.body;
    if (!body) return [];
    if (!ts.isBlock(body)) return [{ node: body, file: fn.file }];
    const returned: At[] = [];
    const visit = (child: ts.Node): void => {
      if (isFunctionLike(child) || ts.isClassLike(child)) return;
      if (ts.isReturnStatement(child) && child.expression) returned.push({ node: child.expression, file: fn.file });
      ts.forEachChild(child, visit);
    };
    visit(body);
    return returned;
  }

  // ---- Scope auth ----

  /** The builder's scope loader (`authScopes`, v3 top level or v4 `scopeAuth.authScopes`) read scope by scope. */
  private readBuilder(file: ScannedSourceFile, creation: ts.NewExpression): Builder {
    const options = creation.arguments?.[0] && this.objectAt(file, creation.arguments[0], 0);
    if (!options) return { scopes: undefined, strategy: 'any' };
    const scopeOptions = POTHOS_SCOPE_LOADER_OPTIONS.map((name) => this.optionAt(options, name)).flatMap((value) => (value ? this.objectsOf(value, 0) : []));
    const strategy = scopeOptions.map((object) => this.optionAt(object, 'defaultStrategy')?.node).find((value) => value && ts.isStringLiteralLike(value));
    const loaderValue = [options, ...scopeOptions].map((object) => this.optionAt(object, 'authScopes')).find((value) => value !== undefined);
    const loaderMethod = loaderValue ? undefined : [options, ...scopeOptions].map((object) => this.methodOption(object, 'authScopes')).find((value) => value !== undefined);
    const loader = loaderMethod ? { file: loaderMethod.file, node: loaderMethod.node as ts.MethodDeclaration } : loaderValue && this.functionOf(loaderValue);
    return { scopes: loader ? this.readScopeLoader(loader) : undefined, strategy: strategy && ts.isStringLiteralLike(strategy) && strategy.text === 'all' ? 'all' : 'any' };
  }

  /** `async (context) => ({ loggedIn: !!context.user, admin: context.user?.role === 'ADMIN', member: (org) => ... })`. */
  private readScopeLoader(loader: ResolvedFunction | { file: ScannedSourceFile; node: ts.SignatureDeclaration }): Map<string, ScopeDefinition> {
    const scopes = new Map<string, ScopeDefinition>();
    const reads = contextReads(loader.node.parameters[0], loader.node);
    for (const object of this.returnedValues({ node: loader.node, file: loader.file }).flatMap((value) => this.objectsOf(value, 1))) {
      for (const property of object.node.properties) {
        const name = property.name && propertyNameText(property.name);
        if (!name) continue;
        // `{ loggedIn }` after `const loggedIn = !!context.user`: the local's definition.
        const value = ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? (localConstInitializer(property.name) ?? property.name) : ts.isMethodDeclaration(property) ? property : undefined;
        if (!value) continue;
        const text = this.withCallees(object.file, value);
        const literal = ts.isExpression(value) ? skipOuterExpressions(value) : undefined;
        const verdict: ScopeVerdict = literal?.kind === ts.SyntaxKind.TrueKeyword ? 'always' : judgeCondition(text, reads);
        scopes.set(name, { verdict, where: `${object.file.path}:${nodePosition(property).line} ${compact(value.getText(object.file.sourceFile))}` });
      }
    }
    return scopes;
  }

  /** A type's `authScopes`: every field of the type runs them first, unless it skips them. */
  private typeScopes(builder: Builder, options: At<ts.ObjectLiteralExpression>, typeName: string): RouteMiddleware[] {
    const scopes = this.optionAt(options, 'authScopes') ?? this.methodOption(options, 'authScopes');
    // Type-level scope functions take `(parent, context)`.
    return scopes ? [this.scopeMiddleware(builder, scopes, 'router', 1, undefined, typeName)] : [];
  }

  /**
   * The middleware a scope map or scope function stands for: authentication when every way through
   * it needs a scope that reads the caller, a role check when it compares the caller's role or
   * permissions, nothing when a scope always passes.
   */
  private scopeMiddleware(builder: Builder, scopes: At<ts.Node>, scope: RouteMiddleware['scope'], contextIndex: number, label?: string, typeName?: string): RouteMiddleware {
    const judgement = this.judgeScopes(builder, scopes, contextIndex, 0);
    const shown = label ?? `authScopes ${compact(scopes.node.getText(scopes.file.sourceFile))}${typeName ? ` of ${typeName}` : ''}`;
    const base = { name: shown, file: scopes.file.path, line: nodePosition(scopes.node).line, scope };
    const why = judgement.reasons.join('; ');
    switch (judgement.verdict) {
      case 'role':
        return { ...base, kind: 'role', strength: judgement.nameOnly ? 'name-only' : 'strong', evidence: `Pothos scope-auth: the caller's role or permissions must pass (${why})`, ...(judgement.roles.length > 0 ? { roles: judgement.roles } : {}) };
      case 'auth':
        return { ...base, kind: 'auth', strength: judgement.nameOnly ? 'name-only' : 'strong', evidence: `Pothos scope-auth: a signed-in caller is required (${why})` };
      case 'always':
        return { ...base, kind: 'other', strength: 'strong', evidence: `Pothos scope-auth: the scope always passes, anyone may call it (${why})` };
      case 'other':
        return { ...base, kind: 'other', strength: 'strong', evidence: `Pothos scope-auth: the scope does not check the caller (${why})` };
      case 'unknown':
        return { ...base, kind: 'other', strength: 'name-only', evidence: `Pothos scope-auth: could not read what the scope checks (${why})`, opaque: true };
    }
  }

  private judgeScopes(builder: Builder, scopes: At<ts.Node>, contextIndex: number, depth: number): ScopeJudgement {
    const unknown = (reason: string): ScopeJudgement => ({ verdict: 'unknown', reasons: [reason], roles: [], nameOnly: false });
    if (depth > MAX_DEPTH) return unknown('scopes nested too deep');
    const node = unwrap(scopes.node);
    if (isFunctionLike(node)) return this.judgeScopeFunction(builder, { node, file: scopes.file }, contextIndex, depth);
    if (ts.isIdentifier(node)) {
      const local = localConstInitializer(node);
      const target = local ? { node: local, file: scopes.file } : this.declarationOf(scopes.file, node.text);
      if (target) return this.judgeScopes(builder, target, contextIndex, depth + 1);
      const fn = resolveFunction(this.context.modules, scopes.file, node);
      return fn ? this.judgeScopeFunction(builder, { node: fn.node, file: fn.file }, contextIndex, depth) : unknown(`${node.text} could not be read`);
    }
    if (!ts.isObjectLiteralExpression(node)) return unknown(`${compact(node.getText(scopes.file.sourceFile))} could not be read`);
    return this.judgeScopeMap(builder, { node, file: scopes.file }, builder.strategy, depth);
  }

  /** `{ loggedIn: true }`, `{ admin: true, $any: {...} }`, `{ ...asUser, scope: X }`: any (or, by option, all) of the scopes must pass. */
  private judgeScopeMap(builder: Builder, map: At<ts.ObjectLiteralExpression>, strategy: 'any' | 'all', depth: number): ScopeJudgement {
    const parts: ScopeJudgement[] = [];
    const visit = (object: At<ts.ObjectLiteralExpression>, level: number): void => {
      for (const property of object.node.properties) {
        if (ts.isSpreadAssignment(property)) {
          if (level < MAX_DEPTH) for (const spread of this.objectsOf({ node: property.expression, file: object.file }, level + 1)) visit(spread, level + 1);
          continue;
        }
        const name = property.name && propertyNameText(property.name);
        const value = ts.isPropertyAssignment(property) ? skipOuterExpressions(property.initializer) : undefined;
        if (!name || !value) continue;
        // `{ admin: false }` asks nothing of that scope.
        if (value.kind === ts.SyntaxKind.FalseKeyword) continue;
        if (name === '$any' || name === '$all') {
          const inner = this.objectsOf({ node: value, file: object.file }, level + 1)[0];
          if (inner) parts.push(this.judgeScopeMap(builder, inner, name === '$all' ? 'all' : 'any', depth + 1));
          continue;
        }
        if (name === '$granted') {
          parts.push({ verdict: 'unknown', reasons: [`$granted ${compact(value.getText(object.file.sourceFile))}: granted by a parent field's grantScopes`], roles: [], nameOnly: false });
          continue;
        }
        const parameter = value.kind === ts.SyntaxKind.TrueKeyword ? undefined : compact(value.getText(object.file.sourceFile));
        parts.push(this.judgeScopeName(builder, name, parameter));
      }
    };
    visit(map, depth);
    if (parts.length === 0) return { verdict: 'other', reasons: ['an empty scope map'], roles: [], nameOnly: false };
    return combine(parts, strategy);
  }

  /** A scope named in a map, judged by the builder's definition of it, or by its name when the loader cannot be read. */
  private judgeScopeName(builder: Builder, name: string, parameter: string | undefined): ScopeJudgement {
    const shown = parameter ? `${name}(${parameter})` : name;
    const role = parameter?.split('.').pop()?.replace(/^['"`]|['"`]$/g, '');
    const definition = builder.scopes?.get(name);
    if (definition) {
      return { verdict: definition.verdict, reasons: [`scope ${shown} defined at ${definition.where}`], roles: definition.verdict === 'role' ? [role ?? name] : [], nameOnly: false };
    }
    const byName = classifyName(name);
    if (byName?.kind === 'auth' || byName?.kind === 'role') return { verdict: byName.kind, reasons: [`scope ${shown}, by name only`], roles: byName.kind === 'role' ? [role ?? name] : [], nameOnly: true };
    return { verdict: 'unknown', reasons: [`scope ${shown}${builder.scopes ? ' is not defined by the builder' : ': the builder\'s scope loader could not be read'}`], roles: [], nameOnly: false };
  }

  /**
   * `authScopes: (parent, args, context) => ...`: a function returns a scope map, `true` (anyone) or
   * a condition of its own, judged like a scope definition.
   */
  private judgeScopeFunction(builder: Builder, fn: At<ts.Node>, contextIndex: number, depth: number): ScopeJudgement {
    const node = unwrap(fn.node) as ts.SignatureDeclaration;
    const returned = this.returnedValues({ node, file: fn.file });
    const where = `${fn.file.path}:${nodePosition(node).line}`;
    if (returned.length > 0 && returned.every((value) => skipOuterExpressions(value.node).kind === ts.SyntaxKind.TrueKeyword)) {
      return { verdict: 'always', reasons: [`the scope function at ${where} returns true`], roles: [], nameOnly: false };
    }
    const maps = returned.map((value) => skipOuterExpressions(value.node)).filter((value): value is ts.ObjectLiteralExpression => ts.isObjectLiteralExpression(value));
    if (maps.length > 0 && maps.length === returned.length) return combine(maps.map((map) => this.judgeScopeMap(builder, { node: map, file: fn.file }, builder.strategy, depth + 1)), 'any');
    const verdict = judgeCondition(this.withCallees(fn.file, node), contextReads(node.parameters[contextIndex], node));
    return { verdict, reasons: [`the scope function at ${where} ${verdict === 'role' ? "compares the caller's role or permissions" : verdict === 'auth' ? 'reads the caller' : 'does not read the caller'}`], roles: [], nameOnly: false };
  }

  /** The text of a scope's definition and of the project functions it calls (`canManage(user)`), for judging. */
  private withCallees(file: ScannedSourceFile, node: ts.Node): string {
    const texts = [node.getText(file.sourceFile)];
    const visit = (child: ts.Node): void => {
      if (texts.length > MAX_CALLEES) return;
      if (ts.isCallExpression(child)) {
        const callee = this.functionOf({ node: child.expression, file });
        const body = callee && 'body' in callee.node ? (callee.node.body as ts.Node | undefined) : undefined;
        if (callee && body && callee.node !== node) texts.push(body.getText(callee.node.getSourceFile()));
      }
      ts.forEachChild(child, visit);
    };
    visit(node);
    return texts.join('\n');
  }

  // ---- Names, builders and values across files ----

  /** Whether an expression is the builder: a name bound (in this file or through imports) to `new SchemaBuilder(...)`, or made by a function that creates one. */
  private builderOf(file: ScannedSourceFile, expression: ts.Expression): Builder | undefined {
    const value = skipOuterExpressions(expression);
    if (ts.isNewExpression(value)) return this.builders.get(value);
    if (!ts.isIdentifier(value)) return undefined;
    const local = localConstInitializer(value);
    if (local) return this.builderValue(file, local);
    const target = this.declarationOf(file, value.text);
    return target ? this.builderValue(target.file, target.node) : undefined;
  }

  private builderValue(file: ScannedSourceFile, expression: ts.Expression): Builder | undefined {
    const value = skipOuterExpressions(expression);
    if (ts.isNewExpression(value)) return this.builders.get(value);
    if (ts.isIdentifier(value)) return this.builderOf(file, value);
    // `export const builder = createBuilder()`: the builder the factory makes.
    if (ts.isCallExpression(value)) {
      const factory = resolveFunction(this.context.modules, file, value.expression);
      if (!factory) return undefined;
      for (const [creation, builder] of this.builders) {
        if (creation.getSourceFile() === factory.node.getSourceFile() && creation.pos >= factory.node.pos && creation.end <= factory.node.end) return builder;
      }
    }
    return undefined;
  }

  /** A type ref (`builder.objectRef<User>('User')`, `new ObjectRef('User')`, a name bound to one): its type name and builder. */
  private typeRef(file: ScannedSourceFile, expression: ts.Expression, depth: number): { typeName: string; builder: Builder } | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const value = skipOuterExpressions(expression);
    if (ts.isIdentifier(value)) {
      const local = localConstInitializer(value);
      const target = local ? { node: local, file } : this.declarationOf(file, value.text);
      return target ? this.typeRef(target.file, target.node, depth + 1) : undefined;
    }
    const first = (ts.isCallExpression(value) || ts.isNewExpression(value)) && value.arguments?.[0] ? this.stringValue(file, skipOuterExpressions(value.arguments[0])) : undefined;
    if (first === undefined) return undefined;
    if (ts.isCallExpression(value)) {
      const callee = skipOuterExpressions(value.expression);
      if (!ts.isPropertyAccessExpression(callee) || !POTHOS_TYPE_REFS.has(callee.name.text)) return undefined;
      const builder = this.builderOf(file, callee.expression);
      return builder ? { typeName: first, builder } : undefined;
    }
    if (ts.isNewExpression(value) && [...POTHOS_REF_CLASSES].some((name) => this.isPothosExport(file, value.expression, name))) {
      // A ref made apart from any builder is implemented by the project's builder.
      const builder = this.builders.size === 1 ? [...this.builders.values()][0] : undefined;
      return builder ? { typeName: first, builder } : undefined;
    }
    return undefined;
  }

  /** The type a field returns: `type: Order`, `type: 'Order'`, `type: [Order]`. */
  private returnedTypeName(value: At): string | undefined {
    const expression = skipOuterExpressions(value.node);
    const single = ts.isArrayLiteralExpression(expression) && expression.elements.length === 1 ? expression.elements[0]! : expression;
    return this.typeNameOf(value.file, single, 0);
  }

  /** The GraphQL name of a type argument: `'User'`, a ref or a `prismaObject('User', ...)` result, a class (its name). */
  private typeNameOf(file: ScannedSourceFile, expression: ts.Expression, depth: number): string | undefined {
    const value = skipOuterExpressions(expression);
    const literal = this.stringValue(file, value);
    if (literal !== undefined) return literal;
    if (depth > MAX_DEPTH) return undefined;
    if (ts.isIdentifier(value)) {
      const local = localConstInitializer(value);
      const target = local ? { node: local, file } : this.declarationOf(file, value.text);
      if (target && !ts.isClassLike(target.node)) return this.typeNameOf(target.file, target.node, depth + 1) ?? value.text;
      return value.text;
    }
    if (ts.isCallExpression(value)) {
      const callee = skipOuterExpressions(value.expression);
      if (!ts.isPropertyAccessExpression(callee)) return undefined;
      // `UserRef.implement({...})`, `builder.prismaObject('User', {...})`, `builder.objectRef('User')`, `builder.nodeInterfaceRef()`.
      if (callee.name.text === 'implement') return this.typeNameOf(file, callee.expression, depth + 1);
      const builtIn = POTHOS_BUILT_IN_REFS[callee.name.text];
      if (builtIn) return builtIn;
      const options = value.arguments[1] && this.objectAt(file, value.arguments[1], 0);
      const named = options && this.optionName(options);
      return named ?? (value.arguments[0] ? this.typeNameOf(file, value.arguments[0], depth + 1) : undefined);
    }
    if (ts.isNewExpression(value) && value.arguments?.[0]) return this.stringValue(file, value.arguments[0]);
    return undefined;
  }

  /** The value a top-level name holds, in this file or through imports; a subpath import (`#lib`) the scan cannot resolve is matched to the project's one export of that name. */
  private declarationOf(file: ScannedSourceFile, name: string): At | undefined {
    const binding = this.context.modules.resolveName(file, name);
    const value = bindingValue(binding);
    if (binding?.kind === 'declaration' && value && ts.isExpression(value)) return { node: value, file: binding.file };
    if (binding?.kind === 'declaration' && value && (ts.isFunctionDeclaration(value) || ts.isClassDeclaration(value))) return { node: value as unknown as ts.Expression, file: binding.file };
    const exported = this.internalExport(binding);
    return exported;
  }

  /**
   * Package.json subpath imports (`import { builder } from '#lib'`) name the package's own files; when
   * they lead to a generated barrel the scan does not have, the one exported declaration of that name
   * in the project is the value.
   */
  private internalExport(binding: Binding | undefined): At | undefined {
    if (binding?.kind !== 'external' || !binding.module.startsWith('#')) return undefined;
    this.exportedByName ??= this.indexExports();
    const candidates = this.exportedByName.get(binding.importedName) ?? [];
    if (candidates.length !== 1) return undefined;
    const { node, file } = candidates[0]!;
    if (ts.isFunctionDeclaration(node)) return { node: node as unknown as ts.Expression, file };
    return node.initializer ? { node: node.initializer, file } : undefined;
  }

  private indexExports(): Map<string, Array<At<ts.VariableDeclaration | ts.FunctionDeclaration>>> {
    const exported = new Map<string, Array<At<ts.VariableDeclaration | ts.FunctionDeclaration>>>();
    for (const file of this.context.sourceFiles) {
      for (const statement of file.sourceFile.statements) {
        if (!ts.canHaveModifiers(statement) || !ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) continue;
        const declarations = ts.isVariableStatement(statement) ? statement.declarationList.declarations : ts.isFunctionDeclaration(statement) ? [statement] : [];
        for (const declaration of declarations) {
          if (!declaration.name || !ts.isIdentifier(declaration.name)) continue;
          const list = exported.get(declaration.name.text) ?? [];
          list.push({ node: declaration, file });
          exported.set(declaration.name.text, list);
        }
      }
    }
    return exported;
  }

  /** Whether `expression` names an export of @pothos/core (`SchemaBuilder`, the default export, `ObjectRef`). */
  private isPothosExport(file: ScannedSourceFile, expression: ts.Expression, exportName: string): boolean {
    const value = skipOuterExpressions(expression);
    if (!ts.isIdentifier(value)) return false;
    const binding = this.context.modules.resolveName(file, value.text);
    if (binding?.kind !== 'external' || !POTHOS_PACKAGES.some((name) => binding.module === name || binding.module.startsWith(`${name}/`))) return false;
    return binding.importedName === exportName || (exportName === POTHOS_BUILDER_CLASS && binding.importedName === 'default');
  }

  /** An object literal an expression stands for (inline, a local or imported const). */
  private objectAt(file: ScannedSourceFile, expression: ts.Expression, depth: number): At<ts.ObjectLiteralExpression> | undefined {
    const value = skipOuterExpressions(expression);
    if (ts.isObjectLiteralExpression(value)) return { node: value, file };
    if (!ts.isIdentifier(value) || depth > MAX_DEPTH) return undefined;
    const local = localConstInitializer(value);
    const target = local ? { node: local, file } : this.declarationOf(file, value.text);
    return target ? this.objectAt(target.file, target.node, depth + 1) : undefined;
  }

  private optionAt(object: At<ts.ObjectLiteralExpression>, name: string): At | undefined {
    const value = propertyValue(object.node, name);
    return value ? { node: value, file: object.file } : undefined;
  }

  /** `fields: (t) => ({...})`, or written as a method: `fields(t) { return {...}; }`. */
  private fieldsOption(options: At<ts.ObjectLiteralExpression>): At<ts.Node> | undefined {
    return this.optionAt(options, 'fields') ?? this.methodOption(options, 'fields');
  }

  /** `authScopes(parent, args, ctx) { ... }` written as a method of the options. */
  private methodOption(object: At<ts.ObjectLiteralExpression>, name: string): At<ts.MethodDeclaration> | undefined {
    const method = object.node.properties.find((property): property is ts.MethodDeclaration => ts.isMethodDeclaration(property) && propertyNameText(property.name) === name);
    return method ? { node: method, file: object.file } : undefined;
  }

  /** `{ name: 'Viewer' }`: the GraphQL name an options object gives its type. */
  private optionName(options: At<ts.ObjectLiteralExpression>): string | undefined {
    const name = this.optionAt(options, 'name');
    return name ? this.stringValue(name.file, name.node) : undefined;
  }

  private functionOf(value: At): { file: ScannedSourceFile; node: ts.SignatureDeclaration } | undefined {
    const resolved = resolveFunction(this.context.modules, value.file, value.node);
    if (resolved) return resolved;
    const expression = skipOuterExpressions(value.node);
    const target = ts.isIdentifier(expression) ? this.declarationOf(value.file, expression.text) : undefined;
    const node = target && skipOuterExpressions(target.node);
    return target && node && isFunctionLike(node) ? { file: target.file, node } : undefined;
  }

  /** A string a name or key stands for: a literal, a template without substitutions, a const holding one. */
  private stringValue(file: ScannedSourceFile, expression: ts.Expression): string | undefined {
    const value = skipOuterExpressions(expression);
    if (ts.isStringLiteralLike(value)) return value.text;
    if (ts.isIdentifier(value)) {
      const local = localConstInitializer(value);
      const target = local ? skipOuterExpressions(local) : undefined;
      if (target && ts.isStringLiteralLike(target)) return target.text;
    }
    return undefined;
  }

  /** A field's name: plain, quoted, or computed from a const string (`[FIELD_NAME]: t.field(...)`). */
  private propertyName(file: ScannedSourceFile, name: ts.PropertyName): string | undefined {
    if (ts.isComputedPropertyName(name)) return this.stringValue(file, name.expression) ?? `[${compact(name.expression.getText(file.sourceFile))}]`;
    return propertyNameText(name);
  }
}

const ROOT_OPERATION_OF: Readonly<Record<string, Operation>> = { Query: 'QUERY', Mutation: 'MUTATION', Subscription: 'SUBSCRIPTION' };

/** Any of the parts passes: as weak as the weakest. All must pass: as strong as the strongest. */
function combine(parts: readonly ScopeJudgement[], strategy: 'any' | 'all'): ScopeJudgement {
  const ranked = [...parts].sort((a, b) => VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict]);
  const chosen = strategy === 'any' ? ranked[0]! : ranked.at(-1)!;
  const deciding = parts.filter((part) => part.verdict === chosen.verdict);
  return {
    verdict: chosen.verdict,
    reasons: strategy === 'any' && parts.length > 1 ? [...deciding.flatMap((part) => part.reasons), `any of ${parts.length} scopes passes`] : deciding.flatMap((part) => part.reasons),
    roles: deciding.flatMap((part) => part.roles),
    nameOnly: deciding.every((part) => part.nameOnly),
  };
}

interface ContextReads {
  /** Reads of the context at all (`context`, a destructured `{ user, prisma }`). */
  any: RegExp;
  /** Reads of the signed-in user it carries (`context.user`, `context.session`, a destructured `user`). */
  principal: RegExp;
}

/**
 * How a scope loader or scope function reads its context parameter: by name (`context.user`), or
 * destructured (`({ user })`); locals computed from the context count as reads of it.
 */
function contextReads(parameter: ts.ParameterDeclaration | undefined, fn: ts.Node): ContextReads {
  const generic = `\\b(?:ctx|context)\\s*(?:\\?\\.|\\.)\\s*(?:${PRINCIPAL_FIELDS})\\b`;
  if (!parameter) return { any: /\b(?:ctx|context)\b/, principal: new RegExp(generic) };
  const names: string[] = [];
  const principalNames: string[] = [];
  if (ts.isIdentifier(parameter.name)) names.push(parameter.name.text);
  else if (ts.isObjectBindingPattern(parameter.name)) {
    for (const element of parameter.name.elements) {
      const key = element.propertyName && ts.isIdentifier(element.propertyName) ? element.propertyName.text : ts.isIdentifier(element.name) ? element.name.text : undefined;
      if (!key || !ts.isIdentifier(element.name)) continue;
      (CONTEXT_PRINCIPAL.has(key) ? principalNames : names).push(element.name.text);
    }
  }
  const contextNames = names.map(escape);
  const accessed = contextNames.length > 0 ? [`\\b(?:${contextNames.join('|')})\\s*(?:\\?\\.|\\.)\\s*(?:${PRINCIPAL_FIELDS})\\b`] : [];
  // `const user = await getUser(context)`: a local made from the context holds the caller.
  const derived: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      const init = node.initializer.getText();
      if ([...contextNames, ...principalNames.map(escape)].some((name) => new RegExp(`\\b${name}\\b`).test(init))) derived.push(escape(node.name.text));
    }
    ts.forEachChild(node, visit);
  };
  visit(fn);
  const principal = [...accessed, ...[...principalNames.map(escape), ...derived].map((name) => `\\b${name}\\b`)];
  const all = [...contextNames, ...principalNames.map(escape), ...derived];
  return {
    any: all.length > 0 ? new RegExp(`\\b(?:${all.join('|')})\\b`) : /(?!)/,
    principal: principal.length > 0 ? new RegExp(principal.join('|')) : /(?!)/,
  };
}

/** A scope's condition: it compares the caller's role or permissions, reads the caller, or neither. */
function judgeCondition(text: string, reads: ContextReads): ScopeVerdict {
  const readsCaller = reads.principal.test(text);
  if ((readsCaller || reads.any.test(text)) && ROLE_CHECK.test(text)) return 'role';
  if (readsCaller) return 'auth';
  return 'other';
}

function unwrap(node: ts.Node): ts.Node {
  return ts.isExpression(node) ? skipOuterExpressions(node) : node;
}

function escape(name: string): string {
  return name.replace(/[$]/g, '\\$');
}

function compact(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}
