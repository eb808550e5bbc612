/**
 * `trustscan flows --check-log` end to end on the shop fixture (fixtures/apps/shop: an Order flow
 * CART -> PENDING_PAYMENT -> PAID -> SHIPPED with guarded steps and an unguarded deliver, plus the
 * config flow "checkout"): a generated 200k-line log in two files (combined text, and pino JSON
 * gzipped) with planted breaks, all of which must be found and nothing else; then small logs for
 * idle expiry, merging, masking in every output format, and the exit codes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of scripts/, shared with `npm run bench`.
import { expectedBreaks, generateAccessLog } from '../../scripts/generate-access-log.mjs';
import { runCli } from '../helpers/cli.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const shop = 'fixtures/apps/shop';
const dir = mkdtempSync(path.join(tmpdir(), 'trustscan-check-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ReplayJson {
  input: { lines: number; malformed: number; other: number; files: Array<{ file: string; format: string; gzip: boolean; malformed: number }> };
  requests: { unknownPath: number };
  actors: { active: number; brokeAFlow: string[] };
  flows: Array<{ name: string; counts: Record<string, number>; violations: Array<{ kind: string; severity: string; record?: string; actor: string; lines: Array<{ text: string }> }>; steps: Array<{ path: string; blockedOutOfOrder: number }> }>;
}

const clf = (iso: string) => {
  const d = new Date(iso);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
};
const line = (iso: string, user: string, request: string, status: number) => `10.0.0.1 - ${user} [${clf(iso)}] "${request} HTTP/1.1" ${status} 10 "-" "client/1"`;
const write = (name: string, lines: readonly string[]) => {
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
};
const breaks = (json: ReplayJson) => json.flows.flatMap((flow) => flow.violations.map((violation) => `${flow.name} ${violation.kind} ${violation.severity} ${violation.record}`)).sort();

describe('flows --check-log', () => {
  it('finds every planted break in a generated 200k-line log of two instances (one gzipped), and invents none', async () => {
    const planted: Array<{ actor: string }> = [];
    const files: Record<string, string[]> = { combined: [], pino: [] };
    for (const [instance, text] of generateAccessLog({ lines: 200_000, planted }) as Iterable<[string, string]>) files[instance]!.push(text);
    const garbage = files.combined!.filter((text) => text.startsWith('\u0016')).length;
    const combined = write('instance-1.log', files.combined!);
    const pino = path.join(dir, 'instance-2.log.gz');
    writeFileSync(pino, gzipSync(`${files.pino!.join('\n')}\n`));

    const run = await runCli(['flows', shop, '--check-log', combined, pino, '-f', 'json'], { cwd: repoRoot });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1); // unguarded deliver reached out of order
    const json = JSON.parse(run.stdout) as ReplayJson;
    expect(json.input.lines).toBeGreaterThanOrEqual(200_000);
    expect(json.input.files.map((file) => [file.format, file.gzip])).toEqual([['combined', false], ['pino', true]]);
    expect(json.input.malformed).toBe(garbage);
    expect(garbage).toBeGreaterThan(10);
    expect(json.input.other).toBeGreaterThan(1000); // the application's own pino lines
    expect(json.requests.unknownPath).toBeGreaterThan(1000);

    const expected = expectedBreaks(planted) as string[];
    expect(expected.length).toBeGreaterThan(150);
    expect(breaks(json)).toEqual(expected);
    // Only those who broke a flow are named; every customer and operator is counted.
    expect(json.actors.brokeAFlow).toEqual([...new Set(planted.map((plant) => plant.actor))].sort());
    expect(json.actors.active).toBeGreaterThan(30_000);
    // Refused second payments are the guard doing its job: counted, never reported.
    expect(json.flows.find((flow) => flow.name === 'Order.status')!.steps.find((step) => step.path === '/orders/:orderId/pay')!.blockedOutOfOrder).toBeGreaterThan(1000);
    // Lines shown are masked: the JWT and session cookie of pino lines, the token in a URL.
    const shown = json.flows.flatMap((flow) => flow.violations.flatMap((violation) => violation.lines.map((entry) => entry.text))).join('\n');
    expect(shown).toMatch(/"authorization":"Bear\*{20,}/);
    expect(shown).not.toMatch(/Zk9xQ2pLbW5vcA/);
    expect(shown).toMatch(/session_token=tok_\*+/);
    expect(shown).not.toMatch(/tok_o\d+x9Qv7Lm2/);
  }, 30_000);

  it('forgets a record idle longer than the idle timeout (log time), and not before', async () => {
    const log = write('idle.log', [
      line('2026-12-01T10:00:00Z', 'alice', 'POST /cart', 201),
      line('2026-12-01T10:00:10Z', 'alice', 'POST /cart/o1/checkout', 200),
      line('2026-12-01T10:00:20Z', 'alice', 'POST /orders/o1/pay', 200),
      line('2026-12-01T10:01:00Z', 'ops', 'POST /orders/o1/ship', 200),
      line('2026-12-01T10:02:00Z', 'ops', 'POST /orders/o1/deliver', 200),
      line('2026-12-01T10:33:00Z', 'ops', 'POST /orders/o1/deliver', 200),
    ]);
    const expired = JSON.parse((await runCli(['flows', shop, '--check-log', log, '-f', 'json'], { cwd: repoRoot })).stdout) as ReplayJson;
    expect(breaks(expired)).toEqual([]);
    const kept = await runCli(['flows', shop, '--check-log', log, '-f', 'json', '--idle-timeout', '45'], { cwd: repoRoot });
    expect(breaks(JSON.parse(kept.stdout) as ReplayJson)).toEqual(['Order.status repeat high o1']);
    expect(kept.code).toBe(1);
  });

  it('merges files in time order, so a flow split across two servers replays in order', async () => {
    const first = write('server-a.log', [line('2026-12-01T10:00:00Z', 'bob', 'POST /cart', 201), line('2026-12-01T10:00:20Z', 'bob', 'POST /orders/o2/pay', 200), line('2026-12-01T10:00:40Z', 'bob', 'POST /orders/o2/ship', 200)]);
    const second = path.join(dir, 'server-b.log.gz');
    writeFileSync(second, gzipSync(`${line('2026-12-01T10:00:10Z', 'bob', 'POST /cart/o2/checkout', 200)}\n${line('2026-12-01T10:00:30Z', 'bob', 'POST /orders/o2/pay', 409)}\n`));
    const run = await runCli(['flows', shop, '--check-log', first, second, '-f', 'json'], { cwd: repoRoot });
    const json = JSON.parse(run.stdout) as ReplayJson;
    expect(breaks(json)).toEqual([]);
    expect(run.code).toBe(0);
    expect(json.flows.find((flow) => flow.name === 'checkout')!.steps.find((step) => step.path === '/orders/:orderId/pay')!.blockedOutOfOrder).toBe(1);
    // Either file alone tells another story: without the checkout, the payment skips it.
    const alone = JSON.parse((await runCli(['flows', shop, '--check-log', first, '-f', 'json'], { cwd: repoRoot })).stdout) as ReplayJson;
    expect(breaks(alone)).toContain('checkout skip medium o2');
  });

  it('masks tokens in URLs and credential fields in text, Markdown and JSON, and names only actors who broke a flow', async () => {
    const bearer = 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.c2lnbmF0dXJlMTIzNDU2';
    const pino = (time: number, url: string, status: number, user: string) =>
      JSON.stringify({ level: 30, time, req: { method: 'POST', url, headers: { authorization: bearer.replace('mallory', user), cookie: 'sid=s%3AsEcReTsEsSiOn99' }, remoteAddress: '10.9.9.9' }, res: { statusCode: status }, userId: user });
    const t = Date.UTC(2026, 11, 1, 10);
    const log = write('mallory.log', [
      pino(t, '/cart', 201, 'mallory'),
      pino(t + 10_000, '/cart/o7/checkout?access_token=at_5up3rS3cr3tV4lue', 200, 'mallory'),
      pino(t + 20_000, '/orders/o7/pay', 200, 'mallory'),
      pino(t + 30_000, '/orders/o7/deliver?sig=deadbeefcafe1234', 200, 'mallory'),
      pino(t + 40_000, '/cart', 201, 'honest-user'),
    ]);
    for (const format of ['text', 'markdown', 'json']) {
      const run = await runCli(['flows', shop, '--check-log', log, '-f', format], { cwd: repoRoot });
      expect(run.code, format).toBe(1);
      expect(run.stdout, format).toContain('mallory');
      expect(run.stdout, format).not.toContain('honest-user');
      for (const secret of ['at_5up3rS3cr3tV4lue', 'deadbeefcafe1234', 'sEcReTsEsSiOn99', 'c2lnbmF0dXJlMTIzNDU2']) expect(run.stdout, `${format} shows ${secret}`).not.toContain(secret);
    }
    const text = (await runCli(['flows', shop, '--check-log', log], { cwd: repoRoot })).stdout;
    expect(text).toMatch(/HIGH: unguarded step reached out of order\n {4}SKIP POST \/orders\/:orderId\/deliver \(UNGUARDED in code, fixtures\/apps\/shop\/src\/routes\/shop\.ts:\d+\)\n {4}actor mallory, record o7/);
    expect(text).toContain('2 actors, 1 broke a flow');
  });

  it('exits 0 below --fail-on, and 2 with one line for a missing file or a flag without --check-log', async () => {
    const log = write('guarded.log', [line('2026-12-01T10:00:00Z', 'carol', 'POST /cart', 201), line('2026-12-01T10:00:10Z', 'carol', 'POST /orders/o3/ship', 200)]);
    expect((await runCli(['flows', shop, '--check-log', log], { cwd: repoRoot })).code).toBe(0); // medium only
    expect((await runCli(['flows', shop, '--check-log', log, '--fail-on', 'medium'], { cwd: repoRoot })).code).toBe(1);
    const missing = await runCli(['flows', shop, '--check-log', log, path.join(dir, 'nope.log')], { cwd: repoRoot });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^trustscan [\d.]+: cannot read .*nope\.log: no such file\n$/);
    expect((await runCli(['flows', shop, '--actor', 'userId'], { cwd: repoRoot })).code).toBe(2);
    expect((await runCli(['flows', shop, '--check-log', log, '-f', 'mermaid'], { cwd: repoRoot })).code).toBe(2);
  });
});
