import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatJson } from '../src/reporters/json.js';
import { scan } from '../src/index.js';
import { makeProject } from './helpers/cli.js';

// A Stripe-shaped key assembled at run time, so this repository holds no secret-shaped literal.
const STRIPE_KEY = ['sk', 'live', '4eC39HqLyjWDarjtT1zdp7dc'].join('_');

const ROUTE = [
  "import express from 'express';",
  "import { runReport } from './reports.js';",
  'const app = express();',
  "app.get('/report', (req, res) => {",
  '  runReport(req.query.name as string);',
  "  res.send('ok');",
  '});',
  '',
].join('\n');
const UNSAFE_CALLEE = ["import { exec } from 'child_process';", 'export function runReport(name: string) {', '  exec(`report ${name}`);', '}', ''].join('\n');
const SAFE_CALLEE = ["import { execFile } from 'child_process';", 'export function runReport(name: string) {', "  execFile('report', ['--name', String(name).replace(/[^a-z]/g, '')]);", '}', ''].join('\n');

function project(): string {
  return makeProject({
    'package.json': JSON.stringify({ dependencies: { express: '4' } }),
    'src/app.ts': ROUTE,
    'src/reports.ts': UNSAFE_CALLEE,
    'src/config.ts': `export const stripe = '${STRIPE_KEY}';\n`,
  });
}

const scanWith = (dir: string, extra: { cache?: boolean } = { cache: true }) =>
  scan({ cwd: dir, paths: ['.'], recordDuration: true, ...(extra.cache ? { cache: { location: path.join(dir, '.cache') } } : {}) });

/** JSON output without the timing figures, to compare cached and uncached runs byte for byte. */
const json = (result: Awaited<ReturnType<typeof scan>>['result']) => formatJson({ ...result, stats: { ...result.stats, durationMs: undefined, phaseMs: undefined } });
const rulesOf = (result: Awaited<ReturnType<typeof scan>>['result']) => result.findings.map((finding) => `${finding.ruleId} ${finding.file}:${finding.line}`);
const wasHit = (result: Awaited<ReturnType<typeof scan>>['result']) => result.stats.phaseMs?.cache !== undefined;

describe('scan cache (--cache)', () => {
  it('reuses the whole result when nothing changed, byte-identical to a scan without cache', async () => {
    const dir = project();
    const cold = await scanWith(dir);
    expect(wasHit(cold.result)).toBe(false);
    expect(rulesOf(cold.result)).toEqual(['hardcoded-secret src/config.ts:1', 'command-injection src/reports.ts:3']);
    const warm = await scanWith(dir);
    expect(wasHit(warm.result)).toBe(true);
    expect(json(warm.result)).toBe(json(cold.result));
    expect(json(warm.result)).toBe(json((await scanWith(dir, {})).result));
  });

  it('editing a callee in another file clears, then brings back, its caller\'s finding', async () => {
    const dir = project();
    await scanWith(dir);
    writeFileSync(path.join(dir, 'src/reports.ts'), SAFE_CALLEE);
    const fixed = await scanWith(dir);
    expect(wasHit(fixed.result)).toBe(false);
    expect(rulesOf(fixed.result)).toEqual(['hardcoded-secret src/config.ts:1']);
    writeFileSync(path.join(dir, 'src/reports.ts'), UNSAFE_CALLEE);
    const broken = await scanWith(dir);
    expect(rulesOf(broken.result)).toEqual(['hardcoded-secret src/config.ts:1', 'command-injection src/reports.ts:3']);
    // Unchanged files' file-local reports came from the cache; the result is what a fresh scan says.
    expect(json(broken.result)).toBe(json((await scanWith(dir, {})).result));
  });

  it('a file-local rule\'s reports are reused for unchanged files and recomputed for changed ones', async () => {
    const dir = project();
    await scanWith(dir);
    writeFileSync(path.join(dir, 'src/other.ts'), `export const second = '${STRIPE_KEY.replace('4eC', '9zQ')}';\n`);
    const after = await scanWith(dir);
    expect(wasHit(after.result)).toBe(false);
    expect(rulesOf(after.result)).toEqual(['hardcoded-secret src/config.ts:1', 'hardcoded-secret src/other.ts:1', 'command-injection src/reports.ts:3']);
    writeFileSync(path.join(dir, 'src/config.ts'), 'export const stripe = process.env.STRIPE_KEY;\n');
    const removed = await scanWith(dir);
    expect(rulesOf(removed.result)).toEqual(['hardcoded-secret src/other.ts:1', 'command-injection src/reports.ts:3']);
  });

  it('a tsconfig outside the scanned paths is an input: changing it is a miss', async () => {
    const dir = makeProject({
      'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@lib/*': ['src/lib/*'] } } }),
      'package.json': JSON.stringify({ dependencies: { express: '4' } }),
      'src/app.ts': ROUTE.replace("'./reports.js'", "'@lib/reports'"),
      'src/lib/reports.ts': UNSAFE_CALLEE,
    });
    const scanSrc = () => scan({ cwd: dir, paths: ['src'], recordDuration: true, cache: { location: path.join(dir, '.cache') } });
    expect(rulesOf((await scanSrc()).result)).toEqual(['command-injection src/lib/reports.ts:3']);
    expect(wasHit((await scanSrc()).result)).toBe(true);
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@lib/*': ['elsewhere/*'] } } }));
    const changed = await scanSrc();
    expect(wasHit(changed.result)).toBe(false);
  });

  it('a corrupted or foreign cache file is ignored with a warning, never trusted, and rewritten', async () => {
    const dir = project();
    const cold = await scanWith(dir);
    const cacheDir = path.join(dir, '.cache');
    const [cacheFile] = readdirSync(cacheDir);
    const cachePath = path.join(cacheDir, cacheFile!);
    const original = readFileSync(cachePath, 'utf8');

    // Tampered: findings removed from the body, checksum left as it was.
    writeFileSync(cachePath, original.replace(/"findings":\[.*?\],"warnings"/s, '"findings":[],"warnings"'));
    const tampered = await scanWith(dir);
    expect(wasHit(tampered.result)).toBe(false);
    expect(tampered.result.warnings.map((warning) => warning.code)).toContain('cache-ignored');
    expect(rulesOf(tampered.result)).toEqual(rulesOf(cold.result));

    // Rewritten by that scan: the next one is a hit again, without the warning.
    const again = await scanWith(dir);
    expect(wasHit(again.result)).toBe(true);
    expect(again.result.warnings).toEqual(cold.result.warnings);

    for (const garbage of ['not json at all', '{"checksum":"0"}\n{}\n', '\u0000\u0001binary', '']) {
      writeFileSync(cachePath, garbage);
      const run = await scanWith(dir);
      expect(wasHit(run.result)).toBe(false);
      expect(rulesOf(run.result)).toEqual(rulesOf(cold.result));
    }
  });

  it('changing config or the rules that run is a miss', async () => {
    const dir = project();
    await scanWith(dir);
    const only = await scan({ cwd: dir, paths: ['.'], recordDuration: true, onlyRules: ['hardcoded-secret'], cache: { location: path.join(dir, '.cache') } });
    expect(wasHit(only.result)).toBe(false);
    expect(rulesOf(only.result)).toEqual(['hardcoded-secret src/config.ts:1']);
    writeFileSync(path.join(dir, 'trustscan.config.json'), JSON.stringify({ rules: { 'hardcoded-secret': 'off' } }));
    const configured = await scanWith(dir);
    expect(wasHit(configured.result)).toBe(false);
    expect(rulesOf(configured.result)).toEqual(['command-injection src/reports.ts:3']);
  });
});
