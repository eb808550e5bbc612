import { describe, expect, it } from 'vitest';
import {
  CONTROL_KINDS,
  CWE_ENTRIES,
  GDPR_REFERENCES,
  HIPAA_SAFEGUARDS,
  OWASP_API_2023,
  PCI_DSS_V4_REQUIREMENTS,
  SCAN_EVIDENCE_CONTROLS,
  SOC2_CRITERIA,
  controlTitle,
  soc2Criterion,
  unknownControls,
} from '../src/controls/index.js';
import type { ControlRefs } from '../src/types.js';

const EMPTY: ControlRefs = { soc2: [], owaspApi: [], cwe: [], pciDss: [], hipaa: [], gdpr: [] };

describe('every rule maps only to controls in the catalog', () => {
  it('has no unknown control ids', async () => {
    const { allRules } = await import('../src/rules/index.js');
    expect(allRules.length).toBeGreaterThan(0);
    const unknown = allRules.flatMap((rule) => unknownControls(rule.meta.controls).map((id) => `${rule.meta.id}: ${id}`));
    expect(unknown).toEqual([]);
  });

  it('puts a common criterion first in every rule (A1/C1/PI1/P are conditional, so secondary)', async () => {
    const { allRules } = await import('../src/rules/index.js');
    for (const rule of allRules) {
      const [primary] = rule.meta.controls.soc2;
      expect(primary, rule.meta.id).toBeDefined();
      expect(soc2Criterion(primary!)?.category, rule.meta.id).toBe('common');
    }
  });

  it('formats ids the way the catalog writes them', async () => {
    const { allRules } = await import('../src/rules/index.js');
    for (const { meta } of allRules) {
      for (const id of meta.controls.cwe) expect(id).toMatch(/^CWE-[1-9]\d*$/);
      for (const id of meta.controls.owaspApi) expect(id).toMatch(/^API(?:[1-9]|10):2023$/);
    }
  });
});

