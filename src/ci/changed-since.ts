/**
 * `scan --changed-since <git-ref>`: a pull request's scan reports what the pull request is
 * responsible for. The whole project is analysed (a flow crosses files), then a finding is kept
 * when
 *  - its location or any step of its trace lies on a line changed since the merge base of the ref
 *    and HEAD (working-tree content against the merge base's, so uncommitted edits count), or
 *  - the project as it was at the merge base does not have it (by fingerprint): this is how the
 *    removal of a guard somewhere else surfaces, such as an `app.use(requireAuth)` deleted in
 *    app.ts that leaves routes in other, unchanged files open.
 * The merge base's files are read from git objects and scanned with the same options in a
 * temporary folder; nothing of the repository is executed (engine/git.ts never runs git).
 * No merge base (a shallow clone) is an error, never a silent pass.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../engine/errors.js';
import { findMergeBase, readGitState, readTreeFiles, resolveRef, type GitState } from '../engine/git.js';
import type { Finding, ScanResult } from '../types.js';
import { changedLines } from './line-diff.js';
import { makeDirectories } from '../engine/make-directories.js';

export interface ChangedSinceOptions {
  ref: string;
  /** Absolute scan root: the folder every path of the result is relative to. */
  root: string;
  /**
   * Scans the project as it was at the merge base: `worktree` is a folder holding the merge base's
   * files at the same places relative to it as the repository's working tree has them.
   */
  scanAtMergeBase(worktree: string, repositoryRoot: string): Promise<ScanResult>;
}

export async function limitToChangedLines(result: ScanResult, options: ChangedSinceOptions): Promise<ScanResult> {
  const state = readGitState(options.root);
  if (!state?.commit) throw new UsageError(`--changed-since: ${options.root} is not in a git repository with a commit checked out`);
  if (!resolveRef(state, options.ref)) throw new UsageError(`--changed-since: no ref "${options.ref}" in this repository (in CI, fetch it: actions/checkout with fetch-depth: 0)`);
  const mergeBase = await findMergeBase(state, options.ref, 'HEAD');
  if (!mergeBase) throw new UsageError(`--changed-since: no merge base of ${options.ref} and HEAD (a shallow clone? fetch the history: actions/checkout with fetch-depth: 0)`);

  const rootInRepository = toPosix(path.relative(state.worktreeRoot, options.root));
  const baseFiles = await readTreeFiles(state, mergeBase, rootInRepository.startsWith('..') ? '' : rootInRepository);
  if (!baseFiles) throw new UsageError(`--changed-since: cannot read the files of the merge base ${mergeBase.slice(0, 12)}`);
  const baseFingerprints = new Set((await scanBase(state, baseFiles, options)).findings.map((finding) => finding.fingerprint));

  const changedByFile = new Map<string, Set<number>>();
  const changedIn = (file: string): Set<number> => {
    let changed = changedByFile.get(file);
    if (!changed) {
      changed = fileChanges(state, baseFiles, options.root, file);
      changedByFile.set(file, changed);
    }
    return changed;
  };
  const touches = (finding: Finding) =>
    changedIn(finding.file).has(finding.line) || finding.trace.some((step) => changedIn(step.file).has(step.line));
  const kept = result.findings.filter((finding) => touches(finding) || !baseFingerprints.has(finding.fingerprint));
  return { ...result, findings: kept, changedSince: { ref: options.ref, mergeBase, hidden: result.findings.length - kept.length } };
}

/** Lines of a scanned file that differ from the merge base; every line when the file is new there. */
function fileChanges(state: GitState, baseFiles: ReadonlyMap<string, Uint8Array>, root: string, file: string): Set<number> {
  const absolute = path.resolve(root, file);
  let now: string;
  try {
    now = readFileSync(absolute, 'utf8');
  } catch {
    return new Set();
  }
  const before = baseFiles.get(toPosix(path.relative(state.worktreeRoot, absolute)));
  return changedLines(before === undefined ? '' : Buffer.from(before).toString('utf8'), now);
}

async function scanBase(state: GitState, baseFiles: ReadonlyMap<string, Uint8Array>, options: ChangedSinceOptions): Promise<ScanResult> {
  const temporary = mkdtempSync(path.join(os.tmpdir(), 'trustscan-merge-base-'));
  try {
    for (const [file, content] of baseFiles) {
      const target = path.join(temporary, ...file.split('/'));
      // A path that would leave the folder (it cannot in a valid tree) is not written.
      if (!target.startsWith(temporary + path.sep)) continue;
      makeDirectories(path.dirname(target));
      writeFileSync(target, content);
    }
    return await options.scanAtMergeBase(temporary, state.worktreeRoot);
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
}

function toPosix(relative: string): string {
  return relative.split(path.sep).join('/');
}
