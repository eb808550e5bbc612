import { ts } from '#typescript';
import type { TaintedCall, TaintedWrite } from '../engine/dataflow/engine.js';
import { taintFor, type Taint, type ValueOrigin } from '../engine/dataflow/taint.js';
import type { RuleContext } from '../engine/rule-api.js';
import { enclosingFunction, nodePosition, skipOuterExpressions } from '../engine/ast/syntax.js';
import { moduleCallee, resolveFunction } from '../engine/names/index.js';
import { lineEndOffset } from '../engine/source-text.js';
import { routeRef } from '../types.js';
import { defineRule } from './define-rule.js';
import { localDeclaration, modelledSinkCalls, reportTaintedSink, routeLabel, routeOfSink, sinkSpan } from './utils/tainted-sink.js';
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
import { NEST_RENDER_DECORATOR, NEXT_CONTEXT_URL_FIELDS, RAW_HTML_PASS_THROUGHS, NEXT_PAGE_URL_PROPS, NEXT_SERVER_PROPS_FUNCTION, RAW_HTML_KEY, RAW_HTML_PROP, REACT_SERVER_RENDERERS, VIEW_RENDER_METHODS } from '../models/view-templates.js';
import { viewIndexOf, type RawTemplateOutput, type ViewIndex } from '../engine/views.js';
import type { ScannedSourceFile, ScannedTextFile, TraceStep } from '../types.js';

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
        'Finds request data written unescaped into a response the browser renders as HTML: Express res.send of a string (HTML by default) or markup, res.write/res.end with markup or an HTML content type, Fastify reply.type("text/html").send, Koa ctx.body with markup, Hono c.html and raw(), a Response with a text/html content type, a NestJS handler returning markup, a view template printing a request-data local raw ({{{ }}}, <%- %>, !{}, | safe) after res.render/reply.view/ctx.render/@Render, and dangerouslySetInnerHTML given request data in a server-rendered React component or a Next.js page.',
      remediation:
        'Escape request data for HTML before writing it (escape-html, he.encode, a template engine with auto-escaping such as Hono html``, handlebars {{ }}, EJS <%= %>, Pug #{}), sanitize markup that must stay markup (DOMPurify.sanitize, sanitize-html) before dangerouslySetInnerHTML, or answer with res.json / a text/plain content type.',
    },
  },
  analyses: ['dataflow'],
  check(ctx) {
    const views = viewIndexOf(ctx.sourceFiles, ctx.textFiles);
    ctx.forEachIsolated(ctx.dataflow.taintedCalls(), (tainted) => tainted.file.path, (tainted) => {
      if (views.hasTemplates && checkViewRender(ctx, views, tainted)) return;
      if (checkServerRender(ctx, tainted)) return;
      const sink = htmlSink(ctx, tainted);
      if (!sink) return;
      const taint = unescapedTaint((expression) => tainted.originOf(expression), sink.value);
      if (!taint) return;
      reportTaintedSink(ctx, tainted, taint, `Request input ${inputLabel(taint)} is written unescaped into ${sink.how} in ${routeLabel(tainted)}: a link can run script in the site's origin for whoever opens it (reflected XSS).`, `${sink.name} writes it as HTML`, confidenceOf(taint));
    });

    ctx.forEachIsolated(ctx.dataflow.taintedWrites(), (write) => write.file.path, (write) => {
      if (views.hasTemplates && checkNestRender(ctx, views, write)) return;
      const sink = htmlWrite(write);
      if (!sink) return;
      const taint = unescapedTaint((expression) => write.originOf(expression), sink.value);
      if (!taint) return;
      reportAtWrite(ctx, write, taint, `Request input ${inputLabel(taint)} is written unescaped into ${sink.how} in ${routeLabel(write)}: a link can run script in the site's origin for whoever opens it (reflected XSS).`, [
        { file: write.file.path, ...nodePosition(write.node), message: `${sink.name} writes it as HTML` },
      ]);
    });

    const pages = ctx.sourceFiles.filter((file) => !file.outsideScan && file.text.includes(RAW_HTML_PROP) && NEXT_PAGE_FILE.test(file.path));
    ctx.forEachIsolated(pages, (file) => file.path, (file) => checkNextPage(ctx, file));

    // A project's own HTML writer that config `models` declares an html sink.
    for (const { tainted, taint, sinkName } of modelledSinkCalls(ctx, 'html')) {
      if (isEscaped(taint)) continue;
      reportTaintedSink(ctx, tainted, taint, `Request input ${taint.source.label} reaches ${sinkName}, an HTML sink, in ${routeLabel(tainted)}: unescaped, a link can run script in the site's origin (reflected XSS).`, `${sinkName} writes it as HTML`);
    }
  },
});

