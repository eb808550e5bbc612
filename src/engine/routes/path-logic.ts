import { ts } from '#typescript';

/**
 * Three-valued logic over what a request path condition says (true, false, or undefined when the
 * condition cannot be read), shared by the readers of middleware and hooks that let some paths
 * through: Express/Koa app-wide middleware (frameworks/express/middleware-path-skips.ts) and Fastify
 * hooks (frameworks/fastify/hook-path-conditions.ts).
 */
export type PathConditionValue = boolean | undefined;

export const negate = (value: PathConditionValue): PathConditionValue => (value === undefined ? undefined : !value);
export const and = (a: PathConditionValue, b: PathConditionValue): PathConditionValue => (a === false || b === false ? false : a === undefined || b === undefined ? undefined : true);
export const or = (a: PathConditionValue, b: PathConditionValue): PathConditionValue => (a === true || b === true ? true : a === undefined || b === undefined ? undefined : false);

/** Two paths name the same route, trailing slashes aside. */
export function samePath(a: string, b: string): boolean {
  const trim = (text: string) => (text.length > 1 ? text.replace(/\/+$/, '') : text);
  return trim(a) === trim(b);
}

/** `===`, `==`, `!==`, `!=`. */
export function isEquality(kind: ts.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.EqualsEqualsEqualsToken || kind === ts.SyntaxKind.EqualsEqualsToken || kind === ts.SyntaxKind.ExclamationEqualsEqualsToken || kind === ts.SyntaxKind.ExclamationEqualsToken;
}
