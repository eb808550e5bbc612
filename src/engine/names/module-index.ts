import path from 'node:path';
import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../types.js';
import { propertyNameText, skipOuterExpressions } from '../ast/syntax.js';

/**
 * Files of the same repository that the scanned code imports but that are not scanned (a monorepo's
 * `packages/auth`, an `ee/` folder): read on demand, read-only, so evidence that lives there (an
 * auth helper, a repository's owner filter) counts. Findings are never reported in them.
 */
/** `#app/*` -> targets, in the order package.json lists them; a target with conditions gives each string it holds. */
export type SubpathImports = Array<[pattern: string, targets: string[]]>;

export interface OutsideFiles {
  /** The file at an absolute path, parsed, when it is a source file inside the repository. */
  load(absolutePath: string): { file: ScannedSourceFile; tsconfig?: { dir: string; options: ts.CompilerOptions } } | undefined;
  /** Absolute module paths (without extension) a bare specifier may mean inside the repository's workspace packages. */
  packageCandidates(specifier: string): string[];
}


/**
 * What a name refers to, found without a type checker: a declaration in one of the scanned
 * files (possibly through imports, re-exports, barrels and CommonJS require), a whole module
 * (namespace import), or something from a package outside the project.
 */
export type Binding =
  | {
      kind: 'declaration';
      file: ScannedSourceFile;
      /** FunctionDeclaration, ClassDeclaration, VariableDeclaration, or the expression of `export default` / `module.exports =`. */
      node: ts.Node;
      name: string;
    }
  | { kind: 'namespace'; file: ScannedSourceFile }
  | { kind: 'external'; module: string; importedName: string };

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const MAX_EXPORT_HOPS = 12;

/**
 * Resolves imports between the scanned files and names to their declarations, across files.
 * Only the project's own files are ever looked at (relative specifiers and tsconfig `paths`/
 * `baseUrl`); packages are reported as external bindings, never loaded. Results are memoized.
 */
export class ModuleIndex {
  private readonly byAbsolutePath = new Map<string, ScannedSourceFile>();
  private readonly importCache = new Map<string, ScannedSourceFile | null>();
  /** Resolved names per file (null: resolving, or nothing found); keyed by object then name because lookups are hot. */
  private readonly localBindings = new Map<ScannedSourceFile, Map<string, Binding | null>>();
  private readonly exportBindings = new Map<ScannedSourceFile, Map<string, Binding | null>>();

  private readonly tsconfigs: Map<string, ts.CompilerOptions>;

  constructor(
    readonly sourceFiles: readonly ScannedSourceFile[],
    tsconfigs: ReadonlyMap<string, ts.CompilerOptions> = new Map(),
    /** Files of the repository outside the scanned paths, read on demand for evidence. */
    private readonly outside?: OutsideFiles,
    /** package.json `imports` per package folder (project.ts subpathImports). */
    private readonly packageImports: ReadonlyMap<string, SubpathImports> = new Map(),
  ) {
    for (const file of sourceFiles) this.byAbsolutePath.set(file.sourceFile.fileName, file);
    // Keys are compared with absolute source paths, so make them absolute whatever the caller passed.
    this.tsconfigs = new Map([...tsconfigs].map(([dir, options]) => [path.resolve(dir), options]));
  }

  /** Paths (relative to the scan root) of the files read from outside the scanned paths so far. */
  outsidePaths(): string[] {
    return [...this.byAbsolutePath.values()].filter((file) => file.outsideScan).map((file) => file.path);
  }

  /** The scanned file at an absolute path, if any. */
  fileAt(absolutePath: string): ScannedSourceFile | undefined {
    return this.byAbsolutePath.get(absolutePath);
  }

  /** The scanned file a module specifier in `from` points to, or undefined for packages and unknown files. */
  resolveImport(from: ScannedSourceFile, specifier: string): ScannedSourceFile | undefined {
    const key = `${from.path}\0${specifier}`;
    const cached = this.importCache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const resolved = this.resolveImportUncached(from, specifier);
    this.importCache.set(key, resolved ?? null);
    return resolved;
  }

  /** What a top-level name of `file` refers to, following imports and re-exports into other files. */
  resolveName(file: ScannedSourceFile, name: string): Binding | undefined {
    return this.resolveLocal(file, name, 0);
  }

