/**
 * The evidence pack (`trustscan report`): per criterion of SOC 2 (and the OWASP API Top 10, PCI DSS,
 * HIPAA and GDPR views of the same results) whether the control was tested, what was tested, what
 * held and what failed, with the findings, the accepted exceptions, the business flows, a score
 * and, given earlier reports, the history. Built from one scan and its inventory; pure (the CLI
 * reads git, package.json and the history folder and hands them in), deterministic for a fixed
 * report date.
 */
import {
  CONTROL_KIND_LABELS,
  GDPR_REFERENCES,
  HIPAA_SAFEGUARDS,
  OWASP_API_2023,
  PCI_DSS_V4_REQUIREMENTS,
  SCAN_EVIDENCE_CONTROLS,
  SOC2_CRITERIA,
  type ControlKind,
  type Soc2Category,
} from '../controls/index.js';
import type { Flow } from '../engine/flows/flow-model.js';
import type { ScanInventory } from '../engine/scan.js';
import { maskSecretsInLine } from '../engine/mask-secrets.js';
import { flowTitle, mermaidDiagram } from '../reporters/flows.js';
import { entryName, SEVERITY_RANK, type ExaminedItem, type Finding, type ScanResult, type Severity, type WholeProjectAnalysis } from '../types.js';
import { applyHistory } from './history.js';
import { FINGERPRINT_VERSION, REPORT_SCHEMA_VERSION, type PreviousReport, type CriterionResult, type CriterionStatus, type EvidencePack, type FrameworkView, type GitInfo, type ReportFinding, type ReportFlow, type TestedEvidence } from './pack-types.js';
import { scoreFindings, SCORE_FORMULA, SCORE_VERSION } from './score.js';

export interface PackInput {
  result: ScanResult;
  inventory: ScanInventory;
  /** The whole-project analyses each rule reads (rule registry), to say what a rule without coverage examined. */
  ruleAnalyses: ReadonlyMap<string, readonly WholeProjectAnalysis[]>;
  project: { name: string | null; version: string | null; scannedPaths: string[] };
  git: GitInfo | null;
  config: { file: string | null; sha256: string | null };
  reportDate: string;
  threshold: Severity;
  scope: readonly Soc2Category[];
  /** Earlier reports (`--history`), any order. */
  history?: readonly PreviousReport[];
}

const EXAMPLES = 5;
const FRAMEWORK_CATALOGS: ReadonlyArray<{ framework: FrameworkView['framework']; entries: ReadonlyArray<{ id: string; title: string }> }> = [
  { framework: 'owaspApi', entries: OWASP_API_2023 },
  { framework: 'pciDss', entries: PCI_DSS_V4_REQUIREMENTS },
  { framework: 'hipaa', entries: HIPAA_SAFEGUARDS },
  { framework: 'gdpr', entries: GDPR_REFERENCES },
];

