/**
 * sensitive-data-in-logs on middy's input-output-logger: the severity follows what the logger writes
 * (the default writes every event: high; a custom logger writing what it is given at debug: medium),
 * and only routes whose chain holds it and that take a bearer token are named.
 */
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';

async function findings(files: Record<string, string>): Promise<Array<{ file: string; line: number; severity: string; message: string }>> {
  const run = await runCli(['scan', '--rule', 'sensitive-data-in-logs', '--format', 'json', '--fail-on', 'none'], { cwd: makeProject(files) });
  const report = JSON.parse(run.stdout) as { findings: Array<{ file: string; line: number; severity: string; message: string }> };
  return report.findings.map(({ file, line, severity, message }) => ({ file, line, severity, message }));
}

const COGNITO = ['          authorizer:', '            type: COGNITO_USER_POOLS', '            arn: arn:aws:cognito-idp:us-east-1:1:userpool/x'];

describe('sensitive-data-in-logs: middy input-output-logger', () => {
  it('is high with the default logger, medium with a debug-level custom logger, and names only the routes behind it', async () => {
    const found = await findings({
      'package.json': JSON.stringify({ dependencies: { '@middy/core': '5', '@middy/input-output-logger': '5', pino: '8' } }),
      'serverless.yml': [
        'service: x',
        'functions:',
        ...[['a', 'POST', 'a'], ['b', 'POST', 'b'], ['c', 'GET', 'c']].flatMap(([name, method, path]) => [`  ${name}:`, `    handler: src/h.${name}`, '    events:', '      - http:', `          path: ${path}`, `          method: ${method!.toLowerCase()}`, ...(name === 'c' ? [] : COGNITO)]),
        '',
      ].join('\n'),
      'src/h.js': [
        "import middy from '@middy/core';",
        "import inputOutputLogger from '@middy/input-output-logger';",
        "import pino from 'pino';",
        'const log = pino();',
        'const run = async () => ({ statusCode: 200, body: "" });',
        'export const a = middy(run).use(inputOutputLogger());',
        'export const b = middy(run).use(inputOutputLogger({ logger: (request) => log.debug({ request }) }));',
        'export const c = middy(run).use(inputOutputLogger());',
        '',
      ].join('\n'),
    });
    expect(found.map((finding) => [finding.line, finding.severity])).toEqual([
      [6, 'high'],
      [7, 'medium'],
    ]);
    expect(found[0]!.message).toContain('event.headers.Authorization (LAMBDA POST /a)');
    expect(found[0]!.message).not.toContain('/b');
    expect(found[0]!.message).toContain('to the function log');
  });
});
