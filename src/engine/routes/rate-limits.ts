/**
 * Which rate limiters apply to a route, and what each one counts requests by. Shared by the
 * missing-rate-limit rule and `trustscan flows` (which shows each step's limiter).
 *
 * Middleware the route engine already classified as `rate-limit` (route, router/controller/plugin,
 * global) is read again here only to find its key; limiters that run inside the handler (or one
 * or two calls down) and NestJS `@Throttle()` are found here.
 */
import { ts } from '#typescript';
import { nameWords } from '../text.js';
import type { ScannedSourceFile } from '../../types.js';
import { bindingValue, calledFunctions, type ModuleIndex, type ResolvedFunction, resolveFunction } from '../names/index.js';
import { nodePosition, propertyNameText, propertyValue, returnedExpressions, skipOuterExpressions } from '../ast/syntax.js';
import { guardClassOf, locateMiddleware, middlewareLine, middlewareName, visitLine, type GuardClass } from './classify-middleware.js';
import type { RateLimitKey, Route, RouteMiddleware } from './route.js';
import { matchingRateLimiter, type RateLimiterModel } from '../models.js';
import { IP_DEFAULT_RATE_LIMITERS, NEST_THROTTLER, RATE_LIMIT_KEY_OPTIONS, RATE_LIMITER_PACKAGE_NAMES, RATE_LIMITER_PACKAGES } from '../../models/rate-limiters.js';

export type { RateLimitKey } from './route.js';

export interface RateLimitEvidence {
  /** As written: `loginLimiter`, `ThrottlerGuard`, `@Throttle({ ... })`, `limiter.consume(req.ip)`. */
  name: string;
  /** Where it applies: middleware scopes, or `handler` for a limiter the handler (or a function it calls) consumes. */
  scope: RouteMiddleware['scope'] | 'handler';
  file: string;
  line: number;
  keyedBy: RateLimitKey;
  /** Why it counts, e.g. "express-rate-limit" or "rate-limiter-flexible consume in handler". */
  evidence: string;
}

/** The methods a handler consumes a package's limiter object with (`consume`, `limit`, `protect`). */
const CONSUME_METHODS: ReadonlySet<string> = new Set(RATE_LIMITER_PACKAGES.flatMap((entry) => (entry.consumedWith ? [entry.consumedWith] : [])));
/** The method each package's limiter objects are consumed with. */
const CONSUMED_WITH: ReadonlyMap<string, string> = new Map(RATE_LIMITER_PACKAGES.flatMap((entry) => (entry.consumedWith ? [[entry.package, entry.consumedWith] as const] : [])));

/**
 * A key is per user or account when it reads the principal, a session or an account identifier;
 * per IP when it reads the client address. Matched as whole words in the key expression.
 */
const USER_KEY =
  /\b(?:user|users|userId|user_id|uid|sub|account|accountId|account_id|session|sessionId|sid|email|username|phone|phoneNumber|tenant|tenantId|organizationId|orgId|teamId|workspaceId|apiKey|api_key|customer|customerId|member|memberId|principal|jwtPayload|auth)\b/;
const IP_KEY =
  /\b(?:ip|ips|remoteAddress|clientIp|getClientIp|requestIp|ipKeyGenerator|x-forwarded-for|x-real-ip|cf-connecting-ip|true-client-ip|getConnInfo|remote_addr|remoteAddr)\b/i;
/** A key the request itself names (`req.body.email`, `input.username`): an anonymous caller has it too. */
const NAMED_ACCOUNT_KEY = /\b(?:body|query|params|input|args|email|username|phone|phoneNumber)\b/;
/** Receiver names that say "limiter" when the object's construction cannot be followed. */
const LIMITER_NAME = /\b(?:rate ?limit(?:er)?s?|limiters?|throttlers?|rl|aj|arcjet|brute(?:force)?)\b/;

