/**
 * `trustscan flows`: the state machine of the fixture shop app (fixtures/apps/shop) drawn from its
 * code, in every format, and the step names that make a route a flow step.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAuthRoute, namedStep } from '../src/engine/flows/flow-steps.js';
import { MONEY_CALL } from '../src/engine/flows/flow-patterns.js';
import { routeMatchesStep } from '../src/engine/routes/route-path.js';
import { makeProject, runCli } from './helpers/cli.js';

const shop = fileURLToPath(new URL('../fixtures/apps/shop', import.meta.url));

const SHOP_DIAGRAM = `%% Order.status
stateDiagram-v2
  state "CART" as s_CART
  state "PENDING_PAYMENT" as s_PENDING_PAYMENT
  state "PAID" as s_PAID
  state "SHIPPED" as s_SHIPPED
  state "DELIVERED" as s_DELIVERED
  state "CANCELLED" as s_CANCELLED
  state "any state" as any_state
  [*] --> s_CART : POST /cart
  s_CART --> s_PENDING_PAYMENT : POST /cart/:cartId/checkout (guarded)
  s_PENDING_PAYMENT --> s_PAID : POST /orders/:orderId/pay (guarded)
  s_PAID --> s_SHIPPED : POST /orders/:orderId/ship (guarded)
  any_state --> s_DELIVERED : POST /orders/:orderId/deliver UNGUARDED
  s_CART --> s_CANCELLED : POST /orders/:orderId/cancel (guarded)
  s_PENDING_PAYMENT --> s_CANCELLED : POST /orders/:orderId/cancel (guarded)
  classDef unguarded fill:#fde2e1,stroke:#c0392b,color:#7b241c
  class any_state,s_DELIVERED unguarded
`;

const CHECKOUT_DIAGRAM = `%% flow "checkout" (declared in config): Order.status
stateDiagram-v2
  state "CART" as s_CART
  state "PENDING_PAYMENT" as s_PENDING_PAYMENT
  state "PAID" as s_PAID
  state "SHIPPED" as s_SHIPPED
  [*] --> s_CART : POST /cart
  s_CART --> s_PENDING_PAYMENT : POST /cart/:cartId/checkout (guarded)
  s_PENDING_PAYMENT --> s_PAID : POST /orders/:orderId/pay (guarded)
  s_PAID --> s_SHIPPED : POST /orders/:orderId/ship (guarded)
`;

describe('trustscan flows on the fixture shop', () => {
  it('draws the Order state machine from the Prisma enum and the routes that move it, then the declared checkout flow', async () => {
    const run = await runCli(['flows', '.'], { cwd: shop });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${SHOP_DIAGRAM}\n${CHECKOUT_DIAGRAM}`);
  });

  it('--flow picks one renderable diagram; an unknown name is one line and exit 2', async () => {
    expect((await runCli(['flows', '.', '--flow', 'checkout'], { cwd: shop })).stdout).toBe(CHECKOUT_DIAGRAM);
    const unknown = await runCli(['flows', '.', '--flow', 'refunds'], { cwd: shop });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^trustscan \S+: no flow named "refunds" \(flows found: Order\.status, checkout\)\n$/);
  });

  it('JSON lists every step with its verdict, guards and rate limits', async () => {
    const json = JSON.parse((await runCli(['flows', '.', '--format', 'json'], { cwd: shop })).stdout);
    expect(json.schemaVersion).toBe('1.0.0');
    const steps = json.steps.map((step: { method: string; path: string; verdict: string; to?: string; guards: Array<{ kind: string }>; rateLimits: Array<{ keyedBy: string }> }) => [
      `${step.method} ${step.path}`,
      step.verdict,
      step.to ?? null,
      step.guards.map((guard) => guard.kind),
      step.rateLimits.map((limit) => limit.keyedBy),
    ]);
    expect(steps).toEqual([
      ['POST /cart', 'no-change', null, [], []],
      ['POST /cart/:cartId/checkout', 'guarded', 'PENDING_PAYMENT', ['conditional-update'], []],
      ['POST /orders/:orderId/pay', 'guarded', 'PAID', ['state-check'], ['user']],
      ['POST /orders/:orderId/ship', 'guarded', 'SHIPPED', ['state-check'], []],
      ['POST /orders/:orderId/deliver', 'unguarded', 'DELIVERED', [], []],
      ['POST /orders/:orderId/cancel', 'guarded', 'CANCELLED', ['state-check'], []],
    ]);
    expect(json.entities).toEqual([
      { name: 'Order', field: 'status', states: ['CART', 'PENDING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'], source: { file: 'prisma/schema.prisma', line: 18, column: 1 } },
    ]);
  });

  it('Markdown embeds the diagrams with the declared steps and a table of guards and rate limits', async () => {
    const markdown = (await runCli(['flows', '.', '--format', 'markdown'], { cwd: shop })).stdout;
    expect(markdown).toContain('```mermaid\nstateDiagram-v2');
    expect(markdown).toContain('| 2 | `POST /cart/:cartId/checkout` | `src/routes/shop.ts:14` | yes |');
    expect(markdown).toContain('| `POST /orders/:orderId/deliver` src/routes/shop.ts:27 | fulfilment | Order.status → `DELIVERED` | **none** | none |');
    expect(markdown).toMatch(/\| `POST \/orders\/:orderId\/pay` .*\| paymentLimiter \(route, per user\) \|/);
  });

  it('is deterministic', async () => {
    const first = (await runCli(['flows', '.', '--format', 'json'], { cwd: shop })).stdout;
    expect((await runCli(['flows', '.', '--format', 'json'], { cwd: shop })).stdout).toBe(first);
  });

  it('the scan reports the unguarded transition at its route', async () => {
    const json = JSON.parse((await runCli(['scan', '.', '--rule', 'missing-state-guard', '-f', 'json', '--fail-on', 'none'], { cwd: shop })).stdout);
    expect(json.findings.map((finding: { file: string; line: number; message: string }) => `${finding.file}:${finding.line} ${finding.message}`)).toEqual([
      "src/routes/shop.ts:27 POST /orders/:orderId/deliver (deliver step) sets Order.status to 'DELIVERED' without first checking that the current status is 'SHIPPED' (the state Order.status declares before it), or at least that it is not already 'DELIVERED': it runs in any state, so a client can skip earlier steps or repeat this one.",
    ]);
  });
});

describe('trustscan flows on awkward input', () => {
  it('says so when no route changes a state, and skips a broken file with a warning', async () => {
    const cwd = makeProject({
      'package.json': JSON.stringify({ dependencies: { express: '^4.19.2' } }),
      'src/app.ts': "import express from 'express';\nexport const app = express();\napp.get('/health', (_req, res) => res.json({ ok: true }));\n",
      'src/broken.ts': 'export const = ;\n',
    });
    const run = await runCli(['flows', '.'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('%% trustscan found no stateful flows (no route changes a status/state field to a value the code decides)\n');
    expect(run.stderr).toMatch(/warning: .*src\/broken\.ts/);
    const markdown = await runCli(['flows', '.', '--format', 'markdown'], { cwd });
    expect(markdown.stdout).toContain('No stateful flow found');
  });

  it('names the entity of a query-builder update by its table (drizzle db.update(table).set(...), knex(table))', async () => {
    const cwd = makeProject({
      'package.json': JSON.stringify({ dependencies: { express: '^4.19.2', 'drizzle-orm': '^0.30.0', knex: '^3.0.0' } }),
      'src/app.ts': [
        "import express from 'express';",
        "import { eq } from 'drizzle-orm';",
        "import knex from 'knex';",
        "import { db } from './db';",
        "import { deployments } from './schema';",
        'const app = express();',
        "app.post('/deployments/:id/cancel', async (req, res) => { await db.update(deployments).set({ status: 'cancelled' }).where(eq(deployments.id, req.params.id)); res.end(); });",
        "app.post('/invoices/:id/void', async (req, res) => { await knex('invoices').where({ id: req.params.id }).update({ status: 'void' }); res.end(); });",
      ].join('\n'),
      'src/db.ts': "import { drizzle } from 'drizzle-orm/node-postgres';\nexport const db = drizzle('');\n",
      'src/schema.ts': "import { pgTable, text } from 'drizzle-orm/pg-core';\nexport const deployments = pgTable('deployments', { id: text('id'), status: text('status') });\n",
    });
    const run = await runCli(['flows', '.', '--format', 'json'], { cwd });
    const entities = (JSON.parse(run.stdout).flows as Array<{ entity?: string }>).map((flow) => flow.entity).sort();
    expect(entities).toEqual(['Deployment', 'Invoice']);
  });

  /** An Express app whose routes update a Sequelize `Membership`, scanned for missing-state-guard. */
  async function membershipStateGuardFindings(routes: string[]): Promise<Array<{ line: number; message: string }>> {
    const cwd = makeProject({
      'package.json': JSON.stringify({ dependencies: { express: '^4.19.2', sequelize: '^6.37.0' } }),
      'src/app.ts': ["import express from 'express';", "import { Op } from 'sequelize';", "import { Membership } from './membership';", 'const app = express();', ...routes].join('\n'),
      'src/membership.ts': "import { Model } from 'sequelize';\nexport class Membership extends Model {}\n",
    });
    const run = await runCli(['scan', '.', '-f', 'json', '--rule', 'missing-state-guard', '--fail-on', 'none'], { cwd });
    return JSON.parse(run.stdout).findings as Array<{ line: number; message: string }>;
  }

  it('reads a negated state filter as the states it excludes, not ones it requires (Sequelize [Op.notIn] / [Op.ne])', async () => {
    const findings = await membershipStateGuardFindings([
      "app.post('/memberships/:id/expire', async (req, res) => { await Membership.update({ status: 'EXPIRED' }, { where: { id: req.params.id, status: { [Op.notIn]: ['EXPIRED', 'CANCELLED'] } } }); res.end(); });",
      "app.post('/memberships/:id/cancel', async (req, res) => { await Membership.update({ status: 'CANCELLED' }, { where: { id: req.params.id, status: { [Op.ne]: 'CANCELLED' } } }); res.end(); });",
    ]);
    const messages = findings.map((finding) => finding.message).sort();
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain("updates Membership.status only where it is not 'CANCELLED',");
    expect(messages[1]).toContain("updates Membership.status only where it is not 'EXPIRED' or 'CANCELLED',");
  });

  it('a conditional update of every record a filter matches, naming none, guards its own rows: no count to check', async () => {
    const findings = await membershipStateGuardFindings([
      "app.post('/accounts/:accountId/close', async (req, res) => { await Membership.update({ status: 'CANCELLED' }, { where: { accountId: req.params.accountId, status: { [Op.notIn]: ['CANCELLED', 'EXPIRED'] } } }); res.end(); });",
      "app.post('/memberships/:id/cancel', async (req, res) => { await Membership.update({ status: 'CANCELLED' }, { where: { id: req.params.id, status: 'ACTIVE' } }); res.end(); });",
    ]);
    expect(findings.map((finding) => finding.line)).toEqual([6]);
  });

  it('a bad --format is one line and exit 2', async () => {
    const run = await runCli(['flows', '.', '--format', 'svg'], { cwd: shop });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('flow step names', () => {
  const step = (method: string, routePath: string, handler?: string) => namedStep({ method: method as 'POST', path: routePath, ...(handler ? { handler: { name: handler } } : {}) })?.kind;

  it('reads whole words from the path and the handler name', () => {
    expect(step('POST', '/orders/:id/finalize')).toBe('checkout');
    expect(step('POST', '/api/v1/checkout')).toBe('checkout');
    expect(step('POST', '/orders/:id', 'OrdersController.placeOrder')).toBe('checkout');
    expect(step('POST', '/auth/reset-password')).toBe('password-reset');
    expect(step('POST', '/coupons/:code/apply')).toBe('coupon');
    expect(step('POST', '/themes/:id/apply')).toBe(undefined);
    expect(step('POST', '/coupons/:code/apply-coupon')).toBe('coupon');
    expect(step('POST', '/transfers')).toBe('money-movement');
    expect(step('POST', '/wallet/transfer')).toBe('money-movement');
    expect(step('POST', '/links/:id/transfer')).toBe(undefined);
    expect(step('POST', '/websites/[websiteId]/transfer')).toBe(undefined);
    expect(step('POST', '/auth/confirm-email')).toBe('verification');
    expect(step('POST', '/invitations/:id/accept')).toBe('approval');
  });

  it('does not take substrings, bare "reset"/"complete", request routes or plain GETs for steps', () => {
    expect(step('PUT', '/users/:id/shipping-address')).toBe(undefined);
    expect(step('DELETE', '/user/reset')).toBe(undefined);
    expect(step('PUT', '/site/setup', 'setSetupAsComplete')).toBe(undefined);
    expect(step('POST', '/auth/forgot-password')).toBe(undefined);
    expect(step('POST', '/otp/resend')).toBe(undefined);
    expect(step('GET', '/orders/:id/finalize')).toBe(undefined);
    expect(step('GET', '/verify/admin')).toBe(undefined);
    expect(step('GET', '/auth/verify-email')).toBe('verification');
    expect(step('PUT', '/organization-team-join/:id/:action', 'Controller.acceptRequestToJoin')).toBe('approval');
  });

  it('sign-in, sign-out, sign-up, token refresh and OAuth callbacks are auth routes; a second factor or a reset is not', () => {
    const auth = (method: string, routePath: string, handler?: string) => isAuthRoute({ method: method as 'POST', path: routePath, ...(handler ? { handler: { name: handler } } : {}) });
    for (const [method, routePath, handler] of [
      ['POST', '/auth/login'],
      ['POST', '/api/v1/sign-in'],
      ['POST', '/auth/refresh'],
      ['POST', '/token/refresh'],
      ['POST', '/oauth/token'],
      ['POST', '/logout'],
      ['POST', '/users/signup'],
      ['POST', '/api/register'],
      ['POST', '/register', 'AuthController.register'],
      ['GET', '/auth/google/callback'],
      ['GET', '/api/auth/[...nextauth]'],
      ['POST', '/sessions'],
    ] as Array<[string, string, string?]>) {
      expect(auth(method, routePath, handler), `${method} ${routePath}`).toBe(true);
    }
    for (const [method, routePath] of [
      ['POST', '/auth/reset-password'],
      ['POST', '/auth/login/verify-otp'],
      ['POST', '/auth/2fa/verify'],
      ['POST', '/events/:id/register'],
      ['POST', '/feeds/:id/refresh'],
      ['POST', '/payments/callback'],
      ['POST', '/checkout/session'],
      ['POST', '/orders/:id/finalize'],
    ]) {
      expect(auth(method!, routePath!), `${method} ${routePath}`).toBe(false);
    }
  });

  it('config steps match routes whatever their parameter syntax', () => {
    expect(routeMatchesStep('POST /orders/:id/finalize', { method: 'POST', path: '/orders/[orderId]/finalize' })).toBe(true);
    expect(routeMatchesStep('POST /orders/:id/finalize', { method: 'POST', path: '/orders/{id}/finalize/' })).toBe(true);
    expect(routeMatchesStep('POST /orders/:id/finalize', { method: 'PUT', path: '/orders/:id/finalize' })).toBe(false);
    expect(routeMatchesStep('POST /orders/:id/finalize', { method: 'POST', path: '/orders/:id/cancel' })).toBe(false);
  });
});

describe('money movement calls', () => {
  it("are a provider's resources, not the class's own repository of the same name", () => {
    expect(MONEY_CALL.test('stripe.transfers.create')).toBe(true);
    expect(MONEY_CALL.test('this.stripe.refunds.create')).toBe(true);
    expect(MONEY_CALL.test('this.transfers.create')).toBe(false);
    expect(MONEY_CALL.test('this.payouts.create')).toBe(false);
  });
});
