import { ts } from '#typescript';
import { routeRef, type TraceStep } from '../types.js';
import { isCapabilityKey, isPresentedCredential, isShareLinkId, isWriteAccess, lookupAccessOf, lookupFacts } from '../engine/access/lookup-keys.js';
import type { RuleContext } from '../engine/rule-api.js';
import { segmentWords } from '../engine/routes/public-by-design.js';
import { defineRule } from './define-rule.js';
import { exitsWhenMissing } from './utils/exits-when-missing.js';
import { callerBoundReceiver } from './utils/caller-bound-service.js';
import { pathFunctions } from '../engine/access/ownership-evidence.js';
import { localConstInitializer, resolveFunction, type ResolvedFunction } from '../engine/names/index.js';
import { inHandlerAuthentication, principalReadIn } from '../engine/routes/handler-evidence.js';
import { CALLER_HOLDER, CALLER_PERMISSION_PREDICATE, PRINCIPAL_READS } from '../models/auth.js';
import { walkDescendants } from '../engine/ast/file-index.js';
import { nodeAtStep } from '../engine/ast/trace-nodes.js';
import { enclosingFunction, exitsEarly, propertyNameText, skipOuterExpressions } from '../engine/ast/syntax.js';
import type { TaintedCall } from '../engine/dataflow/engine.js';
import { reachedFrom } from './utils/tainted-sink.js';
import {
  accessTrace,
  describeAccess,
  MUTATING_METHODS,
  routeFacts,
  routeSpan,
  modelSubject,
  SENSITIVE_MODEL,
  SENSITIVE_SEGMENT,
  type RouteFacts,
} from './utils/route-facts.js';

// A webhook path: open on purpose only when it proves its sender (the route engine checks the signature).
const WEBHOOK_SEGMENT = /^(?:webhooks?|hooks?|stripe|github|slack|twilio|svix|clerk|paddle)$/;
/** Records about people: reading them without authentication is a breach of personal data. */
const PERSONAL_MODEL =
  /^(?:users?|accounts?|customers?|patients?|profiles?|addresses|address|members?|memberships?|employees?|messages?|contacts?|sessions?|tokens?|credentials?|api_?keys?|payments?|cards?|wallets?|transactions?|invoices?|orders?|subscriptions?|appointments?|prescriptions?|medical\w*|records?)$/i;

