import { ts } from '#typescript';
import { walkDescendants } from '../engine/ast/file-index.js';
import { localDeclaration } from '../engine/names/index.js';
import { propertyNameText, skipOuterExpressions } from '../engine/ast/syntax.js';
import type { RuleContext } from '../engine/rule-api.js';
import type { Confidence, ScannedSourceFile } from '../types.js';
import { defineRule } from './define-rule.js';
import { jwtCallOf, type JwtCall, JWT_SIGNATURE_CONTROLS } from './utils/jwt-calls.js';
import { HAND_DECODED_JWT } from '../models/jwt.js';

/** Claims a token's holder may read without trusting them: timing (for refresh scheduling) and the header (the `kid` before a verify). */
const HARMLESS_READS = new Set(['exp', 'iat', 'nbf', 'header', 'kid', 'alg', 'typ']);

/** Where a server keeps the signed-in caller: `req.user = ...`, `ctx.state.user = ...`, `res.locals.user = ...`. */
const PRINCIPAL_SLOT =
  /^(?:req|request|ctx\.state|ctx|context|res\.locals|reply\.locals|event\.context|socket\.data|client\.data)\s*\.\s*(?:user|userId|user_id|uid|auth|currentUser|principal|account|accountId|session|decoded|jwt|jwtPayload|tokenPayload|claims|member|admin|isAdmin|role|roles)$/;

/** Hono keeps the caller with `c.set('user', ...)`. */
const HONO_PRINCIPAL_KEYS = new Set(['user', 'userId', 'jwtPayload', 'payload', 'auth', 'session', 'claims', 'currentUser']);

