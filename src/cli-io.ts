/** Where the CLI writes and what it knows of its process: real streams, or messages from the analysis thread. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** The terminal's width when stdout is one (`process.stdout.columns`); text output wraps to it. */
  stdoutColumns?: number;
}

/** Text output for a pipe, a file or a CI log wraps here: the width most people read code at. */
export const DEFAULT_TEXT_WIDTH = 80;
/** Below this a terminal report is unreadable however it wraps; a narrower terminal still gets 40. */
const MIN_TEXT_WIDTH = 40;

/** The width text output wraps to: the terminal's on a TTY, else 80. */
export function textWidth(io: Pick<CliIo, 'stdoutIsTTY' | 'stdoutColumns'>): number {
  if (!io.stdoutIsTTY || !io.stdoutColumns || !Number.isFinite(io.stdoutColumns)) return DEFAULT_TEXT_WIDTH;
  return Math.max(MIN_TEXT_WIDTH, Math.floor(io.stdoutColumns));
}

/**
 * Whether to colour what goes to a stream. In order: `--no-color`; NO_COLOR (no-color.org: any
 * non-empty value); FORCE_COLOR (chalk's and Node's convention: `0`/`false` off, anything else
 * on, so CI logs that render ANSI can ask for colour through a pipe); else only a terminal.
 */
export function colorFor(io: Pick<CliIo, 'env'>, isTTY: boolean, colorFlag: boolean): boolean {
  if (!colorFlag) return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return isTTY;
}
