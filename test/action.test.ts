/**
 * The GitHub Action's script (src/action) with a fake runner: INPUT_* variables, GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files in a temp folder, the scan run in-process by the CLI's main().
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { changedSinceFor, parsePaths, readInputs, scanArguments } from '../src/action/inputs.js';
import { escapeMarkdown } from '../src/action/job-summary.js';
import { runAction } from '../src/action/run-action.js';
import { annotation, escapeCommandData, escapeCommandProperty, outputEntry } from '../src/action/workflow-commands.js';
import { makeProject } from './helpers/cli.js';

const STRIPE_KEY = 'sk_live_9fQ2mXz7LkP4wR8tYv1Nb6Hc3Jd5';
const runnerFolders: string[] = [];
afterAll(() => {
  for (const folder of runnerFolders) rmSync(folder, { recursive: true, force: true });
});

/** Runs the action in `cwd` as the runner would, with `inputs` as INPUT_* variables. */
async function runFakeAction(cwd: string, inputs: Record<string, string>, extraEnv: Record<string, string> = {}) {
  const runner = mkdtempSync(path.join(tmpdir(), 'trustscan-runner-'));
  runnerFolders.push(runner);
  const env: Record<string, string> = {
    GITHUB_OUTPUT: path.join(runner, 'output'),
    GITHUB_STEP_SUMMARY: path.join(runner, 'summary.md'),
    GITHUB_EVENT_NAME: 'push',
    ...extraEnv,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  let stdout = '';
  let scannerLog = '';
  const scans: string[][] = [];
  const code = await runAction({
    env,
    cwd,
    stdout: (text) => {
      stdout += text;
    },
    runScanner: (argv) => {
      scans.push(argv);
      const write = (text: string) => {
        scannerLog += text;
        stdout += text;
      };
      return main(argv, { stdout: write, stderr: write, cwd, env: {}, stdoutIsTTY: false, stderrIsTTY: false });
    },
  });
  const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  return { code, stdout, scannerLog, scans, output: read(env.GITHUB_OUTPUT!), summary: read(env.GITHUB_STEP_SUMMARY!) };
}

/** $GITHUB_OUTPUT's `name<<DELIM ... DELIM` entries, as the runner reads them. */
function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[index]!);
    if (!match) continue;
    const end = lines.indexOf(match[2]!, index + 1);
    outputs[match[1]!] = lines.slice(index + 1, end).join('\n');
    index = end;
  }
  return outputs;
}

