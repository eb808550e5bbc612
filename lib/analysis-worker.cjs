'use strict';
// The analysis thread's script in a built package (src/analysis-thread.ts starts it): the engine,
// rules, reporters and their dependencies bundled into dist/bundle/analysis-worker.cjs by
// scripts/build-bundle.mjs, compiled through V8's code cache (code-cache.cjs). The bundle runs
// src/analysis-worker.ts; once its answer is posted, the code compiled during the run is cached
// for the next one, after a command that ran to its end (exit 0 or 1): a usage error compiles next
// to nothing, and a cache once accepted is never rewritten. The digest is the whole bundle: it
// changes with every build.
const path = require('node:path');
const { loadCommonJs } = require('./code-cache.cjs');

const bundle = loadCommonJs(path.join(__dirname, '../dist/bundle/analysis-worker.cjs'), { name: 'analysis', digest: (source) => source });
bundle.exports.finished.then((exitCode) => {
  if (exitCode === 0 || exitCode === 1) bundle.saveCodeCache();
});
