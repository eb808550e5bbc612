import type { ScannedSourceFile, ScannedTextFile } from '../../types.js';
import type { ModuleIndex } from '../names/index.js';
import type { MiddlewareClassifier } from '../routes/classify-middleware.js';
import type { FrameworkName, RouteDefinition } from '../routes/route.js';

/** What decides whether an adapter runs: the project's declared dependencies and what its code imports. */
export interface ProjectFacts {
  /** Names from dependencies/devDependencies/peerDependencies of every package.json in the scan. */
  dependencies: ReadonlySet<string>;
  /** Every module specifier imported or required by a scanned file. */
  importedModules: ReadonlySet<string>;
}

export interface AdapterContext {
  /** Sorted by path. */
  sourceFiles: readonly ScannedSourceFile[];
  /** Parsed package.json files of the scan, keyed by their folder (posix, relative to the scan root; '' for the root). */
  packageJsons: ReadonlyMap<string, Record<string, unknown>>;
  /** The scan's .env, JSON, YAML and Prisma files (serverless.yml and SAM templates declare Lambda routes). */
  textFiles: readonly ScannedTextFile[];
  modules: ModuleIndex;
  middleware: MiddlewareClassifier;
}

/**
 * One web framework: recognises its route registrations and reports them with every middleware,
 * guard or hook that applies, in execution order. It does not decide authentication; the route
 * engine does, from the middleware kinds and the handler, the same way for every framework.
 */
export interface FrameworkAdapter {
  name: FrameworkName;
  isEnabled(facts: ProjectFacts): boolean;
  discoverRoutes(context: AdapterContext): RouteDefinition[];
}

/** True when the project depends on or imports any of the packages (or a subpath of one). */
export function usesAnyPackage(facts: ProjectFacts, packages: readonly string[]): boolean {
  for (const name of packages) {
    if (facts.dependencies.has(name)) return true;
  }
  for (const specifier of facts.importedModules) {
    if (packages.some((name) => specifier === name || specifier.startsWith(`${name}/`))) return true;
  }
  return false;
}
