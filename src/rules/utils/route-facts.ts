import { findDataAccess, type DataAccess } from '../../engine/ast/data-access.js';
import { calledFunctions, type ResolvedFunction } from '../../engine/names/index.js';
import type { ModuleIndex } from '../../engine/names/index.js';
import type { Route } from '../../engine/routes/route.js';
import { wordPath } from '../../engine/routes/route-path.js';
import type { TraceStep } from '../../types.js';
import type { RuleContext } from '../../engine/rule-api.js';
import { fileWithPath } from '../../engine/ast/file-index.js';
import { RATE_LIMIT_COUNTER_MODEL } from '../../models/rate-limiters.js';

/** What the access-control rules need to know about one route, computed once per route. */
export interface RouteFacts {
  route: Route;
  handler?: ResolvedFunction;
  /** Handler body text plus the bodies of the project functions it calls (for evidence regexes). */
  bodyText: string;
  dataAccess: DataAccess[];
  writes: DataAccess[];
  segments: string[];
}

// Both access-control rules ask for the facts of every route; routes are shared by all rules of a scan.
const factsByRoute = new WeakMap<Route, RouteFacts>();

export function routeFacts(ctx: RuleContext, route: Route): RouteFacts {
  const known = factsByRoute.get(route);
  if (known) return known;
  const facts = computeRouteFacts(ctx, route);
  factsByRoute.set(route, facts);
  return facts;
}

function computeRouteFacts(ctx: RuleContext, route: Route): RouteFacts {
  const handler = resolvedHandler(ctx.modules, route);
  const dataAccess = handler ? findDataAccess(ctx.modules, handler) : [];
  const bodies = new Set<string>();
  if (handler?.node.body) {
    bodies.add(handler.node.body.getText(handler.node.getSourceFile()));
    // Checks often live one call down (`this.authService.verifyAdmin(user)`).
    for (const callee of calledFunctions(ctx.modules, handler)) bodies.add(callee.node.body!.getText(callee.node.getSourceFile()));
  }
  for (const access of dataAccess) {
    // The statement around each access shows what was written (e.g. `role: body.role`).
    bodies.add(access.call.getText(access.call.getSourceFile()));
  }
  return {
    route,
    handler,
    bodyText: [...bodies].join('\n'),
    dataAccess,
    // A project limiter's counter row (models/rate-limiters RATE_LIMIT_COUNTER_MODEL) is written for every request,
    // anonymous ones too: the limiter at work, not a change the route makes to the app's state.
    writes: dataAccess.filter((access) => access.operation === 'write' && !(access.model && RATE_LIMIT_COUNTER_MODEL.test(access.model))),
    segments: pathSegments(wordPath(route)),
  };
}

function resolvedHandler(modules: ModuleIndex, route: Route): ResolvedFunction | undefined {
  if (!route.handler) return undefined;
  const file = modules.fileOf(route.handler.node);
  return file ? { file, node: route.handler.node, name: route.handler.name } : undefined;
}

/** `/api/v1/orders/:id` -> ['api', 'v1', 'orders', ':id'], lowercased. */
export function pathSegments(routePath: string): string[] {
  return routePath.toLowerCase().split('/').filter(Boolean);
}

/** Where to report a route: its definition line, first token to end of line. */
export function routeSpan(ctx: RuleContext, route: Route): { start: number; end: number } {
  const file = fileWithPath(ctx.sourceFiles, route.file);
  if (!file) return { start: 0, end: 0 };
  const lineStarts = file.sourceFile.getLineStarts();
  const lineStart = lineStarts[route.line - 1] ?? 0;
  const start = lineStart + route.column - 1;
  const nextLine = lineStarts[route.line];
  const end = nextLine === undefined ? file.text.length : Math.max(start, nextLine - 1);
  return { start, end };
}

/** Route -> handler -> data access, as trace steps a reader can follow. */
export function accessTrace(facts: RouteFacts, access: DataAccess | undefined, routeMessage: string): TraceStep[] {
  const steps: TraceStep[] = [{ file: facts.route.file, line: facts.route.line, column: facts.route.column, message: routeMessage }];
  if (facts.route.handler) {
    steps.push({ file: facts.route.handler.file, line: facts.route.handler.line, column: 1, message: `handler ${facts.route.handler.name}` });
  }
  if (access) {
    const via = access.via.length > 0 ? ` via ${access.via.join(' -> ')}` : '';
    steps.push({ file: access.file.path, line: access.line, column: 1, message: `${describeAccess(access)}${via}` });
  }
  return steps;
}

export function describeAccess(access: DataAccess): string {
  const target = access.model ? `${access.model} ` : '';
  return `${access.operation === 'write' ? 'writes' : 'reads'} ${target}(${access.method})`;
}

export const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'MUTATION']);

/** Data about people, money or access: reading it without authentication is a breach. */
export const SENSITIVE_SEGMENT =
  /^(?:admin|internal|users?|accounts?|me|profiles?|settings|orders?|payments?|billing|invoices?|transactions?|transfers?|wallets?|cards?|customers?|patients?|messages?|conversations?|notifications?|exports?|reports?|audit(?:-logs?)?|api-?keys?|keys|tokens|sessions|subscriptions?|addresses|documents?|files?|uploads?|teams?|organi[sz]ations?|orgs?|members?|roles?|permissions?|secrets?|credentials?|employees?|payroll|payslips?|paychecks?|salar(?:y|ies)|medical|records?|appointments?|prescriptions?|bookings?|reservations?|carts?|checkout|refunds?|payouts?|balances?|statements?)$/;

export const SENSITIVE_MODEL =
  /^(?:users?|accounts?|orders?|payments?|invoices?|customers?|patients?|messages?|transactions?|addresses|address|profiles?|sessions?|tokens?|cards?|wallets?|transfers?|documents?|files?|subscriptions?|members?|memberships?|organi[sz]ations?|employees?|records?|notes?|secrets?|credentials?|api_?keys?|appointments?|prescriptions?|bookings?|carts?|refunds?|payouts?|baskets?|complaints?|feedbacks?|recycles?|deliveries|delivery|wallet|cards|payslips?|paychecks?|salar(?:y|ies)|payrolls?|statements?|bank_?accounts?|tax_?returns?)$/i;

/**
 * The record a model's name is about, without the word for its kind: Mongoose's `UserModel`,
 * `OrdersCollection`, `customer_model` -> User, Orders, customer (a name that is only the kind stays).
 */
export function modelSubject(model: string): string {
  return model.replace(/(?<=[a-z0-9])(?:Model|Collection|Entity|Schema|Repository|Repo|Table|Dao)$/, '').replace(/(?<=[a-z0-9])[_-](?:model|collection|entity|schema|repository|repo|table|dao)$/i, '');
}

/** `forgot-password` -> "forgot password"; `resetPassword` -> "reset password"; `2FA` -> "2fa". */
export function words(name: string): string {
  return name
    .replace(/([a-z])([A-Z0-9])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .toLowerCase();
}
