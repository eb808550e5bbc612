import { ts } from '#typescript';
import type { ResolvedFunction } from '../names/index.js';
import { nodePosition, propertyValue } from '../ast/syntax.js';
import { isPrincipalDecorator, TENANT_DECORATOR } from '../routes/handler-evidence.js';

import type { ParameterInput, Route } from '../routes/route.js';
import type { Taint, ValueOrigin } from './taint.js';
import type { RequestObjectKind } from '../../models/request-sources.js';
import { NEST_SANITIZING_PIPES } from '../../models/sanitizers.js';
import { ROUTING_CONVERTED_TYPES, ROUTING_PARAMETER_DECORATORS } from '../../models/routing-controllers.js';
import { isPrincipalMember, REQUEST_OBJECTS } from '../../models/request-sources.js';
import { TSOA_INPUT_DECORATORS, TSOA_REQUEST_DECORATOR, TSOA_REQUEST_PROPERTY_DECORATOR } from '../../models/tsoa.js';

// Pipes that turn the input into a number, boolean, UUID or enum member: no text an attacker chooses.
const SANITIZING_PIPES = new RegExp(`^(?:${NEST_SANITIZING_PIPES.join('|')})$`);

// NestJS parameter decorators and the input they inject.
const NEST_INPUT_DECORATORS: Record<string, string> = {
  // GraphQL arguments: Nest `@Args('id')`, type-graphql `@Arg('id')` / `@Args()`.
  Args: 'args',
  Arg: 'args',
  Param: 'params',
  Query: 'query',
  Body: 'body',
  Headers: 'headers',
  HostParam: 'headers',
  UploadedFile: 'files',
  UploadedFiles: 'files',
  Ip: 'headers',
};
const NUMERIC_TYPE = /^(?:number|boolean|bigint)$/;

/**
 * What each parameter of a route handler holds when the framework calls it: the request or
 * context object (its properties then split into input and principal), or, for NestJS, the
 * input a parameter decorator injects.
 */
