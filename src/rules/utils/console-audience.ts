/**
 * Who reads what a `console` call writes. On a server it is the log pipeline; in browser code it is
 * the user's own devtools (they typed the value), and in an operator's script it is the terminal of
 * whoever ran it. Neither of the last two is a log record kept about someone else.
 */
import { ts } from '#typescript';
import type { RuleContext } from '../../engine/rule-api.js';
import { hasDirective } from '../../engine/ast/syntax.js';
import { BROWSER_APP_PACKAGES, CLI_COMMAND_FRAMEWORKS, SERVER_RUNTIME_PACKAGES } from '../../models/runtimes.js';
import type { ScannedSourceFile } from '../../types.js';

/** Why `console` output of this file is no server log, or undefined when it may be one. */
export function consoleIsNoServerLog(ctx: RuleContext, file: ScannedSourceFile): 'browser' | 'script' | undefined {
  if (isClientDirectiveFile(file.sourceFile) || isBrowserPackageFile(ctx, file.path)) return 'browser';
  // `#!/usr/bin/env node`, a file of a `scripts/` folder, or a database seed (`prisma/seed.ts`, knex
  // `seeds/`, sequelize `seeders/`, a `prisma/seed/` folder of seed scripts): a command an operator runs, not a served process.
  if (file.text.startsWith('#!') || /(?:^|\/)(?:scripts|seeds?|seeders)\/|(?:^|\/)seed\.[cm]?[jt]s$/.test(file.path)) return 'script';
  // `@Command({ name: 'reset-admin-password' }) class ResetAdminPasswordCommand extends CommandRunner`
  // (nest-commander, oclif): the file is a command an operator runs; what it prints is their terminal.
  if (definesCliCommand(ctx, file)) return 'script';
  return undefined;
}

/** The file declares a class a command-line framework runs as a command (CLI_COMMAND_FRAMEWORKS). */
function definesCliCommand(ctx: RuleContext, file: ScannedSourceFile): boolean {
  if (!Object.keys(CLI_COMMAND_FRAMEWORKS).some((name) => file.text.includes(name))) return false;
  const fromFramework = (identifier: ts.Expression, kind: 'decorators' | 'baseClasses'): boolean => {
    const name = ts.isCallExpression(identifier) ? identifier.expression : identifier;
    if (!ts.isIdentifier(name)) return false;
    const binding = ctx.modules.resolveName(file, name.text);
    return binding?.kind === 'external' && Object.hasOwn(CLI_COMMAND_FRAMEWORKS, binding.module) && CLI_COMMAND_FRAMEWORKS[binding.module]![kind].includes(binding.importedName);
  };
  return file.sourceFile.statements.some(
    (statement) =>
      ts.isClassDeclaration(statement) &&
      ((ts.getDecorators(statement) ?? []).some((decorator) => fromFramework(decorator.expression, 'decorators')) ||
        (statement.heritageClauses ?? []).some((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword && clause.types.some((type) => fromFramework(type.expression, 'baseClasses')))),
  );
}

/**
 * A console call that only ever runs in the browser, whatever the file: inside a React effect
 * (`useEffect(() => { ... })`, which server rendering never runs) or a JSX event handler
 * (`onClick={() => ...}`). Next.js pages without `'use client'` are rendered on the server too, but
 * these callbacks are not.
 */
export function consoleRunsInBrowserOnly(call: ts.Node): boolean {
  for (let current: ts.Node | undefined = call.parent; current; current = current.parent) {
    if (!ts.isArrowFunction(current) && !ts.isFunctionExpression(current)) continue;
    const holder: ts.Node | undefined = current.parent;
    if (holder && ts.isCallExpression(holder) && holder.arguments[0] === current) {
      const callee = holder.expression;
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
      if (BROWSER_ONLY_HOOKS.has(name)) return true;
    }
    if (holder && ts.isJsxExpression(holder) && holder.parent && ts.isJsxAttribute(holder.parent) && /^on[A-Z]/.test(holder.parent.name.getText())) return true;
  }
  return false;
}

/** React hooks whose callback runs after the component mounts in the browser, never during server rendering. */
const BROWSER_ONLY_HOOKS: ReadonlySet<string> = new Set(['useEffect', 'useLayoutEffect', 'useInsertionEffect']);

/** A React Server Components `'use client'` module: it runs in the browser. */
function isClientDirectiveFile(sourceFile: ts.SourceFile): boolean {
  return hasDirective(sourceFile.statements, 'use client');
}

interface Manifest {
  browserApp: boolean;
}

const manifestCache = new WeakMap<readonly unknown[], Map<string, Manifest>>();

/** The nearest package.json (from the file's folder up) declares a browser toolchain and no server package. */
function isBrowserPackageFile(ctx: RuleContext, filePath: string): boolean {
  const manifests = manifestsOf(ctx);
  let folder = filePath.includes('/') ? filePath.slice(0, filePath.lastIndexOf('/')) : '';
  for (;;) {
    const manifest = manifests.get(folder);
    if (manifest) return manifest.browserApp;
    if (folder === '') return false;
    folder = folder.includes('/') ? folder.slice(0, folder.lastIndexOf('/')) : '';
  }
}

function manifestsOf(ctx: RuleContext): Map<string, Manifest> {
  const cached = manifestCache.get(ctx.textFiles);
  if (cached) return cached;
  const manifests = new Map<string, Manifest>();
  for (const text of ctx.textFiles) {
    if (text.kind !== 'json' || !/(?:^|\/)package\.json$/.test(text.path)) continue;
    let browserApp = false;
    try {
      const manifest = JSON.parse(text.text) as Record<string, Record<string, unknown> | undefined>;
      const names = ['dependencies', 'devDependencies', 'peerDependencies'].flatMap((field) => Object.keys(manifest[field] ?? {}));
      browserApp = names.some((name) => BROWSER_APP_PACKAGES.has(name)) && !names.some((name) => SERVER_RUNTIME_PACKAGES.has(name) || name.startsWith('@nestjs/'));
    } catch {
      // A broken package.json says nothing about where its code runs.
    }
    manifests.set(text.path === 'package.json' ? '' : text.path.slice(0, -'/package.json'.length), { browserApp });
  }
  manifestCache.set(ctx.textFiles, manifests);
  return manifests;
}
