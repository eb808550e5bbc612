/**
 * Authentication done by a project helper the handler calls, wherever it lives: a verifier that
 * throws on a bad token (`await verifyToken(req)` at the top of the handler, no `if`), or a parser
 * that returns an error the handler returns (`const { auth, error } = await parseRequest(req);
 * if (error) return error();`). The helper is read across files and through the helpers it calls,
 * a few levels deep, so `parseRequest -> checkAuth -> getBearerToken` counts as one verification.
 */
import { ts } from '#typescript';
import { calledFunctions, type ModuleIndex, type ResolvedFunction, resolveFunction } from '../names/index.js';
import { exitsEarly, isVariableReference, nodePosition, propertyNameText, skipOuterExpressions } from '../ast/syntax.js';
import { AUTH_ERROR_MESSAGE, findAuthModel, REJECTION_STATUS, rejectsWhenRoleLookupFails, TOKEN_OR_SESSION_CHECK, type AuthModel } from './classify-middleware.js';
import { contextPrincipalNames, inHandlerAuthentication, readsRequestCredentials } from './handler-evidence.js';
import { CONTEXT_PERMISSION_CHECK, PASSWORD_VERIFICATION, PRINCIPAL_READS, SELF_THROWING_VERIFICATION, SESSION_PERMISSION_ASSERTION } from '../../models/auth.js';

const PASSWORD_VERIFICATIONS = new RegExp(PASSWORD_VERIFICATION.source, 'g');

/** What a project function does about authentication, judged from its body and its callees. */
interface HelperFacts {
  /** Where credentials are read or verified (this function or one it calls), for evidence. */
  verifiedIn?: ResolvedFunction;
  /** It throws (or redirects, which throws in Next.js) when the verification fails. */
  throwsOnFailure: boolean;
  /** It builds or returns a 401/403 answer. */
  rejects: boolean;
  /** It throws anything at all (an `unauthorized()` that throws an HttpError). */
  throws: boolean;
}

