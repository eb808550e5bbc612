/**
 * Baselines (`scan --write-baseline <file>`, `scan --baseline <file>`): adopt the scanner on a code
 * base with old findings and fail pull requests only on new ones, the way Semgrep's
 * `--baseline-commit`, gitleaks' `--baseline-path` and ESLint's bulk suppressions do.
 *
 * A baseline file records each finding by rule, file and fingerprint (engine/fingerprint.ts: the
 * flagged line's normalised code and its entry point, never its line number), so a finding still
 * matches after lines move, after edits elsewhere in the file and after renames on other lines.
 * It holds no code, no message and no secret text: only ids, paths and hashes.
 */
import { readFileSync } from 'node:fs';
import { FINGERPRINT_VERSION } from '../engine/fingerprint.js';
import { UsageError } from '../engine/errors.js';
import type { BaselineEntry, Finding, ScanResult } from '../types.js';

const KIND = 'trustscan-baseline';
const FORMAT_VERSION = 1;

export interface BaselineFile {
  kind: typeof KIND;
  version: typeof FORMAT_VERSION;
  fingerprintVersion: number;
  /** Sorted by file, rule, fingerprint: a re-written baseline of the same findings is byte-identical. */
  findings: BaselineEntry[];
}

/** The baseline of a scan's open findings (suppressed ones are already accounted for in the code). */
export function buildBaseline(result: ScanResult): BaselineFile {
  const findings = result.findings
    .filter((finding) => !finding.suppression)
    .map((finding) => ({ ruleId: finding.ruleId, file: finding.file, fingerprint: finding.fingerprint }))
    .sort((a, b) => compare(a.file, b.file) || compare(a.ruleId, b.ruleId) || compare(a.fingerprint, b.fingerprint));
  return { kind: KIND, version: FORMAT_VERSION, fingerprintVersion: FINGERPRINT_VERSION, findings };
}

export function formatBaseline(baseline: BaselineFile): string {
  return `${JSON.stringify(baseline, null, 2)}\n`;
}

/** Reads and checks a baseline file (`file` as the user named it, read at `absolutePath`); anything else is a usage error (one line, exit 2). */
export function readBaseline(absolutePath: string, file: string): BaselineFile {
  let text: string;
  try {
    text = readFileSync(absolutePath, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read baseline ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new UsageError(`baseline ${file} is not JSON`);
  }
  const candidate = parsed as Partial<BaselineFile> | null;
  if (!candidate || typeof candidate !== 'object' || candidate.kind !== KIND || !Array.isArray(candidate.findings)) {
    throw new UsageError(`baseline ${file} is not a trustscan baseline (write one with --write-baseline)`);
  }
  if (candidate.version !== FORMAT_VERSION) throw new UsageError(`baseline ${file} has format version ${String(candidate.version)}; this trustscan reads version ${FORMAT_VERSION}`);
  // Fingerprints of another version never match: every old finding would come back as new.
  if (candidate.fingerprintVersion !== FINGERPRINT_VERSION) {
    throw new UsageError(`baseline ${file} holds fingerprints of version ${String(candidate.fingerprintVersion)}; this trustscan's are version ${FINGERPRINT_VERSION}: write it again with --write-baseline`);
  }
  const findings: BaselineEntry[] = [];
  for (const [index, entry] of candidate.findings.entries()) {
    const { ruleId, file: path, fingerprint } = (entry ?? {}) as Partial<BaselineEntry>;
    if (typeof ruleId !== 'string' || typeof path !== 'string' || typeof fingerprint !== 'string') {
      throw new UsageError(`baseline ${file}: findings[${index}] needs string ruleId, file and fingerprint`);
    }
    findings.push({ ruleId, file: path, fingerprint });
  }
  return { kind: KIND, version: FORMAT_VERSION, fingerprintVersion: FINGERPRINT_VERSION, findings };
}

/**
 * Marks each finding `unchanged` (in the baseline) or `new`, and lists the baseline entries no
 * finding matched as fixed. An entry matches one finding at most, so a second copy of a baselined
 * finding is new. Entries of rules this scan did not run are not called fixed: they were not tested.
 */
export function applyBaseline(result: ScanResult, baseline: BaselineFile, file: string): ScanResult {
  const remaining = new Map<string, number>();
  const key = (entry: BaselineEntry | Finding) => `${entry.ruleId}\0${entry.file}\0${entry.fingerprint}`;
  for (const entry of baseline.findings) remaining.set(key(entry), (remaining.get(key(entry)) ?? 0) + 1);
  let unchanged = 0;
  const findings = result.findings.map((finding): Finding => {
    const left = remaining.get(key(finding)) ?? 0;
    if (left > 0 && !finding.suppression) {
      remaining.set(key(finding), left - 1);
      unchanged += 1;
      return { ...finding, baselineState: 'unchanged' };
    }
    return { ...finding, baselineState: 'new' };
  });
  const ranRules = new Set(result.rules.map((rule) => rule.id));
  const fixed: BaselineEntry[] = [];
  for (const entry of baseline.findings) {
    const left = remaining.get(key(entry)) ?? 0;
    if (left === 0 || !ranRules.has(entry.ruleId)) continue;
    remaining.set(key(entry), left - 1);
    fixed.push(entry);
  }
  const open = findings.filter((finding) => !finding.suppression);
  return { ...result, findings, baseline: { file, unchanged, new: open.length - unchanged, fixed } };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
