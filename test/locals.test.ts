import { describe, expect, it } from 'vitest';
import { ts } from '#typescript';
import { localBinding, localDeclaration } from '../src/engine/names/index.js';

/** Every identifier `target` used in a call argument `use(target)`, in source order. */
function usesOf(code: string): ts.Identifier[] {
  const sourceFile = ts.createSourceFile('x.ts', code, ts.ScriptTarget.Latest, true);
  const found: ts.Identifier[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'use' && node.arguments[0] && ts.isIdentifier(node.arguments[0])) found.push(node.arguments[0]);
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** The text of the declaration a use binds to: `const x = 1` -> "x = 1", a parameter -> its text. */
const boundText = (identifier: ts.Identifier): string | undefined => localBinding(identifier)?.getText();

describe('localBinding (one local-name lookup for every rule and engine pass)', () => {
  it('finds a variable declared before the use in an enclosing block, destructured or not', () => {
    const [plain, destructured, nested] = usesOf('function f() { const a = 1; const { b, c: [d] } = g(); use(a); use(b); { use(d); } }');
    expect(boundText(plain!)).toBe('a = 1');
    expect(boundText(destructured!)).toBe('{ b, c: [d] } = g()');
    expect(boundText(nested!)).toBe('{ b, c: [d] } = g()');
  });

  it('a parameter shadows an outer variable of the same name', () => {
    const [use] = usesOf('function outer() { const id = "x"; return (id: string) => use(id); }');
    expect(ts.isParameter(localBinding(use!)!)).toBe(true);
    expect(localDeclaration(use!)).toBeUndefined();
  });

  it('a use in a nested function sees a const declared later in the enclosing block (it runs later)', () => {
    const [use] = usesOf('function setup() { const handler = () => use(pool); const pool = createPool(); }');
    expect(boundText(use!)).toBe('pool = createPool()');
  });

  it('a use directly in the block does not see a later declaration (that would be a TDZ error)', () => {
    const [use] = usesOf('function f() { use(later); const later = 1; }');
    expect(localBinding(use!)).toBeUndefined();
  });

  it('finds loop variables and case-clause locals; module level is left to the ModuleIndex', () => {
    const [loop, inCase, moduleLevel] = usesOf('const top = 1;\nfunction f(xs: number[], k: string) { for (const x of xs) use(x); switch (k) { case "a": { } default: const y = 2; use(y); } use(top); }');
    expect(boundText(loop!)).toBe('x');
    expect(boundText(inCase!)).toBe('y = 2');
    expect(localBinding(moduleLevel!)).toBeUndefined();
  });
});
