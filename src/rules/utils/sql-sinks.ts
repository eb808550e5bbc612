import type { ControlRefs, ScannedSourceFile } from '../../types.js';
import { ts } from '#typescript';
import { enclosingClass, returnedExpressions, skipOuterExpressions } from '../../engine/ast/syntax.js';
import { localBinding, resolveFunction, type ModuleIndex } from '../../engine/names/index.js';
import type { TaintedCall } from '../../engine/dataflow/engine.js';
import { EXISTING_RECORD_KEY, taintFor, type Taint } from '../../engine/dataflow/taint.js';
import type { RuleContext } from '../../engine/rule-api.js';
import { packageMatches, SQL_DRIVERS, type SqlDriver } from '../../models/sql.js';
import { AMBIGUOUS_ESCAPE_METHODS, PG_ESCAPERS, PG_FORMAT_PACKAGE, QUOTING_BUILDER_FUNCTIONS, QUOTING_BUILDER_PACKAGES, SQL_ESCAPE_FUNCTIONS, SQL_ESCAPER_PACKAGES } from '../../models/sanitizers.js';
import { matchingFunctionModel, type SinkModel } from '../../engine/models.js';

/**
 * The SQL sink catalog shared by sql-injection and raw-sql-concatenation: which calls take SQL
 * text, and which of their arguments is that text. A call counts when its receiver is shown to be
 * a client of a SQL driver (created from the package, typed with one of its classes, injected
 * as a TypeORM repository/data source) or, failing proof either way, when the project depends
 * on a driver with that method and the receiver is named like a database handle.
 */

export type { SqlDriver } from '../../models/sql.js';

export interface SqlSink {
  /** The call, or for an API of commands the construction of the command (`new ExecuteStatementCommand({ Statement })`). */
  call: ts.CallExpression | ts.NewExpression;
  /** The expression holding the SQL text: argument 0, the `text`/`sql`/`query` property of an options object, or a request's statement property. */
  queryText: ts.Expression;
  /** The driver, or the config model (`config models[0]`) that makes a project wrapper a sink. */
  driver: SqlDriver | `config models[${number}]`;
  /** How a reader would name the call: `pool.query()`, `qb.where()`, `Prisma.raw()`. */
  api: string;
  /** True when the receiver was proven to come from the driver; false when only its name suggests it. */
  proven: boolean;
}

// The drivers themselves are data (src/models/sql.ts); this file matches calls against them.
const DRIVER_METHODS = new Map<SqlDriver, ReadonlySet<string>>(SQL_DRIVERS.map((model) => [model.driver, new Set<string>(model.textMethods)]));

const ANY_DRIVER_METHOD: ReadonlySet<string> = new Set([...DRIVER_METHODS.values()].flatMap((methods) => [...methods]));
// Drivers whose first argument is a request object with the statement in these properties (AWS data APIs).
const REQUEST_TEXT_PROPERTIES = new Map<SqlDriver, ReadonlySet<string>>(SQL_DRIVERS.flatMap((model) => ('textProperties' in model ? [[model.driver, new Set<string>(model.textProperties)] as const] : [])));
const COMMAND_DRIVERS = SQL_DRIVERS.flatMap((model) => ('commands' in model ? [{ driver: model.driver as SqlDriver, commands: new Set<string>(model.commands) }] : []));

// Object form of the text: pg `{ text }`, mysql `{ sql }`, sequelize `{ query }`.
const TEXT_PROPERTIES = new Set(['text', 'sql', 'query']);
// knex builder methods taking raw SQL: whereRaw, orderByRaw, havingRaw, joinRaw, fromRaw, selectRaw...
const KNEX_RAW_METHOD = /^[a-z][A-Za-z]*Raw$/;
// TypeORM query-builder methods whose string argument is a SQL fragment.
const TYPEORM_BUILDER_METHODS = new Set(['where', 'andWhere', 'orWhere', 'having', 'andHaving', 'orHaving', 'orderBy', 'addOrderBy', 'select', 'addSelect', 'groupBy', 'addGroupBy']);
// Names that database handles go by when we cannot see where they were made.
const HANDLE_NAME =
  /^(?:pool|pgPool|client|pgClient|dbClient|db|database|conn|connection|pg|mysql|sqlite|knex|trx|tx|transaction|sequelize|dataSource|datasource|appDataSource|manager|entityManager|em|queryRunner|runner|prisma|prismaClient|prismaService|repository|repo|\w+Repository|\w+Repo|t|task|mssql|request|stmt|statement)$/i;
// Those whose methods (`get`, `run`, `all`...) are too common elsewhere to take on the name alone.
const STRONG_HANDLE_NAME = /^(?:db|database|sqlite|conn|connection|stmt|statement|t|task|tx|trx|pool|client)$/i;
const AMBIGUOUS_METHODS = new Set(['get', 'all', 'run', 'each', 'exec', 'prepare', 'one', 'any', 'none', 'many', 'result', 'batch', 'execute', 'raw']);

/** Where a value was made: a package (external), a project declaration we cannot see into, or nothing known. */
type Creation = { kind: 'package'; module: string } | { kind: 'project' } | undefined;

export class SqlSinkCatalog {
  private readonly sinks = new Map<ts.CallExpression, SqlSink | null>();

  constructor(
    private readonly modules: ModuleIndex,
    /** Drivers the project depends on (package.json) or imports anywhere. */
    readonly projectDrivers: ReadonlySet<SqlDriver>,
    /** The project's own SQL wrappers, from config `models` (kind sink, category sql). */
    private readonly sinkModels: readonly SinkModel[] = [],
  ) {}

