/**
 * The packed npm package as users get it: `npm pack`, the tarball placed in an empty project's
 * node_modules, then the CLI, the Node API (`import { scan, listRoutes, analyzeFlows } from
 * 'trustscan'`, through package.json "exports") and its type declarations (tsc, NodeNext).
 *
 * Offline: an `npm install` of the tarball would fetch its dependencies from the registry (the npm
 * cache here does not hold them all), so the tarball is unpacked into node_modules/trustscan and
 * each dependency it declares is linked to this repository's installed copy, as npm would place it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const workDir = mkdtempSync(path.join(tmpdir(), 'trustscan-pack-'));
const consumer = path.join(workDir, 'consumer');
const installed = path.join(consumer, 'node_modules/trustscan');
let packedFiles: string[] = [];
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

beforeAll(() => {
  // --ignore-scripts: `npm test` has just built dist/, and prepack would rebuild it.
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', workDir], { cwd: repoRoot, stdio: 'pipe' });
  const tarball = path.join(workDir, readdirSync(workDir).find((name) => name.endsWith('.tgz'))!);
  packedFiles = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean).map((name) => name.replace(/^package\//, ''));
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const dependency of Object.keys(manifest.dependencies)) {
    const link = path.join(consumer, 'node_modules', dependency);
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(path.join(repoRoot, 'node_modules', dependency), link, 'dir');
  }
  writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  mkdirSync(path.join(consumer, 'src'));
  writeFileSync(path.join(consumer, 'src/config.ts'), "export const stripeKey = 'sk_live_9fQ2mXz7LkP4wR8tYv1Nb6Hc3Jd5';\n");
  writeFileSync(
    path.join(consumer, 'src/app.ts'),
    "import express from 'express';\nconst app = express();\napp.get('/health', (req, res) => res.json({ ok: true }));\n",
  );
}, 120_000);

const env = { ...process.env, NO_COLOR: '1' };

describe('npm pack', () => {
  it('ships the CLI, the compiled API with its types, the schemas, the rule docs and the licence, not the action', () => {
    for (const file of ['LICENSE', 'README.md', 'package.json', 'bin/trustscan.js', 'dist/index.js', 'dist/index.d.ts', 'schema/scan-result.schema.json', 'docs/rules/sql-injection.md', 'docs/github-action.md']) {
      expect(packedFiles).toContain(file);
    }
    expect(packedFiles.filter((file) => file.startsWith('dist/action/') || file.startsWith('action/') || file.startsWith('src/'))).toEqual([]);
  });

  it('runs the CLI from the package', () => {
    const bin = path.join(installed, JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')).bin.trustscan);
    const version = spawnSync(process.execPath, [bin, '--version'], { cwd: consumer, encoding: 'utf8', env });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const run = spawnSync(process.execPath, [bin, 'scan', 'src', '-f', 'json'], { cwd: consumer, encoding: 'utf8', env });
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout).findings.map((f: { ruleId: string; file: string }) => `${f.ruleId} ${f.file}`)).toEqual(['hardcoded-secret src/config.ts']);
  }, 60_000);

  it('imports { scan, listRoutes, analyzeFlows } from "trustscan" through the exports map', () => {
    const script = [
      "import { scan, listRoutes, analyzeFlows, version } from 'trustscan';",
      "const { result } = await scan({ paths: ['src'] });",
      "const inventory = await listRoutes({ paths: ['src'] });",
      'const flows = await analyzeFlows();',
      'console.log(JSON.stringify({ version, findings: result.findings.map((f) => f.ruleId + " " + f.file), routes: inventory.routes.map((r) => r.method + " " + r.path + " " + r.auth), routesSchema: inventory.schemaVersion, flowsSchema: flows.schemaVersion, flows: flows.flows.length }));',
    ].join('\n');
    writeFileSync(path.join(consumer, 'api.mjs'), script);
    const api = spawnSync(process.execPath, ['api.mjs'], { cwd: consumer, encoding: 'utf8', env });
    expect(api.status, api.stderr).toBe(0);
    expect(JSON.parse(api.stdout)).toEqual({ version: '0.1.0', findings: ['hardcoded-secret src/config.ts'], routes: ['GET /health public'], routesSchema: '1.0.0', flowsSchema: '1.0.0', flows: 0 });
    // Only the exports map's entries resolve: internals stay internal.
    const internal = spawnSync(process.execPath, ['--input-type=module', '-e', "await import('trustscan/dist/cli.js')"], { cwd: consumer, encoding: 'utf8', env });
    expect(internal.status).not.toBe(0);
    expect(internal.stderr).toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
  }, 120_000);

  it('type-checks a TypeScript consumer against the shipped declarations (NodeNext)', () => {
    writeFileSync(
      path.join(consumer, 'typed.ts'),
      [
        "import { scan, listRoutes, analyzeFlows, type Finding, type RouteInventory, type FlowAnalysis, type ScanOptions } from 'trustscan';",
        "const options: ScanOptions = { paths: ['src'], include: ['**/*.ts'], onlyRules: ['hardcoded-secret'] };",
        'const findings: Finding[] = (await scan(options)).result.findings;',
        "const severities: Array<'critical' | 'high' | 'medium' | 'low'> = findings.map((finding) => finding.severity);",
        'const routes: RouteInventory = await listRoutes(options);',
        'const auth: string[] = routes.routes.map((route) => route.auth);',
        'const flows: FlowAnalysis = await analyzeFlows(options);',
        'const verdicts: string[] = flows.steps.map((step) => step.verdict);',
        'console.log(severities, auth, verdicts);',
        // skipLibCheck (checking every dependency's declarations takes a minute): a type the
        // declarations fail to resolve would then be any, which these lines refuse.
        'type IsAny<T> = 0 extends 1 & T ? true : false;',
        'const resolved: [IsAny<Finding>, IsAny<RouteInventory>, IsAny<FlowAnalysis>, IsAny<ScanOptions>] = [false, false, false, false];',
        'console.log(resolved);',
        '// @ts-expect-error an unknown option is a type error',
        "await scan({ path: 'src' });",
      ].join('\n'),
    );
    writeFileSync(path.join(consumer, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [path.join(repoRoot, 'node_modules/@types')] }, files: ['typed.ts'] }));
    const tsc = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: consumer, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    expect(existsSync(path.join(installed, 'dist/index.d.ts'))).toBe(true);
  }, 120_000);
});
