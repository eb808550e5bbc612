import type { ScannedSourceFile } from '../../../types.js';
import { nodePosition } from '../../ast/syntax.js';
import type { HttpMethod, RouteDefinition } from '../../routes/route.js';
import { usesAnyPackage, type FrameworkAdapter } from '../adapter.js';
import { describeWrapper } from '../next/index.js';
import { namedExports, unwrapHandler, type ExportedHandler } from '../next/handlers.js';
import { packageRootOf, serverMiddleware, serverMiddlewareFor } from './server.js';

/**
 * Remix and React Router in framework mode: every file of the app's routes folder is a route module,
 * and its `loader` answers the page's GET while its `action` answers what a form or fetcher submits
 * (POST, and PUT/PATCH/DELETE through the same function). Both are called with `{ request, params,
 * context }`. The path comes from the module's file name, flat-routes style: `notes.$noteId.tsx` and
 * `notes.$noteId/route.tsx` serve `/notes/:noteId`; `_index` is its parent's index, a `_`-led segment is a
 * layout without a path, a trailing `_` leaves its parent's layout, `$` alone is the rest of the path,
 * `($lang)` is optional, `[.]` is literal text; remix-flat-routes folders ending in `+` add their name
 * as segments. Signing in is the handler's business there (`await requireUserId(request)`), read like
 * any in-handler check, or the app's own server's (server.ts: react-router-hono-server's `configure(server)
 * { server.use(protect(...)) }`), whose middleware runs before every loader and action. Never a layout's:
 * its loader does not run when a client fetches one child loader's data alone, so it guards nothing below
 * it (Remix's FAQ: "How can I have a parent route loader validate the user and protect all child routes?
 * You can't"). An app that lists its routes in `app/routes.ts` by hand is not read yet.
 */
export const remixAdapter: FrameworkAdapter = {
  name: 'remix',
  isEnabled: (facts) => usesAnyPackage(facts, ROUTE_MODULE_PACKAGES),
  discoverRoutes(context) {
    const modules: RouteModule[] = [];
    for (const file of context.sourceFiles) {
      if (!file.path.includes('routes/') || !/\b(?:loader|action)\b/.test(file.text)) continue;
      const located = routeModule(file.path);
      if (located) modules.push({ ...located, file, handlers: namedExports(file, context.modules, ROUTE_MODULE_HANDLERS) });
    }
    const servers = modules.length > 0 ? serverMiddleware(context) : [];
    const routes: RouteDefinition[] = [];
    for (const module of modules) {
      // The package the routes folder sits in (`apps/web/app/routes`: `apps/web`), whose server serves them.
      const fromServer = servers.length > 0 ? serverMiddlewareFor(servers, packageRootOf(module.routesFolder, context), module.path) : [];
      for (const exported of module.handlers) {
        const unwrapped = unwrapHandler(exported, context.modules);
        const { line, column } = nodePosition(exported.exportNode);
        const method = HANDLER_METHOD[exported.exportName]!;
        const definition: RouteDefinition = {
          framework: 'remix',
          method,
          path: module.path,
          file: module.file.path,
          line,
          column,
          middleware: [
            // The app's own server runs its middleware before every loader and action. A layout's loader
            // guards nothing below it: a client asks for one route's loader alone (`?_data=<route id>`,
            // React Router's `.data?_routes=<route id>`), and Remix's FAQ says each loader must check.
            ...fromServer,
            ...unwrapped.wrappers.map((wrapper) => describeWrapper(wrapper.call, wrapper.file, context)),
          ],
        };
        const handler = unwrapped.handler;
        if (handler) definition.handler = { node: handler.node, name: handler.name, file: handler.file.path, line: nodePosition(handler.node).line };
        routes.push(definition);
      }
    }
    return routes;
  },
};

interface RouteModule {
  /** The folder of the app's routes (`apps/web/app/routes`): the server of the package it sits in serves them. */
  routesFolder: string;
  path: string;
  file: ScannedSourceFile;
  handlers: ExportedHandler[];
}