/** `rateLimiters`: the project's declared limiters (config `rateLimiters` and `models` of kind rate-limiter, engine/models.ts). */
export function routeRateLimits(modules: ModuleIndex, route: Route, rateLimiters: readonly RateLimiterModel[]): RateLimitEvidence[] {
  const found: RateLimitEvidence[] = [];
  for (const middleware of route.middleware) {
    if (middleware.kind !== 'rate-limit') continue;
    // A limiter that waves signed-in callers through here limits none of an authenticated route's callers.
    if (middleware.exemptsSignedIn && route.auth === 'authenticated') continue;
    found.push({
      name: middleware.name,
      scope: middleware.scope,
      file: middleware.file,
      line: middleware.line,
      keyedBy: middlewareKey(modules, middleware),
      evidence: middleware.evidence,
    });
  }
  found.push(...throttleDecorators(modules, route, found));
  const handler = route.handler && modules.fileOf(route.handler.node);
  if (route.handler && handler) {
    found.push(...handlerLimiters(modules, { file: handler, node: route.handler.node, name: route.handler.name }, rateLimiters));
  }
  return found;
}

// --- middleware ---------------------------------------------------------------------------

function middlewareKey(modules: ModuleIndex, middleware: RouteMiddleware): RateLimitKey {
  if (middleware.rateLimitKey) return middleware.rateLimitKey;
  const located = limiterExpression(modules, middleware);
  if (located) {
    const key = limiterKey(modules, located.file, located.node, 0);
    if (key) return key;
  }
  const module = /^(@?[\w./-]+)/.exec(middleware.evidence)?.[1];
  return module && IP_DEFAULT_RATE_LIMITERS.has(module) ? 'ip' : 'unknown';
}

/** The middleware's expression, or Fastify's `config: { rateLimit: {...} }` (described as `config.rateLimit`) on its line. */
function limiterExpression(modules: ModuleIndex, middleware: RouteMiddleware): { file: ScannedSourceFile; node: ts.Node } | undefined {
  const located = locateMiddleware(modules, middleware);
  if (located) return located;
  const line = middlewareLine(modules, middleware);
  if (!line) return undefined;
  let rateLimitProperty: ts.Node | undefined;
  visitLine(line, (node) => {
    if (ts.isPropertyAssignment(node) && propertyNameText(node.name) === 'rateLimit') rateLimitProperty = node.initializer;
    return rateLimitProperty !== undefined;
  });
  return rateLimitProperty && { file: line.file, node: rateLimitProperty };
}

/**
 * What a limiter expression counts by: a package call's key option (or the package default), a
 * Nest guard's `getTracker`, a project middleware's `consume(key)`. Undefined when nothing is known.
 */
function limiterKey(modules: ModuleIndex, file: ScannedSourceFile, node: ts.Node, depth: number): RateLimitKey | undefined {
  if (depth > 4) return undefined;
  if (!ts.isExpression(node)) return undefined;
  const value = skipOuterExpressions(node);

  if (ts.isObjectLiteralExpression(value)) return keyFromOptions(modules, file, value) ?? 'ip'; // Fastify route config.rateLimit

  const guard = guardClassOf(modules, file, value);
  if (guard) {
    const tracker = trackerKey(modules, guard);
    if (tracker) return tracker;
  }

  const root = rootName(value);
  const binding = root ? modules.resolveName(file, root) : undefined;
  if (binding?.kind === 'external' && RATE_LIMITER_PACKAGE_NAMES.has(binding.module)) {
    const options = optionsOf(modules, file, value);
    const configured = options && keyFromOptions(modules, options.file, options.node);
    if (configured) return configured;
    return IP_DEFAULT_RATE_LIMITERS.has(binding.module) ? 'ip' : 'unknown';
  }
  if (ts.isIdentifier(value) && binding?.kind === 'declaration') {
    const target = bindingValue(binding);
    if (target && ts.isExpression(target) && !isFunctionNode(target)) return limiterKey(modules, binding.file, target, depth + 1);
  }
  // A project middleware or factory: read its body for the limiter it consumes.
  const fn = ts.isCallExpression(value) ? resolveFunction(modules, file, value.expression) : resolveFunction(modules, file, value);
  if (fn) {
    const inside = consumedLimiters(modules, [fn, ...calledFunctions(modules, fn, 8)], []);
    const keys = inside.map((limiter) => limiter.keyedBy);
    if (keys.length) return strongestKey(keys);
    const returned = fn.node.body && !ts.isBlock(fn.node.body) ? fn.node.body : returnedExpression(fn.node.body);
    if (returned && !isFunctionNode(skipOuterExpressions(returned))) return limiterKey(modules, fn.file, returned, depth + 1);
  }
  return undefined;
}

