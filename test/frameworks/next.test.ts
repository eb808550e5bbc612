import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { nextAdapter } from '../../src/engine/frameworks/next/index.js';
import { compileGlob, compilePathPattern } from '../../src/engine/frameworks/next/path-matcher.js';
import type { Route } from '../../src/engine/routes/route.js';
import { makeProject } from '../helpers/cli.js';
import { inventory, loadRoutes } from '../helpers/routes.js';

// Absolute: tsconfig `paths` (the `@/` alias) are keyed by absolute folder.
const appDir = path.resolve('fixtures/apps/next');
const appRoutes = loadRoutes(appDir, [nextAdapter]);

function find(routes: readonly Route[], id: string): Route {
  const route = routes.find((candidate) => candidate.id === id);
  if (!route) throw new Error(`no route ${id} in ${routes.map((r) => r.id).join(', ')}`);
  return route;
}

const NEXT_PACKAGE = JSON.stringify({ name: 'web', dependencies: { next: '15.0.0' } });

describe('next fixture app', () => {
  test('full inventory', () => {
    expect(inventory(appRoutes)).toEqual([
      { method: 'POST', path: '/api/newsletter', file: 'src/app/(marketing)/api/newsletter/route.ts', line: 8, auth: 'public' },
      { method: 'DELETE', path: '/api/admin/users/[userId]', file: 'src/app/api/admin/users/[userId]/route.ts', line: 5, auth: 'authenticated' },
      { method: 'GET', path: '/api/admin/users', file: 'src/app/api/admin/users/route.ts', line: 6, auth: 'authenticated' },
      { method: 'POST', path: '/api/admin/users', file: 'src/app/api/admin/users/route.ts', line: 14, auth: 'authenticated' },
      { method: 'GET', path: '/api/auth/[...nextauth]', file: 'src/app/api/auth/[...nextauth]/route.ts', line: 3, auth: 'public' },
      { method: 'POST', path: '/api/auth/[...nextauth]', file: 'src/app/api/auth/[...nextauth]/route.ts', line: 3, auth: 'public' },
      { method: 'GET', path: '/api/files/[[...path]]', file: 'src/app/api/files/[[...path]]/route.ts', line: 4, auth: 'unknown' },
      { method: 'GET', path: '/api/health', file: 'src/app/api/health/route.ts', line: 5, auth: 'public' },
      { method: 'GET', path: '/api/projects/[projectId]', file: 'src/app/api/projects/[projectId]/route.ts', line: 1, auth: 'authenticated' },
      { method: 'PATCH', path: '/api/projects/[projectId]', file: 'src/app/api/projects/[projectId]/route.ts', line: 1, auth: 'authenticated' },
      { method: 'DELETE', path: '/api/projects/[projectId]', file: 'src/app/api/projects/[projectId]/route.ts', line: 1, auth: 'authenticated' },
      { method: 'GET', path: '/api/projects', file: 'src/app/api/projects/route.ts', line: 5, auth: 'authenticated' },
      { method: 'POST', path: '/api/projects', file: 'src/app/api/projects/route.ts', line: 14, auth: 'authenticated' },
      { method: 'GET', path: '/api/settings', file: 'src/app/api/settings/route.ts', line: 6, auth: 'authenticated' },
      { method: 'PATCH', path: '/api/settings', file: 'src/app/api/settings/route.ts', line: 14, auth: 'authenticated' },
      { method: 'GET', path: '/api/teams/[teamId]/members', file: 'src/app/api/teams/[teamId]/members/route.ts', line: 17, auth: 'authenticated' },
      { method: 'POST', path: '/api/teams/[teamId]/members', file: 'src/app/api/teams/[teamId]/members/route.ts', line: 17, auth: 'authenticated' },
      { method: 'POST', path: '/api/webhooks/stripe', file: 'src/app/api/webhooks/stripe/route.ts', line: 6, auth: 'public' },
      { method: 'GET', path: '/og', file: 'src/app/og/route.tsx', line: 5, auth: 'public' },
      { method: 'POST', path: '/api/admin/reindex', file: 'src/pages/api/admin/reindex.ts', line: 12, auth: 'authenticated' },
      { method: 'POST', path: '/api/contact', file: 'src/pages/api/contact.ts', line: 14, auth: 'public' },
      { method: 'GET', path: '/api/legacy/orders/[orderId]', file: 'src/pages/api/legacy/orders/[orderId].ts', line: 22, auth: 'authenticated' },
      { method: 'PUT', path: '/api/legacy/orders/[orderId]', file: 'src/pages/api/legacy/orders/[orderId].ts', line: 22, auth: 'authenticated' },
      { method: 'GET', path: '/api/legacy/orders', file: 'src/pages/api/legacy/orders/index.ts', line: 5, auth: 'authenticated' },
      { method: 'POST', path: '/api/legacy/orders', file: 'src/pages/api/legacy/orders/index.ts', line: 5, auth: 'authenticated' },
      { method: 'ALL', path: '/api/ping', file: 'src/pages/api/ping.js', line: 1, auth: 'public' },
    ]);
  });

  test('private folders and helper files are not routes', () => {
    expect(appRoutes.some((route) => route.path.includes('_internal') || route.path.includes('cron') || route.path.includes('_utils'))).toBe(false);
  });

  test('middleware.ts comes first (global), then the handler wrapper (route)', () => {
    const route = find(appRoutes, 'DELETE /api/admin/users/[userId]');
    expect(route.middleware.map(({ name, kind, scope, file, line }) => ({ name, kind, scope, file, line }))).toEqual([
      { name: 'auth', kind: 'auth', scope: 'global', file: 'src/middleware.ts', line: 1 },
      { name: 'withRole', kind: 'role', scope: 'route', file: 'src/app/api/admin/users/[userId]/route.ts', line: 5 },
    ]);
    expect(find(appRoutes, 'POST /api/admin/reindex').middleware.map((m) => `${m.scope}:${m.name}:${m.kind}`)).toEqual(['global:auth:auth', 'route:withAdmin:role']);
  });

  test('routes outside the matcher get nothing from middleware.ts', () => {
    for (const id of ['GET /api/projects', 'POST /api/webhooks/stripe', 'GET /api/health', 'POST /api/contact']) {
      expect(find(appRoutes, id).middleware.filter((m) => m.scope === 'global')).toEqual([]);
    }
  });

  test('wrappers are classified: known package, session plumbing, rate limiter, unknown package', () => {
    expect(find(appRoutes, 'GET /api/legacy/orders').middleware.map((m) => [m.name, m.kind, m.strength])).toEqual([['withApiAuthRequired', 'auth', 'strong']]);
    const ironSession = find(appRoutes, 'PUT /api/legacy/orders/[orderId]');
    expect(ironSession.middleware.map((m) => [m.name, m.kind])).toEqual([['withIronSessionApiRoute', 'other']]);
    expect(ironSession.authEvidence[0]).toMatch(/orderRoute .* rejects unauthenticated requests/);
    expect(find(appRoutes, 'POST /api/contact').middleware.map((m) => [m.name, m.kind])).toEqual([['rateLimit', 'rate-limit']]);
    expect(find(appRoutes, 'GET /api/files/[[...path]]').middleware[0]).toMatchObject({ name: 'withEdgeCache', opaque: true });
  });

  test('in-handler checks answered with { status: 401 } count as authentication', () => {
    const route = find(appRoutes, 'POST /api/projects');
    expect(route.authEvidence[0]).toMatch(/POST .* rejects unauthenticated requests/);
    expect(route.principal).toContain('auth()');
    expect(find(appRoutes, 'GET /api/health').auth).toBe('public');
  });

  test('handlers re-exported from another file and wrapped there are resolved', () => {
    const route = find(appRoutes, 'PATCH /api/projects/[projectId]');
    expect(route.handler).toMatchObject({ file: 'src/server/projects.ts', line: 11 });
    expect(route.middleware).toMatchObject([{ name: 'withSession', kind: 'auth', file: 'src/server/projects.ts', line: 11 }]);
    expect(route.principal).toEqual(['session.user']);
    expect(find(appRoutes, 'GET /api/teams/[teamId]/members').handler).toMatchObject({ name: 'handler', line: 5 });
  });
});

