import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { changedFiles, findMergeBase, loadGitState, readCommitTime, readGitState, resolveRef } from '../src/engine/git.js';
import { runCli } from './helpers/cli.js';
import { armRepository, commitAt, git, hasGit } from './helpers/git.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = '0123456789abcdef0123456789abcdef01234567';

const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'trustscan-git-')));
  created.push(dir);
  return dir;
}

/** Writes files under `root`; a path ending in `/` is an empty folder. */
function write(root: string, files: Record<string, string>): string {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    if (name.endsWith('/')) {
      mkdirSync(file, { recursive: true });
      continue;
    }
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return root;
}

/** The minimum git accepts as a repository: HEAD, objects/, refs/. */
function bareGitDir(head: string, extra: Record<string, string> = {}): Record<string, string> {
  return { '.git/HEAD': head, '.git/objects/': '', '.git/refs/heads/': '', '.git/refs/tags/': '', ...extra };
}

// The reader never prints, not even when a repository is broken (isomorphic-git can console.log).
const consoleMethods = ['log', 'info', 'warn', 'error', 'debug'] as const;
beforeEach(() => {
  for (const method of consoleMethods) vi.spyOn(console, method);
});
afterEach(() => {
  for (const method of consoleMethods) expect(console[method]).not.toHaveBeenCalled();
  vi.restoreAllMocks();
});

