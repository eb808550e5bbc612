/**
 * missing-ownership-check on small projects: the lookup shapes and evidence forms the fixture
 * folder does not pin line by line (MikroORM em.findOne, TypeORM update(id)/delete(id), the
 * ownershipChecks config key, request fields a middleware fills from the token, favorites).
 */
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';

const express = (handlers: string, extra: Record<string, string> = {}) => ({
  'package.json': JSON.stringify({ dependencies: { express: '4', jsonwebtoken: '9', typeorm: '0.3', '@mikro-orm/core': '6', '@prisma/client': '5' } }),
  'src/auth.ts': `import jwt from 'jsonwebtoken';\nexport function requireAuth(req: any, res: any, next: any) {\n  try { req.user = jwt.verify(req.headers.authorization, 'k'); next(); } catch { res.status(401).end(); }\n}\n`,
  'src/db.ts': `import { PrismaClient } from '@prisma/client';\nimport { DataSource } from 'typeorm';\nimport { MikroORM } from '@mikro-orm/core';\nexport const prisma = new PrismaClient();\nexport const dataSource = new DataSource({ type: 'postgres' });\nexport const orm = await MikroORM.init({});\n`,
  'src/order.entity.ts': `import { Entity, PrimaryColumn, Column } from 'typeorm';\n@Entity()\nexport class Order {\n  @PrimaryColumn() id!: string;\n  @Column() userId!: string;\n}\n`,
  'src/app.ts': `import express from 'express';\nimport { requireAuth } from './auth.js';\nimport { dataSource, orm, prisma } from './db.js';\nimport { Order } from './order.entity.js';\nconst app = express();\napp.use(requireAuth);\nconst orderRepository = dataSource.getRepository(Order);\n${handlers}\n`,
  ...extra,
});

async function findings(files: Record<string, string>): Promise<{ line: number; message: string; severity: string }[]> {
  const run = await runCli(['scan', '--rule', 'missing-ownership-check', '--format', 'json', '--fail-on', 'none'], { cwd: makeProject(files) });
  const report = JSON.parse(run.stdout) as { findings: { line: number; message: string; severity: string }[] };
  return report.findings.map((finding) => ({ line: finding.line, message: finding.message, severity: finding.severity }));
}

