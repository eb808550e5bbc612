import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const loader = fileURLToPath(new URL('../lib/typescript.cjs', import.meta.url));
const owner = typeof process.getuid === 'function' ? String(process.getuid()) : undefined;

/** Loads lib/typescript.cjs in a fresh Node with TMPDIR pointed at `temp`, and parses one line with it. */
function loadIn(temp: string, env: Record<string, string> = {}) {
  const script = `const { ts } = require(${JSON.stringify(loader)}); const f = ts.createSourceFile('a.ts', 'const a: number = 1', ts.ScriptTarget.Latest, true); process.stdout.write(ts.SyntaxKind[f.statements[0].kind]);`;
  return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, TMPDIR: temp, ...env } });
}

const temps: string[] = [];
const freshTemp = () => {
  const temp = mkdtempSync(join(tmpdir(), 'trustscan-cc-test-'));
  temps.push(temp);
  return temp;
};
afterEach(() => {
  for (const temp of temps.splice(0)) rmSync(temp, { recursive: true, force: true });
});

// The code cache of the TypeScript bundle (lib/typescript.cjs): code, so only in a folder of the
// user's own, closed to others; a stale or corrupt cache is rejected by V8 and rewritten.
describe.skipIf(owner === undefined)('TypeScript compile cache', () => {
  const folderIn = (temp: string) => join(temp, `trustscan-compile-cache-${owner}`);

  it('is written on first load, in a folder only the user can open, and read on the next', () => {
    const temp = freshTemp();
    const first = loadIn(temp);
    expect(first.stdout, first.stderr).toBe('FirstStatement');
    const folder = folderIn(temp);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    const [entry, ...rest] = readdirSync(folder);
    expect(rest).toEqual([]);
    expect(entry).toMatch(/^typescript-[0-9a-f]{32}\.v8$/);
    expect(statSync(join(folder, entry!)).mode & 0o777).toBe(0o600);
    const written = statSync(join(folder, entry!)).mtimeMs;
    const second = loadIn(temp);
    expect(second.stdout, second.stderr).toBe('FirstStatement');
    // Accepted, so not rewritten.
    expect(statSync(join(folder, entry!)).mtimeMs).toBe(written);
  }, 30_000);

  it('a corrupt cache file is rejected and replaced, and the compiler still loads', () => {
    const temp = freshTemp();
    expect(loadIn(temp).stdout).toBe('FirstStatement');
    const folder = folderIn(temp);
    const [entry] = readdirSync(folder);
    writeFileSync(join(folder, entry!), 'not a code cache');
    const again = loadIn(temp);
    expect(again.stdout, again.stderr).toBe('FirstStatement');
    expect(statSync(join(folder, entry!)).size).toBeGreaterThan(100_000);
  }, 30_000);

  it('a folder others can write to is neither read nor written', () => {
    const temp = freshTemp();
    const folder = folderIn(temp);
    mkdirSync(folder);
    chmodSync(folder, 0o777);
    const result = loadIn(temp);
    expect(result.stdout, result.stderr).toBe('FirstStatement');
    expect(readdirSync(folder)).toEqual([]);
  }, 30_000);

  it('NODE_DISABLE_COMPILE_CACHE turns it off', () => {
    const temp = freshTemp();
    const result = loadIn(temp, { NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(result.stdout, result.stderr).toBe('FirstStatement');
    expect(readdirSync(temp)).toEqual([]);
  }, 30_000);
});

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const bin = join(repoRoot, 'bin/trustscan.js');

/** The CLI as a user runs it, with TMPDIR (where the code cache folder lives) pointed at `temp`. */
function cliIn(temp: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', TMPDIR: temp, ...env } });
}

// The analysis thread of a built package runs the bundled engine (scripts/build-bundle.mjs) through
// lib/analysis-worker.cjs, which keeps the code compiled during a scan for the next one.
describe.skipIf(owner === undefined)('bundled analysis thread', () => {
  const folderIn = (temp: string) => join(temp, `trustscan-compile-cache-${owner}`);
  const analysisCaches = (temp: string) => readdirSync(folderIn(temp)).filter((file) => file.startsWith('analysis-'));
  const scanDemo = (temp: string, env: Record<string, string> = {}) => cliIn(temp, ['scan', 'examples/demo', '-f', 'json', '--fail-on', 'none', '-q'], env);

  it('is what the CLI runs: a scan caches its compiled code, and the next scan reads it and reports the same', () => {
    expect(existsSync(join(repoRoot, 'dist/bundle/analysis-worker.cjs'))).toBe(true);
    const temp = freshTemp();
    const first = scanDemo(temp);
    expect(first.status, first.stderr).toBe(0);
    const [cache, ...others] = analysisCaches(temp);
    expect(others).toEqual([]);
    expect(cache).toMatch(/^analysis-[0-9a-f]{32}\.v8$/);
    const written = statSync(join(folderIn(temp), cache!)).mtimeMs;
    const second = scanDemo(temp);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(statSync(join(folderIn(temp), cache!)).mtimeMs).toBe(written);
    // The same findings as the engine's modules give unbundled (the Node API runs those).
    const unbundled = spawnSync(process.execPath, ['--input-type=module', '-e', `
      const { scan } = await import(${JSON.stringify(join(repoRoot, 'dist/index.js'))});
      const { result } = await scan({ cwd: ${JSON.stringify(repoRoot)}, paths: ['examples/demo'] });
      process.stdout.write(JSON.stringify(result.findings.map((finding) => [finding.ruleId, finding.file, finding.line, finding.message])));`], { encoding: 'utf8' });
    expect(unbundled.status, unbundled.stderr).toBe(0);
    const bundled = (JSON.parse(first.stdout) as { findings: Array<{ ruleId: string; file: string; line: number; message: string }> }).findings.map((finding) => [finding.ruleId, finding.file, finding.line, finding.message]);
    expect(bundled.length).toBeGreaterThan(10);
    expect(bundled).toEqual(JSON.parse(unbundled.stdout));
  }, 60_000);

  it('a usage error caches nothing (a cache once accepted is never rewritten, so it must come from a whole run)', () => {
    const temp = freshTemp();
    const bad = cliIn(temp, ['scan', 'examples/demo', '--fail-on', 'sometimes']);
    expect(bad.status).toBe(2);
    expect(existsSync(folderIn(temp)) ? analysisCaches(temp) : []).toEqual([]);
  }, 30_000);

  it('a corrupt cache is rejected and replaced, and the scan still reports the same', () => {
    const temp = freshTemp();
    const first = scanDemo(temp);
    const [cache] = analysisCaches(temp);
    writeFileSync(join(folderIn(temp), cache!), 'not a code cache');
    const again = scanDemo(temp);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toBe(first.stdout);
    expect(statSync(join(folderIn(temp), cache!)).size).toBeGreaterThan(100_000);
  }, 60_000);

  it('keeps the newest four caches of a name: every build of the engine is a new one', () => {
    const temp = freshTemp();
    const folder = folderIn(temp);
    mkdirSync(folder, { mode: 0o700 });
    for (let build = 0; build < 6; build++) {
      const file = join(folder, `analysis-${String(build).repeat(32)}.v8`);
      writeFileSync(file, 'an older build', { mode: 0o600 });
      utimesSync(file, 1_000_000 + build, 1_000_000 + build);
    }
    writeFileSync(join(folder, 'typescript-0123.v8'), 'another name', { mode: 0o600 });
    expect(scanDemo(temp).status).toBe(0);
    const left = readdirSync(folder).sort();
    expect(left.filter((file) => file.startsWith('analysis-'))).toHaveLength(4);
    // The new one and the three most recent older ones; other names are not touched.
    expect(left).toContain(`analysis-${'5'.repeat(32)}.v8`);
    expect(left).not.toContain(`analysis-${'2'.repeat(32)}.v8`);
    expect(left).toContain('typescript-0123.v8');
  }, 30_000);
});
