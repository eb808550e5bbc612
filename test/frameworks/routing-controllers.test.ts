import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { routingControllersAdapter } from '../../src/engine/frameworks/routing-controllers/index.js';
import type { Route } from '../../src/engine/routes/route.js';
import { makeProject } from '../helpers/cli.js';
import { inventory, loadRoutes } from '../helpers/routes.js';

const appDir = path.resolve('fixtures/apps/routing-controllers');

function routeOf(routes: readonly Route[], id: string): Route {
  const route = routes.find((candidate) => candidate.id === id);
  if (!route) throw new Error(`no route ${id} among ${routes.map((candidate) => candidate.id).join(', ')}`);
  return route;
}

const middlewareSummary = (route: Route) => route.middleware.map((entry) => `${entry.name} ${entry.kind} ${entry.scope}${entry.roles ? ` [${entry.roles.join(',')}]` : ''}`);

describe('routing-controllers adapter: fixture app', () => {
  const routes = loadRoutes(appDir, [routingControllersAdapter]);

  it('finds the routes of the controllers the server lists, with the routePrefix, inherited routes and @Method', () => {
    expect(inventory(routes)).toEqual([
      { method: 'PUT', path: '/api/admin/members/:id/ban', file: 'src/controllers/admin.controller.ts', line: 12, auth: 'authenticated' },
      { method: 'DELETE', path: '/api/admin/members/:id', file: 'src/controllers/admin.controller.ts', line: 17, auth: 'authenticated' },
      { method: 'GET', path: '/api/audit/events', file: 'src/controllers/audit.controller.ts', line: 6, auth: 'public' },
      { method: 'GET', path: '/api/audit/export', file: 'src/controllers/base-export.controller.ts', line: 4, auth: 'public' },
      { method: 'GET', path: '/api/books', file: 'src/controllers/book.controller.ts', line: 7, auth: 'public' },
      { method: 'GET', path: '/api/books/:id', file: 'src/controllers/book.controller.ts', line: 13, auth: 'public' },
      { method: 'POST', path: '/api/books', file: 'src/controllers/book.controller.ts', line: 19, auth: 'authenticated' },
      { method: 'DELETE', path: '/api/books/:id', file: 'src/controllers/book.controller.ts', line: 24, auth: 'authenticated' },
      { method: 'GET', path: '/api/health', file: 'src/controllers/health.controller.ts', line: 5, auth: 'public' },
      { method: 'OPTIONS', path: '/api/ping', file: 'src/controllers/health.controller.ts', line: 10, auth: 'public' },
      { method: 'GET', path: '/api/loans/mine', file: 'src/controllers/loan.controller.ts', line: 7, auth: 'authenticated' },
      { method: 'PATCH', path: '/api/loans/:loanId', file: 'src/controllers/loan.controller.ts', line: 12, auth: 'authenticated' },
    ]);
    // LegacyController is decorated but not in the server's `controllers` list.
    expect(routes.some((route) => route.path.startsWith('/api/legacy'))).toBe(false);
  });

  it('runs the global before-middleware, then @UseBefore, then @Authorized; @UseAfter and after-middleware guard nothing', () => {
    expect(middlewareSummary(routeOf(routes, 'GET /api/books'))).toEqual(['RequestLogMiddleware other global', 'searchLimiter rate-limit route']);
    expect(middlewareSummary(routeOf(routes, 'DELETE /api/admin/members/:id'))).toEqual(['RequestLogMiddleware other global', "@Authorized(['admin']) role router [admin]"]);
  });

  it('reads the authorizationChecker body as the evidence of @Authorized, and its roles', () => {
    const loans = routeOf(routes, 'GET /api/loans/mine');
    const authorized = loans.middleware.find((entry) => entry.name === '@Authorized()')!;
    expect(authorized).toMatchObject({ kind: 'auth', strength: 'strong', scope: 'router' });
    expect(authorized.evidence).toContain('authorizationChecker (src/auth/authorization-checker.ts:4)');
    expect(loans.authEvidence[0]).toContain('@Authorized() (router, src/controllers/loan.controller.ts:4)');
    const create = routeOf(routes, 'POST /api/books');
    expect(create.middleware.find((entry) => entry.kind === 'role')).toMatchObject({ name: "@Authorized('librarian')", roles: ['librarian'], scope: 'route' });
  });

  it('counts @CurrentUser({ required: true }) as authentication, and reads the principal', () => {
    const remove = routeOf(routes, 'DELETE /api/books/:id');
    expect(remove.middleware.find((entry) => entry.kind === 'auth')).toMatchObject({ name: '@CurrentUser({ required: true })', strength: 'strong' });
    expect(routeOf(routes, 'GET /api/loans/mine').principal).toContain('@CurrentUser() user');
  });
});

