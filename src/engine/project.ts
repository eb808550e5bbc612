import { existsSync, openSync, readSync, closeSync, fstatSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import path from 'node:path';
import { ts } from '#typescript';
import type { ScannedSourceFile, ScannedTextFile, ScanWarning } from '../types.js';
import { UsageError } from './errors.js';
import type { DiscoveredFile } from './files.js';
import type { OutsideFiles, SubpathImports } from './names/index.js';
import { InputLog } from './cache.js';
import { fileIndex } from './ast/file-index.js';

export interface LoadedProject {
  sourceFiles: ScannedSourceFile[];
  textFiles: ScannedTextFile[];
  /** Compiler options per tsconfig.json found, keyed by the tsconfig's folder; later used to resolve imports. */
  tsconfigs: Map<string, ts.CompilerOptions>;
  /** Node subpath imports (package.json `imports`, `#app/*` -> `./app/*`) per package folder that declares them. */
  packageImports: Map<string, SubpathImports>;
  warnings: ScanWarning[];
  linesScanned: number;
  filesSkipped: number;
  /** Reads a file outside the scanned paths for evidence (never for findings); see outsideFileReader. */
  outside?: OutsideFiles;
}



/**
 * Reads every discovered file once and parses each on its own (see parseSource).
 * No type check, no lib files, no node_modules declarations: rules walk syntax, and the
 * speed budget (2x a bare parse) leaves no room for a Program.
 */
export interface LoadOptions {
  root: string;
  files: DiscoveredFile[];
  maxFileSize: number;
  tsconfigPath?: string;
  /** The repository the scanned paths belong to: files there may be read for evidence. */
  repositoryRoot?: string;
  /** Records the files read besides the scanned ones (tsconfigs, evidence), for the cache. */
  inputs?: InputLog;
}

/** Every discovered file read once, in discovery order: its text, or why it is skipped. */
export interface ReadFiles {
  entries: Array<{ file: DiscoveredFile; read: ReadResult }>;
}

export function readFiles(files: readonly DiscoveredFile[], maxFileSize: number): ReadFiles {
  return { entries: files.map((file) => ({ file, read: readScanFile(file.absolutePath, maxFileSize) })) };
}

export function loadProject(options: LoadOptions, files: ReadFiles = readFiles(options.files, options.maxFileSize)): LoadedProject {
  const warnings: ScanWarning[] = [];
  const inputs = options.inputs ?? new InputLog();
  const tsconfigs = new Map<string, ts.CompilerOptions>();

  if (options.tsconfigPath) {
    if (!existsSync(options.tsconfigPath)) throw new UsageError(`tsconfig not found: ${options.tsconfigPath}`);
    const parsed = parseTsconfig(options.tsconfigPath, inputs);
    if ('error' in parsed) throw new UsageError(`${options.tsconfigPath}: ${parsed.error}`);
    tsconfigs.set(path.dirname(path.resolve(options.tsconfigPath)), parsed.options);
  }

  const sourceFiles: ScannedSourceFile[] = [];
  const textFiles: ScannedTextFile[] = [];
  let linesScanned = 0;
  let filesSkipped = 0;
  // `trustscan scan ./src`: the project's tsconfig sits above the scanned folder; look up to the repository
  // root, else (a downloaded archive, no .git) to the package the scanned folder belongs to.
  const searchRoot = options.repositoryRoot ?? packageRootAbove(options.root, inputs) ?? options.root;
  const nearestTsconfig = new NearestFileFinder('tsconfig.json', searchRoot, inputs);
  const nearestManifest = new NearestFileFinder('package.json', searchRoot, inputs);
  const packageImports = new Map<string, SubpathImports>();
  const manifestsRead = new Set<string>();

  for (const { file, read } of files.entries) {
    if ('skip' in read) {
      filesSkipped++;
      warnings.push({ code: read.code, message: `${file.path}: skipped, ${read.skip}`, file: file.path });
      continue;
    }
    const text = read.text;
    if (file.kind === 'source' && looksMinified(text)) {
      filesSkipped++;
      warnings.push({ code: 'minified-file', message: `${file.path}: skipped, looks like a minified bundle`, file: file.path });
      continue;
    }
    linesScanned += countLines(text);
    if (file.kind !== 'source') {
      textFiles.push({ path: file.path, kind: file.kind, text });
      continue;
    }
    if (!options.tsconfigPath) {
      const tsconfigFile = nearestTsconfig.find(path.dirname(file.absolutePath));
      if (tsconfigFile && !tsconfigs.has(path.dirname(tsconfigFile))) {
        const parsed = parseTsconfig(tsconfigFile, inputs);
        if ('error' in parsed) {
          warnings.push({
            code: 'tsconfig-error',
            message: `${toRelative(options.root, tsconfigFile)}: ignored, ${parsed.error}`,
            file: toRelative(options.root, tsconfigFile),
          });
          tsconfigs.set(path.dirname(tsconfigFile), {});
        } else {
          tsconfigs.set(path.dirname(tsconfigFile), parsed.options);
        }
      }
    }
    const manifest = nearestManifest.find(path.dirname(file.absolutePath));
    if (manifest && !manifestsRead.has(manifest)) {
      manifestsRead.add(manifest);
      const imports = subpathImports(inputs.readFile(manifest));
      if (imports) packageImports.set(path.dirname(manifest), imports);
    }
    const parsed = parseSource(file.absolutePath, text);
    if ('error' in parsed) {
      filesSkipped++;
      warnings.push({ code: 'parse-failed', message: `${file.path}: skipped, the TypeScript parser failed on it (${parsed.error})`, file: file.path });
      continue;
    }
    const sourceFile = parsed.sourceFile;
    const parseDiagnostics = (sourceFile as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] })
      .parseDiagnostics;
    if (parseDiagnostics && parseDiagnostics.length > 0) {
      const first = parseDiagnostics[0]!;
      const { line } = ts.getLineAndCharacterOfPosition(sourceFile, first.start);
      warnings.push({
        code: 'parse-error',
        message: `${file.path}:${line + 1}: syntax error (${ts.flattenDiagnosticMessageText(first.messageText, ' ')}); scanned as far as the parser recovered`,
        file: file.path,
        line: line + 1,
      });
    }
    sourceFiles.push({ path: file.path, sourceFile, text });
  }
  const loaded: LoadedProject = { sourceFiles, textFiles, tsconfigs, packageImports, warnings, linesScanned, filesSkipped };
  // Also when the scan is the whole repository: its workspace packages (`import { x } from 'shared-lib'`)
  // resolve to their folders only through the reader's package map; the files themselves are scanned ones.
  if (options.repositoryRoot) {
    loaded.outside = outsideFileReader(options.root, options.repositoryRoot, options.maxFileSize, inputs, new Set(sourceFiles.map((file) => file.sourceFile.fileName)));
  }
  return loaded;
}

