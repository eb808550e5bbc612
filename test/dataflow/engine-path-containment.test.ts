import { describe, expect, it } from 'vitest';
import { PATH_CONTAINMENT_CHECK } from '../../src/engine/dataflow/engine.js';
import { dataflowOf } from '../helpers/dataflow.js';

const EXPRESS = JSON.stringify({ dependencies: { express: '^4.19.2', koa: '^2.15.0', '@koa/router': '^12.0.1' } });

/** `readFile(arg)` lines with the taint's transforms, or the origin kind when not tainted. */
function readFileTransforms(files: Record<string, string>): string[] {
  const { engine } = dataflowOf({ 'package.json': EXPRESS, ...files });
  return engine
    .taintedCalls()
    .filter((entry) => entry.call.expression.getText() === 'readFile')
    .map((entry) => {
      const origin = entry.argumentOrigins[0]!;
      const line = entry.call.getSourceFile().getLineAndCharacterOfPosition(entry.call.getStart()).line + 1;
      return `${line}: ${origin.kind === 'tainted' ? origin.taint.transforms.join(',') || '-' : origin.kind}`;
    });
}

describe('dataflow engine: path containment checks (path-traversal)', () => {
  it('records a containment transform after `if (!x.startsWith(base)) return/throw` and `if (x.includes("..")) throw`', () => {
    const lines = readFileTransforms({
      'src/app.ts': [
        "import express from 'express';",
        "import path from 'node:path';",
        "import { readFile } from 'node:fs/promises';",
        'const app = express();',
        "const BASE = path.resolve('files');",
        "app.get('/a', async (req, res) => {",
        '  const target = path.resolve(BASE, req.params.name);',
        "  if (!target.startsWith(BASE + path.sep)) return res.status(400).end();",
        '  await readFile(target);',
        '  const name = req.params.other;',
        "  if (name.includes('..') || name.indexOf('/') !== -1) { throw new Error('bad'); }",
        '  await readFile(name);',
        "  if (req.query.x) return;",
        '  await readFile(req.params.third);',
        "  const later = req.params.fourth;",
        "  if (later.indexOf('..') === -1) return;",
        '  await readFile(later);',
        '});',
      ].join('\n'),
    });
    expect(lines).toEqual([`9: path.resolve,${PATH_CONTAINMENT_CHECK}`, `12: ${PATH_CONTAINMENT_CHECK}`, '14: -', '17: -']);
  });

  it("treats Koa's ctx.throw(...) as an early exit", () => {
    const lines = readFileTransforms({
      'src/app.ts': [
        "import Koa from 'koa';",
        "import Router from '@koa/router';",
        "import { readFile } from 'node:fs/promises';",
        'const router = new Router();',
        "router.get('/a', async (ctx) => {",
        '  const target = String(ctx.query.file);',
        "  if (!target.startsWith('/srv/files/')) ctx.throw(400, 'outside');",
        '  ctx.body = await readFile(target);',
        '});',
        'new Koa().use(router.routes());',
      ].join('\n'),
    });
    expect(lines).toEqual([`8: String,${PATH_CONTAINMENT_CHECK}`]);
  });
});
