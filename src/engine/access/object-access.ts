import { isolated } from '../analysis-failures.js';
import { ts } from '#typescript';
import { argumentsNeededToReach, literalValueOf, reachableWithLiterals, reassignedNames, type LiteralValue } from '../ast/guards.js';
import { mentionsName } from '../text.js';
import { conjuncts, enclosingFunction, exitsEarly, nodePosition, propertyNameText, skipOuterExpressions } from '../ast/syntax.js';
import { walkDescendants } from '../ast/file-index.js';
import { findDataAccess, kyselyChain, kyselySelectsOnlyAggregates } from '../ast/data-access.js';
import { bindingNames, calledFunctions, callTargets, localConstInitializer, localInitializer, type ModuleIndex, resolveFunction } from '../names/index.js';
import { nodeAtStep } from '../ast/trace-nodes.js';
import type { TaintedCall } from '../dataflow/engine.js';
import { identityTaint, type Taint, type ValueOrigin } from '../dataflow/taint.js';
import { isStateChanging, type ObjectAccess, type ObjectAccessVerdict, type Route, type RouteMiddleware } from '../routes/route.js';
import { locateMiddleware } from '../routes/classify-middleware.js';
import { ORDINARY_USER_ROLES } from '../../models/auth.js';
import { RATE_LIMIT_COUNTER_MODEL } from '../../models/rate-limiters.js';
import { entryName, type ScannedSourceFile, type TraceStep } from '../../types.js';
import { memberOfArgument, parameterSlot } from './call-arguments.js';
import { checkedInputMatches, keyInputPath } from './key-input.js';
import { calleeName, filterFacts, isCapabilityKey, isPresentedCredential, isVerifiedAuthenticatorLookup, isWriteAccess, loadedRecordUse, lookupAccessOf, lookupFacts, type LookupAccess, type ParentRecord } from './lookup-keys.js';
import { filterSpreadSlots, scopedFilterArgument } from './scoping-argument.js';
import { REQUEST_OBJECT_NAME, accessCheckedInputFields, collectIdentifiers, guardReadParams, inCodeOwnershipCheck, isPolicyCallEvidence, membershipGuardArguments, pathFunctions, routeObjectGuard, type AccessContext } from './ownership-evidence.js';

/**
 * Object-level access: for every lookup an authenticated route makes by an id the client sends,
 * whether it is tied to the caller and by what. One analysis serves the missing-ownership-check
 * rule (it reports the `unchecked` and `capability` sites) and the routes inventory (it lists
 * every verdict with its evidence), so the two never disagree.
 */

// Reference data every signed-in user may read by id: not owned by anyone (a shop's catalog, its
// product variants or SKUs included, and its promotions and payment or shipping methods are the
// shop's, offered to every customer).
const REFERENCE_MODEL = /^(?:products?|categor(?:y|ies)|tags?|countr(?:y|ies)|currenc(?:y|ies)|languages?|locales?|plans?|features?|regions?|cities|city|states?|timezones?|settings?|configs?|configurations?|templates?|translations?|permissions?|roles?|promotions?|(?:payment|shipping|delivery)_?methods?|product_?variants?|skus?)$/i;

// A comparison of the record with the caller's organization, tenant, workspace or team (its text as the evidence names it).
const TENANT_COMPARISON = /\b(?:\w*organi[sz]ation\w*|\w*[Oo]rgId|org_id|\w*[Tt]enant\w*|workspaceId|workspace_id|teamId|team_id)\b/;
// A role over the whole platform, above every organization: its lookups need no organization check.
const PLATFORM_ROLE = /super_?admin|super_?user|platform_?admin|staff|sys_?admin|system_?admin|instance_?admin/i;

// Records a customer redeems by typing their code (a coupon, a voucher, a promotion code), and the key that is that code.
const REDEEMABLE_MODEL = /^(?:coupons?|vouchers?|(?:promo|promotion|discount|gift)_?codes?)$/i;
const REDEEMABLE_CODE_KEY = /^(?:(?:coupon|voucher|promo|promotion|discount)_?)?code$/i;
// A registered OAuth client (an app of the authorization server, not a user's record), read by the
// client_id the authorize and consent steps carry: OAuth clients present it in public (RFC 6749 §2.2).
const OAUTH_CLIENT_MODEL = /^o?auth_?2?_?(?:clients?|apps?|applications?)(?:_?models?)?$/i;
const OAUTH_CLIENT_KEY = /^client_?id$/i;

// Request fields naming a kind of thing (a delivery method, a plan), not one user's record.
// A column holding the record's owner or tenant: a lookup keyed by it lists one owner's records.
const OWNER_KEY = /^(?:userId|user_id|ownerId|owner_id|authorId|author_id|creatorId|createdById|accountId|account_id|\w*[Oo]rgani[sz]ationId|organi[sz]ation_id|orgId|org_id|\w*[Tt]enantId|tenant_id|workspaceId|workspace_id|teamId|team_id)$/;
const REFERENCE_KEY = /(?:method|type|kind|category|plan|country|currency|language|locale|tier|template)_?id$/i;
/**
 * The id a public catalog gives a film, show, book, game or product (TMDB, IMDb, TVDB, ISBN, GTIN/EAN/UPC,
 * ASIN, MusicBrainz, IGDB): the same for every user of every app, so a record found by it alone is the
 * app's shared entry for that title. Deferred like a model name: a model the project scopes to its owner
 * elsewhere (a user's bookmark keyed by the title's tmdbId) holds each owner's rows.
 */
const CATALOG_KEY = /^(?:tmdb|imdb|tvdb|tvmaze|trakt|isbn(?:10|13)?|gtin|ean|upc|asin|musicbrainz|mbid|igdb|anilist|mal|discogs)_?(?:id)?$/i;

// The inventory's shapes live with the route model they are part of (routes/route.ts).
export type { ObjectAccess, ObjectAccessVerdict } from '../routes/route.js';

/** A route reaching a lookup keyed by the client's id with nothing tying the record to the caller. */
export interface UncheckedAccess {
  tainted: TaintedCall;
  lookup: LookupAccess;
  field: string;
  taint: Taint;
  accessFile: ScannedSourceFile;
  confidence: 'high' | 'medium';
  /** A route guard whose name (not its code) suggests an object check. */
  guardNote?: string;
  /** An object guard on the route checks the record another route parameter names (`AlbumOwnerGuard checks the caller's :albumId, ...`). */
  parentGuardNote?: string;
  /**
   * A role guard admits the caller, but the record belongs to an organization and another route compares
   * it with the caller's: the guard's name and that comparison.
   */
  roleNote?: string;
  /** The filter's key that works as a capability (`shareToken`): whoever holds the link may access it. */
  capability?: string;
  /**
   * The handler compares the record's owner with the caller in a refusal that also tests the record's state
   * (OwnershipEvidence.bypass): records outside that state are changed by anyone. The check and the test.
   */
  bypassNote?: string;
  /**
   * The filter's key values as written (`args.where.id`; each field of a composite key), followed
   * back to the request input a guard may check: a filter holding a checked input finds only records under it.
   */
  keyExpressions?: ts.Expression[];
}

export interface ObjectAccessAnalysis {
  /** Per data access (the call missing the owner constraint): the routes that reach it unchecked. */
  unchecked: Map<ts.Node, UncheckedAccess[]>;
  /** Per authenticated route: each lookup by a client id with its verdict. */
  byRoute: Map<Route, ObjectAccess[]>;
}

type PathEntry = { fn: ts.SignatureDeclaration & { body?: ts.Node }; call?: ts.Node };

interface Settled {
  verdict: ObjectAccessVerdict;
  evidence: string;
  /** Settled only by the model's name (`tags`, `settings`): the project may still scope that model to its owners. */
  byModelName?: boolean;
  /** Scoped by this filter field, whose value the recording caller passed: another caller's value there decides for it. */
  byField?: string;
}

interface ReachEntry {
  index: number;
  lookup: LookupAccess;
  field: string;
  inner: PathEntry[];
  keyNames: Set<string>;
  accessFile: ScannedSourceFile;
  capability?: string;
  /** Decided by the lookup itself (scoped by the user, reference data): the same for every route. */
  settled?: Settled;
  /** The key is a member of the parameter (`input.listId`): a caller's object that has no such member passes no key. */
  memberPath?: string[];
  /**
   * The whole filter is this member of the parameter (`[]`: the parameter itself, `getTag(where)`;
   * `['where']`: `updateTag({ data, where })`): each caller's object there holds the keys.
   */
  filterPath?: string[];
  /** Filter fields pinned to a record the function holds (`envelopeId: envelope.id`). */
  parents?: ParentRecord[];
  /** The arguments a call of the function must pass to reach the lookup (it sits under `if (websiteId)`). */
  argumentsNeeded?: number;
  /** The function reaches the lookup along more than the path kept in `inner`: literals a caller passes prune none. */
  severalPaths?: boolean;
  /**
   * Other filter fields whose values are the function's parameters (`partnerId_programId: { partnerId,
   * programId }` in `getEnrollmentOrThrow({ partnerId, programId })`): a caller that passes its own
   * tenant or id there scopes the lookup for its route, whatever the first route the dataflow
   * followed passed.
   */
  scopeSlots?: Array<{ field: string; index: number; memberPath: string[]; spread?: boolean }>;
  /** The filter's key values as written. */
  keyExpressions?: ts.Expression[];
}

const analyses = new WeakMap<object, ObjectAccessAnalysis>();

/** The analysis of a scan, computed once per dataflow engine (the rule and the inventory share it). */
export function analyzeObjectAccess(ctx: AccessContext): ObjectAccessAnalysis {
  const known = analyses.get(ctx.dataflow);
  if (known) return known;
  const analysis = computeObjectAccess(ctx);
  analyses.set(ctx.dataflow, analysis);
  return analysis;
}

