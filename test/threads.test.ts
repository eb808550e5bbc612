import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('..', import.meta.url));
const cli = (args: string[]) => spawnSync(process.execPath, ['bin/trustscan.js', ...args], { cwd: repo, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

// The CLI in a child process: the real analysis thread and, with --threads 2, the second thread
// that runs the rules reading neither dataflow nor object access (dist/rule-thread-main.js).
describe('analysis threads', () => {
  for (const [target, formats] of [['examples/demo', ['json', 'sarif', 'text']], ['fixtures/apps/shop', ['json']]] as const) {
    it(`${target}: output is byte-identical with one thread and with two (${formats.join(', ')})`, () => {
      for (const format of formats) {
        const one = cli(['scan', target, '-f', format, '--fail-on', 'none', '-q', '--threads', '1']);
        const two = cli(['scan', target, '-f', format, '--fail-on', 'none', '-q', '--threads', '2']);
        expect(one.status, one.stderr).toBe(0);
        expect(two.status, two.stderr).toBe(0);
        // The text summary says how long the scan took; everything else must be the same.
        const untimed = (text: string) => text.replace(/ in \d+\.\d+ s\./g, ' in _ s.');
        expect(untimed(two.stdout)).toBe(untimed(one.stdout));
        if (format === 'json' && target === 'examples/demo') {
          const findings = (JSON.parse(one.stdout) as { findings: Array<{ ruleId: string }> }).findings.map((finding) => finding.ruleId);
          // Both threads' rules are in the result: one reading dataflow, one reading routes only.
          expect(findings.some((id) => id.endsWith('-injection') || id === 'missing-ownership-check')).toBe(true);
          expect(findings.some((id) => ['hardcoded-secret', 'missing-authentication', 'missing-state-guard', 'sensitive-data-in-logs'].includes(id))).toBe(true);
        }
      }
    }, 60_000);
  }

  it('--threads takes a positive integer', () => {
    const bad = cli(['scan', 'examples/demo', '--threads', 'two']);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});
