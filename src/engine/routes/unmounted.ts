/**
 * Handlers no route reaches: a function typed as a framework handler (`(req: Request, res:
 * Response)`, `FastifyRequest`, a Koa or Hono `Context`, `NextApiRequest`) that no adapter found
 * mounted, because it is registered in a way the scanner cannot follow (a table of routes built at
 * run time, a plugin loader). Their request data is still client input: the dataflow runs from them
 * like from routes, and the injection rules report what reaches a sink with medium confidence. They
 * are no routes: no authentication status, not in the inventory's counts, and the access-control
 * rules (which need a route's authentication) leave them alone.
 */
import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../types.js';
import { nodePosition, propertyNameText } from '../ast/syntax.js';
import { type ModuleIndex, resolveFunction } from '../names/index.js';
import { matchingFunctionModel, type SourceModel } from '../models.js';
import { nodesOfKind } from '../ast/file-index.js';
import type { FrameworkName, Route } from './route.js';

/** Request types by package, and the framework whose request shape the handler's first parameter has. */
const HANDLER_REQUEST_TYPES: ReadonlyArray<{ module: string; types: readonly string[]; framework: FrameworkName }> = [
  { module: 'express', types: ['Request'], framework: 'express' },
  { module: 'express-serve-static-core', types: ['Request'], framework: 'express' },
  { module: '@vercel/node', types: ['VercelRequest'], framework: 'express' },
  { module: 'next', types: ['NextApiRequest'], framework: 'express' },
  { module: 'next/server', types: ['NextRequest'], framework: 'next' },
  { module: 'fastify', types: ['FastifyRequest'], framework: 'fastify' },
  { module: 'koa', types: ['Context', 'ParameterizedContext'], framework: 'koa' },
  { module: 'hono', types: ['Context'], framework: 'hono' },
];
/** The response parameter of an Express/Next pages handler or a Fastify one. */
const RESPONSE_TYPES = new Set(['Response', 'VercelResponse', 'NextApiResponse', 'FastifyReply']);
const TYPE_NAMES = new Set(HANDLER_REQUEST_TYPES.flatMap((entry) => entry.types));
const FUNCTION_KINDS = [ts.SyntaxKind.FunctionDeclaration, ts.SyntaxKind.ArrowFunction, ts.SyntaxKind.FunctionExpression, ts.SyntaxKind.MethodDeclaration] as const;

export function discoverUnmountedHandlers(sourceFiles: readonly ScannedSourceFile[], modules: ModuleIndex, routes: readonly Route[]): Route[] {
  const mounted = new Set<ts.Node>(routes.flatMap((route) => (route.handler ? [route.handler.node] : [])));
  // Every call of the project, read only once a candidate needs it (most projects have none).
  let called: Set<string> | undefined;
  const found: Route[] = [];
  for (const file of sourceFiles) {
    if (file.outsideScan || ![...TYPE_NAMES].some((name) => file.text.includes(name))) continue;
    for (const kind of FUNCTION_KINDS) {
      for (const node of nodesOfKind(file.sourceFile, kind)) {
        const fn = node as ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression | ts.MethodDeclaration;
        if (mounted.has(fn) || !fn.body) continue;
        const framework = handlerFramework(modules, file, fn);
        if (!framework) continue;
        const name = functionName(fn);
        // `isDeluxe(req)`, `getUserId(req)`: a helper the project calls with the request is analysed from its callers.
        if ((called ??= calledNames(sourceFiles)).has(name.split('.').at(-1)!)) continue;
        // Next.js runs `middleware` of middleware.ts in front of routes (its adapter reads it as middleware).
        if (name === 'middleware' && /(?:^|\/)middleware\.[cm]?[jt]sx?$/.test(file.path)) continue;
        const { line, column } = nodePosition(fn);
        found.push({
          framework,
          method: 'ALL',
          path: 'unknown',
          file: file.path,
          line,
          column,
          handler: { file: file.path, line, node: fn, name },
          middleware: [],
          auth: 'unknown',
          authEvidence: ['not mounted where trustscan can see it'],
          principal: [],
          id: `unmounted handler ${name}`,
          unmounted: true,
        });
      }
    }
  }
  return found;
}

/**
 * The framework a function is a handler of, from its first parameter's type; undefined for
 * middleware (a `next` parameter: it runs before a handler, which is analysed instead) and for
 * anything else.
 */
