import { ts } from '#typescript';
import { enclosingClass, fieldTypeName, fieldValue, skipOuterExpressions } from '../ast/syntax.js';
import { requiredModule, type ModuleIndex } from './module-index.js';
import { localBinding } from './locals.js';
import { normalizeModule } from './imported-values.js';
import { enclosingScope } from '../ast/scopes.js';
import type { ScannedSourceFile } from '../../types.js';

/** What the resolution needs of its caller: the scan's module index (a RuleContext is one). */
type Resolver = { readonly modules: ModuleIndex };

/**
 * What a callee is in terms of a package: `fs.promises.readFile` -> { module: 'fs', members:
 * ['promises', 'readFile'] }; `readFile` imported from 'fs/promises' -> { module: 'fs/promises',
 * members: ['readFile'] }; `client.get` where `client = axios.create()` -> { module: 'axios',
 * members: ['create()', 'get'] }. A call in the chain appears as `name()`. Default imports and
 * `import * as` are the module itself (members start after them).
 */
export interface ModuleCallee {
  module: string;
  members: string[];
}

const MAX_HOPS = 6;

/**
 * Rules ask for the callee of every call, several times (a log call is checked as a logger call,
 * a wrapper and an access logger), and most calls in a function share their receivers (`db`,
 * `logger`, `this.http`). Both answers are pure functions of the syntax tree and the scan's module
 * index, so they are kept per callee node and per (scope, name). Weak maps: they end with the scan.
 */
const calleeCache = new WeakMap<ModuleIndex, WeakMap<ts.Node, ModuleCallee | null>>();
const identifierCache = new WeakMap<ModuleIndex, WeakMap<ts.Node, Map<string, { resolved: ModuleCallee | undefined; hops: number }>>>();

function cacheOf<V>(caches: WeakMap<ModuleIndex, WeakMap<ts.Node, V>>, modules: ModuleIndex): WeakMap<ts.Node, V> {
  let cache = caches.get(modules);
  if (!cache) caches.set(modules, (cache = new WeakMap()));
  return cache;
}

export function moduleCallee(ctx: Resolver, file: ScannedSourceFile, callee: ts.Expression): ModuleCallee | undefined {
  const cache = cacheOf(calleeCache, ctx.modules);
  const known = cache.get(callee);
  if (known !== undefined) return known ?? undefined;
  const resolved = resolveChain(ctx, file, skipOuterExpressions(callee), 0);
  cache.set(callee, resolved ?? null);
  return resolved;
}


function resolveChain(ctx: Resolver, file: ScannedSourceFile, expression: ts.Expression, hops: number): ModuleCallee | undefined {
  if (hops > MAX_HOPS) return undefined;
  const value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value)) return resolveIdentifier(ctx, file, value, hops);
  if (ts.isPropertyAccessExpression(value)) {
    // `this.http.get(...)`: a NestJS HttpService (or any class field typed by a package class).
    if (value.expression.kind === ts.SyntaxKind.ThisKeyword) return resolveThisField(ctx, file, value);
    const owner = resolveChain(ctx, file, value.expression, hops + 1);
    return owner && { module: owner.module, members: [...owner.members, value.name.text] };
  }
  if (ts.isCallExpression(value)) {
    const required = requiredModule(value);
    if (required !== undefined) return { module: normalizeModule(required), members: [] };
    const inner = resolveChain(ctx, file, value.expression, hops + 1);
    if (!inner || inner.members.length === 0) return inner && { module: inner.module, members: ['()'] };
    const last = inner.members.at(-1)!;
    return { module: inner.module, members: [...inner.members.slice(0, -1), `${last}()`] };
  }
  if (ts.isNewExpression(value)) {
    const inner = resolveChain(ctx, file, value.expression, hops + 1);
    if (!inner) return undefined;
    const last = inner.members.at(-1);
    return { module: inner.module, members: last === undefined ? ['new()'] : [...inner.members.slice(0, -1), `new ${last}()`] };
  }
  return undefined;
}

