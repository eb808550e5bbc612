import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { koaAdapter } from '../../src/engine/frameworks/koa/index.js';
import type { Route } from '../../src/engine/routes/route.js';
import { makeProject } from '../helpers/cli.js';
import { inventory, loadRoutes } from '../helpers/routes.js';

const APP = path.resolve('fixtures/apps/koa');

function route(routes: readonly Route[], id: string): Route {
  const found = routes.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no route ${id} in ${routes.map((r) => r.id).join(', ')}`);
  return found;
}

const middlewareOf = (found: Route) => found.middleware.map((m) => `${m.name.replace(/\(\{ secret.*$/s, '(...)')} ${m.kind}/${m.scope}`);

const KOA_PACKAGE = JSON.stringify({ dependencies: { koa: '^2.15.3', '@koa/router': '^12.0.1' } });

describe('koa adapter: fixture app', () => {
  const routes = loadRoutes(APP, [koaAdapter]);

  it('finds the full inventory with router prefixes, nesting and koa-mount', () => {
    expect(inventory(routes)).toEqual([
      { method: 'GET', path: '/ops/queues', file: 'src/ops.ts', line: 9, auth: 'authenticated' },
      { method: 'POST', path: '/ops/queues/:name/drain', file: 'src/ops.ts', line: 12, auth: 'authenticated' },
      { method: 'GET', path: '/api/accounts', file: 'src/routes/accounts.ts', line: 9, auth: 'authenticated' },
      { method: 'GET', path: '/api/accounts/:id', file: 'src/routes/accounts.ts', line: 10, auth: 'authenticated' },
      { method: 'POST', path: '/api/accounts/:id/transfers', file: 'src/routes/accounts.ts', line: 12, auth: 'authenticated' },
      { method: 'DELETE', path: '/api/accounts/:id', file: 'src/routes/accounts.ts', line: 13, auth: 'authenticated' },
      { method: 'GET', path: '/api/admin/v1/users', file: 'src/routes/admin.ts', line: 6, auth: 'authenticated' },
      { method: 'PUT', path: '/api/admin/v1/users/:id/role', file: 'src/routes/admin.ts', line: 9, auth: 'authenticated' },
      { method: 'ALL', path: '/api/admin/v1/legacy/(.*)', file: 'src/routes/admin.ts', line: 12, auth: 'authenticated' },
      { method: 'POST', path: '/api/auth/login', file: 'src/routes/auth.ts', line: 7, auth: 'public' },
      { method: 'POST', path: '/api/auth/logout', file: 'src/routes/auth.ts', line: 8, auth: 'authenticated' },
      { method: 'GET', path: '/health', file: 'src/routes/health.ts', line: 6, auth: 'public' },
      { method: 'GET', path: '/whoami', file: 'src/routes/health.ts', line: 9, auth: 'authenticated' },
      { method: 'GET', path: '/ping', file: 'src/routes/health.ts', line: 14, auth: 'public' },
      { method: 'HEAD', path: '/ping', file: 'src/routes/health.ts', line: 14, auth: 'public' },
      { method: 'GET', path: '/api/public/rates', file: 'src/routes/public.ts', line: 6, auth: 'public' },
      { method: 'GET', path: '/api/public/partners/:id', file: 'src/routes/public.ts', line: 9, auth: 'unknown' },
    ]);
    expect(routes.every((r) => r.framework === 'koa')).toBe(true);
  });

  it('applies app.use middleware registered before the router, and koa-jwt except the unless paths', () => {
    expect(middlewareOf(route(routes, 'POST /api/auth/logout'))).toEqual(['bodyParser() other/global', 'jwt(...) auth/global']);
    expect(middlewareOf(route(routes, 'POST /api/auth/login'))).toEqual(['bodyParser() other/global', 'loginLimiter rate-limit/route']);
    expect(middlewareOf(route(routes, 'GET /api/public/rates'))).toEqual(['bodyParser() other/global']);
    // health is registered before the jwt middleware: the token is not required there.
    expect(middlewareOf(route(routes, 'GET /health'))).toEqual(['bodyParser() other/global']);
  });

  it('keeps router.use order and route-level guards', () => {
    expect(middlewareOf(route(routes, 'GET /api/accounts/:id'))).toEqual(['bodyParser() other/global', 'jwt(...) auth/global']);
    expect(middlewareOf(route(routes, 'DELETE /api/accounts/:id'))).toEqual([
      'bodyParser() other/global',
      'jwt(...) auth/global',
      'auditTrail other/router',
      "requireRole('admin') role/route",
    ]);
    expect(middlewareOf(route(routes, 'GET /api/admin/v1/users'))).toEqual(['bodyParser() other/global', 'jwt(...) auth/global', "requireRole('admin') role/router"]);
    expect(middlewareOf(route(routes, 'GET /ops/queues'))).toEqual(['bodyParser() other/global', 'jwt(...) auth/global', "requireRole('operator') role/router"]);
  });

  it('resolves handlers: named routes, class fields, namespace imports', () => {
    expect(route(routes, 'GET /api/accounts/:id').handler).toMatchObject({ name: 'AccountsHandler.show', file: 'src/handlers/accounts.ts', line: 8 });
    expect(route(routes, 'POST /api/auth/login').handler).toMatchObject({ name: 'login', file: 'src/handlers/session.ts', line: 3 });
    const whoami = route(routes, 'GET /whoami');
    expect(whoami.handler?.name).toBe('whoami');
    expect(whoami.principal).toEqual(['ctx.state.user']);
    expect(whoami.authEvidence[0]).toMatch(/whoami .* reads ctx\.state\.user and rejects/);
  });
});

describe('koa adapter: tricky cases', () => {
  it('handles koa-router with a constructor prefix, router.prefix(), and sub-routers without a path', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { koa: '^2.15.3', 'koa-router': '^12.0.1' } }),
      'src/app.ts': [
        "import Koa from 'koa';",
        "import Router from 'koa-router';",
        'const app = new Koa();',
        "const api = new Router({ prefix: '/api' });",
        'const docs = new Router();',
        "docs.prefix('/docs');",
        "docs.post('documents.info', async (ctx) => { ctx.body = {}; });",
        "api.use('/', docs.routes());",
        'api.use(docs.routes());',
        'app.use(api.routes());',
        '',
      ].join('\n'),
    });
    expect(inventory(loadRoutes(dir, [koaAdapter])).map((r) => `${r.method} ${r.path} ${r.line}`)).toEqual([
      'POST /api/docs/documents.info 7',
    ]);
  });

  it("finds the routes registered on a project's own router class, whose dispatcher decides authentication", () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { koa: '^2.15.3' } }),
      'src/utils/Router.ts': [
        "import type { Context } from 'koa';",
        'export type RouteHandler = (path: { id: string }, ctx: Context) => Promise<unknown>;',
        'export default class Router {',
        '  public public = false;',
        '  private routes_: Record<string, Record<string, { handler: RouteHandler }>> = {};',
        '  public get(path: string, handler: RouteHandler) { this.routes_.GET ??= {}; this.routes_.GET[path] = { handler }; }',
        '  public post(path: string, handler: RouteHandler) { this.routes_.POST ??= {}; this.routes_.POST[path] = { handler }; }',
        '}',
        '// A cache: `get(key, fallback)` hands back a value, it stores no handler.',
        'export class Cache {',
        '  private values = new Map<string, string>();',
        '  public get(key: string, fallback: string) { return this.values.get(key) ?? fallback; }',
        '  public post(key: string, value: string) { this.values.set(key, value); }',
        '}',
        '',
      ].join('\n'),
      'src/utils/requestUtils.ts': [
        "import type { Context } from 'koa';",
        'export function ownerRequired(ctx: Context) {',
        "  if (!ctx.state.owner) throw new Error('Forbidden');",
        '}',
        '',
      ].join('\n'),
      'src/routes/shares.ts': [
        "import Router, { Cache } from '../utils/Router';",
        "import { ownerRequired } from '../utils/requestUtils';",
        'const router = new Router();',
        'const cache = new Cache();',
        "cache.post('api/cached', 'x');",
        "cache.get('api/cached', 'y');",
        "router.get('api/shares/:id', async (path, ctx) => { ownerRequired(ctx); return path.id; });",
        "router.get('api/shares', async (_path, ctx) => ctx.query);",
        "router.post('admin/users', async (_path, ctx) => ctx.request.body);",
        'export default router;',
        '',
      ].join('\n'),
    });
    const routes = loadRoutes(dir, [koaAdapter]);
    expect(inventory(routes).map((r) => `${r.method} ${r.path} ${r.file}:${r.line} ${r.auth}`)).toEqual([
      'GET /api/shares/:id src/routes/shares.ts:7 authenticated',
      'GET /api/shares src/routes/shares.ts:8 unknown',
      // An administrator creating an account, not a sign-up: nothing says it is open.
      'POST /admin/users src/routes/shares.ts:9 unknown',
    ]);
    expect(route(routes, 'GET /api/shares').authEvidence[0]).toMatch(/dispatched by the project's router class Router \(src\/utils\/Router\.ts:3\)/);
    // The handler's context is its second parameter; the first holds the path the dispatcher parsed.
    expect(route(routes, 'GET /api/shares')).toMatchObject({ contextParameter: 1, inputParameters: [0] });
  });

  it('does not apply app.use middleware registered after the router', () => {
    const dir = makeProject({
      'package.json': KOA_PACKAGE,
      'src/app.ts': [
        "import Koa from 'koa';",
        "import Router from '@koa/router';",
        "import jwt from 'koa-jwt';",
        'const app = new Koa();',
        'const early = new Router();',
        'const late = new Router();',
        "early.get('/early', (ctx) => { ctx.body = 1; });",
        "late.get('/late', (ctx) => { ctx.body = 2; });",
        'app.use(early.routes());',
        "app.use(jwt({ secret: 'k' }));",
        'app.use(late.routes());',
        '',
      ].join('\n'),
    });
    expect(inventory(loadRoutes(dir, [koaAdapter])).map((r) => `${r.method} ${r.path} ${r.auth}`)).toEqual([
      'GET /early public',
      'GET /late authenticated',
    ]);
  });

  it('follows a Koa app mounted with koa-mount and an app passed to a setup function', () => {
    const dir = makeProject({
      'package.json': KOA_PACKAGE,
      'src/server.ts': [
        "import Koa from 'koa';",
        "import mount from 'koa-mount';",
        "import api from './api';",
        "import { registerRoutes } from './routes';",
        'export function init(app: Koa = new Koa()) {',
        "  app.use(mount('/api', api));",
        '  registerRoutes(app);',
        '  return app;',
        '}',
        '',
      ].join('\n'),
      'src/api.ts': [
        "import Koa from 'koa';",
        "import Router from '@koa/router';",
        'const api = new Koa();',
        'const router = new Router();',
        "router.post('users.list', async (ctx) => { ctx.body = []; });",
        'api.use(router.routes());',
        'export default api;',
        '',
      ].join('\n'),
      'src/routes.ts': [
        "import type Koa from 'koa';",
        "import Router from '@koa/router';",
        'export function registerRoutes(app: Koa) {',
        '  const router = new Router();',
        "  router.get('/robots.txt', (ctx) => { ctx.body = ''; });",
        '  app.use(router.routes());',
        '}',
        '',
      ].join('\n'),
    });
    expect(inventory(loadRoutes(dir, [koaAdapter])).map((r) => `${r.method} ${r.path} ${r.file}:${r.line}`)).toEqual([
      'POST /api/users.list src/api.ts:5',
      'GET /robots.txt src/routes.ts:5',
    ]);
  });

  it('finds the routes of a router subclass per instance, routers mounted in a loop, and path constants in a frozen object', () => {
    const dir = makeProject({
      'package.json': KOA_PACKAGE,
      'src/table-router.ts': [
        "import Router from '@koa/router';",
        'export class TableRouter extends Router {',
        '  constructor(table: string) {',
        "    super({ prefix: '/' + pathOf(table) });",
        '    this.addDefaults();',
        '  }',
        '  private addDefaults() {',
        "    this.get('/:id', async (ctx) => { ctx.body = {}; });",
        '  }',
        "  addLinks(pathname = 'links') {",
        '    this.post(`/:id/${pathname}`, async (ctx) => { ctx.status = 201; });',
        '  }',
        '}',
        'function pathOf(table: string) { return table; }',
        '',
      ].join('\n'),
      'src/paths.ts': [
        "const prefix = '/flow';",
        'export const flowPaths = Object.freeze({ prefix, submit: `${prefix}/submit` });',
        '',
      ].join('\n'),
      'src/app.ts': [
        "import Koa from 'koa';",
        "import Router from '@koa/router';",
        "import mount from 'koa-mount';",
        "import { TableRouter } from './table-router';",
        "import { flowPaths } from './paths';",
        'function extras(router: TableRouter) {',
        "  router.addLinks('owners');",
        '}',
        'function createRouters() {',
        '  const flow = new Router();',
        '  flow.post(flowPaths.submit, async (ctx) => { ctx.status = 204; });',
        "  const teams = new TableRouter('teams');",
        '  extras(teams);',
        '  const admin = new Router();',
        '  admin.use(teams.routes());',
        '  return [flow, admin];',
        '}',
        'function initApis() {',
        '  const apis = new Koa();',
        '  for (const router of createRouters()) apis.use(router.routes()).use(router.allowedMethods());',
        '  return apis;',
        '}',
        'const app = new Koa();',
        "app.use(mount('/api', initApis()));",
        '',
      ].join('\n'),
    });
    expect(inventory(loadRoutes(dir, [koaAdapter])).map((r) => `${r.method} ${r.path} ${r.file}:${r.line}`)).toEqual([
      'POST /api/{pathOf(\'teams\')}/:id/owners src/app.ts:7',
      'POST /api/flow/submit src/app.ts:11',
      'GET /api/{pathOf(\'teams\')}/:id src/table-router.ts:8',
    ]);
  });

  it('keeps a guarded route that manages the SSO connectors of an organization authenticated: a setting of the way in, not a sign-in', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { koa: '^2.15.3', '@koa/router': '^12.0.1', 'koa-jwt': '^4.0.4' } }),
      'src/app.ts': [
        "import Koa from 'koa';",
        "import Router from '@koa/router';",
        "import jwt from 'koa-jwt';",
        'const app = new Koa();',
        'const router = new Router();',
        'router.use(jwt({ secret: process.env.JWT_SECRET! }));',
        "router.put('/organizations/:id/jit/sso-connectors', async (ctx) => { ctx.status = 204; });",
        "router.post('/sso/:connectorId/authentication', async (ctx) => { ctx.status = 204; });",
        'app.use(router.routes());',
        '',
      ].join('\n'),
    });
    expect(inventory(loadRoutes(dir, [koaAdapter])).map((r) => `${r.method} ${r.path} ${r.auth}`)).toEqual([
      'PUT /organizations/:id/jit/sso-connectors authenticated',
      'POST /sso/:connectorId/authentication public',
    ]);
  });
});
