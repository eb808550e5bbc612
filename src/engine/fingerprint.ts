import { createHash } from 'node:crypto';

/**
 * A finding's identity across runs: rule + file + the flagged line's code with whitespace
 * normalised. Line numbers are left out on purpose so an edit above the finding does not
 * turn it into a "new" finding in a baseline or in code scanning.
 */
export function findingFingerprint(ruleId: string, file: string, lineText: string): string {
  const normalized = lineText.trim().replace(/\s+/g, ' ');
  return createHash('sha256').update(`${ruleId}\0${file}\0${normalized}`).digest('hex').slice(0, 32);
}
