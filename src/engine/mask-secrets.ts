/**
 * Masks every secret-shaped substring of a line of scanned code before it is shown to anyone
 * (code frames in every format, routes' middleware evidence, flows' guard evidence, trace steps).
 *
 * The hardcoded-secret rule decides what is a finding, and it stays quiet on values it judges
 * placeholders (`xoxb-` with sequential digits), secrets in comments, or shapes it does not
 * report; none of that may decide what gets printed. So this module is deliberately eager: it
 * masks whatever has a credential's shape, real or not, and accepts that some harmless value is
 * occasionally starred. The mask keeps the ends of each value (see redactRanges) so its owner can
 * still recognise it.
 */
import { redactRanges } from './redact.js';
import { DESCRIPTOR_LAST_WORDS, SECRET_SHAPES } from './secret-shapes.js';

interface Range {
  start: number;
  end: number;
}

// Every provider shape, able to find every match in a line rather than the first.
const PROVIDER_SHAPES = SECRET_SHAPES.map((shape) => ({
  keywords: shape.keywords,
  pattern: new RegExp(shape.pattern.source, `${shape.pattern.flags.replace('g', '')}g`),
  minimumEntropy: shape.minimumEntropy,
}));
const PROVIDER_KEYWORDS = new RegExp(
  [...new Set(SECRET_SHAPES.flatMap((shape) => shape.keywords))].map((keyword) => keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
);

const PEM_HEADER = /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_FOOTER = /-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/;
/** A line that is nothing but base64 (a PEM body line, possibly quoted or concatenated). */
const BASE64_LINE = /^[\s'"`+(]*([A-Za-z0-9+/]{40,}={0,2})(?:\\n)*['"`,+;)\s]*$/;
const URL_PASSWORD = /\b[a-z][a-z0-9+.-]{1,30}:\/\/[^\s:@/'"`]{0,100}:([^\s@/'"`]{1,200})@/dgi;
const AUTHORIZATION_VALUE = /\b(?:Bearer|Basic|Token)\s+([A-Za-z0-9._~+/-]{12,}=*)/dg;

/**
 * `name <sep> value`: the name of a variable, property, key or environment variable (dotted
 * member chains and quoted keys included), an assignment, property colon or comparison, and a
 * quoted or bare value.
 */
const NAMED_VALUE =
  /(?<![\w$])["']?([A-Za-z_$][\w$.-]{0,80})["']?\s*(?:!==?|={1,3}(?![>=])|\?\?=|\|\|=|:=?)\s*(?:(['"`])([^\s'"`\\]{6,500})\2|([^\s'"`,;)}\]#]{8,500}))/dg;

const SECRET_NAME_WORD =
  /\b(?:password|passwords|passwd|passphrase|pwd|pass|secret|secrets|token|tokens|api ?key|apikey|access key|private key|privkey|secret key|signing key|encryption key|master key|auth key|client secret|credential|credentials|creds|bearer|authorization|license key|webhook key|dsn|connection string)\b/;
/** Names that say the value is public by design. */
const PUBLIC_NAME = /\b(?:public|publishable|pub)\b/;
/** A name whose last word says it holds something about a secret (its field, URL, length), not the secret. */
const DESCRIPTOR_LAST_WORD = new Set([
  ...DESCRIPTOR_LAST_WORDS,
  'templates', 'severity', 'level', 'levels', 'category', 'group', 'role', 'roles',
]);

/** The line with every secret-shaped value masked; an ordinary line comes back unchanged. */
export function maskSecretsInLine(line: string): string {
  if (line.length < 6) return line;
  const ranges: Range[] = [];
  addProviderShapes(line, ranges);
  addPrivateKeyMaterial(line, ranges);
  addGroupMatches(line, URL_PASSWORD, ranges, (password) => !isTemplateReference(password));
  addGroupMatches(line, AUTHORIZATION_VALUE, ranges, (token) => /\d/.test(token) && /[A-Za-z]/.test(token));
  addNamedValues(line, ranges);
  return ranges.length === 0 ? line : redactRanges(line, 0, ranges);
}

function addProviderShapes(line: string, ranges: Range[]): void {
  if (!PROVIDER_KEYWORDS.test(line)) return;
  for (const shape of PROVIDER_SHAPES) {
    if (!shape.keywords.some((keyword) => line.includes(keyword))) continue;
    for (const match of line.matchAll(shape.pattern)) {
      // Prefixes that also start ordinary words (`sk-`, `secret_`, `ico-`) need a generated-looking
      // value; no placeholder judgement beyond that, since the rule's placeholders are still secrets' shapes.
      if (shape.minimumEntropy !== undefined && !(shannonEntropy(match[0]) >= shape.minimumEntropy && /\d/.test(match[0]) && /[A-Za-z]/.test(match[0]))) continue;
      ranges.push({ start: match.index, end: match.index + match[0].length });
    }
  }
}

function addPrivateKeyMaterial(line: string, ranges: Range[]): void {
  // Header and body on one line (a string with `\n` escapes): everything after the header goes.
  for (const header of line.matchAll(PEM_HEADER)) {
    const start = header.index + header[0].length;
    const rest = line.slice(start);
    const footer = PEM_FOOTER.exec(rest);
    let end = footer ? start + footer.index : line.length;
    while (end > start && !/[A-Za-z0-9+/=\\]/.test(line[end - 1]!)) end--;
    if (end > start) ranges.push({ start, end });
  }
  // A body line of a multi-line key: a line of base64 and nothing else.
  const body = BASE64_LINE.exec(line);
  // Base64 of key material has digits or `+` and both cases in any 40 characters; a long identifier
  // (a GraphQL field `projectTriggeredAutomationsStatusUpdated` shown alone) has no digit, and a route's
  // path shown alone (`/api/latest/internal/analytics/query/timing`, `/api/v1/organizations/members`) is words.
  if (body?.[1] && /[\d+]/.test(body[1]) && /[A-Z]/.test(body[1]) && /[a-z]/.test(body[1]) && !isPathOfWords(body[1])) {
    const start = line.indexOf(body[1]);
    ranges.push({ start, end: start + body[1].length });
  }
}

/** `/api/v1/userProfiles/avatar`: slash-separated words and version segments. */
function isPathOfWords(value: string): boolean {
  const segments = value.split('/').filter(Boolean);
  return value.startsWith('/') && segments.length >= 2 && segments.every((segment) => /^(?:[a-z][a-zA-Z-]*|v\d+)$/.test(segment));
}

function addGroupMatches(line: string, pattern: RegExp, ranges: Range[], accept: (value: string) => boolean): void {
  for (const match of line.matchAll(pattern)) {
    const [start, end] = match.indices![1]!;
    if (accept(match[1]!)) ranges.push({ start, end });
  }
}

function addNamedValues(line: string, ranges: Range[]): void {
  for (const match of line.matchAll(NAMED_VALUE)) {
    if (!isSecretName(match[1]!)) continue;
    const quoted = match[3] !== undefined;
    const value = quoted ? match[3]! : match[4]!;
    if (!(quoted ? isQuotedSecretValue(value) : isBareSecretValue(value))) continue;
    const [start, end] = match.indices![quoted ? 3 : 4]!;
    ranges.push({ start, end });
  }
}

/** `dbPassword`, `DB_PASSWORD`, `config.db.password`, `api-key`: a secret's name, not its field's. */
function isSecretName(rawName: string): boolean {
  const normalized = rawName
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .toLowerCase();
  if (!SECRET_NAME_WORD.test(normalized) || PUBLIC_NAME.test(normalized)) return false;
  const words = normalized.split(' ');
  return !DESCRIPTOR_LAST_WORD.has(words[words.length - 1]!);
}

/** `${DB_PASSWORD}`, `$PASSWORD`, `%s`, `<password>`: a reference to a secret, not one. */
function isTemplateReference(value: string): boolean {
  return /^(?:\$\{[^}]*\}|\$[A-Za-z_]\w*|%[sd]|<[^>]*>|\{\{[^}]*\}\}|\*+)$/.test(value);
}

