import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../types.js';
import { propertyNameText, skipOuterExpressions } from '../ast/syntax.js';
import { walkDescendants } from '../ast/file-index.js';
import { localBinding, type ModuleIndex, resolveFunction } from '../names/index.js';

/** Options of a route builder that carry the access the route requires. */
const ACCESS_OPTION = /^(?:authorization|authorize|permission|permissions|access|requires?|auth|guard)$/i;
/** A flag that says, by its name, that only an administrator passes: `requireSuper: true`, `adminOnly: true`. */
const ADMIN_FLAG = /^(?:require|requires|only|is)?_?(?:super_?(?:user|admin)?|admin(?:istrator)?|staff|platform_?admin)(?:_?only|_?required)?$/i;

/** A route builder's option that pins the caller to an administrator, as written, and the factory reading it. */
export interface OptionPinnedRole {
  node: ts.Node;
  text: string;
  roles: string[];
}

/**
 * `dashboardLoader({ authorization: { requireSuper: true } }, handler)`: a route builder's options that
 * require an administrator, by a flag's name set to true (`requireSuper`, `adminOnly`, `requireAdmin`)
 * under an access option (`authorization`, `permission`, `access`), when the builder reads that option
 * from what it was given, or hands it to a function that does: the builder refuses other callers before the
 * handler runs, a role check written as configuration. Undefined when no option says so, or when the
 * builder never reads the option it is given (a flag nothing checks is no check).
 */
export function optionPinnedRole(call: ts.CallExpression, file: ScannedSourceFile, modules: ModuleIndex): OptionPinnedRole | undefined {
  for (const [index, argument] of call.arguments.entries()) {
    const options = skipOuterExpressions(argument);
    if (!ts.isObjectLiteralExpression(options)) continue;
    for (const property of options.properties) {
      const key = property.name && propertyNameText(property.name);
      if (!key || !ACCESS_OPTION.test(key) || !ts.isPropertyAssignment(property)) continue;
      const value = skipOuterExpressions(property.initializer);
      if (!ts.isObjectLiteralExpression(value)) continue;
      const flag = value.properties.find(
        (inner) => ts.isPropertyAssignment(inner) && ADMIN_FLAG.test(propertyNameText(inner.name) ?? '') && skipOuterExpressions(inner.initializer).kind === ts.SyntaxKind.TrueKeyword,
      );
      if (!flag || !builderReads(call, index, file, modules, key)) continue;
      const flagName = propertyNameText((flag as ts.PropertyAssignment).name)!;
      return { node: flag, text: `${key}: { ${flagName}: true }`, roles: [/super/i.test(flagName) ? 'superuser' : 'admin'] };
    }
  }
  return undefined;
}

/**
 * Whether the builder reads the option from the options it was given (`options.authorization`,
 * `const { authorization } = options`), or hands those options to a function that does
 * (`authenticateAndAuthorize(request, params, options)`, the check it loads included). A builder that
 * passes something else to its check (`checkStaff(request, {})`) ignores the route's option.
 */
function builderReads(call: ts.CallExpression, argumentIndex: number, file: ScannedSourceFile, modules: ModuleIndex, key: string): boolean {
  const builder = resolveFunction(modules, file, call.expression);
  const parameter = builder?.node.parameters[argumentIndex];
  if (!builder?.node.body || !parameter) return false;
  if (readsOption(builder.node, parameter, key)) return true;
  let handedOn = false;
  walkDescendants(builder.node.body, (node) => {
    if (handedOn) return false;
    if (!ts.isCallExpression(node)) return;
    const at = node.arguments.findIndex((argument) => {
      const value = skipOuterExpressions(argument);
      return ts.isIdentifier(value) && localBinding(value) === parameter;
    });
    if (at < 0) return;
    const callee = resolveFunction(modules, builder.file, node.expression);
    const received = callee?.node.parameters[at];
    if (callee && received && callee.node !== builder.node && readsOption(callee.node, received, key)) handedOn = true;
    return !handedOn;
  });
  return handedOn;
}

/** `options.key`, `options?.key`, `const { key } = options`, or `({ key })` in the parameter itself. */
function readsOption(fn: ts.SignatureDeclaration, parameter: ts.ParameterDeclaration, key: string): boolean {
  if (ts.isObjectBindingPattern(parameter.name)) return parameter.name.elements.some((element) => (element.propertyName ? propertyNameText(element.propertyName) : ts.isIdentifier(element.name) ? element.name.text : undefined) === key);
  let reads = false;
  walkDescendants(fn, (node) => {
    if (reads) return false;
    const owner = ts.isPropertyAccessExpression(node) && node.name.text === key ? skipOuterExpressions(node.expression) : ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer && node.name.elements.some((element) => (element.propertyName ? propertyNameText(element.propertyName) : ts.isIdentifier(element.name) ? element.name.text : undefined) === key) ? skipOuterExpressions(node.initializer) : undefined;
    if (owner && ts.isIdentifier(owner) && localBinding(owner) === parameter) reads = true;
    return !reads;
  });
  return reads;
}
