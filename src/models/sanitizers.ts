/**
 * Sanitizers and validators as data: the library functions, guards, pipes and schema types whose
 * result (or the value after them) no longer carries text an attacker shapes, and which sinks it is
 * safe for. A table with a `category` is category-specific (an SQL escaper quotes for SQL, not for a
 * shell); one without is safe for every sink (a number is a number wherever it goes).
 *
 * The matching stays in the engine and the rules that read the tables: engine/dataflow/engine.ts
 * (conversions, validators, SQL escapers called with request data), engine/dataflow/sources.ts
 * (NestJS pipes), engine/dataflow/value-proof.ts (numeric globals), the zod and Fastify schema
 * readers under engine/frameworks, and rules/ (path, code, URL, SQL, NoSQL sinks). A category is
 * carried on the value (Taint.safeFor, engine/dataflow/taint.ts) and each sink rule asks with its
 * own. `trustscan models` lists SANITIZER_LIBRARIES.
 */
import type { SINK_CATEGORIES } from '../engine/config.js';

type SinkCategory = (typeof SINK_CATEGORIES)[number];

/** One library's sanitizers, as `trustscan models` lists them. */
export interface SanitizerLibraryModel {
  library: string;
  /** Packages (or `globals` for JavaScript's own, `node:path` for Node's). */
  packages: readonly string[];
  /** Functions, methods, pipes, decorators or schema types. */
  functions: readonly string[];
  /** The sinks its result is safe for; every sink when absent. */
  categories?: readonly SinkCategory[];
  description: string;
}

// --- Safe for every sink: numbers, booleans, allowlisted or strictly validated values ---------------

/** Globals whose result is a number or boolean (`Number(x)`, `parseInt(x)`, `Math.max(...)`): the dataflow's sanitizing conversions. */
export const NUMERIC_CONVERSIONS: ReadonlySet<string> = new Set(['parseInt', 'parseFloat', 'Number', 'Boolean', 'isNaN', 'isFinite', 'Math']);

/** Conversions whose result still names the record the client picked (`Number(req.params.id)`): no text, but an identity. */
export const IDENTITY_CONVERSIONS: ReadonlySet<string> = new Set(['parseInt', 'parseFloat', 'Number', 'BigInt', 'Number.parseInt', 'Number.parseFloat']);

/** Globals a value proof (raw SQL built from code) counts as numbers: `Number(x)`, `Math.min(...)`, `Date.now()`. */
export const NUMERIC_GLOBALS: ReadonlySet<string> = new Set(['Number', 'parseInt', 'parseFloat', 'Math', 'Boolean', 'isNaN', 'isFinite', 'Date']);

/**
 * Validator functions (validator.js and look-alikes, as methods or imported bare) that, guarding an
 * early exit (`if (!validator.isUUID(id)) return ...`), leave the value of a fixed alphabet.
 */
export const VALIDATOR_FUNCTIONS: readonly string[] = ['isInt', 'isNumeric', 'isUUID', 'isUuid', 'isAlphanumeric', 'isEmail', 'isIn', 'isEnum', 'isBoolean', 'isDate', 'isMongoId'];

/** Validator names matched with any suffix: `isISO8601`, `isISO8601Duration`. */
export const VALIDATOR_FUNCTION_PREFIXES: readonly string[] = ['isISO8601'];

/**
 * Library predicates that accept only text of a fixed format, by package and export, whatever the
 * project imports them as (`import { validate as isValidUUID } from 'uuid'`): after
 * `if (!isValidUUID(id)) throw`, the value is a UUID.
 */
export const FORMAT_VALIDATOR_EXPORTS: Readonly<Record<string, readonly string[]>> = {
  uuid: ['validate'],
  validator: VALIDATOR_FUNCTIONS,
};

/** NestJS pipes that turn a parameter into a number, boolean, UUID or enum member: no text an attacker chooses. */
export const NEST_SANITIZING_PIPES: readonly string[] = ['ParseIntPipe', 'ParseFloatPipe', 'ParseBoolPipe', 'ParseUUIDPipe', 'ParseEnumPipe', 'ParseArrayPipe', 'DefaultValuePipe'];

/** zod types whose parsed value is never text: numbers, booleans, dates (v4 `z.int()`, `z.int32()` too). */
export const ZOD_NON_TEXT_TYPES: ReadonlySet<string> = new Set(['number', 'int', 'int32', 'uint32', 'float32', 'float64', 'bigint', 'int64', 'uint64', 'boolean', 'date', 'nan', 'null', 'undefined']);