export default defineRule({
  meta: {
    id: 'missing-authentication',
    title: 'Route reads or changes non-public data without authentication',
    severity: 'critical',
    confidence: 'medium',
    controls: {
      soc2: ['CC6.1', 'CC6.6'],
      owaspApi: ['API2:2023'],
      cwe: ['CWE-306'],
      pciDss: ['8.3.1', '7.2.1'],
      hipaa: ['164.312(d)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description:
        'Finds routes that read or change non-public data with no authentication at route, router, controller or app level, and no check in the handler.',
      remediation:
        'Put an authentication middleware or guard in front of the route (or its router/controller), or declare it in config auth.publicRoutes if it is public by design.',
    },
  },
  analyses: ['routes', 'dataflow'],
  check(ctx) {
    for (const route of ctx.routes) {
      const examined = { subject: 'entry point', name: route.id, file: route.file, line: route.line };
      if (route.auth === 'authenticated') {
        ctx.examined({ ...examined, outcome: 'passed', evidence: route.authEvidence.join('; ') || 'authenticated' });
        continue;
      }
      if (route.auth === 'unknown') {
        ctx.examined({ ...examined, outcome: 'undetermined', evidence: route.authEvidence.join('; ') || 'authentication cannot be determined' });
        continue;
      }
      if (route.publicByDesign) {
        ctx.examined({ ...examined, outcome: 'exempt', exemption: 'public by design', evidence: `public by design: ${route.publicByDesign}` });
        continue;
      }
      const facts = routeFacts(ctx, route);
      // `auth({ optional: true })` in front of a POST that writes nothing: an RPC-style read
      // (`documents.info`, `shares.info`) whose author chose to answer anonymous callers, as the
      // route engine already takes a GET behind optional sign-in to be. Whether an anonymous caller
      // may see the object it reads is the authorization rules' question, not this one.
      const optionalSignIn = route.middleware.find((middleware) => middleware.optionalAuthentication);
      if (optionalSignIn && facts.writes.length === 0) {
        ctx.examined({ ...examined, outcome: 'exempt', exemption: 'public by design', evidence: `optional sign-in: ${optionalSignIn.name} (${optionalSignIn.file}:${optionalSignIn.line}) lets anonymous callers in (${optionalSignIn.optionalAuthentication}), and the route writes nothing` });
        continue;
      }
      // Accesses made inside a callback of the handler's that signs the caller in first run for no anonymous caller.
      // Accesses the handler makes only when a check of the caller's permission held (`if (!this.settings.hasWritePermission(ctx, key)) return ...`).
      // Accesses made through a service the handler built with the caller's identity (`new ItemsService({ accountability: req.accountability })`):
      // the service decides what this caller, an anonymous one too, may do.
      const callerBound = new Map<RouteFacts['dataAccess'][number], string>();
      for (const access of facts.dataAccess) {
        const site = handlerCallSite(ctx, facts, access);
        const how = site && facts.handler ? callerBoundReceiver(ctx, route, site, facts.handler.file) : undefined;
        if (how) callerBound.set(access, how);
      }
      const open = (access: RouteFacts['dataAccess'][number]): boolean => !callerBound.has(access) && !behindSignInCallback(ctx, facts, access) && !behindPermissionCheck(ctx, facts, access);
      const verdict = judge({ ...facts, writes: facts.writes.filter(open), dataAccess: facts.dataAccess.filter(open) }, (access) => readsCallersOwnRecord(ctx, route, access));
      if (!verdict) {
        const delegated = [...new Set(callerBound.values())];
        if (delegated.length > 0) {
          ctx.examined({ ...examined, outcome: 'exempt', exemption: 'public by design', evidence: `public by design: what it reads and writes goes through ${delegated.slice(0, 3).join(', ')}, which decides what the caller may do` });
          continue;
        }
        ctx.examined({ ...examined, outcome: 'exempt', exemption: 'public, reaching no write and no sensitive data', evidence: 'public, and reaches no write and no sensitive data the scan can see' });
        continue;
      }
      // `declineLink({ token })`: a link's token the client sends, looked up before anything is read or
      // changed, the request ending when it matches nothing. Holding the link is the permission (its
      // strength, long, random and revocable, is missing-ownership-check's capability finding).
      const minted = mintedIdGate(ctx, facts, verdict.access);
      const gate = capabilityGate(ctx, facts, verdict.access) ?? storedTokenGate(ctx, facts) ?? minted?.exempt;
      if (gate) {
        ctx.examined({ ...examined, outcome: 'exempt', exemption: 'capability link', evidence: `public by design: ${gate}` });
        continue;
      }
      // In an app with no accounts the route's way in is the capability it checks; what is open is the record it
      // reaches by another id without tying it to that capability's.
      const message = minted?.note ? `${verdict.message} ${minted.note}` : verdict.message;
      ctx.examined({ ...examined, outcome: 'finding', evidence: message });
      ctx.report({
        file: route.file,
        ...routeSpan(ctx, route),
        message,
        // Critical only for writes and reads of personal data; an open read of other data is high.
        severity: verdict.write || verdict.personal ? 'critical' : 'high',
        confidence: verdict.confidence,
        route: routeRef(route),
        trace: accessTrace(facts, verdict.access, `${route.id}: ${route.authEvidence[0] ?? 'no authentication'}`),
      });
    }
  },
});

interface Verdict {
  message: string;
  write: boolean;
  /** It reads records about people (users, customers, messages, payments). */
  personal?: boolean;
  confidence: 'high' | 'medium' | 'low';
  access?: RouteFacts['dataAccess'][number];
}

/**
 * `UserModel.findByPk(await getUserId(req))`, `prisma.user.findUnique({ where: { id: session.user.id } })`: a read
 * keyed by who is calling finds nothing for an anonymous caller, so it exposes no one else's record (juice-shop's
 * chat tool reads the signed-in customer after `if (!userId) return`).
 */
function readsCallersOwnRecord(ctx: RuleContext, route: RouteFacts['route'], access: RouteFacts['dataAccess'][number]): boolean {
  const key = access.call.arguments[0];
  if (!key || access.operation !== 'read') return false;
  return ctx.dataflow.originOutOfContext(key, access.file, route).kind === 'principal';
}

/** The call in the handler's own body that leads to the access: the access itself, or the call of the first function on its way. */
function handlerCallSite(ctx: RuleContext, facts: RouteFacts, access: RouteFacts['dataAccess'][number]): ts.CallExpression | undefined {
  const handler = facts.handler;
  const body = handler?.node.body;
  if (!handler || !body || (access.file.path !== handler.file.path && access.via.length === 0)) return undefined;
  const first = access.via[0];
  let site: ts.CallExpression | undefined;
  walkDescendants(body, (node) => {
    if (site || !ts.isCallExpression(node)) return;
    if (node === access.call || (first !== undefined && resolveFunction(ctx.modules, handler.file, node.expression)?.name === first)) site = node;
  });
  return site;
}

/**
 * `new GoogleOAuthClient({ onConnect: async () => { const session = await getSession(); if (!session?.user) throw ...;
 * await saveOAuthCredentials(...) } })`: an access reached from a function written inside the handler (a callback
 * it hands a library) that checks the caller's session and stops without one, before the call that leads to it.
 */
function behindSignInCallback(ctx: RuleContext, facts: RouteFacts, access: RouteFacts['dataAccess'][number]): boolean {
  const handler = facts.handler;
  const site = handlerCallSite(ctx, facts, access);
  if (!handler || !site) return false;
  for (let fn = enclosingFunction(site); fn && fn !== handler.node; fn = enclosingFunction(fn.parent)) {
    const callback = { file: handler.file, node: fn as ResolvedFunction['node'], name: handler.name };
    if (callback.node.body && (inHandlerAuthentication(callback, ctx.modules) || stopsWithoutSession(callback, site))) return true;
  }
  return false;
}

/**
 * `if (!this.settingsStoreService.hasWritePermission(ctx, input.key)) return { error }; ... return this.settingsStoreService.set(...)`,
 * `const allowed = ctx.userHasPermissions(perms); if (!allowed) { ... } else { await save(...) }`: the handler's call
 * that leads to the access runs only when a predicate of the caller's permission (CALLER_PERMISSION_PREDICATE, given
 * or called on the context, the request or the user) held: after an `if` on its negation that exits, or inside the
 * branch where it holds. A caller without permissions, an anonymous one first, never reaches the access.
 */
function behindPermissionCheck(ctx: RuleContext, facts: RouteFacts, access: RouteFacts['dataAccess'][number]): boolean {
  const handler = facts.handler;
  const body = handler?.node.body;
  const site = handlerCallSite(ctx, facts, access);
  if (!handler || !body || !site) return false;
  const sourceFile = handler.node.getSourceFile();
  // Names bound to a predicate's answer in the handler (`const hasPermission = this.settings.hasWritePermission(ctx, key)`).
  const answers = new Set<string>();
  walkDescendants(body, (node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && isCallerPermissionCheck(node.initializer, sourceFile)) answers.add(node.name.text);
  });
  const holds = (condition: ts.Expression): boolean => {
    const value = skipOuterExpressions(condition);
    if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) return holds(value.left) || holds(value.right);
    return isCallerPermissionCheck(value, sourceFile) || (ts.isIdentifier(value) && answers.has(value.text) && !reassigned(body, value.text));
  };
  // True when the condition is true whenever the predicate failed (`!check(...)`, `!allowed || other`).
  const failsWithout = (condition: ts.Expression): boolean => {
    const value = skipOuterExpressions(condition);
    if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.BarBarToken) return failsWithout(value.left) || failsWithout(value.right);
    return ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.ExclamationToken && holds(value.operand);
  };
  for (let node: ts.Node = site; node !== body && node.parent; node = node.parent) {
    const parent = node.parent;
    if (ts.isFunctionLike(parent) && parent !== handler.node) return false;
    if (ts.isIfStatement(parent) && node !== parent.expression) {
      if (node === parent.thenStatement && holds(parent.expression)) return true;
      if (node === parent.elseStatement && failsWithout(parent.expression)) return true;
    }
    if (ts.isBlock(parent) || ts.isSourceFile(parent)) {
      for (const statement of parent.statements) {
        if (statement === node) break;
        if (ts.isIfStatement(statement) && !statement.elseStatement && failsWithout(statement.expression) && exitsEarly(statement.thenStatement)) return true;
      }
    }
  }
  return false;
}

