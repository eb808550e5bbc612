/**
 * The calls the router graph is built from, found in one pass over the files' shared node index:
 * every call that may register a route or middleware (`app.get`, `router.use`, Koa's `prefix`),
 * and every call that passes an app or router along (`mountRoutes(app)`). Shared by Express and
 * Koa, memoized per scan.
 */
import { ts } from '#typescript';
import { fileIndex } from '../../ast/file-index.js';
import type { ScannedSourceFile } from '../../../types.js';
import { skipOuterExpressions } from '../../ast/syntax.js';
import { isThisProperty } from './router-syntax.js';

const REGISTRATION_CALL = /\.\s*(?:get|post|put|patch|delete|del|all|use|route|head|options|search|register|prefix)\s*\(|\]\s*\(/;

/**
 * The method name a registration with a computed method carries (`router[method](url, ...middlewares, handler)`
 * in a loop over route-definition objects): the graph reads the method from each object.
 */
export const COMPUTED_METHOD = '[computed]';

export interface Registration {
  file: ScannedSourceFile;
  call: ts.CallExpression;
  method: string;
}

// `new SchemaRouter(...)`: an instance of a project class named as a router (router-identity.ts decides whether it extends the framework's).
const ROUTER_CREATION = /\b(?:express|Router|Koa|koa|KoaRouter|createApp|createRouter)\b|\bnew\s+[\w$]+Router\b/;
const ROUTER_CREATION_CALL = /\b(?:express|Router|Koa|KoaRouter|createApp|createRouter)\s*\(/;

/** `app` in `app.get(...)`, `router` in `this.router.use(...)`, through chains like `app.route('/x').get`. */
function receiverName(expression: ts.Expression): string | undefined {
  let current = skipOuterExpressions(expression);
  while (ts.isCallExpression(current) && (ts.isPropertyAccessExpression(current.expression) || ts.isElementAccessExpression(current.expression))) current = skipOuterExpressions(current.expression.expression);
  if (ts.isIdentifier(current)) return current.text;
  if (ts.isPropertyAccessExpression(current)) return current.name.text;
  return undefined;
}

/** A call argument that may be an app or router handed on: a name, `this.router`, or a spread rest array (`...args`). */
function mayPassRouter(argument: ts.Expression): boolean {
  return ts.isIdentifier(argument) || isThisProperty(argument) || (ts.isSpreadElement(argument) && ts.isIdentifier(argument.expression));
}

/** `register(...args)`, `f(a, ...rest)`: a spread of a name, as a function hands on its rest parameter. */
const SPREAD_ARGUMENT = /[(,]\s*\.\.\.[\w$]+\s*[,)]/;

// Express and Koa share this graph; one walk of the files serves both in a scan.
const ANY_REGISTRATION = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'use', 'route', 'head', 'options', 'search', 'register', 'prefix']);

const collectedCalls = new WeakMap<readonly ScannedSourceFile[], { registrations: Registration[]; passingCalls: Array<{ file: ScannedSourceFile; call: ts.CallExpression }> }>();

/** Every call that may register a route or pass a router along, in file order; memoized per scan. */
export function collectCalls(sourceFiles: readonly ScannedSourceFile[]) {
  const cached = collectedCalls.get(sourceFiles);
  if (cached) return cached;
  const registrations: Registration[] = [];
  const candidatePassingCalls: Array<{ file: ScannedSourceFile; call: ts.CallExpression }> = [];
  // Names that may hold an app or router: receivers of registrations and variables created by a
  // framework-looking call. A call passes a router along only if it passes one of these names;
  // checking every call with an identifier argument costs more than all the rest of discovery.
  const routerNames = new Set<string>();
  for (const file of sourceFiles) {
    // A file that only creates the app and hands it to a setup function (`const app = express(); ... routes(app, db)`)
    // registers nothing itself, yet its call is what mounts every route.
    if (!REGISTRATION_CALL.test(file.text) && !ROUTER_CREATION_CALL.test(file.text)) continue;
    // The file's shared node index (one walk per file), by kind, each in document order.
    const index = fileIndex(file.sourceFile);
    for (const node of index.ofKind(ts.SyntaxKind.CallExpression) as ts.CallExpression[]) {
      const callee = node.expression;
      if (ts.isPropertyAccessExpression(callee) && ANY_REGISTRATION.has(callee.name.text)) {
        registrations.push({ file, call: node, method: callee.name.text });
        const receiver = receiverName(callee.expression);
        if (receiver) routerNames.add(receiver);
      } else if (ts.isElementAccessExpression(callee) && !ts.isStringLiteralLike(callee.argumentExpression) && (node.arguments.length >= 2 || (node.arguments.length === 1 && ts.isSpreadElement(node.arguments[0]!)))) {
        // `router[method](url, ...middlewares, handler)`, or `router[method](...args)` with the list built in the loop body:
        // a route table's loader. Its receiver is not
        // taken as a router name here (any `map[key](a, b)` looks the same); the graph keeps the
        // call only when the receiver is a known router and the method comes from route objects.
        registrations.push({ file, call: node, method: COMPUTED_METHOD });
      } else if (node.arguments.some(mayPassRouter)) {
        candidatePassingCalls.push({ file, call: node });
      }
    }
    for (const node of index.ofKind(ts.SyntaxKind.VariableDeclaration) as ts.VariableDeclaration[]) {
      if (ts.isIdentifier(node.name) && node.initializer && ROUTER_CREATION.test(node.initializer.getText(file.sourceFile).slice(0, 80))) routerNames.add(node.name.text);
    }
  }
  // Files that only hand a router on (`module.exports = (router) => { users(router); return router; }`)
  // match neither test above: their calls that pass a known router name are passing calls too.
  const passesName = routerNames.size > 0 ? new RegExp(`[(,]\\s*(?:${[...routerNames].map((name) => name.replace(/[$]/g, '\\$&')).join('|')})\\s*[,)]`) : undefined;
  for (const file of sourceFiles) {
    if (!passesName || REGISTRATION_CALL.test(file.text) || ROUTER_CREATION_CALL.test(file.text) || !(passesName.test(file.text) || SPREAD_ARGUMENT.test(file.text))) continue;
    for (const node of fileIndex(file.sourceFile).ofKind(ts.SyntaxKind.CallExpression)) {
      const call = node as ts.CallExpression;
      if (call.arguments.some(mayPassRouter)) candidatePassingCalls.push({ file, call });
    }
  }
  const passingCalls = candidatePassingCalls.filter(({ call }) =>
    call.arguments.some((argument) => {
      // `register(...args)`: the graph decides whether `args` is a rest parameter that received routers.
      if (ts.isSpreadElement(argument)) return true;
      const name = ts.isIdentifier(argument) ? argument.text : isThisProperty(argument) ? (argument as ts.PropertyAccessExpression).name.text : undefined;
      return name !== undefined && routerNames.has(name);
    }),
  );
  const result = { registrations, passingCalls };
  collectedCalls.set(sourceFiles, result);
  return result;
}
