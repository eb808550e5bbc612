import type { AnalysisFailures } from '../analysis-failures.js';
import { ts } from '#typescript';
import { baseClassOf, bindingNames, localDeclaration, localInitializer, resolveFunction, type ModuleIndex } from '../names/index.js';
import { fileWithPath, walkDescendants } from '../ast/file-index.js';
import { argumentFor } from './call-arguments.js';
import { calleeName, heldConditionsWithin } from './lookup-keys.js';
import { mentionsName } from '../text.js';
import { CONTROLLER_PRINCIPAL_ACCESSOR } from '../../models/auth.js';
import { KYSELY, ORMS, TYPEORM_QUERY_BUILDER } from '../../models/orms.js';
import { REQUEST_OBJECTS, isPrincipalMember } from '../../models/request-sources.js';
import { conjuncts, enclosingFunction, propertyNameText, returnedExpressions, skipOuterExpressions } from '../ast/syntax.js';
import { nodeAtStep } from '../ast/trace-nodes.js';
import type { DataflowEngine, TaintedCall } from '../dataflow/engine.js';
import type { Route, RouteMiddleware } from '../routes/route.js';
import type { ScannedSourceFile } from '../../types.js';

/** What the object-access analysis reads from a scan (a rule context has all of it). */
export interface AccessContext {
  readonly modules: ModuleIndex;
  readonly dataflow: DataflowEngine;
  readonly sourceFiles: readonly ScannedSourceFile[];
  readonly config: { readonly ownershipChecks?: readonly string[] };
  /** Where a lookup whose analysis fails is recorded (it loses that lookup only). */
  readonly failures?: AnalysisFailures;
}

// Names the authenticated user goes by in code (textual fallback where no origin is known, e.g. a service parameter).
// A request context built by the auth guard may call it the active user (Vendure's `ctx.activeUserId`);
// Express middleware may keep it on the response for the handlers after it (`res.locals.user`).
// The caller's tenant on the request or its server-built context (`context.org.id`, `req.organization.id`,
// set by the middleware that resolved the caller's membership) scopes a lookup to the caller as well.
const PRINCIPAL_TEXT =
  /\b(?:res|response)\s*\.\s*locals\s*\.\s*(?:user|currentUser|authUser|account|session|auth)\b|\b(?:req|request|ctx|context)\s*\.\s*(?:org|organization|tenant|workspace)\s*\??\.\s*(?:id|_id)\b|\b(?:req|request|ctx|c|context)\s*\.\s*(?:user|auth|session|state\s*\.\s*user|locals\s*\.\s*user|userId|currentUser|remoteUser|authUser|loggedInUser|authenticatedUser|uid|activeUser|activeUserId)\b|\b(?:user|currentUser|me|principal|session|auth|actor|viewer|requester|caller|authUser|loggedInUser|sessionUser|account)\s*\??\.\s*(?:id|_id|sub|userId|uid|email|accountIds|orgId|organizationId|tenantId|teamId|teamIds)\b|\b(?:userId|userUid|currentUserId|ownerId|actorId|viewerId|callerId|requesterId|authUserId|sessionUserId|tenantId|orgId|organizationId|accountId)\b/;
