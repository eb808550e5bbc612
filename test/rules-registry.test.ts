import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allRules } from '../src/rules/index.js';
import { SEVERITIES, CONFIDENCES } from '../src/types.js';

const rulesDir = fileURLToPath(new URL('../src/rules', import.meta.url));
const docsDir = fileURLToPath(new URL('../docs/rules', import.meta.url));
const NOT_RULES = new Set(['index.ts', 'define-rule.ts']);

describe('rule registry', () => {
  it('registers every rule file, in id order, with id == file name', () => {
    const files = readdirSync(rulesDir)
      .filter((name) => name.endsWith('.ts') && !NOT_RULES.has(name))
      .map((name) => name.replace(/\.ts$/, ''))
      .sort();
    const ids = allRules.map((rule) => rule.meta.id);
    expect(ids).toEqual(files);
    expect(ids).toEqual([...ids].sort());
  });

  for (const rule of allRules) {
    const { meta } = rule;
    it(`${meta.id}: complete metadata and a docs page whose summary is meta.docs.description`, () => {
      expect(meta.id).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
      expect(SEVERITIES).toContain(meta.severity);
      expect(CONFIDENCES).toContain(meta.confidence);
      expect(meta.controls.soc2.length).toBeGreaterThan(0);
      expect(meta.controls.cwe.length).toBeGreaterThan(0);
      expect(meta.docs.description.length).toBeGreaterThan(20);
      expect(meta.docs.remediation.length).toBeGreaterThan(20);
      const doc = `${docsDir}/${meta.id}.md`;
      expect(existsSync(doc), `docs/rules/${meta.id}.md`).toBe(true);
      const text = readFileSync(doc, 'utf8');
      expect(text.split('\n')[0]).toBe(`# ${meta.id}: ${meta.title}`);
      expect(text).toContain(`\n${meta.docs.description}\n`);
    });
  }
});
