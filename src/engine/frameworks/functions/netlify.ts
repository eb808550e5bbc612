import path from 'node:path';
import { ts } from '#typescript';
import type { ScannedSourceFile, ScannedTextFile } from '../../../types.js';
import { propertyValue, skipOuterExpressions } from '../../ast/syntax.js';
import { HTTP_METHODS, type HttpMethod, type RouteDefinition } from '../../routes/route.js';
import type { AdapterContext, FrameworkAdapter } from '../adapter.js';
import { lambdaExport } from '../lambda/handlers.js';
import { methodsFromBranches } from '../next/handlers.js';
import { exportedHandler, exportMadeBy, folderOf, functionHandler, functionRoute, type FunctionHandler } from './function-exports.js';
import { tomlStrings } from './netlify-toml.js';

const FUNCTION_FILE = /^(.+)\.(?:ts|js|mts|mjs|cts|cjs)$/;
/** Package functions that make a scheduled function: Netlify runs it on a timer, no client can call it. */
const SCHEDULERS: Readonly<Record<string, readonly string[]>> = { '@netlify/functions': ['schedule'] };

/** What a site's netlify.toml files say: where its functions are and which of them run on a schedule. */
interface NetlifySites {
  /** Functions folders (posix, relative to the scan root) that netlify.toml names. */
  folders: string[];
  /** Function names netlify.toml schedules (`[functions."nightly"] schedule = "@daily"`). */
  scheduled: Set<string>;
}

/**
 * Netlify Functions: each module in the functions folder (`netlify/functions` unless netlify.toml
 * says `[functions] directory` or `[build] functions`) is one function, named after the file, or
 * after its folder for `<name>/<name>.ts` and `<name>/index.ts`.
 *
 * - Functions 2.0 export a default `(request: Request, context: Context) => Response`; they answer
 *   at `config.path` (a string or a list, URLPattern syntax) for `config.method` when the module
 *   exports a `config`, else at `/.netlify/functions/<name>` for every method.
 * - Lambda-compatible functions export `handler(event, context)`: the event has API Gateway's shape
 *   (the route says so with `lambdaEvent`) and Netlify Identity puts the verified user in
 *   `context.clientContext.user`. They answer at `/.netlify/functions/<name>`; Middy chains and
 *   framework bridges (`serverless-http` around an Express app) read as on AWS Lambda.
 *
 * Scheduled functions (`schedule(...)`, `config.schedule`, a schedule in netlify.toml) are invoked by
 * Netlify alone and are no entry points. Netlify, not the function, routes: these are HTTP routes.
 */
export const netlifyAdapter: FrameworkAdapter = {
  name: 'netlify',
  // netlify.toml is a file, not a dependency; the default folder name is Netlify's own.
  isEnabled: () => true,
  discoverRoutes(context) {
    const sites = readSites(context.textFiles);
    const routes: RouteDefinition[] = [];
    for (const file of context.sourceFiles) {
      if (file.outsideScan || !FUNCTION_FILE.test(file.path)) continue;
      const name = functionName(file.path, sites.folders);
      if (!name || sites.scheduled.has(name)) continue;
      routes.push(...functionRoutes(file, name, context));
    }
    return routes;
  },
};

function readSites(textFiles: readonly ScannedTextFile[]): NetlifySites {
  const sites: NetlifySites = { folders: [], scheduled: new Set() };
  for (const file of textFiles) {
    if (file.kind !== 'toml') continue;
    const folder = folderOf(file.path);
    const entries = tomlStrings(file.text);
    const value = (table: string, key: string) => entries.find((entry) => entry.table === table && entry.key === key)?.value;
    const directory = value('functions', 'directory') ?? value('build', 'functions');
    if (directory) {
      // Relative to the base directory, which is where the build runs; netlify.toml usually sits in it.
      sites.folders.push(posixJoin(folder, directory));
      const base = value('build', 'base');
      if (base) sites.folders.push(posixJoin(base, directory));
    }
    for (const entry of entries) {
      if (entry.key === 'schedule' && entry.table.startsWith('functions.')) sites.scheduled.add(entry.table.slice('functions.'.length));
      // `[functions] "nightly".schedule = "@daily"`
      else if (entry.table === 'functions' && entry.key.endsWith('.schedule')) sites.scheduled.add(entry.key.slice(0, -'.schedule'.length));
    }
  }
  return sites;
}

/** `site` + `./functions/` -> `site/functions`; '' for the scan root. */
function posixJoin(...parts: string[]): string {
  const joined = path.posix.normalize(path.posix.join(...parts)).replace(/^\.?\/+|\/+$/g, '');
  return joined === '.' ? '' : joined;
}

