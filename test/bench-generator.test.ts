/**
 * The benchmark corpus generator (scripts/generate-api.mjs) writes the number of files asked for,
 * every one of them parses, its relative imports point at files it wrote, and the same seed gives
 * the same bytes. Timings are never asserted here; `npm run bench` reports them.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ts } from '#typescript';
import { afterAll, describe, expect, it } from 'vitest';

interface Generated {
  files: string[];
  lines: number;
  plantedSecrets: number;
}

// A plain .mjs script (bench.mjs imports it too), so it is loaded without type declarations.
const { generateApi } = (await import(new URL('../scripts/generate-api.mjs', import.meta.url).href)) as {
  generateApi(dir: string, options: { files: number; seed: number }): Generated;
};

const workDir = mkdtempSync(path.join(tmpdir(), 'trustscan-generator-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function generate(name: string, files: number, seed: number): { dir: string; result: Generated } {
  const dir = path.join(workDir, name);
  return { dir, result: generateApi(dir, { files, seed }) };
}

describe('generateApi', () => {
  const files = 30;
  const { dir, result } = generate('a', files, 7);

  it('writes exactly the requested number of source files, across the frameworks', () => {
    expect(result.files).toHaveLength(files);
    expect(new Set(result.files).size).toBe(files);
    for (const file of result.files) expect(existsSync(path.join(dir, file))).toBe(true);
    expect(existsSync(path.join(dir, 'package.json'))).toBe(true);
    const joined = result.files.join('\n');
    for (const marker of ['src/routes/', 'src/modules/', 'src/plugins/', 'src/koa/', 'src/edge/', 'app/api/']) {
      expect(joined).toContain(marker);
    }
    const lines = result.files.reduce((sum, file) => sum + readFileSync(path.join(dir, file), 'utf8').split('\n').length - 1, 0);
    expect(result.lines).toBe(lines);
  });

  it('produces files without syntax errors', () => {
    for (const file of result.files) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
      const diagnostics = (sourceFile as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
      expect(
        diagnostics.map((d) => `${file}:${sourceFile.getLineAndCharacterOfPosition(d.start ?? 0).line + 1} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`),
      ).toEqual([]);
    }
  });

  it('only imports files it generated', () => {
    for (const file of result.files) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      for (const [, specifier] of text.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
        const target = path.resolve(path.dirname(path.join(dir, file)), specifier.replace(/\.js$/, '.ts'));
        expect(existsSync(target), `${file} imports ${specifier}`).toBe(true);
      }
    }
  });

  it('is deterministic for a seed and varies with it', () => {
    const again = generate('b', files, 7);
    const other = generate('c', files, 8);
    expect(again.result).toEqual(result);
    const read = (root: string) => result.files.map((file) => readFileSync(path.join(root, file), 'utf8')).join('\0');
    expect(read(again.dir)).toBe(read(dir));
    expect(other.result.files.length).toBe(files);
    expect(existsSync(path.join(other.dir, result.files[0]))).toBe(true);
    expect(read(other.dir)).not.toBe(read(dir));
  });
});
