import { ts } from '#typescript';
import { returnedExpressions, skipOuterExpressions } from './syntax.js';
import { localBinding, localDeclaration } from '../names/index.js';

/**
 * Two shapes in which a value is another computation's result under another name, which the flow
 * reads through: a memo (the name first holds a cache read, then, when that missed, the computation
 * the cache stores), and a wrapper that runs a callback and hands back what it returned.
 */

/** Methods that read a memo cache (`Map`, `WeakMap`, LRU caches, Redis and key-value clients). */
const CACHE_READS: ReadonlySet<string> = new Set(['get', 'getItem']);
/** Methods that fill one. */
const CACHE_WRITES: ReadonlySet<string> = new Set(['set', 'setItem', 'setex', 'put']);

/**
 * `let team = cache.get(key); if (!team) { team = resolve(); cache.set(key, team); }`: the branch
 * fills a memo cache when its read missed. The cache hands back only what this branch stored on an
 * earlier run, so after the `if` the name holds what the branch computed. Returns the key the cache
 * is read by (the caller decides whether the client picks it), undefined for any other `if`.
 */
export function memoFillKey(statement: ts.IfStatement, name: string): ts.Expression | undefined {
  const tested = statement.elseStatement ? undefined : missingSubject(statement.expression);
  const declaration = tested?.text === name ? localDeclaration(tested) : undefined;
  const read = declaration?.initializer && skipOuterExpressions(declaration.initializer);
  if (!declaration || !ts.isIdentifier(declaration.name) || !read || !ts.isCallExpression(read)) return undefined;
  const reader = skipOuterExpressions(read.expression);
  if (!ts.isPropertyAccessExpression(reader) || !CACHE_READS.has(reader.name.text) || read.arguments.length === 0) return undefined;
  const cache = reader.expression.getText();
  const branch = ts.isBlock(statement.thenStatement) ? statement.thenStatement.statements : [statement.thenStatement];
  // The branch assigns the name unconditionally (a statement of its own, not in a nested branch) and stores into the same cache.
  const assigns = branch.some((child) => {
    const expression = ts.isExpressionStatement(child) ? skipOuterExpressions(child.expression) : undefined;
    return expression && ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(expression.left) && expression.left.text === name;
  });
  const stores = branch.some((child) => {
    const expression = ts.isExpressionStatement(child) ? skipOuterExpressions(child.expression) : undefined;
    if (!expression || !ts.isCallExpression(expression)) return false;
    const writer = skipOuterExpressions(expression.expression);
    return ts.isPropertyAccessExpression(writer) && CACHE_WRITES.has(writer.name.text) && writer.expression.getText() === cache;
  });
  return assigns && stores ? read.arguments[0] : undefined;
}

/** The name of `!name`, `name === undefined`, `name == null`, `typeof name === 'undefined'`: a test that it holds nothing. */
function missingSubject(condition: ts.Expression): ts.Identifier | undefined {
  const node = skipOuterExpressions(condition);
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) {
    const operand = skipOuterExpressions(node.operand);
    return ts.isIdentifier(operand) ? operand : undefined;
  }
  if (!ts.isBinaryExpression(node)) return undefined;
  const operator = node.operatorToken.kind;
  if (operator !== ts.SyntaxKind.EqualsEqualsEqualsToken && operator !== ts.SyntaxKind.EqualsEqualsToken) return undefined;
  const nothing = (side: ts.Expression): boolean => {
    const value = skipOuterExpressions(side);
    return value.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(value) && value.text === 'undefined') || ts.isVoidExpression(value) || (ts.isStringLiteral(value) && value.text === 'undefined');
  };
  const subjectOf = (side: ts.Expression): ts.Identifier | undefined => {
    const value = skipOuterExpressions(side);
    const operand = ts.isTypeOfExpression(value) ? skipOuterExpressions(value.expression) : value;
    return ts.isIdentifier(operand) && operand.text !== 'undefined' ? operand : undefined;
  };
  if (nothing(node.right)) return subjectOf(node.left);
  if (nothing(node.left)) return subjectOf(node.right);
  return undefined;
}

const callbackParameters = new WeakMap<ts.Node, number | null>();

/**
 * `withRetry(db, fn)` whose every `return` hands back what `fn(...)` returned (directly, or through a
 * `const` holding its result): the index of that function parameter. A wrapper that may return
 * anything else (a fallback, a cached copy, its own value) has none: undefined.
 */
export function callbackResultParameter(fn: ts.SignatureDeclaration & { body?: ts.ConciseBody }): number | undefined {
  const known = callbackParameters.get(fn);
  if (known !== undefined) return known ?? undefined;
  let index: number | undefined;
  const returned = fn.body ? returnedExpressions(fn.body) : [];
  for (const expression of returned) {
    const called = calledParameter(expression, fn);
    if (called === undefined || (index !== undefined && called !== index)) {
      index = undefined;
      break;
    }
    index = called;
  }
  callbackParameters.set(fn, index ?? null);
  return index;
}

function calledParameter(expression: ts.Expression, fn: ts.SignatureDeclaration): number | undefined {
  let value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value)) {
    const declaration = localDeclaration(value);
    if (!declaration?.initializer || !ts.isIdentifier(declaration.name) || !(ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const)) return undefined;
    value = skipOuterExpressions(declaration.initializer);
  }
  if (!ts.isCallExpression(value)) return undefined;
  const callee = skipOuterExpressions(value.expression);
  if (!ts.isIdentifier(callee)) return undefined;
  const parameter = localBinding(callee);
  const index = parameter && ts.isParameter(parameter) && parameter.parent === fn ? fn.parameters.indexOf(parameter) : -1;
  return index >= 0 ? index : undefined;
}