/** `keyGenerator: (req) => req.user.id`, koa-ratelimit `id: (ctx) => ctx.ip`, Arcjet `characteristics: ['userId']`. */
function keyFromOptions(modules: ModuleIndex, file: ScannedSourceFile, options: ts.ObjectLiteralExpression): RateLimitKey | undefined {
  for (const name of RATE_LIMIT_KEY_OPTIONS) {
    const option = propertyValue(options, name);
    if (option) return keyOfKeyFunction(modules, file, option);
    const method = options.properties.find((property) => ts.isMethodDeclaration(property) && propertyNameText(property.name) === name);
    if (method && ts.isMethodDeclaration(method) && method.body) return keyOfText(method.body.getText(file.sourceFile));
  }
  return undefined;
}

function keyOfKeyFunction(modules: ModuleIndex, file: ScannedSourceFile, option: ts.Expression): RateLimitKey {
  const fn = resolveFunction(modules, file, option);
  const text = fn?.node.body ? fn.node.body.getText(fn.node.getSourceFile()) : option.getText(file.sourceFile);
  return keyOfText(text);
}

/** The options object of a limiter: `rateLimit({...})`, `new RateLimiterRedis({...})`, `fastify.register(rateLimit, {...})`. */
function optionsOf(modules: ModuleIndex, file: ScannedSourceFile, value: ts.Expression): { file: ScannedSourceFile; node: ts.ObjectLiteralExpression } | undefined {
  const call = ts.isCallExpression(value) || ts.isNewExpression(value) ? value : ts.isCallExpression(value.parent) && value.parent.arguments.includes(value) ? value.parent : undefined;
  for (const argument of call?.arguments ?? []) {
    if (argument === value) continue;
    const object = objectLiteral(modules, file, argument);
    if (object) return object;
  }
  return undefined;
}

function objectLiteral(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression): { file: ScannedSourceFile; node: ts.ObjectLiteralExpression } | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isObjectLiteralExpression(value)) return { file, node: value };
  if (!ts.isIdentifier(value)) return undefined;
  const binding = modules.resolveName(file, value.text);
  const target = bindingValue(binding);
  return binding?.kind === 'declaration' && target && ts.isObjectLiteralExpression(target) ? { file: binding.file, node: target } : undefined;
}

/**
 * A Nest throttler guard: `getTracker` overridden (in the class or a local base) decides the key;
 * ThrottlerGuard's own is the IP. A `handleRequest` overridden without asking for the tracker
 * (`super.handleRequest`, `this.getTracker`) counts by whatever it reads itself (novu's
 * ApiRateLimitInterceptor evaluates the limit per organization and environment).
 */
function trackerKey(modules: ModuleIndex, start: GuardClass): RateLimitKey | undefined {
  let current: GuardClass | undefined = start;
  for (let depth = 0; current && depth < 5; depth++) {
    for (const member of current.node.members) {
      if (!ts.isMethodDeclaration(member) || !member.body || !member.name) continue;
      const name = propertyNameText(member.name);
      if (name === NEST_THROTTLER.trackerMethod) return guardKeyOfText(member.body.getText(current.file.sourceFile));
      if (name === NEST_THROTTLER.requestMethod) {
        const body = member.body.getText(current.file.sourceFile);
        const asksTracker = new RegExp(`\\b(?:super\\s*\\.\\s*${NEST_THROTTLER.requestMethod}|${NEST_THROTTLER.trackerMethod})\\s*\\(`).test(body);
        if (!asksTracker) return guardKeyOfText(body);
      }
    }
    const base = current.node.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
    if (!base) return undefined;
    const baseRoot = rootName(base);
    const binding = baseRoot ? modules.resolveName(current.file, baseRoot) : undefined;
    if (binding?.kind === 'external') return binding.module === NEST_THROTTLER.package ? 'ip' : undefined;
    current = guardClassOf(modules, current.file, base);
  }
  return undefined;
}

// --- NestJS @Throttle ----------------------------------------------------------------------

