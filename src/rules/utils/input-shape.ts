import { ts } from '#typescript';
import type { TaintedCall } from '../../engine/dataflow/engine.js';
import type { Taint } from '../../engine/dataflow/taint.js';
import type { RuleContext } from '../../engine/rule-api.js';
import { guardClassOf } from '../../engine/routes/classify-middleware.js';
import type { ScannedSourceFile } from '../../types.js';
import { BAG_PARTS } from '../../models/request-sources.js';
import { CLASS_VALIDATOR_SCALAR_DECORATORS } from '../../models/sanitizers.js';

/**
 * Whether a request value can arrive as an object or array (`{"$ne": null}`) rather than only as a
 * string, at the point it is used: what the framework parses, and whether the flow turned it
 * into a string on the way.
 */
export type InputShape =
  /** JSON bodies, qs-parsed query strings, JSON cookies: any JSON value */
  | 'any'
  /** a whole input object whose values are strings (Fastify/Koa query): the client picks the fields */
  | 'fields'
  /** a path segment, header, or a value coerced to a string/number on the way */
  | 'string';

// Steps after which the value is a string whatever came in.
const COERCING_STEP = /^(?:interpolated into a template string|concatenated|\.\w+\(\)|through (?:String|encodeURIComponent|encodeURI|decodeURIComponent|decodeURI|escape|unescape|JSON\.stringify|util\.format|format|sprintf|path\.\w+(?:\.\w+)?|querystring\.escape|qs\.stringify|url\.format)\(\))$/;
const REPARSING_STEP = /^through (?:JSON\.parse|qs\.parse|querystring\.parse)\(\)$/;
// Body readers that yield text or form fields, never nested JSON.
const TEXT_BODY = /\.(?:text|formData|parseBody|arrayBuffer|blob)\(/;
// A label that names a whole input object: req.query, ctx.request.query, @Query() filters, c.req.query().
const SCALAR_VALIDATORS = new RegExp(`^(?:${CLASS_VALIDATOR_SCALAR_DECORATORS.join('|')})$`);
const WHOLE_INPUT = /(?:^|\.)(?:query|body|cookies|params|headers|searchParams)$|^@\w+\(\) \w+$|\.(?:query|queries)\(\)$/;

export function inputShape(ctx: RuleContext, tainted: TaintedCall, taint: Taint): InputShape {
  let shape = sourceShape(ctx, tainted, taint);
  if (shape === 'string') return shape;
  for (const step of taint.steps) {
    if (COERCING_STEP.test(step.message)) shape = 'string';
    else if (REPARSING_STEP.test(step.message)) shape = 'any';
  }
  if (shape !== 'string' && (validatedByDto(ctx, tainted, taint) || declaredScalar(tainted, taint))) return 'string';
  return shape;
}

/**
 * The route's own schema (a tRPC `.input(z.object({...}))`, a Fastify route `schema`) declares the
 * field read as one string, number or boolean: the framework rejects an object there before the
 * handler runs. A field it declares as `z.any()`, a record or an object still arrives as JSON.
 */
function declaredScalar(tainted: TaintedCall, taint: Taint): boolean {
  const segments = taint.source.label.split('.');
  const bagIndex = segments.findIndex((segment) => Object.hasOwn(BAG_PARTS, segment));
  const bag = segments[bagIndex];
  const field = segments[bagIndex + 1];
  if (bag === undefined || field === undefined) return false;
  const part = BAG_PARTS[bag];
  return tainted.route.middleware.some((step) => step.validatedFields?.some((declared) => declared.part === part && declared.field === field && (declared.scalar || declared.restricted)));
}

/** A validation step that says which fields it checks is judged per field (declaredScalar), not as a whole. */
export function validatesDeclaredFields(middleware: { validatedFields?: readonly unknown[] }): boolean {
  return (middleware.validatedFields?.length ?? 0) > 0;
}

function sourceShape(ctx: RuleContext, tainted: TaintedCall, taint: Taint): InputShape {
  const { kind, label } = taint.source;
  const framework = tainted.route.framework;
  const whole = WHOLE_INPUT.test(label);
  if (kind === 'body') return TEXT_BODY.test(label) ? 'string' : 'any';
  if (kind === 'args') return jsonArgument(tainted, label) ? 'any' : 'string';
  // cookie-parser turns `j:{...}` cookies into objects; other frameworks hand out strings.
  if (kind === 'cookies') return framework === 'express' || framework === 'nestjs' ? 'any' : whole ? 'fields' : 'string';
  if (kind === 'query') {
    // Express (and NestJS on Express) parse `?a[$ne]=1` into { a: { $ne: '1' } } with qs, up to Express 4.
    if ((framework === 'express' || framework === 'nestjs') && !simpleExpressQueryParser(ctx)) return 'any';
    return whole ? 'fields' : 'string';
  }
  return 'string';
}

/** TypeScript types of a resolver argument that admit any JSON: a JSON scalar's value, not a GraphQL-typed one. */
const OPEN_TYPE = /^(?:any|unknown|object|Object|Record<.*>|\{\s*\[[^\]]+\]\s*:.*\})$|^(?:GraphQL)?JSON(?:Object|Value|Scalar)?$|^Json(?:Object|Value)?$/s;
/** A code-first argument declared with a JSON scalar: `@Args('filter', { type: () => GraphQLJSON })`, `@Arg('where', () => GraphQLJSONObject)`. */
const JSON_SCALAR_TYPE_FUNCTION = /=>\s*(?:GraphQLJSON\w*|JSON\w*|Json\w*)\b/;

