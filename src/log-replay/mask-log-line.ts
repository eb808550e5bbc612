/**
 * Every log line the replay shows goes through here first. An access log carries credentials in
 * three places the code-oriented masking (engine/mask-secrets.ts) does not look for: query
 * parameters (`?token=...`, a signed URL's `X-Amz-Signature`, an OAuth `code`), header fields
 * logged as JSON (`"authorization": "..."`, `"cookie": "..."`), and a quoted Authorization value in
 * a text log. Those are masked by name; then the line goes through maskSecretsInLine for every
 * secret shape it knows (provider keys, Bearer tokens, `password=...`).
 */
import { maskSecretsInLine } from '../engine/mask-secrets.js';
import { redactRanges } from '../engine/redact.js';

/** Words of a query parameter's name that make its value a credential (`reset_token`, `X-Amz-Signature`, `id_token`). */
const CREDENTIAL_WORDS = new Set([
  'token', 'code', 'key', 'secret', 'password', 'passwd', 'pwd', 'pass', 'signature', 'sig', 'auth', 'authorization',
  'session', 'sessionid', 'sid', 'jwt', 'otp', 'credential', 'credentials', 'apikey', 'accesskey', 'nonce', 'hash', 'assertion', 'ticket',
]);

/** Header and field names whose whole value is a credential, wherever they appear in a JSON line. */
const CREDENTIAL_FIELDS = /^(?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token|x-access-token|x-csrf-token|x-xsrf-token|api-key|apikey)$/i;

const QUERY_PARAMETER = /([?&;])([^=&#\s"'\\]{1,100})=([^&#\s"'\\]*)/g;
const JSON_STRING_FIELD = /"([^"\\]{1,100})"\s*:\s*"((?:[^"\\]|\\.)*)"/g;

/** `access_token`, `X-Amz-Signature`, `resetToken` -> their words, lower case. */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
}

export function isCredentialName(name: string): boolean {
  if (CREDENTIAL_FIELDS.test(name)) return true;
  const words = nameWords(name);
  // `access_token` and `id_token` split into words; `apikey`/`accesskey` written as one word too.
  return words.some((word) => CREDENTIAL_WORDS.has(word));
}

/** The line with credentials in query strings, credential header fields and secret shapes masked. */
export function maskLogLine(line: string): string {
  const ranges: Array<{ start: number; end: number }> = [];
  for (const match of line.matchAll(QUERY_PARAMETER)) {
    const value = match[3]!;
    if (value.length === 0 || !isCredentialName(safeDecode(match[2]!))) continue;
    const start = match.index + match[1]!.length + match[2]!.length + 1;
    ranges.push({ start, end: start + value.length });
  }
  if (line.includes('"')) {
    for (const match of line.matchAll(JSON_STRING_FIELD)) {
      if (!CREDENTIAL_FIELDS.test(match[1]!) || match[2]!.length === 0) continue;
      const start = match.index + match[0].length - match[2]!.length - 1;
      ranges.push({ start, end: start + match[2]!.length });
    }
  }
  // Piece by piece between `?` and `&`: maskSecretsInLine reads `token=<value>` up to the next
  // space, which in a URL would star every parameter after the token, and the path with them.
  return redactRanges(line, 0, ranges)
    .split(/(?=[?&])/)
    .map(maskSecretsInLine)
    .join('');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
