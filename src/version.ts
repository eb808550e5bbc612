import { readFileSync } from 'node:fs';

/** Read from package.json at run time so the CLI, JSON and SARIF never disagree about the version. */
export const version: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