/** Reads of a token the client sent with the request: headers, cookies, query, body, Next's `headers()`/`cookies()`. */
const REQUEST_TOKEN =
  /\b(?:req|request|ctx|c\.req|event|evt|handshake)\s*(?:\?\.|\.)\s*(?:headers|header|get|cookies|signedCookies|query|body|params|auth|authorization)\b|\b(?:headers|cookies)\s*\(\s*\)|getHeader\s*\(|\.getRequest\s*\(\s*\)/;

/** Functions whose name says they check a token or a caller: what they return is trusted by whoever calls them. */
const CHECKING_NAME = /^(?:[Vv]erify|[Vv]alidate|[Aa]uthenticate|[Aa]uthori[sz]e|check(?:Auth|Token|Jwt|User|Session|Login|Role|Admin|Permission)|isAuth|isAuthenticated|isLoggedIn|isAdmin|requireAuth|requireUser|requireAdmin|ensureAuth|protect|[Aa]uth(?:Guard|Middleware)?|canActivate|getCurrentUser|currentUser|getUserFromToken|getAuthUser|getSessionUser)(?![a-z])/;

/** Calls on a path that verify a token: a known verifier, or a function whose name says it verifies. */
const VERIFYING_CALL_NAME = /verif|authenticat|jwtVerify/i;

/** What the decoded claims are used for, as the message says it. */
interface Use {
  node: ts.Node;
  what: string;
  confidence: Confidence;
}

export default defineRule({
  meta: {
    id: 'jwt-decode-auth',
    title: 'JWT decoded without verification and trusted for authentication or authorization',
    severity: 'high',
    confidence: 'high',
    controls: JWT_SIGNATURE_CONTROLS,
    docs: {
      description: "Finds server code that decodes a JWT without checking its signature (jsonwebtoken `decode`, jose `decodeJwt`, jwt-decode, @nestjs/jwt `decode`, hono `decode`, jwt-simple with `noVerify`) and then trusts its claims: stores them as the request's user, decides access on them or looks a user up by them, with no verify on that path.",
      remediation: 'Verify the token (`jwt.verify(token, key, { algorithms })`, jose `jwtVerify`, `jwtService.verifyAsync`) and use what the verify returns; keep decode for reading `exp` or the `kid` header.',
    },
  },
  analyses: ['routes'],
  create(ctx) {
    let protectedHandlers: Set<ts.Node> | undefined;
    const isBehindVerifiedAuth = (fn: ts.Node): boolean => {
      protectedHandlers ??= strongAuthHandlers(ctx);
      for (let current: ts.Node | undefined = fn; current; current = current.parent) if (protectedHandlers.has(current)) return true;
      return paramDecoratorOnBehindAuth(ctx, fn, protectedHandlers);
    };
    return {
      enterSourceFile: (file) => !file.path.endsWith('.d.ts') && /decode|jwt|base64|atob/i.test(file.text) && !isClientFile(file),
      nodes: {
        [ts.SyntaxKind.CallExpression]: (node, file) => {
          const call = node as ts.CallExpression;
          const jwtCall = jwtCallOf(ctx, file, call);
          if (jwtCall) {
            if (decodesWithoutVerifying(jwtCall)) checkDecode(ctx, file, { call, token: call.arguments[jwtCall.fn.token ?? 0], label: jwtCall.fn.package }, isBehindVerifiedAuth);
            return;
          }
          const token = handDecodedToken(call, file);
          if (token) checkDecode(ctx, file, { call, token, label: 'the payload segment decoded by hand' }, isBehindVerifiedAuth);
        },
      },
    };
  },
});

/** Client components and browser code: a decode there only shows the user their own claims. */
function isClientFile(file: ScannedSourceFile): boolean {
  const first = file.sourceFile.statements[0];
  return first !== undefined && ts.isExpressionStatement(first) && ts.isStringLiteral(first.expression) && first.expression.text === 'use client';
}

function decodesWithoutVerifying(jwtCall: JwtCall): boolean {
  if (jwtCall.fn.operation === 'decode') return true;
  // jwt-simple `decode(token, key, true)`: the third argument turns the signature check off.
  const index = jwtCall.fn.noVerifyArgument;
  const flag = index === undefined ? undefined : jwtCall.call.arguments[index];
  return flag !== undefined && flag.kind === ts.SyntaxKind.TrueKeyword;
}

/** Route handlers behind a middleware, guard or hook that verifies by library or body evidence (not by its name alone). */
function strongAuthHandlers(ctx: RuleContext): Set<ts.Node> {
  const handlers = new Set<ts.Node>();
  for (const route of ctx.routes) {
    if (!route.handler) continue;
    if (route.middleware.some((middleware) => (middleware.kind === 'auth' || middleware.kind === 'role') && middleware.strength === 'strong' && !middleware.opaque)) handlers.add(route.handler.node);
  }
  return handlers;
}

/**
 * A NestJS parameter decorator (`export const SubscriberSession = createParamDecorator((data, ctx) => {
 * ... jwt.decode(token) ... })`) runs after the route's guards, on the routes whose handlers take a
 * parameter it decorates: when every such route (at least one) is behind a guard that verifies the
 * same bearer token, the decode reads claims already checked. A decorator used on an open route,
 * or on none the scan found, is judged like any other function.
 */
function paramDecoratorOnBehindAuth(ctx: RuleContext, fn: ts.Node, protectedHandlers: ReadonlySet<ts.Node>): boolean {
  const factory = fn.parent;
  if (!factory || !ts.isCallExpression(factory) || !factory.arguments.includes(fn as ts.Expression)) return false;
  const callee = skipOuterExpressions(factory.expression);
  if (!ts.isIdentifier(callee) || callee.text !== 'createParamDecorator') return false;
  const declaration = factory.parent;
  if (!ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name)) return false;
  let used = 0;
  for (const route of ctx.routes) {
    const handler = route.handler?.node;
    if (!handler || !ts.isMethodDeclaration(handler)) continue;
    const file = ctx.modules.fileOf(handler);
    if (!file) continue;
    const takesIt = handler.parameters.some((parameter) =>
      (ts.getDecorators(parameter) ?? []).some((decorator) => {
        const expression = skipOuterExpressions(decorator.expression);
        const name = ts.isCallExpression(expression) ? skipOuterExpressions(expression.expression) : expression;
        if (!ts.isIdentifier(name)) return false;
        const binding = ctx.modules.resolveName(file, name.text);
        return binding?.kind === 'declaration' && binding.node === declaration;
      }),
    );
    if (!takesIt) continue;
    if (!protectedHandlers.has(handler)) return false;
    used += 1;
  }
  return used > 0;
}

