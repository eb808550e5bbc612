import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { isFunctionLike, nodePosition, propertyNameText, propertyValue, skipOuterExpressions, soleExpression } from '../../ast/syntax.js';
import { bindingValue, importedValue, requiredModule, type ModuleIndex, type ResolvedFunction, resolveFunction } from '../../names/index.js';
import { nodesOfKind } from '../../ast/file-index.js';
import { classifyBody, type MiddlewareClassifier } from '../../routes/classify-middleware.js';
import type { Operation, RouteDefinition, RouteMiddleware, ValidatedField } from '../../routes/route.js';
import { codeFirstTypedArguments, type ObjectAt } from './argument-types.js';
import { usesAnyPackage, type AdapterContext, type FrameworkAdapter } from '../adapter.js';
import { dependsOn } from '../functions/function-exports.js';
import { AUTH_DIRECTIVE, GRAPHQL_JS_PACKAGES, PUBLIC_DIRECTIVE, REDWOOD_PACKAGES, GRAPHQL_JS_SCHEMA_ROOTS, GRAPHQL_RESOLVER_MAP_PACKAGES, GRAPHQL_SERVER_FACTORIES, RATE_LIMIT_DIRECTIVE, RESOLVER_COMPOSERS, ROLE_DIRECTIVE, ROOT_OPERATION_TYPES, SHIELD_FACTORIES } from './graphql-models.js';
import { directiveImplementations, readSdl, type DirectiveImplementation, type SdlDirective } from './sdl.js';

const MAX_SPREAD_DEPTH = 6;
/** Keys of a type's resolver object that are the server's type plumbing, not fields a client asks for. */
const TYPE_PLUMBING = /^__(?:resolveType|isTypeOf|resolveReference)$/;

export const graphqlAdapter: FrameworkAdapter = {
  name: 'graphql',
  // graphql-js alone serves too: `graphql({ schema, source })` in a Lambda or a hand-written endpoint
  // runs a `new GraphQLSchema({ query, mutation })` with no server package around it.
  isEnabled: (facts) => usesAnyPackage(facts, GRAPHQL_RESOLVER_MAP_PACKAGES) || usesAnyPackage(facts, GRAPHQL_JS_PACKAGES),
  discoverRoutes: discoverResolverMaps,
};

/** A type's name and its object of fields; `operation` when the type's role, not its name, decides what its fields are. */
interface TypeObject {
  typeName: string;
  fieldsObject: ObjectAt | undefined;
  operation?: Operation;
  /** The resolver map the type belongs to, when it is written as one (`{ Query, Mutation }`). */
  map?: ts.ObjectLiteralExpression;
}

/**
 * Resolver maps (Apollo Server, graphql-yoga, Mercurius, graphql-http, @graphql-tools): every object
 * with a `Query`, `Mutation` or `Subscription` key, wherever it is handed to the server. Each root
 * field is an operation (`QUERY order`, `MUTATION cancelOrder`) and each field of another type a field
 * resolver (`FIELD User.invoices`), at the line of its property. Root field objects spread or imported
 * from other files are followed. The context function counts as authentication for every operation
 * when it turns away requests without valid credentials; graphql-shield rules and resolver wrappers
 * (`combineResolvers(isAuthenticated, ...)`, `authenticated(resolver)`) are middleware of the field,
 * and so are the schema's own directives on the field or its type (`@auth(requires: [...])`). A
 * type the schema reaches through a root field (`Mutation.users: UserMutation`) holds operations.
 */
function discoverResolverMaps(context: AdapterContext): RouteDefinition[] {
  const { modules, middleware: classifier } = context;
  const contextChecks = contextFunctionChecks(context);
  const shield = shieldRules(context);
  const directives = schemaDirectives(context);
  const seenFields = new Set<ts.Node>();
  const routes: RouteDefinition[] = [];
  const rootTypes = schemaRootTypes(context);
  const mapGuards = resolverMapGuards(context);
  const redwood = [...context.packageJsons.values()].some((manifest) => dependsOn(manifest, REDWOOD_PACKAGES));
  const rootFields = redwood ? directives.rootFields() : new Map<string, string>();
  for (const file of context.sourceFiles) {
    // A Redwood service module: its exports answer the SDL's root fields by name, the field's arguments first.
    const serviceFile = redwood && REDWOOD_SERVICE_FILE.test(file.path);
    if (!/\b(?:Query|Mutation|Subscription)\b|(?:Query|Mutation|Subscription)Resolvers|GraphQLObjectType/.test(file.text) && !serviceFile) continue;
    const typeObjects: TypeObject[] = [];
    for (const node of nodesOfKind(file.sourceFile, ts.SyntaxKind.ObjectLiteralExpression)) {
      const map = node as ts.ObjectLiteralExpression;
      if (!isResolverMap(map) || shield.maps.has(map)) continue;
      for (const property of map.properties) {
        const typeName = property.name && propertyNameText(property.name);
        if (typeName && /^[A-Z]/.test(typeName)) typeObjects.push({ typeName, fieldsObject: objectOf(modules, file, property), map });
      }
    }
    typeObjects.push(...exportedTypeObjects(file));
    typeObjects.push(...graphqlObjectTypes(modules, file, rootTypes));
    // GraphQL Codegen's server preset: one file per field, `export const deleteOrganization:
    // NonNullable<MutationResolvers['deleteOrganization']> = async (...) => {...}`, the map generated at build time.
    for (const typed of [...typedFieldResolvers(file), ...(serviceFile ? serviceResolvers(file, rootFields) : [])]) {
      if (seenFields.has(typed.declaration)) continue;
      seenFields.add(typed.declaration);
      const operation = ROOT_OPERATION_TYPES[typed.typeName] ?? 'FIELD';
      const resolved = ts.isFunctionDeclaration(typed.value) ? { handler: { file, node: typed.value, name: typed.fieldName }, middleware: [] } : resolverValue(modules, classifier, file, typed.value, operation, 0);
      if (!resolved || isStubResolver(resolved.handler.node)) continue;
      const position = nodePosition(typed.declaration);
      routes.push({
        framework: 'graphql',
        kind: 'graphql',
        method: operation,
        path: operation === 'FIELD' ? `${typed.typeName}.${typed.fieldName}` : typed.fieldName,
        file: file.path,
        line: position.line,
        column: position.column,
        handler: { file: resolved.handler.file.path, line: nodePosition(resolved.handler.node).line, node: resolved.handler.node, name: `${typed.typeName}.${typed.fieldName}` },
        middleware: [...contextChecks.map((entry) => ({ ...entry })), ...shield.middlewareFor(typed.typeName, typed.fieldName), ...directives.middlewareFor(typed.typeName, typed.fieldName), ...resolved.middleware],
        ...typedArguments(resolved, directives.typedArgumentsFor(typed.typeName, typed.fieldName)),
        ...directives.publicFor(typed.typeName, typed.fieldName),
        // A Redwood service takes the field's arguments first: (args, { root, context, info }).
        ...(serviceFile ? { argsParameter: 0 } : {}),
      });
    }
    for (const { typeName, fieldsObject, operation: declared, map } of typeObjects) {
      if (!fieldsObject || shield.maps.has(fieldsObject.node)) continue;
      const namespaced = ROOT_OPERATION_TYPES[typeName] ? undefined : directives.namespaceOperation(typeName);
      const operation = declared ?? ROOT_OPERATION_TYPES[typeName] ?? namespaced ?? 'FIELD';
      const wholeMapGuard = map && ROOT_OPERATION_TYPES[typeName] ? mapGuards.get(map) : undefined;
      const mapGuard = wholeMapGuard && (!wholeMapGuard.types || wholeMapGuard.types.has(typeName)) ? wholeMapGuard : undefined;
      for (const field of fieldsOf(modules, fieldsObject, 0)) {
        if (seenFields.has(field.node)) continue;
        seenFields.add(field.node);
        const fieldName = field.node.name && propertyNameText(field.node.name);
        if (!fieldName || TYPE_PLUMBING.test(fieldName)) continue;
        const resolved = resolverOf(modules, classifier, field.file, field.node, operation);
        if (!resolved || isNamespaceResolver(resolved.handler.node) || isStubResolver(resolved.handler.node)) continue;
        const path = operation === 'FIELD' || namespaced ? `${typeName}.${fieldName}` : fieldName;
        const position = nodePosition(field.node);
        const shieldMiddleware = shield.middlewareFor(typeName, fieldName);
        routes.push({
          framework: 'graphql',
          kind: 'graphql',
          method: operation,
          path,
          file: field.file.path,
          line: position.line,
          column: position.column,
          handler: { file: resolved.handler.file.path, line: nodePosition(resolved.handler.node).line, node: resolved.handler.node, name: `${typeName}.${fieldName}` },
          middleware: [...contextChecks.map((entry) => ({ ...entry })), ...shieldMiddleware, ...directives.middlewareFor(typeName, fieldName), ...mapGuardFor(mapGuard, field), ...resolved.middleware],
          ...typedArguments(resolved, directives.typedArgumentsFor(typeName, fieldName)),
          ...directives.publicFor(typeName, fieldName),
        });
      }
    }
  }
  return routes;
}

