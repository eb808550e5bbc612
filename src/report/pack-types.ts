/**
 * The evidence pack's shape (`trustscan report --format json`, schema/report.schema.json): a leaf
 * module, so the builder (evidence-pack.ts), the history (history.ts) and the renderers share it.
 */
import type { ControlKind, Soc2Category } from '../controls/index.js';
import type { ExaminedItem, Finding, Severity } from '../types.js';
import type { FINGERPRINT_VERSION } from '../engine/fingerprint.js';

export const REPORT_SCHEMA_VERSION = '1.0.0';
/** Version of the finding fingerprint (engine/fingerprint.ts): history matches only like with like. */
export { FINGERPRINT_VERSION } from '../engine/fingerprint.js';

/** SOC 2 categories as `--scope` names them; `security` is the common criteria, always in scope. */
export const SCOPE_NAMES: Readonly<Record<string, Soc2Category>> = {
  security: 'common',
  availability: 'availability',
  confidentiality: 'confidentiality',
  'processing-integrity': 'processing-integrity',
  privacy: 'privacy',
};

export type CriterionStatus = 'pass' | 'fail' | 'not-tested';

/** What one rule examined for a criterion, in numbers, with examples of where the control holds. */
export interface TestedEvidence {
  ruleId: string;
  /** `entry point`, `object lookup`, `file`, ... (singular). */
  subject: string;
  examined: number;
  passed: number;
  exempt: number;
  findings: number;
  undetermined: number;
  /** One sentence: "143 entry points examined: 131 authenticated, 9 public by design, 3 findings". */
  summary: string;
  /** Up to EXAMPLES items that passed or are exempt, with their evidence (file:line). */
  examples: ExaminedItem[];
}

export interface CriterionResult {
  id: string;
  title: string;
  /** SOC 2 only. */
  category?: Soc2Category;
  status: CriterionStatus;
  /** Why the status, in one sentence. */
  statusReason: string;
  /** The rules that speak to this criterion (run in this scan). */
  rules: string[];
  tested: TestedEvidence[];
  /** Fingerprints of open findings at or above the threshold (the reason for FAIL). */
  failing: string[];
  /** Fingerprints of open findings below the threshold. */
  belowThreshold: string[];
  /** Fingerprints of suppressed findings: accepted exceptions, listed, never hidden. */
  exceptions: string[];
  score: number | null;
}

export interface FrameworkView {
  framework: Exclude<ControlKind, 'cwe'>;
  label: string;
  criteria: CriterionResult[];
}

export interface ReportFinding {
  fingerprint: string;
  ruleId: string;
  severity: Severity;
  confidence: Finding['confidence'];
  message: string;
  file: string;
  line: number;
  column: number;
  route?: string;
  trace: Finding['trace'];
  remediation: string;
  controls: Finding['controls'];
}

export interface ReportException extends ReportFinding {
  kind: 'suppressed';
  justification: string;
}

export interface ReportFlow {
  title: string;
  kind: 'entity' | 'config';
  states: string[];
  transitions: Array<{ from: string[]; to: string; route: string; file: string; line: number; guarded: boolean; creates: boolean; guard?: string }>;
  declaredSteps?: Array<{ step: string; route?: string; file?: string; line?: number; guarded?: boolean; entry: boolean }>;
  mermaid: string;
}

export interface GitInfo {
  commit: string | null;
  branch: string | null;
  detached: boolean;
  commitTime?: string;
}

export interface EvidencePack {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  kind: 'trustscan-evidence-report';
  tool: { name: 'trustscan'; version: string };
  reportDate: string;
  project: { name: string | null; version: string | null; scannedPaths: string[] };
  git: GitInfo | null;
  config: { file: string | null; sha256: string | null };
  ruleSet: { version: string; rules: Array<{ id: string; title: string; severity: Severity }> };
  fingerprintVersion: typeof FINGERPRINT_VERSION;
  threshold: Severity;
  scope: { soc2Categories: Soc2Category[] };
  files: { scanned: number; lines: number; skipped: Array<{ file: string; reason: string }>; analysisFailures: number; paths: string[] };
  inventory: {
    entryPoints: number;
    byKind: Record<string, number>;
    authenticated: number;
    publicByDesign: number;
    public: number;
    unknown: number;
    unmounted: number;
    flows: number;
    flowSteps: number;
  };
  summary: {
    criteria: Record<CriterionStatus, number>;
    openFindings: Record<Severity, number>;
    exceptions: number;
  };
  score: { version: number; formula: string; overall: number; unitsTested: number };
  frameworks: FrameworkView[];
  findings: ReportFinding[];
  exceptions: ReportException[];
  flows: ReportFlow[];
  history: HistorySection | null;
}

/** The part of an earlier report history reads (validated by readPreviousReport). */
export interface PreviousReport {
  /** Where it was read from (a file name in the history folder). */
  source: string;
  pack: Pick<EvidencePack, 'reportDate' | 'git' | 'ruleSet' | 'fingerprintVersion' | 'score' | 'findings' | 'exceptions'> & { files: Pick<EvidencePack['files'], 'paths'> };
}

export type HistoryStatus = 'open' | 'accepted' | 'fixed' | 'not-retested';

export interface HistoryScan {
  reportDate: string;
  commit: string | null;
  /** `current` for this report. */
  source: string;
  /** Null when the report's score is of another formula version. */
  score: number | null;
  open: number;
  new: number;
  fixed: number;
  notRetested: number;
}

export interface HistoryFinding {
  fingerprint: string;
  ruleId: string;
  file: string;
  severity: Severity;
  message: string;
  status: HistoryStatus;
  firstSeen: string;
  lastSeen: string;
  fixedIn?: { reportDate: string; commit: string | null };
}

export interface HistorySection {
  /** Oldest first; the last is this report. */
  scans: HistoryScan[];
  /** Every finding any compared report holds, open ones first, then by first seen. */
  findings: HistoryFinding[];
  /** Since the previous scan. */
  sinceLast: { new: number; fixed: number; open: number; notRetested: number };
  /** Reports in the history folder that were not compared, and why. */
  ignored: Array<{ source: string; reason: string }>;
}

