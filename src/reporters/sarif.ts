import type {
  CodeFlow,
  Location,
  Log,
  PhysicalLocation,
  Region,
  ReportingDescriptor,
  Result,
  Run,
  ThreadFlowLocation,
} from 'sarif';
import { CONTROL_KINDS, CONTROL_KIND_LABELS, SCAN_EVIDENCE_CONTROLS, controlTitle } from '../controls/index.js';
import { repositoryWebUrl, ruleDocsUrlFor, trustscanPackageLinks, type PackageLinks } from './rule-docs.js';
import { entryName, type ControlRefs, type Finding, type RuleMeta, type ScanResult, type Severity, type TraceStep } from '../types.js';

export interface SarifOptions {
  /** Keep suppressed findings (GitHub ignores `suppressions`, so they are left out by default). */
  includeSuppressed: boolean;
  /** The commit scanned, when the scan root is in a git repository with an `origin` remote. */
  versionControl?: SarifVersionControl;
  /** Where trustscan's repository is (default: its own package.json); tests set it. */
  packageLinks?: PackageLinks;
}

export interface SarifVersionControl {
  /** Absolute URI of the repository, credentials stripped (SARIF requires it in versionControlDetails). */
  repositoryUri: string;
  revisionId?: string;
  branch?: string;
  /** True when the scan root is the repository's root, so %SRCROOT% maps onto the repository. */
  rootIsRepositoryRoot: boolean;
}

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/**
 * The Multitool counts a driver without `informationUri` as an error (SARIF2005), so until
 * package.json names trustscan's repository this long-standing value stays. It is not verified:
 * rule `helpUri`s, which send people to a page, are only written from a repository package.json names.
 */
const FALLBACK_INFORMATION_URI = 'https://github.com/trustscan/trustscan';
/**
 * Every uri is relative to the scan root and carries this base id, the one CodeQL uses. The run
 * declares it in originalUriBaseIds with a description but without a `uri`: the absolute scan root
 * would make the output machine-dependent, and SARIF (3.14.14) lets a consumer supply the value.
 * GitHub resolves relative uris against the checkout, and the Multitool (rule kinds Sarif;Gh)
 * reports neither errors nor warnings for it (SARIF1004 only constrains a `uri` when present).
 */
const SRCROOT = '%SRCROOT%';
const MAX_FULL_DESCRIPTION = 1024;
const MAX_TAGS = 20;

const LEVEL: Record<Severity, Result.level> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};

/**
 * GitHub code scanning reads properties["security-severity"] (a CVSS-like score as a string) to
 * bucket alerts: critical above 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9. One value near the
 * middle of each band keeps a rule in the same bucket as our own severity.
 */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
};

/**
 * SARIF for GitHub code scanning and other SARIF consumers. Pure and deterministic: no
 * timestamps, no absolute paths, keys and arrays always in the same order.
 */
export function formatSarif(result: ScanResult, options: SarifOptions): string {
  return `${JSON.stringify(buildSarifLog(result, options), null, 2)}\n`;
}

export function buildSarifLog(result: ScanResult, options: SarifOptions): Log {
  const ruleIndex = new Map(result.rules.map((rule, index) => [rule.id, index]));
  const findings = options.includeSuppressed
    ? result.findings
    : result.findings.filter((finding) => finding.suppression === undefined);

  const links = options.packageLinks ?? trustscanPackageLinks();
  const informationUri = repositoryWebUrl(links)?.url ?? FALLBACK_INFORMATION_URI;
  const docsUrl = (ruleId: string) => ruleDocsUrlFor(links, ruleId);
  const run: Run = {
    tool: {
      driver: {
        name: 'trustscan',
        version: result.tool.version,
        semanticVersion: result.tool.version,
        informationUri,
        rules: result.rules.map((rule) => ruleDescriptor(rule, docsUrl(rule.id))),
      },
    },
    originalUriBaseIds: {
      [SRCROOT]: {
        description: { text: 'The directory trustscan scanned; every result uri is relative to it.' },
      },
    },
    ...(options.versionControl ? { versionControlProvenance: [versionControlDetails(options.versionControl)] } : {}),
    columnKind: 'utf16CodeUnits',
    results: findings.map((finding) => resultFor(finding, ruleIndex.get(finding.ruleId), options.includeSuppressed)),
    properties: {
      scanEvidence: {
        description:
          'This run is itself evidence of vulnerability scanning (SOC 2 CC7.1) and of testing changes (CC8.1), PCI DSS 6.2.4 and GDPR Art. 32(1)(d).',
        controls: controlRefsCopy(SCAN_EVIDENCE_CONTROLS),
      },
    },
  };

  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] };
}

