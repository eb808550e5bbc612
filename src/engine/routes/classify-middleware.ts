import { ts } from '#typescript';
import type { AuthModel } from '../models.js';
import { anonymousPassesByFlag, anonymousPassesEveryRejection, anonymousPassesWithoutCredential } from './optional-flags.js';
import type { ScannedSourceFile } from '../../types.js';
import { codeText, exitsEarly, isFunctionLike, nodePosition, propertyNameText, propertyValue, returnedExpressions, skipOuterExpressions } from '../ast/syntax.js';
import { bindingNames, bindingValue, handlerRunningMembers, localDeclaration, memberAlternatives, type ModuleIndex, requiredModule, type ResolvedFunction, resolveFunction, returnedFunction } from '../names/index.js';
import { fileWithPath, walkDescendants } from '../ast/file-index.js';
import { mentionsName } from '../text.js';
import type { EvidenceStrength, MiddlewareKind, RequestCopy, RouteMiddleware } from './route.js';
import type { InputBagKind } from '../../models/request-sources.js';
import { MEDUSA_MIDDLEWARE_PACKAGES } from '../../models/medusa.js';
import { HANDLER_WRAPPER_PACKAGES, MIDDLEWARE_COMBINATORS, MIDDLEWARE_DEFINERS, PLUMBING_PACKAGES, VALIDATION_PACKAGES } from '../../models/middleware.js';
import { authAnnotation } from './auth-annotation.js';
import { listedOpenPaths } from './listed-open-paths.js';
import { matchingRateLimiter, type RateLimiterModel } from '../models.js';
import { ANONYMOUS_ALLOWED_OPTIONS, AUTH_MIDDLEWARE_PACKAGES, PASSPORT, SELF_REJECTING_VERIFICATION, SERVICE_SIGNATURE_VERIFIERS, SERVICE_TOKEN_LOOKUP, SIGN_IN_INTERACTION, STATIC_SECRET_MIDDLEWARE } from '../../models/auth.js';
import { comparesConfiguredSecret, readsServerSecret, serverSecretComparison } from './configured-secret.js';
import { RATE_LIMITER_PACKAGES } from '../../models/rate-limiters.js';

/** What the route engine knows beyond the code: config `auth` and friends. */
export interface ClassifierConfig {
  /** config auth.middleware: names that authenticate (matched against the middleware's name or callee). */
  authMiddleware: string[];
  /** config rateLimiters and `models` of kind rate-limiter: the project's own limiters (engine/models.ts). */
  rateLimiters: readonly RateLimiterModel[];
  /** config auth.roleChecks: names that check roles or permissions. */
  roleChecks: string[];
  /** config `models` of kind auth: middleware named by the file it is written in (scan-root paths). */
  authModels?: AuthModel[];
  /**
   * Whether a project helper reads the request's credentials and throws when they fail (routes/
   * helper-authentication.ts, which reads this module's patterns, so it is handed in rather than imported).
   */
  verifiesCredentialsAndThrows?: (helper: ResolvedFunction) => boolean;
  /**
   * How a function authenticates when read as a route handler is (helper-authentication.ts `inspect`:
   * a helper verifies the credentials, the function throws or returns before the work when it fails).
   * Read for the per-request function a wrapper factory returns.
   */
  authenticatesAsHandler?: (fn: ResolvedFunction) => string | undefined;
}

/** A config `models` entry of kind auth, its file made relative to the scan root. */
export type { AuthModel } from '../models.js';

export interface MiddlewareClassification {
  kind: MiddlewareKind;
  strength: EvidenceStrength;
  evidence: string;
  roles?: string[];
  opaque?: boolean;
  /** Set when the middleware comes from a package we know nothing about. */
  unknownPackage?: string;
  /** An authentication middleware told to let anonymous requests through: the flag that says so (`credentialsRequired: false`). */
  optionalAuthentication?: string;
  /** A role check that compares only the token's scopes (see comparesOnlyTokenScopes). */
  tokenScopes?: true;
}

// An unknown package whose name hints at access control stays opaque even when mounted app-wide.
const ACCESS_PACKAGE_HINT = /auth|guard|shield|secur|session|passport|jwt|token|access|perm|role|acl|gate|partner|tenan|sso|oauth|login|identity|keycloak|okta/i;

/**
 * Known packages and what their exports do as middleware. Keyed by module; the value maps an
 * imported name (or '*' for any, 'default' for the default export) to a kind.
 */
const KNOWN_PACKAGES: Readonly<Record<string, Readonly<Record<string, MiddlewareKind>>>> = {
  ...AUTH_MIDDLEWARE_PACKAGES,
  ...Object.fromEntries(RATE_LIMITER_PACKAGES.filter((entry) => entry.middleware).map((entry) => [entry.package, { '*': 'rate-limit' as const }])),
  ...VALIDATION_PACKAGES,
  ...MEDUSA_MIDDLEWARE_PACKAGES,
};


/**
 * A plain error whose message says the caller is not signed in (GraphQL middleware throws these, or
 * returns them: graphql-js makes a resolver's returned Error the field's error, as a thrown one).
 */
