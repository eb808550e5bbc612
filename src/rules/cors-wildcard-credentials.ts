import { ts } from '#typescript';
import { bindingValue, importedValue, localConstInitializer, localDeclaration } from '../engine/names/index.js';
import { enclosingFunction, propertyNameText, propertyValue, skipOuterExpressions } from '../engine/ast/syntax.js';
import type { RuleContext } from '../engine/rule-api.js';
import { ALLOW_CREDENTIALS_HEADER, ALLOW_ORIGIN_HEADER, CORS_LIBRARIES, HEADER_SETTERS, NEST_CORS, type CorsLibrary } from '../models/cors.js';
import type { ScannedSourceFile, Severity } from '../types.js';
import { defineRule } from './define-rule.js';
import { inDevelopmentBranch } from './utils/development-guards.js';

/** The parts of a CORS library's behaviour the judgement needs (a Nest app has no package entry of its own). */
type CorsSemantics = Pick<CorsLibrary, 'defaultOrigin' | 'wildcardWithCredentials' | 'originFunction'>;

/** Why an origin setting lets any site make credentialed requests, for the message. */
interface PermissiveOrigin {
  /** reflect: any origin is echoed back; null: sandboxed frames and file: pages match; wildcard: a literal '*'; regex: attacker domains match. */
  kind: 'reflect' | 'null' | 'wildcard' | 'regex';
  /** What the code says and what it does, in words. */
  detail: string;
  node: ts.Node;
}

const MAX_DEPTH = 4;

/**
 * Calls and comparisons that decide on an origin: an allowlist lookup, a regex test, an equality.
 * A function or handler containing one is judged to check the origin (its exact logic is not proved).
 */
const CHECK_METHODS = new Set(['includes', 'indexOf', 'has', 'test', 'exec', 'match', 'some', 'find', 'findIndex', 'every', 'startsWith', 'endsWith', 'get']);
const COMPARISONS = new Set([ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken, ts.SyntaxKind.AmpersandAmpersandToken]);

export default defineRule({
  meta: {
    id: 'cors-wildcard-credentials',
    title: 'CORS allows credentials for any origin',
    severity: 'high',
    confidence: 'high',
    controls: {
      soc2: ['CC6.6'],
      owaspApi: ['API8:2023'],
      cwe: ['CWE-942'],
      pciDss: ['6.2.4'],
      hipaa: ['164.312(a)(1)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description:
        'Finds CORS configurations that allow credentials (cookies, HTTP auth) together with an origin policy any site passes: origin true, a function that approves every origin, the reflected request Origin header, an unanchored regex, the null origin, or a wildcard (cors, @fastify/cors, @koa/cors, hono/cors, NestJS enableCors and create options, hand-written Access-Control-Allow-* headers).',
      remediation:
        'Allow credentials only for an explicit allowlist of origins (an array of exact origins, often read from configuration, or a function that checks the origin against that list or a fully anchored regex).',
    },
  },
  analyses: [],
  create(ctx) {
    let calls: ts.CallExpression[] = [];
    let objects: ts.ObjectLiteralExpression[] = [];
    return {
      enterSourceFile(file) {
        // Every form the rule reads names one of these words; most files name none.
        if (!/cors|access-control-allow-origin/i.test(file.text)) return false;
        calls = [];
        objects = [];
      },
      nodes: {
        [ts.SyntaxKind.CallExpression]: (node) => calls.push(node as ts.CallExpression),
        [ts.SyntaxKind.ObjectLiteralExpression]: (node) => objects.push(node as ts.ObjectLiteralExpression),
      },
      exitSourceFile(file) {
        for (const call of calls) judgeLibraryCall(ctx, file, call);
        judgeHandWrittenHeaders(ctx, file, calls, objects);
        calls = [];
        objects = [];
      },
    };
  },
});

/** `cors({...})`, `app.register(fastifyCors, {...})`, `app.enableCors({...})`, `NestFactory.create(M, { cors: {...} })`. */
function judgeLibraryCall(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression): void {
  const callee = skipOuterExpressions(call.expression);
  const imported = importedValue(ctx.modules, file, callee);
  const called = imported && CORS_LIBRARIES.find((library) => library.form === 'call' && library.packages.includes(imported.module) && library.exportName === imported.name);
  if (called) return judgeOptions(ctx, file, call, call.arguments[0], called, imported!.module);
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'register' && call.arguments[0]) {
    const plugin = importedValue(ctx.modules, file, call.arguments[0]);
    const registered = plugin && CORS_LIBRARIES.find((library) => library.form === 'register' && library.packages.includes(plugin.module) && library.exportName === plugin.name);
    if (registered) return judgeOptions(ctx, file, call, call.arguments[1], registered, plugin!.module);
  }
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === NEST_CORS.enableMethod && file.text.includes('@nestjs/')) {
    return judgeOptions(ctx, file, call, call.arguments[0], NEST_CORS.semantics, `NestJS ${NEST_CORS.enableMethod}`);
  }
  if (imported?.module === NEST_CORS.package && imported.name === `${NEST_CORS.factory}.${NEST_CORS.createMethod}`) {
    // The options object follows the module and an optional adapter: `create(AppModule, new FastifyAdapter(), { cors })`.
    for (const argument of call.arguments.slice(1)) {
      const options = objectOf(ctx, file, argument);
      const cors = options && propertyValue(options, NEST_CORS.createOption);
      if (cors) judgeOptions(ctx, file, call, cors, NEST_CORS.semantics, `NestFactory.create ${NEST_CORS.createOption} option`);
    }
  }
}

