/** Syntax questions of the business-flow walk that need no walk state: conditions, query criteria, callees, receivers. */
import { ts } from '#typescript';
import { exitsEarly, propertyNameText, skipOuterExpressions } from '../ast/syntax.js';
import type { GuardKind } from './flow-facts.js';
import { KYSELY } from '../../models/orms.js';
import { NEGATED_QUERY_OPERATOR, STATE_FIELD, EXPIRY_FIELD, TOKEN_ISSUED_FIELD, REPLAY_FIELD, STATE_FLAG, STATE_TIMESTAMP, ADMIN_NAME } from './flow-patterns.js';

/**
 * Whether the statement holding `node` runs on every call of its function: only blocks and `try` around it.
 * An admin check inside `if (process.env.VERCEL_ENV === 'preview')` guards previews, not the route.
 */
export function runsUnconditionally(node: ts.Node): boolean {
  let current: ts.Node = node;
  while (current.parent && !ts.isIfStatement(current.parent)) current = current.parent;
  const statement = current.parent;
  if (!statement) return false;
  for (let ancestor: ts.Node | undefined = statement.parent; ancestor; ancestor = ancestor.parent) {
    if (ts.isFunctionLike(ancestor)) return true;
    if (!ts.isBlock(ancestor) && !ts.isTryStatement(ancestor)) return false;
  }
  return false;
}

/** `if (user.role !== 'ADMIN') throw`, `if (!session.user.isAdmin) return 403`, `if (!isAdmin(user)) throw`. */
export function isAdminCondition(condition: ts.Expression): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(node) && ADMIN_NAME.test(node.text)) found = true;
    else if (ts.isStringLiteralLike(node) && /^(?:super_?)?admin(?:istrator)?$|^superuser$/i.test(node.text) && /\brole|\bgroup|\bpermission/i.test(condition.getText())) found = true;
    ts.forEachChild(node, visit);
  };
  visit(condition);
  return found;
}

export function guardKindOfField(field: string): GuardKind | undefined {
  if (STATE_FIELD.test(field) || STATE_FLAG.test(field)) return 'state-check';
  if (EXPIRY_FIELD.test(field) || TOKEN_ISSUED_FIELD.test(field)) return 'verified-token';
  if (REPLAY_FIELD.test(field)) return 'replay-check';
  // `if (partner.trustedAt) return 400`: "already in that state", told by when it got there.
  if (STATE_TIMESTAMP.test(field)) return 'state-check';
  return undefined;
}

