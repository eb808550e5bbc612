import { ts } from '#typescript';
import { propertyNameText, skipOuterExpressions } from '../engine/ast/syntax.js';
import { importedValue, localConstInitializer, localInitializer } from '../engine/names/index.js';
import type { RuleContext } from '../engine/rule-api.js';
import type { Confidence, ScannedSourceFile, Severity } from '../types.js';
import { defineRule } from './define-rule.js';
import { inDevelopmentBranch } from './utils/development-guards.js';
import { normalizeName } from './utils/sensitive-names.js';
import {
  AUTH_COOKIE_WORDS,
  COOKIE_SETTERS,
  CSRF_COOKIE_WORDS,
  FASTIFY_COOKIE_DEFAULTS_OPTION,
  RESPONSE_RECEIVER_NAMES,
  type CookieSetterModel,
} from '../models/cookies.js';

const EXPRESS = COOKIE_SETTERS.find((model) => model.library === 'express')!;
const FASTIFY = COOKIE_SETTERS.find((model) => model.library === '@fastify/cookie')!;
const NEXT = COOKIE_SETTERS.find((model) => model.library === 'next')!;
const KOA = COOKIE_SETTERS.find((model) => model.library === 'koa')!;
/** A `.cookies.set()` whose framework the file does not tell: only explicit values are judged. */
const UNKNOWN_JAR: CookieSetterModel = { ...KOA, library: 'cookie jar', httpOnly: 'unknown', secure: 'unknown' };

const REMEDIATION = 'Set `httpOnly: true` and `secure: true` (or `secure: process.env.NODE_ENV === \'production\'`) on session and token cookies, and `sameSite: \'lax\'` or `\'strict\'` unless the cookie must cross sites (then `secure: true` is required).';

