import { ts } from '#typescript';
import { type FileImport, importedCallee, localConstInitializer, localDeclaration } from '../engine/names/index.js';
import { enclosingFunction, skipOuterExpressions } from '../engine/ast/syntax.js';
import {
  BCRYPT_COST_ARGUMENT,
  BCRYPT_MINIMUM_COST,
  BCRYPT_PACKAGES,
  CIPHER_KEY_ARGUMENTS,
  CRYPTO_JS_PBKDF2,
  DIGEST_FUNCTION_PACKAGES,
  FAST_DIGESTS,
  NODE_CRYPTO_MODULES,
  PBKDF2_FUNCTIONS,
  PBKDF2_MINIMUM_ITERATIONS,
  SCRYPT_COST_OPTIONS,
  SCRYPT_FUNCTIONS,
  SCRYPT_MINIMUM_COST,
  SLOW_PASSWORD_HASH_FUNCTIONS,
} from '../models/crypto.js';
import type { Confidence, ScannedSourceFile } from '../types.js';
import { defineRule } from './define-rule.js';
import { isPasswordFunctionName, isPasswordName } from './utils/password-names.js';

/** Why the hashed value is taken for a password, and how sure that is. */
interface PasswordEvidence {
  /** In words for the message: "req.body.password", "the parameter of hashPassword()". */
  what: string;
  confidence: Confidence;
}

/** Calls that pass a value through unchanged in content (`Buffer.from(password)`, `password.trim()`). */
const CARRIERS = new Set(['from', 'String', 'trim', 'toString', 'normalize', 'toLowerCase', 'concat', 'parse']);
/** Calls after a digest that only change its encoding (`.digest('hex')`, `.toString()`). */
const ENCODINGS = new Set(['digest', 'toString', 'toUpperCase', 'toLowerCase', 'slice', 'substring']);
const MAX_HOPS = 4;

export default defineRule({
  meta: {
    id: 'weak-password-hash',
    title: 'Password hashed with a fast or under-strength algorithm',
    severity: 'high',
    confidence: 'high',
    controls: {
      soc2: ['CC6.1'],
      owaspApi: [],
      cwe: ['CWE-916', 'CWE-328'],
      pciDss: ['8.3.2'],
      hipaa: ['164.312(d)'],
      gdpr: ['Art. 32(1)(a)'],
    },
    docs: {
      description:
        'Finds passwords hashed with a fast digest (md5, sha1, sha256, sha512 through crypto.createHash, the md5/sha1/js-sha packages or crypto-js), with or without salt, and password hashing with too little work: bcrypt cost below 10, PBKDF2 below 100,000 iterations, scrypt N below 16384.',
      remediation:
        'Hash passwords with argon2id, scrypt or bcrypt (cost 10 or more); for PBKDF2 use at least 600,000 iterations of SHA-256. Rehash each password with the new scheme at the user\'s next sign-in.',
    },
  },
  analyses: [],
  // Reads each file alone (its own imports and constants): its reports can be reused for an unchanged file.
  fileLocal: true,
  create(ctx) {
    return {
      enterSourceFile(file) {
        // Cheap prefilter: every shape we match names one of these in the file's text.
        return /createHash|md5|sha|bcrypt|pbkdf2|scrypt|PBKDF2/i.test(file.text);
      },
      nodes: {
        [ts.SyntaxKind.CallExpression]: (node, file) => {
          const call = node as ts.CallExpression;
          const finding = fastDigestOfPassword(call, file) ?? weakWorkFactor(call, file);
          if (finding) ctx.report({ file: file.path, start: call.getStart(file.sourceFile), end: call.getEnd(), ...finding });
        },
      },
    };
  },
});

type Finding = { message: string; confidence?: Confidence };

/** The Pwned Passwords range API (`https://api.pwnedpasswords.com/range/${prefix}`), whose protocol is SHA-1 prefixes. */
const BREACH_CORPUS_RANGE_API = /\bapi\.pwnedpasswords\.com\b/;