describe('file-system paths', () => {
  test('route groups, parallel slots, private folders, catch-alls; the Next package folder in a monorepo', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ name: 'monorepo', private: true, workspaces: ['apps/*'] }),
      'apps/web/package.json': NEXT_PACKAGE,
      'apps/web/app/api/app/route.ts': 'export async function GET() { return Response.json([]) }\n',
      'apps/web/app/(admin)/@panel/api/stats/[[...range]]/route.js': 'export const GET = async () => Response.json({});\n',
      'apps/web/app/api/_lib/route.ts': 'export function GET() { return new Response() }\n',
      'apps/web/app/page.tsx': 'export default function Page() { return null }\n',
      'apps/web/src/pages/api/posts/index.ts': 'export default function posts(req, res) { res.json([]) }\n',
      'apps/web/src/pages/api/posts/[...slug].ts': 'export default function post(req, res) { res.json({}) }\n',
    });
    expect(inventory(loadRoutes(dir, [nextAdapter])).map((r) => `${r.method} ${r.path} ${r.file}:${r.line}`)).toEqual([
      'GET /api/stats/[[...range]] apps/web/app/(admin)/@panel/api/stats/[[...range]]/route.js:1',
      'GET /api/app apps/web/app/api/app/route.ts:1',
      'ALL /api/posts/[...slug] apps/web/src/pages/api/posts/[...slug].ts:1',
      'ALL /api/posts apps/web/src/pages/api/posts/index.ts:1',
    ]);
  });

  test('Pages API methods come from req.method branches', () => {
    const dir = makeProject({
      'package.json': NEXT_PACKAGE,
      'pages/api/a.ts': `export default async function handler(req, res) {
  if (req.method === 'GET') return res.json([]);
  else if (req.method === 'DELETE') return res.status(204).end();
  res.status(405).end();
}\n`,
      'pages/api/b.ts': `const handler = async (req, res) => {
  const { method } = req;
  switch (method) {
    case 'PUT':
    case 'PATCH':
      return res.json({});
    default:
      return res.status(405).end();
  }
};
export default handler;\n`,
      'pages/api/c.ts': `export default function handler(req, res) {
  if (!['POST', 'OPTIONS'].includes(req.method!)) return res.status(405).end();
  return fetch('https://example.com', { method: 'GET' }).then(() => res.end());
}\n`,
    });
    expect(loadRoutes(dir, [nextAdapter]).map((r) => r.id)).toEqual(['DELETE /api/a', 'GET /api/a', 'PATCH /api/b', 'PUT /api/b', 'OPTIONS /api/c', 'POST /api/c']);
  });

  test('next-auth v4 handler exported under two method names', () => {
    const dir = makeProject({
      'package.json': NEXT_PACKAGE,
      'app/api/auth/[...nextauth]/route.ts': `import NextAuth from 'next-auth';
import { authOptions } from './options';

const handler = NextAuth(authOptions);

export { handler as GET, handler as POST };\n`,
      'app/api/auth/[...nextauth]/options.ts': 'export const authOptions = { providers: [] };\n',
    });
    const routes = loadRoutes(dir, [nextAdapter]);
    expect(inventory(routes)).toEqual([
      { method: 'GET', path: '/api/auth/[...nextauth]', file: 'app/api/auth/[...nextauth]/route.ts', line: 6, auth: 'public' },
      { method: 'POST', path: '/api/auth/[...nextauth]', file: 'app/api/auth/[...nextauth]/route.ts', line: 6, auth: 'public' },
    ]);
    expect(routes.every((route) => route.middleware.length === 0 && route.handler === undefined)).toBe(true);
  });
});

