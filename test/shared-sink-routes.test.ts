import { describe, expect, it } from 'vitest';
import { scan } from '../src/index.js';
import { makeProject } from './helpers/cli.js';
import { dataflowOf } from './helpers/dataflow.js';

// A sink in a shared helper is analysed once, for the first route that calls it; the other routes
// reuse that analysis. Its one finding still names every route that brings request data to it.

const EXPRESS = JSON.stringify({ name: 'shared-sink', dependencies: { express: '^4', pg: '^8' } });

const REPOSITORY = [
  "import { Pool } from 'pg';",
  'const pool = new Pool();',
  'export async function findByName(name: string) {',
  "  return pool.query(`SELECT * FROM items WHERE name = '${name}'`);",
  '}',
  'export async function countAll(limit: number) {',
  "  return pool.query('SELECT count(*) FROM items LIMIT $1', [limit]);",
  '}',
  '',
].join('\n');

const APP = [
  "import express from 'express';",
  "import { findByName, countAll } from './repo';",
  'const app = express();',
  'function requireAuth(req: any, res: any, next: any) { if (!req.headers.authorization) return res.status(401).end(); next(); }',
  "app.get('/admin/items', requireAuth, async (req, res) => { res.json(await findByName(String(req.query.name))); });",
  "app.get('/public/items', async (req, res) => { res.json(await findByName(String(req.query.q))); });",
  "app.get('/count', async (req, res) => { res.json(await countAll(Number(req.query.limit))); });",
  'app.listen(3000);',
  '',
].join('\n');

describe('a shared sink reached from several routes', () => {
  it('the engine records it once, for the first route, and lists the others that reach it the same way', () => {
    const { engine } = dataflowOf({ 'package.json': EXPRESS, 'src/repo.ts': REPOSITORY, 'src/app.ts': APP });
    const sinks = engine.taintedCalls().filter((tainted) => tainted.call.expression.getText() === 'pool.query' && tainted.file.path === 'src/repo.ts');
    const injected = sinks.find((tainted) => tainted.call.getSourceFile().getLineAndCharacterOfPosition(tainted.call.getStart()).line === 3);
    expect(injected?.route.path).toBe('/admin/items');
    expect(injected?.alsoReachedFrom.map((route) => `${route.method} ${route.path}`)).toEqual(['GET /public/items']);
  });

  it('the finding names the public route that reaches the same line, in its message and trace', async () => {
    const dir = makeProject({ 'package.json': EXPRESS, 'src/repo.ts': REPOSITORY, 'src/app.ts': APP });
    const { result } = await scan({ cwd: dir, paths: ['.'] });
    const sql = result.findings.filter((finding) => finding.ruleId === 'sql-injection');
    expect(sql).toHaveLength(1);
    expect(sql[0]!.route?.path).toBe('/admin/items');
    expect(sql[0]!.message).toMatch(/in route GET \/admin\/items; .* Also reached from GET \/public\/items \(no authentication\)\.$/);
    expect(sql[0]!.trace.map((step) => step.message)).toContain('also reached from route GET /public/items (no authentication)');
    expect(sql[0]!.trace.at(-1)?.message).toBe('SQL text of pool.query()');
  });

  it('an administrator-only downgrade holds only when every route that reaches the sink is an administrator\'s', async () => {
    const files = (publicToo: boolean) => ({
      'package.json': JSON.stringify({ name: 'files', dependencies: { express: '^4', passport: '^0.7' } }),
      'src/store.ts': ["import fs from 'fs';", 'export function readExport(name: string) {', '  return fs.readFileSync(`/srv/exports/${name}`);', '}', ''].join('\n'),
      'src/app.ts': [
        "import express from 'express';",
        "import passport from 'passport';",
        "import { readExport } from './store';",
        'const app = express();',
        'function requireRole(role: string) { return (req: any, res: any, next: any) => { if (req.user?.role !== role) return res.status(403).end(); next(); }; }',
        "app.get('/admin/exports', passport.authenticate('jwt'), requireRole('admin'), (req, res) => { res.send(readExport(String(req.query.file))); });",
        ...(publicToo ? ["app.get('/exports', (req, res) => { res.send(readExport(String(req.query.file))); });"] : []),
        'app.listen(3000);',
        '',
      ].join('\n'),
    });
    const severityWith = async (publicToo: boolean) => {
      const { result } = await scan({ cwd: makeProject(files(publicToo)), paths: ['.'] });
      return result.findings.filter((finding) => finding.ruleId === 'path-traversal').map((finding) => `${finding.severity} ${finding.route?.path}`);
    };
    expect(await severityWith(false)).toEqual(['medium /admin/exports']);
    expect(await severityWith(true)).toEqual(['high /admin/exports']);
  });
});
