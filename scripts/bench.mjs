#!/usr/bin/env node
// npm run bench [-- --scale N] [-- --files N] [-- --runs R] [-- --seed S] [-- --json] [-- --parse-only]
//
// Generates a deterministic synthetic API into a temp dir (500 files ~ 60k lines per unit of
// --scale; --scale 10 = 5000 files), then times, each in its own child process (whole-process
// wall time, median of R runs after one warm-up):
//   (a) the floor: read every file and ts.createSourceFile it, nothing else;
//   (b) the full scan: the CLI's `scan <dir> -f json -o /dev/null --fail-on none --quiet`;
//   (c) when `scan --help` lists --cache: a cold `--cache --cache-location <fresh dir>` scan, a warm
//       re-run on unchanged code, and a re-run after one file's content changed;
//   (d) `trustscan --version` (start-up cost);
//   (e) `flows --check-log` on a generated access log of fixtures/apps/shop (--log-lines, 1M by
//       default; planted breaks): replay time beyond the flows scan, lines/s, peak RSS;
// and reads the phase split of one more scan from its `--timing` JSON (stats.phaseMs, every key).
// Each figure is printed with its target and OK/OVER. Targets are informational: OVER never
// changes the exit code. Exit 1 only when something is broken (the CLI failed, dist/ is missing,
// bad arguments).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { gzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateApi } from './generate-api.mjs';
import { expectedBreaks, generateAccessLog } from './generate-access-log.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Targets from issue 12.
const TARGETS = {
  ratio: 2.0, // full scan / bare parse, whole process
  peakRssMiB: 1024, // full scan peak RSS
  cacheRatio: 0.3, // cached re-scan / cold cached scan
  versionSeconds: 0.2, // `trustscan --version` wall time
};
const BASE_FILES = 500;

function parseArgs(argv) {
  const options = { files: BASE_FILES, scale: 1, runs: 3, seed: 42, json: false, parseOnly: false, logLines: 1_000_000 };
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
      case '--scale': options.scale = positiveInt(value()); break;
      case '--runs': options.runs = positiveInt(value()); break;
      case '--seed': options.seed = positiveInt(value()); break;
      case '--json': options.json = true; break;
      case '--parse-only': options.parseOnly = true; break;
      case '--log-lines': options.logLines = positiveInt(value()); break;
      case '-h': case '--help': usage(); break;
      default: usage(`unknown argument "${arg}"`);
    }
  }
  return options;
}

function usage(error) {
  const text = 'usage: node scripts/bench.mjs [--scale N (1): N x the corpus] [--files N (500)] [--runs R (3)] [--seed S (42)] [--json] [--parse-only] [--log-lines N (1000000)]';
  if (error) {
    process.stderr.write(`bench: ${error}\n${text}\n`);
    process.exit(1);
  }
  process.stdout.write(text + '\n');
  process.exit(0);
}

// The floor. TypeScript is loaded the way the scanner loads it (lib/typescript.cjs, the compiler
// ts-morph bundles, without ts-morph's project layer), by absolute URL because this script lives
// in a temp dir, outside the repo's module resolution: the floor pays the same start-up as a scan.
const typescriptUrl = pathToFileURL(join(repoRoot, 'lib', 'typescript.cjs')).href;
const PARSE_CHILD = `
import { readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ts } from ${JSON.stringify(typescriptUrl)};
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
const argv = process.argv.slice(2);
const { runsAnalysis, startAnalysisThread } = await import(${JSON.stringify(cliUrl.replace(/cli\.js$/, 'analysis-thread.js'))});
const started = runsAnalysis(argv) ? startAnalysisThread(argv, { cwd: process.cwd(), env: process.env, stdoutIsTTY: false, stderrIsTTY: false }) : undefined;
const { runCli } = await import(${JSON.stringify(cliUrl)});
await runCli(argv, started);
`;

