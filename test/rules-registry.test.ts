import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allRules } from '../src/rules/index.js';
import { SEVERITIES, CONFIDENCES, WHOLE_PROJECT_ANALYSES } from '../src/types.js';
import type { Rule, RuleContext } from '../src/engine/rule-api.js';
import { scan } from '../src/index.js';

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

  // The engine schedules rules by the analyses they declare (a second thread gets the rules that
  // read neither dataflow nor object access): a rule that reads more than it declares would make
  // that thread recompute it. Observed on every fixture app and the demo.
  it('each rule reads only the whole-project analyses it declares', async () => {
    const observed = new Map(allRules.map((rule) => [rule.meta.id, new Set<string>()]));
    const watch = (id: string, ctx: RuleContext): RuleContext =>
      new Proxy(ctx, {
        get(target, property) {
          if ((WHOLE_PROJECT_ANALYSES as readonly (string | symbol)[]).includes(property)) observed.get(id)!.add(String(property));
          const value = Reflect.get(target, property, target) as unknown;
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
    const watched: Rule[] = allRules.map((rule) => ({
      ...rule,
      ...(rule.create ? { create: (ctx: RuleContext) => rule.create!(watch(rule.meta.id, ctx)) } : {}),
      ...(rule.check ? { check: (ctx: RuleContext) => rule.check!(watch(rule.meta.id, ctx)) } : {}),
    }));
    const appsDir = fileURLToPath(new URL('../fixtures/apps', import.meta.url));
    const dirs = [...readdirSync(appsDir).map((name) => `${appsDir}/${name}`), fileURLToPath(new URL('../examples/demo', import.meta.url))];
    for (const dir of dirs) await scan({ cwd: dir, paths: ['.'], rules: watched });
    for (const rule of allRules) {
      expect(rule.analyses, `${rule.meta.id} declares its analyses`).toBeDefined();
      for (const analysis of observed.get(rule.meta.id)!) expect(rule.analyses, `${rule.meta.id} reads ${analysis}`).toContain(analysis);
    }
  }, 60_000);
});
