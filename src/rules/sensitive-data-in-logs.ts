import { ts } from 'ts-morph';
import { skipOuterExpressions } from '../engine/ast/module-index.js';
import type { RuleContext, ScannedSourceFile, Severity } from '../types.js';
import { defineRule } from './define-rule.js';
import { loggerCallName } from './utils/logger-calls.js';
import { isPersonObjectName, sensitiveName, severityOf, type SensitiveKind } from './utils/sensitive-names.js';
import { localDeclaration } from './utils/tainted-sink.js';

/** One thing a log call writes that it must not. */
interface Leak {
  /** How the finding names it: `password`, `req.body`, `user`. */
  what: string;
  severity: Severity;
  /** Why it is sensitive, for the message. */
  reason: string;
  /** The key it is logged under in an object argument (`{ password }`), which pino `redact` paths name. */
  key?: string;
}

/** Where an expression sits in the log call: a whole object logged as such, or text in a string. */
type Position = 'object' | 'text';

const REQUEST_NAMES = new Set(['req', 'request', 'ctx', 'c', 'context']);
const REQUEST_PARTS = new Set(['body', 'headers', 'query', 'cookies', 'params', 'rawBody']);
const REDACTOR_NAME = /redact|mask|sanitiz|scrub|obfuscat|anonymi|censor|hash|omit|pick|summar/i;
/** Calls whose result is the argument itself in another form, so what it holds is still logged. */
const PASS_THROUGH = new Set(['JSON.stringify', 'String', 'util.inspect', 'inspect', 'Object.assign', 'structuredClone', 'format', 'util.format']);
const MAX_DEPTH = 5;

export default defineRule({
  meta: {
    id: 'sensitive-data-in-logs',
    title: 'Personal data or secrets written to logs',
    severity: 'high',
    confidence: 'medium',
    controls: {
      soc2: ['CC6.1', 'C1.1', 'P4.1'],
      owaspApi: [],
      cwe: ['CWE-532', 'CWE-359'],
      pciDss: ['3.3.1', '3.5.1', '8.3.2'],
      hipaa: ['164.312(a)(1)'],
      gdpr: ['Art. 32(1)(a)'],
    },
    docs: {
      description:
        'Finds log calls (console, winston, pino, bunyan, log4js, NestJS Logger, debug, loglevel, npmlog, fastify request.log) that write passwords, tokens, card or government numbers, contact data, whole request bodies or headers, or whole user objects.',
      remediation:
        'Log ids and outcomes instead of values; pass personal data through a redaction helper or configure the logger to redact those fields (pino `redact`, a winston format).',
    },
  },
  optionsSchema: { redactors: 'string[]' },
  check(ctx) {
    const redactors = new Set([...stringList(ctx.options.redactors), ...(ctx.config.redactors ?? [])]);
    for (const file of ctx.sourceFiles) {
      const sourceFile = file.sourceFile.compilerNode;
      const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node)) checkCall(ctx, file, node, redactors);
        ts.forEachChild(node, visit);
      };
      visit(sourceFile);
    }
  },
});

function checkCall(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression, redactors: ReadonlySet<string>): void {
  const logCall = loggerCallName(ctx, file, call);
  if (!logCall) return;
  const redacted = loggerRedactedKeys(ctx, file, call);
  const leaks: Leak[] = [];
  for (const argument of call.arguments) leaks.push(...leaksIn(file, argument, 'object', redactors, 0).filter((leak) => !leak.key || !redacted.has(leak.key)));
  if (leaks.length === 0) return;
  const worst = leaks.find((leak) => leak.severity === 'high') ?? leaks[0]!;
  const names = [...new Set(leaks.map((leak) => leak.what))];
  const sourceFile = file.sourceFile.compilerNode;
  const start = call.getStart(sourceFile);
  const others = names.filter((name) => name !== worst.what);
  ctx.report({
    file: file.path,
    start,
    end: call.getEnd(),
    severity: worst.severity,
    message: `${logCall}() writes ${worst.what} (${worst.reason}) to the log${others.length > 0 ? `, with ${others.join(', ')}` : ''}.`,
  });
}

