/**
 * routing-controllers (typestack) as data: the decorators that declare controllers, routes,
 * parameters, authorization and middleware, and the functions that start a server with them.
 * The adapter (engine/frameworks/routing-controllers) and engine/dataflow/sources.ts read these.
 */
import type { HttpMethod } from '../engine/routes/route.js';
import type { RequestObjectKind } from './request-sources.js';

export const ROUTING_CONTROLLERS_PACKAGES: readonly string[] = ['routing-controllers'];

/** Class decorators that make a class a controller; the first argument is the path prefix. */
export const ROUTING_CONTROLLER_DECORATORS: ReadonlySet<string> = new Set(['JsonController', 'Controller']);

/** Method decorators that register a route, with the method each declares; `@Method('get', '/x')` names it first. */
export const ROUTING_ROUTE_DECORATORS: Readonly<Record<string, HttpMethod | 'by-argument'>> = {
  Get: 'GET',
  Post: 'POST',
  Put: 'PUT',
  Patch: 'PATCH',
  Delete: 'DELETE',
  Head: 'HEAD',
  All: 'ALL',
  Method: 'by-argument',
};

/**
 * The functions that mount controllers on a server, the index of their options argument and the
 * driver (`useExpressServer(app, options)`, `createKoaServer(options)`).
 */
export const ROUTING_SERVER_FUNCTIONS: Readonly<Record<string, { options: number; driver: 'express' | 'koa' }>> = {
  useExpressServer: { options: 1, driver: 'express' },
  createExpressServer: { options: 0, driver: 'express' },
  useKoaServer: { options: 1, driver: 'koa' },
  createKoaServer: { options: 0, driver: 'koa' },
  createServer: { options: 0, driver: 'express' },
};

/**
 * What a handler parameter's decorator injects:
 * - `input`: client input of that kind (`@Param('id')` a path parameter, `@Body()` the whole body);
 *   `bag` when it is the whole part (a bag of named fields), else one named value;
 * - `request`: a request-like object whose properties are looked up in request-sources.ts;
 * - `principal`: what the server resolved for the caller (the current user, the server-held session);
 * - `none`: neither (the response).
 */
export type RoutingParameter =
  | { kind: 'input'; input: string; bag?: true }
  | { kind: 'request'; object: RequestObjectKind }
  | { kind: 'principal' }
  | { kind: 'none' };

export const ROUTING_PARAMETER_DECORATORS: Readonly<Record<string, RoutingParameter>> = {
  Param: { kind: 'input', input: 'params' },
  Params: { kind: 'input', input: 'params', bag: true },
  QueryParam: { kind: 'input', input: 'query' },
  QueryParams: { kind: 'input', input: 'query', bag: true },
  Body: { kind: 'input', input: 'body', bag: true },
  BodyParam: { kind: 'input', input: 'body' },
  HeaderParam: { kind: 'input', input: 'headers' },
  HeaderParams: { kind: 'input', input: 'headers', bag: true },
  CookieParam: { kind: 'input', input: 'cookies' },
  CookieParams: { kind: 'input', input: 'cookies', bag: true },
  UploadedFile: { kind: 'input', input: 'files' },
  UploadedFiles: { kind: 'input', input: 'files' },
  // The driver's request: Express's `req`; on Koa, `ctx.request`.
  Req: { kind: 'request', object: 'request' },
  Request: { kind: 'request', object: 'request' },
  // Koa's context (`ctx.request.body`, `ctx.params`, `ctx.state.user`).
  Ctx: { kind: 'request', object: 'koa-context' },
  CurrentUser: { kind: 'principal' },
  // The session middleware's store, and Koa's `ctx.state`: the server's, never what the client sent.
  Session: { kind: 'principal' },
  SessionParam: { kind: 'principal' },
  State: { kind: 'principal' },
  Res: { kind: 'none' },
  Response: { kind: 'none' },
};

/**
 * Parameter types that routing-controllers converts the input to before the handler runs (it reads
 * the reflected type and casts with `+value` / `value === 'true'`): the handler gets a number or
 * boolean, never text the client shaped, but still the record the client picked.
 */
export const ROUTING_CONVERTED_TYPES: ReadonlySet<string> = new Set(['number', 'boolean']);

/** `@Authorized()` / `@Authorized('admin')`: the app's authorizationChecker runs first (with the roles). */
export const ROUTING_AUTHORIZED_DECORATOR = 'Authorized';
/** `@UseBefore(mw)` runs Express/Koa middleware before the handler; `@UseAfter(mw)` after it (it guards nothing). */
export const ROUTING_MIDDLEWARE_DECORATORS: Readonly<Record<string, 'before' | 'after'>> = { UseBefore: 'before', UseAfter: 'after' };
/** A class middleware (`@Middleware({ type: 'before' })` implementing `use`), global when the server's `middlewares` lists it. */
export const ROUTING_GLOBAL_MIDDLEWARE_DECORATOR = 'Middleware';
