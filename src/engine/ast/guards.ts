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


/**
 * The condition holds only when one of `names` holds a value: `websiteId`, `websiteId && params.segment`,
 * `websiteId != null`, `websiteId !== undefined`, `typeof websiteId !== 'undefined'`. A helper called
 * without that optional argument (`getQueryFilters(query)` for `(params, websiteId?)`) never enters the branch.
 */
export function requiresDefined(condition: ts.Expression, names: ReadonlySet<string>): boolean {
  const value = skipParentheses(condition);
  if (ts.isIdentifier(value)) return names.has(value.text);
  if (!ts.isBinaryExpression(value)) return false;
  const operator = value.operatorToken.kind;
  if (operator === ts.SyntaxKind.AmpersandAmpersandToken) return requiresDefined(value.left, names) || requiresDefined(value.right, names);
  if (operator !== ts.SyntaxKind.ExclamationEqualsToken && operator !== ts.SyntaxKind.ExclamationEqualsEqualsToken) return false;
  const [left, right] = [skipParentheses(value.left), skipParentheses(value.right)];
  const isUndefined = (side: ts.Expression): boolean => (ts.isIdentifier(side) && side.text === 'undefined') || (ts.isStringLiteralLike(side) && side.text === 'undefined') || ts.isVoidExpression(side);
  const isNullish = (side: ts.Expression): boolean => isUndefined(side) || (operator === ts.SyntaxKind.ExclamationEqualsToken && side.kind === ts.SyntaxKind.NullKeyword);
  const named = (side: ts.Expression): boolean => (ts.isIdentifier(side) && names.has(side.text)) || (ts.isTypeOfExpression(side) && ts.isIdentifier(side.expression) && names.has(side.expression.text));
  const typeofSide = (side: ts.Expression): boolean => ts.isTypeOfExpression(side);
  // `typeof x !== 'undefined'` compares with the string; `x !== undefined` with the value.
  return (named(left) && isNullish(right) && typeofSide(left) === ts.isStringLiteralLike(right)) || (named(right) && isNullish(left) && typeofSide(right) === ts.isStringLiteralLike(left));
}

/**
 * The parameters of `fn` a call inside it needs its caller to have passed: it sits in the branch
 * of an `if` that requires them (`if (websiteId) { await getWebsiteSegment(websiteId, id) }`).
 * Parameters with a default value or written to in `fn` are never required. Returns the smallest
 * argument count that reaches `node` (0 when any call does).
 */
export function argumentsNeededToReach(fn: ts.SignatureDeclaration & { body?: ts.Node }, node: ts.Node): number {
  const optional = new Map<string, number>();
  fn.parameters.forEach((parameter, index) => {
    if (!parameter.initializer && !parameter.dotDotDotToken && ts.isIdentifier(parameter.name)) optional.set(parameter.name.text, index);
  });
  if (optional.size === 0 || !fn.body) return 0;
  for (const name of assignedNames(fn.body)) optional.delete(name);
  let needed = 0;
  let child: ts.Node = node;
  for (let current = node.parent; current && current !== fn; child = current, current = current.parent) {
    if (!ts.isIfStatement(current) || current.thenStatement !== child) continue;
    for (const [name, index] of optional) if (requiresDefined(current.expression, new Set([name]))) needed = Math.max(needed, index + 1);
  }
  return needed;
}

function assignedNames(body: ts.Node): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment && ts.isIdentifier(node.left)) names.add(node.left.text);
    ts.forEachChild(node, visit);
  };
  visit(body);
  return names;
}

function skipParentheses(expression: ts.Expression): ts.Expression {
  let value = expression;
  while (ts.isParenthesizedExpression(value)) value = value.expression;
  return value;
}

/**
 * The parameters a call's arguments fill, in order: a TypeScript `this` parameter
 * (`static create<T>(this: new () => T, data: T)`) only types the receiver and takes no argument.
 */
export function runtimeParameters(fn: ts.SignatureDeclaration): readonly ts.ParameterDeclaration[] {
  const first = fn.parameters[0];
  return first && ts.isIdentifier(first.name) && first.name.text === 'this' ? fn.parameters.slice(1) : fn.parameters;
}

/** The optional parameters of `fn` a call with `argumentCount` arguments leaves undefined (and `fn` never assigns). */
export function unpassedParameters(fn: ts.SignatureDeclaration & { body?: ts.Node }, argumentCount: number): Set<string> {
  const names = new Set<string>();
  runtimeParameters(fn).forEach((parameter, index) => {
    if (index >= argumentCount && !parameter.initializer && !parameter.dotDotDotToken && ts.isIdentifier(parameter.name)) names.add(parameter.name.text);
  });
  if (names.size > 0 && fn.body) for (const name of assignedNames(fn.body)) names.delete(name);
  return names;
}
