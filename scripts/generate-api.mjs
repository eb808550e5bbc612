// Deterministic generator of a synthetic multi-framework TypeScript API, used by bench.mjs.
// The same { files, seed } always yields byte-identical output, so timings from different
// machines or commits measure the scanner, not the corpus.
//
// Shape: a handful of shared modules (config, logger, db, errors, auth, ...), then groups of
// model + service + route files per entity, the route files rotating through Express, NestJS,
// Fastify, Koa, Hono and Next.js app router handlers, with a helper module every few groups.
// Files import each other with relative `.js` specifiers, as NodeNext projects do.
// A few fabricated, shape-correct secrets are planted; safe look-alikes are everywhere.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** mulberry32: tiny, fast, good enough for picking code shapes. */
function createRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
    chars: (alphabet, length) => {
      let out = '';
      for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
      return out;
    },
    sample: (items, count) => {
      const copy = [...items];
      const out = [];
      while (out.length < count && copy.length > 0) out.push(copy.splice(Math.floor(next() * copy.length), 1)[0]);
      return out;
    },
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const HEX = '0123456789abcdef';
const BASE64 = ALNUM + '+/';

const ENTITY_NAMES = [
  'order', 'invoice', 'customer', 'product', 'shipment', 'payment', 'refund', 'coupon', 'review',
  'ticket', 'project', 'task', 'comment', 'attachment', 'subscription', 'plan', 'team', 'member',
  'webhook', 'report', 'warehouse', 'supplier', 'cart', 'wishlist', 'notification', 'message',
  'device', 'address', 'contract', 'quote', 'booking', 'room', 'vehicle', 'driver', 'route',
  'campaign', 'lead', 'deal', 'expense', 'budget', 'asset', 'license', 'course', 'lesson',
  'enrollment', 'survey', 'feedback', 'article', 'category', 'tag',
];

const FIELD_POOL = [
  ['title', 'string', "'untitled'"],
  ['description', 'string', "''"],
  ['amountCents', 'number', '0'],
  ['currency', 'string', "'EUR'"],
  ['quantity', 'number', '1'],
  ['priority', 'number', '3'],
  ['dueDate', 'string | null', 'null'],
  ['notes', 'string', "''"],
  ['externalRef', 'string | null', 'null'],
  ['archived', 'boolean', 'false'],
  ['sku', 'string', "''"],
  ['region', 'string', "'eu-west'"],
  ['score', 'number', '0'],
  ['labels', 'string[]', '[]'],
  ['contactEmail', 'string', "''"],
  ['version', 'number', '1'],
];

const STATUS_SETS = [
  ['draft', 'pending', 'approved', 'rejected'],
  ['open', 'in_progress', 'resolved', 'closed'],
  ['created', 'paid', 'shipped', 'delivered', 'cancelled'],
  ['active', 'paused', 'expired'],
  ['new', 'review', 'published', 'archived'],
];

const ACTIONS = ['approve', 'archive', 'reopen', 'publish', 'lock', 'restore', 'escalate', 'assign', 'duplicate', 'complete'];

const FRAMEWORK_PAIRS = [
  ['express', 'fastify'],
  ['nest'],
  ['koa', 'hono'],
  ['next'],
  ['express', 'koa'],
  ['fastify', 'hono'],
];

// Later rounds through ENTITY_NAMES get a qualifier, so names stay readable ("partner-order").
const QUALIFIERS = ['', 'partner', 'internal', 'legacy', 'vendor', 'guest', 'regional', 'draft'];

const pascal = (s) => s.replace(/(^|[-_])([a-z0-9])/g, (_, __, c) => c.toUpperCase());
const camel = (s) => { const p = pascal(s); return p[0].toLowerCase() + p.slice(1); };
const plural = (s) => (s.endsWith('y') && !/[aeiou]y$/.test(s) ? s.slice(0, -1) + 'ies' : s.endsWith('s') || s.endsWith('ch') ? s + 'es' : s + 's');
const snake = (s) => s.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());

/**
 * Writes the synthetic API into `dir` (which should be empty) and returns what it wrote.
 * @param {string} dir
 * @param {{ files?: number, seed?: number }} [options]
 * @returns {{ files: string[], lines: number, plantedSecrets: number }} files: posix paths relative to dir, sorted
 */
export function generateApi(dir, { files = 500, seed = 1 } = {}) {
  if (!Number.isInteger(files) || files < 1) throw new Error(`files must be a positive integer, got ${files}`);
  const random = createRandom(seed);
  const plan = planFiles(files, random);
  const written = [];
  let lines = 0;
  let plantedSecrets = 0;

  for (const [index, item] of plan.entries()) {
    const context = { random, index, secretsPlanted: 0 };
    const text = item.render(context).join('\n') + '\n';
    const target = join(dir, item.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    written.push(item.path);
    lines += text.split('\n').length - 1;
    plantedSecrets += context.secretsPlanted;
  }

  const frameworks = new Set(plan.map((item) => item.framework).filter(Boolean));
  writeFileSync(join(dir, 'package.json'), JSON.stringify(packageJson(frameworks), null, 2) + '\n');
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfigJson(), null, 2) + '\n');

  return { files: written.sort(), lines, plantedSecrets };
}

function packageJson(frameworks) {
  const dependencies = { pg: '^8.13.1', winston: '^3.17.0', jsonwebtoken: '^9.0.2', zod: '^3.24.1' };
  if (frameworks.has('express')) Object.assign(dependencies, { express: '^4.21.2' });
  if (frameworks.has('nest')) Object.assign(dependencies, { '@nestjs/common': '^10.4.15', '@nestjs/core': '^10.4.15', 'reflect-metadata': '^0.2.2' });
  if (frameworks.has('fastify')) Object.assign(dependencies, { fastify: '^5.2.0', '@fastify/rate-limit': '^10.2.1' });
  if (frameworks.has('koa')) Object.assign(dependencies, { koa: '^2.15.3', '@koa/router': '^13.1.0' });
  if (frameworks.has('hono')) Object.assign(dependencies, { hono: '^4.6.14' });
  if (frameworks.has('next')) Object.assign(dependencies, { next: '^15.1.0', react: '^19.0.0' });
  return { name: 'synthetic-api', version: '0.0.0', private: true, type: 'module', dependencies };
}

function tsconfigJson() {
  return {
    compilerOptions: {
      target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true,
      experimentalDecorators: true, emitDecoratorMetadata: true, skipLibCheck: true, outDir: 'dist',
    },
    include: ['src', 'app'],
  };
}

// ---------------------------------------------------------------------------------------------
// Planning: which files, in which order (dependencies always come first, so truncating the plan
// to N files never leaves a dangling import).