// A statement that ends the request: throw, return (with or without a response), next(err).
// Hono keeps the verified token or user in the context: `c.get('jwtPayload').sub`, `c.get('user').id`.
// A quoted string (not a template: its substitutions are code).
const STRING_LITERAL = /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g;
const CONTEXT_PRINCIPAL = /\bjwtPayload\b|\.get\s*\(\s*['"`](?:jwtPayload|user|session|auth)['"`]\s*\)/;
const EXITS = /\bthrow\b|\breturn\b|\bnext\s*\(/;
// An answer sent in the failing branch: with the work in the `else` branch, it stops the request as a return would.
const ANSWERS = /\b(?:res|reply|ctx|response)\s*\.\s*(?:redirect|render|send|json|status|sendStatus|end|code)\s*\(|\bredirect\s*\(/;

/**
 * The `if` stops the request when its condition holds: its branch exits (`return`, `throw`,
 * `next(err)`), or it answers and the rest of the work sits in its `else` (server-rendered apps:
 * `if (story.user != req.user.id) { res.redirect('/stories') } else { ...update... }`).
 */
function stopsWhenTrue(node: ts.IfStatement): boolean {
  const then = node.thenStatement.getText();
  return EXITS.test(then) || (node.elseStatement !== undefined && ANSWERS.test(then));
}

/**
 * The `if` lets the request on only when its condition (or another in its `else if` chain) holds:
 * the chain ends in an `else` that exits (`if (user.isAdmin(card.hostId)) {...} else if (user.isAdmin(card.ownerId)) {...} else { throw }`).
 */
function stopsWhenFalse(node: ts.IfStatement): boolean {
  let last: ts.Statement | undefined = node.elseStatement;
  while (last && ts.isIfStatement(last)) last = last.elseStatement;
  return last !== undefined && EXITS.test(last.getText());
}
// `userId: true` in a Prisma select/include, `{ email: false }`: a column flag, not a value.
const COLUMN_FLAG = /\b[A-Za-z_$][\w$]*\s*:\s*(?:true|false)\b/g;
// Array searches: called on a record's members with a test of the caller, they answer "is the caller among them".
/** A read of a record's related record, called on the record: Sequelize's `getCollective()`, `fetchOwner()`, `loadParent()`. */
const ASSOCIATION_READ = /^(?:get|fetch|load)[A-Z]\w*$/;
const ARRAY_SEARCH = /^(?:some|find|findIndex|filter|includes|every)$/;
/** Array methods that call their callback with each element in turn. */
const ELEMENT_CALLBACK = /^(?:map|flatMap|forEach|filter|find|findIndex|some|every)$/;
/** Array methods that look for one element: a miss is `undefined`, `-1` or `false`, which an exit tests. */
const CHILD_SEARCH = /^(?:some|find|findIndex|includes)$/;

/** The object literals a callback returns: its expression body, or its own `return { ... }` statements. */
function returnedObjects(callback: ts.ArrowFunction | ts.FunctionExpression): ts.ObjectLiteralExpression[] {
  if (!ts.isBlock(callback.body)) {
    const value = skipOuterExpressions(callback.body);
    return ts.isObjectLiteralExpression(value) ? [value] : [];
  }
  const found: ts.ObjectLiteralExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return;
    if (ts.isReturnStatement(node) && node.expression) {
      const value = skipOuterExpressions(node.expression);
      if (ts.isObjectLiteralExpression(value)) found.push(value);
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(callback.body, visit);
  return found;
}

/** `board.cards` -> `board`: the local a property chain starts from. */
function rootName(expression: ts.Expression): string | undefined {
  let value = skipOuterExpressions(expression);
  while (ts.isPropertyAccessExpression(value) || ts.isElementAccessExpression(value) || ts.isNonNullExpression(value)) value = skipOuterExpressions(value.expression);
  return ts.isIdentifier(value) ? value.text : undefined;
}
/** Array methods that keep or reshape the elements (`filter`, `map`): the result is still about the records. */
const ARRAY_TRANSFORM = /^(?:filter|map|flatMap|slice|sort|concat|reverse|toSorted|toReversed)$/;

/** `entries.filter(...).map((e) => e.userId)`: a chain of array transforms whose root `mentions` accepts. */
function arrayChainRoot(expression: ts.Expression, mentions: (node: ts.Node) => boolean): boolean {
  let current = skipOuterExpressions(expression);
  let transformed = false;
  while (ts.isCallExpression(current) && ts.isPropertyAccessExpression(skipOuterExpressions(current.expression))) {
    const member = skipOuterExpressions(current.expression) as ts.PropertyAccessExpression;
    if (!ARRAY_TRANSFORM.test(member.name.text)) return false;
    transformed = true;
    current = skipOuterExpressions(member.expression);
  }
  return transformed && ts.isIdentifier(current) && mentions(current);
}

/** `ids.every((id) => id === user._id)`, `a && list.some(...)`: a whole-collection test, the form an ownership flag takes. */
function testsWholeCollection(expression: ts.Expression): boolean {
  return /\.\s*(?:every|some|includes)\s*\(/.test(expression.getText());
}
// Prisma `findUniqueOrThrow`/`findFirstOrThrow`, TypeORM `findOneOrFail`/`findOneByOrFail`: lookups that throw when nothing matches.
const THROWING_LOOKUP = /^(?:find\w*Or(?:Throw|Fail)|executeTakeFirstOrThrow)$/;
// Functions that decide whether a principal may act on an object.
// `checkAuthorization({ userId, organizationId })`, `assertAuthorized(...)`, `ensureAuthorization(...)`: the
// verb-noun form of `authorize()`, which says as much about the object it is given.
// `getAuthorizedV3Survey({ surveyId, authentication })`: a loader named for handing back only what the caller is authorized for.
// `throwIfActionForbiddenAsync(ctx, eq(boards.id, input.id), 'full')`, `throwUnlessAllowed(user, doc)`: a check named
// for the refusal it throws (not `throwIfNotFound`, which says nothing of the caller).
const AUTHORIZATION_CALL =
  /^(?:authorize\w*|throwIf\w*(?:Forbidden|NotAllowed|Unauthori[sz]ed|Denied|NotPermitted|NoAccess|NoPermission|NotOwner)\w*|throwUnless\w*(?:Allowed|Permitted|Authori[sz]ed|Access|Permission|Owner|Member)\w*|(?:get|fetch|load|find)Authori[sz]ed[A-Z]\w*|can|cannot|enforce|isOwner\w*|isAllowed|assert\w*(?:Access|Owner|Ownership|Permission|Can|Allowed|Member|Membership|Authori[sz](?:ation|ed))\w*|check\w*(?:Owner|Ownership|Access|Permission|Member|Membership|Authori[sz](?:ation|ed))\w*|ensure\w*(?:Owner|Ownership|Access|Permission|Member|Membership|Can|Authori[sz](?:ation|ed))\w*|verify\w*(?:Owner|Ownership|Access|Permission|Member|Membership|Authori[sz](?:ation|ed))\w*|valid(?:ate)?\w*(?:Owner|Ownership|Access(?!Token)|Permission|Member|Membership)\w*|\w*[Pp]olicy\w*|hasAccess\w*|canAccess\w*|isAllowedTo(?:Access|View|Read|Edit|Update|Modify|Change|Write|Delete|Remove|Manage)\w*|canUser\w*|userCan\w*|canView\w*|canEdit\w*|canUpdate\w*|canDelete\w*|canRead\w*|canManage\w*|canModify\w*|canChange\w*|canWrite\w*|canRemove\w*|canAdminister\w*|throwUnlessCan|requireAccess\w*|(?:assert|ensure|check|verify|require)(?:Can)?Perform\w*|canPerform\w*|requireOwner\w*|\w*(?:Check|Assert|Ensure|Verify|Require)(?:Is|User)?(?:Member|Membership|Owner|Ownership|Access|Permission|Admin|Role)\w*)$/;
// `checkAuth(projectId, 'project', 'danger')`, `hasAuth(doc, 'edit')`: the short "auth" names mean
// authentication as often as authorization (`checkAuth(req, res, next)`), so they count only when
// given the object with the action or kind named in a string beside it (yapi's base controller).
const OBJECT_AUTH_CALL = /^(?:check|has|verify|ensure|assert)Auth(?:ority)?$/;

/** The load is the access itself (the access node is the call or a link of its chain). */
function sameLoad(load: ts.CallExpression, access: ts.Node): boolean {
  return load === access || (load.getSourceFile() === access.getSourceFile() && load.pos <= access.pos && access.end <= load.end && ts.isCallExpression(access));
}

/** Policy predicates that answer rather than throw: `can(user, 'update', doc)`, `ability.cannot(...)`, `isAllowed(...)`, `hasAccess(...)`. */
const ANSWERING_PREDICATE = /^(?:can|cannot|may|is[A-Z]\w*|has[A-Z]\w*|can[A-Z]\w*|userCan\w*)$/;

/**
 * A predicate whose answer only becomes a field of what the route returns (`{ data, canEdit: can(user,
 * 'update', doc) }`, `abilities: { read: !!can(...) }`): it tells the client what it may do and stops
 * nobody, so it is no check of the record.
 */
function answeredAsFlag(call: ts.CallExpression, name: string): boolean {
  if (!ANSWERING_PREDICATE.test(name)) return false;
  let node: ts.Node = call;
  while (
    node.parent &&
    (ts.isParenthesizedExpression(node.parent) || ts.isAwaitExpression(node.parent) || (ts.isPrefixUnaryExpression(node.parent) && node.parent.operator === ts.SyntaxKind.ExclamationToken) || ts.isAsExpression(node.parent) || ts.isNonNullExpression(node.parent))
  ) {
    node = node.parent;
  }
  return ts.isPropertyAssignment(node.parent) && node.parent.initializer === node && ts.isObjectLiteralExpression(node.parent.parent);
}

/**
 * Evidence that is a call to the project's authorization policy (`authorize(user, 'read', template)`,
 * `can(user, 'update', doc)`), not a comparison: the code says the record's type is access-controlled.
 */
export function isPolicyCallEvidence(evidence: OwnershipEvidence): boolean {
  // The call itself, or the check that tests it (`if (!can(user, 'read', doc)) throw ...`).
  const test = ts.isIfStatement(evidence.node) ? evidence.node.expression : evidence.node;
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found || ts.isFunctionLike(node)) return;
    if (ts.isCallExpression(node)) {
      const name = calleeName(node);
      if (AUTHORIZATION_CALL.test(name) || isObjectAuthCall(node, name)) {
        found = true;
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(test);
  return found;
}

/** `this.checkAuth(id, 'project', 'edit')`: an auth-named check asked about an object for a named action, not of the request. */
function isObjectAuthCall(call: ts.CallExpression, name: string): boolean {
  if (!OBJECT_AUTH_CALL.test(name) || call.arguments.length < 2) return false;
  const values = call.arguments.map((argument) => skipOuterExpressions(argument));
  if (!values.some(ts.isStringLiteralLike)) return false;
  return !values.some((value) => ts.isIdentifier(value) && REQUEST_OBJECT_NAME.test(value.text));
}
// Route guards/middleware whose name says they check the object (Nest OrderOwnerGuard, PoliciesGuard, loadAndAuthorize).
/** Where a guard reads the object the client picked: route params, or a GraphQL operation's arguments. */
const OBJECT_ID_READ = /\bparams\b|\.param\s*\(|\.getArgs\s*(?:<[^>]*>)?\s*\(|\bargs\b/;
/** An RPC middleware's input (tRPC `opts.input.bookmarkId`, oRPC `input.id`): the id the client picked. */
// Also destructured from the middleware's options (`async ({ ctx, next, input = {} }) => { const { projectId } = input as ... }`)
// or read raw (`await getRawInput()`, tRPC v11).
const RPC_INPUT_READ = /\.input\b|\binput\s*(?:\?\.|\.)\s*[A-Za-z_$]|[{,]\s*input\s*(?:=\s*\{\s*\})?\s*[,}]|\}\s*=\s*input\b|\bgetRawInput\s*\(/;
/** The name of each call in code text (a function or a method: `bookmark.ensureOwnership()` gives `ensureOwnership`). */
const CALLED_NAME = /(?<![\w$])([A-Za-z_$][\w$]*)\s*\(/g;
const OBJECT_GUARD_NAME = /owner|ownership|polic|permission|access(?!Token)|authori[sz]e|acl|casl|abilit|membership|loadAndAuthorize/i;

// Security-header middleware (helmet featurePolicy, contentSecurityPolicy): "policy" about the browser, not objects.
const BROWSER_POLICY = /(?:feature|content|referrer|permissions?|crossOrigin\w*)[-_]?(?:security)?[-_]?polic/i;

// Where request values are read from: `req.params`, `ctx.request.body`, `request.query`.
const REQUEST_CONTAINER = /(?:^|\.)(?:params|query|body)$/;

export interface OwnershipEvidence {
  /** Human text of the evidence found, for debugging and messages. */
  what: string;
  /** Where the evidence is (the check or the call), for the routes inventory. */
  node: ts.Node;
  /**
   * The check's condition also requires a test of the record's own state (`request.status !== 1`) that
   * has nothing to do with the caller: where that test is false the owner comparison stops nobody.
   */
  bypass?: string;
}

/** A function the request's identifier passed through, the call it left by, and the argument it was passed as there. */
export interface PathFunction {
  fn: ts.SignatureDeclaration & { body?: ts.Node };
  call?: ts.Node;
  /** `input` of `this.createCollection(user, input)`: the name the value (or the object holding it) has in `fn`. */
  passedAs?: ts.Node;
  /** The member of an object literal passed (`passedAs`) that carries the key itself (keyMember). */
  keyPassedAs?: ts.Node;
}

/**
 * The functions the request's identifier passed through on its way to the access: the route
 * handler, each function it was passed into, and the function containing the access.
 */
export function pathFunctions(ctx: AccessContext, tainted: TaintedCall, steps: readonly { file: string; line: number; column: number; message: string }[], access: ts.Node): PathFunction[] {
  const found: PathFunction[] = [];
  const add = (fn: ts.SignatureDeclaration | undefined, call?: ts.Node, passedAs?: ts.Node, keyPassedAs?: ts.Node): void => {
    if (fn && !found.some((entry) => entry.fn === fn && entry.call === call)) found.push({ fn, ...(call ? { call } : {}), ...(passedAs ? { passedAs } : {}), ...(keyPassedAs && keyPassedAs !== passedAs ? { keyPassedAs } : {}) });
    // A callback (`prisma.$transaction(async (tx) => ...)`, `.then(...)`) runs inside the function that
    // wrote it: a check made there before the callback covers the call too. Not above the route's
    // handler: what encloses it (a Pothos `fields: (t) => ({...})`, a setup function) ran once at
    // startup, and its other functions are other routes.
    const handler = tainted.route.handler?.node;
    for (let closure = fn, depth = 0; closure && closure !== handler && (ts.isArrowFunction(closure) || ts.isFunctionExpression(closure)) && depth < 4; depth++) {
      closure = enclosingFunction(closure.parent);
      if (closure && !found.some((entry) => entry.fn === closure)) found.push({ fn: closure });
    }
  };
  // The names the key went by so far (`assigned to linkId`, `request input req.query.linkId`): they pick its
  // member out of an object literal it is passed in.
  const keyNames = new Set<string>();
  for (const step of steps) {
    const named = /^(?:assigned to|request input) (?:[\w$]+\.)*([\w$]+)$/.exec(step.message)?.[1];
    if (named) keyNames.add(named);
  }
  // The fields the access reads of them (`input.id` of `eq(subscribers.id, input.id)`): the key inside its holder.
  walkDescendants(access, (node) => {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(skipOuterExpressions(node.expression)) && keyNames.has((skipOuterExpressions(node.expression) as ts.Identifier).text)) keyNames.add(node.name.text);
  });
  for (const step of steps) {
    if (!step.message.startsWith('passed to ')) continue;
    const node = nodeAtStep(ctx, step);
    if (!node) continue;
    const call = enclosingCall(node);
    add(enclosingFunction(node), call, node, ts.isObjectLiteralExpression(node) ? keyMember(node, keyNames) : undefined);
  }
  add(enclosingFunction(access), access);
  if (tainted.route.handler) add(tainted.route.handler.node);
  return found;
}

/**
 * The member of an object literal that carries the key (`linkId` of `{ userId: user.id, linkId }`, `id: input.id`
 * of `{ ctx, input: { id: input.id, pageId: input.pageId } }`), when exactly one does: its siblings are other
 * values (the caller, another id) that a check in the caller may take without covering the key. The whole
 * literal when that cannot be told.
 */
function keyMember(literal: ts.ObjectLiteralExpression, keyNames: ReadonlySet<string>): ts.Node {
  const valueCarries = (value: ts.Expression): boolean => {
    const inner = skipOuterExpressions(value);
    if (ts.isIdentifier(inner)) return keyNames.has(inner.text);
    // `input.id` with `input` the key's holder; `params.linkId`; not `user.id` beside it (another record's generic id).
    if (ts.isPropertyAccessExpression(inner)) {
      const root = skipOuterExpressions(inner.expression);
      return keyNames.has(inner.name.text) && (!GENERIC_ID.test(inner.name.text) || (ts.isIdentifier(root) && keyNames.has(root.text)));
    }
    // `Number(req.query.linkId)`, `String(id)`: a conversion of one value carries that value.
    if (ts.isCallExpression(inner) && inner.arguments.length === 1) return valueCarries(inner.arguments[0]!);
    return false;
  };
  const carries = (member: ts.ObjectLiteralElementLike): boolean => {
    if (ts.isShorthandPropertyAssignment(member)) return keyNames.has(member.name.text);
    if (!ts.isPropertyAssignment(member)) return false;
    const inner = skipOuterExpressions(member.initializer);
    if (ts.isObjectLiteralExpression(inner)) return inner.properties.some(carries);
    const name = propertyNameText(member.name);
    return (name !== undefined && keyNames.has(name)) || valueCarries(member.initializer);
  };
  if (literal.properties.some(ts.isSpreadAssignment)) return literal;
  const carrying = literal.properties.filter(carries);
  if (carrying.length !== 1) return literal;
  const member = carrying[0]!;
  if (ts.isPropertyAssignment(member)) {
    const inner = skipOuterExpressions(member.initializer);
    return ts.isObjectLiteralExpression(inner) ? keyMember(inner, keyNames) : member;
  }
  return member;
}

/**
 * Evidence, in the functions the identifier crossed, that the object is tied to the principal: an
 * `if` comparing the looked-up object (or the id) with the principal that exits, or an
 * authorization call (or a configured ownership check) that receives the object or the id.
 */
export function inCodeOwnershipCheck(
  ctx: AccessContext,
  tainted: TaintedCall,
  path: ReturnType<typeof pathFunctions>,
  keyNames: ReadonlySet<string>,
  access: ts.Node = tainted.call,
  checkedInputs: ReadonlyMap<string, string> = new Map(),
): OwnershipEvidence | undefined {
  const names = new Set(keyNames);
  // In a caller, the id travels inside what it passes on (`createCollection(user, input)`): a
  // membership check there that takes `input` and the user covers the id inside it.
  // Of an object literal, the member holding the id: its siblings (the caller, another id) are not the id,
  // except those the lookup is filtered by too (`workspaceId: workspace.id` beside `credentialsId` for
  // `where: { id: credentialsId, workspaceId }`): a check of that parent scopes the record.
  const lookupFilters = new Set<string>();
  for (const argument of tainted.call.arguments ?? []) collectIdentifiers(argument, lookupFilters);
  for (const { passedAs, keyPassedAs } of path) {
    if (!keyPassedAs) {
      if (passedAs) collectIdentifiers(passedAs, names);
      continue;
    }
    collectIdentifiers(keyPassedAs, names);
    if (!ts.isObjectLiteralExpression(keyPassedAs.parent)) continue;
    for (const sibling of keyPassedAs.parent.properties) {
      const name = sibling !== keyPassedAs && sibling.name ? propertyNameText(sibling.name) : undefined;
      if (name !== undefined && lookupFilters.has(name)) collectIdentifiers(sibling, names);
    }
  }
  // The objects the id was read out of (`params` of `params.presetId`, `input` of `input.presetId`):
  // passed whole they carry the id, but another of their fields (`params.teamId`) is another id.
  const { containers, keyFields } = keyContainers(path, access, names);
  for (const { call, passedAs } of path) {
    // What a helper given the whole request returns (`const { auth, body } = await parseRequest(request)`)
    // is the parsed request, not the record: the names the id went on under are in the trace already,
    // and `auth` beside them is the caller, which every permission check takes.
    const wholeRequest = passedAs !== undefined && ts.isIdentifier(passedAs) && REQUEST_OBJECT_NAME.test(passedAs.text);
    const variable = call && !wholeRequest ? resultVariable(call) : undefined;
    for (const name of variable ?? []) {
      names.add(name);
      // `const connectedAccount = await fetchConnectedAccount(args.connectedAccount)`: under the name of the
      // input it was read from, the caller holds the record, whose other fields (`.CollectiveId`) are its parents.
      containers.delete(name);
    }
  }
  // The looked-up object itself (`const collection = await prisma.teamCollection.findUnique(...)`).
  // The access may be a call around the tainted one (`findFirst({ where: (t, { eq }) => eq(t.id, id) })`).
  const ownResult = [...new Set([...(resultVariable(tainted.call) ?? []), ...(access !== tainted.call ? (resultVariable(access) ?? []) : [])])];
  for (const name of ownResult) names.add(name);
  // Made inside a callback that hands the record back (`cache.swr(id, async () => db.query.x.findFirst(...))`):
  // the record comes out of the outer call, under the name its result is bound to.
  for (const name of carriedResultVariable(access, ownResult) ?? []) names.add(name);
  // Every value the lookup is filtered by, as the functions on the path name it: a parent that an
  // authorization call returned (`const { id: portfolioId } = await validateAccessToPortfolio(...)`)
  // scopes `where: { id, portfolioId }` to what the caller may reach.
  const filterNames = new Set<string>();
  for (const argument of tainted.call.arguments ?? []) collectIdentifiers(argument, filterNames);
  for (const { passedAs } of path) if (passedAs) collectIdentifiers(passedAs, filterNames);

  // `if (!workspaceId || credentials?.workspaceId !== workspaceId) return null` after loading the record:
  // it is returned only inside the parent the function was given, so a membership check on that
  // parent anywhere on the path (`isReadWorkspaceFobidden(workspace, user)`) ties the record to the caller.
  // The record as each function on the path binds it (`const report = await getReportById(input.reportId)`).
  const records = new Set([...(resultVariable(tainted.call) ?? []), ...path.flatMap(({ call, passedAs }) => (call && call !== tainted.call && !(passedAs && ts.isIdentifier(passedAs) && REQUEST_OBJECT_NAME.test(passedAs.text)) ? (resultVariable(call) ?? []) : []))]);
  if (records.size > 0) {
    for (const { fn } of path) {
      if (!fn.body) continue;
      const at = new Map<string, ts.Node>();
      for (const parent of parentsComparedWithRecord(fn.body, records, at)) {
        names.add(parent);
        // `if (group.programId !== programId) throw` with programId the input the route's membership guard
        // checked the caller against (dub's withPartnerProfile on the path's programId): the record is that parent's.
        const guard = checkedInputs.get(parent);
        if (guard) return { what: `the check \`${oneLine(at.get(parent)!.getText())}\` against the ${parent} ${guard} checks the caller's access to`, node: at.get(parent)! };
      }
    }
  }

  if (names.size === 0) return undefined;
  // The declarations binding the looked-up record: another local of the same name (`credentials` loaded
  // in the other branch of `if (input.scope === 'user')`) is another record.
  const ownDeclarations = new Set([tainted.call, access].flatMap((call) => { const declaration = bindingDeclaration(call); return declaration ? [declaration] : []; }));
  const otherRecordOfSameName = (identifier: ts.Identifier): boolean => {
    if (ownDeclarations.size === 0 || !ownResult.includes(identifier.text) || keyNames.has(identifier.text)) return false;
    const declaration = localDeclaration(identifier);
    // Loaded by the same id (or through the record: `findById(cert.caId)`) it is the record or its parent, whoever
    // else uses the name: the service's `const ca = await caDAL.findById(caId)` beside the handler's
    // `const ca = await services.ca.deleteCaById({ caId })`, or `const { cert, ca } = await services.certificate.getCert(...)`.
    if (declaration?.initializer && loadedByKey(declaration.initializer, new Set([...keyNames, ...ownResult, ...records].filter((name) => name !== identifier.text && !containers.has(name))))) return false;
    // Only beside the lookup: a caller's `deployment` loaded by the same id is the same record under its name there.
    return declaration !== undefined && declaration.initializer !== undefined && !ownDeclarations.has(declaration) && [...ownDeclarations].some((own) => enclosingFunction(own) === enclosingFunction(declaration));
  };
  // The request values the lookup's key came from, as the route's handler reads them (`input.id`): a helper on
  // the path may name its own parameter `input` too (`updateSecretAsync(db, input)` reading `input.integrationId`),
  // which makes `input` a holder of other fields, but in the handler `input.id` is the key itself.
  const handlerNode = tainted.route.handler?.node;
  const sourceReads = new Set(tainted.argumentOrigins.flatMap((origin) => (origin?.kind === 'tainted' && /^[\w$]+(?:\.[\w$]+)+$/.test(origin.taint.source.label) ? [origin.taint.source.label] : [])));
  const readsKeyInHandler = (child: ts.Node): boolean =>
    sourceReads.size > 0 && handlerNode !== undefined && ts.isPropertyAccessExpression(child) && sourceReads.has(child.getText().replace(/\s+/g, '')) && child.pos >= handlerNode.pos && child.end <= handlerNode.end && child.getSourceFile() === handlerNode.getSourceFile();
  const mentions = (node: ts.Node): boolean => {
    let hit = false;
    const visit = (child: ts.Node): void => {
      if (hit) return;
      if (readsKeyInHandler(child)) {
        hit = true;
        return;
      }
      if (ts.isIdentifier(child) && names.has(child.text) && !(ts.isPropertyAccessExpression(child.parent) && child.parent.name === child) && !otherRecordOfSameName(child)) {
        // `params.teamId` beside a lookup by `params.presetId`: the object holding the id, read for another field.
        if (containers.has(child.text) && ts.isPropertyAccessExpression(child.parent) && child.parent.expression === child && !names.has(child.parent.name.text) && !keyFields.has(child.parent.name.text)) return;
        hit = true;
      }
      // `req.params.teamId` is the request value a callee names `teamId`.
      else if (ts.isPropertyAccessExpression(child) && names.has(child.name.text) && REQUEST_CONTAINER.test(child.expression.getText())) hit = true;
      else ts.forEachChild(child, visit);
    };
    visit(node);
    return hit;
  };
  // The looked-up record itself, as the functions on the path bind it (not the request fields beside its id).
  const recordNames = new Set([...records, ...ownResult]);
  const mentionsRecord = (node: ts.Node): boolean => {
    let hit = false;
    const visit = (child: ts.Node): void => {
      if (hit) return;
      if (ts.isIdentifier(child) && recordNames.has(child.text) && !(ts.isPropertyAccessExpression(child.parent) && child.parent.name === child)) hit = true;
      else ts.forEachChild(child, visit);
    };
    visit(node);
    return hit;
  };
  const configured = ctx.config.ownershipChecks ?? [];
  // The plain names the access itself is given (`deleteById(id, orgId)`): the key and the parents it is filtered by.
  const accessFilters = new Set<string>();
  if (ts.isCallExpression(access)) for (const argument of access.arguments) if (ts.isIdentifier(skipOuterExpressions(argument))) accessFilters.add((skipOuterExpressions(argument) as ts.Identifier).text);
  // The calls the id travels through to the access run the access itself: they check nothing before it.
  const pathCalls = new Set(path.flatMap(({ call }) => (call ? [call] : [])));
  for (const { fn, call } of path) {
    if (!fn.body) continue;
    // Where the id leaves this function (or is looked up in it): the route's handler is listed once more without it.
    const point = call ?? path.find((entry) => entry.fn === fn && entry.call)?.call;
    let evidence: OwnershipEvidence | undefined;
    // Results of membership lookups that take the object (or id) and the principal: `getTeamMember(collection.teamID, userUid)`,
    // tested in the same function (a variable of the same name elsewhere is another value).
    const membershipResults = new Map<string, string>();
    // Records loaded by the id together with other filter values, and those values' names.
    const scopedLoads = new Map<string, Set<string>>();
    // Locals holding a secret made from the record (`const expected = Subscription.unsubscribeToken(subscription)`).
    const recordSecrets = new Set<string>();
    // Locals holding a record loaded by an input the route's guard checks the caller's access to
    // (`const collection = await getCollection(collectionID)` under a guard on collectionID), and that input.
    const checkedLoads = new Map<string, string>();
    // Locals holding a comparison of the record (or each of the records) with the caller.
    const comparedWithCaller = new Set<string>();
    // Records loaded with the caller (`board = findFirst({ where: { ownerId: userId } })`), whatever their key.
    const callerLoads = new Set<string>();
    // Results of searching such a record's children for the id (`board.cards.find((card) => card.id === move.id)`): name -> the record.
    const childSearches = new Map<string, string>();
    let grew = false;
    // In a handler that branches on the request method, a check in another method's branch never runs for this route.
    const otherMethods = fn === tainted.route.handler?.node ? ctx.dataflow.otherMethodStatements(tainted.route) : undefined;
    const visit = (node: ts.Node): void => {
      if (evidence || otherMethods?.has(node)) return;
      // `moves.map((move) => ...)`: each element of the ids the client sent is one of them, under the callback's parameter.
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(skipOuterExpressions(node.expression))) {
        const member = skipOuterExpressions(node.expression) as ts.PropertyAccessExpression;
        const callback = node.arguments[0] && skipOuterExpressions(node.arguments[0]);
        if (ELEMENT_CALLBACK.test(member.name.text) && callback && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback)) && callback.parameters[0]) {
          const elementNames = bindingNames(callback.parameters[0].name);
          if (mentions(member.expression)) for (const name of elementNames) names.add(name);
          // `fields.map((field) => ({ original, updateData: field }))` with `updateData.id` the key further on: the element is the key's record.
          else if (returnedObjects(callback).some((object) => object.properties.some((property) => ts.isPropertyAssignment(property) && names.has(propertyNameText(property.name) ?? '') && propertyNameText(property.name) !== 'id' && ts.isIdentifier(skipOuterExpressions(property.initializer)) && elementNames.includes((skipOuterExpressions(property.initializer) as ts.Identifier).text)))) {
            for (const name of elementNames) if (!names.has(name)) { names.add(name); grew = true; }
          }
        }
      }
      if (ts.isIfStatement(node) && (stopsWhenTrue(node) || stopsWhenFalse(node)) && (operandsOf(node.expression).some((operand) => mentions(operand) && mentionsPrincipal(ctx, tainted, operand, 0, path)) || [...comparedWithCaller].some((name) => mentionsName(node.expression.getText(), name)))) {
        const bypass = stopsWhenTrue(node) ? recordStateBypass(node.expression, mentionsRecord, (operand) => mentionsPrincipal(ctx, tainted, operand, 0, path)) : undefined;
        evidence = { what: `the check \`${oneLine(node.expression.getText())}\``, node, ...(bypass ? { bypass } : {}) };
        return;
      }
      // `if (!safeEqual(token, Subscription.unsubscribeToken(subscription))) return`, `if (invite.token !== input.token) throw`:
      // the client must hold the secret the record was issued with (an emailed link's token): the record is theirs.
      if (ts.isIfStatement(node) && (stopsWhenTrue(node) || stopsWhenFalse(node)) && comparesRecordSecret(node.expression, mentionsRecord, recordSecrets)) {
        evidence = { what: `the check \`${oneLine(node.expression.getText())}\` of the secret the record was issued with`, node };
        return;
      }
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && SECRET_NAME.test(node.name.text)) {
        const made = firstCall(node.initializer);
        if (made && made !== tainted.call && chainArguments(made).some(mentionsRecord)) recordSecrets.add(node.name.text);
      }
      // `const isInvitedUser = invitation.userId === ctx.user.id`, `const allMine = actorIds.every((id) => id === user._id)`:
      // the record (or each record) compared with the caller, tested later (`if (!isInvitedUser && !isListOwner) throw`).
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && (!firstCall(node.initializer) || testsWholeCollection(node.initializer)) && mentions(node.initializer) && mentionsPrincipal(ctx, tainted, node.initializer, 0, path)) {
        comparedWithCaller.add(node.name.text);
      }
      // `const actorIds = entries.filter(...).map((entry) => entry.userId)`: the records' fields, still about the records.
      if (ts.isVariableDeclaration(node) && node.initializer && arrayChainRoot(node.initializer, mentions)) for (const name of bindingNames(node.name)) names.add(name);
      // `const [document] = documents` / `const { userId } = order`: the same record under another name.
      if (ts.isVariableDeclaration(node) && node.initializer && !firstCall(node.initializer) && mentions(node.initializer)) {
        const source = skipOuterExpressions(node.initializer);
        // `const { teamId, presetId } = params`: of the object holding the id, only the id's own field is the id.
        if (ts.isObjectBindingPattern(node.name) && ts.isIdentifier(source) && containers.has(source.text)) {
          for (const element of node.name.elements) {
            const field = element.propertyName ? propertyNameText(element.propertyName) : ts.isIdentifier(element.name) ? element.name.text : undefined;
            if (field !== undefined && (names.has(field) || keyFields.has(field)) && !element.dotDotDotToken) for (const name of bindingNames(element.name)) names.add(name);
          }
        } else for (const name of bindingNames(node.name)) names.add(name);
      }
      if (ts.isVariableDeclaration(node) && node.initializer) {
        const check = firstCall(node.initializer);
        const checkName = check ? calleeName(check) : '';
        if (check && check !== tainted.call && (AUTHORIZATION_CALL.test(checkName) || configured.includes(checkName) || isObjectAuthCall(check, checkName))) {
          const scoping = bindingNames(node.name).find((name) => filterNames.has(name));
          if (scoping) {
            evidence = { what: `${checkName}() returns the ${scoping} the lookup is filtered by`, node };
            return;
          }
        }
        // `const projectId = await getProjectId(req)`, a helper of any name that returns the id the client sent
        // only after finding it among the caller's tenant's records: the lookup filtered by it is the caller's.
        if (check && check !== tainted.call) {
          const scoping = bindingNames(node.name).find((name) => filterNames.has(name));
          if (scoping && returnsVettedKey(ctx, check)) {
            evidence = { what: `${checkName}() returns the ${scoping} the lookup is filtered by only after finding it among the caller's records`, node };
            return;
          }
        }
      }
      // `const [oldAsset, newAsset] = await Promise.all([Asset.fromId(ctx, a), Asset.fromId(ctx, b)])`: each name is its own load.
      // `accessRequest = document ? await AccessRequest.findPendingForUser({ documentId: document.id, userId }) : null`:
      // an assignment binds a load too, and a conditional's branch that makes one is the load.
      const loads = ts.isVariableDeclaration(node) && node.initializer ? boundLoads(node.name, node.initializer) : ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(node.left) ? ([[node.left.text, node.right]] as Array<[string, ts.Expression]>) : [];
      for (const [name, initializer] of loads) {
        const found = firstCall(loadingBranch(initializer));
        const checkedInput = checkedInputs.size > 0 && found ? checkedInputArgument(chainArguments(found), checkedInputs) : undefined;
        if (checkedInput) checkedLoads.set(name, checkedInput);
        // The access itself, when the request value sits inside it (drizzle's `findFirst({ where: (t, { eq }) =>
        // eq(t.id, id) })`, the tainted call being `eq`): its own result tested is no earlier load.
        const lookup = found && chainArguments(found).some((argument) => argument.getSourceFile() === tainted.call.getSourceFile() && argument.pos <= tainted.call.pos && tainted.call.end <= argument.end) ? undefined : found;
        const lookupArguments = lookup ? withLocalFilterObjects(chainArguments(lookup)) : [];
        // `team.users.some((member) => member.userId === session.user.id)`: the record's members searched for the caller.
        const receiver = lookup && ts.isPropertyAccessExpression(skipOuterExpressions(lookup.expression)) ? (skipOuterExpressions(lookup.expression) as ts.PropertyAccessExpression).expression : undefined;
        const aboutRecord = lookupArguments.some(mentions) || (receiver !== undefined && ARRAY_SEARCH.test(calleeName(lookup!)) && mentions(receiver));
        // `getUserOrgPermission(userId, orgId)` beside `incidentContactDAL.deleteById(id, orgId)`: the caller's rights in
        // a parent the access is also filtered by (not the key itself), which a policy call then throws on.
        const aboutFilteredParent = lookup !== undefined && lookupArguments.some((argument) => ts.isIdentifier(skipOuterExpressions(argument)) && accessFilters.has((skipOuterExpressions(argument) as ts.Identifier).text) && !keyNames.has((skipOuterExpressions(argument) as ts.Identifier).text));
        // `const current = board.cards.find((card) => card.id === move.id)` with `board` loaded for the caller: the id is
        // looked for among the caller's own record's children; a miss that exits leaves only ids of that record.
        const searchedRecord = lookup && receiver !== undefined && CHILD_SEARCH.test(calleeName(lookup)) && lookup.arguments.some(mentions) ? rootName(receiver) : undefined;
        if (searchedRecord && callerLoads.has(searchedRecord)) childSearches.set(name, searchedRecord);
        if (lookup && lookup !== tainted.call && !aboutRecord && !aboutFilteredParent && lookupArguments.some((argument) => mentionsPrincipal(ctx, tainted, argument, 0, path) || isCallerContext(tainted.route, argument))) callerLoads.add(name);
        // Not the access being judged (reached through a helper, it is not the tainted call): a load is no check of itself.
        if (lookup && lookup !== tainted.call && !sameLoad(lookup, access) && (aboutRecord || aboutFilteredParent) && lookupArguments.some((argument) => mentionsPrincipal(ctx, tainted, argument, 0, path) || isCallerContext(tainted.route, argument))) {
          membershipResults.set(name, calleeName(lookup));
        } else if (lookup && lookup !== tainted.call && receiver !== undefined && ASSOCIATION_READ.test(calleeName(lookup)) && mentions(receiver)) {
          // `const account = await exportRequest.getCollective()`: the record's parent, read from the record
          // (a Sequelize association getter); a check of the caller on that parent covers the record.
          names.add(name);
        } else if (lookup && lookup !== tainted.call && lookupArguments.some(mentions)) {
          // The record (or its parent) loaded by the same id first: `const chat = await getChatById({ id })`,
          // then `if (chat.userId !== session.user.id) return forbidden` ties the id to the caller.
          names.add(name);
          // Loaded by the id and a parent (`findUnique({ where: { id: presetId, teamId } })`): once the
          // code stops when nothing is found, the id is the parent's, and a check of that parent covers it.
          const parents = new Set<string>();
          for (const argument of lookupArguments) collectIdentifiers(argument, parents);
          scopedLoads.set(name, parents);
        }
      }
      // `existing ? await update({ where: { id } }) : await create(...)`, `if (existing) {...}`: the access runs only
      // once the load by the id and a parent found a record, as after `if (!existing) throw`.
      const onlyWhenFound = point && guardedBranchHolding(node, point);
      if (onlyWhenFound) {
        for (const [name, parents] of scopedLoads) {
          if (!testsPresenceOf(onlyWhenFound, name)) continue;
          for (const parent of parents) if (!names.has(parent) && !/^(?:prisma|db|tx|client|where|select|include|id)$/.test(parent)) { names.add(parent); grew = true; }
        }
      }
      if (ts.isIfStatement(node) && stopsWhenTrue(node)) {
        // `if (collection.teamID !== destination.teamID) return`: the record's parent compared with the parent of a
        // record the guard vouches for (loaded by the input it checked), with a mismatch exiting: the record is in
        // the object the caller's access was checked on.
        const tie = checkedLoads.size > 0 ? comparedWithCheckedRecord(node.expression, checkedLoads, (operand) => mentions(operand)) : undefined;
        if (tie) {
          evidence = { what: `the check \`${oneLine(node.expression.getText())}\` against ${tie.record}, loaded by the ${tie.input} ${checkedInputs.get(tie.input)} checks the caller's access to`, node };
          return;
        }
        for (const [name, parents] of scopedLoads) {
          if (!mentionsName(node.expression.getText(), name)) continue;
          // `getDashboardById(dashboardId, projectId)` then `if (!dashboard) throw`, with projectId an input
          // field the route's middleware checks the caller's access to: the id is one of that parent's.
          const checkedParent = [...parents].find((parent) => checkedInputs.has(parent));
          if (checkedParent) {
            evidence = { what: `${name} loaded inside the ${checkedParent} ${checkedInputs.get(checkedParent)} checks the caller's access to, with a miss exiting`, node };
            return;
          }
          for (const parent of parents) if (!names.has(parent) && !/^(?:prisma|db|tx|client|where|select|include|id)$/.test(parent)) { names.add(parent); grew = true; }
          // `if (!report || report.projectId !== input.projectId) throw`: the parent the loaded record must sit in.
          for (const parent of parentsComparedWithRecord(node, new Set([name]))) if (!names.has(parent)) { names.add(parent); grew = true; }
        }
        const searched = [...childSearches.keys()].find((name) => mentionsName(node.expression.getText(), name));
        if (searched) {
          evidence = { what: `the id looked for among the children of ${childSearches.get(searched)}, a record loaded for the caller, with a miss exiting`, node };
          return;
        }
        // `if (existing) throw new Error('already a member')` exits when the caller is found: the opposite of a membership check.
        const checked = [...membershipResults.keys()].find((name) => mentionsName(node.expression.getText(), name) && !exitsWhenPresent(node.expression, name));
        if (checked) {
          evidence = { what: `the membership check ${membershipResults.get(checked)}() that exits when it fails`, node };
          return;
        }
        // `if (!(await canSetOrderTags(req, order))) throw`: the same check asked inline, the record and the caller handed to it
        // (also one of several reasons to exit: `if (!userHasCreatePermission(collection, user.id) || !collection)`).
        const asked = disjunctsOf(node.expression)
          .map(negatedCall)
          .find((call) => call !== undefined && call !== tainted.call && call.arguments.some(mentions) && call.arguments.some((argument) => mentionsPrincipal(ctx, tainted, argument, 0, path) || isCallerContext(tainted.route, argument)));
        if (asked) {
          evidence = { what: `the check ${calleeName(asked)}() that exits when it fails`, node };
          return;
        }
      }
      if (ts.isCallExpression(node)) {
        const name = calleeName(node);
        const isCheck = AUTHORIZATION_CALL.test(name) || configured.includes(name) || isObjectAuthCall(node, name);
        // `await prisma.userTeam.findUniqueOrThrow({ where: { userId_teamId: { userId, teamId } } })`: a lookup
        // by the caller and the parent that throws when none is found is the membership check, whatever is bound.
        if (THROWING_LOOKUP.test(name) && node !== tainted.call && !pathCalls.has(node) && chainArguments(node).some(mentions) && chainArguments(node).some((argument) => mentionsPrincipal(ctx, tainted, argument, 0, path))) {
          evidence = { what: `the membership check ${name}(), which throws when the caller has no record`, node };
          return;
        }
        if (isCheck && !answeredAsFlag(node, name) && (node.arguments.some(mentions) || (ts.isPropertyAccessExpression(node.expression) && mentions(node.expression.expression)))) {
          evidence = { what: `${name}()`, node };
          return;
        }
        // A record (or its parent) loaded by the record's id with the caller handed along for scoping
        // (`Document.findByPk(revision.documentId, { userId: user.id })`), then given to a policy call
        // that throws (`authorize(user, 'read', document)`): the check covers the record.
        const policed = isCheck ? [...membershipResults.keys()].find((loaded) => node.arguments.some((argument) => ts.isIdentifier(skipOuterExpressions(argument)) && (skipOuterExpressions(argument) as ts.Identifier).text === loaded)) : undefined;
        if (policed) {
          evidence = { what: `${name}() given ${policed}, loaded by the record with the caller`, node };
          return;
        }
        // CASL: `ForbiddenError.from(permission).throwUnlessCan(action, subject)` (or `permission.can(...)` on
        // the same object), where `permission` is what a lookup given the record's parent and the caller
        // returned (`getProjectPermission(actor, actorId, secret.projectId)`): the caller's rights in the
        // record's own project, thrown on.
        const ability = isCheck && ts.isPropertyAccessExpression(node.expression) ? skipOuterExpressions(node.expression.expression) : undefined;
        const abilityFrom = ability && ts.isCallExpression(ability) ? ability.arguments.map((argument) => skipOuterExpressions(argument)) : ability ? [ability] : [];
        const built = [...membershipResults.keys()].find((loaded) => abilityFrom.some((value) => ts.isIdentifier(value) && value.text === loaded));
        if (built) {
          evidence = { what: `${name}() on the ${built} ${membershipResults.get(built)}() loaded for the record (or a parent it is filtered by) and the caller`, node };
          return;
        }
        // `await documentRestorer(ctx, { document, collectionId })`: a project helper given the record that
        // puts it to a policy call (`authorize(user, 'restore', document)`), which throws when it fails.
        const policyHelper = node !== tainted.call && !pathCalls.has(node) && !isCheck && node.arguments.some(mentionsRecord) ? helperPolicyCall(ctx, node, mentionsRecord) : undefined;
        if (policyHelper) {
          evidence = { what: `${name}(), which hands the record to ${policyHelper}`, node };
          return;
        }
        // `await resolveItemWithBoardAccess(ctx, input.itemId)`: a project helper given the id that loads the record
        // by it and puts the record (or its parent) to a permission check (`throwIfActionForbiddenAsync(ctx,
        // eq(boards.id, item.boardId), 'modify')`), which throws when it fails.
        const keyHelper = node !== tainted.call && !pathCalls.has(node) && !isCheck && !policyHelper && node.arguments.some(mentions) ? helperAuthorizesParameter(ctx, node, mentions) : undefined;
        if (keyHelper) {
          evidence = { what: `${name}(), which checks the caller's permission on what the id names: ${keyHelper}`, node };
          return;
        }
        // `await getDiscountOrThrow({ discountId, programId })`: a helper that loads the record by the id it is
        // given and exits unless the record's field equals the other value it is given, here the caller's.
        if (node !== tainted.call && !pathCalls.has(node) && tiedTo(node, tainted.call, keyNames, records) && comparingHelperChecks(ctx, tainted, node, mentions, path)) {
          evidence = { what: `${name}(), which loads the record and exits unless it belongs to the caller's value it is given`, node };
          return;
        }
        // A helper of any name that takes the object (or its parent) and the caller and throws unless a
        // record keyed by both exists (`await getMemberRoles({ teamId, reference: { id: userId } })`,
        // `await loadPageForWorkspace({ pageId: input.pageId, workspaceId: ctx.workspace.id })`): a membership
        // check, for a lookup tied to what it checked (the same request value, or the looked-up record).
        if (
          node !== tainted.call &&
          !pathCalls.has(node) &&
          node.arguments.some(mentions) &&
          tiedTo(node, tainted.call, keyNames, records, scopedLoads) &&
          node.arguments.some((argument) => mentionsPrincipal(ctx, tainted, argument, 0, path) || isCallerContext(tainted.route, argument)) &&
          throwsUnlessFound(ctx, node, tainted.call)
        ) {
          evidence = { what: `the membership check ${name}(), which throws unless a record keyed by both exists`, node };
          return;
        }
      }
      // `if (input.scope === 'user') { ...; return }` before the lookup: nothing in that branch runs on the way to it.
      if (point && endsBeforeReaching(node, point)) return;
      if (!ts.isFunctionLike(node) || node === fn) ts.forEachChild(node, visit);
      else ts.forEachChild(node, visit);
    };
    visit(fn.body);
    // A parent learnt from a scoped load further down may be the one checked higher up: look again.
    if (!evidence && grew) {
      grew = false;
      membershipResults.clear();
      visit(fn.body);
    }
    if (evidence) return evidence;
  }
  return undefined;
}

/** A name for a secret a record is issued with: a link's token, a signature, a nonce (not a `code`: product and discount codes are no secret). */
const SECRET_NAME = /token|secret|signature|digest|nonce/i;
/** Comparisons made for secrets: constant-time, or a plain compare by name. */
const SECRET_COMPARISON = /^(?:timingSafeEqual|safeEqual|secureCompare|safeCompare|constantTimeCompare|constantTimeEqual|timeSafeCompare|tsscmp)$/;

/**
 * A condition comparing a secret of the record (a local made from it, or its own secret field:
 * `invite.token`) with a value that is not the record's: what the client sent. `mentions` tells
 * whether an expression reads the record.
 */
function comparesRecordSecret(condition: ts.Expression, mentions: (node: ts.Node) => boolean, recordSecrets: ReadonlySet<string>): boolean {
  const isRecordSecret = (expression: ts.Expression): boolean => {
    const value = skipOuterExpressions(expression);
    if (ts.isIdentifier(value)) return recordSecrets.has(value.text);
    if (ts.isPropertyAccessExpression(value) && SECRET_NAME.test(value.name.text) && mentions(value.expression)) return true;
    const made = ts.isCallExpression(value) ? value : undefined;
    return made !== undefined && SECRET_NAME.test(calleeName(made)) && chainArguments(made).some(mentions);
  };
  const fromRecord = (expression: ts.Expression): boolean => isRecordSecret(expression) || mentions(expression);
  const pairOf = (left: ts.Expression, right: ts.Expression): boolean => (isRecordSecret(left) && !fromRecord(right)) || (isRecordSecret(right) && !fromRecord(left));
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found || ts.isFunctionLike(node)) return;
    if (ts.isCallExpression(node) && node.arguments.length === 2 && SECRET_COMPARISON.test(calleeName(node).split('.').pop() ?? '')) found = pairOf(node.arguments[0]!, node.arguments[1]!);
    else if (ts.isBinaryExpression(node) && (node.operatorToken.kind === ts.SyntaxKind.ExclamationEqualsEqualsToken || node.operatorToken.kind === ts.SyntaxKind.EqualsEqualsEqualsToken || node.operatorToken.kind === ts.SyntaxKind.ExclamationEqualsToken || node.operatorToken.kind === ts.SyntaxKind.EqualsEqualsToken)) found = pairOf(node.left, node.right);
    if (!found) ts.forEachChild(node, visit);
  };
  visit(condition);
  return found;
}

/**
 * The parameter pairs a helper compares: it loads a record by one parameter (`findUnique({ where: { id:
 * discountId } })`) and exits unless a field of the record equals another (`if (discount.programId !==
 * programId) throw`). Keyed by the helper's node; each pair is (the id's parameter, the owner's parameter).
 */
const comparedParameters = new WeakMap<ts.Node, Array<{ id: string; owner: string }>>();

/** A caller object's own permission predicate (`remoteUser.isAdmin(id)`, `user.isMemberOf(team)`, `actor.can('edit', doc)`). */
const CALLER_PREDICATE = /^(?:is(?:Admin|Member|Owner|Root|Host)\w*|has(?:Access|Permission|Role|Member)\w*|can[A-Z]?\w*|owns\w*)$/;

function helperComparisons(fn: ts.SignatureDeclaration & { body?: ts.Node }): Array<{ id: string; owner: string }> {
  const known = comparedParameters.get(fn);
  if (known) return known;
  const pairs: Array<{ id: string; owner: string }> = [];
  comparedParameters.set(fn, pairs);
  if (!fn.body) return pairs;
  const parameters = new Set(fn.parameters.flatMap((parameter) => bindingNames(parameter.name)));
  const loadedBy = new Map<string, Set<string>>();
  walkDescendants(fn.body, (node) => {
    if (node !== fn.body && ts.isFunctionLike(node)) return false;
    // `const order = await Order.findOne(...)`, or the parameter itself reloaded (`order = await Order.findOne({ where: { id: order.id } })`).
    const loaded = ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer ? { name: node.name.text, value: node.initializer } : ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(node.left) ? { name: node.left.text, value: node.right } : undefined;
    if (loaded) {
      const lookup = firstCall(loaded.value);
      if (lookup) {
        const used = new Set<string>();
        for (const argument of chainArguments(lookup)) collectIdentifiers(argument, used);
        const keys = [...used].filter((name) => parameters.has(name));
        if (keys.length > 0) loadedBy.set(loaded.name, new Set(keys));
      }
    } else if (ts.isIfStatement(node) && stopsWhenTrue(node)) {
      for (const part of disjunctsOf(node.expression)) {
        const value = skipOuterExpressions(part);
        // `if (!remoteUser.isAdmin(order.FromCollectiveId)) throw`: the caller's object asked about the record.
        const asked = ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.ExclamationToken ? skipOuterExpressions(value.operand) : undefined;
        if (asked && ts.isCallExpression(asked) && ts.isPropertyAccessExpression(asked.expression) && ts.isIdentifier(asked.expression.expression) && parameters.has(asked.expression.expression.text) && CALLER_PREDICATE.test(asked.expression.name.text)) {
          const owner = asked.expression.expression.text;
          for (const argument of asked.arguments) {
            const field = skipOuterExpressions(argument);
            const record = ts.isPropertyAccessExpression(field) && ts.isIdentifier(field.expression) ? field.expression.text : ts.isIdentifier(field) ? field.text : undefined;
            if (!record || record === owner) continue;
            for (const id of loadedBy.get(record) ?? (parameters.has(record) ? [record] : [])) if (id !== owner) pairs.push({ id, owner });
          }
          continue;
        }
        if (!ts.isBinaryExpression(value) || !/^!==?$/.test(value.operatorToken.getText())) continue;
        for (const [recordSide, ownerSide] of [[value.left, value.right], [value.right, value.left]] as const) {
          const field = skipOuterExpressions(recordSide);
          const owner = skipOuterExpressions(ownerSide);
          if (!ts.isPropertyAccessExpression(field) || !ts.isIdentifier(field.expression) || !ts.isIdentifier(owner) || !parameters.has(owner.text)) continue;
          for (const id of loadedBy.get(field.expression.text) ?? []) if (id !== owner.text) pairs.push({ id, owner: owner.text });
        }
      }
    }
    return undefined;
  });
  return pairs;
}

/** The project function a call runs, when it has a body to read. */
function calledFunctionWithBody(ctx: AccessContext, call: ts.CallExpression): (ts.SignatureDeclaration & { body: ts.Node }) | undefined {
  const file = ctx.modules.fileOf(call);
  const fn = (file && resolveFunction(ctx.modules, file, call.expression))?.node as (ts.SignatureDeclaration & { body?: ts.Node }) | undefined;
  return fn?.body ? (fn as ts.SignatureDeclaration & { body: ts.Node }) : undefined;
}

/**
 * The policy call (`authorize(user, 'restore', document)`) a project helper makes with the record it
 * is handed: the parameter at the argument that carries the record (a name, or a member of an object
 * literal: `{ document, collectionId }` received as `{ document, ... }: Props`). Its text, else undefined.
 */
function helperPolicyCall(ctx: AccessContext, call: ts.CallExpression, mentionsRecord: (node: ts.Node) => boolean): string | undefined {
  const fn = calledFunctionWithBody(ctx, call);
  if (!fn) return undefined;
  const received = new Set<string>();
  call.arguments.forEach((argument, index) => {
    const parameter = fn.parameters[index];
    if (!parameter || !mentionsRecord(argument)) return;
    const value = skipOuterExpressions(argument);
    // `{ document, collectionId }` into `{ document, collectionId }: Props`: only the members that carry the record.
    if (ts.isObjectLiteralExpression(value) && ts.isObjectBindingPattern(parameter.name)) {
      for (const property of value.properties) {
        const key = property.name && propertyNameText(property.name);
        const carried = ts.isShorthandPropertyAssignment(property) ? mentionsRecord(property.name) : ts.isPropertyAssignment(property) && mentionsRecord(property.initializer);
        if (key === undefined || !carried) continue;
        const element = parameter.name.elements.find((candidate) => (candidate.propertyName ? propertyNameText(candidate.propertyName) : ts.isIdentifier(candidate.name) ? candidate.name.text : undefined) === key);
        if (element) for (const name of bindingNames(element.name)) received.add(name);
      }
    } else if (ts.isIdentifier(parameter.name)) received.add(parameter.name.text);
  });
  if (received.size === 0) return undefined;
  let found: string | undefined;
  walkDescendants(fn.body, (node) => {
    if (found) return false;
    if (ts.isCallExpression(node) && AUTHORIZATION_CALL.test(calleeName(node)) && node.arguments.some((argument) => ts.isIdentifier(skipOuterExpressions(argument)) && received.has((skipOuterExpressions(argument) as ts.Identifier).text))) {
      found = `${oneLine(node.getText())} (${fn.getSourceFile().fileName.split('/').slice(-2).join('/')})`;
    }
    return undefined;
  });
  return found;
}

/**
 * The permission check (`throwIfActionForbiddenAsync(ctx, eq(boards.id, item.boardId), 'modify')`) a project helper
 * makes on the id it is handed at a plain parameter, or on a value it derives from it (the record it loads by it,
 * that record's parent). Its text, else undefined.
 */
function helperAuthorizesParameter(ctx: AccessContext, call: ts.CallExpression, mentionsKey: (node: ts.Node) => boolean): string | undefined {
  const fn = calledFunctionWithBody(ctx, call);
  if (!fn) return undefined;
  const derived = new Set<string>();
  call.arguments.forEach((argument, index) => {
    const parameter = fn.parameters[index];
    if (parameter && ts.isIdentifier(parameter.name) && mentionsKey(argument)) derived.add(parameter.name.text);
  });
  if (derived.size === 0) return undefined;
  const mentionsDerived = (node: ts.Node): boolean => {
    let hit = false;
    walkDescendants(node, (child) => {
      if (hit) return false;
      if (ts.isIdentifier(child) && derived.has(child.text) && !(ts.isPropertyAccessExpression(child.parent) && child.parent.name === child)) hit = true;
      return undefined;
    });
    return hit || (ts.isIdentifier(node) && derived.has(node.text));
  };
  let found: string | undefined;
  walkDescendants(fn.body, (node) => {
    if (found) return false;
    // `const item = await db.query.items.findFirst({ where: eq(items.id, itemId) })`: the record the id names.
    if (ts.isVariableDeclaration(node) && node.initializer && mentionsDerived(node.initializer)) for (const name of bindingNames(node.name)) derived.add(name);
    if (ts.isCallExpression(node) && AUTHORIZATION_CALL.test(calleeName(node)) && node.arguments.some(mentionsDerived)) {
      found = `${oneLine(node.getText())} (${fn.getSourceFile().fileName.split('/').slice(-2).join('/')})`;
    }
    return undefined;
  });
  return found;
}

/** The call runs a helper that loads the record by the id it is passed and exits unless it belongs to the caller's value passed beside it. */
function comparingHelperChecks(ctx: AccessContext, tainted: TaintedCall, call: ts.CallExpression, mentionsKey: (node: ts.Node) => boolean, path: readonly PathFunction[]): boolean {
  const file = ctx.modules.fileOf(call);
  const target = file && resolveFunction(ctx.modules, file, call.expression);
  if (!target?.node.body) return false;
  return helperComparisons(target.node).some(({ id, owner }) => {
    const idArgument = argumentFor(call, target.node, id);
    const ownerArgument = argumentFor(call, target.node, owner);
    return idArgument !== undefined && ownerArgument !== undefined && mentionsKey(idArgument) && mentionsPrincipal(ctx, tainted, ownerArgument, 0, path);
  });
}

const assertingHelpers = new WeakMap<ts.Node, boolean>();
// ORM queries that throw themselves when nothing matches (Prisma `findFirstOrThrow`, TypeORM `findOneByOrFail`, Kysely `executeTakeFirstOrThrow`).
const THROWING_LOOKUPS: ReadonlySet<string> = new Set([...ORMS.flatMap((orm) => orm.lookups), ...TYPEORM_QUERY_BUILDER.terminals, ...KYSELY.terminals].filter((method) => /(?:OrThrow|OrFail)$/.test(method)));
const isThrowingLookup = (call: ts.CallExpression): boolean => ts.isPropertyAccessExpression(call.expression) && THROWING_LOOKUPS.has(call.expression.name.text);

/**
 * The project function a call runs throws unless a lookup keyed by two or more of its parameters
 * finds a record: `const team = await db.team.findUnique({ where: { id: teamId }, include: { members:
 * { where: { userId } } } }); if (!team || team.members.length === 0) throw ...`, or a
 * `findFirstOrThrow` keyed so. A lookup by one parameter (does the team exist?) says nothing of who asks.
 */
function throwsUnlessFound(ctx: AccessContext, call: ts.CallExpression, access: ts.Node): boolean {
  const file = ctx.modules.fileOf(call);
  const target = file && resolveFunction(ctx.modules, file, call.expression);
  const fn = target?.node as (ts.SignatureDeclaration & { body?: ts.Node }) | undefined;
  if (!fn?.body) return false;
  // The function that makes the access itself (reached with no "passed to" step in the trace) checks nothing before it.
  if (fn.getSourceFile() === access.getSourceFile() && fn.pos <= access.pos && access.end <= fn.end) return false;
  const known = assertingHelpers.get(fn);
  if (known !== undefined) return known;
  // Recursion guard: a helper handing its parameters back to itself asserts nothing by that.
  assertingHelpers.set(fn, false);
  const parameters = new Set(fn.parameters.flatMap((parameter) => bindingNames(parameter.name)));
  // Two distinct parameters, or two members of one (`args.pageId`, `args.workspaceId`).
  const keyedByTwo = (lookup: ts.CallExpression): boolean => {
    const used = new Set<string>();
    for (const argument of chainArguments(lookup)) {
      walkDescendants(argument, (child) => {
        if (!ts.isIdentifier(child) || !parameters.has(child.text) || (ts.isPropertyAssignment(child.parent) && child.parent.name === child)) return;
        used.add(ts.isPropertyAccessExpression(child.parent) && child.parent.expression === child ? `${child.text}.${child.parent.name.text}` : child.text);
      });
    }
    return used.size >= 2;
  };
  // `let list = await (async () => { const l = await db.query.lists.findFirst(...); return l && {...l} })()`:
  // an inline async block that hands back a lookup keyed by both is that lookup.
  const returnsKeyedLookup = (call: ts.CallExpression): boolean => {
    const block = skipOuterExpressions(call.expression);
    if (!ts.isArrowFunction(block) && !ts.isFunctionExpression(block)) return false;
    const keyed = new Set<string>();
    let returned = false;
    walkDescendants(block.body, (node) => {
      if (returned || (ts.isFunctionLike(node) && node !== block)) return false;
      if (ts.isVariableDeclaration(node) && node.initializer) {
        const inner = firstCall(node.initializer);
        if (inner && keyedByTwo(inner)) for (const name of bindingNames(node.name)) keyed.add(name);
      } else if (ts.isReturnStatement(node) && node.expression) {
        const text = node.expression.getText();
        const inner = firstCall(node.expression);
        if ((inner && keyedByTwo(inner)) || [...keyed].some((name) => mentionsName(text, name))) returned = true;
      }
      return undefined;
    });
    return returned;
  };
  const lookups = new Set<string>();
  let asserts = false;
  walkDescendants(fn.body, (node) => {
    if (asserts) return false;
    if (node !== fn.body && ts.isFunctionLike(node)) return false;
    if (ts.isVariableDeclaration(node) && node.initializer) {
      const lookup = firstCall(node.initializer);
      if (lookup && (keyedByTwo(lookup) || returnsKeyedLookup(lookup))) {
        if (isThrowingLookup(lookup)) asserts = true;
        for (const name of bindingNames(node.name)) lookups.add(name);
      }
    } else if (ts.isExpressionStatement(node) || (ts.isReturnStatement(node) && node.expression)) {
      const lookup = firstCall(node.expression!);
      if (lookup && isThrowingLookup(lookup) && keyedByTwo(lookup)) asserts = true;
    } else if (ts.isIfStatement(node) && /\bthrow\b/.test(node.thenStatement.getText())) {
      const text = node.expression.getText();
      if ([...lookups].some((name) => mentionsName(text, name))) asserts = true;
      // `if (!(await this.tryCheckWorkspace(ws, user, permission))) throw new SpaceAccessDenied()`: the
      // question asked inline of a predicate given two of the parameters, which answers from a lookup
      // keyed by what it was given (`count({ where: { workspaceId: ws, userId: user } }) > 0`).
      const asked = negatedCall(node.expression);
      if (asked && keyedByTwo(asked) && answersFromKeyedLookup(ctx, asked)) asserts = true;
    } else if (ts.isIfStatement(node) && node.elseStatement && /\bthrow\b/.test(node.elseStatement.getText()) && !/\bthrow\b/.test(node.thenStatement.getText())) {
      // `if (allows(permission, state)) { return true } else { throw new Error(...) }`: the same check, written
      // the other way round: the request goes on only in the branch where the lookup keyed by both passed.
      const text = node.expression.getText();
      if ([...lookups].some((name) => mentionsName(text, name))) asserts = true;
    }
    // `checkProjectAdmin(projectId, userId) => checkProjectWrite(projectId, userId, LEVELS.ADMIN)`: a check
    // that hands two of its parameters on to one that asserts them asserts them too.
    if (!asserts && ts.isCallExpression(node) && handsOnTwoParameters(node, parameters) && throwsUnlessFound(ctx, node, access)) asserts = true;
    return undefined;
  });
  assertingHelpers.set(fn, asserts);
  return asserts;
}

/** A call given two or more of a function's parameters as they are (`check(projectId, userId, level)`). */
function handsOnTwoParameters(call: ts.CallExpression, parameters: ReadonlySet<string>): boolean {
  const handed = new Set<string>();
  for (const argument of call.arguments) {
    const value = skipOuterExpressions(argument);
    if (ts.isIdentifier(value) && parameters.has(value.text)) handed.add(value.text);
  }
  return handed.size >= 2;
}

const vettingHelpers = new WeakMap<ts.Node, boolean>();
const MAX_VETTING_DEPTH = 3;

/**
 * Whether the project function a call runs hands back an id only once it is known to be the
 * caller's: it returns the parameter it was given after a lookup keyed by that parameter and the
 * caller's tenant or user (`findFirst({ where: { id: inputProjectId, organizationId } })`) exited
 * when nothing was found (`if (!project) throw`), or a `...OrThrow` lookup did; or it returns what
 * such a function returns (`return resolveClientProjectId({ ..., inputProjectId: req.params.projectId })`).
 * A parameter it returns that it never looks up is another value (the client's own project) and
 * decides nothing; one it returns before the check, or nothing checked at all (`return id.trim()`), fails it.
 */
function returnsVettedKey(ctx: AccessContext, call: ts.CallExpression, depth = 0): boolean {
  if (depth > MAX_VETTING_DEPTH) return false;
  return judgedCallee(ctx, call, vettingHelpers, (fn) => {
    const body = fn.body as ts.ConciseBody;
    const parameters = new Set(fn.parameters.flatMap((parameter) => bindingNames(parameter.name)));
    // Each parameter the function looks up together with the caller's tenant or user, and the statements that
    // stop the request when that lookup finds nothing: the `if (!record) throw` after it, or the throwing lookup itself.
    const checks = new Map<string, ts.Statement[]>();
    const addCheck = (name: string, statement: ts.Statement): void => void checks.set(name, [...(checks.get(name) ?? []), statement]);
    const keyedWithCaller = (lookup: ts.CallExpression): string[] => {
      const keyed = new Set<string>();
      let caller = false;
      for (const argument of chainArguments(lookup)) {
        walkDescendants(argument, (child) => {
          if (ts.isIdentifier(child) && !(ts.isPropertyAssignment(child.parent) && child.parent.name === child) && !(ts.isPropertyAccessExpression(child.parent) && child.parent.name === child)) {
            if (parameters.has(child.text) && !PRINCIPAL_TEXT.test(child.text)) keyed.add(child.text);
            else if (PRINCIPAL_TEXT.test(child.text)) caller = true;
          } else if (ts.isPropertyAccessExpression(child) && PRINCIPAL_TEXT.test(child.getText())) caller = true;
        });
      }
      return caller ? [...keyed] : [];
    };
    const loads = new Map<string, string[]>();
    walkDescendants(fn.body, (node) => {
      if (node !== fn.body && ts.isFunctionLike(node)) return false;
      if (ts.isVariableDeclaration(node) && node.initializer) {
        const lookup = firstCall(node.initializer);
        const keyed = lookup ? keyedWithCaller(lookup) : [];
        if (lookup && keyed.length > 0) {
          if (isThrowingLookup(lookup) && ts.isVariableStatement(node.parent.parent)) for (const name of keyed) addCheck(name, node.parent.parent);
          for (const name of bindingNames(node.name)) loads.set(name, keyed);
        }
      } else if (ts.isExpressionStatement(node)) {
        const lookup = firstCall(node.expression);
        if (lookup && isThrowingLookup(lookup)) for (const name of keyedWithCaller(lookup)) addCheck(name, node);
      } else if (ts.isIfStatement(node) && stopsWhenTrue(node)) {
        const text = node.expression.getText();
        for (const [record, keyed] of loads) if (mentionsName(text, record)) for (const name of keyed) addCheck(name, node);
      }
      return undefined;
  });
  // The check runs before the return on its way: it sits in a block around the return, ahead of it.
  const checkedBefore = (name: string, returned: ts.Node): boolean =>
    (checks.get(name) ?? []).some((statement) => statement.end <= returned.pos && statement.parent.pos <= returned.pos && returned.end <= statement.parent.end);
  let vetted = false;
  for (const returned of returnedExpressions(body)) {
    const inner = firstCall(returned);
    if (inner && returnsVettedKey(ctx, inner, depth + 1)) {
      vetted = true;
      continue;
    }
    let value = skipOuterExpressions(returned);
    while (ts.isAwaitExpression(value)) value = skipOuterExpressions(value.expression);
    // Another value (the client's own project, a constant): not the id the function checks.
    if (!ts.isIdentifier(value) || !parameters.has(value.text) || !checks.has(value.text)) continue;
    if (!checkedBefore(value.text, returned)) return false;
    vetted = true;
  }
  return vetted;
  });
}

type FunctionWithBody = ts.SignatureDeclaration & { body: ts.Node };

/**
 * What `judge` says of the project function a call runs, asked once per function (memoized in `cache`);
 * false while it is being judged, so a call back into it decides nothing.
 */
function judgedCallee(ctx: AccessContext, call: ts.CallExpression, cache: WeakMap<ts.Node, boolean>, judge: (fn: FunctionWithBody) => boolean): boolean {
  const file = ctx.modules.fileOf(call);
  const target = file && resolveFunction(ctx.modules, file, call.expression);
  const fn = target?.node as (ts.SignatureDeclaration & { body?: ts.Node }) | undefined;
  if (!fn?.body) return false;
  const known = cache.get(fn);
  if (known !== undefined) return known;
  cache.set(fn, false);
  const verdict = judge(fn as FunctionWithBody);
  cache.set(fn, verdict);
  return verdict;
}

const MAX_PREDICATE_DEPTH = 3;

/**
 * Whether the project function a call runs answers from a lookup keyed by two or more of its
 * parameters: it returns what that lookup found or counted (`const count = await prisma.member.count({
 * where: { workspaceId: ws, userId: user } }); return count > 0;`), or hands the question on, given
 * two of them, to a function that does (`return this.tryCheckWorkspace(ws, user, permission)`).
 */
function answersFromKeyedLookup(ctx: AccessContext, call: ts.CallExpression, depth = 0): boolean {
  if (depth > MAX_PREDICATE_DEPTH) return false;
  return judgedCallee(ctx, call, keyedPredicates, (fn) => {
    const parameters = new Set(fn.parameters.flatMap((parameter) => bindingNames(parameter.name)));
    const keyed = (lookup: ts.CallExpression): boolean => {
      const used = new Set<string>();
      for (const argument of chainArguments(lookup)) {
        walkDescendants(argument, (child) => {
          if (ts.isIdentifier(child) && parameters.has(child.text) && !(ts.isPropertyAssignment(child.parent) && child.parent.name === child)) used.add(child.text);
        });
      }
      return used.size >= 2;
    };
    const found = new Set<string>();
    let answers = false;
    walkDescendants(fn.body, (node) => {
      if (answers) return false;
      if (node !== fn.body && ts.isFunctionLike(node)) return false;
      if (ts.isVariableDeclaration(node) && node.initializer) {
        const lookup = firstCall(node.initializer);
        if (lookup && keyed(lookup)) for (const name of bindingNames(node.name)) found.add(name);
      } else if (ts.isReturnStatement(node) && node.expression) {
        const text = node.expression.getText();
        const handed = firstCall(node.expression);
        if ([...found].some((name) => mentionsName(text, name)) || (handed && keyed(handed) && answersFromKeyedLookup(ctx, handed, depth + 1))) answers = true;
      }
      return undefined;
  });
  return answers;
  });
}

const keyedPredicates = new WeakMap<ts.Node, boolean>();

/**
 * The check covers the lookup only when they are about the same record: both read the same request
 * value (`input.pageId`, or the key `teamId` itself), or the check takes the looked-up record
 * (`getEnvelopeWhereInput({ id: attachment.envelopeId, ... })` after `const attachment = ...`). A check
 * of the parent page does not cover a delete filtered by the subscriber id alone.
 */
function tiedTo(check: ts.CallExpression, lookup: ts.Node, keyNames: ReadonlySet<string>, records: ReadonlySet<string> = new Set(), loadedByKey: ReadonlyMap<string, unknown> = new Map()): boolean {
  let chain: ts.Node = lookup;
  while (chain.parent && (ts.isPropertyAccessExpression(chain.parent) || (ts.isCallExpression(chain.parent) && chain.parent.expression === chain))) chain = chain.parent;
  const reads = (node: ts.Node, into: Set<string>): Set<string> => {
    walkDescendants(node, (child) => {
      if (ts.isPropertyAccessExpression(child) && ts.isIdentifier(child.expression)) into.add(child.getText());
      else if (ts.isIdentifier(child) && keyNames.has(child.text) && !ts.isPropertyAccessExpression(child.parent)) into.add(child.text);
    });
    return into;
  };
  const looked = reads(chain, new Set());
  const checked = new Set<string>();
  for (const argument of check.arguments) reads(argument, checked);
  if ([...checked].some((text) => looked.has(text))) return true;
  // `const id = \`${datasetId}:${tag}\``, then `updateOne({ id })` after `checkDatasetWrite(datasetId, user)`: a key
  // built with the checked id in it names a record under that id.
  const builtFrom = new Set<string>();
  walkDescendants(chain, (child) => {
    if (!ts.isIdentifier(child) || !keyNames.has(child.text) || ts.isPropertyAccessExpression(child.parent)) return;
    const initializer = localDeclaration(child)?.initializer;
    const value = initializer && skipOuterExpressions(initializer);
    if (!value || !(ts.isTemplateExpression(value) || (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken))) return;
    walkDescendants(value, (part) => {
      if (ts.isIdentifier(part) && !(ts.isPropertyAccessExpression(part.parent) && part.parent.name === part)) builtFrom.add(part.text);
    });
  });
  if (check.arguments.some((argument) => { const value = skipOuterExpressions(argument); return ts.isIdentifier(value) && builtFrom.has(value.text); })) return true;
  // The looked-up record, as the lookup's function or a caller on the path binds it (`const baseOrder = await fetchOrder(args.order)`).
  const record = [...(resultVariable(lookup) ?? []), ...records];
  if (record.length > 0 && [...checked].some((text) => record.includes(text.split('.')[0]!))) return true;
  if (check.arguments.some((argument) => ts.isIdentifier(skipOuterExpressions(argument)) && records.has((skipOuterExpressions(argument) as ts.Identifier).text))) return true;
  // The same record loaded first by the same id (`const invitation = await findUnique({ where: { id:
  // invitationId } })`), its parent checked (`requireAdmin({ organizationId: invitation.organizationId, userId })`)
  // before the write by that id (`deleteMany({ where: { id: invitationId } })`).
  return [...checked].some((text) => loadedByKey.has(text.split('.')[0]!));
}

function mentionsPrincipal(ctx: AccessContext, tainted: TaintedCall, condition: ts.Expression, depth = 0, path: readonly PathFunction[] = []): boolean {
  // `select: { users: { select: { userId: true } } }` names columns to load, not the caller's id.
  const text = condition.getText().replace(COLUMN_FLAG, '');
  if (CONTEXT_PRINCIPAL.test(text)) return true;
  // A string names a field, never holds the caller: `'userId' in input` tests the input's shape.
  const code = text.replace(STRING_LITERAL, '""');
  if (PRINCIPAL_TEXT.test(code) || CONTROLLER_PRINCIPAL_ACCESSOR.test(code)) return true;
  const principalNames = tainted.route.principal.map((text) => text.split(/\s+/).pop()!.replace(/[^\w$.]/g, ''));
  if (principalNames.some((name) => name && mentionsName(code, name))) return true;
  let principal = false;
  const file = ctx.modules.fileOf(condition);
  // In the function that makes the call, parameters hold what its caller passed (`deleteArticle(slug, req.auth.user.id)`).
  // A callback the call sits in (a transaction's) sees the same parameters as the function around it.
  const conditionFunction = enclosingFunction(condition);
  let inContext = false;
  for (let fn = enclosingFunction(tainted.call), depth = 0; fn && depth < 5; depth++) {
    if (fn === conditionFunction) {
      inContext = true;
      break;
    }
    if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) break;
    fn = enclosingFunction(fn.parent);
  }
  // A callback inside the function that makes the call (`findById(id, function (err, doc) {...})`)
  // sees that function's locals: `user_id` bound to the caller above the call is the caller there too.
  const callFunction = enclosingFunction(tainted.call);
  for (let fn = conditionFunction, depth = 0; !inContext && fn && depth < 5 && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)); depth++) {
    fn = enclosingFunction(fn.parent);
    if (fn && fn === callFunction) inContext = true;
  }
  const visit = (node: ts.Node): void => {
    if (principal) return;
    // `select: { id: true }` names a column, not the variable `id`.
    if (ts.isIdentifier(node) && ts.isPropertyAssignment(node.parent) && node.parent.name === node) return;
    if ((ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) && file) {
      const origin = inContext ? tainted.originOf(node as ts.Expression) : ctx.dataflow.originOutOfContext(node as ts.Expression, file, tainted.route);
      if (origin.kind === 'principal') {
        principal = true;
        return;
      }
    }
    // `const space = await requireActiveSpace(ctx.user)`: what a call makes of the caller alone is the caller's own.
    const root = ts.isPropertyAccessExpression(node) ? rootIdentifierOf(node) : ts.isIdentifier(node) ? node : undefined;
    const members = ts.isPropertyAccessExpression(node) ? memberPathFromRoot(node) : [];
    if (root && depth < 2 && (derivedFromCallerOnly(ctx, tainted, root, depth, path) || passedByCaller(ctx, tainted, root, conditionFunction, depth, path, members))) {
      principal = true;
      return;
    }
    if (!ts.isPropertyAccessExpression(node)) ts.forEachChild(node, visit);
  };
  visit(condition);
  return principal;
}

