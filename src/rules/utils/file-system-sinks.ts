import type { ModuleCallee } from '../../engine/ast/module-callee.js';

/** Modules whose functions take file-system paths (`node:` prefixes are stripped before lookup). */
const FS_MODULES = new Set(['fs', 'fs/promises', 'fs-extra', 'graceful-fs', 'original-fs', 'mz/fs']);

/**
 * Functions of those modules and the indexes of their path arguments (`Sync` variants share their
 * base name's entry). Both paths count for copies and moves: writing to an attacker-chosen
 * destination is as bad as reading from one.
 */
const PATH_ARGUMENTS: Record<string, readonly number[]> = {
  readFile: [0],
  writeFile: [0],
  appendFile: [0],
  createReadStream: [0],
  createWriteStream: [0],
  open: [0],
  openAsBlob: [0],
  opendir: [0],
  readdir: [0],
  readlink: [0],
  realpath: [0],
  stat: [0],
  lstat: [0],
  statfs: [0],
  access: [0],
  exists: [0],
  unlink: [0],
  rm: [0],
  rmdir: [0],
  mkdir: [0],
  mkdtemp: [0],
  truncate: [0],
  chmod: [0],
  chown: [0],
  lchown: [0],
  utimes: [0],
  lutimes: [0],
  watch: [0],
  watchFile: [0],
  copyFile: [0, 1],
  cp: [0, 1],
  rename: [0, 1],
  link: [0, 1],
  symlink: [0, 1],
  // fs-extra
  readJson: [0],
  readJSON: [0],
  writeJson: [0],
  writeJSON: [0],
  outputFile: [0],
  outputJson: [0],
  outputJSON: [0],
  pathExists: [0],
  ensureDir: [0],
  ensureFile: [0],
  mkdirs: [0],
  mkdirp: [0],
  emptyDir: [0],
  remove: [0],
  copy: [0, 1],
  move: [0, 1],
};

/** The path argument indexes when the callee is a file-system function, else undefined. */
export function fileSystemPathArguments(callee: ModuleCallee): { name: string; indexes: readonly number[] } | undefined {
  if (!FS_MODULES.has(callee.module)) return undefined;
  const members = callee.members;
  // fs.readFile, fs.promises.readFile, readFile (named import), fsp.readFile (promises import).
  const last = members.at(-1);
  if (!last || members.some((member) => member.endsWith(')'))) return undefined;
  const prefix = members.slice(0, -1);
  if (prefix.length > 1 || (prefix.length === 1 && prefix[0] !== 'promises' && prefix[0] !== 'default')) return undefined;
  const base = last.endsWith('Sync') ? last.slice(0, -'Sync'.length) : last;
  const indexes = PATH_ARGUMENTS[base];
  return indexes ? { name: [...prefix, last].join('.'), indexes } : undefined;
}
