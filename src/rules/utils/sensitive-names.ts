/**
 * Which names say a value is personal data or a secret (DETECTION.md "Sensitive names"), and how
 * bad leaking it is. Names are compared after normalising: `userPassword`, `user_password` and
 * `user-password` all read "user password".
 */

export type SensitiveKind = 'credential' | 'card' | 'government' | 'contact';

export interface SensitiveName {
  kind: SensitiveKind;
  /** The phrase that matched, e.g. "password", "card number". */
  phrase: string;
}

const PHRASES: ReadonlyArray<readonly [string, SensitiveKind]> = [
  ['password', 'credential'], ['passwd', 'credential'], ['passphrase', 'credential'], ['pwd', 'credential'],
  ['secret', 'credential'], ['token', 'credential'], ['api key', 'credential'], ['apikey', 'credential'],
  ['auth key', 'credential'], ['private key', 'credential'], ['authorization', 'credential'], ['cookie', 'credential'],
  ['credentials', 'credential'], ['otp', 'credential'], ['pin', 'credential'], ['mfa secret', 'credential'],
  ['ssn', 'government'], ['social security', 'government'], ['national insurance', 'government'],
  ['passport number', 'government'], ['tax id', 'government'],
  ['credit card', 'card'], ['debit card', 'card'], ['card number', 'card'], ['cvv', 'card'], ['cvc', 'card'],
  ['iban', 'card'], ['account number', 'card'], ['routing number', 'card'], ['pan', 'card'],
  ['email', 'contact'], ['phone', 'contact'], ['mobile', 'contact'], ['telephone', 'contact'],
  ['home address', 'contact'], ['billing address', 'contact'], ['shipping address', 'contact'], ['address', 'contact'],
  ['zip', 'contact'], ['postal code', 'contact'], ['date of birth', 'contact'], ['dob', 'contact'], ['birth date', 'contact'],
  ['salary', 'contact'], ['medical', 'contact'], ['diagnosis', 'contact'], ['prescription', 'contact'], ['health plan', 'contact'],
];

/** A last word that makes the name describe something about the value, not the value itself. */
const DESCRIPTIVE_LAST_WORDS = new Set([
  'id', 'ids', 'hash', 'hashed', 'redacted', 'masked', 'encrypted', 'length', 'count', 'enabled', 'required', 'reset', 'forgot',
  'policy', 'strength', 'template', 'label', 'type', 'expires', 'expiry', 'expiration', 'at', 'ttl', 'valid', 'verified',
  'field', 'fields', 'name', 'url', 'path', 'header', 'provider', 'format', 'status', 'digits', 'last4', 'prefix', 'hint', 'domain',
  'changed', 'confirmed', 'error', 'errors', 'message', 'regex', 'pattern', 'sent', 'version', 'strategy', 'mode', 'key name',
  // What sending one returned (`sendEmailResult`, `smsResults`): a delivery's outcome, not the address.
  'result', 'results',
  // Where a token is sent (`token_endpoint`, `authorization_endpoint` of OAuth metadata) and how long one lives (`TOKEN_EXPIRY_MS`).
  'endpoint', 'endpoints', 'uri', 'ms', 'millis', 'seconds', 'secs', 'sec', 'minutes', 'mins', 'hours', 'days',
  // How a password is hashed or tried (`PASSWORD_ITERATIONS`, `bcryptSaltRounds`, `maxLoginAttempts`): settings, not secrets.
  'iterations', 'rounds', 'cost', 'attempts', 'retries', 'algorithm', 'algo', 'bits',
]);

/** Last words that name a collection of the items named before them. */
const COLLECTION_WORDS = new Set(['list', 'lists', 'array', 'arr', 'set', 'map', 'collection', 'items']);

/**
 * Leading words that say the value was masked before it got its name (`maskedToken = maskToken(token)`,
 * `redactedEmail`, `obfuscatedApiKey`): a few characters of it at most. Not `hashed`/`encrypted`: a
 * password hash or a ciphertext is still secret material.
 */