/** `this.settings.hasWritePermission(ctx, key)`, `ctx.userHasPermissions(perms)`, `await can(user, 'edit')`: a permission predicate of the caller. */
function isCallerPermissionCheck(expression: ts.Expression, sourceFile: ts.SourceFile): boolean {
  let value = skipOuterExpressions(expression);
  if (ts.isAwaitExpression(value)) value = skipOuterExpressions(value.expression);
  if (!ts.isCallExpression(value)) return false;
  const callee = skipOuterExpressions(value.expression);
  const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
  if (!name || !CALLER_PERMISSION_PREDICATE.test(name)) return false;
  const root = (node: ts.Expression): string | undefined => {
    let current = skipOuterExpressions(node);
    while (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current) || ts.isCallExpression(current)) current = skipOuterExpressions(current.expression);
    return ts.isIdentifier(current) ? current.text : undefined;
  };
  const namesCaller = (node: ts.Expression): boolean => CALLER_HOLDER.test(root(node) ?? '') && !/^this\b/.test(node.getText(sourceFile));
  return value.arguments.some(namesCaller) || (ts.isPropertyAccessExpression(callee) && namesCaller(callee.expression));
}

function reassigned(body: ts.Node, name: string): boolean {
  let found = false;
  walkDescendants(body, (node) => {
    if (found) return false;
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(node.left) && node.left.text === name) found = true;
    return undefined;
  });
  return found;
}

/**
 * `const session = await getSession(); if (!session?.user) throw new Error('User not found')` before `site`: a
 * callback stops, whatever it throws, when the session it read has no caller (no HTTP answer to read here).
 */
function stopsWithoutSession(callback: ResolvedFunction, site: ts.Node): boolean {
  const body = callback.node.body;
  if (!body || !ts.isBlock(body)) return false;
  const sessions = new Set<string>();
  for (const statement of body.statements) {
    if (statement.pos <= site.pos && site.end <= statement.end) return false;
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.initializer && readsPrincipal(declaration.initializer.getText(callback.node.getSourceFile()))) sessions.add(declaration.name.text);
      }
    }
    if (!ts.isIfStatement(statement) || !exitsEarly(statement.thenStatement)) continue;
    const tested = /^!\s*([\w$]+)(?:\??\.(?:user|userId|id))*$/.exec(statement.expression.getText(callback.node.getSourceFile()).replace(/\s+/g, ''))?.[1];
    if (tested && sessions.has(tested)) return true;
  }
  return false;
}

