import { ts } from '#typescript';
import { nodesOfKind } from './file-index.js';

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

/** The value of a literal written in the code: a string, number, boolean or null. */
export type LiteralValue = string | number | boolean | null;

/** `'new'`, `3`, `true`, `null`: the literal an expression is, when it is one. */
export function literalValueOf(expression: ts.Expression): { value: LiteralValue } | undefined {
  const value = skipParentheses(expression);
  if (ts.isStringLiteralLike(value)) return { value: value.text };
  if (ts.isNumericLiteral(value)) return { value: Number(value.text) };
  if (value.kind === ts.SyntaxKind.TrueKeyword) return { value: true };
  if (value.kind === ts.SyntaxKind.FalseKeyword) return { value: false };
  if (value.kind === ts.SyntaxKind.NullKeyword) return { value: null };
  if (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(value.operand)) return { value: -Number(value.operand.text) };
  return undefined;
}

/**
 * Whether a condition holds, decided by the literals some operands are known to hold (`valueOf`):
 * `sessionId.type === 'existing'` when the call passed `{ type: 'new' }`, `options.isNew` for
 * `{ isNew: true }`, and `!`, `&&`, `||` of such. Undefined when it depends on anything else.
 */
export function literalDecision(condition: ts.Expression, valueOf: (operand: ts.Expression) => { value: LiteralValue } | undefined): boolean | undefined {
  const value = skipParentheses(condition);
  if (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.ExclamationToken) {
    const inner = literalDecision(value.operand, valueOf);
    return inner === undefined ? undefined : !inner;
  }
  if (ts.isBinaryExpression(value)) {
    const operator = value.operatorToken.kind;
    if (operator === ts.SyntaxKind.AmpersandAmpersandToken || operator === ts.SyntaxKind.BarBarToken) {
      const [left, right] = [literalDecision(value.left, valueOf), literalDecision(value.right, valueOf)];
      const and = operator === ts.SyntaxKind.AmpersandAmpersandToken;
      // `false && x` is false and `true || x` is true whatever x is.
      if (left === !and || right === !and) return !and;
      return left === undefined || right === undefined ? undefined : and;
    }
    const strict = operator === ts.SyntaxKind.EqualsEqualsEqualsToken || operator === ts.SyntaxKind.ExclamationEqualsEqualsToken;
    const loose = operator === ts.SyntaxKind.EqualsEqualsToken || operator === ts.SyntaxKind.ExclamationEqualsToken;
    if (!strict && !loose) return undefined;
    const [left, right] = [literalValueOf(value.left) ?? valueOf(skipParentheses(value.left)), literalValueOf(value.right) ?? valueOf(skipParentheses(value.right))];
    if (!left || !right) return undefined;
    // Loose equality between different types converts them: only `null == undefined`-free same-type cases are decided.
    if (loose && typeof left.value !== typeof right.value) return undefined;
    const equal = left.value === right.value;
    return operator === ts.SyntaxKind.EqualsEqualsEqualsToken || operator === ts.SyntaxKind.EqualsEqualsToken ? equal : !equal;
  }
  if (ts.isIdentifier(value) || ts.isPropertyAccessExpression(value)) {
    const known = valueOf(value);
    return known ? Boolean(known.value) : undefined;
  }
  return undefined;
}

/**
 * The clauses of a `switch` that can run when its discriminant holds `known`: from the case that
 * matches it (or the default, when every case is a literal that does not) to the end, as cases
 * fall through. Undefined when a case is not a literal and nothing matched first (any may run).
 */
export function reachableClauses(statement: ts.SwitchStatement, known: { value: LiteralValue }): Set<ts.CaseOrDefaultClause> | undefined {
  const clauses = statement.caseBlock.clauses;
  let start = -1;
  for (const [index, clause] of clauses.entries()) {
    if (!ts.isCaseClause(clause)) continue;
    const literal = literalValueOf(clause.expression);
    if (!literal) return undefined;
    if (literal.value === known.value) {
      start = index;
      break;
    }
  }
  if (start < 0) start = clauses.findIndex((clause) => ts.isDefaultClause(clause));
  if (start < 0) return new Set();
  // Falls through to the next clause unless it ends in `return`, `throw` or `break`.
  const reachable = new Set<ts.CaseOrDefaultClause>();
  for (const clause of clauses.slice(start)) {
    reachable.add(clause);
    if (endsClause(clause.statements)) break;
  }
  return reachable;
}