/** The field's constrained arguments: the code-first config's, else the SDL's (one schema declares a field once). */
function typedArguments(resolved: ResolvedField, fromSdl: ValidatedField[]): { typedArguments?: ValidatedField[] } {
  const declared = resolved.typedArguments ?? fromSdl;
  return declared.length > 0 ? { typedArguments: declared } : {};
}

/** `MutationResolvers['deleteOrganization']`, perhaps inside `NonNullable<...>`: the codegen type of one root field's resolver. */
const TYPED_FIELD_RESOLVER = /^(?:NonNullable\s*<\s*)?(Query|Mutation|Subscription)Resolvers\s*\[\s*['"]([A-Za-z_]\w*)['"]\s*\]\s*>?$/;

/** Exported consts typed as one root field's resolver (GraphQL Codegen server preset), with their function. */
function typedFieldResolvers(file: ScannedSourceFile): Array<{ typeName: string; fieldName: string; declaration: ts.VariableDeclaration; value: ts.Expression }> {
  const found: Array<{ typeName: string; fieldName: string; declaration: ts.VariableDeclaration; value: ts.Expression }> = [];
  if (!file.text.includes('Resolvers[')) return found;
  for (const statement of file.sourceFile.statements) {
    if (!ts.isVariableStatement(statement) || !statement.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) continue;
    for (const declaration of statement.declarationList.declarations) {
      const match = declaration.type && TYPED_FIELD_RESOLVER.exec(declaration.type.getText(file.sourceFile).replace(/\s+/g, ' ').trim());
      if (!match || !declaration.initializer) continue;
      found.push({ typeName: match[1]!, fieldName: match[2]!, declaration, value: skipOuterExpressions(declaration.initializer) });
    }
  }
  return found;
}

/** A Redwood service module: `api/src/services/invoices/invoices.ts`, not its tests or scenarios. */
const REDWOOD_SERVICE_FILE = /(?:^|\/)src\/services\/(?!.*\.(?:test|spec|scenarios)\.[^.]+$).*\.[cm]?[jt]sx?$/;

/**
 * RedwoodJS (and CedarJS) services: a service module exports one function per root field of the SDL
 * (`export const invoice = ({ id }) => db.invoice.findUnique({ where: { id } })`), and the GraphQL
 * server merges them into its resolvers by name at start-up. Typed ones (`QueryResolvers['invoice']`)
 * are read by typedFieldResolvers already. `file` is a service module (REDWOOD_SERVICE_FILE).
 */
function serviceResolvers(file: ScannedSourceFile, rootFields: ReadonlyMap<string, string>): Array<{ typeName: string; fieldName: string; declaration: ts.VariableDeclaration | ts.FunctionDeclaration; value: ts.Expression | ts.FunctionDeclaration }> {
  const found: Array<{ typeName: string; fieldName: string; declaration: ts.VariableDeclaration | ts.FunctionDeclaration; value: ts.Expression | ts.FunctionDeclaration }> = [];
  if (rootFields.size === 0) return found;
  for (const statement of file.sourceFile.statements) {
    if (!(ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) continue;
    if (ts.isFunctionDeclaration(statement) && statement.name && statement.body && rootFields.has(statement.name.text)) {
      found.push({ typeName: rootFields.get(statement.name.text)!, fieldName: statement.name.text, declaration: statement, value: statement });
    }
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || !declaration.initializer || declaration.type || !rootFields.has(declaration.name.text)) continue;
      found.push({ typeName: rootFields.get(declaration.name.text)!, fieldName: declaration.name.text, declaration, value: skipOuterExpressions(declaration.initializer) });
    }
  }
  return found;
}

/**
 * Resolver modules loaded by file pattern (@graphql-tools/load-files, graphql-modules): each exports
 * its root types as `export const Query = {...}` / `Mutation` / `Subscription`, and beside them the
 * field resolvers of other types (`export const Post = { author() {...} }`).
 */
function exportedTypeObjects(file: ScannedSourceFile): Array<{ typeName: string; fieldsObject: ObjectAt | undefined }> {
  const exported: Array<{ typeName: string; fieldsObject: ObjectAt | undefined }> = [];
  for (const statement of file.sourceFile.statements) {
    if (!ts.isVariableStatement(statement) || !statement.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) continue;
    for (const declaration of statement.declarationList.declarations) {
      const initializer = declaration.initializer && skipOuterExpressions(declaration.initializer);
      if (!ts.isIdentifier(declaration.name) || !initializer || !ts.isObjectLiteralExpression(initializer) || !/^[A-Z]/.test(declaration.name.text)) continue;
      exported.push({ typeName: declaration.name.text, fieldsObject: { node: initializer, file } });
    }
  }
  // Only a module that exports a root type is a resolver module: other PascalCase objects are plain data.
  return exported.some((entry) => Object.hasOwn(ROOT_OPERATION_TYPES, entry.typeName)) ? exported : [];
}

function isResolverMap(node: ts.ObjectLiteralExpression): boolean {
  return node.properties.some((property) => {
    const name = property.name && propertyNameText(property.name);
    return name !== undefined && Object.hasOwn(ROOT_OPERATION_TYPES, name) && !ts.isSpreadAssignment(property);
  });
}

/** The object a property of a resolver map holds: inline, a shorthand name, or a name imported from another file. */
function objectOf(modules: ModuleIndex, file: ScannedSourceFile, property: ts.ObjectLiteralElementLike): ObjectAt | undefined {
  if (ts.isShorthandPropertyAssignment(property)) return objectValue(modules, file, property.name);
  if (ts.isPropertyAssignment(property)) return objectValue(modules, file, property.initializer);
  return undefined;
}

function objectValue(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression): ObjectAt | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isObjectLiteralExpression(value)) return { node: value, file };
  if (!ts.isIdentifier(value) && !ts.isPropertyAccessExpression(value)) return undefined;
  if (ts.isPropertyAccessExpression(value)) {
    // `Mutation.resolvers` where `import * as Mutation from './Mutation'`: that module's export.
    const namespace = ts.isIdentifier(value.expression) ? modules.resolveName(file, value.expression.text) : undefined;
    if (namespace?.kind === 'namespace') {
      const exported = modules.resolveExport(namespace.file, value.name.text);
      const target = bindingValue(exported);
      return exported?.kind === 'declaration' && target && ts.isExpression(target) ? objectValue(modules, exported.file, target) : undefined;
    }
    // `userResolvers.Query`: a root object inside another file's map.
    const owner = objectValue(modules, file, value.expression);
    const member = owner?.node.properties.find((property) => property.name && propertyNameText(property.name) === value.name.text);
    return owner && member ? objectOf(modules, owner.file, member) : undefined;
  }
  const binding = modules.resolveName(file, value.text);
  const target = bindingValue(binding);
  if (binding?.kind !== 'declaration' || !target) return undefined;
  return target !== value && ts.isExpression(target) ? objectValue(modules, binding.file, target) : undefined;
}

