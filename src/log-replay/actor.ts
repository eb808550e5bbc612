/**
 * Who made a request, as far as an access log can say. In order:
 *  1. the field the user names (`--actor`, config `logReplay.actor`): a dotted path into a JSON line
 *     (`req.headers.x-user-id`, `userId`, `authorizer.claims.sub`), or for text formats
 *     `remote_user` (`%u`), `ip`, `user_agent`;
 *  2. the fields that name the signed-in user in the usual setups: `%u` / morgan's `remote-user`,
 *     pino's `userId`, `user.id`, `req.user.id`, API Gateway's `authorizer.claims.sub` and
 *     `authorizer.principalId`;
 *  3. the `sub` of a Bearer JWT in a logged Authorization header, decoded WITHOUT verifying it:
 *     the log is evidence of what was sent, and an attacker's forged token still names the subject
 *     they claimed, which is what a sequence is keyed by (no other claim is read);
 *  4. the client address and user agent together.
 * An actor read from a field whose name says it holds a credential (a session cookie) is shown as
 * a hash of its value, never the value.
 */
import { createHash } from 'node:crypto';
import { valueAtPath } from './log-formats.js';
import type { LogRequest } from './log-request.js';
import { isCredentialName } from './mask-log-line.js';

export interface Actor {
  /**
   * What sequences are keyed by and what the report shows: the user's id as the log gives it, so
   * the same user logged as `%u` by one server and as a JWT subject by another is one actor.
   */
  id: string;
  source: 'field' | 'known-field' | 'jwt-subject' | 'address';
}

const KNOWN_USER_FIELDS = ['userId', 'user_id', 'user.id', 'req.user.id', 'req.userId', 'authorizer.claims.sub', 'authorizer.principalId', 'requestContext.authorizer.claims.sub'];

/** Text formats have no JSON object: these names address the fields they do have. */
function textField(request: LogRequest, field: string): string | undefined {
  switch (field.toLowerCase()) {
    case 'remote_user':
    case 'remote-user':
    case 'remoteuser':
    case '%u':
      return request.remoteUser;
    case 'ip':
    case 'remote_addr':
    case '%h':
      return request.ip;
    case 'user_agent':
    case 'user-agent':
      return request.userAgent;
    default:
      return undefined;
  }
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 && value !== '-' ? value : undefined;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

function shown(field: string, value: string): string {
  const lastName = field.split('.').at(-1) ?? field;
  if (isCredentialName(lastName)) return `${field}#${createHash('sha256').update(value).digest('hex').slice(0, 12)}`;
  return value;
}

/** The `sub` claim of a Bearer JWT, decoded without verification; undefined for anything else. */
export function unverifiedJwtSubject(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^\s*Bearer\s+([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]*\s*$/i.exec(authorization);
  if (!match) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(match[2]!, 'base64url').toString('utf8')) as unknown;
    return payload && typeof payload === 'object' ? scalar((payload as Record<string, unknown>).sub) : undefined;
  } catch {
    return undefined;
  }
}

export function resolveActor(request: LogRequest, configuredField: string | undefined): Actor {
  if (configuredField) {
    const value = request.fields ? scalar(valueAtPath(request.fields, configuredField)) : textField(request, configuredField);
    if (value !== undefined) return { id: shown(configuredField, value), source: 'field' };
  }
  if (request.remoteUser) return { id: shown('user', request.remoteUser), source: 'known-field' };
  if (request.fields) {
    for (const field of KNOWN_USER_FIELDS) {
      const value = scalar(valueAtPath(request.fields, field));
      if (value !== undefined) return { id: shown(field, value), source: 'known-field' };
    }
  }
  const subject = unverifiedJwtSubject(request.authorization);
  if (subject !== undefined) return { id: subject, source: 'jwt-subject' };
  return { id: `${request.ip ?? 'unknown address'} "${request.userAgent ?? ''}"`, source: 'address' };
}
