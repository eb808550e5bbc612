import { discoverFiles } from '../../src/engine/files.js';
import { loadProject } from '../../src/engine/project.js';
import { ModuleIndex } from '../../src/engine/names/index.js';
import { discoverRoutes, EMPTY_ROUTE_CONFIG, type RouteConfig } from '../../src/engine/routes/discover.js';
import type { FrameworkAdapter } from '../../src/engine/frameworks/adapter.js';
import type { Route } from '../../src/engine/routes/route.js';

/** Loads a fixture app the way a scan does and returns its route inventory from the given adapters. */
export function loadRoutes(dir: string, adapters: readonly FrameworkAdapter[], config: Partial<RouteConfig> = {}): Route[] {
  const files = discoverFiles({ root: dir, scanPaths: [dir], include: [], exclude: [], includeTests: false });
  const loaded = loadProject({ root: dir, files, maxFileSize: 1024 * 1024 });
  const modules = new ModuleIndex(loaded.sourceFiles, loaded.tsconfigs, undefined, loaded.packageImports);
  return discoverRoutes({
    sourceFiles: loaded.sourceFiles,
    textFiles: loaded.textFiles,
    modules,
    config: { ...EMPTY_ROUTE_CONFIG, ...config },
    adapters,
  });
}

/** The comparable core of a route: what the inventory tests deep-equal. */
export function inventory(routes: readonly Route[]): Array<{ method: string; path: string; file: string; line: number; auth: string }> {
  return routes.map((route) => ({ method: route.method, path: route.path, file: route.file, line: route.line, auth: route.auth }));
}
