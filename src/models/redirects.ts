/**
 * Redirects as data: the framework calls that send the browser to another URL, and where their
 * target is. rules/open-redirect.ts holds the matching (a response or context object's method, an
 * import resolved to a module's export) and judges whether request data decides the target's host
 * with rules/utils/url-host-control.ts, the same test the ssrf rule makes.
 */

/**
 * Methods of a response or context object that answer with a redirect: Express `res.redirect([status,] url)`,
 * Koa `ctx.redirect(url)`, Fastify `reply.redirect([code,] url)` (v5: `reply.redirect(url, code)`),
 * Hono `c.redirect(url, status?)`. The target is the first argument that is not a status code.
 */
export const REDIRECT_METHODS: ReadonlySet<string> = new Set(['redirect']);

/** Express `res.location(url)`: sets the Location header (a 3xx status sends the browser there). */
export const LOCATION_METHODS: ReadonlySet<string> = new Set(['location']);

/** Header setters whose `(name, value)` set a header: `res.setHeader('Location', x)`, `res.set(...)`, `reply.header(...)`, `ctx.set(...)`, `c.header(...)`. */
export const HEADER_SETTERS: ReadonlySet<string> = new Set(['setHeader', 'set', 'header', 'append', 'appendHeader']);

/** Node's `res.writeHead(status, [message,] headers)`: the headers object may hold a Location. */
export const HEAD_WRITERS: ReadonlySet<string> = new Set(['writeHead']);

/** The header a browser follows on a 3xx answer (names compared case-insensitively). */
export const LOCATION_HEADER = 'location';

/**
 * Names a handler gives its response or context object (Express/NestJS `res`, `response`; Fastify
 * `reply`; Koa `ctx`; Hono `c`; hapi `h`): a redirect method on anything else (a router's
 * `router.redirect('/old', '/new')`, a client SDK) is not an answer to the request.
 */
export const RESPONSE_OBJECT_NAMES: ReadonlySet<string> = new Set(['res', 'resp', 'response', 'reply', 'rep', 'ctx', 'context', 'c', 'h', 'httpResponse', 'serverResponse']);

/** Functions imported from a package that redirect: their first argument is the target. */
export const REDIRECT_FUNCTIONS: ReadonlyArray<{ module: string; members: readonly string[]; description: string }> = [
  { module: 'next/navigation', members: ['redirect'], description: 'Next.js redirect() in a server component, action or route handler' },
  { module: 'next/navigation', members: ['permanentRedirect'], description: 'Next.js permanentRedirect()' },
  { module: 'next/server', members: ['NextResponse', 'redirect'], description: 'NextResponse.redirect(url) in a route handler or middleware' },
];

/** The web platform's `Response.redirect(url, status?)` (a global: Next.js and Hono route handlers, workers). */
export const GLOBAL_REDIRECT = { object: 'Response', method: 'redirect' } as const;
