/**
 * Next.js Server Actions: functions a `'use server'` directive marks, at the top of a module (each
 * exported async function) or at the top of a function's body (an action written inside a
 * component). Next.js serves each one as a POST endpoint any client can call with arguments of its
 * choosing, whatever page renders the form: an entry point with no route path, whose arguments are
 * all client input and whose authentication is whatever its body checks.
 *
 * A module's exports count when client code can reach them: imported by a `'use client'` module, or
 * handed to JSX (`<form action={save}>`, `<Form onSave={save} />`) by a server component. Next.js
 * (15 and later) gives no ID to an export nothing on the client references, so a helper exported
 * beside the actions for other server code (`export const banPartner = async (...)`) is no endpoint.
 */
import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { hasDirective, nodePosition, skipOuterExpressions } from '../../ast/syntax.js';
import type { ModuleIndex } from '../../names/index.js';
import type { AdapterContext } from '../adapter.js';
import { SAFE_ACTION } from '../../../models/server-actions.js';
import type { RouteDefinition, RouteMiddleware } from '../../routes/route.js';

const USE_SERVER = 'use server';

/** Whether a body or file starts with the `'use server'` directive. */
function hasUseServerDirective(statements: ts.NodeArray<ts.Statement>): boolean {
  return hasDirective(statements, USE_SERVER);
}

type ActionFunction = ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression;

function isActionFunction(node: ts.Node | undefined): node is ActionFunction {
  return node !== undefined && (ts.isFunctionDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node));
}

/**
 * The server actions a file declares, each as an entry point (kind `action`, named by its function).
 * An action is posted to whichever page holds it, so of middleware.ts only what covers every page
 * applies (`everyPage`, read only when the file declares an action).
 */
export function serverActionRoutes(file: ScannedSourceFile, clientReferences: ClientReferences, everyPage: () => RouteMiddleware[], context: AdapterContext): RouteDefinition[] {
  if (!file.text.includes(USE_SERVER)) return [];
  const found: Array<{ name: string; fn: ActionFunction; at: ts.Node; safeAction?: RouteMiddleware[] }> = [];
  const sourceFile = file.sourceFile;
  if (hasUseServerDirective(sourceFile.statements)) {
    // Every exported function of the module that client code references is an action.
    const referenced = clientReferences.get(file.path);
    if (!referenced) return [];
    for (const statement of sourceFile.statements) {
      const exported = ts.canHaveModifiers(statement) && (ts.getModifiers(statement) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
      if (ts.isFunctionDeclaration(statement) && exported && statement.body) {
        const name = ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.DefaultKeyword) ? 'default' : (statement.name?.text ?? 'default');
        if (referenced.has(name) || referenced.has('*')) found.push({ name, fn: statement, at: statement });
      } else if (ts.isVariableStatement(statement) && exported) {
        for (const declaration of statement.declarationList.declarations) {
          const value = declaration.initializer && skipOuterExpressions(declaration.initializer);
          if (!ts.isIdentifier(declaration.name) || !(referenced.has(declaration.name.text) || referenced.has('*'))) continue;
          if (isActionFunction(value)) found.push({ name: declaration.name.text, fn: value, at: declaration });
          const built = value && ts.isCallExpression(value) ? safeActionOf(value, file, context) : undefined;
          if (built) found.push({ name: declaration.name.text, fn: built.fn, at: declaration, safeAction: built.middleware });
        }
      } else if (ts.isExportAssignment(statement) && isActionFunction(skipOuterExpressions(statement.expression)) && (referenced.has('default') || referenced.has('*'))) {
        found.push({ name: 'default', fn: skipOuterExpressions(statement.expression) as ActionFunction, at: statement });
      }
    }
  } else {
    // `async function create(formData) { 'use server'; ... }` inside a component or module.
    const visit = (node: ts.Node): void => {
      if (isActionFunction(node) && node.body && ts.isBlock(node.body) && hasUseServerDirective(node.body.statements)) {
        const name = ts.isFunctionDeclaration(node) ? node.name?.text : ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name) ? node.parent.name.text : undefined;
        if (name) found.push({ name, fn: node, at: node });
        return;
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
  const global = found.length > 0 ? everyPage() : [];
  return found.map(({ name, fn, at, safeAction }) => {
    const { line, column } = nodePosition(at);
    return {
      ...(safeAction ? { safeAction: true as const } : {}),
      framework: 'next',
      kind: 'action',
      method: 'MUTATION',
      path: name,
      file: file.path,
      line,
      column,
      middleware: [...global, ...(safeAction ?? [])],
      handler: { node: fn, name, file: file.path, line: nodePosition(fn).line },
    } satisfies RouteDefinition;
  });
}

/** Per `'use server'` module (its path): the export names client code references (`*`: the whole module). */
export type ClientReferences = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * What client code takes from each `'use server'` module: every import a `'use client'` module makes
 * from one, and the imports a server component hands to JSX. Built once per scan.
 */
export function clientReferences(sourceFiles: readonly ScannedSourceFile[], modules: ModuleIndex): ClientReferences {
  const found = new Map<string, Set<string>>();
  const serverModules = new Set(sourceFiles.filter((file) => file.text.includes(USE_SERVER) && hasUseServerDirective(file.sourceFile.statements)).map((file) => file.path));
  if (serverModules.size === 0) return found;
  for (const file of sourceFiles) {
    const client = file.text.includes('use client') && hasUseClientDirective(file.sourceFile.statements);
    const jsx = /\.[jt]sx$/.test(file.path);
    if (!client && !jsx) continue;
    for (const statement of file.sourceFile.statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier) || statement.importClause?.isTypeOnly) continue;
      const target = modules.resolveImport(file, statement.moduleSpecifier.text);
      if (!target || !serverModules.has(target.path)) continue;
      const names = found.get(target.path) ?? new Set<string>();
      const clause = statement.importClause;
      const bindings: Array<{ exported: string; local: ts.Identifier }> = [];
      if (clause?.name) bindings.push({ exported: 'default', local: clause.name });
      if (clause?.namedBindings && ts.isNamedImports(clause.namedBindings)) {
        for (const element of clause.namedBindings.elements) bindings.push({ exported: (element.propertyName ?? element.name).text, local: element.name });
      }
      if (clause?.namedBindings && ts.isNamespaceImport(clause.namedBindings)) bindings.push({ exported: '*', local: clause.namedBindings.name });
      for (const binding of bindings) if (client || jsxValueRoots(file.sourceFile).has(binding.local.text)) names.add(binding.exported);
      if (names.size > 0) found.set(target.path, names);
    }
  }
  return found;
}

