/**
 * One case per propagation rule of the engine: each handler passes request data to `eval` through
 * one construct; the test asserts whether eval's argument is tainted, and with which source.
 */
import { describe, expect, it } from 'vitest';
import { dataflowOf } from '../helpers/dataflow.js';

const PACKAGE = JSON.stringify({ dependencies: { express: '^4.19.2' } });

/** Wraps a handler body in an Express route and returns eval's argument origin, or 'no call'. */
function evalOrigin(body: string, extraFiles: Record<string, string> = {}, prelude = ''): string {
  const { engine } = dataflowOf({
    'package.json': PACKAGE,
    'src/app.ts': ["import express from 'express';", prelude, 'const app = express();', `app.post('/x', async (req: any, res: any) => {`, body, '  res.end();', '});'].join('\n'),
    ...extraFiles,
  });
  const call = engine.taintedCalls().find((entry) => entry.call.expression.getText() === 'eval');
  if (!call) return 'not tainted';
  const origin = call.argumentOrigins[0]!;
  return origin.kind === 'tainted' ? `tainted ${origin.taint.source.label}` : origin.kind;
}

describe('propagation', () => {
  it.each([
    ['assignment chains', 'let a = req.query.q; let b; b = a; eval(b);', 'tainted req.query.q'],
    ['destructuring with rename and default', "const { q: query = 'x' } = req.query; eval(query);", 'tainted req.query.q'],
    ['object rest', 'const { id, ...rest } = req.body; eval(rest);', 'tainted req.body'],
    ['array destructuring', 'const [first] = req.body.items; eval(first);', 'tainted req.body.items'],
    ['spread into an object', 'const copy = { ...req.body }; eval(copy);', 'tainted req.body'],
    ['array literal and join', "eval([req.query.a, 'b'].join(','));", 'tainted req.query.a'],
    ['template literal', 'eval(`x${req.params.id}y`);', 'tainted req.params.id'],
    ['non-null assertions along the read', 'eval(req.body!.script!.source);', 'tainted req.body.script.source'],
    ['+ concatenation', "eval('f(' + req.body.arg + ')');", 'tainted req.body.arg'],
    ['concat on a constant', "eval('run:'.concat(req.query.q));", 'tainted req.query.q'],
    ['split and join', "eval(String(req.query.q).split(',').join(';'));", 'tainted req.query.q'],
    ['string methods', 'eval(req.query.q.trim().toLowerCase().slice(1));', 'tainted req.query.q'],
    ['await', 'const v = await req.body.code; eval(v);', 'tainted req.body.code'],
    ['closures', 'const run = () => eval(req.query.q); run();', 'tainted req.query.q'],
    ['for...of over input', 'for (const part of req.body.parts) eval(part);', 'tainted req.body.parts'],
    ['conditional branches', "eval(req.query.q ? req.query.q : 'x');", 'tainted req.query.q'],
    ['logical fallbacks', "eval(req.query.q || 'x');", 'tainted req.query.q'],
    ['headers and cookies', "eval(req.headers['x-code'] + req.cookies.c);", "tainted req.headers['x-code']"],
    ['accessor methods', "eval(req.get('x-code'));", "tainted req.get('x-code')"],
  ])('%s', (_name, body, expected) => {
    expect(evalOrigin(body)).toBe(expected);
  });

  it.each([
    ['numeric conversion', 'eval(Number(req.query.q));'],
    ['arithmetic', 'eval(req.query.a * 2);'],
    ['comparison', "eval(req.query.a === 'x');"],
    ['.length', 'eval(req.body.items.length);'],
    ['allowlist guard that exits', "const m = req.query.m; if (!['a', 'b'].includes(m)) return res.end(); eval(m);"],
    ['allowlist ternary', "const m = ['a', 'b'].includes(req.query.m) ? req.query.m : 'a'; eval(m);"],
    ['principal, not input', 'eval(req.user.id);'],
    ['constants', "const code = 'x'; eval(code);"],
  ])('%s is not tainted', (_name, body) => {
    expect(evalOrigin(body)).not.toMatch(/^tainted/);
  });
});

