/** Small syntax questions the router graph asks: loops around a registration, factory bodies, local declarations. */
import { ts } from '#typescript';
import { isFunctionLike, propertyNameText, skipOuterExpressions } from '../../ast/syntax.js';

/** The function a factory body returns: `() => (req, res) => ...`, `{ return async function (req, res) {...} }`. */
export function returnedFunction(body: ts.ConciseBody): (ts.ArrowFunction | ts.FunctionExpression) | undefined {
  if (!ts.isBlock(body)) {
    const value = skipOuterExpressions(body);
    return ts.isArrowFunction(value) || ts.isFunctionExpression(value) ? value : undefined;
  }
  for (const statement of body.statements) {
    if (!ts.isReturnStatement(statement) || !statement.expression) continue;
    const value = skipOuterExpressions(statement.expression);
    if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) return value;
  }
  return undefined;
}

const ITERATION_METHODS = new Set(['forEach', 'each']);
/** The names lodash and underscore are imported as, whose `each`/`forEach` take the collection first. */
const UTILITY_NAMESPACES = /^(?:_|lodash|underscore)$/;

/**
 * The loop a call sits in, if its nearest enclosing function or loop iterates an array element by
 * element: `xs.forEach((item) => ...)` (arrow or function expression), `_.each(xs, (item) => ...)`
 * or `for (const item of xs)`; `body` is the loop's body, where locals read from the item live.
 */
export function enclosingIteration(node: ts.Node): { iterated: ts.Expression; item: ts.BindingName; body: ts.Node } | undefined {
  for (let child: ts.Node = node, current = node.parent; current; child = current, current = current.parent) {
    if (ts.isForOfStatement(current)) {
      // In `for (const x of xs.map(...))` the call is part of what is iterated, not of the body.
      if (child !== current.statement || !ts.isVariableDeclarationList(current.initializer) || current.initializer.declarations.length !== 1) return undefined;
      return { iterated: current.expression, item: current.initializer.declarations[0]!.name, body: current.statement };
    }
    if (ts.isArrowFunction(current) || ts.isFunctionExpression(current)) {
      const loopCall = current.parent;
      const item = current.parameters[0]?.name;
      if (!ts.isCallExpression(loopCall) || !item) return undefined;
      const callee = skipOuterExpressions(loopCall.expression);
      if (!ts.isPropertyAccessExpression(callee) || !ITERATION_METHODS.has(callee.name.text)) return undefined;
      if (loopCall.arguments[0] === current && callee.name.text === 'forEach') return { iterated: callee.expression, item, body: current };
      // lodash/underscore `_.each(collection, (item) => ...)`, `_.forEach(...)`: the collection is the first argument.
      const collection = loopCall.arguments[0];
      if (loopCall.arguments[1] === current && collection && ts.isIdentifier(skipOuterExpressions(callee.expression)) && UTILITY_NAMESPACES.test((skipOuterExpressions(callee.expression) as ts.Identifier).text)) {
        return { iterated: collection, item, body: current };
      }
      return undefined;
    }
    if (isFunctionLike(current) || ts.isClassLike(current) || ts.isSourceFile(current)) return undefined;
  }
  return undefined;
}

/** The element property an argument reads: `item.path` / `item['path']` for `item`, `p` for `{ path: p }`. */
export function itemPropertyRead(argument: ts.Expression, item: ts.BindingName): string | undefined {
  const value = skipOuterExpressions(argument);
  if (ts.isIdentifier(item)) {
    if (ts.isPropertyAccessExpression(value) && ts.isIdentifier(value.expression) && value.expression.text === item.text) return value.name.text;
    if (ts.isElementAccessExpression(value) && ts.isIdentifier(value.expression) && value.expression.text === item.text && ts.isStringLiteralLike(value.argumentExpression)) {
      return value.argumentExpression.text;
    }
    return undefined;
  }
  if (!ts.isObjectBindingPattern(item) || !ts.isIdentifier(value)) return undefined;
  for (const binding of item.elements) {
    if (binding.dotDotDotToken || !ts.isIdentifier(binding.name) || binding.name.text !== value.text) continue;
    return binding.propertyName ? propertyNameText(binding.propertyName) : binding.name.text;
  }
  return undefined;
}

/** The value an object literal gives a property (`path: '/auth'`, shorthand `authRoute`); the last one wins, as at run time. */
export function objectPropertyValue(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  let found: ts.Expression | undefined;
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property) && propertyNameText(property.name) === name) found = property.initializer;
    else if (ts.isShorthandPropertyAssignment(property) && property.name.text === name) found = property.name;
  }
  return found;
}

export function isThisProperty(node: ts.Expression): boolean {
  return ts.isPropertyAccessExpression(node) && node.expression.kind === ts.SyntaxKind.ThisKeyword;
}


export function isConstant(declaration: ts.VariableDeclaration): boolean {
  return (declaration.parent.flags & ts.NodeFlags.Const) !== 0;
}

/** A declaration of `name` made by one statement of a block. */
export function localDeclaration(statement: ts.Statement, name: string): ts.Node | undefined {
  if (ts.isVariableStatement(statement)) {
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.name.text === name) return declaration;
    }
  }
  if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name?.text === name) return statement;
  return undefined;
}

/** The element of a destructuring pattern that binds `name` (`router` in `[router, { queries }]`), at any depth. */
export function bindingElementNamed(pattern: ts.BindingPattern, name: string): ts.BindingElement | undefined {
  for (const element of pattern.elements) {
    if (ts.isOmittedExpression(element)) continue;
    if (ts.isIdentifier(element.name)) {
      if (element.name.text === name) return element;
    } else {
      const inner = bindingElementNamed(element.name, name);
      if (inner) return inner;
    }
  }
  return undefined;
}
