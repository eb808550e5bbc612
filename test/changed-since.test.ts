/**
 * `scan --changed-since <ref>`: on a repository with a main branch and a feature branch, a finding
 * on a changed line is reported and an old one elsewhere is not; a guard removed in one file
 * surfaces the routes it protected in another, unchanged file (they are new since the merge
 * base); no merge base is exit 2 with the fetch-depth hint; a hostile .git/config runs nothing.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../src/types.js';
import { runCli } from './helpers/cli.js';
import { armRepository, commitAt, git, hasGit } from './helpers/git.js';

const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

function repository(files: Record<string, string>): string {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'trustscan-changed-')));
  created.push(root);
  git(root, 'init', '-q', '-b', 'main');
  write(root, files);
  commitAt(root, '2024-03-01T10:00:00Z', 'main: first');
  return root;
}

function write(root: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

const validate = new Ajv.default({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(new URL('../schema/scan-result.schema.json', import.meta.url), 'utf8')) as object);

const PACKAGE = JSON.stringify({ name: 'shop', dependencies: { express: '4', pg: '8', jsonwebtoken: '9' } });
const AUTH = "import jwt from 'jsonwebtoken';\nexport function requireAuth(req: any, res: any, next: any) {\n  try { req.user = jwt.verify(req.headers.authorization, process.env.JWT_SECRET!); next(); } catch { res.status(401).end(); }\n}\n";
const APP = (guard: boolean) =>
  [
    "import express from 'express';",
    "import { requireAuth } from './auth';",
    "import { orders } from './orders';",
    'const app = express();',
    ...(guard ? ['app.use(requireAuth);'] : []),
    "app.use('/orders', orders);",
    'app.listen(3000);',
    '',
  ].join('\n');
const ORDERS = (extra = '') =>
  [
    "import express from 'express';",
    "import { Pool } from 'pg';",
    'const pool = new Pool();',
    'export const orders = express.Router();',
    "orders.get('/', async (req: any, res) => {",
    '  res.json(await pool.query(`SELECT * FROM orders WHERE status = \'${req.query.status}\'`));',
    '});',
    "orders.delete('/:id', async (req: any, res) => {",
    "  await pool.query('DELETE FROM orders WHERE id = $1', [req.params.id]);",
    '  res.status(204).end();',
    '});',
    extra,
    '',
  ].join('\n');

async function changedSince(cwd: string, ref: string, ...args: string[]): Promise<{ code: number; result?: ScanResult; stderr: string }> {
  const run = await runCli(['scan', '.', '-f', 'json', '--fail-on', 'high', '--changed-since', ref, ...args], { cwd });
  return { code: run.code, ...(run.code === 2 ? {} : { result: JSON.parse(run.stdout) as ScanResult }), stderr: run.stderr };
}

const found = (result: ScanResult | undefined) => (result?.findings ?? []).map((finding) => `${finding.ruleId} ${finding.file}:${finding.line}`);

describe.skipIf(!hasGit)('scan --changed-since', () => {
  it('reports findings on lines changed since the merge base, including uncommitted ones, and hides the rest', async () => {
    const root = repository({ 'package.json': PACKAGE, 'src/auth.ts': AUTH, 'src/app.ts': APP(true), 'src/orders.ts': ORDERS() });
    git(root, 'checkout', '-q', '-b', 'feature');
    // main moves on after the branch point: its changes are not the pull request's.
    write(root, { 'src/orders.ts': ORDERS("orders.get('/search', async (req: any, res) => {\n  res.json(await pool.query('SELECT * FROM orders WHERE note = ' + req.query.q));\n});") });
    commitAt(root, '2024-03-02T10:00:00Z', 'feature: search');
    write(root, { 'src/export.ts': "import { Pool } from 'pg';\nimport express from 'express';\nconst pool = new Pool();\nexport const exporter = express.Router();\nexporter.get('/export', async (req: any, res) => {\n  res.json(await pool.query(`SELECT * FROM ${req.query.table}`));\n});\n" });

    const full = await runCli(['scan', '.', '-f', 'json', '--fail-on', 'none', '--rule', 'sql-injection'], { cwd: root });
    expect(found(JSON.parse(full.stdout) as ScanResult)).toEqual(['sql-injection src/export.ts:6', 'sql-injection src/orders.ts:6', 'sql-injection src/orders.ts:13']);

    const limited = await changedSince(root, 'main', '--rule', 'sql-injection');
    expect(limited.code).toBe(1);
    // export.ts is not committed yet: every line of it is new.
    expect(found(limited.result)).toEqual(['sql-injection src/export.ts:6', 'sql-injection src/orders.ts:13']);
    expect(validate(limited.result), JSON.stringify(validate.errors)).toBe(true);
    expect(limited.result?.changedSince).toEqual({ ref: 'main', mergeBase: git(root, 'merge-base', 'main', 'HEAD'), hidden: 1 });
    const text = await runCli(['scan', '.', '--changed-since', 'main', '--fail-on', 'none', '--rule', 'sql-injection'], { cwd: root });
    expect(text.stdout.split('\n').every((line) => line.length <= 80 || line.includes(' | '))).toBe(true);
    expect(text.stdout.replace(/\n  /g, ' ')).toMatch(/Changed since main \(merge base [0-9a-f]{12}\): 1 finding on unchanged lines, found at the merge base too, not shown\./);
  });

  it('reports routes in an unchanged file that a guard removed from another file leaves open', async () => {
    const root = repository({ 'package.json': PACKAGE, 'src/auth.ts': AUTH, 'src/app.ts': APP(true), 'src/orders.ts': ORDERS() });
    git(root, 'checkout', '-q', '-b', 'feature');
    write(root, { 'src/app.ts': APP(false) });
    commitAt(root, '2024-03-02T10:00:00Z', 'feature: drop the global guard');
    const limited = await changedSince(root, 'main', '--rule', 'missing-authentication');
    expect(found(limited.result)).toEqual(['missing-authentication src/orders.ts:5', 'missing-authentication src/orders.ts:8']);
    expect(limited.code).toBe(1);
  });

  it('is exit 2 with the fetch-depth hint when the ref is unknown or has no merge base with HEAD', async () => {
    const root = repository({ 'package.json': PACKAGE, 'src/orders.ts': ORDERS() });
    git(root, 'checkout', '-q', '--orphan', 'unrelated');
    commitAt(root, '2024-03-02T10:00:00Z', 'unrelated history');
    const none = await changedSince(root, 'main');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--changed-since: no merge base of main and HEAD \(a shallow clone\? fetch the history: actions\/checkout with fetch-depth: 0\)/);
    const unknown = await changedSince(root, 'origin/develop');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no ref "origin\/develop"/);
  });

  it('executes nothing of a hostile repository (fsmonitor, hooks, filters, includes)', async () => {
    const root = repository({ 'package.json': PACKAGE, 'src/auth.ts': AUTH, 'src/app.ts': APP(true), 'src/orders.ts': ORDERS() });
    git(root, 'checkout', '-q', '-b', 'feature');
    write(root, { 'src/app.ts': APP(false) });
    commitAt(root, '2024-03-02T10:00:00Z', 'feature');
    const marker = path.join(realpathSync(mkdtempSync(path.join(tmpdir(), 'trustscan-marker-'))), 'pwned');
    created.push(path.dirname(marker));
    armRepository(root, marker);
    const limited = await changedSince(root, 'main', '--fail-on', 'none');
    expect(limited.code).toBe(0);
    expect(found(limited.result).length).toBeGreaterThan(0);
    expect(existsSync(marker)).toBe(false);
  });
});
