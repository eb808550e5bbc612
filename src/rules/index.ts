import type { Rule } from '../types.js';
import hardcodedSecret from './hardcoded-secret.js';
import missingAuthentication from './missing-authentication.js';
import missingAuthorization from './missing-authorization.js';

/**
 * Every rule, in id order. A rule file that exists but is not listed here fails the
 * registry test (test/rules-registry.test.ts), so a rule cannot be forgotten.
 */
export const allRules = [hardcodedSecret, missingAuthentication, missingAuthorization] as const satisfies readonly Rule[];

export function findRule(id: string): Rule | undefined {
  return allRules.find((rule) => rule.meta.id === id);
}
