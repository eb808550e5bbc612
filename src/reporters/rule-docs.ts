/**
 * Where a rule's documentation lives. The docs ship in the package (`docs/rules/<id>.md`, listed in
 * package.json `files`), so a relative path always works from a clone or an install; an absolute
 * URL is only given when trustscan's own package.json names its repository (or a repository-shaped
 * homepage). Guessing a URL would send auditors to a page that may not exist or belong to someone
 * else, so without one SARIF leaves `helpUri` out and the text report prints the relative path.
 */
import { readFileSync } from 'node:fs';

export interface PackageLinks {
  repository?: string | { url?: string; directory?: string };
  homepage?: string;
}

/** `https://github.com/o/r` from the forms npm accepts: `git+https://…/r.git`, `github:o/r`, `o/r`, `git@github.com:o/r.git`. */
export function repositoryWebUrl(links: PackageLinks): { url: string; directory: string } | undefined {
  const repository = typeof links.repository === 'string' ? { url: links.repository } : links.repository;
  const directory = (repository?.directory ?? '').replace(/^\/+|\/+$/g, '');
  const fromRepository = repository?.url ? webUrl(repository.url) : undefined;
  if (fromRepository) return { url: fromRepository, directory };
  // A homepage is a repository only when it is one (GitHub/GitLab/Bitbucket owner/name, nothing more).
  const homepage = links.homepage?.replace(/#.*$/, '');
  if (homepage && /^https:\/\/(?:github\.com|gitlab\.com|bitbucket\.org)\/[\w.-]+\/[\w.-]+\/?$/.test(homepage)) return { url: homepage.replace(/\/$/, ''), directory: '' };
  return undefined;
}

function webUrl(raw: string): string | undefined {
  const value = raw.trim();
  const shorthand = /^(?:(github|gitlab|bitbucket):)?([\w.-]+)\/([\w.-]+?)(?:\.git)?$/.exec(value);
  if (shorthand) {
    const host = { github: 'github.com', gitlab: 'gitlab.com', bitbucket: 'bitbucket.org' }[shorthand[1] ?? 'github'];
    return `https://${host}/${shorthand[2]}/${shorthand[3]}`;
  }
  const scp = /^git@([\w.-]+):([\w./-]+?)(?:\.git)?$/.exec(value);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  try {
    const url = new URL(value.replace(/^git\+/, ''));
    if (!['https:', 'http:', 'git:', 'ssh:'].includes(url.protocol)) return undefined;
    // Credentials never leave the machine in a report.
    return `https://${url.hostname}${url.pathname.replace(/\.git$/, '').replace(/\/$/, '')}`;
  } catch {
    return undefined;
  }
}

/** The absolute URL of a rule's docs for these package links; undefined when the repository is unknown. */
export function ruleDocsUrlFor(links: PackageLinks, ruleId: string): string | undefined {
  const repository = repositoryWebUrl(links);
  if (!repository) return undefined;
  // `blob/HEAD` is the default branch on GitHub, GitLab and Bitbucket: no branch name to guess.
  return `${repository.url}/blob/HEAD/${repository.directory ? `${repository.directory}/` : ''}docs/rules/${encodeURIComponent(ruleId)}.md`;
}

let ownLinks: PackageLinks | undefined;

/** trustscan's own package.json (two levels up from src/reporters and dist/reporters alike). */
export function trustscanPackageLinks(): PackageLinks {
  if (!ownLinks) {
    try {
      const json = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as PackageLinks;
      ownLinks = { ...(json.repository ? { repository: json.repository } : {}), ...(json.homepage ? { homepage: json.homepage } : {}) };
    } catch {
      ownLinks = {};
    }
  }
  return ownLinks;
}

/** The absolute URL of a rule's docs, when trustscan's package.json says where its repository is. */
export function ruleDocsUrl(ruleId: string): string | undefined {
  return ruleDocsUrlFor(trustscanPackageLinks(), ruleId);
}

/** The absolute URL of trustscan's repository, when known (SARIF `informationUri`). */
export function trustscanHomeUrl(): string | undefined {
  return repositoryWebUrl(trustscanPackageLinks())?.url;
}

/** What a report prints as a rule's docs link: the absolute URL when known, else the path inside the package. */
export function ruleDocsLink(ruleId: string): string {
  return ruleDocsUrl(ruleId) ?? `docs/rules/${ruleId}.md`;
}