  /**
   * What an identifier names where it is used: a module its function loads into a local
   * (`const helmet = await import('helmet')` inside `createApp()`, a lazy `const x = require('x')`,
   * `const { authorize } = await import('./auth.server')` that keeps a server module out of a client
   * bundle) before the file's top-level names, which resolveName reads. Other locals are not bindings here.
   */
  resolveIdentifier(file: ScannedSourceFile, identifier: ts.Identifier, local?: ts.VariableDeclaration): Binding | undefined {
    const required = local?.initializer && requiredModule(local.initializer);
    const member = required === undefined ? undefined : requiredMemberName(local!, identifier.text);
    if (required === undefined || member === undefined) return this.resolveName(file, identifier.text);
    return this.moduleBinding(file, required, member, 0);
  }

  /** What `file` exports under `exportName` ('default' for the default export / `module.exports =`). */
  resolveExport(file: ScannedSourceFile, exportName: string): Binding | undefined {
    return this.resolveExportInternal(file, exportName, 0);
  }

  /** The scanned file that is the source of a module reference, or the ScannedSourceFile of a node. */
  fileOf(node: ts.Node): ScannedSourceFile | undefined {
    return this.byAbsolutePath.get(node.getSourceFile().fileName);
  }

  private resolveImportUncached(from: ScannedSourceFile, specifier: string): ScannedSourceFile | undefined {
    const fromDir = path.posix.dirname(from.sourceFile.fileName);
    if (specifier.startsWith('.') || specifier.startsWith('/')) {
      return this.probe(path.posix.resolve(fromDir, specifier));
    }
    const options = this.nearestCompilerOptions(fromDir);
    if (options?.paths) {
      const base = (options.baseUrl ?? (options as { pathsBasePath?: string }).pathsBasePath ?? fromDir).split(path.sep).join('/');
      const found = this.probeMapped(Object.entries(options.paths), specifier, base);
      if (found) return found;
    }
    // Node's subpath imports (`#app/utils/auth.server.ts` by package.json `"imports": { "#app/*": "./app/*" }`).
    if (specifier.startsWith('#')) {
      const declared = nearestByFolder(this.packageImports, fromDir);
      const found = declared && this.probeMapped(declared.value, specifier, declared.dir);
      if (found) return found;
    }
    if (options?.baseUrl) {
      const found = this.probe(path.posix.resolve(options.baseUrl.split(path.sep).join('/'), specifier));
      if (found) return found;
    }
    // A workspace package of the same repository (`@acme/auth` in packages/auth): its source, read for evidence.
    for (const candidate of this.outside?.packageCandidates(specifier) ?? []) {
      const found = this.probe(candidate);
      if (found) return found;
    }
    return undefined;
  }

  /** The file the first matching pattern (`@/*`, `#app/*`) maps a specifier to, its targets read from `base`. */
  private probeMapped(patterns: ReadonlyArray<readonly [string, readonly string[]]>, specifier: string, base: string): ScannedSourceFile | undefined {
    for (const [pattern, targets] of patterns) {
      const star = pattern.indexOf('*');
      let captured: string | undefined;
      if (star === -1) captured = pattern === specifier ? '' : undefined;
      else {
        const prefix = pattern.slice(0, star);
        const suffix = pattern.slice(star + 1);
        if (specifier.startsWith(prefix) && specifier.endsWith(suffix) && specifier.length >= prefix.length + suffix.length) {
          captured = specifier.slice(prefix.length, specifier.length - suffix.length);
        }
      }
      if (captured === undefined) continue;
      for (const target of targets) {
        const found = this.probe(path.posix.resolve(base, target.replace('*', captured)));
        if (found) return found;
      }
    }
    return undefined;
  }

  /** `./x` may be x.ts, x.tsx, x/index.ts ...; `./x.js` in NodeNext projects means x.ts. */
  private probe(base: string): ScannedSourceFile | undefined {
    const direct = this.byAbsolutePath.get(base);
    if (direct) return direct;
    const extension = path.posix.extname(base);
    const stem = ['.js', '.jsx', '.mjs', '.cjs'].includes(extension) ? base.slice(0, -extension.length) : base;
    const candidates = [...SOURCE_EXTENSIONS.map((ext) => stem + ext), ...SOURCE_EXTENSIONS.map((ext) => `${base}/index${ext}`)];
    for (const candidate of candidates) {
      const found = this.byAbsolutePath.get(candidate);
      if (found) return found;
    }
    if (!this.outside) return undefined;
    for (const candidate of [base, ...candidates]) {
      const loaded = this.outside.load(candidate);
      if (!loaded) continue;
      this.byAbsolutePath.set(candidate, loaded.file);
      if (loaded.tsconfig && !this.tsconfigs.has(path.resolve(loaded.tsconfig.dir))) this.tsconfigs.set(path.resolve(loaded.tsconfig.dir), loaded.tsconfig.options);
      return loaded.file;
    }
    return undefined;
  }