function versionControlDetails(versionControl: SarifVersionControl): NonNullable<Run['versionControlProvenance']>[number] {
  return {
    repositoryUri: versionControl.repositoryUri,
    ...(versionControl.revisionId ? { revisionId: versionControl.revisionId } : {}),
    ...(versionControl.branch ? { branch: versionControl.branch } : {}),
    ...(versionControl.rootIsRepositoryRoot ? { mappedTo: { uriBaseId: SRCROOT } } : {}),
  };
}

function ruleDescriptor(rule: RuleMeta, helpUri: string | undefined): ReportingDescriptor {
  return {
    id: rule.id,
    name: ruleName(rule),
    shortDescription: { text: sentence(rule.title) },
    fullDescription: { text: truncate(sentence(rule.docs.description), MAX_FULL_DESCRIPTION) },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    ...(helpUri ? { helpUri } : {}),
    help: { text: helpText(rule), markdown: helpMarkdown(rule, helpUri) },
    properties: {
      tags: ruleTags(rule.controls),
      precision: rule.confidence,
      'security-severity': SECURITY_SEVERITY[rule.severity],
    },
  };
}

/**
 * `security` first so GitHub files the rule under security alerts; then SOC 2 criteria as
 * `soc2/CC6.1` (a namespace prefix like CodeQL's `external/cwe/...`, readable as a filter chip);
 * then CWE exactly as CodeQL writes them (`external/cwe/cwe-089`, zero-padded to three digits) so
 * alerts group with CodeQL's; then the other frameworks. Capped at GitHub's 20 tags per rule.
 */
export function ruleTags(controls: ControlRefs): string[] {
  const tags = [
    'security',
    ...controls.soc2.map((id) => `soc2/${id}`),
    ...controls.cwe.map(cweTag),
    ...controls.owaspApi.map((id) => `owasp-api/${id}`),
    ...controls.pciDss.map((id) => `pci-dss/${id}`),
    ...controls.hipaa.map((id) => `hipaa/${id}`),
    ...controls.gdpr.map((id) => `gdpr/${id.replace(/\s+/g, '')}`),
  ];
  return [...new Set(tags)].slice(0, MAX_TAGS);
}

function cweTag(id: string): string {
  const number = id.replace(/^CWE-/i, '');
  return `external/cwe/cwe-${number.padStart(3, '0')}`;
}

function resultFor(finding: Finding, ruleIndex: number | undefined, withSuppressions: boolean): Result {
  const sarifResult: Result = {
    ruleId: finding.ruleId,
    ...(ruleIndex === undefined ? {} : { ruleIndex }),
    level: LEVEL[finding.severity],
    message: { text: resultMessage(finding) },
    locations: [primaryLocation(finding)],
    partialFingerprints: {
      primaryLocationLineHash: finding.lineHash,
      'trustscanFingerprint/v2': finding.fingerprint,
    },
  };
  if (finding.baselineState) sarifResult.baselineState = finding.baselineState;
  if (finding.trace.length > 0) sarifResult.codeFlows = [codeFlow(finding.trace)];
  const related = relatedLocations(finding);
  if (related.length > 0) sarifResult.relatedLocations = related;
  if (withSuppressions) {
    sarifResult.suppressions = finding.suppression
      ? [{ kind: finding.suppression.kind, justification: finding.suppression.justification }]
      : [];
  }
  sarifResult.properties = {
    severity: finding.severity,
    confidence: finding.confidence,
    soc2: [...finding.controls.soc2],
    ...(finding.route ? { route: entryName(finding.route) } : {}),
  };
  return sarifResult;
}

/** GitHub shows the first sentence as the alert title, so the finding's own message leads. */
function resultMessage(finding: Finding): string {
  const parts = [sentence(finding.message)];
  if (finding.route) parts.push(`Route: ${entryName(finding.route)}.`);
  if (finding.controls.soc2.length > 0) parts.push(`SOC 2: ${finding.controls.soc2.join(', ')}.`);
  return parts.join(' ');
}

function primaryLocation(finding: Finding): Location {
  const region: Region = {
    startLine: finding.line,
    startColumn: finding.column,
    endLine: finding.endLine,
    endColumn: finding.endColumn,
  };
  const snippet = regionSnippet(finding);
  if (snippet !== undefined) region.snippet = { text: snippet };
  const physicalLocation: PhysicalLocation = {
    artifactLocation: { uri: encodePath(finding.file), uriBaseId: SRCROOT },
    region,
  };
  const context = contextRegion(finding);
  if (context) physicalLocation.contextRegion = context;
  return { physicalLocation };
}

/**
 * Snippets come from the finding's code frame, which the engine has already masked, so a found
 * secret never reaches the SARIF file; that is also why a snippet may differ from the file.
 */
