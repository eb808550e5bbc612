import { describe, expect, it } from 'vitest';
import { ts } from '#typescript';
import { loadProject } from '../src/engine/project.js';
import { discoverFiles } from '../src/engine/files.js';
import { makeProject } from './helpers/cli.js';

describe('loadProject', () => {
  it('parses every scanned file on its own, with parent pointers, in path order', () => {
    const root = makeProject({
      'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@app/*': ['src/*'] } } }),
      'src/a.ts': "import { b } from './b.js';\nexport class Service { run() { return b(); } }\n",
      'src/b.js': 'export function b() { return 1; }\n',
      'src/view.tsx': 'export const View = () => <div>{1}</div>;\n',
      '.env': 'A=1\n',
    });
    const files = discoverFiles({ root, scanPaths: [root], include: [], exclude: [], includeTests: false });
    const loaded = loadProject({ root, files, maxFileSize: 1024 * 1024 });
    expect(loaded.sourceFiles.map((f) => f.path)).toEqual(['src/a.ts', 'src/b.js', 'src/view.tsx']);
    expect(loaded.textFiles.map((f) => f.path)).toEqual(['.env', 'tsconfig.json']);
    const a = loaded.sourceFiles[0]!.sourceFile;
    const service = a.statements.find(ts.isClassDeclaration)!;
    expect(service.members[0]!.getText(a)).toContain('return b()');
    expect(service.members[0]!.parent).toBe(service);
    const imported = a.statements.find(ts.isImportDeclaration)!;
    expect((imported.moduleSpecifier as ts.StringLiteral).text).toBe('./b.js');
    expect(loaded.sourceFiles[2]!.sourceFile.languageVariant).toBe(ts.LanguageVariant.JSX);
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
  it('scanning a folder of a package outside any repository reads the package\'s tsconfig above it', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ name: 'api' }),
      'tsconfig.json': JSON.stringify({ compilerOptions: { paths: { '@api/*': ['./src/*'] } } }),
      'src/a.ts': "import { b } from '@api/b';\nexport const a = b;\n",
      'src/b.ts': 'export const b = 1;\n',
    });
    const root = `${dir}/src`;
    const files = discoverFiles({ root, scanPaths: [root], include: [], exclude: [], includeTests: false });
    const loaded = loadProject({ root, files, maxFileSize: 1024 * 1024 });
    expect([...loaded.tsconfigs.entries()]).toEqual([[dir, expect.objectContaining({ paths: { '@api/*': ['./src/*'] } })]]);
    // Not above the package: a tsconfig there belongs to something else.
    const nested = makeProject({
      'tsconfig.json': JSON.stringify({ compilerOptions: { paths: { '@x/*': ['./*'] } } }),
      'pkg/package.json': JSON.stringify({ name: 'pkg' }),
      'pkg/src/a.ts': 'export const a = 1;\n',
    });
    const nestedRoot = `${nested}/pkg/src`;
    const nestedFiles = discoverFiles({ root: nestedRoot, scanPaths: [nestedRoot], include: [], exclude: [], includeTests: false });
    expect([...loadProject({ root: nestedRoot, files: nestedFiles, maxFileSize: 1024 * 1024 }).tsconfigs.keys()]).toEqual([]);
  });

  it('leaves out test folders named with a hyphen or underscore, and keeps feature folders that merely mention a test', () => {
    const root = makeProject({
      'packages/e2e-tests/lib/user.js': 'export const a = 1;\n',
      'packages/integration-tests/lib/user-util.js': 'export const a = 1;\n',
      'packages/api_tests/a.js': 'export const a = 1;\n',
      'packages/sharing-service/test-events/share-event.json': '{}\n',
      'packages/app/test_utils/a.ts': 'export const a = 1;\n',
      'packages/app/e2e-support/a.ts': 'export const a = 1;\n',
      'packages/app/src/ab-test/variant.ts': 'export const a = 1;\n',
      'packages/app/src/contest/entry.ts': 'export const a = 1;\n',
      'packages/app/src/latest-tests-report.ts': 'export const a = 1;\n',
      'packages/app/src/components/ApiKeyDialog.stories.tsx': 'export const Default = {};\n',
      'scripts/auth-real-d1-smoke.mjs': 'export const a = 1;\n',
      'packages/app/src/checkout.smoke.ts': 'export const a = 1;\n',
      'packages/app/smoke/login.ts': 'export const a = 1;\n',
      'packages/app/src/devices/smoke-detector.ts': 'export const a = 1;\n',
      'api/src/services/users/users.scenarios.ts': "export const standard = defineScenario({ user: { one: { data: { password: 'Password1' } } } });\n",
    });
    const files = discoverFiles({ root, scanPaths: [root], include: [], exclude: [], includeTests: false }).map((file) => file.path);
    expect(files).toEqual(['packages/app/src/ab-test/variant.ts', 'packages/app/src/contest/entry.ts', 'packages/app/src/devices/smoke-detector.ts', 'packages/app/src/latest-tests-report.ts']);
    const withTests = discoverFiles({ root, scanPaths: [root], include: [], exclude: [], includeTests: true }).map((file) => file.path);
    expect(withTests).toHaveLength(15);
  });
});
