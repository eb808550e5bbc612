import { describe, expect, it } from 'vitest';
import { computeLineHashes } from '../src/engine/line-hash.js';

// Vectors from github/codeql-action src/fingerprints.test.ts ('hash' test).
const EXPECTED_GREETINGS = [
  'e9496ae3ebfced30:1',
  'fb7c023a8b9ccb3f:1',
  'ce8ba1a563dcdaca:1',
  'e20e36e16fcb0cc8:1',
  'b3edc88f2938467e:1',
  'c8e28b0b4002a3a0:1',
  'c129715d7a2bc9a3:1',
];

const vectors: Array<[string, string[]]> = [
  ['', ['c129715d7a2bc9a3:1']],
  [' a\nb\n  \t\tc\n d', ['271789c17abda88f:1', '54703d4cd895b18:1', '180aee12dab6264:1', 'a23a3dc5e078b07b:1']],
  [
    ' hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End',
    [
      '8b7cf3e952e7aeb2:1',
      'b1ae1287ec4718d9:1',
      'bff680108adb0fcc:1',
      'c6805c5e1288b612:1',
      'b86d3392aea1be30:1',
      'e6ceba753e1a442:1',
    ],
  ],
  [' hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n', EXPECTED_GREETINGS],
  [' hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r', EXPECTED_GREETINGS],
  [' hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n', EXPECTED_GREETINGS],
  [' hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n', EXPECTED_GREETINGS],
  [
    'Lorem ipsum dolor sit amet.\n'.repeat(10),
    [
      'a7f2ff13bc495cf2:1',
      'a7f2ff13bc495cf2:2',
      'a7f2ff13bc495cf2:3',
      'a7f2ff13bc495cf2:4',
      'a7f2ff13bc495cf2:5',
      'a7f2ff13bc495cf2:6',
      'a7f2ff1481e87703:1',
      'a9cf91f7bbf1862b:1',
      '55ec222b86bcae53:1',
      'cc97dc7b1d7d8f7b:1',
      'c129715d7a2bc9a3:1',
    ],
  ],
];

describe('computeLineHashes (codeql-action primaryLocationLineHash)', () => {
  it.each(vectors)('hashes %j like codeql-action', (input, expected) => {
    const hashes = computeLineHashes(input);
    expect(hashes).toEqual(expected);
    expect(hashes).toHaveLength(input.split(/\r\n|\r|\n/).length);
  });

  it('returns one dense entry per line for long inputs', () => {
    const text = Array.from({ length: 500 }, (_, i) => `const value${i % 7} = ${'x'.repeat(i % 130)};`).join('\n');
    const hashes = computeLineHashes(text);
    expect(hashes).toHaveLength(500);
    expect(hashes.every((hash) => /^[0-9a-f]{1,16}:\d+$/.test(hash))).toBe(true);
  });

  it('depends only on the first 100 non-blank characters from the line start', () => {
    const tail = 'y'.repeat(200);
    const [first] = computeLineHashes(`${'a'.repeat(100)}${tail}`);
    const [second] = computeLineHashes(`  ${'a'.repeat(100)}\tZZZ`);
    expect(first).toBe(second);
  });
});
