import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../types.js';
import { enclosingFunction, propertyNameText, skipOuterExpressions } from '../ast/syntax.js';
import { bindingNames, type ModuleIndex } from './module-index.js';

/**
 * What RPC middleware put on the procedure context: tRPC's `opts.next({ ctx: { messageModel: new
 * MessageModel(ctx.serverDB, ctx.userId) } })` and oRPC's `next({ context: { ... } })` merge these
 * members into the `ctx` / `context` every later middleware and the resolver receive. A resolver's
 * `ctx.messageModel.update(...)` runs a method of the instance the middleware made.
 */
export interface ContextMemberValue {
  /** `ctx` (tRPC) or `context` (oRPC): the name the resolver reads it under. */
  readonly context: 'ctx' | 'context';
  readonly value: ts.Expression;
  readonly file: ScannedSourceFile;
  /** The middleware function whose `next(...)` call sets it. */
  readonly middleware: ts.SignatureDeclaration & { body?: ts.ConciseBody };
}

const indexes = new WeakMap<ModuleIndex, Map<string, ContextMemberValue[]>>();
const CONTEXT_KEYS: ReadonlySet<string> = new Set(['ctx', 'context']);

/** Every value middleware set for `member` on the procedure context, across the project. */
export function contextMemberValues(modules: ModuleIndex, member: string): readonly ContextMemberValue[] {
  let index = indexes.get(modules);
  if (!index) indexes.set(modules, (index = buildIndex(modules)));
  return index.get(member) ?? [];
}

function buildIndex(modules: ModuleIndex): Map<string, ContextMemberValue[]> {
  const index = new Map<string, ContextMemberValue[]>();
  for (const file of modules.sourceFiles) {
    // Cheap pre-filter: only files that call next with a context object.
    if (!file.text.includes('next(') || !/\b(?:ctx|context)\s*:/.test(file.text)) continue;
    for (const call of nextCalls(file.sourceFile)) {
      const callee = skipOuterExpressions(call.expression);
      const named = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      const options = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
      if (named !== 'next' || !options || !ts.isObjectLiteralExpression(options)) continue;
      const middleware = middlewareOf(call);
      if (!middleware) continue;
      for (const property of options.properties) {
        if (!ts.isPropertyAssignment(property)) continue;
        const key = propertyNameText(property.name);
        const members = skipOuterExpressions(property.initializer);
        if (!key || !CONTEXT_KEYS.has(key) || !ts.isObjectLiteralExpression(members)) continue;
        for (const entry of members.properties) {
          // `next({ ctx: { emailAccountId } })`: a shorthand member is the local of its name.
          if (!ts.isPropertyAssignment(entry) && !ts.isShorthandPropertyAssignment(entry)) continue;
          const name = propertyNameText(entry.name);
          if (!name) continue;
          const values = index.get(name) ?? [];
          values.push({ context: key as 'ctx' | 'context', value: ts.isPropertyAssignment(entry) ? entry.initializer : entry.name, file, middleware });
          index.set(name, values);
        }
      }
    }
  }
  return index;
}

/**
 * The middleware a `next(...)` call belongs to: the function whose parameter binds `next` (or the
 * `opts` of `opts.next`). The call may sit in a callback the middleware hands on (`return
 * instrument({ run: () => next({ ctx }) })`), which runs the middleware's own continuation.
 */
function middlewareOf(call: ts.CallExpression): (ts.SignatureDeclaration & { body?: ts.ConciseBody }) | undefined {
  const callee = skipOuterExpressions(call.expression);
  const root = ts.isPropertyAccessExpression(callee) ? skipOuterExpressions(callee.expression) : callee;
  const name = ts.isIdentifier(root) ? root.text : ts.isPropertyAccessExpression(root) ? root.name.text : undefined;
  const first = enclosingFunction(call) as (ts.SignatureDeclaration & { body?: ts.ConciseBody }) | undefined;
  let fn = first;
  for (let depth = 0; fn && name && depth < 4; depth++) {
    if (fn.parameters.some((parameter) => bindingNames(parameter.name).includes(name))) return fn;
    fn = enclosingFunction(fn) as (ts.SignatureDeclaration & { body?: ts.ConciseBody }) | undefined;
  }
  return first;
}

/** Every `next(...)` / `opts.next(...)` call of a file (an iterative walk: a deeply nested file cannot overflow the stack). */
function nextCalls(sourceFile: ts.SourceFile): ts.CallExpression[] {
  const found: ts.CallExpression[] = [];
  const stack: ts.Node[] = [sourceFile];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if ((ts.isIdentifier(callee) && callee.text === 'next') || (ts.isPropertyAccessExpression(callee) && callee.name.text === 'next')) found.push(node);
    }
    ts.forEachChild(node, (child) => {
      stack.push(child);
    });
  }
  return found;
}

/**
 * `ctx.messageModel`, `opts.ctx.messageModel`, `context.repo`: a member read from the procedure
 * context by its name (the resolver's `({ ctx })`, a middleware's `opts.ctx`). Undefined for other reads.
 */
export function contextMemberRead(expression: ts.Expression): { context: 'ctx' | 'context'; member: string } | undefined {
  const value = skipOuterExpressions(expression);
  if (!ts.isPropertyAccessExpression(value)) return undefined;
  const owner = skipOuterExpressions(value.expression);
  const ownerName = ts.isIdentifier(owner) ? owner.text : ts.isPropertyAccessExpression(owner) ? owner.name.text : undefined;
  if (!ownerName || !CONTEXT_KEYS.has(ownerName)) return undefined;
  return { context: ownerName as 'ctx' | 'context', member: value.name.text };
}

/**
 * The class whose instance the procedure context holds under a member: every middleware that sets
 * the member sets a `new` of the same project class. Undefined when any sets something else (the
 * member is not known to be that instance on every procedure).
 */
export function contextMemberClass(modules: ModuleIndex, read: { context: 'ctx' | 'context'; member: string }): { file: ScannedSourceFile; node: ts.ClassDeclaration } | undefined {
  const values = contextMemberValues(modules, read.member).filter((value) => value.context === read.context);
  let found: { file: ScannedSourceFile; node: ts.ClassDeclaration } | undefined;
  for (const { value, file } of values) {
    const constructed = skipOuterExpressions(value);
    if (!ts.isNewExpression(constructed) || !ts.isIdentifier(constructed.expression)) return undefined;
    const binding = modules.resolveName(file, constructed.expression.text);
    if (binding?.kind !== 'declaration' || !ts.isClassDeclaration(binding.node)) return undefined;
    if (found && found.node !== binding.node) return undefined;
    found = { file: binding.file, node: binding.node };
  }
  return found;
}
