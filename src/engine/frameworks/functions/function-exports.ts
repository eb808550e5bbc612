import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { nodePosition, propertyNameText, skipOuterExpressions } from '../../ast/syntax.js';
import { bindingValue, type ModuleIndex, type ResolvedFunction, resolveFunction } from '../../names/index.js';
import type { FrameworkName, RouteDefinition, RouteMethod, RouteMiddleware } from '../../routes/route.js';
import type { AdapterContext } from '../adapter.js';
import { pagesDefaultExport, unwrapHandler, type ExportedHandler } from '../next/handlers.js';
import { describeWrapper } from '../next/index.js';

/**
 * Package helpers that wrap a function without checking anything about the caller: Netlify's
 * on-demand builder and streaming response. Any other wrapper is classified like middleware.
 */
const PASS_THROUGH_WRAPPERS: Readonly<Record<string, readonly string[]>> = {
  '@netlify/functions': ['builder', 'stream'],
};

/** A file-based function's entry: where it is exported (the route line), what runs, what wraps it. */
export interface FunctionHandler {
  /** The export in the function's file: its position is the route's. */
  site: ts.Node;
  file: ScannedSourceFile;
  handler: ResolvedFunction;
  /** Wrappers around the handler (`withAuth(handler)`), outermost first, as middleware. */
  middleware: RouteMiddleware[];
}

/**
 * The export `name` of a function file ('default' for `export default` and `module.exports =`),
 * with the statement that exports it: `export const handler = ...`, `export async function handler`,
 * `exports.handler = ...`, `module.exports.handler = ...`, `module.exports = { handler }`,
 * `export { handler } from './impl'`.
 */
export function exportedHandler(file: ScannedSourceFile, name: string, modules: ModuleIndex): ExportedHandler | undefined {
  if (name === 'default') {
    const esm = pagesDefaultExport(file, modules);
    if (esm) return esm;
  }
  const site = exportSite(file, name);
  if (!site) return undefined;
  if (ts.isFunctionDeclaration(site)) return { exportName: name, exportNode: site, declaration: { file, node: site, name: site.name?.text ?? name } };
  const binding = modules.resolveExport(file, name);
  if (binding?.kind !== 'declaration') return undefined;
  const node = binding.node;
  if (ts.isFunctionDeclaration(node)) return { exportName: name, exportNode: site, declaration: { file: binding.file, node, name: node.name?.text ?? name } };
  const value = ts.isVariableDeclaration(node) ? node.initializer : ts.isExpression(node) ? node : undefined;
  return value ? { exportName: name, exportNode: site, value: { expression: value, file: binding.file } } : undefined;
}

/** The top-level statement (or declaration) of `file` that exports `name`. */
function exportSite(file: ScannedSourceFile, name: string): ts.Node | undefined {
  for (const statement of file.sourceFile.statements) {
    if (ts.isFunctionDeclaration(statement) && hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
      if (hasModifier(statement, ts.SyntaxKind.DefaultKeyword) ? name === 'default' : statement.name?.text === name) return statement;
    } else if (ts.isVariableStatement(statement) && hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
      const declarations = statement.declarationList.declarations;
      const declaration = declarations.find((candidate) => ts.isIdentifier(candidate.name) && candidate.name.text === name);
      if (declaration) return declarations.length === 1 ? statement : declaration;
    } else if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause) && !statement.isTypeOnly) {
      const element = statement.exportClause.elements.find((candidate) => candidate.name.text === name);
      if (element) return element;
    } else if (ts.isExportAssignment(statement) && !statement.isExportEquals && name === 'default') {
      return statement;
    } else if (ts.isExpressionStatement(statement) && ts.isBinaryExpression(statement.expression) && statement.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const { left, right } = statement.expression;
      if (isModuleExports(left)) {
        if (name === 'default') return statement;
        // `module.exports = { handler }`
        const object = skipOuterExpressions(right);
        if (ts.isObjectLiteralExpression(object) && object.properties.some((property) => property.name && propertyNameText(property.name) === name)) return statement;
      } else if (ts.isPropertyAccessExpression(left) && left.name.text === name && (isModuleExports(left.expression) || (ts.isIdentifier(left.expression) && left.expression.text === 'exports'))) {
        return statement;
      }
    }
  }
  return undefined;
}

function isModuleExports(node: ts.Expression): boolean {
  return ts.isPropertyAccessExpression(node) && node.name.text === 'exports' && ts.isIdentifier(node.expression) && node.expression.text === 'module';
}

