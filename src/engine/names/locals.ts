import { ts } from '#typescript';
import { skipOuterExpressions } from '../ast/syntax.js';
import { enclosingScope } from '../ast/scopes.js';

/**
 * The initializer of a `const`/`let` declared in a block enclosing `identifier` (a local of the
 * function that uses it), before the use. Module-level names are the ModuleIndex's job.
 */
export function localInitializer(identifier: ts.Identifier): ts.Expression | undefined {
  const declaration = localDeclaration(identifier);
  return declaration?.initializer && skipOuterExpressions(declaration.initializer);
}

export function localDeclaration(identifier: ts.Identifier): ts.VariableDeclaration | undefined {
  for (let scope = enclosingScope(identifier); scope; scope = enclosingScope(scope)) {
    if (ts.isSourceFile(scope)) return undefined;
    if (!ts.isBlock(scope) && !ts.isModuleBlock(scope)) continue;
    for (const statement of scope.statements) {
      if (statement.getStart() > identifier.getStart()) break;
      if (!ts.isVariableStatement(statement)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (bindsName(declaration.name, identifier.text)) return declaration;
      }
    }
  }
  return undefined;
}

/** Whether a declaration binds the name: `x`, `{ a, b: { x } }`, `[, x]`. */
export function bindsName(name: ts.BindingName, text: string): boolean {
  if (ts.isIdentifier(name)) return name.text === text;
  return name.elements.some((element) => !ts.isOmittedExpression(element) && bindsName(element.name, text));
}

/** The initializer of a `const` declared in a block or the file enclosing `identifier` (schemas and formats declared next to their use). */
export function localConstInitializer(identifier: ts.Identifier): ts.Expression | undefined {
  for (let scope: ts.Node | undefined = identifier.parent; scope; scope = scope.parent) {
    if (!ts.isBlock(scope) && !ts.isSourceFile(scope)) continue;
    for (const statement of scope.statements) {
      if (!ts.isVariableStatement(statement) || !(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === identifier.text && declaration.initializer) return declaration.initializer;
      }
    }
  }
  return undefined;
}
