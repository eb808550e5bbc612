/**
 * Reads the scanned repository's git state (commit, branch) straight from its `.git` files, and
 * (through isomorphic-git, pure JS) its objects: commit dates, merge bases, changed files.
 *
 * The scanned repository is attacker-controlled (a pull request from a fork), so this module never
 * runs `git` or anything else: a hostile `.git/config` can make git execute commands
 * (`core.fsmonitor`, `core.pager`, hooks, `core.sshCommand`, ...). Nothing here reads `.git/config`
 * at all, nor honours `core.worktree`, includes, alternates or hooks; the file system handed to
 * isomorphic-git is read-only and refuses every `config` file. Every file read is bounded in size
 * and must be a regular file (a FIFO or a device in `.git` cannot hang or flood the scan). Every
 * failure ends in `undefined`, never in an exception or in output.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { open as openAsync, lstat, readdir, readlink, stat } from 'node:fs/promises';
import path from 'node:path';

export interface GitState {
  /** The working tree: the folder holding `.git` (never `core.worktree`). */
  worktreeRoot: string;
  /** The git directory: `.git`, or for a linked worktree or a submodule the folder its `.git` file names. */
  gitDir: string;
  /** Where the shared refs and objects live: `gitDir` itself, or the main repository's for a linked worktree. */
  commonDir: string;
  /** Full hash of the commit HEAD points at; undefined on an unborn branch (or an unreadable ref). */
  commit?: string;
  /** Short branch name (`main`, `feature/x`); undefined when HEAD is detached. */
  branch?: string;
  detached: boolean;
  /** The commit's committer date, ISO 8601 UTC; only from `loadGitState` and only when the object is readable. */
  commitTime?: string;
}

export interface ChangedFile {
  /** posix, relative to the repository root */
  path: string;
  status: 'added' | 'modified' | 'deleted';
}

/** HEAD, loose refs, `.git` files, `commondir`: a few bytes each. */
const SMALL_FILE_LIMIT = 4096;
/** packed-refs of a repository with very many tags stays well under this. */
const PACKED_REFS_LIMIT = 64 * 1024 * 1024;
/** isomorphic-git reads a pack file whole: a larger one leaves the commit date out. */
const OBJECT_FILE_LIMIT = 256 * 1024 * 1024;
/** Symbolic refs pointing at symbolic refs: git itself gives up after 5. */
const MAX_SYMBOLIC_HOPS = 5;
/** Annotated tags of annotated tags. */
const MAX_TAG_PEELS = 5;

const HASH = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * Finds the repository holding `startDir` (walking up to a `.git` folder, or a `.git` file
 * `gitdir: ...` as linked worktrees and submodules have) and reads HEAD: commit and branch.
 * Synchronous and object-free, so no `commitTime`; `loadGitState` adds it.
 */
export function readGitState(startDir: string): GitState | undefined {
  try {
    const location = findRepository(startDir);
    if (!location) return undefined;
    const head = readSmall(path.join(location.gitDir, 'HEAD'));
    if (head === undefined) return undefined;
    const headLine = head.trim();
    if (headLine.startsWith('ref:')) {
      const target = headLine.slice(4).trim();
      if (!isSafeRefName(target)) return undefined;
      const commit = resolveRefName(location, target);
      const branch = target.startsWith('refs/heads/') ? target.slice('refs/heads/'.length) : undefined;
      return { ...location, ...(commit ? { commit } : {}), ...(branch ? { branch } : {}), detached: false };
    }
    if (HASH.test(headLine)) return { ...location, commit: headLine, detached: true };
    return undefined;
  } catch {
    return undefined;
  }
}

/** `readGitState` plus the commit's date read from the commit object (loose or packed). */
export async function loadGitState(startDir: string): Promise<GitState | undefined> {
  const state = readGitState(startDir);
  if (!state?.commit) return state;
  const commitTime = await readCommitTime(state, state.commit);
  return commitTime ? { ...state, commitTime } : state;
}

/** The committer date of a commit (a hash or a ref name), ISO 8601 UTC, or undefined. */
export async function readCommitTime(state: GitState, commitish: string): Promise<string | undefined> {
  try {
    const git = await isomorphicGit();
    const cache = {};
    const oid = await peelToCommit(state, commitish, cache);
    if (!oid) return undefined;
    const { commit } = await git.readCommit({ fs: readOnlyFs, gitdir: state.commonDir, oid, cache });
    const seconds = commit.committer.timestamp;
    if (!Number.isFinite(seconds)) return undefined;
    return new Date(seconds * 1000).toISOString();
  } catch {
    return undefined;
  }
}

