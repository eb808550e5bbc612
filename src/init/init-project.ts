/**
 * `trustscan init`: a starting trustscan.config.json for the project (with `$schema` for editors'
 * completion, and notes in `$comment`, JSON having no comments), and optionally the GitHub
 * workflow that runs the action. Never overwrites a file unless asked.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../engine/errors.js';
import { describeSystemError } from '../engine/system-error.js';
import { detectFrameworks, type DetectedFramework } from './detect-frameworks.js';
import { makeDirectories } from '../engine/make-directories.js';

export const CONFIG_FILE = 'trustscan.config.json';
export const WORKFLOW_FILE = '.github/workflows/trustscan.yml';
const SCHEMA_IN_PACKAGE = 'node_modules/trustscan/schema/config.schema.json';

/** The pinned actions the workflow uses: a tag can be moved, a commit cannot. */
const CHECKOUT_ACTION = 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1';
const UPLOAD_SARIF_ACTION = 'github/codeql-action/upload-sarif@8aad20d150bbac5944a9f9d289da16a4b0d87c1e # v4.36.2';

/** What each framework leaves for the config to say. */
const FRAMEWORK_NOTES: Record<string, string> = {
  express: 'Express: middleware from a private package that authenticates goes in auth.middleware by name.',
  nestjs: 'NestJS: guards from a private package go in auth.middleware; role checks outside @Roles-style guards in auth.roleChecks.',
  tsoa: 'tsoa: @Security runs the expressAuthentication of tsoa.json routes.authenticationModule; keep tsoa.json in the scanned folders for basePath and controllerPathGlobs.',
  fastify: 'Fastify: anonymous hooks that authenticate are named by their file in models ({"kind": "auth", "file": "..."}).',
  koa: 'Koa: middleware from a private package that authenticates goes in auth.middleware by name.',
  hono: 'Hono: middleware from a private package that authenticates goes in auth.middleware by name.',
  next: 'Next.js: a middleware.ts that authenticates is read; wrappers from a private package go in auth.middleware.',
  graphql: 'GraphQL: a context function or directive from a private package that authenticates goes in auth.middleware.',
  trpc: 'tRPC: a protectedProcedure built from a private package goes in auth.middleware by the middleware name.',
  lambda: 'AWS Lambda: routes and authorizers are read from serverless.yml, SAM/CloudFormation templates and CDK stacks in the scanned folders.',
  vercel: 'Vercel: api/ functions are routes; wrappers from a private package go in auth.middleware.',
  netlify: 'Netlify: functions are routes; wrappers from a private package go in auth.middleware.',
};

/** `$schema`: the package's schema as npm installs it next to the project (the nearest node_modules up). */
function schemaReference(folder: string): string {
  for (let current = path.resolve(folder); ; current = path.dirname(current)) {
    if (existsSync(path.join(current, SCHEMA_IN_PACKAGE))) {
      const relative = path.relative(folder, path.join(current, SCHEMA_IN_PACKAGE)).split(path.sep).join('/');
      return relative.startsWith('.') ? relative : `./${relative}`;
    }
    if (path.dirname(current) === current) return `./${SCHEMA_IN_PACKAGE}`;
  }
}

export function configText(folder: string, frameworks: readonly DetectedFramework[], version: string): string {
  const found = frameworks.length > 0 ? frameworks.map((framework) => `${framework.title} (${framework.evidence.join(', ')})`).join('; ') : 'none recognised from package.json or deployment templates';
  const config = {
    $schema: schemaReference(folder),
    $comment: [
      `Written by trustscan init ${version}. Frameworks found: ${found}.`,
      'Every list below starts empty: fill in what the code cannot show (README: Configuration; docs/models.md).',
      ...frameworks.map((framework) => FRAMEWORK_NOTES[framework.id]!).filter(Boolean),
      'exclude: globs of generated or vendored code to skip, e.g. "src/generated/**".',
      'auth.middleware: names of middleware or guards that authenticate; auth.publicRoutes: routes public by design, e.g. "GET /health"; auth.roleChecks: functions that check roles.',
      'rateLimiters, stateGuards, sanitizers: names of the project functions that rate-limit, check a flow\'s state, or make input safe for every sink.',
      'rules: per rule id "off" or a severity; trustscan rules lists them.',
    ],
    exclude: [],
    auth: { middleware: [], publicRoutes: [], roleChecks: [] },
    rateLimiters: [],
    stateGuards: [],
    sanitizers: [],
    rules: {},
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function workflowText(version: string): string {
  return `# Written by trustscan init ${version}. Scans pushes to the default branch and pull requests (on a
# pull request only findings on the lines it changes), annotates the pull request, writes a job
# summary and uploads the SARIF report to GitHub code scanning.
name: trustscan

on:
  push:
    branches: [main, master]
  pull_request:

permissions:
  contents: read
  security-events: write # upload-sarif
  actions: read # upload-sarif, in a private repository

jobs:
  trustscan:
    runs-on: ubuntu-latest
    steps:
      - uses: ${CHECKOUT_ACTION}
        with:
          fetch-depth: 0 # the pull request's base, for changed-since

      - id: trustscan
        uses: trustscan/trustscan@v${version}
        with:
          fail-on: high
          # baseline: .trustscan-baseline.json # from trustscan scan --write-baseline

      - if: \${{ !cancelled() && hashFiles('trustscan.sarif') != '' }}
        uses: ${UPLOAD_SARIF_ACTION}
        with:
          sarif_file: trustscan.sarif
          category: trustscan
`;
}

export interface InitResult {
  written: string[];
  frameworks: DetectedFramework[];
}

/** Writes the config (and the workflow); an existing file stops everything before anything is written, unless `force`. */
export function initProject(cwd: string, folder: string, options: { force: boolean; workflow: boolean; version: string }): InitResult {
  const root = path.resolve(cwd, folder);
  if (!existsSync(root)) throw new UsageError(`folder does not exist: ${folder}`);
  const files: Array<[string, string]> = [];
  const frameworks = detectFrameworks(root);
  files.push([CONFIG_FILE, configText(root, frameworks, options.version)]);
  if (options.workflow) files.push([WORKFLOW_FILE, workflowText(options.version)]);
  if (!options.force) {
    for (const [name] of files) {
      if (existsSync(path.join(root, name))) throw new UsageError(`${path.join(folder, name)} already exists (--force overwrites it)`);
    }
    if (packageJsonHasConfig(root)) throw new UsageError(`${path.join(folder, 'package.json')} already has a "trustscan" config (--force writes ${CONFIG_FILE}, which takes precedence)`);
  }
  for (const [name, text] of files) {
    const target = path.join(root, name);
    try {
      makeDirectories(path.dirname(target));
      writeFileSync(target, text);
    } catch (error) {
      throw new UsageError(`cannot write ${path.join(folder, name)}: ${describeSystemError(error)}`);
    }
  }
  return { written: files.map(([name]) => name), frameworks };
}

function packageJsonHasConfig(root: string): boolean {
  try {
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8').replace(/^\uFEFF/, '')) as unknown;
    return typeof manifest === 'object' && manifest !== null && 'trustscan' in manifest;
  } catch {
    return false;
  }
}
