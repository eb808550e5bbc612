// Bundles the GitHub Action (action.yml `runs.main`) into action/dist/: the action's script, the
// scanner and every runtime dependency, TypeScript included, so a job runs the action's own code
// with nothing installed and no package name looked up in a registry.
//
// Run by `npm run build:action` after `npm run build` (it bundles dist/, the code the tests ran).
// The bundler is rolldown, which the repository already has through vitest (vite's bundler);
// `node scripts/build-action.mjs --check` rebuilds into a temp folder and fails when the committed
// bundle differs, i.e. when it was not rebuilt after a change (test/action-bundle.test.ts runs it).
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown, VERSION as ROLLDOWN_VERSION } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const committed = path.join(root, 'action/dist');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/** The entries: the action, and the two worker scripts the scanner starts by their file names. */
const ENTRIES = {
  main: 'dist/action/main.js',
  'analysis-worker': 'dist/analysis-worker.js',
  'rule-thread-main': 'dist/rule-thread-main.js',
};
const ENTRY_FILES = new Set(Object.values(ENTRIES).map((entry) => path.join(root, entry)));

/** Everything but the entries goes into one chunk: a worker entry must not run the action's code. */
const CORE_CHUNK = 'trustscan-core';

// TypeScript's own bundle reads __filename (is the file system case-sensitive?); an ES module has none.
const BANNER = [
  "import { fileURLToPath as __trustscanFileURLToPath } from 'node:url';",
  'const __filename = __trustscanFileURLToPath(import.meta.url);',
  "const __dirname = __trustscanFileURLToPath(new URL('.', import.meta.url));",
].join('\n');

async function build(outDir) {
  const typescriptBundle = path.join(root, 'node_modules/@ts-morph/common/dist/typescript.js');
  const bundle = await rolldown({
    cwd: root,
    input: ENTRIES,
    platform: 'node',
    logLevel: 'warn',
    onLog(level, log, handler) {
      // A module both imported and dynamically imported stays where it is: expected, all is one chunk.
      if (log.code === 'INEFFECTIVE_DYNAMIC_IMPORT') return;
      handler(level, log);
    },
    plugins: [
      {
        name: 'trustscan-action',
        resolveId(source) {
          // lib/typescript.cjs finds TypeScript next to ts-morph at run time; bundled, it is in the bundle.
          if (source === '#typescript') return '\0trustscan-typescript';
          return null;
        },
        load(id) {
          if (id === '\0trustscan-typescript') return `import ts from ${JSON.stringify(typescriptBundle)};\nexport { ts };\n`;
          // version.ts reads ../package.json at run time; the action has none beside its bundle.
          if (id === path.join(root, 'dist/version.js')) return `export const version = ${JSON.stringify(version)};\n`;
          return null;
        },
      },
    ],
  });
  await bundle.write({
    dir: outDir,
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: '[name].js',
    banner: BANNER,
    // Comments name module paths, which differ between checkouts (node_modules may be a link).
    comments: false,
    codeSplitting: { groups: [{ name: CORE_CHUNK, test: (id) => !ENTRY_FILES.has(id) }] },
  });
  await bundle.close();
  writeFileSync(path.join(outDir, 'build-info.json'), `${JSON.stringify({ trustscan: version, bundler: `rolldown ${ROLLDOWN_VERSION}` }, null, 2)}\n`);
}

/** file name -> sha256 of every file of a folder. */
function digests(folder) {
  const result = {};
  for (const name of readdirSync(folder).sort()) result[name] = createHash('sha256').update(readFileSync(path.join(folder, name))).digest('hex');
  return result;
}

if (process.argv.includes('--check')) {
  const fresh = mkdtempSync(path.join(tmpdir(), 'trustscan-action-'));
  try {
    await build(fresh);
    const expected = digests(fresh);
    let actual = {};
    try {
      actual = digests(committed);
    } catch {
      // no committed bundle: every file differs
    }
    const differing = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].filter((name) => expected[name] !== actual[name]).sort();
    if (differing.length > 0) {
      console.error(`action/dist is not the bundle of this checkout (differs: ${differing.join(', ')}): run npm run build:action and commit action/dist`);
      process.exitCode = 1;
    }
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
} else {
  rmSync(committed, { recursive: true, force: true });
  await build(committed);
  console.log(`action/dist: ${readdirSync(committed).length} files (trustscan ${version}, rolldown ${ROLLDOWN_VERSION})`);
}
