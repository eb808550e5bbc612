import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import type { ResolvedFunction } from '../../names/index.js';
import type { HttpMethod, RouteDefinition } from '../../routes/route.js';
import type { AdapterContext, FrameworkAdapter } from '../adapter.js';
import { pagesRouterPath } from '../next/file-routes.js';
import { appRouterExports, methodsFromBranches } from '../next/handlers.js';
import { dependsOn, exportedHandler, folderOf, functionHandler, functionRoute } from './function-exports.js';

/** Packages that say a folder's `api/` files are Vercel functions (the Node runtime's request and response types). */
const VERCEL_PACKAGES = ['@vercel/node'];
/** The languages Vercel's Node.js runtime builds from `api/` (TypeScript and JavaScript modules). */
const FUNCTION_FILE = /\.(?:ts|js|mjs|cjs)$/;

// A default export is a request handler when its parameters are a request (`_` when unused) and a response: a
// module under `api/` that exports a helper (`export default function query(sql)`) answers no request.
const REQUEST_TYPE = /^(?:VercelRequest|NowRequest|Request|IncomingMessage|NextApiRequest|NextRequest)$/;
const RESPONSE_TYPE = /^(?:VercelResponse|NowResponse|ServerResponse|Response|NextApiResponse|RequestContext|Context)$/;
const REQUEST_NAME = /^(?:_\w*|req|request)$/i;
const RESPONSE_NAME = /^_*(?:res|response|resp|ctx|context)$/i;

/**
 * Vercel Functions outside a Next.js app: every `.ts`/`.js` module under the `api/` folder that sits
 * next to a package.json or vercel.json is a function at `/api/<path>` (`index` names its folder,
 * `[id]` is a path segment, `_`-prefixed files and folders are not served). The module's default
 * export handles every method (`(req: VercelRequest, res: VercelResponse)` or a Web `(request) =>
 * Response`), unless it branches on `req.method`; Web-style named exports (`export function GET`)
 * handle one method each. A Next.js app's `pages/api` and App Router belong to the Next adapter, and
 * Vercel ignores the `api/` folder of a Next.js project.
 *
 * Only folders that say they deploy to Vercel count (a `@vercel/node` dependency, a vercel.json, or
 * a module importing `@vercel/node`): an `api/` folder is a common name for plain source code.
 */
export const vercelAdapter: FrameworkAdapter = {
  name: 'vercel',
  // vercel.json is a file, not a dependency: the gate is per folder in discoverRoutes.
  isEnabled: () => true,
  discoverRoutes(context) {
    const vercelJsonFolders = new Set(context.textFiles.filter((file) => file.kind === 'json' && /(?:^|\/)vercel\.json$/.test(file.path)).map((file) => folderOf(file.path)));
    const routes: RouteDefinition[] = [];
    for (const file of context.sourceFiles) {
      // Cheap gate first: the folder name Vercel routes.
      if (file.outsideScan || !file.path.includes('api/') || !FUNCTION_FILE.test(file.path)) continue;
      const located = functionPath(file.path, (folder) => context.packageJsons.has(folder) || vercelJsonFolders.has(folder));
      if (!located) continue;
      const pkg = context.packageJsons.get(located.root);
      if (dependsOn(pkg, ['next'])) continue;
      if (!vercelJsonFolders.has(located.root) && !dependsOn(pkg, VERCEL_PACKAGES) && !importsVercel(file)) continue;
      routes.push(...fileRoutes(file, located.path, context));
    }
    return routes;
  },
};

/**
 * `api/orders/[id].ts` under the folder `root` -> `/api/orders/[id]`: the first `api` folder that
 * sits in a package (or vercel.json) folder, read with the Pages API path rules Vercel shares.
 */
function functionPath(filePath: string, isPackageFolder: (folder: string) => boolean): { root: string; path: string } | undefined {
  const segments = filePath.split('/');
  for (let index = 0; index < segments.length - 1; index += 1) {
    if (segments[index] !== 'api') continue;
    const root = segments.slice(0, index).join('/');
    if (!isPackageFolder(root)) continue;
    const path = pagesRouterPath(segments.slice(index));
    return path === undefined ? undefined : { root, path };
  }
  return undefined;
}

function importsVercel(file: ScannedSourceFile): boolean {
  return file.text.includes('@vercel/node') && /['"]@vercel\/node['"]/.test(file.text);
}

function fileRoutes(file: ScannedSourceFile, path: string, context: AdapterContext): RouteDefinition[] {
  // Web handlers: `export function GET(request: Request)`, one method each.
  const named = /\b(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/.test(file.text) ? appRouterExports(file, context.modules) : [];
  const routes: RouteDefinition[] = [];
  for (const exported of named) {
    const entry = functionHandler(exported, context);
    if (entry) routes.push(functionRoute('vercel', exported.exportName as HttpMethod, path, entry));
  }
  if (named.length > 0) return routes;
  const exported = exportedHandler(file, 'default', context.modules);
  const entry = exported && functionHandler(exported, context);
  // A wrapper adapts the signature (`withAuth((req, res, user) => ...)`): only a bare export is judged by its own.
  if (!entry || (entry.middleware.length === 0 && !handlerShaped(entry.handler))) return [];
  const methods = methodsFromBranches(entry.handler);
  return (methods.length > 0 ? methods : (['ALL'] as HttpMethod[])).map((method) => functionRoute('vercel', method, path, entry));
}

/** `(req: VercelRequest, res: VercelResponse)`, `(req, res)`, `(request: Request)`, `()`: a request handler's parameters. */
function handlerShaped(handler: ResolvedFunction): boolean {
  const [request, response, ...rest] = handler.node.parameters;
  if (rest.length > 0) return false;
  if (request && !parameterIs(request, REQUEST_TYPE, REQUEST_NAME)) return false;
  return !response || parameterIs(response, RESPONSE_TYPE, RESPONSE_NAME);
}

/** A parameter typed as one of the types, or untyped (or `any`) and named so. */
function parameterIs(parameter: ts.ParameterDeclaration, types: RegExp, names: RegExp): boolean {
  const type = parameter.type;
  if (type && ts.isTypeReferenceNode(type)) {
    const name = ts.isIdentifier(type.typeName) ? type.typeName.text : type.typeName.right.text;
    return types.test(name);
  }
  if (type && type.kind !== ts.SyntaxKind.AnyKeyword) return false;
  return ts.isIdentifier(parameter.name) && names.test(parameter.name.text);
}