/**
 * The fields of a person a public profile page shows (`select: { id: true, username: true, image: { select:
 * { url: true } } }`): a read that picks only these discloses nothing private, whoever asks.
 */
const PUBLIC_PROFILE_FIELD = /^(?:id|uuid|name|username|displayName|display_name|handle|slug|image|imageUrl|image_url|avatar|avatarUrl|avatar_url|picture|photo|profilePicture|url|objectKey|bio|about|website|location|createdAt|created_at|joinedAt)$/;

/**
 * A read of a person whose Prisma `select` lists only public profile fields (PUBLIC_PROFILE_FIELD), nested
 * selects of those fields included. A select that lists anything else (`email`, `notes`), or none, may disclose it.
 */
function selectsPublicProfile(access: RouteFacts['dataAccess'][number]): boolean {
  if (access.library !== 'prisma' || !access.model || !PERSONAL_MODEL.test(modelSubject(access.model))) return false;
  const options = access.call.arguments[0] && skipOuterExpressions(access.call.arguments[0]);
  if (!options || !ts.isObjectLiteralExpression(options)) return false;
  const onlyPublic = (select: ts.Expression): boolean => {
    const value = skipOuterExpressions(select);
    if (!ts.isObjectLiteralExpression(value) || value.properties.length === 0) return false;
    return value.properties.every((property) => {
      const name = property.name && propertyNameText(property.name);
      if (!name || !PUBLIC_PROFILE_FIELD.test(name)) return false;
      if (!ts.isPropertyAssignment(property)) return ts.isShorthandPropertyAssignment(property);
      const inner = skipOuterExpressions(property.initializer);
      if (inner.kind === ts.SyntaxKind.TrueKeyword || inner.kind === ts.SyntaxKind.FalseKeyword) return true;
      const nested = ts.isObjectLiteralExpression(inner) ? inner.properties.find((member) => member.name && propertyNameText(member.name) === 'select') : undefined;
      return nested !== undefined && ts.isPropertyAssignment(nested) && onlyPublic(nested.initializer);
    });
  };
  const select = options.properties.find((property) => property.name && propertyNameText(property.name) === 'select');
  return select !== undefined && ts.isPropertyAssignment(select) && onlyPublic(select.initializer);
}

/** A read of the caller's session or user as in-handler checks know them (`await getSession()`, `auth()`, `req.user`). */
function readsPrincipal(text: string): boolean {
  return PRINCIPAL_READS.some(({ pattern }) => principalReadIn(pattern, text));
}

function judge(facts: RouteFacts, callersOwn: (access: RouteFacts['dataAccess'][number]) => boolean): Verdict | undefined {
  const { route, segments } = facts;
  const words = segments.map(segmentWords);
  const webhook = words.some((segmentWords) => segmentWords.some((word) => WEBHOOK_SEGMENT.test(word)));

  // A GraphQL or tRPC operation names its object in its name (`userFindbyId`, `order.byId`): its words are its path.
  const rpc = route.kind === 'graphql' || route.kind === 'trpc';
  const sensitiveSegment = segments.find((segment) => SENSITIVE_SEGMENT.test(segment)) ?? (rpc ? segments.flatMap((segment) => segment.split('-')).find((word) => SENSITIVE_SEGMENT.test(word)) : undefined);
  const mutating = MUTATING_METHODS.has(route.method) || route.method === 'ALL';
  // A GET that reaches a write deep in its call graph is usually bookkeeping (a view counter, a
  // cache refresh); its reads are what it exposes.
  const write = mutating ? facts.writes[0] : undefined;
  const sensitiveRead = facts.dataAccess.find((access) => access.model && SENSITIVE_MODEL.test(modelSubject(access.model)) && !callersOwn(access) && !selectsPublicProfile(access));
  const where = 'no authentication at route, router or app level, and no check in the handler';

  if (write) {
    const what = webhook ? 'a webhook that does not verify the sender\'s signature' : route.id;
    return { message: `${what} ${describeAccess(write)} with ${where}.`, write: true, confidence: 'high', access: write };
  }
  // Only evidence counts: a data access we can see. A sensitive-sounding path with no visible
  // access is left alone rather than guessed at (precision first).
  // Public pages read public data (articles with their authors): a read counts when the path
  // itself is about sensitive data, or when a mutating route reads a sensitive model.
  if (sensitiveRead && (mutating || sensitiveSegment)) {
    return { message: `${route.id} ${describeAccess(sensitiveRead)} with ${where}.`, write: false, personal: PERSONAL_MODEL.test(modelSubject(sensitiveRead.model!)), confidence: 'high', access: sensitiveRead };
  }
  // Under a sensitive path, a read of a model we know to be harmless (HintModel) is no evidence;
  // a read whose target we cannot name (raw SQL without a table) still is.
  const unnamedOrSensitive = facts.dataAccess.find((access) => !access.model);
  if (sensitiveSegment && unnamedOrSensitive) {
    const access = unnamedOrSensitive;
    // The path names the data, the access does not: the evidence is a name, so confidence is medium.
    return { message: `${route.id} ${describeAccess(access)} under /${sensitiveSegment} with ${where}.`, write: false, confidence: 'medium', access };
  }
  return undefined;
}