/** Runs node with args; resolves with wall ms, exit code, stdout, stderr and the child's resourceUsage. */
function runNode(args, { cwd = repoRoot, usageOnFd3 = true, captureStdout = false } = {}) {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', captureStdout ? 'pipe' : 'ignore', 'pipe', ...(usageOnFd3 ? ['pipe'] : [])],
    });
    let stdout = '';
    let stderr = '';
    if (captureStdout) child.stdout.on('data', (chunk) => (stdout += chunk));
    let fd3 = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    if (usageOnFd3) child.stdio[3].on('data', (chunk) => (fd3 += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - started;
      const usage = fd3 ? JSON.parse(fd3) : undefined;
      resolvePromise({ wallMs, code: code ?? (signal ? 128 : 1), signal, stdout, stderr: stderr.trim(), usage });
    });
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** User + system CPU of a child, in ms (resourceUsage reports microseconds). */
const cpuMs = (usage) => (usage ? (usage.userCPUTime + usage.systemCPUTime) / 1000 : NaN);

/** maxRSS is in KiB on Linux and macOS (Node normalizes it). */
const mib = (usage) => (usage ? usage.maxRSS / 1024 : NaN);

async function measure(label, args, runs, check, warmUp = undefined, runOptions = {}) {
  check(await (warmUp ?? (() => runNode(args, runOptions)))(), `${label} (warm-up)`);
  const results = [];
  for (let i = 0; i < runs; i++) {
    const result = await runNode(args, runOptions);
    check(result, `${label} (run ${i + 1})`);
    results.push(result);
  }
  const walls = results.map((r) => r.wallMs);
  const cpus = results.map((r) => cpuMs(r.usage));
  return {
    medianMs: median(walls),
    runsMs: walls,
    // CPU time (user + system) of the child: steadier than wall time on a busy machine.
    medianCpuMs: median(cpus),
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
  const binPath = join(repoRoot, 'bin', 'trustscan.js');
  if (!options.parseOnly && !existsSync(cliPath)) {
    throw new Error(`${cliPath} not found; run \`npm run build\` first (npm run bench does)`);
  }
  const fileCount = options.files * options.scale;

  const corpusDir = mkdtempSync(join(os.tmpdir(), 'trustscan-bench-api-'));
  // Helper scripts, reports and caches live outside the corpus so they are neither scanned nor parsed.
  const toolsDir = mkdtempSync(join(os.tmpdir(), 'trustscan-bench-tools-'));
  const log = (line) => {
    if (!options.json) process.stdout.write(line + '\n');
  };
  try {
    const generated = generateApi(corpusDir, { files: fileCount, seed: options.seed });
    const parseScript = join(toolsDir, 'parse.mjs');
    const scanScript = join(toolsDir, 'scan.mjs');
    writeFileSync(parseScript, PARSE_CHILD);
    writeFileSync(scanScript, scanChild(pathToFileURL(cliPath).href));

    log(`trustscan bench: ${generated.files.length} files, ${generated.lines.toLocaleString('en-US')} lines (scale ${options.scale}, seed ${options.seed}), ${options.runs} runs + 1 warm-up each, node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}`);

    const parse = await measure('bare parse', [parseScript, corpusDir], options.runs, failIfBroken);

    let scan;
    let phases;
    let cache;
    let version;
    let logReplay;
    if (!options.parseOnly) {
      const scanArgs = (extra = []) => ['scan', corpusDir, '-f', 'json', '-o', os.devNull, '--fail-on', 'none', '--quiet', ...extra];
      // The warm-up goes through the real launcher, so a broken bin/ fails the bench too.
      const viaLauncher = () => runNode([binPath, ...scanArgs()], { usageOnFd3: false });
      scan = await measure('full scan (bin/trustscan.js)', [scanScript, ...scanArgs()], options.runs, failIfBroken, viaLauncher);

      // One more scan with --timing: where the time goes and what it found. Every phase the
      // engine reports is printed, so new phases show up without touching this script.
      const timedReport = join(toolsDir, 'timed.json');
      failIfBroken(await runNode([binPath, 'scan', corpusDir, '-f', 'json', '-o', timedReport, '--fail-on', 'none', '--quiet', '--timing'], { usageOnFd3: false }), 'timed scan');
      const report = JSON.parse(readFileSync(timedReport, 'utf8'));
      const findingsByRule = {};
      for (const finding of report.findings) findingsByRule[finding.ruleId] = (findingsByRule[finding.ruleId] ?? 0) + 1;
      phases = { totalMs: report.stats.durationMs, phaseMs: { ...(report.stats.phaseMs ?? {}) }, findingsByRule };

      cache = await measureCache({ generated, corpusDir, toolsDir, scanScript, binPath, runs: options.runs });

      version = await measure('--version', [binPath, '--version'], options.runs, failIfBroken, undefined, { usageOnFd3: false });
      logReplay = await measureLogReplay({ toolsDir, binPath, lines: options.logLines });
    }

    const figures = buildFigures({ options, generated, parse, scan, phases, cache, version, logReplay });
    if (options.json) {
      process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
      return;
    }
    printFigures(figures, { parse, scan });
  } finally {
    rmSync(corpusDir, { recursive: true, force: true });
    rmSync(toolsDir, { recursive: true, force: true });
  }
}

/**
 * `flows --check-log` on a generated access log of the shop fixture (scripts/generate-access-log.mjs,
 * planted breaks included): one run of the replay and one of `flows` alone on the same code, so the
 * replay's own time is the difference; throughput and the replay process's peak RSS.
 */
async function measureLogReplay({ toolsDir, binPath, lines }) {
  const shop = join(repoRoot, 'fixtures', 'apps', 'shop');
  const planted = [];
  const files = { combined: [], pino: [] };
  for (const [instance, text] of generateAccessLog({ lines, planted })) files[instance].push(text);
  const combined = join(toolsDir, 'access.log');
  const pino = join(toolsDir, 'pino.log.gz');
  writeFileSync(combined, files.combined.join('\n') + '\n');
  writeFileSync(pino, gzipSync(files.pino.join('\n') + '\n'));
  const written = files.combined.length + files.pino.length;
  files.combined.length = 0;
  files.pino.length = 0;
  const report = join(toolsDir, 'replay.json');
  const scanOnly = await runNode([binPath, 'flows', shop, '-f', 'json', '-o', os.devNull], { usageOnFd3: false });
  failIfBroken(scanOnly, 'flows (log replay baseline)');
  const replay = await runNode([join(toolsDir, 'scan.mjs'), 'flows', shop, '--check-log', combined, pino, '-f', 'json', '-o', report, '--fail-on', 'none']);
  failIfBroken(replay, 'flows --check-log');
  const result = JSON.parse(readFileSync(report, 'utf8'));
  const breaks = (result.flows ?? []).reduce((sum, flow) => sum + (flow.violations?.length ?? 0) + (flow.violationsNotListed ?? 0), 0);
  const replayMs = Math.max(1, replay.wallMs - scanOnly.wallMs);
  return { lines: written, files: 2, scanMs: Math.round(scanOnly.wallMs), replayMs: Math.round(replayMs), linesPerSecond: Math.round(written / (replayMs / 1000)), peakRssMiB: mib(replay.usage), breaksPlanted: expectedBreaks(planted).length, breaksFound: breaks };
}

/**
 * Cached re-scan, when the CLI has --cache: per run, a fresh cache folder, a cold scan filling
 * it, a warm re-run of unchanged code, then one file's content changed and a re-run. The file is
 * restored afterwards. Each warm/touched report is compared with a cold scan of the same code.
 */
async function measureCache({ generated, corpusDir, toolsDir, scanScript, binPath, runs }) {
  const help = await runNode([binPath, 'scan', '--help'], { usageOnFd3: false, captureStdout: true });
  if (help.code !== 0 || !/--cache\b/.test(help.stdout)) return { supported: false };

  const touchedFile = generated.files.find((file) => file.includes('/routes/')) ?? generated.files[0];
  const touchedPath = join(corpusDir, touchedFile);
  const original = readFileSync(touchedPath, 'utf8');
  const reportOf = (name) => join(toolsDir, name);
  const cachedScan = (location, output) => [scanScript, 'scan', corpusDir, '-f', 'json', '-o', output, '--fail-on', 'none', '--quiet', '--cache', '--cache-location', location];
  const findingsOf = (file) => JSON.stringify(JSON.parse(readFileSync(file, 'utf8')).findings);

  const cold = [];
  const warm = [];
  const touched = [];
  let warmIdentical = true;
  let touchedIdentical = true;
  // Run 0 is the warm-up, discarded.
  for (let i = 0; i <= runs; i++) {
    const location = mkdtempSync(join(toolsDir, 'cache-'));
    try {
      const coldRun = await runNode(cachedScan(location, reportOf('cold.json')));
      failIfBroken(coldRun, `cold --cache scan (run ${i})`);
      const warmRun = await runNode(cachedScan(location, reportOf('warm.json')));
      failIfBroken(warmRun, `warm --cache scan (run ${i})`);
      warmIdentical &&= findingsOf(reportOf('cold.json')) === findingsOf(reportOf('warm.json'));

      writeFileSync(touchedPath, `${original}\n// bench: content changed (${i})\nexport const benchTouched${i} = ${i};\n`);
      const touchedRun = await runNode(cachedScan(location, reportOf('touched.json')));
      failIfBroken(touchedRun, `--cache scan after one file changed (run ${i})`);
      // What an uncached scan of the changed code reports; the cached one must say the same.
      failIfBroken(await runNode([scanScript, 'scan', corpusDir, '-f', 'json', '-o', reportOf('touched-cold.json'), '--fail-on', 'none', '--quiet']), `uncached scan after one file changed (run ${i})`);
      touchedIdentical &&= findingsOf(reportOf('touched-cold.json')) === findingsOf(reportOf('touched.json'));
      if (i > 0) {
        cold.push(coldRun);
        warm.push(warmRun);
        touched.push(touchedRun);
      }
    } finally {
      writeFileSync(touchedPath, original);
      rmSync(location, { recursive: true, force: true });
    }
  }
  const summary = (results) => ({ medianMs: median(results.map((r) => r.wallMs)), runsMs: results.map((r) => r.wallMs), medianCpuMs: median(results.map((r) => cpuMs(r.usage))), peakRssMiB: Math.max(...results.map((r) => mib(r.usage))) });
  return { supported: true, touchedFile, cold: summary(cold), warm: summary(warm), touched: summary(touched), warmIdentical, touchedIdentical };
}

const round = (n, digits = 3) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);
const verdict = (value, target) => (Number.isFinite(value) ? (value <= target ? 'OK' : 'OVER') : null);
const timing = (m) =>
  m ? { medianSeconds: round(m.medianMs / 1000), runsSeconds: m.runsMs.map((ms) => round(ms / 1000)), medianCpuSeconds: round((m.medianCpuMs ?? NaN) / 1000), peakRssMiB: round(m.peakRssMiB, 1) } : null;