describe('Pages API method maps', () => {
  test('export default withMiddlewares({ GET: factory({ querySchema, fn }), ... }): one route per method, with the factory as its auth and its schemas as validation', () => {
    const dir = makeProject({
      'package.json': NEXT_PACKAGE,
      'src/server/with-middlewares.ts': [
        "import type { NextApiRequest, NextApiResponse } from 'next';",
        'type Handler = (req: NextApiRequest, res: NextApiResponse) => Promise<void>;',
        'export function withMiddlewares(handlers: Partial<Record<string, Handler>>) {',
        '  return async (req: NextApiRequest, res: NextApiResponse) => {',
        '    const handler = handlers[req.method ?? ""];',
        '    if (!handler) return res.status(405).end();',
        '    return handler(req, res);',
        '  };',
        '}',
      ].join('\n'),
      'src/server/authed-route.ts': [
        "import type { NextApiRequest, NextApiResponse } from 'next';",
        'async function verifyApiKeyAuth(header: string | undefined) {',
        "  if (!header) throw Object.assign(new Error('Missing API key'), { status: 401 });",
        '  return { scope: { projectId: header } };',
        '}',
        'export function createAuthedProjectAPIRoute(config: { querySchema?: { parse(v: unknown): any }; bodySchema?: { parse(v: unknown): any }; fn: (input: { query: any; body: any; auth: { scope: { projectId: string } } }) => Promise<unknown> }) {',
        '  return async (req: NextApiRequest, res: NextApiResponse) => {',
        '    let auth;',
        '    try {',
        '      auth = await verifyApiKeyAuth(req.headers.authorization);',
        '    } catch (error: any) {',
        '      return res.status(error.status ?? 401).json({ message: error.message });',
        '    }',
        '    const query = config.querySchema?.parse(req.query);',
        '    const body = config.bodySchema?.parse(req.body);',
        '    res.json(await config.fn({ query, body, auth }));',
        '  };',
        '}',
      ].join('\n'),
      'src/pages/api/public/sessions.ts': [
        "import { withMiddlewares } from '../../../server/with-middlewares';",
        "import { createAuthedProjectAPIRoute } from '../../../server/authed-route';",
        "const GetSessionsQuery = { parse: (value: unknown) => value };",
        'export default withMiddlewares({',
        '  GET: createAuthedProjectAPIRoute({',
        '    querySchema: GetSessionsQuery,',
        '    fn: async ({ query, auth }) => ({ sessions: [query, auth.scope.projectId] }),',
        '  }),',
        '  DELETE: createAuthedProjectAPIRoute({ fn: async ({ auth }) => ({ deleted: auth.scope.projectId }) }),',
        '});',
      ].join('\n'),
    });
    const routes = loadRoutes(dir, [nextAdapter]);
    expect(routes.map((route) => `${route.id} ${route.auth} ${route.handler?.name}`)).toEqual(['DELETE /api/public/sessions authenticated fn', 'GET /api/public/sessions authenticated fn']);
    expect(find(routes, 'GET /api/public/sessions').middleware.map((m) => `${m.name.replace(/\(.*$/s, '')}:${m.kind}`)).toEqual([
      'withMiddlewares:other',
      'createAuthedProjectAPIRoute:auth',
      'createAuthedProjectAPIRoute:validation',
    ]);
  });
});

