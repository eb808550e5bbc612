/**
 * Finds credentials in string values, using the shape table in src/engine/secret-shapes.ts
 * (shared with the masking of printed code lines).
 */
import { NAMED_SECRET_SHAPES, SECRET_SHAPES, type SecretSeverity } from '../../engine/secret-shapes.js';
import { shannonEntropy } from './entropy.js';

export { NAMED_SECRET_SHAPES, SECRET_SHAPES, type NamedSecretShape, type SecretSeverity, type SecretShape } from '../../engine/secret-shapes.js';

export interface ShapeMatch {
  description: string;
  severity: SecretSeverity;
  /** The secret's characters within the value. */
  start: number;
  end: number;
}

const KEYWORD_PREFILTER = new RegExp(
  [...new Set(SECRET_SHAPES.flatMap((secretShape) => secretShape.keywords))]
    .map((keyword) => keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|'),
);

/** Documentation placeholders that keep a provider's shape: AWS's EXAMPLE keys, `xxxx` fillers. */
const SHAPED_PLACEHOLDER = /EXAMPLE|example|XXXXX|xxxxx|your|YOUR|0000000000|1234567890|abcdefghij/;

/** Whether `value` holds a provider's keyword at all: findSecretShape finds nothing in a value that does not. */
export function holdsProviderKeyword(value: string): boolean {
  return value.length >= 16 && KEYWORD_PREFILTER.test(value);
}

/** The first self-identifying credential inside `value`, if any. */
export function findSecretShape(value: string): ShapeMatch | undefined {
  if (!holdsProviderKeyword(value)) return undefined;
  for (const secretShape of SECRET_SHAPES) {
    if (!secretShape.keywords.some((keyword) => value.includes(keyword))) continue;
    const match = secretShape.pattern.exec(value);
    if (!match) continue;
    const secret = match[0];
    if (SHAPED_PLACEHOLDER.test(secret)) continue;
    if (secretShape.minimumEntropy !== undefined && shannonEntropy(secret) < secretShape.minimumEntropy) continue;
    if (secretShape.mixedCharacters && !(/[a-z]/.test(secret) && /[A-Z]/.test(secret) && /[0-9]/.test(secret))) continue;
    if (secretShape.holdsCredential && !secretShape.holdsCredential(secret)) continue;
    return { description: secretShape.description, severity: secretShape.severity, start: match.index, end: match.index + secret.length };
  }
  return undefined;
}

/** Whether one of the names is a provider's that turns a generic-looking value into a credential: findNamedSecretShape needs one. */
export function namesProviderOfSecret(normalizedNames: readonly string[]): boolean {
  return NAMED_SECRET_SHAPES.some((namedShape) => normalizedNames.some((name) => namedShape.name.test(name)));
}

/** A generic-looking value that the provider in its name turns into a credential. */
export function findNamedSecretShape(value: string, normalizedNames: readonly string[]): ShapeMatch | undefined {
  for (const namedShape of NAMED_SECRET_SHAPES) {
    if (!namedShape.value.test(value) || SHAPED_PLACEHOLDER.test(value)) continue;
    if (!normalizedNames.some((name) => namedShape.name.test(name))) continue;
    return { description: namedShape.description, severity: namedShape.severity, start: 0, end: value.length };
  }
  return undefined;
}
