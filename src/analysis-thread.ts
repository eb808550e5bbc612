import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CliIo } from './cli-io.js';
// The engine's constant: every analysis thread has the same stack (engine/threads.ts says why).
import { ANALYSIS_STACK_MB } from './engine/threads.js';


/** Commands that parse the scanned project; the rest (rules, --help, --version) stay on the main thread. */
const ANALYSIS_COMMANDS = new Set(['scan', 'routes', 'flows', 'report']);

export function runsAnalysis(argv: readonly string[]): boolean {
  const command = argv.find((argument) => !argument.startsWith('-'));
  return command !== undefined && ANALYSIS_COMMANDS.has(command);
}

type FromWorker = { stream: 'stdout' | 'stderr'; text: string } | { exitCode: number };

/** What the thread said before anyone listened, then what it says: a queue drained by `attach`. */
type ThreadEvent = { kind: 'message'; message: FromWorker } | { kind: 'error'; error: Error } | { kind: 'exit' };

/** An analysis thread already running: its output is kept until `finish` gets somewhere to write it. */
export interface AnalysisThread {
  /** Writes the thread's output through `io`, in order; resolves with main()'s exit code (`exitOnError` if the thread dies). */
  finish(io: CliIo, exitOnError: number): Promise<number>;
}

/**
 * The thread's script. A built package has the engine bundled into one file (scripts/build-bundle.mjs),
 * which lib/analysis-worker.cjs compiles through V8's code cache: Node 20 compiles ES modules anew in
 * every run, and loading some 300 of them one by one cost about 0.3 s of every scan. Where there is no
 * bundle (the GitHub Action's own bundle, a build that skipped it) the module itself runs.
 */
function analysisWorkerScript(): URL {
  const bundled = new URL('./bundle/analysis-worker.cjs', import.meta.url);
  return existsSync(fileURLToPath(bundled)) ? new URL('../lib/analysis-worker.cjs', import.meta.url) : new URL('./analysis-worker.js', import.meta.url);
}

/**
 * Starts main() on a thread with ANALYSIS_STACK_MB of stack (a deep file parses there), before the
 * CLI module is even loaded: bin/trustscan.js calls this first, so the thread loads the engine and
 * TypeScript while this thread loads the CLI (about 0.1 s of start-up off every scan).
 */
export function startAnalysisThread(argv: readonly string[], io: Pick<CliIo, 'cwd' | 'env' | 'stdoutIsTTY' | 'stderrIsTTY' | 'stdoutColumns'>): AnalysisThread {
  const worker = new Worker(analysisWorkerScript(), {
    workerData: { argv: [...argv], cwd: io.cwd, stdoutIsTTY: io.stdoutIsTTY, stderrIsTTY: io.stderrIsTTY, stdoutColumns: io.stdoutColumns },
    env: io.env as NodeJS.ProcessEnv,
    resourceLimits: { stackSizeMb: ANALYSIS_STACK_MB },
  });
  const queued: ThreadEvent[] = [];
  let deliver: ((event: ThreadEvent) => void) | undefined;
  const push = (event: ThreadEvent): void => (deliver ? deliver(event) : void queued.push(event));
  worker.on('message', (message: FromWorker) => push({ kind: 'message', message }));
  worker.on('error', (error) => push({ kind: 'error', error }));
  worker.on('exit', () => push({ kind: 'exit' }));
  return {
    finish(target, exitOnError) {
      return new Promise((resolve) => {
        let settled = false;
        const settle = (code: number): void => {
          if (settled) return;
          settled = true;
          resolve(code);
        };
        deliver = (event) => {
          if (event.kind === 'exit') settle(exitOnError);
          else if (event.kind === 'error') {
            target.stderr(`trustscan: the analysis stopped: ${event.error.message}\n`);
            settle(exitOnError);
          } else if ('exitCode' in event.message) settle(event.message.exitCode);
          else if (event.message.stream === 'stdout') target.stdout(event.message.text);
          else target.stderr(event.message.text);
        };
        for (const event of queued.splice(0)) deliver(event);
      });
    },
  };
}

/**
 * Runs the CLI's main() on an analysis thread; its output comes back as messages and is written
 * through `io`, in order. Resolves with main()'s exit code; a thread that dies (out of memory) is
 * one line on stderr and exit 2.
 */
export function mainOnAnalysisThread(argv: readonly string[], io: CliIo, exitOnError: number): Promise<number> {
  return startAnalysisThread(argv, io).finish(io, exitOnError);
}