describe('middleware.ts', () => {
  const routeFiles = {
    'package.json': NEXT_PACKAGE,
    'app/api/public/ping/route.ts': 'export function GET() { return Response.json({ ok: true }) }\n',
    'app/api/private/data/route.ts': 'export function GET() { return Response.json([]) }\n',
    'app/dashboard/export/route.ts': 'export function POST() { return new Response() }\n',
  };
  const guarded = (files: Record<string, string>) =>
    Object.fromEntries(loadRoutes(makeProject({ ...routeFiles, ...files }), [nextAdapter]).map((r) => [r.id, r.auth === 'authenticated' ? r.middleware[0]!.name : r.auth]));

  test('next-auth/middleware re-export with a negative-lookahead matcher', () => {
    expect(
      guarded({
        'middleware.ts': `export { default } from 'next-auth/middleware';
export const config = { matcher: ['/((?!api|_next/static|_next/image|favicon.ico).*)'] };\n`,
      }),
    ).toEqual({ 'GET /api/private/data': 'public', 'GET /api/public/ping': 'public', 'POST /dashboard/export': 'next-auth/middleware' });
  });

  test('withAuth with { source } matcher objects', () => {
    expect(
      guarded({
        'src/middleware.ts': `import { withAuth } from 'next-auth/middleware';
export default withAuth({ pages: { signIn: '/login' } });
export const config = { matcher: [{ source: '/api/private/:path*' }, { source: '/dashboard/:path*' }] };\n`,
      }),
    ).toEqual({ 'GET /api/private/data': 'withAuth', 'GET /api/public/ping': 'public', 'POST /dashboard/export': 'withAuth' });
  });

  test('Clerk clerkMiddleware protects only what its route matcher names', () => {
    expect(
      guarded({
        'middleware.ts': `import { clerkMiddleware, createRouteMatcher } from '@clerk/nextjs/server';
const isProtectedRoute = createRouteMatcher(['/dashboard(.*)', '/api/private(.*)']);
export default clerkMiddleware(async (auth, req) => {
  if (isProtectedRoute(req)) await auth.protect();
});
export const config = { matcher: ['/((?!_next|[^?]*\\\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico)).*)', '/(api|trpc)(.*)'] };\n`,
      }),
    ).toEqual({ 'GET /api/private/data': 'clerkMiddleware', 'GET /api/public/ping': 'public', 'POST /dashboard/export': 'clerkMiddleware' });
  });

  test('Clerk: everything but the public routes, via an early return', () => {
    expect(
      guarded({
        'middleware.ts': `import { clerkMiddleware, createRouteMatcher } from '@clerk/nextjs/server';
const isPublicRoute = createRouteMatcher(['/api/public(.*)', '/sign-in(.*)']);
export default clerkMiddleware(async (auth, request) => {
  if (isPublicRoute(request)) return;
  await auth.protect();
});\n`,
      }),
    ).toEqual({ 'GET /api/private/data': 'clerkMiddleware', 'GET /api/public/ping': 'public', 'POST /dashboard/export': 'clerkMiddleware' });
  });

  test('Clerk without protect() lets everything through', () => {
    expect(guarded({ 'middleware.ts': `import { clerkMiddleware } from '@clerk/nextjs/server';\nexport default clerkMiddleware();\n` })).toEqual({
      'GET /api/private/data': 'public',
      'GET /api/public/ping': 'public',
      'POST /dashboard/export': 'public',
    });
  });

  test('Supabase updateSession: the check lives in the function the middleware delegates to', () => {
    expect(
      guarded({
        'middleware.ts': `import { type NextRequest } from 'next/server';
import { updateSession } from './utils/supabase/middleware';
export async function middleware(request: NextRequest) {
  return await updateSession(request);
}
export const config = { matcher: ['/dashboard/:path*', '/api/private/:path*'] };\n`,
        'utils/supabase/middleware.ts': `import { createServerClient } from '@supabase/ssr';
import { NextResponse, type NextRequest } from 'next/server';
export async function updateSession(request: NextRequest) {
  let supabaseResponse = NextResponse.next({ request });
  const supabase = createServerClient(process.env.NEXT_PUBLIC_SUPABASE_URL!, process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY!, { cookies: { getAll: () => request.cookies.getAll(), setAll: () => {} } });
  const { data: { user } } = await supabase.auth.getUser();
  if (!user && !request.nextUrl.pathname.startsWith('/login')) {
    const url = request.nextUrl.clone();
    url.pathname = '/login';
    return NextResponse.redirect(url);
  }
  return supabaseResponse;
}\n`,
      }),
    ).toEqual({ 'GET /api/private/data': 'middleware', 'GET /api/public/ping': 'public', 'POST /dashboard/export': 'middleware' });
  });

  // A middleware that routes by host (app., api., short-link domains) to per-host middleware, only one
  // of which signs users in: the check covers the requests of one host, which no route path tells apart.
  const appMiddleware = `import { NextResponse, type NextRequest } from 'next/server';
import { getToken } from 'next-auth/jwt';
export async function AppMiddleware(request: NextRequest) {
  const session = await getToken({ req: request });
  if (!session?.email) return NextResponse.redirect(new URL('/login', request.url));
  return NextResponse.next();
}\n`;
  const linkMiddleware = `import { NextResponse, type NextRequest } from 'next/server';
export function LinkMiddleware(request: NextRequest) {
  return NextResponse.rewrite(new URL('/link' + request.nextUrl.pathname, request.url));
}\n`;

  test('a dispatcher that hands one host to a checking middleware proves nothing about a route', () => {
    expect(
      guarded({
        'middleware.ts': `import { NextResponse, type NextRequest } from 'next/server';
import { AppMiddleware } from './lib/middleware/app';
import { LinkMiddleware } from './lib/middleware/link';
export default async function middleware(request: NextRequest) {
  const domain = request.headers.get('host') ?? '';
  if (isAppHostname(domain)) {
    return AppMiddleware(request);
  }
  switch (domain) {
    case 'admin.example.com':
      return AppMiddleware(request);
  }
  return LinkMiddleware(request);
}
const isAppHostname = (domain: string) => domain.startsWith('app.');\n`,
        'lib/middleware/app.ts': appMiddleware,
        'lib/middleware/link.ts': linkMiddleware,
      }),
    ).toEqual({ 'GET /api/private/data': 'public', 'GET /api/public/ping': 'public', 'POST /dashboard/export': 'public' });
  });

  test('a check delegated under a path condition guards the paths it admits', () => {
    expect(
      guarded({
        'middleware.ts': `import { type NextRequest } from 'next/server';
import { AppMiddleware } from './lib/middleware/app';
import { LinkMiddleware } from './lib/middleware/link';
export default async function middleware(request: NextRequest) {
  if (request.nextUrl.pathname.startsWith('/dashboard')) return AppMiddleware(request);
  return LinkMiddleware(request);
}\n`,
        'lib/middleware/app.ts': appMiddleware,
        'lib/middleware/link.ts': linkMiddleware,
      }),
    ).toEqual({ 'GET /api/private/data': 'public', 'GET /api/public/ping': 'public', 'POST /dashboard/export': 'middleware' });
  });

  test('a hand-written cookie check that redirects to login', () => {
    expect(
      guarded({
        'middleware.ts': `import { NextResponse, type NextRequest } from 'next/server';
export function middleware(request: NextRequest) {
  const token = request.cookies.get('session-token')?.value;
  if (!token) return NextResponse.redirect(new URL('/login', request.url));
  return NextResponse.next();
}
export const config = { matcher: '/dashboard/:path*' };\n`,
      }),
    ).toEqual({ 'GET /api/private/data': 'public', 'GET /api/public/ping': 'public', 'POST /dashboard/export': 'middleware' });
  });

  test('a check the middleware skips for some paths first (early NextResponse.next()) does not cover those paths', () => {
    expect(
      guarded({
        'proxy.ts': `import { NextResponse, type NextRequest } from 'next/server';
import { getToken } from 'next-auth/jwt';
export async function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (pathname.startsWith('/ping')) return new Response('pong', { status: 200 });
  if (pathname.startsWith('/api/public') || ['/health'].includes(pathname)) {
    return NextResponse.next();
  }
  const token = await getToken({ req: request, secret: process.env.AUTH_SECRET });
  if (!token) return NextResponse.redirect(new URL('/login', request.url));
  if (pathname.startsWith('/dashboard/export')) return NextResponse.next();
  return NextResponse.next();
}
export const config = { matcher: ['/api/:path*', '/dashboard/:path*'] };\n`,
      }),
    ).toEqual({ 'GET /api/private/data': 'proxy', 'GET /api/public/ping': 'public', 'POST /dashboard/export': 'proxy' });
  });

  test('paths let through by a glob list (micromatch) are not covered; a 401 built by a helper of the file rejects', () => {
    const middleware = `import { NextResponse, type NextRequest } from 'next/server';
import { getToken } from 'next-auth/jwt';
import micromatch from 'micromatch';
const unauthenticatedRoutes = ['/api/public/**', '/health'];
export async function middleware(req: NextRequest) {
  const { pathname } = req.nextUrl;
  if (micromatch.isMatch(pathname, unauthenticatedRoutes)) {
    return NextResponse.next();
  }
  if (micromatch.isMatch(pathname, '/api/private/**')) {
    const token = await getToken({ req });
    if (!token) return unauthorized({ message: 'Unauthorized' });
    return NextResponse.next();
  }
  return unauthorized({ message: 'Unauthorized' });
}
const unauthorized = (error: { message: string }) => new NextResponse(JSON.stringify({ error }), { status: 401 });
export const config = { matcher: ['/api/:path*', '/dashboard/:path*'] };\n`;
    expect(guarded({ 'middleware.ts': middleware })).toEqual({ 'GET /api/private/data': 'middleware', 'GET /api/public/ping': 'public', 'POST /dashboard/export': 'middleware' });
    // A pattern the glob reader cannot read ({a,b}) decides nothing: the early exit then covers no path.
    expect(guarded({ 'middleware.ts': middleware.replace("'/api/public/**'", "'/api/{public,open}/**'") })['GET /api/public/ping']).toBe('middleware');
  });

  test('a middleware that checks nothing (i18n) adds nothing, even from an unknown package', () => {
    const routes = loadRoutes(
      makeProject({
        ...routeFiles,
        'middleware.ts': `import createMiddleware from 'next-intl/middleware';\nimport { routing } from './i18n/routing';\nexport default createMiddleware(routing);\n`,
        'i18n/routing.ts': `export const routing = { locales: ['en', 'de'], defaultLocale: 'en' };\n`,
      }),
      [nextAdapter],
    );
    expect(routes.map((r) => [r.id, r.auth, r.middleware.length])).toEqual([
      ['GET /api/private/data', 'public', 0],
      ['GET /api/public/ping', 'public', 0],
      ['POST /dashboard/export', 'public', 0],
    ]);
  });
});

