/**
 * Audit trails as data: what, besides a logger call (models/loggers.ts), records an authentication
 * event: an audit service, an audit-named decorator or interceptor, a domain event the app emits
 * for its listeners, a row written to an audit or login-history table. And what does not: an
 * access-log middleware records requests, not who signed in or what changed.
 * rules/missing-auth-audit-log.ts holds the matching.
 */

/**
 * A call whose callee (receiver or function name, as written) names an audit trail:
 * `auditService.log(...)`, `this.audit.record(...)`, `logActivity(...)`, `securityEvents.add(...)`,
 * an entity's history trail (`historyService.createHistoryEntryForCustomer({ type: CUSTOMER_PASSWORD_UPDATED })`).
 */
export const AUDIT_CALLEE = /audit|activit(?:y|ies)[_.]?(?:log|service|logger|record|track)|\blog_?activity|\blogActivity|security_?(?:log|event)|securityLog|securityEvent|login_?(?:history|attempt|event)|loginHistory|loginAttempt|auth_?event|authEvent|eventLog|event_?log|\brecord(?:Login|Logout|AuthEvent|SecurityEvent|Event)\b|\blog(?:Login|Logout|AuthEvent|SecurityEvent|Event)\b|history_?(?:service|entr(?:y|ies)|log|record)|historyEntr/i;

/** Methods that publish a domain event to the app's listeners (an EventEmitter, a Nest event bus, a queue). */
export const EVENT_METHODS: readonly string[] = ['emit', 'emitAsync', 'publish', 'dispatch', 'trigger'];

/** What an emitted event's name (`'user.login'`, `new UserLoggedInEvent()`) says about authentication, for it to count as the audit record. */
export const AUTH_EVENT_NAME = /log(?:ged)?_?in|log(?:ged)?_?out|sign(?:ed)?_?(?:in|out|up)|password|passwd|pwd|mfa|2fa|otp|totp|two_?factor|role|permission|auth|session|credential|login|logout/i;

/**
 * Tables and models whose rows are an audit trail, by their last word (`loginHistory`, `audit_log`,
 * `SecurityEvent`, `login_attempts`) or any word `audit`: a write to one records the event.
 */
export const AUDIT_TABLE_LAST_WORDS: ReadonlySet<string> = new Set(['audit', 'audits', 'activity', 'activities', 'history', 'histories', 'event', 'events', 'log', 'logs', 'attempt', 'attempts', 'trail', 'trails']);

/** Middleware that logs every request (morgan, pino-http, express-winston): access logs, not audit records of who did what. */
export const ACCESS_LOG_MIDDLEWARE: readonly string[] = ['morgan', 'pino-http', 'express-winston', 'koa-logger', 'hono/logger', 'express-pino-logger', 'koa-pino-logger'];
