import { ts } from '#typescript';
import { propertyValue, skipOuterExpressions } from '../../ast/syntax.js';

/**
 * The GraphQL type a code-first decorator names (Nest `@Resolver(() => User)`, type-graphql
 * `@Resolver(of => Recipe)`, `@Query(() => [Order])`): from a type function, a class, a list or a string.
 */
export function graphqlTypeName(argument: ts.Expression | undefined): string | undefined {
  if (!argument) return undefined;
  let value = skipOuterExpressions(argument);
  if (ts.isArrowFunction(value) && !ts.isBlock(value.body)) value = skipOuterExpressions(value.body);
  if (ts.isArrayLiteralExpression(value) && value.elements[0]) value = skipOuterExpressions(value.elements[0]);
  if (ts.isIdentifier(value)) return value.text;
  if (ts.isStringLiteralLike(value)) return value.text;
  return undefined;
}

/** `@Query(() => Order, { name: 'order' })`: the `name` option of a code-first operation decorator. */
export function nameOption(call: { readonly arguments: readonly ts.Expression[] } | undefined): string | undefined {
  for (const argument of call?.arguments ?? []) {
    const value = skipOuterExpressions(argument);
    if (!ts.isObjectLiteralExpression(value)) continue;
    const name = propertyValue(value, 'name');
    if (name && ts.isStringLiteralLike(name)) return name.text;
  }
  return undefined;
}
