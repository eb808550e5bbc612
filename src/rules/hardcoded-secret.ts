import { ts } from '#typescript';
import { hasAncestorOrSelf } from '../engine/ast/scopes.js';
import type { ReportDescriptor, ScannedSourceFile, ScannedTextFile, Severity } from '../types.js';
import type { RuleContext } from '../engine/rule-api.js';
import { defineRule } from './define-rule.js';
import { jsonStringsFromSyntaxTree, readEnvEntries, readJsonStrings, readYamlEntries } from './utils/config-file-entries.js';
import { maskSecret } from './utils/mask-secret.js';
import { findNamedSecretShape, findSecretShape, holdsProviderKeyword, namesProviderOfSecret } from './utils/secret-patterns.js';
import {
  findUrlCredentials,
  isIdentifierLikeName,
  isSecretName,
  normalizeName,
  passesNamedSecretGate,
  passesSinkSecretGate,
  isGuessableKeyLiteral,
} from './utils/secret-values.js';
import { own } from '../engine/own.js';

/** Where a literal is used as a key or password by position: `jwt.sign(payload, KEY)`. */
interface SecretSink {
  /** How the call reads in a message: `jwt.sign`, `new Pool`. */
  callee: string;
  /** What the argument is: "JWT signing key". */
  description: string;
}

/** A string found in a file, with what is known about where it sits. */
interface SecretCandidate {
  value: string;
  /** Names the value is bound to, nearest first: the variable, property or key, an env var it falls back for. */
  names: string[];
  /** Names of enclosing objects (`aws` in `{ aws: { secret } }`); they refine provider shapes only. */
  outerNames: string[];
  sink?: SecretSink;
  /** The setting the literal stands in for when it is unset (`process.env.JWT_SECRET || 'x'`): `JWT_SECRET`. */
  fallbackFor?: string;
  /** A template with substitutions: only self-evident shapes count, since its names describe the whole. */
  partial: boolean;
  start: number;
  end: number;
  /** The characters to mask when the secret's own offsets are unknown: the whole string's content. */
  contentStart: number;
  contentEnd: number;
  /** Offset in the file of the value's first character, when value maps one to one onto the file text. */
  exactValueStart?: number;
}

interface SecretDetection {
  description: string;
  severity: Severity;
  /** Found by the sink it reaches: the message names the call rather than a name. */
  bySink?: boolean;
  /** What follows the masked value and where it is, before the advice: why this one matters. */
  consequence?: string;
  /** The secret's characters within the candidate's value. */
  start: number;
  end: number;
}

type StringNode = ts.StringLiteral | ts.NoSubstitutionTemplateLiteral;

/** Shorter strings cannot carry a credential worth reporting, and most literals are short: the first filter. */
const MINIMUM_LENGTH = 8;