/** A decode to judge: the call whose result holds the claims, the token it reads, and what decodes it (a package, or a hand-written decode). */
interface Decode {
  call: ts.CallExpression;
  token: ts.Expression | undefined;
  label: string;
}

function checkDecode(ctx: RuleContext, file: ScannedSourceFile, decode: Decode, isBehindVerifiedAuth: (fn: ts.Node) => boolean): void {
  const call = decode.call;
  const fn = enclosingFunctionLike(call);
  if (!fn) return;
  if (verifiesOnThePath(ctx, file, call, fn)) return;
  if (isBehindVerifiedAuth(fn)) return;
  const uses = usesOfDecoded(call, fn, file);
  if (!uses) return;
  const tokenFromRequest = readsRequestToken(decode.token, fn, file);
  const fnName = functionName(fn);
  const checking = fnName !== undefined && CHECKING_NAME.test(fnName);
  let chosen: Use | undefined = uses.principal[0];
  if (!chosen && tokenFromRequest) chosen = uses.decision[0] ?? uses.lookup[0] ?? uses.returned[0];
  // A function named as a check whose callers trust its answer, wherever the token came from.
  const byName = !chosen && checking;
  if (byName) chosen = uses.returned[0] ?? uses.decision[0];
  if (!chosen) return;
  const callText = call.expression.getText(file.sourceFile).replace(/\s+/g, '');
  const confidence: Confidence = uses.principal.length > 0 || tokenFromRequest ? 'high' : 'medium';
  ctx.report({
    file: file.path,
    start: call.getStart(file.sourceFile),
    end: call.getEnd(),
    confidence,
    message: `${callText}() (${decode.label}) reads the token without checking its signature, and ${chosen.what}${tokenFromRequest ? ', with the token taken from the request' : ''}${byName ? ` in ${fnName}(), whose name says it checks` : ''}: anyone can write a token with any claims. No verify runs on this path.`,
  });
}

function enclosingFunctionLike(node: ts.Node): ts.FunctionLikeDeclaration | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isArrowFunction(current) || ts.isFunctionExpression(current) || ts.isFunctionDeclaration(current) || ts.isMethodDeclaration(current) || ts.isConstructorDeclaration(current)) return current;
  }
  return undefined;
}

function functionName(fn: ts.FunctionLikeDeclaration): string | undefined {
  if (fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
  const parent = fn.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && ts.isIdentifier(parent.name)) return parent.name.text;
  return undefined;
}

/** A verify call in the function or any function around it (decode after verify, or decode of the header before it). */
function verifiesOnThePath(ctx: RuleContext, file: ScannedSourceFile, decode: ts.CallExpression, fn: ts.Node): boolean {
  for (let scope: ts.Node | undefined = fn; scope && !ts.isSourceFile(scope); scope = scope.parent) {
    if (!ts.isFunctionLike(scope)) continue;
    let found = false;
    walkDescendants(scope, (node) => {
      if (found) return false;
      if (node === decode || !ts.isCallExpression(node)) return;
      const jwtCall = jwtCallOf(ctx, file, node);
      if (jwtCall && (jwtCall.fn.operation === 'verify' && !decodesWithoutVerifying(jwtCall))) found = true;
      else if (!jwtCall && VERIFYING_CALL_NAME.test(calleeName(node))) found = true;
      return;
    });
    if (found) return true;
  }
  return false;
}

function calleeName(call: ts.CallExpression): string {
  const callee = skipOuterExpressions(call.expression);
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return '';
}

interface Uses {
  principal: Use[];
  decision: Use[];
  lookup: Use[];
  returned: Use[];
}

