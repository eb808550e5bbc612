import { Chalk } from 'chalk';
import { maskSecretsInLine } from '../engine/mask-secrets.js';
import { FRAMEWORKS, type Route } from '../engine/routes/route.js';
import { escapeControlCharacters } from './terminal-text.js';
import { wrapWords } from './text.js';

export const ROUTES_SCHEMA_VERSION = '1.0.0';

/** The JSON shape of `trustscan routes --format json`, documented in the README. */
export interface RouteInventoryJson {
  schemaVersion: typeof ROUTES_SCHEMA_VERSION;
  tool: { name: 'trustscan'; version: string };
  routes: Array<{
    framework: string;
    /** `http`, `graphql`, `trpc` or `lambda`. */
    kind: string;
    /** HTTP method, or the GraphQL/tRPC operation (QUERY, MUTATION, SUBSCRIPTION, FIELD). */
    method: string;
    path: string;
    file: string;
    line: number;
    column: number;
    handler?: { name: string; file: string; line: number };
    auth: string;
    authEvidence: string[];
    publicByDesign?: string;
    caller?: string;
    principal: string[];
    /** The handler's own sign-in helper also refuses callers without a role: what it checks. */
    handlerRoleCheck?: string;
    middleware: Array<{ name: string; kind: string; scope: string; strength: string; evidence: string; file: string; line: number; roles?: string[]; opaque?: boolean }>;
    /** Authenticated routes: each lookup by a client-sent id, with its ownership verdict and evidence. */
    objectAccess?: Array<{ file: string; line: number; operation: string; model?: string; method: string; key: string; verdict: string; evidence: string }>;
  }>;
  counts: { total: number; byFramework: Record<string, number>; byAuth: Record<string, number> };
  /**
   * Functions typed as framework handlers that no route mounts (the dataflow still runs from them;
   * injection findings in them are medium confidence). Not routes: not in `routes` or `counts`.
   */
  unmountedHandlers?: Array<{ framework: string; name: string; file: string; line: number }>;
  /**
   * WebSocket message handlers (socket.io, ws, NestJS gateways), by event: the dataflow runs from
   * their payload; who may open the connection is not judged. Not routes either.
   */
  messageHandlers?: Array<{ event: string; name: string; file: string; line: number }>;
}

/** Pure: the inventory as versioned JSON (deterministic: routes arrive sorted). */
export function formatRoutesJson(entries: readonly Route[], version: string): string {
  return `${JSON.stringify(buildRoutesJson(entries, version), null, 2)}\n`;
}

/** The inventory's JSON shape (also what the Node API's listRoutes returns): secrets masked, no compiler nodes. */
export function buildRoutesJson(entries: readonly Route[], version: string): RouteInventoryJson {
  const routes = entries.filter((route) => !route.unmounted);
  const { unmounted, messages } = handlersBesideRoutes(entries);
  const json: RouteInventoryJson = {
    schemaVersion: ROUTES_SCHEMA_VERSION,
    tool: { name: 'trustscan', version },
    routes: routes.map((route) => ({
      framework: route.framework,
      kind: route.kind ?? 'http',
      method: route.method,
      path: route.path,
      file: route.file,
      line: route.line,
      column: route.column,
      ...(route.handler ? { handler: { name: route.handler.name, file: route.handler.file, line: route.handler.line } } : {}),
      auth: route.auth,
      authEvidence: route.authEvidence.map(maskSecretsInLine),
      ...(route.publicByDesign ? { publicByDesign: route.publicByDesign } : {}),
      ...(route.caller ? { caller: route.caller } : {}),
      principal: route.principal,
      ...(route.handlerRoleCheck ? { handlerRoleCheck: maskSecretsInLine(route.handlerRoleCheck) } : {}),
      middleware: route.middleware.map((m) => ({
        name: maskSecretsInLine(m.name),
        kind: m.kind,
        scope: m.scope,
        strength: m.strength,
        evidence: maskSecretsInLine(m.evidence),
        file: m.file,
        line: m.line,
        ...(m.roles ? { roles: m.roles } : {}),
        ...(m.opaque ? { opaque: true } : {}),
        ...(m.validatedFields ? { validatedFields: m.validatedFields } : {}),
      })),
      ...(route.objectAccess ? { objectAccess: route.objectAccess.map((access) => ({ ...access, evidence: maskSecretsInLine(access.evidence) })) } : {}),
    })),
    counts: countRoutes(routes),
    ...(unmounted.length > 0 ? { unmountedHandlers: unmounted.map((route) => ({ framework: route.framework, name: route.handler?.name ?? '<anonymous>', file: route.file, line: route.line })) } : {}),
    ...(messages.length > 0 ? { messageHandlers: messages.map((route) => ({ event: route.path, name: route.handler?.name ?? '<anonymous>', file: route.file, line: route.line })) } : {}),
  };
  return json;
}

