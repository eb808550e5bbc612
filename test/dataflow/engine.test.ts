import { describe, expect, it } from 'vitest';
import { dataflowOf, taintedCallsTo } from '../helpers/dataflow.js';

const EXPRESS = JSON.stringify({ dependencies: { express: '^4.19.2', pg: '^8.11.0' } });

describe('dataflow engine: sources and propagation (Express)', () => {
  it('follows request input through variables, destructuring, templates, concatenation and string methods', () => {
    const { engine } = dataflowOf({
      'package.json': EXPRESS,
      'src/app.ts': [
        "import express from 'express';",
        "import { pool } from './db.js';",
        'const app = express();',
        "app.get('/a', async (req, res) => {",
        '  const { sort, dir = "asc" } = req.query;',
        '  const name = String(req.query.name).trim().toLowerCase();',
        "  const sql = 'SELECT * FROM t ORDER BY ' + sort;",
        '  await pool.query(sql);',
        '  await pool.query(`SELECT * FROM t WHERE name = \'${name}\'`);',
        "  await pool.query('SELECT * FROM t WHERE id = $1', [req.params.id]);",
        '  await pool.query(`SELECT * FROM t LIMIT ${Number(req.query.limit)}`);',
        "  await pool.query('SELECT * FROM t WHERE owner = ' + req.user.id);",
        '  res.json({});',
        '});',
      ].join('\n'),
      'src/db.ts': "import { Pool } from 'pg';\nexport const pool = new Pool();\n",
    });
    expect(taintedCallsTo(engine, /pool\.query/)).toEqual([
      'src/app.ts:8 pool.query(tainted(req.query.sort))',
      "src/app.ts:9 pool.query(tainted(req.query.name))",
      'src/app.ts:10 pool.query(constant, tainted(req.params.id))',
    ]);
  });

  it('crosses files through helpers, services and return values, and keeps a trace', () => {
    const { engine } = dataflowOf({
      'package.json': EXPRESS,
      'src/app.ts': [
        "import express from 'express';",
        "import { findOrders } from './repo/index.js';",
        'const app = express();',
        "app.get('/orders', async (req, res) => res.json(await findOrders(req.query.status as string)));",
      ].join('\n'),
      'src/repo/index.ts': "export * from './orders.js';\n",
      'src/repo/orders.ts': [
        "import { pool } from '../db.js';",
        'function where(status: string) { return `status = \'${status}\'`; }',
        'export async function findOrders(status: string) {',
        "  const clause = where(status);",
        "  return pool.query('SELECT * FROM orders WHERE ' + clause);",
        '}',
      ].join('\n'),
      'src/db.ts': "import { Pool } from 'pg';\nexport const pool = new Pool();\n",
    });
    const calls = engine.taintedCalls().filter((entry) => entry.call.expression.getText() === 'pool.query');
    expect(calls).toHaveLength(1);
    const origin = calls[0]!.argumentOrigins[0]!;
    expect(origin.kind).toBe('tainted');
    if (origin.kind !== 'tainted') return;
    expect(origin.taint.source.label).toBe('req.query.status');
    expect(origin.taint.steps.map((step) => `${step.file}:${step.line} ${step.message}`)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^src\/app\.ts:4 passed to findOrders\(\)$/),
        expect.stringMatching(/^src\/repo\/orders\.ts:\d returned from where\(\)$/),
        expect.stringMatching(/^src\/repo\/orders\.ts:5 concatenated$/),
      ]),
    );
  });

  it('treats allowlist guards, numeric conversion and config sanitizers as clean', () => {
    const { engine } = dataflowOf(
      {
        'package.json': EXPRESS,
        'src/app.ts': [
          "import express from 'express';",
          "import { pool } from './db.js';",
          "const SORTABLE = ['name', 'created_at'];",
          'const app = express();',
          "app.get('/a', async (req, res) => {",
          '  const sort = String(req.query.sort);',
          "  if (!SORTABLE.includes(sort)) return res.status(400).end();",
          "  await pool.query('SELECT * FROM t ORDER BY ' + sort);",
          "  const dir = ['asc', 'desc'].includes(String(req.query.dir)) ? String(req.query.dir) : 'asc';",
          "  await pool.query('SELECT * FROM t ORDER BY name ' + dir);",
          "  await pool.query('SELECT * FROM t WHERE c = ' + toSafeColumn(req.query.c));",
          "  await pool.query('SELECT * FROM t LIMIT ' + parseInt(String(req.query.n), 10));",
          '  res.end();',
          '});',
          'function toSafeColumn(value: unknown) { return String(value); }',
        ].join('\n'),
        'src/db.ts': "import { Pool } from 'pg';\nexport const pool = new Pool();\n",
      },
      { sanitizers: ['toSafeColumn'] },
    );
    expect(taintedCallsTo(engine, /pool\.query/)).toEqual([]);
  });
});