  private nearestCompilerOptions(dir: string): ts.CompilerOptions | undefined {
    return nearestByFolder(this.tsconfigs, dir)?.value;
  }

  private resolveLocal(file: ScannedSourceFile, name: string, hops: number): Binding | undefined {
    const cache = bindingsOf(this.localBindings, file);
    const known = cache.get(name);
    if (known !== undefined) return known ?? undefined;
    cache.set(name, null); // cycle guard
    const binding = hops > MAX_EXPORT_HOPS ? undefined : this.findLocal(file, name, hops);
    cache.set(name, binding ?? null);
    return binding;
  }

  private readonly topLevelNames = new Map<ScannedSourceFile, Map<string, ts.Statement[]>>();

  /** Top-level statements by the names they declare, built once per file (lookups are hot). */
  private statementsDeclaring(file: ScannedSourceFile, name: string): readonly ts.Statement[] {
    let index = this.topLevelNames.get(file);
    if (!index) {
      index = new Map();
      const add = (declared: string, statement: ts.Statement) => {
        const list = index!.get(declared);
        if (list) list.push(statement);
        else index!.set(declared, [statement]);
      };
      for (const statement of file.sourceFile.statements) {
        for (const declared of declaredNames(statement)) add(declared, statement);
      }
      this.topLevelNames.set(file, index);
    }
    return index.get(name) ?? [];
  }