export default defineRule({
  meta: {
    id: 'hardcoded-secret',
    title: 'Hardcoded secret in source',
    severity: 'critical',
    confidence: 'high',
    controls: {
      soc2: ['CC6.1', 'CC8.1'],
      owaspApi: [],
      cwe: ['CWE-798', 'CWE-321'],
      pciDss: ['8.6.2', '8.3.2'],
      hipaa: ['164.312(d)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description: 'Finds credentials, API keys, private keys and signing secrets written into source and committed config files.',
      remediation: 'Move the secret to a secret manager or an environment variable read at startup, and rotate the exposed credential.',
    },
  },
  analyses: [],
  // Reads each file alone: its reports can be reused for an unchanged file.
  fileLocal: true,
  create(ctx) {
    let scan: SourceFileScan | undefined;
    const unlessSkipped = (handle: (node: ts.Node, scan: SourceFileScan) => void) => (node: ts.Node) => {
      if (scan && !inNonValueRegion(node)) handle(node, scan);
    };
    const stringHandler = unlessSkipped((node, current) => {
      if ((node as StringNode).text.length >= MINIMUM_LENGTH && !isNonValuePosition(node)) current.candidates.set(node, node as StringNode);
    });
    const callHandler = unlessSkipped((node, current) => findSinkArguments(node as ts.CallExpression | ts.NewExpression, current.importsJsonWebToken, current.markSink));
    return {
      enterSourceFile(file) {
        scan = new SourceFileScan(file);
      },
      nodes: {
        [ts.SyntaxKind.StringLiteral]: stringHandler,
        [ts.SyntaxKind.NoSubstitutionTemplateLiteral]: stringHandler,
        [ts.SyntaxKind.TemplateExpression]: unlessSkipped((node, current) => current.candidates.set(node, node as ts.TemplateExpression)),
        [ts.SyntaxKind.CallExpression]: callHandler,
        [ts.SyntaxKind.NewExpression]: callHandler,
        [ts.SyntaxKind.VariableDeclaration]: unlessSkipped((node, current) => recordConstantLiteral(node as ts.VariableDeclaration, current.constantLiterals)),
      },
      exitSourceFile() {
        scan?.judge(ctx);
        scan = undefined;
      },
      textFile(file) {
        scanTextFile(file, ctx);
      },
    };
  },
});

/**
 * Import and export declarations name modules, and type positions hold literal types
 * (`'access' | 'refresh'`): no string below them is a value.
 */
function inNonValueRegion(node: ts.Node): boolean {
  return hasAncestorOrSelf(node, isNonValueRegion, nonValueRegions);
}

const nonValueRegions = new WeakMap<ts.Node, boolean>();

function isNonValueRegion(node: ts.Node): boolean {
  const kind = node.kind;
  if (kind === ts.SyntaxKind.ImportDeclaration || kind === ts.SyntaxKind.ExportDeclaration) return true;
  return kind !== ts.SyntaxKind.ExpressionWithTypeArguments && ts.isTypeNode(node);
}

/** What one walk of a source file gathers: string candidates, the literals sinks receive, constants. */
class SourceFileScan {
  readonly candidates = new Map<ts.Node, StringNode | ts.TemplateExpression>();
  readonly sinksByLiteral = new Map<ts.Node, SecretSink>();
  readonly sinkIdentifiers: Array<{ name: string; sink: SecretSink }> = [];
  readonly constantLiterals = new Map<string, StringNode | null>();
  readonly importsJsonWebToken: boolean;

  constructor(private readonly file: ScannedSourceFile) {
    this.importsJsonWebToken = file.text.includes('jsonwebtoken');
  }

  readonly markSink = (argument: ts.Expression | undefined, sink: SecretSink): void => {
    if (!argument) return;
    const target = unwrapSinkArgument(argument);
    if (ts.isStringLiteral(target) || ts.isNoSubstitutionTemplateLiteral(target)) this.sinksByLiteral.set(target, sink);
    else if (ts.isIdentifier(target)) this.sinkIdentifiers.push({ name: target.text, sink });
  };

  judge(ctx: RuleContext): void {
    for (const { name, sink } of this.sinkIdentifiers) {
      const literal = this.constantLiterals.get(name);
      if (literal && !this.sinksByLiteral.has(literal)) this.sinksByLiteral.set(literal, sink);
    }
    // Short literals are no candidates by length, but as a signing key `'secret'` is the most guessable of all.
    for (const [literal, sink] of this.sinksByLiteral) {
      if (!this.candidates.has(literal) && SIGNING_SINKS.has(sink.description) && !isNonValuePosition(literal)) this.candidates.set(literal, literal as StringNode);
    }
    for (const node of this.candidates.values()) {
      const candidate = describeSourceCandidate(node, this.file.sourceFile, this.file.text, this.sinksByLiteral.get(node));
      const detection = detectSecret(candidate);
      if (detection) reportDetection(ctx, this.file.path, candidate, detection);
    }
  }
}

/** Strings that are names of things rather than values: module specifiers, property keys, `require('x')`. */
function isNonValuePosition(node: ts.Node): boolean {
  const parent = node.parent;
  if (!parent) return true;
  switch (parent.kind) {
    case ts.SyntaxKind.PropertyAssignment:
    case ts.SyntaxKind.PropertyDeclaration:
    case ts.SyntaxKind.PropertySignature:
    case ts.SyntaxKind.MethodDeclaration:
    case ts.SyntaxKind.EnumMember:
    case ts.SyntaxKind.BindingElement:
      return (parent as ts.NamedDeclaration).name === node;
    case ts.SyntaxKind.ElementAccessExpression:
      return (parent as ts.ElementAccessExpression).argumentExpression === node;
    case ts.SyntaxKind.ExternalModuleReference:
    case ts.SyntaxKind.LiteralType:
    case ts.SyntaxKind.ImportType:
      return true;
    case ts.SyntaxKind.CallExpression: {
      const call = parent as ts.CallExpression;
      return (
        call.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(call.expression) && call.expression.text === 'require')
      );
    }
    default:
      return false;
  }
}

