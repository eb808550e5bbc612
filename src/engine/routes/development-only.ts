/**
 * Routes that exist only outside production: the handler's first statement turns every request
 * away unless the environment is a developer's or the test suite's (`if (process.env.NODE_ENV !==
 * 'test') throw new NotFoundException()`). Test seeding, a token minted for any user id, a database
 * wipe for end-to-end runs: in production they answer 404, so what they do there is no finding.
 */
import { ts } from '#typescript';
import { exitsEarly, skipOuterExpressions } from '../ast/syntax.js';
import type { ResolvedFunction } from '../names/index.js';

/** `process.env.NODE_ENV`, `process.env['NODE_ENV']`, `env.NODE_ENV`, `config.nodeEnv`. */
const ENVIRONMENT_NAME = /^(?:NODE_ENV|APP_ENV|nodeEnv|appEnv)$/;
const DEVELOPMENT_VALUE = /^(?:test|testing|development|dev|local|e2e)$/i;
const PRODUCTION_VALUE = /^(?:production|prod)$/i;

/** The exit that keeps the route out of production, as written; undefined when the route runs everywhere. */
export function developmentOnlyExit(handler: ResolvedFunction | undefined): string | undefined {
  const body = handler?.node.body;
  if (!body || !ts.isBlock(body)) return undefined;
  const first = body.statements[0];
  if (!first || !ts.isIfStatement(first) || first.elseStatement || !exitsEarly(first.thenStatement)) return undefined;
  return exitsInProduction(first.expression) ? first.expression.getText(handler.node.getSourceFile()).replace(/\s+/g, ' ') : undefined;
}

/**
 * Whether a condition holds in production: `NODE_ENV !== 'test'`, `NODE_ENV === 'production'`, or
 * an `&&` of `!==` tests of development values (`NODE_ENV !== 'test' && NODE_ENV !== 'local'`).
 */
function exitsInProduction(condition: ts.Expression): boolean {
  const expression = skipOuterExpressions(condition);
  if (!ts.isBinaryExpression(expression)) return false;
  const operator = expression.operatorToken.kind;
  if (operator === ts.SyntaxKind.AmpersandAmpersandToken) return exitsInProduction(expression.left) && exitsInProduction(expression.right);
  const equal = operator === ts.SyntaxKind.EqualsEqualsEqualsToken || operator === ts.SyntaxKind.EqualsEqualsToken;
  const notEqual = operator === ts.SyntaxKind.ExclamationEqualsEqualsToken || operator === ts.SyntaxKind.ExclamationEqualsToken;
  if (!equal && !notEqual) return false;
  const [left, right] = [skipOuterExpressions(expression.left), skipOuterExpressions(expression.right)];
  const literal = ts.isStringLiteralLike(right) ? right : ts.isStringLiteralLike(left) ? left : undefined;
  const other = literal === right ? left : right;
  if (!literal || !namesEnvironment(other)) return false;
  return notEqual ? DEVELOPMENT_VALUE.test(literal.text) : PRODUCTION_VALUE.test(literal.text);
}

function namesEnvironment(expression: ts.Expression): boolean {
  const name = ts.isPropertyAccessExpression(expression) ? expression.name.text : ts.isElementAccessExpression(expression) && ts.isStringLiteralLike(expression.argumentExpression) ? expression.argumentExpression.text : undefined;
  return name !== undefined && ENVIRONMENT_NAME.test(name);
}