/** Remix v2 (`@remix-run/*`) and React Router v7's framework mode (`@react-router/*`; `react-router` alone is also a browser library). */
const ROUTE_MODULE_PACKAGES = ['@remix-run/node', '@remix-run/server-runtime', '@remix-run/cloudflare', '@remix-run/deno', '@remix-run/express', '@remix-run/dev', '@react-router/node', '@react-router/dev', '@react-router/serve', '@react-router/fs-routes', '@react-router/cloudflare', '@react-router/express', '@react-router/architect'];
const ROUTE_MODULE_HANDLERS = ['loader', 'action'] as const;
/** `clientLoader`/`clientAction` run in the browser: not entry points of the server. */
const HANDLER_METHOD: Record<string, HttpMethod> = { loader: 'GET', action: 'POST' };
const MODULE_FILE = /\.(?:ts|tsx|js|jsx|mjs)$/;

/** The URL path of a route module from its file path, or undefined when the file is no route module. */
export function routeModulePath(filePath: string): string | undefined {
  return routeModule(filePath)?.path;
}

/**
 * A route module's id and URL path from its file path, or undefined when the file is no route module:
 * it must sit in an `app/routes` folder (any depth of the repository), directly or as the `route.*`
 * file of a folder; other files in a route folder are modules it imports. A `_layout` file (or last
 * segment) is the layout route of what names it, as remix-flat-routes writes it.
 */
function routeModule(filePath: string): { routesFolder: string; id: string; path: string } | undefined {
  const segments = filePath.split('/');
  const routesAt = segments.findIndex((segment, index) => segment === 'routes' && segments[index - 1] === 'app');
  if (routesAt < 0) return undefined;
  const below = segments.slice(routesAt + 1);
  const fileName = below.at(-1)!;
  if (!MODULE_FILE.test(fileName) || /\.(?:test|spec|d)\.[^.]+$/.test(fileName)) return undefined;
  const names: string[] = [];
  const folders = below.slice(0, -1);
  for (const [index, folder] of folders.entries()) {
    if (folder.endsWith('+')) names.push(folder.slice(0, -1));
    else if (index === folders.length - 1 && /^route\.[^.]+$/.test(fileName)) names.push(folder);
    else return undefined;
  }
  if (folders.length === 0 || folders.at(-1)!.endsWith('+')) names.push(fileName.replace(MODULE_FILE, ''));
  const idSegments = splitRouteName(names.join('.'));
  if (idSegments.at(-1) === '_layout') idSegments.pop();
  const kept: string[] = [];
  for (const segment of idSegments) {
    if (segment === '_index' || segment === 'index' || segment === 'route') continue;
    if (segment.startsWith('_')) continue;
    const leaving = segment.endsWith('_') && !segment.endsWith('[_]') ? segment.slice(0, -1) : segment;
    if (leaving === '$') kept.push('*');
    else if (/^\(\$[\w-]+\)$/.test(leaving)) kept.push(`:${leaving.slice(2, -1)}?`);
    else if (leaving.startsWith('$')) kept.push(`:${leaving.slice(1)}`);
    else if (/^\(.+\)$/.test(leaving)) kept.push(`${unescaped(leaving.slice(1, -1))}?`);
    else kept.push(unescaped(leaving));
  }
  return { routesFolder: segments.slice(0, routesAt + 1).join('/'), id: idSegments.join('.'), path: `/${kept.join('/')}` };
}

/** Splits a flat route name on the dots outside `[...]` escapes. */
function splitRouteName(name: string): string[] {
  const segments: string[] = [];
  let current = '';
  let escaped = false;
  for (const character of name) {
    if (character === '[') escaped = true;
    else if (character === ']') escaped = false;
    if (character === '.' && !escaped) {
      segments.push(current);
      current = '';
    } else current += character;
  }
  segments.push(current);
  return segments.filter((segment) => segment.length > 0);
}

function unescaped(segment: string): string {
  return segment.replace(/\[([^\]]*)\]/g, '$1');
}
