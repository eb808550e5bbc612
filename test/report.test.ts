/**
 * `trustscan report`: the evidence pack. JSON valid against schema/report.schema.json on the demo
 * and fixture apps; PASS / FAIL / NOT TESTED per criterion with what was tested; history over three
 * scans (a finding introduced, fixed, another still open); flags, exit codes, escaping; a hostile
 * .git/config that must not execute.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import type { CriterionResult, EvidencePack } from '../src/report/pack-types.js';
import { makeProject, runCli } from './helpers/cli.js';

const schema = JSON.parse(readFileSync(new URL('../schema/report.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv.default({ allErrors: true, strict: true }).compile(schema);

async function report(cwd: string, args: string[] = []): Promise<EvidencePack> {
  const run = await runCli(['report', '-f', 'json', '--date', '2026-12-01', ...args], { cwd });
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as EvidencePack;
}

function criterion(pack: EvidencePack, framework: string, id: string): CriterionResult {
  const found = pack.frameworks.find((view) => view.framework === framework)?.criteria.find((entry) => entry.id === id);
  if (!found) throw new Error(`no ${framework} ${id}`);
  return found;
}

const EXPRESS = JSON.stringify({ name: 'orders-api', version: '2.1.0', dependencies: { express: '4', helmet: '7', jsonwebtoken: '9', '@prisma/client': '5' } });
const AUTH = `import jwt from 'jsonwebtoken';\nexport function requireAuth(req: any, res: any, next: any) {\n  try { req.user = jwt.verify(req.headers.authorization, process.env.JWT_SECRET!); next(); } catch { res.status(401).end(); }\n}\n`;
// helmet on the same lines as before: the app sets its security headers, so CC6.1 turns only on the access-control evidence.
const app = (handler: string) =>
  `import express from 'express'; import helmet from 'helmet';\nimport { PrismaClient } from '@prisma/client';\nimport { requireAuth } from './auth';\nconst prisma = new PrismaClient();\nconst app = express(); app.use(helmet());\n${handler}\napp.listen(3000);\n`;
const SCOPED = `app.get('/orders/:id', requireAuth, async (req: any, res) => {\n  res.json(await prisma.order.findFirst({ where: { id: req.params.id, userId: req.user.id } }));\n});`;
const UNSCOPED = `app.get('/orders/:id', requireAuth, async (req: any, res) => {\n  res.json(await prisma.order.findUnique({ where: { id: req.params.id } }));\n});`;

describe('trustscan report: the evidence pack', () => {
  it('is valid against schema/report.schema.json on the demo and on fixture apps, and byte-identical for a fixed date', async () => {
    for (const dir of ['examples/demo', 'fixtures/apps/lambda-serverless', 'fixtures/rules/missing-ownership-check', 'fixtures/rules/missing-state-guard']) {
      const cwd = path.resolve(dir);
      const first = await runCli(['report', '-f', 'json', '--date', '2026-12-01T09:30:00Z'], { cwd });
      expect(first.code, first.stderr).toBe(0);
      const pack = JSON.parse(first.stdout) as EvidencePack;
      expect(validate(pack), `${dir}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
      expect(pack.reportDate).toBe('2026-12-01T09:30:00.000Z');
      const second = await runCli(['report', '-f', 'json', '--date', '2026-12-01T09:30:00Z'], { cwd });
      expect(second.stdout).toBe(first.stdout);
    }
  });

  it('passes CC6.1 with the evidence that the control operates: authenticated entry points and lookups scoped to the caller', async () => {
    const cwd = makeProject({ 'package.json': EXPRESS, 'src/auth.ts': AUTH, 'src/app.ts': app(SCOPED) });
    const pack = await report(cwd);
    expect(pack.project).toEqual({ name: 'orders-api', version: '2.1.0', scannedPaths: ['.'] });
    const cc61 = criterion(pack, 'soc2', 'CC6.1');
    expect(cc61.status).toBe('pass');
    const authentication = cc61.tested.find((entry) => entry.ruleId === 'missing-authentication')!;
    expect(authentication).toMatchObject({ subject: 'entry point', examined: 1, passed: 1, findings: 0 });
    expect(authentication.examples[0]).toMatchObject({ name: 'GET /orders/:id', file: 'src/app.ts', line: 6, outcome: 'passed' });
    expect(authentication.examples[0]!.evidence).toMatch(/requireAuth/);
    const ownership = cc61.tested.find((entry) => entry.ruleId === 'missing-ownership-check')!;
    expect(ownership).toMatchObject({ subject: 'object lookup', examined: 1, passed: 1 });
    expect(ownership.examples[0]!.evidence).toMatch(/userId/);
    expect(pack.score.overall).toBe(100);
  });


  it('counts exempt entry points in the words of the inventory, and lists the files it skipped with why', async () => {
    const routes = [
      SCOPED,
      `app.get('/catalog', (req, res) => { res.json([{ sku: 'a1' }]); });`,
      `app.post('/login', async (req, res) => { res.json({ token: 'x' }); });`,
    ].join('\n');
    const cwd = makeProject({ 'package.json': EXPRESS, 'src/auth.ts': AUTH, 'src/app.ts': app(routes), 'src/vendor-bundle.js': `var a=${'1+'.repeat(3000)}1;`.repeat(20) });
    const pack = await report(cwd);
    const authentication = criterion(pack, 'soc2', 'CC6.1').tested.find((entry) => entry.ruleId === 'missing-authentication')!;
    expect(authentication).toMatchObject({ examined: 3, passed: 1, exempt: 2, findings: 0 });
    expect(authentication.summary).toBe('3 entry points examined: 1 passed, 1 public, reaching no write and no sensitive data, 1 public by design');
    expect(pack.files.skipped).toEqual([{ file: 'src/vendor-bundle.js', reason: 'looks like a minified bundle' }]);
  });

  it('fails CC6.1 and API1:2023 with the finding that fails them, and says NOT TESTED where no rule speaks or nothing exercises the control', async () => {
    const cwd = makeProject({ 'package.json': EXPRESS, 'src/auth.ts': AUTH, 'src/app.ts': app(UNSCOPED) });
    const pack = await report(cwd);
    const bola = pack.findings.find((finding) => finding.ruleId === 'missing-ownership-check')!;
    expect(bola).toBeDefined();
    const cc61 = criterion(pack, 'soc2', 'CC6.1');
    expect(cc61.status).toBe('fail');
    expect(cc61.failing).toContain(bola.fingerprint);
    expect(cc61.statusReason).toMatch(/at or above high/);
    expect(criterion(pack, 'owaspApi', 'API1:2023').status).toBe('fail');
    // No rule of trustscan maps to CC6.2 (credential issuance) yet.
    expect(criterion(pack, 'soc2', 'CC6.2')).toMatchObject({ status: 'not-tested', statusReason: 'no rule of this scan speaks to it', score: null });
    expect(pack.score.overall).toBeLessThan(100);
    // Below the threshold a finding is listed but does not fail the criterion.
    const lenient = await report(cwd, ['--fail-on', 'critical']);
    expect(criterion(lenient, 'soc2', 'CC6.1')).toMatchObject({ status: 'pass', belowThreshold: [bola.fingerprint] });

    const library = makeProject({ 'package.json': JSON.stringify({ name: 'lib' }), 'src/index.ts': 'export const add = (a: number, b: number) => a + b;\n' });
    const quiet = await report(library);
    // Only route rules speak to CC7.2: a library with no entry point does not exercise it.
    expect(criterion(quiet, 'soc2', 'CC7.2')).toMatchObject({ status: 'not-tested', statusReason: 'nothing in the scanned code exercises it' });
    // The scan itself is the evidence for CC7.1 (vulnerability scans).
    expect(criterion(quiet, 'soc2', 'CC7.1').status).toBe('pass');
  });

  it('lists suppressed findings as exceptions with their justification, never as passes hidden from view', async () => {
    const suppressed = UNSCOPED.replace("  res.json(await prisma.order.findUnique", "  // trustscan-ignore-next-line missing-ownership-check -- order ids are capability tokens (ADR-12)\n  res.json(await prisma.order.findUnique");
    const pack = await report(makeProject({ 'package.json': EXPRESS, 'src/auth.ts': AUTH, 'src/app.ts': app(suppressed) }));
    expect(pack.findings.filter((finding) => finding.ruleId === 'missing-ownership-check')).toEqual([]);
    expect(pack.exceptions).toHaveLength(1);
    expect(pack.exceptions[0]).toMatchObject({ kind: 'suppressed', ruleId: 'missing-ownership-check', justification: 'order ids are capability tokens (ADR-12)' });
    expect(criterion(pack, 'soc2', 'CC6.1').exceptions).toEqual([pack.exceptions[0]!.fingerprint]);
  });

  it('keeps a history over three scans: first seen, fixed in, still open, and a finding not re-tested is never called fixed', async () => {
    const secret = ['sk', 'live', '51HqLyjWDarjtT1zdp7dcXYZabcdEFGHijklMNOPqrst0123'].join('_');
    const files = (handler: string, withSecret: boolean) => ({
      'package.json': EXPRESS,
      'src/auth.ts': AUTH,
      'src/app.ts': app(handler),
      'src/billing.ts': withSecret ? `export const stripeKey = '${secret}';\n` : `export const stripeKey = process.env.STRIPE_KEY;\n`,
    });
    const cwd = makeProject(files(SCOPED, true));
    const history = path.join(cwd, 'history');
    mkdirSync(history);
    const write = (pack: EvidencePack, name: string) => writeFileSync(path.join(history, name), JSON.stringify(pack));

    // Scan 1 (Oct): the secret is there. Scan 2 (Nov): a BOLA appears, the secret is still there.
    write(await report(cwd, ['--date', '2026-10-01', '--history', history]), '1.json');
    writeFileSync(path.join(cwd, 'src/app.ts'), app(UNSCOPED));
    write(await report(cwd, ['--date', '2026-11-01', '--history', history]), '2.json');
    // Scan 3 (Dec, this report): the secret is gone (fixed), the BOLA is still open.
    writeFileSync(path.join(cwd, 'src/billing.ts'), files(UNSCOPED, false)['src/billing.ts']);
    writeFileSync(path.join(history, 'notes.json'), '{"not": "a report"}');
    const run = await runCli(['report', '-f', 'json', '--date', '2026-12-01', '--history', history], { cwd });
    expect(run.stderr).toMatch(/--history: notes\.json: skipped, not a trustscan evidence report/);
    const pack = JSON.parse(run.stdout) as EvidencePack;
    expect(validate(pack), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const h = pack.history!;
    expect(h.scans.map((scan) => [scan.reportDate.slice(0, 10), scan.new, scan.fixed, scan.open])).toEqual([
      ['2026-10-01', 1, 0, 1],
      ['2026-11-01', 1, 0, 2],
      ['2026-12-01', 0, 1, 1],
    ]);
    expect(h.sinceLast).toEqual({ new: 0, fixed: 1, open: 1, notRetested: 0 });
    const byRule = Object.fromEntries(h.findings.map((finding) => [finding.ruleId, finding]));
    expect(byRule['hardcoded-secret']).toMatchObject({ status: 'fixed', firstSeen: '2026-10-01T00:00:00.000Z', lastSeen: '2026-11-01T00:00:00.000Z', fixedIn: { reportDate: '2026-12-01T00:00:00.000Z' } });
    expect(byRule['missing-ownership-check']).toMatchObject({ status: 'open', firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-12-01T00:00:00.000Z' });
    expect(byRule['missing-ownership-check']!.fixedIn).toBeUndefined();

    // The same December state scanned without the secret rule: the secret is not re-tested, not fixed.
    const partial = JSON.parse((await runCli(['report', '-f', 'json', '--date', '2026-12-01', '--history', history, '--disable-rule', 'hardcoded-secret'], { cwd })).stdout) as EvidencePack;
    expect(partial.history!.findings.find((finding) => finding.ruleId === 'hardcoded-secret')).toMatchObject({ status: 'not-retested' });
    expect(partial.history!.sinceLast).toMatchObject({ fixed: 0, notRetested: 1 });
  });

  it('exits 0 by default, 1 only with an explicit --fail-on that a criterion fails, 2 on bad flags; writes into a new folder', async () => {
    const cwd = makeProject({ 'package.json': EXPRESS, 'src/auth.ts': AUTH, 'src/app.ts': app(UNSCOPED) });
    expect((await runCli(['report', '-f', 'json'], { cwd })).code).toBe(0);
    expect((await runCli(['report', '-f', 'json', '--fail-on', 'high'], { cwd })).code).toBe(1);
    expect((await runCli(['report', '-f', 'json', '--fail-on', 'critical'], { cwd })).code).toBe(0);
    const badScope = await runCli(['report', '--scope', 'security,avail'], { cwd });
    expect(badScope).toMatchObject({ code: 2 });
    expect(badScope.stderr).toMatch(/--scope: unknown category "avail"/);
    expect((await runCli(['report', '--date', 'yesterday'], { cwd })).code).toBe(2);
    expect((await runCli(['report', '-f', 'json'], { cwd, env: { SOURCE_DATE_EPOCH: '1764547200' } })).stdout).toContain('"reportDate": "2025-12-01T00:00:00.000Z"');
    const written = await runCli(['report', '-f', 'markdown', '-o', 'out/evidence/report.md'], { cwd });
    expect(written.code).toBe(0);
    expect(readFileSync(path.join(cwd, 'out/evidence/report.md'), 'utf8')).toMatch(/^# Evidence report: orders-api/);
    // Scope narrows the SOC 2 criteria; the common criteria stay.
    const narrow = await report(cwd, ['--scope', 'security']);
    expect(narrow.scope.soc2Categories).toEqual(['common']);
    expect(narrow.frameworks[0]!.criteria.every((entry) => entry.category === 'common')).toBe(true);
  });

  it('escapes scanned text in Markdown (GitHub renders inline HTML), and fences flows longer than any backtick run', async () => {
    const cwd = makeProject({
      'package.json': EXPRESS,
      'src/auth.ts': AUTH,
      'src/app.ts': app(`app.get('/x/:id', async (req: any, res) => {\n  res.json(await prisma.order.findUnique({ where: { id: req.params.id } }));\n});\n// <script>alert(1)</script>`),
      'src/<img src=x onerror=alert(1)>.ts': `export const k = '${['sk', 'live', '51HqLyjWDarjtT1zdp7dcXYZabcdEFGHijklMNOPqrst0123'].join('_')}';\n`,
    });
    const run = await runCli(['report', '-f', 'markdown', '--date', '2026-12-01'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('<img');
    // Inside <code> too, Markdown punctuation is escaped (GitHub parses Markdown between the tags).
    expect(run.stdout).toContain('src/&lt;img src=x onerror=alert\\(1\\)&gt;.ts');
    expect(run.stdout).not.toContain('51HqLyjWDarjtT1zdp7dcXYZ');
    expect(run.stdout).toMatch(/\| \*\*CC6\.1\*\* .* \| \*\*FAIL\*\* \|/);
  });

  it('never runs the scanned repository\'s git: a hostile .git/config (fsmonitor, pager) and hooks do nothing', async () => {
    const cwd = makeProject({ 'package.json': EXPRESS, 'src/auth.ts': AUTH, 'src/app.ts': app(SCOPED) });
    const marker = path.join(cwd, 'pwned');
    const commit = 'a'.repeat(40);
    mkdirSync(path.join(cwd, '.git/refs/heads'), { recursive: true });
    mkdirSync(path.join(cwd, '.git/hooks'), { recursive: true });
    mkdirSync(path.join(cwd, '.git/objects'), { recursive: true });
    writeFileSync(path.join(cwd, '.git/HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(path.join(cwd, '.git/refs/heads/main'), `${commit}\n`);
    writeFileSync(path.join(cwd, '.git/config'), `[core]\n\tfsmonitor = "touch ${marker}"\n\tpager = "touch ${marker}"\n\thooksPath = hooks\n`);
    for (const hook of ['post-checkout', 'pre-commit', 'fsmonitor-watchman']) writeFileSync(path.join(cwd, '.git/hooks', hook), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    const pack = await report(cwd);
    expect(pack.git).toMatchObject({ commit, branch: 'main', detached: false });
    expect(existsSync(marker)).toBe(false);
  });
});
