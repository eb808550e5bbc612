import { ts } from '#typescript';
import type { TaintedCall, TaintedWrite } from '../engine/dataflow/engine.js';
import { taintFor, type Taint, type ValueOrigin } from '../engine/dataflow/taint.js';
import type { RuleContext } from '../engine/rule-api.js';
import { enclosingFunction, nodePosition, skipOuterExpressions } from '../engine/ast/syntax.js';
import { moduleCallee } from '../engine/names/index.js';
import { lineEndOffset } from '../engine/source-text.js';
import { routeRef } from '../types.js';
import { defineRule } from './define-rule.js';
import { localDeclaration, modelledSinkCalls, reportTaintedSink, routeLabel } from './utils/tainted-sink.js';
import { RESPONSE_OBJECT_NAMES } from '../models/redirects.js';
import {
  BODY_WRITERS,
  EXPRESS_HTML_BY_DEFAULT,
  HEADER_SETTERS,
  HONO_HTML_MODULE,
  HONO_RAW_EXPORTS,
  HTML_ESCAPER_NAME,
  HTML_ESCAPING_TRANSFORMS,
  HTML_TYPE,
  HTML_WRITERS,
  KOA_BODY_PROPERTIES,
  KOA_TYPE_PROPERTIES,
  TYPE_SETTERS,
} from '../models/html-responses.js';

// Markup: an opening or closing tag, a comment or a doctype.
const MARKUP = /<[a-z!/]/i;
const CONTENT_TYPE = 'content-type';
const MAX_DEPTH = 4;

