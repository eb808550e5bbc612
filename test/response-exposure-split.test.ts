/**
 * excessive-data-exposure and password-hash-exposure share one judge of responses: a response with
 * password material is password-hash-exposure's, one with other secrets only excessive-data-exposure's.
 * Scanning both fixture folders with both rules, no line is reported twice, and every line marked
 * for either rule in either folder is reported by that rule (the fixture test runs one rule per folder).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scan } from '../src/index.js';
import { readMarkers } from './helpers/markers.js';

const RULES = ['excessive-data-exposure', 'password-hash-exposure'];

describe('excessive-data-exposure and password-hash-exposure', () => {
  for (const folder of RULES) {
    it(`never report the same line, and report their own expect lines, in fixtures/rules/${folder}`, async () => {
      const dir = fileURLToPath(new URL(`../fixtures/rules/${folder}`, import.meta.url));
      const { result } = await scan({ cwd: dir, paths: ['.'], onlyRules: RULES });
      const byLine = new Map<string, Set<string>>();
      for (const finding of result.findings) {
        const line = `${finding.file}:${finding.line}`;
        byLine.set(line, (byLine.get(line) ?? new Set()).add(finding.ruleId));
      }
      expect([...byLine].filter(([, rules]) => rules.size > 1).map(([line]) => line)).toEqual([]);
      const markers = readMarkers(dir).filter((marker) => RULES.includes(marker.ruleId));
      const missing = markers.filter((m) => m.kind === 'expect' && !byLine.get(`${m.file}:${m.line}`)?.has(m.ruleId)).map((m) => `${m.ruleId} ${m.file}:${m.line}`);
      expect(missing).toEqual([]);
      // The lines that moved to password-hash-exposure are there, and excessive-data-exposure has its own.
      expect(markers.some((m) => m.kind === 'expect' && m.ruleId === 'password-hash-exposure')).toBe(true);
    });
  }
});
