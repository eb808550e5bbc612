import type { ControlEntry } from './control-entry.js';

/** MITRE CWE entries the rules map to, with their official names (CWE 4.x). Ids: "CWE-<n>". */
export type CweEntry = ControlEntry;

export const CWE_ENTRIES: readonly CweEntry[] = [
  { id: 'CWE-22', title: "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')" },
  { id: 'CWE-78', title: "Improper Neutralization of Special Elements used in an OS Command ('OS Command Injection')" },
  { id: 'CWE-89', title: "Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')" },
  { id: 'CWE-94', title: "Improper Control of Generation of Code ('Code Injection')" },
  { id: 'CWE-95', title: "Improper Neutralization of Directives in Dynamically Evaluated Code ('Eval Injection')" },
  { id: 'CWE-200', title: 'Exposure of Sensitive Information to an Unauthorized Actor' },
  { id: 'CWE-213', title: 'Exposure of Sensitive Information Due to Incompatible Policies' },
  { id: 'CWE-285', title: 'Improper Authorization' },
  { id: 'CWE-295', title: 'Improper Certificate Validation' },
  { id: 'CWE-306', title: 'Missing Authentication for Critical Function' },
  { id: 'CWE-307', title: 'Improper Restriction of Excessive Authentication Attempts' },
  { id: 'CWE-319', title: 'Cleartext Transmission of Sensitive Information' },
  { id: 'CWE-321', title: 'Use of Hard-coded Cryptographic Key' },
  { id: 'CWE-328', title: 'Use of Weak Hash' },
  { id: 'CWE-347', title: 'Improper Verification of Cryptographic Signature' },
  { id: 'CWE-359', title: 'Exposure of Private Personal Information to an Unauthorized Actor' },
  { id: 'CWE-502', title: 'Deserialization of Untrusted Data' },
  { id: 'CWE-532', title: 'Insertion of Sensitive Information into Log File' },
  { id: 'CWE-613', title: 'Insufficient Session Expiration' },
  { id: 'CWE-639', title: 'Authorization Bypass Through User-Controlled Key' },
  { id: 'CWE-693', title: 'Protection Mechanism Failure' },
  { id: 'CWE-770', title: 'Allocation of Resources Without Limits or Throttling' },
  { id: 'CWE-798', title: 'Use of Hard-coded Credentials' },
  { id: 'CWE-799', title: 'Improper Control of Interaction Frequency' },
  { id: 'CWE-841', title: 'Improper Enforcement of Behavioral Workflow' },
  { id: 'CWE-862', title: 'Missing Authorization' },
  { id: 'CWE-915', title: 'Improperly Controlled Modification of Dynamically-Determined Object Attributes' },
  { id: 'CWE-916', title: 'Use of Password Hash With Insufficient Computational Effort' },
  { id: 'CWE-918', title: 'Server-Side Request Forgery (SSRF)' },
  { id: 'CWE-942', title: 'Permissive Cross-domain Policy with Untrusted Domains' },
  { id: 'CWE-943', title: 'Improper Neutralization of Special Elements in Data Query Logic' },
  { id: 'CWE-1021', title: 'Improper Restriction of Rendered UI Layers or Frames' },
];
