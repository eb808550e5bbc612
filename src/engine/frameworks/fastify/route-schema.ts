import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { bindingValue, localConstInitializer, type ModuleIndex, requiredModule } from '../../names/index.js';
import { objectLiteralFields, propertyValue, skipOuterExpressions } from '../../ast/syntax.js';
import type { ValidatedField } from '../../routes/route.js';
import { JSON_SCHEMA_NUMERIC_TYPES as NUMERIC_TYPES, JSON_SCHEMA_RESTRICTED_FORMATS as RESTRICTED_FORMATS, JSON_SCHEMA_SCALAR_TYPES as JSON_SCALAR_TYPES, SCALAR_SCHEMA_METHODS } from '../../../models/sanitizers.js';

/**
 * Reads a Fastify route `schema` (JSON schema objects, TypeBox, fluent-json-schema, or zod through
 * a type provider) into the fields it validates and whether each one can still carry free text.
 * Fastify compiles the schema with ajv (coerceTypes on, ajv-formats loaded) and answers 400 to a
 * request that does not match, so after validation `request.params.id` declared `integer` is a
 * number, an enum member is one of the listed constants, a `format: uuid` string is a UUID.
 */

const PARTS: Array<[string, ValidatedField['part']]> = [
  ['params', 'params'],
  ['querystring', 'query'],
  ['query', 'query'],
  ['body', 'body'],
  ['headers', 'headers'],
];

// Formats ajv-formats checks whose alphabet has no quote, slash, dot-dot, space or URL authority.

const TYPEBOX_MODULES = /^(?:@sinclair\/typebox|typebox|@fastify\/type-provider-typebox)(?:\/.*)?$/;
const FLUENT_MODULES = /^fluent-json-schema$/;
const ZOD_MODULES = /^(?:zod|zod\/v\d|zod\/mini)$/;

type SchemaLibrary = 'typebox' | 'fluent' | 'zod';

interface Located {
  node: ts.Expression;
  file: ScannedSourceFile;
}

const MAX_DEPTH = 10;

/** The input fields a route `schema` expression declares, per part; empty when it cannot be read. */
export function routeSchemaFields(modules: ModuleIndex, file: ScannedSourceFile, schemaExpression: ts.Expression): ValidatedField[] {
  const reader = new SchemaReader(modules);
  const schema = reader.resolve({ node: schemaExpression, file }, 0);
  if (!schema || !ts.isObjectLiteralExpression(schema.node)) return [];
  const fields: ValidatedField[] = [];
  for (const [key, part] of PARTS) {
    const partSchema = reader.property(schema, key, 0);
    if (!partSchema) continue;
    for (const [field, fieldSchema] of reader.objectFields(partSchema, 0)) {
      const restricted = reader.restriction(fieldSchema, 0);
      fields.push({ part, field: part === 'headers' ? field.toLowerCase() : field, ...(restricted ? { restricted } : {}), ...(reader.isScalar(fieldSchema) ? { scalar: true as const } : {}) });
    }
  }
  return fields;
}


class SchemaReader {
  constructor(private readonly modules: ModuleIndex) {}

