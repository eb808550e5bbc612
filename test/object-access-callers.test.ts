/**
 * A helper's lookup judged per calling route: the dataflow records a helper's calls once, for the
 * first route that reaches them, so what another route passes must be read where it calls.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { inventoryRoutes } from '../src/index.js';

const dir = fileURLToPath(new URL('../fixtures/rules/missing-ownership-check', import.meta.url));

describe('object access of shared helpers, per calling route', async () => {
  const { routes } = await inventoryRoutes({ cwd: dir, paths: ['.'] });
  const accessOf = (id: string) => {
    const route = routes.find((candidate) => candidate.id === id);
    if (!route) throw new Error(`no route ${id}; have ${routes.map((candidate) => candidate.id).join(', ')}`);
    return route.objectAccess ?? [];
  };

  it('scopes a compound-key lookup for the route that passes its own program, not for the one that passes the client\'s', () => {
    expect(accessOf('ACTION enrollmentByClientAction').map((access) => access.verdict)).toEqual(['unchecked']);
    const own = accessOf('ACTION enrollmentOwnAction');
    expect(own.map((access) => access.verdict)).toEqual(['scoped']);
    expect(own[0]!.evidence).toMatch(/scoped by programId, which getEnrollmentOrThrow\(\) is given from the caller's own/);
  });

  it('reads a helper\'s comparison with what each calling route passes, also two calls down', () => {
    expect(accessOf('ACTION bountyDetailsAction').map((access) => access.verdict)).toEqual(['owner-compared']);
    expect(accessOf('ACTION bountyUploadAction').map((access) => access.verdict)).toEqual(['owner-compared']);
  });

  it('follows the key through a parameter handed on whole and destructured in a try: a stored record copied with one client setting does not key the helper by that setting', () => {
    // updateForm(updated) -> updateFormInternal(updated) { try { const { audience } = updated; ... audience.id } }
    expect(accessOf('PUT /forms/:id').some((access) => access.model === 'audience' && access.verdict === 'unchecked')).toBe(true);
    expect(accessOf('PUT /forms/:id/single-use').filter((access) => access.model === 'audience')).toEqual([]);
  });
});
