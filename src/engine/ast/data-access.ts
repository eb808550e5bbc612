import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../types.js';
import { enclosingClass, fieldTypeName, nodePosition, propertyNameText, returnedExpressions, skipOuterExpressions } from './syntax.js';
import { localDeclaration, localInitializer, type ModuleIndex, type ResolvedFunction, resolveFunction } from '../names/index.js';
import { DYNAMODB_CLIENT_METHODS, DYNAMODB_COMMAND_PACKAGES, DYNAMODB_COMMANDS, DYNAMODB_REQUEST_PROPERTIES } from '../../models/dynamodb.js';
import {
  COLLECTION_DECLARATION, DRIZZLE, KNEX, KYSELY, MODEL_CLASS_EVIDENCE, MODEL_PACKAGES, MONGODB, ormMethods, PRISMA, PRISMA_CLIENT_DECLARATION, RAW_QUERY,
  ENTITY_MANAGER_NAME_SUFFIXES, REPOSITORY_NAME_SUFFIXES, REPOSITORY_REGISTRY_NAMES, MONGOOSE, OBJECTION, SEQUELIZE, TYPEORM,
} from '../../models/orms.js';

/** A call that reads or writes stored data (ORM, query builder, driver, raw SQL). */
export interface DataAccess {
  operation: 'read' | 'write';
  /** prisma | typeorm-or-mongoose-or-sequelize (model) | knex | drizzle | kysely | mongodb | sql | dynamodb */
  library: 'prisma' | 'model' | 'knex' | 'drizzle' | 'kysely' | 'mongodb' | 'sql' | 'dynamodb';
  /** Model, table or collection when readable: `order`, `Order`, `orders`. */
  model?: string;
  /** The called method: findUnique, save, query ... (DynamoDB: the client method or the command class, `get`, `GetCommand`). */
  method: string;
  /** DynamoDB: the request object (`{ TableName, Key, ... }`), the call's or the command's argument. */
  request?: ts.Expression;
  /** DynamoDB: the operation writes a whole new item (`put`): its fields are the record, not a lookup. */
  creates?: boolean;
  call: ts.CallExpression;
  file: ScannedSourceFile;
  line: number;
  /** Functions crossed from the handler to reach the call, outermost first (empty when direct). */
  via: string[];
}

// The tables are models/orms.ts; here, the sets and name patterns the matching below reads.
const WRITE_METHODS = new Set([...ormMethods('creates'), ...ormMethods('updates'), ...ormMethods('deletes')]);
const READ_METHODS = ormMethods('lookups');
const SQL_METHODS: ReadonlySet<string> = new Set(RAW_QUERY.methods);
const PRISMA_ONLY_METHODS: ReadonlySet<string> = new Set(PRISMA.ownLookups);
const PRISMA_ARGUMENT_KEY = new RegExp(`^(?:${PRISMA.argumentKeys.join('|')})$`);

/** Prisma's argument shape: nothing, or an object literal with Prisma's keys (`where`, `select`, `include`). */
function prismaArguments(call: ts.CallExpression): boolean {
  const first = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
  if (!first) return call.arguments.length === 0;
  return ts.isObjectLiteralExpression(first) && first.properties.some((property) => property.name !== undefined && PRISMA_ARGUMENT_KEY.test(property.name.getText()));
}

const lastSegmentPattern = (names: readonly string[], flags = ''): RegExp => new RegExp(`(?:^|\\.)(?:${names.join('|')})$`, flags);
const PRISMA_CLIENT = lastSegmentPattern(PRISMA.clientNames, 'i');
const REPOSITORY = new RegExp(`(?:${REPOSITORY_NAME_SUFFIXES.join('|')})$`);
const ENTITY_MANAGER = new RegExp(`(?:${ENTITY_MANAGER_NAME_SUFFIXES.join('|')})$`);
const REPOSITORY_REGISTRY = lastSegmentPattern(REPOSITORY_REGISTRY_NAMES);
const SQL_CLIENT = lastSegmentPattern(RAW_QUERY.clientNames, 'i');
const KNEX_ROOT = new RegExp(`^(?:${KNEX.rootNames.join('|')})$`);
const KNEX_READ_METHODS: readonly string[] = KNEX.readMethods;
const KNEX_TABLE_METHODS: readonly string[] = KNEX.tableMethods;
const DRIZZLE_TABLE_METHODS: Readonly<Record<string, 'read' | 'write'>> = DRIZZLE.tableMethods;
const DRIZZLE_RELATIONAL_LOOKUPS: readonly string[] = DRIZZLE.relationalLookups;
const DRIZZLE_RELATIONAL_ROOT = new RegExp(`\\.${DRIZZLE.relationalRoot}$`);
const REPOSITORY_FACTORY = new RegExp(`^(?:${[...TYPEORM.repositoryFactories, ...MONGOOSE.repositoryFactories].join('|')})$`);

const SCOPED_MODEL_METHODS: ReadonlySet<string> = new Set(SEQUELIZE.scopedModelMethods);
const SEQUELIZE_MODEL_REGISTRY = new RegExp(`(?:^|\\.)${SEQUELIZE.modelRegistry}$`);

const MAX_DEPTH = 3;

/**
 * Every data access a function performs, directly or through the project functions it calls
 * (up to a small depth, cycle-safe). Recognised by call shape, since ORMs are used through
 * injected instances whose imports we cannot always see: `prisma.order.findUnique`,
 * `this.orderRepository.findOneBy`, `Order.findById`, `knex('orders').where`, `pool.query`.
 */
export function findDataAccess(modules: ModuleIndex, fn: ResolvedFunction, depth = MAX_DEPTH): DataAccess[] {
  const found: DataAccess[] = [];
  collect(modules, fn, depth, [], new Set(), found);
  return found;
}

