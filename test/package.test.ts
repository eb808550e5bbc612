/**
 * The packed npm package works as users get it: `npm pack`, install the tarball into an empty
 * project, run `npx trustscan`. Needs only the npm registry (for the package's dependencies).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const workDir = mkdtempSync(path.join(tmpdir(), 'trustscan-pack-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('npm pack', () => {
  it('produces a package whose `npx trustscan` scans a project', () => {
    // --ignore-scripts: `npm test` has just built dist/, and prepack would rebuild it.
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', workDir], { cwd: repoRoot, stdio: 'pipe' });
    const tarball = readdirSync(workDir).find((name) => name.endsWith('.tgz'));
    expect(tarball).toBeDefined();

    const consumer = path.join(workDir, 'consumer');
    execFileSync('mkdir', ['-p', path.join(consumer, 'src')]);
    writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    writeFileSync(
      path.join(consumer, 'src/config.ts'),
      "export const stripeKey = 'sk_live_9fQ2mXz7LkP4wR8tYv1Nb6Hc3Jd5';\n",
    );
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(workDir, tarball!)], {
      cwd: consumer,
      stdio: 'pipe',
    });

    const env = { ...process.env, NO_COLOR: '1' };
    const version = spawnSync('npx', ['--no-install', 'trustscan', '--version'], { cwd: consumer, encoding: 'utf8', env });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);

    const run = spawnSync('npx', ['--no-install', 'trustscan', 'scan', 'src', '-f', 'json'], { cwd: consumer, encoding: 'utf8', env });
    expect(run.status).toBe(1);
    const result = JSON.parse(run.stdout);
    expect(result.findings.map((f: { ruleId: string; file: string }) => `${f.ruleId} ${f.file}`)).toEqual([
      'hardcoded-secret src/config.ts',
    ]);

    // The Node API: package.json "main" (dist/index.js) with its types.
    const script = "const { scan } = await import('trustscan'); const { result } = await scan({ cwd: process.cwd(), paths: ['src'] }); console.log(JSON.stringify(result.findings.map((f) => f.ruleId + ' ' + f.file)));";
    const api = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: consumer, encoding: 'utf8', env });
    expect(api.status, api.stderr).toBe(0);
    expect(JSON.parse(api.stdout)).toEqual(['hardcoded-secret src/config.ts']);
    expect(readdirSync(path.join(consumer, 'node_modules/trustscan/dist'))).toContain('index.d.ts');
  }, 240_000);
});