function computeObjectAccess(ctx: AccessContext): ObjectAccessAnalysis {
  // Per route and lookup, one judgement per call path (the functions the id crossed). The same path
  // may be judged twice (from the route's own analysis and from the reach pass, each seeing
  // different callers' values): a check either finds holds. Different paths: one unchecked path
  // makes the lookup unchecked for the route.
  const judgements = new Map<Route, Map<ts.Node, Map<string, { access: ObjectAccess; candidate?: UncheckedAccess }>>>();
  const record = (route: Route, candidate: UncheckedAccess, pathKey: string, settled: Settled): void => {
    const { lookup, field } = candidate;
    const forRoute = judgements.get(route) ?? new Map<ts.Node, Map<string, { access: ObjectAccess; candidate?: UncheckedAccess }>>();
    judgements.set(route, forRoute);
    const forLookup = forRoute.get(lookup.node) ?? new Map<string, { access: ObjectAccess; candidate?: UncheckedAccess }>();
    forRoute.set(lookup.node, forLookup);
    const previous = forLookup.get(pathKey);
    const open = (verdict: ObjectAccessVerdict): boolean => verdict === 'unchecked' || verdict === 'capability';
    if (previous && (!open(previous.access.verdict) || open(settled.verdict))) {
      // Keep the first judgement, except a high-confidence unchecked one replaces a medium one.
      if (!(previous.candidate && open(settled.verdict) && previous.candidate.confidence === 'medium' && candidate.confidence === 'high')) return;
    }
    const { line } = nodePosition(lookup.node);
    const access = lookup.access;
    forLookup.set(pathKey, {
      access: {
        file: access.file.path,
        line,
        operation: isWriteAccess(lookup) ? 'write' : 'read',
        ...(access.model ? { model: access.model } : {}),
        method: access.method,
        key: field,
        verdict: settled.verdict,
        evidence: settled.evidence,
      },
      ...(open(settled.verdict) ? { candidate } : {}),
    });
  };
  // Lookups whose record some route compares with the caller's organization (`ai.organizationId !==
  // ctx.session.activeOrganizationId`), by the lookup: the records are the organizations', and the
  // project itself checks which one. And the role-guarded routes that reach such a lookup without any comparison.
  const tenantCompared = new Map<ts.Node, string>();
  const noteComparison = (lookup: ts.Node, evidence: { what: string; node: ts.Node }, route: Route): void => {
    if (!tenantCompared.has(lookup) && TENANT_COMPARISON.test(evidence.what)) tenantCompared.set(lookup, `${entryName(route)} compares ${evidence.what.replace(/^the check /, '')} (${where(ctx, evidence.node)})`);
  };
  const roleOnly: Array<{ route: Route; candidate: UncheckedAccess; pathKey: string; role: RouteMiddleware }> = [];
  const roleCompared = new Set<string>();
  const lookupIds = new Map<ts.Node, number>();
  const roleJudgementKey = (route: Route, lookup: ts.Node, pathKey: string): string => {
    if (!lookupIds.has(lookup)) lookupIds.set(lookup, lookupIds.size);
    return `${route.file}:${route.line}:${route.column}:${route.method}:${route.path}|${lookupIds.get(lookup)}|${pathKey}`;
  };
  // Lookups settled as reference data by the model's name alone, judged once every lookup is in.
  const byModelName: Array<{ candidate: UncheckedAccess; path: PathEntry[]; keyNames: Set<string>; settled: Settled; parents: readonly ParentRecord[] }> = [];
  // What ties a lookup to the record or tenant the route already holds: a comparison after it, or the
  // scoped lookup of the parent record its filter is pinned to. Undefined when nothing does.
  const tenantTie = (candidate: UncheckedAccess, path: PathEntry[], keyNames: Set<string>, parents: readonly ParentRecord[], checkedInputs: ReadonlyMap<string, string>): Settled | undefined => {
    const route = candidate.tainted.route;
    const loaders = parents.flatMap((parent) => {
      const loader = loadingLookup(ctx, parent.record, path, parent.heldId);
      return loader ? [{ parent, loader }] : [];
    });
    const evidenceNames = loaders.length > 0 ? new Set([...keyNames, ...loaders.flatMap(({ loader }) => [...loaderNames(loader)])]) : keyNames;
    const evidence = inCodeOwnershipCheck(ctx, candidate.tainted, path, evidenceNames, candidate.lookup.node, checkedInputs);
    if (evidence) {
      noteComparison(candidate.lookup.node, evidence, route);
      return { verdict: 'owner-compared', evidence: `owner compared: ${evidence.what} (${where(ctx, evidence.node)})` };
    }
    for (const { parent, loader } of loaders) {
      const judged = [...(judgements.get(route)?.get(loader)?.values() ?? [])].map((judgement) => judgement.access);
      const closed = judged.length > 0 && judged.every((access) => PARENT_SCOPING_VERDICTS.has(access.verdict)) ? judged[0] : undefined;
      if (closed) return { verdict: 'scoped', evidence: `scoped by its parent: ${parent.field} = ${parent.record.text}'s, loaded at ${where(ctx, loader)} (${closed.evidence})` };
    }
    return undefined;
  };
  const consider = (candidate: UncheckedAccess, path: PathEntry[], keyNames: Set<string>, settled: Settled | undefined, parents: readonly ParentRecord[] = []): void => {
    // A generic helper's lookup (`getRepository(ctx, entityType).findOne(...)` in `getEntityOrThrow(ctx,
    // entityType, id)`) reads the entity this path's caller passes for that parameter: judged as that entity.
    const bound = boundModel(ctx, candidate.lookup, path);
    if (bound) {
      candidate = { ...candidate, lookup: { ...candidate.lookup, access: { ...candidate.lookup.access, model: bound.model } } };
      if (!settled && REFERENCE_MODEL.test(bound.model)) settled = { verdict: 'not-owned', evidence: `reference data (${bound.model}, the entity ${bound.via} is given at ${where(ctx, bound.call)})`, byModelName: true };
    }
    const { tainted } = candidate;
    const route = tainted.route;
    if (settled?.byModelName) {
      byModelName.push({ candidate, path, keyNames, settled, parents });
      return;
    }
    // A record type an open route hands out by the client's id is public content (blog posts, products).
    // Not when that route's filter admits only published records (`visibility: 'public'`): the type
    // has private records too, and their ids stay the owner's business.
    // Nor when the route refuses some of the records it looks up (`if (!isDocumentAccessible) throw
    // AuthorizationError()` after a document is loaded through a published share): it serves the
    // records a check lets through, not the type. Nor when the lookup runs only after the handler
    // turned anonymous callers away (`if (!user) throw AuthenticationError()` behind optional sign-in).
    // Nor when the open route only answers whether the record exists (`return { available: !vault }`): it serves no record.
    // Nor when that route reads only the records' ids and kinds (`columns: { id: true, kind: true }`): it
    // tells which records exist, not what they hold (homarr's public `integration.byIds` beside secrets).
    if (route.auth === 'public' && route.method !== 'FIELD' && candidate.lookup.access.model && !isWriteAccess(candidate.lookup) && settled?.verdict !== 'public' && settled?.verdict !== 'existence-only' && !refusesSomeRecords(candidate.lookup.node) && !reachedOnlySignedIn(route, path, candidate.lookup.node) && !projectsOnlyIdentity(candidate.lookup.node)) {
      const model = candidate.lookup.access.model.toLowerCase();
      if (!servedPublicly.has(model)) servedPublicly.set(model, route.id);
    }
    // Behind optional sign-in, a lookup the handler reaches only after refusing anonymous callers
    // (`if (!user) throw AuthenticationError()`) runs for a signed-in caller: judged as on an authenticated route.
    // Only there: a public route that takes a credential refuses a request without one the same way
    // (`if (!req.cookies.refresh_token) throw new UnauthorizedException()`) and then looks the credential up.
    const optionalSignIn = route.middleware.some((middleware) => middleware.optionalAuthentication !== undefined);
    if (route.auth !== 'authenticated' && !(route.auth === 'public' && optionalSignIn && route.method !== 'FIELD' && reachedOnlySignedIn(route, path, candidate.lookup.node))) return;
    const pathKey = [...new Set(path.map((entry) => `${entry.fn.getSourceFile().fileName}:${entry.fn.pos}`))].sort().join('|');
    if (settled) return record(route, candidate, pathKey, settled);
    // A webhook or cron job proves its sender with a signature or a shared secret and reads no user:
    // its lookups are keyed by the sender's payload, and there is no signed-in user to own them.
    if (route.caller === 'service') return record(route, candidate, pathKey, { verdict: 'service', evidence: `called by a service, not a user (${route.publicByDesign ?? route.authEvidence[0] ?? 'shared secret'})` });
    const role = route.middleware.find((middleware) => middleware.kind === 'role' && !admitsEveryUser(middleware));
    // A guarded argument or input field the key came from: bound to its name, read as a member of the
    // arguments (`args.requestID`), or another field of the same filter.
    const coveredBy = (fields: Set<string>): string | undefined => [...fields].find((name) => keyNames.has(name) || candidate.taint.steps.some((step) => new RegExp(`(?:^|[^\\w$])${name.replace(/\$/g, '\\$')}\\b`).test(step.message)));
    // A role held on the object the client names (a team member's role in the teamID it sends): the
    // guard checks that object. Other ids the route takes stay exempt as under any role guard (the
    // services compare them with the guarded object in ways not read yet), but are not called admin-only.
    const membership = role && membershipGuardArguments(ctx, route, role);
    if (role && membership) {
      const covered = coveredBy(membership);
      if (covered) return record(route, candidate, pathKey, { verdict: 'guarded', evidence: `membership checked by ${role.name} on ${covered}` });
      // Another id the route takes (a tag's, a webhook's in `withWorkspace` on the workspace slug): the
      // guard vouches for the workspace, the code must tie this record to it, by its filter (`projectId:
      // workspace.id`), a comparison (`tag.projectId !== workspace.id`), or a parent record it was read
      // through. With none of them, a member of one workspace reaches another's record by its id.
      // The input the guard checked is as good as the caller's own value: `group.programId !== programId`.
      const tiedBy = tenantTie(candidate, path, keyNames, parents, new Map([...membership].map((field) => [field, role.name])));
      if (tiedBy) return record(route, candidate, pathKey, tiedBy);
      const roleNote = `${role.name} checks the caller's membership in the ${[...membership].join(', ')} the client names, not that this record belongs to it`;
      Object.assign(candidate, { confidence: 'medium', roleNote });
      if (!candidate.capability) openPaths.set(candidate, { path, keyNames });
      return record(route, candidate, pathKey, candidate.capability ? { verdict: 'capability', evidence: `keyed by ${candidate.capability}, a capability` } : { verdict: 'unchecked', evidence: `unchecked: ${roleNote}` });
    }
    // A guard that checks the caller's access to the object at an input the route's metadata names
    // (`@AuthorizeContext(Origin.ProjectId, 'data.projectId')`): lookups keyed by that input are checked.
    const checkingGuards = role ? [] : route.middleware.filter((middleware) => middleware.accessCheckedInputs);
    const keyInputs = checkingGuards.length > 0 ? (candidate.keyExpressions ?? []).flatMap((expression) => keyInputPath(ctx.modules, route, expression, path) ?? []) : [];
    for (const middleware of checkingGuards) {
      const matched = keyInputs.map((input) => checkedInputMatches(middleware.accessCheckedInputs!, input)).find(Boolean);
      if (matched) return record(route, candidate, pathKey, { verdict: 'guarded', evidence: `access to ${matched.part}.${matched.path.join('.')} checked by ${middleware.name}` });
    }
    // An authentication middleware that also checks the caller's access to the tenant the input names.
    const checkedInputs = new Map<string, string>();
    for (const middleware of role ? [] : route.middleware) {
      const fields = middleware.kind === 'auth' ? accessCheckedInputFields(ctx, route, middleware) : undefined;
      const covered = fields && coveredBy(fields);
      if (covered) return record(route, candidate, pathKey, { verdict: 'guarded', evidence: `access to the input's ${covered} checked by ${middleware.name}` });
      for (const field of fields ?? []) if (!checkedInputs.has(field)) checkedInputs.set(field, middleware.name);
    }
    const adminCheck = role ? undefined : (handlerAdminCheck(route, ctx.modules) ?? adminBranch(candidate.lookup.node));
    if (role || isPrivilegedPath(route.path) || adminCheck) {
      // A role the caller holds within its organization (an org admin, a member with a permission) says
      // what it may do in its own organization: whether the record is in it is still the code's to check.
      // Judged once every lookup is in: see tenantCompared below.
      if (role && !platformRole(ctx, role)) {
        const evidence = inCodeOwnershipCheck(ctx, tainted, path, keyNames, candidate.lookup.node, checkedInputs);
        if (evidence) noteComparison(candidate.lookup.node, evidence, route);
        // The same path may be judged again with other callers' values: a comparison either judgement finds holds.
        if (evidence) roleCompared.add(roleJudgementKey(route, candidate.lookup.node, pathKey));
        else roleOnly.push({ route, candidate, pathKey, role });
      }
      return record(route, candidate, pathKey, { verdict: 'admin-only', evidence: role ? `admin only (${role.name})` : adminCheck ? `admin only (${adminCheck})` : 'admin only (admin path)' });
    }
    // A filter pinned to a record the route loaded (`envelopeId: envelope.id`) finds only that record's
    // children: a check tied to the parent's lookup covers the child, and so does the parent's own verdict.
    const loaders = parents.flatMap((parent) => {
      const loader = loadingLookup(ctx, parent.record, path, parent.heldId);
      return loader ? [{ parent, loader }] : [];
    });
    const evidenceNames = loaders.length > 0 ? new Set([...keyNames, ...loaders.flatMap(({ loader }) => [...loaderNames(loader)])]) : keyNames;
    const evidence = inCodeOwnershipCheck(ctx, tainted, path, evidenceNames, candidate.lookup.node, checkedInputs);
    // A route that changes or deletes the record it compared, in a refusal a test of the record's state can switch off.
    if (evidence?.bypass && isStateChanging(route.method) && loadedRecordUse(candidate.lookup.node).changed) {
      const bypassNote = `${evidence.what} (${where(ctx, evidence.node)}) refuses a caller who is not the owner only while \`${evidence.bypass}\` holds`;
      Object.assign(candidate, { confidence: 'medium', bypassNote });
      return record(route, candidate, pathKey, { verdict: 'unchecked', evidence: `unchecked: ${bypassNote}` });
    }
    if (evidence) noteComparison(candidate.lookup.node, evidence, route);
    if (evidence) return record(route, candidate, pathKey, { verdict: 'owner-compared', evidence: `owner compared: ${evidence.what} (${where(ctx, evidence.node)})` });
    for (const { parent, loader } of loaders) {
      const judged = [...(judgements.get(route)?.get(loader)?.values() ?? [])].map((judgement) => judgement.access);
      const closed = judged.length > 0 && judged.every((access) => PARENT_SCOPING_VERDICTS.has(access.verdict)) ? judged[0] : undefined;
      if (closed) return record(route, candidate, pathKey, { verdict: 'scoped', evidence: `scoped by its parent: ${parent.field} = ${parent.record.text}'s, loaded at ${where(ctx, loader)} (${closed.evidence})` });
    }
    // A field resolver's filter pinned to the object it resolves on (`workspaceId: workspace.id` with
    // `@Parent() workspace`) finds only that object's children: the operation that returned the object
    // decided who sees it, as it decides the field's authentication.
    const resolvedOn = route.method === 'FIELD' ? parents.find((parent) => !parent.heldId && isResolverParent(route, parent.record)) : undefined;
    if (resolvedOn) {
      return record(route, candidate, pathKey, { verdict: 'scoped', evidence: `scoped by the object the field resolves on: ${resolvedOn.field} = ${resolvedOn.record.text}'s, the ${route.path.split('.')[0]} an operation returned` });
    }
    const guard = routeObjectGuard(ctx, route);
    // A guard that loads the record one route parameter names and compares its owner with the caller
    // vouches for that record, and for lookups tied to it (`where: { id: photoId, albumId }`), not for a
    // record another parameter names (`/albums/:albumId/photos/:photoId` deleting by photoId alone):
    // the owner of one album would reach every album's photos.
    const otherParameter = guard?.strength === 'strong' ? keyedByUnguardedParameter(ctx, route, guard.middleware, candidate, path) : undefined;
    if (guard?.strength === 'strong' && !otherParameter) return record(route, candidate, pathKey, { verdict: 'guarded', evidence: `checked by ${guard.middleware.name}` });
    if (guard && otherParameter) {
      const parentGuardNote = `${guard.middleware.name} checks the caller's ${otherParameter.checked.map((name) => `:${name}`).join(' / ')}, not that the record :${otherParameter.key} names belongs to it`;
      Object.assign(candidate, { parentGuardNote });
      openPaths.set(candidate, { path, keyNames });
      return record(route, candidate, pathKey, { verdict: 'unchecked', evidence: `unchecked: ${parentGuardNote}` });
    }
    if (guard) Object.assign(candidate, { confidence: 'medium', guardNote: guard.middleware.name });
    if (!candidate.capability) openPaths.set(candidate, { path, keyNames });
    record(
      route,
      candidate,
      pathKey,
      candidate.capability
        ? { verdict: 'capability', evidence: `keyed by ${candidate.capability}, a capability` }
        : { verdict: 'unchecked', evidence: guard ? `unchecked (${guard.middleware.name} named only)` : 'unchecked' },
    );
  };
  // Functions whose parameter reaches a lookup key: a call to one with request data in that
  // argument reaches the lookup too, from whichever route makes it (the engine records a shared
  // helper's calls once, for the first route that reaches it).
  const reach = new Map<ts.Node, ReachEntry[]>();
  // The call path and key names of each access left unchecked, for the gate read once every lookup is judged.
  const openPaths = new Map<UncheckedAccess, { path: PathEntry[]; keyNames: ReadonlySet<string> }>();
  const servedPublicly = new Map<string, string>();
  const register = (fn: ts.SignatureDeclaration | undefined, index: number | undefined, entry: Omit<ReachEntry, 'index'>): boolean => {
    if (!fn || index === undefined) return false;
    const entries = reach.get(fn) ?? [];
    const known = entries.find((existing) => existing.index === index && existing.lookup.node === entry.lookup.node);
    if (known) {
      // One path is kept per lookup; another one (`createMessage` reaching it through the view and the
      // download templates) may run where the kept one's literals do not: none of them prunes a caller then.
      const differs = known.inner.length !== entry.inner.length || known.inner.some((hop, position) => hop.call !== entry.inner[position]?.call);
      if (!(differs || entry.severalPaths) || known.severalPaths) return false;
      known.severalPaths = true;
      return true;
    }
    const first = entry.inner[0];
    const argumentsNeeded = first?.fn === fn && first.call ? argumentsNeededToReach(fn, first.call) : 0;
    entries.push({ ...entry, index, ...(argumentsNeeded > 0 ? { argumentsNeeded } : {}) });
    reach.set(fn, entries);
    return true;
  };
  for (const tainted of ctx.dataflow.taintedCalls()) {
    isolated(ctx.failures, 'object-access', tainted.file.path, () => {
      const lookup = lookupAccessOf(ctx, tainted);
      if (!lookup) return;
      const facts = lookupFacts(tainted, lookup, ctx.modules);
      const model = lookup.access.model;
      const key = facts.keys.find((candidate) => !isCapabilityKey(candidate.field, model)) ?? facts.keys[0];
      if (!key) {
        // `findUnique({ where })` with `where` a parameter: the keys are in what the callers pass.
        const fn = enclosingFunction(lookup.node);
        const slot = facts.filterValue && fn ? parameterSlot(fn, facts.filterValue.text) : undefined;
        if (fn && slot) register(fn, slot.index, { lookup, field: '', inner: [{ fn, call: lookup.node }], keyNames: new Set(), accessFile: tainted.file, filterPath: [...slot.memberPath, ...(facts.filterMember ?? [])] });
        return;
      }
      const capability = facts.keys.find((candidate) => isCapabilityKey(candidate.field, model))?.field;
      const settled = settledVerdict(ctx, tainted, lookup, facts, key);
      // Every key of the filter: `where: { id, teamId }` after a membership check on teamId is scoped by that parent.
      const keyNames = new Set(facts.keys.flatMap((candidate) => [...namesOf(candidate.taint.steps, candidate.expression)]));
      const inner: PathEntry[] = [{ fn: enclosingFunction(lookup.node)!, call: lookup.node }].filter((entry) => entry.fn);
      const optional = { ...(capability ? { capability } : {}), ...(settled ? { settled } : {}) };
      const memberPath = memberPathOfParameter(key.expression, enclosingFunction(lookup.node));
      const parents = facts.parentRecords.length > 0 ? { parents: facts.parentRecords } : {};
      const owner = parameterOwner(ctx, key.taint.steps, enclosingFunction(lookup.node));
      const ownerInner: PathEntry[] = owner && owner.closures.length > 0 ? [{ fn: owner.fn as PathEntry['fn'], call: owner.closures[0]!.fn }, ...inner] : inner;
      const lookupFunction = enclosingFunction(lookup.node);
      const scopeSlots = owner?.fn === lookupFunction && lookupFunction
        ? [
            ...facts.keys.flatMap((other) => {
              const value = skipOuterExpressions(other.expression);
              const slot = other !== key && ts.isIdentifier(value) ? parameterSlot(lookupFunction, value.text) : undefined;
              return slot ? [{ field: other.field, ...slot }] : [];
            }),
            // The field that scoped it for the recording caller, when the helper is given its value.
            ...(settled?.byField !== undefined ? filterFieldSlot(lookup.node, settled.byField, lookupFunction) : []),
            // What the filter spreads of its parameters (`where: { id, ...options.where }`): a caller that passes
            // options scoped to the signed-in caller (a tenant-aware override of a generic base) scopes it.
            ...filterSpreadSlots(lookup.node, lookupFunction).map((slot) => ({ ...slot, spread: true })),
          ]
        : [];
      register(owner?.fn, owner?.index, { lookup, field: key.field, inner: ownerInner, keyNames, accessFile: tainted.file, ...optional, ...(memberPath ? { memberPath } : {}), ...parents, ...(scopeSlots.length > 0 ? { scopeSlots } : {}), keyExpressions: facts.keys.map((candidate) => candidate.expression) });
      const path = pathFunctions(ctx, tainted, key.taint.steps, lookup.node);
      consider({ tainted, lookup, field: key.field, taint: key.taint, accessFile: tainted.file, confidence: 'high', ...(capability ? { capability } : {}), keyExpressions: facts.keys.map((candidate) => candidate.expression) }, path, keyNames, settled, facts.parentRecords);
    });
  }
  for (let round = 0, changed = true; changed && round < 6; round++) {
    changed = false;
    for (const tainted of ctx.dataflow.taintedCalls()) {
      // Each function the call may run: a method of whichever store a factory picks reaches the lookups of each.
      for (const callee of callTargets(ctx.modules, tainted.file, tainted.call.expression)) {
        const entries = reach.get(callee.node);
        if (!entries) continue;
        for (const entry of [...entries]) {
          // `getQueryFilters(query)` leaves out the websiteId the lookup's branch needs: it never runs from here.
          const passedArguments = tainted.call.arguments ?? [];
          if (entry.argumentsNeeded && passedArguments.length < entry.argumentsNeeded && !passedArguments.some(ts.isSpreadElement)) continue;
          // `saveState({ sessionId: { type: 'new', id } })` never enters the `if (sessionId.type === 'existing')` the lookup sits in.
          if (!entry.severalPaths && entry.inner[0]?.fn === callee.node && !reachableWithPassedLiterals(tainted, entry.inner)) continue;
          const caller = enclosingFunction(tainted.call);
          if (entry.filterPath) {
            if (passFilter(tainted, entry, caller)) changed = true;
            continue;
          }
          const argument = memberOfOrigin(tainted.argumentOrigins[entry.index], entry.memberPath);
          const taint = identityTaint(argument);
          if (!taint) continue;
          const inner: PathEntry[] = [...(caller ? [{ fn: caller, call: tainted.call as ts.Node }] : []), ...entry.inner];
          // The caller's names for every request value it passes (`getProject(id, teamId)`): a parent it checked scopes the lookup.
          const filterFields = lookupFilterFields(entry);
          // Only the values that reach the filter: an argument bound to a parameter the filter never reads
          // (`placeAfter(args.folderID, args.afterFolderID)` updating by afterFolderID alone) lends the
          // key none of its names, or a guard's check of folderID would pass for the afterFolderID lookup.
          const passed = (tainted.call.arguments ?? []).flatMap((argument, position) =>
            position !== entry.index && unfilteredParameter(callee.node, position, argument, filterFields) ? [] : filterValueNames(tainted, argument, filterFields),
          );
          const keyNames = new Set([...entry.keyNames, ...namesOf(taint.steps, undefined), ...passed]);
          // Scoped by a filter field the helper is given (`findFirst({ where: { id, ownerId } })`), as the recording
          // caller passed its own id there: this caller's value there decides for this caller.
          const settledSlot = entry.settled?.byField !== undefined ? entry.scopeSlots?.find((slot) => slot.field === entry.settled!.byField) : undefined;
          const unscoped = settledSlot !== undefined && memberOfOrigin(tainted.argumentOrigins[settledSlot.index], settledSlot.memberPath)?.kind === 'tainted';
          const { line, column } = nodePosition(tainted.call);
          // The caller passes, where the filter spreads its argument, a filter scoped to the signed-in caller
          // (`super.findOneById(id, this.withTenant(options))`): read from the code, it holds for every route
          // through this caller, so the caller's own callers reach the lookup scoped too.
          const spreadScope = entry.settled ? undefined : (entry.scopeSlots ?? []).flatMap((slot) => {
            const why = slot.spread ? scopedFilterArgument(ctx.modules, tainted.call.arguments?.[slot.index], slot.memberPath) : undefined;
            return why ? [{ slot, why }] : [];
          })[0];
          const spreadSettled: Settled | undefined = spreadScope && { verdict: 'scoped', evidence: `scoped by ${spreadScope.why}, which ${callee.name}() spreads into its filter (${tainted.file.path}:${line})` };
          const settledForCaller = unscoped ? undefined : (entry.settled ?? spreadSettled);
          const optional = { ...(entry.capability ? { capability: entry.capability } : {}), ...(settledForCaller ? { settled: settledForCaller } : {}) };
          // `this.findView(tableId)` after `const { tableId } = params`: the caller's callers pass the key as that member of their object.
          const owner = parameterOwner(ctx, taint.steps, caller);
          const ownerInner: PathEntry[] = owner && owner.closures.length > 0 ? [{ fn: owner.fn as PathEntry['fn'], call: owner.closures[0]!.fn }, ...inner] : inner;
          const callerMemberPath = passedMemberPath(tainted.call.arguments?.[entry.index], entry.memberPath, owner?.fn ?? caller);
          const keyExpressions = entry.keyExpressions ? { keyExpressions: entry.keyExpressions } : {};
          if (register(owner?.fn, owner?.index, { lookup: entry.lookup, field: entry.field, inner: ownerInner, keyNames, accessFile: entry.accessFile, ...optional, ...(callerMemberPath ? { memberPath: callerMemberPath } : {}), ...(entry.parents ? { parents: entry.parents } : {}), ...(entry.severalPaths ? { severalPaths: true } : {}), ...keyExpressions })) changed = true;
          const path = [...pathFunctions(ctx, tainted, taint.steps, tainted.call), ...inner];
          const steps = [...taint.steps, { file: tainted.file.path, line, column, message: `passed to ${callee.name}()` }];
          const candidate: UncheckedAccess = { tainted, lookup: entry.lookup, field: entry.field, taint: { ...taint, steps }, accessFile: entry.accessFile, confidence: 'high', ...(entry.capability ? { capability: entry.capability } : {}), ...keyExpressions };
          // This caller passes its own tenant or id for another field of the filter: scoped from here.
          const scopedBy = entry.settled ? undefined : entry.scopeSlots?.find((slot) => !slot.spread && memberOfOrigin(tainted.argumentOrigins[slot.index], slot.memberPath)?.kind === 'principal');
          const settledHere: Settled | undefined = scopedBy ? { verdict: 'scoped', evidence: `scoped by ${scopedBy.field}, which ${callee.name}() is given from the caller's own at ${tainted.file.path}:${line}` } : settledForCaller;
          consider(candidate, path, keyNames, settledHere, entry.parents);
        }
      }
    }
  }
  /**
   * A call to a function that looks records up with a filter it is given whole: the caller's object
   * there (`getTag({ id })`, `updateTag({ data, where: { id } })`) is the filter, judged here as if
   * written at the lookup; a caller that passes its own parameter on is registered in turn.
   */
  function passFilter(tainted: TaintedCall, entry: ReachEntry, caller: ts.SignatureDeclaration | undefined): boolean {
    const filter = memberOfArgument(tainted.call.arguments?.[entry.index], entry.filterPath!);
    if (!filter) return false;
    const inner: PathEntry[] = [...(caller ? [{ fn: caller, call: tainted.call as ts.Node }] : []), ...entry.inner];
    const passedOn = caller && ts.isIdentifier(filter) ? parameterSlot(caller, filter.text) : undefined;
    if (passedOn) return register(caller, passedOn.index, { ...entry, inner, filterPath: passedOn.memberPath });
    const facts = filterFacts(tainted, filter);
    const model = entry.lookup.access.model;
    const key = facts.keys.find((candidate) => !isCapabilityKey(candidate.field, model)) ?? facts.keys[0];
    if (!key) return false;
    const capability = facts.keys.find((candidate) => isCapabilityKey(candidate.field, model))?.field;
    const settled = settledVerdict(ctx, tainted, entry.lookup, facts, key);
    const keyNames = new Set(facts.keys.flatMap((candidate) => [...namesOf(candidate.taint.steps, candidate.expression)]));
    const optional = { ...(capability ? { capability } : {}), ...(settled ? { settled } : {}) };
    const memberPath = memberPathOfParameter(key.expression, caller);
    const registered = register(caller, parameterIndexOf(ctx, key.taint.steps, caller), { lookup: entry.lookup, field: key.field, inner, keyNames, accessFile: entry.accessFile, ...optional, ...(memberPath ? { memberPath } : {}), keyExpressions: facts.keys.map((candidate) => candidate.expression) });
    const path = [...pathFunctions(ctx, tainted, key.taint.steps, tainted.call), ...inner];
    consider({ tainted, lookup: entry.lookup, field: key.field, taint: key.taint, accessFile: entry.accessFile, confidence: 'high', ...(capability ? { capability } : {}), keyExpressions: facts.keys.map((candidate) => candidate.expression) }, path, keyNames, settled);
    return registered;
  }
  // A model named like reference data (`tags`, `templates`) that the project scopes to its owner
  // elsewhere (`tags.update({ where: { id, orgId } })`) holds each owner's records: a lookup of it
  // by the client's id alone is judged like any other.
  // So does a lookup by its owner's or tenant's id once that owner is checked (`themeTemplate.findMany({ where:
  // { workspaceId } })` after the workspace membership check): the records are the workspace's.
  const ownedModels = new Set<string>();
  for (const lookups of judgements.values()) {
    for (const paths of lookups.values()) {
      for (const { access } of paths.values()) {
        if (!access.model) continue;
        if (access.verdict === 'scoped' || (PARENT_SCOPING_VERDICTS.has(access.verdict) && OWNER_KEY.test(access.key))) ownedModels.add(access.model.toLowerCase());
      }
    }
  }
  // A model named like reference data whose records the code hands to its authorization policy after
  // loading one (`authorize(user, 'read', template)`) is access-controlled record by record: a lookup of
  // it elsewhere with no such call is judged like any other, and the checked ones pass on that call.
  for (const { candidate, path, keyNames } of byModelName) {
    const model = candidate.lookup.access.model?.toLowerCase();
    if (!model || ownedModels.has(model) || candidate.tainted.route.auth !== 'authenticated') continue;
    const evidence = inCodeOwnershipCheck(ctx, candidate.tainted, path, keyNames, candidate.lookup.node);
    if (evidence && isPolicyCallEvidence(evidence)) ownedModels.add(model);
  }
  for (const { candidate, path, keyNames, settled, parents } of byModelName) {
    const model = candidate.lookup.access.model?.toLowerCase();
    consider(candidate, path, keyNames, model && ownedModels.has(model) ? undefined : { ...settled, byModelName: false }, parents);
  }
  // A role-guarded route that reaches a lookup another route compares with the caller's organization, and
  // compares nothing itself: an organization's admin (or member with a permission) reaches another
  // organization's record by its id. Medium confidence: the role may be one over every organization.
  for (const { route, candidate, pathKey, role } of roleOnly) {
    const compared = tenantCompared.get(candidate.lookup.node);
    const paths = judgements.get(route)?.get(candidate.lookup.node);
    const judgement = paths?.get(pathKey);
    if (!compared || !paths || judgement?.access.verdict !== 'admin-only' || roleCompared.has(roleJudgementKey(route, candidate.lookup.node, pathKey))) continue;
    const roleNote = `${roleGuardLabel(ctx, role)} checks the caller's role, not that the record is in the caller's organization, and ${compared}`;
    paths.set(pathKey, { access: { ...judgement.access, verdict: 'unchecked', evidence: `unchecked: ${roleNote}` }, candidate: { ...candidate, confidence: 'medium', roleNote } });
  }
  // A write (or read) by the id that runs only after a lookup by the same id that is scoped to the caller
  // and stops when nothing is found (`await this.findOneById(id)` in a tenant-aware `update(id, ...)`
  // before `super.update(id, ...)`): the id is one of the caller's, whatever the second query's filter.
  for (const lookups of judgements.values()) {
    for (const paths of lookups.values()) {
      for (const [pathKey, judgement] of paths) {
        const open = judgement.candidate && judgement.access.verdict === 'unchecked' ? openPaths.get(judgement.candidate) : undefined;
        const gate = open && scopedGate(ctx, reach, judgement.candidate!.lookup.node, open.path, open.keyNames);
        if (gate) paths.set(pathKey, { access: { ...judgement.access, verdict: 'scoped', evidence: gate } });
      }
    }
  }
  let listings: Map<string, string> | undefined;
  const listedWhole = (): Map<string, string> => (listings ??= wholeListings(ctx));
  const byRoute = new Map<Route, ObjectAccess[]>();
  const unchecked = new Map<ts.Node, UncheckedAccess[]>();
  for (const [route, lookups] of judgements) {
    const accesses: ObjectAccess[] = [];
    for (const [node, paths] of lookups) {
      const all = [...paths.values()].map((judgement) => {
        const model = judgement.access.model;
        // Its own id, or the id of a parent served publicly (`comment.count({ where: { postId } })` when posts are public).
        const parent = /^(\w+?)_?[Ii][Dd]$/.exec(judgement.access.key)?.[1];
        // Not when the route changes the record it loaded (`Object.assign(article, body); save(article)`): anyone may read it, not edit it.
        const publicRoute = model && judgement.candidate && judgement.access.operation === 'read' && !loadedRecordUse(node).changed ? servedPublicly.get(model.toLowerCase()) ?? (parent ? servedPublicly.get(parent.toLowerCase()) : undefined) : undefined;
        // Reading it by id after sign-in exposes nothing an anonymous caller cannot read (that route is where any finding belongs).
        if (publicRoute) return { access: { ...judgement.access, verdict: 'public' as const, evidence: `${servedPublicly.has(model!.toLowerCase()) ? model : parent} is served to anonymous callers by id (${publicRoute})` } };
        // Listed whole, unfiltered, to every signed-in user by another route (homarr's `customWidget.all` beside
        // `customWidget.byId`): the records are the instance's, shared, and reading one by id shows no one else's.
        const listing = model && judgement.candidate && judgement.access.operation === 'read' && !loadedRecordUse(node).changed ? listedWhole().get(model.toLowerCase()) : undefined;
        return listing ? { access: { ...judgement.access, verdict: 'not-owned' as const, evidence: `${model} is listed whole to every signed-in user (${listing}): shared records, not one user's` } } : judgement;
      });
      const open = all.find((judgement) => judgement.candidate);
      accesses.push((open ?? all[0]!).access);
      if (open?.candidate) unchecked.set(node, [...(unchecked.get(node) ?? []), open.candidate]);
    }
    byRoute.set(route, accesses.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line));
  }
  return { unchecked, byRoute };
}