describe('readGitState: hand-written .git folders', () => {
  it('resolves a branch through its loose ref', () => {
    const root = write(tempDir(), bareGitDir('ref: refs/heads/main\n', { '.git/refs/heads/main': `${A}\n` }));
    expect(readGitState(root)).toEqual({
      worktreeRoot: root,
      gitDir: path.join(root, '.git'),
      commonDir: path.join(root, '.git'),
      commit: A,
      branch: 'main',
      detached: false,
    });
  });

  it('resolves a branch found only in packed-refs, skipping comments and peeled lines', () => {
    const root = write(tempDir(), bareGitDir('ref: refs/heads/feature/login\n', {
      '.git/packed-refs': [
        '# pack-refs with: peeled fully-peeled sorted ',
        `${B} refs/heads/feature/login`,
        `${A} refs/tags/v1.0`,
        `^${C}`,
        '',
      ].join('\n'),
    }));
    const state = readGitState(root);
    expect(state).toMatchObject({ commit: B, branch: 'feature/login', detached: false });
    expect(state && resolveRef(state, 'v1.0')).toBe(A);
  });

  it('prefers a loose ref over a stale packed one', () => {
    const root = write(tempDir(), bareGitDir('ref: refs/heads/main\n', {
      '.git/refs/heads/main': `${C}\n`,
      '.git/packed-refs': `${A} refs/heads/main\n`,
    }));
    expect(readGitState(root)?.commit).toBe(C);
  });

  it('reports a detached HEAD with its commit and no branch', () => {
    const root = write(tempDir(), bareGitDir(`${C}\n`, { '.git/refs/heads/main': `${A}\n` }));
    const state = readGitState(root);
    expect(state).toMatchObject({ commit: C, detached: true });
    expect(state).not.toHaveProperty('branch');
  });

  it('reports an unborn branch with its name and no commit', () => {
    const root = write(tempDir(), bareGitDir('ref: refs/heads/trunk\n'));
    const state = readGitState(root);
    expect(state).toMatchObject({ branch: 'trunk', detached: false });
    expect(state).not.toHaveProperty('commit');
  });

  it('reads a linked worktree: HEAD from its own git dir, refs from the main repository', () => {
    const base = tempDir();
    const main = write(path.join(base, 'main'), bareGitDir('ref: refs/heads/main\n', {
      '.git/refs/heads/main': `${A}\n`,
      '.git/packed-refs': `${B} refs/heads/topic\n`,
      '.git/worktrees/wt/HEAD': 'ref: refs/heads/topic\n',
      '.git/worktrees/wt/commondir': '../..\n',
      '.git/worktrees/wt/gitdir': `${path.join(base, 'wt', '.git')}\n`,
    }));
    const worktree = write(path.join(base, 'wt'), { '.git': `gitdir: ${path.join(main, '.git', 'worktrees', 'wt')}\n`, 'src/app.ts': '' });
    expect(readGitState(path.join(worktree, 'src'))).toEqual({
      worktreeRoot: worktree,
      gitDir: path.join(main, '.git', 'worktrees', 'wt'),
      commonDir: path.join(main, '.git'),
      commit: B,
      branch: 'topic',
      detached: false,
    });
    expect(readGitState(main)).toMatchObject({ commit: A, branch: 'main' });
  });

  it('reads a submodule whose .git file points, relatively, into the parent repository', () => {
    const parent = write(tempDir(), {
      ...bareGitDir('ref: refs/heads/main\n', { '.git/refs/heads/main': `${A}\n` }),
      '.git/modules/lib/HEAD': `${C}\n`,
      '.git/modules/lib/objects/': '',
      '.git/modules/lib/refs/': '',
      'lib/.git': 'gitdir: ../.git/modules/lib\n',
      'lib/index.ts': '',
    });
    expect(readGitState(path.join(parent, 'lib'))).toEqual({
      worktreeRoot: path.join(parent, 'lib'),
      gitDir: path.join(parent, '.git', 'modules', 'lib'),
      commonDir: path.join(parent, '.git', 'modules', 'lib'),
      commit: C,
      detached: true,
    });
  });

  it('walks up from a subfolder, or from a file, to the repository', () => {
    const root = write(tempDir(), bareGitDir('ref: refs/heads/main\n', { '.git/refs/heads/main': `${A}\n`, 'src/routes/users.ts': '' }));
    expect(readGitState(path.join(root, 'src', 'routes'))?.worktreeRoot).toBe(root);
    expect(readGitState(path.join(root, 'src', 'routes', 'users.ts'))?.commit).toBe(A);
  });

  it('returns undefined outside any repository, for a missing folder, and for a .git that is not a repository', () => {
    const plain = write(tempDir(), { 'src/app.ts': '' });
    expect(readGitState(plain)).toBeUndefined();
    expect(readGitState(path.join(plain, 'does-not-exist'))).toBeUndefined();
    expect(readGitState(write(tempDir(), { '.git/HEAD': 'ref: refs/heads/main\n' }))).toBeUndefined(); // no objects/, refs/
    expect(readGitState(write(tempDir(), { '.git': 'not a gitdir line\n' }))).toBeUndefined();
    expect(readGitState(write(tempDir(), { '.git': 'gitdir: /nonexistent/worktree\n' }))).toBeUndefined();
  });

  it('gives up on symbolic ref loops, escaping ref names, garbage and oversized files, without throwing', () => {
    const loop = write(tempDir(), bareGitDir('ref: refs/heads/a\n', {
      '.git/refs/heads/a': 'ref: refs/heads/b\n',
      '.git/refs/heads/b': 'ref: refs/heads/a\n',
    }));
    expect(readGitState(loop)).toMatchObject({ branch: 'a', detached: false });
    expect(readGitState(loop)).not.toHaveProperty('commit');

    const outside = tempDir();
    write(outside, { 'secret': `${A}\n` });
    const escaping = write(tempDir(), bareGitDir(`ref: refs/heads/../../../../../../..${outside}/secret\n`));
    expect(readGitState(escaping)).toBeUndefined();

    expect(readGitState(write(tempDir(), bareGitDir('garbage\n')))).toBeUndefined();
    expect(readGitState(write(tempDir(), bareGitDir(`${A}\n${'x'.repeat(10_000)}`)))).toBeUndefined();
    const bigRef = write(tempDir(), bareGitDir('ref: refs/heads/main\n', { '.git/refs/heads/main': `${A}${' '.repeat(10_000)}\n` }));
    expect(readGitState(bigRef)).toMatchObject({ branch: 'main' });
    expect(readGitState(bigRef)).not.toHaveProperty('commit');
  });

  it.skipIf(!existsSync('/usr/bin/mkfifo') && !existsSync('/bin/mkfifo'))('refuses a FIFO planted as HEAD or as a ref instead of blocking on it', () => {
    const head = write(tempDir(), bareGitDir(''));
    rmSync(path.join(head, '.git', 'HEAD'));
    execFileSync('mkfifo', [path.join(head, '.git', 'HEAD')]);
    expect(readGitState(head)).toBeUndefined();

    const ref = write(tempDir(), bareGitDir('ref: refs/heads/main\n'));
    execFileSync('mkfifo', [path.join(ref, '.git', 'refs', 'heads', 'main')]);
    expect(readGitState(ref)).toMatchObject({ branch: 'main' });
  });

  it('object readers return undefined when the objects are missing', async () => {
    const root = write(tempDir(), bareGitDir('ref: refs/heads/main\n', { '.git/refs/heads/main': `${A}\n` }));
    const state = readGitState(root)!;
    expect(await loadGitState(root)).toEqual(state);
    expect(await readCommitTime(state, 'HEAD')).toBeUndefined();
    expect(await findMergeBase(state, A, B)).toBeUndefined();
    expect(await changedFiles(state, A, B)).toBeUndefined();
  });
});