describe('summaries across files', () => {
  it('follows default exports, object methods, class methods and re-exports, and returns', () => {
    const files = {
      'src/wrap.ts': "export default function wrap(x: string) { return '(' + x + ')'; }\n",
      'src/utils.ts': "export const utils = { quote(x: string) { return `'${x}'`; } };\n",
      'src/builder.ts': "export class Builder { build(x: string) { return 'return ' + x; } }\n",
      'src/index.ts': "export { Builder } from './builder.js';\nexport * from './utils.js';\n",
    };
    const prelude = "import wrap from './wrap.js';\nimport { Builder, utils } from './index.js';";
    expect(evalOrigin('eval(wrap(req.query.a));', files, prelude)).toBe('tainted req.query.a');
    expect(evalOrigin('eval(utils.quote(req.query.b));', files, prelude)).toBe('tainted req.query.b');
    expect(evalOrigin('eval(new Builder().build(req.query.c));', files, prelude)).toBe('tainted req.query.c');
  });

  it('a helper summarised for one route is re-labelled for another', () => {
    const { engine } = dataflowOf({
      'package.json': PACKAGE,
      'src/app.ts': [
        "import express from 'express';",
        "import { run } from './run.js';",
        'const app = express();',
        "app.get('/a', (req: any, res: any) => res.send(run(req.query.alpha)));",
        "app.get('/b', (req: any, res: any) => res.send(eval(run(req.query.beta))));",
      ].join('\n'),
      'src/run.ts': "export function run(code: string) { return 'return ' + code; }\n",
    });
    const call = engine.taintedCalls().find((entry) => entry.call.expression.getText() === 'eval')!;
    const origin = call.argumentOrigins[0]!;
    expect(origin.kind === 'tainted' && origin.taint.source.label).toBe('req.query.beta');
    expect(origin.kind === 'tainted' && origin.taint.steps.map((step) => step.message)).toEqual([
      'request input req.query.beta',
      'passed to run()',
      'concatenated',
      'returned from run()',
    ]);
  });

  it('a request-parsing helper summarised for one route re-labels each field it returns for another', () => {
    const { engine } = dataflowOf({
      'package.json': PACKAGE,
      'src/app.ts': [
        "import express from 'express';",
        "import { parse } from './parse.js';",
        'const app = express();',
        "app.get('/a', (req: any, res: any) => { const { body } = parse(req); res.send(body.name); });",
        "app.get('/b', (req: any, res: any) => { const { body } = parse(req); res.send(eval(body.code)); });",
      ].join('\n'),
      // The object's own trace starts at `request.query`; its `body` field's at the caller's request.
      'src/parse.ts': 'export function parse(request: any) { const query = request.query; const copy = request.clone(); return { query, body: copy.parsedBody }; }\n',
    });
    const call = engine.taintedCalls().find((entry) => entry.call.expression.getText() === 'eval')!;
    const origin = call.argumentOrigins[0]!;
    // Every step of the trace is in route /b's handler or the helper: none names route /a's call.
    const lines = origin.kind === 'tainted' ? origin.taint.steps.filter((step) => step.file === 'src/app.ts').map((step) => step.line) : [];
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines)).toEqual(new Set([5]));
  });

  it('a branch that needs an optional parameter the caller left out does not run', () => {
    const { engine } = dataflowOf({
      'package.json': PACKAGE,
      'src/app.ts': [
        "import express from 'express';",
        "import { filters } from './filters.js';",
        'const app = express();',
        "app.get('/a', (req: any, res: any) => res.send(filters(req.query)));",
        "app.get('/b', (req: any, res: any) => res.send(filters(req.query, req.params.site)));",
      ].join('\n'),
      'src/filters.ts': 'export function filters(params: any, site?: string) { if (site) { eval(params.segment); } return params.page; }\n',
    });
    const routes = engine.taintedCalls().filter((entry) => entry.call.expression.getText() === 'eval').map((entry) => entry.route.path);
    expect(routes).toEqual(['/b']);
  });
});

describe('values handed back under another name', () => {
  const wrappers = {
    'src/wrappers.ts': [
      // Every return is the callback's result: directly, or through a const holding it.
      'export async function withRetry<T>(run: () => Promise<T>, attempts = 2): Promise<T> {',
      '  try { const first = await run(); return first; } catch (error) { if (attempts < 1) throw error; }',
      '  return await run();',
      '}',
      // May hand back something else: its own fallback.
      'export async function orDefault<T>(run: () => Promise<T>, fallback: T): Promise<T> {',
      '  const found = await run();',
      '  return found ?? fallback;',
      '}',
    ].join('\n'),
  };
  const prelude = "import { orDefault, withRetry } from './wrappers.js';";

  it('a wrapper that returns its callback result hands back what the callback returns', () => {
    expect(evalOrigin('const code = await withRetry(async () => req.body.code); eval(code);', wrappers, prelude)).toBe('tainted req.body.code');
    expect(evalOrigin("const code = await withRetry(async () => 'x'); eval(code);", wrappers, prelude)).not.toMatch(/^tainted/);
    expect(evalOrigin('const code = await orDefault(async () => req.body.code, "x"); eval(code);', wrappers, prelude)).toBe('not tainted');
  });

  it('a memo holds what fills it when the read misses', () => {
    const memo = (key: string) => `const cache = new Map(); let code = cache.get(${key}); if (!code) { code = req.body.code; cache.set(${key}, code); } eval(code);`;
    expect(evalOrigin(memo("'k'"))).toBe('tainted req.body.code');
    // eval's second argument: recorded beside the tainted first one, whatever its origin.
    const ownerOrigin = (key: string) => {
      const { engine } = dataflowOf({
        'package.json': PACKAGE,
        'src/app.ts': ["import express from 'express';", 'const app = express();', 'const cache = new Map();', `app.post('/x', async (req: any, res: any) => {`, `  let owner = cache.get(${key}); if (owner === undefined) { owner = req.user.id; cache.set(${key}, owner); }`, '  eval(req.body.code, owner);', '});'].join('\n'),
      });
      return engine.taintedCalls().find((entry) => entry.call.expression.getText() === 'eval')!.argumentOrigins[1]!.kind;
    };
    // Keyed by a constant: the caller's own id. Keyed by the client's choice: maybe an entry another caller filled.
    expect(ownerOrigin("'k'")).toBe('principal');
    expect(ownerOrigin('req.user.id')).toBe('principal');
    expect(ownerOrigin('req.query.k')).toBe('unknown');
  });
});
