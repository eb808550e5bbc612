/**
 * Authentication libraries and verifiers as data: the packages whose middleware, guards and
 * wrappers authenticate (or check roles, or only set up), the library calls that verify a token
 * and what they return, and the library APIs a handler reads the signed-in user with.
 * The matching lives in the engine: engine/routes/classify-middleware.ts (middleware, guards,
 * passport strategies), engine/routes/helper-authentication.ts (helpers that verify and throw),
 * engine/routes/handler-evidence.ts (principal reads), engine/dataflow/engine.ts (a verified token
 * is the principal, not client input) and engine/flows/route-flow.ts (token and code checks in a
 * flow). Naming heuristics over a project's own function names stay with that logic.
 * A project's own check is a config `models` entry of kind `auth` (engine/models.ts).
 */

/** What a package export does when it runs in front of a route. */
export type AuthMiddlewareKind = 'auth' | 'role' | 'other';

/**
 * Packages whose exports run as middleware, guards or wrappers, keyed by module; the value maps an
 * imported name (or '*' for any, 'default' for the default export) to what it does: `auth`
 * authenticates, `role` checks a claim, scope or role, `other` neither (it only reads the session).
 */
export const AUTH_MIDDLEWARE_PACKAGES: Readonly<Record<string, Readonly<Record<string, AuthMiddlewareKind>>>> = {
  passport: { '*': 'auth' },
  'koa-passport': { '*': 'auth' },
  // IAuthGuard: the type a wrapper guard declares for the passport guard injected into it.
  '@nestjs/passport': { AuthGuard: 'auth', IAuthGuard: 'auth' },
  'express-jwt': { '*': 'auth' },
  'express-oauth2-jwt-bearer': { auth: 'auth', requiredScopes: 'role', claimCheck: 'role', claimIncludes: 'role', claimEquals: 'role', scopeIncludesAny: 'role' },
  'express-openid-connect': { requiresAuth: 'auth', claimCheck: 'role', claimEquals: 'role', claimIncludes: 'role' },
  'koa-jwt': { '*': 'auth' },
  'hono/jwt': { jwt: 'auth', verify: 'auth' },
  'hono/bearer-auth': { '*': 'auth' },
  'hono/basic-auth': { '*': 'auth' },
  '@hono/clerk-auth': { '*': 'auth' },
  '@clerk/express': { requireAuth: 'auth' },
  '@clerk/clerk-sdk-node': { ClerkExpressRequireAuth: 'auth', ClerkExpressWithAuth: 'other' },
  '@fastify/auth': { '*': 'auth' },
  '@fastify/basic-auth': { '*': 'auth' },
  '@fastify/bearer-auth': { '*': 'auth' },
  'express-basic-auth': { '*': 'auth' },
  'next-auth/middleware': { '*': 'auth' },
  // The Flags SDK's discovery endpoint (`export const GET = createFlagsDiscoveryEndpoint(...)`) answers 401 unless
  // the Authorization header passes verifyAccess with FLAGS_SECRET (the Vercel toolbar's signed request).
  'flags/next': { createFlagsDiscoveryEndpoint: 'auth', '*': 'other' },
  '@auth0/nextjs-auth0': { withApiAuthRequired: 'auth', withPageAuthRequired: 'auth', withMiddlewareAuthRequired: 'auth', '*': 'other' },
  '@auth0/nextjs-auth0/edge': { withApiAuthRequired: 'auth', withPageAuthRequired: 'auth', withMiddlewareAuthRequired: 'auth', '*': 'other' },
  '@supabase/auth-helpers-nextjs': { withApiAuth: 'auth', withPageAuth: 'auth', withMiddlewareAuth: 'auth' },
  '@clerk/nextjs': { authMiddleware: 'auth', requireAuth: 'auth', withClerkMiddleware: 'other' },
  '@clerk/nextjs/server': { authMiddleware: 'auth' },
  '@clerk/nextjs/api': { requireAuth: 'auth', withAuth: 'other' },
};

/**
 * passport and koa-passport: `authenticate()` and `authorize()` guard routes, except with the
 * `local` strategy, which is the credential login itself; any other member (`initialize()`,
 * `session()`) sets passport up and turns nobody away.
 */
