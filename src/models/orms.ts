/**
 * ORMs and query builders as data: per library, the packages its models come from and the method
 * names that look records up, create, update or delete them, which of them take the primary key
 * itself or a whole record as argument, and which return whole records. Below the rows: the names
 * projects give clients and repositories, the query builders' chain methods, and where a filter
 * or an owner constraint sits in a call.
 *
 * The matching lives in the engine and the rules that read these tables:
 * engine/ast/data-access.ts (which call is a data access, read or write, of which model),
 * engine/access/lookup-keys.ts (the lookup keys and the owner constraints of its filter),
 * rules/utils/entity-models.ts (the models a project declares) and rules/excessive-data-exposure.ts
 * (what a response sends). Adding an ORM or a method is an entry here and a fixture in
 * fixtures/rules/missing-ownership-check (or excessive-data-exposure).
 *
 * The engine reads the unions of the rows (a method counts as a lookup when any row names it),
 * so a row lists what its library has, even where another row lists the same name.
 */

export interface OrmModel {
  orm: string;
  /** The library's packages. */
  packages: readonly string[];
  /**
   * Package prefixes whose imported capitalised values are this ORM's models (`import { Order } from
   * '@mikro-orm/...'`, a model re-exported by `@prisma/client`); each matches as a prefix. Empty when
   * its models are not imported values (a driver's collections, knex tables).
   */
  modelPackages: readonly string[];
  /** Methods that read records: `findUnique`, `findOneBy`, `findByPk`, `countDocuments`. */
  lookups: readonly string[];
  /** Methods that write new records. */
  creates: readonly string[];
  /** Methods that change records in place. */
  updates: readonly string[];
  /** Methods that delete (or soft-delete) records. */
  deletes: readonly string[];
  /** Methods whose first argument may be the primary key itself (`findById(id)`, TypeORM `delete(id)`), not a filter object. */
  idArgument: readonly string[];
  /** Methods whose arguments are a record (new data, or a loaded entity), not a filter: request data in them is no lookup key. */
  recordArgument: readonly string[];
  /** Methods that return whole records of the model they are called on (all their columns, unless narrowed). */
  returnsRecords: readonly string[];
}

/** Prisma: `prisma.order.findUnique({ where: { id } })` on a camelCase model delegate of the client. */
export const PRISMA = {
  orm: 'prisma',
  packages: ['@prisma/client'],
  modelPackages: ['@prisma/client'],
  lookups: ['findMany', 'findFirst', 'findFirstOrThrow', 'findUnique', 'findUniqueOrThrow', 'count', 'aggregate', 'groupBy'],
  creates: ['create', 'createMany', 'createManyAndReturn'],
  updates: ['update', 'updateMany', 'updateManyAndReturn', 'upsert'],
  deletes: ['delete', 'deleteMany'],
  idArgument: [],
  recordArgument: ['create', 'createMany', 'createManyAndReturn'],
  returnsRecords: ['findUnique', 'findFirst', 'findMany', 'findUniqueOrThrow', 'findFirstOrThrow', 'create', 'update', 'upsert'],
  /** Lookups no other supported library names this way: the method alone says Prisma (drizzle's `db.query.x.findFirst` is told apart by `.query`). */
  ownLookups: ['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow'],
  /** Lookups whose result can be followed to a relation (`findUnique({ where }).posts()`): the fluent API reads the relation. */
  fluentLookups: ['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow'],
  /** `new PrismaClient().$extends(extension)`: a client extension hooks every query the client runs (its `query.$allModels.$allOperations`). */
  clientExtension: '$extends',
  /** Names a Prisma client goes by (`prisma`, `this.prisma`, `ctx.db`, a transaction `tx`), matched case-insensitively as the last segment. */
  clientNames: ['prisma', 'db', 'client', 'prismaClient', 'prismaService', 'tx', 'database'],
  /** The client's class: `new PrismaClient(options)`. */
  clientClass: 'PrismaClient',
  /**
   * The client option that leaves fields out of every query's records (Prisma 6 `omit: { user:
   * { passwordHash: true } }`): a whole record read through that client does not carry them.
   */
  globalOmitOption: 'omit',
  /** Keys of Prisma's argument object: a call whose only argument has one of them is shaped like a Prisma call. */
  argumentKeys: ['where', 'select', 'include', 'orderBy'],
  /** Where the filter is: `{ where }` of the first argument. The owner constraint is a field of it (`where: { id, userId: me }`). */
  filterProperty: 'where',
  /** Where an update's new values are: `{ data }` of the first argument. */
  dataProperty: 'data',
} as const satisfies OrmModel & Record<string, unknown>;