/** What an expression written by a log call carries that must not be logged. */
function leaksIn(file: ScannedSourceFile, expression: ts.Expression, position: Position, redactors: ReadonlySet<string>, depth: number): Leak[] {
  if (depth > MAX_DEPTH) return [];
  const value = skipOuterExpressions(expression);
  const sourceFile = file.sourceFile.compilerNode;
  if (ts.isTemplateExpression(value)) return value.templateSpans.flatMap((span) => leaksIn(file, span.expression, 'text', redactors, depth + 1));
  if (ts.isBinaryExpression(value)) {
    if (value.operatorToken.kind !== ts.SyntaxKind.PlusToken && value.operatorToken.kind !== ts.SyntaxKind.BarBarToken && value.operatorToken.kind !== ts.SyntaxKind.QuestionQuestionToken) return [];
    return [...leaksIn(file, value.left, 'text', redactors, depth + 1), ...leaksIn(file, value.right, 'text', redactors, depth + 1)];
  }
  if (ts.isConditionalExpression(value)) return [...leaksIn(file, value.whenTrue, position, redactors, depth + 1), ...leaksIn(file, value.whenFalse, position, redactors, depth + 1)];
  if (ts.isObjectLiteralExpression(value)) return value.properties.flatMap((property) => propertyLeaks(file, property, redactors, depth));
  if (ts.isArrayLiteralExpression(value)) return value.elements.flatMap((element) => leaksIn(file, element, position, redactors, depth + 1));
  if (ts.isSpreadElement(value)) return leaksIn(file, value.expression, 'object', redactors, depth + 1);
  if (ts.isCallExpression(value)) {
    const calleeText = value.expression.getText(sourceFile);
    const lastName = ts.isPropertyAccessExpression(value.expression) ? value.expression.name.text : calleeText;
    if (REDACTOR_NAME.test(lastName) || redactors.has(lastName) || redactors.has(calleeText)) return [];
    if (PASS_THROUGH.has(calleeText) || PASS_THROUGH.has(lastName)) {
      return value.arguments.flatMap((argument) => leaksIn(file, argument, 'object', redactors, depth + 1));
    }
    return [];
  }
  if (ts.isIdentifier(value)) return identifierLeaks(file, value, position, redactors, depth);
  if (ts.isPropertyAccessExpression(value) || ts.isElementAccessExpression(value)) return accessLeaks(file, value, position);
  return [];
}

function propertyLeaks(file: ScannedSourceFile, property: ts.ObjectLiteralElementLike, redactors: ReadonlySet<string>, depth: number): Leak[] {
  const key = property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) ? property.name.text : undefined;
  return propertyValueLeaks(file, property, redactors, depth).map((leak) => ({ ...leak, key: leak.key ?? key }));
}

function propertyValueLeaks(file: ScannedSourceFile, property: ts.ObjectLiteralElementLike, redactors: ReadonlySet<string>, depth: number): Leak[] {
  if (ts.isSpreadAssignment(property)) return leaksIn(file, property.expression, 'object', redactors, depth + 1);
  if (ts.isShorthandPropertyAssignment(property)) return identifierLeaks(file, property.name, 'object', redactors, depth);
  if (!ts.isPropertyAssignment(property)) return [];
  const inner = leaksIn(file, property.initializer, 'object', redactors, depth + 1);
  if (inner.length > 0) return inner;
  // `{ password: pw }`: the key says what the value is even when the variable's name does not.
  const initializer = skipOuterExpressions(property.initializer);
  if (!ts.isIdentifier(initializer) && !ts.isPropertyAccessExpression(initializer) && !ts.isElementAccessExpression(initializer)) return [];
  if (isHarmlessAccess(initializer)) return [];
  const key = ts.isIdentifier(property.name) || ts.isStringLiteral(property.name) ? property.name.text : undefined;
  const named = key === undefined ? undefined : sensitiveName(key);
  return named ? [namedLeak(key!, named.kind, named.phrase)] : [];
}

