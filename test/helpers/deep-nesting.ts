/**
 * Hostile, deeply nested inputs (issue 12: "no input can crash a scan or lose a finding").
 *
 * Each shape is one generated source file that is syntactically valid (or, for .json/.yaml, valid
 * data) but nested or chained far deeper than hand-written code: the kind of thing generated
 * code, minified bundles, lookup tables and fuzzers produce. A scanner that walks the AST (or the
 * data) recursively overflows the stack on them; the TypeScript parser itself does on some
 * (parentheses 800 deep on the main thread's default stack).
 *
 * Every file stays under the default 1 MiB maxFileSize and puts one level per line (as a formatter
 * would), so it reaches the parser and the rules instead of being skipped for its size or as a
 * minified bundle (a few very long lines).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface DeepShape {
  /** Short id, e.g. "parens-800". */
  shape: string;
  /** File name relative to the corpus folder. */
  file: string;
  /** The file's text (generated on demand; some are hundreds of KiB). */
  content: () => string;
}

const repeat = (text: string, count: number) => text.repeat(count);
const lines = (count: number, line: (i: number) => string) => Array.from({ length: count }, (_, i) => line(i)).join('\n');

export const DEEP_SHAPES: readonly DeepShape[] = [
  // --- the shapes the issue names, at the depths it names ---
  {
    shape: 'object-literal-1000',
    file: 'deep/object-literal.ts',
    content: () => `export const config =\n${repeat('{ a:\n', 1000)}1\n${repeat('}\n', 1000)};\n`,
  },
  {
    shape: 'array-literal-1000',
    file: 'deep/array-literal.ts',
    content: () => `export const table =\n${repeat('[\n', 1000)}1\n${repeat(']\n', 1000)};\n`,
  },
  {
    shape: 'template-literal-1000',
    file: 'deep/template-literal.ts',
    content: () => `const name = 'x';\nexport const text =\n${repeat('`a${\n', 1000)}name\n${repeat('}b`\n', 1000)};\n`,
  },
  {
    shape: 'nested-if-2000',
    file: 'deep/nested-if.ts',
    content: () =>
      `export function check(a: number): number {\n${lines(2000, (i) => `if (a > ${i}) {`)}\nreturn a;\n${repeat('}\n', 2000)}return 0;\n}\n`,
  },
  {
    shape: 'nested-arrow-2000',
    file: 'deep/nested-arrow.ts',
    content: () => `export const curried =\n${repeat('(a: number) =>\n', 2000)}1;\n`,
  },
  {
    shape: 'jsx-2000',
    file: 'deep/jsx.tsx',
    content: () =>
      `declare global { namespace JSX { interface IntrinsicElements { [name: string]: unknown } } }\n` +
      `export const Tree = () => (\n${repeat('<div>\n', 2000)}leaf\n${repeat('</div>\n', 2000)});\n`,
  },
  {
    shape: 'call-chain-10000',
    file: 'deep/call-chain.ts',
    content: () => `const f = (x: unknown) => x;\nexport const wrapped =\n${repeat('f(\n', 10000)}1\n${repeat(')\n', 10000)};\n`,
  },
  {
    shape: 'ternary-10000',
    file: 'deep/ternary.ts',
    content: () => `export function pick(a: number): number {\n  return ${lines(10000, (i) => `a === ${i} ? ${i} :`)}\n  -1;\n}\n`,
  },
  {
    shape: 'else-if-10000',
    file: 'deep/else-if.ts',
    content: () =>
      `export function code(a: number): number {\n  if (a === -1) { return -1; }\n${lines(10000, (i) => `  else if (a === ${i}) { return ${i}; }`)}\n  return 0;\n}\n`,
  },
  {
    shape: 'member-chain-10000',
    file: 'deep/member-chain.ts',
    content: () => `declare const a: any;\nexport const value = a\n${repeat('  .b\n', 10000)};\n`,
  },
  {
    shape: 'string-concat-4000-lines',
    file: 'deep/string-concat.ts',
    content: () => `export const sql =\n${lines(4000, (i) => `  'select column_${i} from table_${i} where id = 1 ' +`)}\n  '';\n`,
  },
  {
    shape: 'json-1000',
    file: 'deep/nested.json',
    content: () => `${repeat('{"a":\n', 1000)}1\n${repeat('}\n', 1000)}`,
  },
  {
    shape: 'parens-800',
    file: 'deep/parens.ts',
    content: () => `export const n =\n${repeat('(\n', 800)}1\n${repeat(')\n', 800)};\n`,
  },
  // --- other realistic deep shapes, to make 23 ---
  {
    shape: 'yaml-1000',
    file: 'deep/nested.yaml',
    // One-space indentation keeps 1000 levels under 1 MiB (YAML allows any consistent indent).
    content: () => `${lines(1000, (i) => `${' '.repeat(i)}a:`)}\n${' '.repeat(1000)}leaf: 1\n`,
  },
  {
    shape: 'nested-class-500',
    file: 'deep/nested-class.ts',
    content: () => `export const Outer =\n${repeat('class { make() { return (\n', 500)}1\n${repeat('); } }\n', 500)};\n`,
  },
  {
    shape: 'nested-await-1000',
    file: 'deep/nested-await.ts',
    content: () => `export async function run(p: Promise<number>) {\n  return (\n${repeat('await (\n', 1000)}p\n${repeat(')\n', 1000)});\n}\n`,
  },
  {
    shape: 'unary-not-5000',
    file: 'deep/unary-not.ts',
    content: () => `declare const flag: unknown;\nexport const truthy =\n${repeat('!\n', 5000)}flag;\n`,
  },
  {
    shape: 'generic-type-1000',
    file: 'deep/generic-type.ts',
    content: () => `type Box<T> = { value: T };\nexport type Deep =\n${repeat('Box<\n', 1000)}string\n${repeat('>\n', 1000)};\n`,
  },
  {
    shape: 'nested-destructuring-1000',
    file: 'deep/nested-destructuring.ts',
    content: () => `export function take(input: any) {\n  const\n${repeat('{ a:\n', 1000)}leaf\n${repeat('}\n', 1000)} = input;\n  return leaf;\n}\n`,
  },
  {
    shape: 'then-chain-5000',
    file: 'deep/then-chain.ts',
    content: () => `export const done = Promise.resolve(0)\n${lines(5000, (i) => `  .then((v) => v + ${i})`)};\n`,
  },
  {
    shape: 'logical-chain-10000',
    file: 'deep/logical-chain.ts',
    content: () => `export function allowed(a: number): boolean {\n  return ${lines(10000, (i) => `(a !== ${i}) ${i % 2 ? '&&' : '||'}`)}\n  a > 0;\n}\n`,
  },
  {
    shape: 'nested-try-1000',
    file: 'deep/nested-try.ts',
    content: () => `export function risky(): number {\n${repeat('try {\n', 1000)}return 1;\n${repeat('} catch { }\n', 1000)}return 0;\n}\n`,
  },
  {
    shape: 'router-use-chain-2000',
    file: 'deep/router-chain.ts',
    // Express routers mounted into each other 2000 levels deep, one route at the bottom: deep for
    // the route engine's mount resolution, not for the parser.
    content: () =>
      `import { Router } from 'express';\n` +
      `${lines(2000, (i) => `const r${i} = Router();`)}\n` +
      `${lines(1999, (i) => `r${i}.use('/l${i}', r${i + 1});`)}\n` +
      `r1999.get('/leaf/:id', (req, res) => { res.json({ id: req.params.id }); });\n` +
      `export default r0;\n`,
  },
];

/**
 * Writes every hostile shape into `dir`; returns each file (relative to `dir`) with its shape id.
 * With `canary`, each file also holds `canary` as a secret-shaped value next to the deep part
 * (see writeShape), so a test can tell a file that was handled from one that was silently dropped.
 */
export function writeDeepNestingCorpus(dir: string, canary?: string): { file: string; shape: string }[] {
  return DEEP_SHAPES.map((shape) => {
    writeShape(dir, shape, canary);
    return { file: shape.file, shape: shape.shape };
  });
}

/**
 * Writes one hostile shape into `dir`. With `canary`, the file starts with an ordinary assignment
 * of it (`export const stripeKey = '…'` in source, a `stripeKey` key in JSON and YAML) before the
 * deep part, which is left as it is.
 */
export function writeShape(dir: string, shape: DeepShape, canary?: string): void {
  const target = path.join(dir, shape.file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, canary === undefined ? shape.content() : withCanary(shape, canary));
}

function withCanary(shape: DeepShape, canary: string): string {
  const text = shape.content();
  if (shape.file.endsWith('.json')) return `{"stripeKey": ${JSON.stringify(canary)}, "deep": ${text.trimEnd()}}\n`;
  if (shape.file.endsWith('.yaml')) return `stripeKey: ${canary}\ndeep:\n${text.replace(/^/gm, ' ')}`;
  return `export const stripeKey = '${canary}';\n${text}`;
}