/**
 * Where the decoded claims go in the function: the decode itself and every later read of the
 * names it is bound to. Undefined when only `exp`, `iat` or the header is read (refresh
 * scheduling, a `kid` lookup).
 */
function usesOfDecoded(call: ts.CallExpression, fn: ts.FunctionLikeDeclaration, file: ScannedSourceFile): Uses | undefined {
  let value: ts.Node = call;
  while (value.parent && (ts.isParenthesizedExpression(value.parent) || ts.isAsExpression(value.parent) || ts.isNonNullExpression(value.parent) || ts.isAwaitExpression(value.parent) || ts.isTypeAssertionExpression(value.parent) || ts.isSatisfiesExpression(value.parent))) value = value.parent;
  const occurrences: ts.Node[] = [];
  const parent = value.parent;
  if (parent && ts.isVariableDeclaration(parent) && parent.initializer === value) {
    if (ts.isIdentifier(parent.name)) {
      const names = new Set([parent.name.text]);
      // `const user = decoded.user`, `const { id } = decoded`: follow one step of renaming.
      collectOccurrences(fn, names, parent, occurrences, file);
      if (occurrences.length === 0) return undefined;
      const reads = occurrences.map(readProperty);
      if (reads.every((read) => read !== undefined && HARMLESS_READS.has(read))) return undefined;
      // `const user = decoded.username`: follow one step of renaming.
      for (const occurrence of [...occurrences]) {
        const renamed = renamingDeclaration(occurrence);
        if (renamed) collectOccurrences(fn, new Set([renamed.name.text]), renamed, occurrences, file);
      }
    } else if (ts.isObjectBindingPattern(parent.name)) {
      const keys = parent.name.elements.map((element) => (element.propertyName ? propertyNameText(element.propertyName) : ts.isIdentifier(element.name) ? element.name.text : undefined));
      if (keys.every((key) => key !== undefined && HARMLESS_READS.has(key))) return undefined;
      const names = new Set(parent.name.elements.flatMap((element) => (ts.isIdentifier(element.name) ? [element.name.text] : [])));
      collectOccurrences(fn, names, parent, occurrences, file);
    } else return undefined;
  } else {
    const read = readProperty(value);
    if (read !== undefined && HARMLESS_READS.has(read)) return undefined;
    occurrences.push(value);
  }
  const uses: Uses = { principal: [], decision: [], lookup: [], returned: [] };
  for (const occurrence of occurrences) classifyUse(occurrence, file, uses, fn);
  return uses;
}

/** `const user = decoded.username` / `const claims = decoded`: the declaration a read of the claims is renamed by (not a harmless claim). */
function renamingDeclaration(occurrence: ts.Node): (ts.VariableDeclaration & { name: ts.Identifier }) | undefined {
  let value: ts.Node = occurrence;
  const read = readProperty(occurrence);
  if (read !== undefined) {
    if (HARMLESS_READS.has(read)) return undefined;
    value = occurrence.parent;
  }
  const parent = value.parent;
  if (parent && ts.isVariableDeclaration(parent) && parent.initializer === value && ts.isIdentifier(parent.name)) return parent as ts.VariableDeclaration & { name: ts.Identifier };
  return undefined;
}

/** Identifiers named in `names` read inside the function after the declaration (not the declaration itself). */
function collectOccurrences(fn: ts.Node, names: ReadonlySet<string>, declaration: ts.VariableDeclaration, out: ts.Node[], file: ScannedSourceFile): void {
  const after = declaration.getEnd();
  walkDescendants(fn, (node) => {
    if (ts.isIdentifier(node) && names.has(node.text) && node.getStart(file.sourceFile) >= after && !isPropertyName(node)) out.push(node);
  });
}

function isPropertyName(identifier: ts.Identifier): boolean {
  const parent = identifier.parent;
  return (ts.isPropertyAccessExpression(parent) && parent.name === identifier) || (ts.isPropertyAssignment(parent) && parent.name === identifier);
}

