import { ts } from '#typescript';

/**
 * Every node of one file, in document order (parents before children), from one iterative walk.
 *
 * The walk is done once per file and shared: the rules' per-file handlers are dispatched from it
 * (run.ts) and engine passes that look for every node of a kind (all calls, all classes) read
 * `ofKind` instead of walking the file again. Iterative, so a file nested thousands of levels
 * deep (a generated 10k-long member chain) cannot overflow the stack here.
 */
export interface FileIndex {
  readonly nodes: readonly ts.Node[];
  ofKind(kind: ts.SyntaxKind): readonly ts.Node[];
}

const indexes = new WeakMap<ts.SourceFile, FileIndex>();
const NONE: readonly ts.Node[] = [];

export function fileIndex(sourceFile: ts.SourceFile): FileIndex {
  let index = indexes.get(sourceFile);
  if (!index) {
    index = buildIndex(sourceFile);
    indexes.set(sourceFile, index);
  }
  return index;
}

/** Every node of `kind` in the file, in document order. */
export function nodesOfKind<K extends ts.SyntaxKind>(sourceFile: ts.SourceFile, kind: K): readonly ts.Node[] {
  return fileIndex(sourceFile).ofKind(kind);
}

/** Every node of `kind` inside `node` (itself included), in document order, without recursion. */
export function descendantsOfKind(node: ts.Node, kind: ts.SyntaxKind): ts.Node[] {
  const found: ts.Node[] = [];
  walkDescendants(node, (child) => {
    if (child.kind === kind) found.push(child);
  });
  return found;
}

/**
 * Calls `visit` on `root` and each node below it in document order, iteratively. `visit` returning
 * false skips that node's children.
 */
export function walkDescendants(root: ts.Node, visit: (node: ts.Node) => boolean | void): void {
  walk(root, visit, false);
}

/** walkDescendants, setting each child's `parent` on the way when asked (buildIndex). */
function walk(root: ts.Node, visit: (node: ts.Node) => boolean | void, setParents: boolean): void {
  const stack: ts.Node[] = [root];
  const children: ts.Node[] = [];
  let parent: ts.Node = root;
  const collect = (child: ts.Node): undefined => {
    if (setParents) (child as { parent: ts.Node }).parent = parent;
    children.push(child);
    return undefined;
  };
  const collectArray = (array: ts.NodeArray<ts.Node>): undefined => {
    for (const child of array) collect(child);
    return undefined;
  };
  while (stack.length > 0) {
    parent = stack.pop()!;
    if (visit(parent) === false) continue;
    ts.forEachChild(parent, collect, collectArray);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    children.length = 0;
  }
}

/**
 * The walk also sets each node's `parent`: the files are parsed without TypeScript's own pass that
 * does (`setParentNodes`, a second walk of every tree, 2-3% of a scan), and the index of every file
 * is built as it is parsed (project.ts), before anything reads a parent.
 */
function buildIndex(sourceFile: ts.SourceFile): FileIndex {
  const nodes: ts.Node[] = [];
  walk(
    sourceFile,
    (node) => {
      nodes.push(node);
    },
    true,
  );
  let byKind: Map<ts.SyntaxKind, ts.Node[]> | undefined;
  return {
    nodes,
    ofKind(kind) {
      if (!byKind) {
        byKind = new Map();
        for (const node of nodes) {
          const list = byKind.get(node.kind);
          if (list) list.push(node);
          else byKind.set(node.kind, [node]);
        }
      }
      return byKind.get(kind) ?? NONE;
    },
  };
}

const byPathIndexes = new WeakMap<readonly { path: string }[], Map<string, { path: string }>>();

/**
 * The file with this scan-relative path in a list of scanned files, from a map built once per list:
 * called per route and per middleware, a linear search grew with routes x files.
 */
export function fileWithPath<F extends { path: string }>(files: readonly F[], filePath: string): F | undefined {
  let byPath = byPathIndexes.get(files);
  if (!byPath) {
    byPath = new Map();
    for (const file of files) if (!byPath.has(file.path)) byPath.set(file.path, file);
    byPathIndexes.set(files, byPath);
  }
  return byPath.get(filePath) as F | undefined;
}
