import { ts } from '#typescript';
import { nodesOfKind } from '../engine/ast/file-index.js';
import { propertyNameText, skipOuterExpressions } from '../engine/ast/syntax.js';
import type { RuleContext } from '../engine/rule-api.js';
import type { ScannedSourceFile } from '../types.js';
import { FASTIFY_JWT_INSTANCE_MEMBER, FASTIFY_JWT_SIGN_METHODS, JOSE, JWT_OPTIONS } from '../models/jwt.js';
import { defineRule } from './define-rule.js';
import { factoryOptions, joseSignChain, jwtCallOf, jwtConfigurationOf, optionAt, optionAtAny, optionsObject } from './utils/jwt-calls.js';
import { normalizeName } from './utils/secret-values.js';

/**
 * Claims that name a user or account: a token carrying one is a credential for that user (a
 * session, access or refresh token), not a signed message. Field names, normalized.
 */
const IDENTITY_CLAIMS = new Set(['id', '_id', 'sub', 'uid', 'user', 'user id', 'userid', 'email', 'username', 'user name', 'login', 'role', 'roles', 'account', 'account id', 'member id', 'customer id', 'admin', 'is admin', 'user email', 'phone']);

/** Tokens meant to live until revoked: API keys and personal access tokens (revoked in a store, not by expiry). */
const LONG_LIVED_PURPOSE = /\b(?:api ?keys?|personal access|access key|service account|pat)\b/;

/** What a module-level default (Nest JwtModule, @fastify/jwt registration) says about expiry across the project. */
type DefaultExpiry = 'set' | 'not-set' | 'unknown';

/** One module-level registration and what it says, with where it is (`src/auth/auth.module.ts:16`). */
interface Registration {
  expiry: DefaultExpiry;
  at: string;
}

export default defineRule({
  meta: {
    id: 'jwt-no-expiry',
    title: 'Session or access token signed without an expiry',
    severity: 'medium',
    confidence: 'high',
    controls: {
      soc2: ['CC6.1'],
      owaspApi: ['API2:2023'],
      cwe: ['CWE-613'],
      pciDss: ['8.3.1'],
      hipaa: ['164.312(d)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description: 'Finds JWTs that identify a user (id, sub, email, role claims) signed with no expiry: jsonwebtoken `sign` with no `expiresIn` and no `exp`, @nestjs/jwt and @fastify/jwt signing with no per-call or module-level `expiresIn`, jose `SignJWT` without `setExpirationTime`, hono and jwt-simple payloads without `exp`.',
      remediation: "Give every session and access token a lifetime (`expiresIn: '15m'`, `setExpirationTime('15m')`, or a module-level `signOptions: { expiresIn }`), and use refresh tokens that also expire.",
    },
  },
  analyses: [],
  create(ctx) {
    const handler = (node: ts.Node, file: ScannedSourceFile) => {
      if (file.path.endsWith('.d.ts')) return;
      checkCall(ctx, file, node as ts.CallExpression);
    };
    return {
      enterSourceFile: (file) => /jsonwebtoken|@nestjs\/jwt|JwtService|jwtSign|\.jwt\.sign|jose|hono\/jwt|jwt-simple/.test(file.text),
      nodes: { [ts.SyntaxKind.CallExpression]: handler },
    };
  },
});

function checkCall(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression): void {
  const jose = joseSignChain(ctx, file, call);
  if (jose) {
    if (jose.methods.includes(JOSE.expiryMethod)) return;
    judgePayload(ctx, file, call, jose.construction.arguments?.[0], `jose new SignJWT(...).sign() with no ${JOSE.expiryMethod}()`);
    return;
  }
  const jwtCall = jwtCallOf(ctx, file, call);
  if (jwtCall) {
    if (jwtCall.fn.operation !== 'sign') return;
    const payload = call.arguments[jwtCall.fn.payload!];
    const { package: packageName } = jwtCall.fn;
    if (jwtCall.fn.options === undefined) {
      // hono/jwt and jwt-simple take no options: only an `exp` claim limits the token.
      judgePayload(ctx, file, call, payload, `${packageName} ${jwtCall.fn.members.at(-1)}() of a payload with no \`exp\``);
      return;
    }
    const rawOptions = call.arguments[jwtCall.fn.options];
    const options = rawOptions && !isFunction(rawOptions) ? rawOptions : undefined;
    const perCall = optionAt(options, [JWT_OPTIONS.expiresIn]);
    if (perCall.kind !== 'absent') return;
    if (packageName === '@nestjs/jwt') {
      const defaults = projectDefaults(ctx).nest;
      if (summarize(defaults) !== 'not-set') return;
      judgePayload(ctx, file, call, payload, `JwtService.${jwtCall.fn.members.at(-1)}() with no \`expiresIn\`, and the JwtModule registration (${places(defaults)}) sets no \`signOptions.expiresIn\``);
      return;
    }
    judgePayload(ctx, file, call, payload, `jwt.sign() with no \`expiresIn\` option`);
    return;
  }
  if (isFastifySign(call)) {
    const options = call.arguments[1];
    const perCall = optionAtAny(options, [[JWT_OPTIONS.expiresIn], ['sign', JWT_OPTIONS.expiresIn]]);
    if (perCall.kind !== 'absent') return;
    const defaults = projectDefaults(ctx).fastify;
    if (summarize(defaults) !== 'not-set') return;
    judgePayload(ctx, file, call, call.arguments[0], `@fastify/jwt ${calleeText(call, file)}() with no \`expiresIn\`, and the plugin registration (${places(defaults)}) sets no \`sign.expiresIn\``);
  }
}

/** `reply.jwtSign(payload)`, `fastify.jwt.sign(payload)`, `request.server.jwt.sign(payload)`. */
function isFastifySign(call: ts.CallExpression): boolean {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee)) return false;
  if (FASTIFY_JWT_SIGN_METHODS.includes(callee.name.text)) return true;
  return callee.name.text === 'sign' && ts.isPropertyAccessExpression(callee.expression) && callee.expression.name.text === FASTIFY_JWT_INSTANCE_MEMBER;
}

