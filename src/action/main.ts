/**
 * Entry point of the GitHub Action (action.yml `runs.main`, bundled into action/dist/main.js):
 * the real process, with the scan run by the CLI itself on its analysis thread, in this process.
 */
import { mainOnAnalysisThread } from '../analysis-thread.js';
import { EXIT_ERROR, runAction } from './run-action.js';
import { annotation } from './workflow-commands.js';

const env = process.env as Record<string, string | undefined>;
try {
  process.exitCode = await runAction({
    env,
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    runScanner: (argv) =>
      mainOnAnalysisThread(argv, {
        stdout: (text) => process.stdout.write(text),
        // The scanner's log goes to stdout too: one stream keeps it in order between the
        // ::stop-commands:: markers, which the runner honours on both streams.
        stderr: (text) => process.stdout.write(text),
        cwd: process.cwd(),
        env,
        stdoutIsTTY: false,
        stderrIsTTY: false,
      }, EXIT_ERROR),
  });
} catch (error) {
  // A bug of the action itself: one line, and exit 2 (never 1, which means findings).
  process.stdout.write(annotation('error', `trustscan action failed: ${error instanceof Error ? error.message : String(error)}`, { title: 'trustscan' }));
  process.exitCode = EXIT_ERROR;
}
