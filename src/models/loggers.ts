/**
 * Logging libraries as data: the packages whose instances (and children) are loggers, the methods
 * that write a record, and the objects a framework hands out with a logger at `.log`.
 * rules/utils/logger-calls.ts holds the matching (imports across files, `.child()`, Nest fields).
 */

/** Methods that write a log record on every logger we know. */
export const LOG_METHODS: ReadonlySet<string> = new Set(['log', 'info', 'warn', 'warning', 'error', 'debug', 'trace', 'fatal', 'verbose', 'silly', 'http', 'notice', 'critical', 'table', 'dir', 'emerg', 'alert', 'crit']);

/** Packages whose instances (and children) are loggers. */
export const LOGGER_PACKAGES: ReadonlySet<string> = new Set(['winston', 'pino', 'bunyan', 'log4js', 'loglevel', 'npmlog', 'nestjs-pino', 'signale', 'consola', 'roarr', 'tslog', 'debug']);

/** Members of a logger package that configure it rather than write (`winston.format.json()`, `pino.destination()`). */
export const LOGGER_SETUP_MEMBERS = /^(format|transports|destination|stdSerializers|levels|config)/;

/** Objects whose `.log` is a pino logger the framework made: fastify's request and instance. */
export const FRAMEWORK_LOG_OWNERS: ReadonlySet<string> = new Set(['req', 'request', 'fastify', 'app', 'server', 'instance', 'reply']);

/** `@nestjs/common`'s logger classes: `new Logger()`, a `Logger` field, `Logger.log()`. */
export const NEST_LOGGER_MODULE = '@nestjs/common';
export const NEST_LOGGER_CLASSES: readonly string[] = ['Logger', 'ConsoleLogger'];

/**
 * Names a project gives its logger (`logger`, `log`, `request.logger`, `this.authLogger`): a log method
 * called on one is a log record even when the scan cannot see which package made it (a factory such as
 * `createScopedLogger(scope)` that returns console- or vendor-backed methods). Used where a missed logger
 * would be a false finding (an audit record), not where it would add findings.
 */
export const LOGGER_NAME = /^(?:log|logger|[A-Za-z0-9]*Logger|[a-z0-9_]*_logger)$/;