/**
 * The function behind an export and the wrappers around it. `export default { fetch(request) {} }`
 * (the Web module shape) runs its `fetch`. Undefined when no function of the project handles the
 * request: a framework app or a package-made handler (`export default app`, `createYoga(...)`),
 * whose own adapter lists what it serves.
 */
export function functionHandler(exported: ExportedHandler, context: AdapterContext): FunctionHandler | undefined {
  const site = exported.exportNode;
  const siteFile = context.modules.fileOf(site);
  if (!siteFile) return undefined;
  const fetch = fetchMember(exported, context.modules);
  if (fetch) return { site, file: siteFile, handler: fetch, middleware: [] };
  const unwrapped = unwrapHandler(exported, context.modules);
  if (!unwrapped.handler) return undefined;
  const middleware = unwrapped.wrappers
    .filter((wrapper) => !packageFunction(wrapper.call.expression, wrapper.file, context.modules, PASS_THROUGH_WRAPPERS))
    .map((wrapper) => describeWrapper(wrapper.call, wrapper.file, context));
  return { site, file: siteFile, handler: unwrapped.handler, middleware };
}

/** `export default { fetch(request) { ... } }`, directly or through a name. */
function fetchMember(exported: ExportedHandler, modules: ModuleIndex): ResolvedFunction | undefined {
  if (!exported.value) return undefined;
  let { expression, file } = exported.value;
  let value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value)) {
    const binding = modules.resolveName(file, value.text);
    const target = bindingValue(binding);
    if (binding?.kind !== 'declaration' || !target || !ts.isExpression(target)) return undefined;
    expression = target;
    file = binding.file;
    value = skipOuterExpressions(expression);
  }
  if (!ts.isObjectLiteralExpression(value)) return undefined;
  for (const property of value.properties) {
    if (!property.name || propertyNameText(property.name) !== 'fetch') continue;
    if (ts.isMethodDeclaration(property)) return { file, node: property, name: 'fetch' };
    if (ts.isPropertyAssignment(property)) return resolveFunction(modules, file, property.initializer);
    if (ts.isShorthandPropertyAssignment(property)) return resolveFunction(modules, file, property.name);
  }
  return undefined;
}

/** Whether `callee` is one of the named functions of a package in `table` (`schedule` from @netlify/functions). */
export function packageFunction(callee: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex, table: Readonly<Record<string, readonly string[]>>): boolean {
  const value = skipOuterExpressions(callee);
  const root = ts.isPropertyAccessExpression(value) ? skipOuterExpressions(value.expression) : value;
  if (!ts.isIdentifier(root)) return false;
  const binding = modules.resolveName(file, root.text);
  if (binding?.kind !== 'external') return false;
  const name = ts.isPropertyAccessExpression(value) ? value.name.text : binding.importedName;
  return table[binding.module]?.includes(name) ?? false;
}

/** Whether a function is called through its export (`export const x = fn(...)`) as one of the package functions in `table`. */
export function exportMadeBy(exported: ExportedHandler, modules: ModuleIndex, table: Readonly<Record<string, readonly string[]>>): boolean {
  if (!exported.value) return false;
  const value = skipOuterExpressions(exported.value.expression);
  return ts.isCallExpression(value) && packageFunction(value.expression, exported.value.file, modules, table);
}

export function functionRoute(framework: FrameworkName, method: RouteMethod, path: string, entry: FunctionHandler): RouteDefinition {
  const { line, column } = nodePosition(entry.site);
  return {
    framework,
    method,
    path,
    file: entry.file.path,
    line,
    column,
    middleware: entry.middleware,
    handler: { node: entry.handler.node, name: entry.handler.name, file: entry.handler.file.path, line: nodePosition(entry.handler.node).line },
  };
}

/** Whether a package.json declares any of the packages. */
export function dependsOn(pkg: Record<string, unknown> | undefined, names: readonly string[]): boolean {
  if (!pkg) return false;
  return ['dependencies', 'devDependencies', 'peerDependencies'].some((key) => {
    const deps = pkg[key];
    return typeof deps === 'object' && deps !== null && names.some((name) => name in deps);
  });
}

/** The folder of a posix path relative to the scan root ('' for the root). */
export function folderOf(filePath: string): string {
  const slash = filePath.lastIndexOf('/');
  return slash < 0 ? '' : filePath.slice(0, slash);
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return (ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((modifier) => modifier.kind === kind)) ?? false;
}
