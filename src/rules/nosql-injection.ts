import { ts } from '#typescript';
import type { TaintedCall } from '../engine/dataflow/engine.js';
import type { Taint } from '../engine/dataflow/taint.js';
import { propertyNameText, skipOuterExpressions } from '../engine/ast/syntax.js';
import type { RuleContext } from '../engine/rule-api.js';
import { defineRule } from './define-rule.js';
import { EXPRESS_VALIDATOR_SCALAR_METHODS, MONGO_SANITIZER_MIDDLEWARE_NAMES } from '../models/sanitizers.js';
import { inputShape, validatesDeclaredFields } from './utils/input-shape.js';
import { mongoTarget, type MongoTarget } from './utils/mongo-collections.js';
import { localInitializer, modelledSinkCalls, reportTaintedSink, routeLabel, routeViews, taintOf, type RouteView } from './utils/tainted-sink.js';
// The filter methods and their argument, the code methods and the operators: models/nosql.ts.
import { CODE_OPERATORS, LITERAL_OPERATORS, MONGO_CODE_METHODS, MONGO_FILTER_ARGUMENT } from '../models/nosql.js';
import { own } from '../engine/own.js';

const MAX_LOCAL_HOPS = 4;
// express-mongo-sanitize (and look-alikes, by name: `-` optional, any case) strip `$` keys before any handler runs.
const MONGO_SANITIZER = new RegExp(MONGO_SANITIZER_MIDDLEWARE_NAMES.map((name) => name.replace('-', '-?')).join('|'), 'i');

