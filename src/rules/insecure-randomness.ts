import { ts } from '#typescript';
import { enclosingFunction, skipOuterExpressions } from '../engine/ast/syntax.js';
import type { Confidence, Severity } from '../types.js';
import { defineRule } from './define-rule.js';
import { normalizeName } from './utils/sensitive-names.js';
import { own } from '../engine/own.js';

/** Where a Math.random() value ends up, by the name that says what it is. */
interface Destination {
  name: string;
  /** How the message says it: "const otp", "user.resetToken =", "returned from generateToken()". */
  where: string;
  /** A function's name says less than the variable's own: "returned from makeId()". */
  byFunction: boolean;
  /** The declaration, assignment, property or function the name belongs to. */
  at: ts.Node;
}

/** What a name says the random value is, when it is a secret. */
interface SecretUse {
  severity: Severity;
  /** The words that decided: "reset token", "otp". */
  phrase: string;
}

/**
 * Calls whose result still carries the random value as it was: rounding, conversions, picking a
 * character by a random index, padding, joining, hashing. The value passes through them unchanged
 * in predictability.
 */
const CARRYING_CALLS = new Set([
  'floor', 'round', 'ceil', 'trunc', 'abs', 'max', 'min', 'String', 'Number', 'BigInt', 'parseInt', 'parseFloat', 'charAt', 'at', 'fromCharCode',
  'from', 'update', 'digest', 'concat', 'padStart', 'padEnd', 'repeat', 'toString', 'join', 'substr', 'substring', 'slice', 'toUpperCase', 'toLowerCase', 'toFixed',
]);
/** Array methods whose callback's result becomes the new value (`Array.from({ length }, () => pick())`, `.map(...)`). */
const CALLBACK_CARRIERS = new Set(['from', 'map', 'flatMap', 'replace', 'fill']);
/** Leading verbs of a function name that makes a value: `generateToken`, `createOtp`, `randomPassword`. */
const MAKER_VERBS = new Set(['generate', 'gen', 'create', 'make', 'new', 'random', 'rand', 'get', 'build', 'issue', 'compute', 'init', 'next', 'to', 'mint', 'set']);

/** Secrets by their head noun alone. */
const SECRET_HEADS: Readonly<Record<string, Severity>> = {
  password: 'high', passwd: 'high', pwd: 'high', passphrase: 'high', passcode: 'high', otp: 'high', totp: 'high', hotp: 'high', pin: 'high',
  secret: 'high', apikey: 'high', sid: 'high', credential: 'high', credentials: 'high',
  nonce: 'medium', salt: 'medium', csrf: 'medium', xsrf: 'medium', challenge: 'medium',
};
/** Qualifiers that make a token, code or key an authentication secret: whoever predicts it signs in, resets or verifies. */
const AUTH_QUALIFIERS = new Set([
  'reset', 'auth', 'authentication', 'access', 'refresh', 'session', 'api', 'verification', 'verify', 'magic', 'login', 'signin', 'bearer', 'mfa', '2fa', 'factor',
  'recovery', 'password', 'otp', 'remember', 'impersonation', 'sms', 'security', 'backup', 'time', 'pass', 'secret', 'private', 'signing', 'encryption', 'unlock',
]);
/** Qualifiers of a token or code that is a secret but not a sign-in: confirming an email, accepting an invitation. */
const OTHER_SECRET_QUALIFIERS = new Set(['confirm', 'confirmation', 'activation', 'invite', 'invitation', 'email', 'phone', 'signup', 'registration', 'unsubscribe', 'share', 'download', 'csrf', 'license', 'webhook', 'client']);

