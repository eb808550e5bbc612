/**
 * Which routes advance a multi-step business process, read from their path and handler names.
 * Words are matched whole (path segments and camelCase/kebab words), never as substrings:
 * `shipping-address` is not "ship", `completeness` is not "complete".
 */
import { isStateChanging, type Route } from '../routes/route.js';
import { wordPath } from '../routes/route-path.js';
import { nameWords } from '../text.js';

export type StepKind =
  | 'checkout'
  | 'payment'
  | 'money-movement'
  | 'approval'
  | 'coupon'
  | 'verification'
  | 'password-reset'
  | 'subscription'
  | 'fulfilment'
  | 'account-closure'
  | 'data-export'
  | 'cancellation';

export interface NamedStep {
  kind: StepKind;
  /** The words that made it one, for messages: "finalize", "reset password". */
  because: string;
}

/** Money leaves or moves: a skipped or replayed step costs money (critical). */
export const MONEY_KINDS: ReadonlySet<StepKind> = new Set(['money-movement', 'payment']);

// Each entry: the kind, and word sequences (all words must appear, in any order) that name it.
// Single words only where the word itself names a flow step; "reset", "complete" and "confirm" need a noun
// (a factory reset or a "setup complete" flag is not a business flow).
const STEP_WORDS: Array<{ kind: StepKind; words: string[][] }> = [
  { kind: 'money-movement', words: [['refund'], ['withdraw'], ['withdrawal'], ['transfer'], ['payout'], ['disburse'], ['capture']] },
  { kind: 'payment', words: [['pay'], ['charge'], ['purchase']] },
  {
    kind: 'checkout',
    words: [['finalize'], ['finalise'], ['checkout'], ['place', 'order'], ['submit', 'order'], ['confirm', 'order'], ['complete', 'order'], ['confirm', 'payment'], ['complete', 'payment'], ['complete', 'checkout'], ['complete', 'purchase'], ['confirm', 'booking'], ['confirm', 'reservation']],
  },
  { kind: 'approval', words: [['approve'], ['approval'], ['reject'], ['refuse'], ['decline'], ['deny'], ['accept'], ['execute'], ['sign', 'off'], ['submit']] },
  { kind: 'coupon', words: [['redeem'], ['apply', 'coupon'], ['apply', 'promo'], ['apply', 'voucher'], ['apply', 'discount'], ['gift', 'card'], ['claim']] },
  // Under an auth path `reset` is the password's (`POST /auth/reset`).
  { kind: 'password-reset', words: [['reset', 'password'], ['password', 'reset'], ['reset', 'token'], ['auth', 'reset']] },
  {
    kind: 'verification',
    words: [['verify'], ['verification'], ['activate'], ['otp'], ['2fa'], ['mfa'], ['totp'], ['confirm', 'email'], ['confirm', 'code'], ['verify', 'code'], ['confirm', 'phone'], ['confirm', 'account']],
  },
  { kind: 'subscription', words: [['upgrade'], ['downgrade'], ['cancel', 'subscription'], ['renew'], ['resume', 'subscription']] },
  { kind: 'fulfilment', words: [['fulfil'], ['fulfill'], ['fulfilment'], ['fulfillment'], ['ship'], ['dispatch'], ['deliver']] },
  // Not "deactivate" alone: deactivating an API key, a webhook or a rule switches a setting off.
  { kind: 'account-closure', words: [['close', 'account'], ['delete', 'account'], ['deactivate', 'account']] },
  { kind: 'data-export', words: [['export', 'data'], ['data', 'export']] },
  { kind: 'cancellation', words: [['cancel']] },
];

/** How a step found by words other than its own name is called in messages. */
const STEP_LABELS: ReadonlyMap<string, string> = new Map([['auth reset', 'password reset']]);

