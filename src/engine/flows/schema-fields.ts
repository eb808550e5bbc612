/**
 * The body fields a route's validation schema declares, with their declared type: zod
 * (`z.object({...})`), Joi (`Joi.object({...})`) and class-validator DTOs (`@Body() dto: CreateOrderDto`).
 * The schema is found where routes hand it over: a validation middleware beside the handler
 * (`validate(schema)`, `zValidator('json', schema)`, `celebrate({ body: schema })`), a tRPC
 * procedure's `.input(schema)`, or `schema.parse(req.body)` / `schema.validate(req.body)` in the
 * handler. Library knowledge is data in models/validation-schemas.ts. Names only, no value.
 */
import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../types.js';
import {
  BODY_SCHEMA_KEYS,
  BODY_VALIDATOR_TARGETS,
  CLASS_VALIDATOR_BOUNDS,
  CLASS_VALIDATOR_TYPES,
  JOI_TYPES,
  SCHEMA_ALLOWED_VALUES,
  SCHEMA_MAX_MODIFIERS,
  SCHEMA_MIN_MODIFIERS,
  SCHEMA_PARSE_METHODS,
  ZOD_TYPES,
  type DeclaredFieldType,
} from '../../models/validation-schemas.js';
import { builderChain, objectLiteralFields, propertyNameText, propertyValue, skipOuterExpressions } from '../ast/syntax.js';
import { bindingValue, localConstInitializer, type ModuleIndex } from '../names/index.js';
import type { Route } from '../routes/route.js';
import { own } from '../own.js';

export interface DeclaredField {
  type: DeclaredFieldType;
  /** Allowed values (an enum, `IsIn`, `.valid(...)`), in declared order. */
  values?: Array<string | number | boolean>;
  /** Lower / upper bound: the value for numbers, the length for strings. */
  min?: number;
  max?: number;
}

const MAX_DEPTH = 10;

interface Located {
  node: ts.Node;
  file: ScannedSourceFile;
}

export class SchemaFields {
  private readonly byPath = new Map<string, ScannedSourceFile>();

  constructor(
    private readonly modules: ModuleIndex,
    sourceFiles: readonly ScannedSourceFile[],
  ) {
    for (const file of sourceFiles) this.byPath.set(file.path, file);
  }

  /** The declared body fields of a route, in declaration order; empty when no schema is found or read. */
  bodyFields(route: Route): Map<string, DeclaredField> {
    const fields = new Map<string, DeclaredField>();
    for (const schema of this.schemasOf(route)) {
      for (const [name, declared] of this.objectFields(schema, 0)) if (!fields.has(name)) fields.set(name, declared);
    }
    return fields;
  }