/** A throw statement, `ctx.throw(401)`, or Next.js `redirect()`/`notFound()`, which throw to end the request. */
const THROWS = /\bthrow\b|(?<![.\w])(?:redirect|notFound)\s*\(/;
/** Option names that turn a helper's authentication off for one call: `parseRequest(req, schema, { skipAuth: true })`. */
const SKIP_AUTH_OPTION = /^(?:skip|no|disable|bypass|without)_?auth(?:entication)?$|^(?:is)?public$|^allow_?anonymous$|^anonymous$|^auth_?optional$|^optional_?auth$/i;

const MAX_HELPER_DEPTH = 4;
const MAX_HELPER_CALLEES = 24;

export interface HelperAuthentication {
  /** Evidence that the handler authenticates through a helper, with file:line. */
  evidence?: string;
  /** Set when the handler turns the helper's authentication off on purpose (`skipAuth: true`). */
  skipped?: string;
  /**
   * Set when the handler asks a helper who is calling, the helper answers nothing when the
   * credentials fail (it does not throw), and the handler goes on anyway: a sign-in that is optional.
   */
  optional?: string;
  /** Set when the helper that authenticates also turns away callers without a role (requireUserWithRole). */
  role?: string;
}

export class HelperAuthenticationFinder {
  /**
   * What each function does, with the depth it was judged at: below MAX_HELPER_DEPTH its callees go
   * unread, so a judgement made deep in one handler's chain (`IdTranslator -> ... -> getOrganization`)
   * does not stand for a handler that calls the same function directly.
   */
  private readonly facts = new Map<ts.Node, { facts: HelperFacts; depth: number }>();

  constructor(
    private readonly modules: ModuleIndex,
    /** Functions config `models` declares authentication checks (kind auth): a handler calling one is authenticated. */
    private readonly authModels: readonly AuthModel[] = [],
  ) {}

  /**
   * Reads the handler's top-level statements in order (the calls that run on every request) and
   * returns the first helper call that authenticates, or that is told to skip authentication.
   */
  inspect(handler: ResolvedFunction | undefined): HelperAuthentication {
    const body = handler?.node.body;
    if (!handler || !body) return {};
    // `(parent, args, ctx) => requireUser(ctx)`: an expression body is one statement that returns it.
    return this.inspectStatements(handler, ts.isBlock(body) ? topLevelStatements(body.statements) : [ts.factory.createReturnStatement(body)]);
  }

  /**
   * A handler that serves several methods and authenticates in each method's branch
   * (`if (event.httpMethod === 'DELETE') { await requireAdmin(event); ... }`): authenticated for a
   * method when every branch that serves it starts with such a check, read as `inspect` reads a body.
   */
  inspectBranches(handler: ResolvedFunction | undefined, branches: readonly (readonly ts.Statement[])[]): HelperAuthentication {
    if (!handler || branches.length === 0) return {};
    let first: string | undefined;
    for (const branch of branches) {
      const found = this.inspectStatements(handler, topLevelStatements(branch));
      if (!found.evidence) return {};
      first ??= found.evidence;
    }
    return { evidence: branches.length === 1 ? `in its branch for this method, ${first}` : `in each of its ${branches.length} branches for this method, e.g. ${first}` };
  }

  private inspectStatements(handler: ResolvedFunction, statements: readonly ts.Statement[]): HelperAuthentication {
    let optional: string | undefined;
    for (let index = 0; index < statements.length; index++) {
      const statement = statements[index]!;
      // `if (!(await isValidApiKey(req))) return ...`: the check is the condition of an early exit.
      const guarded = this.exitUnlessHelper(handler, statement);
      if (guarded) return { evidence: guarded };
      const call = leadingCall(statement);
      if (!call) continue;
      // `prisma.cart.findFirst({ where: { userId: requireShopper(ctx).id } })`: a call in the arguments runs first.
      const first = this.throwingHelperIn(handler, argumentCalls(call));
      if (first) return { evidence: first };
      const helper = resolveFunction(this.modules, handler.file, call.expression);
      if (!helper || helper.node === handler.node) continue;
      const model = findAuthModel(this.authModels, helper.file.path, helper.name);
      if (model) return { evidence: `${handler.name} calls ${helper.name} (${helper.file.path}:${nodePosition(helper.node).line}), an authentication check declared in ${model.label}` };
      const facts = this.factsOf(helper, 0);
      // `mustBeLoggedInTo(req.remoteUser, 'edit')`: the handler hands the caller to an assertion that throws a 401 without one.
      const assertedPrincipal = facts.verifiedIn ? undefined : principalAsserted(call, helper);
      if (assertedPrincipal) return { evidence: `${handler.name} hands ${assertedPrincipal} to ${helper.name} (${helper.file.path}:${nodePosition(helper.node).line}), which throws an authentication error without it` };
      // `await checkDatasetWrite(id, user, userInfo)` with `user` the context's caller: a permission
      // helper that refuses (throws, rejects) when the caller it is handed is missing, itself or in
      // the helper it hands the caller on to (`checkDatasetAdmin -> checkDatasetWrite`).
      const refusedWithout = facts.verifiedIn ? undefined : this.callerRefusedWithout(handler, call, helper);
      if (refusedWithout) return { evidence: `${handler.name} hands the caller (${refusedWithout.argument}) to ${helper.name} (${helper.file.path}:${nodePosition(helper.node).line}), which refuses a request without one${refusedWithout.through}` };
      // `resolve: (root, args, ctx) => Mutation.deleteDataset(root, args, ctx)`: the handler only hands its
      // own parameters on, in place, to the function that does the work; that function's checks are its checks.
      const delegated = facts.verifiedIn ? undefined : this.delegatedCheck(handler, call, helper);
      if (delegated) return { evidence: `${handler.name} hands its request to ${helper.name} (${helper.file.path}:${nodePosition(helper.node).line}), and ${delegated}` };
      // `await resolveApiToken(c.req.header('authorization'))`: the handler reads the credential itself and
      // hands it to a helper that throws an authentication error when it does not check out.
      const handedCredential = facts.verifiedIn ? undefined : credentialHanded(call, helper);
      if (handedCredential) return { evidence: `${handler.name} hands ${handedCredential} to ${helper.name} (${helper.file.path}:${nodePosition(helper.node).line}), which throws an authentication error when it fails` };
      if (!facts.verifiedIn) continue;
      const called = `${helper.name} (${helper.file.path}:${nodePosition(helper.node).line})`;
      const skip = skipOption(call, helper);
      if (skip) return { skipped: `${skip} passed to ${called}` };
      const verified = facts.verifiedIn.node === helper.node ? '' : `, through ${facts.verifiedIn.name} (${facts.verifiedIn.file.path}:${nodePosition(facts.verifiedIn.node).line})`;
      if (facts.throwsOnFailure) {
        const role = this.checksRole(helper) ? `${called} looks the caller up with the role in the query's filter and rejects when none matches` : undefined;
        return { evidence: `${handler.name} calls ${called}, which verifies the request's credentials${verified} and throws when they fail`, ...(role ? { role } : {}) };
      }
      const names = boundNames(statement);
      const exit = names.size > 0 ? statements.slice(index + 1).find((later) => isExitOn(later, names)) : undefined;
      if (exit) {
        const { line } = nodePosition(exit);
        return { evidence: `${handler.name} calls ${called}, which verifies the request's credentials${verified}, and returns early when it fails (${handler.file.path}:${line})` };
      }
      // `await inst.init(ctx); if (inst.$auth === true) { await inst[action](ctx); } else { ctx.body = ... }`:
      // the helper records its verdict on the object it was called on, and the work runs only when it is set.
      const gate = verdictGate(call, statements.slice(index + 1), [helper, facts.verifiedIn]);
      if (gate) {
        const { line } = nodePosition(gate.at);
        return { evidence: `${handler.name} calls ${called}, which verifies the request's credentials${verified} and sets ${gate.flag} when they pass, and serves the request only when ${gate.flag} is set (${handler.file.path}:${line})` };
      }
      // `return authenticatedApiClient({ request, handler: async ({ auth }) => ... })`: the work is handed to
      // the helper as a callback, and the helper (or one it hands the callback on to) returns before it when
      // the credentials fail. What the helper answers is not this handler's to check.
      if (passesCallback(call, handler, helper)) {
        const guarded = this.guardsCallback(helper);
        if (guarded) return { evidence: `${handler.name} hands its work to ${called} as a callback, and ${guarded}` };
      }
      optional ??= `${handler.name} calls ${called}, which verifies the request's credentials${verified} and returns nothing when they fail, and serves the request either way`;
    }
    return optional ? { optional } : {};
  }

  private readonly roleChecks = new Map<ts.Node, boolean>();

  /** Whether a sign-in helper also refuses callers without a role; read once per helper, however many handlers call it. */
  private checksRole(helper: ResolvedFunction): boolean {
    let known = this.roleChecks.get(helper.node);
    if (known === undefined) {
      known = helper.node.body !== undefined && rejectsWhenRoleLookupFails(helper.node.body, helper.node.getSourceFile());
      this.roleChecks.set(helper.node, known);
    }
    return known;
  }

  private readonly callbackGuards = new Map<ts.Node, string | undefined>();
  private readonly delegations = new Map<ts.Node, string | undefined>();

  /** The check of a function the handler hands all its parameters to, in the same places, read as the handler's own. */
  private delegatedCheck(handler: ResolvedFunction, call: ts.CallExpression, helper: ResolvedFunction): string | undefined {
    const parameters = handler.node.parameters;
    if (parameters.length === 0 || call.arguments.length < parameters.length) return undefined;
    const forwarded = parameters.every((parameter, index) => {
      const argument = skipOuterExpressions(call.arguments[index]!);
      return ts.isIdentifier(parameter.name) && ts.isIdentifier(argument) && argument.text === parameter.name.text;
    });
    if (!forwarded) return undefined;
    if (this.delegations.has(helper.node)) return this.delegations.get(helper.node);
    // Recursion guard: a function delegating back to itself checks nothing by that.
    this.delegations.set(helper.node, undefined);
    // Its own statements' helper calls, or a check written in its body (`if (!user) throw new Error('Authentication required.')`).
    const found = this.inspect(helper).evidence ?? inHandlerAuthentication(helper, this.modules);
    this.delegations.set(helper.node, found);
    return found;
  }

  /**
   * The caller a call hands to a helper that refuses the request without it: the argument is the
   * context's principal (destructured by the handler, or read as `ctx.user`), and the helper, at its
   * top level, throws or rejects when that parameter is missing (`if (!userId) throw ...`,
   * `userId && userInfo.admin ? Promise.resolve(true) : Promise.reject(...)`), or hands it on to one that does.
   */
  private callerRefusedWithout(handler: ResolvedFunction, call: ts.CallExpression, helper: ResolvedFunction): { argument: string; through: string } | undefined {
    const principals = contextPrincipalNames(handler);
    const file = call.getSourceFile();
    for (const [index, argument] of call.arguments.entries()) {
      const value = skipOuterExpressions(argument);
      const text = value.getText(file);
      const isCaller = (ts.isIdentifier(value) && principals.has(value.text)) || PRINCIPAL_READS.some(({ pattern }) => pattern.test(text));
      if (!isCaller) continue;
      const refusing = refusesWithoutParameter(this.modules, helper, index, 0);
      if (refusing) return { argument: text, through: refusing.node === helper.node ? '' : `, through ${refusing.name} (${refusing.file.path}:${nodePosition(refusing.node).line})` };
    }
    return undefined;
  }

  /**
   * How a helper given the handler's work as a callback authenticates before running it: its own
   * statements verify the credentials and throw or return early (read as `inspect` reads a handler,
   * which also follows the callback when it is handed on again).
   */
  private guardsCallback(helper: ResolvedFunction): string | undefined {
    if (this.callbackGuards.has(helper.node)) return this.callbackGuards.get(helper.node);
    // Recursion guard: a helper handing the callback back to itself guards nothing by that.
    this.callbackGuards.set(helper.node, undefined);
    const found = this.inspect(helper).evidence;
    this.callbackGuards.set(helper.node, found);
    return found;
  }

  /** The first of these calls whose helper verifies the credentials and throws when they fail (or a declared check). */
  private throwingHelperIn(handler: ResolvedFunction, calls: readonly ts.CallExpression[]): string | undefined {
    for (const call of calls) {
      const helper = resolveFunction(this.modules, handler.file, call.expression);
      if (!helper || helper.node === handler.node) continue;
      if (this.verifiesAndThrows(helper)) return `${handler.name} calls ${helper.name} (${helper.file.path}:${nodePosition(helper.node).line}) in the arguments of its first call, which verifies the request's credentials and throws when they fail`;
    }
    return undefined;
  }

  /** A helper that reads and verifies the request's credentials, itself or through what it calls. */
  verifies(helper: ResolvedFunction): boolean {
    return this.factsOf(helper, 0).verifiedIn !== undefined;
  }

  /** A helper that verifies the request's credentials and throws when they fail: what it returns is the caller. */
  verifiesAndThrows(helper: ResolvedFunction): boolean {
    // A helper config `models` declares an authentication check: its internals need not show it.
    if (findAuthModel(this.authModels, helper.file.path, helper.name)) return true;
    const facts = this.factsOf(helper, 0);
    return facts.verifiedIn !== undefined && facts.throwsOnFailure;
  }

  private exitUnlessHelper(handler: ResolvedFunction, statement: ts.Statement): string | undefined {
    if (!ts.isIfStatement(statement) || !exitsEarly(statement.thenStatement)) return undefined;
    let found: string | undefined;
    const visit = (node: ts.Node): void => {
      if (found || isFunctionLikeNode(node)) return;
      if (ts.isCallExpression(node)) {
        const helper = resolveFunction(this.modules, handler.file, node.expression);
        const facts = helper && helper.node !== handler.node ? this.factsOf(helper, 0) : undefined;
        if (helper && facts?.verifiedIn) {
          found = `${handler.name} returns early (${handler.file.path}:${nodePosition(statement).line}) unless ${helper.name} (${helper.file.path}:${nodePosition(helper.node).line}) verifies the request's credentials`;
          return;
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(statement.expression);
    return found;
  }

  private factsOf(fn: ResolvedFunction, depth: number): HelperFacts {
    const known = this.facts.get(fn.node);
    if (known && known.depth <= depth) return known.facts;
    // Recursion guard: a function is judged "does nothing" while it is being judged.
    this.facts.set(fn.node, { facts: { throwsOnFailure: false, rejects: false, throws: false }, depth });
    const text = fn.node.body?.getText(fn.node.getSourceFile()) ?? '';
    // `assertAuthenticated(ctx)`, `requireLogin(ctx)`: named as the check and throwing, it is one even
    // when what it tests (`ctx.role === 'GUEST'`) says nothing of tokens or sessions.
    // `await context.validatePermissions(...)`: the server's own check, which throws for a caller without the permission.
    // `await this.session.assertPerformAction({ action, organizationId })`: the same, asked of the caller's session.
    const contextCheck = CONTEXT_PERMISSION_CHECK.test(text) || SESSION_PERMISSION_ASSERTION.test(text);
    // `verifyLicenseInterface(license)` checks the signature on a license, `verifyCaptcha(token)` a human:
    // neither says who is calling, however much it verifies.
    const verifiesOther = NOT_A_CALLER_CHECK.test(fn.name.split('.').at(-1) ?? '');
    // `argon2.verify(share.password, payload.password)`: comparing a password the client submits with a stored hash
    // is signing in (a share link's unlock, a login service), not a check of credentials the caller already holds.
    const checked = text.replace(PASSWORD_VERIFICATIONS, '');
    const verifiesHere = !verifiesOther && (contextCheck || TOKEN_OR_SESSION_CHECK.test(checked) || readsRequestCredentials(text) || (AUTH_ASSERTION_NAME.test(fn.name.split('.').at(-1) ?? '') && /\bthrow\b/.test(text)));
    let verifiedIn: ResolvedFunction | undefined = verifiesHere ? fn : undefined;
    // `try { jwt.verify(...) } catch { return null }`: what throws inside is caught here and the caller gets a value to test.
    const escaping = escapingThrows(this.modules, fn);
    const selfThrowing = SELF_THROWING_VERIFICATION.test(text) || importedThrowingVerify(fn, text);
    let throws = escaping ? escaping.throws : THROWS.test(text) || selfThrowing;
    let rejects = REJECTION_STATUS.test(text) || AUTH_ERROR_MESSAGE.test(text);
    let calleeThrowsOnFailure = false;
    if (depth < MAX_HELPER_DEPTH) {
      for (const callee of calledFunctions(this.modules, fn, MAX_HELPER_CALLEES)) {
        const child = this.factsOf(callee, depth + 1);
        verifiedIn ??= child.verifiedIn;
        const propagates = !escaping || escaping.uncaughtCallees.has(callee.node);
        if (child.throwsOnFailure && propagates) calleeThrowsOnFailure = true;
        // A callee that only builds the rejection (`unauthorized()`, `throw createError(401)`) is part of this function's failure path.
        if (!child.verifiedIn) {
          if (propagates) throws ||= child.throws;
          rejects ||= child.rejects;
        }
      }
    }
    const facts: HelperFacts = {
      throwsOnFailure: calleeThrowsOnFailure || (!escaping && contextCheck) || (verifiedIn !== undefined && (throws || (!escaping && verifiesHere && selfThrowing && !/\bcatch\b/.test(text)))),
      rejects,
      throws,
    };
    if (verifiedIn) facts.verifiedIn = verifiedIn;
    this.facts.set(fn.node, { facts, depth });
    return facts;
  }
}

/** Functions named for verifying something other than the caller: a license, a captcha, a checksum, a schema. */
const NOT_A_CALLER_CHECK = /licen[cs]e|captcha|checksum|integrity|schema/i;

/**
 * `verify(token, secret)` with `verify` imported from jsonwebtoken (`import { verify } from 'jsonwebtoken'`):
 * it throws on a bad signature or an expired token, as `jwt.verify` does.
 */
function importedThrowingVerify(fn: ResolvedFunction, text: string): boolean {
  if (!/(?<![.\w$])verify\s*\(/.test(text)) return false;
  return /\bimport\s*\{[^}]*\bverify\b[^}]*\}\s*from\s*['"]jsonwebtoken['"]|\{[^}]*\bverify\b[^}]*\}\s*=\s*require\s*\(\s*['"]jsonwebtoken['"]\s*\)/.test(fn.file.text);
}

/**
 * For a function with a `try` whose `catch` does not throw again (`catch (err) { return null; }`):
 * whether anything throws outside such a block (a throw, a self-throwing verification, a redirect),
 * and the callees called outside one, whose throws reach the caller. Undefined when the function
 * has no such block (its text alone says whether it throws).
 */
function escapingThrows(modules: ModuleIndex, fn: ResolvedFunction): { throws: boolean; uncaughtCallees: Set<ts.Node> } | undefined {
  const body = fn.node.body;
  if (!body) return undefined;
  const swallowing: ts.Block[] = [];
  const findTries = (node: ts.Node): void => {
    if (isFunctionLikeNode(node)) return;
    if (ts.isTryStatement(node) && node.catchClause && !THROWS.test(node.catchClause.block.getText())) swallowing.push(node.tryBlock);
    ts.forEachChild(node, findTries);
  };
  ts.forEachChild(body, findTries);
  if (swallowing.length === 0) return undefined;
  const caught = (node: ts.Node): boolean => swallowing.some((block) => node.pos >= block.pos && node.end <= block.end);
  const file = fn.node.getSourceFile();
  let throws = false;
  const uncaughtCallees = new Set<ts.Node>();
  const visit = (node: ts.Node): void => {
    if (isFunctionLikeNode(node)) return;
    if (!caught(node)) {
      if (ts.isThrowStatement(node)) throws = true;
      if (ts.isCallExpression(node)) {
        const callee = node.expression.getText(file);
        const match = SELF_THROWING_VERIFICATION.exec(node.getText(file)) ?? /(?<![.\w])(?:redirect|notFound)\s*\(/.exec(node.getText(file));
        if (match && match.index <= callee.length) throws = true;
        const resolved = resolveFunction(modules, fn.file, node.expression);
        if (resolved) uncaughtCallees.add(resolved.node);
      }
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  return { throws, uncaughtCallees };
}

// Also the `loginRequired(ctx)` / `ownerRequired(ctx)` form (Django's login_required): the session's
// owner, the signed-in user, must be there.
const AUTH_ASSERTION_NAME = /^(?:(?:assert|require|ensure|enforce|verify|check)(?:Is)?(?:Authenticated|Authed|LoggedIn|SignedIn|Login|Auth|Authentication|User|Session|Viewer|Admin|Staff|Member)|(?:login|signIn|auth|authentication|user|session|owner|viewer|member|admin|staff)Required)$/;

/** An error a function throws for a caller it could not authenticate: `new Unauthorized(...)`, `new errors.AuthenticationError()`, a 401. */
const AUTHENTICATION_ERROR = /new\s+(?:[\w$]+\.)*\w*(?:Unauthori[sz]ed|Unauthenticated|NotAuthenticated|AuthenticationError|Auth(?:entication)?Required|LoginRequired|NotLoggedIn)\w*\s*\(/;

/**
 * The principal a call hands to a helper that asserts it (`assertLoggedIn(ctx.user)`,
 * `mustBeLoggedInTo(req.remoteUser, 'edit')`): the argument reads the caller (req.user, ctx.user,
 * req.remoteUser ...), and the helper throws an authentication error when that parameter is missing.
 */
function principalAsserted(call: ts.CallExpression, helper: ResolvedFunction): string | undefined {
  const body = helper.node.body;
  if (!body || !ts.isBlock(body)) return undefined;
  const file = call.getSourceFile();
  for (const [index, argument] of call.arguments.entries()) {
    const text = argument.getText(file);
    const parameter = helper.node.parameters[index];
    if (!parameter || !ts.isIdentifier(parameter.name) || !PRINCIPAL_READS.some(({ pattern }) => pattern.test(text))) continue;
    const name = parameter.name.text.replace(/\$/g, '\\$');
    for (const statement of body.statements) {
      if (!ts.isIfStatement(statement) || !new RegExp(String.raw`^!\s*${name}$`).test(statement.expression.getText(helper.file.sourceFile).trim())) continue;
      const then = statement.thenStatement.getText(helper.file.sourceFile);
      if (/\bthrow\b/.test(then) && (AUTHENTICATION_ERROR.test(then) || AUTH_ERROR_MESSAGE.test(then) || REJECTION_STATUS.test(then))) return text;
    }
  }
  return undefined;
}

const MAX_REFUSAL_DEPTH = 3;

/**
 * The function (this one or one it hands the parameter on to) that refuses, at its top level, when
 * its parameter at `index` is missing: `if (!userId) throw ...` / `return Promise.reject(...)`,
 * `if (userId && ...) { ... } else throw ...`, `userId && admin ? ok : Promise.reject(...)`, or
 * `checkDatasetWrite(datasetId, userId, ...)` passing it to such a function.
 */
function refusesWithoutParameter(modules: ModuleIndex, fn: ResolvedFunction, index: number, depth: number): ResolvedFunction | undefined {
  const parameter = fn.node.parameters[index];
  const body = fn.node.body;
  if (!parameter || !ts.isIdentifier(parameter.name) || !body || depth > MAX_REFUSAL_DEPTH) return undefined;
  const name = parameter.name.text;
  const handedOn = (expression: ts.Expression | undefined): ResolvedFunction | undefined => {
    let value = expression && skipOuterExpressions(expression);
    if (value && ts.isAwaitExpression(value)) value = skipOuterExpressions(value.expression);
    if (!value || !ts.isCallExpression(value)) return undefined;
    const position = value.arguments.findIndex((argument) => {
      const inner = skipOuterExpressions(argument);
      return ts.isIdentifier(inner) && inner.text === name;
    });
    if (position < 0) return undefined;
    const callee = resolveFunction(modules, fn.file, value.expression);
    return callee && callee.node !== fn.node ? refusesWithoutParameter(modules, callee, position, depth + 1) : undefined;
  };
  const refusesInConditional = (expression: ts.Expression | undefined): boolean => {
    const value = expression && skipOuterExpressions(expression);
    return !!value && ts.isConditionalExpression(value) && trueOnlyWith(value.condition, name) && refuses(value.whenFalse);
  };
  if (!ts.isBlock(body)) return refusesInConditional(body) ? fn : handedOn(body);
  for (const statement of body.statements) {
    if (ts.isIfStatement(statement)) {
      if (trueWithoutParameter(statement.expression, name) && refusesStatement(statement.thenStatement)) return fn;
      if (statement.elseStatement && trueOnlyWith(statement.expression, name) && refusesStatement(statement.elseStatement)) return fn;
      continue;
    }
    if (ts.isReturnStatement(statement)) return refusesInConditional(statement.expression) ? fn : handedOn(statement.expression);
    const expression = ts.isExpressionStatement(statement) ? statement.expression : ts.isVariableStatement(statement) && statement.declarationList.declarations.length === 1 ? statement.declarationList.declarations[0]!.initializer : undefined;
    const through = handedOn(expression);
    if (through) return through;
  }
  return undefined;
}

/** `!userId`, `!userId || ...`: true whenever the parameter is missing. */
function trueWithoutParameter(condition: ts.Expression, name: string): boolean {
  const value = skipOuterExpressions(condition);
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.BarBarToken) return trueWithoutParameter(value.left, name) || trueWithoutParameter(value.right, name);
  if (!ts.isPrefixUnaryExpression(value) || value.operator !== ts.SyntaxKind.ExclamationToken) return false;
  const operand = skipOuterExpressions(value.operand);
  return ts.isIdentifier(operand) && operand.text === name;
}

/** `userId`, `userId && userInfo.admin`: false whenever the parameter is missing. */
function trueOnlyWith(condition: ts.Expression, name: string): boolean {
  const value = skipOuterExpressions(condition);
  if (ts.isIdentifier(value)) return value.text === name;
  // `userInfo?.worker`, `userInfo.admin`: a field of the parameter is missing (or throws) without it.
  if (ts.isPropertyAccessExpression(value)) return trueOnlyWith(value.expression, name);
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) return trueOnlyWith(value.left, name) || trueOnlyWith(value.right, name);
  return false;
}

/** `throw ...`, `return Promise.reject(...)`, or a block ending in one. */
function refusesStatement(statement: ts.Statement): boolean {
  if (ts.isThrowStatement(statement)) return true;
  if (ts.isReturnStatement(statement)) return statement.expression !== undefined && refuses(statement.expression);
  if (ts.isBlock(statement)) {
    const last = statement.statements.at(-1);
    return last !== undefined && refusesStatement(last);
  }
  return false;
}

/** `Promise.reject(...)`: the value a promise-returning check answers a refusal with. */
function refuses(expression: ts.Expression): boolean {
  const value = skipOuterExpressions(expression);
  return ts.isCallExpression(value) && /^Promise\s*\.\s*reject$/.test(value.expression.getText(value.getSourceFile()));
}

/** A throw of an authentication error: `throw new AppError(AppErrorCode.UNAUTHORIZED, ...)`, `throw new HTTPException(401)`, `throw new UnauthorizedError()`. */
const THROWS_AUTHENTICATION_ERROR = /\bthrow\s+new\s+[\w$.]+\s*\(\s*['"`]?(?:[\w$.]*\b(?:UNAUTHORI[SZ]ED|UNAUTHENTICATED|Unauthori[sz]ed|Unauthenticated)\b|401\b)|\bthrow\s+new\s+[\w$.]*(?:Unauthori[sz]ed|Unauthenticated|AuthenticationError)\w*\s*\(/;

const CHECKS_AGAINST_SOMETHING = /\bawait\b|\b(?:verify|compare|timingSafeEqual|validate)\w*\s*\(/;

/**
 * The request's credential a call hands to a helper (`resolveApiToken(c.req.header('authorization'))`,
 * `userForKey(req.headers['x-api-key'])`) that throws an authentication error: the argument reads the
 * credential, the helper's body throws one. Returns the argument.
 */
function credentialHanded(call: ts.CallExpression, helper: ResolvedFunction): string | undefined {
  const body = helper.node.body;
  const text = body?.getText(helper.node.getSourceFile()) ?? '';
  // It must check the credential against something (a lookup it awaits, a verification), not only parse it.
  if (!THROWS_AUTHENTICATION_ERROR.test(text) || !CHECKS_AGAINST_SOMETHING.test(text)) return undefined;
  const file = call.getSourceFile();
  return call.arguments.map((argument) => argument.getText(file)).find((text) => readsRequestCredentials(text));
}

/** Statements that run on every request: the body's own, and those of a top-level `try` block. */
function topLevelStatements(statements: readonly ts.Statement[]): ts.Statement[] {
  const result: ts.Statement[] = [];
  for (const statement of statements) {
    if (ts.isTryStatement(statement)) result.push(...topLevelStatements(statement.tryBlock.statements));
    else result.push(statement);
  }
  return result;
}

/** `await helper(...)`, `const x = await helper(...)`, `const { a, b } = helper(...)`, `return helper(...)` is not one. */
/** Calls inside a call's arguments (not inside functions written there): they run before the call itself. */
function argumentCalls(call: ts.CallExpression): ts.CallExpression[] {
  const found: ts.CallExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunctionLikeNode(node)) return;
    if (ts.isCallExpression(node)) found.push(node);
    ts.forEachChild(node, visit);
  };
  for (const argument of call.arguments) visit(argument);
  return found;
}

function leadingCall(statement: ts.Statement): ts.CallExpression | undefined {
  let expression: ts.Expression | undefined;
  if (ts.isExpressionStatement(statement)) expression = statement.expression;
  // `return requireUser(ctx)`: the helper runs (and throws) before anything is returned.
  else if (ts.isReturnStatement(statement)) expression = statement.expression;
  else if (ts.isVariableStatement(statement)) {
    const declarations = statement.declarationList.declarations;
    if (declarations.length === 1) expression = declarations[0]!.initializer;
  }
  if (!expression) return undefined;
  let value = skipOuterExpressions(expression);
  if (ts.isAwaitExpression(value)) value = skipOuterExpressions(value.expression);
  // `return checkDatasetWrite(id, user).then(() => update(...))`: the work waits on the helper's promise, and
  // a rejection skips it. Only a `.then` given no rejection handler: `.catch(...)` or `.then(ok, fail)` goes on.
  value = promiseChainHead(value);
  // `return { selector, organization: await manager.updateMemberAccess(input) }`: the first call the
  // returned object makes runs (and throws) before anything is returned.
  if (ts.isReturnStatement(statement) && ts.isObjectLiteralExpression(value)) return firstPropertyCall(value);
  return ts.isCallExpression(value) ? value : undefined;
}

/** The call a chain of `.then(onFulfilled)` hangs off (`helper(a).then(f).then(g)` -> `helper(a)`), else the expression itself. */
function promiseChainHead(expression: ts.Expression): ts.Expression {
  let value = expression;
  while (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && value.expression.name.text === 'then' && value.arguments.length <= 1) {
    const receiver = skipOuterExpressions(value.expression.expression);
    if (!ts.isCallExpression(receiver)) break;
    value = receiver;
  }
  return value;
}

/**
 * The first call an object literal's properties make, in order, nested objects included
 * (`return { ok: { updatedProject: await projects.getProject(selector), added: ... } }`, a result union's success branch).
 */
function firstPropertyCall(object: ts.ObjectLiteralExpression): ts.CallExpression | undefined {
  for (const property of object.properties) {
    if (!ts.isPropertyAssignment(property)) continue;
    let initializer = skipOuterExpressions(property.initializer);
    if (ts.isAwaitExpression(initializer)) initializer = skipOuterExpressions(initializer.expression);
    if (ts.isCallExpression(initializer)) return initializer;
    if (ts.isObjectLiteralExpression(initializer)) {
      const nested = firstPropertyCall(initializer);
      if (nested) return nested;
    }
  }
  return undefined;
}

/** The names a statement binds: `const user = ...` -> user; `const { auth, error } = ...` -> auth, error. */
function boundNames(statement: ts.Statement): Set<string> {
  const names = new Set<string>();
  if (!ts.isVariableStatement(statement)) return names;
  const collect = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) collect(element.name);
  };
  for (const declaration of statement.declarationList.declarations) collect(declaration.name);
  return names;
}

/**
 * A verdict the helper leaves on the object it was called on (`inst.init(ctx)` setting `this.$auth = true`
 * once the credentials check out, as a class controller's base does), gating what follows: the rest of
 * the handler runs inside `if (inst.$auth === true) { ... }` (the else only answers), or after
 * `if (!inst.$auth) return ...`. The flag must be set to true by the helper or the check it runs.
 */
function verdictGate(call: ts.CallExpression, rest: readonly ts.Statement[], setters: ReadonlyArray<ResolvedFunction | undefined>): { flag: string; at: ts.Statement } | undefined {
  const callee = skipOuterExpressions(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const receiver = skipOuterExpressions(callee.expression);
  if (!ts.isIdentifier(receiver)) return undefined;
  const first = rest[0];
  if (!first || !ts.isIfStatement(first)) return undefined;
  const read = flagRead(first.expression, receiver.text);
  if (!read) return undefined;
  const setsFlag = (fn: ResolvedFunction | undefined): boolean => {
    const text = fn?.node.body?.getText(fn.node.getSourceFile());
    return text !== undefined && new RegExp(`\\bthis\\s*\\.\\s*${read.flag.replace(/[$]/g, '\\$&')}\\s*=\\s*true\\b`).test(text);
  };
  if (!setters.some(setsFlag)) return undefined;
  const label = `${receiver.text}.${read.flag}`;
  // `if (!inst.$auth) return ...`: everything after it runs only with the flag set.
  if (read.negated) return exitsEarly(first.thenStatement) ? { flag: label, at: first } : undefined;
  // `if (inst.$auth === true) { work } else { answer }`: the whole rest of the handler inside it, and the
  // else branch does no work on the object.
  if (rest.length !== 1) return undefined;
  if (first.elseStatement && mentionsName(first.elseStatement, receiver.text)) return undefined;
  return { flag: label, at: first };
}

/** `inst.$auth`, `inst.$auth === true`, `inst.$auth == true`, or negated (`!inst.$auth`, `inst.$auth !== true`). */
function flagRead(condition: ts.Expression, receiver: string): { flag: string; negated: boolean } | undefined {
  const value = skipOuterExpressions(condition);
  const member = (expression: ts.Expression): string | undefined => {
    const inner = skipOuterExpressions(expression);
    return ts.isPropertyAccessExpression(inner) && ts.isIdentifier(inner.expression) && inner.expression.text === receiver ? inner.name.text : undefined;
  };
  const direct = member(value);
  if (direct) return { flag: direct, negated: false };
  if (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.ExclamationToken) {
    const flag = member(value.operand);
    return flag ? { flag, negated: true } : undefined;
  }
  if (ts.isBinaryExpression(value) && value.right.kind === ts.SyntaxKind.TrueKeyword) {
    const flag = member(value.left);
    const kind = value.operatorToken.kind;
    if (!flag) return undefined;
    if (kind === ts.SyntaxKind.EqualsEqualsEqualsToken || kind === ts.SyntaxKind.EqualsEqualsToken) return { flag, negated: false };
    if (kind === ts.SyntaxKind.ExclamationEqualsEqualsToken || kind === ts.SyntaxKind.ExclamationEqualsToken) return { flag, negated: true };
  }
  return undefined;
}

function mentionsName(node: ts.Node, name: string): boolean {
  let found = false;
  const visit = (child: ts.Node): void => {
    if (found) return;
    if (isVariableReference(child) && child.text === name) found = true;
    else ts.forEachChild(child, visit);
  };
  visit(node);
  return found;
}

/** `if (error) return error();`, `if (!user) throw ...`, `if (result instanceof Response) return result;` */
function isExitOn(statement: ts.Statement, names: Set<string>): boolean {
  if (!ts.isIfStatement(statement) || !exitsEarly(statement.thenStatement)) return false;
  let mentions = false;
  const visit = (node: ts.Node): void => {
    if (mentions) return;
    if (isVariableReference(node) && names.has(node.text)) mentions = true;
    ts.forEachChild(node, visit);
  };
  visit(statement.expression);
  return mentions;
}

/**
 * The call is given a function to run: written in its arguments (`withAuth(req, async () => ...)`,
 * `client({ handler: async () => ... })`), handed on from the caller's own parameters
 * (`apiWrapper({ request, handler })` inside a helper that was given `handler`), or a function value
 * passed where the helper takes its `handler` (`handleAuthenticatedRequest(request, mcpHandler)`).
 */
function passesCallback(call: ts.CallExpression, caller: ResolvedFunction, helper?: ResolvedFunction): boolean {
  const parameters = new Set<string>();
  const collect = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) parameters.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) collect(element.name);
  };
  for (const parameter of caller.node.parameters) collect(parameter.name);
  const isCallback = (expression: ts.Expression): boolean => {
    const value = skipOuterExpressions(expression);
    return isFunctionLikeNode(value) || (ts.isIdentifier(value) && parameters.has(value.text) && /handler|callback|fn|resolve|action|next|cb/i.test(value.text));
  };
  // `handleAuthenticatedMcpRequest(request, mcpHandler)`: a handler made elsewhere (a package's factory), given
  // where the helper takes its `handler` parameter.
  const handlerParameter = (index: number): boolean => {
    const parameter = helper?.node.parameters[index];
    return parameter !== undefined && ts.isIdentifier(parameter.name) && /^(?:handler|callback|fn|next|action|run|handle)$/i.test(parameter.name.text);
  };
  return call.arguments.some((argument, index) => {
    const value = skipOuterExpressions(argument);
    if (isCallback(value)) return true;
    if ((ts.isIdentifier(value) || ts.isPropertyAccessExpression(value)) && handlerParameter(index)) return true;
    if (!ts.isObjectLiteralExpression(value)) return false;
    return value.properties.some(
      (property) =>
        ts.isMethodDeclaration(property) ||
        (ts.isPropertyAssignment(property) && isCallback(property.initializer)) ||
        (ts.isShorthandPropertyAssignment(property) && isCallback(property.name)),
    );
  });
}

/** `{ skipAuth: true }` among the call's arguments, when the helper reads that option. */
function skipOption(call: ts.CallExpression, helper: ResolvedFunction): string | undefined {
  const helperText = helper.node.getText(helper.node.getSourceFile());
  for (const argument of call.arguments) {
    const value = skipOuterExpressions(argument);
    if (!ts.isObjectLiteralExpression(value)) continue;
    for (const property of value.properties) {
      if (!ts.isPropertyAssignment(property)) continue;
      const name = propertyNameText(property.name);
      if (name && SKIP_AUTH_OPTION.test(name) && property.initializer.kind === ts.SyntaxKind.TrueKeyword && helperText.includes(name)) return `${name}: true`;
    }
  }
  return undefined;
}

function isFunctionLikeNode(node: ts.Node): boolean {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node);
}