interface FieldAt {
  node: ts.PropertyAssignment | ts.MethodDeclaration | ts.ShorthandPropertyAssignment;
  file: ScannedSourceFile;
}

/** The fields of a type's resolver object, spreads of other objects included (`{ ...orderQueries, me }`). */
function fieldsOf(modules: ModuleIndex, object: ObjectAt, depth: number): FieldAt[] {
  const fields: FieldAt[] = [];
  for (const property of object.node.properties) {
    if (ts.isSpreadAssignment(property)) {
      const spread = depth < MAX_SPREAD_DEPTH ? objectValue(modules, object.file, property.expression) : undefined;
      if (spread) fields.push(...fieldsOf(modules, spread, depth + 1));
      continue;
    }
    if (ts.isPropertyAssignment(property) || ts.isMethodDeclaration(property) || ts.isShorthandPropertyAssignment(property)) fields.push({ node: property, file: object.file });
  }
  return fields;
}

interface ResolvedField {
  handler: ResolvedFunction;
  middleware: RouteMiddleware[];
  /** A code-first field config's arguments whose declared type leaves no free text. */
  typedArguments?: ValidatedField[];
}

/**
 * The function that resolves a field and what runs before it: a function (inline or by name), an
 * object with `resolve` (or `subscribe`), or a wrapper call whose last function argument is the
 * resolver and whose other function arguments (and the wrapper itself, unless it only composes)
 * run first: `combineResolvers(isAuthenticated, isAdmin, resolver)`, `authenticated(resolver)`.
 */
function resolverOf(modules: ModuleIndex, classifier: MiddlewareClassifier, file: ScannedSourceFile, field: FieldAt['node'], operation: Operation): ResolvedField | undefined {
  if (ts.isMethodDeclaration(field)) return { handler: { file, node: field, name: propertyNameText(field.name) ?? '<resolver>' }, middleware: [] };
  const value = skipOuterExpressions(ts.isShorthandPropertyAssignment(field) ? field.name : field.initializer);
  return resolverValue(modules, classifier, file, value, operation, 0);
}

function resolverValue(modules: ModuleIndex, classifier: MiddlewareClassifier, file: ScannedSourceFile, value: ts.Expression, operation: Operation, depth: number): ResolvedField | undefined {
  if (depth > 3) return undefined;
  if (ts.isObjectLiteralExpression(value)) {
    const key = operation === 'SUBSCRIPTION' ? (['subscribe', 'resolve'] as const) : (['resolve'] as const);
    const typedArguments = codeFirstTypedArguments(modules, (at, expression) => objectValue(modules, at, expression), { node: value, file });
    const typed = typedArguments.length > 0 ? { typedArguments } : {};
    for (const name of key) {
      const member = value.properties.find((property) => property.name && propertyNameText(property.name) === name);
      if (member && ts.isMethodDeclaration(member)) return { handler: { file, node: member, name }, middleware: [], ...typed };
      if (member && ts.isPropertyAssignment(member)) {
        const inner = resolverValue(modules, classifier, file, skipOuterExpressions(member.initializer), operation, depth + 1);
        return inner && { ...inner, ...typed };
      }
    }
    return undefined;
  }
  if (ts.isCallExpression(value) && !isFunctionLike(skipOuterExpressions(value.expression))) {
    const functionArguments = value.arguments.map((argument) => skipOuterExpressions(argument)).filter((argument) => isFunctionLike(argument) || ts.isIdentifier(argument) || ts.isPropertyAccessExpression(argument) || ts.isCallExpression(argument));
    const last = functionArguments.at(-1);
    const inner = last && resolverValue(modules, classifier, file, last, operation, depth + 1);
    if (inner) {
      const callee = skipOuterExpressions(value.expression);
      const composer = ts.isIdentifier(callee) && RESOLVER_COMPOSERS.has(callee.text);
      const before = [...(composer ? [] : [callee]), ...functionArguments.slice(0, -1)];
      return { handler: inner.handler, middleware: [...before.map((expression) => classifier.describe(expression, file, 'route')), ...inner.middleware] };
    }
    // A resolver factory (`makeResolver()` returning the function): the function it returns.
    const made = resolveFunction(modules, file, value);
    if (made) return { handler: made, middleware: [] };
    // A field-config factory (`orders: getOrdersQuery()` returning `{ type, args, resolve }`): the config it returns.
    const factory = functionArguments.length === 0 ? resolveFunction(modules, file, value.expression) : undefined;
    const config = factory?.node.body && returnedObject(modules, factory.file, factory.node.body);
    return config ? resolverValue(modules, classifier, config.file, config.node, operation, depth + 1) : undefined;
  }
  // `deleteChannel` imported from the file whose default export is `requireAuth(async (_, args, ctx) => ...)`
  // (one file per resolver, the map listing them by name): that wrapper call, read as if it were
  // written in the map, so its wrapper runs before the field as an inline one does.
  const wrapped = ts.isIdentifier(value) ? wrapperCallNamed(modules, file, value) : undefined;
  if (wrapped) return resolverValue(modules, classifier, wrapped.file, wrapped.call, operation, depth + 1);
  const handler = resolveFunction(modules, file, value);
  if (handler) return { handler, middleware: [] };
  // A field config held by a name (`account: AccountQuery`, imported from the file that declares `{ type, args, resolve }`).
  const config = ts.isIdentifier(value) || ts.isPropertyAccessExpression(value) ? objectValue(modules, file, value) : undefined;
  return config ? resolverValue(modules, classifier, config.file, config.node, operation, depth + 1) : undefined;
}

