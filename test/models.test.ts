/**
 * Config `models`: a team's own wrappers taught to the scanner as data (engine/models.ts). The
 * fixture project (fixtures/models-project) writes SQL through its own `run()`, vets identifiers
 * with its own `safeIdentifier()`, logs through its own `audit`, authenticates with its own
 * `requireUser()` and rate-limits its login with its own `quota()`; none of them shows the scanner
 * what it is. Each model must bring back (sink, logger) or clear (sanitizer, auth helper, rate
 * limiter) exactly its findings, and nothing else may move.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../src/index.js';
import { runCli } from './helpers/cli.js';

const fixture = fileURLToPath(new URL('../fixtures/models-project', import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), 'trustscan-models-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SINK = { kind: 'sink', category: 'sql', module: './src/db', function: 'run', argument: 0 };
const SANITIZER = { kind: 'sanitizer', category: 'sql', module: './src/db', function: 'safeIdentifier' };
const LOGGER = { kind: 'logger', module: './src/audit', export: 'audit' };
const AUTH = { kind: 'auth', file: 'src/session.ts', function: 'requireUser' };
const SOURCE = { kind: 'source', module: 'my-rpc', function: 'onCall', parameter: 0 };
const RATE_LIMITER = { kind: 'rate-limiter', module: './src/limits', function: 'quota' };

let copies = 0;
async function findingsWith(models: object[] | undefined, extra: object = {}): Promise<string[]> {
  const dir = path.join(work, `copy-${copies++}`);
  cpSync(fixture, dir, { recursive: true });
  if (models) writeFileSync(path.join(dir, 'trustscan.config.json'), JSON.stringify({ models, ...extra }));
  const { result } = await scan({ cwd: dir, paths: ['.'] });
  return result.findings.map((finding) => `${finding.ruleId} ${finding.file}:${finding.line}`).sort();
}

describe('config models on a project with its own wrappers', () => {
  it('without models: the wrappers are invisible (no SQL injection, no log leak) and the helper-authenticated delete looks public', async () => {
    expect(await findingsWith(undefined)).toEqual(['missing-authentication src/app.ts:26', 'missing-rate-limit src/app.ts:32', 'missing-security-headers src/app.ts:11']);
  });

  it('a source model makes the handler an RPC function registers an entry point: with the sink model its query is reported, medium confidence', async () => {
    expect(await findingsWith([SINK, SOURCE])).toEqual(['missing-authentication src/app.ts:26', 'missing-rate-limit src/app.ts:32', 'missing-security-headers src/app.ts:11', 'sql-injection src/app.ts:16', 'sql-injection src/app.ts:22', 'sql-injection src/rpc.ts:5']);
    const dir = path.join(work, `copy-${copies++}`);
    cpSync(fixture, dir, { recursive: true });
    writeFileSync(path.join(dir, 'trustscan.config.json'), JSON.stringify({ models: [SINK, SOURCE] }));
    const { result } = await scan({ cwd: dir, paths: ['.'] });
    const rpc = result.findings.find((finding) => finding.file === 'src/rpc.ts')!;
    expect(rpc.confidence).toBe('medium');
    expect(rpc.route).toBeUndefined();
    expect(rpc.trace[0]!.message).toBe('client input payload (a config source model)');
  });

  it('a sink model makes run() an SQL sink: both concatenated queries are reported, at the call', async () => {
    // The RPC handler's query is built by concatenation too; without a source model nothing says its text is the client's.
    expect(await findingsWith([SINK])).toEqual(['missing-authentication src/app.ts:26', 'missing-rate-limit src/app.ts:32', 'missing-security-headers src/app.ts:11', 'raw-sql-concatenation src/rpc.ts:5', 'sql-injection src/app.ts:16', 'sql-injection src/app.ts:22']);
  });

  it('a sanitizer model clears the query built from safeIdentifier(), and only that one', async () => {
    expect(await findingsWith([SINK, SANITIZER])).toEqual(['missing-authentication src/app.ts:26', 'missing-rate-limit src/app.ts:32', 'missing-security-headers src/app.ts:11', 'raw-sql-concatenation src/rpc.ts:5', 'sql-injection src/app.ts:16']);
  });

  it('a logger model makes audit.info() a log call: the logged password is reported', async () => {
    expect(await findingsWith([LOGGER])).toEqual(['missing-authentication src/app.ts:26', 'missing-rate-limit src/app.ts:32', 'missing-security-headers src/app.ts:11', 'sensitive-data-in-logs src/app.ts:33']);
  });

  it('an auth model on a helper the handlers call makes their routes authenticated', async () => {
    expect(await findingsWith([AUTH])).toEqual(['missing-rate-limit src/app.ts:32', 'missing-security-headers src/app.ts:11']);
  });

  it('a rate-limiter model makes the project\'s quota() middleware a rate limit: the login is no longer reported', async () => {
    expect(await findingsWith([RATE_LIMITER])).toEqual(['missing-authentication src/app.ts:26', 'missing-security-headers src/app.ts:11']);
    // Config rateLimiters names the same limiter by name, through the same matching.
    expect(await findingsWith([], { rateLimiters: ['quota'] })).toEqual(['missing-authentication src/app.ts:26', 'missing-security-headers src/app.ts:11']);
    // Another function of that module is not the limiter.
    expect(await findingsWith([{ ...RATE_LIMITER, function: 'other' }])).toEqual(['missing-authentication src/app.ts:26', 'missing-rate-limit src/app.ts:32', 'missing-security-headers src/app.ts:11']);
  });

  it('the route inventory names the rate-limiter model that limits the login', async () => {
    const dir = path.join(work, 'rate-limiter-routes');
    cpSync(fixture, dir, { recursive: true });
    writeFileSync(path.join(dir, 'trustscan.config.json'), JSON.stringify({ models: [SINK, RATE_LIMITER] }));
    const run = await runCli(['routes', '-f', 'json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const routes = (JSON.parse(run.stdout) as { routes: Array<{ method: string; path: string; middleware: Array<{ name: string; kind: string; evidence: string }> }> }).routes;
    const login = routes.find((route) => route.method === 'POST' && route.path === '/login')!;
    expect(login.middleware).toContainEqual(expect.objectContaining({ name: 'quota({ perMinute: 5 })', kind: 'rate-limit', evidence: 'declared in config models[1]' }));
  });

  it('all four together, and the finding says which model made the sink', async () => {
    const dir = path.join(work, 'all');
    cpSync(fixture, dir, { recursive: true });
    writeFileSync(path.join(dir, 'trustscan.config.json'), JSON.stringify({ models: [SINK, SANITIZER, LOGGER, AUTH] }));
    const { result } = await scan({ cwd: dir, paths: ['.'] });
    expect(result.findings.map((finding) => `${finding.ruleId} ${finding.file}:${finding.line}`).sort()).toEqual(['missing-rate-limit src/app.ts:32', 'missing-security-headers src/app.ts:11', 'raw-sql-concatenation src/rpc.ts:5', 'sensitive-data-in-logs src/app.ts:33', 'sql-injection src/app.ts:16']);
    const injection = result.findings.find((finding) => finding.ruleId === 'sql-injection')!;
    expect(injection.message).toContain('run() (config models[0])');
  });

  it('sink models of the other categories bring each injection rule to a wrapper it cannot see into', async () => {
    const at = (category: string, fn: string) => ({ kind: 'sink', category, module: './src/platform', function: fn });
    const found = await findingsWith([at('command', 'platform.runTool'), at('code', 'evaluate'), at('path', 'readAsset'), at('url', 'fetchRemote'), at('nosql', 'findDocuments')]);
    expect(found.filter((finding) => finding.includes('src/tools.ts'))).toEqual([
      'code-injection src/tools.ts:7',
      'command-injection src/tools.ts:6',
      'nosql-injection src/tools.ts:10',
      'path-traversal src/tools.ts:8',
      'ssrf src/tools.ts:9',
    ]);
  });

  it('module paths are relative to the config file, wherever it is', async () => {
    const dir = path.join(work, 'nested-config');
    cpSync(fixture, dir, { recursive: true });
    writeFileSync(path.join(dir, 'src', 'trustscan.config.json'), JSON.stringify({ models: [{ ...SINK, module: './db' }] }));
    const { result } = await scan({ cwd: dir, paths: ['.'], configPath: 'src/trustscan.config.json' });
    expect(result.findings.filter((finding) => finding.ruleId === 'sql-injection').map((finding) => finding.line)).toEqual([16, 22]);
  });
});

describe('sanitizer categories (fixtures/models-categories)', () => {
  const categories = fileURLToPath(new URL('../fixtures/models-categories', import.meta.url));
  async function scanWith(models: object[]): Promise<Array<{ ruleId: string; line: number; trace: Array<{ message: string }> }>> {
    const dir = path.join(work, `categories-${copies++}`);
    cpSync(categories, dir, { recursive: true });
    writeFileSync(path.join(dir, 'trustscan.config.json'), JSON.stringify({ models }));
    const { result } = await scan({ cwd: dir, paths: ['.'] });
    return result.findings.filter((finding) => finding.ruleId.endsWith('-injection')).map((finding) => ({ ruleId: finding.ruleId, line: finding.line, trace: finding.trace }));
  }
  const lines = (findings: Array<{ ruleId: string; line: number }>) => findings.map((finding) => `${finding.ruleId} src/app.ts:${finding.line}`).sort();

  it('without a sanitizer model the identifier reaches both sinks', async () => {
    expect(lines(await scanWith([SINK]))).toEqual(['command-injection src/app.ts:12', 'sql-injection src/app.ts:11']);
  });

  it('a sanitizer with category sql clears the SQL sink only: the same value reaching exec() is still command injection', async () => {
    const findings = await scanWith([SINK, SANITIZER]);
    expect(lines(findings)).toEqual(['command-injection src/app.ts:12']);
    // The trace says where the value was made safe, and for which sinks.
    expect(findings[0]!.trace.map((step) => step.message)).toContain('made safe for sql sinks by safeIdentifier() (config models[1])');
  });

  it('a sanitizer of another category clears neither; one without a category clears both', async () => {
    expect(lines(await scanWith([SINK, { ...SANITIZER, category: 'command' }]))).toEqual(['sql-injection src/app.ts:11']);
    const { category: _category, ...anySink } = SANITIZER;
    expect(lines(await scanWith([SINK, anySink]))).toEqual([]);
  });
});

describe('trustscan models', () => {
  it('lists the built-in models (SQL drivers and the sinks of every category, loggers, sanitizers, ORMs\' data access, auth libraries, rate limiters, state machines, secret shapes) and the config\'s, as JSON', async () => {
    const dir = path.join(work, 'listing');
    cpSync(fixture, dir, { recursive: true });
    writeFileSync(path.join(dir, 'trustscan.config.json'), JSON.stringify({ models: [SINK, LOGGER, RATE_LIMITER], rateLimiters: ['loginLimiter'] }));
    const run = await runCli(['models', '-f', 'json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const listing = JSON.parse(run.stdout) as { config: string; models: Array<{ kind: string; category?: string; modules: string[]; names: string[]; source: string }> };
    expect(listing.config).toBe('trustscan.config.json');
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'sink', category: 'sql', modules: expect.arrayContaining(['pg']), names: ['query'], source: 'built-in' }));
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'logger', modules: expect.arrayContaining(['pino', 'winston']), source: 'built-in' }));
    // Sanitizers: an SQL escaper is safe for SQL sinks only; a numeric conversion for every sink (no category).
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'sanitizer', category: 'sql', modules: expect.arrayContaining(['sqlstring', 'mysql']), names: expect.arrayContaining(['escape', 'escapeId']), source: 'built-in' }));
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'sanitizer', category: 'path', names: expect.arrayContaining(['path.basename']), source: 'built-in' }));
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'sanitizer', category: 'url', names: expect.arrayContaining(['encodeURIComponent']), source: 'built-in' }));
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'sanitizer', category: 'nosql', modules: ['class-validator'], names: expect.arrayContaining(['IsString']), source: 'built-in' }));
    const numeric = listing.models.find((model) => model.kind === 'sanitizer' && model.names.includes('parseInt'));
    expect(numeric).toMatchObject({ source: 'built-in', names: expect.arrayContaining(['Number']) });
    expect(numeric!.category).toBeUndefined();
    expect(listing.models.some((model) => model.kind === 'secret-shape' && model.names[0] === 'private-key')).toBe(true);
    // The options and defaults the configuration rules read.
    const settings = new Set(listing.models.filter((model) => model.kind === 'setting').map((model) => model.category));
    expect([...settings].sort()).toEqual(['audit-log', 'cookie', 'cors', 'mass-assignment', 'password-hash', 'security-headers', 'tls']);
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'setting', category: 'tls', names: ['rejectUnauthorized: false'], source: 'built-in' }));
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'auth', modules: ['@nestjs/passport'], names: ['AuthGuard', 'IAuthGuard'], source: 'built-in' }));
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'middleware', category: 'validation', modules: ['celebrate'], names: ['*'], source: 'built-in' }));
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'middleware', category: 'plumbing', modules: expect.arrayContaining(['body-parser', '@middy/http-cors']), source: 'built-in' }));
    // The built-in request sources: per request-like object, what holds client input.
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'source', names: expect.arrayContaining(['pathParameters (params)', 'body (body)']), description: expect.stringContaining('[lambda-event]'), source: 'built-in' }));
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'source', names: expect.arrayContaining(['input (body)']), description: expect.stringContaining('request-like inside: ctx -> app-context'), source: 'built-in' }));
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'auth', modules: ['jsonwebtoken'], names: ['verify'], source: 'built-in' }));
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'rate-limiter', modules: ['express-rate-limit'], source: 'built-in' }));
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'rate-limiter', modules: ['rate-limiter-flexible'], names: ['consume'], source: 'built-in' }));
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'rate-limiter', names: expect.arrayContaining(['keyGenerator']), source: 'built-in' }));
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'state-machine', modules: expect.arrayContaining(['xstate', 'javascript-state-machine']), names: expect.arrayContaining(['can', 'transition']), source: 'built-in' }));
    const dataAccess = (category: string, operation: string) => listing.models.find((model) => model.kind === 'data-access' && model.category === category && (model as { description?: string }).description?.startsWith(`${category} ${operation}:`));
    expect(dataAccess('prisma', 'lookups')).toEqual(expect.objectContaining({ modules: ['@prisma/client'], names: expect.arrayContaining(['findUnique', 'findMany']), source: 'built-in' }));
    expect(dataAccess('prisma', 'updates')?.names).toContain('updateMany');
    expect(dataAccess('mongoose', 'deletes')?.names).toContain('findByIdAndDelete');
    expect(dataAccess('sequelize', 'lookups')?.names).toContain('findByPk');
    expect(dataAccess('dynamodb', 'lookups')?.names).toEqual(expect.arrayContaining(['get', 'GetCommand']));
    // The sink tables of the other categories (src/models/http-clients.ts, processes.ts, code-evaluation.ts, filesystem.ts, nosql.ts).
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'sink', category: 'command', modules: ['child_process'], names: ['exec', 'execSync'], argument: 0, source: 'built-in' }));
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'sink', category: 'url', modules: ['axios'], names: expect.arrayContaining(['get', 'post', 'request']), argument: 0, source: 'built-in' }));
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'sink', category: 'code', modules: ['vm'], names: expect.arrayContaining(['runInNewContext', 'Script']), argument: 0, source: 'built-in' }));
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'sink', category: 'path', modules: expect.arrayContaining(['fs', 'fs-extra']), names: expect.arrayContaining(['copyFile', 'move']), argument: 0, source: 'built-in' }));
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'sink', category: 'nosql', modules: expect.arrayContaining(['mongoose', 'mongodb']), names: expect.arrayContaining(['find', 'updateOne']), argument: 0, source: 'built-in' }));
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'sanitizer', category: 'url', names: expect.arrayContaining(['encodeURIComponent']), source: 'built-in' }));
    expect(listing.models).toContainEqual(expect.objectContaining({ kind: 'sink', category: 'redirect', modules: ['next/server'], names: ['NextResponse.redirect'], argument: 0, source: 'built-in' }));
    expect(new Set(listing.models.filter((model) => model.kind === 'sink' && model.source === 'built-in').map((model) => model.category))).toEqual(new Set(['sql', 'url', 'command', 'code', 'path', 'nosql', 'redirect', 'html']));
    expect(listing.models.filter((model) => model.source !== 'built-in')).toEqual([
      { kind: 'sink', category: 'sql', modules: ['./src/db'], names: ['run'], argument: 0, description: 'its argument 0 reaches a sql sink', source: 'config models[0]' },
      { kind: 'logger', modules: ['./src/audit'], names: ['audit'], description: 'the export, or a log method on it, writes log records', source: 'config models[1]' },
      { kind: 'rate-limiter', modules: ['./src/limits'], names: ['quota'], description: 'rate-limits the routes it runs in front of (itself, or what a call of it makes), or whose handler calls it', source: 'config models[2]' },
      { kind: 'rate-limiter', modules: [], names: ['loginLimiter'], description: 'middleware or a function so named rate-limits the routes it runs in front of, or whose handler calls it', source: 'config rateLimiters' },
    ]);
  });

  it('prints them as text, and a bad model entry is one line with its JSON path, exit 2', async () => {
    const dir = path.join(work, 'listing-text');
    cpSync(fixture, dir, { recursive: true });
    writeFileSync(path.join(dir, 'trustscan.config.json'), JSON.stringify({ models: [SANITIZER] }));
    const run = await runCli(['models'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^sanitizer \(sql\)\s+config models\[0\]\s+\.\/src\/db: safeIdentifier$/m);
    expect(run.stdout).toMatch(/\d+ models: \d+ built-in, 1 from config \(trustscan\.config\.json\)\n$/);
    writeFileSync(path.join(dir, 'trustscan.config.json'), JSON.stringify({ models: [{ kind: 'logger', module: './src/audit' }] }));
    const bad = await runCli(['models'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([expect.stringMatching(/\$\.models\[0\]\.export: must be the exported name/)]);
  });

  it('a bad rate-limiter entry is one line with its JSON path, exit 2', async () => {
    const dir = path.join(work, 'listing-bad-limiter');
    cpSync(fixture, dir, { recursive: true });
    const problem = async (entry: object): Promise<string[]> => {
      writeFileSync(path.join(dir, 'trustscan.config.json'), JSON.stringify({ models: [SINK, entry] }));
      const run = await runCli(['models'], { cwd: dir });
      expect(run.code).toBe(2);
      return run.stderr.trim().split('\n');
    };
    expect(await problem({ kind: 'rate-limiter', module: './src/limits' })).toEqual([expect.stringMatching(/\$\.models\[1\]\.function: must be the name or member path of the limiter/)]);
    expect(await problem({ kind: 'rate-limiter', module: '', function: 'quota' })).toEqual([expect.stringMatching(/\$\.models\[1\]\.module: must be a package name or a path/)]);
    expect(await problem({ ...RATE_LIMITER, keyedBy: 'user' })).toEqual([expect.stringMatching(/\$\.models\[1\]\.keyedBy: unknown key for a "rate-limiter" model \(its keys: kind, module, function; for example \{"kind": "rate-limiter"/)]);
    expect(await problem({ kind: 'ratelimiter', module: './src/limits', function: 'quota' })).toEqual([expect.stringMatching(/\$\.models\[1\]\.kind: must be one of .*"rate-limiter"/)]);
  });
});
