import { describe, expect, it, vi } from 'vitest';
import { ts } from '#typescript';
import { scan } from '../src/index.js';
import { DataflowEngine } from '../src/engine/dataflow/engine.js';
import { allRules } from '../src/rules/index.js';
import type { Rule } from '../src/engine/rule-api.js';
import { defineRule } from '../src/rules/define-rule.js';
import { makeProject } from './helpers/cli.js';

// These run scan() on the test's own thread, whose stack is the default ~1 MB: the depths below
// overflow it on purpose (the CLI's analysis thread has 256 MB and would analyse them fully).

const EXPRESS = JSON.stringify({ dependencies: { express: '4' } });
const ORDINARY_ROUTE = [
  "import express from 'express';",
  "import { exec } from 'child_process';",
  'const app = express();',
  "app.get('/ok', (req, res) => { exec(req.query.cmd as string); res.send('ok'); });",
  '',
].join('\n');
// A Stripe-shaped key assembled at run time, so this repository holds no secret-shaped literal.
const SECRET_FILE = `export const stripe = '${['sk', 'live', '4eC39HqLyjWDarjtT1zdp7dc'].join('_')}';\n`;

const findingsOf = (result: Awaited<ReturnType<typeof scan>>['result']) => result.findings.map((finding) => `${finding.ruleId} ${finding.file}`);

/** A copy of `rule` whose handlers throw on one file, after reporting there. */
function throwingOn(rule: Rule, file: string): Rule {
  return defineRule({
    ...rule,
    create(ctx) {
      const visitor = rule.create!(ctx);
      return {
        ...visitor,
        nodes: {
          ...visitor.nodes,
          [ts.SyntaxKind.EndOfFileToken]: (_node, scanned) => {
            if (scanned.path === file) throw new RangeError('Maximum call stack size exceeded');
          },
        },
      };
    },
  });
}

describe('fault isolation', () => {
  it('a rule that throws on one file loses that file only, with a warning, and runs on every other file', async () => {
    const dir = makeProject({ 'package.json': EXPRESS, 'src/a.ts': SECRET_FILE, 'src/b.ts': SECRET_FILE, 'src/ok.ts': ORDINARY_ROUTE });
    const rules = allRules.map((rule) => (rule.meta.id === 'hardcoded-secret' ? throwingOn(rule, 'src/a.ts') : rule));
    const { result, internalErrors } = await scan({ cwd: dir, paths: ['.'], rules });
    expect(internalErrors).toEqual([]);
    // Its report in a.ts (made before the throw) is dropped: no half of a file's findings.
    expect(findingsOf(result)).toEqual(['hardcoded-secret src/b.ts', 'command-injection src/ok.ts']);
    expect(result.stats.analysisFailures).toBe(1);
    expect(result.warnings).toEqual([
      {
        code: 'analysis-failed',
        file: 'src/a.ts',
        message: 'src/a.ts: hardcoded-secret could not analyse this file (nested too deeply); its findings there are missing, every other file was analysed',
      },
    ]);
  });

  it('a whole-project loop through forEachIsolated loses the failing item\'s file only', async () => {
    const dir = makeProject({ 'package.json': EXPRESS, 'src/a.ts': SECRET_FILE, 'src/b.ts': SECRET_FILE });
    const perFile = defineRule({
      ...allRules.find((rule) => rule.meta.id === 'hardcoded-secret')!,
      create: undefined,
      check(ctx) {
        ctx.forEachIsolated(ctx.sourceFiles, (file) => file.path, (file) => {
          ctx.report({ file: file.path, start: 0, end: 6, message: 'seen' });
          if (file.path === 'src/a.ts') throw new Error('odd syntax\nsecond line never printed');
        });
      },
    });
    const { result } = await scan({ cwd: dir, paths: ['.'], rules: [perFile] });
    expect(findingsOf(result)).toEqual(['hardcoded-secret src/b.ts']);
    expect(result.warnings.map((warning) => warning.message)).toEqual([
      'src/a.ts: hardcoded-secret could not analyse this file (internal error: odd syntax); its findings there are missing, every other file was analysed',
    ]);
  });

  it('a file the TypeScript parser cannot handle is skipped with a warning; the others are scanned', async () => {
    const deep = `export const x =\n${'(\n'.repeat(20_000)}1${')\n'.repeat(20_000)};\n`;
    const dir = makeProject({ 'package.json': EXPRESS, 'src/deep.ts': deep, 'src/ok.ts': ORDINARY_ROUTE, 'src/secret.ts': SECRET_FILE });
    const { result } = await scan({ cwd: dir, paths: ['.'] });
    expect(findingsOf(result)).toEqual(['command-injection src/ok.ts', 'hardcoded-secret src/secret.ts']);
    expect(result.warnings).toEqual([{ code: 'parse-failed', file: 'src/deep.ts', message: 'src/deep.ts: skipped, the TypeScript parser failed on it (nested too deeply)' }]);
    expect(result.stats.filesSkipped).toBe(1);
  });

  it('an engine pass that fails on one route loses that route\'s flows only', async () => {
    // How deep a walk may go before the stack runs out depends on how the JIT compiled it, so the
    // overflow is made certain: the dataflow engine's analysis of the deep route's handler throws
    // what V8 throws when the stack is exhausted.
    const deepRoute = ["import express from 'express';", "import { exec } from 'child_process';", 'const app = express();', "app.get('/deep', (req, res) => { exec(req.query.cmd as string); res.send('x'); });", ''].join('\n');
    const dir = makeProject({ 'package.json': EXPRESS, 'src/deep.ts': deepRoute, 'src/ok.ts': ORDINARY_ROUTE });
    const prototype = DataflowEngine.prototype as unknown as { analyze(fn: { file: { path: string } }, ...rest: unknown[]): unknown };
    const analyze = prototype.analyze;
    const spy = vi.spyOn(prototype, 'analyze').mockImplementation(function (this: unknown, fn, ...rest) {
      if (fn.file.path === 'src/deep.ts') throw new RangeError('Maximum call stack size exceeded');
      return analyze.call(this, fn, ...rest);
    });
    try {
      const { result, internalErrors } = await scan({ cwd: dir, paths: ['.'] });
      expect(internalErrors).toEqual([]);
      expect(findingsOf(result)).toContain('command-injection src/ok.ts');
      expect(findingsOf(result)).not.toContain('command-injection src/deep.ts');
      expect(result.warnings.map((warning) => warning.message)).toContain(
        'src/deep.ts: dataflow could not analyse this file (nested too deeply); its findings there are missing, every other file was analysed',
      );
      expect(result.stats.analysisFailures).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });
});
