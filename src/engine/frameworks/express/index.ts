import type { HttpMethod } from '../../routes/route.js';
import { usesAnyPackage, type FrameworkAdapter } from '../adapter.js';
import { discoverRouterRoutes } from './router-graph.js';
import type { RouterDialect, RouterKind } from './router-identity.js';

const EXPRESS_ROUTE_METHODS = new Map<string, HttpMethod>([
  ['get', 'GET'],
  ['post', 'POST'],
  ['put', 'PUT'],
  ['patch', 'PATCH'],
  ['delete', 'DELETE'],
  ['head', 'HEAD'],
  ['options', 'OPTIONS'],
  ['search', 'SEARCH'],
  ['all', 'ALL'],
]);

/** Drop-in Router replacements that route exactly like express.Router. */
const ROUTER_PACKAGES = new Set(['express-promise-router']);

const expressDialect: RouterDialect = {
  framework: 'express',
  routeMethods: EXPRESS_ROUTE_METHODS,
  createdBy(module, importedName, member) {
    if (ROUTER_PACKAGES.has(module)) return member ? undefined : 'router';
    if (module !== 'express') return undefined;
    const whole = importedName === 'default' || importedName === '*';
    if (whole && member === undefined) return 'app';
    if ((whole && member === 'Router') || (importedName === 'Router' && member === undefined)) return 'router';
    return undefined;
  },
  typedAs(module, importedName, member) {
    if (module !== 'express') return undefined;
    const name = importedName === 'default' || importedName === '*' ? member : importedName;
    return expressTypeKind(name);
  },
};

function expressTypeKind(name: string | undefined): RouterKind | undefined {
  if (name === 'Express' || name === 'Application') return 'app';
  if (name === 'Router' || name === 'IRouter') return 'router';
  return undefined;
}

/**
 * Express: `express()` apps and `Router()` routers, `app.METHOD(path, ...middleware, handler)`,
 * `app.route(path)` chains, `use` middleware in registration order (optionally path-scoped), and
 * routers mounted with `app.use(prefix, router)` across files, including routers returned by
 * factories, held by controller classes, or set up by functions the app is passed to.
 */
export const expressAdapter: FrameworkAdapter = {
  name: 'express',
  isEnabled: (facts) => usesAnyPackage(facts, ['express', ...ROUTER_PACKAGES]),
  discoverRoutes: (context) => discoverRouterRoutes(context, expressDialect),
};
