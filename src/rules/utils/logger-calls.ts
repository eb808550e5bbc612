import { ts } from '#typescript';
import { skipOuterExpressions } from '../../engine/ast/syntax.js';
import type { ScannedSourceFile } from '../../types.js';
import type { RuleContext } from '../../engine/rule-api.js';
import { matchingLogger } from '../../engine/models.js';
import { FRAMEWORK_LOG_OWNERS, LOG_METHODS, LOGGER_PACKAGES, LOGGER_SETUP_MEMBERS, NEST_LOGGER_CLASSES, NEST_LOGGER_MODULE } from '../../models/loggers.js';
import { localBinding, moduleCallee } from '../../engine/names/index.js';

// The libraries themselves are data (src/models/loggers.ts); this file matches calls against them.
export { LOG_METHODS } from '../../models/loggers.js';



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
  if (ts.isPropertyAccessExpression(callee) && LOG_METHODS.has(callee.name.text) && isTypedLogger(skipOuterExpressions(callee.expression), 0)) return text();
  if (ts.isPropertyAccessExpression(callee) && LOG_METHODS.has(callee.name.text) && isModuleFactoryLogger(ctx, file, skipOuterExpressions(callee.expression))) return text();
  // A logger the project declared (config `models`, kind logger): the export itself or a log method on it.
  const modelled = matchingLogger(ctx.models.loggers, ctx.modules, file, callee);
  if (modelled && (modelled.members.length === 0 || LOG_METHODS.has(modelled.members.at(-1)!))) return text();
  const resolved = moduleCallee(ctx, file, callee);
  if (!resolved) return undefined;
  if (LOGGER_PACKAGES.has(resolved.module)) {
    // winston.format.json(), pino.destination(): helpers of a logger package, not log calls.
    if (resolved.members.some((member) => LOGGER_SETUP_MEMBERS.test(member))) return undefined;
    if (resolved.module === 'debug') return resolved.members.length > 0 ? text() : undefined;
    const last = resolved.members.at(-1) ?? '';
    return LOG_METHODS.has(last) ? text() : undefined;
  }
  if (resolved.module === NEST_LOGGER_MODULE) {
    const first = resolved.members[0] ?? '';
    const last = resolved.members.at(-1) ?? '';
    if (NEST_LOGGER_CLASSES.some((name) => first === name || first === `new ${name}()`) && LOG_METHODS.has(last)) return text();
  }
  return undefined;
}

/** Type names of loggers (`Logger` of pino, winston, bunyan or the project's own alias of one, `LoggerService`). */
const LOGGER_TYPE = /^(?:Base|Pino|Winston|Bunyan)?Logger(?:Service)?$/;

/**
 * A logger handed in with its type: `logger.info()` where `logger: Logger` is a parameter, a
 * `{ logger: Logger }` parameter's field (`params.logger.child(...)`), or a `.child()` of one. A
 * helper that receives the app's logger (`withOperationLogging(op, { logger })`) writes records
 * with it, wherever the logger was made.
 */
function isTypedLogger(owner: ts.Expression, depth: number): boolean {
  if (depth > 3) return false;
  // `params.logger.child({ op })`, `logger.child(...)`: a child logs as its parent does.
  if (ts.isCallExpression(owner) && ts.isPropertyAccessExpression(owner.expression) && owner.expression.name.text === 'child') return isTypedLogger(skipOuterExpressions(owner.expression.expression), depth + 1);
  // `const logger = createScopedLogger('digest')`: what a logger factory makes is a logger, whichever package backs it.
  if (ts.isCallExpression(owner) && LOGGER_FACTORY.test(calleeName(owner))) return true;
  if (ts.isIdentifier(owner)) {
    const declaration = localBinding(owner);
    if (!declaration) return false;
    if (declaration.type && namesLoggerType(declaration.type)) return true;
    const initializer = ts.isVariableDeclaration(declaration) && declaration.initializer ? skipOuterExpressions(declaration.initializer) : undefined;
    return initializer !== undefined && isTypedLogger(initializer, depth + 1);
  }
  // `params.logger` where `params: { logger: Logger; ... }`.
  if (ts.isPropertyAccessExpression(owner) && ts.isIdentifier(owner.expression)) {
    const declaration = localBinding(owner.expression);
    const type = declaration?.type;
    if (!type || !ts.isTypeLiteralNode(type)) return false;
    const member = type.members.find((candidate) => ts.isPropertySignature(candidate) && candidate.name.getText() === owner.name.text) as ts.PropertySignature | undefined;
    return member?.type !== undefined && namesLoggerType(member.type);
  }
  return false;
}

/** `logger` declared at module level (here or imported) as `createScopedLogger('x')`, or a `.child()`/`.with()` of one. */
function isModuleFactoryLogger(ctx: RuleContext, file: ScannedSourceFile, owner: ts.Expression): boolean {
  if (!ts.isIdentifier(owner) || localBinding(owner)) return false;
  const binding = ctx.modules.resolveName(file, owner.text);
  if (binding?.kind !== 'declaration' || !ts.isVariableDeclaration(binding.node) || !binding.node.initializer) return false;
  let value = skipOuterExpressions(binding.node.initializer);
  for (let depth = 0; depth < 3 && ts.isCallExpression(value); depth++) {
    if (LOGGER_FACTORY.test(calleeName(value))) return true;
    const callee = skipOuterExpressions(value.expression);
    if (!ts.isPropertyAccessExpression(callee) || !['child', 'with'].includes(callee.name.text)) return false;
    value = skipOuterExpressions(callee.expression);
  }
  return false;
}

/** Functions named for making a logger: `createScopedLogger`, `createLogger`, `getLogger`, `makeRequestLogger`. */
const LOGGER_FACTORY = /^(?:create|get|make|build|new|init)\w*Logger$/;

function calleeName(call: ts.CallExpression): string {
  const callee = skipOuterExpressions(call.expression);
  return ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
}

function namesLoggerType(type: ts.TypeNode): boolean {
  if (!ts.isTypeReferenceNode(type)) return false;
  const name = ts.isQualifiedName(type.typeName) ? type.typeName.right.text : type.typeName.text;
  return LOGGER_TYPE.test(name);
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
    return binding?.kind === 'external' && LOGGER_PACKAGES.has(binding.module);
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
      if (resolved && LOGGER_PACKAGES.has(resolved.module) && resolved.module !== 'debug') found = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(classNode);
  return found;
}