  /** The SQL sink a call is, if any (memoized). */
  sinkOf(call: ts.CallExpression, file: ScannedSourceFile): SqlSink | undefined {
    const known = this.sinks.get(call);
    if (known !== undefined) return known ?? undefined;
    const sink = this.classify(call, file);
    this.sinks.set(call, sink ?? null);
    return sink;
  }

  private classify(call: ts.CallExpression, file: ScannedSourceFile): SqlSink | undefined {
    const callee = skipOuterExpressions(call.expression);
    // A wrapper the project declared a sink: its modelled argument carries the SQL text.
    const model = matchingFunctionModel(this.sinkModels, this.modules, file, callee);
    if (model) {
      const argument = call.arguments[model.argument];
      const text = argument && queryTextOf(argument);
      return text ? { call, queryText: text, driver: model.label as SqlSink['driver'], api: `${shortText(callee)}()`, proven: true } : undefined;
    }
    const first = call.arguments[0];
    if (!first) return undefined;

    // `literal(...)` imported from sequelize.
    if (ts.isIdentifier(callee)) {
      const binding = this.modules.resolveName(file, callee.text);
      if (binding?.kind === 'external' && driverOf(binding.module) === 'sequelize' && binding.importedName === 'literal') {
        return this.sink(call, first, 'sequelize', `${callee.text}()`, true);
      }
      return undefined;
    }
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const method = callee.name.text;
    const receiver = skipOuterExpressions(callee.expression);
    const api = `${shortText(receiver)}.${method}()`;

    // Unmistakable names first.
    if (method === '$queryRawUnsafe' || method === '$executeRawUnsafe') return this.sink(call, first, 'prisma', api, true);
    if (KNEX_RAW_METHOD.test(method) && method !== 'raw') {
      if (this.projectDrivers.has('knex') || this.creationDriver(receiver, file) === 'knex') return this.sink(call, first, 'knex', api, true);
      return undefined;
    }
    if (TYPEORM_BUILDER_METHODS.has(method) && fromQueryBuilder(receiver)) {
      if (!isTextArgument(first, this.modules, file)) return undefined;
      if (this.projectDrivers.has('typeorm')) return { call, queryText: first, driver: 'typeorm', api, proven: true };
      return undefined;
    }

    // Every path below needs a driver method by this name: most calls are not, so skip the
    // (costly) trail of where the receiver was made.
    if (!ANY_DRIVER_METHOD.has(method)) return undefined;
    const creation = this.creationOf(receiver, file, 0);
    if (creation?.kind === 'package') {
      const driver = driverOf(creation.module);
      if (!driver) return undefined;
      return DRIVER_METHODS.get(driver)!.has(method) ? this.sink(call, first, driver, api, true) : undefined;
    }
    if (creation?.kind === 'project') return undefined;

    // Not provable either way: a handle-like name and a driver in the project that has the method.
    const name = handleName(receiver);
    if (!name || !HANDLE_NAME.test(name)) return undefined;
    if (AMBIGUOUS_METHODS.has(method) && !STRONG_HANDLE_NAME.test(name) && !/sql|knex|sequelize/i.test(name)) return undefined;
    const candidates = [...this.projectDrivers].filter((driver) => DRIVER_METHODS.get(driver)!.has(method) && nameFits(driver, name));
    if (candidates.length === 0) return undefined;
    return this.sink(call, first, candidates[0]!, api, false);
  }

  private sink(call: ts.CallExpression, first: ts.Expression, driver: SqlDriver, api: string, proven: boolean): SqlSink | undefined {
    const requestProperties = REQUEST_TEXT_PROPERTIES.get(driver);
    const text = requestProperties ? requestText(first, requestProperties) : queryTextOf(first);
    return text ? { call, queryText: text, driver, api, proven } : undefined;
  }

  /** `new ExecuteStatementCommand({ Statement })` of a driver package: the command carries the statement to `client.send`. */
  commandSinkOf(construction: ts.NewExpression, file: ScannedSourceFile): SqlSink | undefined {
    const callee = skipOuterExpressions(construction.expression);
    const request = construction.arguments?.[0];
    if (!ts.isIdentifier(callee) || !request) return undefined;
    const binding = this.modules.resolveName(file, callee.text);
    if (binding?.kind !== 'external') return undefined;
    const driver = driverOf(binding.module);
    const model = driver && COMMAND_DRIVERS.find((candidate) => candidate.driver === driver);
    if (!driver || !model?.commands.has(binding.importedName)) return undefined;
    const text = requestText(request, REQUEST_TEXT_PROPERTIES.get(driver) ?? new Set());
    return text ? { call: construction, queryText: text, driver, api: `new ${callee.text}()`, proven: true } : undefined;
  }

  /** The driver a receiver is shown to come from (`new Pool()`, a parameter typed `Knex`, an injected handle). */
  creationDriver(expression: ts.Expression, file: ScannedSourceFile): SqlDriver | undefined {
    const creation = this.creationOf(expression, file, 0);
    return creation?.kind === 'package' ? driverOf(creation.module) : undefined;
  }

