/**
 * Every model the scanner knows, for `trustscan models`: the built-in library knowledge kept as data
 * in this folder (SQL drivers, loggers, sanitizers and validators, auth libraries, rate limiters,
 * state machines; and the secret shapes in engine/secret-shapes.ts), then the project's own from
 * config `models` (and config `rateLimiters`, which names rate limiters). One plain shape per
 * entry, so a user sees what is known and in what terms.
 */
import type { ModelConfig } from '../engine/config.js';
import { SECRET_SHAPES } from '../engine/secret-shapes.js';
import { FRAMEWORK_LOG_OWNERS, LOG_METHODS, LOGGER_PACKAGES, NEST_LOGGER_CLASSES, NEST_LOGGER_MODULE } from './loggers.js';
import { SANITIZER_LIBRARIES } from './sanitizers.js';
import { DYNAMODB_CLIENT_METHODS, DYNAMODB_COMMAND_PACKAGES, DYNAMODB_COMMANDS, type DynamoOperation } from './dynamodb.js';
import { DRIZZLE, KNEX, ORMS, type OrmModel } from './orms.js';
import { SQL_DRIVERS } from './sql.js';
import { AUTH_MIDDLEWARE_PACKAGES, TOKEN_CHECK_FUNCTIONS, TOKEN_CHECK_PACKAGES, TOKEN_VERIFIERS, TOKEN_VERIFYING_METHODS } from './auth.js';
import { NEST_THROTTLER, RATE_LIMIT_KEY_OPTIONS, RATE_LIMITER_PACKAGES } from './rate-limiters.js';
import { STATE_MACHINE_CHECK_METHODS, STATE_MACHINE_PACKAGE_PREFIXES } from './state-machines.js';

export interface ModelListing {
  kind: 'sink' | 'sanitizer' | 'logger' | 'auth' | 'source' | 'rate-limiter' | 'state-machine' | 'secret-shape' | 'data-access';
  /** A sink's or sanitizer's category; a data access: its ORM or client (`prisma`, `mongoose`, `dynamodb`). */
  category?: string;
  /** Packages or project modules the entry is about. */
  modules: string[];
  /** Functions, methods or exports in them (a secret shape: its id). */
  names: string[];
  argument?: number;
  /** What it is, in words. */
  description: string;
  /** `built-in`, or `config models[2]`. */
  source: string;
}

export function builtInModels(): ModelListing[] {
  const listings: ModelListing[] = [];
  for (const driver of SQL_DRIVERS) {
    listings.push({ kind: 'sink', category: 'sql', modules: [...driver.packages], names: [...driver.textMethods], argument: 0, description: `${driver.driver}: methods whose first argument is SQL text`, source: 'built-in' });
  }
  listings.push({ kind: 'logger', modules: [...LOGGER_PACKAGES], names: [...LOG_METHODS], description: 'logger packages: their instances and children write records with these methods', source: 'built-in' });
  listings.push({ kind: 'logger', modules: [NEST_LOGGER_MODULE], names: [...NEST_LOGGER_CLASSES], description: 'NestJS logger classes (a field, `new Logger()`, static calls)', source: 'built-in' });
  listings.push({ kind: 'logger', modules: ['console', 'fastify'], names: [...FRAMEWORK_LOG_OWNERS].map((owner) => `${owner}.log`), description: 'console, and the pino logger a framework hands out at `.log`', source: 'built-in' });
  for (const [module, exports] of Object.entries(AUTH_MIDDLEWARE_PACKAGES)) {
    const names = Object.entries(exports).filter(([, kind]) => kind !== 'other').map(([name, kind]) => `${name === '*' ? 'every export' : name}${kind === 'role' ? ' (role check)' : ''}`);
    if (names.length > 0) listings.push({ kind: 'auth', modules: [module], names, description: 'middleware, guards or wrappers that authenticate (or check a role) in front of a route', source: 'built-in' });
  }
  for (const [module, functions] of Object.entries(TOKEN_VERIFIERS)) {
    listings.push({ kind: 'auth', modules: [module], names: [...functions], description: 'verifies a token and throws when it fails: its result is the signed-in caller', source: 'built-in' });
  }
  listings.push({ kind: 'auth', modules: [], names: [...TOKEN_VERIFYING_METHODS], description: 'methods that verify a token on any object (firebase-admin): the result is the signed-in caller', source: 'built-in' });
  listings.push({ kind: 'auth', modules: [...TOKEN_CHECK_PACKAGES], names: [...TOKEN_CHECK_FUNCTIONS], description: 'verify a code, password or token in a business flow (a verified-token step)', source: 'built-in' });
  for (const limiter of RATE_LIMITER_PACKAGES) {
    const how = [limiter.middleware ? 'middleware' : undefined, limiter.consumedWith ? `limiter.${limiter.consumedWith}(key) in code` : undefined].filter(Boolean).join(' or ');
    listings.push({ kind: 'rate-limiter', modules: [limiter.package], names: limiter.consumedWith ? [limiter.consumedWith] : [], description: `rate-limits as ${how}; counts per ${limiter.ipByDefault ? 'client IP unless a key option says otherwise' : 'the key it is given'}`, source: 'built-in' });
  }
  listings.push({ kind: 'rate-limiter', modules: [NEST_THROTTLER.package], names: [NEST_THROTTLER.guard, `@${NEST_THROTTLER.limitDecorator}`, `@${NEST_THROTTLER.skipDecorator}`, NEST_THROTTLER.trackerMethod], description: 'the guard limits per IP unless getTracker is overridden; @Throttle sets a limit, @SkipThrottle turns it off', source: 'built-in' });
  listings.push({ kind: 'rate-limiter', modules: [], names: [...RATE_LIMIT_KEY_OPTIONS], description: 'limiter options whose value says what requests are counted by (user, IP, other)', source: 'built-in' });
  listings.push({ kind: 'state-machine', modules: [...STATE_MACHINE_PACKAGE_PREFIXES], names: [...STATE_MACHINE_CHECK_METHODS], description: 'state-machine packages (prefixes) and the methods that check a transition before a flow step', source: 'built-in' });
  for (const sanitizer of SANITIZER_LIBRARIES) {
    const modules = [...sanitizer.packages];
    const names = [...sanitizer.functions];
    const description = `${sanitizer.library}: ${sanitizer.description}`;
    if (!sanitizer.categories) listings.push({ kind: 'sanitizer', modules, names, description: `${description} (safe for every sink)`, source: 'built-in' });
    for (const category of sanitizer.categories ?? []) listings.push({ kind: 'sanitizer', category, modules, names, description, source: 'built-in' });
  }
  listings.push(...dataAccessModels());
  for (const shape of SECRET_SHAPES) listings.push({ kind: 'secret-shape', modules: [], names: [shape.id], description: shape.description, source: 'built-in' });
  return listings;
}