export function initialParameterOrigins(route: Route, handler: ResolvedFunction, enumTyped: (parameter: ts.ParameterDeclaration) => boolean = () => false): ValueOrigin[] {
  const parameters = handler.node.parameters;
  const file = handler.file.path;
  switch (route.framework) {
    case 'express':
    case 'fastify':
    // Medusa route handlers are Express handlers: (req: MedusaRequest, res: MedusaResponse).
    case 'medusa':
      return parameters.map((parameter, index) => (index === (route.contextParameter ?? 0) ? requestObject(parameter, file, 'req', 'request') : route.inputParameters?.includes(index) ? dispatchedInput(parameter, file) : { kind: 'unknown' }));
    case 'koa':
      return parameters.map((parameter, index) => (index === (route.contextParameter ?? 0) ? requestObject(parameter, file, 'ctx', 'koa-context') : route.inputParameters?.includes(index) ? dispatchedInput(parameter, file) : { kind: 'unknown' }));
    case 'hono':
      return parameters.map((parameter, index) => (index === 0 ? requestObject(parameter, file, 'c', 'hono-context') : { kind: 'unknown' }));
    case 'next':
    case 'vercel':
      // A server action: every argument is what the client's form or call sent, as it sent it.
      if (route.kind === 'action' && route.safeAction) return parameters.map((parameter, index) => (index === 0 ? requestObject(parameter, file, '', 'safe-action-options') : { kind: 'unknown' }));
      if (route.kind === 'action') return parameters.map((parameter, index) => actionArgument(parameter, index, file));
      // App Router and Vercel Web handlers: (request, { params }); Pages Router and Vercel Node functions: (req, res).
      // A third parameter is an authentication wrapper's (`withAuth((req, res, user) => ...)`): the caller it verified.
      return parameters.map((parameter, index) =>
        index === 0
          ? ts.isObjectBindingPattern(parameter.name) && authenticatedByRouteWrapper(route)
            ? requestObject(parameter, file, '', 'auth-wrapper-context')
            : requestObject(parameter, file, 'request', 'request')
          : index === 1 && isAppRouterContext(parameter)
            ? routeContext(parameter, file)
            : index >= 2 && route.middleware.some((middleware) => middleware.kind === 'auth' && middleware.scope === 'route')
              ? { kind: 'principal', label: parameter.name.getText(parameter.getSourceFile()) }
              : { kind: 'unknown' },
      );
    case 'nestjs':
    case 'type-graphql':
      return parameters.map((parameter, index) => nestParameter(parameter, file, route.parameterInputs?.find((input) => input.index === index), enumTyped));
    case 'routing-controllers':
      return parameters.map((parameter, index) => routingControllersParameter(parameter, file, route.parameterInputs?.find((input) => input.index === index)));
    case 'tsoa':
      return parameters.map((parameter) => tsoaParameter(parameter, file, enumTyped));
    case 'graphql':
    case 'pothos': {
      // A field resolver: (parent, args, context, info), or with the ORM query first (Pothos Prisma
      // fields): (query, parent, args, context, info). `parent` is the server's own object.
      const argsAt = route.argsParameter ?? 1;
      return parameters.map((parameter, index) => (index === argsAt ? graphqlArgs(parameter, file) : index === argsAt + 1 ? requestObject(parameter, file, 'context', 'app-context') : { kind: 'unknown' }));
    }
    case 'trpc':
      // A procedure's resolver: ({ input, ctx }).
      return parameters.map((parameter, index) => (index === 0 ? requestObject(parameter, file, '', 'trpc-options') : { kind: 'unknown' }));
    case 'orpc':
      // An oRPC handler: ({ input, context, path, errors }).
      return parameters.map((parameter, index) => (index === 0 ? requestObject(parameter, file, '', 'orpc-options') : { kind: 'unknown' }));
    case 'ts-rest':
      // A ts-rest handler: ({ params, query, body, headers, req }). Past it, what a project wrapper that authenticates
      // hands on (`withApiToken(async (args, user, team) => ...)`) is the caller it verified.
      return parameters.map((parameter, index) =>
        index === 0 ? requestObject(parameter, file, '', 'ts-rest-args') : authenticatedByRouteWrapper(route) ? { kind: 'principal', label: parameter.name.getText(parameter.getSourceFile()) } : { kind: 'unknown' },
      );
    case 'remix':
      // A route module's loader or action: ({ request, params, context }). Behind a route builder that
      // authenticates (`createActionRoute(options, async ({ params, body, environment }) => ...)`), what the
      // builder hands its handler: the request's parts are the client's, the rest what it derived from the credentials.
      return parameters.map((parameter, index) =>
        index === 0 ? (authenticatedByRouteWrapper(route) ? requestObject(parameter, file, '', 'auth-wrapper-context') : requestObject(parameter, file, '', 'route-module-args')) : { kind: 'unknown' },
      );
    case 'source-model':
      // A handler a config `source` model registers: the declared parameters are client input, whole.
      return parameters.map((parameter, index) => (route.inputParameters?.includes(index) ? modelledInput(parameter, file) : { kind: 'unknown' }));
    case 'websocket':
      // A WebSocket message handler: its payload parameters are what a connected client sent, whole.
      return parameters.map((parameter, index) => (route.inputParameters?.includes(index) ? messagePayload(parameter, file, route.path) : { kind: 'unknown' }));
    case 'lambda':
      // (event, context): the API Gateway / ALB event carries the request; `context` is the runtime's,
      // holding the caller when a middy middleware put it there.
      return parameters.map((parameter, index) =>
        index === 0
          ? requestObject(parameter, file, 'event', 'lambda-event')
          : index === 1 && route.middleware.some((middleware) => middleware.setsOnContext?.length)
            ? requestObject(parameter, file, 'context', 'lambda-context')
            : { kind: 'unknown' },
      );
    case 'netlify':
      // Lambda-compatible functions: (event, context); Functions 2.0: (request, context). Netlify's
      // context holds the path parameters (2.0) or the Identity user (Lambda-compatible).
      return parameters.map((parameter, index) =>
        index === 0
          ? route.lambdaEvent
            ? requestObject(parameter, file, 'event', 'lambda-event')
            : requestObject(parameter, file, 'request', 'request')
          : index === 1
            ? requestObject(parameter, file, 'context', 'netlify-context')
            : { kind: 'unknown' },
      );
  }
}

