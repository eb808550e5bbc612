import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nestjsAdapter } from '../../src/engine/frameworks/nestjs/index.js';
import type { Route } from '../../src/engine/routes/route.js';
import { makeProject } from '../helpers/cli.js';
import { inventory, loadRoutes } from '../helpers/routes.js';

const appDir = path.resolve('fixtures/apps/nestjs');

function routeOf(routes: readonly Route[], id: string): Route {
  const route = routes.find((candidate) => candidate.id === id);
  if (!route) throw new Error(`no route ${id} among ${routes.map((candidate) => candidate.id).join(', ')}`);
  return route;
}

const middlewareSummary = (route: Route) => route.middleware.map((entry) => `${entry.name} ${entry.kind} ${entry.scope}${entry.roles ? ` [${entry.roles.join(',')}]` : ''}`);

const nestPackage = JSON.stringify({ dependencies: { '@nestjs/common': '^10.0.0', '@nestjs/core': '^10.0.0', '@nestjs/passport': '^10.0.0' } });

describe('NestJS adapter: fixture app', () => {
  const routes = loadRoutes(appDir, [nestjsAdapter]);

  it('finds every route with its full path, position and auth', () => {
    expect(inventory(routes)).toEqual([
      { method: 'GET', path: '/api/admin/users', file: 'src/admin/admin-users.controller.ts', line: 12, auth: 'authenticated' },
      { method: 'POST', path: '/api/admin/users/:id/ban', file: 'src/admin/admin-users.controller.ts', line: 17, auth: 'authenticated' },
      { method: 'GET', path: '/api/admin/users/:id/audit', file: 'src/admin/admin-users.controller.ts', line: 23, auth: 'authenticated' },
      { method: 'GET', path: '/api/admin/feature-flags', file: 'src/admin/feature-flags.controller.ts', line: 9, auth: 'authenticated' },
      { method: 'PUT', path: '/api/admin/feature-flags', file: 'src/admin/feature-flags.controller.ts', line: 14, auth: 'authenticated' },
      { method: 'POST', path: '/api/auth/login', file: 'src/auth/auth.controller.ts', line: 18, auth: 'public' },
      { method: 'POST', path: '/api/auth/register', file: 'src/auth/auth.controller.ts', line: 25, auth: 'public' },
      { method: 'POST', path: '/api/auth/password/forgot', file: 'src/auth/auth.controller.ts', line: 31, auth: 'public' },
      { method: 'GET', path: '/api/auth/me', file: 'src/auth/auth.controller.ts', line: 36, auth: 'authenticated' },
      { method: 'POST', path: '/api/auth/logout', file: 'src/auth/auth.controller.ts', line: 41, auth: 'authenticated' },
      { method: 'GET', path: '/api/admin/reports/export', file: 'src/common/base-export.controller.ts', line: 7, auth: 'authenticated' },
      { method: 'GET', path: '/health', file: 'src/health/health.controller.ts', line: 9, auth: 'public' },
      { method: 'GET', path: '/health/ready', file: 'src/health/health.controller.ts', line: 14, auth: 'public' },
      { method: 'GET', path: '/api/internal/metrics', file: 'src/internal/metrics.controller.ts', line: 9, auth: 'authenticated' },
      { method: 'GET', path: '/api/internal/version', file: 'src/internal/metrics.controller.ts', line: 15, auth: 'public' },
      { method: 'GET', path: '/api/v1/orders', file: 'src/orders/orders.controller.ts', line: 17, auth: 'authenticated' },
      { method: 'GET', path: '/api/v1/orders/:id', file: 'src/orders/orders.controller.ts', line: 22, auth: 'authenticated' },
      { method: 'GET', path: '/api/v2/orders/:id', file: 'src/orders/orders.controller.ts', line: 28, auth: 'authenticated' },
      { method: 'POST', path: '/api/v1/orders', file: 'src/orders/orders.controller.ts', line: 34, auth: 'authenticated' },
      { method: 'POST', path: '/api/v1/orders/:id/refund', file: 'src/orders/orders.controller.ts', line: 40, auth: 'authenticated' },
      { method: 'GET', path: '/api/v1/partners/catalog', file: 'src/partners/partners.controller.ts', line: 10, auth: 'authenticated' },
      { method: 'GET', path: '/api/v1/partners/orders/:reference', file: 'src/partners/partners.controller.ts', line: 16, auth: 'unknown' },
      { method: 'GET', path: '/api/admin/reports/daily', file: 'src/reports/reports.controller.ts', line: 20, auth: 'authenticated' },
      { method: 'GET', path: '/api/v1/users/me', file: 'src/users/users.controller.ts', line: 12, auth: 'authenticated' },
      { method: 'PATCH', path: '/api/v1/users/me', file: 'src/users/users.controller.ts', line: 17, auth: 'authenticated' },
      { method: 'GET', path: '/api/v1/users/:id', file: 'src/users/users.controller.ts', line: 22, auth: 'authenticated' },
      { method: 'DELETE', path: '/api/v1/users/:id', file: 'src/users/users.controller.ts', line: 27, auth: 'authenticated' },
      { method: 'POST', path: '/webhooks/stripe', file: 'src/webhooks/webhooks.controller.ts', line: 16, auth: 'public' },
      { method: 'GET', path: '/api/webhooks/stripe/status', file: 'src/webhooks/webhooks.controller.ts', line: 27, auth: 'authenticated' },
    ]);
  });

  it('orders Nest middleware, then guards (global, controller, method), then interceptors and pipes', () => {
    expect(middlewareSummary(routeOf(routes, 'POST /api/v1/orders/:id/refund'))).toEqual([
      'RequestLoggerMiddleware other global',
      'auditTrail other router',
      'ThrottlerGuard rate-limit global',
      'JwtAuthGuard auth global',
      'RolesGuard role router [Admin,Support]',
      'new ValidationPipe({ whitelist: true, transform: true }) validation global',
    ]);
    expect(middlewareSummary(routeOf(routes, 'GET /api/v1/users/:id'))).toEqual([
      'RequestLoggerMiddleware other global',
      'ThrottlerGuard rate-limit global',
      'JwtAuthGuard auth global',
      'new ValidationPipe({ whitelist: true, transform: true }) validation global',
      'ParseUUIDPipe validation route',
    ]);
  });

  it('classifies guards by what they inherit or check, not by name', () => {
    const jwt = routeOf(routes, 'GET /api/auth/me').middleware.find((entry) => entry.name === 'JwtAuthGuard')!;
    expect(jwt).toMatchObject({ kind: 'auth', strength: 'strong', file: 'src/app.module.ts' });
    expect(jwt.evidence).toContain("extends AuthGuard('jwt')");
    const apiKey = routeOf(routes, 'GET /api/internal/metrics').middleware.find((entry) => entry.name === 'ApiKeyGuard')!;
    expect(apiKey).toMatchObject({ kind: 'auth', strength: 'strong' });
    expect(apiKey.evidence).toContain('ApiKeyGuard.canActivate');
  });

  it('reads roles from @Roles on the method over the controller, and from composite decorators', () => {
    const roles = (id: string) => routeOf(routes, id).middleware.find((entry) => entry.name === 'RolesGuard');
    expect(roles('GET /api/admin/users')).toMatchObject({ kind: 'role', roles: ['Admin'] });
    expect(roles('GET /api/admin/users/:id/audit')).toMatchObject({ kind: 'role', roles: ['Support'] });
    expect(roles('PUT /api/admin/feature-flags')).toMatchObject({ kind: 'role', roles: ['Admin'], file: 'src/admin/admin-only.decorator.ts' });
    // A RolesGuard on a route without @Roles lets every signed-in user through: no role check there.
    expect(roles('GET /api/v1/orders')).toMatchObject({ kind: 'other' });
    expect(roles('GET /api/v1/orders')?.roles).toBeUndefined();
  });

  it('treats @Public() as public by design only where the global guard honours it and nothing else authenticates', () => {
    const health = routeOf(routes, 'GET /health');
    expect(health.publicByDesign).toBe('@Public() (src/health/health.controller.ts:5) honoured by JwtAuthGuard');
    expect(health.middleware.map((entry) => entry.name)).not.toContain('JwtAuthGuard');
    // @Public() plus a guard of its own: the API key guard authenticates instead of the JWT.
    const metrics = routeOf(routes, 'GET /api/internal/metrics');
    expect(metrics.publicByDesign).toBeUndefined();
    expect(metrics.auth).toBe('authenticated');
    // @Public() plus an interceptor from a package we cannot read: it may be the replacement check.
    const partnerOrder = routeOf(routes, 'GET /api/v1/partners/orders/:reference');
    expect(partnerOrder.publicByDesign).toBeUndefined();
    expect(partnerOrder.middleware.find((entry) => entry.name === 'SignedRequestInterceptor')).toMatchObject({ opaque: true });
  });

  it('drops the throttler where @SkipThrottle() says so', () => {
    expect(routeOf(routes, 'POST /webhooks/stripe').middleware.some((entry) => entry.kind === 'rate-limit')).toBe(false);
    expect(routeOf(routes, 'GET /api/webhooks/stripe/status').middleware.some((entry) => entry.kind === 'rate-limit')).toBe(true);
    expect(routeOf(routes, 'POST /api/auth/login').middleware.some((entry) => entry.kind === 'rate-limit')).toBe(true);
  });

  it('names handlers ClassName.method, inherited ones in the base class file', () => {
    const exported = routeOf(routes, 'GET /api/admin/reports/export');
    expect(exported.handler).toMatchObject({ name: 'ReportsController.export', file: 'src/common/base-export.controller.ts', line: 9 });
    expect(routeOf(routes, 'GET /api/v1/orders').handler).toMatchObject({ name: 'OrdersController.list', file: 'src/orders/orders.controller.ts' });
  });

  it('reads the principal from @CurrentUser() and req.user', () => {
    expect(routeOf(routes, 'GET /api/auth/me').principal).toEqual(['@CurrentUser() user']);
    expect(routeOf(routes, 'PATCH /api/v1/users/me').principal).toEqual(['req.user']);
    expect(routeOf(routes, 'GET /health').principal).toEqual([]);
  });
});

