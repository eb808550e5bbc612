/**
 * File-system sinks as data: the modules whose functions take paths and which arguments are paths,
 * the static-file senders that take a path and an optional root, and the path helpers whose
 * result keeps no directory part. rules/utils/file-system-sinks.ts and rules/path-traversal.ts hold
 * the matching (named, namespace and `promises` imports, `Sync` variants, the response object a
 * handler was given, a root option that confines the path). Adding a function is an entry here and
 * a fixture in fixtures/rules/path-traversal.
 */

/** Modules whose functions take file-system paths (`node:` prefixes are stripped before lookup). */
export const FS_MODULES: ReadonlySet<string> = new Set(['fs', 'fs/promises', 'fs-extra', 'graceful-fs', 'original-fs', 'mz/fs']);

/**
 * Functions of those modules and the indexes of their path arguments (`Sync` variants share their
 * base name's entry). Both paths count for copies and moves: writing to an attacker-chosen
 * destination is as bad as reading from one.
 */
export const PATH_ARGUMENTS: Readonly<Record<string, readonly number[]>> = {
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

/** The option of the `send`-based file senders below that confines the path to a folder (`..` above it is refused). */
export const SEND_ROOT_OPTION = 'root';

/**
 * koa-send: `send(ctx, path, { root })`. Without a root it confines to the working directory, which
 * still serves the app's own sources and .env.
 */
export const KOA_SEND = { packages: ['koa-send', '@koa/send'] as readonly string[], exports: ['send'] as readonly string[], pathArgument: 1, optionsArgument: 2 } as const;

/**
 * Express response methods that send a file through `send` (`res.sendFile(path, options?)`,
 * `res.download(path, filename?, options?)`), and @fastify/static's `reply.sendFile(name, root?)`:
 * the path is argument 0.
 */
export const RESPONSE_FILE_METHODS: readonly string[] = ['sendFile', 'download'];

/** Path helpers that keep `../` segments in their result (named in the finding when the path went through one). */
export const DIRECTORY_KEEPING_TRANSFORMS: ReadonlySet<string> = new Set(['path.join', 'path.resolve', 'path.normalize']);
