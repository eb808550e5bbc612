import { escapeRegExp } from '../../text.js';

/**
 * Whether a Hono middleware path (`*`, `/api/*`, `/users/:id`, `/posts/:id{[0-9]+}`) matches a
 * route's path. The route path is itself a pattern, so a parameter segment (`:id`) or a wildcard
 * stands for any value: `/users/:id` is under `/users/*` but not under `/users/me`.
 */
export function honoPatternMatches(pattern: string, routePath: string): boolean {
  if (pattern === '*' || pattern === '/*') return true;
  return patternRegExp(pattern).test(routePath);
}

const cache = new Map<string, RegExp>();

function patternRegExp(pattern: string): RegExp {
  const cached = cache.get(pattern);
  if (cached) return cached;
  let source = '';
  const segments = pattern.split('/').slice(1);
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '*') {
      // `/api/*` also matches `/api` itself.
      source += last ? '(?:/.*)?' : '/[^/]*';
    } else if (segment.startsWith(':')) {
      source += segment.endsWith('?') ? '(?:/[^/]+)?' : '/[^/]+';
    } else {
      source += `/${segment.split('*').map(escapeRegExp).join('.*')}`;
    }
  });
  const regex = new RegExp(`^${source || '/'}/?$`);
  cache.set(pattern, regex);
  return regex;
}

