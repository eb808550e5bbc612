import { ts } from '#typescript';
import { returnedExpressions, skipOuterExpressions } from '../engine/ast/syntax.js';
import { localConstInitializer, resolveFunction } from '../engine/names/index.js';
import type { ScannedSourceFile, Severity } from '../types.js';
import type { RuleContext } from '../engine/rule-api.js';
import { defineRule } from './define-rule.js';
import { codeModel, type EntityModel, entityModels, isSecretField, modelOfReceiver, QUERY_METHODS } from './utils/entity-models.js';
import { consoleIsNoServerLog, consoleRunsInBrowserOnly } from './utils/console-audience.js';
import { loggerCallName } from './utils/logger-calls.js';
import { isLoggedArgument, loggerWrapperOf } from './utils/logger-wrappers.js';
import { accessLogLeak } from './utils/request-loggers.js';
import { isPersonObjectName, sensitiveName, severityOf, type SensitiveKind } from './utils/sensitive-names.js';
import { localDeclaration } from './utils/tainted-sink.js';
import { isLambdaAuthorizer } from './utils/lambda-authorizers.js';

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

// `event`: a Lambda (or Netlify) handler's API Gateway event, whose `body` and `headers` are the raw request.
const REQUEST_NAMES = new Set(['req', 'request', 'ctx', 'c', 'context', 'event']);
const REQUEST_PARTS = new Set(['body', 'headers', 'query', 'cookies', 'params', 'rawBody', 'multiValueHeaders', 'queryStringParameters', 'multiValueQueryStringParameters']);
const REDACTOR_NAME = /redact|mask|sanitiz|scrub|obfuscat|anonymi|censor|hash|omit|pick|summar/i;
/** Calls whose result is the argument itself in another form, so what it holds is still logged. */
const PASS_THROUGH = new Set(['JSON.stringify', 'JSON.parse', 'String', 'util.inspect', 'inspect', 'Object.assign', 'structuredClone', 'format', 'util.format']);
const MAX_DEPTH = 5;
/** Calls that turn a raw request part into the object it carries (`JSON.parse(event.body)`): what they return is still that part. */
const BODY_PARSERS = new Set(['JSON.parse', 'querystring.parse', 'qs.parse']);
/** class-transformer calls that drop `@Exclude()` fields while making a plain object. */
const PLAIN_SERIALIZERS = new Set(['instanceToPlain', 'classToPlain', 'serialize']);

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
  analyses: ['routes', 'dataflow'],
  create(ctx) {
    const redactors = new Set([...stringList(ctx.options.redactors), ...(ctx.config.redactors ?? [])]);
    return {
      nodes: {
        [ts.SyntaxKind.CallExpression]: (node, file) => {
          checkCall(ctx, file, node as ts.CallExpression, redactors);
          checkAccessLogger(ctx, file, node as ts.CallExpression);
        },
      },
    };
  },
});

