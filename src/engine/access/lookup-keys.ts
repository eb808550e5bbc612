import { CONTROLLER_PRINCIPAL_ACCESSOR, WEBAUTHN_VERIFY_FUNCTIONS } from '../../models/auth.js';
import { ts } from '#typescript';
import { classifyCall, drizzleTableName, dynamoRequestObject, isDrizzleClient, kyselyChain, modelOfRepository, type DataAccess, type KyselyChain } from '../ast/data-access.js';
import { DYNAMODB_BATCH_KEYS_PROPERTY, DYNAMODB_BATCH_PROPERTY, DYNAMODB_KEY_ATTRIBUTE_NAME, DYNAMODB_KEY_PROPERTY, DYNAMODB_TRANSACTION_LOOKUPS, DYNAMODB_TRANSACTION_PROPERTY, DYNAMODB_NAMES_PROPERTY, DYNAMODB_SELECTING_EXPRESSIONS, DYNAMODB_TYPE_DESCRIPTORS, DYNAMODB_VALUES_PROPERTY } from '../../models/dynamodb.js';
import { DRIZZLE, KYSELY, LINK_OPERATORS, OBJECTION, OPTIONS_FILTER_PROPERTY, ormMethods, PRISMA, SEQUELIZE, TYPEORM_QUERY_BUILDER, WHERE_METHODS as WHERE_METHOD_NAMES, WRITE_METHOD_NAMES } from '../../models/orms.js';
import { localDeclaration, localInitializer, resolveFunction, type ModuleIndex } from '../names/index.js';
import { nodesOfKind, walkDescendants } from '../ast/file-index.js';
import { codeText, enclosingFunction, propertyNameText, returnedExpressions, skipOuterExpressions } from '../ast/syntax.js';
import { looksLikeSql, sqlLiterals } from '../ast/sql-text.js';
import type { TaintedCall } from '../dataflow/engine.js';
import { identityTaint, type Taint, type ValueOrigin } from '../dataflow/taint.js';

/** A data access as this rule sees it: the operation, plus where its filter lives. */
export interface LookupAccess {
  access: DataAccess;
  /** The whole expression the access is (the outermost call of a builder chain). */
  node: ts.CallExpression;
}

/** A client-controlled value used to pick the record(s): the lookup key. */
export interface LookupKey {
  expression: ts.Expression;
  /** The column/field it is compared with (`id`, `orderId`), when readable. */
  field: string;
  taint: Taint;
}

export interface LookupFacts {
  keys: LookupKey[];
  /** The whole filter is this name, a value the enclosing function was given (`where: tagWhereUniqueInput`): the callers hold its keys. */
  filterValue?: ts.Identifier;
  /** Where the filter sits inside `filterValue` (`['where']` for Prisma's `findUnique(criteria)`): empty when it is the filter itself. */
  filterMember?: string[];
  /** Fields of the same filter constrained by the principal (`userId: req.user.id`). */
  principalFields: string[];
  /** The write only links or unlinks the principal (`favoritedBy: { connect: { id: me } }`, `$addToSet: { likes: me }`). */
  linksPrincipalOnly?: boolean;
  /** The filter admits only records published to everyone (`visibility: 'public'`, `isPublic: true`). */
  publicOnly?: string;
  /** The write only moves engagement counters by a relative amount (`points = points + $1`, `{ likes: { increment: 1 } }`): their names. */
  countersOnly?: string[];
  /**
   * Key fields pinned to a record the code holds (`envelopeId: envelope.id`): the lookup finds only
   * that record's children, so it is as scoped as the lookup that loaded the record.
   */
  parentRecords: ParentRecord[];
  /**
   * Relations the lookup loads filtered to the caller (`include: { team: { include: { users: { where:
   * { userId } } } } }`): ['team', 'users']. Tested for emptiness afterwards, they are a membership check.
   */
  callerFilteredRelations?: string[][];
}

/** `envelopeId: envelope.id` in a filter: the field and the held record's name. */
export interface ParentRecord {
  field: string;
  /** `envelope` in `envelope.id`; with `heldId`, the name holding the id itself (`workspaceId`). */
  record: ts.Identifier;
  /**
   * The filter's value is a name holding the record's id, not the record (`workspaceId` in a helper
   * `findCredentials(credentialsId, workspaceId)`, or a curried `(workspaceId) => (credentialsId) =>`):
   * the record is found where that name was given `workspace.id`, by the caller on the path.
   */
  heldId?: true;
}

const SCOPED_MODEL_METHODS: ReadonlySet<string> = new Set(SEQUELIZE.scopedModelMethods);

// A filter field and constant that admit only what everyone may see.
const PUBLIC_FIELD = /^(?:is_?)?(?:public|published|listed|shared_?publicly)$/i;
const VISIBILITY_FIELD = /^(?:visibility|privacy|access|accessLevel|access_level|audience)$/i;

// The signed-in user as frameworks without a principal source in the engine spell it (next-auth session, hono jwtPayload).
// Express auth middleware keeps the caller on the response for the handlers after it: `res.locals.user`.
// A class controller's own accessor for the caller (`this.getUid()`, models/auth.ts) spells the caller too.
// `context.currentUser`: the GraphQL context's caller, also where the context is a global (RedwoodJS services).
const PRINCIPAL_SPELLING = new RegExp(`${/\bcontext\s*\??\.\s*currentUser\b|\bsession\s*\??\.\s*user\b|\bsession\.user\b|\bjwtPayload\b|\bget\s*\(\s*['"]jwtPayload['"]\s*\)|\b(?:req|request)\s*\.\s*auth\b|\b(?:res|response)\s*\.\s*locals\s*\.\s*(?:user|currentUser|authUser|account|session|auth)\b/.source}|${CONTROLLER_PRINCIPAL_ACCESSOR.source}`);
// Update operators that add or remove one member of a relation or set: the caller's own membership (models/orms.ts).
const LINK_OPERATOR: ReadonlySet<string> = new Set(LINK_OPERATORS);

// Columns that identify a record (not search filters like `status` or `name`).
const KEY_FIELD = /^(?:_?id|uuid|uid|guid|slug|key|code|ref|handle|number|no|token|hash|secret)$|(?:Id|_id|ID|Uuid|_uuid|Slug|Key|Number|_no|Ref|Code|Token|_token|Secret|_secret|Hash|_hash)$/;
/**
 * Keys that are secrets handed out as links (`shareToken`, `shareId`, `inviteCode`): holding one is
 * the permission, if it is unguessable. A slug or public id is meant to be seen, so it is not one.
 */
export const CAPABILITY_KEY = /(?:^|_)(?:token|secret|hash)$|(?:Token|Secret|Hash)$|^(?:share|link|invite|invitation|magic|access)_?(?:id|key|code)$|(?:share|link|invite|invitation)(?:Id|ID|Key|Code)$/i;
/**
 * The credential a caller presents, as a lookup key: finding the API key record by the key itself
 * (`apiKeys.findOneBy({ apiKey: req.params.apikey })`) authenticates the caller; it picks no one else's record.
 */
export const PRESENTED_CREDENTIAL_KEY = /^(?:(?:secret|server|client|private|hashed|publishable)_?)?(?:api_?key|apikey)(?:_?hash)?$|^(?:licen[cs]e|product|activation)_?key$/i;
/**
 * Models whose records are client keys (API keys, an SDK's client key, its connection, a license sold to a
 * customer): their plain `key` column is the key itself.
 */
const CREDENTIAL_MODEL = /(?:api|sdk|client|access|publishable)_?(?:keys?|connections?)|^licen[cs]es?$/i;

/**
 * Whether a lookup key is the credential the caller presents: an API key by name (`apiKey`), or the
 * plain `key` of a model of keys (GrowthBook's `SDKConnectionModel.findOne({ key })` for the client key
 * an SDK sends in the URL). Finding that record authenticates the caller; it picks no one else's record.
 */
export function isPresentedCredential(field: string, model: string | undefined): boolean {
  return PRESENTED_CREDENTIAL_KEY.test(field) || (/^(?:key|client_?key)$/i.test(field) && model !== undefined && CREDENTIAL_MODEL.test(model));
}

/** WebAuthn credentials (passkeys, authenticators), looked up by the credential id an authenticator presents. */
const AUTHENTICATOR_MODEL = /^(?:user_?)?(?:passkeys?|authenticators?|webauthn_?credentials?)$/i;

/**
 * A passkey looked up by the credential id the caller's authenticator presents, in a function that
 * verifies the authenticator's signature against it (WEBAUTHN_VERIFICATION): the id is no secret, but only
 * the holder of the passkey's private key gets past the verification, so no one else's passkey is used.
 */
export function isVerifiedAuthenticatorLookup(field: string, model: string | undefined, lookupNode: ts.Node): boolean {
  if (!/^(?:id|credential_?id)$/i.test(field) || model === undefined || !AUTHENTICATOR_MODEL.test(model)) return false;
  const fn = enclosingFunction(lookupNode);
  return fn !== undefined && WEBAUTHN_VERIFICATION.test(codeText(fn, lookupNode.getSourceFile()));
}
const WEBAUTHN_VERIFICATION = new RegExp(String.raw`\b(?:${WEBAUTHN_VERIFY_FUNCTIONS.join('|')})\s*\(`);
/** Models whose records are handed out as links: their plain `code`/`key`/`token` column is the secret of the link. */
const CAPABILITY_MODEL = /invit|share|magic.?link|^links?$/i;

/**
 * Whether a lookup key works as a capability: a name that says so (`inviteCode`), or the plain
 * `code`/`key`/`uid` of a model of links (`invitations.findOne({ filter: { code } })`,
 * `eventInvite.findUnique({ where: { uid } })` for the random uid a confirmation email's link carries),
 * where the model names what the code is.
 */
export function isCapabilityKey(field: string, model: string | undefined): boolean {
  return CAPABILITY_KEY.test(field) || (/^(?:code|key|uid)$/i.test(field) && model !== undefined && CAPABILITY_MODEL.test(model));
}

/** Models of share links whose own id is what the link carries (`sharedSecrets`, `shareLinks`, `documentShares`). */
const SHARE_LINK_MODEL = /share|magic.?link/i;

/**
 * A share link's record addressed by its own id (`sharedSecrets` where `id = input.id`): on a route
 * open to anyone, that id is the link the client was given, the permission itself. On a signed-in
 * route it is an id like any other (revoking someone else's share is the ownership check's business).
 */
export function isShareLinkId(field: string, model: string | undefined): boolean {
  return /^_?id$/i.test(field) && model !== undefined && SHARE_LINK_MODEL.test(model);
}
// The ORM tables are models/orms.ts; here, the sets the matching below reads.
// Methods whose first argument is the primary key itself.
const ID_ARGUMENT_METHODS = ormMethods('idArgument');
// Methods whose argument is a record (new data, a loaded entity): the request data in it is not a lookup.
const CREATE_METHODS = ormMethods('recordArgument');
const WHERE_METHODS: ReadonlySet<string> = new Set(WHERE_METHOD_NAMES);
// TypeORM query builder: its starter, its terminals (the chain reads or writes once one of these runs), the links that make it a write.
const QUERY_BUILDER_STARTER: string = TYPEORM_QUERY_BUILDER.starter;
const QUERY_BUILDER_TERMINALS: ReadonlySet<string> = new Set(TYPEORM_QUERY_BUILDER.terminals);
const QUERY_BUILDER_WRITES: ReadonlySet<string> = new Set(TYPEORM_QUERY_BUILDER.writes);
const WRITE_WORD: ReadonlySet<string> = new Set(WRITE_METHOD_NAMES);
// Drizzle: builder links that name the table of a filtered chain (not `insert`, which has no filter), relational lookups, filter operators.
const DRIZZLE_FILTERED_TABLE_METHODS: ReadonlySet<string> = new Set(Object.keys(DRIZZLE.tableMethods).filter((method) => method !== 'insert'));
const DRIZZLE_RELATIONAL_LOOKUPS: readonly string[] = DRIZZLE.relationalLookups;
const DRIZZLE_COMPARISONS: ReadonlySet<string> = new Set(DRIZZLE.comparisons);
const DRIZZLE_COMBINATORS: ReadonlySet<string> = new Set(DRIZZLE.combinators);
// Kysely: the links that filter a chain, the operators that pick rows by equality, its join links.
const KYSELY_FILTER_METHODS: ReadonlySet<string> = new Set(KYSELY.filterMethods);
const KYSELY_EQUALITY: ReadonlySet<string> = new Set(KYSELY.equalityOperators);
const KYSELY_SUBQUERY_TESTS: ReadonlySet<string> = new Set(KYSELY.subqueryTests);
/** `where('col', op, value)` and the expression builder's `eb('col', op, value)`: the operator, when the call has that shape. */
function columnComparison(call: ts.CallExpression): { column: string; operator: string; value: ts.Expression } | undefined {
  const [column, operator, value] = call.arguments;
  if (!column || !operator || !value || call.arguments.length !== 3) return undefined;
  const columnText = skipOuterExpressions(column);
  const operatorText = skipOuterExpressions(operator);
  if (!ts.isStringLiteralLike(columnText) || !ts.isStringLiteralLike(operatorText)) return undefined;
  return { column: columnText.text, operator: operatorText.text.trim().toLowerCase(), value };
}

