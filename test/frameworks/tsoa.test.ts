import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expressAdapter } from '../../src/engine/frameworks/express/index.js';
import { tsoaAdapter } from '../../src/engine/frameworks/tsoa/index.js';
import type { Route } from '../../src/engine/routes/route.js';
import { makeProject } from '../helpers/cli.js';
import { inventory, loadRoutes } from '../helpers/routes.js';

const APP = path.resolve('fixtures/apps/tsoa');

function route(routes: readonly Route[], id: string): Route {
  const found = routes.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no route ${id} in ${routes.map((r) => r.id).join(', ')}`);
  return found;
}

const middlewareOf = (found: Route) => found.middleware.map((m) => `${m.name} ${m.kind}/${m.scope}/${m.strength}`);

describe('tsoa adapter: fixture app', () => {
  const routes = loadRoutes(APP, [tsoaAdapter]);

  it('finds every @Route controller method under tsoa.json routes.basePath, tsoa path templates kept', () => {
    expect(inventory(routes)).toEqual([
      { method: 'GET', path: '/api/v1/books/{bookId}', file: 'src/controllers/booksController.ts', line: 15, auth: 'authenticated' },
      { method: 'POST', path: '/api/v1/books', file: 'src/controllers/booksController.ts', line: 22, auth: 'authenticated' },
      { method: 'DELETE', path: '/api/v1/books/{bookId}', file: 'src/controllers/booksController.ts', line: 28, auth: 'authenticated' },
      { method: 'GET', path: '/api/v1/books/search', file: 'src/controllers/booksController.ts', line: 34, auth: 'public' },
      { method: 'GET', path: '/api/v1/books/{bookId}/history', file: 'src/controllers/booksController.ts', line: 42, auth: 'authenticated' },
      { method: 'GET', path: '/api/v1/partners/{partnerId}/orders', file: 'src/controllers/partnersController.ts', line: 7, auth: 'authenticated' },
      { method: 'POST', path: '/api/v1/partners/signup', file: 'src/controllers/partnersController.ts', line: 15, auth: 'public' },
      { method: 'GET', path: '/api/v1/partners/status', file: 'src/controllers/partnersController.ts', line: 20, auth: 'public' },
    ]);
    expect(routes.every((r) => r.framework === 'tsoa')).toBe(true);
    expect(route(routes, 'GET /api/v1/books/{bookId}').handler?.name).toBe('BooksController.getBook');
  });

  it("runs the app's middleware registered before RegisterRoutes(app) first", () => {
    expect(routes.every((r) => r.middleware[1]?.name === 'apiLimiter' && r.middleware[1].scope === 'global')).toBe(true);
  });

  it('reads the class @Security as authentication by the project expressAuthentication body', () => {
    const found = route(routes, 'GET /api/v1/books/{bookId}');
    expect(middlewareOf(found)).toEqual(['express.json() other/global/strong', 'apiLimiter rate-limit/global/strong', "@Security('jwt') auth/router/strong"]);
    expect(found.middleware.at(-1)!.evidence).toContain('expressAuthentication (src/authentication.ts:10)');
    expect(found.authEvidence[0]).toContain("@Security('jwt') (router, src/controllers/booksController.ts:13)");
  });

  it('a method @Security with scopes replaces the class one and is a role check when the function compares scopes', () => {
    const found = route(routes, 'DELETE /api/v1/books/{bookId}');
    expect(middlewareOf(found).at(-1)).toEqual("@Security('jwt', ['books:admin']) role/route/strong");
    expect(found.middleware.at(-1)!.roles).toEqual(['books:admin']);
  });

  it('@NoSecurity() opts out of the class @Security on purpose; @Middlewares are classified', () => {
    const found = route(routes, 'GET /api/v1/books/search');
    expect(found.publicByDesign).toContain('@NoSecurity()');
    expect(middlewareOf(found)).toEqual(['express.json() other/global/strong', 'apiLimiter rate-limit/global/strong', 'searchLimiter rate-limit/route/strong']);
  });

  it('several @Security decorators are alternatives: one unscoped alternative makes it authentication only', () => {
    const found = route(routes, 'GET /api/v1/partners/{partnerId}/orders');
    expect(middlewareOf(found).at(-1)).toEqual("@Security('api_key') or @Security('jwt', ['partners:read']) auth/route/strong");
  });

  it('without an authentication function in the scan, @Security is authentication by name', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { tsoa: '^6.2.0' } }),
      'src/controllers/itemsController.ts': [
        "import { Controller, Get, Path, Route, Security } from '@tsoa/runtime';",
        "@Route('items')",
        'export class ItemsController extends Controller {',
        "  @Get('{id}')",
        "  @Security('jwt', ['items:read'])",
        '  public async get(@Path() id: string) { return { id }; }',
        '}',
      ].join('\n'),
    });
    const [only] = loadRoutes(dir, [tsoaAdapter]);
    expect(only?.id).toBe('GET /items/{id}');
    expect(only?.auth).toBe('authenticated');
    expect(middlewareOf(only!)).toEqual(["@Security('jwt', ['items:read']) role/route/name-only"]);
  });

  it('mounts a router given to RegisterRoutes at its app.use path, with the middleware in front of it', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { tsoa: '^6.2.0', express: '^4.19.2' } }),
      'tsoa.json': JSON.stringify({ entryFile: 'src/server.ts', controllerPathGlobs: ['src/controllers/*.ts'], routes: { routesDir: 'src/generated', basePath: '/v1' } }),
      'src/session.ts': [
        "import type { Request, Response, NextFunction } from 'express';",
        'export function requireSession(req: Request, res: Response, next: NextFunction) {',
        "  if (!req.session?.userId) return res.status(401).json({ error: 'not signed in' });",
        '  next();',
        '}',
      ].join('\n'),
      'src/server.ts': [
        "import express, { Router } from 'express';",
        "import { RegisterRoutes } from './generated/routes';",
        "import { requireSession } from './session';",
        'const app = express();',
        'const api = Router();',
        'RegisterRoutes(api);',
        "app.use('/api', requireSession, api);",
        'app.listen(3000);',
      ].join('\n'),
      'src/controllers/notes.ts': [
        "import { Controller, Delete, NoSecurity, Path, Route } from 'tsoa';",
        "@Route('notes')",
        'export class NotesController extends Controller {',
        "  @Delete('{id}')",
        '  public async remove(@Path() id: string) { return id; }',
        '}',
      ].join('\n'),
    });
    const [only] = loadRoutes(dir, [tsoaAdapter]);
    expect(only?.id).toBe('DELETE /api/v1/notes/{id}');
    expect(only?.auth).toBe('authenticated');
    expect(middlewareOf(only!)).toEqual(['requireSession auth/router/strong']);
  });

  it('takes spec.basePath for a mount path it cannot read, and follows the credential into a rejecting helper', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { tsoa: '^6.2.0', express: '^4.19.2' } }),
      'tsoa.json': JSON.stringify({ entryFile: 'src/app.ts', controllerPathGlobs: ['src/**/*Controller.ts'], spec: { basePath: '/vendor/v0' }, routes: { routesDir: 'build', authenticationModule: './src/auth/expressAuth.ts' } }),
      'src/auth/keys.ts': [
        'export class KeyService {',
        '  public async check(apiKey?: string): Promise<{ id: string }> {',
        "    if (!apiKey) throw new Error('Unauthorized');",
        "    const res = await fetch(`http://keys.internal/validate?key=${apiKey}`);",
        "    if (!res.ok) throw new Error('Unauthorized');",
        '    return res.json();',
        '  }',
        '}',
      ].join('\n'),
      'src/auth/expressAuth.ts': [
        "import type { Request } from 'express';",
        "import { KeyService } from './keys';",
        'export function expressAuthentication(request: Request, securityName: string, scopes?: string[]) {',
        "  const apiKey = request.headers['x-api-key'] as string;",
        '  return new KeyService().check(apiKey);',
        '}',
      ].join('\n'),
      'src/app.ts': [
        "import express, { Router } from 'express';",
        "import { RegisterRoutes } from '../build/routes';",
        'const app = express();',
        'const router = Router();',
        'RegisterRoutes(router);',
        "app.use(process.env.NODE_ENV === 'production' ? '/vendor/v0' : '/v0', router);",
      ].join('\n'),
      'src/orders/ordersController.ts': [
        "import { Controller, Get, Route, Security } from 'tsoa';",
        "@Route('orders')",
        'export class OrdersController extends Controller {',
        '  @Get()',
        "  @Security('ApiKeyAuth')",
        '  public async list() { return []; }',
        '}',
      ].join('\n'),
    });
    const [only] = loadRoutes(dir, [tsoaAdapter]);
    expect(only?.id).toBe('GET /vendor/v0/orders');
    expect(middlewareOf(only!)).toEqual(["@Security('ApiKeyAuth') auth/route/strong"]);
    expect(only!.middleware[0]!.evidence).toContain('hands it to KeyService.check (src/auth/keys.ts:2)');
  });

  it('does not list the registrations of a committed tsoa-generated routes.ts again as Express routes', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { tsoa: '^6.2.0', express: '^4.19.2' } }),
      'tsoa.json': JSON.stringify({ entryFile: 'src/app.ts', controllerPathGlobs: ['src/*Controller.ts'], routes: { routesDir: 'src' } }),
      'src/itemsController.ts': [
        "import { Controller, Get, Path, Route } from 'tsoa';",
        "@Route('items')",
        'export class ItemsController extends Controller {',
        "  @Get('{id}')",
        '  public async get(@Path() id: string) { return { id }; }',
        '}',
      ].join('\n'),
      'src/routes.ts': [
        '/* tslint:disable */',
        '// WARNING: This file was auto-generated with tsoa. Please do not modify it.',
        "import type { Router } from 'express';",
        "import { ItemsController } from './itemsController';",
        'export function RegisterRoutes(app: Router) {',
        "  app.get('/items/:id', function ItemsController_get(request: any, response: any, next: any) {",
        '    return new ItemsController().get(request.params.id).then((data) => response.json(data), next);',
        '  });',
        '}',
      ].join('\n'),
      'src/app.ts': ["import express from 'express';", "import { RegisterRoutes } from './routes';", 'const app = express();', 'RegisterRoutes(app);', 'app.listen(3000);'].join('\n'),
    });
    const routes = loadRoutes(dir, [expressAdapter, tsoaAdapter]);
    expect(routes.map((r) => `${r.framework} ${r.id}`)).toEqual(['tsoa GET /items/{id}']);
  });
});