export function buildEvidencePack(input: PackInput): EvidencePack {
  const { result, inventory, threshold } = input;
  const findings = result.findings;
  const open = findings.filter((finding) => !finding.suppression);
  const suppressed = findings.filter((finding) => finding.suppression);
  const tested = testedByRule(input);
  const entryPoints = inventory.routes.length;
  const unitsTested = Math.max(1, entryPoints);

  const judge = (framework: Exclude<ControlKind, 'cwe'>, id: string, title: string, category?: Soc2Category): CriterionResult => {
    const rules = result.rules.filter((rule) => rule.controls[framework].includes(id)).map((rule) => rule.id);
    const mapsHere = (finding: Finding) => finding.controls[framework].includes(id);
    const failing = open.filter((finding) => mapsHere(finding) && SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[threshold]);
    const below = open.filter((finding) => mapsHere(finding) && SEVERITY_RANK[finding.severity] < SEVERITY_RANK[threshold]);
    const exceptions = suppressed.filter(mapsHere);
    const evidence = rules.map((ruleId) => tested.get(ruleId)).filter((entry): entry is TestedEvidence => entry !== undefined);
    // The scan itself is the evidence for "conducts vulnerability scans" and "tests changes".
    const scanEvidence = SCAN_EVIDENCE_CONTROLS[framework].includes(id);
    if (scanEvidence) evidence.push(scanItself(result));
    const exercised = evidence.some((entry) => entry.examined > 0);
    let status: CriterionStatus;
    let statusReason: string;
    if (failing.length > 0) {
      status = 'fail';
      statusReason = `${failing.length} open finding${failing.length === 1 ? '' : 's'} at or above ${threshold}`;
    } else if (rules.length === 0 && !scanEvidence) {
      status = 'not-tested';
      statusReason = 'no rule of this scan speaks to it';
    } else if (!exercised) {
      status = 'not-tested';
      statusReason = 'nothing in the scanned code exercises it';
    } else {
      status = 'pass';
      statusReason = below.length > 0 ? `no open finding at or above ${threshold} (${below.length} below)` : 'no open finding';
    }
    return {
      id,
      title,
      ...(category ? { category } : {}),
      status,
      statusReason,
      rules,
      tested: evidence,
      failing: failing.map((finding) => finding.fingerprint),
      belowThreshold: below.map((finding) => finding.fingerprint),
      exceptions: exceptions.map((finding) => finding.fingerprint),
      score: status === 'not-tested' ? null : scoreFindings([...failing, ...below], unitsTested),
    };
  };

  const inScope = new Set<Soc2Category>(['common', ...input.scope]);
  const frameworks: FrameworkView[] = [
    { framework: 'soc2', label: CONTROL_KIND_LABELS.soc2, criteria: SOC2_CRITERIA.filter((criterion) => inScope.has(criterion.category)).map((criterion) => judge('soc2', criterion.id, criterion.title, criterion.category)) },
    ...FRAMEWORK_CATALOGS.map(({ framework, entries }) => ({ framework, label: CONTROL_KIND_LABELS[framework], criteria: entries.map((entry) => judge(framework, entry.id, entry.title)) })),
  ];
  const soc2 = frameworks[0]!.criteria;
  const countStatus = (status: CriterionStatus) => soc2.filter((criterion) => criterion.status === status).length;
  const byKind: Record<string, number> = {};
  for (const route of inventory.routes) byKind[route.kind ?? 'http'] = (byKind[route.kind ?? 'http'] ?? 0) + 1;
  const mounted = inventory.routes.filter((route) => !route.unmounted);

  const pack: EvidencePack = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: 'trustscan-evidence-report',
    tool: { name: 'trustscan', version: result.tool.version },
    reportDate: input.reportDate,
    project: input.project,
    git: input.git,
    config: input.config,
    ruleSet: { version: result.tool.version, rules: result.rules.map((rule) => ({ id: rule.id, title: rule.title, severity: rule.severity })) },
    fingerprintVersion: FINGERPRINT_VERSION,
    threshold,
    scope: { soc2Categories: [...inScope] },
    files: {
      scanned: result.stats.filesScanned,
      lines: result.stats.linesScanned,
      skipped: skippedFiles(result),
      analysisFailures: result.stats.analysisFailures,
      paths: inventory.files,
    },
    inventory: {
      entryPoints,
      byKind: Object.fromEntries(Object.entries(byKind).sort(([a], [b]) => a.localeCompare(b))),
      authenticated: mounted.filter((route) => route.auth === 'authenticated').length,
      publicByDesign: mounted.filter((route) => route.auth === 'public' && route.publicByDesign).length,
      public: mounted.filter((route) => route.auth === 'public' && !route.publicByDesign).length,
      unknown: mounted.filter((route) => route.auth === 'unknown').length,
      // WebSocket message handlers are counted by kind (`websocket`), not as handlers no route mounts.
      unmounted: inventory.routes.filter((route) => route.unmounted && route.kind !== 'websocket').length,
      flows: inventory.flows.flows.length,
      flowSteps: inventory.flows.steps.filter((step) => step.change).length,
    },
    summary: {
      criteria: { pass: countStatus('pass'), fail: countStatus('fail'), 'not-tested': countStatus('not-tested') },
      openFindings: { critical: 0, high: 0, medium: 0, low: 0, ...countBy(open, (finding) => finding.severity) },
      exceptions: suppressed.length,
    },
    score: { version: SCORE_VERSION, formula: SCORE_FORMULA, overall: scoreFindings(open, unitsTested), unitsTested },
    frameworks,
    findings: open.map(reportFinding),
    exceptions: suppressed.map((finding) => ({ ...reportFinding(finding), kind: 'suppressed' as const, justification: finding.suppression!.justification })),
    flows: inventory.flows.flows.map(reportFlow),
    history: null,
  };
  if (input.history && input.history.length > 0) pack.history = applyHistory(pack, input.history);
  return pack;
}

/** Per rule, what it examined: its recorded coverage, else the entry points it traced or the files it searched. */
function testedByRule(input: PackInput): Map<string, TestedEvidence> {
  const { result, inventory } = input;
  const byRule = new Map<string, TestedEvidence>();
  const findingsOf = (ruleId: string) => result.findings.filter((finding) => finding.ruleId === ruleId && !finding.suppression).length;
  for (const rule of result.rules) {
    const recorded = result.coverage?.find((coverage) => coverage.ruleId === rule.id);
    if (recorded) {
      byRule.set(rule.id, fromItems(rule.id, recorded.items));
      continue;
    }
    const analyses = input.ruleAnalyses.get(rule.id) ?? [];
    const findings = findingsOf(rule.id);
    if (analyses.includes('dataflow')) {
      const examined = inventory.routes.length;
      byRule.set(rule.id, counted(rule.id, 'entry point', examined, findings, `request data traced from ${plural(examined, 'entry point')}`));
    } else if (analyses.includes('routes') || analyses.includes('objectAccess') || analyses.includes('flows')) {
      const examined = inventory.routes.filter((route) => !route.unmounted).length;
      byRule.set(rule.id, counted(rule.id, 'entry point', examined, findings, `${plural(examined, 'entry point')} examined`));
    } else {
      const examined = result.stats.filesScanned;
      byRule.set(rule.id, counted(rule.id, 'file', examined, findings, `${plural(examined, 'file')} searched`));
    }
  }
  return byRule;
}