function regionSnippet(finding: Finding): string | undefined {
  const lines: string[] = [];
  for (let line = finding.line; line <= finding.endLine; line++) {
    const frameLine = finding.codeFrame.find((candidate) => candidate.line === line);
    if (!frameLine) return undefined;
    const from = line === finding.line ? finding.column - 1 : 0;
    const to = line === finding.endLine ? finding.endColumn - 1 : frameLine.text.length;
    lines.push(frameLine.text.slice(from, to));
  }
  const text = lines.join('\n');
  return text.length > 0 ? text : undefined;
}

/** The whole code-frame lines around the finding (SARIF wants a context region to contain the region). */
function contextRegion(finding: Finding): Region | undefined {
  const frame = [...finding.codeFrame].sort((a, b) => a.line - b.line);
  const first = frame[0];
  const last = frame[frame.length - 1];
  if (!first || !last || first.line > finding.line || last.line < finding.endLine) return undefined;
  for (let index = 1; index < frame.length; index++) {
    if (frame[index]!.line !== frame[index - 1]!.line + 1) return undefined;
  }
  return {
    startLine: first.line,
    endLine: last.line,
    snippet: { text: frame.map((frameLine) => frameLine.text).join('\n') },
  };
}

/**
 * The trace's other places (the route, the request source, the calls that carried the value), once
 * each: viewers list them beside the result even where code flows are not shown.
 */
function relatedLocations(finding: Finding): Location[] {
  const seen = new Set([`${finding.file}:${finding.line}`]);
  const locations: Location[] = [];
  for (const step of finding.trace) {
    const key = `${step.file}:${step.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    locations.push({
      id: locations.length,
      physicalLocation: { artifactLocation: { uri: encodePath(step.file), uriBaseId: SRCROOT }, region: { startLine: step.line, startColumn: step.column } },
      message: { text: sentence(step.message) },
    });
  }
  return locations;
}

function codeFlow(trace: TraceStep[]): CodeFlow {
  const locations: ThreadFlowLocation[] = trace.map((step) => ({
    location: {
      physicalLocation: {
        artifactLocation: { uri: encodePath(step.file), uriBaseId: SRCROOT },
        region: { startLine: step.line, startColumn: step.column },
      },
      message: { text: sentence(step.message) },
    },
  }));
  return { threadFlows: [{ locations }] };
}

function helpText(rule: RuleMeta): string {
  const lines = [sentence(rule.docs.description), '', `Remediation: ${sentence(rule.docs.remediation)}`, '', 'Controls:'];
  for (const kind of CONTROL_KINDS) {
    const ids = rule.controls[kind];
    if (ids.length === 0) continue;
    lines.push(`  ${CONTROL_KIND_LABELS[kind]}: ${ids.map((id) => withTitle(kind, id)).join('; ')}`);
  }
  return lines.join('\n');
}

function helpMarkdown(rule: RuleMeta, docsUrl: string | undefined): string {
  const lines = [
    `# ${rule.title}`,
    '',
    sentence(rule.docs.description),
    '',
    '## Remediation',
    '',
    sentence(rule.docs.remediation),
    '',
    '## Controls',
    '',
    '| Framework | Control | Title |',
    '|---|---|---|',
  ];
  for (const kind of CONTROL_KINDS) {
    for (const id of rule.controls[kind]) {
      const title = controlTitle(kind, id) ?? '';
      lines.push(`| ${CONTROL_KIND_LABELS[kind]} | ${escapeTableCell(id)} | ${escapeTableCell(title)} |`);
    }
  }
  if (docsUrl) lines.push('', `[Rule documentation](${docsUrl})`);
  return lines.join('\n');
}

function withTitle(kind: keyof ControlRefs, id: string): string {
  const title = controlTitle(kind, id);
  return title ? `${id} (${title})` : id;
}

function controlRefsCopy(refs: Readonly<ControlRefs>): ControlRefs {
  return {
    soc2: [...refs.soc2],
    owaspApi: [...refs.owaspApi],
    cwe: [...refs.cwe],
    pciDss: [...refs.pciDss],
    hipaa: [...refs.hipaa],
    gdpr: [...refs.gdpr],
  };
}

/**
 * The rule's friendly name. The Multitool (SARIF2012) wants it to differ from the id, which a
 * one-word id such as `ssrf` would not (`Ssrf`); those take the PascalCase of their title.
 */
export function ruleName(rule: { id: string; title: string }): string {
  const fromId = pascalCase(rule.id);
  return fromId.toLowerCase() === rule.id.replace(/[^A-Za-z0-9]/g, '').toLowerCase() && !rule.id.includes('-') ? pascalCase(rule.title) : fromId;
}

export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/** SARIF asks that plain-text messages be complete sentences ending with a period (SARIF2001). */
function sentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length === 0) return trimmed;
  return /[.!?]["')\]]*$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Relative posix path -> relative URI reference (percent-encodes spaces, `#`, `?` and friends). */
function encodePath(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

function escapeTableCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