/** `decoded.role` -> 'role'; `decoded['role']` -> 'role'; otherwise undefined. */
function readProperty(node: ts.Node): string | undefined {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === node) return parent.name.text;
  if (ts.isElementAccessExpression(parent) && parent.expression === node && ts.isStringLiteralLike(parent.argumentExpression)) return parent.argumentExpression.text;
  return undefined;
}

/** Climbs from one read of the claims to the statement that uses it and says what the use is. */
function classifyUse(occurrence: ts.Node, file: ScannedSourceFile, uses: Uses, fn?: ts.Node): void {
  const shown = (node: ts.Node) => {
    const text = node.getText(file.sourceFile).replace(/\s+/g, ' ');
    return text.length > 70 ? `${text.slice(0, 67)}...` : text;
  };
  let child: ts.Node = occurrence;
  for (let current: ts.Node | undefined = occurrence.parent; current; child = current, current = current.parent) {
    if (ts.isFunctionLike(current) || ts.isBlock(current) || ts.isSourceFile(current)) return;
    if (ts.isBinaryExpression(current) && current.operatorToken.kind === ts.SyntaxKind.EqualsToken && current.right === child) {
      const target = assignedSlot(current.left, file);
      if (PRINCIPAL_SLOT.test(target) && isRequestObject(current.left)) uses.principal.push({ node: current, what: `its claims become the signed-in caller (\`${shown(current)}\`)`, confidence: 'high' });
      return;
    }
    if (ts.isBinaryExpression(current) && isComparison(current.operatorToken.kind)) {
      uses.decision.push({ node: current, what: `its claims decide access (\`${shown(current)}\`)`, confidence: 'high' });
      return;
    }
    if ((ts.isIfStatement(current) || ts.isWhileStatement(current)) && current.expression === child) {
      uses.decision.push({ node: current, what: `its claims decide access (\`if (${shown(child)})\`)`, confidence: 'high' });
      return;
    }
    if (ts.isConditionalExpression(current) && current.condition === child) {
      uses.decision.push({ node: current, what: `its claims decide access (\`${shown(child)} ? ...\`)`, confidence: 'high' });
      return;
    }
    if (ts.isPrefixUnaryExpression(current) && current.operator === ts.SyntaxKind.ExclamationToken) continue;
    // `const params = { Username: user }; new AdminGetUserCommand(params)`: the claims go in a
    // request object built first; its uses are the claims' (one step).
    if (fn && ts.isVariableDeclaration(current) && current.initializer === child && ts.isObjectLiteralExpression(child) && ts.isIdentifier(current.name)) {
      const held: ts.Node[] = [];
      collectOccurrences(fn, new Set([current.name.text]), current, held, file);
      for (const use of held) classifyUse(use, file, uses);
      return;
    }
    // `new GetItemCommand(input)`, `new Query(claims)`: an object built to act on the claims; not a date, error or URL.
    if (ts.isNewExpression(current) && current.arguments?.includes(child as ts.Expression)) {
      const name = ts.isIdentifier(current.expression) ? current.expression.text : ts.isPropertyAccessExpression(current.expression) ? current.expression.name.text : '';
      if (name === '' || /Error$|^(?:Date|URL|URLSearchParams|Map|Set|WeakMap|Array|Promise|RegExp|TextEncoder|TextDecoder|Response|Headers|Buffer)$/.test(name)) return;
      uses.lookup.push({ node: current, what: `its claims are used to look up or act for a user (\`${shown(current)}\`)`, confidence: 'high' });
      return;
    }
    if (ts.isCallExpression(current) && current.arguments.includes(child as ts.Expression)) {
      const name = calleeName(current);
      if (ts.isPropertyAccessExpression(current.expression) && current.expression.name.text === 'set' && isHonoContextSet(current)) {
        uses.principal.push({ node: current, what: `its claims become the signed-in caller (\`${shown(current)}\`)`, confidence: 'high' });
        return;
      }
      if (/^(?:includes|has|some|every|indexOf)$/.test(name)) {
        uses.decision.push({ node: current, what: `its claims decide access (\`${shown(current)}\`)`, confidence: 'high' });
        return;
      }
      if (/^(?:log|info|warn|error|debug|trace|stringify|parse|json|send|status)$/.test(name)) return;
      uses.lookup.push({ node: current, what: `its claims are used to look up or act for a user (\`${shown(current)}\`)`, confidence: 'high' });
      return;
    }
    if (ts.isReturnStatement(current) || (ts.isArrowFunction(current.parent) && current.parent.body === current)) {
      uses.returned.push({ node: current, what: `its claims are returned as the caller's identity (\`${shown(current)}\`)`, confidence: 'medium' });
      return;
    }
  }
}

