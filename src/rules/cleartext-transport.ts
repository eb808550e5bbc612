import { ts } from '#typescript';
import { propertyNameText, skipOuterExpressions } from '../engine/ast/syntax.js';
import { localConstInitializer, localInitializer } from '../engine/names/index.js';
import type { RuleContext } from '../engine/rule-api.js';
import type { ScannedSourceFile, Severity } from '../types.js';
import { defineRule } from './define-rule.js';
import { httpRequestSink, type HttpRequestSink } from './utils/http-client-sinks.js';
import { isPersonObjectName, sensitiveName, severityOf, type SensitiveKind } from './utils/sensitive-names.js';
import { CREDENTIAL_QUERY_PARAMETERS, CREDENTIAL_REQUEST_OPTIONS, FULL_URL_OPTIONS } from '../models/http-clients.js';
import { isPublicHost } from './utils/public-hosts.js';

const REMEDIATION = 'Send credentials and personal data only over HTTPS: change the URL to `https://` (or read it from config that enforces it), and rotate any credential already sent in cleartext.';

export default defineRule({
  meta: {
    id: 'cleartext-transport',
    title: 'Credentials or personal data sent over plain HTTP',
    severity: 'high',
    confidence: 'high',
    controls: {
      soc2: ['CC6.7', 'CC6.1'],
      owaspApi: ['API8:2023'],
      cwe: ['CWE-319'],
      pciDss: ['4.2.1'],
      hipaa: ['164.312(e)(1)'],
      gdpr: ['Art. 32(1)(a)'],
    },
    docs: {
      description: 'Finds outgoing requests (fetch, axios, got, http.request, undici, needle, superagent, ky, NestJS HttpService) to a literal `http://` URL on a public host that carry an Authorization header, a token, password or API key, or personal data fields.',
      remediation: REMEDIATION,
    },
  },
  analyses: [],
  // Not file-local: which package a client call comes from is resolved through the module index.
  create(ctx) {
    let file: ScannedSourceFile | undefined;
    const onCall = (node: ts.Node) => {
      if (!file) return;
      const call = node as ts.CallExpression | ts.NewExpression;
      const sink = httpRequestSink(ctx, file, call);
      if (sink) judgeRequest(ctx, file, call, sink);
    };
    return {
      enterSourceFile(current) {
        // Every reported request names a cleartext URL, or a host on the plain http module.
        if (!/http:\/\/|\bhttp['"]|\bhost(?:name)?\s*:/i.test(current.text)) return false;
        file = current;
        return true;
      },
      nodes: {
        [ts.SyntaxKind.CallExpression]: onCall,
        [ts.SyntaxKind.NewExpression]: onCall,
      },
      exitSourceFile() {
        file = undefined;
      },
    };
  },
});

const KIND_WORDS: Record<SensitiveKind, string> = { credential: 'credentials', card: 'payment data', government: 'government ids', contact: 'personal data' };

interface Carried {
  kind: SensitiveKind;
  /** The field, header or parameter that carries it. */
  name: string;
}

function judgeRequest(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression | ts.NewExpression, sink: HttpRequestSink): void {
  const url = cleartextUrl(sink, 0);
  if (!url) return;
  const parsed = parseHttpUrl(url);
  if (!parsed || !isPublicHost(parsed.host)) return;
  const carried: Carried[] = [];
  if (parsed.password) carried.push({ kind: 'credential', name: 'password in the URL' });
  for (const parameter of parsed.parameters) {
    const sensitive = CREDENTIAL_QUERY_PARAMETERS.has(parameter.toLowerCase()) ? { kind: 'credential' as const } : sensitiveName(parameter);
    if (sensitive) carried.push({ kind: sensitive.kind, name: `?${parameter}=` });
  }
  for (const argument of call.arguments ?? []) collectCarried(argument, carried, 0);
  if (carried.length === 0) return;
  const severity: Severity = carried.some((item) => severityOf(item.kind) === 'high') ? 'high' : 'medium';
  const credentials = carried.filter((item) => severityOf(item.kind) === 'high');
  const shown = (severity === 'high' ? credentials : carried).map((item) => `\`${item.name}\``);
  const unique = [...new Set(shown)].slice(0, 4);
  const kinds = [...new Set((severity === 'high' ? credentials : carried).map((item) => KIND_WORDS[item.kind]))];
  const what = kinds.join(' and ');
  ctx.report({
    file: file.path,
    start: call.getStart(file.sourceFile),
    end: call.expression.getEnd(),
    message: `\`${sink.name}\` sends ${what} (${unique.join(', ')}) to \`${parsed.shown}\` over plain HTTP: anyone on the network path can read or change them.`,
    severity,
    remediation: REMEDIATION,
  });
}

/** The `http://` URL (or its start) a request goes to, when it is written in this file; undefined otherwise. */
function cleartextUrl(sink: HttpRequestSink, depth: number): string | undefined {
  const target = skipOuterExpressions(sink.target);
  if (ts.isObjectLiteralExpression(target)) {
    for (const option of FULL_URL_OPTIONS) {
      const value = fieldValue(target, option);
      if (value) return urlText(value, depth);
    }
    // The plain http module with a host option: `http.request({ host: 'api.partner.com' })`.
    const host = fieldValue(target, 'hostname') ?? fieldValue(target, 'host');
    const protocol = fieldValue(target, 'protocol');
    const protocolText = protocol && urlText(protocol, depth);
    if (host && /^http\./.test(sink.name) && (!protocol || protocolText === 'http:')) {
      const hostText = urlText(host, depth);
      return hostText !== undefined && !hostText.includes('/') ? `http://${hostText}` : undefined;
    }
    return undefined;
  }
  return urlText(target, depth);
}

/** A string a URL expression starts with: literals, templates and `+` (their leading literal part), consts, `new URL(path, base)`. */
function urlText(expression: ts.Expression, depth: number): string | undefined {
  if (depth > 4) return undefined;
  const value = skipOuterExpressions(expression);
  if (ts.isStringLiteralLike(value)) return value.text;
  if (ts.isTemplateExpression(value)) {
    // `${API_BASE}/login`: a template that starts with a constant base.
    const first = value.templateSpans[0];
    if (value.head.text === '' && first) {
      const base = urlText(first.expression, depth + 1);
      return base === undefined ? undefined : base + first.literal.text + value.templateSpans.slice(1).map((span) => SUBSTITUTION + span.literal.text).join('');
    }
    // Substitutions stand as a character no host may hold, so `http://${host}/x` names no host.
    return value.head.text + value.templateSpans.map((span) => SUBSTITUTION + span.literal.text).join('');
  }
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken) return urlText(value.left, depth + 1);
  if (ts.isIdentifier(value)) {
    const initializer = localInitializer(value) ?? localConstInitializer(value);
    return initializer ? urlText(initializer, depth + 1) : undefined;
  }
  if (ts.isNewExpression(value) && ts.isIdentifier(value.expression) && value.expression.text === 'URL' && value.arguments?.[0]) {
    const first = urlText(value.arguments[0], depth + 1);
    if (first !== undefined && /^[a-z][a-z0-9+.-]*:/i.test(first)) return first;
    return value.arguments[1] ? urlText(value.arguments[1], depth + 1) : undefined;
  }
  return undefined;
}

/** Stands for a template substitution in a URL's text. */
const SUBSTITUTION = '\u0000';

interface ParsedUrl {
  host: string;
  password: boolean;
  parameters: string[];
  /** The URL as the message shows it: scheme, host and path, no credentials or query. */
  shown: string;
}

/**
 * `http://user:pass@host:port/path?query`: only when the host is written out whole (a template's
 * host must end before its first substitution: `http://${host}` and `http://api${env}` say nothing).
 */
function parseHttpUrl(url: string): ParsedUrl | undefined {
  const match = /^http:\/\/(?:([^/?#@\s]*)@)?(\[[^\]\u0000]+\]|[^/?#:\s\u0000]+)(:\d+)?([/?#][^\s]*)?$/i.exec(url.trim());
  if (!match) return undefined;
  const [, userinfo, host, port, rest] = match;
  if (rest === undefined && !url.trim().match(/^http:\/\/[^/?#]+$/i)) return undefined;
  const query = rest?.includes('?') ? rest.slice(rest.indexOf('?') + 1).split('#')[0]! : '';
  const parameters = query.split('&').map((pair) => decodeSafely(pair.split('=')[0] ?? '')).filter(Boolean);
  const path = (rest ?? '').split(/[?#]/)[0]!.replaceAll(SUBSTITUTION, '…');
  const shownPath = path.length > 40 ? `${path.slice(0, 37)}...` : path;
  return { host: host!.toLowerCase(), password: userinfo !== undefined && userinfo.includes(':') && userinfo.split(':')[1] !== '', parameters, shown: `http://${host}${port ?? ''}${shownPath}` };
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function fieldValue(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property) && propertyNameText(property.name) === name) return property.initializer;
    if (ts.isShorthandPropertyAssignment(property) && property.name.text === name) return property.name;
  }
  return undefined;
}

/**
 * The sensitive values a request argument carries: fields and headers named as credentials or
 * personal data (`headers: { Authorization }`, `{ password }`, `body: JSON.stringify({ email })`,
 * `new URLSearchParams({ token })`), an `auth` option, and data passed whole under such a name.
 */
function collectCarried(expression: ts.Expression, carried: Carried[], depth: number): void {
  if (depth > 4) return;
  const value = skipOuterExpressions(expression);
  if (ts.isObjectLiteralExpression(value)) {
    for (const property of value.properties) {
      if (ts.isSpreadAssignment(property)) {
        collectCarried(property.expression, carried, depth + 1);
        continue;
      }
      if (!ts.isPropertyAssignment(property) && !ts.isShorthandPropertyAssignment(property)) continue;
      const name = propertyNameText(property.name);
      if (name === undefined) continue;
      if (depth === 0 && CREDENTIAL_REQUEST_OPTIONS.has(name)) {
        carried.push({ kind: 'credential', name });
        continue;
      }
      const sensitive = sensitiveName(name);
      if (sensitive) {
        carried.push({ kind: sensitive.kind, name });
        continue;
      }
      if (ts.isPropertyAssignment(property)) collectCarried(property.initializer, carried, depth + 1);
    }
    return;
  }
  if (ts.isCallExpression(value) || ts.isNewExpression(value)) {
    // JSON.stringify({ ... }), new URLSearchParams({ ... }), qs.stringify({ ... }): the body's fields.
    const callee = skipOuterExpressions(value.expression);
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    if (/^(?:stringify|URLSearchParams|FormData|encode)$/.test(name)) for (const argument of value.arguments ?? []) collectCarried(argument, carried, depth + 1);
    return;
  }
  if (ts.isIdentifier(value) || ts.isPropertyAccessExpression(value)) {
    const name = ts.isIdentifier(value) ? value.text : value.name.text;
    const sensitive = sensitiveName(name);
    if (sensitive) carried.push({ kind: sensitive.kind, name });
    else if (isPersonObjectName(name)) carried.push({ kind: 'contact', name });
    else if (ts.isIdentifier(value)) {
      const initializer = localInitializer(value) ?? localConstInitializer(value);
      if (initializer && ts.isObjectLiteralExpression(skipOuterExpressions(initializer))) collectCarried(initializer, carried, depth + 1);
    }
  }
}
