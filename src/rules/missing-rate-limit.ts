import { ts } from '#typescript';
import { codeText, propertyNameText, skipOuterExpressions } from '../engine/ast/syntax.js';
import { SECRET_FIELD, SECRET_GENERATOR } from '../engine/flows/flow-patterns.js';
import { calleeText } from '../engine/flows/flow-syntax.js';
import type { FlowConfig } from '../engine/config.js';
import type { ModuleIndex } from '../engine/names/index.js';
import { handlerOrCalleesMatch, passwordVerificationCall } from '../engine/routes/public-by-design.js';
import { MAIL_SENDING_CALL } from '../models/mail.js';
import { routeRateLimits, type RateLimitEvidence } from '../engine/routes/rate-limits.js';
import { routeMatchesStep, wordPath } from '../engine/routes/route-path.js';
import type { Route } from '../engine/routes/route.js';
import { routeRef, SEVERITIES, type Severity, type TraceStep } from '../types.js';
import { defineRule } from './define-rule.js';
import { routeSpan, words } from './utils/route-facts.js';
import { takesOnlyContext } from './utils/rpc-input.js';

/** What an abuse-sensitive route lets a client do many times over, and how bad that is. */
interface SensitiveAction {
  /** Short name for the message: "login", "password reset confirmation". */
  label: string;
  severity: Severity;
  /** What unlimited calls allow. */
  harm: string;
  /** Login, sign-up and reset are limited per client; business actions should be limited per user or account. */
  business: boolean;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'ALL', 'MUTATION']);
const READS = new Set(['GET', 'QUERY']);

