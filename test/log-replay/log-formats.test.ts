/**
 * The access-log formats `flows --check-log` reads, the actor it keys sequences by, the route
 * matching and the masking of credentials in the lines it shows.
 */
import { describe, expect, it } from 'vitest';
import { resolveActor, unverifiedJwtSubject } from '../../src/log-replay/actor.js';
import { detectLogFormat, LINE_PARSERS, parseClfTime } from '../../src/log-replay/log-formats.js';
import type { LogRequest } from '../../src/log-replay/log-request.js';
import { maskLogLine } from '../../src/log-replay/mask-log-line.js';
import { RouteMatcher } from '../../src/log-replay/route-matcher.js';

const jwt = (payload: object) => `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2lnbmF0dXJl`;

const SAMPLES = {
  combined: '203.0.113.9 - alice [06/Dec/2026:10:15:32 +0100] "POST /orders/42/pay?token=abc123def456 HTTP/1.1" 200 512 "https://shop.example/cart" "Mozilla/5.0 (X11)"',
  common: '203.0.113.9 - - [06/Dec/2026:10:15:32 -0000] "GET /orders/42 HTTP/1.0" 404 -',
  pino: JSON.stringify({ level: 30, time: 1765012532000, req: { id: 7, method: 'POST', url: '/orders/42/pay', headers: { authorization: `Bearer ${jwt({ sub: 'user-7' })}`, 'user-agent': 'curl/8' }, remoteAddress: '::1' }, res: { statusCode: 409 }, responseTime: 3, msg: 'request completed' }),
  'morgan-json': JSON.stringify({ method: 'PATCH', url: '/orders/42', status: '204', date: 'Sat, 06 Dec 2026 09:15:32 GMT', 'remote-addr': '198.51.100.4', 'remote-user': 'bob', 'user-agent': 'k6' }),
  alb: 'https 2026-12-06T09:15:32.186641Z app/shop-lb/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 201 201 34 366 "POST https://shop.example:443/cart?x=1 HTTP/1.1" "curl/8.4.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/t/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "shop.example" "-" 0 2026-12-06T09:15:32.180000Z "forward" "-" "-" "10.0.0.1:80" "201" "-" "-"',
  apigateway: JSON.stringify({ requestId: 'c6af9ac6', sourceIp: '192.0.2.1', requestTimeEpoch: 1765012532000, httpMethod: 'POST', path: '/prod/orders/42/cancel', resourcePath: '/orders/{id}/cancel', stage: 'prod', status: '200', authorizer: { claims: { sub: 'cognito-sub-1' } } }),
} as const;

describe('access-log formats', () => {
  it('reads the time of the common log format with its offset', () => {
    expect(new Date(parseClfTime('06/Dec/2026:10:15:32 +0100')).toISOString()).toBe('2026-12-06T09:15:32.000Z');
    expect(parseClfTime('not a time')).toBeNaN();
  });

  it('parses one line of each format into method, target, status, time and the actor fields', () => {
    const parse = (format: keyof typeof SAMPLES) => {
      const parsed = LINE_PARSERS[format](SAMPLES[format]);
      expect(parsed.kind, format).toBe('request');
      return (parsed as Extract<typeof parsed, { kind: 'request' }>).request;
    };
    expect(parse('combined')).toMatchObject({ method: 'POST', target: '/orders/42/pay?token=abc123def456', status: 200, time: Date.UTC(2026, 11, 6, 9, 15, 32), ip: '203.0.113.9', remoteUser: 'alice', userAgent: 'Mozilla/5.0 (X11)' });
    expect(parse('common')).toMatchObject({ method: 'GET', target: '/orders/42', status: 404, time: Date.UTC(2026, 11, 6, 10, 15, 32) });
    expect(parse('pino')).toMatchObject({ method: 'POST', target: '/orders/42/pay', status: 409, time: 1765012532000, ip: '::1', userAgent: 'curl/8' });
    expect(parse('morgan-json')).toMatchObject({ method: 'PATCH', target: '/orders/42', status: 204, time: Date.UTC(2026, 11, 6, 9, 15, 32), ip: '198.51.100.4', remoteUser: 'bob' });
    expect(parse('alb')).toMatchObject({ method: 'POST', target: 'https://shop.example:443/cart?x=1', status: 201, time: Date.parse('2026-12-06T09:15:32.186641Z'), ip: '192.168.131.39', userAgent: 'curl/8.4.0' });
    expect(parse('apigateway')).toMatchObject({ method: 'POST', target: '/prod/orders/42/cancel', status: 200, time: 1765012532000, ip: '192.0.2.1', stage: 'prod' });
  });

  it('detects each format from a file\'s first lines, and a pino file by its request lines among app messages', () => {
    for (const format of Object.keys(SAMPLES) as Array<keyof typeof SAMPLES>) expect(detectLogFormat([SAMPLES[format]]), format).toBe(format);
    expect(detectLogFormat(['{"level":30,"msg":"server started"}', SAMPLES.pino, SAMPLES.pino])).toBe('pino');
    expect(detectLogFormat(['hello', 'world'])).toBeUndefined();
  });

  it('counts what is not a request apart from what is garbage', () => {
    expect(LINE_PARSERS.pino('{"level":30,"msg":"cache warmed"}').kind).toBe('other');
    expect(LINE_PARSERS.pino('{"level":30,').kind).toBe('malformed');
    expect(LINE_PARSERS.combined('\u0016\u0003\u0001 garbage').kind).toBe('malformed');
    expect(LINE_PARSERS.combined('203.0.113.9 - - [06/Dec/2026:10:15:32 +0000] "-" 408 0 "-" "-"').kind).toBe('other');
    expect(LINE_PARSERS.alb('https 2026-12-06T09:15:32Z too short').kind).toBe('malformed');
    expect(LINE_PARSERS['morgan-json']('{"method":"GET","url":"/x","status":"200","date":"yesterday"}').kind).toBe('malformed');
  });
});