/** A route whose own wrapper authenticates (`withWorkspace(handler)`): its handler receives what the wrapper verified. */
function authenticatedByRouteWrapper(route: Route): boolean {
  return route.middleware.some((middleware) => (middleware.kind === 'auth' || middleware.kind === 'role') && middleware.scope === 'route');
}

function actionArgument(parameter: ts.ParameterDeclaration, index: number, file: string): ValueOrigin {
  // `({ chatId, visibility })`: the fields are labelled `input.chatId`, not by the pattern's text.
  const label = ts.isIdentifier(parameter.name) ? parameter.name.text : index === 0 ? 'input' : `input${index + 1}`;
  return wholeInput(parameter, file, label, `argument ${label} of a server action: the client sends it`);
}

/** What a project's router dispatcher parsed from the request URL for the handler (`path.id`): path parameters. */
function dispatchedInput(parameter: ts.ParameterDeclaration, file: string): ValueOrigin {
  const label = parameter.name.getText(parameter.getSourceFile());
  const { line, column } = nodePosition(parameter);
  return { kind: 'tainted', taint: { source: { label, kind: 'params' }, steps: [{ file, line, column, message: `${label}: what the project's router parsed from the request path for the handler` }], transforms: [] } };
}

function modelledInput(parameter: ts.ParameterDeclaration, file: string): ValueOrigin {
  const label = parameter.name.getText(parameter.getSourceFile());
  return wholeInput(parameter, file, label, `client input ${label} (a config source model)`);
}

function messagePayload(parameter: ts.ParameterDeclaration, file: string, event: string): ValueOrigin {
  const label = parameter.name.getText(parameter.getSourceFile());
  return wholeInput(parameter, file, label, `${label}: the payload of WebSocket message '${event}', as a connected client sent it`);
}

/** A parameter that is client input whole, as the request body is. */
function wholeInput(parameter: ts.ParameterDeclaration, file: string, label: string, message: string): ValueOrigin {
  const { line, column } = nodePosition(parameter);
  return { kind: 'tainted', taint: { source: { label, kind: 'body' }, steps: [{ file, line, column, message }], transforms: [] } };
}

/** A GraphQL resolver's `args`: every field is the client's, as sent in the operation's variables. */
function graphqlArgs(parameter: ts.ParameterDeclaration, file: string): ValueOrigin {
  const label = ts.isIdentifier(parameter.name) ? parameter.name.text : 'args';
  const { line, column } = nodePosition(parameter);
  // A bag of fields: reading one (`args.kind`) is where the schema's declared argument types apply.
  return { kind: 'tainted', taint: { source: { label, kind: 'args' }, steps: [{ file, line, column, message: `GraphQL arguments ${label}` }], transforms: [], inputBag: 'args' } };
}

/**
 * What an RPC middleware's first parameter holds (`opts` of `t.middleware(async (opts) => ...)`): the
 * procedure's options, `{ ctx, input, next }` for tRPC, `{ context, next }` for oRPC; a next-safe-action
 * client's `.use()` middleware gets `{ ctx, next, clientInput, bindArgsClientInputs, metadata }`.
 */
export function middlewareOptionsOrigin(parameter: ts.ParameterDeclaration, file: string, context: 'ctx' | 'context', safeAction = false): ValueOrigin {
  return requestObject(parameter, file, '', safeAction ? 'safe-action-options' : context === 'ctx' ? 'trpc-options' : 'orpc-options');
}

function requestObject(parameter: ts.ParameterDeclaration, file: string, fallbackName: string, kind: RequestObjectKind): ValueOrigin {
  const name = ts.isIdentifier(parameter.name) ? parameter.name.text : fallbackName;
  const { line, column } = nodePosition(parameter);
  return {
    kind: 'tainted',
    taint: { source: { label: name, kind: 'request' }, steps: [{ file, line, column, message: `request object ${name || parameter.name.getText(parameter.getSourceFile())}` }], transforms: [], requestObject: kind },
  };
}