function planFiles(count, random) {
  const plan = [
    { path: 'src/config/index.ts', render: renderConfig },
    { path: 'src/lib/logger.ts', render: renderLogger },
    { path: 'src/lib/db.ts', render: renderDb },
    { path: 'src/lib/errors.ts', render: renderErrors },
    { path: 'src/lib/auth.ts', render: renderAuth },
    { path: 'src/lib/pagination.ts', render: renderPagination },
    { path: 'src/lib/cache.ts', render: renderCache },
    { path: 'src/lib/validate.ts', render: renderValidate },
  ];
  let group = 0;
  while (plan.length < count) {
    const base = ENTITY_NAMES[group % ENTITY_NAMES.length];
    const round = Math.floor(group / ENTITY_NAMES.length);
    const qualifier = round < QUALIFIERS.length ? QUALIFIERS[round] : `${QUALIFIERS[round % QUALIFIERS.length] || 'extra'}${Math.floor(round / QUALIFIERS.length) + 1}`;
    const entity = makeEntity(base, qualifier, random);
    const frameworks = FRAMEWORK_PAIRS[group % FRAMEWORK_PAIRS.length];
    const nest = frameworks[0] === 'nest';
    plan.push({ path: `src/models/${entity.kebab}.model.ts`, render: (c) => renderModel(c, entity) });
    if (nest) {
      const folder = `src/modules/${entity.kebab}`;
      plan.push({ path: `${folder}/${entity.kebab}.service.ts`, render: (c) => renderNestService(c, entity), framework: 'nest' });
      plan.push({ path: `${folder}/${entity.kebab}.controller.ts`, render: (c) => renderNestController(c, entity), framework: 'nest' });
      plan.push({ path: `${folder}/${entity.kebab}.module.ts`, render: (c) => renderNestModule(c, entity), framework: 'nest' });
    } else {
      plan.push({ path: `src/services/${entity.kebab}.service.ts`, render: (c) => renderService(c, entity) });
      for (const framework of frameworks) {
        if (framework === 'next') {
          plan.push({ path: `app/api/${entity.plural}/route.ts`, render: (c) => renderNextCollection(c, entity), framework });
          plan.push({ path: `app/api/${entity.plural}/[id]/route.ts`, render: (c) => renderNextItem(c, entity), framework });
        } else {
          plan.push({ path: routePath(framework, entity), render: (c) => renderRouter(c, entity, framework), framework });
        }
      }
    }
    group++;
    if (group % 3 === 0) {
      const name = `${entity.kebab}-helpers`;
      plan.push({ path: `src/utils/${name}.ts`, render: (c) => renderUtil(c, entity) });
    }
  }
  return plan.slice(0, count);
}

function routePath(framework, entity) {
  switch (framework) {
    case 'express': return `src/routes/${entity.kebab}.routes.ts`;
    case 'fastify': return `src/plugins/${entity.kebab}.plugin.ts`;
    case 'koa': return `src/koa/${entity.kebab}.router.ts`;
    case 'hono': return `src/edge/${entity.kebab}.app.ts`;
    default: throw new Error(framework);
  }
}

function makeEntity(base, qualifier, random) {
  const fields = random.sample(FIELD_POOL, random.int(4, 8));
  const statuses = random.pick(STATUS_SETS);
  const actions = random.sample(ACTIONS, random.int(2, 5));
  const kebab = qualifier ? `${qualifier}-${base}` : base;
  return {
    kebab,
    Name: pascal(kebab),
    varName: camel(kebab),
    plural: qualifier ? `${qualifier}-${plural(base)}` : plural(base),
    table: snake(camel(plural(kebab))).replace(/-/g, '_'),
    fields,
    statuses,
    actions,
    // Some entities are checked for ownership, some are not, some skip the state guard:
    // material for the future BOLA / state-guard rules.
    ownerChecked: random.chance(0.8),
    stateGuarded: random.chance(0.75),
  };
}

// ---------------------------------------------------------------------------------------------
// Secrets and look-alikes.

/** One planted secret: fabricated, shape-correct. Returns lines. */
function plantedSecret(context) {
  const { random } = context;
  context.secretsPlanted++;
  switch (random.int(0, 7)) {
    case 0: return [`export const STRIPE_SECRET_KEY = 'sk_live_${random.chars(ALNUM, 24)}';`];
    case 1: return [
      'export const awsCredentials = {',
      `  accessKeyId: 'AKIA${random.chars(UPPER32, 16)}',`,
      `  secretAccessKey: '${random.chars(BASE64, 40)}',`,
      '};',
    ];
    case 2: return [`export const GITHUB_TOKEN = 'ghp_${random.chars(ALNUM, 36)}';`];
    case 3: return [`export const slackBotToken = 'xoxb-${random.chars('0123456789', 12)}-${random.chars('0123456789', 13)}-${random.chars(ALNUM, 24)}';`];
    case 4: return [`export const legacyDatabaseUrl = 'postgres://app_rw:${random.chars(ALNUM, 18)}@db-primary.internal:5432/app';`];
    case 5: return [
      'export function signLegacyToken(userId: string): string {',
      `  return jwt.sign({ sub: userId }, '${random.chars(ALNUM, 40)}', { expiresIn: '1h' });`,
      '}',
    ];
    case 6: return [
      'export const SIGNING_KEY_PEM = `-----BEGIN RSA PRIVATE KEY-----',
      ...Array.from({ length: 6 }, () => random.chars(BASE64, 64)),
      `${random.chars(BASE64, 40)}==`,
      '-----END RSA PRIVATE KEY-----`;',
    ];
    default: return [`const webhookSigningSecret = '${random.chars(ALNUM, 32)}';`, 'export const webhookSecret = webhookSigningSecret;'];
  }
}

/** One safe look-alike: names or shapes that resemble secrets but are not. */
function lookAlike(context, n) {
  const { random } = context;
  const options = [
    () => [`const apiKeyHeader${n} = 'x-api-key';`],
    () => [`const PASSWORD_MIN_LENGTH_${n} = 12;`],
    () => [`const sessionSecret${n} = process.env.SESSION_SECRET ?? '';`],
    () => [`const stripePublishableKey${n} = 'pk_live_${random.chars(ALNUM, 24)}';`],
    () => [`const fixtureChecksum${n} = '${random.chars(HEX, 64)}';`],
    () => [`const placeholderToken${n} = 'YOUR_API_TOKEN_HERE';`],
    () => [`const exampleAccessKeyId${n} = 'AKIAIOSFODNN7EXAMPLE';`],
    () => [`const databaseUrl${n} = process.env.DATABASE_URL ?? 'postgres://localhost:5432/app';`],
    () => [`const tokenType${n} = 'Bearer';`],
    () => [`const secretName${n} = 'prod/payments/stripe-secret-key';`],
    () => [`const passwordField${n} = 'password';`],
    () => [`const releaseCommit${n} = '${random.chars(HEX, 40)}';`],
    () => [`const pixelPng${n} = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk${random.chars(BASE64, 12)}';`],
    () => [`const jwtSecret${n} = process.env.JWT_SECRET;`],
    () => [`const correlationIdPrefix${n} = 'req_${random.chars(UPPER_DIGITS, 6)}';`],
    () => [`const resetTokenTtlSeconds${n} = 15 * 60;`],
  ];
  return random.pick(options)();
}

// ---------------------------------------------------------------------------------------------
// Padding: realistic helper functions until a file reaches its target length.

