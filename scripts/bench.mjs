#!/usr/bin/env node
// npm run bench [-- --files N] [-- --json] [-- --runs R] [-- --seed S] [-- --parse-only]
//
// Generates a deterministic synthetic API into a temp dir, then times, each in its own child
// process (whole-process wall time, median of R runs after one warm-up):
//   (a) the floor: read every file and ts.createSourceFile it, nothing else;
//   (b) the full scan: the CLI's `scan <dir> -f json -o /dev/null --fail-on none --quiet`.
// The 2.0x scan/parse target is informational: OVER never changes the exit code. Exit 1 only
// when something is broken (the CLI failed, dist/ is missing, bad arguments).

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateApi } from './generate-api.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET_RATIO = 2.0;

function parseArgs(argv) {
  const options = { files: 500, runs: 3, seed: 42, json: false, parseOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) usage(`${flag} needs a value`);
      return v;
    };
    const positiveInt = (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) usage(`${flag} must be a positive integer, got "${v}"`);
      return n;
    };
    switch (flag) {
      case '--files': options.files = positiveInt(value()); break;
      case '--runs': options.runs = positiveInt(value()); break;
      case '--seed': options.seed = positiveInt(value()); break;
      case '--json': options.json = true; break;
      case '--parse-only': options.parseOnly = true; break;
      case '-h': case '--help': usage(); break;
      default: usage(`unknown argument "${arg}"`);
    }
  }
  return options;
}

function usage(error) {
  const text = 'usage: node scripts/bench.mjs [--files N (500)] [--runs R (3)] [--seed S (42)] [--json] [--parse-only]';
  if (error) {
    process.stderr.write(`bench: ${error}\n${text}\n`);
    process.exit(1);
  }
  process.stdout.write(text + '\n');
  process.exit(0);
}

// The floor. ts-morph is imported by absolute URL because this script lives in a temp dir,
// outside the repo's node_modules resolution; it is the same module the scanner loads.
const tsMorphUrl = pathToFileURL(createRequire(import.meta.url).resolve('ts-morph')).href;
const PARSE_CHILD = `
import { readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ts } from ${JSON.stringify(tsMorphUrl)};
process.on('exit', () => writeSync(3, JSON.stringify(process.resourceUsage())));
const dir = process.argv[2];
let nodes = 0;
for (const name of readdirSync(dir, { recursive: true })) {
  if (!/\\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/.test(name) || name.endsWith('.d.ts')) continue;
  const text = readFileSync(join(dir, name), 'utf8');
  const sourceFile = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
  nodes += sourceFile.statements.length;
}
if (nodes === 0) throw new Error('parsed nothing in ' + dir);
`;

// Same as bin/trustscan.js plus the resource report on fd 3 (both children do this, at exit, so
// it covers the whole run and survives a process.exit() inside the CLI).
const scanChild = (cliUrl) => `
import { writeSync } from 'node:fs';
process.on('exit', () => writeSync(3, JSON.stringify(process.resourceUsage())));
const { runCli } = await import(${JSON.stringify(cliUrl)});
await runCli(process.argv.slice(2));
`;

/** Runs node with args; resolves with wall ms, exit code, stderr and the child's resourceUsage. */
function runNode(args, { cwd = repoRoot, usageOnFd3 = true } = {}) {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'ignore', 'pipe', ...(usageOnFd3 ? ['pipe'] : [])],
    });
    let stderr = '';
    let fd3 = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    if (usageOnFd3) child.stdio[3].on('data', (chunk) => (fd3 += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - started;
      const usage = fd3 ? JSON.parse(fd3) : undefined;
      resolvePromise({ wallMs, code: code ?? (signal ? 128 : 1), signal, stderr: stderr.trim(), usage });
    });
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** maxRSS is in KiB on Linux and macOS (Node normalizes it). */
const mib = (usage) => (usage ? usage.maxRSS / 1024 : NaN);

async function measure(label, args, runs, check, warmUp = () => runNode(args)) {
  check(await warmUp(), `${label} (warm-up)`);
  const results = [];
  for (let i = 0; i < runs; i++) {
    const result = await runNode(args);
    check(result, `${label} (run ${i + 1})`);
    results.push(result);
  }
  const walls = results.map((r) => r.wallMs);
  return {
    medianMs: median(walls),
    runsMs: walls,
    peakRssMiB: Math.max(...results.map((r) => mib(r.usage))),
  };
}

