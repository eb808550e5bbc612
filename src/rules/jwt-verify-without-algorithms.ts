import { ts } from '#typescript';
import { moduleCallee } from '../engine/names/index.js';
import { skipOuterExpressions } from '../engine/ast/syntax.js';
import type { RuleContext } from '../engine/rule-api.js';
import type { Confidence, ScannedSourceFile, Severity } from '../types.js';
import { JWT_OPTIONS, KEY_PROVIDER_PACKAGES, KEY_TYPE_CHECKED_FROM, PEM_DEFAULTS_FROM, PUBLIC_KEY_WORDS } from '../models/jwt.js';
import { normalizeName } from './utils/secret-values.js';
import { defineRule } from './define-rule.js';
import { constInitializer, declaredRange, jwtCallOf, jwtConfigurationOf, optionAt, optionAtAny, rangeReaches, JWT_SIGNATURE_CONTROLS } from './utils/jwt-calls.js';

/** What is handed to a verifier as its key: a function that looks the key up, or a key. */
type KeyKind = 'provider' | 'key';

export default defineRule({
  meta: {
    id: 'jwt-verify-without-algorithms',
    title: 'JWT verified with no algorithm list by a library version that trusts the token header',
    severity: 'high',
    confidence: 'high',
    controls: JWT_SIGNATURE_CONTROLS,
    docs: {
      description: 'Finds JWT verification with no `algorithms` list and a key-retrieval function (a `getKey` callback, a JWKS lookup, `secretOrKeyProvider`, jwks-rsa `expressJwtSecret`) in jsonwebtoken before 9, passport-jwt before 4.0.1 and express-jwt before 6, or a public key in jsonwebtoken before 4.2.2, versions that take the algorithm from the token header.',
      remediation: "Pass the algorithms your tokens are signed with (`algorithms: ['RS256']`) and upgrade jsonwebtoken to 9 or later (passport-jwt 4.0.1, express-jwt 6).",
    },
  },
  analyses: [],
  create(ctx) {
    const handler = (node: ts.Node, file: ScannedSourceFile) => {
      if (file.path.endsWith('.d.ts')) return;
      checkNode(ctx, file, node as ts.CallExpression | ts.NewExpression);
    };
    return {
      enterSourceFile: (file) => /jsonwebtoken|passport-jwt|express-jwt/.test(file.text),
      nodes: { [ts.SyntaxKind.CallExpression]: handler, [ts.SyntaxKind.NewExpression]: handler },
    };
  },
});

function checkNode(ctx: RuleContext, file: ScannedSourceFile, node: ts.CallExpression | ts.NewExpression): void {
  if (ts.isCallExpression(node)) {
    const jwtCall = jwtCallOf(ctx, file, node);
    if (jwtCall) {
      if (jwtCall.fn.package !== 'jsonwebtoken' || jwtCall.fn.operation !== 'verify') return;
      const options = node.arguments[jwtCall.fn.options!];
      // A callback in the options position: `jwt.verify(token, key, (err, payload) => ...)`.
      const optionsGiven = options && !isFunctionExpression(options) ? options : undefined;
      if (optionAt(optionsGiven, [JWT_OPTIONS.verifyAlgorithms]).kind !== 'absent') return;
      const keyExpression = node.arguments[jwtCall.fn.key!];
      if (!keyExpression) return;
      const key = keyKind(ctx, file, keyExpression);
      if (key === 'key') {
        judgeStaticPublicKey(ctx, file, node, keyExpression);
        return;
      }
      judge(ctx, file, node, 'jsonwebtoken', `jwt.verify() with ${describeKey(keyExpression, file)} and no \`algorithms\``);
      return;
    }
  }
  const configuration = jwtConfigurationOf(ctx, file, node);
  if (!configuration) return;
  const { package: packageName } = configuration.configuration;
  if (packageName !== 'passport-jwt' && packageName !== 'express-jwt') return;
  if (optionAtAny(configuration.options, configuration.configuration.verifyAlgorithms).kind !== 'absent') return;
  let key: KeyKind = 'key';
  let keyOption: ts.Expression | undefined;
  for (const name of configuration.configuration.keyOptions ?? []) {
    const lookup = optionAt(configuration.options, [name]);
    if (lookup.kind !== 'present') continue;
    keyOption = lookup.value;
    key = name === 'secretOrKeyProvider' ? 'provider' : keyKind(ctx, file, lookup.value);
    break;
  }
  if (key === 'key' || !keyOption) return;
  judge(ctx, file, node, packageName, `${configuration.configuration.label} with ${describeKey(keyOption, file)} and no \`algorithms\``);
}