describe('route handlers a project factory makes', () => {
  test("a factory given no handler that returns a package's handler (a queue consumer) leaves the route unknown; one returning its own handler does not", () => {
    const routes = loadRoutes(
      makeProject({
        'package.json': JSON.stringify({ name: 'web', dependencies: { next: '15.0.0', '@vercel/queue': '0.0.1' } }),
        'src/queue/consumer.ts': [
          "import { handleCallback } from '@vercel/queue';",
          'export function createForwardingConsumer({ path }: { path: string }) {',
          "  const consumer = handleCallback(async (message: unknown) => { await fetch(path, { method: 'POST', body: JSON.stringify(message) }); });",
          '  return (request: Request) => consumer(request);',
          '}',
          'async function forward(path: string, request: Request) { await fetch(path, { method: "POST", body: await request.text() }); return new Response(null); }',
          'export function createForwarder({ path }: { path: string }) {',
          '  return (request: Request) => forward(path, request);',
          '}',
          '',
        ].join('\n'),
        'src/app/api/digests/queue/route.ts': "import { createForwardingConsumer } from '../../../../queue/consumer';\nexport const POST = createForwardingConsumer({ path: '/api/digests' });\n",
        'src/app/api/digests/forward/route.ts': "import { createForwarder } from '../../../../queue/consumer';\nexport const POST = createForwarder({ path: '/api/digests' });\n",
      }),
      [nextAdapter],
    );
    expect(routes.map((r) => [r.id, r.auth, r.authEvidence.join('; ')])).toEqual([
      ['POST /api/digests/forward', 'public', 'no middleware, guard or in-handler check'],
      ['POST /api/digests/queue', 'unknown', 'could not tell what createForwardingConsumer (its handler is made by @vercel/queue handleCallback) checks'],
    ]);
  });
});

