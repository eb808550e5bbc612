/**
 * Access-log line parsers, one per format, and the detection of a file's format from its first
 * lines. Pure: a line in, a ParsedLine out. A line a parser cannot read is `malformed` (counted and
 * skipped by the caller), never an exception.
 *
 * - combined / common: Apache, nginx and morgan's `combined`/`common` (`%h %l %u [%t] "%r" %>s %b`,
 *   combined adding `"%{Referer}i" "%{User-agent}i"`); the remote user `%u` is kept for the actor.
 * - pino: pino-http's JSON lines (`req.method`, `req.url`, `req.headers`, `res.statusCode`, `time`).
 * - morgan-json: one JSON object per line with morgan's tokens under their usual names
 *   (`method`, `url`, `status`, `date`, `remote-addr`, `user-agent`, `remote-user`; common aliases too).
 * - alb: AWS Application Load Balancer access logs (space-separated, quoted request and user agent).
 * - apigateway: API Gateway access logs in JSON (`httpMethod` or `routeKey`, `path`/`resourcePath`,
 *   `status`, `requestTimeEpoch`/`requestTime`, `sourceIp`/`identity.sourceIp`).
 */
import type { LogFormat, ParsedLine } from './log-request.js';

type Request = Extract<ParsedLine, { kind: 'request' }>['request'];
const MALFORMED: ParsedLine = { kind: 'malformed' };
const OTHER: ParsedLine = { kind: 'other' };

const MONTHS: Readonly<Record<string, number>> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const CLF_TIME = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? ([+-])(\d{2})(\d{2})$/;

/** `10/Oct/2000:13:55:36 -0700` (the common log format's `%t`) -> epoch ms, or NaN. */
export function parseClfTime(text: string): number {
  const match = CLF_TIME.exec(text);
  if (!match) return Number.NaN;
  const month = MONTHS[match[2]!];
  if (month === undefined) return Number.NaN;
  const utc = Date.UTC(Number(match[3]), month, Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6]), match[7] ? Number(match[7].padEnd(3, '0').slice(0, 3)) : 0);
  const offsetMinutes = (Number(match[9]) * 60 + Number(match[10])) * (match[8] === '-' ? -1 : 1);
  return utc - offsetMinutes * 60_000;
}

/** A timestamp as logs write them: epoch seconds or milliseconds, ISO 8601, RFC 1123, or the CLF form. */
export function parseLogTime(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? (value < 1e11 ? value * 1000 : value) : Number.NaN;
  if (typeof value !== 'string' || value.length === 0) return Number.NaN;
  if (/^\d+(?:\.\d+)?$/.test(value)) return parseLogTime(Number(value));
  const clf = parseClfTime(value);
  if (!Number.isNaN(clf)) return clf;
  return Date.parse(value);
}

// %h %l %u [%t] "%r" %>s %b, then (combined) "%{Referer}i" "%{User-agent}i"; anything after is ignored (nginx extras).
const CLF_LINE = /^(\S+) (\S+) (\S+) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}) (\S+)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?/;
const REQUEST_LINE = /^([A-Z]+) (\S+)(?: HTTP\/[\d.]+)?$/;

export function parseCommonLogLine(line: string): ParsedLine {
  const match = CLF_LINE.exec(line);
  if (!match) return MALFORMED;
  const time = parseClfTime(match[4]!);
  if (Number.isNaN(time)) return MALFORMED;
  const request = REQUEST_LINE.exec(match[5]!);
  // `"-"` or a TLS handshake sent to the HTTP port: logged, but no request a route can match.
  if (!request) return OTHER;
  return {
    kind: 'request',
    request: {
      time,
      method: request[1]!,
      target: request[2]!,
      status: Number(match[6]),
      ip: match[1],
      ...(match[3] !== '-' ? { remoteUser: unescapeQuoted(match[3]!) } : {}),
      ...(match[9] !== undefined && match[9] !== '-' ? { userAgent: unescapeQuoted(match[9]) } : {}),
    },
  };
}

function unescapeQuoted(text: string): string {
  return text.includes('\\') ? text.replace(/\\(.)/g, '$1') : text;
}

/** Splits a line on spaces, a double-quoted field (with backslash escapes) being one token. */
function splitQuotedFields(line: string): string[] {
  const fields: string[] = [];
  let index = 0;
  while (index < line.length) {
    if (line[index] === ' ') {
      index++;
      continue;
    }
    if (line[index] === '"') {
      let end = index + 1;
      let text = '';
      while (end < line.length && line[end] !== '"') {
        if (line[end] === '\\' && end + 1 < line.length) end++;
        text += line[end];
        end++;
      }
      fields.push(text);
      index = end + 1;
    } else {
      const end = line.indexOf(' ', index);
      fields.push(line.slice(index, end === -1 ? line.length : end));
      index = end === -1 ? line.length : end;
    }
  }
  return fields;
}

