/**
 * Code models: what a project's own wrappers are (an SQL sink, a sanitizer, a logger), given as
 * data in config `models`, and the one place that decides whether a call is one of them. Rules and
 * engine passes ask here; the matching logic stays in the engine.
 *
 * A model names a module and a function or export in it: a package (`my-db-lib`) or a path
 * relative to the config file's folder (`./src/db`), and a name or member path (`run`,
 * `Db.prototype.run`, `db.run`). A call matches when its callee resolves, across files, to that
 * declaration (project modules, through imports, re-exports and `this.service.method()`), or to
 * that member of the package's exports.
 */
import path from 'node:path';
import { ts } from '#typescript';
import type { ScannedSourceFile } from '../types.js';
import type { ModelConfig, SINK_CATEGORIES, TrustscanConfig } from './config.js';
import { moduleCallee, type ModuleIndex, resolveFunction } from './names/index.js';
import { propertyNameText, skipOuterExpressions } from './ast/syntax.js';

/** A package by name, or a project module by its scan-root-relative path without extension. */
export type ModelModule = { kind: 'package'; name: string } | { kind: 'project'; path: string };

interface ModelBase {
  module: ModelModule;
  /** `config models[2]`: how findings and evidence name the model. */
  label: string;
}

export type SinkCategory = (typeof SINK_CATEGORIES)[number];

export interface SinkModel extends ModelBase {
  category: SinkCategory;
  /** The member path of the function (`Db.prototype.run` -> Db, run). */
  path: string[];
  argument: number;
}

export interface SanitizerModel extends ModelBase {
  /** The sinks its result is safe for; every sink when absent. */
  category?: SinkCategory;
  path: string[];
}

/** A function that registers a handler clients call: the handler's parameter `parameter` is client input. */
export interface SourceModel extends ModelBase {
  path: string[];
  parameter: number;
  /** The argument that is the handler; the last function argument when absent. */
  argument?: number;
}

export interface LoggerModel extends ModelBase {
  exportName: string;
}

/** A middleware, hook, guard or helper declared an authentication check, by the file it is written in (scan-root-relative). */
export interface AuthModel {
  file: string;
  function?: string;
  label: string;
}

/**
 * A rate limiter the project declares: a function (or a package's export) named by module and
 * member path (config `models` kind rate-limiter), or a bare name from config `rateLimiters`,
 * which matches any middleware or call so named. Either way it limits the routes it runs in front
 * of, or whose handler calls it.
 */
export type RateLimiterModel = (ModelBase & { kind: 'function'; path: string[] }) | { kind: 'name'; name: string; label: string };

export interface CodeModels {
  auth: AuthModel[];
  sinks: SinkModel[];
  sanitizers: SanitizerModel[];
  loggers: LoggerModel[];
  sources: SourceModel[];
  /** Config `rateLimiters` names first, then `models` of kind rate-limiter. */
  rateLimiters: RateLimiterModel[];
}

export const NO_MODELS: CodeModels = { auth: [], sinks: [], sanitizers: [], loggers: [], sources: [], rateLimiters: [] };

/** Config `rateLimiters` (names of project middleware or functions that rate-limit) as rate-limiter models. */
export function namedRateLimiters(names: readonly string[]): RateLimiterModel[] {
  return names.map((name) => ({ kind: 'name', name, label: 'config rateLimiters' }));
}

/**
 * The config's models with their modules resolved: project paths (relative to the config file's
 * folder, or to the scan root without a config file) become scan-root-relative.
 */
