import { ts } from '#typescript';
import { propertyNameText, skipOuterExpressions } from '../engine/ast/syntax.js';
import { localConstInitializer } from '../engine/names/index.js';
import type { RuleContext } from '../engine/rule-api.js';
import type { ScannedSourceFile, ScannedTextFile } from '../types.js';
import { defineRule } from './define-rule.js';
import { readEnvEntries, readYamlEntries } from './utils/config-file-entries.js';
import { inDevelopmentBranch } from './utils/development-guards.js';
import { hostOfUrl, isLoopbackHost } from './utils/public-hosts.js';
import {
  TLS_CONNECTION_STRING_PARAMETERS,
  TLS_DISABLING_ENVIRONMENT,
  TLS_DISABLING_METHODS,
  TLS_HANDSHAKE_ONLY_MEMBERS,
  TLS_SERVER_FACTORIES,
  TLS_VERIFICATION_OPTIONS,
  type TlsVerificationOption,
} from '../models/tls.js';

const OPTION_BY_NAME: ReadonlyMap<string, TlsVerificationOption> = new Map(TLS_VERIFICATION_OPTIONS.map((option) => [option.option, option]));

/** `?sslmode=no-verify`, `&tlsAllowInvalidCertificates=true`: a parameter of a connection string's query. */
const CONNECTION_STRING_PARAMETER = new RegExp(
  `[?&](${TLS_CONNECTION_STRING_PARAMETERS.map((entry) => entry.parameter).join('|')})=([^&#\\s'"]*)`,
  'gi',
);

const REMEDIATION = 'Keep certificate verification on; to trust a private CA, pass its certificate (`ca`, `tlsCAFile`, NODE_EXTRA_CA_CERTS) instead of accepting every certificate.';

export default defineRule({
  meta: {
    id: 'tls-reject-unauthorized',
    title: 'TLS certificate verification turned off',
    severity: 'high',
    confidence: 'high',
    controls: {
      soc2: ['CC6.7', 'CC6.6'],
      owaspApi: ['API8:2023'],
      cwe: ['CWE-295'],
      pciDss: ['4.2.1'],
      hipaa: ['164.312(e)(1)'],
      gdpr: ['Art. 32(1)(a)'],
    },
    docs: {
      description: 'Finds outgoing TLS connections that accept any certificate: `rejectUnauthorized: false`, `NODE_TLS_REJECT_UNAUTHORIZED=0` in code or committed env files, MongoDB `tlsAllowInvalidCertificates`/`sslValidate: false`, `sslmode=no-verify`.',
      remediation: REMEDIATION,
    },
  },
  analyses: [],
  // Reads each file alone: its reports can be reused for an unchanged file.
  fileLocal: true,
  create(ctx) {
    let file: ScannedSourceFile | undefined;
    const onProperty = (node: ts.Node) => file && checkProperty(ctx, file, node as ts.PropertyAssignment | ts.ShorthandPropertyAssignment);
    const onString = (node: ts.Node) => file && checkConnectionString(ctx, file.path, file.text, node as ts.StringLiteral | ts.NoSubstitutionTemplateLiteral);
    return {
      enterSourceFile(current) {
        // A cheap prefilter: every shape this rule reports names one of these words.
        if (!PREFILTER.test(current.text)) return false;
        file = current;
        return true;
      },
      nodes: {
        [ts.SyntaxKind.PropertyAssignment]: onProperty,
        [ts.SyntaxKind.ShorthandPropertyAssignment]: onProperty,
        [ts.SyntaxKind.BinaryExpression]: (node) => file && checkAssignment(ctx, file, node as ts.BinaryExpression),
        [ts.SyntaxKind.CallExpression]: (node) => file && checkMethodCall(ctx, file, node as ts.CallExpression),
        [ts.SyntaxKind.StringLiteral]: onString,
        [ts.SyntaxKind.NoSubstitutionTemplateLiteral]: onString,
      },
      exitSourceFile() {
        file = undefined;
      },
      textFile(text) {
        checkTextFile(ctx, text);
      },
    };
  },
});

const PREFILTER = new RegExp([...TLS_VERIFICATION_OPTIONS.map((option) => option.option), ...TLS_CONNECTION_STRING_PARAMETERS.map((entry) => entry.parameter), TLS_DISABLING_ENVIRONMENT.name, ...TLS_DISABLING_METHODS].join('|'), 'i');