function checkCall(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression, redactors: ReadonlySet<string>): void {
  let logCall = loggerCallName(ctx, file, call);
  let loggedArguments: readonly ts.Expression[] = call.arguments;
  if (!logCall) {
    // A project-owned wrapper (`Logger.info(label, message, extra)`): only the arguments it hands to a real logger unredacted.
    const wrapper = loggerWrapperOf(ctx, file, call, (callee) => isRedactorCallee(callee, file.sourceFile, redactors));
    if (!wrapper) return;
    logCall = call.expression.getText(file.sourceFile);
    loggedArguments = call.arguments.filter((_, index) => isLoggedArgument(wrapper, index));
  }
  // Browser code prints to the user's own devtools, an operator's script to its terminal: no log is kept.
  if (isConsoleCall(call) && (consoleIsNoServerLog(ctx, file) || consoleRunsInBrowserOnly(call))) return;
  // `console.table(links, ['shortLink', 'createdAt'])`: only the listed columns are printed, whatever the rows hold.
  const columns = isConsoleCall(call) ? consoleTableColumns(call) : undefined;
  if (columns && !columns.some((column) => sensitiveName(column) !== undefined || isSecretField(column))) return;
  // `if (process.env.NODE_ENV === 'development') console.info(resetUrl)`: the developer's own terminal, not a kept log.
  if (inDevelopmentOnlyBranch(call)) return;
  // A logger that passes every record through a redaction function writes no field as it was given.
  if (loggerRedactsEveryRecord(ctx, file, call, redactors)) return;
  const redacted = loggerRedactedKeys(ctx, file, call);
  const leaks: Leak[] = [];
  for (const argument of loggedArguments) leaks.push(...leaksIn(ctx, file, argument, 'object', redactors, 0).filter((leak) => !leak.key || !redacted.has(leak.key)));
  if (leaks.length === 0) return;
  const worst = leaks.find((leak) => leak.severity === 'high') ?? leaks[0]!;
  const names = [...new Set(leaks.map((leak) => leak.what))];
  const sourceFile = file.sourceFile;
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

/** The NODE_ENV values of a developer's machine; `!== 'production'` reads the same way. */
const DEVELOPMENT_ONLY = /\bNODE_ENV\s*===?\s*['"`](?:development|dev|test|local)['"`]|['"`](?:development|dev|test|local)['"`]\s*===?\s*(?:process\.env\.)?NODE_ENV\b|\bNODE_ENV\s*!==?\s*['"`]production['"`]/;

/** Inside the then-branch of an `if` whose whole condition is a development-only NODE_ENV test. */
function inDevelopmentOnlyBranch(node: ts.Node): boolean {
  for (let current: ts.Node = node; current.parent && !ts.isSourceFile(current.parent); current = current.parent) {
    const parent = current.parent;
    if (ts.isIfStatement(parent) && parent.thenStatement === current) {
      const condition = parent.expression.getText();
      if (DEVELOPMENT_ONLY.test(condition) && !/\|\|/.test(condition)) return true;
    }
    if (ts.isFunctionLike(parent)) return false;
  }
  return false;
}

/** The column names `console.table(data, columns)` is given as a list of string literals; undefined otherwise. */
function consoleTableColumns(call: ts.CallExpression): string[] | undefined {
  const callee = skipOuterExpressions(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'table' || call.arguments.length < 2) return undefined;
  const list = skipOuterExpressions(call.arguments[1]!);
  if (!ts.isArrayLiteralExpression(list) || list.elements.length === 0 || !list.elements.every(ts.isStringLiteralLike)) return undefined;
  return list.elements.map((element) => (element as ts.StringLiteralLike).text);
}

function isConsoleCall(call: ts.CallExpression): boolean {
  const callee = skipOuterExpressions(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return false;
  const owner = skipOuterExpressions(callee.expression);
  return ts.isIdentifier(owner) && owner.text === 'console';
}

/** `app.use(morgan('combined'))` in front of routes that take a token in the query string. */
function checkAccessLogger(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression): void {
  const leak = accessLogLeak(ctx, file, call);
  if (!leak) return;
  ctx.report({
    file: file.path,
    start: call.getStart(file.sourceFile),
    end: call.getEnd(),
    severity: leak.severity,
    message: `${leak.logger} writes ${leak.writes} to ${leak.log ?? 'the access log'}, and routes behind it receive credentials there: ${leak.fields.slice(0, 4).join(', ')}${leak.fields.length > 4 ? ` and ${leak.fields.length - 4} more` : ''}.`,
  });
}

/**
 * Whether the branch of `condition ? a : b` taken when the condition is `taken` holds `expression` narrowed
 * to a string or number by a typeof test of that same expression (`typeof x === 'string'` for the true
 * branch, `typeof x !== 'string'` for the false one).
 */
function narrowedToPrimitive(condition: ts.Expression, expression: ts.Expression, taken: boolean): boolean {
  const test = skipOuterExpressions(condition);
  if (!ts.isBinaryExpression(test)) return false;
  const operator = test.operatorToken.kind;
  const equal = operator === ts.SyntaxKind.EqualsEqualsEqualsToken || operator === ts.SyntaxKind.EqualsEqualsToken;
  const unequal = operator === ts.SyntaxKind.ExclamationEqualsEqualsToken || operator === ts.SyntaxKind.ExclamationEqualsToken;
  if ((!equal && !unequal) || equal !== taken) return false;
  const [left, right] = [skipOuterExpressions(test.left), skipOuterExpressions(test.right)];
  const typeOf = ts.isTypeOfExpression(left) ? left : ts.isTypeOfExpression(right) ? right : undefined;
  const kind = typeOf === left ? right : left;
  if (!typeOf || !ts.isStringLiteralLike(kind) || !/^(?:string|number|bigint|boolean)$/.test(kind.text)) return false;
  const sourceFile = condition.getSourceFile();
  return skipOuterExpressions(typeOf.expression).getText(sourceFile) === skipOuterExpressions(expression).getText(sourceFile);
}

/** What an expression written by a log call carries that must not be logged. */
function leaksIn(ctx: RuleContext, file: ScannedSourceFile, expression: ts.Expression, position: Position, redactors: ReadonlySet<string>, depth: number): Leak[] {
  if (depth > MAX_DEPTH) return [];
  const value = skipOuterExpressions(expression);
  const sourceFile = file.sourceFile;
  if (ts.isTemplateExpression(value)) return value.templateSpans.flatMap((span) => leaksIn(ctx, file, span.expression, 'text', redactors, depth + 1));
  if (ts.isBinaryExpression(value)) {
    if (value.operatorToken.kind !== ts.SyntaxKind.PlusToken && value.operatorToken.kind !== ts.SyntaxKind.BarBarToken && value.operatorToken.kind !== ts.SyntaxKind.QuestionQuestionToken) return [];
    // `'x' + user` makes text of the object; `user || {}` is one of the values as it is (`JSON.stringify(user || {})` writes every field).
    const sides = value.operatorToken.kind === ts.SyntaxKind.PlusToken ? 'text' : position;
    return [...leaksIn(ctx, file, value.left, sides, redactors, depth + 1), ...leaksIn(ctx, file, value.right, sides, redactors, depth + 1)];
  }
  if (ts.isConditionalExpression(value)) {
    // `typeof invoice.customer === 'string' ? invoice.customer : invoice.customer.id` (an expandable field, Stripe's
    // idiom): the branch the typeof test narrows to a string or number is that primitive, an id, not the object.
    const branch = (expression: ts.Expression, taken: boolean): Position => (narrowedToPrimitive(value.condition, expression, taken) ? 'text' : position);
    return [...leaksIn(ctx, file, value.whenTrue, branch(value.whenTrue, true), redactors, depth + 1), ...leaksIn(ctx, file, value.whenFalse, branch(value.whenFalse, false), redactors, depth + 1)];
  }
  if (ts.isObjectLiteralExpression(value)) return value.properties.flatMap((property) => propertyLeaks(ctx, file, property, redactors, depth));
  if (ts.isArrayLiteralExpression(value)) return value.elements.flatMap((element) => leaksIn(ctx, file, element, position, redactors, depth + 1));
  if (ts.isSpreadElement(value)) return leaksIn(ctx, file, value.expression, 'object', redactors, depth + 1);
  if (ts.isCallExpression(value)) {
    const calleeText = value.expression.getText(sourceFile);
    const lastName = ts.isPropertyAccessExpression(value.expression) ? value.expression.name.text : calleeText;
    if (PLAIN_SERIALIZERS.has(lastName) && value.arguments[0]) return plainSerializedLeaks(ctx, file, value.arguments[0], redactors, depth);
    if (REDACTOR_NAME.test(lastName) || redactors.has(lastName) || redactors.has(calleeText)) return [];
    if (PASS_THROUGH.has(calleeText) || PASS_THROUGH.has(lastName)) {
      return value.arguments.flatMap((argument) => leaksIn(ctx, file, argument, 'object', redactors, depth + 1));
    }
    return [];
  }
  if (ts.isIdentifier(value)) return identifierLeaks(ctx, file, value, position, redactors, depth);
  if (ts.isPropertyAccessExpression(value) || ts.isElementAccessExpression(value)) return accessLeaks(file, value, position);
  return [];
}

/** A key naming an identifier (`userId`, `owner_id`, `id`): its value is an id, not the record it names. */
const ID_KEY = /^(?:id|[A-Za-z]+(?:Id|ID|_id))$/;

function propertyLeaks(ctx: RuleContext, file: ScannedSourceFile, property: ts.ObjectLiteralElementLike, redactors: ReadonlySet<string>, depth: number): Leak[] {
  const key = property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) ? property.name.text : undefined;
  return propertyValueLeaks(ctx, file, property, redactors, depth).map((leak) => ({ ...leak, key: leak.key ?? key }));
}

function propertyValueLeaks(ctx: RuleContext, file: ScannedSourceFile, property: ts.ObjectLiteralElementLike, redactors: ReadonlySet<string>, depth: number): Leak[] {
  if (ts.isSpreadAssignment(property)) return leaksIn(ctx, file, property.expression, 'object', redactors, depth + 1);
  if (ts.isShorthandPropertyAssignment(property)) return identifierLeaks(ctx, file, property.name, 'object', redactors, depth);
  if (!ts.isPropertyAssignment(property)) return [];
  // `{ userId: user }`: the key says the value is an id, whatever the variable is called.
  const keyText = ts.isIdentifier(property.name) || ts.isStringLiteral(property.name) ? property.name.text : undefined;
  const value = skipOuterExpressions(property.initializer);
  if (keyText && ID_KEY.test(keyText) && ts.isIdentifier(value) && !sensitiveName(value.text)) return [];
  const inner = leaksIn(ctx, file, property.initializer, 'object', redactors, depth + 1);
  if (inner.length > 0) return inner;
  // `{ password: pw }`: the key says what the value is even when the variable's name does not.
  const initializer = skipOuterExpressions(property.initializer);
  if (!ts.isIdentifier(initializer) && !ts.isPropertyAccessExpression(initializer) && !ts.isElementAccessExpression(initializer)) return [];
  if (isHarmlessAccess(initializer)) return [];
  const key = ts.isIdentifier(property.name) || ts.isStringLiteral(property.name) ? property.name.text : undefined;
  const named = key === undefined ? undefined : sensitiveName(key);
  return named ? [namedLeak(key!, named.kind, named.phrase)] : [];
}

/** What a parser is given: `event.body`, also with a default (`event.body ?? '{}'`, `event.body || '{}'`). */
function parsedPart(argument: ts.Expression): ts.Expression {
  const value = skipOuterExpressions(argument);
  const defaulted = ts.isBinaryExpression(value) && (value.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || value.operatorToken.kind === ts.SyntaxKind.BarBarToken);
  return defaulted ? skipOuterExpressions(value.left) : value;
}

function identifierLeaks(ctx: RuleContext, file: ScannedSourceFile, identifier: ts.Identifier, position: Position, redactors: ReadonlySet<string>, depth: number): Leak[] {
  const declaration = localDeclaration(identifier);
  // `updateItem(sortKey: string, user: string)`: a string named `user` is the user's id, not a person object.
  const typedDeclaration = declaration ?? parameterDeclaration(identifier);
  if (typedDeclaration && hasPrimitiveType(typedDeclaration, identifier.text) && !sensitiveName(identifier.text)) return [];
  const named = sensitiveName(identifier.text);
  // `const address = server.address()`, `await app.listen(...)`: the socket a server listens on, not where someone lives.
  if (named?.phrase === 'address' && declaration && ts.isVariableDeclaration(declaration) && declaration.initializer && isSocketAddressCall(declaration.initializer)) return [];
  // In the failure branch the value is the error variant (`{ ok: false, reason }`, a failed response's error body).
  if (named) return inFailureBranch(identifier) ? [] : [namedLeak(identifier.text, named.kind, named.phrase)];
  if (position !== 'object') return [];
  // `console.log(event)` in an API Gateway authorizer: the event is the caller's bearer token or headers.
  if (isAuthorizerEventParameter(identifier)) return [{ what: identifier.text, severity: 'high', reason: 'the whole authorizer event, with the bearer token (authorizationToken or the Authorization header) it is there to check' }];
  // `console.log(JSON.stringify(event))` in a Lambda handler: the whole API Gateway event.
  if (isLambdaEventParameter(ctx, identifier)) return [{ what: identifier.text, severity: 'medium', reason: "the whole API Gateway event: the request's headers (Authorization, cookies) and body" }];
  // `const u = await prisma.user.findUnique(...)`, `order: Order`: the record's model decides, not the name.
  const typedAs = declaration ?? parameterDeclaration(identifier);
  const model = typedAs ? declaredModel(ctx, file, typedAs) : undefined;
  if (model) return modelLeaks(identifier.text, model, []);
  // `const plain = instanceToPlain(user); logger.info(plain)`.
  if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer && ts.isCallExpression(skipOuterExpressions(declaration.initializer))) {
    const initializer = skipOuterExpressions(declaration.initializer) as ts.CallExpression;
    const callee = skipOuterExpressions(initializer.expression);
    const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : callee.getText(file.sourceFile);
    if (PLAIN_SERIALIZERS.has(name) && initializer.arguments[0]) return plainSerializedLeaks(ctx, file, initializer.arguments[0], redactors, depth);
  }
  // `const body = req.body; logger.info(body)`: what the variable was assigned decides.
  if (declaration && ts.isVariableDeclaration(declaration) && ts.isIdentifier(declaration.name) && declaration.initializer) {
    const initializer = skipOuterExpressions(declaration.initializer);
    if (ts.isPropertyAccessExpression(initializer) || ts.isElementAccessExpression(initializer)) {
      const leaks = accessLeaks(file, initializer, position);
      if (leaks.length > 0) return leaks.map((leak) => ({ ...leak, what: `${identifier.text} (${leak.what})` }));
    }
    // `const data = JSON.parse(event.body); console.log(data)`: a Lambda's parsed body is its req.body.
    const parsed = ts.isCallExpression(initializer) && BODY_PARSERS.has(initializer.expression.getText(file.sourceFile)) && initializer.arguments[0] ? parsedPart(initializer.arguments[0]) : undefined;
    if (parsed && (ts.isPropertyAccessExpression(parsed) || ts.isElementAccessExpression(parsed))) {
      const leaks = accessLeaks(file, parsed, position);
      if (leaks.length > 0) return leaks.map((leak) => ({ ...leak, what: `${identifier.text} (${leak.what})` }));
    }
    if (ts.isCallExpression(initializer) && depth < MAX_DEPTH) {
      const callee = initializer.expression.getText(file.sourceFile);
      if (REDACTOR_NAME.test(callee) || redactors.has(callee)) return [];
    }
    // `const message = { to: email, subject }; log.debug({ message })`: the object built here is what is logged, field by field.
    if (ts.isObjectLiteralExpression(initializer)) {
      const leaks = leaksIn(ctx, file, initializer, 'object', redactors, depth + 1);
      if (leaks.length > 0) return leaks.map((leak) => ({ ...leak, what: leak.key ? `${identifier.text}.${leak.key}` : `${identifier.text} (${leak.what})` }));
    }
  }
  if (isPersonObjectName(identifier.text) && !inFailureBranch(identifier)) return [{ what: identifier.text, severity: 'medium', reason: 'a whole person object, with every personal field it holds' }];
  return [];
}

/** Node's `server.address()` and `listen()` (Fastify, Hono's serve and others resolve to the address they bound). */
function isSocketAddressCall(initializer: ts.Expression): boolean {
  let value = skipOuterExpressions(initializer);
  if (ts.isAwaitExpression(value)) value = skipOuterExpressions(value.expression);
  return ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && /^(?:address|listen)$/.test(value.expression.name.text);
}

/** `!result.ok`, `result.success === false`: the condition of the failure branch of a result union. */
function testsFailureOf(condition: ts.Expression, name: string, sourceFile: ts.SourceFile): boolean {
  const text = condition.getText(sourceFile).replace(/\s+/g, '');
  const value = name.replace(/\$/g, '\\$');
  const flag = '(?:ok|success|succeeded|isOk|isSuccess)';
  return new RegExp(`^(?:!${value}(?:\\?)?\\.${flag}|${value}(?:\\?)?\\.${flag}===false)$`).test(text);
}

/**
 * `if (!reviewUser.ok) logger.warn('...', reviewUser)`: inside the failure branch of a result union
 * (`{ ok: true, user } | { ok: false, reason }`), the value is the failure variant, whatever its
 * name promised: a reason and flags, not the person.
 */
function inFailureBranch(identifier: ts.Identifier): boolean {
  const sourceFile = identifier.getSourceFile();
  // `const tokenResponse = await response.json(); if (!response.ok) console.warn(..., tokenResponse)`:
  // the body of a failed HTTP response is the provider's error, not the token it would have sent.
  const body = localConstInitializer(identifier);
  const call = body && skipOuterExpressions(body);
  const response = call && ts.isCallExpression(call) && ts.isPropertyAccessExpression(call.expression) && /^(?:json|text)$/.test(call.expression.name.text) && ts.isIdentifier(skipOuterExpressions(call.expression.expression)) ? (skipOuterExpressions(call.expression.expression) as ts.Identifier).text : undefined;
  let child: ts.Node = identifier;
  for (let node: ts.Node | undefined = identifier.parent; node && !ts.isFunctionLike(node); child = node, node = node.parent) {
    if (!ts.isIfStatement(node) || node.thenStatement !== child) continue;
    if (testsFailureOf(node.expression, identifier.text, sourceFile) || (response !== undefined && testsFailureOf(node.expression, response, sourceFile))) return true;
  }
  return false;
}

function accessLeaks(file: ScannedSourceFile, access: ts.PropertyAccessExpression | ts.ElementAccessExpression, position: Position): Leak[] {
  const sourceFile = file.sourceFile;
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
  if (named && isEnumMember(owner, name, sourceFile)) return [];
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

/**
 * Whether the logger a call writes to passes every record through a redaction function before it is
 * written: pino `formatters: { log: redactSensitive }` (or `log: (obj) => redactSensitive(obj)`) on the
 * instance, found through the variable that holds it, `.child()`, and the project function that builds
 * it (`createLogger({ name })` returning `pino({...})`); for Fastify's `request.log`, `reply.log` and
 * `fastify.log`, the app's `logger` or `loggerInstance` option.
 */
function loggerRedactsEveryRecord(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression, redactors: ReadonlySet<string>): boolean {
  const callee = skipOuterExpressions(call.expression);
  const receiver = ts.isPropertyAccessExpression(callee) ? skipOuterExpressions(callee.expression) : undefined;
  if (!receiver) return false;
  const candidates = ts.isPropertyAccessExpression(receiver) && receiver.name.text === 'log' ? fastifyLoggerOptions(ctx, packageRootOf(ctx, file.path)) : [{ expression: receiver, file }];
  return candidates.length > 0 && candidates.every((candidate) => redactingLogger(ctx, candidate.file, candidate.expression, redactors, 0));
}

function redactingLogger(ctx: RuleContext, file: ScannedSourceFile, expression: ts.Expression, redactors: ReadonlySet<string>, depth: number): boolean {
  if (depth > 8) return false;
  const value = skipOuterExpressions(expression);
  if (ts.isObjectLiteralExpression(value)) return redactsInFormatter(value, redactors);
  if (ts.isIdentifier(value)) {
    const local = localDeclaration(value);
    if (local) return local.initializer !== undefined && redactingLogger(ctx, file, local.initializer, redactors, depth + 1);
    const binding = ctx.modules.resolveName(file, value.text);
    if (binding?.kind !== 'declaration' || !ts.isVariableDeclaration(binding.node) || !binding.node.initializer) return false;
    return redactingLogger(ctx, binding.file, binding.node.initializer, redactors, depth + 1);
  }
  if (!ts.isCallExpression(value)) return false;
  const options = value.arguments.find((argument) => ts.isObjectLiteralExpression(skipOuterExpressions(argument)));
  if (options && redactsInFormatter(skipOuterExpressions(options) as ts.ObjectLiteralExpression, redactors)) return true;
  const inner = skipOuterExpressions(value.expression);
  if (ts.isPropertyAccessExpression(inner) && inner.name.text === 'child') return redactingLogger(ctx, file, inner.expression, redactors, depth + 1);
  // `createLogger({ name: 'api' })`: the logger the project's factory returns.
  const factory = resolveFunction(ctx.modules, file, inner);
  const body = factory?.node.body;
  if (!factory || !body) return false;
  const returned = returnedExpressions(body as ts.ConciseBody);
  return returned.length > 0 && returned.every((expression) => redactingLogger(ctx, factory.file, expression, redactors, depth + 1));
}

/** `formatters: { log: redactSensitive }`: pino hands every record's object to that function before it writes it. */
function redactsInFormatter(options: ts.ObjectLiteralExpression, redactors: ReadonlySet<string>): boolean {
  const formatters = objectProperty(options, 'formatters');
  const log = formatters && ts.isObjectLiteralExpression(formatters) ? objectProperty(formatters, 'log') : undefined;
  if (!log) {
    const method = formatters && ts.isObjectLiteralExpression(formatters) ? formatters.properties.find((property) => ts.isMethodDeclaration(property) && property.name.getText() === 'log') : undefined;
    return method !== undefined && ts.isMethodDeclaration(method) && method.body !== undefined && callsRedactor(method.body, redactors);
  }
  if (ts.isIdentifier(log)) return REDACTOR_NAME.test(log.text) || redactors.has(log.text);
  if ((ts.isArrowFunction(log) || ts.isFunctionExpression(log)) && log.body) return callsRedactor(log.body, redactors);
  return false;
}

function callsRedactor(body: ts.Node, redactors: ReadonlySet<string>): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node)) {
      const callee = skipOuterExpressions(node.expression);
      const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
      if (REDACTOR_NAME.test(name) || redactors.has(name)) {
        found = true;
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return found;
}

function objectProperty(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property) && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) && property.name.text === name) return skipOuterExpressions(property.initializer);
  }
  return undefined;
}

