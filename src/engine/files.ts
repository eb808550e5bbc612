import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import ignore, { type Ignore } from 'ignore';
import type { ScanWarning } from '../types.js';
import { UsageError } from './errors.js';
import { describeSystemError } from './system-error.js';
import { HTML_VIEW_EXTENSIONS, HTML_VIEWS_FOLDER_PATTERN, TEMPLATE_EXTENSIONS } from '../models/view-templates.js';

export type ScanFileKind = 'source' | 'env' | 'json' | 'yaml' | 'prisma' | 'toml' | 'template' | 'graphql';

export interface DiscoveredFile {
  absolutePath: string;
  /** posix, relative to the scan root */
  path: string;
  kind: ScanFileKind;
}

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

const SCANNED_PATTERNS = [
  '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}',
  '**/.env',
  '**/.env.*',
  '**/*.json',
  '**/*.{yaml,yml}',
  // Prisma schemas: which fields a model has (credentials a whole record would expose).
  '**/*.prisma',
  // GraphQL schemas (SDL): their directives guard fields, their namespace types hold operations.
  '**/*.{graphql,gql}',
  // Netlify's site config: where its functions live (other TOML files say nothing the scan reads).
  '**/netlify.toml',
  // Server-side view templates: which locals a view prints without escaping (xss-reflected).
  `**/*.{${TEMPLATE_EXTENSIONS.map((extension) => extension.slice(1)).join(',')}}`,
  // `.html` views an app binds to an engine (`app.engine('html', require('ejs-mate'))`): in a views folder only.
  HTML_VIEWS_FOLDER_PATTERN,
];

/** Generated, vendored or tool-state paths: never the code a team writes. */
export const ALWAYS_EXCLUDED = [
  '**/node_modules/**',
  '**/dist/**',
  '**/build/**',
  '**/coverage/**',
  '**/.git/**',
  '**/.next/**',
  '**/.nuxt/**',
  '**/.turbo/**',
  '**/.cache/**',
  '**/.yarn/**',
  '**/*.d.ts',
  '**/*.d.mts',
  '**/*.d.cts',
  '**/*.min.js',
  '**/*.min.mjs',
  '**/*-min.js',
  '**/*.bundle.js',
  '**/*.chunk.js',
  // Lock files are huge, machine written, and full of integrity hashes that look like secrets.
  '**/package-lock.json',
  '**/npm-shrinkwrap.json',
  '**/pnpm-lock.yaml',
  '**/composer.lock',
  // Templates that document which variables exist; their values are placeholders by intent.
  '**/.env.example',
  '**/.env.*.example',
  '**/.env.sample',
  '**/.env.template',
  '**/.env.dist',
  '**/.env.defaults',
];

/** Test code is excluded unless --include-tests: its secrets and unsafe calls are usually deliberate. */
export const TEST_EXCLUDED = [
  '**/*.{test,spec}.*',
  '**/*.e2e-spec.*',
  '**/*.e2e.*',
  '**/*.{mock,mocks,fixture,fixtures}.*',
  // RedwoodJS test scenarios: the seed records a service's tests load (`password: 'Password1'`).
  '**/*.scenarios.*',
  // Storybook stories render components with sample data (`secretKey: 'sk-lf-...'` in a dialog's story).
  '**/*.stories.*',
  '**/*.story.*',
  '**/__tests__/**',
  '**/__mocks__/**',
  '**/__fixtures__/**',
  '**/test/**',
  '**/tests/**',
  '**/e2e/**',
  '**/fixtures/**',
  '**/mocks/**',
  '**/__snapshots__/**',
  '**/testdata/**',
  // Test environments: values there configure throwaway test services.
  '**/.env.test',
  '**/.env.test.*',
  '**/cypress/**',
  '**/playwright/**',
  // Test folders named with a hyphen or underscore (`e2e-tests`, `integration_tests`, `test-utils`,
  // serverless `test-events` that `sls invoke local` replays): only the plural `tests`, or `test`/`e2e`
  // leading the name, count, so a feature folder such as `ab-test` or `contest` stays scanned.
  '**/*[-_]tests/**',
  '**/tests[-_]*/**',
  '**/test[-_]*/**',
  '**/e2e[-_]*/**',
  '**/*[-_]e2e/**',
  // Smoke tests and their scripts (`auth-real-d1-smoke.mjs`, `checkout.smoke.ts`, `smoke/`) run the
  // app with made-up keys; `smoke-detector.ts` names a thing, not a test, and stays.
  '**/*.smoke.*',
  '**/*[-_]smoke.*',
  '**/smoke/**',
];