/** `createHash('md5').update(password)`, `md5(password)`, `CryptoJS.SHA256(password)`: reported at the call that takes the password. */
function fastDigestOfPassword(call: ts.CallExpression, file: ScannedSourceFile): Finding | undefined {
  const sourceFile = file.sourceFile;
  const callee = skipOuterExpressions(call.expression);
  let algorithm: string | undefined;
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'update') algorithm = createHashAlgorithm(callee.expression, sourceFile, 0);
  else algorithm = digestFunction(importedCallee(sourceFile, callee));
  const hashed = call.arguments[0];
  if (!algorithm || !hashed) return undefined;
  const evidence = passwordEvidence(hashed, sourceFile, 0) ?? parameterOfPasswordFunction(hashed) ?? passwordDestination(call, sourceFile);
  if (!evidence || feedsSlowHash(call, sourceFile)) return undefined;
  // Have I Been Pwned's range API takes the first five hex digits of the password's SHA-1 (k-anonymity):
  // the digest is a breach-corpus query, never stored or compared as the password's hash.
  if (/^sha-?1$/i.test(algorithm) && BREACH_CORPUS_RANGE_API.test(file.text)) return undefined;
  // HTTP Digest authentication (RFC 2617/7616) makes the client compute HA1 = H(username:realm:password) to
  // answer the server's nonce: a protocol step whose result goes into a `Digest ...` Authorization header.
  if (isDigestAuthResponse(hashed, file.text)) return undefined;
  return {
    message: `Password hashed with ${algorithm}, a single fast digest (${evidence.what}): salted or not, a leaked hash falls to billions of GPU guesses a second. Use argon2id, scrypt or bcrypt.`,
    confidence: evidence.confidence,
  };
}

/** `${username}:${realm}:${password}` in a file that builds a `Digest` Authorization header: HA1 of HTTP Digest. */
function isDigestAuthResponse(hashed: ts.Expression, fileText: string): boolean {
  return /\brealm\b/.test(hashed.getText()) && /\bnonce\b/.test(fileText) && /['"`]Digest\s/.test(fileText);
}

/**
 * The digest is a pre-hash: its output (after encoding calls) is an argument of a slow password hash,
 * directly or through a local the enclosing function passes to one (`const pre = sha256(password)
 * .digest('hex'); return bcrypt.hash(pre, 10)`). The stored hash is bcrypt's, not the digest.
 */
function feedsSlowHash(call: ts.CallExpression, sourceFile: ts.SourceFile): boolean {
  const digest = encodedDigest(call);
  if (isSlowHashArgument(digest, sourceFile)) return true;
  const parent = digest.parent;
  if (!parent || !ts.isVariableDeclaration(parent) || parent.initializer !== digest || !ts.isIdentifier(parent.name)) return false;
  const local = parent.name.text;
  const scope = enclosingFunction(parent);
  const body = scope && 'body' in scope ? (scope.body as ts.Node | undefined) : undefined;
  if (!body) return false;
  const uses: ts.Identifier[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && node.text === local && node !== parent.name) uses.push(node);
    ts.forEachChild(node, visit);
  };
  visit(body);
  // Every use goes to a slow hash: a digest also stored or compared on its own is still the password hash.
  return uses.length > 0 && uses.every((use) => isSlowHashArgument(use, sourceFile));
}

/** The outermost expression that is still the digest: `createHash(..).update(p).digest('hex')`, awaited or parenthesized. */
function encodedDigest(call: ts.CallExpression): ts.Expression {
  let current: ts.Expression = call;
  for (;;) {
    const parent = current.parent;
    if (!parent) return current;
    if (ts.isParenthesizedExpression(parent) || ts.isAwaitExpression(parent) || ts.isAsExpression(parent) || ts.isNonNullExpression(parent)) {
      current = parent;
      continue;
    }
    if (ts.isPropertyAccessExpression(parent) && parent.expression === current && ENCODINGS.has(parent.name.text) && parent.parent && ts.isCallExpression(parent.parent)) {
      current = parent.parent;
      continue;
    }
    return current;
  }
}