function helperBlock(context, entity, n) {
  const { random } = context;
  const { Name, fields, statuses } = entity;
  const numeric = fields.filter(([, type]) => type === 'number');
  const strings = fields.filter(([, type]) => type === 'string');
  const kinds = [
    () => [
      `export function summarize${Name}${n}(item: ${Name}): string {`,
      '  const parts: string[] = [item.id, item.status];',
      ...strings.slice(0, 3).map(([f]) => `  if (item.${f}) parts.push(String(item.${f}).slice(0, 40));`),
      "  return parts.join(' · ');",
      '}',
    ],
    () => [
      `export function compare${Name}${n}(a: ${Name}, b: ${Name}): number {`,
      ...numeric.slice(0, 2).map(([f]) => `  if (a.${f} !== b.${f}) return a.${f} - b.${f};`),
      '  return a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);',
      '}',
    ],
    () => [
      `export function status${n}Label(status: ${Name}Status): string {`,
      '  switch (status) {',
      ...statuses.map((s) => `    case '${s}':\n      return '${s.replace(/_/g, ' ')}';`).join('\n').split('\n'),
      '    default:',
      '      return status;',
      '  }',
      '}',
    ],
    () => [
      `export function chunk${n}<T>(items: readonly T[], size: number): T[][] {`,
      '  if (size <= 0) throw new RangeError(`chunk size must be positive, got ${size}`);',
      '  const out: T[][] = [];',
      '  for (let i = 0; i < items.length; i += size) {',
      '    out.push(items.slice(i, i + size));',
      '  }',
      '  return out;',
      '}',
    ],
    () => [
      `export async function withRetry${n}<T>(operation: () => Promise<T>, attempts = 3): Promise<T> {`,
      '  let lastError: unknown;',
      '  for (let attempt = 1; attempt <= attempts; attempt++) {',
      '    try {',
      '      return await operation();',
      '    } catch (err) {',
      '      lastError = err;',
      `      await new Promise((resolve) => setTimeout(resolve, ${random.int(2, 9)}0 * 2 ** attempt));`,
      '    }',
      '  }',
      '  throw lastError;',
      '}',
    ],
    () => [
      `export function to${Name}Csv${n}(rows: readonly ${Name}[]): string {`,
      `  const header = ['id', 'status', ${fields.slice(0, 4).map(([f]) => `'${f}'`).join(', ')}];`,
      '  const escape = (value: unknown) => {',
      "    const text = value === null || value === undefined ? '' : String(value);",
      '    return /[",\\n]/.test(text) ? `"${text.replace(/"/g, \'""\')}"` : text;',
      '  };',
      `  const body = rows.map((row) => [row.id, row.status, ${fields.slice(0, 4).map(([f]) => `row.${f}`).join(', ')}].map(escape).join(','));`,
      "  return [header.join(','), ...body].join('\\n');",
      '}',
    ],
    () => [
      `export function diff${Name}${n}(before: ${Name}, after: ${Name}): Array<keyof ${Name}> {`,
      `  const keys: Array<keyof ${Name}> = ['status', ${fields.map(([f]) => `'${f}'`).join(', ')}];`,
      '  return keys.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));',
      '}',
    ],
    () => [
      `export function isStale${n}(item: Pick<${Name}, 'updatedAt'>, now = Date.now(), maxAgeMs = ${random.int(1, 48)} * 3_600_000): boolean {`,
      '  const updated = Date.parse(item.updatedAt);',
      '  return Number.isNaN(updated) || now - updated > maxAgeMs;',
      '}',
    ],
  ];
  return random.pick(kinds)();
}

/** Appends helpers (and the occasional look-alike / planted secret) until the target length. */
function padTo(context, lines, entity, target, { allowSecret = true } = {}) {
  const { random } = context;
  const tail = [''];
  let n = 1;
  const lookAlikes = random.int(1, 3);
  for (let i = 0; i < lookAlikes; i++) tail.push(...lookAlike(context, `${n}${i}`));
  if (allowSecret && context.index % 71 === 37) tail.push(...plantedSecret(context));
  while (lines.length + tail.length < target) {
    tail.push('', ...helperBlock(context, entity, n++));
  }
  // Look-alikes are module-level consts; export them so they read like real config, not dead code.
  const names = tail.map((l) => /^const (\w+) =/.exec(l)?.[1]).filter(Boolean);
  if (names.length) tail.push('', `export { ${names.join(', ')} };`);
  return [...lines, ...tail];
}

function targetLength(random) {
  return random.int(88, 136);
}

// ---------------------------------------------------------------------------------------------
// Shared modules.

function renderConfig(context) {
  const { random } = context;
  const lines = [
    "import jwt from 'jsonwebtoken';",
    '',
    'const env = process.env;',
    '',
    'function required(name: string): string {',
    '  const value = env[name];',
    '  if (!value) throw new Error(`missing required environment variable ${name}`);',
    '  return value;',
    '}',
    '',
    'export const config = {',
    "  env: env.NODE_ENV ?? 'development',",
    '  port: Number(env.PORT ?? 3000),',
    "  logLevel: env.LOG_LEVEL ?? 'info',",
    "  databaseUrl: env.DATABASE_URL ?? 'postgres://localhost:5432/app',",
    "  redisUrl: env.REDIS_URL ?? 'redis://localhost:6379',",
    "  jwtSecret: env.NODE_ENV === 'test' ? 'test-secret' : required('JWT_SECRET'),",
    "  jwtIssuer: 'https://auth.example.test',",
    "  sessionSecret: env.SESSION_SECRET ?? '',",
    "  stripeSecretKey: env.STRIPE_SECRET_KEY ?? '',",
    `  stripePublishableKey: 'pk_live_${random.chars(ALNUM, 24)}',`,
    "  corsOrigins: (env.CORS_ORIGINS ?? 'http://localhost:5173').split(','),",
    '  rateLimit: { windowMs: 60_000, max: Number(env.RATE_LIMIT_MAX ?? 100) },',
    '} as const;',
    '',
    'export type AppConfig = typeof config;',
    '',
    'export function signAccessToken(payload: { sub: string; role: string }): string {',
    "  return jwt.sign(payload, config.jwtSecret, { expiresIn: '15m', issuer: config.jwtIssuer });",
    '}',
    '',
    'export function verifyAccessToken(token: string): { sub: string; role: string } {',
    '  return jwt.verify(token, config.jwtSecret, { issuer: config.jwtIssuer }) as { sub: string; role: string };',
    '}',
  ];
  context.secretsPlanted++;
  lines.push('', '// Left over from the v1 payment integration.', `export const LEGACY_STRIPE_KEY = 'sk_live_${random.chars(ALNUM, 24)}';`);
  return lines;
}

function renderLogger() {
  return [
    "import winston from 'winston';",
    "import { config } from '../config/index.js';",
    '',
    'const redactedKeys = new Set([\'password\', \'token\', \'authorization\', \'cardNumber\', \'ssn\']);',
    '',
    'function redact(value: unknown): unknown {',
    "  if (!value || typeof value !== 'object') return value;",
    '  if (Array.isArray(value)) return value.map(redact);',
    '  return Object.fromEntries(',
    "    Object.entries(value).map(([key, v]) => [key, redactedKeys.has(key) ? '[redacted]' : redact(v)]),",
    '  );',
    '}',
    '',
    'export const logger = winston.createLogger({',
    '  level: config.logLevel,',
    '  format: winston.format.combine(',
    '    winston.format.timestamp(),',
    '    winston.format((info) => ({ ...info, meta: redact(info.meta) }))(),',
    '    winston.format.json(),',
    '  ),',
    '  transports: [new winston.transports.Console()],',
    '});',
    '',
    'export function childLogger(scope: string) {',
    '  return logger.child({ scope });',
    '}',
  ];
}

function renderDb() {
  return [
    "import pg from 'pg';",
    "import { config } from '../config/index.js';",
    "import { logger } from './logger.js';",
    '',
    'export const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 20 });',
    '',
    "pool.on('error', (err) => logger.error('database pool error', { message: err.message }));",
    '',
    'export async function query<T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {',
    '  const started = performance.now();',
    '  const result = await pool.query<T>(text, params);',
    '  const elapsed = performance.now() - started;',
    "  if (elapsed > 200) logger.warn('slow query', { elapsed, text });",
    '  return result.rows;',
    '}',
    '',
    'export async function queryOne<T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T | undefined> {',
    '  const rows = await query<T>(text, params);',
    '  return rows[0];',
    '}',
    '',
    'export async function transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {',
    '  const client = await pool.connect();',
    '  try {',
    "    await client.query('BEGIN');",
    '    const result = await work(client);',
    "    await client.query('COMMIT');",
    '    return result;',
    '  } catch (err) {',
    "    await client.query('ROLLBACK');",
    '    throw err;',
    '  } finally {',
    '    client.release();',
    '  }',
    '}',
  ];
}

