import { ts } from '#typescript';
import type { ResolvedFunction } from '../../engine/names/index.js';
import { CONTEXT_PERMISSION_METHOD } from '../../models/auth.js';

/**
 * Whether a resolver calls the permission check its context carries after taking it out of the
 * context: `async (root, args, { models, checkPermission }) => { await checkPermission('x'); ... }`
 * or `const { checkPermission } = context;`. The check throws for a caller without the permission,
 * as `context.checkPermission('x')` does (models/auth.ts CONTEXT_PERMISSION_CHECK).
 */
export function callsDestructuredContextPermissionCheck(handler: ResolvedFunction | undefined): boolean {
  const body = handler?.node.body;
  if (!handler || !body) return false;
  const names = new Set<string>();
  const collect = (pattern: ts.ObjectBindingPattern): void => {
    for (const element of pattern.elements) {
      const key = element.propertyName ?? element.name;
      if (ts.isIdentifier(key) && CONTEXT_PERMISSION_METHOD.test(key.text) && ts.isIdentifier(element.name)) names.add(element.name.text);
    }
  };
  for (const parameter of handler.node.parameters) if (ts.isObjectBindingPattern(parameter.name)) collect(parameter.name);
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer && /^(?:context|ctx)$/.test(node.initializer.getText(handler.node.getSourceFile()))) collect(node.name);
    ts.forEachChild(node, visit);
  };
  visit(body);
  if (names.size === 0) return false;
  let called = false;
  const findCall = (node: ts.Node): void => {
    if (called) return;
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && names.has(node.expression.text)) called = true;
    else ts.forEachChild(node, findCall);
  };
  findCall(body);
  return called;
}
