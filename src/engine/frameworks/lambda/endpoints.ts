import type { HttpMethod } from '../../routes/route.js';

/**
 * What API Gateway (or an ALB) checks before it invokes a function, by the kind of authorizer the
 * deployment config attaches. The gateway rejects the request itself when the check fails, so the
 * handler runs only for an authenticated caller: strong evidence, although it is not in the code.
 */
export const AUTHORIZER_KINDS = {
  iam: 'API Gateway accepts only requests signed (SigV4) by an IAM principal allowed to invoke it',
  cognito: 'API Gateway verifies a Cognito user pool token before invoking the function',
  jwt: 'API Gateway verifies a JWT (issuer, audience) before invoking the function',
  lambda: 'a Lambda authorizer decides before the function is invoked',
  oidc: 'the load balancer signs the user in with an OIDC provider before forwarding the request',
  existing: 'an authorizer API Gateway already has (by id) decides before the function is invoked',
  'api-key': 'API Gateway requires an API key (x-api-key) before invoking the function',
} as const;
export type AuthorizerKind = keyof typeof AUTHORIZER_KINDS;

/** One authorizer as the config declares it, and where. */
export interface DeclaredAuthorizer {
  kind: AuthorizerKind;
  /** The authorizer's own name in the config (`MyCognitoAuth`), when it has one. */
  name?: string;
  /** The config file and line that attach it to the endpoint (or declare the default). */
  file: string;
  line: number;
  /** What the config says: `http.authorizer.type COGNITO_USER_POOLS`, `Globals.Api.Auth.DefaultAuthorizer`. */
  declaredBy: string;
}

/**
 * An HTTP endpoint a deployment config routes to a function export: serverless.yml `functions`,
 * a SAM/CloudFormation template, a CDK stack. The adapter turns it into a route once the export
 * is found in the scan.
 */
export interface DeclaredEndpoint {
  /** The config that declares it (scan-relative). */
  configFile: string;
  /** The handler module, scan-relative, without extension (`services/api/src/orders`). */
  module: string;
  exportName: string;
  method: HttpMethod;
  /** As the gateway spells it: `/orders/{id}`, `/{proxy+}`. */
  path: string;
  authorizers: DeclaredAuthorizer[];
  /** Request limits the gateway (or a WAF in front of it) applies to the endpoint. */
  throttles?: DeclaredThrottle[];
}

/**
 * What a gateway-level limit counts requests by: all clients together (stage or method throttling:
 * one budget every caller shares), each API key (a usage plan), each client address (a WAF
 * rate-based rule aggregated by IP), or a custom key (a WAF rule keyed by a header or label).
 */
export type ThrottleKey = 'total' | 'api-key' | 'ip' | 'custom';

/** One request limit as the config declares it, and where. */
export interface DeclaredThrottle {
  keyedBy: ThrottleKey;
  file: string;
  line: number;
  /** What the config says: `custom.apiGatewayThrottling.maxRequestsPerSecond: 100`. */
  declaredBy: string;
  /** Declared for the whole API or stage rather than for this endpoint. */
  global: boolean;
}

const METHODS: Readonly<Record<string, HttpMethod>> = {
  get: 'GET',
  post: 'POST',
  put: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  head: 'HEAD',
  options: 'OPTIONS',
  // API Gateway's catch-all method; `*` in an HTTP API route key.
  any: 'ALL',
  '*': 'ALL',
};

export function gatewayMethod(text: string | undefined): HttpMethod | undefined {
  return text === undefined ? undefined : METHODS[text.trim().toLowerCase()];
}

/** `orders/{id}` -> `/orders/{id}`; `*` (HTTP API catch-all) stays as written. */
export function gatewayPath(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '*') return '/*';
  const joined = trimmed.split('/').filter((segment) => segment.length > 0).join('/');
  return `/${joined}`;
}

/** `src/orders.get` -> module `src/orders`, export `get`; the module is relative to `baseDir`. */
export function splitHandler(handler: string, baseDir: string): { module: string; exportName: string } | undefined {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) return undefined;
  const module = joinPosix(baseDir, handler.slice(0, dot));
  return module === undefined ? undefined : { module, exportName: handler.slice(dot + 1) };
}

/** Joins posix path parts and resolves `.`/`..`; undefined when the result leaves the scan root. */
export function joinPosix(...parts: string[]): string | undefined {
  const segments: string[] = [];
  for (const part of parts) {
    for (const segment of part.replace(/\\/g, '/').split('/')) {
      if (segment === '' || segment === '.') continue;
      if (segment === '..') {
        if (segments.length === 0) return undefined;
        segments.pop();
      } else segments.push(segment);
    }
  }
  return segments.join('/');
}

export function dirOf(filePath: string): string {
  const slash = filePath.lastIndexOf('/');
  return slash === -1 ? '' : filePath.slice(0, slash);
}