export default defineRule({
  meta: {
    id: 'insecure-randomness',
    title: 'Math.random() used for a secret',
    severity: 'high',
    confidence: 'high',
    controls: {
      soc2: ['CC6.1'],
      owaspApi: [],
      cwe: ['CWE-338', 'CWE-330'],
      pciDss: ['6.2.4'],
      hipaa: ['164.312(d)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description:
        'Finds Math.random() values that become tokens, one-time passwords, reset or verification codes, session ids, API keys, passwords, nonces or salts, judged by the name of the variable, property or function they are stored in or returned from.',
      remediation:
        'Make secrets with the crypto module: crypto.randomInt(0, 1_000_000) for numeric codes, crypto.randomBytes(32).toString("base64url") for tokens, crypto.randomUUID() for ids that must not be guessed.',
    },
  },
  analyses: [],
  // Reads each file alone: its reports can be reused for an unchanged file.
  fileLocal: true,
  create(ctx) {
    // One report per destination: `'sk_' + Math.random()... + Math.random()...` is one weak key, not two.
    let reported = new Set<string>();
    return {
      enterSourceFile(file) {
        reported = new Set();
        return file.text.includes('Math.random');
      },
      nodes: {
        [ts.SyntaxKind.CallExpression]: (node, file) => {
          const call = node as ts.CallExpression;
          if (!isMathRandom(call)) return;
          const destination = destinationOf(call);
          const use = destination && secretUse(destination.name, destination.byFunction);
          if (!destination || !use) return;
          const key = `${destination.at.pos}:${destination.name}`;
          if (reported.has(key)) return;
          reported.add(key);
          const confidence: Confidence = destination.byFunction ? 'medium' : 'high';
          ctx.report({
            file: file.path,
            start: call.getStart(file.sourceFile),
            end: call.getEnd(),
            severity: use.severity,
            confidence,
            message: `The ${use.phrase} (${destination.where}) comes from Math.random(): its generator is not cryptographic, and a few observed outputs let an attacker predict the next values. Use crypto.randomInt or crypto.randomBytes.`,
          });
        },
      },
    };
  },
});

function isMathRandom(call: ts.CallExpression): boolean {
  const callee = skipOuterExpressions(call.expression);
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 'random' && ts.isIdentifier(callee.expression) && callee.expression.text === 'Math';
}

const MAX_STEPS = 16;

/** Follows the random value up through the expressions that carry it, to the name it is stored under or returned as. */
function destinationOf(call: ts.CallExpression): Destination | undefined {
  let current: ts.Node = call;
  for (let step = 0; step < MAX_STEPS; step++) {
    const parent = current.parent;
    if (!parent) return undefined;
    if (ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent) || ts.isNonNullExpression(parent) || ts.isAwaitExpression(parent) || ts.isPrefixUnaryExpression(parent)) {
      current = parent;
      continue;
    }
    if (ts.isTemplateSpan(parent)) {
      current = parent.parent;
      continue;
    }
    if (ts.isConditionalExpression(parent)) {
      // `Math.random() < 0.5 ? a : b` decides a branch: the value itself goes nowhere.
      if (parent.condition === current) return undefined;
      current = parent;
      continue;
    }
    if (ts.isBinaryExpression(parent)) {
      const operator = parent.operatorToken.kind;
      if (operator === ts.SyntaxKind.EqualsToken || operator === ts.SyntaxKind.PlusEqualsToken) {
        return parent.right === current ? assignedTo(parent.left, parent) : undefined;
      }
      // Comparisons (`Math.random() < rate`: sampling) and logic decide; arithmetic carries.
      if (!isArithmetic(operator)) return undefined;
      current = parent;
      continue;
    }
    if (ts.isPropertyAccessExpression(parent) && parent.expression === current) {
      // `Math.random().toString(36)`: a method of the value makes a new value from it.
      if (!parent.parent || !ts.isCallExpression(parent.parent) || parent.parent.expression !== parent) return undefined;
      current = parent.parent;
      continue;
    }
    if (ts.isElementAccessExpression(parent) && parent.argumentExpression === current) {
      // `alphabet[Math.floor(Math.random() * n)]`: a character picked by the random index.
      current = parent;
      continue;
    }
    if (ts.isArrayLiteralExpression(parent) || ts.isSpreadElement(parent)) {
      current = parent;
      continue;
    }
    if (ts.isCallExpression(parent) && parent.arguments.includes(current as ts.Expression)) {
      if (!CARRYING_CALLS.has(calleeName(parent))) return undefined;
      current = parent;
      continue;
    }
    if ((ts.isArrowFunction(parent) && parent.body === current) || ts.isReturnStatement(parent)) {
      const fn = ts.isArrowFunction(parent) ? parent : enclosingFunction(parent);
      if (!fn) return undefined;
      const carrier = callbackCarrier(fn);
      if (carrier) {
        current = carrier;
        continue;
      }
      const name = functionName(fn);
      return name ? { name, where: `returned from ${name}()`, byFunction: true, at: fn } : undefined;
    }
    if (ts.isVariableDeclaration(parent) && parent.initializer === current) return ts.isIdentifier(parent.name) ? assignedTo(parent.name, parent) : undefined;
    if ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.initializer === current) {
      const name = propertyName(parent.name);
      return name ? { name, where: `${name}: ${ts.isPropertyDeclaration(parent) ? 'field' : 'property'}`, byFunction: false, at: parent } : undefined;
    }
    return undefined;
  }
  return undefined;
}

