import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { remixAdapter, routeModulePath } from '../../src/engine/frameworks/remix/index.js';
import { inventory, loadRoutes } from '../helpers/routes.js';

describe('Remix / React Router route modules', () => {
  it('names each module by the flat-routes convention', () => {
    const cases: Array<[string, string | undefined]> = [
      ['app/routes/_index.tsx', '/'],
      ['app/routes/notes._index.tsx', '/notes'],
      ['app/routes/notes.$noteId.tsx', '/notes/:noteId'],
      ['app/routes/notes.$noteId/route.tsx', '/notes/:noteId'],
      // Other files of a route folder are modules the route imports.
      ['app/routes/notes.$noteId/form.tsx', undefined],
      ['app/routes/_auth.login.tsx', '/login'],
      ['app/routes/notes_.$noteId.edit.tsx', '/notes/:noteId/edit'],
      ['app/routes/files.$.tsx', '/files/*'],
      ['app/routes/($lang).about.tsx', '/:lang?/about'],
      ['app/routes/sitemap[.]xml.tsx', '/sitemap.xml'],
      // remix-flat-routes: a folder ending in + adds its name as segments.
      ['app/routes/_app+/t.$teamUrl+/settings.billing.tsx', '/t/:teamUrl/settings/billing'],
      ['apps/web/app/routes/api.v1.ping.ts', '/api/v1/ping'],
      ['app/routes/notes.test.tsx', undefined],
      ['src/routes/notes.tsx', undefined],
      // A route folder's module may be named index as well as route; `.server` modules are never routes.
      ['app/routes/notes.$noteId/index.tsx', '/notes/:noteId'],
      ['app/routes/notes.$noteId.server.ts', undefined],
    ];
    for (const [file, expected] of cases) expect([file, routeModulePath(file)]).toEqual([file, expected]);
  });

  it('names each module by the folder convention when app/routes.ts uses react-router-auto-routes', () => {
    const cases: Array<[string, string | undefined]> = [
      ['app/routes/index.tsx', '/'],
      ['app/routes/admin/cache/index.tsx', '/admin/cache'],
      ['app/routes/admin/cache/lru.$cacheKey.ts', '/admin/cache/lru/:cacheKey'],
      ['app/routes/_auth/login.tsx', '/login'],
      ['app/routes/users/$username/notes/_layout.tsx', '/users/:username/notes'],
      ['app/routes/users/$username/notes/$noteId_.edit.tsx', '/users/:username/notes/:noteId/edit'],
      ['app/routes/_seo/sitemap[.]xml.ts', '/sitemap.xml'],
      // `+` marks colocated code, files or folders.
      ['app/routes/users/$username/notes/+shared/note-editor.tsx', undefined],
      ['app/routes/users/+user-list.tsx', undefined],
      ['app/routes/_auth/login.server.ts', undefined],
    ];
    for (const [file, expected] of cases) expect([file, routeModulePath(file, true)]).toEqual([file, expected]);
  });

  it('reads the folder convention from app/routes.ts, where a `_layout` guards nothing below it either', () => {
    const routes = loadRoutes(path.resolve('fixtures/rules/missing-authentication/react-router-folders'), [remixAdapter]);
    expect(inventory(routes)).toEqual([
      { method: 'GET', path: '/account', file: 'app/routes/account/_layout.tsx', line: 5, auth: 'authenticated' },
      { method: 'GET', path: '/account/invoices/:invoiceId', file: 'app/routes/account/invoices/$invoiceId.tsx', line: 7, auth: 'public' },
      { method: 'POST', path: '/account/invoices/:invoiceId', file: 'app/routes/account/invoices/$invoiceId.tsx', line: 12, auth: 'public' },
      { method: 'GET', path: '/shared', file: 'app/routes/shared/index.tsx', line: 5, auth: 'authenticated' },
      { method: 'GET', path: '/shared/invoices/:invoiceId', file: 'app/routes/shared/invoices.$invoiceId.tsx', line: 5, auth: 'public' },
    ]);
  });

  it("serves each module's loader as GET and its action as POST, signed in by the handler's own call", () => {
    const routes = loadRoutes(path.resolve('fixtures/rules/missing-authentication/remix'), [remixAdapter]);
    expect(inventory(routes)).toEqual([
      // The layout's loader guards nothing below it: a client fetches one loader's data alone.
      { method: 'GET', path: '/statements', file: 'app/routes/_account.statements.tsx', line: 6, auth: 'public' },
      { method: 'POST', path: '/statements', file: 'app/routes/_account.statements.tsx', line: 11, auth: 'public' },
      { method: 'GET', path: '/', file: 'app/routes/_account.tsx', line: 6, auth: 'authenticated' },
      { method: 'GET', path: '/pricing', file: 'app/routes/_marketing.pricing.tsx', line: 3, auth: 'public' },
      // A helper that authenticates through a dependency a test may replace: its default runs.
      { method: 'POST', path: '/api/statements/:statementId/restore', file: 'app/routes/api.statements.$statementId.restore.ts', line: 5, auth: 'authenticated' },
      // `const { action } = createApiAction(options, handler)`: the builder's action checks the key before the handler;
      // `beacon.action` of a builder that checks nothing.
      { method: 'POST', path: '/api/statements/:statementId', file: 'app/routes/api.statements.$statementId.ts', line: 9, auth: 'authenticated' },
      { method: 'GET', path: '/api/statements/:statementId', file: 'app/routes/api.statements.$statementId.ts', line: 17, auth: 'public' },
      { method: 'POST', path: '/contact-lists/:listId', file: 'app/routes/contact-lists.$listId.tsx', line: 5, auth: 'public' },
      { method: 'POST', path: '/found/:tagId/contact-owner', file: 'app/routes/found.$tagId.contact-owner.tsx', line: 5, auth: 'public' },
      { method: 'GET', path: '/invoices/:invoiceId', file: 'app/routes/invoices.$invoiceId.tsx', line: 5, auth: 'public' },
      { method: 'GET', path: '/invoices', file: 'app/routes/invoices._index.tsx', line: 5, auth: 'authenticated' },
      { method: 'POST', path: '/invoices', file: 'app/routes/invoices._index.tsx', line: 10, auth: 'authenticated' },
      // Public either way; only the sign-up page is public by design (the rules leave it alone).
      { method: 'POST', path: '/join', file: 'app/routes/join.tsx', line: 15, auth: 'public' },
      // A builder that signs the caller in through a check it loads lazily (`await import('./account-check.server')`).
      { method: 'POST', path: '/statements/:statementId/archive', file: 'app/routes/statements.$statementId.archive.tsx', line: 5, auth: 'authenticated' },
      { method: 'POST', path: '/teams/:teamId/join', file: 'app/routes/teams.$teamId.join.tsx', line: 5, auth: 'public' },
    ]);
  });
});
