/**
 * The names, calls and packages the business-flow walk recognises: state fields, one-time secrets,
 * money movers, token and webhook verifiers, state machines, policy checks. Library knowledge as
 * data; route-flow.ts holds the matching logic. The token-checking packages are in src/models/auth.ts,
 * the state-machine packages in src/models/state-machines.ts.
 */

/**
 * Where a background job stands (`embeddingStatus`, `crawlStatus`, `taggingStatus` of karakeep's bookmarks):
 * the worker's progress, which an admin or user puts back to 'pending' to run it again. No business flow.
 */
const BACKGROUND_JOB = '(?:embedding|embeddings|crawl|crawling|crawler|tagging|summari[sz]ation|summary|index|indexing|reindex|vectori[sz]ation|ocr|thumbnail|transcod(?:e|ing)|render(?:ing)?|extraction|enrichment|processing)';
/** Filter fields that name one record: its id, public id, slug or code. */
export const RECORD_KEY = /^(?:id|_id|uuid|guid|public_?id|pk|slug|code|token|key|number)$/i;

/**
 * Query operators that exclude the values they name: Sequelize `[Op.not]`/`[Op.ne]`/`[Op.notIn]`,
 * Mongo `$ne`/`$nin`/`$not`, Prisma `{ not }`/`{ notIn }`, TypeORM `Not(...)`, drizzle `ne()`/`notInArray()`.
 * `status: { [Op.notIn]: ['PAID', 'CANCELLED'] }` requires no state of the list: it forbids them.
 */
export const NEGATED_QUERY_OPERATOR = /^(?:\$?(?:ne|nin|not|notIn|notLike|notILike)|Not|notInArray|notIlike|(?:and|or)?[wW]hereNot\w*)$/;
export const STATE_FIELD = new RegExp(
  `^(?!${BACKGROUND_JOB}(?:Status|State|_status|_state)$)(?:(?:status|state|stage|step|phase|lifecycle)$|.*[a-z](?:Status|State|Stage|Step|Phase)$|.*_(?:status|state|stage|step|phase)$)`,
);

export const EXPIRY_FIELD = /expir|expires|valid_?until|^exp$|^ttl$/i;

/**
 * When a one-time token or code was issued (`resetTokenDate`, `codeSentAt`, `otp_created_at`): a check of
 * its age (`isBefore(user.resetTokenDate, subDays(now, 7))`) is the expiry check, written from the other end.
 */
export const TOKEN_ISSUED_FIELD = /(?:token|code|otp|pin|nonce|magic_?link)_?(?:date|time|timestamp|(?:issued|created|sent|generated)_?(?:at|on|date|time)?)$/i;

export const REPLAY_FIELD =
  /^(?:is_?)?(?:used|redeemed|consumed|claimed|applied|processed|spent)(?:_?at|_?on)?$|idempotenc|^(?:times_?used|usage_?count|used_?count|uses|max_?uses|remaining(?:_?uses)?|redemptions?(?:_?count)?)$/i;

/** Flags a state check reads (`if (campaign.isLive) throw`, `if (post.published) return 409`). */
export const STATE_FLAG = /^(?:is_?|has_?been_?)?(?:verified|confirmed|activated|approved|paid|completed|cancell?ed|shipped|delivered|locked|active|enabled|finalized|submitted|closed|live|published|archived|email_?verified|phone_?verified)(?:_?at)?$/i;

/** When a record reached a state: `trustedAt`, `identityVerifiedAt`, `archived_at` (not bookkeeping such as createdAt/updatedAt). */
export const STATE_TIMESTAMP = /^(?!(?:created|updated|modified|inserted|last|seen|synced|imported|indexed|started))[a-z][a-zA-Z]*?(?:[a-z]ed|paid|sent|done)(?:At|On|_at|_on)$/;

export const LOADER = /^(?:find|get|load|fetch|retrieve|lookup|read|select|query|one|first|require|ensure)/i;

export const PAYMENT_LOOKUP = /\.(?:paymentIntents|checkout\.sessions|charges|setupIntents|invoices|subscriptions)\.(?:retrieve|list|search)\b|\.(?:orders|payments|captures)\.get\b|retrievePayment|getPayment(?:Status|Intent)?|verifyPayment|fetchPayment/i;