/** A view local that carries attacker-chosen request data, and the expression that set it (if one did). */
interface TaintedLocal {
  taint: Taint;
}

/**
 * `res.render('search', { q: req.query.q })` (Express), `ctx.render(...)` (koa-views),
 * `reply.view(...)` (@fastify/view): the view's template prints a tainted local raw. True when the
 * call is a view render (reported or not), so it is not judged again as a body write.
 */
function checkViewRender(ctx: RuleContext, views: ViewIndex, tainted: TaintedCall): boolean {
  const call = tainted.call;
  if (!ts.isCallExpression(call)) return false;
  const callee = skipOuterExpressions(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !VIEW_RENDER_METHODS.has(callee.name.text)) return false;
  const owner = responseObject(callee.expression, tainted) ?? koaRenderContext(callee.expression, tainted);
  if (!owner || owner.context === 'hono') return false;
  const [nameArgument, localsArgument] = call.arguments;
  const viewName = nameArgument && constantText(nameArgument);
  if (viewName === undefined || !localsArgument) return true;
  const template = views.resolve(viewName);
  if (!template) return true;
  const locals = taintedLocals((expression) => tainted.originOf(expression), localsArgument);
  const hit = firstRawHit(views, template, locals);
  if (!hit) return true;
  const { line, column } = nodePosition(call);
  const name = `${owner.text}.${callee.name.text}()`;
  ctx.report({
    file: tainted.file.path,
    ...sinkSpan(tainted),
    message: `Request input ${inputLabel(hit.taint)} is passed to the view '${viewName}' as \`${hit.local}\`, which ${template.path}:${hit.output.line} prints unescaped (${hit.output.text}) in ${routeLabel(tainted)}: a link can run script in the site's origin for whoever opens it (reflected XSS).`,
    trace: [
      ...hit.taint.steps,
      { file: tainted.file.path, line, column, message: `${name} renders ${template.path} with it as \`${hit.local}\`` },
      { file: template.path, line: hit.output.line, column: hit.output.column, message: `${hit.output.text} writes it without escaping` },
    ],
    ...routeOfSink(tainted, confidenceOf(hit.taint).confidence),
  });
  return true;
}

/** NestJS `@Render('index')`: the handler's return value is the view's locals. */
function checkNestRender(ctx: RuleContext, views: ViewIndex, write: TaintedWrite): boolean {
  if (!ts.isReturnStatement(write.node) || write.route.framework !== 'nestjs') return false;
  const method = enclosingFunction(write.node);
  if (!method || !ts.isMethodDeclaration(method)) return false;
  const decorator = (ts.getDecorators(method) ?? []).find((each) => ts.isCallExpression(each.expression) && ts.isIdentifier(each.expression.expression) && each.expression.expression.text === NEST_RENDER_DECORATOR);
  if (!decorator) return false;
  const nameArgument = (decorator.expression as ts.CallExpression).arguments[0];
  const viewName = nameArgument && constantText(nameArgument);
  const template = viewName === undefined ? undefined : views.resolve(viewName);
  if (!template) return true;
  const locals = taintedLocals((expression) => write.originOf(expression), write.value);
  const hit = firstRawHit(views, template, locals);
  if (!hit) return true;
  reportAtWrite(ctx, write, hit.taint, `Request input ${inputLabel(hit.taint)} is returned to the view '${viewName}' (@Render) as \`${hit.local}\`, which ${template.path}:${hit.output.line} prints unescaped (${hit.output.text}) in ${routeLabel(write)}: a link can run script in the site's origin for whoever opens it (reflected XSS).`, [
    { file: write.file.path, ...nodePosition(write.node), message: `@Render('${viewName}') renders ${template.path} with it as \`${hit.local}\`` },
    { file: template.path, line: hit.output.line, column: hit.output.column, message: `${hit.output.text} writes it without escaping` },
  ]);
  return true;
}