function recordConstantLiteral(declaration: ts.VariableDeclaration, constants: Map<string, StringNode | null>): void {
  if (!ts.isIdentifier(declaration.name) || !declaration.initializer) return;
  if (!(ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const)) return;
  const literal = unwrapSinkArgument(declaration.initializer);
  if (!ts.isStringLiteral(literal) && !ts.isNoSubstitutionTemplateLiteral(literal)) return;
  const name = declaration.name.text;
  // Two constants of one name in one file: we cannot tell which reaches the sink.
  constants.set(name, constants.has(name) ? null : literal);
}

/** The literal an argument evaluates to when it is one: through parentheses, casts, `env || 'fallback'`, `Buffer.from('x')`. */
function unwrapSinkArgument(expression: ts.Expression): ts.Expression {
  let current = expression;
  for (;;) {
    if (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isNonNullExpression(current) || ts.isSatisfiesExpression(current)) {
      current = current.expression;
    } else if (ts.isBinaryExpression(current) && isFallbackOperator(current.operatorToken.kind)) {
      current = current.right;
    } else if (ts.isCallExpression(current) && isBufferFrom(current) && current.arguments.length > 0) {
      current = current.arguments[0]!;
    } else {
      return current;
    }
  }
}

function isFallbackOperator(kind: ts.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.BarBarToken || kind === ts.SyntaxKind.QuestionQuestionToken;
}

function isBufferFrom(call: ts.CallExpression): boolean {
  const callee = call.expression;
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 'from' && ts.isIdentifier(callee.expression) && callee.expression.text === 'Buffer';
}

/** Sink parameters that sign or encrypt: a guessable value there lets anyone forge or read what they protect. */
const SIGNING_SINKS: ReadonlySet<string> = new Set(['JWT signing key', 'HMAC key', 'encryption key', 'secret key', 'cookie signing secret', 'secret', 'signing secret', 'signing key']);

/** Settings that hold a signing key: `JWT_SECRET`, `SESSION_SECRET`, `COOKIE_SECRET`, `NEXTAUTH_SECRET`, `SECRET_KEY`, `APP_KEY`. */
const SIGNING_SETTING = /^(?:\w+_)?(?:JWT|SESSION|COOKIE|TOKEN|AUTH|SIGNING|NEXTAUTH|APP)_?(?:SECRET|KEY)$|^SECRET_KEY$/i;

/** Positional key/secret parameters of well-known APIs. */
const POSITIONAL_SINKS: ReadonlyArray<{ callee: RegExp; index: number; description: string; needsJwtObject?: boolean }> = [
  { callee: /^(?:sign|verify)$/, index: 1, description: 'JWT signing key', needsJwtObject: true },
  { callee: /^createHmac$/, index: 1, description: 'HMAC key' },
  { callee: /^create(?:De)?[Cc]ipheriv$/, index: 1, description: 'encryption key' },
  { callee: /^createSecretKey$/, index: 0, description: 'secret key' },
  { callee: /^cookieParser$/, index: 0, description: 'cookie signing secret' },
  { callee: /^Sequelize$/, index: 2, description: 'database password' },
];