  /** Schema expressions (or DTO classes) the route validates its body with. */
  private schemasOf(route: Route): Located[] {
    const found: Located[] = [];
    const file = this.byPath.get(route.file);
    const registration = file && registrationCall(file.sourceFile, route.line);
    if (file && registration) {
      // The call that defines the route and its receiver chain: `app.post(path, validate(S), h)`,
      // `t.procedure.input(S).mutation(h)`.
      for (let call: ts.Expression = registration; ts.isCallExpression(call); ) {
        const callee = skipOuterExpressions(call.expression);
        const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
        if (name === 'input' && call.arguments[0]) found.push({ node: call.arguments[0], file });
        else for (const argument of call.arguments) this.middlewareSchema({ node: argument, file }, found);
        if (!ts.isPropertyAccessExpression(callee)) break;
        call = skipOuterExpressions(callee.expression);
      }
    }
    const handler = route.handler?.node;
    const handlerFile = handler && this.modules.fileOf(handler);
    if (handler && handlerFile) {
      // NestJS: `@Body() dto: CreateOrderDto`.
      for (const parameter of handler.parameters) {
        const body = ts.canHaveDecorators(parameter) && ts.getDecorators(parameter)?.some((decorator) => decoratorName(decorator) === 'Body' && (decorator.expression as ts.CallExpression).arguments?.length === 0);
        if (body && parameter.type && ts.isTypeReferenceNode(parameter.type) && ts.isIdentifier(parameter.type.typeName)) found.push({ node: parameter.type.typeName, file: handlerFile });
      }
      // `Schema.parse(req.body)`, `schema.validate(req.body)`, `Joi.attempt(req.body, schema)`.
      const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node)) {
          const callee = skipOuterExpressions(node.expression);
          if (ts.isPropertyAccessExpression(callee) && SCHEMA_PARSE_METHODS.has(callee.name.text) && node.arguments.some(isRequestBody)) {
            const schema = callee.name.text === 'attempt' || callee.name.text === 'assert' ? node.arguments[1] : callee.expression;
            if (schema) found.push({ node: schema, file: handlerFile });
          }
        }
        ts.forEachChild(node, visit);
      };
      if ('body' in handler && handler.body) visit(handler.body as ts.Node);
    }
    return found;
  }

  /** A middleware argument that carries a body schema: `validate(S)`, `zValidator('json', S)`, `celebrate({ body: S })`. */
  private middlewareSchema(argument: Located, found: Located[]): void {
    const node = skipOuterExpressions(argument.node as ts.Expression);
    if (!ts.isCallExpression(node)) return;
    const first = node.arguments[0];
    if (first && ts.isStringLiteralLike(first)) {
      // zValidator('json', S) / validator('form', ...): only the body targets.
      if (BODY_VALIDATOR_TARGETS.has(first.text) && node.arguments[1]) found.push({ node: node.arguments[1], file: argument.file });
      return;
    }
    for (const value of node.arguments) {
      const resolved = this.resolve({ node: value, file: argument.file }, 0);
      if (resolved && ts.isObjectLiteralExpression(resolved.node) && !this.isSchema(resolved)) {
        // celebrate({ [Segments.BODY]: S }) / validate({ body: S })
        for (const property of resolved.node.properties) {
          if (!ts.isPropertyAssignment(property)) continue;
          const key = ts.isComputedPropertyName(property.name) ? (ts.isPropertyAccessExpression(property.name.expression) ? property.name.expression.name.text : undefined) : propertyNameText(property.name);
          if (key && BODY_SCHEMA_KEYS.has(key)) found.push({ node: property.initializer, file: resolved.file });
        }
      } else if (resolved) found.push({ node: value, file: argument.file });
    }
  }

  private isSchema(located: Located): boolean {
    return ts.isCallExpression(located.node);
  }

  /** Follows local, module-level and imported names to the expression or class they hold. */
  private resolve(located: Located, depth: number): Located | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const node = ts.isExpression(located.node) ? skipOuterExpressions(located.node) : located.node;
    if (ts.isIdentifier(node)) {
      const local = localConstInitializer(node);
      if (local) return this.resolve({ node: local, file: located.file }, depth + 1);
      const binding = this.modules.resolveName(located.file, node.text);
      const value = bindingValue(binding);
      if (binding?.kind !== 'declaration' || !value) return undefined;
      return ts.isClassDeclaration(value) ? { node: value, file: binding.file } : this.resolve({ node: value, file: binding.file }, depth + 1);
    }
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.name.text !== 'shape') {
      const owner = this.resolve({ node: node.expression, file: located.file }, depth + 1);
      if (owner && ts.isObjectLiteralExpression(owner.node)) {
        const value = propertyValue(owner.node, node.name.text);
        return value ? this.resolve({ node: value, file: owner.file }, depth + 1) : undefined;
      }
    }
    return { node, file: located.file };
  }

  /** The fields of an object schema or DTO class. */
  private objectFields(schema: Located, depth: number): Array<[string, DeclaredField]> {
    if (depth > MAX_DEPTH) return [];
    const resolved = this.resolve(schema, depth + 1);
    if (!resolved) return [];
    if (ts.isClassDeclaration(resolved.node)) return this.classFields(resolved.node, resolved.file, depth);
    if (!ts.isCallExpression(resolved.node)) return [];
    const { steps, root } = builderChain(resolved.node);
    // z.object({...}), Joi.object({...}), Joi.object().keys({...}), S.extend({...}), S.merge(T)
    const fields: Array<[string, DeclaredField]> = [];
    if (ts.isIdentifier(root) && steps.length > 0 && this.isNamespace(root, resolved.file) === false) {
      fields.push(...this.objectFields({ node: root, file: resolved.file }, depth + 1));
    }
    for (const step of steps) {
      if (!step.call) continue;
      if (/^(?:object|strictObject|looseObject|keys|extend|safeExtend|append)$/.test(step.name)) fields.push(...this.shapeFields(step.call.arguments[0], resolved.file, depth));
      else if (step.name === 'merge' || step.name === 'and' || step.name === 'concat') {
        const other = step.call.arguments[0];
        if (other) fields.push(...this.objectFields({ node: other, file: resolved.file }, depth + 1));
      }
    }
    return fields;
  }

  /** False when `root` names a schema of the project (a base schema to extend), true for a library namespace. */
  private isNamespace(root: ts.Identifier, file: ScannedSourceFile): boolean {
    if (localConstInitializer(root)) return false;
    const binding = this.modules.resolveName(file, root.text);
    return !binding || binding.kind === 'external';
  }

  private shapeFields(shape: ts.Expression | undefined, file: ScannedSourceFile, depth: number): Array<[string, DeclaredField]> {
    const resolved = shape && this.resolve({ node: shape, file }, depth + 1);
    if (!resolved || !ts.isObjectLiteralExpression(resolved.node)) return [];
    const fields: Array<[string, DeclaredField]> = [];
    for (const field of objectLiteralFields(resolved.node)) {
      if ('name' in field) fields.push([field.name, this.declaredType({ node: field.value, file: resolved.file }, depth + 1)]);
      else {
        const spread = skipOuterExpressions(field.spread);
        const target = ts.isPropertyAccessExpression(spread) && spread.name.text === 'shape' ? spread.expression : spread;
        const inner = this.resolve({ node: target, file: resolved.file }, depth + 1);
        if (inner && ts.isObjectLiteralExpression(inner.node)) fields.push(...this.shapeFields(inner.node, inner.file, depth + 1));
        else if (inner) fields.push(...this.objectFields(inner, depth + 1));
      }
    }
    return fields;
  }

  /** A field schema's type, bounds and allowed values: `z.number().int().min(1)`, `Joi.string().valid('a')`. */
  private declaredType(schema: Located, depth: number): DeclaredField {
    const resolved = this.resolve(schema, depth + 1);
    if (!resolved || !ts.isCallExpression(resolved.node)) return { type: 'string' };
    const { steps, root } = builderChain(resolved.node);
    let declared: DeclaredField = { type: 'string' };
    // A field given as another schema's name (`id: IdSchema.optional()`).
    if (ts.isIdentifier(root) && !this.isNamespace(root, resolved.file) && depth < MAX_DEPTH) declared = { ...this.declaredType({ node: root, file: resolved.file }, depth + 1) };
    const isJoi = ts.isIdentifier(root) && /^joi$/i.test(root.text);
    const types = isJoi ? JOI_TYPES : ZOD_TYPES;
    for (const step of steps) {
      const call = step.call;
      const type = types[step.name];
      if (type && call) {
        // A format on a string keeps the format (`z.string().email()`); an integer check on a number narrows it.
        declared.type = type;
        if (type === 'enum') declared.values = this.enumValues(call.arguments, resolved.file, depth);
        continue;
      }
      if (!call) continue;
      if (step.name === 'int' || step.name === 'integer') declared.type = 'integer';
      else if (step.name === 'positive') declared.min = Math.max(declared.min ?? 1, 1);
      else if (step.name === 'nonnegative') declared.min = Math.max(declared.min ?? 0, 0);
      else if (SCHEMA_ALLOWED_VALUES.has(step.name) && !(step.name === 'allow' && declared.values)) {
        const values = this.enumValues(call.arguments, resolved.file, depth);
        if (values && values.length > 0) {
          declared.values = values;
          declared.type = 'enum';
        }
      } else {
        const bound = numberLiteral(call.arguments[0]);
        if (bound !== undefined && SCHEMA_MIN_MODIFIERS.has(step.name)) declared.min = bound;
        if (bound !== undefined && SCHEMA_MAX_MODIFIERS.has(step.name)) declared.max = bound;
        if (bound !== undefined && step.name === 'gt') declared.min = bound + 1;
        if (bound !== undefined && step.name === 'lt') declared.max = bound - 1;
      }
    }
    return declared;
  }

  /** `z.enum(['a', 'b'])`, `z.enum(Values)`, `z.nativeEnum(Status)`, `z.literal('x')`, `.valid('a', 'b')`, `@IsIn([...])`, `@IsEnum(Status)`. */
  private enumValues(args: readonly ts.Expression[], file: ScannedSourceFile, depth: number): Array<string | number | boolean> | undefined {
    const values: Array<string | number | boolean> = [];
    for (const given of args) {
      // `.valid(...Allowed)`
      const argument = ts.isSpreadElement(given) ? given.expression : given;
      const literal = literalValue(argument);
      if (literal !== undefined) {
        values.push(literal);
        continue;
      }
      const resolved = this.resolve({ node: argument, file }, depth + 1);
      if (!resolved) continue;
      const node = resolved.node;
      if (ts.isArrayLiteralExpression(node)) for (const element of node.elements) {
        const value = literalValue(element);
        if (value !== undefined) values.push(value);
      }
      else if (ts.isObjectLiteralExpression(node)) for (const property of node.properties) {
        if (ts.isPropertyAssignment(property)) {
          const value = literalValue(property.initializer);
          if (value !== undefined) values.push(value);
        }
      }
      else if (ts.isEnumDeclaration(node)) {
        let next = 0;
        for (const member of node.members) {
          const value = member.initializer ? literalValue(member.initializer) : next;
          if (value === undefined) continue;
          values.push(value);
          if (typeof value === 'number') next = value + 1;
        }
      } else {
        const literal2 = literalValue(node as ts.Expression);
        if (literal2 !== undefined) values.push(literal2);
      }
    }
    return values.length > 0 ? values : undefined;
  }

  /** A class-validator DTO's decorated properties (and those of the class it extends). */
  private classFields(node: ts.ClassDeclaration, file: ScannedSourceFile, depth: number): Array<[string, DeclaredField]> {
    const fields: Array<[string, DeclaredField]> = [];
    const base = node.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
    if (base && ts.isIdentifier(base)) fields.push(...this.objectFields({ node: base, file }, depth + 1));
    for (const member of node.members) {
      if (!ts.isPropertyDeclaration(member)) continue;
      const name = propertyNameText(member.name);
      const decorators = ts.getDecorators(member) ?? [];
      if (!name || decorators.length === 0) continue;
      const declared: DeclaredField = { type: 'string' };
      let typed = false;
      for (const decorator of decorators) {
        const decoratorId = decoratorName(decorator);
        if (!decoratorId) continue;
        const args = ts.isCallExpression(decorator.expression) ? decorator.expression.arguments : [];
        const type = own(CLASS_VALIDATOR_TYPES, decoratorId);
        if (type && (!typed || declared.type === 'string' || declared.type === 'number')) {
          if (!(typed && type === 'string')) declared.type = type;
          typed = true;
          if (type === 'enum') declared.values = this.enumValues(decoratorId === 'IsIn' ? args.slice(0, 1) : args.slice(0, 1), file, depth);
        }
        const bound = own(CLASS_VALIDATOR_BOUNDS, decoratorId);
        if (bound) {
          const value = decoratorId === 'IsPositive' ? 1 : numberLiteral(args[0]);
          if (value !== undefined && (bound === 'min' || bound === 'both')) declared.min = value;
          const upper = bound === 'both' ? numberLiteral(args[1]) : value;
          if (upper !== undefined && (bound === 'max' || (bound === 'both' && args[1]))) declared.max = upper;
        }
      }
      if (!typed && member.type) declared.type = member.type.kind === ts.SyntaxKind.NumberKeyword ? 'number' : member.type.kind === ts.SyntaxKind.BooleanKeyword ? 'boolean' : 'string';
      fields.push([name, declared]);
    }
    return fields;
  }
}


