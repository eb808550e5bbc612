import { ts } from '#typescript';
import { routeRef } from '../types.js';
import { CONTEXT_PERMISSION_CHECK } from '../models/auth.js';
import { defineRule } from './define-rule.js';
import { createsMissingDefault } from './utils/default-row-creation.js';
import { exitsWhenMissing } from './utils/exits-when-missing.js';
import { callsDestructuredContextPermissionCheck } from './utils/context-permission-checks.js';
import { entityModels, modelOfAccess } from './utils/entity-models.js';
import { accessTrace, describeAccess, pathSegments, routeFacts, routeSpan, type RouteFacts } from './utils/route-facts.js';
import { wordPath } from '../engine/routes/route-path.js';
import { someOwnIfStatement } from '../engine/ast/syntax.js';
import { escapeRegExp } from '../engine/text.js';
import type { RuleContext } from '../engine/rule-api.js';
import { reachedFrom } from './utils/tainted-sink.js';
import { takesOnlyContext } from './utils/rpc-input.js';

// Paths and handler names that announce a privileged function.
const PRIVILEGED_SEGMENT = /^(?:admin|admins|administration|internal|staff|manage|management|ops|superuser|superadmin|backoffice|back-office|root|sudo|moderation|moderator|impersonate|system)$/;
// "internal" names an internal-only function (`internalTransferFunds`, `runInternalSync`), but also a
// kind of content kept for the team (`internalNoteEdit`, `internalComments`), which any member may write.
// `internal` as a suffix names a variant of a function (documenso's `findDocumentsInternal` serves the app's own
// frontend), not an internal API: only elsewhere in the name (`InternalController.sync`, `internalStats`).
const PRIVILEGED_HANDLER = /admin|internal(?!_?(?:note|comment|memo|message|remark)s?(?:[a-z_]|\b))(?!$)|staff|superuser|impersonat|moderat|backoffice/i;
// Writing these fields changes what someone may do.
const PRIVILEGE_FIELD = /\b(?:role|roles|roleIds?|role_ids?|permissions?|isAdmin|is_admin|isStaff|is_staff|isSuperuser|is_superuser|superuser|scopes?|accessLevel|access_level|userType|user_type|plan|tier|isVerified)\s*[:=]/;
const RECORD_OPTIONS_SEGMENT = /^(?:settings|features|flags|feature-?flags?)$/;
const BILLING_OR_FLAGS_SEGMENT = /^(?:billing|plans?|pricing|feature-?flags?|flags|features|credits|quotas?|limits|settings)$/;
/**
 * `/settings/profile`, `/settings/two-factor`: the caller's own profile and sign-in settings, which every
 * user changes for themselves; whether the record written is theirs is the ownership check's question.
 */
