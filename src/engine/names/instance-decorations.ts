import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../types.js';
import { skipOuterExpressions } from '../ast/syntax.js';
import type { ModuleIndex } from './module-index.js';

/**
 * What a Fastify application hangs on its instance: `server.decorate('services', { secret: secretService,
 * ... })` once at start-up, then `server.services.secret.getSecret(...)` (or `req.server.services...`)
 * in every route plugin. The instance a plugin receives is a parameter, so the name `services` cannot be
 * followed to a declaration; the decoration is what it holds. Only a decoration set once in the project
 * with a literal name: two values under one name could be either at a given route.
 */
export interface InstanceDecoration {
  readonly file: ScannedSourceFile;
  readonly value: ts.Expression;
}

const indexes = new WeakMap<ModuleIndex, Map<string, InstanceDecoration[]>>();

/** The one value the project decorates its instance with under `name`, if it sets exactly one. */
export function instanceDecoration(modules: ModuleIndex, name: string): InstanceDecoration | undefined {
  let index = indexes.get(modules);
  if (!index) indexes.set(modules, (index = buildIndex(modules)));
  const values = index.get(name);
  return values?.length === 1 ? values[0] : undefined;
}

function buildIndex(modules: ModuleIndex): Map<string, InstanceDecoration[]> {
  const index = new Map<string, InstanceDecoration[]>();
  for (const file of modules.sourceFiles) {
    if (!file.text.includes('.decorate')) continue;
    const stack: ts.Node[] = [file.sourceFile];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (ts.isCallExpression(node) && node.arguments.length >= 2 && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'decorate') {
        const name = skipOuterExpressions(node.arguments[0]!);
        if (ts.isStringLiteralLike(name)) {
          const values = index.get(name.text) ?? [];
          values.push({ file, value: node.arguments[1]! });
          index.set(name.text, values);
        }
      }
      ts.forEachChild(node, (child) => {
        stack.push(child);
      });
    }
  }
  return index;
}