export default defineRule({
  meta: {
    id: 'xss-reflected',
    title: 'Request data is written into an HTML response unescaped',
    severity: 'high',
    confidence: 'high',
    controls: {
      soc2: ['CC6.6'],
      owaspApi: [],
      cwe: ['CWE-79'],
      pciDss: ['6.2.4'],
      hipaa: ['164.312(c)(1)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description:
        'Finds request data written unescaped into a response the browser renders as HTML: Express res.send of a string (HTML by default) or markup, res.write/res.end with markup or an HTML content type, Fastify reply.type("text/html").send, Koa ctx.body with markup, Hono c.html and raw(), a Response with a text/html content type, a NestJS handler returning markup.',
      remediation:
        'Escape request data for HTML before writing it (escape-html, he.encode, a template engine with auto-escaping such as Hono html``, handlebars {{ }}, EJS <%= %>), or answer with res.json / a text/plain content type.',
    },
  },
  analyses: ['dataflow'],
  check(ctx) {
    ctx.forEachIsolated(ctx.dataflow.taintedCalls(), (tainted) => tainted.file.path, (tainted) => {
      const sink = htmlSink(ctx, tainted);
      if (!sink) return;
      const taint = unescapedTaint((expression) => tainted.originOf(expression), sink.value);
      if (!taint) return;
      reportTaintedSink(ctx, tainted, taint, `Request input ${inputLabel(taint)} is written unescaped into ${sink.how} in ${routeLabel(tainted)}: a link can run script in the site's origin for whoever opens it (reflected XSS).`, `${sink.name} writes it as HTML`, confidenceOf(taint));
    });

    ctx.forEachIsolated(ctx.dataflow.taintedWrites(), (write) => write.file.path, (write) => {
      const sink = htmlWrite(write);
      if (!sink) return;
      const taint = unescapedTaint((expression) => write.originOf(expression), sink.value);
      if (!taint) return;
      const { line, column } = nodePosition(write.node);
      const start = write.node.getStart();
      ctx.report({
        file: write.file.path,
        start,
        end: Math.min(write.node.getEnd(), lineEndOffset(write.file.text, start)),
        message: `Request input ${inputLabel(taint)} is written unescaped into ${sink.how} in ${routeLabel({ route: write.route } as TaintedCall)}: a link can run script in the site's origin for whoever opens it (reflected XSS).`,
        trace: [...taint.steps, { file: write.file.path, line, column, message: `${sink.name} writes it as HTML` }],
        ...confidenceOf(taint),
        ...(write.route.unmounted ? { confidence: 'medium' as const } : { route: routeRef(write.route) }),
      });
    });

    // A project's own HTML writer that config `models` declares an html sink.
    for (const { tainted, taint, sinkName } of modelledSinkCalls(ctx, 'html')) {
      if (isEscaped(taint)) continue;
      reportTaintedSink(ctx, tainted, taint, `Request input ${taint.source.label} reaches ${sinkName}, an HTML sink, in ${routeLabel(tainted)}: unescaped, a link can run script in the site's origin (reflected XSS).`, `${sinkName} writes it as HTML`);
    }
  },
});

/**
 * A body field reaches the victim's request only through a form on the attacker's page, which an
 * API that parses JSON alone never reads: medium confidence. Query values and path parameters ride
 * in a link.
 */
function confidenceOf(taint: Taint): { confidence?: 'medium' } {
  return taint.source.kind === 'body' ? { confidence: 'medium' } : {};
}

interface HtmlSink {
  /** `res.send()` */
  name: string;
  /** `an HTML response (res.send of a string is text/html in Express)` */
  how: string;
  value: ts.Expression;
}

function htmlSink(ctx: RuleContext, tainted: TaintedCall): HtmlSink | undefined {
  const call = tainted.call;
  const callee = skipOuterExpressions(call.expression);
  const args = call.arguments ?? [];
  const value = args[0];
  if (!value) return undefined;

  if (ts.isNewExpression(call)) {
    // `new Response(html, { headers: { 'Content-Type': 'text/html' } })` in a route handler.
    if (ts.isIdentifier(callee) && (callee.text === 'Response' || callee.text === 'NextResponse') && args[1] && htmlTypeInOptions(args[1])) {
      return { name: `new ${callee.text}()`, how: 'a text/html Response', value };
    }
    return undefined;
  }
  const imported = moduleCallee(ctx, tainted.file, callee);
  if (imported?.module === HONO_HTML_MODULE && HONO_RAW_EXPORTS.includes(imported.members.join('.'))) {
    return { name: 'raw()', how: "Hono's raw() (html`` escapes every value except raw())", value };
  }
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const owner = responseObject(callee.expression, tainted);
  if (!owner) return undefined;
  const name = `${owner.text}.${method}()`;
  if (HTML_WRITERS.has(method) && owner.context === 'hono') return { name, how: 'c.html() (text/html)', value };
  if (!BODY_WRITERS.has(method) || owner.context === 'hono' || owner.context === 'koa') return undefined;

  const declared = declaredType(callee.expression, owner.text, call);
  if (declared === 'other') return undefined;
  if (declared === 'html') return { name, how: 'an HTML response (its content type is set to HTML)', value };
  const fastify = tainted.route.framework === 'fastify';
  if (!fastify && hasMarkup(value, 0)) return { name, how: 'an HTML response (markup around the value)', value };
  // Express answers a string sent with no type as text/html.
  if (method === EXPRESS_HTML_BY_DEFAULT && (tainted.route.framework === 'express' || tainted.route.framework === 'nestjs') && isText(value, tainted.originOf(value))) {
    return { name, how: `an HTML response (${name} of a string is text/html in Express)`, value };
  }
  return undefined;
}

/** Koa `ctx.body = '<p>' + q`; a NestJS handler returning markup (Express sends a returned string as text/html). */
function htmlWrite(write: TaintedWrite): HtmlSink | undefined {
  if (ts.isBinaryExpression(write.node)) {
    const target = skipOuterExpressions(write.node.left);
    if (!ts.isPropertyAccessExpression(target) || !KOA_BODY_PROPERTIES.has(target.name.text)) return undefined;
    const owner = koaContext(target.expression, write);
    if (!owner) return undefined;
    const name = `${target.getText()} =`;
    if (koaTypeSet(owner, write.node) === 'html') return { name, how: 'an HTML response (ctx.type is HTML)', value: write.value };
    // Koa sends a string body that starts with `<` as text/html.
    if (startsWithMarkup(write.value, 0)) return { name, how: 'an HTML response (Koa sends a body starting with "<" as text/html)', value: write.value };
    return undefined;
  }
  if (write.route.framework === 'nestjs' && hasMarkup(write.value, 0)) return { name: 'the handler', how: 'the markup a NestJS handler returns (sent as text/html)', value: write.value };
  return undefined;
}

/**
 * The response or context object a method is called on, when it is one: a name handlers give it
 * (`res`, `reply`, `response`), or the Hono/Koa context the dataflow knows is the request's.
 */
function responseObject(receiver: ts.Expression, tainted: TaintedCall): { text: string; context?: 'hono' | 'koa' } | undefined {
  const root = chainRoot(receiver);
  const origin = tainted.originOf(root);
  if (origin.kind === 'tainted' && origin.taint.requestObject === 'hono-context') return { text: root.getText(), context: 'hono' };
  if (origin.kind === 'tainted' && origin.taint.requestObject === 'koa-context') return { text: root.getText(), context: 'koa' };
  const name = ts.isIdentifier(root) ? root.text : ts.isPropertyAccessExpression(root) ? root.name.text : undefined;
  // A Koa/Hono context by name is not a body writer's owner (`ctx.send` is koa-send, a file).
  if (name === 'ctx' || name === 'c') return undefined;
  return name && RESPONSE_OBJECT_NAMES.has(name) ? { text: root.getText() } : undefined;
}

function koaContext(receiver: ts.Expression, write: TaintedWrite): string | undefined {
  // `ctx.body`, `ctx.response.body`
  const root = ts.isPropertyAccessExpression(receiver) && receiver.name.text === 'response' ? skipOuterExpressions(receiver.expression) : skipOuterExpressions(receiver);
  if (!ts.isIdentifier(root)) return undefined;
  const origin = write.originOf(root);
  return (origin.kind === 'tainted' && origin.taint.requestObject === 'koa-context') || write.route.framework === 'koa' ? root.text : undefined;
}

/** `res.status(200).type('html')` → `res`. */
function chainRoot(receiver: ts.Expression): ts.Expression {
  let current = skipOuterExpressions(receiver);
  while (ts.isCallExpression(current) && ts.isPropertyAccessExpression(skipOuterExpressions(current.expression))) current = skipOuterExpressions((skipOuterExpressions(current.expression) as ts.PropertyAccessExpression).expression);
  return current;
}

/**
 * The content type set on the response before the write: in the call chain
 * (`reply.type('text/html').send(x)`), or by an earlier statement of the same function on the same
 * object (`res.setHeader('Content-Type', 'text/html')`, `res.type('json')`). The last one wins.
 */
function declaredType(receiver: ts.Expression, owner: string, call: ts.CallExpression): 'html' | 'other' | undefined {
  for (let current = skipOuterExpressions(receiver); ts.isCallExpression(current); ) {
    const type = typeSetBy(current);
    if (type) return type;
    const callee = skipOuterExpressions(current.expression);
    if (!ts.isPropertyAccessExpression(callee)) break;
    current = skipOuterExpressions(callee.expression);
  }
  const fn = enclosingFunction(call);
  if (!fn) return undefined;
  let found: 'html' | 'other' | undefined;
  const visit = (node: ts.Node): void => {
    if (node.getStart() >= call.getStart()) return;
    if (ts.isCallExpression(node) && chainRoot(node).getText() === owner && node.getEnd() <= call.getStart()) {
      const type = typeSetBy(node);
      if (type) found = type;
    }
    if (!ts.isFunctionLike(node) || node === fn) ts.forEachChild(node, visit);
  };
  visit(fn);
  return found;
}

function typeSetBy(call: ts.CallExpression): 'html' | 'other' | undefined {
  const callee = skipOuterExpressions(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const [first, second] = call.arguments.map((argument) => skipOuterExpressions(argument));
  if (TYPE_SETTERS.has(method) && first && ts.isStringLiteralLike(first)) return HTML_TYPE.test(first.text) ? 'html' : 'other';
  if (!HEADER_SETTERS.has(method)) return undefined;
  if (first && ts.isStringLiteralLike(first) && first.text.toLowerCase() === CONTENT_TYPE && second && ts.isStringLiteralLike(second)) return HTML_TYPE.test(second.text) ? 'html' : 'other';
  for (const argument of call.arguments) {
    const headers = skipOuterExpressions(argument);
    const type = ts.isObjectLiteralExpression(headers) ? contentTypeIn(headers) : undefined;
    if (type !== undefined) return HTML_TYPE.test(type) ? 'html' : 'other';
  }
  return undefined;
}

function contentTypeIn(headers: ts.ObjectLiteralExpression): string | undefined {
  for (const property of headers.properties) {
    if (!ts.isPropertyAssignment(property)) continue;
    const name = ts.isIdentifier(property.name) || ts.isStringLiteral(property.name) ? property.name.text : undefined;
    const value = skipOuterExpressions(property.initializer);
    if (name?.toLowerCase() === CONTENT_TYPE) return ts.isStringLiteralLike(value) ? value.text : '';
  }
  return undefined;
}

function htmlTypeInOptions(options: ts.Expression): boolean {
  const value = skipOuterExpressions(options);
  if (!ts.isObjectLiteralExpression(value)) return false;
  for (const property of value.properties) {
    if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name) || property.name.text !== 'headers') continue;
    const headers = skipOuterExpressions(property.initializer);
    const type = ts.isObjectLiteralExpression(headers) ? contentTypeIn(headers) : undefined;
    return type !== undefined && HTML_TYPE.test(type);
  }
  return false;
}

