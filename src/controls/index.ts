import type { ControlRefs } from '../types.js';
import { CWE_ENTRIES } from './cwe.js';
import { GDPR_REFERENCES } from './gdpr.js';
import { HIPAA_SAFEGUARDS } from './hipaa.js';
import { OWASP_API_2023 } from './owasp-api.js';
import { PCI_DSS_V4_REQUIREMENTS } from './pci-dss.js';
import { SOC2_CRITERIA, type Soc2Criterion } from './soc2.js';

export { CWE_ENTRIES } from './cwe.js';
export { GDPR_REFERENCES } from './gdpr.js';
export { HIPAA_SAFEGUARDS } from './hipaa.js';
export { OWASP_API_2023 } from './owasp-api.js';
export { PCI_DSS_V4_REQUIREMENTS } from './pci-dss.js';
export { SOC2_CRITERIA, type Soc2Category, type Soc2Criterion } from './soc2.js';

export type ControlKind = keyof ControlRefs;

/** Order in which reporters list the frameworks. */
export const CONTROL_KINDS: readonly ControlKind[] = ['soc2', 'owaspApi', 'cwe', 'pciDss', 'hipaa', 'gdpr'];

export const CONTROL_KIND_LABELS: Readonly<Record<ControlKind, string>> = {
  soc2: 'SOC 2 (TSC 2017)',
  owaspApi: 'OWASP API Top 10 (2023)',
  cwe: 'CWE',
  pciDss: 'PCI DSS v4.0',
  hipaa: 'HIPAA (45 CFR 164.312)',
  gdpr: 'GDPR',
};

function titles(entries: ReadonlyArray<{ id: string; title: string }>): ReadonlyMap<string, string> {
  return new Map(entries.map((entry) => [entry.id, entry.title]));
}

const CATALOG: Readonly<Record<ControlKind, ReadonlyMap<string, string>>> = {
  soc2: titles(SOC2_CRITERIA),
  owaspApi: titles(OWASP_API_2023),
  cwe: titles(CWE_ENTRIES),
  pciDss: titles(PCI_DSS_V4_REQUIREMENTS),
  hipaa: titles(HIPAA_SAFEGUARDS),
  gdpr: titles(GDPR_REFERENCES),
};

export function controlTitle(kind: ControlKind, id: string): string | undefined {
  return CATALOG[kind].get(id);
}

/** The SOC 2 criterion's few-word subject ("Logical access security"), for one-line displays. */
export function soc2ShortTitle(id: string): string | undefined {
  return soc2Criterion(id)?.shortTitle;
}

export function soc2Criterion(id: string): Soc2Criterion | undefined {
  return SOC2_CRITERIA.find((criterion) => criterion.id === id);
}

/** Every id in `refs` the catalog does not know, as "kind:id" (e.g. "soc2:CC9.9"), in input order. */
export function unknownControls(refs: ControlRefs): string[] {
  const unknown: string[] = [];
  for (const kind of CONTROL_KINDS) {
    for (const id of refs[kind]) {
      if (!CATALOG[kind].has(id)) unknown.push(`${kind}:${id}`);
    }
  }
  return unknown;
}

/**
 * A scan that runs on every change is itself evidence, once per run, independent of findings:
 * CC7.1 (conducts vulnerability scans), CC8.1 (tests system changes), PCI DSS 6.2.4 (techniques to
 * prevent common software attacks) and GDPR Art. 32(1)(d) (regular testing of security measures).
 */
export const SCAN_EVIDENCE_CONTROLS: Readonly<ControlRefs> = Object.freeze({
  soc2: ['CC7.1', 'CC8.1'],
  owaspApi: [],
  cwe: [],
  pciDss: ['6.2.4'],
  hipaa: [],
  gdpr: ['Art. 32(1)(d)'],
});