function resolveIdentifier(ctx: Resolver, file: ScannedSourceFile, identifier: ts.Identifier, hops: number): ModuleCallee | undefined {
  const scope = enclosingScope(identifier);
  if (!scope) return resolveIdentifierUncached(ctx, file, identifier, hops);
  const byScope = cacheOf(identifierCache, ctx.modules);
  let byName = byScope.get(scope);
  if (!byName) byScope.set(scope, (byName = new Map()));
  // The walk is the same from any hop count; only its running out of hops differs. An answer
  // found with `known.hops` used is found again with fewer; a miss stays a miss with more.
  const known = byName.get(identifier.text);
  if (known && (known.resolved ? hops <= known.hops : hops >= known.hops)) return known.resolved;
  const resolved = resolveIdentifierUncached(ctx, file, identifier, hops);
  byName.set(identifier.text, { resolved, hops });
  return resolved;
}

function resolveIdentifierUncached(ctx: Resolver, file: ScannedSourceFile, identifier: ts.Identifier, hops: number): ModuleCallee | undefined {
  const local = localValueOf(identifier);
  if (local === null) return undefined; // a parameter or a local we cannot follow
  if (local) return resolveChain(ctx, file, local, hops + 1);
  const binding = ctx.modules.resolveName(file, identifier.text);
  if (!binding) return undefined;
  if (binding.kind === 'external') {
    const members = binding.importedName === 'default' || binding.importedName === '*' ? [] : [binding.importedName];
    return { module: normalizeModule(binding.module), members };
  }
  if (binding.kind === 'declaration' && ts.isVariableDeclaration(binding.node) && binding.node.initializer) {
    return resolveChain(ctx, binding.file, binding.node.initializer, hops + 1);
  }
  // `export default winston.createLogger(...)`: the binding is the exported expression itself.
  if (binding.kind === 'declaration' && ts.isExpression(binding.node) && (ts.isCallExpression(binding.node) || ts.isNewExpression(binding.node))) {
    return resolveChain(ctx, binding.file, binding.node, hops + 1);
  }
  return undefined;
}

/**
 * The initializer of a local `const x = ...` visible from the identifier: an expression, `null`
 * when the name is a parameter or declared without a usable initializer in a function, undefined
 * when it is not declared in any enclosing function (so it is a module-level name).
 */
function localValueOf(identifier: ts.Identifier): ts.Expression | null | undefined {
  const binding = localBinding(identifier);
  if (!binding) return undefined;
  if (ts.isParameter(binding)) return null;
  if (ts.isIdentifier(binding.name)) return binding.initializer ?? null;
  // `const { readFile } = require('fs')`: a member of the required module.
  const init = binding.initializer && skipOuterExpressions(binding.initializer);
  if (init && requiredModule(init) !== undefined && ts.isObjectBindingPattern(binding.name)) {
    const element = binding.name.elements.find((candidate) => ts.isIdentifier(candidate.name) && candidate.name.text === identifier.text);
    const key = element?.propertyName && ts.isIdentifier(element.propertyName) ? element.propertyName.text : identifier.text;
    return ts.factory.createPropertyAccessExpression(init, key) as ts.Expression;
  }
  return null;
}

/** `this.http` in a class whose constructor takes `http: HttpService` imported from a package. */
function resolveThisField(ctx: Resolver, file: ScannedSourceFile, access: ts.PropertyAccessExpression): ModuleCallee | undefined {
  const classNode = enclosingClass(access);
  if (!classNode) return undefined;
  const typeName = fieldTypeName(classNode, access.name.text);
  if (!typeName) {
    // `private client = axios.create(...)`, `this.axios = axios.create(...)` in the constructor: the value it was given.
    const value = fieldValue(classNode, access.name.text);
    return value && !value.getText().includes('this.') ? resolveChain(ctx, file, value, 0) : undefined;
  }
  const binding = ctx.modules.resolveName(file, typeName);
  if (binding?.kind !== 'external') return undefined;
  return { module: normalizeModule(binding.module), members: [`new ${binding.importedName}()`] };
}
