import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { honoAdapter } from '../../src/engine/frameworks/hono/index.js';
import { honoPatternMatches } from '../../src/engine/frameworks/hono/path-pattern.js';
import type { Route } from '../../src/engine/routes/route.js';
import { makeProject } from '../helpers/cli.js';
import { inventory, loadRoutes } from '../helpers/routes.js';

const appRoutes = loadRoutes(path.resolve('fixtures/apps/hono'), [honoAdapter]);

function find(routes: readonly Route[], id: string): Route {
  const route = routes.find((candidate) => candidate.id === id);
  if (!route) throw new Error(`no route ${id} in ${routes.map((r) => r.id).join(', ')}`);
  return route;
}

const middlewareOf = (route: Route) => route.middleware.map((m) => `${m.name} ${m.kind} ${m.scope}`);
const PACKAGE = JSON.stringify({ name: 'api', type: 'module', dependencies: { hono: '^4.6.0' } });
const GLOBAL = ['logger() other global', "cors({ origin: ['https://bookings.example.com'] }) other global"];

describe('hono fixture app', () => {
  test('full inventory', () => {
    expect(inventory(appRoutes)).toEqual([
      { method: 'GET', path: '/api/health', file: 'src/index.ts', line: 19, auth: 'public' },
      { method: 'GET', path: '/api/metrics/ping', file: 'src/index.ts', line: 32, auth: 'public' },
      { method: 'GET', path: '/api/metrics', file: 'src/index.ts', line: 34, auth: 'authenticated' },
      { method: 'GET', path: '/api/admin/stats', file: 'src/routes/admin.ts', line: 6, auth: 'authenticated' },
      { method: 'POST', path: '/api/admin/users/:id/ban', file: 'src/routes/admin.ts', line: 7, auth: 'authenticated' },
      { method: 'DELETE', path: '/api/admin/bookings/:id', file: 'src/routes/admin.ts', line: 8, auth: 'authenticated' },
      { method: 'POST', path: '/api/auth/login', file: 'src/routes/auth.ts', line: 12, auth: 'public' },
      { method: 'POST', path: '/api/auth/register', file: 'src/routes/auth.ts', line: 13, auth: 'public' },
      { method: 'POST', path: '/api/auth/logout', file: 'src/routes/auth.ts', line: 14, auth: 'public' },
      { method: 'GET', path: '/api/bookings/availability', file: 'src/routes/bookings.ts', line: 9, auth: 'public' },
      { method: 'POST', path: '/api/bookings', file: 'src/routes/bookings.ts', line: 11, auth: 'authenticated' },
      { method: 'GET', path: '/api/bookings', file: 'src/routes/bookings.ts', line: 12, auth: 'authenticated' },
      { method: 'GET', path: '/api/bookings/:id', file: 'src/routes/bookings.ts', line: 15, auth: 'authenticated' },
      { method: 'PATCH', path: '/api/bookings/:id/status', file: 'src/routes/bookings.ts', line: 23, auth: 'authenticated' },
      { method: 'PUT', path: '/api/bookings/:id/status', file: 'src/routes/bookings.ts', line: 23, auth: 'authenticated' },
      { method: 'ALL', path: '/api/bookings/beta/*', file: 'src/routes/bookings.ts', line: 26, auth: 'unknown' },
      { method: 'GET', path: '/api/catalog/rooms/:id', file: 'src/routes/catalog.ts', line: 21, auth: 'public' },
      { method: 'POST', path: '/api/catalog/rooms', file: 'src/routes/catalog.ts', line: 22, auth: 'authenticated' },
      { method: 'GET', path: '/api/catalog/openapi.json', file: 'src/routes/catalog.ts', line: 23, auth: 'public' },
      { method: 'GET', path: '/api/users/me', file: 'src/routes/users.ts', line: 11, auth: 'authenticated' },
      { method: 'GET', path: '/api/users/:id', file: 'src/routes/users.ts', line: 17, auth: 'authenticated' },
      { method: 'PATCH', path: '/api/users/:id', file: 'src/routes/users.ts', line: 19, auth: 'authenticated' },
      { method: 'DELETE', path: '/api/users/:id', file: 'src/routes/users.ts', line: 20, auth: 'authenticated' },
      { method: 'POST', path: '/api/webhooks/payments', file: 'src/routes/webhooks.ts', line: 21, auth: 'public' },
    ]);
  });

  test('path-scoped middleware registered before a mount applies to the mounted routes, in order', () => {
    expect(middlewareOf(find(appRoutes, 'POST /api/admin/users/:id/ban'))).toEqual([
      ...GLOBAL,
      'jwt({ secret: process.env.JWT_SECRET! }) auth global',
      "requireRole('admin') role global",
    ]);
    // /admin/* does not cover /auth/...
    expect(middlewareOf(find(appRoutes, 'POST /api/auth/logout'))).toEqual(GLOBAL);
  });

  test('middleware applies only to routes registered after it', () => {
    expect(find(appRoutes, 'GET /api/metrics/ping').auth).toBe('public');
    expect(middlewareOf(find(appRoutes, 'GET /api/metrics'))).toEqual([...GLOBAL, 'bearerAuth({ token: process.env.METRICS_TOKEN! }) auth global']);
  });

  test("a sub-app's own use() middleware applies to its routes with router scope", () => {
    expect(middlewareOf(find(appRoutes, 'DELETE /api/users/:id'))).toEqual([
      ...GLOBAL,
      'jwt({ secret: process.env.JWT_SECRET! }) auth router',
      "requireRole('admin') role route",
    ]);
  });

  test('chained registrations without a path reuse the previous path, each at its own line', () => {
    expect(['GET', 'PATCH', 'DELETE'].map((method) => find(appRoutes, `${method} /api/users/:id`).line)).toEqual([17, 19, 20]);
    expect(find(appRoutes, 'PATCH /api/users/:id').handler).toMatchObject({ name: 'updateUser', file: 'src/handlers/users.ts' });
  });

  test('known middleware packages and custom createMiddleware bodies are classified', () => {
    expect(middlewareOf(find(appRoutes, 'POST /api/auth/login')).slice(2)).toEqual([
      'loginLimiter rate-limit route',
      "zValidator('json', credentials) validation route",
    ]);
    expect(find(appRoutes, 'POST /api/bookings').middleware[2]).toMatchObject({ name: 'authMiddleware', kind: 'auth', strength: 'strong' });
    expect(find(appRoutes, 'ALL /api/bookings/beta/*')).toMatchObject({ auth: 'unknown' });
  });

  test('principal, in-handler checks and handlers across files', () => {
    expect(find(appRoutes, 'GET /api/users/me').principal).toContain("c.get('jwtPayload')");
    expect(find(appRoutes, 'GET /api/bookings/:id').authEvidence[0]).toContain('rejects unauthenticated requests');
    expect(find(appRoutes, 'POST /api/bookings').handler).toMatchObject({ name: 'create', file: 'src/handlers/bookings.ts' });
    expect(find(appRoutes, 'POST /api/auth/login').handler).toMatchObject({ name: 'login', file: 'src/handlers/auth.ts', line: 5 });
  });

  test('factory apps and createHandlers spreads; OpenAPIHono routes with {param} paths and route middleware', () => {
    const payments = find(appRoutes, 'POST /api/webhooks/payments');
    expect(payments.middleware.map((m) => m.name)).toEqual(['logger()', "cors({ origin: ['https://bookings.example.com'] })", 'verifySignature']);
    expect(payments.handler).toMatchObject({ file: 'src/routes/webhooks.ts', line: 14 });
    expect(find(appRoutes, 'POST /api/catalog/rooms').middleware.map((m) => m.name)).toContain('authMiddleware');
  });
});