/** Tokens that address something or page through it rather than prove anything: a device's push token, a page cursor, a CSRF token. */
const ADDRESS_TOKEN = /^(?:push|device|fcm|apns|expo|notification|registration|page|next_?page|cursor|continuation|csrf|xsrf)_?token$/i;

/** Lookups that throw when nothing matches. */
const THROWING_LOOKUP = /^(?:find\w*OrThrow|findOneOrFail|findOneByOrFail|getOrThrow)$/;

/**
 * The lookup by a capability the client sends (`where: { token }`, `findFirst({ where: { shareToken } })`)
 * that gates what the route reports: it runs before that access (or is it), and the request ends
 * when it matches nothing (an `if (!record) throw`, a lookup that throws, or the write itself, which
 * changes nothing without the token). Returns its description.
 */
function capabilityGate(ctx: RuleContext, facts: RouteFacts, reported: RouteFacts['dataAccess'][number] | undefined): string | undefined {
  if (!reported) return undefined;
  const reportedAt = facts.dataAccess.indexOf(reported);
  const accessFiles = new Set(facts.dataAccess.map((access) => access.call.getSourceFile()));
  const ownCalls = ctx.dataflow.taintedCalls().filter((tainted) => tainted.route === facts.route);
  for (const tainted of ctx.dataflow.taintedCalls()) {
    // A helper's lookup is recorded once, for the first route that reaches it (`getPayloadParamsFromApiKey(key)`
    // from both the SDK's GET and its POST): another route's record counts when this route reaches the same
    // access and passes its own request data where that route's key came from.
    const own = tainted.route === facts.route;
    if (!own && !accessFiles.has(tainted.call.getSourceFile())) continue;
    const lookup = lookupAccessOf(ctx, tainted);
    if (!lookup) continue;
    const keys = lookupFacts(tainted, lookup).keys;
    const key = keys.find((candidate) => (isCapabilityKey(candidate.field, lookup.access.model) || isShareLinkId(candidate.field, lookup.access.model)) && !ADDRESS_TOKEN.test(candidate.field));
    // An SDK's or client's key sent in the request (`/api/features/:key`), its record looked up first:
    // the key is how such a caller authenticates.
    const credential = key ? undefined : keys.find((candidate) => isPresentedCredential(candidate.field, lookup.access.model));
    const gateKey = key ?? credential;
    if (!gateKey) continue;
    // The access is the lookup's call, or a link inside its chain (`from(t)` in `db.select().from(t).where(...)`).
    const at = facts.dataAccess.findIndex((access) => access.call === lookup.node || (access.call.getSourceFile() === lookup.node.getSourceFile() && access.call.pos >= lookup.node.pos && access.call.end <= lookup.node.end));
    if (at < 0 || (reportedAt >= 0 && at > reportedAt)) continue;
    const ends = isWriteAccess(lookup) || THROWING_LOOKUP.test(lookup.access.method) || exitsWhenMissing(lookup.node);
    if (!ends) continue;
    if (!own && !passesKeyAlong(ctx, ownCalls, tainted, gateKey.taint.steps, lookup.node)) continue;
    const { line } = ts.getLineAndCharacterOfPosition(lookup.node.getSourceFile(), lookup.node.getStart());
    if (credential) return `every access follows a lookup of ${lookup.access.model ?? 'a record'} by the ${credential.field} the client presents (its credential, ${tainted.file.path}:${line + 1}), and the request ends when it matches nothing`;
    return `every access follows a lookup of ${lookup.access.model ?? 'a record'} by the client's ${gateKey.field} (a capability link, ${tainted.file.path}:${line + 1}), and the request ends when it matches nothing`;
  }
  return undefined;
}

/** Functions that mint an unguessable id: nanoid, UUID v4, cuid, ULID, a project's `randomId()`. */
const RANDOM_ID_MAKER = /^(?:random\w*Id|randomId|nanoid|customAlphabet|uuid|uuidv4|v4|randomUUID|cuid2?|createId|ulid|generateRandom\w*)$/i;
/** ORM calls that create a record from a `data` object. */
const CREATE_METHOD = /^(?:create|createMany|upsert)$/;

const accountlessCache = new WeakMap<object, { accountlessPackages: Set<string>; minted: Map<string, Set<string>>; packageOf: (file: string) => string }>();

/**
 * Apps with no accounts by design (spliit: a group's link is the way in): no route of the package authenticates,
 * and the models whose ids the code mints at random where it creates them (`prisma.group.create({ data:
 * { id: randomId(), ... } })`). In such an app an id of those models is the capability its links carry.
 */
