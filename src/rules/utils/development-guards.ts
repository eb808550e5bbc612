import { ts } from '#typescript';
import { skipOuterExpressions } from '../../engine/ast/syntax.js';
import { normalizeName } from './sensitive-names.js';

/**
 * Whether code runs only outside production: inside the branch of an `if`, a `? :` or an `&&`
 * whose condition says development (`NODE_ENV !== 'production'`, `NODE_ENV === 'development'`,
 * `isDev`, `!isProduction`, `__DEV__`), or the other branch of one that says production. A weak
 * TLS or cookie setting there is a development convenience the production build never runs, and
 * `secure: process.env.NODE_ENV === 'production'` is the documented way to write it.
 */
export function inDevelopmentBranch(node: ts.Node): boolean {
  let child: ts.Node = node;
  for (let current = node.parent; current && !ts.isSourceFile(current); child = current, current = current.parent) {
    if (ts.isIfStatement(current)) {
      if (child === current.thenStatement && environmentOf(current.expression) === 'development') return true;
      if (child === current.elseStatement && environmentOf(current.expression) === 'production') return true;
    } else if (ts.isConditionalExpression(current)) {
      if (child === current.whenTrue && environmentOf(current.condition) === 'development') return true;
      if (child === current.whenFalse && environmentOf(current.condition) === 'production') return true;
    } else if (ts.isBinaryExpression(current) && current.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) {
      if (child === current.right && environmentOf(current.left) === 'development') return true;
    }
  }
  return false;
}

/** Which environment a condition is true in, when it names one: 'development' covers dev, test and local. */
export function environmentOf(condition: ts.Expression): 'development' | 'production' | undefined {
  const expression = skipOuterExpressions(condition);
  if (ts.isPrefixUnaryExpression(expression) && expression.operator === ts.SyntaxKind.ExclamationToken) return flip(environmentOf(expression.operand));
  if (ts.isBinaryExpression(expression)) {
    const operator = expression.operatorToken.kind;
    if (operator === ts.SyntaxKind.AmpersandAmpersandToken) {
      // Both must hold: one conjunct that names development confines the branch to it.
      const sides = [environmentOf(expression.left), environmentOf(expression.right)];
      return sides.includes('development') ? 'development' : sides.includes('production') ? 'production' : undefined;
    }
    const equality = EQUALITY_OPERATORS.get(operator);
    if (equality === undefined) return undefined;
    const [left, right] = [skipOuterExpressions(expression.left), skipOuterExpressions(expression.right)];
    const literal = ts.isStringLiteralLike(right) ? right : ts.isStringLiteralLike(left) ? left : undefined;
    const other = literal === right ? left : right;
    if (!literal || !namesEnvironment(other)) return undefined;
    const named = environmentNamed(literal.text);
    return equality ? named : flip(named);
  }
  const name = ts.isIdentifier(expression) ? expression.text : ts.isPropertyAccessExpression(expression) ? expression.name.text : undefined;
  if (name === undefined) return undefined;
  if (name === '__DEV__') return 'development';
  const words = normalizeName(name).split(' ');
  if (words.length > 2) return undefined;
  const last = words.at(-1)!;
  if (words.length === 2 && !['is', 'in'].includes(words[0]!)) return undefined;
  return environmentNamed(last);
}

/** true: `===`/`==` (the branch runs in the named environment); false: `!==`/`!=`. */
const EQUALITY_OPERATORS: ReadonlyMap<ts.SyntaxKind, boolean> = new Map([
  [ts.SyntaxKind.EqualsEqualsEqualsToken, true],
  [ts.SyntaxKind.EqualsEqualsToken, true],
  [ts.SyntaxKind.ExclamationEqualsEqualsToken, false],
  [ts.SyntaxKind.ExclamationEqualsToken, false],
]);

function environmentNamed(text: string): 'development' | 'production' | undefined {
  const value = text.toLowerCase();
  if (['production', 'prod'].includes(value)) return 'production';
  if (['development', 'dev', 'test', 'testing', 'local'].includes(value)) return 'development';
  return undefined;
}

/** `process.env.NODE_ENV`, `env.NODE_ENV`, `config.env`, `app.get('env')`, `environment`. */
function namesEnvironment(expression: ts.Expression): boolean {
  if (ts.isCallExpression(expression)) {
    const first = expression.arguments[0];
    return first !== undefined && ts.isStringLiteralLike(first) && /^(?:env|NODE_ENV|environment)$/i.test(first.text);
  }
  const name = ts.isIdentifier(expression) ? expression.text : ts.isPropertyAccessExpression(expression) ? expression.name.text : ts.isElementAccessExpression(expression) && ts.isStringLiteralLike(expression.argumentExpression) ? expression.argumentExpression.text : undefined;
  return name !== undefined && /^(?:NODE_ENV|APP_ENV|ENV|env|environment|nodeEnv|appEnv|stage|STAGE)$/.test(name);
}

function flip(environment: 'development' | 'production' | undefined): 'development' | 'production' | undefined {
  return environment === 'development' ? 'production' : environment === 'production' ? 'development' : undefined;
}