/** TypeORM: repositories (`this.orderRepository.findOneBy({ id })`), the entity manager, `BaseEntity` statics. */
export const TYPEORM = {
  orm: 'typeorm',
  packages: ['typeorm', '@nestjs/typeorm'],
  modelPackages: ['typeorm'],
  lookups: ['find', 'findOne', 'findOneBy', 'findOneOrFail', 'findOneByOrFail', 'findBy', 'findAndCount', 'count', 'countBy', 'exists', 'existsBy', 'findByIds'],
  creates: ['create', 'insert', 'save'],
  updates: ['update', 'upsert', 'restore', 'merge', 'increment', 'decrement'],
  deletes: ['delete', 'remove', 'softDelete', 'softRemove'],
  idArgument: ['findOne', 'findByIds', 'delete', 'update', 'softDelete', 'restore'],
  recordArgument: ['insert', 'save', 'remove', 'softRemove', 'merge'],
  returnsRecords: ['find', 'findOne', 'findOneBy', 'findBy', 'findOneOrFail', 'findOneByOrFail', 'save'],
  /** The decorator that declares an entity class. */
  entityDecorator: 'Entity',
  /** The NestJS decorator that injects a repository (`@InjectRepository(User)`). */
  injectionDecorator: 'InjectRepository',
  /** The generic type of an injected repository (`Repository<User>`). */
  injectedType: 'Repository',
  /** Calls that return the repository of an entity (`getRepository(User)`, first: the one entity-models.ts follows). */
  repositoryFactories: ['getRepository', 'getCustomRepository', 'getMongoRepository'],
} as const satisfies OrmModel & Record<string, unknown>;

/** Sequelize: model statics (`Order.findByPk(id)`, `db.Order.findAll({ where })`) and instances. */
export const SEQUELIZE = {
  orm: 'sequelize',
  packages: ['sequelize', 'sequelize-typescript', '@nestjs/sequelize'],
  modelPackages: ['sequelize', 'sequelize-typescript'],
  lookups: ['findAll', 'findOne', 'findByPk', 'findAndCountAll', 'count'],
  creates: ['create', 'bulkCreate'],
  updates: ['update', 'upsert', 'save', 'increment', 'decrement', 'restore'],
  deletes: ['destroy', 'truncate'],
  idArgument: ['findByPk'],
  recordArgument: ['create', 'bulkCreate', 'save', 'increment', 'decrement'],
  returnsRecords: ['findOne', 'findByPk', 'findAll', 'create'],
  /** Calls that declare a model, in this order: `sequelize.define('User', attributes, options)`, `User.init(attributes, { sequelize })`. */
  modelFactories: ['define', 'init'],
  /**
   * Model statics that return the same model with other default options: `Order.scope('withItems')`,
   * `Order.unscoped()`, `Order.schema('tenant_a')`. A lookup on what they return still reads that
   * model's records; the scope's arguments may carry the caller (`scope({ method: ['forUser', user.id] })`).
   */
  scopedModelMethods: ['scope', 'unscoped', 'schema'],
  /** The registry of defined models, keyed by the name each was defined with, often lower-case: `sequelize.models.event`, `const { models } = sequelize`. */
  modelRegistry: 'models',
  /**
   * Decorators (sequelize-typescript) that make a static method a hook run after each write of the
   * model's records; TypeORM's entity listeners and MikroORM's hooks use the same names.
   */
  afterWriteHookDecorators: ['AfterCreate', 'AfterUpdate', 'AfterSave', 'AfterUpsert', 'AfterDestroy', 'AfterRestore', 'AfterBulkCreate', 'AfterBulkUpdate', 'AfterBulkDestroy', 'AfterInsert', 'AfterRemove', 'AfterDelete', 'AfterUpdateEntity'],
} as const satisfies OrmModel & Record<string, unknown>;