describe('dataflow engine: other frameworks', () => {
  it('NestJS decorated parameters, injected services and sanitizing pipes', () => {
    const { engine } = dataflowOf({
      'package.json': JSON.stringify({ dependencies: { '@nestjs/common': '^10.0.0', typeorm: '^0.3.0' } }),
      'src/orders.controller.ts': [
        "import { Controller, Get, Param, ParseIntPipe, Query } from '@nestjs/common';",
        "import { OrdersService } from './orders.service.js';",
        "@Controller('orders')",
        'export class OrdersController {',
        '  constructor(private readonly orders: OrdersService) {}',
        "  @Get(':id')",
        "  one(@Param('id', ParseIntPipe) id: number, @Query('sort') sort: string) {",
        '    return this.orders.find(id, sort);',
        '  }',
        '}',
      ].join('\n'),
      'src/orders.service.ts': [
        "import { DataSource } from 'typeorm';",
        'export class OrdersService {',
        '  constructor(private readonly dataSource: DataSource) {}',
        '  find(id: number, sort: string) {',
        '    return this.dataSource.query(`SELECT * FROM orders WHERE id = ${id} ORDER BY ${sort}`);',
        '  }',
        '}',
      ].join('\n'),
    });
    expect(taintedCallsTo(engine, /dataSource\.query/)).toEqual(["src/orders.service.ts:5 this.dataSource.query(tainted(@Query('sort') sort))"]);
  });

  it('Koa ctx, Hono c.req and Next.js request are sources; principals are not', () => {
    const { engine } = dataflowOf({
      'package.json': JSON.stringify({ dependencies: { koa: '^2.0.0', '@koa/router': '^12.0.0', hono: '^4.0.0', next: '^14.0.0' } }),
      'src/koa.ts': [
        "import Router from '@koa/router';",
        "import { db } from './db.js';",
        'const router = new Router();',
        "router.get('/k', async (ctx) => { await db.query('SELECT ' + ctx.request.query.col); await db.query('SELECT ' + ctx.state.user.id); });",
      ].join('\n'),
      'src/hono.ts': [
        "import { Hono } from 'hono';",
        "import { db } from './db.js';",
        'const app = new Hono();',
        "app.get('/h', async (c) => { await db.query('SELECT ' + c.req.query('col')); return c.text('ok'); });",
      ].join('\n'),
      'app/api/n/route.ts': [
        "import { db } from '../../../src/db.js';",
        'export async function POST(request: Request) {',
        '  const body = await request.json();',
        "  await db.query('SELECT ' + body.col);",
        "  return Response.json({});",
        '}',
      ].join('\n'),
      'src/db.ts': 'export const db = { query: (sql: string) => sql };\n',
    });
    expect(taintedCallsTo(engine, /db\.query/)).toEqual([
      "app/api/n/route.ts:4 db.query(tainted(request.json()))",
      'src/hono.ts:4 db.query(tainted(c.req.query(\'col\')))',
      'src/koa.ts:4 db.query(tainted(ctx.request.query.col))',
    ]);
  });

  it('survives recursion and call cycles', () => {
    const { engine } = dataflowOf({
      'package.json': EXPRESS,
      'src/app.ts': [
        "import express from 'express';",
        'const app = express();',
        'function a(x: string, n: number): string { return n > 0 ? b(x, n - 1) : x; }',
        'function b(x: string, n: number): string { return a(x + "!", n); }',
        "app.get('/r', (req, res) => { res.send(eval(a(String(req.query.q), 3))); });",
      ].join('\n'),
    });
    expect(taintedCallsTo(engine, /^eval$/)).toEqual(['src/app.ts:5 eval(tainted(req.query.q))']);
  });
});