/** A finding at a tainted write (an assignment, a handler's return): its first line, the taint's steps, then `sinkSteps`. */
function reportAtWrite(ctx: RuleContext, write: TaintedWrite, taint: Taint, message: string, sinkSteps: TraceStep[]): void {
  const start = write.node.getStart();
  ctx.report({
    file: write.file.path,
    start,
    end: Math.min(write.node.getEnd(), lineEndOffset(write.file.text, start)),
    message,
    trace: [...taint.steps, ...sinkSteps],
    ...confidenceOf(taint),
    ...(write.route.unmounted ? { confidence: 'medium' as const } : { route: routeRef(write.route) }),
  });
}

/** koa-views puts `render` on the context: `ctx.render(...)` where the dataflow knows `ctx`. */
function koaRenderContext(receiver: ts.Expression, tainted: TaintedCall): { text: string; context?: 'koa' } | undefined {
  const root = skipOuterExpressions(receiver);
  return ts.isIdentifier(root) && tainted.route.framework === 'koa' && (root.text === 'ctx' || root.text === 'context') ? { text: root.text, context: 'koa' } : undefined;
}

/** A view name: a string literal, or a local constant holding one. */
function constantText(expression: ts.Expression): string | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isStringLiteralLike(value)) return value.text;
  if (ts.isIdentifier(value)) {
    const declaration = localDeclaration(value);
    const initializer = declaration?.initializer && skipOuterExpressions(declaration.initializer);
    if (initializer && ts.isStringLiteralLike(initializer)) return initializer.text;
  }
  return undefined;
}

/**
 * The locals a render hands a view that carry attacker-chosen request data, unescaped: each
 * property of an object literal judged on its own (`{ q: escapeHtml(req.query.q) }` is safe), the
 * fields of an object built in code, or every name when the locals are a whole input
 * (`res.render('page', req.query)`: the client picks every local's value). Key `*` is that last case.
 */
function taintedLocals(originOf: (expression: ts.Expression) => ValueOrigin, localsExpression: ts.Expression): Map<string, TaintedLocal> {
  const locals = new Map<string, TaintedLocal>();
  const value = skipOuterExpressions(localsExpression);
  if (ts.isObjectLiteralExpression(value)) {
    for (const property of value.properties) {
      if (ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property)) {
        const name = ts.isIdentifier(property.name) || ts.isStringLiteralLike(property.name) ? property.name.text : undefined;
        const expression = ts.isPropertyAssignment(property) ? property.initializer : property.name;
        const taint = name === undefined ? undefined : attackerTaint(originOf, expression, 0);
        if (name !== undefined && taint) locals.set(name, { taint });
      } else if (ts.isSpreadAssignment(property)) {
        for (const [name, local] of localsOfOrigin(originOf(property.expression))) locals.set(name, local);
      }
    }
    return locals;
  }
  return localsOfOrigin(originOf(value));
}

function localsOfOrigin(origin: ValueOrigin): Map<string, TaintedLocal> {
  const locals = new Map<string, TaintedLocal>();
  if (origin.kind !== 'tainted') return locals;
  if (origin.fields) {
    for (const [name, field] of Object.entries(origin.fields)) {
      const taint = taintFor(field, 'html');
      if (taint && !isEscaped(taint) && !taint.requestObject && !isBrowserSet(taint)) locals.set(name, { taint });
    }
    return locals;
  }
  const taint = taintFor(origin, 'html');
  // A whole body, query or params object: the client names the keys, so every local is its choice.
  if (taint && taint.inputBag && !isEscaped(taint) && !isBrowserSet(taint)) locals.set('*', { taint });
  return locals;
}

function firstRawHit(views: ViewIndex, template: ScannedTextFile, locals: ReadonlyMap<string, TaintedLocal>): { output: RawTemplateOutput; local: string; taint: Taint } | undefined {
  if (locals.size === 0) return undefined;
  const any = locals.get('*');
  for (const output of views.rawOutputs(template)) {
    for (const name of output.names) {
      const local = locals.get(name);
      if (local) return { output, local: name, taint: local.taint };
      // The whole input is the locals: the printed name is the field the client sets (`req.query.status`).
      if (any) return { output, local: name, taint: { ...any.taint, source: { ...any.taint.source, label: `${any.taint.source.label}.${name}` } } };
    }
  }
  return undefined;
}

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