/** `@Throttle()` on the handler method or its controller, unless `@SkipThrottle()` turns the throttler off there. */
function throttleDecorators(modules: ModuleIndex, route: Route, middlewareLimits: readonly RateLimitEvidence[]): RateLimitEvidence[] {
  const method = route.handler?.node;
  if (!method || !ts.isMethodDeclaration(method) || !ts.isClassLike(method.parent)) return [];
  const file = modules.fileOf(method);
  if (!file) return [];
  const throttles: Array<{ decorator: ts.Decorator; scope: 'route' | 'router' }> = [];
  // The method's @SkipThrottle wins over the controller's (Reflector.getAllAndOverride).
  const skips: Partial<Record<'route' | 'router', boolean>> = {};
  for (const [node, scope] of [[method, 'route'], [method.parent, 'router']] as const) {
    for (const decorator of ts.getDecorators(node) ?? []) {
      const name = throttlerDecorator(modules, file, decorator);
      if (name === NEST_THROTTLER.limitDecorator) throttles.push({ decorator, scope });
      else if (name === NEST_THROTTLER.skipDecorator) skips[scope] = !reenables(decorator);
    }
  }
  const skipped = skips.route ?? skips.router ?? false;
  if (skipped) return [];
  const guardKey = middlewareLimits.find((limit) => limit.evidence.includes(NEST_THROTTLER.package) || limit.evidence.includes(NEST_THROTTLER.guard))?.keyedBy;
  return throttles.map(({ decorator, scope }) => ({
    name: `@${middlewareName(decorator.expression)}`,
    scope,
    file: file.path,
    line: nodePosition(decorator).line,
    keyedBy: guardKey ?? 'ip',
    evidence: `${NEST_THROTTLER.package} @${NEST_THROTTLER.limitDecorator}`,
  }));
}

function throttlerDecorator(modules: ModuleIndex, file: ScannedSourceFile, decorator: ts.Decorator): string | undefined {
  const expression = decorator.expression;
  const callee = ts.isCallExpression(expression) ? expression.expression : expression;
  if (!ts.isIdentifier(callee)) return undefined;
  const binding = modules.resolveName(file, callee.text);
  return binding?.kind === 'external' && binding.module === NEST_THROTTLER.package ? binding.importedName : undefined;
}

/** `@SkipThrottle({ default: false })` turns the throttler back on. */
function reenables(decorator: ts.Decorator): boolean {
  const expression = decorator.expression;
  const first = ts.isCallExpression(expression) ? expression.arguments[0] : undefined;
  return first !== undefined && ts.isObjectLiteralExpression(first) && /:\s*false\b/.test(first.getText());
}

// --- limiters inside the handler -----------------------------------------------------------

/** Limiters consumed in the handler or up to two calls down, and the project's declared limiters called there. */
function handlerLimiters(modules: ModuleIndex, handler: ResolvedFunction, rateLimiters: readonly RateLimiterModel[]): RateLimitEvidence[] {
  const functions = [handler];
  for (const callee of calledFunctions(modules, handler)) {
    functions.push(callee);
    for (const deeper of calledFunctions(modules, callee, 10)) if (!functions.some((known) => known.node === deeper.node)) functions.push(deeper);
  }
  const found: RateLimitEvidence[] = consumedLimiters(modules, functions, rateLimiters).map((limiter) => ({ ...limiter, scope: 'handler' }));
  const lockout = failedAttemptLockout(functions);
  if (lockout) found.push(lockout);
  const refused = tooManyRequestsRefusal(functions);
  if (refused) found.push(refused);
  return found;
}

/**
 * A hand-written limit: an `if` that compares a count with a number and answers 429
 * (`const recent = await prisma.token.count({ where: { identifier: email, createdAt: { gt } } });
 * if (recent >= 4) return res.status(429)...`), keyed by whatever the count is filtered by (custom).
 */
function tooManyRequestsRefusal(functions: readonly ResolvedFunction[]): RateLimitEvidence | undefined {
  for (const fn of functions) {
    if (!fn.node.body) continue;
    let found: ts.IfStatement | undefined;
    const visit = (node: ts.Node): void => {
      if (found) return;
      if (ts.isIfStatement(node) && TOO_MANY_REQUESTS.test(node.thenStatement.getText()) && comparesWithNumber(node.expression)) {
        found = node;
        return;
      }
      ts.forEachChild(node, visit);
    };
    visit(fn.node.body);
    if (found) return { name: '429 answer', scope: 'handler', file: fn.file.path, line: nodePosition(found).line, keyedBy: 'custom', evidence: `a count compared and answered with 429 in ${fn.name}` };
  }
  return undefined;
}

