/**
 * A project's own route-registration wrappers: methods of a controller base class that register on
 * the router the instance holds, with the HTTP method, path, handler and middleware taken from their
 * parameters (Unleash's `class Controller { app = Router(); route(options) { this.app[options.method](options.path,
 * checkPermission(options.permission), ..., this.wrap(options.handler)) } get(path, handler, permission) {
 * this.route({ method: 'get', path, handler, permission }) } use(path, router) { this.app.use(path, router) } }`).
 * The registration inside such a method is a template; each call of the method from a subclass
 * (`this.route({ method: 'post', path: '/:id', handler: this.update, permission: UPDATE })`, `this.get('/', this.list)`)
 * is a registration on that subclass instance's router, with the template's arguments read through the
 * call's arguments (frames below).
 */
import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { isFunctionLike, propertyNameText, skipOuterExpressions } from '../../ast/syntax.js';
import { objectPropertyValue } from './router-syntax.js';

/** One call of a wrapper: the wrapper's parameters bound to the call's arguments, in the caller's frame. */
export interface WrapperFrame {
  fn: ts.SignatureDeclaration;
  call: ts.CallExpression;
  file: ScannedSourceFile;
  /** The file the wrapper is written in (its parameters' defaults are read there). */
  fnFile: ScannedSourceFile;
  parent?: WrapperFrame;
}

/** An expression with where it is written and the wrapper call it is read in (undefined at the outermost call site). */
export interface FramedExpression {
  expression: ts.Expression;
  file: ScannedSourceFile;
  frame?: WrapperFrame;
  /** A parameter or options field the call did not give (`middleware` left out): it adds nothing. */
  missing?: true;
}

/** The method (or function) a registration is written in, when the registration reads the method's parameters. */
export function templateMethod(call: ts.CallExpression): ts.MethodDeclaration | undefined {
  let scope: ts.Node | undefined = call.parent;
  while (scope && !isFunctionLike(scope) && !ts.isConstructorDeclaration(scope) && !ts.isClassLike(scope)) scope = scope.parent;
  if (!scope || !ts.isMethodDeclaration(scope) || scope.parameters.length === 0) return undefined;
  const callee = skipOuterExpressions(call.expression);
  const reads = [...call.arguments, ...(ts.isElementAccessExpression(callee) ? [callee.argumentExpression] : [])];
  return reads.some((argument) => readsParameter(argument, scope as ts.MethodDeclaration)) ? scope : undefined;
}

/** Whether an expression reads a parameter of the function (or a local destructured from one). */
export function readsParameter(expression: ts.Node, fn: ts.SignatureDeclaration): boolean {
  const names = parameterNames(fn);
  const visit = (node: ts.Node): boolean => {
    if (ts.isIdentifier(node) && names.has(node.text) && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node)) return true;
    return ts.forEachChild(node, visit) ?? false;
  };
  return visit(expression);
}

function parameterNames(fn: ts.SignatureDeclaration): Set<string> {
  const names = new Set<string>();
  for (const parameter of fn.parameters) if (ts.isIdentifier(parameter.name)) names.add(parameter.name.text);
  // `const { middleware = [], acceptedContentTypes = [] } = options;` reads the options parameter.
  const body = (fn as { body?: ts.Node }).body;
  if (body && ts.isBlock(body)) {
    for (const statement of body.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const declaration of statement.declarationList.declarations) {
        const initializer = declaration.initializer && skipOuterExpressions(declaration.initializer);
        if (!initializer || !ts.isIdentifier(initializer) || !names.has(initializer.text) || !ts.isObjectBindingPattern(declaration.name)) continue;
        for (const element of declaration.name.elements) if (ts.isIdentifier(element.name)) names.add(element.name.text);
      }
    }
  }
  return names;
}

/**
 * What an expression of a wrapper's body holds for one call: a parameter is the call's argument (or
 * the parameter's default), `options.path` the field of the object literal the call passed,
 * `const { middleware = [] } = options` that field (or its default), `handler.bind(this)` the handler;
 * read on through the caller's own frame, so `get(path)` → `route({ path })` → `this.app.get(options.path)`
 * reads the subclass's `'/:id'`. Anything else is the expression as written.
 */