/** What each method list of an ORM row means, as the listing says it. */
const ORM_OPERATIONS: ReadonlyArray<[keyof OrmModel & ('lookups' | 'creates' | 'updates' | 'deletes'), string]> = [
  ['lookups', 'lookups: methods that read records (the filter holds the lookup key and any owner constraint)'],
  ['creates', 'creates: methods that write new records'],
  ['updates', 'updates: methods that change records'],
  ['deletes', 'deletes: methods that delete records'],
];

/** ORMs, query builders and DynamoDB (models/orms.ts, models/dynamodb.ts): one listing per library and operation. */
function dataAccessModels(): ModelListing[] {
  const listings: ModelListing[] = [];
  const push = (category: string, modules: readonly string[], names: readonly string[], description: string): void => {
    if (names.length > 0) listings.push({ kind: 'data-access', category, modules: [...modules], names: [...names], description: `${category} ${description}`, source: 'built-in' });
  };
  for (const orm of ORMS) {
    for (const [list, description] of ORM_OPERATIONS) push(orm.orm, orm.packages, orm[list], description);
  }
  push(KNEX.orm, KNEX.packages, KNEX.readMethods, 'lookups: chain methods that read a table (`knex(\'orders\').where({ id }).first()`)');
  const drizzleMethods = Object.entries(DRIZZLE.tableMethods);
  push(DRIZZLE.orm, DRIZZLE.packages, [...drizzleMethods.filter(([, operation]) => operation === 'read').map(([method]) => method), ...DRIZZLE.relationalLookups.map((method) => `${DRIZZLE.relationalRoot}.<table>.${method}`)], 'lookups: `db.select().from(table)` and the relational queries');
  push(DRIZZLE.orm, DRIZZLE.packages, drizzleMethods.filter(([, operation]) => operation === 'write').map(([method]) => method), 'writes: builder methods called with the table');
  const dynamo = (operation: DynamoOperation): string[] => [
    ...Object.keys(DYNAMODB_CLIENT_METHODS).filter((method) => DYNAMODB_CLIENT_METHODS[method] === operation),
    ...Object.keys(DYNAMODB_COMMANDS).filter((command) => DYNAMODB_COMMANDS[command] === operation),
  ];
  push('dynamodb', ['aws-sdk', ...DYNAMODB_COMMAND_PACKAGES], dynamo('read'), 'lookups: client methods and commands that read items (the `Key` and key conditions hold the lookup key)');
  push('dynamodb', ['aws-sdk', ...DYNAMODB_COMMAND_PACKAGES], dynamo('create'), 'creates: client methods and commands that write whole new items');
  push('dynamodb', ['aws-sdk', ...DYNAMODB_COMMAND_PACKAGES], dynamo('write'), 'updates: client methods and commands that change or delete items');
  return listings;
}

/** The config's models as written (paths relative to the config file's folder), then the names in config `rateLimiters`. */
export function configModels(models: readonly ModelConfig[], rateLimiters: readonly string[] = []): ModelListing[] {
  const named = rateLimiters.map((name): ModelListing => ({ kind: 'rate-limiter', modules: [], names: [name], description: 'middleware or a function so named rate-limits the routes it runs in front of, or whose handler calls it', source: 'config rateLimiters' }));
  return [...models.map((model, index): ModelListing => {
    const source = `config models[${index}]`;
    switch (model.kind) {
      case 'auth':
        return { kind: 'auth', modules: [model.file], names: model.function ? [model.function] : [], description: 'authenticates the routes it runs in front of, or that call it', source };
      case 'sink':
        return { kind: 'sink', category: model.category, modules: [model.module], names: [model.function], argument: model.argument, description: `its argument ${model.argument} reaches a ${model.category} sink`, source };
      case 'sanitizer':
        return { kind: 'sanitizer', ...(model.category ? { category: model.category } : {}), modules: [model.module], names: [model.function], description: `its result is safe for ${model.category ?? 'every'} sink${model.category ? 's' : ''}`, source };
      case 'logger':
        return { kind: 'logger', modules: [model.module], names: [model.export], description: 'the export, or a log method on it, writes log records', source };
      case 'source':
        return { kind: 'source', modules: [model.module], names: [model.function], description: `the handler it registers (${model.argument === undefined ? 'its last function argument' : `argument ${model.argument}`}) gets client input in parameter ${model.parameter}`, source };
      case 'rate-limiter':
        return { kind: 'rate-limiter', modules: [model.module], names: [model.function], description: 'rate-limits the routes it runs in front of (itself, or what a call of it makes), or whose handler calls it', source };
    }
  }), ...named];
}