export const PASSPORT = {
  packages: ['passport', 'koa-passport'],
  guardMembers: ['authenticate', 'authorize'],
  credentialLoginStrategy: 'local',
} as const;

/** @fastify/jwt: `request.jwtVerify()` rejects with a 401 by itself, so a hook that awaits it authenticates. */
export const SELF_REJECTING_VERIFICATION = /\.\s*jwtVerify\s*\(/;

/**
 * A permission check the server puts on the GraphQL (or request) context for resolvers to call:
 * `await context.validatePermissions('orders', 'read', { shopId })`. It rejects a caller without the
 * permission by throwing, and an anonymous caller holds none, so a call to one both authenticates
 * and authorizes.
 */
export const CONTEXT_PERMISSION_CHECK =
  /\b(?:context|ctx)\s*\.\s*(?:validatePermissions?|checkPermissions?|requirePermissions?|assertPermissions?|ensurePermissions?|enforcePermissions?)\s*\(/;
/**
 * A permission assertion called on the caller's session or principal object, which the server built from
 * the request's credentials: graphql-hive's `await this.session.assertPerformAction({ action, organizationId,
 * params })`. It throws for a caller without the permission, an anonymous one first (no session, no
 * permissions), so a call to one authenticates as a context permission check does.
 */
export const SESSION_PERMISSION_ASSERTION =
  /\b(?:session|principal|viewer|actor|currentUser|authSession)\s*\.\s*(?:assert|ensure|require|enforce)\w*(?:Perform|Permission|Access|Allowed|Can|Authori[sz]ed|Scope)\w*\s*\(/;
/** The same checks' names, for a resolver that takes one out of the context (`(root, args, { models, checkPermission })`). */
export const CONTEXT_PERMISSION_METHOD = /^(?:validatePermissions?|checkPermissions?|requirePermissions?|assertPermissions?|ensurePermissions?|enforcePermissions?)$/;

/** Library verifications that throw on a bad token by themselves: a call to one needs no `if`. */
export const SELF_THROWING_VERIFICATION =
  /\b(?:jwt|jsonwebtoken)\s*\.\s*verify\s*\(|(?<![.\w])jwtVerify\s*\(|\.\s*verifyIdToken\s*\(|\.\s*verifySessionCookie\s*\(|\.\s*jwtVerify\s*\(|\bverifyToken\s*\(\s*\{/;

/**
 * Library calls that verify a credential and throw when it fails: what they return is the verified
 * caller (`const user = jwt.verify(token, secret)`, jose's `const { payload } = await jwtVerify(...)`),
 * the principal, not the client input the token came in. Keyed by package; the names are the
 * package's exports (called as `jwt.verify` on a default or namespace import, or imported by name).
 * `jwt.decode` checks nothing and is not listed.
 */
export const TOKEN_VERIFIERS: Readonly<Record<string, readonly string[]>> = {
  jsonwebtoken: ['verify'],
  jose: ['jwtVerify'],
  '@tsndr/cloudflare-worker-jwt': ['verify'],
};

/**
 * Functions that verify a request was signed by a queue or job service (QStash, its Next.js
 * wrappers), keyed by package: a route behind them is called by that service, never by a user.
 */
export const SERVICE_SIGNATURE_VERIFIERS: Readonly<Record<string, readonly string[]>> = {
  '@upstash/qstash/nextjs': ['verifySignatureAppRouter', 'verifySignatureEdge', 'verifySignature'],
  '@upstash/qstash/dist/nextjs': ['verifySignatureAppRouter', 'verifySignatureEdge', 'verifySignature'],
};

/**
 * Authentication middleware that, configured with fixed secrets, accepts only a request carrying one
 * of them: the server's own token or password, which another system holds, never a user's sign-in.
 * Keyed by package and export (`default` for the default export): the options that hold the fixed
 * secrets, and the options that hand the check to a function instead (which may verify users' tokens).
 */
export const STATIC_SECRET_MIDDLEWARE: Readonly<Record<string, Readonly<Record<string, { secrets: readonly string[]; verifiers: readonly string[] }>>>> = {
  'hono/bearer-auth': { bearerAuth: { secrets: ['token'], verifiers: ['verifyToken'] } },
  'hono/basic-auth': { basicAuth: { secrets: ['username', 'password'], verifiers: ['verifyUser'] } },
  'express-basic-auth': { default: { secrets: ['users'], verifiers: ['authorizer'] } },
  '@fastify/bearer-auth': { default: { secrets: ['keys'], verifiers: ['auth'] } },
};

/** Methods that verify a token wherever the object comes from (firebase-admin `auth().verifyIdToken()`). */
export const TOKEN_VERIFYING_METHODS: ReadonlySet<string> = new Set(['verifyIdToken', 'verifySessionCookie']);


/**
 * Request-scoped context stores that a guard or middleware fills with the signed-in user (nestjs-cls
 * `ClsService`, an AsyncLocalStorage wrapper): `this.cls.get('user.id')` reads the caller, not input.
 */
export const REQUEST_CONTEXT_STORE = /(?:^|\.)_?(?:cls|clsService|requestContext|requestContextService|contextService|als|asyncLocalStorage)$/i;
/** The keys of such a store that hold the caller: `user`, `user.id`, `currentUser`, `auth.userId`. */
export const REQUEST_CONTEXT_PRINCIPAL_KEY = /^(?:user|currentUser|authUser|auth|session|principal)(?:[.:][\w.]+)?$/;
/**
 * Static accessors such a store's wrapper class offers for the caller and the tenant it belongs to
 * (`RequestContext.currentUser()`, `RequestContext.currentTenantId()`, `requestContext.getCurrentOrganizationId()`):
 * what the guard stored for this request, never what the client sent.
 */
export const REQUEST_CONTEXT_PRINCIPAL_METHOD = /^(?:current|get(?:Current)?)(?:User|Tenant|Organi[sz]ation|Org|Account|Workspace|Team|Member|Employee)(?:Id)?$/;

/**
 * A class controller's own accessor for the signed-in caller, filled by its base class's login check
 * before any action runs (yapi's `baseController.checkLogin` sets `this.$uid`/`this.$user`, read back
 * through `this.getUid()`): `this.getUid()`, `this.getUserId()`, `this.$uid`, `this.$user._id`.
 */
export const CONTROLLER_PRINCIPAL_ACCESSOR = /\bthis\s*\.\s*(?:get(?:Uid|UserId|CurrentUserId|LoginUserId)\s*\(\s*\)|\$(?:uid|userId)\b|\$?(?:user|currentUser|loginUser)\s*\.\s*(?:_id|id|uid)\b)/;

/**
 * How handlers read the authenticated user, with a display label: framework conventions
 * (`req.user`, Koa `ctx.state.user`, API Gateway authorizer claims, GraphQL/tRPC context) and
 * auth libraries (next-auth `getServerSession()`/`auth()`, Clerk `currentUser()`/`getAuth()`,
 * Supabase `auth.getUser()`, @fastify/jwt `request.jwtVerify()`, iron-session, next-auth/jwt
 * `getToken({ req })`). Order matters only for display.
 */
export const PRINCIPAL_READS: ReadonlyArray<{ label: string; pattern: RegExp }> = [
  { label: 'req.user', pattern: /\breq\s*(?:\?\.|\.)\s*user\b/ },
  { label: 'request.user', pattern: /\brequest\s*(?:\?\.|\.)\s*user\b/ },
  // The same user under a project's own name: `req.currentUser`, `req.remoteUser` (the request doubles as the GraphQL context).
  ...['currentUser', 'remoteUser', 'authUser', 'loggedInUser', 'authenticatedUser', 'sessionUser'].map((field) => ({ label: `req.${field}`, pattern: new RegExp(String.raw`\b(?:req|request)\s*(?:\?\.|\.)\s*${field}\b`) })),
  { label: 'req.auth', pattern: /\breq\s*(?:\?\.|\.)\s*auth\b/ },
  // The caller's identity a hook derives from the verified token (Infisical's `actorId: req.permission.id`,
  // `actorOrgId: req.permission.orgId`): handed to the services, which decide what that caller may do.
  { label: 'req.permission', pattern: /\b(?:req|request)\s*(?:\?\.|\.)\s*permission\s*(?:\?\.|\.)\s*(?:id|orgId|type|userId)\b/ },
  // Medusa: what `authenticate()` verified, the actor's id and type.
  { label: 'req.auth_context', pattern: /\breq\s*(?:\?\.|\.)\s*auth_context\b/ },
  { label: 'session.user', pattern: /\bsession\s*(?:\?\.|\.)\s*(?:user|userId)\b/ },
  { label: 'ctx.state.user', pattern: /\bctx\s*\.\s*state\s*(?:\?\.|\.)\s*(?:user|jwtdata|auth)\b/ },
  // AWS Lambda behind API Gateway: the authorizer's claims.
  { label: 'event.requestContext.authorizer', pattern: /\brequestContext\s*(?:\?\.|\.)\s*authorizer\b/ },
  // Under IAM authorization: the identity pool's federated caller, or the IAM principal that signed the request.
  { label: 'event.requestContext.identity', pattern: /\bidentity\s*(?:\?\.|\.)\s*(?:cognitoIdentityId|cognitoAuthenticationProvider|userArn)\b/ },
  // Netlify Identity: the user Netlify verified from the request's token, on a function's context.
  { label: 'context.clientContext.user', pattern: /\bclientContext\s*(?:\?\.|\.)\s*user\b|\{[^}]*\buser\b[^}]*\}\s*=\s*[\w$.?]*\bclientContext\b/ },
  // GraphQL and tRPC: the context function's principal.
  { label: 'ctx.user', pattern: /\b(?:ctx|context)\s*(?:\?\.|\.)\s*(?:user|currentUser|viewer|userId)\b/ },
  // The same, destructured in the body: `const { user, models } = context`.
  { label: 'context user', pattern: /\{[^{}]*\b(?:user|currentUser|viewer|userId)\b[^{}]*\}\s*=\s*(?:ctx|context)\b(?!\s*(?:\?\.|\.|\[))/ },
  // A request context the auth guard builds and a parameter decorator hands the resolver (Vendure's `@Ctx() ctx: RequestContext`).
  { label: 'ctx.activeUserId', pattern: /\b(?:ctx|context)\s*(?:\?\.|\.)\s*(?:activeUser|activeUserId)\b/ },
  { label: 'ctx.session', pattern: /\b(?:ctx|context)\s*(?:\?\.|\.)\s*session\s*(?:\?\.|\.)\s*user\b/ },
  { label: "c.get('jwtPayload')", pattern: /\bc\s*\.\s*get\s*\(\s*['"`](?:jwtPayload|user|session|auth)['"`]\s*\)/ },
  { label: 'getServerSession()', pattern: /\bgetServerSession\s*\(/ },
  { label: 'auth()', pattern: /(?<![.\w])auth\s*\(\s*\)/ },
  { label: 'currentUser()', pattern: /\bcurrentUser\s*\(\s*\)/ },
  { label: 'supabase.auth.getUser()', pattern: /\.auth\s*\.\s*getUser\s*\(/ },
  { label: 'request.jwtVerify()', pattern: /\.jwtVerify\s*\(/ },
  { label: 'getAuth()', pattern: /\bgetAuth\s*\(/ },
  { label: 'getSession()', pattern: /\bget(?:Iron)?Session\s*\(/ },
  { label: 'getToken()', pattern: /\bgetToken\s*\(\s*\{\s*req\b/ },
];

/**
 * Packages whose verify/compare calls check a one-time code, a password or a token in a business
 * flow: a call of one of TOKEN_CHECK_FUNCTIONS imported from one of them is a verified-token step.
 * Matched exactly (so `@otplib/` names only that specifier, not the @otplib/* packages).
 */
export const TOKEN_CHECK_PACKAGES: readonly string[] = [
  'otplib', '@otplib/', 'speakeasy', 'notp', 'node-2fa', 'otpauth', 'jsonwebtoken', 'jose', 'jws', 'jwt-simple',
  'bcrypt', 'bcryptjs', 'argon2', '@node-rs/argon2', '@node-rs/bcrypt', '@simplewebauthn/server',
];

/** The exports of TOKEN_CHECK_PACKAGES that verify. */
export const TOKEN_CHECK_FUNCTIONS: readonly string[] = [
  'verify', 'verifySync', 'check', 'checkSync', 'compare', 'compareSync', 'jwtVerify', 'verifyToken', 'verifyDelta',
  'verifyAuthenticationResponse', 'verifyRegistrationResponse',
];

/**
 * Options that make an authentication middleware let anonymous requests through (it only attaches
 * the user when there is one): `optional: true` (many), koa-jwt `passthrough: true`, express-jwt
 * `credentialsRequired: false`, Budibase-style `buildAuthMiddleware(patterns, { publicAllowed: true })`.
 */
export const ANONYMOUS_ALLOWED_OPTIONS = {
  // Medusa's `authenticate('customer', ['session'], { allowUnauthenticated: true })`.
  whenTrue: ['optional', 'passthrough', 'publicAllowed', 'allowAnonymous', 'allowPublic', 'allowUnauthenticated'],
  whenFalse: ['credentialsRequired', 'required'],
} as const;

/**
 * Predicates that answer whether the caller holds a permission (`this.settings.hasWritePermission(ctx, key)`,
 * `ctx.userHasPermissions([...])`, `ability.can('update', doc)`, `isAuthorized(user, ...)`): a handler that does its
 * work only when one holds for the request's caller turns away a caller without one, anonymous callers first.
 */
export const CALLER_PERMISSION_PREDICATE = /^(?:(?:user)?[Hh]as\w*(?:Permissions?|Access|Roles?)\w*|can(?:[A-Z]\w*)?|isAllowed\w*|isAuthori[sz]ed\w*|isPermitted\w*)$/;
/** What names the request's caller when passed to such a predicate or called on: the context, the request, the user or session. */
export const CALLER_HOLDER = /^(?:ctx|context|requestContext|reqCtx|req|request|user|currentUser|session|principal|viewer|auth)$/;

/**
 * Role names every signed-in account holds (`@Roles(RoleType.USER)`, `requireRole('member')`): a
 * role guard naming only these admits any user, so it grants no privilege over other users' records.
 * Matched case-insensitively against the role's last name segment.
 */
export const ORDINARY_USER_ROLES: readonly string[] = ['user', 'users', 'member', 'members', 'customer', 'client', 'guest', 'viewer', 'reader', 'authenticated', 'basic', 'default', 'standard', 'subscriber'];

/**
 * Values of a permission list (`@Allow(Permission.Public)`, `@Roles('anonymous')`) that a guard which
 * tests for them itself lets every caller through on: the route is public by design. Lower case.
 */
export const PUBLIC_PERMISSION_VALUES: ReadonlySet<string> = new Set(['public', 'anonymous', 'everyone', 'unauthenticated']);

/**
 * Values of a permission list (Vendure's `@Allow(Permission.Owner)`) that a guard which tests for them
 * itself lets any caller through on as the owner of the records the handler then scopes to the
 * caller: the route admits every user, so the handler's own ownership checks are what protect it. Lower case.
 */
export const OWNER_PERMISSION_VALUES: ReadonlySet<string> = new Set(['owner', 'self']);

/**
 * Permission decorators of a framework built on NestJS whose own global guard (registered inside the
 * package, outside the scan) enforces them on the app's resolvers and controllers: `@Allow(Permission.
 * UpdateOrder)` in a Vendure plugin. A route without the decorator passes that guard unchecked; its
 * `public` values open the route, its `owner` values admit any caller as the owner of what the handler
 * scopes to (as PUBLIC_PERMISSION_VALUES and OWNER_PERMISSION_VALUES when the guard is in the scan).
 */
export const FRAMEWORK_PERMISSION_DECORATORS: Readonly<Record<string, Readonly<Record<string, { guard: string; publicValues: readonly string[]; ownerValues: readonly string[] }>>>> = {
  '@vendure/core': { Allow: { guard: 'Vendure AuthGuard', publicValues: ['Public'], ownerValues: ['Owner'] } },
};

/** Comparing a submitted password with the stored hash: bcrypt/bcryptjs, argon2, a project's verifyPassword-style helper. */
/**
 * WebAuthn libraries' checks of an authenticator's signed assertion against a stored passkey
 * (@simplewebauthn/server, @passwordless-id/webauthn's `server.verifyAuthentication`, fido2-lib's
 * `assertionResult`, @github/webauthn-json servers): only the passkey's holder passes them.
 */
export const WEBAUTHN_VERIFY_FUNCTIONS: readonly string[] = ['verifyAuthenticationResponse', 'verifyAuthentication', 'assertionResult', 'verifyAssertion', 'verifyAssertionResponse'];

export const PASSWORD_VERIFICATION = /\b(?:bcrypt\w*\s*\.\s*compare(?:Sync)?|argon2\s*\.\s*verify|(?:verify|validate|check|compare|match)(?:User)?Password|passwordMatch(?:es)?|passwordsMatch|isPasswordValid|isValidPassword)\s*\(/;

/**
 * Signing a caller without a session in as an anonymous guest, from server code: better-auth's anonymous
 * plugin (`auth.api.signInAnonymous({ headers })`), Supabase (`supabase.auth.signInAnonymously()`), Firebase
 * (`signInAnonymously(auth)`). A handler that does it serves callers without an account on purpose (a public
 * RSVP or guest-checkout form) and ties what they write to the guest identity it just made.
 */
export const ANONYMOUS_SIGN_IN = /\bsignInAnonymous(?:ly)?\s*\(|\.signIn\s*\.\s*anonymous\s*\(/;

/**
 * Mailing a sign-in link or one-time code to an address, from server code: the first step of signing
 * in by email, taken before anyone has a session. A project's own step mints the token or code and
 * mails it (`user.getEmailSigninToken(ctx)`, `createLoginToken(id)`, `new SigninEmail({...})`,
 * `sendMagicLink(email)`, `sendSignInCode(to)`); providers do both: Supabase `signInWithOtp(...)`,
 * Firebase `sendSignInLinkToEmail(...)`, Stytch `magicLinks.email.loginOrCreate(...)`, better-auth
 * `signIn.magicLink(...)`.
 */
export const EMAILED_SIGN_IN =
  /\b(?:get|create|generate|issue|make|mint)\w*(?:Sign[Ii]n|Log[Ii]n|MagicLink)(?:Email)?(?:Token|Code|Link)\s*\(|\bnew\s+\w*(?:Sign[Ii]n|Log[Ii]n|MagicLink)\w*Email\s*\(|\bsend\w*(?:MagicLink|Sign[Ii]n(?:Link|Code|Email)|Log[Ii]n(?:Link|Code|Email))\s*\(|\bsignInWithOtp\s*\(|\bsendSignInLinkToEmail\s*\(|\.magicLinks?\s*\.\s*email\s*\.\s*(?:send|loginOrCreate)\s*\(|\.signIn\s*\.\s*magicLink\s*\(/;

/**
 * A guard's lookup of the request's token among tokens an instance issues to systems, not to users:
 * a table named for infrastructure, service, system, machine, integration or deployment tokens or keys
 * (`prisma.infraToken.findUnique({ where: { token } })`, `ServiceKey.findOne(...)`). Such a token
 * identifies no user, so the routes behind the guard have no caller whose records they would be. A
 * table of users' own tokens (`personalToken`, `apiToken`, `accessToken`) is not one of these.
 */
export const SERVICE_TOKEN_LOOKUP =
  /\.\s*((?:infra(?:structure)?|service|system|machine|integration|deploy(?:ment)?|provisioning)_?(?:api_?)?(?:token|key|credential)s?)\s*\.\s*(?:findUnique|findUniqueOrThrow|findFirst|findFirstOrThrow|findOne|findOneBy|findByPk|get)\s*\(/i;

/**
 * Reading the sign-in interaction an OpenID provider started (oidc-provider's
 * `provider.interactionDetails(req, res)`, which throws when the request carries no interaction cookie):
 * a middleware that does it before a router's routes makes each of them a step of that sign-in, the
 * screens a visitor goes through before they have a session (identify, verify a code, set a password,
 * consent). Public by design; what they accept is bound to the interaction.
 */
export const SIGN_IN_INTERACTION = /\.interactionDetails\s*\(/;
