/**
 * HTML responses as data: the calls and assignments that write a response body, which of them the
 * framework sends as HTML, and the escapers that make request data safe inside HTML.
 * rules/xss-reflected.ts holds the matching (a response object's method, the content type set on
 * it before, the markup around the value).
 */

/**
 * Methods of a response object that write the body: Express/Fastify `send`, Node `write`/`end`.
 * `send` of a string is HTML in Express unless a type was set (Fastify: text/plain); `write`/`end`
 * send no type, so only markup around the value, or a type set to HTML, makes them HTML.
 */
export const BODY_WRITERS: ReadonlySet<string> = new Set(['send', 'write', 'end']);

/** The body writer Express answers as text/html for a string with no Content-Type set. */
export const EXPRESS_HTML_BY_DEFAULT = 'send';

/** Hono `c.html(body)`: always text/html. */
export const HTML_WRITERS: ReadonlySet<string> = new Set(['html']);

/**
 * Methods that set the content type: Express `res.type('html')` / `res.contentType(...)`, Fastify
 * `reply.type('text/html')`, and the header setters with `Content-Type`.
 */
export const TYPE_SETTERS: ReadonlySet<string> = new Set(['type', 'contentType']);
export const HEADER_SETTERS: ReadonlySet<string> = new Set(['setHeader', 'set', 'header', 'writeHead', 'append']);

/** Koa: `ctx.body = x` writes the body; `ctx.type = 'html'` sets the type (a string starting with `<` is sent as HTML). */
export const KOA_BODY_PROPERTIES: ReadonlySet<string> = new Set(['body']);
export const KOA_TYPE_PROPERTIES: ReadonlySet<string> = new Set(['type']);

/** A type value that means HTML: `html`, `text/html`, `.html`, `application/xhtml+xml`. */
export const HTML_TYPE = /^(?:\.?html?|text\/html|application\/xhtml\+xml)\b/i;

/** Hono's `html` tagged template escapes its substitutions; `raw(x)` from the same module does not. */
export const HONO_HTML_MODULE = 'hono/html';
export const HONO_RAW_EXPORTS: readonly string[] = ['raw'];

/**
 * Functions whose result is safe inside HTML text (`<` and `&` escaped). Library escapers the
 * scan cannot see into already end the flow (their result is not request data to the dataflow);
 * these are the ones it follows (lodash's `_.escape`, the global `escape`, the URL encoders) or a
 * project writes itself under such a name.
 */
export const HTML_ESCAPING_TRANSFORMS: ReadonlySet<string> = new Set(['_.escape', 'lodash.escape', 'escape', 'encodeURIComponent', 'encodeURI', 'querystring.escape', 'qs.stringify', 'querystring.stringify', 'new URLSearchParams']);

/** A project's own helper whose name says it escapes or sanitizes for HTML (`escapeHtml`, `sanitizeHtml`, `htmlEncode`, `encodeForHTML`). */
export const HTML_ESCAPER_NAME = /escape|sanitiz|encode|purify|xss|entities/i;

/** Escaping libraries, for `trustscan models`. */
export const HTML_ESCAPER_PACKAGES: readonly string[] = ['escape-html', 'he', 'html-entities', 'validator', 'lodash', 'sanitize-html', 'dompurify', 'isomorphic-dompurify', 'xss', 'entities'];
