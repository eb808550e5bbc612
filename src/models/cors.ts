/**
 * CORS middleware packages and what each does with the `origin` option, as their documentation and
 * source say. The rule cors-wildcard-credentials reads this table; matching logic lives in the rule.
 */

/** What the Access-Control-Allow-Origin header ends up being for a given option value. */
export type OriginOutcome =
  /** The literal `*`: browsers refuse to send credentials to it. */
  | 'wildcard'
  /** The request's own Origin, whatever it is: every site is allowed, with credentials when set. */
  | 'reflect';

export interface CorsLibrary {
  /** Package specifiers that export it. */
  packages: readonly string[];
  /** The export that is the middleware factory or plugin: 'default' or a named export. */
  exportName: string;
  /** `cors(options)` is called; `app.register(cors, options)` registers a Fastify plugin. */
  form: 'call' | 'register';
  /** What the header is when `origin` is not given and credentials are on. */
  defaultOrigin: OriginOutcome;
  /** What `origin: '*'` does when credentials are on. */
  wildcardWithCredentials: OriginOutcome;
  /**
   * How a function origin says yes: `callback` (`(origin, cb) => cb(null, true | origin)`), `return`
   * (`(origin) => origin`, Hono), `context` (`(ctx) => string`, Koa: the returned string is the header).
   */
  originFunction: readonly ('callback' | 'return' | 'context')[];
}

export const CORS_LIBRARIES: readonly CorsLibrary[] = [
  // expressjs/cors: origin defaults to '*'; true and a callback answering true reflect the request origin.
  { packages: ['cors'], exportName: 'default', form: 'call', defaultOrigin: 'wildcard', wildcardWithCredentials: 'wildcard', originFunction: ['callback'] },
  // @fastify/cors: same option semantics as expressjs/cors; the function may also return (async) the answer.
  { packages: ['@fastify/cors', 'fastify-cors'], exportName: 'default', form: 'register', defaultOrigin: 'wildcard', wildcardWithCredentials: 'wildcard', originFunction: ['callback', 'return'] },
  // @koa/cors: before 5.0 the default origin was the request Origin; from 5.0 it is '*', but with
  // credentials true a '*' (given or default) becomes the request Origin (documented in its Options type).
  { packages: ['@koa/cors', 'kcors'], exportName: 'default', form: 'call', defaultOrigin: 'reflect', wildcardWithCredentials: 'reflect', originFunction: ['context'] },
  // hono/cors: origin defaults to '*'; a function returns the header value (the origin it is given reflects).
  { packages: ['hono/cors'], exportName: 'cors', form: 'call', defaultOrigin: 'wildcard', wildcardWithCredentials: 'wildcard', originFunction: ['return'] },
];

/**
 * NestJS passes `app.enableCors(options)` and `NestFactory.create(Module, { cors: options })` to
 * expressjs/cors (platform-express) or @fastify/cors (platform-fastify): the same semantics.
 */
export const NEST_CORS = {
  package: '@nestjs/core',
  factory: 'NestFactory',
  createMethod: 'create',
  enableMethod: 'enableCors',
  createOption: 'cors',
  semantics: { defaultOrigin: 'wildcard', wildcardWithCredentials: 'wildcard', originFunction: ['callback', 'return'] },
} as const satisfies { semantics: Omit<CorsLibrary, 'packages' | 'exportName' | 'form'> } & Record<string, unknown>;

/** Response header names (lower case) the rule reads in hand-written CORS code. */
export const ALLOW_ORIGIN_HEADER = 'access-control-allow-origin';
export const ALLOW_CREDENTIALS_HEADER = 'access-control-allow-credentials';

/** Methods that set one response header: Express res.setHeader/header/set/append, Fastify reply.header, Koa ctx.set, Hono c.header, Headers#set/append. */
export const HEADER_SETTERS: readonly string[] = ['setHeader', 'header', 'set', 'append'];

/** Methods that take an object of headers: Express res.set/header({..}), res.writeHead(status, {..}), Fastify reply.headers({..}). */
export const HEADER_OBJECT_SETTERS: readonly string[] = ['set', 'header', 'headers', 'writeHead', 'setHeaders'];