describe('routes named for signing in', () => {
  test('a sign-in route is public, unless its handler itself turns away callers without credentials (a session trade named sso)', () => {
    const routes = loadRoutes(
      makeProject({
        'package.json': NEXT_PACKAGE,
        'src/lib/request.ts': [
          "import jwt from 'jsonwebtoken';",
          'export async function readRequest(request: Request, options?: { anonymous: boolean }) {',
          '  let caller = null;',
          '  let failure: (() => Response) | undefined;',
          '  if (!options?.anonymous) {',
          "    const token = request.headers.get('authorization')?.split(' ')[1];",
          '    try { caller = jwt.verify(token!, process.env.SECRET!); } catch { caller = null; }',
          "    if (!caller) failure = () => new Response('unauthorized', { status: 401 });",
          '  }',
          '  return { caller, body: await request.json(), failure };',
          '}',
          '',
        ].join('\n'),
        // Trades the signed-in caller's bearer token for a server-side session key.
        'src/app/api/auth/sso/route.ts': [
          "import { readRequest } from '../../../../lib/request';",
          'export async function POST(request: Request) {',
          '  const { caller, failure } = await readRequest(request);',
          '  if (failure) return failure();',
          '  return Response.json({ session: caller.sub });',
          '}',
          '',
        ].join('\n'),
        'src/app/api/auth/login/route.ts': [
          "import { readRequest } from '../../../../lib/request';",
          'export async function POST(request: Request) {',
          '  const { body, failure } = await readRequest(request, { anonymous: true });',
          '  if (failure) return failure();',
          "  return Response.json({ user: body.username });",
          '}',
          '',
        ].join('\n'),
      }),
      [nextAdapter],
    );
    expect(routes.map((r) => [r.id, r.auth])).toEqual([
      ['POST /api/auth/login', 'public'],
      ['POST /api/auth/sso', 'authenticated'],
    ]);
    expect(routes.find((r) => r.id === 'POST /api/auth/login')!.authEvidence[0]).toMatch(/login: a route that takes credentials/);
  });
});