export function fileKind(filePath: string): ScanFileKind | undefined {
  const base = path.posix.basename(filePath);
  if (base === '.env' || base.startsWith('.env.')) return 'env';
  if (base === 'netlify.toml') return 'toml';
  const extension = path.posix.extname(base).toLowerCase();
  if ((SOURCE_EXTENSIONS as readonly string[]).includes(extension)) return 'source';
  if (extension === '.json') return 'json';
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  if (extension === '.prisma') return 'prisma';
  if (extension === '.graphql' || extension === '.gql') return 'graphql';
  if (TEMPLATE_EXTENSIONS.includes(extension)) return 'template';
  if (HTML_VIEW_EXTENSIONS.includes(extension) && /(?:^|\/)views\//.test(filePath.split(path.sep).join('/'))) return 'template';
  return undefined;
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/**
 * Lists the files of a scan: sorted, de-duplicated, relative to `root`. Globs (defaults,
 * --include/--exclude and config) are matched relative to each scan path, so that
 * `scan fixtures/app` still scans an app that happens to live under a folder named fixtures.
 */
export function discoverFiles(options: {
  root: string;
  scanPaths: string[];
  include: string[];
  exclude: string[];
  includeTests: boolean;
  /** Receives a warning for every folder that could not be listed (its files are not scanned). */
  warnings?: ScanWarning[];
}): DiscoveredFile[] {
  const byPath = new Map<string, DiscoveredFile>();
  const unreadable = new Map<string, unknown>();
  const ignoredBy = new GitignoreMatcher();
  for (const scanPath of options.scanPaths) {
    if (!existsSync(scanPath)) throw new UsageError(`path does not exist: ${scanPath}`);
    const stat = statSync(scanPath);
    if (stat.isFile()) {
      // A file named on the command line is scanned even if a default exclude would drop it.
      const kind = fileKind(scanPath);
      if (!kind) throw new UsageError(`not a file trustscan can scan: ${scanPath}`);
      addFile(byPath, options.root, scanPath, kind);
      continue;
    }
    const ignorePatterns = [...ALWAYS_EXCLUDED, ...(options.includeTests ? [] : TEST_EXCLUDED), ...options.exclude];
    const found = fg.sync(options.include.length > 0 ? options.include : SCANNED_PATTERNS, {
      cwd: scanPath,
      dot: true,
      onlyFiles: true,
      followSymbolicLinks: false,
      // One unreadable folder must not end the scan, but it must not vanish silently either:
      // a folder the scanner could not list is code nobody checked.
      suppressErrors: true,
      fs: { readdirSync: recordingReaddir(unreadable) },
      ignore: ignorePatterns,
    });
    ignoredBy.loadFor(scanPath);
    for (const relative of found) {
      const absolutePath = path.join(scanPath, relative);
      const kind = fileKind(relative);
      if (!kind) continue;
      if (ignoredBy.ignores(absolutePath)) continue;
      addFile(byPath, options.root, absolutePath, kind);
    }
  }
  for (const [directory, error] of [...unreadable.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const shown = toPosix(path.relative(options.root, directory)) || '.';
    options.warnings?.push({
      code: 'unreadable-directory',
      message: `${shown}/: skipped, cannot read directory: ${describeSystemError(error)}; files under it were not scanned`,
      file: shown,
    });
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** fast-glob's readdirSync, noting each folder it fails to list before the error is suppressed. */
function recordingReaddir(unreadable: Map<string, unknown>): typeof readdirSync {
  return ((directory: string, options: Parameters<typeof readdirSync>[1]) => {
    try {
      return readdirSync(directory, options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') unreadable.set(path.resolve(directory), error);
      throw error;
    }
  }) as typeof readdirSync;
}

function addFile(byPath: Map<string, DiscoveredFile>, root: string, absolutePath: string, kind: ScanFileKind): void {
  const relative = toPosix(path.relative(root, absolutePath));
  byPath.set(relative, { absolutePath, path: relative, kind });
}

/**
 * Honours .gitignore files between the git work tree root (or the scan path, outside git)
 * and every scanned folder. Each file's patterns are matched relative to its own folder, as git does.
 */
class GitignoreMatcher {
  private readonly byDirectory = new Map<string, Ignore | null>();

  loadFor(scanPath: string): void {
    // Ancestors up to the repository root contribute too: `scan ./src` must honour the root .gitignore.
    let dir = path.resolve(scanPath);
    for (;;) {
      this.load(dir);
      if (existsSync(path.join(dir, '.git'))) break;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    for (const nested of fg.sync('**/.gitignore', {
      cwd: scanPath,
      dot: true,
      ignore: ['**/node_modules/**', '**/.git/**'],
      suppressErrors: true,
    })) {
      this.load(path.dirname(path.join(scanPath, nested)));
    }
  }

  ignores(absolutePath: string): boolean {
    let dir = path.dirname(absolutePath);
    for (;;) {
      const matcher = this.byDirectory.get(dir);
      if (matcher) {
        const relative = toPosix(path.relative(dir, absolutePath));
        if (matcher.ignores(relative)) return true;
      }
      const parent = path.dirname(dir);
      if (parent === dir) return false;
      dir = parent;
    }
  }

  private load(dir: string): void {
    if (this.byDirectory.has(dir)) return;
    const file = path.join(dir, '.gitignore');
    if (!existsSync(file)) {
      this.byDirectory.set(dir, null);
      return;
    }
    try {
      this.byDirectory.set(dir, ignore().add(readFileSync(file, 'utf8')));
    } catch {
      this.byDirectory.set(dir, null);
    }
  }
}