/**
 * The data access a tainted call belongs to: the call itself, or the outermost call of the
 * builder chain it is part of (`knex('orders').where({ id }).first()`, drizzle
 * `db.select().from(orders).where(eq(orders.id, id))`, TypeORM `createQueryBuilder().where().getOne()`).
 */
export function lookupAccessOf(ctx: { readonly modules: ModuleIndex }, tainted: TaintedCall): LookupAccess | undefined {
  const call = enclosingFilterCall(tainted.call);
  if (!call) return undefined;
  let outer: ts.CallExpression = call;
  while (ts.isPropertyAccessExpression(outer.parent) && outer.parent.expression === outer && ts.isCallExpression(outer.parent.parent)) outer = outer.parent.parent;
  const direct = classifyCall(outer, tainted.file, [], ctx.modules) ?? (outer !== call ? classifyCall(call, tainted.file, [], ctx.modules) ?? kyselyRunIn(outer, tainted.file, ctx.modules) : undefined) ?? heldKyselyRun(outer, tainted.file, ctx.modules);
  if (direct && direct.library !== 'sql') return { access: direct, node: direct.call };
  let chain = chainCalls(outer);
  let builder = chain.find((link) => calleeName(link) === QUERY_BUILDER_STARTER);
  if (!builder) {
    // `qb.andWhere('o.id = :id', { id })` on a builder a local holds.
    const held = heldBuilder(outer);
    if (held) {
      chain = builderLinks(outer);
      builder = chain.find((link) => calleeName(link) === QUERY_BUILDER_STARTER);
    }
  }
  if (builder) {
    // `const qb = repo.createQueryBuilder('o').where('o.id = :id', { id }); ... await qb.getOne()`:
    // the lookup runs where the local holding the builder meets its terminal.
    if (!QUERY_BUILDER_TERMINALS.has(calleeName(outer))) {
      const run = heldBuilderTerminal(outer);
      if (!run) return undefined;
      outer = run;
      chain = builderLinks(outer);
    }
    const terminal = calleeName(outer);
    const kind = chain.find((link) => QUERY_BUILDER_WRITES.has(calleeName(link)));
    const model = queryBuilderModel(builder, tainted.file, ctx.modules);
    return { access: { library: 'model', method: kind ? calleeName(kind) : terminal, operation: kind ? 'write' : 'read', call: outer, file: tainted.file, line: 0, via: [], ...(model ? { model } : {}) }, node: outer };
  }
  // drizzle: db.select().from(orders).where(...), db.update(orders).set(...).where(...), db.delete(orders).where(...)
  const drizzleTable = chain.find((link) => DRIZZLE_FILTERED_TABLE_METHODS.has(calleeName(link)) && link.arguments.length === 1 && drizzleTableName(link.arguments[0]!) !== undefined && ts.isPropertyAccessExpression(skipOuterExpressions(link.expression)) && isDrizzleClient((skipOuterExpressions(link.expression) as ts.PropertyAccessExpression).expression));
  if (drizzleTable && chain.some((link) => calleeName(link) === 'where')) {
    const method = calleeName(drizzleTable);
    return { access: { library: 'drizzle', model: drizzleTableName(drizzleTable.arguments[0]!)!, method, operation: method === 'from' ? 'read' : 'write', call: outer, file: tainted.file, line: 0, via: [], }, node: outer };
  }
  if (direct) return { access: direct, node: direct.call };
  // A project helper that runs parameterized SQL: `query('SELECT ... WHERE id = $1', [id])`.
  const text = call.arguments[0];
  if (text && call.arguments.length >= 2 && looksLikeSql(sqlLiterals(text))) {
    const sql = sqlLiterals(text).join(' ');
    const operation = /^\W*(?:update|delete)\b/i.test(sql) ? 'write' : 'read';
    const table = /\b(?:from|update|into)\s+["`]?([A-Za-z_][\w.]*)/i.exec(sql)?.[1]?.split('.').pop();
    return { access: { library: 'sql', method: calleeName(call) || 'query', operation, call, file: tainted.file, line: 0, via: [], ...(table ? { model: table } : {}) }, node: call };
  }
  return undefined;
}

/** The Kysely chain a promise method is called on: `executeTakeFirst()` in `db.selectFrom(t).where(...).executeTakeFirst().then(...)`. */
function kyselyRunIn(outer: ts.CallExpression, file: TaintedCall['file'], modules: ModuleIndex): DataAccess | undefined {
  for (const link of chainCalls(outer)) {
    const access = classifyCall(link, file, [], modules);
    if (access) return access.library === 'kysely' ? access : undefined;
  }
  return undefined;
}

/**
 * The run of a Kysely chain held in a local: `query.execute()` after `let query = db.selectFrom('notes')`
 * and `query = query.where('id', '=', id)`, for a link of the initializer or of a reassignment.
 */
function heldKyselyRun(outer: ts.CallExpression, file: TaintedCall['file'], modules: ModuleIndex): DataAccess | undefined {
  let site: ts.Node = outer;
  while (ts.isParenthesizedExpression(site.parent) || ts.isAwaitExpression(site.parent)) site = site.parent;
  const parent = site.parent;
  const name = ts.isVariableDeclaration(parent) && parent.initializer === site && ts.isIdentifier(parent.name) ? parent.name
    : ts.isBinaryExpression(parent) && parent.right === site && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(parent.left) ? parent.left : undefined;
  const declaration = name && (ts.isVariableDeclaration(parent) ? parent : localDeclaration(name));
  if (!name || !declaration) return undefined;
  let found: DataAccess | undefined;
  const visit = (node: ts.Node): void => {
    if (found || node.end <= outer.end) return;
    if (ts.isIdentifier(node) && node.text === name.text && node.pos >= outer.end && localDeclaration(node) === declaration) {
      let current: ts.Node = node;
      while ((ts.isPropertyAccessExpression(current.parent) && current.parent.expression === current) || (ts.isCallExpression(current.parent) && current.parent.expression === current)) current = current.parent;
      const access = ts.isCallExpression(current) ? classifyCall(current, file, [], modules) : undefined;
      if (access?.library === 'kysely') found = access;
      return;
    }
    ts.forEachChild(node, visit);
  };
  const scope = declaration.parent.parent.parent;
  if (scope) visit(scope);
  return found;
}

/** The lookup keys and principal constraints of an access, evaluated in the tainted call's context. */
/** Builder links that join as inner joins: rows without a match are dropped (Drizzle innerJoin, knex join/innerJoin). */
const INNER_JOIN_METHODS: ReadonlySet<string> = new Set(['innerJoin', 'join']);

export function lookupFacts(tainted: TaintedCall, lookup: LookupAccess, modules?: ModuleIndex): LookupFacts {
  const facts: LookupFacts = { keys: [], principalFields: [], parentRecords: [] };
  const { access, node } = lookup;
  const method = access.method;
  if (CREATE_METHODS.has(method)) return facts;
  const args = node.arguments;
  const walker = new FilterWalker(tainted, facts, modules);
  if (isWriteAccess(lookup)) {
    facts.linksPrincipalOnly = linksOnlyPrincipal(tainted, lookup);
    const counters = engagementCountersOnly(lookup);
    if (counters) facts.countersOnly = counters;
  }
  if (access.library === 'sql') {
    sqlFacts(tainted, node, facts);
    return facts;
  }
  if (access.library === 'dynamodb') {
    if (!access.creates && access.request) dynamoFacts(walker, access.request);
    return facts;
  }
  if (access.library === 'kysely') {
    // `db.selectFrom('notes').where('id', '=', id).where('owner_id', '=', me)`, `where((eb) => eb.and([...]))`,
    // `innerJoin('members', (join) => join.onRef(...).on('members.user_id', '=', me))`: every filter link of the chain.
    const chain = kyselyChain(node);
    if (chain) walker.kyselyLinks(chain, 0);
    return facts;
  }
  if (access.library === 'drizzle' && DRIZZLE_RELATIONAL_LOOKUPS.includes(method)) {
    const where = objectProperty(args[0], DRIZZLE.filterProperty);
    if (where) walker.walk(where, undefined, 0);
    return facts;
  }
  if (access.library === 'knex' || access.library === 'drizzle' || (access.library === 'model' && builderLinks(node).some((link) => calleeName(link) === QUERY_BUILDER_STARTER))) {
    // The one filter object the chain is given (null: more than one).
    let wholeFilter: ts.Expression | null | undefined;
    for (const link of builderLinks(node)) {
      const name = calleeName(link);
      // Drizzle `.innerJoin(member, and(eq(member.userId, ...), eq(member.organizationId, ctx.orgId)))`: an
      // inner join's condition keeps only the rows it matches, as a where does (a left join keeps them all).
      const joinCondition = INNER_JOIN_METHODS.has(name) ? link.arguments[1] : undefined;
      if (joinCondition && !ts.isStringLiteralLike(skipOuterExpressions(joinCondition))) {
        walker.walk(joinCondition, undefined, 0);
        continue;
      }
      if (!WHERE_METHODS.has(name) && name !== 'first') continue;
      const [first, second, third] = link.arguments;
      if (!first) continue;
      const firstValue = skipOuterExpressions(first);
      // TypeORM `andWhere(new Brackets((qb) => { qb.andWhere(...); qb.andWhere(...) }))`: a group of
      // conditions that all hold, read as links of the chain (a group with an `orWhere` admits more).
      const grouped = bracketsLinks(firstValue);
      if (grouped) {
        for (const inner of grouped) {
          const [condition, values] = inner.arguments;
          const text = condition && sqlFragmentText(condition);
          if (text !== undefined && values) walker.walk(values, undefined, 0, text);
          else if (condition && text === undefined) walker.walk(condition, undefined, 0);
        }
        continue;
      }
      const fragment = sqlFragmentText(firstValue);
      if (fragment !== undefined && second) {
        // knex where('id', id) / where('id', '=', id); TypeORM where('o.id = :id', { id })
        if (/[=<>:]/.test(fragment) || /\bIN\b/i.test(fragment)) {
          if (second) walker.walk(second, undefined, 0, fragment);
        } else walker.leaf(third ?? second, lastSegment(fragment));
      } else {
        walker.walk(first, undefined, 0);
        wholeFilter = wholeFilter === undefined ? first : null;
      }
    }
    // `knex('links').where(match)` in `find(match)`: the filter is what each caller passes.
    return wholeFilter ? withFilterValue(facts, passedThroughArgument(wholeFilter) ?? wholeFilter) : facts;
  }
  // Objection: `Page.query().findById(id)`, `query().findById(id).patch(v)`, `query().where('id', id).first()`:
  // the keys are in the chain's id and filter links, never in a record being written.
  if (access.library === 'model' && chainCalls(node).some((link) => calleeName(link) === OBJECTION.queryStarter && link.arguments.length === 0)) {
    for (const link of chainCalls(node)) {
      const name = calleeName(link);
      const [first, second, third] = link.arguments;
      if (!first) continue;
      const firstValue = skipOuterExpressions(first);
      if (ID_ARGUMENT_METHODS.has(name) && !ts.isObjectLiteralExpression(firstValue)) walker.leaf(first, 'id');
      else if (name === 'findOne' || (WHERE_METHODS.has(name) && !ts.isStringLiteralLike(firstValue))) walker.walk(first, undefined, 0);
      else if (WHERE_METHODS.has(name) && ts.isStringLiteralLike(firstValue) && second) walker.leaf(third ?? second, lastSegment(firstValue.text));
    }
    return facts;
  }
  if (access.library === 'prisma') {
    const where = objectProperty(args[0], PRISMA.filterProperty);
    if (where) walker.walk(where, undefined, 0);
    if (args[0]) facts.callerFilteredRelations = callerFilteredRelations(tainted, args[0]);
    // `findUnique(criteria)` in `findReport(criteria)`: the whole options object is the function's parameter,
    // and its `where` is what each caller passes (`findReport({ where: { id: reportId } })`).
    const whole = !where && args[0] ? skipOuterExpressions(args[0]) : undefined;
    if (whole && ts.isIdentifier(whole) && !localInitializer(whole)) {
      const withWhole = withFilterValue(facts, whole);
      return withWhole.filterValue ? { ...withWhole, filterMember: [PRISMA.filterProperty] } : withWhole;
    }
    return withFilterValue(facts, where);
  }
  // `Document.scope({ method: ['withMembership', user.id] }).findByPk(id)`: a scope given the caller narrows the lookup to them.
  if (access.library === 'model') {
    const scopedBy = scopeArgumentPrincipal(walker, node, tainted.file, modules);
    if (scopedBy !== undefined) facts.principalFields.push(scopedBy);
  }
  // MikroORM / TypeORM manager: em.findOne(Order, where) / manager.findOneBy(Order, { id })
  const first = args[0] && skipOuterExpressions(args[0]);
  const entityFirst = first && ts.isIdentifier(first) && /^[A-Z]/.test(first.text) && args.length >= 2;
  const filterArgs = entityFirst ? args.slice(1) : [...args];
  const filter = filterArgs[0];
  if (!filter) return facts;
  // Sequelize update(values, { where }) / destroy({ where }) / findAll({ where }); TypeORM findOne({ where })
  const optionsWhere = filterArgs.map((argument) => objectProperty(argument, OPTIONS_FILTER_PROPERTY)).find(Boolean);
  if (optionsWhere) {
    walker.walk(optionsWhere, undefined, 0);
    return withFilterValue(facts, optionsWhere);
  }
  const filterValue = skipOuterExpressions(filter);
  const isObject =
    ts.isObjectLiteralExpression(filterValue) ||
    (ts.isIdentifier(filterValue) && localInitializer(filterValue) !== undefined && ts.isObjectLiteralExpression(localInitializer(filterValue)!)) ||
    (ts.isCallExpression(filterValue) && filterValue.arguments.length === 0 && ts.isIdentifier(filterValue.expression) && closureReturns(filterValue.expression) !== undefined);
  // `findOne(query)` in a repository wrapper, where the callers pass `{ _id, _environmentId }`: the value
  // holds fields, so it is a filter whose keys the callers hold, not an id (`findOne(id)`).
  const filterIndex = args.indexOf(filter);
  const passedObject = filterIndex >= 0 && tainted.call === node && tainted.argumentOrigins[filterIndex]?.kind === 'tainted' && (tainted.argumentOrigins[filterIndex] as { fields?: unknown }).fields !== undefined;
  if (!isObject && ID_ARGUMENT_METHODS.has(method) && !passedObject) {
    walker.leaf(filter, 'id');
    // `this.followModel.del(projectId, this.getUid())`: a model method of the project's given the id and,
    // beside it, the caller alone (no object of values to write) is keyed by both.
    if (access.library === 'model' && tainted.call === node) {
      const caller = args.slice(filterIndex + 1).map((argument) => bareCaller(walker, argument)).find((found) => found !== undefined);
      if (caller !== undefined) facts.principalFields.push(caller);
    }
  } else if (isObject) {
    walker.walk(filter, undefined, 0);
    // `findOne({ ...query, deleted: false })`: the function's own constants around what its callers pass.
    if (walker.spreadValues.length === 1) return withFilterValue(facts, walker.spreadValues[0]);
  } else return withFilterValue(facts, filter);
  return facts;
}

/**
 * The caller among the arguments of the model scope a lookup runs on (`scope({ method: ['forUser', user.id] })`,
 * `scope(['defaultScope', { method: ['withMembership', userId] }])`, models/orms.ts SEQUELIZE.scopedModelMethods),
 * when that scope filters by it. A scope the project defines is read: one that only includes the caller's
 * memberships to compute permissions (`include: [{ association: 'memberships', where: { userId }, required: false }]`)
 * narrows nothing; one whose definition is not found is taken to filter, as parameterised scopes usually do.
 */
function scopeArgumentPrincipal(walker: FilterWalker, lookup: ts.CallExpression, file: TaintedCall['file'], modules: ModuleIndex | undefined): string | undefined {
  const callee = skipOuterExpressions(lookup.expression);
  let receiver = ts.isPropertyAccessExpression(callee) ? skipOuterExpressions(callee.expression) : undefined;
  const scopeCalls: ts.CallExpression[] = [];
  while (receiver && ts.isCallExpression(receiver) && scopeCalls.length < 4) {
    const scopeCallee = skipOuterExpressions(receiver.expression);
    if (!ts.isPropertyAccessExpression(scopeCallee) || !SCOPED_MODEL_METHODS.has(scopeCallee.name.text)) break;
    scopeCalls.push(receiver);
    receiver = skipOuterExpressions(scopeCallee.expression);
  }
  const model = receiver && ts.isIdentifier(receiver) ? receiver : undefined;
  for (const scopeCall of scopeCalls) {
    for (const argument of scopeCall.arguments) {
      for (const scope of scopeRequests(argument)) {
        const principal = scope.values.map((value) => callerWithin(walker, value)).find((found) => found !== undefined);
        if (principal === undefined) continue;
        const definition = model && modules ? scopeDefinition(model.text, scope.name, file, modules) : undefined;
        if (definition && !scopeFilters(definition)) continue;
        return `scope ${scope.name ?? '(inline)'} given ${principal}`;
      }
    }
  }
  return undefined;
}

/** The scopes one argument of `scope(...)` asks for, with the values handed to each: `{ method: ['name', a, b] }`, or a list of them. */
function scopeRequests(argument: ts.Expression): Array<{ name?: string; values: ts.Expression[] }> {
  const value = skipOuterExpressions(argument);
  if (ts.isArrayLiteralExpression(value)) return value.elements.flatMap((element) => scopeRequests(element));
  if (!ts.isObjectLiteralExpression(value)) return [];
  const method = objectProperty(value, 'method');
  const list = method && skipOuterExpressions(method);
  if (list && ts.isArrayLiteralExpression(list)) {
    const [name, ...values] = list.elements;
    return [{ ...(name && ts.isStringLiteralLike(name) ? { name: name.text } : {}), values }];
  }
  // An inline scope: `scope({ where: { userId } })` is options of its own.
  return [{ values: [value] }];
}

function callerWithin(walker: FilterWalker, expression: ts.Expression): string | undefined {
  let found: string | undefined;
  walkDescendants(expression, (node) => {
    if (found !== undefined || ts.isFunctionLike(node)) return false;
    if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) {
      found = walker.principalIn(node, 0);
      return false;
    }
    return undefined;
  });
  return found;
}