function failIfBroken(result, label) {
  if (result.code !== 0) {
    throw new Error(`${label} exited with ${result.signal ?? result.code}${result.stderr ? `:\n${result.stderr}` : ''}`);
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const cliPath = join(repoRoot, 'dist', 'cli.js');
  if (!options.parseOnly && !existsSync(cliPath)) {
    throw new Error(`${cliPath} not found; run \`npm run build\` first (npm run bench does)`);
  }

  const corpusDir = mkdtempSync(join(os.tmpdir(), 'trustscan-bench-api-'));
  // Helper scripts live outside the corpus so they are neither scanned nor parsed.
  const toolsDir = mkdtempSync(join(os.tmpdir(), 'trustscan-bench-tools-'));
  try {
    const generated = generateApi(corpusDir, { files: options.files, seed: options.seed });
    const parseScript = join(toolsDir, 'parse.mjs');
    const scanScript = join(toolsDir, 'scan.mjs');
    writeFileSync(parseScript, PARSE_CHILD);
    writeFileSync(scanScript, scanChild(pathToFileURL(cliPath).href));

    if (!options.json) {
      process.stdout.write(`trustscan bench: ${generated.files.length} files, ${generated.lines} lines (seed ${options.seed}), ${options.runs} runs + 1 warm-up each\n`);
    }

    const parse = await measure('bare parse', [parseScript, corpusDir], options.runs, failIfBroken);

    let scan;
    if (!options.parseOnly) {
      const scanArgs = ['scan', corpusDir, '-f', 'json', '-o', os.devNull, '--fail-on', 'none', '--quiet'];
      // The warm-up goes through the real launcher, so a broken bin/ fails the bench too.
      const viaLauncher = () => runNode([join(repoRoot, 'bin', 'trustscan.js'), ...scanArgs], { usageOnFd3: false });
      scan = await measure('full scan (bin/trustscan.js)', [scanScript, ...scanArgs], options.runs, failIfBroken, viaLauncher);
    }

    // One more scan with --timing: where the time goes (parse, routes, dataflow, rules) and what it found.
    let phases;
    if (!options.parseOnly) {
      const timedReport = join(toolsDir, 'timed.json');
      failIfBroken(await runNode([join(repoRoot, 'bin', 'trustscan.js'), 'scan', corpusDir, '-f', 'json', '-o', timedReport, '--fail-on', 'none', '--quiet', '--timing'], { usageOnFd3: false }), 'timed scan');
      const report = JSON.parse(readFileSync(timedReport, 'utf8'));
      const byRule = {};
      for (const finding of report.findings) byRule[finding.ruleId] = (byRule[finding.ruleId] ?? 0) + 1;
      phases = { ...report.stats.phaseMs, totalMs: report.stats.durationMs, findingsByRule: byRule };
    }

    const round = (n, digits = 3) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);
    const ratio = scan ? scan.medianMs / parse.medianMs : undefined;
    const figures = {
      files: generated.files.length,
      lines: generated.lines,
      plantedSecrets: generated.plantedSecrets,
      seed: options.seed,
      runs: options.runs,
      node: process.version,
      cpus: os.cpus().length,
      bareParse: { medianSeconds: round(parse.medianMs / 1000), runsSeconds: parse.runsMs.map((ms) => round(ms / 1000)), peakRssMiB: round(parse.peakRssMiB, 1) },
      fullScan: scan
        ? { medianSeconds: round(scan.medianMs / 1000), runsSeconds: scan.runsMs.map((ms) => round(ms / 1000)), peakRssMiB: round(scan.peakRssMiB, 1), linesPerSecond: Math.round(generated.lines / (scan.medianMs / 1000)) }
        : null,
      ratio: ratio === undefined ? null : round(ratio, 2),
      phasesOfOneTimedScanMs: phases ?? null,
      target: TARGET_RATIO,
      verdict: ratio === undefined ? null : ratio <= TARGET_RATIO ? 'PASS' : 'OVER',
    };

    if (options.json) {
      process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
      return;
    }
    const seconds = (m) => `${(m.medianMs / 1000).toFixed(2)} s  (runs: ${m.runsMs.map((ms) => (ms / 1000).toFixed(2)).join(', ')})`;
    const rows = [
      ['files', String(figures.files)],
      ['lines', figures.lines.toLocaleString('en-US')],
      ['bare parse (median)', seconds(parse)],
      ['bare parse peak RSS', `${parse.peakRssMiB.toFixed(0)} MiB`],
    ];
    if (scan) {
      rows.push(
        ['full scan (median)', seconds(scan)],
        ['lines/s (full scan)', figures.fullScan.linesPerSecond.toLocaleString('en-US')],
        ['full scan peak RSS', `${scan.peakRssMiB.toFixed(0)} MiB`],
        ['ratio scan/parse', `${ratio.toFixed(2)}x`],
        [`target <= ${TARGET_RATIO.toFixed(1)}x`, figures.verdict],
      );
      if (phases) {
        const share = (ms) => `${ms} ms (${((100 * ms) / phases.totalMs).toFixed(0)}%)`;
        rows.push(
          ['in-process phases (1 run)', `total ${phases.totalMs} ms: load+parse ${share(phases.loadProject)}, rules ${share(phases.rules)}`],
          ['  of which routes', share(phases.routes)],
          ['  of which dataflow', share(phases.dataflow)],
          ['findings by rule', Object.entries(phases.findingsByRule).map(([id, n]) => `${id} ${n}`).join(', ') || 'none'],
        );
      }
    } else {
      rows.push(['full scan', 'skipped (--parse-only)']);
    }
    const width = Math.max(...rows.map(([k]) => k.length));
    process.stdout.write(rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n') + '\n');
  } finally {
    rmSync(corpusDir, { recursive: true, force: true });
    rmSync(toolsDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
