/**
 * Issue 12: no input can crash a scan or lose a finding.
 *
 * Each hostile shape of test/helpers/deep-nesting.ts (objects 1000 deep, parentheses 800 deep,
 * call chains 10 000 deep, ...) goes into a throwaway project next to an ordinary file holding
 * two planted findings, and the real CLI scans it in a child process (a stack overflow in the
 * parser or in a recursive walk is the failure being tested; it must not take the test runner
 * down with it). Each run must:
 *   - exit 0 (with --fail-on none: 2 is an internal error, no status a signal or a timeout);
 *   - still report the ordinary file's hardcoded-secret and command-injection findings;
 *   - not drop the hostile file silently: it holds a secret-shaped canary too, so either that
 *     finding is reported or a warning names the file (skipped, too deep, a rule gave up on it).
 * Then all hostile files at once, for `scan`, `routes` and `flows`.
 *
 * `scan` runs with --debug so a failure message carries the stack of any internal error (`routes`
 * and `flows` have no --debug).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEEP_SHAPES, writeDeepNestingCorpus, writeShape } from './helpers/deep-nesting.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(repoRoot, 'bin', 'trustscan.js');
const RUN_TIMEOUT_MS = 60_000;

// Secret-shaped values are assembled here so this repository holds no secret-shaped literal.
const secret = (tail: string) => ['sk', 'live', tail].join('_');
const PLANTED_SECRET = secret('9fQ2mXz7' + 'LkP4wR8t' + 'Yv1Nb6Hc3Jd5');
const CANARY_SECRET = secret('Rt7uVb3N' + 'q8ZkW2pL' + 'x5Hc9Ms4Dg1F');

const ORDINARY_FILE = 'src/app.ts';
const ORDINARY_SOURCE = `import express from 'express';
import { exec } from 'node:child_process';

export const stripeKey = '${PLANTED_SECRET}';

const app = express();
app.get('/run', (req, res) => {
  exec(String(req.query.cmd), (error, stdout) => res.send(stdout));
});
export default app;
`;

const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

function project(writeHostile: (dir: string) => void): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'trustscan-deep-'));
  created.push(dir);
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  writeFileSync(path.join(dir, ORDINARY_FILE), ORDINARY_SOURCE);
  writeHostile(dir);
  return dir;
}

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the CLI in a child process (async, so shapes can run side by side), killed after RUN_TIMEOUT_MS. */
function trustscan(dir: string, args: string[]): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: RUN_TIMEOUT_MS,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr, ms: performance.now() - started }));
  });
}

/** What went wrong, for the assertion message: exit status and the start of stderr. */
function describeRun(label: string, run: Run): string {
  const how = run.signal ? `killed by ${run.signal}${run.ms >= RUN_TIMEOUT_MS ? ' (timeout)' : ''}` : `exit ${run.status}`;
  return `${label}: ${how} after ${(run.ms / 1000).toFixed(1)} s\n${run.stderr.slice(0, 4000)}`;
}

interface ScanReport {
  findings: Array<{ ruleId: string; file: string }>;
  warnings: Array<{ code: string; message: string; file?: string }>;
  stats: { filesScanned: number; filesSkipped: number };
}

async function scanOk(dir: string, label: string): Promise<ScanReport> {
  const run = await trustscan(dir, ['scan', '.', '-f', 'json', '--fail-on', 'none', '--debug']);
  expect(run.status, describeRun(label, run)).toBe(0);
  return JSON.parse(run.stdout) as ScanReport;
}

function expectPlantedFindings(report: ScanReport, label: string) {
  const inOrdinary = new Set(report.findings.filter((f) => f.file === ORDINARY_FILE).map((f) => f.ruleId));
  expect([...inOrdinary].sort(), `${label}: findings of ${ORDINARY_FILE}`).toEqual(expect.arrayContaining(['command-injection', 'hardcoded-secret']));
}

/** The hostile file was handled (its canary reported) or a warning names it. */
function expectNoSilentLoss(report: ScanReport, file: string, label: string) {
  const named = report.warnings.some((w) => w.file === file || w.message.includes(file));
  const canaryFound = report.findings.some((f) => f.file === file && f.ruleId === 'hardcoded-secret');
  expect(
    canaryFound || named,
    `${label}: ${file} lost its hardcoded-secret finding and no warning names it (warnings: ${JSON.stringify(report.warnings)})`,
  ).toBe(true);
}

describe('deep nesting: one hostile file next to an ordinary one', () => {
  it('covers the 23 shapes', () => {
    expect(DEEP_SHAPES).toHaveLength(23);
    expect(new Set(DEEP_SHAPES.map((s) => s.file)).size).toBe(23);
  });

  for (const shape of DEEP_SHAPES) {
    it.concurrent(`scan survives ${shape.shape} and loses nothing`, async () => {
      const dir = project((d) => writeShape(d, shape, CANARY_SECRET));
      const report = await scanOk(dir, shape.shape);
      expectPlantedFindings(report, shape.shape);
      const skipped = report.stats.filesSkipped > 0 || report.stats.filesScanned < 2;
      if (skipped) {
        expect(report.warnings.some((w) => w.file === shape.file || w.message.includes(shape.file)), `${shape.shape}: skipped without a warning naming ${shape.file}`).toBe(true);
      }
      expectNoSilentLoss(report, shape.file, shape.shape);
    }, RUN_TIMEOUT_MS + 10_000);
  }
});

describe('deep nesting: all hostile files in one project', () => {
  let dir = '';
  beforeAll(() => {
    let written: { file: string; shape: string }[] = [];
    dir = project((d) => {
      written = writeDeepNestingCorpus(d, CANARY_SECRET);
    });
    expect(written).toHaveLength(DEEP_SHAPES.length);
  });

  it('scan: exit 0, planted findings reported, no hostile file lost silently', async () => {
    const report = await scanOk(dir, 'all shapes');
    expectPlantedFindings(report, 'all shapes');
    for (const shape of DEEP_SHAPES) expectNoSilentLoss(report, shape.file, `all shapes / ${shape.shape}`);
  }, RUN_TIMEOUT_MS + 10_000);

  it('routes -f json: exit 0, the ordinary route listed', async () => {
    const run = await trustscan(dir, ['routes', '.', '-f', 'json']);
    expect(run.status, describeRun('routes', run)).toBe(0);
    const report = JSON.parse(run.stdout) as { routes: Array<{ method: string; path: string; file: string }> };
    expect(report.routes).toContainEqual(expect.objectContaining({ method: 'GET', path: '/run', file: ORDINARY_FILE }));
  }, RUN_TIMEOUT_MS + 10_000);

  it('flows -f json: exit 0', async () => {
    const run = await trustscan(dir, ['flows', '.', '-f', 'json']);
    expect(run.status, describeRun('flows', run)).toBe(0);
    expect(() => JSON.parse(run.stdout)).not.toThrow();
  }, RUN_TIMEOUT_MS + 10_000);
});
