/**
 * GitHub Actions workflow commands and files, written the way @actions/core writes them. What goes
 * into them comes from scanned code (file names, messages), which a pull request from a fork
 * chooses: every value is escaped so it can neither end its command nor start another.
 */
import { randomBytes } from 'node:crypto';

/** A command's message: `%`, CR and LF escaped, so a message is one line of one command. */
export function escapeCommandData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A command's property value: as data, plus `:` and `,`, which end a property or the property list. */
export function escapeCommandProperty(text: string): string {
  return escapeCommandData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface AnnotationProperties {
  title?: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
}

/** `::error file=src/a.ts,line=3,title=...::message` (one line, with its newline). */
export function annotation(level: AnnotationLevel, message: string, properties: AnnotationProperties = {}): string {
  const listed = (['file', 'line', 'endLine', 'col', 'endColumn', 'title'] as const)
    .filter((key) => properties[key] !== undefined && properties[key] !== '')
    .map((key) => `${key}=${escapeCommandProperty(String(properties[key]))}`);
  return `::${level}${listed.length > 0 ? ` ${listed.join(',')}` : ''}::${escapeCommandData(message)}\n`;
}

/**
 * Output of commands the step did not write itself (the scanner's log) is wrapped in
 * `::stop-commands::<token>` ... `::<token>::`: the runner then ignores any `::command::` in it.
 * The token is random, so the wrapped text cannot end the pause early.
 */
export function pauseCommands(): { start: string; end: string } {
  const token = `trustscan-${randomBytes(16).toString('hex')}`;
  return { start: `::stop-commands::${token}\n`, end: `::${token}::\n` };
}

/**
 * One `name=value` entry of $GITHUB_OUTPUT in the multi-line form `name<<DELIMITER`, with a random
 * delimiter (as @actions/core): a value holding a newline cannot add another output.
 */
export function outputEntry(name: string, value: string, delimiter = `ghadelimiter_${randomBytes(16).toString('hex')}`): string {
  if (name.includes(delimiter) || value.includes(delimiter)) throw new Error(`the output ${name} contains its own delimiter`);
  if (/[\r\n]/.test(name)) throw new Error('an output name cannot contain a line break');
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}