function collect(modules: ModuleIndex, fn: ResolvedFunction, depth: number, via: string[], seen: Set<ts.Node>, found: DataAccess[]): void {
  if (seen.has(fn.node) || !fn.node.body) return;
  seen.add(fn.node);
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const access = classifyCall(node, fn.file, via, modules);
      if (access) found.push(access);
      else if (depth > 0) {
        const callee = resolveFunction(modules, fn.file, node.expression);
        if (callee && callee.node !== fn.node) collect(modules, callee, depth - 1, [...via, callee.name], seen, found);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(fn.node.body);
}

/** What kind of data access a single call is, if any. */
/**
 * Classifications per call, per module index (undefined: the answer without one). Each route's
 * flow walk and the object-access pass ask about the same calls; only `via` differs per asker.
 */
const classified = new WeakMap<object, WeakMap<ts.CallExpression, DataAccess | null>>();
const WITHOUT_MODULES = {};

export function classifyCall(call: ts.CallExpression, file: ScannedSourceFile, via: string[] = [], modules?: ModuleIndex): DataAccess | undefined {
  const key = modules ?? WITHOUT_MODULES;
  let cache = classified.get(key);
  if (!cache) classified.set(key, (cache = new WeakMap()));
  let found = cache.get(call);
  if (found === undefined) {
    found = classifyCallUncached(call, file, modules) ?? null;
    cache.set(call, found);
  }
  return found ? { ...found, via } : undefined;
}

const NO_VIA: string[] = [];

function classifyCallUncached(call: ts.CallExpression, file: ScannedSourceFile, modules?: ModuleIndex): DataAccess | undefined {
  const callee = skipOuterExpressions(call.expression);
  const line = nodePosition(call).line;
  const base = { call, file, line, via: NO_VIA };
  if (ts.isPropertyAccessExpression(callee)) {
    const method = callee.name.text;
    const dynamo = dynamoAccess(call, method, file, modules);
    if (dynamo) return { ...base, ...dynamo };
    const receiver = skipOuterExpressions(callee.expression);
    const receiverText = expressionText(receiver);
    // prisma.order.findUnique(...) / this.prisma.order.update(...)
    if (
      ts.isPropertyAccessExpression(receiver) &&
      /^[a-z]/.test(receiver.name.text) && // Prisma model delegates are camelCase; db.Order is a Sequelize model
      PRISMA_CLIENT.test(expressionText(receiver.expression)) &&
      (READ_METHODS.has(method) || WRITE_METHODS.has(method)) &&
      !(modules && otherPackageInstance(skipOuterExpressions(receiver.expression), file, modules))
    ) {
      return { ...base, library: 'prisma', model: prismaFluentRelation(call, method) ?? receiver.name.text, method, operation: WRITE_METHODS.has(method) ? 'write' : 'read' };
    }
    // Methods only Prisma delegates have, on any camelCase delegate (`this._post.model.post.findFirst` through a repository wrapper).
    if (PRISMA_ONLY_METHODS.has(method) && ts.isPropertyAccessExpression(receiver) && /^[a-z]/.test(receiver.name.text) && !DRIZZLE_RELATIONAL_ROOT.test(expressionText(receiver.expression)) && prismaArguments(call)) {
      return { ...base, library: 'prisma', model: prismaFluentRelation(call, method) ?? receiver.name.text, method, operation: 'read' };
    }
    // A client or collection named anything, known by its declaration (`export default new PrismaClient()` imported as `orm`).
    if ((READ_METHODS.has(method) || WRITE_METHODS.has(method)) && modules) {
      const operation = WRITE_METHODS.has(method) ? 'write' : 'read';
      if (ts.isPropertyAccessExpression(receiver) && /^[a-z]/.test(receiver.name.text) && declaredStore(skipOuterExpressions(receiver.expression), file, modules)?.kind === 'prisma') {
        return { ...base, library: 'prisma', model: prismaFluentRelation(call, method) ?? receiver.name.text, method, operation };
      }
      // An injected client or repository wrapper, known by its declared type: `this._posts.model.post.update(...)`
      // where `constructor(private _posts: PrismaRepository<'post'>)` and `model: Pick<PrismaService, T>`.
      if (ts.isPropertyAccessExpression(receiver) && /^[a-z]/.test(receiver.name.text) && injectedPrismaClient(receiver.expression, file, modules)) {
        return { ...base, library: 'prisma', model: receiver.name.text, method, operation };
      }
      const store = declaredStore(receiver, file, modules);
      if (store?.kind === 'collection') return { ...base, library: 'mongodb', model: store.name, method, operation };
    }
    // Kysely: db.selectFrom('notes').where('id', '=', id).executeTakeFirst(), db.deleteFrom('notes').where(...).execute():
    // the chain runs at its terminal, and what it does is its starter's.
    // (`.executeTakeFirst().then((row) => row ?? null)` still ends the chain: what follows is the promise's.)
    const kysely = KYSELY_TERMINALS.has(method) && (!isChainedFurther(call) || PROMISE_METHODS.has((call.parent as ts.PropertyAccessExpression).name.text)) ? kyselyChain(call) : undefined;
    if (kysely) return { ...base, library: 'kysely', model: kysely.table, method: kysely.starter, operation: kysely.operation === 'read' ? 'read' : 'write' };
    if (SQL_METHODS.has(method) && (SQL_CLIENT.test(receiverText) || /prisma/i.test(receiverText))) {
      const table = sqlTable(call);
      return { ...base, library: 'sql', method, operation: sqlOperation(call), ...(table ? { model: table } : {}) };
    }
    // Order.findById(...), this.orderRepository.findOneBy(...), getRepository(Order).find(...)
    if (READ_METHODS.has(method) || WRITE_METHODS.has(method)) {
      const model = modelOfRepository(receiver, file, modules);
      // A generic base repository (`class BaseRepository<T_DBModel> { constructor(protected model: Model<T_DBModel>) }`)
      // queries whichever model each subclass hands it: its type parameter names none, and every
      // repository of the project sharing one name would make them one model.
      if (model && !isProjectWrapperOfAccess(modules, file, call) && !textBuiltForManager(receiver, call)) return { ...base, library: 'model', ...(isClassTypeParameter(receiver, model) ? {} : { model }), method, operation: WRITE_METHODS.has(method) ? 'write' : 'read' };
    }
    // Objection: `Page.query().patch(v).findById(id)`, `await Page.query().where('id', id)`: the whole
    // chain runs when awaited, and writes when any link does.
    if (!PROMISE_METHODS.has(method) && !isChainedFurther(call)) {
      const started = objectionModel(receiver, file, modules);
      if (started) return { ...base, library: 'model', model: started.model, method, operation: started.writes || WRITE_METHODS.has(method) ? 'write' : 'read' };
    }
    // knex('orders').where(...).first() / db('orders').insert(...)
    const knexTable = isChainedFurther(call) && !(WRITE_METHODS.has(method) && knexWriteModifiersFollow(call)) ? undefined : knexTableOf(receiver);
    if (knexTable && (WRITE_METHODS.has(method) || KNEX_READ_METHODS.includes(method))) {
      return { ...base, library: 'knex', model: knexTable, method, operation: WRITE_METHODS.has(method) ? 'write' : 'read' };
    }
    // db.collection('orders').findOne(...)
    const collection = collectionOf(receiver);
    if (collection && (READ_METHODS.has(method) || WRITE_METHODS.has(method))) {
      return { ...base, library: 'mongodb', model: collection, method, operation: WRITE_METHODS.has(method) ? 'write' : 'read' };
    }
    // drizzle: db.select().from(orders), db.insert(orders), db.query.orders.findFirst()
    const drizzleTable = call.arguments.length === 1 ? drizzleTableName(call.arguments[0]!) : undefined;
    if (Object.hasOwn(DRIZZLE_TABLE_METHODS, method) && isDrizzleClient(receiver) && drizzleTable) {
      return { ...base, library: 'drizzle', model: drizzleTable, method, operation: DRIZZLE_TABLE_METHODS[method]! };
    }
    if (DRIZZLE_RELATIONAL_LOOKUPS.includes(method) && ts.isPropertyAccessExpression(receiver) && DRIZZLE_RELATIONAL_ROOT.test(expressionText(receiver.expression))) {
      return { ...base, library: 'drizzle', model: receiver.name.text, method, operation: 'read' };
    }
  }
  return undefined;
}

/**
 * A DynamoDB item operation (models/dynamodb.ts): `docClient.get({ TableName, Key })`,
 * `ddb.getItem(params)`, `client.send(new GetCommand(params))`. A client method is known by its
 * request, which only DynamoDB spells with `TableName`/`RequestItems`; a command by its class.
 */
function dynamoAccess(call: ts.CallExpression, method: string, file: ScannedSourceFile, modules: ModuleIndex | undefined): Omit<DataAccess, 'call' | 'file' | 'line' | 'via'> | undefined {
  let operation = Object.hasOwn(DYNAMODB_CLIENT_METHODS, method) ? DYNAMODB_CLIENT_METHODS[method] : undefined;
  let request: ts.Expression | undefined = call.arguments[0];
  let name = method;
  if (method === 'send' && request) {
    // The command is built inline or into a local first: `const params = new DeleteCommand({...}); await client.send(params)`.
    let command = skipOuterExpressions(request);
    if (ts.isIdentifier(command)) command = localInitializer(command) ?? command;
    if (!ts.isNewExpression(command) || !ts.isIdentifier(command.expression)) return undefined;
    const commandName = command.expression.text;
    if (!Object.hasOwn(DYNAMODB_COMMANDS, commandName) || !importedFromDynamo(commandName, file, modules)) return undefined;
    operation = DYNAMODB_COMMANDS[commandName];
    request = command.arguments?.[0];
    name = commandName;
  } else if (!operation || !request || !dynamoRequest(request)) return undefined;
  if (!operation) return undefined;
  const table = request ? dynamoTable(request) : undefined;
  return {
    library: 'dynamodb',
    method: name,
    operation: operation === 'read' ? 'read' : 'write',
    ...(operation === 'create' ? { creates: true } : {}),
    ...(request ? { request } : {}),
    ...(table ? { model: table } : {}),
  };
}

/** A command class imported from the SDK (without a module index, the class name has to do). */
function importedFromDynamo(name: string, file: ScannedSourceFile, modules: ModuleIndex | undefined): boolean {
  if (!modules) return true;
  const binding = modules.resolveName(file, name);
  return binding?.kind === 'external' && DYNAMODB_COMMAND_PACKAGES.includes(binding.module);
}

/** The object literal a request expression is (itself, or the local `const params = {...}` it names). */
export function dynamoRequestObject(expression: ts.Expression): ts.ObjectLiteralExpression | undefined {
  let value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value)) value = localInitializer(value) ?? value;
  return ts.isObjectLiteralExpression(value) ? value : undefined;
}