function judgeOptions(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression, argument: ts.Expression | undefined, semantics: CorsSemantics, library: string): void {
  // `cors()` without options never allows credentials; `cors: true` is the defaults (no credentials).
  const options = argument && objectOf(ctx, file, argument);
  if (!options) return;
  const credentials = propertyValue(options, 'credentials');
  if (!credentials || !isTrue(ctx, file, credentials)) return;
  const originValue = propertyValue(options, 'origin');
  const origin = originValue
    ? permissiveOrigin(ctx, file, originValue, semantics, 0)
    : semantics.defaultOrigin === 'reflect'
      ? { kind: 'reflect' as const, detail: 'no origin option, so it answers with the request Origin header', node: options }
      : { kind: 'wildcard' as const, detail: "no origin option, so the default '*'", node: options };
  if (!origin) return;
  const at = originValue ? origin.node : call;
  report(ctx, file, at, `${library} allows credentials (credentials: true) with ${origin.detail}`, origin.kind);
}

function report(ctx: RuleContext, file: ScannedSourceFile, node: ts.Node, what: string, kind: PermissiveOrigin['kind']): void {
  // `if (isProduction) { allowlist } else { origin: true }`: a developer's machine, never the deployed API.
  if (inDevelopmentBranch(node)) return;
  const severity: Severity = kind === 'wildcard' ? 'medium' : 'high';
  const consequence =
    kind === 'wildcard'
      ? "browsers refuse credentialed responses with a literal '*', so this fails closed today, but it declares that every site may send the user's cookies; the usual fix for the browser error (echoing the Origin) opens it"
      : "any website a signed-in user visits can send requests with the user's cookies and read the responses";
  ctx.report({
    file: file.path,
    start: node.getStart(file.sourceFile),
    end: node.getEnd(),
    message: `${what}: ${consequence}.`,
    severity,
  });
}

