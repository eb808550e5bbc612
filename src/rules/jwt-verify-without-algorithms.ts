import { ts } from '#typescript';
import { moduleCallee } from '../engine/ast/module-callee.js';
import { skipOuterExpressions } from '../engine/ast/module-index.js';
import type { RuleContext } from '../engine/rule-api.js';
import type { Confidence, ScannedSourceFile, Severity } from '../types.js';
import { JWT_OPTIONS, KEY_TYPE_CHECKED_FROM, PUBLIC_KEY_PACKAGES, PUBLIC_KEY_WORDS } from '../models/jwt.js';
import { defineRule } from './define-rule.js';
import { constInitializer, declaredRange, jwtCallOf, jwtConfigurationOf, optionAt, optionAtAny, rangeReaches } from './utils/jwt-calls.js';
import { normalizeName } from './utils/secret-values.js';

/** What the key handed to a verifier is, as far as the code shows. */
type KeyKind = 'provider' | 'public' | 'secret';

export default defineRule({
  meta: {
    id: 'jwt-verify-without-algorithms',
    title: 'JWT verified with no algorithm list by a library version that trusts the token header',
    severity: 'high',
    confidence: 'high',
    controls: {
      soc2: ['CC6.1'],
      owaspApi: ['API2:2023'],
      cwe: ['CWE-347'],
      pciDss: ['8.3.1'],
      hipaa: ['164.312(d)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description: 'Finds JWT verification with no `algorithms` list and a public key or key-retrieval function (JWKS, `secretOrKeyProvider`, a certificate) in jsonwebtoken before 9, passport-jwt before 4.0.1 and express-jwt before 6, which take the algorithm from the token header.',
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
      if (key === 'secret') return;
      judge(ctx, file, node, 'jsonwebtoken', `jwt.verify() with ${describeKey(key, keyExpression, file)} and no \`algorithms\``);
      return;
    }
  }
  const configuration = jwtConfigurationOf(ctx, file, node);
  if (!configuration) return;
  const { package: packageName } = configuration.configuration;
  if (packageName !== 'passport-jwt' && packageName !== 'express-jwt') return;
  if (optionAtAny(configuration.options, configuration.configuration.verifyAlgorithms).kind !== 'absent') return;
  let key: KeyKind = 'secret';
  let keyOption: ts.Expression | undefined;
  for (const name of configuration.configuration.keyOptions ?? []) {
    const lookup = optionAt(configuration.options, [name]);
    if (lookup.kind !== 'present') continue;
    keyOption = lookup.value;
    key = name === 'secretOrKeyProvider' ? 'provider' : keyKind(ctx, file, lookup.value);
    break;
  }
  if (key === 'secret' || !keyOption) return;
  const what = packageName === 'passport-jwt' ? 'passport-jwt Strategy' : 'express-jwt middleware';
  judge(ctx, file, node, packageName, `${what} with ${describeKey(key, keyOption, file)} and no \`algorithms\``);
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
    message: `${what} (${version}): ${behaviour}, so a key lookup that returns no key lets an unsigned token through (CVE-2022-23540) and a public key that is not PEM text can verify an HS256 token signed with that public key (CVE-2022-23541).${reaches === undefined ? ' The version could not be read; 9 and later are not affected.' : ''}`,
  });
}

function isFunctionExpression(expression: ts.Expression): boolean {
  const value = skipOuterExpressions(expression);
  return ts.isArrowFunction(value) || ts.isFunctionExpression(value);
}

function keyKind(ctx: RuleContext, file: ScannedSourceFile, expression: ts.Expression, depth = 0): KeyKind {
  const value = skipOuterExpressions(expression);
  if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) return 'provider';
  if (ts.isStringLiteralLike(value)) return /BEGIN (?:RSA |EC )?PUBLIC KEY|BEGIN CERTIFICATE/.test(value.text) ? 'public' : 'secret';
  if (ts.isIdentifier(value)) {
    const binding = ctx.modules.resolveName(file, value.text);
    if (binding?.kind === 'declaration' && ts.isFunctionDeclaration(binding.node)) return 'provider';
    const initializer = constInitializer(value);
    if (initializer && depth < 3) {
      const fromInitializer = keyKind(ctx, file, initializer, depth + 1);
      if (fromInitializer !== 'secret') return fromInitializer;
    }
  }
  if (ts.isCallExpression(value)) {
    // jwks-rsa `expressJwtSecret(...)`/`passportJwtSecret(...)` return a key-retrieval function; `getSigningKey` a public key.
    const callee = safeCallee(ctx, file, value.expression);
    if (callee && PUBLIC_KEY_PACKAGES.includes(callee.module)) return /Secret$/.test(callee.members.at(-1) ?? '') ? 'provider' : 'public';
  }
  return hasPublicKeyWords(value.getText(file.sourceFile)) ? 'public' : 'secret';
}

function safeCallee(ctx: RuleContext, file: ScannedSourceFile, expression: ts.Expression) {
  try {
    return moduleCallee(ctx, file, expression);
  } catch {
    return undefined;
  }
}

/** `publicKey`, `JWT_PUBLIC_KEY`, `readFileSync('keys/public.pem')`, `jwks.getSigningKey`, `cert`: the words of the key expression. */
function hasPublicKeyWords(text: string): boolean {
  const words = ` ${normalizeName(text.replace(/[^A-Za-z0-9_]+/g, ' '))} `;
  return PUBLIC_KEY_WORDS.some((word) => words.includes(` ${word} `));
}

function describeKey(key: KeyKind, expression: ts.Expression, file: ScannedSourceFile): string {
  const text = expression.getText(file.sourceFile).replace(/\s+/g, ' ');
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return key === 'provider' ? `a key-retrieval function (\`${shown}\`)` : `a public key (\`${shown}\`)`;
}