function identifierLeaks(file: ScannedSourceFile, identifier: ts.Identifier, position: Position, redactors: ReadonlySet<string>, depth: number): Leak[] {
  const declaration = localDeclaration(identifier);
  if (declaration && hasPrimitiveType(declaration, identifier.text) && !sensitiveName(identifier.text)) return [];
  const named = sensitiveName(identifier.text);
  if (named) return [namedLeak(identifier.text, named.kind, named.phrase)];
  if (position !== 'object') return [];
  // `const body = req.body; logger.info(body)`: what the variable was assigned decides.
  if (declaration && ts.isVariableDeclaration(declaration) && ts.isIdentifier(declaration.name) && declaration.initializer) {
    const initializer = skipOuterExpressions(declaration.initializer);
    if (ts.isPropertyAccessExpression(initializer) || ts.isElementAccessExpression(initializer)) {
      const leaks = accessLeaks(file, initializer, position);
      if (leaks.length > 0) return leaks.map((leak) => ({ ...leak, what: `${identifier.text} (${leak.what})` }));
    }
    if (ts.isCallExpression(initializer) && depth < MAX_DEPTH) {
      const callee = initializer.expression.getText(file.sourceFile.compilerNode);
      if (REDACTOR_NAME.test(callee) || redactors.has(callee)) return [];
    }
  }
  if (isPersonObjectName(identifier.text)) return [{ what: identifier.text, severity: 'medium', reason: 'a whole person object, with every personal field it holds' }];
  return [];
}

function accessLeaks(file: ScannedSourceFile, access: ts.PropertyAccessExpression | ts.ElementAccessExpression, position: Position): Leak[] {
  const sourceFile = file.sourceFile.compilerNode;
  const text = access.getText(sourceFile);
  const name = accessName(access);
  if (name === undefined || isHarmlessAccess(access)) return [];
  const owner = skipOuterExpressions(access.expression);
  // process.env.JWT_SECRET
  if (ts.isPropertyAccessExpression(owner) && owner.getText(sourceFile) === 'process.env') {
    const named = sensitiveName(name);
    return named && named.kind === 'credential' ? [{ what: text, severity: 'high', reason: `a ${named.phrase} from the environment` }] : [];
  }
  // req.headers.authorization, req.cookies.session
  if (ownerIsRequestPart(owner, sourceFile, new Set(['headers', 'cookies']))) {
    const lower = name.toLowerCase();
    if (['authorization', 'cookie', 'x-api-key', 'proxy-authorization', 'set-cookie'].includes(lower) || ownerIsRequestPart(owner, sourceFile, new Set(['cookies']))) {
      return [{ what: text, severity: 'high', reason: 'a credential sent by the client' }];
    }
  }
  const named = sensitiveName(name);
  if (named) return [namedLeak(text, named.kind, named.phrase)];
  if (position === 'object' && REQUEST_PARTS.has(name) && isRequestObject(owner, sourceFile)) {
    return [{ what: text, severity: name === 'headers' || name === 'cookies' || name === 'body' ? 'high' : 'medium', reason: `the whole request ${name}, with whatever credentials or personal data the client sent` }];
  }
  if (position === 'object' && isPersonObjectName(name)) return [{ what: text, severity: 'medium', reason: 'a whole person object, with every personal field it holds' }];
  return [];
}

/**
 * Keys the logger itself removes: pino `redact` paths (`password`, `*.password`, `req.headers.authorization`)
 * and `serializers` (a serializer decides what a key's value writes), on the instance or the
 * parent of a `.child()`, followed through module-level instances in other files.
 */