/** The options a named scope of the model returns, from its declaring file (`@Scopes(() => ({ name: (userId) => ({...}) }))`, `addScope('name', fn)`, `scopes: { name(userId) {...} }`). */
function scopeDefinition(modelName: string, scopeName: string | undefined, file: TaintedCall['file'], modules: ModuleIndex): ts.Expression[] | undefined {
  if (scopeName === undefined) return undefined;
  const binding = modules.resolveName(file, modelName);
  if (binding?.kind !== 'declaration') return undefined;
  let found: ts.Expression[] | undefined;
  walkDescendants(binding.file.sourceFile, (node) => {
    if (found) return false;
    let fn: ts.Node | undefined;
    if ((ts.isPropertyAssignment(node) || ts.isMethodDeclaration(node)) && propertyNameText(node.name) === scopeName) fn = ts.isPropertyAssignment(node) ? skipOuterExpressions(node.initializer) : node;
    else if (ts.isCallExpression(node) && calleeName(node) === 'addScope' && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0]) && node.arguments[0].text === scopeName) fn = node.arguments[1] && skipOuterExpressions(node.arguments[1]);
    if (fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn) || ts.isMethodDeclaration(fn)) && fn.body) {
      found = returnedExpressions(fn.body).map((expression) => skipOuterExpressions(expression));
      return false;
    }
    return undefined;
  });
  return found;
}

/** Options that keep only some records: a `where`, or an include that must match (`required: true`, or a `where` without `required: false`). */
function scopeFilters(returned: ts.Expression[]): boolean {
  const includeFilters = (include: ts.Expression): boolean => {
    const value = skipOuterExpressions(include);
    if (ts.isArrayLiteralExpression(value)) return value.elements.some(includeFilters);
    if (!ts.isObjectLiteralExpression(value)) return false;
    const required = objectProperty(value, 'required');
    const requiredKind = required && skipOuterExpressions(required).kind;
    if (requiredKind === ts.SyntaxKind.TrueKeyword) return true;
    if (requiredKind === ts.SyntaxKind.FalseKeyword) return false;
    if (objectProperty(value, 'where')) return true;
    const nested = objectProperty(value, 'include');
    return nested !== undefined && includeFilters(nested);
  };
  return returned.some((expression) => {
    if (!ts.isObjectLiteralExpression(expression)) return false;
    if (objectProperty(expression, 'where')) return true;
    const include = objectProperty(expression, 'include');
    return include !== undefined && includeFilters(include);
  });
}

/** The caller as a whole argument (`userId`, `req.user.id`, `this.getUid()`), never inside an object. */
function bareCaller(walker: FilterWalker, argument: ts.Expression): string | undefined {
  const value = skipOuterExpressions(argument);
  if (ts.isCallExpression(value)) return value.arguments.length === 0 && PRINCIPAL_SPELLING.test(value.getText()) ? value.getText() : undefined;
  return ts.isIdentifier(value) || ts.isPropertyAccessExpression(value) ? walker.principalIn(value, 0) : undefined;
}

/**
 * `findUnique({ where: tagWhereUniqueInput })` in `getTag(tagWhereUniqueInput)`: the filter is a
 * value the function was given whole, so its keys are in what each caller passes.
 */
function withFilterValue(facts: LookupFacts, filter: ts.Expression | undefined): LookupFacts {
  const value = filter && skipOuterExpressions(filter);
  if (value && ts.isIdentifier(value) && facts.keys.length === 0 && facts.principalFields.length === 0 && !localInitializer(value)) facts.filterValue = value;
  return facts;
}

/**
 * `normalizeMatch(match)`: a call to a function of the same file that returns a copy of its first
 * parameter (`const copy = { ...match }; ... return copy;`, `return { ...match, deleted: false }`)
 * passes the caller's filter on, keys renamed perhaps but none of the caller's dropped: the
 * argument is the filter. Undefined for any other call.
 */
function passedThroughArgument(expression: ts.Expression): ts.Expression | undefined {
  const call = skipOuterExpressions(expression);
  if (!ts.isCallExpression(call) || call.arguments.length !== 1 || !ts.isIdentifier(call.expression)) return undefined;
  const name = call.expression.text;
  const declaration = call.getSourceFile().statements.find((statement): statement is ts.FunctionDeclaration => ts.isFunctionDeclaration(statement) && statement.name?.text === name && statement.body !== undefined);
  const parameter = declaration?.parameters[0]?.name;
  if (!declaration?.body || !parameter || !ts.isIdentifier(parameter)) return undefined;
  const spreadsParameter = (value: ts.Expression | undefined): boolean => {
    const object = value && skipOuterExpressions(value);
    return !!object && ts.isObjectLiteralExpression(object) && object.properties.some((property) => ts.isSpreadAssignment(property) && ts.isIdentifier(skipOuterExpressions(property.expression)) && (skipOuterExpressions(property.expression) as ts.Identifier).text === parameter.text);
  };
  const returned: Array<ts.Expression | undefined> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return;
    if (ts.isReturnStatement(node)) returned.push(node.expression);
    else ts.forEachChild(node, visit);
  };
  ts.forEachChild(declaration.body, visit);
  const copies = returned.length > 0 && returned.every((value) => {
    const inner = value && skipOuterExpressions(value);
    if (inner && ts.isIdentifier(inner)) return spreadsParameter(localInitializer(inner));
    return spreadsParameter(inner);
  });
  return copies ? call.arguments[0] : undefined;
}

