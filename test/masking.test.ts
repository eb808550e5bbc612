/**
 * No reporter ever prints a found secret whole: scan the hardcoded-secret fixtures in every
 * format and look for the raw text of every reported literal in everything the CLI printed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SourceText } from '../src/engine/source-text.js';
import { makeProject, runCli } from './helpers/cli.js';

const fixtureDir = fileURLToPath(new URL('../fixtures/rules/hardcoded-secret', import.meta.url));

interface ReportedFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** The reported span's text, without quotes, with escaped line breaks kept as written. */
function reportedSecret(finding: ReportedFinding): string {
  const text = readFileSync(path.join(fixtureDir, finding.file), 'utf8');
  const source = new SourceText(text);
  const start = source.lineStart(finding.line) + finding.column - 1;
  const end = source.lineStart(finding.endLine) + finding.endColumn - 1;
  return text.slice(start, end).replace(/^['"`]|['"`]$/g, '');
}

describe('secret masking', () => {
  it('prints no reported fixture secret whole, nor its middle, in text, JSON, SARIF or CSV', async () => {
    const json = await runCli(['scan', '.', '-f', 'json', '--fail-on', 'none'], { cwd: fixtureDir });
    const findings: ReportedFinding[] = JSON.parse(json.stdout).findings;
    expect(findings.length).toBeGreaterThanOrEqual(40);
    const secrets = findings.map(reportedSecret).filter((secret) => secret.length >= 12);
    expect(secrets.length).toBeGreaterThanOrEqual(40);

    const outputs = [json.stdout + json.stderr];
    for (const format of ['text', 'sarif', 'csv']) {
      const run = await runCli(['scan', '.', '-f', format, '--fail-on', 'none', '--include-suppressed'], { cwd: fixtureDir });
      outputs.push(run.stdout + run.stderr);
    }
    const leaks: string[] = [];
    for (const secret of secrets) {
      // The middle part: a secret spanning the whole literal shows at most 4 characters at each end.
      const middle = secret.length >= 24 ? secret.slice(8, -8) : secret;
      for (const output of outputs) {
        if (output.includes(secret) || output.includes(middle)) leaks.push(secret.slice(0, 6));
      }
    }
    expect(leaks).toEqual([]);
  });
});

describe('secret masking in the route inventory', () => {
  it('masks a token written in a middleware call (basicAuth users) in routes text, JSON and CSV', async () => {
    const token = ['xoxb', '2233445566', '7788990011223', 'QwErTyUiOpAsDfGhJkLzXcVb'].join('-');
    const cwd = makeProject({
      'package.json': JSON.stringify({ dependencies: { express: '4', 'express-basic-auth': '1' } }),
      'src/app.ts': `import express from 'express';\nimport basicAuth from 'express-basic-auth';\nconst app = express();\napp.get('/admin/stats', basicAuth({ users: { admin: '${token}' } }), (req, res) => res.json({}));\napp.listen(3000);\n`,
    });
    for (const format of ['json', 'text', 'csv']) {
      const run = await runCli(['routes', '.', '-f', format], { cwd });
      expect(run.stdout).toContain('/admin/stats');
      expect(run.stdout).not.toContain(token.slice(5, 30));
    }
  });
});