  /**
   * Where a receiver comes from: `new Pool()` from 'pg', `mysql.createPool()`, `await pool.connect()`,
   * a parameter typed `PoolClient`, `this.repo` injected with `@InjectRepository`, a module-level
   * handle imported from `./db`. Bounded; unknown when the trail goes cold.
   */
  private creationOf(expression: ts.Expression, file: ScannedSourceFile, depth: number): Creation {
    if (depth > 8) return undefined;
    // `new Proxy(target, handler) as ClickHouseClient`, `{} as PrismaClient`: a type the code asserts names the
    // driver's client when the value itself (a lazy proxy, an empty object filled in later) says nothing.
    for (let outer: ts.Expression = expression; ts.isParenthesizedExpression(outer) || ts.isAsExpression(outer) || ts.isTypeAssertionExpression(outer) || ts.isNonNullExpression(outer) || ts.isSatisfiesExpression(outer); outer = outer.expression) {
      if (!('type' in outer) || !outer.type) continue;
      const asserted = this.typeCreation(outer.type, file, depth + 1);
      if (asserted?.kind === 'package') return asserted;
    }
    const value = skipOuterExpressions(expression);
    // A lazy handle (`new Proxy(client, { get })`) forwards to its target: it is what the target is.
    if (ts.isNewExpression(value) && ts.isIdentifier(value.expression) && value.expression.text === 'Proxy' && !this.modules.resolveName(file, 'Proxy') && value.arguments?.[0]) {
      return this.creationOf(value.arguments[0], file, depth + 1);
    }
    // `const pick = () => nodes[0]`: called, a function makes what it returns.
    if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) return this.returnedCreation(value, file, depth + 1);
    // `clients[0]`: an element of a list of handles is one of them.
    if (ts.isElementAccessExpression(value)) return this.creationOf(value.expression, file, depth + 1);
    if (ts.isNewExpression(value) || ts.isCallExpression(value)) {
      const callee = skipOuterExpressions(value.expression);
      // A prepared statement's `all/get/run(params)` take values, not SQL.
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'prepare') return { kind: 'project' };
      // `getRepository(User)`, `getManager()`, `getConnection()` from typeorm and friends resolve by the callee.
      return this.creationOf(callee, file, depth + 1);
    }
    if (ts.isPropertyAccessExpression(value)) {
      if (value.expression.kind === ts.SyntaxKind.ThisKeyword) return this.fieldCreation(value, file, depth + 1);
      const owner = this.creationOf(value.expression, file, depth + 1);
      // `pg.Pool`, `dataSource.manager`, `pool.request`: still the driver. A project object's
      // property (`models.sequelize`) says nothing about the property.
      return owner?.kind === 'package' ? owner : undefined;
    }
    if (ts.isIdentifier(value)) {
      const local = localBinding(value);
      if (local) {
        if (ts.isParameter(local)) return local.type ? this.typeCreation(local.type, file, depth + 1) : undefined;
        const declared = local.type ? this.typeCreation(local.type, file, depth + 1) : undefined;
        if (declared?.kind === 'package') return declared;
        return local.initializer ? this.creationOf(local.initializer, file, depth + 1) : declared;
      }
      const binding = this.modules.resolveName(file, value.text);
      if (!binding) return undefined;
      if (binding.kind === 'external') return { kind: 'package', module: binding.module };
      if (binding.kind === 'namespace') return { kind: 'project' };
      const node = binding.node;
      if (ts.isVariableDeclaration(node)) {
        // `const clients: ClickHouseClient[] = urls.map(...)`: the declared driver type says what the initializer hides.
        const declared = node.type ? this.typeCreation(node.type, binding.file, depth + 1) : undefined;
        if (declared?.kind === 'package') return declared;
        if (node.initializer) return this.creationOf(node.initializer, binding.file, depth + 1);
        return declared;
      }
      if (ts.isClassDeclaration(node)) return this.classCreation(node, binding.file, depth);
      if (ts.isFunctionDeclaration(node)) return this.returnedCreation(node, binding.file, depth + 1);
      if (ts.isExpression(node)) return this.creationOf(node, binding.file, depth + 1);
      return undefined;
    }
    return undefined;
  }

  /**
   * What a project function called for a handle hands back (`function firstNode() { return nodes[0]! }`):
   * its declared return type, else what every return makes when they agree on a driver's package.
   */
  private returnedCreation(fn: ts.FunctionLikeDeclaration, file: ScannedSourceFile, depth: number): Creation {
    if (depth > 8 || !fn.body) return undefined;
    if (fn.type) {
      const declared = this.typeCreation(fn.type, file, depth + 1);
      if (declared?.kind === 'package') return declared;
    }
    const made = returnedExpressions(fn.body).map((returned) => this.creationOf(returned, file, depth + 1));
    const first = made[0];
    return first?.kind === 'package' && made.every((creation) => creation?.kind === 'package' && creation.module === first.module) ? first : undefined;
  }

  /** `this.pool`: the field's declared type, its initializer, or its injection decorator. */
  private fieldCreation(access: ts.PropertyAccessExpression, file: ScannedSourceFile, depth: number): Creation {
    const classNode = enclosingClass(access);
    if (!classNode) return undefined;
    const name = access.name.text;
    for (const member of classNode.members) {
      if (ts.isConstructorDeclaration(member)) {
        for (const parameter of member.parameters) {
          if (!ts.isIdentifier(parameter.name) || parameter.name.text !== name) continue;
          const injected = injectionCreation(parameter);
          if (injected) return injected;
          return parameter.type ? this.typeCreation(parameter.type, file, depth + 1) : undefined;
        }
      }
      if (ts.isPropertyDeclaration(member) && member.name && ts.isIdentifier(member.name) && member.name.text === name) {
        const injected = injectionCreation(member);
        if (injected) return injected;
        if (member.type) return this.typeCreation(member.type, file, depth + 1);
        if (member.initializer) return this.creationOf(member.initializer, file, depth + 1);
      }
    }
    // Assigned in the constructor: `this.pool = new Pool()`.
    let found: Creation;
    const visit = (node: ts.Node): void => {
      if (found) return;
      if (
        ts.isBinaryExpression(node) &&
        node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
        ts.isPropertyAccessExpression(node.left) &&
        node.left.expression.kind === ts.SyntaxKind.ThisKeyword &&
        node.left.name.text === name
      ) {
        found = this.creationOf(node.right, file, depth + 1);
        return;
      }
      ts.forEachChild(node, visit);
    };
    classNode.members.forEach((member) => ts.isConstructorDeclaration(member) && visit(member));
    return found;
  }

  /** `Pool`, `PoolClient`, `Knex`, `Repository<User>`, `Database.Database`, `PrismaService` (extends PrismaClient). */
  private typeCreation(type: ts.TypeNode, file: ScannedSourceFile, depth: number): Creation {
    if (depth > 8) return undefined;
    // `ClickHouseClient[]`, `Array<Pool>`: a list of the driver's handles (its elements are read by index).
    if (ts.isArrayTypeNode(type)) return this.typeCreation(type.elementType, file, depth + 1);
    if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && /^(?:Array|ReadonlyArray)$/.test(type.typeName.text) && type.typeArguments?.length === 1) return this.typeCreation(type.typeArguments[0]!, file, depth + 1);
    if (!ts.isTypeReferenceNode(type)) return undefined;
    let root: ts.EntityName = type.typeName;
    while (ts.isQualifiedName(root)) root = root.left;
    const binding = this.modules.resolveName(file, root.text);
    if (!binding) return undefined;
    if (binding.kind === 'external') return { kind: 'package', module: binding.module };
    if (binding.kind === 'declaration' && ts.isClassDeclaration(binding.node)) return this.classCreation(binding.node, binding.file, depth + 1);
    return { kind: 'project' };
  }

  /** A project class is the driver's client when it extends one (`class PrismaService extends PrismaClient`); else it is a wrapper. */
  private classCreation(node: ts.ClassDeclaration, file: ScannedSourceFile, depth: number): Creation {
    if (depth > 8) return undefined;
    const extended = node.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
    if (extended) {
      const parent = this.creationOf(extended.expression, file, depth + 1);
      if (parent?.kind === 'package') return parent;
    }
    return { kind: 'project' };
  }
}