/**
 * Calls whose options object carries credentials: session/cookie middleware, JWT and passport
 * strategies (`super({ secretOrKey })` in Nest), database clients, mailers, Nest modules.
 */
const OPTIONS_SINK_CALLEES =
  /^(?:session|expressSession|cookieSession|fastifySession|fastifyJwt|fastifyCookie|getIronSession|ironSession|sealData|unsealData|Pool|Client|createConnection|createPool|createPoolCluster|Sequelize|DataSource|knex|Knex|createClient|Redis|Cluster|MongoClient|connect|forRoot|register|NextAuth|Strategy|JwtStrategy|super|expressjwt|expressJwt|jwt|auth|sign|verify|createTransport)$/;

const OPTIONS_SINK_PROPERTIES: Readonly<Record<string, string>> = {
  secret: 'secret',
  secretOrKey: 'signing secret',
  secretOrPrivateKey: 'signing key',
  privateKey: 'private key',
  password: 'password',
  pass: 'password',
  passphrase: 'passphrase',
  keys: 'signing key',
  clientSecret: 'client secret',
};

function findSinkArguments(
  call: ts.CallExpression | ts.NewExpression,
  importsJsonWebToken: boolean,
  markSink: (argument: ts.Expression | undefined, sink: SecretSink) => void,
): void {
  const args = call.arguments;
  if (!args || args.length === 0) return;
  const callee = call.expression;
  let calleeName: string | undefined;
  let objectName: string | undefined;
  if (ts.isIdentifier(callee)) calleeName = callee.text;
  else if (callee.kind === ts.SyntaxKind.SuperKeyword) calleeName = 'super';
  else if (ts.isPropertyAccessExpression(callee)) {
    calleeName = callee.name.text;
    const object = callee.expression;
    if (ts.isIdentifier(object)) objectName = object.text;
    else if (ts.isPropertyAccessExpression(object)) objectName = object.name.text;
  }
  if (!calleeName) return;
  const isNew = ts.isNewExpression(call);
  const calleeText = `${isNew ? 'new ' : ''}${objectName ? `${objectName}.` : ''}${calleeName}`;

  for (const positional of POSITIONAL_SINKS) {
    if (!positional.callee.test(calleeName)) continue;
    if (positional.needsJwtObject && !(objectName ? /jwt|jsonwebtoken/i.test(objectName) : importsJsonWebToken)) continue;
    markSink(args[positional.index], { callee: calleeText, description: positional.description });
  }

  if (!OPTIONS_SINK_CALLEES.test(calleeName)) return;
  for (const argument of args) {
    if (ts.isObjectLiteralExpression(argument)) findSinkProperties(argument, calleeText, 0, markSink);
  }
}

function findSinkProperties(
  object: ts.ObjectLiteralExpression,
  calleeText: string,
  depth: number,
  markSink: (argument: ts.Expression | undefined, sink: SecretSink) => void,
): void {
  for (const property of object.properties) {
    const name = property.name && propertyNameText(property.name);
    if (!name) continue;
    const description = own(OPTIONS_SINK_PROPERTIES, name);
    if (ts.isShorthandPropertyAssignment(property)) {
      if (description) markSink(property.name, { callee: calleeText, description });
      continue;
    }
    if (!ts.isPropertyAssignment(property)) continue;
    const initializer = property.initializer;
    // Nested options: `knex({ connection: { password } })`, `createTransport({ auth: { pass } })`.
    if (ts.isObjectLiteralExpression(initializer) && depth < 2) findSinkProperties(initializer, calleeText, depth + 1, markSink);
    else if (description && ts.isArrayLiteralExpression(initializer)) {
      for (const element of initializer.elements) markSink(element, { callee: calleeText, description });
    } else if (description) markSink(initializer, { callee: calleeText, description });
  }
}

