import { createHash } from 'node:crypto';

/**
 * A finding's identity across runs: rule + file + the flagged line's code with whitespace
 * normalised + the entry point it was found on, when it has one. Line numbers are left out on
 * purpose so an edit above the finding does not turn it into a "new" finding in a baseline or in
 * code scanning; the entry point tells apart the findings one sink line gets from two routes
 * without depending on their order. Version 2 (FINGERPRINT_VERSION): version 1 had no entry point.
 */
export function findingFingerprint(ruleId: string, file: string, lineText: string, entryPoint = ''): string {
  const normalized = lineText.trim().replace(/\s+/g, ' ');
  return createHash('sha256').update(`${ruleId}\0${file}\0${normalized}\0${entryPoint}`).digest('hex').slice(0, 32);
}

/** Bumped whenever findingFingerprint's input changes: fingerprints of different versions never match. */
export const FINGERPRINT_VERSION = 2;