/** One catalog per scan, shared by both SQL rules. */
const catalogs = new WeakMap<ModuleIndex, SqlSinkCatalog>();

export function sqlSinkCatalog(ctx: RuleContext): SqlSinkCatalog {
  const cached = catalogs.get(ctx.modules);
  if (cached) return cached;
  const drivers = new Set<SqlDriver>();
  for (const text of ctx.textFiles) {
    if (text.kind !== 'json' || !/(?:^|\/)package\.json$/.test(text.path)) continue;
    try {
      const manifest = JSON.parse(text.text) as Record<string, Record<string, string> | undefined>;
      for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
        for (const name of Object.keys(manifest[field] ?? {})) {
          const driver = driverOf(name);
          if (driver) drivers.add(driver);
        }
      }
    } catch {
      // A broken package.json says nothing about drivers.
    }
  }
  for (const file of ctx.sourceFiles) {
    for (const statement of file.sourceFile.statements) {
      if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
        const driver = driverOf(statement.moduleSpecifier.text);
        if (driver) drivers.add(driver);
      }
    }
    for (const match of file.text.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const driver = driverOf(match[1]!);
      if (driver) drivers.add(driver);
    }
  }
  const catalog = new SqlSinkCatalog(ctx.modules, drivers, ctx.models.sinks.filter((model) => model.category === 'sql'));
  catalogs.set(ctx.modules, catalog);
  return catalog;
}

export function driverOf(moduleName: string): SqlDriver | undefined {
  return SQL_DRIVERS.find((model) => packageMatches(model.packages, moduleName))?.driver;
}

/** `'SELECT ...'` itself, or `{ text: ..., values }` / `{ sql: ... }`: the text part; undefined when the argument is no text (an object of conditions). */
function queryTextOf(argument: ts.Expression): ts.Expression | undefined {
  // `const query = { text: select, values: [id] }; pool.query(query)`: the config object held in a
  // const is read as if written in place (its `values` are bound parameters, not SQL text).
  const config = objectLiteralOf(argument, 'const');
  if (config) return namedProperty(config, TEXT_PROPERTIES);
  const value = skipOuterExpressions(argument);
  if (ts.isObjectLiteralExpression(value) || ts.isArrayLiteralExpression(value) || isFunctionExpression(value)) return undefined;
  return argument;
}

/**
 * The statement of a request object (`{ Statement, Parameters }`, also held in a local `params`):
 * only the named properties are SQL text; without one of them, nothing is.
 */
function requestText(argument: ts.Expression, properties: ReadonlySet<string>): ts.Expression | undefined {
  const request = objectLiteralOf(argument, 'any');
  return request && namedProperty(request, properties);
}

/** The object literal an argument is, or the one a local holds (`const`, or any local binding). */
function objectLiteralOf(argument: ts.Expression, locals: 'const' | 'any'): ts.ObjectLiteralExpression | undefined {
  const value = skipOuterExpressions(argument);
  if (ts.isObjectLiteralExpression(value)) return value;
  if (!ts.isIdentifier(value)) return undefined;
  const local = localBinding(value);
  if (!local || ts.isParameter(local) || !local.initializer) return undefined;
  if (locals === 'const' && !(ts.isVariableDeclaration(local) && ts.isVariableDeclarationList(local.parent) && local.parent.flags & ts.NodeFlags.Const)) return undefined;
  const initializer = skipOuterExpressions(local.initializer);
  return ts.isObjectLiteralExpression(initializer) ? initializer : undefined;
}

/** The value of the first property of an object literal named one of `names` (`{ text }`, `{ Statement: ... }`). */
function namedProperty(object: ts.ObjectLiteralExpression, names: ReadonlySet<string>): ts.Expression | undefined {
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property) && ts.isIdentifier(property.name) && names.has(property.name.text)) return property.initializer;
    if (ts.isShorthandPropertyAssignment(property) && names.has(property.name.text)) return property.name;
  }
  return undefined;
}

