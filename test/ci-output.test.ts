/**
 * Issue 16, items 5 and 6: the markdown and junit formats escape what they carry, SARIF links and
 * version control, and text output people can read (80 columns, frames cut around the match, docs
 * links, summarised warnings, colour, help, empty scans, -o folders).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Log } from 'sarif';
import { describe, expect, it } from 'vitest';
import { publicRepositoryUri, readOriginUrl } from '../src/engine/git-remote.js';
import { readGitState } from '../src/engine/git.js';
import { repositoryWebUrl, ruleDocsUrlFor } from '../src/reporters/rule-docs.js';
import { middlewareLabel } from '../src/reporters/routes.js';
import { makeProject, runCli } from './helpers/cli.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

// Scanned code is attacker-controlled: a file name and a route path full of Markdown, HTML and
// XML syntax, raw control characters (BEL, SOH, a bidi override) in the code, a backtick run.
const HOSTILE_FILE = 'src/<img src=x onerror=alert(1)> |x| [a](javascript:b) #h &amp; `t`\u0007.ts';
const HOSTILE_ROUTE = "/<script>alert(1)</script>/|c|/[l](javascript:x)/&amp;/`b`/\"q\"";
const hostileProject = () =>
  makeProject({
    'package.json': JSON.stringify({ name: 'hostile', dependencies: { express: '4', pg: '8' } }),
    [HOSTILE_FILE]: [
      "import express from 'express';",
      "import { Pool } from 'pg';",
      'const pool = new Pool();',
      'const app = express();',
      `app.get('${HOSTILE_ROUTE}', async (req, res) => {`,
      "  const fence = '````'; // \u0001 \u202e ]]> <![CDATA[ \uffff",
      "  res.json(await pool.query(`SELECT * FROM t WHERE a = '${req.query.a}'`));",
      '});',
      '',
    ].join('\n'),
  });

/** The text outside fenced code blocks, checking each fence is longer than any backtick run it holds. */
function outsideFences(markdown: string): string {
  const lines = markdown.split('\n');
  const outside: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^(`{3,})$/.exec(lines[index]!);
    if (!open) {
      outside.push(lines[index]!);
      continue;
    }
    const fence = open[1]!;
    const end = lines.indexOf(fence, index + 1);
    expect(end).toBeGreaterThan(index);
    for (const inside of lines.slice(index + 1, end)) {
      for (const run of inside.match(/`+/g) ?? []) expect(run.length).toBeLessThan(fence.length);
    }
    index = end;
  }
  return outside.join('\n');
}

