import path from 'node:path';
import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { bindingValue, type ModuleIndex } from '../../names/index.js';
import { propertyValue, skipOuterExpressions } from '../../ast/syntax.js';
import { objectLiteralOf, staticString } from './static-values.js';
import { joinRoutePath } from '../../routes/route-path.js';

export const AUTOLOAD_PACKAGES = new Set(['@fastify/autoload', 'fastify-autoload']);

/** One file @fastify/autoload loads as a plugin, with the prefix autoload gives it. */
export interface AutoloadedPlugin {
  file: ScannedSourceFile;
  prefix: string;
  /**
   * The `autohooks` files whose hooks wrap this plugin (`autoHooks: true`), outermost first: its own
   * folder's, and with `cascadeHooks` every ancestor folder's up to `dir` (reset by `overwriteHooks`).
   */
  hooks: ScannedSourceFile[];
}

const INDEX_FILE = /^index\.(?:[cm]?[jt]s|tsx|jsx)$/;
const SCRIPT_FILE = /\.(?:[cm]?[jt]s|tsx|jsx)$/;
const NOT_A_PLUGIN = /\.d\.[cm]?ts$|\.(?:test|spec)\.[cm]?[jt]sx?$|^[_.]?auto_?hooks\./i;
/** @fastify/autoload's default autoHooksPattern. */
const AUTOHOOKS_FILE = /^[_.]?auto_?hooks\.(?:[cm]?[jt]s)$/i;
/** Names that stand for "the directory of this module" in `join(__dirname, 'routes')` and friends. */
const MODULE_DIRECTORY = /^(?:__dirname|import\.meta\.(?:url|dirname|filename)|__filename)$/;

/** The folder (relative to the scan root) an autoload `dir` option points to, when the code spells it out. */
export function autoloadDirectory(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression): string | undefined {
  const segments = directorySegments(modules, file, expression, 0);
  if (!segments) return undefined;
  const base = segments.relativeToModule ? path.posix.dirname(file.path) : '';
  const joined = path.posix.normalize(path.posix.join(base, ...segments.parts));
  return joined === '.' ? '' : joined.replace(/\/$/, '');
}

function directorySegments(
  modules: ModuleIndex,
  file: ScannedSourceFile,
  expression: ts.Expression,
  depth: number,
): { relativeToModule: boolean; parts: string[] } | undefined {
  if (depth > 4) return undefined;
  const value = skipOuterExpressions(expression);
  const text = value.getText(file.sourceFile);
  if (MODULE_DIRECTORY.test(text)) return { relativeToModule: true, parts: [] };
  if (/^process\.cwd\(\)$/.test(text)) return { relativeToModule: false, parts: [] };
  if (ts.isIdentifier(value)) {
    const binding = modules.resolveName(file, value.text);
    const target = bindingValue(binding);
    if (binding?.kind === 'declaration' && target && ts.isExpression(target)) return directorySegments(modules, binding.file, target, depth + 1);
    return undefined;
  }
  const literal = staticString(modules, file, value);
  if (literal !== undefined) return { relativeToModule: true, parts: [literal] };
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = directorySegments(modules, file, value.left, depth + 1);
    const right = staticString(modules, file, value.right);
    return left && right !== undefined ? { ...left, parts: [...left.parts, right] } : undefined;
  }
  // new URL('./routes', import.meta.url)
  if (ts.isNewExpression(value) && value.arguments?.length === 2) {
    const relative = staticString(modules, file, value.arguments[0]!);
    return relative === undefined ? undefined : { relativeToModule: true, parts: [relative] };
  }
  if (ts.isCallExpression(value)) {
    const callee = value.expression.getText(file.sourceFile);
    // fileURLToPath(new URL(...)), path.resolve(...)/join(...), desm's join(import.meta.url, 'routes')
    if (/(?:^|\.)fileURLToPath$/.test(callee) && value.arguments.length === 1) return directorySegments(modules, file, value.arguments[0]!, depth + 1);
    if (/(?:^|\.)(?:join|resolve)$/.test(callee) && value.arguments.length > 0) {
      const [first, ...rest] = value.arguments;
      const start = directorySegments(modules, file, first!, depth + 1);
      if (!start) return undefined;
      const parts = [...start.parts];
      for (const argument of rest) {
        const part = staticString(modules, file, argument);
        if (part === undefined) return undefined;
        parts.push(part);
      }
      return { relativeToModule: start.relativeToModule, parts };
    }
  }
  return undefined;
}

/** The folder the `dir` of autoload's options names, relative to the scan root. */
export function autoloadOptionsDirectory(modules: ModuleIndex, file: ScannedSourceFile, optionsExpression: ts.Expression | undefined): string | undefined {
  const options = objectLiteralOf(modules, file, optionsExpression);
  const dirExpression = options && propertyValue(options.node, 'dir');
  return dirExpression && autoloadDirectory(modules, options.file, dirExpression);
}

/**
 * The plugins `fastify.register(AutoLoad, options)` loads, in load order, with their prefixes:
 * folder names below `dir` (unless `dirNameRoutePrefix: false`), `_param` folders as `:param`
 * with `routeParams`, a plugin's exported `autoPrefix` replacing its folder prefix (after
 * `options.prefix`), `prefixOverride` replacing everything. A folder with an index file loads only
 * that file (and its subfolders), as autoload does.
 */
