import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const appsDir = fileURLToPath(new URL('../fixtures/apps', import.meta.url));

describe('trustscan routes', () => {
  it('prints the inventory of every framework with a footer of counts', async () => {
    const run = await runCli(['routes', '.'], { cwd: appsDir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^METHOD\s+PATH\s+LOCATION\s+AUTH\n/);
    expect(run.stdout).toMatch(/\nGET\s+\/health\s+express\/src\/app\.ts:18\s+public /);
    expect(run.stdout).toMatch(/role: .*\|\s+rate limit: .*\|\s+middleware: /);
    const footer = run.stdout.trim().split('\n').at(-1)!;
    expect(footer).toMatch(/^\d+ routes: express \d+, nestjs \d+, fastify \d+, koa \d+, hono \d+, next \d+; authenticated \d+, public \d+, unknown \d+$/);
  });

  it('writes versioned, deterministic JSON whose counts match its routes', async () => {
    const first = await runCli(['routes', '.', '--format', 'json'], { cwd: appsDir });
    const second = await runCli(['routes', '.', '--format', 'json'], { cwd: appsDir });
    expect(second.stdout).toBe(first.stdout);
    const inventory = JSON.parse(first.stdout);
    expect(inventory.schemaVersion).toBe('1.0.0');
    expect(inventory.counts.total).toBe(inventory.routes.length);
    const byFramework = Object.values(inventory.counts.byFramework as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(byFramework).toBe(inventory.routes.length);
    const route = inventory.routes.find((r: { path: string; file: string }) => r.path === '/api/users/:id' && r.file.startsWith('express/'));
    expect(route).toMatchObject({ framework: 'express', auth: 'authenticated', middleware: expect.any(Array), authEvidence: expect.arrayContaining([expect.stringMatching(/^requireAuth \(router, /)]) });
  });

  it('exits 2 on a bad format, and never colours without a TTY', async () => {
    const bad = await runCli(['routes', '--format', 'xml'], { cwd: appsDir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/argument 'xml' is invalid/);
    const plain = await runCli(['routes', 'express'], { cwd: appsDir, tty: true, env: { NO_COLOR: '1' } });
    expect(plain.stdout).not.toMatch(/\u001b\[/);
  });
});
