/**
 * One access-log line, whatever format it came in: what the replay needs (when, what, how it ended,
 * who) and where it came from (file, line number, the raw text shown, masked, as evidence).
 */
export const LOG_FORMATS = ['combined', 'common', 'pino', 'morgan-json', 'alb', 'apigateway'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LogRequest {
  /** Milliseconds since the epoch, from the line's own timestamp (log time, never wall time). */
  time: number;
  method: string;
  /** The request target as logged: a path, or an absolute URL (ALB); the query string is kept for display only. */
  target: string;
  status: number;
  /** Fields an actor can be read from; `fields` is the parsed JSON object for JSON formats. */
  ip?: string;
  userAgent?: string;
  remoteUser?: string;
  authorization?: string;
  fields?: Record<string, unknown>;
  /** API Gateway: the stage the path may start with (`/prod/orders/1`). */
  stage?: string;
  file: string;
  lineNumber: number;
  line: string;
}

/** What a parser makes of one line: a request, a line that is no request (an app log message), or garbage. */
export type ParsedLine = { kind: 'request'; request: Omit<LogRequest, 'file' | 'lineNumber' | 'line'> } | { kind: 'other' } | { kind: 'malformed' };
