import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { bindingValue, localConstInitializer, type ModuleIndex } from '../../names/index.js';
import { builderChain, type ChainStep, objectLiteralFields, propertyValue, skipOuterExpressions } from '../../ast/syntax.js';
import type { ValidatedField } from '../../routes/route.js';
import { isRestrictedPattern, isShellWordPattern } from '../fastify/route-schema.js';
import { ZOD_NON_TEXT_TYPES as NON_TEXT_TYPES, ZOD_RESTRICTED_STRING_FORMATS as RESTRICTED_STRING_FORMATS, ZOD_SCALAR_TYPES as SCALAR_TYPES } from '../../../models/sanitizers.js';

/**
 * Reads a tRPC procedure's `.input(schema)` when the schema is zod (v3 or v4): the fields of its
 * `z.object({...})` and, for each, whether the parsed value can still carry text of the client's
 * choosing. tRPC parses the input with the schema before the resolver runs and answers
 * BAD_REQUEST when it does not match, so `input.id` declared `z.number()` is a number there.
 */

// @hono/zod-openapi re-exports zod's `z` (extended with `.openapi()`).
const ZOD_MODULE = /^(?:zod|zod\/v\d|zod\/mini|zod\/v4\/\w+|@hono\/zod-openapi)$/;
/** Libraries tRPC accepts as input parsers, besides zod: their schemas validate, but we do not read their fields. */
const OTHER_SCHEMA_MODULE = /^(?:yup|valibot|superstruct|arktype|@sinclair\/typebox|joi|effect|@effect\/schema|runtypes|myzod|io-ts)(?:\/.*)?$/;

/** Modifiers after which the output is whatever a function returns: the declared type no longer says what arrives. */
const OUTPUT_CHANGING = new Set(['transform', 'pipe', 'preprocess', 'overwrite']);
/** Object modifiers that keep the shape's declared fields. */
const SHAPE_KEEPING = new Set(['strict', 'strip', 'passthrough', 'loose', 'partial', 'deepPartial', 'required', 'describe', 'optional', 'nullable', 'nullish', 'default', 'refine', 'superRefine', 'check', 'brand', 'readonly', 'catch', 'pick', 'omit', 'meta', 'openapi']);

const MAX_DEPTH = 12;

interface Located {
  node: ts.Expression;
  file: ScannedSourceFile;
}

export interface InputSchema {
  /** `zod`, another schema library by its module, or undefined when we cannot tell what parses the input. */
  library?: string;
  /** For a zod object schema: the fields it declares. */
  fields: ValidatedField[];
  /** The schema keeps keys it does not declare (`.passthrough()`, `.catchall()`, `z.looseObject()`): the input may hold more than `fields`. */
  keepsUnknownKeys?: true;
}

/** Zod modifiers and constructors whose output keeps keys the shape does not declare. */
const KEY_KEEPING_STEPS: ReadonlySet<string> = new Set(['passthrough', 'catchall', 'loose', 'looseObject', 'record', 'any', 'unknown']);

/** What a `.input(schema)` argument is and which fields it declares (zod object schemas only). */
export function readInputSchema(modules: ModuleIndex, file: ScannedSourceFile, schema: ts.Expression): InputSchema {
  const reader = new ZodReader(modules);
  const resolved = reader.resolve({ node: schema, file }, 0);
  const library = resolved && reader.libraryOf(resolved, 0);
  if (!resolved || library !== 'zod') return { ...(library ? { library } : {}), fields: [] };
  const fields = reader.objectFields(resolved, 0).map(([field, fieldSchema]): ValidatedField => {
    const restricted = reader.restriction(fieldSchema, 0);
    const shellWord = restricted ? undefined : reader.shellWord(fieldSchema, 0);
    return { part: 'body', field, ...(restricted ? { restricted } : {}), ...(shellWord ? { shellWord } : {}), ...(reader.isScalar(fieldSchema, 0) ? { scalar: true as const } : {}) };
  });
  return { library, fields, ...(reader.keepsUnknownKeys(resolved, 0) ? { keepsUnknownKeys: true as const } : {}) };
}


class ZodReader {
  constructor(private readonly modules: ModuleIndex) {}

