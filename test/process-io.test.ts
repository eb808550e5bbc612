/**
 * The CLI as a real process (bin/trustscan.js -> dist/, built by `npm test`): what happens when
 * its output cannot be written (a closed pipe, a full disk), and what it loads at start-up.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from './helpers/cli.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(repoRoot, 'bin/trustscan.js');

// Fabricated, shape-correct credential (not a real key): one critical finding, so the scan exits 1.
const STRIPE_KEY = 'sk_live_9fQ2mXz7LkP4wR8tYv1Nb6Hc3Jd5';
const vulnerableProject = () => makeProject({ 'src/config.ts': `export const stripe = { apiKey: '${STRIPE_KEY}' };\n` });

/** Many findings: a JSON report far larger than a pipe's buffer (64 KiB on Linux). */
function bigProject(): string {
  const files: Record<string, string> = {};
  for (let index = 0; index < 150; index++) files[`src/config-${index}.ts`] = `export const stripe${index} = { apiKey: '${STRIPE_KEY}' };\n`;
  return makeProject(files);
}

const STACK_TRACE = /\n\s+at .+[:(]\d+/;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with stdout going to a reader that hangs up: at once, or after `readBytes`. */
function runWithClosingReader(args: string[], cwd: string, readBytes: number): Promise<Run & { bytesRead: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    let bytesRead = 0;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    if (readBytes === 0) child.stdout.destroy();
    else {
      child.stdout.on('data', (chunk: Buffer) => {
        bytesRead += chunk.length;
        if (bytesRead >= readBytes) child.stdout.destroy();
      });
    }
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: '', stderr, bytesRead }));
  });
}

function runProcess(args: string[], options: { cwd?: string; stdout?: number | 'pipe'; uid?: number; gid?: number } = {}): Run {
  const run = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
    uid: options.uid,
    gid: options.gid,
  });
  return { code: run.status, stdout: run.stdout ?? '', stderr: run.stderr ?? '' };
}

describe('a reader that hangs up (EPIPE)', () => {
  it('ends quietly with the exit code the scan would have had', async () => {
    const cwd = vulnerableProject();
    expect(runProcess(['scan', '.', '-f', 'json'], { cwd }).code).toBe(1);
    const closed = await runWithClosingReader(['scan', '.', '-f', 'json'], cwd, 0);
    expect(closed.code).toBe(1);
    expect(closed.stderr).not.toMatch(STACK_TRACE);
    expect(closed.stderr).not.toMatch(/EPIPE|Error/);
    const clean = await runWithClosingReader(['scan', '.', '-f', 'json', '--fail-on', 'none'], cwd, 0);
    expect(clean.code).toBe(0);
  });

  it('after a few bytes of a report larger than the pipe buffer (`| head -c 10`)', async () => {
    const closed = await runWithClosingReader(['scan', '.', '-f', 'json'], bigProject(), 10);
    expect(closed.bytesRead).toBeGreaterThanOrEqual(10);
    expect(closed.code).toBe(1);
    expect(closed.stderr).not.toMatch(STACK_TRACE);
    expect(closed.stderr).not.toMatch(/EPIPE/);
  });

  it.each([[['rules']], [['routes', '.']], [['flows', '.']], [['--help']]])('%j ends quietly with exit 0', async (args) => {
    const closed = await runWithClosingReader(args, vulnerableProject(), 0);
    expect(closed.code).toBe(0);
    expect(closed.stderr).not.toMatch(STACK_TRACE);
  });
});

describe.runIf(existsSync('/dev/full'))('a full disk (/dev/full: ENOSPC)', () => {
  it.each([[['scan', '.', '-f', 'json']], [['scan', '.']], [['rules']], [['routes', '.']], [['flows', '.']]])('%j: one line on stderr, exit 2', (args) => {
    const full = openSync('/dev/full', 'w');
    const run = runProcess(args, { cwd: vulnerableProject(), stdout: full });
    closeSync(full);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    const errors = run.stderr.split('\n').filter((line) => line.startsWith('trustscan'));
    expect(errors).toEqual([expect.stringMatching(/^trustscan \d+\.\d+\.\d+: cannot write stdout: no space left on device \(ENOSPC\)$/)]);
  });
});

