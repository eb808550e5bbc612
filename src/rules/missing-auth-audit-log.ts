import { ts } from '#typescript';
import { classifyCall } from '../engine/ast/data-access.js';
import { isFunctionLike, nodePosition, skipOuterExpressions } from '../engine/ast/syntax.js';
import { baseClassOf, bindingValue, localInitializer, resolveFunction, type ResolvedFunction } from '../engine/names/index.js';
import { ormMethods, PRISMA, SEQUELIZE } from '../models/orms.js';
import type { RuleContext } from '../engine/rule-api.js';
import { wordPath } from '../engine/routes/route-path.js';
import type { Route } from '../engine/routes/route.js';
import { ACCESS_LOG_MIDDLEWARE, AUDIT_CALLEE, AUDIT_TABLE_LAST_WORDS, AUTH_EVENT_NAME, EVENT_METHODS } from '../models/audit-logs.js';
import { routeRef } from '../types.js';
import { defineRule } from './define-rule.js';
import { LOG_METHODS, LOGGER_NAME } from '../models/loggers.js';
import { loggerCallName } from './utils/logger-calls.js';
import { routeSpan, words } from './utils/route-facts.js';

/** How far from the handler the search for a log call follows project functions (controller, service, helper, repository). */
const MAX_DEPTH = 4;
/** Functions searched per route at most: a handler that fans out into the whole app stops being evidence either way. */
const MAX_FUNCTIONS = 60;

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'ALL', 'MUTATION']);

// Whole words of the literal path segments (or the handler's name). OAuth provider redirects and
// token refreshes are not the events this rule is about: the provider's callback is judged as login.
const LOGOUT = /\b(?:logout|log out|sign ?out|sign ?off|logoff)\b/;
const LOGIN = /\b(?:login|log in|logon|sign ?in|authenticate)\b|^(?:authentication|session|sessions)$/;
const PASSWORD = /\b(?:password|passwords|passwd|pwd)\b/;
const PASSWORD_CHANGE = /\b(?:change|update|set|reset|forgot|forgotten|new|recover|recovery)\b/;
const FORGOT_OR_RESET = /\b(?:forgot|forgotten|reset|recover|recovery)\b/;
// `POST /auth/reset/validate-password`: the last segment checks a candidate password (its strength), changing none;
// the prefix only names the area it sits in.
const PASSWORD_CHECK = /\b(?:validate|validation|check|test)\b/;
const MFA = /\b(?:mfa|2fa|tfa|totp|two ?factor|otp|authenticator|backup codes?|recovery codes?)\b/;
// `makeUserAdmin`, `grantAdmin`, `demoteUsers`; not `revokeShortcodeByAdmin`, where the admin is who acts, not the role.
// Promoting or demoting a person, or with no object named (`/users/:id/promote`); not a thing (`promote-image`, `promote draft`).
const ROLE = /\b(?:roles?|permissions?|privileges?)\b|\b(?:promote|demote)\b(?!\s+(?!(?:to|as|users?|members?|accounts?|staff|admins?|moderators?|owners?|by)\b)\w)|\b(?:make|grant|revoke)\b(?:(?!\bby\b).)*\badmins?\b/;
const ROLE_CONTEXT = /\b(?:assign|grant|revoke|promote|demote|change|update|set|add|remove|elevate|users?|members?|accounts?|staff)\b/;
// A handler named for reading (`listRoles`, `getPermissions`, `auditPermissions`) changes no role.
const READ_VERB = /^(?:get|list|find|fetch|show|view|read|audit|check|count|search|load|describe|export)\b/;
// `sign-in-experience` / `sign-in-exp`: the sign-in page's settings, changed by an admin; not a sign-in.
// `signInViaOAuth`, `loginWithOAuth` (worded `via o auth`): the redirect to the provider, before any sign-in.
// `getLoginMethod`, `/auth/sign-in-options`, `loginProviders`: which ways in an account has, read before the sign-in form.
const NOT_AN_EVENT = /\b(?:refresh|callback|callbacks|webhooks?|status|policy|strength|requirements?|available|exists|page|form|experiences?|exp|methods?|options|providers|(?:via|with|using) o ?auth ?2?)\b/;

