/**
 * missing-rate-limit on small projects: what each limiter is keyed by (routeRateLimits), the
 * low-severity finding for a signed-in business action limited only per IP, config rateLimiters
 * and flows, and NestJS @SkipThrottle / @Throttle.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModuleIndex } from '../../src/engine/names/index.js';
import { discoverFiles } from '../../src/engine/files.js';
import { FRAMEWORK_ADAPTERS } from '../../src/engine/frameworks/index.js';
import { loadProject } from '../../src/engine/project.js';
import { discoverRoutes, EMPTY_ROUTE_CONFIG } from '../../src/engine/routes/discover.js';
import { routeRateLimits } from '../../src/engine/routes/rate-limits.js';
import { namedRateLimiters } from '../../src/engine/models.js';
import { makeProject, runCli } from '../helpers/cli.js';

const EXPRESS_PACKAGE = JSON.stringify({ dependencies: { express: '4', 'express-rate-limit': '7', 'rate-limiter-flexible': '5', jsonwebtoken: '9' } });
const AUTH = `import jwt from 'jsonwebtoken';\nexport function requireAuth(req: any, res: any, next: any) {\n  try { req.user = jwt.verify(req.headers.authorization, 'k'); next(); } catch { res.status(401).end(); }\n}\n`;

function express(routes: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'package.json': EXPRESS_PACKAGE,
    'src/auth.ts': AUTH,
    'src/app.ts': `import express from 'express';\nimport rateLimit from 'express-rate-limit';\nimport { RateLimiterMemory } from 'rate-limiter-flexible';\nimport { requireAuth } from './auth.js';\nconst app = express();\n${routes}\n`,
    ...extra,
  };
}

async function findings(files: Record<string, string>): Promise<Array<{ line: number; severity: string; message: string }>> {
  const run = await runCli(['scan', '--rule', 'missing-rate-limit', '--format', 'json', '--fail-on', 'none'], { cwd: makeProject(files) });
  const report = JSON.parse(run.stdout) as { findings: Array<{ line: number; severity: string; message: string }> };
  return report.findings.map(({ line, severity, message }) => ({ line, severity, message }));
}

/** routeRateLimits for every route of a project, as "METHOD path" -> [keyedBy/scope ...]. */
function limitsByRoute(files: Record<string, string>, rateLimiters: string[] = []): Record<string, string[]> {
  const dir = makeProject(files);
  const scanned = discoverFiles({ root: dir, scanPaths: [dir], include: [], exclude: [], includeTests: false });
  const loaded = loadProject({ root: dir, files: scanned, maxFileSize: 1024 * 1024 });
  const modules = new ModuleIndex(loaded.sourceFiles, loaded.tsconfigs, undefined, loaded.packageImports);
  const models = namedRateLimiters(rateLimiters);
  const routes = discoverRoutes({ sourceFiles: loaded.sourceFiles, textFiles: loaded.textFiles, modules, config: { ...EMPTY_ROUTE_CONFIG, rateLimiters: models }, adapters: FRAMEWORK_ADAPTERS });
  return Object.fromEntries(routes.map((route) => [route.id, routeRateLimits(modules, route, models).map((limit) => `${limit.keyedBy}/${limit.scope}`)]));
}