  /** Follows names (local, module-level, imported) and `schemas.x` members to the expression they hold. */
  resolve(located: Located, depth: number): Located | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const node = skipOuterExpressions(located.node);
    if (ts.isIdentifier(node)) {
      const local = localConstInitializer(node);
      if (local) return this.resolve({ node: local, file: located.file }, depth + 1);
      const binding = this.modules.resolveName(located.file, node.text);
      const value = bindingValue(binding);
      if (binding?.kind !== 'declaration' || !value || !ts.isExpression(value)) return { node, file: located.file };
      return this.resolve({ node: value, file: binding.file }, depth + 1);
    }
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
      const owner = this.resolve({ node: node.expression, file: located.file }, depth + 1);
      if (owner && ts.isObjectLiteralExpression(owner.node)) {
        const value = propertyValue(owner.node, node.name.text);
        return value ? this.resolve({ node: value, file: owner.file }, depth + 1) : undefined;
      }
    }
    return { node, file: located.file };
  }

  /** `zod` when the chain starts at the zod namespace (or a schema built from it), another schema library's module, else undefined. */
  libraryOf(located: Located, depth: number): string | undefined {
    if (depth > MAX_DEPTH) return undefined;
    let root = skipOuterExpressions(located.node);
    while (ts.isCallExpression(root) || ts.isPropertyAccessExpression(root)) root = skipOuterExpressions(root.expression);
    if (!ts.isIdentifier(root)) return undefined;
    const local = localConstInitializer(root);
    if (local) return local === located.node ? undefined : this.libraryOf({ node: local, file: located.file }, depth + 1);
    const binding = this.modules.resolveName(located.file, root.text);
    if (binding?.kind === 'external') return ZOD_MODULE.test(binding.module) ? 'zod' : OTHER_SCHEMA_MODULE.test(binding.module) ? binding.module : undefined;
    const value = bindingValue(binding);
    if (binding?.kind === 'declaration' && value && ts.isExpression(value)) return this.libraryOf({ node: value, file: binding.file }, depth + 1);
    return undefined;
  }


  /** True when the chain's root is the zod namespace itself (`z`), not a schema held in a name. */
  private rootIsNamespace(root: ts.Expression, file: ScannedSourceFile): boolean {
    if (!ts.isIdentifier(root) || localConstInitializer(root)) return false;
    return this.modules.resolveName(file, root.text)?.kind === 'external';
  }

  /** The named fields an object schema declares: `z.object({})`, `.extend({})`, `.merge(B)`, `z.intersection(A, B)`. */
  objectFields(schema: Located, depth: number): Array<[string, Located]> {
    if (depth > MAX_DEPTH) return [];
    const resolved = this.resolve(schema, depth + 1);
    if (!resolved || !ts.isCallExpression(resolved.node)) return [];
    const { steps, root } = builderChain(resolved.node);
    const last = steps.at(-1);
    if (!last?.call) return [];
    const receiver = receiverOf(last.call);
    const onNamespace = steps.filter((step) => step.call).length === 1 && this.rootIsNamespace(root, resolved.file);
    const argument = (index: number): Located | undefined => {
      const value = last.call!.arguments[index];
      return value ? { node: value, file: resolved.file } : undefined;
    };
    if (onNamespace) {
      if (/^(?:object|strictObject|looseObject)$/.test(last.name)) return this.shapeFields(argument(0), depth);
      if (last.name === 'intersection') return [argument(0), argument(1)].flatMap((part) => (part ? this.objectFields(part, depth + 1) : []));
      return [];
    }
    if (!receiver) return [];
    const base = { node: receiver, file: resolved.file };
    if (last.name === 'extend' || last.name === 'safeExtend') return [...this.objectFields(base, depth + 1), ...this.shapeFields(argument(0), depth)];
    if (last.name === 'merge' || last.name === 'and') {
      const other = argument(0);
      return [...this.objectFields(base, depth + 1), ...(other ? this.objectFields(other, depth + 1) : [])];
    }
    if (SHAPE_KEEPING.has(last.name)) return this.objectFields(base, depth + 1);
    return [];
  }

  private shapeFields(shape: Located | undefined, depth: number): Array<[string, Located]> {
    const resolved = shape && this.resolve(shape, depth + 1);
    if (!resolved || !ts.isObjectLiteralExpression(resolved.node)) return [];
    const fields: Array<[string, Located]> = [];
    for (const field of objectLiteralFields(resolved.node)) {
      if ('name' in field) fields.push([field.name, { node: field.value, file: resolved.file }]);
      else {
        // `...Base.shape` spreads another object's fields.
        const spread = skipOuterExpressions(field.spread);
        const target = ts.isPropertyAccessExpression(spread) && spread.name.text === 'shape' ? spread.expression : spread;
        const inner = this.resolve({ node: target, file: resolved.file }, depth + 1);
        if (inner && ts.isObjectLiteralExpression(inner.node)) fields.push(...this.shapeFields(inner, depth + 1));
        else if (inner) fields.push(...this.objectFields(inner, depth + 1));
      }
    }
    return fields;
  }

  /**
   * Whether the parsed object may hold keys its shape does not declare: a key-keeping modifier or
   * constructor anywhere in its chain, in a schema it extends or merges, or a schema we cannot follow.
   */
  keepsUnknownKeys(schema: Located, depth: number): boolean {
    if (depth > MAX_DEPTH) return true;
    const resolved = this.resolve(schema, depth + 1);
    if (!resolved || !ts.isCallExpression(resolved.node)) return true;
    const { steps, root } = builderChain(resolved.node);
    if (steps.some((step) => KEY_KEEPING_STEPS.has(step.name))) return true;
    const merged = steps.filter((step) => (step.name === 'merge' || step.name === 'and') && step.call?.arguments[0]);
    if (merged.some((step) => this.keepsUnknownKeys({ node: step.call!.arguments[0]!, file: resolved.file }, depth + 1))) return true;
    if (this.rootIsNamespace(root, resolved.file)) return false;
    return ts.isIdentifier(root) ? this.keepsUnknownKeys({ node: root, file: resolved.file }, depth + 1) : true;
  }

  /** Whether the parsed value is one string, number or boolean, never an object or array: `z.string().max(50)`, `z.enum([...])`. */
  isScalar(schema: Located, depth: number): boolean {
    if (depth > MAX_DEPTH) return false;
    const resolved = this.resolve(schema, depth + 1);
    if (!resolved || !ts.isCallExpression(resolved.node)) return false;
    const { steps, root } = builderChain(resolved.node);
    if (steps.some((step) => OUTPUT_CHANGING.has(step.name) || step.name === 'array' || step.name === 'or')) return false;
    const first = steps.find((step) => step.call);
    if (!first) return false;
    if (!this.rootIsNamespace(root, resolved.file)) return ts.isIdentifier(root) && this.isScalar({ node: root, file: resolved.file }, depth + 1);
    return SCALAR_TYPES.has(first.name) || NON_TEXT_TYPES.has(first.name) || RESTRICTED_STRING_FORMATS.has(first.name);
  }

  /** Why a field's parsed value can carry no free text, or undefined. */
  restriction(schema: Located, depth: number): string | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const resolved = this.resolve(schema, depth + 1);
    if (!resolved || !ts.isCallExpression(resolved.node)) return undefined;
    const { steps, root } = builderChain(resolved.node);
    if (steps.some((step) => OUTPUT_CHANGING.has(step.name))) return undefined;
    const onNamespace = this.rootIsNamespace(root, resolved.file);
    // A field given as another schema's name (`id: IdSchema.optional()`): that schema's restriction, kept by modifiers.
    const first = steps.find((step) => step.call);
    if (!first) return undefined;
    if (!onNamespace) {
      const base = ts.isIdentifier(root) ? this.restriction({ node: root, file: resolved.file }, depth + 1) : undefined;
      return base && steps.every((step) => step.name === 'array' || SHAPE_KEEPING.has(step.name) || /^(?:min|max|length|positive|negative|nonnegative|nonpositive|gt|gte|lt|lte|multipleOf|step|finite|safe|int)$/.test(step.name)) ? base : undefined;
    }
    const firstCall = first.call!;
    const argument = firstCall.arguments[0];
    const rootName = first.name;
    let base: string | undefined;
    if (NON_TEXT_TYPES.has(rootName)) base = `z.${steps.slice(0, steps.indexOf(first) + 1).map((step) => step.name).join('.')}()`;
    else if (rootName === 'literal') base = argument && isLiteral(skipOuterExpressions(argument)) ? 'z.literal()' : undefined;
    else if (rootName === 'enum') base = argument && this.isConstantEnum({ node: argument, file: resolved.file }, depth) ? 'z.enum()' : undefined;
    else if (rootName === 'nativeEnum') base = argument && this.isConstantEnum({ node: argument, file: resolved.file }, depth) ? 'z.nativeEnum()' : undefined;
    else if (rootName === 'union' || rootName === 'discriminatedUnion') {
      const list = firstCall.arguments[rootName === 'union' ? 0 : 1];
      const members = list && skipOuterExpressions(list);
      base =
        members && ts.isArrayLiteralExpression(members) && members.elements.length > 0 && members.elements.every((element) => this.restriction({ node: element, file: resolved.file }, depth + 1))
          ? `z.${rootName}() of restricted members`
          : undefined;
    } else if (rootName === 'array' || rootName === 'set') {
      const inner = argument && this.restriction({ node: argument, file: resolved.file }, depth + 1);
      base = inner ? `z.${rootName}(${inner})` : undefined;
    } else if (RESTRICTED_STRING_FORMATS.has(rootName)) base = `z.${steps.slice(0, steps.indexOf(first) + 1).map((step) => step.name).join('.')}()`;
    else if (rootName === 'string') base = this.stringFormat(steps.slice(steps.indexOf(first) + 1), resolved.file, depth);
    if (!base) return undefined;
    // `.or(B)`: both sides must be restricted.
    for (const step of steps) {
      if (step.name === 'or' && step.call) {
        const other = step.call.arguments[0];
        if (!other || !this.restriction({ node: other, file: resolved.file }, depth + 1)) return undefined;
      }
    }
    return base;
  }

  /**
   * `z.string().min(1).regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/)`, or a schema held in a name that is one:
   * the string check that keeps the value one shell word (models above isShellWordPattern), if any.
   */
  shellWord(schema: Located, depth: number): string | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const resolved = this.resolve(schema, depth + 1);
    if (!resolved || !ts.isCallExpression(resolved.node)) return undefined;
    const { steps, root } = builderChain(resolved.node);
    if (steps.some((step) => OUTPUT_CHANGING.has(step.name) || step.name === 'or' || step.name === 'array')) return undefined;
    if (!this.rootIsNamespace(root, resolved.file)) {
      return ts.isIdentifier(root) && steps.every((step) => SHAPE_KEEPING.has(step.name) || /^(?:min|max|length|regex|startsWith|endsWith|trim)$/.test(step.name)) ? this.shellWord({ node: root, file: resolved.file }, depth + 1) : undefined;
    }
    const first = steps.find((step) => step.call);
    if (first?.name !== 'string') return undefined;
    for (const { name, call } of steps.slice(steps.indexOf(first) + 1)) {
      const written = name === 'regex' && call?.arguments[0];
      const argument = written && this.resolve({ node: written, file: resolved.file }, depth + 1)?.node;
      if (argument && ts.isRegularExpressionLiteral(argument) && anchorsWholeValue(argument) && isShellWordPattern(argument.text.slice(1, argument.text.lastIndexOf('/')))) return `z.string().regex(${argument.text})`;
    }
    return undefined;
  }

  /** `z.string().uuid()`, `.cuid()`, `.datetime()`, `.regex(/^[a-z0-9]+$/)`: the first restricting check, if any. */
  private stringFormat(modifiers: ChainStep[], file: ScannedSourceFile, depth: number): string | undefined {
    for (const { name, call } of modifiers) {
      if (!call) continue;
      if (RESTRICTED_STRING_FORMATS.has(name)) return `z.string().${name}()`;
      // `.regex(SLUG_PATTERN)`: the pattern is often a constant of its own, here or imported.
      const written = call.arguments[0];
      const argument = written && this.resolve({ node: written, file }, depth + 1)?.node;
      if (name === 'regex' && argument && ts.isRegularExpressionLiteral(argument) && anchorsWholeValue(argument)) {
        const source = argument.text.slice(1, argument.text.lastIndexOf('/'));
        if (isRestrictedPattern(source)) return `z.string().regex(${argument.text})`;
      }
    }
    return undefined;
  }

  private isConstantEnum(located: Located, depth: number): boolean {
    const resolved = this.resolve(located, depth + 1);
    if (!resolved) return false;
    const node = resolved.node;
    if (ts.isArrayLiteralExpression(node)) return node.elements.length > 0 && node.elements.every((element) => isLiteral(skipOuterExpressions(element)));
    if (ts.isObjectLiteralExpression(node)) return node.properties.every((property) => ts.isPropertyAssignment(property) && isLiteral(skipOuterExpressions(property.initializer)));
    if (ts.isIdentifier(node)) {
      const binding = this.modules.resolveName(resolved.file, node.text);
      if (binding?.kind === 'declaration' && ts.isEnumDeclaration(binding.node)) return binding.node.members.every((member) => !member.initializer || isLiteral(member.initializer));
      // Prisma's generated enums (`$Enums.Role`, `Role` from '@prisma/client') hold string constants.
      return binding?.kind === 'external' && binding.module === '@prisma/client';
    }
    return false;
  }
}

/** Without the `m` flag, `^` and `$` are the ends of the value, not of any line in it. */
function anchorsWholeValue(literal: ts.RegularExpressionLiteral): boolean {
  return !literal.text.slice(literal.text.lastIndexOf('/') + 1).includes('m');
}

function receiverOf(call: ts.CallExpression): ts.Expression | undefined {
  const callee = skipOuterExpressions(call.expression);
  return ts.isPropertyAccessExpression(callee) ? callee.expression : undefined;
}

function isLiteral(node: ts.Node): boolean {
  return ts.isStringLiteralLike(node) || ts.isNumericLiteral(node) || node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword || node.kind === ts.SyntaxKind.NullKeyword;
}