/** A query-builder argument that can be SQL text (not `{ id }`, `['a', 'b']`, `qb => ...`, `new Brackets(...)`). */
function isTextArgument(argument: ts.Expression, modules: ModuleIndex, file: ScannedSourceFile): boolean {
  const value = skipOuterExpressions(argument);
  if (ts.isIdentifier(value)) return !holdsNonText(value, modules, file);
  return !(ts.isObjectLiteralExpression(value) || ts.isArrayLiteralExpression(value) || isFunctionExpression(value) || ts.isNewExpression(value));
}

/**
 * A variable that holds criteria rather than SQL text: built as an object, array, function or
 * instance (`const where = { chatflowid }`, `new Brackets(...)`), declared with a non-string type
 * (`const where: FindOptionsWhere<Message> = {}`, a `Brackets` parameter), or set from a project
 * function declared to return one (`const sort = parseSortParams(...)` with `): OrderByCondition {`).
 * TypeORM binds the values of such criteria as parameters.
 */
function holdsNonText(identifier: ts.Identifier, modules: ModuleIndex, file: ScannedSourceFile): boolean {
  const declaration = localBinding(identifier);
  if (!declaration) return false;
  const type = declaration.type;
  if (type) return isNonTextType(type, modules, file);
  let initial = ts.isVariableDeclaration(declaration) && declaration.initializer ? skipOuterExpressions(declaration.initializer) : undefined;
  if (initial && ts.isAwaitExpression(initial)) initial = skipOuterExpressions(initial.expression);
  if (initial && ts.isCallExpression(initial)) {
    const callee = resolveFunction(modules, file, initial.expression);
    return callee?.node.type !== undefined && isNonTextType(callee.node.type, modules, callee.file);
  }
  return initial !== undefined && (ts.isObjectLiteralExpression(initial) || ts.isArrayLiteralExpression(initial) || isFunctionExpression(initial) || ts.isNewExpression(initial));
}

/**
 * A declared type that is no text: not string, any, unknown, a union, a literal or a template
 * literal type, nor a project alias of one (`type SqlFragment = string`); `Promise<T>` is T's.
 */
function isNonTextType(type: ts.TypeNode, modules: ModuleIndex, file: ScannedSourceFile, depth = 0): boolean {
  if (depth > 4) return false;
  if (ts.isParenthesizedTypeNode(type)) return isNonTextType(type.type, modules, file, depth + 1);
  if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName)) {
    if (type.typeName.text === 'Promise' && type.typeArguments?.length === 1) return isNonTextType(type.typeArguments[0]!, modules, file, depth + 1);
    const name = type.typeName.text;
    const alias = file.sourceFile.statements.find((statement): statement is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(statement) && statement.name.text === name);
    if (alias) return isNonTextType(alias.type, modules, file, depth + 1);
  }
  return !(type.kind === ts.SyntaxKind.StringKeyword || type.kind === ts.SyntaxKind.AnyKeyword || type.kind === ts.SyntaxKind.UnknownKeyword || ts.isUnionTypeNode(type) || ts.isLiteralTypeNode(type) || ts.isTemplateLiteralTypeNode(type));
}

function isFunctionExpression(node: ts.Node): boolean {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node);
}

/** The receiver is a chain that starts at `createQueryBuilder(...)`. */
function fromQueryBuilder(receiver: ts.Expression): boolean {
  let current: ts.Expression = receiver;
  for (let hops = 0; hops < 30; hops++) {
    current = skipOuterExpressions(current);
    if (ts.isCallExpression(current)) {
      const callee = skipOuterExpressions(current.expression);
      const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
      if (name === 'createQueryBuilder') return true;
      current = callee;
    } else if (ts.isPropertyAccessExpression(current)) {
      current = current.expression;
    } else if (ts.isIdentifier(current)) {
      // `const qb = repo.createQueryBuilder('u'); qb.where(...)`
      const local = localBinding(current);
      if (local && !ts.isParameter(local) && local.initializer) current = local.initializer;
      else return Boolean(local && ts.isParameter(local) && local.type && /SelectQueryBuilder|QueryBuilder/.test(local.type.getText()));
    } else return false;
  }
  return false;
}

/** NestJS injection: `@InjectRepository(User)`, `@InjectDataSource()`, `@InjectEntityManager()`, `@InjectConnection()` (knex/sequelize), `@InjectKnex()`. */
function injectionCreation(node: ts.ParameterDeclaration | ts.PropertyDeclaration): Creation {
  for (const decorator of ts.getDecorators(node) ?? []) {
    const expression = decorator.expression;
    const callee = ts.isCallExpression(expression) ? expression.expression : expression;
    const name = ts.isIdentifier(callee) ? callee.text : '';
    if (/^(?:InjectRepository|InjectDataSource|InjectEntityManager)$/.test(name)) return { kind: 'package', module: 'typeorm' };
    if (/^(?:InjectKnex|InjectModel)$/.test(name)) return name === 'InjectKnex' ? { kind: 'package', module: 'knex' } : { kind: 'project' };
  }
  return undefined;
}

/** `pool`, `this.pool`, `models.sequelize`: the last name of the receiver; `pool.request()` -> pool. */
function handleName(receiver: ts.Expression): string | undefined {
  const value = skipOuterExpressions(receiver);
  if (ts.isIdentifier(value)) return value.text;
  if (ts.isPropertyAccessExpression(value)) return value.name.text;
  if (ts.isCallExpression(value)) {
    const callee = skipOuterExpressions(value.expression);
    // mssql `pool.request().query(...)`, knex `db.transaction()`...: the handle the call was made on.
    if (ts.isPropertyAccessExpression(callee) && /^(?:request|connect|getConnection|transaction|createQueryRunner)$/.test(callee.name.text)) return handleName(callee.expression);
  }
  return undefined;
}