/**
 * What decodes a request URL or reads a decoded value out of it: `new URL(req.url).searchParams.get('q')`,
 * `url.parse(req.url, true).query.q`, `querystring.parse(...)`, `qs.parse(...)`, `decodeURIComponent(req.path)`.
 * A value read so comes from the link as its author wrote it, `<` and `"` included.
 */
const URL_DECODING = new Set(['.get()', '.getAll()', 'url.parse', 'querystring.parse', 'querystring.decode', 'qs.parse', 'decodeURIComponent', 'decodeURI', 'unescape', 'new URLSearchParams']);

function decodedFromUrl(taint: Taint): boolean {
  return taint.source.kind === 'url' && taint.transforms.some((transform) => URL_DECODING.has(transform));
}

function isBrowserSet(taint: Taint): boolean {
  return BROWSER_SET_INPUTS.has(taint.source.kind) && !decodedFromUrl(taint);
}

function inputLabel(taint: Taint): string {
  return decodedFromUrl(taint) ? `(a value decoded from ${taint.source.label})` : taint.source.label;
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

// --- React server rendering and Next.js pages: dangerouslySetInnerHTML --------------------------

/** What reaches a component prop: the request data it carries and the steps that brought it. */
interface PropSource {
  label: string;
  steps: readonly TraceStep[];
  confidence?: 'medium';
}

/** The props of a component that hold request data: by name, or `*` for every prop (a spread of a whole input). */
type PropSources = ReadonlyMap<string, PropSource>;

const MAX_COMPONENT_DEPTH = 3;

/**
 * `renderToString(<Page q={req.query.q} />)` in a route handler: the component (followed into the
 * components it renders) writes a prop holding request data with dangerouslySetInnerHTML.
 */
function checkServerRender(ctx: RuleContext, tainted: TaintedCall): boolean {
  const call = tainted.call;
  if (!ts.isCallExpression(call)) return false;
  const imported = moduleCallee(ctx, tainted.file, call.expression);
  if (!imported || !REACT_SERVER_RENDERERS.some((renderer) => renderer.module === imported.module && renderer.functions.includes(imported.members.join('.')))) return false;
  const element = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
  if (!element || !(ts.isJsxElement(element) || ts.isJsxSelfClosingElement(element))) return true;
  const { line, column } = nodePosition(call);
  const renderStep: TraceStep = { file: tainted.file.path, line, column, message: `${imported.members.join('.')}() renders it on the server` };
  const props = new Map<string, PropSource>();
  const attributes = ts.isJsxElement(element) ? element.openingElement.attributes : element.attributes;
  for (const attribute of attributes.properties) {
    if (ts.isJsxSpreadAttribute(attribute)) {
      for (const [name, local] of localsOfOrigin(tainted.originOf(attribute.expression))) props.set(name, { label: inputLabel(local.taint), steps: [...local.taint.steps, renderStep], ...confidenceOf(local.taint) });
      continue;
    }
    const initializer = attribute.initializer;
    if (!ts.isIdentifier(attribute.name) || !initializer || !ts.isJsxExpression(initializer) || !initializer.expression) continue;
    const taint = attackerTaint((expression) => tainted.originOf(expression), initializer.expression, 0);
    if (taint) props.set(attribute.name.text, { label: inputLabel(taint), steps: [...taint.steps, renderStep], ...confidenceOf(taint) });
  }
  if (props.size === 0) return true;
  const tag = ts.isJsxElement(element) ? element.openingElement.tagName : element.tagName;
  const component = ts.isJsxNamespacedName(tag) ? undefined : resolveFunction(ctx.modules, tainted.file, tag);
  if (!component) return true;
  for (const hit of rawHtmlInComponent(ctx, component.file, component.node, props, 0)) {
    reportRawHtml(ctx, hit, `in ${routeLabel(tainted)}`, routeOfSink(tainted, hit.source.confidence));
  }
  return true;
}

/** `app/.../page.tsx` (App Router) and any page under `pages/` outside `pages/api` (Pages Router). */
const NEXT_PAGE_FILE = /(?:^|\/)(?:app\/(?:.*\/)?page\.[jt]sx?$|pages\/(?!api\/).*\.[jt]sx?$)/;

/**
 * A Next.js page: the App Router hands the page component the URL as `searchParams` and `params`;
 * the Pages Router hands it what getServerSideProps returns, read from `context.query`.
 */
function checkNextPage(ctx: RuleContext, file: ScannedSourceFile): void {
  const page = defaultExportedFunction(file);
  if (!page) return;
  const appRouter = /(?:^|\/)app\//.test(file.path) && /page\.[jt]sx?$/.test(file.path);
  const props = new Map<string, PropSource>();
  if (appRouter) {
    const parameter = page.parameters[0];
    for (const name of NEXT_PAGE_URL_PROPS) {
      const { line, column } = nodePosition(parameter ?? page);
      props.set(name, { label: `${name} (the page URL's ${name === 'params' ? 'path segments' : 'query string'})`, steps: [{ file: file.path, line, column, message: `request input ${name} of the page ${file.path}` }] });
    }
  } else {
    for (const [name, source] of serverSideProps(file)) props.set(name, source);
  }
  if (props.size === 0) return;
  for (const hit of rawHtmlInComponent(ctx, file, page, props, 0)) reportRawHtml(ctx, hit, `on the Next.js page ${file.path}`, {});
}

function defaultExportedFunction(file: ScannedSourceFile): ResolvedFunctionNode | undefined {
  for (const statement of file.sourceFile.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.DefaultKeyword)) return statement;
    if (ts.isExportAssignment(statement) && !statement.isExportEquals) {
      const value = skipOuterExpressions(statement.expression);
      if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) return value;
      if (ts.isIdentifier(value)) return localFunction(file, value.text);
    }
  }
  return undefined;
}

