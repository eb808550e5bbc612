import { ts } from '#typescript';
import { localDeclaration } from '../names/index.js';
import { skipOuterExpressions } from './syntax.js';

/** Literal pieces that read like SQL, for sinks known only by a handle's name. */
export function looksLikeSql(literals: readonly string[]): boolean {
  return /\b(?:select|insert\s+into|update|delete\s+from|from|where|values|order\s+by|group\s+by|join|create\s+table|drop|alter|pragma|limit|set)\b/i.test(literals.join(' '));
}

/**
 * The literal text pieces of a query argument, in order: string literals, template heads and
 * tails, `+` concatenations, through local consts. Interpolated values are left out, so joining
 * the pieces with a marker shows where values went.
 */
export function sqlLiterals(text: ts.Expression): string[] {
  const literals: string[] = [];
  const visit = (expression: ts.Expression, depth: number): void => {
    const value = skipOuterExpressions(expression);
    if (depth > 8) return;
    if (ts.isStringLiteralLike(value)) literals.push(value.text);
    else if (ts.isTemplateExpression(value)) {
      literals.push(value.head.text);
      for (const span of value.templateSpans) literals.push(span.literal.text);
    } else if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      visit(value.left, depth + 1);
      visit(value.right, depth + 1);
    } else if (ts.isIdentifier(value)) {
      const initializer = localDeclaration(value)?.initializer;
      if (initializer) visit(initializer, depth + 1);
    }
  };
  visit(text, 0);
  return literals;
}