function isSlowHashArgument(expression: ts.Expression, sourceFile: ts.SourceFile): boolean {
  const call = expression.parent;
  if (!call || !ts.isCallExpression(call) || !call.arguments.includes(expression)) return false;
  const imported = importedCallee(sourceFile, call.expression);
  return imported !== undefined && (SLOW_PASSWORD_HASH_FUNCTIONS[imported.module]?.includes(imported.name) ?? false);
}

/** The digest of a `createHash(...)` chain an `.update` is called on, when it is a fast one. */
function createHashAlgorithm(receiver: ts.Expression, sourceFile: ts.SourceFile, hops: number): string | undefined {
  if (hops > MAX_HOPS) return undefined;
  const value = skipOuterExpressions(receiver);
  // `const hash = crypto.createHash('md5'); hash.update(password)`.
  if (ts.isIdentifier(value)) {
    const declaration = localDeclaration(value);
    return declaration?.initializer && ts.isIdentifier(declaration.name) ? createHashAlgorithm(declaration.initializer, sourceFile, hops + 1) : undefined;
  }
  if (!ts.isCallExpression(value)) return undefined;
  const callee = skipOuterExpressions(value.expression);
  // `createHash('sha256').update(salt).update(password)`.
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'update') return createHashAlgorithm(callee.expression, sourceFile, hops + 1);
  const imported = importedCallee(sourceFile, callee);
  if (!imported || !NODE_CRYPTO_MODULES.has(imported.module) || imported.name !== 'createHash') return undefined;
  const name = value.arguments[0] && skipOuterExpressions(value.arguments[0]);
  if (!name || !ts.isStringLiteralLike(name)) return undefined;
  return FAST_DIGESTS.has(name.text.toLowerCase().replace(/[-_]/g, '')) ? name.text : undefined;
}