export function resolveCodeModels(config: Pick<TrustscanConfig, 'models' | 'rateLimiters'>, root: string, configSource: string | undefined): CodeModels {
  const configDir = configSource ? path.dirname(configSource) : root;
  const moduleOf = (specifier: string): ModelModule => {
    if (!specifier.startsWith('.') && !path.isAbsolute(specifier)) return { kind: 'package', name: specifier };
    const relative = path.relative(root, path.resolve(configDir, specifier)).split(path.sep).join('/');
    return { kind: 'project', path: relative.replace(/\.(?:d\.)?[cm]?[jt]sx?$/, '') };
  };
  const models: CodeModels = { auth: [], sinks: [], sanitizers: [], loggers: [], sources: [], rateLimiters: namedRateLimiters(config.rateLimiters) };
  config.models.forEach((model: ModelConfig, index) => {
    const label = `config models[${index}]`;
    if (model.kind === 'auth') {
      const file = path.relative(root, path.resolve(configDir, model.file)).split(path.sep).join('/');
      models.auth.push({ file, ...(model.function ? { function: model.function } : {}), label });
    } else if (model.kind === 'sink') models.sinks.push({ category: model.category, module: moduleOf(model.module), path: memberPath(model.function), argument: model.argument, label });
    else if (model.kind === 'sanitizer') models.sanitizers.push({ ...(model.category ? { category: model.category } : {}), module: moduleOf(model.module), path: memberPath(model.function), label });
    else if (model.kind === 'logger') models.loggers.push({ module: moduleOf(model.module), exportName: model.export, label });
    else if (model.kind === 'source') models.sources.push({ module: moduleOf(model.module), path: memberPath(model.function), parameter: model.parameter, ...(model.argument !== undefined ? { argument: model.argument } : {}), label });
    else if (model.kind === 'rate-limiter') models.rateLimiters.push({ kind: 'function', module: moduleOf(model.module), path: memberPath(model.function), label });
  });
  return models;
}

/** `Db.prototype.run` -> [Db, run]: an instance method is called on instances, not on the class. */
function memberPath(name: string): string[] {
  return name.split('.').filter((part) => part !== '' && part !== 'prototype');
}

/** The first model whose function the call's callee is. */
export function matchingFunctionModel<M extends { module: ModelModule; path: string[] }>(models: readonly M[], modules: ModuleIndex, file: ScannedSourceFile, callee: ts.Expression): M | undefined {
  if (models.length === 0) return undefined;
  let project: { file: string; path: string[] } | null | undefined;
  let packaged: { module: string; path: string[] } | null | undefined;
  for (const model of models) {
    if (model.module.kind === 'project') {
      if (project === undefined) {
        const fn = resolveFunction(modules, file, callee);
        project = fn ? { file: withoutExtension(fn.file.path), path: declaredPath(fn.node) } : null;
      }
      if (project && sameModule(project.file, model.module.path) && endsWith(project.path, model.path)) return model;
    } else {
      if (packaged === undefined) {
        const resolved = moduleCallee({ modules }, file, callee);
        packaged = resolved ? { module: resolved.module, path: resolved.members.map(plainMember) } : null;
      }
      if (packaged && packaged.module === model.module.name && endsWith(packaged.path, model.path)) return model;
    }
  }
  return undefined;
}

/**
 * The rate-limiter model a middleware expression or a call is: a config `rateLimiters` name when one
 * of `names` (how the site names it) is that name; a `models` entry when the expression is the
 * modelled function, a call of it (`limit({ max: 5 })`), or a name bound to such a call
 * (`const loginLimiter = limit({ max: 5 })`, followed a few steps). The first in config order.
 */
export function matchingRateLimiter(models: readonly RateLimiterModel[], modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression, names: readonly string[]): RateLimiterModel | undefined {
  if (models.length === 0) return undefined;
  const functions = models.filter((model): model is Extract<RateLimiterModel, { kind: 'function' }> => model.kind === 'function');
  let declared: RateLimiterModel | null | undefined;
  for (const model of models) {
    if (model.kind === 'name') {
      if (names.includes(model.name)) return model;
      continue;
    }
    declared ??= declaredRateLimiter(functions, modules, file, expression) ?? null;
    if (declared === model) return model;
  }
  return undefined;
}

function declaredRateLimiter(models: readonly Extract<RateLimiterModel, { kind: 'function' }>[], modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression): RateLimiterModel | undefined {
  let current: { file: ScannedSourceFile; node: ts.Expression } = { file, node: skipOuterExpressions(expression) };
  for (let depth = 0; depth < 4; depth++) {
    const value = current.node;
    const callee = ts.isCallExpression(value) || ts.isNewExpression(value) ? skipOuterExpressions(value.expression) : value;
    const found = matchingFunctionModel(models, modules, current.file, callee);
    if (found) return found;
    if (!ts.isIdentifier(value)) return undefined;
    const binding = modules.resolveName(current.file, value.text);
    if (binding?.kind !== 'declaration' || !ts.isVariableDeclaration(binding.node) || !binding.node.initializer) return undefined;
    current = { file: binding.file, node: skipOuterExpressions(binding.node.initializer) };
  }
  return undefined;
}

