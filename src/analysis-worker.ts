/**
 * The analysis thread (see analysis-thread.ts): runs the CLI's main() with output sent back to the
 * main thread as messages, which writes it to the real streams.
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
const exitCode = await main(data.argv, io);
port.postMessage({ exitCode });