/**
 * String formats zod checks whose alphabet has no quote, slash, backslash, space or `..`: the value
 * is a token, never SQL, a path step, a command or a URL. `.email()` and `.url()` are not among them
 * (an email's local part may hold quotes; a URL is a URL). On `z.string()` in v3, top-level in v4
 * (`z.uuid()`), or under `z.iso` (`z.iso.datetime()`).
 */
export const ZOD_RESTRICTED_STRING_FORMATS: ReadonlySet<string> = new Set(['uuid', 'uuidv4', 'uuidv6', 'uuidv7', 'guid', 'cuid', 'cuid2', 'ulid', 'nanoid', 'datetime', 'date', 'time', 'ipv4', 'ipv6', 'ip']);

/** JSON-schema formats (Fastify route schemas, TypeBox, fluent-json-schema) that leave a field a token of a fixed alphabet. */
export const JSON_SCHEMA_RESTRICTED_FORMATS: ReadonlySet<string> = new Set(['uuid', 'date-time', 'date', 'time', 'ipv4', 'ipv6', 'int32', 'int64', 'float', 'double']);

/** JSON-schema types whose value is never text. */
export const JSON_SCHEMA_NUMERIC_TYPES: ReadonlySet<string> = new Set(['integer', 'number', 'boolean', 'null']);

// --- Safe for NoSQL filters only: the value is one scalar, never an operator object ----------------

/** zod types whose parsed value is one piece of text (or one of listed literals): never an object or array. */
export const ZOD_SCALAR_TYPES: ReadonlySet<string> = new Set(['string', 'email', 'url', 'enum', 'nativeEnum', 'literal', 'templateLiteral', 'stringbool']);

/** JSON-schema types of one scalar. */
export const JSON_SCHEMA_SCALAR_TYPES: ReadonlySet<string> = new Set(['string', 'number', 'integer', 'boolean', 'null']);

/** Schema builder calls (TypeBox, fluent-json-schema, zod; lower-cased) that declare one string, number or boolean. */
export const SCALAR_SCHEMA_METHODS: ReadonlySet<string> = new Set(['string', 'number', 'integer', 'boolean', 'literal', 'enum', 'nativeenum', 'email', 'uuid', 'null']);

/** class-validator decorators on a DTO field that reject an object (ValidationPipe answers 400). */
export const CLASS_VALIDATOR_SCALAR_DECORATORS: readonly string[] = ['IsString', 'IsEmail', 'IsUUID', 'IsMongoId', 'IsInt', 'IsNumber', 'IsNumberString', 'IsBoolean', 'IsBooleanString', 'IsEnum', 'IsIn', 'IsDate', 'IsDateString', 'IsISO8601', 'IsUrl', 'IsAlpha', 'IsAlphanumeric', 'IsPhoneNumber', 'IsHexadecimal', 'Matches', 'IsPositive', 'IsNegative', 'Min', 'Max', 'IsJWT', 'IsStrongPassword', 'IsPostalCode', 'IsLatLong', 'IsIP', 'IsFQDN'];

/**
 * class-validator decorators on a DTO field whose accepted values carry no text of the client's
 * choosing: a member of a list or enum, a number, a boolean, a date, an id of a fixed alphabet.
 */
export const CLASS_VALIDATOR_RESTRICTING_DECORATORS: readonly string[] = ['IsIn', 'IsEnum', 'IsInt', 'IsNumber', 'IsPositive', 'IsNegative', 'Min', 'Max', 'IsBoolean', 'IsBooleanString', 'IsNumberString', 'IsUUID', 'IsMongoId', 'IsDate', 'IsDateString', 'IsISO8601', 'IsHexadecimal', 'IsLatLong'];

/** express-validator chain methods (`check('email').isEmail()`) after which a field is one scalar. */
export const EXPRESS_VALIDATOR_SCALAR_METHODS: readonly string[] = ['isEmail', 'isString', 'isInt', 'isNumeric', 'isUUID', 'isMongoId', 'isAlphanumeric', 'isIn', 'isBoolean', 'isLength', 'isDate', 'isISO8601', 'isURL', 'matches', 'equals', 'trim', 'escape', 'toInt', 'toString'];

/**
 * express-mongo-sanitize (and look-alikes) strip `$` keys from body, query and params before any
 * handler runs: a middleware whose name contains one of these (any case, `-` optional).
 */
export const MONGO_SANITIZER_MIDDLEWARE_NAMES: readonly string[] = ['mongo-sanitize', 'mongoSanitize', 'sanitizeFilter'];

// --- Safe for SQL only: escapers that quote for SQL text -------------------------------------------

