import path from 'node:path';
import { ts } from '#typescript';
import { discoverFiles } from '../../src/engine/files.js';
import { loadProject } from '../../src/engine/project.js';
import { ModuleIndex } from '../../src/engine/names/index.js';
import { DataflowEngine, type TaintedCall } from '../../src/engine/dataflow/engine.js';
import { discoverRoutes, EMPTY_ROUTE_CONFIG } from '../../src/engine/routes/discover.js';
import { FRAMEWORK_ADAPTERS } from '../../src/engine/frameworks/index.js';
import { makeProject } from './cli.js';

/** Builds a throwaway project and its dataflow engine, as a scan would. */
export function dataflowOf(files: Record<string, string>, options: { sanitizers?: string[] } = {}) {
  const root = path.resolve(makeProject(files));
  const loaded = loadProject({ root, files: discoverFiles({ root, scanPaths: [root], include: [], exclude: [], includeTests: false }), maxFileSize: 1 << 20 });
  const modules = new ModuleIndex(loaded.sourceFiles, loaded.tsconfigs, undefined, loaded.packageImports);
  const routes = discoverRoutes({ sourceFiles: loaded.sourceFiles, textFiles: loaded.textFiles, modules, config: EMPTY_ROUTE_CONFIG, adapters: FRAMEWORK_ADAPTERS });
  const engine = new DataflowEngine(modules, routes, { sanitizers: options.sanitizers ?? [] });
  return { engine, routes, modules, loaded };
}

/** `callee(arg0 origin, ...)` lines for every tainted call whose callee text matches. */
export function taintedCallsTo(engine: DataflowEngine, callee: RegExp): string[] {
  return engine
    .taintedCalls()
    .filter((entry) => callee.test(entry.call.expression.getText()))
    .map((entry) => describeCall(entry));
}

export function describeCall(entry: TaintedCall): string {
  const args = entry.argumentOrigins.map((origin) => (origin.kind === 'tainted' ? `tainted(${origin.taint.source.label})` : origin.kind));
  const line = entry.call.getSourceFile().getLineAndCharacterOfPosition(entry.call.getStart()).line + 1;
  return `${entry.file.path}:${line} ${entry.call.expression.getText()}(${args.join(', ')})`;
}

export { ts };
