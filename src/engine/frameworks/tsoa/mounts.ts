import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { skipOuterExpressions } from '../../ast/syntax.js';
import type { MiddlewareClassifier } from '../../routes/classify-middleware.js';
import type { RouteMiddleware } from '../../routes/route.js';
import { joinRoutePath } from '../../routes/route-path.js';
import { TSOA_REGISTER_ROUTES } from '../../../models/tsoa.js';

/**
 * Where the app mounts a generated routes module: `RegisterRoutes(app)` after `app.use(limiter)`, or
 * `RegisterRoutes(router)` with `app.use('/api', auth, router)`. The middleware the app or router runs
 * before it runs before every tsoa route it registers.
 */
export interface RouteMount {
  /** The generated module as imported, from the scan root without extension (`src/build/routes`). */
  routesModule: string;
  /** The path the router is mounted at (`/api`), '' for the app itself; undefined when the path is computed (`isProd ? '/api' : '/v0'`). */
  prefix: string | undefined;
  /** In order: the app's own middleware, then the mount's. */
  middleware: RouteMiddleware[];
}

/** Every `RegisterRoutes(target)` call of the scan whose target's middleware can be read in the same function or module. */
export function readMounts(sourceFiles: readonly ScannedSourceFile[], classifier: MiddlewareClassifier): RouteMount[] {
  const mounts: RouteMount[] = [];
  for (const file of sourceFiles) {
    if (!file.text.includes(TSOA_REGISTER_ROUTES)) continue;
    const registrars = registrarNames(file);
    if (registrars.size === 0) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && registrars.has(node.expression.text) && node.arguments[0]) {
        const target = skipOuterExpressions(node.arguments[0]);
        if (ts.isIdentifier(target)) mounts.push(mountOf(file, node, target.text, registrars.get(node.expression.text)!, classifier));
      }
      ts.forEachChild(node, visit);
    };
    visit(file.sourceFile);
  }
  return mounts;
}

/** Local names of the generated `RegisterRoutes` and the module each comes from: `import { RegisterRoutes } from './routes'`, `const { RegisterRoutes: V2 } = require('./v2/routes')`. */
function registrarNames(file: ScannedSourceFile): Map<string, string> {
  const names = new Map<string, string>();
  const dir = file.path.includes('/') ? file.path.slice(0, file.path.lastIndexOf('/')) : '';
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text.startsWith('.')) {
      const bindings = node.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) {
          if ((element.propertyName ?? element.name).text === TSOA_REGISTER_ROUTES) names.set(element.name.text, fromScanRoot(dir, node.moduleSpecifier.text));
        }
      }
    }
    if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer) {
      const value = skipOuterExpressions(node.initializer);
      const specifier = ts.isCallExpression(value) && ts.isIdentifier(value.expression) && value.expression.text === 'require' && value.arguments[0] && ts.isStringLiteral(value.arguments[0]) ? value.arguments[0].text : undefined;
      if (specifier?.startsWith('.')) {
        for (const element of node.name.elements) {
          const imported = element.propertyName && ts.isIdentifier(element.propertyName) ? element.propertyName.text : ts.isIdentifier(element.name) ? element.name.text : undefined;
          if (imported === TSOA_REGISTER_ROUTES && ts.isIdentifier(element.name)) names.set(element.name.text, fromScanRoot(dir, specifier));
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file.sourceFile);
  return names;
}

function fromScanRoot(dir: string, specifier: string): string {
  const parts: string[] = dir ? dir.split('/') : [];
  for (const segment of specifier.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') parts.pop();
    else parts.push(segment);
  }
  return parts.join('/').replace(/\.[cm]?[jt]sx?$/, '');
}

function mountOf(file: ScannedSourceFile, call: ts.CallExpression, target: string, routesModule: string, classifier: MiddlewareClassifier): RouteMount {
  // `app.use('/api', auth, router)`: the router's path, the app's own middleware and the mount's.
  let mount: ts.CallExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (mount) return;
    if (ts.isCallExpression(node) && isUse(node) && node.arguments.length >= 2) {
      const last = skipOuterExpressions(node.arguments[node.arguments.length - 1]!);
      if (ts.isIdentifier(last) && last.text === target && !ts.isIdentifier(skipOuterExpressions(node.arguments[0]!)) && !ts.isFunctionLike(skipOuterExpressions(node.arguments[0]!)) && !ts.isCallExpression(skipOuterExpressions(node.arguments[0]!))) {
        mount = node;
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file.sourceFile);
  const own = useCallsBefore(file, call, target, classifier, mount ? 'router' : 'global');
  if (!mount) return { routesModule, prefix: '', middleware: own };
  const app = skipOuterExpressions((mount.expression as ts.PropertyAccessExpression).expression);
  const written = skipOuterExpressions(mount.arguments[0]!);
  const path = ts.isStringLiteralLike(written) ? joinRoutePath(written.text) : undefined;
  return {
    routesModule,
    prefix: path === '/' ? '' : path,
    middleware: [
      ...(ts.isIdentifier(app) ? useCallsBefore(file, mount, app.text, classifier, 'global') : []),
      ...mount.arguments.slice(1, -1).map((argument) => classifier.describe(argument, file, 'router')),
      ...own,
    ],
  };
}

function isUse(call: ts.CallExpression): boolean {
  return ts.isPropertyAccessExpression(call.expression) && call.expression.name.text === 'use';
}

/**
 * `target.use(mw, ...)` statements before the statement holding `call`, in the same block: middleware
 * every route registered on `target` afterwards runs. A `use` with a path other than '/' covers only
 * that path and is left out.
 */
function useCallsBefore(file: ScannedSourceFile, call: ts.Node, target: string, classifier: MiddlewareClassifier, scope: RouteMiddleware['scope']): RouteMiddleware[] {
  let statement: ts.Node = call;
  while (statement.parent && !ts.isBlock(statement.parent) && !ts.isSourceFile(statement.parent)) statement = statement.parent;
  const container = statement.parent as ts.Block | ts.SourceFile | undefined;
  if (!container) return [];
  const found: RouteMiddleware[] = [];
  for (const earlier of container.statements) {
    if (earlier === statement) break;
    if (!ts.isExpressionStatement(earlier)) continue;
    const expression = skipOuterExpressions(earlier.expression);
    if (!ts.isCallExpression(expression) || !isUse(expression)) continue;
    const receiver = skipOuterExpressions((expression.expression as ts.PropertyAccessExpression).expression);
    if (!ts.isIdentifier(receiver) || receiver.text !== target || expression.arguments.length === 0) continue;
    const first = skipOuterExpressions(expression.arguments[0]!);
    const pathed = ts.isStringLiteralLike(first);
    if (pathed && first.text !== '/' && first.text !== '') continue;
    for (const argument of pathed ? expression.arguments.slice(1) : expression.arguments) found.push(classifier.describe(argument, file, scope));
  }
  return found;
}
