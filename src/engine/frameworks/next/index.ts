import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { nodePosition, skipOuterExpressions } from '../../ast/syntax.js';
import { type ModuleIndex } from '../../names/index.js';
import { middlewareName } from '../../routes/classify-middleware.js';
import type { HttpMethod, RouteDefinition, RouteMiddleware } from '../../routes/route.js';
import { usesAnyPackage, type AdapterContext, type FrameworkAdapter } from '../adapter.js';
import { NextPackageFinder, type FileRoute } from './file-routes.js';
import { appRouterExports, methodMapHandlers, methodsFromBranches, packageMadeHandler, pagesDefaultExport, unwrapHandler, type ExportedHandler, type UnwrappedHandler } from './handlers.js';
import { isMiddlewareFileOf, isNextAuthBinding, readNextMiddleware, type NextMiddleware } from './middleware-file.js';
import { clientReferences, serverActionRoutes } from './server-actions.js';

/**
 * Next.js routes come from the file system: App Router `app/**\/route.ts` exports named after
 * HTTP methods, Pages Router `pages/api/**` default exports. `middleware.ts` guards the paths its
 * `config.matcher` covers; wrappers around a handler (`withApiAuthRequired(handler)`) guard one route.
 */
/** A page path no matcher names on purpose: middleware that covers it (and `/`) covers every page. */
const ANY_PAGE = '/trustscan-any-page/a/b';

export const nextAdapter: FrameworkAdapter = {
  name: 'next',
  isEnabled: (facts) => usesAnyPackage(facts, ['next']),
  discoverRoutes(context) {
    const finder = new NextPackageFinder(context.packageJsons);
    const middlewareByPackage = new Map<string, NextMiddleware[]>();
    const middlewareOf = (packageRoot: string): NextMiddleware[] => {
      let found = middlewareByPackage.get(packageRoot);
      if (!found) {
        found = context.sourceFiles
          .filter((file) => isMiddlewareFileOf(file, packageRoot))
          .map((file) => readNextMiddleware(file, context))
          .filter((middleware): middleware is NextMiddleware => middleware !== undefined);
        middlewareByPackage.set(packageRoot, found);
      }
      return found;
    };
    const routes: RouteDefinition[] = [];
    const referencedActions = clientReferences(context.sourceFiles, context.modules);
    for (const file of context.sourceFiles) {
      // An action is posted to whichever page holds it: only middleware that covers every page applies.
      const everyPage = () => middlewareOf(finder.packageRootOf(file.path)).filter((entry) => entry.covers('/') && entry.covers(ANY_PAGE)).map((entry) => entry.middleware);
      routes.push(...serverActionRoutes(file, referencedActions, everyPage, context));
      // Cheap gate before any path work: the two folder names the router reads.
      if (!file.path.includes('app/') && !file.path.includes('pages/api/')) continue;
      const fileRoute = finder.fileRoute(file);
      if (!fileRoute) continue;
      const global = (path: string) => middlewareOf(fileRoute.packageRoot).filter((entry) => entry.covers(path)).map((entry) => entry.middleware);
      if (fileRoute.router === 'app') routes.push(...appRouterRoutes(file, fileRoute, global(fileRoute.path), context));
      else routes.push(...pagesRouterRoutes(file, fileRoute, global(fileRoute.path), context));
    }
    return routes;
  },
};