function accountlessFacts(ctx: RuleContext): { accountlessPackages: Set<string>; minted: Map<string, Set<string>>; packageOf: (file: string) => string } {
  const known = accountlessCache.get(ctx.routes);
  if (known) return known;
  // Judged per package (the nearest package.json): a monorepo's accountless app says nothing of its neighbours.
  const packageDirs = ctx.textFiles.filter((file) => /(?:^|\/)package\.json$/.test(file.path)).map((file) => file.path.replace(/\/?package\.json$/, '')).sort((a, b) => b.length - a.length);
  const packageOf = (file: string): string => packageDirs.find((dir) => dir === '' || file.startsWith(`${dir}/`)) ?? '';
  const authenticates = new Set<string>();
  const withRoutes = new Set<string>();
  for (const route of ctx.routes) {
    const pkg = packageOf(route.file);
    withRoutes.add(pkg);
    if (route.auth === 'authenticated' || route.middleware.some((middleware) => middleware.kind === 'auth' || middleware.kind === 'role')) authenticates.add(pkg);
  }
  const accountlessPackages = new Set([...withRoutes].filter((pkg) => !authenticates.has(pkg)));
  // Per model minted at random, the parents its records are created under (`expense.create({ data: { groupId, ... } })`).
  const minted = new Map<string, Set<string>>();
  if (accountlessPackages.size > 0) {
    for (const file of ctx.sourceFiles) {
      if (!/\.create(?:Many)?\s*\(|\.upsert\s*\(/.test(file.text)) continue;
      walkDescendants(file.sourceFile, (node) => {
        if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression) || !CREATE_METHOD.test(node.expression.name.text)) return;
        const model = ts.isPropertyAccessExpression(node.expression.expression) ? node.expression.expression.name.text : undefined;
        const options = node.arguments[0] && skipOuterExpressions(node.arguments[0]);
        const data = options && ts.isObjectLiteralExpression(options) ? options.properties.find((property) => property.name && ts.isIdentifier(property.name) && property.name.text === (node.expression as ts.PropertyAccessExpression).name.text.replace(/^create$|^createMany$/, 'data').replace(/^upsert$/, 'create')) : undefined;
        const fields = data && ts.isPropertyAssignment(data) ? skipOuterExpressions(data.initializer) : undefined;
        if (!model || !fields || !ts.isObjectLiteralExpression(fields)) return;
        const id = fields.properties.find((property) => property.name && ts.isIdentifier(property.name) && property.name.text === 'id');
        // `id: randomId()`, or `id: expenseId` after `const expenseId = randomId()`.
        let value = id && ts.isPropertyAssignment(id) ? skipOuterExpressions(id.initializer) : id && ts.isShorthandPropertyAssignment(id) ? id.name : undefined;
        if (value && ts.isIdentifier(value)) value = localConstInitializer(value) && skipOuterExpressions(localConstInitializer(value)!);
        const maker = value && ts.isCallExpression(value) ? skipOuterExpressions(value.expression) : undefined;
        const makerName = maker && (ts.isIdentifier(maker) ? maker.text : ts.isPropertyAccessExpression(maker) ? maker.name.text : undefined);
        if (!makerName || !RANDOM_ID_MAKER.test(makerName)) return;
        const parents = minted.get(model.toLowerCase()) ?? new Set<string>();
        for (const property of fields.properties) {
          const name = property.name && ts.isIdentifier(property.name) ? property.name.text : undefined;
          const parent = name ? /^(\w+?)_?Id$/.exec(name)?.[1] : undefined;
          if (parent) parents.add(parent.toLowerCase());
        }
        minted.set(model.toLowerCase(), parents);
      });
    }
  }
  const facts = { accountlessPackages, minted, packageOf };
  accountlessCache.set(ctx.routes, facts);
  return facts;
}

/**
 * `const group = await getGroup(input.groupId); if (!group) throw ...` in an app with no accounts, the group's id
 * minted at random: holding the group's id is the permission, as a share link's token is. Only when every other
 * lookup the route makes by the client's data is keyed by that same id: an expense changed by `where: { id:
 * expenseId }` beside it is not checked to be the group's (a holder of one group's link reaches another
 * group's expense), and the route stays reported.
 */