/** The origin setting as written, judged against the library's semantics; undefined when it is an allowlist or unknown. */
function permissiveOrigin(ctx: RuleContext, file: ScannedSourceFile, expression: ts.Expression, semantics: CorsSemantics, depth: number): PermissiveOrigin | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const value = skipOuterExpressions(expression);
  if (value.kind === ts.SyntaxKind.TrueKeyword) return { kind: 'reflect', detail: 'origin: true, which answers with the request Origin header', node: value };
  if (ts.isStringLiteralLike(value)) {
    if (value.text === 'null') return { kind: 'null', detail: "origin 'null', which sandboxed iframes and file: pages of any site send", node: value };
    if (value.text === '*') {
      return semantics.wildcardWithCredentials === 'reflect'
        ? { kind: 'reflect', detail: "origin '*', which this library turns into the request Origin header when credentials are on", node: value }
        : { kind: 'wildcard', detail: "origin '*'", node: value };
    }
    return undefined;
  }
  const pattern = regexSource(value);
  if (pattern !== undefined) {
    const weakness = regexWeakness(pattern);
    return weakness ? { kind: 'regex', detail: `origin ${value.getText(file.sourceFile)}, ${weakness}`, node: value } : undefined;
  }
  if (ts.isArrayLiteralExpression(value)) {
    // Libraries compare array entries exactly (a '*' entry matches nothing); regexes and 'null' are the risk.
    for (const element of value.elements) {
      const entry = skipOuterExpressions(element as ts.Expression);
      if (ts.isStringLiteralLike(entry) && entry.text === '*') continue;
      const found = permissiveOrigin(ctx, file, entry, semantics, depth + 1);
      if (found && found.kind !== 'wildcard') return found;
    }
    return undefined;
  }
  if (ts.isArrowFunction(value) || ts.isFunctionExpression(value) || ts.isFunctionDeclaration(value)) {
    const approval = approvesEveryOrigin(value, semantics);
    return approval ? { kind: 'reflect', detail: `an origin function that ${approval} without checking it`, node: value } : undefined;
  }
  if (ts.isIdentifier(value)) {
    const resolved = valueOf(ctx, file, value);
    return resolved ? permissiveOrigin(ctx, file, resolved, semantics, depth + 1) : undefined;
  }
  return undefined;
}

/** How a function origin approves every request origin (`cb(null, true)`, `return origin`), or undefined when it checks or cannot be read. */
function approvesEveryOrigin(fn: ts.SignatureDeclaration & { body?: ts.ConciseBody }, semantics: CorsSemantics): string | undefined {
  if (!fn.body || containsCheck(fn.body)) return undefined;
  const originName = fn.parameters[0] && ts.isIdentifier(fn.parameters[0].name) ? fn.parameters[0].name.text : undefined;
  const callbackName = fn.parameters[1] && ts.isIdentifier(fn.parameters[1].name) ? fn.parameters[1].name.text : undefined;
  const approves = (answer: ts.Expression | undefined): boolean => {
    if (!answer) return false;
    const value = skipOuterExpressions(answer);
    if (value.kind === ts.SyntaxKind.TrueKeyword) return true;
    if (originName && ts.isIdentifier(value) && value.text === originName) return true;
    return semantics.originFunction.includes('context') && isOriginRead(value, 0);
  };
  let found: string | undefined;
  const visit = (node: ts.Node): void => {
    if (found || (node !== fn && ts.isFunctionLike(node) && !ts.isArrowFunction(node))) return;
    if (semantics.originFunction.includes('callback') && callbackName && ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === callbackName && approves(node.arguments[1])) {
      found = `calls ${callbackName}(null, ${node.arguments[1]!.getText()}) for every origin`;
    }
    const returnsValue = semantics.originFunction.includes('return') || semantics.originFunction.includes('context');
    if (returnsValue && ts.isReturnStatement(node) && approves(node.expression)) found = `returns ${node.expression!.getText()} for every origin`;
    ts.forEachChild(node, visit);
  };
  if (!ts.isBlock(fn.body)) {
    if ((semantics.originFunction.includes('return') || semantics.originFunction.includes('context')) && approves(fn.body as ts.Expression)) return `returns ${fn.body.getText()} for every origin`;
  }
  visit(fn.body);
  return found;
}

