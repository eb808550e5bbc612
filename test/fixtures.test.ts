/**
 * The one generic fixture test: for every folder fixtures/rules/<rule-id>/, scanning it with
 * that rule alone must report exactly the lines marked `expect: <rule-id>`, and no line marked
 * `safe: <rule-id>`. A new rule needs a fixture folder and nothing else here.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { discoverFiles } from '../src/engine/files.js';
import { scan } from '../src/index.js';
import { allRules } from '../src/rules/index.js';
import { readMarkers } from './helpers/markers.js';

const fixturesRoot = fileURLToPath(new URL('../fixtures/rules', import.meta.url));
const ruleIds = allRules.map((rule) => rule.meta.id);

/** Issue-mandated minimum marker counts, so a fixture folder cannot quietly shrink. */
const MINIMUM_MARKERS: Record<string, { expect: number; safe: number }> = {
  'cleartext-transport': { expect: 10, safe: 10 },
  'code-injection': { expect: 12, safe: 12 },
  'command-injection': { expect: 12, safe: 12 },
  'cors-wildcard-credentials': { expect: 20, safe: 20 },
  'excessive-data-exposure': { expect: 15, safe: 15 },
  'hardcoded-secret': { expect: 40, safe: 40 },
  'insecure-randomness': { expect: 10, safe: 10 },
  'jwt-decode-auth': { expect: 10, safe: 10 },
  'jwt-no-expiry': { expect: 10, safe: 10 },
  'jwt-none-alg': { expect: 10, safe: 10 },
  'jwt-verify-without-algorithms': { expect: 10, safe: 10 },
  'insecure-cookie': { expect: 10, safe: 10 },
  'mass-assignment': { expect: 10, safe: 10 },
  'missing-auth-audit-log': { expect: 10, safe: 10 },
  'missing-authentication': { expect: 35, safe: 45 },
  'missing-authorization': { expect: 20, safe: 20 },
  'missing-ownership-check': { expect: 40, safe: 40 },
  'missing-rate-limit': { expect: 15, safe: 15 },
  'missing-security-headers': { expect: 10, safe: 15 },
  'missing-state-guard': { expect: 25, safe: 25 },
  'nosql-injection': { expect: 12, safe: 12 },
  'password-hash-exposure': { expect: 10, safe: 10 },
  'open-redirect': { expect: 10, safe: 10 },
  'path-traversal': { expect: 12, safe: 12 },
  'plaintext-password-storage': { expect: 6, safe: 4 },
  'raw-sql-concatenation': { expect: 12, safe: 12 },
  'regex-injection': { expect: 8, safe: 8 },
  'sensitive-data-in-logs': { expect: 40, safe: 40 },
  'sql-injection': { expect: 40, safe: 40 },
  ssrf: { expect: 12, safe: 12 },
  'weak-password-hash': { expect: 10, safe: 10 },
  'tls-reject-unauthorized': { expect: 10, safe: 10 },
  'xss-reflected': { expect: 10, safe: 10 },
};

describe('fixtures/rules', () => {
  it('has a fixture folder for every rule and a rule for every folder', () => {
    const folders = readdirSync(fixturesRoot).sort();
    expect(folders).toEqual([...ruleIds].sort());
  });

  for (const ruleId of ruleIds) {
    const dir = path.join(fixturesRoot, ruleId);
    it(`${ruleId}: reports exactly the expect lines and none of the safe lines`, async () => {
      expect(existsSync(dir), `missing fixtures/rules/${ruleId}`).toBe(true);
      const markers = readMarkers(dir);
      const unknown = markers.filter((m) => !ruleIds.includes(m.ruleId));
      expect(unknown, 'markers naming rules that do not exist').toEqual([]);

      const own = markers.filter((m) => m.ruleId === ruleId);
      const expected = own.filter((m) => m.kind === 'expect').map((m) => `${m.file}:${m.line}`);
      const safe = own.filter((m) => m.kind === 'safe').map((m) => `${m.file}:${m.line}`);
      const minimum = MINIMUM_MARKERS[ruleId] ?? { expect: 1, safe: 1 };
      expect(expected.length, 'expect markers').toBeGreaterThanOrEqual(minimum.expect);
      expect(safe.length, 'safe markers').toBeGreaterThanOrEqual(minimum.safe);

      // A marker in a file the scanner skips would pass vacuously: every marked file must be scanned.
      const scanned = new Set(
        discoverFiles({ root: dir, scanPaths: [dir], include: [], exclude: [], includeTests: false }).map((f) => f.path),
      );
      const unscanned = [...new Set(own.map((m) => m.file))].filter((file) => !scanned.has(file));
      expect(unscanned, 'files with markers that the scanner does not scan').toEqual([]);

      const { result } = await scan({ cwd: dir, paths: ['.'], onlyRules: [ruleId] });
      const reported = [...new Set(result.findings.filter((f) => !f.suppression).map((f) => `${f.file}:${f.line}`))];
      const missing = expected.filter((line) => !reported.includes(line));
      const extra = reported.filter((line) => !expected.includes(line));
      const describeFinding = (line: string) => {
        const finding = result.findings.find((f) => `${f.file}:${f.line}` === line);
        return finding ? `${line} ${finding.message}` : line;
      };
      expect({ missing, extra: extra.map(describeFinding) }).toEqual({ missing: [], extra: [] });
      expect(reported.filter((line) => safe.includes(line))).toEqual([]);
    });
  }
});
