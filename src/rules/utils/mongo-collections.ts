import { ts } from '#typescript';
import { skipOuterExpressions } from '../../engine/ast/syntax.js';
import type { ScannedSourceFile } from '../../types.js';
import type { RuleContext } from '../../engine/rule-api.js';
import { importedValue } from '../../engine/names/index.js';
import { localDeclaration } from './tainted-sink.js';
import { escapeRegExp } from '../../engine/text.js';
import { MONGO_COLLECTION_METHOD, MONGO_DEPENDENCY_PACKAGES, MONGO_INJECT_DECORATORS, MONGO_MODEL_FACTORIES, MONGO_MODEL_TYPES, MONGO_PACKAGES, MONGOOSE_QUERY_CHAIN } from '../../models/nosql.js';

// The packages, model types, factories and decorators, and the query chain: models/nosql.ts.
const MONGO_PACKAGE_NAMES: ReadonlySet<string> = new Set(MONGO_PACKAGES);
const anyOf = (names: readonly string[]) => names.map(escapeRegExp).join('|');
const MONGO_IMPORT = new RegExp(`(?:from\\s+|require\\(\\s*|import\\(\\s*)['"](?:${anyOf(MONGO_PACKAGES)})['"]`);
const MONGO_DEPENDENCY = new RegExp(`"(?:${anyOf(MONGO_DEPENDENCY_PACKAGES)})"\\s*:`);
const MODEL_TYPE = new RegExp(`\\b(?:${anyOf(MONGO_MODEL_TYPES)})\\s*<`);
const INJECT_DECORATOR = new RegExp(`^(?:${anyOf(MONGO_INJECT_DECORATORS)})\\b`);
const MAX_HOPS = 6;

/** What a receiver is, for messages: `mongoose model User`, `collection orders`. */
export interface MongoTarget {
  kind: 'model' | 'collection';
  name: string;
}

/**
 * Whether `receiver` (of `receiver.find(...)`) is a mongoose/typegoose model or a MongoDB-like
 * collection (driver, marsdb, nedb, monk), recognised by where the value comes from: a
 * `model()`/`getModelForClass()`/`new Collection()` call in a file that imports one of those
 * packages, `db.collection('x')`, or a field/parameter typed `Model<...>` or injected with
 * `@InjectModel`, through imports, namespace imports and local aliases.
 */
export function mongoTarget(ctx: RuleContext, file: ScannedSourceFile, receiver: ts.Expression, hops = 0): MongoTarget | undefined {
  if (hops > MAX_HOPS) return undefined;
  const value = skipOuterExpressions(receiver);
  const modules = ctx.modules;
  if (ts.isCallExpression(value)) {
    const callee = skipOuterExpressions(value.expression);
    const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
    const firstText = value.arguments[0] && ts.isStringLiteralLike(value.arguments[0]) ? value.arguments[0].text : undefined;
    if (method === MONGO_COLLECTION_METHOD && ts.isPropertyAccessExpression(callee) && projectUsesMongo(ctx)) return { kind: 'collection', name: firstText ?? 'collection' };
    if (MONGO_MODEL_FACTORIES.includes(method) && importsMongo(file)) return { kind: 'model', name: firstText ?? modelNameOf(value) };
    if (MONGOOSE_QUERY_CHAIN.has(method) && ts.isPropertyAccessExpression(callee)) return mongoTarget(ctx, file, callee.expression, hops + 1);
    return undefined;
  }
  if (ts.isNewExpression(value)) {
    const imported = importedValue(modules, file, value.expression);
    if (imported && MONGO_PACKAGE_NAMES.has(imported.module)) {
      const first = value.arguments?.[0];
      return { kind: 'collection', name: first && ts.isStringLiteralLike(first) ? first.text : imported.name };
    }
    return undefined;
  }
  if (ts.isIdentifier(value)) return identifierTarget(ctx, file, value, hops);
  if (ts.isPropertyAccessExpression(value)) {
    const base = skipOuterExpressions(value.expression);
    if (base.kind === ts.SyntaxKind.ThisKeyword) return fieldTarget(ctx, file, value);
    if (ts.isIdentifier(base)) {
      const imported = importedValue(modules, file, value);
      // mongoose.models.User, mongoose.connection.collection(...)
      if (imported && MONGO_PACKAGE_NAMES.has(imported.module)) return { kind: 'model', name: value.name.text };
      const binding = modules.resolveName(file, base.text);
      // import * as db from '../data/mongodb'; db.reviewsCollection
      if (binding?.kind === 'namespace') return exportTarget(ctx, binding.file, value.name.text, hops);
      if (binding?.kind === 'declaration' && ts.isVariableDeclaration(binding.node) && binding.node.initializer) {
        // const models = { User: model('User', schema) } / module.exports = { User }
        const object = skipOuterExpressions(binding.node.initializer);
        if (ts.isObjectLiteralExpression(object)) return propertyTarget(ctx, binding.file, object, value.name.text, hops);
      }
    }
  }
  return undefined;
}

