import { ts } from '#typescript';

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

/** Parentheses, `as`, `!`, `satisfies`, `<T>x` and `await`: wrappers that never change which value flows. */
export type OuterExpression = ts.ParenthesizedExpression | ts.AsExpression | ts.NonNullExpression | ts.SatisfiesExpression | ts.TypeAssertion | ts.AwaitExpression;

// One switch on the kind: called from nearly every check, where six type-guard calls per step showed.
export function isOuterExpression(node: ts.Node): node is OuterExpression {
  switch (node.kind) {
    case ts.SyntaxKind.ParenthesizedExpression:
    case ts.SyntaxKind.AsExpression:
    case ts.SyntaxKind.NonNullExpression:
    case ts.SyntaxKind.SatisfiesExpression:
    case ts.SyntaxKind.TypeAssertionExpression:
    case ts.SyntaxKind.AwaitExpression:
      return true;
    default:
      return false;
  }
}

/** Strips the outer expressions (isOuterExpression) around a value. */
export function skipOuterExpressions(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (isOuterExpression(current)) current = current.expression;
  return current;
}

/** An identifier that reads a variable: `x` in `x.y` or `f(x)`, not the member name `y` of `x.y`. */
export function isVariableReference(node: ts.Node): node is ts.Identifier {
  return ts.isIdentifier(node) && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node);
}

/** The text of a property name: identifiers, string and numeric literals, private names, `["literal"]`. */
export function propertyNameText(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isComputedPropertyName(name) && ts.isStringLiteralLike(name.expression)) return name.expression.text;
  return undefined;
}

/** The class a node is written in (its nearest enclosing class declaration or expression). */
export function enclosingClass(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isClassDeclaration(current) || ts.isClassExpression(current)) return current;
  }
  return undefined;
}

/**
 * The class name a field holds: a constructor parameter property (`constructor(private readonly
 * orders: OrdersService)`), a typed property, or a property initialised with `new X()`.
 */
export function fieldTypeName(classNode: ts.ClassLikeDeclaration, fieldName: string): string | undefined {
  for (const member of classNode.members) {
    if (ts.isConstructorDeclaration(member)) {
      for (const parameter of member.parameters) {
        if (ts.isIdentifier(parameter.name) && parameter.name.text === fieldName && parameter.type) return typeReferenceName(parameter.type);
      }
    }
    if (ts.isPropertyDeclaration(member) && member.name && ts.isIdentifier(member.name) && member.name.text === fieldName) {
      if (member.type) return typeReferenceName(member.type);
      const initializer = member.initializer && skipOuterExpressions(member.initializer);
      if (initializer && ts.isNewExpression(initializer) && ts.isIdentifier(initializer.expression)) return initializer.expression.text;
    }
  }
  return undefined;
}

/**
 * What a class field holds when neither a type nor `new X()` names it: its initializer (`private client =
 * axios.create({ baseURL })`), or the one value its constructor assigns (`this.axios = axios.create(...)`).
 * A later `this.axios = rateLimit(this.axios, options)` hands the same instance to a wrapper and keeps it:
 * the field still holds what was created. Undefined when the constructor assigns two different values.
 */
export function fieldValue(classNode: ts.ClassLikeDeclaration, fieldName: string): ts.Expression | undefined {
  const values: ts.Expression[] = [];
  for (const member of classNode.members) {
    if (ts.isPropertyDeclaration(member) && member.name && ts.isIdentifier(member.name) && member.name.text === fieldName && member.initializer) values.push(skipOuterExpressions(member.initializer));
    if (!ts.isConstructorDeclaration(member) || !member.body) continue;
    const isField = (expression: ts.Expression): boolean => {
      const value = skipOuterExpressions(expression);
      return ts.isPropertyAccessExpression(value) && value.expression.kind === ts.SyntaxKind.ThisKeyword && value.name.text === fieldName;
    };
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node)) return;
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && isField(node.left)) {
        const value = skipOuterExpressions(node.right);
        const wrapsItself = ts.isCallExpression(value) && value.arguments.some(isField);
        if (!wrapsItself) values.push(value);
      }
      ts.forEachChild(node, visit);
    };
    visit(member.body);
  }
  return values.length === 1 ? values[0] : undefined;
}

function typeReferenceName(type: ts.TypeNode): string | undefined {
  return ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) ? type.typeName.text : undefined;
}

export function isFunctionLike(node: ts.Node): node is ts.ArrowFunction | ts.FunctionExpression | ts.FunctionDeclaration | ts.MethodDeclaration {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node);
}

/**
 * The expression a function body consists of: a concise arrow body, or the one statement of a block,
 * `return x;` (or, unless `returnOnly`, `x;`). Undefined for any other body.
 */
