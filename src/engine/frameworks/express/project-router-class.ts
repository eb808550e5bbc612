/**
 * A project's own router class: `class Router { get(path, handler) { this.routes_.GET[path] = { handler } } }`,
 * whose instances (`const router = new Router(...)`) the project's route files register handlers on
 * (`router.get('api/shares/:id', async (path, ctx) => ...)`) and a dispatcher of the project's looks
 * them up per request. The registrations are routes like a framework router's; who may call them is
 * decided by that dispatcher, which the scan does not follow.
 */
import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { nodePosition, propertyNameText } from '../../ast/syntax.js';

/** Where the class is declared, for the evidence of the routes registered on its instances. */
export interface ProjectRouterClass {
  name: string;
  file: string;
  line: number;
}

const recognized = new WeakMap<ts.ClassLikeDeclaration, ProjectRouterClass | null>();

/**
 * The class, when it is a router: at least one method named as a registration method (`get`,
 * `post`, `del`...) takes a path and a handler and stores the handler in the instance's state
 * (assigned under `this.`, or handed to a method of something under `this.`). A cache's or a
 * client's `get(key)` / `post(url, body)` stores no function it was given.
 */
export function projectRouterClass(classNode: ts.ClassLikeDeclaration, file: ScannedSourceFile, routeMethods: ReadonlyMap<string, unknown>): ProjectRouterClass | undefined {
  const known = recognized.get(classNode);
  if (known !== undefined) return known ?? undefined;
  let found: ProjectRouterClass | null = null;
  for (const member of classNode.members) {
    if (!ts.isMethodDeclaration(member) || !member.body || !member.name) continue;
    const name = propertyNameText(member.name);
    if (!name || !routeMethods.has(name) || member.parameters.length < 2) continue;
    const [pathParameter, handlerParameter] = member.parameters;
    if (!ts.isIdentifier(pathParameter!.name) || !ts.isIdentifier(handlerParameter!.name)) continue;
    if (!isHandlerParameter(handlerParameter!) || !storesInInstance(member.body, handlerParameter!.name.text)) continue;
    found = { name: classNode.name?.text ?? '<class>', file: file.path, line: nodePosition(classNode).line };
    break;
  }
  recognized.set(classNode, found);
  return found ?? undefined;
}

const HANDLER_NAME = /^(?:handler|handle|callback|cb|fn|func|action|middleware|controller|endpoint|route)s?$|Handler$|Callback$|Middleware$/i;
const HANDLER_TYPE = /Handler$|Callback$|Middleware$|^Function$|Controller$|Action$/;

/**
 * A parameter that takes a function: typed as one (`(ctx) => Promise<void>`, `RouteHandler`) or,
 * untyped, named as one. A key-value store's `put(key, value)` stores a value, not a handler.
 */
function isHandlerParameter(parameter: ts.ParameterDeclaration): boolean {
  const type = parameter.type;
  if (!type) return HANDLER_NAME.test((parameter.name as ts.Identifier).text);
  if (ts.isFunctionTypeNode(type)) return true;
  if (!ts.isTypeReferenceNode(type)) return false;
  return HANDLER_TYPE.test(ts.isIdentifier(type.typeName) ? type.typeName.text : type.typeName.right.text);
}

/** Whether the body puts the named parameter into the instance: `this.x[...] = { handler }`, `this.routes.push(handler)`. */
function storesInInstance(body: ts.Block, parameter: string): boolean {
  let stores = false;
  const mentions = (node: ts.Node): boolean => {
    if (ts.isIdentifier(node) && node.text === parameter) return true;
    if (ts.isShorthandPropertyAssignment(node) && node.name.text === parameter) return true;
    return ts.forEachChild(node, mentions) ?? false;
  };
  const visit = (node: ts.Node): void => {
    if (stores || ts.isFunctionLike(node)) return;
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && rootedAtThis(node.left) && mentions(node.right)) stores = true;
    else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && rootedAtThis(node.expression.expression) && node.arguments.some(mentions)) stores = true;
    else ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  return stores;
}

function rootedAtThis(expression: ts.Expression): boolean {
  let current: ts.Expression = expression;
  while (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current) || ts.isNonNullExpression(current) || ts.isParenthesizedExpression(current)) current = current.expression;
  return current.kind === ts.SyntaxKind.ThisKeyword;
}