function renderErrors() {
  const lines = ["import type { NextFunction, Request, Response } from 'express';", ''];
  for (const [name, status] of [['BadRequest', 400], ['Unauthorized', 401], ['Forbidden', 403], ['NotFound', 404], ['Conflict', 409]]) {
    lines.push(
      `export class ${name}Error extends Error {`,
      `  readonly status = ${status};`,
      `  constructor(message = '${name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}') {`,
      '    super(message);',
      `    this.name = '${name}Error';`,
      '  }',
      '}',
      '',
    );
  }
  lines.push(
    'export function asyncHandler<R extends Request = Request>(',
    '  handler: (req: R, res: Response, next: NextFunction) => Promise<unknown>,',
    ') {',
    '  return (req: R, res: Response, next: NextFunction) => {',
    '    handler(req, res, next).catch(next);',
    '  };',
    '}',
    '',
    'export function statusOf(err: unknown): number {',
    "  return typeof err === 'object' && err !== null && 'status' in err ? Number((err as { status: number }).status) : 500;",
    '}',
  );
  return lines;
}

function renderAuth() {
  return [
    "import type { NextFunction, Request, Response } from 'express';",
    "import { verifyAccessToken } from '../config/index.js';",
    "import { UnauthorizedError, ForbiddenError } from './errors.js';",
    '',
    'export interface AuthUser {',
    '  id: string;',
    "  role: 'user' | 'admin';",
    '}',
    '',
    'export function userFromAuthorization(header: string | undefined): AuthUser {',
    "  if (!header?.startsWith('Bearer ')) throw new UnauthorizedError('missing bearer token');",
    "  const claims = verifyAccessToken(header.slice('Bearer '.length));",
    "  return { id: claims.sub, role: claims.role === 'admin' ? 'admin' : 'user' };",
    '}',
    '',
    'export function requireAuth(req: Request, _res: Response, next: NextFunction): void {',
    '  try {',
    '    (req as Request & { user?: AuthUser }).user = userFromAuthorization(req.headers.authorization);',
    '    next();',
    '  } catch (err) {',
    '    next(err);',
    '  }',
    '}',
    '',
    'export function requireRole(role: AuthUser[\'role\']) {',
    '  return (req: Request, _res: Response, next: NextFunction): void => {',
    '    const user = (req as Request & { user?: AuthUser }).user;',
    '    next(user?.role === role ? undefined : new ForbiddenError());',
    '  };',
    '}',
  ];
}

function renderPagination() {
  return [
    'export interface Page<T> {',
    '  items: T[];',
    '  total: number;',
    '  page: number;',
    '  pageSize: number;',
    '}',
    '',
    'export interface PageQuery {',
    '  page: number;',
    '  pageSize: number;',
    '  offset: number;',
    '}',
    '',
    'export function parsePage(page: unknown, pageSize: unknown, maxPageSize = 100): PageQuery {',
    '  const p = Math.max(1, Number.parseInt(String(page ?? 1), 10) || 1);',
    '  const size = Math.min(maxPageSize, Math.max(1, Number.parseInt(String(pageSize ?? 20), 10) || 20));',
    '  return { page: p, pageSize: size, offset: (p - 1) * size };',
    '}',
    '',
    'export function toPage<T>(items: T[], total: number, query: PageQuery): Page<T> {',
    '  return { items, total, page: query.page, pageSize: query.pageSize };',
    '}',
    '',
    'const SORTABLE = /^[a-z_]{1,32}$/;',
    '',
    "export function safeSortColumn(value: unknown, allowed: readonly string[], fallback = 'created_at'): string {",
    "  const column = typeof value === 'string' ? value : '';",
    '  return SORTABLE.test(column) && allowed.includes(column) ? column : fallback;',
    '}',
  ];
}

function renderCache() {
  return [
    'interface Entry<T> {',
    '  value: T;',
    '  expiresAt: number;',
    '}',
    '',
    'export class TtlCache<T> {',
    '  private readonly entries = new Map<string, Entry<T>>();',
    '',
    '  constructor(private readonly ttlMs: number, private readonly maxEntries = 1_000) {}',
    '',
    '  get(key: string): T | undefined {',
    '    const entry = this.entries.get(key);',
    '    if (!entry) return undefined;',
    '    if (entry.expiresAt < Date.now()) {',
    '      this.entries.delete(key);',
    '      return undefined;',
    '    }',
    '    return entry.value;',
    '  }',
    '',
    '  set(key: string, value: T): void {',
    '    if (this.entries.size >= this.maxEntries) {',
    '      const oldest = this.entries.keys().next().value;',
    '      if (oldest !== undefined) this.entries.delete(oldest);',
    '    }',
    '    this.entries.set(key, { value, expiresAt: Date.now() + this.ttlMs });',
    '  }',
    '',
    '  async getOrLoad(key: string, load: () => Promise<T>): Promise<T> {',
    '    const cached = this.get(key);',
    '    if (cached !== undefined) return cached;',
    '    const value = await load();',
    '    this.set(key, value);',
    '    return value;',
    '  }',
    '}',
  ];
}

function renderValidate() {
  return [
    "import { BadRequestError } from './errors.js';",
    '',
    'export type Check<T> = (value: unknown, path: string) => T;',
    '',
    'export const str = (max = 500): Check<string> => (value, path) => {',
    "  if (typeof value !== 'string' || value.length > max) throw new BadRequestError(`${path} must be a string of at most ${max} characters`);",
    '  return value;',
    '};',
    '',
    'export const num = (min = -Infinity, max = Infinity): Check<number> => (value, path) => {',
    "  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max) throw new BadRequestError(`${path} must be a number`);",
    '  return value;',
    '};',
    '',
    'export const bool: Check<boolean> = (value, path) => {',
    "  if (typeof value !== 'boolean') throw new BadRequestError(`${path} must be a boolean`);",
    '  return value;',
    '};',
    '',
    'export const optional = <T>(check: Check<T>): Check<T | undefined> => (value, path) =>',
    '  value === undefined ? undefined : check(value, path);',
    '',
    'export function object<T extends Record<string, unknown>>(shape: { [K in keyof T]: Check<T[K]> }): Check<T> {',
    '  return (value, path) => {',
    "    if (typeof value !== 'object' || value === null) throw new BadRequestError(`${path} must be an object`);",
    '    const out = {} as T;',
    '    for (const key of Object.keys(shape) as Array<keyof T>) {',
    '      out[key] = shape[key]((value as Record<string, unknown>)[key as string], `${path}.${String(key)}`);',
    '    }',
    '    return out;',
    '  };',
    '}',
    '',
    "export const uuid: Check<string> = (value, path) => {",
    "  if (typeof value !== 'string' || !/^[0-9a-f-]{36}$/i.test(value)) throw new BadRequestError(`${path} must be a uuid`);",
    '  return value;',
    '};',
  ];
}

// ---------------------------------------------------------------------------------------------
// Per-entity files.

function checkFor([, type]) {
  if (type === 'number') return 'num(0)';
  if (type === 'boolean') return 'bool';
  if (type === 'string[]') return '(v, p) => (Array.isArray(v) ? v.map((x, i) => str(64)(x, `${p}[${i}]`)) : str()(v, p) && [])';
  if (type.includes('null')) return '(v, p) => (v === null ? null : str()(v, p))';
  return 'str()';
}

