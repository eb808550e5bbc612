import { ts } from '#typescript';
import { exitsEarly, isFunctionLike, skipOuterExpressions } from '../ast/syntax.js';
import { walkDescendants } from '../ast/file-index.js';
import type { ResolvedFunction } from '../names/index.js';
import { mentionsName } from '../text.js';

/**
 * A helper that hands back a tenant the caller belongs to: it reads the tenant's id (from the
 * request: a header, a query parameter), looks up the caller's membership of it, gives up without
 * one, and returns the id.
 *
 *   async function requireWorkspace(request, userId) {
 *     const workspaceId = request.headers.get('x-workspace');
 *     const member = await db.membership.findUnique({ where: { userId_workspaceId: { userId, workspaceId } } });
 *     if (!member) throw new HttpError(403);
 *     return workspaceId;
 *   }
 *
 * What it returns is the client's choice only among the caller's own tenants, so a lookup scoped by it
 * is scoped to the caller, as by the caller's id. `callerParameters` are the names of the helper's
 * parameters that hold the caller (the call passes them the signed-in user's id). Returns the returned
 * name, or undefined when the body does not read so.
 */
export function membershipCheckedReturn(helper: ResolvedFunction, callerParameters: readonly string[]): string | undefined {
  const body = helper.node.body;
  if (!body || !ts.isBlock(body) || callerParameters.length === 0) return undefined;
  const last = body.statements.at(-1);
  const returned = last && ts.isReturnStatement(last) && last.expression ? skipOuterExpressions(last.expression) : undefined;
  if (!returned || !ts.isIdentifier(returned)) return undefined;
  const tenant = returned.text;
  // The membership lookup's result, by name: `const member = await db.membership.findUnique({ where: { userId, workspaceId } })`.
  const memberships = new Set<string>();
  let checked = false;
  // `if (trusted) return workspaceId;` ahead of the check: that way back checks nothing.
  let returnedBefore = false;
  walkDescendants(body, (node) => {
    if (checked || returnedBefore || (node !== body && isFunctionLike(node))) return false;
    if (ts.isReturnStatement(node)) {
      returnedBefore = true;
      return false;
    }
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && looksUpMembership(node.initializer, tenant, callerParameters)) {
      memberships.add(node.name.text);
      return false;
    }
    // `if (!member) throw ...`: nothing is returned without the membership.
    if (ts.isIfStatement(node) && exitsEarly(node.thenStatement)) {
      const condition = skipOuterExpressions(node.expression);
      const tested = ts.isPrefixUnaryExpression(condition) && condition.operator === ts.SyntaxKind.ExclamationToken ? skipOuterExpressions(condition.operand) : undefined;
      if (tested && ts.isIdentifier(tested) && memberships.has(tested.text)) checked = true;
    }
    return undefined;
  });
  return checked ? tenant : undefined;
}

/** A data access whose filter names both the tenant and the caller (`where: { userId, workspaceId }`, composite keys too). */
function looksUpMembership(initializer: ts.Expression, tenant: string, callerParameters: readonly string[]): boolean {
  let value = skipOuterExpressions(initializer);
  if (ts.isAwaitExpression(value)) value = skipOuterExpressions(value.expression);
  if (!ts.isCallExpression(value) || !ts.isPropertyAccessExpression(value.expression)) return false;
  const filter = value.arguments.map((argument) => argument.getText()).join(' ');
  return /\bwhere\b|\{/.test(filter) && mentionsName(filter, tenant) && callerParameters.some((name) => mentionsName(filter, name));
}
