#!/usr/bin/env node
// Thin launcher: all logic lives in dist/cli.js so it is typed and testable in-process.
import module from 'node:module';

// Node 22.1+ can cache compiled code between runs; on older Node the function does not exist
// (lib/typescript.cjs caches the TypeScript bundle, the largest part, itself).
if (typeof module.enableCompileCache === 'function') module.enableCompileCache();

const argv = process.argv.slice(2);
// `trustscan --version` alone answers before any other module loads (commander, the CLI): it is
// what scripts and CI run first, often on every job.
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  const { version } = await import('../dist/version.js');
  process.stdout.write(`${version}\n`);
} else {
  // A command that analyses starts its thread first, so that the thread loads the engine while this
  // one loads the CLI (dist/analysis-thread.js is small and loads neither).
  const { runsAnalysis, startAnalysisThread } = await import('../dist/analysis-thread.js');
  const started = runsAnalysis(argv)
    ? startAnalysisThread(argv, { cwd: process.cwd(), env: process.env, stdoutIsTTY: Boolean(process.stdout.isTTY), stderrIsTTY: Boolean(process.stderr.isTTY), stdoutColumns: process.stdout.columns })
    : undefined;
  const { runCli } = await import('../dist/cli.js');
  await runCli(argv, started);
}
