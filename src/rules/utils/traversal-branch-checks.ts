import { ts } from '#typescript';
import { skipOuterExpressions } from '../../engine/ast/syntax.js';
import type { TraceStep } from '../../types.js';
import type { RuleContext } from '../../engine/rule-api.js';
import { nodeAtStep } from './trace-nodes.js';

/**
 * Whether a flow passed through a branch that only runs for names without `/` or `..`:
 * `if (!file.includes('/')) { res.sendFile(path.resolve('ftp/', file)) }`, or the else branch of
 * `if (name.includes('..')) ... else ...`. The engine only knows guards that exit early; a
 * branch check is as good when the use sits inside the checked branch. Each trace step and the
 * sink itself are looked at, so a check in a caller (`if (ok) verify(file)`) counts too.
 */
export function passedTraversalBranchCheck(ctx: RuleContext, steps: readonly TraceStep[], sinkArgument: ts.Node): boolean {
  if (insideTraversalCheck(sinkArgument)) return true;
  return steps.some((step) => {
    const node = nodeAtStep(ctx, step);
    return node !== undefined && insideTraversalCheck(node);
  });
}

function insideTraversalCheck(node: ts.Node): boolean {
  const names = identifiersIn(node);
  if (names.size === 0) return false;
  for (let current: ts.Node = node; current.parent; current = current.parent) {
    const parent = current.parent;
    if (ts.isFunctionLike(parent)) return false;
    if (!ts.isIfStatement(parent)) continue;
    const branch = current === parent.thenStatement ? 'then' : current === parent.elseStatement ? 'else' : undefined;
    if (branch && checkedNames(parent.expression, branch).some((name) => names.has(name))) return true;
  }
  return false;
}

/** Names proven free of `/` or `..` in the given branch of a condition. */
function checkedNames(condition: ts.Expression, branch: 'then' | 'else'): string[] {
  const inner = skipOuterExpressions(condition);
  if (ts.isBinaryExpression(inner)) {
    // In the then branch every `&&` operand held; in the else branch every `||` operand failed.
    const joiner = branch === 'then' ? ts.SyntaxKind.AmpersandAmpersandToken : ts.SyntaxKind.BarBarToken;
    if (inner.operatorToken.kind === joiner) return [...checkedNames(inner.left, branch), ...checkedNames(inner.right, branch)];
    // `name.indexOf('..') === -1` holds in then; `!== -1` fails in else.
    const comparison = `${inner.operatorToken.getText()}${inner.right.getText()}`.replace(/\s+/g, '');
    const left = skipOuterExpressions(inner.left);
    if (ts.isCallExpression(left)) {
      const absent = /^(?:===?-1|<0)$/.test(comparison);
      const present = /^(?:!==?-1|>=0|>-1)$/.test(comparison);
      if ((branch === 'then' && absent) || (branch === 'else' && present)) return rejectedSeparatorName(left, 'indexOf');
    }
    return [];
  }
  const negated = ts.isPrefixUnaryExpression(inner) && inner.operator === ts.SyntaxKind.ExclamationToken;
  const call = negated ? skipOuterExpressions((inner as ts.PrefixUnaryExpression).operand) : inner;
  if (!ts.isCallExpression(call)) return [];
  // then: `!name.includes('/')`; else: `name.includes('..')`.
  if ((branch === 'then') !== negated) return [];
  return [...rejectedSeparatorName(call, 'includes'), ...rejectedByRegex(call)];
}

function rejectedSeparatorName(call: ts.CallExpression, method: string): string[] {
  const callee = skipOuterExpressions(call.expression);
  const argument = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== method || !argument || !ts.isStringLiteralLike(argument)) return [];
  if (argument.text !== '/' && argument.text !== '..' && argument.text !== '\\') return [];
  const target = skipOuterExpressions(callee.expression);
  return ts.isIdentifier(target) ? [target.text] : ts.isPropertyAccessExpression(target) ? [target.name.text] : [];
}

/** `/\.\./.test(name)`, `/[\/\\]/.test(name)` */
function rejectedByRegex(call: ts.CallExpression): string[] {
  const callee = skipOuterExpressions(call.expression);
  const argument = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'test' || !argument || !ts.isIdentifier(argument)) return [];
  const pattern = skipOuterExpressions(callee.expression);
  if (!ts.isRegularExpressionLiteral(pattern)) return [];
  return /\\\.\\\.|\\\/|\[[^\]]*\//.test(pattern.text) ? [argument.text] : [];
}

function identifiersIn(node: ts.Node): Set<string> {
  const names = new Set<string>();
  const visit = (current: ts.Node): void => {
    if (ts.isIdentifier(current)) names.add(current.text);
    else if (ts.isPropertyAccessExpression(current)) {
      names.add(current.name.text);
      visit(current.expression);
    } else ts.forEachChild(current, visit);
  };
  visit(node);
  return names;
}
