import { ts } from '#typescript';
import { propertyNameText } from '../../engine/ast/syntax.js';

/**
 * Key/value pairs out of committed .env and YAML files, with the offsets of each value, read
 * line by line: enough structure to name a value and point at it, without a YAML library.
 */

export interface ConfigEntry {
  /** The key as written (`DB_PASSWORD`, `password`). */
  key: string;
  /** Enclosing YAML keys, nearest first (`database`, `production`). */
  parentKeys: string[];
  value: string;
  /** Offsets of the value's first and one-past-last characters in the file text. */
  start: number;
  end: number;
  /** Where the value's node begins: `start`, or a block scalar's `|` / `>` indicator on the key's line. */
  nodeStart: number;
  /** True when `value` is exactly the file text between start and end (no unescaping or dedenting). */
  exact: boolean;
}

interface Line {
  text: string;
  start: number;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  // CRLF, LF or a lone CR (classic Mac): the line numbers SourceText gives findings.
  for (const lineBreak of text.matchAll(/\r\n?|\n/g)) {
    lines.push({ text: text.slice(start, lineBreak.index), start });
    start = lineBreak.index + lineBreak[0].length;
  }
  lines.push({ text: text.slice(start), start });
  return lines;
}

/**
 * A value after `KEY=` or `key: `: the content of a quoted string, or an unquoted run up to
 * an inline ` #` comment. Returns offsets relative to `raw`.
 */
function readInlineValue(raw: string): { value: string; start: number; quoted: boolean } | undefined {
  const leading = raw.length - raw.trimStart().length;
  const rest = raw.slice(leading);
  if (rest.length === 0) return undefined;
  const quote = rest[0];
  if (quote === '"' || quote === "'" || quote === '`') {
    const close = rest.indexOf(quote, 1);
    if (close === -1) return undefined;
    return { value: rest.slice(1, close), start: leading + 1, quoted: true };
  }
  const comment = /\s#/.exec(rest);
  const value = (comment ? rest.slice(0, comment.index) : rest).trimEnd();
  return { value, start: leading, quoted: false };
}

const ENV_LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=(.*)$/;

/** `KEY=value`, `export KEY="value"`, and double-quoted values spanning lines (PEM keys). */
export function readEnvEntries(text: string): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  const lines = splitLines(text);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const match = ENV_LINE.exec(line.text);
    if (!match) continue;
    const key = match[1]!;
    const rawValue = match[2]!;
    const valueOffset = line.start + line.text.length - rawValue.length;
    const trimmedStart = rawValue.length - rawValue.trimStart().length;
    if (rawValue.trimStart().startsWith('"') && rawValue.indexOf('"', trimmedStart + 1) === -1) {
      // A double-quoted value that continues on the following lines.
      const start = valueOffset + trimmedStart + 1;
      const close = text.indexOf('"', start);
      if (close === -1) continue;
      entries.push({ key, parentKeys: [], value: text.slice(start, close), start, end: close, nodeStart: start - 1, exact: true });
      while (index + 1 < lines.length && lines[index + 1]!.start <= close) index++;
      continue;
    }
    const inline = readInlineValue(rawValue);
    if (!inline || inline.value.length === 0) continue;
    const start = valueOffset + inline.start;
    entries.push({ key, parentKeys: [], value: inline.value, start, end: start + inline.value.length, nodeStart: start, exact: true });
  }
  return entries;
}

