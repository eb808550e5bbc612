/**
 * The "respond from res.locals" shape of Express routes: each route's own function does the work,
 * puts its answer in `res.locals` and calls `next()`, and one shared function last in every chain
 * sends whatever `res.locals` holds (`router.get('/:pk', asyncHandler(readOne), respond)`, Directus's
 * controllers; `sendResponse` / `renderLocals` elsewhere). Express's last argument is then a
 * serializer that reads no request input and reaches no data: the route's handler is the function
 * before it, which reads the request and calls the services.
 */
import { ts } from '#typescript';
import { isFunctionLike } from '../../ast/syntax.js';
import { walkDescendants } from '../../ast/file-index.js';

/** The name of a function's parameter at `index` when it is a plain identifier (`res`, `next`). */
function parameterName(fn: ts.SignatureDeclaration, index: number): string | undefined {
  const parameter = fn.parameters[index];
  return parameter && ts.isIdentifier(parameter.name) ? parameter.name.text : undefined;
}

/** `res.locals`, `res.locals.x`, `res.locals['x']` on the parameter named `res`. */
function isLocalsOf(node: ts.Node, res: string): node is ts.PropertyAccessExpression {
  return ts.isPropertyAccessExpression(node) && node.name.text === 'locals' && ts.isIdentifier(node.expression) && node.expression.text === res;
}

/** The expression an assignment's left side reaches `res.locals` through, if it does (`res.locals.payload = ...`, `res.locals['payload'] = ...`). */
function assignsLocals(node: ts.Node, res: string): boolean {
  if (!ts.isBinaryExpression(node) || node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return false;
  let target: ts.Expression = node.left;
  while (ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target)) {
    if (isLocalsOf(target, res)) return true;
    target = target.expression;
  }
  return false;
}

/** Nodes of the function's own body, not of functions written inside it (their `res` may be another). */
function ownNodes(fn: ts.SignatureDeclaration, visit: (node: ts.Node) => boolean | void): void {
  const body = (fn as ts.FunctionLikeDeclaration).body;
  if (!body) return;
  walkDescendants(body, (node) => {
    if (node !== body && isFunctionLike(node)) return false;
    return visit(node);
  });
}

/**
 * The shared responder: `(req, res)` with no `next` that reads `res.locals` and assigns none of it.
 * What it sends is what the route's function left there.
 */
export function respondsFromLocals(fn: ts.SignatureDeclaration): boolean {
  const res = parameterName(fn, 1);
  if (!res || fn.parameters.length > 2) return false;
  let reads = false;
  let writes = false;
  ownNodes(fn, (node) => {
    if (assignsLocals(node, res)) writes = true;
    else if (isLocalsOf(node, res)) reads = true;
  });
  return reads && !writes;
}

/** A route's own function that leaves its answer in `res.locals` and calls `next()` for the responder after it. */
export function answersThroughLocals(fn: ts.SignatureDeclaration): boolean {
  const res = parameterName(fn, 1);
  const next = parameterName(fn, 2);
  if (!res || !next) return false;
  let assigns = false;
  let callsNext = false;
  ownNodes(fn, (node) => {
    if (assignsLocals(node, res)) assigns = true;
    else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === next) callsNext = true;
  });
  return assigns && callsNext;
}