function handlerFramework(modules: ModuleIndex, file: ScannedSourceFile, fn: ts.SignatureDeclaration): FrameworkName | undefined {
  const first = fn.parameters[0];
  const type = first?.type;
  if (!type || !ts.isTypeReferenceNode(type)) return undefined;
  if (fn.parameters.some((parameter) => ts.isIdentifier(parameter.name) && parameter.name.text === 'next')) return undefined;
  // Express and Fastify handlers answer through their second parameter (`res`, `reply`); a function of the request alone is a helper.
  const answers = fn.parameters[1]?.type;
  const secondName = answers && ts.isTypeReferenceNode(answers) ? (ts.isIdentifier(answers.typeName) ? answers.typeName.text : answers.typeName.right.text) : undefined;
  const typeName = type.typeName;
  const last = ts.isIdentifier(typeName) ? typeName.text : typeName.right.text;
  if (!TYPE_NAMES.has(last)) return undefined;
  // `Request` from express, or `express.Request` through a namespace or default import.
  const root = ts.isIdentifier(typeName) ? typeName : leftmost(typeName);
  const binding = modules.resolveName(file, root.text);
  if (binding?.kind !== 'external') return undefined;
  const imported = ts.isIdentifier(typeName) ? binding.importedName : last;
  const entry = HANDLER_REQUEST_TYPES.find((candidate) => candidate.module === binding.module && candidate.types.includes(imported));
  if (!entry) return undefined;
  if ((entry.framework === 'express' || entry.framework === 'fastify') && !(secondName && RESPONSE_TYPES.has(secondName))) return undefined;
  return entry.framework;
}

function leftmost(name: ts.QualifiedName): ts.Identifier {
  let current: ts.EntityName = name;
  while (ts.isQualifiedName(current)) current = current.left;
  return current;
}

function functionName(fn: ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression | ts.MethodDeclaration): string {
  if ((ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) && fn.name) return fn.name.text;
  if (ts.isMethodDeclaration(fn)) {
    const owner = ts.isClassLike(fn.parent) && fn.parent.name ? `${fn.parent.name.text}.` : '';
    return `${owner}${propertyNameText(fn.name) ?? '<method>'}`;
  }
  const parent = fn.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyAssignment(parent)) return propertyNameText(parent.name) ?? '<anonymous>';
  return '<anonymous>';
}

/** Every name the project calls (`isDeluxe(req)`, `this.service.upload(req)`): functions called so are helpers. */
function calledNames(sourceFiles: readonly ScannedSourceFile[]): Set<string> {
  const names = new Set<string>();
  for (const file of sourceFiles) {
    for (const node of nodesOfKind(file.sourceFile, ts.SyntaxKind.CallExpression)) {
      const callee = (node as ts.CallExpression).expression;
      if (ts.isIdentifier(callee)) names.add(callee.text);
      else if (ts.isPropertyAccessExpression(callee)) names.add(callee.name.text);
    }
  }
  return names;
}

/**
 * Handlers registered through a function a config `source` model names (`onCall(handler)`): the
 * handler is an unmounted entry point whose declared parameter is client input.
 */
export function discoverModelledSources(sourceFiles: readonly ScannedSourceFile[], modules: ModuleIndex, models: readonly SourceModel[]): Route[] {
  if (models.length === 0) return [];
  const names = new Set(models.map((model) => model.path.at(-1)!));
  const found: Route[] = [];
  for (const file of sourceFiles) {
    if (file.outsideScan || ![...names].some((name) => file.text.includes(name))) continue;
    for (const node of nodesOfKind(file.sourceFile, ts.SyntaxKind.CallExpression)) {
      const call = node as ts.CallExpression;
      const model = matchingFunctionModel(models, modules, file, call.expression);
      if (!model) continue;
      const functionArguments = call.arguments.filter((argument) => resolveFunction(modules, file, argument));
      const argument = model.argument !== undefined ? call.arguments[model.argument] : functionArguments.at(-1);
      const handler = argument && resolveFunction(modules, file, argument);
      if (!handler) continue;
      const { line, column } = nodePosition(call);
      const name = handler.name === '<anonymous>' ? `${model.path.join('.')} handler` : handler.name;
      found.push({
        framework: 'source-model',
        method: 'ALL',
        path: 'unknown',
        file: file.path,
        line,
        column,
        handler: { file: handler.file.path, line: nodePosition(handler.node).line, node: handler.node, name },
        middleware: [],
        inputParameters: [model.parameter],
        auth: 'unknown',
        authEvidence: [`registered with ${model.path.join('.')} (${model.label}): client input in parameter ${model.parameter}`],
        principal: [],
        id: `unmounted handler ${name}`,
        unmounted: true,
      });
    }
  }
  return found;
}
