/**
 * What validation-schema libraries declare about a request field, as data: which builder or
 * decorator names a type, which ones bound it, which ones list its allowed values. Read by
 * engine/flows/schema-fields.ts so generated flow tests send a value the schema accepts.
 */

/** The declared type of a field, in the terms a test value is chosen by. */
export type DeclaredFieldType = 'string' | 'integer' | 'number' | 'boolean' | 'email' | 'uuid' | 'url' | 'datetime' | 'enum' | 'array' | 'object';

/** zod builders (`z.string()`, `z.email()` in v4) and string formats (`z.string().email()`). */
export const ZOD_TYPES: Readonly<Record<string, DeclaredFieldType>> = {
  string: 'string',
  number: 'number',
  int: 'integer',
  int32: 'integer',
  bigint: 'integer',
  boolean: 'boolean',
  email: 'email',
  uuid: 'uuid',
  uuidv4: 'uuid',
  guid: 'uuid',
  url: 'url',
  date: 'datetime',
  datetime: 'datetime',
  enum: 'enum',
  nativeEnum: 'enum',
  literal: 'enum',
  array: 'array',
  object: 'object',
};

/** Joi builders and string formats (`Joi.string().email()`). */
export const JOI_TYPES: Readonly<Record<string, DeclaredFieldType>> = {
  string: 'string',
  number: 'number',
  integer: 'integer',
  boolean: 'boolean',
  bool: 'boolean',
  email: 'email',
  uuid: 'uuid',
  guid: 'uuid',
  uri: 'url',
  date: 'datetime',
  isoDate: 'datetime',
  array: 'array',
  object: 'object',
};

/** Modifiers whose first argument is a lower / upper bound (value for numbers, length for strings). */
export const SCHEMA_MIN_MODIFIERS: ReadonlySet<string> = new Set(['min', 'gte', 'minLength', 'length']);
export const SCHEMA_MAX_MODIFIERS: ReadonlySet<string> = new Set(['max', 'lte', 'maxLength', 'length']);
/** Joi's and zod's allowed-values modifiers (`Joi.string().valid('a', 'b')`). */
export const SCHEMA_ALLOWED_VALUES: ReadonlySet<string> = new Set(['valid', 'allow', 'equal']);

/** class-validator decorators that declare a type. */
export const CLASS_VALIDATOR_TYPES: Readonly<Record<string, DeclaredFieldType>> = {
  IsString: 'string',
  IsNotEmpty: 'string',
  IsAlpha: 'string',
  IsAlphanumeric: 'string',
  IsInt: 'integer',
  IsNumber: 'number',
  IsNumberString: 'string',
  IsPositive: 'number',
  IsBoolean: 'boolean',
  IsEmail: 'email',
  IsUUID: 'uuid',
  IsUrl: 'url',
  IsDateString: 'datetime',
  IsISO8601: 'datetime',
  IsDate: 'datetime',
  IsIn: 'enum',
  IsEnum: 'enum',
  IsArray: 'array',
  IsObject: 'object',
};

/** class-validator bounds: decorator -> which bound its first argument sets. */
export const CLASS_VALIDATOR_BOUNDS: Readonly<Record<string, 'min' | 'max' | 'both'>> = { Min: 'min', Max: 'max', MinLength: 'min', MaxLength: 'max', Length: 'both', IsPositive: 'min' };

/** Handler calls that validate the body with a schema: `schema.parse(req.body)`, `schema.validate(req.body)`. */
export const SCHEMA_PARSE_METHODS: ReadonlySet<string> = new Set(['parse', 'safeParse', 'parseAsync', 'safeParseAsync', 'validate', 'validateAsync', 'assert', 'attempt']);

/** Where a middleware factory's options object holds the body schema: celebrate `{ body }` / `{ [Segments.BODY] }`. */
export const BODY_SCHEMA_KEYS: ReadonlySet<string> = new Set(['body', 'BODY', 'json']);

/** Hono's zValidator / validator targets that are the body. */
export const BODY_VALIDATOR_TARGETS: ReadonlySet<string> = new Set(['json', 'form', 'body']);
