/**
 * Library calls that serve other entry points over an HTTP route: a Next.js route or an Express
 * mount that hands every request to a tRPC router, a GraphQL server or a Hono app. The procedures,
 * operations and routes behind it are inventoried on their own, each with its own authentication;
 * the transport route itself checks nothing and exposes nothing of its own.
 * Keyed by package (the module the function is imported from); values are its exports.
 */
export const ENTRY_POINT_TRANSPORTS: Readonly<Record<string, { serves: string; functions: readonly string[] }>> = {
  '@trpc/server/adapters/fetch': { serves: 'tRPC procedures', functions: ['fetchRequestHandler'] },
  '@trpc/server/adapters/next': { serves: 'tRPC procedures', functions: ['createNextApiHandler'] },
  '@trpc/server/adapters/node-http': { serves: 'tRPC procedures', functions: ['nodeHTTPRequestHandler'] },
  '@trpc/server/adapters/express': { serves: 'tRPC procedures', functions: ['createExpressMiddleware'] },
  '@trpc/server/adapters/fastify': { serves: 'tRPC procedures', functions: ['fastifyTRPCPlugin'] },
  '@trpc/server/adapters/standalone': { serves: 'tRPC procedures', functions: ['createHTTPHandler'] },
  '@hono/trpc-server': { serves: 'tRPC procedures', functions: ['trpcServer'] },
  // oRPC: classes constructed with the router (`new RPCHandler(router)`), whose `handle()` the route calls.
  '@orpc/server/fetch': { serves: 'oRPC procedures', functions: ['RPCHandler'] },
  '@orpc/server/node': { serves: 'oRPC procedures', functions: ['RPCHandler'] },
  '@orpc/openapi/fetch': { serves: 'oRPC procedures', functions: ['OpenAPIHandler'] },
  '@orpc/openapi/node': { serves: 'oRPC procedures', functions: ['OpenAPIHandler'] },
  '@as-integrations/next': { serves: 'GraphQL operations', functions: ['startServerAndCreateNextHandler'] },
  '@apollo/server/express4': { serves: 'GraphQL operations', functions: ['expressMiddleware'] },
  '@as-integrations/express5': { serves: 'GraphQL operations', functions: ['expressMiddleware'] },
  'graphql-http/lib/use/express': { serves: 'GraphQL operations', functions: ['createHandler'] },
  'graphql-http/lib/use/fetch': { serves: 'GraphQL operations', functions: ['createHandler'] },
  'hono/vercel': { serves: 'Hono routes', functions: ['handle'] },
  'hono/nextjs': { serves: 'Hono routes', functions: ['handle'] },
  'hono/aws-lambda': { serves: 'Hono routes', functions: ['handle'] },
};

/**
 * Library calls that build a response from the value they are given (Remix / React Router `data`,
 * `json`, `redirect`): a handler that returns one answers the request itself and hands it to no
 * code of the library that might check the caller. Keyed by package; values are its exports.
 */
export const RESPONSE_BUILDERS: Readonly<Record<string, readonly string[]>> = {
  'react-router': ['data', 'json', 'redirect', 'redirectDocument', 'replace'],
  '@remix-run/node': ['data', 'json', 'defer', 'redirect', 'redirectDocument', 'replace'],
  '@remix-run/server-runtime': ['data', 'json', 'defer', 'redirect', 'redirectDocument', 'replace'],
  '@remix-run/cloudflare': ['data', 'json', 'defer', 'redirect', 'redirectDocument', 'replace'],
  '@remix-run/deno': ['data', 'json', 'defer', 'redirect', 'redirectDocument', 'replace'],
};
