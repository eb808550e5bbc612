// Bundles the analysis thread (dist/analysis-worker.js: the CLI's main(), the engine, the rules, the
// reporters and their dependencies) into one CommonJS file, dist/bundle/analysis-worker.cjs, which
// lib/analysis-worker.cjs compiles through V8's code cache. Run by `npm run build` after tsc.
//
// Why: Node 20 compiles ES modules anew in every run and has no compile cache; loading some 300 of
// them one by one cost about 0.3 s of every scan, and the code V8 compiles lazily during a scan is
// not kept either. One file, compiled from a cache made after a whole scan, skips both.
//
// TypeScript stays outside (`#typescript`, lib/typescript.cjs keeps its own code cache), and so do
// Node's built-in modules. It is required where the engine first needs it, not when the bundle loads:
// `trustscan scan --help` and a bad flag answer without loading it, as they do unbundled.
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = path.join(root, 'dist/bundle');
const OUTPUT = 'analysis-worker.cjs';

/**
 * `new URL('../package.json', import.meta.url)` means the file next to the module that wrote it; in the
 * bundle, import.meta.url is the bundle's. Each such path is rewritten relative to dist/bundle/, and the
 * build fails when the file it names is not there (a path no test would otherwise notice broken).
 */
const RELATIVE_URL = /new URL\((['"])(\.\.?\/[^'"]+)\1,\s*import\.meta\.url\)/g;
const rebased = [];
const TYPESCRIPT_MODULE = '\0trustscan-typescript';

const bundle = await rolldown({
  cwd: root,
  input: path.join(root, 'dist/analysis-worker.js'),
  platform: 'node',
  logLevel: 'warn',
  external: (id) => id.startsWith('node:'),
  plugins: [
    {
      // An external module's require is hoisted to the bundle's top; a module of the bundle is
      // initialised with the first module that imports it (the engine: a dynamic import of the CLI).
      name: 'trustscan-typescript-on-first-use',
      resolveId: (source) => (source === '#typescript' ? TYPESCRIPT_MODULE : null),
      load: (id) => (id === TYPESCRIPT_MODULE ? "import { createRequire } from 'node:module';\nexport const { ts } = createRequire(import.meta.url)('#typescript');\n" : null),
    },
    {
      name: 'trustscan-relative-urls',
      transform(code, id) {
        if (!id.startsWith(path.join(root, 'dist')) || !code.includes('import.meta.url')) return null;
        return code.replace(RELATIVE_URL, (match, quote, relative, offset) => {
          // Examples in comments (the Fastify adapter's reads this very shape in the scanned code) stay as they are.
          const line = code.slice(code.lastIndexOf('\n', offset) + 1, offset);
          if (/^\s*(?:\/\/|\*|\/\*)/.test(line)) return match;
          const target = path.resolve(path.dirname(id), relative);
          rebased.push({ from: path.relative(root, id), target });
          const fromBundle = path.relative(outDir, target).split(path.sep).join('/');
          return `new URL(${quote}${fromBundle.startsWith('.') ? fromBundle : `./${fromBundle}`}${quote}, import.meta.url)`;
        });
      },
    },
  ],
});
rmSync(outDir, { recursive: true, force: true });
await bundle.write({ dir: outDir, format: 'cjs', entryFileNames: OUTPUT, comments: false, codeSplitting: false });
await bundle.close();

const missing = rebased.filter(({ target }) => !existsSync(target));
if (missing.length > 0) {
  console.error(`dist/bundle: a module reads a file that is not there: ${missing.map(({ from, target }) => `${from} -> ${path.relative(root, target)}`).join(', ')}`);
  process.exit(1);
}