/** Mongoose (and typegoose): model statics (`Order.findById(id)`) and documents. */
export const MONGOOSE = {
  orm: 'mongoose',
  packages: ['mongoose', '@typegoose/typegoose', '@nestjs/mongoose'],
  modelPackages: ['mongoose', '@typegoose/', 'typegoose'],
  lookups: ['find', 'findOne', 'findById', 'countDocuments', 'estimatedDocumentCount', 'aggregate', 'distinct', 'exists', 'findOneOrCreate'],
  creates: ['create', 'insertMany'],
  updates: ['updateOne', 'updateMany', 'findByIdAndUpdate', 'findOneAndUpdate', 'findOneAndReplace', 'replaceOne', 'bulkWrite', 'save'],
  deletes: ['deleteOne', 'deleteMany', 'findByIdAndDelete', 'findByIdAndRemove', 'findOneAndDelete', 'findOneAndRemove', 'remove'],
  idArgument: ['findById', 'findByIdAndUpdate', 'findByIdAndDelete', 'findByIdAndRemove'],
  recordArgument: ['create', 'insertMany'],
  returnsRecords: ['find', 'findOne', 'findById', 'create', 'findByIdAndUpdate', 'findOneAndUpdate'],
  /** Calls that declare a model from a schema: `model('User', userSchema)`. */
  modelFactories: ['model'],
  /** Calls that make a model from a class (typegoose `getModelForClass(User)`). */
  classModelFactories: ['getModelForClass', 'createModel'],
  /** Types that say a field or parameter holds a model (`Model<User>`, typegoose `ReturnModelType<typeof User>`, plugins' models). */
  modelTypes: ['Model', 'ReturnModelType', 'PaginateModel', 'AggregatePaginateModel', 'SoftDeleteModel'],
  /** Query methods that return the query again: `User.find().where(filter)` still targets User. */
  queryChain: ['find', 'findOne', 'where', 'sort', 'limit', 'skip', 'select', 'lean', 'populate', 'setOptions', 'and', 'or', 'collation', 'session', 'hint'],
  /** The NestJS decorator that injects a model (`@InjectModel(User.name)`). */
  injectionDecorator: 'InjectModel',
  /** The generic type of an injected model (`Model<UserDocument>`). */
  injectedType: 'Model',
  /** Calls that return a model by name (`connection.model('User')`, `getModel('User')`). */
  repositoryFactories: ['getModel', 'model'],
  /** Query methods that narrow the fields a query returns (`.select('name')`, an aggregate's `.project()`). */
  narrowingChain: ['select', 'project'],
  /** Query methods that return the same records (`.lean()`, `.populate('author')`, `.exec()`). */
  passChain: ['exec', 'lean', 'populate', 'sort', 'limit', 'skip', 'orFail'],
} as const satisfies OrmModel & Record<string, unknown>;

/** The MongoDB driver: `db.collection('orders').findOne({ _id })`. */
export const MONGODB = {
  orm: 'mongodb',
  packages: ['mongodb'],
  modelPackages: [],
  lookups: ['find', 'findOne', 'countDocuments', 'estimatedDocumentCount', 'aggregate', 'distinct'],
  creates: ['insertOne', 'insertMany'],
  updates: ['updateOne', 'updateMany', 'replaceOne', 'findOneAndUpdate', 'findOneAndReplace', 'bulkWrite'],
  deletes: ['deleteOne', 'deleteMany', 'findOneAndDelete'],
  idArgument: [],
  recordArgument: ['insertOne', 'insertMany'],
  returnsRecords: [],
  /** The call that names a collection (`db.collection('orders')`). */
  collectionMethod: 'collection',
  /** The type that says a field or parameter holds a collection (`Collection<Order>`). */
  collectionType: 'Collection',
} as const satisfies OrmModel & Record<string, unknown>;

