import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineRule } from '../src/rules/define-rule.js';
import { allRules } from '../src/rules/index.js';
import { makeProject, runCli } from './helpers/cli.js';

// Fabricated, shape-correct credentials (not real keys).
const STRIPE_KEY = 'sk_live_9fQ2mXz7LkP4wR8tYv1Nb6Hc3Jd5';
const GITHUB_TOKEN = 'ghp_R8mK2xQ9vL4tZ7wP1nB6yH3cJ5dF0gS2aT4q';

const vulnerableApp = {
  'src/config.ts': `export const stripe = { apiKey: '${STRIPE_KEY}' };\n`,
  'src/ok.ts': `export const port = Number(process.env.PORT ?? 3000);\n`,
};

const ANSI = /\u001b\[/;

describe('trustscan scan: exit codes', () => {
  it('exits 1 when a finding is at or above --fail-on (default high)', async () => {
    const cwd = makeProject(vulnerableApp);
    const run = await runCli(['scan'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('hardcoded-secret');
    expect(run.stdout).toContain('src/config.ts');
  });

  it('exits 0 with --fail-on none and on a clean project', async () => {
    expect((await runCli(['scan', '--fail-on', 'none'], { cwd: makeProject(vulnerableApp) })).code).toBe(0);
    const clean = await runCli(['scan'], { cwd: makeProject({ 'src/ok.ts': 'export const a = 1;\n' }) });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('No findings.');
  });

  it('gates on severity: a high finding does not fail --fail-on critical', async () => {
    const cwd = makeProject({ 'src/db.ts': `export const dbPassword = 'Tr0ub4dor&3-horse-staple-91x';\n` });
    const json = JSON.parse((await runCli(['scan', '-f', 'json', '--fail-on', 'none'], { cwd })).stdout);
    expect(json.findings.map((f: { severity: string }) => f.severity)).toEqual(['high']);
    expect((await runCli(['scan', '--fail-on', 'critical'], { cwd })).code).toBe(0);
    expect((await runCli(['scan', '--fail-on', 'high'], { cwd })).code).toBe(1);
    expect((await runCli(['scan', '--fail-on', 'low'], { cwd })).code).toBe(1);
  });

  it('--severity filters the report but not the gate', async () => {
    const cwd = makeProject({ 'src/db.ts': `export const dbPassword = 'Tr0ub4dor&3-horse-staple-91x';\n` });
    const run = await runCli(['scan', '--severity', 'critical', '-f', 'json'], { cwd });
    expect(JSON.parse(run.stdout).findings).toEqual([]);
    expect(run.code).toBe(1);
  });

  it.each([
    [['scan', '--bogus'], /unknown option '--bogus'/],
    [['scan', '-f', 'xml'], /argument 'xml' is invalid/],
    [['scan', '--fail-on', 'urgent'], /argument 'urgent' is invalid/],
    [['scan', '--severity', 'severe'], /argument 'severe' is invalid/],
    [['scan', '--rule', 'no-such-rule'], /unknown rule id "no-such-rule"/],
    [['scan', '--disable-rule', 'nope'], /unknown rule id "nope"/],
    [['scan', 'does-not-exist'], /path does not exist/],
    [['scan', '--config', 'missing.json'], /config file not found/],
    [['scan', '--tsconfig', 'missing.json'], /tsconfig not found/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('exits 2 with one line for %j', async (argv, message) => {
    const run = await runCli(argv, { cwd: makeProject(vulnerableApp) });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/^trustscan \d+\.\d+\.\d+: /);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('creates a missing output folder, and exits 2 when the output file cannot be written', async () => {
    const cwd = makeProject(vulnerableApp);
    const created = await runCli(['scan', '-o', 'reports/new/out.json', '-f', 'json', '--fail-on', 'none'], { cwd });
    expect(created.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(cwd, 'reports/new/out.json'), 'utf8')).findings.length).toBeGreaterThan(0);
    writeFileSync(path.join(cwd, 'a-file'), '');
    const run = await runCli(['scan', '-o', 'a-file/dir/out.json', '-f', 'json'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot write a-file\/dir\/out.json/);
  });

  it('--help and --version exit 0', async () => {
    const cwd = makeProject({});
    const help = await runCli(['scan', '--help'], { cwd });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--fail-on');
    const version = await runCli(['--version'], { cwd });
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('trustscan scan: config', () => {
  it.each([
    [{ rulez: {} }, /\$\.rulez: unknown key/],
    [{ rules: [] }, /\$\.rules: must be an object/],
    [{ rules: { 'sql-injectio': 'off' } }, /\$\.rules\["sql-injectio"\]: unknown rule id/],
    [{ rules: { 'hardcoded-secret': 'loud' } }, /\$\.rules\["hardcoded-secret"\]: must be one of/],
    [{ rules: { 'hardcoded-secret': { severity: 'x' } } }, /\$\.rules\["hardcoded-secret"\]\.severity: must be one of/],
    [{ rules: { 'hardcoded-secret': { level: 'low' } } }, /\$\.rules\["hardcoded-secret"\]\.level: unknown key/],
    [{ rules: { 'hardcoded-secret': { options: { nope: 1 } } } }, /\$\.rules\["hardcoded-secret"\]\.options\.nope: unknown option/],
    [{ include: 'src' }, /\$\.include: must be an array/],
    [{ exclude: [3] }, /\$\.exclude\[0\]: must be a non-empty glob string/],
    [{ includeTests: 'yes' }, /\$\.includeTests: must be a boolean/],
    [{ maxFileSize: -1 }, /\$\.maxFileSize: must be a positive integer/],
    [{ auth: [] }, /\$\.auth: must be an object/],
    [{ auth: { publicRoute: [] } }, /\$\.auth\.publicRoute: unknown key/],
    [{ auth: { publicRoutes: '/health' } }, /\$\.auth\.publicRoutes: must be an array of strings/],
    [{ auth: { middleware: ['ok', 7] } }, /\$\.auth\.middleware\[1\]: must be a non-empty string/],
    [{ ownershipChecks: 'assertOwner' }, /\$\.ownershipChecks: must be an array of strings/],
    [{ redactors: 'redactUser' }, /\$\.redactors: must be an array of strings/],
    [{ rateLimiters: 'loginLimiter' }, /\$\.rateLimiters: must be an array of strings/],
    [{ stateGuards: [''] }, /\$\.stateGuards\[0\]: must be a non-empty string/],
    [{ flows: {} }, /\$\.flows: must be an array of flows/],
    [{ flowTests: [] }, /\$\.flowTests: must be an object/],
    [{ flowTests: { value: {} } }, /\$\.flowTests\.value: unknown key \(known keys: values, expectStatus, rateLimitRequests, login, graphqlPath, trpcPath\)/],
    [{ flowTests: { login: '/api/auth/login' } }, /\$\.flowTests\.login: must be an object like \{ "path": "\/api\/auth\/login" \}/],
    [{ flowTests: { login: { method: 'POST' } } }, /\$\.flowTests\.login\.path: is required/],
    [{ flowTests: { login: { path: 'https://evil.example/login' } } }, /\$\.flowTests\.login\.path: must be a path starting with "\/"/],
    [{ flowTests: { login: { path: '//evil.example/login' } } }, /\$\.flowTests\.login\.path: must be a path starting with "\/"/],
    [{ flowTests: { login: { path: '/login', method: 'GET' } } }, /\$\.flowTests\.login\.method: must be "POST", "PUT" or "PATCH"/],
    [{ flowTests: { login: { path: '/login', tokenField: 'data..token' } } }, /\$\.flowTests\.login\.tokenField: must be a dotted field path/],
    [{ flowTests: { login: { path: '/login', bodyFormat: 'xml' } } }, /\$\.flowTests\.login\.bodyFormat: must be "json" or "form"/],
    [{ flowTests: { login: { path: '/login', password: 'hunter2' } } }, /\$\.flowTests\.login\.password: unknown key .*credentials are never read from config: set TRUSTSCAN_LOGIN_<ROLE>/],
    [{ flowTests: { graphqlPath: 'graphql' } }, /\$\.flowTests\.graphqlPath: must be a path starting with "\/"/],
    [{ flowTests: { trpcPath: '/trpc?x=1' } }, /\$\.flowTests\.trpcPath: must be a path starting with "\/"/],
    [{ flowTests: { values: { token: { nested: true } } } }, /\$\.flowTests\.values\.token: must be a string, number or boolean/],
    [{ flowTests: { expectStatus: [200] } }, /\$\.flowTests\.expectStatus: must be a non-empty array of 4xx\/5xx status codes/],
    [{ flowTests: { rateLimitRequests: 0 } }, /\$\.flowTests\.rateLimitRequests: must be an integer from 1 to 10000/],
    [{ flows: [{ name: 'checkout' }] }, /\$\.flows\[0\]\.steps: must be an array of strings/],
    [{ flows: [{ name: 'checkout', steps: [] }] }, /\$\.flows\[0\]\.steps: must list at least one step/],
    [{ flows: [{ name: 'checkout', steps: ['/cart'] }] }, /\$\.flows\[0\]\.steps\[0\]: must be "METHOD \/path"/],
    [{ flows: [{ name: 'checkout', steps: ['POST /cart'], entitiy: 'Order' }] }, /\$\.flows\[0\]\.entitiy: unknown key/],
    [{ flows: [{ name: 'a', steps: ['POST /a'] }, { name: 'a', steps: ['POST /b'] }] }, /\$\.flows\[1\]\.name: duplicate flow name "a"/],
    [{ models: {} }, /\$\.models: must be an array of model entries/],
    [{ models: [{ kind: 'source', file: 'a.ts' }] }, /\$\.models\[0\]\.file: unknown key for a "source" model/],
    [{ models: [{ kind: 'query', file: 'a.ts' }] }, /\$\.models\[0\]\.kind: must be one of "auth", "sink", "sanitizer", "logger", "source"/],
    [{ models: [{ kind: 'sink', file: 'a.ts' }] }, /\$\.models\[0\]\.file: unknown key for a "sink" model \(its keys: kind, category, module, function, argument/],
    [{ models: [{ kind: 'sink', category: 'ldap', module: './db', function: 'run' }] }, /\$\.models\[0\]\.category: must be one of "sql", "nosql", "command", "code", "path", "url", "html"/],
    [{ models: [{ kind: 'sink', category: 'sql', module: './db' }] }, /\$\.models\[0\]\.function: must be a function name or member path/],
    [{ models: [{ kind: 'sink', category: 'sql', module: './db', function: 'run', argument: -1 }] }, /\$\.models\[0\]\.argument: must be the index of the argument/],
    [{ models: [{ kind: 'sanitizer', module: '', function: 'safe' }] }, /\$\.models\[0\]\.module: must be a package name or a path/],
    [{ models: [{ kind: 'logger', module: './audit' }] }, /\$\.models\[0\]\.export: must be the exported name/],
    [{ models: [{ kind: 'auth' }] }, /\$\.models\[0\]\.file: must be a non-empty path/],
    [{ models: [{ kind: 'auth', file: 'a.ts', fn: 'x' }] }, /\$\.models\[0\]\.fn: unknown key/],
  ])('rejects %j with the JSON path of the problem', async (config, message) => {
    const cwd = makeProject({ ...vulnerableApp, 'trustscan.config.json': JSON.stringify(config) });
    const run = await runCli(['scan'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('rejects invalid JSON, and a package.json "trustscan" key that is not an object', async () => {
    const bad = await runCli(['scan'], { cwd: makeProject({ ...vulnerableApp, 'trustscan.config.json': '{ rules: ' }) });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid JSON/);
    const pkg = await runCli(['scan'], {
      cwd: makeProject({ ...vulnerableApp, 'package.json': JSON.stringify({ name: 'x', trustscan: true }) }),
    });
    expect(pkg.code).toBe(2);
    expect(pkg.stderr).toMatch(/package.json "trustscan": \$: must be an object/);
  });

  it('applies rules off / severity from trustscan.config.json, package.json, and --config', async () => {
    const off = makeProject({ ...vulnerableApp, 'trustscan.config.json': JSON.stringify({ rules: { 'hardcoded-secret': 'off' } }) });
    expect((await runCli(['scan'], { cwd: off })).code).toBe(0);

    const lowered = makeProject({
      ...vulnerableApp,
      'package.json': JSON.stringify({ name: 'x', trustscan: { rules: { 'hardcoded-secret': 'low' } } }),
    });
    const json = JSON.parse((await runCli(['scan', '-f', 'json', '--fail-on', 'none'], { cwd: lowered })).stdout);
    expect(json.findings[0].severity).toBe('low');

    const explicit = makeProject({ ...vulnerableApp, 'ci/ts.json': JSON.stringify({ exclude: ['src/config.ts'] }) });
    expect((await runCli(['scan', '--config', 'ci/ts.json'], { cwd: explicit })).code).toBe(0);
  });

  it('finds the config of the scanned folder when scanning a subfolder of the working directory', async () => {
    const cwd = makeProject({
      'app/src/config.ts': vulnerableApp['src/config.ts'],
      'app/trustscan.config.json': JSON.stringify({ rules: { 'hardcoded-secret': 'off' } }),
    });
    expect((await runCli(['scan', 'app'], { cwd })).code).toBe(0);
  });
});

describe('trustscan scan: files', () => {
  it('skips node_modules, dist, .d.ts, minified and gitignored files, and tests unless --include-tests', async () => {
    const secretLine = vulnerableApp['src/config.ts'];
    const cwd = makeProject({
      '.gitignore': 'generated/\n',
      'node_modules/lib/index.js': secretLine,
      'dist/config.js': secretLine,
      'src/types.d.ts': secretLine,
      'public/app.min.js': secretLine,
      'generated/config.ts': secretLine,
      'src/config.spec.ts': secretLine,
      'src/__tests__/config.ts': secretLine,
      'test/config.ts': secretLine,
      'src/real.ts': secretLine,
    });
    const json = JSON.parse((await runCli(['scan', '-f', 'json', '--fail-on', 'none'], { cwd })).stdout);
    expect(json.findings.map((f: { file: string }) => f.file)).toEqual(['src/real.ts']);
    const withTests = JSON.parse((await runCli(['scan', '-f', 'json', '--include-tests', '--fail-on', 'none'], { cwd })).stdout);
    expect(withTests.findings.map((f: { file: string }) => f.file)).toEqual([
      'src/__tests__/config.ts',
      'src/config.spec.ts',
      'src/real.ts',
      'test/config.ts',
    ]);
  });

  it('--include and --exclude narrow the scan', async () => {
    const cwd = makeProject({ 'a/config.ts': vulnerableApp['src/config.ts'], 'b/config.ts': vulnerableApp['src/config.ts'] });
    const files = async (args: string[]) =>
      JSON.parse((await runCli(['scan', '-f', 'json', '--fail-on', 'none', ...args], { cwd })).stdout).findings.map(
        (f: { file: string }) => f.file,
      );
    expect(await files(['--exclude', 'a/**'])).toEqual(['b/config.ts']);
    expect(await files(['--include', 'a/**'])).toEqual(['a/config.ts']);
  });

  it('warns about and skips broken, binary, non-UTF-8 and oversized files, and still scans the rest', async () => {
    const cwd = makeProject({
      ...vulnerableApp,
      'src/broken.ts': `export function f( {\n  const token = '${GITHUB_TOKEN}';\n`,
      'src/binary.js': Buffer.from([0x00, 0x01, 0x02, 0x03]),
      'src/latin1.ts': Buffer.from([0x63, 0x6f, 0x6e, 0x73, 0x74, 0x20, 0xe9, 0x3b]),
      'src/huge.ts': `export const big = ${JSON.stringify('x'.repeat(3000))};\n`,
      'trustscan.config.json': JSON.stringify({ maxFileSize: 2048 }),
    });
    const run = await runCli(['scan', '-f', 'json', '--fail-on', 'none'], { cwd });
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.warnings.map((w: { code: string; file: string }) => `${w.code} ${w.file}`)).toEqual([
      'binary-file src/binary.js',
      'parse-error src/broken.ts',
      'file-too-large src/huge.ts',
      'not-utf8 src/latin1.ts',
    ]);
    expect(run.stderr).toMatch(/warning: src\/broken.ts:\d+: syntax error/);
    // The parser recovers: the secret after the syntax error is still found.
    expect(json.findings.map((f: { file: string }) => f.file)).toEqual(['src/broken.ts', 'src/config.ts']);
    expect(json.stats.filesSkipped).toBe(3);
  });
});

describe('trustscan scan: suppressions', () => {
  it('applies reasoned suppressions, warns about reasonless and unused ones, keeps suppressed findings in JSON', async () => {
    const cwd = makeProject({
      'src/a.ts': [
        `// trustscan-ignore-next-line hardcoded-secret -- revoked sandbox key kept for the docs example`,
        `export const documented = '${STRIPE_KEY}';`,
        `export const inline = '${GITHUB_TOKEN}'; // trustscan-ignore hardcoded-secret -- rotated 2026-01, see SEC-12`,
        `// trustscan-ignore-next-line hardcoded-secret`,
        `export const unexplained = 'sk_live_Zr5tW8qN2mK7pL4xV9cB1dF6';`,
        `// trustscan-ignore-next-line hardcoded-secret -- nothing here`,
        `export const nothing = 1;`,
      ].join('\n'),
    });
    const run = await runCli(['scan', '-f', 'json'], { cwd });
    const json = JSON.parse(run.stdout);
    expect(json.findings.map((f: { line: number; suppression?: { justification: string } }) => [f.line, f.suppression?.justification])).toEqual([
      [2, 'revoked sandbox key kept for the docs example'],
      [3, 'rotated 2026-01, see SEC-12'],
      [5, undefined],
    ]);
    expect(json.warnings.map((w: { code: string; line: number }) => `${w.code}:${w.line}`)).toEqual([
      'suppression-without-reason:4',
      'unused-suppression:6',
    ]);
    expect(run.code).toBe(1);

    const text = await runCli(['scan', '--fail-on', 'none'], { cwd });
    expect(text.stdout).toMatch(/1 finding: 1 critical \(2 suppressed\)/);

    const sarif = JSON.parse((await runCli(['scan', '-f', 'sarif'], { cwd })).stdout);
    expect(sarif.runs[0].results).toHaveLength(1);
    const withSuppressed = JSON.parse((await runCli(['scan', '-f', 'sarif', '--include-suppressed'], { cwd })).stdout);
    expect(withSuppressed.runs[0].results).toHaveLength(3);
    expect(withSuppressed.runs[0].results.every((r: { suppressions?: unknown[] }) => Array.isArray(r.suppressions))).toBe(true);
  });

  it('only suppressed findings at the threshold means exit 0', async () => {
    const cwd = makeProject({
      'src/a.ts': `export const k = '${STRIPE_KEY}'; // trustscan-ignore hardcoded-secret -- test-mode key, rotated\n`,
    });
    expect((await runCli(['scan'], { cwd })).code).toBe(0);
  });
});

describe('trustscan scan: output', () => {
  it('-o writes the report to a file and the summary to stderr; --quiet silences the summary', async () => {
    const cwd = makeProject(vulnerableApp);
    const run = await runCli(['scan', '-f', 'json', '-o', 'out.json', '--fail-on', 'none'], { cwd });
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/1 finding: 1 critical/);
    expect(JSON.parse(readFileSync(path.join(cwd, 'out.json'), 'utf8')).findings).toHaveLength(1);
    const quiet = await runCli(['scan', '-f', 'sarif', '-o', 'out.sarif', '--quiet', '--fail-on', 'none'], { cwd });
    expect(quiet.stderr).toBe('');
    expect(JSON.parse(readFileSync(path.join(cwd, 'out.sarif'), 'utf8')).version).toBe('2.1.0');
  });

  it('colours only on a TTY, never with --no-color or NO_COLOR', async () => {
    const cwd = makeProject(vulnerableApp);
    expect((await runCli(['scan'], { cwd, tty: false })).stdout).not.toMatch(ANSI);
    expect((await runCli(['scan'], { cwd, tty: true })).stdout).toMatch(ANSI);
    expect((await runCli(['scan', '--no-color'], { cwd, tty: true })).stdout).not.toMatch(ANSI);
    expect((await runCli(['scan'], { cwd, tty: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(ANSI);
  });

  it('text output shows rule, severity, code frame, SOC 2 criteria, fix and a summary', async () => {
    const run = await runCli(['scan'], { cwd: makeProject(vulnerableApp) });
    expect(run.stdout).toMatch(/src\/config\.ts\n\s+1:\d+\s+critical\s+hardcoded-secret/);
    expect(run.stdout).toMatch(/> 1 \| export const stripe/);
    expect(run.stdout).toMatch(/SOC 2: CC6\.1 .*; CC8\.1 /);
    expect(run.stdout).toMatch(/fix: /);
    expect(run.stdout).toMatch(/By SOC 2 criterion:\n\s+CC6\.1\s+1/);
    expect(run.stdout).toMatch(/2 files scanned \(2 lines\), \d+ rules? in \d+\.\d\d s\./);
  });

  it('JSON and SARIF are byte-identical across runs', async () => {
    const cwd = makeProject(vulnerableApp);
    for (const format of ['json', 'sarif']) {
      const first = await runCli(['scan', '-f', format], { cwd });
      const second = await runCli(['scan', '-f', format], { cwd });
      expect(second.stdout).toBe(first.stdout);
      expect(first.stdout).not.toMatch(/"durationMs"/);
    }
  });

  it('never prints the secret whole in any format', async () => {
    const cwd = makeProject({ ...vulnerableApp, 'src/gh.ts': `const token = '${GITHUB_TOKEN}';\nexport default token;\n` });
    for (const format of ['text', 'json', 'sarif']) {
      const run = await runCli(['scan', '-f', format], { cwd });
      expect(run.stdout + run.stderr).not.toContain(STRIPE_KEY);
      expect(run.stdout + run.stderr).not.toContain(GITHUB_TOKEN);
    }
  });
});

describe('trustscan rules', () => {
  it('lists every rule with severity, confidence, SOC 2 titles, OWASP, CWE and description', async () => {
    const cwd = makeProject({});
    const json = JSON.parse((await runCli(['rules', '--format', 'json'], { cwd })).stdout);
    const secret = json.find((rule: { id: string }) => rule.id === 'hardcoded-secret');
    expect(secret).toMatchObject({ severity: 'critical', confidence: expect.any(String), description: expect.any(String) });
    expect(secret.controls.soc2[0]).toEqual({ id: 'CC6.1', title: expect.stringMatching(/logical access/i) });
    expect(secret.controls.cwe).toContainEqual({ id: 'CWE-798', title: 'Use of Hard-coded Credentials' });
    const text = await runCli(['rules'], { cwd });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/hardcoded-secret +\(critical, confidence \w+\)/);
  });
});

describe('trustscan scan: masking', () => {
  it('masks every secret of a file in every code frame, including the neighbouring lines', async () => {
    const cwd = makeProject({
      'src/aws.ts': [
        'export const aws = {',
        "  accessKeyId: 'AKIAXXOTEBVMZWXRBL6F',",
        "  secretAccessKey: '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',",
        '};',
      ].join('\n'),
    });
    for (const format of ['text', 'json', 'sarif']) {
      const run = await runCli(['scan', '-f', format], { cwd });
      expect(run.stdout).toContain('src/aws.ts');
      expect(run.stdout).not.toContain('AKIAXXOTEBVMZWXRBL6F');
      expect(run.stdout).not.toContain('iB3Iw5xUZlcD/GRjYEC5n4H/Mc7Kfnk1/N7NWjpl');
    }
  });
});

describe('trustscan scan: internal errors', () => {
  const crashingRule = defineRule({
    meta: { ...allRules[0]!.meta, id: 'hardcoded-secret' },
    check() {
      throw new Error('boom in rule');
    },
  });

  it('a crashing rule is one line and exit 2 (the stack only with --debug), and other output still appears', async () => {
    const cwd = makeProject(vulnerableApp);
    const run = await runCli(['scan'], { cwd, rules: [crashingRule] });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^trustscan \d+\.\d+\.\d+: internal error: rule hardcoded-secret crashed: Error: boom in rule\n$/);
    expect(run.stdout).toContain('files scanned');
    const debug = await runCli(['scan', '--debug'], { cwd, rules: [crashingRule] });
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/boom in rule\n\s+at /);
  });

  it('exit 2 wins over findings', async () => {
    const cwd = makeProject(vulnerableApp);
    const run = await runCli(['scan'], { cwd, rules: [...allRules, { ...crashingRule, meta: { ...crashingRule.meta, id: 'zz-crash' } }] });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('hardcoded-secret');
  });
});

describe('trustscan scan: tsconfig', () => {
  it('uses --tsconfig, and warns about (but survives) a broken tsconfig.json', async () => {
    const cwd = makeProject({
      ...vulnerableApp,
      'tsconfig.json': '{ "compilerOptions": { "target": 42 ',
      'config/tsconfig.scan.json': JSON.stringify({ compilerOptions: { allowJs: true } }),
    });
    const run = await runCli(['scan', '-f', 'json', '--fail-on', 'none'], { cwd });
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.warnings.map((w: { code: string }) => w.code)).toContain('tsconfig-error');
    expect(json.findings).toHaveLength(1);
    const explicit = await runCli(['scan', '--tsconfig', 'config/tsconfig.scan.json', '-f', 'json', '--fail-on', 'none'], { cwd });
    expect(explicit.code).toBe(0);
    expect(JSON.parse(explicit.stdout).warnings).toEqual([]);
  });
});