/** String values a condition compares with: `'a'`, `['a', 'b'].includes(x)`, `Status.Paid`. */
export function conditionLiterals(condition: ts.Expression, literal: (expression: ts.Expression) => string | undefined): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken].includes(node.operatorToken.kind)) {
      for (const side of [node.left, node.right]) {
        const stripped = skipOuterExpressions(side);
        if (ts.isStringLiteralLike(stripped) || (ts.isPropertyAccessExpression(stripped) && ts.isIdentifier(stripped.expression) && /^[A-Z]/.test(stripped.expression.text)) || ts.isIdentifier(stripped)) {
          const value = literal(stripped);
          if (value !== undefined && !found.includes(value)) found.push(value);
        }
      }
    }
    if (ts.isArrayLiteralExpression(node)) {
      for (const element of node.elements) {
        const value = literal(element);
        if (value !== undefined && !found.includes(value)) found.push(value);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(condition);
  return found;
}

// `.where('status', op, value)`: the operators of the three-argument form, those that exclude the value, those that order.
const COMPARISON_OPERATOR = /^(?:=|==|!=|<>|<|>|<=|>=|in|not in|is|is not|like|not like|ilike|not ilike)$/i;
const NEGATED_COMPARISON = /^(?:!=|<>|not in|is not|not like|not ilike)$/;
const ORDERING_OPERATOR = /^(?:<|>|<=|>=)$/;

/** States a query's criteria require: `{ status: 'PENDING' }`, `{ status: { in: [...] } }`, `eq(orders.status, 'pending')`. */
export function stateRequirements(criteria: ts.Expression | undefined, literal: (expression: ts.Expression) => string | undefined, expand?: (expression: ts.Expression) => ts.Expression[], excluded?: string[]): string[] {
  if (!criteria) return [];
  const found: string[] = [];
  const expanded = new Set<ts.Node>();
  const visit = (node: ts.Node): void => {
    // `where: { ...eligibilityFilter({ program }), periodEnd }`: criteria built by a project helper or a local object.
    if (ts.isSpreadAssignment(node) && expand) {
      for (const object of expand(node.expression)) {
        if (expanded.has(object)) continue;
        expanded.add(object);
        visit(object);
      }
    }
    if (ts.isPropertyAssignment(node) && STATE_FIELD.test(propertyNameText(node.name) ?? '')) {
      const value = skipOuterExpressions(node.initializer);
      const direct = literal(value);
      if (direct !== undefined) found.push(direct);
      else if (ts.isObjectLiteralExpression(value) || ts.isArrayLiteralExpression(value)) {
        // `{ [Op.notIn]: [...] }`, `{ $ne: 'PAID' }`, `Not(In([...]))`: states excluded (`excluded`), not required; an operator key is no value.
        const visitValues = (inner: ts.Node, into: string[] | undefined): void => {
          if (ts.isPropertyAssignment(inner)) {
            visitValues(inner.initializer, NEGATED_QUERY_OPERATOR.test(operatorName(inner.name)) ? excluded : into);
            return;
          }
          const negated = ts.isCallExpression(inner) && NEGATED_QUERY_OPERATOR.test(lastName(inner));
          if (!negated && ts.isExpression(inner) && !ts.isObjectLiteralExpression(inner) && !ts.isArrayLiteralExpression(inner)) {
            const item = literal(inner);
            if (item !== undefined) into?.push(item);
          }
          ts.forEachChild(inner, (child) => visitValues(child, negated ? excluded : into));
        };
        ts.forEachChild(value, (child) => visitValues(child, found));
      }
      return;
    }
    // drizzle eq(orders.status, 'pending') / knex .where('status', 'pending') / knex and Kysely .where('status', '=', 'pending');
    // not ne(orders.status, 'paid'), not .where('status', '!=', 'paid').
    if (ts.isCallExpression(node) && node.arguments.length >= 2) {
      const [field, second, third] = node.arguments;
      const operator = third && ts.isStringLiteralLike(second!) && COMPARISON_OPERATOR.test(second.text.trim()) ? second.text.trim().toLowerCase() : undefined;
      const value = operator ? third : second;
      const fieldName = ts.isPropertyAccessExpression(field!) ? field.name.text : ts.isStringLiteralLike(field!) ? field.text.split('.').at(-1)! : '';
      if (STATE_FIELD.test(fieldName) && (!operator || !ORDERING_OPERATOR.test(operator))) {
        const item = literal(value!);
        const negated = NEGATED_QUERY_OPERATOR.test(lastName(node)) || (operator !== undefined && NEGATED_COMPARISON.test(operator));
        if (item !== undefined) (negated ? excluded : found)?.push(item);
      }
    }
    // A chained link's callee holds the links before it (`.set({ status: 'PAID' }).where(...)`): values written, not criteria.
    if (ts.isCallExpression(node)) {
      node.arguments.forEach(visit);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(criteria);
  return found;
}

/** The arguments of `.where(...)` calls in the same method chain as `call`, before or after it. */
export function chainWhere(call: ts.CallExpression): ts.Expression[] {
  const found: ts.Expression[] = [];
  const collect = (node: ts.CallExpression): void => {
    const callee = skipOuterExpressions(node.expression);
    if (ts.isPropertyAccessExpression(callee) && /^(?:where|andWhere)$/.test(callee.name.text)) {
      if (node.arguments.length === 1) found.push(node.arguments[0]!);
      else if (node.arguments.length >= 2) found.push(node);
    }
  };
  // Down the receiver chain.
  let inner: ts.Expression = call;
  while (ts.isCallExpression(inner) && ts.isPropertyAccessExpression(skipOuterExpressions(inner.expression))) {
    collect(inner);
    inner = skipOuterExpressions((skipOuterExpressions(inner.expression) as ts.PropertyAccessExpression).expression);
  }
  // Up the calls made on the result.
  let outer: ts.Node = call;
  while (ts.isPropertyAccessExpression(outer.parent) && ts.isCallExpression(outer.parent.parent)) {
    outer = outer.parent.parent;
    collect(outer as ts.CallExpression);
  }
  return found;
}

/** Whether a call's result is used (assigned, returned, compared, awaited into a value) rather than dropped. */
export function isResultUsed(call: ts.CallExpression): boolean {
  let node: ts.Node = call;
  while (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent) || ts.isNonNullExpression(node.parent)) node = node.parent;
  // A chain continuing (`.where(...).returning()`) is judged at its end.
  while (ts.isPropertyAccessExpression(node.parent) && ts.isCallExpression(node.parent.parent)) {
    node = node.parent.parent;
    while (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent)) node = node.parent;
  }
  return !ts.isExpressionStatement(node.parent);
}

/** Whether a node runs in a `catch` block of its own function (error bookkeeping: `status: 'FAILED'`). */
export function insideCatch(node: ts.Node): boolean {
  for (let current: ts.Node | undefined = node.parent; current; current = current.parent) {
    if (ts.isCatchClause(current)) return true;
    if (!ts.isFunctionLike(current)) continue;
    // A callback run from the catch block (`repo.findOneBy(...).then((e) => { e.status = ERROR })`) or a
    // promise's rejection handler (`.catch((err) => ...)`) is failure handling too; any other function ends the search.
    const call = ts.isArrowFunction(current) || ts.isFunctionExpression(current) ? current.parent : undefined;
    if (!call || !ts.isCallExpression(call) || !call.arguments.includes(current as ts.Expression)) return false;
    if (ts.isPropertyAccessExpression(call.expression) && call.expression.name.text === 'catch') return true;
  }
  return false;
}

/** Whether an `if` around the call exits: `if (!machine.can('pay')) throw ...`. */
export function isInExitingCondition(call: ts.CallExpression): boolean {
  for (let node: ts.Node = call; node.parent; node = node.parent) {
    if (ts.isIfStatement(node.parent) && node.parent.expression === node) return exitsEarly(node.parent.thenStatement) || (node.parent.elseStatement !== undefined && exitsEarly(node.parent.elseStatement));
    if (ts.isStatement(node.parent)) return false;
  }
  return false;
}

export { localConstInitializer } from '../names/index.js';

export function asObject(expression: ts.Expression): ts.ObjectLiteralExpression | undefined {
  const value = skipOuterExpressions(expression);
  return ts.isObjectLiteralExpression(value) ? value : undefined;
}

/** `this.orders.update` -> `this.orders.update`; calls and element accesses collapse to their names. */
/** The name a call is made by, without its receiver: `ne` of `drizzle.ne(...)`. */
function lastName(call: ts.CallExpression): string {
  return calleeText(call).split('.').pop() ?? '';
}

export function calleeText(call: ts.CallExpression | ts.Expression): string {
  const expression = ts.isCallExpression(call) ? skipOuterExpressions(call.expression) : skipOuterExpressions(call);
  if (ts.isIdentifier(expression)) return expression.text;
  if (expression.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  if (ts.isPropertyAccessExpression(expression)) return `${calleeText(expression.expression)}.${expression.name.text}`;
  if (ts.isCallExpression(expression)) return calleeText(expression);
  return '';
}

/** Field names a query's criteria mention, at any depth: `{ code, codeExpireAt: ... }`, `$or: [{ expiredAt: ... }]`. */
/** drizzle-orm's column comparisons, whose first argument is the column (`eq(table.status, 'paid')`). */
const DRIZZLE_COMPARISON = /^(?:eq|ne|gt|gte|lt|lte|inArray|notInArray|isNull|isNotNull|like|ilike|notLike|notIlike|between|notBetween)$/;

export function criteriaFields(criteria: ts.Expression): string[] {
  const names: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) && propertyNameText(node.name)) names.push(propertyNameText(node.name)!);
    if (ts.isObjectLiteralExpression(node) || ts.isArrayLiteralExpression(node) || ts.isPropertyAssignment(node)) ts.forEachChild(node, visit);
    // drizzle's operators: `and(eq(deployments.scheduleId, id), eq(deployments.status, 'running'))` filters on scheduleId and status.
    if (ts.isCallExpression(node)) {
      const operator = calleeText(node).split('.').at(-1) ?? '';
      if (/^(?:and|or|not)$/.test(operator)) node.arguments.forEach(visit);
      else if (DRIZZLE_COMPARISON.test(operator)) {
        const column = node.arguments[0] && skipOuterExpressions(node.arguments[0]);
        if (column && ts.isPropertyAccessExpression(column)) names.push(column.name.text);
      }
    }
  };
  visit(skipOuterExpressions(criteria));
  return names;
}