// Not `checkout.sessions.create` or `billingPortal.sessions.create`: a session only sends the customer
// to the provider's page; the money moves there, and the app learns it from a verified webhook.
// `stripe.transfers.create`, `this.stripe.refunds.create`; not `this.transfers.create` (the class's own
// repository of transfer records, TypeORM's `create` only builds an entity).
export const MONEY_CALL =
  /(?<!^this|\bthis)\.(?:paymentIntents|charges|refunds|transfers|payouts|topups)\.(?:create|confirm|capture)\b|\b(?:paypal|braintree|adyen|square|razorpay|mollie)\b[\w.]*\.(?:capture|refund|sale|create|payout)\b/i;

export const MONEY_HOST = /api\.stripe\.com|api(?:-m)?\.(?:sandbox\.)?paypal\.com|api\.braintreegateway\.com|checkout-test\.adyen\.com|api\.razorpay\.com/;

export const TOKEN_VERIFIERS = /(?:^|\.)(?:jwt|jsonwebtoken|jwtService|jose)\.verify(?:Async)?$|^jwtVerify$|\.totp\.verify$|\.hotp\.verify$|(?:authenticator|totp|hotp|otplib|speakeasy)[\w.]*\.(?:verify|check|verifyDelta)$|^verifyTotp$|^verifyOtp$|(?:bcrypt|argon2|bcryptjs)\.(?:compare|verify)$|timingSafeEqual$/;

/**
 * Licence-key services whose call asks the issuer whether a key is genuine (and counts its activations):
 * the provider's answer is the proof a client cannot forge, as a verified token is. Package -> the exports that check.
 */
export const LICENSE_KEY_CHECKS: ReadonlyMap<string, readonly string[]> = new Map([
  ['@lemonsqueezy/lemonsqueezy.js', ['activateLicense', 'validateLicense']],
  ['keygen', ['validateKey', 'validateLicenseKey']],
]);