describe('hono mounting and matching', () => {
  test('nested mounts, basePath views, apps returned by functions and default-exported chains', () => {
    const dir = makeProject({
      'package.json': PACKAGE,
      'src/index.ts': `import { Hono } from 'hono';
import { basicAuth } from 'hono/basic-auth';
import v1 from './v1';
import { createReports } from './reports';
const app = new Hono();
const api = app.basePath('/api');
api.use('/v1/private/*', basicAuth({ username: 'u', password: process.env.PASSWORD! }));
api.route('/v1', v1);
app.route('/reports', createReports());
app.on('GET', ['/a', '/b'], (c) => c.text('x'));
export default app;
`,
      'src/v1.ts': `import { Hono } from 'hono';
import items from './items';
const v1 = new Hono();
v1.route('/private/items', items);
v1.route('/items', items);
export default v1;
`,
      'src/items.ts': `import { Hono } from 'hono';
export default new Hono().get('/', (c) => c.json([])).post('/:id{[0-9]+}', (c) => c.json({}));
`,
      'src/reports.ts': `import { Hono } from 'hono';
export function createReports() {
  const reports = new Hono();
  reports.get('/daily', (c) => c.json({}));
  return reports;
}
`,
    });
    const routes = loadRoutes(dir, [honoAdapter]);
    expect(routes.map((r) => `${r.id} ${r.auth}`)).toEqual([
      'GET /a public',
      'GET /b public',
      // one registration mounted twice: same file and line, ordered by path
      'GET /api/v1/items public',
      'GET /api/v1/private/items authenticated',
      'POST /api/v1/items/:id{[0-9]+} public',
      'POST /api/v1/private/items/:id{[0-9]+} authenticated',
      'GET /reports/daily public',
    ]);
  });

  test('a middleware list imported from another module and spread into use() runs its own middleware', () => {
    const dir = makeProject({
      'package.json': PACKAGE,
      'src/middleware.ts': `import type { MiddlewareHandler } from 'hono';
import { verify } from 'hono/jwt';
const withAuth: MiddlewareHandler = async (c, next) => {
  const header = c.req.header('Authorization');
  if (!header) return c.json({ error: 'unauthorized' }, 401);
  c.set('session', await verify(header, process.env.JWT_SECRET!));
  await next();
};
const withRequestId: MiddlewareHandler = async (c, next) => { await next(); };
export const protectedMiddleware: MiddlewareHandler[] = [withRequestId, withAuth];
// API-key scopes read into a name, answered with a status a formatter left a trailing comma after.
export const withRequiredScope = (...required: string[]): MiddlewareHandler => async (c, next) => {
  const scopes = c.get('scopes') as string[] | undefined;
  if (!scopes) return c.json({ error: 'Unauthorized' }, 401);
  if (!required.some((scope) => scopes.includes(scope))) {
    return c.json(
      { error: 'Forbidden' },
      403,
    );
  }
  await next();
};
`,
      'src/index.ts': `import { Hono } from 'hono';
import { protectedMiddleware, withRequiredScope } from './middleware';
const app = new Hono();
app.get('/open', (c) => c.text('x'));
app.get('/reports', withRequiredScope('reports.read'), (c) => c.json([]));
app.use(...protectedMiddleware);
app.get('/invoices', (c) => c.json([]));
export default app;
`,
    });
    const routes = loadRoutes(dir, [honoAdapter]);
    expect(routes.map((r) => `${r.id} ${r.auth}`)).toEqual(['GET /open public', 'GET /reports authenticated', 'GET /invoices authenticated']);
    expect(middlewareOf(find(routes, 'GET /reports'))).toEqual(["withRequiredScope('reports.read') role route"]);
    const invoices = find(routes, 'GET /invoices');
    expect(middlewareOf(invoices)).toEqual(['withRequestId other global', 'withAuth auth global']);
    expect(invoices.middleware[1]!.file).toBe('src/middleware.ts');
  });

  test('a (c, next) guard that runs bearerAuth on its own context, and hono/combine every/some, are read for what they run', () => {
    const dir = makeProject({
      'package.json': PACKAGE,
      'src/index.ts': `import { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { every, some } from 'hono/combine';
const app = new Hono();
const tokenCheck = bearerAuth({ token: process.env.TOKEN! });
const stamp = async (c: any, next: () => Promise<void>) => { c.header('x-t', '1'); await next(); };
const cronGuard = async (c: any, next: () => Promise<void>) => {
  if (process.env.CRON_SECRET) return bearerAuth({ token: process.env.CRON_SECRET })(c, next);
  return c.json({ error: 'not configured' }, 500);
};
app.get('/cron/sweep', cronGuard, (c) => c.json({}));
app.get('/stamped', stamp, (c) => c.json({}));
app.get('/both', every(tokenCheck, stamp), (c) => c.json({}));
app.get('/either', some(tokenCheck, stamp), (c) => c.json({}));
export default app;
`,
    });
    const routes = loadRoutes(dir, [honoAdapter]);
    expect(routes.map((r) => `${r.id} ${r.auth}`)).toEqual(['GET /cron/sweep authenticated', 'GET /stamped public', 'GET /both authenticated', 'GET /either public']);
  });

  test('register(app) helpers add their routes where they are called, with the middleware used before the call, from an entry that does not name Hono', () => {
    const dir = makeProject({
      'package.json': PACKAGE,
      'src/app.ts': `import { OpenAPIHono } from '@hono/zod-openapi';
export type App = OpenAPIHono;
export function newApp() {
  const app = new OpenAPIHono();
  return app;
}
`,
      'src/routes/liveness.ts': `import type { App } from '../app';
export const registerLiveness = (app: App) => app.get('/v1/liveness', (c) => c.json({ ok: true }));
`,
      'src/routes/projects.ts': `import { createRoute } from '@hono/zod-openapi';
import type { App } from '../app';
const route = createRoute({ method: 'get', path: '/v1/projects/{id}', responses: {} });
export function registerProjects(api: App, options: { verbose: boolean }) {
  api.openapi(route, (c) => c.json({ id: c.req.param('id') }));
}
`,
      'src/worker.ts': `import { newApp } from './app';
import { registerLiveness } from './routes/liveness';
import { registerProjects } from './routes/projects';
import { init } from './middleware';
const app = newApp();
registerLiveness(app);
app.use('*', init());
registerProjects(app, { verbose: false });
export default { fetch: app.fetch };
`,
      'src/middleware.ts': `export const init = () => async (c: unknown, next: () => Promise<void>) => next();\n`,
    });
    const routes = loadRoutes(dir, [honoAdapter]);
    expect(routes.map((r) => `${r.id} ${r.file}:${r.line} [${middlewareOf(r).join(', ')}]`)).toEqual([
      'GET /v1/liveness src/routes/liveness.ts:2 []',
      'GET /v1/projects/:id src/routes/projects.ts:5 [init() other global]',
    ]);
  });

  test('Hono path patterns', () => {
    expect(honoPatternMatches('*', '/anything')).toBe(true);
    expect(honoPatternMatches('/api/*', '/api')).toBe(true);
    expect(honoPatternMatches('/api/*', '/api/users/:id')).toBe(true);
    expect(honoPatternMatches('/api/*', '/apiary')).toBe(false);
    expect(honoPatternMatches('/users/:id', '/users/:userId')).toBe(true);
    expect(honoPatternMatches('/users/:id', '/users/:id/orders')).toBe(false);
    expect(honoPatternMatches('/admin', '/admin/users')).toBe(false);
    expect(honoPatternMatches('/files/*.pdf', '/files/report.pdf')).toBe(true);
  });

  test('not enabled without hono', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ name: 'x', dependencies: { express: '4' } }),
      'src/a.ts': `class Hono { get() {} }\nconst app = new Hono();\napp.get('/x', () => 1);\n`,
    });
    expect(loadRoutes(dir, [honoAdapter])).toEqual([]);
  });
});
