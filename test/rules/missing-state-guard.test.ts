/**
 * missing-state-guard: severity and confidence follow what ties a route to a flow (a state field the
 * code writes, money it moves, or only the route's words), so `--fail-on high` never fails on a name;
 * signed webhook events show as guard evidence in `trustscan flows`; auth routes are not flow steps.
 */
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';

const PACKAGE = JSON.stringify({ dependencies: { express: '4', '@prisma/client': '5', stripe: '14' } });
const DB = "import { PrismaClient } from '@prisma/client';\nexport const prisma = new PrismaClient();\n";

function project(routes: string): string {
  return makeProject({
    'package.json': PACKAGE,
    'src/db.ts': DB,
    'src/app.ts': `import express from 'express';\nimport Stripe from 'stripe';\nimport { prisma } from './db.js';\nconst stripe = new Stripe('k');\nexport const app = express();\n${routes}\n`,
  });
}

// Line 6 of src/app.ts: the first route.
const NAME_ONLY = "app.post('/orders/:id/finalize', async (req, res) => { res.json(await prisma.order.update({ where: { id: req.params.id }, data: { note: 'done' } })); });";
const STATE_WRITE = "app.post('/orders/:id/finalize', async (req, res) => { res.json(await prisma.order.update({ where: { id: req.params.id }, data: { status: 'PAID' } })); });";
const MONEY = "app.post('/orders/:id/refund', async (req, res) => { res.json(await stripe.refunds.create({ payment_intent: String(req.body.pi) })); });";

interface Finding {
  ruleId: string;
  line: number;
  severity: string;
  confidence: string;
  message: string;
}

async function scan(cwd: string, failOn = 'none'): Promise<{ code: number; findings: Finding[] }> {
  const run = await runCli(['scan', '.', '--rule', 'missing-state-guard', '--format', 'json', '--fail-on', failOn], { cwd });
  return { code: run.code, findings: (JSON.parse(run.stdout) as { findings: Finding[] }).findings };
}

describe('missing-state-guard severity policy', () => {
  it('a step named only by its route words is medium with low confidence, and says so', async () => {
    const { findings } = await scan(project(NAME_ONLY));
    expect(findings.map(({ line, severity, confidence }) => ({ line, severity, confidence }))).toEqual([{ line: 6, severity: 'medium', confidence: 'low' }]);
    expect(findings[0]!.message).toContain('Recognised as a flow step by its name only');
  });

  it('the same route writing a state field is high with high confidence', async () => {
    const { findings } = await scan(project(STATE_WRITE));
    expect(findings.map(({ line, severity, confidence }) => ({ line, severity, confidence }))).toEqual([{ line: 6, severity: 'high', confidence: 'high' }]);
    expect(findings[0]!.message).not.toContain('name only');
  });

  it('money moved in code without a state field is critical with medium confidence', async () => {
    const { findings } = await scan(project(MONEY));
    expect(findings.map(({ severity, confidence }) => ({ severity, confidence }))).toEqual([{ severity: 'critical', confidence: 'medium' }]);
  });

  it('--fail-on high passes on a name-only step and fails on a state write', async () => {
    expect((await scan(project(NAME_ONLY), 'high')).code).toBe(0);
    expect((await scan(project(NAME_ONLY), 'medium')).code).toBe(1);
    expect((await scan(project(STATE_WRITE), 'high')).code).toBe(1);
  });
});

describe('trustscan flows evidence', () => {
  const WEBHOOK = [
    "app.post('/webhooks/stripe', async (req, res) => {",
    "  const event = stripe.webhooks.constructEvent(req.body, String(req.headers['stripe-signature']), 'whsec');",
    '  switch (event.type) {',
    "    case 'checkout.session.completed':",
    "      await prisma.order.update({ where: { id: String((event.data.object as any).id) }, data: { status: 'PAID' } });",
    '      break;',
    '  }',
    '  res.json({ received: true });',
    '});',
    "app.post('/auth/logout', async (req, res) => { await prisma.session.update({ where: { id: String(req.body.id) }, data: { state: 'REVOKED' } }); res.end(); });",
  ].join('\n');

  it('a signed webhook branched on the event type is guarded by the provider event; auth routes are not steps', async () => {
    const run = await runCli(['flows', '.', '--format', 'json'], { cwd: project(WEBHOOK) });
    const json = JSON.parse(run.stdout) as { steps: Array<{ path: string; verdict: string; basis: string; guards: Array<{ kind: string; evidence: string; line: number }> }> };
    expect(json.steps.map((step) => step.path)).toEqual(['/webhooks/stripe']);
    const [step] = json.steps;
    expect(step!.verdict).toBe('guarded');
    expect(step!.basis).toBe('state-field');
    expect(step!.guards).toHaveLength(1);
    expect(step!.guards[0]!.kind).toBe('webhook-event');
    expect(step!.guards[0]!.evidence).toMatch(/^signed provider event: signature verified by stripe\.webhooks\.constructEvent\(.*\(src\/app\.ts:7\), change made for event switch \(event\.type\)$/);
    expect((await runCli(['flows', '.'], { cwd: project(WEBHOOK) })).stdout).not.toContain('logout');
  });
});
