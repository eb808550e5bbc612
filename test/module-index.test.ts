import { describe, expect, it } from 'vitest';
import { ts } from '#typescript';
import { discoverFiles } from '../src/engine/files.js';
import { loadProject } from '../src/engine/project.js';
import { bindingValue, ModuleIndex, resolveFunction } from '../src/engine/names/index.js';
import { findDataAccess } from '../src/engine/ast/data-access.js';
import { makeProject } from './helpers/cli.js';

function load(files: Record<string, string>) {
  const root = makeProject(files);
  const loaded = loadProject({ root, files: discoverFiles({ root, scanPaths: [root], include: [], exclude: [], includeTests: false }), maxFileSize: 1 << 20 });
  const modules = new ModuleIndex(loaded.sourceFiles, loaded.tsconfigs, undefined, loaded.packageImports);
  const file = (path: string) => loaded.sourceFiles.find((f) => f.path === path)!;
  return { modules, file };
}

/** The expression of the last top-level expression statement `use(<expr>)` in a file. */
function usedExpression(source: { sourceFile: ts.SourceFile }): ts.Expression {
  const statements = source.sourceFile.statements.filter(ts.isExpressionStatement);
  const call = statements.at(-1)!.expression as ts.CallExpression;
  return call.arguments[0]!;
}

describe('ModuleIndex', () => {
  it("follows Node subpath imports from the nearest package.json's imports field, conditions included", () => {
    const { modules, file } = load({
      'package.json': JSON.stringify({ name: 'app', imports: { '#app/*': './app/*', '#db': { types: './db/index.d.ts', default: './db/index.js' } } }),
      'app/utils/auth.server.ts': 'export function requireUserId() {}\n',
      'db/index.ts': 'export const prisma = {};\n',
      'app/routes/me.tsx': "import { requireUserId } from '#app/utils/auth.server.ts';\nimport { prisma } from '#db';\nimport { other } from '#missing/x';\n",
    });
    const route = file('app/routes/me.tsx');
    const where = (name: string) => {
      const binding = modules.resolveName(route, name);
      return binding?.kind === 'declaration' ? binding.file.path : binding?.kind;
    };
    expect(where('requireUserId')).toBe('app/utils/auth.server.ts');
    expect(where('prisma')).toBe('db/index.ts');
    expect(where('other')).toBe('external');
  });

  it('follows ESM imports, renames, re-exports, barrels, default exports and tsconfig paths', () => {
    const { modules, file } = load({
      'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@lib/*': ['src/lib/*'] } } }),
      'src/lib/handlers.ts': 'export function getOrder() {}\nexport default function listOrders() {}\nconst internal = () => 1;\nexport { internal as renamed };\n',
      'src/lib/index.ts': "export * from './handlers.js';\nexport { default as list } from './handlers.js';\n",
      'src/app.ts': "import { getOrder as g, renamed, list } from './lib/index.js';\nimport * as lib from '@lib/handlers';\nimport listOrders from '@lib/handlers';\n",
    });
    const app = file('src/app.ts');
    const names = (name: string) => {
      const binding = modules.resolveName(app, name);
      return binding?.kind === 'declaration' ? `${binding.file.path}#${binding.name}` : binding?.kind;
    };
    expect(names('g')).toBe('src/lib/handlers.ts#getOrder');
    expect(names('renamed')).toBe('src/lib/handlers.ts#internal');
    expect(names('list')).toBe('src/lib/handlers.ts#listOrders');
    expect(names('listOrders')).toBe('src/lib/handlers.ts#listOrders');
    expect(modules.resolveName(app, 'lib')).toMatchObject({ kind: 'namespace' });
    expect(modules.resolveName(app, 'nothing')).toBeUndefined();
  });

  it('follows CommonJS require and module.exports, and reports packages as external', () => {
    const { modules, file } = load({
      'routes/orders.js': "const express = require('express');\nconst router = express.Router();\nmodule.exports = router;\n",
      'lib/auth.js': 'function requireAuth(req, res, next) { next(); }\nmodule.exports = { requireAuth };\nexports.other = () => 2;\n',
      'app.js': "const orders = require('./routes/orders');\nconst { requireAuth } = require('./lib/auth');\nconst { other } = require('./lib/auth');\nconst passport = require('passport');\n",
    });
    const app = file('app.js');
    const orders = modules.resolveName(app, 'orders');
    expect(orders?.kind === 'declaration' && orders.file.path).toBe('routes/orders.js');
    const auth = modules.resolveName(app, 'requireAuth');
    expect(auth?.kind === 'declaration' && ts.isFunctionDeclaration(auth.node)).toBe(true);
    expect(bindingValue(modules.resolveName(app, 'other'))?.kind).toBe(ts.SyntaxKind.ArrowFunction);
    expect(modules.resolveName(app, 'passport')).toEqual({ kind: 'external', module: 'passport', importedName: 'default' });
  });

  it('survives import cycles', () => {
    const { modules, file } = load({
      'a.ts': "export { b as a } from './b.js';\n",
      'b.ts': "export { a as b } from './a.js';\n",
      'c.ts': "import { a } from './a.js';\n",
    });
    expect(modules.resolveName(file('c.ts'), 'a')).toMatchObject({ kind: 'external' });
  });
});

