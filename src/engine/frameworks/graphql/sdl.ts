/**
 * Schema-first GraphQL (SDL): what the type definitions say about each field, read from `.graphql`
 * files and from `gql`/`graphql` tagged templates (and templates marked `/* GraphQL *\/`).
 *
 * Two things matter to the route model:
 * - directives on a field or its type (`update(id: Int!): User @auth(requires: ["manage:users"])`,
 *   `type AdminMutation @hasRole(role: ADMIN) {...}`): the schema's own access control, run by a
 *   directive implementation before the resolver;
 * - namespace types (`extend type Mutation { users: UserMutation }`): the fields of `UserMutation`
 *   are mutations reached through `Mutation.users`, not field resolvers of an object.
 *
 * The reader is a small scanner, not a GraphQL parser: it skips comments, descriptions and argument
 * lists by balance, and reads `name(args): Type @directive(args)` field by field. Anything it cannot
 * read is left out (no directive is invented).
 */
import path from 'node:path';
import { ts } from '#typescript';
import type { ScannedSourceFile, ScannedTextFile } from '../../../types.js';
import type { Operation } from '../../routes/route.js';
import { nodesOfKind } from '../../ast/file-index.js';
import type { ValidatedField } from '../../routes/route.js';
import { sdlTypedArguments } from './argument-types.js';
import { ROOT_OPERATION_TYPES } from './graphql-models.js';

export interface SdlDirective {
  name: string;
  /** The argument list as written, without its parentheses (`requires: ["manage:users"]`), or ''. */
  args: string;
  file: string;
  line: number;
  column: number;
  /** Written on the type, so it applies to every field of it. */
  onType: boolean;
}

export interface SdlSchema {
  /**
   * The directives that apply to `Type.field`: the field's own, its type's, and for a namespace type
   * those of the root field that leads to it (`admin: AdminMutations @hasServerRole(role: ADMIN)`
   * runs before any of its fields).
   */
  directivesFor(typeName: string, field: string): SdlDirective[];
  /** `UserMutation` when a root type has a field of that type (`Mutation.users: UserMutation`): the root's operation. */
  namespaceOperation(typeName: string): Operation | undefined;
  /** True when the schema uses any directive on a type or field. */
  readonly hasDirectives: boolean;
  /** The names of the directives used on types and fields. */
  directiveNames(): string[];
  /** The arguments of `Type.field` whose declared type leaves the client no free text (argument-types.ts). */
  typedArgumentsFor(typeName: string, field: string): ValidatedField[];
  /** Each field of Query, Mutation and Subscription, by name, with its root type. */
  rootFields(): ReadonlyMap<string, string>;
}

/** Tags whose templates are schema text. */
const SDL_TAGS = new Set(['gql', 'graphql']);
/** How namespace types are named: `UserMutation`, `AdminQueries`, `BillingOps`. */
const NAMESPACE_TYPE = /[a-z0-9](?:Mutations?|Query|Queries|Subscriptions?|Namespace|Ops|Operations)$/;

interface FieldText {
  typeName: string;
  field: string;
  returnType: string;
  /** `list(limit: Int)`: the field takes arguments. */
  hasArgs: boolean;
  /** The argument list as written, without its parentheses, or ''. */
  argumentList: string;
  /** `[Order]`: the field returns a list. */
  returnsList: boolean;
  directives: SdlDirective[];
}

interface TypeText {
  typeName: string;
  directives: SdlDirective[];
  fields: FieldText[];
}

/** Positions in a schema text are mapped to the file it came from. */
interface SdlSource {
  file: string;
  /** The schema text, same length as the original span (substitutions blanked). */
  text: string;
  /** Where `text` starts in the file's full text. */
  offset: number;
  fileText: string;
}