function renderModel(context, entity) {
  const { Name, fields, statuses, table } = entity;
  const lines = [
    "import { bool, num, object, optional, str, type Check } from '../lib/validate.js';",
    '',
    `export const ${Name.toUpperCase()}_STATUSES = [${statuses.map((s) => `'${s}'`).join(', ')}] as const;`,
    `export type ${Name}Status = (typeof ${Name.toUpperCase()}_STATUSES)[number];`,
    '',
    `export interface ${Name} {`,
    '  id: string;',
    '  ownerId: string;',
    `  status: ${Name}Status;`,
    ...fields.map(([f, t]) => `  ${f}: ${t};`),
    '  createdAt: string;',
    '  updatedAt: string;',
    '}',
    '',
    `export interface ${Name}Row {`,
    '  id: string;',
    '  owner_id: string;',
    '  status: string;',
    ...fields.map(([f, t]) => `  ${snake(f)}: ${t};`),
    '  created_at: Date;',
    '  updated_at: Date;',
    '}',
    '',
    `export type Create${Name}Input = Pick<${Name}, ${fields.slice(0, 3).map(([f]) => `'${f}'`).join(' | ')}> & Partial<${Name}>;`,
    `export type Update${Name}Input = Partial<Pick<${Name}, ${fields.map(([f]) => `'${f}'`).join(' | ')}>>;`,
    '',
    `export const ${Name.toUpperCase()}_TABLE = '${table}';`,
    `export const ${Name.toUpperCase()}_COLUMNS = [`,
    "  'id', 'owner_id', 'status',",
    ...fields.map(([f]) => `  '${snake(f)}',`),
    "  'created_at', 'updated_at',",
    '] as const;',
    '',
    `export function from${Name}Row(row: ${Name}Row): ${Name} {`,
    '  return {',
    '    id: row.id,',
    '    ownerId: row.owner_id,',
    `    status: row.status as ${Name}Status,`,
    ...fields.map(([f]) => `    ${f}: row.${snake(f)},`),
    '    createdAt: row.created_at.toISOString(),',
    '    updatedAt: row.updated_at.toISOString(),',
    '  };',
    '}',
    '',
    `export const validateCreate${Name}: Check<Create${Name}Input> = object({`,
    ...fields.map((field, i) => `  ${field[0]}: ${i < 3 ? checkFor(field) : `optional(${checkFor(field)})`},`),
    `}) as Check<Create${Name}Input>;`,
    '',
    `export const validateUpdate${Name}: Check<Update${Name}Input> = object({`,
    ...fields.map((field) => `  ${field[0]}: optional(${checkFor(field)}),`),
    `}) as Check<Update${Name}Input>;`,
    '',
    `export function is${Name}Status(value: unknown): value is ${Name}Status {`,
    `  return typeof value === 'string' && (${Name.toUpperCase()}_STATUSES as readonly string[]).includes(value);`,
    '}',
    '',
    `export const ${Name.toUpperCase()}_TRANSITIONS: Record<${Name}Status, readonly ${Name}Status[]> = {`,
    ...statuses.map((s, i) => `  ${s}: [${statuses.slice(i + 1, i + 3).map((t) => `'${t}'`).join(', ')}],`),
    '};',
    '',
    `export function canTransition${Name}(from: ${Name}Status, to: ${Name}Status): boolean {`,
    `  return ${Name.toUpperCase()}_TRANSITIONS[from].includes(to);`,
    '}',
    '',
    `// Keeps unused-import linting quiet when a model has no boolean or number fields.`,
    'void bool; void num;',
  ];
  return padTo(context, lines, entity, targetLength(context.random), { allowSecret: false });
}

function renderService(context, entity) {
  const { Name, varName, fields, statuses, actions, table } = entity;
  const U = Name.toUpperCase();
  const lines = [
    "import { query, queryOne, transaction } from '../lib/db.js';",
    "import { childLogger } from '../lib/logger.js';",
    "import { TtlCache } from '../lib/cache.js';",
    "import { type PageQuery, safeSortColumn } from '../lib/pagination.js';",
    'import {',
    `  ${U}_COLUMNS,`,
    `  ${U}_TABLE,`,
    `  canTransition${Name},`,
    `  from${Name}Row,`,
    `  type ${Name},`,
    `  type ${Name}Row,`,
    `  type ${Name}Status,`,
    `  type Create${Name}Input,`,
    `  type Update${Name}Input,`,
    `} from '../models/${entity.kebab}.model.js';`,
    '',
    `const log = childLogger('${varName}-service');`,
    `const cache = new TtlCache<${Name}>(30_000);`,
    `const SELECT = \`SELECT \${${U}_COLUMNS.join(', ')} FROM \${${U}_TABLE}\`;`,
    '',
    `export async function findById(id: string): Promise<${Name} | undefined> {`,
    `  const row = await queryOne<${Name}Row>(\`\${SELECT} WHERE id = $1\`, [id]);`,
    `  return row ? from${Name}Row(row) : undefined;`,
    '}',
    '',
    `export async function findOwned(id: string, ownerId: string): Promise<${Name} | undefined> {`,
    `  return cache.getOrLoad(\`\${ownerId}:\${id}\`, async () => {`,
    `    const row = await queryOne<${Name}Row>(\`\${SELECT} WHERE id = $1 AND owner_id = $2\`, [id, ownerId]);`,
    "    if (!row) throw new Error('not found');",
    `    return from${Name}Row(row);`,
    '  }).catch(() => undefined);',
    '}',
    '',
    `export async function list(ownerId: string, page: PageQuery, status?: ${Name}Status, sort?: string): Promise<{ items: ${Name}[]; total: number }> {`,
    `  const column = safeSortColumn(sort, [${fields.slice(0, 3).map(([f]) => `'${snake(f)}'`).join(', ')}]);`,
    '  const params: unknown[] = [ownerId, page.pageSize, page.offset];',
    "  const statusFilter = status ? 'AND status = $4' : '';",
    '  if (status) params.push(status);',
    `  const rows = await query<${Name}Row>(\`\${SELECT} WHERE owner_id = $1 \${statusFilter} ORDER BY \${column} DESC LIMIT $2 OFFSET $3\`, params);`,
    `  const [{ count }] = await query<{ count: string }>(\`SELECT count(*) FROM ${table} WHERE owner_id = $1\`, [ownerId]);`,
    `  return { items: rows.map(from${Name}Row), total: Number(count) };`,
    '}',
    '',
    `export async function create(ownerId: string, input: Create${Name}Input): Promise<${Name}> {`,
    `  const row = await queryOne<${Name}Row>(`,
    `    \`INSERT INTO ${table} (owner_id, status, ${fields.slice(0, 3).map(([f]) => snake(f)).join(', ')}) VALUES ($1, '${statuses[0]}', $2, $3, $4) RETURNING *\`,`,
    `    [ownerId, ${fields.slice(0, 3).map(([f]) => `input.${f}`).join(', ')}],`,
    '  );',
    `  log.info('${varName} created', { id: row!.id, ownerId });`,
    `  return from${Name}Row(row!);`,
    '}',
    '',
    `export async function update(id: string, input: Update${Name}Input): Promise<${Name} | undefined> {`,
    '  const entries = Object.entries(input).filter(([, value]) => value !== undefined);',
    '  if (entries.length === 0) return findById(id);',
    "  const assignments = entries.map(([key], i) => `${key.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())} = $${i + 2}`);",
    `  const row = await queryOne<${Name}Row>(`,
    `    \`UPDATE ${table} SET \${assignments.join(', ')}, updated_at = now() WHERE id = $1 RETURNING *\`,`,
    '    [id, ...entries.map(([, value]) => value)],',
    '  );',
    `  return row ? from${Name}Row(row) : undefined;`,
    '}',
    '',
    'export async function remove(id: string, ownerId: string): Promise<boolean> {',
    `  const rows = await query<{ id: string }>(\`DELETE FROM ${table} WHERE id = $1 AND owner_id = $2 RETURNING id\`, [id, ownerId]);`,
    '  return rows.length > 0;',
    '}',
    '',
    `export async function transition(id: string, to: ${Name}Status): Promise<${Name} | undefined> {`,
    '  return transaction(async (client) => {',
    `    const { rows } = await client.query<${Name}Row>(\`UPDATE ${table} SET status = $2, updated_at = now() WHERE id = $1 RETURNING *\`, [id, to]);`,
    `    return rows[0] ? from${Name}Row(rows[0]) : undefined;`,
    '  });',
    '}',
    '',
    `export function allowedTransition(item: ${Name}, to: ${Name}Status): boolean {`,
    `  return canTransition${Name}(item.status, to);`,
    '}',
    '',
    `export async function search(ownerId: string, term: string): Promise<${Name}[]> {`,
    `  const rows = await query<${Name}Row>(\`\${SELECT} WHERE owner_id = $1 AND ${snake(fields[0][0])}::text ILIKE $2 LIMIT 50\`, [ownerId, \`%\${term}%\`]);`,
    `  return rows.map(from${Name}Row);`,
    '}',
    '',
    `export const ACTIONS = [${actions.map((a) => `'${a}'`).join(', ')}] as const;`,
  ];
  return padTo(context, lines, entity, targetLength(context.random));
}

