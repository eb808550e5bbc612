import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { isFunctionLike, propertyNameText, skipOuterExpressions } from '../../ast/syntax.js';
import { walkDescendants } from '../../ast/file-index.js';
import { bindingValue, resolveFunction } from '../../names/index.js';
import type { RouteMiddleware } from '../../routes/route.js';
import type { AdapterContext } from '../adapter.js';
import { staticString } from '../fastify/static-values.js';
import { honoPatternMatches } from '../hono/path-pattern.js';
import { REMIX_SERVER_FACTORIES } from '../../../models/remix-servers.js';

/** One middleware the app's server runs before the route modules' loaders and actions. */
export interface ServerMiddleware {
  /** The folder of the package whose server it is ('' for the scan root). */
  packageRoot: string;
  /** The path pattern it was registered for (`*`, `/api/mobile/*`), as Hono reads it. */
  pattern: string;
  middleware: RouteMiddleware;
}

/**
 * A Remix / React Router app that brings its own server runs the server's middleware before every
 * loader and action of its route modules: react-router-hono-server's `createHonoServer({ beforeAll(app),
 * configure(server) })` hands each callback the Hono app whose `use` middleware run, in the order
 * registered, ahead of the request handler that calls the loader or action. The package and its
 * callbacks are data (models/remix-servers.ts). What is read: `app.use(mw)` and `app.use('/api/*', mw)`
 * in the callback's own statements; the route modules it serves are those of the same package.
 */
export function serverMiddleware(context: AdapterContext): ServerMiddleware[] {
  const found: ServerMiddleware[] = [];
  for (const file of context.sourceFiles) {
    if (!REMIX_SERVER_FACTORIES.some((factory) => file.text.includes(factory.module))) continue;
    walkDescendants(file.sourceFile, (node) => {
      if (!ts.isCallExpression(node)) return undefined;
      const factory = serverFactoryOf(node, file, context);
      if (!factory) return undefined;
      const options = optionsObject(node.arguments[0], file, context);
      if (!options) return false;
      for (const callback of factory.appCallbacks) {
        const fn = callbackFunction(options, callback, file, context);
        if (fn) found.push(...appUses(fn.node, fn.file, packageRootOf(fn.file.path, context), context));
      }
      return false;
    });
  }
  return found;
}

/** The middleware of a package's server that run for a route path, in order, app-wide. */
export function serverMiddlewareFor(all: readonly ServerMiddleware[], packageRoot: string, path: string): RouteMiddleware[] {
  return all.filter((entry) => entry.packageRoot === packageRoot && honoPatternMatches(entry.pattern, path)).map((entry) => entry.middleware);
}

/** The folder of the nearest package.json above a file ('' for the scan root). */
export function packageRootOf(filePath: string, context: AdapterContext): string {
  const segments = filePath.split('/').slice(0, -1);
  for (let end = segments.length; end > 0; end -= 1) {
    const root = segments.slice(0, end).join('/');
    if (context.packageJsons.has(root)) return root;
  }
  return '';
}

function serverFactoryOf(call: ts.CallExpression, file: ScannedSourceFile, context: AdapterContext): (typeof REMIX_SERVER_FACTORIES)[number] | undefined {
  const callee = skipOuterExpressions(call.expression);
  if (!ts.isIdentifier(callee)) return undefined;
  const binding = context.modules.resolveName(file, callee.text);
  if (binding?.kind !== 'external') return undefined;
  return REMIX_SERVER_FACTORIES.find((factory) => (binding.module === factory.module || binding.module.startsWith(`${factory.module}/`)) && binding.importedName === factory.factory);
}

function optionsObject(argument: ts.Expression | undefined, file: ScannedSourceFile, context: AdapterContext): ts.ObjectLiteralExpression | undefined {
  const value = argument && skipOuterExpressions(argument);
  if (!value) return undefined;
  if (ts.isObjectLiteralExpression(value)) return value;
  if (!ts.isIdentifier(value)) return undefined;
  const target = bindingValue(context.modules.resolveName(file, value.text));
  const initializer = target && ts.isExpression(target) ? skipOuterExpressions(target) : undefined;
  return initializer && ts.isObjectLiteralExpression(initializer) ? initializer : undefined;
}

/** `configure(server) {...}`, `configure: (server) => {...}`, `configure: configureServer`. */
function callbackFunction(options: ts.ObjectLiteralExpression, name: string, file: ScannedSourceFile, context: AdapterContext): { node: ts.SignatureDeclaration & { body?: ts.ConciseBody }; file: ScannedSourceFile } | undefined {
  for (const property of options.properties) {
    if (!property.name || propertyNameText(property.name) !== name) continue;
    if (ts.isMethodDeclaration(property)) return { node: property, file };
    if (ts.isPropertyAssignment(property)) {
      const value = skipOuterExpressions(property.initializer);
      if (isFunctionLike(value)) return { node: value as ts.ArrowFunction, file };
      const fn = resolveFunction(context.modules, file, value);
      if (fn) return { node: fn.node, file: fn.file };
    }
  }
  return undefined;
}

/** The `app.use(...)` calls in a callback's body, its first parameter being the app, in order. */
function appUses(fn: ts.SignatureDeclaration & { body?: ts.ConciseBody }, file: ScannedSourceFile, packageRoot: string, context: AdapterContext): ServerMiddleware[] {
  const app = fn.parameters[0]?.name;
  if (!fn.body || !app || !ts.isIdentifier(app)) return [];
  const found: ServerMiddleware[] = [];
  walkDescendants(fn.body, (node) => {
    // Middleware registered inside another function (a route's own handler) is not the app's.
    if (node !== fn.body && isFunctionLike(node)) return false;
    if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression) || node.expression.name.text !== 'use') return undefined;
    const receiver = skipOuterExpressions(node.expression.expression);
    if (!ts.isIdentifier(receiver) || receiver.text !== app.text) return undefined;
    const [first, ...rest] = node.arguments;
    if (!first) return false;
    const pattern = staticString(context.modules, file, first);
    const handlers = pattern === undefined ? node.arguments : rest;
    for (const handler of handlers) found.push({ packageRoot, pattern: pattern ?? '*', middleware: context.middleware.describe(handler, file, 'global') });
    return false;
  });
  return found;
}