function mintedIdGate(ctx: RuleContext, facts: RouteFacts, reported: RouteFacts['dataAccess'][number] | undefined): { exempt?: string; note?: string } | undefined {
  if (!reported) return undefined;
  const { accountlessPackages, minted, packageOf } = accountlessFacts(ctx);
  if (!accountlessPackages.has(packageOf(facts.route.file)) || minted.size === 0) return undefined;
  // A record's own id is no way in when the request names the parent it belongs to (`{ groupId, expenseId }`):
  // the parent's link is the capability, and the child must be tied to that parent.
  const inputFields = new Set(facts.route.middleware.flatMap((middleware) => (middleware.validatedFields ?? []).map((field) => field.field.toLowerCase())));
  const namesParent = (model: string): boolean => [...(minted.get(model) ?? [])].some((parent) => parent !== model && minted.has(parent) && inputFields.has(`${parent}id`));
  const reportedAt = facts.dataAccess.indexOf(reported);
  // A helper's lookup (`getGroup(groupId)`) is recorded once, for the first route that reaches it: this route's
  // accesses count too when it hands its own request data to the helper where that route did (passesKeyAlong).
  const accessCalls = new Set<ts.Node>(facts.dataAccess.map((access) => access.call));
  const ownCalls = ctx.dataflow.taintedCalls().filter((tainted) => tainted.route === facts.route);
  const lookups = ctx.dataflow.taintedCalls().filter((tainted) => tainted.route === facts.route || accessCalls.has(tainted.call)).flatMap((tainted) => {
    const lookup = lookupAccessOf(ctx, tainted);
    return lookup ? [{ tainted, lookup, keys: lookupFacts(tainted, lookup).keys, own: tainted.route === facts.route }] : [];
  });
  for (const { lookup, keys, own, tainted } of lookups) {
    const model = lookup.access.model?.toLowerCase();
    if (!model || !minted.has(model) || namesParent(model)) continue;
    const key = keys.find((candidate) => candidate.field === 'id' || candidate.field.toLowerCase() === `${model}id`);
    const source = !key ? undefined : own ? key.taint.source.label : passedKey(ctx, ownCalls, tainted, key.taint.steps, lookup.node);
    if (!key || !source) continue;
    const at = facts.dataAccess.findIndex((access) => access.call === lookup.node || (access.call.getSourceFile() === lookup.node.getSourceFile() && access.call.pos >= lookup.node.pos && access.call.end <= lookup.node.end));
    if (at < 0 || (reportedAt >= 0 && at > reportedAt)) continue;
    if (!isWriteAccess(lookup) && !THROWING_LOOKUP.test(lookup.access.method) && !exitsWhenMissing(lookup.node) && !callerExitsWhenMissing(ctx, [...key.taint.steps], lookup.node, ownCalls)) continue;
    const strays = lookups.filter((other) => other.own && other.keys.length > 0 && !other.keys.some((candidate) => candidate.taint.source.label === source));
    const stray = strays.find((other) => isWriteAccess(other.lookup)) ?? strays[0];
    const { line } = ts.getLineAndCharacterOfPosition(lookup.node.getSourceFile(), lookup.node.getStart());
    const where = `${ctx.modules.fileOf(lookup.node)?.path ?? ''}:${line + 1}`;
    if (stray) {
      const strayKey = stray.keys[0]!;
      const verb = isWriteAccess(stray.lookup) ? 'changes' : 'reads';
      return {
        note: `The app has no accounts: the ${lookup.access.model} id the client sends (${source}, looked up at ${where}) is the capability its links carry, but the route ${verb} ${stray.lookup.access.model ?? 'a record'} by ${strayKey.taint.source.label} with nothing tying it to that ${lookup.access.model}: whoever holds one ${lookup.access.model}'s link can reach another's ${stray.lookup.access.model ?? 'records'} by id.`,
      };
    }
    return { exempt: `the app has no accounts, and every access follows a lookup of ${lookup.access.model} by the client's ${source} (${where}), an id the code mints at random: holding it is the permission, and the request ends when it matches nothing` };
  }
  // `groups.create`: a route that only creates such a record, looking nothing up by the client's data, is how
  // anyone starts (the new record's random id becomes the link), as sign-up is in an app with accounts.
  const writes = facts.writes;
  if (writes.length > 0 && lookups.every((entry) => !entry.own || entry.keys.length === 0) && writes.every((write) => write.model !== undefined && minted.has(write.model.toLowerCase()) && !namesParent(write.model.toLowerCase()) && CREATE_METHOD.test(write.method))) {
    return { exempt: `the app has no accounts, and the route only creates ${[...new Set(writes.map((write) => write.model))].join(', ')}, whose id the code mints at random and hands back as the link to it` };
  }
  // No capability looked up first: the record the client names by id is reached by anyone who has (or learns) that id.
  const keyed = lookups.find((entry) => entry.own && entry.keys.length > 0 && isWriteAccess(entry.lookup));
  if (keyed) {
    return { note: `The app has no accounts (no route authenticates): the route changes ${keyed.lookup.access.model ?? 'a record'} by ${keyed.keys[0]!.taint.source.label} without first looking up a record whose link the caller holds and tying this one to it, so the id alone opens it.` };
  }
  return undefined;
}

/** `return prisma.group.findUnique(...)` in `getGroup(id)`, whose caller on the key's way binds the result and exits without it. */
function callerExitsWhenMissing(ctx: RuleContext, steps: readonly TraceStep[], lookup: ts.Node, ownCalls: readonly TaintedCall[]): boolean {
  let node: ts.Node = lookup;
  while (node.parent && !ts.isReturnStatement(node.parent) && !ts.isArrowFunction(node.parent) && (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent) || ts.isCallExpression(node.parent) || ts.isPropertyAccessExpression(node.parent))) node = node.parent;
  if (!node.parent || !(ts.isReturnStatement(node.parent) || ts.isArrowFunction(node.parent))) return false;
  // This route's own call of the function that returns the lookup (`const board = await findBoard(boardId); if (!board) throw`).
  const returner = enclosingFunction(node.parent);
  if (returner && ownCalls.some((own) => ts.isCallExpression(own.call) && resolveFunction(ctx.modules, own.file, own.call.expression)?.node === returner && exitsWhenMissing(own.call))) return true;
  for (const step of steps) {
    if (!step.message.startsWith('passed to ')) continue;
    const at = nodeAtStep(ctx, step);
    let call: ts.Node | undefined = at;
    while (call && !ts.isCallExpression(call)) call = call.parent;
    if (call && exitsWhenMissing(call)) return true;
  }
  return false;
}