/**
 * The object a slot is set on is the request a server hands in: a parameter of a function around
 * (`(req, res, next)`, `async (ctx, next)`), or a local taken from a Nest context (`getRequest()`).
 * A browser's `context.user = ...` in a React provider is neither.
 */
function isRequestObject(left: ts.Expression): boolean {
  let root: ts.Expression = skipOuterExpressions(left);
  while (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root)) root = skipOuterExpressions(root.expression);
  if (!ts.isIdentifier(root)) return false;
  const name = root.text;
  const local = localDeclaration(root);
  if (local) return local.initializer !== undefined && /getRequest\s*\(|switchToHttp|getContext\s*\(/.test(local.initializer.getText());
  for (let current: ts.Node | undefined = root.parent; current; current = current.parent) {
    if (ts.isFunctionLike(current) && current.parameters.some((parameter) => bindsParameter(parameter.name, name))) return true;
  }
  return false;
}

function bindsParameter(name: ts.BindingName, text: string): boolean {
  if (ts.isIdentifier(name)) return name.text === text;
  return name.elements.some((element) => !ts.isOmittedExpression(element) && bindsParameter(element.name, text));
}

/** `req.user`, also written `(req as any).user` or `req['user']`: the object's text without casts, then the property. */
function assignedSlot(left: ts.Expression, file: ScannedSourceFile): string {
  const target = skipOuterExpressions(left);
  const object = ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target) ? skipOuterExpressions(target.expression) : undefined;
  const property = ts.isPropertyAccessExpression(target) ? target.name.text : ts.isElementAccessExpression(target) && ts.isStringLiteralLike(target.argumentExpression) ? target.argumentExpression.text : undefined;
  if (!object || property === undefined) return target.getText(file.sourceFile).replace(/\s+/g, '');
  return `${object.getText(file.sourceFile).replace(/\s+/g, '')}.${property}`;
}

function isComparison(kind: ts.SyntaxKind): boolean {
  return (
    kind === ts.SyntaxKind.EqualsEqualsEqualsToken ||
    kind === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
    kind === ts.SyntaxKind.EqualsEqualsToken ||
    kind === ts.SyntaxKind.ExclamationEqualsToken
  );
}

/** Hono `c.set('user', payload)`. */
function isHonoContextSet(call: ts.CallExpression): boolean {
  const key = call.arguments[0];
  return key !== undefined && ts.isStringLiteralLike(key) && HONO_PRINCIPAL_KEYS.has(key.text);
}

/** Whether the token argument (or the locals it is built from) reads the request. */
function readsRequestToken(token: ts.Expression | undefined, fn: ts.Node, file: ScannedSourceFile, depth = 0): boolean {
  if (!token || depth > 4) return false;
  const text = token.getText(file.sourceFile);
  if (REQUEST_TOKEN.test(text)) return true;
  let found = false;
  walkDescendants(token, (node) => {
    if (found) return false;
    if (!ts.isIdentifier(node) || isPropertyName(node)) return;
    const declaration = localDeclaration(node);
    if (declaration?.initializer && readsRequestToken(declaration.initializer, fn, file, depth + 1)) found = true;
    return;
  });
  return found;
}