/** The keys and owner constraints of a filter a caller passes to a function that looks records up with it whole. */
export function filterFacts(tainted: TaintedCall, filter: ts.Expression): LookupFacts {
  const facts: LookupFacts = { keys: [], principalFields: [], parentRecords: [] };
  new FilterWalker(tainted, facts).walk(filter, undefined, 0);
  return facts;
}

export function isWriteAccess(lookup: LookupAccess): boolean {
  return lookup.access.operation === 'write' || WRITE_WORD.has(lookup.access.method) || loadedRecordUse(lookup.node).writesThroughRecord;
}

/**
 * What the function that loads a record does with it afterwards: links it (pushes it into a
 * collection, or a child into its own), changes it (`Object.assign(record, ...)`, `record.title = ...`,
 * deletes or updates it), and whether the change is stored through the record itself
 * (`await project.deleteOne()`, `post.destroy()`, `Object.assign(note, body); await note.save()`):
 * then the route writes the record it looked up, whatever the lookup's own method.
 */
export function loadedRecordUse(access: ts.Node): { links: number; changed: boolean; writesThroughRecord: boolean } {
  const known = loadedRecordUses.get(access);
  if (known) return known;
  const use = loadedRecordUseUncached(access);
  loadedRecordUses.set(access, use);
  return use;
}

const loadedRecordUses = new WeakMap<ts.Node, { links: number; changed: boolean; writesThroughRecord: boolean }>();
/**
 * Methods of an ORM record instance that store a change of it: Mongoose documents, Sequelize and
 * Objection instances, TypeORM BaseEntity; and a project base model's variants of them that hand
 * the request's context along (`destroyWithCtx(ctx)`, `updateWithCtx(ctx, keys)`, `saveWithCtx(ctx)`
 * of a `Model` subclass that wraps `this.destroy(...)` to publish an event).
 */
const RECORD_INSTANCE_WRITES = /^(?:deleteOne|remove|destroy|softRemove|softDelete|restore|update|updateOne|increment|decrement)(?:With[A-Z]\w*)?$/;
const RECORD_INSTANCE_SAVE = /^save(?:With[A-Z]\w*)?$/;

function loadedRecordUseUncached(access: ts.Node): { links: number; changed: boolean; writesThroughRecord: boolean } {
  let node: ts.Node = access;
  while (node.parent && (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent))) node = node.parent;
  const declaration = node.parent;
  const name = declaration && ts.isVariableDeclaration(declaration) && ts.isIdentifier(declaration.name) ? declaration.name.text : declaration && ts.isBinaryExpression(declaration) && ts.isIdentifier(declaration.left) ? declaration.left.text : undefined;
  const fn = enclosingFunction(access) as (ts.SignatureDeclaration & { body?: ts.Node }) | undefined;
  if (!name || !fn?.body) return { links: 0, changed: false, writesThroughRecord: false };
  let links = 0;
  let otherChange = false;
  let ownWrite = false;
  let saved = false;
  const isResult = (expression: ts.Node): boolean => ts.isIdentifier(expression) && expression.text === name;
  const visit = (child: ts.Node): void => {
    if (ts.isCallExpression(child) && ts.isPropertyAccessExpression(child.expression)) {
      const method = child.expression.name.text;
      const target = child.expression.expression;
      const ownerOfTarget = ts.isPropertyAccessExpression(target) ? target.expression : undefined;
      if (isResult(target) && RECORD_INSTANCE_WRITES.test(method)) {
        ownWrite = true; // project.deleteOne(), post.destroy(), note.update({ ... })
        otherChange = true;
      } else if (isResult(target) && RECORD_INSTANCE_SAVE.test(method)) saved = true;
      else if (isResult(target) && method === 'set') otherChange = true; // doc.set({ ... })
      else if (method === 'push' && ownerOfTarget && isResult(ownerOfTarget)) links++; // article.comments.push(comment)
      else if (method === 'push' && child.arguments.some(isResult)) links++; // user.favorites.push(article)
      else if (method === 'splice' && ownerOfTarget && !isResult(ownerOfTarget)) links++; // user.favorites.splice(i, 1)
      else if (method === 'splice' || (/^(?:delete|remove|destroy|update|softDelete|softRemove)$/.test(method) && child.arguments.some(isResult))) otherChange = true;
      else if (ts.isIdentifier(child.expression.expression) && child.expression.expression.text === 'Object' && method === 'assign' && child.arguments[0] && isResult(child.arguments[0])) otherChange = true;
    }
    if (ts.isBinaryExpression(child) && child.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && child.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
      let left: ts.Node = child.left;
      while (ts.isPropertyAccessExpression(left) || ts.isElementAccessExpression(left)) left = left.expression;
      if (isResult(left) && child.left !== left) otherChange = true; // article.title = ...
    }
    ts.forEachChild(child, visit);
  };
  visit(fn.body);
  return { links, changed: otherChange, writesThroughRecord: ownWrite || (saved && otherChange) };
}


const MAX_FILTER_DEPTH = 16;

/** The object literals a local arrow or function expression returns, outside nested functions; undefined when it is none. */
function closureReturns(callee: ts.Identifier): ts.Expression[] | undefined {
  const fn = localInitializer(callee);
  if (!fn || (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn))) return undefined;
  if (!ts.isBlock(fn.body)) return ts.isObjectLiteralExpression(skipOuterExpressions(fn.body)) ? [fn.body] : undefined;
  const found: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return;
    if (ts.isReturnStatement(node) && node.expression && ts.isObjectLiteralExpression(skipOuterExpressions(node.expression))) found.push(node.expression);
    else ts.forEachChild(node, visit);
  };
  ts.forEachChild(fn.body, visit);
  return found.length > 0 ? found : undefined;
}

class FilterWalker {
  /**
   * Values the top-level filter spreads that the function was given whole (`{ ...query, deleted: false }`
   * in a repository's `findActive(query)`): their keys are in what each caller passes.
   */
  readonly spreadValues: ts.Identifier[] = [];

  /**
   * Inside a filter a project helper builds (`where: byTypebotId(typebotId)`), its parameters as the
   * call passes them: the helper's `{ id: typebotId }` is read as the caller's value.
   */
  private passed: { fn: ts.SignatureDeclaration; values: ReadonlyMap<string, ts.Expression> } | undefined;

  constructor(
    private readonly tainted: TaintedCall,
    private readonly facts: LookupFacts,
    private readonly modules?: ModuleIndex,
  ) {}

  /** The caller's value for a helper parameter named in the filter the helper returns. */
  private passedValue(expression: ts.Expression): ts.Expression | undefined {
    const value = skipOuterExpressions(expression);
    if (!this.passed || !ts.isIdentifier(value)) return undefined;
    let fn = enclosingFunction(value);
    while (fn && fn !== this.passed.fn) fn = enclosingFunction(fn);
    return fn ? this.passed.values.get(value.text) : undefined;
  }

  /**
   * The objects a project function returns when called with these arguments, with its plain parameters
   * bound to them: a filter builder (`const byTypebotId = (id: string) => ({ id })`). Not a function
   * whose parameter is an object or spread, nor one outside the project.
   */
  private builtFilter(call: ts.CallExpression): { fn: ts.SignatureDeclaration; returned: ts.Expression[]; values: Map<string, ts.Expression> } | undefined {
    const file = this.modules?.fileOf(call);
    const resolved = file && this.modules && resolveFunction(this.modules, file, call.expression);
    const fn = resolved?.node as (ts.SignatureDeclaration & { body?: ts.Node }) | undefined;
    if (!fn?.body || fn === this.passed?.fn) return undefined;
    const returned = ts.isBlock(fn.body) ? returnedExpressions(fn.body) : [fn.body as ts.Expression];
    const objects = (expression: ts.Expression): boolean => {
      const value = skipOuterExpressions(expression);
      return ts.isObjectLiteralExpression(value) || (ts.isConditionalExpression(value) && objects(value.whenTrue) && objects(value.whenFalse));
    };
    if (returned.length === 0 || !returned.every(objects)) return undefined;
    const values = new Map<string, ts.Expression>();
    for (const [index, parameter] of fn.parameters.entries()) {
      if (!ts.isIdentifier(parameter.name) || parameter.dotDotDotToken) return undefined;
      const argument = call.arguments[index];
      if (argument) values.set(parameter.name.text, argument);
    }
    // Every value in what it returns is a parameter or a constant: anything else (`userId: currentUserId()`,
    // a closure's tenant) may scope it in ways read nowhere here, and the helper is left unread as before.
    const plain = (expression: ts.Expression): boolean => {
      const value = skipOuterExpressions(expression);
      if (ts.isObjectLiteralExpression(value)) return value.properties.every((property) => ts.isPropertyAssignment(property) ? plain(property.initializer) : ts.isShorthandPropertyAssignment(property) && values.has(property.name.text));
      if (ts.isArrayLiteralExpression(value)) return value.elements.every((element) => !ts.isSpreadElement(element) && plain(element));
      if (ts.isConditionalExpression(value)) return plain(value.whenTrue) && plain(value.whenFalse);
      if (ts.isIdentifier(value)) return values.has(value.text) || value.text === 'undefined';
      return ts.isLiteralExpression(value) || value.kind === ts.SyntaxKind.TrueKeyword || value.kind === ts.SyntaxKind.FalseKeyword || value.kind === ts.SyntaxKind.NullKeyword;
    };
    if (!returned.every(plain)) return undefined;
    return { fn, returned, values };
  }