/**
 * A local bound to a call whose every argument is the caller (`await requireActiveSpace(ctx.user)`,
 * `getCurrentOrg(session.user.id)`): nothing the client sent chose it, so it is the caller's own record.
 */
function derivedFromCallerOnly(ctx: AccessContext, tainted: TaintedCall, identifier: ts.Identifier, depth: number, path: readonly PathFunction[]): boolean {
  const declaration = localDeclaration(identifier);
  const call = declaration?.initializer && (ts.isIdentifier(declaration.name) || ts.isObjectBindingPattern(declaration.name)) ? firstCall(declaration.initializer) : undefined;
  if (!call || call.arguments.length === 0 || call === tainted.call) return false;
  // The server-built GraphQL context passed along whole (`findAddressesByCustomerId(ctx, customer.id)`)
  // is neither: the other arguments decide, or, with no other, whether the callee reads the caller from it.
  const contexts = call.arguments.filter((argument) => isWholeAppContext(ctx, tainted, argument));
  const rest = call.arguments.filter((argument) => !contexts.includes(argument));
  if (ts.isIdentifier(declaration!.name) && rest.length > 0 && rest.every((argument) => mentionsPrincipal(ctx, tainted, argument, depth + 1, path))) return true;
  if (ts.isIdentifier(declaration!.name) && rest.length === 0 && readsCallerFromContext(ctx, call)) return true;
  // `const { program } = await getProgramEnrollmentOrThrow({ partnerId: partner.id, programId })`: what a
  // membership check keyed by the caller returns (it throws unless the caller's record exists) is the caller's.
  return call.arguments.some((argument) => mentionsPrincipal(ctx, tainted, argument, depth + 1, path)) && throwsUnlessFound(ctx, call, tainted.call);
}

