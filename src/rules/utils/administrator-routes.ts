import type { Route, RouteMiddleware } from '../../engine/routes/route.js';

/** Role names that only administrators of the deployment hold (`admin`, `ROLE_SUPERUSER`, wiki.js `manage:system`). */
export const ADMINISTRATOR_ROLE = /admin|superuser|super_user|root|owner|staff|manage[:_-]?system|system[:_-]?manage/i;

/** The role guard that limits a route to administrators: every role it names is an administrator's. */
export function administratorGuard(route: Pick<Route, 'middleware'>): RouteMiddleware | undefined {
  return route.middleware.find((middleware) => middleware.kind === 'role' && (middleware.roles?.length ?? 0) > 0 && middleware.roles!.every((role) => ADMINISTRATOR_ROLE.test(role)));
}
