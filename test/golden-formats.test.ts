/**
 * Every scan format's exact output on one fixed project (test/golden/project): a change to a
 * reporter shows up here as a diff to review. `UPDATE_GOLDEN=1 npx vitest run test/golden-formats.test.ts`
 * rewrites the expected files after a deliberate change.
 *
 * The project is copied to a temporary folder first: inside this repository's checkout the SARIF
 * would carry the checkout's commit and remote (versionControlProvenance), different on every commit.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from './helpers/cli.js';

const goldenDir = fileURLToPath(new URL('./golden/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

const project = makeProject({});
cpSync(path.join(goldenDir, 'project'), project, { recursive: true });

const FORMATS = [
  { format: 'text', file: 'scan.txt' },
  { format: 'json', file: 'scan.json' },
  { format: 'sarif', file: 'scan.sarif' },
  { format: 'csv', file: 'scan.csv' },
  { format: 'markdown', file: 'scan.md' },
  { format: 'junit', file: 'scan.junit.xml' },
] as const;

describe('scan formats: golden output of test/golden/project', () => {
  it.each(FORMATS)('--format $format matches test/golden/$file', async ({ format, file }) => {
    const run = await runCli(['scan', '.', '--format', format, '--fail-on', 'none'], { cwd: project });
    expect(run.code).toBe(0);
    // The text report is for people and says how long the scan took: the one varying part.
    const output = run.stdout.replace(/ in \d+\.\d\d s\.$/m, ' in <time> s.');
    const expectedFile = path.join(goldenDir, file);
    if (update || !existsSync(expectedFile)) {
      if (!update) throw new Error(`missing ${expectedFile}: run with UPDATE_GOLDEN=1 to write it`);
      writeFileSync(expectedFile, output);
    }
    expect(output).toBe(readFileSync(expectedFile, 'utf8'));
  }, 60_000);
});
