import { ts } from 'ts-morph';
import type { ScannedSourceFile } from '../../../types.js';
import { bindingValue, propertyNameText, skipOuterExpressions, type ModuleIndex } from '../../ast/module-index.js';

const MAX_DEPTH = 6;

/**
 * The string an expression always evaluates to, when the code shows it: literals, templates and
 * `+` of constants, and names bound to such a constant in this or another file.
 */
export function staticString(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression, depth = 0): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const value = skipOuterExpressions(expression);
  if (ts.isStringLiteralLike(value)) return value.text;
  if (ts.isTemplateExpression(value)) {
    let text = value.head.text;
    for (const span of value.templateSpans) {
      const part = staticString(modules, file, span.expression, depth + 1);
      if (part === undefined) return undefined;
      text += part + span.literal.text;
    }
    return text;
  }
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = staticString(modules, file, value.left, depth + 1);
    const right = left === undefined ? undefined : staticString(modules, file, value.right, depth + 1);
    return left === undefined || right === undefined ? undefined : left + right;
  }
  if (ts.isIdentifier(value)) {
    const binding = modules.resolveName(file, value.text);
    const target = bindingValue(binding);
    if (binding?.kind === 'declaration' && target && ts.isExpression(target)) return staticString(modules, binding.file, target, depth + 1);
  }
  return undefined;
}

/** An object literal an expression is or names (`{ prefix }`, `const options = {...}`), with its file. */
export function objectLiteralOf(
  modules: ModuleIndex,
  file: ScannedSourceFile,
  expression: ts.Expression | undefined,
): { file: ScannedSourceFile; node: ts.ObjectLiteralExpression } | undefined {
  if (!expression) return undefined;
  const value = skipOuterExpressions(expression);
  if (ts.isObjectLiteralExpression(value)) return { file, node: value };
  if (ts.isIdentifier(value)) {
    const binding = modules.resolveName(file, value.text);
    const target = bindingValue(binding);
    if (binding?.kind === 'declaration' && target && ts.isObjectLiteralExpression(target)) return { file: binding.file, node: target };
  }
  return undefined;
}

/** The initializer of a property of an object literal (`{ prefix: '/x' }`, shorthand `{ handler }`); methods are not expressions, see methodProperty. */
export function propertyValue(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property) && propertyNameText(property.name) === name) return property.initializer;
    if (ts.isShorthandPropertyAssignment(property) && property.name.text === name) return property.name;
  }
  return undefined;
}

/** Joins mount prefixes and a route path: single slashes, no trailing slash except the root `/`. */
export function joinRoutePath(...parts: string[]): string {
  const joined = `/${parts.filter((part) => part.length > 0).join('/')}`.replace(/\/{2,}/g, '/');
  return joined.length > 1 && joined.endsWith('/') ? joined.slice(0, -1) : joined;
}

/** `{ async handler(request, reply) {} }`: a method written in an object literal. */
export function methodProperty(object: ts.ObjectLiteralExpression, name: string): ts.MethodDeclaration | undefined {
  for (const property of object.properties) {
    if (ts.isMethodDeclaration(property) && propertyNameText(property.name) === name) return property;
  }
  return undefined;
}
