import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tsRestAdapter } from '../../src/engine/frameworks/ts-rest/index.js';
import type { Route } from '../../src/engine/routes/route.js';
import { inventory, loadRoutes } from '../helpers/routes.js';

const APP = path.resolve('fixtures/apps/ts-rest');

function route(routes: readonly Route[], id: string): Route {
  const found = routes.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no route ${id} in ${routes.map((r) => r.id).join(', ')}`);
  return found;
}

describe('ts-rest adapter: contracts implemented by initServer().router and tsr.router', () => {
  const routes = loadRoutes(APP, [tsRestAdapter]);

  it('gives each handler the method and path its contract declares, nested routers and path prefixes included', () => {
    expect(inventory(routes)).toEqual([
      { method: 'GET', path: '/billing/invoices/:invoiceId', file: 'src/server/billing.ts', line: 8, auth: 'authenticated' },
      { method: 'POST', path: '/billing/invoices/:invoiceId/refund', file: 'src/server/billing.ts', line: 12, auth: 'public' },
      // `initServer().route(contract.notes.get, ...)`: one endpoint, read from the contract that declares it (both prefixes).
      { method: 'GET', path: '/api/v2/notes/:id', file: 'src/server/billing.ts', line: 18, auth: 'public' },
      { method: 'GET', path: '/api/v2/notes', file: 'src/server/express.ts', line: 11, auth: 'authenticated' },
      { method: 'GET', path: '/api/v2/notes/:id', file: 'src/server/express.ts', line: 15, auth: 'authenticated' },
      { method: 'PATCH', path: '/api/v2/notes/:id', file: 'src/server/express.ts', line: 16, auth: 'authenticated' },
      { method: 'GET', path: '/api/health', file: 'src/server/express.ts', line: 21, auth: 'public' },
      { method: 'POST', path: '/api/notes/:id/archive', file: 'src/server/express.ts', line: 22, auth: 'authenticated' },
    ]);
    expect(routes.every((r) => r.framework === 'ts-rest' && r.kind === undefined)).toBe(true);
  });

  it('reads `{ middleware, handler }` entries and project wrappers around a handler as route middleware', () => {
    expect(route(routes, 'GET /api/v2/notes').middleware.map((m) => `${m.name} ${m.kind}/${m.scope}`)).toEqual(['express.json() other/global', 'requireUser auth/global', 'requireUser auth/route']);
    expect(route(routes, 'PATCH /api/v2/notes/:id').middleware.map((m) => `${m.name} ${m.kind}/${m.scope}`)).toEqual(['express.json() other/global', 'requireUser auth/global', 'withCaller auth/route']);
    expect(route(routes, 'POST /api/notes/:id/archive').middleware.map((m) => `${m.name} ${m.kind}/${m.scope}`)).toEqual(['express.json() other/global', 'withCaller auth/route']);
  });

  it("runs what the Express app put in front before createExpressEndpoints, for the paths it covers", () => {
    // `app.use('/api/v2', requireUser)`: the notes under /api/v2, not /api/health.
    const expressNote = routes.find((candidate) => candidate.id === 'GET /api/v2/notes/:id' && candidate.file === 'src/server/express.ts')!;
    expect(expressNote.middleware.map((m) => `${m.name} ${m.kind}/${m.scope}`)).toEqual(['express.json() other/global', 'requireUser auth/global']);
    expect(route(routes, 'GET /api/health').middleware.map((m) => m.name)).toEqual(['express.json()']);
    // The handler is the function inside the wrapper; a method of the implementation object is one too.
    expect(route(routes, 'PATCH /api/v2/notes/:id').handler).toMatchObject({ file: 'src/server/express.ts', line: 16 });
    expect(route(routes, 'POST /billing/invoices/:invoiceId/refund').handler).toMatchObject({ name: 'refund', file: 'src/server/billing.ts', line: 12 });
  });
});