const OUTSIDE_SOURCE = /\.(?:[cm]?[jt]s|tsx|jsx)$/;
const NOT_EVIDENCE = /(?:^|\/)(?:node_modules|\.git|dist|build|coverage|\.next)(?:\/|$)|\.d\.[cm]?ts$/;

function outsideFileReader(
  root: string,
  repositoryRoot: string,
  maxFileSize: number,
  inputs: InputLog,
  scanned: ReadonlySet<string>,
): OutsideFiles {
  const repository = repositoryRoot.split(path.sep).join('/');
  const tsconfigFinder = new NearestFileFinder('tsconfig.json', repositoryRoot, inputs);
  const loaded = new Map<string, ReturnType<OutsideFiles['load']>>();
  let packages: Map<string, { dir: string; manifest: Record<string, unknown> }> | undefined;
  return {
    load(absolutePath) {
      if (loaded.has(absolutePath)) return loaded.get(absolutePath);
      let result: ReturnType<OutsideFiles['load']>;
      const relative = absolutePath.startsWith(`${repository}/`) ? absolutePath.slice(repository.length + 1) : undefined;
      const candidate = relative !== undefined && !scanned.has(absolutePath) && OUTSIDE_SOURCE.test(absolutePath) && !NOT_EVIDENCE.test(relative);
      // A candidate that does not exist is an input too: a file created there later changes what resolves.
      if (candidate && !isFile(absolutePath)) inputs.read(absolutePath, undefined);
      else if (candidate) {
        const read = readScanFile(absolutePath, maxFileSize);
        inputs.read(absolutePath, 'skip' in read ? undefined : read.text);
        const parsed = 'skip' in read || looksMinified(read.text) ? undefined : parseSource(absolutePath, read.text);
        if (parsed && 'sourceFile' in parsed) {
          result = { file: { path: toRelative(root, absolutePath), sourceFile: parsed.sourceFile, text: parsed.sourceFile.text, outsideScan: true } };
          const tsconfigFile = tsconfigFinder.find(path.dirname(absolutePath));
          const tsconfig = tsconfigFile ? parseTsconfig(tsconfigFile, inputs) : undefined;
          if (tsconfigFile && tsconfig && !('error' in tsconfig)) result.tsconfig = { dir: path.dirname(tsconfigFile), options: tsconfig.options };
        }
      }
      loaded.set(absolutePath, result);
      return result;
    },
    packageCandidates(specifier) {
      packages ??= workspacePackages(repositoryRoot, inputs);
      const parts = specifier.split('/');
      const nameLength = specifier.startsWith('@') ? 2 : 1;
      const found = packages.get(parts.slice(0, nameLength).join('/'));
      if (!found) return [];
      const subpath = parts.slice(nameLength).join('/');
      const entries: string[] = [];
      const exportsField = found.manifest.exports;
      const exported = (key: string): unknown => (exportsField && typeof exportsField === 'object' ? (exportsField as Record<string, unknown>)[key] : key === '.' ? exportsField : undefined);
      const collect = (value: unknown): void => {
        if (typeof value === 'string') entries.push(value);
        else if (value && typeof value === 'object') for (const condition of ['types', 'import', 'require', 'default', 'node']) collect((value as Record<string, unknown>)[condition]);
      };
      if (subpath === '') {
        collect(exported('.'));
        for (const field of ['main', 'module', 'types']) collect(found.manifest[field]);
        entries.push('src/index', 'index');
      } else {
        collect(exported(`./${subpath}`));
        entries.push(`src/${subpath}`, subpath);
      }
      // Workspace packages often point at their build output; the source sits beside it.
      const sources = entries.flatMap((entry) => {
        const clean = entry.replace(/^\.\//, '').replace(/\.d\.[cm]?ts$|\.[cm]?js$/, '');
        return /^(?:dist|build|lib|out)\//.test(clean) ? [clean, clean.replace(/^(?:dist|build|lib|out)\//, 'src/')] : [clean];
      });
      return [...new Set(sources)].map((entry) => path.posix.join(found.dir.split(path.sep).join('/'), entry));
    },
  };
}

function isFile(absolutePath: string): boolean {
  try {
    return statSync(absolutePath).isFile();
  } catch {
    return false;
  }
}

/** `name` -> folder of every package.json in the repository (not under node_modules), a few levels deep. */
function workspacePackages(repositoryRoot: string, inputs: InputLog): Map<string, { dir: string; manifest: Record<string, unknown> }> {
  const packages = new Map<string, { dir: string; manifest: Record<string, unknown> }>();
  const visit = (dir: string, depth: number): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((entry) => entry.isFile() && entry.name === 'package.json')) {
      try {
        const manifest = JSON.parse(inputs.readFile(path.join(dir, 'package.json')) ?? '') as Record<string, unknown>;
        if (typeof manifest.name === 'string' && !packages.has(manifest.name)) packages.set(manifest.name, { dir, manifest });
      } catch {
        // A broken manifest names no package.
      }
    }
    if (depth >= 4) return;
    for (const entry of entries) {
      if (entry.isDirectory() && !entry.name.startsWith('.') && !NOT_EVIDENCE.test(entry.name) && entry.name !== 'src') visit(path.join(dir, entry.name), depth + 1);
    }
  };
  visit(repositoryRoot, 0);
  return packages;
}

