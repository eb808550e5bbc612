/**
 * Every line of scanned code the tool prints has every secret-shaped value masked, whether or
 * not the hardcoded-secret rule reported it: a context line next to an unrelated finding is
 * printed too. Fabricated, shape-correct credentials throughout (not real keys).
 */
import { describe, expect, it } from 'vitest';
import { maskSecretsInLine } from '../src/engine/mask-secrets.js';
import type { Route } from '../src/engine/routes/route.js';
import type { FlowModel } from '../src/engine/flows/flow-model.js';
import { formatFlowsJson, formatFlowsMarkdown } from '../src/reporters/flows.js';
import { formatRoutesCsv } from '../src/reporters/csv.js';
import { formatRoutesJson, formatRoutesText } from '../src/reporters/routes.js';
import { makeProject, runCli } from './helpers/cli.js';

/** The three leaks measured before masking covered more than reported secrets. */
const LEAKING = {
  // A Slack user token whose lowercase hex tail the rule does not report.
  'Slack xoxp- user token': {
    secret: 'xoxp-2718281828-3141592653-5772156649-a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6',
    line: (secret: string) => `const slackUser = '${secret}';`,
  },
  // Comments are not string literals: the rule does not look there.
  'Stripe sk_live_ key in a // comment': {
    secret: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc9XkQ2mZ',
    line: (secret: string) => `// old key, rotated? ${secret}`,
  },
  // Sequential digits read as a placeholder to the rule; it is still a token's shape.
  'Slack xoxb- token with sequential digits': {
    secret: 'xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
    line: (secret: string) => `notify("${secret}", channel);`,
  },
} as const;

/** Code that yields an unrelated finding on the line after `contextLine`. */
const NEIGHBOURS = {
  'another secret': (contextLine: string) => `${contextLine}\nexport const dbPassword = 'Tr0ub4dor&3-horse-staple-91x';\nexport const port = 3000;\n`,
  'a SQL injection': (contextLine: string) =>
    [
      `import express from 'express';`,
      `import { Pool } from 'pg';`,
      `const pool = new Pool();`,
      `export const app = express();`,
      `app.get('/users/:id', async (req, res) => {`,
      `  ${contextLine}`,
      '  const rows = await pool.query(`SELECT * FROM users WHERE id = ${req.params.id}`);',
      `  res.json(rows);`,
      `});`,
      '',
    ].join('\n'),
} as const;

async function allFormats(cwd: string): Promise<Record<string, string>> {
  const outputs: Record<string, string> = {};
  for (const format of ['text', 'json', 'sarif']) {
    const run = await runCli(['scan', '.', '-f', format, '--fail-on', 'none'], { cwd });
    expect(run.code).toBe(0);
    outputs[format] = run.stdout + run.stderr;
  }
  return outputs;
}

describe('secrets in context lines', () => {
  for (const [shapeName, { secret, line }] of Object.entries(LEAKING)) {
    for (const [neighbourName, code] of Object.entries(NEIGHBOURS)) {
      it(`${shapeName}, next to ${neighbourName}: masked in text, JSON and SARIF`, async () => {
        const cwd = makeProject({ 'src/app.ts': code(line(secret)) });
        const outputs = await allFormats(cwd);
        const json = JSON.parse((await runCli(['scan', '.', '-f', 'json', '--fail-on', 'none'], { cwd })).stdout);
        // The line is in a frame: otherwise this test would prove nothing.
        const frameTexts = json.findings.flatMap((finding: { codeFrame: Array<{ text: string }> }) => finding.codeFrame.map((frame) => frame.text));
        expect(frameTexts.some((text: string) => text.includes(secret.slice(0, 4)) && text.includes('****'))).toBe(true);
        for (const [format, output] of Object.entries(outputs)) {
          expect(output, format).not.toContain(secret);
          expect(output, format).not.toContain(secret.slice(8, -8));
          expect(output, format).toContain(secret.slice(0, 4)); // still recognisable
        }
        const sarif = JSON.parse(outputs.sarif!.slice(0, outputs.sarif!.lastIndexOf('}') + 1));
        const snippets = sarif.runs[0].results.flatMap((result: { locations: Array<{ physicalLocation: { contextRegion?: { snippet?: { text: string } } } }> }) =>
          result.locations.map((location) => location.physicalLocation.contextRegion?.snippet?.text ?? ''),
        );
        expect(snippets.join('\n')).toContain('****');
      });
    }
  }

  it('ordinary code next to a finding stays readable, character for character', async () => {
    const lines = [
      `const apiKey = process.env.API_KEY;`,
      `export const dbPassword = 'Tr0ub4dor&3-horse-staple-91x';`,
      `const userId = 'user_42'; const tokenExpiresIn = '15m'; export const API_KEY_HEADER = 'x-api-key';`,
    ];
    const cwd = makeProject({ 'src/app.ts': `${lines.join('\n')}\n` });
    const json = JSON.parse((await runCli(['scan', '.', '-f', 'json', '--fail-on', 'none'], { cwd })).stdout);
    const [finding] = json.findings;
    expect(finding.line).toBe(2);
    expect(finding.codeFrame[0].text).toBe(lines[0]);
    expect(finding.codeFrame[2].text).toBe(lines[2]);
  });
});