/** Settings records named after the flow they configure (`FulfillmentMethod`, `ShippingRestriction`, `PaymentOptions`). */
const CONFIGURATION_NOUNS = new Set(['method', 'methods', 'type', 'types', 'restriction', 'restrictions', 'rule', 'rules', 'option', 'options', 'setting', 'settings', 'provider', 'providers', 'zone', 'zones', 'rate', 'rates', 'template', 'templates', 'config', 'configuration']);
/** The verbs of editing such a record. */
const CONFIGURATION_VERBS = new Set(['create', 'update', 'delete', 'add', 'remove', 'edit', 'rename', 'enable', 'disable', 'set', 'upsert']);

/**
 * What a "submit" only records when it names one of these: an opinion on something (`submitPreviewFeedback`,
 * `/ratings/submit`). It moves nothing through a flow; a second submit overwrites or adds an opinion.
 */
const OPINION_NOUNS = new Set(['feedback', 'rating', 'ratings', 'review', 'reviews', 'comment', 'comments', 'survey', 'surveys', 'nps', 'testimonial', 'testimonials', 'reaction', 'reactions']);

/**
 * What an "accept" only records when it names one of these: the caller's consent to a text (`acceptTerms`,
 * `/privacy-policy/accept`). No flow moves; a second acceptance stamps the time again.
 */
const CONSENT_NOUNS = new Set(['terms', 'term', 'tos', 'policy', 'privacy', 'cookie', 'cookies', 'eula', 'agreement', 'conditions', 'consent', 'disclaimer', 'gdpr']);

/** Verbs that issue coupons, vouchers and gift cards (`createGiftCards`, `POST /coupons/generate`): the code's first step, not its redemption. */
const ISSUING_VERBS = new Set(['create', 'generate', 'issue', 'add', 'new', 'mint', 'bulk']);

/**
 * Step kinds that end where any state may go, so a step known only by its name has no earlier state to
 * require: an account holder may delete or close their account from any state, and a second call finds
 * nothing left to close. A state field the code writes (`accountStatus: 'CLOSED'`) still makes it a step.
 */
export const ANY_STATE_KINDS: ReadonlySet<StepKind> = new Set(['account-closure']);

/** A GET is a step only as a link from an email or SMS: it carries a token or names what it verifies. */
const LINK_WORDS = new Set(['email', 'phone', 'token', 'account', 'link', 'reset', 'password']);

/** Steps of a password reset or verification that only request the email/code: no state to check yet. */
const REQUEST_WORDS = new Set(['forgot', 'request', 'send', 'resend', 'initiate', 'start', 'begin']);


/**
 * The step kind a route's path and handler name give it, if any. Parameters are left out of the
 * path words so `/transfers/:transferId` still reads "transfers" but `:shipmentId` adds nothing.
 */
export function namedStep(route: Pick<Route, 'method' | 'path' | 'kind'> & { handler?: { name: string } }): NamedStep | undefined {
  if (!isStateChanging(route.method)) {
    // Verification links are GETs that change state (`GET /verify-email?token=`); nothing else in GET is a step.
    const step = matchStep(route);
    if (!step || (step.kind !== 'verification' && step.kind !== 'password-reset')) return undefined;
    return nameWords(wordPath(route)).some((word) => LINK_WORDS.has(word)) ? step : undefined;
  }
  return matchStep(route);
}

/**
 * Routes that (re)send or request something: "resend email", "request reset", "send invite". Even when
 * they set a status (`SENT`), they start or repeat a message, not advance a flow past a check.
 */
export function isRequestRoute(route: Pick<Route, 'path' | 'kind'> & { handler?: { name: string } }): boolean {
  return verbWords(route).some((word) => REQUEST_WORDS.has(word));
}

/**
 * The words that say what a route does: its last literal path segment and the first word of its
 * handler's name. "request" in `acceptRequestToJoin` or `/access-requests/:id/approve` is a noun.
 */