function propertyNameText(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name) || ts.isPrivateIdentifier(name)) {
    return name.text;
  }
  return undefined;
}

/** The name of what an expression reads: `x`, `a.b.x`, `a['x']`, `config.get('x')`, `process.env.X`. */
function expressionName(expression: ts.Expression): string | undefined {
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) return expression.name.text;
  if (ts.isElementAccessExpression(expression) && ts.isStringLiteralLike(expression.argumentExpression)) return expression.argumentExpression.text;
  if (ts.isCallExpression(expression) && ts.isPropertyAccessExpression(expression.expression)) {
    const first = expression.arguments[0];
    if (/^get/.test(expression.expression.name.text) && first && ts.isStringLiteralLike(first)) return first.text;
  }
  return undefined;
}

function describeSourceCandidate(
  node: StringNode | ts.TemplateExpression,
  sourceFile: ts.SourceFile,
  text: string,
  sink: SecretSink | undefined,
): SecretCandidate {
  const start = node.getStart(sourceFile);
  const end = node.end;
  const partial = ts.isTemplateExpression(node);
  // `${}` stands in for each substitution, so the placeholder checks treat that part as unknown.
  const value = partial ? node.head.text + node.templateSpans.map((span) => `\${}${span.literal.text}`).join('') : node.text;
  const names: string[] = [];
  const outerNames: string[] = [];
  let fallbackFor: string | undefined;

  let current: ts.Node = node;
  let parent = node.parent;
  for (;;) {
    if (
      ts.isParenthesizedExpression(parent) ||
      ts.isAsExpression(parent) ||
      ts.isSatisfiesExpression(parent) ||
      ts.isNonNullExpression(parent) ||
      ts.isTypeAssertionExpression(parent) ||
      ts.isArrayLiteralExpression(parent) ||
      (ts.isConditionalExpression(parent) && parent.condition !== current)
    ) {
      // transparent
    } else if (ts.isBinaryExpression(parent) && isFallbackOperator(parent.operatorToken.kind) && parent.right === current) {
      const name = expressionName(parent.left);
      if (name) names.push(name);
      fallbackFor ??= name ?? parent.left.getText(sourceFile);
    } else if (ts.isCallExpression(parent) && isBufferFrom(parent)) {
      // transparent
    } else {
      break;
    }
    current = parent;
    parent = parent.parent;
  }

  if (
    (ts.isVariableDeclaration(parent) || ts.isPropertyDeclaration(parent) || ts.isParameter(parent) || ts.isBindingElement(parent)) &&
    parent.initializer === current
  ) {
    if (ts.isIdentifier(parent.name)) names.unshift(parent.name.text);
  } else if (ts.isPropertyAssignment(parent) && parent.initializer === current) {
    const name = propertyNameText(parent.name);
    if (name) names.unshift(name);
    collectEnclosingPropertyNames(parent, outerNames);
  } else if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.right === current) {
    const name = expressionName(parent.left);
    if (name) names.unshift(name);
  } else if (ts.isJsxAttribute(parent)) {
    const name = parent.name.getText(sourceFile);
    names.unshift(name);
  } else if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.arguments?.[1] === current) {
    // `headers.set('X-Api-Key', '...')`, `config.set('jwtSecret', '...')`
    const key = parent.arguments[0];
    if (key && ts.isStringLiteralLike(key)) names.unshift(key.text);
  }

  const exactValueStart = !partial && text.slice(start + 1, end - 1) === value ? start + 1 : undefined;
  return { value, names, outerNames, sink, ...(fallbackFor !== undefined ? { fallbackFor } : {}), partial, start, end, contentStart: start + 1, contentEnd: end - 1, exactValueStart };
}

