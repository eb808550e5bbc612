import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nextAdapter } from '../../src/engine/frameworks/next/index.js';
import { orpcAdapter, trpcAdapter } from '../../src/engine/frameworks/trpc/index.js';
import type { Route } from '../../src/engine/routes/route.js';
import { makeProject } from '../helpers/cli.js';
import { inventory, loadRoutes } from '../helpers/routes.js';

const APP = path.resolve('fixtures/apps/trpc');

function route(routes: readonly Route[], id: string): Route {
  const found = routes.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no procedure ${id} in ${routes.map((r) => r.id).join(', ')}`);
  return found;
}

const middlewareOf = (found: Route) => found.middleware.map((m) => `${m.name.length > 30 ? `${m.name.slice(0, 27)}...` : m.name} ${m.kind}/${m.scope}${m.strength === 'name-only' ? '/name-only' : ''}`);

const TRPC_PACKAGE = JSON.stringify({ dependencies: { '@trpc/server': '^10.45.0', zod: '^3.23.8' } });

describe('trpc adapter: fixture app (Next.js + tRPC v11)', () => {
  const routes = loadRoutes(APP, [trpcAdapter]);

  it('finds every procedure by its dotted path from the app router, merged and nested routers included', () => {
    expect(inventory(routes)).toEqual([
      { method: 'QUERY', path: 'admin.users', file: 'src/server/routers/admin.ts', line: 10, auth: 'authenticated' },
      { method: 'MUTATION', path: 'admin.setRole', file: 'src/server/routers/admin.ts', line: 11, auth: 'authenticated' },
      { method: 'QUERY', path: 'ping', file: 'src/server/routers/health.ts', line: 4, auth: 'public' },
      { method: 'QUERY', path: 'order.mine', file: 'src/server/routers/order.ts', line: 8, auth: 'authenticated' },
      { method: 'MUTATION', path: 'order.cancel', file: 'src/server/routers/order.ts', line: 11, auth: 'authenticated' },
      { method: 'QUERY', path: 'order.items.list', file: 'src/server/routers/order.ts', line: 13, auth: 'authenticated' },
      { method: 'QUERY', path: 'post.list', file: 'src/server/routers/post.ts', line: 5, auth: 'public' },
      { method: 'QUERY', path: 'post.byId', file: 'src/server/routers/post.ts', line: 8, auth: 'public' },
      { method: 'MUTATION', path: 'post.create', file: 'src/server/routers/post.ts', line: 11, auth: 'authenticated' },
      { method: 'MUTATION', path: 'post.remove', file: 'src/server/routers/post.ts', line: 16, auth: 'authenticated' },
      { method: 'SUBSCRIPTION', path: 'post.onCreate', file: 'src/server/routers/post.ts', line: 19, auth: 'public' },
      { method: 'QUERY', path: 'user.me', file: 'src/server/routers/user.ts', line: 13, auth: 'authenticated' },
      { method: 'MUTATION', path: 'user.updateProfile', file: 'src/server/routers/user.ts', line: 14, auth: 'authenticated' },
      { method: 'MUTATION', path: 'user.signUp', file: 'src/server/routers/user.ts', line: 17, auth: 'public' },
    ]);
    expect(routes.every((r) => r.framework === 'trpc' && r.kind === 'trpc')).toBe(true);
    expect(route(routes, 'TRPC order.cancel').id).toBe('TRPC order.cancel');
  });

  it("runs the base procedure's middleware first (followed into trpc.ts), classified by their bodies", () => {
    expect(middlewareOf(route(routes, 'TRPC post.list'))).toEqual(['timing other/router', 'z.object({ limit: z.number(... validation/route']);
    expect(middlewareOf(route(routes, 'TRPC user.me'))).toEqual(['timing other/router', 'isAuthed auth/router']);
    expect(middlewareOf(route(routes, 'TRPC admin.users'))).toEqual(['timing other/router', 'isAuthed auth/router', '({ ctx, next }) => { if (ct... role/router']);
    const guard = route(routes, 'TRPC user.me').middleware[1]!;
    expect(guard).toMatchObject({ file: 'src/server/trpc.ts', line: 26, strength: 'strong' });
    expect(guard.evidence).toMatch(/verifies a token or session and rejects/);
    expect(route(routes, 'TRPC admin.users').middleware[2]!.evidence).toMatch(/compares the user's role/);
    // Through a namespace import (`trpc.protectedProcedure`) the same.
    expect(middlewareOf(route(routes, 'TRPC order.mine'))).toEqual(['timing other/router', 'isAuthed auth/router', 'z.object({ status: z.enum(O... validation/route']);
  });

  it('resolves resolvers, inline and imported, and reads the principal from ctx', () => {
    expect(route(routes, 'TRPC order.cancel').handler).toMatchObject({ name: 'cancelOrder', file: 'src/server/services/orders.ts', line: 3 });
    expect(route(routes, 'TRPC post.create').handler).toMatchObject({ name: 'post.create', file: 'src/server/routers/post.ts', line: 13 });
    expect(route(routes, 'TRPC user.me').principal).toContain('ctx.session');
  });

  it('reads zod .input() object fields, restricted ones with the reason', () => {
    // Every field here is one value (scalar); the non-scalar shapes are in "tricky cases".
    const fields = (id: string) => route(routes, id).middleware.find((m) => m.kind === 'validation')?.validatedFields?.map(({ scalar, ...field }) => (expect(scalar).toBe(true), field));
    expect(fields('TRPC post.list')).toEqual([
      { part: 'body', field: 'limit', restricted: 'z.number()' },
      { part: 'body', field: 'cursor' },
    ]);
    expect(fields('TRPC post.byId')).toEqual([{ part: 'body', field: 'id', restricted: 'z.string().uuid()' }]);
    expect(fields('TRPC admin.setRole')).toEqual([
      { part: 'body', field: 'userId', restricted: 'z.string().cuid2()' },
      { part: 'body', field: 'role', restricted: 'z.nativeEnum()' },
    ]);
    // A schema held in a name, with an enum and an anchored pattern of a restricted alphabet (itself a constant).
    expect(fields('TRPC user.updateProfile')).toEqual([
      { part: 'body', field: 'name' },
      { part: 'body', field: 'locale', restricted: 'z.enum()' },
      { part: 'body', field: 'handle', restricted: 'z.string().regex(/^[a-z0-9_]+$/)' },
    ]);
    expect(fields('TRPC user.signUp')).toEqual([
      { part: 'body', field: 'email' },
      { part: 'body', field: 'password' },
    ]);
  });

  it('is a credential entry when the procedure takes credentials (sign-up)', () => {
    expect(route(routes, 'TRPC user.signUp').publicByDesign).toMatch(/credentials/);
  });
});

describe('trpc adapter: tricky cases', () => {
  it('is off without @trpc/server', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { zod: '^3.23.8' } }),
      'src/router.ts': "export const router = (x: object) => x;\nexport const appRouter = router({ a: { query: (fn: unknown) => fn } });\n",
    });
    expect(loadRoutes(dir, [trpcAdapter])).toEqual([]);
  });

  it('v10: destructured t members, routers without a root, inline t.middleware, plain nested records (v11)', () => {
    const dir = makeProject({
      'package.json': TRPC_PACKAGE,
      'src/trpc.ts': [
        "import { initTRPC, TRPCError } from '@trpc/server';",
        'const t = initTRPC.create();',
        'export const { router, procedure, middleware } = t;',
        'export const authedProcedure = procedure.use(',
        '  middleware(({ ctx, next }) => {',
        "    if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED' });",
        '    return next();',
        '  }),',
        ');',
      ].join('\n'),
      'src/a.ts': [
        "import { router, procedure, authedProcedure } from './trpc';",
        'export const aRouter = router({',
        '  hello: procedure.query(() => "hi"),',
        '  nested: {',
        '    secret: authedProcedure.query(({ ctx }) => ctx.user),',
        '  },',
        '});',
      ].join('\n'),
      'src/b.ts': [
        "import { router, procedure } from './trpc';",
        'export const bRouter = router({ other: { deeper: router({ x: procedure.mutation(() => 1) }) } });',
      ].join('\n'),
    });
    const routes = loadRoutes(dir, [trpcAdapter]);
    expect(inventory(routes)).toEqual([
      { method: 'QUERY', path: 'hello', file: 'src/a.ts', line: 3, auth: 'public' },
      { method: 'QUERY', path: 'nested.secret', file: 'src/a.ts', line: 5, auth: 'authenticated' },
      { method: 'MUTATION', path: 'other.deeper.x', file: 'src/b.ts', line: 2, auth: 'public' },
    ]);
    expect(route(routes, 'TRPC nested.secret').middleware[0]).toMatchObject({ kind: 'auth', strength: 'strong', scope: 'router', file: 'src/trpc.ts', line: 5 });
  });

  it('a protectedProcedure whose middleware cannot be read counts as auth by its name only; other unreadable bases stay unknown', () => {
    const dir = makeProject({
      'package.json': TRPC_PACKAGE,
      'src/trpc.ts': [
        "import { initTRPC } from '@trpc/server';",
        "import { enforce } from '@acme/kit';",
        'const t = initTRPC.create();',
        'export const createTRPCRouter = t.router;',
        'export const protectedProcedure = t.procedure.use(enforce);',
      ].join('\n'),
      'src/root.ts': [
        "import { createTRPCRouter, protectedProcedure } from './trpc';",
        "import { orgProcedure, userProcedure } from '@acme/api-core';",
        'export const appRouter = createTRPCRouter({',
        '  a: protectedProcedure.query(() => 1),',
        '  b: userProcedure.mutation(() => 2),',
        '  c: orgProcedure.input({}).query(() => 3),',
        '});',
      ].join('\n'),
    });
    const routes = loadRoutes(dir, [trpcAdapter]);
    expect(inventory(routes).map((r) => `${r.path} ${r.auth}`)).toEqual(['a authenticated', 'b authenticated', 'c unknown']);
    expect(middlewareOf(route(routes, 'TRPC a'))).toEqual(['enforce other/router/name-only', 'protectedProcedure auth/router/name-only']);
    expect(middlewareOf(route(routes, 'TRPC b'))).toEqual(['userProcedure auth/router/name-only']);
    expect(route(routes, 'TRPC c').authEvidence.join(' ')).toMatch(/orgProcedure/);
  });

  it('a middleware that calls next() when there is no user authenticates nobody, whatever it rejects afterwards', () => {
    const dir = makeProject({
      'package.json': TRPC_PACKAGE,
      'src/trpc.ts': [
        "import { initTRPC, TRPCError } from '@trpc/server';",
        'const t = initTRPC.context<{ user?: { id: string; banned: boolean } }>().create();',
        'const refreshSession = t.middleware(async ({ ctx, type, next }) => {',
        "  if (type !== 'mutation' || !ctx.user) {",
        '    return next();',
        '  }',
        "  if (ctx.user.banned) throw new TRPCError({ code: 'UNAUTHORIZED' });",
        '  return next();',
        '});',
        'export const publicProcedure = t.procedure.use(refreshSession);',
        'export const privateProcedure = publicProcedure.use(({ ctx, next }) => {',
        "  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED' });",
        '  return next();',
        '});',
        'export const appRouter = t.router({ open: publicProcedure.mutation(() => 1), closed: privateProcedure.mutation(() => 2) });',
      ].join('\n'),
    });
    const routes = loadRoutes(dir, [trpcAdapter]);
    expect(inventory(routes).map((r) => `${r.path} ${r.auth}`)).toEqual(['open public', 'closed authenticated']);
    const guard = route(routes, 'TRPC open').middleware[0]!;
    expect(guard.kind).toBe('other');
    // The generic reading (every rejection needs a signed-in user) or the tRPC pass-through reading says so.
    expect(guard.evidence).toMatch(/lets callers without a user through|needs a signed-in user/);
  });

  it("a middleware that throws UNAUTHORIZED unless the context's caller flag holds authenticates (midday's internalProcedure)", () => {
    const dir = makeProject({
      'package.json': TRPC_PACKAGE,
      'src/trpc.ts': [
        "import { initTRPC, TRPCError } from '@trpc/server';",
        'const t = initTRPC.context<{ isInternalRequest: boolean; locale: string }>().create();',
        'export const internalProcedure = t.procedure.use(async (opts) => {',
        '  const { isInternalRequest } = opts.ctx;',
        '  if (!isInternalRequest) {',
        "    throw new TRPCError({ code: 'UNAUTHORIZED' });",
        '  }',
        '  return opts.next({ ctx: opts.ctx });',
        '});',
        'export const localizedProcedure = t.procedure.use(async (opts) => {',
        "  if (!opts.ctx.locale) throw new TRPCError({ code: 'BAD_REQUEST' });",
        '  return opts.next();',
        '});',
        'export const appRouter = t.router({ sync: internalProcedure.mutation(() => 1), greet: localizedProcedure.query(() => 2) });',
      ].join('\n'),
    });
    const routes = loadRoutes(dir, [trpcAdapter]);
    expect(inventory(routes).map((r) => `${r.path} ${r.auth}`)).toEqual(['sync authenticated', 'greet public']);
  });

  it("an admin middleware that rejects unless isAdmin(ctx.user) is a role guard, even when it answers UNAUTHORIZED (documenso's adminProcedure)", () => {
    const dir = makeProject({
      'package.json': TRPC_PACKAGE,
      'src/trpc.ts': [
        "import { initTRPC, TRPCError } from '@trpc/server';",
        'const t = initTRPC.context<{ session?: { id: string }; user?: { roles: string[] } }>().create();',
        "const isAdmin = (user: { roles: string[] }) => user.roles.includes('ADMIN');",
        'export const adminProcedure = t.procedure.use(async ({ ctx, next }) => {',
        "  if (!ctx.session || !ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED' });",
        "  if (!isAdmin(ctx.user)) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Not authorized' });",
        '  return next();',
        '});',
        'export const appRouter = t.router({ purge: adminProcedure.mutation(() => 1) });',
      ].join('\n'),
    });
    const routes = loadRoutes(dir, [trpcAdapter]);
    expect(route(routes, 'TRPC purge').middleware.map((m) => m.kind)).toEqual(['role']);
  });

  it('follows a project function that returns a procedure (withPermission(resource, action))', () => {
    const dir = makeProject({
      'package.json': TRPC_PACKAGE,
      'src/trpc.ts': [
        "import { initTRPC, TRPCError } from '@trpc/server';",
        'const t = initTRPC.context<{ user?: { id: string; role: string } }>().create();',
        'export const createTRPCRouter = t.router;',
        "export const protectedProcedure = t.procedure.use(({ ctx, next }) => { if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED' }); return next(); });",
        'export const withPermission = (permission: string) =>',
        '  protectedProcedure.use(({ ctx, next }) => {',
        "    if (!ctx.user?.role.includes(permission)) throw new TRPCError({ code: 'FORBIDDEN' });",
        '    return next();',
        '  });',
        "export const appRouter = createTRPCRouter({ remove: withPermission('project:delete').mutation(() => 1) });",
      ].join('\n'),
    });
    const routes = loadRoutes(dir, [trpcAdapter]);
    expect(inventory(routes).map((r) => `${r.path} ${r.auth}`)).toEqual(['remove authenticated']);
    expect(route(routes, 'TRPC remove').middleware.map((m) => `${m.kind}/${m.scope}`)).toEqual(['auth/router', 'role/route']);
  });

  it('reads the procedure path as router and procedure segments: auth.login takes credentials, signup.settings (procedure settings of router signup) does not', () => {
    const dir = makeProject({
      'package.json': TRPC_PACKAGE,
      'src/trpc.ts': [
        "import { initTRPC, TRPCError } from '@trpc/server';",
        'const t = initTRPC.context<{ user?: { id: string } }>().create();',
        "const authed = t.procedure.use(({ ctx, next }) => { if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED' }); return next(); });",
        'export const appRouter = t.router({ auth: t.router({ login: authed.mutation(() => 1) }), signup: t.router({ settings: authed.mutation(() => 2) }) });',
      ].join('\n'),
    });
    const routes = loadRoutes(dir, [trpcAdapter]);
    expect(inventory(routes).map((r) => `${r.path} ${r.auth}`)).toEqual(['auth.login public', 'signup.settings authenticated']);
    expect(route(routes, 'TRPC auth.login').publicByDesign).toBe('login: a route that takes credentials');
  });

  it('merges routers (t.mergeRouters), concatenated procedures, and router records held in names', () => {
    const dir = makeProject({
      'package.json': TRPC_PACKAGE,
      'src/server.ts': [
        "import { initTRPC, TRPCError } from '@trpc/server';",
        "import { z } from 'zod';",
        'const t = initTRPC.context<{ session?: { user?: { id: string } } }>().create();',
        "const loggedIn = t.procedure.use(({ ctx, next }) => { if (!ctx.session?.user) throw new TRPCError({ code: 'UNAUTHORIZED' }); return next(); });",
        'const limited = t.procedure.use(async ({ next }) => next());',
        'const procedures = {',
        '  list: loggedIn.concat(limited).input(z.object({ n: z.coerce.number(), tag: z.string().optional(), filter: z.any(), meta: z.record(z.string()), tags: z.array(z.string()) })).query(() => []),',
        '};',
        'const one = t.router(procedures);',
        "const two = t.router({ 'kebab-name': t.procedure.subscription(() => null) });",
        'export const appRouter = t.mergeRouters(one, two);',
      ].join('\n'),
    });
    const routes = loadRoutes(dir, [trpcAdapter]);
    expect(inventory(routes).map((r) => `${r.method} ${r.path} ${r.line} ${r.auth}`)).toEqual(['QUERY list 7 authenticated', 'SUBSCRIPTION kebab-name 10 public']);
    expect(route(routes, 'TRPC list').middleware.map((m) => m.kind)).toEqual(['auth', 'other', 'validation']);
    expect(route(routes, 'TRPC list').middleware[2]!.validatedFields).toEqual([
      { part: 'body', field: 'n', restricted: 'z.coerce.number()', scalar: true },
      { part: 'body', field: 'tag', scalar: true },
      // Fields that can arrive as an object or array are not scalar: a query operator object gets through.
      { part: 'body', field: 'filter' },
      { part: 'body', field: 'meta' },
      { part: 'body', field: 'tags' },
    ]);
  });

  it("nests v11 lazy() routers under their key (import().then((mod) => mod.x), or the module's one router), and lists a router two roots mount under one key once", () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { '@trpc/server': '^11.0.0' } }),
      'src/trpc.ts': [
        "import { initTRPC } from '@trpc/server';",
        'const t = initTRPC.create();',
        'export const createTRPCRouter = t.router;',
        'export const publicProcedure = t.procedure;',
      ].join('\n'),
      'src/routers/widgets/weather.ts': [
        "import { createTRPCRouter, publicProcedure } from '../../trpc';",
        'export const weatherRouter = createTRPCRouter({ atLocation: publicProcedure.query(() => 1) });',
      ].join('\n'),
      'src/routers/widgets/index.ts': [
        "import { lazy } from '@trpc/server';",
        "import { createTRPCRouter } from '../../trpc';",
        "export const widgetRouter = createTRPCRouter({ weather: lazy(() => import('./weather').then((mod) => mod.weatherRouter)) });",
      ].join('\n'),
      'src/routers/info.ts': [
        "import { createTRPCRouter, publicProcedure } from '../trpc';",
        'export const infoRouter = createTRPCRouter({ version: publicProcedure.query(() => "1") });',
      ].join('\n'),
      'src/root.ts': [
        "import { lazy } from '@trpc/server';",
        "import { createTRPCRouter } from './trpc';",
        'export const appRouter = createTRPCRouter({',
        "  widget: lazy(() => import('./routers/widgets').then((mod) => mod.widgetRouter)),",
        "  info: lazy(async () => { return import('./routers/info'); }),",
        '});',
      ].join('\n'),
      'src/mcp.ts': [
        "import { createTRPCRouter } from './trpc';",
        "import { infoRouter } from './routers/info';",
        'export const mcpRouter = createTRPCRouter({ info: infoRouter });',
      ].join('\n'),
    });
    const routes = loadRoutes(dir, [trpcAdapter]);
    expect(inventory(routes).map((r) => r.path).sort()).toEqual(['info.version', 'widget.weather.atLocation']);
  });

  it('a base procedure that adds a middleware only when a setting holds (cond ? t.procedure.use(m) : t.procedure) is the bare procedure', () => {
    const dir = makeProject({
      'package.json': TRPC_PACKAGE,
      'src/trpc.ts': [
        "import { initTRPC, TRPCError } from '@trpc/server';",
        'const t = initTRPC.context<{ user?: { id: string } }>().create();',
        "const demo = process.env.DEMO === 'true';",
        "const readOnly = t.middleware(({ next, type }) => { if (type === 'mutation') throw new TRPCError({ code: 'FORBIDDEN' }); return next(); });",
        "const requireUser = t.middleware(({ ctx, next }) => { if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED' }); return next(); });",
        'const base = demo ? t.procedure.use(readOnly) : t.procedure;',
        'export const publicProcedure = base;',
        'export const protectedProcedure = base.use(requireUser);',
        // Branches that differ other than by added steps stay unread (unknown), as before.
        'const either = demo ? t.procedure.use(readOnly) : t.procedure.use(requireUser);',
        'export const appRouter = t.router({ open: publicProcedure.mutation(() => 1), closed: protectedProcedure.mutation(() => 2), mixed: either.mutation(() => 3) });',
      ].join('\n'),
    });
    const routes = loadRoutes(dir, [trpcAdapter]);
    expect(inventory(routes).map((r) => `${r.path} ${r.auth}`)).toEqual(['open public', 'closed authenticated', 'mixed unknown']);
    expect(route(routes, 'TRPC closed').middleware.map((m) => `${m.kind}/${m.scope}`)).toEqual(['auth/router']);
  });

  it('a Next.js route that serves the tRPC router is a transport: neither public nor authenticated on its own', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { '@trpc/server': '^11.0.0', next: '^15.0.0' } }),
      'src/server.ts': [
        "import { initTRPC } from '@trpc/server';",
        'const t = initTRPC.create();',
        'export const appRouter = t.router({ ping: t.procedure.query(() => "pong") });',
      ].join('\n'),
      'src/app/api/trpc/[trpc]/route.ts': [
        "import { fetchRequestHandler } from '@trpc/server/adapters/fetch';",
        "import { appRouter } from '../../../../server';",
        'const handler = (req: Request) => {',
        "  if (req.headers.get('x-blocked')) return new Response('no', { status: 400 });",
        "  return fetchRequestHandler({ endpoint: '/api/trpc', router: appRouter, req, createContext: () => ({}) });",
        '};',
        'export { handler as GET, handler as POST };',
      ].join('\n'),
    });
    const routes = loadRoutes(dir, [nextAdapter, trpcAdapter]);
    const bridge = routes.find((candidate) => candidate.path === '/api/trpc/[trpc]' && candidate.method === 'POST')!;
    expect(bridge.auth).toBe('unknown');
    expect(bridge.authEvidence.join(' ')).toMatch(/serves the tRPC procedures \(fetchRequestHandler from @trpc\/server\/adapters\/fetch\)/);
    expect(routes.find((candidate) => candidate.path === 'ping')?.auth).toBe('public');
  });
});

describe('orpc adapter (the tRPC model with oRPC names)', () => {
  const files = {
    'package.json': JSON.stringify({ dependencies: { '@orpc/server': '^1.8.0', '@orpc/openapi': '^1.8.0', next: '^15.0.0', zod: '^3.23.8' } }),
    'src/orpc/middlewares.ts': [
      "import { oo } from '@orpc/openapi';",
      "import { os as baseOs, ORPCError } from '@orpc/server';",
      'type Context = { authenticate: () => Promise<{ id: string } | null> };',
      'export const os = baseOs.$context<Context>().errors({ UNAUTHORIZED: {} });',
      'const tracing = os.middleware(async ({ next }) => next());',
      'const requireAuth = oo.spec(',
      '  os.middleware(async ({ next, context }) => {',
      '    const user = await context.authenticate();',
      '    if (user) return next({ context: { ...context, user } });',
      "    throw new ORPCError('UNAUTHORIZED', { message: 'Sign in' });",
      '  }),',
      '  { security: [{ Authorization: [] }] },',
      ');',
      'export const publicProcedure = os.use(tracing);',
      'export const authenticatedProcedure = publicProcedure.use(requireAuth);',
    ].join('\n'),
    'src/features/folders/handle-get-folder.ts': [
      "import { z } from 'zod';",
      'export const getFolderInput = z.object({ folderId: z.string() });',
      'export const handleGetFolder = async ({ input, context: { user } }: { input: { folderId: string }; context: { user: { id: string } } }) => ({ id: input.folderId, owner: user.id });',
    ].join('\n'),
    'src/features/folders/router.ts': [
      "import { authenticatedProcedure } from '../../orpc/middlewares';",
      "import { getFolderInput, handleGetFolder } from './handle-get-folder';",
      'export const folderRouter = {',
      "  getFolder: authenticatedProcedure.route({ method: 'GET', path: '/v1/folders/{folderId}' }).input(getFolderInput).handler(handleGetFolder),",
      "  deleteFolder: authenticatedProcedure.route({ method: 'DELETE', path: '/v1/folders/{folderId}' }).input(getFolderInput).handler(async ({ input }) => ({ deleted: input.folderId })),",
      '};',
    ].join('\n'),
    'src/router.ts': [
      "import { publicProcedure } from './orpc/middlewares';",
      "import { folderRouter } from './features/folders/router';",
      "const healthz = publicProcedure.handler(async () => ({ status: 'ok' }));",
      'export const appRouter = { folders: folderRouter, healthz };',
    ].join('\n'),
    'src/app/api/orpc/[[...rest]]/route.ts': [
      "import { RPCHandler } from '@orpc/server/fetch';",
      "import { appRouter } from '../../../../router';",
      'const handler = new RPCHandler(appRouter);',
      'async function handleRequest(request: Request) {',
      "  const { response } = await handler.handle(request, { prefix: '/api/orpc', context: { authenticate: async () => null } });",
      "  return response ?? new Response('Not found', { status: 404 });",
      '}',
      'export const GET = handleRequest;',
      'export const POST = handleRequest;',
    ].join('\n'),
  };

  it('finds the procedures of plain-object routers by their key path from the root, with the method .route() gives', () => {
    const routes = loadRoutes(makeProject(files), [orpcAdapter]);
    expect(inventory(routes)).toEqual([
      { method: 'QUERY', path: 'folders.getFolder', file: 'src/features/folders/router.ts', line: 4, auth: 'authenticated' },
      { method: 'MUTATION', path: 'folders.deleteFolder', file: 'src/features/folders/router.ts', line: 5, auth: 'authenticated' },
      { method: 'MUTATION', path: 'healthz', file: 'src/router.ts', line: 4, auth: 'public' },
    ]);
    expect(routes.every((r) => r.framework === 'orpc' && r.kind === 'trpc')).toBe(true);
  });

  it('reads the middleware inside a wrapper (oo.spec(os.middleware(fn))) by its body, and the principal from context', () => {
    const routes = loadRoutes(makeProject(files), [orpcAdapter]);
    const getFolder = route(routes, 'TRPC folders.getFolder');
    expect(middlewareOf(getFolder)).toEqual(['tracing other/router', 'requireAuth auth/router', 'getFolderInput validation/route']);
    expect(getFolder.middleware[1]!.strength).toBe('strong');
    expect(getFolder.handler).toMatchObject({ name: 'handleGetFolder', file: 'src/features/folders/handle-get-folder.ts' });
    expect(getFolder.principal).toContain('context user');
  });

  it('a Next.js route that hands requests to new RPCHandler(router) is a transport', () => {
    const routes = loadRoutes(makeProject(files), [nextAdapter, orpcAdapter]);
    const bridge = routes.find((candidate) => candidate.path === '/api/orpc/[[...rest]]' && candidate.method === 'POST')!;
    expect(bridge.auth).toBe('unknown');
    expect(bridge.authEvidence.join(' ')).toMatch(/serves the oRPC procedures \(RPCHandler from @orpc\/server\/fetch\)/);
  });

  it('is off without @orpc/server, and the tRPC adapter does not read oRPC builders', () => {
    const routes = loadRoutes(makeProject(files), [trpcAdapter]);
    expect(routes).toEqual([]);
  });
});