// Whole words of the literal path segments (or the handler's name), never substrings.
const EXCLUDED = /\b(?:logout|log out|sign ?out|refresh|callback|callbacks|webhooks?|hooks?|revoke|impersonate|google|github|gitlab|facebook|apple|microsoft|twitter|azure|discord|linkedin|slack|saml|sso|oidc|openid|providers?|passkeys?|webauthn|fido2?|(?:via|with|using) o ?auth ?2?|(?:sign ?in|log ?in|login|sign ?up) o ?auth ?2?)\b/;
// Passkeys and OAuth providers prove possession of a key or an external session: nothing to guess.
// (`signInViaOAuth`, `signInOAuth` start the provider's redirect; the token endpoint, `/oauth/token`, is judged below.)
const OTP_WORD = /\b(?:otp|2fa|tfa|mfa|totp|two ?factor|one ?time|passcode|verification code|security code|sms code|code|codes)\b/;
// An OAuth-style authorization code exchange (`/mobile-auth/exchange-code`): the server minted the code with
// enough entropy and binds it to a state or PKCE verifier, so there is nothing to guess, unlike a typed OTP.
const CODE_EXCHANGE = /\bexchange\b|\bauthorization codes?\b/;
const TYPED_CODE = /\b(?:otp|2fa|tfa|mfa|totp|two ?factor|one ?time|passcode|verification code|security code|sms code|pin)\b/;
const VERIFY_VERB = /\b(?:verify|verification|validate|confirm|check|submit|authenticate|login|log in|sign ?in|enable|disable|activate|challenge)\b/;
// `resend` is a code re-send only beside a word of one (`/otp/resend`, `/auth/resend-code`): Resend is also an
// email provider, and `/api/resend/digest` is an app's own job that mails through it.
const RESEND = /\bresend\b/;
// `refreshCustomerVerification`, `refresh-confirmation-email`: a new verification message mailed, a resend by another
// verb; `refresh` alone is a token refresh (excluded above).
const REFRESHED_MESSAGE = /\brefresh(?: \w+){0,2} (?:verification|confirmation|activation|otp|codes?|magic ?links?)\b/;
const RESENT_THING = /\b(?:otp|2fa|tfa|mfa|totp|code|codes|verification|verify|confirmation|confirm|activation|activate|sms|passcode|pin|magic ?links?|login links?|auth|authentication|identity)\b/;
// `send-sign-in-code`, `send-reset-code`, `request-otp`: a code is sent, a few words may sit between.
const PROGRAM_CODE = /\b(?:run|runs|eval|evals|evaluate|evaluation|execute|execution|exec|compile|snippet|snippets|editor|sandbox|script|scripts|format|lint|highlight|playground|interpreter|source)\b/;
// `/test/http/code`, `statusCode`, `countryCode`: a code that names a status or a category, which nothing guesses.
const CATEGORY_CODE = /\b(?:http|status|response|error|exit|country|postal|zip|currency|language|locale|area|color|colour)(?: status)? codes?\b/;
const SEND_CODE = /\b(?:send|request|issue|deliver)(?: \w+){0,3} (?:otp|2fa|code|codes|verification|verify|sms|passcode)\b/;
// `createMessagingLinkCode`, `/devices/generate-pairing-code`: the server mints a code for the caller to show elsewhere; no code is tried.
/** A path's last segment that makes something: `generate`, `regenerate`, `totp-secret/generate`. */
const GENERATE_VERB = /(?:^|\s)(?:generate|regenerate)$/;
const TYPED_OR_CODE = /\b(?:otp|2fa|tfa|mfa|totp|passcode|codes?|secret|recovery)\b/;
const MINT_CODE = /\b(?:create|creates|generate|generates|new|mint|make)(?: \w+){0,3} (?:code|codes)\b/;
const CONTACT_FORM = /^(?:contact|contact us|contactus|contact form|enquiry|inquiry)$/;
// `email/login` is a password login by email; only a link or a passwordless flow is a magic link.
const MAGIC_LINK = /\b(?:magic ?links?|magiclinks?|passwordless|(?:login|sign ?in) links?|email links?)\b/;
// `sign-in-experience` (the sign-in page's settings) and `sso-identities` (linked accounts) are about signing in, not doing it.
const ABOUT_LOGIN = /\b(?:attempts?|history|histories|logs?|audit|stats|statistics|count|counts|report|events?|activity|methods?|options?|providers?|status|settings|page|url|link|redirect|experiences?|exp|identities|preferences?|configuration)\b/;
const LOGIN = /\b(?:login|log in|logon|sign ?in|authenticate)\b|^authentication$/;
const PASSWORD = /\b(?:password|passwords|pass|passwd|pwd)\b/;
const FORGOT = /\bforgot(?:ten)?\b|\b(?:reset|recover|recovery) (?:request|requests|send|email|link|init|initiate|start)\b|\brequest (?:password )?(?:reset|recovery)\b|\bsend (?:password )?reset\b/;
const RESET = /\b(?:reset|recover|recovery|new password|set password)\b/;
const ACCOUNT_CONTEXT = /\b(?:auth|authentication|account|accounts|user|users|identity|credentials?)\b/;
// "create account" as the whole object (`createAccount`, `createAccountWithEmail`), not as the modifier of
// another noun (`createAccountGroup`: a permission group, made by a signed-in admin).
const SIGNUP = /\b(?:sign ?up|register|registration|(?:create|new) account(?= *$| (?:with|for|by|from|via|using|and|request)\b))/;
const COUPON_NOUN = /\b(?:coupons?|promo|promos|promo ?codes?|promotions?|vouchers?|gift ?cards?|giftcards?|discount ?codes?|discounts?|referral ?codes?)\b/;
const COUPON_VERB = /\b(?:apply|applies|redeem|claim|validate|verify|check|use|activate)\b/;
const CART_CONTEXT = /^(?:carts?|baskets?|checkout|orders?|bag)$/;
const INVITE = /\b(?:invite|invites|invitation|invitations)\b/;
// Answering or using an invitation one received (`streamInviteUse`, `redeemInvite`) sends none.
// `handleInvitation`: the invitee processing one they received (accepting it), not an invitation sent.
// Taking one back (`invitations.remove`, `withdrawInvite`) sends none either, nor does changing a pending one
// (`updateInviteAction` setting the role it grants).
const INVITE_RESPONSE = /\b(?:accept|decline|reject|delete|remove|withdraw|cancel|join|revoke|respond|use|redeem|claim|finalize|view|get|list|handle|update|edit|change|modify)\b/;
const SEND_MESSAGE = /\b(?:send|share|forward) (?:\w+ )?(?:message|messages|email|emails|mail|sms|text|notification|notifications|reminder|receipt)\b|\bsms\b|\bshare by email\b|\bemail share\b/;

