import type { Rule } from '../engine/rule-api.js';
import codeInjection from './code-injection.js';
import commandInjection from './command-injection.js';
import excessiveDataExposure from './excessive-data-exposure.js';
import hardcodedSecret from './hardcoded-secret.js';
import massAssignment from './mass-assignment.js';
import missingAuthAuditLog from './missing-auth-audit-log.js';
import missingAuthentication from './missing-authentication.js';
import missingAuthorization from './missing-authorization.js';
import missingOwnershipCheck from './missing-ownership-check.js';
import missingRateLimit from './missing-rate-limit.js';
import missingStateGuard from './missing-state-guard.js';
import nosqlInjection from './nosql-injection.js';
import pathTraversal from './path-traversal.js';
import rawSqlConcatenation from './raw-sql-concatenation.js';
import sensitiveDataInLogs from './sensitive-data-in-logs.js';
import sqlInjection from './sql-injection.js';
import ssrf from './ssrf.js';

/**
 * Every rule, in id order. A rule file that exists but is not listed here fails the
 * registry test (test/rules-registry.test.ts), so a rule cannot be forgotten.
 */
export const allRules = [codeInjection, commandInjection, excessiveDataExposure, hardcodedSecret, massAssignment, missingAuthAuditLog, missingAuthentication, missingAuthorization, missingOwnershipCheck, missingRateLimit, missingStateGuard, nosqlInjection, pathTraversal, rawSqlConcatenation, sensitiveDataInLogs, sqlInjection, ssrf] as const satisfies readonly Rule[];

export function findRule(id: string): Rule | undefined {
  return allRules.find((rule) => rule.meta.id === id);
}
