import type { Rule } from '../engine/rule-api.js';

/**
 * Identity at run time; exists so every rule file reads the same way and so the type
 * checker verifies the rule's shape at its definition rather than at the registry.
 */
export function defineRule(rule: Rule): Rule {
  return rule;
}