function renderNestService(context, entity) {
  const { Name, varName, fields, statuses, table } = entity;
  const U = Name.toUpperCase();
  const lines = [
    "import { Injectable, Logger, NotFoundException, ConflictException } from '@nestjs/common';",
    "import { query, queryOne } from '../../lib/db.js';",
    "import type { PageQuery } from '../../lib/pagination.js';",
    'import {',
    `  ${U}_COLUMNS,`,
    `  ${U}_TABLE,`,
    `  canTransition${Name},`,
    `  from${Name}Row,`,
    `  type ${Name},`,
    `  type ${Name}Row,`,
    `  type ${Name}Status,`,
    `  type Create${Name}Input,`,
    `  type Update${Name}Input,`,
    `} from '../../models/${entity.kebab}.model.js';`,
    '',
    `const SELECT = \`SELECT \${${U}_COLUMNS.join(', ')} FROM \${${U}_TABLE}\`;`,
    '',
    '@Injectable()',
    `export class ${Name}Service {`,
    `  private readonly logger = new Logger(${Name}Service.name);`,
    '',
    `  async findOne(id: string, ownerId: string): Promise<${Name}> {`,
    `    const row = await queryOne<${Name}Row>(\`\${SELECT} WHERE id = $1 AND owner_id = $2\`, [id, ownerId]);`,
    `    if (!row) throw new NotFoundException('${varName} not found');`,
    `    return from${Name}Row(row);`,
    '  }',
    '',
    `  async findById(id: string): Promise<${Name} | undefined> {`,
    `    const row = await queryOne<${Name}Row>(\`\${SELECT} WHERE id = $1\`, [id]);`,
    `    return row ? from${Name}Row(row) : undefined;`,
    '  }',
    '',
    `  async list(ownerId: string, page: PageQuery): Promise<${Name}[]> {`,
    `    const rows = await query<${Name}Row>(\`\${SELECT} WHERE owner_id = $1 ORDER BY created_at DESC LIMIT $2 OFFSET $3\`, [ownerId, page.pageSize, page.offset]);`,
    `    return rows.map(from${Name}Row);`,
    '  }',
    '',
    `  async create(ownerId: string, input: Create${Name}Input): Promise<${Name}> {`,
    `    const row = await queryOne<${Name}Row>(`,
    `      \`INSERT INTO ${table} (owner_id, status, ${fields.slice(0, 3).map(([f]) => snake(f)).join(', ')}) VALUES ($1, '${statuses[0]}', $2, $3, $4) RETURNING *\`,`,
    `      [ownerId, ${fields.slice(0, 3).map(([f]) => `input.${f}`).join(', ')}],`,
    '    );',
    `    this.logger.log(\`${varName} \${row!.id} created\`);`,
    `    return from${Name}Row(row!);`,
    '  }',
    '',
    `  async update(id: string, ownerId: string, input: Update${Name}Input): Promise<${Name}> {`,
    '    const current = await this.findOne(id, ownerId);',
    '    const merged = { ...current, ...input };',
    `    const row = await queryOne<${Name}Row>(`,
    `      \`UPDATE ${table} SET ${fields.slice(0, 3).map(([f], i) => `${snake(f)} = $${i + 2}`).join(', ')}, updated_at = now() WHERE id = $1 RETURNING *\`,`,
    `      [id, ${fields.slice(0, 3).map(([f]) => `merged.${f}`).join(', ')}],`,
    '    );',
    `    return from${Name}Row(row!);`,
    '  }',
    '',
    `  async transition(id: string, ownerId: string, to: ${Name}Status): Promise<${Name}> {`,
    '    const current = await this.findOne(id, ownerId);',
    `    if (!canTransition${Name}(current.status, to)) throw new ConflictException(\`cannot move from \${current.status} to \${to}\`);`,
    `    const row = await queryOne<${Name}Row>(\`UPDATE ${table} SET status = $2 WHERE id = $1 RETURNING *\`, [id, to]);`,
    `    return from${Name}Row(row!);`,
    '  }',
    '',
    '  async remove(id: string, ownerId: string): Promise<void> {',
    `    await query(\`DELETE FROM ${table} WHERE id = $1 AND owner_id = $2\`, [id, ownerId]);`,
    '  }',
    '}',
  ];
  return padTo(context, lines, entity, targetLength(context.random));
}

function renderNestController(context, entity) {
  const { Name, varName, plural: route, actions, statuses, ownerChecked } = entity;
  const lines = [
    "import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards, createParamDecorator, type ExecutionContext, CanActivate, Injectable } from '@nestjs/common';",
    "import { userFromAuthorization, type AuthUser } from '../../lib/auth.js';",
    "import { parsePage } from '../../lib/pagination.js';",
    `import { ${Name}Service } from './${entity.kebab}.service.js';`,
    `import { validateCreate${Name}, validateUpdate${Name}, type ${Name} } from '../../models/${entity.kebab}.model.js';`,
    '',
    '@Injectable()',
    `class ${Name}AuthGuard implements CanActivate {`,
    '  canActivate(context: ExecutionContext): boolean {',
    '    const request = context.switchToHttp().getRequest();',
    '    request.user = userFromAuthorization(request.headers.authorization);',
    '    return true;',
    '  }',
    '}',
    '',
    'const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthUser =>',
    '  context.switchToHttp().getRequest().user,',
    ');',
    '',
    `@Controller('${route}')`,
    `@UseGuards(${Name}AuthGuard)`,
    `export class ${Name}Controller {`,
    `  constructor(private readonly ${varName}Service: ${Name}Service) {}`,
    '',
    '  @Get()',
    `  async list(@CurrentUser() user: AuthUser, @Query('page') page?: string, @Query('pageSize') pageSize?: string): Promise<${Name}[]> {`,
    `    return this.${varName}Service.list(user.id, parsePage(page, pageSize));`,
    '  }',
    '',
    "  @Get(':id')",
    `  async findOne(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser): Promise<${Name} | undefined> {`,
    ownerChecked
      ? `    return this.${varName}Service.findOne(id, user.id);`
      : `    void user;\n    return this.${varName}Service.findById(id);`,
    '  }',
    '',
    '  @Post()',
    `  async create(@Body() body: unknown, @CurrentUser() user: AuthUser): Promise<${Name}> {`,
    `    return this.${varName}Service.create(user.id, validateCreate${Name}(body, 'body'));`,
    '  }',
    '',
    "  @Patch(':id')",
    `  async update(@Param('id', ParseUUIDPipe) id: string, @Body() body: unknown, @CurrentUser() user: AuthUser): Promise<${Name}> {`,
    `    return this.${varName}Service.update(id, user.id, validateUpdate${Name}(body, 'body'));`,
    '  }',
    '',
    "  @Delete(':id')",
    '  @HttpCode(204)',
    "  async remove(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser): Promise<void> {",
    `    await this.${varName}Service.remove(id, user.id);`,
    '  }',
  ];
  actions.forEach((action, i) => {
    const to = statuses[Math.min(i + 1, statuses.length - 1)];
    lines.push(
      '',
      `  @Post(':id/${action}')`,
      `  async ${action}(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser): Promise<${Name}> {`,
      `    return this.${varName}Service.transition(id, user.id, '${to}');`,
      '  }',
    );
  });
  lines.push('}');
  return padTo(context, lines, entity, targetLength(context.random));
}