/** MikroORM: the entity manager (`em.findOne(Order, { id })`, the entity first) and repositories. */
export const MIKRO_ORM = {
  orm: 'mikro-orm',
  packages: ['@mikro-orm/core', '@mikro-orm/postgresql', '@mikro-orm/mysql', '@mikro-orm/sqlite', '@mikro-orm/mongodb'],
  modelPackages: ['@mikro-orm/'],
  lookups: ['find', 'findOne', 'findOneOrFail', 'findAll', 'findAndCount', 'count'],
  creates: ['create', 'persistAndFlush'],
  updates: ['merge', 'upsert'],
  deletes: ['remove', 'removeAndFlush'],
  idArgument: ['findOne', 'findOneOrFail', 'getReference'],
  recordArgument: ['create', 'persistAndFlush', 'merge', 'remove', 'removeAndFlush'],
  returnsRecords: [],
} as const satisfies OrmModel & Record<string, unknown>;

/** Knex: `knex('orders').where({ id }).first()`, `db('orders').insert(row)`, `trx('orders').del()`. */
export const KNEX = {
  orm: 'knex',
  packages: ['knex'],
  modelPackages: [],
  lookups: [],
  creates: ['insert'],
  updates: ['update'],
  deletes: ['del', 'delete', 'truncate'],
  idArgument: [],
  recordArgument: ['insert'],
  returnsRecords: [],
  /** Names the knex instance goes by, called with the table name (`knex('orders')`). */
  rootNames: ['knex', 'db', 'trx', 'database', 'pg', 'k'],
  /** Chain methods that name the table (`knex.select('*').from('orders')`). */
  tableMethods: ['from', 'table', 'into'],
  /** Chain methods that end a read (`.where({ id })`, `.first()`). */
  readMethods: ['where', 'first', 'select', 'pluck', 'andWhere', 'whereIn'],
  /**
   * Chain methods that only shape a write's result or conflict handling (`knex('t').insert(row).returning('*')`,
   * `.onConflict('id').merge()`): the write before them is still the chain's write.
   */
  writeModifiers: ['returning', 'onConflict', 'merge', 'ignore'],
} as const satisfies OrmModel & Record<string, unknown>;

/**
 * spence-mongo-repos: one repository per collection, reached through the request's registry
 * (`req.repos.disclosures.findById(id)`, REPOSITORY_REGISTRY_NAMES); `find({ filter })`,
 * `del(id)`, `update(id, values)`. Its repositories are made by `repoFactory(...)`, not imported.
 */
export const SPENCE_MONGO_REPOS = {
  orm: 'spence-mongo-repos',
  packages: ['@spencejs/spence-mongo-repos'],
  modelPackages: [],
  lookups: ['find', 'findOne', 'findById'],
  creates: ['insert', 'insertMany'],
  updates: ['update', 'updateUsingFilter', 'upsert'],
  deletes: ['del', 'delUsingFilter'],
  idArgument: ['findById', 'del'],
  recordArgument: ['insert', 'insertMany'],
  returnsRecords: ['find', 'findOne', 'findById'],
} as const satisfies OrmModel & Record<string, unknown>;

/**
 * Objection: every query starts from a model class's static `query()` (`Person.query().findById(id)`,
 * `Person.query().patch(v).where('id', id)`), the model imported, or held in a registry of models
 * (`app.models.pages.query()`, `WIKI.models.users.query()`).
 */