/** Any branch, comparison or lookup in a body: the function decides something, so it is not judged an open reflection. */
function containsCheck(body: ts.Node): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isIfStatement(node) || ts.isConditionalExpression(node) || ts.isSwitchStatement(node)) found = true;
    else if (ts.isBinaryExpression(node) && COMPARISONS.has(node.operatorToken.kind)) found = true;
    else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && CHECK_METHODS.has(node.expression.name.text) && !isOriginRead(node, 0)) found = true;
    else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && /allow|valid|check|trust|permit/i.test(node.expression.text)) found = true;
    else ts.forEachChild(node, visit);
  };
  visit(body);
  return found;
}

/** The request's Origin header: `req.headers.origin`, `req.get('origin')`, `ctx.request.header.origin`, `c.req.header('Origin')`, `request.headers.get('origin')`. */
function isOriginRead(expression: ts.Expression, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  const value = skipOuterExpressions(expression);
  if (ts.isPropertyAccessExpression(value)) return value.name.text.toLowerCase() === 'origin' && /headers?$/i.test(headerOwner(value.expression));
  if (ts.isElementAccessExpression(value)) {
    const key = value.argumentExpression;
    return ts.isStringLiteralLike(key) && key.text.toLowerCase() === 'origin' && /headers?$/i.test(headerOwner(value.expression));
  }
  if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression)) {
    const first = value.arguments[0];
    return ['get', 'header', 'getHeader'].includes(value.expression.name.text) && !!first && ts.isStringLiteralLike(first) && first.text.toLowerCase() === 'origin';
  }
  // `req.headers.origin || '*'`: still the request's origin whenever one is sent.
  if (ts.isBinaryExpression(value) && (value.operatorToken.kind === ts.SyntaxKind.BarBarToken || value.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) return isOriginRead(value.left, depth + 1);
  if (ts.isIdentifier(value)) {
    const declaration = localDeclaration(value);
    if (!declaration?.initializer) return false;
    // `const { origin } = req.headers`
    if (ts.isObjectBindingPattern(declaration.name)) {
      const element = declaration.name.elements.find((item) => ts.isIdentifier(item.name) && item.name.text === value.text);
      const key = element && (element.propertyName ? propertyNameText(element.propertyName) : value.text);
      return key?.toLowerCase() === 'origin' && /headers?$/i.test(headerOwner(declaration.initializer));
    }
    return isOriginRead(declaration.initializer, depth + 1);
  }
  return false;
}

/** The text of the object an `.origin` is read from, without `?.`/`!`: `req.headers`, `ctx.request.header`. */
function headerOwner(expression: ts.Expression): string {
  const value = skipOuterExpressions(expression);
  return ts.isPropertyAccessExpression(value) ? value.name.text : ts.isIdentifier(value) ? value.text : '';
}

/** The pattern of `/.../` or `new RegExp('...')`. */
function regexSource(value: ts.Expression): string | undefined {
  if (ts.isRegularExpressionLiteral(value)) return value.text.slice(1, value.text.lastIndexOf('/'));
  if (ts.isNewExpression(value) && ts.isIdentifier(value.expression) && value.expression.text === 'RegExp') {
    const first = value.arguments?.[0];
    if (first && ts.isStringLiteralLike(first)) return first.text;
  }
  return undefined;
}

/**
 * Why a regex lets a domain the attacker registers pass, or undefined when every alternative is
 * anchored at both ends (or starts at a label or scheme boundary) and has no bare dot between labels.
 * Origins are `scheme://host[:port]`, so what matters is what may come before and after the match.
 */
