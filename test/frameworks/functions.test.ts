import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { netlifyAdapter, vercelAdapter } from '../../src/engine/frameworks/functions/index.js';
import { tomlStrings } from '../../src/engine/frameworks/functions/netlify-toml.js';
import type { Route } from '../../src/engine/routes/route.js';
import { makeProject } from '../helpers/cli.js';
import { inventory, loadRoutes } from '../helpers/routes.js';

const VERCEL_APP = path.resolve('fixtures/apps/vercel');
const NETLIFY_APP = path.resolve('fixtures/apps/netlify');

function route(routes: readonly Route[], id: string): Route {
  const found = routes.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no route ${id} in ${routes.map((r) => r.id).join(', ')}`);
  return found;
}

describe('vercel adapter', () => {
  const routes = loadRoutes(VERCEL_APP, [vercelAdapter]);

  it('lists every function under api/ at its path, split by the methods it branches on', () => {
    expect(inventory(routes)).toEqual([
      { method: 'ALL', path: '/api/admin/purge', file: 'api/admin/purge.js', line: 5, auth: 'public' },
      { method: 'GET', path: '/api/edge/search', file: 'api/edge/search.ts', line: 3, auth: 'public' },
      { method: 'POST', path: '/api/edge/search', file: 'api/edge/search.ts', line: 8, auth: 'public' },
      { method: 'ALL', path: '/api/health', file: 'api/health.ts', line: 3, auth: 'public' },
      { method: 'ALL', path: '/api/orders/[id]', file: 'api/orders/[id].ts', line: 5, auth: 'authenticated' },
      { method: 'GET', path: '/api/orders', file: 'api/orders/index.ts', line: 5, auth: 'authenticated' },
      { method: 'POST', path: '/api/orders', file: 'api/orders/index.ts', line: 5, auth: 'authenticated' },
      { method: 'ALL', path: '/api/ping', file: 'api/ping.ts', line: 1, auth: 'public' },
      { method: 'ALL', path: '/api/webhooks/stripe', file: 'api/webhooks/stripe.ts', line: 6, auth: 'public' },
    ]);
    expect(new Set(routes.map((found) => found.framework))).toEqual(new Set(['vercel']));
    expect(routes.every((found) => found.kind === undefined)).toBe(true);
  });

  it('skips _-prefixed folders, helper modules whose default export takes no request, and framework apps', () => {
    expect(routes.some((found) => found.file.includes('_lib') || found.file.includes('utils/format') || found.file.includes('trpc'))).toBe(false);
  });

  it('reads handlers, wrappers and evidence: default export, CommonJS, Web methods, { fetch }, withAuth(...)', () => {
    expect(route(routes, 'ALL /api/admin/purge').handler?.name).toBe('<anonymous>');
    expect(route(routes, 'ALL /api/ping').handler?.name).toBe('fetch');
    const wrapped = route(routes, 'ALL /api/orders/[id]');
    expect(wrapped.middleware.map((m) => `${m.name}:${m.kind}/${m.scope}`)).toEqual(['withAuth:auth/route']);
    expect(route(routes, 'GET /api/orders').authEvidence[0]).toMatch(/getUser \(lib\/auth\.ts:8\)/);
    expect(route(routes, 'ALL /api/webhooks/stripe').publicByDesign).toMatch(/webhook/);
  });

  it('counts only folders that deploy to Vercel, and leaves a Next.js app to the Next adapter', () => {
    const handler = "export default function handler(req, res) { res.json({ ok: true }); }\n";
    const ids = (files: Record<string, string>) => loadRoutes(makeProject(files), [vercelAdapter]).map((found) => found.id);
    expect(ids({ 'package.json': '{"name":"x"}', 'api/ping.js': handler })).toEqual([]);
    expect(ids({ 'package.json': '{"name":"x"}', 'vercel.json': '{}', 'api/ping.js': handler })).toEqual(['ALL /api/ping']);
    expect(ids({ 'package.json': '{"name":"x","dependencies":{"next":"14.0.0","@vercel/node":"3.0.0"}}', 'api/ping.js': handler })).toEqual([]);
    expect(
      ids({
        'package.json': '{"name":"x"}',
        'api/users/[id].ts': "import type { VercelRequest, VercelResponse } from '@vercel/node';\nexport default (req: VercelRequest, res: VercelResponse) => res.json(req.query.id);\n",
      }),
    ).toEqual(['ALL /api/users/[id]']);
    // A monorepo package: `api/` beside its package.json, path from that folder.
    expect(ids({ 'package.json': '{"name":"root"}', 'apps/fn/package.json': '{"name":"fn","devDependencies":{"@vercel/node":"3.0.0"}}', 'apps/fn/api/index.ts': handler })).toEqual(['ALL /api']);
  });
});

describe('netlify adapter', () => {
  const routes = loadRoutes(NETLIFY_APP, [netlifyAdapter]);

  it('lists every function of the folder netlify.toml names, at config.path or /.netlify/functions/<name>', () => {
    expect(inventory(routes)).toEqual([
      { method: 'POST', path: '/.netlify/functions/comments', file: 'functions/comments/comments.ts', line: 5, auth: 'public' },
      { method: 'ALL', path: '/.netlify/functions/legacy', file: 'functions/legacy.js', line: 5, auth: 'public' },
      { method: 'DELETE', path: '/api/orders/:id', file: 'functions/orders.ts', line: 5, auth: 'authenticated' },
      { method: 'GET', path: '/api/orders/:id', file: 'functions/orders.ts', line: 5, auth: 'authenticated' },
      { method: 'DELETE', path: '/orders/:id', file: 'functions/orders.ts', line: 5, auth: 'authenticated' },
      { method: 'GET', path: '/orders/:id', file: 'functions/orders.ts', line: 5, auth: 'authenticated' },
      { method: 'ALL', path: '/.netlify/functions/page', file: 'functions/page.ts', line: 6, auth: 'public' },
      { method: 'ALL', path: '/.netlify/functions/profile', file: 'functions/profile.ts', line: 5, auth: 'authenticated' },
      { method: 'ALL', path: '/.netlify/functions/search', file: 'functions/search/index.ts', line: 3, auth: 'public' },
    ]);
    expect(new Set(routes.map((found) => found.framework))).toEqual(new Set(['netlify']));
  });

  it('skips scheduled functions, helper modules of a function folder and framework apps behind serverless-http', () => {
    const files = new Set(routes.map((found) => found.file));
    for (const skipped of ['functions/nightly-report.ts', 'functions/cleanup.ts', 'functions/scheduled-v2.mts', 'functions/comments/text.ts', 'functions/app.ts']) {
      expect(files.has(skipped), skipped).toBe(false);
    }
  });

  it('marks Lambda-compatible handlers as taking a Lambda event, and reads Netlify Identity as the principal', () => {
    expect(route(routes, 'POST /.netlify/functions/comments').lambdaEvent).toBe(true);
    expect(route(routes, 'GET /api/orders/:id').lambdaEvent).toBeUndefined();
    const profile = route(routes, 'ALL /.netlify/functions/profile');
    expect(profile.principal).toEqual(['context.clientContext.user']);
    expect(profile.authEvidence[0]).toMatch(/reads context\.clientContext\.user and rejects/);
    // builder() caches the response and checks nothing: not a middleware.
    expect(route(routes, 'ALL /.netlify/functions/page').middleware).toEqual([]);
  });

  it('finds netlify/functions without a netlify.toml, and judges each method branch of one handler on its own', () => {
    const dir = makeProject({
      'package.json': '{"name":"site"}',
      'src/auth.ts': [
        "import jwt from 'jsonwebtoken';",
        'export function requireAdmin(event: { headers: Record<string, string | undefined> }) {',
        '  const token = event.headers.authorization;',
        "  if (!token) throw new Error('Unauthorized');",
        '  return jwt.verify(token, process.env.JWT_SECRET!);',
        '}',
        '',
      ].join('\n'),
      'netlify/functions/users.ts': [
        "import { requireAdmin } from '../../src/auth';",
        'export const handler = async (event: any) => {',
        "  if (event.httpMethod === 'GET') return { statusCode: 200, body: '[]' };",
        "  if (event.httpMethod === 'DELETE') {",
        '    requireAdmin(event);',
        "    return { statusCode: 204, body: '' };",
        '  }',
        "  return { statusCode: 405, body: '' };",
        '};',
        '',
      ].join('\n'),
    });
    const found = loadRoutes(dir, [netlifyAdapter]);
    expect(found.map((entry) => `${entry.id} ${entry.auth}`)).toEqual(['DELETE /.netlify/functions/users authenticated', 'GET /.netlify/functions/users public']);
    expect(route(found, 'DELETE /.netlify/functions/users').authEvidence[0]).toMatch(/^in its branch for this method, handler calls requireAdmin/);
  });
});

describe('netlify.toml reader', () => {
  it('reads string keys with their table, quoted keys and comments; skips what it does not need', () => {
    const entries = tomlStrings(
      [
        '# comment',
        '[build]',
        '  base = "site"  # trailing',
        "  functions = 'lambda'",
        '[functions]',
        '  directory = "netlify/fns"',
        '  included_files = ["a.json"]',
        '[functions."nightly-report"]',
        '  schedule = "@daily"',
        '[[redirects]]',
        '  from = "/api/*"',
        '  to = "/.netlify/functions/:splat"',
        '  status = 200',
        '[[redirects]]',
        '  from = "/*"',
        'broken = "unterminated',
      ].join('\n'),
    );
    expect(entries.map(({ table, key, value, line }) => `${table}|${key}=${value}@${line}`)).toEqual([
      'build|base=site@3',
      'build|functions=lambda@4',
      'functions|directory=netlify/fns@6',
      'functions.nightly-report|schedule=@daily@9',
      'redirects|from=/api/*@11',
      'redirects|to=/.netlify/functions/:splat@12',
      'redirects|from=/*@15',
    ]);
    expect(new Set(entries.filter((entry) => entry.table === 'redirects').map((entry) => entry.entry)).size).toBe(2);
  });
});
