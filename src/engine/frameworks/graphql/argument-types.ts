/**
 * What a GraphQL field's declared argument types guarantee: the server validates every argument
 * against the schema before the resolver runs, so an `Int`, `Float`, `Boolean` or enum argument (or
 * a list of them) holds no text the client chose. `ID`, `String` and custom scalars stay free text.
 *
 * Read from code-first graphql-js field configs (`{ type, args: { kind: { type: GraphQLKind } }, resolve }`,
 * with spreads of shared argument objects and `omit`/`pick` of them), from Pothos field options
 * (`args: { limit: t.arg.int(), kind: t.arg({ type: KindEnum }) }`) and from SDL argument lists
 * (`transactions(kind: TransactionKind, limit: Int)`, with the schema's `enum` names).
 */
import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { propertyNameText, propertyValue, skipOuterExpressions } from '../../ast/syntax.js';
import { bindingValue, importedValue, type ModuleIndex } from '../../names/index.js';
import type { ValidatedField } from '../../routes/route.js';
import { GRAPHQL_JS_CONSTRAINED_SCALARS, GRAPHQL_JS_PACKAGES, GRAPHQL_JS_TYPE_WRAPPERS, OBJECT_KEY_SUBSETTERS, SDL_CONSTRAINED_SCALARS } from './graphql-models.js';

const MAX_DEPTH = 6;

export interface ObjectAt {
  node: ts.ObjectLiteralExpression;
  file: ScannedSourceFile;
}

/** Finds the object literal an expression is (inline, a local or imported name, `owner.member`). */
export type ObjectResolver = (file: ScannedSourceFile, expression: ts.Expression) => ObjectAt | undefined;

/** The constrained arguments of a code-first field config (`{ type, args, resolve }`). */
export function codeFirstTypedArguments(modules: ModuleIndex, objectOf: ObjectResolver, config: ObjectAt): ValidatedField[] {
  const args = propertyValue(config.node, 'args');
  if (!args) return [];
  const typed = new Map<string, ValidatedField>();
  collectArguments(modules, objectOf, config.file, args, typed, 0);
  return [...typed.values()];
}

function collectArguments(modules: ModuleIndex, objectOf: ObjectResolver, file: ScannedSourceFile, expression: ts.Expression, typed: Map<string, ValidatedField>, depth: number): void {
  if (depth > MAX_DEPTH) return;
  const value = skipOuterExpressions(expression);
  // `...omit(CollectionArgs, ['account'])`: the keys it keeps are declared as in the object it copies.
  if (ts.isCallExpression(value) && value.arguments[0] && OBJECT_KEY_SUBSETTERS.has(value.expression.getText(file.sourceFile))) {
    collectArguments(modules, objectOf, file, value.arguments[0], typed, depth + 1);
    return;
  }
  const object = objectOf(file, value);
  if (!object) return;
  for (const property of object.node.properties) {
    if (ts.isSpreadAssignment(property)) {
      collectArguments(modules, objectOf, object.file, property.expression, typed, depth + 1);
      continue;
    }
    const name = property.name && propertyNameText(property.name);
    if (!name) continue;
    const argumentConfig = ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
    const restricted = argumentConfig && argumentType(modules, objectOf, object.file, argumentConfig, depth + 1);
    // A later declaration of the same name replaces an earlier one (object spread order).
    if (restricted) typed.set(name, { part: 'args', field: name, restricted });
    else typed.delete(name);
  }
}

/** `{ type: new GraphQLNonNull(GraphQLKind), description }`, or a shared config (`{ ...CollectionArgs.limit, defaultValue: 100 }`). */
function argumentType(modules: ModuleIndex, objectOf: ObjectResolver, file: ScannedSourceFile, expression: ts.Expression, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const config = objectOf(file, expression);
  if (!config) return undefined;
  const type = propertyValue(config.node, 'type');
  if (type) return constrainedType(modules, config.file, type, 0);
  const spread = [...config.node.properties].reverse().find(ts.isSpreadAssignment);
  return spread ? argumentType(modules, objectOf, config.file, spread.expression, depth + 1) : undefined;
}

/** Why a graphql-js type admits no free text (`Int`, `enum GraphQLKind`), else undefined. */
function constrainedType(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const value = skipOuterExpressions(expression);
  if ((ts.isNewExpression(value) || ts.isCallExpression(value)) && value.arguments?.[0]) {
    const wrapper = importedValue(modules, file, value.expression);
    if (wrapper && GRAPHQL_JS_PACKAGES.includes(wrapper.module) && GRAPHQL_JS_TYPE_WRAPPERS.has(wrapper.name)) return constrainedType(modules, file, value.arguments[0], depth + 1);
    if (ts.isNewExpression(value) && wrapper && GRAPHQL_JS_PACKAGES.includes(wrapper.module) && wrapper.name === 'GraphQLEnumType') return `enum ${enumName(value) ?? 'type'}`;
    return undefined;
  }
  if (!ts.isIdentifier(value) && !ts.isPropertyAccessExpression(value)) return undefined;
  const imported = importedValue(modules, file, value);
  if (imported && GRAPHQL_JS_PACKAGES.includes(imported.module)) return GRAPHQL_JS_CONSTRAINED_SCALARS[imported.name];
  if (!ts.isIdentifier(value)) return undefined;
  const binding = modules.resolveName(file, value.text);
  const target = bindingValue(binding);
  if (binding?.kind !== 'declaration' || !target || target === value || !ts.isExpression(target)) return undefined;
  return constrainedType(modules, binding.file, target, depth + 1);
}