/**
 * A GraphQL resolver's whole server-built context (`@Ctx() ctx: RequestContext`, `context`): it carries
 * the caller, the raw request and the server's services, while the operation's arguments come apart.
 */
function isWholeAppContext(ctx: AccessContext, tainted: TaintedCall, argument: ts.Expression): boolean {
  const value = skipOuterExpressions(argument);
  if (!ts.isIdentifier(value)) return false;
  let origin = tainted.originOf(value);
  if (origin.kind === 'unknown') {
    const file = ctx.modules.fileOf(value);
    if (file) origin = ctx.dataflow.originOutOfContext(value, file, tainted.route);
  }
  return origin.kind === 'tainted' && origin.taint.requestObject === 'app-context';
}

/**
 * A helper given only the GraphQL context that reads the caller from it and nothing the client sent
 * (`private getCustomerForOwner(ctx) { const userId = ctx.activeUserId; ... findOneByUserId(ctx, userId) }`):
 * what it returns is the caller's own record.
 */
function readsCallerFromContext(ctx: AccessContext, call: ts.CallExpression): boolean {
  const file = ctx.modules.fileOf(call);
  const target = file && resolveFunction(ctx.modules, file, call.expression);
  const body = target?.node.body;
  if (!target || !body) return false;
  const parameters = new Set(target.node.parameters.flatMap((parameter, index) => (index < call.arguments.length && ts.isIdentifier(parameter.name) ? [parameter.name.text] : [])));
  const model = REQUEST_OBJECTS['app-context'];
  let caller = false;
  let input = false;
  walkDescendants(body, (node) => {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && parameters.has(node.expression.text)) {
      const property = node.name.text;
      if (isPrincipalMember(model, property)) caller = true;
      else if (Object.hasOwn(model.inputs, property) || Object.hasOwn(model.nested, property)) input = true;
    }
  });
  return caller && !input;
}