function dynamoRequest(expression: ts.Expression): boolean {
  const object = dynamoRequestObject(expression);
  return object !== undefined && object.properties.some((property) => {
    const name = property.name && propertyNameText(property.name);
    return name !== undefined && DYNAMODB_REQUEST_PROPERTIES.includes(name);
  });
}

/**
 * The table a request names, as an entity: `TableName: 'orders'`, `TableName: ordersTable`,
 * `TableName: getTableName('articles')`, `process.env.CHECKLIST_TABLE_NAME` -> checklist.
 */
function dynamoTable(request: ts.Expression, depth = 0): string | undefined {
  const object = dynamoRequestObject(request);
  const member = (name: string): ts.Expression | undefined => {
    const found = object?.properties.find((candidate) => candidate.name && propertyNameText(candidate.name) === name);
    return found && ts.isPropertyAssignment(found) ? found.initializer : found && ts.isShorthandPropertyAssignment(found) ? found.name : undefined;
  };
  const table = member('TableName');
  if (table) return tableOfValue(table);
  if (depth > 0) return undefined;
  // A batch names its tables as keys (`RequestItems: { [TableName]: { Keys } }`), a transaction in each item (`{ Delete: { TableName, Key } }`).
  const batch = member('RequestItems');
  const batchTable = batch && dynamoRequestObject(batch)?.properties[0]?.name;
  if (batchTable) return ts.isComputedPropertyName(batchTable) ? tableOfValue(batchTable.expression) : propertyNameText(batchTable) ? tableWord(propertyNameText(batchTable)!) : undefined;
  const transaction = member('TransactItems');
  let items = transaction && skipOuterExpressions(transaction);
  if (items && ts.isIdentifier(items)) items = localInitializer(items) ?? items;
  const first = items && ts.isArrayLiteralExpression(items) ? items.elements[0] : undefined;
  const operation = first && dynamoRequestObject(first)?.properties[0];
  return operation && ts.isPropertyAssignment(operation) ? dynamoTable(operation.initializer, depth + 1) : undefined;
}

/** The table a `TableName` value names: a literal, a call given one, an environment variable, a const holding one. */
function tableOfValue(expression: ts.Expression): string | undefined {
  let value: ts.Expression | undefined = expression;
  for (let hops = 0; value && hops < 3; hops++) {
    value = skipOuterExpressions(value);
    if (ts.isStringLiteralLike(value)) return tableWord(value.text);
    if (ts.isCallExpression(value)) {
      const literal = value.arguments.find(ts.isStringLiteralLike);
      return literal ? tableWord(literal.text) : undefined;
    }
    if (ts.isPropertyAccessExpression(value) && /\benv$/.test(value.expression.getText())) return tableWord(value.name.text);
    if (ts.isTemplateExpression(value)) return tableWord(value.templateSpans.at(-1)?.literal.text || value.head.text);
    if (!ts.isIdentifier(value)) return undefined;
    const named: ts.Identifier = value;
    value = localInitializer(named) ?? moduleConstInitializer(named);
    if (!value) return tableWord(named.text);
  }
  return undefined;
}

/** `CHECKLIST_TABLE_NAME` -> checklist, `ordersTable` -> orders, `-users` -> users. */
function tableWord(text: string): string | undefined {
  const word = text.replace(/[_-]?table(?:[_-]?name)?$/i, '').replace(/^.*[^A-Za-z0-9_]/, '');
  return word && word !== 'TableName' ? (/^[A-Z0-9_]+$/.test(word) ? word.toLowerCase() : word) : undefined;
}

/** A top-level `const x = ...` of the identifier's file. */
function moduleConstInitializer(identifier: ts.Identifier): ts.Expression | undefined {
  for (const statement of identifier.getSourceFile().statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.name.text === identifier.text && declaration.initializer) return declaration.initializer;
    }
  }
  return undefined;
}

/** `knex('t').where(...)` inside `knex('t').where(...).first()`: only the whole chain is one access. */
const PRISMA_FLUENT_LOOKUPS: ReadonlySet<string> = new Set(PRISMA.fluentLookups);

/**
 * Prisma's fluent API: `prisma.user.findUnique({ where }).posts({ where: { published: true } })`
 * finds the user only to reach its relation, and returns the relation's records, not the user's.
 * What the call reads is the relation (`posts`); the unique filter still keys the lookup.
 */
function prismaFluentRelation(call: ts.CallExpression, method: string): string | undefined {
  if (!PRISMA_FLUENT_LOOKUPS.has(method)) return undefined;
  const parent = call.parent;
  if (!parent || !ts.isPropertyAccessExpression(parent) || parent.expression !== call || PROMISE_METHODS.has(parent.name.text)) return undefined;
  return ts.isCallExpression(parent.parent) && parent.parent.expression === parent ? parent.name.text : undefined;
}

/** `insert(row).returning('*')`, `.onConflict('id').merge()`: only write modifiers follow the call (models/orms.ts KNEX.writeModifiers). */
function knexWriteModifiersFollow(call: ts.CallExpression): boolean {
  let current: ts.Node = call;
  while (ts.isPropertyAccessExpression(current.parent) && current.parent.expression === current && ts.isCallExpression(current.parent.parent)) {
    if (!(KNEX.writeModifiers as readonly string[]).includes(current.parent.name.text)) return false;
    current = current.parent.parent;
  }
  return true;
}

function isChainedFurther(call: ts.CallExpression): boolean {
  const parent = call.parent;
  return ts.isPropertyAccessExpression(parent) && parent.expression === call && ts.isCallExpression(parent.parent);
}