function verbWords(route: Pick<Route, 'path' | 'kind'> & { handler?: { name: string } }): string[] {
  const last = wordPath(route).split('/').filter((segment) => segment.length > 0 && !/^[:[{*]/.test(segment)).at(-1) ?? '';
  const handlerName = route.handler?.name.split('.').at(-1) ?? '';
  const first = handlerName === '<anonymous>' ? [] : nameWords(handlerName).slice(0, 1);
  return [...nameWords(last), ...first];
}

/** The first word of the last literal path segment and of the handler's name: `createGiftCards` -> create, `/coupons/generate` -> generate. */
function leadingVerbs(route: Pick<Route, 'path' | 'kind'> & { handler?: { name: string } }): string[] {
  const last = wordPath(route).split('/').filter((segment) => segment.length > 0 && !/^[:[{*]/.test(segment)).at(-1) ?? '';
  const handlerName = route.handler?.name.split('.').at(-1) ?? '';
  return [nameWords(last)[0], handlerName === '<anonymous>' ? undefined : nameWords(handlerName)[0]].filter((word): word is string => word !== undefined);
}

function routeWords(route: Pick<Route, 'path' | 'kind'> & { handler?: { name: string } }): string[] {
  // A parameter's name says what the client sends (`/reset/:token` takes the reset token), never `*`.
  const pathWords = wordPath(route)
    .split('/')
    .filter((segment) => segment.length > 0 && segment !== '*')
    .map((segment) => segment.replace(/^[:[{]+|[\]}?]+$/g, '').replace(/^\.\.\./, ''))
    .flatMap(nameWords);
  const handlerName = route.handler?.name.split('.').at(-1) ?? '';
  return [...pathWords, ...(handlerName === '<anonymous>' ? [] : nameWords(handlerName))];
}

function matchStep(route: Pick<Route, 'path' | 'kind'> & { handler?: { name: string } }): NamedStep | undefined {
  // Plural path segments name the same thing: /coupons/:code/apply reads "apply coupon".
  const words = new Set(routeWords(route).flatMap((word) => (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? [word, word.slice(0, -1)] : [word])));
  if (isRequestRoute(route)) {
    // "forgot password", "send otp", "request reset": the first step; the server has nothing to check yet.
    return undefined;
  }
  // The most specific name wins: "confirm email" is a verification even though "confirm" alone is checkout.
  let best: NamedStep | undefined;
  let bestLength = 0;
  for (const { kind, words: sequences } of STEP_WORDS) {
    for (const sequence of sequences) {
      if (sequence.length > bestLength && sequence.every((word) => words.has(word))) {
        best = { kind, because: STEP_LABELS.get(sequence.join(' ')) ?? sequence.join(' ') };
        bestLength = sequence.length;
      }
    }
  }
  // `createFlatRateFulfillmentMethod`, `updatePaymentMethod`, `deleteShippingRestriction`: a create, edit or
  // delete of a settings record (a method, type, rule, option a shop offers) named after the flow it
  // configures. Nothing moves through the flow; the step word qualifies the noun.
  if (best && bestLength === 1 && CONFIGURATION_VERBS.has(verbWords(route).at(-1) ?? '') && routeWords(route).some((word) => CONFIGURATION_NOUNS.has(word))) return undefined;
  // `submitPreviewFeedback`, `/ratings/submit`: an opinion recorded, not a submission for review.
  if (best?.because === 'submit' && [...words].some((word) => OPINION_NOUNS.has(word))) return undefined;
  // `acceptTerms`, `/privacy-policy/accept`: consent recorded, not an offer or invitation accepted.
  if (best?.because === 'accept' && [...words].some((word) => CONSENT_NOUNS.has(word))) return undefined;
  // `createGiftCards`, `POST /coupons/generate`: issuing codes is the first step; redeeming one is the step that needs a check.
  if (best?.kind === 'coupon' && best.because !== 'redeem' && best.because !== 'claim' && leadingVerbs(route).some((word) => ISSUING_VERBS.has(word))) return undefined;
  // "transfer" moves money when money is the subject (`/transfers`, `transferFunds`, `/wallet/transfer`); moving a
  // link, website or domain to another workspace (`/links/:id/transfer`) is an ownership change, not a payment.
  if (best?.because === 'transfer' && !routeWords(route).some((word) => MONEY_CONTEXT.has(word))) return undefined;
  // `POST /stripe/checkout-session`, `createCheckoutSession`: opening a provider-hosted checkout starts the
  // payment; the provider's page takes it and its signed webhook completes it. Completing one is still a step.
  if (best?.because === 'checkout' && words.has('session') && !routeWords(route).some((word) => COMPLETING_WORDS.has(word))) return undefined;
  return best;
}

const COMPLETING_WORDS = new Set(['complete', 'completed', 'confirm', 'finalize', 'finalise', 'place', 'submit', 'capture', 'fulfil', 'fulfill', 'success', 'succeeded']);

const MONEY_CONTEXT = new Set(['transfers', 'funds', 'fund', 'money', 'balance', 'balances', 'wallet', 'wallets', 'bank', 'payment', 'payments', 'credit', 'credits', 'points', 'amount', 'cash', 'coins', 'tokens', 'p2p', 'wire', 'ach', 'sepa', 'remittance']);

/** Words that make a route a sign-in, sign-out, sign-up or session-token route on their own. */
const AUTH_WORDS: string[][] = [['login'], ['logon'], ['logout'], ['signin'], ['signout'], ['signup'], ['sign', 'in'], ['sign', 'out'], ['sign', 'up'], ['log', 'in'], ['log', 'out'], ['refresh', 'token']];
/** Words that name an auth route only inside an auth context: `/auth/register` is sign-up, `/events/:id/register` is not. */
const AUTH_CONTEXT_WORDS: string[][] = [['register'], ['refresh'], ['token'], ['callback'], ['session'], ['authorize']];
const AUTH_CONTEXT = new Set(['auth', 'oauth', 'oauth2', 'sso', 'oidc', 'openid', 'saml', 'jwt', 'token', 'account', 'user', 'identity']);
/** Prefixes that say nothing about the route: `/api/v1/register` is a root-level register. */
const NEUTRAL_SEGMENT = /^(?:api|v\d+|rest|public|internal)$/;

/**
 * Sign-in, sign-out, sign-up, token refresh and OAuth callback routes: they open or close a session,
 * they do not advance a business flow, so they are never flow steps. A second factor or a reset inside
 * them (`/login/verify-otp`, `/auth/reset-password/confirm`) is still a verification or reset step.
 */
export function isAuthRoute(route: Pick<Route, 'method' | 'path' | 'kind'> & { handler?: { name: string } }): boolean {
  const named = matchStep(route);
  if (named && (named.kind === 'verification' || named.kind === 'password-reset')) return false;
  const segments = wordPath(route).split('/').filter((segment) => segment.length > 0);
  // NextAuth / Auth.js catch-all (`/api/auth/[...nextauth]`) is the whole sign-in flow.
  if (segments.some((segment) => /nextauth/i.test(segment))) return true;
  const literal = segments.filter((segment) => !/^[:[{*]/.test(segment));
  const handlerWords = (route.handler?.name ?? '')
    .split('.')
    .filter((part) => part !== '<anonymous>')
    .flatMap(nameWords);
  const all = [...literal.flatMap(nameWords), ...handlerWords];
  // Plural segments name the same thing: `POST /sessions` opens a session.
  const words = new Set(all.flatMap((word) => (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? [word, word.slice(0, -1)] : [word])));
  const has = (sequence: string[]): boolean => sequence.every((word) => words.has(word));
  if (AUTH_WORDS.some(has)) return true;
  // `/checkout/session`, `/payments/callback`, `/events/:id/register`: a business step that only shares a word.
  if (named) return false;
  const matched = AUTH_CONTEXT_WORDS.filter(has).flat();
  if (matched.length === 0) return false;
  // `/oauth/google/callback`, `/auth/refresh`, `AuthController.register`, `POST /api/register`, `POST /token`.
  const rootLevel = literal.filter((segment) => !NEUTRAL_SEGMENT.test(segment)).length <= 1;
  return rootLevel || new Set(matched).size > 1 || [...words].some((word) => AUTH_CONTEXT.has(word) && !matched.includes(word));
}