/**
 * The route parameter a lookup is keyed by when an object guard reads other parameters only: every key
 * of its filter is a route parameter the guard does not read. Undefined when a key is one the guard
 * reads (the record or its parent is the guarded one), comes from elsewhere, or cannot be traced to
 * the request, and when the guard reads parameters in a way not known here.
 */
function keyedByUnguardedParameter(ctx: AccessContext, route: Route, guard: RouteMiddleware, candidate: UncheckedAccess, path: readonly PathEntry[]): { key: string; checked: string[] } | undefined {
  const checked = guardReadParams(ctx, route, guard);
  const keys = candidate.keyExpressions ?? [];
  if (!checked || keys.length === 0) return undefined;
  let key: string | undefined;
  for (const expression of keys) {
    const input = keyInputPath(ctx.modules, route, expression, path);
    if (!input || input.part !== 'params' || input.path.length !== 1 || checked.has(input.path[0]!)) return undefined;
    key ??= input.path[0];
  }
  return key === undefined ? undefined : { key, checked: [...checked] };
}

/**
 * The call on the path that runs first a lookup by the same key whose every way to a query is scoped
 * from the code itself (settled for any caller: a tenant-aware override, a filter pinned to the
 * request-scoped user), and that stops the path when nothing is found: its result is tested and the
 * function exits (`if (!existing) throw`), or a function it runs throws when its lookup finds nothing.
 */
