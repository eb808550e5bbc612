/**
 * The contract between the engine and the rules: what a rule is and what it may read. It lives in
 * the engine because it exposes the engine's analyses (module index, routes, dataflow, object
 * access, flows); rules import it, the engine implements it (run.ts), and src/types.ts stays a leaf.
 */
import type { ExaminedItem, FileVisitor, ReportDescriptor, RuleMeta, RuleOptionType, ScannedSourceFile, ScannedTextFile, WholeProjectAnalysis } from '../types.js';
import type { ObjectAccessAnalysis } from './access/object-access.js';
import type { ModuleIndex } from './names/index.js';
import type { TrustscanConfig } from './config.js';
import type { DataflowEngine } from './dataflow/engine.js';
import type { FlowModel } from './flows/flow-model.js';
import type { Route } from './routes/route.js';
import type { CodeModels } from './models.js';

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
  /** The project's own sinks, sanitizers and loggers from config `models`, resolved (engine/models.ts matches calls to them). */
  readonly models: CodeModels;
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
   * Records one thing the rule judged (a route, a lookup, a flow step) and the outcome, reported or
   * not: the audit report's evidence that the control was tested and where it holds.
   */
  examined(item: ExaminedItem): void;
  /**
   * Runs `visit` on each item; an item that throws loses its file for this rule (all of the rule's
   * findings there, with a warning naming rule and file) and the loop goes on with the next item.
   * Whole-project loops (tainted calls, routes) use it so one hostile file cannot hide the others.
   */
  forEachIsolated<T>(items: Iterable<T>, fileOf: (item: T) => string, visit: (item: T) => void): void;
}

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
