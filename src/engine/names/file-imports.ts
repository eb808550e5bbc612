import { ts } from '#typescript';
import { skipOuterExpressions } from '../ast/syntax.js';

/**
 * What a callee names in terms of one file's own imports, for file-local rules (which may not read
 * the cross-file module index): `md5(x)` with `import md5 from 'md5'` is md5's default export,
 * `crypto.createHash` with `import * as crypto from 'crypto'` is crypto's `createHash`.
 */
export interface FileImport {
  /** The package specifier as written: `crypto`, `node:crypto`, `crypto-js/sha256`. */
  module: string;
  /** The export, or 'default' for the module itself (default import, namespace import, whole require). */
  name: string;
}

const cache = new WeakMap<ts.SourceFile, Map<string, FileImport>>();

/** Local names bound by the file's top-level imports and requires. */
export function fileImports(sourceFile: ts.SourceFile): Map<string, FileImport> {
  const cached = cache.get(sourceFile);
  if (cached) return cached;
  const bindings = new Map<string, FileImport>();
  for (const statement of sourceFile.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && statement.importClause) {
      const module = statement.moduleSpecifier.text;
      const clause = statement.importClause;
      if (clause.name) bindings.set(clause.name.text, { module, name: 'default' });
      const named = clause.namedBindings;
      if (named && ts.isNamespaceImport(named)) bindings.set(named.name.text, { module, name: 'default' });
      if (named && ts.isNamedImports(named)) {
        for (const element of named.elements) bindings.set(element.name.text, { module, name: (element.propertyName ?? element.name).text });
      }
    }
    if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference) && ts.isStringLiteral(statement.moduleReference.expression)) {
      bindings.set(statement.name.text, { module: statement.moduleReference.expression.text, name: 'default' });
    }
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      const required = declaration.initializer && requiredExport(declaration.initializer);
      if (!required) continue;
      if (ts.isIdentifier(declaration.name)) bindings.set(declaration.name.text, required);
      else if (ts.isObjectBindingPattern(declaration.name) && required.name === 'default') {
        for (const element of declaration.name.elements) {
          const exported = element.propertyName ?? element.name;
          if (ts.isIdentifier(element.name) && ts.isIdentifier(exported)) bindings.set(element.name.text, { module: required.module, name: exported.text });
        }
      }
    }
  }
  cache.set(sourceFile, bindings);
  return bindings;
}

/** `require('m')` is m itself; `require('m').x` and `require('m').default` its export. */
function requiredExport(expression: ts.Expression): FileImport | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isCallExpression(value) && ts.isIdentifier(value.expression) && value.expression.text === 'require' && value.arguments[0] && ts.isStringLiteral(value.arguments[0])) {
    return { module: value.arguments[0].text, name: 'default' };
  }
  if (ts.isPropertyAccessExpression(value)) {
    const base = requiredExport(value.expression);
    if (base && base.name === 'default') return { module: base.module, name: value.name.text === 'default' ? 'default' : value.name.text };
  }
  return undefined;
}

/** The export a callee names: an imported identifier, or a member of an imported module object (`bcrypt.hash`). */
export function importedCallee(sourceFile: ts.SourceFile, callee: ts.Expression): FileImport | undefined {
  const value = skipOuterExpressions(callee);
  const bindings = fileImports(sourceFile);
  if (ts.isIdentifier(value)) return bindings.get(value.text);
  if (ts.isPropertyAccessExpression(value) && ts.isIdentifier(value.expression)) {
    const owner = bindings.get(value.expression.text);
    // `bcrypt.hash` on the module object; `bcrypt.default.hash` is the same through interop.
    if (owner && owner.name === 'default') return { module: owner.module, name: value.name.text };
  }
  if (ts.isPropertyAccessExpression(value) && ts.isPropertyAccessExpression(value.expression) && value.expression.name.text === 'default' && ts.isIdentifier(value.expression.expression)) {
    const owner = bindings.get(value.expression.expression.text);
    if (owner && owner.name === 'default') return { module: owner.module, name: value.name.text };
  }
  return undefined;
}