  private findLocal(file: ScannedSourceFile, name: string, hops: number): Binding | undefined {
    for (const statement of this.statementsDeclaring(file, name)) {
      // Overload signatures have no body: the implementation that follows them is the function.
      if (ts.isFunctionDeclaration(statement) && !statement.body && !isAmbient(statement)) continue;
      if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name?.text === name) {
        return { kind: 'declaration', file, node: statement, name };
      }
      if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          const found = this.bindingFromVariable(file, declaration, name, hops);
          if (found) return found;
        }
      }
      if (ts.isEnumDeclaration(statement) && statement.name.text === name) return { kind: 'declaration', file, node: statement, name };
      if (isNamespace(statement) && statement.name.text === name) return { kind: 'declaration', file, node: statement, name };
      if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
        const found = this.bindingFromImport(file, statement, name, hops);
        if (found) return found;
      }
      if (ts.isImportEqualsDeclaration(statement) && statement.name.text === name && ts.isExternalModuleReference(statement.moduleReference)) {
        const specifier = statement.moduleReference.expression;
        if (ts.isStringLiteral(specifier)) return this.moduleBinding(file, specifier.text, 'default', hops);
      }
    }
    return undefined;
  }

  /** `const x = ...`, `const x = require('./y')`, `const { a: x } = require('./y')`. */
  private bindingFromVariable(file: ScannedSourceFile, declaration: ts.VariableDeclaration, name: string, hops: number): Binding | undefined {
    const required = declaration.initializer && requiredModule(declaration.initializer);
    const member = requiredMemberName(declaration, name);
    if (member === undefined) return undefined;
    if (required !== undefined) return this.moduleBinding(file, required, member, hops);
    return { kind: 'declaration', file, node: declaration, name };
  }

  private bindingFromImport(file: ScannedSourceFile, statement: ts.ImportDeclaration, name: string, hops: number): Binding | undefined {
    const clause = statement.importClause;
    if (!clause) return undefined;
    const specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
    if (clause.name?.text === name) return this.moduleBinding(file, specifier, 'default', hops);
    const bindings = clause.namedBindings;
    if (!bindings) return undefined;
    if (ts.isNamespaceImport(bindings)) {
      if (bindings.name.text !== name) return undefined;
      const target = this.resolveImport(file, specifier);
      return target ? { kind: 'namespace', file: target } : { kind: 'external', module: specifier, importedName: '*' };
    }
    for (const element of bindings.elements) {
      if (element.name.text !== name) continue;
      const imported = element.propertyName ? moduleExportName(element.propertyName) : name;
      return this.moduleBinding(file, specifier, imported, hops);
    }
    return undefined;
  }

  private moduleBinding(file: ScannedSourceFile, specifier: string, exportName: string, hops: number): Binding {
    const target = this.resolveImport(file, specifier);
    if (!target) return { kind: 'external', module: specifier, importedName: exportName };
    const found = this.resolveExportInternal(target, exportName, hops + 1);
    if (found) return found;
    // `require('./appHandler')` of a module that only assigns `module.exports.name = ...`: its exports object.
    if (exportName === 'default') return { kind: 'namespace', file: target };
    return { kind: 'external', module: specifier, importedName: exportName };
  }

  private resolveExportInternal(file: ScannedSourceFile, exportName: string, hops: number): Binding | undefined {
    const cache = bindingsOf(this.exportBindings, file);
    const known = cache.get(exportName);
    if (known !== undefined) return known ?? undefined;
    cache.set(exportName, null);
    const binding = hops > MAX_EXPORT_HOPS ? undefined : this.findExport(file, exportName, hops);
    cache.set(exportName, binding ?? null);
    return binding;
  }

  private findExport(file: ScannedSourceFile, exportName: string, hops: number): Binding | undefined {
    const starSources: string[] = [];
    for (const statement of file.sourceFile.statements) {
      if (ts.isExportAssignment(statement)) {
        // `export default expr` and TypeScript's `export = expr`.
        if (exportName === 'default') return this.bindingOfExpression(file, statement.expression, hops);
        continue;
      }
      if (ts.isExportDeclaration(statement)) {
        const from = statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : undefined;
        const clause = statement.exportClause;
        if (!clause) {
          if (from) starSources.push(from);
          continue;
        }
        if (ts.isNamespaceExport(clause)) {
          if (moduleExportName(clause.name) === exportName && from) {
            const target = this.resolveImport(file, from);
            return target ? { kind: 'namespace', file: target } : { kind: 'external', module: from, importedName: '*' };
          }
          continue;
        }
        for (const element of clause.elements) {
          if (moduleExportName(element.name) !== exportName) continue;
          const local = element.propertyName ? moduleExportName(element.propertyName) : exportName;
          return from ? this.moduleBinding(file, from, local, hops) : this.resolveLocal(file, local, hops + 1);
        }
        continue;
      }
      if (hasExportModifier(statement)) {
        const isDefault = hasDefaultModifier(statement);
        if (ts.isFunctionDeclaration(statement) && !statement.body && !isAmbient(statement)) continue;
        if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && (isDefault ? exportName === 'default' : statement.name?.text === exportName)) {
          return { kind: 'declaration', file, node: statement, name: statement.name?.text ?? 'default' };
        }
        if (ts.isEnumDeclaration(statement) && statement.name.text === exportName) return { kind: 'declaration', file, node: statement, name: exportName };
        if (isNamespace(statement) && statement.name.text === exportName) return { kind: 'declaration', file, node: statement, name: exportName };
        if (ts.isVariableStatement(statement) && !isDefault) {
          for (const declaration of statement.declarationList.declarations) {
            if (ts.isIdentifier(declaration.name) && declaration.name.text === exportName) {
              return { kind: 'declaration', file, node: declaration, name: exportName };
            }
            // export const { auth, handlers } = NextAuth(config)
            if (ts.isObjectBindingPattern(declaration.name) && declaration.name.elements.some((element) => ts.isIdentifier(element.name) && element.name.text === exportName)) {
              return { kind: 'declaration', file, node: declaration, name: exportName };
            }
          }
        }
      }
      const reexported = commonJsReexports(statement, exportName);
      if (reexported) starSources.push(...reexported);
      const commonJs = commonJsExport(statement, exportName);
      if (commonJs) return ts.isMethodDeclaration(commonJs) ? { kind: 'declaration', file, node: commonJs, name: exportName } : this.bindingOfExpression(file, commonJs, hops);
    }
    for (const from of starSources) {
      const target = this.resolveImport(file, from);
      const found = target && this.resolveExportInternal(target, exportName, hops + 1);
      if (found) return found;
    }
    return undefined;
  }

  /** An exported expression: a name is followed to its declaration, anything else is the declaration itself. */
  private bindingOfExpression(file: ScannedSourceFile, expression: ts.Expression, hops: number): Binding {
    const inner = skipOuterExpressions(expression);
    // `module.exports.userService = require('./user.service')`: the other module's exports object.
    const required = ts.isCallExpression(inner) ? requiredModule(inner) : undefined;
    if (required !== undefined) {
      const target = this.resolveImport(file, required);
      if (!target) return { kind: 'external', module: required, importedName: 'default' };
      return this.resolveExportInternal(target, 'default', hops + 1) ?? { kind: 'namespace', file: target };
    }
    if (ts.isIdentifier(inner)) {
      return this.resolveLocal(file, inner.text, hops + 1) ?? { kind: 'declaration', file, node: inner, name: inner.text };
    }
    return { kind: 'declaration', file, node: inner, name: 'default' };
  }
}

