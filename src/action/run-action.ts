/**
 * The GitHub Action (action.yml): runs `trustscan scan` on the inputs, then writes what a pull
 * request shows: `::error`/`::warning` annotations, a Markdown job summary and step outputs.
 * Everything it touches is injected, so tests run it with a fake GITHUB_* environment.
 *
 * Exit code: the scan's own, 0 clean, 1 new findings at or above fail-on, 2 anything else (a bad
 * input, a scan that failed, a SARIF file that is missing); never 1 for an error.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { annotation, outputEntry, pauseCommands } from './workflow-commands.js';
import { InputError, readInputs, scanArguments, type ActionInputs } from './inputs.js';
import { compareBySeverity, failsGate, readSarifFindings, type ReportedFinding } from './sarif-findings.js';
import { formatJobSummary } from './job-summary.js';
import { makeDirectories } from '../engine/make-directories.js';

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

/** Annotations written per run: GitHub shows 10 of each level per step; the rest stay in the log. */
export const ANNOTATION_LIMIT = 50;

export interface ActionIo {
  /** The runner's environment: INPUT_*, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_EVENT_NAME, GITHUB_BASE_REF. */
  env: Record<string, string | undefined>;
  /** The workspace (the runner starts a JavaScript action there). */
  cwd: string;
  stdout(text: string): void;
  /** Runs `trustscan <argv>` in `cwd` and resolves with its exit code. */
  runScanner(argv: string[]): Promise<number>;
}

export async function runAction(io: ActionIo): Promise<number> {
  let inputs: ActionInputs;
  try {
    inputs = readInputs(io.env);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.stdout(annotation('error', `trustscan: ${error.message}`, { title: 'trustscan' }));
    writeResults(io, { exitCode: EXIT_ERROR, summary: `## trustscan\n\n**The action could not start**: bad input (see the step log).\n` });
    return EXIT_ERROR;
  }

  const sarifPath = path.resolve(io.cwd, inputs.sarifFile);
  const paused = pauseCommands();
  io.stdout(paused.start);
  let scanExit: number;
  try {
    scanExit = await io.runScanner(scanArguments(inputs));
  } finally {
    io.stdout(paused.end);
  }

  const base = { failOn: inputs.failOn, sarifFile: inputs.sarifFile, ...(inputs.baseline ? { baseline: inputs.baseline } : {}), ...(inputs.changedSince ? { changedSince: inputs.changedSince } : {}) };
  if (scanExit !== EXIT_CLEAN && scanExit !== EXIT_FINDINGS) {
    const error = `trustscan scan exited with ${scanExit}; the step log above says why`;
    io.stdout(annotation('error', `trustscan: ${error}${inputs.changedSince ? ` (for --changed-since ${inputs.changedSince} the checkout needs the base branch: actions/checkout with fetch-depth: 0)` : ''}`, { title: 'trustscan' }));
    writeResults(io, { exitCode: EXIT_ERROR, sarifFile: inputs.sarifFile, summary: formatJobSummary({ ...base, exitCode: scanExit, findings: [], fixed: 0, error }) });
    return EXIT_ERROR;
  }

  let findings: ReportedFinding[];
  let fixed: number;
  try {
    ({ findings, fixed } = readSarifFindings(readFileSync(sarifPath, 'utf8')));
  } catch (error) {
    const message = `cannot read the SARIF report ${inputs.sarifFile}: ${(error as Error).message}`;
    io.stdout(annotation('error', `trustscan: ${message}`, { title: 'trustscan' }));
    writeResults(io, { exitCode: EXIT_ERROR, sarifFile: inputs.sarifFile, summary: formatJobSummary({ ...base, exitCode: EXIT_ERROR, findings: [], fixed: 0, error: message }) });
    return EXIT_ERROR;
  }

  const fresh = findings.filter((finding) => !finding.baseline).sort(compareBySeverity);
  for (const finding of fresh.slice(0, ANNOTATION_LIMIT)) {
    io.stdout(
      annotation(failsGate(finding, inputs.failOn) ? 'error' : 'warning', finding.message, {
        title: `trustscan ${finding.ruleId} (${finding.severity})`,
        file: finding.file,
        line: finding.line,
        endLine: finding.endLine,
        col: finding.column,
        // GitHub takes an end column only on a one-line annotation.
        ...(finding.endLine === finding.line ? { endColumn: finding.endColumn } : {}),
      }),
    );
  }
  if (fresh.length > ANNOTATION_LIMIT) io.stdout(annotation('notice', `trustscan: ${fresh.length - ANNOTATION_LIMIT} more new findings are in ${inputs.sarifFile} and the job summary`, { title: 'trustscan' }));

  writeResults(io, {
    exitCode: scanExit,
    sarifFile: inputs.sarifFile,
    newFindings: fresh.length,
    summary: formatJobSummary({ ...base, exitCode: scanExit, findings, fixed }),
  });
  return scanExit;
}

function writeResults(io: ActionIo, results: { exitCode: number; sarifFile?: string; newFindings?: number; summary: string }): void {
  const outputFile = io.env.GITHUB_OUTPUT;
  if (outputFile) {
    let entries = outputEntry('exit-code', String(results.exitCode));
    if (results.sarifFile !== undefined) entries += outputEntry('sarif-file', results.sarifFile);
    if (results.newFindings !== undefined) entries += outputEntry('new-findings', String(results.newFindings));
    appendTo(outputFile, entries);
  }
  const summaryFile = io.env.GITHUB_STEP_SUMMARY;
  if (summaryFile) appendTo(summaryFile, results.summary);
}

function appendTo(file: string, text: string): void {
  makeDirectories(path.dirname(file));
  appendFileSync(file, text);
}
