/**
 * Offset <-> line/column arithmetic over a file's text (UTF-16 code units, as JS strings index).
 *
 * Lines end at CRLF, LF or a lone CR (classic Mac files), as editors and GitHub's line hashes
 * (line-hash.ts) count them, so a finding's line is the line a person opens. TypeScript also
 * breaks lines at U+2028/U+2029; editors show those inside a line, and so do we.
 */
const LINE_BREAK = /\r\n?|\n/g;

export class SourceText {
  readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (const lineBreak of text.matchAll(LINE_BREAK)) starts.push(lineBreak.index + lineBreak[0].length);
    this.lineStarts = starts;
  }

  /** 1-based line and column of an offset. */
  position(offset: number): { line: number; column: number } {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle]! <= clamped) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: clamped - this.lineStarts[low]! + 1 };
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** Text of a 1-based line without its line break. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return '';
    const next = this.lineStarts[line];
    const end = next === undefined ? this.text.length : next;
    return this.text.slice(start, end).replace(/\r?\n$|\r$/, '');
  }

  lineStart(line: number): number {
    return this.lineStarts[line - 1] ?? this.text.length;
  }
}

/** Offset of the line break (CR or LF) ending the line that holds `offset`, or the text's length. */
export function lineEndOffset(text: string, offset: number): number {
  for (let index = offset; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x0a || code === 0x0d) return index;
  }
  return text.length;
}
