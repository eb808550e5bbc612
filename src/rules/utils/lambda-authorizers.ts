/**
 * API Gateway Lambda authorizers: functions AWS calls with the caller's credentials before a route
 * runs. They are no route (the client never names them), yet their event is the request's bearer
 * token (`authorizationToken`) or its headers, so what they log matters as much as a route's logs.
 */
import { ts } from '#typescript';

/**
 * aws-lambda's authorizer event and handler types (`APIGatewayTokenAuthorizerEvent`,
 * `APIGatewayRequestAuthorizerEventV2`, `APIGatewayRequestSimpleAuthorizerHandlerV2`); the proxy
 * events that carry an authorizer's result (`APIGatewayProxyWithLambdaAuthorizerEvent`) are not.
 */
const AUTHORIZER_TYPE = /\bAPIGateway(?:Token|Request)?(?:Simple|IAM)?Authorizer\w*\b/;

/** Fields only an authorizer's event has: the token, the ARN of the method or route being authorized. */
const AUTHORIZER_EVENT_FIELDS = new Set(['authorizationToken', 'methodArn', 'routeArn']);

/**
 * Whether `fn` is a Lambda authorizer whose event is `parameter`: by its declared type (the
 * parameter's, or the handler variable's), or by reading a field only authorizer events carry.
 */
export function isLambdaAuthorizer(fn: ts.SignatureDeclaration, parameter: ts.ParameterDeclaration): boolean {
  if (fn.parameters[0] !== parameter || !ts.isIdentifier(parameter.name)) return false;
  const sourceFile = fn.getSourceFile();
  if (parameter.type && AUTHORIZER_TYPE.test(parameter.type.getText(sourceFile))) return true;
  const holder = fn.parent;
  if (holder && ts.isVariableDeclaration(holder) && holder.type && AUTHORIZER_TYPE.test(holder.type.getText(sourceFile))) return true;
  const body = (fn as ts.FunctionLikeDeclaration).body;
  if (!body) return false;
  const name = parameter.name.text;
  let reads = false;
  const visit = (node: ts.Node): void => {
    if (reads) return;
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === name && AUTHORIZER_EVENT_FIELDS.has(node.name.text)) reads = true;
    else ts.forEachChild(node, visit);
  };
  visit(body);
  return reads;
}
