/**
 * The shared vocabulary of a scan. Data flows one way:
 * files -> project -> rules (RuleContext.report) -> findings (Finding) -> ScanResult -> reporters.
 */
import type { ts } from '#typescript';
import type { ModuleIndex } from './engine/ast/module-index.js';
import type { TrustscanConfig } from './engine/config.js';
import type { DataflowEngine } from './engine/dataflow/engine.js';
import type { ObjectAccessAnalysis } from './engine/access/object-access.js';
import type { FlowModel } from './engine/flows/flow-model.js';
import type { Route } from './engine/routes/route.js';

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

/** A file the rules may read that is not TypeScript/JavaScript (.env*, JSON, YAML). */
export interface ScannedTextFile {
  /** posix, relative to the scan root */
  path: string;
  kind: 'env' | 'json' | 'yaml' | 'prisma';
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
  route?: { method: string; path: string };
  remediation?: string;
  /**
   * Offset ranges in the same file whose characters must never be printed (a found secret).
   * The engine masks them in every code frame and snippet it stores on the finding.
   */
  redact?: Array<{ start: number; end: number }>;
}

export interface RuleContext {
  /** Sorted by path. */
  readonly sourceFiles: readonly ScannedSourceFile[];
  /** Sorted by path. */
  readonly textFiles: readonly ScannedTextFile[];
  /** The rule's `options` object from config (empty when none). */
  readonly options: Readonly<Record<string, unknown>>;
  /** The whole validated config (auth declarations and the like), read-only. */
  readonly config: Readonly<TrustscanConfig>;
  /** Imports and names resolved across the scanned files. */
  readonly modules: ModuleIndex;
  /** The route inventory of every framework found; computed on first use, shared by all rules. */
  readonly routes: readonly Route[];
  /** Taint analysis from the routes' handlers across files; computed on first use, shared by all rules. */
  readonly dataflow: DataflowEngine;
  /** Every lookup by a client-sent id on an authenticated route, judged; computed on first use, shared. */
  readonly objectAccess: ObjectAccessAnalysis;
  /** The business flows (stateful entities, sensitive steps and their guards); computed on first use, shared. */
  readonly flows: FlowModel;
  report(descriptor: ReportDescriptor): void;
  /**
   * Runs `visit` on each item; an item that throws loses its file for this rule (all of the rule's
   * findings there, with a warning naming rule and file) and the loop goes on with the next item.
   * Whole-project loops (tainted calls, routes) use it so one hostile file cannot hide the others.
   */
  forEachIsolated<T>(items: Iterable<T>, fileOf: (item: T) => string, visit: (item: T) => void): void;
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

export interface Rule {
  meta: RuleMeta;
  /** Options the rule reads from ctx.options; any other key in config is an error. */
  optionsSchema?: Record<string, RuleOptionType>;
  /**
   * True when the handlers create() returns read only the file they are called with (plus
   * ctx.options and ctx.config: no modules, routes or dataflow). The engine may then reuse the
   * rule's reports for a file whose content did not change (the scan cache).
   */
  fileLocal?: boolean;
  /**
   * The shared whole-project analyses the rule reads through ctx (route inventory, dataflow,
   * object access, flows). The engine schedules rules that read the costly ones together, so a
   * second thread never recomputes them; test/rules-registry.test.ts checks the list is true.
   */
  analyses?: readonly WholeProjectAnalysis[];
  /**
   * The per-file part, called once per scan before the walk; the returned handlers are called
   * during the engine's one walk of each file. Pure: reads ctx, calls ctx.report.
   */
  create?(ctx: RuleContext): FileVisitor;
  /**
   * The whole-project part (the route inventory, dataflow results), after every file's walk.
   * Pure: reads ctx, calls ctx.report; never prints, never touches the file system.
   */
  check?(ctx: RuleContext): void;
}

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
  route?: { method: string; path: string };
  controls: ControlRefs;
  trace: TraceStep[];
  /** sha256-based, stable across unrelated edits: rule + file + normalized flagged line (+ occurrence). */
  fingerprint: string;
  /** github/codeql-action primaryLocationLineHash of the finding's first line ("hex:occurrence"). */
  lineHash: string;
  remediation: string;
  /** Up to 3 lines around the finding, secrets masked; `line` is 1-based. */
  codeFrame: Array<{ line: number; text: string }>;
  suppression?: Suppression;
}

export interface ScanWarning {
  /** Machine-readable kind, e.g. "parse-error", "file-too-large", "unused-suppression". */
  code: string;
  message: string;
  file?: string;
  line?: number;
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
