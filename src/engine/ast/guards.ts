import { ts } from '#typescript';

/** One condition a statement needs to run: `condition` must be true, or false when `negated`. */
export interface GuardCondition {
  condition: ts.Expression;
  negated: boolean;
}

/** The `if` conditions that must hold for `node` to run inside `root`, including early returns before it. */
export function guardingConditions(node: ts.Node, root: ts.Node): GuardCondition[] {
  const conditions: GuardCondition[] = [];
  let child: ts.Node = node;
  for (let current = node.parent; current && current !== root; child = current, current = current.parent) {
    if (ts.isIfStatement(current) && child !== current.expression) {
      conditions.push({ condition: current.expression, negated: child === current.elseStatement });
    }
    if (ts.isConditionalExpression(current) && child !== current.condition) {
      conditions.push({ condition: current.condition, negated: child === current.whenFalse });
    }
    if (ts.isBinaryExpression(current) && current.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken && child === current.right) {
      conditions.push({ condition: current.left, negated: false });
    }
    if (ts.isBlock(current)) {
      // `if (isPublicRoute(req)) return;` before the protect call: it runs only when that is false.
      for (const statement of current.statements) {
        if (statement === child) break;
        if (ts.isIfStatement(statement) && !statement.elseStatement && endsInReturn(statement.thenStatement)) {
          conditions.push({ condition: statement.expression, negated: true });
        }
      }
    }
  }
  return conditions;
}

function endsInReturn(statement: ts.Statement): boolean {
  if (ts.isReturnStatement(statement)) return true;
  return ts.isBlock(statement) && statement.statements.some((inner) => ts.isReturnStatement(inner));
}