/**
 * The function a file is the entry of: `<folder>/<name>.ts`, `<folder>/<name>/<name>.ts` or
 * `<folder>/<name>/index.ts`; other files in a function's folder are its helpers.
 */
function functionName(filePath: string, folders: readonly string[]): string | undefined {
  const segments = filePath.split('/');
  const inFolder = (rest: string[]): string | undefined => {
    const module = FUNCTION_FILE.exec(rest[rest.length - 1]!)?.[1];
    if (rest.length === 1) return module;
    if (rest.length === 2 && (module === rest[0] || module === 'index')) return rest[0];
    return undefined;
  };
  for (const folder of folders) {
    if (folder === '' || filePath.startsWith(`${folder}/`)) {
      const name = inFolder(folder === '' ? segments : filePath.slice(folder.length + 1).split('/'));
      if (name) return name;
    }
  }
  // The default folder, `netlify/functions` under the site's base folder (wherever that is).
  for (let index = 0; index < segments.length - 2; index += 1) {
    if (segments[index] === 'netlify' && segments[index + 1] === 'functions') {
      const name = inFolder(segments.slice(index + 2));
      if (name) return name;
    }
  }
  return undefined;
}

function functionRoutes(file: ScannedSourceFile, name: string, context: AdapterContext): RouteDefinition[] {
  const defaultPath = `/.netlify/functions/${name}`;
  const modern = exportedHandler(file, 'default', context.modules);
  const modernEntry = modern && functionHandler(modern, context);
  if (modernEntry) {
    const config = readConfig(file, context);
    if (config.scheduled) return [];
    const methods = config.methods.length > 0 ? config.methods : methodsOrAll(modernEntry);
    return (config.paths.length > 0 ? config.paths : [defaultPath]).flatMap((path) => methods.map((method) => functionRoute('netlify', method, path, modernEntry)));
  }
  const exported = exportedHandler(file, 'handler', context.modules);
  if (!exported || exportMadeBy(exported, context.modules, SCHEDULERS)) return [];
  // A framework app behind a bridge is that framework's routes; a Middy chain's middleware runs first.
  const lambda = lambdaExport(file, 'handler', context);
  if (!lambda) return [];
  const entry: FunctionHandler | undefined =
    lambda.handler && lambda.middleware.length > 0
      ? { site: exported.exportNode, file, handler: lambda.handler, middleware: lambda.middleware.map((used) => context.middleware.describe(used.expression, used.file, 'route')) }
      : functionHandler(exported, context);
  if (!entry) return [];
  return methodsOrAll(entry).map((method) => ({ ...functionRoute('netlify', method, defaultPath, entry), lambdaEvent: true }));
}

function methodsOrAll(entry: FunctionHandler): HttpMethod[] {
  const methods = methodsFromBranches(entry.handler);
  return methods.length > 0 ? methods : ['ALL'];
}

/** `export const config: Config = { path: '/api/orders/:id', method: ['GET', 'POST'] }` of a Functions 2.0 module. */
function readConfig(file: ScannedSourceFile, context: AdapterContext): { paths: string[]; methods: HttpMethod[]; scheduled: boolean } {
  const config = { paths: [] as string[], methods: [] as HttpMethod[], scheduled: false };
  if (!file.text.includes('config')) return config;
  const binding = context.modules.resolveExport(file, 'config');
  if (binding?.kind !== 'declaration' || !ts.isVariableDeclaration(binding.node) || !binding.node.initializer) return config;
  const object = skipOuterExpressions(binding.node.initializer);
  if (!ts.isObjectLiteralExpression(object)) return config;
  config.scheduled = propertyValue(object, 'schedule') !== undefined;
  config.paths = literalStrings(propertyValue(object, 'path')).filter((path) => path.startsWith('/'));
  config.methods = literalStrings(propertyValue(object, 'method'))
    .map((method) => method.toUpperCase())
    .filter((method): method is HttpMethod => (HTTP_METHODS as readonly string[]).includes(method) && method !== 'ALL');
  return config;
}

/** `'/a'` or `['/a', '/b']`: the literal strings; anything else reads as none. */
function literalStrings(expression: ts.Expression | undefined): string[] {
  if (!expression) return [];
  const value = skipOuterExpressions(expression);
  if (ts.isStringLiteralLike(value)) return [value.text];
  if (ts.isArrayLiteralExpression(value)) return value.elements.flatMap((element) => (ts.isStringLiteralLike(element) ? [element.text] : []));
  return [];
}