describe('--format markdown', () => {
  it('escapes hostile file names, messages and code: no HTML, link, heading or fence escapes its place', async () => {
    const run = await runCli(['scan', '.', '-f', 'markdown', '--fail-on', 'none'], { cwd: hostileProject() });
    expect(run.code).toBe(0);
    const markdown = run.stdout;
    expect(markdown).toMatch(/^### \d\. critical: /m);
    // No raw control character anywhere (the BEL in the file name shows as \x07).
    expect(markdown).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(markdown).toContain('\\x07');
    const prose = outsideFences(markdown);
    // The only HTML is the reporter's own.
    expect(prose.replace(/<\/?(?:code|details|summary)>/g, '')).not.toMatch(/[<>]/);
    expect(prose).toContain('&lt;script&gt;');
    // No link can open: every [ and ( of scanned text is escaped, and no `](` survives.
    expect(prose).not.toMatch(/(?<!\\)\]\(/);
    // Headings are the reporter's: the title and one per finding.
    expect(prose.match(/^#.*$/gm)).toEqual(expect.arrayContaining([expect.stringMatching(/^## trustscan: \d+ findings?$/)]));
    for (const heading of prose.match(/^#.*$/gm)!) expect(heading).toMatch(/^(## trustscan: |### \d+\. )/);
    // Every & of scanned text is an entity; every table row has its 3 pipes.
    expect(prose).not.toMatch(/&(?!(?:amp|lt|gt|#124);)/);
    for (const row of prose.split('\n').filter((line) => line.startsWith('|'))) expect(row.match(/(?<!\\)\|/g)).toHaveLength(3);
  });
});

/** A strict enough XML 1.0 check: allowed characters, entities, tags that nest and attributes quoted. */
function expectWellFormedXml(xml: string): void {
  expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])/);
  expect(xml).not.toMatch(/&(?!(?:amp|lt|gt|quot|apos|#\d+);)/);
  const body = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  const tag = /<(\/?)([A-Za-z]+)((?:\s+[a-z]+="[^"<]*")*)\s*(\/?)>/g;
  const stack: string[] = [];
  let last = 0;
  for (const match of body.matchAll(tag)) {
    expect(body.slice(last, match.index)).not.toMatch(/[<>]/);
    last = match.index + match[0].length;
    if (match[1]) expect(stack.pop()).toBe(match[2]);
    else if (!match[4]) stack.push(match[2]!);
  }
  expect(body.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
}

describe('--format junit', () => {
  it('is well-formed XML with hostile names, a failure per finding and a passing case per clean rule', async () => {
    const cwd = hostileProject();
    const run = await runCli(['scan', '.', '-f', 'junit', '--fail-on', 'none'], { cwd });
    const json = JSON.parse((await runCli(['scan', '.', '-f', 'json', '--fail-on', 'none'], { cwd })).stdout) as { findings: unknown[]; rules: unknown[] };
    expectWellFormedXml(run.stdout);
    expect(run.stdout.match(/<failure /g)).toHaveLength(json.findings.length);
    expect(run.stdout.match(/<testsuite /g)).toHaveLength(json.rules.length);
    expect(run.stdout).toContain('name="no finding in 2 files"');
    expect(run.stdout).toContain('&lt;script&gt;');
    expect(run.stdout).toContain('\\x07');
    expect(run.stdout).toContain('\\uffff');
  });

  it('the checker is not vacuous', () => {
    expect(() => expectWellFormedXml('<a><b></a></b>')).toThrow();
    expect(() => expectWellFormedXml('<a x="1">\u0001</a>')).toThrow();
    expect(() => expectWellFormedXml('<a>&</a>')).toThrow();
    expectWellFormedXml('<a x="&quot;"><b/>t &amp; u</a>');
  });
});

describe('rule docs links', () => {
  it('makes a web URL from the repository forms npm accepts, without credentials', () => {
    expect(repositoryWebUrl({ repository: 'github:o/r' })?.url).toBe('https://github.com/o/r');
    expect(repositoryWebUrl({ repository: 'o/r' })?.url).toBe('https://github.com/o/r');
    expect(repositoryWebUrl({ repository: { url: 'git+https://user:tok@gitlab.com/g/r.git' } })?.url).toBe('https://gitlab.com/g/r');
    expect(repositoryWebUrl({ repository: 'git@github.com:o/r.git' })?.url).toBe('https://github.com/o/r');
    expect(repositoryWebUrl({ homepage: 'https://github.com/o/r#readme' })?.url).toBe('https://github.com/o/r');
    expect(repositoryWebUrl({ homepage: 'https://example.com/' })).toBeUndefined();
    expect(ruleDocsUrlFor({ repository: { url: 'https://github.com/o/mono', directory: 'packages/trustscan' } }, 'ssrf')).toBe(
      'https://github.com/o/mono/blob/HEAD/packages/trustscan/docs/rules/ssrf.md',
    );
  });

  it('ships every rule doc in the package', () => {
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as Array<{ files: Array<{ path: string }> }>;
    const files = new Set(packed[0]!.files.map((file) => file.path));
    const rules = JSON.parse(readFileSync(path.join(repoRoot, 'dist/rules/metadata.json'), 'utf8')) as Array<{ id: string }>;
    for (const rule of rules) expect(files).toContain(`docs/rules/${rule.id}.md`);
  }, 60_000);
});

describe('SARIF versionControlProvenance', () => {
  /** A hand-made repository: HEAD on main, one commit hash, a config whose fsmonitor would run a command under git. */
  function repository(config: string): { dir: string; canary: string } {
    const dir = makeProject({ 'src/config.ts': "export const stripeKey = 'sk_live_9fQ2mXz7LkP4wR8tYv1Nb6Hc3Jd5';\n" });
    const canary = path.join(dir, 'canary');
    mkdirSync(path.join(dir, '.git/refs/heads'), { recursive: true });
    mkdirSync(path.join(dir, '.git/objects'), { recursive: true });
    writeFileSync(path.join(dir, '.git/HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(path.join(dir, '.git/refs/heads/main'), `${'c'.repeat(40)}\n`);
    writeFileSync(path.join(dir, '.git/config'), config.replaceAll('CANARY', canary));
    return { dir, canary };
  }

  it('names the repository (credentials stripped), commit and branch, and runs nothing from .git/config', async () => {
    const { dir, canary } = repository(
      '[core]\n\tfsmonitor = "touch CANARY"\n\thooksPath = /tmp\n[remote "upstream"]\n\turl = https://github.com/other/fork\n[remote "origin"]\n\turl = https://x-access-token:ghs_SECRETTOKEN123@github.com/acme/shop.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n',
    );
    const run = await runCli(['scan', '-f', 'sarif', '--fail-on', 'none'], { cwd: dir });
    const log = JSON.parse(run.stdout) as Log;
    expect(log.runs[0]!.versionControlProvenance).toEqual([
      { repositoryUri: 'https://github.com/acme/shop', revisionId: 'c'.repeat(40), branch: 'main', mappedTo: { uriBaseId: '%SRCROOT%' } },
    ]);
    expect(run.stdout).not.toContain('SECRETTOKEN');
    expect(existsSync(canary)).toBe(false);
  });

  it('is left out without an origin remote, or with a local one', async () => {
    for (const config of ['[core]\n\tbare = false\n', '[remote "origin"]\n\turl = /home/me/repos/shop\n']) {
      const run = await runCli(['scan', '-f', 'sarif', '--fail-on', 'none'], { cwd: repository(config).dir });
      expect((JSON.parse(run.stdout) as Log).runs[0]!.versionControlProvenance).toBeUndefined();
    }
  });

  it('reads remote URLs as git writes them', () => {
    expect(publicRepositoryUri('git@github.com:acme/shop.git')).toBe('https://github.com/acme/shop');
    expect(publicRepositoryUri('ssh://git@gitlab.example.com:2222/acme/shop.git')).toBe('https://gitlab.example.com/acme/shop');
    expect(publicRepositoryUri('http://user:pw@git.local:8080/shop')).toBe('http://git.local:8080/shop');
    expect(publicRepositoryUri('file:///srv/git/shop')).toBeUndefined();
    expect(publicRepositoryUri('../shop')).toBeUndefined();
    const dir = repository('[remote "origin"]\n\turl = "git@github.com:acme/shop.git" ; comment\n').dir;
    expect(readOriginUrl(readGitState(dir)!)).toBe('https://github.com/acme/shop');
  });
});

// Long route paths, identifiers and a long code line whose match sits far to the right.
const LONG = 'averyveryverylongsegmentnamethatkeepsgoing';
const longMessagesProject = () =>
  makeProject({
    'package.json': JSON.stringify({ name: 'long', dependencies: { express: '4', pg: '8' } }),
    'src/app.ts': [
      "import express from 'express';",
      "import { Pool } from 'pg';",
      'const pool = new Pool();',
      'const app = express();',
      `app.get('/${LONG}/${LONG}/:id', async (req, res) => {`,
      `  const ${LONG}Rows = await Promise.all([1, 2, 3].map(async (n) => n * 2)); const result = await pool.query(\`SELECT * FROM orders WHERE id = \${req.params.id}\`);`,
      '  res.json(result);',
      '});',
      `app.post('/${LONG}/login', (req, res) => { console.log('login', req.body.password); res.send('ok'); });`,
      '',
    ].join('\n'),
  });

const FRAME_LINE = /^ {4}[> ] +\d+ \|/;

describe('text output people can read', () => {
  it('no line is wider than 80 columns (code frames aside) when not a TTY; each finding ends with its docs link', async () => {
    const run = await runCli(['scan', '.', '--fail-on', 'none'], { cwd: longMessagesProject() });
    const lines = run.stdout.split('\n');
    expect(run.stdout).toMatch(/sql-injection/);
    // A word longer than the line (this 89-character route path) cannot wrap without breaking it.
    const wide = lines.filter((line) => line.length > 80 && !FRAME_LINE.test(line) && /\S\s+\S/.test(line.trim()));
    expect(wide).toEqual([]);
    // Words are never broken: every word of a message is on one line.
    expect(run.stdout).toContain(`/${LONG}/${LONG}/:id`);
    // Each finding's block ends with its docs link, a file that exists in the package.
    const docs = lines.filter((line) => /^ {4}docs: /.test(line));
    expect(docs.length).toBe(run.stdout.match(/^ {2}\d+:\d+ /gm)!.length);
    for (const line of docs) expect(existsSync(path.join(repoRoot, line.trim().slice('docs: '.length)))).toBe(true);
    // The SQL line's match is far right: the frame is cut around it, with ellipses.
    const sqlFrame = lines.find((line) => FRAME_LINE.test(line) && line.includes('pool.query'))!;
    expect(sqlFrame.length).toBeLessThanOrEqual(80);
    expect(sqlFrame).toMatch(/\| …/);
    expect(sqlFrame).toContain('pool.query(');
  });

  it('wraps to the terminal width on a TTY', async () => {
    const cwd = longMessagesProject();
    let stdout = '';
    const { main } = await import('../src/cli.js');
    await main(['scan', '.', '--fail-on', 'none', '--no-color'], { stdout: (text) => void (stdout += text), stderr: () => {}, cwd, env: {}, stdoutIsTTY: true, stderrIsTTY: true, stdoutColumns: 120 });
    const widths = stdout.split('\n').filter((line) => !FRAME_LINE.test(line)).map((line) => line.length);
    expect(Math.max(...widths)).toBeLessThanOrEqual(120);
    expect(Math.max(...widths)).toBeGreaterThan(80);
  });

  it('routes shows middleware by name, never its source', async () => {
    const cwd = makeProject({
      'src/app.ts': [
        "import express from 'express';",
        'const app = express();',
        "app.get('/a', (req, res, next) => { if (!req.headers['x-very-long-header-name']) { return res.status(401).send('no'); } next(); }, (req, res) => res.send('ok'));",
        "app.post('/b', async function checkSomething(req, res, next) { next(); }, (req, res) => res.send('ok'));",
        '',
      ].join('\n'),
    });
    const run = await runCli(['routes'], { cwd });
    expect(run.stdout).toMatch(/middleware:\s+inline function \(src\/app\.ts:3\):other\n/);
    expect(run.stdout).toContain('middleware: checkSomething:');
    expect(run.stdout).not.toContain('req.headers');
    expect(middlewareLabel({ name: "rateLimit({ windowMs: 60_000, max: 100, standardHeaders: true, legacyHeaders: false })", file: 'a.ts', line: 1 })).toBe('rateLimit(…)');
    expect(middlewareLabel({ name: "passport.authenticate('jwt')", file: 'a.ts', line: 1 })).toBe("passport.authenticate('jwt')");
  });

  it('summarises warnings of one kind; --verbose lists them', async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 5; index++) files[`src/broken${index}.ts`] = 'export const x = ;\n';
    const cwd = makeProject(files);
    const run = await runCli(['scan', '.'], { cwd });
    expect(run.stderr).toContain('warning: 5 files with syntax errors were scanned as far as they parse; --verbose lists them\n');
    expect(run.stderr).not.toContain('broken0.ts');
    const verbose = await runCli(['scan', '.', '--verbose'], { cwd });
    expect(verbose.stderr.match(/syntax error/g)).toHaveLength(5);
  });

  it('honours FORCE_COLOR through a pipe, FORCE_COLOR=0 on a TTY, and NO_COLOR / --no-color above both', async () => {
    const cwd = makeProject({ 'src/config.ts': "export const stripeKey = 'sk_live_9fQ2mXz7LkP4wR8tYv1Nb6Hc3Jd5';\n" });
    const ansi = /\u001b\[/;
    expect((await runCli(['scan'], { cwd, env: { FORCE_COLOR: '1' } })).stdout).toMatch(ansi);
    expect((await runCli(['scan'], { cwd, env: { FORCE_COLOR: '' } })).stdout).toMatch(ansi);
    expect((await runCli(['scan'], { cwd, env: { FORCE_COLOR: '0' }, tty: true })).stdout).not.toMatch(ansi);
    expect((await runCli(['scan'], { cwd, env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout).not.toMatch(ansi);
    expect((await runCli(['scan', '--no-color'], { cwd, env: { FORCE_COLOR: '1' } })).stdout).not.toMatch(ansi);
    expect((await runCli(['scan'], { cwd })).stdout).not.toMatch(ansi);
  });
});

describe('CLI conventions', () => {
  it('no arguments prints the help on stdout and exits 0', async () => {
    const run = await runCli([], { cwd: repoRoot });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: trustscan/);
    expect(run.stderr).toBe('');
  });

  it('an empty scan, a glob that matches nothing or an invalid glob exits 2 with one line, unless --allow-empty', async () => {
    const cwd = makeProject({ 'README.md': '# nothing to scan\n', 'src/a.ts': 'export const a = 1;\n' });
    for (const argv of [['scan', '--include', '[z-a]'], ['scan', '--include', 'srcc/**'], ['scan', 'README.md']]) {
      const run = await runCli(argv, { cwd });
      if (argv[1] === 'README.md') {
        expect(run.code).toBe(2); // not a file trustscan scans: its own one line
      } else {
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(/^trustscan \S+: no file to scan: \., --include \S+ matched no file trustscan scans \(a typo, or an invalid glob\?\); --allow-empty accepts an empty scan\n$/);
        expect(run.stdout).toBe('');
      }
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
    // Files that matched but were all skipped: the warning says why, then the same exit 2.
    const binary = await runCli(['scan'], { cwd: makeProject({ 'src/a.ts': Buffer.from([0x63, 0x00, 0x6e]) }) });
    expect(binary.code).toBe(2);
    expect(binary.stderr).toMatch(/^warning: src\/a\.ts: skipped, binary content\ntrustscan \S+: no file to scan: \. matched 1 file, all skipped; --allow-empty accepts an empty scan\n$/);
    const allowed = await runCli(['scan', '--include', 'srcc/**', '--allow-empty'], { cwd });
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toContain('note: no file to scan');
    expect((await runCli(['scan', '--include', 'src/**'], { cwd })).code).toBe(0);
  });

  it('-o creates missing folders for every command that writes a report', async () => {
    const cwd = makeProject({ 'src/config.ts': "export const stripeKey = 'sk_live_9fQ2mXz7LkP4wR8tYv1Nb6Hc3Jd5';\n" });
    for (const [command, ...rest] of [['scan', '--fail-on', 'none', '-f', 'junit'], ['routes'], ['flows'], ['report', '-f', 'json']] as const) {
      const target = `out/${command}/deeper/report.out`;
      const run = await runCli([command, ...rest, '-o', target], { cwd, env: { SOURCE_DATE_EPOCH: '0' } });
      expect(run.code, run.stderr).toBe(0);
      expect(existsSync(path.join(cwd, target))).toBe(true);
    }
  });
});
