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

/** Whether a config step `METHOD /path` names this route (method must match; `ALL` routes match any method). */
export function routeMatchesStep(step: string, route: { method: string; path: string }): boolean {
  const space = step.indexOf(' ');
  if (space === -1) return false;
  const method = step.slice(0, space).toUpperCase();
  if (method !== route.method && route.method !== 'ALL' && method !== 'ALL') return false;
  return normalizeRouteParams(step.slice(space + 1).trim()) === normalizeRouteParams(route.path);
}
