/**
 * Every model the scanner knows, for `trustscan models`: the built-in library knowledge kept as data
 * in this folder (SQL drivers, loggers, sanitizers and validators; and the secret shapes in
 * engine/secret-shapes.ts), then the project's own from config `models`. One plain shape per
 * entry, so a user sees what is known and in what terms.
 */
import type { ModelConfig } from '../engine/config.js';
import { SECRET_SHAPES } from '../engine/secret-shapes.js';
import { FRAMEWORK_LOG_OWNERS, LOG_METHODS, LOGGER_PACKAGES, NEST_LOGGER_CLASSES, NEST_LOGGER_MODULE } from './loggers.js';
import { SANITIZER_LIBRARIES } from './sanitizers.js';
import { SQL_DRIVERS } from './sql.js';

export interface ModelListing {
  kind: 'sink' | 'sanitizer' | 'logger' | 'auth' | 'source' | 'secret-shape';
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
  for (const sanitizer of SANITIZER_LIBRARIES) {
    const modules = [...sanitizer.packages];
    const names = [...sanitizer.functions];
    const description = `${sanitizer.library}: ${sanitizer.description}`;
    if (!sanitizer.categories) listings.push({ kind: 'sanitizer', modules, names, description: `${description} (safe for every sink)`, source: 'built-in' });
    for (const category of sanitizer.categories ?? []) listings.push({ kind: 'sanitizer', category, modules, names, description, source: 'built-in' });
  }
  for (const shape of SECRET_SHAPES) listings.push({ kind: 'secret-shape', modules: [], names: [shape.id], description: shape.description, source: 'built-in' });
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