/** The outermost call that starts on a 1-based line: the route's registration (`app.post(...)`, `.mutation(...)`). */
function registrationCall(sourceFile: ts.SourceFile, line: number): ts.CallExpression | undefined {
  let found: ts.CallExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    const start = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1;
    const end = sourceFile.getLineAndCharacterOfPosition(node.getEnd()).line + 1;
    if (end < line || start > line) return;
    if (ts.isCallExpression(node) && start === line) {
      found = node;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

function decoratorName(decorator: ts.Decorator): string | undefined {
  const expression = ts.isCallExpression(decorator.expression) ? decorator.expression.expression : decorator.expression;
  return ts.isIdentifier(expression) ? expression.text : ts.isPropertyAccessExpression(expression) ? expression.name.text : undefined;
}

/** `req.body`, `request.body`, `ctx.request.body`. */
function isRequestBody(expression: ts.Expression): boolean {
  const value = skipOuterExpressions(expression);
  return ts.isPropertyAccessExpression(value) && value.name.text === 'body';
}

function numberLiteral(node: ts.Expression | undefined): number | undefined {
  if (!node) return undefined;
  const value = skipOuterExpressions(node);
  if (ts.isNumericLiteral(value)) return Number(value.text);
  if (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(value.operand)) return -Number(value.operand.text);
  return undefined;
}

function literalValue(node: ts.Expression): string | number | boolean | undefined {
  const value = skipOuterExpressions(node);
  if (ts.isStringLiteralLike(value)) return value.text;
  if (value.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (value.kind === ts.SyntaxKind.FalseKeyword) return false;
  return numberLiteral(value);
}
