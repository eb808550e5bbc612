import { ts } from '#typescript';
import { skipOuterExpressions } from '../ast/syntax.js';
import type { ModuleIndex } from './module-index.js';
import type { ScannedSourceFile } from '../../types.js';
import { localDeclaration } from './locals.js';

/** A value that comes from a package: `exec` of child_process, the `vm` module itself ('*' / 'default'). */
export interface ImportedValue {
  /** Package specifier without the `node:` prefix: child_process, vm, shelljs. */
  module: string;
  /** The export: `exec`, or 'default' / '*' for the module object itself. */
  name: string;
}

const MAX_HOPS = 6;

/**
 * Which package export an expression names, through every way code gets one: ES imports (named,
 * default, namespace, renamed), `require` (whole, destructured, `.member`), module-level and local
 * aliases, `util.promisify(exec)`, and member reads on the module object (`cp.exec`).
 */
export function importedValue(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression, hops = 0): ImportedValue | undefined {
  if (hops > MAX_HOPS) return undefined;
  const value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value)) return importedIdentifier(modules, file, value, hops);
  if (ts.isPropertyAccessExpression(value)) {
    const base = importedValue(modules, file, value.expression, hops + 1);
    if (!base) return undefined;
    return { module: base.module, name: isModuleObject(base) ? value.name.text : `${base.name}.${value.name.text}` };
  }
  if (ts.isCallExpression(value)) {
    const specifier = requireSpecifier(value);
    if (specifier !== undefined) return { module: normalizeModule(specifier), name: 'default' };
    // promisify(exec) behaves as exec for our purposes: same command, same shell.
    const callee = skipOuterExpressions(value.expression);
    const calleeName = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    if (calleeName === 'promisify' && value.arguments[0]) return importedValue(modules, file, value.arguments[0], hops + 1);
  }
  return undefined;
}

export function isModuleObject(value: ImportedValue): boolean {
  return value.name === 'default' || value.name === '*';
}

function importedIdentifier(modules: ModuleIndex, file: ScannedSourceFile, identifier: ts.Identifier, hops: number): ImportedValue | undefined {
  const local = localDeclaration(identifier);
  if (local) return fromDeclaration(modules, file, local, identifier.text, hops);
  const binding = modules.resolveName(file, identifier.text);
  if (!binding) return undefined;
  if (binding.kind === 'external') return { module: normalizeModule(binding.module), name: binding.importedName };
  if (binding.kind === 'declaration' && ts.isVariableDeclaration(binding.node)) return fromDeclaration(modules, binding.file, binding.node, binding.name, hops);
  return undefined;
}

/** `const x = <init>` or `const { a: x } = <init>`: what `x` names. */
function fromDeclaration(modules: ModuleIndex, file: ScannedSourceFile, declaration: ts.VariableDeclaration, name: string, hops: number): ImportedValue | undefined {
  if (!declaration.initializer) return undefined;
  const source = importedValue(modules, file, declaration.initializer, hops + 1);
  if (!source) return undefined;
  if (ts.isIdentifier(declaration.name)) return source;
  if (ts.isObjectBindingPattern(declaration.name)) {
    for (const element of declaration.name.elements) {
      if (!ts.isIdentifier(element.name) || element.name.text !== name) continue;
      const key = element.propertyName && ts.isIdentifier(element.propertyName) ? element.propertyName.text : name;
      return { module: source.module, name: isModuleObject(source) ? key : `${source.name}.${key}` };
    }
  }
  return undefined;
}

function requireSpecifier(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  const isRequire = (ts.isIdentifier(callee) && callee.text === 'require') || callee.kind === ts.SyntaxKind.ImportKeyword;
  const argument = call.arguments[0];
  return isRequire && argument && ts.isStringLiteralLike(argument) ? argument.text : undefined;
}

/** `node:fs` and `fs` are the same module; so are `node:fs/promises` and `fs/promises`. */
export function normalizeModule(specifier: string): string {
  return specifier.startsWith('node:') ? specifier.slice(5) : specifier;
}
