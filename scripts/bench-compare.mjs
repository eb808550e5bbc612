#!/usr/bin/env node
// Side by side: trustscan's cold full scan of a repository vs ApiPosture's route scan of it.
//
//   node scripts/bench-compare.mjs --trustscan-target <dir> --apiposture <ApiPosture's dist/index.js>
//        [--apiposture-target <dir> (same dir)] [--runs R (5)] [--json]
//
// Issue 12 asks that a cold trustscan scan of Juice Shop be no slower than ApiPosture's scan of
// it, measured side by side. Neither tool is installed or fetched by this script: pass a checkout
// of the target (e.g. juice-shop/juice-shop) and a built ApiPosture (BlagoCuljak/ApiPosture.Node.js,
// `npm ci --ignore-scripts && npm run build`, then point --apiposture at its dist/index.js).
//
// Each round runs every command once, in turn, so load on the machine hits all of them alike;
// one warm-up round (discarded), then R rounds; median wall time of the whole process. Commands:
//   trustscan scan   <dir> -f json -o <tmp> --fail-on none -q      (the figure the target is about)
//   trustscan routes <dir> -f json -o <tmp>                        (route inventory only, for reference)
//   apiposture scan  <dir> -o json -f <tmp>
// Peak RSS comes from process.resourceUsage() at exit, via a preload (--import) in each child.
// Not part of the test suite; never fails on the comparison, only when a tool fails to run.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const options = { runs: 5, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) usage(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--trustscan-target': options.target = resolve(value()); break;
      case '--apiposture-target': options.apiTarget = resolve(value()); break;
      case '--apiposture': options.apiposture = resolve(value()); break;
      case '--runs': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1) usage('--runs must be a positive integer');
        options.runs = n;
        break;
      }
      case '--json': options.json = true; break;
      case '-h': case '--help': usage(); break;
      default: usage(`unknown argument "${arg}"`);
    }
  }
  if (!options.target || !options.apiposture) usage('--trustscan-target and --apiposture are required');
  options.apiTarget ??= options.target;
  for (const path of [options.target, options.apiTarget, options.apiposture]) if (!existsSync(path)) usage(`${path} does not exist`);
  return options;
}

function usage(error) {
  const text = 'usage: node scripts/bench-compare.mjs --trustscan-target <dir> --apiposture <ApiPosture dist/index.js> [--apiposture-target <dir>] [--runs R (5)] [--json]';
  if (error) {
    process.stderr.write(`bench-compare: ${error}\n${text}\n`);
    process.exit(1);
  }
  process.stdout.write(text + '\n');
  process.exit(0);
}

// Node runs --import preloads in worker threads too (trustscan analyses on one): only the main
// thread reports, or two reports run together on fd 3 and neither parses.
const PRELOAD = `
import { writeSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
if (isMainThread) process.on('exit', () => { try { writeSync(3, JSON.stringify(process.resourceUsage())); } catch {} });
`;