type ResolvedFunctionNode = ts.SignatureDeclaration & { body?: ts.ConciseBody | ts.Block };

function localFunction(file: ScannedSourceFile, name: string): ResolvedFunctionNode | undefined {
  for (const statement of file.sourceFile.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name?.text === name) return statement;
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || declaration.name.text !== name || !declaration.initializer) continue;
      let value = skipOuterExpressions(declaration.initializer);
      // `const Page = memo((props) => ...)`, `withLayout(function Page() {...})`
      if (ts.isCallExpression(value) && value.arguments[0]) value = skipOuterExpressions(value.arguments[0]);
      if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) return value;
    }
  }
  return undefined;
}

/** `export async function getServerSideProps(context) { return { props: { q: context.query.q } } }`. */
function serverSideProps(file: ScannedSourceFile): Map<string, PropSource> {
  const props = new Map<string, PropSource>();
  const loader = localFunction(file, NEXT_SERVER_PROPS_FUNCTION);
  if (!loader?.body) return props;
  const roots = parameterRoots(loader.parameters[0], (member) => NEXT_CONTEXT_URL_FIELDS.includes(member), `${NEXT_SERVER_PROPS_FUNCTION}(context)`);
  const visit = (node: ts.Node): void => {
    if (ts.isReturnStatement(node) && node.expression) {
      const returned = skipOuterExpressions(node.expression);
      const propsProperty = ts.isObjectLiteralExpression(returned) ? returned.properties.find((property) => property.name && ts.isIdentifier(property.name) && property.name.text === 'props') : undefined;
      const value = propsProperty && ts.isPropertyAssignment(propsProperty) ? skipOuterExpressions(propsProperty.initializer) : undefined;
      if (value && ts.isObjectLiteralExpression(value)) {
        for (const property of value.properties) {
          if (!(ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property)) || !ts.isIdentifier(property.name)) continue;
          const expression = ts.isPropertyAssignment(property) ? property.initializer : property.name;
          const label = derivedFrom(expression, roots, 0);
          if (!label) continue;
          const { line, column } = nodePosition(expression);
          props.set(property.name.text, { label, steps: [{ file: file.path, line, column, message: `request input ${label}` }, { file: file.path, line, column, message: `${NEXT_SERVER_PROPS_FUNCTION} returns it as the page's prop ${property.name.text}` }] });
        }
      }
    }
    if (!ts.isFunctionLike(node) || node === loader) ts.forEachChild(node, visit);
  };
  visit(loader);
  return props;
}

/** Names that hold request data in a function: locals bound to it, and `props.x` / `context.query` members. */
interface Roots {
  names: Map<string, string>;
  members: Map<string, (member: string) => string | undefined>;
}

/**
 * The roots a component's (or loader's) first parameter gives: `({ q, user: { bio } })` binds
 * `q` and `bio`; `(props)` makes `props.q` one. `isSource(name)` says which props hold request data.
 */