/** Name families per driver, so `sequelize.query` is never taken for pg and `repo.query` never for mysql. */
function nameFits(driver: SqlDriver, name: string): boolean {
  if (/sequelize/i.test(name)) return driver === 'sequelize';
  if (/knex/i.test(name)) return driver === 'knex';
  if (/prisma/i.test(name)) return driver === 'prisma';
  if (/repository|repo$|manager|^em$|dataSource|queryRunner|runner/i.test(name)) return driver === 'typeorm';
  if (/^(?:t|task)$/.test(name)) return driver === 'pg-promise';
  if (/^(?:stmt|statement)$/i.test(name)) return driver === 'better-sqlite3' || driver === 'sqlite3';
  return true;
}

/** `pool`, `this.orders`, `db('shipments')`; a long builder chain as its root and an ellipsis: `db...`. */
function shortText(expression: ts.Expression): string {
  const text = expression.getText(expression.getSourceFile()).replace(/\s+/g, '');
  if (text.length <= 40 && !/\)\./.test(text)) return text;
  const root = rootIdentifier(expression);
  return root ? `${root.text}...` : `${text.slice(0, 37)}...`;
}

/** The parts SQL text was assembled from, and whether it was assembled at all (interpolation or concatenation). */
export interface SqlTextParts {
  /** Leaves that are not literal text: interpolated or concatenated values. */
  values: ts.Expression[];
  /** Literal text pieces, for "does this look like SQL" checks. */
  literals: string[];
  built: boolean;
}

/**
 * Splits SQL text into literal pieces and interpolated values: template literals, `+`, `+=` on a
 * local, `.concat()`, `[...].join()`, through local consts and lets of the same function.
 */
export function sqlTextParts(text: ts.Expression): SqlTextParts {
  const parts: SqlTextParts = { values: [], literals: [], built: false };
  const seen = new Set<ts.Node>();
  const visit = (expression: ts.Expression, depth: number): void => {
    const value = skipOuterExpressions(expression);
    if (depth > 12 || seen.has(value)) return;
    seen.add(value);
    if (ts.isStringLiteralLike(value)) {
      parts.literals.push(value.text);
      return;
    }
    if (ts.isTemplateExpression(value)) {
      parts.built = true;
      parts.literals.push(value.head.text, ...value.templateSpans.map((span) => span.literal.text));
      for (const span of value.templateSpans) visit(span.expression, depth + 1);
      return;
    }
    if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      parts.built = true;
      visit(value.left, depth + 1);
      visit(value.right, depth + 1);
      return;
    }
    if (ts.isConditionalExpression(value)) {
      visit(value.whenTrue, depth + 1);
      visit(value.whenFalse, depth + 1);
      return;
    }
    if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression)) {
      const method = value.expression.name.text;
      const owner = skipOuterExpressions(value.expression.expression);
      if (method === 'concat' && !ts.isArrayLiteralExpression(owner)) {
        parts.built = true;
        visit(owner, depth + 1);
        value.arguments.forEach((argument) => visit(argument, depth + 1));
        return;
      }
      if (method === 'join' && ts.isArrayLiteralExpression(owner)) {
        parts.built = true;
        owner.elements.forEach((element) => visit(ts.isSpreadElement(element) ? element.expression : element, depth + 1));
        return;
      }
      if ((method === 'trim' || method === 'replace' || method === 'replaceAll') && value.arguments.every((argument) => !ts.isIdentifier(argument))) {
        visit(owner, depth + 1);
        return;
      }
    }
    if (ts.isIdentifier(value)) {
      const declaration = localBinding(value);
      if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer) {
        const initializer = skipOuterExpressions(declaration.initializer);
        const appended = appendsTo(value, declaration);
        if (ts.isObjectLiteralExpression(initializer)) {
          const textPart = queryTextOf(initializer);
          if (textPart) visit(textPart, depth + 1);
          return;
        }
        if (isTextShaped(initializer) || appended.length > 0) {
          visit(initializer, depth + 1);
          if (appended.length > 0) parts.built = true;
          appended.forEach((part) => visit(part, depth + 1));
          return;
        }
      }
    }
    parts.values.push(value);
  };
  visit(text, 0);
  return parts;
}

function isTextShaped(expression: ts.Expression): boolean {
  return (
    ts.isStringLiteralLike(expression) ||
    ts.isTemplateExpression(expression) ||
    (ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.PlusToken) ||
    (ts.isCallExpression(expression) && ts.isPropertyAccessExpression(expression.expression) && /^(?:concat|join)$/.test(expression.expression.name.text))
  );
}

/** `sql += ...` / `sql = sql + ...` in the function that declares `sql`, before `use`. */
function appendsTo(use: ts.Identifier, declaration: ts.VariableDeclaration): ts.Expression[] {
  const scope = declaration.parent.parent.parent;
  if (!scope) return [];
  const found: ts.Expression[] = [];
  const name = use.text;
  const visit = (node: ts.Node): void => {
    if (node.getStart() >= use.getStart()) return;
    if (ts.isBinaryExpression(node) && ts.isIdentifier(node.left) && node.left.text === name) {
      if (node.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken) found.push(node.right);
      else if (node.operatorToken.kind === ts.SyntaxKind.EqualsToken) found.push(node.right);
    }
    // `parts.push(...)` for `parts.join(' ')` is not followed: an array of pieces is rarely text.
    ts.forEachChild(node, visit);
  };
  visit(scope);
  return found;
}

