import { ts } from '#typescript';
import type { TaintedCall, TaintedWrite } from '../engine/dataflow/engine.js';
import type { Taint, ValueOrigin } from '../engine/dataflow/taint.js';
import type { RuleContext } from '../engine/rule-api.js';
import { exitsEarly, nodePosition, skipOuterExpressions } from '../engine/ast/syntax.js';
import { moduleCallee } from '../engine/names/index.js';
import { routeRef } from '../types.js';
import { defineRule } from './define-rule.js';
import { hostCheckedBefore, relatedNames } from './utils/host-allowlist-guards.js';
import { indexArguments } from './utils/object-argument-fields.js';
import { nodeAtStep } from './utils/trace-nodes.js';
import { localDeclaration, reportTaintedSink, routeLabel } from './utils/tainted-sink.js';
import { urlContext } from './utils/url-context.js';
import { requestControlsHost, type UrlContext } from './utils/url-host-control.js';
import { GLOBAL_REDIRECT, HEAD_WRITERS, HEADER_SETTERS, LOCATION_HEADER, LOCATION_METHODS, REDIRECT_FUNCTIONS, REDIRECT_METHODS, RESPONSE_OBJECT_NAMES } from '../models/redirects.js';

/**
 * Inputs the victim's own browser sets on the request an attacker's link makes it send: the Host
 * and other headers, cookies, and the request URL (whose host is the server's own). A redirect to
 * them sends the victim back to this server, so only the query, path parameters and body count.
 */
const BROWSER_SET_INPUTS: ReadonlySet<string> = new Set(['headers', 'cookies', 'url', 'request']);

/** `new URL(req.url).searchParams.get('next')`: a query value read out of the request URL is the link's, not the browser's. */
const QUERY_READS: ReadonlySet<string> = new Set(['.get()', '.getAll()']);

function isBrowserSet(taint: Taint): boolean {
  return BROWSER_SET_INPUTS.has(taint.source.kind) && !(taint.source.kind === 'url' && taint.transforms.some((transform) => QUERY_READS.has(transform)));
}

/** `a query value of req.url` for a value read with `new URL(req.url).searchParams.get()`, else the source's label. */
function inputLabel(taint: Taint): string {
  return taint.source.kind === 'url' && taint.transforms.some((transform) => QUERY_READS.has(transform)) ? `(a query value of ${taint.source.label})` : taint.source.label;
}

/** `sanitizeRedirectPath(next)`, `safeRedirect(next)`: a project helper named for vetting the target returned it. */
function passedSanitizer(taint: Taint): boolean {
  return taint.steps.some((step) => {
    const helper = /^returned from ([\w.$]+)\(\)/.exec(step.message)?.[1];
    return helper !== undefined && SANITIZER_NAME.test(helper.split('.').pop() ?? '');
  });
}

const SANITIZER_NAME = /sanitiz|safe|valid|allowed|whitelist|allowlist/i;