function scopedGate(ctx: AccessContext, reach: ReadonlyMap<ts.Node, ReachEntry[]>, access: ts.Node, path: readonly PathEntry[], keyNames: ReadonlySet<string>): string | undefined {
  const pathCalls = new Set(path.flatMap((entry) => (entry.call ? [entry.call] : [])));
  // The key itself as the argument (`id`, `input.taskId`), not an object that holds it among other ids.
  const isKey = (argument: ts.Expression): boolean => {
    const value = skipOuterExpressions(argument);
    return (ts.isIdentifier(value) && keyNames.has(value.text)) || (ts.isPropertyAccessExpression(value) && keyNames.has(value.name.text));
  };
  for (const { fn, call: onward } of path) {
    if (!fn.body || !onward || onward.getSourceFile() !== fn.getSourceFile()) continue;
    let found: string | undefined;
    walkDescendants(fn.body, (node) => {
      if (found || node.pos >= onward.pos) return false;
      if (ts.isFunctionLike(node)) return false;
      if (!ts.isCallExpression(node) || node === access || pathCalls.has(node)) return undefined;
      const index = node.arguments.findIndex(isKey);
      if (index < 0) return undefined;
      const file = ctx.modules.fileOf(node);
      const callee = file && resolveFunction(ctx.modules, file, node.expression);
      const entries = callee ? (reach.get(callee.node) ?? []).filter((entry) => entry.index === index && !entry.memberPath?.length && entry.lookup.node !== access) : [];
      if (entries.length === 0 || !entries.every((entry) => entry.settled?.verdict === 'scoped')) return undefined;
      // Not awaited, a throw inside it stops nothing.
      const awaited = ts.isAwaitExpression(skipParentheses(node.parent));
      if (!resultTestedWithExit(node, fn) && !(awaited && entries.some((entry) => entry.inner.some((hop) => throwsWhenMissing(hop.fn))))) return undefined;
      found = `scoped by ${callee!.name}(${node.arguments[index]!.getText()}) run first, a lookup scoped to the caller that stops when it finds nothing (${where(ctx, node)})`;
      return false;
    });
    if (found) return found;
  }
  return undefined;
}

function skipParentheses(node: ts.Node): ts.Node {
  let current = node;
  while (ts.isParenthesizedExpression(current)) current = current.parent;
  return current;
}

/** `const existing = await load(id); if (!existing) throw ...`, `record = await load(id)` then the same test. */
function resultTestedWithExit(call: ts.CallExpression, fn: ts.SignatureDeclaration & { body?: ts.Node }): boolean {
  let node: ts.Node = call;
  while (node.parent && (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent))) node = node.parent;
  const holder = node.parent;
  const name = holder && ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name) ? holder.name.text : holder && ts.isBinaryExpression(holder) && holder.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(holder.left) ? holder.left.text : undefined;
  return name !== undefined && fn.body !== undefined && testsMissingAndExits(fn.body, name, call.end);
}

/** The function throws when a record it loaded is missing: `if (!record) throw new NotFoundException()`. */
function throwsWhenMissing(fn: ts.SignatureDeclaration & { body?: ts.Node }): boolean {
  if (!fn.body) return false;
  let found = false;
  walkDescendants(fn.body, (node) => {
    if (found || ts.isFunctionLike(node)) return false;
    // `const record = await ...`, or `let record: T;` assigned in the branch of each ORM (`record = await ...`).
    const loaded = ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer ? node.name : ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(node.left) && ts.isCallExpression(skipOuterExpressions(node.right)) ? node.left : undefined;
    if (loaded && testsMissingAndExits(fn.body!, loaded.text, node.end, true)) found = true;
    return undefined;
  });
  return found;
}

/** An `if (!name)` (or `if (!name || ...)`) after `from` whose branch throws (or, unless `throwOnly`, returns). */
function testsMissingAndExits(body: ts.Node, name: string, from: number, throwOnly = false): boolean {
  let found = false;
  const missing = new RegExp(`^!\\s*${name.replace(/\$/g, '\\$')}\\b(?!\\s*[.?\\[])`);
  walkDescendants(body, (node) => {
    if (found) return false;
    if (ts.isIfStatement(node) && node.pos >= from) {
      const tested = node.expression.getText().split(/\s*\|\|\s*/).some((part) => missing.test(part.trim()));
      if (tested && (throwOnly ? /\bthrow\b/.test(node.thenStatement.getText()) : exitsEarly(node.thenStatement))) found = true;
    }
    return undefined;
  });
  return found;
}

/** The names the helper's lookup filters by (`input`, `id` of `eq(subscribers.id, input.id)`), as the helper names them. */
function lookupFilterFields(entry: ReachEntry): ReadonlySet<string> {
  const fields = new Set(entry.keyNames);
  for (const expression of entry.keyExpressions ?? []) {
    walkDescendants(expression, (node) => {
      if (ts.isPropertyAccessExpression(node)) fields.add(node.name.text);
    });
    if (ts.isPropertyAccessExpression(expression)) fields.add(expression.name.text);
  }
  return fields;
}

/**
 * Whether a call's argument at `position` lands in a plain named parameter of the callee that the
 * lookup's filter never names (`placeAfter(folderID, afterFolderID)` with `where: { id: afterFolderID }`
 * for folderID): that value does not reach the filter. Destructured parameters, rest parameters and
 * object literals are left to filterValueNames, which matches their members.
 */
function unfilteredParameter(callee: ts.Node, position: number, argument: ts.Expression, filterFields: ReadonlySet<string>): boolean {
  if (!ts.isFunctionLike(callee)) return false;
  const parameter = callee.parameters[position];
  if (!parameter || parameter.dotDotDotToken || !ts.isIdentifier(parameter.name)) return false;
  if (ts.isObjectLiteralExpression(skipOuterExpressions(argument)) || ts.isSpreadElement(argument)) return false;
  return !filterFields.has(parameter.name.text);
}

/**
 * The caller's names for the request values it passes in members the lookup filters by: of
 * `{ ctx, input: { id: input.id, pageId: input.pageId } }` for a lookup by `input.id` alone, `id`'s, not
 * `pageId`'s (a check of that page does not cover a record looked up on any page). An argument none of
 * whose members can be matched is taken whole.
 */
function filterValueNames(tainted: TaintedCall, argument: ts.Expression, filterFields: ReadonlySet<string>): string[] {
  const value = skipOuterExpressions(argument);
  if (!ts.isObjectLiteralExpression(value) || value.properties.some(ts.isSpreadAssignment)) return requestValueNames(tainted, argument);
  const matched = value.properties.filter((property) => property.name !== undefined && filterFields.has(propertyNameText(property.name) ?? ''));
  if (matched.length === 0) return requestValueNames(tainted, argument);
  return matched.flatMap((property) =>
    ts.isPropertyAssignment(property) ? filterValueNames(tainted, property.initializer, filterFields) : ts.isShorthandPropertyAssignment(property) ? requestValueNames(tainted, property.name) : [],
  );
}

/** The names of the request values in an argument: `{ id: session.user.id, cursor }` gives `cursor` only. */
function requestValueNames(tainted: TaintedCall, argument: ts.Expression): string[] {
  const value = skipOuterExpressions(argument);
  if (ts.isObjectLiteralExpression(value)) {
    return value.properties.flatMap((property) => {
      const part = ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
      return part ? requestValueNames(tainted, part) : [];
    });
  }
  return identityTaint(tainted.originOf(value)) ? [...namesOf([], value)] : [];
}

/** Parameter decorators that hand a field resolver the object it resolves on (@nestjs/graphql, type-graphql). */
const RESOLVER_PARENT_DECORATOR = /^(?:Parent|Root)$/;

/**
 * Whether a name is the field resolver's parent object: its handler's parameter decorated
 * `@Parent()`/`@Root()`, or, in a resolver map (`Workspace: { pages: (workspace, args) => ... }`),
 * its first parameter.
 */
function isResolverParent(route: Route, name: ts.Identifier): boolean {
  const handler = route.handler?.node;
  if (!handler || !('parameters' in handler)) return false;
  const parameters = (handler as ts.SignatureDeclaration).parameters;
  const declared = parameters.find((parameter) => bindingNames(parameter.name).includes(name.text));
  if (!declared || enclosingFunction(name) !== handler) return false;
  const decorated = parameters.some((parameter) => (ts.getDecorators(parameter) ?? []).length > 0);
  if (!decorated) return declared === parameters[0];
  return (ts.getDecorators(declared) ?? []).some((decorator) => {
    const call = decorator.expression;
    return ts.isCallExpression(call) && ts.isIdentifier(call.expression) && RESOLVER_PARENT_DECORATOR.test(call.expression.text);
  });
}

/**
 * The entity a lookup reads when its repository's entity is a parameter of the function it is in (a
 * generic helper: `getEntityOrThrow<T>(ctx, entityType: Type<T>, id)` running
 * `this.getRepository(ctx, entityType).findOne(...)`, `findById(Model, id)`): the class the call on
 * this path passes there (`getEntityOrThrow(ctx, ProductVariant, productVariantId)`), followed through
 * helpers that hand the parameter on. Undefined when the model is not a parameter or no call on the
 * path names a class for it.
 */
function boundModel(ctx: AccessContext, lookup: LookupAccess, path: readonly PathEntry[]): { model: string; via: string; call: ts.CallExpression } | undefined {
  let name = lookup.access.model;
  let fn = enclosingFunction(lookup.node) as ts.SignatureDeclaration | undefined;
  let last: { via: string; call: ts.CallExpression } | undefined;
  for (let hops = 0; name && fn && hops < 8; hops++) {
    const index = fn.parameters.findIndex((parameter) => ts.isIdentifier(parameter.name) && parameter.name.text === name);
    if (index < 0) return last && /^[A-Z][A-Za-z0-9_]*$/.test(name) ? { model: name, ...last } : undefined;
    const target = fn;
    const call = path.flatMap((entry) => (entry.call && ts.isCallExpression(entry.call) ? [entry.call] : [])).find((candidate) => {
      const file = ctx.modules.fileOf(candidate);
      return file !== undefined && resolveFunction(ctx.modules, file, candidate.expression)?.node === target;
    });
    const argument = call?.arguments[index] && skipOuterExpressions(call.arguments[index]!);
    if (!call || !argument || !ts.isIdentifier(argument)) return undefined;
    last = { via: `${calleeName(call) || skipOuterExpressions(call.expression).getText()}()`, call };
    name = argument.text;
    fn = enclosingFunction(call) as ts.SignatureDeclaration | undefined;
  }
  return undefined;
}