const MASKED_PREFIXES = new Set(['masked', 'redacted', 'obfuscated', 'anonymized', 'anonymised', 'censored', 'scrubbed', 'sanitized', 'sanitised']);

/** Leading words that make the name a flag or a question about the value. */
const FLAG_PREFIXES = new Set(['is', 'has', 'should', 'can', 'needs', 'with', 'no', 'missing', 'use', 'show', 'validate', 'check', 'verify']);

/**
 * Words before `token` that make it a position in a listing, not a credential: `pageToken`, `nextPageToken`
 * (Google APIs), AWS `NextToken` and S3 `ContinuationToken`, Google Calendar `syncToken`, Graph `deltaToken`,
 * a change stream's `resumeToken`. Whoever reads one learns where a listing stopped, nothing more.
 */
const CURSOR_TOKEN_WORDS = new Set(['page', 'next', 'sync', 'delta', 'continuation', 'pagination', 'cursor', 'resume', 'prev', 'previous']);

/** Words beside `address` that make it not a postal address. */
const NON_POSTAL_ADDRESS = new Set(['ip', 'remote', 'mac', 'server', 'host', 'wallet', 'contract', 'listen', 'bind', 'socket', 'local']);

export function normalizeName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[_\-.$\s]+/g, ' ')
    .trim()
    .toLowerCase();
}

export function sensitiveName(name: string): SensitiveName | undefined {
  let words = normalizeName(name).split(' ').filter(Boolean);
  if (words.length > 1 && (words[0] === 'get' || words[0] === 'set')) words = words.slice(1);
  if (words.length === 0) return undefined;
  if ((FLAG_PREFIXES.has(words[0]!) || MASKED_PREFIXES.has(words[0]!)) && words.length > 1) return undefined;
  // `sendEmailResultErrorList`, `emailErrorsArray`: a collection is what its items are; `emailList` is addresses.
  while (words.length > 1 && COLLECTION_WORDS.has(words.at(-1)!)) words = words.slice(0, -1);
  const last = words.at(-1)!;
  const text = ` ${words.join(' ')} `;
  // "tax id" is a government id even though it ends in "id".
  if (text.includes(' tax id ')) return { kind: 'government', phrase: 'tax id' };
  if (DESCRIPTIVE_LAST_WORDS.has(last) || /^\d+$/.test(last)) return undefined;
  for (const [phrase, kind] of PHRASES) {
    if (!text.includes(` ${phrase} `)) continue;
    if (phrase === 'address' && words.some((word) => NON_POSTAL_ADDRESS.has(word))) continue;
    if (phrase === 'token' && CURSOR_TOKEN_WORDS.has(words[words.indexOf('token') - 1] ?? '')) continue;
    if (phrase === 'address' && words.includes('email')) return { kind: 'contact', phrase: 'email' };
    // `zip` is a postal code on its own or as `zip code`, but an archive in `pathInZip`, `zipFile`, `zipBuffer`.
    if (phrase === 'zip' && !isPostalZip(words)) continue;
    return { kind, phrase };
  }
  return undefined;
}

function isPostalZip(words: readonly string[]): boolean {
  const at = words.indexOf('zip');
  const before = words[at - 1];
  const after = words[at + 1];
  if (before !== undefined && ['in', 'from', 'to', 'of', 'into', 'as', 'unzip', 'gzip'].includes(before)) return false;
  return after === undefined || after === 'code' || after === 'plus4';
}

/** user, currentUser, customer: an object that describes a person, so logging it whole logs their data. */
const PERSON_WORDS = new Set(['user', 'customer', 'patient', 'employee', 'account', 'payment', 'card', 'member', 'person', 'profile', 'admin', 'applicant']);

export function isPersonObjectName(name: string): boolean {
  const words = normalizeName(name).split(' ').filter(Boolean);
  const last = words.at(-1);
  return last !== undefined && PERSON_WORDS.has(last);
}

export function severityOf(kind: SensitiveKind): 'high' | 'medium' {
  return kind === 'contact' ? 'medium' : 'high';
}