  /** Follows names (this file or imported) and `schemas.getUser` members to the expression they hold. */
  resolve(located: Located, depth: number): Located | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const node = skipOuterExpressions(located.node);
    if (ts.isIdentifier(node)) {
      const local = localConstInitializer(node);
      if (local) return this.resolve({ node: local, file: located.file }, depth + 1);
      const binding = this.modules.resolveName(located.file, node.text);
      const value = bindingValue(binding);
      if (binding?.kind !== 'declaration' || !value || !ts.isExpression(value)) return undefined;
      return this.resolve({ node: value, file: binding.file }, depth + 1);
    }
    if (ts.isPropertyAccessExpression(node) && !ts.isCallExpression(skipOuterExpressions(node.expression))) {
      const owner = this.resolve({ node: node.expression, file: located.file }, depth + 1);
      if (owner && ts.isObjectLiteralExpression(owner.node)) return this.property(owner, node.name.text, depth + 1);
      return { node, file: located.file };
    }
    return { node, file: located.file };
  }

  /** A property of an object literal, spreads included, resolved. */
  property(object: Located, name: string, depth: number): Located | undefined {
    const resolved = this.resolve(object, depth + 1);
    if (!resolved || !ts.isObjectLiteralExpression(resolved.node)) return undefined;
    const direct = propertyValue(resolved.node, name);
    if (direct) return this.resolve({ node: direct, file: resolved.file }, depth + 1);
    for (const property of resolved.node.properties) {
      if (!ts.isSpreadAssignment(property)) continue;
      const found = this.property({ node: property.expression, file: resolved.file }, name, depth + 1);
      if (found) return found;
    }
    return undefined;
  }

  /** The named fields an object schema declares: JSON `properties`, `Type.Object({})`, `S.object().prop()`, `z.object({})`. */
  objectFields(schema: Located, depth: number): Array<[string, Located]> {
    if (depth > MAX_DEPTH) return [];
    const resolved = this.resolve(schema, depth + 1);
    if (!resolved) return [];
    const node = resolved.node;
    if (ts.isObjectLiteralExpression(node)) {
      const fields = this.literalFields(this.property(resolved, 'properties', depth + 1), depth);
      for (const key of ['allOf']) {
        const list = this.property(resolved, key, depth + 1);
        if (list && ts.isArrayLiteralExpression(list.node)) {
          for (const element of list.node.elements) fields.push(...this.objectFields({ node: element, file: list.file }, depth + 1));
        }
      }
      return fields;
    }
    if (!ts.isCallExpression(node)) return [];
    const call = this.schemaCall(node, resolved.file);
    if (!call) return [];
    const { library, method, receiver } = call;
    if (library === 'fluent') {
      if (method === 'prop' && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0]) && node.arguments[1]) {
        return [...(receiver ? this.objectFields({ node: receiver, file: resolved.file }, depth + 1) : []), [node.arguments[0].text, { node: node.arguments[1], file: resolved.file }]];
      }
      return receiver ? this.objectFields({ node: receiver, file: resolved.file }, depth + 1) : [];
    }
    if (method === 'Object' || method === 'object' || method === 'strictObject' || method === 'extend') {
      const fields = receiver && method === 'extend' ? this.objectFields({ node: receiver, file: resolved.file }, depth + 1) : [];
      const shape = node.arguments[0];
      return [...fields, ...(shape ? this.literalFields({ node: shape, file: resolved.file }, depth) : [])];
    }
    // zod `A.merge(B)` / `A.and(B)`: both shapes.
    if ((method === 'merge' || method === 'and') && receiver && node.arguments[0]) {
      return [...this.objectFields({ node: receiver, file: resolved.file }, depth + 1), ...this.objectFields({ node: node.arguments[0], file: resolved.file }, depth + 1)];
    }
    // A transform can hand the handler anything: what the schema declared no longer says what arrives.
    if (/^(?:transform|pipe|preprocess|catchall|passthrough)$/.test(method)) return [];
    if (method === 'Intersect' || method === 'Composite') {
      const list = node.arguments[0] && skipOuterExpressions(node.arguments[0]);
      if (!list || !ts.isArrayLiteralExpression(list)) return [];
      return list.elements.flatMap((element) => this.objectFields({ node: element, file: resolved.file }, depth + 1));
    }
    // Modifiers that keep the object's fields: `.strict()`, `Type.Strict(x)`, `.required()`, `.describe()`.
    if (receiver) return this.objectFields({ node: receiver, file: resolved.file }, depth + 1);
    if (/^(?:Strict|Readonly)$/.test(method) && node.arguments[0]) return this.objectFields({ node: node.arguments[0], file: resolved.file }, depth + 1);
    return [];
  }

  private literalFields(object: Located | undefined, depth: number): Array<[string, Located]> {
    const resolved = object && this.resolve(object, depth + 1);
    if (!resolved || !ts.isObjectLiteralExpression(resolved.node)) return [];
    const fields: Array<[string, Located]> = [];
    for (const field of objectLiteralFields(resolved.node)) {
      if ('name' in field) fields.push([field.name, { node: field.value, file: resolved.file }]);
      else fields.push(...this.literalFields({ node: field.spread, file: resolved.file }, depth + 1));
    }
    return fields;
  }

  /** Whether a JSON-schema field declares one string, number, integer or boolean (`{ type: 'string' }`): never an object or array. */
  isScalar(schema: Located): boolean {
    const resolved = this.resolve(schema, 1);
    if (resolved && ts.isCallExpression(resolved.node) && this.schemaCall(resolved.node, resolved.file)) {
      // `Type.String()`, `S.string().minLength(3)`, `z.string().max(50)`: the chain's first call names the type.
      let first = resolved.node;
      const names: string[] = [];
      for (;;) {
        const callee = skipOuterExpressions(first.expression);
        if (!ts.isPropertyAccessExpression(callee)) return false;
        names.push(callee.name.text);
        const inner = skipOuterExpressions(callee.expression);
        if (!ts.isCallExpression(inner)) break;
        first = inner;
      }
      return SCALAR_SCHEMA_METHODS.has(names.at(-1)!.toLowerCase()) && !names.some((name) => /^(?:transform|pipe|preprocess|array|or)$/.test(name));
    }
    if (!resolved || !ts.isObjectLiteralExpression(resolved.node)) return false;
    const type = this.property(resolved, 'type', 1);
    const types = type && (ts.isArrayLiteralExpression(type.node) ? type.node.elements : [type.node]).map((element) => (ts.isStringLiteralLike(element) ? element.text : undefined));
    return types !== undefined && types.length > 0 && types.every((name) => name !== undefined && JSON_SCALAR_TYPES.has(name));
  }

  /** Why a field schema admits no free text, or undefined. */
  restriction(schema: Located, depth: number): string | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const resolved = this.resolve(schema, depth + 1);
    if (!resolved) return undefined;
    const node = resolved.node;
    if (ts.isObjectLiteralExpression(node)) return this.jsonRestriction(resolved, depth);
    if (ts.isCallExpression(node)) {
      const call = this.schemaCall(node, resolved.file);
      if (!call) return undefined;
      if (call.library === 'typebox') return this.typeboxRestriction(node, call.method, resolved.file, depth);
      return this.chainRestriction(node, call.library, resolved.file, depth);
    }
    return undefined;
  }

  private jsonRestriction(schema: Located, depth: number): string | undefined {
    const type = this.property(schema, 'type', depth + 1);
    const types = type && (ts.isArrayLiteralExpression(type.node) ? type.node.elements : [type.node]).map((element) => (ts.isStringLiteralLike(element) ? element.text : undefined));
    if (types && types.length > 0 && types.every((name) => name !== undefined && NUMERIC_TYPES.has(name))) return `type: ${types.join(' | ')}`;
    const enumList = this.property(schema, 'enum', depth + 1);
    if (enumList && isConstantList(enumList.node)) return 'enum';
    const constant = this.property(schema, 'const', depth + 1);
    if (constant && isLiteral(constant.node)) return 'const';
    const format = this.property(schema, 'format', depth + 1);
    if (format && ts.isStringLiteralLike(format.node) && RESTRICTED_FORMATS.has(format.node.text)) return `format: ${format.node.text}`;
    const pattern = this.property(schema, 'pattern', depth + 1);
    if (pattern && ts.isStringLiteralLike(pattern.node) && isRestrictedPattern(pattern.node.text)) return `pattern: ${pattern.node.text}`;
    for (const key of ['anyOf', 'oneOf']) {
      const list = this.property(schema, key, depth + 1);
      if (list && ts.isArrayLiteralExpression(list.node) && list.node.elements.length > 0) {
        const parts = list.node.elements.map((element) => this.restriction({ node: element, file: list.file }, depth + 1));
        if (parts.every(Boolean)) return `${key} of ${parts.join(', ')}`;
      }
    }
    if (types?.length === 1 && types[0] === 'array') {
      const items = this.property(schema, 'items', depth + 1);
      const inner = items && this.restriction(items, depth + 1);
      if (inner) return `array of ${inner}`;
    }
    return undefined;
  }

  private typeboxRestriction(call: ts.CallExpression, method: string, file: ScannedSourceFile, depth: number): string | undefined {
    const first = call.arguments[0];
    switch (method) {
      case 'Integer':
      case 'Number':
      case 'Boolean':
      case 'Null':
      case 'BigInt':
        return `Type.${method}()`;
      case 'Literal':
        return first && isLiteral(skipOuterExpressions(first)) ? 'Type.Literal()' : undefined;
      case 'Enum':
        return first && this.isConstantEnum({ node: first, file }, depth) ? 'Type.Enum()' : undefined;
      case 'Union': {
        const list = first && skipOuterExpressions(first);
        if (!list || !ts.isArrayLiteralExpression(list) || list.elements.length === 0) return undefined;
        return list.elements.every((element) => this.restriction({ node: element, file }, depth + 1)) ? 'Type.Union() of restricted members' : undefined;
      }
      case 'Optional':
      case 'Readonly':
        return first ? this.restriction({ node: first, file }, depth + 1) : undefined;
      case 'Array': {
        const inner = first && this.restriction({ node: first, file }, depth + 1);
        return inner ? `Type.Array(${inner})` : undefined;
      }
      case 'String': {
        const options = first ? this.resolve({ node: first, file }, depth + 1) : undefined;
        const inner = options && ts.isObjectLiteralExpression(options.node) ? this.jsonRestriction(options, depth + 1) : undefined;
        return inner ? `Type.String({ ${inner} })` : undefined;
      }
      default:
        return undefined;
    }
  }

  /** fluent-json-schema and zod: a chain from a root (`S.integer()`, `z.string()`) through modifiers. */
  private chainRestriction(call: ts.CallExpression, library: SchemaLibrary, file: ScannedSourceFile, depth: number): string | undefined {
    let current: ts.Expression = call;
    const methods: Array<{ name: string; call: ts.CallExpression }> = [];
    for (;;) {
      const node = skipOuterExpressions(current);
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        methods.unshift({ name: node.expression.name.text, call: node });
        current = node.expression.expression;
      } else if (ts.isPropertyAccessExpression(node)) {
        // `z.coerce.number()`: the namespace step.
        methods.unshift({ name: node.name.text, call: undefined as never });
        current = node.expression;
      } else break;
    }
    const root = methods.find((method) => method.call);
    if (!root) return undefined;
    if (/^(?:integer|number|boolean|null|bigint|int|nan|date)$/.test(root.name)) return `${library === 'zod' ? 'z' : 'S'}.${root.name}()`;
    if (library === 'zod' && /^(?:enum|nativeEnum|literal)$/.test(root.name)) {
      const argument = root.call.arguments[0];
      if (!argument) return undefined;
      if (root.name === 'literal') return isLiteral(skipOuterExpressions(argument)) ? 'z.literal()' : undefined;
      if (root.name === 'nativeEnum') return this.isConstantEnum({ node: argument, file }, depth) ? 'z.nativeEnum()' : undefined;
      const resolved = this.resolve({ node: argument, file }, depth + 1);
      return resolved && isConstantList(resolved.node) ? 'z.enum()' : undefined;
    }
    if (library === 'zod' && root.name === 'union') {
      const list = root.call.arguments[0] && skipOuterExpressions(root.call.arguments[0]);
      if (!list || !ts.isArrayLiteralExpression(list) || list.elements.length === 0) return undefined;
      return list.elements.every((element) => this.restriction({ node: element, file }, depth + 1)) ? 'z.union() of restricted members' : undefined;
    }
    for (const { name, call: modifier } of methods) {
      if (!modifier) continue;
      const argument = modifier.arguments[0] && skipOuterExpressions(modifier.arguments[0]);
      if (library === 'zod' && /^(?:uuid|cuid|cuid2|ulid|datetime|date|time|ip|ipv4|ipv6|nanoid|base64|int|finite)$/.test(name)) return `.${name}()`;
      if (name === 'enum' && argument && isConstantList(argument)) return '.enum()';
      if (name === 'const' && argument && isLiteral(argument)) return '.const()';
      if (name === 'format' && argument) {
        const format = ts.isStringLiteralLike(argument) ? argument.text : ts.isPropertyAccessExpression(argument) ? argument.name.text.toLowerCase().replace(/_/g, '-') : undefined;
        if (format && RESTRICTED_FORMATS.has(format)) return `.format('${format}')`;
      }
      if ((name === 'pattern' || name === 'regex') && argument) {
        const source = ts.isStringLiteralLike(argument) ? argument.text : ts.isRegularExpressionLiteral(argument) ? regexSource(argument.text) : undefined;
        if (source !== undefined && isRestrictedPattern(source)) return `.${name}(${argument.getText()})`;
      }
    }
    return undefined;
  }

  private isConstantEnum(located: Located, depth: number): boolean {
    const resolved = this.resolve(located, depth + 1);
    if (resolved && isConstantList(resolved.node)) return true;
    if (resolved && ts.isObjectLiteralExpression(resolved.node)) return resolved.node.properties.every((property) => ts.isPropertyAssignment(property) && isLiteral(skipOuterExpressions(property.initializer)));
    const node = skipOuterExpressions(located.node);
    if (!ts.isIdentifier(node)) return false;
    const binding = this.modules.resolveName(located.file, node.text);
    return binding?.kind === 'declaration' && ts.isEnumDeclaration(binding.node) && binding.node.members.every((member) => !member.initializer || isLiteral(member.initializer));
  }

  /** Which schema library a call belongs to, by where its root name is imported from. */
  private schemaCall(call: ts.CallExpression, file: ScannedSourceFile): { library: SchemaLibrary; method: string; receiver?: ts.Expression } | undefined {
    const callee = skipOuterExpressions(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    let root: ts.Expression = callee.expression;
    for (;;) {
      const node = skipOuterExpressions(root);
      if (ts.isPropertyAccessExpression(node)) root = node.expression;
      else if (ts.isCallExpression(node)) root = node.expression;
      else break;
    }
    const rootNode = skipOuterExpressions(root);
    if (!ts.isIdentifier(rootNode)) return undefined;
    const library = this.libraryOf(rootNode, file);
    if (!library) return undefined;
    const owner = skipOuterExpressions(callee.expression);
    // `S.object()`, `Type.Object()`, `z.coerce.number()` are called on the library itself;
    // `S.object().prop()`, `Base.merge(x)` on a schema.
    const receiver = this.isLibraryNamespace(owner, file) ? undefined : owner;
    return { library, method: callee.name.text, ...(receiver ? { receiver } : {}) };
  }

  /** `z`, `Type`, `S`, `z.coerce`: the imported library (or a member of it), not a schema value. */
  private isLibraryNamespace(expression: ts.Expression, file: ScannedSourceFile): boolean {
    let current = skipOuterExpressions(expression);
    while (ts.isPropertyAccessExpression(current)) current = skipOuterExpressions(current.expression);
    if (!ts.isIdentifier(current)) return false;
    if (localConstInitializer(current)) return false;
    const binding = this.modules.resolveName(file, current.text);
    if (binding?.kind === 'external') return true;
    return binding?.kind === 'declaration' && ts.isVariableDeclaration(binding.node) && !!binding.node.initializer && requiredModule(binding.node.initializer) !== undefined;
  }

  /** The schema library a chain's root name belongs to: imported from it, or a schema built with it (`Base.merge(...)`). */
  private libraryOf(name: ts.Identifier, file: ScannedSourceFile, depth = 0): SchemaLibrary | undefined {
    if (depth > 4) return undefined;
    const local = localConstInitializer(name);
    if (local) {
      const root = chainRoot(local);
      return root && root.text !== name.text ? this.libraryOf(root, file, depth + 1) : undefined;
    }
    const binding = this.modules.resolveName(file, name.text);
    let module: string | undefined;
    if (binding?.kind === 'external') module = binding.module;
    else if (binding?.kind === 'declaration' && ts.isVariableDeclaration(binding.node) && binding.node.initializer) {
      module = requiredModule(binding.node.initializer);
      if (!module) {
        const root = chainRoot(binding.node.initializer);
        return root ? this.libraryOf(root, binding.file, depth + 1) : undefined;
      }
    }
    if (!module) return undefined;
    if (TYPEBOX_MODULES.test(module)) return 'typebox';
    if (FLUENT_MODULES.test(module)) return 'fluent';
    if (ZOD_MODULES.test(module)) return 'zod';
    return undefined;
  }
}