/** The record a generic update is called on: a variable (`order`), or the entity a `this`/`super` service class serves. */
export function receiverEntity(receiver: ts.Expression): string | undefined {
  if (receiver.kind === ts.SyntaxKind.SuperKeyword || receiver.kind === ts.SyntaxKind.ThisKeyword) {
    const className = enclosingClassName(receiver);
    return className?.replace(/(?:Service|Repository|Repo|Store|Dao)$/, '') || undefined;
  }
  // Query builders name the table in the chain: drizzle `db.update(deployments).set(...)`, knex `knex('orders').where(...).update(...)`.
  const table = builderTable(receiver);
  if (table) return table;
  const text = calleeText(receiver);
  if (!text || /^(?:req|request|res|reply|ctx|c|response|map|cache|headers|params|query|body|form|hash|hmac|cipher|decipher|state|store|redis|client)$/i.test(text.split('.').at(-1) ?? '')) return undefined;
  return chainRoot(receiver);
}

/** Calls that start a query on a table given as their first argument (and Kysely's starters, models/orms.ts). */
const TABLE_STARTERS = new RegExp(`^(?:update|insert|insertInto|into|table|from|deleteFrom|knex|db|trx|tx|${Object.keys(KYSELY.starters).join('|')})$`);

/** The table a query-builder chain works on, from the call that names it. */
function builderTable(receiver: ts.Expression): string | undefined {
  for (let current: ts.Expression = skipOuterExpressions(receiver), depth = 0; depth < 12; depth++) {
    if (ts.isCallExpression(current)) {
      const callee = skipOuterExpressions(current.expression);
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      const first = current.arguments[0] && skipOuterExpressions(current.arguments[0]);
      if (name && TABLE_STARTERS.test(name) && first) {
        if (ts.isIdentifier(first)) return first.text;
        if (ts.isStringLiteralLike(first)) return first.text;
        if (ts.isPropertyAccessExpression(first)) return first.name.text;
      }
      current = callee;
    } else if (ts.isPropertyAccessExpression(current)) current = skipOuterExpressions(current.expression);
    else return undefined;
  }
  return undefined;
}

/** `db.orders` -> orders; `order` -> order: the name a chain's data belongs to. */
export function chainRoot(receiver: ts.Expression): string | undefined {
  const text = calleeText(receiver);
  const parts = text.split('.').filter((part) => part !== 'this');
  return parts.at(-1) || undefined;
}

export function enclosingClassName(node: ts.Node): string | undefined {
  for (let current: ts.Node | undefined = node.parent; current; current = current.parent) {
    if (ts.isClassDeclaration(current) && current.name) return current.name.text;
  }
  return undefined;
}

export function truncate(text: string, max = 100): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The operator a filter key names: `$ne`, `notIn`, `[Op.notIn]` (the member of a computed key). */
function operatorName(name: ts.PropertyName): string {
  if (ts.isComputedPropertyName(name)) {
    const expression = skipOuterExpressions(name.expression);
    return ts.isPropertyAccessExpression(expression) ? expression.name.text : ts.isStringLiteralLike(expression) ? expression.text : '';
  }
  return propertyNameText(name) ?? '';
}