export const OBJECTION = {
  orm: 'objection',
  packages: ['objection'],
  modelPackages: [],
  lookups: ['findById', 'findByIds', 'findOne', 'first'],
  creates: ['insert', 'insertAndFetch', 'insertGraph', 'insertGraphAndFetch'],
  updates: ['patch', 'update', 'patchAndFetchById', 'updateAndFetchById', 'patchAndFetch', 'updateAndFetch', 'upsertGraph', 'upsertGraphAndFetch'],
  deletes: ['delete', 'deleteById'],
  idArgument: ['findById', 'findByIds', 'deleteById', 'patchAndFetchById', 'updateAndFetchById'],
  // `patch(v)` and `update(v)` take the new values too, but the engine reads the unions of the rows and
  // other libraries' `update(filter, ...)` takes the filter first: Objection chains are read link by link instead.
  recordArgument: ['insert', 'insertAndFetch', 'insertGraph', 'insertGraphAndFetch', 'upsertGraph', 'upsertGraphAndFetch'],
  returnsRecords: ['findById', 'findOne', 'first', 'patchAndFetchById', 'updateAndFetchById', 'insertAndFetch'],
  /** The static method that starts every query, called with no argument. */
  queryStarter: 'query',
  /** Names of an object holding the project's models by name (the last segment): `WIKI.models.pages`. */
  modelRegistryNames: ['models'],
} as const satisfies OrmModel & Record<string, unknown>;

/** Objection, Bookshelf, Waterline, Dynamoose: package prefixes of model classes recognised by their import; their methods are the rows' above. */
export const OTHER_MODEL_PACKAGES: readonly string[] = ['objection', 'bookshelf', 'waterline', 'dynamoose'];

/** Every ORM row. The engine reads the unions of their method lists. */
export const ORMS: readonly OrmModel[] = [PRISMA, TYPEORM, SEQUELIZE, MONGOOSE, MONGODB, MIKRO_ORM, KNEX, SPENCE_MONGO_REPOS, OBJECTION];

/**
 * Drizzle: `db.select().from(orders).where(eq(orders.id, id))`, `db.update(orders).set(v).where(...)`,
 * `db.insert(orders).values(v)`, `db.query.orders.findFirst({ where })`.
 */
export const DRIZZLE = {
  orm: 'drizzle',
  packages: ['drizzle-orm'],
  /** Names the client goes by, as the last segment (`db`, `ctx.db`, `this.db`, a transaction `tx`). */
  clientNames: ['db', 'tx', 'trx', 'database'],
  /** Query starters before the table (`db.select({ id }).from(t)`, `db.$with(...)`). */
  starters: ['select', 'selectDistinct', 'selectDistinctOn', 'with', '$with'],
  /** Builder methods called with the table, by the operation they perform. */
  tableMethods: { from: 'read', insert: 'write', update: 'write', delete: 'write' },
  /** The relational query API: `db.query.<table>.findFirst(...)`. */
  relationalRoot: 'query',
  relationalLookups: ['findFirst', 'findMany'],
  /** Where a relational query's filter is: `{ where }` of the first argument. */
  filterProperty: 'where',
  /** Filter operators that compare a column with a value: `eq(orders.userId, me)` is an owner constraint. */
  comparisons: ['eq', 'ne', 'inArray', 'like', 'ilike'],
  /** Filter operators that combine filters: `and(eq(...), eq(...))`. */
  combinators: ['and', 'or'],
} as const;

/**
 * Kysely: `db.selectFrom('notes').selectAll().where('id', '=', id).executeTakeFirst()`,
 * `db.updateTable('notes').set(values).where('id', '=', id).execute()`,
 * `db.insertInto('notes').values(row).execute()`. A chain names its table (a string, `'notes as n'`)
 * in its starter and runs at its terminal: the whole chain is one access. Filters are
 * `where('col', '=', value)`, `where('col', 'in', values)` and expression callbacks
 * (`where((eb) => eb('col', '=', v))`, `where(({ eb, and }) => and([eb(...), ...]))`, `eb.and({ col: v })`).
 */