const PERSONAL_SETTINGS_SEGMENT = /^(?:profile|password|security|two-?factor|2fa|mfa|totp|passkeys?|connections|notifications|preferences|appearance|avatar|photo|change-email|email|language|locale|theme)$/;
// A check in the handler (or what it calls) that compares the user's role or asks a policy engine.
// Hono keeps the caller's role on the context: `c.get('role') !== 'admin'`.
const IN_HANDLER_ROLE_CHECK =
  /(?:(?:\.\s*(?:role|roles|isAdmin|is_admin|isStaff|permissions?|scopes?)\b|\.get\(\s*['"](?:role|roles|isAdmin|is_admin|permissions?|scopes?)['"]\s*\))[^;\n]*(?:!==|===|!=|==|includes|some|has)|!\s*[\w$.?]*\.\s*(?:is\w*Admin|is_admin|isStaff|is_staff|isSuper\w*|superAdmin|admin)\b|\b(?:has(?:Role|Permission|AnyRole)|is\w*Admin\w*|requireRole|requireAdmin|assert(?:Admin|Role|Permission|Can)\w*|ensure\w*(?:Admin|Role|Permission)\w*|check\w*(?:Role|Permission|Admin)\w*|validate\w*(?:Role|Permission)\w*|authorize\w*|can|cannot|(?:can|may)[A-Z]\w*|is(?:Allowed|Permitted|Authori[sz]ed)\w*|is\w*(?:Forbidden|Denied)\w*|has\w*Access\w*|(?:check|verify)Access)\s*\(|ability\.(?:can|cannot)|ForbiddenError\.from|\.enforce\s*\(|ac\.can\s*\()/;
// `requireAccess({ auth, permission, ids })`, `requireDatasetMutationAccess(auth, id)`: a permission check on the objects the request names
// that throws when the caller lacks it (`checkAccess` may only answer, so it needs a rejection beside it).
const REJECTING_ACCESS_CHECK = /\b(?:require|assert|ensure)\w*Access\s*\(/;
// The caller compared with the administrator the deployment configures (`user.id === Number(process.env.NEXT_PUBLIC_ADMIN || 1)`,
// `process.env.ADMIN_EMAIL !== session.user.email`, `ADMIN_IDS.includes(user.id)`): an administrator check by identity.
const CONFIGURED_ADMIN_IDENTITY =
  /(?:\.\s*(?:id|email|sub|userId|uid)|\b(?:userId|user_id|uid))\s*[!=]==?[^;\n]*?\b(?:process\.env|env|config)\s*\.\s*\w*ADMIN\w*|\b(?:process\.env|env|config)\s*\.\s*\w*ADMIN\w*[^;\n]*?[!=]==?\s*[\w$.?]*\.\s*(?:id|email|sub|userId|uid)\b|\b\w*ADMIN\w*\s*\.\s*(?:includes|has|some)\s*\([^)]*\.\s*(?:id|email|sub|userId|uid)\b/;
// The permissions the caller's credential grants (an API key's `workspacePermissions`, a token's
// `scopes`), read off the verified caller: the key is the role here, and what it may touch is that list.
const CALLER_GRANTS = String.raw`\b(?:authentication|auth|apiKey|token|user|currentUser|session|principal|caller|actor|(?:ctx|req|request|context)\s*\.\s*(?:user|auth|apiKey|session|state\s*\.\s*user))\s*\??\.\s*(?:\w+Permissions|permissions|scopes|grants)\b`;
// Handed to a check (`hasPermission(auth.workspacePermissions, id, 'GET')`, `resolveBodyIds(body, auth.workspacePermissions, 'POST')`)
// or turned into the scope of the work (`auth.workspacePermissions.map((p) => p.workspaceId)` as the read's filter).
const CALLER_GRANTS_USED = new RegExp(String.raw`[(,]\s*${CALLER_GRANTS}\s*[,)]|${CALLER_GRANTS}\s*\.\s*(?:map|flatMap|filter|some|every|find|includes)\s*\(`);
// Code that branches on the caller's role is role-aware, even when the branch answers rather than rejects.
// `if (userInfo.admin) { ... } else { return Promise.reject(...) }`: the caller's own admin flag, tested as a branch.
const ROLE_BRANCH = /\bif\s*\(\s*!?\s*[\w$.?!]*\.\s*(?:is\w*Admin|is_admin|isStaff|is_staff|isSuper\w*|superAdmin|admin|role|roles)\b/;
// Permission predicates (`canViewUsers(auth)`) answer through a helper such as `unauthorized()`.
const REJECTION = /\b403\b|Forbidden|FORBIDDEN|Unauthori[sz]ed|\b(?:unauthori[sz]ed|forbidden)\s*\(|throw\b|return\s+false/;
// The value written into a privilege field comes from the caller: that is an escalation path.
/** Tables that record what happened (audit logs, event outboxes), written beside a change rather than being one. */
const RECORD_OF_CHANGES_MODEL = /^(?:audit_?logs?|audit_?log_?targets?|audit_?events?|activity_?logs?|event_?logs?|\w*_?outbox(?:_?events?)?)$/i;
// A record that asks for a privilege (an access request awaiting approval, a role-change request): writing
// it grants nothing; the approval that reads it is the write that does.
const PRIVILEGE_REQUEST_MODEL = /(?:request|application)s?$/i;
/**
 * The sign-in layer's own sessions: expiring or extending the caller's session while reading it (a
 * `getSession(request)` that deletes an expired row) is the bookkeeping of signing in, and ending one's
 * own sessions under /settings changes no setting of the app or the account.
 */
const SESSION_MODEL = /^(?:user_?|auth_?|login_?)?sessions?$/i;
/** Records that delegate the holder's own access: API keys, personal access tokens, OAuth clients. */
// An OAuth grant the user consents to (an authorization code, the tokens and consent records it turns
// into) delegates the same way: the scopes are the user's own, for an app acting on their behalf.
const DELEGATED_CREDENTIAL_MODEL = /^(?:api_?keys?|root_?keys?|keys|personal_?access_?tokens?|access_?tokens?|refresh_?tokens?|tokens?|oauth_?(?:clients?|apps?|applications?|codes?|access_?tokens?|refresh_?tokens?|tokens?|consents?|grants?)|(?:oauth_?)?authori[sz]ation_?codes?|access_?keys?|service_?tokens?)$/i;
const PRIVILEGE_SHORTHAND = /[{,]\s*(role|roles|roleIds?|role_ids?|permissions?|isAdmin|is_admin|isStaff|isSuperuser|scopes?|accessLevel|userType|plan|tier)\s*[,}]/;
const FROM_REQUEST = /\b(?:body|dto|input|req|request|params|payload|args|data|query|ctx\.request|c\.req)\b/;
// The handler compares the target id with the caller's own id: self-service, not another user.
const SELF_CHECK = /(?:user|session\.user|principal|me|currentUser|caller)\s*\??\.\s*(?:id|sub|userId|uid)\s*[!=]==?|[!=]==?\s*[\w$.?]*(?:user|session\.user|principal|currentUser)\s*\??\.\s*(?:id|sub|userId|uid)\b/i;
// An operation named for the caller's own record, maybe after a verb: `activeCustomer`, `myProfile`,
// `currentUser`, `me`, `updateActiveAdministrator` (as word paths).
// Also after a read verb: `listMyListingModerationEvents`, `findMyOrders`.
const SELF_OPERATION = /^(?:(?:get|list|find|fetch|query|count|update|set|edit|change|delete|remove)-)?(?:me|my|active|current|own|viewer)(?:-|$)/;
// An authentication mechanism whose credential is itself privileged (infra/admin/service tokens, and the
// maintenance-mode token a server hands only to the administrator who put it into maintenance).
const PRIVILEGED_CREDENTIAL = /admin|infra|internal|staff|service.?account|machine|system|superuser|root|maintenance/i;

/** The helper an in-handler authentication names in its evidence (`... unless AdminApiAuthService.handleAdminAuth (file:line) verifies ...`). */
function checkingHelperName(evidence: string): string | undefined {
  return /\b(?:unless|calls)\s+([\w$.]+)\s*\(/.exec(evidence)?.[1];
}

export default defineRule({
  meta: {
    id: 'missing-authorization',
    title: 'Privileged route without a role or permission check',
    severity: 'high',
    confidence: 'medium',
    controls: {
      soc2: ['CC6.3', 'CC6.1'],
      owaspApi: ['API5:2023'],
      cwe: ['CWE-285', 'CWE-862'],
      pciDss: ['7.2.1', '7.2.2'],
      hipaa: ['164.312(a)(1)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description:
        'Finds authenticated routes that perform privileged functions (admin or internal paths, changing roles, permissions, other users, billing or feature flags, listing all users) with no role or permission check.',
      remediation:
        'Add a role or permission guard (e.g. requireRole("admin"), @Roles + RolesGuard, a CASL/casbin check) to the route, its router or controller, or check the role in the handler and reject with 403.',
    },
  },
  analyses: ['routes', 'dataflow'],
  check(ctx) {
    const configuredChecks = ctx.config.auth.roleChecks;
    const perRouteNamespaces = permissionCheckedNamespaces(ctx.routes);
    for (const route of ctx.routes) {
      if (route.auth !== 'authenticated') continue;
      // A cron job or another service holding a shared secret: there is no user whose role to check.
      if (route.caller === 'service') continue;
      const examined = { subject: 'authenticated entry point', name: route.id, file: route.file, line: route.line };
      const roleGuards = route.middleware.filter((middleware) => middleware.kind === 'role');
      if (roleGuards.length > 0) {
        ctx.examined({ ...examined, outcome: 'passed', evidence: `role guard ${roleGuards.map((guard) => `${guard.name}${guard.roles?.length ? ` (${guard.roles.join(', ')})` : ''} at ${guard.file}:${guard.line}`).join('; ')}` });
        continue;
      }
      // By its name (`adminAuth`), or by the helper its check calls (`authenticateAdminApiKey(...)` in an inline hook).
      const privilegedCredential = route.middleware.find((middleware) => middleware.kind === 'auth'
        && (PRIVILEGED_CREDENTIAL.test(middleware.name) || PRIVILEGED_CREDENTIAL.test(checkingHelperName(middleware.evidence)?.split('.').at(-1) ?? '')));
      if (privilegedCredential) {
        ctx.examined({ ...examined, outcome: 'passed', evidence: `only a privileged credential gets in: ${privilegedCredential.name} at ${privilegedCredential.file}:${privilegedCredential.line}` });
        continue;
      }
      // A guard that accepts only a secret the server holds (`TokenSecuredEndpoint(env.WEBHOOK_TOKEN, handler)`) in front of a
      // handler that also reads a session: whoever gets in holds the deployment's secret, not merely an account.
      const secretGate = route.middleware.find((middleware) => middleware.kind === 'auth' && middleware.serviceCredential !== undefined);
      if (secretGate) {
        ctx.examined({ ...examined, outcome: 'passed', evidence: `only holders of a server secret get in: ${secretGate.name} at ${secretGate.file}:${secretGate.line} (${secretGate.serviceCredential})` });
        continue;
      }
      // The same checked in the handler: `if (!AdminApiAuthService.handleAdminAuth(req, res)) return` (the server's admin key).
      // By the check's own name, not its receiver's (`supabaseAdmin.auth.getUser(token)` verifies an ordinary user).
      const privilegedHelper = route.authEvidence.map(checkingHelperName).find((name) => name !== undefined && PRIVILEGED_CREDENTIAL.test(name.split('.').at(-1)!));
      if (privilegedHelper) {
        ctx.examined({ ...examined, outcome: 'passed', evidence: `only a privileged credential gets in: the handler's check ${privilegedHelper}` });
        continue;
      }
      if (route.handlerRoleCheck) {
        ctx.examined({ ...examined, outcome: 'passed', evidence: `the handler's sign-in checks the role: ${route.handlerRoleCheck}` });
        continue;
      }
      const facts = routeFacts(ctx, route);
      const reason = privilegedReason(facts, (access, name) => privilegeFromRequest(ctx, route, access, name), perRouteNamespaces, (access, field) => declaredOptionalText(ctx, access, field));
      if (!reason) continue;
      const privileged = { ...examined, subject: 'privileged function' };
      const roleFilter = (reason.access && callerRoleInFilter(reason.access.call)) ?? callerRoleLookup(ctx, route, facts);
      if (roleFilter) {
        ctx.examined({ ...privileged, outcome: 'passed', evidence: `${reason.text}; the write's own filter requires the caller's role (${roleFilter})` });
        continue;
      }
      // The server's context check (`context.validatePermissions(...)`) throws by itself: no rejection need be written.
      if ((IN_HANDLER_ROLE_CHECK.test(facts.bodyText) && REJECTION.test(facts.bodyText)) || ROLE_BRANCH.test(facts.bodyText) || CONFIGURED_ADMIN_IDENTITY.test(facts.bodyText) || REJECTING_ACCESS_CHECK.test(facts.bodyText) || CONTEXT_PERMISSION_CHECK.test(facts.bodyText) || callsDestructuredContextPermissionCheck(facts.handler) || forbidsByCallerAttribute(facts.handler)) {
        ctx.examined({ ...privileged, outcome: 'passed', evidence: `${reason.text}; the handler checks a role or permission and rejects` });
        continue;
      }
      // An API key's or token's grants decide what the work touches: `getResponses(auth.workspacePermissions.map((p) => p.workspaceId))`.
      const grants = CALLER_GRANTS_USED.exec(facts.bodyText);
      if (grants) {
        ctx.examined({ ...privileged, outcome: 'passed', evidence: `${reason.text}; the handler limits the work to the permissions the caller's credential grants (${grants[0].replace(/^[(,]\s*/, '').replace(/\s+/g, ' ')})` });
        continue;
      }
      const configured = configuredChecks.find((name) => new RegExp(`\\b${escapeRegExp(name)}\\s*\\(`).test(facts.bodyText));
      if (configured) {
        ctx.examined({ ...privileged, outcome: 'passed', evidence: `${reason.text}; the handler calls ${configured}() (config auth.roleChecks)` });
        continue;
      }
      ctx.examined({ ...privileged, outcome: 'finding', evidence: `${reason.text}, with no role or permission check` });
      ctx.report({
        file: route.file,
        ...routeSpan(ctx, route),
        message: `${route.id} ${reason.text}, but no role or permission check applies: any authenticated user can call it.`,
        severity: reason.severity ?? (reason.changesPrivileges ? 'critical' : 'high'),
        confidence: reason.confidence,
        route: routeRef(route),
        trace: accessTrace(facts, reason.access, `${route.id}: authenticated (${route.authEvidence[0] ?? ''}), no role guard`),
      });
    }
  },
});

interface PrivilegedReason {
  text: string;
  changesPrivileges: boolean;
  confidence: 'high' | 'medium' | 'low';
  /** Below what the kind of reason gives (critical for privilege changes, else high), when the evidence is weak. */
  severity?: 'medium';
  access?: RouteFacts['dataAccess'][number];
}

/**
 * `values({ workspaceId, role })` in a service the handler calls with the request body
 * (`createMemberRole(request.body)` destructuring `{ role }`), or `data: { role: data.role }` there:
 * the dataflow says whether the `role` written there is the client's.
 */
function privilegeFromRequest(ctx: RuleContext, route: RouteFacts['route'], access: RouteFacts['writes'][number], name: string): boolean {
  const sourceFile = access.call.getSourceFile();
  const chain = writeChain(access.call);
  for (const tainted of ctx.dataflow.taintedCalls()) {
    if (!reachedFrom(tainted, route) || tainted.call.getSourceFile() !== sourceFile || tainted.call.pos < chain.pos || tainted.call.end > chain.end) continue;
    let found = false;
    const visit = (node: ts.Node): void => {
      if (found) return;
      if (ts.isShorthandPropertyAssignment(node) && node.name.text === name && tainted.originOf(node.name).kind === 'tainted') found = true;
      else if (ts.isPropertyAssignment(node) && propertyNameOf(node.name) === name && tainted.originOf(node.initializer).kind === 'tainted') found = true;
      else ts.forEachChild(node, visit);
    };
    tainted.call.arguments?.forEach(visit);
    if (found) return true;
  }
  return false;
}

/** A call's text with its filters (`where: ...` properties) blanked: what the call writes, not which records it matches. */
function withoutFilters(call: ts.Node): string {
  const sourceFile = call.getSourceFile();
  const start = call.getStart(sourceFile);
  let text = call.getText(sourceFile);
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAssignment(node) && propertyNameOf(node.name) === 'where') {
      const from = node.getStart(sourceFile) - start;
      const to = node.end - start;
      text = text.slice(0, from) + ' '.repeat(to - from) + text.slice(to);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(call);
  return text;
}

function propertyNameOf(name: ts.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;
}

/** The outermost call of the chain a write call starts (`db.insert(t)` in `db.insert(t).values({...}).returning()`). */
function writeChain(call: ts.Node): ts.Node {
  let node = call;
  while (node.parent && ts.isPropertyAccessExpression(node.parent) && node.parent.expression === node && node.parent.parent && ts.isCallExpression(node.parent.parent) && node.parent.parent.expression === node.parent) node = node.parent.parent;
  return node;
}

/** Distinct permissions one route-level guard factory is given under a namespace that make it a per-route permission model. */
const PER_ROUTE_GUARDS = 3;

/**
 * Path prefixes ending in a privileged-looking segment (`/api/admin`) under which one guard factory
 * is given a different permission route by route (`checkPermission(UPDATE_ADDON)`, `checkPermission(CREATE_PROJECT)`,
 * ... at the same call in the project's controller base class): the segment names the API every
 * signed-in user's UI calls (Unleash's /api/admin), and which permission each route needs is decided
 * route by route. A route there with no guard was left open to every signed-in user on purpose (its
 * own favorites, tokens, password); the segment says nothing more. Keyed by the app (where its
 * app-wide middleware is written), so another app of the same scan keeps its own reading.
 */
function permissionCheckedNamespaces(routes: RuleContext['routes']): Set<string> {
  const permissionsByKey = new Map<string, Set<string>>();
  for (const route of routes) {
    const guards = route.middleware.filter((middleware) => middleware.kind === 'role' && middleware.scope === 'route');
    if (guards.length === 0) continue;
    const segments = pathSegments(wordPath(route));
    segments.forEach((segment, index) => {
      if (!PRIVILEGED_SEGMENT.test(segment)) return;
      const namespace = namespaceKey(route, segments.slice(0, index + 1));
      for (const guard of guards) {
        const key = `${namespace}\0${guard.file}:${guard.line}`;
        const names = permissionsByKey.get(key) ?? new Set<string>();
        names.add(guard.name);
        permissionsByKey.set(key, names);
      }
    });
  }
  return new Set([...permissionsByKey].filter(([, names]) => names.size >= PER_ROUTE_GUARDS).map(([key]) => key.split('\0')[0]!));
}

function namespaceKey(route: RuleContext['routes'][number], segments: readonly string[]): string {
  const app = route.middleware.find((middleware) => middleware.scope === 'global')?.file ?? '';
  return `${app}|${segments.join('/')}`;
}

/** The privilege field (`role`, `permissions`, `isAdmin`) a write sets from the request, if it sets one. */
function privilegeFieldWritten(access: RouteFacts['writes'][number], facts: RouteFacts, fromRequest: (access: RouteFacts['writes'][number], name: string) => boolean): string | undefined {
  // A credential the caller makes or edits for their own use (an API key, a token, an OAuth app): its
  // scopes narrow what it may do on its holder's behalf, never beyond the holder's own rights.
  if (access.model && (DELEGATED_CREDENTIAL_MODEL.test(access.model) || PRIVILEGE_REQUEST_MODEL.test(access.model))) return undefined;
  // The whole chain: drizzle's `db.insert(table).values({ role })` and knex's `.update({ role })` write in a later link.
  // Its filter left out: `where: buildTeamWhereQuery({ teamId, userId, roles: MANAGE_ROLES })` is the
  // role the caller must hold for the write to match, not a role it writes.
  const text = withoutFilters(writeChain(access.call));
  const field = PRIVILEGE_FIELD.exec(text);
  if (field !== null) {
    const name = field[0].replace(/\s*[:=]$/, '');
    // In the handler's own code the request's names say where the value comes from. In a helper it
    // calls, the value is the helper's parameter under any name (`role: data.role` with `createMembership(orgId,
    // userId, { role: invite.role })`, `role: grant.role` given the whole body): the dataflow says whether it is the client's.
    if (access.via.length === 0 ? FROM_REQUEST.test(text.slice(field.index, field.index + 120)) : fromRequest(access, name)) return name;
  }
  // `data: { role }` where `role` is a handler parameter (`@Args('role') role`, `@Body('role') role`).
  const shorthand = PRIVILEGE_SHORTHAND.exec(text)?.[1];
  return shorthand !== undefined && (handlerParameterNames(facts.route).has(shorthand) || (access.via.length > 0 && fromRequest(access, shorthand))) ? shorthand : undefined;
}

function privilegedReason(
  facts: RouteFacts,
  fromRequest: (access: RouteFacts['writes'][number], name: string) => boolean = () => false,
  perRouteNamespaces: ReadonlySet<string> = new Set(),
  optionalTextColumn: (access: RouteFacts['writes'][number], field: string) => boolean = () => false,
): PrivilegedReason | undefined {
  const { route, segments, writes } = facts;
  let writtenField: string | undefined;
  const privilegeWrite = writes.find((access) => {
    writtenField = privilegeFieldWritten(access, facts, fromRequest);
    return writtenField !== undefined;
  });
  if (privilegeWrite) {
    // `role String?` with no default in the schema: a free-text answer a user may leave blank (a job title
    // asked at onboarding), where an access role is one every record holds. Still reported, since an app
    // may grant access by it, but as the weak evidence it is.
    if (writtenField && optionalTextColumn(privilegeWrite, writtenField)) {
      return {
        text: `changes ${writtenField} (${describeAccess(privilegeWrite)}), which the schema declares as optional free text with no default, more like a profile answer than an access role`,
        changesPrivileges: false,
        confidence: 'low',
        severity: 'medium',
        access: privilegeWrite,
      };
    }
    return { text: `changes roles or permissions (${describeAccess(privilegeWrite)})`, changesPrivileges: true, confidence: 'high', access: privilegeWrite };
  }
  // `/system/me/...`, `/admin/me`: a user's own data, whatever the prefix. So is a GraphQL or RPC operation
  // named for the caller's own record (`activeAdministrator`, `myOrders`, `currentUser`) whose handler reads the caller.
  const selfService = segments.includes('me') || ((route.kind === 'graphql' || route.kind === 'trpc') && SELF_OPERATION.test(segments.at(-1) ?? '') && route.principal.length > 0);
  const inPerRouteNamespace = (index: number) => perRouteNamespaces.has(namespaceKey(route, segments.slice(0, index + 1)));
  // `organisation.internal.getOrganisationSession`: an RPC namespace named `internal` groups what the app's own client
  // calls (beside what it publishes as an API), not a service-only path; a query there that takes no input answers
  // with what the server picks for the caller, so the word is no evidence of a privileged function.
  const rpcOwnClientRead = (route.kind === 'trpc' || route.framework === 'orpc') && route.method === 'QUERY' && route.handler !== undefined && takesOnlyContext(route.handler.node);
  const privilegedSegment = selfService ? undefined : segments.find((segment, index) => PRIVILEGED_SEGMENT.test(segment) && !inPerRouteNamespace(index) && !(segment === 'internal' && rpcOwnClientRead));
  // A privileged path matters when the route touches data or changes something; an echo of the caller does not.
  const actsOnSomething = facts.dataAccess.length > 0 || route.method !== 'GET';
  if (privilegedSegment && actsOnSomething) {
    return { text: `is an /${privilegedSegment} function`, changesPrivileges: false, confidence: 'high', access: facts.dataAccess[0] };
  }
  // A handler's name alone is weak evidence: it counts only when the route touches data or changes something.
  // Nor under a namespace whose routes each name their permission (above): there the project decided this one needs none.
  const underPerRouteNamespace = segments.some((_, index) => inPerRouteNamespace(index));
  // A procedure's name is its path (`workspace.internal.bootstrap`): the namespace above says nothing more there.
  const handlerName = route.handler ? (rpcOwnClientRead ? route.handler.name.replace(/internal/gi, '') : route.handler.name) : '';
  if (route.handler && PRIVILEGED_HANDLER.test(handlerName) && actsOnSomething && !selfService && !underPerRouteNamespace) {
    return { text: `runs ${route.handler.name}`, changesPrivileges: false, confidence: 'medium', access: facts.dataAccess[0] };
  }
  const userWrite = writes.find((access) => access.model && /^users?$/i.test(access.model));
  const targetsOtherUser = /^users?$/.test(segments.at(-2) ?? '') && /^[:[{]/.test(segments.at(-1) ?? '');
  if (userWrite && targetsOtherUser && !SELF_CHECK.test(facts.bodyText) && (route.method === 'PUT' || route.method === 'PATCH' || route.method === 'DELETE')) {
    return { text: `changes another user by id (${describeAccess(userWrite)})`, changesPrivileges: false, confidence: 'medium', access: userWrite };
  }
  // `/integrations/:id/settings`: the options of one record the caller names, whose owner may change them
  // (whether it is theirs is the ownership check's question); `/settings`, `/billing/plan` are the app's or the account's.
  // Under /settings, the caller's own API keys (`settings.rootKeys.delete` writing `keys`) are credentials it
  // manages for its own use, as above, not the app's or the account's settings; nor is the audit trail
  // written beside the change (an audit log, its outbox) a setting.
  // Nor is a getter's first-read creation of the default row (`if (!settings) insert(settings).values({})`).
  const settingsWrites = writes.filter((access) => !(access.model && (DELEGATED_CREDENTIAL_MODEL.test(access.model) || RECORD_OF_CHANGES_MODEL.test(access.model) || SESSION_MODEL.test(access.model))) && !createsMissingDefault(access, facts.dataAccess));
  const billingWrite = settingsWrites[0] && segments.find((segment, index) => BILLING_OR_FLAGS_SEGMENT.test(segment) && !(RECORD_OPTIONS_SEGMENT.test(segment) && (/^[:[{]/.test(segments[index - 1] ?? '') || PERSONAL_SETTINGS_SEGMENT.test(segments[index + 1] ?? ''))));
  if (billingWrite && settingsWrites[0] && !segments.includes('me')) {
    return { text: `changes ${billingWrite} (${describeAccess(settingsWrites[0])})`, changesPrivileges: false, confidence: 'low', access: settingsWrites[0] };
  }
  const listsUsers = route.method === 'GET' && /^users$/.test(segments.at(-1) ?? '');
  const userList = listsUsers ? facts.dataAccess.find((access) => access.model && /^users?$/i.test(access.model) && /^(?:findMany|find|findAll|findAndCount|findAndCountAll|query)$/.test(access.method)) : undefined;
  if (userList) return { text: `lists all users (${describeAccess(userList)})`, changesPrivileges: false, confidence: 'medium', access: userList };
  return undefined;
}

/** The names a route handler binds from its parameters: the input the framework hands it. */
function handlerParameterNames(route: RouteFacts['route']): Set<string> {
  const names = new Set<string>();
  const visit = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) visit(element.name);
  };
  for (const parameter of route.handler?.node.parameters ?? []) visit(parameter.name);
  return names;
}

/** A filter key holding a member's id, and one holding the roles that member must have. */
const MEMBER_KEY = /^(?:userId|user_id|memberId|member_id|accountId|account_id)$/;
const ROLE_KEY = /^(?:role|roles|memberRole|teamRole|organi[sz]ationRole|workspaceRole|projectRole)$/;
/** A role requirement named for a permission or a privileged role: `ROLE_PERMISSIONS_MAP['MANAGE_TEAM']`, `Role.ADMIN`, `MANAGER_ROLES`. */
const REQUIRED_ROLE_VALUE = /permission|manage|admin|owner|superuser|staff|privileged/i;
/** Lookups that throw when nothing matches. */
const THROWING_LOOKUP = /^(?:find\w*OrThrow|findOneOrFail|findOneByOrFail|getOrThrow)$/;

/**
 * A lookup whose filter matches only when the signed-in user holds a required role, and that ends
 * the request when it matches nothing: `const org = await prisma.organisation.findFirst({ where:
 * buildOrganisationWhereQuery({ organisationId, userId: ctx.user.id, roles: PERMISSIONS['MANAGE_BILLING'] }) });
 * if (!org) throw ...` (the filter written inline or handed to a where-builder), or a write filtered
 * so (it changes nothing for anyone else). The dataflow says the member id is the caller's own.
 * Returns the filter's text.
 */
function callerRoleLookup(ctx: RuleContext, route: RouteFacts['route'], facts: RouteFacts): string | undefined {
  for (const tainted of ctx.dataflow.taintedCalls()) {
    if (!reachedFrom(tainted, route)) continue;
    const access = facts.dataAccess.find((candidate) => candidate.file === tainted.file && candidate.call.pos <= tainted.call.pos && tainted.call.end <= candidate.call.end);
    if (!access) continue;
    let found: string | undefined;
    const visit = (node: ts.Node): void => {
      if (found || ts.isFunctionLike(node)) return;
      if (ts.isObjectLiteralExpression(node)) {
        let member: ts.Expression | undefined;
        let role: ts.Expression | undefined;
        for (const property of node.properties) {
          const name = property.name && propertyNameOf(property.name);
          if (!name) continue;
          const value = ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
          if (!value) continue;
          if (MEMBER_KEY.test(name)) member = value;
          else if (ROLE_KEY.test(name)) role = value;
        }
        if (member && role && REQUIRED_ROLE_VALUE.test(role.getText()) && tainted.originOf(member).kind === 'principal') {
          found = node.getText().replace(/\s+/g, ' ');
          return;
        }
      }
      ts.forEachChild(node, visit);
    };
    tainted.call.arguments?.forEach(visit);
    if (found && (access.operation === 'write' || THROWING_LOOKUP.test(access.method) || exitsWhenMissing(access.call))) return found;
  }
  return undefined;
}

/** The signed-in user's id as a filter value: `user.id`, `ctx.user.id`, `session.user.id`, `context.user.id`. */
const CALLER_ID_VALUE = /^(?:[\w$]+\s*\??\.\s*)*(?:user|currentUser|principal|caller|me|viewer)\s*\??\.\s*(?:id|userId|uid|sub)$/;
/** A role only privileged members hold: `WorkspaceRole.ADMIN`, `'owner'`, `Role.SUPER_ADMIN`. */
const PRIVILEGED_ROLE_VALUE = /(?:^|[.'"`])(?:admin|owner|super_?admin|superuser|staff|manager)['"`]?$/i;

/**
 * A write whose filter matches only when the caller holds a privileged role in the parent
 * (`updateMany({ where: { id, workspace: { members: { some: { userId: user.id, role: WorkspaceRole.ADMIN } } } } })`):
 * for anyone else it changes nothing, which is the role check. Returns the filter's text.
 */
function callerRoleInFilter(call: ts.Node): string | undefined {
  let found: string | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isObjectLiteralExpression(node)) {
      const value = (name: RegExp): ts.Expression | undefined => {
        for (const property of node.properties) {
          if (ts.isPropertyAssignment(property) && ts.isIdentifier(property.name) && name.test(property.name.text)) return property.initializer;
        }
        return undefined;
      };
      const caller = value(/^(?:userId|user_id|memberId|accountId)$/);
      const role = value(/^(?:role|roles)$/);
      const roleText = role?.getText().replace(/\s+/g, '');
      const roleValues = role && ts.isObjectLiteralExpression(role) ? (role.properties.map((property) => (ts.isPropertyAssignment(property) ? property.initializer.getText() : '')).join(',')) : roleText;
      if (caller && CALLER_ID_VALUE.test(caller.getText().replace(/\s+/g, '')) && roleValues && roleValues.split(/[,[\]\s]+/).filter(Boolean).every((part) => PRIVILEGED_ROLE_VALUE.test(part))) {
        found = node.getText().replace(/\s+/g, ' ');
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(call);
  return found;
}

/** Whether the project's schema declares the model's field optional free text with no default (Prisma `String?`, a nullable TypeORM column). */
function declaredOptionalText(ctx: RuleContext, access: RouteFacts['writes'][number], field: string): boolean {
  return (modelOfAccess(access, entityModels(ctx))?.optionalTextFields ?? []).includes(field);
}

/** The caller as handlers name it, and what it carries (`auth.user.client_read_only_metadata`). */
const CALLER_WORD = /\b(?:user|auth|session|caller|member|viewer|principal|currentUser|metadata|claims)\b/;
/** A refusal that says the caller is known but not allowed: 403, Forbidden. */
const FORBIDDEN_REFUSAL = /\b403\b|Forbidden|FORBIDDEN|\bforbidden\s*\(/;

/**
 * `if (!(metadata && metadata.isAiChatReviewer === true)) throw new StatusError(StatusError.Forbidden, ...)`:
 * the handler refuses with 403 unless an attribute of the caller allows it (a flag in the user's metadata,
 * a reviewer or beta flag): a permission check, whatever the attribute is called.
 */
function forbidsByCallerAttribute(handler: RouteFacts['handler']): boolean {
  return someOwnIfStatement(handler, (statement, sourceFile) => {
    const refusal = statement.thenStatement.getText(sourceFile);
    return CALLER_WORD.test(statement.expression.getText(sourceFile)) && FORBIDDEN_REFUSAL.test(refusal) && /\b(?:throw|return)\b/.test(refusal);
  });
}