describe('resolveFunction and findDataAccess', () => {
  it('resolves wrapped handlers, controller objects, classes and NestJS-injected services across files', () => {
    const { modules, file } = load({
      'src/db.ts': "import { PrismaClient } from '@prisma/client';\nexport const prisma = new PrismaClient();\n",
      'src/orders.service.ts':
        "import { prisma } from './db.js';\nexport class OrdersService {\n  findOne(id: string) { return prisma.order.findUnique({ where: { id } }); }\n}\n",
      'src/orders.controller.ts':
        "import { OrdersService } from './orders.service.js';\nexport class OrdersController {\n  constructor(private readonly orders: OrdersService) {}\n  get(id: string) { return this.orders.findOne(id); }\n}\n",
      'src/handlers.ts': "export const controller = { async remove(req: any) { return req; } };\n",
      'src/app.ts':
        "import { controller } from './handlers.js';\nimport { OrdersController } from './orders.controller.js';\nconst asyncHandler = (fn: any) => fn;\ndeclare const use: any;\nuse(asyncHandler(controller.remove));\nuse(OrdersController.prototype.get);\nuse(new OrdersController(null as any).get);\n",
    });
    const app = file('src/app.ts');
    const statements = app.sourceFile.statements.filter(ts.isExpressionStatement);
    const argument = (index: number) => (statements[index]!.expression as ts.CallExpression).arguments[0]!;
    expect(resolveFunction(modules, app, argument(0))?.name).toBe('remove');
    const method = resolveFunction(modules, app, argument(2));
    expect(method?.name).toBe('OrdersController.get');
    const access = findDataAccess(modules, method!);
    expect(access.map((a) => `${a.library}:${a.model}.${a.method} ${a.operation} via ${a.via.join('>')}`)).toEqual([
      'prisma:order.findUnique read via OrdersService.findOne',
    ]);
  });

  it('resolves methods inherited from a project base class, super calls, and services fetched from a DI container by class', () => {
    const { modules, file } = load({
      'src/base.ts': 'export class BaseResolver {\n  protected async signIn(id: string) { return id; }\n}\n',
      'src/manager.ts': 'export class ProjectManager {\n  deleteProject(id: string) { return id; }\n}\n',
      'src/app.ts':
        "import { BaseResolver } from './base.js';\nimport { ProjectManager } from './manager.js';\ndeclare const use: any;\ndeclare const injector: any;\n" +
        'export class AuthResolver extends BaseResolver {\n  login(id: string) { use(super.signIn); use(this.signIn); return id; }\n}\n' +
        'use(injector.get(ProjectManager).deleteProject);\nuse(injector.get(Unknown).deleteProject);\n',
    });
    const app = file('src/app.ts');
    const calls: ts.CallExpression[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'use') calls.push(node);
      ts.forEachChild(node, visit);
    };
    visit(app.sourceFile);
    expect(calls.map((call) => resolveFunction(modules, app, call.arguments[0]!)?.name)).toEqual(['BaseResolver.signIn', 'BaseResolver.signIn', 'ProjectManager.deleteProject', undefined]);
  });

  it('resolves a name destructured from an object of helpers, in a function and at module level (umami `const { rawQuery } = prisma`)', () => {
    const { modules, file } = load({
      'src/db.ts': 'function rawQuery(sql: string) { return sql; }\nconst getDateSQL = (field: string) => field;\nexport default { rawQuery, getDateSQL, run: rawQuery };\n',
      'src/app.ts':
        "import db from './db.js';\ndeclare const use: any;\nconst { getDateSQL: dateOf } = db;\nfunction query() {\n  const { rawQuery, run, missing } = db;\n  use(rawQuery, run, missing);\n}\nuse(dateOf);\n",
    });
    const app = file('src/app.ts');
    expect(resolveFunction(modules, app, usedExpression(app))?.name).toBe('getDateSQL');
    const inner = app.sourceFile.statements.find(ts.isFunctionDeclaration)!;
    const call = (inner.body!.statements[1] as ts.ExpressionStatement).expression as ts.CallExpression;
    expect(call.arguments.map((argument) => resolveFunction(modules, app, argument)?.name)).toEqual(['rawQuery', 'rawQuery', undefined]);
  });

  it('recognises TypeORM, Mongoose, Sequelize, knex, drizzle and raw SQL calls', () => {
    const { modules, file } = load({
      'src/models/order.ts': "import mongoose from 'mongoose';\nexport const Order = mongoose.model('Order', new mongoose.Schema({}));\n",
      'src/metrics.ts': 'export class Metrics { static increment(name: string) { return name; } }\n',
      'src/h.ts': [
        "import { Order } from './models/order.js';",
        "import { Metrics } from './metrics.js';",
        "import { EditorState } from 'prosemirror-state';",
        'export async function handler(this: any, req: any) {',
        "  Metrics.increment('orders.viewed');",
        '  EditorState.create({});',
        '  await this.orderRepository.findOneBy({ id: req.params.id });',
        '  await Order.findByIdAndUpdate(req.params.id, req.body);',
        '  await db.Invoice.destroy({ where: { id: 1 } });',
        "  await knex('payments').where({ id: 1 }).first();",
        '  await db.insert(orders).values(req.body);',
        "  await pool.query('DELETE FROM carts WHERE id = $1', [1]);",
        '  await JSON.parse("{}");',
        '}',
        'use(handler);',
      ].join('\n'),
    });
    const h = file('src/h.ts');
    const fn = resolveFunction(modules, h, usedExpression(h))!;
    expect(findDataAccess(modules, fn).map((a) => `${a.library}:${a.model ?? '-'}.${a.method}:${a.operation}`)).toEqual([
      'model:order.findOneBy:read',
      'model:Order.findByIdAndUpdate:write',
      'model:Invoice.destroy:write',
      'knex:payments.first:read',
      'drizzle:orders.insert:write',
      'sql:carts.query:write',
    ]);
  });
});

