import { ts } from 'ts-morph';
import { skipOuterExpressions } from '../../engine/ast/module-index.js';
import type { RuleContext, ScannedSourceFile } from '../../types.js';
import { moduleCallee } from './module-callee.js';

/** Methods that write a log record on every logger we know. */
const LOG_METHODS = new Set(['log', 'info', 'warn', 'warning', 'error', 'debug', 'trace', 'fatal', 'verbose', 'silly', 'http', 'notice', 'critical', 'table', 'dir', 'emerg', 'alert', 'crit']);

/** Packages whose instances (and children) are loggers. */
const LOGGER_MODULES = new Set(['winston', 'pino', 'bunyan', 'log4js', 'loglevel', 'npmlog', 'nestjs-pino', 'signale', 'consola', 'roarr', 'tslog', 'debug']);

/** Objects whose `.log` is a pino logger the framework made: fastify's request and instance. */
const FRAMEWORK_LOG_OWNERS = new Set(['req', 'request', 'fastify', 'app', 'server', 'instance', 'reply']);

/**
 * How a call reads when it writes a log record (`logger.info`, `console.log`), or undefined.
 * The logger is recognised by what it is (its package, through imports and module-level
 * instances across files, `.child()`, a Nest service's `Logger` field), not by its name.
 */
export function loggerCallName(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression): string | undefined {
  const callee = skipOuterExpressions(call.expression);
  const text = callee.getText(file.sourceFile.compilerNode);
  if (ts.isPropertyAccessExpression(callee)) {
    if (!LOG_METHODS.has(callee.name.text)) return undefined;
    const owner = skipOuterExpressions(callee.expression);
    if (ts.isIdentifier(owner) && owner.text === 'console' && !ctx.modules.resolveName(file, 'console')) return text;
    // fastify `request.log.info(...)`, `fastify.log.warn(...)`.
    if (ts.isPropertyAccessExpression(owner) && owner.name.text === 'log') {
      const base = skipOuterExpressions(owner.expression);
      const baseName = ts.isIdentifier(base) ? base.text : ts.isPropertyAccessExpression(base) ? base.name.text : '';
      if (FRAMEWORK_LOG_OWNERS.has(baseName)) return text;
    }
  }
  const resolved = moduleCallee(ctx, file, callee);
  if (!resolved) return undefined;
  if (LOGGER_MODULES.has(resolved.module)) {
    // winston.format.json(), pino.destination(): helpers of a logger package, not log calls.
    if (resolved.members.some((member) => /^(format|transports|destination|stdSerializers|levels|config)/.test(member))) return undefined;
    if (resolved.module === 'debug') return resolved.members.length > 0 ? text : undefined;
    const last = resolved.members.at(-1) ?? '';
    return LOG_METHODS.has(last) ? text : undefined;
  }
  if (resolved.module === '@nestjs/common') {
    const first = resolved.members[0] ?? '';
    const last = resolved.members.at(-1) ?? '';
    if ((first === 'Logger' || first === 'new Logger()' || first === 'new ConsoleLogger()') && LOG_METHODS.has(last)) return text;
  }
  return undefined;
}