/** What authentication event a route is, from its last literal path segment, its handler's name, then its whole path; or undefined. */
function authEvent(route: Route): string | undefined {
  const segments = wordPath(route).split('/').filter(Boolean);
  const literal = segments.filter((segment) => !/^(?::|\[|\{|\*|\()/.test(segment)).map(words);
  const pathPhrase = literal.join(' ');
  const lastWords = literal.at(-1) ?? '';
  const handlerName = route.handler?.name.split('.').pop() ?? '';
  const handlerPhrase = handlerName && handlerName !== '<anonymous>' ? words(handlerName) : '';
  const changes = STATE_CHANGING.has(route.method);
  const checksPassword = PASSWORD.test(lastWords) && PASSWORD_CHECK.test(lastWords) && !PASSWORD_CHANGE.test(lastWords);
  for (const [phrase, whole] of [[lastWords, false], [handlerPhrase, false], [pathPhrase, true]] as const) {
    if (!phrase || NOT_AN_EVENT.test(phrase)) continue;
    // Logout is often a GET link; every other event changes state.
    if (LOGOUT.test(phrase)) return 'logout';
    if (!changes) continue;
    if (MFA.test(phrase)) return 'MFA change or check';
    // A handler named for a password (`verifyPasswordComplexity`, `passwordRepeatChallenge`) changes one only when it says so.
    if (PASSWORD.test(phrase) && !checksPassword && (phrase !== handlerPhrase || PASSWORD_CHANGE.test(phrase))) return FORGOT_OR_RESET.test(phrase) ? 'password reset' : 'password change';
    if (LOGIN.test(phrase)) {
      // `POST /sessions` is a sign-in only before there is a user (a signed-in client's sessions are workouts, chats, bookings).
      if (/^sessions?$|^authentication$/.test(phrase) && route.auth === 'authenticated' && route.method !== 'DELETE') continue;
      return route.method === 'DELETE' ? 'logout' : 'login';
    }
    // A role or permission change: named by the last segment or the handler (`PUT /users/:id/role`,
    // `assignRole`), never by a prefix alone (`/admin/products`, `/roles/:id/audit`).
    if (!whole && ROLE.test(phrase) && ROLE_CONTEXT.test(`${pathPhrase} ${handlerPhrase}`) && !READ_VERB.test(handlerPhrase)) return 'role change';
  }
  return undefined;
}

export default defineRule({
  meta: {
    id: 'missing-auth-audit-log',
    title: 'Authentication event with no audit log',
    severity: 'medium',
    confidence: 'medium',
    controls: {
      soc2: ['CC7.2'],
      owaspApi: [],
      cwe: ['CWE-778'],
      pciDss: ['10.2.1.4', '10.2.1.5'],
      hipaa: ['164.312(b)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description:
        'Finds login, logout, password change and reset, MFA and role-change routes whose handler, followed into the services and helpers it calls, writes no log record through a logger, calls no audit service, emits no authentication event and writes no audit-table row: sign-ins, failed attempts and privilege changes leave no trail to investigate.',
      remediation:
        'Record each authentication event, success and failure, with who, what, when and from where (user id, event, outcome, IP), through the app logger or an audit service: logger.info({ event: "login", userId, ip }), auditService.record(...). An access log (morgan, pino-http) does not say who signed in or what changed.',
    },
  },
  analyses: ['routes'],
  check(ctx) {
    const judged = new Set<string>();
    ctx.forEachIsolated(
      ctx.routes,
      (route) => route.file,
      (route) => {
        if (route.unmounted || judged.has(`${route.file} ${route.id}`)) return;
        const event = authEvent(route);
        if (!event) return;
        judged.add(`${route.file} ${route.id}`);
        const examined = { subject: 'authentication event route', name: `${route.id} (${event})`, file: route.file, line: route.line };
        // A test-session or e2e helper that answers 404 in production signs no one in there.
        if (route.developmentOnly) {
          ctx.examined({ ...examined, outcome: 'exempt', evidence: `development and test only: the handler exits when ${route.developmentOnly}` });
          return;
        }
        const fromMiddleware = auditMiddleware(route);
        if (fromMiddleware) {
          ctx.examined({ ...examined, outcome: 'passed', evidence: fromMiddleware });
          return;
        }
        if (!route.handler) {
          ctx.examined({ ...examined, outcome: 'undetermined', evidence: 'no handler trustscan can read' });
          return;
        }
        const search = findAuditRecord(ctx, route);
        if (search.found) {
          ctx.examined({ ...examined, outcome: 'passed', evidence: search.found });
          return;
        }
        const accessLog = route.middleware.find((middleware) => ACCESS_LOG_MIDDLEWARE.some((name) => middleware.name.startsWith(name)));
        ctx.examined({ ...examined, outcome: 'finding', evidence: `no log or audit call in ${search.searched} function(s) from the handler${accessLog ? `; ${accessLog.name} is an access log` : ''}` });
        const handlerName = route.handler.name === '<anonymous>' ? '' : ` ${route.handler.name}`;
        const followed = search.searched > 1 ? ` and the ${search.searched - 1} project function(s) it calls` : '';
        ctx.report({
          file: route.file,
          ...routeSpan(ctx, route),
          message: `${route.id} (${event}) leaves no audit record: its handler${handlerName}${followed} ${followed ? 'write no log record, call no audit service and emit' : 'writes no log record, calls no audit service and emits'} no authentication event, on success or on failure${accessLog ? ` (${accessLog.name} logs requests, not who signed in or what changed)` : ''}.`,
          route: routeRef(route),
          // Medium: a listener, a database trigger or a passport strategy the scan does not follow may still record it.
          confidence: search.truncated ? 'low' : 'medium',
          trace: [{ file: route.file, line: route.line, column: route.column, message: `${route.id}: ${event}${handlerName ? `, handled by${handlerName}` : ''}` }],
        });
      },
    );
  },
});

/** A middleware, guard, interceptor or decorator on the route named for auditing (`auditLog('login')`, `@Audit()`, an `AuditInterceptor`). */
function auditMiddleware(route: Route): string | undefined {
  // By the middleware's own name, not its arguments: `auditLog('login')`, `createEventLogMiddleware('user.password_change')`.
  const named = route.middleware.find((middleware) => /audit/i.test(middleware.name) || AUDIT_CALLEE.test(middleware.name.replace(/\(.*$/s, '')));
  if (named) return `${named.name} (${named.scope}, ${named.file}:${named.line})`;
  const handler = route.handler?.node;
  const decorators = handler && ts.canHaveDecorators(handler) ? (ts.getDecorators(handler) ?? []) : [];
  // By the decorator's own name (`@Audit('login')`, `@AuditLog()`), not its arguments (`@Post('permissions/audit')`).
  const decorator = decorators.find((candidate) => {
    const expression = candidate.expression;
    const callee = ts.isCallExpression(expression) ? expression.expression : expression;
    return /audit/i.test(callee.getText(handler!.getSourceFile()));
  });
  return decorator ? `${decorator.getText(handler!.getSourceFile())} on the handler` : undefined;
}

/**
 * Searches the handler and the project functions it calls (across files, a few levels deep) for
 * a record of the event: a logger call, an audit-named call, an authentication event emitted, or
 * a row written to an audit or history table.
 */
function findAuditRecord(ctx: RuleContext, route: Route): { found?: string; searched: number; truncated: boolean } {
  const handler = route.handler!;
  const file = ctx.modules.fileOf(handler.node);
  if (!file) return { searched: 0, truncated: false };
  const queue: Array<{ fn: ResolvedFunction; depth: number }> = [{ fn: { file, node: handler.node, name: handler.name }, depth: 0 }];
  const seen = new Set<ts.Node>([handler.node]);
  let searched = 0;
  while (queue.length > 0) {
    if (searched >= MAX_FUNCTIONS) return { searched, truncated: true };
    const { fn, depth } = queue.shift()!;
    searched++;
    let found: string | undefined;
    // A log line of the same function is kept while a stronger record (an audit call, an event, an
    // audit-table row) may follow it: a hook's diagnostic warning is not what records the change.
    let logged: string | undefined;
    const visit = (node: ts.Node): void => {
      if (found) return;
      if (ts.isCallExpression(node)) {
        found = recordOf(ctx, fn, node);
        if (found) return;
        const log = logRecordOf(ctx, fn, node);
        if (log) {
          logged ??= log;
          return;
        }
        if (depth < MAX_DEPTH) {
          const callee = resolveFunction(ctx.modules, fn.file, node.expression) ?? loadedRecordMethod(ctx, fn.file, node.expression);
          if (callee && !seen.has(callee.node)) {
            seen.add(callee.node);
            queue.push({ fn: callee, depth: depth + 1 });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    const body = fn.node.body;
    if (body) visit(body);
    found ??= logged;
    if (found) return { found, searched, truncated: false };
    // A method of a model: the hooks its class (or a base) runs after every write record the write too
    // (`@AfterUpdate static recordUpdate(...)` inserting an event row, as an app's base model does).
    if (depth < MAX_DEPTH) {
      for (const hook of afterWriteHooks(ctx, fn)) {
        if (seen.has(hook.node)) continue;
        seen.add(hook.node);
        queue.push({ fn: hook, depth: depth + 1 });
      }
    }
  }
  return { searched, truncated: false };
}

const RECORD_RETURNING = ormMethods('returnsRecords');
const AFTER_WRITE_HOOK: ReadonlySet<string> = new Set(SEQUELIZE.afterWriteHookDecorators);

/**
 * `member.updateWithContext(...)` where `const member = await Member.findByPk(id)`: the method of the
 * model class (or a class it extends) the record was loaded from.
 */
function loadedRecordMethod(ctx: RuleContext, file: ResolvedFunction['file'], callee: ts.Expression): ResolvedFunction | undefined {
  const value = skipOuterExpressions(callee);
  if (!ts.isPropertyAccessExpression(value)) return undefined;
  const receiver = skipOuterExpressions(value.expression);
  const initializer = ts.isIdentifier(receiver) ? localInitializer(receiver) : undefined;
  const load = initializer && skipOuterExpressions(ts.isAwaitExpression(initializer) ? initializer.expression : initializer);
  if (!load || !ts.isCallExpression(load)) return undefined;
  const access = classifyCall(load, file, [], ctx.modules);
  if (access?.operation !== 'read' || access.library !== 'model' || !access.model || !RECORD_RETURNING.has(access.method)) return undefined;
  const binding = ctx.modules.resolveName(file, access.model);
  let owner = binding?.kind === 'declaration' && ts.isClassLike(binding.node) ? { file: binding.file, node: binding.node } : undefined;
  for (let hops = 0; owner && hops < 6; hops++) {
    for (const member of owner.node.members) {
      if (ts.isMethodDeclaration(member) && member.body && member.name && ts.isIdentifier(member.name) && member.name.text === value.name.text) {
        return { file: owner.file, node: member, name: `${owner.node.name?.text ?? '<class>'}.${value.name.text}` };
      }
    }
    owner = baseClassOf(ctx.modules, owner.file, owner.node);
  }
  return undefined;
}

const RECORD_WRITES: ReadonlySet<string> = new Set([...ormMethods('creates'), ...ormMethods('updates'), ...ormMethods('deletes')]);

/** The method writes a record itself (`this.save(...)`, `this.destroy(...)`): only then do the after-write hooks run. */
function writesRecord(method: ts.MethodDeclaration): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node)) {
      const callee = skipOuterExpressions(node.expression);
      if (ts.isPropertyAccessExpression(callee) && RECORD_WRITES.has(callee.name.text)) {
        found = true;
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  if (method.body) visit(method.body);
  return found;
}

/** The after-write hooks (models/orms.ts SEQUELIZE.afterWriteHookDecorators) of the class a method belongs to, and of the classes it extends. */
function afterWriteHooks(ctx: RuleContext, fn: ResolvedFunction): ResolvedFunction[] {
  const parent = fn.node.parent;
  if (!ts.isMethodDeclaration(fn.node) || !parent || !ts.isClassLike(parent) || !writesRecord(fn.node)) return [];
  const hooks: ResolvedFunction[] = [];
  let owner: { file: ResolvedFunction['file']; node: ts.ClassLikeDeclaration } | undefined = { file: fn.file, node: parent };
  for (let hops = 0; owner && hops < 6; hops++) {
    for (const member of owner.node.members) {
      if (!ts.isMethodDeclaration(member) || !member.body) continue;
      const decorated = (ts.getDecorators(member) ?? []).some((decorator) => {
        const expression = ts.isCallExpression(decorator.expression) ? decorator.expression.expression : decorator.expression;
        return ts.isIdentifier(expression) && AFTER_WRITE_HOOK.has(expression.text);
      });
      if (decorated) hooks.push({ file: owner.file, node: member, name: `${owner.node.name?.text ?? '<class>'}.${member.name.getText(owner.file.sourceFile)}` });
    }
    owner = baseClassOf(ctx.modules, owner.file, owner.node);
  }
  return hooks;
}

/** A log line the call writes, in words (a record, but the weakest: see findAuditRecord). */
function logRecordOf(ctx: RuleContext, fn: ResolvedFunction, call: ts.CallExpression): string | undefined {
  const logger = loggerCallName(ctx, fn.file, call) ?? loggerByName(call, fn.file.sourceFile);
  // An exception handler's or a 5xx answer's log line records that something broke, not who signed in.
  return logger && !onErrorPath(call, fn.node) ? `${logger}() at ${fn.file.path}:${nodePosition(call).line}` : undefined;
}

/** What a call records of the event besides a log line, in words, or undefined when it records nothing. */
function recordOf(ctx: RuleContext, fn: ResolvedFunction, call: ts.CallExpression): string | undefined {
  const where = `${fn.file.path}:${nodePosition(call).line}`;
  const callee = skipOuterExpressions(call.expression);
  const calleeText = callee.getText(fn.file.sourceFile).replace(/\s+/g, '');
  if (!isFunctionLike(callee) && AUDIT_CALLEE.test(calleeText)) return `${calleeText}() at ${where}`;
  if (ts.isPropertyAccessExpression(callee) && EVENT_METHODS.includes(callee.name.text)) {
    const event = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
    const name = event && (ts.isStringLiteralLike(event) ? event.text : ts.isNewExpression(event) ? event.expression.getText(fn.file.sourceFile) : ts.isPropertyAccessExpression(event) ? event.getText(fn.file.sourceFile) : undefined);
    if (name && AUTH_EVENT_NAME.test(name)) return `${calleeText}('${name}') at ${where}, an event for the app's listeners`;
  }
  const access = classifyCall(call, fn.file, [], ctx.modules);
  const auditedClient = access?.operation === 'write' && access.library === 'prisma' ? auditingExtension(ctx, fn, call) : undefined;
  if (auditedClient) return `${calleeText}() at ${where}, through a Prisma client extended with ${auditedClient}, which records every write`;
  if (access?.operation === 'write' && access.model && AUDIT_TABLE_LAST_WORDS.has(words(access.model).split(' ').at(-1)!)) return `${/^[aeiou]/i.test(access.model) ? 'an' : 'a'} ${access.model} row written by ${calleeText}() at ${where}`;
  if (access?.operation === 'write' && access.model && /\baudit/i.test(words(access.model))) return `${/^[aeiou]/i.test(access.model) ? 'an' : 'a'} ${access.model} row written by ${calleeText}() at ${where}`;
  return undefined;
}


/**
 * `prisma.member.update(...)` where `prisma` is the project's client built as `new PrismaClient()
 * .$extends(auditPrismaQueries)`: an audit-named client extension hooks every query the client runs,
 * so the write itself is recorded. The extension's name, or undefined when the client has none.
 */
function auditingExtension(ctx: RuleContext, fn: ResolvedFunction, call: ts.CallExpression): string | undefined {
  let root: ts.Expression = skipOuterExpressions(call.expression);
  while (ts.isPropertyAccessExpression(root) || ts.isCallExpression(root)) root = skipOuterExpressions(root.expression);
  if (!ts.isIdentifier(root)) return undefined;
  let file = fn.file;
  let name = root.text;
  // The client as the module that makes it exports it: `import prisma from '@/utils/prisma'` -> `export default _prisma` -> `const _prisma = ...`.
  for (let hops = 0; hops < 4; hops++) {
    const binding = ctx.modules.resolveName(file, name);
    const value = bindingValue(binding);
    if (!value || binding?.kind !== 'declaration') return undefined;
    const expression = ts.isExportAssignment(value) ? skipOuterExpressions(value.expression) : value;
    if (ts.isIdentifier(expression)) {
      file = binding.file;
      name = expression.text;
      continue;
    }
    const text = expression.getText(binding.file.sourceFile);
    const extension = `.${PRISMA.clientExtension}`;
    for (const match of text.matchAll(/\.\$extends\s*\(\s*([\w$.]+)/g)) {
      if (text.includes(extension) && /audit/i.test(match[1]!)) return match[1];
    }
    return undefined;
  }
  return undefined;
}

/** `request.logger.info(...)`, `logger.warn(...)`: a log method on something the project named a logger. */
function loggerByName(call: ts.CallExpression, sourceFile: ts.SourceFile): string | undefined {
  const callee = skipOuterExpressions(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !LOG_METHODS.has(callee.name.text)) return undefined;
  const owner = skipOuterExpressions(callee.expression);
  const ownerName = ts.isIdentifier(owner) ? owner.text : ts.isPropertyAccessExpression(owner) ? owner.name.text : undefined;
  return ownerName !== undefined && LOGGER_NAME.test(ownerName) ? callee.getText(sourceFile) : undefined;
}

/** A server error answered or thrown: `res.status(500)`, `{ status: 503 }`, `new SafeError(msg, 500)`, `InternalServerErrorException`. */
const SERVER_ERROR = /\bstatus(?:Code)?\s*(?:\(|:|=)\s*5\d\d\b|,\s*5\d\d\s*\)|\bInternalServerError|\bServiceUnavailable/;
/** A refused sign-in or permission: the failure an audit trail must also keep. */
const REJECTION = /\b40[13]\b|Unauthori[sz]ed|Forbidden|[Ii]nvalid (?:credentials|password|code|token)/;

/**
 * Whether a log call sits where the code handles a breakage: a catch clause that refuses no one (no
 * 401/403 there), or a block whose own statements answer or throw a 5xx. A `catch` that logs a failed
 * sign-in and answers 401 is the failure's audit record and still counts.
 */
/** A statement that answers or throws where it stands, holding no branch of its own. */
const OWN_STATEMENT = (statement: ts.Statement): boolean => ts.isReturnStatement(statement) || ts.isThrowStatement(statement) || ts.isExpressionStatement(statement) || ts.isVariableStatement(statement);

function onErrorPath(call: ts.CallExpression, fnNode: ts.Node): boolean {
  for (let node: ts.Node | undefined = call.parent; node && node !== fnNode; node = node.parent) {
    if (ts.isCatchClause(node)) return !REJECTION.test(node.block.getText());
    // Its own statements: an `if` or `try` in the block answers 5xx in a branch of its own, not where this call runs
    // (the handler's body logging success after early `return next({ status: 500 })` validation exits).
    if (ts.isBlock(node) && node.statements.some((statement) => OWN_STATEMENT(statement) && SERVER_ERROR.test(statement.getText()) && !REJECTION.test(statement.getText()))) return true;
  }
  return false;
}