/** `if (!isSafeRedirect(next)) return ...`: a project check whose name says it vets the target. */
const CHECK_FUNCTION = /safe|valid|allow|whitelist|trusted|local|relative|internal|sameorigin|permitted/i;
/** A prefix a target is checked to start with that pins it to this site: a path under a folder (`/app/`), or a fixed origin and a `/`. */
const HOST_WORD = /\.(?:hostname|host|origin)\b/;
/** A regular expression literal anchored to a path that cannot turn protocol-relative, or to a fixed origin and a `/`. */
const PINNING_PATTERN = /^\/\^(?:\\\/(?:\(\?!|\[\^|\w)|https\??:\\\/\\\/[\w\\.-]+\\\/)/;
const PINNING_PREFIX = /^(?:\/[^/\\]|[a-z][a-z0-9+.-]*:\/\/[^/?#\\]+\/)/i;

export default defineRule({
  meta: {
    id: 'open-redirect',
    title: 'Request data chooses where a redirect sends the browser',
    severity: 'medium',
    confidence: 'high',
    controls: {
      soc2: ['CC6.6'],
      owaspApi: [],
      cwe: ['CWE-601'],
      pciDss: ['6.2.4'],
      hipaa: ['164.312(d)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description:
        'Finds request data (query, path parameters, body) that decides the scheme or host of a redirect: Express res.redirect/res.location, Koa ctx.redirect, Fastify reply.redirect, Hono c.redirect, Next.js redirect() and NextResponse.redirect, Response.redirect, a Location header, NestJS @Redirect() with a returned url; with no allowlist or same-site check before it.',
      remediation:
        'Redirect only to paths of this site or to an allowlist: map a request value to a fixed target, or parse it with new URL(value, base) and redirect only when its origin equals your own (or is in an allowlist). A check that it starts with "/" must also reject "//" and "/\\".',
    },
  },
  analyses: ['dataflow'],
  check(ctx) {
    const calls = ctx.dataflow.taintedCalls();
    const argumentsOfCalls = indexArguments(calls);
    const judge = (origin: ValueOrigin): ValueOrigin => (origin.kind === 'tainted' && (isBrowserSet(origin.taint) || origin.taint.requestObject || passedSanitizer(origin.taint)) ? { kind: 'unknown' } : origin);

    ctx.forEachIsolated(calls, (tainted) => tainted.file.path, (tainted) => {
      const sink = redirectSink(ctx, tainted);
      if (!sink) return;
      const control = requestControlsHost(sink.target, urlContext(ctx, tainted, argumentsOfCalls, judge), undefined);
      if (!control || isRedirectChecked(ctx, control.taint, sink.target)) return;
      reportTaintedSink(
        ctx,
        tainted,
        control.taint,
        `Request input ${inputLabel(control.taint)} ${control.how} of the redirect ${sink.name} in ${routeLabel(tainted)}: a link to this site can send the user to a site of the attacker's choice (phishing, stolen OAuth codes).`,
        `${sink.name} redirects the browser there`,
        { confidence: control.confidence },
      );
    });

    ctx.forEachIsolated(ctx.dataflow.taintedWrites(), (write) => write.file.path, (write) => {
      const target = nestRedirectTarget(ctx, write);
      if (!target) return;
      const context: UrlContext = { modules: ctx.modules, file: write.file, originOf: (expression) => judge(write.originOf(expression)) };
      const control = requestControlsHost(target, context, undefined);
      if (!control || isRedirectChecked(ctx, control.taint, target)) return;
      const { line, column } = nodePosition(write.node);
      ctx.report({
        file: write.file.path,
        start: target.getStart(),
        end: target.getEnd(),
        message: `Request input ${inputLabel(control.taint)} ${control.how} of the url a @Redirect() handler returns in ${routeLabel(write)}: a link to this site can send the user to a site of the attacker's choice (phishing, stolen OAuth codes).`,
        trace: [...control.taint.steps, { file: write.file.path, line, column, message: 'returned as the @Redirect() url' }],
        confidence: control.confidence,
        ...(write.route.unmounted ? { confidence: 'medium' as const } : { route: routeRef(write.route) }),
      });
    });
  },
});

interface RedirectSink {
  /** `res.redirect()`, `NextResponse.redirect()`, `the Location header` */
  name: string;
  target: ts.Expression;
}

function redirectSink(ctx: RuleContext, tainted: TaintedCall): RedirectSink | undefined {
  const call = tainted.call;
  const callee = skipOuterExpressions(call.expression);
  const args = call.arguments ?? [];
  if (ts.isNewExpression(call)) return undefined;
  const imported = moduleCallee(ctx, tainted.file, callee);
  if (imported) {
    const model = REDIRECT_FUNCTIONS.find((candidate) => candidate.module === imported.module && candidate.members.join('.') === imported.members.join('.'));
    return model && args[0] ? { name: `${model.members.join('.')}()`, target: args[0] } : undefined;
  }
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const receiver = skipOuterExpressions(callee.expression);
  if (ts.isIdentifier(receiver) && receiver.text === GLOBAL_REDIRECT.object && method === GLOBAL_REDIRECT.method && !ctx.modules.resolveName(tainted.file, receiver.text)) {
    return args[0] ? { name: 'Response.redirect()', target: args[0] } : undefined;
  }
  const owner = responseObjectName(receiver, tainted);
  if (!owner) return undefined;
  if (REDIRECT_METHODS.has(method)) {
    const target = args.length >= 2 && isStatusCode(args[0]!, tainted) ? args[1] : args[0];
    return target ? { name: `${owner}.${method}()`, target } : undefined;
  }
  // `res.status(201).header('Location', ...)`: a created resource's address, which no browser follows; only a 3xx redirects.
  if ((LOCATION_METHODS.has(method) || HEADER_SETTERS.has(method)) && chainSetsNonRedirectStatus(call)) return undefined;
  if (LOCATION_METHODS.has(method) && args[0]) return { name: `${owner}.${method}()`, target: args[0] };
  if (HEADER_SETTERS.has(method)) {
    const name = args[0] && skipOuterExpressions(args[0]);
    if (name && ts.isStringLiteralLike(name) && name.text.toLowerCase() === LOCATION_HEADER && args[1]) return { name: `the Location header (${owner}.${method}())`, target: args[1] };
    const location = name && ts.isObjectLiteralExpression(name) ? locationProperty(name) : undefined;
    if (location) return { name: `the Location header (${owner}.${method}())`, target: location };
  }
  if (HEAD_WRITERS.has(method)) {
    if (args[0] && isNonRedirectStatus(args[0])) return undefined;
    for (const argument of args) {
      const headers = skipOuterExpressions(argument);
      const location = ts.isObjectLiteralExpression(headers) ? locationProperty(headers) : undefined;
      if (location) return { name: `the Location header (${owner}.${method}())`, target: location };
    }
  }
  return undefined;
}

/**
 * The name of the response or context object a method is called on (`res`, `this.res`,
 * `reply.code(302)` in a chain), when it is one: a name handlers give it, or a Koa/Hono context
 * the dataflow knows is the request's.
 */
function responseObjectName(receiver: ts.Expression, tainted: TaintedCall): string | undefined {
  let current = receiver;
  // `res.status(302).redirect(url)`, `reply.code(301).redirect(url)`: the chain's owner.
  while (ts.isCallExpression(current) && ts.isPropertyAccessExpression(skipOuterExpressions(current.expression))) current = skipOuterExpressions((skipOuterExpressions(current.expression) as ts.PropertyAccessExpression).expression);
  const name = ts.isIdentifier(current) ? current.text : ts.isPropertyAccessExpression(current) ? current.name.text : undefined;
  if (name && RESPONSE_OBJECT_NAMES.has(name)) return current.getText();
  const origin = tainted.originOf(current);
  return origin.kind === 'tainted' && origin.taint.requestObject && (origin.taint.requestObject === 'koa-context' || origin.taint.requestObject === 'hono-context') ? current.getText() : undefined;
}

const STATUS_SETTERS = new Set(['status', 'code']);

/** A literal status outside 3xx (`201`): a response that carries a Location header without redirecting. */
function isNonRedirectStatus(argument: ts.Expression): boolean {
  const value = skipOuterExpressions(argument);
  if (!ts.isNumericLiteral(value)) return false;
  const status = Number(value.text);
  return status < 300 || status >= 400;
}

/** Whether the response chain a call is part of sets a literal non-3xx status: `res.status(201).header(...)`, `res.location(x).status(201)`. */
function chainSetsNonRedirectStatus(call: ts.CallExpression | ts.NewExpression): boolean {
  // Down the receivers: `res.status(201).header('location', url)`.
  let current: ts.Expression = call;
  while (ts.isCallExpression(current) && ts.isPropertyAccessExpression(skipOuterExpressions(current.expression))) {
    const access = skipOuterExpressions(current.expression) as ts.PropertyAccessExpression;
    if (STATUS_SETTERS.has(access.name.text) && current.arguments[0] && isNonRedirectStatus(current.arguments[0])) return true;
    current = skipOuterExpressions(access.expression);
  }
  // Up the chain: `res.header('location', url).status(201).json(body)`.
  let node: ts.Node = call;
  while (ts.isPropertyAccessExpression(node.parent) && ts.isCallExpression(node.parent.parent) && node.parent.parent.expression === node.parent) {
    const outer = node.parent.parent;
    if (STATUS_SETTERS.has(node.parent.name.text) && outer.arguments[0] && isNonRedirectStatus(outer.arguments[0])) return true;
    node = outer;
  }
  return false;
}

function isStatusCode(argument: ts.Expression, tainted: TaintedCall): boolean {
  const value = skipOuterExpressions(argument);
  if (ts.isNumericLiteral(value)) return true;
  // `HttpStatus.FOUND`, `StatusCodes.MOVED_PERMANENTLY`, a number the dataflow proved.
  if (ts.isPropertyAccessExpression(value) && /^[A-Z_0-9]+$/.test(value.name.text)) return true;
  const origin = tainted.originOf(value);
  return origin.kind === 'sanitized';
}

function locationProperty(object: ts.ObjectLiteralExpression): ts.Expression | undefined {
  for (const property of object.properties) {
    const name = ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
    const text = name && (ts.isIdentifier(name) || ts.isStringLiteral(name)) ? name.text : undefined;
    if (text?.toLowerCase() !== LOCATION_HEADER) continue;
    return ts.isPropertyAssignment(property) ? property.initializer : (property as ts.ShorthandPropertyAssignment).name;
  }
  return undefined;
}

/** NestJS: a handler decorated `@Redirect()` whose returned object's `url` replaces the decorator's. */
function nestRedirectTarget(ctx: RuleContext, write: TaintedWrite): ts.Expression | undefined {
  if (!ts.isReturnStatement(write.node)) return undefined;
  const handler = write.route.handler?.node;
  if (!handler || !ts.isMethodDeclaration(handler)) return undefined;
  const decorated = ts.getDecorators(handler)?.some((decorator) => {
    const expression = decorator.expression;
    if (!ts.isCallExpression(expression)) return false;
    const callee = moduleCallee(ctx, write.file, expression.expression);
    return callee?.module === '@nestjs/common' && callee.members.join('.') === 'Redirect';
  });
  if (!decorated) return undefined;
  const value = skipOuterExpressions(write.value);
  if (!ts.isObjectLiteralExpression(value)) return undefined;
  for (const property of value.properties) {
    if (ts.isPropertyAssignment(property) && ts.isIdentifier(property.name) && property.name.text === 'url') return property.initializer;
    if (ts.isShorthandPropertyAssignment(property) && property.name.text === 'url') return property.name;
  }
  return undefined;
}

/**
 * A check before the redirect that vets its target: a host allowlist (the ssrf rule's test), a
 * `startsWith` of a path under a folder or of a fixed origin and a `/`, `startsWith('/')` with
 * `//` rejected too, or a project check named for it (`isSafeRedirect(next)`). An early exit
 * before the sink or any step of the flow counts, and so does an `if` the sink sits inside.
 */
function isRedirectChecked(ctx: RuleContext, taint: Taint, target: ts.Expression): boolean {
  const uses: ts.Node[] = [target, ...taint.steps.map((step) => nodeAtStep(ctx, step)).filter((node): node is ts.Node => node !== undefined)];
  return uses.some((use) => hostCheckedBefore(use) || guardedBefore(use) || guardedByConditional(use));
}

function guardedBefore(use: ts.Node): boolean {
  const related = relatedNames(use);
  if (related.size === 0) return false;
  // The member reads the use is made of (`req.query.redirect_uri` in `req.query.redirect_uri + '?code='`).
  const useTexts = new Set<string>();
  const collect = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) useTexts.add(node.getText());
    ts.forEachChild(node, collect);
  };
  collect(use);
  for (let current: ts.Node = use; current.parent; current = current.parent) {
    const parent = current.parent;
    if (ts.isFunctionLike(parent) || ts.isSourceFile(parent)) return false;
    // The sink inside the checked branch: `if (next.startsWith('/') && !next.startsWith('//')) res.redirect(next)`.
    if (ts.isIfStatement(parent) && current === parent.thenStatement && vetsTarget(parent.expression, related, 'then', useTexts)) return true;
    if (ts.isIfStatement(parent) && current === parent.elseStatement && vetsTarget(parent.expression, related, 'else', useTexts)) return true;
    if (!ts.isBlock(parent) && !ts.isCaseClause(parent)) continue;
    for (const statement of parent.statements) {
      if (statement === current) break;
      if (ts.isIfStatement(statement) && exitsEarly(statement.thenStatement) && vetsTarget(statement.expression, related, 'else', useTexts)) return true;
    }
  }
  return false;
}

/** `const dest = next.startsWith('/app/') ? next : '/'`, reached through a local's initializer. */
function guardedByConditional(use: ts.Node): boolean {
  let value = ts.isVariableDeclaration(use) ? use.initializer : ts.isExpression(use) ? use : undefined;
  if (value && ts.isIdentifier(skipOuterExpressions(value))) value = localDeclaration(skipOuterExpressions(value) as ts.Identifier)?.initializer;
  const inner = value && skipOuterExpressions(value);
  return inner !== undefined && ts.isConditionalExpression(inner) && vetsTarget(inner.condition, relatedNames(inner), 'then');
}

/**
 * Whether a condition, in the branch where the use runs, pins a related name to this site. Text
 * tests on purpose: every form below names the value and a literal, and the wrong branch (a check
 * that only rejects) is told by where the use sits.
 */
function vetsTarget(condition: ts.Expression, related: Set<string>, branch: 'then' | 'else', uses: ReadonlySet<string> = new Set()): boolean {
  const text = condition.getText();
  if (![...related].some((name) => new RegExp(`\\b${name.replace(/[$]/g, '\\$')}\\b`).test(text))) return false;
  let vetted = false;
  const visit = (node: ts.Node, negated: boolean): void => {
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) return visit(node.operand, !negated);
    if (ts.isParenthesizedExpression(node)) return visit(node.expression, negated);
    if (ts.isCallExpression(node)) {
      const callee = skipOuterExpressions(node.expression);
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
      // The use runs where the check passed: the then branch of `check(x)`, the else of `!check(x)`.
      const passedHere = branch === 'then' ? !negated : negated;
      const literal = node.arguments[0] && skipOuterExpressions(node.arguments[0]);
      if (passedHere && name === 'startsWith' && literal && ts.isStringLiteralLike(literal)) {
        if (PINNING_PREFIX.test(literal.text)) vetted = true;
        if (literal.text === '/' && /['"`]\/\/|\\\\|\(\?!/.test(text)) vetted = true;
      }
      if (passedHere && name !== 'startsWith' && CHECK_FUNCTION.test(name)) vetted = true;
      // `ALLOWED_REDIRECTS.includes(next)`, `client.redirectUris.includes(req.query.redirect_uri)`: the
      // value is one of a list (not `next.includes('example.com')`, where the value is the receiver).
      const argument = node.arguments[0] && skipOuterExpressions(node.arguments[0]);
      if (passedHere && (name === 'includes' || name === 'has') && argument && (ts.isIdentifier(argument) ? related.has(argument.text) : uses.has(argument.getText()))) vetted = true;
      // `/^\/(?!\/)/.test(next)`, `/^https:\/\/app\.example\.com\//.test(next)`: an anchored pattern that pins the target.
      const receiver = ts.isPropertyAccessExpression(callee) ? skipOuterExpressions(callee.expression) : undefined;
      if (passedHere && name === 'test' && receiver && ts.isRegularExpressionLiteral(receiver) && PINNING_PATTERN.test(receiver.text)) vetted = true;
    }
    // `url.origin === APP_ORIGIN`, `new URL(next).host !== host` before an exit.
    if (ts.isBinaryExpression(node) && HOST_WORD.test(node.getText())) {
      const operator = node.operatorToken.kind;
      const equal = operator === ts.SyntaxKind.EqualsEqualsEqualsToken || operator === ts.SyntaxKind.EqualsEqualsToken;
      const unequal = operator === ts.SyntaxKind.ExclamationEqualsEqualsToken || operator === ts.SyntaxKind.ExclamationEqualsToken;
      if ((equal && (branch === 'then') !== negated) || (unequal && (branch === 'else') !== negated)) vetted = true;
    }
    ts.forEachChild(node, (child) => visit(child, negated));
  };
  visit(condition, false);
  return vetted;
}
