import { ts } from '#typescript';
import { propertyNameText } from '../ast/syntax.js';

/** Caller kinds a request schema may pin that only privileged callers have: an administrator, a server's secret key, the project owner. */
const PRIVILEGED_CALLER_VALUE = /^(?:admin|administrator|superuser|super_?admin|server|service|owner|internal|staff)$/i;
/** A schema of those kinds by name: `adminAuthTypeSchema`, `serverOrHigherAuthTypeSchema` (the kinds are its first word). */
const PRIVILEGED_CALLER_SCHEMA = /^(admin|server|superuser)\w*Schema$/i;
/** The members of the request's auth part that say who calls. */
const CALLER_KIND_MEMBER = /^(?:type|role|roles|access_?type|accessType|level|kind)$/;
/** The part of a request schema that describes the caller. */
const CALLER_PART = /^(?:auth|session|caller|principal|user)$/;

/** A route declaration's requirement on who calls, as written, and the kinds of caller it admits. */
export interface PinnedCaller {
  node: ts.Node;
  text: string;
  roles: string[];
}

/**
 * `createSmartRouteHandler({ request: yupObject({ auth: yupObject({ type: yupString().oneOf(["admin"]) }) }), handler })`
 * (Stack Auth), or the same with zod (`z.literal('admin')`, `z.enum(['admin'])`) or a named schema
 * (`type: adminAuthTypeSchema`): a route factory's options pin the caller's kind in the request schema the
 * factory validates, the caller part included, before the handler runs. A caller of another kind is refused
 * as a request that does not fit: a role check, written as a schema. Read only outside the handler itself.
 */
export function schemaPinnedCaller(options: ts.ObjectLiteralExpression, handler: ts.Node | undefined): PinnedCaller | undefined {
  let pinned: PinnedCaller | undefined;
  const visit = (node: ts.Node): void => {
    if (pinned || node === handler) return;
    if (ts.isPropertyAssignment(node) && CALLER_PART.test(propertyNameText(node.name) ?? '')) {
      const part = propertyNameText(node.name)!;
      const visitPart = (inner: ts.Node): void => {
        if (pinned) return;
        const roles = ts.isPropertyAssignment(inner) && CALLER_KIND_MEMBER.test(propertyNameText(inner.name) ?? '') ? privilegedKinds(inner.initializer) : undefined;
        if (roles) {
          pinned = { node: inner, text: `${part}.${inner.getText().replace(/\s+/g, ' ').slice(0, 80)}`, roles };
          return;
        }
        ts.forEachChild(inner, visitPart);
      };
      visitPart(node.initializer);
      return;
    }
    ts.forEachChild(node, visit);
  };
  for (const property of options.properties) visit(property);
  return pinned;
}

/** `yupString().oneOf(["admin"])`, `z.literal('admin')`, `z.enum(['admin', 'server'])`, `adminAuthTypeSchema.defined()`: the kinds allowed, when all are privileged. */
function privilegedKinds(value: ts.Expression): string[] | undefined {
  let root: ts.Expression = value;
  // `adminAuthTypeSchema.defined()`: the schema by name, under the modifiers chained on it.
  while (ts.isCallExpression(root) && ts.isPropertyAccessExpression(root.expression)) root = root.expression.expression;
  const named = ts.isIdentifier(root) ? PRIVILEGED_CALLER_SCHEMA.exec(root.text) : null;
  if (named) return [named[1]!.toLowerCase()];
  let allowed: string[] | undefined;
  const visit = (node: ts.Node): void => {
    if (allowed) return;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && /^(?:oneOf|literal|enum|equals|valid)$/.test(node.expression.name.text) && node.arguments[0]) {
      const argument = node.arguments[0];
      const elements = ts.isArrayLiteralExpression(argument) ? [...argument.elements] : [...node.arguments];
      if (elements.every((element) => ts.isStringLiteralLike(element))) allowed = elements.map((element) => (element as ts.StringLiteralLike).text);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(value);
  return allowed !== undefined && allowed.length > 0 && allowed.every((kind) => PRIVILEGED_CALLER_VALUE.test(kind)) ? allowed : undefined;
}