/** Key-value stores a flow keeps its one-time values in: Redis, a cache, Keyv, Memcached. */
const KEY_VALUE_STORE = /redis|cache|\bkv\b|kv[A-Z_]|keyv|memcache|store/i;
const KEY_VALUE_READ = /^(?:get|getdel|getDel|getex|getEx|hget|hGet|hgetall|hGetAll)$/;
/** Request fields that hold a one-time value the server handed out: an OAuth `state`, a token, a code, a nonce. */
const ONE_TIME_VALUE = /(?:^|_)(?:state|token|code|nonce|ticket|otp)$|(?:State|Token|Code|Nonce|Ticket|Otp)$/;

/**
 * `const org = await ioRedis.get(`organization:${body.state}`); if (!org) throw ...`, the first thing the
 * handler does: the client must present a value the server stored when it started the flow (an OAuth
 * connect's state, a magic link's token), and the request ends when the store holds none. Holding that
 * value is the permission, as a capability link's token is.
 */
function storedTokenGate(ctx: RuleContext, facts: RouteFacts): string | undefined {
  const body = facts.handler?.node.body;
  if (!body || !ts.isBlock(body)) return undefined;
  for (const statement of body.statements) {
    const declaration = ts.isVariableStatement(statement) && statement.declarationList.declarations.length === 1 ? statement.declarationList.declarations[0]! : undefined;
    const value = declaration?.initializer && skipOuterExpressions(declaration.initializer);
    const read = value && ts.isAwaitExpression(value) ? skipOuterExpressions(value.expression) : value;
    if (read && ts.isCallExpression(read) && ts.isPropertyAccessExpression(read.expression) && KEY_VALUE_READ.test(read.expression.name.text) && KEY_VALUE_STORE.test(read.expression.expression.getText()) && exitsWhenMissing(read)) {
      const tainted = ctx.dataflow.taintedCalls().find((candidate) => candidate.call === read && reachedFrom(candidate, facts.route));
      const key = tainted?.argumentOrigins[0];
      const field = key?.kind === 'tainted' ? /[\w$]+$/.exec(key.taint.source.label)?.[0] : undefined;
      if (!field || !ONE_TIME_VALUE.test(field)) return undefined;
      const { line } = ts.getLineAndCharacterOfPosition(read.getSourceFile(), read.getStart());
      return `the handler first looks the client's ${field} up in ${read.expression.expression.getText()} (${facts.handler!.file.path}:${line + 1}), a value the server stored when the flow began, and the request ends when it is not there`;
    }
    // Anything that runs before the lookup (other than a check that throws) is reached without the value.
    if (!(ts.isIfStatement(statement) && exitsEarly(statement.thenStatement)) && containsCall(statement)) return undefined;
  }
  return undefined;
}

function containsCall(node: ts.Node): boolean {
  let found = false;
  walkDescendants(node, (child) => {
    if (found) return false;
    if (ts.isCallExpression(child)) found = true;
    return undefined;
  });
  return found;
}

/**
 * Whether the route's own calls hand request data to a function on the way another route's key took to
 * a lookup, at the position that route's key was passed in: `getPayloadParamsFromApiKey(key, req)` from
 * this handler as from the one the lookup was recorded for.
 */
function passesKeyAlong(ctx: RuleContext, ownCalls: readonly TaintedCall[], recorded: TaintedCall, steps: readonly TraceStep[], access: ts.Node): boolean {
  return passedKey(ctx, ownCalls, recorded, steps, access) !== undefined;
}

/** The request value (its source label) the route's own call passes where the recorded route's key went, if one does. */
function passedKey(ctx: RuleContext, ownCalls: readonly TaintedCall[], recorded: TaintedCall, steps: readonly TraceStep[], access: ts.Node): string | undefined {
  for (const entry of pathFunctions(ctx, recorded, steps, access)) {
    const call = entry.call && skipOuterExpressions(entry.call as ts.Expression);
    if (!call || !entry.passedAs || !ts.isCallExpression(call)) continue;
    const index = call.arguments.findIndex((argument) => argument.pos <= entry.passedAs!.pos && entry.passedAs!.end <= argument.end);
    const file = ctx.modules.fileOf(call);
    const callee = index >= 0 && file ? resolveFunction(ctx.modules, file, call.expression) : undefined;
    if (!callee) continue;
    const passing = ownCalls.find((own) => {
      if (!ts.isCallExpression(own.call) || own.argumentOrigins[index]?.kind !== 'tainted') return false;
      return resolveFunction(ctx.modules, own.file, own.call.expression)?.node === callee.node;
    });
    const origin = passing?.argumentOrigins[index];
    if (origin?.kind === 'tainted') return origin.taint.source.label;
  }
  return undefined;
}

