import { ts } from '#typescript';
import { exitsEarly, propertyNameText, skipOuterExpressions } from './syntax.js';
import { localDeclaration } from '../names/index.js';

// A value named as a record's id (`id`, `importId`, `req.params.fileId`).
const ID_NAME = /^(?:_?id|[A-Za-z_$][\w$]*(?:Id|_id|ID))$/;
// A filter field that is a record's primary key.
const PRIMARY_KEY_FIELD = /^(?:_id|id)$/;
// A call that loads one record by the id it is given (`findById`, `findByPk`, `findOne`, a model's `getImport(id)`).
const LOADING_METHOD = /^(?:get|find|load|fetch|read)(?:[A-Z]\w*)?$/;

/**
 * The ids an exiting `if` proves to be keys of stored records: it tests that a local is missing
 * (`if (!doc) throw`, `if (!doc || ...) return`, `if (doc == null)`), and that local was loaded by
 * the id (`const doc = await Imports.getImport(input.importId)`, `findOne({ _id: id })`,
 * `findUnique({ where: { id } })`). Past it the id is a key the server generated (an ObjectId, a uuid,
 * a random string), not text the client shaped; still the client's choice of record.
 */
export function existingRecordKeyChecks(statement: ts.IfStatement): ts.Expression[] {
  if (!exitsEarly(statement.thenStatement)) return [];
  const keys: ts.Expression[] = [];
  for (const tested of absenceTests(statement.expression)) {
    const declaration = localDeclaration(tested);
    if (!declaration?.initializer || !ts.isIdentifier(declaration.name) || declaration.getEnd() > statement.getStart()) continue;
    const key = loadingKey(declaration.initializer, 0);
    if (key) keys.push(key);
  }
  return keys;
}

/** `!doc`, `doc == null`, `doc === undefined`, each operand of an `||` chain: the names tested for no record. */
function absenceTests(condition: ts.Expression): ts.Identifier[] {
  const inner = skipOuterExpressions(condition);
  if (ts.isBinaryExpression(inner) && inner.operatorToken.kind === ts.SyntaxKind.BarBarToken) return [...absenceTests(inner.left), ...absenceTests(inner.right)];
  if (ts.isPrefixUnaryExpression(inner) && inner.operator === ts.SyntaxKind.ExclamationToken) {
    const operand = skipOuterExpressions(inner.operand);
    return ts.isIdentifier(operand) ? [operand] : [];
  }
  if (ts.isBinaryExpression(inner) && (inner.operatorToken.kind === ts.SyntaxKind.EqualsEqualsToken || inner.operatorToken.kind === ts.SyntaxKind.EqualsEqualsEqualsToken)) {
    const left = skipOuterExpressions(inner.left);
    const right = skipOuterExpressions(inner.right);
    const empty = (expression: ts.Expression) => expression.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(expression) && expression.text === 'undefined');
    if (ts.isIdentifier(left) && empty(right)) return [left];
    if (ts.isIdentifier(right) && empty(left)) return [right];
  }
  return [];
}

/** The id a loading call is given: its first argument, or the primary key of its filter. `.lean()`/`.exec()` after it too. */
function loadingKey(initializer: ts.Expression, depth: number): ts.Expression | undefined {
  const call = skipOuterExpressions(initializer);
  if (depth > 3 || !ts.isCallExpression(call)) return undefined;
  const callee = skipOuterExpressions(call.expression);
  const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
  if (!LOADING_METHOD.test(method)) {
    return ts.isPropertyAccessExpression(callee) && ts.isCallExpression(skipOuterExpressions(callee.expression)) ? loadingKey(callee.expression, depth + 1) : undefined;
  }
  const first = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
  if (!first) return undefined;
  if (isIdRead(first)) return first;
  return ts.isObjectLiteralExpression(first) ? primaryKeyValue(first, 0) : undefined;
}

function primaryKeyValue(filter: ts.ObjectLiteralExpression, depth: number): ts.Expression | undefined {
  for (const property of filter.properties) {
    if (ts.isShorthandPropertyAssignment(property) && PRIMARY_KEY_FIELD.test(property.name.text)) return property.name;
    if (!ts.isPropertyAssignment(property)) continue;
    const name = propertyNameText(property.name);
    const value = skipOuterExpressions(property.initializer);
    if (name === 'where' && depth < 2 && ts.isObjectLiteralExpression(value)) return primaryKeyValue(value, depth + 1);
    if (name !== undefined && PRIMARY_KEY_FIELD.test(name) && isIdRead(value)) return value;
  }
  return undefined;
}

/** `id`, `importId`, `input.importId`, `req.params.id`: a plain read named as an id. */
function isIdRead(expression: ts.Expression): boolean {
  if (ts.isIdentifier(expression)) return ID_NAME.test(expression.text);
  return ts.isPropertyAccessExpression(expression) && ID_NAME.test(expression.name.text) && !ts.isPrivateIdentifier(expression.name);
}

/**
 * The route parameters a guard or middleware proves to name stored records: it loads a record by the
 * parameter (`findUnique({ where: { id: request.params.shareId } })`, or by a local read from the
 * parameters, `const shareId = request.params.shareId ?? request.params.id`) and exits when none is
 * found (`if (!share) throw new NotFoundException()`). The handler it lets through then gets a key the
 * server stored, as after the same check written in the handler.
 */
export function existenceCheckedParams(declaration: ts.Node): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isIfStatement(node)) {
      for (const key of existingRecordKeyChecks(node)) for (const name of paramNamesRead(key)) names.add(name);
    }
    ts.forEachChild(node, visit);
  };
  visit(declaration);
  return names;
}

/** The route parameter names a key is read from: `request.params.id`, or a local initialized from such reads. */
function paramNamesRead(key: ts.Expression): string[] {
  const value = skipOuterExpressions(key);
  const direct = paramsMember(value);
  if (direct !== undefined) return [direct];
  if (!ts.isIdentifier(value)) return [];
  const declaration = localDeclaration(value);
  if (!declaration?.initializer) return [];
  // `const { shareId } = request.params`
  if (ts.isObjectBindingPattern(declaration.name)) {
    const initializer = skipOuterExpressions(declaration.initializer);
    if (!isParamsBag(initializer)) return [];
    const element = declaration.name.elements.find((candidate) => ts.isIdentifier(candidate.name) && candidate.name.text === value.text && !candidate.dotDotDotToken);
    const property = element && (element.propertyName ? propertyNameText(element.propertyName) : value.text);
    return property ? [property] : [];
  }
  if (!ts.isIdentifier(declaration.name)) return [];
  // `const shareId = has(params, 'shareId') ? request.params.shareId : request.params.id`: every parameter it may be.
  const read: string[] = [];
  const collect = (node: ts.Node): void => {
    const member = ts.isExpression(node) ? paramsMember(node) : undefined;
    if (member !== undefined) read.push(member);
    else ts.forEachChild(node, collect);
  };
  collect(declaration.initializer);
  return read;
}

function isParamsBag(expression: ts.Expression): boolean {
  return ts.isPropertyAccessExpression(expression) && expression.name.text === 'params';
}

/** `request.params.id`, `req.params['id']`: the parameter's name. */
function paramsMember(expression: ts.Expression): string | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isPropertyAccessExpression(value) && isParamsBag(skipOuterExpressions(value.expression))) return value.name.text;
  if (ts.isElementAccessExpression(value) && isParamsBag(skipOuterExpressions(value.expression)) && ts.isStringLiteralLike(value.argumentExpression)) return value.argumentExpression.text;
  return undefined;
}