/** The name a call chain starts from: `z` in `z.object({}).strict()`, `Base` in `Base.merge(x)`. */
function chainRoot(expression: ts.Expression): ts.Identifier | undefined {
  let current = skipOuterExpressions(expression);
  while (ts.isCallExpression(current) || ts.isPropertyAccessExpression(current)) current = skipOuterExpressions(current.expression);
  return ts.isIdentifier(current) ? current : undefined;
}


function isLiteral(node: ts.Node): boolean {
  return ts.isStringLiteralLike(node) || ts.isNumericLiteral(node) || node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword || node.kind === ts.SyntaxKind.NullKeyword;
}

function isConstantList(node: ts.Node): boolean {
  const value = ts.isExpression(node) ? skipOuterExpressions(node) : node;
  return ts.isArrayLiteralExpression(value) && value.elements.length > 0 && value.elements.every((element) => isLiteral(skipOuterExpressions(element)));
}

function regexSource(literal: string): string {
  return literal.slice(1, literal.lastIndexOf('/'));
}

/**
 * `^[a-z0-9_-]+$`, `^\d{4}$`, `^(asc|desc)$`: anchored at both ends, and every character it can
 * match is a letter, digit, `_` or `-` (no dot, slash, quote, space or backslash), so the value
 * is a token and never SQL, a path step, a command or a URL.
 */
