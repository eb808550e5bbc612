import type { ScannedSourceFile } from '../../../types.js';
import { nodePosition } from '../../ast/syntax.js';
import { ts } from '#typescript';
import type { HttpMethod, RouteDefinition, RouteMiddleware } from '../../routes/route.js';
import { usesAnyPackage, type AdapterContext, type FrameworkAdapter } from '../adapter.js';
import { optionPinnedRole } from '../../routes/option-pinned-role.js';
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
 * You can't"). When `app/routes.ts` builds the routes with react-router-auto-routes, folders are segments
 * too and `+`-led files and folders are colocated modules (FOLDER_ROUTES_PACKAGES). An app that lists its
 * routes in `app/routes.ts` by hand is not read yet.
 */
export const remixAdapter: FrameworkAdapter = {
  name: 'remix',
  isEnabled: (facts) => usesAnyPackage(facts, ROUTE_MODULE_PACKAGES),
  discoverRoutes(context) {
    const modules: RouteModule[] = [];
    const folderRoutes = foldersNamingRoutes(context.sourceFiles);
    for (const file of context.sourceFiles) {
      if (!file.path.includes('routes/') || !/\b(?:loader|action)\b/.test(file.text)) continue;
      const located = routeModule(file.path, (routesFolder) => folderRoutes.has(routesFolder));
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
            ...unwrapped.wrappers.flatMap((wrapper) => withPinnedRole(describeWrapper(wrapper.call, wrapper.file, context), wrapper, context)),
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

/**
 * A route builder that authenticates, given options that require an administrator (`dashboardLoader({
 * authorization: { requireSuper: true } }, handler)`) and reading them: its role check, beside it.
 */
function withPinnedRole(described: RouteMiddleware, wrapper: { call: ts.CallExpression; file: ScannedSourceFile }, context: AdapterContext): RouteMiddleware[] {
  if (described.kind !== 'auth') return [described];
  const pinned = optionPinnedRole(wrapper.call, wrapper.file, context.modules);
  if (!pinned) return [described];
  const { line } = nodePosition(pinned.node);
  return [described, { name: `${described.name}({ ${pinned.text} })`, file: wrapper.file.path, line, kind: 'role', strength: 'strong', roles: pinned.roles, evidence: `${described.name} is given ${pinned.text} and reads that option before the handler runs`, scope: 'route' }];
}

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

/** Packages whose route config reads nested folders as URL segments, imported by `app/routes.ts`. */
const FOLDER_ROUTES_PACKAGES = ['react-router-auto-routes'];

/** The routes folders (`app/routes`) whose sibling route config (`app/routes.ts`) builds routes from nested folders. */
function foldersNamingRoutes(files: readonly ScannedSourceFile[]): Set<string> {
  const folders = new Set<string>();
  for (const file of files) {
    const config = /^(.*(?:^|\/)app\/routes)\.(?:ts|js|mjs|mts)$/.exec(file.path);
    if (config && FOLDER_ROUTES_PACKAGES.some((name) => file.text.includes(`'${name}'`) || file.text.includes(`"${name}"`))) folders.add(config[1]!);
  }
  return folders;
}

/** The URL path of a route module from its file path, or undefined when the file is no route module. */
export function routeModulePath(filePath: string, foldersAreSegments = false): string | undefined {
  return routeModule(filePath, () => foldersAreSegments)?.path;
}

/**
 * A route module's URL path from its file path, or undefined when the file is no route module:
 * it must sit in an `app/routes` folder (any depth of the repository). Under flat routes it sits there
 * directly or as the `route.*` (or `index.*`) file of a folder, whose other files are modules it imports;
 * under folder routes every folder is a segment and what starts with `+` is colocated code. A `_layout`
 * file (or last segment) is the layout route of what names it, as remix-flat-routes writes it. Files
 * ending `.server.*` or `.client.*` are modules the bundler keeps on one side, never routes.
 */
function routeModule(filePath: string, foldersAreSegments: (routesFolder: string) => boolean): Omit<RouteModule, 'file' | 'handlers'> | undefined {
  const segments = filePath.split('/');
  const routesAt = segments.findIndex((segment, index) => segment === 'routes' && segments[index - 1] === 'app');
  if (routesAt < 0) return undefined;
  const routesFolder = segments.slice(0, routesAt + 1).join('/');
  const below = segments.slice(routesAt + 1);
  const fileName = below.at(-1)!;
  if (!MODULE_FILE.test(fileName) || /\.(?:test|spec|d|server|client)\.[^.]+$/.test(fileName)) return undefined;
  const folders = below.slice(0, -1);
  const folderRoutes = foldersAreSegments(routesFolder);
  const names: string[] = [];
  if (folderRoutes) {
    if (below.some((entry) => entry.startsWith('+'))) return undefined;
    names.push(...folders, fileName.replace(MODULE_FILE, ''));
  } else {
    for (const [index, folder] of folders.entries()) {
      if (folder.endsWith('+')) names.push(folder.slice(0, -1));
      else if (index === folders.length - 1 && /^(?:route|index)\.[^.]+$/.test(fileName)) names.push(folder);
      else return undefined;
    }
    if (folders.length === 0 || folders.at(-1)!.endsWith('+')) names.push(fileName.replace(MODULE_FILE, ''));
  }
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
  return { routesFolder, path: `/${kept.join('/')}` };
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