/**
 * The keys of the objects around a property, nearest first, through arrays of objects too
 * (`example: { data: [{ pathTokens: [...] }] }` is inside `data` and `example`).
 */
function collectEnclosingPropertyNames(property: ts.PropertyAssignment, into: string[]): void {
  let node: ts.Node = property.parent;
  while (into.length < 5) {
    while (ts.isArrayLiteralExpression(node.parent)) node = node.parent;
    if (!(ts.isObjectLiteralExpression(node) || ts.isArrayLiteralExpression(node)) || !ts.isPropertyAssignment(node.parent)) return;
    const name = propertyNameText(node.parent.name);
    if (name) into.push(name);
    node = node.parent.parent;
  }
}

function scanTextFile(file: ScannedTextFile, ctx: RuleContext): void {
  if (file.kind === 'json') {
    scanJsonFile(file, ctx);
    return;
  }
  // Prisma schemas are read for their models; their datasource urls use env() by convention.
  // netlify.toml is read for its functions folder; its YAML-unlike syntax would misread as entries.
  // View templates are read for their output tags; markup is not a list of key/value entries.
  // GraphQL schemas declare types, never values.
  if (file.kind === 'prisma' || file.kind === 'toml' || file.kind === 'template' || file.kind === 'graphql') return;
  const entries = file.kind === 'env' ? readEnvEntries(file.text) : readYamlEntries(file.text);
  for (const entry of entries) {
    const candidate: SecretCandidate = {
      value: entry.value,
      names: [entry.key],
      outerNames: entry.parentKeys,
      partial: false,
      start: entry.nodeStart,
      end: entry.end,
      contentStart: entry.start,
      contentEnd: entry.end,
      exactValueStart: entry.exact ? entry.start : undefined,
    };
    const detection = entry.value.length >= MINIMUM_LENGTH ? detectSecret(candidate) : undefined;
    // `JWT_SECRET=access` in a committed .env: the signing key the app runs with, guessable at any length.
    const guessable = !detection && file.kind === 'env' && SIGNING_SETTING.test(entry.key) && isGuessableKeyLiteral(entry.value)
      ? { description: 'guessable signing secret', severity: 'low' as const, start: 0, end: entry.value.length, consequence: `, committed: wherever a deployment does not set ${entry.key} itself, the app signs with a value anyone reading the repository knows` }
      : undefined;
    if (detection ?? guessable) reportDetection(ctx, file.path, candidate, (detection ?? guessable)!);
  }
}

function scanJsonFile(file: ScannedTextFile, ctx: RuleContext): void {
  const strings = readJsonStrings(file.text) ?? jsonStringsFromSyntaxTree(file.path, file.text);
  for (const { value, keys, start, end } of strings) {
    if (value.length < MINIMUM_LENGTH || !jsonStringMayBeSecret(value, keys)) continue;
    const candidate: SecretCandidate = {
      value,
      names: keys.slice(0, 1),
      outerNames: keys.slice(1, 4),
      partial: false,
      start,
      end,
      contentStart: start + 1,
      contentEnd: end - 1,
      exactValueStart: file.text.slice(start + 1, end - 1) === value ? start + 1 : undefined,
    };
    const detection = detectSecret(candidate);
    if (detection) reportDetection(ctx, file.path, candidate, detection);
  }
}

/**
 * Whether detectSecret could report a JSON string, asked first because most strings of JSON files are
 * copy (one app's 86 translation catalogs hold 53k strings) and building each one's candidate cost more
 * than the rest of the rule. A JSON string has no sink and no fallback; what can report it is a provider's
 * keyword in its value, a URL with credentials, or its keys: the key naming a secret, or a key naming the
 * provider whose generic-looking values are credentials (detectSecret's named shapes read the enclosing
 * keys too). None of these means no detection, whatever the value.
 */
