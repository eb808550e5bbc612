import type { ModuleCallee } from '../../engine/names/index.js';
// The modules and their functions' path arguments: models/filesystem.ts.
import { FS_MODULES, PATH_ARGUMENTS } from '../../models/filesystem.js';
import { own } from '../../engine/own.js';

/** The path argument indexes when the callee is a file-system function, else undefined. */
export function fileSystemPathArguments(callee: ModuleCallee): { name: string; indexes: readonly number[] } | undefined {
  if (!FS_MODULES.has(callee.module)) return undefined;
  const members = callee.members;
  // fs.readFile, fs.promises.readFile, readFile (named import), fsp.readFile (promises import).
  const last = members.at(-1);
  if (!last || members.some((member) => member.endsWith(')'))) return undefined;
  const prefix = members.slice(0, -1);
  if (prefix.length > 1 || (prefix.length === 1 && prefix[0] !== 'promises' && prefix[0] !== 'default')) return undefined;
  const base = last.endsWith('Sync') ? last.slice(0, -'Sync'.length) : last;
  const indexes = own(PATH_ARGUMENTS, base);
  return indexes ? { name: [...prefix, last].join('.'), indexes } : undefined;
}