describe('routeRateLimits keyedBy', () => {
  it('reads API Gateway limits from deployment config: stage/method throttling shared by all clients, usage plans per API key, WAF rate rules per IP (scoped to a path, never a Count rule)', () => {
    const read = (folder: string) => limitsByRoute(Object.fromEntries(['serverless.yml', 'template.yaml', 'src/accounts.ts', 'src/store.ts'].flatMap((name) => {
      const file = path.join('fixtures/rules/missing-rate-limit', folder, name);
      return existsSync(file) ? [[name, readFileSync(file, 'utf8')]] : [];
    })));
    expect(read('lambda')).toEqual({
      'LAMBDA POST /auth/login': [],
      'LAMBDA POST /auth/signup': ['total/route'],
      'LAMBDA POST /auth/forgot-password': ['ip/route'],
      'LAMBDA POST /partner/otp/verify': ['api-key/global'],
    });
    expect(read('sam')).toEqual({
      'LAMBDA POST /login': ['total/global'],
      'LAMBDA POST /register': ['total/global', 'ip/route'],
      'LAMBDA POST /magic-link': ['total/route'],
      'LAMBDA POST /reset-password': [],
    });
  });

  it('reads express-rate-limit defaults and keyGenerators, and rate-limiter-flexible consume keys, across files', () => {
    const limits = limitsByRoute(
      express(
        [
          `import { byUser } from './limits.js';`,
          `const byIp = rateLimit({ windowMs: 60000, limit: 5 });`,
          `const byEmail = rateLimit({ windowMs: 60000, limit: 5, keyGenerator: (req: any) => req.body.email });`,
          `const byHeader = rateLimit({ windowMs: 60000, limit: 5, keyGenerator: (req: any) => req.headers['x-forwarded-for'] });`,
          `const flexible = new RateLimiterMemory({ points: 5, duration: 60 });`,
          `app.post('/a/login', byIp, (req, res) => res.end());`,
          `app.post('/b/login', byEmail, (req, res) => res.end());`,
          `app.post('/c/login', byHeader, (req, res) => res.end());`,
          `app.post('/d/login', byUser, (req, res) => res.end());`,
          `app.post('/e/login', async (req: any, res) => { await flexible.consume(req.ip); res.end(); });`,
          `app.post('/f/login', async (req: any, res) => { const key = \`login:\${req.body.email}\`; await flexible.consume(key); res.end(); });`,
          `app.post('/g/login', (req, res) => res.end());`,
        ].join('\n'),
        { 'src/limits.ts': `import rateLimit from 'express-rate-limit';\nexport const byUser = rateLimit({ limit: 5, keyGenerator: (req: any) => req.user.id });\n` },
      ),
    );
    expect(limits).toMatchObject({
      'POST /a/login': ['ip/route'],
      'POST /b/login': ['user/route'],
      'POST /c/login': ['ip/route'],
      'POST /d/login': ['user/route'],
      'POST /e/login': ['ip/handler'],
      'POST /f/login': ['user/handler'],
      'POST /g/login': [],
    });
  });

  it('reads a NestJS throttler guard: IP by default, the user when getTracker returns one (user-only without an address to fall back on); @Throttle counts', () => {
    const limits = limitsByRoute({
      'package.json': JSON.stringify({ dependencies: { '@nestjs/common': '10', '@nestjs/core': '10', '@nestjs/throttler': '5' } }),
      'src/main.ts': `import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module';\nNestFactory.create(AppModule);\n`,
      'src/app.module.ts': `import { Module } from '@nestjs/common';\nimport { C } from './c.controller';\n@Module({ controllers: [C] })\nexport class AppModule {}\n`,
      'src/user.guard.ts': `import { ThrottlerGuard } from '@nestjs/throttler';\nexport class UserGuard extends ThrottlerGuard {\n  protected async getTracker(req: any) { return req.user.id; }\n}\nexport class UserOrIpGuard extends ThrottlerGuard {\n  protected async getTracker(req: any) { return req.user?.id ?? req.ip; }\n}\n`,
      'src/c.controller.ts': [
        `import { Controller, Post, UseGuards } from '@nestjs/common';`,
        `import { Throttle, ThrottlerGuard } from '@nestjs/throttler';`,
        `import { UserGuard, UserOrIpGuard } from './user.guard';`,
        `@Controller('c')`,
        `export class C {`,
        `  @UseGuards(ThrottlerGuard) @Post('one') one() {}`,
        `  @UseGuards(UserGuard) @Post('two') two() {}`,
        `  @Throttle({ default: { limit: 1, ttl: 1000 } }) @Post('three') three() {}`,
        `  @Post('four') four() {}`,
        `  @UseGuards(UserOrIpGuard) @Post('five') five() {}`,
        `}`,
      ].join('\n'),
    });
    expect(limits).toMatchObject({ 'POST /c/one': ['ip/route'], 'POST /c/two': ['user-only/route'], 'POST /c/three': ['ip/route'], 'POST /c/four': [], 'POST /c/five': ['user/route'] });
  });
});