/**
 * A parameter of a helper on the lookup's path (`getCampaignOrThrow({ programId, campaignId })`),
 * read where the helper is called: the caller's own when what the call passes for it is
 * (`programId` from the caller's workspace). A lookup recorded in the caller's context has no
 * values for the helper's parameters, so they are judged at the call.
 */
function passedByCaller(ctx: AccessContext, tainted: TaintedCall, identifier: ts.Identifier, helper: ts.Node | undefined, depth: number, path: readonly PathFunction[], members: readonly string[] = []): boolean {
  if (!helper || !ts.isFunctionLike(helper)) return false;
  // `const { teamId, entryId } = params;` at the top of the helper: `teamId` is the member of the parameter.
  const unpacked = localDeclaration(identifier) ? unpackedParameterMember(identifier, helper) : undefined;
  if (unpacked) return passedByCaller(ctx, tainted, unpacked.parameter, helper, depth, path, [unpacked.member, ...members]);
  if (localDeclaration(identifier)) return false;
  if (!helper.parameters.some((parameter) => bindingNames(parameter.name).includes(identifier.text))) return false;
  for (const { call } of path) {
    if (!call || !ts.isCallExpression(call)) continue;
    const file = ctx.modules.fileOf(call);
    if (!file || resolveFunction(ctx.modules, file, call.expression)?.node !== helper) continue;
    const argument = argumentFor(call, helper, identifier.text);
    const passed = argument && passedMember(argument, members);
    if (passed && mentionsPrincipal(ctx, tainted, passed, depth + 1, path)) return true;
  }
  return false;
}