/** Escaping functions and methods of SQL drivers and escaper packages (`mysql.escape`, `connection.escapeId`, `SqlString.escape`). */
export const SQL_ESCAPE_FUNCTIONS: readonly string[] = ['escape', 'escapeId', 'escapeLiteral', 'escapeIdentifier', 'escapeString', 'quoteIdentifier', 'quote', 'literal', 'ident'];

/** Names too common elsewhere to trust as an escaping method on an object of unknown origin. */
export const AMBIGUOUS_ESCAPE_METHODS: readonly string[] = ['literal', 'quote'];

/** Packages whose exported SQL_ESCAPE_FUNCTIONS escape for SQL. */
export const SQL_ESCAPER_PACKAGES: readonly string[] = ['sqlstring', 'mysql', 'mysql2', 'pg-escape', 'sql-escape-string'];

/** pg >= 8.11 exports these escapers. */
export const PG_ESCAPERS: readonly string[] = ['escapeIdentifier', 'escapeLiteral'];

/** pg-format: `format('%L', x)`, `format.literal(x)`, `format.ident(x)` escape (`%s` does not). */
export const PG_FORMAT_PACKAGE = 'pg-format';

/** Query-text builders whose identifier/literal helpers (`sql.identifier`, `sql.ref`, `sql.lit`) quote what they are given. */
export const QUOTING_BUILDER_PACKAGES: readonly string[] = ['slonik', 'kysely', '@databases/pg', '@databases/mysql', '@databases/sqlite', 'sql-template-strings', 'sql-template-tag'];

/** Those builders' quoting helpers. */
export const QUOTING_BUILDER_FUNCTIONS: readonly string[] = ['identifier', 'ref', 'id', 'table', 'lit', 'literal', 'join'];

// --- Safe for file paths (and module names) only ------------------------------------------------------

/** Pass-throughs that leave no directory part: `path.basename('../../etc/passwd')` is 'passwd'. */
export const FILE_NAME_ONLY_FUNCTIONS: readonly string[] = ['path.basename', 'path.extname', 'path.posix.basename', 'path.win32.basename'];

/** Path helpers that confine a module name to one directory: `require('./locales/' + path.basename(lang))`. */
export const MODULE_NAME_CONFINING_FUNCTIONS: readonly string[] = ['basename', 'path.basename'];

// --- Safe for URLs only: encoders that keep a value inside one URL component --------------------------

/** Encoders whose output cannot leave the URL component it is put in (no `/`, `?`, `#`, `@`). */
export const URL_COMPONENT_ENCODERS: ReadonlySet<string> = new Set(['encodeURIComponent', 'querystring.escape', 'qs.stringify', 'querystring.stringify', 'new URLSearchParams']);

// --- Safe for shell commands only: quoting for a POSIX shell ----------------------------------------

/**
 * Packages that quote a value (or an argument list) for a POSIX shell, so that it stays one word of
 * the command: shell-quote `quote([x])`, shell-escape's default export, shescape `quote`/`quoteAll`/
 * `escape`/`escapeAll`. By export name (`default` for a default export).
 */
export const SHELL_QUOTERS: Readonly<Record<string, readonly string[]>> = {
  'shell-quote': ['quote'],
  'shell-escape': ['default'],
  shescape: ['quote', 'quoteAll', 'escape', 'escapeAll'],
  'any-shell-escape': ['default'],
};

/**
 * Functions that escape a string for use inside a regular expression (every metacharacter
 * backslashed), by package and export: their result matches itself literally.
 */
export const REGEX_ESCAPERS: Readonly<Record<string, readonly string[]>> = {
  'escape-string-regexp': ['default'],
  'lodash.escaperegexp': ['default'],
  lodash: ['escapeRegExp'],
  'lodash-es': ['escapeRegExp'],
  'es-toolkit': ['escapeRegExp'],
  'escape-regexp': ['default'],
  'regexp.escape': ['default'],
};

/**
 * The hand-written escape (`s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')`): a replace whose pattern is a
 * character class holding at least these metacharacters and whose replacement puts a backslash
 * before the match.
 */
export const REGEX_METACHARACTERS_ESCAPED: readonly string[] = ['.', '*', '+', '?', '(', ')', '[', '\\'];