/** What the lookup itself settles, whichever route reaches it: scoped by the user, reference data, a link. */
function settledVerdict(ctx: AccessContext, tainted: TaintedCall, lookup: LookupAccess, facts: ReturnType<typeof lookupFacts>, key: ReturnType<typeof lookupFacts>['keys'][number]): Settled | undefined {
  const at = where(ctx, lookup.node);
  if (facts.principalFields.length > 0) return { verdict: 'scoped', evidence: `scoped by ${facts.principalFields[0]} (${at})`, byField: facts.principalFields[0]!.split(' ')[0]! };
  if (facts.linksPrincipalOnly) return { verdict: 'scoped', evidence: `links only the signed-in user (${at})` };
  // `include: { team: { include: { users: { where: { userId } } } } }` then `if (!doc || doc.team.users.length === 0) return 403`.
  const membership = facts.callerFilteredRelations?.length ? emptyRelationExit(lookup.node, facts.callerFilteredRelations) : undefined;
  if (membership) return { verdict: 'owner-compared', evidence: `owner compared: the caller's rows of ${membership.relation}, loaded with the record, must not be empty (${where(ctx, membership.node)})` };
  if (facts.countersOnly) return { verdict: 'not-owned', evidence: `only moves the engagement counter${facts.countersOnly.length === 1 ? '' : 's'} ${facts.countersOnly.join(', ')} (${at})` };
  // A request field a route middleware overwrites from the token is the principal's own id: it scopes the lookup.
  const stamped = facts.keys.find((candidate) => stampedFromPrincipal(ctx, tainted.route, candidate.taint.source.label));
  if (stamped) return { verdict: 'scoped', evidence: `scoped by ${stamped.taint.source.label}, set from the token by a route middleware (${at})` };
  // By the column (`where: { workspaceId }`) or by the name the value goes by (`eq(workspace.id, workspaceId)`).
  const bound = facts.keys.map((candidate) => {
    const value = skipOuterExpressions(candidate.expression);
    const named = ts.isIdentifier(value) ? value.text : ts.isPropertyAccessExpression(value) ? value.name.text : undefined;
    return { candidate, by: boundToPrincipal(ctx, tainted.route, candidate.field) ?? (named && named !== candidate.field ? boundToPrincipal(ctx, tainted.route, named) : undefined) };
  }).find((entry) => entry.by);
  if (bound) return { verdict: 'scoped', evidence: `scoped by ${bound.candidate.taint.source.label}, which ${bound.by} holds to the signed-in caller's own (${at})` };
  if (!isWriteAccess(lookup) && isPresentedCredential(key.field, lookup.access.model)) return { verdict: 'scoped', evidence: `keyed by ${key.taint.source.label}, the credential the caller presents: only its holder's record is found (${at})` };
  if (!isWriteAccess(lookup) && isVerifiedAuthenticatorLookup(key.field, lookup.access.model, lookup.node)) return { verdict: 'scoped', evidence: `keyed by ${key.taint.source.label}, the credential id the caller's authenticator presents, whose signature the handler verifies against the passkey: only its holder gets past (${at})` };
  if (lookup.access.model && REFERENCE_MODEL.test(lookup.access.model)) return { verdict: 'not-owned', evidence: `reference data (${lookup.access.model})`, byModelName: true };
  // The client's token or key naming a limiter's bucket (`key: `id:${token}``): the count is kept for every caller, nobody owns it.
  if (lookup.access.model && RATE_LIMIT_COUNTER_MODEL.test(lookup.access.model)) return { verdict: 'not-owned', evidence: `a rate limiter's request counter (${lookup.access.model}), kept per IP or key for every caller (${at})` };
  // A coupon or voucher read by the code the customer types: the code is how any customer redeems it, not a key to someone's record.
  if (!isWriteAccess(lookup) && lookup.access.model && REDEEMABLE_MODEL.test(lookup.access.model) && REDEEMABLE_CODE_KEY.test(key.field)) return { verdict: 'not-owned', evidence: `a ${lookup.access.model} found by the code the customer presents (${at})` };
  if (!isWriteAccess(lookup) && lookup.access.model && OAUTH_CLIENT_MODEL.test(lookup.access.model) && OAUTH_CLIENT_KEY.test(key.field)) return { verdict: 'not-owned', evidence: `a registered OAuth client (${lookup.access.model}) found by the client_id the request presents, public in OAuth (${at})` };
  // Deferred like a model name: a `themeTemplateId` of a model the project keys by its workspace elsewhere is an owned record's id.
  if (REFERENCE_KEY.test(key.taint.source.label.split('.').pop() ?? '')) return { verdict: 'not-owned', evidence: `reference key ${key.taint.source.label}`, byModelName: true };
  if (CATALOG_KEY.test(key.field)) return { verdict: 'not-owned', evidence: `found by ${key.field}, a public catalog's id for the title: the app's shared entry for it (${at})`, byModelName: true };
  if (usedOnlyToLink(lookup.node)) return { verdict: 'not-owned', evidence: `only linked to, not changed (${at})` };
  if (facts.publicOnly) return { verdict: 'public', evidence: `only public records: ${facts.publicOnly} (${at})` };
  const published = isWriteAccess(lookup) ? undefined : refusesUnpublished(lookup.node);
  if (published) return { verdict: 'public', evidence: `only published records: \`${published.test}\` refuses the others (${where(ctx, published.node)})` };
  const directoryView = !isWriteAccess(lookup) && lookup.access.model && DIRECTORY_MODEL.test(lookup.access.model) ? answeredThroughCallerPermission(lookup.node) : undefined;
  if (directoryView) return { verdict: 'public', evidence: `another member's profile, answered through ${directoryView}, which shows the caller only what their permission allows: a member directory by design (${at})` };
  if (!isWriteAccess(lookup) && resultOnlyTested(lookup.node)) return { verdict: 'existence-only', evidence: `result only tested (or its timestamp used as a cursor), never returned (${at})` };
  // `prisma.programEnrollment.groupBy({ by: ['status'], _count: true })`, `count(...)`: numbers, no record.
  if (!isWriteAccess(lookup) && COUNTING_METHODS.has(lookup.access.method)) return { verdict: 'existence-only', evidence: `${lookup.access.method}() answers with counts, no record (${at})` };
  const kysely = lookup.access.library === 'kysely' ? kyselyChain(lookup.node) : undefined;
  if (kysely && !isWriteAccess(lookup) && kyselySelectsOnlyAggregates(kysely)) return { verdict: 'existence-only', evidence: `selects only aggregates (counts, sums), no record (${at})` };
  return undefined;
}

/** Reads that answer with counts or groups of counts, never a record's fields. */
const COUNTING_METHODS: ReadonlySet<string> = new Set(['count', 'countBy', 'countDocuments', 'estimatedDocumentCount', 'groupBy', 'aggregate']);

/**
 * A read whose result is bound and then only tested in `if` conditions (`if (!existing) throw`,
 * `const { locked } = ...; if (locked) throw`) or read for its timestamp as a pagination cursor
 * (`gt(chat.createdAt, selected.createdAt)`): at most an existence or flag oracle, no record
 * reaches the caller. Writes after it are judged on their own.
 */
function resultOnlyTested(access: ts.Node): boolean {
  let node: ts.Node = access;
  while (node.parent && (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent) || ts.isNonNullExpression(node.parent))) node = node.parent;
  const declaration = node.parent;
  // `existing = await findUnique(...)` inside a retry loop rebinds the name the first lookup declared.
  const reassigned = declaration && ts.isBinaryExpression(declaration) && declaration.operatorToken.kind === ts.SyntaxKind.EqualsToken && declaration.right === node && ts.isIdentifier(declaration.left) ? declaration.left : undefined;
  if (!declaration || (!reassigned && (!ts.isVariableDeclaration(declaration) || declaration.initializer !== node))) return false;
  const names = new Set(reassigned ? [reassigned.text] : bindingNames((declaration as ts.VariableDeclaration).name));
  const fn = enclosingFunction(access) as (ts.SignatureDeclaration & { body?: ts.Node }) | undefined;
  if (names.size === 0 || !fn?.body) return false;
  let uses = 0;
  let otherUse = false;
  const visit = (child: ts.Node): void => {
    if (otherUse) return;
    if (ts.isIdentifier(child) && names.has(child.text) && !isDeclarationName(child) && !(ts.isPropertyAccessExpression(child.parent) && child.parent.name === child)) {
      // Assigned a new lookup's result: a rebinding, not a use of the record.
      if (ts.isBinaryExpression(child.parent) && child.parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && child.parent.left === child) return;
      uses++;
      // `selected.createdAt` as a pagination cursor: a timestamp, not the record.
      const timestamp = ts.isPropertyAccessExpression(child.parent) && child.parent.expression === child && /^(?:createdAt|updatedAt|created_at|updated_at|timestamp)$/.test(child.parent.name.text);
      if (!timestamp && !insideIfCondition(child) && !returnedAsBoolean(child)) otherUse = true;
      return;
    }
    ts.forEachChild(child, visit);
  };
  visit(fn.body);
  return uses > 0 && !otherUse;
}

/** Models of the people who use the app: another one's profile is what a member directory shows. */
const DIRECTORY_MODEL = /^(?:users?|accounts?|members?|profiles?)$/i;
/** A test of the signed-in caller's role or permission: `req.user?.hasPermission(Permission.MANAGE_USERS)`, `ctx.user.isAdmin`. */
const CALLER_PERMISSION_TEST = /\b(?:req|request|ctx|context)\s*(?:\?\.|\.)\s*(?:user|currentUser|state\s*\.\s*user)\s*(?:\?\.|\.|!\.)\s*(?:has(?:Role|Permission|Any(?:Role|Permission))s?\s*\(|can\s*\(|isAdmin\b|is_admin\b|role\b|roles\b|permissions?\b)/;

/**
 * A user record read by the client's id and answered only through a projection the caller's permission
 * picks (`user.filter(req.user?.hasPermission(Permission.MANAGE_USERS))`, `toProfile(user, req.user.isAdmin)`):
 * the code decides what a member without that permission may see of another member, as a member
 * directory does. What the projection still shows is excessive-data-exposure's business. Returns the
 * projecting call, when every use of the record is one (or an `if` test).
 */
function answeredThroughCallerPermission(access: ts.Node): string | undefined {
  let node: ts.Node = access;
  while (node.parent && (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent) || ts.isNonNullExpression(node.parent))) node = node.parent;
  const declaration = node.parent;
  if (!declaration || !ts.isVariableDeclaration(declaration) || declaration.initializer !== node || !ts.isIdentifier(declaration.name)) return undefined;
  const name = declaration.name.text;
  const fn = enclosingFunction(access) as (ts.SignatureDeclaration & { body?: ts.Node }) | undefined;
  if (!fn?.body) return undefined;
  let projection: string | undefined;
  let otherUse = false;
  const visit = (child: ts.Node): void => {
    if (otherUse) return;
    if (ts.isIdentifier(child) && child.text === name && child !== declaration.name && !(ts.isPropertyAccessExpression(child.parent) && child.parent.name === child)) {
      if (insideIfCondition(child)) return;
      // `user.filter(<caller's permission>)` or `project(user, <caller's permission>)`.
      const method = ts.isPropertyAccessExpression(child.parent) && child.parent.expression === child && ts.isCallExpression(child.parent.parent) && child.parent.parent.expression === child.parent ? child.parent.parent : undefined;
      const passed = ts.isCallExpression(child.parent) && child.parent.arguments.includes(child as ts.Expression) ? child.parent : undefined;
      const call = method ?? passed;
      const others = call ? call.arguments.filter((argument) => argument !== child) : [];
      if (call && others.some((argument) => CALLER_PERMISSION_TEST.test(argument.getText()))) projection ??= call.getText().replace(/\s+/g, ' ');
      else otherUse = true;
      return;
    }
    ts.forEachChild(child, visit);
  };
  visit(fn.body);
  return otherUse ? undefined : projection;
}

/** `return !!project`, `return Boolean(row)`, `return row !== null`: the caller gets whether it exists, not the record. */
function returnedAsBoolean(identifier: ts.Identifier): boolean {
  let node: ts.Node = identifier;
  let tested = false;
  for (;;) {
    const parent: ts.Node = node.parent;
    if (ts.isParenthesizedExpression(parent)) node = parent;
    else if (ts.isPrefixUnaryExpression(parent) && parent.operator === ts.SyntaxKind.ExclamationToken) {
      node = parent;
      tested = true;
    } else if (ts.isCallExpression(parent) && ts.isIdentifier(parent.expression) && parent.expression.text === 'Boolean' && parent.arguments[0] === node) {
      node = parent;
      tested = true;
    } else if (ts.isBinaryExpression(parent) && EQUALITY_OPERATORS.has(parent.operatorToken.kind) && isNullish(parent.left === node ? parent.right : parent.left)) {
      node = parent;
      tested = true;
    } else break;
  }
  // Returned, or a member of the object returned (`return { isAvailable: !share }`): either way a boolean.
  let returned: ts.Node = node;
  while (ts.isPropertyAssignment(returned.parent) && returned.parent.initializer === returned && ts.isObjectLiteralExpression(returned.parent.parent)) {
    returned = returned.parent.parent;
    while (ts.isParenthesizedExpression(returned.parent)) returned = returned.parent;
  }
  const parent = returned.parent;
  return tested && (ts.isReturnStatement(parent) || (ts.isArrowFunction(parent) && parent.body === returned));
}

const EQUALITY_OPERATORS: ReadonlySet<ts.SyntaxKind> = new Set([ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken]);

function isNullish(expression: ts.Expression): boolean {
  const value = skipOuterExpressions(expression);
  return value.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(value) && value.text === 'undefined');
}

function isDeclarationName(identifier: ts.Identifier): boolean {
  const parent = identifier.parent;
  return (
    (ts.isBindingElement(parent) && (parent.name === identifier || parent.propertyName === identifier)) ||
    (ts.isVariableDeclaration(parent) && parent.name === identifier) ||
    (ts.isPropertyAssignment(parent) && parent.name === identifier) // `select: { locked: true }` names a column
  );
}

/** In the condition of an `if`, or of a loop that retries while the record exists (`while (existing && attempts < 3)`). */
function insideIfCondition(node: ts.Node): boolean {
  for (let current: ts.Node = node; current.parent; current = current.parent) {
    if (ts.isIfStatement(current.parent) || ts.isWhileStatement(current.parent) || ts.isDoStatement(current.parent)) return current.parent.expression === current;
    if (ts.isCallExpression(current.parent) && current.parent.expression !== current) return false; // passed on
    if (ts.isBlock(current.parent) || ts.isFunctionLike(current.parent)) return false;
  }
  return false;
}

/** `src/x.ts:12`, scan-relative. */
/**
 * A role guard for a role over the whole platform (`superAdminProcedure`, `ctx.user.role !== 'superadmin'`,
 * `@Roles('staff')`), by its name, its roles, its code or the name it is declared under.
 */
function platformRole(ctx: AccessContext, role: RouteMiddleware): boolean {
  if (PLATFORM_ROLE.test(`${role.name} ${(role.roles ?? []).join(' ')}`)) return true;
  const located = locateMiddleware(ctx.modules, role);
  return located !== undefined && PLATFORM_ROLE.test(`${declaredNameOf(located.node) ?? ''} ${located.node.getText()}`);
}

/** `adminProcedure` for the middleware of `export const adminProcedure = t.procedure.use(...)`: how the project names the guard. */
function roleGuardLabel(ctx: AccessContext, role: RouteMiddleware): string {
  const located = locateMiddleware(ctx.modules, role);
  return (located && declaredNameOf(located.node)) ?? role.name;
}

/**
 * The const a guard is declared under, through the factory that makes it (`withPermission` of
 * `const withPermission = (resource, action) => t.procedure.use(async ({ ctx, next }) => ...)`); none for
 * one written inline in a router (an object member or argument in between).
 */
function declaredNameOf(node: ts.Node): string | undefined {
  let declared: ts.Node | undefined = node;
  while (declared && !ts.isVariableDeclaration(declared) && !ts.isSourceFile(declared) && !ts.isPropertyAssignment(declared) && !ts.isObjectLiteralExpression(declared) && !ts.isClassLike(declared)) declared = declared.parent;
  return declared && ts.isVariableDeclaration(declared) && ts.isIdentifier(declared.name) ? declared.name.text : undefined;
}

