/** Route path text as routers compose it: joining a mount prefix, normalizing, prefix matching. */
import { ts } from '#typescript';
import { skipOuterExpressions } from '../../ast/syntax.js';

/** Segment-wise prefix match where `:param` and `*` segments of the prefix match any segment. */
export function pathStartsWith(path: string, prefix: string): boolean {
  const pathSegments = path.split('/').filter(Boolean);
  const prefixSegments = prefix.split('/').filter(Boolean);
  if (prefixSegments.length > pathSegments.length) return prefixSegments.at(-1) === '*' && prefixSegments.length === pathSegments.length + 1;
  return prefixSegments.every((segment, index) => {
    const actual = pathSegments[index]!;
    return segment === actual || segment.startsWith(':') || segment === '*' || segment === '(.*)' || actual.startsWith(':');
  });
}

export function joinPaths(base: string, sub: string): string {
  if (!sub || sub === '/') return base;
  if (!base) return sub;
  return `${base.replace(/\/+$/, '')}/${sub.replace(/^\/+/, '')}`;
}

/** Single slashes, a leading slash, no trailing slash except for the root. */
export function normalizePath(path: string): string {
  if (path.startsWith('^') || (path.startsWith('/') && path.length > 1 && path.lastIndexOf('/') > 0 && /\/[gimsuy]*$/.test(path) && /[\\^$|?+]/.test(path))) {
    return path; // a regular expression route, kept as written
  }
  let normalized = `/${path}`.replace(/\/{2,}/g, '/');
  if (normalized.length > 1) normalized = normalized.replace(/\/+$/, '');
  return normalized || '/';
}

export function regexFromLiteral(text: string): RegExp | undefined {
  const match = /^\/(.*)\/([a-z]*)$/s.exec(text);
  if (!match) return undefined;
  try {
    return new RegExp(match[1]!, match[2]!.replace(/[gy]/g, ''));
  } catch {
    return undefined;
  }
}

/** An unevaluable `use` prefix that still reads as one: `config.apiPrefix`, `basePath`. */
export function looksLikePathName(expression: ts.Expression): boolean {
  const value = skipOuterExpressions(expression);
  const name = ts.isIdentifier(value) ? value.text : ts.isPropertyAccessExpression(value) ? value.name.text : undefined;
  return name !== undefined && /(?:path|prefix|url|base|mount|endpoint)$/i.test(name);
}