/** A quoted value bound to a secret's name: masked unless it is plainly a reference or a locator. */
function isQuotedSecretValue(value: string): boolean {
  if (isTemplateReference(value) || value.includes('${')) return false;
  // A short single word (`token: 'issued'`, `auth: 'bearer'`) is a status or a kind, not a secret.
  if (value.length < 8 && /^[A-Za-z]+$/.test(value)) return false;
  if (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(value)) return false; // ENV_VAR_NAME
  if (/^(?:\.{0,2}\/|~\/)/.test(value)) return false; // a file path
  if (/^[a-z][a-z0-9+.-]*:\/\/[^@\s]*$/i.test(value)) return false; // a URL without credentials
  return true;
}

/**
 * An unquoted value: in .env and YAML the secret itself, in code usually an expression. Member
 * chains and calls (`process.env.API_KEY`, `config.secret`) are code; a bare identifier counts
 * only if it mixes letters and digits the way generated or typed secrets do.
 */
function isBareSecretValue(value: string): boolean {
  // Member chains, calls and interpolations (`${API_TOKEN:?unset}` in compose files) are not values.
  // Type arguments, literals and regexes (`FastifyRequest<{`, `Flow[]`, `/jwt|token/`) are code too.
  if (isTemplateReference(value) || /[.(<{[]|\$\{|^[$/]/.test(value)) return false;
  if (/^(?:true|false|null|undefined|required|optional)$/i.test(value)) return false;
  if (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(value)) return false;
  if (/^\d+$/.test(value)) return false;
  if (/^[A-Za-z_$][\w$]*$/.test(value)) return /\d/.test(value) && /[A-Za-z]/.test(value);
  return true;
}

/** Bits per character; the engine's own copy so it does not import from the rules. */
function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const character of value) counts.set(character, (counts.get(character) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const probability = count / value.length;
    entropy -= probability * Math.log2(probability);
  }
  return entropy;
}