const ESCAPE_METHOD = new RegExp(`^(?:${SQL_ESCAPE_FUNCTIONS.join('|')})$`);
const DIGEST_FUNCTION = /^(?:hash|hashPassword|md5|sha1|sha256|sha512|digest)$/i;
const FORMAT_SAFE_SPECIFIERS = /%[^LIQ%]/;

/**
 * A value the driver escapes before it reaches SQL: `mysql.escape(x)`, `connection.escapeId(x)`,
 * `SqlString.escape(x)`, `client.escapeLiteral(x)`, pg-format `format('... %L', x)` (only %L/%I/%%).
 */
export function isEscapedValue(expression: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex, catalog?: SqlSinkCatalog): boolean {
  return escapeEvidence(expression, file, modules, catalog) !== undefined;
}


/** How a value was escaped for SQL (see isEscapedValue), or undefined. */
export function escapeEvidence(expression: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex, catalog?: SqlSinkCatalog): string | undefined {
  const value = skipOuterExpressions(expression);
  if (!ts.isCallExpression(value)) return undefined;
  const callee = skipOuterExpressions(value.expression);
  const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
  const what = `${callee.getText(file.sourceFile)}()`;
  if (ts.isIdentifier(callee)) {
    const binding = modules.resolveName(file, callee.text);
    if (binding?.kind !== 'external') return undefined;
    if (binding.module === PG_FORMAT_PACKAGE) return isSafeFormat(value, name) ? `escaped by pg-format ${what}` : undefined;
    const imported = binding.importedName === 'default' ? name : binding.importedName;
    if (SQL_ESCAPER_PACKAGES.includes(binding.module) && ESCAPE_METHOD.test(imported)) return `escaped by ${what}`;
    // pg >= 8.11 exports escapeIdentifier / escapeLiteral.
    if (binding.module === 'pg' && PG_ESCAPERS.includes(imported)) return `escaped by ${what}`;
    return undefined;
  }
  // A digest (`security.hash(password)`, `md5(x)`) is hex text: nothing left to inject.
  if (DIGEST_FUNCTION.test(name)) return `a digest (${what})`;
  if (ts.isPropertyAccessExpression(callee)) {
    if (ESCAPE_METHOD.test(name) && !AMBIGUOUS_ESCAPE_METHODS.includes(name)) return `escaped by ${what}`;
    const root = rootIdentifier(callee);
    const binding = root ? modules.resolveName(file, root.text) : undefined;
    if (binding?.kind === 'external' && binding.module === PG_FORMAT_PACKAGE) return isSafeFormat(value, name) ? `escaped by pg-format ${what}` : undefined;
    // `sql.identifier(['users'])` (slonik), `sql.ref('col')` / `sql.lit(x)` (kysely).
    if (binding?.kind === 'external' && QUOTING_BUILDER_PACKAGES.includes(binding.module) && QUOTING_BUILDER_FUNCTIONS.includes(name)) return `quoted by ${what} (${binding.module})`;
    // `knex.ref('orders.id')`: knex quotes the identifier.
    if (name === 'ref' && catalog?.creationDriver(callee.expression, file) === 'knex') return `quoted by ${what} (knex)`;
    // A TypeORM query builder's own SQL (`qb.getQuery()`, `getQueryAndParameters()[0]`): its values
    // stay bound parameters; raw fragments handed to the builder are sinks of their own.
    if (/^(?:getQuery|getSql|getQueryAndParameters)$/.test(name) && catalog?.projectDrivers.has('typeorm') && fromQueryBuilder(callee.expression)) return `SQL a TypeORM query builder wrote (${name}())`;
    // knex `qb.toQuery()` / `qb.toString()` of a knex builder: values inlined through knex's escaping.
    if (name === 'toQuery' && catalog?.projectDrivers.has('knex')) return 'SQL a knex query builder compiled (values escaped by knex)';
    // `sequelize.getQueryInterface().queryGenerator.getWhereConditions(...)`: SQL sequelize wrote and escaped.
    if (SEQUELIZE_GENERATOR_METHODS.test(name) && catalog?.projectDrivers.has('sequelize') && isSequelizeQueryGenerator(callee.expression)) return `generated and escaped by sequelize ${what}`;
  }
  return undefined;
}

const SEQUELIZE_GENERATOR_METHODS = /^(?:getWhereConditions|whereQuery|whereItemsQuery|selectQuery|insertQuery|updateQuery|deleteQuery|quoteIdentifier|quoteIdentifiers|quoteTable)$/;

/** `x.getQueryInterface().queryGenerator`, directly or through a local const. */
function isSequelizeQueryGenerator(expression: ts.Expression): boolean {
  let value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value)) {
    const declaration = localBinding(value);
    if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) return false;
    value = skipOuterExpressions(declaration.initializer);
  }
  if (!ts.isPropertyAccessExpression(value) || value.name.text !== 'queryGenerator') return false;
  const owner = skipOuterExpressions(value.expression);
  return ts.isCallExpression(owner) && ts.isPropertyAccessExpression(skipOuterExpressions(owner.expression)) && (skipOuterExpressions(owner.expression) as ts.PropertyAccessExpression).name.text === 'getQueryInterface';
}

/** pg-format: `format('%I', x)` / `format.literal(x)` / `format.ident(x)` are escaped; `%s` is not. */
function isSafeFormat(call: ts.CallExpression, name: string): boolean {
  if (name === 'literal' || name === 'ident') return true;
  const template = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
  return Boolean(template && ts.isStringLiteralLike(template) && !FORMAT_SAFE_SPECIFIERS.test(template.text.replace(/%%/g, '')));
}