function where(ctx: AccessContext, node: ts.Node): string {
  const file = ctx.modules.fileOf(node);
  return `${file?.path ?? node.getSourceFile().fileName}:${nodePosition(node).line}`;
}

/**
 * Commenting on, favoriting or following an object any user may see: the record read by the
 * client's id is only linked to (a new child pushed into its collection, it pushed into the
 * caller's collection, a counter bumped) and saved, never changed, deleted or returned edited.
 * That acts on the caller's own rows; changing the object itself is not this.
 */
function usedOnlyToLink(access: ts.Node): boolean {
  const use = loadedRecordUse(access);
  return use.links > 0 && !use.changed;
}

/**
 * `req.body.UserId` that a middleware on the route overwrites from the verified token or session
 * (`req.body.UserId = tokenMap[jwtFrom(req)].data.id`): by the time the handler reads it, it is
 * the principal's own id, not the client's choice.
 */
function stampedFromPrincipal(ctx: AccessContext, route: Route, sourceLabel: string): boolean {
  const match = /^[\w$]+\.(body|params|query)\.([\w$]+)$/.exec(sourceLabel);
  if (!match) return false;
  const [, container, field] = match;
  const assignment = new RegExp(`\\b[\\w$]+\\.${container}\\.${field!.replace(/\$/g, '\\$')}\\s*=(?!=)\\s*([^;\\n]+)`);
  for (const middleware of route.middleware) {
    const name = /([A-Za-z_$][\w$]*)\s*(?:\(|$)/.exec(middleware.name.replace(/\(.*$/, '('))?.[1];
    if (!name) continue;
    for (const body of declarationTexts(ctx, name)) {
      const right = assignment.exec(body)?.[1];
      if (right && PRINCIPAL_VALUE.test(right)) return true;
    }
  }
  return false;
}

/**
 * The tenant a request names, held to the caller's by the authentication middleware of its route: the hook
 * reads the request's `workspaceId` (`getWorkspaceId(request)`, `request.query.workspaceId`) and rejects
 * unless it is the authenticated context's (`if (workspaceId !== workspace.id) return reply.status(403)`).
 * Past that middleware, the request's `workspaceId` is the caller's own. Returns the middleware, if one does.
 */
function boundToPrincipal(ctx: AccessContext, route: Route, field: string): string | undefined {
  if (!/^[A-Za-z_$][\w$]*Id$/.test(field)) return undefined;
  const entity = field.slice(0, -2);
  const escapedField = field.replace(/\$/g, '\\$');
  const readsFromRequest = new RegExp(String.raw`\b(?:req|request|ctx\.request|c\.req)\s*\.\s*(?:body|query|params)\s*\.\s*${escapedField}\b|\b\w*${entity.replace(/^./, (c) => c.toUpperCase())}Id\w*\s*\(\s*(?:req|request|ctx|c)\b`);
  const sides = new RegExp(String.raw`\bif\s*\(\s*([\w$.]+)\s*!==?\s*([\w$.]+)\s*\)\s*\{?(?:[^{}]|\{[^{}]*\})*?\b(?:status|code|sendStatus)\s*\(\s*40[13]\b`, 'g');
  for (const middleware of route.middleware) {
    if (middleware.kind !== 'auth') continue;
    const located = locateMiddleware(ctx.modules, middleware);
    if (!located) continue;
    const value = skipOuterExpressions(located.node);
    const fn = isFunctionLikeNode(value) ? value : ts.isIdentifier(value) ? resolveFunction(ctx.modules, located.file, value)?.node : undefined;
    const body = fn && (fn as ts.FunctionLikeDeclaration).body;
    if (!body) continue;
    const text = body.getText(body.getSourceFile());
    if (!readsFromRequest.test(text)) continue;
    for (const match of text.matchAll(sides)) {
      const [left, right] = [match[1]!, match[2]!];
      for (const [requested, principal] of [[left, right], [right, left]] as const) {
        if ((requested === field || requested.endsWith(`.${field}`)) && (principal === `${entity}.id` || principal.endsWith(`.${entity}.id`))) return `${middleware.name.length > 40 ? `the middleware at ${middleware.file}:${middleware.line}` : middleware.name}`;
      }
    }
  }
  return undefined;
}

function isFunctionLikeNode(node: ts.Node): node is ts.ArrowFunction | ts.FunctionExpression {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node);
}

// What a middleware assigns when it fills a field from the authenticated caller.
const PRINCIPAL_VALUE = /\.\s*(?:user|auth|session|state\s*\.\s*user)\s*\.|token|jwt|session|principal|claims|currentUser|authenticatedUser|loggedInUser/i;

const declarationTextCache = new WeakMap<readonly unknown[], Map<string, string[]>>();

/** The text of every top-level function or const named `name` in the project (memoized per scan). */
function declarationTexts(ctx: AccessContext, name: string): string[] {
  let cache = declarationTextCache.get(ctx.sourceFiles);
  if (!cache) {
    cache = new Map();
    declarationTextCache.set(ctx.sourceFiles, cache);
  }
  const cached = cache.get(name);
  if (cached) return cached;
  const texts: string[] = [];
  cache.set(name, texts);
  for (const file of ctx.sourceFiles) {
    if (!file.text.includes(name)) continue;
    for (const statement of file.sourceFile.statements) {
      if (ts.isFunctionDeclaration(statement) && statement.name?.text === name) texts.push(statement.getText(file.sourceFile));
      else if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          if (ts.isIdentifier(declaration.name) && declaration.name.text === name) texts.push(declaration.getText(file.sourceFile));
        }
      }
    }
  }
  return texts;
}

// Admin and internal paths act on anyone's records by design; a missing role check there is missing-authorization's.
/** `if (!user.isSuperAdmin) throw ...` at the top of the handler: only administrators get past it. */
const HANDLER_ADMIN_EXIT = /^if\s*\(\s*!\s*\(?\s*[\w$.?]*\.\s*(?:is\w*Admin|is_?admin|isStaff|is_staff|isSuper\w*|superAdmin|admin)\b\s*\)?\s*\)/;

/**
 * The caller's role as handlers read it (`req.user.role`, `session.user.role`, Hono `c.get('role')` /
 * `c.var.role`) and an administrator's role value (`'admin'`, `Role.ADMIN`, `UserRole.SuperAdmin`).
 */
const ROLE_READ = String.raw`(?:[\w$.?'"()[\]]*\.\s*role(?![\w$])|[\w$]+\.get\(\s*['"]role['"]\s*\))`;
const ADMIN_ROLE_VALUE = String.raw`(?:['"](?:admin|administrator|superadmin|super_admin|super-admin|staff|root)['"]|[\w$]*Roles?\.(?:ADMIN|Admin|SUPER_?ADMIN|SuperAdmin|Administrator|ADMINISTRATOR|STAFF|Staff))`;

/** `if (req.user.role !== 'admin') return 403`, `if (c.get('role') !== Role.ADMIN) throw`: a role test only administrators pass. */
const HANDLER_ADMIN_ROLE_EXIT = new RegExp(String.raw`^if\s*\(\s*(?:${ROLE_READ}\s*!==?\s*${ADMIN_ROLE_VALUE}|${ADMIN_ROLE_VALUE}\s*!==?\s*${ROLE_READ})\s*\)`);

/** `session.user.admin === true`, `user.isAdmin`, `ctx.user.role === 'admin'`: a condition that holds for administrators only. */
const ADMIN_CONDITION = new RegExp(String.raw`^\(?\s*[\w$.?!]*\.\s*(?:is\w*Admin|is_?admin|isStaff|is_staff|isSuper\w*|superAdmin|admin)\b\s*(?:===?\s*true\s*)?\)?$|^(?:${ROLE_READ}\s*===?\s*${ADMIN_ROLE_VALUE}|${ADMIN_ROLE_VALUE}\s*===?\s*${ROLE_READ})$`);

/**
 * The access sits in the branch of an `if` that only administrators enter (`if (session.user.admin === true) {
 * await prisma.project.findFirst({ where: { id: projectId } }) }`): reading any record there is the admin's right.
 */
function adminBranch(access: ts.Node): string | undefined {
  for (let node: ts.Node = access; node.parent && !ts.isSourceFile(node.parent); node = node.parent) {
    const parent = node.parent;
    // `if (userInfo?.admin && datasetId.startsWith('ds'))`: one operand of a conjunction holding is as good.
    if (ts.isIfStatement(parent) && parent.thenStatement === node && conjuncts(parent.expression).some((operand) => ADMIN_CONDITION.test(operand.getText().replace(/\s+/g, ' ').trim()))) {
      return `inside if (${parent.expression.getText()}) (${parent.getSourceFile().fileName.split('/').pop()}:${nodePosition(parent).line})`;
    }
    if (ts.isFunctionLike(parent)) return undefined;
  }
  return undefined;
}

function handlerAdminCheck(route: Route, modules: ModuleIndex): string | undefined {
  const body = (route.handler?.node as { body?: ts.Node } | undefined)?.body;
  if (!body || !ts.isBlock(body)) return undefined;
  // The handler's own statements, and those of a try block that holds its whole work (`try { await requireAdmin(userId); ... }`).
  const statements = body.statements.flatMap((statement) => (ts.isTryStatement(statement) ? [...statement.tryBlock.statements] : [statement]));
  for (const statement of statements) {
    const assertion = adminAssertion(statement, route, modules);
    if (assertion) return assertion;
    if (!ts.isIfStatement(statement) || !exitsEarly(statement.thenStatement)) continue;
    const text = statement.getText();
    if (HANDLER_ADMIN_EXIT.test(text) || HANDLER_ADMIN_ROLE_EXIT.test(text)) return `${statement.expression.getText()} exits first (${route.handler!.file}:${nodePosition(statement).line})`;
  }
  return undefined;
}

/** A helper named for turning away all but administrators: `requireAdmin`, `assertSuperAdmin`, `ensureIsAdmin`. */
const ADMIN_ASSERTION_NAME = /^(?:require|assert|ensure|enforce)(?:Is)?(?:Super|Platform|Site|System|Global)?Admin(?:istrator)?(?:User)?$/;

/**
 * `await requireAdmin(userId)` as a statement of its own: a project helper named for requiring an
 * administrator that throws (itself or in a function it calls: `findFirstOrThrow` of the user with that
 * role) before the handler goes on.
 */
function adminAssertion(statement: ts.Statement, route: Route, modules: ModuleIndex): string | undefined {
  if (!ts.isExpressionStatement(statement)) return undefined;
  let expression = skipOuterExpressions(statement.expression);
  if (ts.isAwaitExpression(expression)) expression = skipOuterExpressions(expression.expression);
  if (!ts.isCallExpression(expression)) return undefined;
  const callee = skipOuterExpressions(expression.expression);
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
  const file = name && ADMIN_ASSERTION_NAME.test(name) ? modules.fileOf(statement) : undefined;
  const helper = file && resolveFunction(modules, file, callee);
  if (!helper?.node.body) return undefined;
  const throws = [helper, ...calledFunctions(modules, helper, 8)].some((fn) => THROWS.test(fn.node.body!.getText(fn.node.getSourceFile())));
  return throws ? `${name}() exits first for other callers (${route.handler!.file}:${nodePosition(statement).line})` : undefined;
}

const THROWS = /\bthrow\b|\w+OrThrow\s*\(/;

const ORDINARY_ROLE = new RegExp(`^(?:${ORDINARY_USER_ROLES.join('|')})$`, 'i');

/**
 * A role guard whose readable roles are all ones every account holds (`@Roles(RoleType.USER)`), or
 * that compares only a token's scopes (`ctx.auth.scopes`): no admin-only route.
 */
function admitsEveryUser(middleware: RouteMiddleware): boolean {
  if (middleware.tokenScopes) return true;
  return (middleware.roles?.length ?? 0) > 0 && middleware.roles!.every((role) => ORDINARY_ROLE.test(role.split(/[.:]/).pop() ?? role) || isActionPermission(role));
}

/**
 * A permission to do something to a kind of record (`ALBUM_UPDATE`, `asset.delete`, `posts:write`):
 * it says which functions the caller may use, not which records are theirs, so it settles no
 * object-level check. One that names an administrator (`ADMIN_USER_DELETE`) still restricts the route.
 */
function isActionPermission(role: string): boolean {
  const words = role.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[._:\-\s]+/).filter(Boolean);
  return words.length >= 2 && PERMISSION_ACTION.test(words.at(-1)!) && !words.some((word) => PRIVILEGED_WORD.test(word));
}

const PERMISSION_ACTION = /^(?:read|create|update|delete|write|share|download|upload|view|list|get|edit|remove|add|statistics|search|reassign|merge|access|lock|unlock|restore|archive)$/;
const PRIVILEGED_WORD = /^(?:admin|administrator|superadmin|super|staff|root|system|sudo|moderator|internal)$/;

function isPrivilegedPath(path: string): boolean {
  return path.split('/').some((segment) => /^(?:admin|admins|internal|staff|backoffice|superadmin|moderation)$/i.test(segment));
}

/**
 * The expression an argument holds at a member path: `{ tableId, withView }` at ['tableId'] is
 * `tableId`; with no path, the argument itself. Undefined when the argument is not built in place.
 */
/**
 * Where the caller's own parameters hold the key it passes at `path` of the argument: through an
 * object literal (`getView({ tableId })` after `const { tableId } = params`), or a parameter handed on
 * whole (`updateSurvey(updatedSurvey)` whose callee reads `updatedSurvey.segment.id`: the caller's
 * `segment.id` of the same parameter). Undefined when the key is not one of its parameters' members.
 */
function passedMemberPath(argument: ts.Expression | undefined, path: readonly string[] | undefined, fn: ts.SignatureDeclaration | undefined): string[] | undefined {
  let current = argument && skipOuterExpressions(argument);
  const remaining = [...(path ?? [])];
  while (remaining.length > 0 && current && ts.isObjectLiteralExpression(current)) current = memberOfObjectLiteral(current, [remaining.shift()!]);
  if (!current || !fn) return undefined;
  if (remaining.length === 0) return memberPathOfParameter(current, fn);
  const wholeParameter = ts.isIdentifier(current) && fn.parameters.some((parameter) => ts.isIdentifier(parameter.name) && parameter.name.text === (current as ts.Identifier).text);
  const base = wholeParameter ? [] : memberPathOfParameter(current, fn);
  return base ? [...base, ...remaining] : undefined;
}

function memberOfObjectLiteral(argument: ts.Expression | undefined, path: readonly string[] | undefined): ts.Expression | undefined {
  let current = argument && skipOuterExpressions(argument);
  for (const name of path ?? []) {
    if (!current || !ts.isObjectLiteralExpression(current)) return undefined;
    const property = current.properties.find((candidate) => (ts.isPropertyAssignment(candidate) || ts.isShorthandPropertyAssignment(candidate)) && propertyNameText(candidate.name) === name);
    current = property && ts.isPropertyAssignment(property) ? skipOuterExpressions(property.initializer) : property && ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
  }
  return current;
}