const fastifyLoggers = new WeakMap<object, Map<string, Array<{ expression: ts.Expression; file: ScannedSourceFile }>>>();

/** The folder of the nearest package.json above a file (a monorepo's app): '.' for the scan root. */
const packageRoots = new WeakMap<object, string[]>();
function packageRootOf(ctx: RuleContext, filePath: string): string {
  let roots = packageRoots.get(ctx.textFiles);
  if (!roots) {
    roots = ctx.textFiles.filter((text) => /(?:^|\/)package\.json$/.test(text.path)).map((text) => text.path.replace(/\/?package\.json$/, '') || '.');
    packageRoots.set(ctx.textFiles, roots);
  }
  return roots.filter((root) => root === '.' || filePath.startsWith(`${root}/`)).sort((x, y) => y.length - x.length)[0] ?? '.';
}

/**
 * The loggers the project's Fastify apps are given (`Fastify({ loggerInstance: logger })`, `fastify({ logger: { formatters } })`,
 * also in a spread branch: `...(testing ? { logger: false } : { loggerInstance: logger })`); `request.log` is a child of one of them.
 * Only the apps of the package the call is in; empty when one of them makes Fastify's default logger
 * (`logger: true`), which redacts nothing.
 */
function fastifyLoggerOptions(ctx: RuleContext, packageRoot: string): Array<{ expression: ts.Expression; file: ScannedSourceFile }> {
  const byPackage = fastifyLoggers.get(ctx.modules) ?? new Map<string, Array<{ expression: ts.Expression; file: ScannedSourceFile }>>();
  fastifyLoggers.set(ctx.modules, byPackage);
  const known = byPackage.get(packageRoot);
  if (known) return known;
  const found: Array<{ expression: ts.Expression; file: ScannedSourceFile }> = [];
  let defaultLogger = false;
  const readOptions = (options: ts.Expression, file: ScannedSourceFile, depth: number): void => {
    const value = skipOuterExpressions(options);
    if (depth > 3) return;
    if (ts.isConditionalExpression(value)) {
      readOptions(value.whenTrue, file, depth + 1);
      readOptions(value.whenFalse, file, depth + 1);
      return;
    }
    if (!ts.isObjectLiteralExpression(value)) return;
    for (const property of value.properties) {
      if (ts.isSpreadAssignment(property)) readOptions(property.expression, file, depth + 1);
      else if (ts.isPropertyAssignment(property) && ts.isIdentifier(property.name) && (property.name.text === 'logger' || property.name.text === 'loggerInstance')) {
        const logger = skipOuterExpressions(property.initializer);
        if (logger.kind === ts.SyntaxKind.FalseKeyword) continue;
        if (logger.kind === ts.SyntaxKind.TrueKeyword) defaultLogger = true;
        else found.push({ expression: logger, file });
      }
    }
  };
  // The apps of the call's own package: another app of a monorepo configures its own logger.
  for (const file of ctx.sourceFiles) {
    if (!/\bfastify\b/i.test(file.text) || packageRootOf(ctx, file.path) !== packageRoot) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.arguments[0]) {
        const binding = ctx.modules.resolveName(file, node.expression.text);
        if (binding?.kind === 'external' && binding.module === 'fastify') readOptions(node.arguments[0], file, 0);
      }
      ts.forEachChild(node, visit);
    };
    visit(file.sourceFile);
  }
  const result = defaultLogger ? [] : found;
  byPackage.set(packageRoot, result);
  return result;
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
/**
 * `EmailTemplateEnum.PASSWORD_LESS_AUTHENTICATION`, `AuthErrorType.INVALID_PASSWORD`: a member of an enum
 * (declared in the file, or named so: `...Enum`, `...Type`, `...Kind`, upper-case members), whose value is
 * the label of a kind of thing, never a secret. `Config.DB_PASSWORD` is no enum by its name and still counts.
 */