describe('missing-rate-limit', () => {
  it('a route that sends a code is a code send (medium), a password-reset code send is the reset request; checking the code is the guess (high)', async () => {
    const result = await findings(
      express(
        `app.post('/auth/otp/send-sign-in-code', (req: any, res: any) => res.json({ sent: req.body.email }));\n` +
          `app.post('/auth/password/send-reset-code', (req: any, res: any) => res.json({ sent: req.body.email }));\n` +
          `app.post('/auth/otp/sign-in/check-code', (req: any, res: any) => res.json({ ok: req.body.code === '1' }));`,
      ),
    );
    expect(result.map((finding) => `${finding.line} ${finding.severity} ${/\(([^)]+)\)/.exec(finding.message)![1]}`)).toEqual([
      '6 medium verification code send',
      '7 medium password reset request',
      '8 high one-time code verification',
    ]);
  });

  it('a reset-password route that only mints and mails the token is the reset request (medium), whatever its request type is named', async () => {
    const result = await findings(
      express(
        `type TypedRequest<Body> = { body: Body };\ntype ResetPasswordRequestBody = { identifier: string };\ndeclare function generateResetPasswordTokenWorkflow(input: unknown): Promise<void>;\n` +
          `app.post('/auth/reset-password', async (req: TypedRequest<ResetPasswordRequestBody>, res: any) => { await generateResetPasswordTokenWorkflow({ entityId: req.body.identifier }); res.sendStatus(201); });\n` +
          `app.post('/auth/reset-password/confirm', async (req: any, res: any) => { const { token, password } = req.body; res.json({ ok: token === password }); });`,
      ),
    );
    expect(result.map((finding) => `${finding.line} ${finding.severity} ${/\(([^)]+)\)/.exec(finding.message)![1]}`)).toEqual([
      '9 medium password reset request',
      '10 high password reset confirmation',
    ]);
  });

  it('a reset route that writes a fresh token into the account and mails it is the reset request, however its mail helper is named (kutt)', async () => {
    const result = await findings(
      express(
        `import { randomUUID } from 'node:crypto';\ndeclare const users: { update(match: unknown, fields: unknown): Promise<unknown> };\ndeclare const mail: { resetPasswordToken(user: unknown): Promise<void> };\n` +
          `app.post('/api/auth/reset-password', async (req: any, res: any) => { const user = await users.update({ email: req.body.email }, { reset_password_token: randomUUID(), reset_password_expires: new Date() }); if (user) await mail.resetPasswordToken(user); res.json({ ok: true }); });\n` +
          `app.post('/api/auth/new-password', async (req: any, res: any) => { const { reset_password_token, password } = req.body; res.json(await users.update({ reset_password_token }, { password, reset_password_token: null })); });`,
      ),
    );
    expect(result.map((finding) => `${finding.line} ${finding.severity} ${/\(([^)]+)\)/.exec(finding.message)![1]}`)).toEqual([
      '9 medium password reset request',
      '10 high password reset confirmation',
    ]);
  });

  it('a reset route whose only call on the account takes no arguments is the reset request, whatever the method is named (overseerr user.resetPassword())', async () => {
    const result = await findings(
      express(
        `declare const users: { byEmail(email: string): Promise<{ resetPassword(): Promise<void> } | null>; byLink(link: string): Promise<{ password: string } | null> };\n` +
          `app.post('/auth/reset-password', async (req: any, res: any) => { const body = req.body as { email?: string }; const user = await users.byEmail(String(body.email)); if (user) await user.resetPassword(); res.json({ status: 'ok' }); });\n` +
          `app.post('/auth/reset-password/:guid', async (req: any, res: any) => { const user = await users.byLink(req.params.guid); if (!user) return res.status(400).end(); user.password = req.body.password; res.json({ status: 'ok' }); });`,
      ),
    );
    expect(result.map((finding) => `${finding.line} ${finding.severity} ${/\(([^)]+)\)/.exec(finding.message)![1]}`)).toEqual([
      '7 medium password reset request',
      '8 high password reset confirmation',
    ]);
  });

  it('reports a signed-in coupon redeem limited only per IP as low, and not when the limiter is keyed by user', async () => {
    const result = await findings(
      express(
        [
          `const byIp = rateLimit({ windowMs: 60000, limit: 5 });`,
          `const byUser = rateLimit({ windowMs: 60000, limit: 5, keyGenerator: (req: any) => req.user.id });`,
          `app.post('/coupons/redeem', requireAuth, byIp, (req, res) => res.end());`,
          `app.post('/vouchers/redeem', requireAuth, byUser, (req, res) => res.end());`,
          `app.post('/login', byIp, (req, res) => res.end());`,
        ].join('\n'),
      ),
    );
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({ line: 8, severity: 'low' });
    expect(result[0]!.message).toContain('rate-limited only per IP');
    expect(result[0]!.message).toContain('key the limit by user or account');
  });

  it('reports login as high and sign-up as medium when nothing limits them', async () => {
    const result = await findings(express(`app.post('/auth/login', (req, res) => res.end());\napp.post('/auth/register', (req, res) => res.end());\napp.post('/auth/logout', (req, res) => res.end());`));
    expect(result.map(({ line, severity }) => [line, severity])).toEqual([
      [6, 'high'],
      [7, 'medium'],
    ]);
    expect(result[0]!.message).toBe('POST /auth/login (login) has no rate limit: a client can try passwords without limit (credential stuffing / brute force).');
  });

  it('accepts a project limiter named in config rateLimiters, as middleware or called in the handler', async () => {
    const routes = [
      `import { limitAttempts, checkQuota } from './quota.js';`,
      `app.post('/auth/login', limitAttempts, (req, res) => res.end());`,
      `app.post('/auth/otp/verify', async (req: any, res) => { await checkQuota(req.body.userId); res.json(await verifyCode(req.body.code)); });`,
    ].join('\n');
    const quota = { 'src/quota.ts': `export function limitAttempts(req: any, res: any, next: any) { next(); }\nexport async function checkQuota(id: string) { return id; }\n` };
    expect((await findings(express(routes, quota))).map((finding) => finding.line)).toEqual([7, 8]);
    const configured = { ...quota, 'trustscan.config.json': JSON.stringify({ rateLimiters: ['limitAttempts', 'checkQuota'] }) };
    expect(await findings(express(routes, configured))).toEqual([]);
  });

  it('accepts a project limiter declared as a rate-limiter model: as middleware, made by a call behind a name, or called in the handler', async () => {
    const routes = [
      `import { limitAttempts, checkQuota, makeGate } from './quota.js';`,
      `const gate = makeGate({ perMinute: 5 });`,
      `app.post('/auth/login', limitAttempts, (req, res) => res.end());`,
      `app.post('/auth/otp/verify', async (req: any, res) => { await checkQuota(req.body.userId); res.json(await verifyCode(req.body.code)); });`,
      `app.post('/auth/password/reset', gate, (req: any, res) => res.json(resetPassword(req.body.token, req.body.password)));`,
    ].join('\n');
    const quota = { 'src/quota.ts': `export function limitAttempts(req: any, res: any, next: any) { next(); }\nexport async function checkQuota(id: string) { return id; }\nexport function makeGate(options: object) { return (req: any, res: any, next: any) => next(); }\n` };
    expect((await findings(express(routes, quota))).map((finding) => finding.line)).toEqual([8, 9, 10]);
    const model = (fn: string) => ({ kind: 'rate-limiter', module: './src/quota', function: fn });
    const configured = { ...quota, 'trustscan.config.json': JSON.stringify({ models: [model('limitAttempts'), model('checkQuota'), model('makeGate')] }) };
    expect(await findings(express(routes, configured))).toEqual([]);
  });

  it('reports every step of a config flow that nothing limits', async () => {
    const routes = `app.post('/orders/:id/finalize', requireAuth, (req, res) => res.end());\napp.post('/orders/:id/notes', requireAuth, (req, res) => res.end());`;
    expect(await findings(express(routes))).toEqual([]);
    const flows = { 'trustscan.config.json': JSON.stringify({ flows: [{ name: 'checkout', steps: ['POST /orders/{orderId}/finalize'] }] }) };
    const result = await findings(express(routes, flows));
    expect(result).toEqual([{ line: 6, severity: 'medium', message: expect.stringContaining('(step of the checkout flow) has no rate limit') }]);
  });

  it('treats @SkipThrottle() as removing a global ThrottlerGuard', async () => {
    const result = await findings({
      'package.json': JSON.stringify({ dependencies: { '@nestjs/common': '10', '@nestjs/core': '10', '@nestjs/throttler': '5' } }),
      'src/main.ts': `import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module';\nNestFactory.create(AppModule);\n`,
      'src/app.module.ts': `import { Module } from '@nestjs/common';\nimport { APP_GUARD } from '@nestjs/core';\nimport { ThrottlerGuard } from '@nestjs/throttler';\nimport { AuthController } from './auth.controller';\n@Module({ controllers: [AuthController], providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }] })\nexport class AppModule {}\n`,
      'src/auth.controller.ts': [
        `import { Controller, Post } from '@nestjs/common';`,
        `import { SkipThrottle } from '@nestjs/throttler';`,
        `@Controller('auth')`,
        `export class AuthController {`,
        `  @Post('login') login() {}`,
        `  @SkipThrottle() @Post('sign-in') signIn() {}`,
        `}`,
      ].join('\n'),
    });
    expect(result.map(({ line, severity }) => [line, severity])).toEqual([[6, 'high']]);
  });
});

describe('what a code route does', () => {
  it('checking the code texted to the user is a one-time code verification (high), sending one a verification code send (medium)', async () => {
    const found = await findings(express([
      "app.post('/auth/challenge/complete-sms-challenge', (req, res) => { res.json({ ok: req.body.code === '1' }); });",
      "app.post('/auth/challenge/send-sms-code', (req, res) => { res.json({ sent: String(req.body.phone) }); });",
    ].join('\n')));
    expect(found.map(({ severity, message }) => `${severity} ${message.slice(0, message.indexOf(')') + 1)}`)).toEqual([
      'high POST /auth/challenge/complete-sms-challenge (one-time code verification)',
      'medium POST /auth/challenge/send-sms-code (verification code send)',
    ]);
  });
});
