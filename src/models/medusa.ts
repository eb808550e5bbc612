/**
 * Medusa v2 (@medusajs/framework, @medusajs/medusa) as data: where its file-based API routes live,
 * what its router does to every route by default, and what its middleware exports do. The adapter
 * that reads them is engine/frameworks/medusa/. Checked against @medusajs/framework's
 * src/http/router.ts (ApiRoutesLoader) and src/http/middlewares/authenticate-middleware.ts.
 */

/** A project is a Medusa app or plugin when it depends on or imports one of these. */
export const MEDUSA_PACKAGES: readonly string[] = ['@medusajs/framework', '@medusajs/medusa'];

/**
 * The route tree: `src/api/<path>/route.ts` (the loader reads `src/api`; a plugin's too). A file whose
 * name without its extension is `route` is a route; any folder or file starting with `_` is skipped.
 */
export const MEDUSA_API_FOLDER = { parent: 'src', folder: 'api' } as const;
export const MEDUSA_ROUTE_FILE = /^route\.(?:ts|js|mts|mjs|cts|cjs)$/;
/** The one middlewares file the loader reads, directly in the api folder; other middlewares files count only through its imports. */
export const MEDUSA_MIDDLEWARES_FILE = /^middlewares\.(?:ts|js|mts|mjs|cts|cjs)$/;
/** The export a route file sets to `false` to opt out of the router's default authentication. */
export const MEDUSA_AUTHENTICATE_FLAG = 'AUTHENTICATE';

/**
 * What the router puts in front of every route under a prefix unless its file exports
 * `AUTHENTICATE = false`: `/admin` requires a signed-in `user` (bearer, session or a secret API key);
 * `/store` only reads a customer's credentials when sent (`allowUnauthenticated: true`), so a store
 * route is public unless its own middleware authenticates.
 */
export const MEDUSA_DEFAULT_AUTHENTICATION: ReadonlyArray<{ prefix: string; actor: string; methods: readonly string[]; required: boolean }> = [
  { prefix: '/admin', actor: 'user', methods: ['bearer', 'session', 'api-key'], required: true },
  { prefix: '/store', actor: 'customer', methods: ['bearer', 'session'], required: false },
];

/** What the exports of Medusa's packages do when listed in a middlewares.ts route's `middlewares`. */
export const MEDUSA_MIDDLEWARE_PACKAGES: Readonly<Record<string, Readonly<Record<string, 'auth' | 'validation' | 'other'>>>> = {
  '@medusajs/framework/http': { authenticate: 'auth', validateAndTransformBody: 'validation', validateAndTransformQuery: 'validation', '*': 'other' },
  '@medusajs/framework': { authenticate: 'auth', validateAndTransformBody: 'validation', validateAndTransformQuery: 'validation', '*': 'other' },
  '@medusajs/medusa': { authenticate: 'auth', validateAndTransformBody: 'validation', validateAndTransformQuery: 'validation', '*': 'other' },
};

/**
 * Actor types that are Medusa's admin accounts: `authenticate('user', ...)` admits only users of the
 * admin dashboard (customers are the `customer` actor, and the core has no roles among users), so it
 * is an admin-only check as well as authentication.
 */
export const MEDUSA_ADMIN_ACTOR_TYPES: readonly string[] = ['user'];

/** The helper a middlewares file wraps its config in: `defineMiddlewares({ routes: [...] })` or `defineMiddlewares([...])`. */
export const MEDUSA_DEFINE_MIDDLEWARES = 'defineMiddlewares';
