import path from 'node:path';
import { ts } from '#typescript';
import type { ScannedSourceFile, ScannedTextFile } from '../types.js';
import { skipOuterExpressions } from './ast/syntax.js';
import {
  DEFAULT_VIEWS_FOLDER,
  ENGINE_PACKAGES,
  NEST_VIEW_ENGINE_METHODS,
  NEST_VIEWS_FOLDER_METHODS,
  TEMPLATE_ENGINES,
  VIEW_ENGINE_SETTINGS,
  VIEWS_FOLDER_SETTINGS,
  type TemplateEngineModel,
} from '../models/view-templates.js';
import { own } from './own.js';

/** One place a template prints a value without escaping it. */
export interface RawTemplateOutput {
  /** The view locals the printed expression reads (`bio` in `{{{ user.bio }}}` is `user`). */
  names: readonly string[];
  /** The tag as written, shortened: `{{{ user.bio }}}`. */
  text: string;
  /** 1-based. */
  line: number;
  column: number;
  engine: string;
}

/**
 * Server-side views of a scan: the template files (loaded as text files of kind `template`), the
 * views folders and engines the apps configure, and the raw outputs of each template. Built once
 * per scan from its files; a view name resolves to a template by the configured folder and engine
 * first, then by file name alone (koa-views, @fastify/view and hand-rolled setups configure the
 * folder in ways a reader cannot always evaluate).
 */
export class ViewIndex {
  private readonly templates: readonly ScannedTextFile[];
  private readonly folders = new Set<string>();
  private readonly engineExtensions = new Set<string>();
  /** Extensions an app binds to an engine: `app.engine('html', require('ejs-mate'))` -> `.html` is EJS. */
  private readonly extensionEngines = new Map<string, TemplateEngineModel>();
  private readonly outputs = new Map<string, readonly RawTemplateOutput[]>();

  constructor(sourceFiles: readonly ScannedSourceFile[], textFiles: readonly ScannedTextFile[]) {
    this.templates = textFiles.filter((file) => file.kind === 'template');
    if (this.templates.length === 0) return;
    for (const file of sourceFiles) if (!file.outsideScan && SETTING_HINT.test(file.text)) this.readSettings(file);
  }

  get hasTemplates(): boolean {
    return this.templates.length > 0;
  }

  /**
   * The template `res.render(name)` reads: `users/show` -> `views/users/show.hbs`. Under a
   * configured views folder (or a folder named `views`) and with the configured engine's
   * extension first; otherwise any template whose path ends with the name.
   */
  resolve(viewName: string): ScannedTextFile | undefined {
    const name = viewName.replace(/^\.?\/+/, '').replace(/\\/g, '/');
    if (name === '') return undefined;
    const hasExtension = this.engineOf(path.posix.extname(name).toLowerCase()) !== undefined;
    let best: { file: ScannedTextFile; score: number } | undefined;
    for (const file of this.templates) {
      const extension = path.posix.extname(file.path).toLowerCase();
      // An `.html` file in a views folder is a template only when the app binds `.html` to an engine.
      if (!this.engineOf(extension)) continue;
      const stem = hasExtension ? file.path : file.path.slice(0, -extension.length);
      if (!(stem === name || stem.endsWith(`/${name}`))) continue;
      const folder = stem.slice(0, stem.length - name.length).replace(/\/$/, '');
      let score = 0;
      if (this.folders.has(folder)) score += 4;
      else if (folder === DEFAULT_VIEWS_FOLDER || folder.endsWith(`/${DEFAULT_VIEWS_FOLDER}`)) score += 2;
      if (this.engineExtensions.has(extension)) score += 1;
      // Ties: the shorter path (a top-level views folder over a nested copy), then the path itself.
      if (!best || score > best.score || (score === best.score && (file.path.length < best.file.path.length || (file.path.length === best.file.path.length && file.path < best.file.path)))) best = { file, score };
    }
    return best?.file;
  }

  /** Every raw output of a template, in document order. */
  rawOutputs(file: ScannedTextFile): readonly RawTemplateOutput[] {
    const known = this.outputs.get(file.path);
    if (known) return known;
    const engine = this.engineOf(path.posix.extname(file.path).toLowerCase());
    const found = engine ? rawOutputsOf(file, engine) : [];
    this.outputs.set(file.path, found);
    return found;
  }

  /** The engine that reads a template (by its extension, or the app's `app.engine(ext, ...)` binding). */
  engineOfTemplate(file: ScannedTextFile): TemplateEngineModel | undefined {
    return this.engineOf(path.posix.extname(file.path).toLowerCase());
  }

  private engineOf(extension: string): TemplateEngineModel | undefined {
    return TEMPLATE_ENGINES.find((engine) => engine.extensions.includes(extension)) ?? this.extensionEngines.get(extension);
  }

