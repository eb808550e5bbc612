import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expressAdapter } from '../../src/engine/frameworks/express/index.js';
import type { Route } from '../../src/engine/routes/route.js';
import { makeProject } from '../helpers/cli.js';
import { inventory, loadRoutes } from '../helpers/routes.js';

const APP = path.resolve('fixtures/apps/express');

function route(routes: readonly Route[], id: string): Route {
  const found = routes.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no route ${id} in ${routes.map((r) => r.id).join(', ')}`);
  return found;
}

const middlewareOf = (found: Route) => found.middleware.map((m) => `${m.name} ${m.kind}/${m.scope}`);

const EXPRESS_PACKAGE = JSON.stringify({ dependencies: { express: '^4.19.2' } });

describe('express adapter: fixture app', () => {
  const routes = loadRoutes(APP, [expressAdapter]);

  it('finds the full inventory with mount prefixes across files', () => {
    expect(inventory(routes)).toEqual([
      { method: 'GET', path: '/health', file: 'src/app.ts', line: 18, auth: 'public' },
      { method: 'GET', path: '/partners/feed', file: 'src/app.ts', line: 23, auth: 'unknown' },
      { method: 'POST', path: '/webhooks/stripe', file: 'src/app.ts', line: 24, auth: 'public' },
      { method: 'GET', path: '/files/:name', file: 'src/legacy/files.js', line: 6, auth: 'public' },
      { method: 'GET', path: '/legacy/profile', file: 'src/legacy/register.ts', line: 5, auth: 'authenticated' },
      { method: 'GET', path: '/admin/users', file: 'src/routes/admin.routes.ts', line: 6, auth: 'authenticated' },
      { method: 'PUT', path: '/admin/feature-flags/:flag', file: 'src/routes/admin.routes.ts', line: 7, auth: 'authenticated' },
      { method: 'POST', path: '/auth/login', file: 'src/routes/auth.routes.ts', line: 7, auth: 'public' },
      { method: 'POST', path: '/auth/register', file: 'src/routes/auth.routes.ts', line: 8, auth: 'public' },
      { method: 'POST', path: '/auth/password-reset', file: 'src/routes/auth.routes.ts', line: 9, auth: 'public' },
      { method: 'GET', path: '/v1/catalog/products', file: 'src/routes/catalog.routes.ts', line: 6, auth: 'public' },
      { method: 'GET', path: '/v2/catalog/products', file: 'src/routes/catalog.routes.ts', line: 6, auth: 'public' },
      { method: 'GET', path: '/v1/catalog/products/:sku', file: 'src/routes/catalog.routes.ts', line: 7, auth: 'public' },
      { method: 'GET', path: '/v2/catalog/products/:sku', file: 'src/routes/catalog.routes.ts', line: 7, auth: 'public' },
      { method: 'GET', path: '/internal/queue-depth', file: 'src/routes/internal.routes.ts', line: 6, auth: 'public' },
      { method: 'GET', path: '/api/orders', file: 'src/routes/orders.routes.ts', line: 8, auth: 'authenticated' },
      { method: 'POST', path: '/api/orders', file: 'src/routes/orders.routes.ts', line: 9, auth: 'authenticated' },
      { method: 'GET', path: '/api/orders/:id', file: 'src/routes/orders.routes.ts', line: 10, auth: 'authenticated' },
      { method: 'GET', path: '/api/orders/:id/items', file: 'src/routes/orders.routes.ts', line: 13, auth: 'authenticated' },
      { method: 'POST', path: '/api/orders/:id/items', file: 'src/routes/orders.routes.ts', line: 14, auth: 'authenticated' },
      { method: 'DELETE', path: '/api/orders/:id', file: 'src/routes/orders.routes.ts', line: 15, auth: 'authenticated' },
      { method: 'GET', path: '/api/reports/revenue', file: 'src/routes/reports.routes.ts', line: 5, auth: 'authenticated' },
      { method: 'GET', path: '/api/users/me', file: 'src/routes/users.routes.ts', line: 9, auth: 'authenticated' },
      { method: 'PATCH', path: '/api/users/me', file: 'src/routes/users.routes.ts', line: 11, auth: 'authenticated' },
      { method: 'GET', path: '/api/users/:id', file: 'src/routes/users.routes.ts', line: 13, auth: 'authenticated' },
    ]);
    expect(routes.every((r) => r.framework === 'express')).toBe(true);
  });

  it('lists middleware in execution order: global, mount, router use, route', () => {
    expect(middlewareOf(route(routes, 'GET /api/users/:id'))).toEqual([
      'helmet() other/global',
      'express.json() other/global',
      'requireAuth auth/router',
      'auditLog other/router',
      "requireRole('admin', 'support') role/router",
    ]);
    expect(middlewareOf(route(routes, 'DELETE /api/orders/:id'))).toEqual([
      'helmet() other/global',
      'express.json() other/global',
      'requireAuth auth/router',
      "requireRole('admin') role/route",
    ]);
    expect(route(routes, 'DELETE /api/orders/:id').middleware.at(-1)?.roles).toEqual(['admin']);
    expect(middlewareOf(route(routes, 'POST /auth/login'))).toEqual(['helmet() other/global', 'express.json() other/global', 'loginLimiter rate-limit/route']);
    expect(route(routes, 'POST /auth/login').middleware.at(-1)?.strength).toBe('strong');
  });

  it('applies router.use only to the routes registered after it', () => {
    expect(middlewareOf(route(routes, 'GET /api/users/me'))).not.toContain('auditLog other/router');
    expect(middlewareOf(route(routes, 'PATCH /api/users/me'))).toContain('auditLog other/router');
    // router.use('/:id', requireRole(...)) is scoped to its path: /me is not under it.
    expect(route(routes, 'PATCH /api/users/me').middleware.some((m) => m.kind === 'role')).toBe(false);
  });

  it('resolves handlers across files: imported functions, controller methods, wrapped handlers', () => {
    const handlers = Object.fromEntries(routes.map((r) => [`${r.id} ${r.line}`, r.handler && `${r.handler.name} ${r.handler.file}:${r.handler.line}`]));
    expect(handlers).toMatchObject({
      'POST /webhooks/stripe 24': 'handleStripeWebhook src/routes/webhooks.ts:4',
      'GET /api/orders 8': 'OrdersController.list src/controllers/orders.controller.ts:5',
      'GET /api/orders/:id 10': 'getOrder src/controllers/orders.controller.ts:19',
      'POST /api/orders/:id/items 14': 'addItem src/controllers/orders.controller.ts:31',
      'DELETE /api/orders/:id 15': 'OrdersController.remove src/controllers/orders.controller.ts:9',
      'GET /api/users/me 9': 'UsersController.me src/controllers/users.controller.ts:5',
      'PATCH /api/users/me 11': 'UsersController.updateMe src/controllers/users.controller.ts:9',
      'GET /api/users/:id 13': 'UsersController.get src/controllers/users.controller.ts:13',
      'GET /admin/users 6': 'listAllUsers src/controllers/admin.controller.ts:3',
    });
  });

  it('reads the principal and the in-handler check of a route set up by a function the app is passed to', () => {
    const profile = route(routes, 'GET /legacy/profile');
    expect(profile.principal).toEqual(['req.user']);
    expect(profile.authEvidence[0]).toMatch(/reads req\.user and rejects/);
    expect(middlewareOf(profile)).toEqual(['helmet() other/global', 'express.json() other/global']);
  });

  it('marks the middleware of an unknown package as opaque', () => {
    const feed = route(routes, 'GET /partners/feed');
    expect(feed.middleware.at(-1)).toMatchObject({ name: "edgeShield({ zone: 'partners' })", opaque: true, scope: 'route' });
  });
});

describe('express adapter: tricky cases', () => {
  it('keeps middleware order: a global use after a route does not apply to it', () => {
    const dir = makeProject({
      'package.json': EXPRESS_PACKAGE,
      'src/app.ts': [
        "import express from 'express';",
        "import { requireAuth } from './auth';",
        'const app = express();',
        "app.get('/before', (req, res) => res.send('open'));",
        'app.use(requireAuth);',
        "app.get('/after', (req, res) => res.send(req.user));",
        '',
      ].join('\n'),
      'src/auth.ts': [
        "import jwt from 'jsonwebtoken';",
        'export function requireAuth(req: any, res: any, next: any) {',
        "  try { req.user = jwt.verify(req.headers.authorization, 'k'); next(); } catch { res.status(401).end(); }",
        '}',
        '',
      ].join('\n'),
    });
    expect(inventory(loadRoutes(dir, [expressAdapter]))).toEqual([
      { method: 'GET', path: '/before', file: 'src/app.ts', line: 4, auth: 'public' },
      { method: 'GET', path: '/after', file: 'src/app.ts', line: 6, auth: 'authenticated' },
    ]);
  });

  it('a guard installed after the sign-in routes makes the routes after it signed-in only, whatever their path says (growthbook /oauth/google, /admin/sso-connection)', () => {
    const requireAuth = [
      "import jwt from 'jsonwebtoken';",
      'export function requireAuth(req: any, res: any, next: any) {',
      "  try { req.user = jwt.verify(req.headers.authorization, 'k'); next(); } catch { res.status(401).end(); }",
      '}',
      '',
    ].join('\n');
    const dir = makeProject({
      'package.json': EXPRESS_PACKAGE,
      'src/app.ts': [
        "import express from 'express';",
        "import { requireAuth } from './auth';",
        "import accountRouter from './account';",
        'const app = express();',
        "app.post('/auth/login', (req, res) => res.end());",
        'app.use(requireAuth);',
        "app.post('/oauth/google', (req, res) => res.json({ linked: req.user }));",
        "app.post('/admin/sso-connection', (req, res) => res.json(req.body));",
        "app.use('/account', accountRouter);",
        '',
      ].join('\n'),
      'src/account.ts': [
        "import { Router } from 'express';",
        'const router = Router();',
        "router.post('/oauth/authorize', (req, res) => res.json({ consent: req.user }));",
        'export default router;',
        '',
      ].join('\n'),
      'src/auth.ts': requireAuth,
    });
    expect(inventory(loadRoutes(dir, [expressAdapter]))).toEqual([
      { method: 'POST', path: '/account/oauth/authorize', file: 'src/account.ts', line: 3, auth: 'authenticated' },
      { method: 'POST', path: '/auth/login', file: 'src/app.ts', line: 5, auth: 'public' },
      { method: 'POST', path: '/oauth/google', file: 'src/app.ts', line: 7, auth: 'authenticated' },
      { method: 'POST', path: '/admin/sso-connection', file: 'src/app.ts', line: 8, auth: 'authenticated' },
    ]);
    // The sign-in routes in a router mounted ahead of the guard: the same app lets them through.
    const mounted = makeProject({
      'package.json': EXPRESS_PACKAGE,
      'src/app.ts': [
        "import express from 'express';",
        "import cookieParser from 'cookie-parser';",
        "import { requireAuth } from './auth';",
        "import signIn from './sign-in';",
        'const app = express();',
        'app.use(cookieParser());',
        "app.use('/auth', signIn);",
        'app.use(requireAuth);',
        "app.post('/oauth/google', (req, res) => res.json({ linked: req.user }));",
        '',
      ].join('\n'),
      'src/sign-in.ts': [
        "import { Router } from 'express';",
        'const router = Router();',
        "router.post('/login', (req, res) => res.end());",
        'export default router;',
        '',
      ].join('\n'),
      'src/auth.ts': requireAuth,
    });
    expect(inventory(loadRoutes(mounted, [expressAdapter]))).toEqual([
      { method: 'POST', path: '/oauth/google', file: 'src/app.ts', line: 9, auth: 'authenticated' },
      { method: 'POST', path: '/auth/login', file: 'src/sign-in.ts', line: 3, auth: 'public' },
    ]);
    // A guard in front of every route, sign-in included: the app has not said which routes it gates,
    // and a sign-in route stays public by what it does.
    const everywhere = makeProject({
      'package.json': EXPRESS_PACKAGE,
      'src/app.ts': [
        "import express from 'express';",
        "import { requireAuth } from './auth';",
        'const app = express();',
        'app.use(requireAuth);',
        "app.post('/auth/login', (req, res) => res.end());",
        "app.post('/oauth/google', (req, res) => res.end());",
        '',
      ].join('\n'),
      'src/auth.ts': requireAuth,
    });
    expect(inventory(loadRoutes(everywhere, [expressAdapter]))).toEqual([
      { method: 'POST', path: '/auth/login', file: 'src/app.ts', line: 5, auth: 'public' },
      { method: 'POST', path: '/oauth/google', file: 'src/app.ts', line: 6, auth: 'public' },
    ]);
  });

  it('reads a middleware chosen by a setting, and an optional sign-in inside a wrapper (kutt: asyncHandler(env.X ? auth.jwt : auth.jwtLoose))', () => {
    const dir = makeProject({
      'package.json': EXPRESS_PACKAGE,
      'auth.js': [
        'function authenticate(type, isStrict) {',
        '  return function auth(req, res, next) {',
        '    if (req.user) return next();',
        "    if (!req.headers.authorization && isStrict) return res.status(401).end();",
        '    next();',
        '  };',
        '}',
        "module.exports = { jwt: authenticate('jwt', true), jwtLoose: authenticate('jwt', false) };",
        '',
      ].join('\n'),
      'server.js': [
        "const express = require('express');",
        "const auth = require('./auth');",
        'const asyncHandler = (fn) => (req, res, next) => Promise.resolve(fn(req, res, next)).catch(next);',
        'const app = express();',
        "app.post('/links', asyncHandler(process.env.DISALLOW_ANONYMOUS ? auth.jwt : auth.jwtLoose), (req, res) => res.json(req.user));",
        "app.get('/terms', asyncHandler(auth.jwtLoose), (req, res) => res.json(req.user));",
        "app.get('/verify/:verificationToken', asyncHandler(auth.jwtLoose), (req, res) => res.json(req.user));",
        '',
      ].join('\n'),
    });
    const routes = loadRoutes(dir, [expressAdapter]);
    const links = route(routes, 'POST /links');
    expect(links.auth).toBe('authenticated');
    expect(links.authEvidence[0]).toContain('process.env.DISALLOW_ANONYMOUS ? auth.jwt : auth.jwtLoose');
    expect(links.middleware.at(-1)!.evidence).toMatch(/auth\.jwt .* when process\.env\.DISALLOW_ANONYMOUS holds .*; otherwise auth\.jwtLoose/);
    // The wrapped optional sign-in is named as one, and a more specific reason to be open wins over it.
    expect(route(routes, 'GET /terms').publicByDesign).toMatch(/^optional sign-in: asyncHandler\(auth\.jwtLoose\)/);
    expect(route(routes, 'GET /verify/:verificationToken').publicByDesign).toMatch(/capability/);
  });

  it('handles CommonJS require, app.all, arrays of paths, constant prefixes and express-jwt unless', () => {
    const dir = makeProject({
      'package.json': EXPRESS_PACKAGE,
      'server.js': [
        "const express = require('express');",
        "const { expressjwt } = require('express-jwt');",
        "const API = '/api/v2';",
        'const app = express();',
        "app.use(expressjwt({ secret: 'x', algorithms: ['HS256'] }).unless({ path: ['/api/v2/login', { url: '/api/v2/status', methods: ['GET'] }] }));",
        "app.use(API, require('./routes'));",
        "app.all(['/ping', '/pong'], (req, res) => res.end());",
        '',
      ].join('\n'),
      'routes.js': [
        "const router = require('express').Router();",
        "router.post('/login', (req, res) => res.end());",
        "router.get('/status', (req, res) => res.end());",
        "router.post('/status', (req, res) => res.end());",
        'module.exports = router;',
        '',
      ].join('\n'),
    });
    expect(inventory(loadRoutes(dir, [expressAdapter]))).toEqual([
      { method: 'POST', path: '/api/v2/login', file: 'routes.js', line: 2, auth: 'public' },
      { method: 'GET', path: '/api/v2/status', file: 'routes.js', line: 3, auth: 'public' },
      { method: 'POST', path: '/api/v2/status', file: 'routes.js', line: 4, auth: 'authenticated' },
      { method: 'ALL', path: '/ping', file: 'server.js', line: 7, auth: 'authenticated' },
      { method: 'ALL', path: '/pong', file: 'server.js', line: 7, auth: 'authenticated' },
    ]);
  });

  it('resolves class-held routers with this.path, nested routers and a factory mounted twice', () => {
    const dir = makeProject({
      'package.json': EXPRESS_PACKAGE,
      'src/app.ts': [
        "import express from 'express';",
        "import { UsersController } from './users.controller';",
        "import { makeHealthRouter } from './health';",
        'const app = express();',
        "app.use('/', new UsersController().router);",
        "app.use('/internal', makeHealthRouter());",
        "app.use('/public', makeHealthRouter());",
        "app.set('env', 'production');",
        "app.get('env');",
        '',
      ].join('\n'),
      'src/users.controller.ts': [
        "import { Router } from 'express';",
        'export class UsersController {',
        "  public path = '/users';",
        '  public router = Router();',
        '  constructor() {',
        '    this.router.get(`${this.path}/:id`, this.getUser);',
        '  }',
        '  getUser = async (req: any, res: any) => res.json({ id: req.params.id });',
        '}',
        '',
      ].join('\n'),
      'src/health.ts': [
        "import { Router } from 'express';",
        'export const makeHealthRouter = () => {',
        '  const outer = Router();',
        '  const inner = Router();',
        "  inner.get('/live', (req, res) => res.end());",
        "  outer.use('/health', inner);",
        '  return outer;',
        '};',
        '',
      ].join('\n'),
    });
    const routes = loadRoutes(dir, [expressAdapter]);
    expect(inventory(routes)).toEqual([
      { method: 'GET', path: '/internal/health/live', file: 'src/health.ts', line: 5, auth: 'public' },
      { method: 'GET', path: '/public/health/live', file: 'src/health.ts', line: 5, auth: 'public' },
      { method: 'GET', path: '/users/:id', file: 'src/users.controller.ts', line: 6, auth: 'public' },
    ]);
    expect(routes[2]!.handler?.name).toBe('UsersController.getUser');
  });

  it('treats a last argument that is an authentication middleware as a guard', () => {
    const dir = makeProject({
      'package.json': EXPRESS_PACKAGE,
      'server.ts': [
        "import express from 'express';",
        "import * as security from './security';",
        'const app = express();',
        "app.get('/api/Users', security.isAuthorized());",
        "app.get('/api/Products', security.listProducts());",
        '',
      ].join('\n'),
      'security.ts': [
        "import expressJwt from 'express-jwt';",
        "export const isAuthorized = () => expressJwt({ secret: 'k' } as any);",
        'export const listProducts = () => (req: any, res: any) => res.json([]);',
        '',
      ].join('\n'),
    });
    const routes = loadRoutes(dir, [expressAdapter]);
    expect(inventory(routes).map((r) => `${r.method} ${r.path} ${r.auth}`)).toEqual(['GET /api/Users authenticated', 'GET /api/Products public']);
    expect(routes[1]!.handler?.name).toBe('listProducts');
  });

  it('ignores routers of other frameworks and look-alike calls', () => {
    const dir = makeProject({
      'package.json': EXPRESS_PACKAGE,
      'src/client.ts': [
        "import axios from 'axios';",
        'const cache = new Map<string, string>();',
        "export const load = () => axios.get('/api/orders', { params: { page: 1 } });",
        "export const read = () => cache.get('/api/orders');",
        '',
      ].join('\n'),
    });
    expect(loadRoutes(dir, [expressAdapter])).toEqual([]);
  });
});

describe('express adapter: app-wide middleware from unknown packages', () => {
  it('treats app-wide plumbing (connect-flash, lusca) as plumbing, and never as authentication by a substring of its name', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { express: '^4.19.2', lusca: '^1.7.0', 'connect-flash': '^0.1.1', passport: '^0.7.0' } }),
      'src/app.ts': [
        "import express from 'express';",
        "import lusca from 'lusca';",
        "import flash from 'connect-flash';",
        "import passport from 'passport';",
        'const app = express();',
        'app.use(passport.initialize());',
        'app.use(passport.session());',
        'app.use(flash());',
        "app.use(lusca.xssProtection(true));",
        "app.get('/contact', (req, res) => res.send('ok'));",
        'export default app;',
      ].join('\n'),
    });
    const [contact] = loadRoutes(dir, [expressAdapter]);
    expect(contact).toMatchObject({ path: '/contact', auth: 'public' });
    expect(contact!.middleware.map((m) => `${m.name}:${m.kind}${m.opaque ? ':opaque' : ''}`)).toEqual([
      'passport.initialize():other',
      'passport.session():other',
      'flash():other',
      'lusca.xssProtection(true):other',
    ]);
  });
});

describe('express adapter: routers mounted from an array of { path, router } objects', () => {
  // The shape of hagopj13/node-express-boilerplate: routers required from sibling files, listed
  // with their paths in a const array, mounted in a loop, and the index router mounted under /v1.
  const ROUTER_FILES = {
    'package.json': JSON.stringify({ dependencies: { express: '^4.19.2', 'express-rate-limit': '^7.0.0' } }),
    'src/app.js': [
      "const express = require('express');",
      "const rateLimit = require('express-rate-limit');",
      "const routes = require('./routes');",
      'const app = express();',
      'const authLimiter = rateLimit({ windowMs: 60000, max: 20 });',
      "if (process.env.NODE_ENV === 'production') {",
      "  app.use('/v1/auth', authLimiter);",
      '}',
      "app.use('/v1', routes);",
      'module.exports = app;',
      '',
    ].join('\n'),
    'src/routes/auth.route.js': [
      "const router = require('express').Router();",
      "router.post('/login', (req, res) => res.end());",
      'module.exports = router;',
      '',
    ].join('\n'),
    'src/routes/user.route.js': [
      "const router = require('express').Router();",
      "router.get('/', (req, res) => res.end());",
      "router.get('/:userId', (req, res) => res.end());",
      'module.exports = router;',
      '',
    ].join('\n'),
  };

  const indexWith = (...lines: string[]) =>
    [
      "const express = require('express');",
      "const authRoute = require('./auth.route');",
      "const userRoute = require('./user.route');",
      'const router = express.Router();',
      ...lines,
      'module.exports = router;',
      '',
    ].join('\n');

  const EXPECTED = [
    { method: 'POST', path: '/v1/auth/login', file: 'src/routes/auth.route.js', line: 2, auth: 'public' },
    { method: 'GET', path: '/v1/users', file: 'src/routes/user.route.js', line: 2, auth: 'public' },
    { method: 'GET', path: '/v1/users/:userId', file: 'src/routes/user.route.js', line: 3, auth: 'public' },
  ];

  it('mounts each element of a forEach, and a path-scoped limiter mounted earlier applies to its routes', () => {
    const dir = makeProject({
      ...ROUTER_FILES,
      'src/routes/index.js': indexWith(
        "const defaultRoutes = [{ path: '/auth', route: authRoute }, { path: '/users', route: userRoute }];",
        'defaultRoutes.forEach((route) => {',
        '  router.use(route.path, route.route);',
        '});',
      ),
    });
    const routes = loadRoutes(dir, [expressAdapter]);
    expect(inventory(routes)).toEqual(EXPECTED);
    // The limiter is mounted under a condition; like any `use`, it is taken to apply.
    expect(middlewareOf(route(routes, 'POST /v1/auth/login'))).toEqual(['authLimiter rate-limit/global']);
    expect(route(routes, 'GET /v1/users').middleware).toEqual([]);
  });

  it('mounts each element of a for-of loop, reading any property names', () => {
    const dir = makeProject({
      ...ROUTER_FILES,
      'src/routes/index.js': indexWith(
        "const mounts = [{ prefix: '/auth', router: authRoute }, { prefix: '/users', router: userRoute }];",
        'for (const mount of mounts) router.use(mount.prefix, mount.router);',
      ),
    });
    const routes = loadRoutes(dir, [expressAdapter]);
    expect(inventory(routes)).toEqual(EXPECTED);
    expect(middlewareOf(route(routes, 'POST /v1/auth/login'))).toEqual(['authLimiter rate-limit/global']);
  });

  it('mounts each element of a forEach with a destructured parameter and an expression body, and of a destructured for-of', () => {
    for (const loop of [
      "routeList.forEach(({ path, route: mounted }) => router.use(path, mounted));",
      'for (const { path, route } of routeList) { router.use(path, route); }',
    ]) {
      const dir = makeProject({
        ...ROUTER_FILES,
        'src/routes/index.js': indexWith("const routeList = [{ path: '/auth', route: authRoute }, { route: userRoute, path: '/users' }];", loop),
      });
      const routes = loadRoutes(dir, [expressAdapter]);
      expect(inventory(routes), loop).toEqual(EXPECTED);
      expect(middlewareOf(route(routes, 'POST /v1/auth/login')), loop).toEqual(['authLimiter rate-limit/global']);
    }
  });

  it('keeps a loop over an array that is not a const list of object literals as written', () => {
    const dir = makeProject({
      ...ROUTER_FILES,
      'src/routes/index.js': indexWith(
        "let defaultRoutes = [{ path: '/auth', route: authRoute }, { path: '/users', route: userRoute }];",
        'defaultRoutes.forEach((route) => router.use(route.path, route.route));',
      ),
    });
    expect(inventory(loadRoutes(dir, [expressAdapter])).map((found) => found.path)).toEqual(['/login', '/', '/:userId']);
  });
});

describe('Express route tables: route-definition objects a loop registers with router[method](...)', () => {
  const AUTH = "exports.requireUser = function requireUser(req, res, next) {\n  if (!req.session || !req.session.userId) return res.status(401).json({ error: 'sign in' });\n  next();\n};\n";
  const APP = "const express = require('express');\nconst router = require('./routes');\nconst app = express();\napp.use('/api', router);\nmodule.exports = app;\n";
  const TABLE = [
    "  { method: 'GET', url: '/notes/:id', middlewares: [requireUser], handler: async (req, res) => res.json({ id: req.params.id }) },",
    "  { method: 'delete', url: '/notes/:id', middlewares: [requireUser, audit], async handler(req, res) { res.end(); } },",
    "  { method: 'get', url: '/status', middlewares: [], handler: (req, res) => res.json({ ok: true }) },",
  ];
  const HEADER = "const express = require('express');\nconst { requireUser } = require('./auth');\nconst audit = (req, res, next) => next();\nconst router = express.Router();\n";

  for (const [shape, table, loop] of [
    ['for-of over a destructured element', `const routes = [\n${TABLE.join('\n')}\n];`, 'for (const route of routes) {\n  const { method, url, middlewares = [], handler } = route;\n  router[method.toLowerCase()](url, ...middlewares, handler);\n}'],
    ['forEach reading the element', `const routes = [\n${TABLE.join('\n')}\n];`, 'routes.forEach((route) => router[route.method.toLowerCase()](route.url, ...route.middlewares, wrap(route.handler)));\nfunction wrap(fn) { return (req, res, next) => Promise.resolve(fn(req, res, next)).catch(next); }'],
    ['lodash each over an object of route objects, handler wrapped in a local', `const api = {\n${TABLE.map((line, index) => `  r${index}: ${line.trim()}`).join('\n')}\n};`, "_.each(api, (action) => {\n  let { method } = action;\n  const { url, middlewares = [], handler } = action;\n  method = method.toLowerCase();\n  const fn = handler ? wrap(handler) : noop;\n  router[method](url, ...middlewares, fn);\n});\nfunction noop() {}\nfunction wrap(fn) { return (req, res, next) => Promise.resolve(fn(req, res, next)).catch(next); }"],
  ] as const) {
    it(`registers each object as a route with its own middleware: ${shape}`, () => {
      const dir = makeProject({
        'package.json': EXPRESS_PACKAGE,
        'src/auth.js': AUTH,
        'src/app.js': APP,
        'src/routes.js': `${shape.startsWith('lodash') ? "const _ = require('lodash');\n" : ''}${HEADER}${table}\n${loop}\nmodule.exports = router;\n`,
      });
      const routes = loadRoutes(dir, [expressAdapter]);
      expect(inventory(routes).map(({ method, path, auth }) => `${method} ${path} ${auth}`)).toEqual([
        'GET /api/notes/:id authenticated',
        'DELETE /api/notes/:id authenticated',
        'GET /api/status public',
      ]);
      // Each route is located at its object, and its handler is the object's own.
      const del = route(routes, 'DELETE /api/notes/:id');
      expect(del.line).toBe(del.file.endsWith('routes.js') ? (shape.startsWith('lodash') ? 8 : 7) : -1);
      expect(del.handler?.name).toBe(shape.startsWith('for-of') || shape.startsWith('lodash') ? 'handler' : del.handler?.name);
      expect(middlewareOf(del)).toEqual(['requireUser auth/route', 'audit other/route']);
    });
  }

  it('registers the definitions a factory builds from spec objects in other files, tables spread from other files, a path built from the entry (growthbook REST API)', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { express: '^4.19.2', zod: '^3.23.0' } }),
      'src/specs/widgets.ts': [
        "import { z } from 'zod';",
        "export const getWidgetSpec = { method: 'get' as const, path: '/widgets/:id', paramsSchema: z.object({ id: z.string() }), querySchema: z.object({ color: z.string().optional() }) };",
        "export const deleteWidgetSpec = { method: 'delete' as const, path: '/widgets/:id', bodySchema: z.never() };",
        "export const listWidgetsV2Spec = { method: 'get' as const, path: '/widgets', version: 'v2' as const, deprecated: true };",
        '',
      ].join('\n'),
      'src/util/handler.ts': [
        'export function createApiRequestHandler(spec: any) {',
        '  return (handler: (req: any) => Promise<unknown>) => ({',
        '    ...spec,',
        '    handler: async (req: any, res: any, next: any) => {',
        '      try { res.json(await handler(req)); } catch (e) { next(e); }',
        '    },',
        '  });',
        '}',
        '',
      ].join('\n'),
      'src/api/widgets/getWidget.ts': [
        "import { getWidgetSpec } from '../../specs/widgets';",
        "import { createApiRequestHandler } from '../../util/handler';",
        'export const getWidget = createApiRequestHandler(getWidgetSpec)(async (req) => ({ id: req.params.id, color: req.query.color }));',
        '',
      ].join('\n'),
      'src/api/widgets/deleteWidget.ts': [
        "import { deleteWidgetSpec } from '../../specs/widgets';",
        "import { createApiRequestHandler } from '../../util/handler';",
        'export async function deleteWidgetHandler(req: any) {',
        '  return { deletedId: req.params.id };',
        '}',
        'export const deleteWidget = createApiRequestHandler(deleteWidgetSpec)(deleteWidgetHandler);',
        '',
      ].join('\n'),
      'src/api/widgets/listWidgetsV2.ts': [
        "import { listWidgetsV2Spec } from '../../specs/widgets';",
        "import { createApiRequestHandler } from '../../util/handler';",
        'export const listWidgetsV2 = createApiRequestHandler(listWidgetsV2Spec)(async () => []);',
        '',
      ].join('\n'),
      'src/api/widgets/widgets.router.ts': [
        "import { getWidget } from './getWidget';",
        "import { deleteWidget } from './deleteWidget';",
        "import { listWidgetsV2 } from './listWidgetsV2';",
        'export const widgetRoutes = [getWidget, deleteWidget, listWidgetsV2];',
        '',
      ].join('\n'),
      'src/api/api.router.ts': [
        "import { Router } from 'express';",
        "import jwt from 'jsonwebtoken';",
        "import { widgetRoutes } from './widgets/widgets.router';",
        'const router = Router();',
        "router.get('/v1/openapi.yaml', (req, res) => res.send('openapi: 3.1.0'));",
        'router.use((req: any, res: any, next: any) => {',
        "  try { req.apiUser = jwt.verify(String(req.headers.authorization), 'k'); next(); } catch { res.status(401).end(); }",
        '});',
        'export const allRoutes = [...widgetRoutes];',
        'allRoutes.forEach((route) => {',
        '  if (!route.method) return;',
        "  const version = (route as { version?: string }).version ?? 'v1';",
        '  const versionedPath = `/${version}${route.path}`;',
        "  const middleware = [...(route.middleware ?? []), ...(route.deprecated ? [(req: any, res: any, next: any) => { res.setHeader('Deprecation', 'true'); next(); }] : [])];",
        '  if (middleware.length > 0) router[route.method](versionedPath, middleware, route.handler);',
        '  else router[route.method](versionedPath, route.handler);',
        '});',
        'export default router;',
        '',
      ].join('\n'),
      'src/app.ts': "import express from 'express';\nimport apiRouter from './api/api.router';\nconst app = express();\napp.use('/api', apiRouter);\napp.listen(3000);\n",
    });
    const routes = loadRoutes(dir, [expressAdapter]);
    expect(inventory(routes)).toEqual([
      { method: 'GET', path: '/api/v1/openapi.yaml', file: 'src/api/api.router.ts', line: 5, auth: 'public' },
      { method: 'DELETE', path: '/api/v1/widgets/:id', file: 'src/api/widgets/deleteWidget.ts', line: 6, auth: 'authenticated' },
      { method: 'GET', path: '/api/v1/widgets/:id', file: 'src/api/widgets/getWidget.ts', line: 3, auth: 'authenticated' },
      { method: 'GET', path: '/api/v2/widgets', file: 'src/api/widgets/listWidgetsV2.ts', line: 3, auth: 'authenticated' },
    ]);
    // The handler is the one given to the factory; the spec's schemas are the route's validation.
    expect(route(routes, 'DELETE /api/v1/widgets/:id').handler?.name).toBe('deleteWidgetHandler');
    const get = route(routes, 'GET /api/v1/widgets/:id');
    expect(get.handler?.file).toBe('src/api/widgets/getWidget.ts');
    expect(get.middleware.filter((m) => m.kind === 'validation').map((m) => [m.name, m.validatedFields?.map((field) => `${field.part}.${field.field}`)])).toEqual([
      ['paramsSchema of the route definition', ['params.id']],
      ['querySchema of the route definition', ['query.color']],
    ]);
    // The deprecated entry's header middleware is its own; the others have none.
    expect(middlewareOf(route(routes, 'GET /api/v2/widgets')).filter((name) => name.endsWith('/route'))).toHaveLength(1);
    expect(middlewareOf(route(routes, 'DELETE /api/v1/widgets/:id')).filter((name) => name.endsWith('/route'))).toEqual([]);
  });

  it('takes a computed call that is not over a table of route objects as no route', () => {
    const dir = makeProject({
      'package.json': EXPRESS_PACKAGE,
      'src/app.js': APP,
      'src/routes.js': "const express = require('express');\nconst router = express.Router();\nconst handlers = { get: (req, res) => res.end() };\nfor (const method of ['get', 'post']) router[method]('/x', handlers.get);\nconst table = [{ verb: 'get', url: '/y' }];\ntable.forEach((entry) => router[entry.verb](entry.url, handlers.get));\nmodule.exports = router;\n",
    });
    // The second loop is a table (its objects name the method, under another key); the first iterates strings.
    expect(inventory(loadRoutes(dir, [expressAdapter])).map(({ method, path }) => `${method} ${path}`)).toEqual(['GET /api/y']);
  });
});

describe('Express routers exported in a CommonJS object', () => {
  it('mounts `routes.api` where routes is a module exporting `{ api, render }` through an index that re-requires it', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { express: '^4.19.2' } }),
      'server/routes/link.routes.js': "const { Router } = require('express');\nconst router = Router();\nrouter.get('/:id', (req, res) => res.send(req.params.id));\nmodule.exports = router;\n",
      'server/routes/routes.js': "const { Router } = require('express');\nconst link = require('./link.routes');\nconst apiRouter = Router();\napiRouter.use('/links', link);\nconst renderRouter = Router();\nrenderRouter.get('/terms', (req, res) => res.send('terms'));\nmodule.exports = { api: apiRouter, render: renderRouter };\n",
      'server/routes/index.js': "module.exports = require('./routes');\n",
      'server/server.js': "const express = require('express');\nconst routes = require('./routes');\nconst app = express();\napp.use('/', routes.render);\napp.use('/api/v2', routes.api);\napp.use('/api', routes.api);\napp.listen(3000);\n",
    });
    expect(inventory(loadRoutes(dir, [expressAdapter])).map((found) => found.path).sort()).toEqual(['/api/links/:id', '/api/v2/links/:id', '/terms']);
  });
});

describe('Express app-wide plumbing from project modules and unlisted packages', () => {
  it('reads `morgan.successHandler` from a CommonJS module.exports object, and a name-only sanitizer package app-wide as plumbing', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { express: '^4.19.2', morgan: '^1.10.0', 'express-mongo-sanitize': '^2.2.0' } }),
      'src/config/morgan.js': [
        "const morgan = require('morgan');",
        "const successHandler = morgan(':method :status');",
        'module.exports = { successHandler };',
        '',
      ].join('\n'),
      'src/app.js': [
        "const express = require('express');",
        "const mongoSanitize = require('express-mongo-sanitize');",
        "const morgan = require('./config/morgan');",
        'const app = express();',
        'app.use(morgan.successHandler);',
        'app.use(mongoSanitize());',
        "app.post('/auth/login', (req, res) => res.end());",
        'module.exports = app;',
        '',
      ].join('\n'),
    });
    const routes = loadRoutes(dir, [expressAdapter]);
    const login = route(routes, 'POST /auth/login');
    expect(login.auth).toBe('public');
    expect(login.middleware.map((m) => [m.name, m.kind, m.evidence, m.opaque ?? false])).toEqual([
      ['morgan.successHandler', 'other', 'morgan', false],
      ['mongoSanitize()', 'validation', 'named mongoSanitize', false],
    ]);
  });
});

describe('Express controllers that extend a project base class wrapping a Router', () => {
  const files = {
    'package.json': EXPRESS_PACKAGE,
    'src/controller.ts': [
      "import { Router, type IRouter } from 'express';",
      "export const NONE = 'NONE';",
      'const checkPermission = (permission: string | string[] = []) => async (req: any, res: any, next: any) => {',
      '  const permissions = (Array.isArray(permission) ? permission : [permission]).filter((p) => p !== NONE);',
      '  if (!permissions.length) return next();',
      '  if (req.checkRbac && (await req.checkRbac(permissions))) return next();',
      '  return res.status(403).end();',
      '};',
      'export default class Controller {',
      '  app: IRouter;',
      '  constructor() { this.app = Router(); }',
      '  private errors(handler: any) { return async (req: any, res: any) => { try { await handler(req, res); } catch { res.status(500).end(); } }; }',
      '  private contentType(options: any) {',
      '    const { middleware = [] } = options;',
      "    return options.method === 'get' ? middleware : [requireJson, ...middleware];",
      '  }',
      '  route(options: any): void {',
      '    this.app[options.method](options.path, checkPermission(options.permission), this.contentType(options), this.errors(options.handler.bind(this)));',
      '  }',
      "  get(path: string, handler: any, permission: string = NONE): void { this.route({ method: 'get', path, handler, permission }); }",
      "  post(path: string, handler: any, permission: string = NONE): void { this.route({ method: 'post', path, handler, permission }); }",
      '  use(path: string, router: IRouter): void { this.app.use(path, router); }',
      '  useWithMiddleware(path: string, router: IRouter, middleware: any): void { this.app.use(path, middleware, router); }',
      '  get router(): IRouter { return this.app; }',
      '}',
      'function requireJson(req: any, res: any, next: any) { next(); }',
    ].join('\n'),
    'src/addons.ts': [
      "import Controller, { NONE } from './controller';",
      "const UPDATE_ADDON = 'UPDATE_ADDON';",
      'export default class AddonController extends Controller {',
      '  constructor(validator: any) {',
      '    super();',
      "    this.route({ method: 'get', path: '', handler: this.list, permission: NONE, middleware: [validator.validPath({ operationId: 'getAddons' })] });",
      "    this.route({ method: 'put', path: '/:id', handler: this.update, permission: UPDATE_ADDON });",
      "    this.get('/:id', this.one);",
      '  }',
      '  async list(req: any, res: any) { res.json([]); }',
      '  async update(req: any, res: any) { res.json(req.body); }',
      '  async one(req: any, res: any) { res.json(req.params.id); }',
      '}',
    ].join('\n'),
    'src/health.ts': [
      "import Controller from './controller';",
      'export class HealthController extends Controller {',
      "  constructor() { super(); this.get('', (req: any, res: any) => res.json({ ok: true })); }",
      '}',
    ].join('\n'),
    'src/index.ts': [
      "import Controller from './controller';",
      "import AddonController from './addons';",
      "import { HealthController } from './health';",
      'class AdminApi extends Controller {',
      "  constructor(validator: any) { super(); this.app.use('/addons', new AddonController(validator).router); }",
      '}',
      'export default class IndexRouter extends Controller {',
      '  constructor(validator: any) {',
      '    super();',
      "    this.use('/health', new HealthController().router);",
      "    this.useWithMiddleware('/api/admin', new AdminApi(validator).router, audit);",
      '  }',
      '}',
      'function audit(req: any, res: any, next: any) { next(); }',
    ].join('\n'),
    'src/app.ts': [
      "import express from 'express';",
      "import IndexRouter from './index';",
      'const app = express();',
      "app.use('/', new IndexRouter({}).router);",
      'export default app;',
    ].join('\n'),
  };

  it('registers each call of the wrapper methods on the calling subclass instance, mounted through `.router` getters and `this.use`', () => {
    const routes = loadRoutes(makeProject(files), [expressAdapter]);
    expect(inventory(routes).map(({ method, path, file, line }) => `${method} ${path} ${file}:${line}`)).toEqual([
      'GET /api/admin/addons src/addons.ts:6',
      'PUT /api/admin/addons/:id src/addons.ts:7',
      'GET /api/admin/addons/:id src/addons.ts:8',
      'GET /health src/health.ts:3',
    ]);
    expect(route(routes, 'PUT /api/admin/addons/:id').handler?.name).toBe('AddonController.update');
    expect(route(routes, 'GET /api/admin/addons/:id').handler?.name).toBe('AddonController.one');
  });

  it("adds the wrapper's middleware and the call's: a permission guard for a permission, none for NONE", () => {
    const routes = loadRoutes(makeProject(files), [expressAdapter]);
    expect(middlewareOf(route(routes, 'PUT /api/admin/addons/:id'))).toEqual(['audit other/router', 'checkPermission(UPDATE_ADDON) role/route', 'requireJson other/route']);
    // The wrapper adds its content-type check only to non-GET routes, by the method the call passes.
    expect(middlewareOf(route(routes, 'GET /api/admin/addons'))).toEqual(['audit other/router', "validator.validPath({ operationId: 'getAddons' }) other/route"]);
    expect(middlewareOf(route(routes, 'GET /api/admin/addons/:id'))).toEqual(['audit other/router']);
  });
});

describe("Express set-up functions given the deployment's base path", () => {
  it('reads `${baseUriPath}/api` in a set-up function as the app reads its own `config.baseUriPath || \'\'`: the guard covers the routes', () => {
    const dir = makeProject({
      'package.json': EXPRESS_PACKAGE,
      'src/auth-hook.ts': [
        "import type { Application } from 'express';",
        'export default function authHook(app: Application, baseUriPath: string): void {',
        '  app.use(`${baseUriPath}/api`, (req: any, res: any, next: any) => {',
        "    if (!req.session?.user) return res.status(401).json({ error: 'unauthenticated' });",
        '    next();',
        '  });',
        '}',
      ].join('\n'),
      'src/app.ts': [
        "import express from 'express';",
        "import authHook from './auth-hook';",
        'export function getApp(config: any) {',
        '  const app = express();',
        "  const baseUriPath = config.server.baseUriPath || '';",
        '  authHook(app, config.server.baseUriPath);',
        '  app.get(`${baseUriPath}/api/projects`, (req, res) => res.json([]));',
        '  return app;',
        '}',
      ].join('\n'),
    });
    expect(inventory(loadRoutes(dir, [expressAdapter]))).toEqual([{ method: 'GET', path: '/api/projects', file: 'src/app.ts', line: 7, auth: 'authenticated' }]);
  });
});

describe('Express paths built from path constants', () => {
  it('evaluates a path constant built from others four deep', () => {
    const dir = makeProject({
      'package.json': EXPRESS_PACKAGE,
      'src/app.ts': [
        "import express from 'express';",
        "const PATH = '/:projectId/features';",
        'const PATH_FEATURE = `${PATH}/:featureName`;',
        'const PATH_ENV = `${PATH_FEATURE}/environments/:environment`;',
        'const PATH_STRATEGIES = `${PATH_ENV}/strategies`;',
        'const PATH_STRATEGY = `${PATH_STRATEGIES}/:strategyId`;',
        'const app = express();',
        'app.get(PATH_STRATEGY, (req, res) => res.json(req.params));',
        'export default app;',
      ].join('\n'),
    });
    expect(inventory(loadRoutes(dir, [expressAdapter])).map((found) => found.path)).toEqual(['/:projectId/features/:featureName/environments/:environment/strategies/:strategyId']);
  });
});