describe('actor', () => {
  const request = (extra: Partial<LogRequest>): LogRequest => ({ time: 0, method: 'GET', target: '/', status: 200, file: 'a.log', lineNumber: 1, line: '', ...extra });

  it('reads the configured field first, by a dotted path whose keys may hold dashes', () => {
    const fields = { req: { headers: { 'x-user-id': 'u-9' } }, userId: 'other' };
    expect(resolveActor(request({ fields }), 'req.headers.x-user-id')).toEqual({ id: 'u-9', source: 'field' });
    expect(resolveActor(request({ fields: { authorizer: { claims: { sub: 'c-1' } } } }), 'authorizer.claims.sub').id).toBe('c-1');
    expect(resolveActor(request({ remoteUser: 'alice', ip: '1.2.3.4' }), 'ip').id).toBe('1.2.3.4');
  });

  it('falls back to known user fields, then the unverified subject of a Bearer JWT, then address and user agent', () => {
    expect(resolveActor(request({ fields: { userId: 42 } }), undefined)).toEqual({ id: '42', source: 'known-field' });
    expect(resolveActor(request({ remoteUser: 'alice' }), undefined).id).toBe('alice');
    expect(resolveActor(request({ authorization: `Bearer ${jwt({ sub: 'user-7', role: 'admin' })}` }), undefined)).toEqual({ id: 'user-7', source: 'jwt-subject' });
    expect(resolveActor(request({ ip: '10.0.0.1', userAgent: 'curl/8' }), undefined)).toEqual({ id: '10.0.0.1 "curl/8"', source: 'address' });
    expect(unverifiedJwtSubject('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(unverifiedJwtSubject('Bearer not.a-jwt')).toBeUndefined();
  });

  it('never shows the value of a credential field chosen as the actor', () => {
    const actor = resolveActor(request({ fields: { req: { headers: { cookie: 'sid=s%3AsecretSessionValue123' } } } }), 'req.headers.cookie');
    expect(actor.id).toMatch(/^req\.headers\.cookie#[0-9a-f]{12}$/);
  });
});

describe('route matching', () => {
  const routes = [
    { method: 'GET', path: '/orders/:id' },
    { method: 'GET', path: '/orders/recent' },
    { method: 'POST', path: '/orders/[orderId]/pay' },
    { method: 'POST', path: '/orders/{id}/cancel' },
    { method: 'ALL', path: '/files/*' },
    { kind: 'graphql', method: 'MUTATION', path: 'pay' },
  ];
  const matcher = new RouteMatcher(routes);

  it('prefers the most literal route, ignores the query string and takes the path of an absolute URL', () => {
    expect(matcher.match('GET', '/orders/recent?limit=5')?.route.path).toBe('/orders/recent');
    expect(matcher.match('GET', '/orders/17')).toEqual({ route: routes[0], params: [{ name: 'id', value: '17' }] });
    expect(matcher.match('POST', 'https://shop.example:443/orders/17/pay?x=1')?.params).toEqual([{ name: 'orderId', value: '17' }]);
    expect(matcher.match('POST', '/orders/17/cancel')?.route.path).toBe('/orders/{id}/cancel');
    expect(matcher.match('DELETE', '/files/a/b.txt')?.params).toEqual([{ name: 'rest', value: 'a/b.txt' }]);
    expect(matcher.match('HEAD', '/orders/17')?.route.path).toBe('/orders/:id');
  });

  it('knows no route for other paths and methods', () => {
    expect(matcher.match('GET', '/health')).toBeUndefined();
    expect(matcher.match('DELETE', '/orders/17')).toBeUndefined();
    expect(matcher.match('POST', '/pay')).toBeUndefined();
  });
});

describe('masking of log lines', () => {
  it('masks credential query parameters, credential header fields and secret shapes, and leaves the rest', () => {
    const masked = maskLogLine('"GET /reset?token=rt_9f8e7d6c5b4a&page=2&X-Amz-Signature=0123456789abcdef&code=483920 HTTP/1.1"');
    expect(masked).not.toContain('rt_9f8e7d6c5b4a');
    expect(masked).not.toContain('0123456789abcdef');
    expect(masked).not.toContain('483920');
    expect(masked).toContain('page=2');
    const json = maskLogLine(JSON.stringify({ req: { url: '/cb?id_token=eyJhbGciOi.eyJzdWIiOi.sig&state=ok', headers: { authorization: 'Bearer abcdefghijklmnop1234', cookie: 'sid=s%3AZk9xQ2pLbW5vcA', 'x-api-key': 'k_live_12345678' } } }));
    for (const secret of ['eyJhbGciOi.eyJzdWIiOi.sig', 'abcdefghijklmnop1234', 'Zk9xQ2pLbW5vcA', 'k_live_12345678']) expect(json).not.toContain(secret);
    expect(json).toContain('state=ok');
  });
});
