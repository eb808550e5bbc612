import { ts } from '#typescript';
import { enclosingFunction, skipOuterExpressions } from './syntax.js';
import { localDeclaration } from '../names/index.js';

/**
 * Filters built as a list of conditions and spread into drizzle's `and(...)`: `const conditions =
 * [eq(t.id, id), eq(t.teamId, teamId)]; if (assignedId) conditions.push(eq(t.assignedId, assignedId));
 * db.query.t.findFirst({ where: and(...conditions) })`. Every condition of the list holds for the rows found.
 */

/** `and(...)` (drizzle's, or a namespace's `sql.and(...)`). */
function isAnd(call: ts.CallExpression): boolean {
  const callee = skipOuterExpressions(call.expression);
  return (ts.isIdentifier(callee) && callee.text === 'and') || (ts.isPropertyAccessExpression(callee) && callee.name.text === 'and');
}

/** The local array a list expression names, with its declaration; undefined for anything else. */
function conditionList(expression: ts.Expression): { declaration: ts.VariableDeclaration; elements: ts.Expression[] } | undefined {
  const list = skipOuterExpressions(expression);
  const declaration = ts.isIdentifier(list) ? localDeclaration(list) : undefined;
  const initializer = declaration?.initializer && skipOuterExpressions(declaration.initializer);
  if (!declaration || !initializer || !ts.isArrayLiteralExpression(initializer)) return undefined;
  return { declaration, elements: initializer.elements.map((element) => (ts.isSpreadElement(element) ? element.expression : element)) };
}

/**
 * The conditions of a list spread into `and(...)`: the elements it is declared with and what the
 * function pushes onto it. Undefined unless the expression names a local array.
 */
export function collectedConditions(expression: ts.Expression): ts.Expression[] | undefined {
  const list = conditionList(expression);
  if (!list) return undefined;
  const conditions = [...list.elements];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && pushedOnto(node) === list.declaration) conditions.push(...node.arguments.map((argument) => (ts.isSpreadElement(argument) ? argument.expression : argument)));
    ts.forEachChild(node, visit);
  };
  visit(enclosingFunction(list.declaration) ?? list.declaration.getSourceFile());
  return conditions;
}

/** The conditions of every list a filter spreads into `and(...)` (`{ where: and(...conditions) }`). */
export function spreadConditions(filter: ts.Node): ts.Expression[] {
  const found: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isSpreadElement(node) && ts.isCallExpression(node.parent) && isAnd(node.parent)) found.push(...(collectedConditions(node.expression) ?? []));
    if (!ts.isFunctionLike(node)) ts.forEachChild(node, visit);
  };
  visit(filter);
  return found;
}

/** The local list `list.push(...)` adds to (`conditions.push(eq(...))`), undefined for any other call. */
export function pushedOnto(call: ts.CallExpression): ts.VariableDeclaration | undefined {
  const callee = skipOuterExpressions(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'push') return undefined;
  return conditionList(callee.expression)?.declaration;
}

/** Where a local list of conditions is spread into `and(...)`, in the function that declares it. */
export function spreadIntoAnd(declaration: ts.VariableDeclaration): ts.SpreadElement | undefined {
  let found: ts.SpreadElement | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isSpreadElement(node) && ts.isCallExpression(node.parent) && isAnd(node.parent) && conditionList(node.expression)?.declaration === declaration) found = node;
    ts.forEachChild(node, visit);
  };
  visit(enclosingFunction(declaration) ?? declaration.getSourceFile());
  return found;
}