/**
 * Whether the lookup at the end of `inner` (each function and the call it goes on by) can run when
 * `call` enters the first function: no condition on the way is decided against it by the literals
 * passed in, at this call or carried on through parameters (`outer(id, { isNew: true })` passing
 * `flags` on to `inner(id, flags)`, which updates only `if (!options.isNew)`).
 */
function reachableWithPassedLiterals(tainted: TaintedCall, inner: readonly PathEntry[]): boolean {
  const into: (ts.Node | undefined)[] = [tainted.call, ...inner.map((entry) => entry.call)];
  const literalAt = (operand: ts.Expression, hop: number, members: readonly string[] = []): { value: LiteralValue } | undefined => {
    const site = into[hop];
    const fn = inner[hop]?.fn;
    if (!fn || !site || !(ts.isCallExpression(site) || ts.isNewExpression(site))) return undefined;
    const passed = passedValue(fn, site, operand, members);
    if (!passed || 'value' in passed) return passed;
    // The caller passes on what it was given: ask its own caller, or, at the recorded call, what the
    // analysis of its route found there (`flags` in `outer(id, { isNew: true })` -> `inner(id, flags)`).
    return hop > 0 ? literalAt(passed.expression, hop - 1, passed.members) : literalOfOrigin(tainted.originOf(passed.expression), passed.members);
  };
  return inner.every((entry, hop) => !entry.call || reachableWithLiterals(entry.call, entry.fn, (operand) => literalAt(operand, hop)));
}

/** The literal a value holds at a member path (`{ isNew: true }` at ['isNew']), when the analysis knows it. */
function literalOfOrigin(origin: ValueOrigin, members: readonly string[]): { value: LiteralValue } | undefined {
  let current: ValueOrigin | undefined = origin;
  for (const name of members) {
    const fields: Readonly<Record<string, ValueOrigin>> | undefined = current.kind === 'constant' || current.kind === 'tainted' ? current.fields : undefined;
    current = fields && Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (!current) return undefined;
  }
  return current.kind === 'constant' && current.value !== undefined ? { value: current.value } : undefined;
}

/**
 * What a call passes for an operand of the callee's condition: the literal, when it writes one
 * (`sessionId.type` is `'new'` for `saveState({ sessionId: { type: 'new', id } })`, through a
 * destructured parameter) or a const bound to one; else the expression the caller passes there.
 * Nothing the callee or the caller writes to again.
 */
function passedValue(fn: ts.SignatureDeclaration, call: ts.CallExpression | ts.NewExpression, operand: ts.Expression, further: readonly string[] = []): { value: LiteralValue } | { expression: ts.Expression; members: string[] } | undefined {
  const members: string[] = [...further];
  let root = skipOuterExpressions(operand);
  while (ts.isPropertyAccessExpression(root)) {
    members.unshift(root.name.text);
    root = skipOuterExpressions(root.expression);
  }
  if (!ts.isIdentifier(root) || reassignedNames(fn.getSourceFile()).has(root.text)) return undefined;
  let slot: { index: number; memberPath: string[] } | undefined;
  for (const [index, parameter] of fn.parameters.entries()) {
    if (parameter.dotDotDotToken) break;
    if (ts.isIdentifier(parameter.name) && parameter.name.text === root.text) slot = { index, memberPath: [] };
    else if (ts.isObjectBindingPattern(parameter.name)) {
      const element = parameter.name.elements.find((candidate) => !candidate.dotDotDotToken && !candidate.initializer && ts.isIdentifier(candidate.name) && candidate.name.text === root.text);
      const property = element && (element.propertyName ? propertyNameText(element.propertyName) : root.text);
      if (property !== undefined) slot = { index, memberPath: [property] };
    }
    if (slot) break;
  }
  const passed = call.arguments ?? [];
  if (!slot || parameterHasDefault(fn, slot.index) || passed.slice(0, slot.index + 1).some(ts.isSpreadElement)) return undefined;
  const callerFile = call.getSourceFile();
  const path = [...slot.memberPath, ...members];
  let current: ts.Expression | undefined = passed[slot.index];
  for (let depth = 0; current; depth++) {
    let value: ts.Expression = skipOuterExpressions(current);
    // A const bound to the literal (or to the object holding it), never written again.
    if (ts.isIdentifier(value) && !reassignedNames(callerFile).has(value.text)) value = skipOuterExpressions(localConstInitializer(value) ?? value);
    if (depth === path.length) {
      const literal = literalValueOf(value);
      if (literal) return literal;
      let chainRoot = value;
      while (ts.isPropertyAccessExpression(chainRoot)) chainRoot = skipOuterExpressions(chainRoot.expression);
      return ts.isIdentifier(chainRoot) ? { expression: value, members: [] } : undefined;
    }
    const name = path[depth]!;
    if (!ts.isObjectLiteralExpression(value)) {
      // `inner(flags)` for `options.isNew`: the caller's `flags.isNew`, when `flags` is a name it was given.
      if (ts.isIdentifier(value) || ts.isPropertyAccessExpression(value)) return { expression: value, members: path.slice(depth) };
      return undefined;
    }
    const property: ts.ObjectLiteralElementLike | undefined = value.properties.find((candidate) => (ts.isPropertyAssignment(candidate) || ts.isShorthandPropertyAssignment(candidate)) && propertyNameText(candidate.name) === name);
    // A spread may supply the member: unknown.
    if (!property && value.properties.some(ts.isSpreadAssignment)) return undefined;
    current = property && ts.isPropertyAssignment(property) ? property.initializer : property && ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
  }
  return undefined;
}

function parameterHasDefault(fn: ts.SignatureDeclaration, index: number): boolean {
  return fn.parameters[index]?.initializer !== undefined;
}

/** `input.listId` where `input` is a parameter of `fn`: ['listId']. */
function memberPathOfParameter(expression: ts.Node | undefined, fn: ts.SignatureDeclaration | undefined): string[] | undefined {
  if (!expression || !fn) return undefined;
  const path: string[] = [];
  let current = skipOuterExpressions(expression as ts.Expression);
  while (ts.isPropertyAccessExpression(current)) {
    path.unshift(current.name.text);
    current = skipOuterExpressions(current.expression);
  }
  if (!ts.isIdentifier(current)) return undefined;
  const root = current.text;
  if (fn.parameters.some((parameter) => ts.isIdentifier(parameter.name) && parameter.name.text === root)) return path.length > 0 ? path : undefined;
  // A member the parameter is destructured into, read whole (`where: { projectId }`) or further
  // (`const { segment } = updatedSurvey; ... where: { id: segment.id }`: the argument's segment.id).
  const property = destructuredParameterMember(root, fn);
  return property !== undefined ? [property, ...path] : undefined;
}

/**
 * The parameter member a name is destructured from: in the parameter list (`async ({ input, projectId }) => ...`)
 * or one statement later in the body (`const { tableId, withView } = params;`).
 */
function destructuredParameterMember(name: string, fn: ts.SignatureDeclaration): string | undefined {
  const fromPattern = (pattern: ts.ObjectBindingPattern): string | undefined => {
    for (const element of pattern.elements) {
      if (element.dotDotDotToken || !ts.isIdentifier(element.name) || element.name.text !== name) continue;
      return element.propertyName ? propertyNameText(element.propertyName) : name;
    }
    return undefined;
  };
  for (const parameter of fn.parameters) {
    if (!ts.isObjectBindingPattern(parameter.name)) continue;
    const found = fromPattern(parameter.name);
    if (found !== undefined) return found;
  }
  const body = (fn as ts.SignatureDeclaration & { body?: ts.Node }).body;
  if (!body || !ts.isBlock(body)) return undefined;
  const parameterNames = new Set(fn.parameters.flatMap((parameter) => (ts.isIdentifier(parameter.name) ? [parameter.name.text] : [])));
  // The body's own statements and those of a top-level `try` (`try { const { segment, ...data } = updatedSurvey; ... }`).
  const statements = body.statements.flatMap((statement) => (ts.isTryStatement(statement) ? [...statement.tryBlock.statements] : [statement]));
  for (const statement of statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      const from = declaration.initializer && skipOuterExpressions(declaration.initializer);
      if (!ts.isObjectBindingPattern(declaration.name) || !from || !ts.isIdentifier(from) || !parameterNames.has(from.text)) continue;
      const found = fromPattern(declaration.name);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * What a caller passes for the key: the member along the path when its argument is an object whose
 * fields are known (`{ ids, limit }` has no listId: undefined, no key), else the argument itself.
 */
/** `where: { id, ownerId }` in `findOwnedDocument(id, ownerId)`: the parameter slot a filter field's value comes in through. */
function filterFieldSlot(lookup: ts.Node, field: string, fn: ts.SignatureDeclaration): Array<{ field: string; index: number; memberPath: string[] }> {
  let slot: ReturnType<typeof parameterSlot>;
  walkDescendants(lookup, (node) => {
    if (slot) return false;
    const value = ts.isPropertyAssignment(node) && propertyNameText(node.name) === field ? skipOuterExpressions(node.initializer) : ts.isShorthandPropertyAssignment(node) && node.name.text === field ? node.name : undefined;
    if (value && ts.isIdentifier(value)) slot = parameterSlot(fn, value.text);
    return undefined;
  });
  return slot ? [{ field, ...slot }] : [];
}

function memberOfOrigin(origin: ValueOrigin | undefined, path: readonly string[] | undefined): ValueOrigin | undefined {
  let current = origin;
  for (const name of path ?? []) {
    if (current?.kind !== 'tainted' || !current.fields) return current;
    current = Object.hasOwn(current.fields, name) ? current.fields[name] : (current.rest ?? { kind: 'constant' });
  }
  return current;
}

/** Which parameter of `fn` the value came in through: the argument position of its last `passed to` step, when that call is to `fn`. */
/**
 * The function whose parameter a value came in through, for registering a lookup on it: the one
 * around the call, or, when that is a callback (`prisma.$transaction(async (tx) => ...)`) reading a
 * variable of the function that wrote it, that function. Every route calling the outer function then
 * reaches the lookup, not only the first one the dataflow followed into the callback. `closures` are
 * the callbacks crossed, innermost last, for the call path.
 */
function parameterOwner(ctx: AccessContext, steps: readonly TraceStep[], fn: ts.SignatureDeclaration | undefined): { fn: ts.SignatureDeclaration; index: number; closures: PathEntry[] } | undefined {
  const closures: PathEntry[] = [];
  for (let current = fn, depth = 0; current && depth < 4; depth++) {
    const index = parameterIndexOf(ctx, steps, current);
    if (index !== undefined) return { fn: current, index, closures };
    if (!(ts.isArrowFunction(current) || ts.isFunctionExpression(current))) return undefined;
    closures.unshift({ fn: current as PathEntry['fn'], call: current });
    current = enclosingFunction(current.parent);
  }
  return undefined;
}

function parameterIndexOf(ctx: AccessContext, steps: readonly TraceStep[], fn: ts.SignatureDeclaration | undefined): number | undefined {
  if (!fn) return undefined;
  const passed = [...steps].reverse().find((step) => step.message.startsWith('passed to '));
  const node = passed && nodeAtStep(ctx, passed);
  const call = node?.parent;
  if (!node || !call || !(ts.isCallExpression(call) || ts.isNewExpression(call))) return undefined;
  const index = call.arguments?.indexOf(node as ts.Expression) ?? -1;
  if (index < 0) return undefined;
  const file = ctx.modules.fileOf(call);
  const callee = file && resolveFunction(ctx.modules, file, call.expression);
  return callee?.node === fn ? index : undefined;
}

function namesOf(steps: readonly TraceStep[], expression: ts.Node | undefined): Set<string> {
  const names = new Set<string>();
  for (const step of steps) {
    const match = /^assigned to ([\w$]+)/.exec(step.message);
    // The request or context object a handler destructures (`({ ctx, input }) =>`) names the caller's side, never the key.
    if (match?.[1] && !REQUEST_OBJECT_NAME.test(match[1])) names.add(match[1]);
  }
  if (expression) collectIdentifiers(expression, names);
  return names;
}

/** Verdicts of a parent's lookup that tie its children to the caller too. */
const PARENT_SCOPING_VERDICTS: ReadonlySet<ObjectAccessVerdict> = new Set(['scoped', 'owner-compared', 'guarded']);

/**
 * The lookup that loaded a record the code holds: `const envelope = await prisma.envelope.findFirst(...)`
 * in the same function, or, when the record is a parameter (`replaceItem({ envelope })`), the one
 * that loaded what the caller on the path passed there.
 */
function loadingLookup(ctx: AccessContext, record: ts.Identifier, path: readonly PathEntry[], heldId = false): ts.CallExpression | undefined {
  let current = record;
  // A name holding the record's id leads to the record where it was given `workspace.id`.
  let holdsId = heldId;
  const heldRecord = (value: ts.Expression): ts.Identifier | undefined =>
    holdsId && ts.isPropertyAccessExpression(value) && ts.isIdentifier(value.expression) && RECORD_ID_MEMBER.test(value.name.text) ? value.expression : undefined;
  for (let hops = 0; hops < 4; hops++) {
    const initializer = localInitializer(current);
    const initialRecord = initializer && heldRecord(initializer);
    if (initialRecord) {
      current = initialRecord;
      holdsId = false;
      continue;
    }
    if (initializer) return ts.isCallExpression(initializer) && !holdsId ? initializer : undefined;
    // A callback (`prisma.$transaction(async (tx) => ...)`) sees the parameters of the functions around it.
    let fn = enclosingFunction(current);
    // enclosingFunction(fn) starts at fn's parent: a curried `(workspaceId) => async (id) => ...` is its own.
    while (fn && !parameterSlot(fn, current.text)) fn = enclosingFunction(fn);
    const slot = fn && parameterSlot(fn, current.text);
    if (!fn || !slot) return undefined;
    // The call on the path that ran fn: the path's own call, or, for a curried helper
    // (`sanitizeCredentialsId(workspace.id)(credentialsId)`), the call that made the function it calls.
    let into: ts.CallExpression | undefined;
    for (const entry of path) {
      for (let call = entry.call && ts.isCallExpression(entry.call) ? entry.call : undefined; call && !into; ) {
        const file = ctx.modules.fileOf(call);
        if (file !== undefined && resolveFunction(ctx.modules, file, call.expression)?.node === fn) into = call;
        const callee = skipOuterExpressions(call.expression);
        call = ts.isCallExpression(callee) ? callee : undefined;
      }
      if (into) break;
    }
    const passed = into && memberOfArgument(into.arguments[slot.index], slot.memberPath);
    const value = passed && skipOuterExpressions(passed);
    const passedRecord = value && (heldRecord(value) ?? (holdsId ? undefined : loadedRelationOf(value)));
    if (passedRecord) holdsId = false;
    else if (!value || !ts.isIdentifier(value)) return undefined;
    current = passedRecord ?? (value as ts.Identifier);
  }
  return undefined;
}

/**
 * The record a relation was loaded with (`existingTypebot.workspace` passed on as the workspace):
 * the relation belongs to the record, so the record's lookup is the one that decides it.
 */
function loadedRelationOf(value: ts.Expression): ts.Identifier | undefined {
  let current = value;
  for (let depth = 0; depth < 3 && ts.isPropertyAccessExpression(current); depth++) {
    const target = skipOuterExpressions(current.expression);
    if (ts.isIdentifier(target)) return target;
    current = target;
  }
  return undefined;
}

/** The member of a loaded record that is its id: `workspace.id`, `envelope._id`, `team.teamId`. */
const RECORD_ID_MEMBER = /^(?:_?id|uuid)$|(?:Id|_id)$/;

/**
 * The names a parent's lookup is keyed by: its arguments' identifiers and, one step back, those of
 * the locals it uses (`where: envelopeWhereInput` built by `getEnvelopeWhereInput({ id: envelopeId, userId })`).
 */
function loaderNames(loader: ts.CallExpression): Set<string> {
  const names = new Set<string>();
  for (const argument of loader.arguments) valueNames(argument, names);
  for (const name of [...names]) {
    const declared = findLocal(loader, name);
    if (declared && ts.isCallExpression(declared)) for (const argument of declared.arguments) valueNames(argument, names);
  }
  return names;
}

/** The names of the values in an expression, not its object keys: `{ where: { id: envelopeId } }` gives `envelopeId`. */
function valueNames(node: ts.Expression, names: Set<string>): void {
  const value = skipOuterExpressions(node);
  if (!ts.isObjectLiteralExpression(value)) return collectIdentifiers(value, names);
  for (const property of value.properties) {
    if (ts.isPropertyAssignment(property)) valueNames(property.initializer, names);
    else if (ts.isShorthandPropertyAssignment(property)) names.add(property.name.text);
    else if (ts.isSpreadAssignment(property)) valueNames(property.expression, names);
  }
}

/** The initializer of the local `name` as seen from `site`, when there is one. */
function findLocal(site: ts.Node, name: string): ts.Expression | undefined {
  let found: ts.Expression | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(node) && node.text === name) {
      found = localInitializer(node);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(site);
  return found;
}

/**
 * After `const doc = await prisma.document.findUnique({ ..., include: { team: { include: { users: { where: { userId } } } } } })`,
 * an exit when the caller's rows are missing: `if (!doc || doc.team.users.length === 0) return 403`,
 * `if (!doc?.team.users.length) throw`. The relation filtered to the caller, tested empty, is a membership check.
 */
function emptyRelationExit(lookup: ts.Node, relations: readonly string[][]): { relation: string; node: ts.Node } | undefined {
  let node: ts.Node = lookup;
  while (node.parent && (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent) || ts.isNonNullExpression(node.parent))) node = node.parent;
  const declaration = node.parent;
  if (!declaration || !ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name)) return undefined;
  const record = declaration.name.text;
  const statement = declaration.parent?.parent;
  const block = statement?.parent;
  if (!statement || !block || !(ts.isBlock(block) || ts.isSourceFile(block))) return undefined;
  const after = block.statements.slice(block.statements.indexOf(statement as ts.Statement) + 1);
  for (const relation of relations) {
    const chain = [record, ...relation].map((part) => part.replace(/\$/g, '\\$')).join('\\??\\.');
    const empty = new RegExp(`!\\s*${chain}\\??\\.length\\b|\\b${chain}\\??\\.length\\s*(?:===?\\s*0|<\\s*1)`);
    for (const candidate of after) {
      if (ts.isIfStatement(candidate) && exitsEarly(candidate.thenStatement) && empty.test(candidate.expression.getText())) return { relation: relation.join('.'), node: candidate };
    }
  }
  return undefined;
}