export const KYSELY = {
  orm: 'kysely',
  packages: ['kysely'],
  /** Starters that name the table, by what the chain does to it. */
  starters: { selectFrom: 'read', updateTable: 'update', deleteFrom: 'delete', insertInto: 'insert', replaceInto: 'insert', mergeInto: 'update' } as Readonly<Record<string, 'read' | 'update' | 'delete' | 'insert'>>,
  /** The calls that run a chain. */
  terminals: ['execute', 'executeTakeFirst', 'executeTakeFirstOrThrow', 'stream'],
  /** Links that hold the new values of a write: the written record (`values(row)` of an insert, `set(values)` of an update). */
  valuesMethods: ['values', 'set'],
  /** Links that hold a filter, as `where('col', op, value)` or an expression callback. */
  filterMethods: ['where', 'having'],
  /** The operators of `where('col', op, value)` that pick rows by equality: the value keys the lookup. */
  equalityOperators: ['=', '==', 'is', 'in'],
  /**
   * Expression-builder calls whose argument is a subquery that filters the rows (`eb.exists(eb.selectFrom(...).where(...))`).
   * Not `not`: a negated owner constraint admits everyone else's rows. (`and`/`or` are the combinators drizzle's filters share.)
   */
  subqueryTests: ['exists'],
  /** Aggregate functions of `eb.fn` (`select((eb) => eb.fn.countAll().as('total'))`): a chain selecting only these answers with numbers, no record. */
  aggregates: ['count', 'countAll', 'sum', 'avg', 'min', 'max'],
} as const;

/** TypeORM's query builder: `repo.createQueryBuilder('o').where('o.id = :id', { id }).getOne()`. */
export const TYPEORM_QUERY_BUILDER = {
  starter: 'createQueryBuilder',
  /** The chain reads or writes once one of these runs. */
  terminals: ['getOne', 'getOneOrFail', 'getMany', 'getRawOne', 'getRawMany', 'getManyAndCount', 'getCount', 'execute', 'stream'],
  /** Chain methods that make it a write. */
  writes: ['update', 'delete', 'softDelete'],
} as const;

/**
 * Query-builder methods that hold a filter (knex, drizzle, TypeORM's query builder): an object
 * (`where({ id })`), a column and a value (`where('id', id)`, `where('id', '=', id)`), or an SQL
 * fragment with named parameters (`where('o.userId = :me', { me })`).
 */
export const WHERE_METHODS: readonly string[] = ['where', 'andWhere', 'whereIn', 'andWhereIn', 'whereRaw'];

/**
 * Method names that say an access writes even when it was classified a read: a query builder's
 * `execute`, a project helper named `update` that runs SQL. (Not the union of the rows' writes:
 * creating methods are not here.)
 */
export const WRITE_METHOD_NAMES: readonly string[] = [
  'update', 'delete', 'remove', 'softDelete', 'destroy', 'upsert', 'findByIdAndUpdate', 'findByIdAndDelete', 'findByIdAndRemove', 'findOneAndUpdate',
  'findOneAndDelete', 'findOneAndRemove', 'findOneAndReplace', 'updateOne', 'updateMany', 'deleteOne', 'deleteMany', 'replaceOne', 'del', 'restore', 'execute',
];

/**
 * Update operators that add or remove one member of a relation or a set (Prisma `connect`,
 * `disconnect`, `set`; MongoDB `$addToSet`, `$pull`, `$push`, `$pullAll`; `push`, `pull`): a write
 * whose whole change is the principal under one of them changes the caller's own membership.
 */
export const LINK_OPERATORS: readonly string[] = ['connect', 'disconnect', 'set', '$addToSet', '$pull', '$push', '$pullAll', 'push', 'pull'];

/** Where an options object carries the filter (Sequelize `update(values, { where })`, TypeORM `findOne({ where })`). */
export const OPTIONS_FILTER_PROPERTY = 'where';

/**
 * Raw queries through a client: methods whose first argument is query text
 * (`pool.query(sql)`, `prisma.$queryRaw`, pg-promise `db.any(sql)`, sqlite `db.all(sql)`), on a
 * receiver named like a client (the last segment, case-insensitively; or any name containing `prisma`).
 */
