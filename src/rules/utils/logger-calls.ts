import { ts } from '#typescript';
import { skipOuterExpressions } from '../../engine/ast/module-index.js';
import type { ScannedSourceFile } from '../../types.js';
import type { RuleContext } from '../../engine/rule-api.js';
import { matchingLogger } from '../../engine/models.js';
import { moduleCallee } from '../../engine/ast/module-callee.js';

/** Methods that write a log record on every logger we know. */
export const LOG_METHODS = new Set(['log', 'info', 'warn', 'warning', 'error', 'debug', 'trace', 'fatal', 'verbose', 'silly', 'http', 'notice', 'critical', 'table', 'dir', 'emerg', 'alert', 'crit']);

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
  let calleeText: string | undefined;
  const text = (): string => (calleeText ??= callee.getText(file.sourceFile));
  if (ts.isPropertyAccessExpression(callee)) {
    if (!LOG_METHODS.has(callee.name.text)) return undefined;
    const owner = skipOuterExpressions(callee.expression);
    if (ts.isIdentifier(owner) && owner.text === 'console' && !ctx.modules.resolveName(file, 'console')) return text();
    // fastify `request.log.info(...)`, `fastify.log.warn(...)`.
    if (ts.isPropertyAccessExpression(owner) && owner.name.text === 'log') {
      const base = skipOuterExpressions(owner.expression);
      const baseName = ts.isIdentifier(base) ? base.text : ts.isPropertyAccessExpression(base) ? base.name.text : '';
      if (FRAMEWORK_LOG_OWNERS.has(baseName)) return text();
    }
  }
  if (ts.isPropertyAccessExpression(callee) && LOG_METHODS.has(callee.name.text) && isLoggerField(ctx, file, skipOuterExpressions(callee.expression))) return text();
  // A logger the project declared (config `models`, kind logger): the export itself or a log method on it.
  const modelled = matchingLogger(ctx.models.loggers, ctx.modules, file, callee);
  if (modelled && (modelled.members.length === 0 || LOG_METHODS.has(modelled.members.at(-1)!))) return text();
  const resolved = moduleCallee(ctx, file, callee);
  if (!resolved) return undefined;
  if (LOGGER_MODULES.has(resolved.module)) {
    // winston.format.json(), pino.destination(): helpers of a logger package, not log calls.
    if (resolved.members.some((member) => /^(format|transports|destination|stdSerializers|levels|config)/.test(member))) return undefined;
    if (resolved.module === 'debug') return resolved.members.length > 0 ? text() : undefined;
    const last = resolved.members.at(-1) ?? '';
    return LOG_METHODS.has(last) ? text() : undefined;
  }
  if (resolved.module === '@nestjs/common') {
    const first = resolved.members[0] ?? '';
    const last = resolved.members.at(-1) ?? '';
    if ((first === 'Logger' || first === 'new Logger()' || first === 'new ConsoleLogger()') && LOG_METHODS.has(last)) return text();
  }
  return undefined;
}

/**
 * `this.output` of a class that declares it `output: winston.Logger` / `pino.Logger` or assigns it
 * `this.output = winston.createLogger(...)`: a logger field the package resolution alone misses.
 */
function isLoggerField(ctx: RuleContext, file: ScannedSourceFile, owner: ts.Expression): boolean {
  if (!ts.isPropertyAccessExpression(owner) || owner.expression.kind !== ts.SyntaxKind.ThisKeyword) return false;
  let classNode: ts.Node | undefined = owner.parent;
  while (classNode && !ts.isClassDeclaration(classNode) && !ts.isClassExpression(classNode)) classNode = classNode.parent;
  if (!classNode) return false;
  const field = owner.name.text;
  const isLoggerPackage = (name: string): boolean => {
    const binding = ctx.modules.resolveName(file, name);
    return binding?.kind === 'external' && LOGGER_MODULES.has(binding.module);
  };
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isPropertyDeclaration(node) && node.name.getText() === field && node.type && ts.isTypeReferenceNode(node.type) && ts.isQualifiedName(node.type.typeName)) {
      const namespace = node.type.typeName.left;
      if (ts.isIdentifier(namespace) && isLoggerPackage(namespace.text)) found = true;
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left) && node.left.expression.kind === ts.SyntaxKind.ThisKeyword && node.left.name.text === field) {
      const resolved = moduleCallee(ctx, file, node.right);
      if (resolved && LOGGER_MODULES.has(resolved.module) && resolved.module !== 'debug') found = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(classNode);
  return found;
}
