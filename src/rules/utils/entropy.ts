/**
 * Cheap measures of how random a string looks. Secret detection gates name-based guesses on
 * them so that `password: 'password'` and ordinary words stay quiet while generated keys fire.
 */

/** Shannon entropy in bits per character (0 for an empty string). */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const character of value) counts.set(character, (counts.get(character) ?? 0) + 1);
  const length = [...value].length;
  let entropy = 0;
  for (const count of counts.values()) {
    const probability = count / length;
    entropy -= probability * Math.log2(probability);
  }
  return entropy;
}

/** Shannon entropy times length: the information a string carries, in bits. */
export function totalEntropyBits(value: string): number {
  return shannonEntropy(value) * value.length;
}

/** How many of lowercase, uppercase, digit and other characters the string uses (0..4). */
export function characterClassCount(value: string): number {
  let classes = 0;
  if (/[a-z]/.test(value)) classes++;
  if (/[A-Z]/.test(value)) classes++;
  if (/[0-9]/.test(value)) classes++;
  if (/[^a-zA-Z0-9]/.test(value)) classes++;
  return classes;
}

/**
 * True for strings a person types to fill a slot rather than a generated value: one repeated
 * character (`xxxxxxxx`), a short repeated unit (`abcabcabc`), or a keyboard/alphabet run
 * (`abcdefgh`, `12345678`, `qwertyuiop`).
 */
export function isLowVarietyString(value: string): boolean {
  if (value.length === 0) return true;
  const distinct = new Set(value).size;
  if (distinct <= 2) return true;
  if (distinct * 4 <= value.length && value.length <= 32) return true;
  for (let unit = 1; unit <= 4 && unit * 2 <= value.length; unit++) {
    if (value.length % unit === 0 && value.slice(0, unit).repeat(value.length / unit) === value) return true;
  }
  const lower = value.toLowerCase();
  return SEQUENTIAL_RUNS.some((run) => run.includes(lower));
}

const SEQUENTIAL_RUNS = [
  'abcdefghijklmnopqrstuvwxyz',
  '01234567890',
  '09876543210',
  'zyxwvutsrqponmlkjihgfedcba',
  'qwertyuiopasdfghjklzxcvbnm',
  '1qaz2wsx3edc4rfv5tgb',
];
