/**
 * path-traversal and ssrf on routes only administrators reach: an export folder or a URL to test is
 * the administrator's own input to a feature made for them (wiki.js SystemMutation.export,
 * ghostfolio's scraper test), reported one step down (medium) and saying why; the same sink on a
 * route every user reaches stays high.
 */
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';

const files = {
  'package.json': JSON.stringify({ dependencies: { express: '4', jsonwebtoken: '9' } }),
  'src/auth.ts': `import jwt from 'jsonwebtoken';
export function requireAuth(req: any, res: any, next: any) {
  try { req.user = jwt.verify(req.headers.authorization, process.env.JWT_SECRET!); next(); } catch { res.status(401).end(); }
}
export const requireRole = (...roles: string[]) => (req: any, res: any, next: any) => (roles.includes(req.user.role) ? next() : res.status(403).end());
`,
  'src/app.ts': `import express from 'express';
import fs from 'node:fs/promises';
import { requireAuth, requireRole } from './auth.js';
const app = express();
app.use(requireAuth);
app.post('/admin/export', requireRole('admin'), async (req: any, res) => { await fs.mkdir(req.body.folder, { recursive: true }); res.end(); });
app.post('/admin/scrapers/test', requireRole('admin'), async (req: any, res) => { res.json(await (await fetch(req.body.url)).text()); });
app.post('/exports', async (req: any, res) => { await fs.mkdir(req.body.folder, { recursive: true }); res.end(); });
app.post('/previews', async (req: any, res) => { res.json(await (await fetch(req.body.url)).text()); });
export default app;
`,
};

describe('injection into an administrator feature', () => {
  it('is medium and says only administrators reach it; the same sink for every user stays high', async () => {
    const run = await runCli(['scan', '--rule', 'path-traversal', '--rule', 'ssrf', '--format', 'json', '--fail-on', 'none'], { cwd: makeProject(files) });
    const report = JSON.parse(run.stdout) as { findings: { ruleId: string; line: number; severity: string; message: string }[] };
    const summary = report.findings.map((finding) => [finding.ruleId, finding.line, finding.severity, /Only administrators reach it \(requireRole\('admin'\)\)/.test(finding.message)]);
    expect(summary).toEqual([
      ['path-traversal', 6, 'medium', true],
      ['ssrf', 7, 'medium', true],
      ['path-traversal', 8, 'high', false],
      ['ssrf', 9, 'high', false],
    ]);
  });
});