const ALB_LINE_START = /^(?:http|https|h2|grpcs|ws|wss) \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/;

export function parseAlbLine(line: string): ParsedLine {
  if (!ALB_LINE_START.test(line)) return MALFORMED;
  // type time elb client:port target:port request_time target_time response_time elb_status target_status received sent "request" "user_agent" ...
  const fields = splitQuotedFields(line);
  if (fields.length < 14) return MALFORMED;
  const time = Date.parse(fields[1]!);
  const status = Number(fields[8]);
  if (Number.isNaN(time) || !Number.isInteger(status)) return MALFORMED;
  const request = REQUEST_LINE.exec(fields[12]!);
  if (!request) return OTHER;
  const client = fields[3]!;
  const colon = client.lastIndexOf(':');
  return {
    kind: 'request',
    request: {
      time,
      method: request[1]!,
      target: request[2]!,
      status,
      ip: colon > 0 ? client.slice(0, colon) : client,
      ...(fields[13] && fields[13] !== '-' ? { userAgent: fields[13] } : {}),
    },
  };
}

/** The value at a dotted path; a key may itself hold dots or dashes (`req.headers.x-user-id`). */
export function valueAtPath(object: unknown, dottedPath: string): unknown {
  if (object === null || typeof object !== 'object') return undefined;
  const record = object as Record<string, unknown>;
  const direct = record[dottedPath];
  if (direct !== undefined) return direct;
  let dot = dottedPath.indexOf('.');
  // Shortest key first; a key that itself holds dots (`x.forwarded`) is tried by extending it.
  while (dot !== -1) {
    const next = record[dottedPath.slice(0, dot)];
    if (next !== undefined) {
      const found = valueAtPath(next, dottedPath.slice(dot + 1));
      if (found !== undefined) return found;
    }
    dot = dottedPath.indexOf('.', dot + 1);
  }
  return undefined;
}

function firstValue(object: Record<string, unknown>, paths: readonly string[]): unknown {
  for (const candidate of paths) {
    const value = valueAtPath(object, candidate);
    if (value !== undefined && value !== null && value !== '' && value !== '-') return value;
  }
  return undefined;
}

const asText = (value: unknown): string | undefined => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined);

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? asText(value[0]) : asText(value);
  }
  return undefined;
}

