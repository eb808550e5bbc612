/**
 * The house's layers point one way: src/engine never imports src/rules or src/reporters (the CLI
 * and src/index.ts compose them), src/types.ts is a leaf, and no module of src/ reaches itself
 * through its imports, `import type` included (a type cycle still ties the modules together).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const srcRoot = fileURLToPath(new URL('../src', import.meta.url));
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

/** Every module of src/ with the modules of src/ it imports (relative specifiers, `.js` -> `.ts`). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const entry of readdirSync(srcRoot, { recursive: true }) as string[]) {
    if (!entry.endsWith('.ts') || entry.endsWith('.d.ts')) continue;
    const file = path.join(srcRoot, entry);
    const imports: string[] = [];
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      if (specifier!.startsWith('.')) imports.push(path.resolve(path.dirname(file), specifier!.replace(/\.js$/, '.ts')));
    }
    graph.set(file, imports);
  }
  return graph;
}

const relative = (file: string) => path.relative(srcRoot, file).split(path.sep).join('/');

/** One cycle per strongly connected component of more than one module (or a module importing itself). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const connect = (module: string): void => {
    index.set(module, next);
    low.set(module, next);
    next += 1;
    stack.push(module);
    onStack.add(module);
    for (const target of graph.get(module) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        connect(target);
        low.set(module, Math.min(low.get(module)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(module, Math.min(low.get(module)!, index.get(target)!));
    }
    if (low.get(module) !== index.get(module)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== module);
    if (component.length > 1 || (graph.get(module) ?? []).includes(module)) found.push(component.map(relative).sort());
  };
  for (const module of graph.keys()) if (!index.has(module)) connect(module);
  return found;
}

describe('layers', () => {
  const graph = importGraph();

  it('reads the sources (so the checks below mean something)', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get(path.join(srcRoot, 'index.ts'))).toContain(path.join(srcRoot, 'rules/index.ts'));
  });

  it('src/engine imports neither src/rules nor src/reporters', () => {
    const wrongWay = [...graph].flatMap(([file, imports]) =>
      relative(file).startsWith('engine/') ? imports.filter((target) => /^(?:rules|reporters)\//.test(relative(target))).map((target) => `${relative(file)} -> ${relative(target)}`) : [],
    );
    expect(wrongWay).toEqual([]);
  });

  it('src/types.ts imports no module of src/', () => {
    expect((graph.get(path.join(srcRoot, 'types.ts')) ?? []).map(relative)).toEqual([]);
  });

  it('name resolution has one entry point: nothing outside engine/names/ imports its files but index.ts', () => {
    const files = [...graph.keys()].map(relative);
    expect(files).toContain('engine/names/index.ts');
    const behindTheEntry = [...graph].flatMap(([file, imports]) =>
      relative(file).startsWith('engine/names/')
        ? []
        : imports.filter((target) => relative(target).startsWith('engine/names/') && relative(target) !== 'engine/names/index.ts').map((target) => `${relative(file)} -> ${relative(target)}`),
    );
    expect(behindTheEntry).toEqual([]);
    // The folder depends on syntax, never on what is built from it (routes, dataflow, rules).
    const outward = [...graph].flatMap(([file, imports]) =>
      relative(file).startsWith('engine/names/')
        ? imports.filter((target) => !/^(?:engine\/names\/|engine\/ast\/(?:syntax|scopes)\.ts$|types\.ts$)/.test(relative(target))).map((target) => `${relative(file)} -> ${relative(target)}`)
        : [],
    );
    expect(outward).toEqual([]);
  });

  it('no import cycle, type imports included', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('the cycle check finds a cycle when there is one', () => {
    const a = path.join(srcRoot, 'a.ts');
    const b = path.join(srcRoot, 'b.ts');
    expect(cycles(new Map([[a, [b]], [b, [a]]]))).toEqual([['a.ts', 'b.ts']]);
  });
});
