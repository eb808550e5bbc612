import { nodePosition } from '../engine/ast/syntax.js';
import type { UncheckedAccess } from '../engine/access/object-access.js';
import { isWriteAccess, type LookupAccess } from '../engine/access/lookup-keys.js';
import type { ObjectAccessVerdict, Route } from '../engine/routes/route.js';
import { lineEndOffset } from '../engine/source-text.js';
import { routeRef, type ExaminedItem, type TraceStep } from '../types.js';
import type { RuleContext } from '../engine/rule-api.js';
import { defineRule } from './define-rule.js';
import { routeLabel } from './utils/tainted-sink.js';

export default defineRule({
  meta: {
    id: 'missing-ownership-check',
    title: 'Object fetched by a client-supplied id without an ownership check',
    severity: 'high',
    confidence: 'high',
    controls: {
      soc2: ['CC6.1', 'CC6.3'],
      owaspApi: ['API1:2023'],
      cwe: ['CWE-639', 'CWE-862'],
      pciDss: ['6.2.4', '7.2.1'],
      hipaa: ['164.312(a)(1)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description:
        'Finds authenticated routes that read, change or delete a record by an identifier the client sends (path, query or body) with nothing tying the record to the signed-in user (broken object level authorization).',
      remediation:
        'Scope the lookup to the caller (e.g. where: { id, userId: req.user.id }), or compare the record\'s owner with the authenticated user and reject with 403/404 before using it, or call your policy check (CASL, casbin, authorize()) with the user and the record.',
    },
  },
  analyses: ['objectAccess'],
  check(ctx) {
    // The engine decides each lookup's verdict (shared with the routes inventory); this rule reports the unchecked ones.
    for (const routes of ctx.objectAccess.unchecked.values()) report(ctx, routes);
    for (const [route, accesses] of ctx.objectAccess.byRoute) {
      for (const access of accesses) {
        ctx.examined({
          subject: 'object lookup',
          name: `${access.model ? `${access.model} ` : ''}${access.method} by ${access.key} in ${route.id}`,
          file: access.file,
          line: access.line,
          outcome: LOOKUP_OUTCOMES[access.verdict],
          evidence: access.evidence,
        });
      }
    }
  },
});

/** How each verdict of the object-access analysis reads as evidence: the control holds, does not apply, or is missing. */
const LOOKUP_OUTCOMES: Readonly<Record<ObjectAccessVerdict, ExaminedItem['outcome']>> = {
  scoped: 'passed',
  'owner-compared': 'passed',
  guarded: 'passed',
  'admin-only': 'passed',
  service: 'exempt',
  'not-owned': 'exempt',
  public: 'exempt',
  'existence-only': 'exempt',
  capability: 'finding',
  unchecked: 'finding',
};

// Routes named in a message and traced in full; the rest are counted.
const ROUTES_NAMED = 3;
const ROUTES_TRACED = 5;

/**
 * One finding at the data access: the call whose filter lacks the owner constraint, where the fix
 * goes. Each route that reaches it is a trace step followed by its request source and the calls
 * that carried the id, so the finding (and its fingerprint, which depends only on the access
 * line) stays the same when another route starts reaching the access.
 */
function report(ctx: RuleContext, candidates: UncheckedAccess[]): void {
  const sorted = [...candidates].sort((a, b) => compareRoutes(a.tainted.route, b.tainted.route));
  const first = sorted[0]!;
  const { lookup, field, accessFile } = first;
  const write = isWriteAccess(lookup);
  // A generic helper's lookup reads the entity each route's call names (`getEntityOrThrow(ctx, Order, id)`).
  const models = [...new Set(sorted.flatMap((candidate) => (candidate.lookup.access.model ? [candidate.lookup.access.model] : [])))];
  const target = `${models.length > 0 ? `${models.join(' / ')} ` : ''}(${accessApi(lookup)})`;
  const accessPosition = nodePosition(lookup.node);
  const labels = sorted.map((candidate) => routeLabel(candidate.tainted));
  const routesText =
    labels.length === 1 ? labels[0]! : `${labels.length} routes (${labels.slice(0, ROUTES_NAMED).join(', ')}${labels.length > ROUTES_NAMED ? `, and ${labels.length - ROUTES_NAMED} more` : ''})`;
  const sources = [...new Set(sorted.map((candidate) => candidate.taint.source.label))];
  const guarded = sorted.every((candidate) => candidate.guardNote);
  const roleOnly = sorted.every((candidate) => candidate.roleNote);
  const parentGuarded = sorted.every((candidate) => candidate.parentGuardNote);
  const guard = guarded
      ? ` The route's ${first.guardNote} may check it, but its code does not show a comparison with the user.`
      : '';
  const capability = sorted.every((candidate) => candidate.capability) ? first.capability : undefined;
  // `@Allow(Permission.Owner)` on every route: its guard lets anonymous callers in, as owners of what the handler scopes to.
  const ownerMarks = sorted.map((candidate) => candidate.tainted.route.middleware.find((middleware) => middleware.admitsAnyCallerAsOwner)?.admitsAnyCallerAsOwner);
  const anyCaller = ownerMarks.every((mark) => mark !== undefined) ? ownerMarks[0] : undefined;
  const verb = labels.length === 1 ? (write ? 'changes' : 'reads') : write ? 'change' : 'read';
  const bypass = sorted.every((candidate) => candidate.bypassNote) ? first.bypassNote : undefined;
  const message = bypass
    ? `${routesText} ${labels.length === 1 ? 'changes' : 'change'} ${target}, looked up by ${sources.join(' / ')} (the client's choice, as ${field}), where ${bypass}: ` +
      `for a record where that test is false the refusal never runs, so any authenticated user can change or delete another user's record in that state.`
    : capability
    ? `${routesText} ${verb} ${target} by ${sources.join(' / ')} (as ${capability}) with no ownership check. The ${capability} works as a capability: whoever holds the link can ${write ? 'change' : 'read'} the record, ` +
      `which is safe only if it is long, random and revocable (low severity for that reason; a guessable or leaked ${capability} exposes the record).`
    : roleOnly
      ? `${routesText} ${verb} ${target} by ${sources.join(' / ')} (the client's choice, as ${field}) with no check that the record is in the caller's organization: ` +
        `${first.roleNote}. A caller holding that role in one organization can ${write ? 'change or delete' : 'read'} another organization's record by its id.`
      : parentGuarded
        ? `${routesText} ${verb} ${target} by ${sources.join(' / ')} (the client's choice, as ${field}) with no check that it belongs to the record the route's guard checks: ` +
          `${first.parentGuardNote}, and the lookup is not tied to that record. The owner of any one of them can ${write ? 'change or delete' : 'read'} another user's record by its id.`
      : `${routesText} ${verb} ${target} by ${sources.join(' / ')} (the client's choice, as ${field}) with no ownership check: ` +
        `the lookup is not scoped to the signed-in user, no owner comparison or authorization call follows it, so ${anyCaller ? `any caller, even one without an account (${anyCaller} admits every caller as the owner and leaves the scoping to the handler),` : 'any authenticated user'} can ${write ? 'change or delete' : 'read'} another user's record.${guard}`;
  const trace: TraceStep[] = [];
  for (const candidate of sorted.slice(0, ROUTES_TRACED)) {
    const route = candidate.tainted.route;
    trace.push({ file: route.file, line: route.line, column: route.column, message: `route ${routeLabel(candidate.tainted)}` });
    trace.push(...candidate.taint.steps);
  }
  trace.push({ file: accessFile.path, line: accessPosition.line, column: accessPosition.column, message: `${write ? 'writes' : 'reads'} ${target} by ${field}, not scoped to the user` });
  const text = accessFile.text;
  const start = lookup.node.getStart();
  const end = Math.min(lookup.node.getEnd(), lineEndOffset(text, start));
  ctx.report({
    file: accessFile.path,
    start,
    end: text[end - 1] === '\r' ? end - 1 : end,
    message,
    severity: capability ? 'low' : write ? 'critical' : 'high',
    confidence: capability ? 'low' : guarded || roleOnly || bypass ? 'medium' : 'high',
    route: routeRef(first.tainted.route),
    trace,
  });
}

function compareRoutes(a: Route, b: Route): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.method.localeCompare(b.method);
}

function accessApi(lookup: LookupAccess): string {
  return lookup.access.method;
}

