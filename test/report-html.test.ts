/**
 * The HTML evidence report: self-contained (strict CSP, no script, no remote resource), every text
 * from scanned code escaped, deterministic; and in a real browser (Debian's chromium through
 * puppeteer-core): no console error or request, the criteria table, flow diagrams and the trend
 * chart present, a screenshot and a PDF produced.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EvidencePack } from '../src/report/pack-types.js';
import { formatReportHtml } from '../src/reporters/report-html.js';
import { runCli } from './helpers/cli.js';

const HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '</style><b>x</b>'];

async function demoPack(extra: string[] = []): Promise<EvidencePack> {
  const run = await runCli(['report', '-f', 'json', '--date', '2026-12-05', ...extra], { cwd: path.resolve('examples/demo') });
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as EvidencePack;
}

/** The demo's pack with a history of three earlier scans (the last one is this report). */
async function demoPackWithHistory(): Promise<EvidencePack> {
  const dir = mkdtempSync(path.join(tmpdir(), 'trustscan-history-'));
  const base = await demoPack();
  const older = (date: string, drop: number): EvidencePack => ({ ...base, reportDate: date, score: { ...base.score, overall: Math.max(0, base.score.overall - drop) }, findings: [...base.findings, { ...base.findings[0]!, fingerprint: `gone-${date}` }] });
  writeFileSync(path.join(dir, 'a.json'), JSON.stringify(older('2026-09-01T00:00:00.000Z', 0)));
  writeFileSync(path.join(dir, 'b.json'), JSON.stringify(older('2026-10-01T00:00:00.000Z', 0)));
  writeFileSync(path.join(dir, 'c.json'), JSON.stringify(older('2026-11-01T00:00:00.000Z', 0)));
  return demoPack(['--history', dir]);
}

function hostilePack(pack: EvidencePack): EvidencePack {
  const [script, attribute, style] = HOSTILE as [string, string, string];
  return {
    ...pack,
    project: { ...pack.project, name: script },
    findings: pack.findings.map((finding, index) => (index === 0 ? { ...finding, message: `${script} ${style}`, file: `src/${attribute}.ts`, route: `GET /${attribute}` } : finding)),
    flows: pack.flows.map((flow) => ({ ...flow, title: style, states: [...flow.states, script], transitions: [...flow.transitions, { from: [script], to: attribute, route: `POST /${style}`, file: 'x.ts', line: 1, guarded: false, creates: false }] })),
  };
}

describe('HTML evidence report', () => {
  it('is self-contained: a strict CSP, no script, no remote resource, one file', async () => {
    const page = formatReportHtml(await demoPack());
    expect(page).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;;/);
    expect(page).not.toMatch(/<script|<link|<iframe|@import|url\((?!#)/i);
    expect(page).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    expect(page).toContain('<h2>SOC 2 (TSC 2017)</h2>');
    expect(page).toMatch(/<span class="status fail">FAIL<\/span>/);
    expect(page).toMatch(/<span class="status nt">NOT TESTED<\/span>/);
    expect(page).toContain('<svg class="flow-diagram"');
  });

  it('escapes every text from scanned code (messages, files, routes, flow states) and is deterministic', async () => {
    const pack = hostilePack(await demoPack());
    const page = formatReportHtml(pack);
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('<img');
    expect(page).not.toContain('</style><b>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(formatReportHtml(pack)).toBe(page);
  });
});

const chromium = (() => {
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      // try the next name
    }
  }
  return undefined;
})();
// On a laptop without chromium the browser test is skipped; in CI (.ci/run installs it) it must run.
const browserTest = chromium || process.env.CI ? it : it.skip;

describe('HTML evidence report in a real browser', () => {
  browserTest('renders without errors or requests; has the criteria table, flow diagrams and trend chart; prints to PNG and PDF', async () => {
    expect(chromium, 'chromium is not installed (Debian package "chromium"; .ci/run installs it)').toBeDefined();
    const { default: puppeteer } = await import('puppeteer-core');
    const dir = mkdtempSync(path.join(tmpdir(), 'trustscan-report-'));
    const file = path.join(dir, 'report.html');
    writeFileSync(file, formatReportHtml(await demoPackWithHistory()));
    const browser = await puppeteer.launch({ executablePath: chromium!, args: ['--no-sandbox', '--headless=new', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warn') problems.push(`console ${message.type()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${String(error)}`));
      page.on('request', (request) => {
        if (!request.url().startsWith('file:')) problems.push(`request: ${request.url()}`);
      });
      page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`));
      await page.setViewport({ width: 1200, height: 900 });
      await page.goto(`file://${file}`, { waitUntil: 'load' });
      const facts = await page.evaluate(() => ({
        criteriaRows: document.querySelectorAll('#soc2 table.criteria tbody tr').length,
        flowDiagrams: document.querySelectorAll('svg.flow-diagram').length,
        flowStates: document.querySelectorAll('svg.flow-diagram g.state').length,
        trendPoints: document.querySelectorAll('svg.trend-chart circle').length,
        scripts: document.scripts.length,
      }));
      expect(facts.criteriaRows).toBeGreaterThanOrEqual(10);
      expect(facts.flowDiagrams).toBeGreaterThanOrEqual(1);
      expect(facts.flowStates).toBeGreaterThanOrEqual(3);
      expect(facts.trendPoints).toBe(4);
      expect(facts.scripts).toBe(0);
      const png = path.join(dir, 'report.png');
      const pdf = path.join(dir, 'report.pdf');
      await page.screenshot({ path: png, fullPage: true });
      await page.pdf({ path: pdf, format: 'A4', printBackground: true });
      expect(statSync(png).size).toBeGreaterThan(20_000);
      expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
      expect(statSync(pdf).size).toBeGreaterThan(20_000);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