function parameterRoots(parameter: ts.ParameterDeclaration | undefined, isSource: (name: string) => string | undefined | boolean, owner: string): Roots {
  const roots: Roots = { names: new Map(), members: new Map() };
  if (!parameter) return roots;
  const labelOf = (name: string): string | undefined => {
    const answer = isSource(name);
    return answer === true ? `${owner}.${name}` : answer || undefined;
  };
  const bindAll = (name: ts.BindingName, label: string): void => {
    if (ts.isIdentifier(name)) roots.names.set(name.text, label);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bindAll(element.name, label);
  };
  if (ts.isIdentifier(parameter.name)) {
    roots.members.set(parameter.name.text, labelOf);
  } else if (ts.isObjectBindingPattern(parameter.name)) {
    for (const element of parameter.name.elements) {
      const prop = element.propertyName && (ts.isIdentifier(element.propertyName) || ts.isStringLiteral(element.propertyName)) ? element.propertyName.text : ts.isIdentifier(element.name) ? element.name.text : undefined;
      const label = prop === undefined ? undefined : labelOf(prop);
      if (label) bindAll(element.name, label);
    }
  }
  return roots;
}

/**
 * The request data an expression is built from, by syntax within one function: a root name, a
 * member of a root object, a local declared from one, and what a call makes of them, except a
 * call whose name says it escapes or sanitizes for HTML (DOMPurify.sanitize, sanitizeHtml, xss,
 * escapeHtml, he.encode): its result is safe markup.
 */
