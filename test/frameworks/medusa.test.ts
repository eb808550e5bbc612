import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { medusaAdapter, medusaFileRoute } from '../../src/engine/frameworks/medusa/index.js';
import type { Route } from '../../src/engine/routes/route.js';
import { inventory, loadRoutes } from '../helpers/routes.js';

const APP = path.resolve('fixtures/apps/medusa');

function route(routes: readonly Route[], id: string): Route {
  const found = routes.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no route ${id} in ${routes.map((r) => r.id).join(', ')}`);
  return found;
}

const middlewareOf = (found: Route) => found.middleware.map((m) => `${m.kind}/${m.scope}${m.roles ? ` ${m.roles.join(',')}` : ''}${m.optionalAuthentication ? ' optional' : ''}`);

describe('medusa adapter: file routes', () => {
  it('maps src/api/<path>/route.ts to its path, [param] to :param and [...] to *', () => {
    expect(medusaFileRoute('src/api/admin/products/[id]/variants/route.ts')).toEqual({ apiRoot: 'src/api', path: '/admin/products/:id/variants' });
    expect(medusaFileRoute('apps/shop/src/api/hooks/[...]/route.js')).toEqual({ apiRoot: 'apps/shop/src/api', path: '/hooks/*' });
    // A scan started inside `src`.
    expect(medusaFileRoute('api/store/carts/route.ts')).toEqual({ apiRoot: 'api', path: '/store/carts' });
    expect(medusaFileRoute('src/api/store/_internal/route.ts')).toBeUndefined();
    expect(medusaFileRoute('src/api/store/carts/helpers.ts')).toBeUndefined();
    expect(medusaFileRoute('src/app/api/carts/route.ts')).toBeUndefined();
  });
});

describe('medusa adapter: fixture app', () => {
  const routes = loadRoutes(APP, [medusaAdapter]);

  it('finds every HTTP-method export, with the router default and middlewares.ts deciding auth', () => {
    expect(inventory(routes)).toEqual([
      { method: 'DELETE', path: '/admin/brands/:id', file: 'src/api/admin/brands/[id]/route.ts', line: 3, auth: 'authenticated' },
      { method: 'GET', path: '/admin/brands/:id', file: 'src/api/admin/brands/[id]/route.ts', line: 8, auth: 'authenticated' },
      { method: 'GET', path: '/admin/brands', file: 'src/api/admin/brands/route.ts', line: 3, auth: 'authenticated' },
      { method: 'POST', path: '/admin/brands', file: 'src/api/admin/brands/route.ts', line: 7, auth: 'authenticated' },
      { method: 'POST', path: '/admin/invites/accept', file: 'src/api/admin/invites/accept/route.ts', line: 3, auth: 'authenticated' },
      { method: 'GET', path: '/admin/status', file: 'src/api/admin/status/route.ts', line: 4, auth: 'public' },
      { method: 'POST', path: '/hooks/*', file: 'src/api/hooks/[...]/route.js', line: 1, auth: 'public' },
      { method: 'GET', path: '/store/brands/:id', file: 'src/api/store/brands/[id]/route.ts', line: 3, auth: 'public' },
      { method: 'GET', path: '/store/customers/me/wishlist', file: 'src/api/store/customers/me/wishlist/route.ts', line: 3, auth: 'authenticated' },
      { method: 'POST', path: '/store/customers/me/wishlist', file: 'src/api/store/customers/me/wishlist/route.ts', line: 7, auth: 'authenticated' },
    ]);
    expect(routes.every((r) => r.framework === 'medusa')).toBe(true);
  });

  it('authenticates /admin routes as the admin user actor by default', () => {
    const found = route(routes, 'GET /admin/brands');
    expect(middlewareOf(found)).toEqual(['auth/global', 'role/global admin']);
    expect(found.authEvidence[0]).toContain('Medusa router default for /admin');
  });

  it('drops the default for a file exporting AUTHENTICATE = false; a middlewares.ts matcher can put it back', () => {
    expect(route(routes, 'GET /admin/status').middleware).toEqual([]);
    const accept = route(routes, 'POST /admin/invites/accept');
    expect(middlewareOf(accept)).toEqual(['auth/router', 'role/router admin']);
    expect(accept.authEvidence[0]).toContain('src/api/admin/invites/middlewares.ts:7');
  });

  it("keeps a parent route file's default over a child that opted out: the router installs it with router.use, a prefix match", () => {
    const child = route(routes, 'DELETE /admin/brands/:id');
    expect(middlewareOf(child)).toEqual(['auth/global', 'role/global admin']);
    expect(child.middleware[0]).toMatchObject({ file: 'src/api/admin/brands/route.ts', line: 3 });
    expect(child.middleware[0]!.name).toContain('installed for /admin/brands');
  });

  it('only reads store credentials by default, and applies spread per-folder arrays by matcher and method', () => {
    expect(middlewareOf(route(routes, 'GET /store/brands/:id'))).toEqual(['other/global optional']);
    // `/store/customers/me*` for ALL methods; the regex matcher for POST only.
    expect(middlewareOf(route(routes, 'GET /store/customers/me/wishlist'))).toEqual(['other/global optional', 'auth/router']);
    expect(middlewareOf(route(routes, 'POST /store/customers/me/wishlist'))).toEqual(['other/global optional', 'auth/router', 'validation/router']);
  });

  it('reads req.auth_context as the principal', () => {
    expect(route(routes, 'GET /store/customers/me/wishlist').principal).toContain('req.auth_context');
  });
});
