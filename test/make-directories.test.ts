import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirectories } from '../src/engine/make-directories.js';

describe('makeDirectories', () => {
  it('makes every missing level and accepts a folder that exists', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'trustscan-mkdir-'));
    makeDirectories(path.join(root, 'a', 'b', 'c'));
    expect(statSync(path.join(root, 'a', 'b', 'c')).isDirectory()).toBe(true);
    makeDirectories(path.join(root, 'a', 'b'));
  });

  it('fails with ENOTDIR under a file', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'trustscan-mkdir-'));
    writeFileSync(path.join(root, 'file'), '');
    expect(() => makeDirectories(path.join(root, 'file', 'sub'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });

  // Node 20's recursive mkdirSync loops forever here; the test times out if that comes back.
  it.runIf(existsSync('/proc/self'))('fails with ENOENT under /proc instead of hanging', () => {
    expect(() => makeDirectories('/proc/trustscan-nope/x')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  }, 5000);
});