function enumName(construction: ts.NewExpression): string | undefined {
  const options = construction.arguments?.[0] && skipOuterExpressions(construction.arguments[0]);
  const name = options && ts.isObjectLiteralExpression(options) ? propertyValue(options, 'name') : undefined;
  return name && ts.isStringLiteralLike(name) ? name.text : undefined;
}

/**
 * The constrained arguments of an SDL field's argument list as written between its parentheses
 * (`kind: TransactionKind = CREDIT, limit: Int!`), given the schema's enum names.
 */
export function sdlTypedArguments(argumentList: string, enumNames: ReadonlySet<string>): ValidatedField[] {
  const typed: ValidatedField[] = [];
  // Descriptions may hold anything: blanked before `name: Type` pairs are read.
  const text = argumentList.replace(/"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"/g, (quoted) => ' '.repeat(quoted.length));
  const declaration = /(?:^|[\s,(])([A-Za-z_]\w*)\s*:\s*(\[?)\s*([A-Za-z_]\w*)/g;
  for (let match = declaration.exec(text); match; match = declaration.exec(text)) {
    const [, name, , type] = match;
    if (SDL_CONSTRAINED_SCALARS.has(type!)) typed.push({ part: 'args', field: name!, restricted: type! });
    else if (enumNames.has(type!)) typed.push({ part: 'args', field: name!, restricted: `enum ${type}` });
  }
  return typed;
}

/** Pothos argument makers that admit no free text (`t.arg.int()`, `t.arg.booleanList()`) and the scalar each is. */
const POTHOS_CONSTRAINED_ARGS: Readonly<Record<string, string>> = { int: 'Int', float: 'Float', boolean: 'Boolean', intList: 'Int', floatList: 'Float', booleanList: 'Boolean' };

/**
 * The constrained arguments of a Pothos field's options: `t.arg.int()`, `t.arg({ type: 'Int' })`,
 * `t.arg({ type: SortOrder })` where `SortOrder = builder.enumType(...)` (or a TypeScript enum given to it).
 */
export function pothosTypedArguments(modules: ModuleIndex, objectOf: ObjectResolver, options: ObjectAt): ValidatedField[] {
  const args = propertyValue(options.node, 'args');
  const object = args && objectOf(options.file, args);
  if (!object) return [];
  const typed: ValidatedField[] = [];
  for (const property of object.node.properties) {
    const name = property.name && propertyNameText(property.name);
    const value = ts.isPropertyAssignment(property) ? skipOuterExpressions(property.initializer) : undefined;
    if (!name || !value || !ts.isCallExpression(value)) continue;
    const callee = skipOuterExpressions(value.expression);
    // `t.arg.int()`: the maker names the scalar.
    if (ts.isPropertyAccessExpression(callee) && ts.isPropertyAccessExpression(callee.expression) && callee.expression.name.text === 'arg') {
      const scalar = POTHOS_CONSTRAINED_ARGS[callee.name.text];
      if (scalar) typed.push({ part: 'args', field: name, restricted: scalar });
      continue;
    }
    // `t.arg({ type: 'Int' })`, `t.arg({ type: [SortOrder] })`.
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'arg') continue;
    const argumentOptions = value.arguments[0] && objectOf(object.file, value.arguments[0]);
    let type = argumentOptions && propertyValue(argumentOptions.node, 'type');
    if (type && ts.isArrayLiteralExpression(skipOuterExpressions(type))) type = (skipOuterExpressions(type) as ts.ArrayLiteralExpression).elements[0];
    const restricted = type && argumentOptions && pothosArgumentType(modules, argumentOptions.file, type, 0);
    if (restricted) typed.push({ part: 'args', field: name, restricted });
  }
  return typed;
}

function pothosArgumentType(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression, depth: number): string | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isStringLiteralLike(value)) return SDL_CONSTRAINED_SCALARS.has(value.text) ? value.text : undefined;
  if (depth > MAX_DEPTH || !ts.isIdentifier(value)) return undefined;
  const binding = modules.resolveName(file, value.text);
  if (binding?.kind !== 'declaration') return undefined;
  // A TypeScript enum handed to Pothos (`t.arg({ type: Role })` after `builder.enumType(Role, ...)`).
  if (ts.isEnumDeclaration(binding.node)) return `enum ${binding.node.name.text}`;
  const target = bindingValue(binding);
  if (!target || target === value || !ts.isExpression(target)) return undefined;
  const made = skipOuterExpressions(target);
  if (ts.isCallExpression(made) && ts.isPropertyAccessExpression(skipOuterExpressions(made.expression)) && (skipOuterExpressions(made.expression) as ts.PropertyAccessExpression).name.text === 'enumType') {
    const enumName = made.arguments[0] && ts.isStringLiteralLike(made.arguments[0]) ? made.arguments[0].text : value.text;
    return `enum ${enumName}`;
  }
  return pothosArgumentType(modules, binding.file, made, depth + 1);
}
