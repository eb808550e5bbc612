/** Joins route path parts into one path: single slashes, a leading slash, no trailing slash but for the root. */
export function joinRoutePath(...parts: readonly string[]): string {
  const joined = parts
    .flatMap((part) => part.split('/'))
    .filter((segment) => segment.length > 0)
    .join('/');
  return `/${joined}`;
}

/**
 * One spelling for every framework's parameter syntax, so a config step written as
 * `POST /orders/:id/finalize` names the Next.js route `/orders/[orderId]/finalize` too:
 * `:id`, `:id?`, `[id]`, `[...slug]`, `[[...slug]]`, `{id}` all become `:param`.
 */
export function normalizeRouteParams(routePath: string): string {
  return routePath
    .split('/')
    .map((segment) => (/^(?::|\[|\{)/.test(segment) ? ':param' : segment))
    .join('/')
    .replace(/\/+$/, '')
    .toLowerCase() || '/';
}

/**
 * A route as config and commands name it: `METHOD /path`, `MUTATION cancelOrder`,
 * `TRPC order.cancel`, `LAMBDA POST /orders/{id}`. `method` is undefined when any method matches
 * (`TRPC x`, or a bare path in a pattern).
 */
export interface EntryPattern {
  kind?: 'trpc' | 'lambda' | 'action';
  method?: string;
  path: string;
}

export function parseEntryPattern(text: string): EntryPattern {
  const words = text.trim().split(/\s+/);
  const first = words[0]?.toUpperCase();
  if (first === 'TRPC') return { kind: 'trpc', path: words.slice(1).join(' ').replace(/\s*\((?:query|mutation|subscription)\)$/i, '') };
  if (first === 'ACTION' && words.length === 2) return { kind: 'action', path: words[1]! };
  if (first === 'LAMBDA' && words.length >= 3) return { kind: 'lambda', method: words[1]!.toUpperCase(), path: words.slice(2).join(' ') };
  if (words.length === 1) return { path: words[0] ?? '' };
  return { method: first === '*' ? undefined : first, path: words.slice(1).join(' ') } as EntryPattern;
}

/** Whether a named pattern can name this entry: same kind where the pattern says one, same method (`ALL` matches any). */
export function entryKindAndMethodMatch(pattern: EntryPattern, route: { kind?: string | undefined; method: string }): boolean {
  if (pattern.kind === 'trpc' && route.kind !== 'trpc') return false;
  if (pattern.kind === 'lambda' && route.kind !== 'lambda') return false;
  if (pattern.kind !== 'trpc' && route.kind === 'trpc') return false;
  if ((pattern.kind === 'action') !== (route.kind === 'action')) return false;
  return pattern.method === undefined || pattern.method === route.method || route.method === 'ALL' || pattern.method === 'ALL';
}

/** Whether a config step (`METHOD /path`, `MUTATION cancelOrder`, `TRPC order.cancel`) names this route. */
export function routeMatchesStep(step: string, route: { kind?: string | undefined; method: string; path: string }): boolean {
  const pattern = parseEntryPattern(step);
  if (pattern.method === undefined && pattern.kind !== 'trpc') return false;
  if (!entryKindAndMethodMatch(pattern, route)) return false;
  return normalizeRouteParams(pattern.path) === normalizeRouteParams(route.path);
}

/**
 * A route's name as path segments for the heuristics that read words from paths (login routes,
 * personal data, flow steps): HTTP paths as they are; a GraphQL field, tRPC procedure or Next.js
 * server action (named by its function) split at dots and camel case, `auth.requestPasswordReset`
 * -> `/auth/request-password-reset`, `forgotPasswordAction` -> `/forgot-password-action`.
 */
export function wordPath(route: { kind?: string | undefined; path: string }): string {
  if (route.kind !== 'graphql' && route.kind !== 'trpc' && route.kind !== 'action') return route.path;
  return `/${route.path
    .split('.')
    .map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase())
    .join('/')}`;
}