/** `ctx.type = 'html'` before the write, in the same function. */
function koaTypeSet(owner: string, write: ts.Node): 'html' | 'other' | undefined {
  const fn = enclosingFunction(write);
  if (!fn) return undefined;
  let found: 'html' | 'other' | undefined;
  const visit = (node: ts.Node): void => {
    if (node.getStart() >= write.getStart()) return;
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const target = skipOuterExpressions(node.left);
      const value = skipOuterExpressions(node.right);
      if (ts.isPropertyAccessExpression(target) && KOA_TYPE_PROPERTIES.has(target.name.text) && chainRoot(target.expression).getText().startsWith(owner) && ts.isStringLiteralLike(value)) {
        found = HTML_TYPE.test(value.text) ? 'html' : 'other';
      }
    }
    if (!ts.isFunctionLike(node) || node === fn) ts.forEachChild(node, visit);
  };
  visit(fn);
  return found;
}

/** Literal text of a template or concatenation (followed through local constants) holding markup. */
function hasMarkup(expression: ts.Expression, depth: number): boolean {
  return literalTexts(expression, depth).some((text) => MARKUP.test(text));
}

function startsWithMarkup(expression: ts.Expression, depth: number): boolean {
  const first = literalTexts(expression, depth)[0];
  return first !== undefined && /^\s*</.test(first);
}

