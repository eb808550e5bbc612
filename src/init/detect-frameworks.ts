/**
 * Which API frameworks a project uses, for `trustscan init`: from its package.json dependencies
 * and the deployment templates at its root. Reads files only (never runs the project or npm), and
 * loads no compiler: init answers at once.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { GRAPHQL_RESOLVER_MAP_PACKAGES, POTHOS_PACKAGES } from '../engine/frameworks/graphql/graphql-models.js';

export interface DetectedFramework {
  /** The name `trustscan routes` reports the framework by. */
  id: string;
  title: string;
  /** What shows it: `dependency express`, `serverless.yml`. */
  evidence: string[];
}

/** Package names per framework; the route adapters (src/engine/frameworks) recognise the same packages. */
const FRAMEWORK_PACKAGES: ReadonlyArray<{ id: string; title: string; packages: readonly string[] }> = [
  { id: 'express', title: 'Express', packages: ['express', 'express-promise-router'] },
  { id: 'nestjs', title: 'NestJS', packages: ['@nestjs/core', '@nestjs/common'] },
  { id: 'routing-controllers', title: 'routing-controllers', packages: ['routing-controllers'] },
  { id: 'tsoa', title: 'tsoa', packages: ['tsoa', '@tsoa/runtime'] },
  { id: 'fastify', title: 'Fastify', packages: ['fastify'] },
  { id: 'koa', title: 'Koa', packages: ['koa', '@koa/router', 'koa-router'] },
  { id: 'hono', title: 'Hono', packages: ['hono', '@hono/zod-openapi'] },
  { id: 'next', title: 'Next.js', packages: ['next'] },
  { id: 'remix', title: 'Remix / React Router', packages: ['@remix-run/node', '@remix-run/server-runtime', '@remix-run/cloudflare', '@react-router/node', '@react-router/dev', '@react-router/serve'] },
  { id: 'graphql', title: 'GraphQL', packages: [...GRAPHQL_RESOLVER_MAP_PACKAGES, ...POTHOS_PACKAGES, 'type-graphql', '@nestjs/graphql'] },
  { id: 'trpc', title: 'tRPC', packages: ['@trpc/server'] },
  { id: 'orpc', title: 'oRPC', packages: ['@orpc/server'] },
  { id: 'lambda', title: 'AWS Lambda', packages: ['aws-lambda', '@types/aws-lambda', '@middy/core', 'middy', 'aws-cdk-lib', 'serverless', '@aws-cdk/aws-lambda'] },
  { id: 'vercel', title: 'Vercel functions', packages: ['@vercel/node'] },
  { id: 'netlify', title: 'Netlify functions', packages: ['@netlify/functions'] },
  { id: 'medusa', title: 'Medusa', packages: ['@medusajs/framework', '@medusajs/medusa'] },
  { id: 'ts-rest', title: 'ts-rest', packages: ['@ts-rest/core', '@ts-rest/express', '@ts-rest/fastify', '@ts-rest/next', '@ts-rest/serverless'] },
];

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

/** Lambda routes are declared outside the code: in these files at the project root. */
function lambdaTemplates(folder: string, names: readonly string[]): string[] {
  const found: string[] = [];
  for (const name of names) {
    if (/^serverless\.(?:ya?ml|ts|js|json)$/.test(name) || name === 'samconfig.toml' || name === 'cdk.json') found.push(name);
    else if (/^template\.(?:ya?ml|json)$/.test(name)) {
      // A SAM or CloudFormation template says so in its first lines; other template.yaml files do not count.
      const text = readText(path.join(folder, name)).slice(0, 4096);
      if (/AWS::Serverless|AWSTemplateFormatVersion/.test(text)) found.push(name);
    }
  }
  return found;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The frameworks of the project in `folder`, in a fixed order, with what shows each. */
export function detectFrameworks(folder: string): DetectedFramework[] {
  const dependencies = new Set<string>();
  const manifest = path.join(folder, 'package.json');
  if (existsSync(manifest)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readText(manifest).replace(/^\uFEFF/, ''));
    } catch {
      parsed = undefined; // a broken package.json detects nothing; the scan reports it
    }
    for (const field of DEPENDENCY_FIELDS) {
      const entries = (parsed as Record<string, unknown> | undefined)?.[field];
      if (entries && typeof entries === 'object') for (const name of Object.keys(entries)) dependencies.add(name);
    }
  }
  let names: string[] = [];
  try {
    names = readdirSync(folder).sort();
  } catch {
    names = [];
  }
  const detected: DetectedFramework[] = [];
  for (const framework of FRAMEWORK_PACKAGES) {
    const evidence = framework.packages.filter((name) => dependencies.has(name)).map((name) => `dependency ${name}`);
    if (framework.id === 'lambda') evidence.push(...lambdaTemplates(folder, names));
    if (framework.id === 'netlify' && names.includes('netlify.toml')) evidence.push('netlify.toml');
    if (framework.id === 'vercel' && names.includes('vercel.json')) evidence.push('vercel.json');
    if (evidence.length > 0) detected.push({ id: framework.id, title: framework.title, evidence });
  }
  return detected;
}