describe('routing-controllers adapter: checkers, project decorators, globs, Koa', () => {
  const rcPackage = JSON.stringify({ dependencies: { 'routing-controllers': '^0.10.4', koa: '^2.15.0' } });

  it('reads a roles.every checker as admitting @Authorized() callers, a throwing createParamDecorator as authentication, and a glob as the controllers of the files it matches', () => {
    const dir = makeProject({
      'package.json': rcPackage,
      'src/server.ts': `
import { createKoaServer } from 'routing-controllers';
createKoaServer({
  routePrefix: '/api',
  controllers: [__dirname + '/controllers/*.ts'],
  middlewares: [__dirname + '/middlewares/*.ts'],
  validation: { whitelist: true },
  authorizationChecker: (action, roles) => roles.every((role) => action.context.state.roles.includes(role)),
}).listen(3000);
`,
      'src/decorators.ts': `
import { createParamDecorator } from 'routing-controllers';
export function Viewer() {
  return createParamDecorator({ value: (action) => { if (!action.context.state.user) throw new UnauthorizedError(); return action.context.state.user; } });
}
`,
      'src/middlewares/timing.ts': `
import { KoaMiddlewareInterface, Middleware } from 'routing-controllers';
@Middleware({ type: 'before' })
export class Timing implements KoaMiddlewareInterface {
  async use(context: any, next: (err?: any) => Promise<any>) { await next(); }
}
`,
      'src/legacy/old-reports.ts': `
import { Get, JsonController } from 'routing-controllers';
@JsonController('/old-reports')
export class OldReportsController {
  @Get('/') list() { return []; }
}
`,
      'src/controllers/reports.ts': `
import { Authorized, Get, JsonController, Post, Param } from 'routing-controllers';
import { Viewer } from '../decorators';
@Authorized()
@JsonController('/reports')
export class ReportsController {
  @Get('/') list() { return []; }
  @Post('/:id/share') share(@Viewer() viewer: any, @Param('id') id: string) { return id; }
  @Authorized('auditor') @Get('/audit') audit() { return []; }
}
`,
    });
    const routes = loadRoutes(dir, [routingControllersAdapter]);
    expect(inventory(routes).map((route) => `${route.method} ${route.path} ${route.auth}`)).toEqual(['GET /api/reports public', 'POST /api/reports/:id/share authenticated', 'GET /api/reports/audit authenticated']);
    const list = routeOf(routes, 'GET /api/reports');
    expect(middlewareSummary(list)).toEqual(['validation { whitelist: true } validation global', 'Timing other global', '@Authorized() other router']);
    expect(list.middleware.at(-1)!.evidence).toContain('@Authorized() gives none: it admits every caller');
    const share = routeOf(routes, 'POST /api/reports/:id/share');
    expect(share.middleware.find((entry) => entry.kind === 'auth')).toMatchObject({ name: '@Viewer()', strength: 'strong' });
    expect(share.parameterInputs).toEqual([{ index: 0, via: 'Viewer', decorator: 'createParamDecorator', pipes: [], principal: '@Viewer()' }]);
    expect(routeOf(routes, 'GET /api/reports/audit').middleware.find((entry) => entry.kind === 'role')).toMatchObject({ roles: ['auditor'] });
  });
});
