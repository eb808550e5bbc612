/**
 * What a name holds when the code says so only through declared types: a set-up function given the
 * app's service container as a typed parameter (`(...[router, { queries }]: RouterInitArgs)`,
 * `(app: App, deps: Dependencies)`), which it destructures (`const { users: { deleteUserById } } = queries`)
 * and calls. The parameter's type names a project class, interface or tuple; a class field initialised
 * by a factory (`users = createUserQueries(this.pool)`) holds what the factory returns. Followed as far
 * as the declarations go: a type the project does not declare ends the walk.
 */
import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../types.js';
import { propertyNameText, skipOuterExpressions } from '../ast/syntax.js';
import { localBinding } from './locals.js';
import type { ModuleIndex } from './module-index.js';

/** A value as an expression (or class) written in the project, or what a declared type says it is. */
export type Held = { kind: 'value'; node: ts.Node; file: ScannedSourceFile } | { kind: 'type'; node: ts.TypeNode | ts.ClassLikeDeclaration | ts.InterfaceDeclaration; file: ScannedSourceFile };

type Step = string | number;

/** TypeScript's own utility types that keep the shape of their argument. */
const SHAPE_KEEPING = new Set(['Readonly', 'Partial', 'Required', 'NonNullable', 'Awaited']);
const MAX_STEPS = 12;

/**
 * What a name bound by destructuring a typed parameter holds (`queries` in `const [router, { queries }] = args`
 * with `...args: RouterInitArgs<T>`), or a parameter declared with a project type; undefined for anything else.
 */
export function heldByName(modules: ModuleIndex, file: ScannedSourceFile, identifier: ts.Identifier, depth = 0): Held | undefined {
  if (depth > 4) return undefined;
  const binding = localBinding(identifier);
  if (!binding) return undefined;
  const path = patternPath(binding.name, identifier.text);
  if (!path) return undefined;
  let held: Held | undefined;
  const steps = path;
  if (ts.isParameter(binding)) {
    if (!binding.type) return undefined;
    held = { kind: 'type', node: binding.type, file };
  } else {
    const initializer = binding.initializer && skipOuterExpressions(binding.initializer);
    // Only destructuring of a name is followed here (`const { users } = queries`); a plain local is the callers' own business.
    if (!initializer || !ts.isIdentifier(initializer) || path.length === 0) return undefined;
    held = heldByName(modules, file, initializer, depth + 1);
  }
  for (const step of steps) {
    if (!held) return undefined;
    held = stepInto(modules, held, step, 0);
  }
  return held;
}

/**
 * The holder a destructured name was taken from and its key: for `deleteUserById` in
 * `const { users: { deleteUserById } } = queries`, what `queries.users` holds and `'deleteUserById'`.
 */
export function destructuredFrom(modules: ModuleIndex, file: ScannedSourceFile, identifier: ts.Identifier): { owner: Held; key: string } | undefined {
  const binding = localBinding(identifier);
  if (!binding) return undefined;
  const path = patternPath(binding.name, identifier.text);
  const key = path?.at(-1);
  if (!path || typeof key !== 'string') return undefined;
  let owner: Held | undefined;
  if (ts.isParameter(binding)) owner = binding.type ? { kind: 'type', node: binding.type, file } : undefined;
  else {
    const initializer = binding.initializer && skipOuterExpressions(binding.initializer);
    owner = initializer && ts.isIdentifier(initializer) ? heldByName(modules, file, initializer) : undefined;
  }
  for (const step of path.slice(0, -1)) {
    if (!owner) return undefined;
    owner = stepInto(modules, owner, step, 0);
  }
  return owner ? { owner, key } : undefined;
}

/** The node memberOf reads for a held value: an expression or class as written, or the class a type names. */
export function heldContainer(modules: ModuleIndex, held: Held): { file: ScannedSourceFile; node: ts.Node } | undefined {
  if (held.kind === 'value') return { file: held.file, node: held.node };
  const resolved = resolveType(modules, held, 0);
  return resolved && ts.isClassLike(resolved.node) ? { file: resolved.file, node: resolved.node } : undefined;
}

