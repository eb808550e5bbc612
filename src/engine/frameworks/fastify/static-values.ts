import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { bindingValue, localBinding, type ModuleIndex } from '../../names/index.js';
import { propertyNameText, skipOuterExpressions } from '../../ast/syntax.js';

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
    // `const postOptions = { onRequest: [...], schema }` inside the plugin, shared by its routes; a local shadows any module name.
    const local = localBinding(value);
    if (local) {
      const initializer = ts.isVariableDeclaration(local) && ts.isIdentifier(local.name) && local.initializer && skipOuterExpressions(local.initializer);
      return initializer && ts.isObjectLiteralExpression(initializer) ? { file, node: initializer } : undefined;
    }
    const binding = modules.resolveName(file, value.text);
    const target = bindingValue(binding);
    if (binding?.kind === 'declaration' && target && ts.isObjectLiteralExpression(target)) return { file: binding.file, node: target };
  }
  return undefined;
}

/** `{ async handler(request, reply) {} }`: a method written in an object literal. */
export function methodProperty(object: ts.ObjectLiteralExpression, name: string): ts.MethodDeclaration | undefined {
  for (const property of object.properties) {
    if (ts.isMethodDeclaration(property) && propertyNameText(property.name) === name) return property;
  }
  return undefined;
}