function comparesWithNumber(condition: ts.Expression): boolean {
  const value = skipOuterExpressions(condition);
  if (!ts.isBinaryExpression(value)) return false;
  const kind = value.operatorToken.kind;
  if (kind === ts.SyntaxKind.AmpersandAmpersandToken || kind === ts.SyntaxKind.BarBarToken) return comparesWithNumber(value.left) || comparesWithNumber(value.right);
  const ordering = [ts.SyntaxKind.GreaterThanToken, ts.SyntaxKind.GreaterThanEqualsToken, ts.SyntaxKind.LessThanToken, ts.SyntaxKind.LessThanEqualsToken].includes(kind);
  return ordering && [value.left, value.right].some((side) => ts.isNumericLiteral(skipOuterExpressions(side)) || ts.isIdentifier(skipOuterExpressions(side)) || ts.isPropertyAccessExpression(skipOuterExpressions(side)));
}

/** A lock state or a cap on attempts: `lockedUntil`, `isAccountLocked`, `lockoutSeconds`, `MAX_LOGIN_ATTEMPTS`, `failureLimit`. */
const LOCKOUT_WORDS = /\b(?:locked|lockout|lock until|lock out)\b|\b(?:failure|failures|attempt|attempts) limit\b|\bmax (?:\w+ )?(?:attempts|failures|tries|try count)\b/;
/** Failed attempts being counted: `recordFailedAuthBucket`, `failedLoginCount`, `loginAttempts`, `incLoginAttempts`. */
const FAILED_ATTEMPT_WORDS = /\bfail(?:ed|ure|ures)? (?:\w+ )?(?:attempts?|logins?|auth|count|bucket|buckets)\b|\b(?:login|auth|sign in|signin|password) attempts?\b|\btry count\b/;
/**
 * A refusal worded as the count exceeded (`'session.verification_blocked_too_many_attempts'`,
 * `'verification_code.exceed_max_try'`, 'Too many failed attempts'): attempts are counted and the
 * request is turned away past a limit, whoever counts them (a security sentinel the project asks).
 */
const ATTEMPTS_EXCEEDED = /\btoo many (?:\w+ )?(?:attempts|tries|failures|retries)\b|\bexceed(?:s|ed)? (?:the )?max(?:imum)? (?:\w+ )?(?:try|tries|attempts|retries)\b/;

/**
 * A hand-written lockout in the handler or the functions it calls: it counts failed attempts and
 * refuses while an account (or address) is locked (`recordFailedAuthBucket(...)` then
 * `isAccountLocked({ lockedUntil })`, Mongoose's `loginAttempts`/`lockUntil`). It caps guesses
 * per account the way a limiter keyed by account does. Both halves must be there: a lock flag
 * alone (`user.locked`) is an admin switch, and a failure counter alone refuses nothing.
 */
function failedAttemptLockout(functions: readonly ResolvedFunction[]): RateLimitEvidence | undefined {
  let lock: { fn: ResolvedFunction; node: ts.Node; name: string } | undefined;
  let counted = false;
  for (const fn of functions) {
    if (!fn.node.body) continue;
    const visit = (node: ts.Node): void => {
      if (lock && counted) return;
      if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) {
        const words = nameWords(node.text).join(' ');
        if (!lock && LOCKOUT_WORDS.test(words)) lock = { fn, node, name: node.text };
        if (FAILED_ATTEMPT_WORDS.test(words)) counted = true;
      } else if (ts.isStringLiteralLike(node) && ATTEMPTS_EXCEEDED.test(nameWords(node.text).join(' ')) && refusedWith(node)) {
        lock = { fn, node, name: node.text };
        counted = true;
      }
      ts.forEachChild(node, visit);
    };
    visit(fn.node.body);
    if (lock && counted) break;
  }
  if (!lock || !counted) return undefined;
  return { name: lock.name, scope: 'handler', file: lock.fn.file.path, line: nodePosition(lock.node).line, keyedBy: 'user', evidence: `failed-attempt lockout in handler (${lock.name})` };
}

/** A string the code throws or answers with: in a `throw`, an error's construction, or a response. */
function refusedWith(literal: ts.Node): boolean {
  for (let current = literal.parent; current && !ts.isBlock(current) && !ts.isSourceFile(current); current = current.parent) {
    if (ts.isThrowStatement(current) || ts.isNewExpression(current) || ts.isReturnStatement(current)) return true;
  }
  return false;
}

