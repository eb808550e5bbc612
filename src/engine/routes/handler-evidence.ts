import { ts } from 'ts-morph';
import type { ResolvedFunction } from '../ast/functions.js';
import { nodePosition } from '../ast/functions.js';

// How handlers read the authenticated user. Order matters only for display.
const PRINCIPAL_READS: Array<{ label: string; pattern: RegExp }> = [
  { label: 'req.user', pattern: /\breq\s*(?:\?\.|\.)\s*user\b/ },
  { label: 'request.user', pattern: /\brequest\s*(?:\?\.|\.)\s*user\b/ },
  { label: 'req.auth', pattern: /\breq\s*(?:\?\.|\.)\s*auth\b/ },
  { label: 'session.user', pattern: /\bsession\s*(?:\?\.|\.)\s*(?:user|userId)\b/ },
  { label: 'ctx.state.user', pattern: /\bctx\s*\.\s*state\s*(?:\?\.|\.)\s*(?:user|jwtdata|auth)\b/ },
  { label: "c.get('jwtPayload')", pattern: /\bc\s*\.\s*get\s*\(\s*['"`](?:jwtPayload|user|session|auth)['"`]\s*\)/ },
  { label: 'getServerSession()', pattern: /\bgetServerSession\s*\(/ },
  { label: 'auth()', pattern: /(?<![.\w])auth\s*\(\s*\)/ },
  { label: 'currentUser()', pattern: /\bcurrentUser\s*\(\s*\)/ },
  { label: 'supabase.auth.getUser()', pattern: /\.auth\s*\.\s*getUser\s*\(/ },
  { label: 'request.jwtVerify()', pattern: /\.jwtVerify\s*\(/ },
  { label: 'getAuth()', pattern: /\bgetAuth\s*\(/ },
  { label: 'getSession()', pattern: /\bget(?:Iron)?Session\s*\(/ },
  { label: 'getToken()', pattern: /\bgetToken\s*\(\s*\{\s*req\b/ },
];

/** Parameter decorators that inject the authenticated user into a NestJS handler. */
const PRINCIPAL_DECORATOR = /^(?:CurrentUser|User|AuthUser|GetUser|ReqUser|Principal|Session|Auth|Jwt(?:Payload|User)|UserEntity|(?:Get)?CurrentUserId|(?:LoggedIn|Authenticated|Session|Request|Active)User|Current(?:Account|Member))$/;

const REJECTS_UNAUTHENTICATED = /\b(?:status|sendStatus|code|throw)\s*\(\s*401\b|\b401\s*\)|new\s+\w*(?:Unauthori[sz]ed|Unauthenticated|AuthenticationError|NotAuthenticated)\w*|\bunauthorized\s*\(|redirect\s*\(\s*['"`][^'"`]*(?:login|signin|sign-in|auth)|HttpStatus\.UNAUTHORIZED|StatusCodes\.UNAUTHORIZED|\bstatus\s*:\s*401\b|redirect\s*\(\s*new\s+URL\s*\(\s*['"`][^'"`]*(?:login|signin|sign-in)|if\s*\(\s*!\s*\(?\s*(?:await\s+)?[\w$.?]*(?:session|user|userId|token|auth)\b[^)]*\)\s*\{?\s*(?:return|throw)\b[^;]*?\b403\b/;

/** How a handler reads the authenticated principal, e.g. ["req.user"] or ["@CurrentUser() user"]. */
export function readPrincipal(handler: ResolvedFunction | undefined): string[] {
  if (!handler) return [];
  const found: string[] = [];
  for (const parameter of handler.node.parameters) {
    for (const decorator of ts.getDecorators(parameter) ?? []) {
      const expression = decorator.expression;
      const callee = ts.isCallExpression(expression) ? expression.expression : expression;
      if (ts.isIdentifier(callee) && PRINCIPAL_DECORATOR.test(callee.text)) {
        found.push(`@${callee.text}() ${parameter.name.getText(handler.node.getSourceFile())}`);
      }
    }
  }
  const body = handler.node.body;
  if (body) {
    const text = body.getText(handler.node.getSourceFile());
    for (const { label, pattern } of PRINCIPAL_READS) if (pattern.test(text)) found.push(label);
  }
  return found;
}

/**
 * An authentication check written in the handler itself: it reads the principal or session and
 * rejects with 401 (or redirects to login) when it is missing. Returns the evidence, if any.
 */
export function inHandlerAuthentication(handler: ResolvedFunction | undefined): string | undefined {
  if (!handler?.node.body) return undefined;
  const principal = readPrincipal(handler).filter((read) => !read.startsWith('@'));
  if (principal.length === 0) return undefined;
  const text = handler.node.body.getText(handler.node.getSourceFile());
  if (!REJECTS_UNAUTHENTICATED.test(text)) return undefined;
  return `${handler.name} (${handler.file.path}:${nodePosition(handler.node).line}) reads ${principal[0]} and rejects unauthenticated requests`;
}
