/**
 * Inputs a scanner meets in the wild that must neither crash it nor mislead its reader: file
 * names holding terminal control characters, configs saved with a byte order mark, classic Mac
 * line endings (a lone CR), folders it is not allowed to read.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SourceText } from '../src/engine/source-text.js';
import { makeProject, runCli } from './helpers/cli.js';

// Fabricated, shape-correct credential (not a real key).
const STRIPE_KEY = 'sk_live_9fQ2mXz7LkP4wR8tYv1Nb6Hc3Jd5';
const secretLine = `export const stripe = { apiKey: '${STRIPE_KEY}' };\n`;
const BOM = '\uFEFF';

describe('file names with control characters', () => {
  // ESC [ 2 J clears the screen; a newline would forge a line of the report.
  const evilName = 'src/evil\u001b[2J\nforged\r\t\u0007\u009b\u007f\u202e.ts';
  const escapedName = 'src/evil\\x1b[2J\\nforged\\r\\t\\x07\\x9b\\x7f\\u202e.ts';

  it('are escaped in text output, kept as they are in JSON and SARIF', async () => {
    const cwd = makeProject({ [evilName]: secretLine });
    const text = await runCli(['scan', '.', '--fail-on', 'none'], { cwd });
    expect(text.stdout).toContain(escapedName);
    expect(text.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    const json = JSON.parse((await runCli(['scan', '.', '-f', 'json', '--fail-on', 'none'], { cwd })).stdout);
    expect(json.findings[0].file).toBe(evilName);
    const sarif = JSON.parse((await runCli(['scan', '.', '-f', 'sarif', '--fail-on', 'none'], { cwd })).stdout);
    expect(decodeURIComponent(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri)).toBe(evilName);
  });

  it('are escaped in warnings on stderr', async () => {
    const cwd = makeProject({ [evilName]: Buffer.from([0x63, 0x6f, 0x00, 0x6e, 0x73, 0x74]) });
    const run = await runCli(['scan', '.'], { cwd });
    expect(run.stderr).toContain(`warning: ${escapedName}: skipped, binary content`);
    expect(run.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
  });

  it('are escaped in the routes inventory', async () => {
    const cwd = makeProject({
      'src/app\u001b]0;pwned\u0007.ts': `import express from 'express';\nconst app = express();\napp.get('/x\\u001b[2J', (req, res) => res.send('ok'));\n`,
    });
    const run = await runCli(['routes', '.'], { cwd });
    expect(run.stdout).toContain('src/app\\x1b]0;pwned\\x07.ts:3');
    expect(run.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});

describe('a config file with a UTF-8 byte order mark', () => {
  const config = { rules: { 'hardcoded-secret': 'off' } };

  it('trustscan.config.json is read', async () => {
    const cwd = makeProject({ 'src/config.ts': secretLine, 'trustscan.config.json': BOM + JSON.stringify(config) });
    const run = await runCli(['scan', '.', '-f', 'json'], { cwd });
    expect(run.stderr).not.toMatch(/invalid JSON|trustscan \d/);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).findings).toEqual([]);
  });

  it('the "trustscan" key of package.json is read', async () => {
    const cwd = makeProject({ 'src/config.ts': secretLine, 'package.json': BOM + JSON.stringify({ name: 'app', trustscan: config }) });
    const run = await runCli(['scan', '.', '-f', 'json'], { cwd });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).findings).toEqual([]);
  });

  it('--config names one', async () => {
    const cwd = makeProject({ 'src/config.ts': secretLine, 'custom.json': BOM + JSON.stringify(config) });
    expect((await runCli(['scan', '.', '--config', 'custom.json'], { cwd })).code).toBe(0);
  });
});

describe('lone CR line endings (classic Mac)', () => {
  const crOnly = ['// settings', 'const region = "eu";', `export const stripe = '${STRIPE_KEY}';`, 'export const b = 2;', ''].join('\r');

  it('SourceText breaks lines at CR, LF and CRLF alike', () => {
    for (const lineBreak of ['\r', '\n', '\r\n']) {
      const text = ['a', 'bb', 'ccc', ''].join(lineBreak);
      const source = new SourceText(text);
      expect(source.lineCount).toBe(4);
      expect([1, 2, 3].map((line) => source.lineText(line))).toEqual(['a', 'bb', 'ccc']);
      expect(source.position(text.indexOf('ccc') + 1)).toEqual({ line: 3, column: 2 });
    }
    // Editors show U+2028 inside a line; so do we.
    expect(new SourceText('a\u2028b\nc').lineCount).toBe(2);
  });

  it('a secret on line 3 is reported on line 3, with the right frame, line count and line hash', async () => {
    const cwd = makeProject({ 'src/mac.ts': crOnly, 'src/unix.ts': crOnly.replace(/\r/g, '\n') });
    const run = await runCli(['scan', '.', '-f', 'json', '--fail-on', 'none'], { cwd });
    const json = JSON.parse(run.stdout);
    const [mac, unix] = json.findings;
    expect(mac).toMatchObject({ file: 'src/mac.ts', line: 3, column: 23 });
    expect(mac.codeFrame.map((frame: { line: number }) => frame.line)).toEqual([2, 3, 4]);
    expect(mac.codeFrame[0].text).toBe('const region = "eu";');
    expect(mac.lineHash.split(':')[0]).toBe(unix.lineHash.split(':')[0]);
    expect(json.stats.linesScanned).toBe(8);
  });

  it('a suppression comment applies to the line below it', async () => {
    const cwd = makeProject({
      'src/mac.ts': ['const a = 1;', '// trustscan-ignore-next-line hardcoded-secret -- rotated test key', `export const stripe = '${STRIPE_KEY}';`, ''].join('\r'),
    });
    const run = await runCli(['scan', '.', '-f', 'json'], { cwd });
    expect(run.stderr).not.toContain('warning');
    expect(run.code).toBe(0);
    const [finding] = JSON.parse(run.stdout).findings;
    expect(finding).toMatchObject({ line: 3, suppression: { kind: 'inSource', justification: 'rotated test key' } });
  });

  it('a multi-line sink is reported on its first line, ending there', async () => {
    const lines = [
      `import express from 'express';`,
      `import { exec } from 'node:child_process';`,
      `export const app = express();`,
      `app.get('/files', (req, res) => {`,
      '  exec(`ls ${req.query.dir}`,',
      `    (error, output) => res.send(output));`,
      `});`,
      '',
    ];
    const cwd = makeProject({ 'src/mac.ts': lines.join('\r') });
    const json = JSON.parse((await runCli(['scan', '.', '-f', 'json', '--rule', 'command-injection', '--fail-on', 'none'], { cwd })).stdout);
    expect(json.findings).toHaveLength(1);
    expect(json.findings[0]).toMatchObject({ ruleId: 'command-injection', line: 5, endLine: 5 });
  });

  it('.env files count lines the same way', async () => {
    const cwd = makeProject({ '.env': ['# local', 'PORT=3000', `STRIPE_SECRET_KEY=${STRIPE_KEY}`, ''].join('\r') });
    const json = JSON.parse((await runCli(['scan', '.', '-f', 'json', '--fail-on', 'none'], { cwd })).stdout);
    expect(json.findings).toHaveLength(1);
    expect(json.findings[0]).toMatchObject({ file: '.env', line: 3 });
  });
});

describe('a folder the scanner may not read', () => {
  const repoRoot = fileURLToPath(new URL('..', import.meta.url));
  const locked: string[] = [];
  afterAll(() => {
    for (const dir of locked) chmodSync(dir, 0o755);
  });

  it('is a warning naming it, not silently skipped', () => {
    const cwd = makeProject({ 'src/ok.ts': 'export const a = 1;\n', 'src/private/hidden.ts': secretLine });
    const lockedDir = path.join(cwd, 'src/private');
    chmodSync(lockedDir, 0o000);
    locked.push(lockedDir);
    let readableAnyway = true;
    try {
      accessSync(lockedDir, constants.R_OK);
    } catch {
      readableAnyway = false;
    }
    // Root reads a chmod 000 folder; then run the CLI as an unprivileged user (nobody) instead.
    const asUser = readableAnyway && process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
    if (readableAnyway && !asUser) return; // cannot make the folder unreadable here
    if (asUser) {
      for (const dir of [cwd, path.join(cwd, 'src')]) chmodSync(dir, 0o755);
      // A checkout under a folder only root may enter (a mktemp -d clone): nobody cannot run the CLI at all.
      const probe = spawnSync(process.execPath, [path.join(repoRoot, 'bin/trustscan.js'), '--version'], { cwd, encoding: 'utf8', ...asUser });
      if (probe.status !== 0) return;
    }
    const run = spawnSync(process.execPath, [path.join(repoRoot, 'bin/trustscan.js'), 'scan', '.', '-f', 'json'], {
      cwd,
      encoding: 'utf8',
      ...asUser,
    });
    expect(run.stderr).toContain('warning: src/private/: skipped, cannot read directory: permission denied (EACCES); files under it were not scanned');
    const json = JSON.parse(run.stdout);
    expect(json.warnings).toContainEqual(expect.objectContaining({ code: 'unreadable-directory', file: 'src/private' }));
    expect(json.stats.filesScanned).toBe(1);
  });

  it('is not a warning when it is excluded (node_modules is never listed)', async () => {
    const cwd = makeProject({ 'src/ok.ts': 'export const a = 1;\n' });
    mkdirSync(path.join(cwd, 'node_modules/pkg'), { recursive: true });
    writeFileSync(path.join(cwd, 'node_modules/pkg/index.js'), '');
    chmodSync(path.join(cwd, 'node_modules/pkg'), 0o000);
    locked.push(path.join(cwd, 'node_modules/pkg'));
    const run = await runCli(['scan', '.'], { cwd });
    expect(run.stderr).not.toContain('unreadable');
    expect(run.stderr).not.toContain('cannot read directory');
  });
});

describe('source files as bytes', () => {
  it('a byte order mark is not part of the text: findings keep their columns', async () => {
    const cwd = makeProject({ 'src/plain.ts': secretLine, 'src/bom.ts': BOM + secretLine, 'src/plain.json': JSON.stringify({ stripe: STRIPE_KEY }), 'src/bom.json': BOM + JSON.stringify({ stripe: STRIPE_KEY }) });
    const run = await runCli(['scan', '.', '-f', 'json', '--fail-on', 'none'], { cwd });
    const at = Object.fromEntries(JSON.parse(run.stdout).findings.map((finding: { file: string; line: number; column: number }) => [finding.file, `${finding.line}:${finding.column}`]));
    expect(at['src/bom.ts']).toBe(at['src/plain.ts']);
    expect(at['src/plain.ts']).toBeDefined();
    expect(at['src/plain.json']).toBeDefined();
    expect(at['src/bom.json']).toBe(at['src/plain.json']);
  });

  it('bytes that are not UTF-8 skip the file with a warning; the others are scanned', async () => {
    const cwd = makeProject({ 'src/config.ts': secretLine, 'src/latin1.ts': Buffer.from('export const caf\xe9 = 1;\n', 'latin1') });
    const run = await runCli(['scan', '.', '-f', 'json', '--fail-on', 'none'], { cwd });
    const report = JSON.parse(run.stdout);
    expect(report.findings.map((finding: { file: string }) => finding.file)).toEqual(['src/config.ts']);
    expect(report.warnings.map((warning: { code: string; file?: string }) => `${warning.code} ${warning.file}`)).toContain('not-utf8 src/latin1.ts');
  });
});

describe('NUL characters', () => {
  it('a raw NUL inside a string of a source file is text: the file is scanned; binary content is skipped', async () => {
    const cwd = makeProject({
      'src/keys.ts': `export const cacheKey = (name: string, ref: string) => \`\${name}\u0000\${ref}\`;\n${secretLine}`,
      'src/video.ts': Buffer.from([0x47, 0x40, 0x00, 0x10, 0x00, 0x00, 0xb0, 0x0d, 0x00, 0x01, 0xc1, 0x00, 0x00, 0x00, 0x01, 0xf0, 0x00, 0x2a, 0xb1, 0x04]),
    });
    const json = JSON.parse((await runCli(['scan', '.', '-f', 'json', '--fail-on', 'none'], { cwd })).stdout);
    expect(json.findings.map((finding: { file: string; ruleId: string }) => `${finding.ruleId} ${finding.file}`)).toEqual(['hardcoded-secret src/keys.ts']);
    expect(json.warnings.map((warning: { code: string; file: string }) => `${warning.code} ${warning.file}`)).toEqual(['binary-file src/video.ts']);
  });
});

describe('names that are also Object.prototype members', () => {
  it('req.constructor.name, { toString() {} }, fs.constructor and app.toString() neither crash an analysis nor become findings', async () => {
    const cwd = makeProject({
      'package.json': JSON.stringify({ dependencies: { express: '4', hono: '4', mongodb: '6' } }),
      'src/app.ts': [
        "import express from 'express';",
        "import fs from 'node:fs';",
        "import { Hono } from 'hono';",
        "import { MongoClient } from 'mongodb';",
        'const app = express();',
        'const hono = new Hono();',
        'hono.toString();',
        "const users = new MongoClient('mongodb://localhost').db().collection('users');",
        'const described = { toString() { return "settings"; }, constructor: "plain" };',
        "app.get('/kind', (req, res) => { const label = req.constructor.name; fs.constructor(label); users.constructor(req.query); res.json({ label, described }); });",
        "app.get('/files', (req, res) => { res.send(fs.readFileSync(String(req.query.path))); });",
        'app.listen(3000);',
        '',
      ].join('\n'),
    });
    const json = JSON.parse((await runCli(['scan', '.', '-f', 'json', '--fail-on', 'none'], { cwd })).stdout);
    expect(json.warnings).toEqual([]);
    expect(json.findings.map((finding: { ruleId: string; line: number }) => `${finding.ruleId}:${finding.line}`).filter((id: string) => !id.startsWith('missing-security-headers'))).toEqual(['path-traversal:11']);
  });
});
