/**
 * GitHub code scanning's `primaryLocationLineHash`, computed exactly as github/codeql-action
 * `src/fingerprints.ts` (function `hash`) does, so that alerts we upload keep their identity
 * when GitHub (or codeql-action/upload-sarif) would otherwise compute the value itself.
 *
 * For every line: a base-37 rolling hash over the next 100 characters counted from the start of
 * the line, skipping spaces and tabs, with CR, LF and CRLF all read as LF; after the last real
 * character a 0xFFFF "EOF" marker and then zeros pad the window. Arithmetic wraps at 64 bits
 * (codeql-action uses `long`); the value is printed unsigned in lowercase hex without padding,
 * followed by `:n` where n counts how often that hash value has been seen so far in the file.
 */
const TAB = 0x09;
const SPACE = 0x20;
const LF = 0x0a;
const CR = 0x0d;
const EOF = 0xffff;
const BLOCK_SIZE = 100;
const MOD = 37n;
const FIRST_MOD = BigInt.asUintN(64, MOD ** BigInt(BLOCK_SIZE));
// BigInt conversions dominate the cost; ASCII (nearly all source text) is served from tables.
const ASCII_VALUES = Array.from({ length: 128 }, (_, code) => BigInt(code));
const ASCII_OUTGOING = ASCII_VALUES.map((value) => FIRST_MOD * value);
const asBigInt = (code: number): bigint => (code < 128 ? ASCII_VALUES[code]! : BigInt(code));
const outgoing = (code: number): bigint => (code < 128 ? ASCII_OUTGOING[code]! : FIRST_MOD * BigInt(code));

/** One `hex:occurrence` per line of `text`; index 0 is line 1. Lines are split on CRLF, CR or LF. */
export function computeLineHashes(text: string): string[] {
  const window: number[] = new Array<number>(BLOCK_SIZE).fill(0);
  // The 1-based line number that starts at each window slot, or -1.
  const lineNumbers: number[] = new Array<number>(BLOCK_SIZE).fill(-1);
  const hashes: string[] = [];
  const hashCounts = new Map<string, number>();

  let hashRaw = 0n;
  let index = 0;
  let lineNumber = 0;
  let lineStart = true;
  let prevCR = false;

  const outputHash = (): void => {
    const hashValue = hashRaw.toString(16);
    const count = (hashCounts.get(hashValue) ?? 0) + 1;
    hashCounts.set(hashValue, count);
    hashes[lineNumbers[index]! - 1] = `${hashValue}:${count}`;
    lineNumbers[index] = -1;
  };

  const updateHash = (current: number): void => {
    const begin = window[index]!;
    window[index] = current;
    hashRaw = BigInt.asUintN(64, MOD * hashRaw + asBigInt(current) - outgoing(begin));
    index = (index + 1) % BLOCK_SIZE;
  };

  const processCharacter = (code: number): void => {
    let current = code;
    if (current === SPACE || current === TAB || (prevCR && current === LF)) {
      prevCR = false;
      return;
    }
    if (current === CR) {
      current = LF;
      prevCR = true;
    } else {
      prevCR = false;
    }
    if (lineNumbers[index] !== -1) outputHash();
    if (lineStart) {
      lineStart = false;
      lineNumber++;
      lineNumbers[index] = lineNumber;
    }
    if (current === LF) lineStart = true;
    updateHash(current);
  };

  for (let i = 0; i < text.length; i++) processCharacter(text.charCodeAt(i));
  processCharacter(EOF);
  for (let i = 0; i < BLOCK_SIZE; i++) {
    if (lineNumbers[index] !== -1) outputHash();
    updateHash(0);
  }
  return hashes;
}
