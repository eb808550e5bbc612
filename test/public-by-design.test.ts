import { describe, expect, it } from 'vitest';
import { credentialEntryReason, publicByDesignReason } from '../src/engine/routes/public-by-design.js';
import { ModuleIndex } from '../src/engine/names/index.js';
import { wordPath } from '../src/engine/routes/route-path.js';

describe('credential entry points', () => {
  it('signing in through SSO/OAuth takes credentials; managing the provider does not', () => {
    expect(credentialEntryReason('/auth/sso/callback')).toMatch(/takes credentials/);
    expect(credentialEntryReason('/oauth/google')).toMatch(/takes credentials/);
    expect(credentialEntryReason('/sso/login')).toMatch(/takes credentials/);
    expect(credentialEntryReason('/sso/update')).toBeUndefined();
    expect(credentialEntryReason('/saml/providers/delete')).toBeUndefined();
    // The OAuth app a signed-in user registers (postiz /user/oauth-app), not a sign-in step.
    expect(credentialEntryReason('/user/oauth-app')).toBeUndefined();
    expect(credentialEntryReason('/oauth/clients')).toBeUndefined();
    // Under the registry of clients, an admin manages one (ever-gauzy /oauth/clients/:id/rotate-secret); the token step stays a sign-in.
    expect(credentialEntryReason('/api/oauth/clients/:id/rotate-secret')).toBeUndefined();
    expect(credentialEntryReason('/oauth/apps/:appId/scopes')).toBeUndefined();
    expect(credentialEntryReason('/oauth/token')).toMatch(/takes credentials/);
    expect(credentialEntryReason('/oauth/github/callback')).toMatch(/sign-in callback/);
  });

  it('a recovery step worded with its stage under an auth prefix is account recovery (postiz /auth/forgot-return)', () => {
    const modules = new ModuleIndex([], new Map());
    expect(publicByDesignReason({ method: 'POST', path: '/auth/forgot-return', modules })).toMatch(/signing in or recovering/);
    expect(publicByDesignReason({ method: 'POST', path: '/auth/reset-confirm', modules })).toMatch(/signing in or recovering/);
    expect(publicByDesignReason({ method: 'POST', path: '/orders/reset-totals', modules })).toBeUndefined();
  });

  it('reads GraphQL fields and tRPC procedures as words', () => {
    expect(wordPath({ kind: 'trpc', path: 'auth.requestPasswordReset' })).toBe('/auth/request-password-reset');
    expect(wordPath({ kind: 'graphql', path: 'signIn' })).toBe('/sign-in');
    expect(wordPath({ path: '/api/signIn' })).toBe('/api/signIn');
    expect(credentialEntryReason(wordPath({ kind: 'graphql', path: 'signIn' }))).toMatch(/takes credentials/);
    expect(credentialEntryReason(wordPath({ kind: 'trpc', path: 'sso.update' }))).toBeUndefined();
  });

  it('a procedure named for the two-word act reads as it (openpanel auth.signUpEmail, auth.requestResetPassword)', () => {
    const modules = new ModuleIndex([], new Map());
    expect(credentialEntryReason(wordPath({ kind: 'trpc', path: 'auth.signUpEmail' }))).toMatch(/takes credentials/);
    expect(credentialEntryReason(wordPath({ kind: 'trpc', path: 'auth.logInWithCode' }))).toMatch(/takes credentials/);
    expect(publicByDesignReason({ method: 'MUTATION', path: wordPath({ kind: 'trpc', path: 'auth.requestResetPassword' }), modules })).toMatch(/signing in or recovering/);
    // About signing up, not the act; a reset of something else.
    expect(credentialEntryReason(wordPath({ kind: 'trpc', path: 'admin.signUpStats' }))).toBeUndefined();
    expect(publicByDesignReason({ method: 'MUTATION', path: wordPath({ kind: 'trpc', path: 'reports.requestResetCounters' }), modules })).toBeUndefined();
  });

  it('an operation that keeps a stored token is not a sign-in (graphql-hive createCdnAccessToken, deleteToken); one that may issue a sign-in token stays one', () => {
    const modules = new ModuleIndex([], new Map());
    const reason = (kind: 'graphql' | 'trpc', path: string) => publicByDesignReason({ method: 'MUTATION', path: wordPath({ kind, path }), modules });
    expect(reason('graphql', 'createCdnAccessToken')).toBeUndefined();
    expect(reason('graphql', 'createPersonalApiToken')).toBeUndefined();
    expect(reason('trpc', 'tokens.deleteToken')).toBeUndefined();
    expect(reason('graphql', 'rotateToken')).toBeUndefined();
    expect(reason('trpc', 'auth.createToken')).toMatch(/signing in or recovering/);
    expect(reason('graphql', 'createAccessToken')).toMatch(/signing in or recovering/);
    expect(reason('graphql', 'refreshToken')).toMatch(/signing in or recovering/);
    expect(reason('graphql', 'verifyToken')).toMatch(/signing in or recovering/);
    expect(reason('graphql', 'createPasswordResetToken')).toMatch(/signing in or recovering/);
  });
});

describe('infrastructure endpoints', () => {
  const modules = new ModuleIndex([], new Map());
  const reason = (path: string) => publicByDesignReason({ method: 'GET', path, modules });

  it('a health probe under a public prefix is still one (langfuse /api/public/health); the prefix alone is not', () => {
    expect(reason('/api/public/health')).toMatch(/health, status or documentation/);
    expect(reason('/api/v1/status')).toMatch(/health, status or documentation/);
    expect(reason('/api')).toMatch(/health, status or documentation/);
    expect(reason('/api/public')).toBeUndefined();
    expect(reason('/api/public/traces')).toBeUndefined();
  });
});