export function readThroughFrames(expression: ts.Expression, file: ScannedSourceFile, frame: WrapperFrame | undefined, depth = 0): FramedExpression {
  const value = skipOuterExpressions(expression);
  if (!frame || depth > 12) return { expression: value, file, frame };
  // `handler.bind(this)`: the handler itself.
  if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && value.expression.name.text === 'bind') {
    return readThroughFrames(value.expression.expression, file, frame, depth + 1);
  }
  if (ts.isIdentifier(value)) {
    const bound = parameterValue(value.text, frame);
    if (bound) return bound.frame === frame && bound.expression === value ? bound : readThroughFrames(bound.expression, bound.file, bound.frame, depth + 1);
    const field = destructuredField(value.text, frame);
    if (field) {
      const owner = readThroughFrames(field.source, file, frame, depth + 1);
      const held = fieldOf(owner, field.name);
      if (held) return readThroughFrames(held.expression, held.file, held.frame, depth + 1);
      return field.fallback ? { expression: field.fallback, file, frame } : { expression: value, file, frame };
    }
    return { expression: value, file, frame };
  }
  if (ts.isPropertyAccessExpression(value)) {
    const owner = skipOuterExpressions(value.expression);
    if (ts.isIdentifier(owner) && (parameterValue(owner.text, frame) || destructuredField(owner.text, frame))) {
      const read = readThroughFrames(owner, file, frame, depth + 1);
      const held = fieldOf(read, value.name.text);
      if (held) return readThroughFrames(held.expression, held.file, held.frame, depth + 1);
      return { expression: value, file, frame, missing: true };
    }
  }
  return { expression: value, file, frame };
}

/** The value the call gives a parameter of the wrapper (its default when the call passes none). */
function parameterValue(name: string, frame: WrapperFrame): FramedExpression | undefined {
  const index = frame.fn.parameters.findIndex((parameter) => ts.isIdentifier(parameter.name) && parameter.name.text === name);
  if (index === -1) return undefined;
  const parameter = frame.fn.parameters[index]!;
  if (parameter.dotDotDotToken) return undefined;
  const argument = frame.call.arguments[index];
  if (argument && !ts.isSpreadElement(argument)) return { expression: argument, file: frame.file, frame: frame.parent };
  if (parameter.initializer) return { expression: parameter.initializer, file: frame.fnFile, frame };
  return { expression: parameter.name as ts.Identifier, file: frame.fnFile, frame, missing: true };
}

/** `const { name = fallback } = source` in the frame's function body, where source reads a parameter. */
function destructuredField(name: string, frame: WrapperFrame): { source: ts.Identifier; name: string; fallback?: ts.Expression } | undefined {
  const body = (frame.fn as { body?: ts.Node }).body;
  if (!body || !ts.isBlock(body)) return undefined;
  for (const statement of body.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      const initializer = declaration.initializer && skipOuterExpressions(declaration.initializer);
      if (!initializer || !ts.isIdentifier(initializer) || !ts.isObjectBindingPattern(declaration.name)) continue;
      for (const element of declaration.name.elements) {
        if (!ts.isIdentifier(element.name) || element.name.text !== name || element.dotDotDotToken) continue;
        const field = element.propertyName ? propertyNameText(element.propertyName) : element.name.text;
        if (field) return { source: initializer, name: field, fallback: element.initializer };
      }
    }
  }
  return undefined;
}

/** The field of an object literal a read arrived at: `path` of `{ method: 'get', path: '/x' }`. */
function fieldOf(owner: FramedExpression, name: string): FramedExpression | undefined {
  const value = skipOuterExpressions(owner.expression);
  if (!ts.isObjectLiteralExpression(value)) return undefined;
  const field = objectPropertyValue(value, name);
  return field ? { expression: field, file: owner.file, frame: owner.frame } : undefined;
}

/** Parameters a wrapper reads that the call did not give, named for the display (`permission`). */
export function calledMethodName(call: ts.CallExpression): string | undefined {
  const callee = skipOuterExpressions(call.expression);
  return ts.isPropertyAccessExpression(callee) && callee.expression.kind === ts.SyntaxKind.ThisKeyword ? callee.name.text : undefined;
}