describe.skipIf(!hasGit)('readGitState: repositories made by git', () => {
  /**
   * main: c1 (a.txt, b.txt, dir/x.txt) -> c2 (a.txt changed, b.txt removed, docs/n.md added)
   * feature, from c1: f1 (dir/x.txt changed, exec bit on dir/run.sh, lib -> file to folder)
   */
  function buildRepository(): string {
    const root = tempDir();
    git(root, 'init', '-q', '-b', 'main');
    write(root, { 'a.txt': 'a\n', 'b.txt': 'b\n', 'dir/x.txt': 'x\n', 'dir/run.sh': 'echo\n', 'lib': 'file\n' });
    commitAt(root, '2024-03-01T10:00:00Z', 'c1');
    git(root, 'tag', '-a', 'v1', '-m', 'release 1');
    git(root, 'checkout', '-q', '-b', 'feature');
    write(root, { 'dir/x.txt': 'x2\n' });
    chmodSync(path.join(root, 'dir/run.sh'), 0o755);
    rmSync(path.join(root, 'lib'));
    write(root, { 'lib/index.ts': 'export {};\n' });
    commitAt(root, '2024-03-02T11:30:00Z', 'f1');
    git(root, 'checkout', '-q', 'main');
    write(root, { 'a.txt': 'a2\n', 'docs/n.md': '# n\n' });
    rmSync(path.join(root, 'b.txt'));
    commitAt(root, '2024-03-03T12:45:00Z', 'c2');
    return root;
  }

  it('agrees with git on commit, branch and commit date, loose and after gc packed everything', async () => {
    const root = buildRepository();
    for (const phase of ['loose', 'packed']) {
      if (phase === 'packed') {
        git(root, 'gc', '-q', '--prune=now');
        expect(existsSync(path.join(root, '.git', 'packed-refs'))).toBe(true);
        expect(existsSync(path.join(root, '.git', 'refs', 'heads', 'main'))).toBe(false);
      }
      const state = await loadGitState(path.join(root, 'dir'));
      expect(state, phase).toEqual({
        worktreeRoot: root,
        gitDir: path.join(root, '.git'),
        commonDir: path.join(root, '.git'),
        commit: git(root, 'rev-parse', 'HEAD'),
        branch: 'main',
        detached: false,
        commitTime: '2024-03-03T12:45:00.000Z',
      });
      expect(resolveRef(state!, 'feature'), phase).toBe(git(root, 'rev-parse', 'feature'));
      expect(resolveRef(state!, 'v1'), phase).toBe(git(root, 'rev-parse', 'v1'));
      expect(await readCommitTime(state!, 'v1'), phase).toBe('2024-03-01T10:00:00.000Z');
    }
  });

  it('finds merge bases and changed files as git does, for branch names, hashes and annotated tags', async () => {
    const root = buildRepository();
    for (const phase of ['loose', 'packed']) {
      if (phase === 'packed') git(root, 'gc', '-q', '--prune=now');
      const state = readGitState(root)!;
      const base = git(root, 'merge-base', 'main', 'feature');
      expect(await findMergeBase(state, 'main', 'feature'), phase).toBe(base);
      expect(await findMergeBase(state, git(root, 'rev-parse', 'main'), 'v1'), phase).toBe(base);
      expect(await findMergeBase(state, 'main', 'no-such-branch'), phase).toBeUndefined();

      for (const [from, to] of [[base, 'feature'], ['v1', 'main'], ['feature', 'main']] as const) {
        const expected = git(root, 'diff', '--name-status', '--no-renames', from, to)
          .split('\n')
          .filter(Boolean)
          .map((line) => {
            const [status, file] = line.split('\t');
            return { path: file!, status: ({ A: 'added', M: 'modified', D: 'deleted' } as const)[status as 'A' | 'M' | 'D'] };
          })
          .sort((x, y) => (x.path < y.path ? -1 : 1));
        expect(expected.length, `${phase} ${from}..${to}`).toBeGreaterThan(0);
        expect(await changedFiles(state, from, to), `${phase} ${from}..${to}`).toEqual(expected);
      }
      expect(await changedFiles(state, 'main', 'main'), phase).toEqual([]);
    }
  });

  it('reads a linked worktree made by git worktree add, with objects from the main repository', async () => {
    const root = buildRepository();
    git(root, 'gc', '-q', '--prune=now');
    const worktree = path.join(tempDir(), 'wt');
    git(root, 'worktree', 'add', '-q', worktree, 'feature');
    const state = await loadGitState(path.join(worktree, 'lib'));
    expect(state).toEqual({
      worktreeRoot: worktree,
      gitDir: path.join(root, '.git', 'worktrees', 'wt'),
      commonDir: path.join(root, '.git'),
      commit: git(worktree, 'rev-parse', 'HEAD'),
      branch: 'feature',
      detached: false,
      commitTime: '2024-03-02T11:30:00.000Z',
    });
    expect(await findMergeBase(state!, 'HEAD', 'main')).toBe(git(root, 'merge-base', 'main', 'feature'));

    git(worktree, 'checkout', '-q', '--detach', 'v1');
    expect(readGitState(worktree)).toMatchObject({ commit: git(root, 'rev-parse', 'v1^{commit}'), detached: true });
    expect(readGitState(root)).toMatchObject({ branch: 'main', commit: git(root, 'rev-parse', 'main') });
  });
});