/**
 * `teamId` of `const { teamId } = params` (or `const { team: teamId } = params`) where `params` is a
 * parameter of the helper, never reassigned there: that parameter and the member read off it.
 */
function unpackedParameterMember(identifier: ts.Identifier, helper: ts.SignatureDeclaration): { parameter: ts.Identifier; member: string } | undefined {
  const declaration = localDeclaration(identifier);
  const source = declaration?.initializer && skipOuterExpressions(declaration.initializer);
  if (!declaration || !source || !ts.isIdentifier(source) || !ts.isObjectBindingPattern(declaration.name) || enclosingFunction(declaration) !== helper) return undefined;
  if (!(ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const)) return undefined;
  const element = declaration.name.elements.find((candidate) => !candidate.dotDotDotToken && ts.isIdentifier(candidate.name) && candidate.name.text === identifier.text);
  const member = element && (element.propertyName ? propertyNameText(element.propertyName) : identifier.text);
  const isParameter = helper.parameters.some((parameter) => ts.isIdentifier(parameter.name) && parameter.name.text === source.text);
  return member && isParameter && !localDeclaration(source) ? { parameter: source, member } : undefined;
}

/** `command.integrationId` -> ['integrationId'], `input.where.id` -> ['where', 'id']: the members read off the root name. */
function memberPathFromRoot(node: ts.PropertyAccessExpression): string[] {
  const members: string[] = [];
  let current: ts.Expression = node;
  while (ts.isPropertyAccessExpression(current)) {
    members.unshift(current.name.text);
    current = current.expression;
  }
  return members;
}

/**
 * What a caller passes at a member of a parameter, as far as the object is built in place: for
 * `command.integrationId` in `execute(command)` called as
 * `execute(RemoveIntegrationCommand.create({ organizationId: user.organizationId, integrationId }))`
 * it is `integrationId`, which the client sent, not the whole command, whose other fields are the
 * caller's. A command factory (`X.create({...})`, `new X({...})`, `plainToInstance(X, {...})`) builds
 * the object from the one literal it is given. Where the object is not built in place, what was reached
 * stands for it; where a spread may hold the member, the (last) spread does; undefined when the literal lacks it.
 */
function passedMember(passed: ts.Expression, members: readonly string[]): ts.Expression | undefined {
  let current = passed;
  for (const name of members) {
    let value = skipOuterExpressions(current);
    if (ts.isIdentifier(value)) value = skipOuterExpressions(localInitializer(value) ?? value);
    if (ts.isCallExpression(value) || ts.isNewExpression(value)) {
      const literals = (value.arguments ?? []).map((argument) => skipOuterExpressions(argument)).filter(ts.isObjectLiteralExpression);
      if (literals.length === 1) value = literals[0]!;
    }
    if (!ts.isObjectLiteralExpression(value)) return current;
    const property = value.properties.find((candidate) => (ts.isPropertyAssignment(candidate) || ts.isShorthandPropertyAssignment(candidate)) && propertyNameText(candidate.name) === name);
    if (!property) {
      // `{ teamId: ctx.teamId, ...input }` read for `entryId`: the spread stands for it, not the caller's fields beside it.
      const spreads = value.properties.filter(ts.isSpreadAssignment);
      return spreads.length > 0 ? spreads[spreads.length - 1]!.expression : undefined;
    }
    current = ts.isPropertyAssignment(property) ? property.initializer : (property as ts.ShorthandPropertyAssignment).name;
  }
  return current;
}

function rootIdentifierOf(node: ts.PropertyAccessExpression): ts.Identifier | undefined {
  let current: ts.Expression = node;
  while (ts.isPropertyAccessExpression(current)) current = current.expression;
  return ts.isIdentifier(current) ? current : undefined;
}

/**
 * A guard or middleware on the route that (by its body) loads the object and compares it with the
 * principal: strong evidence. Only its name saying so: 'name-only' (the finding drops to medium).
 */
