/**
 * Scanned text (file names, messages, code) inside Markdown that GitHub renders: PR comments, job
 * summaries, the evidence report. GitHub renders inline HTML, so `<`, `>` and `&` become entities;
 * Markdown punctuation is backslash-escaped so a message cannot open a link, a heading, emphasis or
 * a table cell; line breaks become spaces so one value stays one line (or one table row).
 */
import { escapeControlCharacters } from './terminal-text.js';

/** Text as inline Markdown: one line, HTML special characters as entities, Markdown punctuation escaped. */
export function text(value: string): string {
  return escapeControlCharacters(value.replace(/[\r\n]+/g, ' '))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]()#+!~|{}]/g, (character) => `\\${character}`);
}

/**
 * A path or id as code: a `<code>` element rather than a backtick span, so a backtick in a name
 * cannot end it. GitHub parses Markdown between the tags, so the text inside is escaped as `text`
 * is (a name such as `[a](https://x)` must not become a link inside the code element).
 */
export function code(value: string): string {
  return `<code>${text(value)}</code>`;
}

export function longestBacktickRun(value: string): number {
  let longest = 0;
  for (const run of value.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/** A fence for a code block holding `body`: longer than any backtick run inside, so nothing in it can close it. */
export function fenceFor(body: string): string {
  return '`'.repeat(Math.max(3, longestBacktickRun(body) + 1));
}