function consumedLimiters(modules: ModuleIndex, functions: readonly ResolvedFunction[], rateLimiters: readonly RateLimiterModel[]): RateLimitEvidence[] {
  const found: RateLimitEvidence[] = [];
  // The handler (or a function it calls) answers 429: what a project's own limiter object reports is turned into a refusal.
  const answers429 = functions.some((fn) => fn.node.body !== undefined && TOO_MANY_REQUESTS.test(fn.node.body.getText(fn.node.getSourceFile())));
  for (const fn of functions) {
    if (!fn.node.body) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const limiter = consumedLimiter(modules, fn.file, node, rateLimiters, answers429);
        if (limiter) found.push(limiter);
      }
      ts.forEachChild(node, visit);
    };
    visit(fn.node.body);
  }
  return found;
}

function consumedLimiter(modules: ModuleIndex, file: ScannedSourceFile, call: ts.CallExpression, rateLimiters: readonly RateLimiterModel[], answers429 = false): RateLimitEvidence | undefined {
  const callee = skipOuterExpressions(call.expression);
  const site = { name: middlewareName(call), scope: 'handler' as const, file: file.path, line: nodePosition(call).line };
  const calleeName = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
  const declared = matchingRateLimiter(rateLimiters, modules, file, call.expression, calleeName ? [calleeName] : []);
  if (declared) {
    return { ...site, keyedBy: argumentsKey(call) ?? 'unknown', evidence: `${calleeName ?? middlewareName(call.expression)} declared in ${declared.label}` };
  }
  // `await enforceLoginRateLimit({ ip })`: the project's own limiter, named so, that answers 429 itself.
  if (calleeName && PROJECT_LIMITER_NAME.test(calleeName) && answersTooManyRequests(modules, file, call)) {
    return { ...site, keyedBy: argumentsKey(call) ?? 'unknown', evidence: `${calleeName}() in handler, a project limiter that answers 429` };
  }
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  if (!CONSUME_METHODS.has(method)) return projectLimiterCheck(modules, file, call, callee, site, answers429);
  const origin = limiterOrigin(modules, file, callee.expression);
  if (!origin) return undefined;
  // A package's limiter answers to its own method; a receiver known only by its name (`limiter.consume(key)`)
  // counts for consume() and limit(), not for Arcjet's protect(), which other SDKs share.
  if (origin.module !== undefined ? CONSUMED_WITH.get(origin.module) !== method : method === 'protect') return undefined;
  // `ratelimit.limit(id)` and `aj.protect(req)` only answer; a result nobody reads limits nothing.
  if (method !== 'consume' && !resultIsRead(call)) return undefined;
  const keyedBy = method === 'protect' ? arcjetKey(modules, origin) : (call.arguments[0] && argumentKey(call.arguments[0])) ?? 'unknown';
  return { ...site, keyedBy, evidence: `${origin.module ?? `named ${origin.name}`} ${method}() in handler` };
}

/** Methods a project's own limiter object is asked with: `loginRateLimit.check({ ip, identifier })`, `limiter.hit(key)`. */
const PROJECT_LIMITER_METHODS: ReadonlySet<string> = new Set(['check', 'hit', 'take', 'attempt', 'consume', 'limit', 'isLimited', 'isRateLimited']);

/**
 * `const result = await resetPasswordRateLimit.check({ ip, identifier: token })` on a limiter the project
 * made itself (`createRateLimit({ action, max, window })`, known by its name), whose answer the handler
 * reads and turns into a 429 (`if (rateLimitResponse(c, result)) throw new HTTPException(429, ...)`).
 */
function projectLimiterCheck(modules: ModuleIndex, file: ScannedSourceFile, call: ts.CallExpression, callee: ts.PropertyAccessExpression, site: { name: string; scope: 'handler'; file: string; line: number }, answers429: boolean): RateLimitEvidence | undefined {
  const method = callee.name.text;
  if (!answers429 || !PROJECT_LIMITER_METHODS.has(method) || !resultIsRead(call)) return undefined;
  const origin = limiterOrigin(modules, file, callee.expression);
  if (!origin || origin.module !== undefined) return undefined;
  return { ...site, keyedBy: (call.arguments[0] && argumentKey(call.arguments[0])) ?? 'unknown', evidence: `${origin.name}.${method}() in handler, a project limiter whose answer the handler turns into a 429` };
}

