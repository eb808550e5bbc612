import { escapeRegExp } from '../../text.js';

/**
 * Next.js middleware `config.matcher` entries and Clerk `createRouteMatcher` patterns are
 * path-to-regexp (v6) strings (a middleware's own list of public paths may be v8's: `/files/*path`): `/api/:path*`, `/dashboard(.*)`, `/((?!api|_next/static).*)`.
 * This compiles the subset real apps write into a RegExp, without the dependency.
 */

/** A compiled matcher entry; undefined when the pattern is not one we can read (then it is ignored). */
export function compilePathPattern(pattern: string): RegExp | undefined {
  let source = '';
  let index = 0;
  while (index < pattern.length) {
    const char = pattern[index]!;
    if (char === '\\' && index + 1 < pattern.length) {
      source += escapeRegExp(pattern[index + 1]!);
      index += 2;
      continue;
    }
    if (char === '/' && pattern[index + 1] === ':') {
      // `/:name`, `/:name*`, `/:name+`, `/:name?`, `/:name(\\d+)`: the slash belongs to the parameter.
      const parameter = readParameter(pattern, index + 2);
      const segment = parameter.group ?? '[^/]+?';
      if (parameter.modifier === '*') source += `(?:/(?:${segment}))*`;
      else if (parameter.modifier === '+') source += `(?:/(?:${segment}))+`;
      else if (parameter.modifier === '?') source += `(?:/(?:${segment}))?`;
      else source += `/(?:${segment})`;
      index = parameter.end;
      continue;
    }
    if (char === ':') {
      const parameter = readParameter(pattern, index + 1);
      source += `(?:${parameter.group ?? '[^/]+?'})${parameter.modifier ?? ''}`;
      index = parameter.end;
      continue;
    }
    if (char === '(') {
      const end = closingParenthesis(pattern, index);
      if (end === -1) return undefined;
      // A raw group is a regular expression as written, lookaheads included.
      source += `(?:${pattern.slice(index + 1, end)})`;
      index = end + 1;
      if (pattern[index] === '*' || pattern[index] === '+' || pattern[index] === '?') source += pattern[index++];
      continue;
    }
    // A bare `*` is not path-to-regexp v6, but people write `/dashboard/*` and mean "anything below";
    // path-to-regexp v8 names its wildcard (`/files/*path`), which matches the same.
    if (char === '*') {
      source += '.*';
      index += 1;
      while (index < pattern.length && /\w/.test(pattern[index]!)) index += 1;
      continue;
    }
    source += escapeRegExp(char);
    index += 1;
  }
  try {
    return new RegExp(`^${source}/?$`, 'i');
  } catch {
    return undefined;
  }
}

/** A request path that the route can serve: `[id]` and catch-alls become one concrete segment. */
export function samplePathOf(routePath: string): string {
  return routePath.replace(/\[\[?(?:\.\.\.)?[^\]]+\]?\]/g, '1');
}

function readParameter(pattern: string, start: number): { end: number; group?: string; modifier?: string } {
  let end = start;
  while (end < pattern.length && /\w/.test(pattern[end]!)) end += 1;
  let group: string | undefined;
  if (pattern[end] === '(') {
    const close = closingParenthesis(pattern, end);
    if (close !== -1) {
      group = pattern.slice(end + 1, close);
      end = close + 1;
    }
  }
  let modifier: string | undefined;
  if (pattern[end] === '*' || pattern[end] === '+' || pattern[end] === '?') modifier = pattern[end++];
  return { end, group, modifier };
}

function closingParenthesis(pattern: string, open: number): number {
  let depth = 0;
  for (let index = open; index < pattern.length; index += 1) {
    const char = pattern[index];
    if (char === '\\') {
      index += 1;
      continue;
    }
    if (char === '(') depth += 1;
    else if (char === ')') {
      depth -= 1;
      if (depth === 0) return index;
    }
  }
  return -1;
}


/**
 * A glob as micromatch, picomatch and minimatch read it (`/api/auth/**`, `/api/*.json`, `/api/v?/x`):
 * `**` any run of characters, `*` and `?` within one segment; braces and classes are not read
 * (undefined), so a pattern we cannot read never decides a path.
 */
export function compileGlob(pattern: string): RegExp | undefined {
  if (/[{}[\]!()]/.test(pattern)) return undefined;
  let source = '';
  let index = 0;
  while (index < pattern.length) {
    if (pattern.startsWith('/**', index) && (index + 3 === pattern.length || pattern[index + 3] === '/')) {
      // `/x/**` matches `/x` itself and everything below it; `/a/**/b` any depth between.
      source += '(?:/.*)?';
      index += 3;
    } else if (pattern.startsWith('**', index)) {
      source += '.*';
      index += 2;
    } else {
      const char = pattern[index]!;
      source += char === '*' ? '[^/]*' : char === '?' ? '[^/]' : escapeRegExp(char);
      index += 1;
    }
  }
  return new RegExp(`^${source}$`);
}