/** Every sanitizer above by library, for `trustscan models`. */
export const SANITIZER_LIBRARIES: readonly SanitizerLibraryModel[] = [
  { library: 'numeric conversions', packages: ['globals'], functions: [...new Set([...NUMERIC_CONVERSIONS, ...IDENTITY_CONVERSIONS])], description: 'the result is a number or boolean' },
  { library: 'validator.js and look-alike guards', packages: ['validator', 'globals'], functions: [...VALIDATOR_FUNCTIONS, ...VALIDATOR_FUNCTION_PREFIXES.map((prefix) => `${prefix}*`)], description: 'after `if (!isUUID(x)) return`, x is of a fixed alphabet' },
  { library: 'uuid', packages: ['uuid'], functions: FORMAT_VALIDATOR_EXPORTS.uuid!, description: 'after `if (!validate(x)) throw`, under any local name, x is a UUID' },
  { library: 'NestJS pipes', packages: ['@nestjs/common'], functions: NEST_SANITIZING_PIPES, description: 'the parameter is a number, boolean, UUID or enum member' },
  { library: 'class-validator under routing-controllers validation', packages: ['class-validator', 'routing-controllers'], functions: CLASS_VALIDATOR_RESTRICTING_DECORATORS, description: 'a field of a class-typed @Body/@QueryParams/@Params so decorated is validated before the handler and is never free text' },
  { library: 'zod', packages: ['zod'], functions: [...ZOD_NON_TEXT_TYPES, ...[...ZOD_RESTRICTED_STRING_FORMATS].map((format) => `string().${format}()`)], description: 'a route input schema field of these types is never free text' },
  { library: 'JSON schema (Fastify, TypeBox, fluent-json-schema)', packages: ['fastify', '@sinclair/typebox', 'fluent-json-schema'], functions: [...JSON_SCHEMA_NUMERIC_TYPES, ...[...JSON_SCHEMA_RESTRICTED_FORMATS].map((format) => `format: ${format}`)], description: 'a route schema field of these types is never free text' },
  { library: 'zod and JSON-schema scalars', packages: ['zod', 'fastify', '@sinclair/typebox', 'fluent-json-schema'], functions: [...new Set([...ZOD_SCALAR_TYPES, ...JSON_SCHEMA_SCALAR_TYPES, ...SCALAR_SCHEMA_METHODS])], categories: ['nosql'], description: 'a field declared one scalar cannot carry a query operator object' },
  { library: 'class-validator', packages: ['class-validator'], functions: CLASS_VALIDATOR_SCALAR_DECORATORS, categories: ['nosql'], description: 'a DTO field with these decorators cannot carry a query operator object' },
  { library: 'express-validator', packages: ['express-validator'], functions: EXPRESS_VALIDATOR_SCALAR_METHODS, categories: ['nosql'], description: 'a field checked by these chain methods cannot carry a query operator object' },
  { library: 'express-mongo-sanitize', packages: ['express-mongo-sanitize', 'mongo-sanitize', 'mongoose'], functions: [...MONGO_SANITIZER_MIDDLEWARE_NAMES, "mongoose.set('sanitizeFilter', true)"], categories: ['nosql'], description: 'middleware (or mongoose sanitizeFilter) that strips `$` operator keys' },
  { library: 'SQL escapers', packages: [...SQL_ESCAPER_PACKAGES, 'pg', PG_FORMAT_PACKAGE], functions: [...new Set([...SQL_ESCAPE_FUNCTIONS, ...PG_ESCAPERS, 'format'])], categories: ['sql'], description: 'quote a value for SQL text (not for a shell, a path or a URL)' },
  { library: 'SQL quoting builders', packages: QUOTING_BUILDER_PACKAGES, functions: QUOTING_BUILDER_FUNCTIONS, categories: ['sql'], description: 'identifier and literal helpers that quote for SQL text' },
  { library: 'node:path', packages: ['node:path'], functions: FILE_NAME_ONLY_FUNCTIONS, categories: ['path'], description: 'the result is a file name without a directory part' },
  { library: 'node:path', packages: ['node:path'], functions: MODULE_NAME_CONFINING_FUNCTIONS, categories: ['code'], description: 'confines a module name to one directory' },
  { library: 'shell quoting', packages: Object.keys(SHELL_QUOTERS), functions: [...new Set(Object.values(SHELL_QUOTERS).flat())], categories: ['command'], description: 'quotes a value as one word of a POSIX shell command (not for SQL, a path or a URL)' },
  { library: 'URL encoders', packages: ['globals', 'querystring', 'qs'], functions: [...URL_COMPONENT_ENCODERS], categories: ['url'], description: 'the result stays inside the URL component it is put in' },
  { library: 'regular-expression escapers', packages: [...Object.keys(REGEX_ESCAPERS), 'globals'], functions: [...new Set([...Object.values(REGEX_ESCAPERS).flat(), "s.replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&')"])], categories: ['regex'], description: 'every metacharacter backslashed: the text matches itself literally in a regular expression (not for SQL, a shell, a path or a URL)' },
];