/**
 * A function named for applying a rate limit (`enforceBookingRateLimit`, `checkRateLimit`, `rateLimitLogin`,
 * `throttleLogin`), not for handling one a provider answered (`recordRateLimitFromApiError`, `isRateLimitError`).
 */
const PROJECT_LIMITER_NAME = /^(?:enforce|check|apply|consume|assert|require|guard)\w*(?:RateLimit|Throttle)\w*$|^(?:rateLimit|throttle)(?!\w*(?:Error|Exception|Response|Status))\w*$/;
/** 429 Too Many Requests, as a number, a phrase or a constant. */
const TOO_MANY_REQUESTS = /\b429\b|Too ?Many ?Requests|TOO_MANY_REQUESTS/;

/**
 * The project function a call runs answers 429 itself, in its body or in a function it calls
 * (throws `new SafeError(msg, 429)`, returns a 429 response): a limiter that turns the caller away.
 */
export function answersTooManyRequests(modules: ModuleIndex, file: ScannedSourceFile, call: ts.CallExpression): boolean {
  const limiter = resolveFunction(modules, file, call.expression);
  if (!limiter?.node.body) return false;
  return [limiter, ...calledFunctions(modules, limiter)].some((fn) => fn.node.body !== undefined && TOO_MANY_REQUESTS.test(fn.node.body.getText(fn.node.getSourceFile())));
}

/** Where a limiter object comes from: a package (followed through `const limiter = new RateLimiterRedis(...)`), or only its name. */
function limiterOrigin(modules: ModuleIndex, file: ScannedSourceFile, receiver: ts.Expression): { module?: string; name: string; init?: { file: ScannedSourceFile; node: ts.Expression } } | undefined {
  const value = skipOuterExpressions(receiver);
  // `ratelimit(1, '30 s').limit(key)`: a project factory that builds a package's limiter per call (Upstash's
  // `new Ratelimit({ redis, limiter: Ratelimit.slidingWindow(requests, window) })` in lib/redis).
  if (ts.isCallExpression(value)) return factoryLimiterOrigin(modules, file, value);
  const name = ts.isIdentifier(value) ? value.text : ts.isPropertyAccessExpression(value) ? value.name.text : undefined;
  if (!name) return undefined;
  let current: { file: ScannedSourceFile; node: ts.Expression } = { file, node: value };
  for (let depth = 0; depth < 4; depth++) {
    const root = rootName(current.node);
    const binding = root ? modules.resolveName(current.file, root) : undefined;
    if (binding?.kind === 'external') return RATE_LIMITER_PACKAGE_NAMES.has(binding.module) ? { module: binding.module, name, init: current } : undefined;
    const target = binding?.kind === 'declaration' ? bindingValue(binding) : undefined;
    if (!binding || binding.kind !== 'declaration' || !target || !ts.isExpression(target) || isFunctionNode(target)) break;
    current = { file: binding.file, node: target };
  }
  return LIMITER_NAME.test(words(name)) ? { name } : undefined;
}

/** The limiter a project function returns (`return new Ratelimit({...})`), or one it is named for. */
function factoryLimiterOrigin(modules: ModuleIndex, file: ScannedSourceFile, call: ts.CallExpression): { module?: string; name: string; init?: { file: ScannedSourceFile; node: ts.Expression } } | undefined {
  const factory = resolveFunction(modules, file, call.expression);
  const name = factory?.name.split('.').at(-1) ?? middlewareName(call.expression);
  for (const returned of factory?.node.body ? returnedExpressions(factory.node.body) : []) {
    const made = skipOuterExpressions(returned);
    const root = ts.isNewExpression(made) ? rootName(made.expression) : undefined;
    const binding = root ? modules.resolveName(factory!.file, root) : undefined;
    if (binding?.kind === 'external' && RATE_LIMITER_PACKAGE_NAMES.has(binding.module)) return { module: binding.module, name, init: { file: factory!.file, node: made } };
  }
  return LIMITER_NAME.test(words(name)) ? { name } : undefined;
}