/** `namespace Util { ... }` / `module Util { ... }` (a name, not `declare module 'pkg'`): a container of functions, as a module is. */
function isNamespace(statement: ts.Statement): statement is ts.ModuleDeclaration & { name: ts.Identifier } {
  return ts.isModuleDeclaration(statement) && ts.isIdentifier(statement.name);
}

/** Names a top-level statement declares (functions, classes, enums, namespaces, variables with patterns, imports). */
function declaredNames(statement: ts.Statement): string[] {
  if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name) return [statement.name.text];
  if (isNamespace(statement)) return [statement.name.text];
  if (ts.isVariableStatement(statement)) return statement.declarationList.declarations.flatMap((declaration) => bindingNames(declaration.name));
  if (ts.isImportEqualsDeclaration(statement)) return [statement.name.text];
  if (ts.isImportDeclaration(statement)) {
    const clause = statement.importClause;
    if (!clause) return [];
    const names = clause.name ? [clause.name.text] : [];
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) names.push(bindings.name.text);
    else if (bindings) names.push(...bindings.elements.map((element) => element.name.text));
    return names;
  }
  return [];
}

/** Every name a declaration binds: `x`, `{ a, b: { c } }`, `[d, , e]`. */
export function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((element) => (ts.isOmittedExpression(element) ? [] : bindingNames(element.name)));
}

/** The value a declaration binding holds: a function/class declaration itself, or a variable's initializer. */
export function bindingValue(binding: Binding | undefined): ts.Node | undefined {
  if (!binding || binding.kind !== 'declaration') return undefined;
  const { node } = binding;
  if (ts.isVariableDeclaration(node)) return node.initializer && skipOuterExpressions(node.initializer);
  return node;
}


/**
 * The export a declaration's name would take from a required module: `require('./x').name` picks
 * `name`, plain `require('./x')` the default (module.exports), `const { a: b } = await import('./x')`
 * `a` for `b`. Undefined when the declaration does not bind `name`.
 */
function requiredMemberName(declaration: ts.VariableDeclaration, name: string): string | undefined {
  if (ts.isIdentifier(declaration.name)) {
    if (declaration.name.text !== name) return undefined;
    const init = declaration.initializer && skipOuterExpressions(declaration.initializer);
    return init && ts.isPropertyAccessExpression(init) ? init.name.text : 'default';
  }
  if (!ts.isObjectBindingPattern(declaration.name)) return undefined;
  for (const element of declaration.name.elements) {
    if (!ts.isIdentifier(element.name) || element.name.text !== name) continue;
    return element.propertyName && ts.isIdentifier(element.propertyName) ? element.propertyName.text : name;
  }
  return undefined;
}

/** `require('x')`, `require('x').name`, `(await import('x'))`: the module specifier, else undefined. */
export function requiredModule(expression: ts.Expression): string | undefined {
  let current = skipOuterExpressions(expression);
  if (ts.isPropertyAccessExpression(current)) current = skipOuterExpressions(current.expression);
  if (
    ts.isCallExpression(current) &&
    (current.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(current.expression) && current.expression.text === 'require')) &&
    current.arguments.length === 1 &&
    ts.isStringLiteralLike(current.arguments[0]!)
  ) {
    return (current.arguments[0] as ts.StringLiteralLike).text;
  }
  return undefined;
}

