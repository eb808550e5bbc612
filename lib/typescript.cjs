'use strict';
// The TypeScript compiler that ts-morph bundles, loaded on its own (package.json "imports":
// "#typescript"). The scanner only parses, so ts-morph's project layer and its 3 MB of lib.d.ts
// texts are never needed; and a CommonJS load skips the ES module loader's export scan of the
// 9 MB bundle. Together that is about 0.2 s of every scan's start-up (measured 2026-12-05:
// 0.36 s vs 0.57 s, Node 20). Resolved from ts-morph's own location, so it is the very copy
// ts-morph would use, wherever npm placed it; ts-morph's export is the fallback.
//
// Compiling the bundle is most of what is left (~0.3 s). Node 22 has a compile cache for that
// (`module.enableCompileCache`, which tsc itself turns on); Node 20 has not, so this loads it
// through V8's code cache (code-cache.cjs says where it is kept and when it is trusted).
const { createRequire } = require('node:module');
const { loadCommonJs } = require('./code-cache.cjs');

function bundlePath() {
  try {
    return createRequire(require.resolve('ts-morph')).resolve('@ts-morph/common/dist/typescript.js');
  } catch {
    return undefined;
  }
}

function load() {
  const filename = bundlePath();
  if (!filename) return require('ts-morph').ts;
  // The bundle changes only with the installed version: its length, head and tail name it, without
  // hashing 9 MB on every start. The cache is written at exit (of the process, or of the analysis
  // thread), so it holds the parser's functions compiled during the run as well.
  const loaded = loadCommonJs(filename, { name: 'typescript', digest: (source) => `${source.slice(0, 4096)}\0${source.slice(-4096)}` });
  process.once('exit', loaded.saveCodeCache);
  return loaded.exports;
}

// The bundle exports every name through a getter (esbuild's __export), so each `ts.isX(node)` or
// `ts.SyntaxKind.X` in the scanner's hot loops was a getter call on an object of ~2,000 accessors.
// A snapshot of the values as plain data properties is the same API, read without the calls.
function plainExports(exported) {
  const plain = {};
  for (const key of Object.keys(exported)) plain[key] = exported[key];
  return plain;
}

exports.ts = plainExports(load());
