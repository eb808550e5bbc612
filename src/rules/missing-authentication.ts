import type { Route } from '../engine/routes/route.js';
import { defineRule } from './define-rule.js';
import {
  accessTrace,
  describeAccess,
  MUTATING_METHODS,
  routeFacts,
  routeSpan,
  SENSITIVE_MODEL,
  SENSITIVE_SEGMENT,
  type RouteFacts,
} from './utils/route-facts.js';

// Routes that exist to be called before there is a user: asking for credentials is their job.
const AUTH_FLOW_SEGMENT =
  /^(?:login|log-in|signin|sign-in|signup|sign-up|register|registration|logout|log-out|signout|sign-out|token|refresh(?:-?tokens?)?|forgot(?:-password)?|reset(?:-password)?|password-reset|verify(?:-email)?|confirm(?:-email)?|activate|magic-link|otp|callback|contact|feedbacks?|newsletter|subscribe|unsubscribe|waitlist|csrf(?:-token)?|captcha)$/;
// Infrastructure endpoints count only when the whole path is about them: `/health`, `/api/v1/status`,
// but never `/orders/:id/status`.
const INFRA_SEGMENT =
  /^(?:health|healthz|healthcheck|livez|readyz|ready|live|liveness|readiness|ping|status|metrics|version|docs|swagger|api-docs|openapi(?:\.json)?|graphql|\.well-known|robots\.txt|sitemap(?:\.xml)?|favicon\.ico|api|v\d+)$/;
// A webhook is public by design only when it proves who sent it.
const WEBHOOK_SEGMENT = /^(?:webhooks?|hooks?|stripe|github|slack|twilio)$/;
const SIGNATURE_CHECK = /signature|constructEvent|verifyWebhook|verifyHeader|webhooks?\.verify|svix|timingSafeEqual|createHmac|x-hub-signature|validateRequest|verify\w*(?:Token|Secret|Request)\b/i;

export default defineRule({
  meta: {
    id: 'missing-authentication',
    title: 'Route reads or changes non-public data without authentication',
    severity: 'critical',
    confidence: 'medium',
    controls: {
      soc2: ['CC6.1', 'CC6.6'],
      owaspApi: ['API2:2023'],
      cwe: ['CWE-306'],
      pciDss: ['8.3.1', '7.2.1'],
      hipaa: ['164.312(d)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description:
        'Finds routes that read or change non-public data with no authentication at route, router, controller or app level, and no check in the handler.',
      remediation:
        'Put an authentication middleware or guard in front of the route (or its router/controller), or declare it in config auth.publicRoutes if it is public by design.',
    },
  },
  check(ctx) {
    for (const route of ctx.routes) {
      if (route.auth !== 'public' || route.publicByDesign) continue;
      const facts = routeFacts(ctx, route);
      const verdict = judge(facts);
      if (!verdict) continue;
      ctx.report({
        file: route.file,
        ...routeSpan(ctx, route),
        message: verdict.message,
        severity: verdict.write ? 'critical' : 'high',
        confidence: verdict.confidence,
        route: { method: route.method, path: route.path },
        trace: accessTrace(facts, verdict.access, `${route.id}: ${route.authEvidence[0] ?? 'no authentication'}`),
      });
    }
  },
});

interface Verdict {
  message: string;
  write: boolean;
  confidence: 'high' | 'medium' | 'low';
  access?: RouteFacts['dataAccess'][number];
}

function judge(facts: RouteFacts): Verdict | undefined {
  const { route, segments } = facts;
  const words = segments.map(segmentWords);
  const webhook = words.some((segmentWords) => segmentWords.some((word) => WEBHOOK_SEGMENT.test(word)));
  if (webhook && SIGNATURE_CHECK.test(facts.bodyText)) return undefined;
  if (!webhook && isPublicByDesign(route, segments, words)) return undefined;

  const sensitiveSegment = segments.find((segment) => SENSITIVE_SEGMENT.test(segment));
  const mutating = MUTATING_METHODS.has(route.method) || route.method === 'ALL';
  // A GET that reaches a write deep in its call graph is usually bookkeeping (a view counter, a
  // cache refresh); its reads are what it exposes.
  const write = mutating ? facts.writes[0] : undefined;
  const sensitiveRead = facts.dataAccess.find((access) => access.model && SENSITIVE_MODEL.test(access.model));
  const where = 'no authentication at route, router or app level, and no check in the handler';

  if (write) {
    const what = webhook ? 'a webhook that does not verify the sender\'s signature' : route.id;
    return { message: `${what} ${describeAccess(write)} with ${where}.`, write: true, confidence: 'high', access: write };
  }
  // Only evidence counts: a data access we can see. A sensitive-sounding path with no visible
  // access is left alone rather than guessed at (precision first).
  // Public pages read public data (articles with their authors): a read counts when the path
  // itself is about sensitive data, or when a mutating route reads a sensitive model.
  if (sensitiveRead && (mutating || sensitiveSegment)) {
    return { message: `${route.id} ${describeAccess(sensitiveRead)} with ${where}.`, write: mutating, confidence: 'high', access: sensitiveRead };
  }
  // Under a sensitive path, a read of a model we know to be harmless (HintModel) is no evidence;
  // a read whose target we cannot name (raw SQL without a table) still is.
  const unnamedOrSensitive = facts.dataAccess.find((access) => !access.model);
  if (sensitiveSegment && unnamedOrSensitive) {
    const access = unnamedOrSensitive;
    return { message: `${route.id} ${describeAccess(access)} under /${sensitiveSegment} with ${where}.`, write: mutating, confidence: 'medium', access };
  }
  return undefined;
}

/** `github.callback` -> [github, callback]; `verifyAuthentication` -> [verify, authentication]. */
function segmentWords(segment: string): string[] {
  return segment
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[.\s]+/)
    .filter(Boolean);
}

/**
 * Login, health, docs and friends. The last literal segment decides (`/auth/login` yes,
 * `/login/history` no); under an auth prefix any flow word does (`/auth/reset/password`).
 */
function isPublicByDesign(route: Route, segments: string[], words: string[][]): boolean {
  const isLiteral = (segment: string) => !segment.startsWith(':') && !segment.startsWith('[') && !segment.startsWith('{') && segment !== '*';
  const literal = segments.filter(isLiteral);
  const last = literal.at(-1);
  if (last === undefined) return route.method === 'GET' || route.method === 'HEAD';
  if (AUTH_FLOW_SEGMENT.test(last)) return true;
  const lastWords = words[segments.lastIndexOf(last)] ?? [];
  if (lastWords.length > 1 && (AUTH_FLOW_SEGMENT.test(lastWords.at(-1)!) || AUTH_FLOW_SEGMENT.test(lastWords[0]!))) return true;
  if (literal.some((segment) => /^(?:auth|authentication|oauth2?|session|sessions|identity)$/.test(segment)) && literal.some((segment) => AUTH_FLOW_SEGMENT.test(segment))) return true;
  // POST /users (the collection, no id) is sign-up.
  if (route.method === 'POST' && /^(?:users?|accounts?|members?)$/.test(last) && literal.length === segments.length) return true;
  if (literal.every((segment) => INFRA_SEGMENT.test(segment))) return true;
  // OAuth provider callbacks: /auth/google/callback, /oauth/github
  return literal.some((segment) => /^(?:oauth2?|sso|saml|callback)$/.test(segment));
}
