import type { ControlEntry } from './control-entry.js';

/** GDPR Article 32(1): security of processing, the measures it lists. Ids: e.g. "Art. 32(1)(b)". */
export type GdprReference = ControlEntry;

export const GDPR_REFERENCES: readonly GdprReference[] = [
  { id: 'Art. 32(1)(a)', title: 'Pseudonymisation and encryption of personal data' },
  {
    id: 'Art. 32(1)(b)',
    title: 'Ongoing confidentiality, integrity, availability and resilience of processing systems and services',
  },
  {
    id: 'Art. 32(1)(c)',
    title: 'Ability to restore availability of and access to personal data in a timely manner after an incident',
  },
  {
    id: 'Art. 32(1)(d)',
    title: 'Process for regularly testing, assessing and evaluating the effectiveness of security measures',
  },
];
