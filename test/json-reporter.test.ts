import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { formatJson } from '../src/reporters/json.js';
import type { ScanResult } from '../src/types.js';
import { sampleScanResult } from './helpers/sample-scan-result.js';

const schema = JSON.parse(readFileSync(new URL('../schema/scan-result.schema.json', import.meta.url), 'utf8')) as object;
// ajv is CommonJS: under NodeNext the default import is module.exports, whose `default` is the class.
const validate = new Ajv.default({ allErrors: true, strict: true }).compile(schema);

function errorsOf(value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

describe('formatJson', () => {
  it('produces output valid against schema/scan-result.schema.json', () => {
    const text = formatJson(sampleScanResult());
    expect(errorsOf(JSON.parse(text))).toEqual([]);
  });

  it('round-trips the ScanResult (nothing lost or renamed)', () => {
    const result = sampleScanResult();
    expect(JSON.parse(formatJson(result))).toEqual(result);
  });

  it('is pretty-printed with two spaces and ends with a newline', () => {
    const text = formatJson(sampleScanResult());
    expect(text.startsWith('{\n  "schemaVersion": "1.0.0",\n  "tool": {\n    "name": "trustscan"')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
  });

  it('is byte-identical for equal input, whatever the key insertion order', () => {
    const result = sampleScanResult();
    const reordered = JSON.parse(
      JSON.stringify(result, (_key, value: unknown) =>
        value && typeof value === 'object' && !Array.isArray(value)
          ? Object.fromEntries(Object.entries(value).reverse())
          : value,
      ),
    ) as ScanResult;
    expect(Object.keys(reordered)[0]).toBe('stats');
    expect(formatJson(reordered)).toBe(formatJson(result));
    expect(formatJson(sampleScanResult())).toBe(formatJson(sampleScanResult()));
  });

  it('drops absent optionals rather than writing undefined or null', () => {
    const result = sampleScanResult();
    result.findings[0]!.route = undefined;
    const text = formatJson(result);
    expect(text).not.toContain('null');
    expect(JSON.parse(text).findings[0]).not.toHaveProperty('route');
    expect(JSON.parse(text).stats).not.toHaveProperty('durationMs');
  });

  it('keeps durationMs when timing was asked for', () => {
    const result = sampleScanResult();
    result.stats.durationMs = 812;
    const parsed = JSON.parse(formatJson(result));
    expect(parsed.stats.durationMs).toBe(812);
    expect(errorsOf(parsed)).toEqual([]);
  });
});

describe('scan-result schema', () => {
  it('rejects unknown properties at every level', () => {
    const withExtra = (mutate: (value: any) => void) => {
      const value = JSON.parse(formatJson(sampleScanResult()));
      mutate(value);
      return errorsOf(value);
    };
    expect(withExtra((v) => (v.extra = 1))).not.toEqual([]);
    expect(withExtra((v) => (v.tool.extra = 1))).not.toEqual([]);
    expect(withExtra((v) => (v.rules[0].docs.extra = 1))).not.toEqual([]);
    expect(withExtra((v) => (v.rules[0].controls.extra = []))).not.toEqual([]);
    expect(withExtra((v) => (v.findings[0].extra = 1))).not.toEqual([]);
    expect(withExtra((v) => (v.findings[2].route.extra = 1))).not.toEqual([]);
    expect(withExtra((v) => (v.findings[2].trace[0].extra = 1))).not.toEqual([]);
    expect(withExtra((v) => (v.findings[0].codeFrame[0].extra = 1))).not.toEqual([]);
    expect(withExtra((v) => (v.findings[1].suppression.extra = 1))).not.toEqual([]);
    expect(withExtra((v) => (v.warnings[0].extra = 1))).not.toEqual([]);
    expect(withExtra((v) => (v.stats.extra = 1))).not.toEqual([]);
  });

  it('rejects unknown severities, confidences and versions', () => {
    const withValue = (mutate: (value: any) => void) => {
      const value = JSON.parse(formatJson(sampleScanResult()));
      mutate(value);
      return errorsOf(value);
    };
    expect(withValue((v) => (v.findings[0].severity = 'info'))).not.toEqual([]);
    expect(withValue((v) => (v.rules[0].confidence = 'certain'))).not.toEqual([]);
    expect(withValue((v) => (v.schemaVersion = '2.0.0'))).not.toEqual([]);
    expect(withValue((v) => (v.findings[0].line = 0))).not.toEqual([]);
    expect(withValue((v) => (v.findings[0].file = '/abs/path.ts'))).not.toEqual([]);
    expect(withValue((v) => delete v.findings[0].lineHash)).not.toEqual([]);
  });
});