function parseJsonObject(line: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function jsonRequest(fields: Record<string, unknown>, values: { method: unknown; target: unknown; status: unknown; time: unknown }, extra: Partial<Request>): ParsedLine {
  const method = asText(values.method)?.toUpperCase();
  const target = asText(values.target);
  const status = Number(values.status);
  const time = parseLogTime(values.time);
  if (!method || !target || !Number.isInteger(status) || Number.isNaN(time)) return MALFORMED;
  return { kind: 'request', request: { time, method, target, status, fields, ...extra } };
}

export function parsePinoLine(line: string): ParsedLine {
  const fields = parseJsonObject(line);
  if (!fields) return MALFORMED;
  const req = fields.req as Record<string, unknown> | undefined;
  // pino-http logs requests; the application's other pino lines share the file.
  if (!req || typeof req !== 'object' || req.method === undefined) return OTHER;
  const res = fields.res as Record<string, unknown> | undefined;
  const headers = req.headers;
  return jsonRequest(fields, { method: req.method, target: req.originalUrl ?? req.url, status: res?.statusCode ?? res?.status, time: fields.time }, {
    ...optional('ip', asText(req.remoteAddress) ?? asText(req.ip) ?? headerValue(headers, 'x-forwarded-for')?.split(',')[0]?.trim()),
    ...optional('userAgent', headerValue(headers, 'user-agent')),
    ...optional('authorization', headerValue(headers, 'authorization')),
  });
}

const MORGAN_NAMES = {
  method: ['method', 'http_method', 'request_method', 'httpMethod'],
  target: ['url', 'originalUrl', 'uri', 'request_uri', 'path'],
  status: ['status', 'statusCode', 'status_code', 'response_status'],
  time: ['date', 'time', 'timestamp', '@timestamp', 'ts'],
  ip: ['remote-addr', 'remoteAddr', 'remote_addr', 'ip', 'client_ip'],
  userAgent: ['user-agent', 'userAgent', 'user_agent', 'http_user_agent'],
  remoteUser: ['remote-user', 'remoteUser', 'remote_user'],
  authorization: ['authorization', 'req.headers.authorization', 'headers.authorization'],
} as const;

export function parseMorganJsonLine(line: string): ParsedLine {
  const fields = parseJsonObject(line);
  if (!fields) return MALFORMED;
  const method = firstValue(fields, MORGAN_NAMES.method);
  if (method === undefined) return OTHER;
  return jsonRequest(fields, { method, target: firstValue(fields, MORGAN_NAMES.target), status: firstValue(fields, MORGAN_NAMES.status), time: firstValue(fields, MORGAN_NAMES.time) }, {
    ...optional('ip', asText(firstValue(fields, MORGAN_NAMES.ip))),
    ...optional('userAgent', asText(firstValue(fields, MORGAN_NAMES.userAgent))),
    ...optional('remoteUser', asText(firstValue(fields, MORGAN_NAMES.remoteUser))),
    ...optional('authorization', asText(firstValue(fields, MORGAN_NAMES.authorization))),
  });
}

export function parseApiGatewayLine(line: string): ParsedLine {
  const fields = parseJsonObject(line);
  if (!fields) return MALFORMED;
  // HTTP APIs log `routeKey` ("POST /orders/{id}"); REST APIs `httpMethod`.
  const routeKey = asText(fields.routeKey);
  const method = asText(fields.httpMethod) ?? (routeKey && routeKey !== '$default' ? routeKey.split(' ')[0] : undefined);
  if (method === undefined) return OTHER;
  const time = fields.requestTimeEpoch ?? fields.requestTime;
  return jsonRequest(fields, { method, target: firstValue(fields, ['path', 'resourcePath']) ?? routeKey?.split(' ')[1], status: fields.status ?? fields.statusCode, time }, {
    ...optional('ip', asText(firstValue(fields, ['sourceIp', 'identity.sourceIp', 'ip']))),
    ...optional('userAgent', asText(firstValue(fields, ['userAgent', 'identity.userAgent']))),
    ...optional('authorization', asText(firstValue(fields, ['authorization', 'headers.authorization']))),
    ...optional('stage', asText(fields.stage)),
  });
}

function optional<Key extends string>(key: Key, value: string | undefined): Partial<Record<Key, string>> {
  return value === undefined || value === '' || value === '-' ? {} : ({ [key]: value } as Record<Key, string>);
}

export const LINE_PARSERS: Readonly<Record<LogFormat, (line: string) => ParsedLine>> = {
  combined: parseCommonLogLine,
  common: parseCommonLogLine,
  pino: parsePinoLine,
  'morgan-json': parseMorganJsonLine,
  alb: parseAlbLine,
  apigateway: parseApiGatewayLine,
};

/** How many of a file's first non-empty lines decide its format. */
export const DETECTION_SAMPLE_LINES = 20;

/** The format of one line, or undefined when it reads as none. */
export function lineFormat(line: string): LogFormat | undefined {
  const trimmed = line.trim();
  if (trimmed.startsWith('{')) {
    const fields = parseJsonObject(trimmed);
    if (!fields) return undefined;
    if (fields.req && typeof fields.req === 'object') return 'pino';
    if ('httpMethod' in fields || 'routeKey' in fields || 'requestTimeEpoch' in fields || 'resourcePath' in fields) return 'apigateway';
    if (firstValue(fields, MORGAN_NAMES.method) !== undefined) return 'morgan-json';
    // A JSON line without a request (an app log message in a pino file): votes for nothing.
    return undefined;
  }
  if (ALB_LINE_START.test(trimmed)) return 'alb';
  const clf = CLF_LINE.exec(trimmed);
  if (clf) return clf[9] !== undefined ? 'combined' : 'common';
  return undefined;
}

/** The format most of the sampled lines read as; undefined when none reads as any. */
export function detectLogFormat(sample: readonly string[]): LogFormat | undefined {
  const votes = new Map<LogFormat, number>();
  for (const line of sample) {
    const format = lineFormat(line);
    if (format) votes.set(format, (votes.get(format) ?? 0) + 1);
  }
  // combined and common share a parser: a file mixing the two is a combined log with some bare lines.
  if (votes.has('combined') && votes.has('common')) {
    votes.set('combined', votes.get('combined')! + votes.get('common')!);
    votes.delete('common');
  }
  let best: LogFormat | undefined;
  for (const [format, count] of votes) if (best === undefined || count > votes.get(best)!) best = format;
  return best;
}
