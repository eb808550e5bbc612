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
  // `"reset-password": "node -r dotenv/config dist/reset-password.mjs"`: a package script an operator runs by name.
  if (isPackageScriptEntry(ctx, file)) return 'script';
  return undefined;
}

/** Package scripts that start a long-running process (its console is the server's log), by the script's name. */
const SERVICE_SCRIPT = /^(?:start|dev|develop|serve|server|preview|watch|prod|production|worker|run)(?::|$)/;
/** The file a script's command runs with a Node runtime or TypeScript runner: `node dist/x.mjs`, `tsx x.ts`, `ts-node src/x.ts`. */
const SCRIPT_ENTRY = /(?:^|&&|;|\|\||\s)(?:node|tsx|ts-node|ts-node-esm|bun|esno|esrun|vite-node)\s+(?:-{1,2}[\w-]+(?:[ =](?!\S+\.[cm]?[jt]sx?\b)\S+)?\s+)*((?:\.\/)?[\w./-]+\.[cm]?[jt]s)\b/g;

/**
 * The file is what a package.json script other than a server's runs (`node dist/reset-password.mjs` for
 * reset-password.ts, `tsx src/create-admin.ts`), matched by its path in the package without the
 * extension and a build or source folder, and it starts no server itself.
 */
function isPackageScriptEntry(ctx: RuleContext, file: ScannedSourceFile): boolean {
  const found = nearestManifest(ctx, file.path);
  if (!found || found.manifest.scriptEntries.size === 0) return false;
  const relative = found.folder === '' ? file.path : file.path.slice(found.folder.length + 1);
  if (!found.manifest.scriptEntries.has(entryStem(relative))) return false;
  return !/\.listen\(|createServer\(|serve\(\{/.test(file.text);
}

/** `dist/reset-password.mjs`, `./src/reset-password.ts`, `reset-password.ts` -> `reset-password`. */
function entryStem(path: string): string {
  return path.replace(/^\.\//, '').replace(/\.[cm]?[jt]sx?$/, '').replace(/^(?:dist|build|out|lib|src)\//, '');
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
  /** The files (entryStem) its scripts run, besides the ones that start a service. */
  scriptEntries: Set<string>;
}

const manifestCache = new WeakMap<readonly unknown[], Map<string, Manifest>>();

/** The nearest package.json (from the file's folder up) declares a browser toolchain and no server package. */
function isBrowserPackageFile(ctx: RuleContext, filePath: string): boolean {
  return nearestManifest(ctx, filePath)?.manifest.browserApp ?? false;
}

/** The package.json nearest to a file, from its folder up, and that package's folder. */
function nearestManifest(ctx: RuleContext, filePath: string): { manifest: Manifest; folder: string } | undefined {
  const manifests = manifestsOf(ctx);
  let folder = filePath.includes('/') ? filePath.slice(0, filePath.lastIndexOf('/')) : '';
  for (;;) {
    const manifest = manifests.get(folder);
    if (manifest) return { manifest, folder };
    if (folder === '') return undefined;
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
    const scriptEntries = new Set<string>();
    try {
      const manifest = JSON.parse(text.text) as Record<string, Record<string, unknown> | undefined>;
      const names = ['dependencies', 'devDependencies', 'peerDependencies'].flatMap((field) => Object.keys(manifest[field] ?? {}));
      browserApp = names.some((name) => BROWSER_APP_PACKAGES.has(name)) && !names.some((name) => SERVER_RUNTIME_PACKAGES.has(name) || name.startsWith('@nestjs/'));
      for (const [name, command] of Object.entries(manifest.scripts ?? {})) {
        if (typeof command !== 'string' || SERVICE_SCRIPT.test(name)) continue;
        for (const match of command.matchAll(SCRIPT_ENTRY)) scriptEntries.add(entryStem(match[1]!));
      }
    } catch {
      // A broken package.json says nothing about where its code runs.
    }
    manifests.set(text.path === 'package.json' ? '' : text.path.slice(0, -'/package.json'.length), { browserApp, scriptEntries });
  }
  manifestCache.set(ctx.textFiles, manifests);
  return manifests;
}