describe('route handlers a package makes', () => {
  test("the Flags SDK's discovery endpoint checks the toolbar's Authorization header (verifyAccess with FLAGS_SECRET)", () => {
    const routes = loadRoutes(
      makeProject({
        'package.json': JSON.stringify({ name: 'web', dependencies: { next: '15.0.0', flags: '4.0.0' } }),
        'src/flags.ts': "export const newCheckout = { key: 'new-checkout' };\n",
        'src/app/.well-known/vercel/flags/route.ts': [
          "import { createFlagsDiscoveryEndpoint, getProviderData } from 'flags/next';",
          "import * as flags from '../../../../flags';",
          'export const GET = createFlagsDiscoveryEndpoint(async () => getProviderData(flags));',
          '',
        ].join('\n'),
      }),
      [nextAdapter],
    );
    expect(routes.map((r) => [r.id, r.auth])).toEqual([['GET /.well-known/vercel/flags', 'authenticated']]);
  });
});

describe('matcher patterns', () => {
  test.each([
    ['/api/:path*', '/api', true],
    ['/api/:path*', '/api/a/b', true],
    ['/api/:path*', '/apix', false],
    ['/api/:path+', '/api', false],
    ['/users/:id(\\d+)', '/users/1', true],
    ['/users/:id(\\d+)', '/users/me', false],
    ['/((?!api|_next/static|favicon.ico).*)', '/api/x', false],
    ['/((?!api|_next/static|favicon.ico).*)', '/settings', true],
    ['/dashboard(.*)', '/dashboard/a', true],
    ['/(api|trpc)(.*)', '/trpc/x', true],
  ])('%s against %s', (pattern, requestPath, expected) => {
    expect(compilePathPattern(pattern)!.test(requestPath)).toBe(expected);
  });
});