  /** `app.set('views', path.join(__dirname, 'views'))`, `app.set('view engine', 'hbs')`, `app.engine('html', ...)`, Nest `app.setBaseViewsDir(...)`. */
  private readSettings(file: ScannedSourceFile): void {
    let imports: Map<string, string> | undefined;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const method = node.expression.name.text;
        const [first, second] = node.arguments.map((argument) => skipOuterExpressions(argument));
        if (method === 'engine' && first && second && ts.isStringLiteralLike(first)) {
          const engine = engineRegisteredBy(second, (imports ??= importsOf(file.sourceFile)));
          if (engine) this.extensionEngines.set(first.text.startsWith('.') ? first.text.toLowerCase() : `.${first.text.toLowerCase()}`, engine);
        } else if (method === 'set' && first && second && ts.isStringLiteralLike(first)) {
          if (VIEWS_FOLDER_SETTINGS.includes(first.text)) this.addFolders(second, file.path);
          else if (VIEW_ENGINE_SETTINGS.includes(first.text) && ts.isStringLiteralLike(second)) this.addEngine(second.text);
        } else if (NEST_VIEWS_FOLDER_METHODS.includes(method) && first) {
          this.addFolders(first, file.path);
        } else if (NEST_VIEW_ENGINE_METHODS.includes(method) && first && ts.isStringLiteralLike(first)) {
          this.addEngine(first.text);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file.sourceFile);
  }

  private addFolders(value: ts.Expression, filePath: string): void {
    // `app.set('views', [dir1, dir2])`
    const values = ts.isArrayLiteralExpression(value) ? value.elements.map((element) => skipOuterExpressions(element)) : [value];
    for (const each of values) {
      const folder = folderOf(each, path.posix.dirname(filePath));
      if (folder !== undefined) this.folders.add(folder);
    }
  }

  private addEngine(name: string): void {
    const extension = name.startsWith('.') ? name.toLowerCase() : `.${name.toLowerCase()}`;
    this.engineExtensions.add(extension);
    // `app.set('view engine', 'handlebars')`: the engine's name, not an extension.
    for (const engine of TEMPLATE_ENGINES) if (engine.engine === name.toLowerCase()) for (const each of engine.extensions) this.engineExtensions.add(each);
  }
}

const SETTING_HINT = /\.set\(\s*['"]view|\.engine\(|setBaseViewsDir|setViewEngine/;

/** The engine an `app.engine(ext, x)` registration installs: `require('ejs-mate')`, `ejs.renderFile`, `hbs.__express`, `engine({...})` from express-handlebars. */
function engineRegisteredBy(expression: ts.Expression, imports: ReadonlyMap<string, string>): TemplateEngineModel | undefined {
  let root: ts.Expression = expression;
  for (;;) {
    root = skipOuterExpressions(root);
    if (ts.isCallExpression(root) && ts.isIdentifier(root.expression) && root.expression.text === 'require' && root.arguments[0] && ts.isStringLiteralLike(root.arguments[0])) return engineOfPackage(root.arguments[0].text);
    if (ts.isCallExpression(root) || ts.isPropertyAccessExpression(root)) root = root.expression;
    else break;
  }
  return ts.isIdentifier(root) ? engineOfPackage(imports.get(root.text)) : undefined;
}

function engineOfPackage(module: string | undefined): TemplateEngineModel | undefined {
  const name = module === undefined ? undefined : own(ENGINE_PACKAGES, module);
  return name === undefined ? undefined : TEMPLATE_ENGINES.find((engine) => engine.engine === name);
}

/** A file's imported names and the modules they come from (`import ejs from 'ejs'`, `const hbs = require('hbs')`). */
function importsOf(sourceFile: ts.SourceFile): Map<string, string> {
  const imports = new Map<string, string>();
  for (const statement of sourceFile.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      if (clause?.name) imports.set(clause.name.text, statement.moduleSpecifier.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) imports.set(bindings.name.text, statement.moduleSpecifier.text);
      if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) imports.set(element.name.text, statement.moduleSpecifier.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const value = declaration.initializer && skipOuterExpressions(declaration.initializer);
        if (!value || !ts.isCallExpression(value) || !ts.isIdentifier(value.expression) || value.expression.text !== 'require' || !value.arguments[0] || !ts.isStringLiteralLike(value.arguments[0])) continue;
        const module = value.arguments[0].text;
        if (ts.isIdentifier(declaration.name)) imports.set(declaration.name.text, module);
        else if (ts.isObjectBindingPattern(declaration.name)) for (const element of declaration.name.elements) if (ts.isIdentifier(element.name)) imports.set(element.name.text, module);
      }
    }
  }
  return imports;
}

/**
 * A views folder as a path relative to the scan root: `path.join(__dirname, '../views')` from
 * `src/app.ts` is `views`; a bare `'views'` is relative to the working directory, taken as the
 * package root, which is not known here, so it is kept as written. Undefined when not evaluable.
 */
function folderOf(expression: ts.Expression, fileDirectory: string): string | undefined {
  const parts = folderParts(expression, fileDirectory, 0);
  if (!parts) return undefined;
  const joined = path.posix.normalize(path.posix.join(...parts));
  if (joined.startsWith('..')) return undefined;
  return joined === '.' ? '' : joined.replace(/\/$/, '');
}

