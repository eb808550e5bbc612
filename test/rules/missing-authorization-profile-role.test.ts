/**
 * missing-authorization on a write of a field named `role`: an access role every record holds (an
 * enum, a default) changed by any signed-in user is critical; a free-text answer the schema lets a
 * user leave blank (inbox-zero's `EmailAccount.role String?`, the job title asked at onboarding) is
 * reported as the weak evidence it is: medium, low confidence, saying why. Prisma and TypeORM.
 */
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';

const files = {
  'package.json': JSON.stringify({ dependencies: { express: '4', jsonwebtoken: '9', '@prisma/client': '5', typeorm: '0.3' } }),
  'prisma/schema.prisma': `model Account {
  id    String  @id
  role  String? // the job title the user gave at onboarding
}

model Member {
  id    String @id
  role  String @default("member")
}

model Seat {
  id    String @id
  role  SeatRole?
}

enum SeatRole {
  OWNER
  VIEWER
}
`,
  'src/profile.entity.ts': `import { Column, Entity, PrimaryColumn } from 'typeorm';
@Entity()
export class Profile {
  @PrimaryColumn() id: string;
  @Column({ nullable: true }) role: string;
}
@Entity()
export class Staff {
  @PrimaryColumn() id: string;
  @Column({ type: 'enum', enum: ['admin', 'user'], nullable: true }) role: string;
}
`,
  'src/auth.ts': `import jwt from 'jsonwebtoken';
export function requireAuth(req: any, res: any, next: any) {
  try { req.user = jwt.verify(req.headers.authorization, process.env.JWT_SECRET!); next(); } catch { res.status(401).end(); }
}
`,
  'src/app.ts': `import express from 'express';
import { PrismaClient } from '@prisma/client';
import { dataSource } from './data-source.js';
import { requireAuth } from './auth.js';
const prisma = new PrismaClient();
const app = express();
app.use(requireAuth);
app.post('/onboarding/role', async (req: any, res) => { await prisma.account.update({ where: { id: req.user.id }, data: { role: req.body.role } }); res.end(); });
app.post('/members/role', async (req: any, res) => { await prisma.member.update({ where: { id: req.user.id }, data: { role: req.body.role } }); res.end(); });
app.post('/seats/role', async (req: any, res) => { await prisma.seat.update({ where: { id: req.user.id }, data: { role: req.body.role } }); res.end(); });
app.post('/profile/role', async (req: any, res) => { await dataSource.getRepository('Profile').update({ id: req.user.id }, { role: req.body.role }); res.end(); });
app.post('/staff/role', async (req: any, res) => { await dataSource.getRepository('Staff').update({ id: req.user.id }, { role: req.body.role }); res.end(); });
export default app;
`,
  'src/data-source.ts': `import { DataSource } from 'typeorm';
export const dataSource = new DataSource({ type: 'postgres' });
`,
};

describe('missing-authorization on a role field', () => {
  it('is critical for an access role and medium, low confidence, for an optional free-text answer', async () => {
    const run = await runCli(['scan', '--rule', 'missing-authorization', '--format', 'json', '--fail-on', 'none'], { cwd: makeProject(files) });
    const report = JSON.parse(run.stdout) as { findings: { line: number; severity: string; confidence: string; message: string }[] };
    const summary = report.findings.map((finding) => [finding.line, finding.severity, finding.confidence, /optional free text with no default/.test(finding.message)]);
    expect(summary).toEqual([
      [8, 'medium', 'low', true],
      [9, 'critical', 'high', false],
      [10, 'critical', 'high', false],
      [11, 'medium', 'low', true],
      [12, 'critical', 'high', false],
    ]);
  });
});
