/**
 * Judgements about names and values that are not provider-specific: is this name a secret's
 * name, is this value a placeholder a person typed, does it look generated. Shared by the
 * TypeScript walk and the .env / JSON / YAML readers so every file kind is judged alike.
 */
import { characterClassCount, isLowVarietyString, shannonEntropy, totalEntropyBits } from './entropy.js';
import { DESCRIPTOR_LAST_WORDS } from '../../engine/secret-shapes.js';

/** `dbPassword`, `DB_PASSWORD`, `db-password`, `db.password` -> `db password`. */
export function normalizeName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .toLowerCase();
}

const SECRET_NAME =
  /\b(?:password|passwords|passwd|passphrase|pwd|pass|secret|secrets|token|tokens|api ?key|apikey|access key|private key|privkey|secret key|signing key|encryption key|enc key|master key|session key|auth key|client secret|credential|credentials|creds|auth|bearer|authorization|license key|webhook key)\b/;

/**
 * The last word of a name says what the value is. `passwordField`, `tokenUrl`, `apiKeyHeader`
 * hold the name of a field, a URL, a header: about a secret, not the secret.
 */
const DESCRIPTOR_LAST_WORD = new Set([
  ...DESCRIPTOR_LAST_WORDS,
  'secs', 'mins', 'addr', 'css', 'xpath', 'locator', 'element', 'button',
]);

/** Names that say the value is public or fake on purpose, or stands in for a secret kept out (`REDACTED_CREDENTIAL_VALUE`, `MASKED_API_KEY`). */
const NON_SECRET_NAME = /\b(?:public|publishable|pub|example|sample|dummy|fake|mock|test|placeholder|hashed|salt rounds|csrf|xsrf|i18n|translation|label|redacted|masked)\b/;

/**
 * Names that are not identifiers or config keys: display strings used as keys (`"API key"` in a
 * translation catalog) and package names (`"@acme/auth"` in package.json dependencies).
 */
export function isIdentifierLikeName(rawName: string): boolean {
  return !/\s/.test(rawName) && !rawName.startsWith('@') && !rawName.includes('/');
}

/**
 * Words that may follow the secret noun in a name whose words run in English order and still leave
 * it the head: which one (`passwordOld`, `clientSecretProd`, `token2`), in what form (`privateKeyPem`,
 * `secretKeyBase`, `apiKeyValue`), or the noun restated (`secretKey`).
 */
const SECRET_HEAD_QUALIFIERS = new Set([
  'old', 'new', 'prev', 'previous', 'next', 'current', 'curr', 'primary', 'secondary', 'backup', 'fallback', 'default',
  'prod', 'production', 'dev', 'development', 'staging', 'stage', 'local', 'live', 'sandbox', 'qa', 'uat', 'test',
  'base', 'value', 'val', 'str', 'string', 'raw', 'plain', 'plaintext', 'clear', 'b64', 'base64', 'hex', 'bytes', 'buf',
  'buffer', 'pem', 'der', 'jwk', 'enc', 'encrypted', 'encoded', 'key', 'keys', 'v1', 'v2', 'v3', 'one', 'two',
  'confirm', 'confirmation', 'again', 'repeat', 'retype', 'admin', 'root', 'user', 'app', 'server', 'client', 'master',
]);
/** A preposition starts the complement (`passwordForAdmin`, `tokenFromEnv`): the head came before it. */
const COMPLEMENT_START = new Set(['for', 'of', 'from', 'to', 'in', 'on', 'with', 'by', 'at']);
const SECRET_NAME_ALL = new RegExp(SECRET_NAME.source, 'g');

/**
 * In a camelCase or dotted name the last word is the head: `credentialLifecycleFocused` is a
 * lifecycle's status, `recoveryPasswordProof` a proof, `account.password.verify` a verify step;
 * the secret noun only modifies them. UPPER_SNAKE settings put qualifiers anywhere (`PASSWORD_DB`,
 * `TOKEN_GITHUB`), so they are not read this way.
 */
function secretNounIsModifier(rawName: string, normalizedName: string): boolean {
  if (!/[a-z]/.test(rawName)) return false;
  let lastEnd = -1;
  for (const match of normalizedName.matchAll(SECRET_NAME_ALL)) lastEnd = match.index + match[0].length;
  if (lastEnd < 0) return false;
  for (const word of normalizedName.slice(lastEnd).split(' ')) {
    if (word === '') continue;
    if (COMPLEMENT_START.has(word)) return false;
    if (!SECRET_HEAD_QUALIFIERS.has(word) && !/^\d+[a-z]?$/.test(word)) return true;
  }
  return false;
}

/**
 * True when the name says it holds a secret (after normalizeName). With the name as written
 * (`rawName`), a camelCase or dotted name whose secret noun modifies a later word is not one.
 */
