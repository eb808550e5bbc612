/**
 * What a request to a route must carry, read from its definition and handler: the path parameters
 * and the body fields the handler (or its validation) reads. `trustscan flows --emit-tests` fills
 * generated requests from it; no value is invented here, only the names.
 */
import { ts } from '#typescript';
import { propertyNameText, skipOuterExpressions } from '../ast/syntax.js';
import type { Route } from '../routes/route.js';
import type { DeclaredField, SchemaFields } from './schema-fields.js';

export interface StepRequest {
  /** `:id` and `[id]` style parameters of the path, in order. */
  pathParameters: string[];
  /** Body fields the handler reads (`req.body.total`, `const { email } = req.body`) or its validation declares, in first-read order. */
  bodyFields: string[];
  /** The type a validation schema declares for a body field (zod, Joi, class-validator), when one does. */
  declared: Record<string, DeclaredField>;
}

/** Object names that hold a parsed request body: `req.body`, `ctx.request.body`, `event.body` parsed. */
const BODY_PROPERTY = 'body';

export function stepRequest(route: Route, schemas?: SchemaFields): StepRequest {
  const pathParameters = [...route.path.matchAll(/:([A-Za-z_$][\w$]*)|\[(?:\.\.\.)?([A-Za-z_$][\w$]*)\]/g)].map((match) => match[1] ?? match[2]!);
  const fields: string[] = [];
  const add = (field: string | undefined): void => {
    if (field && !fields.includes(field)) fields.push(field);
  };
  const declared: Record<string, DeclaredField> = {};
  // The validation schema first: its fields are what the server requires, with their declared types.
  for (const [field, type] of schemas?.bodyFields(route) ?? []) {
    add(field);
    declared[field] = type;
  }
  for (const middleware of route.middleware) for (const validated of middleware.validatedFields ?? []) if (validated.part === 'body') add(validated.field);
  const handler = route.handler?.node as (ts.SignatureDeclaration & { body?: ts.Node }) | undefined;
  const body = handler?.body;
  // GraphQL: the resolver's args (`(parent, { id })`, `args.id`); tRPC: the procedure's `input` (`({ input }) => input.id`).
  const inputs = handler ? operationInputs(route, handler) : undefined;
  if (inputs) for (const field of inputs.destructured) add(field);
  if (body) {
    const visit = (node: ts.Node): void => {
      // `req.body.totalCents`, `req.body['totalCents']`, `args.id`, `input.orderId`
      if ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) && (isBodyObject(node.expression) || (inputs && isInputObject(node.expression, inputs.names)))) {
        add(ts.isPropertyAccessExpression(node) ? node.name.text : ts.isStringLiteralLike(node.argumentExpression) ? node.argumentExpression.text : undefined);
      }
      // `const { email, password } = req.body`
      if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer && isBodyObject(node.initializer)) {
        for (const element of node.name.elements) {
          if (element.dotDotDotToken) continue;
          add(element.propertyName ? propertyNameText(element.propertyName) : ts.isIdentifier(element.name) ? element.name.text : undefined);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(body);
  }
  return { pathParameters, bodyFields: fields, declared };
}

/** The names a GraphQL resolver's args or a tRPC procedure's input go by, and the fields its parameter destructures. */
function operationInputs(route: Route, handler: ts.SignatureDeclaration): { names: Set<string>; destructured: string[] } | undefined {
  if (route.kind !== 'graphql' && route.kind !== 'trpc') return undefined;
  const names = new Set<string>();
  const destructured: string[] = [];
  const collect = (binding: ts.BindingName): void => {
    if (ts.isIdentifier(binding)) names.add(binding.text);
    else if (ts.isObjectBindingPattern(binding)) {
      for (const element of binding.elements) {
        const name = element.propertyName ? propertyNameText(element.propertyName) : ts.isIdentifier(element.name) ? element.name.text : undefined;
        if (name && !element.dotDotDotToken) destructured.push(name);
      }
    }
  };
  if (route.kind === 'graphql') {
    const parameter = handler.parameters[route.argsParameter ?? 1];
    if (parameter) collect(parameter.name);
  } else {
    // tRPC: `({ ctx, input }) => ...`, `({ input: { id } })`, or `(opts) => opts.input.id`.
    const parameter = handler.parameters[0];
    if (parameter && ts.isObjectBindingPattern(parameter.name)) {
      for (const element of parameter.name.elements) {
        const name = element.propertyName ? propertyNameText(element.propertyName) : ts.isIdentifier(element.name) ? element.name.text : undefined;
        if (name === 'input') collect(element.name);
      }
    } else if (parameter && ts.isIdentifier(parameter.name)) names.add(`${parameter.name.text}.input`);
  }
  return { names, destructured };
}

function isInputObject(expression: ts.Expression, names: ReadonlySet<string>): boolean {
  const value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value)) return names.has(value.text);
  return ts.isPropertyAccessExpression(value) && value.name.text === 'input' && ts.isIdentifier(value.expression) && names.has(`${value.expression.text}.input`);
}

/** `req.body`, `request.body`, `ctx.request.body`, `(req.body as Input)`. */
function isBodyObject(expression: ts.Expression): boolean {
  const value = skipOuterExpressions(expression);
  return ts.isPropertyAccessExpression(value) && value.name.text === BODY_PROPERTY;
}