function runNode(args, cwd) {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let fd3 = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdio[3].on('data', (chunk) => (fd3 += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - started;
      let usage;
      try {
        usage = fd3 ? JSON.parse(fd3) : undefined;
      } catch {
        usage = undefined;
      }
      resolvePromise({ wallMs, code, signal, stderr: stderr.trim(), usage });
    });
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function gitHead(dir) {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** The version in the nearest package.json above `file`. */
function packageVersion(file) {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8'));
      return `${name}@${version}`;
    }
  }
  return null;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const cli = join(repoRoot, 'bin', 'trustscan.js');
  if (!existsSync(join(repoRoot, 'dist', 'cli.js'))) throw new Error('dist/cli.js not found; run `npm run build` first');

  const tmp = mkdtempSync(join(os.tmpdir(), 'trustscan-compare-'));
  try {
    const preload = join(tmp, 'preload.mjs');
    writeFileSync(preload, PRELOAD);
    const withPreload = (args) => ['--import', pathToFileURL(preload).href, ...args];
    const commands = [
      {
        id: 'trustscanScan',
        label: 'trustscan scan (cold, all rules)',
        args: withPreload([cli, 'scan', options.target, '-f', 'json', '-o', join(tmp, 'trustscan-scan.json'), '--fail-on', 'none', '-q']),
        output: join(tmp, 'trustscan-scan.json'),
      },
      {
        id: 'trustscanRoutes',
        label: 'trustscan routes (inventory only)',
        args: withPreload([cli, 'routes', options.target, '-f', 'json', '-o', join(tmp, 'trustscan-routes.json')]),
        output: join(tmp, 'trustscan-routes.json'),
      },
      {
        id: 'apiposture',
        label: 'ApiPosture scan',
        args: withPreload([options.apiposture, 'scan', options.apiTarget, '-o', 'json', '-f', join(tmp, 'apiposture.json')]),
        output: join(tmp, 'apiposture.json'),
      },
    ];

    const results = Object.fromEntries(commands.map((c) => [c.id, []]));
    for (let round = 0; round <= options.runs; round++) {
      for (const command of commands) {
        const run = await runNode(command.args, tmp);
        if (run.code !== 0) throw new Error(`${command.label} exited with ${run.signal ?? run.code}:\n${run.stderr.slice(0, 2000)}`);
        if (round > 0) results[command.id].push(run);
      }
    }

    const scanReport = JSON.parse(readFileSync(commands[0].output, 'utf8'));
    const routesReport = JSON.parse(readFileSync(commands[1].output, 'utf8'));
    const apiReport = JSON.parse(readFileSync(commands[2].output, 'utf8'));
    const summary = (id) => {
      const runs = results[id];
      const rss = runs.map((r) => (r.usage ? r.usage.maxRSS / 1024 : NaN)).filter(Number.isFinite);
      return {
        medianSeconds: Number((median(runs.map((r) => r.wallMs)) / 1000).toFixed(3)),
        runsSeconds: runs.map((r) => Number((r.wallMs / 1000).toFixed(3))),
        peakRssMiB: rss.length ? Number(Math.max(...rss).toFixed(1)) : null,
      };
    };
    const figures = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, node: process.version, loadAverage: os.loadavg().map((n) => Number(n.toFixed(2))) },
      trustscan: { commit: gitHead(repoRoot), version: packageVersion(cli) },
      apiposture: { version: packageVersion(options.apiposture), cli: options.apiposture },
      target: { trustscan: options.target, apiposture: options.apiTarget, commit: gitHead(options.target) },
      runs: options.runs,
      trustscanScan: { ...summary('trustscanScan'), filesScanned: scanReport.stats?.filesScanned, linesScanned: scanReport.stats?.linesScanned, findings: scanReport.findings?.length },
      trustscanRoutes: { ...summary('trustscanRoutes'), routes: routesReport.routes?.length },
      apiposture: { ...summary('apiposture'), filesScanned: apiReport.scanInfo?.filesScanned, endpoints: apiReport.summary?.totalEndpoints, findings: apiReport.summary?.totalFindings },
    };
    figures.ratioScanToApiposture = Number((figures.trustscanScan.medianSeconds / figures.apiposture.medianSeconds).toFixed(2));
    figures.ratioRoutesToApiposture = Number((figures.trustscanRoutes.medianSeconds / figures.apiposture.medianSeconds).toFixed(2));
    figures.verdict = figures.ratioScanToApiposture <= 1 ? 'OK' : 'OVER';

    if (options.json) {
      process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
      return;
    }
    const secs = (s) => `${s.medianSeconds.toFixed(2)} s  (runs: ${s.runsSeconds.map((n) => n.toFixed(2)).join(', ')}; peak RSS ${s.peakRssMiB?.toFixed(0) ?? '?'} MiB)`;
    const rows = [
      ['target', `${options.target}${figures.target.commit ? ` @ ${figures.target.commit}` : ''}`],
      ['trustscan', `${figures.trustscan.version ?? '?'}${figures.trustscan.commit ? ` @ ${figures.trustscan.commit}` : ''}`],
      ['ApiPosture', `${figures.apiposture.version ?? '?'} (${options.apiposture})`],
      ['machine', `${figures.machine.cpus} x ${figures.machine.cpuModel}, node ${figures.machine.node}, load ${figures.machine.loadAverage.join(' ')}`],
      ['rounds', `${options.runs} + 1 warm-up, commands interleaved`],
      ['trustscan scan', secs(figures.trustscanScan)],
      ['', `${figures.trustscanScan.filesScanned} files, ${figures.trustscanScan.linesScanned} lines, ${figures.trustscanScan.findings} findings`],
      ['trustscan routes', secs(figures.trustscanRoutes)],
      ['', `${figures.trustscanRoutes.routes} routes`],
      ['ApiPosture scan', secs(figures.apiposture)],
      ['', `${figures.apiposture.filesScanned} files, ${figures.apiposture.endpoints} endpoints, ${figures.apiposture.findings} findings`],
      ['scan / ApiPosture', `${figures.ratioScanToApiposture.toFixed(2)}x  target <= 1.0x  ${figures.verdict}`],
      ['routes / ApiPosture', `${figures.ratioRoutesToApiposture.toFixed(2)}x  (reference)`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    process.stdout.write(rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n') + '\n');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`bench-compare: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
