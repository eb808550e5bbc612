import type { Rule } from '../engine/rule-api.js';
import cleartextTransport from './cleartext-transport.js';
import codeInjection from './code-injection.js';
import commandInjection from './command-injection.js';
import corsWildcardCredentials from './cors-wildcard-credentials.js';
import excessiveDataExposure from './excessive-data-exposure.js';
import hardcodedSecret from './hardcoded-secret.js';
import insecureCookie from './insecure-cookie.js';
import insecureRandomness from './insecure-randomness.js';
import jwtDecodeAuth from './jwt-decode-auth.js';
import jwtNoExpiry from './jwt-no-expiry.js';
import jwtNoneAlg from './jwt-none-alg.js';
import jwtVerifyWithoutAlgorithms from './jwt-verify-without-algorithms.js';
import massAssignment from './mass-assignment.js';
import missingAuthAuditLog from './missing-auth-audit-log.js';
import missingAuthentication from './missing-authentication.js';
import missingAuthorization from './missing-authorization.js';
import missingOwnershipCheck from './missing-ownership-check.js';
import missingRateLimit from './missing-rate-limit.js';
import missingSecurityHeaders from './missing-security-headers.js';
import missingStateGuard from './missing-state-guard.js';
import nosqlInjection from './nosql-injection.js';
import passwordHashExposure from './password-hash-exposure.js';
import plaintextPasswordStorage from './plaintext-password-storage.js';
import openRedirect from './open-redirect.js';
import pathTraversal from './path-traversal.js';
import regexInjection from './regex-injection.js';
import rawSqlConcatenation from './raw-sql-concatenation.js';
import sensitiveDataInLogs from './sensitive-data-in-logs.js';
import sqlInjection from './sql-injection.js';
import ssrf from './ssrf.js';
import tlsRejectUnauthorized from './tls-reject-unauthorized.js';
import weakPasswordHash from './weak-password-hash.js';
import xssReflected from './xss-reflected.js';

/**
 * Every rule, in id order. A rule file that exists but is not listed here fails the
 * registry test (test/rules-registry.test.ts), so a rule cannot be forgotten.
 */
export const allRules = [cleartextTransport, codeInjection, commandInjection, corsWildcardCredentials, excessiveDataExposure, hardcodedSecret, insecureCookie, insecureRandomness, jwtDecodeAuth, jwtNoExpiry, jwtNoneAlg, jwtVerifyWithoutAlgorithms, massAssignment, missingAuthAuditLog, missingAuthentication, missingAuthorization, missingOwnershipCheck, missingRateLimit, missingSecurityHeaders, missingStateGuard, nosqlInjection, openRedirect, passwordHashExposure, pathTraversal, plaintextPasswordStorage, rawSqlConcatenation, regexInjection, sensitiveDataInLogs, sqlInjection, ssrf, tlsRejectUnauthorized, weakPasswordHash, xssReflected] as const satisfies readonly Rule[];

export function findRule(id: string): Rule | undefined {
  return allRules.find((rule) => rule.meta.id === id);
}