describe('-o to a place that cannot be written', () => {
  it('is one line naming the file and the reason, exit 2 (never 1, which means findings)', async () => {
    const cwd = vulnerableProject();
    writeFileSync(path.join(cwd, 'not-a-dir'), '');
    for (const command of [['scan', '.', '-f', 'json'], ['routes', '.'], ['flows', '.']]) {
      const run = await runCli([...command, '-o', 'not-a-dir/out.json'], { cwd });
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n').at(-1)).toMatch(/^trustscan \d+\.\d+\.\d+: cannot write not-a-dir\/out\.json: not a directory \(ENOTDIR\)$/);
    }
  });
});

describe('start-up', () => {
  /**
   * Lists, at exit, every module of ts-morph or TypeScript that was loaded. Both are CommonJS, so
   * even when imported from ESM they pass through the CommonJS loader and its cache; the scanner's
   * own loader of the TypeScript bundle (lib/typescript.cjs, #typescript) does too.
   */
  const probe = `data:text/javascript,${encodeURIComponent(`
    import { createRequire } from 'node:module';
    const cache = createRequire(${JSON.stringify(bin)}).cache;
    process.on('exit', () => {
      const heavy = Object.keys(cache).filter((file) => /[\\\\/]node_modules[\\\\/](ts-morph|typescript|@ts-morph)[\\\\/]|[\\\\/]lib[\\\\/]typescript\\.cjs$/.test(file));
      process.stderr.write('HEAVY MODULES: ' + heavy.length + '\\n');
    });
  `)}`;
  const heavyModulesLoaded = (args: string[], cwd = repoRoot) => {
    const run = spawnSync(process.execPath, ['--import', probe, bin, ...args], { cwd, encoding: 'utf8' });
    const count = /HEAVY MODULES: (\d+)/.exec(run.stderr)?.[1];
    expect(count, run.stderr).toBeDefined();
    return Number(count);
  };

  it('the probe sees ts-morph when a command scans (so its zero below means something)', () => {
    expect(heavyModulesLoaded(['scan', '.', '--fail-on', 'none'], vulnerableProject())).toBeGreaterThan(0);
  });

  it.each([[['--version']], [['--help']], [['scan', '--help']], [['rules']], [['rules', '-f', 'json']], [[]]])('%j loads neither ts-morph nor TypeScript', (args) => {
    expect(heavyModulesLoaded(args)).toBe(0);
  });

  it('no static import chain from src/cli.ts reaches ts-morph or TypeScript (checks the sources, not the build)', () => {
    // Static imports only: `import type` is erased and `await import()` runs when a command needs it.
    const staticImport = /^\s*(?:import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
    const seen = new Set<string>();
    const heavy: string[] = [];
    const visit = (file: string, chain: string[]): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(staticImport)) {
        if (/^(?:ts-morph|typescript|@ts-morph\/|#typescript)/.test(specifier!)) heavy.push([...chain, file, specifier].join(' -> '));
        else if (specifier!.startsWith('.')) visit(path.resolve(path.dirname(file), specifier!.replace(/\.js$/, '.ts')), [...chain, file]);
      }
    };
    visit(path.join(repoRoot, 'src/cli.ts'), []);
    expect(seen.size).toBeGreaterThan(3);
    expect(heavy).toEqual([]);
  });

  it('the launcher answers --version and -v itself, with what the CLI says', async () => {
    const fromCli = await runCli(['--version'], { cwd: repoRoot });
    for (const flag of ['--version', '-v']) {
      const built = runProcess([flag]);
      expect(built.code).toBe(0);
      expect(built.stdout).toBe(fromCli.stdout);
    }
  });

  it('`rules` from the build lists exactly what the rules themselves say', async () => {
    const built = runProcess(['rules', '-f', 'json']);
    const fromSources = await runCli(['rules', '-f', 'json'], { cwd: repoRoot });
    expect(built.code).toBe(0);
    expect(JSON.parse(built.stdout)).toEqual(JSON.parse(fromSources.stdout));
    expect(runProcess(['rules']).stdout).toBe((await runCli(['rules'], { cwd: repoRoot })).stdout);
  });
});

describe('no command', () => {
  it('prints the help once, to stdout, and exits 0', () => {
    const run = runProcess([]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout.match(/Usage: trustscan/g)).toHaveLength(1);
    expect(run.stdout).not.toContain('outputHelp');
  });
});
