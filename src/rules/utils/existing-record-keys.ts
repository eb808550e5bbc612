import { ts } from '#typescript';
import { enclosingFunction, exitsEarly, propertyNameText, skipOuterExpressions } from '../../engine/ast/syntax.js';
import type { RuleContext } from '../../engine/rule-api.js';
import type { TraceStep } from '../../types.js';
import { nodeAtStep } from './trace-nodes.js';

// A request value named as a record's id (`id`, `importId`, `req.params.fileId`).
const ID_NAME = /^(?:_?id|[A-Za-z_$][\w$]*(?:Id|_id|ID))$/;
// A filter field that is a record's primary key.
const PRIMARY_KEY_FIELD = /^(?:_id|id)$/;
// A call that loads one record by the id it is given (`findById`, `findByPk`, a model's `getImport(id)`).
const LOADING_METHOD = /^(?:get|find|load|fetch|read)[A-Z]?\w*$/;

/**
 * Whether the flow, where a trace step or the sink uses a request id (`input.importId`), had already
 * loaded the record by that id and stopped when there was none:
 * `const doc = await Imports.getImport(input.importId); if (!doc) throw ...`. Past that check the id is
 * the key of a stored record, which the server generated (an ObjectId, a uuid, a random string): it
 * holds no `/` or `..` a request could choose, so it names no file outside the folder it is joined to.
 */
export function passedExistingRecordCheck(ctx: RuleContext, steps: readonly TraceStep[], sinkArgument: ts.Node): boolean {
  if (usesExistingRecordId(sinkArgument)) return true;
  return steps.some((step) => {
    const node = nodeAtStep(ctx, step);
    return node !== undefined && usesExistingRecordId(node);
  });
}

function usesExistingRecordId(node: ts.Node): boolean {
  return idReads(node).some((read) => loadedAndChecked(read));
}

/** The id-named reads in an expression: `input.importId`, `id`. */
function idReads(node: ts.Node): ts.Expression[] {
  const reads: ts.Expression[] = [];
  const visit = (current: ts.Node): void => {
    if (ts.isPropertyAccessExpression(current) && ID_NAME.test(current.name.text)) reads.push(current);
    else if (ts.isIdentifier(current) && ID_NAME.test(current.text) && !(ts.isPropertyAccessExpression(current.parent) && current.parent.name === current)) reads.push(current);
    if (!ts.isFunctionLike(current)) ts.forEachChild(current, visit);
  };
  visit(node);
  return reads;
}

/** A local loaded by `read`'s id before it, and an exiting `if (!local)` between the load and `read`. */
function loadedAndChecked(read: ts.Expression): boolean {
  const fn = enclosingFunction(read);
  const body = fn && 'body' in fn ? (fn.body as ts.Node | undefined) : undefined;
  if (!body || !ts.isBlock(body)) return false;
  const text = compact(read);
  const position = read.getStart();
  const loaded = new Set<string>();
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found || node.getStart() >= position || ts.isFunctionLike(node)) return;
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && loadsById(node.initializer, text)) loaded.add(node.name.text);
    if (ts.isIfStatement(node) && node.getEnd() <= position && exitsEarly(node.thenStatement)) {
      const tested = absenceTest(node.expression);
      if (tested && loaded.has(tested)) found = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return found;
}

/** `await Model.findById(id)`, `Imports.getImport(input.importId)`, `findOne({ _id: id })`, `findUnique({ where: { id } })`. */
function loadsById(initializer: ts.Expression, idText: string): boolean {
  const call = skipOuterExpressions(initializer);
  if (!ts.isCallExpression(call)) return false;
  const callee = skipOuterExpressions(call.expression);
  const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
  // `.lean()`, `.exec()` after the lookup.
  if (ts.isPropertyAccessExpression(callee) && ts.isCallExpression(skipOuterExpressions(callee.expression)) && !LOADING_METHOD.test(method)) return loadsById(callee.expression, idText);
  if (!LOADING_METHOD.test(method)) return false;
  const first = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
  if (!first) return false;
  if (compact(first) === idText) return true;
  return ts.isObjectLiteralExpression(first) && filtersPrimaryKey(first, idText, 0);
}

function filtersPrimaryKey(object: ts.ObjectLiteralExpression, idText: string, depth: number): boolean {
  if (depth > 2) return false;
  return object.properties.some((property) => {
    if (ts.isShorthandPropertyAssignment(property)) return PRIMARY_KEY_FIELD.test(property.name.text) && property.name.text === idText;
    if (!ts.isPropertyAssignment(property)) return false;
    const name = propertyNameText(property.name);
    const value = skipOuterExpressions(property.initializer);
    if (name === 'where' && ts.isObjectLiteralExpression(value)) return filtersPrimaryKey(value, idText, depth + 1);
    return name !== undefined && PRIMARY_KEY_FIELD.test(name) && compact(value) === idText;
  });
}

/** `!doc`, `doc == null`, `doc === null`, `doc === undefined`: the name tested for no record. */
function absenceTest(condition: ts.Expression): string | undefined {
  const inner = skipOuterExpressions(condition);
  // `if (!doc || doc.status !== 'done') throw`: the branch runs whenever the record is missing.
  if (ts.isBinaryExpression(inner) && inner.operatorToken.kind === ts.SyntaxKind.BarBarToken) return absenceTest(inner.left) ?? absenceTest(inner.right);
  if (ts.isPrefixUnaryExpression(inner) && inner.operator === ts.SyntaxKind.ExclamationToken) {
    const operand = skipOuterExpressions(inner.operand);
    return ts.isIdentifier(operand) ? operand.text : undefined;
  }
  if (ts.isBinaryExpression(inner) && [ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.EqualsEqualsEqualsToken].includes(inner.operatorToken.kind)) {
    const left = skipOuterExpressions(inner.left);
    const right = skipOuterExpressions(inner.right);
    const empty = (expression: ts.Expression) => expression.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(expression) && expression.text === 'undefined');
    if (ts.isIdentifier(left) && empty(right)) return left.text;
    if (ts.isIdentifier(right) && empty(left)) return right.text;
  }
  return undefined;
}

function compact(node: ts.Node): string {
  return node.getText().replace(/\s+/g, '').replace(/\?\./g, '.');
}