/** `{ rejectUnauthorized: false }`, `{ tlsAllowInvalidCertificates: true }`, `{ NODE_TLS_REJECT_UNAUTHORIZED: '0' }` (a child's env). */
function checkProperty(ctx: RuleContext, file: ScannedSourceFile, property: ts.PropertyAssignment | ts.ShorthandPropertyAssignment): void {
  const name = propertyNameText(property.name);
  if (name === undefined) return;
  const value = ts.isPropertyAssignment(property) ? property.initializer : property.name;
  if (name === TLS_DISABLING_ENVIRONMENT.name) {
    if (isDisablingEnvironmentValue(value) && !inDevelopmentBranch(property)) reportEnvironment(ctx, file.path, property.getStart(file.sourceFile), property.getEnd(), 'in an environment object');
    return;
  }
  const option = OPTION_BY_NAME.get(name);
  if (!option || literalBoolean(value) !== option.disabledBy) return;
  const object = property.parent;
  if (isServerOptions(object)) return;
  if (inDevelopmentBranch(property) || connectsToLoopback(object) || handshakeOnly(object)) return;
  const where = enclosingCallName(object, file.sourceFile);
  reportOption(ctx, file.path, property.getStart(file.sourceFile), property.getEnd(), option, where ? ` passed to \`${where}\`` : '');
}