function fromItems(ruleId: string, items: readonly ExaminedItem[]): TestedEvidence {
  const count = (outcome: ExaminedItem['outcome']) => items.filter((item) => item.outcome === outcome).length;
  const subject = items[0]?.subject ?? 'item';
  const subjects = [...new Set(items.map((item) => item.subject))];
  const passed = count('passed');
  const exempt = count('exempt');
  const findings = count('finding');
  const undetermined = count('undetermined');
  const exemptions = new Map<string, number>();
  for (const item of items) if (item.outcome === 'exempt') exemptions.set(item.exemption ?? 'exempt', (exemptions.get(item.exemption ?? 'exempt') ?? 0) + 1);
  const parts = [passed > 0 ? `${passed} passed` : '', ...[...exemptions].map(([kind, n]) => `${n} ${kind}`), findings > 0 ? `${findings} with findings` : '', undetermined > 0 ? `${undetermined} undetermined` : ''].filter(Boolean);
  const what = subjects.length === 1 ? plural(items.length, subject) : `${items.length} items (${subjects.join(', ')})`;
  return {
    ruleId,
    subject,
    examined: items.length,
    passed,
    exempt,
    findings,
    undetermined,
    summary: `${what} examined${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`,
    examples: items.filter((item) => item.outcome === 'passed').slice(0, EXAMPLES).map((item) => ({ ...item, name: maskSecretsInLine(item.name), evidence: maskSecretsInLine(item.evidence) })),
  };
}

function counted(ruleId: string, subject: string, examined: number, findings: number, summary: string): TestedEvidence {
  return { ruleId, subject, examined, passed: Math.max(0, examined - findings), exempt: 0, findings, undetermined: 0, summary: `${summary}${findings > 0 ? `: ${plural(findings, 'finding')}` : ''}`, examples: [] };
}

function scanItself(result: ScanResult): TestedEvidence {
  return {
    ruleId: 'scan',
    subject: 'file',
    examined: result.stats.filesScanned,
    passed: result.stats.filesScanned,
    exempt: 0,
    findings: 0,
    undetermined: 0,
    summary: `this scan ran ${plural(result.rules.length, 'rule')} over ${plural(result.stats.filesScanned, 'file')} (${result.stats.linesScanned} lines)`,
    examples: [],
  };
}

/** Files the scan skipped, with the reason each warning gives (`<file>: skipped, <reason>`). */
/** Files the scan skipped, from their warnings: every such message reads "<file>: skipped, <reason>" (a folder "<folder>/: skipped, ..."). */
function skippedFiles(result: ScanResult): Array<{ file: string; reason: string }> {
  const marker = ': skipped, ';
  const skipped: Array<{ file: string; reason: string }> = [];
  for (const warning of result.warnings) {
    const at = warning.file ? warning.message.indexOf(marker) : -1;
    if (at >= 0) skipped.push({ file: warning.file!, reason: warning.message.slice(at + marker.length) });
  }
  return skipped;
}

function reportFinding(finding: Finding): ReportFinding {
  return {
    fingerprint: finding.fingerprint,
    ruleId: finding.ruleId,
    severity: finding.severity,
    confidence: finding.confidence,
    message: finding.message,
    file: finding.file,
    line: finding.line,
    column: finding.column,
    ...(finding.route ? { route: entryName(finding.route) } : {}),
    trace: finding.trace,
    remediation: finding.remediation,
    controls: finding.controls,
  };
}

function reportFlow(flow: Flow): ReportFlow {
  return {
    title: flowTitle(flow),
    kind: flow.kind,
    states: [...flow.states],
    transitions: flow.transitions.map((transition) => ({
      from: [...transition.from],
      to: transition.to,
      route: entryName(transition.route),
      file: transition.route.file,
      line: transition.route.line,
      guarded: transition.guarded,
      creates: transition.creates,
      ...(transition.guard ? { guard: maskSecretsInLine(transition.guard) } : {}),
    })),
    ...(flow.declaredSteps
      ? {
          declaredSteps: flow.declaredSteps.map((step) => ({
            step: step.step,
            ...(step.route ? { route: entryName(step.route), file: step.route.file, line: step.route.line } : {}),
            ...(step.guarded !== undefined ? { guarded: step.guarded } : {}),
            entry: step.entry,
          })),
        }
      : {}),
    mermaid: mermaidDiagram(flow),
  };
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : noun.endsWith('s') ? 'es' : 's'}`;
}