/**
 * The logger model a callee is rooted in, with the members called on it: `audit.info(...)` ->
 * ['info'], `audit(...)` -> []. The rule decides which members write records.
 */
export function matchingLogger(models: readonly LoggerModel[], modules: ModuleIndex, file: ScannedSourceFile, callee: ts.Expression): { model: LoggerModel; members: string[] } | undefined {
  if (models.length === 0) return undefined;
  const members: string[] = [];
  let root = skipOuterExpressions(callee);
  while (ts.isPropertyAccessExpression(root)) {
    members.unshift(root.name.text);
    root = skipOuterExpressions(root.expression);
  }
  // The callee's package path, resolved once for every package model.
  let packaged: ReturnType<typeof moduleCallee> | null | undefined;
  for (const model of models) {
    if (model.module.kind === 'project') {
      if (!ts.isIdentifier(root)) continue;
      const binding = modules.resolveName(file, root.text);
      if (binding?.kind === 'declaration' && sameModule(withoutExtension(binding.file.path), model.module.path) && (binding.name === model.exportName || exportedAs(binding.node) === model.exportName)) {
        return { model, members };
      }
      if (binding?.kind === 'namespace' && sameModule(withoutExtension(binding.file.path), model.module.path) && members[0] === model.exportName) {
        return { model, members: members.slice(1) };
      }
    } else {
      packaged ??= moduleCallee({ modules }, file, callee) ?? null;
      const resolved = packaged;
      if (!resolved || resolved.module !== model.module.name) continue;
      const path = resolved.members.map(plainMember);
      if (model.exportName === 'default') return { model, members: path };
      if (path[0] === model.exportName) return { model, members: path.slice(1) };
    }
  }
  return undefined;
}

/** `export default audit` binds the name `default` to a declaration named otherwise. */
function exportedAs(node: ts.Node): string | undefined {
  return ts.isExportAssignment(node.parent) && !node.parent.isExportEquals ? 'default' : undefined;
}

/** `create()` and `new Client()` in a package path name the member they call. */
function plainMember(member: string): string {
  return member.replace(/^new /, '').replace(/\(\)$/, '');
}

function withoutExtension(file: string): string {
  return file.replace(/\.(?:d\.)?[cm]?[jt]sx?$/, '');
}

/** `src/db` names src/db.ts and src/db/index.ts. */
function sameModule(file: string, module: string): boolean {
  return file === module || file === `${module}/index`;
}

function endsWith(path: readonly string[], suffix: readonly string[]): boolean {
  return suffix.length > 0 && suffix.length <= path.length && suffix.every((part, index) => path[path.length - suffix.length + index] === part);
}

/** How the code names a function where it is declared: `run`, `Db.run` (a method), `db.run` (an object's property). */
function declaredPath(node: ts.Node): string[] {
  const own = ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isFunctionExpression(node) ? node.name && propertyNameText(node.name as ts.PropertyName) : undefined;
  const parent = node.parent;
  if (ts.isMethodDeclaration(node) || ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && ts.isPropertyDeclaration(parent))) {
    const name = ts.isMethodDeclaration(node) ? own : propertyNameText((parent as ts.PropertyDeclaration).name);
    const owner = ts.isMethodDeclaration(node) ? parent : parent.parent;
    if (owner && ts.isClassLike(owner)) return [...(owner.name ? [owner.name.text] : []), ...(name ? [name] : [])];
    if (owner && ts.isObjectLiteralExpression(owner)) return [...objectOwnerPath(owner), ...(name ? [name] : [])];
  }
  if ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return [parent.name.text];
  if ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && ts.isPropertyAssignment(parent) && ts.isObjectLiteralExpression(parent.parent)) {
    const name = propertyNameText(parent.name);
    return [...objectOwnerPath(parent.parent), ...(name ? [name] : [])];
  }
  return own ? [own] : [];
}

/** `export const db = { run() {} }` -> [db]. */
function objectOwnerPath(object: ts.ObjectLiteralExpression): string[] {
  const holder = skipParents(object);
  return holder && ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name) ? [holder.name.text] : [];
}

function skipParents(node: ts.Node): ts.Node | undefined {
  let current = node.parent;
  while (current && (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isSatisfiesExpression(current))) current = current.parent;
  return current;
}