describe('dataflow engine: NestJS principal decorators', () => {
  it('@CurrentUser()/@GqlUser() parameters are the principal, not input', () => {
    const { engine } = dataflowOf({
      'package.json': JSON.stringify({ dependencies: { '@nestjs/common': '^10.0.0' } }),
      'src/tokens.controller.ts': [
        "import { Controller, Delete, Query } from '@nestjs/common';",
        "import { GqlUser } from './user.decorator.js';",
        "@Controller('tokens')",
        'export class TokensController {',
        "  @Delete('revoke')",
        "  revoke(@GqlUser() user: { uid: string }, @Query('id') id: string) {",
        '    return eval(user.uid + id);',
        '  }',
        '}',
      ].join('\n'),
      'src/user.decorator.ts': "import { createParamDecorator } from '@nestjs/common';\nexport const GqlUser = createParamDecorator((_d, ctx) => ctx);\n",
    });
    const call = engine.taintedCalls().find((entry) => entry.call.expression.getText() === 'eval')!;
    const origin = call.argumentOrigins[0]!;
    expect(origin.kind === 'tainted' && origin.taint.source.label).toBe("@Query('id') id");
    expect(call.originOf((call.call.arguments![0] as import('ts-morph').ts.BinaryExpression).left).kind).toBe('principal');
  });
});

describe('dataflow engine: handlers that branch on the request method', () => {
  it("follows each method's branches on that method's route only, keeping branches no other route runs", () => {
    const { engine } = dataflowOf({
      'package.json': JSON.stringify({ dependencies: { next: '14.0.0' } }),
      'pages/api/memberships.ts': [
        "import { db } from '../../lib/db';",
        'export default async function handler(req, res) {',
        "  if (!['GET', 'PUT', 'DELETE'].includes(req.method)) return res.status(405).end();",
        '  switch (req.method) {',
        "    case 'GET':",
        "    case 'HEAD':",
        '      return res.json(await db.list(req.query.org));',
        "    case 'PUT':",
        '      return res.json(await db.update(req.body.userId));',
        '    default:',
        '      return res.json(await db.remove(req.body.userId));',
        '  }',
        '}',
      ].join('\n'),
      'pages/api/items.ts': [
        "import { db } from '../../lib/db';",
        'export default async function handler(req, res) {',
        "  if (req.method === 'POST') {",
        '    return res.json(await db.create(req.body.name));',
        '  } else {',
        '    return res.json(await db.find(req.query.id));',
        '  }',
        '}',
      ].join('\n'),
      'lib/db.ts': 'export const db = { list: async (x: unknown) => x, update: async (x: unknown) => x, remove: async (x: unknown) => x, create: async (x: unknown) => x, find: async (x: unknown) => x };\n',
    });
    const calls = engine
      .taintedCalls()
      .filter((entry) => /^db\./.test(entry.call.expression.getText()))
      .map((entry) => `${entry.route.method} ${entry.call.expression.getText()}`)
      .sort();
    // items.ts serves POST only as far as the inventory knows: its else branch has no route of its
    // own, so it stays with the POST route rather than go unanalysed.
    expect(calls).toEqual(['DELETE db.remove', 'GET db.list', 'POST db.create', 'POST db.find', 'PUT db.update']);
  });
});
