import { describe, expect, it } from 'vitest';
import { loadProject } from '../src/engine/project.js';
import { discoverFiles } from '../src/engine/files.js';
import { makeProject } from './helpers/cli.js';

describe('loadProject', () => {
  it('puts every scanned file in one ts-morph Project through the fast path, navigable as usual', () => {
    const root = makeProject({
      'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@app/*': ['src/*'] } } }),
      'src/a.ts': "import { b } from './b.js';\nexport class Service { run() { return b(); } }\n",
      'src/b.js': 'export function b() { return 1; }\n',
      'src/view.tsx': 'export const View = () => <div>{1}</div>;\n',
      '.env': 'A=1\n',
    });
    const files = discoverFiles({ root, scanPaths: [root], include: [], exclude: [], includeTests: false });
    const loaded = loadProject({ root, files, maxFileSize: 1024 * 1024 });
    // The fast path relies on ts-morph's internal compiler factory: if an upgrade moves it,
    // loading still works through the slow path, but this test says so.
    expect((loaded.project as unknown as { _context: { compilerFactory: unknown } })._context.compilerFactory).toBeDefined();
    expect(loaded.sourceFiles.map((f) => f.path)).toEqual(['src/a.ts', 'src/b.js', 'src/view.tsx']);
    expect(loaded.textFiles.map((f) => f.path)).toEqual(['.env', 'tsconfig.json']);
    expect(loaded.project.getSourceFiles()).toHaveLength(3);
    const a = loaded.sourceFiles[0]!.sourceFile;
    expect(a.getClassOrThrow('Service').getMethodOrThrow('run').getText()).toContain('return b()');
    expect(a.getImportDeclarations()[0]!.getModuleSpecifierValue()).toBe('./b.js');
    expect(loaded.warnings).toEqual([]);
    // tsconfig compiler options are kept per folder for import resolution.
    expect([...loaded.tsconfigs.values()][0]!.paths).toEqual({ '@app/*': ['src/*'] });
  });

  it('keeps a tsconfig\'s own paths when the base config it extends is a package that is not installed', () => {
    const root = makeProject({
      'tsconfig.json': JSON.stringify({ extends: 'tsconfig/nextjs.json', compilerOptions: { paths: { '@/*': ['./*'] } } }),
      'src/a.ts': 'export const a = 1;\n',
    });
    const files = discoverFiles({ root, scanPaths: [root], include: [], exclude: [], includeTests: false });
    const loaded = loadProject({ root, files, maxFileSize: 1024 * 1024 });
    expect([...loaded.tsconfigs.values()][0]!.paths).toEqual({ '@/*': ['./*'] });
  });
});