function appRouterRoutes(file: ScannedSourceFile, fileRoute: FileRoute, global: RouteMiddleware[], context: AdapterContext): RouteDefinition[] {
  if (!/\b(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/.test(file.text)) return [];
  return appRouterExports(file, context.modules).map((exported) =>
    routeDefinition(exported.exportName as HttpMethod, fileRoute.path, file, exported, unwrapHandler(exported, context.modules), global, context),
  );
}

function pagesRouterRoutes(file: ScannedSourceFile, fileRoute: FileRoute, global: RouteMiddleware[], context: AdapterContext): RouteDefinition[] {
  if (!file.text.includes('export')) return [];
  const exported = pagesDefaultExport(file, context.modules);
  if (!exported) return [];
  // `export default withMiddlewares({ GET: ..., POST: ... })`: one route per method, each with its own wrappers.
  const byMethod = methodMapHandlers(exported, context.modules);
  if (byMethod) return byMethod.map(({ method, unwrapped }) => routeDefinition(method, fileRoute.path, file, exported, unwrapped, global, context));
  const unwrapped = unwrapHandler(exported, context.modules);
  const methods = unwrapped.handler ? methodsFromBranches(unwrapped.handler) : [];
  return (methods.length > 0 ? methods : (['ALL'] as HttpMethod[])).map((method) =>
    routeDefinition(method, fileRoute.path, file, exported, unwrapped, global, context),
  );
}

function routeDefinition(
  method: HttpMethod,
  path: string,
  file: ScannedSourceFile,
  exported: ExportedHandler,
  unwrapped: UnwrappedHandler,
  global: RouteMiddleware[],
  context: AdapterContext,
): RouteDefinition {
  const { line, column } = nodePosition(exported.exportNode);
  const definition: RouteDefinition = {
    framework: 'next',
    method,
    path,
    file: file.path,
    line,
    column,
    middleware: [
      ...global,
      ...unwrapped.wrappers.map((wrapper) => describeWrapper(wrapper.call, wrapper.file, context)),
      // The route factory also validates what its schemas declare.
      ...(unwrapped.schemas ?? []).map((schema): RouteMiddleware => ({ name: `${schema.factory}({ ${schema.key} })`, file: schema.file.path, line: nodePosition(schema.node).line, kind: 'validation', strength: 'strong', evidence: `${schema.key} given to ${schema.factory}, which validates that input`, scope: 'route' })),
    ],
  };
  // The caller's kind pinned in the request schema the factory validates: a role check, when the factory authenticates.
  const pinned = unwrapped.pinnedCaller;
  if (pinned && definition.middleware.some((entry) => entry.kind === 'auth')) {
    definition.middleware.push({ name: `${pinned.factory}({ ${pinned.text.split(':')[0]} })`, file: pinned.file.path, line: nodePosition(pinned.node).line, kind: 'role', strength: 'strong', roles: pinned.roles, evidence: `${pinned.factory} validates the request against its schema before the handler runs, and the schema admits only ${pinned.roles.join(' or ')} callers (${pinned.text})`, scope: 'route' });
  }
  const handler = unwrapped.handler;
  if (handler) definition.handler = { node: handler.node, name: handler.name, file: handler.file.path, line: nodePosition(handler.node).line };
  // A project factory handing back a package's handler (a queue consumer): its checks are in code the scan cannot read.
  const madeByPackage = handler ? undefined : packageMadeHandler(exported, context.modules);
  if (madeByPackage) definition.unresolvedMiddleware = [madeByPackage];
  return definition;
}

/**
 * A wrapper around a handler, classified like any middleware (Vercel and Netlify functions are
 * wrapped the same way). NextAuth v5's `auth(handler)` only
 * attaches `req.auth`; the handler decides, so it is not a guard on its own.
 */
export function describeWrapper(call: ts.CallExpression, file: ScannedSourceFile, context: AdapterContext): RouteMiddleware {
  const name = middlewareName(call.expression);
  if (isNextAuthAuth(call.expression, file, context.modules)) {
    const { line } = nodePosition(call);
    return { name, file: file.path, line, kind: 'other', strength: 'strong', evidence: 'next-auth auth() wrapper attaches req.auth; the handler must reject', scope: 'route' };
  }
  const described = context.middleware.describe(call, file, 'route', name);
  const callee = skipOuterExpressions(call.expression);
  const binding = ts.isIdentifier(callee) ? context.modules.resolveName(file, callee.text) : undefined;
  if (binding?.kind === 'external' && described.kind === 'other' && !described.evidence.startsWith(binding.module)) {
    // The classifier fell through to the wrapped handler's body; the wrapper itself is a package we do not know.
    return { ...described, strength: 'name-only', evidence: `${name} from ${binding.module}: could not see what it checks`, opaque: true };
  }
  return described;
}

function isNextAuthAuth(callee: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex): boolean {
  if (!ts.isIdentifier(callee)) return false;
  return isNextAuthBinding(modules.resolveName(file, callee.text), file, modules);
}