/** `md5`, `sha1`, `CryptoJS.SHA256`: a package export that digests its argument in one pass. */
function digestFunction(imported: FileImport | undefined): string | undefined {
  if (!imported) return undefined;
  const exports = DIGEST_FUNCTION_PACKAGES[imported.module];
  if (!exports?.includes(imported.name)) return undefined;
  return imported.name === 'default' ? imported.module.replace(/^crypto-js\//, '') : imported.name;
}

/** The hashed expression names a password: `password`, `req.body.password`, `salt + user.password`, a local holding one. */
function passwordEvidence(expression: ts.Expression, sourceFile: ts.SourceFile, hops: number): PasswordEvidence | undefined {
  if (hops > MAX_HOPS) return undefined;
  const value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value) || ts.isPropertyAccessExpression(value)) {
    const name = ts.isIdentifier(value) ? value.text : value.name.text;
    if (isPasswordName(name)) return { what: value.getText(sourceFile), confidence: 'high' };
    if (ts.isIdentifier(value)) {
      const declaration = localDeclaration(value);
      if (declaration?.initializer && ts.isIdentifier(declaration.name)) return passwordEvidence(declaration.initializer, sourceFile, hops + 1);
    }
    return undefined;
  }
  if (ts.isElementAccessExpression(value) && ts.isStringLiteralLike(value.argumentExpression)) {
    return isPasswordName(value.argumentExpression.text) ? { what: value.getText(sourceFile), confidence: 'high' } : undefined;
  }
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    return passwordEvidence(value.left, sourceFile, hops + 1) ?? passwordEvidence(value.right, sourceFile, hops + 1);
  }
  if (ts.isTemplateExpression(value)) {
    for (const span of value.templateSpans) {
      const found = passwordEvidence(span.expression, sourceFile, hops + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (ts.isCallExpression(value)) {
    const callee = skipOuterExpressions(value.expression);
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    if (!CARRIERS.has(name)) return undefined;
    for (const part of [...value.arguments, ...(ts.isPropertyAccessExpression(callee) ? [callee.expression] : [])]) {
      const found = passwordEvidence(part, sourceFile, hops + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** `function hashPassword(plain) { return md5(plain) }`: a parameter of a function whose name says it hashes a password. */
function parameterOfPasswordFunction(expression: ts.Expression): PasswordEvidence | undefined {
  const value = skipOuterExpressions(expression);
  if (!ts.isIdentifier(value)) return undefined;
  const fn = enclosingFunction(value);
  if (!fn || !fn.parameters.some((parameter) => ts.isIdentifier(parameter.name) && parameter.name.text === value.text)) return undefined;
  const name = functionName(fn);
  return name && isPasswordFunctionName(name) ? { what: `the parameter ${value.text} of ${name}()`, confidence: 'medium' } : undefined;
}

function functionName(fn: ts.SignatureDeclaration): string | undefined {
  if (fn.name && (ts.isIdentifier(fn.name) || ts.isStringLiteral(fn.name))) return fn.name.text;
  const parent = fn.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  return undefined;
}

/** `user.password = md5(x)`, `const hashedPassword = sha256(x).toString()`: the digest is stored as the password. */
function passwordDestination(call: ts.CallExpression, sourceFile: ts.SourceFile): PasswordEvidence | undefined {
  const current = encodedDigest(call);
  const parent = current.parent;
  if (!parent) return undefined;
  let target: ts.Node | undefined;
  if (parent && ts.isVariableDeclaration(parent) && parent.initializer === current) target = parent.name;
  else if (parent && ts.isPropertyAssignment(parent) && parent.initializer === current) target = parent.name;
  else if (parent && ts.isBinaryExpression(parent) && parent.right === current && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) target = parent.left;
  const name = !target ? undefined : ts.isIdentifier(target) || ts.isStringLiteral(target) ? target.text : ts.isPropertyAccessExpression(target) ? target.name.text : undefined;
  return name && isPasswordName(name) ? { what: `stored as ${target!.getText(sourceFile)}`, confidence: 'medium' } : undefined;
}

/** bcrypt cost below 10, PBKDF2 below 100,000 iterations, scrypt N below 16384. */
function weakWorkFactor(call: ts.CallExpression, file: ScannedSourceFile): Finding | undefined {
  const sourceFile = file.sourceFile;
  const imported = importedCallee(sourceFile, call.expression);
  if (!imported) return undefined;
  const how = call.expression.getText(sourceFile);
  if (BCRYPT_PACKAGES.has(imported.module) && Object.hasOwn(BCRYPT_COST_ARGUMENT, imported.name)) {
    const cost = numericValue(call.arguments[BCRYPT_COST_ARGUMENT[imported.name]!]);
    if (cost !== undefined && cost < BCRYPT_MINIMUM_COST) {
      return { message: `${how}() uses bcrypt cost ${cost}, below ${BCRYPT_MINIMUM_COST}: each step down halves the work of guessing a leaked hash. Use a cost of ${BCRYPT_MINIMUM_COST} or more (12 is common).` };
    }
    return undefined;
  }
  // A key for a cipher or an HMAC, derived from a secret: no hash is kept for anyone to guess against.
  if (NODE_CRYPTO_MODULES.has(imported.module) && (imported.name in PBKDF2_FUNCTIONS || SCRYPT_FUNCTIONS.has(imported.name)) && derivesCipherKey(call, sourceFile)) return undefined;
  if (NODE_CRYPTO_MODULES.has(imported.module) && imported.name in PBKDF2_FUNCTIONS) {
    const iterations = numericValue(call.arguments[PBKDF2_FUNCTIONS[imported.name]!]);
    const digest = call.arguments[4] && skipOuterExpressions(call.arguments[4]);
    const digestText = digest && ts.isStringLiteralLike(digest) ? ` of ${digest.text}` : '';
    if (iterations !== undefined && iterations < PBKDF2_MINIMUM_ITERATIONS) return { message: pbkdf2Message(how, iterations, digestText) };
    return undefined;
  }
  if (imported.module === CRYPTO_JS_PBKDF2.module && imported.name === CRYPTO_JS_PBKDF2.name) {
    const options = call.arguments[CRYPTO_JS_PBKDF2.optionsArgument];
    const iterations = options && numericValue(optionValue(options, CRYPTO_JS_PBKDF2.iterationsOption));
    if (iterations !== undefined && iterations < PBKDF2_MINIMUM_ITERATIONS) return { message: pbkdf2Message(how, iterations, '') };
    return undefined;
  }
  if (NODE_CRYPTO_MODULES.has(imported.module) && SCRYPT_FUNCTIONS.has(imported.name)) {
    const options = call.arguments[3];
    for (const option of SCRYPT_COST_OPTIONS) {
      const cost = options && numericValue(optionValue(options, option));
      if (cost !== undefined && cost < SCRYPT_MINIMUM_COST) {
        return { message: `${how}() sets scrypt ${option} to ${cost}, below Node's default ${SCRYPT_MINIMUM_COST} (OWASP asks 131072): a leaked hash is cheap to guess against.` };
      }
    }
  }
  return undefined;
}

/**
 * PBKDF2 or scrypt deriving an encryption key: every place its output goes is the key argument of
 * `createCipheriv`/`createDecipheriv`/`createHmac` (models/crypto.ts CIPHER_KEY_ARGUMENTS), directly,
 * through a local, through the function that returns it (`const getKey = (secret, salt) =>
 * pbkdf2Sync(...)` and `createCipheriv(ALGORITHM, getKey(secret, salt), iv)`), or through the callback
 * of the asynchronous form. Any other use (stored, compared, returned out of the file) keeps the finding.
 */
function derivesCipherKey(call: ts.CallExpression, sourceFile: ts.SourceFile): boolean {
  const callback = call.arguments.at(-1) && skipOuterExpressions(call.arguments.at(-1)!);
  const uses: ts.Expression[] = [];
  let complete: boolean;
  if (callback && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) {
    const derived = callback.parameters[1]?.name;
    complete = derived !== undefined && ts.isIdentifier(derived) && namedUses(derived, callback.body, uses, sourceFile, 0);
  } else complete = valueUses(call, uses, sourceFile, 0);
  return complete && uses.length > 0 && uses.every((use) => isCipherKeyArgument(use, sourceFile));
}

/** Where a value ends up: the outermost expressions that still are it. False when the trail is too long to follow. */
function valueUses(expression: ts.Expression, uses: ts.Expression[], sourceFile: ts.SourceFile, hops: number): boolean {
  if (hops > MAX_HOPS) return false;
  let current: ts.Expression = expression;
  while (current.parent && (ts.isParenthesizedExpression(current.parent) || ts.isAwaitExpression(current.parent) || ts.isAsExpression(current.parent) || ts.isNonNullExpression(current.parent))) current = current.parent;
  const parent = current.parent;
  // `const key = pbkdf2Sync(...)`: where the local goes.
  if (parent && ts.isVariableDeclaration(parent) && parent.initializer === current && ts.isIdentifier(parent.name)) {
    const scope = enclosingFunction(parent);
    if (!scope && isExported(parent.name)) return false;
    const body = scope && 'body' in scope ? (scope.body as ts.Node | undefined) : sourceFile;
    return body !== undefined && namedUses(parent.name, body, uses, sourceFile, hops + 1);
  }
  // `const getKey = (secret, salt) => pbkdf2Sync(...)` or `return pbkdf2Sync(...)`: where the function's calls go.
  const fn = parent && ts.isReturnStatement(parent) ? enclosingFunction(parent) : parent && ts.isArrowFunction(parent) && parent.body === current ? parent : undefined;
  if (fn) {
    const name = functionNameNode(fn);
    // Exported, other files' calls are not seen here.
    if (!name || isExported(name)) return false;
    const calls: ts.CallExpression[] = [];
    let references = 0;
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node) && node !== name && node.text === name.text && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node)) references++;
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === name.text) calls.push(node);
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
    // Handed around as a value (`export { getKey }`, `run(getKey)`): its results go where this file does not say.
    return references === calls.length && calls.every((found) => valueUses(found, uses, sourceFile, hops + 1));
  }
  uses.push(current);
  return true;
}

/** The uses of a local or parameter within its scope, each followed on. */
function namedUses(name: ts.Identifier, scope: ts.Node, uses: ts.Expression[], sourceFile: ts.SourceFile, hops: number): boolean {
  let complete = true;
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && node !== name && node.text === name.text && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node)) {
      complete = valueUses(node, uses, sourceFile, hops) && complete;
    }
    ts.forEachChild(node, visit);
  };
  visit(scope);
  return complete;
}