function isArithmetic(operator: ts.SyntaxKind): boolean {
  return (
    operator === ts.SyntaxKind.PlusToken ||
    operator === ts.SyntaxKind.MinusToken ||
    operator === ts.SyntaxKind.AsteriskToken ||
    operator === ts.SyntaxKind.SlashToken ||
    operator === ts.SyntaxKind.PercentToken ||
    operator === ts.SyntaxKind.BarToken ||
    operator === ts.SyntaxKind.AmpersandToken ||
    operator === ts.SyntaxKind.CaretToken ||
    operator === ts.SyntaxKind.LessThanLessThanToken ||
    operator === ts.SyntaxKind.GreaterThanGreaterThanToken ||
    operator === ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken ||
    operator === ts.SyntaxKind.AsteriskAsteriskToken
  );
}

/**
 * The name a value is stored under: `const otp`, `user.resetToken =`, `result +=`. A generic local
 * (`result`, `code`) the function returns is named by the function instead (`generateToken`).
 */
function assignedTo(target: ts.Node, at: ts.Node): Destination | undefined {
  const name = ts.isIdentifier(target)
    ? target.text
    : ts.isPropertyAccessExpression(target)
      ? target.name.text
      : ts.isElementAccessExpression(target) && ts.isStringLiteralLike(target.argumentExpression)
        ? target.argumentExpression.text
        : undefined;
  if (!name) return undefined;
  const where = ts.isVariableDeclaration(at) ? `${name} =` : `${target.getText()} =`;
  if (secretUse(name, false) || !ts.isIdentifier(target)) return { name, where, byFunction: false, at };
  const fn = enclosingFunction(at);
  if (!fn || !returnsLocal(fn, name)) return { name, where, byFunction: false, at };
  const fnName = functionName(fn);
  return fnName ? { name: fnName, where: `${name}, returned from ${fnName}()`, byFunction: true, at: fn } : { name, where, byFunction: false, at };
}

/** The function returns the local, as it is or through a method (`return result.toUpperCase()`). */
function returnsLocal(fn: ts.SignatureDeclaration, name: string): boolean {
  const body = (fn as ts.FunctionLikeDeclaration).body;
  if (!body) return false;
  const returned = (expression: ts.Expression): boolean => {
    let value = skipOuterExpressions(expression);
    while (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression)) value = skipOuterExpressions(value.expression.expression);
    return ts.isIdentifier(value) && value.text === name;
  };
  if (!ts.isBlock(body)) return returned(body);
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found || (node !== body && ts.isFunctionLike(node))) return;
    if (ts.isReturnStatement(node) && node.expression && returned(node.expression)) found = true;
    ts.forEachChild(node, visit);
  };
  visit(body);
  return found;
}

/** A callback whose result an array method or `Array.from` turns into the new value: the call it is given to. */
function callbackCarrier(fn: ts.SignatureDeclaration): ts.CallExpression | undefined {
  const parent = fn.parent;
  if (!parent || !ts.isCallExpression(parent) || !parent.arguments.includes(fn as unknown as ts.Expression)) return undefined;
  return CALLBACK_CARRIERS.has(calleeName(parent)) ? parent : undefined;
}

function calleeName(call: ts.CallExpression): string {
  const callee = skipOuterExpressions(call.expression);
  return ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
}

function functionName(fn: ts.SignatureDeclaration): string | undefined {
  if (fn.name) return propertyName(fn.name);
  const parent = fn.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))) return propertyName(parent.name);
  return undefined;
}

function propertyName(name: ts.PropertyName | ts.BindingName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name) ? name.text.replace(/^#/, '') : undefined;
}

/**
 * The secret a name says a value is, by its head noun (the last word): `resetToken`, `otp`,
 * `sessionId`, `apiKey`. Names about a secret (`tokenCount`, `otpExpiry`) end in another noun.
 */
function secretUse(name: string, isFunctionName: boolean): SecretUse | undefined {
  let words = normalizeName(name).split(' ').filter(Boolean);
  if (isFunctionName) {
    while (words.length > 1 && MAKER_VERBS.has(words[0]!)) words = words.slice(1);
  }
  const head = words.at(-1);
  if (!head) return undefined;
  const qualifiers = words.slice(0, -1);
  const phrase = words.join(' ');
  const headSeverity = own(SECRET_HEADS, head);
  if (headSeverity) return { severity: headSeverity, phrase };
  if (head === 'token' || head === 'code' || head === 'key') {
    if (qualifiers.some((word) => AUTH_QUALIFIERS.has(word))) return { severity: 'high', phrase };
    if (qualifiers.some((word) => OTHER_SECRET_QUALIFIERS.has(word))) return { severity: 'medium', phrase };
    // A token with no qualifier is still a bearer secret; a bare code or key is as likely a product code or a React key.
    return head === 'token' && qualifiers.length === 0 ? { severity: 'medium', phrase } : undefined;
  }
  if (head === 'id' && qualifiers.includes('session')) return { severity: 'high', phrase };
  return undefined;
}