/** The first table a literal SQL text names: `SELECT ... FROM orders` -> orders. */
function sqlTable(call: ts.CallExpression): string | undefined {
  const first = call.arguments[0];
  if (!first) return undefined;
  const text = first.getText(call.getSourceFile());
  return /\b(?:from|into|update|join)\s+["`]?([A-Za-z_][\w.]*)/i.exec(text)?.[1]?.split('.').pop();
}

function sqlOperation(call: ts.CallExpression): 'read' | 'write' {
  const first = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
  // slonik `pool.query(sql\`DELETE ...\`)`, `Prisma.sql\`...\``: the statement is the tag's template.
  const statement = first && ts.isTaggedTemplateExpression(first) ? first.template : first;
  const text = statement ? statement.getText(call.getSourceFile()) : '';
  return /^\W*(?:insert|update|delete|upsert|merge|replace|alter|drop|create|truncate)\b/i.test(text.replace(/^[`'"]/, '')) ? 'write' : 'read';
}

/**
 * `invoiceRepository.findById(id)` where the project writes `findById` itself and it queries the
 * database (`db('invoices').where({ id }).first()`): the access is that query, one call down, and
 * walkers follow the call to it. Counting the wrapper too would report one lookup twice. A method
 * the project declares without a query of its own (or inherits from an ORM base class) stays the access.
 */
function isProjectWrapperOfAccess(modules: ModuleIndex | undefined, file: ScannedSourceFile, call: ts.CallExpression): boolean {
  if (!modules) return false;
  const callee = resolveFunction(modules, file, call.expression);
  return callee !== undefined && callee.node.body !== undefined && findDataAccess(modules, callee, 1).length > 0;
}

/**
 * A receiver named only as an entity manager (`manager`, `em`) given a text built at run time first
 * (`manager.update(\`${idempotencyKey}-update\`, price)` on a payment-schedule helper): an entity
 * manager names the entity there, so the object is something else that happens to share the name.
 */
function textBuiltForManager(receiver: ts.Expression, call: ts.CallExpression): boolean {
  const name = ts.isIdentifier(receiver) ? receiver.text : ts.isPropertyAccessExpression(receiver) ? receiver.name.text : undefined;
  if (name === undefined || !ENTITY_MANAGER.test(name)) return false;
  const first = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
  return first !== undefined && (ts.isTemplateExpression(first) || (ts.isBinaryExpression(first) && first.operatorToken.kind === ts.SyntaxKind.PlusToken));
}

/** The model a repository-like receiver stands for: `Order`, `this.orderRepository` -> order, `getRepository(Order)` -> Order. */
export function modelOfRepository(receiver: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex | undefined): string | undefined {
  if (ts.isIdentifier(receiver)) {
    if (NOT_A_MODEL.test(receiver.text)) return undefined;
    if (/^[A-Z][A-Za-z0-9]*$/.test(receiver.text)) return isModelClass(receiver.text, file, modules) ? receiver.text : undefined;
    if (REPOSITORY.test(receiver.text)) return modelName(receiver.text);
    // `export const books = mongoose.model('books', schema)`: a model whatever the case of its name,
    // known by the factory that made it (a lower-case name alone would be a record, `user.save()`).
    if (modules && isFactoryMadeModel(receiver.text, file, modules)) return receiver.text;
    return undefined;
  }
  if (ts.isPropertyAccessExpression(receiver)) {
    const name = receiver.name.text;
    // The entity its injection or type names wins over the field's name (`@InjectRepository(User) repo`).
    const injected = injectedRepositoryModel(receiver);
    if (injected) return injected;
    // A field a generic base class declares (`typeOrmRepository: Repository<T>` in `CrudService<T>`) holds the
    // entity each subclass names (`extends TenantAwareCrudService<Employee>`); its name names the ORM, not a model.
    const inherited = modules ? inheritedRepositoryModel(receiver, file, modules) : undefined;
    if (inherited) return inherited.model;
    if (REPOSITORY.test(name)) return modelName(name);
    if (REPOSITORY_REGISTRY.test(expressionText(receiver.expression))) return name;
    if (/^[A-Z]/.test(name) && /models?$|db$/i.test(expressionText(receiver.expression))) return name; // db.Order / models.Order (Sequelize)
    // `sequelize.models.event`, `models.user` (from `const { models } = sequelize`): the registry holds models under the name they were defined with.
    if (/^[a-z]\w*$/.test(name) && SEQUELIZE_MODEL_REGISTRY.test(expressionText(receiver.expression))) return name;
    return undefined;
  }
  if (ts.isCallExpression(receiver)) {
    const callee = skipOuterExpressions(receiver.expression);
    const calleeName = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
    // `Order.scope('withItems').findByPk(id)`, `Order.unscoped().findOne(...)`: the same model with other defaults.
    if (ts.isPropertyAccessExpression(callee) && SCOPED_MODEL_METHODS.has(calleeName)) return modelOfRepository(skipOuterExpressions(callee.expression), file, modules);
    const argument = REPOSITORY_FACTORY.test(calleeName) ? repositoryEntityArgument(receiver) : undefined;
    if (argument) return ts.isIdentifier(argument) ? argument.text : ts.isStringLiteralLike(argument) ? argument.text : undefined;
  }
  return undefined;
}

/**
 * The entity a repository factory is given: `getRepository(Order)`, or after the request context or
 * transaction a wrapper takes first (`this.connection.getRepository(ctx, Order)`, Vendure's
 * TransactionalConnection; `getRepository(manager, Order)`): a lower-case name before another argument
 * is the context, not the entity.
 */
export function repositoryEntityArgument(call: ts.CallExpression): ts.Expression | undefined {
  const [first, second] = call.arguments.map((argument) => skipOuterExpressions(argument));
  // TypeORM's own `getRepository(target, 'connectionName')` names a connection second.
  if (first && second && ts.isIdentifier(first) && /^[a-z_$]/.test(first.text) && !ts.isStringLiteralLike(second)) return second;
  return first;
}

const OBJECTION_MODEL_REGISTRY = lastSegmentPattern(OBJECTION.modelRegistryNames);
const PROMISE_METHODS: ReadonlySet<string> = new Set(['then', 'catch', 'finally', 'toKnexQuery', 'debug', 'toString']);

/**
 * The model whose static `query()` starts a chain (`Page.query().select(...)`, `WIKI.models.pages.query()`),
 * and whether a link before the last writes (`query().patch(v).findById(id)`).
 */
export function objectionModel(receiver: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex | undefined): { model: string; writes: boolean } | undefined {
  let writes = false;
  let current = skipOuterExpressions(receiver);
  for (let hops = 0; hops < 12; hops++) {
    if (!ts.isCallExpression(current)) return undefined;
    const callee = skipOuterExpressions(current.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    if (callee.name.text === OBJECTION.queryStarter && current.arguments.length === 0) {
      const holder = skipOuterExpressions(callee.expression);
      if (ts.isIdentifier(holder)) return /^[A-Z]/.test(holder.text) && !NOT_A_MODEL.test(holder.text) && isModelClass(holder.text, file, modules) ? { model: holder.text, writes } : undefined;
      if (ts.isPropertyAccessExpression(holder) && OBJECTION_MODEL_REGISTRY.test(expressionText(holder.expression))) return { model: holder.name.text, writes };
      return undefined;
    }
    if (WRITE_METHODS.has(callee.name.text)) writes = true;
    current = skipOuterExpressions(callee.expression);
  }
  return undefined;
}

/** Capitalised names whose static create/increment/find are not stored data. */
const NOT_A_MODEL =
  /^(?:Promise|Object|Array|JSON|Math|Reflect|Number|String|Date|Buffer|Map|Set|WeakMap|Symbol|Intl|URL|URLSearchParams|Headers|Response|Request|Metrics|Stats|StatsD|Analytics|Telemetry|Tracing|Tracer|Sentry|Logger|Log|Cache|Redis|Counter|Gauge|Histogram|Prometheus|Events?|EventEmitter|Queue|Jobs?|Router|Storage|Cookies|Crypto|Stripe|Y|EditorState|Transaction|Selection|Node|Fragment|Schema|Mark|Slice|Decoration|DecorationSet|Plugin|Array|Mutex|Lock|Semaphore|RateLimiter|Limiter)$/;

const MODEL_FILE = /(?:^|\/)(?:models?|entities|entity|schemas?|repositor(?:y|ies)|dao|db|database)(?:\/|\.|$)|\.(?:model|entity|schema)\.[cm]?[jt]sx?$/i;

const MODEL_BASE_CLASS = new RegExp(MODEL_CLASS_EVIDENCE.baseClassWords.join('|'));
/** The words that name a model on their own (`AppModel`, `AuditedEntity`); `Base` alone does not. */
const MODEL_BASE_CLASS_STRONG = new RegExp(MODEL_CLASS_EVIDENCE.baseClassWords.filter((word) => word !== 'Base').join('|'));
const MODEL_DECORATOR = new RegExp(MODEL_CLASS_EVIDENCE.decoratorWords.join('|'));
const MODEL_FACTORY_CALL = new RegExp(`\\b(?:${MODEL_CLASS_EVIDENCE.factoryCalls.join('|')})\\s*[<(]`);

/**
 * A capitalised receiver is a model only with evidence: it comes from an ORM package, or is
 * declared in a models/entities file, or is a class extending Model/BaseEntity or decorated
 * @Entity/@Table/@Schema, or a `mongoose.model(...)`/`sequelize.define(...)` value. Without a
 * module index (unit use), the name alone has to do.
 */
function isModelClass(name: string, file: ScannedSourceFile, modules: ModuleIndex | undefined, depth = 0): boolean {
  if (!modules) return true;
  const binding = modules.resolveName(file, name);
  if (!binding) return false;
  if (binding.kind === 'external') return MODEL_PACKAGES.some((prefix) => binding.module.startsWith(prefix)) || /models?|entit/i.test(binding.module);
  if (binding.kind === 'namespace') return false;
  if (MODEL_FILE.test(binding.file.path)) return true;
  const node = binding.node;
  if (ts.isClassDeclaration(node)) {
    const extended = node.heritageClauses?.some((clause) => clause.types.some((type) => isModelBaseClass(type.expression, binding.file, modules, depth)));
    const decorated = ts.getDecorators(node)?.some((decorator) => MODEL_DECORATOR.test(decorator.expression.getText(node.getSourceFile())));
    return Boolean(extended || decorated);
  }
  if (ts.isVariableDeclaration(node) && node.initializer) {
    return MODEL_FACTORY_CALL.test(node.initializer.getText(node.getSourceFile()));
  }
  return false;
}

/**
 * A name bound to what a model factory returns: `mongoose.model('books', schema)`,
 * `sequelize.define('user', attributes)`, also behind the hot-reload guard
 * `mongoose.models.books || mongoose.model('books', schema)`. The call must be a method of a
 * client (not a bare `define(...)`) and name its model with a string first.
 */
function isFactoryMadeModel(name: string, file: ScannedSourceFile, modules: ModuleIndex): boolean {
  const binding = modules.resolveName(file, name);
  if (binding?.kind !== 'declaration' || !ts.isVariableDeclaration(binding.node) || !binding.node.initializer) return false;
  let value = skipOuterExpressions(binding.node.initializer);
  while (ts.isBinaryExpression(value) && (value.operatorToken.kind === ts.SyntaxKind.BarBarToken || value.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) {
    value = skipOuterExpressions(value.right);
  }
  if (!ts.isCallExpression(value)) return false;
  const callee = skipOuterExpressions(value.expression);
  const first = value.arguments[0];
  if (!ts.isPropertyAccessExpression(callee) || !(MODEL_CLASS_EVIDENCE.factoryCalls as readonly string[]).includes(callee.name.text) || first === undefined || !ts.isStringLiteralLike(first)) return false;
  // The file that makes it uses an ORM (`mongoose.model`, `conn.model` beside `mongoose.createConnection`,
  // `sequelize.define` beside `require('sequelize')`): another library's `client.model('name')` is no table.
  return ORM_IMPORT.test(binding.file.text);
}

const ORM_IMPORT = new RegExp(`(?:\\bfrom\\s*|\\brequire\\s*\\(\\s*|\\bimport\\s*\\(\\s*)['"](?:${MODEL_PACKAGES.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})`);

/**
 * `extends BaseEntity` (a package's model base) or `extends AppModel` (a project class that is a model
 * itself). A project base class is judged by what it is, not by its name alone: `BaseCommand`, a
 * command object's `static create(data)` that only validates, is no model, though its name says Base.
 */
function isModelBaseClass(base: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex, depth: number): boolean {
  const text = base.getText(base.getSourceFile());
  if (!MODEL_BASE_CLASS.test(text)) return false;
  if (!ts.isIdentifier(base) || depth >= 4) return true;
  const binding = modules.resolveName(file, base.text);
  if (binding?.kind !== 'declaration' || !ts.isClassDeclaration(binding.node)) return true;
  return isModelClass(base.text, file, modules, depth + 1) || MODEL_BASE_CLASS_STRONG.test(base.text);
}

function modelName(repositoryName: string): string {
  return repositoryName.replace(/(?:Repository|Repo|Model|Collection|Dao|Dal)$/i, '') || repositoryName;
}

function knexTableOf(receiver: ts.Expression): string | undefined {
  let current: ts.Expression = receiver;
  for (;;) {
    current = skipOuterExpressions(current);
    if (ts.isCallExpression(current)) {
      const callee = skipOuterExpressions(current.expression);
      if (ts.isIdentifier(callee) && KNEX_ROOT.test(callee.text) && current.arguments[0] && ts.isStringLiteralLike(current.arguments[0])) {
        return current.arguments[0].text;
      }
      if (ts.isPropertyAccessExpression(callee) && KNEX_TABLE_METHODS.includes(callee.name.text) && current.arguments[0] && ts.isStringLiteralLike(current.arguments[0])) {
        return current.arguments[0].text;
      }
      current = callee;
    } else if (ts.isPropertyAccessExpression(current)) current = current.expression;
    else return undefined;
  }
}

const KYSELY_TERMINALS: ReadonlySet<string> = new Set(KYSELY.terminals);
const KYSELY_VALUES_METHODS: ReadonlySet<string> = new Set(KYSELY.valuesMethods);

/** A Kysely query chain: its starter (`selectFrom`), the table it names, what it does, and its links from the terminal back. */
export interface KyselyChain {
  starter: string;
  table: string;
  operation: 'read' | 'update' | 'delete' | 'insert';
  /** Every call of the chain, the terminal first, the starter (or the builder helper's call) last. */
  links: ts.CallExpression[];
  /**
   * The project helper the chain starts from, when it does (`this.getByIdBuilder(id).executeTakeFirst()`,
   * `builder(this.db).where(...)`): its call and its parameters' names, index-aligned with the call's arguments.
   */
  helper?: { call: ts.CallExpression; parameters: Array<string | undefined> };
}

/**
 * The Kysely chain a terminal runs (`executeTakeFirst()` of `db.selectFrom('notes as n').where(...)`):
 * followed down its links to a starter called with the table's name (`'notes as n'`, `'public.notes'` -> notes),
 * or to a helper of the same class or file that returns such a chain (`private builder() { return this.db.selectFrom('partner')... }`).
 */
export function kyselyChain(terminal: ts.CallExpression, helperDepth = 0): KyselyChain | undefined {
  const links: ts.CallExpression[] = [];
  let current: ts.Expression = terminal;
  for (let hops = 0; hops < 40; hops++) {
    current = skipOuterExpressions(current);
    if (ts.isCallExpression(current)) {
      links.push(current);
      const callee = skipOuterExpressions(current.expression);
      if (ts.isPropertyAccessExpression(callee) && Object.hasOwn(KYSELY.starters, callee.name.text)) {
        const table = current.arguments[0] && skipOuterExpressions(current.arguments[0]);
        const name = table && ts.isStringLiteralLike(table) ? /^\s*([\w.]+)/.exec(table.text)?.[1]?.split('.').pop() : undefined;
        return name ? { starter: callee.name.text, table: name, operation: KYSELY.starters[callee.name.text]!, links } : undefined;
      }
      const helper = helperDepth < 2 && links.length > 1 ? kyselyBuilderHelper(current) : undefined;
      if (helper) {
        const started = kyselyChain(helper.returned, helperDepth + 1);
        return started && { starter: started.starter, table: started.table, operation: started.operation, links, helper: { call: current, parameters: helper.parameters } };
      }
      current = callee;
    } else if (ts.isPropertyAccessExpression(current)) current = current.expression;
    else if (ts.isIdentifier(current) && links.length > 0 && helperDepth < 2) return heldKyselyChain(current, terminal, links, helperDepth);
    else return undefined;
  }
  return undefined;
}

/**
 * A chain built in a local first and run later, as conditional filters are written:
 * `let query = db.selectFrom('notes').selectAll(); if (mine) query = query.where('owner_id', '=', me); await query.execute()`.
 * Its links are the initializer's, each reassignment's before the run (Kysely builders are immutable: a
 * call whose result is dropped adds nothing), and the run's own.
 */
function heldKyselyChain(held: ts.Identifier, terminal: ts.CallExpression, links: ts.CallExpression[], helperDepth: number): KyselyChain | undefined {
  const declaration = localDeclaration(held);
  const initializer = declaration?.initializer && skipOuterExpressions(declaration.initializer);
  if (!declaration || !initializer || !ts.isCallExpression(initializer)) return undefined;
  const started = kyselyChain(initializer, helperDepth + 1);
  if (!started) return undefined;
  const reassigned: ts.CallExpression[] = [];
  const scope = declaration.parent.parent.parent;
  const visit = (node: ts.Node): void => {
    if (node.pos >= terminal.pos) return;
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(node.left) && node.left.text === held.text && localDeclaration(node.left) === declaration) {
      for (let link: ts.Expression = skipOuterExpressions(node.right); ts.isCallExpression(link) && ts.isPropertyAccessExpression(skipOuterExpressions(link.expression)); ) {
        reassigned.push(link);
        link = skipOuterExpressions((skipOuterExpressions(link.expression) as ts.PropertyAccessExpression).expression);
      }
    }
    ts.forEachChild(node, visit);
  };
  if (scope) visit(scope);
  return { ...started, links: [...links, ...reassigned, ...started.links] };
}

/**
 * A builder helper a chain starts from: a method of the enclosing class (`this.builder()`) or a function of
 * the same file (`builder(this.db)`) whose one returned expression is a call chain.
 */
function kyselyBuilderHelper(call: ts.CallExpression): { returned: ts.CallExpression; parameters: Array<string | undefined> } | undefined {
  const callee = skipOuterExpressions(call.expression);
  let fn: ts.SignatureDeclaration | undefined;
  if (ts.isPropertyAccessExpression(callee) && callee.expression.kind === ts.SyntaxKind.ThisKeyword) {
    fn = enclosingClass(callee)?.members.find((member): member is ts.MethodDeclaration => ts.isMethodDeclaration(member) && member.body !== undefined && propertyNameText(member.name) === callee.name.text);
  } else if (ts.isIdentifier(callee)) {
    const value = moduleConstInitializer(callee);
    if (value && (ts.isArrowFunction(skipOuterExpressions(value)) || ts.isFunctionExpression(skipOuterExpressions(value)))) fn = skipOuterExpressions(value) as ts.ArrowFunction;
    else fn = callee.getSourceFile().statements.find((statement): statement is ts.FunctionDeclaration => ts.isFunctionDeclaration(statement) && statement.name?.text === callee.text && statement.body !== undefined);
  }
  const body = fn && (fn as { body?: ts.ConciseBody }).body;
  if (!fn || !body) return undefined;
  const returns = returnedExpressions(body);
  const returned = returns.length === 1 ? skipOuterExpressions(returns[0]!) : undefined;
  if (!returned || !ts.isCallExpression(returned)) return undefined;
  return { returned, parameters: fn.parameters.map((parameter) => (ts.isIdentifier(parameter.name) ? parameter.name.text : undefined)) };
}

const KYSELY_AGGREGATE = new RegExp(`\\bfn\\s*\\.\\s*(?:${KYSELY.aggregates.join('|')})\\b|\\bfn\\s*(?:<[^>]*>)?\\s*\\(\\s*['"](?:${KYSELY.aggregates.join('|')})['"]`);

/**
 * A Kysely read that selects only aggregates (`select((eb) => eb.fn.countAll().as('total'))`,
 * `select(db.fn.count('id').as('count'))`): it answers with numbers, no record's fields.
 */
export function kyselySelectsOnlyAggregates(chain: KyselyChain): boolean {
  const selections = chain.links.filter((link) => {
    const callee = skipOuterExpressions(link.expression);
    return ts.isPropertyAccessExpression(callee) && /^select(?:All)?$/.test(callee.name.text);
  });
  const selected = selections.flatMap((link) => link.arguments.flatMap((argument) => {
    const value = skipOuterExpressions(argument);
    return ts.isArrayLiteralExpression(value) ? [...value.elements] : [value];
  }));
  return chain.operation === 'read' && selected.length > 0 && selections.every((link) => link.arguments.length > 0) && selected.every((selection) => KYSELY_AGGREGATE.test(selection.getText()));
}

/**
 * The Kysely write whose new values a link holds: `values(row)` in `db.insertInto('users').values(row).execute()`,
 * `set(changes)` of an `updateTable(...)` chain. The access is the chain's terminal; the link's argument is the record written.
 */
export function kyselyValuesWrite(call: ts.CallExpression, file: ScannedSourceFile, modules?: ModuleIndex): DataAccess | undefined {
  const callee = skipOuterExpressions(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !KYSELY_VALUES_METHODS.has(callee.name.text)) return undefined;
  let outer: ts.CallExpression = call;
  while (ts.isPropertyAccessExpression(outer.parent) && outer.parent.expression === outer && ts.isCallExpression(outer.parent.parent) && outer.parent.parent.expression === outer.parent) outer = outer.parent.parent;
  if (outer === call) return undefined;
  const access = classifyCall(outer, file, [], modules);
  return access?.library === 'kysely' && access.operation === 'write' && kyselyChain(outer)?.links.includes(call) ? access : undefined;
}

function collectionOf(receiver: ts.Expression): string | undefined {
  const value = skipOuterExpressions(receiver);
  if (!ts.isCallExpression(value)) return undefined;
  const callee = skipOuterExpressions(value.expression);
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === MONGODB.collectionMethod && value.arguments[0] && ts.isStringLiteralLike(value.arguments[0])) {
    return value.arguments[0].text;
  }
  return undefined;
}

// Drizzle's query starters before the table, and the client's names (models/orms.ts DRIZZLE).
const DRIZZLE_STARTER: ReadonlySet<string> = new Set(DRIZZLE.starters);
const DRIZZLE_CLIENT = lastSegmentPattern(DRIZZLE.clientNames);

/**
 * The expression a drizzle builder call is made on is the client: `db` in `db.delete(t)`, `ctx.db` in
 * `ctx.db.delete(t)` (tRPC's context), `db` in `db.select().from(t)`.
 */
export function isDrizzleClient(receiver: ts.Expression): boolean {
  let current = skipOuterExpressions(receiver);
  for (;;) {
    if (ts.isCallExpression(current)) current = skipOuterExpressions(current.expression);
    else if (ts.isPropertyAccessExpression(current) && DRIZZLE_STARTER.has(current.name.text)) current = skipOuterExpressions(current.expression);
    else break;
  }
  return (ts.isIdentifier(current) || ts.isPropertyAccessExpression(current)) && DRIZZLE_CLIENT.test(expressionText(current));
}

/**
 * The table a drizzle builder link names: `orders` in `db.delete(orders)`, and `keys` in
 * `db.update(schema.keys)`, the table read off the schema namespace (`import * as schema`, or a
 * package's `schema` export). A call or an element access names none that can be read.
 */
export function drizzleTableName(argument: ts.Expression): string | undefined {
  const table = skipOuterExpressions(argument);
  if (ts.isIdentifier(table)) return table.text;
  if (ts.isPropertyAccessExpression(table) && ts.isIdentifier(skipOuterExpressions(table.expression))) return table.name.text;
  return undefined;
}

function expressionText(expression: ts.Expression): string {
  return expression.getText(expression.getSourceFile()).replace(/\s+/g, '');
}

type DeclaredStore = { kind: 'prisma' } | { kind: 'collection'; name: string };

// PRISMA_CLIENT_DECLARATION and COLLECTION_DECLARATION (models/orms.ts): how such a value is declared.

const storeCache = new WeakMap<ts.Node, DeclaredStore | null>();

/**
 * What a receiver name is by its declaration, local or imported from another module: a Prisma
 * client or a document collection. Names alone miss `import orm from './lib/db'`.
 */
function declaredStore(receiver: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex): DeclaredStore | undefined {
  if (!ts.isIdentifier(receiver)) return undefined;
  let declaration = localVariable(receiver) ?? bindingDeclaration(modules.resolveName(file, receiver.text));
  // `export const store = client`: one alias further.
  const aliased = declaration && ts.isVariableDeclaration(declaration) && declaration.initializer && skipOuterExpressions(declaration.initializer);
  if (aliased && ts.isIdentifier(aliased)) declaration = bindingDeclaration(modules.resolveName(modules.fileOf(aliased) ?? file, aliased.text)) ?? declaration;
  if (!declaration) return undefined;
  const cached = storeCache.get(declaration);
  if (cached !== undefined) return cached ?? undefined;
  const text = declaration.getText(declaration.getSourceFile());
  const collection = COLLECTION_DECLARATION.exec(text);
  const store: DeclaredStore | undefined = PRISMA_CLIENT_DECLARATION.test(text)
    ? { kind: 'prisma' }
    : collection
      ? { kind: 'collection', name: collection[1] ?? collection[2] ?? receiver.text }
      : undefined;
  storeCache.set(declaration, store ?? null);
  return store;
}

/** Whether `name` is a type parameter of the class the receiver is used in (`Model<T>` inside `class BaseRepository<T>`). */
function isClassTypeParameter(receiver: ts.Expression, name: string): boolean {
  return enclosingClass(receiver)?.typeParameters?.some((parameter) => parameter.name.text === name) ?? false;
}

/** `Repository<Transfer>` (TypeORM and its Mongo/Tree forms, MikroORM `EntityRepository`), Mongoose `Model<Cat>`. */
const REPOSITORY_TYPE = /^(?:mongoose\s*\.\s*)?(?:Repository|MongoRepository|TreeRepository|EntityRepository|Model)\s*<\s*(\w+)/;
/** `@InjectRepository(Transfer)`, `@InjectModel(Cat.name)`: the entity the injected repository is for. */
const INJECT_DECORATOR = /^@(?:InjectRepository|InjectModel)\(\s*([A-Z]\w*)/;

/**
 * `this.transfers` where the class declares `@InjectRepository(Transfer) private readonly transfers:
 * Repository<Transfer>`: an ORM repository by its declared type or injection, whatever its name.
 */
function injectedRepositoryModel(receiver: ts.PropertyAccessExpression): string | undefined {
  if (skipOuterExpressions(receiver.expression).kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  const classNode = enclosingClass(receiver);
  if (!classNode) return undefined;
  const name = receiver.name.text;
  const sourceFile = receiver.getSourceFile();
  const declarations: Array<ts.ParameterDeclaration | ts.PropertyDeclaration> = [];
  for (const member of classNode.members) {
    if (ts.isConstructorDeclaration(member)) declarations.push(...member.parameters.filter((parameter) => ts.isIdentifier(parameter.name) && parameter.name.text === name));
    if (ts.isPropertyDeclaration(member) && member.name && ts.isIdentifier(member.name) && member.name.text === name) declarations.push(member);
  }
  for (const declaration of declarations) {
    const typed = declaration.type && REPOSITORY_TYPE.exec(declaration.type.getText(sourceFile));
    // `Model<any>`, `Repository<any>`: a repository all the same; the field's name names its entity.
    if (typed) return /^[A-Z]/.test(typed[1]!) ? typed[1] : name;
    for (const decorator of ts.getDecorators(declaration) ?? []) {
      const injected = INJECT_DECORATOR.exec(decorator.getText(sourceFile));
      if (injected) return injected[1];
    }
  }
  return undefined;
}

/** A generic field type and its type argument: `Repository<T>`, `MikroOrmBaseEntityRepository<T>`, `Model<T>`. */
const GENERIC_FIELD_TYPE = /^[\w.]+\s*<\s*(\w+)\s*>$/;

/**
 * `this.typeOrmRepository` in a class that does not declare it: the field a project base class declares
 * with a generic type, the entity being the type argument the subclass chain passes for the base's type
 * parameter (`EmployeeService extends TenantAwareCrudService<Employee>`, whose base `CrudService<T>` has
 * `typeOrmRepository: Repository<T>`). `{ model: undefined }` when the chain leaves it generic.
 */
function inheritedRepositoryModel(receiver: ts.PropertyAccessExpression, file: ScannedSourceFile, modules: ModuleIndex): { model: string | undefined } | undefined {
  if (skipOuterExpressions(receiver.expression).kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  const name = receiver.name.text;
  let current = enclosingClass(receiver);
  let currentFile = file;
  // The type arguments known so far, by the current class's type parameter names.
  let known = new Map<string, string>();
  for (let depth = 0; current && depth < 6; depth++) {
    const declared = declaredField(current, name);
    if (declared !== undefined) return depth === 0 ? undefined : fieldModel(declared, current, known);
    const heritage = current.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
    if (!heritage || !ts.isIdentifier(heritage.expression)) return undefined;
    const binding = modules.resolveName(currentFile, heritage.expression.text);
    if (binding?.kind !== 'declaration' || !ts.isClassDeclaration(binding.node) || binding.node === current) return undefined;
    const base: ts.ClassDeclaration = binding.node;
    // A type parameter of the class itself passes on what its own subclass gave it, if anything.
    const own = new Set((current.typeParameters ?? []).map((parameter) => parameter.name.text));
    const passed = (heritage.typeArguments ?? []).map((argument) => {
      const text = argument.getText(current!.getSourceFile());
      return own.has(text) ? known.get(text) : text;
    });
    known = new Map((base.typeParameters ?? []).flatMap((parameter, index) => (passed[index] !== undefined ? [[parameter.name.text, passed[index]!] as [string, string]] : [])));
    current = base;
    currentFile = binding.file;
  }
  return undefined;
}

function declaredField(classNode: ts.ClassLikeDeclaration, name: string): ts.TypeNode | null | undefined {
  for (const member of classNode.members) {
    if (ts.isPropertyDeclaration(member) && member.name && propertyNameText(member.name) === name) return member.type ?? null;
    if (!ts.isConstructorDeclaration(member)) continue;
    const parameter = member.parameters.find((candidate) => ts.isIdentifier(candidate.name) && candidate.name.text === name && ts.getCombinedModifierFlags(candidate) & (ts.ModifierFlags.Public | ts.ModifierFlags.Protected | ts.ModifierFlags.Private | ts.ModifierFlags.Readonly));
    if (parameter) return parameter.type ?? null;
  }
  return undefined;
}

function fieldModel(type: ts.TypeNode | null, declaring: ts.ClassLikeDeclaration, known: ReadonlyMap<string, string>): { model: string | undefined } | undefined {
  const generic = type && GENERIC_FIELD_TYPE.exec(type.getText(declaring.getSourceFile()));
  if (!generic) return undefined;
  const argument = generic[1]!;
  const isParameter = declaring.typeParameters?.some((parameter) => parameter.name.text === argument);
  const model = isParameter ? known.get(argument) : argument;
  return { model: model !== undefined && /^[A-Z]\w*$/.test(model) ? model : undefined };
}

/** A type that is a Prisma client: `PrismaClient`, a `PrismaService`, `Pick<PrismaService, 'post'>`. */
const PRISMA_CLIENT_TYPE = /\bPrisma(?:Client|Service)\b/;

/**
 * `this.db` or `this._posts.model` whose declared type is a Prisma client: the field's type (a
 * constructor parameter property), and for `this.field.member` the member's type in that class.
 */
function injectedPrismaClient(expression: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex): boolean {
  const value = skipOuterExpressions(expression);
  if (!ts.isPropertyAccessExpression(value)) return false;
  const owner = skipOuterExpressions(value.expression);
  const classNode = enclosingClass(value);
  if (!classNode) return false;
  if (owner.kind === ts.SyntaxKind.ThisKeyword) {
    const typeName = fieldTypeName(classNode, value.name.text);
    return typeName !== undefined && isPrismaClientClass(typeName, file, modules);
  }
  if (!ts.isPropertyAccessExpression(owner) || skipOuterExpressions(owner.expression).kind !== ts.SyntaxKind.ThisKeyword) return false;
  const typeName = fieldTypeName(classNode, owner.name.text);
  const binding = typeName ? modules.resolveName(file, typeName) : undefined;
  if (binding?.kind !== 'declaration' || !ts.isClassDeclaration(binding.node)) return false;
  const member = binding.node.members.find((candidate) => ts.isPropertyDeclaration(candidate) && candidate.name && propertyNameText(candidate.name) === value.name.text);
  const type = member && ts.isPropertyDeclaration(member) ? member.type : undefined;
  return type !== undefined && PRISMA_CLIENT_TYPE.test(type.getText(binding.node.getSourceFile()));
}

/** A class named like a Prisma client, or one of the project's that extends PrismaClient. */
function isPrismaClientClass(typeName: string, file: ScannedSourceFile, modules: ModuleIndex): boolean {
  if (typeName === 'PrismaClient') return true;
  const binding = modules.resolveName(file, typeName);
  if (binding?.kind !== 'declaration' || !ts.isClassDeclaration(binding.node)) return false;
  const base = binding.node.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
  return base !== undefined && /\bPrismaClient\b/.test(base.getText(binding.node.getSourceFile()));
}

/** Packages whose clients do hold model delegates: a client made by one of them may be a database client. */
const DATABASE_CLIENT_PACKAGES = /^(?:@prisma\/|prisma|@neondatabase\/|@planetscale\/|@libsql\/|@vercel\/postgres|pg|mysql2?|knex|drizzle-orm|kysely|mongodb|mongoose)/;

/**
 * `const client = new Anthropic()`, `this.client = twilio(sid, token)`: a client named like a database
 * client that another package made (an AI, SMS or payment SDK), whose `client.messages.create(...)`
 * is an API call, not a Prisma write. The package's name, or undefined.
 */
function otherPackageInstance(client: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex): string | undefined {
  let initializers: ts.Expression[] = [];
  if (ts.isIdentifier(client)) {
    const declaration = localVariable(client) ?? bindingDeclaration(modules.resolveName(file, client.text));
    if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer) initializers = [declaration.initializer];
  } else if (ts.isPropertyAccessExpression(client) && skipOuterExpressions(client.expression).kind === ts.SyntaxKind.ThisKeyword) {
    // `client = new Twilio(...)` as a field, or `this.client = twilio(...)` in the constructor.
    const classNode = enclosingClass(client);
    const name = client.name.text;
    for (const member of classNode?.members ?? []) {
      if (ts.isPropertyDeclaration(member) && member.name && propertyNameText(member.name) === name && member.initializer) initializers.push(member.initializer);
      if (!ts.isConstructorDeclaration(member) || !member.body) continue;
      for (const statement of member.body.statements) {
        const assignment = ts.isExpressionStatement(statement) ? skipOuterExpressions(statement.expression) : undefined;
        if (!assignment || !ts.isBinaryExpression(assignment) || assignment.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
        const target = skipOuterExpressions(assignment.left);
        if (ts.isPropertyAccessExpression(target) && target.name.text === name && skipOuterExpressions(target.expression).kind === ts.SyntaxKind.ThisKeyword) initializers.push(assignment.right);
      }
    }
  }
  for (const initializer of initializers) {
    let made = skipOuterExpressions(initializer);
    if (ts.isAwaitExpression(made)) made = skipOuterExpressions(made.expression);
    if (!ts.isNewExpression(made) && !ts.isCallExpression(made)) continue;
    let root = skipOuterExpressions(made.expression);
    while (ts.isPropertyAccessExpression(root)) root = skipOuterExpressions(root.expression);
    if (!ts.isIdentifier(root)) continue;
    const binding = modules.resolveName(file, root.text);
    if (binding?.kind === 'external' && !DATABASE_CLIENT_PACKAGES.test(binding.module)) return binding.module;
  }
  return undefined;
}

function bindingDeclaration(binding: ReturnType<ModuleIndex['resolveName']>): ts.Node | undefined {
  if (!binding || binding.kind !== 'declaration') return undefined;
  const node = binding.node;
  // Only values: a class or function named like a client is not one.
  return ts.isVariableDeclaration(node) || ts.isExpression(node) || ts.isPropertyDeclaration(node) ? node : undefined;
}

/** The `const`/`let` in an enclosing block or function that declares `identifier` before its use. */
function localVariable(identifier: ts.Identifier): ts.VariableDeclaration | undefined {
  for (let scope: ts.Node | undefined = identifier.parent; scope && !ts.isSourceFile(scope); scope = scope.parent) {
    if (!ts.isBlock(scope)) continue;
    for (const statement of scope.statements) {
      if (statement.getStart() > identifier.getStart()) break;
      if (!ts.isVariableStatement(statement)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === identifier.text) return declaration;
      }
    }
  }
  return undefined;
}