/** An error or status that refuses the caller access (not a miss): `AuthorizationError()`, `ctx.throw(403)`, `createError(403, ...)`, `new ForbiddenException()`. */
const ACCESS_REFUSAL = /\b\w*(?:Authori[sz]ation|Forbidden|AccessDenied|NotAllowed|PermissionDenied)\w*\s*\(|\(\s*403\s*[,)]|\bstatus(?:Code)?\s*=\s*403\b/;

/**
 * After the lookup, in the function that makes it, an `if` about the record found (the variable it
 * is bound to, or a local computed from it: `const accessible = share.documentId === document.id`)
 * that refuses access: the function hands out only the records that pass.
 */
function refusesSomeRecords(lookup: ts.Node): boolean {
  const fn = enclosingFunction(lookup) as (ts.SignatureDeclaration & { body?: ts.Node }) | undefined;
  if (!fn?.body) return false;
  let bound: ts.Node = lookup;
  while (bound.parent && (ts.isAwaitExpression(bound.parent) || ts.isParenthesizedExpression(bound.parent) || ts.isAsExpression(bound.parent) || ts.isNonNullExpression(bound.parent))) bound = bound.parent;
  const holder = bound.parent;
  const record = holder && ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name) ? holder.name.text : holder && ts.isBinaryExpression(holder) && holder.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(holder.left) ? holder.left.text : undefined;
  if (!record) return false;
  const about = new Set([record]);
  const mentions = (node: ts.Node): boolean => {
    let hit = false;
    walkDescendants(node, (child) => {
      if (hit) return false;
      if (ts.isIdentifier(child) && about.has(child.text) && !(ts.isPropertyAccessExpression(child.parent) && child.parent.name === child)) hit = true;
      return undefined;
    });
    return hit;
  };
  const after: ts.Node[] = [];
  walkDescendants(fn.body, (node) => {
    if (node !== fn.body && ts.isFunctionLike(node)) return false;
    if (node.pos >= lookup.end) after.push(node);
    return undefined;
  });
  // `let accessible = share.documentId === document.id`: a local computed from the record, in source order.
  after.sort((a, b) => a.pos - b.pos);
  for (const node of after) if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && mentions(node.initializer)) about.add(node.name.text);
  return after.some((node) => ts.isIfStatement(node) && mentions(node.expression) && ACCESS_REFUSAL.test(node.thenStatement.getText()));
}

/** A record's publication state and the values that put it before everyone: `status: 'approved'`, `visibility: 'public'`. */
const STATE_FIELD = /^(?:status|state|visibility|availability)$/i;
const PUBLISHED_STATE = /^(?:published|approved|public|live|listed)$/i;

/**
 * `const block = await db.appBlock.findUnique({ where: { id } }); if (!block || block.status !== 'approved') throw NotFound`:
 * the lookup's result, bound to a name, is refused right after unless it is in a published state, so only
 * records everyone may see get through (what `where: { status: 'approved' }` would do in the filter). The
 * test is a top-level statement of the function that exits (throws or returns) for every other state.
 */
function refusesUnpublished(lookup: ts.Node): { test: string; node: ts.Node } | undefined {
  const fn = enclosingFunction(lookup) as (ts.SignatureDeclaration & { body?: ts.Node }) | undefined;
  if (!fn?.body || !ts.isBlock(fn.body)) return undefined;
  let bound: ts.Node = lookup;
  while (bound.parent && (ts.isAwaitExpression(bound.parent) || ts.isParenthesizedExpression(bound.parent) || ts.isAsExpression(bound.parent) || ts.isNonNullExpression(bound.parent))) bound = bound.parent;
  const holder = bound.parent;
  const record = holder && ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name) ? holder.name.text : undefined;
  const statement = holder?.parent?.parent;
  if (!record || !statement || statement.parent !== fn.body) return undefined;
  const publishedValue = (node: ts.Expression): boolean => {
    const value = skipOuterExpressions(node);
    // `'approved'`, or an enum member `ModelStatus.Published`.
    return (ts.isStringLiteralLike(value) && PUBLISHED_STATE.test(value.text)) || (ts.isPropertyAccessExpression(value) && PUBLISHED_STATE.test(value.name.text));
  };
  const stateOfRecord = (node: ts.Expression): boolean => {
    const value = skipOuterExpressions(node);
    return ts.isPropertyAccessExpression(value) && STATE_FIELD.test(value.name.text) && ts.isIdentifier(skipOuterExpressions(value.expression)) && (skipOuterExpressions(value.expression) as ts.Identifier).text === record;
  };
  /** `block.status !== 'approved'` among `||`-joined tests. */
  const refusesOtherStates = (condition: ts.Expression): ts.Expression | undefined => {
    const value = skipOuterExpressions(condition);
    if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.BarBarToken) return refusesOtherStates(value.left) ?? refusesOtherStates(value.right);
    if (!ts.isBinaryExpression(value) || (value.operatorToken.kind !== ts.SyntaxKind.ExclamationEqualsEqualsToken && value.operatorToken.kind !== ts.SyntaxKind.ExclamationEqualsToken)) return undefined;
    return (stateOfRecord(value.left) && publishedValue(value.right)) || (stateOfRecord(value.right) && publishedValue(value.left)) ? value : undefined;
  };
  const statements = fn.body.statements;
  for (let index = statements.indexOf(statement as ts.Statement) + 1; index < statements.length; index++) {
    const next = statements[index]!;
    const test = ts.isIfStatement(next) && exitsEarly(next.thenStatement) ? refusesOtherStates(next.expression) : undefined;
    if (test) return { test: test.getText().replace(/\s+/g, ' '), node: next };
    // The record used before any such test (returned, handed on): what went out was not refused.
    if (!(ts.isIfStatement(next) && exitsEarly(next.thenStatement)) && mentionsName(next.getText(), record)) return undefined;
  }
  return undefined;
}

/** A refusal for a caller who is not signed in: `AuthenticationError('Authentication required')`, `ctx.throw(401)`, `createError(401, ...)`. */
const SIGN_IN_REFUSAL = /\b\w*(?:Authentication|Unauthori[sz]ed|Unauthenticated|NotAuthenticated|LoginRequired|NotLoggedIn)\w*\s*\(|\(\s*401\s*[,)]|\bstatus(?:Code)?\s*=\s*401\b/;

/**
 * The handler reaches the lookup (itself, or the call on the path to it) only past an `if` about a
 * missing value that refuses with a sign-in error: in its `else`, or after it when it exits
 * (`if (!user) { throw AuthenticationError() } document = await documentLoader({ id, user })`).
 */
function reachedOnlySignedIn(route: Route, path: readonly PathEntry[], lookup: ts.Node): boolean {
  const handler = route.handler?.node as (ts.SignatureDeclaration & { body?: ts.Node }) | undefined;
  if (!handler?.body) return false;
  const inHandler = (node: ts.Node): boolean => node.getSourceFile() === handler.getSourceFile() && node.pos >= handler.body!.pos && node.end <= handler.body!.end;
  const anchor = path.find((entry) => entry.fn === handler && entry.call)?.call ?? (inHandler(lookup) ? lookup : undefined);
  if (!anchor || !inHandler(anchor)) return false;
  const refusesAnonymous = (statement: ts.Statement): boolean => ts.isIfStatement(statement) && /^\s*!/.test(statement.expression.getText()) && SIGN_IN_REFUSAL.test(statement.thenStatement.getText());
  for (let node: ts.Node = anchor; node.parent && node !== handler.body; node = node.parent) {
    const parent = node.parent;
    if (ts.isIfStatement(parent) && parent.elseStatement === node && refusesAnonymous(parent)) return true;
    if (ts.isBlock(parent) || ts.isSourceFile(parent)) {
      const index = parent.statements.indexOf(node as ts.Statement);
      if (parent.statements.slice(0, Math.max(index, 0)).some((statement) => refusesAnonymous(statement) && exitsEarly((statement as ts.IfStatement).thenStatement))) return true;
    }
  }
  return false;
}

/** Columns that say which record it is and of what kind, not what it holds. */
const IDENTITY_COLUMN = /^(?:_?id|[a-z]\w*Id|uuid|kind|type)$/;

/**
 * The lookup (or the query call around the filter it is) picks its columns (`columns:` for drizzle's
 * relational queries, `select:` for Prisma) and every one picked is an id or a kind.
 */
function projectsOnlyIdentity(lookup: ts.Node): boolean {
  let node: ts.Node | undefined = lookup;
  for (let level = 0; node && level < 6; level++, node = node.parent) {
    if (!ts.isCallExpression(node)) continue;
    for (const argument of node.arguments) {
      const options = skipOuterExpressions(argument);
      if (!ts.isObjectLiteralExpression(options)) continue;
      const picked = options.properties.find((property) => property.name && /^(?:columns|select)$/.test(propertyNameText(property.name) ?? ''));
      const value = picked && ts.isPropertyAssignment(picked) ? skipOuterExpressions(picked.initializer) : undefined;
      if (!value || !ts.isObjectLiteralExpression(value) || value.properties.length === 0) continue;
      return value.properties.every((property) => ts.isPropertyAssignment(property) && property.initializer.kind === ts.SyntaxKind.TrueKeyword && IDENTITY_COLUMN.test(propertyNameText(property.name) ?? ''));
    }
  }
  return false;
}

/** List reads: every record of the model unless a filter narrows them. */
const LIST_METHODS = /^(?:findMany|findAll|find)$/;

/**
 * Models an authenticated route with no role guard reads whole (`db.query.searchEngines.findMany({ orderBy })`,
 * `prisma.template.findMany()`: no `where`) for any signed-in user, by model, with that route. A read by id of such a
 * model is not another user's record. Routes of an admin area, behind a role, or with an in-handler admin check do
 * not count: what an administrator lists says nothing of what every user may read.
 */
function wholeListings(ctx: AccessContext): Map<string, string> {
  const listed = new Map<string, string>();
  for (const route of ctx.dataflow.entryPoints()) {
    if (route.auth !== 'authenticated' || !route.handler || isPrivilegedPath(route.path) || handlerAdminCheck(route, ctx.modules)) continue;
    if (route.middleware.some((middleware) => middleware.kind === 'role' && !admitsEveryUser(middleware))) continue;
    const file = ctx.modules.fileOf(route.handler.node);
    if (!file) continue;
    for (const access of findDataAccess(ctx.modules, { file, node: route.handler.node, name: route.handler.name })) {
      if (access.operation !== 'read' || !access.model || access.via.length > 0 || !LIST_METHODS.test(access.method) || !unfiltered(access.call, access.library === 'prisma' || access.library === 'drizzle')) continue;
      const model = access.model.toLowerCase();
      if (!listed.has(model)) listed.set(model, entryName(route));
    }
  }
  return listed;
}

/**
 * `findMany()`, and for Prisma and drizzle's relational queries, whose options name their filter `where`,
 * `findMany({ orderBy, limit })`. Elsewhere (`Model.find({ owner })`) the first argument is the filter itself.
 */
function unfiltered(call: ts.CallExpression, filterIsWhere: boolean): boolean {
  const options = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
  if (!options) return call.arguments.length === 0;
  if (!filterIsWhere) return false;
  if (!ts.isObjectLiteralExpression(options)) return false;
  return options.properties.every((property) => !ts.isSpreadAssignment(property) && property.name !== undefined && !/^(?:where|filter|query)$/.test(propertyNameText(property.name) ?? 'where'));
}