export function autoloadedPlugins(
  modules: ModuleIndex,
  sourceFiles: readonly ScannedSourceFile[],
  file: ScannedSourceFile,
  optionsExpression: ts.Expression | undefined,
): AutoloadedPlugin[] {
  const options = objectLiteralOf(modules, file, optionsExpression);
  const directory = autoloadOptionsDirectory(modules, file, optionsExpression);
  if (!options || directory === undefined) return [];

  const pluginOptions = objectLiteralOf(modules, options.file, propertyValue(options.node, 'options'));
  const prefixExpression = propertyValue(options.node, 'prefix') ?? (pluginOptions && propertyValue(pluginOptions.node, 'prefix'));
  const optionsPrefix = (prefixExpression && staticString(modules, options.file, prefixExpression)) ?? '';
  const dirNamePrefix = propertyValue(options.node, 'dirNameRoutePrefix')?.kind !== ts.SyntaxKind.FalseKeyword;
  const routeParams = propertyValue(options.node, 'routeParams')?.kind === ts.SyntaxKind.TrueKeyword;
  const isTrue = (name: string) => propertyValue(options.node, name)?.kind === ts.SyntaxKind.TrueKeyword;
  const autoHooks = isTrue('autoHooks');
  const cascadeHooks = isTrue('cascadeHooks');
  const overwriteHooks = isTrue('overwriteHooks');

  // The name patterns autoload reads each folder's entries with (regular expression literals in the options).
  const indexPattern = regexOption(options.node, 'indexPattern') ?? INDEX_FILE;
  const scriptPattern = regexOption(options.node, 'scriptPattern') ?? SCRIPT_FILE;
  const ignorePattern = regexOption(options.node, 'ignorePattern');
  const hooksPattern = regexOption(options.node, 'autoHooksPattern') ?? AUTOHOOKS_FILE;

  const root = directory === '' ? '' : `${directory}/`;
  const byFolder = new Map<string, ScannedSourceFile[]>();
  const hooksByFolder = new Map<string, ScannedSourceFile>();
  for (const candidate of sourceFiles) {
    if (!candidate.path.startsWith(root)) continue;
    const relative = candidate.path.slice(root.length);
    const name = path.posix.basename(relative);
    // An ignored folder is not entered: nothing below it loads.
    if (ignorePattern && path.posix.dirname(relative).split('/').some((segment) => segment !== '.' && ignorePattern.test(segment))) continue;
    if (autoHooks && hooksPattern.test(name)) hooksByFolder.set(path.posix.dirname(relative), candidate);
    if (!SCRIPT_FILE.test(name) || NOT_A_PLUGIN.test(name) || hooksPattern.test(name)) continue;
    const folder = path.posix.dirname(relative);
    const list = byFolder.get(folder) ?? [];
    list.push(candidate);
    byFolder.set(folder, list);
  }

  const hooksFor = (folder: string): ScannedSourceFile[] => {
    const own = hooksByFolder.get(folder);
    if (!cascadeHooks) return own ? [own] : [];
    const chain: ScannedSourceFile[] = [];
    const parts = folder === '.' ? [] : folder.split('/');
    for (let depth = 0; depth <= parts.length; depth++) {
      const hooks = hooksByFolder.get(depth === 0 ? '.' : parts.slice(0, depth).join('/'));
      if (!hooks) continue;
      if (overwriteHooks) chain.length = 0;
      chain.push(hooks);
    }
    return chain;
  };
  const plugins: AutoloadedPlugin[] = [];
  for (const folder of [...byFolder.keys()].sort()) {
    const files = byFolder.get(folder)!;
    // The folder's index file loads even when ignorePattern matches it; without one, each script file
    // scriptPattern accepts and ignorePattern does not loads.
    const index = files.find((candidate) => indexPattern.test(path.posix.basename(candidate.path)));
    const scripts = files.filter((candidate) => {
      const name = path.posix.basename(candidate.path);
      return scriptPattern.test(name) && !(ignorePattern?.test(name) ?? false);
    });
    const folderPrefix =
      folder === '.' || !dirNamePrefix
        ? ''
        : joinRoutePath(...folder.split('/').map((segment) => (routeParams && segment.startsWith('_') ? `:${segment.slice(1)}` : segment)));
    for (const pluginFile of index ? [index] : scripts) {
      const override = exportedString(modules, pluginFile, 'prefixOverride');
      const autoPrefix = exportedString(modules, pluginFile, 'autoPrefix');
      const prefix = override ?? joinRoutePath(optionsPrefix, autoPrefix ?? folderPrefix);
      plugins.push({ file: pluginFile, prefix, hooks: hooksFor(folder) });
    }
  }
  return plugins;
}

/** A `name: /.../flags` option as a RegExp, tested against one folder entry's name at a time as autoload does. */
function regexOption(options: ts.ObjectLiteralExpression, name: string): RegExp | undefined {
  const value = propertyValue(options, name);
  if (!value || !ts.isRegularExpressionLiteral(skipOuterExpressions(value))) return undefined;
  const literal = skipOuterExpressions(value).getText();
  const slash = literal.lastIndexOf('/');
  try {
    // Without the g/y flags a RegExp keeps no state between tests.
    return new RegExp(literal.slice(1, slash), literal.slice(slash + 1).replace(/[gy]/g, ''));
  } catch {
    return undefined;
  }
}

function exportedString(modules: ModuleIndex, file: ScannedSourceFile, name: string): string | undefined {
  if (!file.text.includes(name)) return undefined;
  const binding = modules.resolveExport(file, name);
  const value = bindingValue(binding);
  return binding?.kind === 'declaration' && value && ts.isExpression(value) ? staticString(modules, binding.file, value) : undefined;
}