/** `agent.options.rejectUnauthorized = false`, `process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'`. */
function checkAssignment(ctx: RuleContext, file: ScannedSourceFile, assignment: ts.BinaryExpression): void {
  if (assignment.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
  const target = skipOuterExpressions(assignment.left);
  const name = ts.isPropertyAccessExpression(target)
    ? target.name.text
    : ts.isElementAccessExpression(target) && ts.isStringLiteralLike(target.argumentExpression)
      ? target.argumentExpression.text
      : undefined;
  if (name === undefined) return;
  const start = assignment.getStart(file.sourceFile);
  if (name === TLS_DISABLING_ENVIRONMENT.name) {
    if (isDisablingEnvironmentValue(assignment.right) && !inDevelopmentBranch(assignment)) reportEnvironment(ctx, file.path, start, assignment.getEnd(), 'set in code');
    return;
  }
  const option = OPTION_BY_NAME.get(name);
  if (!option || literalBoolean(assignment.right) !== option.disabledBy || inDevelopmentBranch(assignment)) return;
  reportOption(ctx, file.path, start, assignment.getEnd(), option, '');
}

/** superagent's `.disableTLSCerts()`. */
function checkMethodCall(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression): void {
  const callee = skipOuterExpressions(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !TLS_DISABLING_METHODS.has(callee.name.text) || inDevelopmentBranch(call)) return;
  ctx.report({
    file: file.path,
    start: callee.name.getStart(file.sourceFile),
    end: call.getEnd(),
    message: `\`.${callee.name.text}()\` makes the request accept any certificate: anyone on the network path can impersonate the server and read or change the traffic.`,
    remediation: REMEDIATION,
  });
}

/** `mongodb://h/db?tlsAllowInvalidCertificates=true`, `postgres://h/db?sslmode=no-verify`. */
function checkConnectionString(ctx: RuleContext, filePath: string, text: string, literal: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral): void {
  if (!literal.text.includes('://')) return;
  const start = literal.getStart();
  for (const found of disablingParameters(literal.text)) {
    // The literal's text maps one to one onto the file unless it has escapes; then point at the literal.
    const exact = text.slice(start + 1, literal.getEnd() - 1) === literal.text;
    reportConnectionString(ctx, filePath, exact ? start + 1 + found.index : start, exact ? start + 1 + found.index + found.text.length : literal.getEnd(), found.text);
  }
}

function disablingParameters(value: string): Array<{ index: number; text: string }> {
  const found: Array<{ index: number; text: string }> = [];
  for (const match of value.matchAll(CONNECTION_STRING_PARAMETER)) {
    const parameter = TLS_CONNECTION_STRING_PARAMETERS.find((entry) => entry.parameter.toLowerCase() === match[1]!.toLowerCase());
    if (parameter && match[2]!.toLowerCase() === parameter.value) found.push({ index: match.index + 1, text: match[0].slice(1) });
  }
  return found;
}

/**
 * Committed .env and YAML files (docker-compose `environment:`, Kubernetes manifests). Files named
 * for development, test or local use configure a developer's machine and are not reported.
 */
function checkTextFile(ctx: RuleContext, file: ScannedTextFile): void {
  if (file.kind !== 'env' && file.kind !== 'yaml') return;
  if (isDevelopmentFile(file.path)) return;
  const entries = file.kind === 'env' ? readEnvEntries(file.text) : readYamlEntries(file.text);
  for (const entry of entries) {
    if (entry.key === TLS_DISABLING_ENVIRONMENT.name && entry.value.trim() === TLS_DISABLING_ENVIRONMENT.value) {
      reportEnvironment(ctx, file.path, entry.start, entry.end, `in \`${baseName(file.path)}\``);
      continue;
    }
    if (!entry.value.includes('://')) continue;
    for (const found of disablingParameters(entry.value)) {
      const start = entry.exact ? entry.start + found.index : entry.start;
      reportConnectionString(ctx, file.path, start, entry.exact ? start + found.text.length : entry.end, found.text);
    }
  }
}

/** `.env.development`, `.env.local`, `docker-compose.dev.yml`: a name with a development, test or local part. */
function isDevelopmentFile(filePath: string): boolean {
  const parts = baseName(filePath).toLowerCase().split(/[.\-_]/);
  return parts.some((part) => ['development', 'dev', 'local', 'test', 'testing', 'ci'].includes(part));
}

function baseName(filePath: string): string {
  return filePath.slice(filePath.lastIndexOf('/') + 1);
}

function reportOption(ctx: RuleContext, file: string, start: number, end: number, option: TlsVerificationOption, where: string): void {
  ctx.report({
    file,
    start,
    end,
    message: `\`${option.option}: ${String(option.disabledBy)}\`${where} turns off TLS ${option.disables} (${option.libraries}): anyone on the network path can impersonate the server and read or change the traffic, credentials included.`,
    remediation: REMEDIATION,
  });
}

function reportEnvironment(ctx: RuleContext, file: string, start: number, end: number, where: string): void {
  ctx.report({
    file,
    start,
    end,
    message: `\`${TLS_DISABLING_ENVIRONMENT.name}=${TLS_DISABLING_ENVIRONMENT.value}\` ${where} turns off certificate verification for every TLS connection the process makes (databases, APIs, mail).`,
    remediation: REMEDIATION,
  });
}

function reportConnectionString(ctx: RuleContext, file: string, start: number, end: number, parameter: string): void {
  ctx.report({
    file,
    start,
    end,
    message: `Connection string parameter \`${parameter}\` turns off TLS certificate verification for that connection: anyone on the network path can impersonate the server.`,
    remediation: REMEDIATION,
  });
}

/** The boolean a value is, when it is written as one: `false`, `!1`, a local const, both branches of `? :` alike. */
function literalBoolean(expression: ts.Expression, depth = 0): boolean | undefined {
  const value = skipOuterExpressions(expression);
  if (value.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (value.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.ExclamationToken && ts.isNumericLiteral(value.operand)) return Number(value.operand.text) === 0;
  if (ts.isConditionalExpression(value) && depth < 3) {
    const [whenTrue, whenFalse] = [literalBoolean(value.whenTrue, depth + 1), literalBoolean(value.whenFalse, depth + 1)];
    return whenTrue === whenFalse ? whenTrue : undefined;
  }
  if (ts.isIdentifier(value) && depth < 3) {
    const initializer = localConstInitializer(value);
    return initializer ? literalBoolean(initializer, depth + 1) : undefined;
  }
  return undefined;
}

/** `'0'` or `0`: Node compares the variable with the string '0', and an assignment to process.env makes 0 that string. */
function isDisablingEnvironmentValue(expression: ts.Expression): boolean {
  const value = skipOuterExpressions(expression);
  return (ts.isStringLiteralLike(value) && value.text === TLS_DISABLING_ENVIRONMENT.value) || (ts.isNumericLiteral(value) && value.text === TLS_DISABLING_ENVIRONMENT.value);
}

/** An options object of a TLS server (`https.createServer({ requestCert: true, rejectUnauthorized: false })`). */
function isServerOptions(object: ts.ObjectLiteralExpression): boolean {
  const requestsCertificates = object.properties.some((property) => property.name !== undefined && propertyNameText(property.name) === 'requestCert');
  if (requestsCertificates) return true;
  const call = enclosingCall(object);
  if (!call) return false;
  const callee = skipOuterExpressions(call.expression);
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
  return name !== undefined && TLS_SERVER_FACTORIES.has(name);
}

/** Options fields and string arguments that name where the client connects. */
const TARGET_OPTIONS: ReadonlySet<string> = new Set(['host', 'hostname', 'node', 'nodes', 'url', 'uri', 'connectionString', 'baseURL', 'baseUrl', 'servername']);

/**
 * Whether the connection these options configure goes to the machine itself
 * (`new Client({ node: 'https://localhost:9200', tls: { rejectUnauthorized: false } })`): no
 * network lies between, so nobody can stand in the middle. Read from the whole options argument
 * and the call's string arguments, when they are literals.
 */
function connectsToLoopback(object: ts.ObjectLiteralExpression): boolean {
  let outermost: ts.Node = object;
  while (outermost.parent && (ts.isObjectLiteralExpression(outermost.parent) || ts.isPropertyAssignment(outermost.parent))) outermost = outermost.parent;
  const targets: string[] = [];
  if (ts.isObjectLiteralExpression(outermost)) {
    for (const property of outermost.properties) {
      if (!ts.isPropertyAssignment(property) || !TARGET_OPTIONS.has(propertyNameText(property.name) ?? '')) continue;
      const value = skipOuterExpressions(property.initializer);
      if (ts.isStringLiteralLike(value)) targets.push(value.text);
    }
  }
  const call = enclosingCall(object);
  for (const argument of call?.arguments ?? []) {
    const value = skipOuterExpressions(argument);
    if (ts.isStringLiteralLike(value)) targets.push(value.text);
  }
  return targets.length > 0 && targets.every((target) => isLoopbackHost(hostOfUrl(target) ?? target));
}

/**
 * `const socket = tls.connect({ ..., rejectUnauthorized: false }, () => { socket.getPeerCertificate(); socket.destroy(); })`:
 * a certificate checker or a handshake timer. The socket is only listened to, inspected and closed,
 * never written to, piped or handed on, so no data crosses the unverified connection.
 */
function handshakeOnly(object: ts.ObjectLiteralExpression): boolean {
  const call = object.parent;
  if (!ts.isCallExpression(call) || call.arguments[0] !== object) return false;
  const callee = skipOuterExpressions(call.expression);
  const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
  if (name !== 'connect') return false;
  let holder: ts.Node = call;
  while (holder.parent && (ts.isAwaitExpression(holder.parent) || ts.isParenthesizedExpression(holder.parent) || ts.isAsExpression(holder.parent))) holder = holder.parent;
  const declaration = holder.parent;
  if (!declaration || !ts.isVariableDeclaration(declaration) || declaration.initializer !== holder || !ts.isIdentifier(declaration.name)) return false;
  const socket = declaration.name.text;
  const scope = declaration.parent?.parent?.parent;
  if (!scope) return false;
  let onlyHandshake = true;
  let uses = 0;
  const visit = (node: ts.Node): void => {
    if (!onlyHandshake) return;
    if (ts.isIdentifier(node) && node.text === socket && node !== declaration.name) {
      const parent = node.parent;
      // `socket.destroy()`, `socket.on('secureConnect', ...)`, `socket.authorized`: a member the handshake-only table allows.
      const member = ts.isPropertyAccessExpression(parent) && parent.expression === node ? parent.name.text : undefined;
      if (ts.isPropertyAccessExpression(parent) && parent.name === node) return;
      if (member === undefined || !TLS_HANDSHAKE_ONLY_MEMBERS.has(member)) onlyHandshake = false;
      uses++;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(scope);
  return onlyHandshake && uses > 0;
}

/** The call or `new` an options object is an argument of, directly or nested in another object (`{ ssl: { ... } }`). */
function enclosingCall(object: ts.ObjectLiteralExpression): ts.CallExpression | ts.NewExpression | undefined {
  let current: ts.Node = object;
  for (let hops = 0; hops < 4; hops++) {
    const parent: ts.Node | undefined = current.parent;
    if (!parent) return undefined;
    if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.arguments?.includes(current as ts.Expression)) return parent;
    if (ts.isPropertyAssignment(parent) || ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent) || ts.isSatisfiesExpression(parent)) current = parent;
    else if (ts.isObjectLiteralExpression(parent)) current = parent;
    else return undefined;
  }
  return undefined;
}

function enclosingCallName(object: ts.ObjectLiteralExpression, sourceFile: ts.SourceFile): string | undefined {
  const call = enclosingCall(object);
  if (!call) return undefined;
  const callee = call.expression.getText(sourceFile).replace(/\s+/g, '');
  if (callee.length > 40) return undefined;
  return `${ts.isNewExpression(call) ? 'new ' : ''}${callee}()`;
}