export default defineRule({
  meta: {
    id: 'nosql-injection',
    title: 'Request data controls a MongoDB query',
    severity: 'high',
    confidence: 'high',
    controls: {
      soc2: ['CC6.6', 'CC6.8'],
      owaspApi: [],
      cwe: ['CWE-943'],
      pciDss: ['6.2.4'],
      hipaa: ['164.312(c)(1)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description:
        'Finds request values that can be objects reaching a mongoose/MongoDB filter (operator injection such as {"$ne": null}), and request data in $where, $function or mapReduce code.',
      remediation:
        'Coerce each filter value to the expected type (String(x), a schema that rejects objects, or { $eq: x }), never pass a request object as a filter, and never build $where or mapReduce code from input.',
    },
  },
  analyses: ['dataflow'],
  check(ctx) {
    const sanitizedModels = ctx.sourceFiles.some((file) => /\.set\(\s*['"]sanitizeFilter['"]\s*,\s*true\s*\)/.test(file.text));
    for (const tainted of ctx.dataflow.taintedCalls()) {
      const call = tainted.call;
      if (!ts.isCallExpression(call)) continue;
      const callee = skipOuterExpressions(call.expression);
      if (!ts.isPropertyAccessExpression(callee)) continue;
      const method = callee.name.text;
      const position = own(MONGO_FILTER_ARGUMENT, method);
      const runsCode = MONGO_CODE_METHODS.includes(method);
      if (position === undefined && !runsCode) continue;
      const target = mongoTarget(ctx, tainted.file, callee.expression);
      if (!target) continue;
      const sink = `${callee.getText().replace(/\s+/g, '')}()`;
      const finding = runsCode ? codeArgument(tainted, method) : filterHit(ctx, tainted, call.arguments[position!], method);
      if (!finding) continue;
      // mongoose.set('sanitizeFilter', true) wraps nested operator objects in $eq for every model query.
      if (finding.kind !== 'code' && sanitizedModels && target.kind === 'model') continue;
      // Judged per route that reaches the call: one route's sanitizer or validation does not cover another.
      const exposed = routeViews(tainted).find((view) => !(finding.kind !== 'code' && neutralisedByMiddleware(view)) && !(finding.kind === 'object' && validatedInHandler(view, finding.taint)));
      if (exposed) report(ctx, exposed, target, sink, finding);
    }
    // A project's own wrapper that config `models` declares a nosql sink (its insides hidden from the scan).
    for (const { tainted, taint, sinkName } of modelledSinkCalls(ctx, 'nosql')) {
      reportTaintedSink(ctx, tainted, taint, `Request input ${taint.source.label} reaches the query of ${sinkName}, a NoSQL query sink, in ${routeLabel(tainted)}: an attacker can change the query's operators and read or change other records.`, `${sinkName} receives it as the query`);
    }
  },
});

/**
 * A mongo sanitizer in front of the route removes operator keys; a validation middleware on the
 * route itself (celebrate, express-validator, a Joi/zod `validate(schema)`) checks each field's type,
 * which rejects objects where a string is declared. Code in $where is still code: never excused.
 */
function neutralisedByMiddleware(tainted: TaintedCall): boolean {
  return tainted.route.middleware.some((middleware) => MONGO_SANITIZER.test(middleware.name) || (middleware.kind === 'validation' && middleware.scope === 'route' && !validatesDeclaredFields(middleware)));
}

/**
 * express-validator used inside the handler: `await check('email').isEmail().run(req)` then an
 * early exit on `validationResult(req)`. A typed check on the field turns an object into a
 * validation error, so the field arrives as the declared scalar.
 */
function validatedInHandler(tainted: RouteView, taint: Taint): boolean {
  const field = taint.source.label.split('.').pop();
  const handler = tainted.route.handler?.node as (ts.SignatureDeclaration & { body?: ts.Node }) | undefined;
  if (!field || !handler?.body) return false;
  const text = handler.body.getText(handler.getSourceFile());
  if (!/\bvalidationResult\s*\(/.test(text)) return false;
  // Another route's handler may hand the same call a field of another name: any checked field there counts.
  if (tainted.recordedFor) return true;
  const checked = new RegExp(`\\b(?:check|body|query|param)\\s*\\(\\s*['"\`]${field.replace(/[^\w$]/g, '')}['"\`]\\s*(?:,[^)]*)?\\)\\s*\\.\\s*(?:${EXPRESS_VALIDATOR_SCALAR_METHODS.join('|')})\\b`);
  return checked.test(text);
}

interface Hit {
  kind: 'code' | 'object' | 'fields' | 'key';
  taint: Taint;
  /** `$where`, the field name, or undefined for the whole filter. */
  where?: string;
}

function report(ctx: RuleContext, tainted: TaintedCall, target: MongoTarget, sink: string, hit: Hit): void {
  const source = hit.taint.source.label;
  const on = `${sink} (${target.kind === 'model' ? 'mongoose model' : 'collection'} ${target.name}) in ${routeLabel(tainted)}`;
  const messages: Record<Hit['kind'], [string, string]> = {
    code: [`Request input ${source} is JavaScript run by the database in the ${hit.where} of ${on}: an attacker can run code in the query engine.`, `${hit.where} evaluates the value as JavaScript`],
    object: [
      `Request input ${source} reaches the ${hit.where === undefined ? 'filter' : hit.where.startsWith('$') ? `${hit.where} operand` : `'${hit.where}' condition`} of ${on} without being coerced to a string: a value like {"$ne": null} turns the match into "any".`,
      'the filter takes the value as a query operator object',
    ],
    fields: [`Request object ${source} is used as the filter of ${on}: the client chooses which fields are matched.`, 'the whole request object is the filter'],
    key: [`Request input ${source} names a field of the filter of ${on}: the client can name an operator such as $where.`, 'a filter key comes from the request'],
  };
  const [message, step] = messages[hit.kind];
  reportTaintedSink(ctx, tainted, hit.taint, message, `${sink}: ${step}`, hit.kind === 'fields' ? { confidence: 'medium' } : {});
}

function codeArgument(tainted: TaintedCall, method: string): Hit | undefined {
  const taint = tainted.argumentOrigins.map((origin) => taintOf(origin, 'nosql')).find(Boolean);
  return taint && { kind: 'code', taint, where: method === '$where' ? '$where' : 'mapReduce functions' };
}

/** Walks a filter (object and array literals, local consts) to the values that carry request data. */
function filterHit(ctx: RuleContext, tainted: TaintedCall, filter: ts.Expression | undefined, method: string): Hit | undefined {
  if (!filter) return undefined;
  // `Model.where('age')` names a path; only an object filter counts.
  if (method === 'where' && ts.isStringLiteralLike(skipOuterExpressions(filter))) return undefined;
  return walk(ctx, tainted, filter, undefined, 0);
}

function walk(ctx: RuleContext, tainted: TaintedCall, expression: ts.Expression, field: string | undefined, hops: number): Hit | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isObjectLiteralExpression(value)) {
    for (const property of value.properties) {
      const hit = propertyHit(ctx, tainted, property, hops);
      if (hit) return hit;
    }
    return undefined;
  }
  if (ts.isArrayLiteralExpression(value)) {
    for (const element of value.elements) {
      const hit = walk(ctx, tainted, ts.isSpreadElement(element) ? element.expression : element, field, hops);
      if (hit) return hit;
    }
    return undefined;
  }
  // `cond ? { name: { $regex: q } } : {}`: each branch is a filter of its own.
  if (ts.isConditionalExpression(value)) return walk(ctx, tainted, value.whenTrue, field, hops) ?? walk(ctx, tainted, value.whenFalse, field, hops);
  if (ts.isIdentifier(value) && hops < MAX_LOCAL_HOPS) {
    const initializer = localInitializer(value);
    if (initializer && (ts.isObjectLiteralExpression(initializer) || ts.isArrayLiteralExpression(initializer) || ts.isConditionalExpression(initializer))) {
      return walk(ctx, tainted, initializer, field, hops + 1);
    }
  }
  return leafHit(ctx, tainted, value, field);
}

function propertyHit(ctx: RuleContext, tainted: TaintedCall, property: ts.ObjectLiteralElementLike, hops: number): Hit | undefined {
  if (ts.isSpreadAssignment(property)) return walk(ctx, tainted, property.expression, undefined, hops);
  if (ts.isShorthandPropertyAssignment(property)) return leafHit(ctx, tainted, property.name, property.name.text);
  if (!ts.isPropertyAssignment(property)) return undefined;
  if (ts.isComputedPropertyName(property.name) && !ts.isStringLiteralLike(property.name.expression)) {
    const taint = taintOf(tainted.originOf(property.name.expression), 'nosql');
    if (taint) return { kind: 'key', taint };
  }
  const key = propertyNameText(property.name);
  if (key !== undefined && CODE_OPERATORS.has(key)) {
    const taint = firstTaint(tainted, property.initializer);
    return taint && { kind: 'code', taint, where: key };
  }
  if (key !== undefined && LITERAL_OPERATORS.has(key)) return undefined;
  return walk(ctx, tainted, property.initializer, key, hops);
}

/** Any request data inside a `$where` value (a string, a function's source, a template). */
function firstTaint(tainted: TaintedCall, expression: ts.Expression): Taint | undefined {
  return taintOf(tainted.originOf(expression), 'nosql');
}

function leafHit(ctx: RuleContext, tainted: TaintedCall, expression: ts.Expression, field: string | undefined): Hit | undefined {
  const taint = taintOf(tainted.originOf(expression), 'nosql');
  if (!taint) return undefined;
  const shape = inputShape(ctx, tainted, taint);
  if (shape === 'any') return { kind: 'object', taint, ...(field !== undefined ? { where: field } : {}) };
  // A whole object of strings is harmless as one field's value ({ tags: req.query } never matches), not as the filter.
  if (shape === 'fields' && field === undefined) return { kind: 'fields', taint };
  return undefined;
}
