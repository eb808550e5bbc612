import { ts } from '#typescript';
import type { ModuleIndex, ResolvedFunction } from '../names/index.js';
import { calledFunctions } from '../names/index.js';
import { conjuncts, nodePosition, skipOuterExpressions } from '../ast/syntax.js';
import { AUTH_ERROR_MESSAGE } from './classify-middleware.js';
import { PRINCIPAL_READS } from '../../models/auth.js';
import { APP_CONTEXT_CALLER_FIELDS } from '../../models/request-sources.js';
import { UNVERIFIED_DECODE_TEXTS, VERIFYING_TEXT } from '../../models/jwt.js';
import { CONFIGURED_SECRET, REQUEST_PART_READ, comparesConfiguredSecret, serverSecretComparison } from './configured-secret.js';
import { textWithout } from './method-dispatch.js';

/** Fields of a GraphQL/tRPC context that hold the signed-in user, when a resolver destructures them. */
const CONTEXT_PRINCIPAL_FIELDS = APP_CONTEXT_CALLER_FIELDS;
/**
 * A context field named for a kind of user (`cpUser`, a client portal's signed-in customer; `portalUser`,
 * `adminUser`): the context function put the caller of that kind there, as it puts `user`.
 */
const KIND_OF_USER_FIELD = /^[a-z][a-zA-Z0-9]*User$/;
const isContextPrincipalField = (key: string, context: boolean): boolean => CONTEXT_PRINCIPAL_FIELDS.has(key) || (context && KIND_OF_USER_FIELD.test(key));
/** The RPC resolver's context, destructured from its one argument (tRPC `ctx`, oRPC `context`). */
const CONTEXT_CONTAINERS = new Set(['ctx', 'context']);

/** Parameter decorators that inject the authenticated user into a NestJS handler. */
export const PRINCIPAL_DECORATOR = /^(?:CurrentUser|User|AuthUser|GetUser|ReqUser|Principal|Session|Auth|Jwt(?:Payload|User)|UserEntity|(?:Get)?CurrentUserId|(?:LoggedIn|Authenticated|Session|Request|Active)User|Current(?:Account|Member))$/;

/** `@CurrentUser()`, `@GqlUser()`, `@SessionUser()`, `@GetUserFromRequest()`: a parameter decorator that injects the signed-in user. */
export function isPrincipalDecorator(name: string): boolean {
  return PRINCIPAL_DECORATOR.test(name) || /^\w+User(?:FromRequest|FromSession|FromToken)?$/.test(name);
}

/** `@GetOrgFromRequest()`, `@CurrentOrganization()`, `@Tenant()`: the caller's tenant, resolved by the server from the session. */
export const TENANT_DECORATOR = /^(?:Get)?(?:Current|Active|Auth|Session)?(?:Org|Organi[sz]ation|Tenant|Workspace|Team|Account|Project)(?:FromRequest|FromSession|FromToken)?$/;

