/**
 * The committed action bundle (action/dist, `npm run build:action`) as the runner runs it: a
 * separate Node process with INPUT_* and GITHUB_* variables, in a workspace with a finding. And
 * that it is the bundle of this checkout (the check rebuilds from dist/, which `npm test` builds).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeProject } from './helpers/cli.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const action = parse(readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown>; outputs: Record<string, unknown>; runs: { using: string; main: string } };
const bundleMain = path.join(repoRoot, action.runs.main);
const runner = mkdtempSync(path.join(tmpdir(), 'trustscan-runner-'));
afterAll(() => rmSync(runner, { recursive: true, force: true }));

describe('action.yml', () => {
  it('runs its own bundle with Node, never a package from a registry', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'action/dist/main.js' });
    expect(readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')).not.toMatch(/\bnpx\b|npm (?:ci|install|exec)/);
    expect(Object.keys(action.inputs).sort()).toEqual(['baseline', 'changed-since', 'config', 'fail-on', 'paths', 'sarif-file']);
    expect(Object.keys(action.outputs).sort()).toEqual(['exit-code', 'new-findings', 'sarif-file']);
  });
});

describe.runIf(existsSync(bundleMain))('the committed action bundle', () => {
  it('scans a workspace as the runner runs it: SARIF, annotation, summary, outputs, exit 1', () => {
    const workspace = makeProject({ 'src/config.ts': "export const stripe = { apiKey: 'sk_live_9fQ2mXz7LkP4wR8tYv1Nb6Hc3Jd5' };\n" });
    const env = {
      PATH: process.env.PATH ?? '',
      GITHUB_OUTPUT: path.join(runner, 'output'),
      GITHUB_STEP_SUMMARY: path.join(runner, 'summary.md'),
      GITHUB_EVENT_NAME: 'push',
      INPUT_PATHS: 'src',
      'INPUT_FAIL-ON': 'high',
      'INPUT_SARIF-FILE': 'out/trustscan.sarif',
    };
    const run = spawnSync(process.execPath, [bundleMain], { cwd: workspace, env, encoding: 'utf8' });
    expect(run.status, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/^::error file=src\/config\.ts,line=1,.*title=trustscan hardcoded-secret \(critical\)::Hardcoded Stripe live secret key/m);
    expect(JSON.parse(readFileSync(path.join(workspace, 'out/trustscan.sarif'), 'utf8')).runs[0].results).toHaveLength(1);
    expect(readFileSync(env.GITHUB_OUTPUT, 'utf8')).toMatch(/^exit-code<<(ghadelimiter_[0-9a-f]{32})\n1\n\1\n/);
    expect(readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8')).toContain('**1 new finding at or above `high`**');
  }, 60_000);

  it('is the bundle of this checkout (npm run build:action was run after the last change)', () => {
    const check = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/build-action.mjs'), '--check'], { cwd: repoRoot, encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  }, 120_000);
});
