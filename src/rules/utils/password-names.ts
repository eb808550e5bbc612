import { normalizeName } from './sensitive-names.js';

/**
 * Names that say a value is a password (or its hash), as opposed to something about a password
 * (`passwordLength`, `passwordResetToken`, `isPasswordSet`). Compared after normalizeName.
 */
const PASSWORD_WORDS = new Set(['password', 'passwd', 'pwd', 'passphrase', 'passcode', 'pw']);

/** Words after which a password-named value is about something else: a token, a key, a rule, a time. */
const NOT_THE_PASSWORD = new Set([
  'token', 'tokens', 'key', 'code', 'id', 'ids', 'hint', 'policy', 'policies', 'length', 'count', 'expires', 'expiry', 'expiration', 'at', 'date',
  'changed', 'updated', 'strength', 'regex', 'pattern', 'field', 'label', 'url', 'link', 'template', 'required', 'enabled', 'version', 'rule', 'rules',
  'attempts', 'error', 'errors', 'message', 'type', 'mode', 'input', 'form', 'placeholder', 'visible', 'shown', 'score', 'history', 'prompt', 'email', 'mail',
]);

const FLAG_PREFIXES = new Set(['is', 'has', 'should', 'can', 'needs', 'show', 'validate', 'check', 'verify', 'with', 'no', 'use']);

/** `password`, `newPassword`, `userPass`, `pwd`, `hashedPassword`, `password_hash`: a password or its hash. */
export function isPasswordName(name: string): boolean {
  const words = normalizeName(name).split(' ').filter(Boolean);
  if (words.length === 0) return false;
  if (words.length > 1 && FLAG_PREFIXES.has(words[0]!)) return false;
  if (words.some((word) => NOT_THE_PASSWORD.has(word))) return false;
  // `pass` alone is a password only as the last word (`userPass`, `newPass`), never `passThrough`, `passport`.
  return words.some((word) => PASSWORD_WORDS.has(word)) || words.at(-1) === 'pass';
}

/** Verbs and nouns of a function that hashes or checks a password: `hashPassword`, `encryptPwd`, `comparePassword`. */
export function isPasswordFunctionName(name: string): boolean {
  const words = normalizeName(name).split(' ').filter(Boolean);
  if (words.some((word) => NOT_THE_PASSWORD.has(word) && word !== 'input')) return false;
  return words.some((word) => PASSWORD_WORDS.has(word)) || words.at(-1) === 'pass';
}