export function readSdl(sourceFiles: readonly ScannedSourceFile[], textFiles: readonly ScannedTextFile[]): SdlSchema {
  const types: TypeText[] = [];
  const enumNames = new Set<string>();
  for (const source of sdlSources(sourceFiles, textFiles)) {
    types.push(...readTypes(source));
    for (const match of blankComments(source.text).matchAll(/\benum\s+([A-Za-z_]\w*)\s*(?:@[^{]*)?\{/g)) enumNames.add(match[1]!);
  }
  const typedArguments = new Map<string, ValidatedField[]>();
  const fieldDirectives = new Map<string, SdlDirective[]>();
  const typeDirectives = new Map<string, SdlDirective[]>();
  const defined = new Set(types.map((type) => type.typeName));
  const namespaces = new Map<string, Operation>();
  const entryDirectives = new Map<string, SdlDirective[]>();
  for (const type of types) {
    if (type.directives.length > 0) typeDirectives.set(type.typeName, [...(typeDirectives.get(type.typeName) ?? []), ...type.directives]);
    for (const field of type.fields) {
      const key = `${type.typeName}.${field.field}`;
      if (field.directives.length > 0) fieldDirectives.set(key, [...(fieldDirectives.get(key) ?? []), ...field.directives]);
      if (field.argumentList) typedArguments.set(key, sdlTypedArguments(field.argumentList, enumNames));
    }
    const operation = ROOT_OPERATION_TYPES[type.typeName];
    if (!operation) continue;
    for (const field of type.fields) {
      // `users: UserMutation`: a namespace object, reached without arguments, whose own fields are the operations.
      // `me: User` is data: only a type named as a group of operations is a namespace.
      const candidate = !field.hasArgs && !field.returnsList && NAMESPACE_TYPE.test(field.returnType) && defined.has(field.returnType) && !ROOT_OPERATION_TYPES[field.returnType];
      if (!candidate) continue;
      if (!namespaces.has(field.returnType)) namespaces.set(field.returnType, operation);
      if (field.directives.length > 0) entryDirectives.set(field.returnType, [...(entryDirectives.get(field.returnType) ?? []), ...field.directives]);
    }
  }
  return {
    directivesFor: (typeName, field) => [...(fieldDirectives.get(`${typeName}.${field}`) ?? []), ...(typeDirectives.get(typeName) ?? []), ...(entryDirectives.get(typeName) ?? []).map((directive) => ({ ...directive, onType: true }))],
    namespaceOperation: (typeName) => namespaces.get(typeName),
    hasDirectives: fieldDirectives.size > 0 || typeDirectives.size > 0,
    typedArgumentsFor: (typeName, field) => typedArguments.get(`${typeName}.${field}`) ?? [],
    rootFields: () => new Map(types.filter((type) => ROOT_OPERATION_TYPES[type.typeName]).flatMap((type) => type.fields.map((field) => [field.field, type.typeName] as const))),
    directiveNames: () => [...new Set([...fieldDirectives.values(), ...typeDirectives.values()].flat().map((directive) => directive.name))].sort(),
  };
}

function* sdlSources(sourceFiles: readonly ScannedSourceFile[], textFiles: readonly ScannedTextFile[]): Generator<SdlSource> {
  for (const file of textFiles) {
    if (file.kind === 'graphql') yield { file: file.path, text: file.text, offset: 0, fileText: file.text };
  }
  for (const file of sourceFiles) {
    if (!/\b(?:gql|graphql|GraphQL)\b/.test(file.text) || !/\btype\s+[A-Z]/.test(file.text)) continue;
    for (const kind of [ts.SyntaxKind.NoSubstitutionTemplateLiteral, ts.SyntaxKind.TemplateExpression]) {
      for (const node of nodesOfKind(file.sourceFile, kind)) {
        if (!isSchemaTemplate(node, file)) continue;
        const start = node.getStart(file.sourceFile) + 1;
        const end = node.getEnd() - 1;
        // `${fragment}` substitutions become blanks of the same length, so offsets still map to the file.
        const text = file.text.slice(start, end).replace(/\$\{[^}]*\}/g, (match) => ' '.repeat(match.length));
        yield { file: file.path, text, offset: start, fileText: file.text };
      }
    }
  }
}

/** gql`...`, graphql`...`, or a template right after a `/* GraphQL *\/` marker. */
function isSchemaTemplate(node: ts.Node, file: ScannedSourceFile): boolean {
  const parent = node.parent;
  if (ts.isTaggedTemplateExpression(parent) && parent.template === node) {
    const tag = parent.tag;
    const name = ts.isIdentifier(tag) ? tag.text : ts.isPropertyAccessExpression(tag) ? tag.name.text : '';
    return SDL_TAGS.has(name);
  }
  const before = file.text.slice(Math.max(0, node.getStart(file.sourceFile) - 20), node.getStart(file.sourceFile));
  return /\/\*\s*GraphQL\s*\*\/\s*$/.test(before);
}

/** Every `type`/`interface` block (extensions included) with its directives and fields. */
function readTypes(source: SdlSource): TypeText[] {
  const text = blankComments(source.text);
  const types: TypeText[] = [];
  const header = /\b(?:extend\s+)?(?:type|interface)\s+([A-Za-z_]\w*)/g;
  for (let match = header.exec(text); match; match = header.exec(text)) {
    const open = text.indexOf('{', header.lastIndex);
    if (open < 0) break;
    // Between the name and `{`: `implements Node`, and the type's directives.
    const between = text.slice(header.lastIndex, open);
    if (/[;}]/.test(between)) continue;
    const close = closingBrace(text, open);
    if (close < 0) break;
    const typeName = match[1]!;
    types.push({ typeName, directives: readDirectives(between, header.lastIndex, source, true), fields: readFields(text, open + 1, close, typeName, source) });
    header.lastIndex = close + 1;
  }
  return types;
}

