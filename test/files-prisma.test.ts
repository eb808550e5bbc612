/** Prisma schemas are scanned as text files of kind 'prisma', so rules can read which fields a model has. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverFiles, fileKind } from '../src/engine/files.js';

const root = mkdtempSync(path.join(tmpdir(), 'trustscan-prisma-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('prisma schema files', () => {
  it('are discovered with kind prisma', () => {
    mkdirSync(path.join(root, 'prisma'));
    writeFileSync(path.join(root, 'prisma/schema.prisma'), 'model User {\n  id String @id\n  passwordHash String\n}\n');
    writeFileSync(path.join(root, 'index.ts'), 'export const x = 1;\n');
    const files = discoverFiles({ root, scanPaths: [root], include: [], exclude: [], includeTests: false });
    expect(files.map((file) => [file.path, file.kind])).toEqual([
      ['index.ts', 'source'],
      ['prisma/schema.prisma', 'prisma'],
    ]);
    expect(fileKind('db/schema.prisma')).toBe('prisma');
  });
});
