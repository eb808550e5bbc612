import { ts } from '#typescript';
import { nodesOfKind } from '../../engine/ast/file-index.js';
import { skipOuterExpressions } from '../../engine/ast/syntax.js';
import type { Route } from '../../engine/routes/route.js';
import { entryName, type ScannedSourceFile } from '../../types.js';
import type { RuleContext } from '../../engine/rule-api.js';
import { localConstInitializer, moduleCallee } from '../../engine/names/index.js';
import { sensitiveName } from './sensitive-names.js';

/** What an access logger (morgan, pino-http) writes that some route it runs before receives. */
export interface AccessLogLeak {
  /** `morgan('combined')`, `pinoHttp()`. */
  logger: string;
  /** What it writes: `the URL with its query string (:url)`. */
  writes: string;
  /** The request fields that end up in the log: `req.query.token (GET /reset)`. */
  fields: string[];
  severity: 'high' | 'medium';
  /** Where it writes them: the access log (morgan, pino-http), the function's log (middy). */
  log?: string;
}

/** morgan's predefined formats all write `:url`, query string included. */
const MORGAN_FORMATS = new Set(['combined', 'common', 'dev', 'short', 'tiny']);
const PINO_HTTP_MODULES = new Set(['pino-http', 'express-pino-logger', 'koa-pino-logger', 'hono-pino']);
const MORGAN_MODULES = new Set(['morgan', 'koa-morgan']);
/** Middy's input/output logger: it logs each invocation's whole event (`{ event }`) and response. */
const MIDDY_IO_LOGGER_MODULES = new Set(['@middy/input-output-logger']);
/** Gateway authorizers that take a bearer token from the Authorization header (an IAM signature is not replayable). */
const HEADER_TOKEN_AUTHORIZER = /^authorizer (?:cognito|jwt|lambda)\b/;

/**
 * `middy(handler).use(inputOutputLogger())` on routes whose gateway authorizer (Cognito, JWT, a
 * Lambda token authorizer) or code takes a bearer token from the Authorization header: the logged
 * event holds that header, so every invocation writes the caller's token to the log. Unless
 * `omitPaths` (or `mask`) names the headers, or a custom `logger` writes only fields it picks;
 * one that logs what it is given whole at debug level is medium (off unless debug logging is on).
 */
