/**
 * The shared vocabulary of a scan. Data flows one way:
 * files -> project -> rules (RuleContext.report) -> findings (Finding) -> ScanResult -> reporters.
 * A leaf: it imports nothing of the engine (the rule contract, which exposes engine analyses, is
 * engine/rule-api.ts), so every layer can use it without an import cycle.
 */
import type { ts } from '#typescript';

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CONFIDENCES = ['high', 'medium', 'low'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

/** Higher is more severe; used for --fail-on and --severity comparisons. */
export const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1 };

/** Control references a rule (and so each of its findings) maps to. Ids must exist in src/controls. */
export interface ControlRefs {
  /** AICPA 2017 Trust Services Criteria ids, primary first, e.g. "CC6.1". */
  soc2: string[];
  /** OWASP API Security Top 10 2023 ids, e.g. "API1:2023". Empty when the weakness is not in that list. */
  owaspApi: string[];
  /** e.g. "CWE-798". */
  cwe: string[];
  /** PCI DSS v4.0 requirement ids, e.g. "8.6.2". */
  pciDss: string[];
  /** HIPAA Security Rule 45 CFR 164.312 paragraphs, e.g. "164.312(d)". */
  hipaa: string[];
  /** GDPR article references, e.g. "Art. 32(1)(b)". */
  gdpr: string[];
}

export interface RuleMeta {
  /** kebab-case; equals the file name under src/rules, the SARIF ruleId and the docs slug. */
  id: string;
  /** A short sentence naming the weakness, e.g. "Hardcoded secret in source". */
  title: string;
  /** Default severity; a finding may raise or lower it, config may override it. */
  severity: Severity;
  confidence: Confidence;
  controls: ControlRefs;
  docs: {
    /** One line: what the rule finds. */
    description: string;
    /** One line: how to fix a finding. */
    remediation: string;
  };
}

/** A file the rules may read that is not TypeScript/JavaScript (.env*, JSON, YAML, Prisma schemas, netlify.toml, view templates). */
export interface ScannedTextFile {
  /** posix, relative to the scan root */
  path: string;
  /** `toml` is netlify.toml only: it names a Netlify site's functions folder. `graphql`: schema files (SDL). */
  kind: 'env' | 'json' | 'yaml' | 'prisma' | 'toml' | 'template' | 'graphql';
  text: string;
}

export interface ScannedSourceFile {
  /** posix, relative to the scan root */
  path: string;
  /** The parsed file (parent pointers set); never type-checked. */
  sourceFile: ts.SourceFile;
  /** The file text exactly as read (BOM stripped); offsets in reports index into it. */
  text: string;
  /** Read from outside the scanned paths for evidence only (an imported monorepo package); never reported in. */
  outsideScan?: true;
}

/**
 * What a client calls: an HTTP route, a GraphQL operation or field, a tRPC procedure, a
 * serverless function behind an API gateway, a server action, or a WebSocket message (whose
 * handler the dataflow runs from; its connection's authentication is not judged yet). Every stage
 * treats them alike; only the name differs.
 */