function identifierTarget(ctx: RuleContext, file: ScannedSourceFile, identifier: ts.Identifier, hops: number): MongoTarget | undefined {
  const local = localDeclaration(identifier);
  if (local) {
    if (local.type && MODEL_TYPE.test(local.type.getText())) return { kind: 'model', name: identifier.text };
    return local.initializer && ts.isIdentifier(local.name) ? mongoTarget(ctx, file, local.initializer, hops + 1) : undefined;
  }
  const parameter = enclosingParameter(identifier);
  if (parameter) return parameter.type && MODEL_TYPE.test(parameter.type.getText()) ? { kind: 'model', name: identifier.text } : undefined;
  const binding = ctx.modules.resolveName(file, identifier.text);
  if (!binding) return undefined;
  if (binding.kind === 'external') return MONGO_PACKAGE_NAMES.has(binding.module) ? { kind: 'model', name: identifier.text } : undefined;
  if (binding.kind !== 'declaration') return undefined;
  return declarationTarget(ctx, binding.file, binding.node, identifier.text, hops);
}

function declarationTarget(ctx: RuleContext, file: ScannedSourceFile, node: ts.Node, name: string, hops: number): MongoTarget | undefined {
  if (ts.isVariableDeclaration(node)) {
    if (node.type && MODEL_TYPE.test(node.type.getText())) return { kind: 'model', name };
    return node.initializer && ts.isIdentifier(node.name) ? mongoTarget(ctx, file, node.initializer, hops + 1) : undefined;
  }
  // `export default model('User', schema)` and other exported expressions.
  if (ts.isExpression(node)) return mongoTarget(ctx, file, node, hops + 1);
  return undefined;
}

function exportTarget(ctx: RuleContext, file: ScannedSourceFile, exportName: string, hops: number): MongoTarget | undefined {
  const binding = ctx.modules.resolveExport(file, exportName);
  if (binding?.kind === 'external') return MONGO_PACKAGE_NAMES.has(binding.module) ? { kind: 'model', name: exportName } : undefined;
  return binding?.kind === 'declaration' ? declarationTarget(ctx, binding.file, binding.node, exportName, hops + 1) : undefined;
}

function propertyTarget(ctx: RuleContext, file: ScannedSourceFile, object: ts.ObjectLiteralExpression, key: string, hops: number): MongoTarget | undefined {
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property) && ts.isIdentifier(property.name) && property.name.text === key) return mongoTarget(ctx, file, property.initializer, hops + 1);
    if (ts.isShorthandPropertyAssignment(property) && property.name.text === key) return mongoTarget(ctx, file, property.name, hops + 1);
  }
  return undefined;
}

/** `this.userModel`: a constructor parameter or property typed Model<...>, injected @InjectModel, or initialised with a model. */
function fieldTarget(ctx: RuleContext, file: ScannedSourceFile, access: ts.PropertyAccessExpression): MongoTarget | undefined {
  const name = access.name.text;
  let classNode: ts.Node | undefined = access.parent;
  while (classNode && !ts.isClassDeclaration(classNode) && !ts.isClassExpression(classNode)) classNode = classNode.parent;
  if (!classNode) return undefined;
  for (const member of (classNode as ts.ClassLikeDeclaration).members) {
    const candidates: Array<ts.ParameterDeclaration | ts.PropertyDeclaration> = ts.isConstructorDeclaration(member) ? [...member.parameters] : ts.isPropertyDeclaration(member) ? [member] : [];
    for (const candidate of candidates) {
      if (!ts.isIdentifier(candidate.name) || candidate.name.text !== name) continue;
      const decorated = ts.getDecorators(candidate)?.some((decorator) => INJECT_DECORATOR.test(decorator.expression.getText()));
      if (decorated || (candidate.type && MODEL_TYPE.test(candidate.type.getText()))) return { kind: 'model', name: modelFieldName(name) };
      if (candidate.initializer) return mongoTarget(ctx, file, candidate.initializer, 1);
    }
  }
  return undefined;
}

function enclosingParameter(identifier: ts.Identifier): ts.ParameterDeclaration | undefined {
  for (let node: ts.Node | undefined = identifier.parent; node; node = node.parent) {
    if (ts.isFunctionLike(node)) {
      const parameter = node.parameters.find((candidate) => ts.isIdentifier(candidate.name) && candidate.name.text === identifier.text);
      if (parameter) return parameter;
    }
  }
  return undefined;
}

function modelFieldName(field: string): string {
  return field.replace(/(?:Model|Collection)$/, '') || field;
}

function modelNameOf(call: ts.CallExpression): string {
  const first = call.arguments[0];
  return first && ts.isIdentifier(first) ? first.text : 'model';
}

const importsMongoCache = new WeakMap<ScannedSourceFile, boolean>();

/** The file imports or requires a MongoDB-style package (where a `model()` call means a mongoose model). */
export function importsMongo(file: ScannedSourceFile): boolean {
  let known = importsMongoCache.get(file);
  if (known === undefined) {
    known = MONGO_IMPORT.test(file.text);
    importsMongoCache.set(file, known);
  }
  return known;
}

const projectCache = new WeakMap<readonly unknown[], boolean>();

/** A package.json of the scan depends on a MongoDB-style package, or some file imports one. */
export function projectUsesMongo(ctx: RuleContext): boolean {
  let known = projectCache.get(ctx.sourceFiles);
  if (known === undefined) {
    known =
      ctx.textFiles.some((file) => /(?:^|\/)package\.json$/.test(file.path) && MONGO_DEPENDENCY.test(file.text)) ||
      ctx.sourceFiles.some((file) => importsMongo(file));
    projectCache.set(ctx.sourceFiles, known);
  }
  return known;
}