/** Next.js App Router's second argument: `{ params }` holds the dynamic path segments. */
function routeContext(parameter: ts.ParameterDeclaration, file: string): ValueOrigin {
  const { line, column } = nodePosition(parameter);
  return {
    kind: 'tainted',
    taint: {
      source: { label: 'context', kind: 'request' },
      steps: [{ file, line, column, message: 'route context (params)' }],
      transforms: [],
      requestObject: 'request',
    },
  };
}

function isAppRouterContext(parameter: ts.ParameterDeclaration): boolean {
  const text = parameter.getText(parameter.getSourceFile());
  return /\bparams\b/.test(text);
}

function nestParameter(parameter: ts.ParameterDeclaration, file: string, wrapped: ParameterInput | undefined, enumTyped: (parameter: ts.ParameterDeclaration) => boolean): ValueOrigin {
  for (const decorator of ts.getDecorators(parameter) ?? []) {
    const expression = decorator.expression;
    const callee = ts.isCallExpression(expression) ? expression.expression : expression;
    if (!ts.isIdentifier(callee)) continue;
    const name = callee.text;
    if (name === 'Req' || name === 'Request') return requestObject(parameter, file, 'req', 'request');
    // GraphQL (Nest `@Context()`, type-graphql `@Ctx()`): the context the server built, principal included.
    if (name === 'Context' || name === 'Ctx') return requestObject(parameter, file, 'context', 'app-context');
    // @CurrentUser() user, @GqlUser() user, @AuthUser(): the authenticated principal, not input.
    // @GetOrgFromRequest() org, @CurrentOrganization(), @Tenant(): the caller's tenant, resolved by the server from the session.
    if (isPrincipalDecorator(name) || TENANT_DECORATOR.test(name)) return { kind: 'principal', label: `@${name}() ${ts.isIdentifier(parameter.name) ? parameter.name.text : ''}`.trim() };
    if (Object.hasOwn(NEST_INPUT_DECORATORS, name)) {
      const args = ts.isCallExpression(expression) ? [...expression.arguments] : [];
      // `@Args('id')`, and GraphQL's `@Args({ name: 'id', type: () => ID })`.
      const nameOption = args[0] && ts.isObjectLiteralExpression(args[0]) ? propertyValue(args[0], 'name') : undefined;
      const keyNode = args[0] && ts.isStringLiteralLike(args[0]) ? args[0] : nameOption && ts.isStringLiteralLike(nameOption) ? nameOption : undefined;
      return nestInput(parameter, file, name, `@${name}`, keyNode?.text, args.map(pipeName), enumTyped);
    }
    // `@UserSession() user` made by createParamDecorator returning `req.user`: the principal, whatever its name.
    if (wrapped && wrapped.via === name && wrapped.principal) return { kind: 'principal', label: `@${name}() ${ts.isIdentifier(parameter.name) ? parameter.name.text : ''}`.trim() };
    // `@UUIDParam('id')`: a project decorator returning `Param(property, new ParseUUIDPipe())`.
    if (wrapped && wrapped.via === name && NEST_INPUT_DECORATORS[wrapped.decorator]) return nestInput(parameter, file, wrapped.decorator, `@${name}`, wrapped.key, wrapped.pipes, enumTyped);
  }
  return { kind: 'unknown' };
}