function jsonStringMayBeSecret(value: string, keys: readonly string[]): boolean {
  if (holdsProviderKeyword(value) || value.includes('://')) return true;
  const memoKey = keys.slice(0, 4).join('\0');
  let named = keysNamingSecrets.get(memoKey);
  if (named === undefined) {
    // The names detectSecret reads for a JSON string (scanJsonFile's candidate: the key, then up to three outer keys).
    const names = keys.slice(0, 1);
    const normalized = names.map(normalizedNameOf);
    named = secretNameAmong(names, normalized) !== undefined || namesProviderOfSecret(namedShapeNames(normalized, keys.slice(1, 4)));
    if (keysNamingSecrets.size < 10_000) keysNamingSecrets.set(memoKey, named);
  }
  return named;
}

/** The names the named shapes read: the value's own names, then each enclosing key joined with the first (`stripe key`). */
function namedShapeNames(normalizedNames: readonly string[], outerNames: readonly string[]): string[] {
  return [...normalizedNames, ...outerNames.map(normalizedNameOf).map((outer) => `${outer} ${normalizedNames[0] ?? ''}`)];
}

/** The first of the names (normalized beside their raw form) that names a secret. */
function secretNameAmong(rawNames: readonly string[], normalizedNames: readonly string[]): string | undefined {
  return normalizedNames.find((name, index) => isIdentifierLikeName(rawNames[index]!) && isSecretName(name, rawNames[index]!));
}
const keysNamingSecrets = new Map<string, boolean>();

const normalizedNameCache = new Map<string, string>();

function normalizedNameOf(name: string): string {
  let normalized = normalizedNameCache.get(name);
  if (normalized === undefined) {
    normalized = normalizeName(name);
    if (normalizedNameCache.size < 10_000) normalizedNameCache.set(name, normalized);
  }
  return normalized;
}

/** `Authorization: 'Bearer abc'` holds the token after the scheme. */
const AUTH_SCHEME = /^(?:Bearer|Basic|Token)\s+(\S+)$/i;

/** OpenAPI `example:` blocks and the like show what a response looks like, sample tokens included. */
const DOCUMENTATION_EXAMPLE_KEY = /^(?:x-)?(?:examples?|samples?)$/i;

/** One detection per string: provider shapes first, since they name the credential. */
function detectSecret(candidate: SecretCandidate): SecretDetection | undefined {
  const { value } = candidate;
  const shapeMatch = findSecretShape(value);
  // A live provider credential is a leak even in documentation; a sample JWT or password there is not.
  const inExample = [...candidate.names, ...candidate.outerNames].some((name) => DOCUMENTATION_EXAMPLE_KEY.test(name));
  if (shapeMatch && (shapeMatch.severity === 'critical' || !inExample)) return shapeMatch;
  if (inExample) return undefined;
  const urlCredentials = findUrlCredentials(value);
  if (urlCredentials) {
    return { description: 'password in connection URL', severity: 'high', start: urlCredentials.start, end: urlCredentials.end };
  }
  if (candidate.partial) return undefined;

  const names = candidate.names.map(normalizedNameOf);
  const namedShape = findNamedSecretShape(value, namedShapeNames(names, candidate.outerNames));
  if (namedShape) return namedShape;

  if (candidate.sink && passesSinkSecretGate(value)) {
    return { description: candidate.sink.description, severity: 'high', start: 0, end: value.length, bySink: true };
  }
  // A placeholder-like literal as a signing or encryption key (`session({ secret: 'keyboard cat' })`,
  // `jwt({ secret: process.env.JWT_SECRET || 'superSecret' })`): whoever reads it can forge what the key
  // signs. Medium written as the key; low as the fallback of a setting a deployment may always set.
  if (candidate.sink && SIGNING_SINKS.has(candidate.sink.description) && !candidate.partial && isGuessableKeyLiteral(value)) {
    const consequence = candidate.fallbackFor
      ? ` as the fallback when ${candidate.fallbackFor} is unset: a deployment that misses the setting signs with a value anyone reading the code knows`
      : ': a value anyone reading the code knows, so what it signs can be forged';
    return { description: `guessable ${candidate.sink.description}`, severity: candidate.fallbackFor ? 'low' : 'medium', start: 0, end: value.length, bySink: true, consequence };
  }
  // The same fallback where the setting is read into a config module (`jwtSecret: process.env.JWT_SECRET ||
  // 'dev-secret'`) and used elsewhere: the setting's name says it signs, as a committed `.env` line does.
  if (!candidate.sink && candidate.fallbackFor && SIGNING_SETTING.test(candidate.fallbackFor) && isGuessableKeyLiteral(value)) {
    return {
      description: 'guessable signing secret',
      severity: 'low',
      start: 0,
      end: value.length,
      consequence: ` as the fallback when ${candidate.fallbackFor} is unset: a deployment that misses the setting signs with a value anyone reading the code knows`,
    };
  }

  const secretName = secretNameAmong(candidate.names, names);
  if (secretName === undefined) return undefined;
  const scheme = AUTH_SCHEME.exec(value);
  const secret = scheme ? scheme[1]! : value;
  if (!passesNamedSecretGate(secret)) return undefined;
  const start = value.length - secret.length;
  return { description: describeSecretName(secretName), severity: 'high', start, end: value.length };
}