describe('missing-ownership-check', () => {
  it('a record looked up by a client id and then deleted or changed through itself is a write (critical), not a read', async () => {
    const result = await findings(
      express(
        `app.delete('/orders/:id', async (req: any, res) => { const order = await orderRepository.findOneBy({ id: req.params.id }); if (!order) return res.status(404).end(); await order.remove(); res.end(); });\n` +
          `app.put('/orders/:id', async (req: any, res) => { const order = await orderRepository.findOneBy({ id: req.params.id }); Object.assign(order, req.body); await order.save(); res.end(); });\n` +
          `app.get('/orders/:id', async (req: any, res) => { const order = await orderRepository.findOneBy({ id: req.params.id }); res.json(order); });`,
      ),
    );
    expect(result.map((finding) => [finding.line, finding.severity, finding.message.split(' by ')[0]])).toEqual([
      [8, 'critical', 'DELETE /orders/:id changes order (findOneBy)'],
      [9, 'critical', 'PUT /orders/:id changes order (findOneBy)'],
      [10, 'high', 'GET /orders/:id reads order (findOneBy)'],
    ]);
  });

  it('reports MikroORM em.findOne by a client id, not when the filter names the owner', async () => {
    const result = await findings(
      express(
        `app.get('/tickets/:id', async (req: any, res) => { res.json(await orm.em.findOne(Order, { id: req.params.id })); });\n` +
          `app.get('/tickets/:id/mine', async (req: any, res) => { res.json(await orm.em.findOne(Order, { id: req.params.id, userId: req.user.id })); });`,
      ),
    );
    expect(result.map((finding) => finding.line)).toEqual([8]);
    expect(result[0]!.severity).toBe('high');
  });

  it('follows a shared loader only from the routes that pass it the key (no listId member: no lookup by list)', async () => {
    // The first route reaches the loader with a converted number and no listId; the second with the client's list id.
    const result = await findings(
      express(
        `async function loadPins(input: { ids?: string[]; listId?: string; limit?: number }) {\n` +
          `  if (input.listId !== undefined) return prisma.pinInList.findMany({ where: { listId: input.listId }, take: input.limit });\n` +
          `  return prisma.pin.findMany({ where: { id: { in: input.ids } }, take: input.limit });\n` +
          `}\n` +
          `app.get('/pins', async (req: any, res) => { res.json(await loadPins({ ids: String(req.query.ids).split(','), limit: Number(req.query.limit) })); });\n` +
          `app.get('/lists/:listId/pins', async (req: any, res) => { res.json(await loadPins({ listId: req.params.listId, limit: 20 })); });`,
      ),
    );
    expect(result.map((finding) => finding.line)).toEqual([9]);
    expect(result[0]!.message).toMatch(/^GET \/lists\/:listId\/pins reads pinInList/);
  });

  it('skips, for a caller passing a literal flag, the branch of a shared helper that flag never enters', async () => {
    // typebot-style: the first route resumes an existing session (the update runs for it); the second
    // starts a new one (type: 'new'), and a third passes `isNew: true` to a helper that updates only when false.
    const result = await findings(
      express(
        `async function saveState(props: { sessionId: { type: 'existing' | 'new'; id: string }; state: string }) {\n` +
          `  const { sessionId, state } = props;\n` +
          `  if (sessionId.type === 'existing') return prisma.chatSession.updateMany({ where: { id: sessionId.id }, data: { state } });\n` +
          `  return prisma.chatSession.create({ data: { id: sessionId.id, state } });\n` +
          `}\n` +
          `async function saveDraft(id: string, options: { isNew: boolean }) { if (!options.isNew) return prisma.draft.update({ where: { id }, data: {} }); return prisma.draft.create({ data: { id } }); }\n` +
          `app.post('/sessions/:id/resume', async (req: any, res) => { res.json(await saveState({ sessionId: { type: 'existing', id: req.params.id }, state: req.body.state })); });\n` +
          `app.post('/sessions/:id/start', async (req: any, res) => { res.json(await saveState({ sessionId: { type: 'new', id: req.params.id }, state: req.body.state })); });\n` +
          `app.put('/drafts/:id', async (req: any, res) => { res.json(await saveDraft(req.params.id, { isNew: false })); });\n` +
          `app.post('/drafts/:id', async (req: any, res) => { res.json(await saveDraft(req.params.id, { isNew: true })); });\n` +
          // The flag passed on through another helper's parameter: the route passing true first, then the one passing false.
          `async function saveNote(id: string, flags: { isNew: boolean }) { return writeNote(id, flags); }\n` +
          `async function writeNote(id: string, options: { isNew: boolean }) { if (!options.isNew) return prisma.note.update({ where: { id }, data: {} }); return prisma.note.create({ data: { id } }); }\n` +
          `app.post('/notes/:id', async (req: any, res) => { res.json(await saveNote(req.params.id, { isNew: true })); });\n` +
          `app.put('/notes/:id', async (req: any, res) => { res.json(await saveNote(req.params.id, { isNew: false })); });`,
      ),
    );
    expect(result.map((finding) => finding.line)).toEqual([10, 13, 19]);
    expect(result[0]!.message).toMatch(/^POST \/sessions\/:id\/resume changes chatSession/);
    expect(result[1]!.message).toMatch(/^PUT \/drafts\/:id changes draft/);
    expect(result[2]!.message).toMatch(/^PUT \/notes\/:id changes note/);
  });

  it('keeps a lookup a shared helper reaches along two branches for the callers of each (a switch on a literal event type)', async () => {
    // papermark-style: the view and the download notifications both end at the document lookup, each through its own case.
    const result = await findings(
      express(
        `type Ev = { eventType: 'view' | 'download'; documentId?: string };\n` +
          `async function docInfo(documentId: string) { return prisma.document.findUnique({ where: { id: documentId } }); }\n` +
          `async function viewMsg(e: Ev) { return e.documentId ? docInfo(e.documentId) : null; }\n` +
          `async function downloadMsg(e: Ev) { return e.documentId ? docInfo(e.documentId) : null; }\n` +
          `async function createMessage(eventData: Ev) { switch (eventData.eventType) { case 'view': return viewMsg(eventData); case 'download': return downloadMsg(eventData); default: return null; } }\n` +
          `async function notifyView(data: { documentId?: string }) { return createMessage({ ...data, eventType: 'view' }); }\n` +
          `async function notifyDownload(data: { documentId?: string }) { return createMessage({ ...data, eventType: 'download' }); }\n` +
          // The client's own event type first: both branches run for it, and the helper is known to reach the lookup two ways.
          `app.post('/documents/:id/notify', async (req: any, res) => { res.json(await createMessage({ eventType: req.body.eventType, documentId: req.params.id })); });\n` +
          `app.post('/documents/:id/view', async (req: any, res) => { res.json(await notifyView({ documentId: req.params.id })); });\n` +
          `app.post('/documents/:id/download', async (req: any, res) => { res.json(await notifyDownload({ documentId: req.params.id })); });`,
      ),
    );
    expect(result.map((finding) => finding.line)).toEqual([9]);
    expect(result[0]!.message).toMatch(/^3 routes \(POST \/documents\/:id\/notify, POST \/documents\/:id\/view, POST \/documents\/:id\/download\) read document/);
  });

  it('follows a key destructured from a parameter object (const { tableId } = params) through the callers that pass that member', async () => {
    // teable-style: the share route passes the share's own table with the client's filter beside it;
    // only the route that passes the client's table id reaches the lookup with it.
    const result = await findings(
      express(
        `async function dbTableName(db: any, tableId: string) { return db.tableMeta.findUnique({ where: { id: tableId } }); }\n` +
          `async function fetchStats(params: { tableId: string; filter?: unknown }) { const { tableId } = params; return dbTableName(prisma, tableId); }\n` +
          `async function perform(params: { tableId: string; withView?: { filter?: unknown } }) { const { tableId, withView } = params; return fetchStats({ tableId, filter: withView?.filter }); }\n` +
          `app.get('/share/:shareId/aggregations', async (req: any, res) => { const share = await prisma.share.findFirst({ where: { id: req.params.shareId, ownerId: req.user.id } }); res.json(await perform({ tableId: share!.tableId, withView: { filter: req.query.filter } })); });\n` +
          `app.get('/tables/:tableId/aggregations', async (req: any, res) => { res.json(await perform({ tableId: req.params.tableId })); });`,
      ),
    );
    expect(result.map((finding) => finding.message.replace(/ \(the client.*$/, ''))).toEqual(["GET /tables/:tableId/aggregations reads tableMeta (findUnique) by req.params.tableId"]);
  });

  it('reports TypeORM update(id) and delete(id) as critical writes', async () => {
    const result = await findings(
      express(
        `app.patch('/orders/:id', async (req: any, res) => { res.json(await orderRepository.update(req.params.id, { userId: 'x' })); });\n` +
          `app.delete('/orders/:id', async (req: any, res) => { res.json(await orderRepository.delete(req.params.id)); });`,
      ),
    );
    expect(result.map((finding) => [finding.line, finding.severity])).toEqual([
      [8, 'critical'],
      [9, 'critical'],
    ]);
  });

  it('takes the plain code of an invitation model as a capability (low), not the code of an order', async () => {
    const result = await findings(
      express(
        `app.get('/invitations/:code', async (req: any, res) => { res.json(await prisma.invitation.findUnique({ where: { code: req.params.code } })); });\n` +
          `app.get('/orders/by-code/:code', async (req: any, res) => { res.json(await prisma.order.findUnique({ where: { code: req.params.code } })); });`,
      ),
    );
    expect(result.map((finding) => [finding.line, finding.severity])).toEqual([
      [8, 'low'],
      [9, 'high'],
    ]);
    expect(result[0]!.message).toContain('(as code)');
    expect(result[0]!.message).toContain('capability');
  });

  it('accepts a project check named in ownershipChecks', async () => {
    const handler = `app.get('/orders/:id', async (req: any, res) => {\n  const order = await orderRepository.findOneBy({ id: req.params.id });\n  gateOrder(req.user, order);\n  res.json(order);\n});\nfunction gateOrder(user: any, order: any) { if (order.userId !== user.id) throw new Error('no'); }`;
    expect(await findings(express(handler))).toHaveLength(1);
    expect(await findings(express(handler, { 'trustscan.config.json': JSON.stringify({ ownershipChecks: ['gateOrder'] }) }))).toEqual([]);
  });

  it('treats a request field a route middleware fills from the token as the principal', async () => {
    const stamp = `function appendUserId(req: any, _res: any, next: any) { req.body.UserId = req.user.id; next(); }\n`;
    const result = await findings(
      express(
        stamp +
          `app.get('/cards/:id', appendUserId, async (req: any, res) => { res.json(await orderRepository.findOne({ where: { id: req.params.id, userId: req.body.UserId } })); });\n` +
          `app.get('/cards-unstamped/:id', async (req: any, res) => { res.json(await orderRepository.findOne({ where: { id: req.params.id, userId: req.body.UserId } })); });`,
      ),
    );
    expect(result.map((finding) => finding.line)).toEqual([10]);
  });

  it('does not report favoriting or commenting (linking the caller to the object), but does report editing it', async () => {
    const result = await findings(
      express(
        `app.post('/articles/:id/favorite', async (req: any, res) => {\n  const article = await orderRepository.findOneBy({ id: req.params.id });\n  const user = await prisma.user.findUnique({ where: { id: req.user.id } });\n  user.favorites.push(article);\n  res.json(await prisma.user.update({ where: { id: req.user.id }, data: { favorites: { connect: { id: req.params.id } } } }));\n});\n` +
          `app.post('/articles/:id/like', async (req: any, res) => { res.json(await prisma.article.update({ where: { id: req.params.id }, data: { likedBy: { connect: { id: req.user.id } } } })); });\n` +
          `app.post('/articles/:id/edit', async (req: any, res) => {\n  const article = await orderRepository.findOneBy({ id: req.params.id });\n  article.userId = req.body.owner;\n  res.json(article);\n});`,
      ),
    );
    expect(result.map((finding) => finding.line)).toEqual([16]);
  });
  it('reports a shared service lookup once at the access, and keeps its fingerprint when another route starts reaching it', async () => {
    const service = { 'src/orders.service.ts': `import { prisma } from './db.js';\nexport function findOrder(id: string) {\n  return prisma.order.findUnique({ where: { id } });\n}\n` };
    const scan = async (handlers: string) => {
      const run = await runCli(['scan', '--rule', 'missing-ownership-check', '--format', 'json', '--fail-on', 'none'], { cwd: makeProject(express(`import { findOrder } from './orders.service.js';\n${handlers}`, service)) });
      return JSON.parse(run.stdout).findings as { file: string; line: number; fingerprint: string; message: string; trace: { file: string; message: string }[] }[];
    };
    const one = await scan(`app.get('/orders/:id', async (req: any, res) => { res.json(await findOrder(req.params.id)); });`);
    const two = await scan(
      `app.get('/orders/:id', async (req: any, res) => { res.json(await findOrder(req.params.id)); });\n` +
        `app.get('/invoices/:id/order', async (req: any, res) => { res.json(await findOrder(String(req.params.id))); });`,
    );
    expect(one.map((finding) => `${finding.file}:${finding.line}`)).toEqual(['src/orders.service.ts:3']);
    expect(two.map((finding) => `${finding.file}:${finding.line}`)).toEqual(['src/orders.service.ts:3']);
    expect(two[0]!.fingerprint).toBe(one[0]!.fingerprint);
    expect(two[0]!.message).toMatch(/^2 routes \(GET \/orders\/:id, GET \/invoices\/:id\/order\) read order \(findUnique\)/);
    expect(two[0]!.trace.filter((step) => step.message.startsWith('route ')).map((step) => step.message)).toEqual(['route GET /orders/:id', 'route GET /invoices/:id/order']);
  });

  it('says a route behind Vendure @Allow(Permission.Owner) admits callers without an account, and names the entity a generic helper is given', async () => {
    const files = {
      'package.json': JSON.stringify({ dependencies: { '@nestjs/common': '10', '@nestjs/graphql': '12', '@vendure/core': '3', typeorm: '0.3' } }),
      'src/entities.ts': `import { Entity, PrimaryColumn } from 'typeorm';\n@Entity()\nexport class GiftCard {\n  @PrimaryColumn() id!: string;\n}\n`,
      'src/lookup.ts': `import { DataSource } from 'typeorm';\nexport class Lookup {\n  constructor(private dataSource: DataSource) {}\n  byId<T>(entityType: new () => T, id: string) {\n    return this.dataSource.getRepository(entityType).findOne({ where: { id } as any });\n  }\n}\n`,
      'src/gift-cards.resolver.ts':
        `import { Args, Query, Resolver } from '@nestjs/graphql';\nimport { Allow, Ctx, Permission, RequestContext } from '@vendure/core';\nimport { GiftCard } from './entities';\nimport { Lookup } from './lookup';\n` +
        `@Resolver()\nexport class GiftCardsResolver {\n  constructor(private lookup: Lookup) {}\n  @Query()\n  @Allow(Permission.Owner)\n  giftCard(@Ctx() ctx: RequestContext, @Args() args: { id: string }) {\n    return this.lookup.byId(GiftCard, args.id);\n  }\n}\n`,
    };
    const result = await findings(files);
    expect(result.map((finding) => finding.line)).toEqual([5]);
    expect(result[0]!.message).toMatch(/^QUERY giftCard reads GiftCard \(findOne\)/);
    expect(result[0]!.message).toContain('any caller, even one without an account (@Allow(Permission.Owner) (src/gift-cards.resolver.ts:9) admits every caller as the owner');
  });
});
