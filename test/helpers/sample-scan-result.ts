import { computeLineHashes } from '../../src/engine/line-hash.js';
import type { ControlRefs, Finding, RuleMeta, ScanResult } from '../../src/types.js';

/**
 * A hand-built, realistic ScanResult for reporter tests: independent of the rules so reporter
 * tests run while rules change. Two rules, a BOLA finding with a route and a taint trace, a
 * secret finding, a suppressed secret finding and two warnings.
 */
const bolaControls: ControlRefs = {
  soc2: ['CC6.1', 'CC6.3'],
  owaspApi: ['API1:2023'],
  cwe: ['CWE-639', 'CWE-862'],
  pciDss: ['6.2.4', '7.2.1'],
  hipaa: ['164.312(a)(1)'],
  gdpr: ['Art. 32(1)(b)'],
};

const secretControls: ControlRefs = {
  soc2: ['CC6.1', 'CC8.1'],
  owaspApi: [],
  cwe: ['CWE-798', 'CWE-321'],
  pciDss: ['8.6.2', '8.3.2'],
  hipaa: ['164.312(d)'],
  gdpr: ['Art. 32(1)(b)'],
};

export const SAMPLE_RULES: RuleMeta[] = [
  {
    id: 'hardcoded-secret',
    title: 'Hardcoded secret in source',
    severity: 'high',
    confidence: 'high',
    controls: secretControls,
    docs: {
      description: 'Finds API keys, tokens, passwords and private keys written into source or config files',
      remediation: 'Move the secret to a secret manager or environment variable and rotate it',
    },
  },
  {
    id: 'missing-ownership-check',
    title: 'Object fetched by a request id without an ownership check',
    severity: 'critical',
    confidence: 'medium',
    controls: bolaControls,
    docs: {
      description:
        'Finds handlers that load a record by an id taken from the request and return or change it without comparing its owner to the authenticated user (BOLA).',
      remediation: "Scope the query by the caller's id (e.g. `where: { id, ownerId: req.user.id }`) or check ownership before use.",
    },
  },
];

export const ORDERS_TS = [
  "import { Router } from 'express';",
  "import { db } from '../db.js';",
  '',
  'export const orders = Router();',
  '',
  "orders.get('/orders/:id', async (req, res) => {",
  '  const id = req.params.id;',
  '  const order = await db.order.findUnique({ where: { id } });',
  '  res.json(order);',
  '});',
  '',
].join('\n');

export const CONFIG_TS = [
  "export const stripeKey = 'sk_live_****************';",
  "// trustscan-ignore hardcoded-secret: test fixture key, revoked",
  "export const testKey = 'sk_test_****************';",
  '',
].join('\n');

const ordersHashes = computeLineHashes(ORDERS_TS);
const configHashes = computeLineHashes(CONFIG_TS);

/** 1-based start column and exclusive end column of `needle` on 1-based `line` of `text`. */
function span(text: string, line: number, needle: string): { column: number; endColumn: number } {
  const index = text.split('\n')[line - 1]!.indexOf(needle);
  if (index < 0) throw new Error(`${needle} not on line ${line}`);
  return { column: index + 1, endColumn: index + 1 + needle.length };
}

function finding(overrides: Partial<Finding> & Pick<Finding, 'ruleId' | 'file' | 'line'>): Finding {
  return {
    severity: 'high',
    confidence: 'high',
    message: 'Problem found.',
    column: 1,
    endLine: overrides.line,
    endColumn: 2,
    controls: secretControls,
    trace: [],
    fingerprint: 'unset',
    lineHash: 'unset',
    remediation: '',
    codeFrame: [],
    ...overrides,
  };
}

export function sampleScanResult(): ScanResult {
  return {
    schemaVersion: '1.0.0',
    tool: { name: 'trustscan', version: '0.1.0' },
    rules: structuredClone(SAMPLE_RULES),
    findings: [
      finding({
        ruleId: 'hardcoded-secret',
        severity: 'high',
        confidence: 'high',
        message: 'Stripe live secret key is hardcoded',
        file: 'src/config.ts',
        line: 1,
        endLine: 1,
        ...span(CONFIG_TS, 1, 'sk_live_****************'),
        controls: secretControls,
        fingerprint: 'a3f1c9e07b2d4c58e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2',
        lineHash: configHashes[0]!,
        remediation: 'Move the secret to a secret manager or environment variable and rotate it',
        codeFrame: [
          { line: 1, text: "export const stripeKey = 'sk_live_****************';" },
          { line: 2, text: '// trustscan-ignore hardcoded-secret: test fixture key, revoked' },
        ],
      }),
      finding({
        ruleId: 'hardcoded-secret',
        severity: 'medium',
        confidence: 'medium',
        message: 'Stripe test secret key is hardcoded',
        file: 'src/config.ts',
        line: 3,
        endLine: 3,
        ...span(CONFIG_TS, 3, 'sk_test_****************'),
        controls: secretControls,
        fingerprint: '0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c',
        lineHash: configHashes[2]!,
        remediation: 'Move the secret to a secret manager or environment variable and rotate it',
        codeFrame: [{ line: 3, text: "export const testKey = 'sk_test_****************';" }],
        suppression: { kind: 'inSource', justification: 'test fixture key, revoked' },
      }),
      finding({
        ruleId: 'missing-ownership-check',
        severity: 'critical',
        confidence: 'medium',
        message: 'Order is loaded by req.params.id and returned without checking it belongs to the caller.',
        file: 'src/routes/orders.ts',
        line: 8,
        endLine: 8,
        ...span(ORDERS_TS, 8, 'db.order.findUnique({ where: { id } })'),
        route: { method: 'GET', path: '/orders/:id' },
        controls: bolaControls,
        trace: [
          { file: 'src/routes/orders.ts', line: 7, column: 14, message: 'req.params.id is read from the request' },
          { file: 'src/routes/orders.ts', line: 8, column: 23, message: 'it selects the record in db.order.findUnique' },
          { file: 'src/routes/orders.ts', line: 9, column: 3, message: 'the record is returned without an owner check' },
        ],
        fingerprint: '5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f',
        lineHash: ordersHashes[7]!,
        remediation: "Scope the query by the caller's id or check ownership before use.",
        codeFrame: [
          { line: 7, text: '  const id = req.params.id;' },
          { line: 8, text: '  const order = await db.order.findUnique({ where: { id } });' },
          { line: 9, text: '  res.json(order);' },
        ],
      }),
    ],
    warnings: [
      { code: 'parse-error', message: 'Could not parse file; it was skipped.', file: 'src/broken.ts', line: 3 },
      { code: 'no-framework', message: 'No supported web framework detected; route-aware rules ran without routes.' },
    ],
    stats: { filesScanned: 3, linesScanned: 27, filesSkipped: 1, analysisFailures: 0 },
  };
}