export function isRestrictedPattern(source: string): boolean {
  return matchesOnlyAlphabet(source, '');
}

/**
 * Punctuation a shell leaves alone inside a word: no quote, space, `$`, backtick, `;&|<>()`, glob
 * or brace character, backslash or newline. A value of letters, digits, `_-` and these is one word
 * of literal text wherever a command puts it (`docker volume rm ${name}`), though `../` is still a path.
 */
const SHELL_WORD_PUNCTUATION = '.:/@+,=%';

/**
 * `^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`, `^[\w.:/-]+$`: anchored at both ends, and every character it can
 * match is a letter, digit or `_-.:/@+,=%`, so the value is one shell word with no metacharacter.
 */
export function isShellWordPattern(source: string): boolean {
  return matchesOnlyAlphabet(source, SHELL_WORD_PUNCTUATION);
}

/**
 * Whether an anchored pattern matches only letters, digits, `_`, `-` and the characters of
 * `punctuation` (each written literally or backslash-escaped; `.` and `+` only escaped outside a class).
 */
function matchesOnlyAlphabet(source: string, punctuation: string): boolean {
  if (!source.startsWith('^') || !source.endsWith('$') || source.endsWith('\\$')) return false;
  const body = source.slice(1, -1);
  const allowed = (char: string) => /^[A-Za-z0-9_-]$/.test(char) || punctuation.includes(char);
  let index = 0;
  // `^a|b$` anchors each alternative at one end only: an alternation must sit inside a group.
  let groups = 0;
  while (index < body.length) {
    const char = body[index]!;
    if (char === '[') {
      const close = body.indexOf(']', index + 1);
      if (close === -1 || !characterClassWithin(body.slice(index + 1, close), allowed, punctuation)) return false;
      index = close + 1;
      continue;
    }
    if (char === '\\') {
      const next = body[index + 1];
      if (next === undefined || (next !== 'd' && next !== 'w' && !escapedLiteral(next, punctuation))) return false;
      index += 2;
      continue;
    }
    // Unescaped, `.` is any character and `+` a quantifier (handled below).
    if (char !== '.' && char !== '+' && allowed(char)) {
      index++;
      continue;
    }
    if (char === '{') {
      const close = body.indexOf('}', index);
      if (close === -1 || !/^\{\d+(?:,\d*)?\}$/.test(body.slice(index, close + 1))) return false;
      index = close + 1;
      continue;
    }
    if (char === '(') {
      groups++;
      index += body.startsWith('(?:', index) ? 3 : 1;
      continue;
    }
    if (char === ')') {
      if (--groups < 0) return false;
      index++;
      continue;
    }
    if (char === '|' && groups === 0) return false;
    if ('|+*?'.includes(char)) {
      index++;
      continue;
    }
    return false;
  }
  return groups === 0;
}