/**
 * `JSON.parse(<base64 decode of token.split('.')[1]>)`, each step possibly held in a local
 * (`const parts = auth.split('.'); const text = base64url.decode(parts[1]); JSON.parse(text)`):
 * a JWT's claims read with no signature check. Returns the token the segment was cut from.
 */
function handDecodedToken(call: ts.CallExpression, file: ScannedSourceFile): ts.Expression | undefined {
  if (call.expression.getText(file.sourceFile).replace(/\s+/g, '') !== HAND_DECODED_JWT.parser) return undefined;
  const decoded = throughLocals(call.arguments[0], (expression) => base64DecodedArgument(expression));
  if (!decoded) return undefined;
  return throughLocals(decoded, payloadSegmentOf);
}

/** Applies `match` to an expression, or to the initializer of the local it names (a few steps). */
function throughLocals<T>(expression: ts.Expression | undefined, match: (expression: ts.Expression) => T | undefined, depth = 0): T | undefined {
  if (!expression || depth > 3) return undefined;
  const inner = skipOuterExpressions(expression);
  const found = match(inner);
  if (found !== undefined) return found;
  if (ts.isIdentifier(inner)) {
    const local = localDeclaration(inner);
    if (local?.initializer && ts.isIdentifier(local.name)) return throughLocals(local.initializer, match, depth + 1);
  }
  return undefined;
}

/** The text a base64 decoder decodes: `Buffer.from(x, 'base64').toString()`, `atob(x)`, `base64url.decode(x)`. */
function base64DecodedArgument(expression: ts.Expression): ts.Expression | undefined {
  let current = expression;
  // `.toString()` / `.toString('utf8')` on a Buffer.
  if (ts.isCallExpression(current) && ts.isPropertyAccessExpression(current.expression) && current.expression.name.text === 'toString') current = skipOuterExpressions(current.expression.expression);
  if (!ts.isCallExpression(current) || current.arguments.length === 0) return undefined;
  const callee = skipOuterExpressions(current.expression);
  const path = callee.getText().replace(/\s+/g, '');
  const encoding = current.arguments[1];
  if (path === 'Buffer.from') return encoding && ts.isStringLiteralLike(encoding) && HAND_DECODED_JWT.bufferEncodings.includes(encoding.text) ? current.arguments[0] : undefined;
  if (ts.isIdentifier(callee) && HAND_DECODED_JWT.globalDecoders.includes(callee.text)) return current.arguments[0];
  if (HAND_DECODED_JWT.decoderPathWords.every((word) => word.test(path))) return current.arguments[0];
  return undefined;
}

/** `token.split('.')[1]`, or `parts[1]` of `const parts = token.split('.')`, or `payload` of `const [, payload] = token.split('.')`: the token. */
function payloadSegmentOf(expression: ts.Expression): ts.Expression | undefined {
  if (ts.isElementAccessExpression(expression) && ts.isNumericLiteral(expression.argumentExpression) && Number(expression.argumentExpression.text) === HAND_DECODED_JWT.payloadSegment) {
    return throughLocals(expression.expression, splitReceiver);
  }
  if (ts.isIdentifier(expression)) {
    const local = localDeclaration(expression);
    if (!local?.initializer || !ts.isArrayBindingPattern(local.name)) return undefined;
    const element = local.name.elements[HAND_DECODED_JWT.payloadSegment];
    if (element && ts.isBindingElement(element) && ts.isIdentifier(element.name) && element.name.text === expression.text) return splitReceiver(local.initializer);
  }
  return undefined;
}

/** `token.split('.')` -> token. */
function splitReceiver(expression: ts.Expression): ts.Expression | undefined {
  const inner = skipOuterExpressions(expression);
  if (!ts.isCallExpression(inner) || !ts.isPropertyAccessExpression(inner.expression) || inner.expression.name.text !== 'split') return undefined;
  const separator = inner.arguments[0];
  return separator && ts.isStringLiteralLike(separator) && separator.text === HAND_DECODED_JWT.segmentSeparator ? inner.expression.expression : undefined;
}
