/**
 * `trustscan flows --emit-tests`, end to end: the runnable shop (fixtures/apps/runnable-shop,
 * Express on PGlite, Postgres in WebAssembly from npm) is started on a free loopback port, the tests
 * trustscan generates from its code run against it with `node --test`, and they pass on the guarded
 * steps (pay, cancel, ship) and fail on the refund step the scanner reports as unguarded.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryFlows, inventoryRoutes } from '../src/index.js';
import { DEFAULT_FLOW_TEST_SETTINGS, generateFlowTests } from '../src/reporters/flow-tests.js';
import { runCli } from './helpers/cli.js';

const shopDir = fileURLToPath(new URL('../fixtures/apps/runnable-shop', import.meta.url));

interface Shop {
  baseUrl: string;
  db: { query(text: string, params?: unknown[]): Promise<Array<Record<string, unknown>>> };
  stop(): Promise<void>;
}

/** `node --test <files>` with the env; resolves with the TAP-ish output and the exit code. */
function nodeTest(files: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--test', '--test-reporter=spec', ...files], { env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** A new account: its credentials as the JSON body the login routes take. */
async function register(shop: Shop, role: 'customer' | 'admin'): Promise<string> {
  const email = `${role}-${Math.random().toString(36).slice(2)}@example.test`;
  const password = 'a-long-enough-password';
  const registered = await fetch(`${shop.baseUrl}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  expect(registered.status).toBe(201);
  if (role === 'admin') await shop.db.query("UPDATE users SET role = 'admin' WHERE email = $1", [email]);
  return JSON.stringify({ email, password });
}

async function signUp(shop: Shop, role: 'customer' | 'admin'): Promise<string> {
  const login = await fetch(`${shop.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: await register(shop, role) });
  return ((await login.json()) as { token: string }).token;
}

const files = (dir: string): string[] => readdirSync(dir).filter((name) => name.endsWith('.test.mjs')).sort();

describe('flows --emit-tests against the running shop', () => {
  let shop: Shop;
  let outDir: string;

  beforeAll(async () => {
    const { startShop } = (await import(pathToFileURL(path.join(shopDir, 'src/server.js')).href)) as { startShop(): Promise<Shop> };
    shop = await startShop();
    outDir = mkdtempSync(path.join(os.tmpdir(), 'trustscan-flow-tests-'));
  }, 60_000);

  afterAll(async () => {
    await shop?.stop();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('the auth middleware that loads the role in its SQL is authentication, not a role check; the admin one is', async () => {
    const { routes } = await inventoryRoutes({ cwd: shopDir, paths: ['.'] });
    const refund = routes.find((route) => route.path === '/api/orders/:id/refund')!;
    expect(refund.middleware.find((middleware) => middleware.name === 'requireAuth')?.kind).toBe('auth');
    const ship = routes.find((route) => route.path === '/api/orders/:id/ship')!;
    expect(ship.middleware.find((middleware) => middleware.name === 'requireAdmin')?.kind).toBe('role');
  });

  it('generates one test file per step, and the tests pass on the guarded steps and fail on the unguarded refund', async () => {
    // The shop's trustscan.config.json supplies flowTests.values.paymentToken and rateLimitRequests.
    const run = await runCli(['flows', '.', '--emit-tests', outDir], { cwd: shopDir });
    expect(run.code).toBe(0);
    const files = readdirSync(outDir).filter((name) => name.endsWith('.test.mjs')).sort();
    expect(files).toEqual(['order-status--post-api-orders-id-cancel.test.mjs', 'order-status--post-api-orders-id-pay.rate-limit.test.mjs', 'order-status--post-api-orders-id-pay.test.mjs', 'order-status--post-api-orders-id-refund.test.mjs', 'order-status--post-api-orders-id-ship.test.mjs']);
    // The header says which code path each file targets.
    expect(readFileSync(path.join(outDir, 'order-status--post-api-orders-id-refund.test.mjs'), 'utf8')).toMatch(/Targets the missing guard: the route at src\/app\.js:\d+ changes Order\.status without checking/);
    expect(readFileSync(path.join(outDir, 'order-status--post-api-orders-id-pay.test.mjs'), 'utf8')).toMatch(/Targets the guard: conditional-update: update requires status in 'pending_payment'/);

    const env = { BASE_URL: shop.baseUrl, TRUSTSCAN_TOKEN_USER: await signUp(shop, 'customer'), TRUSTSCAN_TOKEN_ADMIN: await signUp(shop, 'admin') };
    // pay's rate limit (paymentRateLimit, 20 a minute per user) floods with an account of its own.
    const guarded = await nodeTest(files.filter((name) => !name.includes('refund')).map((name) => path.join(outDir, name)), { ...env, TRUSTSCAN_TOKEN_USER_FLOOD: await signUp(shop, 'customer') });
    expect(guarded.output).toMatch(/✔ POST \/api\/orders\/:id\/pay answers 429 after 20 requests \(paymentRateLimit, keyed by unknown\)/);
    // pay, cancel, ship: out of order and replay each, plus the flood.
    expect(guarded.output).toMatch(/ℹ pass 7\b/);
    expect(guarded.output).toMatch(/ℹ fail 0\b/);
    expect(guarded.code).toBe(0);

    const unguarded = await nodeTest([path.join(outDir, 'order-status--post-api-orders-id-refund.test.mjs')], env);
    expect(unguarded.code).not.toBe(0);
    expect(unguarded.output).toMatch(/ℹ fail 2\b/);
    expect(unguarded.output).toMatch(/POST \/api\/orders\/:id\/refund on Order \d+ in state pending_payment answered 200, expected one of 400\/403\/409\/422/);
    expect(unguarded.output).toMatch(/POST \/api\/orders\/:id\/refund the second time answered 200/);
  }, 120_000);

  it('signs in through config flowTests.login with the credentials of TRUSTSCAN_LOGIN_<ROLE>: the token of the answer, once per role', async () => {
    // The shop's config declares { "path": "/api/auth/login", "tokenField": "token" }; no token is given.
    const guarded = files(outDir).filter((name) => !name.includes('refund') && !name.includes('rate-limit'));
    const before = await shop.db.query('SELECT count(*)::int AS n FROM sessions');
    const env = { BASE_URL: shop.baseUrl, TRUSTSCAN_LOGIN_USER: await register(shop, 'customer'), TRUSTSCAN_LOGIN_ADMIN: await register(shop, 'admin') };
    const run = await nodeTest(guarded.map((name) => path.join(outDir, name)), env);
    expect(run.output).toMatch(/ℹ pass 6\b/);
    expect(run.output).toMatch(/ℹ fail 0\b/);
    expect(run.code).toBe(0);
    // One login per role and test file (node --test runs each file in a process of its own): pay and
    // cancel sign in as USER, ship as USER (its record) and ADMIN.
    const after = await shop.db.query('SELECT count(*)::int AS n FROM sessions');
    expect(Number(after[0]!.n) - Number(before[0]!.n)).toBe(4);
    // Wrong credentials fail the test with the login's answer (a misconfigured login is no skip).
    const wrong = await nodeTest([path.join(outDir, 'order-status--post-api-orders-id-cancel.test.mjs')], { BASE_URL: shop.baseUrl, TRUSTSCAN_LOGIN_USER: JSON.stringify({ email: 'nobody@example.test', password: 'not-the-password' }) });
    expect(wrong.code).not.toBe(0);
    expect(wrong.output).toMatch(/login as USER \(POST \/api\/auth\/login\) answered 401/);
    // TRUSTSCAN_TOKEN_<ROLE> still wins over a login.
    const token = await nodeTest([path.join(outDir, 'order-status--post-api-orders-id-cancel.test.mjs')], { BASE_URL: shop.baseUrl, TRUSTSCAN_TOKEN_USER: await signUp(shop, 'customer'), TRUSTSCAN_LOGIN_USER: JSON.stringify({ email: 'nobody@example.test', password: 'not-the-password' }) });
    expect(token.code).toBe(0);
  }, 120_000);

  it('signs in to a cookie-session login (the answer sets a cookie and carries no token), or takes TRUSTSCAN_COOKIE_<ROLE>', async () => {
    const cookieDir = mkdtempSync(path.join(os.tmpdir(), 'trustscan-flow-tests-cookie-'));
    try {
      const { model, rateLimits, routes } = await inventoryFlows({ cwd: shopDir, paths: ['.'] });
      const settings = { ...DEFAULT_FLOW_TEST_SETTINGS, values: { paymentToken: 'tok_test_visa' }, login: { method: 'POST' as const, path: '/api/auth/session', bodyFormat: 'json' as const } };
      for (const file of generateFlowTests({ model, rateLimits, routes, runner: 'node', settings, version: '0.0.0-test' })) writeFileSync(path.join(cookieDir, file.path), file.content);
      const cancel = path.join(cookieDir, 'order-status--post-api-orders-id-cancel.test.mjs');
      const viaLogin = await nodeTest([cancel], { BASE_URL: shop.baseUrl, TRUSTSCAN_LOGIN_USER: await register(shop, 'customer') });
      expect(viaLogin.output).toMatch(/ℹ pass 2\b/);
      expect(viaLogin.code).toBe(0);
      // The explicit form: a Cookie header from the environment, no login at all.
      const session = await fetch(`${shop.baseUrl}/api/auth/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: await register(shop, 'customer') });
      const cookie = session.headers.getSetCookie().map((line) => line.split(';')[0]!).join('; ');
      expect(cookie).toMatch(/^sid=[a-f0-9]+$/);
      const viaCookie = await nodeTest([cancel], { BASE_URL: shop.baseUrl, TRUSTSCAN_COOKIE_USER: cookie });
      expect(viaCookie.output).toMatch(/ℹ pass 2\b/);
      expect(viaCookie.code).toBe(0);
    } finally {
      rmSync(cookieDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses a BASE_URL that is not loopback, and skips (never fails) without a token', async () => {
    const files = readdirSync(outDir).filter((name) => name.endsWith('-pay.test.mjs')).map((name) => path.join(outDir, name));
    const remote = await nodeTest(files, { BASE_URL: 'https://api.example.com' });
    expect(remote.code).not.toBe(0);
    expect(remote.output).toMatch(/BASE_URL https:\/\/api\.example\.com is not a loopback address/);
    const noToken = await nodeTest(files, { BASE_URL: shop.baseUrl, TRUSTSCAN_TOKEN_USER: '', TRUSTSCAN_TOKEN: '' });
    expect(noToken.output).toMatch(/ℹ skipped 2\b/);
    expect(noToken.code).toBe(0);
  }, 60_000);
});

describe('generated test source', () => {
  it('escapes every value taken from scanned code and writes the runner the user asked for', async () => {
    const dir = fileURLToPath(new URL('../fixtures/apps/runnable-shop', import.meta.url));
    const { model, rateLimits, routes } = await inventoryFlows({ cwd: dir, paths: ['.'] });
    // A hostile path and state, as scanned code could hold them.
    const hostile = "/api/orders/:id/pay');process.exit(1);//\n*/";
    const tampered = {
      ...model,
      flows: model.flows.map((flow) => ({ ...flow, states: flow.states.map((state) => (state === 'cancelled' ? "can'celled`${x}\n" : state)), transitions: flow.transitions.map((transition) => (transition.to === 'cancelled' ? { ...transition, to: "can'celled`${x}\n" } : transition)) })),
    };
    for (const route of routes) if (route.path === '/api/orders/:id/pay') (route as { path: string }).path = hostile;
    for (const flow of tampered.flows) for (const transition of flow.transitions) if (transition.route.path === '/api/orders/:id/pay') transition.route = { ...transition.route, path: hostile };
    for (const runner of ['node', 'vitest', 'jest'] as const) {
      const files = generateFlowTests({ model: tampered, routes, rateLimits, runner, settings: DEFAULT_FLOW_TEST_SETTINGS, version: '0.0.0-test' });
      expect(files.length).toBeGreaterThan(1);
      for (const file of files) {
        // Every generated file parses as JavaScript, and the hostile text stays inside strings.
        expect(() => new Function(file.content.replace(/^import .*$/gm, '').replace(/^export /gm, ''))).not.toThrow();
        expect(file.content).not.toMatch(/^\s*process\.exit/m);
      }
      const test = files.find((file) => file.path.endsWith('.test.mjs'))!.content;
      if (runner === 'node') expect(test).toContain("import { test } from 'node:test';");
      if (runner === 'vitest') expect(test).toContain("import { test } from 'vitest';");
      if (runner === 'jest') expect(test).not.toMatch(/^import \{ test \}/m);
    }
  });
});

describe('request bodies from the validation schema', () => {
  const validatedShop = fileURLToPath(new URL('../fixtures/apps/validated-shop', import.meta.url));

  it('reads zod (middleware, handler parse, Hono zValidator), Joi (celebrate, schema.validate) and class-validator DTOs: field names and declared types', async () => {
    const { routes, requestOf } = await inventoryFlows({ cwd: validatedShop, paths: ['.'] });
    const declared = (method: string, routePath: string) => requestOf(routes.find((route) => route.method === method && route.path === routePath)!).declared;
    expect(declared('POST', '/orders')).toEqual({ totalCents: { type: 'integer', min: 100, max: 500000 }, currency: { type: 'enum', values: ['EUR', 'USD'] }, contact: { type: 'email' }, giftWrap: { type: 'boolean' } });
    expect(declared('POST', '/orders/:id/pay')).toEqual({ cardToken: { type: 'string', min: 30 }, installments: { type: 'integer', min: 1, max: 12 } });
    expect(declared('POST', '/tickets')).toEqual({ subject: { type: 'string', min: 5, max: 80 }, priority: { type: 'enum', values: ['low', 'normal', 'urgent'] }, seats: { type: 'integer', min: 2 } });
    expect(declared('POST', '/tickets/:id/escalate')).toEqual({ reason: { type: 'string' }, level: { type: 'integer', min: 1, max: 3 } });
    expect(declared('POST', '/refunds/:orderId')).toEqual({
      amountCents: { type: 'integer', min: 50, max: 10000 },
      notify: { type: 'email' },
      method: { type: 'enum', values: ['card', 'wallet'] },
      reason: { type: 'enum', values: ['damaged', 'late'] },
      statement: { type: 'string', min: 30 },
      urgent: { type: 'boolean' },
    });
    expect(declared('POST', '/coupons')).toEqual({ code: { type: 'string', min: 8, max: 8 }, percent: { type: 'integer', min: 5, max: 50 }, expiresAt: { type: 'datetime' } });
    // tRPC `.input(z.object(...))` through the same reader.
    const trpc = await inventoryFlows({ cwd: fileURLToPath(new URL('../fixtures/apps/trpc', import.meta.url)), paths: ['.'] });
    expect(trpc.requestOf(trpc.routes.find((route) => route.path === 'user.updateProfile')!).declared).toEqual({ name: { type: 'string', max: 80 }, locale: { type: 'enum', values: ['en', 'de', 'fr'] }, handle: { type: 'string' } });
  });

  it('sends values the schema accepts; config flowTests.values wins; the handler-read fallback stays', async () => {
    const { model, rateLimits, routes, requestOf } = await inventoryFlows({ cwd: validatedShop, paths: ['.'] });
    const settings = { ...DEFAULT_FLOW_TEST_SETTINGS, values: { cardToken: 'tok_from_config' } };
    const files = generateFlowTests({ model, rateLimits, routes, runner: 'node', settings, version: '0.0.0-test', requestOf });
    const pay = files.find((file) => file.path.endsWith('post-orders-id-pay.test.mjs'))!.content;
    // The creation request: within the bounds, an enum member, a unique email, a boolean.
    expect(pay).toContain('"body": {\n        "totalCents": {\n          "literal": 1000\n        },\n        "currency": {\n          "literal": "EUR"\n        },\n        "contact": {\n          "unique": "email"\n        },\n        "giftWrap": {\n          "literal": true\n        }');
    // The step itself: config wins for cardToken; installments is an integer from 1 to 12.
    expect(pay).toMatch(/"cardToken": \{\n\s+"literal": "tok_from_config"\n\s+\},\n\s+"installments": \{\n\s+"literal": 1\n/);
    // Without the schema reader (a route alone): the fields the handler reads, TODO where nothing is known.
    const fallback = generateFlowTests({ model, rateLimits, routes, runner: 'node', settings: DEFAULT_FLOW_TEST_SETTINGS, version: '0.0.0-test' });
    expect(fallback.find((file) => file.path.endsWith('post-orders-id-pay.test.mjs'))!.content).not.toContain('installments');
  });
});

/**
 * A stand-in for fixtures/apps/transport-shop's server (Apollo and the tRPC Express adapter are no
 * dependency of trustscan): the same resolvers' behaviour over the same wire formats. GraphQL answers
 * 200 with `errors` on a refusal and a validation error for a selection on a scalar (cancelOrder
 * returns a Boolean here); tRPC answers `{ result: { data: { json } } }` as with superjson, reads
 * `{ json: input }` (400 otherwise) and answers CONFLICT with 409.
 */
function startTransportServer(): Promise<{ baseUrl: string; stop(): Promise<void> }> {
  const orders = new Map<string, { id: string; status: string }>();
  const tickets = new Map<string, { id: string; status: string }>();
  let next = 1;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.headers.authorization !== 'Bearer transport-token') return send(401, { error: 'sign in' });
      const body = raw ? JSON.parse(raw) : {};
      if (req.url === '/api/graphql' && req.method === 'POST') {
        const match = /^mutation \{ (\w+)\(([^)]*)\)( \{ [^}]* \})? \}$/.exec(body.query ?? '');
        if (!match) return send(400, { errors: [{ message: 'Syntax Error' }] });
        const [, field, argText, selection] = match;
        const args = JSON.parse(`{${argText!.replace(/(\w+): /g, '"$1": ')}}`) as Record<string, unknown>;
        if (field === 'cancelOrder' && selection) return send(400, { errors: [{ message: 'Field "cancelOrder" must not have a selection since type "Boolean" has no subfields.' }] });
        if (field === 'createOrder') {
          const order = { id: `o${next++}`, status: 'PENDING' };
          orders.set(order.id, order);
          return send(200, { data: { createOrder: order } });
        }
        const order = orders.get(String(args.id));
        if (field === 'payOrder') {
          if (!order || order.status !== 'PENDING' || typeof args.paymentToken !== 'string') return send(200, { errors: [{ message: 'only a pending order can be paid' }], data: { payOrder: null } });
          order.status = 'PAID';
          return send(200, { data: { payOrder: order } });
        }
        if (field === 'cancelOrder' && order) {
          order.status = 'CANCELLED';
          return send(200, { data: { cancelOrder: true } });
        }
        return send(200, { errors: [{ message: `unknown ${field}` }] });
      }
      const trpc = /^\/api\/trpc\/([\w.]+)$/.exec(req.url ?? '');
      if (trpc && req.method === 'POST') {
        if (!body || typeof body.json !== 'object') return send(400, { error: { json: { message: 'Input validation failed', code: -32600, data: { code: 'BAD_REQUEST', httpStatus: 400 } } } });
        const input = body.json as Record<string, unknown>;
        const ticket = tickets.get(String(input.ticketId));
        if (trpc[1] === 'ticket.create') {
          const created = { id: `t${next++}`, status: 'OPEN' };
          tickets.set(created.id, created);
          return send(200, { result: { data: { json: created } } });
        }
        if (trpc[1] === 'ticket.escalate') {
          if (!ticket || ticket.status !== 'OPEN' || typeof input.level !== 'number') return send(409, { error: { json: { message: 'only an open ticket can be escalated', data: { code: 'CONFLICT', httpStatus: 409 } } } });
          ticket.status = 'ESCALATED';
          return send(200, { result: { data: { json: ticket } } });
        }
        if (trpc[1] === 'ticket.close' && ticket) {
          ticket.status = 'CLOSED';
          return send(200, { result: { data: { json: ticket } } });
        }
      }
      return send(404, { error: 'not found' });
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ baseUrl: `http://127.0.0.1:${port}`, stop: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}

describe('GraphQL and tRPC steps over their HTTP transports', () => {
  const transportShop = fileURLToPath(new URL('../fixtures/apps/transport-shop', import.meta.url));

  it('generates GraphQL operations (POST to the endpoint, the id as an argument) and tRPC calls (POST <base>/<procedure>, the id in the input)', async () => {
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'trustscan-flow-tests-transport-'));
    try {
      const run = await runCli(['flows', '.', '--emit-tests', outDir], { cwd: transportShop });
      expect(run.code).toBe(0);
      expect(files(outDir)).toEqual(['order-status--mutation-cancelorder.test.mjs', 'order-status--mutation-payorder.test.mjs', 'ticket-status--mutation-ticket-close.test.mjs', 'ticket-status--mutation-ticket-escalate.test.mjs']);
      const pay = readFileSync(path.join(outDir, 'order-status--mutation-payorder.test.mjs'), 'utf8');
      // The config's graphqlPath; createOrder creates the record (its totalCents from the name), payOrder takes the id and paymentToken.
      expect(pay).toMatch(/"path": "\/api\/graphql",\n\s+"role": "USER",\n\s+"idParameter": "id",\n\s+"body": \{\n\s+"paymentToken": \{\n\s+"literal": "tok_test_visa"/);
      expect(pay).toContain('"transport": {\n        "kind": "graphql",\n        "field": "payOrder",\n        "operation": "mutation"\n      }');
      const escalate = readFileSync(path.join(outDir, 'ticket-status--mutation-ticket-escalate.test.mjs'), 'utf8');
      // The zod input: ticketId carries the record id, level an integer from 1 to 3.
      expect(escalate).toMatch(/"path": "\/api\/trpc\/ticket\.escalate",\n\s+"role": "USER",\n\s+"idParameter": "ticketId",\n\s+"body": \{\n\s+"level": \{\n\s+"literal": 1\n/);

      // Against a server speaking both wire formats: guarded steps pass, unguarded ones fail.
      const server = await startTransportServer();
      try {
        const env = { BASE_URL: server.baseUrl, TRUSTSCAN_TOKEN_USER: 'transport-token' };
        const guarded = await nodeTest(['order-status--mutation-payorder.test.mjs', 'ticket-status--mutation-ticket-escalate.test.mjs'].map((name) => path.join(outDir, name)), env);
        // Both replays (the second payOrder answers GraphQL errors, the second escalate 409); no state
        // outside the ones they accept is reachable through guarded steps, so no out-of-order test.
        expect(guarded.output).toMatch(/ℹ pass 2\b/);
        expect(guarded.output).toMatch(/ℹ fail 0\b/);
        expect(guarded.code).toBe(0);
        const unguarded = await nodeTest(['order-status--mutation-cancelorder.test.mjs', 'ticket-status--mutation-ticket-close.test.mjs'].map((name) => path.join(outDir, name)), env);
        expect(unguarded.code).not.toBe(0);
        // cancelOrder was retried without a selection (a Boolean), and succeeded where it must be refused.
        expect(unguarded.output).toMatch(/POST \/api\/graphql on Order o\d+ in state PENDING answered 200, expected one of 400\/403\/409\/422 or GraphQL errors/);
        expect(unguarded.output).toMatch(/POST \/api\/trpc\/ticket\.close on Ticket t\d+ in state OPEN answered 200/);
      } finally {
        await server.stop();
      }
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('defaults to /graphql and /trpc, and to the tRPC handler route the engine knows (Next.js /api/trpc/[trpc])', async () => {
    const { model, rateLimits, routes, requestOf } = await inventoryFlows({ cwd: transportShop, paths: ['.'] });
    const generated = generateFlowTests({ model, rateLimits, routes, runner: 'node', settings: DEFAULT_FLOW_TEST_SETTINGS, version: '0.0.0-test', requestOf });
    const all = generated.map((file) => file.content).join('\n');
    expect(all).toContain('"path": "/graphql"');
    expect(all).toContain('"path": "/trpc/ticket.close"');
    const nextRoute = { ...routes[0]!, kind: undefined, method: 'POST', path: '/api/trpc/[trpc]', authEvidence: ['the handler serves the tRPC procedures (fetchRequestHandler from @trpc/server/adapters/fetch), each listed and judged as an entry point of its own'] } as (typeof routes)[number];
    const withNext = generateFlowTests({ model, rateLimits, routes: [...routes, nextRoute], runner: 'node', settings: DEFAULT_FLOW_TEST_SETTINGS, version: '0.0.0-test', requestOf });
    expect(withNext.map((file) => file.content).join('\n')).toContain('"path": "/api/trpc/ticket.close"');
  });

  it('finds the creating mutation by name where no transition creates the record (graphql-apollo: createOrder for cancelOrder)', async () => {
    const apollo = await inventoryFlows({ cwd: fileURLToPath(new URL('../fixtures/apps/graphql-apollo', import.meta.url)), paths: ['.'] });
    const generated = generateFlowTests({ ...apollo, runner: 'node', settings: DEFAULT_FLOW_TEST_SETTINGS, version: '0.0.0-test' });
    expect(generated.map((file) => file.path)).toEqual(['trustscan-flow-runtime.mjs', 'order-status--mutation-cancelorder.test.mjs']);
    const cancel = generated[1]!.content;
    expect(cancel).toContain('"field": "createOrder"');
    expect(cancel).toMatch(/"idParameter": "id",\n\s+"body": \{\},\n\s+"at": "src\/resolvers\/orders\.ts:22",\n\s+"transport": \{\n\s+"kind": "graphql",\n\s+"field": "cancelOrder"/);
  });
});
