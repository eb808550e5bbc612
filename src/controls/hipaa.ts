import type { ControlEntry } from './control-entry.js';

/** HIPAA Security Rule technical safeguards, 45 CFR 164.312 (standards). Ids: e.g. "164.312(a)(1)". */
export type HipaaSafeguard = ControlEntry;

export const HIPAA_SAFEGUARDS: readonly HipaaSafeguard[] = [
  { id: '164.312(a)(1)', title: 'Access control' },
  { id: '164.312(b)', title: 'Audit controls' },
  { id: '164.312(c)(1)', title: 'Integrity' },
  { id: '164.312(d)', title: 'Person or entity authentication' },
  { id: '164.312(e)(1)', title: 'Transmission security' },
];