/**
 * Resolves a hash or a ref name the way `git rev-parse` looks names up (`HEAD`, `refs/...`, then
 * tags, branches, remotes: `main`, `origin/main`, `v1.0`), to the hash it names (an annotated tag's
 * own hash, not peeled). Loose refs first, then packed-refs; per-worktree refs from `gitDir`.
 */
export function resolveRef(state: GitState, ref: string): string | undefined {
  try {
    if (HASH.test(ref)) return ref;
    const candidates = ref === 'HEAD' || ref.startsWith('refs/')
      ? [ref]
      : [`refs/tags/${ref}`, `refs/heads/${ref}`, `refs/remotes/${ref}`, `refs/remotes/${ref}/HEAD`];
    for (const candidate of candidates) {
      if (!isSafeRefName(candidate)) continue;
      const oid = resolveRefName(state, candidate);
      if (oid) return oid;
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/** The merge base of two commits (hashes or ref names), as `git merge-base` gives it; undefined if none. */
export async function findMergeBase(state: GitState, a: string, b: string): Promise<string | undefined> {
  try {
    const git = await isomorphicGit();
    const cache = {};
    const [left, right] = await Promise.all([peelToCommit(state, a, cache), peelToCommit(state, b, cache)]);
    if (!left || !right) return undefined;
    const bases = await git.findMergeBase({ fs: readOnlyFs, gitdir: state.commonDir, oids: [left, right], cache });
    const base = bases[0];
    return typeof base === 'string' && HASH.test(base) ? base : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Files that differ between two commits' trees (hashes or ref names), sorted by path, like
 * `git diff --name-status --no-renames from to` (a mode change counts as modified; a file that
 * became a folder is a deletion plus the folder's additions). Undefined when either is unreadable.
 */
export async function changedFiles(state: GitState, fromCommit: string, toCommit: string): Promise<ChangedFile[] | undefined> {
  try {
    const git = await isomorphicGit();
    const cache = {};
    const [from, to] = await Promise.all([peelToCommit(state, fromCommit, cache), peelToCommit(state, toCommit, cache)]);
    if (!from || !to) return undefined;
    const changes: ChangedFile[] = [];
    await git.walk({
      fs: readOnlyFs,
      gitdir: state.commonDir,
      cache,
      trees: [git.TREE({ ref: from }), git.TREE({ ref: to })],
      map: async (filepath, [before, after]) => {
        const beforeType = before ? await before.type() : undefined;
        const afterType = after ? await after.type() : undefined;
        const beforeOid = before ? await before.oid() : undefined;
        const afterOid = after ? await after.oid() : undefined;
        if (beforeType === 'tree' && afterType === 'tree') {
          // Same tree hash: nothing below differs, so skip it.
          return beforeOid === afterOid ? null : undefined;
        }
        const beforeFile = beforeType !== undefined && beforeType !== 'tree';
        const afterFile = afterType !== undefined && afterType !== 'tree';
        if (beforeFile && afterFile) {
          const sameMode = (await before!.mode()) === (await after!.mode());
          if (beforeOid !== afterOid || !sameMode) changes.push({ path: filepath, status: 'modified' });
        } else if (beforeFile) {
          changes.push({ path: filepath, status: 'deleted' });
        } else if (afterFile) {
          changes.push({ path: filepath, status: 'added' });
        }
        // A folder on one side only: its entries are walked (and reported) one by one.
        return undefined;
      },
    });
    return changes.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  } catch {
    return undefined;
  }
}

/** Blobs larger than this are left out of `readTreeFiles` (generated bundles, assets). */
const TREE_FILE_LIMIT = 8 * 1024 * 1024;

/**
 * Every regular file of a commit's tree under `folder` (posix, relative to the repository root;
 * '' for all), with its content: what the scanned files looked like at that commit. Symbolic
 * links, submodules and files over 8 MiB are left out. Undefined when the commit is unreadable.
 */
export async function readTreeFiles(state: GitState, commitish: string, folder: string): Promise<Map<string, Uint8Array> | undefined> {
  try {
    const git = await isomorphicGit();
    const cache = {};
    const oid = await peelToCommit(state, commitish, cache);
    if (!oid) return undefined;
    const files = new Map<string, Uint8Array>();
    const prefix = folder === '' ? '' : `${folder.replace(/\/+$/, '')}/`;
    await git.walk({
      fs: readOnlyFs,
      gitdir: state.commonDir,
      cache,
      trees: [git.TREE({ ref: oid })],
      map: async (filepath, [entry]) => {
        if (!entry) return null;
        const type = await entry.type();
        // Outside the folder: skip whole subtrees that cannot lead into it.
        if (filepath !== '.' && !(filepath + '/').startsWith(prefix) && !prefix.startsWith(filepath + '/')) return null;
        if (type !== 'blob') return type === 'tree' ? undefined : null;
        // 0o100644 / 0o100755 only: 0o120000 is a symbolic link, whose target text is no file.
        if (((await entry.mode()) & 0o170000) !== 0o100000) return null;
        const content = await entry.content();
        if (content && content.length <= TREE_FILE_LIMIT) files.set(filepath, content);
        return null;
      },
    });
    return files;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Finding the repository

type Location = Pick<GitState, 'worktreeRoot' | 'gitDir' | 'commonDir'>;

function findRepository(startDir: string): Location | undefined {
  let dir = path.resolve(startDir);
  const startStat = statSync(dir, { throwIfNoEntry: false });
  if (!startStat) return undefined;
  if (!startStat.isDirectory()) dir = path.dirname(dir);
  for (;;) {
    const location = repositoryAt(dir);
    if (location) return location;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The repository whose working tree is `dir`, if `dir/.git` is a valid git folder or a `gitdir:` file. */
function repositoryAt(dir: string): Location | undefined {
  const dotGit = path.join(dir, '.git');
  const dotGitStat = statSync(dotGit, { throwIfNoEntry: false });
  if (!dotGitStat) return undefined;
  let gitDir: string;
  if (dotGitStat.isDirectory()) {
    gitDir = dotGit;
  } else if (dotGitStat.isFile()) {
    const text = readSmall(dotGit);
    const match = text === undefined ? null : /^gitdir:[ \t]*(.+?)[ \t]*$/m.exec(text.split(/\r?\n/)[0] ?? '');
    if (!match) return undefined;
    gitDir = path.resolve(dir, match[1]!);
  } else {
    return undefined;
  }
  const commonDir = readCommonDir(gitDir);
  if (commonDir === undefined) return undefined;
  if (!isGitDirectory(gitDir, commonDir)) return undefined;
  return { worktreeRoot: dir, gitDir, commonDir };
}

/** `gitDir/commondir` (linked worktrees: relative to gitDir, usually `../..`), else gitDir itself. */
function readCommonDir(gitDir: string): string | undefined {
  const file = path.join(gitDir, 'commondir');
  if (!statSync(file, { throwIfNoEntry: false })) return gitDir;
  const text = readSmall(file);
  const line = text?.split(/\r?\n/)[0]?.trim();
  if (!line) return undefined;
  return path.resolve(gitDir, line);
}

/** As git checks: a HEAD file in the git dir, and objects/ and refs/ folders where they are shared. */
function isGitDirectory(gitDir: string, commonDir: string): boolean {
  const isDir = (p: string) => statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
  const head = statSync(path.join(gitDir, 'HEAD'), { throwIfNoEntry: false });
  return (head?.isFile() ?? false) && isDir(path.join(commonDir, 'objects')) && isDir(path.join(commonDir, 'refs'));
}

// ---------------------------------------------------------------------------------------------
// Refs

/**
 * Refs private to one worktree live in its own git dir; every other ref in the common dir
 * (gitrepository-layout: HEAD and other pseudo-refs, refs/bisect, refs/worktree, refs/rewritten).
 */
function refDirectory(location: Location, name: string): string {
  const perWorktree = !name.startsWith('refs/') || /^refs\/(?:bisect|worktree|rewritten)\//.test(name);
  return perWorktree ? location.gitDir : location.commonDir;
}

/** Follows a ref name through symbolic refs (bounded) to a hash: loose file first, then packed-refs. */
function resolveRefName(location: Location, name: string): string | undefined {
  let current = name;
  for (let hop = 0; hop <= MAX_SYMBOLIC_HOPS; hop++) {
    const loose = readLooseRef(location, current);
    if (loose === undefined) {
      // Only refs/... can be packed; pseudo-refs (HEAD, ORIG_HEAD) are always loose.
      return current.startsWith('refs/') ? readPackedRefs(location.commonDir).get(current) : undefined;
    }
    if (loose.startsWith('ref:')) {
      const target = loose.slice(4).trim();
      if (!isSafeRefName(target)) return undefined;
      current = target;
      continue;
    }
    return HASH.test(loose) ? loose : undefined;
  }
  return undefined;
}

/** The trimmed contents of a loose ref file, or undefined when there is none. */
function readLooseRef(location: Location, name: string): string | undefined {
  const text = readSmall(path.join(refDirectory(location, name), ...name.split('/')));
  return text?.trim();
}

/** `packed-refs`: `<hash> <name>` lines; `#` header lines and `^<hash>` peeled-tag lines skipped. */
function readPackedRefs(commonDir: string): Map<string, string> {
  const refs = new Map<string, string>();
  const text = readBounded(path.join(commonDir, 'packed-refs'), PACKED_REFS_LIMIT);
  if (text === undefined) return refs;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/\r$/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('^')) continue;
    const space = line.indexOf(' ');
    if (space < 0) continue;
    const oid = line.slice(0, space);
    const name = line.slice(space + 1).trim();
    if (HASH.test(oid) && !refs.has(name)) refs.set(name, oid);
  }
  return refs;
}

/**
 * A name safe to join onto a git dir: HEAD-like pseudo-refs or `refs/...`, no `..`, no empty or
 * dot-led components, none of the characters git forbids (see git-check-ref-format).
 */
function isSafeRefName(name: string): boolean {
  if (name.length === 0 || name.length > 1024) return false;
  if (/^[A-Z][A-Z_]*$/.test(name)) return true;
  if (!name.startsWith('refs/')) return false;
  if (/[\x00-\x20\x7f~^:?*[\\]|\.\.|@\{|\/\/|\/$|\.lock$|\.$/.test(name)) return false;
  return name.split('/').every((part) => part.length > 0 && !part.startsWith('.'));
}

// ---------------------------------------------------------------------------------------------
// Bounded, regular-file-only reads

function readSmall(file: string): string | undefined {
  return readBounded(file, SMALL_FILE_LIMIT);
}

/**
 * The file's text if it is a regular file of at most `limit` bytes; undefined otherwise.
 * O_NONBLOCK so that opening a FIFO planted in `.git` returns at once (and is then refused).
 */
export function readBounded(file: string, limit: number): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const info = fstatSync(fd);
    if (!info.isFile() || info.size > limit) return undefined;
    const buffer = Buffer.alloc(info.size);
    let offset = 0;
    while (offset < buffer.length) {
      const read = readSync(fd, buffer, offset, buffer.length - offset, offset);
      if (read === 0) break;
      offset += read;
    }
    return buffer.subarray(0, offset).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------
// Objects, through isomorphic-git

type IsomorphicGit = typeof import('isomorphic-git');
let isomorphicGitModule: Promise<IsomorphicGit> | undefined;

/** Loaded on first use: a scan that never asks for objects does not pay for the library. */
function isomorphicGit(): Promise<IsomorphicGit> {
  isomorphicGitModule ??= import('isomorphic-git').then((module) => ((module as { default?: IsomorphicGit }).default ?? module) as IsomorphicGit);
  return isomorphicGitModule;
}

/**
 * A hash or ref name, resolved and peeled through annotated tags to a commit hash. `cache` is
 * isomorphic-git's, shared by one public call so a pack file is read (and checksummed) once.
 */
async function peelToCommit(state: GitState, commitish: string, cache: object): Promise<string | undefined> {
  const git = await isomorphicGit();
  let oid = resolveRef(state, commitish);
  for (let peel = 0; oid && peel <= MAX_TAG_PEELS; peel++) {
    const object = await git.readObject({ fs: readOnlyFs, gitdir: state.commonDir, oid, format: 'parsed', cache });
    if (object.type === 'commit') return oid;
    if (object.type !== 'tag') return undefined;
    const target: string = (object.object as { object: string }).object;
    oid = HASH.test(target) ? target : undefined;
  }
  return undefined;
}

function refused(code: string, file: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: ${file}`);
  error.code = code;
  return error;
}

/** readFile for isomorphic-git: regular files only, bounded, and never a git `config` file. */
async function readFileBounded(file: string, options?: BufferEncoding | { encoding?: BufferEncoding | null }): Promise<Buffer | string> {
  // isomorphic-git would read config for some commands; none of ours needs it, so it does not exist.
  if (path.basename(file) === 'config') throw refused('ENOENT', file);
  const handle = await openAsync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw refused('EISDIR', file);
    if (!info.isFile()) throw refused('ENOENT', file);
    if (info.size > OBJECT_FILE_LIMIT) throw refused('EFBIG', file);
    const buffer = Buffer.alloc(info.size);
    let offset = 0;
    while (offset < buffer.length) {
      const { bytesRead } = await handle.read(buffer, offset, buffer.length - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    const data = buffer.subarray(0, offset);
    const encoding = typeof options === 'string' ? options : options?.encoding;
    return encoding ? data.toString(encoding) : data;
  } finally {
    await handle.close();
  }
}

const readOnly = async (): Promise<never> => {
  throw refused('EROFS', 'trustscan reads git repositories read-only');
};

/** The file system isomorphic-git gets: reads go through the bounds above; every write fails. */
const readOnlyFs = {
  promises: {
    readFile: readFileBounded,
    stat,
    lstat,
    readdir,
    readlink,
    writeFile: readOnly,
    mkdir: readOnly,
    rmdir: readOnly,
    unlink: readOnly,
    symlink: readOnly,
    rm: readOnly,
    cp: readOnly,
  },
};
