import type { ScanWarning } from '../types.js';

/** One `trustscan-ignore` comment, resolved to the line it silences. */
export interface SuppressionComment {
  file: string;
  /** 1-based line of the comment itself */
  commentLine: number;
  /** 1-based line whose findings it suppresses */
  targetLine: number;
  ruleIds: string[];
  reason: string;
  used: boolean;
}

// `//`, `/*` or `#` (for .env / YAML), then the directive, then rule ids, then `-- reason`.
const DIRECTIVE = /(?:\/\/|\/\*|#)\s*trustscan-ignore(-next-line)?(?![\w-])(.*)$/;

/**
 * Parses suppression comments of one file. A comment without a reason does not apply and
 * produces a warning: an audit trail needs to say why a control finding was accepted.
 */
export function parseSuppressions(
  file: string,
  text: string,
  knownRuleIds: readonly string[],
): { suppressions: SuppressionComment[]; warnings: ScanWarning[] } {
  const suppressions: SuppressionComment[] = [];
  const warnings: ScanWarning[] = [];
  if (!text.includes('trustscan-ignore')) return { suppressions, warnings };
  // CRLF, LF or a lone CR, as SourceText counts lines: a comment's line is the finding's line.
  const lines = text.split(/\r\n?|\n/);
  lines.forEach((lineText, index) => {
    const match = DIRECTIVE.exec(lineText);
    if (!match) return;
    const line = index + 1;
    const nextLine = match[1] !== undefined;
    const body = (match[2] ?? '').replace(/\*\/\s*$/, '');
    const separator = body.indexOf('--');
    const idsPart = separator === -1 ? body : body.slice(0, separator);
    const reason = separator === -1 ? '' : body.slice(separator + 2).trim();
    const ruleIds = idsPart
      .split(/[\s,]+/)
      .map((id) => id.trim())
      .filter(Boolean);
    const directive = nextLine ? 'trustscan-ignore-next-line' : 'trustscan-ignore';
    if (ruleIds.length === 0) {
      warnings.push({ code: 'invalid-suppression', message: `${file}:${line}: ${directive} names no rule id; it does not apply`, file, line });
      return;
    }
    const unknown = ruleIds.filter((id) => !knownRuleIds.includes(id));
    if (unknown.length > 0) {
      warnings.push({ code: 'invalid-suppression', message: `${file}:${line}: ${directive} names unknown rule ${unknown.join(', ')}`, file, line });
    }
    if (!reason) {
      warnings.push({
        code: 'suppression-without-reason',
        message: `${file}:${line}: ${directive} ${ruleIds.join(', ')} has no reason ("-- <why>"); it does not apply`,
        file,
        line,
      });
      return;
    }
    suppressions.push({ file, commentLine: line, targetLine: nextLine ? line + 1 : line, ruleIds, reason, used: false });
  });
  return { suppressions, warnings };
}