/**
 * GraphQL validates each argument against its declared type before a resolver runs: a `String` or
 * `ID` is text and an input object holds only its declared fields, whose names cannot start with
 * `$`, so no query operator reaches the resolver. Only an argument of a JSON scalar carries any
 * object: one typed so in the resolver (`args: { filter: Record<string, unknown> }`, `JSONObject`)
 * or declared with a JSON scalar in a code-first decorator.
 */
function jsonArgument(tainted: TaintedCall, label: string): boolean {
  const handler = tainted.route.handler?.node;
  if (!handler || !ts.isFunctionLike(handler)) return false;
  const decorated = /^@Args?\('([^']*)'\)/.exec(label);
  if (decorated) {
    const parameter = handler.parameters.find((candidate) => (ts.getDecorators(candidate) ?? []).some((decorator) => decorator.getText().includes(`'${decorated[1]}'`)));
    if (!parameter) return false;
    const decoratorText = (ts.getDecorators(parameter) ?? []).map((decorator) => decorator.getText()).join(' ');
    return JSON_SCALAR_TYPE_FUNCTION.test(decoratorText) || (parameter.type !== undefined && OPEN_TYPE.test(parameter.type.getText().trim()));
  }
  const field = label.split('.')[1];
  const args = handler.parameters[tainted.route.argsParameter ?? 1]?.type;
  if (!field || !args || !ts.isTypeLiteralNode(args)) return false;
  const member = args.members.find((candidate) => ts.isPropertySignature(candidate) && candidate.name.getText() === field) as ts.PropertySignature | undefined;
  return member?.type !== undefined && OPEN_TYPE.test(member.type.getText().trim());
}

const expressFiveCache = new WeakMap<readonly unknown[], boolean>();

/** Express 5 parses query strings with node:querystring (flat strings) unless the app asks for 'extended'. */
function simpleExpressQueryParser(ctx: RuleContext): boolean {
  let known = expressFiveCache.get(ctx.sourceFiles);
  if (known === undefined) {
    const expressFive = ctx.textFiles.some((file) => /(?:^|\/)package\.json$/.test(file.path) && /"express"\s*:\s*"[\^~>=]*5\./.test(file.text));
    const extended = ctx.sourceFiles.some((file) => /set\(\s*['"]query parser['"]\s*,\s*['"]extended['"]/.test(file.text));
    known = expressFive && !extended;
    expressFiveCache.set(ctx.sourceFiles, known);
  }
  return known;
}

const validationCache = new WeakMap<readonly unknown[], { pipe: boolean; whitelist: boolean }>();

/**
 * NestJS: `@Body() dto: LoginDto` where ValidationPipe runs and the field read carries a scalar
 * class-validator decorator (`@IsString()`, `@IsEmail()`): an object is rejected with 400. A whole
 * DTO counts only when every field is so decorated and `whitelist` strips unknown keys.
 */
function validatedByDto(ctx: RuleContext, tainted: TaintedCall, taint: Taint): boolean {
  const match = /^@(?:Body|Query)\((?:'([^']*)')?\) (\w+)(?:\.(\w+))?$/.exec(taint.source.label);
  const handler = tainted.route.handler?.node;
  if (!match || !handler) return false;
  let validation = validationCache.get(ctx.sourceFiles);
  if (!validation) {
    validation = {
      pipe: ctx.sourceFiles.some((file) => /\bValidationPipe\b/.test(file.text)),
      whitelist: ctx.sourceFiles.some((file) => /\b(?:whitelist|forbidNonWhitelisted)\s*:\s*true/.test(file.text)),
    };
    validationCache.set(ctx.sourceFiles, validation);
  }
  if (!validation.pipe) return false;
  const parameter = handler.parameters.find((candidate) => ts.isIdentifier(candidate.name) && candidate.name.text === match[2]);
  const type = parameter?.type;
  const file = ctx.modules.fileOf(handler);
  if (!type || !file || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return false;
  const binding = ctx.modules.resolveName(file, type.typeName.text);
  if (binding?.kind !== 'declaration' || !ts.isClassDeclaration(binding.node)) return false;
  const fields = dtoProperties(ctx, binding.file, binding.node);
  const field = match[1] ?? match[3];
  const scalar = (property: ts.PropertyDeclaration) =>
    (ts.getDecorators(property) ?? []).some((decorator) => {
      const expression = decorator.expression;
      const callee = ts.isCallExpression(expression) ? expression.expression : expression;
      return ts.isIdentifier(callee) && SCALAR_VALIDATORS.test(callee.text);
    });
  if (field !== undefined) {
    const property = fields.find((candidate) => ts.isIdentifier(candidate.name) && candidate.name.text === field);
    return property !== undefined && scalar(property);
  }
  return validation.whitelist && fields.length > 0 && fields.every(scalar);
}

/**
 * A DTO's properties with those of the classes it extends: `extends PaginationDto`, or a mixin
 * factory's class (`extends CursorPaginationRequestDto(10, 100)`, whose `after` is `@IsMongoId()`).
 * A subclass's own declaration of a property comes first.
 */
function dtoProperties(ctx: RuleContext, file: ScannedSourceFile, node: ts.ClassLikeDeclaration): ts.PropertyDeclaration[] {
  const properties: ts.PropertyDeclaration[] = [];
  let current: { file: ScannedSourceFile; node: ts.ClassLikeDeclaration } | undefined = { file, node };
  for (let depth = 0; current && depth < 5; depth++) {
    properties.push(...current.node.members.filter(ts.isPropertyDeclaration));
    const base: ts.Expression | undefined = current.node.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
    current = base ? guardClassOf(ctx.modules, current.file, base) : undefined;
  }
  return properties;
}