function buildFigures({ options, generated, parse, scan, phases, cache, version, logReplay }) {
  const checks = [];
  const check = (name, value, unit, target) => {
    const entry = { name, value: round(value, unit === 'x' ? 2 : 3), unit, target, verdict: verdict(value, target) };
    checks.push(entry);
    return entry;
  };
  if (scan) {
    check('full scan / bare parse', scan.medianMs / parse.medianMs, 'x', TARGETS.ratio);
    check('full scan peak RSS', scan.peakRssMiB, 'MiB', TARGETS.peakRssMiB);
  }
  if (cache?.supported) {
    check('cached re-scan, unchanged / cold', cache.warm.medianMs / cache.cold.medianMs, 'x', TARGETS.cacheRatio);
    check('cached re-scan, one file changed / cold', cache.touched.medianMs / cache.cold.medianMs, 'x', TARGETS.cacheRatio);
  }
  if (version) check('trustscan --version', version.medianMs / 1000, 's', TARGETS.versionSeconds);

  const phaseShares = phases
    ? Object.fromEntries(Object.entries(phases.phaseMs).map(([key, ms]) => [key, { ms: round(ms, 1), percentOfTotal: round((100 * ms) / phases.totalMs, 1) }]))
    : null;

  return {
    files: generated.files.length,
    lines: generated.lines,
    scale: options.scale,
    plantedSecrets: generated.plantedSecrets,
    seed: options.seed,
    runs: options.runs,
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    loadAverageAtEnd: os.loadavg().map((n) => round(n, 2)),
    bareParse: timing(parse),
    logReplay: logReplay ?? null,
    fullScan: scan ? { ...timing(scan), linesPerSecond: Math.round(generated.lines / (scan.medianMs / 1000)) } : null,
    ratio: scan ? round(scan.medianMs / parse.medianMs, 2) : null,
    // Same ratio in CPU time (user + system): less disturbed by other load on the machine.
    cpuRatio: scan ? round(scan.medianCpuMs / parse.medianCpuMs, 2) : null,
    cache: cache
      ? cache.supported
        ? {
            supported: true,
            touchedFile: cache.touchedFile,
            cold: timing(cache.cold),
            warm: timing(cache.warm),
            oneFileChanged: timing(cache.touched),
            warmRatio: round(cache.warm.medianMs / cache.cold.medianMs, 2),
            oneFileChangedRatio: round(cache.touched.medianMs / cache.cold.medianMs, 2),
            warmFindingsIdentical: cache.warmIdentical,
            oneFileChangedFindingsIdentical: cache.touchedIdentical,
          }
        : { supported: false }
      : null,
    version: timing(version),
    phasesOfOneTimedScan: phases ? { totalMs: phases.totalMs, phases: phaseShares, findingsByRule: phases.findingsByRule } : null,
    targets: TARGETS,
    checks,
    // Kept for scripts reading the earlier output.
    target: TARGETS.ratio,
    verdict: scan ? verdict(scan.medianMs / parse.medianMs, TARGETS.ratio) : null,
  };
}