/** The guard a project's map-wrapping function puts around every root field of the resolver map it is given. */
interface MapGuard {
  middleware: RouteMiddleware;
  /** The guard is chosen per field (`skipPermission ? withLog(r) : wrapPermission(r)`): a field its module marks may go without it. */
  perField: boolean;
  /** The root types it is given to, when the function names them (`if (key === 'Mutation') ... wrapPermission(r)`); else all. */
  types?: ReadonlySet<string>;
  /** For a per-field guard: the resolver objects the project marks elsewhere (markedResolverObjects). */
  marked?: MarkedObjects;
}

/** Resolver objects a marking call reaches (`markResolvers(publicMutations, {...})`), each with the keys it keeps when it is filtered on the way. */
type MarkedObjects = Map<ts.Node, Array<KeyFilter | undefined>>;
/** `Object.entries(all).filter(([key]) => !ADMIN_KEYS.has(key))`: the keys named, and whether they are left out. */
interface KeyFilter { keys: ReadonlySet<string>; excluded: boolean }

/**
 * Resolver maps wrapped whole before the server gets them: `resolvers: wrapApolloResolvers(resolvers)`,
 * a project function that walks the map and hands each root field to a per-field wrapper
 * (`wrapPermission(resolver)`, which checks the login and calls on). The wrapper that authenticates
 * runs before every Query and Mutation field, as a wrapper written around each would. When the
 * function picks the wrapper per field, by something the field's resolver carries (a public flag
 * set on it: `m.resolveX.wrapperConfig = { skipPermission: true }`, `markResolvers(m, {...})`), the
 * fields whose module marks them are left to be judged on their own.
 */
function resolverMapGuards(context: AdapterContext): Map<ts.ObjectLiteralExpression, MapGuard> {
  const guards = new Map<ts.ObjectLiteralExpression, MapGuard>();
  const byFunction = new Map<ts.Node, MapGuard | undefined>();
  let marked: MarkedObjects | undefined;
  for (const file of context.sourceFiles) {
    if (!/resolvers/i.test(file.text)) continue;
    for (const node of nodesOfKind(file.sourceFile, ts.SyntaxKind.CallExpression)) {
      const call = node as ts.CallExpression;
      const argument = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
      const callee = skipOuterExpressions(call.expression);
      if (!argument || !(ts.isIdentifier(argument) || ts.isObjectLiteralExpression(argument)) || !ts.isIdentifier(callee) || RESOLVER_COMPOSERS.has(callee.text)) continue;
      const map = objectValue(context.modules, file, argument);
      if (!map || !isResolverMap(map.node)) continue;
      const wrapping = resolveFunction(context.modules, file, callee);
      if (!wrapping?.node.body) continue;
      if (!byFunction.has(wrapping.node)) byFunction.set(wrapping.node, fieldGuardOf(context, wrapping));
      const guard = byFunction.get(wrapping.node);
      if (guard?.perField) marked ??= markedResolverObjects(context);
      if (guard) guards.set(map.node, { ...guard, ...(guard.perField ? { marked } : {}), middleware: { ...guard.middleware, evidence: `${guard.middleware.evidence}; ${callee.text}(...) (${file.path}:${nodePosition(call).line}) wraps every root field of the resolver map with it` } });
    }
  }
  return guards;
}

/** The authenticating wrapper a map-wrapping function calls with each field's resolver, and whether it picks it per field. */
function fieldGuardOf(context: AdapterContext, wrapping: ResolvedFunction): MapGuard | undefined {
  const body = wrapping.node.body!;
  let guard: MapGuard | undefined;
  let everyType = false;
  const types = new Set<string>();
  for (const node of nodesOfKind(wrapping.file.sourceFile, ts.SyntaxKind.CallExpression)) {
    if (node.pos < body.pos || node.end > body.end) continue;
    const call = node as ts.CallExpression;
    const callee = skipOuterExpressions(call.expression);
    if (!ts.isIdentifier(callee) || call.arguments.length === 0) continue;
    const wrapper = resolveFunction(context.modules, wrapping.file, callee);
    if (!wrapper?.node.body || wrapper.node === wrapping.node) continue;
    const described = context.middleware.describe(callee, wrapping.file, 'router');
    if ((described.kind !== 'auth' && described.kind !== 'role') || described.strength !== 'strong') continue;
    guard ??= { middleware: described, perField: false };
    if (chosenByCondition(call, body)) guard.perField = true;
    const named = rootTypesTested(call, body);
    if (named.size === 0) everyType = true;
    for (const type of named) types.add(type);
  }
  return guard && !everyType ? { ...guard, types } : guard;
}

/** `key === 'Mutation'`, `typeName !== 'Query' && ...`: a condition on which root type a loop is at. */
function comparesWithRootType(condition: ts.Expression): boolean {
  const value = skipOuterExpressions(condition);
  if (!ts.isBinaryExpression(value)) return false;
  if (value.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken || value.operatorToken.kind === ts.SyntaxKind.BarBarToken) return comparesWithRootType(value.left) && comparesWithRootType(value.right);
  return [value.left, value.right].some((side) => {
    const operand = skipOuterExpressions(side);
    return ts.isStringLiteralLike(operand) && Object.hasOwn(ROOT_OPERATION_TYPES, operand.text);
  });
}