  /** Objects, arrays, operator calls (`eq(t.id, id)`, `and(...)`, `new ObjectId(id)`), local consts. */
  walk(expression: ts.Expression, field: string | undefined, hops: number, sqlFragment?: string): void {
    const value = skipOuterExpressions(expression);
    // Prisma relation filters nest deep (`teamGroups.some.organisationGroup.organisationGroupMembers.some
    // .organisationMember.userId`, 8 levels); the bound only stops pathological literals.
    if (hops > MAX_FILTER_DEPTH) return;
    const passed = this.passedValue(value);
    if (passed) {
      const inside = this.passed;
      this.passed = undefined;
      this.walk(passed, field, hops + 1, sqlFragment);
      this.passed = inside;
      return;
    }
    if (ts.isObjectLiteralExpression(value)) {
      for (const property of value.properties) {
        if (ts.isSpreadAssignment(property)) {
          const spread = skipOuterExpressions(property.expression);
          if (hops === 0 && ts.isIdentifier(spread) && !localInitializer(spread)) this.spreadValues.push(spread);
          this.walk(property.expression, field, hops + 1);
        }
        else if (ts.isShorthandPropertyAssignment(property)) this.leaf(property.name, fieldFromFragment(sqlFragment, property.name.text));
        else if (ts.isPropertyAssignment(property)) {
          const key = propertyNameText(property.name);
          const constant = skipOuterExpressions(property.initializer);
          if (key && ((PUBLIC_FIELD.test(key) && constant.kind === ts.SyntaxKind.TrueKeyword) || (VISIBILITY_FIELD.test(key) && ts.isStringLiteralLike(constant) && /^public$/i.test(constant.text)))) {
            this.facts.publicOnly = property.getText();
          }
          // `[type === 'space' ? 'spaceId' : 'baseId']: resourceId`: a column chosen at run time is one of its names.
          const chosen = key === undefined ? chosenColumns(property.name) : [];
          if (chosen.length > 0) {
            for (const column of chosen) this.walk(property.initializer, sqlFragment ? fieldFromFragment(sqlFragment, column) : column, hops + 1);
            continue;
          }
          const nested = key && key.startsWith('$') ? field : key ?? field;
          this.walk(property.initializer, sqlFragment ? fieldFromFragment(sqlFragment, key ?? '') : nested, hops + 1);
        }
      }
      return;
    }
    if (ts.isArrayLiteralExpression(value)) {
      for (const element of value.elements) this.walk(ts.isSpreadElement(element) ? element.expression : element, field, hops + 1);
      return;
    }
    if (ts.isConditionalExpression(value)) {
      this.walk(value.whenTrue, field, hops + 1);
      this.walk(value.whenFalse, field, hops + 1);
      return;
    }
    // Drizzle's relational `where: (table, { eq, and }) => and(eq(table.id, id), ...)`: the filter is what the callback returns.
    if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) {
      for (const returned of returnedExpressions(value.body)) this.walk(returned, field, hops + 1);
      return;
    }
    if ((ts.isCallExpression(value) || ts.isNewExpression(value)) && value.arguments && value.arguments.length > 0) {
      const name = calleeName(value);
      // drizzle eq(orders.id, id) / and(eq(...), eq(...)); mongodb new ObjectId(id)
      if (DRIZZLE_COMPARISONS.has(name) || DRIZZLE_COMBINATORS.has(name)) {
        const [column, operand] = value.arguments;
        // `and(...conditions)`: a spread list is walked with what is pushed onto it (see the identifier case).
        if (DRIZZLE_COMBINATORS.has(name)) value.arguments.forEach((argument) => this.walk(argument, field, hops + 1));
        else if (column && operand) this.leaf(operand, column.getText().split('.').pop() ?? field ?? 'id');
        return;
      }
      // Kysely's expression builder: eb('owner_id', '=', me) (its and/or are the combinators above), a subquery
      // (`eb.exists(eb.selectFrom('members').where('user_id', '=', me))`): the rows it admits are its filters'.
      const comparison = ts.isCallExpression(value) ? columnComparison(value) : undefined;
      if (comparison) {
        if (KYSELY_EQUALITY.has(comparison.operator)) this.walk(comparison.value, lastSegment(comparison.column), hops + 1);
        return;
      }
      const subquery = ts.isCallExpression(value) ? kyselyChain(value) : undefined;
      if (subquery) {
        this.kyselyLinks(subquery, hops + 1);
        return;
      }
      if (KYSELY_SUBQUERY_TESTS.has(name) && value.arguments.length === 1) {
        this.walk(value.arguments[0]!, field, hops + 1);
        return;
      }
      if (/^(?:ObjectId|ObjectID|String|Number|parseInt|toObjectId|Types\.ObjectId)$/.test(name) || /ObjectId$/.test(name)) {
        this.walk(value.arguments[0]!, field, hops + 1);
        return;
      }
      // A filter a helper builds from the caller (`team: buildTeamWhereQuery({ teamId, userId })`): the
      // relation is narrowed to what the user may reach, whatever else the helper is given.
      const principal = value.arguments.map((argument) => this.principalIn(argument, 0)).find((found) => found !== undefined);
      if (principal !== undefined) {
        this.facts.principalFields.push(`${field ?? name} (built by ${name}() from ${principal})`);
        return;
      }
      // A filter a project helper builds from ids alone (`where: byTypebotId(typebotId)`): what it returns,
      // with the caller's values for its parameters.
      const built = ts.isCallExpression(value) && !this.passed ? this.builtFilter(value) : undefined;
      if (built) {
        this.passed = { fn: built.fn, values: built.values };
        for (const returned of built.returned) this.walk(returned, field, hops + 1);
        this.passed = undefined;
        return;
      }
    }
    if (ts.isSpreadElement(value)) {
      this.walk(value.expression, field, hops + 1);
      return;
    }
    if (ts.isIdentifier(value)) {
      const initializer = localInitializer(value);
      if (initializer && (ts.isObjectLiteralExpression(initializer) || ts.isArrayLiteralExpression(initializer))) {
        this.walk(initializer, field, hops + 1);
        // `filters.push(eq(t.id, id))` after `const filters = [...]`: the pushed conditions filter too.
        const declaration = ts.isArrayLiteralExpression(initializer) ? localDeclaration(value) : undefined;
        if (declaration) for (const pushed of pushedConditions(declaration)) this.walk(pushed, field, hops + 1);
        return;
      }
      // `const condition = eq(t.id, id)` then `.where(condition)`.
      if (initializer && ts.isCallExpression(initializer) && (DRIZZLE_COMPARISONS.has(calleeName(initializer)) || DRIZZLE_COMBINATORS.has(calleeName(initializer)))) {
        this.walk(initializer, field, hops + 1);
        return;
      }
    }
    // A filter a closure of the same function returns (`collection.find(searchCriteria())` where
    // `const searchCriteria = () => threshold ? {...} : { userId: parsedUserId }`): each object it returns.
    const returned = ts.isCallExpression(value) && value.arguments.length === 0 && ts.isIdentifier(value.expression) ? closureReturns(value.expression) : undefined;
    if (returned) {
      for (const expression of returned) this.walk(expression, field, hops + 1);
      return;
    }
    this.leaf(value, field);
  }

  /**
   * The filter links of a Kysely chain (its where/having links and its inner joins' conditions), and what
   * the builder helper it starts from is given: `this.getByIdBuilder(id)` keys the lookup by the helper's
   * `id`; `this.buildAlbumBaseQuery(auth.user.id, ...)` is scoped by the caller, as a helper-built filter is.
   */
  kyselyLinks(chain: KyselyChain, hops: number): void {
    if (hops > MAX_FILTER_DEPTH) return;
    for (const link of chain.links) {
      if (link === chain.helper?.call) {
        const principal = link.arguments.map((argument) => this.principalIn(argument, 0)).find((found) => found !== undefined);
        if (principal !== undefined) this.facts.principalFields.push(`${calleeName(link)}() given ${principal}`);
        else link.arguments.forEach((argument, index) => this.leaf(argument, chain.helper!.parameters[index]));
        continue;
      }
      const name = calleeName(link);
      if (KYSELY_FILTER_METHODS.has(name)) {
        const comparison = columnComparison(link);
        if (comparison) {
          if (KYSELY_EQUALITY.has(comparison.operator)) this.walk(comparison.value, lastSegment(comparison.column), hops + 1);
        } else if (link.arguments[0]) this.walk(link.arguments[0], undefined, hops + 1);
      } else if (INNER_JOIN_METHODS.has(name)) {
        // `innerJoin('members', (join) => join.onRef('members.note_id', '=', 'notes.id').on('members.user_id', '=', me))`
        const condition = link.arguments[1] && skipOuterExpressions(link.arguments[1]);
        if (!condition || (!ts.isArrowFunction(condition) && !ts.isFunctionExpression(condition))) continue;
        for (const returned of returnedExpressions(condition.body)) {
          const on = skipOuterExpressions(returned);
          if (ts.isCallExpression(on)) chainCalls(on).forEach((part) => this.walk(part, undefined, hops + 1));
        }
      }
    }
  }

  /** The caller's id handed to a call, directly or as a member of an object argument (`{ teamId, userId }`). */
  principalIn(expression: ts.Expression, depth: number): string | undefined {
    const value = skipOuterExpressions(expression);
    if (depth > 3) return undefined;
    if (ts.isObjectLiteralExpression(value)) {
      for (const property of value.properties) {
        const part = ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
        const found = part && this.principalIn(part, depth + 1);
        if (found) return found;
      }
      return undefined;
    }
    if (!ts.isIdentifier(value) && !ts.isPropertyAccessExpression(value)) return undefined;
    const origin = this.tainted.originOf(value);
    return origin.kind === 'principal' || PRINCIPAL_SPELLING.test(value.getText()) ? value.getText() : undefined;
  }

  /**
   * A DynamoDB `Key` a helper builds (`Key: noteKey(sub, id)` for `(owner, id) => ({ PK: \`USER#${owner}\`,
   * SK: ... })`): the dataflow's summary of what it returns gives each attribute's origin, the caller's
   * scoping the item, a client id keying it (judged by name as in a literal Key). A key the client
   * sends whole is the client's choice of item.
   */
  builtKey(expression: ts.Expression, known?: ValueOrigin): void {
    const origin = known ?? this.tainted.originOf(expression);
    if (origin.kind !== 'tainted') return;
    // `Key: JSON.parse(event.body).key`: the client hands over the whole key, any item's.
    if (!origin.fields) {
      if (!origin.taint.requestObject) this.facts.keys.push({ expression, field: DYNAMODB_KEY_PROPERTY, taint: origin.taint });
      return;
    }
    for (const [field, value] of Object.entries(origin.fields)) {
      if (value.kind === 'principal') this.facts.principalFields.push(field);
      const taint = identityTaint(value);
      // The input's own name (`event.pathParameters.username`) decides under a generic attribute, as in a literal Key.
      const named = taint && /[\w$]+$/.exec(taint.source.label)?.[0];
      if (taint && !taint.requestObject && (KEY_FIELD.test(field) || genericKeyHoldsId(field, named))) this.facts.keys.push({ expression, field, taint });
    }
  }

  /**
   * A whole DynamoDB request a helper builds (`new GetCommand(noteParams(sub, id))` for `(owner, id) =>
   * ({ TableName, Key: { ownerId: owner, noteId: id } })`): its `Key` as the dataflow's summary gives it.
   */
  builtRequest(expression: ts.Expression): void {
    const origin = this.tainted.originOf(expression);
    const key = origin.kind === 'tainted' && origin.fields && Object.hasOwn(origin.fields, DYNAMODB_KEY_PROPERTY) ? origin.fields[DYNAMODB_KEY_PROPERTY] : undefined;
    if (key) this.builtKey(expression, key);
  }

  /** `keyed`: the field is a key whatever its name (a DynamoDB key attribute: `PK`, or a composite `NOTE#${id}`). */
  leaf(expression: ts.Expression, field: string | undefined, keyed = false): void {
    const passed = this.passedValue(expression);
    if (passed) {
      const inside = this.passed;
      this.passed = undefined;
      this.walk(passed, field, 0);
      this.passed = inside;
      return;
    }
    // A name of the helper's own (a local, a constant): not something the caller's context can tell.
    if (this.passed) return;
    const origin = this.tainted.originOf(expression);
    if (origin.kind === 'principal' || PRINCIPAL_SPELLING.test(expression.getText()) || boundToSessionUser(expression)) {
      this.facts.principalFields.push(field ?? (origin.kind === 'principal' ? origin.label : expression.getText()));
      return;
    }
    const taint = identityTaint(origin);
    if (!taint && field && KEY_FIELD.test(field)) {
      // `envelopeId: envelope.id`, `envelope: envelope._id`: a record the code holds, not the client's value.
      const value = skipOuterExpressions(expression);
      if (ts.isPropertyAccessExpression(value) && ts.isIdentifier(value.expression) && /^(?:_?id|uuid)$|(?:Id|_id)$/.test(value.name.text)) {
        this.facts.parentRecords.push({ field, record: value.expression });
      } else if (ts.isIdentifier(value)) {
        this.facts.parentRecords.push({ field, record: value, heldId: true });
      }
    }
    if (!taint || !field || !(keyed || KEY_FIELD.test(field))) return;
    // A whole request object as the filter value is not one record's key.
    if (taint.requestObject) return;
    this.facts.keys.push({ expression, field, taint });
  }
}

/**
 * A DynamoDB request (models/dynamodb.ts): the item's `Key` (`{ userId, listId }`, low-level
 * `{ id: { S: id } }`), and each `ExpressionAttributeValues` placeholder the key condition, filter
 * or write condition compares with a field (`'ownerId = :uid'`, `#o` through `ExpressionAttributeNames`).
 * Placeholders only the update expression uses are values written, not the item's selection.
 */