function hasUseClientDirective(statements: ts.NodeArray<ts.Statement>): boolean {
  return hasDirective(statements, 'use client');
}

const jsxValueRootsCache = new WeakMap<ts.SourceFile, Set<string>>();

/**
 * The names whose value (or a member of it) a JSX attribute takes in a file: `save` in
 * `<form action={save}>`, `actions` in `<Editor onSave={actions.save} />`. Read once per file.
 */
function jsxValueRoots(sourceFile: ts.SourceFile): Set<string> {
  const cached = jsxValueRootsCache.get(sourceFile);
  if (cached) return cached;
  const roots = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isJsxAttribute(node) && node.initializer && ts.isJsxExpression(node.initializer) && node.initializer.expression) {
      let value = skipOuterExpressions(node.initializer.expression);
      while (ts.isPropertyAccessExpression(value)) value = skipOuterExpressions(value.expression);
      if (ts.isIdentifier(value)) roots.add(value.text);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  jsxValueRootsCache.set(sourceFile, roots);
  return roots;
}

/**
 * next-safe-action: `authActionClient.inputSchema(schema).action(async ({ parsedInput, ctx }) => ...)`.
 * The function given to `.action()` is the action (also inside a wrapper call, `.action(withAuditLogging(
 * 'created', 'segment', async () => ...))`); the client it was built on, followed across files back to
 * `createSafeActionClient()`, runs its `.use()` middleware first (outermost client first), then the wrappers.
 */
function safeActionOf(call: ts.CallExpression, file: ScannedSourceFile, context: AdapterContext): { fn: ActionFunction; middleware: RouteMiddleware[] } | undefined {
  const callee = skipOuterExpressions(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !SAFE_ACTION.actionMethods.includes(callee.name.text)) return undefined;
  let fn: ActionFunction | undefined;
  // `.action(withAuditLogging('created', 'segment', async ({ ctx, parsedInput }) => ...))`: a wrapper
  // around the function runs inside the client's middleware, and the function in it is the action.
  const wrappers: ts.CallExpression[] = [];
  for (const argument of call.arguments) {
    let value = skipOuterExpressions(argument);
    const around: ts.CallExpression[] = [];
    for (let depth = 0; depth < 4 && ts.isCallExpression(value); depth++) {
      const inner: ts.Expression | undefined = value.arguments.map((candidate) => skipOuterExpressions(candidate)).find((candidate) => isActionFunction(candidate) || ts.isCallExpression(candidate));
      if (!inner) break;
      around.push(value);
      value = inner;
    }
    if (isActionFunction(value)) {
      fn = value;
      wrappers.splice(0, wrappers.length, ...around);
    }
  }
  if (!fn) return undefined;
  const action = fn;
  const wrapping = (): RouteMiddleware[] => wrappers.map((wrapper) => context.middleware.describe(wrapper, file, 'route'));
  const uses: Array<{ expression: ts.Expression; file: ScannedSourceFile }> = [];
  const schemas: RouteMiddleware[] = [];
  let current: ts.Expression = skipOuterExpressions(callee.expression);
  let currentFile = file;
  for (let hops = 0; hops < 24; hops++) {
    if (ts.isCallExpression(current)) {
      const inner = skipOuterExpressions(current.expression);
      if (ts.isIdentifier(inner) && SAFE_ACTION.clientFactories.includes(inner.text)) {
        const middleware = uses.reverse().map((use) => context.middleware.describe(use.expression, use.file, 'route'));
        return { fn: action, middleware: [...middleware, ...schemas.reverse(), ...wrapping()] };
      }
      if (!ts.isPropertyAccessExpression(inner)) return undefined;
      if (inner.name.text === 'use' && current.arguments[0]) uses.push({ expression: current.arguments[0], file: currentFile });
      // `.inputSchema(ZUpdateInviteAction)`: the input is parsed with the schema before the action (zod drops keys it does not name).
      if (SAFE_ACTION.schemaMethods.includes(inner.name.text) && current.arguments[0]) {
        const schema = current.arguments[0];
        const name = `${inner.name.text}(${schema.getText(currentFile.sourceFile).replace(/\s+/g, ' ').slice(0, 60)})`;
        schemas.push({ name, file: currentFile.path, line: nodePosition(schema).line, kind: 'validation', strength: 'strong', evidence: `${SAFE_ACTION.package} parses the action's input with this schema before the action runs`, scope: 'route' });
      }
      current = skipOuterExpressions(inner.expression);
      continue;
    }
    if (!ts.isIdentifier(current)) return undefined;
    // The client is a name: its declaration, here or in the module it is imported from.
    const binding = context.modules.resolveName(currentFile, current.text);
    if (binding?.kind !== 'declaration' || !ts.isVariableDeclaration(binding.node) || !binding.node.initializer) return undefined;
    current = skipOuterExpressions(binding.node.initializer);
    currentFile = binding.file;
  }
  return undefined;
}