export function regexWeakness(pattern: string): string | undefined {
  for (const alternative of topLevelAlternatives(pattern)) {
    const body = alternative.replace(/^\(\?:|^\(/, '');
    if (!/(?<!\\)\$\)?$/.test(alternative)) return 'a regex not anchored with $, so https://example.com.attacker.net also matches';
    const startsPinned = alternative.startsWith('^') || /^(?:\\\.|\\\/|\/|:|https?)/.test(body);
    if (!startsPinned) return 'a regex not anchored with ^ or at a dot, so a domain like attacker-example.com also matches';
    // `.*example` or `.+example`: anything, then the name, so `evilexample.com` passes.
    if (/(?<!\\)\.[*+]\??(?=[\w-])/.test(alternative)) return 'a regex with .* right before the domain name, so a domain like attackerexample.com also matches';
    // A bare `.` between label characters matches any character: `app.example.com` admits `app-example.com`.
    if (/[\w-](?<!\\[\w])\.(?=[\w-])/.test(withoutCharacterClasses(alternative))) return 'a regex with an unescaped dot between labels, so a look-alike domain (example-com.net for example.com) also matches';
  }
  return undefined;
}

function topLevelAlternatives(pattern: string): string[] {
  const alternatives: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '\\') {
      index++;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      continue;
    }
    if (char === '[') inClass = true;
    else if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === '|' && depth === 0) {
      alternatives.push(pattern.slice(start, index));
      start = index + 1;
    }
  }
  alternatives.push(pattern.slice(start));
  // `^(a|b)$` is one alternative; `^https:\/\/(a|b)\.com$` too. Only a top-level `|` splits anchors.
  return alternatives;
}

function withoutCharacterClasses(pattern: string): string {
  return pattern.replace(/\[(?:\\.|[^\]\\])*\]/g, '_');
}

/** An object literal given directly or through a const (in the file or imported). */
function objectOf(ctx: RuleContext, file: ScannedSourceFile, expression: ts.Expression): ts.ObjectLiteralExpression | undefined {
  let value: ts.Expression | undefined = skipOuterExpressions(expression);
  for (let depth = 0; value && ts.isIdentifier(value) && depth < MAX_DEPTH; depth++) value = valueOf(ctx, file, value);
  return value && ts.isObjectLiteralExpression(value) ? value : undefined;
}

/** What a name holds: a const in an enclosing block or the file, an imported declaration, or a function declaration. */
function valueOf(ctx: RuleContext, file: ScannedSourceFile, identifier: ts.Identifier): ts.Expression | undefined {
  const local = localConstInitializer(identifier);
  if (local) return skipOuterExpressions(local);
  const bound = bindingValue(ctx.modules.resolveName(file, identifier.text));
  if (!bound) return undefined;
  if (ts.isFunctionDeclaration(bound)) return bound as unknown as ts.Expression;
  return ts.isExpression(bound) ? skipOuterExpressions(bound) : undefined;
}

