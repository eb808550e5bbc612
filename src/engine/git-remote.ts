/**
 * The URL of the scanned repository's `origin` remote, for SARIF `versionControlProvenance`.
 *
 * `.git/config` is read here as data only, never handed to git: nothing in it runs (fsmonitor,
 * hooks, pagers are all git's doing, and git is never started). Only `[remote "origin"]`'s `url`
 * is looked at; `include`/`includeIf` and `url.<base>.insteadOf` are not followed, so the URL is
 * the one written there. Credentials (`https://user:token@host/...`) are stripped, and a local
 * path or `file:` URL is dropped (it names a folder on one machine, not a repository).
 */
import path from 'node:path';
import { readBounded, type GitState } from './git.js';

/** A `.git/config` is a few kilobytes; one larger than this is not read. */
const CONFIG_LIMIT = 1024 * 1024;

export function readOriginUrl(state: Pick<GitState, 'commonDir'>): string | undefined {
  const text = readBounded(path.join(state.commonDir, 'config'), CONFIG_LIMIT);
  if (text === undefined) return undefined;
  let inOrigin = false;
  let url: string | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    const section = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/.exec(line);
    if (section) {
      inOrigin = section[1]!.toLowerCase() === 'remote' && section[2] === 'origin';
      continue;
    }
    if (!inOrigin) continue;
    const entry = /^url\s*=\s*(.*)$/i.exec(line);
    // git takes the first `url` of a remote for fetching; later ones are push mirrors.
    if (entry && url === undefined) url = unquote(entry[1]!);
  }
  return url === undefined ? undefined : publicRepositoryUri(url);
}

function unquote(value: string): string {
  const withoutComment = value.replace(/\s+[#;].*$/, '').trim();
  return withoutComment.startsWith('"') && withoutComment.endsWith('"') && withoutComment.length >= 2 ? withoutComment.slice(1, -1) : withoutComment;
}

/** An absolute URI for the repository, credentials stripped; undefined for local paths and odd values. */
export function publicRepositoryUri(remote: string): string | undefined {
  const value = remote.trim();
  // scp-like `git@github.com:owner/name.git`: the user is a login name, not a secret, but the
  // form is not a URI; the https form of the same host and path is what code hosts link to.
  const scp = /^(?:[^@/\s]+@)?([A-Za-z0-9.-]+\.[A-Za-z]{2,}):(?!\/\/)([^\s]+?)(?:\.git)?\/?$/.exec(value);
  if (scp) return `https://${scp[1]}/${scp[2]!.replace(/^\/+/, '')}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (!['https:', 'http:', 'ssh:', 'git:'].includes(url.protocol) || !url.hostname) return undefined;
  const repositoryPath = url.pathname.replace(/\.git\/?$/, '').replace(/\/$/, '');
  if (repositoryPath === '' || repositoryPath === '/') return undefined;
  const protocol = url.protocol === 'http:' ? 'http:' : 'https:';
  return `${protocol}//${url.hostname}${url.port && protocol === url.protocol ? `:${url.port}` : ''}${repositoryPath}`;
}
