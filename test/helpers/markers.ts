import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Marker {
  file: string;
  line: number;
  kind: 'expect' | 'safe';
  ruleId: string;
}

// `// expect: rule-a, rule-b` or `# safe: rule-a` at the end of a line (a closing `*/` may follow,
// and in JSX the `}` of `{/* expect: rule-a */}`).
const MARKER = /(?:\/\/|#|\/\*)\s*(expect|safe):\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*(?:\*\/\}?)?\s*$/;

/** Every fixture marker in every file below `dir` (paths posix, relative to dir). */
export function readMarkers(dir: string): Marker[] {
  const markers: Marker[] = [];
  for (const file of listFiles(dir)) {
    const lines = readFileSync(path.join(dir, file), 'utf8').split(/\r?\n/);
    lines.forEach((text, index) => {
      const match = MARKER.exec(text);
      if (!match) return;
      for (const ruleId of match[2]!.split(',').map((id) => id.trim())) {
        markers.push({ file, line: index + 1, kind: match[1] as Marker['kind'], ruleId });
      }
    });
  }
  return markers;
}

export function listFiles(dir: string, prefix = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(dir, prefix)).sort()) {
    const relative = prefix ? `${prefix}/${entry}` : entry;
    if (statSync(path.join(dir, relative)).isDirectory()) files.push(...listFiles(dir, relative));
    else files.push(relative);
  }
  return files;
}