export default defineRule({
  meta: {
    id: 'insecure-cookie',
    title: 'Session or auth cookie without HttpOnly or Secure',
    severity: 'medium',
    confidence: 'high',
    controls: {
      soc2: ['CC6.1', 'CC6.7'],
      owaspApi: ['API8:2023'],
      cwe: ['CWE-1004', 'CWE-614'],
      pciDss: ['6.2.4'],
      hipaa: ['164.312(e)(1)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description: 'Finds session and authentication cookies set without HttpOnly (readable by scripts), without Secure (sent over plain HTTP), or with `sameSite: \'none\'` and no Secure: Express/NestJS `res.cookie`, Fastify `setCookie`, Koa `ctx.cookies.set`, Hono `setCookie`, Next.js `cookies().set`, express-session, cookie-session, koa-session, @fastify/session.',
      remediation: REMEDIATION,
    },
  },
  analyses: [],
  // Not file-local: whether @fastify/cookie was registered with default attributes is read from every file.
  create(ctx) {
    // `register(fastifyCookie, { parseOptions: { httpOnly, secure } })` anywhere sets every setCookie's defaults.
    const fastifyDefaultsConfigured = ctx.sourceFiles.some((file) => file.text.includes(FASTIFY_COOKIE_DEFAULTS_OPTION) && /fastify-cookie|@fastify\/cookie/.test(file.text));
    let file: ScannedSourceFile | undefined;
    return {
      enterSourceFile(current) {
        if (!PREFILTER.test(current.text)) return false;
        file = current;
        return true;
      },
      nodes: {
        [ts.SyntaxKind.CallExpression]: (node) => {
          if (!file) return;
          const call = node as ts.CallExpression;
          const setter = matchSetter(ctx, file, call, fastifyDefaultsConfigured);
          if (setter) judgeCookie(ctx, file, call, setter);
        },
      },
      exitSourceFile() {
        file = undefined;
      },
    };
  },
});

const PREFILTER = /cookie|session/i;

/** A matched call: which library's model, and for cookie jars the single-object form's object. */
interface MatchedSetter {
  model: CookieSetterModel;
  /** Options from a single object holding name and value too (`cookies().set({ name, value, httpOnly })`). */
  singleObject?: boolean;
}

function matchSetter(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression, fastifyDefaultsConfigured: boolean): MatchedSetter | undefined {
  const callee = skipOuterExpressions(call.expression);
  if (ts.isPropertyAccessExpression(callee)) {
    const method = callee.name.text;
    const receiver = skipOuterExpressions(callee.expression);
    // res.cookie(name, value, options), reply.setCookie(...)
    if ((method === 'cookie' || method === 'setCookie') && isResponseReceiver(receiver)) {
      const fastify = method === 'setCookie' || /^(?:reply|rep)$/.test(receiverName(receiver) ?? '');
      const model = fastify ? (fastifyDefaultsConfigured ? { ...FASTIFY, httpOnly: 'unknown' as const, secure: 'unknown' as const } : FASTIFY) : EXPRESS;
      return call.arguments.length >= 2 ? { model } : undefined;
    }
    if (method === 'set' && isCookieJar(receiver)) return matchCookieJar(file, call, receiver);
    // fastify.register(fastifySession, { cookie }), app.register(...)
    if (method === 'register' && call.arguments[0]) {
      const plugin = importedValue(ctx.modules, file, call.arguments[0]);
      const model = plugin && COOKIE_SETTERS.find((entry) => entry.shape === 'session' && entry.optionsArgument === 1 && entry.packages.includes(plugin.module));
      return model ? { model } : undefined;
    }
  }
  const imported = importedValue(ctx.modules, file, callee);
  if (!imported) return undefined;
  const model = COOKIE_SETTERS.find(
    (entry) =>
      (entry.shape === 'function' || (entry.shape === 'session' && entry.optionsArgument === 0)) &&
      entry.packages.includes(imported.module) &&
      (entry.names.includes(imported.name) || (entry.names.includes('default') && (imported.name === 'default' || imported.name === '*'))),
  );
  return model ? { model } : undefined;
}

function receiverName(receiver: ts.Expression): string | undefined {
  if (ts.isIdentifier(receiver)) return receiver.text;
  if (ts.isPropertyAccessExpression(receiver)) return receiver.name.text;
  return undefined;
}

function isResponseReceiver(receiver: ts.Expression): boolean {
  const name = receiverName(receiver);
  return name !== undefined && RESPONSE_RECEIVER_NAMES.has(name);
}

/** `x.cookies`, `cookies()`, `(await cookies())`, or a local holding `await cookies()`. */
function isCookieJar(receiver: ts.Expression): boolean {
  if (ts.isPropertyAccessExpression(receiver)) return receiver.name.text === 'cookies';
  if (ts.isCallExpression(receiver)) {
    const callee = skipOuterExpressions(receiver.expression);
    return ts.isIdentifier(callee) && callee.text === 'cookies';
  }
  if (ts.isIdentifier(receiver)) {
    const initializer = localInitializer(receiver) ?? localConstInitializer(receiver);
    return initializer !== undefined && ts.isCallExpression(skipOuterExpressions(initializer)) && isCookieJar(skipOuterExpressions(initializer));
  }
  return false;
}

/** Next.js when the file imports next/headers or next/server; Koa when it imports Koa or `ctx.cookies`; else unknown. */
function matchCookieJar(file: ScannedSourceFile, call: ts.CallExpression, receiver: ts.Expression): MatchedSetter | undefined {
  const importsNext = /from\s+['"]next\/(?:headers|server)['"]|require\(\s*['"]next\/(?:headers|server)['"]\s*\)/.test(file.text);
  const importsKoa = /from\s+['"](?:koa|@koa\/router|koa-router)['"]|require\(\s*['"](?:koa|@koa\/router|koa-router)['"]\s*\)/.test(file.text);
  const first = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
  const singleObject = first !== undefined && ts.isObjectLiteralExpression(first) && call.arguments.length === 1;
  if (!singleObject && call.arguments.length < 2) return undefined;
  if (importsNext && !importsKoa) return { model: NEXT, singleObject };
  const owner = ts.isPropertyAccessExpression(receiver) ? receiverName(skipOuterExpressions(receiver.expression)) : undefined;
  if (importsKoa || owner === 'ctx') return { model: KOA, singleObject };
  return { model: UNKNOWN_JAR, singleObject };
}

/** What the options say about one attribute. */
type AttributeState = { kind: 'on' } | { kind: 'off'; node: ts.Node } | { kind: 'missing' } | { kind: 'unknown' };

/** An options object's fields as far as they can be read in this file; `complete` when no field can hide elsewhere. */
interface ResolvedOptions {
  fields: Map<string, ts.Expression>;
  complete: boolean;
  /** Attributes assigned after creation (`sess.cookie.secure = true`): set, with a value this rule does not judge. */
  assigned: Set<string>;
}

function judgeCookie(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression, matched: MatchedSetter): void {
  if (inDevelopmentBranch(call)) return;
  const { model } = matched;
  const args = call.arguments;
  let nameExpression: ts.Expression | undefined;
  let valueExpression: ts.Expression | undefined;
  let options: ResolvedOptions | undefined;
  if (matched.singleObject) {
    options = resolveOptions(file, args[0]!, 0);
    nameExpression = options?.fields.get('name');
    valueExpression = options?.fields.get('value');
  } else {
    nameExpression = model.nameArgument !== undefined ? args[model.nameArgument] : undefined;
    valueExpression = model.valueArgument !== undefined ? args[model.valueArgument] : undefined;
    const optionsArgument = args[model.optionsArgument];
    options = optionsArgument ? resolveOptions(file, optionsArgument, 0) : { fields: new Map(), complete: true, assigned: new Set() };
  }
  // Options built elsewhere (a helper's return, a parameter): nothing here can be judged.
  if (!options) return;
  if (model.cookieKey) {
    const inner = options.fields.get(model.cookieKey);
    if (inner) {
      const cookieOptions = resolveOptions(file, inner, 0);
      if (!cookieOptions) return;
      for (const name of options.assigned) if (name.startsWith(`${model.cookieKey}.`)) cookieOptions.assigned.add(name.slice(model.cookieKey.length + 1));
      options = cookieOptions;
    } else if (!options.complete) return;
    else options = { fields: new Map(), complete: true, assigned: new Set([...options.assigned].filter((name) => name.startsWith(`${model.cookieKey}.`)).map((name) => name.slice(model.cookieKey!.length + 1))) };
  }

  let cookieName: string | undefined;
  let byValueOnly = false;
  if (model.shape !== 'session') {
    const nameWords = wordsOf(nameExpression);
    if (nameWords && nameWords.some((word) => CSRF_COOKIE_WORDS.has(word))) return;
    // Clearing a cookie (`res.cookie('token', '')`, `maxAge: 0`) sends nothing to protect.
    if (isClearing(valueExpression, options)) return;
    const nameIsAuth = nameWords !== undefined && isAuthWords(nameWords);
    // A name that says nothing (`nf_id`, a route parameter) with a value named as a token (`idToken`).
    const valueIsAuth = !nameIsAuth && isAuthWords(wordsOf(valueExpression) ?? []);
    if (!nameIsAuth && !valueIsAuth) return;
    byValueOnly = !nameIsAuth;
    cookieName = literalText(nameExpression);
    if (cookieName && /^__(?:Secure|Host)-/.test(cookieName)) options.assigned.add('secure');
  }

  const httpOnly = attributeState(options, 'httpOnly', model.httpOnly);
  let secure = attributeState(options, 'secure', model.secure);
  if (model.securePrefixOption && options.fields.has(model.securePrefixOption)) secure = { kind: 'on' };
  const sameSite = options.fields.get('sameSite');
  const sameSiteNone = sameSite !== undefined && ts.isStringLiteralLike(skipOuterExpressions(sameSite)) && (skipOuterExpressions(sameSite) as ts.StringLiteralLike).text.toLowerCase() === 'none';

  const problems: string[] = [];
  const sameSiteNote = sameSiteNone ? ' (and `sameSite: \'none\'` sends it on cross-site requests too)' : '';
  if (httpOnly.kind === 'off') problems.push('`httpOnly: false`, so any script on the page (an XSS payload) can read it');
  if (httpOnly.kind === 'missing') problems.push(`no \`httpOnly\` (${model.library} does not set HttpOnly by default), so any script on the page (an XSS payload) can read it`);
  if (secure.kind === 'off') problems.push(`\`secure: false\`, so it is sent over plain HTTP${sameSiteNote}`);
  if (secure.kind === 'missing') problems.push(`no \`secure\` (${model.library} does not set Secure by default), so it is sent over plain HTTP${sameSiteNote}`);
  if (problems.length === 0) return;

  const explicit = [httpOnly, secure].find((state): state is { kind: 'off'; node: ts.Node } => state.kind === 'off');
  const at = explicit ? explicit.node : call;
  const severity: Severity = httpOnly.kind === 'off' || httpOnly.kind === 'missing' ? 'high' : 'medium';
  const confidence: Confidence = byValueOnly ? 'medium' : 'high';
  const what = model.shape === 'session' ? `The ${model.library} session cookie` : `Cookie ${cookieName ? `\`${cookieName.length > 40 ? `${cookieName.slice(0, 37)}...` : cookieName}\`` : `holding \`${shortText(valueExpression, file)}\``}`;
  ctx.report({
    file: file.path,
    start: at.getStart(file.sourceFile),
    end: explicit ? at.getEnd() : call.expression.getEnd(),
    message: `${what} holds a session or auth token: ${problems.join('; ')}.`,
    severity,
    confidence,
    remediation: REMEDIATION,
  });
}

function attributeState(options: ResolvedOptions, attribute: 'httpOnly' | 'secure', byDefault: boolean | 'by-protocol' | 'unknown'): AttributeState {
  const value = options.fields.get(attribute);
  if (value !== undefined) {
    const literal = skipOuterExpressions(value);
    // `secure: false` inside a development branch (`dev ? false : true` is not literal) is left to that branch.
    if (literal.kind === ts.SyntaxKind.FalseKeyword && !inDevelopmentBranch(literal)) return { kind: 'off', node: value.parent };
    return { kind: 'on' };
  }
  if (options.assigned.has(attribute)) return { kind: 'on' };
  if (!options.complete || byDefault !== false) return byDefault === false ? { kind: 'unknown' } : { kind: 'on' };
  return { kind: 'missing' };
}

/** An options expression's fields through object literals, spreads and consts of this file. */
function resolveOptions(file: ScannedSourceFile, expression: ts.Expression, depth: number): ResolvedOptions | undefined {
  const value = skipOuterExpressions(expression);
  if (depth > 4) return undefined;
  if (ts.isIdentifier(value)) {
    const initializer = localInitializer(value) ?? localConstInitializer(value);
    if (!initializer) return undefined;
    const resolved = resolveOptions(file, initializer, depth + 1);
    if (resolved) for (const name of assignedAttributes(file, value.text)) resolved.assigned.add(name);
    return resolved;
  }
  if (!ts.isObjectLiteralExpression(value)) return undefined;
  const resolved: ResolvedOptions = { fields: new Map(), complete: true, assigned: new Set() };
  for (const property of value.properties) {
    if (ts.isPropertyAssignment(property)) {
      const name = propertyNameText(property.name);
      if (name !== undefined) resolved.fields.set(name, property.initializer);
      else resolved.complete = false;
    } else if (ts.isShorthandPropertyAssignment(property)) resolved.fields.set(property.name.text, property.name);
    else if (ts.isSpreadAssignment(property)) {
      const spread = resolveOptions(file, property.expression, depth + 1);
      if (!spread) resolved.complete = false;
      else {
        for (const [name, field] of spread.fields) if (!resolved.fields.has(name)) resolved.fields.set(name, field);
        for (const name of spread.assigned) resolved.assigned.add(name);
        resolved.complete &&= spread.complete;
      }
    } else resolved.complete = false;
  }
  return resolved;
}

/** `sess.cookie.secure = true` / `options.httpOnly = ...` after the object was made (the express-session README's pattern). */
function assignedAttributes(file: ScannedSourceFile, name: string): string[] {
  const escaped = name.replace(/[$]/g, '\\$');
  const pattern = new RegExp(`\\b${escaped}((?:\\.[A-Za-z_$][\\w$]*)+)\\s*=[^=]`, 'g');
  return [...file.text.matchAll(pattern)].map((match) => match[1]!.slice(1));
}

/** The words of what an expression names or holds: a literal's text, a const's literal, an identifier, a call's name. */
function wordsOf(expression: ts.Expression | undefined): string[] | undefined {
  if (!expression) return undefined;
  const value = skipOuterExpressions(expression);
  const literal = literalText(value);
  if (literal !== undefined) return normalizeName(literal).split(' ').filter(Boolean);
  if (ts.isIdentifier(value)) return normalizeName(value.text).split(' ');
  if (ts.isPropertyAccessExpression(value)) return normalizeName(value.name.text).split(' ');
  if (ts.isCallExpression(value)) {
    const callee = skipOuterExpressions(value.expression);
    const owner = ts.isPropertyAccessExpression(callee) ? receiverName(skipOuterExpressions(callee.expression)) ?? '' : '';
    const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
    // `jwt.sign(...)`, `signAccessToken(...)`, `createSessionToken(...)`
    return normalizeName(`${owner} ${method}`).split(' ').filter(Boolean);
  }
  if (ts.isTemplateExpression(value)) return wordsOf(value.templateSpans.at(-1)?.expression);
  return undefined;
}

function literalText(expression: ts.Expression | undefined): string | undefined {
  if (!expression) return undefined;
  const value = skipOuterExpressions(expression);
  if (ts.isStringLiteralLike(value)) return value.text;
  if (ts.isIdentifier(value)) {
    const initializer = localConstInitializer(value);
    const literal = initializer && skipOuterExpressions(initializer);
    return literal && ts.isStringLiteralLike(literal) ? literal.text : undefined;
  }
  return undefined;
}

/** Words after which a name describes something about a token, not the token (`tokenExpiry`, `sessionExpiresAt`). */
const DESCRIPTIVE_LAST_WORDS = new Set(['expires', 'expiry', 'expiration', 'exp', 'at', 'date', 'time', 'timestamp', 'ttl', 'hint', 'state', 'redirect', 'return', 'callback', 'provider', 'method', 'type', 'mode', 'flow', 'url', 'count', 'name']);

function isAuthWords(words: readonly string[]): boolean {
  if (words.length === 0 || DESCRIPTIVE_LAST_WORDS.has(words.at(-1)!)) return false;
  if (words[0] === 'jwt' || words.some((word) => AUTH_COOKIE_WORDS.has(word))) return true;
  // `connect.sid`, `sign` of a JWT library (`jwt.sign(...)`).
  return words.includes('sign') && words.includes('jwt');
}

function isClearing(value: ts.Expression | undefined, options: ResolvedOptions): boolean {
  const literal = value && skipOuterExpressions(value);
  if (literal && ((ts.isStringLiteralLike(literal) && literal.text === '') || literal.kind === ts.SyntaxKind.NullKeyword)) return true;
  // `maxAge: 0`, `maxAge: -1`: the browser drops the cookie at once, whatever its value.
  const maxAge = options.fields.get('maxAge');
  const age = maxAge && literalNumber(maxAge);
  if (age !== undefined && age <= 0) return true;
  const expires = options.fields.get('expires');
  const expiresValue = expires && skipOuterExpressions(expires);
  if (!expiresValue || !ts.isNewExpression(expiresValue) || expiresValue.arguments?.length !== 1) return false;
  // `new Date(0)`, or a moment already past: `new Date(Date.now() - 1000)`.
  const when = skipOuterExpressions(expiresValue.arguments[0]!);
  const epoch = literalNumber(when);
  if (epoch !== undefined) return epoch <= 0;
  if (!ts.isBinaryExpression(when) || when.operatorToken.kind !== ts.SyntaxKind.MinusToken) return false;
  const subtracted = literalNumber(when.right);
  return skipOuterExpressions(when.left).getText().replace(/\s+/g, '') === 'Date.now()' && subtracted !== undefined && subtracted > 0;
}

/** `0`, `-1`, `+3600`: a number written as a literal, with its sign. */
function literalNumber(expression: ts.Expression): number | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isNumericLiteral(value)) return Number(value.text.replace(/_/g, ''));
  if (ts.isPrefixUnaryExpression(value) && (value.operator === ts.SyntaxKind.MinusToken || value.operator === ts.SyntaxKind.PlusToken)) {
    const operand = literalNumber(value.operand);
    return operand === undefined ? undefined : value.operator === ts.SyntaxKind.MinusToken ? -operand : operand;
  }
  return undefined;
}

function shortText(expression: ts.Expression | undefined, file: ScannedSourceFile): string {
  const text = expression ? expression.getText(file.sourceFile).replace(/\s+/g, ' ') : '';
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
