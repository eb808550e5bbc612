import { ts } from '#typescript';
import type { DataAccess } from '../../engine/ast/data-access.js';
import { enclosingFunction, skipOuterExpressions } from '../../engine/ast/syntax.js';

/**
 * A write that only fills in a record nobody has made yet, with the code's own defaults:
 *
 *   const settings = await db.query.webServerSettings.findFirst();
 *   if (!settings) { const [created] = await db.insert(webServerSettings).values({}).returning(); return created; }
 *
 * The read of the same table comes first, the write runs only when it found nothing, and every value
 * written is a literal (or none). A getter built this way changes nothing a caller chooses: the first
 * read of the settings page makes the row the app would otherwise have made at setup.
 */
export function createsMissingDefault(write: DataAccess, accesses: readonly DataAccess[]): boolean {
  if (write.operation !== 'write' || !write.model) return false;
  const chain = writeChain(write.call);
  if (!writesOnlyLiterals(chain, write.call)) return false;
  const fn = enclosingFunction(write.call);
  for (let node: ts.Node = write.call; node.parent && node !== fn; node = node.parent) {
    const branch = node.parent;
    if (!ts.isIfStatement(branch) || branch.thenStatement !== node) continue;
    const checked = missingName(branch.expression);
    if (checked && readOfSameModelInto(checked, write, accesses, fn)) return true;
  }
  return false;
}

/** The outermost call of the chain a write call starts (`db.insert(t)` in `db.insert(t).values({}).returning()`). */
function writeChain(call: ts.CallExpression): ts.Expression {
  let node: ts.Expression = call;
  while (node.parent && ts.isPropertyAccessExpression(node.parent) && node.parent.expression === node && ts.isCallExpression(node.parent.parent) && node.parent.parent.expression === node.parent) node = node.parent.parent;
  return node;
}

/**
 * Every argument of the chain past the first call's table is a literal, or an object or array of them
 * (`.values({})`, `create({ data: { theme: 'light' } })`, `.returning()`). The first call's own argument
 * names the table for SQL builders (`db.insert(table)`); for ORMs it is the record and is checked too.
 */
function writesOnlyLiterals(chain: ts.Expression, first: ts.CallExpression): boolean {
  const calls: ts.CallExpression[] = [];
  for (let node: ts.Expression = chain; ts.isCallExpression(node); ) {
    calls.push(node);
    const callee = skipOuterExpressions(node.expression);
    if (node === first || !ts.isPropertyAccessExpression(callee)) break;
    node = skipOuterExpressions(callee.expression);
  }
  return calls.every((call) => call.arguments.every((argument, index) => (call === first && calls.length > 1 && index === 0 && ts.isIdentifier(skipOuterExpressions(argument))) || isLiteralValue(argument)));
}

function isLiteralValue(expression: ts.Expression): boolean {
  const value = skipOuterExpressions(expression);
  if (ts.isStringLiteralLike(value) || ts.isNumericLiteral(value)) return true;
  if (value.kind === ts.SyntaxKind.TrueKeyword || value.kind === ts.SyntaxKind.FalseKeyword || value.kind === ts.SyntaxKind.NullKeyword) return true;
  if (ts.isIdentifier(value) && value.text === 'undefined') return true;
  // `createdAt: new Date()`: the server's clock, not the caller's text.
  if (ts.isNewExpression(value) && ts.isIdentifier(value.expression) && value.expression.text === 'Date' && (value.arguments?.length ?? 0) === 0) return true;
  if (ts.isArrayLiteralExpression(value)) return value.elements.every(isLiteralValue);
  if (ts.isObjectLiteralExpression(value)) return value.properties.every((property) => ts.isPropertyAssignment(property) && !ts.isComputedPropertyName(property.name) && isLiteralValue(property.initializer));
  return false;
}

/** `!settings`, `settings == null`, `settings === undefined`: the name whose emptiness the condition tests. */
function missingName(condition: ts.Expression): string | undefined {
  const value = skipOuterExpressions(condition);
  if (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.ExclamationToken) {
    const operand = skipOuterExpressions(value.operand);
    return ts.isIdentifier(operand) ? operand.text : undefined;
  }
  if (ts.isBinaryExpression(value) && /^(?:==|===)$/.test(value.operatorToken.getText())) {
    const [left, right] = [skipOuterExpressions(value.left), skipOuterExpressions(value.right)];
    const empty = (node: ts.Expression) => node.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(node) && node.text === 'undefined');
    if (ts.isIdentifier(left) && empty(right)) return left.text;
    if (ts.isIdentifier(right) && empty(left)) return right.text;
  }
  return undefined;
}

/** `const settings = await db.query.webServerSettings.findFirst(...)` earlier in the same function, reading the written model. */
function readOfSameModelInto(name: string, write: DataAccess, accesses: readonly DataAccess[], fn: ts.Node | undefined): boolean {
  return accesses.some((read) => {
    if (read.operation !== 'read' || read.file !== write.file || !sameModel(read.model, write.model) || read.call.end > write.call.pos) return false;
    let node: ts.Node = read.call;
    while (node.parent && !ts.isVariableDeclaration(node.parent) && node.parent !== fn && (isOuterOrAwait(node.parent) || (ts.isPropertyAccessExpression(node.parent) && node.parent.expression === node) || (ts.isCallExpression(node.parent) && node.parent.expression === node))) node = node.parent;
    const declaration = node.parent;
    return declaration !== undefined && ts.isVariableDeclaration(declaration) && declaration.initializer === node && ts.isIdentifier(declaration.name) && declaration.name.text === name && enclosingFunction(declaration) === fn;
  });
}

function isOuterOrAwait(node: ts.Node): boolean {
  return ts.isAwaitExpression(node) || ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node);
}

/** `webServerSettings` and `web_server_settings`, `Setting` and `settings`: one table, however the code names it. */
function sameModel(read: string | undefined, written: string | undefined): boolean {
  if (!read || !written) return false;
  const normal = (name: string) => name.replace(/[_-]/g, '').toLowerCase().replace(/s$/, '');
  return normal(read) === normal(written);
}
