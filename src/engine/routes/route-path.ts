/** Joins route path parts into one path: single slashes, a leading slash, no trailing slash but for the root. */
export function joinRoutePath(...parts: readonly string[]): string {
  const joined = parts
    .flatMap((part) => part.split('/'))
    .filter((segment) => segment.length > 0)
    .join('/');
  return `/${joined}`;
}
