import { ts } from '#typescript';

/**
 * Ancestor queries that stay O(1) per node on input nested thousands of levels deep (a generated
 * 10k-long call chain): each answer is memoized on every node the climb passed, so the next
 * question from below stops at the first answered node instead of climbing to the root again.
 *
 * The memo only starts FREE_CLIMB levels up. Real code answers within a few levels, and there a
 * plain climb is several times cheaper than weak-map reads and writes, which also cost the
 * garbage collector (every entry is an ephemeron it must trace): on the bench corpus the memo on
 * every node cost about 0.2 s of a 3.3 s scan.
 */
const FREE_CLIMB = 48;

const scopes = new WeakMap<ts.Node, ts.Node | null>();

/** Nodes that can declare names: source files, blocks, case clauses, function-likes. */
function declaresNames(node: ts.Node): boolean {
  return ts.isSourceFile(node) || ts.isBlock(node) || ts.isModuleBlock(node) || ts.isCaseClause(node) || ts.isDefaultClause(node) || ts.isFunctionLike(node);
}

/** The nearest strict ancestor that can declare names (see declaresNames), or undefined at the top. */
export function enclosingScope(node: ts.Node): ts.Node | undefined {
  let current = node;
  for (let steps = 0; steps < FREE_CLIMB; steps++) {
    const parent = current.parent;
    if (!parent) return undefined;
    if (declaresNames(parent)) return parent;
    current = parent;
  }
  // Deep input: `current` declares nothing, so its scope is the node's scope.
  return memoizedEnclosingScope(current);
}

function memoizedEnclosingScope(node: ts.Node): ts.Node | undefined {
  const climbed: ts.Node[] = [];
  let found: ts.Node | null = null;
  for (let current = node; ; ) {
    const known = scopes.get(current);
    if (known !== undefined) {
      found = known;
      break;
    }
    climbed.push(current);
    const parent = current.parent;
    if (!parent) break;
    if (declaresNames(parent)) {
      found = parent;
      break;
    }
    current = parent;
  }
  for (const passed of climbed) scopes.set(passed, found);
  return found ?? undefined;
}

/**
 * True when `node` or an ancestor satisfies `test`, memoized per test in `memo` (one WeakMap per
 * question, owned by the caller).
 */
export function hasAncestorOrSelf(node: ts.Node, test: (node: ts.Node) => boolean, memo: WeakMap<ts.Node, boolean>): boolean {
  let current: ts.Node | undefined = node;
  for (let steps = 0; current && steps < FREE_CLIMB; steps++, current = current.parent) {
    if (test(current)) return true;
  }
  // Deep input: nothing below `current` passed, so the answer is `current`'s.
  return current ? memoizedHasAncestorOrSelf(current, test, memo) : false;
}

function memoizedHasAncestorOrSelf(node: ts.Node, test: (node: ts.Node) => boolean, memo: WeakMap<ts.Node, boolean>): boolean {
  const climbed: ts.Node[] = [];
  let inherited = false;
  for (let current: ts.Node | undefined = node; current; current = current.parent) {
    const known = memo.get(current);
    if (known !== undefined) {
      inherited = known;
      break;
    }
    climbed.push(current);
  }
  for (let index = climbed.length - 1; index >= 0; index--) {
    const current = climbed[index]!;
    inherited = inherited || test(current);
    memo.set(current, inherited);
  }
  return inherited;
}
