/**
 * Where a function's parameter meets what a call passes: which parameter (and member of a
 * destructured one) a name is, and the expression a call passes there. Shared by the object-access
 * reach pass and the ownership evidence that reads a helper's parameters at its call.
 */
import { ts } from '#typescript';
import { propertyNameText, skipOuterExpressions } from '../ast/syntax.js';
import { localInitializer } from '../names/index.js';

/** Which parameter of `fn` a name is, and the member of it when destructured (`({ data, where })` -> 0, ['where']). */
export function parameterSlot(fn: ts.SignatureDeclaration, name: string): { index: number; memberPath: string[] } | undefined {
  for (const [index, parameter] of fn.parameters.entries()) {
    if (ts.isIdentifier(parameter.name) && parameter.name.text === name) return { index, memberPath: [] };
    if (!ts.isObjectBindingPattern(parameter.name)) continue;
    for (const element of parameter.name.elements) {
      if (element.dotDotDotToken || !ts.isIdentifier(element.name) || element.name.text !== name) continue;
      const property = element.propertyName ? propertyNameText(element.propertyName) : name;
      return property !== undefined ? { index, memberPath: [property] } : undefined;
    }
  }
  return undefined;
}

/** The expression a caller passes along a member path: `{ data, where: { id } }` and ['where'] -> `{ id }`. */
export function memberOfArgument(argument: ts.Expression | undefined, path: readonly string[]): ts.Expression | undefined {
  let current = argument;
  for (const name of path) {
    let value: ts.Expression | undefined = current && skipOuterExpressions(current);
    if (value && ts.isIdentifier(value)) value = localInitializer(value) ?? value;
    if (!value || !ts.isObjectLiteralExpression(value)) return undefined;
    const property = value.properties.find((candidate) => candidate.name && propertyNameText(candidate.name) === name);
    current = property && ts.isPropertyAssignment(property) ? property.initializer : property && ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
  }
  return current;
}

/** What a call passes for the parameter of `fn` named `name` (`getDiscountOrThrow({ discountId, programId })` -> `programId`). */
export function argumentFor(call: ts.CallExpression, fn: ts.SignatureDeclaration, name: string): ts.Expression | undefined {
  const slot = parameterSlot(fn, name);
  return slot ? memberOfArgument(call.arguments[slot.index], slot.memberPath) : undefined;
}