/** The root types an `if (key === 'Mutation')` around `node` (its then-branch) restricts it to. */
function rootTypesTested(node: ts.Node, stop: ts.Node): Set<string> {
  const types = new Set<string>();
  for (let child = node, parent = node.parent; parent && child !== stop; child = parent, parent = parent.parent) {
    if (!ts.isIfStatement(parent) || parent.thenStatement !== child) continue;
    const condition = skipOuterExpressions(parent.expression);
    if (!ts.isBinaryExpression(condition) || (condition.operatorToken.kind !== ts.SyntaxKind.EqualsEqualsEqualsToken && condition.operatorToken.kind !== ts.SyntaxKind.EqualsEqualsToken)) continue;
    for (const side of [condition.left, condition.right]) {
      const value = skipOuterExpressions(side);
      if (ts.isStringLiteralLike(value) && Object.hasOwn(ROOT_OPERATION_TYPES, value.text)) types.add(value.text);
    }
  }
  return types;
}

/** Whether `node` runs only in one branch of a condition inside `stop`: an if/else arm, a `?:` arm, the right of `&&`/`||`. */
function chosenByCondition(node: ts.Node, stop: ts.Node): boolean {
  for (let child = node, parent = node.parent; parent && child !== stop; child = parent, parent = parent.parent) {
    // `if (key === 'Mutation')` picks a type, not a field: every field of it gets the guard.
    if (ts.isIfStatement(parent) && parent.expression !== child && !comparesWithRootType(parent.expression)) return true;
    if (ts.isConditionalExpression(parent) && parent.condition !== child) return true;
    if (ts.isBinaryExpression(parent) && parent.right === child && [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(parent.operatorToken.kind)) return true;
  }
  return false;
}

/** The map's guard for one of its root fields: none for a field its module marks, when the guard is chosen per field. */
function mapGuardFor(guard: MapGuard | undefined, field: FieldAt): RouteMiddleware[] {
  if (!guard) return [];
  if (guard.perField && (fieldIsMarked(field) || markedElsewhere(guard.marked, field))) return [];
  return [{ ...guard.middleware }];
}

/**
 * Whether the module that declares a resolver object sets something on it or on one of its fields:
 * `moduleMutations.field.wrapperConfig = {...}`, `markResolvers(moduleMutations, {...})`,
 * `Object.assign(moduleMutations.field, {...})`. What is set is the module's business; that it sets
 * anything is enough for a wrapper that decides per field not to be taken as covering this one.
 */
function fieldIsMarked(field: FieldAt): boolean {
  const object = field.node.parent;
  const declaration = ts.isObjectLiteralExpression(object) ? skipUp(object) : undefined;
  if (!declaration || !ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name)) return false;
  const objectName = declaration.name.text;
  const fieldName = field.node.name && propertyNameText(field.node.name);
  const names = (expression: ts.Expression, fieldLevel: boolean): boolean => {
    const value = skipOuterExpressions(expression);
    if (ts.isIdentifier(value)) return !fieldLevel && value.text === objectName;
    if (ts.isPropertyAccessExpression(value) || ts.isElementAccessExpression(value)) {
      const member = ts.isPropertyAccessExpression(value) ? value.name.text : ts.isStringLiteralLike(value.argumentExpression) ? value.argumentExpression.text : undefined;
      const owner = skipOuterExpressions(value.expression);
      return ts.isIdentifier(owner) && owner.text === objectName && member === fieldName;
    }
    return false;
  };
  for (const node of nodesOfKind(field.file.sourceFile, ts.SyntaxKind.BinaryExpression)) {
    const assignment = node as ts.BinaryExpression;
    if (assignment.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
    const target = skipOuterExpressions(assignment.left);
    if ((ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target)) && names(target.expression, true)) return true;
  }
  for (const node of nodesOfKind(field.file.sourceFile, ts.SyntaxKind.CallExpression)) {
    const call = node as ts.CallExpression;
    if (call.arguments.length < 2 || !call.arguments.some((argument) => ts.isObjectLiteralExpression(skipOuterExpressions(argument)))) continue;
    if (call.arguments.some((argument) => names(argument, false) || names(argument, true))) return true;
  }
  return false;
}

const MAX_MARK_DEPTH = 4;

/**
 * The resolver objects a marking call anywhere in the project reaches: a call given an object
 * literal (the mark) and a name (`markResolvers(clientPortalOnlyMutations, { wrapperConfig })`),
 * followed through the name's object, the objects it spreads, and the names a derivation mentions
 * (`Object.fromEntries(Object.entries(cpUserMutations).filter(([key]) => !ADMIN_KEYS.has(key)))`),
 * with the keys such a filter names (a literal collection tested with `has`/`includes`).
 */
function markedResolverObjects(context: AdapterContext): MarkedObjects {
  const marked: MarkedObjects = new Map();
  const reach = (file: ScannedSourceFile, name: ts.Identifier, filter: KeyFilter | undefined, depth: number): void => {
    if (depth > MAX_MARK_DEPTH) return;
    const binding = context.modules.resolveName(file, name.text);
    if (binding?.kind !== 'declaration' || !ts.isVariableDeclaration(binding.node) || !binding.node.initializer) return;
    const declaration = binding.node;
    const seen = marked.get(declaration);
    if (seen?.includes(filter)) return;
    marked.set(declaration, [...(seen ?? []), filter]);
    const value = skipOuterExpressions(declaration.initializer!);
    if (ts.isObjectLiteralExpression(value)) {
      for (const property of value.properties) {
        const spread = ts.isSpreadAssignment(property) ? skipOuterExpressions(property.expression) : undefined;
        if (spread && ts.isIdentifier(spread)) reach(binding.file, spread, filter, depth + 1);
      }
      return;
    }
    if (!ts.isCallExpression(value)) return;
    const derived = keyFilterIn(context, binding.file, value) ?? filter;
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node) && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node)) reach(binding.file, node, derived, depth + 1);
      ts.forEachChild(node, visit);
    };
    for (const argument of value.arguments) visit(argument);
    if (ts.isPropertyAccessExpression(value.expression)) visit(value.expression.expression);
  };
  for (const file of context.sourceFiles) {
    for (const node of nodesOfKind(file.sourceFile, ts.SyntaxKind.CallExpression)) {
      const call = node as ts.CallExpression;
      if (call.arguments.length < 2 || !call.arguments.some((argument) => ts.isObjectLiteralExpression(skipOuterExpressions(argument)))) continue;
      for (const argument of call.arguments) {
        const value = skipOuterExpressions(argument);
        if (ts.isIdentifier(value)) reach(file, value, undefined, 0);
      }
    }
  }
  return marked;
}