/** The entries that are no routes: handlers no route mounts, and WebSocket message handlers. */
function handlersBesideRoutes(entries: readonly Route[]): { unmounted: Route[]; messages: Route[] } {
  return {
    unmounted: entries.filter((route) => route.unmounted && route.kind !== 'websocket'),
    messages: entries.filter((route) => route.unmounted && route.kind === 'websocket'),
  };
}

function countRoutes(routes: readonly Route[]): RouteInventoryJson['counts'] {
  const byFramework: Record<string, number> = {};
  for (const framework of FRAMEWORKS) {
    const count = routes.filter((route) => route.framework === framework).length;
    if (count > 0) byFramework[framework] = count;
  }
  const byAuth: Record<string, number> = {};
  for (const status of ['authenticated', 'public', 'unknown']) {
    const count = routes.filter((route) => route.auth === status).length;
    if (count > 0) byAuth[status] = count;
  }
  return { total: routes.length, byFramework, byAuth };
}

/** A name longer than this is source text, not a name: `rateLimit({ windowMs: ... })` shows as `rateLimit(…)`. */
const MAX_MIDDLEWARE_LABEL = 40;

/**
 * What the text inventory calls a middleware. Its `name` is the code as written, which for an
 * inline function is its whole source (one line of 1,084 characters on a real project): a named
 * function shows its name, an anonymous one `inline function (file:line)`, a long call its callee.
 */