/** `module.exports = x` (default), `module.exports.name = x` / `exports.name = x`, `module.exports = { name }`, `module.exports = { async name(event) {...} }`. */
function commonJsExport(statement: ts.Statement, exportName: string): ts.Expression | ts.MethodDeclaration | undefined {
  if (!ts.isExpressionStatement(statement) || !ts.isBinaryExpression(statement.expression)) return undefined;
  let assignment = statement.expression;
  if (assignment.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
  // `exports = module.exports = api`: the inner assignment is the export.
  if (ts.isIdentifier(assignment.left) && assignment.left.text === 'exports' && ts.isBinaryExpression(assignment.right) && assignment.right.operatorToken.kind === ts.SyntaxKind.EqualsToken) assignment = assignment.right;
  const target = assignment.left;
  if (isModuleExports(target)) {
    if (exportName === 'default') return assignment.right;
    const value = skipOuterExpressions(assignment.right);
    if (ts.isObjectLiteralExpression(value)) {
      for (const property of value.properties) {
        if (ts.isShorthandPropertyAssignment(property) && property.name.text === exportName) return property.name;
        if (ts.isPropertyAssignment(property) && propertyNameText(property.name) === exportName) return property.initializer;
        if (ts.isMethodDeclaration(property) && property.body && propertyNameText(property.name) === exportName) return property;
      }
    }
    return undefined;
  }
  if (ts.isPropertyAccessExpression(target) && target.name.text === exportName) {
    const owner = target.expression;
    if (isModuleExports(owner) || (ts.isIdentifier(owner) && owner.text === 'exports')) return assignment.right;
  }
  return undefined;
}

/**
 * CommonJS barrels, the `export * from` of CommonJS: `module.exports = { ...require('./a'), ...require('./b') }`
 * re-exports every name of a and b; `module.exports = require('./a')` every name of a (its default too,
 * which commonJsExport answers). The specifiers, in source order.
 */
function commonJsReexports(statement: ts.Statement, exportName: string): string[] | undefined {
  if (!ts.isExpressionStatement(statement) || !ts.isBinaryExpression(statement.expression)) return undefined;
  const assignment = statement.expression;
  if (assignment.operatorToken.kind !== ts.SyntaxKind.EqualsToken || !isModuleExports(assignment.left)) return undefined;
  const value = skipOuterExpressions(assignment.right);
  if (ts.isObjectLiteralExpression(value)) {
    const specifiers = value.properties.flatMap((property) => {
      const required = ts.isSpreadAssignment(property) && ts.isCallExpression(skipOuterExpressions(property.expression)) ? requiredModule(property.expression) : undefined;
      return required === undefined ? [] : [required];
    });
    return specifiers.length > 0 ? specifiers : undefined;
  }
  if (exportName === 'default' || !ts.isCallExpression(value)) return undefined;
  const required = requiredModule(value);
  return required === undefined ? undefined : [required];
}

function isModuleExports(expression: ts.Expression): boolean {
  return (
    ts.isPropertyAccessExpression(expression) &&
    expression.name.text === 'exports' &&
    ts.isIdentifier(expression.expression) &&
    expression.expression.text === 'module'
  );
}


function moduleExportName(name: ts.ModuleExportName): string {
  return name.text;
}

function hasExportModifier(statement: ts.Statement): boolean {
  return (ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) ?? false;
}

function hasDefaultModifier(statement: ts.Statement): boolean {
  return (ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)) ?? false;
}

/** `declare function f(): void`: nothing follows it, it is the whole declaration. */
function isAmbient(statement: ts.FunctionDeclaration): boolean {
  return (ts.getCombinedModifierFlags(statement) & ts.ModifierFlags.Ambient) !== 0;
}

function bindingsOf(caches: Map<ScannedSourceFile, Map<string, Binding | null>>, file: ScannedSourceFile): Map<string, Binding | null> {
  let cache = caches.get(file);
  if (!cache) {
    cache = new Map();
    caches.set(file, cache);
  }
  return cache;
}

/** The entry of the deepest folder at or above `dir` (posix) in a map keyed by folder. */
function nearestByFolder<T>(byFolder: ReadonlyMap<string, T>, dir: string): { dir: string; value: T } | undefined {
  let best: { dir: string; value: T } | undefined;
  for (const [folder, value] of byFolder) {
    const posixDir = folder.split(path.sep).join('/');
    if ((dir === posixDir || dir.startsWith(`${posixDir}/`)) && (!best || posixDir.length > best.dir.length)) best = { dir: posixDir, value };
  }
  return best;
}