function renderNestModule(context, entity) {
  const { Name } = entity;
  const lines = [
    "import { Module } from '@nestjs/common';",
    `import { ${Name}Controller } from './${entity.kebab}.controller.js';`,
    `import { ${Name}Service } from './${entity.kebab}.service.js';`,
    `import type { ${Name} } from '../../models/${entity.kebab}.model.js';`,
    `import { ${Name.toUpperCase()}_STATUSES, type ${Name}Status } from '../../models/${entity.kebab}.model.js';`,
    '',
    '@Module({',
    `  controllers: [${Name}Controller],`,
    `  providers: [${Name}Service],`,
    `  exports: [${Name}Service],`,
    '})',
    `export class ${Name}Module {}`,
    '',
    `export const ${Name.toUpperCase()}_DEFAULT_STATUS: ${Name}Status = ${Name.toUpperCase()}_STATUSES[0];`,
  ];
  return padTo(context, lines, entity, targetLength(context.random));
}

/** Framework adapters: how a handler reads input and answers, so one set of handler bodies fits all. */
const ADAPTERS = {
  express: {
    imports: (entity) => [
      "import { Router, type Request } from 'express';",
      "import { requireAuth, type AuthUser } from '../lib/auth.js';",
      "import { asyncHandler } from '../lib/errors.js';",
    ],
    setup: (entity) => [`export const ${entity.varName}Router = Router();`, '', 'type AuthedRequest = Request & { user: AuthUser };'],
    open: (entity, method, path) => [`${entity.varName}Router.${method}('${path}', requireAuth, asyncHandler<AuthedRequest>(async (req, res) => {`],
    close: () => ['}));'],
    param: (name) => `req.params.${name}`,
    query: (name) => `req.query.${name}`,
    body: () => 'req.body',
    user: () => 'req.user',
    send: (status, expr) => (status === 204 ? 'return res.status(204).end();' : `return res.status(${status}).json(${expr});`),
  },
  koa: {
    imports: () => [
      "import Router from '@koa/router';",
      "import type { Context, Next } from 'koa';",
      "import { userFromAuthorization, type AuthUser } from '../lib/auth.js';",
    ],
    setup: (entity) => [
      `export const ${entity.varName}Router = new Router<{ user: AuthUser }>({ prefix: '/koa' });`,
      '',
      'async function requireAuth(ctx: Context, next: Next): Promise<void> {',
      '  ctx.state.user = userFromAuthorization(ctx.get(\'authorization\'));',
      '  await next();',
      '}',
    ],
    open: (entity, method, path) => [`${entity.varName}Router.${method}('${path}', requireAuth, async (ctx) => {`],
    close: () => ['});'],
    param: (name) => `ctx.params.${name}`,
    query: (name) => `ctx.query.${name}`,
    body: () => '(ctx.request as unknown as { body: unknown }).body',
    user: () => 'ctx.state.user',
    send: (status, expr) => (status === 204 ? 'ctx.status = 204;\n    return;' : `ctx.status = ${status};\n    ctx.body = ${expr};\n    return;`),
  },
  fastify: {
    imports: () => [
      "import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';",
      "import { userFromAuthorization } from '../lib/auth.js';",
    ],
    setup: () => [],
    pluginOpen: (entity) => [
      `export const ${entity.varName}Plugin: FastifyPluginAsync = async (app: FastifyInstance) => {`,
      "  app.addHook('preHandler', async (request: FastifyRequest) => {",
      "    (request as FastifyRequest & { user?: unknown }).user = userFromAuthorization(request.headers.authorization);",
      '  });',
    ],
    pluginClose: () => ['};'],
    open: (entity, method, path) => [`  app.${method}<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>('${path}', async (request, reply) => {`],
    close: () => ['  });'],
    indent: '  ',
    param: (name) => `request.params.${name}`,
    query: (name) => `request.query.${name}`,
    body: () => 'request.body',
    user: () => '(request as unknown as { user: { id: string } }).user',
    send: (status, expr) => (status === 204 ? 'return reply.code(204).send();' : `return reply.code(${status}).send(${expr});`),
  },
  hono: {
    imports: () => [
      "import { Hono } from 'hono';",
      "import { userFromAuthorization, type AuthUser } from '../lib/auth.js';",
    ],
    setup: (entity) => [
      `export const ${entity.varName}App = new Hono<{ Variables: { user: AuthUser } }>();`,
      '',
      `${entity.varName}App.use('*', async (c, next) => {`,
      "  c.set('user', userFromAuthorization(c.req.header('authorization')));",
      '  await next();',
      '});',
    ],
    open: (entity, method, path) => [`${entity.varName}App.${method}('${path}', async (c) => {`],
    close: () => ['});'],
    param: (name) => `c.req.param('${name}')`,
    query: (name) => `c.req.query('${name}')`,
    body: () => 'await c.req.json()',
    user: () => "c.get('user')",
    send: (status, expr) => (status === 204 ? 'return c.body(null, 204);' : `return c.json(${expr}, ${status});`),
  },
};

