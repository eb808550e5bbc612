/**
 * Which lines of a file's new text a change touched, compared with its old text: Myers' O(ND)
 * shortest edit script over lines (the diff `git diff` shows by default), after the common head
 * and tail are cut off. A pure deletion touches the lines on either side of where it was: a
 * removed `requireAuth,` line or guard statement is a change to the code around it.
 */

/** Above this many differing lines the middle of the file counts as changed as a whole (a rewrite). */
const MAX_EDIT_DISTANCE = 4000;

/** 1-based line numbers of `after` that are new or next to a deletion. */
export function changedLines(before: string, after: string): Set<number> {
  const oldLines = splitLines(before);
  const newLines = splitLines(after);
  let head = 0;
  while (head < oldLines.length && head < newLines.length && oldLines[head] === newLines[head]) head++;
  let tail = 0;
  while (tail < oldLines.length - head && tail < newLines.length - head && oldLines[oldLines.length - 1 - tail] === newLines[newLines.length - 1 - tail]) tail++;
  const a = oldLines.slice(head, oldLines.length - tail);
  const b = newLines.slice(head, newLines.length - tail);
  const changed = new Set<number>();
  const touch = (newIndex: number) => {
    if (newIndex >= 0 && newIndex < newLines.length) changed.add(newIndex + 1);
  };
  if (a.length === 0 && b.length === 0) return changed;
  const kept = commonLines(a, b);
  if (!kept) {
    for (let index = 0; index < b.length; index++) touch(head + index);
    touch(head - 1);
    touch(head + b.length);
    return changed;
  }
  // Walk both sides along the kept pairs: every unkept new line is changed; unkept old lines
  // (deletions) touch the new lines around their place.
  let i = 0;
  let j = 0;
  for (const [keptOld, keptNew] of [...kept, [a.length, b.length] as const]) {
    // Old lines replaced by new ones are a modification: the new lines say where it is.
    const deletedOnly = keptOld > i && keptNew === j;
    for (; j < keptNew; j++) touch(head + j);
    if (deletedOnly) {
      touch(head + keptNew - 1);
      touch(head + keptNew);
    }
    i = keptOld + 1;
    j = keptNew + 1;
  }
  return changed;
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Index pairs (old, new) of the lines a shortest edit script keeps, in order; undefined when the
 * two differ in more than MAX_EDIT_DISTANCE lines.
 */
function commonLines(a: readonly string[], b: readonly string[]): Array<readonly [number, number]> | undefined {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, offset, d, n, m, a, b);
    }
  }
  return undefined;
}

function backtrack(trace: Int32Array[], offset: number, depth: number, n: number, m: number, a: readonly string[], b: readonly string[]): Array<readonly [number, number]> {
  const kept: Array<readonly [number, number]> = [];
  let x = n;
  let y = m;
  for (let d = depth; d > 0; d--) {
    const v = trace[d]!;
    const k = x - y;
    const previousK = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? k + 1 : k - 1;
    const previousX = v[offset + previousK]!;
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      x--;
      y--;
      kept.push([x, y]);
    }
    x = previousX;
    y = previousY;
  }
  // The snake before the first edit.
  while (x > 0 && y > 0 && a[x - 1] === b[y - 1]) {
    x--;
    y--;
    kept.push([x, y]);
  }
  return kept.reverse();
}