/** The input a Nest input decorator injects (`decorator`: Param, Query, Body...), sanitized by a parsing pipe or a numeric type. */
function nestInput(parameter: ts.ParameterDeclaration, file: string, decorator: string, written: string, key: string | undefined, pipes: readonly string[], enumTyped: (parameter: ts.ParameterDeclaration) => boolean): ValueOrigin {
  const inputKind = NEST_INPUT_DECORATORS[decorator]!;
  const pipe = pipes.find((candidate) => SANITIZING_PIPES.test(candidate));
  const type = parameter.type?.getText(parameter.getSourceFile());
  const label = `${written}${key !== undefined ? `('${key}')` : '()'} ${ts.isIdentifier(parameter.name) ? parameter.name.text : ''}`.trim();
  const { line, column } = nodePosition(parameter);
  // `@Body() dto` is the whole body, a bag of fields like `req.body`; `@Body('name')` is one field.
  const bag = inputKind === 'body' && key === undefined ? { inputBag: 'body' as const } : {};
  const taint: Taint = { source: { label, kind: inputKind }, steps: [{ file, line, column, message: `request input ${label}` }], transforms: [], ...bag };
  // A parsed id is no injection vector, but it still picks the record: keep it as the identity.
  if (pipe) return { kind: 'sanitized', how: `${pipe} on ${written}()`, identity: taint };
  if (type && NUMERIC_TYPE.test(type) && inputKind !== 'body') return { kind: 'sanitized', how: `${written}() typed ${type} (transformed by ValidationPipe)`, identity: taint };
  // A GraphQL argument typed with an enum the schema registers: the server accepts only its members.
  if (inputKind === 'args' && key !== undefined && enumTyped(parameter)) return { kind: 'sanitized', how: `${written}('${key}') typed enum ${type} (checked by the GraphQL schema)`, identity: taint };
  return { kind: 'tainted', taint };
}

/**
 * What a routing-controllers parameter decorator injects (models/routing-controllers.ts): one input
 * (`@Param('id')`, `@QueryParam('q')`), a whole part (`@Body()`, `@QueryParams()`), the request or
 * Koa context, or what the server resolved for the caller (`@CurrentUser()`, `@Session()`).
 */
function routingControllersParameter(parameter: ts.ParameterDeclaration, file: string, wrapped: ParameterInput | undefined): ValueOrigin {
  for (const decorator of ts.getDecorators(parameter) ?? []) {
    const expression = decorator.expression;
    const callee = ts.isCallExpression(expression) ? expression.expression : expression;
    // `@CurrentAuth() auth`: a project createParamDecorator that hands the handler the request's user.
    if (ts.isIdentifier(callee) && wrapped?.via === callee.text && wrapped.principal) return { kind: 'principal', label: `${wrapped.principal} ${ts.isIdentifier(parameter.name) ? parameter.name.text : ''}`.trim() };
    if (!ts.isIdentifier(callee) || !Object.hasOwn(ROUTING_PARAMETER_DECORATORS, callee.text)) continue;
    const name = callee.text;
    const injected = ROUTING_PARAMETER_DECORATORS[name]!;
    const variable = ts.isIdentifier(parameter.name) ? parameter.name.text : '';
    if (injected.kind === 'none') return { kind: 'unknown' };
    if (injected.kind === 'principal') return { kind: 'principal', label: `@${name}() ${variable}`.trim() };
    if (injected.kind === 'request') return requestObject(parameter, file, injected.object === 'koa-context' ? 'ctx' : 'req', injected.object);
    const args = ts.isCallExpression(expression) ? [...expression.arguments] : [];
    const key = args[0] && ts.isStringLiteralLike(args[0]) ? args[0].text : undefined;
    const label = `@${name}${key !== undefined ? `('${key}')` : '()'} ${variable}`.trim();
    const { line, column } = nodePosition(parameter);
    const bag = injected.bag && (injected.input === 'body' || injected.input === 'params' || injected.input === 'query') ? { inputBag: injected.input as 'body' | 'params' | 'query' } : {};
    const taint: Taint = { source: { label, kind: injected.input }, steps: [{ file, line, column, message: `request input ${label}` }], transforms: [], ...bag };
    // `@Param('id') id: number`: routing-controllers casts the value to the reflected type before the
    // handler runs. No text of the client's choosing, but still the record the client picked.
    const type = parameter.type?.getText(parameter.getSourceFile());
    if (type && ROUTING_CONVERTED_TYPES.has(type) && !injected.bag) return { kind: 'sanitized', how: `@${name}() typed ${type} (converted by routing-controllers)`, identity: taint };
    return { kind: 'tainted', taint };
  }
  return { kind: 'unknown' };
}