describe('maskSecretsInLine', () => {
  it.each([
    ['a PEM header with its key on one line', `const key = '-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\\n-----END RSA PRIVATE KEY-----';`, 'u1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6'],
    ['a PEM body line', '  MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun', 'u1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6'],
    ['a JWT', `const t = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk';`, 'eyJzdWIiOiIxMjM0NTY3ODkwIn0'],
    ['a URL password', `const db = 'postgres://admin:S3cr3tP4ss@db.internal:5432/app';`, 'S3cr3tP4ss'],
    ['a password assigned', `password = "hunter2hunter2"`, 'hunter2hunter2'],
    ['an API key property', `  apiKey: 'a8F3kLm2Qz9xW1vB',`, 'a8F3kLm2Qz9xW1vB'],
    ['a .env line', `DB_PASSWORD=correcthorse42`, 'correcthorse42'],
    ['a comparison with a password', `if (req.body.password === 'Sup3rS3cret!') {`, 'Sup3rS3cret!'],
    ['a bearer token', `headers: { Authorization: 'Bearer abc123def456ghi789jkl' },`, 'abc123def456ghi789jkl'],
    ['a GitHub token in a comment', `// ghp_R8mK2xQ9vL4tZ7wP1nB6yH3cJ5dF0gS2aT4q`, 'R8mK2xQ9vL4tZ7wP1nB6yH3cJ5dF0gS2'],
  ])('masks %s', (_, line, middle) => {
    const masked = maskSecretsInLine(line);
    expect(masked).not.toContain(middle);
    expect(masked).toContain('****');
    expect(masked).toHaveLength(line.length);
  });

  it.each([
    `const apiKey = process.env.API_KEY;`,
    `  apiKey: process.env.API_KEY ?? '',`,
    `const secret = process.env.JWT_SECRET!;`,
    `const token = jwt.sign({ id: user.id }, secret, { expiresIn: '1h' });`,
    `  password: hashedPassword,`,
    `  passwordField: 'password',`,
    `export const API_KEY_HEADER = 'x-api-key';`,
    `const tokenExpiresIn = '15m';`,
    'const url = `postgres://admin:${DB_PASSWORD}@db:5432/app`;',
    `headers: { Authorization: \`Bearer \${token}\` },`,
    `const userName = 'alice'; const id = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';`,
    'const q = `SELECT * FROM users WHERE id = ${req.params.id}`;',
    `export function getUserById(userId: string) { return db.user.findUnique({ where: { id: userId } }); }`,
    `import { Injectable, UnauthorizedException } from '@nestjs/common';`,
    `const className = 'sk-spinner-fading-circle-large';`,
    // A long identifier shown alone (a GraphQL subscription's name in the routes table) is no key body.
    'projectTriggeredAutomationsStatusUpdated',
    // So is a route's path shown alone (the routes table), words and version segments.
    '/api/latest/internal/analytics/query/timing',
    '/api/v1/organizations/members/invitations/accept',
    `      API_TOKEN: \${API_TOKEN:?set API_TOKEN}`,
    `  console.log('reset requested', { forgotPasswordTemplate: 'reset-v2' });`,
    `ctx.body = { token: 'issued' };`,
    `type Credentials = FastifyRequest<{ Body: { email: string; password: string } }>;`,
    `readonly issuedSecrets: FlowLocation[] = [];`,
    `const CREDENTIAL_WORD = /jwt|bearer|token|authori[sz]ation|credential|api.?key/i;`,
  ])('leaves %s as it is', (line) => {
    expect(maskSecretsInLine(line)).toBe(line);
  });
});

describe('routes inventory', () => {
  it('masks secrets in middleware and auth evidence, in text, JSON and CSV', () => {
    const token = 'xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx';
    const route: Route = {
      framework: 'express',
      method: 'GET',
      path: '/admin',
      file: 'src/app.ts',
      line: 3,
      column: 1,
      auth: 'authenticated',
      authEvidence: [`basicAuth({ users: { admin: '${token}' } })`],
      principal: [],
      middleware: [{ name: 'basicAuth', kind: 'auth', strength: 'strong', evidence: `basicAuth({ users: { admin: '${token}' } })`, scope: 'route', file: 'src/app.ts', line: 3 }],
    } as unknown as Route;
    for (const output of [formatRoutesText([route], { color: false }), formatRoutesJson([route], '0.0.0'), formatRoutesCsv([route])]) {
      expect(output).not.toContain(token);
      expect(output).toContain('xoxb');
    }
    // CSV (like text) masks the middleware name too: it is the expression as written.
    const named = { ...route, middleware: [{ ...route.middleware[0]!, name: `basicAuth({ users: { admin: '${token}' } })` }] } as Route;
    for (const output of [formatRoutesText([named], { color: false }), formatRoutesCsv([named])]) expect(output).not.toContain(token);
  });
});

describe('flows report', () => {
  it('masks secrets in guard evidence, in markdown and JSON', () => {
    const token = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc9XkQ2mZ';
    const route = { framework: 'express', method: 'POST', path: '/orders/:id/refund', file: 'src/orders.ts', line: 7, column: 1 };
    const evidence = `if (req.headers['x-admin'] !== '${token}') return res.sendStatus(403)`;
    const model = {
      entities: [],
      flows: [
        {
          name: 'Order.status',
          kind: 'entity',
          entity: 'Order',
          field: 'status',
          states: ['PAID', 'REFUNDED'],
          transitions: [{ from: ['PAID'], to: 'REFUNDED', route, guarded: true, creates: false, guard: evidence }],
        },
      ],
      steps: [
        {
          route,
          named: { kind: 'refund' },
          declared: [],
          entity: 'Order',
          field: 'status',
          transition: { field: 'status', value: 'REFUNDED' },
          guards: [{ kind: 'state-check', evidence, file: 'src/orders.ts', line: 8 }],
          verdict: 'guarded',
          basis: 'state-field',
          adminOnly: evidence,
          movesMoney: true,
        },
      ],
    } as unknown as FlowModel;
    for (const output of [formatFlowsMarkdown(model, new Map()), formatFlowsJson(model, new Map(), '0.0.0')]) {
      expect(output).not.toContain(token);
      expect(output).toContain('sk_l****');
    }
  });
});