export function middlewareLabel(middleware: { name: string; file: string; line: number }): string {
  const name = middleware.name.trim();
  const declared = /^(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)\s*\(/.exec(name);
  if (declared) return declared[1]!;
  if (/^(?:async\s+)?(?:function\b|\(|[A-Za-z_$][\w$]*\s*=>)/.test(name) && /=>|\bfunction\b/.test(name)) return `inline function (${middleware.file}:${middleware.line})`;
  const oneLine = name.replace(/\s+/g, ' ');
  if (oneLine.length <= MAX_MIDDLEWARE_LABEL) return oneLine;
  const callee = /^(@?[A-Za-z_$][\w$.]*)\s*\(/.exec(oneLine);
  return callee ? `${callee[1]}(…)` : `${oneLine.slice(0, MAX_MIDDLEWARE_LABEL - 1)}…`;
}

/**
 * Pure: the API inventory auditors ask for, one row a route: method, path, where it is defined,
 * authentication with its evidence, role guard, rate limit and the rest of the middleware.
 */
export function formatRoutesText(entries: readonly Route[], options: { color: boolean; width?: number }): string {
  const columns = options.width ?? 80;
  const paint = new Chalk({ level: options.color ? 1 : 0 });
  const routes = entries.filter((route) => !route.unmounted);
  const { unmounted, messages } = handlersBesideRoutes(entries);
  // Paths, names and evidence come from scanned code: masked for secrets, escaped for the terminal.
  const shown = (text: string) => escapeControlCharacters(maskSecretsInLine(text));
  const rows = routes.map((route) => {
    const roleGuards = route.middleware.filter((m) => m.kind === 'role');
    const limiters = route.middleware.filter((m) => m.kind === 'rate-limit');
    const others = route.middleware.filter((m) => m.kind !== 'role' && m.kind !== 'rate-limit' && m.kind !== 'auth');
    return {
      // `TRPC order.cancel (mutation)`, `LAMBDA POST /orders/{id}`, `QUERY order`, `GET /orders/:id`.
      method: shown(route.kind === 'trpc' ? 'TRPC' : route.kind === 'action' ? 'ACTION' : route.kind === 'lambda' ? `LAMBDA ${route.method}` : route.method),
      path: shown(route.kind === 'trpc' ? `${route.path} (${route.method.toLowerCase()})` : route.path),
      location: shown(`${route.file}:${route.line}`),
      auth: shown(`${route.auth}${route.authEvidence[0] ? ` (${route.authEvidence[0]})` : ''}`),
      authStatus: route.auth,
      role: shown(roleGuards.map((m) => (m.roles?.length ? `${middlewareLabel(m)} [${m.roles.join(', ')}]` : middlewareLabel(m))).join(', ') || (route.handlerRoleCheck ? `in the handler: ${route.handlerRoleCheck}` : '')) || '-',
      rateLimit: shown(limiters.map(middlewareLabel).join(', ')) || '-',
      middleware: others.length > 0 ? others.map((m, index) => `${shown(`${middlewareLabel(m)}:${m.kind}`)}${index < others.length - 1 ? ',' : ''}`) : ['-'],
      objectAccess: (route.objectAccess ?? []).map((access) =>
        shown(`${access.operation === 'write' ? 'writes' : 'reads'} ${access.model ? `${access.model} ` : ''}(${access.method}) by ${access.key} at ${access.file}:${access.line}: ${access.evidence}`),
      ),
      unchecked: (route.objectAccess ?? []).filter((access) => access.verdict === 'unchecked').length > 0,
    };
  });
  const width = (key: 'method' | 'path' | 'location') => Math.max(key.length, ...rows.map((row) => row[key].length));
  const widths = { method: width('method'), path: Math.min(width('path'), 60), location: Math.min(width('location'), 50) };
  const lines: string[] = [];
  lines.push(paint.bold(`${'METHOD'.padEnd(widths.method)}  ${'PATH'.padEnd(widths.path)}  ${'LOCATION'.padEnd(widths.location)}  AUTH`));
  for (const row of rows) {
    const authText = row.authStatus === 'authenticated' ? paint.green(row.auth) : row.authStatus === 'public' ? paint.yellow(row.auth) : paint.magenta(row.auth);
    lines.push(`${row.method.padEnd(widths.method)}  ${row.path.padEnd(widths.path)}  ${row.location.padEnd(widths.location)}  ${authText}`);
    // Each label stays whole on a line; the details wrap between them.
    const details = [`role: ${row.role}`, '|', `rate limit: ${row.rateLimit}`, '|', 'middleware:', ...row.middleware];
    const indent = ' '.repeat(widths.method + 2);
    lines.push(...wrapWords(details, columns, { plain: indent, painted: indent, indent: indent.length + 2 }).map((line) => paint.dim(line)));
    for (const access of row.objectAccess) {
      const text = `${' '.repeat(widths.method + 2)}object access: ${access}`;
      lines.push(access.endsWith(': unchecked') || /: unchecked \(/.test(access) ? paint.red(text) : paint.dim(text));
    }
  }
  if (unmounted.length > 0) {
    lines.push('', paint.bold(`Unmounted handlers (${unmounted.length}): typed as handlers or registered through a config source model, mounted nowhere trustscan can see; analysed for injection only`));
    for (const handler of unmounted) lines.push(`  ${shown(handler.handler?.name ?? '<anonymous>')}  ${shown(`${handler.file}:${handler.line}`)}  (${handler.framework})`);
  }
  if (messages.length > 0) {
    lines.push('', paint.bold(`WebSocket message handlers (${messages.length}): their payload is analysed for injection; who may open the connection is not judged`));
    for (const handler of messages) lines.push(`  WS ${shown(handler.path)}  ${shown(handler.handler?.name ?? '<anonymous>')}  ${shown(`${handler.file}:${handler.line}`)}`);
  }
  const counts = countRoutes(routes);
  lines.push('');
  const frameworks = Object.entries(counts.byFramework).map(([name, count]) => `${name} ${count}`);
  const auth = Object.entries(counts.byAuth).map(([status, count]) => `${status} ${count}`);
  lines.push(
    counts.total === 0
      ? 'No routes found.'
      : `${counts.total} route${counts.total === 1 ? '' : 's'}: ${frameworks.join(', ')}; ${auth.join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}
