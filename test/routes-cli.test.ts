import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const appsDir = fileURLToPath(new URL('../fixtures/apps', import.meta.url));

describe('trustscan routes', () => {
  it('prints the inventory of every framework with a footer of counts', async () => {
    const run = await runCli(['routes', '.'], { cwd: appsDir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^METHOD\s+PATH\s+LOCATION\s+AUTH\n/);
    expect(run.stdout).toMatch(/\nGET\s+\/health\s+express\/src\/app\.ts:18\s+public /);
    expect(run.stdout).toMatch(/role: .*\|\s+rate limit: .*\|\s+middleware: /);
    const footer = run.stdout.trim().split('\n').at(-1)!;
    expect(footer).toMatch(/^\d+ routes: express \d+, nestjs \d+, fastify \d+, koa \d+, hono \d+, next \d+(?:, [\w-]+ \d+)*; authenticated \d+, public \d+, unknown \d+$/);
  });

  it('writes versioned, deterministic JSON whose counts match its routes', async () => {
    const first = await runCli(['routes', '.', '--format', 'json'], { cwd: appsDir });
    const second = await runCli(['routes', '.', '--format', 'json'], { cwd: appsDir });
    expect(second.stdout).toBe(first.stdout);
    const inventory = JSON.parse(first.stdout);
    expect(inventory.schemaVersion).toBe('1.0.0');
    expect(inventory.counts.total).toBe(inventory.routes.length);
    const byFramework = Object.values(inventory.counts.byFramework as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(byFramework).toBe(inventory.routes.length);
    const route = inventory.routes.find((r: { path: string; file: string }) => r.path === '/api/users/:id' && r.file.startsWith('express/'));
    expect(route).toMatchObject({ framework: 'express', auth: 'authenticated', middleware: expect.any(Array), authEvidence: expect.arrayContaining([expect.stringMatching(/^requireAuth \(router, /)]) });
  });

  it('lists each authenticated route\'s object lookups with the verdict missing-ownership-check uses', async () => {
    const bolaDir = fileURLToPath(new URL('../fixtures/rules/missing-ownership-check', import.meta.url));
    const run = await runCli(['routes', 'src/express-app', 'src/express', '--format', 'json'], { cwd: bolaDir });
    expect(run.code).toBe(0);
    const inventory = JSON.parse(run.stdout);
    const accessOf = (method: string, path: string) => inventory.routes.find((r: { method: string; path: string }) => r.method === method && r.path === path)?.objectAccess;
    expect(accessOf('GET', '/orders/:id')).toEqual([
      { file: 'src/express/orders.ts', line: 12, operation: 'read', model: 'order', method: 'findUnique', key: 'id', verdict: 'unchecked', evidence: 'unchecked' },
    ]);
    expect(accessOf('GET', '/orders/:id/mine')).toMatchObject([{ verdict: 'scoped', evidence: 'scoped by userId (src/express/orders.ts:17)' }]);
    expect(accessOf('GET', '/teams/:teamId/projects/:projectId')).toContainEqual(
      expect.objectContaining({ model: 'project', verdict: 'owner-compared', evidence: expect.stringMatching(/membership check findFirst\(\).*\(src\/express-app\/controllers\/invoices\.ts:\d+\)$/) }),
    );
    expect(accessOf('GET', '/shared/:token')).toMatchObject([{ verdict: 'capability', key: 'shareToken' }]);
    // Both routes reaching the shared service lookup list it, with the same verdict.
    expect(accessOf('GET', '/invoices/:id/show')).toEqual(accessOf('GET', '/invoices/:id/print'));
    const text = await runCli(['routes', 'src/express'], { cwd: bolaDir });
    expect(text.stdout).toMatch(/\n\s+object access: reads order \(findUnique\) by id at src\/express\/orders\.ts:12: unchecked\n/);
  });

  it('calls a role held in the team the client names a membership check of that team, not an admin-only route', async () => {
    const bolaDir = fileURLToPath(new URL('../fixtures/rules/missing-ownership-check', import.meta.url));
    const run = await runCli(['routes', 'graphql-team', '--format', 'json'], { cwd: bolaDir });
    expect(run.code).toBe(0);
    const inventory = JSON.parse(run.stdout);
    const accessOf = (path: string) => inventory.routes.find((r: { path: string }) => r.path === path)?.objectAccess;
    expect(accessOf('teamEnvironments')).toMatchObject([{ model: 'teamEnvironment', key: 'teamID', verdict: 'guarded', evidence: 'membership checked by TeamMemberGuard on teamID' }]);
    // The environment's own id is not what the guard checked: the code must tie it to the team, and here nothing does.
    expect(accessOf('renameTeamEnvironment')).toMatchObject([{ key: 'id', verdict: 'unchecked', evidence: "unchecked: TeamMemberGuard checks the caller's membership in the teamID the client names, not that this record belongs to it" }]);
    // Filtered by the guarded team too: scoped.
    expect(accessOf('archiveTeamEnvironment')).toMatchObject([{ key: 'id', verdict: 'guarded' }]);
  });

  it('lists WebSocket message handlers apart from the routes, by event, with no route counted for them', async () => {
    const websocketDir = fileURLToPath(new URL('../fixtures/rules/sql-injection/src/websocket', import.meta.url));
    const json = await runCli(['routes', '.', '--format', 'json'], { cwd: websocketDir });
    expect(json.code).toBe(0);
    const inventory = JSON.parse(json.stdout);
    expect(inventory.routes).toEqual([]);
    expect(inventory.unmountedHandlers).toBeUndefined();
    expect(inventory.messageHandlers.map((handler: { event: string; name: string; file: string }) => `${handler.event} ${handler.name} ${handler.file}`)).toEqual([
      'chat:search <anonymous> chat-handlers.ts',
      'chat:typing <anonymous> chat-handlers.ts',
      'catalog:search CatalogGateway.search events.gateway.ts',
      'catalog:legacy CatalogGateway.legacy events.gateway.ts',
      'presence:set PresenceGateway.set events.gateway.ts',
      'room:join <anonymous> io-server.ts',
      'room:history <anonymous> io-server.ts',
      'order:create createOrder order-handlers.ts',
      'order:read readOrder order-handlers.ts',
      'message <anonymous> ws-server.ts',
    ]);
    const text = await runCli(['routes', '.'], { cwd: websocketDir });
    expect(text.stdout).toMatch(/WebSocket message handlers \(10\): their payload is analysed for injection; who may open the connection is not judged\n {2}WS chat:search {2}<anonymous> {2}chat-handlers\.ts:6\n/);
  });

  it('exits 2 on a bad format, and never colours without a TTY', async () => {
    const bad = await runCli(['routes', '--format', 'xml'], { cwd: appsDir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/argument 'xml' is invalid/);
    const plain = await runCli(['routes', 'express'], { cwd: appsDir, tty: true, env: { NO_COLOR: '1' } });
    expect(plain.stdout).not.toMatch(/\u001b\[/);
  });
});