export default defineRule({
  meta: {
    id: 'missing-rate-limit',
    title: 'Abuse-sensitive route without a rate limit',
    severity: 'high',
    confidence: 'high',
    controls: {
      soc2: ['CC6.6', 'CC7.2'],
      owaspApi: ['API4:2023', 'API2:2023', 'API6:2023'],
      cwe: ['CWE-307', 'CWE-770', 'CWE-799'],
      pciDss: ['8.3.4'],
      hipaa: ['164.312(d)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description:
        'Finds login, sign-up, password-reset, OTP/2FA, magic-link, coupon, invitation, message-sending and config-declared flow routes with no rate limiter at route, router, controller, app or handler level, and signed-in business actions limited only per IP.',
      remediation:
        'Put a rate limiter in front of the route (express-rate-limit, @nestjs/throttler, @fastify/rate-limit, rate-limiter-flexible ...) with a low limit for credential and code checks, and key business actions by user or account rather than only by IP.',
    },
  },
  analyses: ['routes'],
  check(ctx) {
    // Express lets one path be registered several times (`app.post('/api/Users', checkA)`, then `checkB`): one finding per route.
    const reported = new Set<string>();
    for (const route of ctx.routes) {
      if (reported.has(`${route.file} ${route.id}`)) continue;
      // A read limits nothing a client can guess, unless it checks a password (HTTP Basic against a protected link's hash).
      const action = STATE_CHANGING.has(route.method) ? sensitiveAction(route, ctx.config.flows, ctx.modules) : READS.has(route.method) ? readPasswordCheck(route, ctx.modules) : undefined;
      if (!action) continue;
      // A test-session helper that answers 404 in production has nothing to limit there.
      if (route.developmentOnly) continue;
      // A cron job or queue consumer that proves its sender with a signature (`verifyQstashSignature`, a
      // shared secret): the one sender decides how often it runs, no client sends it anything.
      if (route.caller === 'service') {
        ctx.examined({ subject: 'abuse-sensitive route', name: `${route.id} (${action.label})`, file: route.file, line: route.line, outcome: 'exempt', evidence: 'called by a service that proves itself, not by clients' });
        continue;
      }
      const limits = routeRateLimits(ctx.modules, route, ctx.models.rateLimiters);
      const confidence = route.middleware.some((middleware) => middleware.opaque && middleware.kind !== 'rate-limit') ? 'medium' : 'high';
      reported.add(`${route.file} ${route.id}`);
      const routeStep: TraceStep = { file: route.file, line: route.line, column: route.column, message: `${route.id}: ${action.label}` };
      const examined = { subject: 'abuse-sensitive route', name: `${route.id} (${action.label})`, file: route.file, line: route.line };
      // A limit counted by the signed-in user alone counts no one on a route its callers reach anonymously.
      const anonymous = route.auth === 'public';
      const userOnly = (limit: (typeof limits)[number]): boolean => anonymous && limit.keyedBy === 'user-only';
      const perClient = limits.filter((limit) => limit.keyedBy !== 'total' && !userOnly(limit));
      const ipOnlyBusiness = action.business && route.auth === 'authenticated' && limits.every((limit) => limit.keyedBy === 'ip');
      if (limits.length === 0) ctx.examined({ ...examined, outcome: 'finding', evidence: 'no rate limit' });
      else if (perClient.length === 0) ctx.examined({ ...examined, outcome: 'finding', evidence: `limited only ${limits.some(userOnly) ? 'per signed-in user, on a route anonymous callers reach' : 'in total'}: ${limits.map(describeLimit).join(', ')}` });
      else ctx.examined({ ...examined, outcome: ipOnlyBusiness ? 'finding' : 'passed', evidence: limits.map((limit) => `${describeLimit(limit)}, per ${limit.keyedBy}`).join('; ') });
      if (limits.length === 0) {
        ctx.report({
          file: route.file,
          ...routeSpan(ctx, route),
          message: `${route.id} (${action.label}) has no rate limit: ${action.harm}.`,
          severity: action.severity,
          confidence,
          route: routeRef(route),
          trace: [routeStep],
        });
        continue;
      }
      // Gateway stage or method throttling is one budget every client shares: it caps volume, but one
      // client can spend all of it (guessing at that rate) and lock everyone else out.
      if (perClient.length === 0 && limits.some(userOnly)) {
        ctx.report({
          file: route.file,
          ...routeSpan(ctx, route),
          message: `${route.id} (${action.label}) is limited only per signed-in user (${limits.map(describeLimit).join(', ')}): its callers are not signed in, so they carry no user to count by and share one count or skip the limit; per client, ${action.harm}.`,
          severity: oneStepLower(action.severity),
          confidence,
          route: routeRef(route),
          trace: [routeStep, ...limits.map((limit) => ({ file: limit.file, line: limit.line, column: 1, message: `${limit.name}: ${limit.evidence}, keyed by ${limit.keyedBy === 'user-only' ? 'the signed-in user only' : limit.keyedBy}` }))],
          remediation: 'Count anonymous requests too: fall back to the client address when there is no user (getTracker: req.user?.id ?? req.ip), or put an IP-keyed limiter in front of sign-in, sign-up and recovery routes.',
        });
        continue;
      }
      if (perClient.length === 0) {
        ctx.report({
          file: route.file,
          ...routeSpan(ctx, route),
          message: `${route.id} (${action.label}) is limited only in total (${limits.map(describeLimit).join(', ')}): all clients share one budget, so one client can spend it all and lock the others out; per client, ${action.harm}.`,
          severity: oneStepLower(action.severity),
          confidence,
          route: routeRef(route),
          trace: [routeStep, ...limits.map((limit) => ({ file: limit.file, line: limit.line, column: 1, message: `${limit.name}: ${limit.evidence}` }))],
          remediation: 'Add a limit per client in front of the route: a WAF rate-based rule aggregated by IP on the API, a usage plan per API key, or a limiter keyed by account in the handler (rate-limiter-flexible, @upstash/ratelimit).',
        });
        continue;
      }
      // Per the guidance auditors follow, a signed-in business action is limited per user or account.
      if (ipOnlyBusiness) {
        ctx.report({
          file: route.file,
          ...routeSpan(ctx, route),
          message: `${route.id} (${action.label}) is rate-limited only per IP (${limits.map(describeLimit).join(', ')}): a signed-in user can spread requests over many addresses; key the limit by user or account.`,
          severity: 'low',
          confidence,
          route: routeRef(route),
          trace: [routeStep, ...limits.map((limit) => ({ file: limit.file, line: limit.line, column: 1, message: `${limit.name}: ${limit.evidence}, keyed by IP` }))],
          remediation: 'Key the limiter by the signed-in user or account (e.g. express-rate-limit keyGenerator: (req) => req.user.id, a ThrottlerGuard whose getTracker returns the user id).',
        });
      }
    }
  },
});

/**
 * An anonymous route whose handler compares the password the client sends with a stored hash, whatever
 * the route is called: kutt's `POST /api/links/:id/protected` unlocking a password-protected short link,
 * a shared document's or room's password, a password exchanged for a key. Each request is a guess.
 * Signed-in routes re-checking the caller's own password (change e-mail, delete account) are not this.
 */
function passwordCheck(modules: ModuleIndex, route: Route): SensitiveAction | undefined {
  if (route.auth !== 'public' || !route.handler || !takesGuess(route)) return undefined;
  const file = modules.fileOf(route.handler.node);
  const verification = file && passwordVerificationCall(modules, { file, node: route.handler.node, name: route.handler.name });
  if (!verification) return undefined;
  return { label: `password check (${verification})`, severity: 'high', harm: 'a client can try passwords without limit until one matches (brute force)', business: false };
}

/**
 * An anonymous route that sends an email, whatever it is called: kutt's `POST /api/links/report` mailing
 * each report to the operator, a "send me the link" form, a contact form under another name. Each request
 * is one more message in the application's name. A service's endpoint (a webhook proving its sender,
 * a cron job) is not called by visitors.
 */
function mailSending(modules: ModuleIndex, route: Route): SensitiveAction | undefined {
  if (route.auth !== 'public' || route.caller === 'service' || !route.handler) return undefined;
  if (route.publicByDesign && /^(?:webhook|service endpoint)\b/.test(route.publicByDesign)) return undefined;
  const file = modules.fileOf(route.handler.node);
  const call = file && handlerOrCalleesMatch(modules, { file, node: route.handler.node, name: route.handler.name }, MAIL_SENDING_CALL);
  if (!call) return undefined;
  return { label: `sends an email (${call.replace(/\s+/g, '').replace(/\($/, '')})`, severity: 'medium', harm: 'a client can make the server send emails without limit (spam in your name, mail bombing, the sending domain\'s reputation)', business: false };
}

/**
 * kutt's `GET /:id` redirect, which answers a protected link's HTTP Basic credentials with `bcrypt.compare`:
 * a read, but each request is a guess at the link's password. Named exclusions (an OAuth callback) hold.
 */
function readPasswordCheck(route: Route, modules: ModuleIndex): SensitiveAction | undefined {
  const handlerName = route.handler?.name.split('.').pop() ?? '';
  const literal = wordPath(route).split('/').filter((segment) => segment && !/^(?::|\[|\{|\*|\()/.test(segment));
  if (EXCLUDED.test(literal.map(words).join(' ')) || (handlerName !== '<anonymous>' && EXCLUDED.test(words(handlerName)))) return undefined;
  return passwordCheck(modules, route);
}

function oneStepLower(severity: Severity): Severity {
  return SEVERITIES[Math.min(SEVERITIES.indexOf(severity) + 1, SEVERITIES.length - 1)]!;
}

function describeLimit(limit: RateLimitEvidence): string {
  return `${limit.name} at ${limit.file}:${limit.line}`;
}

/** A word of code that could carry a guess: a one-time code, a reset token, a password, a security answer. */
const GUESS_INPUT = /code|otp|token|totp|pin\b|answer|passcode|password|hash|nonce|challenge/i;
/** A call of a function named for minting a token or code (`generateResetPasswordTokenWorkflow(`, `this.createOtp(`). */
const MINTING_CALL = /(?<![\w$])(?:generate|create|mint|issue|make|new)[A-Z_]\w*(?:Token|Code|Otp|OTP|Secret|Nonce)\w*(?=\s*[(<])/g;
/** A call with no arguments, named by its last member: `user.resetPassword()`, `this.account.sendReset()`. */
const NO_ARGUMENT_CALL = /(?<![\w$.])(?:[\w$]+\s*\??\.\s*)*([\w$]+)\s*\(\s*\)/g;
/** Methods that read the request's body: what they return is the client's input. */
const BODY_READER = /^(?:json|formData|text|body|blob|arrayBuffer|valid|parseBody)$/;
/** A request object's type: `Request<...>`, `MedusaRequest<Body>`, `FastifyRequest<{ Body }>`, `Context`. */
const REQUEST_TYPE = /(?:^|\.)\w*(?:Request|Req|Context|Ctx)$/;
/** The client's whole input handed on (not one field of it read): `verify(dto)`, `confirm(req.body)`, `check(input)`. */
// Not the name being declared or assigned (`const body = req.body as { email?: string }`): what is read of it counts, where it is read.
/** `const { userId, reason } = input`: named fields taken out of the input, with no rest element (`...rest` keeps the others whole). */
const DESTRUCTURED_INPUT = /\b(?:const|let|var)\s*\{[^{}.]*\}\s*=\s*(?:await\s+)?(?:body|input|args|dto|payload|data|params|event)\b(?!\s*(?:\?\.|\.|\[))/g;
const WHOLE_INPUT = /(?<![.\w$])(?:body|input|args|dto|payload|data|params|event)\b(?!\s*(?:\?\.|\.|\[|:|=(?![=>])))/;

/**
 * Whether the handler can receive a guess: guessing needs a code, token or password from the
 * client. An admin's `enableTFA(id)` toggling a flag, or `resetGuestUser()` taking nothing, is
 * no code check however it is named. A handler the scan cannot read is taken at its name.
 */
function takesGuess(route: Route): boolean {
  const handler = route.handler?.node;
  const body = handler && 'body' in handler ? (handler.body as ts.Node | undefined) : undefined;
  if (!handler || !body) return true;
  // `req: AuthenticatedMedusaRequest<ResetPasswordRequestType>`: the request's type names the route, not a guess
  // (what the client sends is read in the body); a DTO's type (`dto: VerifyOtpDto`) still counts.
  const parameters = handler.parameters.map((parameter) => (parameter.type && ts.isTypeReferenceNode(parameter.type) && REQUEST_TYPE.test(parameter.type.typeName.getText()) ? parameter.name.getText() : codeText(parameter))).join(' ');
  // A plain server action receives from the client only its arguments (a next-safe-action handler gets
  // them as parsedInput, so it is read whole below): one taking none (`beginMfaEnrollment()`,
  // reading its state from a cookie it set) is given no guess, whatever its body calls its values.
  if (route.kind === 'action' && !route.safeAction && handler.parameters.length === 0) return false;
  // A tRPC procedure whose resolver takes only its context (`.mutation(async ({ ctx }) => ...)`, `totpSetup`
  // minting a secret to show): the client sends it no input, so nothing it sends is a guess.
  if (route.kind === 'trpc' && takesOnlyContext(handler)) return false;
  // `generateResetPasswordTokenWorkflow(...)`, `createVerificationCode(user)`: the server mints the token or
  // code it names; calling it takes no guess from the client (a reset request, not its confirmation).
  // `await user.resetPassword()`: a call given nothing takes nothing from the client, whatever it is named (overseerr's
  // reset request mints the link in the entity's method). Reading the request body (`await req.json()`) is kept.
  const code = codeText(body).replace(MINTING_CALL, '').replace(NO_ARGUMENT_CALL, (call, name: string) => (BODY_READER.test(name) ? call : ''));
  // `this.auth.verify(dto)`, `service.confirm(req.body)`: the whole input goes on, guesses included.
  // `const { userId } = input`: the fields named are all that is taken from it, and GUESS_INPUT has read their names.
  return GUESS_INPUT.test(parameters) || GUESS_INPUT.test(code) || WHOLE_INPUT.test(code.replace(DESTRUCTURED_INPUT, ''));
}

/**
 * The handler takes the invitation's own token or code (`invitationToken`, `inviteCode`): the client answers
 * an invitation it received (`POST /api/auth/invitation` accepting it after sign-in), it sends none.
 */
function answersHeldInvitation(route: Route): boolean {
  const handler = route.handler?.node;
  const body = handler && 'body' in handler ? (handler.body as ts.Node | undefined) : undefined;
  if (!handler || !body) return false;
  const held = /\binvit\w*?_?(?:token|code)\b/i;
  return handler.parameters.some((parameter) => held.test(codeText(parameter))) || held.test(codeText(body));
}

/**
 * The handler gives a secret field a freshly generated value (`reset_password_token: randomUUID()`, `code: nanoid(6)`):
 * it issues the token or code (kutt's `POST /api/auth/reset-password`), whose name in its body is no guess.
 */
function mintsSecret(route: Route): boolean {
  const body = route.handler?.node && 'body' in route.handler.node ? (route.handler.node.body as ts.Node | undefined) : undefined;
  if (!body) return false;
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isPropertyAssignment(node) && SECRET_FIELD.test(propertyNameText(node.name) ?? '')) {
      const value = skipOuterExpressions(node.initializer);
      if (ts.isCallExpression(value) && SECRET_GENERATOR.test(calleeText(value))) found = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return found;
}

/** The handler reads a reset proof from what the client sent: a token, code, OTP or security answer. */
function takesResetProof(route: Route): boolean {
  const handler = route.handler?.node;
  const body = handler && 'body' in handler ? (handler.body as ts.Node | undefined) : undefined;
  if (!handler || !body) return true;
  const proof = '\\w*(?:token|Token|code|Code|otp|Otp|OTP|answer|Answer)\\w*';
  const fieldRead = new RegExp(`\\b(?:input|body|args|dto|data|params|query|payload)\\s*\\??\\.\\s*${proof}`);
  const named = new RegExp(`\\b${proof}\\b`);
  // `const { token } = await prisma.passwordResetToken.create(...)`: the token the server just minted, not one the client sent.
  const destructured = new RegExp(`\\b(?:const|let|var)\\s*\\{[^}]*\\b${proof}\\b[^}]*\\}\\s*=(?!\\s*(?:await\\s+)?[\\w$.]+\\.(?:create|insert|insertOne|upsert|save)\\s*\\()`);
  const code = codeText(body);
  return handler.parameters.some((parameter) => named.test(codeText(parameter))) || fieldRead.test(code) || destructured.test(code);
}

/** The abuse-sensitive action a route performs, from its literal path segments, then its handler's name, then config flows. */
function sensitiveAction(route: Route, flows: readonly FlowConfig[], modules: ModuleIndex): SensitiveAction | undefined {
  const segments = wordPath(route).split('/').filter(Boolean);
  const literal = segments.filter((segment) => !/^(?::|\[|\{|\*|\()/.test(segment));
  const parameters = segments.filter((segment) => !literal.includes(segment)).map((segment) => segment.replace(/[^A-Za-z]/g, '').toLowerCase());
  const pathPhrase = literal.map(words).join(' ');
  const handlerName = route.handler?.name.split('.').pop() ?? '';
  const handlerPhrase = handlerName && handlerName !== '<anonymous>' ? words(handlerName) : '';
  const excluded = (phrase: string): boolean => EXCLUDED.test(phrase.replace(REFRESHED_MESSAGE, (match) => match.replace(/^refresh/, 'resend')));
  if (excluded(pathPhrase) || excluded(handlerPhrase)) return undefined;

  const fromPath = actionOf(pathPhrase, literal, parameters, route, segments.length);
  if (fromPath) return fromPath;
  const fromHandler = handlerPhrase ? actionOf(handlerPhrase, [handlerName], [], route, segments.length) : undefined;
  if (fromHandler) return fromHandler;
  const checksPassword = passwordCheck(modules, route);
  if (checksPassword) return checksPassword;
  const mails = mailSending(modules, route);
  if (mails) return mails;
  const flow = flows.find((candidate) => candidate.steps.some((step) => routeMatchesStep(step, route)));
  if (flow) {
    return { label: `step of the ${flow.name} flow`, severity: 'medium', harm: `a client can repeat this step of the ${flow.name} flow without limit (automated business-flow abuse)`, business: true };
  }
  return undefined;
}

/** `segmentCount`: how many segments the route's path has, parameters included (a collection has no id segment). */
function actionOf(phrase: string, literal: readonly string[], parameters: readonly string[], route: Route, segmentCount: number): SensitiveAction | undefined {
  const lastWords = literal.length ? words(literal.at(-1)!) : '';
  const anonymous = route.auth !== 'authenticated';

  // Coupons first: `/discount-code/validate` is a coupon, not a one-time code.
  if (COUPON_NOUN.test(phrase) || /\bredeem\b/.test(phrase)) {
    // Taking a coupon off (`removeCouponCode`, DELETE /cart/coupon) tries no code: nothing to guess.
    if (/\b(?:remove|removes|delete|clear|unapply|detach|drop)\b/.test(phrase) || route.method === 'DELETE') return undefined;
    const cartParent = literal.length >= 2 && CART_CONTEXT.test(literal.at(-2)!.toLowerCase()) && COUPON_NOUN.test(lastWords);
    if (/\bredeem\b/.test(phrase) || (COUPON_NOUN.test(phrase) && COUPON_VERB.test(phrase)) || cartParent) {
      const giftCard = /\bgift ?cards?\b|\bgiftcards?\b/.test(phrase);
      return {
        label: giftCard ? 'gift card redemption' : 'coupon redemption',
        severity: 'medium',
        harm: 'a client can try codes or redeem them without limit (code guessing, promotion abuse)',
        business: true,
      };
    }
    // Listing or reading the order's coupons: no code is tried either.
    return undefined;
  }
  // `/invite/:token/signup`: the invitation's own token in the path; the client answers one it holds.
  const heldInPath = parameters.some((parameter) => /^(?:invit\w*)?(?:token|code)$/.test(parameter));
  if (INVITE.test(phrase) && !INVITE_RESPONSE.test(phrase) && !heldInPath && !answersHeldInvitation(route) && (route.method === 'POST' || route.method === 'ALL' || route.method === 'MUTATION')) {
    return { label: 'invitation', severity: 'medium', harm: 'a client can send invitations without limit (spam sent in your name)', business: true };
  }
  const resend = (RESEND.test(phrase) && RESENT_THING.test(phrase)) || REFRESHED_MESSAGE.test(phrase);
  if (resend || SEND_CODE.test(phrase)) {
    // Sending a password-reset code is the reset request.
    if (!resend && RESET.test(phrase) && PASSWORD.test(phrase)) {
      return { label: 'password reset request', severity: 'medium', harm: 'a client can trigger reset emails without limit (email bombing, account enumeration)', business: false };
    }
    return { label: resend ? 'verification code resend' : 'verification code send', severity: 'medium', harm: 'a client can trigger codes or verification messages without limit (SMS/email bombing, messaging cost)', business: false };
  }
  const exchangesMintedCode = CODE_EXCHANGE.test(phrase) && !TYPED_CODE.test(phrase);
  // `testRunCodeEval`, `formatCode`, `executeCode`: program code, not a one-time code.
  const programCode = (PROGRAM_CODE.test(phrase) || CATEGORY_CODE.test(phrase)) && !TYPED_CODE.test(phrase);
  // `/backup-codes/generate`, `/totp-secret/generate`, `/totp/secret`: the path ends in making the codes or the
  // shared secret (the verb after its noun, as REST paths put it); whatever namespace it sits under
  // (`/verification/...`), the server makes them and the client sends no guess.
  const before = literal.length >= 2 ? words(literal.at(-2)!) : '';
  const generatedHere = (GENERATE_VERB.test(lastWords) && TYPED_OR_CODE.test(`${before} ${lastWords}`)) || (/^(?:\w+ )?secret$/.test(lastWords) && TYPED_CODE.test(`${before} ${lastWords}`));
  const mintsCode = (MINT_CODE.test(phrase) && !VERIFY_VERB.test(phrase)) || generatedHere;
  // `completeSmsChallenge`, `verifySms`: the code texted to the user, checked; not a message sent.
  const smsCheck = /\bsms\b/.test(phrase) && VERIFY_VERB.test(phrase) && !/\b(?:send|resend)\b/.test(phrase);
  if ((OTP_WORD.test(phrase) || smsCheck) && (VERIFY_VERB.test(phrase) || OTP_WORD.test(lastWords)) && !exchangesMintedCode && !programCode && !mintsCode && takesGuess(route)) {
    return { label: 'one-time code verification', severity: 'high', harm: 'a client can try one-time codes without limit until one matches (OTP/2FA brute force)', business: false };
  }
  if (MAGIC_LINK.test(phrase)) {
    return { label: 'magic-link request', severity: 'medium', harm: 'a client can trigger sign-in emails without limit (email bombing, account enumeration)', business: false };
  }
  if (FORGOT.test(phrase)) {
    return { label: 'password reset request', severity: 'medium', harm: 'a client can trigger reset emails without limit (email bombing, account enumeration)', business: false };
  }
  const tokenParameter = parameters.some((parameter) => /token|code|key|hash/.test(parameter));
  // A signed-in user setting a new password with no token or code in hand (langfuse's credentials.resetPassword
  // after an email-verified sign-in): the session is the proof, nothing is guessed.
  const signedInWithoutProof = !anonymous && !tokenParameter && !takesResetProof(route);
  // `{ reset_password_token: randomUUID() }` with no token read from the client: it mints the link it mails, the request.
  const issuesOnly = !tokenParameter && mintsSecret(route) && !takesResetProof(route);
  if (RESET.test(phrase) && (PASSWORD.test(phrase) || ACCOUNT_CONTEXT.test(phrase) || tokenParameter) && !/\bchange\b/.test(phrase) && !signedInWithoutProof && !issuesOnly && (tokenParameter || takesGuess(route))) {
    return { label: 'password reset confirmation', severity: 'high', harm: 'a client can guess reset tokens, codes or security answers without limit', business: false };
  }
  // `POST /auth/:actor/:provider/reset-password` taking only the account's identifier: it mints and mails the token.
  if (anonymous && RESET.test(phrase) && PASSWORD.test(phrase) && !/\bchange\b/.test(phrase)) {
    return { label: 'password reset request', severity: 'medium', harm: 'a client can trigger reset emails without limit (email bombing, account enumeration)', business: false };
  }
  // `reset-login-attempts`, `login-history`: the sign-in is the subject of the route, not what it does.
  if (LOGIN.test(lastWords) && !ABOUT_LOGIN.test(lastWords)) {
    return { label: 'login', severity: 'high', harm: 'a client can try passwords without limit (credential stuffing / brute force)', business: false };
  }
  // `POST /oauth/token` (password grant), `POST /auth/token`, `POST /sessions`: a credential exchange before there is a user.
  if (anonymous && /^(?:token|sessions?)$/.test(lastWords) && literal.length === segmentCount) {
    return { label: 'login', severity: 'high', harm: 'a client can try passwords without limit (credential stuffing / brute force)', business: false };
  }
  // `POST /api/org/:tenantId/oauth/token`: the OAuth 2.0 token endpoint mounted under a tenant. The parameter says
  // where it is mounted, not what the token is for; the grant's authorization code, refresh token or password is
  // what a client can guess.
  const endsWithLiteral = segmentCount > 0 && literal.length > 0 && wordPath(route).split('/').filter(Boolean).at(-1) === literal.at(-1);
  if (anonymous && endsWithLiteral && lastWords === 'token' && /^oauth2?$/i.test(literal.at(-2) ?? '') && takesGuess(route)) {
    return { label: 'OAuth token exchange', severity: 'high', harm: 'a client can try authorization codes, refresh tokens or passwords without limit', business: false };
  }
  // `POST /users` or `POST /api/accounts` (the collection, no id) from an anonymous client is sign-up;
  // under an admin area (`/admin/users`) it is an administrator creating an account.
  const collectionSignup = (route.method === 'POST' || route.method === 'MUTATION') && /^(?:users?|accounts?|members?)$/.test(lastWords) && literal.length === segmentCount && !literal.some((segment) => /^(?:admin|administration|backoffice)$/i.test(String(segment)));
  if (anonymous && (SIGNUP.test(phrase) || collectionSignup)) {
    return { label: 'sign-up', severity: 'medium', harm: 'a client can create accounts without limit (fake accounts, spam)', business: false };
  }
  const posts = route.method === 'POST' || route.method === 'ALL' || route.method === 'MUTATION';
  if (SEND_MESSAGE.test(phrase) || (posts && CONTACT_FORM.test(lastWords))) {
    return { label: 'message sending', severity: 'medium', harm: 'a client can send messages without limit (spam, messaging cost)', business: true };
  }
  return undefined;
}