// The app's own error class given an unauthenticated code, as an enum member or a string: `new AppError(AppErrorCode.UNAUTHORIZED)`,
// `new ServiceError('UNAUTHENTICATED')` (the 401 of codebases that map their error codes to statuses in one place).
const REJECTS_UNAUTHENTICATED = /\bcode\s*:\s*['"`](?:UNAUTHORIZED|UNAUTHENTICATED)['"`]|\b(?:status|sendStatus|code|throw)\s*\(\s*401\b|\b401\s*\)|new\s+(?:[\w$]+\.)*\w*(?:Unauthori[sz]ed|Unauthenticated|AuthenticationError|NotAuthenticated|Auth(?:entication)?Required|LoginRequired|NotLoggedIn)\w*|\bunauthorized\s*\(|redirect\s*\(\s*['"`][^'"`]*(?:login|signin|sign-in|auth)|HttpStatus\.UNAUTHORIZED|StatusCodes\.UNAUTHORIZED|\bstatus(?:Code)?\s*:\s*401\b|redirect\s*\(\s*new\s+URL\s*\(\s*['"`][^'"`]*(?:login|signin|sign-in)|if\s*\(\s*!\s*\(?\s*(?:await\s+)?[\w$.?]*(?:session|user|userId|token|auth)\b[^)]*\)\s*\{?\s*(?:return|throw)\b[^;]*?\b403\b|\bnew\s+[\w$.]+\s*\(\s*(?:(?:[\w$]+\.)+|['\"`])(?:UNAUTHORIZED|UNAUTHENTICATED|NOT_AUTHENTICATED|Unauthori[sz]ed|Unauthenticated|NotAuthenticated)\b/;

/** How a handler reads the authenticated principal, e.g. ["req.user"] or ["@CurrentUser() user"]. */
export function readPrincipal(handler: ResolvedFunction | undefined, otherMethods?: ReadonlySet<ts.Node>): string[] {
  if (!handler) return [];
  const found: string[] = [];
  for (const parameter of handler.node.parameters) {
    for (const decorator of ts.getDecorators(parameter) ?? []) {
      const expression = decorator.expression;
      const callee = ts.isCallExpression(expression) ? expression.expression : expression;
      // The caller's tenant (`@GetOrgFromRequest() org`) names the caller as much as the user does.
      if (ts.isIdentifier(callee) && (isPrincipalDecorator(callee.text) || TENANT_DECORATOR.test(callee.text))) {
        found.push(`@${callee.text}() ${parameter.name.getText(handler.node.getSourceFile())}`);
      }
    }
  }
  const body = handler.node.body;
  if (body) {
    const text = textWithout(body, otherMethods);
    for (const { label, pattern } of PRINCIPAL_READS) if (principalReadIn(pattern, text)) found.push(label);
    // A GraphQL resolver's `(parent, args, { user, prisma })`: the context's user, destructured.
    for (const [name, key] of destructuredPrincipal(handler)) if (new RegExp(`\\b${name}\\b`).test(text)) found.push(`context ${key}`);
  }
  return found;
}

/**
 * Whether `pattern` (one of PRINCIPAL_READS) matches a read in `text`, not only the target of an
 * assignment: a sign-in handler stores the user it identified (`req.session.userId = user.id`,
 * `req.session.user = account`), which writes the session's principal and reads nothing of the caller.
 */
export function principalReadIn(pattern: RegExp, text: string): boolean {
  const all = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  for (const match of text.matchAll(all)) {
    if (!/^\s*=(?![=>])/.test(text.slice(match.index + match[0].length))) return true;
  }
  return false;
}

// Reading a credential directly is as good as reading the principal for an in-handler check; so is
// comparing a shared secret (a cron job's CRON_SECRET, an internal API key) in constant time, or
// looking up the API key the request carries in its path, query or body (`getApiKey(req.params.apikey)`).
// Header names are case-insensitive: `c.req.header("Authorization")`, `event.headers.Authorization` (API Gateway keeps the client's case).
// A custom header named for a secret or key, with the `x-` prefix or without it as RFC 6648 advises
// (`x-api-key`, `acme-client-secret`), carries a credential; a CSRF token's header does not.
const CREDENTIAL_READ =
  /\bheaders?\s*(?:\?\.|\.)\s*[Aa]uthorization\b|\bheaders?\s*\[\s*['"`][Aa]uthorization['"`]\s*\]|\bheader\s*\(\s*['"`][Aa]uthorization['"`]|\bcookies?\s*(?:\?\.|\.|\[\s*['"`])\s*(?:token|jwt|session|access_?token|auth)\b|\bauthenticatedUsers\b|\b(?:jwt|jsonwebtoken|jose)\.verify\s*\(|\bverify(?:Token|Jwt|JWT|IdToken|AccessToken|Session)\s*\(|\bget\s*\(\s*['"`](?:[Aa]uthorization|[Xx]-[Aa]pi-[Kk]ey|x-internal-api-key)['"`]|\b(?:timingSafeEqual|secureCompare|safeCompare|constantTimeCompare)\s*\(|\bheaders?\s*(?:\[\s*|(?:\?\.|\.)\s*get\s*\(\s*)['"`](?![\w-]*(?:csrf|xsrf))(?:x-[\w-]*|[\w-]+-)(?:secret|signature|api-?key)['"`]|\bheader\s*\(\s*['"`](?![\w-]*(?:csrf|xsrf))(?:x-[\w-]*|[\w-]+-)(?:secret|signature|api-?key)['"`]/;
/**
 * A session or token cookie read with the cookie helpers of Hono and h3 (`getCookie(c, 'sid')`,
 * `getSignedCookie(c, secret, sessionCookieName)`, `getCookie(event, 'auth_token')`): the cookie's
 * name (the argument after the context, and after the secret for a signed one) says it holds a
 * credential. A preference cookie (`getCookie(c, 'theme')`) is none.
 */
const COOKIE_HELPER_CREDENTIAL_READ =
  /\bgetCookie\s*\(\s*[\w$.]+\s*,\s*['"`]?[\w$.-]*(?:session|token|jwt|auth|sid)|\bgetSignedCookie\s*\(\s*[\w$.]+\s*,\s*(?:[^,()]|\([^()]*\))+,\s*['"`]?[\w$.-]*(?:session|token|jwt|auth|sid)/i;
/** The API key a request carries in its path, query or body: `req.params.apikey`, `req.query.api_key`. */
const REQUEST_API_KEY_READ = /\b(?:params|query|body)\s*(?:\?\.|\.)\s*(?:api_?[Kk]ey|apikey|API_?KEY)\b/;
// A secret of the server's own (`process.env.CRON_SECRET`) is a credential check only where the request
// is held against it: compared with something, or read beside the request's headers, query or body
// (CONFIGURED_SECRET, REQUEST_PART_READ). Alone it is the server's key for a service it calls
// (`if (!env.TINYBIRD_API_KEY) return`), which says nothing about who is calling.

const SIGNED_VALUE_PARAMETER = /^(?:hash|signature|sig|hmac|digest)$/i;
const SIGNING_CALL = /hash|sign|hmac|digest/i;
/**
 * A signed link checked one call down: the helper compares a hash it was handed (`{ hash }`, the
 * client's) with one it computes (`const generatedHash = generateSubscriptionHash({ ... })`,
 * `hash === generatedHash`), as unsubscribe and signed download links are. The caller's 401 on its
 * failure turns away a request without a valid signature.
 */
function comparesSignedValue(helper: ResolvedFunction): boolean {
  const body = helper.node.body;
  if (!body) return false;
  const parameters = new Set<string>();
  const collect = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) parameters.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) collect(element.name);
  };
  for (const parameter of helper.node.parameters) collect(parameter.name);
  const signed = [...parameters].filter((name) => SIGNED_VALUE_PARAMETER.test(name));
  if (signed.length === 0) return false;
  const text = body.getText(helper.node.getSourceFile());
  for (const match of text.matchAll(/([\w$]+)\s*[!=]==?\s*([\w$]+)/g)) {
    for (const [given, computed] of [[match[1]!, match[2]!], [match[2]!, match[1]!]] as const) {
      if (!signed.includes(given) || !SIGNED_VALUE_PARAMETER.test(computed.replace(/^(?:generated|computed|expected|calculated)/i, '').replace(/^./, (c) => c.toLowerCase()))) continue;
      const definition = new RegExp(String.raw`\b(?:const|let)\s+${computed.replace(/\$/g, '\\$')}\s*=\s*(?:await\s+)?([\w$.]+)\s*\(`).exec(text);
      if (definition && SIGNING_CALL.test(definition[1]!)) return true;
    }
  }
  return false;
}

/** Code (a function's text) that reads or verifies the request's credentials. */
export function readsRequestCredentials(text: string): boolean {
  // `auth.split('.')[1]` base64-decoded and parsed, with no verify: the header is read, not checked.
  if (CREDENTIAL_READ.test(text) && !(UNVERIFIED_DECODE_TEXTS.some((group) => group.every((pattern) => pattern.test(text))) && !VERIFYING_TEXT.test(text))) return true;
  if (REQUEST_API_KEY_READ.test(text)) return true;
  if (COOKIE_HELPER_CREDENTIAL_READ.test(text)) return true;
  // The server's own key sent out (`Authorization: \`Bearer ${process.env.TINYBIRD_API_KEY}\`` to an upstream API) checks no caller.
  const ownSecrets = text.replace(OUTGOING_CREDENTIAL_HEADER, '');
  return CONFIGURED_SECRET.test(ownSecrets) && (comparesConfiguredSecret(ownSecrets) || REQUEST_PART_READ.test(ownSecrets));
}
/** A credential header of an outgoing request: `Authorization: ...`, `'x-api-key': ...`, up to the end of the property. */
const OUTGOING_CREDENTIAL_HEADER = /['"`]?(?:Authorization|x-api-key|api-key|apikey|x-auth-token)['"`]?\s*:\s*[^,\n}]*/gi;
// Ways a handler turns away a caller it could not authenticate, besides a 401.
const OTHER_REJECTION = /\bnext\s*\(\s*new\s+\w*Error\b|\b(?:status|sendStatus|code)\s*\(\s*403\b|new\s+\w*Forbidden\w*|\bstatus(?:Code)?\s*:\s*403\b/;
/**
 * A WebSocket handler's way (@fastify/websocket, express-ws, ws): close the socket and return, in the
 * branch that finds no principal (`if (!userId) { socket.send('No session'); socket.close(); return; }`).
 * Only the close inside an `if` that exits counts; closing on a bad message later proves nothing.
 */
const SOCKET_REJECTION = /\bif\s*\(\s*!\s*[\w$.?]+\s*\)\s*\{[^{}]*?\b(?:[\w$]*[Ss]ocket|ws|webSocket)\s*(?:\?\.|\.)\s*(?:close|terminate)\s*\([^()]*\)\s*;?[^{}]*?\breturn\b/;

/**
 * `if (!ctx.user) return null;` / `if (!req.session.userId) { return []; }`: an early return of nothing;
 * `if (!user || !user.id) return null`: the same principal tested twice.
 */
const ANONYMOUS_EXIT = /\bif\s*\(\s*!\s*([\w$.?]+)\s*(?:\|\|\s*!\s*\1(?:\??\.[\w$]+)+\s*)?\)\s*\{?\s*return(?:\s+(?:null|undefined|false)|\s*\[\s*\]|\s*\{\s*\})?\s*(?:;|\}|\n)/;
// Only the request's or context's own principal: `if (!user) return null` after a lookup tests the record, not the caller.
// `ctx.user?.id`, `ctx.session?.user?.sub`: the principal's own id tests it too.
const PRINCIPAL_WORD = /^(?:(?:req|request|ctx|context)(?:\??\.[\w$]+)*\??\.(?:session|user|userId|currentUser|remoteUser|authUser|loggedInUser|authenticatedUser|sessionUser|viewer|auth|principal|uid)|session\??\.(?:user|userId|uid))(?:\??\.(?:id|_id|sub|uid|userId))?$/;

/**
 * Names the handler's parameters give the context's principal, with the field each reads: `(parent, args, { user })` -> user.
 * A parameter is bound once, before the body runs: testing it tests the caller, not a record.
 */
/** `const user = await db.user.findUnique(...)` in the body: the name now holds a record, not the caller. */
function redeclares(text: string, name: string): boolean {
  return new RegExp(`\\b(?:const|let|var)\\s+(?:[{[][^=]*\\b)?${name.replace(/\$/g, '\\$')}\\b`).test(text) || new RegExp(`(?:^|[^.\\w$])${name.replace(/\$/g, '\\$')}\\s*=[^=]`).test(text);
}

/**
 * Names in the handler's body that hold the caller the context function put there
 * (`(parent, args, { user })` -> user), unless the body binds them again to something else.
 */
export function contextPrincipalNames(handler: ResolvedFunction): Set<string> {
  const text = handler.node.body?.getText(handler.node.getSourceFile()) ?? '';
  return new Set([...destructuredPrincipal(handler).keys()].filter((name) => !redeclares(text, name)));
}

function destructuredPrincipal(handler: ResolvedFunction): Map<string, string> {
  const names = new Map<string, string>();
  const parameters = handler.node.parameters;
  for (const [index, parameter] of parameters.entries()) {
    if (!ts.isObjectBindingPattern(parameter.name)) continue;
    // A GraphQL resolver's third parameter is the context; the second, the client's arguments (`{ assignedUser }`).
    const graphqlContext = index === 2;
    for (const element of parameter.name.elements) {
      const property = element.propertyName ?? element.name;
      const key = ts.isIdentifier(property) ? property.text : undefined;
      if (key && isContextPrincipalField(key, graphqlContext) && ts.isIdentifier(element.name)) names.set(element.name.text, key);
      // tRPC `({ input, ctx: { session } })`, oRPC `({ input, context: { user } })`: the context's user, one level down.
      if (key && CONTEXT_CONTAINERS.has(key) && ts.isObjectBindingPattern(element.name)) {
        for (const inner of element.name.elements) {
          const innerProperty = inner.propertyName ?? inner.name;
          const innerKey = ts.isIdentifier(innerProperty) ? innerProperty.text : undefined;
          if (innerKey && isContextPrincipalField(innerKey, true) && ts.isIdentifier(inner.name)) names.set(inner.name.text, innerKey);
        }
      }
    }
  }
  return names;
}

/**
 * `const result = user ? await models.Users.findOne({ _id: user._id }) : null; return result;` or
 * `return ctx.user ? ... : null`: the handler's first statement does its work only for a caller it
 * has, and answers anyone else with nothing, as `if (!user) return null` does. The principal tested,
 * else undefined.
 */
function principalGatedFirstStatement(handler: ResolvedFunction, text: string): string | undefined {
  const body = handler.node.body;
  if (!body || !ts.isBlock(body)) return undefined;
  const first = body.statements[0];
  const value = first && ts.isReturnStatement(first) ? first.expression : first && ts.isVariableStatement(first) && first.declarationList.declarations.length === 1 ? first.declarationList.declarations[0]!.initializer : undefined;
  const conditional = value && skipOuterExpressions(value);
  if (!conditional || !ts.isConditionalExpression(conditional) || !isNothing(conditional.whenFalse)) return undefined;
  const condition = skipOuterExpressions(conditional.condition);
  if (!ts.isIdentifier(condition) && !ts.isPropertyAccessExpression(condition)) return undefined;
  const tested = condition.getText(handler.node.getSourceFile()).replace(/\s+/g, '');
  const base = tested.split(/\??\./)[0]!;
  return PRINCIPAL_WORD.test(tested) || (destructuredPrincipal(handler).has(base) && !redeclares(text, base)) ? tested : undefined;
}

/**
 * `if (!(ctx.session.session && ctx.cookies.session)) { return { extended: false }; }`, `if (!ctx.user || !input.id) return { ok: false }`:
 * a statement of the handler's body that exits with an empty answer whenever the principal is missing
 * (the principal negated alone, in a disjunction, or inside a negated conjunction), before the work.
 * `!(user || input.force)` exits only when both are missing: a caller without a session gets through.
 * The principal tested, else undefined.
 */
function principalGatedExit(handler: ResolvedFunction, text: string): string | undefined {
  const body = handler.node.body;
  if (!body || !ts.isBlock(body)) return undefined;
  const sourceFile = handler.node.getSourceFile();
  const isPrincipal = (expression: ts.Expression): string | undefined => {
    const value = skipOuterExpressions(expression);
    if (!ts.isIdentifier(value) && !ts.isPropertyAccessExpression(value)) return undefined;
    const tested = value.getText(sourceFile).replace(/\s+/g, '');
    const base = tested.split(/!?\??\./)[0]!; // `userInfo!.admin`: the non-null assertion is no other name
    return PRINCIPAL_WORD.test(tested) || (destructuredPrincipal(handler).has(base) && !redeclares(text, base)) ? tested : undefined;
  };
  // The principal whose absence makes the condition true.
  const trueWithout = (condition: ts.Expression): string | undefined => {
    const value = skipOuterExpressions(condition);
    if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.BarBarToken) return trueWithout(value.left) ?? trueWithout(value.right);
    if (!ts.isPrefixUnaryExpression(value) || value.operator !== ts.SyntaxKind.ExclamationToken) return undefined;
    const negated = skipOuterExpressions(value.operand);
    // `!(a && b)`: false when any operand is, so a missing principal among them makes the whole true.
    if (ts.isBinaryExpression(negated) && negated.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) {
      const operands = conjuncts(negated);
      for (const operand of operands) {
        const found = isPrincipal(operand);
        if (found) return found;
      }
      return undefined;
    }
    return isPrincipal(negated);
  };
  // Only a return of nothing: `return`, null, false, [], {}, or an object of flags and empty values (`{ extended: false }`);
  // or a refusal: `throw new Error(...)`, `return Promise.reject(...)` (the resolver's promise fails, whatever the message).
  const returnsNothing = (statement: ts.Statement): boolean => {
    const statements = ts.isBlock(statement) ? statement.statements : [statement];
    if (statements.length !== 1) return false;
    if (ts.isThrowStatement(statements[0]!)) return true;
    if (!ts.isReturnStatement(statements[0]!)) return false;
    const returned = statements[0]!.expression;
    if (!returned || isNothing(returned) || isPromiseRejection(returned)) return true;
    const value = skipOuterExpressions(returned);
    return ts.isObjectLiteralExpression(value) && value.properties.length > 0 && value.properties.every((property) => ts.isPropertyAssignment(property) && isNothing(property.initializer));
  };
  // The principal without which the condition is false: `userInfo.admin`, `user && userInfo?.admin && ok(id)`.
  const falseWithout = (condition: ts.Expression): string | undefined => {
    const value = skipOuterExpressions(condition);
    if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) return falseWithout(value.left) ?? falseWithout(value.right);
    return isPrincipal(value);
  };
  const refuses = (statement: ts.Statement): boolean => {
    const only = ts.isBlock(statement) ? statement.statements[0] : statement;
    return only !== undefined && (ts.isThrowStatement(only) || (ts.isReturnStatement(only) && only.expression !== undefined && isPromiseRejection(only.expression)));
  };
  for (const [index, statement] of body.statements.entries()) {
    if (ts.isIfStatement(statement) && !statement.elseStatement && returnsNothing(statement.thenStatement)) {
      const tested = trueWithout(statement.expression);
      if (tested) return refuses(statement.thenStatement) ? `${tested} (it refuses the request)` : tested;
    }
    // `if (userInfo.admin) { ...work } else { return Promise.reject(...) }`: the work runs only in the branch that has the caller;
    // `if (userInfo?.admin && ...) { ...work; return true } return false`: the same, with the body's last statement as the else
    // (whether or not the branch returns, nothing but that empty answer runs outside it).
    if (ts.isIfStatement(statement)) {
      const otherwise = statement.elseStatement ?? (index === body.statements.length - 2 ? body.statements[index + 1] : undefined);
      const tested = otherwise && returnsNothing(otherwise) ? falseWithout(statement.expression) : undefined;
      if (tested) return refuses(otherwise!) ? `${tested} (it refuses the request otherwise)` : tested;
    }
    // Nothing may run before the gate: a call there (a write, a lookup) runs for anyone.
    let calls = false;
    const visit = (node: ts.Node): void => {
      if (calls || ts.isFunctionLike(node)) return;
      if (ts.isCallExpression(node) || ts.isAwaitExpression(node) || ts.isNewExpression(node)) calls = true;
      else ts.forEachChild(node, visit);
    };
    visit(statement);
    if (calls) return undefined;
  }
  return undefined;
}

/** The functions written inside a body (callbacks, object methods), outermost only. */
function nestedFunctions(body: ts.Node): ts.Node[] {
  const found: ts.Node[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) found.push(node);
    else ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  return found;
}

/** `Promise.reject(...)`: a resolver's refusal written as a value. */
function isPromiseRejection(expression: ts.Expression): boolean {
  const value = skipOuterExpressions(expression);
  return ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && value.expression.name.text === 'reject' && ts.isIdentifier(value.expression.expression) && value.expression.expression.text === 'Promise';
}

/** `null`, `undefined`, `false`, `[]`, `{}`: an answer that carries nothing. */
function isNothing(expression: ts.Expression): boolean {
  const value = skipOuterExpressions(expression);
  if (value.kind === ts.SyntaxKind.NullKeyword || value.kind === ts.SyntaxKind.FalseKeyword || (ts.isIdentifier(value) && value.text === 'undefined')) return true;
  return (ts.isArrayLiteralExpression(value) && value.elements.length === 0) || (ts.isObjectLiteralExpression(value) && value.properties.length === 0);
}

/**
 * An authentication check written in the handler itself: it reads the principal, the session or
 * a credential (directly or in a project function it calls) and turns the request away when that
 * fails (401, 403, a redirect to login, an error passed to next). Returns the evidence, if any.
 */
export function inHandlerAuthentication(handler: ResolvedFunction | undefined, modules?: ModuleIndex, otherMethods?: ReadonlySet<ts.Node>): string | undefined {
  if (!handler?.node.body) return undefined;
  // One method's route of a handler that branches on the method: the other methods' branches are not its checks.
  const text = textWithout(handler.node.body, otherMethods);
  const where = `${handler.name} (${handler.file.path}:${nodePosition(handler.node).line})`;
  // `if (secret !== this.webhookSecret) throw ...`, `if (config.get('X_TOKEN') !== token) return false`:
  // a request that does not carry the server's secret is turned away, whatever the answer says.
  const secret = serverSecretComparison(handler.node);
  if (secret) return `${where} compares a value the request carries with a secret the server holds (${secret}) and turns the request away when they differ`;
  const rejects = REJECTS_UNAUTHENTICATED.test(text) || AUTH_ERROR_MESSAGE.test(text) || OTHER_REJECTION.test(text) || SOCKET_REJECTION.test(text);
  if (!rejects && modules && REQUEST_API_KEY_READ.test(text)) {
    // `verifyApiKey(req.params.apikey)`, which throws a 401 when no such key exists: the key is checked one call down.
    const checker = calledFunctions(modules, handler, undefined, otherMethods).find((helper) => REJECTS_UNAUTHENTICATED.test(helper.node.body?.getText(helper.node.getSourceFile()) ?? ''));
    if (checker) return `${where} passes the API key the request carries to ${checker.name} (${checker.file.path}:${nodePosition(checker.node).line}), which rejects an unknown key`;
  }
  if (!rejects) {
    // `if (!req.session.userId) return null`: an anonymous caller gets nothing, before anything is read.
    // Not inside a function the handler hands on (`authenticate: async () => { if (!session?.user) return null; ... }`
    // given to an RPC handler's context): that return answers its caller, and the request goes on.
    const anonymousExit = ANONYMOUS_EXIT.exec(textWithout(handler.node.body, new Set([...(otherMethods ?? []), ...nestedFunctions(handler.node.body)])));
    const tested = anonymousExit?.[1];
    const base = tested?.split(/\??\./)[0];
    if (tested && (PRINCIPAL_WORD.test(tested) || (destructuredPrincipal(handler).has(base!) && !redeclares(text, base!)))) return `${where} answers a caller without ${tested} with nothing`;
    const gated = principalGatedFirstStatement(handler, text) ?? principalGatedExit(handler, text);
    return gated ? `${where} answers a caller without ${gated} with nothing` : undefined;
  }
  const principal = readPrincipal(handler, otherMethods).filter((read) => !read.startsWith('@'));
  if (principal.length > 0) return `${where} reads ${principal[0]} and rejects unauthenticated requests`;
  if (readsRequestCredentials(text)) return `${where} checks the request's credentials and rejects the request without them`;
  // `if (!(await verifyCurrentUserHasAccessToPost(id))) return 403`: the session is read one call down.
  for (const helper of modules ? calledFunctions(modules, handler, undefined, otherMethods) : []) {
    const helperPrincipal = readPrincipal(helper).filter((read) => !read.startsWith('@'));
    const helperText = helper.node.body?.getText(helper.node.getSourceFile()) ?? '';
    if (helperPrincipal.length > 0 || readsRequestCredentials(helperText) || comparesSignedValue(helper)) {
      return `${where} rejects the request unless ${helper.name} (${helper.file.path}:${nodePosition(helper.node).line}) finds ${helperPrincipal[0] ?? 'valid credentials'}`;
    }
  }
  return undefined;
}
