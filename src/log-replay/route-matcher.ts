/**
 * Matches a logged request to a route of the inventory by method and path pattern. Parameters in
 * every framework's syntax (`:id`, `[id]`, `{id}`) match one segment; catch-alls (`*`, `[...slug]`,
 * `{proxy+}`, `:path*`) the rest. The query string is ignored. Where several routes match, the one
 * with the most literal segments wins (`/orders/recent` before `/orders/:id`), as routers do.
 */
export interface MatchableRoute {
  kind?: string | undefined;
  method: string;
  path: string;
}

export interface RouteMatch<R extends MatchableRoute> {
  route: R;
  /** Parameter values by name, in path order. */
  params: Array<{ name: string; value: string }>;
}

interface TrieNode<R> {
  literal: Map<string, TrieNode<R>>;
  param?: { names: Set<string>; node: TrieNode<R> };
  /** Routes that end here, with the names of their parameters in order. */
  routes: Array<{ route: R; paramNames: string[]; literals: number }>;
  rest: Array<{ route: R; paramNames: string[]; literals: number }>;
}

const newNode = <R>(): TrieNode<R> => ({ literal: new Map(), routes: [], rest: [] });

function segmentKind(segment: string): { kind: 'literal' | 'param' | 'rest'; name: string } {
  if (segment === '*' || /^\[\[?\.\.\./.test(segment) || /^\{[^}]*\+\}$/.test(segment) || /^:[^/]+\*$/.test(segment)) return { kind: 'rest', name: segment.replace(/[[\]{}.:*+]/g, '') || 'rest' };
  if (segment.startsWith(':')) return { kind: 'param', name: segment.slice(1).replace(/\?$/, '').replace(/\(.*\)$/, '') };
  if (/^\[[^\]]+\]$/.test(segment) || /^\{[^}]+\}$/.test(segment)) return { kind: 'param', name: segment.slice(1, -1) };
  return { kind: 'literal', name: segment.toLowerCase() };
}

function pathSegments(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

/** Methods a route handles: `ALL` every one, a GET route HEAD too (Express and most routers answer HEAD with GET). */
function methodsOf(method: string): string[] {
  if (method === 'ALL') return ['*'];
  return method === 'GET' ? ['GET', 'HEAD'] : [method];
}

export class RouteMatcher<R extends MatchableRoute> {
  private readonly byMethod = new Map<string, TrieNode<R>>();

  constructor(routes: readonly R[]) {
    for (const route of routes) {
      // GraphQL operations, tRPC procedures and Next.js server actions (a POST to whichever page
      // holds the form) are not addressed by an HTTP path an access log shows.
      if (route.kind === 'graphql' || route.kind === 'trpc' || route.kind === 'action') continue;
      for (const method of methodsOf(route.method)) {
        let root = this.byMethod.get(method);
        if (!root) this.byMethod.set(method, (root = newNode()));
        this.insert(root, route);
      }
    }
  }

  private insert(root: TrieNode<R>, route: R): void {
    let node = root;
    const paramNames: string[] = [];
    let literals = 0;
    for (const segment of pathSegments(route.path)) {
      const { kind, name } = segmentKind(segment);
      if (kind === 'rest') {
        node.rest.push({ route, paramNames: [...paramNames, name], literals });
        return;
      }
      if (kind === 'param') {
        paramNames.push(name);
        node.param ??= { names: new Set(), node: newNode() };
        node.param.names.add(name);
        node = node.param.node;
      } else {
        literals++;
        let next = node.literal.get(name);
        if (!next) node.literal.set(name, (next = newNode()));
        node = next;
      }
    }
    node.routes.push({ route, paramNames, literals });
  }

  /** The route a request to `method target` reaches, or undefined for a path the inventory does not know. */
  match(method: string, target: string): RouteMatch<R> | undefined {
    const segments = pathSegments(requestPath(target));
    let best: { entry: { route: R; paramNames: string[]; literals: number }; values: string[] } | undefined;
    for (const root of [this.byMethod.get(method.toUpperCase()), this.byMethod.get('*')]) {
      if (!root) continue;
      const found = bestMatch(root, segments, 0, []);
      if (found && (!best || found.entry.literals > best.entry.literals)) best = found;
    }
    if (!best) return undefined;
    const params = best.entry.paramNames.map((name, index) => ({ name, value: best!.values[index] ?? '' }));
    return { route: best.entry.route, params };
  }
}

function bestMatch<R>(node: TrieNode<R>, segments: readonly string[], index: number, values: string[]): { entry: { route: R; paramNames: string[]; literals: number }; values: string[] } | undefined {
  let best: { entry: { route: R; paramNames: string[]; literals: number }; values: string[] } | undefined;
  const consider = (candidate: typeof best): void => {
    if (candidate && (!best || candidate.entry.literals > best.entry.literals)) best = candidate;
  };
  if (index === segments.length) {
    if (node.routes[0]) consider({ entry: node.routes[0], values: [...values] });
  } else {
    const segment = segments[index]!;
    const literal = node.literal.get(segment.toLowerCase());
    if (literal) consider(bestMatch(literal, segments, index + 1, values));
    if (node.param) {
      values.push(safeDecode(segment));
      consider(bestMatch(node.param.node, segments, index + 1, values));
      values.pop();
    }
  }
  // A catch-all takes one or more remaining segments.
  if (index < segments.length && node.rest[0]) consider({ entry: node.rest[0], values: [...values, segments.slice(index).map(safeDecode).join('/')] });
  return best;
}

function safeDecode(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The path of a request target: an absolute URL's path (ALB logs `https://host:443/x`), without query or fragment. */
export function requestPath(target: string): string {
  let path = target;
  const scheme = path.indexOf('://');
  if (scheme > 0 && scheme < 10) {
    const slash = path.indexOf('/', scheme + 3);
    path = slash === -1 ? '/' : path.slice(slash);
  }
  const end = path.search(/[?#]/);
  return end === -1 ? path : path.slice(0, end);
}
