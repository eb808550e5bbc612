/**
 * `scan --write-baseline` / `scan --baseline`: old findings are listed as baseline and never fail
 * the gate; matching survives line moves, edits elsewhere in the file and renames on other lines;
 * a second copy of a baselined finding and a new one are new; baselined findings gone are fixed;
 * the baseline file holds ids, paths and hashes only.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../src/types.js';
import { makeProject, runCli } from './helpers/cli.js';

const validate = new Ajv.default({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(new URL('../schema/scan-result.schema.json', import.meta.url), 'utf8')) as object);

const PACKAGE = JSON.stringify({ name: 'shop', dependencies: { express: '4', pg: '8' } });
const STRIPE_KEY = `sk_live_${'9aZ'.repeat(8)}`;
const orders = (extra = '', total = 'formatTotal') =>
  [
    "import express from 'express';",
    "import { Pool } from 'pg';",
    extra,
    'const pool = new Pool();',
    'export const router = express.Router();',
    `export const stripeKey = '${STRIPE_KEY}';`,
    "router.get('/orders', async function listOrders(req, res) {",
    '  const rows = await pool.query(`SELECT * FROM orders WHERE status = \'${req.query.status}\'`);',
    '  res.json(rows);',
    '});',
    `export function ${total}(amount: number) {`,
    `  return ${total}.name + amount.toFixed(2);`,
    '}',
    '',
  ].join('\n');

async function scanJson(cwd: string, ...args: string[]): Promise<{ code: number; result: ScanResult; stderr: string }> {
  const run = await runCli(['scan', '.', '-f', 'json', '--fail-on', 'high', ...args], { cwd });
  return { code: run.code, result: JSON.parse(run.stdout) as ScanResult, stderr: run.stderr };
}

const states = (result: ScanResult) => result.findings.map((finding) => `${finding.ruleId}:${finding.line}:${finding.baselineState}`);

describe('scan --baseline', () => {
  it('writes a baseline of ids, paths and hashes only, and then passes the gate on the same findings', async () => {
    const cwd = makeProject({ 'package.json': PACKAGE, 'src/orders.ts': orders() });
    const first = await scanJson(cwd, '--write-baseline', 'ci/trustscan-baseline.json');
    expect(first.code).toBe(1);
    const text = readFileSync(path.join(cwd, 'ci/trustscan-baseline.json'), 'utf8');
    const baseline = JSON.parse(text) as { kind: string; fingerprintVersion: number; findings: Array<Record<string, string>> };
    expect(baseline.kind).toBe('trustscan-baseline');
    expect(baseline.findings.map((entry) => Object.keys(entry).sort().join(','))).toEqual(baseline.findings.map(() => 'file,fingerprint,ruleId'));
    expect(baseline.findings.map((entry) => entry.ruleId).sort()).toEqual(['hardcoded-secret', 'missing-authentication', 'sql-injection']);
    expect(text).not.toContain('sk_live');
    expect(text).not.toContain('SELECT');

    const second = await scanJson(cwd, '--baseline', 'ci/trustscan-baseline.json');
    expect(second.code).toBe(0);
    expect(states(second.result)).toEqual(['hardcoded-secret:6:unchanged', 'missing-authentication:7:unchanged', 'sql-injection:8:unchanged']);
    expect(second.result.baseline).toEqual({ file: 'ci/trustscan-baseline.json', unchanged: 3, new: 0, fixed: [] });
    const textRun = await runCli(['scan', '.', '--baseline', 'ci/trustscan-baseline.json'], { cwd });
    expect(textRun.code).toBe(0);
    // Wrapped to 80 columns like the rest of the summary; the sentence is whole once unwrapped.
    expect(textRun.stdout.split('\n').every((line) => line.length <= 80 || line.includes(' | '))).toBe(true);
    expect(textRun.stdout.replace(/\n  /g, ' ')).toContain('Baseline ci/trustscan-baseline.json: 0 new, 3 in the baseline (listed, never failing --fail-on), 0 fixed since.');
    expect(textRun.stdout).toMatch(/sql-injection \(baseline\)/);
  });

  it('still matches after lines move, edits elsewhere in the file and a rename on another line', async () => {
    const cwd = makeProject({ 'package.json': PACKAGE, 'src/orders.ts': orders() });
    await scanJson(cwd, '--write-baseline', 'baseline.json');
    // Five lines above, and a function renamed on the lines that use it (not the flagged ones).
    writeFileSync(path.join(cwd, 'src/orders.ts'), orders("// one\n// two\nconst limit = 50;\nexport const version = 'v2';\nexport const region = process.env.REGION;", 'formatOrderTotal'));
    const moved = await scanJson(cwd, '--baseline', 'baseline.json');
    expect(moved.code).toBe(0);
    expect(states(moved.result)).toEqual(['hardcoded-secret:10:unchanged', 'missing-authentication:11:unchanged', 'sql-injection:12:unchanged']);
  });

  it('calls a new finding and a second copy of a baselined one new (and fails on them), and a finding gone fixed', async () => {
    const cwd = makeProject({ 'package.json': PACKAGE, 'src/orders.ts': orders() });
    await scanJson(cwd, '--write-baseline', 'baseline.json');
    const added = orders().replace(
      '  res.json(rows);',
      '  res.json(rows);\n  const rows = await pool.query(`SELECT * FROM orders WHERE status = \'${req.query.status}\'`);\n  await pool.query(`DELETE FROM carts WHERE id = ${req.query.cart}`);',
    ).replace(`export const stripeKey = '${STRIPE_KEY}';`, 'export const stripeKey = process.env.STRIPE_KEY;');
    writeFileSync(path.join(cwd, 'src/orders.ts'), added);
    const run = await scanJson(cwd, '--baseline', 'baseline.json');
    expect(run.code).toBe(1);
    expect(validate(run.result), JSON.stringify(validate.errors)).toBe(true);
    expect(states(run.result)).toEqual(['missing-authentication:7:unchanged', 'sql-injection:8:unchanged', 'sql-injection:10:new', 'sql-injection:11:new']);
    expect(run.result.baseline?.fixed.map((entry) => `${entry.ruleId} ${entry.file}`)).toEqual(['hardcoded-secret src/orders.ts']);

    const sarif = await runCli(['scan', '.', '-f', 'sarif', '--fail-on', 'none', '--baseline', 'baseline.json'], { cwd });
    const results = (JSON.parse(sarif.stdout) as { runs: Array<{ results: Array<{ baselineState?: string; locations: Array<{ physicalLocation: { region: { startLine: number } } }> }> }> }).runs[0]!.results;
    expect(results.map((result) => `${result.locations[0]!.physicalLocation.region.startLine}:${result.baselineState}`)).toEqual(['7:unchanged', '8:unchanged', '10:new', '11:new']);
  });

  it('rejects a missing, foreign or other-version baseline with one line and exit 2', async () => {
    const cwd = makeProject({ 'package.json': PACKAGE, 'src/orders.ts': orders(), 'foreign.json': '{"version":1}', 'old.json': JSON.stringify({ kind: 'trustscan-baseline', version: 1, fingerprintVersion: 1, findings: [] }) });
    for (const [file, message] of [
      ['missing.json', /cannot read baseline missing\.json: ENOENT/],
      ['foreign.json', /is not a trustscan baseline/],
      ['old.json', /fingerprints of version 1; this trustscan's are version 2: write it again with --write-baseline/],
    ] as const) {
      const run = await runCli(['scan', '.', '--baseline', file], { cwd });
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(message);
    }
  });
});