/** Arcjet counts by IP unless the client was created with `characteristics` (e.g. `["userId"]`). */
function arcjetKey(modules: ModuleIndex, origin: { init?: { file: ScannedSourceFile; node: ts.Expression } }): RateLimitKey {
  if (!origin.init) return 'unknown';
  const text = origin.init.node.getText(origin.init.file.sourceFile);
  const characteristics = /characteristics\s*:\s*\[([^\]]*)\]/.exec(text)?.[1];
  return characteristics === undefined ? 'ip' : keyOfText(characteristics);
}

function resultIsRead(call: ts.CallExpression): boolean {
  let node: ts.Node = call;
  while (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent)) node = node.parent;
  return !ts.isExpressionStatement(node.parent);
}

/** A limiter consumed with a key: what the key is (`req.ip`, `user.id`, `email`, a local built from them). */
function argumentKey(argument: ts.Expression): RateLimitKey | undefined {
  const value = skipOuterExpressions(argument);
  let text = value.getText();
  if (ts.isIdentifier(value)) {
    const local = localInitializer(value);
    if (local) text += `\n${local.getText()}`;
    else if (!USER_KEY.test(text) && !IP_KEY.test(text)) return 'unknown'; // a parameter: the caller decides
  }
  return keyOfText(text);
}

function argumentsKey(call: ts.CallExpression): RateLimitKey | undefined {
  const keys = call.arguments.map(argumentKey).filter((key): key is RateLimitKey => key !== undefined && key !== 'custom');
  return keys.length ? strongestKey(keys) : undefined;
}

/** `const key = \`login:${email}\`` before `limiter.consume(key)`, in the same function. */
function localInitializer(identifier: ts.Identifier): ts.Expression | undefined {
  for (let scope: ts.Node | undefined = identifier.parent; scope; scope = scope.parent) {
    if (!ts.isBlock(scope)) continue;
    for (const statement of scope.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === identifier.text && declaration.initializer) return declaration.initializer;
      }
    }
    if (ts.isFunctionLike(scope.parent)) return undefined;
  }
  return undefined;
}

/**
 * What a Nest throttler guard's own key code counts by. A guard runs on the request after
 * authentication, so the user it reads is the signed-in caller's: `req.user?.id ?? req.ip` counts
 * anonymous callers by address, `req.body.email` by the account they name, but
 * `req.user.organizationId` alone counts only signed-in callers (`user-only`).
 */
function guardKeyOfText(text: string): RateLimitKey {
  const key = keyOfText(text);
  const code = text.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '');
  return key === 'user' && !IP_KEY.test(code) && !NAMED_ACCOUNT_KEY.test(code) ? 'user-only' : key;
}

function keyOfText(text: string): RateLimitKey {
  const code = text.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '');
  if (USER_KEY.test(code)) return 'user';
  if (IP_KEY.test(code)) return 'ip';
  return 'custom';
}

/** Several limiters in one middleware: the one keyed by user counts for the account, else any that is not per IP. */
function strongestKey(keys: readonly RateLimitKey[]): RateLimitKey {
  for (const key of ['user', 'user-only', 'api-key', 'custom', 'unknown', 'ip', 'total'] as const) if (keys.includes(key)) return key;
  return 'unknown';
}

// --- small helpers -------------------------------------------------------------------------

/** `rateLimit({...})` / `new RateLimiterRedis()` / `limiters.login` / `Ratelimit.slidingWindow()` -> the leftmost identifier. */
function rootName(expression: ts.Expression): string | undefined {
  let current = skipOuterExpressions(expression);
  for (;;) {
    if (ts.isCallExpression(current) || ts.isNewExpression(current)) current = skipOuterExpressions(current.expression);
    else if (ts.isPropertyAccessExpression(current)) current = skipOuterExpressions(current.expression);
    else break;
  }
  return ts.isIdentifier(current) ? current.text : undefined;
}

function returnedExpression(body: ts.ConciseBody | undefined): ts.Expression | undefined {
  if (!body || !ts.isBlock(body)) return undefined;
  const last = body.statements.at(-1);
  return last && ts.isReturnStatement(last) ? last.expression : undefined;
}

function isFunctionNode(node: ts.Node): boolean {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node);
}

/** `loginRateLimiter` -> "login rate limiter". */
function words(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-\s]+/g, ' ')
    .toLowerCase();
}
