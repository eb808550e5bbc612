/** .pre-commit-hooks.yaml: the hook pre-commit installs from this repository, as documented in the README. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

describe('.pre-commit-hooks.yaml', () => {
  it('runs `trustscan scan` once per commit on the changed lines, passing a commit with nothing to scan', () => {
    const hooks = parse(readFileSync(new URL('../.pre-commit-hooks.yaml', import.meta.url), 'utf8'));
    expect(hooks).toEqual([
      expect.objectContaining({ id: 'trustscan', entry: 'trustscan scan', language: 'node', pass_filenames: false, args: ['--changed-since', 'HEAD', '--allow-empty'] }),
    ]);
    // `trustscan` is the package's bin, which pre-commit's node environment puts on PATH.
    expect(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).bin).toHaveProperty('trustscan');
    // The README's recipe uses the same flags.
    expect(readFileSync(new URL('../README.md', import.meta.url), 'utf8')).toContain('trustscan scan --changed-since HEAD --allow-empty');
  });
});
