/**
 * The analysis thread (see analysis-thread.ts): runs the CLI's main() with output sent back to the
 * main thread as messages, which writes it to the real streams. A built package runs it bundled
 * (scripts/build-bundle.mjs; lib/analysis-worker.cjs loads the bundle).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { main, type CliIo } from './cli.js';

const data = workerData as { argv: string[]; cwd: string; stdoutIsTTY: boolean; stderrIsTTY: boolean; stdoutColumns?: number };
const port = parentPort!;
const io: CliIo = {
  stdout: (text) => port.postMessage({ stream: 'stdout', text }),
  stderr: (text) => port.postMessage({ stream: 'stderr', text }),
  cwd: data.cwd,
  env: process.env,
  stdoutIsTTY: data.stdoutIsTTY,
  stderrIsTTY: data.stderrIsTTY,
  stdoutColumns: data.stdoutColumns,
};
/** main()'s exit code, once posted: the bundle's loader then keeps the code compiled on the way. */
export const finished: Promise<number> = main(data.argv, io).then((exitCode) => {
  port.postMessage({ exitCode });
  return exitCode;
});