/** `export function getKey`, `export const getKey = ...`. */
function isExported(name: ts.Identifier): boolean {
  let statement: ts.Node | undefined = name.parent;
  while (statement && !ts.isFunctionDeclaration(statement) && !ts.isVariableStatement(statement) && !ts.isSourceFile(statement)) statement = statement.parent;
  return statement !== undefined && (ts.isFunctionDeclaration(statement) || ts.isVariableStatement(statement)) && (ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword) ?? false);
}

/** `getKey` of `const getKey = (...) => ...` or `function getKey(...) {...}`. */
function functionNameNode(fn: ts.SignatureDeclaration): ts.Identifier | undefined {
  if (fn.name && ts.isIdentifier(fn.name)) return fn.name;
  const parent = fn.parent;
  return parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) ? parent.name : undefined;
}

function isCipherKeyArgument(use: ts.Expression, sourceFile: ts.SourceFile): boolean {
  const call = use.parent;
  if (!call || !ts.isCallExpression(call)) return false;
  const imported = importedCallee(sourceFile, call.expression);
  if (!imported || !NODE_CRYPTO_MODULES.has(imported.module) || !Object.hasOwn(CIPHER_KEY_ARGUMENTS, imported.name)) return false;
  return call.arguments[CIPHER_KEY_ARGUMENTS[imported.name]!] === use;
}