function dynamoFacts(walker: FilterWalker, request: ts.Expression, depth = 0): void {
  const object = dynamoRequestObject(request);
  if (!object && depth === 0) walker.builtRequest(request);
  if (!object || depth > 2) return;
  // A transaction's items (`TransactItems: [{ Update: { TableName, Key, ... } }, { Delete: ... }]`) and
  // a batch read's keys (`RequestItems: { [table]: { Keys: ids.map((id) => ({ id })) } }`) each select items.
  const transaction = objectProperty(object, DYNAMODB_TRANSACTION_PROPERTY);
  for (const item of transaction ? arrayElements(transaction) : []) {
    for (const operation of DYNAMODB_TRANSACTION_LOOKUPS) {
      const selected = objectProperty(item, operation);
      if (selected) dynamoFacts(walker, selected, depth + 1);
    }
  }
  const batch = dynamoRequestObject(objectProperty(object, DYNAMODB_BATCH_PROPERTY) ?? object);
  for (const table of batch && batch !== object ? batch.properties : []) {
    const keys = ts.isPropertyAssignment(table) ? objectProperty(table.initializer, DYNAMODB_BATCH_KEYS_PROPERTY) : undefined;
    for (const { object: keyObject, element } of keys ? batchKeyObjects(keys) : []) dynamoKeyFacts(walker, keyObject, element);
  }
  const key = objectProperty(object, DYNAMODB_KEY_PROPERTY);
  const keyObject = key && dynamoRequestObject(key);
  if (key && !keyObject) walker.builtKey(key);
  if (keyObject) dynamoKeyFacts(walker, keyObject);
  const expressions = DYNAMODB_SELECTING_EXPRESSIONS.flatMap((name) => {
    const value = objectProperty(object, name);
    return value ? sqlLiterals(value) : [];
  }).join(' AND ');
  const values = objectProperty(object, DYNAMODB_VALUES_PROPERTY);
  const valuesObject = values && dynamoRequestObject(values);
  if (!expressions || !valuesObject) return;
  const aliases = new Map<string, string>();
  const names = objectProperty(object, DYNAMODB_NAMES_PROPERTY);
  for (const property of (names && dynamoRequestObject(names)?.properties) ?? []) {
    const alias = property.name && propertyNameText(property.name);
    const value = ts.isPropertyAssignment(property) ? skipOuterExpressions(property.initializer) : undefined;
    if (alias && value && ts.isStringLiteralLike(value)) aliases.set(alias, value.text);
  }
  for (const property of valuesObject.properties) {
    if (!ts.isPropertyAssignment(property)) continue;
    const placeholder = propertyNameText(property.name);
    const compared = placeholder && comparedAttribute(expressions, placeholder);
    if (compared) dynamoKeyValue(walker, dynamoTypedValue(property.initializer), lastSegment(aliases.get(compared) ?? compared));
  }
}

/**
 * Each attribute of a DynamoDB key object (`{ userId, listId }`, `{ PK: \`USER#${sub}\` }`). In a
 * `.map()` callback's key, its element parameter stands for an element of the array mapped (`ids`).
 */
function dynamoKeyFacts(walker: FilterWalker, keyObject: ts.ObjectLiteralExpression, element?: { name: string; array: ts.Expression }): void {
  const value = (expression: ts.Expression): ts.Expression => {
    const bare = skipOuterExpressions(expression);
    return element && ts.isIdentifier(bare) && bare.text === element.name ? element.array : expression;
  };
  for (const property of keyObject.properties) {
    if (ts.isShorthandPropertyAssignment(property)) walker.leaf(value(property.name), property.name.text);
    else if (ts.isPropertyAssignment(property)) {
      const field = propertyNameText(property.name);
      if (field) dynamoKeyValue(walker, value(dynamoTypedValue(property.initializer)), field);
    }
  }
}

/** A batch's key objects: an array of literals, or what a `.map()` callback returns for each element (`ids.map((id) => ({ id }))`). */
function batchKeyObjects(keys: ts.Expression): Array<{ object: ts.ObjectLiteralExpression; element?: { name: string; array: ts.Expression } }> {
  let value = skipOuterExpressions(keys);
  // `const keys = ids.map((id) => ({ id })); ... Keys: keys`.
  if (ts.isIdentifier(value)) value = localInitializer(value) ?? value;
  if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && value.expression.name.text === 'map') {
    const callback = value.arguments[0] && skipOuterExpressions(value.arguments[0]);
    if (!callback || (!ts.isArrowFunction(callback) && !ts.isFunctionExpression(callback))) return [];
    const parameter = callback.parameters[0]?.name;
    const element = parameter && ts.isIdentifier(parameter) ? { name: parameter.text, array: value.expression.expression } : undefined;
    return returnedExpressions(callback.body).flatMap((returned) => {
      const object = skipOuterExpressions(returned);
      return ts.isObjectLiteralExpression(object) ? [{ object, ...(element ? { element } : {}) }] : [];
    });
  }
  return arrayElements(value).flatMap((element) => {
    const object = dynamoRequestObject(element);
    return object ? [{ object }] : [];
  });
}

/** The elements of an array literal, or of the local array literal a name holds. */
function arrayElements(expression: ts.Expression): ts.Expression[] {
  let value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value)) value = localInitializer(value) ?? value;
  return ts.isArrayLiteralExpression(value) ? value.elements.filter((element): element is ts.Expression => !ts.isSpreadElement(element)) : [];
}

/**
 * A value a DynamoDB key attribute (or a compared attribute) is given. Single-table designs build it
 * from a prefix and an id (`PK: \`USER#${userId}\``, `'NOTE#' + id`): each value in the text is judged
 * on its own, the caller's making the item the caller's, a client id choosing the item. Under a
 * generic key name (`PK`, `SK`) the attribute says nothing of what it holds, so the value's own name
 * decides (`event.pathParameters.id` is an id, `username` a public handle, as for any other lookup).
 */
function dynamoKeyValue(walker: FilterWalker, expression: ts.Expression, field: string): void {
  const parts = composedParts(expression);
  for (const part of parts ?? [expression]) walker.leaf(part, field, genericKeyHoldsId(field, valueName(part)));
}

/** A generic key attribute (`PK`) given a value named like an id, or one whose name the code does not show. */
export function genericKeyHoldsId(field: string, name: string | undefined): boolean {
  return DYNAMODB_KEY_ATTRIBUTE_NAME.test(field) && (name === undefined || KEY_FIELD.test(name));
}

/** The name a value goes by: `id` for `event.pathParameters.id` or `id`, `userId` for `params['userId']`; undefined for a call or other expression. */
function valueName(expression: ts.Expression): string | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value)) return value.text;
  if (ts.isPropertyAccessExpression(value)) return value.name.text;
  if (ts.isElementAccessExpression(value) && ts.isStringLiteralLike(value.argumentExpression)) return value.argumentExpression.text;
  return undefined;
}

/** The values a template or a string concatenation is built from (its literal text left out), or undefined for any other expression. */
function composedParts(expression: ts.Expression): ts.Expression[] | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isTemplateExpression(value)) return value.templateSpans.map((span) => span.expression);
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const sides = [value.left, value.right].flatMap((side) => composedParts(side) ?? (ts.isStringLiteralLike(skipOuterExpressions(side)) ? [] : [side]));
    return ts.isStringLiteralLike(skipOuterExpressions(value.left)) || ts.isStringLiteralLike(skipOuterExpressions(value.right)) || composedParts(value.left) || composedParts(value.right) ? sides : undefined;
  }
  return undefined;
}

/** The attribute an expression compares with a placeholder: `userId = :uid`, `:uid = userId`, `begins_with(#sk, :p)`, `id IN (:a, :b)`. */
function comparedAttribute(expression: string, placeholder: string): string | undefined {
  const escaped = placeholder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const patterns = [
    new RegExp(`(#?[A-Za-z_][\\w.#]*)\\s*(?:=|<>|<=?|>=?)\\s*${escaped}(?![\\w])`),
    new RegExp(`${escaped}\\s*(?:=|<>|<=?|>=?)\\s*(#?[A-Za-z_][\\w.#]*)`),
    new RegExp(`\\w+\\s*\\(\\s*(#?[A-Za-z_][\\w.#]*)\\s*,\\s*${escaped}(?![\\w])`),
    new RegExp(`(#?[A-Za-z_][\\w.#]*)\\s+IN\\s*\\([^)]*${escaped}(?![\\w])`, 'i'),
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(expression);
    if (match) return match[1];
  }
  return undefined;
}

/** `{ S: id }` -> id: the low-level client's typed value is the value it holds. */
function dynamoTypedValue(expression: ts.Expression): ts.Expression {
  const value = skipOuterExpressions(expression);
  if (ts.isObjectLiteralExpression(value) && value.properties.length === 1) {
    const only = value.properties[0]!;
    const name = only.name && propertyNameText(only.name);
    if (name && DYNAMODB_TYPE_DESCRIPTORS.includes(name) && ts.isPropertyAssignment(only)) return only.initializer;
  }
  return expression;
}

/** `WHERE o.id = $1 AND o.user_id = $2` with params `[id, req.user.id]`. */
function sqlFacts(tainted: TaintedCall, call: ts.CallExpression, facts: LookupFacts): void {
  const [text, params] = call.arguments;
  if (!text) return;
  // slonik `pool.maybeOne(sql\`SELECT ... WHERE id = ${id}\`)`, `Prisma.sql\`...\``: a parameterizing tag binds each
  // substitution as the next parameter, read here as `$1`, `$2` ... in place of the substitutions.
  const tagged = skipOuterExpressions(text);
  const bound = ts.isTaggedTemplateExpression(tagged) && ts.isTemplateExpression(tagged.template) ? tagged.template : undefined;
  const sql = bound ? bound.head.text + bound.templateSpans.map((span, index) => `$${index + 1}${span.literal.text}`).join('') : sqlLiterals(text).join('?');
  const where = /\bwhere\b([\s\S]*)$/i.exec(sql)?.[1];
  if (!where) return;
  const paramsValue = params && skipOuterExpressions(params);
  const elements = bound ? bound.templateSpans.map((span) => span.expression) : paramsValue && ts.isArrayLiteralExpression(paramsValue) ? paramsValue.elements : undefined;
  if (!elements) return;
  const beforeWhere = sql.length - where.length;
  elements.forEach((element, index) => {
    const origin = tainted.originOf(element);
    const column = columnOfPlaceholder(sql, index, beforeWhere);
    if (origin.kind === 'principal' || PRINCIPAL_SPELLING.test(element.getText())) {
      if (column !== undefined) facts.principalFields.push(column);
      return;
    }
    const taint = identityTaint(origin);
    if (taint && column !== undefined && KEY_FIELD.test(column)) facts.keys.push({ expression: element, field: column, taint });
  });
}