/** `\-`, `\.`: an escape that stands for the character itself (not `\s`, `\n`, `\x41` or a back-reference). */
function escapedLiteral(char: string, punctuation: string): boolean {
  return char === '-' || char === '_' || punctuation.includes(char);
}

/**
 * The inside of a `[...]` class: allowed characters (escaped or not), `\d`, `\w`, and ranges that
 * stay within lower-case letters, upper-case letters or digits (`a-z`, `0-9`: `+-=` would span punctuation).
 */
function characterClassWithin(content: string, allowed: (char: string) => boolean, punctuation: string): boolean {
  if (content.length === 0 || content.startsWith('^')) return false;
  let index = 0;
  while (index < content.length) {
    let char = content[index]!;
    if (char === '\\') {
      const next = content[index + 1];
      if (next === 'd' || next === 'w') {
        index += 2;
        continue;
      }
      if (next === undefined || !escapedLiteral(next, punctuation)) return false;
      char = next;
      index += 2;
    } else {
      if (!allowed(char)) return false;
      index++;
    }
    // `a-z`: a range from this character (a `-` first or last is itself).
    if (content[index] === '-' && index + 1 < content.length) {
      const to = content[index + 1]!;
      const sameKind = (test: RegExp) => test.test(char) && test.test(to);
      if (!sameKind(/^[a-z]$/) && !sameKind(/^[A-Z]$/) && !sameKind(/^[0-9]$/)) return false;
      index += 2;
    }
  }
  return true;
}