/** `# ...` to the end of the line, blanked (descriptions in quotes are skipped while reading fields). */
function blankComments(text: string): string {
  let result = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '"') inString = !inString;
    if (char === '#' && !inString) {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      result += ' '.repeat(stop - i);
      i = stop - 1;
      continue;
    }
    if (char === '\n') inString = false;
    result += char;
  }
  return result;
}

function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const char = text[i];
    if (char === '"') i = skipString(text, i) - 1;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return i;
  }
  return -1;
}

/** The index after a `"..."` or `"""..."""` string starting at `start`. */
function skipString(text: string, start: number): number {
  if (text.startsWith('"""', start)) {
    const end = text.indexOf('"""', start + 3);
    return end < 0 ? text.length : end + 3;
  }
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"' || text[i] === '\n') return i + 1;
  }
  return text.length;
}

function skipBalanced(text: string, start: number, open: string, close: string): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (char === '"') i = skipString(text, i) - 1;
    else if (char === open) depth++;
    else if (char === close && --depth === 0) return i + 1;
  }
  return text.length;
}

const NAME = /[A-Za-z_]\w*/y;

function readFields(text: string, start: number, end: number, typeName: string, source: SdlSource): FieldText[] {
  const fields: FieldText[] = [];
  let i = start;
  const skipSpace = () => {
    while (i < end && /[\s,]/.test(text[i]!)) i++;
  };
  while (i < end) {
    skipSpace();
    if (i >= end) break;
    if (text[i] === '"') {
      i = skipString(text, i);
      continue;
    }
    NAME.lastIndex = i;
    const name = NAME.exec(text);
    if (!name) {
      i++;
      continue;
    }
    i = NAME.lastIndex;
    skipSpace();
    const hasArgs = text[i] === '(';
    const argumentsStart = i;
    if (hasArgs) i = skipBalanced(text, i, '(', ')');
    const argumentList = hasArgs ? text.slice(argumentsStart + 1, i - 1) : '';
    skipSpace();
    if (text[i] !== ':') continue;
    i++;
    skipSpace();
    const typeStart = i;
    while (i < end && /[[\s]/.test(text[i]!)) i++;
    const returnsList = text.slice(typeStart, i).includes('[');
    NAME.lastIndex = i;
    const returned = NAME.exec(text);
    if (!returned) continue;
    i = NAME.lastIndex;
    while (i < end && /[\]!\s]/.test(text[i]!) && text[i] !== '\n') i++;
    const directivesStart = i;
    // Directives follow the type, each `@name` with an optional argument list.
    for (;;) {
      let j = i;
      while (j < end && /\s/.test(text[j]!)) j++;
      if (text[j] !== '@') break;
      j++;
      NAME.lastIndex = j;
      if (!NAME.exec(text)) break;
      j = NAME.lastIndex;
      let k = j;
      while (k < end && /\s/.test(text[k]!)) k++;
      i = text[k] === '(' ? skipBalanced(text, k, '(', ')') : j;
    }
    fields.push({ typeName, field: name[0], returnType: returned[0], hasArgs, argumentList, returnsList, directives: readDirectives(text.slice(directivesStart, i), directivesStart, source, false) });
  }
  return fields;
}

