import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../src/index.js';
import { makeProject } from './helpers/cli.js';

// A monorepo app whose SQL runs in a workspace package outside the scanned folder: the package is read
// as evidence from the app's repository. The repository is found from the scanned folder too, so a scan
// run from a parent folder (the scan root is then the working directory, in no repository) finds what a
// scan run from inside finds.
const MONOREPO = {
  'shop/pnpm-workspace.yaml': "packages:\n  - 'apps/*'\n  - 'packages/*'\n",
  'shop/package.json': JSON.stringify({ name: 'shop', private: true }),
  'shop/apps/api/package.json': JSON.stringify({ name: '@shop/api', dependencies: { express: '^4', '@shop/db': 'workspace:*' } }),
  'shop/apps/api/src/app.ts': [
    "import express from 'express';",
    "import { findProducts } from '@shop/db';",
    'const app = express();',
    "app.get('/products', async (req, res) => { res.json(await findProducts(String(req.query.name))); });",
    'app.listen(3000);',
    '',
  ].join('\n'),
  'shop/packages/db/package.json': JSON.stringify({ name: '@shop/db', main: 'src/index.ts', dependencies: { pg: '^8' } }),
  'shop/packages/db/src/index.ts': [
    "import { Pool } from 'pg';",
    'const pool = new Pool();',
    'export async function findProducts(name: string) {',
    "  return pool.query(`SELECT * FROM products WHERE name = '${name}'`);",
    '}',
    '',
  ].join('\n'),
};

describe('the repository of a scanned folder', () => {
  it('is found from the scanned folder when the working directory above it is in no repository', async () => {
    const parent = makeProject(MONOREPO);
    const sqlIn = async (cwd: string, target: string) => {
      const { result } = await scan({ cwd, paths: [target] });
      return result.findings.filter((finding) => finding.ruleId === 'sql-injection').map((finding) => path.basename(finding.file) + ':' + finding.line);
    };
    const fromInside = await sqlIn(path.join(parent, 'shop'), 'apps/api');
    expect(fromInside).toEqual(['app.ts:4']);
    expect(await sqlIn(parent, 'shop/apps/api')).toEqual(fromInside);
  });
});
