import { describe, expect, it } from 'vitest';
import { dataflowOf, taintedCallsTo, ts } from '../helpers/dataflow.js';
import { descendantsOfKind } from '../../src/engine/ast/file-index.js';

const EXPRESS = JSON.stringify({ dependencies: { express: '^4.19.2', pg: '^8.11.0' } });
const DB = "import { Pool } from 'pg';\nexport const pool = new Pool();\n";

describe('dataflow engine: fixes found by the SQL rules', () => {
  it('every member of req.headers and req.cookies is client input, whatever its name', () => {
    const { engine } = dataflowOf({
      'package.json': EXPRESS,
      'src/app.ts': [
        "import express from 'express';",
        "import { pool } from './db.js';",
        'const app = express();',
        "app.get('/a', async (req, res) => {",
        "  await pool.query(`SELECT 1 WHERE t = '${req.headers['x-tenant-id']}'`);",
        "  await pool.query(`SELECT 1 WHERE s = '${req.cookies.session}'`);",
        '  const { authorization } = req.headers;',
        "  await pool.query('SELECT 1 WHERE a = ' + authorization);",
        "  await pool.query('SELECT 1 WHERE u = ' + req.user.id);",
        '  res.json({});',
        '});',
      ].join('\n'),
      'src/db.ts': DB,
    });
    expect(taintedCallsTo(engine, /pool\.query/)).toEqual([
      "src/app.ts:5 pool.query(tainted(req.headers['x-tenant-id']))",
      'src/app.ts:6 pool.query(tainted(req.cookies.session))',
      'src/app.ts:8 pool.query(tainted(req.headers.authorization))',
    ]);
  });

  it('a .then callback gets the tainted value although it was first walked as a plain argument', () => {
    const { engine } = dataflowOf({
      'package.json': EXPRESS,
      'src/app.ts': [
        "import express from 'express';",
        "import { pool } from './db.js';",
        'const app = express();',
        'async function normalize(value: string) { return value.trim(); }',
        "app.get('/a', (req, res) => {",
        '  normalize(String(req.query.actor))',
        "    .then((actor) => pool.query(`SELECT * FROM audit WHERE actor = '${actor}'`))",
        '    .then((result) => res.json(result.rows));',
        '});',
      ].join('\n'),
      'src/db.ts': DB,
    });
    expect(taintedCallsTo(engine, /^pool\.query$/)).toEqual(['src/app.ts:7 pool.query(tainted(req.query.actor))']);
  });
});

describe('dataflow engine: constants for the SQL rules', () => {
  it('a module-level column list joined from literals is constant', () => {
    const { engine, loaded } = dataflowOf({
      'package.json': EXPRESS,
      'src/repo.ts': [
        "import { pool } from './db.js';",
        "const COLUMNS = ['id', 'status'].join(', ');",
        'let mutable = COLUMNS;',
        'export function all() {',
        '  return pool.query(`SELECT ${COLUMNS} FROM orders`);',
        '}',
      ].join('\n'),
      'src/db.ts': DB,
    });
    const file = loaded.sourceFiles.find((candidate) => candidate.path === 'src/repo.ts')!;
    const template = (descendantsOfKind(file.sourceFile, ts.SyntaxKind.TemplateExpression)[0] as ts.TemplateExpression);
    expect(engine.originOutOfContext(template, file).kind).toBe('constant');
  });
});

describe('dataflow engine: out-of-context locals', () => {
  const originOfTemplates = (source: string) => {
    const { engine, loaded } = dataflowOf({ 'package.json': EXPRESS, 'src/db.ts': DB, 'src/job.ts': source });
    const file = loaded.sourceFiles.find((candidate) => candidate.path === 'src/job.ts')!;
    return descendantsOfKind(file.sourceFile, ts.SyntaxKind.TemplateExpression).map((template) => engine.originOutOfContext(template as ts.TemplateExpression, file).kind);
  };

  it('assignments after a bare let declaration, joined with earlier ones', () => {
    const kinds = originOfTemplates(
      [
        "import { pool } from './db.js';",
        'export async function up(flag: boolean, input: string) {',
        '  let table, other;',
        "  table = 'users';",
        '  await pool.query(`DROP TABLE ${table}`);',
        "  other = 'a';",
        '  if (flag) other = input;',
        '  await pool.query(`DROP TABLE ${other}`);',
        '}',
      ].join('\n'),
    );
    expect(kinds).toEqual(['constant', 'unknown']);
  });

  it('for-of over a module-level array of literals binds constant elements', () => {
    const kinds = originOfTemplates(
      [
        "import { pool } from './db.js';",
        "const TABLES = ['users', 'teams'];",
        'export async function up(rows: string[]) {',
        '  for (const table of TABLES) await pool.query(`VACUUM ${table}`);',
        '  for (const row of rows) await pool.query(`VACUUM ${row}`);',
        '}',
      ].join('\n'),
    );
    expect(kinds).toEqual(['constant', 'unknown']);
  });
});

describe('dataflow engine: validated text stays clean', () => {
  it('an isISO8601Duration guard sanitizes, and slicing the checked value keeps it sanitized', () => {
    const { engine, loaded } = dataflowOf({
      'package.json': EXPRESS,
      'src/filters.ts': [
        "import { isISO8601Duration } from './validators.js';",
        'export function interval(duration: string) {',
        '  if (!isISO8601Duration(duration)) throw new Error("bad");',
        '  const magnitude = duration.startsWith("-") ? duration.slice(1) : duration;',
        '  return `now() - interval \'${magnitude}\'`;',
        '}',
      ].join('\n'),
      'src/validators.ts': 'export const isISO8601Duration = (value: string) => /^-?P/.test(value);\n',
    });
    const file = loaded.sourceFiles.find((candidate) => candidate.path === 'src/filters.ts')!;
    const template = (descendantsOfKind(file.sourceFile, ts.SyntaxKind.TemplateExpression)[0] as ts.TemplateExpression);
    expect(engine.originOutOfContext(template, file).kind).toBe('sanitized');
  });
});