export function routeObjectGuard(ctx: AccessContext, route: Route): { middleware: RouteMiddleware; strength: 'strong' | 'name-only' } | undefined {
  for (const middleware of route.middleware) {
    if (middleware.kind === 'role' || middleware.kind === 'rate-limit' || middleware.kind === 'validation') continue;
    // The callee's own name: morgan('combined', { stream: accessLogStream }) is not an access check.
    const calleeName = middleware.name.replace(/^@?UseGuards\(/, '').split('(')[0]!;
    if (BROWSER_POLICY.test(calleeName)) continue;
    if (route.kind === 'graphql' && argumentCheckingFunction(ctx, middleware)) return { middleware, strength: 'strong' };
    if (middleware.kind === 'auth' && !/owner|polic|permission|loadAndAuthorize/i.test(middleware.name)) continue;
    const named = OBJECT_GUARD_NAME.test(calleeName);
    // A guard class that extends another project guard (`FileSecurityGuard extends ShareSecurityGuard`)
    // runs its checks too (`return super.canActivate(context)`): read them together.
    const body = middlewareDeclarations(ctx, route, middleware).map((node) => node.getText(node.getSourceFile())).join('\n') || undefined;
    // The guard reads the id the client sent (route params; GraphQL args through `getArgs()`), and
    // compares what it loads with the signed-in user or asks a policy: whatever its name, it checks the object.
    const readsId = body !== undefined && (OBJECT_ID_READ.test(body) || (route.kind === 'trpc' && RPC_INPUT_READ.test(body)));
    const strong =
      readsId &&
      mayStopRequest(body!) &&
      (((PRINCIPAL_TEXT.test(body!) || /\buser\b/.test(body!)) && (/[!=]==?/.test(body!) || /\b(?:can|enforce|authorize)\s*\(/.test(body!))) ||
        // Named for the check, it loads the object the client named and asserts on it (`bookmark.ensureOwnership()`).
        (named && callsAuthorizationCheck(body!)));
    if (!named && !strong) continue;
    return { middleware, strength: strong ? 'strong' : 'name-only' };
  }
  return undefined;
}

/**
 * A refusal written in the guard: a throw, a 401/403/404 answer, a `return false` verdict, a tRPC error code, an error
 * handed to `next(...)`, or a guard's `canActivate`, whose boolean answer is the verdict (`return member !== null`).
 */
const REFUSAL = /\bthrow\b|\bcanActivate\b|\bnext\s*\(\s*(?:new\s+\w+|createError\b|err\w*\s*\))|\b(?:status|sendStatus|code)\s*\(\s*40[134]\b|\bstatus(?:Code)?\s*[:=]\s*40[134]\b|\breturn\s+false\b|\bcode\s*:\s*['"`](?:FORBIDDEN|NOT_FOUND|UNAUTHORIZED)['"`]|\b(?:forbidden|notFound|unauthorized)\s*\(/i;
/** A call made for its effect on a line of its own (`await assertCanEdit(user, input.id)`), which may throw: not `next()` or a log. */
const EFFECT_CALL = /^\s*(?:await\s+)?(?!(?:if|for|while|switch|catch|return|function|next|opts\.next|console\.\w+|log\w*|logger\.\w+)\s*\()[\w$.]+\s*\(/m;

/**
 * Whether a guard's code can turn the request away: a refusal of its own or a call that may throw. A
 * middleware that reads the input and the caller only to adjust the input (`input.browsingLevel &= allowed`)
 * and always goes on checks no record, however much it compares.
 */
function mayStopRequest(body: string): boolean {
  return REFUSAL.test(body) || EFFECT_CALL.test(body);
}

/** The names a declaration binds to loads: `const order = await load(id)`, the first row (`const [row] = await query`), or each element of `await Promise.all([...])`. */
/** A load whose call is given one of these names (`caDAL.findById(caId)`, `find({ id: caId })`, `findById(cert.caId)`). */
function loadedByKey(initializer: ts.Expression, keyNames: ReadonlySet<string>): boolean {
  const call = firstCall(initializer);
  if (!call) return false;
  const used = new Set<string>();
  for (const argument of call.arguments) collectIdentifiers(argument, used);
  return [...used].some((name) => keyNames.has(name));
}

function boundLoads(name: ts.BindingName, initializer: ts.Expression): Array<[string, ts.Expression]> {
  if (ts.isIdentifier(name)) return [[name.text, initializer]];
  // `const { permission } = await permissionService.getProjectPermission(actor, actorId, secret.projectId)`:
  // each member taken out of one call's result is what that call loaded.
  if (ts.isObjectBindingPattern(name)) {
    return name.elements.flatMap((element): Array<[string, ts.Expression]> => (!element.dotDotDotToken && ts.isIdentifier(element.name) ? [[element.name.text, initializer]] : []));
  }
  if (!ts.isArrayBindingPattern(name)) return [];
  let value = skipOuterExpressions(initializer);
  if (ts.isAwaitExpression(value)) value = skipOuterExpressions(value.expression);
  const all = ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && value.expression.getText() === 'Promise.all' ? skipOuterExpressions(value.arguments[0] ?? value) : undefined;
  // `const [targetSession] = await db.select().from(session).where(...)`: the first row of one lookup.
  const first = name.elements[0];
  if (!all && first && ts.isBindingElement(first) && ts.isIdentifier(first.name) && !first.dotDotDotToken) return [[first.name.text, initializer]];
  if (!all || !ts.isArrayLiteralExpression(all)) return [];
  const loads: Array<[string, ts.Expression]> = [];
  name.elements.forEach((element, index) => {
    const item = all.elements[index];
    if (ts.isBindingElement(element) && ts.isIdentifier(element.name) && !element.dotDotDotToken && item && !ts.isSpreadElement(item)) loads.push([element.name.text, item]);
  });
  return loads;
}

/**
 * An authenticated route's whole context handed on: a tRPC procedure's (`List.fromId(ctx, input.listId)`)
 * or a GraphQL resolver's context parameter (`canReject(transaction, undefined, req)`). It carries the
 * signed-in user (`ctx.user`, `req.remoteUser`), so a helper given it can key a lookup by the caller or
 * decide whether the caller may act.
 */
function isCallerContext(route: Route, argument: ts.Expression): boolean {
  if (route.auth !== 'authenticated') return false;
  const value = skipOuterExpressions(argument);
  if (route.kind === 'trpc') return /^(?:ctx|context|opts\.ctx)$/.test(value.getText());
  if (route.kind !== 'graphql' || !ts.isIdentifier(value) || !route.handler) return false;
  const handler = route.handler.node;
  const contextParameter = handler.parameters[(route.argsParameter ?? 1) + 1];
  return contextParameter !== undefined && ts.isIdentifier(contextParameter.name) && contextParameter.name.text === value.text && enclosingFunction(value) === handler;
}

function callsAuthorizationCheck(code: string): boolean {
  for (const match of code.matchAll(CALLED_NAME)) if (AUTHORIZATION_CALL.test(match[1]!)) return true;
  return false;
}

/**
 * A GraphQL permission function written where the middleware is (Pothos `authScopes(_, { id }, { user }) {...}`,
 * a graphql-shield rule's inline function): it takes the operation's arguments second, reads one of
 * them, and compares what it loads with the caller or asks an authorization function.
 */
function argumentCheckingFunction(ctx: AccessContext, middleware: RouteMiddleware): boolean {
  const file = fileWithPath(ctx.sourceFiles, middleware.file);
  if (!file) return false;
  const sourceFile = file.sourceFile;
  let found: ts.SignatureDeclaration & { body?: ts.Node } | undefined;
  const lineStart = sourceFile.getLineStarts()[middleware.line - 1];
  const lineEnd = sourceFile.getLineStarts()[middleware.line] ?? sourceFile.end;
  if (lineStart === undefined) return false;
  const visit = (node: ts.Node): void => {
    if (found || node.end < lineStart || node.pos > lineEnd) return;
    const start = node.getStart(sourceFile);
    if ((ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node)) && start >= lineStart && start < lineEnd) {
      found = node;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  const args = found?.parameters[1];
  if (!found?.body || !args) return false;
  const argumentNames = bindingNames(args.name);
  const body = found.body.getText(sourceFile);
  const readsArgument = [...argumentNames].some((name) => mentionsName(body, name));
  const comparesCaller = (PRINCIPAL_TEXT.test(body) || /\buser\b/.test(body)) && (/[!=]==?/.test(body) || /\b(?:can\w*|enforce|authorize\w*|\w*[Pp]ermission\w*|\w*Access\w*)\s*\(/.test(body));
  return readsArgument && comparesCaller;
}

/**
 * The operation arguments or route parameters a role guard reads to find the object the role is
 * held on, when it then checks the caller against that object: `const { teamID } = ctx.getArgs();
 * const member = await getTeamMember(teamID, user.uid); ... requireRoles.includes(member.role)`.
 * Such a guard checks membership of the object the client names, not an app-wide role: it covers
 * the lookups keyed by that argument, and says nothing of ids it never reads.
 */
export function membershipGuardArguments(ctx: AccessContext, route: Route, middleware: RouteMiddleware): Set<string> | undefined {
  const body = middlewareBody(ctx, route, middleware);
  if (!body || !(PRINCIPAL_TEXT.test(body) || /\buser\b/.test(body))) return undefined;
  const names = new Set<string>();
  for (const match of body.matchAll(/\{\s*([\w$\s,:]+?)\s*\}\s*=\s*[\w$.]*(?:getArgs\s*(?:<[^>]*>)?\s*\(\s*\)|\bparams\b)/g)) {
    for (const part of match[1]!.split(',')) {
      const name = part.split(':')[0]!.trim();
      if (name) names.add(name);
    }
  }
  for (const match of body.matchAll(/(?:getArgs\s*(?:<[^>]*>)?\s*\(\s*\)|\bparams)\s*(?:\?\.|\.)\s*([\w$]+)/g)) names.add(match[1]!);
  for (const name of rawInputFields(body)) names.add(name);
  return names.size > 0 ? names : undefined;
}

/**
 * The fields a tRPC middleware reads off the procedure's raw input (`const rawInput = await
 * getRawInput()`): `rawInput.projectId`, `rawInput['projectId']`, `'projectId' in rawInput`,
 * ramda's `has('projectId', rawInput)`. The middleware runs before every procedure built on it,
 * with whatever input the client sent.
 */
function rawInputFields(body: string): Set<string> {
  const fields = new Set<string>();
  for (const bound of body.matchAll(/\b(?:const|let)\s+([\w$]+)\s*=\s*\(?\s*(?:await\s+)?[\w$.]*\bgetRawInput\s*\(\s*\)/g)) {
    const name = bound[1]!.replace(/\$/g, '\\$');
    const reads = new RegExp(String.raw`\b${name}\s*(?:\?\.|\.)\s*([\w$]+)|\b${name}\s*(?:\?\.)?\[\s*['"\`]([\w$]+)['"\`]\s*\]|['"\`]([\w$]+)['"\`]\s*(?:,\s*${name}\s*\)|in\s+${name}\b)`, 'g');
    for (const match of body.matchAll(reads)) fields.add((match[1] ?? match[2] ?? match[3])!);
  }
  return fields;
}

/** A call that asks whether the caller may reach an object (`getProjectAccess(...)`, `isMember(...)`, `checkPermission(...)`), or a rejection for lack of it. */
const ACCESS_QUESTION = /\b\w*(?:Access|Member(?:ship)?|Permission)\w*\s*\(/;
const ACCESS_REFUSAL = /FORBIDDEN|Forbidden|\b403\b/;

/**
 * An authentication middleware that also checks the caller's access to the objects the input names
 * (tRPC `if (has('projectId', rawInput)) { const access = await getProjectAccess({ userId:
 * ctx.session.userId, projectId: rawInput.projectId }); if (!access) throw FORBIDDEN }`): the input
 * fields it checks. It covers lookups filtered by those fields, and says nothing of other ids.
 */
export function accessCheckedInputFields(ctx: AccessContext, route: Route, middleware: RouteMiddleware): Set<string> | undefined {
  const body = middlewareBody(ctx, route, middleware);
  if (!body || !(PRINCIPAL_TEXT.test(body) || /\buser\b/.test(body)) || !ACCESS_QUESTION.test(body) || !ACCESS_REFUSAL.test(body)) return undefined;
  const fields = rawInputFields(body);
  return fields.size > 0 ? fields : undefined;
}

function middlewareBody(ctx: AccessContext, route: Route, middleware: RouteMiddleware): string | undefined {
  const node = middlewareDeclaration(ctx, route, middleware);
  return node?.getText(node.getSourceFile());
}

function middlewareDeclaration(ctx: AccessContext, route: Route, middleware: RouteMiddleware): ts.Node | undefined {
  const identifier = /^@?([A-Za-z_$][\w$]*)/.exec(middleware.name.replace(/^UseGuards\(/, ''))?.[1];
  const file = fileWithPath(ctx.sourceFiles, middleware.file) ?? fileWithPath(ctx.sourceFiles, route.file);
  if (!identifier || !file) return undefined;
  const binding = ctx.modules.resolveName(file, identifier);
  if (!binding || binding.kind !== 'declaration') return undefined;
  return binding.node;
}

/**
 * The route parameters an object guard reads by name (`request.params.albumId`, `params['id']`,
 * `const { teamId } = req.params`, `hasOwnProperty.call(request.params, 'shareId')`, `req.param('id')`):
 * the objects whose ownership it can vouch for. Undefined when it reads them any other way (`params[key]`,
 * the whole `params` handed on), or reads none: then which object it checks is not known from here.
 */
export function guardReadParams(ctx: AccessContext, route: Route, middleware: RouteMiddleware): ReadonlySet<string> | undefined {
  const declarations = middlewareDeclarations(ctx, route, middleware);
  if (declarations.length === 0) return undefined;
  const names = new Set<string>();
  let opaque = false;
  const literal = (node: ts.Node | undefined): string | undefined => {
    const value = node && ts.isExpression(node) ? skipOuterExpressions(node) : undefined;
    return value && ts.isStringLiteralLike(value) ? value.text : undefined;
  };
  const visit = (node: ts.Node): void => {
    if (opaque) return;
    // `req.param('id')` (Express 4).
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'param') {
      const name = literal(node.arguments[0]);
      if (name === undefined) opaque = true;
      else names.add(name);
    }
    const isParams = (ts.isPropertyAccessExpression(node) && node.name.text === 'params') || (ts.isIdentifier(node) && node.text === 'params' && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node));
    if (isParams && !isDeclaredName(node)) {
      const read = paramsRead(node as ts.Expression, literal);
      if (read === undefined) opaque = true;
      else read.forEach((name) => names.add(name));
      return;
    }
    ts.forEachChild(node, visit);
  };
  declarations.forEach(visit);
  return opaque || names.size === 0 ? undefined : names;
}

/** A middleware's declaration and, for a guard class, the project classes it extends (nearest first). */
function middlewareDeclarations(ctx: AccessContext, route: Route, middleware: RouteMiddleware): ts.Node[] {
  const declaration = middlewareDeclaration(ctx, route, middleware);
  if (!declaration) return [];
  const found: ts.Node[] = [declaration];
  let current = ts.isClassLike(declaration) ? { file: ctx.modules.fileOf(declaration), node: declaration as ts.ClassLikeDeclaration } : undefined;
  for (let depth = 0; current?.file && depth < 4; depth++) {
    const base = baseClassOf(ctx.modules, current.file, current.node);
    if (!base) break;
    found.push(base.node);
    current = base;
  }
  return found;
}

function isDeclaredName(node: ts.Node): boolean {
  const parent = node.parent;
  return ts.isIdentifier(node) && (ts.isBindingElement(parent) || ts.isParameter(parent) || ts.isVariableDeclaration(parent)) && (parent as ts.NamedDeclaration).name === node;
}

/** The parameter names one read of a `params` bag takes, or undefined when the read takes it whole or by a computed key. */
function paramsRead(params: ts.Expression, literal: (node: ts.Node | undefined) => string | undefined): string[] | undefined {
  let node: ts.Node = params;
  while (ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent) || ts.isNonNullExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if ((ts.isPropertyAccessExpression(parent) || ts.isPropertyAccessChain(parent)) && parent.expression === node) return [parent.name.text];
  if (ts.isElementAccessExpression(parent) && parent.expression === node) {
    const name = literal(parent.argumentExpression);
    return name === undefined ? undefined : [name];
  }
  // `const { albumId, id: legacyId } = request.params`
  if (ts.isVariableDeclaration(parent) && parent.initializer === node && ts.isObjectBindingPattern(parent.name)) {
    const names: string[] = [];
    for (const element of parent.name.elements) {
      const key = element.propertyName ? propertyNameText(element.propertyName) : ts.isIdentifier(element.name) ? element.name.text : undefined;
      if (element.dotDotDotToken || key === undefined) return undefined;
      names.push(key);
    }
    return names;
  }
  // `Object.prototype.hasOwnProperty.call(request.params, 'shareId')`, `Object.hasOwn(params, 'id')`, `'id' in params`.
  if (ts.isCallExpression(parent) && /(?:hasOwnProperty\.call|Object\.hasOwn)$/.test(parent.expression.getText())) {
    const name = literal(parent.arguments[parent.arguments.indexOf(node as ts.Expression) + 1]);
    return name === undefined ? undefined : [name];
  }
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.InKeyword && parent.right === node) {
    const name = literal(parent.left);
    return name === undefined ? undefined : [name];
  }
  return undefined;
}

// The record inside a data access's response: DynamoDB `Item`/`Items`/`Attributes`, a driver's `rows`, an HTTP-style `data`.
const RESPONSE_RECORD = /^(?:Item|Items|Attributes|rows|data)$/;

/** `const order = await call()` / `order = await call()` / `const { order } = ...`: the names bound to a call's result. */
/** The first call in an initializer, through `await` and parentheses. */
/** `flag ? await load(...) : null`: the branch that makes a call, else the expression itself. */
function loadingBranch(expression: ts.Expression): ts.Expression {
  const value = skipOuterExpressions(expression);
  if (!ts.isConditionalExpression(value)) return expression;
  if (firstCall(value.whenTrue)) return value.whenTrue;
  return firstCall(value.whenFalse) ? value.whenFalse : expression;
}

function firstCall(expression: ts.Expression): ts.CallExpression | undefined {
  let current: ts.Expression = expression;
  while (ts.isAwaitExpression(current) || ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isNonNullExpression(current)) current = current.expression;
  return ts.isCallExpression(current) ? current : undefined;
}

/** The arguments of every call of a builder chain: `knex('members').where({ org_id, user_id }).first()`. */
function chainArguments(call: ts.CallExpression): ts.Expression[] {
  const found: ts.Expression[] = [];
  for (let current: ts.Expression = call; ; ) {
    current = skipOuterExpressions(current);
    if (ts.isCallExpression(current)) {
      // `.where(and(...filters))`, `findFirst({ where: and(...conditions) })`: the conditions the locals hold are what the lookup is given.
      found.push(...current.arguments, ...current.arguments.flatMap(heldConditionsWithin));
      current = current.expression;
    } else if (ts.isPropertyAccessExpression(current)) current = current.expression;
    else return found;
  }
}

function resultVariable(call: ts.Node): string[] | undefined {
  let node: ts.Node = call;
  for (;;) {
    const parent = node.parent;
    if (parent && (ts.isAwaitExpression(parent) || ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent) || ts.isNonNullExpression(parent))) node = parent;
    // `(await docClient.get(params).promise()).Item`: the SDK's promise, and the record inside the response.
    else if (parent && ts.isPropertyAccessExpression(parent) && parent.expression === node && parent.name.text === 'promise' && ts.isCallExpression(parent.parent) && parent.parent.arguments.length === 0) node = parent.parent;
    else if (parent && ts.isPropertyAccessExpression(parent) && parent.expression === node && RESPONSE_RECORD.test(parent.name.text)) node = parent;
    // `collection = collectionId ? await Collection.findByPk(collectionId) : document.collection`: one of the values bound.
    else if (parent && ts.isConditionalExpression(parent) && parent.condition !== node) node = parent;
    else break;
  }
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent) && parent.initializer === node) return bindingNames(parent.name);
  if (parent && ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(parent.left)) return [parent.left.text];
  // `const [source, target] = await Promise.all([findUnique(...), findUnique(...)])`: the name at the lookup's place.
  if (parent && ts.isArrayLiteralExpression(parent)) {
    const declaration = promiseAllDeclaration(parent);
    const loads = declaration ? boundLoads(declaration.name, declaration.initializer!) : [];
    const own = loads.find(([, item]) => skipOuterExpressions(item) === skipOuterExpressions(node as ts.Expression));
    if (own) return [own[0]];
  }
  return callbackResult(call);
}

/** The declaration `const [a, b] = await Promise.all([...])` whose array literal this is. */
function promiseAllDeclaration(array: ts.ArrayLiteralExpression): ts.VariableDeclaration | undefined {
  const call = array.parent;
  if (!call || !ts.isCallExpression(call) || call.arguments[0] !== array) return undefined;
  let node: ts.Node = call;
  while (node.parent && (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent))) node = node.parent;
  return node.parent && ts.isVariableDeclaration(node.parent) && node.parent.initializer === node && ts.isArrayBindingPattern(node.parent.name) ? node.parent : undefined;
}

// The first parameter of a Node-style callback: the error, never the result.
const ERROR_PARAMETER = /^(?:err|error|e|ex|er|error_?\w*|\w*Err(?:or)?)$/;
// Query-builder steps between a lookup and the call that hands its result to a callback (`.lean().exec(cb)`).
const QUERY_CHAIN_STEP = /^(?:exec|lean|select|populate|sort|limit|skip|then|toArray|session|collation|hint|setOptions)$/;

/**
 * The record a lookup hands to a callback instead of returning it: the second parameter of a
 * Node-style callback (`Model.findById(id, function (err, doc) {...})`, `.exec((err, doc) => ...)`,
 * the style of callback-era Mongoose and MongoDB code) or the parameter of a `.then(doc => ...)`.
 */
function callbackResult(call: ts.Node): string[] | undefined {
  let node: ts.Node = call;
  for (let steps = 0; steps < 5; steps++) {
    if (ts.isCallExpression(node)) {
      const last = node.arguments.at(-1);
      const callee = skipOuterExpressions(node.expression);
      const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      if (last && (ts.isFunctionExpression(last) || ts.isArrowFunction(last))) {
        const [first, second] = last.parameters;
        if (method === 'then' && first) return bindingNames(first.name);
        if (first && second && ts.isIdentifier(first.name) && ERROR_PARAMETER.test(first.name.text)) return bindingNames(second.name);
        return undefined;
      }
    }
    const parent = node.parent;
    if (!parent || !ts.isPropertyAccessExpression(parent) || parent.expression !== node || !QUERY_CHAIN_STEP.test(parent.name.text)) return undefined;
    const next = parent.parent;
    if (!next || !ts.isCallExpression(next) || next.expression !== parent) return undefined;
    node = next;
  }
  return undefined;
}

/**
 * A lookup inside a callback given to another call (a cache's `swr(key, loader)`, `wrap`, a
 * transaction), when the callback returns the record, or a value built from it (`return { key: row }`):
 * the names the outer call's result is bound to. One callback level per hop, up to two.
 */
function carriedResultVariable(lookup: ts.Node, lookupNames: readonly string[], depth = 0): string[] | undefined {
  if (depth > 1) return undefined;
  let fn: ts.Node | undefined = lookup.parent;
  while (fn && !ts.isFunctionLike(fn)) fn = fn.parent;
  if (!fn || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) return undefined;
  const outer = fn.parent;
  if (!outer || !ts.isCallExpression(outer) || !outer.arguments.includes(fn)) return undefined;
  const carries = (returned: ts.Expression): boolean => {
    if (returned.pos <= lookup.pos && lookup.end <= returned.end) return true;
    let hit = false;
    const visit = (node: ts.Node): void => {
      if (hit) return;
      if (ts.isIdentifier(node) && lookupNames.includes(node.text) && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) && !(ts.isPropertyAssignment(node.parent) && node.parent.name === node)) hit = true;
      else ts.forEachChild(node, visit);
    };
    visit(returned);
    return hit;
  };
  if (!returnedExpressions(fn.body).some(carries)) return undefined;
  const bound = resultVariable(outer);
  return bound ?? carriedResultVariable(outer, [], depth + 1);
}

function enclosingCall(node: ts.Node): ts.CallExpression | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isCallExpression(current)) return current;
    if (ts.isFunctionLike(current) || ts.isBlock(current)) return undefined;
  }
  return undefined;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

// The request object itself: every check of the request (`if (!req.user)`) mentions it, so it names no key.
export const REQUEST_OBJECT_NAME = /^(?:req|request|ctx|c|context|event)$/;

// A field named only `id`: every record has one, so a bare `id` elsewhere is no name of this key.
const GENERIC_ID = /^(?:id|_id|ID|Id|uuid)$/;

/**
 * The names a key goes by: `orderId` for `orderId` or `req.params.orderId`; `dto` and `orderId` for
 * `dto.orderId` (the object passed whole carries it; the field is its own name once read out).
 */
export function collectIdentifiers(node: ts.Node, names: Set<string>): void {
  if (ts.isIdentifier(node)) {
    if (!REQUEST_OBJECT_NAME.test(node.text)) names.add(node.text);
  } else if (ts.isPropertyAccessExpression(node)) {
    if (/(?:^|\.)(?:params|query|body)$/.test(node.expression.getText())) names.add(node.name.text);
    else {
      // `dto.orderId`, an RPC procedure's `input.organizationId`: the field names the value as a destructured
      // `{ organizationId }` would, and the holder stays (a check handed the whole object covers it).
      if (ts.isIdentifier(skipOuterExpressions(node.expression)) && !REQUEST_OBJECT_NAME.test((skipOuterExpressions(node.expression) as ts.Identifier).text) && !GENERIC_ID.test(node.name.text)) names.add(node.name.text);
      collectIdentifiers(node.expression, names);
    }
  } else if (ts.isCallExpression(node) && /\.(?:param|query)$/.test(node.expression.getText()) && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
    names.add(node.arguments[0].text); // hono c.req.param('id')
  } else ts.forEachChild(node, (child) => collectIdentifiers(child, names));
}

/**
 * Names of the key that hold more than the key: an object it is read out of on the path
 * (`params.presetId`, `input.presetId`, `const { presetId } = params`). Route params, a tRPC input
 * or GraphQL args hold every id of the request; a check of one of their fields checks that field.
 */
function keyContainers(path: readonly PathFunction[], access: ts.Node, names: ReadonlySet<string>): { containers: Set<string>; keyFields: Set<string> } {
  const containers = new Set<string>();
  // The fields of a container the lookup reads itself (`where: { id: input.id }`): the key, under a name too generic for `names`.
  const keyFields = new Set<string>();
  walkDescendants(access, (node) => {
    if (!ts.isPropertyAccessExpression(node)) return;
    const object = skipOuterExpressions(node.expression);
    if (ts.isIdentifier(object) && names.has(object.text) && GENERIC_ID.test(node.name.text)) keyFields.add(node.name.text);
  });
  const note = (root: ts.Node): void =>
    walkDescendants(root, (node) => {
      if (ts.isPropertyAccessExpression(node)) {
        const object = skipOuterExpressions(node.expression);
        if (ts.isIdentifier(object) && object.text !== node.name.text && names.has(object.text) && (names.has(node.name.text) || keyFields.has(node.name.text))) containers.add(object.text);
      } else if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer) {
        const object = skipOuterExpressions(node.initializer);
        if (!ts.isIdentifier(object) || !names.has(object.text)) return;
        const fields = node.name.elements.map((element) => (element.propertyName ? propertyNameText(element.propertyName) : ts.isIdentifier(element.name) ? element.name.text : undefined));
        if (fields.some((field) => field !== undefined && field !== object.text && (names.has(field) || keyFields.has(field)))) containers.add(object.text);
      }
    });
  for (const { fn } of path) if (fn.body) note(fn.body);
  note(access);
  return { containers, keyFields };
}