/**
 * What a tsoa handler parameter holds, by its decorator: `@Request()` the request object, `@Path()`,
 * `@Query()`, `@Body()`... one input (named by the decorator's argument or the parameter). tsoa's
 * generated route validates every parameter against its declared type before the handler runs: a
 * number, boolean, enum or union of literals carries no text of the client's choosing, but still
 * picks the record.
 */
function tsoaParameter(parameter: ts.ParameterDeclaration, file: string, enumTyped: (parameter: ts.ParameterDeclaration) => boolean): ValueOrigin {
  const parameterName = ts.isIdentifier(parameter.name) ? parameter.name.text : undefined;
  for (const decorator of ts.getDecorators(parameter) ?? []) {
    const expression = decorator.expression;
    const callee = ts.isCallExpression(expression) ? expression.expression : expression;
    if (!ts.isIdentifier(callee)) continue;
    const name = callee.text;
    const firstArgument = ts.isCallExpression(expression) && expression.arguments[0] && ts.isStringLiteralLike(expression.arguments[0]) ? expression.arguments[0].text : undefined;
    if (name === TSOA_REQUEST_DECORATOR) return requestObject(parameter, file, 'request', 'request');
    if (name === TSOA_REQUEST_PROPERTY_DECORATOR && firstArgument !== undefined) {
      const request = REQUEST_OBJECTS.request;
      // `@RequestProp('user') user`: what the authentication function resolved, set on the request by tsoa.
      if (isPrincipalMember(request, firstArgument)) return { kind: 'principal', label: `@${name}('${firstArgument}') ${parameterName ?? ''}`.trim() };
      const input = request.inputs[firstArgument];
      if (!input) return { kind: 'unknown' };
      const { line, column } = nodePosition(parameter);
      const label = `@${name}('${firstArgument}') ${parameterName ?? ''}`.trim();
      return { kind: 'tainted', taint: { source: { label, kind: input }, steps: [{ file, line, column, message: `request input ${label}` }], transforms: [], ...(request.inputBags?.has(firstArgument) ? { inputBag: firstArgument as 'params' | 'query' | 'body' } : {}) } };
    }
    const model = Object.hasOwn(TSOA_INPUT_DECORATORS, name) ? TSOA_INPUT_DECORATORS[name]! : undefined;
    if (!model) continue;
    const key = model.bag ? firstArgument : (firstArgument ?? parameterName);
    const label = `@${name}(${firstArgument !== undefined ? `'${firstArgument}'` : ''}) ${parameterName ?? ''}`.trim();
    const { line, column } = nodePosition(parameter);
    const bag = model.bag && model.input !== 'files' ? { inputBag: model.input as 'query' | 'body' } : {};
    const taint: Taint = { source: { label, kind: model.input }, steps: [{ file, line, column, message: `request input ${label}${key !== undefined && !model.bag ? ` (${model.input} ${key})` : ''}` }], transforms: [], ...bag };
    const type = parameter.type?.getText(parameter.getSourceFile());
    if (type && !model.bag && (NUMERIC_TYPE.test(type) || LITERAL_UNION.test(type))) return { kind: 'sanitized', how: `${label} typed ${type} (validated by tsoa's generated route)`, identity: taint };
    if (type && !model.bag && enumTyped(parameter)) return { kind: 'sanitized', how: `${label} typed enum ${type} (validated by tsoa's generated route)`, identity: taint };
    return { kind: 'tainted', taint };
  }
  return { kind: 'unknown' };
}

/** `'asc' | 'desc'`, `1 | 2`: a union of literals, which a validating framework checks member by member. */
const LITERAL_UNION = /^\s*(?:(?:'[^']*'|"[^"]*"|-?\d+(?:\.\d+)?|true|false)\s*\|\s*)+(?:'[^']*'|"[^"]*"|-?\d+(?:\.\d+)?|true|false)\s*$/;

function pipeName(argument: ts.Expression): string {
  const value = ts.isNewExpression(argument) ? argument.expression : argument;
  return ts.isIdentifier(value) ? value.text : '';
}