/** `!ADMIN_KEYS.has(key)` / `PUBLIC_KEYS.includes(key)` in a derivation, where the collection is a literal list of keys. */
function keyFilterIn(context: AdapterContext, file: ScannedSourceFile, call: ts.CallExpression): KeyFilter | undefined {
  let found: KeyFilter | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && /^(?:has|includes)$/.test(node.expression.name.text) && ts.isIdentifier(node.expression.expression)) {
      const binding = context.modules.resolveName(file, node.expression.expression.text);
      const initializer = binding?.kind === 'declaration' && ts.isVariableDeclaration(binding.node) ? binding.node.initializer : undefined;
      const keys = new Set<string>();
      const collect = (inner: ts.Node): void => {
        if (ts.isStringLiteralLike(inner)) keys.add(inner.text);
        ts.forEachChild(inner, collect);
      };
      if (initializer) collect(initializer);
      const parent = skipUpExpression(node);
      if (keys.size > 0) found = { keys, excluded: ts.isPrefixUnaryExpression(parent) && parent.operator === ts.SyntaxKind.ExclamationToken };
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(call);
  return found;
}

/** The expression around `node`, through parentheses. */
function skipUpExpression(node: ts.Node): ts.Node {
  let current = node.parent;
  while (current && ts.isParenthesizedExpression(current)) current = current.parent;
  return current;
}

/** Whether a marking call elsewhere reaches the object that declares this field, and keeps the field if it filters keys. */
function markedElsewhere(marked: MarkedObjects | undefined, field: FieldAt): boolean {
  const object = field.node.parent;
  const declaration = ts.isObjectLiteralExpression(object) ? skipUp(object) : undefined;
  const filters = declaration && marked?.get(declaration);
  if (!filters) return false;
  const fieldName = field.node.name && propertyNameText(field.node.name);
  return filters.some((filter) => !filter || !fieldName || filter.keys.has(fieldName) !== filter.excluded);
}

/** The declaration an object literal initialises, through `as`/`satisfies`/parentheses. */
function skipUp(node: ts.Node): ts.Node | undefined {
  let current = node.parent;
  while (current && (ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isParenthesizedExpression(current) || ts.isTypeAssertionExpression(current))) current = current.parent;
  return current;
}

/** The call a name is bound to (`const x = wrap(fn)`, `export default wrap(fn)` in the file a default import names), when it is one. */
function wrapperCallNamed(modules: ModuleIndex, file: ScannedSourceFile, name: ts.Identifier): { file: ScannedSourceFile; call: ts.CallExpression } | undefined {
  const binding = modules.resolveName(file, name.text);
  const target = bindingValue(binding);
  if (binding?.kind !== 'declaration' || !target || target === name || !ts.isCallExpression(target) || requiredModule(target)) return undefined;
  return isFunctionLike(skipOuterExpressions(target.expression)) ? undefined : { file: binding.file, call: target };
}

/**
 * The context functions given to the GraphQL server (`new ApolloServer({ context })`,
 * `startStandaloneServer(server, { context })`, `expressMiddleware(server, { context })`,
 * `createYoga({ context })`, Mercurius `context`): those that reject a request without valid
 * credentials authenticate every operation. One that only reads the user is no check.
 */
export function contextFunctionChecks(context: AdapterContext): RouteMiddleware[] {
  const checks: RouteMiddleware[] = [];
  for (const file of context.sourceFiles) {
    if (!file.text.includes('context')) continue;
    for (const node of nodesOfKind(file.sourceFile, ts.SyntaxKind.CallExpression)) {
      const call = node as ts.CallExpression;
      if (!isServerFactory(context.modules, file, call)) continue;
      for (const argument of call.arguments) {
        const options = skipOuterExpressions(argument);
        if (!ts.isObjectLiteralExpression(options)) continue;
        // Server plugins (Yoga/Envelop, Apollo) run for every operation: a rate limiter among them limits them all.
        const plugins = propertyValue(options, 'plugins');
        if (plugins && ts.isArrayLiteralExpression(plugins)) {
          for (const plugin of plugins.elements) {
            const described = context.middleware.describe(plugin, file, 'global');
            if (described.kind === 'rate-limit') checks.push(described);
          }
        }
        const property = options.properties.find((candidate) => candidate.name && propertyNameText(candidate.name) === 'context');
        const expression = property && (ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? property.name : undefined);
        const described = expression ? context.middleware.describe(expression, file, 'global', 'context function') : property && ts.isMethodDeclaration(property) ? describeMethod(file, property) : undefined;
        if (described?.kind !== 'auth') continue;
        const fn = expression ? resolveFunction(context.modules, file, expression) : property && ts.isMethodDeclaration(property) ? { file, node: property, name: 'context' } : undefined;
        if (fn && !rejectsAnonymous(fn)) continue;
        checks.push(described);
      }
    }
  }
  return checks;
}

/** `context({ req }) { ... }` written as a method: classified by its body, as a function value would be. */
function describeMethod(file: ScannedSourceFile, method: ts.MethodDeclaration): RouteMiddleware | undefined {
  const classification = classifyBody({ file, node: method, name: 'context' });
  if (!classification) return undefined;
  return { name: 'context function', file: file.path, line: nodePosition(method).line, kind: classification.kind, strength: classification.strength, evidence: classification.evidence, scope: 'global' };
}

/**
 * Whether a context function turns away a request that carries no credentials. Many verify a token
 * only when one is sent (`if (token) { ... throw on a bad token }`) and hand anonymous requests a
 * null user: every rejection then sits under a test that the credential is present, and each
 * resolver must check the user itself.
 */