function endsClause(statements: ts.NodeArray<ts.Statement> | readonly ts.Statement[]): boolean {
  const last = statements.at(-1);
  if (!last) return false;
  if (ts.isReturnStatement(last) || ts.isThrowStatement(last) || (ts.isBreakStatement(last) && !last.label)) return true;
  return ts.isBlock(last) && endsClause(last.statements);
}

/**
 * Whether `node` inside `fn` can run when some operands hold known literals (`valueOf`, as a call
 * passes them): not in the branch of an `if`, `?:` or `&&` that they decide against, not after an
 * early `return` they decide taken, not in a `switch` case they never select.
 */
export function reachableWithLiterals(node: ts.Node, fn: ts.Node, valueOf: (operand: ts.Expression) => { value: LiteralValue } | undefined): boolean {
  for (const { condition, negated } of guardingConditions(node, fn)) {
    const decided = literalDecision(condition, valueOf);
    if (decided !== undefined && decided === negated) return false;
  }
  let child: ts.Node = node;
  for (let current = node.parent; current && current !== fn; child = current, current = current.parent) {
    if (!ts.isCaseClause(child) && !ts.isDefaultClause(child)) continue;
    const statement = current.parent;
    if (!statement || !ts.isSwitchStatement(statement)) continue;
    const known = valueOf(skipParentheses(statement.expression));
    const clauses = known && reachableClauses(statement, known);
    if (clauses && !clauses.has(child)) return false;
  }
  return true;
}

const reassignedCache = new WeakMap<ts.SourceFile, Set<string>>();

/** Names a file writes to after declaring them, or whose members it writes (`x = ...`, `x.type = ...`, `x++`). */
export function reassignedNames(file: ts.SourceFile): Set<string> {
  const known = reassignedCache.get(file);
  if (known) return known;
  const names = new Set<string>();
  const rootOf = (target: ts.Expression): void => {
    let current = skipWrappers(target);
    while (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) current = skipWrappers(current.expression);
    if (ts.isIdentifier(current)) names.add(current.text);
    else if (ts.isObjectLiteralExpression(current) || ts.isArrayLiteralExpression(current)) {
      // `({ a, b } = value)`, `[a, b] = value`: each target written.
      ts.forEachChild(current, (child) => {
        if (ts.isShorthandPropertyAssignment(child)) names.add(child.name.text);
        else if (ts.isPropertyAssignment(child)) rootOf(child.initializer);
        else if (ts.isExpression(child)) rootOf(child);
      });
    }
  };
  // From the file's shared index of nodes by kind (built once per file): no walk of its own.
  for (const node of nodesOfKind(file, ts.SyntaxKind.BinaryExpression) as ts.BinaryExpression[]) {
    if (node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) rootOf(node.left);
  }
  for (const kind of [ts.SyntaxKind.PrefixUnaryExpression, ts.SyntaxKind.PostfixUnaryExpression] as const) {
    for (const node of nodesOfKind(file, kind) as Array<ts.PrefixUnaryExpression | ts.PostfixUnaryExpression>) {
      if (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken) rootOf(node.operand);
    }
  }
  for (const node of nodesOfKind(file, ts.SyntaxKind.DeleteExpression) as ts.DeleteExpression[]) rootOf(node.expression);
  // `Object.assign(options, { type: 'existing' })` writes the members of its first argument.
  for (const node of nodesOfKind(file, ts.SyntaxKind.CallExpression) as ts.CallExpression[]) {
    if (node.arguments[0] && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'assign' && /^Object\.assign$/.test(node.expression.getText())) rootOf(node.arguments[0]);
  }
  for (const kind of [ts.SyntaxKind.ForOfStatement, ts.SyntaxKind.ForInStatement] as const) {
    for (const node of nodesOfKind(file, kind) as Array<ts.ForOfStatement | ts.ForInStatement>) {
      if (!ts.isVariableDeclarationList(node.initializer)) rootOf(node.initializer as ts.Expression);
    }
  }
  reassignedCache.set(file, names);
  return names;
}


function skipWrappers(expression: ts.Expression): ts.Expression {
  let value = expression;
  while (ts.isParenthesizedExpression(value) || ts.isAsExpression(value) || ts.isNonNullExpression(value) || ts.isTypeAssertionExpression(value) || ts.isSatisfiesExpression(value)) value = value.expression;
  return value;
}
