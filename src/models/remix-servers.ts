/**
 * Packages that build the server a Remix / React Router app runs in and hand the app's code the
 * server's app to add middleware to: each callback named here is given that app as its first
 * parameter, and what it `use`s runs before the request handler that calls the route modules'
 * loaders and actions (engine/frameworks/remix/server.ts).
 */
export interface RemixServerFactory {
  /** The package, any subpath of it too (`react-router-hono-server/node`, `/bun`, `/cloudflare`). */
  module: string;
  /** Its export that builds the server. */
  factory: string;
  /** The options' callbacks handed the app (react-router-hono-server: `beforeAll` before static files, `configure` after). */
  appCallbacks: readonly string[];
}

export const REMIX_SERVER_FACTORIES: readonly RemixServerFactory[] = [
  { module: 'react-router-hono-server', factory: 'createHonoServer', appCallbacks: ['beforeAll', 'configure'] },
];