function derivedFrom(expression: ts.Expression, roots: Roots, depth: number): string | undefined {
  if (depth > 8) return undefined;
  const value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value)) {
    const root = roots.names.get(value.text);
    if (root) return root;
    const declaration = localDeclaration(value);
    return declaration?.initializer ? derivedFrom(declaration.initializer, roots, depth + 1) : undefined;
  }
  if (ts.isPropertyAccessExpression(value) || ts.isElementAccessExpression(value)) {
    const object = skipOuterExpressions(value.expression);
    const member = ts.isPropertyAccessExpression(value) ? value.name.text : ts.isStringLiteralLike(value.argumentExpression) ? value.argumentExpression.text : undefined;
    if (ts.isIdentifier(object) && roots.members.has(object.text)) return member === undefined ? undefined : roots.members.get(object.text)!(member);
    return derivedFrom(value.expression, roots, depth + 1);
  }
  if (ts.isAwaitExpression(value)) return derivedFrom(value.expression, roots, depth + 1);
  if (ts.isCallExpression(value)) {
    const callee = skipOuterExpressions(value.expression);
    const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
    if (HTML_ESCAPER_NAME.test(name) || (ts.isPropertyAccessExpression(callee) && HTML_ESCAPER_NAME.test(callee.expression.getText()))) return undefined;
    // A method of the value itself (`q.trim()`, `searchParams.get('q')`, `list.join('<br>')`) keeps it.
    const receiver = ts.isPropertyAccessExpression(callee) ? derivedFrom(callee.expression, roots, depth + 1) : undefined;
    if (receiver) return receiver;
    // Conversions and markdown renderers pass their argument on; other calls (a fetch or a
    // database read by an id from the URL) return stored data.
    if (!RAW_HTML_PASS_THROUGHS.includes(callee.getText().replace(/\s+/g, ''))) return undefined;
    for (const argument of value.arguments) {
      const found = derivedFrom(argument, roots, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (ts.isTemplateExpression(value)) {
    for (const span of value.templateSpans) {
      const found = derivedFrom(span.expression, roots, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (ts.isBinaryExpression(value) && [ts.SyntaxKind.PlusToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(value.operatorToken.kind)) {
    return derivedFrom(value.left, roots, depth + 1) ?? derivedFrom(value.right, roots, depth + 1);
  }
  if (ts.isConditionalExpression(value)) return derivedFrom(value.whenTrue, roots, depth + 1) ?? derivedFrom(value.whenFalse, roots, depth + 1);
  return undefined;
}

interface RawHtmlHit {
  file: ScannedSourceFile;
  attribute: ts.JsxAttribute;
  source: PropSource;
  /** The prop or URL input it came from. */
  label: string;
}

/**
 * Every dangerouslySetInnerHTML in a component whose __html is built from a prop holding request
 * data, and in the components it passes such a prop to (a few levels down).
 */
function rawHtmlInComponent(ctx: RuleContext, file: ScannedSourceFile, component: ResolvedFunctionNode, props: PropSources, depth: number): RawHtmlHit[] {
  if (!component.body || depth > MAX_COMPONENT_DEPTH) return [];
  const anyProp = props.get('*');
  const roots = parameterRoots(component.parameters[0], (name) => (props.get(name) ?? anyProp) ? name : undefined, 'props');
  if (roots.names.size === 0 && roots.members.size === 0) return [];
  const sourceOf = (label: string): PropSource => props.get(label) ?? anyProp ?? props.values().next().value!;
  const hits: RawHtmlHit[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isJsxAttribute(node) && ts.isIdentifier(node.name) && node.name.text === RAW_HTML_PROP) {
      const html = rawHtmlValue(node);
      const prop = html && derivedFrom(html, roots, 0);
      if (prop) hits.push({ file, attribute: node, source: sourceOf(propName(prop)), label: propName(prop) });
    } else if ((ts.isJsxSelfClosingElement(node) || ts.isJsxOpeningElement(node)) && depth < MAX_COMPONENT_DEPTH && /^[A-Z]/.test(node.tagName.getText())) {
      // `<Bio text={q} />`: follow the prop into the child component.
      const childProps = new Map<string, PropSource>();
      for (const attribute of node.attributes.properties) {
        if (!ts.isJsxAttribute(attribute) || !ts.isIdentifier(attribute.name) || !attribute.initializer || !ts.isJsxExpression(attribute.initializer) || !attribute.initializer.expression) continue;
        const prop = derivedFrom(attribute.initializer.expression, roots, 0);
        if (!prop) continue;
        const source = sourceOf(propName(prop));
        const { line, column } = nodePosition(attribute);
        childProps.set(attribute.name.text, { ...source, steps: [...source.steps, { file: file.path, line, column, message: `passed to <${node.tagName.getText()}> as ${attribute.name.text}` }] });
      }
      const child = childProps.size > 0 && !ts.isJsxNamespacedName(node.tagName) ? resolveFunction(ctx.modules, file, node.tagName) : undefined;
      if (child && child.node !== component) hits.push(...rawHtmlInComponent(ctx, child.file, child.node, childProps, depth + 1));
    }
    ts.forEachChild(node, visit);
  };
  visit(component.body);
  return hits;
}

/** `props.q` labels as `props.q`; a bound name is its prop. */
function propName(label: string): string {
  return label.startsWith('props.') ? label.slice('props.'.length) : label;
}

/** `dangerouslySetInnerHTML={{ __html: x }}`, or a local object `const markup = { __html: x }`. */
function rawHtmlValue(attribute: ts.JsxAttribute): ts.Expression | undefined {
  const initializer = attribute.initializer;
  if (!initializer || !ts.isJsxExpression(initializer) || !initializer.expression) return undefined;
  let value = skipOuterExpressions(initializer.expression);
  if (ts.isIdentifier(value)) {
    const declaration = localDeclaration(value);
    if (declaration?.initializer) value = skipOuterExpressions(declaration.initializer);
  }
  if (!ts.isObjectLiteralExpression(value)) return undefined;
  for (const property of value.properties) {
    if (ts.isPropertyAssignment(property) && ts.isIdentifier(property.name) && property.name.text === RAW_HTML_KEY) return property.initializer;
    if (ts.isShorthandPropertyAssignment(property) && property.name.text === RAW_HTML_KEY) return property.name;
  }
  return undefined;
}

function reportRawHtml(ctx: RuleContext, hit: RawHtmlHit, where: string, extra: { route?: ReturnType<typeof routeRef>; confidence?: 'high' | 'medium' | 'low' }): void {
  const start = hit.attribute.getStart();
  const { line, column } = nodePosition(hit.attribute);
  ctx.report({
    file: hit.file.path,
    start,
    end: Math.min(hit.attribute.getEnd(), lineEndOffset(hit.file.text, start)),
    message: `Request input ${hit.source.label} reaches dangerouslySetInnerHTML (as the prop ${hit.label}) ${where}: React writes __html without escaping, so a link can run script in the site's origin for whoever opens it (reflected XSS).`,
    trace: [...hit.source.steps, { file: hit.file.path, line, column, message: 'dangerouslySetInnerHTML writes it as HTML' }],
    ...(hit.source.confidence ? { confidence: hit.source.confidence } : {}),
    ...extra,
  });
}