/** What a held value's member (or element) holds. */
export function stepInto(modules: ModuleIndex, held: Held, step: Step, depth: number): Held | undefined {
  if (depth > MAX_STEPS) return undefined;
  if (held.kind === 'value') return valueStep(modules, held, step, depth);
  const resolved = resolveType(modules, held, depth);
  if (!resolved) return undefined;
  const { node, file } = resolved;
  if (ts.isClassLike(node)) return classMember(node, file, step);
  if (ts.isInterfaceDeclaration(node) || ts.isTypeLiteralNode(node)) {
    for (const member of node.members) {
      if (ts.isPropertySignature(member) && member.type && propertyNameText(member.name) === String(step)) return { kind: 'type', node: member.type, file };
    }
    return undefined;
  }
  if (ts.isTupleTypeNode(node) && typeof step === 'number') {
    const element = node.elements[step];
    if (!element) return undefined;
    return { kind: 'type', node: ts.isNamedTupleMember(element) ? element.type : element, file };
  }
  if (ts.isIntersectionTypeNode(node)) {
    for (const part of node.types) {
      const found = stepInto(modules, { kind: 'type', node: part, file }, step, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * A type as the declaration it names: aliases and shape-keeping utility types opened, `Parameters<F>` as
 * the tuple of F's parameter types. A class or interface, a type literal, a tuple; undefined otherwise.
 */
function resolveType(modules: ModuleIndex, held: Held & { kind: 'type' }, depth: number): { node: ts.Node; file: ScannedSourceFile } | undefined {
  let node: ts.Node = held.node;
  let file = held.file;
  for (let hop = 0; hop < MAX_STEPS - depth; hop++) {
    if (ts.isParenthesizedTypeNode(node) || ts.isTypeOperatorNode(node)) {
      node = node.type;
      continue;
    }
    if (ts.isTypeAliasDeclaration(node)) {
      node = node.type;
      continue;
    }
    if (!ts.isTypeReferenceNode(node)) return { node, file };
    const name = ts.isIdentifier(node.typeName) ? node.typeName.text : undefined;
    if (!name) return undefined;
    const argument = node.typeArguments?.[0];
    if (SHAPE_KEEPING.has(name) && argument) {
      node = argument;
      continue;
    }
    if (name === 'Parameters' && argument) {
      const fn = resolveType(modules, { kind: 'type', node: argument, file }, depth + 1);
      if (!fn || !ts.isFunctionTypeNode(fn.node)) return undefined;
      const parameters = fn.node.parameters;
      // The tuple is read by position; a synthetic tuple of the parameters' types.
      return { node: ts.factory.createTupleTypeNode(parameters.map((parameter) => parameter.type ?? ts.factory.createKeywordTypeNode(ts.SyntaxKind.UnknownKeyword))), file: fn.file };
    }
    const declared = typeDeclaration(modules, file, name);
    if (!declared) return undefined;
    node = declared.node;
    file = declared.file;
    if (ts.isClassLike(node) || ts.isInterfaceDeclaration(node)) return { node, file };
  }
  return undefined;
}

/** A class, interface or type alias the project declares under a name, in the file or imported into it. */
function typeDeclaration(modules: ModuleIndex, file: ScannedSourceFile, name: string, hops = 0): { node: ts.Node; file: ScannedSourceFile } | undefined {
  if (hops > 4) return undefined;
  for (const statement of file.sourceFile.statements) {
    if ((ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) && statement.name?.text === name) return { node: statement, file };
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const clause = statement.importClause;
    const imported = clause?.name?.text === name ? 'default' : clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements.find((element) => element.name.text === name) : undefined;
    if (!imported) continue;
    const target = modules.resolveImport(file, statement.moduleSpecifier.text);
    if (!target) return undefined;
    const exportName = imported === 'default' ? 'default' : (imported.propertyName ?? imported.name).text;
    return exportedType(modules, target, exportName, hops + 1);
  }
  return undefined;
}

function exportedType(modules: ModuleIndex, file: ScannedSourceFile, exportName: string, hops: number): { node: ts.Node; file: ScannedSourceFile } | undefined {
  for (const statement of file.sourceFile.statements) {
    if (ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) {
      const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
      const exported = modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
      const isDefault = modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.DefaultKeyword);
      if (exported && (isDefault ? exportName === 'default' : statement.name?.text === exportName)) return { node: statement, file };
    }
    // `export default Queries;` or `export { Queries as default }` of a local declaration.
    if (ts.isExportAssignment(statement) && exportName === 'default' && ts.isIdentifier(statement.expression)) return typeDeclaration(modules, file, statement.expression.text, hops + 1);
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      const element = statement.exportClause.elements.find((candidate) => candidate.name.text === exportName);
      if (!element) continue;
      const local = (element.propertyName ?? element.name).text;
      if (statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
        const target = modules.resolveImport(file, statement.moduleSpecifier.text);
        return target ? exportedType(modules, target, local, hops + 1) : undefined;
      }
      return typeDeclaration(modules, file, local, hops + 1);
    }
  }
  return undefined;
}

/** A class's field: its initializer as written (`users = createUserQueries(this.pool)`), else its declared type. */
function classMember(classNode: ts.ClassLikeDeclaration, file: ScannedSourceFile, step: Step): Held | undefined {
  for (const member of classNode.members) {
    if (ts.isPropertyDeclaration(member) && propertyNameText(member.name) === String(step)) {
      if (member.initializer) return { kind: 'value', node: skipOuterExpressions(member.initializer), file };
      if (member.type) return { kind: 'type', node: member.type, file };
      return undefined;
    }
    // `constructor(public readonly queries: Queries)`: a parameter property.
    if (ts.isConstructorDeclaration(member)) {
      for (const parameter of member.parameters) {
        if (ts.isIdentifier(parameter.name) && parameter.name.text === String(step) && parameter.type && ts.getModifiers(parameter)?.length) return { kind: 'type', node: parameter.type, file };
      }
    }
  }
  return undefined;
}

/** A value's member: an object literal's property, a class's field; a `new` of a project class is its instance type. */
function valueStep(modules: ModuleIndex, held: Held & { kind: 'value' }, step: Step, depth: number): Held | undefined {
  const node = held.node;
  if (ts.isObjectLiteralExpression(node)) {
    for (const property of node.properties) {
      if (ts.isPropertyAssignment(property) && propertyNameText(property.name) === String(step)) return { kind: 'value', node: skipOuterExpressions(property.initializer), file: held.file };
    }
    return undefined;
  }
  if (ts.isNewExpression(node) && ts.isIdentifier(node.expression)) {
    const declared = typeDeclaration(modules, held.file, node.expression.text);
    return declared && ts.isClassLike(declared.node) ? classMember(declared.node, declared.file, step) : undefined;
  }
  if (ts.isClassLike(node)) return classMember(node, held.file, step);
  void depth;
  return undefined;
}

/**
 * The keys that lead from a declaration's value to a name it binds: `['users', 'deleteUserById']` for
 * `{ users: { deleteUserById } }`, `[1, 'queries']` for `[router, { queries }]`; `[]` for a plain name.
 */
function patternPath(name: ts.BindingName, text: string): Step[] | undefined {
  if (ts.isIdentifier(name)) return name.text === text ? [] : undefined;
  if (ts.isObjectBindingPattern(name)) {
    for (const element of name.elements) {
      if (element.dotDotDotToken) continue;
      const key = element.propertyName ? propertyNameText(element.propertyName) : ts.isIdentifier(element.name) ? element.name.text : undefined;
      const inner = patternPath(element.name, text);
      if (inner && key !== undefined) return [key, ...inner];
    }
    return undefined;
  }
  for (const [index, element] of name.elements.entries()) {
    if (ts.isOmittedExpression(element) || element.dotDotDotToken) continue;
    const inner = patternPath(element.name, text);
    if (inner) return [index, ...inner];
  }
  return undefined;
}