function rejectsAnonymous(fn: ResolvedFunction): boolean {
  const body = fn.node.body;
  if (!body) return false;
  let unconditional = false;
  const visit = (node: ts.Node): void => {
    if (unconditional || (node !== body && isFunctionLike(node))) return;
    if (ts.isThrowStatement(node) && !underPresenceTest(node, body)) {
      unconditional = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return unconditional;
}

/** True when `node` runs only if some value is present: inside `if (token)`, `if (payload != null)`, `if (header !== undefined)`. */
function underPresenceTest(node: ts.Node, stop: ts.Node): boolean {
  for (let child = node, parent = node.parent; parent && child !== stop; child = parent, parent = parent.parent) {
    if (ts.isIfStatement(parent) && parent.thenStatement === child && isPresenceTest(parent.expression)) return true;
  }
  return false;
}

function isPresenceTest(condition: ts.Expression): boolean {
  const value = skipOuterExpressions(condition);
  if (ts.isIdentifier(value) || ts.isPropertyAccessExpression(value)) return true;
  if (ts.isBinaryExpression(value)) {
    const operator = value.operatorToken.kind;
    if (operator === ts.SyntaxKind.AmpersandAmpersandToken) return isPresenceTest(value.left) || isPresenceTest(value.right);
    const negative = operator === ts.SyntaxKind.ExclamationEqualsToken || operator === ts.SyntaxKind.ExclamationEqualsEqualsToken;
    const nothing = (side: ts.Expression) => side.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(side) && side.text === 'undefined');
    return negative && (nothing(value.left) || nothing(value.right));
  }
  return false;
}

function isServerFactory(modules: ModuleIndex, file: ScannedSourceFile, call: ts.CallExpression | ts.NewExpression): boolean {
  const callee = skipOuterExpressions(call.expression);
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
  if (!name) return false;
  if (GRAPHQL_SERVER_FACTORIES.has(name)) return true;
  // Fastify: `app.register(mercurius, { schema, resolvers, context })`.
  if (name === 'register' && call.arguments?.[0] && ts.isIdentifier(call.arguments[0])) {
    const plugin = modules.resolveName(file, call.arguments[0].text);
    return plugin?.kind === 'external' && plugin.module === 'mercurius';
  }
  return false;
}

/**
 * The schema's directives as middleware of each field: auth and role directives (their
 * implementation cited when the project has one that turns callers away, otherwise by name only),
 * and rate limits.
 */
function schemaDirectives(context: AdapterContext): {
  namespaceOperation(typeName: string): Operation | undefined;
  middlewareFor(typeName: string, field: string): RouteMiddleware[];
  typedArgumentsFor(typeName: string, field: string): ValidatedField[];
  /** `@skipAuth` on the field: open to anonymous callers on purpose, as written. */
  publicFor(typeName: string, field: string): { declaredPublic?: string };
  rootFields(): ReadonlyMap<string, string>;
} {
  const sdl = readSdl(context.sourceFiles, context.textFiles);
  const implementations = sdl.hasDirectives ? directiveImplementations(context.sourceFiles, new Set(sdl.directiveNames())) : new Map<string, DirectiveImplementation>();
  return {
    namespaceOperation: (typeName) => sdl.namespaceOperation(typeName),
    middlewareFor: (typeName, field) => sdl.directivesFor(typeName, field).flatMap((directive) => directiveMiddleware(directive, implementations.get(directive.name)) ?? []),
    typedArgumentsFor: (typeName, field) => sdl.typedArgumentsFor(typeName, field),
    publicFor: (typeName, field) => {
      const open = sdl.directivesFor(typeName, field).find((directive) => PUBLIC_DIRECTIVE.test(directive.name));
      return open ? { declaredPublic: `@${open.name} schema directive (${open.file}:${open.line})` } : {};
    },
    rootFields: () => sdl.rootFields(),
  };
}

function directiveMiddleware(directive: SdlDirective, implementation: DirectiveImplementation | undefined): RouteMiddleware | undefined {
  const written = `@${directive.name}${directive.args ? `(${directive.args.length > 60 ? `${directive.args.slice(0, 57)}...` : directive.args})` : ''}`;
  const where = `schema directive${directive.onType ? ' on the type' : ''} (${directive.file}:${directive.line})`;
  if (RATE_LIMIT_DIRECTIVE.test(directive.name)) return { name: written, kind: 'rate-limit', strength: 'strong', evidence: where, scope: 'route', file: directive.file, line: directive.line };
  if (!AUTH_DIRECTIVE.test(directive.name)) return undefined;
  // `requires: ["manage:users"]`, `role: ADMIN`, `scopes: [READ]`: the roles or scopes it asks for.
  const roles = [...directive.args.matchAll(/"([^"]+)"|:\s*\[?\s*([A-Z][A-Z0-9_]+)\b/g)].map((match) => match[1] ?? match[2]!).filter((role) => !/^(?:true|false|null)$/i.test(role));
  const kind = roles.length > 0 || ROLE_DIRECTIVE.test(directive.name) ? 'role' : 'auth';
  const implemented = implementation?.rejects ? `, implemented by ${implementation.name} (${implementation.file}:${implementation.line}), which turns callers away` : '';
  return { name: written, kind, strength: implemented ? 'strong' : 'name-only', evidence: `${where}${implemented}`, scope: 'route', file: directive.file, line: directive.line, ...(roles.length > 0 ? { roles } : {}) };
}

/**
 * graphql-shield permission maps: `shield({ Query: { order: isAuthenticated }, Mutation: { '*': isAdmin } })`.
 * Their objects look like resolver maps and must not be read as such; their rules run before the field.
 */
function shieldRules(context: AdapterContext): { maps: Set<ts.ObjectLiteralExpression>; middlewareFor(typeName: string, field: string): RouteMiddleware[] } {
  const maps = new Set<ts.ObjectLiteralExpression>();
  const rules = new Map<string, RouteMiddleware>();
  for (const file of context.sourceFiles) {
    if (!file.text.includes('shield')) continue;
    for (const node of nodesOfKind(file.sourceFile, ts.SyntaxKind.CallExpression)) {
      const call = node as ts.CallExpression;
      const callee = skipOuterExpressions(call.expression);
      if (!ts.isIdentifier(callee) || !SHIELD_FACTORIES.has(callee.text)) continue;
      const binding = context.modules.resolveName(file, callee.text);
      if (binding?.kind !== 'external' || !binding.module.startsWith('graphql-shield')) continue;
      const map = call.arguments[0] && objectValue(context.modules, file, call.arguments[0]);
      if (!map) continue;
      maps.add(map.node);
      for (const typeProperty of map.node.properties) {
        const typeName = typeProperty.name && propertyNameText(typeProperty.name);
        const fields = typeName ? objectOf(context.modules, map.file, typeProperty) : undefined;
        if (!typeName) continue;
        if (!fields) {
          // `Query: isAuthenticated`: one rule for every field of the type.
          if (ts.isPropertyAssignment(typeProperty)) rules.set(`${typeName}.*`, shieldRule(context.middleware, map.file, typeProperty.initializer));
          continue;
        }
        maps.add(fields.node);
        for (const field of fields.node.properties) {
          const fieldName = field.name && propertyNameText(field.name);
          if (fieldName && ts.isPropertyAssignment(field)) rules.set(`${typeName}.${fieldName}`, shieldRule(context.middleware, fields.file, field.initializer));
        }
      }
    }
  }
  return {
    maps,
    middlewareFor: (typeName, field) => {
      const rule = rules.get(`${typeName}.${field}`) ?? rules.get(`${typeName}.*`);
      return rule ? [{ ...rule }] : [];
    },
  };
}

/** A shield rule: `allow` lets anyone through, `deny` no one; others are classified by their body or name. */
function shieldRule(classifier: MiddlewareClassifier, file: ScannedSourceFile, expression: ts.Expression): RouteMiddleware {
  const value = skipOuterExpressions(expression);
  const described = classifier.describe(value, file, 'route');
  if (ts.isIdentifier(value) && value.text === 'allow') {
    const { opaque: _opaque, ...known } = described;
    return { ...known, kind: 'other', strength: 'strong', evidence: 'graphql-shield allow: anyone may call it' };
  }
  return { ...described, evidence: `graphql-shield rule: ${described.evidence}` };
}

/**
 * `resetPassword (obj, args) { return false }`: a resolver left as a stub answers a constant and
 * touches nothing (no data, no state, no request input): no operation a rule could judge. So does
 * one that only throws (`updateRole: async () => { throw new ModuleDisabledError() }`, the
 * stand-ins of a module switched off).
 */
function isStubResolver(fn: ts.SignatureDeclaration & { body?: ts.Node }): boolean {
  const body = fn.body;
  if (!body) return false;
  if (ts.isBlock(body) && body.statements.length === 1 && ts.isThrowStatement(body.statements[0]!)) return true;
  const returned = soleExpression(body as ts.ConciseBody, true);
  const value = returned && skipOuterExpressions(returned);
  if (!value) return false;
  const constant = [ts.SyntaxKind.TrueKeyword, ts.SyntaxKind.FalseKeyword, ts.SyntaxKind.NullKeyword].includes(value.kind) || ts.isNumericLiteral(value) || ts.isStringLiteralLike(value) || (ts.isIdentifier(value) && value.text === 'undefined') || (ts.isArrayLiteralExpression(value) && value.elements.length === 0);
  return constant;
}

/**
 * `Mutation: { async users() { return {} } }`: a namespace field (wiki.js, graphql-modules style),
 * whose object only carries the sub-fields (`UserMutation.create`), each resolved, and judged, on its own.
 * It reads nothing and does nothing: no operation to report.
 */
function isNamespaceResolver(fn: ts.SignatureDeclaration & { body?: ts.Node }): boolean {
  const body = fn.body;
  if (!body) return false;
  const returned = soleExpression(body as ts.ConciseBody, true);
  const value = returned && skipOuterExpressions(returned);
  return value !== undefined && ts.isObjectLiteralExpression(value) && value.properties.length === 0;
}


/** graphql-js's own type classes (`new GraphQLObjectType({ name, fields })`, `new GraphQLSchema({ query, mutation })`). */
function isGraphqlClass(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression, name: string): boolean {
  const imported = importedValue(modules, file, expression);
  return imported !== undefined && imported.name === name && GRAPHQL_JS_PACKAGES.includes(imported.module);
}

/**
 * The root types of code-first graphql-js schemas: `new GraphQLSchema({ query: RootQuery, mutation })`
 * names the `new GraphQLObjectType(...)` each operation type is, whatever that type is called.
 */
function schemaRootTypes(context: AdapterContext): Map<ts.NewExpression, string> {
  const roots = new Map<ts.NewExpression, string>();
  for (const file of context.sourceFiles) {
    if (!file.text.includes('GraphQLSchema')) continue;
    for (const node of nodesOfKind(file.sourceFile, ts.SyntaxKind.NewExpression)) {
      const schema = node as ts.NewExpression;
      if (!isGraphqlClass(context.modules, file, schema.expression, 'GraphQLSchema')) continue;
      const options = schema.arguments?.[0] && skipOuterExpressions(schema.arguments[0]);
      if (!options || !ts.isObjectLiteralExpression(options)) continue;
      for (const [option, typeName] of Object.entries(GRAPHQL_JS_SCHEMA_ROOTS)) {
        const value = propertyValue(options, option);
        const type = value && objectTypeConstruction(context.modules, file, value, 0);
        if (type) roots.set(type, typeName);
      }
    }
  }
  return roots;
}

/** The `new GraphQLObjectType(...)` an expression is: inline, or a local or imported name bound to one. */
function objectTypeConstruction(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression, depth: number): ts.NewExpression | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isNewExpression(value)) return value;
  if (!ts.isIdentifier(value) || depth > 3) return undefined;
  const binding = modules.resolveName(file, value.text);
  const target = bindingValue(binding);
  return binding?.kind === 'declaration' && target && target !== value && ts.isExpression(target) ? objectTypeConstruction(modules, binding.file, target, depth + 1) : undefined;
}