/** The same checks over HTTP: Lemon Squeezy's, Gumroad's and Keygen's licence endpoints. */
export const LICENSE_HOST = /api\.lemonsqueezy\.com\/v1\/licenses\/(?:activate|validate)|api\.gumroad\.com\/v2\/licenses\/verify|api\.keygen\.sh\/v1\/accounts\/[^'"`]*\/licenses\/actions\/validate-key/;

/** Flags whose setting to true is a step of a flow (`isPaid = true`); `active`/`enabled` toggles are settings, not steps. */
export const WRITTEN_FLAG = /^(?:is_?)?(?:paid|delivered|shipped|completed|cancell?ed|approved|confirmed|verified|redeemed|used|fulfill?ed|refunded|finalized|submitted|email_?verified|phone_?verified)$/i;

export const BALANCE_FIELD = /balance|credits?$|funds|wallet/i;

export const POLICY_CALL = /^(?:authorize|authorise|can|cannot|assertCan|ensureCan|checkPermission|enforce)$/;

export const STATE_ACTION = /^(?:cancel|approve|reject|publish|archive|restore|submit|complete|confirm|finalize|refund|ship|deliver|close|reopen|accept|decline|pay|redeem|activate|deactivate|transfer|withdraw|transition)\w*$/i;

/** `canTransferWebsiteToUser(auth, id, userId)`, `mayApprove(user, expense)`: the project's policy for this very action. */
export const POLICY_PREDICATE = /^(?:can|may|isAllowedTo|allowedTo)([A-Z]\w*)$/;

/** Fields that hold a one-time secret: a reset token, a verification code. */
// `resetPasswordGuid`, `verificationUuid`: a random id mailed as the link is the token.
export const SECRET_FIELD = /(?:token|code|otp|nonce|pin|guid|uuid)$/i;

/** Calls that make a fresh secret: writing one to a token field issues a link or code (the request step). */
export const SECRET_GENERATOR = /random|uuid|nanoid|cuid|ulid|generate|createToken|createCode|\.sign$/i;

export const QUERY_BUILDER_TERMINAL = /^(?:getOne|getOneOrFail|getRawOne|getMany|getCount|getExists)$/;

export const TRANSITION_PREDICATE = /^(?:is|can|allowed|valid|may|check)\w*(?:Transition|State|Status|Stage|Step)\w*$|^\w*Transition(?:Allowed|Valid|Possible)$|^(?:allowed|valid|can)Transition/i;

/** Provider SDK calls that verify a webhook's signature and return the event (throwing when it does not match). */
export const WEBHOOK_VERIFIER = /\.webhooks?\.(?:constructEvent(?:Async)?|unmarshal|verifySignature)$|^constructEvent(?:Async)?$|(?:^|\.)timingSafeEqual$/;

/** Packages whose `verify()` checks a webhook signature: Svix (`new Webhook(secret).verify(...)`), Standard Webhooks, Octokit. */
export const WEBHOOK_PACKAGES = /^(?:svix|standardwebhooks|@octokit\/webhooks(?:-methods)?|@octokit\/app|@upstash\/qstash(?:\/\w+)?)$/;

/** The app's own message queue: a message it signs is the server's own decision, not a client's request. */
export const QUEUE_PACKAGES = /^@upstash\/qstash(?:\/\w+)?$/;

/** Headers that carry a webhook's signature: reading one, then comparing a `signature`, verifies it. */
export const SIGNATURE_HEADER = /^(?:x-hub-signature(?:-256)?|stripe-signature|svix-signature|webhook-signature|x-signature|x-webhook-signature|x-shopify-hmac-sha256|x-slack-signature|x-twilio-signature|paddle-signature|x-signature-ed25519)$/i;

/** Properties that name a provider's event type (`event.type`, `payload.action`, `body.event_type`). */
export const EVENT_TYPE_PROPERTY = /^(?:type|eventType|event_type|eventName|event_name|event|action|topic)$/;

export const EVENT_HEADER = /^(?:x-github-event|x-gitlab-event|x-event-key|x-shopify-topic|x-wc-webhook-topic)$/i;

/** Names that mean "administrator": `isAdmin`, `user.admin`, `Role.ADMIN`, `is_superuser`, `isStaff`, the platform's root user (`remoteUser.isRoot()`). */
export const ADMIN_NAME = /^is_?root(?:_?user)?$|^(?:is_?|has_?)?(?:super_?)?admin(?:istrator)?(?:_?role)?$|^(?:is_?)?(?:super_?user|staff)$|^(?:is|has|require|assert|ensure|check)_?(?:super_?)?admin\w*$/i;

export const STATE_MACHINE_RECEIVER = /(?:machine|fsm|workflow|stateMachine|lifecycle|sm)$/i;

// `assertOrderCanBeCancelled(order)`, `ensureAccountCanBeDeleted(id)`: a precondition on the record's state, named for the step it allows.
export const ASSERTING_NAME = /^(?:assert|ensure|enforce|check|validate|verify|require|guard|expect)\w*(?:Transition|State|Status|Stage|Step|Phase)\w*$|^(?:assert|ensure)Can\w+$|^(?:assert|ensure)\w+CanBe[A-Z]\w*$|^can(?:Transition|Move|Advance)\w*$/;

export const ASSERT_CALLS = new Set(['assert', 'invariant', 'ok', 'strictEqual', 'equal', 'notStrictEqual', 'assertEqual']);

export const UPDATE_METHODS = new Set(['update', 'updateOne', 'updateMany', 'updateManyAndReturn', 'findOneAndUpdate', 'findByIdAndUpdate', 'upsert', 'save', 'replaceOne', 'set', 'merge', 'increment', 'decrement']);

export const CREATE_METHODS = new Set(['create', 'createMany', 'createManyAndReturn', 'insert', 'insertOne', 'insertMany', 'bulkCreate', 'values']);

/**
 * Receivers that keep an audit, activity or delivery trail (`activityManager`, `auditLog`, `historyService`, `eventLog`,
 * a mailer's `log.update(deliveryId, { status: 'sent' })`): writes there record a step, they do not make one.
 * Whole words only: `catalog` and `backlog` are not logs.
 */
export const AUDIT_TRAIL_OWNER = /[aA](?:udit|UDIT)|[aA]ctivit(?:y|ies)|ACTIVIT|[hH]istor(?:y|ies)|HISTOR|[eE]vent_?[lL]og|^[lL]ogs?$|_[lL]ogs?$|[a-z]Logs?$/;