describe('ModuleIndex: CommonJS barrels', () => {
  it('follows module.exports.x = require("./y") into the required module', () => {
    const { modules, file } = load({
      'services/user.service.js': 'const createUser = async (body) => body;\nmodule.exports = { createUser };\n',
      'services/index.js': "module.exports.userService = require('./user.service');\n",
      'controllers/user.controller.js': "const { userService } = require('../services');\nmodule.exports = { create: (req) => userService.createUser(req.body) };\n",
    });
    const controller = file('controllers/user.controller.js');
    const binding = modules.resolveName(controller, 'userService');
    expect(binding?.kind === 'declaration' && binding.file.path).toBe('services/user.service.js');
    const call = controller.sourceFile.statements
      .filter(ts.isExpressionStatement)
      .map((statement) => statement.expression)
      .find(ts.isBinaryExpression)!;
    const create = ((call.right as ts.ObjectLiteralExpression).properties[0] as ts.PropertyAssignment).initializer as ts.ArrowFunction;
    const inner = create.body as ts.CallExpression;
    expect(resolveFunction(modules, controller, inner.expression)?.name).toBe('createUser');
  });

  it('reads the exports of exports = module.exports = api as those of module.exports = api', () => {
    const { modules, file } = load({
      'lib/realtime.js': 'function connection(socket) { return socket; }\nconst realtime = { io: null, connection: connection };\nexports = module.exports = realtime;\nexports.other = () => 1;\n',
      'lib/orders.js': 'const list = (req) => req;\nconst api = { list };\nmodule.exports = api;\n',
      'app.js': "const realtime = require('./lib/realtime');\nconst orders = require('./lib/orders');\nuse(realtime.connection);\nuse(orders.list);\n",
    });
    const app = file('app.js');
    const used = app.sourceFile.statements.filter(ts.isExpressionStatement).map((statement) => (statement.expression as ts.CallExpression).arguments[0]!);
    expect(used.map((expression) => resolveFunction(modules, app, expression)?.name)).toEqual(['connection', 'list']);
  });

  it('follows spread barrels (module.exports = { ...require("./a") }) and whole re-exports (module.exports = require("./a"))', () => {
    const { modules, file } = load({
      'plugins/tenant.js': 'const tenantLoader = async (fastify) => fastify;\nmodule.exports = { tenantLoader, loadTenant: () => 1 };\n',
      'plugins/auth.js': 'const verifyToken = async (fastify) => fastify;\nmodule.exports = { verifyToken };\n',
      'plugins/index.js': "module.exports = {\n  ...require('./tenant'),\n  ...require('./auth'),\n  own: () => 2,\n};\n",
      'lib/index.js': "module.exports = require('../plugins');\n",
      'routes.js': "const { tenantLoader, verifyToken, own } = require('./plugins');\nconst { verifyToken: again } = require('./lib');\n",
    });
    const routes = file('routes.js');
    const where = (name: string) => {
      const binding = modules.resolveName(routes, name);
      return binding?.kind === 'declaration' ? binding.file.path : binding?.kind;
    };
    expect(where('tenantLoader')).toBe('plugins/tenant.js');
    expect(where('verifyToken')).toBe('plugins/auth.js');
    expect(where('own')).toBe('plugins/index.js');
    expect(where('again')).toBe('plugins/auth.js');
  });
});
