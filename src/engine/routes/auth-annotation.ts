import type { ScannedSourceFile } from '../../types.js';

// `// trustscan-auth: session checked by the gateway`: like a suppression, it needs a reason.
const ANNOTATION = /(?:\/\/|\/\*+|\*)\s*trustscan-auth\s*:\s*(.*?)\s*(?:\*\/)?\s*$/;

/**
 * A `trustscan-auth: <reason>` comment on a line or on the line just above it: the user's word that
 * what is written there (a route, a handler, a middleware or hook) authenticates the request, for
 * checks the code cannot show (an API gateway, a service mesh). Without a reason it does not apply.
 */
export function authAnnotation(file: ScannedSourceFile, line: number): { reason: string; line: number } | undefined {
  if (!file.text.includes('trustscan-auth')) return undefined;
  const lines = file.text.split(/\r\n|\r|\n/);
  for (const candidate of [line, line - 1]) {
    const text = lines[candidate - 1];
    const match = text === undefined ? undefined : ANNOTATION.exec(text);
    if (match && match[1]) return { reason: match[1], line: candidate };
  }
  return undefined;
}
