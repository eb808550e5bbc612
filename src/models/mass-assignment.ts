/**
 * Mass assignment as data: where the ORMs (models/orms.ts) take the record's new values, which
 * helpers copy every property of an object onto another, which narrow an object to named fields,
 * which validators whitelist a body, and which field names make a model's fields privileged.
 * rules/mass-assignment.ts holds the matching.
 */

/**
 * Where a write method takes the new values: the argument index (the rest of the arguments too
 * when `rest`), per method name over every ORM row of models/orms.ts. `update` is Sequelize's
 * `Model.update(values, { where })` or TypeORM's `repo.update(criteria, values)`: the rule tells
 * the two apart by the second argument.
 */
export const VALUES_ARGUMENT: Readonly<Record<string, { index: number; rest?: true }>> = {
  create: { index: 0 },
  createMany: { index: 0 },
  bulkCreate: { index: 0 },
  insert: { index: 0 },
  insertOne: { index: 0 },
  insertMany: { index: 0 },
  save: { index: 0 },
  upsert: { index: 0 },
  build: { index: 0 },
  findByIdAndUpdate: { index: 1 },
  findOneAndUpdate: { index: 1 },
  findOneAndReplace: { index: 1 },
  updateOne: { index: 1 },
  updateMany: { index: 1 },
  replaceOne: { index: 1 },
  merge: { index: 1, rest: true },
};

/** Prisma: the properties of the argument object that hold the new values (`create({ data })`, `upsert({ create, update })`). */
export const PRISMA_VALUES_PROPERTIES: readonly string[] = ['data', 'create', 'update'];

/** MongoDB update operators whose operand is a set of field values (`{ $set: req.body }`). */
export const VALUE_SETTING_OPERATORS: readonly string[] = ['$set', '$setOnInsert'];

/** Drizzle builder methods that take the new values: `db.insert(t).values(v)`, `db.update(t).set(v)`. */
export const DRIZZLE_VALUES_METHODS: readonly string[] = ['values', 'set'];

/** Methods of a loaded record (Sequelize instance, Mongoose document) that copy an object's properties onto it. */
export const RECORD_SETTERS: readonly string[] = ['update', 'set', 'overwrite', 'setAttributes', 'assign'];

/** Functions that copy every property of their later arguments onto their first (`Object.assign(user, body)`, `_.merge(user, body)`). */
export const PROPERTY_COPIERS: readonly string[] = ['Object.assign', '_.assign', '_.extend', '_.merge', '_.assignIn', 'lodash.assign', 'lodash.merge', 'lodash.extend'];

/** Pass-throughs (transforms of the taint) that keep only the named fields: `_.pick(req.body, ['name'])`. */
export const FIELD_PICKERS: readonly string[] = ['_.pick', 'lodash.pick', '_.pickBy', 'lodash.pickBy'];

/** Pass-throughs that drop named fields and keep every other (a denylist): `_.omit(req.body, ['role'])`. */
export const FIELD_DROPPERS: readonly string[] = ['_.omit', 'lodash.omit', '_.omitBy', 'lodash.omitBy'];

/**
 * express-validator chains (`body('email').isEmail()`) check the fields they name and let every other
 * key through; other route validation (celebrate/Joi, which rejects unknown keys by default, a zod
 * `validate(schema)` that parses the body) is trusted to whitelist it.
 */
export const NON_WHITELISTING_VALIDATORS = /^(?:body|check|checkSchema|oneOf)\s*\(/;

/** A zod schema written to keep unknown keys: `.passthrough()`, `.catchall(...)`, `z.any()`, `z.record(...)`, `z.unknown()`. */
export const KEY_KEEPING_SCHEMA = /\.\s*(?:passthrough|catchall|loose)\s*\(|\bz\s*\.\s*(?:any|unknown|record|looseObject)\s*\(/;

/** NestJS: ValidationPipe options that drop (or reject) properties a DTO does not declare. */
/**
 * zod-for-Nest packages: their ZodValidationPipe replaces a `@Body()` typed with a class made by
 * `createZodDto(schema)` with the schema's parse, which drops unknown keys unless the schema keeps them.
 */
export const ZOD_DTO_PACKAGES: Readonly<Record<string, { pipe: string; dtoFactory: string }>> = {
  'nestjs-zod': { pipe: 'ZodValidationPipe', dtoFactory: 'createZodDto' },
  '@anatine/zod-nestjs': { pipe: 'ZodValidationPipe', dtoFactory: 'createZodDto' },
};

export const NEST_WHITELIST_OPTION = /\b(?:whitelist|forbidNonWhitelisted)\s*:\s*true\b/;

/**
 * Field names (normalised: lower case, no `_`) a client must never set on their own: roles and
 * permissions, ownership and tenancy, verification and approval flags, money.
 */
export const PRIVILEGED_FIELDS: ReadonlySet<string> = new Set([
  'role', 'roles', 'isadmin', 'admin', 'issuperuser', 'superuser', 'isstaff', 'permissions', 'permission', 'scopes', 'privileges', 'accesslevel',
  'ownerid', 'owner', 'user', 'author', 'userid', 'createdby', 'createdbyid', 'authorid', 'tenantid', 'organizationid', 'organisationid', 'orgid', 'accountid', 'workspaceid', 'teamid',
  'verified', 'isverified', 'emailverified', 'phoneverified', 'approved', 'isapproved',
  'balance', 'credits', 'credit', 'walletbalance', 'plan', 'tier', 'subscriptiontier', 'ispremium',
]);