function isEnumMember(owner: ts.Expression, member: string, sourceFile: ts.SourceFile): boolean {
  if (!ts.isIdentifier(owner)) return false;
  if (sourceFile.statements.some((statement) => ts.isEnumDeclaration(statement) && statement.name.text === owner.text)) return true;
  return /^[A-Z][A-Za-z0-9]*(?:Enum|Enums|Type|Types|Kind|Kinds)$/.test(owner.text) && /^[A-Z][A-Z0-9_]*$/.test(member);
}

function isHarmlessAccess(access: ts.Expression): boolean {
  if (!ts.isPropertyAccessExpression(access)) return false;
  // How many (`deleted.count`, `tokens.length`), and what went wrong: never the secret itself.
  return ['length', 'size', 'count', 'total', 'message', 'name', 'stack', 'code', 'status', 'statusCode'].includes(access.name.text) && !sensitiveName(access.name.text);
}

/** `req`, `request`, `ctx.request`: the framework's request object. */
function isRequestObject(expression: ts.Expression, sourceFile: ts.SourceFile): boolean {
  const value = skipOuterExpressions(expression);
  if (isOutgoingRequest(value)) return false;
  if (ts.isIdentifier(value)) {
    // `const request = error.request || {}`: named like the app's request, holding an HTTP client's.
    const declaration = localDeclaration(value);
    if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer && isOutgoingRequest(skipOuterExpressions(declaration.initializer))) return false;
    return REQUEST_NAMES.has(value.text) || value.text.endsWith('Request') || value.text.endsWith('Req');
  }
  if (ts.isPropertyAccessExpression(value)) return value.name.text === 'request' || value.name.text === 'req';
  void sourceFile;
  return false;
}

