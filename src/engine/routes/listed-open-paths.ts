import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../types.js';
import { propertyNameText, skipOuterExpressions } from '../ast/syntax.js';
import { bindingValue, type ModuleIndex, resolveFunction } from '../names/index.js';
import { compilePathPattern } from '../frameworks/next/path-matcher.js';
import { staticString } from '../frameworks/fastify/static-values.js';
import type { RouteMiddleware } from './route.js';

/**
 * An option that lists the paths a middleware lets through unchecked: `publicPaths`, `publicRoutes`,
 * `ignoredRoutes`, `excludePaths`, `unprotectedPaths`, `skipUrls`, `allowlist`.
 */
const OPEN_PATHS_OPTION = /^(?:public|unprotected|unauthenticated|anonymous|open|ignored?|exclude[ds]?|exempt(?:ed)?|skip(?:ped)?|allowed|bypass(?:ed)?|whitelist(?:ed)?|allowlist(?:ed)?)_?(?:paths?|routes?|urls?|endpoints?|patterns?)$|^(?:whitelist|allowlist)$/i;

/**
 * The paths a project's middleware is told to let through, from the factory call that made it:
 * `protect({ publicPaths: ['/login', '/qr/:qrId', '/api/hooks/*path'], onFailRedirectTo: '/login' })`
 * (path-to-regexp patterns, v8's named wildcards too). The sign-in it checks guards the other paths
 * only. Read only when the option's name says so, its value is a list of strings the code spells out,
 * and the factory, a function of the project, reads the option (a package's factory might mean anything
 * by it); otherwise undefined, and the middleware guards every path it runs on.
 */
export function listedOpenPaths(expression: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex): string[] | undefined {
  const call = madeByCall(expression, file, modules);
  if (!call) return undefined;
  const factory = resolveFunction(modules, call.file, call.node.expression);
  if (!factory?.node.body) return undefined;
  const factoryText = factory.node.getText(factory.node.getSourceFile());
  for (const argument of call.node.arguments) {
    const options = skipOuterExpressions(argument);
    if (!ts.isObjectLiteralExpression(options)) continue;
    for (const property of options.properties) {
      if (!ts.isPropertyAssignment(property) && !ts.isShorthandPropertyAssignment(property)) continue;
      const option = propertyNameText(property.name);
      if (!option || !OPEN_PATHS_OPTION.test(option) || !new RegExp(`\\b${option}\\b`).test(factoryText)) continue;
      const paths = stringList(ts.isPropertyAssignment(property) ? property.initializer : property.name, call.file, modules);
      if (paths && paths.length > 0) return paths;
    }
  }
  return undefined;
}

/** Whether a route path (parameters written `:id`, `[id]`) is among the paths a middleware lets through. */
export function passesOpenPath(middleware: RouteMiddleware, routePath: string): boolean {
  return middleware.openPaths?.some((pattern) => compiled(pattern)?.test(routePath)) ?? false;
}

const compiledPatterns = new Map<string, RegExp | undefined>();

function compiled(pattern: string): RegExp | undefined {
  if (!compiledPatterns.has(pattern)) compiledPatterns.set(pattern, compilePathPattern(pattern));
  return compiledPatterns.get(pattern);
}

/** A list of strings as written: an array literal of them, or a const naming one; undefined when one element is not a string. */
function stringList(expression: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex, depth = 0): string[] | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isArrayLiteralExpression(value)) {
    const paths: string[] = [];
    for (const element of value.elements) {
      const text = ts.isSpreadElement(element) ? undefined : staticString(modules, file, element);
      if (text === undefined) return undefined;
      paths.push(text);
    }
    return paths;
  }
  if (!ts.isIdentifier(value) || depth > 2) return undefined;
  const binding = modules.resolveName(file, value.text);
  const target = binding?.kind === 'declaration' ? bindingValue(binding) : undefined;
  return target && ts.isExpression(target) && binding?.kind === 'declaration' ? stringList(target, binding.file, modules, depth + 1) : undefined;
}

/** The call that made a middleware: the expression itself, or the one a name was initialised with (`const guard = protect({...})`). */
function madeByCall(expression: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex): { node: ts.CallExpression; file: ScannedSourceFile } | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isCallExpression(value)) return { node: value, file };
  if (!ts.isIdentifier(value)) return undefined;
  const binding = modules.resolveName(file, value.text);
  const initializer = binding?.kind === 'declaration' ? bindingValue(binding) : undefined;
  const made = initializer && ts.isExpression(initializer) ? skipOuterExpressions(initializer) : undefined;
  return made && ts.isCallExpression(made) && binding?.kind === 'declaration' ? { node: made, file: binding.file } : undefined;
}