function printFigures(figures, { parse, scan }) {
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
      ['CPU time (user+sys)', `bare parse ${(parse.medianCpuMs / 1000).toFixed(2)} s, full scan ${(scan.medianCpuMs / 1000).toFixed(2)} s, ratio ${figures.cpuRatio.toFixed(2)}x (includes V8's GC threads; less disturbed by other load than wall time)`],
    );
    const cache = figures.cache;
    if (cache?.supported) {
      const s = (t) => `${t.medianSeconds.toFixed(2)} s`;
      rows.push([
        'cached scan (median)',
        `cold ${s(cache.cold)}, unchanged ${s(cache.warm)}, one file changed ${s(cache.oneFileChanged)} (${cache.touchedFile}); findings same as uncached: ${cache.warmFindingsIdentical && cache.oneFileChangedFindingsIdentical ? 'yes' : `NO (unchanged ${cache.warmFindingsIdentical ? 'same' : 'differ'}, one file changed ${cache.oneFileChangedFindingsIdentical ? 'same' : 'differ'})`}`,
      ]);
    } else if (cache) {
      rows.push(['cached scan', 'n/a (`scan --help` lists no --cache)']);
    }
    rows.push(['', '']);
    for (const c of figures.checks) {
      const value = c.unit === 'x' ? `${c.value.toFixed(2)}x` : c.unit === 'MiB' ? `${c.value.toFixed(0)} MiB` : `${c.value.toFixed(2)} s`;
      const target = c.unit === 'x' ? `${c.target.toFixed(1)}x` : c.unit === 'MiB' ? `${c.target} MiB` : `${c.target} s`;
      rows.push([c.name, `${value.padEnd(9)} target <= ${target.padEnd(8)} ${c.verdict}`]);
    }
    if (figures.logReplay) {
      const r = figures.logReplay;
      rows.push(['', ''], ['log replay (flows --check-log)', `${r.lines.toLocaleString('en-US')} lines in ${r.files} files (one gzipped) of fixtures/apps/shop: ${(r.replayMs / 1000).toFixed(2)} s replay after a ${(r.scanMs / 1000).toFixed(2)} s flows scan, ${r.linesPerSecond.toLocaleString('en-US')} lines/s, peak RSS ${r.peakRssMiB.toFixed(0)} MiB; breaks ${r.breaksFound} found of ${r.breaksPlanted} planted`]);
    }
    const phases = figures.phasesOfOneTimedScan;
    if (phases) {
      rows.push(['', ''], ['phases of one timed scan', `total ${phases.totalMs} ms (in-process; rules includes the routes and dataflow it waits for)`]);
      for (const [key, { ms, percentOfTotal }] of Object.entries(phases.phases)) rows.push([`  ${key}`, `${ms} ms (${percentOfTotal}%)`]);
      rows.push(['findings by rule', Object.entries(phases.findingsByRule).map(([id, n]) => `${id} ${n}`).join(', ') || 'none']);
    }
  } else {
    rows.push(['full scan', 'skipped (--parse-only)']);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(rows.map(([k, v]) => (k || v ? `  ${k.padEnd(width)}  ${v}` : '')).join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