function rootIdentifier(expression: ts.Expression): ts.Identifier | undefined {
  let current = skipOuterExpressions(expression);
  while (ts.isPropertyAccessExpression(current) || ts.isCallExpression(current)) current = skipOuterExpressions(current.expression);
  return ts.isIdentifier(current) ? current : undefined;
}

// Shared with the engine's object-access analysis.
export { looksLikeSql } from '../../engine/ast/sql-text.js';

/**
 * Where to report a call: its first line, from its first character to the end of that line. In a
 * builder chain spread over lines (`db('t')\n  .whereRaw(...)`) the call starts at the method name.
 */
export function firstLineSpan(call: ts.CallExpression | ts.NewExpression): { start: number; end: number } {
  const sourceFile = call.getSourceFile();
  const callee = skipOuterExpressions(call.expression);
  const callStart = call.getStart(sourceFile);
  const nameStart = ts.isPropertyAccessExpression(callee) ? callee.name.getStart(sourceFile) : callStart;
  const chained = sourceFile.getLineAndCharacterOfPosition(nameStart).line !== sourceFile.getLineAndCharacterOfPosition(callStart).line;
  const start = chained ? nameStart : callStart;
  const line = sourceFile.getLineAndCharacterOfPosition(start).line;
  const lineStarts = sourceFile.getLineStarts();
  const nextLine = lineStarts[line + 1];
  const end = nextLine === undefined ? call.getEnd() : Math.min(call.getEnd(), nextLine - 1);
  return { start, end };
}

/** Request input that reaches a sink's SQL text, with the value that carries it. */
export interface SqlInjectionFlow {
  sink: SqlSink;
  tainted: TaintedCall;
  taint: Taint;
}

const flowsByEngine = new WeakMap<object, Map<ts.Node, SqlInjectionFlow>>();

/**
 * Every SQL sink whose text carries request input, keyed by call: computed once per scan so that
 * raw-sql-concatenation can stay quiet exactly where sql-injection speaks.
 */
export function sqlInjectionFlows(ctx: RuleContext): ReadonlyMap<ts.Node, SqlInjectionFlow> {
  const cached = flowsByEngine.get(ctx.dataflow);
  if (cached) return cached;
  const catalog = sqlSinkCatalog(ctx);
  const flows = new Map<ts.Node, SqlInjectionFlow>();
  for (const tainted of ctx.dataflow.taintedCalls()) {
    const sink = ts.isCallExpression(tainted.call) ? catalog.sinkOf(tainted.call, tainted.file) : catalog.commandSinkOf(tainted.call, tainted.file);
    if (!sink) continue;
    const taint = unescapedTaint(sink, tainted, ctx.modules, catalog.projectDrivers);
    if (taint) flows.set(tainted.call, { sink, tainted, taint });
  }
  flowsByEngine.set(ctx.dataflow, flows);
  return flows;
}

/** The request input in the SQL text, unless every tainted piece went through an escaping function. */
function unescapedTaint(sink: SqlSink, tainted: TaintedCall, modules: ModuleIndex, projectDrivers: ReadonlySet<SqlDriver>): Taint | undefined {
  // Request data a sanitizer made safe for SQL (a config model with category sql, an escaper) is no injection here.
  const wholeTaint = taintFor(tainted.originOf(sink.queryText), 'sql');
  if (!wholeTaint) return undefined;
  if (wholeTaint.transforms.some((name) => ESCAPE_METHOD.test(name.split('.').pop() ?? ''))) return undefined;
  const parts = sqlTextParts(sink.queryText);
  let escaped = false;
  for (const value of parts.values) {
    if (isEscapedValue(value, tainted.file, modules)) {
      escaped = true;
      continue;
    }
    const taint = taintFor(tainted.originOf(value), 'sql');
    if (taint && compiledByKnex(taint, projectDrivers)) {
      escaped = true;
      continue;
    }
    // The primary key of a record the code found by it and stopped without (`findFirst({ where: { id } })`,
    // `if (!project) throw`, also in a helper that returns the id after): a key the server made, not text
    // the client shaped. Still interpolated: raw-sql-concatenation's question, not an injection.
    if (taint && taint.transforms.includes(EXISTING_RECORD_KEY)) {
      escaped = true;
      continue;
    }
    if (taint) return taint;
  }
  return escaped ? undefined : wholeTaint;
}

/**
 * SQL text a knex query builder compiled (`qb.toQuery()`): knex inlines each bound value through
 * the client's escaping, so request data that went in as a value comes out quoted. Raw fragments
 * (`whereRaw`) are sinks of their own and reported there.
 */
function compiledByKnex(taint: Taint, projectDrivers: ReadonlySet<SqlDriver>): boolean {
  return projectDrivers.has('knex') && taint.transforms.includes('.toQuery()');
}

/** 1-based line and column of where a sink call is reported (see firstLineSpan). */
export function sinkPosition(call: ts.CallExpression | ts.NewExpression): { line: number; column: number } {
  const sourceFile = call.getSourceFile();
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(firstLineSpan(call).start);
  return { line: line + 1, column: character + 1 };
}

/** Both SQL rules map to the same controls (CONTROLS.md, sql-injection row): one weakness, two confidences. */
export const SQL_INJECTION_CONTROLS = {
  soc2: ['CC6.6', 'CC6.1', 'CC7.1'],
  owaspApi: [],
  cwe: ['CWE-89'],
  pciDss: ['6.2.4'],
  hipaa: ['164.312(c)(1)'],
  gdpr: ['Art. 32(1)(b)'],
} satisfies ControlRefs;
