'use strict';
// Loads a CommonJS file through V8's code cache, kept in a folder of the user's own under the system
// temp folder. Node 22 caches compiled code itself (`module.enableCompileCache`); Node 20 has no such
// cache, and compiling is much of a scan's start-up: the TypeScript bundle (lib/typescript.cjs) and
// the bundled engine the analysis thread runs (lib/analysis-worker.cjs).
//
// Code cache is code: the folder must belong to this user and be closed to others, otherwise no cache
// is read or written. V8 rejects (and this rewrites) a cache made by another Node, other V8 flags or
// another source; the file name carries a digest of the source besides, because V8 itself compares
// only the source's length. NODE_DISABLE_COMPILE_CACHE=1 turns it off, as in Node 22.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');
const crypto = require('node:crypto');
const { createRequire, wrap } = require('node:module');

/** This user's cache folder, created closed to others; undefined when it cannot be trusted. */
function cacheFolder() {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  try {
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
    const folder = path.join(os.tmpdir(), `trustscan-compile-cache-${uid ?? os.userInfo().username}`);
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    const stat = fs.lstatSync(folder);
    if (!stat.isDirectory()) return undefined;
    if (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o077) !== 0)) return undefined;
    return folder;
  } catch {
    return undefined;
  }
}

/**
 * Each build of the engine is a new source, so each would leave its cache behind: only the most
 * recent few of one name are kept (a few, so that two checkouts used in turn do not evict each other).
 */
const KEPT_PER_NAME = 4;

function pruneOlder(folder, name) {
  const ours = fs.readdirSync(folder).filter((file) => file.startsWith(`${name}-`) && file.endsWith('.v8'));
  if (ours.length <= KEPT_PER_NAME) return;
  const byAge = ours.map((file) => ({ file, modified: fs.statSync(path.join(folder, file)).mtimeMs })).sort((a, b) => b.modified - a.modified);
  for (const { file } of byAge.slice(KEPT_PER_NAME)) fs.rmSync(path.join(folder, file), { force: true });
}

/**
 * Runs `filename` as a CommonJS module compiled with its cached code when there is one. `digest`
 * names the source (with the Node version and architecture it is the cache file's key).
 * `saveCodeCache()` writes the cache when there was none or V8 rejected it: called after the module
 * has done its work, the cache also holds the functions compiled on the way, which V8 otherwise
 * compiles lazily on their first call in every run.
 */
function loadCommonJs(filename, { name, digest }) {
  const source = fs.readFileSync(filename, 'utf8');
  const folder = cacheFolder();
  const key = folder && crypto.createHash('sha256').update(`${process.version}\0${process.arch}\0${filename}\0${source.length}\0`).update(digest(source)).digest('hex').slice(0, 32);
  const cacheFile = folder && path.join(folder, `${name}-${key}.v8`);
  let cachedData;
  try {
    if (cacheFile) cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(wrap(source), { filename, ...(cachedData ? { cachedData } : {}) });
  const compiled = script.runInThisContext();
  const module = { exports: {} };
  compiled.call(module.exports, module.exports, createRequire(filename), module, filename, path.dirname(filename));
  let saved = false;
  const saveCodeCache = () => {
    if (saved || !cacheFile || (cachedData && !script.cachedDataRejected)) return;
    saved = true;
    try {
      const temporary = `${cacheFile}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
      fs.writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
      fs.renameSync(temporary, cacheFile);
      pruneOlder(folder, name);
    } catch {
      // A read-only or full temp folder only costs the next run its compile time.
    }
  };
  return { exports: module.exports, saveCodeCache };
}

module.exports = { loadCommonJs };
