/**
 * The posture score, 0-100, overall and per criterion. Version 1:
 *
 *   score = round(100 / (1 + 4 * W / N))
 *
 * W: the severity weights of the open findings (critical 10, high 5, medium 2, low 1), each finding
 *    once; suppressed findings are exceptions, listed but not counted.
 * N: the entry points inventoried (at least 1), so a bigger API is not penalised for its size: one
 *    critical finding costs a 10-route API more than a 500-route one.
 *
 * 100 means no open finding. One critical finding in 100 entry points gives 71; in 10, 20. A change
 * of formula bumps SCORE_VERSION, and the history compares only scores of the same version.
 */
import type { Severity } from '../types.js';

export const SCORE_VERSION = 1;

export const SEVERITY_WEIGHTS: Readonly<Record<Severity, number>> = { critical: 10, high: 5, medium: 2, low: 1 };

const STEEPNESS = 4;

export const SCORE_FORMULA =
  'score = round(100 / (1 + 4 * W / N)); W = sum of severity weights of open findings (critical 10, high 5, medium 2, low 1; suppressed findings not counted); N = entry points inventoried (at least 1)';

export function scoreFindings(findings: ReadonlyArray<{ severity: Severity }>, units: number): number {
  const weight = findings.reduce((sum, finding) => sum + SEVERITY_WEIGHTS[finding.severity], 0);
  return Math.round(100 / (1 + (STEEPNESS * weight) / Math.max(1, units)));
}