export function isSecretName(normalizedName: string, rawName?: string): boolean {
  if (!SECRET_NAME.test(normalizedName) || NON_SECRET_NAME.test(normalizedName)) return false;
  const words = normalizedName.split(' ');
  // Identifiers and config keys have a few words; a sentence used as a key (i18n catalogs) is copy.
  if (words.length > 6) return false;
  if (DESCRIPTOR_LAST_WORD.has(words[words.length - 1]!)) return false;
  return rawName === undefined || !secretNounIsModifier(rawName, normalizedName);
}

/** Substrings that mark a value as a stand-in, in any letter case. */
const PLACEHOLDER_FRAGMENTS = [
  'changeme', 'change-me', 'change_me', 'change me', 'changethis', 'change-this', 'change_this', 'replace', 'placeholder',
  'example', 'dummy', 'sample', 'your', 'xxx', 'fake', 'redacted', 'insert', 'todo', 'fixme', 'notreal', 'not-real',
  'notasecret', 'not-a-secret', 'not_a_secret', 'mock', '***', '...', 'keyboard cat', 'lorem', 'foobar', 'secret123',
  'password123', 'sekret', 'shhh', 'synthetic',
];

/** Whole words that make a human-typed value a default or a stand-in (`dev-secret`, `admin`, `postgres`). */
const PLACEHOLDER_WORDS = /(?:^|[^a-z])(?:test|tests|testing|dev|development|local|localhost|demo|default|defaults|secret|secrets|password|passwd|pass|pwd|key|token|admin|root|guest|user|username|postgres|postgresql|mysql|mariadb|mongo|mongodb|redis|rabbitmq|qwerty|letmein|welcome|none|null|undefined|empty|tbd|unset|invalid|disabled|foo|bar|baz|abc|my|super|top)(?:$|[^a-z])/;

/**
 * A value a person typed into a slot rather than a credential: template syntax, documentation
 * fillers, default credentials of local databases, or words around "secret".
 */
export function isPlaceholderValue(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed.length < 4) return true;
  if (isTemplateReference(trimmed)) return true;
  const lower = trimmed.toLowerCase();
  if (PLACEHOLDER_FRAGMENTS.some((fragment) => lower.includes(fragment))) return true;
  if (isLowVarietyString(trimmed)) return true;
  // Splitting camelCase lets `mySuperSecret` and `devPassword1` show their words.
  const spaced = trimmed.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return looksLikeWords(trimmed) && PLACEHOLDER_WORDS.test(spaced);
}

/**
 * A value some tool fills in before use, not a value used as written: `${SECRET}`, `{{ secret }}`,
 * `<your-key>`, `process.env.X` in a string, `{env:API_KEY}` (opencode), `%env(API_KEY)%`
 * (Symfony), `%API_KEY%` (Windows), `#{ApiKey}` (Octopus), `{file:./key}`, Crowdin's `crwdns12:0crwdne12:0`.
 */
