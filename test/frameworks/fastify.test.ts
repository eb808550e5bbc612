import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { fastifyAdapter } from '../../src/engine/frameworks/fastify/index.js';
import type { Route } from '../../src/engine/routes/route.js';
import { makeProject } from '../helpers/cli.js';
import { inventory, loadRoutes } from '../helpers/routes.js';

const appRoutes = loadRoutes(path.resolve('fixtures/apps/fastify'), [fastifyAdapter]);

function find(routes: readonly Route[], id: string): Route {
  const route = routes.find((candidate) => candidate.id === id);
  if (!route) throw new Error(`no route ${id} in ${routes.map((r) => r.id).join(', ')}`);
  return route;
}

const middlewareOf = (route: Route) => route.middleware.map((m) => `${m.name} ${m.kind} ${m.scope}`);

const PACKAGE = JSON.stringify({ name: 'api', type: 'module', dependencies: { fastify: '^5.0.0', 'fastify-plugin': '^5.0.0', '@fastify/jwt': '^9.0.0', '@fastify/autoload': '^6.0.0' } });

/** A plugin file that decorates `authenticate` with @fastify/jwt's verification. */
const AUTH_PLUGIN = `import fp from 'fastify-plugin';
export default fp(async (fastify) => {
  fastify.decorate('authenticate', async (request, reply) => {
    try { await request.jwtVerify(); } catch (err) { reply.send(err); }
  });
});
`;