function judge(ctx: RuleContext, file: ScannedSourceFile, node: ts.Node, packageName: string, what: string): void {
  const fixedFrom = KEY_TYPE_CHECKED_FROM[packageName]!;
  const range = declaredRange(ctx, file.path, packageName);
  const reaches = range === undefined ? undefined : rangeReaches(range, fixedFrom);
  // From the fixed version on, the library derives the algorithms from the key's type (or refuses to start).
  if (reaches === true) return;
  const version = range === undefined ? `no package.json declares ${packageName}` : `package.json declares ${packageName} ${range}`;
  const behaviour =
    packageName === 'express-jwt'
      ? 'express-jwt before 6 passes no algorithm list to jsonwebtoken 8'
      : packageName === 'passport-jwt'
        ? 'passport-jwt before 4.0.1 verifies with jsonwebtoken 8'
        : 'jsonwebtoken before 9 takes the algorithm from the token header';
  const severity: Severity = reaches === false ? 'high' : 'medium';
  const confidence: Confidence = reaches === false ? 'high' : 'low';
  ctx.report({
    file: file.path,
    start: node.getStart(file.sourceFile),
    end: node.getEnd(),
    severity,
    confidence,
    message: `${what} (${version}): ${behaviour}, so a lookup that finds no key lets an unsigned token through (CVE-2022-23540), and one that serves both HMAC secrets and public keys lets an HS256 token signed with a public key pass (CVE-2022-23541).${reaches === undefined ? ' The version could not be read; 9 and later are not affected.' : ''}`,
  });
}

/**
 * jsonwebtoken before 4.2.2 with a public key and no `algorithms`: the token header's HS256 makes
 * the public key the HMAC secret (CVE-2015-9235). Only where package.json pins such a version.
 */
function judgeStaticPublicKey(ctx: RuleContext, file: ScannedSourceFile, node: ts.Node, keyExpression: ts.Expression): void {
  if (!looksPublic(keyExpression, file)) return;
  const range = declaredRange(ctx, file.path, PEM_DEFAULTS_FROM.package);
  if (range === undefined || rangeReaches(range, PEM_DEFAULTS_FROM.version) !== false) return;
  const text = keyExpression.getText(file.sourceFile).replace(/\s+/g, ' ');
  ctx.report({
    file: file.path,
    start: node.getStart(file.sourceFile),
    end: node.getEnd(),
    message: `jwt.verify() with a public key (\`${text.length > 60 ? `${text.slice(0, 57)}...` : text}\`) and no \`algorithms\` (package.json declares jsonwebtoken ${range}): jsonwebtoken before ${PEM_DEFAULTS_FROM.version} uses the algorithm the token header names, so an HS256 token signed with the public key as its secret passes (CVE-2015-9235).`,
  });
}

/** The key expression, or the const it names, reads as a public key or certificate. */
function looksPublic(expression: ts.Expression, file: ScannedSourceFile): boolean {
  const value = skipOuterExpressions(expression);
  const texts = [value.getText(file.sourceFile)];
  if (ts.isIdentifier(value)) {
    const initializer = constInitializer(value);
    if (initializer) texts.push(initializer.getText(file.sourceFile));
  }
  return texts.some((text) => {
    if (/BEGIN (?:RSA |EC )?PUBLIC KEY|BEGIN CERTIFICATE/.test(text)) return true;
    const words = ` ${normalizeName(text)} `;
    return PUBLIC_KEY_WORDS.some((word) => words.includes(` ${word} `));
  });
}

function isFunctionExpression(expression: ts.Expression): boolean {
  const value = skipOuterExpressions(expression);
  return ts.isArrowFunction(value) || ts.isFunctionExpression(value);
}

/**
 * A key-retrieval function (a callback, a function declared or bound to a const, jwks-rsa's
 * `expressJwtSecret()`/`passportJwtSecret()`) or a key. Only the function matters before the fixed
 * versions: a static key is PEM text, from which jsonwebtoken (since 4.2.2) already picks RS/ES
 * algorithms, while a lookup can return nothing (then `none` is allowed) or keys of both families.
 */
function keyKind(ctx: RuleContext, file: ScannedSourceFile, expression: ts.Expression, depth = 0): KeyKind {
  const value = skipOuterExpressions(expression);
  if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) return 'provider';
  if (ts.isIdentifier(value)) {
    const binding = ctx.modules.resolveName(file, value.text);
    if (binding?.kind === 'declaration' && ts.isFunctionDeclaration(binding.node)) return 'provider';
    const initializer = constInitializer(value);
    if (initializer && depth < 3) return keyKind(ctx, file, initializer, depth + 1);
  }
  if (ts.isCallExpression(value)) {
    const callee = safeCallee(ctx, file, value.expression);
    if (callee && KEY_PROVIDER_PACKAGES.includes(callee.module) && /Secret$/.test(callee.members.at(-1) ?? '')) return 'provider';
  }
  return 'key';
}

function safeCallee(ctx: RuleContext, file: ScannedSourceFile, expression: ts.Expression) {
  try {
    return moduleCallee(ctx, file, expression);
  } catch {
    return undefined;
  }
}

function describeKey(expression: ts.Expression, file: ScannedSourceFile): string {
  const value = skipOuterExpressions(expression);
  if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) return 'an inline key-retrieval function';
  const text = expression.getText(file.sourceFile).replace(/\s+/g, ' ');
  return `a key-retrieval function (\`${text.length > 60 ? `${text.slice(0, 57)}...` : text}\`)`;
}