function middyLoggerLeak(file: ScannedSourceFile, call: ts.CallExpression, text: string, routes: readonly Route[]): AccessLogLeak | undefined {
  const options = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
  const optionsText = options ? optionsWithConsts(options, file.sourceFile) : '';
  if (/['"`]event\.(?:multiValueHeaders|headers)(?:\.authorization)?['"`]/i.test(optionsText)) return undefined;
  const logger = options && ts.isObjectLiteralExpression(options) ? options.properties.find((property) => property.name && ts.isIdentifier(property.name) && property.name.text === 'logger') : undefined;
  let debugOnly = false;
  if (logger) {
    const value = ts.isPropertyAssignment(logger) ? skipOuterExpressions(logger.initializer) : undefined;
    if (!value || !(ts.isArrowFunction(value) || ts.isFunctionExpression(value))) return undefined;
    const written = wholeParameterLogCalls(value);
    if (written.length === 0) return undefined;
    debugOnly = written.every((method) => method === 'debug' || method === 'trace');
  }
  const fields = routes.flatMap((route) => (route.middleware.some((middleware) => middleware.kind === 'auth' && HEADER_TOKEN_AUTHORIZER.test(middleware.name)) || (route.handler && /headers\s*(\.\s*authorization|\[\s*['"]authorization['"]\s*\])/i.test(route.handler.node.getText())) ? [`event.headers.Authorization (${entryName(route)})`] : []));
  if (fields.length === 0) return undefined;
  return { logger: `${text}(${options ? '…' : ''})`, writes: `each invocation's whole event (headers unredacted${logger ? '; its logger writes what it is given whole' : ''})`, fields: [...new Set(fields)], severity: debugOnly ? 'medium' : 'high', log: 'the function log' };
}

/**
 * The log methods a logger callback passes its parameter to whole (`(request) => log.debug({ request })`,
 * `console.log`): `debug`, `log`. Empty when it writes only members it picks (`request.event.path`).
 */
function wholeParameterLogCalls(fn: ts.ArrowFunction | ts.FunctionExpression): string[] {
  const parameter = fn.parameters[0]?.name;
  if (!parameter) return [];
  // `({ event }) => ...`: the destructured event is the whole event.
  const names = ts.isIdentifier(parameter) ? [parameter.text] : ts.isObjectBindingPattern(parameter) ? parameter.elements.flatMap((element) => (ts.isIdentifier(element.name) ? [element.name.text] : [])) : [];
  const methods: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const whole = node.arguments.some((argument) => {
        const value = skipOuterExpressions(argument);
        if (ts.isIdentifier(value)) return names.includes(value.text);
        return ts.isObjectLiteralExpression(value) && value.properties.some((property) => (ts.isShorthandPropertyAssignment(property) && names.includes(property.name.text)) || (ts.isPropertyAssignment(property) && ts.isIdentifier(skipOuterExpressions(property.initializer)) && names.includes((skipOuterExpressions(property.initializer) as ts.Identifier).text)));
      });
      const callee = skipOuterExpressions(node.expression);
      if (whole) methods.push(ts.isPropertyAccessExpression(callee) ? callee.name.text : callee.getText());
    }
    ts.forEachChild(node, visit);
  };
  if (fn.body) visit(fn.body);
  return methods;
}

/**
 * An access-log middleware whose format writes request parts (the URL with its query string, the
 * body through a custom token, headers) that routes it applies to receive credentials in: a
 * password or token query parameter, a password body field, an Authorization header or cookie.
 */
export function accessLogLeak(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression): AccessLogLeak | undefined {
  const resolved = moduleCallee(ctx, file, call.expression);
  if (!resolved) return undefined;
  const sourceFile = file.sourceFile;
  const text = call.expression.getText(sourceFile);
  const isMorgan = MORGAN_MODULES.has(resolved.module) && resolved.members.length === 0;
  const isPinoHttp = PINO_HTTP_MODULES.has(resolved.module) && (resolved.members.length === 0 || resolved.members[0] === 'pinoHttp');
  const isMiddyLogger = MIDDY_IO_LOGGER_MODULES.has(resolved.module) && resolved.members.length === 0;
  if (!isMorgan && !isPinoHttp && !isMiddyLogger) return undefined;
  // A middy chain belongs to the handlers it wraps: no app mounts it in front of others.
  if (isMiddyLogger) return middyLoggerLeak(file, call, text, routesListing(ctx, file, call));
  const routes = routesBehind(ctx, file, call);
  if (routes.length === 0) return undefined;
  if (isMorgan) {
    const format = call.arguments[0] && formatText(file, call.arguments[0], 0);
    if (format === undefined) return undefined;
    const logsUrl = MORGAN_FORMATS.has(format) || /:url\b/.test(format);
    const bodyTokens = morganBodyTokens(ctx).filter((token) => new RegExp(`:${token}\\b`).test(format));
    const queryFields = logsUrl ? credentialReads(ctx, routes, 'query') : [];
    const bodyFields = bodyTokens.length > 0 ? credentialReads(ctx, routes, 'body') : [];
    if (queryFields.length === 0 && bodyFields.length === 0) return undefined;
    const writes = [logsUrl && queryFields.length > 0 ? 'the URL with its query string (:url)' : '', bodyFields.length > 0 ? `the request body (:${bodyTokens[0]})` : ''].filter(Boolean).join(' and ');
    return { logger: `${text}('${format}')`, writes, fields: [...queryFields, ...bodyFields], severity: 'high' };
  }
  const options = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
  const optionsText = options ? optionsWithConsts(options, sourceFile) : '';
  // A custom `serializers: { req }` decides what the request record holds.
  if (/serializers\s*:\s*\{[^}]*\breq\b/.test(optionsText)) return undefined;
  const redactsHeaders = (header: string): boolean => new RegExp(`['"\`]req\\.headers(\\.${header}|\\[\\\\?['"]${header})?['"\`\\]]`, 'i').test(optionsText);
  const queryFields = credentialReads(ctx, routes, 'query');
  const headerFields: string[] = [];
  if (!redactsHeaders('authorization') && usesAuthorizationHeader(ctx, routes)) headerFields.push('req.headers.authorization');
  if (!redactsHeaders('cookie') && usesCookies(ctx)) headerFields.push('req.headers.cookie');
  if (queryFields.length === 0 && headerFields.length === 0) return undefined;
  const writes = [queryFields.length > 0 ? 'the URL with its query string (req.url)' : '', headerFields.length > 0 ? 'every request header, unredacted' : ''].filter(Boolean).join(' and ');
  return { logger: `${text}()`, writes, fields: [...queryFields, ...headerFields], severity: 'high' };
}

/**
 * Routes whose middleware chain includes this call: the route inventory records where each
 * middleware is, or names the variable holding it (`app.use(morgan.successHandler)` for
 * `const successHandler = morgan(...)`). Routes with no app-wide middleware at all belong to
 * routers the inventory could not mount on their app (`app.use('/v1', require('./routes'))`),
 * so they may stand behind it too.
 */
function routesBehind(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression): Route[] {
  const sourceFile = file.sourceFile;
  const listed = routesListing(ctx, file, call);
  // NestJS: `app.use(morgan(...))` on the app NestFactory created in main.ts runs before every controller.
  if (listed.length === 0 && /\bNestFactory\.create\b/.test(sourceFile.text)) return ctx.routes.filter((route) => route.framework === 'nestjs');
  if (listed.length === 0) return [];
  const frameworks = new Set(listed.map((route) => route.framework));
  const unmounted = ctx.routes.filter((route) => frameworks.has(route.framework) && !route.middleware.some((middleware) => middleware.scope === 'global'));
  return [...listed, ...unmounted];
}

/** Routes whose middleware list records this call (where it is written, or the variable holding it). */
function routesListing(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression): Route[] {
  const sourceFile = file.sourceFile;
  const line = sourceFile.getLineAndCharacterOfPosition(call.getStart(sourceFile)).line + 1;
  const holder = ts.isVariableDeclaration(call.parent) && ts.isIdentifier(call.parent.name) ? call.parent.name.text : undefined;
  return ctx.routes.filter((route) =>
    route.middleware.some((middleware) => (middleware.file === file.path && middleware.line === line) || (holder !== undefined && new RegExp(`(^|\\.)${holder}$`).test(middleware.name))),
  );
}

/** A morgan format as text: a literal, a template's literal parts (`${ip}:method :url`), or a constant holding one. */
function formatText(file: ScannedSourceFile, expression: ts.Expression, depth: number): string | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isStringLiteralLike(value)) return value.text;
  if (ts.isTemplateExpression(value)) return [value.head.text, ...value.templateSpans.map((span) => span.literal.text)].join(' ').trim();
  if (ts.isIdentifier(value) && depth < 3) {
    const declaration = (nodesOfKind(file.sourceFile, ts.SyntaxKind.VariableDeclaration) as ts.VariableDeclaration[]).find(
      (node) => ts.isIdentifier(node.name) && node.name.text === value.text && node.initializer !== undefined,
    );
    const initializer = declaration?.initializer;
    return initializer && formatText(file, initializer, depth + 1);
  }
  return undefined;
}

/** `req.query.token (GET /reset)`: credential-named fields of a request part the routes read, in their handlers or anything the handlers call. */
function credentialReads(ctx: RuleContext, routes: readonly Route[], part: 'query' | 'body'): string[] {
  const found: string[] = [];
  const taintedReads = taintedFieldsByRoute(ctx, part);
  for (const route of routes) {
    const names = [...(route.handler ? partFieldsRead(route.handler.node, part) : []), ...(taintedReads.get(route) ?? [])];
    for (const name of names) {
      const named = sensitiveName(name);
      if (!named || named.kind === 'contact') continue;
      const label = `req.${part}.${name} (${entryName(route)})`;
      if (!found.includes(label)) found.push(label);
    }
  }
  return found;
}

/** Fields of a request part that reach calls from each route (helpers and services in other files included). */
function taintedFieldsByRoute(ctx: RuleContext, part: 'query' | 'body'): Map<Route, string[]> {
  const byRoute = new Map<Route, string[]>();
  const pattern = new RegExp(`\\.${part}\\.(\\w+)`);
  for (const tainted of ctx.dataflow.taintedCalls()) {
    // An access logger runs for the routes it is mounted in front of; a handler no route mounts is none of them.
    if (tainted.route.unmounted) continue;
    for (const origin of tainted.argumentOrigins) {
      if (origin.kind !== 'tainted') continue;
      const field = pattern.exec(origin.taint.source.label)?.[1];
      if (field) byRoute.set(tainted.route, [...(byRoute.get(tainted.route) ?? []), field]);
    }
  }
  return byRoute;
}

/** Field names read from `req.query` / `req.body` in a handler: `req.query.token`, `const { token } = req.query`. */
function partFieldsRead(handler: ts.Node, part: 'query' | 'body'): string[] {
  const names: string[] = [];
  const isPart = (expression: ts.Expression): boolean => {
    const value = skipOuterExpressions(expression);
    return ts.isPropertyAccessExpression(value) && value.name.text === part && (ts.isIdentifier(value.expression) || ts.isPropertyAccessExpression(value.expression));
  };
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && isPart(node.expression)) names.push(node.name.text);
    if (ts.isElementAccessExpression(node) && isPart(node.expression) && ts.isStringLiteralLike(node.argumentExpression)) names.push(node.argumentExpression.text);
    // NestJS: `@Query('token') token: string`, `@Body('password') password: string`.
    if (ts.isDecorator(node) && ts.isCallExpression(node.expression) && ts.isIdentifier(node.expression.expression) && node.expression.expression.text === (part === 'query' ? 'Query' : 'Body')) {
      const name = node.expression.arguments[0];
      if (name && ts.isStringLiteralLike(name)) names.push(name.text);
    }
    if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer && isPart(node.initializer)) {
      for (const element of node.name.elements) {
        const key = element.propertyName ?? element.name;
        if (ts.isIdentifier(key)) names.push(key.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(handler);
  return names;
}

/** Names of `morgan.token('body', (req) => JSON.stringify(req.body))` tokens that write the request body. */
function morganBodyTokens(ctx: RuleContext): string[] {
  const tokens: string[] = [];
  for (const file of ctx.sourceFiles) {
    if (!/\.token\(/.test(file.sourceFile.text)) continue;
    for (const node of nodesOfKind(file.sourceFile, ts.SyntaxKind.CallExpression) as ts.CallExpression[]) {
      if (ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'token' && node.arguments.length >= 2) {
        const name = skipOuterExpressions(node.arguments[0]!);
        const resolved = moduleCallee(ctx, file, node.expression);
        if (resolved && MORGAN_MODULES.has(resolved.module) && ts.isStringLiteralLike(name) && /\.body\b/.test(node.arguments[1]!.getText(file.sourceFile))) tokens.push(name.text);
      }
    }
  }
  return tokens;
}

/** The API reads bearer credentials from the Authorization header: in code, or through an auth middleware on these routes. */
function usesAuthorizationHeader(ctx: RuleContext, routes: readonly Route[]): boolean {
  const readsHeader = ctx.sourceFiles.some((file) => /headers\s*(\.\s*authorization|\[\s*['"]authorization['"]\s*\])|\.(get|header)\(\s*['"]authorization['"]|fromAuthHeaderAsBearerToken|ExtractJwt/i.test(file.sourceFile.text));
  return readsHeader || routes.some((route) => route.middleware.some((middleware) => middleware.kind === 'auth' && /jwt|bearer|authorization/i.test(`${middleware.name} ${middleware.evidence}`)));
}

/** The API keeps sessions in cookies (express-session, cookie-parser, `req.cookies`). */
function usesCookies(ctx: RuleContext): boolean {
  return ctx.sourceFiles.some((file) => /['"](express-session|cookie-session|cookie-parser|@fastify\/cookie|@fastify\/session)['"]|\breq\.cookies\b/.test(file.sourceFile.text));
}

/**
 * The options as written, with the consts they name written out (`redact: { paths: redactPaths }`
 * where `const redactPaths = ['req.headers.authorization', ...]`): what the options hold.
 */
function optionsWithConsts(options: ts.Expression, sourceFile: ts.SourceFile): string {
  const parts = [options.getText(sourceFile)];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && !(ts.isPropertyAssignment(node.parent) && node.parent.name === node) && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node)) {
      const initializer = localConstInitializer(node);
      if (initializer && (ts.isArrayLiteralExpression(skipOuterExpressions(initializer)) || ts.isObjectLiteralExpression(skipOuterExpressions(initializer)))) parts.push(initializer.getText(sourceFile));
    }
    ts.forEachChild(node, visit);
  };
  visit(options);
  return parts.join('\n');
}