/** The literal pieces of a string expression, in order (empty for anything else). */
function literalTexts(expression: ts.Expression, depth: number): string[] {
  if (depth > MAX_DEPTH) return [];
  const value = skipOuterExpressions(expression);
  if (ts.isStringLiteralLike(value)) return [value.text];
  if (ts.isTemplateExpression(value)) {
    const texts = [value.head.text];
    for (const span of value.templateSpans) texts.push(span.literal.text);
    return texts;
  }
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken) return [...literalTexts(value.left, depth + 1), ...literalTexts(value.right, depth + 1)];
  if (ts.isIdentifier(value)) {
    const declaration = localDeclaration(value);
    if (declaration?.initializer && ts.isIdentifier(declaration.name)) return literalTexts(declaration.initializer, depth + 1);
  }
  // `'<p>'.concat(q)`, `[...].join('')`
  if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression)) {
    const method = value.expression.name.text;
    if (method === 'concat') return [...literalTexts(value.expression.expression, depth + 1), ...value.arguments.flatMap((argument) => literalTexts(argument, depth + 1))];
    if (method === 'join' && ts.isArrayLiteralExpression(skipOuterExpressions(value.expression.expression))) {
      return (skipOuterExpressions(value.expression.expression) as ts.ArrayLiteralExpression).elements.flatMap((element) => literalTexts(element, depth + 1));
    }
  }
  return [];
}

/**
 * A value that is text for sure: a template or concatenation, or one named request field
 * (`req.query.q`) rather than a whole input bag or an object built in code (which Express sends as JSON).
 */
function isText(expression: ts.Expression, origin: ValueOrigin): boolean {
  const value = skipOuterExpressions(expression);
  if (ts.isTemplateExpression(value) || (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken)) return true;
  if (ts.isObjectLiteralExpression(value) || ts.isArrayLiteralExpression(value)) return false;
  if (origin.kind !== 'tainted' || origin.fields || origin.taint.inputBag || origin.taint.requestObject) return false;
  // A value that went through a project function may be anything it returns: only a direct read counts.
  if (origin.taint.steps.some((step) => step.message.startsWith('returned from ') || step.message.startsWith('passed to '))) return false;
  return origin.taint.source.kind !== 'files' && origin.taint.source.kind !== 'request';
}

