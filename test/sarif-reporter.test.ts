import type { Log, ReportingDescriptor, Result } from 'sarif';
import { describe, expect, it } from 'vitest';
import { formatSarif, pascalCase, ruleName, ruleTags } from '../src/reporters/sarif.js';
import type { ScanResult } from '../src/types.js';
import { sampleScanResult } from './helpers/sample-scan-result.js';
import { validateSarif } from './helpers/validate-sarif.js';

function sarifOf(result: ScanResult, includeSuppressed = false): Log {
  return JSON.parse(formatSarif(result, { includeSuppressed })) as Log;
}

function rulesOf(log: Log): ReportingDescriptor[] {
  return log.runs[0]!.tool.driver.rules ?? [];
}

function resultsOf(log: Log): Result[] {
  return log.runs[0]!.results ?? [];
}

describe('formatSarif: log and driver', () => {
  const log = sarifOf(sampleScanResult());
  const run = log.runs[0]!;

  it('is one SARIF 2.1.0 run with the schemastore $schema', () => {
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(run.columnKind).toBe('utf16CodeUnits');
  });

  it('describes the tool', () => {
    expect(run.tool.driver).toMatchObject({
      name: 'trustscan',
      version: '0.1.0',
      semanticVersion: '0.1.0',
      informationUri: 'https://github.com/trustscan/trustscan',
    });
  });

  it('declares %SRCROOT% without an absolute uri (no machine-dependent paths)', () => {
    expect(Object.keys(run.originalUriBaseIds ?? {})).toEqual(['%SRCROOT%']);
    expect(run.originalUriBaseIds!['%SRCROOT%']!.uri).toBeUndefined();
    expect(formatSarif(sampleScanResult(), { includeSuppressed: true })).not.toMatch(/file:\/\//);
  });

  it('carries the scan-as-evidence controls on the run', () => {
    expect(run.properties?.['scanEvidence']).toMatchObject({
      controls: { soc2: ['CC7.1', 'CC8.1'], pciDss: ['6.2.4'], gdpr: ['Art. 32(1)(d)'] },
    });
  });

  it('has no timestamps or other run-dependent data', () => {
    const text = formatSarif(sampleScanResult(), { includeSuppressed: true });
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
    expect(run.invocations).toBeUndefined();
  });
});

describe('formatSarif: rules', () => {
  const rules = rulesOf(sarifOf(sampleScanResult()));
  const secret = rules[0]!;
  const bola = rules[1]!;

  it('lists every rule of the scan in order, with full metadata', () => {
    expect(rules.map((rule) => rule.id)).toEqual(['hardcoded-secret', 'missing-ownership-check']);
    expect(secret.name).toBe('HardcodedSecret');
    expect(secret.shortDescription?.text).toBe('Hardcoded secret in source.');
    expect(secret.fullDescription?.text).toBe(
      'Finds API keys, tokens, passwords and private keys written into source or config files.',
    );
    expect(secret.helpUri).toBeUndefined();
    expect(secret.help?.text).toContain('Remediation: Move the secret');
    expect(secret.help?.text).toContain('CC8.1 (Authorizes, designs, develops');
    expect(secret.help?.markdown).toContain('| SOC 2 (TSC 2017) | CC6.1 | Implements logical access security');
    expect(secret.help?.markdown).toContain('| CWE | CWE-798 | Use of Hard-coded Credentials |');
    expect(bola.help?.markdown).toContain('| OWASP API Top 10 (2023) | API1:2023 | Broken Object Level Authorization |');
    expect(bola.help?.markdown).toContain('| HIPAA (45 CFR 164.312) | 164.312(a)(1) | Access control |');
    expect(bola.help?.markdown).toContain('| GDPR | Art. 32(1)(b) |');
  });

  it('maps severity to level, security-severity and confidence to precision', () => {
    expect(secret.defaultConfiguration?.level).toBe('error');
    expect(secret.properties?.['security-severity']).toBe('8.0');
    expect(secret.properties?.['precision']).toBe('high');
    expect(bola.properties?.['security-severity']).toBe('9.5');
    expect(bola.properties?.['precision']).toBe('medium');

    const result = sampleScanResult();
    result.rules[0]!.severity = 'medium';
    result.rules[1]!.severity = 'low';
    result.rules[1]!.confidence = 'low';
    const [medium, low] = rulesOf(sarifOf(result));
    expect(medium!.defaultConfiguration?.level).toBe('warning');
    expect(medium!.properties?.['security-severity']).toBe('5.5');
    expect(low!.defaultConfiguration?.level).toBe('note');
    expect(low!.properties?.['security-severity']).toBe('3.0');
    expect(low!.properties?.['precision']).toBe('low');
  });

  it('tags security first, then SOC 2, then CodeQL-style zero-padded CWE tags', () => {
    expect(bola.properties?.tags).toEqual([
      'security',
      'soc2/CC6.1',
      'soc2/CC6.3',
      'external/cwe/cwe-639',
      'external/cwe/cwe-862',
      'owasp-api/API1:2023',
      'pci-dss/6.2.4',
      'pci-dss/7.2.1',
      'hipaa/164.312(a)(1)',
      'gdpr/Art.32(1)(b)',
    ]);
    const tags = ruleTags({ soc2: ['CC6.6'], owaspApi: [], cwe: ['CWE-89', 'CWE-22', 'CWE-1021'], pciDss: [], hipaa: [], gdpr: [] });
    expect(tags).toEqual(['security', 'soc2/CC6.6', 'external/cwe/cwe-089', 'external/cwe/cwe-022', 'external/cwe/cwe-1021']);
  });

  it('keeps at most 20 tags', () => {
    const many = Array.from({ length: 30 }, (_, i) => `CWE-${i + 100}`);
    expect(ruleTags({ soc2: ['CC6.1'], owaspApi: [], cwe: many, pciDss: [], hipaa: [], gdpr: [] })).toHaveLength(20);
  });

  it('limits fullDescription to 1024 characters', () => {
    const result = sampleScanResult();
    result.rules[0]!.docs.description = 'x'.repeat(3000);
    expect(rulesOf(sarifOf(result))[0]!.fullDescription!.text.length).toBeLessThanOrEqual(1024);
  });

  it('derives PascalCase names from kebab-case ids', () => {
    expect(pascalCase('missing-ownership-check')).toBe('MissingOwnershipCheck');
    expect(pascalCase('ssrf')).toBe('Ssrf');
    expect(ruleName({ id: 'ssrf', title: 'Request data controls the host of an outgoing request' })).toBe('RequestDataControlsTheHostOfAnOutgoingRequest');
    expect(ruleName({ id: 'sql-injection', title: 'x' })).toBe('SqlInjection');
  });
});

describe('formatSarif: results', () => {
  it('omits suppressed findings by default, with no suppressions property anywhere', () => {
    const results = resultsOf(sarifOf(sampleScanResult()));
    expect(results.map((result) => result.ruleId)).toEqual(['hardcoded-secret', 'missing-ownership-check']);
    expect(results.every((result) => result.suppressions === undefined)).toBe(true);
  });

  it('with includeSuppressed keeps them and puts suppressions on every result (all or none)', () => {
    const results = resultsOf(sarifOf(sampleScanResult(), true));
    expect(results).toHaveLength(3);
    expect(results.map((result) => result.suppressions)).toEqual([
      [],
      [{ kind: 'inSource', justification: 'test fixture key, revoked' }],
      [],
    ]);
  });

  it('maps each finding to ruleId, ruleIndex, level, message and one relative location', () => {
    const [secret, bola] = resultsOf(sarifOf(sampleScanResult()));
    expect(secret).toMatchObject({ ruleId: 'hardcoded-secret', ruleIndex: 0, level: 'error' });
    expect(bola).toMatchObject({ ruleId: 'missing-ownership-check', ruleIndex: 1, level: 'error' });
    expect(bola!.message.text).toBe(
      'Order is loaded by req.params.id and returned without checking it belongs to the caller. Route: GET /orders/:id. SOC 2: CC6.1, CC6.3.',
    );
    expect(secret!.message.text).toBe('Stripe live secret key is hardcoded. SOC 2: CC6.1, CC8.1.');
    expect(bola!.locations).toHaveLength(1);
    expect(bola!.locations![0]!.physicalLocation).toMatchObject({
      artifactLocation: { uri: 'src/routes/orders.ts', uriBaseId: '%SRCROOT%' },
      region: { startLine: 8, startColumn: 23, endLine: 8, endColumn: 61 },
    });
  });

  it('uses the finding severity for the level (medium -> warning, low -> note)', () => {
    const result = sampleScanResult();
    result.findings[2]!.severity = 'low';
    const results = resultsOf(sarifOf(result, true));
    expect(results.map((entry) => entry.level)).toEqual(['error', 'warning', 'note']);
  });

  it('puts the masked code frame in snippets, never the secret', () => {
    const result = sampleScanResult();
    const [secret] = resultsOf(sarifOf(result));
    const location = secret!.locations![0]!.physicalLocation!;
    expect(location.region?.snippet?.text).toBe('sk_live_****************');
    expect(location.contextRegion).toMatchObject({ startLine: 1, endLine: 2 });
    expect(formatSarif(result, { includeSuppressed: true })).not.toMatch(/sk_live_[A-Za-z0-9]/);
  });

  it('sets both fingerprints', () => {
    const result = sampleScanResult();
    const [secret] = resultsOf(sarifOf(result));
    expect(secret!.partialFingerprints).toEqual({
      primaryLocationLineHash: result.findings[0]!.lineHash,
      'trustscanFingerprint/v2': result.findings[0]!.fingerprint,
    });
    expect(secret!.partialFingerprints!['primaryLocationLineHash']).toMatch(/^[0-9a-f]+:1$/);
  });

  it('carries severity, confidence, SOC 2 ids and route in properties', () => {
    const [, bola] = resultsOf(sarifOf(sampleScanResult()));
    expect(bola!.properties).toEqual({
      severity: 'critical',
      confidence: 'medium',
      soc2: ['CC6.1', 'CC6.3'],
      route: 'GET /orders/:id',
    });
  });

  it('turns a trace into one code flow and omits codeFlows without a trace', () => {
    const [secret, bola] = resultsOf(sarifOf(sampleScanResult()));
    expect(secret!.codeFlows).toBeUndefined();
    const locations = bola!.codeFlows![0]!.threadFlows[0]!.locations;
    expect(locations).toHaveLength(3);
    expect(locations[0]!.location).toEqual({
      physicalLocation: {
        artifactLocation: { uri: 'src/routes/orders.ts', uriBaseId: '%SRCROOT%' },
        region: { startLine: 7, startColumn: 14 },
      },
      message: { text: 'req.params.id is read from the request.' },
    });
  });

  it('lists the trace steps away from the primary line as related locations, once each', () => {
    const [secret, bola] = resultsOf(sarifOf(sampleScanResult()));
    expect(secret!.relatedLocations).toBeUndefined();
    expect(bola!.relatedLocations).toEqual([
      {
        id: 0,
        physicalLocation: { artifactLocation: { uri: 'src/routes/orders.ts', uriBaseId: '%SRCROOT%' }, region: { startLine: 7, startColumn: 14 } },
        message: { text: 'req.params.id is read from the request.' },
      },
      {
        id: 1,
        physicalLocation: { artifactLocation: { uri: 'src/routes/orders.ts', uriBaseId: '%SRCROOT%' }, region: { startLine: 9, startColumn: 3 } },
        message: { text: 'the record is returned without an owner check.' },
      },
    ]);
  });

  it('percent-encodes unusual characters in relative paths', () => {
    const result = sampleScanResult();
    result.findings[0]!.file = 'app/[id]/my route#1.ts';
    const [secret] = resultsOf(sarifOf(result));
    expect(secret!.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('app/%5Bid%5D/my%20route%231.ts');
  });
});

describe('formatSarif: determinism', () => {
  it('is byte-identical for the same input', () => {
    for (const includeSuppressed of [false, true]) {
      const first = formatSarif(sampleScanResult(), { includeSuppressed });
      const second = formatSarif(sampleScanResult(), { includeSuppressed });
      expect(second).toBe(first);
      expect(first.endsWith('}\n')).toBe(true);
    }
  });

  it('does not mutate its input', () => {
    const result = sampleScanResult();
    const before = structuredClone(result);
    formatSarif(result, { includeSuppressed: true });
    expect(result).toEqual(before);
  });
});

describe('SARIF Multitool validation (rule kinds Sarif;Gh)', () => {
  // As it is once package.json names the repository, and scanning a git checkout with a remote.
  const knownRepository = {
    packageLinks: { repository: { type: 'git', url: 'git+https://github.com/example-org/trustscan.git' } },
    versionControl: { repositoryUri: 'https://github.com/example-org/app', revisionId: 'a'.repeat(40), branch: 'main', rootIsRepositoryRoot: true },
  };

  it.each([false, true])('reports no errors or warnings (includeSuppressed: %s)', (includeSuppressed) => {
    const { errors, warnings, notes } = validateSarif(formatSarif(sampleScanResult(), { includeSuppressed, ...knownRepository }));
    if (errors.length + warnings.length > 0) console.error([...errors, ...warnings].join('\n'));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    // Notes that remain are by design: SARIF2002 (GitHub needs message.text), SARIF2003 (no VCS
    // data in a ScanResult), SARIF2006 (URLs not reachable offline), SARIF2009 (kebab-case rule ids).
    const unexpected = notes.filter((note) => !/^SARIF200[2369]\//.test(note));
    expect(unexpected).toEqual([]);
  }, 60_000);

  it('is not vacuous: it flags a broken log', () => {
    const broken = JSON.parse(formatSarif(sampleScanResult(), { includeSuppressed: false })) as Log;
    const location = broken.runs[0]!.results![0]!.locations![0]!.physicalLocation!;
    location.artifactLocation!.uriBaseId = undefined;
    location.artifactLocation!.uri = 'C:\\work\\src\\config.ts';
    location.region!.startLine = 0;
    const { errors, warnings } = validateSarif(JSON.stringify(broken));
    expect(errors.length + warnings.length).toBeGreaterThan(0);
  }, 60_000);

  it('validates an empty scan too, with no repository known (no helpUri)', () => {
    const result = sampleScanResult();
    result.findings = [];
    const { errors, warnings } = validateSarif(formatSarif(result, { includeSuppressed: false, packageLinks: {} }));
    expect([...errors, ...warnings]).toEqual([]);
  }, 60_000);
});

describe('formatSarif: links and version control', () => {
  it('helpUri, help markdown link and informationUri come from package.json repository, absolute', () => {
    const log = JSON.parse(formatSarif(sampleScanResult(), { includeSuppressed: false, packageLinks: { repository: 'github:example-org/trustscan' } })) as Log;
    const driver = log.runs[0]!.tool.driver;
    expect(driver.informationUri).toBe('https://github.com/example-org/trustscan');
    expect(driver.rules![0]!.helpUri).toBe('https://github.com/example-org/trustscan/blob/HEAD/docs/rules/hardcoded-secret.md');
    expect(driver.rules![0]!.help!.markdown).toContain('[Rule documentation](https://github.com/example-org/trustscan/blob/HEAD/docs/rules/hardcoded-secret.md)');
  });

  it('omits helpUri and the docs link when the repository is unknown', () => {
    const log = JSON.parse(formatSarif(sampleScanResult(), { includeSuppressed: false, packageLinks: { homepage: 'https://example.com/product' } })) as Log;
    expect(log.runs[0]!.tool.driver.rules![0]!.helpUri).toBeUndefined();
    expect(log.runs[0]!.tool.driver.rules![0]!.help!.markdown).not.toContain('Rule documentation');
  });

  it('writes versionControlProvenance, mapped to %SRCROOT% only when the scan root is the repository root', () => {
    const at = (rootIsRepositoryRoot: boolean) =>
      (JSON.parse(formatSarif(sampleScanResult(), { includeSuppressed: false, versionControl: { repositoryUri: 'https://github.com/o/r', revisionId: 'b'.repeat(40), branch: 'feature/x', rootIsRepositoryRoot } })) as Log).runs[0]!.versionControlProvenance;
    expect(at(true)).toEqual([{ repositoryUri: 'https://github.com/o/r', revisionId: 'b'.repeat(40), branch: 'feature/x', mappedTo: { uriBaseId: '%SRCROOT%' } }]);
    expect(at(false)).toEqual([{ repositoryUri: 'https://github.com/o/r', revisionId: 'b'.repeat(40), branch: 'feature/x' }]);
    expect(sarifOf(sampleScanResult()).runs[0]!.versionControlProvenance).toBeUndefined();
  });
});