function loggerRedactedKeys(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression): Set<string> {
  const keys = new Set<string>();
  const callee = skipOuterExpressions(call.expression);
  let current: ts.Expression | undefined = ts.isPropertyAccessExpression(callee) ? callee.expression : undefined;
  let currentFile = file;
  for (let hops = 0; current && hops < 8; hops++) {
    const value = skipOuterExpressions(current);
    if (ts.isIdentifier(value)) {
      const local = localDeclaration(value);
      if (local) {
        current = local.initializer;
        continue;
      }
      const binding = ctx.modules.resolveName(currentFile, value.text);
      if (binding?.kind !== 'declaration' || !ts.isVariableDeclaration(binding.node)) break;
      current = binding.node.initializer;
      currentFile = binding.file;
      continue;
    }
    if (!ts.isCallExpression(value)) break;
    const options = value.arguments.find((argument) => ts.isObjectLiteralExpression(skipOuterExpressions(argument)));
    if (options) collectRedactedKeys(skipOuterExpressions(options) as ts.ObjectLiteralExpression, keys);
    const inner = skipOuterExpressions(value.expression);
    current = ts.isPropertyAccessExpression(inner) && inner.name.text === 'child' ? inner.expression : undefined;
  }
  return keys;
}

function collectRedactedKeys(options: ts.ObjectLiteralExpression, keys: Set<string>): void {
  for (const property of options.properties) {
    if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) continue;
    let value = skipOuterExpressions(property.initializer);
    if (property.name.text === 'redact') {
      if (ts.isObjectLiteralExpression(value)) {
        const paths = value.properties.find((p) => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === 'paths');
        if (!paths || !ts.isPropertyAssignment(paths)) continue;
        value = skipOuterExpressions(paths.initializer);
      }
      if (!ts.isArrayLiteralExpression(value)) continue;
      for (const element of value.elements) {
        if (!ts.isStringLiteralLike(element)) continue;
        const segments = element.text.split('.');
        keys.add(segments[0]!);
        keys.add(segments.at(-1)!);
      }
    }
    if (property.name.text === 'serializers' && ts.isObjectLiteralExpression(value)) {
      for (const serializer of value.properties) {
        if (serializer.name && (ts.isIdentifier(serializer.name) || ts.isStringLiteral(serializer.name))) keys.add(serializer.name.text);
      }
    }
  }
}

function namedLeak(what: string, kind: SensitiveKind, phrase: string): Leak {
  const reason = kind === 'credential' ? `a ${phrase}, a credential` : kind === 'card' ? `${phrase}, payment card or bank data` : kind === 'government' ? `${phrase}, a government id` : `${phrase}, personal contact data`;
  return { what, severity: severityOf(kind), reason };
}

function accessName(access: ts.PropertyAccessExpression | ts.ElementAccessExpression): string | undefined {
  if (ts.isPropertyAccessExpression(access)) return access.name.text;
  const argument = skipOuterExpressions(access.argumentExpression);
  return ts.isStringLiteralLike(argument) ? argument.text : undefined;
}

/** `.length`, `err.message`, `.id`: facts about a value that reveal nothing of it. */
function isHarmlessAccess(access: ts.Expression): boolean {
  if (!ts.isPropertyAccessExpression(access)) return false;
  return ['length', 'size', 'message', 'name', 'stack', 'code', 'status', 'statusCode'].includes(access.name.text) && !sensitiveName(access.name.text);
}

/** `req`, `request`, `ctx.request`: the framework's request object. */
function isRequestObject(expression: ts.Expression, sourceFile: ts.SourceFile): boolean {
  const value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value)) return REQUEST_NAMES.has(value.text) || value.text.endsWith('Request') || value.text.endsWith('Req');
  if (ts.isPropertyAccessExpression(value)) return value.name.text === 'request' || value.name.text === 'req';
  void sourceFile;
  return false;
}

function ownerIsRequestPart(owner: ts.Expression, sourceFile: ts.SourceFile, parts: ReadonlySet<string>): boolean {
  return ts.isPropertyAccessExpression(owner) && parts.has(owner.name.text) && isRequestObject(owner.expression, sourceFile);
}

/** `userEmail: string`-like declarations whose type says the value is a number or boolean. */
function hasPrimitiveType(declaration: ts.Node, name: string): boolean {
  const typed = declaration as ts.Node & { type?: ts.TypeNode };
  const type = typed.type;
  void name;
  if (!type) return false;
  return type.kind === ts.SyntaxKind.NumberKeyword || type.kind === ts.SyntaxKind.BooleanKeyword || type.kind === ts.SyntaxKind.StringKeyword;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
