import { ts } from '#typescript';
import { propertyNameText, skipOuterExpressions } from '../../ast/syntax.js';
import type { HttpMethod } from '../../routes/route.js';
import { usesAnyPackage, type FrameworkAdapter } from '../adapter.js';
import { discoverRouterRoutes } from '../express/router-graph.js';
import type { RouterDialect } from '../express/router-identity.js';

const KOA_ROUTE_METHODS = new Map<string, HttpMethod>([
  ['get', 'GET'],
  ['post', 'POST'],
  ['put', 'PUT'],
  ['patch', 'PATCH'],
  ['delete', 'DELETE'],
  ['del', 'DELETE'],
  ['head', 'HEAD'],
  ['options', 'OPTIONS'],
  ['all', 'ALL'],
]);

const ROUTER_PACKAGES = new Set(['@koa/router', 'koa-router']);

const koaDialect: RouterDialect = {
  framework: 'koa',
  routeMethods: KOA_ROUTE_METHODS,
  createdBy(module, importedName, member) {
    if (member !== undefined) return undefined;
    const whole = importedName === 'default' || importedName === '*';
    if (module === 'koa' && (whole || importedName === 'Koa')) return 'app';
    if (ROUTER_PACKAGES.has(module) && (whole || importedName === 'Router')) return 'router';
    return undefined;
  },
  typedAs(module, importedName, member) {
    const name = importedName === 'default' || importedName === '*' ? member ?? importedName : importedName;
    if (module === 'koa' && (name === 'default' || name === 'Koa')) return 'app';
    if (ROUTER_PACKAGES.has(module) && (name === 'default' || name === 'Router')) return 'router';
    return undefined;
  },
  creationPrefix(creation, evaluate) {
    const options = creation.arguments?.[0] && skipOuterExpressions(creation.arguments[0]);
    if (!options || !ts.isObjectLiteralExpression(options)) return undefined;
    for (const property of options.properties) {
      if (ts.isPropertyAssignment(property) && propertyNameText(property.name) === 'prefix') return evaluate(property.initializer);
    }
    return undefined;
  },
  dispatchMethods: new Set(['routes', 'middleware']),
  ignoredMethods: new Set(['allowedMethods']),
  mountPackages: new Set(['koa-mount']),
  namedRoutes: true,
  registerMethod: true,
  projectRouterClasses: true,
};

/**
 * Koa: `@koa/router` / `koa-router` routers (constructor and `prefix()` prefixes, named routes,
 * `router.use('/x', sub.routes())` nesting, `register`), the Koa app's `app.use(...)` order, and
 * koa-mount. A `.unless({ path })` middleware (koa-jwt) does not apply to the paths it lists.
 * Instances of a project's own router class (express/project-router-class.ts) register routes too;
 * the project's dispatcher runs them, so with no check of their own their authentication is unknown.
 */
export const koaAdapter: FrameworkAdapter = {
  name: 'koa',
  isEnabled: (facts) => usesAnyPackage(facts, ['koa', ...ROUTER_PACKAGES]),
  discoverRoutes: (context) => discoverRouterRoutes(context, koaDialect),
};