/**
 * Inputs the victim's browser sets or encodes itself on the request an attacker's link makes it
 * send: headers, cookies, uploaded files, and the URL and path (a browser sends `<` and `"` in them
 * percent-encoded, and Express does not decode req.url or req.path). Query values, path parameters
 * (decoded) and a form's body are the attacker's.
 */
const BROWSER_SET_INPUTS: ReadonlySet<string> = new Set(['headers', 'cookies', 'url', 'files', 'request']);

/**
 * The attacker-chosen request data a value carries into HTML, unescaped. A string built of pieces
 * (a template, a concatenation, a local it was built in) is judged piece by piece: the dataflow
 * joins a value's parts to its first tainted one, which may be an escaped or browser-set part.
 */
function unescapedTaint(originOf: (expression: ts.Expression) => ValueOrigin, value: ts.Expression): Taint | undefined {
  const inner = skipOuterExpressions(value);
  const taint = attackerTaint(originOf, inner, 0);
  // A whole body or query object (`res.send(req.body)`) is sent as JSON; a field of it is text.
  if (taint?.inputBag && !isStringBuild(inner)) return undefined;
  return taint;
}

function attackerTaint(originOf: (expression: ts.Expression) => ValueOrigin, value: ts.Expression, depth: number): Taint | undefined {
  const inner = skipOuterExpressions(value);
  if (depth < MAX_DEPTH && isStringBuild(inner)) {
    for (const piece of piecesOf(inner)) {
      const found = attackerTaint(originOf, piece, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  const taint = taintFor(originOf(inner), 'html');
  if (!taint) return undefined;
  if (!isEscaped(taint) && !taint.requestObject && !isBrowserSet(taint)) return taint;
  // `const page = '<p>' + req.path + '</p><p>' + req.query.ref`: the local's own pieces.
  const declaration = ts.isIdentifier(inner) && depth < MAX_DEPTH ? localDeclaration(inner) : undefined;
  return declaration?.initializer && ts.isIdentifier(declaration.name) ? attackerTaint(originOf, declaration.initializer, depth + 1) : undefined;
}

/** `new URL(req.url).searchParams.get('q')`: a query value read out of the request URL comes decoded, from the link. */
function isBrowserSet(taint: Taint): boolean {
  return BROWSER_SET_INPUTS.has(taint.source.kind) && !(taint.source.kind === 'url' && taint.transforms.some((transform) => transform === '.get()' || transform === '.getAll()'));
}

function inputLabel(taint: Taint): string {
  return taint.source.kind === 'url' && taint.transforms.some((transform) => transform === '.get()' || transform === '.getAll()') ? `(a query value of ${taint.source.label})` : taint.source.label;
}

function isStringBuild(value: ts.Expression): boolean {
  return ts.isTemplateExpression(value) || (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken);
}

function piecesOf(value: ts.Expression): ts.Expression[] {
  if (ts.isTemplateExpression(value)) return value.templateSpans.map((span) => span.expression);
  if (ts.isBinaryExpression(value)) return [value.left, value.right];
  return [];
}

/**
 * Escaped for HTML on the way: a pass-through the dataflow follows (`_.escape`, `encodeURIComponent`),
 * an escaping method it keeps as a transform (`validator.escape`), or a project helper named for it
 * (`escapeHtml(s)` returning `s.replace(...)`).
 */
function isEscaped(taint: Taint): boolean {
  if (taint.transforms.some((transform) => HTML_ESCAPING_TRANSFORMS.has(transform) || HTML_ESCAPER_NAME.test(transform.split('.').pop() ?? ''))) return true;
  return taint.steps.some((step) => {
    const helper = /^(?:returned from|through|made safe for \w+ sinks by) ([\w.$]+)\(\)/.exec(step.message)?.[1];
    return helper !== undefined && HTML_ESCAPER_NAME.test(helper.split('.').pop() ?? '');
  });
}
