/**
 * End to end through the built CLI (bin/trustscan.js -> dist/), as `npm run demo` runs it:
 * the demo's planted secrets are all found, nothing else is, no secret is printed whole,
 * and the SARIF passes Microsoft's SARIF Multitool with no errors and no warnings.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { allRules } from '../src/rules/index.js';
import { listFiles } from './helpers/markers.js';
import { validateSarif } from './helpers/validate-sarif.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const demoDir = path.join(repoRoot, 'examples/demo');
const outDir = mkdtempSync(path.join(tmpdir(), 'trustscan-demo-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function trustscan(args: string[]) {
  return spawnSync(process.execPath, [path.join(repoRoot, 'bin/trustscan.js'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
}

/**
 * Weaknesses the demo plants for the rules that exist (`// VULN: <rule-id>[, <rule-id>]`), as
 * "rule-id path:line" relative to the repo root. Markers of rules still to come are ignored.
 */
function plantedWeaknesses(): string[] {
  const ruleIds = new Set(allRules.map((rule) => rule.meta.id));
  const planted: string[] = [];
  for (const file of listFiles(demoDir)) {
    readFileSync(path.join(demoDir, file), 'utf8')
      .split('\n')
      .forEach((text, index) => {
        // One line may plant several: `// VULN: missing-authorization, missing-auth-audit-log`.
        const listed = /(?:\/\/|#)\s*VULN: ([a-z-]+(?:,\s*[a-z-]+)*)\s*$/.exec(text)?.[1]?.split(/,\s*/) ?? [];
        for (const ruleId of listed) if (ruleIds.has(ruleId)) planted.push(`${ruleId} examples/demo/${file}:${index + 1}`);
      });
  }
  return planted.sort();
}

describe('npm run demo', () => {
  it('finds every planted weakness and nothing else, with exit 1 at the default gate', () => {
    const run = trustscan(['scan', 'examples/demo', '-f', 'json']);
    expect(run.status, run.stderr).toBe(1);
    const result = JSON.parse(run.stdout);
    const schema = JSON.parse(readFileSync(path.join(repoRoot, 'schema/scan-result.schema.json'), 'utf8')) as object;
    const validate = new Ajv.default({ allErrors: true, strict: true }).compile(schema);
    expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
    const reported = result.findings.map((f: { ruleId: string; file: string; line: number }) => `${f.ruleId} ${f.file}:${f.line}`).sort();
    expect(reported).toEqual(plantedWeaknesses());
    expect(reported.filter((line: string) => line.startsWith('hardcoded-secret')).length).toBeGreaterThanOrEqual(8);
  });

  it('never prints a planted secret whole, in any format', () => {
    const secrets: string[] = [];
    for (const file of listFiles(demoDir)) {
      for (const line of readFileSync(path.join(demoDir, file), 'utf8').split('\n')) {
        if (!/VULN: hardcoded-secret/.test(line)) continue;
        const quoted = /'([^']{12,})'/.exec(line)?.[1] ?? /=(\S{12,})/.exec(line)?.[1];
        if (quoted) secrets.push(quoted);
      }
    }
    expect(secrets.length).toBeGreaterThanOrEqual(8);
    for (const format of ['text', 'json', 'sarif', 'csv']) {
      const run = trustscan(['scan', 'examples/demo', '-f', format]);
      for (const secret of secrets) expect(run.stdout + run.stderr).not.toContain(secret);
    }
  });

  it('writes SARIF that the SARIF Multitool accepts with no errors and no warnings', () => {
    const sarifFile = path.join(outDir, 'demo.sarif');
    const run = trustscan(['scan', 'examples/demo', '-f', 'sarif', '-o', sarifFile, '--fail-on', 'none']);
    expect(run.status, run.stderr).toBe(0);
    const sarif = readFileSync(sarifFile, 'utf8');
    expect(JSON.parse(sarif).runs[0].results.length).toBeGreaterThan(0);
    const validation = validateSarif(sarif);
    expect(validation.errors).toEqual([]);
    expect(validation.warnings).toEqual([]);
  }, 120_000);
});
