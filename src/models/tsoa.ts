/**
 * tsoa (lukeautry/tsoa) as data: the decorators of its controllers and what each declares. tsoa
 * generates the Express/Koa/Hapi routes (`tsoa spec-and-routes` writes routes.ts, which the app
 * mounts with `RegisterRoutes(app)`) from these decorators, so the scan reads the controllers, not
 * the generated file. The adapter is engine/frameworks/tsoa; the parameter sources are read in
 * engine/dataflow/sources.ts.
 */

/** The packages tsoa's decorators are imported from. */
export const TSOA_PACKAGES: readonly string[] = ['tsoa', '@tsoa/runtime'];

/** `@Route('users')`: the class is a controller mounted under that path. */
export const TSOA_ROUTE_DECORATOR = 'Route';

/** Method decorators and the HTTP method each registers. */
export const TSOA_HTTP_DECORATORS: Readonly<Record<string, 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS'>> = {
  Get: 'GET',
  Post: 'POST',
  Put: 'PUT',
  Patch: 'PATCH',
  Delete: 'DELETE',
  Head: 'HEAD',
  Options: 'OPTIONS',
};

/**
 * Parameter decorators and the request input each injects. `bag`: the whole part, a bag of fields
 * (`@Body() body`, `@Queries() filters`); otherwise one named field, the decorator's first argument or
 * the parameter's own name (`@Path() userId` reads the `{userId}` placeholder).
 */
export const TSOA_INPUT_DECORATORS: Readonly<Record<string, { input: 'params' | 'query' | 'body' | 'headers' | 'files'; bag?: true }>> = {
  Path: { input: 'params' },
  Query: { input: 'query' },
  Queries: { input: 'query', bag: true },
  Body: { input: 'body', bag: true },
  BodyProp: { input: 'body' },
  Header: { input: 'headers' },
  FormField: { input: 'body' },
  UploadedFile: { input: 'files' },
  UploadedFiles: { input: 'files' },
};

/** `@Request() request`: the framework's request object (Express `req`, Koa `ctx.request`), whole. */
export const TSOA_REQUEST_DECORATOR = 'Request';
/** `@RequestProp('user') user`: one property of the request; a principal property (`user`) is the caller. */
export const TSOA_REQUEST_PROPERTY_DECORATOR = 'RequestProp';

/**
 * `@Security('jwt')`, `@Security('jwt', ['admin'])`, `@Security({ jwt: ['admin'], api_key: [] })` on a
 * method or its class: the generated route calls the project's authentication function (below) for
 * the scheme before the handler and answers 401 when it throws or rejects. Several `@Security`
 * decorators are alternatives (any one passing lets the request in); the schemes of one object
 * must all pass. A method's own `@Security` replaces its class's; `@NoSecurity()` removes it.
 */
export const TSOA_SECURITY_DECORATOR = 'Security';
export const TSOA_NO_SECURITY_DECORATOR = 'NoSecurity';
/** `@Middlewares(rateLimit, audit)` (tsoa >= 5): Express/Koa middleware the generated route runs after authentication. */
export const TSOA_MIDDLEWARES_DECORATOR = 'Middlewares';

/**
 * The function a tsoa project exports from its `authenticationModule` (tsoa.json `routes`,
 * conventionally src/authentication.ts) for each server kind: `(request, securityName, scopes)`.
 */
export const TSOA_AUTHENTICATION_FUNCTIONS: readonly string[] = ['expressAuthentication', 'koaAuthentication', 'hapiAuthentication'];

/** The function the generated routes module exports: `RegisterRoutes(app)` mounts every controller on the app or router. */
export const TSOA_REGISTER_ROUTES = 'RegisterRoutes';

/**
 * The header tsoa writes at the top of the routes module it generates: a committed routes.ts registers
 * every controller method again as an Express/Koa/Hapi route, which the tsoa adapter already lists.
 */
export const TSOA_GENERATED_FILE_MARKER = 'This file was auto-generated with tsoa';

/** tsoa configuration files: tsoa.json and its variants (`tsoa-v2.json`, `tsoa.config.json`). */
export const TSOA_CONFIG_FILE = /(?:^|\/)tsoa(?:[.-][\w.-]*)?\.json$/;