function pbkdf2Message(how: string, iterations: number, digest: string): string {
  return `${how}() runs ${iterations.toLocaleString('en-US')} iterations${digest}, below ${PBKDF2_MINIMUM_ITERATIONS.toLocaleString('en-US')}: a leaked hash is cheap to guess against. Use at least 600,000 iterations of SHA-256, or argon2id/scrypt/bcrypt.`;
}

function optionValue(options: ts.Expression, name: string): ts.Expression | undefined {
  const object = skipOuterExpressions(options);
  if (!ts.isObjectLiteralExpression(object)) return undefined;
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property) && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) && property.name.text === name) return property.initializer;
    if (ts.isShorthandPropertyAssignment(property) && property.name.text === name) return property.name;
  }
  return undefined;
}

/** A number written in the file: a literal (`1e4`, `10_000`), `2 ** 10`, `1 << 10`, or a const holding one. */
function numericValue(expression: ts.Expression | undefined, hops = 0): number | undefined {
  if (!expression || hops > MAX_HOPS) return undefined;
  const value = skipOuterExpressions(expression);
  if (ts.isNumericLiteral(value)) return Number(value.text.replace(/_/g, ''));
  if (ts.isIdentifier(value)) return numericValue(localConstInitializer(value), hops + 1);
  if (ts.isBinaryExpression(value)) {
    const left = numericValue(value.left, hops + 1);
    const right = numericValue(value.right, hops + 1);
    if (left === undefined || right === undefined) return undefined;
    if (value.operatorToken.kind === ts.SyntaxKind.AsteriskAsteriskToken) return left ** right;
    if (value.operatorToken.kind === ts.SyntaxKind.LessThanLessThanToken) return left << right;
    if (value.operatorToken.kind === ts.SyntaxKind.AsteriskToken) return left * right;
  }
  return undefined;
}
