import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';

/** Tests that build repositories with the system git run only where it exists. */
export const hasGit = spawnSync('git', ['--version'], { stdio: 'ignore' }).status === 0;

/** Runs the system git for building fixtures only, isolated from the machine's own git config. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: cwd,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
      GIT_AUTHOR_DATE: '2024-03-01T10:00:00Z',
      GIT_COMMITTER_DATE: process.env.FIXTURE_DATE ?? '2024-03-01T10:00:00Z',
    },
  }).trim();
}

/** Commits everything in the working tree with the given committer date. */
export function commitAt(cwd: string, date: string, message: string): void {
  const previous = process.env.FIXTURE_DATE;
  process.env.FIXTURE_DATE = date;
  try {
    git(cwd, 'add', '-A');
    git(cwd, 'commit', '-q', '-m', message);
  } finally {
    if (previous === undefined) delete process.env.FIXTURE_DATE;
    else process.env.FIXTURE_DATE = previous;
  }
}

/**
 * Arms a repository the way a hostile pull request could: every config key, include, attribute
 * driver and hook that makes git execute something runs `touch <marker>`.
 */
export function armRepository(root: string, marker: string): void {
  const touch = `touch ${marker}`;
  const config = [
    '[core]',
    '\trepositoryformatversion = 0',
    `\tfsmonitor = "${touch}"`,
    `\tpager = "${touch}"`,
    `\tsshCommand = "${touch}"`,
    `\teditor = "${touch}"`,
    `\thooksPath = ${path.join(root, '.git', 'hooks')}`,
    `\tworktree = ${path.join(root, 'elsewhere')}`,
    '[include]',
    `\tpath = ${path.join(root, 'included.config')}`,
    '[diff "evil"]',
    `\ttextconv = "${touch}"`,
    '[filter "evil"]',
    `\tsmudge = "${touch}"`,
    `\tclean = "${touch}"`,
    '',
  ].join('\n');
  writeFileSync(path.join(root, '.git', 'config'), config);
  // An existing (empty) folder, so that git does follow core.worktree rather than stop at it.
  mkdirSync(path.join(root, 'elsewhere'), { recursive: true });
  writeFileSync(path.join(root, 'included.config'), `[core]\n\tfsmonitor = "${touch}"\n`);
  writeFileSync(path.join(root, '.gitattributes'), '* diff=evil filter=evil\n');
  for (const hook of ['post-checkout', 'pre-commit', 'post-commit', 'post-merge', 'post-index-change', 'reference-transaction', 'fsmonitor-watchman', 'pre-push']) {
    const file = path.join(root, '.git', 'hooks', hook);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `#!/bin/sh\n${touch}\n`);
    chmodSync(file, 0o755);
  }
}
