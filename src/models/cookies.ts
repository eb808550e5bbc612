/**
 * Cookie setters and session middleware as data: how each is called, where its options are, and
 * the default of each security attribute when the options leave it out (rules/insecure-cookie.ts
 * matches the calls and judges the options). A default of `by-protocol` is the `cookies` package's:
 * Secure when the request came over HTTPS (Koa, cookie-session, koa-session), so leaving it out is
 * not a gap; `unknown` means a plugin-wide default may set it, so only an explicit value is judged.
 */

export type HttpOnlyDefault = boolean | 'unknown';
export type SecureDefault = boolean | 'by-protocol' | 'unknown';

export interface CookieSetterModel {
  library: string;
  /**
   * `response-method`: `res.cookie(name, value, options)` on a response object;
   * `function`: an imported function (`setCookie(c, name, value, options)`);
   * `cookie-jar`: `.cookies.set(name, value, options)` / `cookies().set(...)`;
   * `session`: session middleware whose cookie is the session cookie (`session({ cookie })`,
   * or `fastify.register(plugin, { cookie })`).
   */
  shape: 'response-method' | 'function' | 'cookie-jar' | 'session';
  /** The packages a `function` or `session` is imported from (also: the import that tells a cookie jar's framework). */
  packages: readonly string[];
  /** Methods (`response-method`), exports (`function`; `default` for the module itself). */
  names: readonly string[];
  /** Argument positions; a setter's options may also be a single object holding name and value (Next.js). */
  nameArgument?: number;
  valueArgument?: number;
  optionsArgument: number;
  /** Where the attributes sit inside the options (`cookie` for express-session); absent: at the top. */
  cookieKey?: string;
  httpOnly: HttpOnlyDefault;
  secure: SecureDefault;
  /** An option that makes the cookie Secure whatever `secure` says (Hono `prefix: 'secure' | 'host'`). */
  securePrefixOption?: string;
}

export const COOKIE_SETTERS: readonly CookieSetterModel[] = [
  // Express and NestJS on Express: res.cookie sets neither attribute unless told.
  { library: 'express', shape: 'response-method', packages: ['express'], names: ['cookie'], nameArgument: 0, valueArgument: 1, optionsArgument: 2, httpOnly: false, secure: false },
  // @fastify/cookie: reply.setCookie / reply.cookie; `parseOptions` at registration sets defaults for every call.
  { library: '@fastify/cookie', shape: 'response-method', packages: ['@fastify/cookie', 'fastify-cookie'], names: ['setCookie', 'cookie'], nameArgument: 0, valueArgument: 1, optionsArgument: 2, httpOnly: false, secure: false },
  // Hono: setCookie(c, name, value, options), setSignedCookie(c, name, value, secret, options).
  { library: 'hono', shape: 'function', packages: ['hono/cookie'], names: ['setCookie'], nameArgument: 1, valueArgument: 2, optionsArgument: 3, httpOnly: false, secure: false, securePrefixOption: 'prefix' },
  { library: 'hono', shape: 'function', packages: ['hono/cookie'], names: ['setSignedCookie'], nameArgument: 1, valueArgument: 2, optionsArgument: 4, httpOnly: false, secure: false, securePrefixOption: 'prefix' },
  // Next.js: cookies().set(...) and NextResponse's response.cookies.set(...), also with one object.
  { library: 'next', shape: 'cookie-jar', packages: ['next/headers', 'next/server'], names: ['set'], nameArgument: 0, valueArgument: 1, optionsArgument: 2, httpOnly: false, secure: false },
  // Koa: ctx.cookies.set uses the `cookies` package with Koa's request.secure: HttpOnly on, Secure over HTTPS.
  { library: 'koa', shape: 'cookie-jar', packages: ['koa', '@koa/router', 'koa-router'], names: ['set'], nameArgument: 0, valueArgument: 1, optionsArgument: 2, httpOnly: true, secure: 'by-protocol' },
  // express-session: the session cookie (connect.sid) is HttpOnly by default and not Secure.
  { library: 'express-session', shape: 'session', packages: ['express-session'], names: ['default'], optionsArgument: 0, cookieKey: 'cookie', httpOnly: true, secure: false },
  // cookie-session: the `cookies` package, Secure when the request is HTTPS.
  { library: 'cookie-session', shape: 'session', packages: ['cookie-session'], names: ['default'], optionsArgument: 0, httpOnly: true, secure: 'by-protocol' },
  { library: 'koa-session', shape: 'session', packages: ['koa-session'], names: ['default'], optionsArgument: 0, httpOnly: true, secure: 'by-protocol' },
  // @fastify/session: cookie.secure defaults to true, httpOnly to true.
  { library: '@fastify/session', shape: 'session', packages: ['@fastify/session'], names: ['default'], optionsArgument: 1, cookieKey: 'cookie', httpOnly: true, secure: true },
  { library: '@fastify/secure-session', shape: 'session', packages: ['@fastify/secure-session'], names: ['default'], optionsArgument: 1, cookieKey: 'cookie', httpOnly: 'unknown', secure: 'unknown' },
];

/** Receivers of `res.cookie()` / `reply.setCookie()`: the response object's usual names (Express, Nest `@Res()`, Fastify). */
export const RESPONSE_RECEIVER_NAMES: ReadonlySet<string> = new Set(['res', 'resp', 'response', 'reply', 'rep', 'rawResponse']);

/** The option of `@fastify/cookie`'s registration whose attributes apply to every `setCookie`. */
export const FASTIFY_COOKIE_DEFAULTS_OPTION = 'parseOptions';

/**
 * Words of a cookie's name (or of the value it holds) that make it a session or authentication
 * cookie. CSRF tokens are left out on purpose: the double-submit pattern needs them readable.
 */
export const AUTH_COOKIE_WORDS: ReadonlySet<string> = new Set([
  'session', 'sess', 'sid', 'token', 'tokens', 'jwt', 'auth', 'authentication', 'authorization', 'refresh', 'remember',
  'credential', 'credentials', 'bearer', 'identity', 'apikey', 'impersonate', 'impersonation',
]);
export const CSRF_COOKIE_WORDS: ReadonlySet<string> = new Set(['csrf', 'xsrf']);
