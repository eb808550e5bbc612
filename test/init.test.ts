/** `trustscan init`: framework detection, the written config (valid for trustscan and its JSON Schema), no overwrite, --workflow. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../src/engine/config.js';
import { detectFrameworks } from '../src/init/detect-frameworks.js';
import { allRules } from '../src/rules/index.js';
import { makeProject, runCli } from './helpers/cli.js';

const configSchema = JSON.parse(readFileSync(new URL('../schema/config.schema.json', import.meta.url), 'utf8'));
const validateAgainstSchema = new Ajv({ allErrors: true, strict: false }).compile(configSchema);
const manifest = (dependencies: Record<string, string>, devDependencies: Record<string, string> = {}) => JSON.stringify({ name: 'api', dependencies, devDependencies });

describe('framework detection', () => {
  it.each([
    [{ express: '^4' }, ['express']],
    [{ '@nestjs/core': '^10', '@nestjs/graphql': '^12' }, ['nestjs', 'graphql']],
    [{ fastify: '^5' }, ['fastify']],
    [{ koa: '^2', '@koa/router': '^12' }, ['koa']],
    [{ hono: '^4' }, ['hono']],
    [{ next: '^15' }, ['next']],
    [{ '@apollo/server': '^4' }, ['graphql']],
    [{ 'graphql-yoga': '^5' }, ['graphql']],
    [{ '@trpc/server': '^11' }, ['trpc']],
    [{ '@middy/core': '^5' }, ['lambda']],
    [{ lodash: '^4' }, []],
  ])('%j -> %j', (dependencies, expected) => {
    const folder = makeProject({ 'package.json': manifest(dependencies) });
    expect(detectFrameworks(folder).map((framework) => framework.id)).toEqual(expected);
  });

  it('finds Lambda from serverless and SAM templates, not from any template.yaml', () => {
    expect(detectFrameworks(makeProject({ 'serverless.yml': 'service: api\n' }))).toEqual([{ id: 'lambda', title: 'AWS Lambda', evidence: ['serverless.yml'] }]);
    const sam = makeProject({ 'template.yaml': "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n", 'package.json': manifest({}, { '@types/aws-lambda': '^8' }) });
    expect(detectFrameworks(sam)).toEqual([{ id: 'lambda', title: 'AWS Lambda', evidence: ['dependency @types/aws-lambda', 'template.yaml'] }]);
    expect(detectFrameworks(makeProject({ 'template.yaml': 'title: a page template\n' }))).toEqual([]);
  });

  it('reads a broken or missing package.json as no dependency', () => {
    expect(detectFrameworks(makeProject({ 'package.json': '{ not json' }))).toEqual([]);
    expect(detectFrameworks(makeProject({}))).toEqual([]);
  });
});

describe('trustscan init', () => {
  it('writes a config with $schema and notes that trustscan and the schema both accept', async () => {
    const cwd = makeProject({ 'package.json': manifest({ express: '^4', '@trpc/server': '^11' }), 'node_modules/trustscan/schema/config.schema.json': '{}' });
    const run = await runCli(['init'], { cwd });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe('Wrote trustscan.config.json\nFrameworks: Express, tRPC\n');
    const written = JSON.parse(readFileSync(path.join(cwd, 'trustscan.config.json'), 'utf8'));
    expect(written.$schema).toBe('./node_modules/trustscan/schema/config.schema.json');
    expect(written.$comment[0]).toBe('Written by trustscan init 0.1.0. Frameworks found: Express (dependency express); tRPC (dependency @trpc/server).');
    expect(written.$comment.join('\n')).toContain('tRPC: a protectedProcedure');
    expect(validateAgainstSchema(written), JSON.stringify(validateAgainstSchema.errors)).toBe(true);
    const { config, source } = loadConfig({ startDir: cwd, stopDir: cwd, rules: allRules });
    expect(source).toBe(path.join(cwd, 'trustscan.config.json'));
    expect(config.auth).toEqual({ middleware: [], publicRoutes: [], roleChecks: [] });
    // The project scans with it.
    expect((await runCli(['scan', '--fail-on', 'none', '-q'], { cwd })).code).toBe(0);
  });

  it('points $schema at the nearest node_modules up, or where npm will install it', async () => {
    const repo = makeProject({ 'node_modules/trustscan/schema/config.schema.json': '{}', 'apps/api/package.json': manifest({ hono: '^4' }) });
    await runCli(['init', 'apps/api'], { cwd: repo });
    expect(JSON.parse(readFileSync(path.join(repo, 'apps/api/trustscan.config.json'), 'utf8')).$schema).toBe('../../node_modules/trustscan/schema/config.schema.json');
    const bare = makeProject({});
    await runCli(['init'], { cwd: bare });
    expect(JSON.parse(readFileSync(path.join(bare, 'trustscan.config.json'), 'utf8')).$schema).toBe('./node_modules/trustscan/schema/config.schema.json');
  });

  it('refuses to overwrite a config (exit 2, one line) unless --force', async () => {
    const cwd = makeProject({ 'trustscan.config.json': '{"exclude": ["legacy/**"]}\n' });
    const run = await runCli(['init'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('trustscan 0.1.0: trustscan.config.json already exists (--force overwrites it)\n');
    expect(readFileSync(path.join(cwd, 'trustscan.config.json'), 'utf8')).toBe('{"exclude": ["legacy/**"]}\n');
    expect((await runCli(['init', '--force'], { cwd })).code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(cwd, 'trustscan.config.json'), 'utf8')).exclude).toEqual([]);
  });

  it('refuses when package.json holds the config, and writes nothing when the workflow exists', async () => {
    const inPackage = makeProject({ 'package.json': JSON.stringify({ name: 'a', trustscan: { exclude: [] } }) });
    const run = await runCli(['init'], { cwd: inPackage });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/package\.json already has a "trustscan" config/);
    const withWorkflow = makeProject({ '.github/workflows/trustscan.yml': 'name: mine\n' });
    const second = await runCli(['init', '--workflow'], { cwd: withWorkflow });
    expect(second.code).toBe(2);
    expect(second.stderr).toBe('trustscan 0.1.0: .github/workflows/trustscan.yml already exists (--force overwrites it)\n');
    expect(existsSync(path.join(withWorkflow, 'trustscan.config.json'))).toBe(false);
  });

  it('--workflow writes a workflow that runs the action and uploads SARIF by pinned commit', async () => {
    const cwd = makeProject({});
    const run = await runCli(['init', '--workflow'], { cwd });
    expect(run.stdout).toBe('Wrote trustscan.config.json\nWrote .github/workflows/trustscan.yml\nFrameworks: none recognised\n');
    const workflow = parse(readFileSync(path.join(cwd, '.github/workflows/trustscan.yml'), 'utf8'));
    expect(workflow.permissions).toEqual({ contents: 'read', 'security-events': 'write', actions: 'read' });
    const steps = workflow.jobs.trustscan.steps as Array<{ uses: string; with?: Record<string, unknown> }>;
    expect(steps.map((step) => step.uses)).toEqual([
      'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1',
      'trustscan/trustscan@v0.1.0',
      'github/codeql-action/upload-sarif@8aad20d150bbac5944a9f9d289da16a4b0d87c1e',
    ]);
    expect(steps[0]!.with).toEqual({ 'fetch-depth': 0 });
    expect(steps[2]!.with).toEqual({ sarif_file: 'trustscan.sarif', category: 'trustscan' });
  });

  it('exits 2 with one line for a folder that does not exist', async () => {
    const run = await runCli(['init', 'nope'], { cwd: makeProject({}) });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('trustscan 0.1.0: folder does not exist: nope\n');
  });
});

describe('the config JSON Schema (schema/config.schema.json)', () => {
  it('has exactly the keys the validator knows', () => {
    const source = readFileSync(new URL('../src/engine/config.ts', import.meta.url), 'utf8');
    const keys = /const TOP_LEVEL_KEYS = \[([^\]]+)\]/.exec(source)![1]!.match(/'([^']+)'/g)!.map((key) => key.slice(1, -1));
    expect(Object.keys(configSchema.properties).sort()).toEqual([...keys].sort());
  });

  it('accepts the README example and rejects what the validator rejects', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = JSON.parse(/## Configuration[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)![1]!);
    expect(validateAgainstSchema(example), JSON.stringify(validateAgainstSchema.errors)).toBe(true);
    for (const bad of [{ rulez: {} }, { rules: { x: 'loud' } }, { auth: { publicRoute: [] } }, { flows: [{ name: 'a', steps: ['/cart'] }] }, { models: [{ kind: 'sink', module: 'm', function: 'f' }] }, { $comment: 3 }]) {
      expect(validateAgainstSchema(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('is what the validator accepts for $comment', async () => {
    const cwd = makeProject({ 'trustscan.config.json': JSON.stringify({ $comment: 7 }), 'a.ts': 'export {};\n' });
    const run = await runCli(['scan'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\$\.\$comment: must be a string or an array of strings/);
    writeFileSync(path.join(cwd, 'trustscan.config.json'), JSON.stringify({ $comment: 'why', $schema: 'x' }));
    expect((await runCli(['scan'], { cwd })).code).toBe(0);
  });
});
