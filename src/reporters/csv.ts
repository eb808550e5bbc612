import { maskSecretsInLine } from '../engine/mask-secrets.js';
import type { Route } from '../engine/routes/route.js';
import { entryName, type Finding, type ScanResult } from '../types.js';
import { escapeControlCharactersExceptLineBreaks } from './terminal-text.js';

/**
 * CSV for spreadsheets (`scan --format csv`, `routes --format csv`): auditors work in Excel,
 * LibreOffice Calc and Google Sheets. RFC 4180: a header row, CRLF after every record, a field
 * quoted when it holds a delimiter, a quote or a line break, quotes inside doubled.
 *
 * Every text cell can come from scanned code, which is attacker-controlled (a pull request from a
 * fork names its files, routes and middleware as it likes), so each goes through csvCell:
 *
 * - Formula injection (CWE-1236). A spreadsheet evaluates a cell that starts with `=`, `+`, `-` or
 *   `@` as a formula (`=HYPERLINK(...)` exfiltrates neighbouring cells, `=cmd|'/c calc'!A1` runs a
 *   command through DDE); RFC 4180 quoting does not stop it, the importer unquotes first. OWASP's
 *   CSV Injection page (https://owasp.org/www-community/attacks/CSV_Injection) says no cell may
 *   begin with `=`, `+`, `-`, `@`, tab (0x09) or carriage return (0x0D), and that prepending a
 *   single quote makes the spreadsheet read the cell as text: we prepend `'` to such cells (OWASP
 *   ASVS 5.0 V1.2.10 also names NUL, which never leads here: it is escaped to `\x00` first).
 *   OWASP speaks of the first character only; we also neutralise a trigger behind leading
 *   whitespace (` =1+1`), since an importer that trims spaces (LibreOffice's "Trim spaces"
 *   import option) would otherwise see the `=` first. A trigger later in a cell is harmless: the
 *   cell does not start there, and quoting (below) keeps the cell whole.
 * - OWASP also warns that a separator inside the value can start a new cell in the middle of it.
 *   We quote every field holding a comma, and also a semicolon or a tab: Excel in locales whose
 *   list separator is `;` (German, French, ...) splits an unquoted `a;=1+1` into two cells, the
 *   second a formula. A quoted field stays one cell in every dialect.
 * - Control characters other than tab, CR and LF (ESC, C1 controls, bidi overrides) show as
 *   escapes (`\x1b`), as in the text reports: CSV printed to stdout lands on a terminal, and a
 *   cell's text should read in the order it is stored. Tab, CR and LF are data here (a file name
 *   may hold a newline): they stay, inside a quoted field, so the value round-trips.
 * - Secret-shaped values in code-derived text are masked as in every other format (finding
 *   messages are masked by the engine; evidence, names and paths here).
 *
 * Numbers the reporter writes itself (line, column) are not text from the scan and are written
 * as they are, so a spreadsheet still sorts them as numbers.
 *
 * Encoding: UTF-8 with a byte order mark. Excel for Windows opens a double-clicked .csv without a
 * BOM in the system's ANSI code page, so any non-ASCII path or message (`src/café.ts`) shows as
 * mojibake; with the BOM it reads UTF-8 (its own "CSV UTF-8" export writes one). LibreOffice,
 * Google Sheets and pandas accept the BOM; Python's csv module wants `encoding="utf-8-sig"`. The same bytes go to stdout and to `-o`, so `> report.csv` matches.
 */

const BOM = '\uFEFF';
const CRLF = '\r\n';