function readDirectives(span: string, spanStart: number, source: SdlSource, onType: boolean): SdlDirective[] {
  const directives: SdlDirective[] = [];
  const directive = /@([A-Za-z_]\w*)/g;
  for (let match = directive.exec(span); match; match = directive.exec(span)) {
    let after = directive.lastIndex;
    while (after < span.length && /\s/.test(span[after]!)) after++;
    let args = '';
    if (span[after] === '(') {
      const close = skipBalanced(span, after, '(', ')');
      args = span.slice(after + 1, close - 1).replace(/\s+/g, ' ').trim();
      directive.lastIndex = close;
    }
    const { line, column } = lineAndColumn(source.fileText, source.offset + spanStart + match.index);
    directives.push({ name: match[1]!, args, file: source.file, line, column, onType });
  }
  return directives;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** `auth.js` for `@auth`, `AuthDirective` for `@auth`: names an implementation of a directive goes by. */
export function implementsDirective(directive: string, candidate: { className?: string; filePath: string }): boolean {
  const lower = directive.toLowerCase();
  const base = path.posix.basename(candidate.filePath).replace(/\.[^.]+$/, '').toLowerCase().replace(/[-_]?directive$/, '');
  const className = candidate.className?.toLowerCase().replace(/(?:schema)?directive(?:visitor)?$/, '');
  return base === lower || className === lower;
}

/** Where a schema directive is implemented, and whether that code turns callers away. */
export interface DirectiveImplementation {
  name: string;
  file: string;
  line: number;
  /** It throws (or returns an authentication or forbidden error) on some path: a guard, not a formatter. */
  rejects: boolean;
}

const REJECTS = /\bthrow\b|\b(?:AuthenticationError|ForbiddenError|UnauthorizedError|GraphQLError)\b/;

/**
 * The directive implementations of the project: graphql-tools v4 / Apollo 2 classes
 * (`class AuthDirective extends SchemaDirectiveVisitor`, matched by class or file name) and
 * graphql-tools v7+ transformers (`getDirective(schema, field, 'auth')`, the function around that call).
 */
export function directiveImplementations(sourceFiles: readonly ScannedSourceFile[], directiveNames: ReadonlySet<string>): Map<string, DirectiveImplementation> {
  const found = new Map<string, DirectiveImplementation>();
  const record = (name: string, file: ScannedSourceFile, node: ts.Node): void => {
    if (found.has(name)) return;
    found.set(name, { name: ts.isClassDeclaration(node) && node.name ? node.name.text : name, file: file.path, line: file.sourceFile.getLineAndCharacterOfPosition(node.getStart(file.sourceFile)).line + 1, rejects: REJECTS.test(node.getText(file.sourceFile)) });
  };
  for (const file of sourceFiles) {
    if (!/SchemaDirectiveVisitor|getDirectives?\s*\(/.test(file.text)) continue;
    for (const node of nodesOfKind(file.sourceFile, ts.SyntaxKind.ClassDeclaration)) {
      const declaration = node as ts.ClassDeclaration;
      const extendsVisitor = declaration.heritageClauses?.some((clause) => clause.types.some((type) => /SchemaDirectiveVisitor$/.test(type.expression.getText(file.sourceFile))));
      if (!extendsVisitor) continue;
      for (const name of directiveNames) {
        if (implementsDirective(name, { className: declaration.name?.text, filePath: file.path })) record(name, file, declaration);
      }
    }
    for (const node of nodesOfKind(file.sourceFile, ts.SyntaxKind.CallExpression)) {
      const call = node as ts.CallExpression;
      const callee = ts.isIdentifier(call.expression) ? call.expression.text : ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : '';
      if (callee !== 'getDirective' && callee !== 'getDirectives') continue;
      const named = call.arguments.find((argument) => ts.isStringLiteralLike(argument));
      if (!named || !ts.isStringLiteralLike(named) || !directiveNames.has(named.text)) continue;
      let around: ts.Node = call;
      while (around.parent && !ts.isSourceFile(around.parent) && !(ts.isFunctionDeclaration(around) || ts.isVariableStatement(around))) around = around.parent;
      record(named.text, file, around);
    }
  }
  return found;
}