export const RAW_QUERY = {
  methods: ['query', 'execute', '$queryRaw', '$queryRawUnsafe', '$executeRaw', '$executeRawUnsafe', 'raw', 'any', 'one', 'none', 'many', 'oneOrNone', 'manyOrNone', 'all', 'get', 'run', 'maybeOne', 'oneFirst', 'maybeOneFirst', 'anyFirst', 'manyFirst', 'exists'],
  clientNames: ['pool', 'client', 'db', 'conn', 'connection', 'sequelize', 'knex', 'dataSource', 'manager', 'queryRunner', 'sql', 'pg', 'mysql', 'database', 'sqlite', 'pgp'],
} as const;

/**
 * How a project names a repository, model or collection it holds: the last segment of the
 * receiver ends with one of these (`this.orderRepository`, `orderModel`, `em`, `userDao`, and the
 * data access layer objects of a service-factory codebase, `secretDAL`, `projectDal`).
 * Case-sensitive, as written.
 */
export const REPOSITORY_NAME_SUFFIXES: readonly string[] = ['repository', 'repo', 'Repository', 'Repo', 'Model', 'model', 'collection', 'Collection', 'em', 'entityManager', 'manager', 'dao', 'Dao', 'DAO', 'DAL', 'Dal'];

/**
 * Of those, the ones that name an entity manager (TypeORM `EntityManager`, MikroORM `em`): its
 * lookups and writes name the entity first (`manager.update(User, id, data)`, `em.findOne(Order, {...})`,
 * `manager.save(user)`), never a text built at run time.
 */
export const ENTITY_MANAGER_NAME_SUFFIXES: readonly string[] = ['em', 'entityManager', 'manager'];

/**
 * Names of an object that holds one repository per collection, keyed by the collection: the request
 * or context decoration a plugin fills (`req.repos.disclosures.findById(id)` in spence-mongo-repos
 * apps, `ctx.repositories.orders.find(...)`, a destructured `{ repos }`). A lookup or write method
 * on a property of it is a data access of the model that property names.
 */
export const REPOSITORY_REGISTRY_NAMES: readonly string[] = ['repos', 'repositories'];

/**
 * Evidence that a capitalised name declared in the project is a model class: the class it
 * extends, or a decorator on it, contains one of these words (`extends Model`, `extends BaseEntity`,
 * `@Entity()`, `@Table`, `@Schema()`); a value made by one of the factory calls (`mongoose.model(...)`,
 * `sequelize.define(...)`).
 */
export const MODEL_CLASS_EVIDENCE = {
  baseClassWords: ['Model', 'Entity', 'Document', 'Base'],
  decoratorWords: ['Entity', 'Table', 'Schema', 'Model'],
  factoryCalls: ['model', 'define'],
} as const;

/** A value declared as a Prisma client: `new PrismaClient()`, `globalForPrisma.prisma ?? new PrismaClient()`, `prismaBase.$extends(...)`, `: PrismaClient`. */
export const PRISMA_CLIENT_DECLARATION = /\bnew\s+PrismaClient\b|:\s*PrismaClient\b|\bprisma\w*\s*\.\s*\$extends\s*\(/i;

/**
 * A value declared as a document collection (group 1 or 2: its name): MarsDB/Meteor
 * `new Collection('posts')`, `new Mongo.Collection('posts')`, the driver's `db.collection('posts')`,
 * NeDB `new Datastore(...)`.
 */
export const COLLECTION_DECLARATION = /\bnew\s+(?:[\w$]+\.)*Collection\s*(?:<[^>]*>)?\s*\(\s*['"`]([\w.-]+)|\.collection\s*(?:<[^>]*>)?\s*\(\s*['"`]([\w.-]+)|\bnew\s+(?:[\w$]+\.)?Datastore\s*\(/;

/** Every package prefix an imported model may come from (`@mikro-orm/core`, `@typegoose/typegoose`). */
export const MODEL_PACKAGES: readonly string[] = [...new Set([...ORMS.flatMap((orm) => orm.modelPackages), ...OTHER_MODEL_PACKAGES])];

/** The union over the rows of one method list. */
export function ormMethods(list: 'lookups' | 'creates' | 'updates' | 'deletes' | 'idArgument' | 'recordArgument' | 'returnsRecords'): ReadonlySet<string> {
  return new Set(ORMS.flatMap((orm) => orm[list]));
}