/** The column compared with the index-th parameter after WHERE (`$n`, or the n-th `?`), if any. */
function columnOfPlaceholder(sql: string, index: number, whereStart: number): string | undefined {
  const numbered = new RegExp(`([A-Za-z_][\\w."]*)\\s*(?:=|IN\\s*\\(|=\\s*ANY\\s*\\()\\s*\\$${index + 1}(?!\\d)`, 'i');
  const match = numbered.exec(sql);
  if (match) return match.index >= whereStart ? lastSegment(match[1]!.replace(/"/g, '')) : undefined;
  let seen = -1;
  const positional = /([A-Za-z_][\w."]*)?\s*(?:=\s*)?\?/g;
  for (let found = positional.exec(sql); found; found = positional.exec(sql)) {
    seen++;
    if (seen === index) return found.index >= whereStart && found[1] ? lastSegment(found[1].replace(/"/g, '')) : undefined;
  }
  return undefined;
}

/**
 * The conditions of a TypeORM `new Brackets((qb) => { qb.where(a); qb.andWhere(b) })`: each where link
 * called on the callback's builder. Undefined for anything else, for `NotBrackets` (it negates them) and
 * for a group with an `orWhere` (it admits what any one admits).
 */
function bracketsLinks(expression: ts.Expression): ts.CallExpression[] | undefined {
  if (!ts.isNewExpression(expression) || !ts.isIdentifier(expression.expression) || expression.expression.text !== 'Brackets') return undefined;
  const callback = expression.arguments?.[0] && skipOuterExpressions(expression.arguments[0]);
  if (!callback || !(ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) return undefined;
  const parameter = callback.parameters[0]?.name;
  if (!parameter || !ts.isIdentifier(parameter)) return undefined;
  const links: ts.CallExpression[] = [];
  let alternative = false;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && chainRoot(node)?.text === parameter.text) {
      for (const link of chainCalls(node)) {
        const name = calleeName(link);
        if (/^or/i.test(name)) alternative = true;
        else if (WHERE_METHODS.has(name)) links.push(link);
      }
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(callback.body);
  return alternative ? undefined : links;
}

/**
 * The text of a builder's condition: a string, a template whose holes name the alias
 * (`\`"${query.alias}"."tenantId" = :tenantId\``), or either passed through a one-argument quoting
 * helper (`p(\`...\`)`, which ever-gauzy uses to quote identifiers per database). Undefined otherwise.
 */
function sqlFragmentText(expression: ts.Expression, depth = 0): string | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isStringLiteralLike(value)) return value.text;
  if (ts.isTemplateExpression(value)) return value.head.text + value.templateSpans.map((span) => `x${span.literal.text}`).join('');
  if (depth === 0 && ts.isCallExpression(value) && value.arguments.length === 1 && ts.isIdentifier(value.expression)) return sqlFragmentText(value.arguments[0]!, 1);
  return undefined;
}

function fieldFromFragment(fragment: string | undefined, parameter: string): string {
  if (!fragment) return parameter;
  const match = new RegExp(`([A-Za-z_][\\w.]*)\\s*(?:=|IN)\\s*\\(?\\s*:\\.{0,3}${parameter}\\b`, 'i').exec(fragment);
  return match ? lastSegment(match[1]!) : parameter;
}

function lastSegment(text: string): string {
  return text.split('.').pop()!.replace(/[^\w$]/g, '');
}

function objectProperty(expression: ts.Expression | undefined, name: string): ts.Expression | undefined {
  if (!expression) return undefined;
  let value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value)) value = localInitializer(value) ?? value;
  if (!ts.isObjectLiteralExpression(value)) return undefined;
  for (const property of value.properties) {
    if (ts.isPropertyAssignment(property) && propertyNameText(property.name) === name) return property.initializer;
    if (ts.isShorthandPropertyAssignment(property) && property.name.text === name) return property.name;
  }
  return undefined;
}

/** The calls of a builder chain, outermost first. */
function chainCalls(call: ts.CallExpression): ts.CallExpression[] {
  const links: ts.CallExpression[] = [];
  let current: ts.Expression = call;
  for (;;) {
    current = skipOuterExpressions(current);
    if (ts.isCallExpression(current)) {
      links.push(current);
      current = current.expression;
    } else if (ts.isPropertyAccessExpression(current)) current = current.expression;
    else return links;
  }
}

/** The identifier a member chain starts from: `qb` in `qb.andWhere(...).getOne()`. */
function chainRoot(call: ts.CallExpression): ts.Identifier | undefined {
  let current: ts.Expression = call;
  for (;;) {
    current = skipOuterExpressions(current);
    if (ts.isCallExpression(current)) current = current.expression;
    else if (ts.isPropertyAccessExpression(current)) current = current.expression;
    else return ts.isIdentifier(current) ? current : undefined;
  }
}

/**
 * The local variable that holds a query builder: `const qb = repo.createQueryBuilder('o')...` when
 * `chain` is its initializer, or `qb` when `chain` is called on it (`qb.andWhere(...)`).
 */
function heldBuilder(chain: ts.CallExpression, calledOnOnly = false): ts.VariableDeclaration | undefined {
  let site: ts.Node = chain;
  while (ts.isParenthesizedExpression(site.parent)) site = site.parent;
  const declaration = !calledOnOnly && ts.isVariableDeclaration(site.parent) && site.parent.initializer === site && ts.isIdentifier(site.parent.name) ? site.parent : undefined;
  const held = declaration ?? (() => {
    const root = chainRoot(chain);
    return root ? localDeclaration(root) : undefined;
  })();
  const initializer = held?.initializer && skipOuterExpressions(held.initializer);
  if (!held || !ts.isIdentifier(held.name) || !initializer || !ts.isCallExpression(initializer)) return undefined;
  return chainCalls(initializer).some((link) => calleeName(link) === QUERY_BUILDER_STARTER) ? held : undefined;
}

/** The chains called on the local a builder is held in, in document order: `qb.andWhere(...)`, `qb.getOne()`. */
function heldBuilderUses(declaration: ts.VariableDeclaration): ts.CallExpression[] {
  const name = (declaration.name as ts.Identifier).text;
  const scope = declaration.parent.parent.parent;
  const uses: ts.CallExpression[] = [];
  for (const node of nodesOfKind(declaration.getSourceFile(), ts.SyntaxKind.Identifier)) {
    const identifier = node as ts.Identifier;
    if (identifier.text !== name || identifier.pos < declaration.end || identifier.end > scope.end || localDeclaration(identifier) !== declaration) continue;
    let outermost: ts.CallExpression | undefined;
    let current: ts.Node = identifier;
    for (;;) {
      const parent = current.parent;
      if (ts.isPropertyAccessExpression(parent) && parent.expression === current) current = parent;
      else if (ts.isCallExpression(parent) && parent.expression === current) current = outermost = parent;
      else break;
    }
    if (outermost) uses.push(outermost);
  }
  return uses;
}

/** Where a builder held in a local runs: the first terminal called on the local after `chain`. */
function heldBuilderTerminal(chain: ts.CallExpression): ts.CallExpression | undefined {
  const declaration = heldBuilder(chain);
  if (!declaration) return undefined;
  return heldBuilderUses(declaration).find((use) => use.pos >= chain.end && QUERY_BUILDER_TERMINALS.has(calleeName(use)));
}

/**
 * The links of a builder chain, through the local that holds it: `qb.getOne()` after
 * `const qb = repo.createQueryBuilder('o').where(...)` and `qb.andWhere(...)` has all three.
 */
function builderLinks(call: ts.CallExpression): ts.CallExpression[] {
  const links = chainCalls(call);
  const root = chainRoot(call);
  const declaration = root && links.every((link) => calleeName(link) !== QUERY_BUILDER_STARTER) ? heldBuilder(call, true) : undefined;
  if (!declaration) return links;
  const initializer = skipOuterExpressions(declaration.initializer!) as ts.CallExpression;
  const between = heldBuilderUses(declaration).filter((use) => use !== call && use.end <= call.pos && !QUERY_BUILDER_TERMINALS.has(calleeName(use)));
  return [...links, ...between.flatMap(chainCalls), ...chainCalls(initializer)];
}

export function calleeName(call: ts.CallExpression | ts.NewExpression): string {
  const callee = skipOuterExpressions(call.expression);
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  if (ts.isIdentifier(callee)) return callee.text;
  return '';
}

/**
 * The entity a query builder reads: the class it is given (`manager.createQueryBuilder(User, 'u')`), the
 * repository's (`this.orderRepository.createQueryBuilder('o')`, `connection.getRepository(ctx, Order)
 * .createQueryBuilder('order')`), else its alias: an alias names the rows in the SQL, not their kind.
 */
function queryBuilderModel(builder: ts.CallExpression, file: TaintedCall['file'], modules: ModuleIndex): string | undefined {
  const first = builder.arguments[0] && skipOuterExpressions(builder.arguments[0]);
  if (first && ts.isIdentifier(first) && /^[A-Z]/.test(first.text)) return first.text;
  const callee = skipOuterExpressions(builder.expression);
  const repository = ts.isPropertyAccessExpression(callee) ? modelOfRepository(skipOuterExpressions(callee.expression), file, modules) : undefined;
  if (repository) return repository;
  return first && ts.isStringLiteralLike(first) ? first.text : receiverModel(builder);
}

function receiverModel(call: ts.CallExpression): string | undefined {
  const callee = skipOuterExpressions(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const receiver = callee.expression.getText().split('.').pop() ?? '';
  return receiver.replace(/(?:Repository|Repo)$/i, '') || undefined;
}

/**
 * `findOne({ _id: new ObjectId(id) })`, `where(eq(orders.id, id))`: the engine records the
 * wrapper call (an unknown function returns an unknown value), so the access is the call whose
 * filter argument holds it.
 */
/**
 * The callback `node` is the result of, when it is an object property's value (`where: (t, { eq }) => ...`):
 * an arrow with `node` as its expression body, or a function whose own `return node`.
 */
function filterCallbackReturning(parent: ts.Node, node: ts.Node): ts.Node | undefined {
  let fn: ts.Node | undefined;
  if (ts.isArrowFunction(parent) && parent.body === node) fn = parent;
  else if (ts.isReturnStatement(parent)) {
    for (let current: ts.Node | undefined = parent.parent; current; current = current.parent) {
      if (ts.isFunctionLike(current)) {
        fn = current;
        break;
      }
    }
  }
  return fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isPropertyAssignment(fn.parent) && fn.parent.initializer === fn ? fn : undefined;
}

/**
 * The Kysely filter link whose callback a call is part of: `where` in `where((eb) => eb('id', '=', id))`,
 * `where(({ eb, and }) => and([eb(...), ...]))`. The callback's calls build the filter; the link runs it.
 */
function kyselyFilterLink(call: ts.CallExpression | ts.NewExpression): ts.CallExpression | undefined {
  let node: ts.Node = call;
  for (let hops = 0; hops < 12 && node.parent; hops++, node = node.parent) {
    if (!ts.isArrowFunction(node) && !ts.isFunctionExpression(node)) continue;
    const link = node.parent;
    if (!ts.isCallExpression(link) || !link.arguments.includes(node as ts.Expression) || !KYSELY_FILTER_METHODS.has(calleeName(link))) return undefined;
    return kyselyChain(link) ? link : undefined;
  }
  return undefined;
}

function enclosingFilterCall(call: ts.CallExpression | ts.NewExpression): ts.CallExpression | undefined {
  const kyselyLink = kyselyFilterLink(call);
  if (kyselyLink) return kyselyLink;
  if (ts.isCallExpression(call) && !/^(?:ObjectId|ObjectID|eq|and|or|inArray)$/.test(calleeName(call)) && !/ObjectId$/.test(calleeName(call))) return call;
  let node: ts.Node = call;
  for (let hops = 0; hops < 8 && node.parent; hops++) {
    const parent: ts.Node = node.parent;
    const held = heldConditionUse(parent, node);
    if (held) {
      node = held;
      continue;
    }
    if (ts.isSpreadElement(parent)) {
      node = parent;
      continue;
    }
    if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.arguments?.includes(node as ts.Expression)) {
      if (ts.isCallExpression(parent) && !/^(?:eq|and|or|inArray)$/.test(calleeName(parent)) && !/ObjectId$/.test(calleeName(parent))) return parent;
    } else if (filterCallbackReturning(parent, node)) {
      // Drizzle's relational `findFirst({ where: (table, { eq }) => eq(table.id, id) })`: the callback's
      // result is the filter, so the lookup is the call the callback is a property of.
      node = filterCallbackReturning(parent, node)!;
      continue;
    } else if (!(ts.isObjectLiteralExpression(parent) || ts.isPropertyAssignment(parent) || ts.isArrayLiteralExpression(parent) || ts.isParenthesizedExpression(parent))) {
      return ts.isCallExpression(call) ? call : undefined;
    }
    node = parent;
  }
  return ts.isCallExpression(call) ? call : undefined;
}

/**
 * A Drizzle condition held in a local on its way to the filter: `const condition = eq(t.id, id)` then
 * `.where(condition)`; `const filters = [eq(t.workspaceId, ws), eq(t.id, id)]` (or a later
 * `filters.push(eq(t.id, id))`) then `.where(and(...filters))`. The local's use in a filter of the
 * same function, from which the climb to the lookup goes on.
 */
function heldConditionUse(parent: ts.Node, node: ts.Node): ts.Node | undefined {
  let declaration: ts.VariableDeclaration | undefined;
  if (ts.isVariableDeclaration(parent) && parent.initializer === node) declaration = parent;
  else if (ts.isCallExpression(parent) && parent.arguments.includes(node as ts.Expression)) declaration = pushedArray(parent);
  return declaration ? heldConditionUses(declaration)[0] : undefined;
}

/** The local array literal `filters.push(...)` adds to. */
function pushedArray(call: ts.CallExpression): ts.VariableDeclaration | undefined {
  const callee = skipOuterExpressions(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'push' || !ts.isIdentifier(callee.expression)) return undefined;
  const declaration = localDeclaration(callee.expression);
  return declaration?.initializer && ts.isArrayLiteralExpression(skipOuterExpressions(declaration.initializer)) ? declaration : undefined;
}

/**
 * Where a local holding conditions reaches a filter: an argument of a `where` link or of a
 * combinator (`and(...filters)`, `and(condition, ...)`), spread or not. Other uses (logging it) are not filters.
 */
function heldConditionUses(declaration: ts.VariableDeclaration): ts.Expression[] {
  const name = declaration.name;
  if (!ts.isIdentifier(name)) return [];
  const scope = enclosingFunction(declaration) ?? declaration.getSourceFile();
  const uses: ts.Expression[] = [];
  const visit = (child: ts.Node): void => {
    if (ts.isIdentifier(child) && child !== name && child.text === name.text && localDeclaration(child) === declaration) {
      const use = ts.isSpreadElement(child.parent) ? child.parent : child;
      const call = use.parent;
      if (ts.isCallExpression(call) && call.arguments.includes(use) && (WHERE_METHODS.has(calleeName(call)) || DRIZZLE_COMBINATORS.has(calleeName(call)))) uses.push(use);
    }
    ts.forEachChild(child, visit);
  };
  ts.forEachChild(scope, visit);
  return uses;
}

/**
 * The conditions a filter reads from locals, for a check that looks at what a lookup is given:
 * `and(...filters)` gives the array's elements and what is pushed onto it, `where(condition)` the
 * condition's initializer. Nothing for a filter written in place.
 */
export function heldConditions(filter: ts.Expression): ts.Expression[] {
  const value = skipOuterExpressions(ts.isSpreadElement(filter) ? filter.expression : filter);
  if (ts.isCallExpression(value) && DRIZZLE_COMBINATORS.has(calleeName(value))) return value.arguments.flatMap(heldConditions);
  if (!ts.isIdentifier(value)) return [];
  const declaration = localDeclaration(value);
  const initializer = declaration?.initializer && skipOuterExpressions(declaration.initializer);
  if (!declaration || !initializer) return [];
  if (ts.isArrayLiteralExpression(initializer)) return [initializer, ...pushedConditions(declaration)];
  if (ts.isCallExpression(initializer) && (DRIZZLE_COMPARISONS.has(calleeName(initializer)) || DRIZZLE_COMBINATORS.has(calleeName(initializer)))) return [initializer];
  return [];
}

/**
 * The held conditions of every filter written inside an argument (`findFirst({ where: and(...conditions) })`),
 * not inside functions it holds: what heldConditions reads from each combinator call or held local there.
 */
export function heldConditionsWithin(argument: ts.Expression): ts.Expression[] {
  const found: ts.Expression[] = [...heldConditions(argument)];
  walkDescendants(argument, (node) => {
    if (node !== argument && ts.isFunctionLike(node)) return false;
    if (node !== argument && ts.isCallExpression(node) && DRIZZLE_COMBINATORS.has(calleeName(node))) {
      found.push(...heldConditions(node));
      return false;
    }
    return undefined;
  });
  return found;
}

/** The conditions `filters.push(...)` calls add to a local array literal, in its function. */
function pushedConditions(declaration: ts.VariableDeclaration): ts.Expression[] {
  const scope = enclosingFunction(declaration) ?? declaration.getSourceFile();
  const pushed: ts.Expression[] = [];
  const visit = (child: ts.Node): void => {
    if (ts.isCallExpression(child) && pushedArray(child) === declaration) pushed.push(...child.arguments);
    ts.forEachChild(child, visit);
  };
  ts.forEachChild(scope, visit);
  return pushed;
}

/** The update document of a write: prisma `data`, sequelize/typeorm/mongoose second argument. */
function updateDocument(lookup: LookupAccess): ts.Expression | undefined {
  const args = lookup.node.arguments;
  if (lookup.access.library === 'prisma') return objectProperty(args[0], PRISMA.dataProperty);
  const first = args[0] && skipOuterExpressions(args[0]);
  const entityFirst = first && ts.isIdentifier(first) && /^[A-Z]/.test(first.text) && args.length >= 3;
  if (lookup.access.method === 'update' && lookup.access.library === 'model' && args[0] && objectProperty(args[1], OPTIONS_FILTER_PROPERTY)) return args[0]; // sequelize update(values, { where })
  return args[entityFirst ? 2 : 1];
}

/**
 * Counters of how the public engages with an object (votes, likes, views, stars, comment counts):
 * moving one by a relative amount is an interaction any user may have with an object they can
 * see, as voting on someone else's post is. Balances, credits, stock and quotas are not in this
 * list: debiting another user's account by its id is exactly what an ownership check prevents.
 */
const ENGAGEMENT_COUNTER = /^"?(?:points|score|karma|votes?|(?:up|down)_?votes?|likes?|hearts|claps|views?|hits|clicks?|stars?|plays?|visits?|impressions|downloads?|(?:view|like|vote|comment|share|follower|download|click|reaction|play|visit|star|reply|repl(?:y|ie)|repost|bookmark|favorite|favourite|upvote|downvote|clap)s?_?count)"?$/i;
/** Update operators that move a number by an amount, not to a value (Prisma, MongoDB). */
const RELATIVE_OPERATORS: ReadonlySet<string> = new Set(['increment', 'decrement', '$inc']);
/** ORM methods that add to a column: TypeORM `increment(where, 'points', 1)`, Sequelize/knex `increment('points')`. */
const INCREMENT_METHODS: ReadonlySet<string> = new Set(['increment', 'decrement']);

/** The engagement counters a write moves when that is all it changes, else undefined. */
function engagementCountersOnly(lookup: LookupAccess): string[] | undefined {
  const { access, node } = lookup;
  if (access.library === 'sql') {
    const sql = sqlLiterals(node.arguments[0]!).join('?');
    const set = /^\W*update\s+\S+\s+set\s+([\s\S]*?)\s+where\b/i.exec(sql)?.[1];
    if (!set) return undefined;
    const counters: string[] = [];
    for (const assignment of set.split(',')) {
      // `points = points + $1`, `"likes" = "likes" - 1`
      const match = /^\s*("?[A-Za-z_]\w*"?)\s*=\s*("?[A-Za-z_]\w*"?)\s*[-+]\s*(?:\$\d+|\?|\d+)\s*$/.exec(assignment);
      if (!match || match[1] !== match[2] || !ENGAGEMENT_COUNTER.test(match[1]!)) return undefined;
      counters.push(match[1]!.replace(/"/g, ''));
    }
    return counters.length > 0 ? counters : undefined;
  }
  if (INCREMENT_METHODS.has(access.method)) {
    const column = node.arguments.map((argument) => skipOuterExpressions(argument)).find(ts.isStringLiteralLike);
    return column && ENGAGEMENT_COUNTER.test(column.text) ? [column.text] : undefined;
  }
  const document = updateDocument(lookup);
  const value = document && skipOuterExpressions(document);
  if (!value || !ts.isObjectLiteralExpression(value) || value.properties.length === 0) return undefined;
  const counters: string[] = [];
  for (const property of value.properties) {
    if (!ts.isPropertyAssignment(property)) return undefined;
    const key = propertyNameText(property.name) ?? '';
    const inner = skipOuterExpressions(property.initializer);
    if (key === '$inc' && ts.isObjectLiteralExpression(inner)) {
      // `{ $inc: { views: 1, likes: -1 } }`
      for (const counter of inner.properties) {
        const name = ts.isPropertyAssignment(counter) ? propertyNameText(counter.name) : undefined;
        if (!name || !ENGAGEMENT_COUNTER.test(name.split('.').pop()!)) return undefined;
        counters.push(name);
      }
      continue;
    }
    // Prisma `{ points: { increment: 2 } }`
    const operators = ts.isObjectLiteralExpression(inner) ? inner.properties.map((operator) => (ts.isPropertyAssignment(operator) ? propertyNameText(operator.name) : undefined)) : [];
    if (operators.length !== 1 || !RELATIVE_OPERATORS.has(operators[0] ?? '') || !ENGAGEMENT_COUNTER.test(key)) return undefined;
    counters.push(key);
  }
  return counters.length > 0 ? counters : undefined;
}

/**
 * Favoriting, liking, following, joining: a write whose whole change is adding or removing the
 * principal in a relation of the object. It acts on the caller's own membership, which any user
 * may do to an object they can see; reading or changing the object itself is not this.
 */
function linksOnlyPrincipal(tainted: TaintedCall, lookup: LookupAccess): boolean {
  const document = updateDocument(lookup);
  const value = document && skipOuterExpressions(document);
  if (!value || !ts.isObjectLiteralExpression(value)) return false;
  let principalLinks = 0;
  let other = false;
  const visit = (node: ts.Expression, underLink: boolean, depth: number): void => {
    const current = skipOuterExpressions(node);
    if (depth > 6) return void (other = true);
    if (ts.isObjectLiteralExpression(current)) {
      for (const property of current.properties) {
        if (ts.isPropertyAssignment(property)) {
          const key = propertyNameText(property.name) ?? '';
          visit(property.initializer, underLink || LINK_OPERATOR.has(key), depth + 1);
        } else if (ts.isShorthandPropertyAssignment(property)) visit(property.name, underLink, depth + 1);
        else other = true;
      }
      return;
    }
    if (ts.isNumericLiteral(current) || ts.isStringLiteralLike(current) || current.kind === ts.SyntaxKind.TrueKeyword || current.kind === ts.SyntaxKind.FalseKeyword) return;
    const origin = tainted.originOf(current);
    const principal = origin.kind === 'principal' || PRINCIPAL_SPELLING.test(current.getText());
    if (principal && underLink) principalLinks++;
    else if (origin.kind !== 'constant') other = true;
  };
  visit(value, false, 0);
  return principalLinks > 0 && !other;
}

/** Prisma `include`/`select` trees: the relation paths whose own `where` holds the caller's id. */
function callerFilteredRelations(tainted: TaintedCall, options: ts.Expression): string[][] {
  const found: string[][] = [];
  const visit = (value: ts.Expression, path: string[], depth: number): void => {
    const object = skipOuterExpressions(value);
    if (!ts.isObjectLiteralExpression(object) || depth > 8) return;
    for (const selector of ['include', 'select']) {
      const relations = objectProperty(object, selector);
      const relationObject = relations && skipOuterExpressions(relations);
      if (!relationObject || !ts.isObjectLiteralExpression(relationObject)) continue;
      for (const property of relationObject.properties) {
        if (!ts.isPropertyAssignment(property)) continue;
        const name = propertyNameText(property.name);
        if (!name) continue;
        const relationPath = [...path, name];
        const where = objectProperty(property.initializer, PRISMA.filterProperty);
        if (where) {
          const facts: LookupFacts = { keys: [], principalFields: [], parentRecords: [] };
          new FilterWalker(tainted, facts).walk(where, undefined, 0);
          if (facts.principalFields.length > 0) found.push(relationPath);
        }
        visit(property.initializer, relationPath, depth + 1);
      }
    }
  };
  visit(options, [], 0);
  return found;
}

/**
 * `user.id` after `const user = session?.user as CustomUser` (or `const { user } = session`): a local
 * the handler bound to the session's user, followed two steps back, is the caller.
 */
function boundToSessionUser(expression: ts.Expression): boolean {
  let current = skipOuterExpressions(expression);
  while (ts.isPropertyAccessExpression(current)) current = skipOuterExpressions(current.expression);
  for (let hops = 0; hops < 2 && ts.isIdentifier(current); hops++) {
    const initializer = localInitializer(current);
    if (!initializer) return false;
    const declaration = localDeclaration(current);
    // `const { user } = session`: the destructured member is named in the binding, not the initializer.
    const destructured = declaration && ts.isObjectBindingPattern(declaration.name) ? `${initializer.getText()}.${current.text}` : initializer.getText();
    if (PRINCIPAL_SPELLING.test(destructured)) return true;
    current = skipOuterExpressions(initializer);
    while (ts.isPropertyAccessExpression(current)) current = skipOuterExpressions(current.expression);
  }
  return false;
}

/** `[cond ? 'spaceId' : 'baseId']`: the columns a computed key picks between, when each branch is a string literal. */
function chosenColumns(name: ts.PropertyName): string[] {
  if (!ts.isComputedPropertyName(name)) return [];
  const value = skipOuterExpressions(name.expression);
  if (!ts.isConditionalExpression(value)) return [];
  const branches = [skipOuterExpressions(value.whenTrue), skipOuterExpressions(value.whenFalse)];
  return branches.every((branch) => ts.isStringLiteralLike(branch)) ? branches.map((branch) => (branch as ts.StringLiteralLike).text) : [];
}