/**
 * The repository the scan root belongs to: the nearest folder above it with `.git`, else the highest
 * one (a few levels up) that declares a workspace (pnpm-workspace.yaml, package.json workspaces,
 * turbo.json, nx.json, lerna.json). Undefined when neither: then nothing outside the scan is read.
 */
export function findRepositoryRoot(root: string): string | undefined {
  let workspace: string | undefined;
  let dir = root;
  for (let depth = 0; depth < 8; depth++) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    if (['pnpm-workspace.yaml', 'turbo.json', 'nx.json', 'lerna.json'].some((marker) => existsSync(path.join(dir, marker))) || declaresWorkspaces(dir)) workspace = dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return workspace;
}

function declaresWorkspaces(dir: string): boolean {
  const manifest = path.join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  try {
    return 'workspaces' in (JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>);
  } catch {
    return false;
  }
}

/**
 * Parses one file with the TypeScript parser, nothing more: no Program, no binder, no type check
 * (rules walk syntax, and the speed budget of 2x a bare parse leaves no room for more). A file the
 * parser cannot handle (input nested deeper than the stack allows) is reported, never fatal.
 */
function parseSource(absolutePath: string, text: string): { sourceFile: ts.SourceFile } | { error: string } {
  try {
    // JSDoc comments are not parsed into nodes: no rule reads them (annotations such as
    // `// trustscan-auth:` are read from the comment text), and tsc skips them for speed too.
    // Parents are set by the walk that indexes the file, here at once (ast/file-index.ts), not by a
    // second walk of TypeScript's own (`setParentNodes`).
    const sourceFile = ts.createSourceFile(absolutePath, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, /* setParentNodes */ false);
    fileIndex(sourceFile);
    return { sourceFile };
  } catch (error) {
    return { error: error instanceof RangeError ? 'nested too deeply' : (error as Error).message };
  }
}