/** A name for an id (`segmentWorkspaceId`, `orgId`, `team_id`): what a helper that answers with the record's parent hands back. */
const PARENT_ID_NAME = /[a-z0-9](?:Id|ID|_id)$/;

/**
 * The values a loaded record's field is held to before the record goes on: `if (credentials?.workspaceId
 * !== workspaceId) return null`, `if (record.teamId != teamId) throw ...`. Returns the names compared
 * with (`workspaceId`); a comparison with the principal is the ownership check itself, found elsewhere.
 */
function parentsComparedWithRecord(body: ts.Node, records: ReadonlySet<string>, at?: Map<string, ts.Node>): string[] {
  const parents: string[] = [];
  const recordField = (node: ts.Expression): boolean => {
    const value = skipOuterExpressions(node);
    if (ts.isPropertyAccessExpression(value) && ts.isIdentifier(skipOuterExpressions(value.expression)) && records.has((skipOuterExpressions(value.expression) as ts.Identifier).text)) return true;
    // `const segmentWorkspaceId = await getWorkspaceIdFromSegmentId(input.segmentId)`: a helper that hands back
    // the record's parent id, compared whole (`if (surveyWorkspaceId !== segmentWorkspaceId) throw`).
    return ts.isIdentifier(value) && records.has(value.text) && PARENT_ID_NAME.test(value.text);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isIfStatement(node) && stopsWhenTrue(node)) {
      for (const part of disjunctsOf(node.expression)) {
        const value = skipOuterExpressions(part);
        if (!ts.isBinaryExpression(value) || !/^!==?$/.test(value.operatorToken.getText())) continue;
        const [left, right] = [skipOuterExpressions(value.left), skipOuterExpressions(value.right)];
        // The other side by its name: `projectId`, or the field of `input.projectId` (a request value).
        const other = recordField(left) ? right : recordField(right) ? left : undefined;
        const parent = other && ts.isIdentifier(other) ? other.text : other && ts.isPropertyAccessExpression(other) && !recordField(other) ? other.name.text : undefined;
        if (parent === undefined) continue;
        parents.push(parent);
        if (at && !at.has(parent)) at.set(parent, node.expression);
      }
    }
    if (!ts.isFunctionLike(node)) ts.forEachChild(node, visit);
  };
  if (ts.isIfStatement(body)) visit(body);
  else ts.forEachChild(body, visit);
  return parents;
}

/** `!check(...)`, `!(await check(...))`: the call an exiting condition negates. */
function negatedCall(condition: ts.Expression): ts.CallExpression | undefined {
  const value = skipOuterExpressions(condition);
  if (!ts.isPrefixUnaryExpression(value) || value.operator !== ts.SyntaxKind.ExclamationToken) return undefined;
  let operand = skipOuterExpressions(value.operand);
  if (ts.isAwaitExpression(operand)) operand = skipOuterExpressions(operand.expression);
  return ts.isCallExpression(operand) ? operand : undefined;
}

/**
 * A branch (an `if`'s then or else, a `case`) that does not hold `point` and always leaves the function
 * (its last statement returns or throws): the code in it never runs on the way to `point`.
 */
function endsBeforeReaching(node: ts.Node, point: ts.Node): boolean {
  const branch = ts.isIfStatement(node.parent) && (node.parent.thenStatement === node || node.parent.elseStatement === node) ? node : ts.isCaseClause(node) || ts.isDefaultClause(node) ? node : undefined;
  if (!branch || (branch.getSourceFile() === point.getSourceFile() && branch.pos <= point.pos && point.end <= branch.end)) return false;
  const statements = ts.isBlock(branch) ? branch.statements : ts.isCaseClause(branch) || ts.isDefaultClause(branch) ? branch.statements : [branch as ts.Statement];
  const last = statements[statements.length - 1];
  return last !== undefined && (ts.isReturnStatement(last) || ts.isThrowStatement(last));
}

/**
 * The condition of a conditional, an `if` or an `&&` whose taken side (the `?` branch, the then-branch,
 * the right operand) holds `point`: `point` runs only when it holds.
 */
function guardedBranchHolding(node: ts.Node, point: ts.Node): ts.Expression | undefined {
  const holds = (branch: ts.Node | undefined): boolean => branch !== undefined && branch.getSourceFile() === point.getSourceFile() && branch.pos <= point.pos && point.end <= branch.end;
  if (ts.isConditionalExpression(node)) return holds(node.whenTrue) ? node.condition : undefined;
  if (ts.isIfStatement(node)) return holds(node.thenStatement) ? node.expression : undefined;
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) return holds(node.right) ? node.left : undefined;
  return undefined;
}

/** `existing`, `existing?.id`, `existing && existing.active`: a test that holds only when the record was found. */
/**
 * Every part of an exiting condition that names `name` only asks whether it is there (`existing`, `!!existing`,
 * `existing !== null`, `O.isSome(existing)`, `Boolean(existing)`): the branch runs when the lookup found a record.
 */
function exitsWhenPresent(condition: ts.Expression, name: string): boolean {
  const presence = (part: ts.Expression): boolean => {
    let value = skipOuterExpressions(part);
    while (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.ExclamationToken && ts.isPrefixUnaryExpression(skipOuterExpressions(value.operand)) && (skipOuterExpressions(value.operand) as ts.PrefixUnaryExpression).operator === ts.SyntaxKind.ExclamationToken) {
      value = skipOuterExpressions((skipOuterExpressions(value.operand) as ts.PrefixUnaryExpression).operand);
    }
    if (ts.isAwaitExpression(value)) value = skipOuterExpressions(value.expression);
    if (ts.isIdentifier(value)) return value.text === name;
    if (ts.isBinaryExpression(value) && /^!==?$/.test(value.operatorToken.getText())) {
      const [left, right] = [skipOuterExpressions(value.left), skipOuterExpressions(value.right)];
      const empty = (side: ts.Expression): boolean => side.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(side) && side.text === 'undefined');
      return (ts.isIdentifier(left) && left.text === name && empty(right)) || (ts.isIdentifier(right) && right.text === name && empty(left));
    }
    if (ts.isCallExpression(value) && value.arguments.length === 1 && /^(?:isSome|isRight|Boolean)$/.test(calleeName(value))) {
      const argument = skipOuterExpressions(value.arguments[0]!);
      return ts.isIdentifier(argument) && argument.text === name;
    }
    return false;
  };
  const parts = disjunctsOf(condition).flatMap((part) => conjunctsOf(part)).filter((part) => mentionsName(part.getText(), name));
  return parts.length > 0 && parts.every(presence);
}

function conjunctsOf(expression: ts.Expression): ts.Expression[] {
  const value = skipOuterExpressions(expression);
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) return [...conjunctsOf(value.left), ...conjunctsOf(value.right)];
  return [value];
}

function testsPresenceOf(condition: ts.Expression, name: string): boolean {
  const value = skipOuterExpressions(condition);
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) return testsPresenceOf(value.left, name) || testsPresenceOf(value.right, name);
  let root: ts.Expression = value;
  while (ts.isPropertyAccessExpression(root)) root = skipOuterExpressions(root.expression);
  return ts.isIdentifier(root) && root.text === name;
}

/** The declaration a call's result is bound to (`const credentials = await prisma.credentials.findFirst(...)`). */
function bindingDeclaration(call: ts.Node): ts.VariableDeclaration | undefined {
  let current = call;
  while (current.parent && (ts.isAwaitExpression(current.parent) || ts.isParenthesizedExpression(current.parent) || ts.isAsExpression(current.parent) || ts.isNonNullExpression(current.parent) || ts.isSatisfiesExpression(current.parent) || (ts.isPropertyAccessExpression(current.parent) && current.parent.expression === current) || (ts.isCallExpression(current.parent) && current.parent.expression === current))) current = current.parent;
  return ts.isVariableDeclaration(current.parent) && current.parent.initializer === current ? current.parent : undefined;
}

/**
 * The conditions a test joins with `&&`, `||` and `??` (negations looked through): the record and the
 * caller must meet in one of them. `'resultId' in props && !user` tests the input's shape and that
 * someone is signed in, side by side: it relates neither to the other.
 */
/**
 * A refusal `if (A && B && C) return 403` whose conjuncts compare the record with the caller and also test
 * the record's own state, apart from the caller (`!isManager && request.requestedBy.id !== user.id &&
 * request.status !== PENDING`): when the state test is false the whole condition is, and any caller goes
 * on, owner or not. Returns that state test; a test that only asks whether the record was found is none.
 */
function recordStateBypass(condition: ts.Expression, mentionsRecord: (node: ts.Node) => boolean, mentionsCaller: (node: ts.Expression) => boolean): string | undefined {
  const tests = conjuncts(condition);
  if (tests.length < 2) return undefined;
  const ownerTest = tests.some((conjunct) => mentionsRecord(conjunct) && mentionsCaller(conjunct));
  const stateTest = tests.find((conjunct) => {
    if (!mentionsRecord(conjunct) || mentionsCaller(conjunct)) return false;
    // `!record`, `record == null`, `record && ...`: whether it was found, not what state it is in.
    let value: ts.Expression = conjunct;
    while (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.ExclamationToken) value = skipOuterExpressions(value.operand);
    if (ts.isIdentifier(value)) return false;
    if (ts.isBinaryExpression(value) && [value.left, value.right].some((side) => isNullish(skipOuterExpressions(side))) && [value.left, value.right].some((side) => ts.isIdentifier(skipOuterExpressions(side)))) return false;
    return true;
  });
  return ownerTest && stateTest ? oneLine(stateTest.getText()) : undefined;
}

function isNullish(expression: ts.Expression): boolean {
  return expression.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(expression) && expression.text === 'undefined');
}

function operandsOf(expression: ts.Expression): ts.Expression[] {
  const value = skipOuterExpressions(expression);
  if (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.ExclamationToken) return operandsOf(value.operand);
  if (ts.isBinaryExpression(value) && (value.operatorToken.kind === ts.SyntaxKind.BarBarToken || value.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken || value.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) {
    return [...operandsOf(value.left), ...operandsOf(value.right)];
  }
  return [value];
}

/**
 * The input of `checkedInputs` a load is given (`getCollection(collectionID)`, `findById(args.collectionID)`,
 * `findUnique({ where: { id: folderID } })`): the record it loads is one the guard vouches for.
 */
function checkedInputArgument(args: readonly ts.Expression[], checkedInputs: ReadonlyMap<string, string>): string | undefined {
  let found: string | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    // Values only: the filter's own field names (`id` of `{ id: folderID }`) are not inputs.
    // A member counts only read off the operation's arguments (`args.collectionID`), not off a record (`request.collectionID`).
    const member = ts.isPropertyAccessExpression(node.parent) && node.parent.name === node;
    if (ts.isIdentifier(node) && checkedInputs.has(node.text) && !(ts.isPropertyAssignment(node.parent) && node.parent.name === node) && (!member || ARGUMENTS_HOLDER.test((node.parent as ts.PropertyAccessExpression).expression.getText()))) found = node.text;
    else if (!ts.isFunctionLike(node)) ts.forEachChild(node, visit);
  };
  for (const argument of withLocalFilterObjects(args)) visit(argument);
  return found;
}

/** Objects that hold an operation's arguments or a route's inputs: `args`, `input`, `dto`, `req.params`, `body`. */
const ARGUMENTS_HOLDER = /^(?:args|arguments|input|dto|data|payload|variables)$|(?:^|\.)(?:params|query|body)$/;

/** The identifier a member chain starts from: `collection` of `collection.right.teamID`, `record!.workspaceId`. */
function chainRoot(expression: ts.Expression): ts.Identifier | undefined {
  let value = skipOuterExpressions(expression);
  while (ts.isPropertyAccessExpression(value) || ts.isElementAccessExpression(value) || ts.isNonNullExpression(value)) value = skipOuterExpressions(value.expression);
  return ts.isIdentifier(value) ? value : undefined;
}

/**
 * In an exiting condition, a disjunct `a.x !== b.x` with one side a field of a record the guard vouches for
 * (a `checkedLoads` local) and the other a field of the record in question (`aboutRecord`): that record and the input.
 */
function comparedWithCheckedRecord(condition: ts.Expression, checkedLoads: ReadonlyMap<string, string>, aboutRecord: (operand: ts.Expression) => boolean): { record: string; input: string } | undefined {
  for (const part of disjunctsOf(condition)) {
    const value = skipOuterExpressions(part);
    if (!ts.isBinaryExpression(value) || !/^!==?$/.test(value.operatorToken.getText())) continue;
    for (const [mine, theirs] of [[value.left, value.right], [value.right, value.left]] as const) {
      const root = chainRoot(mine);
      // A field of the checked record, not the record itself (`collection !== other` compares identities).
      if (!root || skipOuterExpressions(mine) === root || !checkedLoads.has(root.text)) continue;
      const otherRoot = chainRoot(theirs);
      if (!otherRoot || otherRoot.text === root.text || skipOuterExpressions(theirs) === otherRoot || !aboutRecord(theirs)) continue;
      return { record: root.text, input: checkedLoads.get(root.text)! };
    }
  }
  return undefined;
}

function disjunctsOf(expression: ts.Expression): ts.Expression[] {
  const value = skipOuterExpressions(expression);
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.BarBarToken) return [...disjunctsOf(value.left), ...disjunctsOf(value.right)];
  return [value];
}

/**
 * A lookup's arguments with the objects they name by a local: `const where = { id_emailAccountId: { id:
 * channelId, emailAccountId } }; findUnique({ where, select })`, or `findFirst(filter)`. The filter written
 * into a local first is the same filter: read as if it were inline.
 */
function withLocalFilterObjects(args: readonly ts.Expression[]): ts.Expression[] {
  const expanded = [...args];
  const addLocalObject = (identifier: ts.Identifier): void => {
    const initializer = localInitializer(identifier);
    if (initializer && ts.isObjectLiteralExpression(initializer)) expanded.push(initializer);
  };
  for (const argument of args) {
    const value = skipOuterExpressions(argument);
    if (ts.isIdentifier(value)) addLocalObject(value);
    else if (ts.isObjectLiteralExpression(value)) {
      for (const property of value.properties) {
        if (ts.isShorthandPropertyAssignment(property)) addLocalObject(property.name);
        else if (ts.isPropertyAssignment(property)) {
          const member = skipOuterExpressions(property.initializer);
          if (ts.isIdentifier(member)) addLocalObject(member);
        }
      }
    }
  }
  return expanded;
}

