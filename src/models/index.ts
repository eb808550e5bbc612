/**
 * Every model the scanner knows, for `trustscan models`: the built-in library knowledge kept as data
 * in this folder (and the secret shapes in engine/secret-shapes.ts), then the project's own from
 * config `models`. One plain shape per entry, so a user sees what is known and in what terms.
 */
import type { ModelConfig } from '../engine/config.js';
import { SECRET_SHAPES } from '../engine/secret-shapes.js';
import { FRAMEWORK_LOG_OWNERS, LOG_METHODS, LOGGER_PACKAGES, NEST_LOGGER_CLASSES, NEST_LOGGER_MODULE } from './loggers.js';
import { DYNAMODB_CLIENT_METHODS, DYNAMODB_COMMAND_PACKAGES, DYNAMODB_COMMANDS, type DynamoOperation } from './dynamodb.js';
import { DRIZZLE, KNEX, ORMS, type OrmModel } from './orms.js';
import { SQL_DRIVERS } from './sql.js';

export interface ModelListing {
  kind: 'sink' | 'sanitizer' | 'logger' | 'auth' | 'source' | 'secret-shape' | 'data-access';
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

/** The config's models as written (paths relative to the config file's folder). */
export function configModels(models: readonly ModelConfig[]): ModelListing[] {
  return models.map((model, index): ModelListing => {
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
    }
  });
}
