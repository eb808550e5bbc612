/**
 * Evidence in files outside the scanned paths: a monorepo app imports its auth helper and its data
 * layer from workspace packages. Those files are read (read-only) so the helper authenticates the
 * route, and a sink there is reported at the scanned code's call into it, never in the package.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inventoryRoutes, scan } from '../src/index.js';
import { makeProject } from './helpers/cli.js';

const monorepo = {
  'package.json': JSON.stringify({ name: 'acme', private: true, workspaces: ['apps/*', 'packages/*'] }),
  'packages/auth/package.json': JSON.stringify({ name: '@acme/auth', main: 'dist/index.js' }),
  'packages/auth/src/index.ts': `
import jwt from 'jsonwebtoken';
export function requireUser(req: { headers: Record<string, string | undefined> }) {
  const token = req.headers.authorization;
  if (!token) throw new Error('unauthenticated');
  return jwt.verify(token, process.env.SECRET!) as { id: string };
}
`,
  'packages/db/package.json': JSON.stringify({ name: '@acme/db', exports: { '.': './src/index.ts' } }),
  'packages/db/src/index.ts': `
import { Pool } from 'pg';
const pool = new Pool();
export function findOrders(status: string) {
  return pool.query("SELECT * FROM orders WHERE status = '" + status + "'");
}
`,
  'apps/api/package.json': JSON.stringify({ name: '@acme/api', dependencies: { express: '^4.0.0', '@acme/auth': '*', '@acme/db': '*' } }),
  'apps/api/src/app.ts': `
import express from 'express';
import { requireUser } from '@acme/auth';
import { findOrders } from '@acme/db';
const app = express();
app.get('/orders', async (req, res) => {
  const user = requireUser(req);
  res.json(await findOrders(String(req.query.status)));
});
app.delete('/orders/:id', async (req, res) => {
  res.json(await findOrders(String(req.params.id)));
});
export default app;
`,
};

describe('evidence outside the scanned paths', () => {
  it('reads an imported workspace package for authentication evidence', async () => {
    const repo = makeProject(monorepo);
    const { routes } = await inventoryRoutes({ cwd: path.join(repo, 'apps/api'), paths: ['.'] });
    const get = routes.find((route) => route.id === 'GET /orders')!;
    expect(get.auth).toBe('authenticated');
    expect(get.authEvidence[0]).toMatch(/calls requireUser \(\.\.\/\.\.\/packages\/auth\/src\/index\.ts:3\), which verifies the request's credentials and throws when they fail/);
    expect(routes.find((route) => route.id === 'DELETE /orders/:id')!.auth).toBe('public');
  });

  it('reports a sink that lives in a package at the scanned call into it, and nothing inside the package', async () => {
    const repo = makeProject(monorepo);
    const { result } = await scan({ cwd: path.join(repo, 'apps/api'), paths: ['.'], onlyRules: ['sql-injection'] });
    const files = result.findings.map((finding) => `${finding.file}:${finding.line}`);
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((file) => file.startsWith('src/app.ts:'))).toBe(true);
    expect(result.findings[0]!.message).toMatch(/The code to change is in \.\.\/\.\.\/packages\/db\/src\/index\.ts, outside the scanned paths/);
  });

  it('resolves workspace packages by name when the scan is the whole repository', async () => {
    const repo = makeProject(monorepo);
    const { routes } = await inventoryRoutes({ cwd: repo, paths: ['.'] });
    const get = routes.find((route) => route.id === 'GET /orders')!;
    expect(get.auth).toBe('authenticated');
    expect(get.authEvidence[0]).toMatch(/calls requireUser \(packages\/auth\/src\/index\.ts:3\)/);
  });

  it('reads nothing outside a folder that belongs to no repository or workspace', async () => {
    const repo = makeProject({ ...monorepo, 'package.json': JSON.stringify({ name: 'acme' }) });
    const { routes } = await inventoryRoutes({ cwd: path.join(repo, 'apps/api'), paths: ['.'] });
    expect(routes.find((route) => route.id === 'GET /orders')!.auth).toBe('public');
  });

  it('reads a Fastify decoration a workspace auth plugin adds (verifyAdmin comparing the user with the configured admin) as a role guard', async () => {
    const repo = makeProject({
      'package.json': JSON.stringify({ name: 'vc', private: true, workspaces: ['servers/*', 'packages/*'] }),
      'packages/auth/package.json': JSON.stringify({ name: '@vc/auth', main: 'index.js' }),
      'packages/auth/index.js': `module.exports = { ...require('./src/admin-jwt-auth') };\n`,
      'packages/auth/src/admin-jwt-auth.js': `const fp = require('fastify-plugin');
const fastifyJWT = require('@fastify/jwt');
const newError = require('http-errors');
const verifyAdmin = async (req) => {
  try {
    await req.adminUserJwtVerify();
  } catch (e) {
    throw newError.Unauthorized(e);
  }
  if (req.user.user !== req.server.config.adminUserName) throw new newError.Unauthorized('Token not valid');
};
const authPlugin = (fastify, options, next) => {
  fastify.register(fastifyJWT, { secret: fastify.config.secret, namespace: 'adminUser' }).decorate('verifyAdmin', verifyAdmin);
  next();
};
module.exports = { adminJwtAuthPlugin: fp(authPlugin, { name: 'auth' }) };
`,
      'servers/agent/package.json': JSON.stringify({ name: '@vc/agent', dependencies: { '@fastify/autoload': '^6.0.0', 'fastify-plugin': '^5.0.0', '@vc/auth': '*', '@vc/server': '*' } }),
      'servers/agent/src/init-server.js': `const sensible = require('@fastify/sensible');
const { adminJwtAuthPlugin } = require('@vc/auth');
const initServer = (server) => server.register(sensible).register(adminJwtAuthPlugin).register(async (admin) => {
  admin.addHook('preHandler', admin.verifyAdmin);
  admin.delete('/tenants/:id', async (req) => req.repos.tenants.del(req.params.id));
});
module.exports = { initServer };
`,
    });
    const { routes } = await inventoryRoutes({ cwd: path.join(repo, 'servers/agent/src'), paths: ['.'] });
    const route = routes.find((candidate) => candidate.id === 'DELETE /tenants/:id')!;
    expect(route.auth).toBe('authenticated');
    expect(route.middleware).toMatchObject([{ name: 'admin.verifyAdmin', kind: 'role', strength: 'strong' }]);
    expect(route.middleware[0]!.evidence).toMatch(/verifyAdmin \(\.\.\/\.\.\/\.\.\/packages\/auth\/src\/admin-jwt-auth\.js:4\) verifies a token, compares the user with the configured administrator/);
  });
});
