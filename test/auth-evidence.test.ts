/**
 * Authentication evidence wherever it lives, as the route inventory reports it: helpers the handler
 * calls, throwing verifiers, wrappers, Fastify autohooks (also path-conditional ones), config models
 * by file, annotations, and the reasons a route is public by design.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { inventoryRoutes } from '../src/index.js';

const dir = fileURLToPath(new URL('../fixtures/rules/missing-authentication', import.meta.url));

describe('authentication evidence in the route inventory', async () => {
  const { routes } = await inventoryRoutes({ cwd: dir, paths: ['.'] });
  const route = (id: string) => {
    const found = routes.find((candidate) => candidate.id === id);
    if (!found) throw new Error(`no route ${id}`);
    return found;
  };

  it('credits a helper that returns an error the handler returns, naming the helper and the check', () => {
    const post = route('POST /api/websites/[id]');
    expect(post.auth).toBe('authenticated');
    expect(post.authEvidence[0]).toMatch(/calls parseRequest \(src\/lib\/request\.ts:4\), which verifies the request's credentials, through checkAuth \(src\/lib\/request\.ts:\d+\), and returns early when it fails \(app\/api\/websites\/\[id\]\/route\.ts:7\)/);
    // The same helper's result never checked is no authentication.
    expect(route('PATCH /api/websites/[id]').auth).toBe('public');
  });

  it('credits verifiers that throw, in every framework', () => {
    for (const id of ['GET /api/invoices/[id]', 'POST /v3/orders', 'PATCH /profiles/me', 'POST /k3/bookmarks', 'POST /h3/comments']) {
      expect(route(id).auth, id).toBe('authenticated');
      expect(route(id).authEvidence[0], id).toMatch(/throws when they fail/);
    }
  });

  it('says why a route is public by design', () => {
    expect(route('PUT /api/websites/[id]').publicByDesign).toBe('authentication skipped on purpose: skipAuth: true passed to parseRequest (src/lib/request.ts:4)');
    expect(route('POST /api/setup').publicByDesign).toMatch(/^first-run setup that refuses once configured \(app\/api\/setup\/route\.ts:6\)$/);
    expect(route('POST /v3/webhooks/stripe').publicByDesign).toMatch(/^webhook that verifies the sender's signature/);
    expect(route('POST /v3/webhooks/shipping').publicByDesign).toBeUndefined();
    expect(route('POST /api/install').publicByDesign).toBeUndefined();
  });

  it('applies Fastify autohooks to their folder, and path-conditional hooks only where they check', () => {
    expect(route('PATCH /api/tasks/:id').middleware.map((m) => [m.kind, m.file])).toEqual([['auth', 'src/fastify-autoload/routes/api/autohooks.ts']]);
    expect(route('POST /public/tasks').auth).toBe('public');
    expect(route('DELETE /members/:id').authEvidence[0]).toMatch(/autohooks\.ts:5/);
    expect(route('PUT /v2/secure/profiles/:id').auth).toBe('authenticated');
    expect(route('DELETE /v2/open/profiles/:id').auth).toBe('public');
    expect(route('POST /v2/signups').auth).toBe('public');
  });

  it('honours config models of kind auth by file, and trustscan-auth annotations with a reason', () => {
    const gateway = route('DELETE /gateway/orders/:id').middleware[0]!;
    expect([gateway.kind, gateway.evidence]).toEqual(['auth', 'declared in config models[0] (src/fastify-autoload/routes/gateway/autohooks.ts)']);
    expect(route('POST /api/drafts').authEvidence[0]).toMatch(/^trustscan-auth annotation \(app\/api\/drafts\/route\.ts:3\): requests reach this service only through the API gateway/);
    expect(route('PUT /api/drafts').auth).toBe('public');
  });

  it('marks webhooks and cron jobs that read no user as called by a service', () => {
    expect(route('POST /api/outlook/webhook').caller).toBe('service');
    expect(route('POST /api/cron/cleanup').caller).toBe('service');
    expect(route('POST /api/internal-jobs').auth).toBe('authenticated');
    expect(route('POST /api/websites/[id]').caller).toBeUndefined();
    expect(route('POST /api/apple/webhook').publicByDesign).toMatch(/^webhook that verifies the sender's signature \(verifyStoreNotificationPayload\(\)/);
    expect(route('POST /api/mobile-auth/exchange-code').publicByDesign).toBe('part of signing in or recovering an account');
  });

  it('marks a route that compares what the request carries with a secret the server holds (a config service key, a class field) as called by a service', () => {
    for (const id of ['POST /billing-events/plan-changed', 'POST /announcements/notify/:token', 'MUTATION bulkUpdateLicenses']) {
      expect(route(id).auth, id).toBe('authenticated');
      expect(route(id).caller, id).toBe('service');
    }
    expect(route('POST /billing-events/plan-changed').authEvidence[0]).toMatch(/billingWebhooksSecret !== this\.billingWebhooksSecret/);
    expect(route('MUTATION bulkUpdateLicenses').middleware.find((m) => m.name === 'GqlCronGuard')?.serviceCredential).toMatch(/secretKey !== this\.cronSecretKey/);
    for (const id of ['POST /billing-events/plan-cancelled', 'POST /announcements/regional/:region', 'POST /announcements/digest', 'MUTATION bulkExpireLicenses']) expect(route(id).auth, id).toBe('public');
  });
});
