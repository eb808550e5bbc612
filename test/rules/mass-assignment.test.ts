/**
 * mass-assignment on small projects: the severity follows the privileged fields the body can set
 * (high), fields the code sets itself (medium), an admin-only route (medium); and a NestJS
 * ValidationPipe with `whitelist: true` excuses a class DTO but not an interface.
 */
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';

const SCHEMA = 'model User {\n  id String @id\n  name String\n  role String\n}\n';

async function findings(files: Record<string, string>): Promise<Array<{ line: number; severity: string; message: string }>> {
  const run = await runCli(['scan', '--rule', 'mass-assignment', '--format', 'json', '--fail-on', 'none'], { cwd: makeProject(files) });
  const report = JSON.parse(run.stdout) as { findings: Array<{ line: number; severity: string; message: string }> };
  return report.findings.map(({ line, severity, message }) => ({ line, severity, message }));
}

function express(routes: string): Record<string, string> {
  return {
    'package.json': JSON.stringify({ dependencies: { express: '4', '@prisma/client': '5' } }),
    'prisma/schema.prisma': SCHEMA,
    'src/app.ts': `import express from 'express';\nimport { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\nconst app = express();\nconst requireRole = (...roles: string[]) => (req: any, res: any, next: any) => (roles.includes(req.user?.role) ? next() : res.status(403).end());\n${routes}\n`,
  };
}

describe('mass-assignment', () => {
  it('is high when the body can set a privileged field, medium when the code sets it itself', async () => {
    const found = await findings(
      express(
        [
          `app.post('/a', async (req, res) => { res.json(await prisma.user.create({ data: req.body })); });`,
          `app.post('/b', async (req, res) => { res.json(await prisma.user.create({ data: { ...req.body, role: 'member' } })); });`,
          `app.post('/c', async (req, res) => { req.body.role = 'member'; res.json(await prisma.user.create({ data: req.body })); });`,
        ].join('\n'),
      ),
    );
    expect(found.map((finding) => [finding.line, finding.severity])).toEqual([
      [6, 'high'],
      [7, 'medium'],
      [8, 'medium'],
    ]);
    expect(found[0]!.message).toContain("model User's 'role'");
    expect(found[1]!.message).toContain('the code sets role itself');
  });

  it('is high when the body is spread over a privileged field the code set first, and names the caller it replaces', async () => {
    const found = await findings(
      express(
        [
          `app.post('/a', async (req, res) => { res.json(await prisma.user.create({ data: { role: 'member', ...req.body } })); });`,
          `app.post('/b', async (req, res) => { const owner = { userId: req.user.id }; res.json(await prisma.post.create({ data: { ...owner, createdAt: new Date(), ...req.body } })); });`,
          `app.post('/c', async (req, res) => { res.json(await prisma.post.create({ data: { createdAt: new Date(), ...req.body } })); });`,
          `app.post('/d', async (req, res) => { res.json(await prisma.post.create({ data: { userId: req.user.id, ...req.body, userId: req.user.id } })); });`,
        ].join('\n'),
      ),
    );
    expect(found.map((finding) => [finding.line, finding.severity])).toEqual([
      [6, 'high'],
      [7, 'high'],
      [8, 'medium'],
      [9, 'medium'],
    ]);
    expect(found[0]!.message).toContain("the code sets role before spreading the body over it, and the body's own role replaces the code's value");
    expect(found[0]!.message).not.toContain("model User's 'role'");
    expect(found[1]!.message).toContain('userId (the signed-in caller, req.user');
    expect(found[1]!.message).toContain("in another user's name");
    expect(found[2]!.message).toContain('the code sets createdAt before spreading the body over them');
    expect(found[3]!.message).not.toContain('before spreading');
  });

  it('is medium on a route only administrators reach', async () => {
    const found = await findings(express(`app.post('/users', requireRole('admin'), async (req, res) => { res.json(await prisma.user.create({ data: req.body })); });`));
    expect(found.map((finding) => finding.severity)).toEqual(['medium']);
  });

  it('excuses a class DTO under ValidationPipe({ whitelist: true }), not an interface-typed body', async () => {
    const files = {
      'package.json': JSON.stringify({ dependencies: { '@nestjs/common': '10', '@nestjs/core': '10', '@prisma/client': '5', 'class-validator': '0.14' } }),
      'prisma/schema.prisma': SCHEMA,
      'src/main.ts': `import { NestFactory } from '@nestjs/core';\nimport { ValidationPipe } from '@nestjs/common';\nasync function boot(module: any) {\n  const app = await NestFactory.create(module);\n  app.useGlobalPipes(new ValidationPipe({ whitelist: true }));\n}\nboot({});\n`,
      'src/users.controller.ts': [
        `import { Body, Controller, Post } from '@nestjs/common';`,
        `import { PrismaClient } from '@prisma/client';`,
        `import { IsString } from 'class-validator';`,
        `export class CreateUserDto { @IsString() name!: string; }`,
        `interface RawUser { name: string }`,
        `@Controller('users')`,
        `export class UsersController {`,
        `  private readonly prisma = new PrismaClient();`,
        `  @Post() create(@Body() dto: CreateUserDto) { return this.prisma.user.create({ data: dto }); }`,
        `  @Post('raw') raw(@Body() body: RawUser) { return this.prisma.user.create({ data: body }); }`,
        `}`,
      ].join('\n'),
    };
    const found = await findings(files);
    expect(found.map((finding) => finding.line)).toEqual([10]);
  });
});
