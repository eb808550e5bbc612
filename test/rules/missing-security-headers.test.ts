/**
 * missing-security-headers on small projects: what the finding says about an app whose whole route
 * table is visible (a worker's health-check server made and served inside one function).
 */
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';

async function findings(files: Record<string, string>): Promise<{ file: string; confidence: string; message: string }[]> {
  const run = await runCli(['scan', '--rule', 'missing-security-headers', '--format', 'json', '--fail-on', 'none'], { cwd: makeProject(files) });
  return (JSON.parse(run.stdout) as { findings: { file: string; confidence: string; message: string }[] }).findings;
}

const main = `import express from 'express';\nconst app = express();\napp.get('/orders', (_req, res) => res.json([]));\napp.post('/orders', (_req, res) => res.json({}));\napp.listen(3000);\n`;

describe('missing-security-headers', () => {
  it('an app made inside a function that serves only a health probe is judged by its own routes, not its package', async () => {
    const result = await findings({
      'package.json': JSON.stringify({ dependencies: { express: '4' } }),
      'src/main.ts': main,
      'src/worker-health.ts':
        `import express from 'express';\nimport http from 'node:http';\n` +
        `export function startHealthServer(port: number) {\n  const app = express();\n  const server = http.createServer(app);\n  app.get('/health', (_req, res) => res.send({ status: 'ok' }));\n  server.listen(port);\n  return server;\n}\n`,
    });
    const health = result.find((finding) => finding.file === 'src/worker-health.ts');
    expect(health?.confidence).toBe('low');
    expect(health?.message).toContain('It serves only health or metrics routes');
    expect(result.find((finding) => finding.file === 'src/main.ts')?.confidence).toBe('medium');
  });

  it("not when the function mounts a router made elsewhere on it: its routes are the router's too", async () => {
    const result = await findings({
      'package.json': JSON.stringify({ dependencies: { express: '4' } }),
      'src/main.ts': main,
      'src/orders.ts': `import { Router } from 'express';\nexport const ordersRouter = Router();\nordersRouter.get('/orders/:id', (_req, res) => res.json({}));\n`,
      'src/admin-server.ts':
        `import express from 'express';\nimport http from 'node:http';\nimport { ordersRouter } from './orders.js';\n` +
        `export function startAdmin(port: number) {\n  const app = express();\n  app.get('/health', (_req, res) => res.send('ok'));\n  app.use('/admin', ordersRouter);\n  http.createServer(app).listen(port);\n}\n`,
    });
    expect(result.find((finding) => finding.file === 'src/admin-server.ts')?.confidence).toBe('medium');
  });
});