describe('workflow commands', () => {
  it('escapes %, CR and LF in messages, and also : and , in properties', () => {
    expect(escapeCommandData('100% done\r\n::warning::x')).toBe('100%25 done%0D%0A::warning::x');
    expect(escapeCommandProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
    const line = annotation('error', 'bad\n::add-mask::x', { file: 'src/a,line=9:x.ts', line: 3, title: 'T' });
    expect(line).toBe('::error file=src/a%2Cline=9%3Ax.ts,line=3,title=T::bad%0A::add-mask::x\n');
    expect(line.trimEnd().split('\n')).toHaveLength(1);
  });

  it('writes outputs in the delimiter form, refusing a value that holds its delimiter', () => {
    expect(outputEntry('sarif-file', 'a\nb=c', 'DELIM')).toBe('sarif-file<<DELIM\na\nb=c\nDELIM\n');
    expect(() => outputEntry('x', 'one\nDELIM\ntwo', 'DELIM')).toThrow(/delimiter/);
    const random = outputEntry('x', 'v');
    expect(random).toMatch(/^x<<ghadelimiter_[0-9a-f]{32}\nv\nghadelimiter_[0-9a-f]{32}\n$/);
  });

  it('escapes Markdown so scanned text stays text', () => {
    expect(escapeMarkdown('[x](https://evil) <img src=x> | `a` *b*\n# h')).toBe('\\[x\\]\\(https\\://evil\\) &lt;img src=x&gt; \\| \\`a\\` \\*b\\* \\# h');
  });
});

describe('action inputs', () => {
  it('takes paths one per line, quotes and spaces included, and puts them after --', () => {
    expect(parsePaths(' src \n\n"my app"/api\r\n-weird\n')).toEqual(['src', '"my app"/api', '-weird']);
    expect(parsePaths('')).toEqual(['.']);
    const inputs = readInputs({ INPUT_PATHS: "it's here\n-rf", 'INPUT_FAIL-ON': 'medium', INPUT_BASELINE: '.trustscan-baseline.json', INPUT_CONFIG: 'ci/trustscan.json' });
    expect(scanArguments(inputs)).toEqual(['scan', '--format', 'sarif', '--output', 'trustscan.sarif', '--fail-on', 'medium', '--baseline', '.trustscan-baseline.json', '--config', 'ci/trustscan.json', '--', "it's here", '-rf']);
  });

  it('defaults changed-since to the pull request base, and none turns it off', () => {
    const pr = { GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: 'main' };
    expect(changedSinceFor('', pr)).toBe('origin/main');
    expect(changedSinceFor('', { GITHUB_EVENT_NAME: 'push', GITHUB_BASE_REF: '' })).toBeUndefined();
    expect(changedSinceFor('v1.2.0', pr)).toBe('v1.2.0');
    expect(changedSinceFor('none', pr)).toBeUndefined();
    expect(scanArguments(readInputs(pr))).toEqual(['scan', '--format', 'sarif', '--output', 'trustscan.sarif', '--fail-on', 'high', '--changed-since', 'origin/main', '--', '.']);
  });
});

describe('the action with a fake runner', () => {
  it('scans, writes the SARIF, annotations, a job summary and outputs, and exits 1 on findings', async () => {
    const cwd = makeProject({ 'src/config.ts': `export const stripe = { apiKey: '${STRIPE_KEY}' };\n`, 'docs/readme.md': '# x\n' });
    const run = await runFakeAction(cwd, { paths: 'src', 'fail-on': 'high', 'sarif-file': 'reports/trustscan.sarif' });
    expect(run.code).toBe(1);
    const sarif = JSON.parse(readFileSync(path.join(cwd, 'reports/trustscan.sarif'), 'utf8'));
    expect(sarif.runs[0].results.map((result: { ruleId: string }) => result.ruleId)).toEqual(['hardcoded-secret']);
    expect(run.stdout).toMatch(/^::error file=src\/config\.ts,line=1,endLine=1,col=\d+,endColumn=\d+,title=trustscan hardcoded-secret \(critical\)::/m);
    // The secret is masked in the annotation, as in every report.
    expect(run.stdout).not.toContain(STRIPE_KEY);
    expect(parseOutputFile(run.output)).toEqual({ 'exit-code': '1', 'sarif-file': 'reports/trustscan.sarif', 'new-findings': '1' });
    expect(run.summary).toContain('**1 new finding at or above `high`** fail this check.');
    expect(run.summary).toContain('| critical | 1 | 0 |');
    expect(run.summary).toMatch(/\| critical \| hardcoded-secret \| src\/config\\\.ts\\:1 \| /);
    // The scanner's own log ran with workflow commands paused, by a random token.
    const pause = /::stop-commands::(trustscan-[0-9a-f]{32})\n/.exec(run.stdout);
    expect(pause).not.toBeNull();
    expect(run.stdout.indexOf(`::${pause![1]}::`)).toBeGreaterThan(run.stdout.indexOf(run.scannerLog));
  });

  it('exits 0 below the threshold, annotating the findings as warnings', async () => {
    const cwd = makeProject({ 'src/config.ts': `export const stripe = { apiKey: '${STRIPE_KEY}' };\n` });
    const run = await runFakeAction(cwd, { 'fail-on': 'none' });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^::warning file=src\/config\.ts,/m);
    expect(run.stdout).not.toMatch(/^::error/m);
    expect(parseOutputFile(run.output)['exit-code']).toBe('0');
    expect(run.summary).toContain('`fail-on: none` never fails the check');
  });

  it('escapes a hostile file name in annotations and the summary', async () => {
    const hostile = 'src/a,line=99::x%0A\n::add-mask::|[y](z).ts';
    const cwd = makeProject({ [hostile]: `export const stripe = { apiKey: '${STRIPE_KEY}' };\n` });
    const run = await runFakeAction(cwd, { paths: 'src' });
    expect(run.code).toBe(1);
    const annotations = run.stdout.slice(run.stdout.lastIndexOf('::trustscan-')).split('\n').slice(1).filter(Boolean);
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toMatch(/^::error file=src\/a%2Cline=99%3A%3Ax%250A%0A%3A%3Aadd-mask%3A%3A\|\[y\]\(z\)\.ts,line=1,/);
    expect(run.summary).toContain('src/a,line=99\\:\\:x%0A \\:\\:add\\-mask\\:\\:\\|\\[y\\]\\(z\\)\\.ts\\:1');
    expect(run.summary).not.toContain('](z)');
  });

  it('exits 2 on a bad input, with one error annotation and nothing scanned', async () => {
    const run = await runFakeAction(makeProject({ 'a.ts': 'export {};\n' }), { 'fail-on': 'urgent' });
    expect(run.code).toBe(2);
    expect(run.scans).toEqual([]);
    expect(run.stdout).toBe('::error title=trustscan::trustscan: input fail-on must be one of critical, high, medium, low, none, got "urgent"\n');
    expect(parseOutputFile(run.output)).toEqual({ 'exit-code': '2' });
  });

  it('exits 2, not 1, when the scan fails (a config error), and says so in the summary', async () => {
    const cwd = makeProject({ 'src/config.ts': `export const stripe = { apiKey: '${STRIPE_KEY}' };\n`, 'trustscan.config.json': '{"rulez": {}}' });
    const run = await runFakeAction(cwd, {});
    expect(run.code).toBe(2);
    expect(run.scannerLog).toMatch(/\$\.rulez: unknown key/);
    expect(run.stdout).toMatch(/^::error title=trustscan::trustscan: trustscan scan exited with 2/m);
    expect(parseOutputFile(run.output)).toEqual({ 'exit-code': '2', 'sarif-file': 'trustscan.sarif' });
    expect(run.summary).toContain('**The scan did not complete** (exit code 2)');
  });
});