const YAML_KEY_LINE = /^(\s*)(-\s+)?(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_$][A-Za-z0-9_.$/-]*))\s*:(?:[ \t]+(.*))?$/;
const YAML_LIST_ENV_LINE = /^(\s*)-\s+(["']?)([A-Za-z_][A-Za-z0-9_]*)=(.*?)\2\s*(?:#.*)?$/;
const YAML_LIST_SCALAR_LINE = /^(\s*)-\s+(.+)$/;
const BLOCK_SCALAR = /^[|>][-+0-9]*\s*(?:#.*)?$/;

/**
 * `key: value` (plain or quoted), `key: |` block scalars, `- KEY=value` (docker-compose
 * environment lists) and `- value` list items (named after the list's key).
 */
export function readYamlEntries(text: string): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  const lines = splitLines(text);
  const parents: Array<{ indent: number; key: string }> = [];
  const siblingNames = new Map<number, string>();
  const parentKeysAt = (indent: number): string[] => {
    while (parents.length > 0 && parents[parents.length - 1]!.indent >= indent) parents.pop();
    return parents.map((parent) => parent.key).reverse();
  };

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (/^\s*(?:#|$)/.test(line.text)) continue;

    const listEnv = YAML_LIST_ENV_LINE.exec(line.text);
    if (listEnv) {
      const indent = listEnv[1]!.length;
      const rawValue = listEnv[4]!.trimEnd();
      if (rawValue.length === 0) continue;
      const start = line.start + line.text.indexOf('=') + 1;
      entries.push({ key: listEnv[3]!, parentKeys: parentKeysAt(indent), value: rawValue, start, end: start + rawValue.length, nodeStart: start, exact: true });
      continue;
    }

    const keyLine = YAML_KEY_LINE.exec(line.text);
    if (keyLine) {
      const indent = keyLine[1]!.length + (keyLine[2]?.length ?? 0);
      const key = keyLine[3] ?? keyLine[4] ?? keyLine[5]!;
      const parentKeys = parentKeysAt(indent);
      const rawValue = keyLine[6] ?? '';
      if (rawValue.trim().length === 0 || /^\s*#/.test(rawValue)) {
        parents.push({ indent, key });
        continue;
      }
      if (BLOCK_SCALAR.test(rawValue.trim())) {
        const block = readBlockScalar(lines, index, indent);
        if (block) {
          const nodeStart = line.start + line.text.length - rawValue.length + (rawValue.length - rawValue.trimStart().length);
          entries.push({ key, parentKeys, nodeStart, ...block.entry });
          index = block.lastLine;
        }
        continue;
      }
      const inline = readInlineValue(rawValue);
      if (!inline || inline.value.length === 0) continue;
      const start = line.start + line.text.length - rawValue.length + inline.start;
      // `- name: DB_PASSWORD` / `value: ...` (Kubernetes env, render.yaml): the sibling names the value.
      const namedBy = key === 'value' ? siblingNames.get(indent) : undefined;
      if (key === 'name' || key === 'key') siblingNames.set(indent, inline.value);
      else if (keyLine[2]) siblingNames.delete(indent);
      entries.push({
        key: namedBy ?? key,
        parentKeys,
        value: inline.value,
        start,
        end: start + inline.value.length,
        nodeStart: start,
        exact: true,
      });
      continue;
    }

    const listScalar = YAML_LIST_SCALAR_LINE.exec(line.text);
    if (listScalar) {
      const indent = listScalar[1]!.length;
      const parentKeys = parentKeysAt(indent + 1);
      const rawValue = listScalar[2]!;
      const inline = readInlineValue(rawValue);
      if (!inline || inline.value.length === 0 || parentKeys.length === 0) continue;
      const start = line.start + line.text.length - rawValue.length + inline.start;
      entries.push({
        key: parentKeys[0]!,
        parentKeys: parentKeys.slice(1),
        value: inline.value,
        start,
        end: start + inline.value.length,
        nodeStart: start,
        exact: true,
      });
    }
  }
  return entries;
}

function readBlockScalar(
  lines: Line[],
  keyLineIndex: number,
  keyIndent: number,
): { entry: Omit<ConfigEntry, 'key' | 'parentKeys' | 'nodeStart'>; lastLine: number } | undefined {
  const content: Line[] = [];
  let lastLine = keyLineIndex;
  for (let index = keyLineIndex + 1; index < lines.length; index++) {
    const line = lines[index]!;
    const indent = line.text.length - line.text.trimStart().length;
    if (line.text.trim().length > 0 && indent <= keyIndent) break;
    lastLine = index;
    if (line.text.trim().length > 0) content.push(line);
  }
  if (content.length === 0) return undefined;
  const first = content[0]!;
  const last = content[content.length - 1]!;
  const firstIndent = first.text.length - first.text.trimStart().length;
  return {
    entry: {
      value: content.map((line) => line.text.trim()).join('\n'),
      start: first.start + firstIndent,
      end: last.start + last.text.length,
      exact: false,
    },
    lastLine,
  };
}

/** A string value of a JSON file, with the keys it sits under (nearest first) and its offsets, quotes included. */
export interface JsonStringValue {
  value: string;
  keys: string[];
  start: number;
  end: number;
}

/**
 * JSON (and JSONC: comments, trailing commas) read token by token: every string value with the
 * property names above it, arrays passing their key through. Several times faster than building
 * a syntax tree for the megabytes of translations and fixtures that repositories commit.
 * Undefined for anything else (single quotes, unquoted keys, a broken file): the caller parses
 * those with the TypeScript parser, which accepts them.
 */
export function readJsonStrings(text: string): JsonStringValue[] | undefined {
  // Leading white space rides with each token: one regular-expression step per token.
  const TOKEN = /\s*(?:"(?:[^"\\\n\r]|\\.)*"|[{}[\]:,]|\/\/[^\n\r]*|\/\*[\s\S]*?\*\/|-?\d[\d.eE+-]*|true|false|null|$)/y;
  // One frame per open object or array: the key its values sit under (arrays keep their parent's).
  const frames: Array<{ object: boolean; key: string | undefined; expectKey: boolean }> = [];
  const values: JsonStringValue[] = [];
  const keysAbove = (): string[] => {
    const keys: string[] = [];
    for (let index = frames.length - 1; index >= 0; index--) {
      const frame = frames[index]!;
      if (frame.object && frame.key !== undefined) keys.push(frame.key);
    }
    return keys;
  };
  let index = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (index < text.length) {
    TOKEN.lastIndex = index;
    const match = TOKEN.exec(text);
    if (!match || match[0].length === 0) return undefined;
    const token = match[0].trimStart();
    const start = index + match[0].length - token.length;
    index += match[0].length;
    if (token.length === 0) break; // white space at the end
    const top = frames.at(-1);
    switch (token[0]) {
      case '{':
        frames.push({ object: true, key: undefined, expectKey: true });
        break;
      case '[':
        frames.push({ object: false, key: undefined, expectKey: false });
        break;
      case '}':
      case ']':
        if (!top || top.object !== (token === '}')) return undefined;
        frames.pop();
        break;
      case ',':
        if (top?.object) {
          top.expectKey = true;
          top.key = undefined;
        }
        break;
      case ':':
        if (!top?.object || top.expectKey || top.key === undefined) return undefined;
        break;
      case '"': {
        let value: string;
        try {
          value = token.includes('\\') ? (JSON.parse(token) as string) : token.slice(1, -1);
        } catch {
          return undefined;
        }
        if (top?.object && top.expectKey) {
          top.key = value;
          top.expectKey = false;
        } else {
          values.push({ value, keys: keysAbove(), start, end: index });
        }
        break;
      }
      default:
        break;
    }
  }
  return frames.length === 0 ? values : undefined;
}

/** JSON that readJsonStrings does not take (single quotes, unquoted keys): TypeScript's JSON parser. */
export function jsonStringsFromSyntaxTree(path: string, text: string): JsonStringValue[] {
  const json = ts.parseJsonText(path, text);
  const strings: JsonStringValue[] = [];
  // parseJsonText sets no parent pointers, so the walk carries the enclosing keys itself (nearest first).
  const visit = (node: ts.Node, keys: readonly string[]): void => {
    if (ts.isObjectLiteralExpression(node)) {
      for (const property of node.properties) {
        if (!ts.isPropertyAssignment(property)) continue;
        const name = propertyNameText(property.name);
        visit(property.initializer, name === undefined ? keys : [name, ...keys]);
      }
    } else if (ts.isArrayLiteralExpression(node)) {
      for (const element of node.elements) visit(element, keys);
    } else if (ts.isStringLiteral(node)) {
      strings.push({ value: node.text, keys: [...keys], start: node.getStart(json), end: node.end });
    }
  };
  for (const statement of json.statements) visit(statement.expression, []);
  return strings;
}