export type ReadResult = { text: string } | { skip: string; code: string };

/** Reads a file once; refuses large, binary and non-UTF-8 files instead of feeding garbage to the parser. */
export function readScanFile(absolutePath: string, maxFileSize: number): ReadResult {
  let fd: number | undefined;
  try {
    fd = openSync(absolutePath, 'r');
    const size = fstatSync(fd).size;
    if (size > maxFileSize) {
      return { skip: `larger than ${formatBytes(maxFileSize)} (${formatBytes(size)}); raise maxFileSize in config to scan it`, code: 'file-too-large' };
    }
    // Unfilled bytes are never read: only the `offset` bytes read below are used.
    const buffer = Buffer.allocUnsafe(size);
    let offset = 0;
    while (offset < size) {
      const bytesRead = readSync(fd, buffer, offset, size - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    const bytes = buffer.subarray(0, offset);
    if (looksBinary(bytes.subarray(0, 8192))) return { skip: 'binary content', code: 'binary-file' };
    // isUtf8 and toString run natively (simdutf); a fatal TextDecoder does the same work several times slower.
    if (!isUtf8(bytes)) return { skip: 'not valid UTF-8', code: 'not-utf8' };
    let text = bytes.toString('utf8');
    // A byte order mark is not part of the text (TextDecoder drops one; a second one is dropped too).
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch (error) {
    return { skip: `unreadable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, code: 'unreadable-file' };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Binary content (an MPEG transport stream named `.ts`, an image named `.js`) is mostly control
 * bytes. Source may hold one NUL in a string (`${name}\u0000${ref}` written raw): a file is binary
 * when a tenth of its first 8 KB are NULs or control characters other than whitespace and ESC.
 */
function looksBinary(sample: Uint8Array): boolean {
  if (!sample.includes(0)) return false;
  let control = 0;
  for (const byte of sample) if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0b && byte !== 0x0c && byte !== 0x0d && byte !== 0x1b) control++;
  return control * 10 >= sample.length;
}

/** Minified bundles have a few enormous lines; no hand-written source looks like that. */
function looksMinified(text: string): boolean {
  if (text.length < 20_000) return false;
  const lines = countLines(text);
  return text.length / lines > 500;
}

/** Lines as an editor counts them (CRLF, LF or a lone CR ends one); a final line break adds none. */
export function countLines(text: string): number {
  if (text.length === 0) return 0;
  const breaks = text.match(/\r\n?|\n/g)?.length ?? 0;
  return /[\r\n]$/.test(text) ? breaks : breaks + 1;
}

function parseTsconfig(file: string, inputs: InputLog): { options: ts.CompilerOptions } | { error: string } {
  const readFile = (name: string): string | undefined => inputs.readFile(name);
  const read = ts.readConfigFile(file, readFile);
  if (read.error) return { error: ts.flattenDiagnosticMessageText(read.error.messageText, ' ') };
  // Only compiler options matter (paths, baseUrl, jsx); file lists come from our own discovery.
  const parsed = ts.parseJsonConfigFileContent(
    read.config,
    { ...ts.sys, readFile, readDirectory: () => [] },
    path.dirname(file),
    undefined,
    file,
  );
  // A shared base config from a package that is not installed (`"extends": "tsconfig/nextjs.json"` in a
  // monorepo we never install): the file's own paths and baseUrl still hold, so keep them.
  const extended = ([] as unknown[]).concat((read.config as { extends?: unknown } | undefined)?.extends ?? []).filter((entry): entry is string => typeof entry === 'string');
  const missingBase = (d: ts.Diagnostic): boolean => d.code === 6053 && extended.some((entry) => ts.flattenDiagnosticMessageText(d.messageText, ' ').includes(`'${entry}'`));
  const fatal = parsed.errors.find((d) => d.code !== 18003 /* "No inputs were found" */ && !missingBase(d));
  if (fatal) return { error: ts.flattenDiagnosticMessageText(fatal.messageText, ' ') };
  return { options: parsed.options };
}

/** The nearest folder at or above `root` (a few levels up) with a package.json: the package a scanned `src` belongs to. */
function packageRootAbove(root: string, inputs: InputLog): string | undefined {
  let dir = path.resolve(root);
  for (let depth = 0; depth < 4; depth++) {
    if (inputs.exists(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

/** The subpath imports a package.json declares (Node's `imports` field), or undefined when none or unreadable. */
function subpathImports(manifestText: string | undefined): SubpathImports | undefined {
  let imports: unknown;
  try {
    imports = (JSON.parse(manifestText?.replace(/^\uFEFF/, '') ?? '') as Record<string, unknown> | null)?.imports;
  } catch {
    return undefined;
  }
  if (!imports || typeof imports !== 'object') return undefined;
  const targets = (value: unknown): string[] => {
    if (typeof value === 'string') return [value];
    if (Array.isArray(value)) return value.flatMap(targets);
    if (value && typeof value === 'object') return ['types', 'import', 'node', 'require', 'default'].flatMap((condition) => targets((value as Record<string, unknown>)[condition]));
    return [];
  };
  const entries: SubpathImports = Object.entries(imports as Record<string, unknown>)
    .filter(([pattern]) => pattern.startsWith('#'))
    .map(([pattern, value]) => [pattern, targets(value).filter((target) => target.startsWith('./'))]);
  return entries.length > 0 ? entries : undefined;
}

/** The nearest file of one name (tsconfig.json, package.json) at or above a folder, within a root. */
class NearestFileFinder {
  private readonly cache = new Map<string, string | undefined>();
  constructor(
    private readonly fileName: string,
    private readonly root: string,
    private readonly inputs: InputLog,
  ) {}

  find(dir: string): string | undefined {
    if (this.cache.has(dir)) return this.cache.get(dir);
    const candidate = path.join(dir, this.fileName);
    let found: string | undefined;
    if (this.inputs.exists(candidate)) found = candidate;
    else {
      const parent = path.dirname(dir);
      // Stop at the root given (the repository, else the scan root): a file above it belongs to another project.
      found = parent !== dir && dir !== this.root && dir.startsWith(this.root) ? this.find(parent) : undefined;
    }
    this.cache.set(dir, found);
    return found;
  }
}

function toRelative(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}