/**
 * Code-first graphql-js types: `new GraphQLObjectType({ name: 'Mutation', fields: () => ({ ...orderMutations }) })`.
 * Each field is a config object whose `resolve(parent, args, context)` is the resolver, as in a
 * resolver map. A schema's root types (by their role in `new GraphQLSchema`, else by the names
 * Query, Mutation, Subscription) hold operations; every other object type, field resolvers.
 */
function graphqlObjectTypes(modules: ModuleIndex, file: ScannedSourceFile, rootTypes: ReadonlyMap<ts.NewExpression, string>): TypeObject[] {
  const types: TypeObject[] = [];
  if (!file.text.includes('GraphQLObjectType')) return types;
  for (const node of nodesOfKind(file.sourceFile, ts.SyntaxKind.NewExpression)) {
    const construction = node as ts.NewExpression;
    if (!isGraphqlClass(modules, file, construction.expression, 'GraphQLObjectType')) continue;
    const options = construction.arguments?.[0] && skipOuterExpressions(construction.arguments[0]);
    if (!options || !ts.isObjectLiteralExpression(options)) continue;
    const name = propertyValue(options, 'name');
    const declaredName = name && ts.isStringLiteralLike(name) ? name.text : undefined;
    const root = rootTypes.get(construction);
    const fields = options.properties.find((property) => property.name && propertyNameText(property.name) === 'fields');
    if (!(root ?? declaredName) || !fields) continue;
    // With a schema in view, only its roots hold operations: a data type may be called `Subscription` (a recurring payment).
    const notRoot = root === undefined && rootTypes.size > 0 && declaredName !== undefined && Object.hasOwn(ROOT_OPERATION_TYPES, declaredName);
    types.push({ typeName: (root ?? declaredName)!, fieldsObject: fieldsThunkObject(modules, file, fields), ...(notRoot ? { operation: 'FIELD' as const } : {}) });
  }
  return types;
}

/** `fields: {...}`, `fields: () => ({...})`, `fields() { return query; }`: the object of field configs. */
function fieldsThunkObject(modules: ModuleIndex, file: ScannedSourceFile, property: ts.ObjectLiteralElementLike): ObjectAt | undefined {
  if (ts.isMethodDeclaration(property)) return property.body ? returnedObject(modules, file, property.body) : undefined;
  const value = ts.isPropertyAssignment(property) ? skipOuterExpressions(property.initializer) : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
  if (!value) return undefined;
  if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) return returnedObject(modules, file, value.body);
  return objectValue(modules, file, value);
}

/** The object a function body returns: its expression body, or the value of its last top-level `return`. */
function returnedObject(modules: ModuleIndex, file: ScannedSourceFile, body: ts.ConciseBody): ObjectAt | undefined {
  if (!ts.isBlock(body)) return objectValue(modules, file, body);
  const returned = [...body.statements].reverse().find((statement): statement is ts.ReturnStatement => ts.isReturnStatement(statement));
  return returned?.expression ? objectValue(modules, file, returned.expression) : undefined;
}