describe('a hostile repository', () => {
  /**
   * Everything git could be talked into executing: fsmonitor, pager, ssh, editor, diff/merge
   * drivers, an include, and every hook; each would create the marker file.
   */
  function buildHostile(marker: string): string {
    const root = tempDir();
    if (hasGit) {
      git(root, 'init', '-q', '-b', 'main');
      write(root, { 'package.json': JSON.stringify({ dependencies: { express: '4' } }), 'src/app.ts': "import express from 'express';\nconst app = express();\napp.get('/x', (req, res) => res.send('x'));\n" });
      commitAt(root, '2024-03-01T10:00:00Z', 'c1');
      write(root, { 'src/more.ts': 'export const more = 1;\n' });
      commitAt(root, '2024-03-02T10:00:00Z', 'c2');
    } else {
      write(root, {
        ...bareGitDir('ref: refs/heads/main\n', { '.git/refs/heads/main': `${A}\n` }),
        'package.json': JSON.stringify({ dependencies: { express: '4' } }),
        'src/app.ts': "import express from 'express';\nconst app = express();\napp.get('/x', (req, res) => res.send('x'));\n",
      });
    }
    armRepository(root, marker);
    return root;
  }

  it('executes nothing: reading its state, objects, merge base and diff, and scanning it', async () => {
    const markerDir = tempDir();
    const marker = path.join(markerDir, 'pwned');
    const root = buildHostile(marker);

    const state = readGitState(root);
    expect(state).toMatchObject({ worktreeRoot: root, branch: 'main', detached: false });
    expect(state?.commit).toMatch(/^[0-9a-f]{40}$/);
    const loaded = await loadGitState(root);
    if (hasGit) {
      expect(loaded?.commitTime).toBe('2024-03-02T10:00:00.000Z');
      const first = git(root, 'rev-list', '--max-parents=0', 'HEAD');
      expect(await findMergeBase(state!, 'HEAD', first)).toBe(first);
      expect(await changedFiles(state!, first, 'HEAD')).toEqual([{ path: 'src/more.ts', status: 'added' }]);
    }
    expect(existsSync(marker)).toBe(false);

    const run = await runCli(['scan', '.', '--fail-on', 'none'], { cwd: root });
    expect(run.code).toBe(0);
    const runJson = await runCli(['scan', root, '--format', 'json', '--fail-on', 'none'], { cwd: markerDir });
    expect(runJson.code).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  it.skipIf(!hasGit)('control: the same repository does make git execute its fsmonitor', () => {
    const markerDir = tempDir();
    const marker = path.join(markerDir, 'pwned');
    const root = buildHostile(marker);
    const copy = path.join(tempDir(), 'copy');
    cpSync(root, copy, { recursive: true });
    // The copy's config still names the marker: this proves the fixture is live, not inert.
    spawnSync('git', ['status'], { cwd: copy, stdio: 'ignore', env: { PATH: process.env.PATH, HOME: copy, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } });
    expect(existsSync(marker)).toBe(true);
  });
});
