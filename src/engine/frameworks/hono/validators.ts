import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { nodePosition, propertyValue, skipOuterExpressions } from '../../ast/syntax.js';
import type { ModuleIndex } from '../../names/index.js';
import type { RouteMiddleware } from '../../routes/route.js';
import { readInputSchema } from '../trpc/zod-input.js';
import { VALIDATOR_TARGETS } from '../../../models/request-sources.js';
import type { InputBagKind } from '../../../models/request-sources.js';

/**
 * What a Hono route's validators declare, read from their zod schemas: `zValidator('query', S)` in
 * the route's handlers, and the `request` of an OpenAPIHono `createRoute({...})`, which
 * `app.openapi()` validates before the handler runs. `c.req.valid('query')` then holds only the
 * fields S declares (zod drops the others unless told to keep them), which lets the dataflow see
 * that `{ teamId, ...c.req.valid('query') }` keeps the caller's teamId.
 */

/** Media types of a createRoute body whose schema Hono validates (`json` and `form` targets). */
const VALIDATED_BODY_MEDIA_TYPES: ReadonlySet<string> = new Set(['application/json', 'multipart/form-data', 'application/x-www-form-urlencoded']);

/** createRoute `request` keys, as validator targets. */
const OPEN_API_REQUEST_TARGETS: Readonly<Record<string, string>> = { query: 'query', params: 'param', headers: 'header' };

/** A `zValidator('query', S)`-shaped middleware: its described step, with the fields S declares. */
export function withValidatorFields(step: RouteMiddleware, expression: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex): RouteMiddleware {
  const call = skipOuterExpressions(expression);
  if (!ts.isCallExpression(call) || call.arguments.length < 2) return step;
  const callee = skipOuterExpressions(call.expression);
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
  const target = call.arguments[0]!;
  if (!/validator$/i.test(name) || !ts.isStringLiteralLike(target) || !Object.hasOwn(VALIDATOR_TARGETS, target.text)) return step;
  return declaring(step, VALIDATOR_TARGETS[target.text]!.part, call.arguments[1]!, file, modules);
}

/** The validation steps of an OpenAPIHono route config's `request`: one per validated part whose schema is given. */
export function openApiRequestValidation(config: ts.ObjectLiteralExpression, file: ScannedSourceFile, modules: ModuleIndex): RouteMiddleware[] {
  const request = propertyValue(config, 'request');
  const requestObject = request && skipOuterExpressions(request);
  if (!requestObject || !ts.isObjectLiteralExpression(requestObject)) return [];
  const steps: RouteMiddleware[] = [];
  const add = (target: string, schema: ts.Expression) => {
    const { line } = nodePosition(schema);
    const step: RouteMiddleware = {
      name: `createRoute request ${target}`,
      file: file.path,
      line,
      kind: 'validation',
      strength: 'strong',
      evidence: `app.openapi() validates the request ${target} with the route's schema before the handler runs`,
      scope: 'route',
    };
    steps.push(declaring(step, VALIDATOR_TARGETS[target]!.part, schema, file, modules));
  };
  for (const [key, target] of Object.entries(OPEN_API_REQUEST_TARGETS)) {
    const schema = propertyValue(requestObject, key);
    if (schema) add(target, schema);
  }
  // body: { content: { 'application/json': { schema } } }
  const body = propertyValue(requestObject, 'body');
  const bodyObject = body && skipOuterExpressions(body);
  const content = bodyObject && ts.isObjectLiteralExpression(bodyObject) ? propertyValue(bodyObject, 'content') : undefined;
  const contentObject = content && skipOuterExpressions(content);
  if (contentObject && ts.isObjectLiteralExpression(contentObject)) {
    for (const mediaType of VALIDATED_BODY_MEDIA_TYPES) {
      const entry = propertyValue(contentObject, mediaType);
      const entryObject = entry && skipOuterExpressions(entry);
      const schema = entryObject && ts.isObjectLiteralExpression(entryObject) ? propertyValue(entryObject, 'schema') : undefined;
      if (schema) add(mediaType === 'application/json' ? 'json' : 'form', schema);
    }
  }
  return steps;
}

function declaring(step: RouteMiddleware, part: InputBagKind, schema: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex): RouteMiddleware {
  const read = readInputSchema(modules, file, schema);
  if (read.fields.length === 0) return step;
  return { ...step, validatedFields: read.fields.map((field) => ({ ...field, part })), ...(read.keepsUnknownKeys ? { keepsUnknownKeys: true as const } : {}) };
}
