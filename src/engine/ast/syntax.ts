import { ts } from '#typescript';
import { propertyNameText, skipOuterExpressions } from './module-index.js';

/** The initializer of a property of an object literal (`{ prefix: '/x' }`, shorthand `{ handler }`); methods are not expressions. */
export function propertyValue(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property) && propertyNameText(property.name) === name) return property.initializer;
    if (ts.isShorthandPropertyAssignment(property) && property.name.text === name) return property.name;
  }
  return undefined;
}

/**
 * A statement that leaves the function: `return`, `throw`, a block ending in one, or Koa's
 * `ctx.throw(400)` (it throws, so it ends the handler as a throw statement would).
 */
export function exitsEarly(statement: ts.Statement): boolean {
  if (ts.isReturnStatement(statement) || ts.isThrowStatement(statement)) return true;
  if (ts.isBlock(statement)) {
    const last = statement.statements.at(-1);
    return last !== undefined && exitsEarly(last);
  }
  if (ts.isExpressionStatement(statement)) {
    const call = skipOuterExpressions(statement.expression);
    return ts.isCallExpression(call) && ts.isPropertyAccessExpression(call.expression) && call.expression.name.text === 'throw';
  }
  return false;
}

/** The nearest function-like node around a node (including constructors and accessors). */
export function enclosingFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isFunctionLike(current)) return current;
  }
  return undefined;
}

/**
 * The named fields of an object literal in order (`{ a: x, b }`: a -> x, b -> b), and the
 * expressions it spreads (`...Base.shape`), for readers of schemas written as objects.
 */
export function objectLiteralFields(object: ts.ObjectLiteralExpression): Array<{ name: string; value: ts.Expression } | { spread: ts.Expression }> {
  const fields: Array<{ name: string; value: ts.Expression } | { spread: ts.Expression }> = [];
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property)) {
      const name = propertyNameText(property.name);
      if (name !== undefined) fields.push({ name, value: property.initializer });
    } else if (ts.isShorthandPropertyAssignment(property)) fields.push({ name: property.name.text, value: property.name });
    else if (ts.isSpreadAssignment(property)) fields.push({ spread: property.expression });
  }
  return fields;
}