function isTrue(ctx: RuleContext, file: ScannedSourceFile, expression: ts.Expression): boolean {
  const value = skipOuterExpressions(expression);
  if (value.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (ts.isIdentifier(value)) {
    const resolved = valueOf(ctx, file, value);
    return resolved !== undefined && resolved.kind === ts.SyntaxKind.TrueKeyword;
  }
  return false;
}

/** One Access-Control-Allow-* header the code sets by hand, and the place its siblings are set. */
interface HeaderWrite {
  header: typeof ALLOW_ORIGIN_HEADER | typeof ALLOW_CREDENTIALS_HEADER;
  value: ts.Expression;
  /** The function that sets it, or the literal that lists it (a next.config headers array). */
  group: ts.Node;
}

/**
 * `res.setHeader('Access-Control-Allow-Origin', req.headers.origin)` next to
 * `res.setHeader('Access-Control-Allow-Credentials', 'true')` in one function (Express, Fastify
 * reply.header, Koa ctx.set, Hono c.header, Headers#set), object forms (`res.set({...})`,
 * `new Response(body, { headers: {...} })`) and next.config `headers()` entries (`{ key, value }`).
 */
function judgeHandWrittenHeaders(ctx: RuleContext, file: ScannedSourceFile, calls: readonly ts.CallExpression[], objects: readonly ts.ObjectLiteralExpression[]): void {
  const writes: HeaderWrite[] = [];
  for (const call of calls) {
    const callee = skipOuterExpressions(call.expression);
    const [name, value] = call.arguments;
    if (!ts.isPropertyAccessExpression(callee) || !HEADER_SETTERS.includes(callee.name.text) || !name || !value || !ts.isStringLiteralLike(name)) continue;
    const header = corsHeader(name.text);
    if (header) writes.push({ header, value, group: enclosingFunction(call) ?? file.sourceFile });
  }
  for (const object of objects) {
    const key = propertyValue(object, 'key');
    const value = propertyValue(object, 'value');
    if (key && value && ts.isStringLiteralLike(key)) {
      const header = corsHeader(key.text);
      // next.config `headers: [{ key, value }, ...]`: one list is one response's headers.
      const list = ts.isArrayLiteralExpression(object.parent) ? object.parent : undefined;
      if (header) writes.push({ header, value, group: list ?? enclosingFunction(object) ?? object });
      continue;
    }
    for (const property of object.properties) {
      if (!ts.isPropertyAssignment(property)) continue;
      const name = propertyNameText(property.name);
      const header = name && corsHeader(name);
      if (header) writes.push({ header, value: property.initializer, group: enclosingFunction(object) ?? object });
    }
  }
  const groups = new Map<ts.Node, HeaderWrite[]>();
  for (const write of writes) groups.set(write.group, [...(groups.get(write.group) ?? []), write]);
  for (const [group, members] of groups) {
    if (!members.some((write) => write.header === ALLOW_CREDENTIALS_HEADER && isTrueHeaderValue(write.value))) continue;
    for (const write of members) {
      if (write.header !== ALLOW_ORIGIN_HEADER) continue;
      const origin = handWrittenOrigin(write.value, group);
      if (origin) report(ctx, file, write.value, `Access-Control-Allow-Origin is set to ${origin.detail} with Access-Control-Allow-Credentials: true`, origin.kind);
    }
  }
}

function corsHeader(name: string): HeaderWrite['header'] | undefined {
  const lower = name.toLowerCase();
  return lower === ALLOW_ORIGIN_HEADER || lower === ALLOW_CREDENTIALS_HEADER ? lower : undefined;
}

function isTrueHeaderValue(expression: ts.Expression): boolean {
  const value = skipOuterExpressions(expression);
  return value.kind === ts.SyntaxKind.TrueKeyword || (ts.isStringLiteralLike(value) && value.text.trim().toLowerCase() === 'true');
}

function handWrittenOrigin(expression: ts.Expression, group: ts.Node): Omit<PermissiveOrigin, 'node'> | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isStringLiteralLike(value)) {
    if (value.text === '*') return { kind: 'wildcard', detail: "'*'" };
    if (value.text === 'null') return { kind: 'null', detail: "'null', which sandboxed iframes and file: pages of any site send" };
    return undefined;
  }
  if (!isOriginRead(value, 0)) return undefined;
  // An allowlist lookup or comparison on the origin anywhere in the function: judged checked.
  if (ts.isFunctionLike(group) && originChecked(group)) return undefined;
  return { kind: 'reflect', detail: `the request's own Origin (${value.getText()}) without checking it against a list` };
}

function originChecked(fn: ts.Node): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    const mentionsOrigin = (): boolean => /origin/i.test(node.getText());
    if (ts.isBinaryExpression(node) && COMPARISONS.has(node.operatorToken.kind) && node.operatorToken.kind !== ts.SyntaxKind.AmpersandAmpersandToken && mentionsOrigin()) found = true;
    else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && CHECK_METHODS.has(node.expression.name.text) && !isOriginRead(node, 0) && mentionsOrigin()) found = true;
    else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && /allow|valid|check|trust|permit/i.test(node.expression.text) && mentionsOrigin()) found = true;
    else ts.forEachChild(node, visit);
  };
  visit(fn);
  return found;
}