export const AUTH_ERROR_MESSAGE = /\b(?:throw|return)\s+(?:Promise\s*\.\s*reject\s*\(\s*)?new\s+\w*Error\s*\(\s*['"`][^'"`]*\b(?:not authenticated|unauthenticated|unauthori[sz]ed|not logged in|not signed in|login required|authentication required|must be (?:logged|signed) in)\b/i;
// `401)` also with the trailing comma a formatter leaves after a last argument on its own line (`c.json({...}, 401,\n)`).
// `\(\s*(?:401|403)\s*,`: an error built from the status and a message, http-errors' `createError(401, 'Unauthorized')`
// under whatever name it is imported as (`newError(401, ...)`, `httpErrors(403, ...)`), `new HttpException(401, ...)`.
// `new AccessError('Authorization token is missing', 'UNAUTHENTICATED')`: GraphQL's error code given as the last argument;
// `res.status(error.status ?? 401)`: the thrown error's status, 401 by default.
// `throw new InvalidCredentialsException()`, `new InvalidTokenError()`, `new TokenExpiredException()`: the exception classes
// of a project's own error set (Directus, many Nest apps) named for a refused credential, which its error handler turns into 401.
export const REJECTION_STATUS = /\(\s*(?:401|403)\s*,|\?\?\s*(?:401|403)\b|,\s*['"`](?:UNAUTHENTICATED|UNAUTHORIZED|FORBIDDEN)['"`]\s*\)|\bcode\s*:\s*['"`](?:UNAUTHORIZED|UNAUTHENTICATED|FORBIDDEN)['"`]|\b(?:status|sendStatus|code|writeHead|throw)\s*\(\s*(?:401|403)\b|\bstatus(?:Code)?\s*=\s*(?:401|403)\b|HttpStatus\.(?:UNAUTHORIZED|FORBIDDEN)|StatusCodes\.(?:UNAUTHORIZED|FORBIDDEN)|\b(?:401|403)\s*,?\s*\)|new\s+(?:[\w$]+\.)*\w*(?:Unauthori[sz]ed|Forbidden|Unauthenticated|AuthenticationError|AuthError|NotAuthenticated|PermissionDenied|Auth(?:entication)?Required|LoginRequired|NotLoggedIn|InvalidCredentials?|InvalidToken|TokenExpired)\w*|\b(?:unauthorized|forbidden)\s*\(|redirect\s*\(\s*['"`][^'"`]*(?:login|signin|sign-in|auth)|\bstatus(?:Code)?\s*:\s*(?:401|403)\b|redirect\s*\(\s*new\s+URL\s*\(\s*['"`][^'"`]*(?:login|signin|sign-in|auth)|\bpathname\s*=\s*['"`][^'"`]*(?:login|signin|sign-in|auth)|\bthrow\s+\w*(?:Unauthori[sz]ed|Forbidden|Unauthenticated|AuthenticationError|AuthorizationError|NotAuthenticated)\w*\s*\(/i;
// `if (!this.session) throw ...`: the request's session, kept on the context or the per-request service, must be there;
// `verifyAuth(req)`, `verifyApiKeyAuth(header)`: a project's own verification of the request's credentials.
// `ctx.userId` as `ctx.user`: the caller's id the context function read from the session (tRPC `if (!ctx.userId) throw UNAUTHORIZED`).
// `const { user } = context`: the same read, destructured (a GraphQL resolver wrapper's `checkLogin(user)`).
export const TOKEN_OR_SESSION_CHECK = /\{[^{}]*\b(?:user|userId|currentUser|authUser|session)\b[^{}]*\}\s*=\s*(?:req|request|ctx|context)\b(?!\s*(?:\?\.|\.|\[))|\bif\s*\(\s*!\s*(?:this|ctx|context|req|request)\s*\.\s*session\s*\)|\bverify\w*Auth\w*\s*\(|\b(?:jwt|jsonwebtoken|jose)\.(?:verify|decode)\b|\bverify(?:Token|Jwt|JWT|IdToken|AccessToken|Session)?\s*\(|\bjwtVerify\s*\(|\bdecrypt(?:Token|Session)\s*(?:<[^>()]*>)?\s*\(|\bgetServerSession\s*\(|\bgetSession\s*\(|\bauth\.getUser\s*\(|\bvalidate(?:Token|Session|SessionToken)\s*\(|\bisAuthenticated\s*\(|\bauthenticate\s*\(|\bheaders?\s*(?:\.|\[\s*['"`])authorization|\bheader\s*\(\s*['"`]authorization|\bget\s*\(\s*['"`]authorization|\bsession\s*(?:\?\.|\.)\s*(?:user|userId|uid|account|logged|isLoggedIn|authenticated|isAuthenticated)|\b(?:req|request|ctx|ctx\.state|ctx\.request|context)\s*(?:\?\.|\.)\s*(?:user|userId|auth|currentUser|remoteUser|authUser|loggedInUser|authenticatedUser|sessionUser)\b|\bcookies?\s*(?:\?\.|\.|\[)\s*['"`]?(?:token|jwt|session|access)|\bgetToken\s*\(|\bauth\.getClaims\s*\(|\bclientContext\b|\bcookies\s*(?:\(\s*\))?\s*(?:\?\.|\.)\s*get\s*\(\s*['"`][\w.-]*(?:token|jwt|session|auth|sid)/i;
// A project error class given the status (`throw new SafeError('Missing API key', 401)`, `createError(401)`) answers 401 too.
const STATUS_ERROR_401 = String.raw`new\s+\w*(?:Error|Exception)\s*\([^;()]*,\s*401\s*\)|\b\w*(?:[Ee]rror|[Ee]xception)\s*\(\s*401\b`;
const REJECTS_UNAUTHENTICATED = new RegExp(String.raw`\bcode\s*:\s*['"${'`'}]UNAUTHORIZED['"${'`'}]|\b(?:status|sendStatus|code)\s*\(\s*401\b|\bstatus(?:Code)?\s*[:=]\s*401\b|HttpStatus\.UNAUTHORIZED|StatusCodes\.UNAUTHORIZED|new\s+(?:[\w$]+\.)*\w*(?:Unauthori[sz]ed|Auth(?:entication)?Required|LoginRequired|NotLoggedIn)\w*|${STATUS_ERROR_401}`);
// `isInternalRequest`, `isAuthenticated`: a flag the context set after checking the caller.
const CREDENTIAL_WORD = /jwt|token|session|bearer|authori[sz]ation|credential|api.?key|internal|authenticated|signed_?in|logged_?in/i;
// The answer is a 401 in any of the shapes REJECTS_UNAUTHENTICATED knows, a project's own error class
// named for it included (`if (!userSession) throw new AuthenticationRequired()`).
const CONDITION_THEN_REJECTION = new RegExp(String.raw`\bif\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*\{?\s*(?:[^;}]*;\s*){0,3}?[^;}]*?(?:\bcode\s*:\s*'UNAUTHORIZED'|\b(?:status|sendStatus|code)\s*\(\s*401\b|\bstatus(?:Code)?\s*[:=]\s*401\b|HttpStatus\.UNAUTHORIZED|StatusCodes\.UNAUTHORIZED|new\s+(?:[\w$]+\.)*\w*(?:Unauthori[sz]ed|Unauthenticated|NotAuthenticated|Auth(?:entication)?Required|LoginRequired|NotLoggedIn)\w*|${STATUS_ERROR_401})`, 'g');

/** `if (<a condition about a token or session>) ... 401`, string literals and comments left out. */
function rejectsOnCredentialCheck(text: string): boolean {
  if (!REJECTS_UNAUTHENTICATED.test(text)) return false;
  // tRPC's `code: 'UNAUTHORIZED'` is kept (as 'UNAUTHORIZED'): it is the 401 of a procedure.
  const code = text
    .replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '')
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, (literal) => (literal.slice(1, -1) === 'UNAUTHORIZED' ? "'UNAUTHORIZED'" : "''"));
  for (const match of code.matchAll(CONDITION_THEN_REJECTION)) if (CREDENTIAL_WORD.test(match[1]!)) return true;
  return rejectsOnCredentialCase(code);
}

const SWITCH_CASE = /\bswitch\s*\(\s*([A-Za-z_$][\w$]*)[\w$.?]*\s*\)|\bcase\s+([\w$.]+)\s*:|\bdefault\s*:/g;
/**
 * An authenticator that reports failure as a value and a switch over its kinds that answers 401 to
 * the unauthenticated one: `const rc = await getRequestContext(request); switch (rc.error.type) {
 * case ErrorType.NotAuthenticated: return reply.status(401).send(); ... }`. The switch must be over
 * the result of a call made in the same body (not over a caught error or a parameter: an error
 * handler mapping an `AuthError.TokenExpired` to 401 checks nobody).
 */
function rejectsOnCredentialCase(code: string): boolean {
  if (!code.includes('case')) return false;
  let discriminant: string | undefined;
  let open: { label: string; start: number } | undefined;
  const judge = (end: number): boolean => {
    if (!open || !discriminant || !CREDENTIAL_WORD.test(open.label)) return false;
    if (!REJECTS_UNAUTHENTICATED.test(code.slice(open.start, Math.min(end, open.start + 400)))) return false;
    const escaped = discriminant.replace(/\$/g, '\\$');
    if (/^(?:err|error|e|ex|exception)$/i.test(discriminant)) return false;
    return new RegExp(String.raw`\b(?:const|let|var)\s+${escaped}\s*=\s*(?:await\s+)?[\w$.]+\s*(?:<[^>()]*>)?\s*\(`).test(code);
  };
  for (const match of code.matchAll(SWITCH_CASE)) {
    if (judge(match.index!)) return true;
    if (match[1]) { discriminant = match[1]; open = undefined; }
    else open = match[2] ? { label: match[2], start: match.index! + match[0].length } : undefined;
  }
  return judge(code.length);
}
// `scopes.includes(required)` after `const scopes = c.get('scopes')`: the caller's list read into a name first.
// A permission predicate named for what it asks (`userHasWorkspaceSettingPermission(...)`, `checkRolePermissions(...)`,
// `req.checkRbac(permissions)` that an RBAC middleware put on the request) counts as `hasPermission(...)` does.
// `.permission` followed by an id (`req.permission.orgId`, `request.permissions.id`) reads who the caller is off
// an identity context a framework happens to call "permission" (Infisical's actor, org and auth method): no
// role or grant is compared there, so only a `.permission(s)` read that is not an id counts.
export const ROLE_CHECK = /\.\s*(?:role|roles|isAdmin|is_admin|admin|scopes?|groups?)\b|\.\s*permissions?\b(?!\s*\??\.\s*(?:id|\w*Id|\w*ID|\w*Ids)\b)|\bis(?:Super)?Admin\s*\(|\b(?:roles|permissions|scopes)\s*(?:\?\.|\.)\s*(?:includes|some|every|has|indexOf)\s*\(|\bhas(?:Role|Permission|Any(?:Role|Permission))\s*\(|\b\w*(?:[hH]as|[cC]heck|[rR]equire|[aA]ssert|[vV]alidate|[vV]erify)\w*(?:Permission|Role|Rbac|RBAC|Abac|Acl|ACL)s?\w*\s*\(|\bcan\s*\(|\bability\.|\benforce\s*\(/;
/**
 * The signed-in user compared with the one administrator the configuration names
 * (`isEqual(req.user.user, config.adminUserName)`, `user.email !== env.ADMIN_EMAIL`): an admin-only guard
 * with no role field. Read in code, not in strings.
 */
/** A function named for deciding access: `requireAdmin`, `isOwner`, `hasRole`, `checkPermissions`, `canManage`, `ensureMember`. */
const CHECK_FUNCTION_NAME = /^(?:is|has|can|check|require|assert|verify|validate|ensure|enforce|authori[sz]e|guard|allow|permit|only)(?:[A-Z_]|$)/;

/** Searches and tests whose result answers whether the value they are given is among or like others. */
const ARRAY_PREDICATE = /^(?:includes|some|every|has|indexOf|find|filter|match|test)$/;

/** The members that name a role or permission, as ROLE_CHECK reads them (`.role`, `.permissions`, `.isAdmin`). */
const ROLE_MEMBER = /^(?:role|roles|isAdmin|is_admin|admin|permissions?|scopes?|groups?)$/;

/**
 * A role read handed on, not tested: the value of an object literal's property (`{ role: member.role }`
 * in the context a middleware passes to `next`), an element, a template part, the argument of a call
 * that is no predicate (`track({ ... })`, `log(user.role)`), or what is stored on another object
 * (`req.role = member.role`). Reading it into a local or comparing it stays a check.
 */
function handsOn(read: ts.Expression): boolean {
  let current: ts.Node = read;
  for (;;) {
    const parent: ts.Node | undefined = current.parent;
    if (!parent) return false;
    if (ts.isParenthesizedExpression(parent) || ts.isNonNullExpression(parent) || ts.isAsExpression(parent) || ts.isAwaitExpression(parent)) {
      current = parent;
      continue;
    }
    // `member.role ?? 'viewer'`, `a.role || b.role`: the value goes on to wherever the whole goes.
    if (ts.isBinaryExpression(parent) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(parent.operatorToken.kind)) {
      current = parent;
      continue;
    }
    if (ts.isPropertyAssignment(parent) || ts.isShorthandPropertyAssignment(parent) || ts.isSpreadAssignment(parent) || ts.isArrayLiteralExpression(parent) || ts.isTemplateSpan(parent)) return true;
    if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.right === current) return ts.isPropertyAccessExpression(skipOuterExpressions(parent.left));
    if (ts.isCallExpression(parent) && parent.expression !== current) {
      const callee = skipOuterExpressions(parent.expression);
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
      return !ARRAY_PREDICATE.test(name) && !CHECK_FUNCTION_NAME.test(name);
    }
    return false;
  }
}

/**
 * A role read that is itself the gate: `if (req.user.admin) return next();` or `if (!user.isAdmin)
 * throw ...` in the middleware's own body. Such a middleware guards the role whatever status it
 * answers with (401 "Unauthorized" is common for a failed admin check).
 */
function roleGatesRequest(body: ts.Node, sourceFile: ts.SourceFile): boolean {
  let gates = false;
  const visit = (node: ts.Node): void => {
    if (gates || isDeferredFunction(node)) return;
    if (ts.isIfStatement(node) && ROLE_CHECK.test(codeText(node.expression, sourceFile))) {
      const then = ts.isBlock(node.thenStatement) ? node.thenStatement.statements[0] : node.thenStatement;
      const value = then && ts.isReturnStatement(then) && then.expression ? skipOuterExpressions(then.expression) : then && ts.isExpressionStatement(then) ? skipOuterExpressions(then.expression) : undefined;
      const callsNext = !!value && ts.isCallExpression(value) && ts.isIdentifier(value.expression) && value.expression.text === 'next' && value.arguments.length === 0;
      if ((then && ts.isThrowStatement(then)) || callsNext) gates = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return gates;
}

/** A response that ends the request: a page, a redirect, a body. */
const ENDS_WITH_RESPONSE = /^(?:render|redirect|send|json|end|sendFile|sendStatus)$/;

/**
 * `if (!req.session.user.is_admin) { return res.render('notify', { error: 'Admins only' }); } next();`:
 * a role gate that refuses with a page of its own instead of a 403 (server-rendered apps). The
 * refusing branch must return the response and the middleware must call next() elsewhere; a branch
 * that only sets something (`res.locals.banner = ...`) refuses nobody.
 */
function refusesWithoutRole(body: ts.Node, sourceFile: ts.SourceFile): boolean {
  if (!/\bnext\s*\(\s*\)/.test(codeText(body, sourceFile))) return false;
  let refuses = false;
  walkDescendants(body, (node) => {
    if (refuses || (node !== body && ts.isFunctionLike(node))) return false;
    if (!ts.isIfStatement(node)) return undefined;
    const condition = skipOuterExpressions(node.expression);
    if (!ts.isPrefixUnaryExpression(condition) || condition.operator !== ts.SyntaxKind.ExclamationToken || !ROLE_CHECK.test(codeText(condition, sourceFile))) return undefined;
    const statements = ts.isBlock(node.thenStatement) ? node.thenStatement.statements : [node.thenStatement];
    refuses = statements.some((statement) => {
      const returned = ts.isReturnStatement(statement) && statement.expression ? skipOuterExpressions(statement.expression) : undefined;
      const callee = returned && ts.isCallExpression(returned) ? skipOuterExpressions(returned.expression) : undefined;
      return callee !== undefined && ts.isPropertyAccessExpression(callee) && ENDS_WITH_RESPONSE.test(callee.name.text);
    });
    return undefined;
  });
  return refuses;
}

/** `isAdmin(user)`, `isSuperAdmin(user)`: ROLE_CHECK's predicate called by its bare name. */
const ADMIN_PREDICATE_NAME = /^is(?:Super)?Admin$/;

/** `res.locals.isAdmin = ...`: the role flag written, not read. */
function isAssignmentTarget(node: ts.Expression): boolean {
  const parent = node.parent;
  return !!parent && ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.left === node;
}

/**
 * The answer a role read gives: the read itself, the predicate it names called (`utils.isAdmin(user)`),
 * compared (`user.role === 'ADMIN'`) or negated. That answer handed on (`req.user = { ...user, admin:
 * isAdmin(user) }`, `res.locals.isAdmin = ...` for the templates) is recorded for later, not checked.
 */
function predicateResult(read: ts.Expression): ts.Expression {
  let current: ts.Expression = read;
  for (;;) {
    const parent: ts.Node | undefined = current.parent;
    if (!parent) return current;
    if (ts.isParenthesizedExpression(parent) || (ts.isCallExpression(parent) && parent.expression === current)) current = parent;
    else if (ts.isPrefixUnaryExpression(parent) && parent.operator === ts.SyntaxKind.ExclamationToken) current = parent;
    else if (ts.isBinaryExpression(parent) && EQUALITY_OPERATORS.has(parent.operatorToken.kind)) current = parent;
    else return current;
  }
}

const EQUALITY_OPERATORS: ReadonlySet<ts.SyntaxKind> = new Set([ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken]);

/** A function assigned to a property (`req.checkPermissions = (p) => {...}`): it runs when someone calls it later. */
function isDeferredFunction(node: ts.Node): boolean {
  if (!ts.isArrowFunction(node) && !ts.isFunctionExpression(node)) return false;
  let parent = node.parent;
  while (parent && ts.isParenthesizedExpression(parent)) parent = parent.parent;
  return !!parent && ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(skipOuterExpressions(parent.left));
}

/**
 * A middleware's own role code (codeText), blanked where it checks nothing now: the functions it
 * hands the request for later (`req.checkPermissions = (permission) => { ... throw }`, which check
 * when a handler calls them) and role reads it only hands on (`{ role: member.role }`).
 */
function ownCodeText(body: ts.Node, sourceFile: ts.SourceFile): string {
  const text = codeText(body, sourceFile);
  const start = body.getStart(sourceFile);
  const blanked: Array<[number, number]> = [];
  const visit = (node: ts.Node): void => {
    if (isDeferredFunction(node)) blanked.push([node.getStart(sourceFile) - start, node.end - start]);
    else {
      if (ts.isPropertyAccessExpression(node) && ROLE_MEMBER.test(node.name.text) && (isAssignmentTarget(node) || handsOn(predicateResult(node)))) blanked.push([node.name.getStart(sourceFile) - start - 1, node.name.end - start]);
      else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && ADMIN_PREDICATE_NAME.test(node.expression.text) && handsOn(predicateResult(node.expression))) blanked.push([node.expression.getStart(sourceFile) - start, node.expression.end - start]);
      ts.forEachChild(node, visit);
    }
  };
  visit(body);
  if (blanked.length === 0) return text;
  const chars = text.split('');
  for (const [from, to] of blanked) for (let index = from; index < to; index++) if (chars[index] !== '\n') chars[index] = ' ';
  return chars.join('');
}

/**
 * Whether a role check reads more than the token's scopes. An API key's or OAuth token's scopes
 * (`ctx.auth.scopes`, `token.scope.includes('bookmarks:write')`) bound what that token may do; every
 * account's keys get them, so they make no route admin-only, unless the scope names an administrator.
 */
function comparesOnlyTokenScopes(code: string): boolean {
  return /\bscopes?\b/.test(code) && !ROLE_CHECK.test(code.replace(/\bscopes?\b/g, '_')) && !/admin/i.test(code);
}

const ADMIN_IDENTITY_CHECK = /\badmin_?(?:user_?name|username|user|users|email|emails|ids?|accounts?)\b/i;
/** `if (<condition>) throw ...` / `if (<condition>) return reply...`: the condition stops the request. */
const CONDITION_THEN_STOP = /\bif\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*\{?\s*(?:throw\b|return\s+(?:reply|res|ctx)\b|(?:reply|res)\s*\.)/g;

/**
 * `if (req.auth.actor !== ActorType.USER || !req.auth.user.superAdmin) throw new ForbiddenRequestError(...)`: the request
 * stops unless the caller carries a platform-wide privilege flag. Only as the negated condition of a rejection: a branch
 * on the flag that lets everyone through (`if (user.isSuperAdmin && impersonate) {...}`) checks nobody.
 */
// `!session.user?.isModerator`: a site's moderators are its staff role, held as a flag on the user like `isStaff`.
const PRIVILEGE_FLAG_DENIED = /!\s*[\w$.?]*\.\s*(?:superAdmin|isSuperAdmin|super_admin|is_super_admin|isSuperuser|is_superuser|isStaff|is_staff|isModerator|is_moderator)\b/;
function rejectsWithoutPrivilegeFlag(code: string): boolean {
  for (const match of code.matchAll(CONDITION_THEN_STOP)) if (PRIVILEGE_FLAG_DENIED.test(match[1]!)) return true;
  return false;
}

/** The request is stopped unless the user is the configured administrator: the comparison is the condition of the rejection. */
function rejectsUnlessAdministrator(code: string): boolean {
  for (const match of code.matchAll(CONDITION_THEN_STOP)) if (ADMIN_IDENTITY_CHECK.test(match[1]!)) return true;
  return false;
}
const RATE_LIMIT_CHECK = /\.\s*consume\s*\(|\.\s*limit\s*\(|\b429\b|TOO_MANY_REQUESTS/;
const VALIDATION_CHECK = /\bvalidationResult\s*\(|\.\s*(?:validate|validateAsync|parse|safeParse|parseAsync)\s*\(/;

// Name-only fallbacks, matched against the words of the last name in the expression
// (`passportConfig.isAuthenticated` -> "is authenticated"), never against substrings:
// `xssProtection` is not "protect", `scopePerRequest` is not a scope check.
const NAME_KINDS: Array<{ kind: MiddlewareKind; pattern: RegExp }> = [
  { kind: 'rate-limit', pattern: /\brate ?limit|\blimiter\b|\bthrottl|\bslow ?down\b|\bbrute\b/ },
  { kind: 'role', pattern: /\b(?:roles?|admins?|permissions?|authori[sz]e|authori[sz]ed|authori[sz]ation|staff|superuser|acl|rbac|abac)\b|^can [a-z]/ },
  { kind: 'auth', pattern: /\b(?:auth|authenticate|authenticated|authentication|jwt|bearer|passport|guard|loggedin)\b|^(?:require|ensure|is|check|verify|validate|protect)(?: \w+)? (?:user|login|logged|session|token|signed|jwt|auth)\b|^protect(?:ed)?(?: route)?$|^(?:is )?logged in\b|^login required\b|^signed in\b/ },
  { kind: 'validation', pattern: /\b(?:validate|validator|validation|celebrate|sanitize|sanitizer)\b/ },
  { kind: 'state', pattern: /\b(?:state|transition|step)\b/ },
];

/**
 * Decides what one middleware/guard/hook does, on the strongest evidence available: a known
 * package, then the body of the function (does it verify a token or session and reject with
 * 401/403? does it compare roles?), then config, and only last its name (strength 'name-only').
 */
/** The auth model (config `models`, kind auth) that declares the function `name` in `file` an authentication check. */
export function findAuthModel(models: readonly AuthModel[] | undefined, file: string, name: string): AuthModel | undefined {
  return models?.find((candidate) => candidate.file === file && (!candidate.function || name === candidate.function || name.endsWith(`.${candidate.function}`) || name.startsWith(`${candidate.function}.`)));
}

export class MiddlewareClassifier {
  private readonly cache = new Map<ts.Node, MiddlewareClassification>();

  constructor(
    private readonly modules: ModuleIndex,
    private readonly config: ClassifierConfig,
  ) {}

  /** A RouteMiddleware for an expression used as middleware at `scope`. */
  describe(written: ts.Expression, file: ScannedSourceFile, scope: RouteMiddleware['scope'], displayName?: string): RouteMiddleware {
    // `asyncHandler(processJWT)`: the wrapped middleware is what runs; the list still shows what was written.
    const expression = this.wrappedMiddleware(written, file) ?? written;
    const classification = this.classify(expression, file);
    const { line } = nodePosition(written);
    const middleware: RouteMiddleware = {
      name: displayName ?? middlewareName(written),
      file: file.path,
      line,
      kind: classification.kind,
      strength: classification.strength,
      evidence: classification.evidence,
      scope,
    };
    if (classification.roles?.length) middleware.roles = classification.roles;
    if (classification.optionalAuthentication) middleware.optionalAuthentication = classification.optionalAuthentication;
    if (classification.tokenScopes) middleware.tokenScopes = true;
    const openPaths = classification.kind === 'auth' || classification.kind === 'role' ? listedOpenPaths(written, file, this.modules) : undefined;
    if (openPaths) middleware.openPaths = openPaths;
    if (classification.kind !== 'auth' && classification.kind !== 'role') {
      const interaction = this.signInInteractionOf(expression, file);
      if (interaction) middleware.signInInteraction = interaction;
      const copies = this.requestCopies(skipOuterExpressions(expression), file);
      if (copies.length > 0) middleware.copiesRequest = copies;
    }
    // An optional sign-in hangs the caller on the request too, when there is one (`req.accountability`).
    if (classification.kind === 'auth' || classification.kind === 'role' || classification.optionalAuthentication) {
      const bare = skipOuterExpressions(expression);
      const fn = ts.isCallExpression(bare) ? undefined : this.bodyOf(bare, file);
      const sets = fn ? requestPropertiesSet(fn, (call, at) => resolveFunction(this.modules, at, call.expression)) : ts.isCallExpression(bare) ? this.wrapperRequestProperties(bare, file) : [];
      // A middy middleware (`.use(verifyToken())`): what its `before` hangs on `request.event` or `request.context`.
      const middy = sets.length === 0 ? this.middyCallerProperties(bare, file) : undefined;
      if (middy) sets.push(...middy.event);
      if (middy && middy.context.length > 0) middleware.setsOnContext = middy.context;
      if (sets.length > 0) middleware.setsOnRequest = sets;
      // A NestJS guard class (`@UseGuards(CronGuard)`): its canActivate is what checks.
      const lifecycleClass = fn ? undefined : guardClassOf(this.modules, file, expression);
      const checker = ts.isCallExpression(bare) ? resolveFunction(this.modules, file, bare.expression) : (fn ?? (lifecycleClass && lifecycleMethodOf(this.modules, lifecycleClass)));
      const service = classification.kind === 'auth' ? (checker ? this.serviceCredentialOf(checker, ts.isCallExpression(bare) ? bare : undefined) : ts.isCallExpression(bare) ? this.staticSecretOf(bare, file) : undefined) : undefined;
      if (service) middleware.serviceCredential = service;
    }
    // App-wide middleware from an unknown package with a name that says nothing about access
    // (connect-flash, lusca.xframe) is plumbing; on a route or router it may well be a guard.
    const plumbing = scope === 'global' && classification.unknownPackage !== undefined && !ACCESS_PACKAGE_HINT.test(classification.unknownPackage);
    if (classification.opaque && !plumbing) middleware.opaque = true;
    return middleware;
  }

  /**
   * `koaInteractionDetails(provider)`, whose middleware reads `provider.interactionDetails(ctx.req, ctx.res)`:
   * the OpenID provider's sign-in interaction this request belongs to (the factory's body holds the middleware it returns).
   */
  private signInInteractionOf(expression: ts.Expression, file: ScannedSourceFile): string | undefined {
    const bare = skipOuterExpressions(expression);
    const fn = ts.isCallExpression(bare) ? resolveFunction(this.modules, file, bare.expression) : this.bodyOf(bare, file);
    const body = fn?.node.body;
    const found = body && SIGN_IN_INTERACTION.exec(body.getText(fn.node.getSourceFile()));
    return found ? `${middlewareName(expression)} reads the OpenID provider's sign-in interaction (${found[0].replace(/^\.|\s*\($/g, '')}())` : undefined;
  }

  classify(expression: ts.Expression, file: ScannedSourceFile): MiddlewareClassification {
    const cached = this.cache.get(expression);
    if (cached) return cached;
    const written = skipOuterExpressions(expression);
    if (ts.isConditionalExpression(written)) {
      const chosen = this.chosenByCondition(written, file);
      this.cache.set(expression, chosen);
      return chosen;
    }
    let result = this.classifyUncached(written, file);
    // `auth()` of a factory that compares the user's role only when told one (`if (options.role && ...)`):
    // called without it, it authenticates and checks no role.
    const bare = skipOuterExpressions(expression);
    const omitted = result.kind === 'role' && ts.isCallExpression(bare) ? this.roleCheckOptionOmitted(bare, file) : undefined;
    if (omitted) result = { kind: 'auth', strength: result.strength, evidence: `${result.evidence}, but only when given \`${omitted}\`, which this call does not pass: it authenticates and checks no role` };
    // `isAuthenticated()` of a factory whose check asks for the permissions it was given (`hasPermission(permissions ?? 0)`):
    // called without them, it asks for none.
    const unasked = result.kind === 'role' && !omitted && ts.isCallExpression(bare) ? roleParameterOmitted(this.modules, bare, file) : undefined;
    if (unasked) result = { kind: 'auth', strength: result.strength, evidence: `${result.evidence}, but the permission it asks for is its parameter \`${unasked}\`, which this call does not pass: it authenticates and checks no role` };
    const optional = result.kind === 'auth' || result.kind === 'role' ? optionalAuthenticationFlag(bare) ?? anonymousPassesByFlag(this.modules, file, expression) ?? anonymousPassesEveryRejection(this.modules, file, expression) ?? anonymousPassesWithoutCredential(this.modules, file, expression, (fn) => { const verdict = classifyWithCallees(this.modules, fn); return verdict?.kind === 'auth' || verdict?.kind === 'role'; }) : undefined;
    // `auth({ optional: true })`, express-jwt `credentialsRequired: false`, `authenticate('jwt', msg, false)`: lets anonymous requests through.
    if (optional) result = { kind: 'other', strength: 'strong', evidence: `${result.evidence}, but ${optional}: anonymous requests pass`, optionalAuthentication: optional };
    this.cache.set(expression, result);
    return result;
  }

  private classifyUncached(expression: ts.Expression, file: ScannedSourceFile): MiddlewareClassification {
    const name = middlewareName(expression);
    const roles = readRoleArguments(expression);
    const configured = this.fromConfig(name, expression, file);
    if (configured) return { ...configured, ...(roles.length ? { roles } : {}) };

    // A guard/interceptor/pipe class (NestJS): what it inherits from a known package, else its canActivate/intercept/transform/use.
    const lifecycleClass = guardClassOf(this.modules, file, expression);
    const declared = this.fromDeclaration(expression, file, lifecycleClass);
    if (declared) return { ...declared, ...(roles.length ? { roles } : {}) };

    const library = this.fromLibrary(expression, file);
    if (library) return { ...library, ...(roles.length ? { roles } : {}) };

    const inherited = lifecycleClass && this.fromBaseClass(lifecycleClass);
    if (inherited) return { ...inherited, ...(roles.length ? { roles } : {}) };

    // A guard factory's call (`PermissionGuard(x)`) runs the class it returns, not the factory's own body.
    const factoryGuard = lifecycleClass && ts.isCallExpression(expression) ? lifecycleMethodOf(this.modules, lifecycleClass) : undefined;
    // `app.use(auth.middleware)` where `const auth = getAuthConnection()` returns one of several classes
    // (chosen by configuration at start-up): it checks only when every class's middleware checks.
    // `app.use(app.get(ssr).ssr(paths))`, `ssr` one of the classes its parameter's type names: the
    // factory of whichever class the caller passed.
    const alternatives = factoryGuard ? [] : memberAlternatives(this.modules, file, ts.isCallExpression(expression) ? expression.expression : expression);
    if (alternatives.length > 1) {
      const each = alternatives.map((alternative) => this.classifyFunction(alternative));
      const names = alternatives.map((alternative) => `${alternative.name} (${alternative.file.path}:${nodePosition(alternative.node).line})`).join(' or ');
      const checking = each.every((classification) => classification && (classification.kind === 'auth' || classification.kind === 'role') && classification.strength === 'strong');
      if (checking) {
        return { kind: 'auth', strength: 'strong', evidence: `${name} is ${names}, chosen at start-up, and each verifies the request's credentials (${each.map((classification) => classification!.evidence).join('; ')})`, ...(roles.length ? { roles } : {}) };
      }
      // Every one read, none checks: plumbing, whichever runs.
      if (each.every((classification) => !classification || (classification.kind !== 'auth' && classification.kind !== 'role' && !classification.opaque))) {
        return { kind: 'other', strength: 'strong', evidence: `${name} is ${names}, chosen at start-up, and none verifies a token or session or rejects the request` };
      }
    }
    const body = factoryGuard ?? this.bodyOf(expression, file) ?? (lifecycleClass && lifecycleMethodOf(this.modules, lifecycleClass));
    if (body) {
      // A CSRF check rejects a request whose token pair does not match, and may read how the request
      // authenticates to decide whether it needs one: it never checks who the caller is.
      const csrf = csrfCheck(body);
      if (csrf) return csrf;
      // A factory that hands back a known package's middleware: `isAuthorized = () => expressJwt({ ... })`.
      const returned = ts.isCallExpression(expression) ? returnedCall(body) : undefined;
      const delegated = returned && this.fromLibrary(returned, body.file);
      if (delegated) return { ...delegated, evidence: `${body.name} returns ${delegated.evidence}`, ...(roles.length ? { roles } : {}) };
      const fromBody = this.classifyFunction(body);
      // A wrapper that authenticates through a helper and then validates the input: the authentication
      // is what the routes behind it get.
      const perRequest = fromBody?.kind === 'validation' || !fromBody ? this.authenticatesPerRequest(expression, body) : undefined;
      if (perRequest) return { ...perRequest, ...(roles.length ? { roles } : {}) };
      if (fromBody) return { ...fromBody, ...(roles.length ? { roles } : {}) };
      // `canActivate(context) { return this.authGuard.canActivate(context); }`: a wrapper guard runs the
      // guard injected into it (a DI token bound per edition); what that guard is, its declared type says.
      const delegate = lifecycleClass ? injectedDelegate(body) : undefined;
      const injected = delegate ? this.classify(delegate.type, delegate.file) : undefined;
      if (injected && (injected.kind === 'auth' || injected.kind === 'role') && injected.strength === 'strong') {
        return { ...injected, evidence: `${body.name} returns ${delegate!.member}.${delegate!.method}() of the injected ${middlewareName(delegate!.type)} (${injected.evidence})`, ...(roles.length ? { roles } : {}) };
      }
      // `asyncHandler(auth.jwt)`: a pass-through wrapper around one middleware does what that middleware does,
      // `asyncHandler(env.X ? auth.jwt : auth.jwtLoose)` whichever the condition picks.
      const only = ts.isCallExpression(expression) && expression.arguments.length === 1 ? skipOuterExpressions(expression.arguments[0]!) : undefined;
      const passesMiddleware = only && (ts.isIdentifier(only) || ts.isPropertyAccessExpression(only) || ts.isCallExpression(only) || ts.isConditionalExpression(only));
      const wrapped = passesMiddleware ? this.classify(only, file) : undefined;
      if (wrapped && wrapped.kind !== 'other' && wrapped.strength === 'strong') return { ...wrapped, evidence: `${middlewareName(expression)}: ${wrapped.evidence}` };
      // `asyncHandler(auth.jwtLoose)`: the optional sign-in it wraps, which lets anonymous requests through
      // (not "the wrapper checks nothing", which would hide that the route reads a caller when there is one).
      if (wrapped?.optionalAuthentication) return { ...wrapped, evidence: `${middlewareName(expression)}: ${wrapped.evidence}` };
      const byName = classifyName(name);
      // A body we can read that shows no check wins over an optimistic name.
      if (byName && byName.kind !== 'auth' && byName.kind !== 'role') return { ...byName, ...(roles.length ? { roles } : {}) };
      return { kind: 'other', strength: 'strong', evidence: `${body.name} (${body.file.path}) neither verifies a token or session nor rejects the request` };
    }
    const byName = classifyName(name);
    const root = rootIdentifier(expression);
    const binding = root && (this.modules.resolveIdentifier(file, root.identifier, localDeclaration(root.identifier)) ?? this.instanceOfPackageClass(root.identifier, file));
    // `mongoSanitize()` from express-mongo-sanitize: named for what it does, from a package we do not list.
    const unknownPackage = binding?.kind === 'external' ? { unknownPackage: binding.module } : {};
    if (byName) return { ...byName, opaque: true, ...unknownPackage, ...(roles.length ? { roles } : {}) };
    if (binding?.kind === 'external') {
      return { kind: 'other', strength: 'name-only', evidence: `${binding.module}: a package trustscan does not know`, opaque: true, unknownPackage: binding.module };
    }
    return { kind: 'other', strength: 'name-only', evidence: 'could not resolve what it does', opaque: true };
  }

  /**
   * `env.DISALLOW_ANONYMOUS_LINKS ? auth.jwt : auth.jwtLoose`, `process.env.AUTH_DISABLED ? noop : requireAuth`:
   * a middleware chosen when the routes are declared, so by the deployment's configuration, never by the
   * request. When both branches check, the route is checked whichever runs. When one authenticates and the
   * other lets anonymous requests through, the code offers the check and a setting turns it off: the route
   * is authenticated as written (the evidence names the condition), as a guard an operator may remove from
   * a config file would be; an open route with no guard in the code is what missing-authentication is for.
   * When neither checks, what the other branch says is kept (an optional sign-in stays one).
   */
  private chosenByCondition(conditional: ts.ConditionalExpression, file: ScannedSourceFile): MiddlewareClassification {
    const branches = [conditional.whenTrue, conditional.whenFalse].map((branch) => ({ branch, classification: this.classify(branch, file) }));
    const checks = (classification: MiddlewareClassification): boolean => (classification.kind === 'auth' || classification.kind === 'role') && classification.strength === 'strong';
    const condition = middlewareName(conditional.condition);
    const describeBranch = ({ branch, classification }: (typeof branches)[number]): string => `${middlewareName(branch)} (${classification.evidence})`;
    const [whenTrue, whenFalse] = branches as [(typeof branches)[number], (typeof branches)[number]];
    if (checks(whenTrue.classification) && checks(whenFalse.classification)) {
      const roles = [...new Set(branches.flatMap(({ classification }) => classification.roles ?? []))];
      // A role check on one side only makes no route admin-only: it authenticates either way.
      const kind = whenTrue.classification.kind === 'role' && whenFalse.classification.kind === 'role' ? 'role' : 'auth';
      return { kind, strength: 'strong', evidence: `${condition} chooses ${describeBranch(whenTrue)} or ${describeBranch(whenFalse)} at start-up, and each checks the caller`, ...(kind === 'role' && roles.length ? { roles } : {}) };
    }
    const checking = branches.find(({ classification }) => checks(classification));
    if (checking) {
      const other = checking === whenTrue ? whenFalse : whenTrue;
      const when = checking === whenTrue ? `when ${condition} holds` : `unless ${condition} holds`;
      return { kind: 'auth', strength: 'strong', evidence: `${describeBranch(checking)} ${when} (a setting read at start-up, not the request); otherwise ${describeBranch(other)}` };
    }
    // `flag ? requireLogin : noop` with `requireLogin` known only by its name: that name is the evidence there is.
    const named = branches.find(({ classification }) => classification.kind === 'auth' || classification.kind === 'role');
    if (named) return { ...named.classification, evidence: `${describeBranch(named)} ${named === whenTrue ? `when ${condition} holds` : `unless ${condition} holds`}; otherwise ${describeBranch(named === whenTrue ? whenFalse : whenTrue)}` };
    const optional = branches.find(({ classification }) => classification.optionalAuthentication);
    if (optional) return { ...optional.classification, evidence: `${condition} chooses ${describeBranch(whenTrue)} or ${describeBranch(whenFalse)}, and neither turns an anonymous request away` };
    // `isProd ? loginLimiter : noop`, `strict ? body('name').isString() : noop`: the limiter or validation the code offers, as written.
    const acting = branches.find(({ classification }) => classification.kind !== 'other');
    if (acting) return { ...acting.classification, evidence: `${describeBranch(acting)} ${acting === whenTrue ? `when ${condition} holds` : `unless ${condition} holds`}; otherwise ${describeBranch(acting === whenTrue ? whenFalse : whenTrue)}` };
    const opaque = branches.find(({ classification }) => classification.opaque);
    if (opaque) return { kind: 'other', strength: 'name-only', evidence: `${condition} chooses ${describeBranch(whenTrue)} or ${describeBranch(whenFalse)}`, opaque: true };
    return { kind: 'other', strength: 'strong', evidence: `${condition} chooses ${describeBranch(whenTrue)} or ${describeBranch(whenFalse)}, and neither checks the caller` };
  }

  /** What a middleware function's body (and the helpers it hands the check to) checks, if anything. */
  /**
   * `withApiWrapper({ handler })` returns the function each request runs: read as a route handler is
   * read, it authenticates when it returns before the work unless a helper verified the credentials.
   * A factory that returns `{ loader, action }` (Remix route builders) runs the handler through those
   * of its functions that call it: it authenticates when each of them does (a stub that answers 405
   * never runs the handler).
   */
  private authenticatesPerRequest(expression: ts.Expression, factory: ResolvedFunction): MiddlewareClassification | undefined {
    if (!ts.isCallExpression(expression)) return undefined;
    const returned = returnedFunction(factory);
    if (returned) {
      const evidence = this.config.authenticatesAsHandler?.(returned);
      return evidence ? { kind: 'auth', strength: 'strong', evidence: `${factory.name} returns a function that ${evidence.replace(/^\S+ /, '')}` } : undefined;
    }
    const runners = handlerRunningMembers(this.modules, factory);
    const evidence = runners.map((runner) => this.config.authenticatesAsHandler?.(runner));
    if (runners.length === 0 || evidence.some((each) => !each)) return undefined;
    return { kind: 'auth', strength: 'strong', evidence: `${factory.name} returns ${runners.map((runner) => runner.name).join(' and ')}, which run the handler it is given: ${evidence[0]}` };
  }

  /**
   * Per function and the name it was reached by (the evidence names it): the same guard guards
   * many routes (`security.isAuthorized()` written at each of a hundred), and a function's verdict
   * depends only on its body, the helpers it calls and the index.
   */
  private readonly functionVerdicts = new Map<ts.Node, Map<string, MiddlewareClassification | undefined>>();

  private classifyFunction(body: ResolvedFunction): MiddlewareClassification | undefined {
    let byName = this.functionVerdicts.get(body.node);
    if (!byName) this.functionVerdicts.set(body.node, (byName = new Map()));
    if (byName.has(body.name)) return byName.get(body.name);
    const verdict = this.classifyFunctionUncached(body);
    byName.set(body.name, verdict);
    return verdict;
  }

  private classifyFunctionUncached(body: ResolvedFunction): MiddlewareClassification | undefined {
    // A middleware that delegates the check to a helper (`await validateAuthentication(ctx)`) is read with the helper's body.
    const own = classifyBody(body);
    // `if (!ctx.isAuthenticated) ctx.throw(403); await checkPermission(ctx, permType, permLevel)`: the
    // body authenticates and hands the permission check to a helper it calls: a role guard.
    // Only a predicate named for permissions counts here: an API key's scope or access level read on
    // the way (`auth.scope.accessLevel`) is part of authenticating it, not a role guard.
    const withHelpers = own?.kind === 'auth' && calleesAskPermission(this.modules, body) ? withDirectCallees(this.modules, body) : undefined;
    return (withHelpers?.kind === 'role' ? withHelpers : own) ?? classifyGuardMethod(body) ?? classifySharedSecretGate(body) ?? classifyWithCallees(this.modules, body) ?? this.answers401WhenCheckThrows(body) ?? this.rejectsWhenRequestLookupFails(body) ?? this.delegatesToPackageMiddleware(body);
  }

  /**
   * `const caller = await this.accounts.fromRequest(request); if (!caller) throw new UnauthorizedException()`:
   * the request handed to a project function that reads the credential it carries (a header, cookie or
   * session named for one, itself or in the functions it calls), and a 401 when that finds nobody.
   */
  private rejectsWhenRequestLookupFails(fn: ResolvedFunction): MiddlewareClassification | undefined {
    const body = fn.node.body;
    if (!body) return undefined;
    const sourceFile = fn.node.getSourceFile();
    const requests = new Set(fn.node.parameters.flatMap((parameter) => bindingNames(parameter.name)).filter((name) => REQUEST_NAME.test(name)));
    const lookedUp = new Map<string, ResolvedFunction>();
    let rejecting: { name: string; by: ResolvedFunction } | undefined;
    walkDescendants(body, (node) => {
      if (rejecting || (node !== body && ts.isFunctionLike(node))) return false;
      if (ts.isVariableDeclaration(node) && node.initializer) {
        const value = skipOuterExpressions(node.initializer);
        // `const request = context.switchToHttp().getRequest()`: the request under another name.
        if (/\.\s*getRequest\s*(?:<[^>()]*>)?\s*\(/.test(value.getText(sourceFile))) for (const name of bindingNames(node.name)) requests.add(name);
        else if (ts.isCallExpression(value) && value.arguments.some((argument) => ts.isIdentifier(skipOuterExpressions(argument)) && requests.has((skipOuterExpressions(argument) as ts.Identifier).text))) {
          const helper = resolveFunction(this.modules, fn.file, value.expression);
          if (helper?.node.body && helper.node !== fn.node && readsRequestCredential(this.modules, helper)) for (const name of bindingNames(node.name)) lookedUp.set(name, helper);
        }
      }
      if (ts.isIfStatement(node)) {
        const condition = skipOuterExpressions(node.expression);
        const tested = ts.isPrefixUnaryExpression(condition) && condition.operator === ts.SyntaxKind.ExclamationToken ? skipOuterExpressions(condition.operand) : undefined;
        const by = tested && ts.isIdentifier(tested) ? lookedUp.get(tested.text) : undefined;
        if (by && REJECTS_UNAUTHENTICATED.test(codeText(node.thenStatement, sourceFile))) rejecting = { name: (tested as ts.Identifier).text, by };
      }
      return undefined;
    });
    if (!rejecting) return undefined;
    const { name, by } = rejecting;
    return {
      kind: 'auth',
      strength: 'strong',
      evidence: `${fn.name} (${fn.file.path}:${nodePosition(fn.node).line}) looks the caller up with ${by.name} (${by.file.path}:${nodePosition(by.node).line}), which reads the request's credential, and rejects with 401 when ${name} is empty`,
    };
  }

  /**
   * `middleware(req, res, next) { jwtCheck(req, res, next); }` where `const jwtCheck = expressjwt({...})`:
   * a function that runs a package's middleware on its own request and `next` does what that middleware does.
   * Koa and Hono middleware take `(ctx, next)`: `return bearerAuth({ token })(c, next)` is the same delegation.
   */
  private delegatesToPackageMiddleware(fn: ResolvedFunction): MiddlewareClassification | undefined {
    const body = fn.node.body;
    const parameters = fn.node.parameters;
    const request = parameters[0]?.name;
    // `next` is the last parameter: third of Express's `(req, res, next)`, second of Koa's and Hono's `(ctx, next)`.
    // A two-parameter function is a handler `(req, res)` unless its second parameter is named for `next`.
    const last = parameters.at(-1)?.name;
    const next = parameters.length === 3 || (parameters.length === 2 && last && ts.isIdentifier(last) && /^_?(?:next|nxt|done)$/.test(last.text)) ? last : undefined;
    if (!body || !request || !next || !ts.isIdentifier(request) || !ts.isIdentifier(next)) return undefined;
    let found: MiddlewareClassification | undefined;
    const visit = (node: ts.Node): void => {
      if (found || (node !== body && ts.isFunctionLike(node))) return;
      if (ts.isCallExpression(node)) {
        const passed = node.arguments.map((argument) => skipOuterExpressions(argument));
        const handsOn = passed.some((argument) => ts.isIdentifier(argument) && argument.text === request.text) && passed.some((argument) => ts.isIdentifier(argument) && argument.text === next.text);
        const callee = skipOuterExpressions(node.expression);
        const library = handsOn ? (ts.isIdentifier(callee) ? this.localMiddlewareValue(fn, callee) : undefined) ?? this.fromLibrary(callee, fn.file) : undefined;
        if (library && (library.kind === 'auth' || library.kind === 'role') && library.strength === 'strong') {
          found = { ...library, evidence: `${fn.name} (${fn.file.path}:${nodePosition(fn.node).line}) runs ${middlewareName(node.expression)} (${library.evidence}) on its request` };
          return;
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(body);
    return found;
  }

  /**
   * A local of the function that holds a package's middleware, memoized: `let middleware = cache[key];
   * if (!middleware) { middleware = expressjwt({...}); cache[key] = middleware; }`. What the package calls
   * assigned to it make is what it holds (a value read back from the cache is one of them).
   */
  private localMiddlewareValue(fn: ResolvedFunction, name: ts.Identifier): MiddlewareClassification | undefined {
    const body = fn.node.body;
    if (!body) return undefined;
    const values: ts.Expression[] = [];
    let declared = false;
    const visit = (node: ts.Node): void => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name.text) {
        declared = true;
        if (node.initializer) values.push(node.initializer);
      }
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(skipOuterExpressions(node.left)) && (skipOuterExpressions(node.left) as ts.Identifier).text === name.text) values.push(node.right);
      ts.forEachChild(node, visit);
    };
    visit(body);
    if (!declared) return undefined;
    const made = values.map((value) => skipOuterExpressions(value)).filter((value) => ts.isCallExpression(value) || ts.isNewExpression(value));
    const kinds = made.map((value) => this.fromLibrary(value, fn.file));
    return made.length > 0 && kinds.every((kind) => kind && (kind.kind === 'auth' || kind.kind === 'role') && kind.strength === 'strong') ? kinds[0] : undefined;
  }

  /**
   * `try { request.client = await validateClient(request.headers); } catch (error) { return reply.status(401).send(...) }`:
   * a hook that runs the project's credential check in a `try` and answers 401 from the `catch`
   * authenticates, when that helper reads the request's credentials and throws when they fail. The
   * 401 must be the catch's: the same shape around a tenant lookup answering 404 checks nobody.
   */
  private answers401WhenCheckThrows(fn: ResolvedFunction): MiddlewareClassification | undefined {
    const verifiesAndThrows = this.config.verifiesCredentialsAndThrows;
    const body = fn.node.body;
    if (!verifiesAndThrows || !body) return undefined;
    const sourceFile = fn.node.getSourceFile();
    let checkedBy: ResolvedFunction | undefined;
    const inspectTry = (tryBlock: ts.Block): void => {
      const visit = (node: ts.Node): void => {
        if (checkedBy || ts.isFunctionLike(node)) return;
        if (ts.isCallExpression(node)) {
          const helper = resolveFunction(this.modules, fn.file, node.expression);
          if (helper && helper.node !== fn.node && verifiesAndThrows(helper)) {
            checkedBy = helper;
            return;
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(tryBlock);
    };
    const visit = (node: ts.Node): void => {
      if (checkedBy || (node !== body && ts.isFunctionLike(node))) return;
      if (ts.isTryStatement(node) && node.catchClause && REJECTS_UNAUTHENTICATED.test(codeText(node.catchClause.block, sourceFile))) inspectTry(node.tryBlock);
      ts.forEachChild(node, visit);
    };
    visit(body);
    if (!checkedBy) return undefined;
    const where = `${fn.name} (${fn.file.path}:${nodePosition(fn.node).line})`;
    // `if (client.type !== ClientType.root) throw ...` in the check: only a privileged kind of credential gets in.
    const privileged = checkedBy.node.body && PRIVILEGED_KIND_CHECK.exec(checkedBy.node.body.getText(checkedBy.node.getSourceFile()));
    if (privileged) {
      const role = (privileged[1] ?? privileged[2])!.replace(/['"`]/g, '');
      return {
        kind: 'role',
        strength: 'strong',
        roles: [role],
        evidence: `${where} calls ${checkedBy.name} (${checkedBy.file.path}:${nodePosition(checkedBy.node).line}), which verifies the request's credentials, lets only a ${role} credential through (${privileged[0].replace(/\s+/g, ' ')}) and throws otherwise; the hook answers 401 from its catch`,
      };
    }
    return {
      kind: 'auth',
      strength: 'strong',
      evidence: `${where} calls ${checkedBy.name} (${checkedBy.file.path}:${nodePosition(checkedBy.node).line}), which verifies the request's credentials and throws when they fail, and answers 401 from its catch`,
    };
  }

  private fromConfig(name: string, expression: ts.Expression, file: ScannedSourceFile): MiddlewareClassification | undefined {
    const bare = name.replace(/\(.*$/s, '');
    const last = bare.split('.').pop() ?? bare;
    if (this.config.authMiddleware.some((configured) => configured === bare || configured === last)) {
      return { kind: 'auth', strength: 'strong', evidence: 'declared in config auth.middleware' };
    }
    if (this.config.roleChecks.some((configured) => configured === bare || configured === last)) {
      return { kind: 'role', strength: 'strong', evidence: 'declared in config auth.roleChecks' };
    }
    const limiter = matchingRateLimiter(this.config.rateLimiters, this.modules, file, expression, [bare, last]);
    if (limiter) return { kind: 'rate-limit', strength: 'strong', evidence: `declared in ${limiter.label}` };
    return undefined;
  }

  /**
   * What the user declared about this middleware: a config `models` auth entry naming the file (and
   * function) it is written in, or a `// trustscan-auth: <reason>` annotation on it. Anonymous hooks
   * have no name config `auth.middleware` could match, so these name them by place.
   */
  private fromDeclaration(expression: ts.Expression, file: ScannedSourceFile, lifecycleClass: GuardClass | undefined): MiddlewareClassification | undefined {
    const annotated = authAnnotation(file, nodePosition(expression).line);
    if (annotated) return { kind: 'auth', strength: 'strong', evidence: `trustscan-auth annotation (${file.path}:${annotated.line}): ${annotated.reason}` };
    const body = this.bodyOf(expression, file) ?? (lifecycleClass && lifecycleMethodOf(this.modules, lifecycleClass));
    if (!body) return undefined;
    const bodyAnnotation = authAnnotation(body.file, nodePosition(body.node).line);
    if (bodyAnnotation) return { kind: 'auth', strength: 'strong', evidence: `trustscan-auth annotation (${body.file.path}:${bodyAnnotation.line}): ${bodyAnnotation.reason}` };
    const model = findAuthModel(this.config.authModels, body.file.path, body.name);
    if (model) return { kind: 'auth', strength: 'strong', evidence: `declared in ${model.label} (${model.file}${model.function ? ` ${model.function}` : ''})` };
    return undefined;
  }

  /** The middleware a wrapper package's call wraps (`asyncHandler(processJWT as RequestHandler)` -> `processJWT`). */
  private wrappedMiddleware(expression: ts.Expression, file: ScannedSourceFile): ts.Expression | undefined {
    const call = skipOuterExpressions(expression);
    if (!ts.isCallExpression(call) || call.arguments.length !== 1 || !ts.isIdentifier(call.expression)) return undefined;
    const binding = this.modules.resolveName(file, call.expression.text);
    return binding?.kind === 'external' && HANDLER_WRAPPER_PACKAGES.has(binding.module) ? skipOuterExpressions(call.arguments[0]!) : undefined;
  }

  private fromLibrary(expression: ts.Expression, file: ScannedSourceFile, depth = 0): MiddlewareClassification | undefined {
    const root = rootIdentifier(expression);
    if (!root) return undefined;
    // `auth.checks.required`: after the root's member, the properties still to follow.
    const rest = propertyChain(expression).slice(1);
    const local = localDeclaration(root.identifier);
    // A const of the function the routes are declared in (`const validateParams = zValidator(...)` inside an
    // app factory) is no top-level name: it is read as the declaration it is, in this file.
    // Only the name itself (`validateParams`), not a method called on a local (`app.get(CallerGuard)`).
    const inFunction = local?.initializer && ts.isIdentifier(skipOuterExpressions(expression)) && !ts.isSourceFile(local.parent.parent.parent) && requiredModule(local.initializer) === undefined;
    const binding = inFunction ? ({ kind: 'declaration', file, node: local, name: root.identifier.text } as const) : this.modules.resolveIdentifier(file, root.identifier, local);
    if (binding?.kind === 'declaration' && ts.isVariableDeclaration(binding.node) && binding.node.initializer && depth < 3) {
      // `const loginLimiter = rateLimit({...})`, `const upload = multer({...})`: what the package call made;
      // `const auth = { required: jwt({...}) }` used as `auth.required`; `const createAdmin = [body('email').isEmail(), ...]`.
      const initializer = skipOuterExpressions(binding.node.initializer);
      if (ts.isObjectLiteralExpression(initializer)) {
        const value = root.member ? propertyValue(initializer, root.member) : undefined;
        return value ? this.fromValue(value, binding.file, depth + 1, rest) : undefined;
      }
      return this.fromValue(initializer, binding.file, depth + 1);
    }
    // `module.exports = { successHandler, errorHandler }` required as `morgan`: `morgan.successHandler` is that property.
    if (binding?.kind === 'declaration' && ts.isObjectLiteralExpression(binding.node) && root.member && depth < 3) {
      const value = propertyValue(binding.node, root.member);
      return value ? this.fromValue(value, binding.file, depth + 1, rest) : undefined;
    }
    // `morgan.successHandler` where `const morgan = require('./config/morgan')`: the project module's export.
    if (binding?.kind === 'namespace' && root.member && depth < 3) {
      const exportedBinding = this.modules.resolveExport(binding.file, root.member);
      const exported = bindingValue(exportedBinding);
      const made = exported && ts.isExpression(exported) ? skipOuterExpressions(exported) : undefined;
      return made && exportedBinding?.kind === 'declaration' ? this.fromValue(made, exportedBinding.file, depth + 1, rest) : undefined;
    }
    if (binding?.kind !== 'external') return undefined;
    const module = binding.module;
    const importedName = binding.importedName === '*' || binding.importedName === 'default' ? root.member ?? binding.importedName : binding.importedName;
    if ((PASSPORT.packages as readonly string[]).includes(module)) {
      // passport.authenticate('local') is the credential login itself, not a guard on other routes.
      const strategy = firstStringArgument(expression);
      if (strategy === PASSPORT.credentialLoginStrategy) return { kind: 'other', strength: 'strong', evidence: `passport '${PASSPORT.credentialLoginStrategy}' strategy: credential login` };
      // passport.initialize() / passport.session() set passport up; they turn nobody away.
      if (root.member && !(PASSPORT.guardMembers as readonly string[]).includes(root.member)) {
        return { kind: 'other', strength: 'strong', evidence: `${module} ${root.member}: setup, not a guard` };
      }
    }
    // `createMiddleware(async (c, next) => ...)`: the function it is given is the middleware.
    const defined = MIDDLEWARE_DEFINERS[module]?.includes(importedName) ? definedMiddleware(skipOuterExpressions(expression)) : undefined;
    if (defined && depth < 3) return this.classify(defined, file);
    const combinator = MIDDLEWARE_COMBINATORS[module]?.[importedName] ?? MIDDLEWARE_COMBINATORS[module]?.[binding.importedName];
    if (combinator && ts.isCallExpression(skipOuterExpressions(expression)) && depth < 3) return this.combined(skipOuterExpressions(expression) as ts.CallExpression, file, combinator, `${module} ${importedName}`);
    const table = KNOWN_PACKAGES[module];
    if (table) {
      const kind = table[importedName] ?? table[binding.importedName] ?? table['*'];
      if (kind) return { kind, strength: 'strong', evidence: `${module}${importedName && importedName !== 'default' && importedName !== '*' ? ` ${importedName}` : ''}` };
    }
    if (PLUMBING_PACKAGES.has(module)) return { kind: 'other', strength: 'strong', evidence: module };
    return undefined;
  }

  /**
   * `every(verifyKey, requireProSpace)` (hono/combine), `compose([auth, load])`: the middleware it runs, each
   * classified. Run in order (`all`), it authenticates when one of them does; run until one passes (`any`),
   * only when each does. Otherwise it is plumbing when none checks, and unknown when one cannot be read.
   */
  private combined(call: ts.CallExpression, file: ScannedSourceFile, mode: 'all' | 'any', label: string): MiddlewareClassification | undefined {
    const members = call.arguments.flatMap((argument) => {
      const value = skipOuterExpressions(argument);
      return ts.isArrayLiteralExpression(value) ? value.elements.filter((element): element is ts.Expression => !ts.isSpreadElement(element)) : [argument];
    });
    if (members.length === 0) return undefined;
    const each = members.map((member) => this.classify(member, file));
    const checks = (classification: MiddlewareClassification) => (classification.kind === 'auth' || classification.kind === 'role') && classification.strength === 'strong';
    const names = members.map((member) => middlewareName(member)).join(', ');
    const checking = mode === 'all' ? (each.find((classification) => classification.kind === 'auth' && checks(classification)) ?? each.find(checks)) : each.every(checks) ? (each.find((classification) => classification.kind === 'auth') ?? each[0]) : undefined;
    if (checking) return { ...checking, evidence: `${label}(${names}): ${checking.evidence}` };
    // Run until one passes: a member we can read that checks nothing lets every request through.
    const open = mode === 'any' ? members.find((_, index) => !each[index]!.opaque && !checks(each[index]!)) : undefined;
    if (open) return { kind: 'other', strength: 'strong', evidence: `${label}(${names}): ${middlewareName(open)} passes every request, so the combination does` };
    if (each.every((classification) => classification.kind !== 'auth' && classification.kind !== 'role' && !classification.opaque)) return { kind: 'other', strength: 'strong', evidence: `${label}(${names}): none of them verifies a token or session or rejects the request` };
    return undefined;
  }

  /** What a value a middleware name stands for was made by: a package call, a list of package middleware, another name. */
  private fromValue(value: ts.Expression, file: ScannedSourceFile, depth: number, rest: readonly string[] = []): MiddlewareClassification | undefined {
    const made = skipOuterExpressions(value);
    if (rest.length > 0) {
      // Follow the remaining properties through object literals (`{ required: jwt(...) }`), also behind a name.
      let object: ts.Expression | undefined = made;
      let objectFile = file;
      if (ts.isIdentifier(made)) {
        const binding = this.modules.resolveName(file, made.text);
        const target = binding?.kind === 'declaration' ? bindingValue(binding) : undefined;
        object = target && ts.isExpression(target) ? skipOuterExpressions(target) : undefined;
        if (binding?.kind === 'declaration') objectFile = binding.file;
      }
      const next = object && ts.isObjectLiteralExpression(object) ? propertyValue(object, rest[0]!) : undefined;
      return next && depth < 6 ? this.fromValue(next, objectFile, depth + 1, rest.slice(1)) : undefined;
    }
    if (ts.isCallExpression(made) || ts.isNewExpression(made) || ts.isIdentifier(made) || ts.isPropertyAccessExpression(made)) {
      const found = this.fromLibrary(made, file, depth);
      // `optional: jwt({ credentialsRequired: false })` reached through a name: anonymous requests pass.
      const optional = found && (found.kind === 'auth' || found.kind === 'role') ? optionalAuthenticationFlag(made) : undefined;
      return optional ? { kind: 'other', strength: 'strong', evidence: `${found!.evidence}, but ${optional}: anonymous requests pass`, optionalAuthentication: optional } : found;
    }
    if (ts.isArrayLiteralExpression(made)) {
      // Express runs an array of middleware in order: the strongest kind among them is what it does.
      const kinds = made.elements.map((element) => (ts.isSpreadElement(element) ? undefined : this.fromLibrary(element, file, depth))).filter((kind): kind is MiddlewareClassification => kind !== undefined);
      return kinds.find((kind) => kind.kind === 'auth') ?? kinds.find((kind) => kind.kind === 'role') ?? kinds[0];
    }
    return undefined;
  }

  /** `class JwtAuthGuard extends AuthGuard('jwt')`, `extends ThrottlerGuard`, through local base classes. */
  private fromBaseClass(start: GuardClass): MiddlewareClassification | undefined {
    let current: GuardClass | undefined = start;
    const chain: GuardClass[] = [];
    for (let depth = 0; current && depth < MAX_BASE_CLASSES; depth++) {
      chain.push(current);
      const base = baseClassExpression(current.node);
      if (!base) return undefined;
      const library = this.fromLibrary(base, current.file);
      if (library) {
        const className = start.node.name?.text ?? '<class>';
        const evidence = `${className} extends ${middlewareName(base)} (${library.evidence})`;
        const lenient = library.kind === 'auth' && (lenientHandleRequest(start, current) ?? lenientCanActivate(chain));
        return lenient ? { kind: 'other', strength: 'strong', evidence: `${evidence}, but ${lenient}: anonymous requests pass` } : { ...library, evidence };
      }
      current = guardClassOf(this.modules, current.file, base);
    }
    return undefined;
  }

  /** The function that runs as middleware: the expression itself, or what a factory call returns. */
  /**
   * A wrapper around the handler (`withAccountApiKey(scope, scopes, async (request) => ...)`): the
   * properties it sets on the request it hands the handler (`apiRequest.apiAuth = principal; return
   * handler(apiRequest, context)`), under any name the request goes by there (`const apiRequest =
   * request as RequestWithApiKey`). Empty when the handler is not written in the call.
   */
  /**
   * The event and context properties a middy middleware's `before` sets (`request.event.user =
   * jwt.verify(...)`, `request.context.user = ...`): the middleware object written inline, held in a
   * const, or returned by the factory called here. A value copied from the event's own client parts
   * (`request.event.headers[...]`) is not the caller.
   */
  private middyCallerProperties(expression: ts.Expression, file: ScannedSourceFile): { event: string[]; context: string[] } {
    const objects: ts.ObjectLiteralExpression[] = [];
    const collect = (value: ts.Expression | undefined): void => {
      const bare = value && skipOuterExpressions(value);
      if (bare && ts.isObjectLiteralExpression(bare)) objects.push(bare);
    };
    if (ts.isCallExpression(expression)) {
      const factory = resolveFunction(this.modules, file, expression.expression);
      if (factory?.node.body) for (const returned of returnedExpressions(factory.node.body)) collect(ts.isIdentifier(skipOuterExpressions(returned)) ? localDeclaration(skipOuterExpressions(returned) as ts.Identifier)?.initializer : returned);
    } else if (ts.isIdentifier(expression)) {
      // `const auth = { before }` here or in the module it is imported from.
      const value = bindingValue(this.modules.resolveName(file, expression.text));
      collect(value && ts.isExpression(value) ? value : undefined);
    }
    else collect(expression);
    const names = { event: new Set<string>(), context: new Set<string>() };
    for (const object of objects) {
      const before = object.properties.find((property) => property.name && propertyNameText(property.name) === 'before');
      const fn = before && (ts.isMethodDeclaration(before) ? before : ts.isPropertyAssignment(before) && isFunctionLike(skipOuterExpressions(before.initializer)) ? (skipOuterExpressions(before.initializer) as ts.FunctionLikeDeclaration) : undefined);
      const request = fn?.parameters[0]?.name;
      if (!fn?.body || !request || !ts.isIdentifier(request)) continue;
      walkDescendants(fn.body, (node) => {
        if (!ts.isBinaryExpression(node) || node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
        const target = skipOuterExpressions(node.left);
        if (!ts.isPropertyAccessExpression(target)) return undefined;
        const owner = skipOuterExpressions(target.expression);
        const part = ts.isPropertyAccessExpression(owner) && ts.isIdentifier(skipOuterExpressions(owner.expression)) && (skipOuterExpressions(owner.expression) as ts.Identifier).text === request.text ? owner.name.text : undefined;
        if ((part === 'event' || part === 'context') && !readsEventParts(node.right, request.text)) names[part].add(target.name.text);
        return undefined;
      });
    }
    return { event: [...names.event], context: [...names.context] };
  }

  private wrapperRequestProperties(call: ts.CallExpression, file: ScannedSourceFile): string[] {
    const handlerIndex = call.arguments.findIndex((argument) => {
      const value = skipOuterExpressions(argument);
      return ts.isArrowFunction(value) || ts.isFunctionExpression(value);
    });
    const wrapper = handlerIndex >= 0 ? resolveFunction(this.modules, file, call.expression) : undefined;
    const handlerParameter = wrapper?.node.parameters[handlerIndex]?.name;
    if (!wrapper?.node.body || !handlerParameter || !ts.isIdentifier(handlerParameter)) return [];
    const names = new Set<string>();
    const visit = (node: ts.Node): void => {
      const callee = ts.isCallExpression(node) ? skipOuterExpressions(node.expression) : undefined;
      const handed = ts.isCallExpression(node) && node.arguments[0] ? skipOuterExpressions(node.arguments[0]) : undefined;
      if (callee && ts.isIdentifier(callee) && callee.text === handlerParameter.text && handed && ts.isIdentifier(handed)) {
        const scope = enclosingFunctionOf(node);
        if (scope?.body) for (const name of propertiesSetOn(scope.body, handed.text)) names.add(name);
      }
      ts.forEachChild(node, visit);
    };
    visit(wrapper.node.body);
    return [...names];
  }

  /**
   * `bearerAuth({ token: env.LICENSE_API_AUTH_TOKEN })`, `basicAuth({ users: { admin: env.ADMIN_PASSWORD } })`:
   * a library's authentication configured with fixed secrets and no verifier function of the project's
   * lets in only whoever holds the server's own secret, another system. Undefined otherwise.
   */
  private staticSecretOf(call: ts.CallExpression, file: ScannedSourceFile): string | undefined {
    const callee = skipOuterExpressions(call.expression);
    if (!ts.isIdentifier(callee)) return undefined;
    const binding = this.modules.resolveName(file, callee.text);
    if (binding?.kind !== 'external') return undefined;
    const model = STATIC_SECRET_MIDDLEWARE[binding.module]?.[binding.importedName];
    const options = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
    if (!model || !options || !ts.isObjectLiteralExpression(options)) return undefined;
    const named = (names: readonly string[]) => options.properties.filter((property) => (ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property) || ts.isMethodDeclaration(property)) && names.includes(propertyNameText(property.name) ?? ''));
    // A spread may bring a verifier in; a verifier decides for itself.
    if (options.properties.some(ts.isSpreadAssignment) || named(model.verifiers).length > 0) return undefined;
    const secrets = named(model.secrets);
    if (secrets.length === 0 || secrets.some((property) => ts.isMethodDeclaration(property) || (ts.isPropertyAssignment(property) && isFunctionLike(skipOuterExpressions(property.initializer))))) return undefined;
    return `${callee.text}() from ${binding.module} accepts only the fixed ${secrets.map((property) => propertyNameText(property.name!)).join(' and ')} it is configured with, which another system holds`;
  }

  /**
   * What an authentication function checks when it accepts only another system's credential: it
   * (or a project helper it calls) compares the request's value with a secret from the environment
   * (`secureCompare(apiKey, env.INTERNAL_API_KEY)`), or it runs a queue service's signature check
   * (QStash `verifySignatureAppRouter(handler)`), and nowhere reads a user's session or token.
   * Undefined otherwise, and for one that also signs users in (`if (key === env.KEY) return next();
   * const session = await auth()`): its routes may be called by a user.
   */
  private serviceCredentialOf(checker: ResolvedFunction, call?: ts.CallExpression): string | undefined {
    const body = checker.node.body;
    if (!body) return undefined;
    const text = body.getText(checker.node.getSourceFile());
    if (USER_CREDENTIAL_READ.test(text)) return undefined;
    const found: string[] = [];
    // `TokenSecuredEndpoint(env.HOOK_TOKEN, handler)` at the route: the secret is this call's argument.
    const given = call && secretParameterComparison(checker, call.arguments);
    if (given) found.push(`compares the request's value with ${given}`);
    else if (comparesConfiguredSecret(text)) found.push('compares a secret from the environment');
    else {
      const secret = serverSecretComparison(checker.node, { verdict: checker.name.endsWith('.canActivate') });
      const issued = secret ? undefined : SERVICE_TOKEN_LOOKUP.exec(text);
      if (secret) found.push(`compares a secret the server holds (${secret})`);
      else if (issued) found.push(`looks the token up among the ${issued[1]} records the instance issues to systems, which identify no user`);
    }
    let userCheck = false;
    const visit = (node: ts.Node): void => {
      if (userCheck) return;
      if (ts.isCallExpression(node)) {
        const callee = skipOuterExpressions(node.expression);
        const name = ts.isIdentifier(callee) ? callee.text : undefined;
        const binding = name ? this.modules.resolveName(checker.file, name) : undefined;
        if (binding?.kind === 'external' && SERVICE_SIGNATURE_VERIFIERS[binding.module]?.includes(binding.importedName)) found.push(`${name}() from ${binding.module} verifies the service's signature`);
        else if (name) {
          const helper = resolveFunction(this.modules, checker.file, callee);
          const helperText = helper && helper.node !== checker.node && helper.node.body ? helper.node.body.getText(helper.node.getSourceFile()) : undefined;
          const passed = helperText && helper ? secretParameterComparison(helper, node.arguments) : undefined;
          if (helperText && USER_CREDENTIAL_READ.test(helperText)) userCheck = true;
          else if (helperText && comparesConfiguredSecret(helperText)) found.push(`${name}() compares a secret from the environment`);
          else if (passed) found.push(`${name}() compares the request's value with ${passed}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(body);
    return userCheck || found.length === 0 ? undefined : [...new Set(found)].join('; ');
  }

  /**
   * `const serverAdapter = new KoaAdapter()` in a function, then `app.use(serverAdapter.registerPlugin())`:
   * the local is an instance of a package's class, so the middleware comes from that package.
   */
  private instanceOfPackageClass(identifier: ts.Identifier, file: ScannedSourceFile): ReturnType<ModuleIndex['resolveName']> {
    const initializer = localDeclaration(identifier)?.initializer;
    const created = initializer && skipOuterExpressions(initializer);
    if (!created || !ts.isNewExpression(created)) return undefined;
    const constructed = rootIdentifier(created.expression);
    const binding = constructed && this.modules.resolveName(file, constructed.identifier.text);
    return binding?.kind === 'external' ? binding : undefined;
  }

  /**
   * The option a factory's role check waits for, when this call does not pass it: every role
   * comparison in the factory and the functions it reaches is an `if` gated on an option
   * (`if (options.role && isRoleLower(user.role, options.role)) throw ...`, `if (role && ...)`), and
   * the call passes no such option (`auth()`, `auth({ type: 'app' })`). Undefined when the call's
   * options cannot be read or some role comparison is not gated.
   */
  private roleCheckOptionOmitted(call: ts.CallExpression, file: ScannedSourceFile): string | undefined {
    const passed = new Set<string>();
    for (const argument of call.arguments) {
      const value = skipOuterExpressions(argument);
      if (!ts.isObjectLiteralExpression(value)) return undefined;
      for (const property of value.properties) {
        const name = property.name && propertyNameText(property.name);
        if (ts.isSpreadAssignment(property) || name === undefined) return undefined;
        passed.add(name);
      }
    }
    const factory = resolveFunction(this.modules, file, call.expression);
    if (!factory?.node.body) return undefined;
    const gates = new Set<string>();
    let ungated = false;
    for (const fn of [factory, ...reachableFunctions(this.modules, factory, MAX_CALLEE_DEPTH, MAX_REACHABLE)]) {
      const sourceFile = fn.node.getSourceFile();
      const visit = (node: ts.Node): void => {
        if (ungated) return;
        if (ts.isIfStatement(node) && ROLE_CHECK.test(codeText(node.expression, sourceFile))) {
          const gate = optionGate(node.expression);
          if (gate) gates.add(gate);
          else ungated = true;
        }
        ts.forEachChild(node, visit);
      };
      visit(fn.node.body!);
    }
    if (ungated || gates.size === 0 || [...gates].some((gate) => passed.has(gate))) return undefined;
    return [...gates].join('`, `');
  }

  /**
   * The request properties a middleware fills from the request: `validate(schema)` returning
   * `(ctx, next) => { ctx.input = { ...ctx.input, ...schema.parse(ctx.request) }; }`. Read on the
   * function each request runs (a factory's returned function), once per function.
   */
  private requestCopies(expression: ts.Expression, file: ScannedSourceFile): RequestCopy[] {
    const resolved = this.bodyOf(expression, file);
    const perRequest = resolved && ts.isCallExpression(expression) ? returnedFunction(resolved) : resolved;
    if (!perRequest) return [];
    const cached = requestCopiesCache.get(perRequest.node);
    if (cached) return cached;
    const copies = requestPropertiesCopied(perRequest);
    requestCopiesCache.set(perRequest.node, copies);
    return copies;
  }

  private bodyOf(expression: ts.Expression, file: ScannedSourceFile): ResolvedFunction | undefined {
    if (ts.isCallExpression(expression)) {
      // requireRole('admin') / authenticate(): the factory's body holds the returned middleware.
      // Only the callee: unwrapping `withSomething(handler)` would judge the handler, not the wrapper.
      return resolveFunction(this.modules, file, expression.expression);
    }
    return resolveFunction(this.modules, file, expression);
  }
}

/**
 * A credential's kind compared with a privileged one: `client.type !== ClientType.root`,
 * `key.role === 'ADMIN'`, `'owner' === token.level`. The privileged name is the group captured.
 */
/** Reads of a user's credentials (a session, a cookie, a user token): an authentication that has them signs users in. */
const USER_CREDENTIAL_READ = /session|currentUser|\bauth\s*\(|\.user\b|\bjwt|verifyIdToken|cookie/i;

const PRIVILEGED_KIND_CHECK = /\.\s*(?:type|kind|role|level|accessLevel|tier)\s*[!=]==?\s*(?:[\w$]+\s*\.\s*)*['"`]?(root|admin|administrator|owner|superuser|super_?admin)\b['"`]?|['"`](root|admin|administrator|owner|superuser|super_?admin)['"`]\s*[!=]==?\s*[\w$.]+\.\s*(?:type|kind|role|level|accessLevel|tier)\b/i;

/**
 * The properties a middleware sets on the request it is given (its first parameter):
 * `request.client = client`, `req.tenant = await loadTenant(...)`, in its body or a callback inside it.
 */
function requestPropertiesSet(fn: ResolvedFunction, resolve?: (call: ts.CallExpression, file: ScannedSourceFile) => ResolvedFunction | undefined, depth = 0, seen = new Set<ts.Node>()): string[] {
  const first = fn.node.parameters[0]?.name;
  const body = fn.node.body;
  if (!first || !ts.isIdentifier(first) || !body || seen.has(fn.node)) return [];
  seen.add(fn.node);
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const target = skipOuterExpressions(node.left);
      const onRequest = ts.isPropertyAccessExpression(target) && ts.isIdentifier(skipOuterExpressions(target.expression)) && (skipOuterExpressions(target.expression) as ts.Identifier).text === first.text;
      // A value copied from the request's own parts (`req.region = req.headers['x-region']`) is the client's choice, not the caller.
      if (onRequest && !readsRequestParts(node.right, first.text)) names.add(target.name.text);
    }
    // `return authenticateWithApiKey(req, res, next)`: a helper the middleware hands the request to
    // sets the caller on it there (one call down, or two).
    if (resolve && depth < 2 && ts.isCallExpression(node)) {
      const index = node.arguments.findIndex((argument) => {
        const value = skipOuterExpressions(argument);
        return ts.isIdentifier(value) && value.text === first.text;
      });
      const helper = index === 0 ? resolve(node, fn.file) : undefined;
      if (helper && helper.node !== fn.node) for (const name of requestPropertiesSet(helper, resolve, depth + 1, seen)) names.add(name);
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return [...names];
}

/**
 * The option an `if` condition waits for before anything else: `options.role && ...` -> role,
 * `role && ...` -> role (a parameter or a destructured option of the function it is in). Undefined
 * for any other condition.
 */
/**
 * The factory parameter a role check asks for, when the call leaves it out and leaving it out asks for
 * nothing: a factory serving both as sign-in check and as permission check (`isAuthenticated(permissions?,
 * options?)` returning middleware that tests `req.user.hasPermission(permissions ?? 0, options)`, with
 * `hasPermission(0)` true for everyone) called bare, `isAuthenticated()`, only authenticates. Every role
 * comparison in the factory's own code must take such a parameter: one that asks for a fixed role, or a
 * parameter whose default names a role (`required = Perm.ADMIN`), keeps the call a role check. Returns
 * the parameter's name, or the expression that reads it.
 */
function roleParameterOmitted(modules: ModuleIndex, call: ts.CallExpression, file: ScannedSourceFile): string | undefined {
  if (call.arguments.some((argument) => ts.isSpreadElement(argument))) return undefined;
  const factory = resolveFunction(modules, file, call.expression);
  const body = factory?.node.body;
  if (!factory || !body) return undefined;
  // Left out by this call: optional with no default, or defaulted to nothing (`= []`, `= 0`).
  const optional = new Set<string>();
  const defaultedToNothing = new Set<string>();
  factory.node.parameters.forEach((parameter, index) => {
    if (index < call.arguments.length || parameter.dotDotDotToken || !ts.isIdentifier(parameter.name)) return;
    if (parameter.initializer ? asksForNothing(parameter.initializer) : parameter.questionToken) (parameter.initializer ? defaultedToNothing : optional).add(parameter.name.text);
  });
  if (optional.size === 0 && defaultedToNothing.size === 0) return undefined;
  // `permissions ?? 0`, `roles || []`, or a parameter that already defaults to nothing.
  const unasked = (argument: ts.Expression): boolean => {
    const value = skipOuterExpressions(argument);
    if (ts.isIdentifier(value)) return defaultedToNothing.has(value.text);
    if (!ts.isBinaryExpression(value) || ![ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(value.operatorToken.kind)) return false;
    const left = skipOuterExpressions(value.left);
    return ts.isIdentifier(left) && (optional.has(left.text) || defaultedToNothing.has(left.text)) && asksForNothing(value.right);
  };
  const sourceFile = factory.node.getSourceFile();
  let found: string | undefined;
  let fixed = false;
  const visit = (node: ts.Node): void => {
    if (fixed) return;
    if (ts.isIfStatement(node) && ROLE_CHECK.test(codeText(node.expression, sourceFile))) {
      // The role checks of the condition that ask for the left-out parameter; what remains must compare no role.
      const start = node.expression.getStart(sourceFile);
      let remaining = node.expression.getText(sourceFile);
      const checks: ts.CallExpression[] = [];
      const collect = (inner: ts.Node): void => {
        if (ts.isCallExpression(inner) && ROLE_CHECK.test(`${inner.expression.getText(sourceFile)}(`) && inner.arguments.some(unasked)) checks.push(inner);
        else ts.forEachChild(inner, collect);
      };
      collect(node.expression);
      for (const check of [...checks].reverse()) remaining = remaining.slice(0, check.getStart(sourceFile) - start) + remaining.slice(check.getEnd() - start);
      if (checks.length === 0 || ROLE_CHECK.test(remaining)) fixed = true;
      else found ??= checks[0]!.arguments.find(unasked)!.getText(sourceFile);
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return fixed ? undefined : found;
}

/** A required role or permission that asks for nothing: `0`, `[]`, `undefined`, `null`. */
function asksForNothing(expression: ts.Expression): boolean {
  const value = skipOuterExpressions(expression);
  if (ts.isNumericLiteral(value)) return Number(value.text) === 0;
  if (ts.isArrayLiteralExpression(value)) return value.elements.length === 0;
  return value.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(value) && value.text === 'undefined');
}

function optionGate(condition: ts.Expression): string | undefined {
  let first = skipOuterExpressions(condition);
  while (ts.isBinaryExpression(first) && first.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) first = skipOuterExpressions(first.left);
  if (first === skipOuterExpressions(condition)) return undefined;
  const fn = enclosingFunctionOf(condition);
  const parameterNames = new Set((fn?.parameters ?? []).flatMap((parameter) => bindingNames(parameter.name)));
  if (ts.isPropertyAccessExpression(first) && ts.isIdentifier(first.expression) && parameterNames.has(first.expression.text)) return first.name.text;
  if (ts.isIdentifier(first) && parameterNames.has(first.text)) return first.text;
  return undefined;
}

const requestCopiesCache = new WeakMap<ts.Node, RequestCopy[]>();

const REQUEST_BAG_NAMES: ReadonlySet<string> = new Set(['body', 'query', 'params']);

/**
 * `ctx.input = { ...ctx.input, ...schema.parse(ctx.request) }` (the request's shape),
 * `req.validated = schema.parse(req.body)` (the body): request properties a middleware assigns from
 * the request it is given (its first parameter), and what they hold. A value made from one input bag
 * holds that bag; one made from several, from `ctx.request` or from the request whole holds the
 * request's shape. The property's own earlier value (`...ctx.input`) is not a source.
 */
function requestPropertiesCopied(fn: ResolvedFunction): RequestCopy[] {
  const first = fn.node.parameters[0]?.name;
  const body = fn.node.body;
  if (!first || !ts.isIdentifier(first) || !body) return [];
  const request = first.text;
  // `const parsed = schema.parse(req.body); ... req.validated = parsed`: a local stands for its initializer.
  const locals = new Map<string, ts.Expression>();
  walkDescendants(body, (node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) locals.set(node.name.text, node.initializer);
  });
  const copies = new Map<string, RequestCopy['holds']>();
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const target = skipOuterExpressions(node.left);
      const owner = ts.isPropertyAccessExpression(target) ? skipOuterExpressions(target.expression) : undefined;
      if (owner && ts.isIdentifier(owner) && owner.text === request) {
        const holds = requestPartsRead(node.right, request, (target as ts.PropertyAccessExpression).name.text, locals);
        if (holds) copies.set((target as ts.PropertyAccessExpression).name.text, holds);
      }
    }
    if (node === body || !ts.isFunctionLike(node)) ts.forEachChild(node, visit);
  };
  visit(body);
  return [...copies].map(([property, holds]) => ({ property, holds }));
}

/** What of the request `value` is made from: one bag, the request's shape, or nothing of it. */
function requestPartsRead(value: ts.Expression, request: string, property: string, locals: ReadonlyMap<string, ts.Expression>): RequestCopy['holds'] | undefined {
  const bags = new Set<string>();
  let whole = false;
  const followed = new Set<string>();
  const visit = (node: ts.Node): void => {
    const local = ts.isIdentifier(node) && node.text !== request && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) ? locals.get(node.text) : undefined;
    if (local && !followed.has((node as ts.Identifier).text)) {
      followed.add((node as ts.Identifier).text);
      visit(local);
      return;
    }
    if (ts.isPropertyAccessExpression(node)) {
      const chain = propertyChainFrom(node, request);
      if (chain) {
        // `ctx.request.body` is Koa's body; `ctx.request`, `ctx.req` the request itself.
        const parts = chain[0] === 'request' || chain[0] === 'req' ? chain.slice(1) : chain;
        if (chain[0] === property) return;
        if (parts.length > 0 && REQUEST_BAG_NAMES.has(parts[0]!)) bags.add(parts[0]!);
        else if (parts.length === 0) whole = true;
        return;
      }
    }
    // `schema.parse(req)`: the request handed whole to a parser.
    if (ts.isIdentifier(node) && node.text === request && node.parent && ts.isCallExpression(node.parent) && node.parent.arguments.includes(node as ts.Expression)) whole = true;
    ts.forEachChild(node, visit);
  };
  visit(value);
  if (whole || bags.size > 1) return 'request';
  const [only] = bags;
  return only as InputBagKind | undefined;
}

/** `ctx.request.body` from `ctx` -> [request, body]; undefined when the chain is not rooted at `root`. */
function propertyChainFrom(node: ts.PropertyAccessExpression, root: string): string[] | undefined {
  const names: string[] = [];
  let current: ts.Expression = node;
  while (ts.isPropertyAccessExpression(current)) {
    names.unshift(current.name.text);
    current = skipOuterExpressions(current.expression);
  }
  return ts.isIdentifier(current) && current.text === root ? names : undefined;
}

function enclosingFunctionOf(node: ts.Node): ts.SignatureDeclaration & { body?: ts.Node } | undefined {
  for (let current = node.parent; current; current = current.parent) if (ts.isFunctionLike(current)) return current as ts.SignatureDeclaration & { body?: ts.Node };
  return undefined;
}

/**
 * The properties a function body assigns on the value named `request` or on what that name was
 * made from (`const apiRequest = request as X`), outside values copied from the request's own parts.
 */
function propertiesSetOn(body: ts.Node, request: string): string[] {
  const aliases = new Set([request]);
  const declarations: ts.VariableDeclaration[] = [];
  const collect = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) declarations.push(node);
    ts.forEachChild(node, collect);
  };
  collect(body);
  for (let grew = true; grew; ) {
    grew = false;
    for (const declaration of declarations) {
      const value = skipOuterExpressions(declaration.initializer!);
      if (aliases.has((declaration.name as ts.Identifier).text) && ts.isIdentifier(value) && !aliases.has(value.text)) {
        aliases.add(value.text);
        grew = true;
      }
    }
  }
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const target = skipOuterExpressions(node.left);
      const owner = ts.isPropertyAccessExpression(target) ? skipOuterExpressions(target.expression) : undefined;
      if (owner && ts.isIdentifier(owner) && aliases.has(owner.text) && ![...aliases].some((alias) => readsRequestParts(node.right, alias))) names.add((target as ts.PropertyAccessExpression).name.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return [...names];
}

/**
 * `req.headers[...]`, `req.query.x`: the expression is what the client sent on the request named
 * `request`. What a call makes of it (`await validateClient(req.headers)`) is the call's answer.
 */
/** `request.event.headers['x-user']`, `request.event.body.userId`: a middy middleware copying the client's own event parts. */
function readsEventParts(expression: ts.Expression, request: string): boolean {
  let reads = false;
  const visit = (node: ts.Node): void => {
    if (reads) return;
    const owner = ts.isPropertyAccessExpression(node) ? skipOuterExpressions(node.expression) : undefined;
    if (owner && ts.isPropertyAccessExpression(owner) && owner.name.text === 'event' && ts.isIdentifier(skipOuterExpressions(owner.expression)) && (skipOuterExpressions(owner.expression) as ts.Identifier).text === request && /^(?:headers|multiValueHeaders|body|queryStringParameters|multiValueQueryStringParameters|pathParameters|cookies|rawPath|rawQueryString)$/.test((node as ts.PropertyAccessExpression).name.text)) reads = true;
    else if (ts.isCallExpression(node)) visit(node.expression);
    else ts.forEachChild(node, visit);
  };
  visit(expression);
  return reads;
}

function readsRequestParts(expression: ts.Expression, request: string): boolean {
  let reads = false;
  const visit = (node: ts.Node): void => {
    if (reads) return;
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === request && /^(?:headers|query|body|params|cookies|url|raw)$/.test(node.name.text)) reads = true;
    else if (ts.isCallExpression(node)) visit(node.expression);
    else ts.forEachChild(node, visit);
  };
  visit(expression);
  return reads;
}

/**
 * A passport guard whose `handleRequest` hands back whatever the strategy found, without throwing or
 * deferring to `super.handleRequest` (`handleRequest(err, user) { return user; }`): an optional-auth
 * guard, since passport's own handleRequest is what rejects a request without a user.
 */
function lenientHandleRequest(start: GuardClass, libraryChild: GuardClass): string | undefined {
  const classes: ts.ClassLikeDeclaration[] = [start.node];
  if (libraryChild.node !== start.node) classes.push(libraryChild.node);
  for (const node of classes) {
    const method = node.members.find((member): member is ts.MethodDeclaration => ts.isMethodDeclaration(member) && propertyNameText(member.name) === 'handleRequest' && member.body !== undefined);
    if (!method) continue;
    let rejects = false;
    const visit = (child: ts.Node): void => {
      if (rejects) return;
      if (ts.isThrowStatement(child)) rejects = true;
      else if (ts.isCallExpression(child) && ts.isPropertyAccessExpression(child.expression) && child.expression.expression.kind === ts.SyntaxKind.SuperKeyword) rejects = true;
      else if (!ts.isFunctionLike(child)) ts.forEachChild(child, visit);
    };
    ts.forEachChild(method.body!, visit);
    return rejects ? undefined : `its handleRequest returns the user without rejecting (${node.name?.text ?? '<class>'}.handleRequest)`;
  }
  return undefined;
}

/**
 * A project guard between the library's and the route whose `canActivate` runs the inherited check
 * only for the user it sets, and drops its answer (`await super.canActivate(context); const user =
 * request.user`), never refusing a request without a user: anonymous requests pass, whatever the check
 * says (a share-link guard that lets signed-in owners see private shares). A `canActivate` that
 * returns the inherited answer (`return super.canActivate(context)`) hands the verdict to the class it
 * extends; one that tests for a missing user (`if (!user) return false`) refuses anonymous callers.
 */
function lenientCanActivate(chain: readonly GuardClass[]): string | undefined {
  for (const guard of chain) {
    const method = guard.node.members.find((member): member is ts.MethodDeclaration => ts.isMethodDeclaration(member) && propertyNameText(member.name) === 'canActivate' && member.body !== undefined);
    if (!method) continue;
    const body = method.body!;
    if (MISSING_USER_TEST.test(body.getText())) return undefined;
    let discarded = false;
    let returned = false;
    const visit = (child: ts.Node): void => {
      if (ts.isFunctionLike(child)) return;
      if (ts.isCallExpression(child) && ts.isPropertyAccessExpression(child.expression) && child.expression.expression.kind === ts.SyntaxKind.SuperKeyword && child.expression.name.text === 'canActivate') {
        let use: ts.Node = child;
        while (ts.isAwaitExpression(use.parent) || ts.isParenthesizedExpression(use.parent) || ts.isAsExpression(use.parent)) use = use.parent;
        if (ts.isExpressionStatement(use.parent)) discarded = true;
        else if (ts.isReturnStatement(use.parent)) returned = true;
      }
      ts.forEachChild(child, visit);
    };
    ts.forEachChild(body, visit);
    const name = guard.node.name?.text ?? '<class>';
    if (discarded) return `${name}.canActivate runs the inherited check only to set the user and ignores its answer`;
    if (!returned) return undefined;
  }
  return undefined;
}

/** `if (!user)`, `if (!request.user)`, `user == null`: a guard that turns away requests without a user. */
const MISSING_USER_TEST = /!\s*(?:[\w$]+\s*\??\.\s*)*user\s*\)|\buser\s*={2,3}\s*(?:null|undefined)\b/;

/** `optional: true` / `credentialsRequired: false` / `publicAllowed: true` ... (models/auth.ts) in an auth middleware's options. */
function optionalAuthenticationFlag(expression: ts.Expression): string | undefined {
  if (!ts.isCallExpression(expression)) return undefined;
  for (const argument of expression.arguments) {
    const options = skipOuterExpressions(argument);
    if (!ts.isObjectLiteralExpression(options)) continue;
    for (const property of options.properties) {
      if (!ts.isPropertyAssignment(property)) continue;
      const name = propertyNameText(property.name);
      const value = property.initializer.kind;
      if (!name) continue;
      if ((ANONYMOUS_ALLOWED_OPTIONS.whenTrue as readonly string[]).includes(name) && value === ts.SyntaxKind.TrueKeyword) return `${name}: true`;
      if ((ANONYMOUS_ALLOWED_OPTIONS.whenFalse as readonly string[]).includes(name) && value === ts.SyntaxKind.FalseKeyword) return `${name}: false`;
    }
  }
  return undefined;
}

/** The call a function returns directly: `() => expressJwt({...})`, `function () { return jwt({...}); }`. */
/** The function a middleware definer's call is given (`createMiddleware(async (c, next) => ...)`), written in place. */
function definedMiddleware(call: ts.Expression): ts.Expression | undefined {
  if (!ts.isCallExpression(call)) return undefined;
  const argument = call.arguments.find((candidate) => isFunctionLike(skipOuterExpressions(candidate)));
  return argument && skipOuterExpressions(argument);
}

function returnedCall(fn: ResolvedFunction): ts.CallExpression | undefined {
  const body = fn.node.body;
  if (!body) return undefined;
  if (!ts.isBlock(body)) {
    const value = skipOuterExpressions(body);
    return ts.isCallExpression(value) ? value : undefined;
  }
  const last = body.statements.at(-1);
  const value = last && ts.isReturnStatement(last) && last.expression ? skipOuterExpressions(last.expression) : undefined;
  return value && ts.isCallExpression(value) ? value : undefined;
}

/**
 * A middleware or wrapper read with the helpers it runs: first its body with the bodies of the
 * functions it calls by name (a check split across two functions), then any function it reaches a
 * few levels down, by call or handed to a call (`withMiddleware(handler, emailAccountMiddleware)`),
 * that authenticates on its own: verifies a token or session and rejects in the same body.
 */
export function classifyWithCallees(modules: ModuleIndex, fn: ResolvedFunction): MiddlewareClassification | undefined {
  // One wrapper guards many routes: judge its function once.
  if (calleeVerdicts.has(fn.node)) return calleeVerdicts.get(fn.node) ?? undefined;
  const verdict = classifyWithCalleesUncached(modules, fn);
  calleeVerdicts.set(fn.node, verdict ?? null);
  return verdict;
}

const calleeVerdicts = new WeakMap<ts.Node, MiddlewareClassification | null>();

/** A call that asks whether the user holds a role or permission: `hasPermission(role, type, level)`, `roles.includes('admin')`, `ability.can(...)`. */
const PERMISSION_PREDICATE_CALL = /\b(?:has(?:Role|Permission|Any(?:Role|Permission))s?|is(?:Super)?Admin|check(?:Role|Permission)s?|can|enforce)\s*\(|\b(?:roles|permissions)\s*(?:\?\.|\.)\s*(?:includes|some|every|has|indexOf)\s*\(/;

/** Whether a function the middleware calls by name asks a permission predicate. */
function calleesAskPermission(modules: ModuleIndex, fn: ResolvedFunction): boolean {
  return reachableFunctions(modules, fn, 1, MAX_DIRECT_CALLEES).some((callee) => PERMISSION_PREDICATE_CALL.test(codeText(callee.node.body!, callee.node.getSourceFile())));
}

/** A function's body read together with the bodies of the functions it calls by name (a check split across two functions). */
function withDirectCallees(modules: ModuleIndex, fn: ResolvedFunction): MiddlewareClassification | undefined {
  const direct = reachableFunctions(modules, fn, 1, MAX_DIRECT_CALLEES);
  const calleeText = direct.map((callee) => callee.node.body!.getText(callee.node.getSourceFile())).join('\n');
  // A role tested in a callee is the middleware's check only when that callee can decide the answer:
  // named for a check (`requireAdmin`, `isOwner`, `hasRole`) or turning the request away itself. A role
  // read by a callee that counts license seats or builds tracking data decides nothing.
  const deciding = direct.filter((callee) => CHECK_FUNCTION_NAME.test(callee.name.split('.').pop() ?? callee.name) || REJECTION_STATUS.test(callee.node.body!.getText(callee.node.getSourceFile())) || AUTH_ERROR_MESSAGE.test(callee.node.body!.getText(callee.node.getSourceFile())));
  const calleeCode = deciding.map((callee) => ownCodeText(callee.node.body!, callee.node.getSourceFile())).join('\n');
  return calleeText ? classifyBody(fn, `\n${calleeText}`, `\n${calleeCode}`) : undefined;
}

function classifyWithCalleesUncached(modules: ModuleIndex, fn: ResolvedFunction): MiddlewareClassification | undefined {
  const together = withDirectCallees(modules, fn);
  if (together) return together;
  for (const callee of reachableFunctions(modules, fn, MAX_CALLEE_DEPTH, MAX_REACHABLE)) {
    const own = classifyBody(callee);
    // A role check found deep down may be any helper's; one that also turns away a missing or bad
    // credential with 401 (an API key looked up, then its scopes compared) authenticates as well.
    const authenticates = own?.kind === 'auth' || (own?.kind === 'role' && rejectsOnCredentialCheck(callee.node.body!.getText(callee.node.getSourceFile())));
    if (own && authenticates) return { ...own, evidence: `${fn.name} (${fn.file.path}:${nodePosition(fn.node).line}) runs ${own.evidence}` };
  }
  return undefined;
}

/** The project functions a function runs, breadth first: called by name, or passed by name to a call. */
function reachableFunctions(modules: ModuleIndex, fn: ResolvedFunction, maxDepth: number, limit: number): ResolvedFunction[] {
  const found: ResolvedFunction[] = [];
  const seen = new Set<ts.Node>([fn.node]);
  let frontier: ResolvedFunction[] = [fn];
  for (let depth = 0; depth < maxDepth && frontier.length > 0 && found.length < limit; depth++) {
    const next: ResolvedFunction[] = [];
    for (const current of frontier) {
      const body = current.node.body;
      if (!body) continue;
      const consider = (expression: ts.Expression): void => {
        // By name, or a method of the class itself or of a service injected into it (`this.authService.authenticate(...)`):
        // a Nest guard often hands the whole check to a service.
        if (found.length >= limit || !(ts.isIdentifier(expression) || isOwnOrInjectedMethod(expression) || isImportedMember(expression))) return;
        const callee = resolveFunction(modules, current.file, expression);
        if (!callee?.node.body || seen.has(callee.node)) return;
        seen.add(callee.node);
        found.push(callee);
        next.push(callee);
      };
      const visit = (node: ts.Node): void => {
        if (isDeferredFunction(node)) return;
        if (ts.isCallExpression(node)) {
          consider(node.expression);
          for (const argument of node.arguments) consider(skipOuterExpressions(argument));
        }
        ts.forEachChild(node, visit);
      };
      visit(body);
    }
    frontier = next;
  }
  return found;
}

/** `responses.notAuthenticatedResponse`: a member of a name (an imported module or object), which resolveFunction follows into the project. */
function isImportedMember(expression: ts.Expression): boolean {
  return ts.isPropertyAccessExpression(expression) && ts.isIdentifier(expression.expression) && !/^(?:req|request|res|response|reply|ctx|context|c|next|console|JSON|Object|Math|Promise|Array)$/.test(expression.expression.text);
}

/** `this.check`, `this.authService.authenticate`: a method the enclosing class or one of its fields holds. */
function isOwnOrInjectedMethod(expression: ts.Expression): boolean {
  if (!ts.isPropertyAccessExpression(expression)) return false;
  const owner = skipOuterExpressions(expression.expression);
  return owner.kind === ts.SyntaxKind.ThisKeyword || (ts.isPropertyAccessExpression(owner) && owner.expression.kind === ts.SyntaxKind.ThisKeyword);
}

const MAX_DIRECT_CALLEES = 8;
const MAX_CALLEE_DEPTH = 4;
const MAX_REACHABLE = 80;

/**
 * Reads a function body for evidence of what it checks (with `calleeText`: the bodies of the helpers
 * it calls; `calleeCode`: the same with their string contents blanked, see codeText).
 */
export function classifyBody(fn: ResolvedFunction, calleeText = '', calleeCode = calleeText): MiddlewareClassification | undefined {
  const verdict = classifyOwnBody(fn, calleeText, calleeCode);
  if (verdict?.kind !== 'auth' || !fn.node.body) return verdict;
  // Which credential the check verifies, when a helper named for it does (`authenticateAdminApiKey(...)`):
  // a rule can tell an administrator's key from a user's sign-in by it.
  const helper = CREDENTIAL_HELPER_CALL.exec(codeText(fn.node.body, fn.node.getSourceFile()))?.[1];
  return helper ? { ...verdict, evidence: `${verdict.evidence}; it calls ${helper}()` } : verdict;
}

/** A call to a function named for checking a credential: `authenticateAdminApiKey(`, `verifyServiceToken(`, `validateApiKey(`. */
const CREDENTIAL_HELPER_CALL = /(?<![\w$.])((?:authenticate|verify|validate|check)[A-Z][\w$]*(?:Key|Token|Secret|Credential)s?)\s*\(/;

function classifyOwnBody(fn: ResolvedFunction, calleeText: string, calleeCode: string): MiddlewareClassification | undefined {
  const body = fn.node.body;
  if (!body) return undefined;
  const text = body.getText(fn.node.getSourceFile()) + calleeText;
  const rejects = REJECTION_STATUS.test(text) || AUTH_ERROR_MESSAGE.test(text) || /\breturn\s+false\b/.test(text) && /canActivate/.test(fn.name);
  const where = `${fn.name} (${fn.file.path}:${nodePosition(fn.node).line})`;
  // The role must be compared in code: `u.role` inside the SQL that loads the user is no check.
  // Read only for a body that rejects: most middleware do not, and the walk is not free.
  const roleCode = rejects ? ownCodeText(body, fn.node.getSourceFile()) + calleeCode : '';
  if (rejects && ROLE_CHECK.test(roleCode) && (/\b403\b|Forbidden|FORBIDDEN|return\s+false|permission|role|\bis(?:Super)?Admin\s*\(/i.test(text) || roleGatesRequest(body, fn.node.getSourceFile()))) {
    if (comparesOnlyTokenScopes(roleCode)) return { kind: 'role', strength: 'strong', evidence: `${where} compares the token's scopes and rejects`, tokenScopes: true };
    return { kind: 'role', strength: 'strong', evidence: `${where} compares the user's role or permissions and rejects` };
  }
  if (rejects && rejectsWhenRoleLookupFails(body, fn.node.getSourceFile())) {
    return { kind: 'role', strength: 'strong', evidence: `${where} looks the caller up with the role in the query's filter and rejects when none matches` };
  }
  if (rejects && rejectsWithoutPrivilegeFlag(ownCodeText(body, fn.node.getSourceFile()) + calleeCode)) {
    return { kind: 'role', strength: 'strong', evidence: `${where} rejects callers without a platform-wide privilege flag (administrator, staff or moderator)` };
  }
  if (rejects && TOKEN_OR_SESSION_CHECK.test(text) && rejectsUnlessAdministrator(codeText(body, fn.node.getSourceFile()) + calleeCode)) {
    return { kind: 'role', strength: 'strong', evidence: `${where} verifies a token, compares the user with the configured administrator and rejects` };
  }
  if (rejects && TOKEN_OR_SESSION_CHECK.test(text)) {
    return { kind: 'auth', strength: 'strong', evidence: `${where} verifies a token or session and rejects with 401/403` };
  }
  // 401 means "not authenticated": a middleware that answers it when a check of the token or session
  // fails authenticates, whatever helper it reads the token with (`if (!tokenMap[jwtFrom(req)]) ... 401`).
  // The check must be the condition of that answer, in code (an error handler mapping a
  // "No refresh token" message to 401 checks nobody).
  if (rejectsOnCredentialCheck(text)) {
    return { kind: 'auth', strength: 'strong', evidence: `${where} rejects with 401 when the token or session is missing or invalid` };
  }
  const missingPrincipal = rejects ? rejectsWithoutContextPrincipal(fn.node) : undefined;
  if (missingPrincipal) {
    return { kind: 'auth', strength: 'strong', evidence: `${where} rejects the request when the caller the context holds is missing (\`${missingPrincipal}\`)` };
  }
  if (rejects && rejectsWhenCredentialLookupFails(body, fn.node.getSourceFile())) {
    return { kind: 'auth', strength: 'strong', evidence: `${where} looks the caller up by the request's credential and rejects with 401 when none matches` };
  }
  if (refusesWithoutRole(body, fn.node.getSourceFile())) {
    return { kind: 'role', strength: 'strong', evidence: `${where} answers a caller without the role with a page of its own and lets only the others on` };
  }
  if (gatesOnSessionWithRedirect(body, fn.node.getSourceFile())) {
    return { kind: 'auth', strength: 'strong', evidence: `${where} lets the request on only when the session is authenticated, and redirects it otherwise` };
  }
  if (SELF_REJECTING_VERIFICATION.test(text)) {
    return { kind: 'auth', strength: 'strong', evidence: `${where} verifies the request's JWT with @fastify/jwt request.jwtVerify(), which rejects with 401` };
  }
  if (RATE_LIMIT_CHECK.test(text) && /\.\s*(?:consume|limit)\s*\(/.test(text)) {
    return { kind: 'rate-limit', strength: 'strong', evidence: `${where} consumes a rate limiter` };
  }
  if (VALIDATION_CHECK.test(text) && /\b400\b|BadRequest|UnprocessableEntity|\b422\b/.test(text)) {
    return { kind: 'validation', strength: 'strong', evidence: `${where} validates the request` };
  }
  return undefined;
}

/** Fields of a request context that hold the caller: the session or user the context function read from the credentials. */
const CONTEXT_PRINCIPAL_FIELD = /^(?:user|userId|currentUser|authUser|session|viewer)$/;

/**
 * `t.middleware(({ ctx: { user }, next }) => { if (!user) throw new TRPCError({ code: 'UNAUTHORIZED' }); ... })`:
 * the caller destructured from the context in the parameter list, and a rejection when it is missing
 * (`!user`, `user == null`, among `||`-joined tests). The context read in the body (`ctx.user`,
 * `const { user } = ctx`) is known by its text; the parameter list is not part of the body.
 * Returns the test that rejects.
 */
function rejectsWithoutContextPrincipal(fn: ts.SignatureDeclaration & { body?: ts.ConciseBody | ts.Block }): string | undefined {
  const principals = new Set<string>();
  for (const parameter of fn.parameters) {
    if (!ts.isObjectBindingPattern(parameter.name)) continue;
    for (const element of parameter.name.elements) {
      const key = element.propertyName ? propertyNameText(element.propertyName) : ts.isIdentifier(element.name) ? element.name.text : undefined;
      if (!key || !/^(?:ctx|context)$/.test(key) || !ts.isObjectBindingPattern(element.name)) continue;
      for (const inner of element.name.elements) {
        const field = inner.propertyName ? propertyNameText(inner.propertyName) : ts.isIdentifier(inner.name) ? inner.name.text : undefined;
        if (field && CONTEXT_PRINCIPAL_FIELD.test(field) && ts.isIdentifier(inner.name)) principals.add(inner.name.text);
      }
    }
  }
  const body = fn.body;
  if (principals.size === 0 || !body || !ts.isBlock(body)) return undefined;
  const sourceFile = fn.getSourceFile();
  const missing = (test: ts.Expression): boolean => {
    const value = skipOuterExpressions(test);
    const named = (node: ts.Expression) => ts.isIdentifier(skipOuterExpressions(node)) && principals.has((skipOuterExpressions(node) as ts.Identifier).text);
    if (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.ExclamationToken) return named(value.operand);
    if (ts.isBinaryExpression(value) && (value.operatorToken.kind === ts.SyntaxKind.EqualsEqualsToken || value.operatorToken.kind === ts.SyntaxKind.EqualsEqualsEqualsToken)) {
      const empty = (node: ts.Expression) => node.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(node) && node.text === 'undefined');
      return (named(value.left) && empty(skipOuterExpressions(value.right))) || (named(value.right) && empty(skipOuterExpressions(value.left)));
    }
    if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.BarBarToken) return missing(value.left) || missing(value.right);
    return false;
  };
  // Only the body's own top-level tests: a check inside a callback or a later branch may not run for every request.
  for (const statement of body.statements) {
    if (!ts.isIfStatement(statement) || !exitsEarly(statement.thenStatement) || !missing(statement.expression)) continue;
    const then = statement.thenStatement.getText(sourceFile);
    if (REJECTION_STATUS.test(then) || AUTH_ERROR_MESSAGE.test(then)) return statement.expression.getText(sourceFile).replace(/\s+/g, ' ');
  }
  return undefined;
}

/**
 * A check that gets the secret from its caller: `TokenSecuredEndpoint(env.JOB_TOKEN, handler)` where
 * `TokenSecuredEndpoint(token, handler)` returns `(req, res) => { if (req.query.token !== token) return res.status(401)... }`.
 * The parameters given a server secret (an environment or configuration read) hold one in the factory and in the
 * handler it returns. Returns the comparison and the secret it was given, else undefined.
 */
function secretParameterComparison(fn: ResolvedFunction, args: readonly ts.Expression[]): string | undefined {
  const secrets = new Set<string>();
  const given: string[] = [];
  fn.node.parameters.forEach((parameter, index) => {
    const argument = args[index];
    if (!argument || !ts.isIdentifier(parameter.name) || !readsServerSecret(argument.getText())) return;
    secrets.add(parameter.name.text);
    given.push(argument.getText().replace(/\s+/g, ' '));
  });
  const body = fn.node.body;
  if (secrets.size === 0 || !body) return undefined;
  // The factory itself, then the functions it builds (the handler it returns), one level in.
  const candidates: Array<ts.SignatureDeclaration> = [fn.node];
  walkDescendants(body, (node) => {
    if (!isFunctionLike(node)) return undefined;
    candidates.push(node as ts.SignatureDeclaration);
    return false;
  });
  for (const candidate of candidates) {
    const comparison = serverSecretComparison(candidate, { secrets });
    if (comparison) return `${given.join(', ')} (\`${comparison}\`)`;
  }
  return undefined;
}

/** Names a guard or middleware gives the request it is handed. */
const REQUEST_NAME = /^(?:req|request)$/;

/** Whether a function given the request reads a credential from it, itself or in the functions it calls. */
function readsRequestCredential(modules: ModuleIndex, fn: ResolvedFunction): boolean {
  return [fn, ...reachableFunctions(modules, fn, 2, MAX_DIRECT_CALLEES)].some((candidate) => {
    const text = candidate.node.body!.getText(candidate.node.getSourceFile());
    return REQUEST_CREDENTIAL_NAMED.test(text) || REQUEST_CREDENTIAL_FIELD.test(text) || TOKEN_OR_SESSION_CHECK.test(text);
  });
}

/** A credential read from the request by name: `req.header('x-api-key')`, `req.headers['x-auth-token']`, `req.cookies['sid']`. */
const REQUEST_CREDENTIAL_NAMED = /\b(?:header|get)\s*\(\s*['"`][^'"`]*(?:key|token|authori[sz]ation|auth(?![a-z])|session|secret|sid)[^'"`]*['"`]|\b(?:headers|cookies|signedCookies|query|body|params)\s*\[\s*['"`][^'"`]*(?:key|token|authori[sz]ation|auth(?![a-z])|session|secret|sid)/i;
/** ...or by property: `req.query.apiKey`, `req.cookies.session`, `req.body.token` (case matters: `req.query.author` is no credential). */
const REQUEST_CREDENTIAL_FIELD = /\b(?:headers|cookies|signedCookies|query|body|params)\s*\??\.\s*(?:\w*(?:[Kk]ey|[Tt]oken|[Ss]ecret|[Ss]ession(?:[Ii]d)?)|authorization|auth(?:[A-Z]\w*)?|sid)\b/;

/**
 * `const user = await User.findOne({ apiToken: req.header('x-api-key') }); if (!user) return res.status(401)...`:
 * the caller looked up by a credential the request carries (read directly or through a local), and a 401
 * when nothing matches. The condition names only the lookup's result, so the credential words are in its initializer.
 */
function rejectsWhenCredentialLookupFails(body: ts.Node, sourceFile: ts.SourceFile): boolean {
  // Header and cookie names are string literals: read as written, comments aside.
  const readsCredential = (initializer: ts.Expression, locals: ReadonlySet<string>): boolean => {
    const text = initializer.getText(sourceFile);
    return REQUEST_CREDENTIAL_NAMED.test(text) || REQUEST_CREDENTIAL_FIELD.test(text) || [...locals].some((name) => mentionsName(text, name));
  };
  return rejectsWhenLookupFails(body, readsCredential, (then) => REJECTS_UNAUTHENTICATED.test(codeText(then, sourceFile)));
}

/**
 * Whether the body keeps what a lookup found in a local (`const user = await lookup(...)`) and, when the
 * local is empty, `if (!user)`, runs a refusal: the shape both a credential lookup and a role lookup take.
 * `isLookup` is also handed the locals found so far, for lookups of a value another lookup kept.
 */
function rejectsWhenLookupFails(body: ts.Node, isLookup: (initializer: ts.Expression, locals: ReadonlySet<string>) => boolean, refuses: (thenStatement: ts.Statement) => boolean): boolean {
  const locals = new Set<string>();
  let found = false;
  walkDescendants(body, (node) => {
    if (found || (node !== body && ts.isFunctionLike(node))) return false;
    if (ts.isVariableDeclaration(node) && node.initializer && isLookup(node.initializer, locals)) for (const name of bindingNames(node.name)) locals.add(name);
    if (ts.isIfStatement(node)) {
      const condition = skipOuterExpressions(node.expression);
      const tested = ts.isPrefixUnaryExpression(condition) && condition.operator === ts.SyntaxKind.ExclamationToken ? skipOuterExpressions(condition.operand) : undefined;
      if (tested && ts.isIdentifier(tested) && locals.has(tested.text) && refuses(node.thenStatement)) found = true;
    }
    return undefined;
  });
  return found;
}

/** A filter field that names a role or permission: `roles: { some: { name } }`, `{ id, role: 'admin' }`, `isAdmin: true`. */
const ROLE_FILTER_FIELD = /^(?:roles?|permissions?|is_?admin|isSuperAdmin|isStaff|is_staff)$/i;
/** A rejection that refuses the caller: 403 or Forbidden (the status, a helper, an error class). */
const REJECTS_FORBIDDEN = /\b403\b|Forbidden|FORBIDDEN/;

/**
 * `const user = await prisma.user.findFirst({ where: { id: userId, roles: { some: { name } } } }); if (!user)
 * throw data(..., { status: 403 })`: the role is checked by the query that loads the caller, and a caller
 * without it is turned away. A lookup with a role in its filter whose absence only sets a flag checks nothing.
 */
export function rejectsWhenRoleLookupFails(body: ts.Node, sourceFile: ts.SourceFile): boolean {
  const filtersOnRole = (initializer: ts.Expression): boolean => {
    let value = skipOuterExpressions(initializer);
    if (ts.isAwaitExpression(value)) value = skipOuterExpressions(value.expression);
    if (!ts.isCallExpression(value)) return false;
    let found = false;
    for (const argument of value.arguments) {
      walkDescendants(argument, (node) => {
        if ((ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) && ts.isIdentifier(node.name) && ROLE_FILTER_FIELD.test(node.name.text)) found = true;
        return !found && !ts.isFunctionLike(node);
      });
    }
    return found;
  };
  return rejectsWhenLookupFails(body, filtersOnRole, (then) => {
    const text = then.getText(sourceFile);
    return /\b(?:throw|return)\b/.test(text) && REJECTS_FORBIDDEN.test(text);
  });
}

/**
 * The session gate of server-rendered apps (passport's `req.isAuthenticated()`, connect-ensure-login):
 * `if (<session check>) return next(); res.redirect('/')`, or `if (!<session check>) return
 * res.redirect(...); next()`. Which side calls next() matters: `if (!req.isAuthenticated()) return
 * next(); res.redirect('/dashboard')` lets only guests on (a login page's gate), and is no authentication.
 * The check may be a local that holds the session's sign-in (`const auth = getSession(c).get(authKey);
 * if (!auth) return c.redirect(loginPath)`, `const valid = await validateSession(token)`): see sessionLocals.
 */
function gatesOnSessionWithRedirect(body: ts.Node, sourceFile: ts.SourceFile): boolean {
  const calls = (node: ts.Node | undefined, pattern: RegExp): boolean => node !== undefined && pattern.test(codeText(node, sourceFile));
  const NEXT = /\bnext\s*\(\s*\)/;
  const STOPS = /\bredirect\s*\(|\b(?:status|sendStatus)\s*\(\s*40[13]\b/;
  const locals = sessionLocals(body, sourceFile);
  const checksSession = (condition: ts.Expression): boolean => {
    const text = condition.getText(sourceFile);
    return TOKEN_OR_SESSION_CHECK.test(text) || [...locals].some((name) => mentionsName(text, name));
  };
  let gated = false;
  const visit = (node: ts.Node): void => {
    if (gated || (node !== body && ts.isFunctionLike(node))) return;
    if (ts.isIfStatement(node) && checksSession(node.expression)) {
      const condition = skipOuterExpressions(node.expression);
      const negated = ts.isPrefixUnaryExpression(condition) && condition.operator === ts.SyntaxKind.ExclamationToken;
      // What runs when the condition is false: the `else`, or the statements after the `if`.
      const statements = ts.isBlock(node.parent) || ts.isSourceFile(node.parent) ? node.parent.statements : undefined;
      const otherwise: readonly ts.Node[] = node.elseStatement ? [node.elseStatement] : statements ? statements.slice(statements.indexOf(node as ts.Statement) + 1) : [];
      const otherwiseStops = otherwise.some((statement) => calls(statement, STOPS));
      const otherwiseNexts = otherwise.some((statement) => calls(statement, NEXT));
      if (!negated && calls(node.thenStatement, NEXT) && !calls(node.thenStatement, STOPS) && otherwiseStops && !otherwiseNexts) gated = true;
      if (negated && calls(node.thenStatement, STOPS) && !calls(node.thenStatement, NEXT) && otherwiseNexts) gated = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return gated;
}

/**
 * The locals of a middleware body that hold the caller's sign-in: one set by a session or token check
 * (`const valid = await validateSession(refreshToken)`, `const session = getSession(c)`), and one read
 * from such a local under a name that says sign-in (`const auth = session.get(authSessionKey)`; not
 * `session.get('cart')`, which is no sign-in however the page is left without it).
 */
function sessionLocals(body: ts.Node, sourceFile: ts.SourceFile): Set<string> {
  const locals = new Set<string>();
  walkDescendants(body, (node) => {
    if (node !== body && ts.isFunctionLike(node)) return false;
    if (!ts.isVariableDeclaration(node) || !node.initializer) return undefined;
    const text = codeText(node.initializer, sourceFile);
    const from = [...locals].filter((name) => mentionsName(text, name));
    const rest = from.reduce((remaining, name) => remaining.replace(new RegExp(`(?<![\\w$.])${name}\\b`, 'g'), ''), text);
    if (TOKEN_OR_SESSION_CHECK.test(text) || (from.length > 0 && SIGN_IN_WORD.test(rest))) for (const name of bindingNames(node.name)) locals.add(name);
    return undefined;
  });
  return locals;
}

/** Words of a session key or field that hold the sign-in: `authSessionKey`, `'user'`, `ACCOUNT_KEY`, `accessToken`. */
const SIGN_IN_WORD = /auth|user|account|principal|identity|token|credential|jwt|login|signed/i;

/** What a middleware's (or a scope's) name alone says it does: strength 'name-only'. */
export function classifyName(name: string): MiddlewareClassification | undefined {
  const bare = name.replace(/\(.*$/s, '');
  const lastName = bare.split('.').pop() ?? bare;
  const words = nameWords(lastName);
  // `verifyCsrfToken`, `validateXsrfToken`: a CSRF token is no credential, whatever verb goes with it.
  if (CSRF_NAME.test(words) && !CREDENTIAL_NAME_BESIDE_CSRF.test(words)) return { kind: 'other', strength: 'name-only', evidence: `named ${bare}: a CSRF token check, which authenticates nobody` };
  for (const { kind, pattern } of NAME_KINDS) {
    if (pattern.test(words)) return { kind, strength: 'name-only', evidence: `named ${bare}` };
  }
  return undefined;
}

/** A name's words, lower case: `verifyCSRFToken` -> "verify csrf token". */
function nameWords(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[_\-\s]+/g, ' ')
    .toLowerCase()
    .trim();
}

const CSRF_NAME = /\b(?:csrf|xsrf)\b/;
/** A name that also says it checks the caller (`authAndCsrf`, `sessionWithCsrf`) may do both. */
const CREDENTIAL_NAME_BESIDE_CSRF = /\b(?:auth|authenticate|authenticated|authentication|session|jwt|bearer|login|user|passport)\b/;

/**
 * A project's own CSRF middleware (`verifyCSRFToken()`, `csrfProtection`): a double-submit or
 * synchronizer-token check. It may read the Authorization header or session cookie to decide
 * whether the request needs a token at all, and rejects with 403 on a mismatch, which reads like
 * authentication; it lets an anonymous request with no cookie through, so it authenticates nobody.
 * Judged by the function's name (the middleware's or its factory's), with nothing in the name about
 * a credential besides the token.
 */
function csrfCheck(body: ResolvedFunction): MiddlewareClassification | undefined {
  const words = nameWords(body.name.split('.').pop() ?? body.name);
  if (!CSRF_NAME.test(words) || CREDENTIAL_NAME_BESIDE_CSRF.test(words)) return undefined;
  return { kind: 'other', strength: 'strong', evidence: `${body.name} (${body.file.path}:${nodePosition(body.node).line}) checks a CSRF token, which authenticates nobody` };
}

/** The property names of a plain member chain, root outwards: `auth.checks.required` -> [checks, required]. */
function propertyChain(expression: ts.Expression): string[] {
  const names: string[] = [];
  let current = skipOuterExpressions(expression);
  while (ts.isPropertyAccessExpression(current)) {
    names.unshift(current.name.text);
    current = skipOuterExpressions(current.expression);
  }
  return ts.isIdentifier(current) ? names : [];
}

/** `passport.authenticate('jwt', {...})` -> passport + authenticate; `requireAuth` -> requireAuth. */
function rootIdentifier(expression: ts.Expression): { identifier: ts.Identifier; member?: string } | undefined {
  let current = skipOuterExpressions(expression);
  let member: string | undefined;
  for (;;) {
    if (ts.isCallExpression(current)) current = skipOuterExpressions(current.expression);
    else if (ts.isPropertyAccessExpression(current)) {
      member = current.name.text;
      current = skipOuterExpressions(current.expression);
    } else if (ts.isNewExpression(current)) current = skipOuterExpressions(current.expression);
    else break;
  }
  return ts.isIdentifier(current) ? { identifier: current, member } : undefined;
}

function firstStringArgument(expression: ts.Expression): string | undefined {
  const current = skipOuterExpressions(expression);
  if (!ts.isCallExpression(current)) return undefined;
  const first = current.arguments[0];
  return first && ts.isStringLiteralLike(first) ? first.text : undefined;
}

/** String arguments of a role-ish call: `requireRole('admin', 'ops')`, `Roles(Role.Admin)` -> Admin. */
function readRoleArguments(expression: ts.Expression): string[] {
  const current = skipOuterExpressions(expression);
  if (!ts.isCallExpression(current)) return [];
  const callee = middlewareName(current.expression);
  const roles: string[] = [];
  const collect = (node: ts.Expression) => {
    if (ts.isStringLiteralLike(node)) roles.push(node.text);
    else if (ts.isPropertyAccessExpression(node)) roles.push(node.name.text);
    else if (ts.isArrayLiteralExpression(node)) node.elements.forEach(collect);
  };
  if (/role|permission|scope|admin|authori[sz]e|can/i.test(callee)) {
    current.arguments.forEach(collect);
    return roles;
  }
  // `auth({ role: UserRole.Admin })`: an option named for the role, whatever the factory is called.
  for (const argument of current.arguments) {
    const value = skipOuterExpressions(argument);
    if (!ts.isObjectLiteralExpression(value)) continue;
    for (const property of value.properties) {
      const name = ts.isPropertyAssignment(property) && property.name ? propertyNameText(property.name) : undefined;
      if (name !== undefined && ROLE_OPTION_NAME.test(name)) collect(skipOuterExpressions((property as ts.PropertyAssignment).initializer));
    }
  }
  return roles;
}

const ROLE_OPTION_NAME = /^(?:role|roles|requiredRoles?|minRole|minimumRole)$/;

/** A short display name for an expression: its text with whitespace collapsed, long arguments elided. */
export function middlewareName(expression: ts.Node): string {
  const text = expression.getText(expression.getSourceFile()).replace(/\s+/g, ' ');
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A class used as a guard, interceptor, pipe or Nest middleware, with the file it is declared in. */
export interface GuardClass {
  file: ScannedSourceFile;
  node: ts.ClassLikeDeclaration;
}

const MAX_BASE_CLASSES = 5;
/** The methods Nest calls on guards, interceptors, pipes and class middleware, in that order of interest. */
const LIFECYCLE_METHODS = ['canActivate', 'intercept', 'transform', 'use'];

/**
 * The class an expression names: `JwtAuthGuard`, `new RolesGuard(reflector)`, an imported class,
 * or the instance Nest's container holds for it (`app.useGlobalGuards(app.get(AuthGuard))`).
 */
export function guardClassOf(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression): GuardClass | undefined {
  let value = skipOuterExpressions(expression);
  if (ts.isNewExpression(value)) value = skipOuterExpressions(value.expression);
  const held = ts.isCallExpression(value) ? containerInstanceClass(value) : undefined;
  if (held) value = held;
  else if (ts.isCallExpression(value)) return factoryGuardClass(modules, file, value);
  if (ts.isClassExpression(value)) return { file, node: value };
  if (!ts.isIdentifier(value)) return undefined;
  const binding = modules.resolveName(file, value.text);
  const target = bindingValue(binding);
  if (binding?.kind !== 'declaration' || !target) return undefined;
  return ts.isClassDeclaration(target) || ts.isClassExpression(target) ? { file: binding.file, node: target } : undefined;
}

/** How a Nest application or module reference hands out the instance it made of a provider class. */
const CONTAINER_LOOKUPS = new Set(['get', 'resolve']);

/**
 * `app.get(AuthGuard)`, `app.get<AuthGuard>(AuthGuard)`, `await app.resolve(JwtGuard)`,
 * `moduleRef.get(RolesGuard, { strict: false })`: the class whose container instance this is, as
 * written (a class name first). Whether it names a class is the caller's question.
 */
function containerInstanceClass(call: ts.CallExpression): ts.Identifier | undefined {
  const callee = skipOuterExpressions(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !CONTAINER_LOOKUPS.has(callee.name.text) || call.arguments.length === 0 || call.arguments.length > 2) return undefined;
  const first = skipOuterExpressions(call.arguments[0]!);
  return ts.isIdentifier(first) ? first : undefined;
}

/**
 * A guard factory: `SettingsPermissionGuard(Permission.X)` that declares a class inside and returns
 * it, usually through Nest's `mixin()` so the parameter reaches the class (`return mixin(PermissionMixin)`).
 * Nest runs the returned class; its canActivate is the check.
 */
function factoryGuardClass(modules: ModuleIndex, file: ScannedSourceFile, call: ts.CallExpression): GuardClass | undefined {
  const callee = skipOuterExpressions(call.expression);
  if (!ts.isIdentifier(callee)) return undefined;
  const binding = modules.resolveName(file, callee.text);
  const target = bindingValue(binding);
  if (binding?.kind !== 'declaration' || !target) return undefined;
  if (!(ts.isFunctionDeclaration(target) || ts.isArrowFunction(target) || ts.isFunctionExpression(target)) || !target.body) return undefined;
  const returned: ts.Expression[] = [];
  if (ts.isBlock(target.body)) {
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
      if (ts.isReturnStatement(node) && node.expression) returned.push(node.expression);
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(target.body, visit);
  } else returned.push(target.body);
  for (const expression of returned) {
    let value = skipOuterExpressions(expression);
    // `mixin(Class)`: Nest's helper that gives each returned class its own identity.
    if (ts.isCallExpression(value) && value.arguments.length === 1 && ts.isIdentifier(value.expression) && value.expression.text === 'mixin') value = skipOuterExpressions(value.arguments[0]!);
    if (ts.isClassExpression(value)) return { file: binding.file, node: value };
    if (!ts.isIdentifier(value)) continue;
    const name = value.text;
    const local = ts.isBlock(target.body) ? target.body.statements.find((statement): statement is ts.ClassDeclaration => ts.isClassDeclaration(statement) && statement.name?.text === name) : undefined;
    if (local) return { file: binding.file, node: local };
  }
  return undefined;
}

/** The `canActivate`/`intercept`/`transform`/`use` method a class runs, its own or inherited from a local base class. */
export function lifecycleMethodOf(modules: ModuleIndex, start: GuardClass): ResolvedFunction | undefined {
  let current: GuardClass | undefined = start;
  for (let depth = 0; current && depth < MAX_BASE_CLASSES; depth++) {
    for (const method of LIFECYCLE_METHODS) {
      for (const member of current.node.members) {
        if (ts.isMethodDeclaration(member) && member.body && member.name && ts.isIdentifier(member.name) && member.name.text === method) {
          return { file: current.file, node: member, name: `${current.node.name?.text ?? '<class>'}.${method}` };
        }
      }
    }
    const base = baseClassExpression(current.node);
    current = base && guardClassOf(modules, current.file, base);
  }
  return undefined;
}

/**
 * The injected member a guard's lifecycle method hands the request to and returns the answer of:
 * `constructor(@Inject('USER_AUTH_GUARD') private authGuard: IAuthGuard) {}` with
 * `canActivate(context) { return this.authGuard.canActivate(context); }`. The member's declared type
 * (a class or a library interface) names what runs.
 */
function injectedDelegate(fn: ResolvedFunction): { member: string; method: string; type: ts.Identifier; file: ScannedSourceFile } | undefined {
  const body = fn.node.body;
  if (!body || !ts.isBlock(body) || !ts.isMethodDeclaration(fn.node) || !fn.node.name || !ts.isIdentifier(fn.node.name)) return undefined;
  const method = fn.node.name.text;
  const returned = body.statements.filter(ts.isReturnStatement);
  if (returned.length !== 1 || !returned[0]!.expression) return undefined;
  let value = skipOuterExpressions(returned[0]!.expression);
  if (ts.isAwaitExpression(value)) value = skipOuterExpressions(value.expression);
  if (!ts.isCallExpression(value) || !ts.isPropertyAccessExpression(value.expression) || value.expression.name.text !== method) return undefined;
  const receiver = skipOuterExpressions(value.expression.expression);
  if (!ts.isPropertyAccessExpression(receiver) || receiver.expression.kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  const member = receiver.name.text;
  const owner = fn.node.parent;
  if (!owner || !ts.isClassLike(owner)) return undefined;
  let declaredType: ts.TypeNode | undefined;
  for (const classMember of owner.members) {
    if (ts.isPropertyDeclaration(classMember) && propertyNameText(classMember.name) === member) declaredType = classMember.type;
    if (ts.isConstructorDeclaration(classMember)) {
      for (const parameter of classMember.parameters) {
        const isProperty = ts.getModifiers(parameter)?.some((modifier) => [ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.ProtectedKeyword, ts.SyntaxKind.PublicKeyword, ts.SyntaxKind.ReadonlyKeyword].includes(modifier.kind));
        if (isProperty && ts.isIdentifier(parameter.name) && parameter.name.text === member) declaredType = parameter.type;
      }
    }
  }
  if (!declaredType || !ts.isTypeReferenceNode(declaredType) || !ts.isIdentifier(declaredType.typeName)) return undefined;
  return { member: `this.${member}`, method, type: declaredType.typeName, file: fn.file };
}

function baseClassExpression(node: ts.ClassLikeDeclaration): ts.Expression | undefined {
  const clause = node.heritageClauses?.find((heritage) => heritage.token === ts.SyntaxKind.ExtendsKeyword);
  return clause?.types[0]?.expression;
}

/**
 * A guard's canActivate rejects by returning anything but `true` (Nest answers 403) or throwing, so a
 * `return roles.includes(user.role)` is a check even without an explicit 401/403.
 */
function classifyGuardMethod(fn: ResolvedFunction): MiddlewareClassification | undefined {
  if (!fn.name.endsWith('.canActivate') || !fn.node.body) return undefined;
  const text = fn.node.body.getText(fn.node.getSourceFile());
  // Any exception thrown in canActivate stops the request too (a BadRequestException for a bad token still rejects).
  if (!/\breturn\s+(?!true\b)\S/.test(text) && !/\bthrow\b/.test(text)) return undefined;
  const where = `${fn.name} (${fn.file.path}:${nodePosition(fn.node).line})`;
  const roleCode = codeText(fn.node.body, fn.node.getSourceFile());
  if (ROLE_CHECK.test(roleCode)) {
    return comparesOnlyTokenScopes(roleCode) ? { kind: 'role', strength: 'strong', evidence: `${where} compares the token's scopes`, tokenScopes: true } : { kind: 'role', strength: 'strong', evidence: `${where} compares the user's role or permissions` };
  }
  // The token is often read by a helper method of the guard (`this.extractTokenFromHeader(request)`).
  const owner = fn.node.parent;
  const classText = owner && ts.isClassLike(owner) ? owner.getText(fn.node.getSourceFile()) : text;
  if (TOKEN_OR_SESSION_CHECK.test(classText)) return { kind: 'auth', strength: 'strong', evidence: `${where} checks a token or session` };
  if (/x-api-key|\bapi[-_]?key\b|timingSafeEqual/i.test(classText)) return { kind: 'auth', strength: 'strong', evidence: `${where} checks an API key` };
  return undefined;
}

/**
 * A middleware or guard that lets the request on only when a value it carries matches a secret the
 * server holds (`if (request.headers['x-cron-secret'] !== this.cronSecret) throw new UnauthorizedException()`,
 * a guard's `return apiKey === this.configService.get('INTERNAL_API_KEY')`): it authenticates a service.
 */
function classifySharedSecretGate(fn: ResolvedFunction): MiddlewareClassification | undefined {
  const secret = serverSecretComparison(fn.node, { verdict: fn.name.endsWith('.canActivate') });
  return secret ? { kind: 'auth', strength: 'strong', evidence: `${fn.name} (${fn.file.path}:${nodePosition(fn.node).line}) compares a value the request carries with a secret the server holds (${secret}) and rejects on a mismatch` } : undefined;
}

/**
 * The expression a RouteMiddleware was described from: the outermost node starting on its line whose
 * display name is its name. Lets later stages (rate-limit keys, state checks) read what it does.
 */
export function locateMiddleware(modules: ModuleIndex, middleware: RouteMiddleware): { file: ScannedSourceFile; node: ts.Expression } | undefined {
  const line = middlewareLine(modules, middleware);
  if (!line) return undefined;
  let found: ts.Expression | undefined;
  visitLine(line, (node) => {
    if (ts.isExpression(node) && middlewareName(node) === middleware.name) found = node;
    return found !== undefined;
  });
  return found && { file: line.file, node: found };
}

export interface MiddlewareLine {
  file: ScannedSourceFile;
  start: number;
  end: number;
}

/** The file and offsets of the line a middleware was attached on. */
export function middlewareLine(modules: ModuleIndex, middleware: RouteMiddleware): MiddlewareLine | undefined {
  const file = fileWithPath(modules.sourceFiles, middleware.file);
  if (!file) return undefined;
  const lineStarts = file.sourceFile.getLineStarts();
  const start = lineStarts[middleware.line - 1];
  if (start === undefined) return undefined;
  return { file, start, end: lineStarts[middleware.line] ?? file.sourceFile.end };
}

/** Visits, outermost first, the nodes that start on a line; `stop` returning true ends the walk. */
export function visitLine(line: MiddlewareLine, stop: (node: ts.Node) => boolean): void {
  const sourceFile = line.file.sourceFile;
  let done = false;
  const visit = (node: ts.Node): void => {
    if (done || node.end < line.start || node.pos > line.end) return;
    const start = node.getStart(sourceFile);
    if (start >= line.start && start < line.end && stop(node)) {
      done = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
}