describe('fastify fixture app', () => {
  test('full inventory', () => {
    expect(inventory(appRoutes)).toEqual([
      { method: 'GET', path: '/admin/audit-log', file: 'src/admin/admin-routes.ts', line: 9, auth: 'authenticated' },
      { method: 'HEAD', path: '/admin/audit-log', file: 'src/admin/admin-routes.ts', line: 9, auth: 'authenticated' },
      { method: 'PUT', path: '/admin/feature-flags/:flag', file: 'src/admin/admin-routes.ts', line: 10, auth: 'authenticated' },
      { method: 'DELETE', path: '/admin/users/:id', file: 'src/admin/admin-routes.ts', line: 11, auth: 'authenticated' },
      { method: 'POST', path: '/api/auth/login', file: 'src/routes/auth/index.ts', line: 13, auth: 'public' },
      { method: 'POST', path: '/api/auth/register', file: 'src/routes/auth/index.ts', line: 14, auth: 'public' },
      { method: 'POST', path: '/api/auth/refresh', file: 'src/routes/auth/index.ts', line: 15, auth: 'public' },
      { method: 'GET', path: '/api/shop/orders/catalog', file: 'src/routes/orders/index.ts', line: 8, auth: 'public' },
      { method: 'GET', path: '/api/shop/orders', file: 'src/routes/orders/index.ts', line: 10, auth: 'authenticated' },
      { method: 'POST', path: '/api/shop/orders', file: 'src/routes/orders/index.ts', line: 15, auth: 'authenticated' },
      { method: 'GET', path: '/api/shop/orders/:id/receipt', file: 'src/routes/orders/index.ts', line: 25, auth: 'authenticated' },
      { method: 'GET', path: '/api/shop/orders/staff/export', file: 'src/routes/orders/index.ts', line: 37, auth: 'authenticated' },
      { method: 'POST', path: '/api/shop/orders/staff/:id/refund', file: 'src/routes/orders/index.ts', line: 38, auth: 'authenticated' },
      { method: 'PUT', path: '/api/shop/orders/staff/:id/refund', file: 'src/routes/orders/index.ts', line: 38, auth: 'authenticated' },
      { method: 'GET', path: '/api/shop/orders/track/:trackingId', file: 'src/routes/orders/index.ts', line: 43, auth: 'public' },
      { method: 'GET', path: '/api/public/products', file: 'src/routes/public/catalog.ts', line: 5, auth: 'public' },
      { method: 'GET', path: '/api/public/products/:sku', file: 'src/routes/public/catalog.ts', line: 6, auth: 'public' },
      { method: 'GET', path: '/api/public/status', file: 'src/routes/public/status.ts', line: 4, auth: 'public' },
      { method: 'GET', path: '/api/reports', file: 'src/routes/reports/index.ts', line: 7, auth: 'unknown' },
      { method: 'GET', path: '/api/reports/summary', file: 'src/routes/reports/index.ts', line: 8, auth: 'authenticated' },
      { method: 'GET', path: '/api/users', file: 'src/routes/users/index.ts', line: 8, auth: 'authenticated' },
      { method: 'GET', path: '/api/users/me', file: 'src/routes/users/index.ts', line: 9, auth: 'authenticated' },
      { method: 'GET', path: '/api/users/:id', file: 'src/routes/users/index.ts', line: 10, auth: 'authenticated' },
      { method: 'PATCH', path: '/api/users/:id', file: 'src/routes/users/index.ts', line: 11, auth: 'authenticated' },
      { method: 'DELETE', path: '/api/users/:id', file: 'src/routes/users/index.ts', line: 12, auth: 'authenticated' },
      { method: 'GET', path: '/health', file: 'src/server.ts', line: 14, auth: 'public' },
      { method: 'POST', path: '/webhooks/stripe', file: 'src/server.ts', line: 16, auth: 'public' },
    ]);
  });

  test('middleware runs in lifecycle order: global limiter, plugin hooks, route hooks', () => {
    expect(middlewareOf(find(appRoutes, 'GET /api/users'))).toEqual([
      'rateLimit rate-limit global',
      'fastify.authenticate auth router',
      "fastify.requireRole('admin') role route",
    ]);
    // schema validation runs after onRequest hooks, before preHandler hooks
    expect(middlewareOf(find(appRoutes, 'POST /api/shop/orders'))).toEqual([
      'rateLimit rate-limit global',
      'fastify.authenticate auth route',
      'schema validation route',
    ]);
  });

  test('decorated hooks resolve through fastify.decorate in another file, reported at the use site', () => {
    const authenticate = find(appRoutes, 'GET /api/users/me').middleware[1]!;
    expect(authenticate).toMatchObject({ kind: 'auth', strength: 'strong', file: 'src/routes/users/index.ts', line: 6 });
    expect(authenticate.evidence).toContain('jwtVerify');
  });

  test('hooks of a child plugin stay inside it', () => {
    expect(middlewareOf(find(appRoutes, 'GET /api/shop/orders/staff/export'))).toEqual([
      'rateLimit rate-limit global',
      'staff.authenticate auth router',
      "staff.requireRole('staff') role router",
    ]);
    expect(middlewareOf(find(appRoutes, 'GET /api/shop/orders/track/:trackingId'))).toEqual(['rateLimit rate-limit global']);
    expect(middlewareOf(find(appRoutes, 'GET /api/shop/orders/catalog'))).toEqual(['rateLimit rate-limit global']);
  });

  test('config.rateLimit false opts a route out of the global limiter', () => {
    expect(find(appRoutes, 'GET /health').middleware).toEqual([]);
    expect(find(appRoutes, 'GET /api/public/status').middleware).toEqual([]);
  });

  test('an opaque guard from an unknown package leaves auth unknown', () => {
    const reports = find(appRoutes, 'GET /api/reports');
    expect(reports.auth).toBe('unknown');
    expect(reports.middleware[1]).toMatchObject({ name: "withTenant({ header: 'x-tenant' })", opaque: true });
  });

  test('handlers resolve across files: imported functions, object and class methods', () => {
    expect(find(appRoutes, 'POST /webhooks/stripe').handler).toMatchObject({ name: 'stripeWebhook', file: 'src/handlers/webhooks.ts', line: 4 });
    expect(find(appRoutes, 'GET /api/users/:id').handler).toMatchObject({ name: 'show', file: 'src/controllers/users-controller.ts' });
    expect(find(appRoutes, 'PUT /admin/feature-flags/:flag').handler).toMatchObject({ name: 'FeatureFlagsHandlers.update', file: 'src/admin/admin-handlers.ts' });
    expect(find(appRoutes, 'GET /api/shop/orders/staff/export').handler).toMatchObject({ name: 'exportOrders', file: 'src/routes/orders/export.ts' });
  });

  test('principal and in-handler checks', () => {
    expect(find(appRoutes, 'GET /api/users/me').principal).toContain('request.user');
    const receipt = find(appRoutes, 'GET /api/shop/orders/:id/receipt');
    expect(receipt.middleware.map((m) => m.kind)).toEqual(['rate-limit']);
    expect(receipt.auth).toBe('authenticated');
    expect(receipt.authEvidence[0]).toContain('reads request.user');
  });
});

