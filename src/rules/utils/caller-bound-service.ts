import { ts } from '#typescript';
import type { RuleContext } from '../../engine/rule-api.js';
import type { Route } from '../../engine/routes/route.js';
import { skipOuterExpressions } from '../../engine/ast/syntax.js';
import { localDeclaration } from '../../engine/names/index.js';
import type { ScannedSourceFile } from '../../types.js';

/**
 * `const service = new ItemsService(collection, { accountability: req.accountability, schema }); await service.createOne(body)`:
 * a call on an object the handler built, for this request, with the caller's identity. A service
 * written this way (Directus's ItemsService, UsersService and FilesService, a per-request repository
 * handed the session) exists to decide what that caller may do: it checks the identity it was built
 * with on every call, an anonymous caller's too (Directus's public role). The identity must be the
 * route's caller as the dataflow knows it (what the authentication middleware sets, optional or
 * not), not any value named `user`.
 *
 * Only an identity given when the object is built counts: one passed to a single call (Payload's
 * `payload.create({ user: req.user })`) is often ignored unless another option asks for the check.
 * Returns how, e.g. `ItemsService built with req.accountability`, else undefined.
 */
export function callerBoundReceiver(ctx: RuleContext, route: Route, site: ts.CallExpression, file: ScannedSourceFile): string | undefined {
  const callee = skipOuterExpressions(site.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  let receiver = skipOuterExpressions(callee.expression);
  if (ts.isIdentifier(receiver)) {
    const declaration = localDeclaration(receiver);
    // Only a `const`: a `let` may be rebound to an object built without the caller.
    if (!declaration?.initializer || !ts.isVariableDeclarationList(declaration.parent) || !(declaration.parent.flags & ts.NodeFlags.Const)) return undefined;
    receiver = skipOuterExpressions(declaration.initializer);
  }
  if (!ts.isNewExpression(receiver)) return undefined;
  const className = skipOuterExpressions(receiver.expression).getText(file.sourceFile);
  for (const argument of receiver.arguments ?? []) {
    for (const value of argumentValues(argument)) {
      if (ctx.dataflow.originOutOfContext(value, file, route).kind === 'principal') return `${className} built with ${value.getText(file.sourceFile)}`;
    }
  }
  return undefined;
}

/** An argument and, for an options object, the values of its fields (`{ accountability: req.accountability }`, `{ user }`). */
function argumentValues(argument: ts.Expression): ts.Expression[] {
  const value = skipOuterExpressions(argument);
  if (!ts.isObjectLiteralExpression(value)) return [value];
  return value.properties.flatMap((property) => (ts.isPropertyAssignment(property) ? [property.initializer] : ts.isShorthandPropertyAssignment(property) ? [property.name] : []));
}