function folderParts(expression: ts.Expression, fileDirectory: string, depth: number): string[] | undefined {
  if (depth > 4) return undefined;
  const value = skipOuterExpressions(expression);
  if (ts.isStringLiteralLike(value)) return [value.text.replace(/^\/+/, '')];
  if (ts.isIdentifier(value) && value.text === '__dirname') return [fileDirectory || '.'];
  // `path.join(__dirname, 'views')`, `join(...)`, `resolve(...)`
  if (ts.isCallExpression(value)) {
    const callee = skipOuterExpressions(value.expression);
    const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
    if (name === 'cwd') return ['.'];
    if (name !== 'join' && name !== 'resolve') return undefined;
    const parts: string[] = [];
    for (const argument of value.arguments) {
      const part = folderParts(argument, fileDirectory, depth + 1);
      if (!part) return undefined;
      parts.push(...part);
    }
    return parts;
  }
  // `__dirname + '/views'`, `` `${__dirname}/views` ``
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = folderParts(value.left, fileDirectory, depth + 1);
    const right = folderParts(value.right, fileDirectory, depth + 1);
    return left && right ? [...left, ...right] : undefined;
  }
  if (ts.isTemplateExpression(value)) {
    const parts: string[] = [value.head.text];
    for (const span of value.templateSpans) {
      const part = folderParts(span.expression, fileDirectory, depth + 1);
      if (!part) return undefined;
      parts.push(...part, span.literal.text.replace(/^\/+/, ''));
    }
    return parts.filter((part) => part !== '');
  }
  return undefined;
}

const MAX_SHOWN = 60;

function rawOutputsOf(file: ScannedTextFile, engine: TemplateEngineModel): RawTemplateOutput[] {
  const found: RawTemplateOutput[] = [];
  const lineStarts = lineStartsOf(file.text);
  for (const { pattern } of engine.rawOutputs) {
    for (const match of file.text.matchAll(new RegExp(pattern.source, pattern.flags))) {
      const expression = match[1] ?? '';
      const names = namesIn(expression, engine);
      if (names.length === 0) continue;
      const { line, column } = positionOf(lineStarts, match.index ?? 0);
      const shown = match[0].replace(/\s+/g, ' ');
      found.push({ names, text: shown.length > MAX_SHOWN ? `${shown.slice(0, MAX_SHOWN - 1)}…` : shown, line, column, engine: engine.engine });
    }
  }
  return found.sort((a, b) => a.line - b.line || a.column - b.column);
}

/**
 * The locals an output expression reads. Handlebars: `{{{ markdown post.body }}}` is the helper
 * `markdown` given `post`; other engines: the root identifiers of a JavaScript-like expression.
 */
function namesIn(expression: string, engine: TemplateEngineModel): string[] {
  const trimmed = expression.trim();
  if (engine.templateOutputs?.some((pattern) => pattern.test(trimmed))) return [];
  const names = new Set<string>();
  if (engine.engine === 'handlebars') {
    const tokens = trimmed.split(/\s+/).filter((token) => token !== '' && !/^['"\d]/.test(token));
    const values = tokens.length > 1 ? tokens.slice(1) : tokens;
    for (const token of values) {
      const value = token.includes('=') ? token.slice(token.indexOf('=') + 1) : token;
      const root = value.replace(/^(?:\.\.\/)+/, '').replace(/^@root\./, '').replace(/^this[./]/, '').split(/[./[]/)[0] ?? '';
      if (/^[A-Za-z_$][\w$-]*$/.test(root) && !engine.reservedNames.includes(root)) names.add(root);
    }
    return [...names];
  }
  // Nunjucks filters (`bio | safe`, `x | replace('a', 'b') | safe`): only what is filtered is printed.
  const printed = engine.engine === 'nunjucks' ? trimmed.split('|')[0] ?? '' : trimmed;
  const code = printed.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`/g, '""');
  for (const match of code.matchAll(/locals\s*\.\s*([A-Za-z_$][\w$]*)/g)) names.add(match[1]!);
  for (const match of code.matchAll(/(?<![.\w$])([A-Za-z_$][\w$]*)/g)) {
    const name = match[1]!;
    if (!engine.reservedNames.includes(name)) names.add(name);
  }
  return [...names];
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) starts.push(index + 1);
  return starts;
}

function positionOf(lineStarts: readonly number[], offset: number): { line: number; column: number } {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (lineStarts[middle]! <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: offset - lineStarts[low]! + 1 };
}

const indexes = new WeakMap<readonly ScannedTextFile[], ViewIndex>();

/** The scan's view index, built on first use and shared by every rule that asks. */
export function viewIndexOf(sourceFiles: readonly ScannedSourceFile[], textFiles: readonly ScannedTextFile[]): ViewIndex {
  let index = indexes.get(textFiles);
  if (!index) indexes.set(textFiles, (index = new ViewIndex(sourceFiles, textFiles)));
  return index;
}