export function isTemplateReference(value: string): boolean {
  const trimmed = value.trim();
  if (/\$\{|\{\{|%\(|%s|\$\(|^\$[A-Za-z_]|^<.*>$|^\[.*\]$|process\.env/.test(trimmed)) return true;
  // Crowdin's in-context pseudo-language (`crwdns5537:0crwdne5537:0`): each string replaced by the id of its
  // translation, which the in-context editor swaps for the text; a locale file of them holds no values at all.
  if (/^(?:crwdns\d+:\d+crwdne\d+:\d+)+$/.test(trimmed)) return true;
  return /^\{(?:env|file|secret|secrets|vault|ssm|keyvault)[:.][^{}]+\}$|%env\(|^%[A-Za-z_][A-Za-z0-9_]*%$|^#\{[^{}]+\}$/i.test(trimmed);
}

/**
 * A literal a signing or encryption key parameter receives that the gates above let pass because it
 * reads like a placeholder (`'keyboard cat'`, `'changeme'`, `'superSecret'`): as a key it is the
 * most guessable value there is. Not a value a tool fills in, and not a public key or certificate.
 */
export function isGuessableKeyLiteral(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed.length < 3 || trimmed.length > 500 || !/^[\x20-\x7e]+$/.test(trimmed)) return false;
  if (isTemplateReference(trimmed)) return false;
  return !/-----BEGIN (?:PUBLIC KEY|CERTIFICATE|RSA PUBLIC KEY)/.test(trimmed);
}

/**
 * Words joined by single separators or camel humps, then perhaps a separator, up to four digits and a
 * symbol: `admin123`, `Password1!`, `mySuperSecretKey`, `keyboard-cat`. Read by hand in one pass: the
 * regular expression this replaces (`(?:[-_./: ]?(?:[A-Z]?[a-z]+|[A-Z]{2,}))*`) split a run of letters
 * in exponentially many ways before failing, so one 75-character snake_case value took minutes.
 */
function isWordish(value: string): boolean {
  let end = value.length;
  if (end > 0 && '!?@#$%&*.'.includes(value[end - 1]!)) end--;
  let digits = 0;
  while (end > 0 && digits < 4 && value[end - 1]! >= '0' && value[end - 1]! <= '9') {
    end--;
    digits++;
  }
  if (end > 0 && '-_.@'.includes(value[end - 1]!)) end--;
  // `__shelfTabId`, `_session`: leading underscores mark a private or framework-owned name, not a character of a key.
  let start = 0;
  while (start < end && start < 2 && value[start] === '_') start++;
  const body = value.slice(start, end);
  if (body.length === 0) return false;
  const tokens = body.split(/[-_./: ]/);
  for (const [index, token] of tokens.entries()) {
    if (!/^[A-Za-z]+$/.test(token)) return false;
    // Humps are `[A-Z]?[a-z]+` or `[A-Z]{2,}`: a capital standing alone must have lower case after it.
    for (let i = 0; i < token.length; i++) {
      const upper = token[i]! >= 'A' && token[i]! <= 'Z';
      if (!upper) continue;
      const previousUpper = i > 0 && token[i - 1]! >= 'A' && token[i - 1]! <= 'Z';
      const nextUpper = i + 1 < token.length && token[i + 1]! >= 'A' && token[i + 1]! <= 'Z';
      if (!previousUpper && !nextUpper && i + 1 === token.length) return false;
    }
    // The first word starts with two lower-case letters, a capital and two, a run of capitals, or one lone letter.
    if (index === 0 && !/^(?:[A-Z]?[a-z]{2}|[A-Z]{2}|[a-z](?![a-z])|[a-z]$)/.test(token) && !/^[a-z]$/.test(token)) return false;
  }
  return true;
}

/**
 * Words, perhaps with a few digits or a symbol at the end: `admin123`, `Password1!`,
 * `mySuperSecretKey`, `keyboard-cat`, error codes such as `auth/token_expired`. The vowel share tells words from random letters.
 */
export function looksLikeWords(value: string): boolean {
  if (!isWordish(value)) return false;
  const letters = value.replace(/[^A-Za-z]/g, '');
  if (letters.length === 0) return false;
  const vowels = letters.replace(/[^aeiouyAEIOUY]/g, '').length;
  return vowels / letters.length >= 0.25;
}

/**
 * Values that fill a secret-named slot but are something else: a path to a key file, a URL
 * without credentials, an environment variable's name, a config key, a regex, an SRI hash.
 */
export function isNonSecretShape(value: string): boolean {
  return (
    /^(?:\.{0,2}\/|~\/|[A-Za-z]:\\)/.test(value) || // file path
    /\.(?:pem|key|crt|cer|p12|pfx|json|ya?ml|txt|env)$/i.test(value) ||
    /^[\w.-]+\.(?:pdf|png|jpe?g|gif|webp|svg|ico|csv|docx?|xlsx?|pptx?|odt|zip|gz|tar|html?|md|mp[34]|wav|mov)$/i.test(value) || // a file name
    /^[a-z][a-z0-9+.-]*:\/\/[^@\s]*$/i.test(value) || // URL without credentials
    /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(value) || // ENV_VAR_NAME
    /^[a-z][A-Za-z]*(?:[.:][a-z][A-Za-z]*)+$/.test(value) || // config.key.path
    /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(value) || // e-mail address
    /^sha(?:1|256|384|512)-[A-Za-z0-9+/]+=*$/.test(value) || // subresource integrity
    /^\$2[aby]?\$\d{2}\$[./A-Za-z0-9]{53}$/.test(value) || // bcrypt hash
    /^\$argon2/.test(value) ||
    /[()[\]^$|\\]{2}|\(\?[=!:<]|\\[dwsb]/.test(value) || // regex source
    /^(?:Bearer|Basic|Token)$/i.test(value) ||
    /^[a-z]+\/[a-z0-9.+-]+$/i.test(value) || // MIME type
    /^0x[0-9a-fA-F]{40}$/.test(value) || // blockchain address, public by design
    /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(?:\d{12}|\d*|aws)?:\S+$/.test(value) || // AWS resource name (a user pool, a secret's ARN): names a resource, grants nothing
    /^(?:pk_(?:live|test)_|phc_|pk\.eyJ|NRJS-)/.test(value) || // publishable client-side keys (Stripe, PostHog, Mapbox, New Relic browser)
    /^(?:file|link|workspace|portal|npm|github|git(?:\+[a-z]+)?):/.test(value) || // dependency specifier
    /^[\^~>=<]*v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.test(value) || // version (a catalog's `next-auth: 5.0.0-beta.31`)
    /^(?:[a-z]+)?[#.][A-Za-z_][\w-]*(?:[ >.#[][^\s]*)?$/.test(value) || // CSS selector
    /^[a-z][\w-]*\[[\w-]+(?:[~|^$*]?=\s*["']?[^"'\]]*["']?)?\](?:[\s>+~.#:[].*)?$/i.test(value) || // CSS attribute selector (`input[type="password"]`)
    isCssCustomProperty(value) ||
    isModuleSpecifier(value)
  );
}

/**
 * A CSS custom property's name, a design token (`{ token: '--color-customDashboards' }` in a palette
 * page): `--` and lower-case or camelCase words joined by hyphens, most of them reading as words (a
 * short one such as `bright` has too few vowels alone). A generated secret's hyphens separate random characters.
 */
function isCssCustomProperty(value: string): boolean {
  if (!value.startsWith('--')) return false;
  const segments = value.slice(2).split('-');
  if (!segments.every((segment) => /^[a-z]+(?:[A-Z][a-z]+)*$/.test(segment))) return false;
  return segments.filter((segment) => looksLikeWords(segment)).length * 2 > segments.length;
}

/**
 * An import path behind a path alias, a scoped package or a subpath import, perhaps naming an export
 * (GraphQL codegen mappers: `EmbedToken: '@/modules/core/helpers/graphTypes#EmbedTokenGraphQLReturn'`):
 * every segment is a word, where a generated secret's slashes (base64) separate random characters.
 */
function isModuleSpecifier(value: string): boolean {
  if (!/^(?:@[a-z0-9-]*\/|#)[\w./-]+(?:#[A-Za-z_$][\w$]*)?$/i.test(value)) return false;
  return value
    .replace(/^[@#]/, '')
    .split(/[/#]/)
    .every((segment) => segment === '' || looksLikeWords(segment));
}

/**
 * Generated keys and typed passwords are printable ASCII (Latin-1 symbols such as `§` allowed)
 * without spaces; words in other alphabets (`API-nøgle`, CJK text without spaces) are copy.
 */
const PRINTABLE_ASCII = /^[\x21-\x7e\u00a1-\u00bf\u00d7\u00f7]+$/;

/**
 * A value bound to a secret's name counts when it looks generated or like a strong password:
 * not a placeholder, no spaces, and enough entropy for its length (a 10-character password
 * cannot reach 3.5 bits per character, so the bar scales with the length's maximum).
 */
export function passesNamedSecretGate(value: string): boolean {
  if (value.length < 8 || value.length > 500 || !PRINTABLE_ASCII.test(value)) return false;
  if (isPlaceholderValue(value) || isNonSecretShape(value) || looksLikeWords(value)) return false;
  const entropy = shannonEntropy(value);
  const requiredEntropy = Math.min(3.5, 0.85 * Math.log2(value.length));
  if (entropy < requiredEntropy || totalEntropyBits(value) < 28) return false;
  // A short hex string mixing digits and letters (`'3ee058420bc2'`) is a generated key, though hex has two classes only.
  if (value.length < 16 && /^[0-9a-f]{12,}$/i.test(value) && /\d/.test(value) && /[a-f]/i.test(value)) return true;
  return characterClassCount(value) >= (value.length < 16 ? 3 : 2);
}

/**
 * A literal handed straight to a key or password parameter (jwt.sign, createHmac, a DB pool)
 * is a secret by position, so a weaker, human-chosen value still counts; placeholders never do.
 */
export function passesSinkSecretGate(value: string): boolean {
  if (value.length < 8 || value.length > 500 || !PRINTABLE_ASCII.test(value)) return false;
  if (isPlaceholderValue(value) || isNonSecretShape(value)) return false;
  return shannonEntropy(value) >= 2.5 && totalEntropyBits(value) >= 24;
}

export interface UrlCredentials {
  /** The password's characters within the value. */
  start: number;
  end: number;
  password: string;
}

const URL_WITH_PASSWORD = /\b[a-z][a-z0-9+.-]{1,30}:\/\/([^\s:@/'"`]{0,100}):([^\s@/'"`]{1,200})@[^\s/'"`?#@]+/i;

/** `postgres://user:pass@host` with a real password (not `${DB_PASSWORD}`, not `password`). */
export function findUrlCredentials(value: string): UrlCredentials | undefined {
  if (!value.includes('://')) return undefined;
  const match = URL_WITH_PASSWORD.exec(value);
  if (!match) return undefined;
  const password = match[2]!;
  const user = match[1]!;
  if (/[${}<>%*]/.test(user)) return undefined;
  if (password.length < 6 || isPlaceholderValue(password) || looksLikeWords(password) || password === user) return undefined;
  if (isLowVarietyString(password)) return undefined;
  const start = match.index + match[0].indexOf(`:${password}@`) + 1;
  return { start, end: start + password.length, password };
}