function describeSecretName(normalizedName: string): string {
  if (/\b(?:password|passwd|pwd|pass|passphrase)\b/.test(normalizedName)) return 'password';
  if (/\bprivate key\b/.test(normalizedName)) return 'private key';
  if (/\bclient secret\b/.test(normalizedName)) return 'client secret';
  if (/\bapi ?key\b|\bapikey\b/.test(normalizedName)) return 'API key';
  if (/\btokens?\b|\bbearer\b|\bauthorization\b/.test(normalizedName)) return 'token';
  if (/\bcredentials?\b|\bcreds\b/.test(normalizedName)) return 'credential';
  return 'secret';
}

const PEM_ARMOR = /^-----BEGIN ([A-Z0-9 ]*?)\s*PRIVATE KEY(?: BLOCK)?-----([\s\S]*?)-----END/;

/** A PEM block's ends are its armor lines; masking shows the key material's ends instead. */
function maskedForm(secret: string, description: string): { masked: string; description: string } {
  const pem = PEM_ARMOR.exec(secret);
  if (!pem) return { masked: maskSecret(secret), description };
  const body = pem[2]!.replace(/\\[nr]|\s|[A-Za-z-]+:[^\n]*\n/g, '');
  const algorithm = pem[1]!.trim();
  return { masked: maskSecret(body), description: algorithm ? `${algorithm} private key` : description };
}

function reportDetection(ctx: RuleContext, file: string, candidate: SecretCandidate, detection: SecretDetection): void {
  const secret = candidate.value.slice(detection.start, detection.end);
  const { masked, description } = maskedForm(secret, detection.description);
  const name = candidate.names[0];
  const where =
    candidate.sink && (detection.bySink || !name)
      ? ` passed to \`${candidate.sink.callee}\``
      : name
        ? ` in \`${name.length > 60 ? `${name.slice(0, 57)}...` : name}\``
        : '';
  const redact =
    candidate.exactValueStart !== undefined
      ? { start: candidate.exactValueStart + detection.start, end: candidate.exactValueStart + detection.end }
      : { start: candidate.contentStart, end: candidate.contentEnd };
  const descriptor: ReportDescriptor = {
    file,
    start: candidate.start,
    end: candidate.end,
    message: `Hardcoded ${description} \`${masked}\`${where}${detection.consequence ?? ''}; load it from the environment or a secret manager and rotate it.`,
    severity: detection.severity,
    redact: [redact],
  };
  ctx.report(descriptor);
}