function calleeText(call: ts.CallExpression, file: ScannedSourceFile): string {
  return call.expression.getText(file.sourceFile).replace(/\s+/g, '');
}

function isFunction(expression: ts.Expression): boolean {
  const value = skipOuterExpressions(expression);
  return ts.isArrowFunction(value) || ts.isFunctionExpression(value);
}

/**
 * Reports when the payload is an object we can read, carries no `exp`, and names a user; stays
 * silent on payloads we cannot see (a parameter, a spread), which may carry `exp`.
 */
function judgePayload(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression, payload: ts.Expression | undefined, what: string): void {
  const object = optionsObject(payload);
  if (!object) return;
  const claims: string[] = [];
  for (const property of object.properties) {
    if (ts.isSpreadAssignment(property)) return;
    const name = property.name && propertyNameText(property.name);
    if (name === undefined) return;
    if (name === JWT_OPTIONS.expiryClaim) return;
    claims.push(name);
  }
  const identity = claims.filter((claim) => IDENTITY_CLAIMS.has(normalizeName(claim)));
  if (identity.length === 0) return;
  if (projectEnforcesLifetime(ctx, object)) return;
  if (LONG_LIVED_PURPOSE.test(purposeWords(call, file))) return;
  ctx.report({
    file: file.path,
    start: call.getStart(file.sourceFile),
    end: call.getEnd(),
    message: `${what}: the token carries ${identity.map((claim) => `\`${claim}\``).join(', ')} and never expires, so a leaked or stolen token works until the signing key is rotated.`,
  });
}

/**
 * Claims a project stamps a lifetime with when it does not use `exp`: an expiry time, or the time
 * of issue that the verifier measures an age from (normalized names).
 */
const PROJECT_LIFETIME_CLAIMS = new Set(['expires at', 'expires', 'expiry', 'expiration', 'expiration date', 'expires on', 'valid until', 'created at', 'issued at']);

/**
 * `{ id, expiresAt: addHours(new Date(), 24).toISOString() }` verified by `if (new Date(payload.expiresAt)
 * < new Date()) throw`, `{ id, createdAt: new Date().toISOString() }` by `if (new Date(payload.createdAt) <
 * subMinutes(new Date(), 10)) throw`: the payload carries a lifetime claim of the project's own (a value,
 * not a literal `undefined`) and a file of the project that works with JWTs compares that claim read
 * off a value with something. The token expires, by the project's check rather than jsonwebtoken's.
 */
function projectEnforcesLifetime(ctx: RuleContext, object: ts.ObjectLiteralExpression): boolean {
  for (const property of object.properties) {
    if (!ts.isPropertyAssignment(property) && !ts.isShorthandPropertyAssignment(property)) continue;
    const name = propertyNameText(property.name);
    if (name === undefined || !PROJECT_LIFETIME_CLAIMS.has(normalizeName(name))) continue;
    if (ts.isPropertyAssignment(property) && isNothing(property.initializer)) continue;
    const escaped = name.replace(/\$/g, '\\$');
    // `payload.expiresAt < now`, `new Date(payload.expiresAt) < now`, `now > Date.parse(payload.issuedAt)`.
    const compared = new RegExp(String.raw`\.${escaped}\b\s*\)?\s*[<>]|[<>]=?\s*(?:new\s+)?[\w$.]*(?:\(\s*[\w$.]*)?\.${escaped}\b`);
    if (ctx.sourceFiles.some((file) => JWT_FILE.test(file.text) && compared.test(file.text))) return true;
  }
  return false;
}

const JWT_FILE = /jsonwebtoken|\bJWT\.(?:verify|decode)\b|\bjwt\.(?:verify|decode)\b/;

function isNothing(expression: ts.Expression): boolean {
  const value = skipOuterExpressions(expression);
  return value.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(value) && value.text === 'undefined');
}

/** The names around a sign call that say what the token is for: the variable or property it is stored in, the enclosing functions. */
function purposeWords(call: ts.CallExpression, file: ScannedSourceFile): string {
  const names: string[] = [];
  for (let current: ts.Node | undefined = call.parent; current && !ts.isSourceFile(current); current = current.parent) {
    if ((ts.isVariableDeclaration(current) || ts.isPropertyAssignment(current) || ts.isFunctionDeclaration(current) || ts.isMethodDeclaration(current) || ts.isPropertyDeclaration(current)) && current.name) {
      names.push(current.name.getText(file.sourceFile));
    }
  }
  return names.map(normalizeName).join(' ');
}

interface ProjectDefaults {
  nest: Registration[];
  fastify: Registration[];
}

function summarize(registrations: readonly Registration[]): DefaultExpiry {
  const values = registrations.map((registration) => registration.expiry);
  return values.length === 0 || values.includes('unknown') ? 'unknown' : values.includes('set') ? 'set' : 'not-set';
}

function places(registrations: readonly Registration[]): string {
  const shown = registrations.slice(0, 3).map((registration) => registration.at);
  return registrations.length > 3 ? `${shown.join(', ')} and ${registrations.length - 3} more` : shown.join(', ');
}

const defaultsCache = new WeakMap<object, ProjectDefaults>();

/**
 * What every Nest JwtModule registration (and `new JwtService(options)`) and every @fastify/jwt
 * registration in the project says about a default lifetime. `set` when any sets one, `unknown`
 * when any cannot be read (a config class, a factory we cannot follow) or none is found (the
 * module may be configured in a package outside the scan), `not-set` only when every one is read
 * and none sets one.
 */
function projectDefaults(ctx: RuleContext): ProjectDefaults {
  const cached = defaultsCache.get(ctx.modules);
  if (cached) return cached;
  const found: ProjectDefaults = { nest: [], fastify: [] };
  for (const file of ctx.sourceFiles) {
    if (!/JwtModule|JwtService|fastify-jwt|@fastify\/jwt/.test(file.text)) continue;
    for (const kind of [ts.SyntaxKind.CallExpression, ts.SyntaxKind.NewExpression]) {
      for (const node of nodesOfKind(file.sourceFile, kind)) {
        let configuration;
        try {
          configuration = jwtConfigurationOf(ctx, file, node as ts.CallExpression | ts.NewExpression);
        } catch {
          continue;
        }
        if (!configuration?.configuration.signExpiresIn) continue;
        const { package: packageName } = configuration.configuration;
        const bucket = packageName === '@nestjs/jwt' ? found.nest : packageName === '@fastify/jwt' || packageName === 'fastify-jwt' ? found.fastify : undefined;
        if (!bucket) continue;
        const object = optionsObject(configuration.options);
        const isAsync = ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'registerAsync';
        const options = object && isAsync ? factoryOptions(object) : configuration.options;
        const at = `${file.path}:${file.sourceFile.getLineAndCharacterOfPosition(node.getStart(file.sourceFile)).line + 1}`;
        if (isAsync && !options) {
          bucket.push({ expiry: 'unknown', at });
          continue;
        }
        const lookup = optionAtAny(options, configuration.configuration.signExpiresIn);
        bucket.push({ expiry: lookup.kind === 'present' ? 'set' : lookup.kind === 'unknown' ? 'unknown' : 'not-set', at });
      }
    }
  }
  defaultsCache.set(ctx.modules, found);
  return found;
}