export const ENTRY_KINDS = ['http', 'graphql', 'trpc', 'lambda', 'action', 'websocket'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** The route a finding is about. `kind` is absent for HTTP routes. */
export interface RouteRef {
  kind?: Exclude<EntryKind, 'http'>;
  /** HTTP method, or the GraphQL/tRPC operation (QUERY, MUTATION, SUBSCRIPTION, FIELD). */
  method: string;
  path: string;
}

/**
 * How an entry point is named in messages, the inventory and config: `GET /orders/:id`,
 * `QUERY order`, `FIELD User.invoices`, `TRPC order.cancel`, `LAMBDA POST /orders/{id}`, `WS order:create`.
 */
export function entryName(entry: { kind?: EntryKind | undefined; method: string; path: string }): string {
  switch (entry.kind) {
    case 'trpc':
      return `TRPC ${entry.path}`;
    case 'lambda':
      return `LAMBDA ${entry.method} ${entry.path}`;
    case 'action':
      return `ACTION ${entry.path}`;
    case 'websocket':
      return `WS ${entry.path}`;
    default:
      return `${entry.method} ${entry.path}`;
  }
}

/** The reference a finding carries for a route (HTTP routes keep the two-field shape). */
export function routeRef(route: RouteRef): RouteRef {
  return route.kind ? { kind: route.kind, method: route.method, path: route.path } : { method: route.method, path: route.path };
}

export interface TraceStep {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** What a rule hands to ctx.report. Offsets are UTF-16 code unit offsets into the file's text. */
export interface ReportDescriptor {
  /** posix path relative to the scan root, as given in ctx.sourceFiles / ctx.textFiles */
  file: string;
  start: number;
  end: number;
  message: string;
  /** Overrides the rule's default severity for this finding (e.g. a weaker secret shape). */
  severity?: Severity;
  confidence?: Confidence;
  trace?: TraceStep[];
  route?: RouteRef;
  remediation?: string;
  /**
   * Offset ranges in the same file whose characters must never be printed (a found secret).
   * The engine masks them in every code frame and snippet it stores on the finding.
   */
  redact?: Array<{ start: number; end: number }>;
}

/** A handler of one node kind, called during the engine's single walk of each file. */
export type NodeHandler = (node: ts.Node, file: ScannedSourceFile) => void;

/**
 * What a rule does per file, in the ESLint model: the engine walks every file once, in document
 * order (parents before children), and calls each rule's handlers for the node kinds it asked for.
 * A handler that throws loses that file for that rule only.
 */
export interface FileVisitor {
  /** Before the walk of a source file; returning false skips the file for this rule (a cheap text prefilter). */
  enterSourceFile?(file: ScannedSourceFile): boolean | void;
  /** Handlers keyed by ts.SyntaxKind. */
  nodes?: Partial<Record<ts.SyntaxKind, NodeHandler>>;
  /** After the walk: judge what the handlers gathered. */
  exitSourceFile?(file: ScannedSourceFile): void;
  /** Each .env, JSON, YAML and Prisma file. */
  textFile?(file: ScannedTextFile): void;
}

export const WHOLE_PROJECT_ANALYSES = ['routes', 'dataflow', 'objectAccess', 'flows'] as const;
export type WholeProjectAnalysis = (typeof WHOLE_PROJECT_ANALYSES)[number];

/** The type of one rule option; config values are checked against it before any rule runs. */
export type RuleOptionType = 'string' | 'string[]' | 'boolean' | 'number';

export interface Suppression {
  kind: 'inSource';
  justification: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  confidence: Confidence;
  message: string;
  file: string;
  /** 1-based */
  line: number;
  /** 1-based, UTF-16 code units */
  column: number;
  endLine: number;
  /** 1-based, exclusive (the column after the last character), UTF-16 code units */
  endColumn: number;
  route?: RouteRef;
  controls: ControlRefs;
  trace: TraceStep[];
  /** sha256-based, stable across unrelated edits: rule + file + normalized flagged line (+ occurrence). */
  fingerprint: string;
  /** github/codeql-action primaryLocationLineHash of the finding's first line ("hex:occurrence"). */
  lineHash: string;
  remediation: string;
  /** Up to 3 lines around the finding, secrets masked; `line` is 1-based. */
  codeFrame: Array<{ line: number; text: string }>;
  /**
   * With `--baseline` only: `unchanged` when the baseline file holds this finding (it is listed and
   * counted but never fails `--fail-on`), `new` otherwise. SARIF `baselineState` says the same.
   */
  baselineState?: 'new' | 'unchanged';
  suppression?: Suppression;
}

/**
 * One thing a rule examined and judged: the positive evidence an audit report shows beside the
 * findings ("131 routes authenticated, each with its evidence"). Rules that judge routes, lookups
 * or flow steps record every one they judge, whatever the outcome.
 */
export interface ExaminedItem {
  /** What kind of thing, singular: `entry point`, `object lookup`, `abuse-sensitive route`, `flow step`. */
  subject: string;
  /** Its name: `GET /orders/:id`, `Order by params.id in GET /orders/:id`. */
  name: string;
  file: string;
  line: number;
  /**
   * passed: the control is in place; exempt: out of the control's reach by design (a public
   * sign-in route); finding: reported; undetermined: the scan cannot tell (an opaque middleware).
   */
  outcome: 'passed' | 'exempt' | 'finding' | 'undetermined';
  /**
   * For an exemption, the kind it is, as the inventory names it (`public by design`): the report
   * counts exemptions by kind, so its sentence and the entry-point inventory use the same words.
   */
  exemption?: string;
  /** Why: the evidence of the control, the reason for the exemption, or what is missing. */
  evidence: string;
}

/** What one rule examined, in the order it judged. */
export interface RuleCoverage {
  ruleId: string;
  items: ExaminedItem[];
}

export interface ScanWarning {
  /** Machine-readable kind, e.g. "parse-error", "file-too-large", "unused-suppression". */
  code: string;
  message: string;
  file?: string;
  line?: number;
}

/** One finding as a baseline file records it: no code, no message, no secret text. */
export interface BaselineEntry {
  ruleId: string;
  file: string;
  fingerprint: string;
}

export interface BaselineComparison {
  /** The baseline file as given on the command line. */
  file: string;
  /** Findings the baseline holds (baselineState `unchanged`). */
  unchanged: number;
  /** Findings it does not (baselineState `new`). */
  new: number;
  /** Baseline entries of the rules this scan ran that no finding matched: fixed (or their file was not scanned). */
  fixed: BaselineEntry[];
}

export interface ChangedSinceScope {
  /** The ref as given (`origin/main`). */
  ref: string;
  /** The merge base of that ref and HEAD the lines are compared with. */
  mergeBase: string;
  /** Findings left out: nothing of them lies on a changed line and the merge base has them too. */
  hidden: number;
}

export interface ScanResult {
  /** Version of the JSON shape (schema/scan-result.schema.json), bumped on breaking changes. */
  schemaVersion: '1.0.0';
  tool: { name: 'trustscan'; version: string };
  /** Absolute path of the scan root is never stored (determinism); paths are relative to it. */
  rules: RuleMeta[];
  /** Sorted by file, line, column, ruleId. Includes suppressed findings (with `suppression`). */
  findings: Finding[];
  warnings: ScanWarning[];
  /**
   * What the rules that judge routes, lookups and flow steps examined (rules in id order): the
   * evidence pack's positive evidence. Not part of the scan JSON (schema/scan-result.schema.json).
   */
  coverage?: RuleCoverage[];
  /** With `--baseline` only: what the baseline file held and what of it this scan still finds. */
  baseline?: BaselineComparison;
  /** With `--changed-since` only: the lines the report is limited to, and what it left out. */
  changedSince?: ChangedSinceScope;
  stats: {
    filesScanned: number;
    linesScanned: number;
    filesSkipped: number;
    /** Files a rule or an engine pass failed on (each also a warning): that rule's findings there are missing. */
    analysisFailures: number;
    /** Only present when timing was asked for (it would break byte-identical output). */
    durationMs?: number;
    /**
     * Only present when timing was asked for: wall time of each phase. `rules` includes the time
     * rules spend waiting for `routes` and `dataflow`, which are computed on first use; the
     * routes and dataflow figures are those shares.
     */
    phaseMs?: { loadProject: number; routes: number; dataflow: number; rules: number } & Record<string, number>;
  };
}
