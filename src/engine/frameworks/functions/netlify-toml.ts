/**
 * Just enough TOML to read a netlify.toml: the string values of `key = "value"` lines and the table
 * each sits in (`[functions]`, `[functions."nightly-report"]`, `[[redirects]]`). Arrays, inline
 * tables and multi-line strings are skipped: nothing the scan needs is written so. One pass over
 * the lines, no backtracking patterns: a hostile file costs its length.
 */
export interface TomlString {
  /** The table path, dotted and unquoted: `functions.nightly-report`; '' before any table header. */
  table: string;
  /** The key path, dotted and unquoted. */
  key: string;
  value: string;
  /** 1-based. */
  line: number;
  /** Counts `[[array]]` headers, so the keys of one array entry can be told from the next's. */
  entry: number;
}

export function tomlStrings(text: string): TomlString[] {
  const found: TomlString[] = [];
  let table = '';
  let entry = 0;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      const arrayTable = line.startsWith('[[');
      const close = line.indexOf(arrayTable ? ']]' : ']');
      if (close < 0) continue;
      const path = dottedKey(line.slice(arrayTable ? 2 : 1, close));
      if (path === undefined) continue;
      table = path;
      entry += 1;
      continue;
    }
    const equals = keyEnd(line);
    if (equals < 0) continue;
    const key = dottedKey(line.slice(0, equals));
    const value = stringValue(line.slice(equals + 1).trim());
    if (key === undefined || value === undefined) continue;
    found.push({ table, key, value, line: index + 1, entry });
  }
  return found;
}

/** The position of the `=` that ends the key, outside quotes; -1 when the line has none. */
function keyEnd(line: string): number {
  let quote = '';
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index]!;
    if (quote) {
      if (char === quote) quote = '';
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '=') return index;
  }
  return -1;
}

/** `functions."nightly-report"` -> `functions.nightly-report`; undefined when it is no key. */
function dottedKey(text: string): string | undefined {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > 0) {
    let part: string;
    if (rest.startsWith('"') || rest.startsWith("'")) {
      const close = rest.indexOf(rest[0]!, 1);
      if (close < 0) return undefined;
      part = rest.slice(1, close);
      rest = rest.slice(close + 1).trim();
    } else {
      const match = /^[A-Za-z0-9_-]+/.exec(rest);
      if (!match) return undefined;
      part = match[0];
      rest = rest.slice(part.length).trim();
    }
    parts.push(part);
    if (rest.length === 0) break;
    if (!rest.startsWith('.')) return undefined;
    rest = rest.slice(1).trim();
  }
  return parts.length > 0 ? parts.join('.') : undefined;
}

/** A one-line basic (`"..."`, with escapes) or literal (`'...'`) string, a trailing comment allowed. */
function stringValue(text: string): string | undefined {
  if (text.startsWith('"""') || text.startsWith("'''")) return undefined;
  if (text.startsWith("'")) {
    const close = text.indexOf("'", 1);
    return close < 0 || !trailingIsComment(text.slice(close + 1)) ? undefined : text.slice(1, close);
  }
  if (!text.startsWith('"')) return undefined;
  let value = '';
  for (let index = 1; index < text.length; index += 1) {
    const char = text[index]!;
    if (char === '"') return trailingIsComment(text.slice(index + 1)) ? value : undefined;
    if (char === '\\') {
      const next = text[index + 1];
      if (next === undefined) return undefined;
      value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
      index += 1;
    } else value += char;
  }
  return undefined;
}

function trailingIsComment(rest: string): boolean {
  const trimmed = rest.trim();
  return trimmed === '' || trimmed.startsWith('#');
}