describe('NestJS adapter: tricky cases', () => {
  it('expands path arrays, root controllers, @All/@Head and version lists; ignores non-Nest @Controller', () => {
    const dir = makeProject({
      'package.json': nestPackage,
      'src/main.ts': `
import { NestFactory } from '@nestjs/core';
import { VersioningType } from '@nestjs/common';
import { AppModule } from './app.module';
async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.enableVersioning({ type: VersioningType.URI, prefix: 'version-', defaultVersion: '1' });
  await app.listen(3000);
}
bootstrap();
`,
      'src/catalog.controller.ts': `
import { All, Controller, Get, Head, VERSION_NEUTRAL, Version } from '@nestjs/common';
const CATALOG = 'catalog';
@Controller([CATALOG, 'products'])
export class CatalogController {
  @Get(['', 'list'])
  list() { return []; }
  @Version(['2', '3'])
  @Head(':sku')
  exists() { return; }
  @Version(VERSION_NEUTRAL)
  @All('proxy/*')
  proxy() { return; }
}
@Controller()
export class RootController {
  @Get()
  index() { return 'ok'; }
}
`,
      'src/legacy.controller.ts': `
import { Controller, Get } from 'routing-controllers';
@Controller('/legacy')
export class LegacyController {
  @Get('/')
  list() { return []; }
}
`,
    });
    expect(loadRoutes(dir, [nestjsAdapter]).map((route) => route.id)).toEqual([
      'GET /version-1/catalog',
      'GET /version-1/catalog/list',
      'GET /version-1/products',
      'GET /version-1/products/list',
      'HEAD /version-2/catalog/:sku',
      'HEAD /version-2/products/:sku',
      'HEAD /version-3/catalog/:sku',
      'HEAD /version-3/products/:sku',
      'ALL /catalog/proxy/*',
      'ALL /products/proxy/*',
      'GET /version-1',
    ]);
  });

  it('applies useGlobalGuards custom guards, Reflector.createDecorator roles and method-only prefix exclusions', () => {
    const dir = makeProject({
      'package.json': nestPackage,
      'src/main.ts': `
import { NestFactory } from '@nestjs/core';
import { RequestMethod } from '@nestjs/common';
import { AppModule } from './app.module';
import { BearerGuard } from './bearer.guard';
async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.setGlobalPrefix('v0', { exclude: [{ path: 'status', method: RequestMethod.GET }] });
  app.useGlobalGuards(new BearerGuard());
  await app.listen(3000);
}
bootstrap();
`,
      'src/bearer.guard.ts': `
import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import * as jwt from 'jsonwebtoken';
@Injectable()
export class BearerGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest();
    const token = request.headers.authorization?.replace('Bearer ', '');
    if (!token) throw new UnauthorizedException();
    request.user = jwt.verify(token, process.env.JWT_SECRET!);
    return true;
  }
}
`,
      'src/permissions.ts': `
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
export const Permissions = Reflector.createDecorator<string[]>();
@Injectable()
export class PermissionsGuard implements CanActivate {
  constructor(private reflector: Reflector) {}
  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.get(Permissions, context.getHandler());
    if (!required) return true;
    const user = context.switchToHttp().getRequest().user;
    return required.every((permission) => user.permissions.includes(permission));
  }
}
`,
      'src/status.controller.ts': `
import { Controller, Get, Post, UseGuards } from '@nestjs/common';
import { Permissions, PermissionsGuard } from './permissions';
@Controller('status')
@UseGuards(PermissionsGuard)
export class StatusController {
  @Get()
  read() { return 'ok'; }
  @Permissions(['status:write'])
  @Post()
  write() { return 'ok'; }
}
`,
    });
    const routes = loadRoutes(dir, [nestjsAdapter]);
    expect(routes.map((route) => route.id)).toEqual(['GET /status', 'POST /v0/status']);
    expect(middlewareSummary(routes[0]!)).toEqual(['new BearerGuard() auth global', 'PermissionsGuard other router']);
    expect(middlewareSummary(routes[1]!)).toEqual(['new BearerGuard() auth global', 'PermissionsGuard role router [status:write]']);
    expect(routes[1]!.middleware[0]!.evidence).toContain('BearerGuard.canActivate');
  });

  it('reads APP_GUARD providers of a module whose metadata is a named constant (@Module(globalModules))', () => {
    const dir = makeProject({
      'package.json': nestPackage,
      'src/session.guard.ts': `
import { Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
@Injectable()
export class SessionGuard extends AuthGuard(['session', 'access-token']) {}
`,
      'src/global.module.ts': `
import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { SessionGuard } from './session.guard';
export const globalModules = {
  providers: [{ provide: APP_GUARD, useClass: SessionGuard }],
};
@Global()
@Module(globalModules)
export class GlobalModule {}
`,
      'src/bases.controller.ts': `
import { Controller, Get, Param } from '@nestjs/common';
@Controller('bases')
export class BasesController {
  @Get(':baseId')
  get(@Param('baseId') baseId: string) { return baseId; }
}
`,
    });
    const routes = loadRoutes(dir, [nestjsAdapter]);
    expect(routes.map((route) => `${route.id} ${route.auth}`)).toEqual(['GET /bases/:baseId authenticated']);
    expect(middlewareSummary(routes[0]!)).toEqual(['SessionGuard auth global']);
  });

  it('names the guard that authenticates first in the evidence, before a global role guard (ghostfolio)', () => {
    const dir = makeProject({
      'package.json': nestPackage,
      'src/roles.guard.ts': `
import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
@Injectable()
export class RolesGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest();
    if (request.user?.role !== 'admin') throw new ForbiddenException();
    return true;
  }
}
`,
      'src/app.module.ts': `
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RolesGuard } from './roles.guard';
import { ReportsController } from './reports.controller';
@Module({ controllers: [ReportsController], providers: [{ provide: APP_GUARD, useClass: RolesGuard }] })
export class AppModule {}
`,
      'src/reports.controller.ts': `
import { Controller, Get, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
@Controller('reports')
export class ReportsController {
  @Get()
  @UseGuards(AuthGuard('jwt'))
  list() { return []; }
}
`,
    });
    const routes = loadRoutes(dir, [nestjsAdapter]);
    expect(middlewareSummary(routes[0]!)).toEqual(['RolesGuard role global', "AuthGuard('jwt') auth route"]);
    expect(routes[0]!.authEvidence[0]).toMatch(/^AuthGuard\('jwt'\) \(route/);
    expect(routes[0]!.authEvidence[1]).toMatch(/^RolesGuard \(global/);
  });

  it('does not count @Public() when no guard reads it, and keeps a controller AuthGuard over it', () => {
    const dir = makeProject({
      'package.json': nestPackage,
      'src/public.ts': `
import { SetMetadata } from '@nestjs/common';
export const Public = () => SetMetadata('isPublic', true);
`,
      'src/things.controller.ts': `
import { Controller, Get, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { Public } from './public';
@Controller('things')
export class ThingsController {
  @Public()
  @Get()
  list() { return []; }
}
@Controller('secrets')
@UseGuards(AuthGuard('jwt'))
export class SecretsController {
  @Public()
  @Get()
  list() { return []; }
}
`,
    });
    const routes = loadRoutes(dir, [nestjsAdapter]);
    expect(routes.map((route) => [route.id, route.auth, route.publicByDesign])).toEqual([
      ['GET /things', 'public', undefined],
      ['GET /secrets', 'authenticated', undefined],
    ]);
  });

  it('gives each app of a monorepo its own prefix and global guards, and RouterModule paths across files', () => {
    const dir = makeProject({
      'package.json': nestPackage,
      'apps/api/src/main.ts': `
import { NestFactory } from '@nestjs/core';
import { ApiModule } from './api.module';
async function bootstrap() {
  const app = await NestFactory.create(ApiModule);
  app.setGlobalPrefix('api');
  await app.listen(3000);
}
bootstrap();
`,
      'apps/api/src/routes.ts': `
import { Routes } from '@nestjs/core';
import { BillingModule } from './billing.module';
export const routes: Routes = [{ path: 'accounts/:accountId', children: [{ path: 'billing', module: BillingModule }] }];
`,
      'apps/api/src/api.module.ts': `
import { Module } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { BillingModule } from './billing.module';
import { routes } from './routes';
@Module({ imports: [BillingModule, RouterModule.register(routes)] })
export class ApiModule {}
`,
      'apps/api/src/billing.module.ts': `
import { Module } from '@nestjs/common';
import { InvoicesController } from './invoices.controller';
@Module({ controllers: [InvoicesController] })
export class BillingModule {}
`,
      'apps/api/src/invoices.controller.ts': `
import { Controller, Get } from '@nestjs/common';
@Controller('invoices')
export class InvoicesController {
  @Get(':invoiceId')
  find() { return {}; }
}
`,
      'apps/admin/src/main.ts': `
import { NestFactory } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AdminModule } from './admin.module';
async function bootstrap() {
  const app = await NestFactory.create(AdminModule);
  app.setGlobalPrefix('backoffice');
  app.useGlobalGuards(AuthGuard('jwt'));
  await app.listen(3001);
}
bootstrap();
`,
      'apps/admin/src/admin.controller.ts': `
import { Controller, Get } from '@nestjs/common';
@Controller('tenants')
export class TenantsController {
  @Get()
  list() { return []; }
}
`,
    });
    const routes = loadRoutes(dir, [nestjsAdapter]);
    expect(routes.map((route) => [route.id, route.auth])).toEqual([
      ['GET /backoffice/tenants', 'authenticated'],
      ['GET /api/accounts/:accountId/billing/invoices/:invoiceId', 'public'],
    ]);
  });

  it('reads guards taken from the Nest container (app.get(Guard)), keeps a throttler that reads its own decorator a rate limit, and finds @Sse() routes', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { '@nestjs/common': '^10.0.0', '@nestjs/core': '^10.0.0', '@nestjs/graphql': '^12.0.0', '@nestjs/throttler': '^5.0.0' } }),
      'src/main.ts': `
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { SessionGuard } from './session.guard';
import { TieredThrottlerGuard } from './throttler';
export async function createApp() {
  const app = await NestFactory.create(AppModule);
  app.useGlobalGuards(app.get(SessionGuard), await app.resolve(TieredThrottlerGuard));
  return app;
}
`,
      'src/errors.ts': `
export class UserFacingError extends Error {}
export class LoginRequiredError extends UserFacingError {}
`,
      'src/session.guard.ts': `
import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { LoginRequiredError } from './errors';
import { SessionService } from './session.service';
const OPEN_ENDPOINT = Symbol('open');
export const Open = () => SetMetadata(OPEN_ENDPOINT, true);
@Injectable()
export class SessionGuard implements CanActivate {
  private sessions!: SessionService;
  constructor(private readonly ref: ModuleRef, private readonly reflector: Reflector) {}
  onModuleInit() { this.sessions = this.ref.get(SessionService, { strict: false }); }
  async canActivate(context: ExecutionContext) {
    const req = context.switchToHttp().getRequest();
    const userSession = await this.sessions.fromRequest(req);
    if (this.reflector.getAllAndOverride<boolean>(OPEN_ENDPOINT, [context.getClass(), context.getHandler()])) return true;
    if (!userSession) {
      throw new LoginRequiredError();
    }
    return true;
  }
}
`,
      'src/session.service.ts': `
export class SessionService {
  async fromRequest(req: { headers: Record<string, string> }) { return req.headers['x-sid'] ? { id: req.headers['x-sid'] } : null; }
}
`,
      'src/throttler.ts': `
import { ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
export const TIER = 'limits:tier';
export const Limit = (tier: 'default' | 'strict' = 'default') => SetMetadata(TIER, tier);
@Injectable()
export class TieredThrottlerGuard extends ThrottlerGuard {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const tier = this.reflector.getAllAndOverride<string | undefined>(TIER, [context.getHandler(), context.getClass()]);
    if (!tier) return true;
    return super.canActivate(context);
  }
}
`,
      'src/spaces.resolver.ts': `
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Open } from './session.guard';
import { Limit } from './throttler';
@Resolver()
export class SpacesResolver {
  @Query(() => String)
  @Open()
  serverInfo() { return 'ok'; }

  @Mutation(() => Boolean)
  @Limit('strict')
  renameSpace(@Args('id') id: string, @Args('name') name: string) { return Boolean(id && name); }
}
`,
      'src/space-events.controller.ts': `
import { Controller, Param, Sse } from '@nestjs/common';
import { Observable, of } from 'rxjs';
@Controller('spaces')
export class SpaceEventsController {
  @Sse(':id/events')
  events(@Param('id') id: string): Observable<{ data: string }> { return of({ data: id }); }
}
`,
    });
    const routes = loadRoutes(dir, [nestjsAdapter]);
    expect(routes.map((route) => [route.id, route.auth])).toEqual([
      ['GET /spaces/:id/events', 'authenticated'],
      ['QUERY serverInfo', 'public'],
      ['MUTATION renameSpace', 'authenticated'],
    ]);
    const rename = routeOf(routes, 'MUTATION renameSpace');
    expect(rename.authEvidence[0]).toContain('app.get(SessionGuard)');
    expect(middlewareSummary(rename)).toEqual(['app.get(SessionGuard) auth global', 'await app.resolve(TieredThrottlerGuard) rate-limit global']);
  });

  it('finds routes of mixin base controllers and honours a @Public() imported from a package outside the scan', () => {
    const dir = makeProject({
      'package.json': nestPackage,
      'src/main.ts': `
import { NestFactory, Reflector } from '@nestjs/core';
import { AppModule } from './app.module';
import { AuthGuard } from './auth.guard';
async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  const globalPrefix = 'api';
  app.setGlobalPrefix(globalPrefix);
  app.useGlobalGuards(new AuthGuard(app.get(Reflector)));
  await app.listen(3000);
}
bootstrap();
`,
      'src/auth.guard.ts': `
import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
import { PUBLIC_METHOD_METADATA } from '@org/constants';
@Injectable()
export class AuthGuard extends PassportAuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) { super(); }
  canActivate(context: ExecutionContext) {
    if (this.reflector.get<boolean>(PUBLIC_METHOD_METADATA, context.getHandler())) return true;
    return super.canActivate(context);
  }
}
`,
      'src/crud.factory.ts': `
import { Delete, Get, Param } from '@nestjs/common';
export function CrudFactory<T>() {
  class BaseCrudController {
    @Get(':id')
    findOne(@Param('id') id: string) { return id; }
    @Delete(':id')
    remove(@Param('id') id: string) { return id; }
  }
  return BaseCrudController;
}
`,
      'src/tags.controller.ts': `
import { Controller, Get } from '@nestjs/common';
import { Public } from '@org/common';
import { CrudFactory } from './crud.factory';
@Controller('tags')
export class TagsController extends CrudFactory<string>() {
  @Public()
  @Get()
  list() { return []; }
  remove() { return 'disabled'; }
}
`,
    });
    const routes = loadRoutes(dir, [nestjsAdapter]);
    expect(routes.map((route) => [route.id, route.auth, route.handler?.name])).toEqual([
      ['GET /api/tags/:id', 'authenticated', 'TagsController.findOne'],
      ['GET /api/tags', 'public', 'TagsController.list'],
    ]);
    expect(routes[1]!.publicByDesign).toContain('honoured by new AuthGuard(app.get(Reflector))');
  });

  it('reads an unresolvable global prefix as a placeholder instead of dropping it', () => {
    const dir = makeProject({
      'package.json': nestPackage,
      'src/main.ts': `
import { NestFactory } from '@nestjs/core';
import { ConfigService } from '@nestjs/config';
import { AppModule } from './app.module';
async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  const config = app.get(ConfigService);
  app.setGlobalPrefix(config.getOrThrow('app.apiPrefix'), { exclude: ['/'] });
  await app.listen(3000);
}
bootstrap();
`,
      'src/home.controller.ts': `
import { Controller, Get } from '@nestjs/common';
@Controller()
export class HomeController {
  @Get()
  index() { return 'home'; }
  @Get('about')
  about() { return 'about'; }
}
`,
    });
    expect(loadRoutes(dir, [nestjsAdapter]).map((route) => route.id)).toEqual(['GET /', 'GET /{apiPrefix}/about']);
  });

  it('reads the public and owner values of a permission list when the guard tests the list for them itself', () => {
    const dir = makeProject({
      'package.json': nestPackage,
      'src/allow.ts': `
import { SetMetadata } from '@nestjs/common';
export enum Permission { Public = 'Public', Owner = 'Owner', ReadOrder = 'ReadOrder' }
export const PERMISSIONS_KEY = '__permissions__';
export const Allow = (...permissions: Permission[]) => SetMetadata(PERMISSIONS_KEY, permissions);
`,
      'src/permissions.guard.ts': `
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Permission, PERMISSIONS_KEY } from './allow';
@Injectable()
export class PermissionsGuard implements CanActivate {
  constructor(private reflector: Reflector) {}
  canActivate(context: ExecutionContext): boolean {
    const permissions = this.reflector.get<Permission[]>(PERMISSIONS_KEY, context.getHandler());
    if (!permissions || permissions.includes(Permission.Public)) return true;
    const user = context.switchToHttp().getRequest().user;
    return permissions.includes(Permission.Owner) || permissions.some((permission) => user.permissions.includes(permission));
  }
}
`,
      'src/roles.guard.ts': `
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Permission, PERMISSIONS_KEY } from './allow';
// Here Owner is a role an account holds (the workspace's owner), compared with the user's.
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private reflector: Reflector) {}
  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.get<Permission[]>(PERMISSIONS_KEY, context.getHandler());
    if (!roles) return true;
    const user = context.switchToHttp().getRequest().user;
    return user.role === Permission.Owner || roles.includes(user.role);
  }
}
`,
      'src/orders.controller.ts': `
import { Controller, Get, Post, UseGuards } from '@nestjs/common';
import { Allow, Permission } from './allow';
import { PermissionsGuard } from './permissions.guard';
import { RolesGuard } from './roles.guard';
@Controller('orders')
@UseGuards(PermissionsGuard)
export class OrdersController {
  @Allow(Permission.Public)
  @Post('password-reset')
  requestReset() { return 'ok'; }
  @Allow(Permission.Owner)
  @Get('mine')
  mine() { return []; }
  @Allow(Permission.ReadOrder)
  @Get()
  all() { return []; }
}
@Controller('workspace')
@UseGuards(RolesGuard)
export class WorkspaceController {
  @Allow(Permission.Owner)
  @Post('transfer')
  transfer() { return 'ok'; }
}
`,
    });
    const routes = loadRoutes(dir, [nestjsAdapter]);
    expect(routes.map((route) => [route.id, route.auth])).toEqual([
      ['POST /orders/password-reset', 'public'],
      ['GET /orders/mine', 'authenticated'],
      ['GET /orders', 'authenticated'],
      ['POST /workspace/transfer', 'authenticated'],
    ]);
    expect(routes[0]!.publicByDesign).toContain('honoured by PermissionsGuard');
    expect(middlewareSummary(routes[1]!)).toEqual(['PermissionsGuard auth router']);
    expect(routes[1]!.middleware[0]!.evidence).toContain('admits any caller as the owner');
    expect(routes[1]!.middleware[0]!.admitsAnyCallerAsOwner).toMatch(/^@Allow\(Permission\.Owner\) \(src\/orders\.controller\.ts:\d+\)$/);
    expect(routes[2]!.middleware[0]!.admitsAnyCallerAsOwner).toBeUndefined();
    expect(routes[3]!.middleware[0]!.admitsAnyCallerAsOwner).toBeUndefined();
    expect(middlewareSummary(routes[2]!)).toEqual(['PermissionsGuard role router [ReadOrder]']);
    expect(middlewareSummary(routes[3]!)).toEqual(['RolesGuard role router [Owner]']);
  });

  it("reads @Allow from @vendure/core as checked by the package's own global guard", () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { '@nestjs/common': '^10.0.0', '@nestjs/graphql': '^12.0.0', '@vendure/core': '^3.0.0' } }),
      'src/payments.resolver.ts': `
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Allow, Ctx, Permission, RequestContext } from '@vendure/core';
@Resolver()
export class PaymentsResolver {
  @Mutation()
  @Allow(Permission.Owner)
  createPaymentIntent(@Ctx() ctx: RequestContext, @Args('orderId') orderId: string) { return orderId; }
  @Query()
  @Allow(Permission.Public)
  paymentProviders() { return []; }
  @Mutation()
  @Allow(Permission.UpdateSettings)
  configurePayments() { return true; }
  @Query()
  paymentStatus() { return 'ok'; }
}
`,
    });
    const routes = loadRoutes(dir, [nestjsAdapter]);
    expect(routes.map((route) => [route.id, route.auth])).toEqual([
      ['MUTATION createPaymentIntent', 'authenticated'],
      ['QUERY paymentProviders', 'public'],
      ['MUTATION configurePayments', 'authenticated'],
      ['QUERY paymentStatus', 'public'],
    ]);
    expect(middlewareSummary(routes[0]!)).toEqual(['@Allow(Permission.Owner) (Vendure AuthGuard) auth route']);
    expect(routes[0]!.middleware[0]!.admitsAnyCallerAsOwner).toContain('@Allow(Permission.Owner)');
    expect(routes[2]!.middleware[0]!.admitsAnyCallerAsOwner).toBeUndefined();
    expect(routes[1]!.publicByDesign).toContain('honoured by Vendure AuthGuard (@vendure/core)');
    expect(middlewareSummary(routes[2]!)).toEqual(['@Allow(Permission.UpdateSettings) (Vendure AuthGuard) role route [UpdateSettings]']);
  });

  it('reads an opt-in guard whose Reflector read is in a helper function outside its class', () => {
    const dir = makeProject({
      'package.json': nestPackage,
      'src/route-options.ts': `
import { SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
const ROUTE_OPTIONS = 'route-options';
export const Secured = (options: { admin?: boolean } = {}) => SetMetadata(ROUTE_OPTIONS, options);
export const routeOptionsOf = (reflector: Reflector, target: Function) => {
  const options = reflector.getAllAndOverride<{ admin?: boolean } | undefined>(ROUTE_OPTIONS, [target]);
  return options && { admin: false, ...options };
};
`,
      'src/session.guard.ts': `
import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { routeOptionsOf } from './route-options';
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(private reflector: Reflector) {}
  canActivate(context: ExecutionContext): boolean {
    const options = routeOptionsOf(this.reflector, context.getHandler());
    if (!options) {
      return true;
    }
    const request = context.switchToHttp().getRequest();
    if (!request.headers.authorization) throw new UnauthorizedException();
    return true;
  }
}
`,
      'src/app.module.ts': `
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { LibraryController } from './library.controller';
import { SessionGuard } from './session.guard';
@Module({ controllers: [LibraryController], providers: [{ provide: APP_GUARD, useClass: SessionGuard }] })
export class AppModule {}
`,
      'src/library.controller.ts': `
import { Controller, Get, Post } from '@nestjs/common';
import { Secured } from './route-options';
@Controller('library')
export class LibraryController {
  @Get('ping')
  ping() { return 'pong'; }
  @Post('scan')
  @Secured({ admin: true })
  scan() { return {}; }
}
@Controller('oauth')
export class OAuthController {
  @Post('callback')
  finish() { return {}; }
  @Post('link')
  @Secured()
  link() { return {}; }
}
`,
    });
    const routes = loadRoutes(dir, [nestjsAdapter]);
    // A sign-in step is public by its name, unless its own decorator turned the opt-in guard on.
    expect(routes.map((route) => [route.id, route.auth])).toEqual([
      ['GET /library/ping', 'public'],
      ['POST /library/scan', 'authenticated'],
      ['POST /oauth/callback', 'public'],
      ['POST /oauth/link', 'authenticated'],
    ]);
    expect(routes[0]!.middleware[0]!.evidence).toContain('lets this route through');
    expect(routes[1]!.middleware[0]!.evidence).toContain('checks @Secured({ admin: true })');
  });

  it('reads app.get(service).middleware() of a service class passed in as a parameter typed with the classes it may be', () => {
    const dir = makeProject({
      'package.json': nestPackage,
      'src/main.ts': `
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { configureHttp } from './configure';
import { WebService } from './web.service';
async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  await configureHttp(app, { renderer: WebService });
}
bootstrap();
`,
      'src/configure.ts': `
import { INestApplication } from '@nestjs/common';
import { RecoveryService } from './recovery.service';
import { WebService } from './web.service';
export async function configureHttp(app: INestApplication, { renderer }: { renderer: typeof WebService | typeof RecoveryService }) {
  app.setGlobalPrefix('api');
  app.use(app.get(renderer).render(['/api']));
  await app.listen(3000);
}
`,
      'src/web.service.ts': `
export class WebService {
  render(excluded: string[]) {
    return (req: any, res: any, next: () => void) => {
      if (excluded.some((prefix) => req.url.startsWith(prefix))) return next();
      res.sendFile('index.html');
    };
  }
}
`,
      'src/recovery.service.ts': `
export class RecoveryService {
  render(excluded: string[]) {
    return (req: any, res: any, next: () => void) => {
      if (excluded.some((prefix) => req.url.startsWith(prefix))) return next();
      res.sendFile('recovery.html');
    };
  }
}
`,
      'src/app.module.ts': `
import { Module } from '@nestjs/common';
import { StatusController } from './status.controller';
@Module({ controllers: [StatusController] })
export class AppModule {}
`,
      'src/status.controller.ts': `
import { Controller, Get } from '@nestjs/common';
@Controller('status')
export class StatusController {
  @Get()
  get() { return { ok: true }; }
}
`,
    });
    const routes = loadRoutes(dir, [nestjsAdapter]);
    expect(routes.map((route) => [route.id, route.auth])).toEqual([['GET /api/status', 'public']]);
    const renderer = routes[0]!.middleware.find((entry) => entry.name.includes('render'));
    expect(renderer?.kind).toBe('other');
    expect(renderer?.opaque).toBeUndefined();
    expect(renderer?.evidence).toContain('WebService.render');
    expect(renderer?.evidence).toContain('RecoveryService.render');
  });

  it('gives an APP_GUARD only to the routes of the app whose root module tree declares it, for two apps in one folder', () => {
    const dir = makeProject({
      'package.json': nestPackage,
      'src/workers/api.ts': `
import { NestFactory } from '@nestjs/core';
import { ApiModule } from '../app.module';
async function bootstrap() {
  const app = await NestFactory.create(ApiModule);
  await app.listen(3000);
}
bootstrap();
`,
      'src/workers/recovery.ts': `
import { NestFactory } from '@nestjs/core';
import { RecoveryModule } from '../app.module';
async function bootstrap() {
  const app = await NestFactory.create(RecoveryModule);
  await app.listen(3001);
}
bootstrap();
`,
      'src/guards.ts': `
import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
@Injectable()
export class SessionGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (!context.switchToHttp().getRequest().headers.authorization) throw new UnauthorizedException();
    return true;
  }
}
@Injectable()
export class RecoveryTokenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (!context.switchToHttp().getRequest().cookies.recovery_token) throw new UnauthorizedException();
    return true;
  }
}
`,
      'src/app.module.ts': `
import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AlbumsModule } from './albums.module';
import { SessionGuard, RecoveryTokenGuard } from './guards';
import { TimingInterceptor } from './timing.interceptor';
import { RecoveryController } from './recovery.controller';
const commonProviders = [{ provide: APP_INTERCEPTOR, useClass: TimingInterceptor }];
@Module({ imports: [AlbumsModule], providers: [...commonProviders, { provide: APP_GUARD, useClass: SessionGuard }] })
export class ApiModule {}
@Module({ controllers: [RecoveryController], providers: [...commonProviders, { provide: APP_GUARD, useClass: RecoveryTokenGuard }] })
export class RecoveryModule {}
`,
      'src/timing.interceptor.ts': `
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
@Injectable()
export class TimingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler) { return next.handle(); }
}
`,
      'src/albums.module.ts': `
import { Module } from '@nestjs/common';
import { AlbumsController } from './albums.controller';
@Module({ controllers: [AlbumsController] })
export class AlbumsModule {}
`,
      'src/albums.controller.ts': `
import { Controller, Delete, Param } from '@nestjs/common';
@Controller('albums')
export class AlbumsController {
  @Delete(':id')
  remove(@Param('id') id: string) { return id; }
}
`,
      'src/recovery.controller.ts': `
import { Controller, Post } from '@nestjs/common';
@Controller('recovery')
export class RecoveryController {
  @Post('restore')
  restore() { return {}; }
}
`,
    });
    const routes = loadRoutes(dir, [nestjsAdapter]);
    expect(routes.map((route) => [route.id, route.auth])).toEqual([
      ['DELETE /albums/:id', 'authenticated'],
      ['POST /recovery/restore', 'authenticated'],
    ]);
    expect(middlewareSummary(routes[0]!)).toEqual(['SessionGuard auth global', 'TimingInterceptor other global']);
    expect(middlewareSummary(routes[1]!)).toEqual(['RecoveryTokenGuard auth global', 'TimingInterceptor other global']);
  });
});