export function soleExpression(body: ts.ConciseBody, returnOnly = false): ts.Expression | undefined {
  if (!ts.isBlock(body)) return body;
  const only = body.statements.length === 1 ? body.statements[0]! : undefined;
  if (only && ts.isReturnStatement(only)) return only.expression;
  return !returnOnly && only && ts.isExpressionStatement(only) ? only.expression : undefined;
}

/**
 * What a function body returns: the expression of a concise arrow body, or the expression of each
 * `return` in the block (not of functions nested in it).
 */
export function returnedExpressions(body: ts.ConciseBody): ts.Expression[] {
  if (!ts.isBlock(body)) return [body];
  const found: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return;
    if (ts.isReturnStatement(node) && node.expression) found.push(node.expression);
    else ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  return found;
}

/** 1-based line and column of a node's first token (not its leading trivia). */
export function nodePosition(node: ts.Node): { line: number; column: number } {
  const sourceFile = node.getSourceFile();
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
  return { line: line + 1, column: character + 1 };
}

/**
 * A node's text with the contents of its string and template literals blanked (same length, so
 * offsets hold): pattern checks that look for code (`user.role !== 'admin'`) must not match data,
 * such as the SQL `SELECT u.id, u.role FROM sessions ...` an authentication middleware runs.
 */
export function codeText(node: ts.Node, sourceFile: ts.SourceFile = node.getSourceFile()): string {
  const text = sourceFile.text;
  // Built from slices rather than an array of characters: it is asked of whole middleware and
  // handler bodies, many times per scan.
  let code = '';
  let cursor = node.getStart(sourceFile);
  const visit = (child: ts.Node): void => {
    if (ts.isStringLiteral(child) || ts.isNoSubstitutionTemplateLiteral(child) || ts.isTemplateHead(child) || ts.isTemplateMiddle(child) || ts.isTemplateTail(child)) {
      // Keep the quotes or backticks and `${`/`}` delimiters; blank what is between them, line breaks kept.
      const from = child.getStart(sourceFile) + 1;
      const to = child.end - (ts.isTemplateHead(child) || ts.isTemplateMiddle(child) ? 2 : 1);
      if (to > from) {
        code += text.slice(cursor, from) + text.slice(from, to).replace(/[^\n]/g, ' ');
        cursor = to;
      }
      return;
    }
    ts.forEachChild(child, visit);
  };
  visit(node);
  return code + text.slice(cursor, node.end);
}

/** One link of a builder chain: `string()` in `z.string().email()`; no call for a namespace link (`z.coerce`). */
export interface ChainStep {
  name: string;
  call?: ts.CallExpression;
}

/** A builder chain, root first: `z.string().email()` -> root `z`, steps string(), email() (zod, Joi, yup schemas). */
export function builderChain(node: ts.Expression): { steps: ChainStep[]; root: ts.Expression } {
  const steps: ChainStep[] = [];
  let current = skipOuterExpressions(node);
  for (;;) {
    if (ts.isCallExpression(current) && ts.isPropertyAccessExpression(skipOuterExpressions(current.expression))) {
      const callee = skipOuterExpressions(current.expression) as ts.PropertyAccessExpression;
      steps.unshift({ name: callee.name.text, call: current });
      current = skipOuterExpressions(callee.expression);
    } else if (ts.isPropertyAccessExpression(current)) {
      steps.unshift({ name: current.name.text });
      current = skipOuterExpressions(current.expression);
    } else break;
  }
  return { steps, root: current };
}

/** A directive prologue names it (`'use server'`, `'use client'`): directives come before any other statement. */
export function hasDirective(statements: readonly ts.Statement[], directive: string): boolean {
  for (const statement of statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isStringLiteral(statement.expression)) return false;
    if (statement.expression.text === directive) return true;
  }
  return false;
}

/**
 * Whether an `if` of a function's own code (functions nested in it left out: they run later, if at all)
 * passes `test`: a handler's own refusal (`if (...) throw new StatusError(401, ...)`).
 */
export function someOwnIfStatement(fn: { node: ts.Node & { body?: ts.Node } } | undefined, test: (statement: ts.IfStatement, sourceFile: ts.SourceFile) => boolean): boolean {
  const body = fn?.node.body;
  if (!body) return false;
  const sourceFile = fn.node.getSourceFile();
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found || (node !== body && ts.isFunctionLike(node))) return;
    if (ts.isIfStatement(node) && test(node, sourceFile)) found = true;
    else ts.forEachChild(node, visit);
  };
  visit(body);
  return found;
}


/** The operands of a chain of `&&` (the expression itself when it is none), parentheses removed. */
export function conjuncts(expression: ts.Expression): ts.Expression[] {
  const value = skipOuterExpressions(expression);
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) return [...conjuncts(value.left), ...conjuncts(value.right)];
  return [value];
}