describe('server actions', () => {
  const actions = `'use server';
import { auth } from './auth';
export async function rename(id: string, title: string) { return { id, title }; }
export const archive = async (id: string) => ({ id });
export async function purge(teamId: string) { return teamId; }
`;
  const files = {
    'package.json': NEXT_PACKAGE,
    'app/notes/actions.ts': actions,
    'app/notes/auth.ts': 'export async function auth() { return null; }\n',
    'app/notes/buttons.tsx': `'use client';\nimport { rename } from './actions';\nexport function B() { return <button onClick={() => rename('1', 'x')} />; }\n`,
    'app/notes/page.tsx': `import { archive } from './actions';
export default function Page() {
  async function pin(formData: FormData) {
    'use server';
    return formData.get('id');
  }
  return <div><form action={pin} /><form action={archive} /></div>;
}
`,
  };

  test('exports the client references (a client import, a form action), and actions written inside components', () => {
    const routes = loadRoutes(makeProject(files), [nextAdapter]);
    expect(routes.filter((route) => route.kind === 'action').map((route) => `${route.id} ${route.file}:${route.line} ${route.auth}`)).toEqual([
      'ACTION rename app/notes/actions.ts:3 public',
      'ACTION archive app/notes/actions.ts:4 public',
      'ACTION pin app/notes/page.tsx:3 public',
    ]);
  });

  test('middleware that covers every page applies to them; middleware for some paths does not', () => {
    const everyPage = { 'middleware.ts': `export { default } from 'next-auth/middleware';\nexport const config = { matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'] };\n` };
    const somePaths = { 'middleware.ts': `export { default } from 'next-auth/middleware';\nexport const config = { matcher: ['/dashboard/:path*'] };\n` };
    const auth = (extra: Record<string, string>) => loadRoutes(makeProject({ ...files, ...extra }), [nextAdapter]).filter((route) => route.kind === 'action').map((route) => route.auth);
    expect(auth(everyPage)).toEqual(['authenticated', 'authenticated', 'authenticated']);
    expect(auth(somePaths)).toEqual(['public', 'public', 'public']);
  });
});

describe('glob patterns (micromatch, picomatch, minimatch)', () => {
  test.each([
    ['/api/auth/**', '/api/auth', true],
    ['/api/auth/**', '/api/auth/callback/google', true],
    ['/api/auth/**', '/api/authx', false],
    ['/api/*', '/api/a', true],
    ['/api/*', '/api/a/b', false],
    ['/api/**/users', '/api/v1/x/users', true],
    ['/api/v?/x', '/api/v1/x', true],
    ['/api/health', '/api/health', true],
    ['/api/health', '/api/healthz', false],
  ])('%s against %s', (pattern, requestPath, expected) => {
    expect(compileGlob(pattern)!.test(requestPath)).toBe(expected);
  });

  test('braces, classes and negations are not read', () => {
    expect(compileGlob('/api/{a,b}/**')).toBeUndefined();
    expect(compileGlob('!/api/x')).toBeUndefined();
  });
});

describe('a handler handed to an authenticating helper', () => {
  test('a package-made handler given where the helper takes its handler parameter: the helper authenticates before it runs', () => {
    const dir = makeProject({
      'package.json': NEXT_PACKAGE,
      'lib/auth.ts': `import { verifyApiKey } from './keys';
export async function handleAuthenticatedRequest(request: Request, handler: (request: Request) => Promise<Response>): Promise<Response> {
  const key = await verifyApiKey(request.headers.get('x-api-key'));
  if (!key) return new Response('unauthorized', { status: 401 });
  return handler(request);
}
export async function handleLoggedRequest(request: Request, handler: (request: Request) => Promise<Response>): Promise<Response> {
  console.info(request.url);
  return handler(request);
}
`,
      'lib/keys.ts': `import jwt from 'jsonwebtoken';
export async function verifyApiKey(token: string | null) {
  if (!token) return null;
  try {
    return jwt.verify(token, process.env.SECRET!);
  } catch {
    return null;
  }
}
`,
      'lib/server.ts': `import { createToolHandler } from 'tool-server';
export const toolHandler = createToolHandler(() => {});
`,
      'app/api/tools/route.ts': `import { handleAuthenticatedRequest } from '../../../lib/auth';
import { toolHandler } from '../../../lib/server';
export async function POST(request: Request) {
  return await handleAuthenticatedRequest(request, toolHandler);
}
`,
      'app/api/open-tools/route.ts': `import { handleLoggedRequest } from '../../../lib/auth';
import { toolHandler } from '../../../lib/server';
export async function POST(request: Request) {
  return await handleLoggedRequest(request, toolHandler);
}
`,
    });
    const routes = loadRoutes(dir, [nextAdapter]);
    expect(find(routes, 'POST /api/tools').auth).toBe('authenticated');
    expect(find(routes, 'POST /api/tools').authEvidence[0]).toMatch(/hands its work to handleAuthenticatedRequest .* as a callback/);
    expect(find(routes, 'POST /api/open-tools').auth).not.toBe('authenticated');
  });
});
