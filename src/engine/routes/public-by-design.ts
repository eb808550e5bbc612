/**
 * Routes that are public on purpose, and the reason, so the inventory can say `public (by design:
 * <reason>)` and the access-control rules leave them alone: login and sign-up (asking for
 * credentials is their job), health probes and docs, webhooks that prove their sender with a
 * signature, first-run setup that refuses once the app is configured, and public endpoints marked
 * in code. A route that writes data or returns per-user data with none of these reasons stays open.
 */
import { ts } from '#typescript';
import { calledFunctions, resolveFunction, type ResolvedFunction } from '../names/index.js';
import { exitsEarly, nodePosition } from '../ast/syntax.js';
import type { ModuleIndex } from '../names/index.js';
import { answersTooManyRequests } from './rate-limits.js';
import { CONFIGURED_SECRET, comparesConfiguredSecret, serverSecretComparison } from './configured-secret.js';
import { OPERATIONS } from './route.js';
import { CAPABILITY_KEY } from '../access/lookup-keys.js';
import { ANONYMOUS_SIGN_IN, EMAILED_SIGN_IN, PASSWORD_VERIFICATION } from '../../models/auth.js';

/** Routes that take credentials: public by definition, never "authenticated" even behind a global guard. */
const CREDENTIAL_ENTRY_SEGMENT = /^(?:login|log-in|signin|sign-in|signup|sign-up|oauth2?|sso|saml)$/;
/** Words of a route that manages an SSO/OAuth setup (its providers, the OAuth apps and clients a user registers) rather than signing someone in with it. */
/** Verbs that manage a way in rather than use it (`enableLoginWithSso`, `getLoginWithOptions`). */
const MANAGING_VERB = /^(?:update|delete|remove|create|add|set|enable|disable|configure|config|edit|toggle|get|list|change|reset)$/;
const PROVIDER_MANAGEMENT = /^(?:update|delete|remove|create|add|set|enable|disable|list|configure|config|settings|providers?|connectors?|edit|toggle|get|all|mine|apps?|applications?|clients?)$/;
/** The same when an auth-ish segment precedes them (`/auth/register`, `/oauth/callback`), never alone (`/devices/register`). */
// Words that make a sign-in word the subject of a read or report (`loginHistory`, `signupStats`), not the act.
// `sign-in-experience` / `sign-in-exp` (how the sign-in page looks), `sso-identities` (the accounts a user has linked) are settings and records about signing in.
const ABOUT_SIGN_IN = /^(?:history|histories|attempts?|logs?|audit|stats|statistics|count|counts|report|reports|events?|activity|methods?|options?|status|page|url|link|redirect|experiences?|exp|identities|preferences?|configuration)$/;
/** The OAuth clients and apps a tenant registers: a path through them manages one (its secret, its scopes). */
const OAUTH_CLIENT_REGISTRY = /^(?:clients?|apps?|applications?)$/;
const CREDENTIAL_ENTRY_UNDER_AUTH = /^(?:register|registration|callback|token|authorize|firsttime|first-time)$/;
/** Identity providers an app signs users in with (their ID token or authorization code is the credential). */
const IDENTITY_PROVIDER_SEGMENT = /^(?:google|apple|github|gitlab|bitbucket|facebook|microsoft|azure|azure-ad|twitter|linkedin|discord|okta|auth0|keycloak|cognito|oidc|openid)$/;
/** Segments naming the kind of credential a sign-in takes (Auth.js-style providers: `email-password`, `passkey`, `credentials`). */
const CREDENTIAL_KIND_SEGMENT = /^(?:email-?password|password|passkeys?|webauthn|credentials?|magic-?link)$/;
const AUTH_PREFIX_SEGMENT = /^(?:auth|oauth2?|sso|session|sessions|identity|connect|login|account|accounts|users?)$/;
/**
 * Account recovery worded as one segment, with the usual short forms of "password" (`pwdreset`,
 * `passwordreset`, `resetpassword`, `pw-recovery`, `password_recovery`, `resetpsw`), asked for
 * (`requestresetpsw`) or done: the same step as `/reset-password`.
 */
const PASSWORD_WORD = '(?:password|passwd|pwd|psw|pw|pass)';
const RECOVERY_WORD = '(?:reset|recover|recovery|forgot|forgotten|lost)';
const PASSWORD_RECOVERY_COMPOUND = `(?:request[-_]?)?(?:${PASSWORD_WORD}[-_]?${RECOVERY_WORD}|${RECOVERY_WORD}[-_]?${PASSWORD_WORD})`;
// Routes of the account life cycle before a session exists: asking for proof of identity is their job.
// Also the forms a visitor fills in before any account (contact, feedback, newsletter): `contact-owner`
// reaches the owner of a found item, `contact-sales` a vendor.
const AUTH_FLOW_WORDS =
  /login|log-in|signin|sign-in|signup|sign-up|register|registration|logout|log-out|signout|sign-out|token|refresh(?:-?tokens?)?|forgot(?:-password)?|reset(?:-password)?|password-reset|verify(?:-?(?:email|user|account|phone|code|otp))?(?:-token)?|validate-?(?:email|account|phone)|confirm(?:-?(?:email|user|account))?|activate|activation|(?:resend|send|request)-(?:activation|verification|verify|code|otp|confirmation)(?:-(?:code|email|link))?|(?:account|user|email)-(?:verification|activation|confirmation)|magic-link|otp|callback|contact(?:-(?:us|owner|seller|host|sales|support))?|feedbacks?|newsletter|subscribe|unsubscribe|waitlist|csrf(?:-token)?|captcha/;
const AUTH_FLOW_SEGMENT = new RegExp(`^(?:${PASSWORD_RECOVERY_COMPOUND}|${AUTH_FLOW_WORDS.source})$`);
/** Flows a visitor goes through before a session exists, whose later steps are segments of their own (`/signup/complete`). */
const CREDENTIAL_FLOW_SEGMENT = new RegExp(`^(?:login|log-in|signin|sign-in|signup|sign-up|register|registration|${PASSWORD_RECOVERY_COMPOUND}|forgot(?:-password)?|reset(?:-password)?|password-reset)$`);
/** The later steps of such a flow. */
const FLOW_STEP_SEGMENT = /^(?:complete|confirm|finish|verify|resend|start|continue|callback)$/;
// Infrastructure endpoints count only when the whole path is about them: `/health`, `/api/v1/status`,
// but never `/orders/:id/status`.
const INFRA_SEGMENT =
  /^(?:health|healthz|healthcheck|heartbeat|livez|readyz|ready|live|liveness|readiness|ping|status|metrics|version|docs|swagger|api-docs|openapi(?:\.json)?|graphql|\.well-known|robots\.txt|sitemap(?:\.xml)?|favicon\.ico|api|v\d+)$/;