describe('controls catalog', () => {
  it('gives every SOC 2 criterion a short title of its own for one-line displays', () => {
    for (const criterion of SOC2_CRITERIA) {
      expect(criterion.shortTitle, criterion.id).not.toBe(criterion.title);
      expect(criterion.shortTitle.length, criterion.id).toBeLessThan(60);
    }
  });

  it('has unique ids per framework', () => {
    for (const list of [SOC2_CRITERIA, OWASP_API_2023, CWE_ENTRIES, PCI_DSS_V4_REQUIREMENTS, HIPAA_SAFEGUARDS, GDPR_REFERENCES]) {
      const ids = list.map((entry) => entry.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('knows every control in the CONTROLS.md mapping table', () => {
    const table: ControlRefs = {
      soc2: ['CC6.1', 'CC6.3', 'CC6.6', 'CC6.7', 'CC6.8', 'CC7.1', 'CC7.2', 'CC8.1', 'C1.1', 'PI1.2', 'PI1.3', 'P4.1'],
      owaspApi: ['API1:2023', 'API2:2023', 'API3:2023', 'API4:2023', 'API5:2023', 'API6:2023', 'API7:2023', 'API8:2023', 'API10:2023'],
      cwe: [639, 862, 89, 943, 78, 94, 95, 22, 918, 532, 359, 798, 321, 841, 307, 770, 799, 306, 285, 942, 693, 1021, 295, 319, 347, 613, 915, 213, 200, 916, 328, 502].map(
        (n) => `CWE-${n}`,
      ),
      pciDss: ['6.2.4', '7.2.1', '7.2.2', '3.3.1', '3.5.1', '8.3.1', '8.3.2', '8.3.4', '8.6.2', '4.2.1'],
      hipaa: ['164.312(a)(1)', '164.312(b)', '164.312(c)(1)', '164.312(d)', '164.312(e)(1)'],
      gdpr: ['Art. 32(1)(a)', 'Art. 32(1)(b)', 'Art. 32(1)(c)', 'Art. 32(1)(d)'],
    };
    expect(unknownControls(table)).toEqual([]);
  });

  it('reports unknown ids as kind:id', () => {
    expect(unknownControls({ ...EMPTY, soc2: ['CC6.1', 'CC9.9'], cwe: ['CWE-99999'], gdpr: ['Art. 32(1)(b)'] })).toEqual([
      'soc2:CC9.9',
      'cwe:CWE-99999',
    ]);
    expect(controlTitle('soc2', 'CC9.9')).toBeUndefined();
    expect(controlTitle('hipaa', '164.312(d)')).toBe('Person or entity authentication');
  });

  it('lists all ten OWASP API Security Top 10 2023 risks with their official names', () => {
    expect(OWASP_API_2023.map((risk) => risk.id)).toEqual(Array.from({ length: 10 }, (_, i) => `API${i + 1}:2023`));
    expect(controlTitle('owaspApi', 'API1:2023')).toBe('Broken Object Level Authorization');
    expect(controlTitle('owaspApi', 'API3:2023')).toBe('Broken Object Property Level Authorization');
    expect(controlTitle('owaspApi', 'API6:2023')).toBe('Unrestricted Access to Sensitive Business Flows');
    expect(controlTitle('owaspApi', 'API10:2023')).toBe('Unsafe Consumption of APIs');
  });

  it('carries official CWE names', () => {
    expect(controlTitle('cwe', 'CWE-798')).toBe('Use of Hard-coded Credentials');
    expect(controlTitle('cwe', 'CWE-639')).toBe('Authorization Bypass Through User-Controlled Key');
    expect(controlTitle('cwe', 'CWE-841')).toBe('Improper Enforcement of Behavioral Workflow');
    expect(controlTitle('cwe', 'CWE-799')).toBe('Improper Control of Interaction Frequency');
  });
});

describe('SOC 2 titles avoid the common mis-mappings (CONTROLS.md)', () => {
  const title = (id: string) => controlTitle('soc2', id)?.toLowerCase() ?? '';

  it('CC8.1 is change management, not confidentiality', () => {
    expect(title('CC8.1')).toMatch(/changes/);
    expect(title('CC8.1')).toMatch(/tests/);
    expect(title('CC8.1')).not.toMatch(/confidential/);
    expect(soc2Criterion('CC8.1')!.pointsOfFocus).toContain('Tests system changes');
  });

  it('confidentiality is C1.1/C1.2 and conditional', () => {
    expect(title('C1.1')).toMatch(/confidential/);
    expect(title('C1.2')).toMatch(/confidential/);
    expect(soc2Criterion('C1.1')).toMatchObject({ category: 'confidentiality', conditional: true });
  });

  it('CC6.6 is about threats from outside the system boundary, not vulnerability management', () => {
    expect(title('CC6.6')).toMatch(/outside/);
    expect(title('CC6.6')).toMatch(/boundar/);
    expect(title('CC6.6')).not.toMatch(/vulnerab/);
  });

  it('vulnerability detection is CC7.1 (conducts vulnerability scans)', () => {
    expect(title('CC7.1')).toMatch(/vulnerabilit/);
    expect(soc2Criterion('CC7.1')!.pointsOfFocus).toContain('Conducts vulnerability scans');
  });

  it('"restricts logical access" is a CC6.1 point of focus; CC7.2 is anomaly monitoring', () => {
    expect(soc2Criterion('CC6.1')!.pointsOfFocus).toContain('Restricts logical access');
    expect(title('CC6.1')).toMatch(/logical access/);
    expect(title('CC7.2')).toMatch(/anomal/);
    expect(title('CC7.2')).not.toMatch(/logical access/);
  });

  it('CC6.3 is role-based access with least privilege; CC6.7 is data in transmission', () => {
    expect(title('CC6.3')).toMatch(/roles/);
    expect(title('CC6.3')).toMatch(/least privilege/);
    expect(title('CC6.7')).toMatch(/transmission/);
    expect(title('CC6.8')).toMatch(/malicious software/);
  });

  it('marks only CC criteria as common; A1/C1/PI1/P are conditional', () => {
    for (const criterion of SOC2_CRITERIA) {
      expect(criterion.conditional, criterion.id).toBe(!criterion.id.startsWith('CC'));
      expect(criterion.category === 'common', criterion.id).toBe(criterion.id.startsWith('CC'));
    }
    expect(soc2Criterion('PI1.3')?.category).toBe('processing-integrity');
    expect(soc2Criterion('P4.1')?.category).toBe('privacy');
  });
});

describe('SCAN_EVIDENCE_CONTROLS', () => {
  it('names the scan-as-evidence controls, all known to the catalog', () => {
    expect(SCAN_EVIDENCE_CONTROLS.soc2).toEqual(['CC7.1', 'CC8.1']);
    expect(SCAN_EVIDENCE_CONTROLS.pciDss).toEqual(['6.2.4']);
    expect(SCAN_EVIDENCE_CONTROLS.gdpr).toEqual(['Art. 32(1)(d)']);
    expect(unknownControls(SCAN_EVIDENCE_CONTROLS)).toEqual([]);
    for (const kind of CONTROL_KINDS) expect(Array.isArray(SCAN_EVIDENCE_CONTROLS[kind])).toBe(true);
  });
});