/** Cells that a spreadsheet would evaluate: a trigger first, or after leading whitespace. */
const FORMULA_START = /^(?:[=+\-@\t\r]|\s+[=+\-@])/;
/** Characters that make RFC 4180 quote a field, plus `;` and tab (other dialects' delimiters). */
const NEEDS_QUOTES = /[",;\t\r\n]/;

/**
 * The one encoder of a CSV cell, shared by the findings and the routes inventory. Strings are
 * untrusted text: control characters escaped (line breaks and tabs kept), formula triggers
 * neutralised with a leading apostrophe, then quoted as RFC 4180 asks. Numbers are our own and
 * written as they are; undefined is an empty cell.
 */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let text = escapeControlCharactersExceptLineBreaks(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole CSV document: BOM, header, one record per row, every record ending in CRLF. */
export function formatCsvTable(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | undefined>>): string {
  const record = (cells: ReadonlyArray<string | number | undefined>) => `${cells.map(csvCell).join(',')}${CRLF}`;
  return BOM + record(header) + rows.map(record).join('');
}

const LIST_SEPARATOR = '; ';

export const FINDINGS_CSV_COLUMNS = [
  'rule',
  'severity',
  'confidence',
  'file',
  'line',
  'column',
  'message',
  'route',
  'soc2',
  'owasp_api',
  'cwe',
  'fingerprint',
  'suppressed',
  'suppression_justification',
] as const;

/**
 * Pure: one record per finding of the result, in the JSON report's order (file, line, column,
 * rule), suppressed findings included and marked (an auditor reads every exception). No code
 * frames or traces: the message, location and route say what and where.
 */
export function formatFindingsCsv(result: ScanResult): string {
  return formatCsvTable(FINDINGS_CSV_COLUMNS, result.findings.map(findingRow));
}

function findingRow(finding: Finding): Array<string | number | undefined> {
  return [
    finding.ruleId,
    finding.severity,
    finding.confidence,
    finding.file,
    finding.line,
    finding.column,
    finding.message,
    finding.route && maskSecretsInLine(entryName(finding.route)),
    finding.controls.soc2.join(LIST_SEPARATOR),
    finding.controls.owaspApi.join(LIST_SEPARATOR),
    finding.controls.cwe.join(LIST_SEPARATOR),
    finding.fingerprint,
    finding.suppression ? 'true' : 'false',
    finding.suppression && maskSecretsInLine(finding.suppression.justification),
  ];
}

export const ROUTES_CSV_COLUMNS = [
  'kind',
  'method',
  'path',
  'file',
  'line',
  'column',
  'handler',
  'auth',
  'auth_evidence',
  'public_by_design',
  'caller',
  'principal',
  'role_guards',
  'rate_limits',
  'middleware',
  'object_access',
  'framework',
] as const;

/**
 * Pure: the routes inventory, one record per route, in the order of `routes --format json`
 * (entries arrive sorted). Handlers no route mounts are not routes and are left out, as from the
 * JSON `routes` array. Lists are joined with `; `; middleware is every step in execution order
 * as `name (kind)`, the role guards with the roles they check, the rate limits by name.
 */
export function formatRoutesCsv(entries: readonly Route[]): string {
  return formatCsvTable(ROUTES_CSV_COLUMNS, entries.filter((route) => !route.unmounted).map(routeRow));
}

function routeRow(route: Route): Array<string | number | undefined> {
  const list = (items: readonly string[]) => items.map(maskSecretsInLine).join(LIST_SEPARATOR);
  const middleware = route.middleware;
  return [
    route.kind ?? 'http',
    route.method,
    maskSecretsInLine(route.path),
    route.file,
    route.line,
    route.column,
    route.handler && maskSecretsInLine(route.handler.name),
    route.auth,
    list(route.authEvidence),
    route.publicByDesign && maskSecretsInLine(route.publicByDesign),
    route.caller,
    list(route.principal),
    list([...middleware.filter((m) => m.kind === 'role').map((m) => (m.roles?.length ? `${m.name} [${m.roles.join(', ')}]` : m.name)), ...(route.handlerRoleCheck ? [`in the handler: ${route.handlerRoleCheck}`] : [])]),
    list(middleware.filter((m) => m.kind === 'rate-limit').map((m) => m.name)),
    list(middleware.map((m) => `${m.name} (${m.kind})`)),
    list(
      (route.objectAccess ?? []).map(
        (access) => `${access.operation === 'write' ? 'writes' : 'reads'} ${access.model ? `${access.model} ` : ''}(${access.method}) by ${access.key} at ${access.file}:${access.line}: ${access.evidence}`,
      ),
    ),
    route.framework,
  ];
}