/** An RPC operation named as a liveness or readiness probe (`health`, `healthCheck` worded `health-check`, `ping`). */
const LIVENESS_OPERATION = /^(?:health|healthz|health-?check|heartbeat|livez|readyz|liveness|readiness|ping)$/i;
/** Segments that only say where the API is mounted (`/api`, `/v1`): not what the endpoint does. */
const NEUTRAL_SEGMENT = /^(?:api|v\d+)$/;
const WEBHOOK_SEGMENT = /^(?:webhooks?|hooks?|stripe|github|slack|twilio|svix|clerk|paddle|lemonsqueezy|resend|sendgrid|postmark)$/;
/** Provider names that are also verbs of an app's own routes. */
const VERB_PROVIDER = /^resend$/;
/** How webhook senders are proven: provider SDK verification, or an HMAC compared in constant time. */
export const SIGNATURE_CHECK =
  /\bconstructEvent(?:Async)?\s*\(|\bverifyWebhook\w*\s*\(|\bverifyHeader\s*\(|\bwebhooks?\s*\.\s*verify\w*\s*\(|\bnew\s+Webhook\s*\(|\bsvix\b|\btimingSafeEqual\s*\(|x-hub-signature|x-signature|-signature['"`]|\bverifySignature\s*\(|\bvalidateRequest\s*\(|\bverify\w*(?:Signature|Secret|Token|Request|Payload|Notification|Webhook|Event|Jws)\s*\(/i;
/** A webhook SDK's validation call, a signature check when the configured secret goes with it. */
const SECRET_VALIDATION_CALL = /\bvalidate\w*(?:Event|Webhook|Signature|Payload)\s*\(/i;
const REJECTS = /\b(?:status|sendStatus|code)\s*\(\s*40[13]\b|\bstatus(?:Code)?\s*[:=]\s*40[13]\b|Unauthori[sz]ed|Forbidden/;
/** Endpoints other systems call: webhooks, provider event and command callbacks, cron and queue jobs. */
const SERVICE_SEGMENT = /^(?:webhooks?|hooks?|cron|crons|queue|queues|jobs?|events|commands|interactions|notifications)$/;

/** A path a service calls (`/api/stripe/webhook`, `/api/cron/cleanup`, `/api/slack/events`), judged by whole words. */
/**
 * The handler compares what the request carries with a configured secret (`authHeader !==
 * \`Bearer ${process.env.CRON_SECRET}\``): the caller is a service holding that secret, not a user.
 */
export function checksSharedSecret(handler: ResolvedFunction | undefined): boolean {
  const body = handler?.node.body;
  if (!body) return false;
  return comparesConfiguredSecret(body.getText(handler.node.getSourceFile())) || serverSecretComparison(handler.node) !== undefined;
}

/**
 * A module constant holding a configured secret (`const KB_WEBHOOK_TOKEN = process.env.KB_WEBHOOK_TOKEN || '...'`)
 * that the handler compares on one line (`req.headers['x-auth-token'] != KB_WEBHOOK_TOKEN`): the secret
 * read once at load time and checked per request.
 */
function comparedSecretConstant(handler: ResolvedFunction | undefined, handlerText: string): string | undefined {
  const sourceFile = handler?.node.getSourceFile();
  if (!sourceFile) return undefined;
  for (const statement of sourceFile.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || !declaration.initializer || !CONFIGURED_SECRET.test(declaration.initializer.getText(sourceFile))) continue;
      const name = declaration.name.text;
      const compared = new RegExp(String.raw`[!=]==?\s*${name}\b|\b${name}\s*[!=]==?`);
      if (handlerText.split('\n').some((line) => compared.test(line.replace(/\/\/.*$/, '')))) return name;
    }
  }
  return undefined;
}


export function isServiceEndpoint(routePath: string): boolean {
  const words = pathSegments(routePath).filter(isLiteralSegment).flatMap((segment) => segmentWords(segment.replace(/-/g, ' ')));
  const provider = words.some((word) => WEBHOOK_SEGMENT.test(word) || /^(?:teams|telegram|discord|whatsapp|qstash|inngest|trigger)$/.test(word));
  return words.some((word) => /^(?:webhooks?|hooks?|cron|crons|queue|queues)$/.test(word)) || (provider && words.some((word) => SERVICE_SEGMENT.test(word)));
}

const SETUP_SEGMENT = /^(?:setup|set-up|onboarding|onboard|install|installation|initiali[sz]e|init|first-run|bootstrap)$/;
/** A check that the app already has users or is configured: first-run setup refuses after that. */
const ALREADY_CONFIGURED =
  /\bget(?:First)?Admin\w*\s*\(|\badmin(?:Exists|Count)\b|\b(?:count|countDocuments|exists|findFirst|findOne|findAny)\s*\(|\b(?:setup|onboarding|installation|install)(?:Complete|Completed|Done|Finished)\b|\bis(?:Configured|Initiali[sz]ed|Installed|Onboarded|SetUp|Setup)\b|\balready(?:Configured|Initiali[sz]ed|Installed|SetUp)\b|\bhasUsers\b|\binitiali[sz]ed\b/;
const USERS_WORD = /user|admin|account|owner|member|config|setting|setup|onboard|install|initiali/i;
/** Markers a handler's module or options use to say "no authentication here, on purpose". */
const PUBLIC_MARKER = /\b(?:isPublic|skipAuth|noAuth|publicRoute|allowAnonymous|authRequired)\s*[:=]\s*(true|false)\b/;

const isLiteralSegment = (segment: string) => !segment.startsWith(':') && !segment.startsWith('[') && !segment.startsWith('{') && segment !== '*';

/** `github.callback` -> [github, callback]; `verifyAuthentication` -> [verify, authentication]. */
export function segmentWords(segment: string): string[] {
  return segment
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[.\s_]+/)
    .filter(Boolean);
}

/** Verbs that keep a stored token (`deleteToken`, `rotateToken`, `listTokens`): done by its owner, signed in. */
const TOKEN_KEEPING_VERB = /^(?:delete|remove|update|edit|rename|rotate|regenerate|list|enable|disable)$/;
/** Verbs that make or read one, which a sign-in does too (`createToken`, `getToken` may take a password). */
const TOKEN_ISSUING_VERB = /^(?:create|generate|add|new|issue|get|fetch|read)$/;
/**
 * Words before `token` that still name the caller's own sign-in or recovery token (`createAccessToken`,
 * `getRefreshToken`, `createEmailToken` for a magic link, `createPasswordResetToken`).
 */
const SIGN_IN_TOKEN_WORD = /^(?:access|auth|authentication|refresh|id|session|jwt|bearer|login|signin|signup|csrf|oauth|oauth2|user|my|new|email|magic|link|otp|sms|phone|code|verification|verify|confirmation|activation|reset|password|recovery|mfa|2fa)$/;

/**
 * An operation that manages a stored token rather than signing in with one: `deleteToken`, or
 * `createCdnAccessToken` / `createApiToken` whose words before `token` name a kind of key the
 * signed-in owner issues for a machine (graphql-hive's CDN and registry tokens, personal API keys).
 */
function managesStoredToken(words: readonly string[]): boolean {
  if (words.length < 2 || words.at(-1) !== 'token') return false;
  if (TOKEN_KEEPING_VERB.test(words[0]!)) return true;
  return TOKEN_ISSUING_VERB.test(words[0]!) && words.slice(1, -1).some((word) => !SIGN_IN_TOKEN_WORD.test(word));
}

/**
 * An operation name's words with the two-word verbs of signing in and out put back together:
 * `signUpEmail` is worded `sign up email`, and its act is `signup`.
 */
function joinSignInVerbs(words: readonly string[]): string[] {
  const joined: string[] = [];
  for (let index = 0; index < words.length; index++) {
    const pair = `${words[index]}${words[index + 1] ?? ''}`;
    if (/^(?:signup|signin|signout|login|logout)$/.test(pair) && words[index + 1] !== undefined) {
      joined.push(pair);
      index++;
    } else if (pair === 'magiclink') {
      // `loginWithMagicLink`: the emailed sign-in link is a way in, not a link about signing in (`loginLink`).
      joined.push('magic-link');
      index++;
    } else joined.push(words[index]!);
  }
  return joined;
}

/** Words that make the sign-in word of a name its subject (`login-history`, `sso-settings`), not the act. */
function aboutSignIn(words: readonly string[]): boolean {
  return words.some((word) => PROVIDER_MANAGEMENT.test(word) || ABOUT_SIGN_IN.test(word));
}

/** `/api/v1/orders/:id` -> ['api', 'v1', 'orders', ':id'], lowercased. */
function pathSegments(routePath: string): string[] {
  return routePath.toLowerCase().split('/').filter(Boolean);
}

/** A call that signs a new account up: `signUpWithEmailPass(`, `auth.signUp(`, `createUserAccount(`, `registerUser(`. */
const SIGNS_UP = /\b(?:sign_?up|register(?:User|Account))\w*\s*\(|\bcreate(?:User)?Account\w*\s*\(/i;

/**
 * A route whose job is to take credentials: `/login`, `/auth/signup`, `/oauth/github/callback`,
 * POST `/users` is not one here (it may be an admin creating users). Returns the reason.
 */
export function credentialEntryReason(routePath: string): string | undefined {
  const literal = pathSegments(routePath).filter(isLiteralSegment);
  const last = literal.at(-1);
  if (last === undefined) return undefined;
  // `loginParticipant` (a GraphQL or tRPC name, worded `login-participant`), `/auth/startSignup`: the
  // credential word leads or ends the segment; `login-history`, `sso-settings` are about it, not entering it.
  const lastWords = joinSignInVerbs(segmentWords(last.replace(/-/g, ' ')));
  // `clientPortalUserLoginWithSocial`, `signInWithGoogle`: signing in with a way in, whoever's sign-in it names first.
  // `enableLoginWithSso` manages the way in (a setting), it does not sign anyone in.
  const signInWith = lastWords.some((word, index) => /^(?:login|signin|signup)$/.test(word) && lastWords[index + 1] === 'with' && lastWords[index + 2] !== undefined && !lastWords.slice(0, index).some((before) => MANAGING_VERB.test(before)));
  const strong = CREDENTIAL_ENTRY_SEGMENT.test(last) || signInWith || (lastWords.length > 1 && !aboutSignIn(lastWords) && [lastWords[0]!, lastWords.at(-1)!].some((word) => CREDENTIAL_ENTRY_SEGMENT.test(word)));
  // Under /oauth, /sso or /saml the sign-in steps take credentials; managing the provider (`sso/update`, `saml/providers/delete`) does not.
  // Nor does anything under the registry of OAuth clients and apps an admin keeps (`/oauth/clients/:id/rotate-secret`).
  const oauthAt = literal.findIndex((segment) => /^(?:oauth2?|sso|saml)$/.test(segment));
  const clientRegistry = oauthAt >= 0 && literal.slice(oauthAt + 1, -1).some((segment) => OAUTH_CLIENT_REGISTRY.test(segment));
  const oauthPath = oauthAt >= 0 && !clientRegistry && !lastWords.some((word) => PROVIDER_MANAGEMENT.test(word));
  // `/email-password/authorize`, `/passkey/authorize`, `/credentials/callback`: the sign-in step under the kind of
  // credential it takes (`/passkeys/register` adds a passkey to an account: not this).
  const underAuth = CREDENTIAL_ENTRY_UNDER_AUTH.test(last) && literal.slice(0, -1).some((segment) => AUTH_PREFIX_SEGMENT.test(segment) || (CREDENTIAL_KIND_SEGMENT.test(segment) && /^(?:authorize|callback|token)$/.test(last)));
  // `/auth/mobile/apple`, `/auth/google`: signing in with an identity provider's token or code.
  const providerSignIn = IDENTITY_PROVIDER_SEGMENT.test(last) && literal.slice(0, -1).some((segment) => /^(?:auth|oauth2?|sso|login|signin|sign-in)$/.test(segment));
  // `/callback/oidc/org/:orgUrl`, `/oidc/callback`, `/callback/google`: the identity provider sends the
  // browser back with its authorization code, the credential this step exchanges.
  const providerCallback = literal.some((segment, index) => segment === 'callback' && [literal[index - 1], literal[index + 1]].some((beside) => beside !== undefined && IDENTITY_PROVIDER_SEGMENT.test(beside)));
  if (providerCallback) return `${literal.join('/')}: an identity provider's sign-in callback`;
  return strong || oauthPath || underAuth || providerSignIn ? `${last}: a route that takes credentials` : undefined;
}

/**
 * Why an unauthenticated route is public on purpose, from its path and what its handler does, or
 * undefined when nothing says so (then an open route that reads or writes data is a finding).
 */
export function publicByDesignReason(input: {
  method: string;
  path: string;
  /** The route's kind: a server action (`action`) is named by its function. */
  kind?: string | undefined;
  handler?: ResolvedFunction;
  modules: ModuleIndex;
}): string | undefined {
  // Browsers send the CORS preflight without credentials: an OPTIONS answer cannot ask for them.
  if (input.method === 'OPTIONS') return 'CORS preflight (OPTIONS): browsers send it without credentials';
  const segments = pathSegments(input.path);
  const literal = segments.filter(isLiteralSegment);
  const words = segments.map(segmentWords);
  const last = literal.at(-1);
  const handlerText = handlerAndCalleesText(input.modules, input.handler);

  // Webhooks deliver events with POST (or PUT); a GET under /slack is an OAuth callback or a page.
  // `/stripe-webhook`, tRPC `handleWebhook` (worded `handle-webhook`): inside a hyphenated segment only
  // the word webhook itself counts (`resend-verification-email` names no webhook of Resend).
  // `resend` names the email provider and the verb alike (`/login/2fa/resend` re-sends a code): as a
  // provider it counts only beside a word of events (`/resend/webhook`, `/api/resend/events`).
  const eventWord = words.some((segmentWordList) => segmentWordList.some((word) => /^(?:webhooks?|hooks?|events?|inbound)$/.test(word)));
  const webhook =
    input.method !== 'GET' &&
    input.method !== 'HEAD' &&
    (words.some((segmentWordList) => segmentWordList.some((word) => WEBHOOK_SEGMENT.test(word) && (eventWord || !VERB_PROVIDER.test(word)))) ||
      segments.some((segment) => segmentWords(segment.replace(/-/g, ' ')).some((word) => /^webhooks?$/.test(word))));
  if (webhook) {
    // Standard Webhooks SDKs name it validate (Polar's `validateEvent(body, headers, secret)`, often
    // re-exported as `validatePolarEvent`): a check of the signature when handed the configured secret.
    const signature = SIGNATURE_CHECK.exec(handlerText) ?? (CONFIGURED_SECRET.test(handlerText) ? SECRET_VALIDATION_CALL.exec(handlerText) : null);
    // A webhook that does not prove its sender is never public by design: anyone can post events.
    if (signature) return `webhook that verifies the sender's signature (${signature[0].trim()})`;
    const secret = comparedSecretConstant(input.handler, handlerText) ?? CONFIGURED_SECRET.exec(handlerText)?.[0].replace(/\s+/g, '');
    return secret && REJECTS.test(handlerText) ? `webhook that checks a shared secret (${secret}) and rejects without it` : undefined;
  }
  // A cron or queue job called by a scheduler that signs its requests (Upstash QStash's `receiver.verify({ signature:
  // req.headers.get('Upstash-Signature') })`) and turned away without a valid signature: the caller is that service.
  if (isServiceEndpoint(input.path)) {
    const signature = SIGNATURE_CHECK.exec(handlerText);
    // Name the verifying call when there is one (`receiver.verify(`), not the header it reads.
    const verification = /\b[\w$.]*verify\w*\s*\(/i.exec(handlerText)?.[0] ?? signature?.[0];
    if (signature && REJECTS.test(handlerText)) return `service endpoint (cron or queue job) that verifies the sender's signature (${verification!.trim()})`;
  }
  const marker = input.handler?.node.body ? PUBLIC_MARKER.exec(input.handler.node.body.getText(input.handler.node.getSourceFile())) : null;
  if (marker && (marker[0].startsWith('authRequired') ? marker[1] === 'false' : marker[1] === 'true')) {
    return `marked public in code (${marker[0].replace(/\s+/g, ' ')}, ${input.handler!.file.path})`;
  }
  if (last === undefined) return input.method === 'GET' || input.method === 'HEAD' ? 'site root' : undefined;
  const entry = credentialEntryReason(input.path);
  if (entry) return entry;
  const signInStep = passkeySignIn(literal) ?? signInHandler(literal, input.method, input.handler) ?? underSignIn(literal) ?? sessionStart(literal, segments, input.method) ?? sessionSignIn(literal, segments, input.method, input.handler);
  if (signInStep) return signInStep;
  // `GET /profiles/:username`: a person's public page, addressed by the handle they chose to show
  // (what it may leak is the exposure rules' business). By id (`/users/:id`) it is not this.
  if ((input.method === 'GET' || input.method === 'HEAD') && segments.length >= 2 && PROFILE_HANDLE.test(segments.at(-1)!) && PROFILE_COLLECTION.test(segments.at(-2)!)) {
    return `${segments.slice(-2).join('/')}: a public profile by handle`;
  }
  // `GET /share/:shareToken`, tRPC `reports.getByLinkId`: a read addressed by a capability the client
  // holds (a share link, a customer portal, an invitation), which is the permission itself.
  if (input.method === 'GET' || input.method === 'HEAD' || input.method === 'QUERY') {
    const capability = capabilityAddress(segments, (OPERATIONS as readonly string[]).includes(input.method) ? last : undefined);
    if (capability) return `${capability}: read by a capability the client holds (a share link, portal or invitation), which is the permission`;
  }
  // A GraphQL or tRPC operation's name is one identifier worded with hyphens (`createPasswordReset` ->
  // `create-password-reset`): its words are split like camelCase; an HTTP segment's hyphens stay.
  // A server action is named by its function too (`forgotPasswordAction`); the `Action` suffix
  // next-safe-action projects give every one of them says nothing of what it does.
  const serverAction = input.kind === 'action';
  const operation = (OPERATIONS as readonly string[]).includes(input.method);
  const nameWords = operation ? joinSignInVerbs(segmentWords(last.replace(/-/g, ' '))) : (words[segments.lastIndexOf(last)] ?? []);
  const lastWords = serverAction && nameWords.length > 1 && nameWords.at(-1) === 'action' ? nameWords.slice(0, -1) : nameWords;
  // The act is the name's first or last word, or its last two (`requestResetPassword` ends in `reset-password`).
  const actWords = [lastWords[0]!, lastWords.at(-1)!, ...(operation && lastWords.length > 2 ? [lastWords.slice(-2).join('-')] : [])];
  if (AUTH_FLOW_SEGMENT.test(last) || (lastWords.length > 1 && !(operation && lastWords.some((word) => ABOUT_SIGN_IN.test(word))) && !(operation && managesStoredToken(lastWords)) && actWords.some((word) => AUTH_FLOW_SEGMENT.test(word)))) {
    return `${last}: part of signing in or recovering an account`;
  }
  // Under an auth prefix (`/auth`, `/mobile-auth`), exchanging a one-time code is signing in too.
  const authPrefix = literal.some((segment) => /^(?:auth|authentication|oauth2?|session|sessions|identity)$/.test(segment) || segmentWords(segment.replace(/-/g, ' ')).some((word) => /^(?:auth|oauth2?)$/.test(word)));
  // `/auth/forgot-return`, `/auth/reset-confirm`: an account recovery step worded with its stage (not `verify-attestation`, which registers a passkey).
  const recoveryStep = (segment: string) => /^(?:forgot|reset|recover|recovery)$/.test(segment.split('-')[0]!);
  if (authPrefix && literal.some((segment) => AUTH_FLOW_SEGMENT.test(segment) || recoveryStep(segment) || /^(?:exchange(?:-code)?|code|authorize|browser-start|start|complete)$/.test(segment))) {
    return 'part of signing in or recovering an account';
  }
  // `/signup/complete`, `/register/confirm`, `/login/verify`: a later step of the flow the segment before it names.
  const before = literal[literal.lastIndexOf(last) - 1];
  if (literal.includes(last) && FLOW_STEP_SEGMENT.test(last) && before !== undefined && CREDENTIAL_FLOW_SEGMENT.test(before)) {
    return `${before}/${last}: a step of ${before}`;
  }
  // `changePassword(token, newPassword)`: setting a password with a reset token is the end of account recovery.
  const phrase = literal.flatMap((segment) => segmentWords(segment.replace(/-/g, ' ')));
  if (phrase.includes('password') && phrase.some((word) => /^(?:change|reset|set|new|update)$/.test(word)) && input.handler && takesResetToken(input.handler)) {
    return `${last}: sets a password with a reset token (account recovery)`;
  }
  // `/join` on its own (Remix's starter stacks name their sign-up page so) whose handler signs someone up;
  // joining something the path names (`/teams/:id/join`, `/rooms/join`) is not this.
  if (last === 'join' && segments.length === 1 && SIGNS_UP.test(handlerText)) return 'join: sign-up (the handler signs a new account up)';
  // POST /leads (the collection, no id): a lead-capture form that visitors fill in, like a contact form.
  // Reading or changing leads is not this.
  if (input.method === 'POST' && /^leads?$/.test(last) && literal.length === segments.length) return 'lead capture (POST to the lead collection): a form anonymous visitors fill in';
  // POST /users (the collection, no id) is sign-up; under an admin area (`/admin/users`) it is an
  // administrator creating an account.
  if (input.method === 'POST' && /^(?:users?|accounts?|members?)$/.test(last) && literal.length === segments.length && !literal.some((segment) => /^(?:admin|administration|backoffice)$/i.test(segment))) return 'sign-up (POST to the user collection)';
  // tRPC `users.create`, GraphQL `createAccount`: a public operation that creates a user is sign-up.
  if (operation && input.method !== 'QUERY' && phrase.some((word) => /^(?:create|register|add|new)$/.test(word)) && phrase.some((word) => /^(?:users?|accounts?|members?)$/.test(word))) {
    return `${last}: sign-up (a public operation that creates a user)`;
  }
  // Confirming or cancelling an email change from the link sent to the address (`cancelEmailChangeAction({ token })`):
  // the token the email carries is the permission, as for a password reset.
  if (phrase.some((word) => /^e?-?mails?$/.test(word)) && phrase.some((word) => /^(?:change|update)$/.test(word)) && phrase.some((word) => /^(?:cancel|confirm|revert|undo|verify)$/.test(word)) && input.handler && takesResetToken(input.handler)) {
    return `${last}: confirms or cancels an email change with the token its email link carries`;
  }
  // Accepting an invitation with the token it was sent with: the token is the permission.
  if (phrase.some((word) => /^(?:invites?|invitations?)$/.test(word)) && phrase.some((word) => /^(?:accept|redeem|join|claim|confirm)$/.test(word)) && input.handler && takesResetToken(input.handler)) {
    return `${last}: accepts an invitation with its token`;
  }
  // Status-page and newsletter subscribers: subscribing an address is public (the address confirms
  // by its link), and the token that link carries is what manages the subscription afterwards.
  // Billing subscriptions are not this: their words name no subscriber, their code no subscriber.
  const aboutSubscribers = phrase.some((word) => /^(?:subscribers?|newsletters?|unsubscribe)$/.test(word)) || (phrase.some((word) => /^subscriptions?$/.test(word)) && /subscriber/i.test(handlerText));
  if (aboutSubscribers && input.method !== 'GET' && input.method !== 'QUERY') {
    // The token may be read by the service the handler hands its input to (`updateSubscriberScope(input)`).
    if (input.handler && (takesResetToken(input.handler) || READS_INPUT_TOKEN.test(handlerText))) return `${last}: manages a subscription with the token its email link carries`;
    if (phrase.some((word) => /^(?:upsert|create|add|subscribe|signup|join|register)$/.test(word))) return `${last}: subscribes an address to notifications (self-signup, confirmed by email)`;
  }
  // Anonymous submissions (an outage report, a vote): the handler names the caller by network address
  // and turns away an address that already did it, the control of an endpoint open to everyone on purpose.
  if (input.method !== 'GET' && input.method !== 'QUERY' && input.handler) {
    const limit = perAddressLimit(input.modules, input.handler);
    if (limit) return `${last}: anonymous by design, each caller limited by network address (${limit})`;
  }
  // A form open to visitors without an account, which signs such a caller in as an anonymous guest
  // first (`authLib.api.signInAnonymous(...)`): serving them is its purpose, and what it writes is tied
  // to the guest identity it makes.
  const guest = input.method !== 'GET' && input.method !== 'QUERY' ? ANONYMOUS_SIGN_IN.exec(handlerText) : null;
  if (guest) return `${last}: open to visitors on purpose, it signs a caller without a session in as an anonymous guest (${guest[0].replace(/\s*\($/, '')})`;
  // The first step of signing in by email: the handler itself mails a sign-in link or code to the address
  // the caller typed in (a route naming a record, `/members/:id/resend-link`, lets anyone mail anyone).
  const emailed = input.method !== 'GET' && input.method !== 'QUERY' && literal.length === segments.length && input.handler?.node.body
    ? EMAILED_SIGN_IN.exec(input.handler.node.body.getText(input.handler.node.getSourceFile()))
    : null;
  if (emailed) return `${last}: the first step of signing in by email, it mails a sign-in link or code (${emailed[0].replace(/\s*\($/, '').replace(/^\.|^new\s+/, '')}) to the address given`;
  // Exchanging a user's password for a token or key: the handler authenticates the caller itself.
  const verification = PASSWORD_VERIFICATION.exec(handlerText);
  if (verification && input.method !== 'GET' && input.method !== 'QUERY') return `${last}: checks the caller's password itself (${verification[0].replace(/\s*\($/, '')})`;
  // tRPC `settings.health`, GraphQL `healthCheck`: an RPC operation lives in a router named for its area,
  // so the operation's own name is the path's last word. A liveness probe by that name is public by design
  // (not `status`, which an operation on a record often is: `order.status`).
  if (operation && input.method === 'QUERY' && LIVENESS_OPERATION.test(last)) return `${last}: a health probe`;
  // `/api/public/health`: a `public` prefix says nothing of the endpoint; an infrastructure word must remain.
  const infrastructure = literal.every((segment) => INFRA_SEGMENT.test(segment)) || (literal.every((segment) => INFRA_SEGMENT.test(segment) || segment === 'public') && literal.some((segment) => INFRA_SEGMENT.test(segment) && !NEUTRAL_SEGMENT.test(segment)));
  if (infrastructure) {
    return `${literal.join('/')}: health, status or documentation endpoint`;
  }
  // `/auth/admin-sign-up`, `/register-admin`, `/create-admin`: creating the first administrator is first-run setup
  // when it refuses once one exists.
  const adminSignUp = phrase.some((word) => /^admin(?:istrator)?s?$/.test(word)) && (phrase.some((word) => /^(?:signup|register|registration|create)$/.test(word)) || phrase.join('-').includes('sign-up'));
  const setup = literal.find((segment) => SETUP_SEGMENT.test(segment)) ?? (adminSignUp ? 'administrator sign-up' : undefined);
  if (setup && input.handler) {
    const refusal = firstRunRefusal(input.modules, input.handler);
    if (refusal) return `first-run ${setup} that refuses once configured (${refusal})`;
  }
  return undefined;
}

/** Names of a value that is itself the permission to read what it addresses: a share link's or portal's id, a token. */
const CAPABILITY_NAME = new RegExp(`${CAPABILITY_KEY.source}|^portal_?(?:id|key|code|slug)$`, 'i');

/**
 * The capability a read is addressed by: a path parameter named as one (`:shareToken`, `[linkId]`,
 * `{inviteCode}`), or an operation named for looking up by one (`getByPortalId`, worded `get-by-portal-id`).
 */
function capabilityAddress(segments: readonly string[], operation: string | undefined): string | undefined {
  for (const segment of segments) {
    const parameter = /^(?::|\[|\{)([A-Za-z_][\w]*)(?:\]|\})?$/.exec(segment)?.[1];
    if (parameter && CAPABILITY_NAME.test(parameter)) return segment;
  }
  if (!operation) return undefined;
  const words = operation.split('-');
  const by = words.lastIndexOf('by');
  if (by < 0 || by === words.length - 1) return undefined;
  const key = words.slice(by + 1).map((word, index) => (index === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1))).join('');
  return CAPABILITY_NAME.test(key) ? operation : undefined;
}

/** A path parameter that is a person's chosen public handle, not a record id. */
const PROFILE_HANDLE = /^(?::|\[|\{)(?:username|user_name|handle|login|nickname|nick|screen_name|screenname)(?:\]|\})?$/;
const PROFILE_COLLECTION = /^(?:profiles?|users?|u|people|members?|authors?)$/;

const PASSKEY_SEGMENT = /^(?:webauthn|passkeys?|fido2?|security-keys?)$/;
const PASSKEY_SIGN_IN_WORD = /^(?:authentication|authenticate|assertion|login|signin)$/;

/**
 * A step of the passkey sign-in ceremony (`/auth/webauthn/generate-authentication-options`,
 * `/passkeys/login/verify`): the browser asks for a challenge, or answers it, before any session
 * exists. Registering a passkey (`generate-registration-options`, attestation) is not sign-in.
 */
function passkeySignIn(literal: readonly string[]): string | undefined {
  if (!literal.some((segment) => PASSKEY_SEGMENT.test(segment))) return undefined;
  const phrase = literal.flatMap((segment) => segmentWords(segment.replace(/-/g, ' ')));
  if (!phrase.some((word) => PASSKEY_SIGN_IN_WORD.test(word)) || phrase.some((word) => /^(?:registration|register|attestation)$/.test(word))) return undefined;
  return `${literal.at(-1)}: a passkey (WebAuthn) sign-in step`;
}

/**
 * A later step of signing in, under the sign-in path (`/login/2fa`, `/login/2fa/totp`, `/signin/verify/:token`,
 * `/login/webauthn-verify`): the second factor or the emailed link is checked before any session
 * exists. Routes about sign-in under it (`/login/history`, `/login/providers/delete`) are not steps.
 */
function underSignIn(literal: readonly string[]): string | undefined {
  const at = literal.slice(0, -1).findIndex((segment) => /^(?:login|log-in|signin|sign-in)$/.test(segment));
  if (at < 0) return undefined;
  const after = literal.slice(at + 1).flatMap((segment) => segmentWords(segment.replace(/-/g, ' ')));
  return after.length > 0 && !aboutSignIn(after) ? `${literal.at(-1)}: a step of signing in, under /${literal[at]}` : undefined;
}

/**
 * Opening a session: POST to the session collection (`/sessions`, `/inbox/session`) or its start step
 * (`/widgets/session/initialize`, `/session/start`), with no record id in the path. Creating a session
 * is signing in, so what the client sends (a password, an app key and an HMAC of the user id) is its
 * credential. Managing sessions (`DELETE /sessions/:id`, `POST /users/:id/sessions`) is not this.
 */
function sessionStart(literal: readonly string[], segments: readonly string[], method: string): string | undefined {
  if (method !== 'POST' || literal.length !== segments.length) return undefined;
  if (literal.some((segment) => /^(?:admin|administration|backoffice)$/.test(segment))) return undefined;
  const last = literal.at(-1)!;
  const before = literal.at(-2);
  const opens = SESSION_SEGMENT.test(last) || (SESSION_START_STEP.test(last) && before !== undefined && SESSION_SEGMENT.test(before));
  return opens ? `${literal.slice(-2).join('/')}: opens a session (signing in: what the client sends is its credential)` : undefined;
}
const SESSION_SEGMENT = /^sessions?$/;
const SESSION_START_STEP = /^(?:initiali[sz]e|init|start|begin|open|create|new)$/;

/**
 * A state-changing route under an auth prefix whose handler is named for signing in
 * (`POST /auth/anonymous` handled by `accessTokenLogin(body.accessToken)`): the name says what the path does not.
 */
function signInHandler(literal: readonly string[], method: string, handler: ResolvedFunction | undefined): string | undefined {
  if (!handler || method === 'GET' || method === 'HEAD' || !literal.slice(0, -1).some((segment) => AUTH_PREFIX_SEGMENT.test(segment))) return undefined;
  const name = handler.name.split('.').pop() ?? '';
  const words = segmentWords(name);
  if (words.length === 0 || aboutSignIn(words)) return undefined;
  const phrase = words.join(' ');
  const signIn = /^(?:log ?in|sign ?in|log ?on)\b|\b(?:log ?in|sign ?in|log ?on)$/.test(phrase);
  return signIn ? `${literal.at(-1)}: its handler ${name} takes credentials` : undefined;
}

/**
 * A state-changing route under an auth prefix, with no record id in its path, whose handler stores the
 * user it identified in the session (`req.session.userId = user.id`, `req.session.user = account`,
 * passport's `req.login(user)`): it signs the caller in, whatever its last segment names (`/auth/local`,
 * `/auth/plex`, the kind of account). Reached only when no guard is mounted in front of it; switching to
 * another user (`/auth/impersonate`, `/auth/switch-user`) is not signing in.
 */
function sessionSignIn(literal: readonly string[], segments: readonly string[], method: string, handler: ResolvedFunction | undefined): string | undefined {
  const body = handler?.node.body;
  if (!body || method === 'GET' || method === 'HEAD' || literal.length !== segments.length) return undefined;
  if (!literal.slice(0, -1).some((segment) => AUTH_PREFIX_SEGMENT.test(segment))) return undefined;
  const words = literal.flatMap((segment) => segmentWords(segment.replace(/-/g, ' ')));
  if (words.some((word) => SWITCHES_USER.test(word)) || aboutSignIn(words)) return undefined;
  const stored = SESSION_SIGN_IN.exec(body.getText(handler.node.getSourceFile()));
  return stored ? `${literal.at(-1)}: its handler signs the caller in, storing the user it identified (${stored[0].replace(/\s+/g, '').replace(/=$/, '').replace(/\($/, '(…)')})` : undefined;
}
/** Storing a user in the session, not clearing it (`= null` signs out): express-session, cookie-session, Koa, passport. */
const SESSION_SIGN_IN = /\bsession\s*(?:\?\.|\.)\s*(?:user|userId|user_id|uid|account|accountId)\s*=(?![=>])(?!\s*(?:null|undefined)\b)|\b(?:req|request|ctx)\s*\.\s*(?:login|logIn)\s*\(/;
/** Words of a route that makes the caller someone else. */
const SWITCHES_USER = /^(?:impersonat\w*|masquerade|sudo|become|assume|switch|su)$/;

/** The handler takes a reset token from the client: a parameter named so, or reads one from its input. */
function takesResetToken(handler: ResolvedFunction): boolean {
  // `{ token: registrationToken }`: the argument the client sends is `token`, whatever the handler calls it.
  const names = handler.node.parameters.flatMap((parameter) => (ts.isIdentifier(parameter.name) ? [parameter.name.text] : ts.isObjectBindingPattern(parameter.name) ? parameter.name.elements.map((element) => (element.propertyName ?? element.name).getText(handler.node.getSourceFile())) : []));
  if (names.some((name) => RESET_TOKEN_NAME.test(name))) return true;
  return READS_INPUT_TOKEN.test(handler.node.body?.getText(handler.node.getSourceFile()) ?? '');
}
/** Reading the caller's network address: `getClientIp(headers)`, `x-forwarded-for`, `req.ip`. */
// `getIP()`, `getIp(req)`, `ipAddress(req)` (@vercel/functions): the caller's address read by a helper named for it.
const CLIENT_ADDRESS = /\b(?:get)?[Cc]lient_?I[Pp]\b|\bget_?I[Pp](?:_?[Aa]ddress)?\s*\(|\bipAddress\s*\(|\brequestIp\b|x-forwarded-for|x-real-ip|cf-connecting-ip|\b(?:req|request|ctx)\s*\.\s*ips?\b|\bremoteAddress\b/;
/** A call that asks whether this caller already did it: `reportAlreadyLimited(key)`, `isRateLimited(ip)`, `throttle(ip)`. */
const PER_CALLER_LIMIT = /(?:[Ll]imit|[Tt]hrottl|[Aa]lready|[Dd]uplicate|[Cc]ooldown)\w*$/;

/**
 * The call the handler's early exit tests when the handler reads the caller's address and answers
 * an address that is limited with an early return (`if (await alreadyLimited(key)) return`, or through
 * a variable it binds: `const limited = await reportAlreadyLimited(key); if (limited) return`).
 */
function perAddressLimit(modules: ModuleIndex, handler: ResolvedFunction): string | undefined {
  const body = handler.node.body;
  if (!body || !ts.isBlock(body)) return undefined;
  const file = handler.node.getSourceFile();
  if (!CLIENT_ADDRESS.test(body.getText(file))) return undefined;
  const statements = body.statements;
  for (let index = 0; index < statements.length; index++) {
    const statement = statements[index]!;
    const call = limitCallIn(statement);
    if (!call) continue;
    const name = call.expression.getText(file);
    if (ts.isIfStatement(statement) && exitsEarly(statement.thenStatement)) return name;
    // `await enforceBookingRateLimit({ clientIp })`: a project limiter that itself answers 429 (throws or returns it).
    if (ts.isExpressionStatement(statement) && answersTooManyRequests(modules, handler.file, call)) return name;
    const declaration = ts.isVariableStatement(statement) ? statement.declarationList.declarations[0] : undefined;
    // `const limited = await limiter(key)`, or the verdict taken from the result (`const { success } = await ratelimit(...).limit(key)`).
    const names = !declaration ? [] : ts.isIdentifier(declaration.name) ? [declaration.name.text] : ts.isObjectBindingPattern(declaration.name) ? declaration.name.elements.flatMap((element) => (ts.isIdentifier(element.name) ? [element.name.text] : [])) : [];
    const tested = names.some((bound) => statements.slice(index + 1).some((later) => ts.isIfStatement(later) && exitsEarly(later.thenStatement) && new RegExp(`(?<![\\w$.])${bound}(?![\\w$])`).test(later.expression.getText(file))));
    if (tested) return name;
  }
  return undefined;
}

/** The first limit-named call a statement makes (its condition or its initializer), outside nested functions. */
function limitCallIn(statement: ts.Statement): ts.CallExpression | undefined {
  const root = ts.isIfStatement(statement) ? statement.expression : ts.isVariableStatement(statement) ? statement.declarationList.declarations[0]?.initializer : ts.isExpressionStatement(statement) ? statement.expression : undefined;
  if (!root) return undefined;
  let found: ts.CallExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (found || ts.isFunctionLike(node)) return;
    if (ts.isCallExpression(node)) {
      const callee = ts.isPropertyAccessExpression(node.expression) ? node.expression.name.text : ts.isIdentifier(node.expression) ? node.expression.text : '';
      if (PER_CALLER_LIMIT.test(callee)) found = node;
    }
    if (!found) ts.forEachChild(node, visit);
  };
  visit(root);
  return found;
}

// `tokenId`: the id of the pending reset token the email link carries is as good as the token.
const RESET_TOKEN_NAME = /^(?:token|resetToken|reset_token|passwordResetToken|password_reset_token|resetPasswordToken|reset_password_token|resetCode|code|otp|tokenId|token_id|resetTokenId)$/;
/** `input.token`, `body.token`, `const { password, reset_password_token } = req.body`: a token read from what the client sent. */
// next-safe-action hands the action its validated input as `parsedInput` (`const { token } = parsedInput`).
const READS_INPUT_TOKEN = new RegExp(`\\b(?:body|args|input|params|query|data|parsedInput)\\??\\.(?:${RESET_TOKEN_NAME.source.slice(4, -2)})\\b|\\{[^{}]*\\b(?:${RESET_TOKEN_NAME.source.slice(4, -2)})\\b[^{}]*\\}\\s*=\\s*(?:(?:await\\s+)?(?:req|request|ctx\\.request|ctx|event)\\s*\\.\\s*(?:body|query|params|args|input)|parsedInput)\\b`);

/**
 * The call by which a route's handler (or a project function it calls) compares a password with a stored
 * hash (`bcrypt.compare(req.body.password, link.password)`): a protected share link's unlock, a password
 * exchanged for a token. Each request is one guess at that password.
 */
export function passwordVerificationCall(modules: ModuleIndex, handler: ResolvedFunction | undefined): string | undefined {
  return PASSWORD_VERIFICATION.exec(handlerAndCalleesText(modules, handler))?.[0].replace(/\s*\($/, '');
}

/** The first match of `pattern` in the handler's body or those of the project functions it calls. */
export function handlerOrCalleesMatch(modules: ModuleIndex, handler: ResolvedFunction | undefined, pattern: RegExp): string | undefined {
  return pattern.exec(handlerAndCalleesText(modules, handler))?.[0];
}

/** The handler's body and those of the project functions it calls, for signature and marker checks. */
function handlerAndCalleesText(modules: ModuleIndex, handler: ResolvedFunction | undefined): string {
  if (!handler?.node.body) return '';
  const texts = [handler.node.body.getText(handler.node.getSourceFile())];
  for (const callee of calledFunctions(modules, handler)) texts.push(callee.node.body!.getText(callee.node.getSourceFile()));
  return texts.join('\n');
}

/** `if ((await prisma.user.count()) > 0) throw ...` in the handler or a function it calls: file:line of the check. */
function firstRunRefusal(modules: ModuleIndex, handler: ResolvedFunction): string | undefined {
  for (const fn of [handler, ...calledFunctions(modules, handler)]) {
    const body = fn.node.body;
    if (!body || !ts.isBlock(body)) continue;
    for (const statement of body.statements) {
      if (!ts.isIfStatement(statement) || !(exitsEarly(statement.thenStatement) || throwsThroughHelper(modules, fn, statement.thenStatement))) continue;
      const condition = withLocalInitializers(body, statement.expression, fn.node.getSourceFile());
      if (ALREADY_CONFIGURED.test(condition) && USERS_WORD.test(condition)) return `${fn.file.path}:${nodePosition(statement).line}`;
    }
  }
  return undefined;
}

/** `if (done) throwHTTPErr({ ... })`: a call to a project helper that always throws (`(): never`, or its body ends in a throw) ends the request too. */
function throwsThroughHelper(modules: ModuleIndex, fn: ResolvedFunction, then: ts.Statement): boolean {
  const only = ts.isBlock(then) ? (then.statements.length === 1 ? then.statements[0] : undefined) : then;
  const expression = only && ts.isExpressionStatement(only) ? only.expression : undefined;
  const call = expression && ts.isAwaitExpression(expression) ? expression.expression : expression;
  if (!call || !ts.isCallExpression(call)) return false;
  const helper = resolveFunction(modules, fn.file, call.expression);
  const body = helper?.node.body;
  if (!helper || !body) return false;
  if (helper.node.type?.kind === ts.SyntaxKind.NeverKeyword) return true;
  return ts.isBlock(body) && body.statements.length > 0 && ts.isThrowStatement(body.statements[body.statements.length - 1]!);
}

/** A condition's text plus the initializers of the locals it reads: `users > 0` after `const users = await db.user.count()`. */
function withLocalInitializers(body: ts.Block, condition: ts.Expression, sourceFile: ts.SourceFile): string {
  const names = new Set<string>();
  const collect = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) names.add(node.text);
    ts.forEachChild(node, collect);
  };
  collect(condition);
  const texts = [condition.getText(sourceFile)];
  for (const statement of body.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && names.has(declaration.name.text) && declaration.initializer) texts.push(declaration.initializer.getText(sourceFile));
    }
  }
  return texts.join('\n');
}
