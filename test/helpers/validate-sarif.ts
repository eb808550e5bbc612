import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SarifValidation {
  errors: string[];
  warnings: string[];
  notes: string[];
}

interface ValidatorResult {
  ruleId?: string;
  level?: string;
  message?: { text?: string; id?: string; arguments?: string[] };
  locations?: Array<{ physicalLocation?: { region?: { startLine?: number } } }>;
}

/**
 * Runs Microsoft's SARIF Multitool (`validate --rule-kind Sarif;Gh`: the JSON schema, the SARIF
 * spec rules and GitHub's ingestion rules GH1xxx) on `sarifText` and returns its findings as
 * readable lines. Notes are reported separately because the Multitool's notes are advice only.
 */
export function validateSarif(sarifText: string): SarifValidation {
  const bin = createRequire(import.meta.url)('@microsoft/sarif-multitool') as string;
  const dir = mkdtempSync(join(tmpdir(), 'trustscan-sarif-'));
  try {
    const input = join(dir, 'input.sarif');
    const output = join(dir, 'validation.sarif');
    writeFileSync(input, sarifText);
    const run = spawnSync(
      bin,
      ['validate', input, '--rule-kind', 'Sarif;Gh', '--level', 'Error;Warning;Note', '-o', output, '--log', 'ForceOverwrite'],
      { encoding: 'utf8', env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' } },
    );
    let log: ValidatorLog;
    try {
      log = JSON.parse(readFileSync(output, 'utf8'));
    } catch {
      throw new Error(`sarif-multitool produced no report (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
    }
    const validation: SarifValidation = { errors: [], warnings: [], notes: [] };
    const rules = log.runs?.[0]?.tool?.driver?.rules ?? [];
    for (const result of log.runs?.[0]?.results ?? []) {
      const line = result.locations?.[0]?.physicalLocation?.region?.startLine;
      const rule = rules.find((candidate) => candidate.id === result.ruleId);
      const name = rule?.name ? `/${rule.name}` : '';
      const text = `${result.ruleId ?? '?'}${name}${line === undefined ? '' : ` (line ${line})`}: ${formatMessage(result.message, rule)}`;
      if (result.level === 'error' || result.level === undefined) validation.errors.push(text);
      else if (result.level === 'warning') validation.warnings.push(text);
      else validation.notes.push(text);
    }
    for (const notification of log.runs?.[0]?.invocations?.[0]?.toolExecutionNotifications ?? []) {
      validation.errors.push(`tool: ${notification.message?.text ?? JSON.stringify(notification)}`);
    }
    return validation;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface ValidatorRule {
  id: string;
  name?: string;
  messageStrings?: Record<string, { text?: string }>;
}

interface ValidatorLog {
  runs?: Array<{
    tool?: { driver?: { rules?: ValidatorRule[] } };
    results?: ValidatorResult[];
    invocations?: Array<{ toolExecutionNotifications?: Array<{ message?: { text?: string } }> }>;
  }>;
}

/** The Multitool writes message ids plus arguments; fill the rule's template to get readable text. */
function formatMessage(message: ValidatorResult['message'], rule: ValidatorRule | undefined): string {
  if (!message) return '';
  if (message.text) return message.text;
  const args = message.arguments ?? [];
  const template = message.id ? rule?.messageStrings?.[message.id]?.text : undefined;
  if (!template) return `${message.id ?? ''} ${JSON.stringify(args)}`;
  return template.replace(/\{(\d+)\}/g, (whole, index: string) => args[Number(index)] ?? whole);
}