describe('fastify encapsulation and registration', () => {
  test('a fastify-plugin hook applies to the parent; a plain plugin hook does not reach its siblings', () => {
    const dir = makeProject({
      'package.json': PACKAGE,
      'src/auth.ts': AUTH_PLUGIN,
      'src/global-hook.ts': `import fp from 'fastify-plugin';
export default fp(async (app) => { app.addHook('onRequest', app.authenticate); });
`,
      'src/server.ts': `import Fastify from 'fastify';
import auth from './auth.js';
import globalHook from './global-hook.js';
const app = Fastify();
app.register(auth);
app.register(async (scoped) => {
  scoped.addHook('onRequest', async (request, reply) => { if (!request.headers.authorization) return reply.code(401).send(); await request.jwtVerify(); });
  scoped.get('/scoped', async () => 'a');
});
app.register(async (sibling) => {
  sibling.get('/sibling', async () => 'b');
});
app.get('/open', async () => 'c');
`,
      'src/other-server.ts': `import Fastify from 'fastify';
import auth from './auth.js';
import globalHook from './global-hook.js';
const api = Fastify();
await api.register(auth);
await api.register(globalHook);
api.get('/everything', async () => 'd');
`,
    });
    const routes = loadRoutes(dir, [fastifyAdapter]);
    expect(inventory(routes).map((r) => `${r.method} ${r.path} ${r.auth}`)).toEqual([
      'GET /everything authenticated',
      'GET /scoped authenticated',
      'GET /sibling public',
      'GET /open public',
    ]);
  });

  test('a child loaded by an awaited register misses hooks its parent adds afterwards', () => {
    const dir = makeProject({
      'package.json': PACKAGE,
      'src/auth.ts': AUTH_PLUGIN,
      'src/server.ts': `import Fastify from 'fastify';
import auth from './auth.js';
async function early(app) { app.get('/early', async () => 1); }
async function late(app) { app.get('/late', async () => 2); }
const app = Fastify();
await app.register(auth);
await app.register(early, { prefix: '/v1' });
app.register(late, { prefix: '/v1' });
app.addHook('preHandler', app.authenticate);
app.get('/own', async () => 3);
`,
    });
    const routes = loadRoutes(dir, [fastifyAdapter]);
    expect(inventory(routes).map((r) => `${r.path} ${r.auth}`)).toEqual(['/v1/early public', '/v1/late authenticated', '/own authenticated']);
  });

  test('nested prefixes, route() with a method array, options handler and path alias', () => {
    const dir = makeProject({
      'package.json': PACKAGE,
      'src/server.ts': `import Fastify from 'fastify';
import v1 from './v1.js';
const server = Fastify();
server.register(v1, { prefix: '/api/' });
`,
      'src/v1.ts': `import type { FastifyPluginAsync } from 'fastify';
const items: FastifyPluginAsync = async (fastify) => {
  fastify.route({ method: ['GET', 'HEAD'], url: '/', handler: async () => [] });
  fastify.route({ method: 'delete', path: '/:id', handler: async () => null });
  fastify.post('/', { async handler(request) { return request.body; } });
};
const v1: FastifyPluginAsync = async (fastify) => {
  fastify.register(items, { prefix: 'items' });
};
export default v1;
`,
    });
    const routes = loadRoutes(dir, [fastifyAdapter]);
    expect(routes.map((r) => r.id)).toEqual(['GET /api/items', 'HEAD /api/items', 'DELETE /api/items/:id', 'POST /api/items']);
    expect(routes[3]!.handler?.name).toBe('handler');
  });

  test('a route url the code fills in (a loop over columns) names the filled segment as a parameter', () => {
    const dir = makeProject({
      'package.json': PACKAGE,
      'src/server.ts': `import Fastify from 'fastify';
import insights from './insights.js';
const server = Fastify();
server.register(insights, { prefix: '/insights' });
`,
      'src/insights.ts': `import type { FastifyPluginAsync } from 'fastify';
const columns = ['country', 'city'] as const;
const insights: FastifyPluginAsync = async (fastify) => {
  for (const column of columns) {
    fastify.route({ method: 'GET', url: \`/:projectId/\${column}\`, handler: async () => column });
  }
  fastify.route({ method: 'GET', url: \`/:projectId/\${columns[0]}-top\`, handler: async () => [] });
};
export default insights;
`,
    });
    const routes = loadRoutes(dir, [fastifyAdapter]);
    expect(routes.map((r) => r.id)).toEqual(['GET /insights/:projectId/:column', 'GET /insights/:projectId/:param-top']);
  });

  test('autoload: folder prefixes, index files, autoPrefix, dirNameRoutePrefix and an entry plugin nothing registers', () => {
    const dir = makeProject({
      'package.json': PACKAGE,
      'src/app.ts': `import AutoLoad from '@fastify/autoload';
import { join } from 'node:path';
export default async function app(fastify, opts) {
  fastify.register(AutoLoad, { dir: join(__dirname, 'routes'), options: { ...opts } });
  fastify.register(AutoLoad, { dir: join(__dirname, 'legacy'), dirNameRoutePrefix: false });
}
`,
      'src/routes/root.ts': `export default async function (fastify) { fastify.get('/', async () => 'root'); }\n`,
      'src/routes/users/index.ts': `export default async function (fastify) { fastify.get('/', async () => []); }\n`,
      'src/routes/users/helpers.ts': `export default async function (fastify) { fastify.get('/never', async () => 'an index file hides its siblings'); }\n`,
      'src/routes/users/avatars/list.ts': `export default async function (fastify) { fastify.get('/', async () => []); }\n`,
      'src/routes/billing/invoices.ts': `export const autoPrefix = '/invoices';\nexport default async function (fastify) { fastify.get('/:id', async () => ({})); }\n`,
      'src/legacy/old/orders.ts': `module.exports = async function (app) { app.get('/orders', async () => []); };\n`,
    });
    const routes = loadRoutes(dir, [fastifyAdapter]);
    expect(routes.map((r) => `${r.id} ${r.file}`)).toEqual([
      'GET /orders src/legacy/old/orders.ts',
      'GET /invoices/:id src/routes/billing/invoices.ts',
      'GET / src/routes/root.ts',
      'GET /users/avatars src/routes/users/avatars/list.ts',
      'GET /users src/routes/users/index.ts',
    ]);
  });

  test('a hook destructured from the instance and @fastify/auth strategies resolve to their decorations', () => {
    const dir = makeProject({
      'package.json': PACKAGE,
      'src/auth.ts': AUTH_PLUGIN,
      'src/server.ts': `import Fastify from 'fastify';
import auth from './auth.js';
const app = Fastify();
await app.register(auth);
app.register(async (admin) => {
  const { authenticate } = admin;
  admin.addHook('onRequest', authenticate);
  admin.get('/admin', async () => 'ok');
});
app.get('/either', { preHandler: app.auth([app.authenticate, app.verifyApiKey]) }, async () => 'ok');
`,
    });
    const routes = loadRoutes(dir, [fastifyAdapter]);
    expect(find(routes, 'GET /admin').middleware).toMatchObject([{ name: 'authenticate', kind: 'auth' }]);
    expect(find(routes, 'GET /either').middleware.map((m) => m.name)).toEqual(['app.authenticate', 'app.verifyApiKey']);
    expect(find(routes, 'GET /either').auth).toBe('authenticated');
  });

  test('an instance exported from one file gets routes in another', () => {
    const dir = makeProject({
      'package.json': PACKAGE,
      'src/app.ts': `import fastify from 'fastify';\nexport const app = fastify({ logger: true });\n`,
      'src/routes.ts': `import { app } from './app.js';\napp.get('/ping', async () => 'pong');\napp.withTypeProvider().post('/echo', async (request) => request.body);\n`,
    });
    expect(loadRoutes(dir, [fastifyAdapter]).map((r) => r.id)).toEqual(['GET /ping', 'POST /echo']);
  });

  test('not enabled without fastify', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ name: 'x', dependencies: { express: '4' } }),
      'src/a.ts': `const app = { get() {} };\napp.get('/x', () => 1);\n`,
    });
    expect(loadRoutes(dir, [fastifyAdapter])).toEqual([]);
  });

  test('an instance from a wrapper package: an exported init function, CommonJS barrels, autoload with patterns, a hook phase with a default', () => {
    // The velocitycore layout: no dependency on fastify itself (a workspace package creates the
    // instance: flow(createServer, initServer, listenServer)), @fastify plugins only.
    const dir = makeProject({
      'package.json': JSON.stringify({ name: 'agent', dependencies: { '@fastify/autoload': '^6.0.0', 'fastify-plugin': '^5.0.0', 'http-errors': '^2.0.0', '@acme/server-provider': '1.0.0' } }),
      'src/start.js': `const { createServer, listenServer } = require('@acme/server-provider');
const { flow } = require('lodash/fp');
const { initServer } = require('./init-server');
const start = () => flow(createServer, initServer, listenServer)({});
module.exports = { start };
`,
      'src/init-server.js': `const { autoloadHolder } = require('./controllers');
const initServer = (server) => server.register(autoloadHolder);
module.exports = { initServer };
`,
      'src/controllers/index.js': `module.exports = {\n  ...require('./autoload-holder'),\n};\n`,
      'src/controllers/autoload-holder.js': `const AutoLoad = require('@fastify/autoload');
const path = require('path');
const autoloadHolder = async (fastify) =>
  fastify.register(AutoLoad, {
    dir: path.join(__dirname, 'holder'),
    indexPattern: /^.*controller(\\.js)$/,
    ignorePattern: /^.*index(\\.js)$/,
    autoHooks: true,
    cascadeHooks: true,
    options: { prefix: '/api/org/:tenantId' },
  });
module.exports = { autoloadHolder };
`,
      'src/plugins/index.js': `module.exports = require('./all');\n`,
      'src/plugins/all.js': `module.exports = {\n  ...require('./verify-access-token-plugin'),\n};\n`,
      'src/plugins/verify-access-token-plugin.js': `const fp = require('fastify-plugin');
const newError = require('http-errors');
const { verifyAccessToken } = require('../tokens');
const initVerifyAccessToken = (options) => async (req) => {
  try {
    req.accessToken = await verifyAccessToken(req.headers.authorization);
  } catch (error) {
    throw newError(401, 'Unauthorized', { errorCode: 'unauthorized' });
  }
};
const verifyAccessTokenPlugin = async (fastify, options) => {
  fastify.addHook(options.hook ?? 'preValidation', initVerifyAccessToken(options));
};
module.exports = { verifyAccessTokenPlugin: fp(verifyAccessTokenPlugin) };
`,
      'src/tokens.js': `const verifyAccessToken = async (token) => token;\nmodule.exports = { verifyAccessToken };\n`,
      'src/controllers/holder/offers/autohooks.js': `const { verifyAccessTokenPlugin } = require('../../../plugins');
module.exports = async (fastify) => { fastify.register(verifyAccessTokenPlugin, { user: true }); };
`,
      'src/controllers/holder/offers/controller.js': `module.exports = async (fastify) => { fastify.post('/finalize', async (req) => req.body); };\n`,
      // Not the folder's index (indexPattern names controller.js): autoload skips it.
      'src/controllers/holder/offers/helpers.js': `module.exports = async (fastify) => { fastify.get('/never-loaded', async () => 1); };\n`,
      'src/controllers/holder/manifest/controller.js': `module.exports = async (fastify) => { fastify.get('/get-manifest', async () => ({})); };\n`,
      // Matches ignorePattern and is no index here: never loaded.
      'src/controllers/holder/manifest/schemas/index.js': `module.exports = async (fastify) => { fastify.get('/schemas', async () => 1); };\n`,
    });
    const routes = loadRoutes(dir, [fastifyAdapter]);
    expect(inventory(routes).map((r) => `${r.method} ${r.path} ${r.auth}`)).toEqual([
      'GET /api/org/:tenantId/manifest/get-manifest public',
      'POST /api/org/:tenantId/offers/finalize authenticated',
    ]);
    expect(find(routes, 'POST /api/org/:tenantId/offers/finalize').middleware).toMatchObject([{ name: 'initVerifyAccessToken(options)', kind: 'auth', file: 'src/plugins/verify-access-token-plugin.js' }]);
  });

  test('an exported function the scanned code calls itself is not an entry point', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ name: 'x', dependencies: { '@fastify/cors': '^11.0.0' } }),
      'src/routes.js': `const registerRoutes = (app) => { app.get('/items', async () => []); app.register(require('@fastify/cors')); };\nmodule.exports = { registerRoutes };\n`,
      'src/server.js': `const { registerRoutes } = require('./routes');\nconst { build } = require('some-wrapper');\nconst app = build();\nregisterRoutes(app);\n`,
    });
    expect(loadRoutes(dir, [fastifyAdapter])).toEqual([]);
  });

  test('route options held in a local of the plugin (shared by its routes) give their hooks and schema', () => {
    const dir = makeProject({
      'package.json': PACKAGE,
      'src/auth.ts': AUTH_PLUGIN,
      'src/server.ts': `import Fastify from 'fastify';
import auth from './auth.js';
const app = Fastify();
await app.register(auth);
app.register(async (events) => {
  const postOptions = { onRequest: [events.authenticate], schema: { body: { type: 'object' } } };
  events.post('/events/a', postOptions, async () => ({}));
  events.post('/events/b', postOptions, async () => ({}));
});
`,
    });
    const routes = loadRoutes(dir, [fastifyAdapter]);
    expect(routes.map((route) => `${route.id} ${route.auth} ${middlewareOf(route).join(', ')}`)).toEqual([
      'POST /events/a authenticated events.authenticate auth route, schema validation route',
      'POST /events/b authenticated events.authenticate auth route, schema validation route',
    ]);
  });

  test('a hook that rejects unless the user is the configured administrator is a role guard; one that only notes it is not', () => {
    const dir = makeProject({
      'package.json': PACKAGE,
      'src/server.ts': `import Fastify from 'fastify';
import createError from 'http-errors';
const app = Fastify();
app.decorate('verifyAdmin', async (req: any) => {
  await req.jwtVerify();
  if (req.user.email !== app.config.adminEmail) throw createError(403, 'not the administrator');
});
app.decorate('noteAdmin', async (req: any) => {
  try { await req.jwtVerify(); } catch { throw createError(401, 'Unauthorized'); }
  req.isAdmin = app.config.adminEmails.includes(req.user.email);
});
app.register(async (admin) => {
  admin.addHook('preHandler', admin.verifyAdmin);
  admin.delete('/tenants/:id', async () => null);
});
app.register(async (members) => {
  members.addHook('preHandler', members.noteAdmin);
  members.delete('/notes/:id', async () => null);
});
`,
    });
    const routes = loadRoutes(dir, [fastifyAdapter]);
    expect(middlewareOf(find(routes, 'DELETE /tenants/:id'))).toEqual(['admin.verifyAdmin role router']);
    expect(middlewareOf(find(routes, 'DELETE /notes/:id'))).toEqual(['members.noteAdmin auth router']);
  });

  test("a server factory's hooks guard the routes of what it creates: flow(createServer, initServer)(config) and const app = createServer()", () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ name: 'x', dependencies: { fastify: '^5.0.0', 'lodash': '^4.0.0', '@fastify/jwt': '^9.0.0' } }),
      'src/server-factory.js': `const Fastify = require('fastify');
const commonCreateServer = (config) => {
  const server = Fastify(config);
  server.register(require('@fastify/jwt'), { secret: config.secret });
  return server;
};
const createServer = (config) => {
  const server = commonCreateServer(config);
  return server.addHook('onRequest', async (request, reply) => {
    try { await request.jwtVerify(); } catch (err) { return reply.code(401).send(); }
  });
};
module.exports = { createServer };
`,
      'src/init-server.js': `const initServer = (server) => server.register(async (api) => { api.get('/reports', async () => []); }, { prefix: '/api' });
module.exports = { initServer };
`,
      'src/start.js': `const { flow } = require('lodash/fp');
const { createServer } = require('./server-factory');
const { initServer } = require('./init-server');
const start = () => flow(createServer, initServer)({ secret: process.env.SECRET });
module.exports = { start };
`,
      'src/other.js': `const { createServer } = require('./server-factory');
const app = createServer({ secret: process.env.SECRET });
app.delete('/items/:id', async () => null);
module.exports = { app };
`,
    });
    const routes = loadRoutes(dir, [fastifyAdapter]);
    expect(routes.map((route) => `${route.id} ${route.auth}`).sort()).toEqual(['DELETE /items/:id authenticated', 'GET /api/reports authenticated']);
    expect(find(routes, 'GET /api/reports').middleware[0]).toMatchObject({ kind: 'auth', scope: 'global', file: 'src/server-factory.js' });
  });

  test('autoload: scriptPattern limits the loose scripts, ignorePattern skips a whole folder, autoHooksPattern names the hooks', () => {
    const dir = makeProject({
      'package.json': PACKAGE,
      'src/app.ts': `import path from 'node:path';
import AutoLoad from '@fastify/autoload';
export default async function app(fastify) {
  fastify.register(AutoLoad, {
    dir: path.join(__dirname, 'routes'),
    scriptPattern: /\\.routes\\.ts$/,
    ignorePattern: /^(?:drafts|.*\\.spec\\.ts)$/,
    autoHooks: true,
    autoHooksPattern: /^hooks\\.ts$/,
  });
}
`,
      'src/routes/orders/orders.routes.ts': `export default async function (app) { app.get('/', async () => []); }\n`,
      'src/routes/orders/helpers.ts': `export default async function (app) { app.get('/helper', async () => []); }\n`,
      'src/routes/orders/hooks.ts': `export default async function (app) { app.addHook('onRequest', async (request, reply) => { try { await request.jwtVerify(); } catch { return reply.code(401).send(); } }); }\n`,
      'src/routes/drafts/drafts.routes.ts': `export default async function (app) { app.get('/', async () => []); }\n`,
    });
    const routes = loadRoutes(dir, [fastifyAdapter]);
    expect(routes.map((route) => `${route.id} ${route.auth}`)).toEqual(['GET /orders authenticated']);
  });

  test("addHook(options.hook ?? 'preValidation', ...) runs where the register call's options say, else at the default", () => {
    const dir = makeProject({
      'package.json': PACKAGE,
      'src/server.ts': `import Fastify from 'fastify';
import fp from 'fastify-plugin';
const verifyToken = fp(async (fastify, options) => {
  fastify.addHook(options.hook ?? 'preValidation', async (request, reply) => {
    try { await request.jwtVerify(); } catch { return reply.code(401).send(); }
  });
});
const app = Fastify();
app.register(async (late) => {
  late.register(verifyToken, { hook: 'preHandler' });
  late.post('/late', { schema: { body: { type: 'object' } } }, async () => ({}));
});
app.register(async (early) => {
  early.register(verifyToken, {});
  early.post('/early', { schema: { body: { type: 'object' } } }, async () => ({}));
});
`,
    });
    const routes = loadRoutes(dir, [fastifyAdapter]);
    expect(find(routes, 'POST /late').middleware.map((m) => m.kind)).toEqual(['validation', 'auth']);
    expect(find(routes, 'POST /early').middleware.map((m) => m.kind)).toEqual(['auth', 'validation']);
  });
});