/** Names of an HTTP client's error or response, whose `.request` is the request this app sent (axios, got, superagent). */
const CLIENT_RESULT_NAME = /^(?:e|err|error|ex|exception|response|resp)$|Error$/;

/** `error.request`, `error.request || {}`: the outgoing request an HTTP client's error carries, not the client's. */
function isOutgoingRequest(value: ts.Expression): boolean {
  if (ts.isBinaryExpression(value) && (value.operatorToken.kind === ts.SyntaxKind.BarBarToken || value.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) return isOutgoingRequest(skipOuterExpressions(value.left));
  if (!ts.isPropertyAccessExpression(value) || value.name.text !== 'request') return false;
  const owner = skipOuterExpressions(value.expression);
  const ownerName = ts.isIdentifier(owner) ? owner.text : ts.isPropertyAccessExpression(owner) ? owner.name.text : '';
  return CLIENT_RESULT_NAME.test(ownerName);
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

function isRedactorCallee(callee: ts.Expression, sourceFile: ts.SourceFile, redactors: ReadonlySet<string>): boolean {
  const value = skipOuterExpressions(callee);
  // A logger wrapper's own calls are in the wrapper's file, not the logging call's: read the text from the node's own file.
  const text = value.getText(value.getSourceFile() ?? sourceFile);
  const last = ts.isPropertyAccessExpression(value) ? value.name.text : text;
  return REDACTOR_NAME.test(last) || redactors.has(last) || redactors.has(text);
}

/** A record logged whole: the personal and secret fields its model gives every record, less those dropped. */
function modelLeaks(what: string, model: EntityModel, dropped: readonly string[]): Leak[] {
  const sensitive = model.fields.filter((field) => !dropped.includes(field) && (sensitiveName(field) || isSecretField(field)));
  if (sensitive.length === 0) return [];
  const high = sensitive.some((field) => isSecretField(field) || (sensitiveName(field) && sensitiveName(field)!.kind !== 'contact'));
  return [{ what, severity: high ? 'high' : 'medium', reason: `a whole ${model.name} record, with ${sensitive.join(', ')}` }];
}

/** `instanceToPlain(user)`: the record without its `@Exclude()` fields; unknown values are judged as they are. */
function plainSerializedLeaks(ctx: RuleContext, file: ScannedSourceFile, argument: ts.Expression, redactors: ReadonlySet<string>, depth: number): Leak[] {
  const value = skipOuterExpressions(argument);
  const declaration = ts.isIdentifier(value) ? localDeclaration(value) : undefined;
  const model = declaration ? declaredModel(ctx, file, declaration) : recordModel(ctx, file, value, 0);
  if (model) return modelLeaks(value.getText(file.sourceFile), model, model.excludedFields);
  return leaksIn(ctx, file, argument, 'object', redactors, depth + 1);
}

/** The model of a local or parameter: what its initializer queried, or its declared type (`order: Order`). */
function declaredModel(ctx: RuleContext, file: ScannedSourceFile, declaration: ts.Node): EntityModel | undefined {
  const typed = declaration as ts.Node & { type?: ts.TypeNode; initializer?: ts.Expression };
  if (typed.type) {
    const typeName = /^(?:Promise<)?\s*(\w+)/.exec(typed.type.getText(file.sourceFile))?.[1];
    const models = entityModels(ctx);
    if (typeName) return codeModel(models, typeName) ?? models.find((model) => model.orm === 'prisma' && model.name === typeName);
  }
  if (ts.isVariableDeclaration(declaration) && ts.isIdentifier(declaration.name) && typed.initializer) return recordModel(ctx, file, typed.initializer, 0);
  return undefined;
}

/** `await prisma.user.findUnique(...)`, `User.findOne(...).lean()`: the model a query returns whole records of. */
function recordModel(ctx: RuleContext, file: ScannedSourceFile, expression: ts.Expression, depth: number): EntityModel | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const value = skipOuterExpressions(expression);
  if (ts.isAwaitExpression(value)) return recordModel(ctx, file, value.expression, depth + 1);
  if (!ts.isCallExpression(value) || !ts.isPropertyAccessExpression(value.expression)) return undefined;
  const method = value.expression.name.text;
  if (['exec', 'lean', 'populate', 'orFail'].includes(method)) return recordModel(ctx, file, value.expression.expression, depth + 1);
  if (!QUERY_METHODS.has(method)) return undefined;
  // A field selection decides what the record holds; leave those to the name heuristics.
  if (value.arguments.some((argument) => /\b(select|attributes|omit)\s*:/.test(argument.getText(file.sourceFile)))) return undefined;
  return modelOfReceiver(skipOuterExpressions(value.expression.expression), entityModels(ctx));
}

/** The parameter of an enclosing function that declares this name (`place(order: Order)`). */
const lambdaHandlersByContext = new WeakMap<RuleContext, ReadonlySet<ts.Node>>();

/** The event parameter of a Lambda route's handler (its first), not any value named `event`. */
function isLambdaEventParameter(ctx: RuleContext, identifier: ts.Identifier): boolean {
  const parameter = parameterDeclaration(identifier);
  const fn = parameter?.parent;
  if (!parameter || !fn || !ts.isFunctionLike(fn) || fn.parameters[0] !== parameter) return false;
  let handlers = lambdaHandlersByContext.get(ctx);
  if (!handlers) {
    handlers = new Set(ctx.routes.filter((route) => route.framework === 'lambda' && route.handler).map((route) => route.handler!.node));
    lambdaHandlersByContext.set(ctx, handlers);
  }
  return handlers.has(fn) && !localDeclaration(identifier);
}

/** The event parameter of a Lambda authorizer (utils/lambda-authorizers.ts), not a local of that name. */
function isAuthorizerEventParameter(identifier: ts.Identifier): boolean {
  const parameter = parameterDeclaration(identifier);
  const fn = parameter?.parent;
  return !!parameter && !!fn && ts.isFunctionLike(fn) && !localDeclaration(identifier) && isLambdaAuthorizer(fn, parameter);
}

function parameterDeclaration(identifier: ts.Identifier): ts.ParameterDeclaration | undefined {
  for (let current: ts.Node | undefined = identifier.parent; current; current = current.parent) {
    if (!ts.isFunctionLike(current)) continue;
    const parameter = current.parameters.find((candidate) => ts.isIdentifier(candidate.name) && candidate.name.text === identifier.text);
    if (parameter) return parameter;
  }
  return undefined;
}
