// Run by `npm run build` after tsc: writes every rule's metadata to dist/rules/metadata.json, so
// that `trustscan rules` can list the rules without importing them (their code loads ts-morph
// and TypeScript, which would triple the command's start-up time).
import { writeFileSync } from 'node:fs';

const { allRules } = await import(new URL('../dist/rules/index.js', import.meta.url).href);
const metadata = allRules.map(({ meta }) => ({
  id: meta.id,
  title: meta.title,
  severity: meta.severity,
  confidence: meta.confidence,
  controls: meta.controls,
  docs: meta.docs,
}));
writeFileSync(new URL('../dist/rules/metadata.json', import.meta.url), `${JSON.stringify(metadata, null, 2)}\n`);
