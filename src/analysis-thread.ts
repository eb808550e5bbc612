import { Worker } from 'node:worker_threads';
import type { CliIo } from './cli.js';
// The engine's constant: every analysis thread has the same stack (engine/threads.ts says why).
import { ANALYSIS_STACK_MB } from './engine/threads.js';


/** Commands that parse the scanned project; the rest (rules, --help, --version) stay on the main thread. */
const ANALYSIS_COMMANDS = new Set(['scan', 'routes', 'flows']);

export function runsAnalysis(argv: readonly string[]): boolean {
  const command = argv.find((argument) => !argument.startsWith('-'));
  return command !== undefined && ANALYSIS_COMMANDS.has(command);
}

type FromWorker = { stream: 'stdout' | 'stderr'; text: string } | { exitCode: number };

/**
 * Runs the CLI's main() on a thread with ANALYSIS_STACK_MB of stack (a deep file parses there); its output comes back as
 * messages and is written through `io`, in order. Resolves with main()'s exit code; a thread that
 * dies (out of memory) is one line on stderr and exit 2.
 */
export function mainOnAnalysisThread(argv: readonly string[], io: CliIo, exitOnError: number): Promise<number> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (code: number): void => {
      if (settled) return;
      settled = true;
      resolve(code);
    };
    const worker = new Worker(new URL('./analysis-worker.js', import.meta.url), {
      workerData: { argv: [...argv], cwd: io.cwd, stdoutIsTTY: io.stdoutIsTTY, stderrIsTTY: io.stderrIsTTY },
      env: io.env as NodeJS.ProcessEnv,
      resourceLimits: { stackSizeMb: ANALYSIS_STACK_MB },
    });
    worker.on('message', (message: FromWorker) => {
      if ('exitCode' in message) settle(message.exitCode);
      else if (message.stream === 'stdout') io.stdout(message.text);
      else io.stderr(message.text);
    });
    worker.on('error', (error) => {
      io.stderr(`trustscan: the analysis stopped: ${error.message}\n`);
      settle(exitOnError);
    });
    worker.on('exit', () => settle(exitOnError));
  });
}