function renderRouter(context, entity, framework) {
  const { random } = context;
  const a = ADAPTERS[framework];
  const { Name, varName, plural: base, actions, statuses, ownerChecked, stateGuarded, table } = entity;
  const service = `${varName}Service`;
  const lines = [
    ...a.imports(entity),
    "import { logger } from '../lib/logger.js';",
    "import { parsePage } from '../lib/pagination.js';",
    "import { pool } from '../lib/db.js';",
    `import * as ${service} from '../services/${entity.kebab}.service.js';`,
    `import { is${Name}Status, validateCreate${Name}, validateUpdate${Name} } from '../models/${entity.kebab}.model.js';`,
    '',
  ];
  const setup = a.setup(entity);
  if (setup.length) lines.push(...setup, '');
  if (a.pluginOpen) lines.push(...a.pluginOpen(entity), '');
  const pad = a.indent ?? '';
  const handler = (method, path, body) => {
    lines.push(...a.open(entity, method, path));
    for (const line of body) for (const part of line.split('\n')) lines.push(pad + '  ' + part);
    lines.push(...a.close(), '');
  };
  const send = (status, expr) => a.send(status, expr).split('\n').map((l, i) => (i === 0 ? l : l.trim()));

  handler('get', `/${base}`, [
    `const page = parsePage(${a.query('page')}, ${a.query('pageSize')});`,
    `const status = ${a.query('status')};`,
    `const result = await ${service}.list(${a.user()}.id, page, is${Name}Status(status) ? status : undefined, ${a.query('sort')} as string | undefined);`,
    ...send(200, '{ ...result, page: page.page }'),
  ]);
  handler('get', `/${base}/search`, random.chance(0.06)
    ? [
        `const term = String(${a.query('q')} ?? '');`,
        `const { rows } = await pool.query("SELECT id, status FROM ${table} WHERE owner_id = '" + ${a.user()}.id + "' AND status LIKE '%" + term + "%'");`,
        ...send(200, 'rows'),
      ]
    : [
        `const term = String(${a.query('q')} ?? '').slice(0, 100);`,
        `const items = await ${service}.search(${a.user()}.id, term);`,
        ...send(200, 'items'),
      ]);
  handler('get', `/${base}/:id`, ownerChecked
    ? [
        `const item = await ${service}.findById(${a.param('id')});`,
        `if (!item || item.ownerId !== ${a.user()}.id) {`,
        `  ${send(404, "{ error: 'not found' }").join('\n  ')}`,
        '}',
        ...send(200, 'item'),
      ]
    : [
        `const item = await ${service}.findById(${a.param('id')});`,
        'if (!item) {',
        `  ${send(404, "{ error: 'not found' }").join('\n  ')}`,
        '}',
        ...send(200, 'item'),
      ]);
  handler('post', `/${base}`, [
    `const input = validateCreate${Name}(${a.body()}, 'body');`,
    `const created = await ${service}.create(${a.user()}.id, input);`,
    random.chance(0.1)
      ? `logger.info('${varName} create request', { body: ${a.body()} });`
      : `logger.info('${varName} created', { id: created.id });`,
    ...send(201, 'created'),
  ]);
  handler('patch', `/${base}/:id`, [
    `const existing = await ${service}.findOwned(${a.param('id')}, ${a.user()}.id);`,
    'if (!existing) {',
    `  ${send(404, "{ error: 'not found' }").join('\n  ')}`,
    '}',
    `const updated = await ${service}.update(existing.id, validateUpdate${Name}(${a.body()}, 'body'));`,
    ...send(200, 'updated'),
  ]);
  handler('delete', `/${base}/:id`, [
    `const removed = await ${service}.remove(${a.param('id')}, ${a.user()}.id);`,
    ...(removed404(send)),
    ...send(204, ''),
  ]);
  actions.forEach((action, i) => {
    const to = statuses[Math.min(i + 1, statuses.length - 1)];
    handler('post', `/${base}/:id/${action}`, [
      `const item = await ${service}.findOwned(${a.param('id')}, ${a.user()}.id);`,
      'if (!item) {',
      `  ${send(404, "{ error: 'not found' }").join('\n  ')}`,
      '}',
      ...(stateGuarded
        ? [
            `if (!${service}.allowedTransition(item, '${to}')) {`,
            `  ${send(409, `{ error: \`cannot ${action} a \${item.status} ${varName}\` }`).join('\n  ')}`,
            '}',
          ]
        : []),
      `const next = await ${service}.transition(item.id, '${to}');`,
      `logger.info('${varName} ${action}', { id: item.id, by: ${a.user()}.id });`,
      ...send(200, 'next'),
    ]);
  });
  if (a.pluginClose) lines.push(...a.pluginClose());
  return padTo(context, lines, entity, targetLength(context.random));
}

function removed404(send) {
  return ['if (!removed) {', `  ${send(404, "{ error: 'not found' }").join('\n  ')}`, '}'];
}

function renderNextCollection(context, entity) {
  const { Name, varName } = entity;
  const service = `${varName}Service`;
  const lines = [
    "import { NextResponse, type NextRequest } from 'next/server';",
    "import { userFromAuthorization } from '../../../src/lib/auth.js';",
    "import { parsePage } from '../../../src/lib/pagination.js';",
    "import { logger } from '../../../src/lib/logger.js';",
    `import * as ${service} from '../../../src/services/${entity.kebab}.service.js';`,
    `import { is${Name}Status, validateCreate${Name} } from '../../../src/models/${entity.kebab}.model.js';`,
    '',
    "export const dynamic = 'force-dynamic';",
    '',
    'function authenticate(request: NextRequest) {',
    '  try {',
    "    return userFromAuthorization(request.headers.get('authorization') ?? undefined);",
    '  } catch {',
    '    return undefined;',
    '  }',
    '}',
    '',
    'export async function GET(request: NextRequest) {',
    '  const user = authenticate(request);',
    "  if (!user) return NextResponse.json({ error: 'unauthorized' }, { status: 401 });",
    '  const params = request.nextUrl.searchParams;',
    "  const page = parsePage(params.get('page'), params.get('pageSize'));",
    "  const status = params.get('status');",
    `  const result = await ${service}.list(user.id, page, is${Name}Status(status) ? status : undefined, params.get('sort') ?? undefined);`,
    '  return NextResponse.json(result);',
    '}',
    '',
    'export async function POST(request: NextRequest) {',
    '  const user = authenticate(request);',
    "  if (!user) return NextResponse.json({ error: 'unauthorized' }, { status: 401 });",
    `  const input = validateCreate${Name}(await request.json(), 'body');`,
    `  const created = await ${service}.create(user.id, input);`,
    `  logger.info('${varName} created', { id: created.id });`,
    '  return NextResponse.json(created, { status: 201 });',
    '}',
  ];
  return padTo(context, lines, entity, targetLength(context.random));
}

function renderNextItem(context, entity) {
  const { Name, varName, ownerChecked } = entity;
  const service = `${varName}Service`;
  const lines = [
    "import { NextResponse, type NextRequest } from 'next/server';",
    "import { userFromAuthorization } from '../../../../src/lib/auth.js';",
    `import * as ${service} from '../../../../src/services/${entity.kebab}.service.js';`,
    `import { validateUpdate${Name} } from '../../../../src/models/${entity.kebab}.model.js';`,
    '',
    'type RouteContext = { params: Promise<{ id: string }> };',
    '',
    'function authenticate(request: NextRequest) {',
    '  try {',
    "    return userFromAuthorization(request.headers.get('authorization') ?? undefined);",
    '  } catch {',
    '    return undefined;',
    '  }',
    '}',
    '',
    'export async function GET(request: NextRequest, { params }: RouteContext) {',
    '  const user = authenticate(request);',
    "  if (!user) return NextResponse.json({ error: 'unauthorized' }, { status: 401 });",
    '  const { id } = await params;',
    `  const item = await ${service}.findById(id);`,
    ownerChecked
      ? "  if (!item || item.ownerId !== user.id) return NextResponse.json({ error: 'not found' }, { status: 404 });"
      : "  if (!item) return NextResponse.json({ error: 'not found' }, { status: 404 });",
    '  return NextResponse.json(item);',
    '}',
    '',
    'export async function PATCH(request: NextRequest, { params }: RouteContext) {',
    '  const user = authenticate(request);',
    "  if (!user) return NextResponse.json({ error: 'unauthorized' }, { status: 401 });",
    '  const { id } = await params;',
    `  const existing = await ${service}.findOwned(id, user.id);`,
    "  if (!existing) return NextResponse.json({ error: 'not found' }, { status: 404 });",
    `  const updated = await ${service}.update(existing.id, validateUpdate${Name}(await request.json(), 'body'));`,
    '  return NextResponse.json(updated);',
    '}',
    '',
    'export async function DELETE(request: NextRequest, { params }: RouteContext) {',
    '  const user = authenticate(request);',
    "  if (!user) return NextResponse.json({ error: 'unauthorized' }, { status: 401 });",
    '  const { id } = await params;',
    `  const removed = await ${service}.remove(id, user.id);`,
    '  return new NextResponse(null, { status: removed ? 204 : 404 });',
    '}',
  ];
  return padTo(context, lines, entity, targetLength(context.random));
}

function renderUtil(context, entity) {
  const { Name } = entity;
  const lines = [
    "import { createHash, randomUUID } from 'node:crypto';",
    "import jwt from 'jsonwebtoken';",
    `import type { ${Name}, ${Name}Status } from '../models/${entity.kebab}.model.js';`,
    '',
    'export function newId(): string {',
    '  return randomUUID();',
    '}',
    '',
    'export function etagOf(value: unknown): string {',
    "  return `W/\"${createHash('sha1').update(JSON.stringify(value)).digest('hex').slice(0, 16)}\"`;",
    '}',
    '',
    'export function signDownloadLink(path: string, ttlSeconds = 300): string {',
    "  const token = jwt.sign({ path }, process.env.DOWNLOAD_LINK_SECRET ?? '', { expiresIn: ttlSeconds });",
    '  return `${path}?token=${encodeURIComponent(token)}`;',
    '}',
  ];
  return padTo(context, lines, entity, targetLength(context.random));
}
