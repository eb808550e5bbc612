/**
 * Type II evidence: the same controls tested over months. Given earlier evidence reports (JSON,
 * e.g. CI artifacts), each finding gets when it was first and last seen and the scan that fixed
 * it. A finding counts as fixed only when a later scan ran the same rule on the same file and did
 * not find it; a scan that did not (the rule was off, the file not scanned) leaves it "not
 * re-tested", never silently fixed. Findings are matched by fingerprint, and only reports of the
 * same fingerprint version are compared.
 */
import type { Severity } from '../types.js';
import { FINGERPRINT_VERSION, type EvidencePack, type HistoryFinding, type HistoryScan, type HistorySection, type HistoryStatus, type PreviousReport } from './pack-types.js';
import { SCORE_VERSION } from './score.js';

interface Snapshot {
  reportDate: string;
  commit: string | null;
  source: string;
  score: number | null;
  /** fingerprint -> finding as listed (open or accepted). */
  present: Map<string, { ruleId: string; file: string; severity: Severity; message: string; accepted: boolean }>;
  rules: Set<string>;
  files: Set<string>;
}

export function applyHistory(current: EvidencePack, previous: readonly PreviousReport[]): HistorySection {
  const ignored: HistorySection['ignored'] = [];
  const comparable = previous.filter((report) => {
    if (report.pack.fingerprintVersion !== FINGERPRINT_VERSION) {
      ignored.push({ source: report.source, reason: `fingerprint version ${report.pack.fingerprintVersion}, this report's is ${FINGERPRINT_VERSION}` });
      return false;
    }
    return true;
  });
  const snapshots = [...comparable.map((report) => snapshot(report.pack, report.source)), snapshot(current, 'current')];
  // Oldest first; the current report stays last even when an artifact claims a later date.
  const earlier = snapshots.slice(0, -1).sort((a, b) => a.reportDate.localeCompare(b.reportDate) || a.source.localeCompare(b.source));
  const timeline = [...earlier, snapshots.at(-1)!];

  const scans: HistoryScan[] = timeline.map((scan, index) => {
    const before = index > 0 ? timeline[index - 1] : undefined;
    const delta = compare(before, scan);
    return { reportDate: scan.reportDate, commit: scan.commit, source: scan.source, score: scan.score, open: scan.present.size, ...delta };
  });

  const findings = new Map<string, HistoryFinding>();
  for (const scan of timeline) {
    for (const [fingerprint, seen] of scan.present) {
      const known = findings.get(fingerprint);
      if (!known) {
        findings.set(fingerprint, { fingerprint, ruleId: seen.ruleId, file: seen.file, severity: seen.severity, message: seen.message, status: seen.accepted ? 'accepted' : 'open', firstSeen: scan.reportDate, lastSeen: scan.reportDate });
      } else {
        known.lastSeen = scan.reportDate;
        known.status = seen.accepted ? 'accepted' : 'open';
        known.severity = seen.severity;
        known.message = seen.message;
        delete known.fixedIn;
      }
    }
    for (const known of findings.values()) {
      if (scan.present.has(known.fingerprint) || known.status === 'fixed') continue;
      if (scan.rules.has(known.ruleId) && scan.files.has(known.file)) {
        known.status = 'fixed';
        known.fixedIn = { reportDate: scan.reportDate, commit: scan.commit };
      } else known.status = 'not-retested';
    }
  }
  const order: Record<HistoryStatus, number> = { open: 0, accepted: 1, 'not-retested': 2, fixed: 3 };
  const last = scans.at(-1)!;
  return {
    scans,
    findings: [...findings.values()].sort((a, b) => order[a.status] - order[b.status] || a.firstSeen.localeCompare(b.firstSeen) || a.file.localeCompare(b.file) || a.fingerprint.localeCompare(b.fingerprint)),
    sinceLast: { new: last.new, fixed: last.fixed, open: last.open, notRetested: last.notRetested },
    ignored,
  };
}

function snapshot(pack: PreviousReport['pack'], source: string): Snapshot {
  const present: Snapshot['present'] = new Map();
  for (const finding of pack.findings) present.set(finding.fingerprint, { ruleId: finding.ruleId, file: finding.file, severity: finding.severity, message: finding.message, accepted: false });
  for (const finding of pack.exceptions) present.set(finding.fingerprint, { ruleId: finding.ruleId, file: finding.file, severity: finding.severity, message: finding.message, accepted: true });
  return {
    reportDate: pack.reportDate,
    commit: pack.git?.commit ?? null,
    source,
    score: pack.score.version === SCORE_VERSION ? pack.score.overall : null,
    present,
    rules: new Set(pack.ruleSet.rules.map((rule) => rule.id)),
    files: new Set(pack.files.paths),
  };
}

function compare(before: Snapshot | undefined, scan: Snapshot): Pick<HistoryScan, 'new' | 'fixed' | 'notRetested'> {
  if (!before) return { new: scan.present.size, fixed: 0, notRetested: 0 };
  let added = 0;
  let fixed = 0;
  let notRetested = 0;
  for (const fingerprint of scan.present.keys()) if (!before.present.has(fingerprint)) added++;
  for (const [fingerprint, seen] of before.present) {
    if (scan.present.has(fingerprint)) continue;
    if (scan.rules.has(seen.ruleId) && scan.files.has(seen.file)) fixed++;
    else notRetested++;
  }
  return { new: added, fixed, notRetested };
}

/**
 * An earlier report as read from the history folder: undefined (with the reason) when it is not a
 * trustscan evidence report or lacks what history needs. Never trusts more than it checks.
 */
export function readPreviousReport(source: string, text: string): { report?: PreviousReport; reason?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { reason: 'not JSON' };
  }
  const pack = parsed as Partial<EvidencePack> | null;
  if (!pack || typeof pack !== 'object' || pack.kind !== 'trustscan-evidence-report') return { reason: 'not a trustscan evidence report' };
  const isString = (value: unknown): value is string => typeof value === 'string';
  const findingsValid = (list: unknown): boolean =>
    Array.isArray(list) && list.every((finding) => finding && typeof finding === 'object' && isString(finding.fingerprint) && isString(finding.ruleId) && isString(finding.file) && isString(finding.severity) && isString(finding.message));
  if (!isString(pack.reportDate) || typeof pack.fingerprintVersion !== 'number' || !pack.score || typeof pack.score.version !== 'number' || typeof pack.score.overall !== 'number') return { reason: 'its header is incomplete' };
  if (!findingsValid(pack.findings) || !findingsValid(pack.exceptions)) return { reason: 'its findings are malformed' };
  if (!pack.ruleSet || !Array.isArray(pack.ruleSet.rules) || !pack.files || !Array.isArray(pack.files.paths) || !pack.files.paths.every(isString)) return { reason: 'it lists no rules or files' };
  const git = pack.git && typeof pack.git === 'object' ? { commit: isString(pack.git.commit) ? pack.git.commit : null, branch: isString(pack.git.branch) ? pack.git.branch : null, detached: pack.git.detached === true } : null;
  return {
    report: {
      source,
      pack: {
        reportDate: pack.reportDate,
        git,
        ruleSet: { version: String(pack.ruleSet.version), rules: pack.ruleSet.rules.filter((rule) => rule && isString(rule.id)) },
        fingerprintVersion: pack.fingerprintVersion as typeof FINGERPRINT_VERSION,
        score: pack.score,
        findings: pack.findings!,
        exceptions: pack.exceptions!,
        files: { paths: pack.files.paths },
      },
    },
  };
}
