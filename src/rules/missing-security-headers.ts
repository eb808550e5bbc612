import path from 'node:path';
import { ts } from '#typescript';
import { type Binding, importedValue, localDeclaration, requiredModule, resolveFunction } from '../engine/names/index.js';
import { enclosingFunction, nodePosition, propertyValue, skipOuterExpressions } from '../engine/ast/syntax.js';
import { fileIndex } from '../engine/ast/file-index.js';
import type { RuleContext } from '../engine/rule-api.js';
import {
  APP_FACTORIES, NEST_APP_FACTORY_CALL, NEST_PLATFORM_ADAPTERS,
  HEADER_LIBRARIES,
  HELMET_OPTIONS,
  HELMET_PACKAGES,
  HONO_SECURE_HEADERS,
  KEY_HEADERS,
  MOUNT_METHODS,
  type AppFactory,
  type HeaderName,
} from '../models/security-headers.js';
import type { ScannedSourceFile, Severity } from '../types.js';
import type { Route } from '../engine/routes/route.js';
import { defineRule } from './define-rule.js';

/** What a file shows about security headers: a header library it imports, the key headers it names. */
interface FileEvidence {
  libraries: Set<string>;
  headers: Set<HeaderName>;
}

/** An app object made in the scanned code, and how the file uses it. */
interface AppSite {
  file: ScannedSourceFile;
  framework: AppFactory['framework'];
  /** The factory call or `new` expression. */
  creation: ts.Expression;
  /** The variable the app is assigned to, when there is one. */
  declaration?: ts.VariableDeclaration;
}

/**
 * The routes of an app made in a function and never let out of it (`const app = express();
 * app.get('/health', ...); http.createServer(app).listen(port)`): those the function declares on it.
 * Undefined when the app is module-level, or the function hands it to anything but a server or
 * returns, stores or passes it (`registerRoutes(app)` may add any route).
 */
function ownRoutes(app: AppSite, routes: readonly Route[]): Route[] | undefined {
  const name = app.declaration && ts.isIdentifier(app.declaration.name) ? app.declaration.name.text : undefined;
  const fn = app.declaration && enclosingFunction(app.declaration);
  const body = fn && (fn as ts.FunctionLikeDeclaration).body;
  if (!name || !fn || !body) return undefined;
  let escapes = false;
  const visit = (node: ts.Node): void => {
    if (escapes) return;
    if (ts.isIdentifier(node) && node.text === name && node !== app.declaration!.name) {
      const parent = node.parent;
      const member = ts.isPropertyAccessExpression(parent) && parent.expression === node && !mountsNamed(parent);
      const servedBy = ts.isCallExpression(parent) && parent.arguments.includes(node) && /(?:^|\.)create(?:Secure)?Server$/.test(parent.expression.getText(app.file.sourceFile));
      if (!member && !servedBy) escapes = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  if (escapes) return undefined;
  const start = nodePosition(fn).line;
  const end = app.file.sourceFile.getLineAndCharacterOfPosition(fn.getEnd()).line + 1;
  return routes.filter((route) => route.file === app.file.path && route.line >= start && route.line <= end);
}

/** `app.use('/api', apiRouter)`, `app.register(routes)`: a router or plugin made elsewhere, whose routes join the app's. */
function mountsNamed(member: ts.PropertyAccessExpression): boolean {
  const call = member.parent;
  if (!ts.isCallExpression(call) || call.expression !== member || !/^(?:use|register|route|mount)$/.test(member.name.text)) return false;
  return call.arguments.some((argument) => {
    const value = skipOuterExpressions(argument);
    return ts.isIdentifier(value) || ts.isPropertyAccessExpression(value);
  });
}

/** A header option turned off with `false` in a helmet or secureHeaders call. */
interface DisabledHeader {
  file: ScannedSourceFile;
  property: ts.PropertyAssignment;
  option: string;
  header: HeaderName;
  loss: string;
  library: string;
}

const MAX_IMPORT_CLOSURE = 400;
/** Paths of liveness, readiness and metrics probes: an app serving only these is probably not reached by browsers. */
const PROBE_PATH = /^(?:\/(?:api|v\d+|health(?:z|check)?|healthcheck|ready(?:z)?|readiness|live(?:z)?|liveness|ping|status|metrics))*\/?$/i;
/**
 * Members that hand an app to a server or runtime: `app.listen()`, `app.fetch`, Koa `app.callback()`,
 * Nest `app.init()` (a serverless bootstrap), `app.getHttpAdapter()` / `app.getHttpServer()` (the
 * underlying server handed to an adapter).
 */
const SERVING_MEMBERS = new Set(['listen', 'fetch', 'callback', 'handler', 'server', 'init', 'getHttpAdapter', 'getHttpServer', 'ready']);

export default defineRule({
  meta: {
    id: 'missing-security-headers',
    title: 'HTTP app without browser security headers',
    severity: 'medium',
    confidence: 'medium',
    controls: {
      soc2: ['CC6.1', 'CC6.6', 'CC6.7'],
      owaspApi: ['API8:2023'],
      cwe: ['CWE-693', 'CWE-1021'],
      pciDss: ['6.2.4'],
      hipaa: ['164.312(e)(1)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description:
        'Finds served HTTP apps (Express, Fastify, NestJS, Koa, Hono) with no helmet or equivalent (@fastify/helmet, koa-helmet, Hono secureHeaders, Next.js headers, hand-set headers) in their package, and helmet or secureHeaders options that turn off Content-Security-Policy, X-Frame-Options or Strict-Transport-Security without a replacement.',
      remediation:
        'Apply helmet (or @fastify/helmet, koa-helmet, Hono secureHeaders) app-wide before the routes, and keep HSTS, frame protection and a Content-Security-Policy on; set the header yourself when a default does not fit.',
    },
  },
  analyses: ['routes'],
  check(ctx) {
    const evidenceByFile = new Map<ScannedSourceFile, FileEvidence>();
    const apps: AppSite[] = [];
    const disabled: DisabledHeader[] = [];
    const mountedNodes: ts.Node[] = [];
    ctx.forEachIsolated(
      ctx.sourceFiles,
      (file) => file.path,
      (file) => evidenceByFile.set(file, readFile(ctx, file, apps, disabled, mountedNodes)),
    );
    const packageRoots = ctx.textFiles.filter((file) => path.posix.basename(file.path) === 'package.json').map((file) => path.posix.dirname(file.path));
    const packageByFile = new Map<string, string>();
    const packageOf = (file: string): string => {
      let root = packageByFile.get(file);
      if (root === undefined) {
        root = packageRoots.filter((candidate) => candidate === '.' || file.startsWith(`${candidate}/`)).sort((x, y) => y.length - x.length)[0] ?? '.';
        packageByFile.set(file, root);
      }
      return root;
    };
    const packageEvidence = new Map<string, FileEvidence>();
    for (const [file, evidence] of evidenceByFile) {
      const root = packageOf(file.path);
      const merged = packageEvidence.get(root) ?? { libraries: new Set(), headers: new Set() };
      evidence.libraries.forEach((library) => merged.libraries.add(library));
      evidence.headers.forEach((header) => merged.headers.add(header));
      packageEvidence.set(root, merged);
    }
    // Per file, once: a project with many apps (one per service) asked again for each app and header.
    const evidenceOfFile = new Map<ScannedSourceFile, FileEvidence>();
    const evidenceFor = (file: ScannedSourceFile): FileEvidence => {
      const known = evidenceOfFile.get(file);
      if (known) return known;
      const merged: FileEvidence = { libraries: new Set(packageEvidence.get(packageOf(file.path))?.libraries), headers: new Set(packageEvidence.get(packageOf(file.path))?.headers) };
      // A shared module in another workspace package (`setupSecurity(app)`) counts when the app's file reaches it by imports.
      for (const reached of importClosure(ctx, file)) {
        const evidence = evidenceByFile.get(reached);
        evidence?.libraries.forEach((library) => merged.libraries.add(library));
        evidence?.headers.forEach((header) => merged.headers.add(header));
      }
      evidenceOfFile.set(file, merged);
      return merged;
    };
    let routesByPackage: Map<string, Route[]> | undefined;
    const routesOfPackage = (root: string): Route[] => {
      if (!routesByPackage) {
        routesByPackage = new Map();
        for (const route of ctx.routes) {
          const list = routesByPackage.get(packageOf(route.file));
          if (list) list.push(route);
          else routesByPackage.set(packageOf(route.file), [route]);
        }
      }
      return routesByPackage.get(root) ?? [];
    };

    ctx.forEachIsolated(
      apps,
      (app) => app.file.path,
      (app) => {
        if (app.file.outsideScan) return;
        const line = app.file.sourceFile.getLineAndCharacterOfPosition(app.creation.getStart(app.file.sourceFile)).line + 1;
        const name = `${app.framework} app ${app.creation.getText(app.file.sourceFile).split('\n')[0]!.slice(0, 60)}`;
        const examined = { subject: 'HTTP app', name, file: app.file.path, line };
        if (mountedNodes.some((node) => contains(node, app.creation))) {
          ctx.examined({ ...examined, outcome: 'exempt', evidence: 'mounted inside another app, whose headers apply' });
          return;
        }
        let serving = howServed(app);
        // An app a factory returns is served where the factory's result is: judge its callers.
        if (serving === RETURNED) serving = factoryUse(ctx, app, mountedNodes);
        if (serving === MOUNTED) {
          ctx.examined({ ...examined, outcome: 'exempt', evidence: 'returned by a factory whose result is mounted inside another app' });
          return;
        }
        if (!serving) {
          ctx.examined({ ...examined, outcome: 'exempt', evidence: 'never served, exported or mounted in the file that creates it' });
          return;
        }
        const evidence = evidenceFor(app.file);
        if (evidence.libraries.size > 0 || evidence.headers.size > 0) {
          const found = [...[...evidence.libraries].map((library) => `${library} imported`), ...[...evidence.headers].map((header) => `${header} set in code`)];
          ctx.examined({ ...examined, outcome: 'passed', evidence: found.join(', ') });
          return;
        }
        // An app whose package shows no route but health or metrics probes is likely an internal service
        // (a worker's health check): still a gap, but one a network boundary may make moot.
        // An app made and kept inside one function (a worker's health-check server) serves only the routes that
        // function gives it: those are its whole route table, whatever else its package serves.
        const own = ownRoutes(app, ctx.routes);
        const routes = own ?? routesOfPackage(packageOf(app.file.path));
        const probesOnly = routes.every((route) => PROBE_PATH.test(route.path));
        ctx.examined({ ...examined, outcome: 'finding', evidence: 'no helmet or equivalent and no key security header in its package or the files it imports' });
        ctx.report({
          file: app.file.path,
          start: app.creation.getStart(app.file.sourceFile),
          end: app.creation.getEnd(),
          message: `This ${frameworkName(app.framework)} app (${serving}) sets no browser security headers: nothing in its package (${packageOf(app.file.path)}) or the files it imports applies helmet or an equivalent (${HEADER_LIBRARIES.slice(0, 5).join(', ')}, Next.js headers) or sets Content-Security-Policy, X-Frame-Options or Strict-Transport-Security, so responses go out without HSTS, frame protection or a CSP.${probesOnly ? ` ${own ? 'It serves' : 'Its package shows'} ${routes.length === 0 ? 'no routes' : 'only health or metrics routes'}: if it is an internal service, say so in a suppression.` : ''}`,
          confidence: probesOnly ? 'low' : 'medium',
        });
      },
    );

    ctx.forEachIsolated(
      disabled,
      (entry) => entry.file.path,
      (entry) => {
        if (entry.file.outsideScan) return;
        const evidence = evidenceFor(entry.file);
        if (evidence.headers.has(entry.header)) return;
        const severity: Severity = entry.header === 'content-security-policy' ? 'low' : 'medium';
        ctx.report({
          file: entry.file.path,
          start: entry.property.getStart(entry.file.sourceFile),
          end: entry.property.getEnd(),
          message: `${entry.library} is configured with ${entry.option}: false and nothing else in the package sets ${headerTitle(entry.header)}: ${entry.loss}.`,
          severity,
          confidence: 'high',
        });
      },
    );
  },
});

function frameworkName(framework: AppFactory['framework']): string {
  return { express: 'Express', fastify: 'Fastify', koa: 'Koa', hono: 'Hono', nestjs: 'NestJS' }[framework];
}

function headerTitle(header: HeaderName): string {
  return { 'content-security-policy': 'Content-Security-Policy', 'x-frame-options': 'X-Frame-Options (or a CSP frame-ancestors)', 'strict-transport-security': 'Strict-Transport-Security' }[header];
}

function contains(outer: ts.Node, inner: ts.Node): boolean {
  return outer.getSourceFile() === inner.getSourceFile() && outer.pos <= inner.pos && inner.end <= outer.end;
}

/** Any of the key header names or a CSP's frame-ancestors, in any case: a file without one sets none of them. */
const HEADER_MENTION = new RegExp([...KEY_HEADERS, 'frame-ancestors'].join('|'), 'i');

/** One walk of a file: header evidence, app creations, helmet options turned off, and what mount calls mount. */
function readFile(ctx: RuleContext, file: ScannedSourceFile, apps: AppSite[], disabled: DisabledHeader[], mountedNodes: ts.Node[]): FileEvidence {
  const evidence: FileEvidence = { libraries: new Set(), headers: new Set() };
  const mayCreateApp = /express|fastify|koa|hono|NestFactory/.test(file.text);
  const mentionsHeaderLibrary = /helmet|secure-headers/i.test(file.text);
  // The file's shared nodes by kind (built once per file): no second walk of the tree, and only the kinds read here.
  const index = fileIndex(file.sourceFile);
  for (const node of index.ofKind(ts.SyntaxKind.ImportDeclaration) as ts.ImportDeclaration[]) {
    if (ts.isStringLiteral(node.moduleSpecifier) && HEADER_LIBRARIES.includes(node.moduleSpecifier.text)) evidence.libraries.add(node.moduleSpecifier.text);
  }
  // Header names are short: a file that names none of them (or frame-ancestors) has no literal to read.
  if (HEADER_MENTION.test(file.text)) {
    for (const kind of [ts.SyntaxKind.StringLiteral, ts.SyntaxKind.NoSubstitutionTemplateLiteral]) {
      for (const node of index.ofKind(kind) as ts.StringLiteralLike[]) {
        const text = node.text.toLowerCase();
        if ((KEY_HEADERS as readonly string[]).includes(text)) evidence.headers.add(text as HeaderName);
        // A CSP written by hand with frame-ancestors replaces X-Frame-Options.
        if (text.includes('frame-ancestors')) evidence.headers.add('x-frame-options');
      }
    }
  }
  for (const node of index.ofKind(ts.SyntaxKind.CallExpression) as ts.CallExpression[]) {
    const required = requiredModule(node);
    if (required && HEADER_LIBRARIES.includes(required)) evidence.libraries.add(required);
    readCall(ctx, file, node, evidence, disabled, mountedNodes, mentionsHeaderLibrary);
    if (mayCreateApp) addApp(ctx, file, node, 'call', apps);
  }
  if (mayCreateApp) for (const node of index.ofKind(ts.SyntaxKind.NewExpression) as ts.NewExpression[]) addApp(ctx, file, node, 'new', apps);
  return evidence;
}

function addApp(ctx: RuleContext, file: ScannedSourceFile, node: ts.CallExpression | ts.NewExpression, form: 'call' | 'new', apps: AppSite[]): void {
  const imported = importedValue(ctx.modules, file, node.expression);
  const factory = imported && APP_FACTORIES.find((entry) => entry.form === form && entry.packages.includes(imported.module) && entry.exportNames.includes(imported.name));
  if (!factory) return;
  apps.push({ file, framework: factory.framework, creation: node, declaration: assignedVariable(node) });
}

/** `const app = express()`, `const app = await NestFactory.create(M)`, `const app = new Hono().basePath('/api')`. */
function assignedVariable(creation: ts.Expression): ts.VariableDeclaration | undefined {
  const top = chainTop(creation);
  return ts.isVariableDeclaration(top.parent) && top.parent.initializer === top && ts.isIdentifier(top.parent.name) ? top.parent : undefined;
}

/** The outermost expression of a chain that starts with `node`: `new Hono().basePath('/api')`, `await x`. */
function chainTop(node: ts.Expression): ts.Expression {
  let current = node;
  for (;;) {
    const parent = current.parent;
    if ((ts.isPropertyAccessExpression(parent) || ts.isCallExpression(parent)) && parent.expression === current) current = parent;
    else if (ts.isParenthesizedExpression(parent) || ts.isAwaitExpression(parent) || ts.isAsExpression(parent) || ts.isNonNullExpression(parent) || ts.isSatisfiesExpression(parent)) current = parent;
    else return current;
  }
}

/** How the app reaches clients, in words, or undefined when the file neither serves nor hands it on. */
function howServed(app: AppSite): string | undefined {
  // Nest like the others: served when it listens, is initialised for a serverless adapter, hands
  // its HTTP server on, or is returned/exported (then its callers decide). A NestFactory.create app
  // that does none of these (a seed or migration script that only reads providers with app.get()
  // and closes) answers no request. createApplicationContext/createMicroservice are not app factories.
  const top = chainTop(app.creation);
  if (!app.declaration) {
    if (ts.isPropertyAccessExpression(top.parent) && SERVING_MEMBERS.has(top.parent.name.text)) return `.${top.parent.name.text}`;
    return handedOn(top);
  }
  if (app.declaration.parent.parent && ts.isVariableStatement(app.declaration.parent.parent) && app.declaration.parent.parent.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) return 'exported';
  const name = (app.declaration.name as ts.Identifier).text;
  const scope = app.declaration.parent.parent.parent ?? app.file.sourceFile;
  let found: string | undefined;
  let nestServer = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(node) && node.text === name && node !== app.declaration!.name && isNestServerArgument(node)) nestServer = true;
    if (ts.isIdentifier(node) && node.text === name && node !== app.declaration!.name) {
      if (ts.isPropertyAccessExpression(node.parent) && node.parent.expression === node && SERVING_MEMBERS.has(node.parent.name.text)) found = `${name}.${node.parent.name.text}`;
      else found = handedOn(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(scope);
  // The server of a Nest app (`new ExpressAdapter(expressApp)`): the Nest app is the one reported.
  return nestServer ? undefined : found;
}

/** `new ExpressAdapter(expressApp)`, `NestFactory.create(AppModule, expressApp)`: the app is a Nest app's HTTP server. */
function isNestServerArgument(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isNewExpression(parent) && ts.isIdentifier(parent.expression) && NEST_PLATFORM_ADAPTERS.includes(parent.expression.text)) return true;
  return ts.isCallExpression(parent) && parent.arguments.indexOf(node) > 0 && skipOuterExpressions(parent.expression).getText().replace(/\s+/g, '') === NEST_APP_FACTORY_CALL;
}

const RETURNED = 'returned from its factory';
const MOUNTED = 'mounted';

/**
 * How the result of the factory that returns `app` is used: served when some call of the factory
 * (found by name, confirmed by resolution) is not mounted; MOUNTED when every call is; undefined
 * when nothing in the scan calls it (a library package: its consumers decide).
 */
function factoryUse(ctx: RuleContext, app: AppSite, mountedNodes: readonly ts.Node[]): string | undefined {
  let factory: ts.Node | undefined = app.creation.parent;
  while (factory && !ts.isFunctionLike(factory)) factory = factory.parent;
  const name = factory && factoryName(factory);
  if (!factory || !name) return undefined;
  let mounted = false;
  for (const file of ctx.sourceFiles) {
    if (!file.text.includes(name)) continue;
    const visit = (node: ts.Node): string | undefined => {
      if (ts.isCallExpression(node) && calleeName(node.expression) === name && resolveFunction(ctx.modules, file, node.expression)?.node === factory) {
        const top = chainTop(node);
        const declaration = ts.isVariableDeclaration(top.parent) ? top.parent : undefined;
        if (mountedNodes.some((target) => target === declaration || contains(target, top))) mounted = true;
        else if (!(ts.isCallExpression(top.parent) && isMountCall(top.parent) && top.parent.arguments.includes(top))) return `returned by ${name}(), called at ${file.path}`;
        else mounted = true;
      }
      return ts.forEachChild(node, visit);
    };
    const served = visit(file.sourceFile);
    if (served) return served;
  }
  return mounted ? MOUNTED : undefined;
}

function factoryName(fn: ts.Node): string | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) && fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)) return fn.parent.name.text;
  return undefined;
}

function calleeName(expression: ts.Expression): string | undefined {
  const callee = skipOuterExpressions(expression);
  return ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
}

function isMountCall(call: ts.CallExpression): boolean {
  const callee = skipOuterExpressions(call.expression);
  return ts.isPropertyAccessExpression(callee) && MOUNT_METHODS.includes(callee.name.text);
}

/** An app value passed on: exported, returned, or given to a server or adapter (`createServer(app)`, `serverless(app)`, `handle(app)`). */
function handedOn(node: ts.Expression): string | undefined {
  const parent = node.parent;
  if (ts.isExportAssignment(parent) || ts.isExportSpecifier(parent)) return 'exported';
  if (ts.isReturnStatement(parent) || (ts.isArrowFunction(parent) && parent.body === node)) return RETURNED;
  if (ts.isShorthandPropertyAssignment(parent) || (ts.isPropertyAssignment(parent) && parent.initializer === node)) return 'exported or handed on in an object';
  if (ts.isBinaryExpression(parent) && parent.right === node && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && /^(?:module\.)?exports\b/.test(parent.left.getText())) return 'exported';
  if (ts.isCallExpression(parent) && parent.arguments.includes(node)) {
    const callee = skipOuterExpressions(parent.expression);
    // A mount call hands the app to its parent app; the mount pass decides that one.
    if (ts.isPropertyAccessExpression(callee) && MOUNT_METHODS.includes(callee.name.text)) return undefined;
    return `passed to ${callee.getText().slice(0, 40)}()`;
  }
  return undefined;
}

/** Helmet calls and registrations with header options off; and the apps or app factories a mount call mounts. */
function readCall(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression, evidence: FileEvidence, disabled: DisabledHeader[], mountedNodes: ts.Node[], mentionsHeaderLibrary: boolean): void {
  const callee = skipOuterExpressions(call.expression);
  const isRegister = ts.isPropertyAccessExpression(callee) && callee.name.text === 'register';
  if (ts.isPropertyAccessExpression(callee) && MOUNT_METHODS.includes(callee.name.text)) {
    for (const argument of call.arguments) {
      mountedNodes.push(...mountedTargets(ctx, file, argument));
    }
  }
  // A cheap name test first: reading every call's text is quadratic on long call chains.
  const named = calleeName(isRegister && call.arguments[0] ? call.arguments[0] : callee) ?? (isRegister && call.arguments[0] && ts.isCallExpression(call.arguments[0]) ? 'require' : undefined);
  const library = named && mentionsHeaderLibrary ? importedValue(ctx.modules, file, isRegister && call.arguments[0] ? call.arguments[0] : callee) : undefined;
  if (!library) return;
  const helmet = HELMET_PACKAGES.find((entry) => entry.package === library.module && (entry.form === 'register') === isRegister);
  // `helmet.contentSecurityPolicy({...})`, `helmet.hsts()`: one header set on its own is a replacement for that header.
  if (library.module === 'helmet' && library.name !== 'default') {
    const option = HELMET_OPTIONS.find((entry) => entry.option === library.name);
    if (option) evidence.headers.add(option.header);
  }
  let options: ts.ObjectLiteralExpression | undefined;
  let optionNames: readonly string[] = [];
  if (helmet && library.name === 'default') {
    options = objectArgument(call.arguments[isRegister ? 1 : 0]);
    optionNames = HELMET_OPTIONS.map((entry) => entry.option);
  } else if (library.module === HONO_SECURE_HEADERS.package && library.name === HONO_SECURE_HEADERS.exportName) {
    options = objectArgument(call.arguments[0]);
    optionNames = HONO_SECURE_HEADERS.options;
  }
  if (!options) return;
  const off = (name: string): ts.PropertyAssignment | undefined => {
    const property = options!.properties.find((entry): entry is ts.PropertyAssignment => ts.isPropertyAssignment(entry) && ts.isIdentifier(entry.name) && entry.name.text === name);
    return property && skipOuterExpressions(property.initializer).kind === ts.SyntaxKind.FalseKeyword ? property : undefined;
  };
  for (const option of HELMET_OPTIONS) {
    if (!optionNames.includes(option.option)) continue;
    const property = off(option.option);
    if (!property) continue;
    // helmet's default CSP carries frame-ancestors 'self': with CSP on, frameguard off still blocks framing in current browsers.
    if (helmet && option.header === 'x-frame-options' && !off('contentSecurityPolicy')) continue;
    if (!helmet && option.header === 'x-frame-options' && propertyValue(options, 'contentSecurityPolicy')?.getText().includes('frameAncestors')) continue;
    disabled.push({ file, property, option: option.option, header: option.header, loss: option.loss, library: library.module });
  }
}

function objectArgument(argument: ts.Expression | undefined): ts.ObjectLiteralExpression | undefined {
  const value = argument && skipOuterExpressions(argument);
  return value && ts.isObjectLiteralExpression(value) ? value : undefined;
}

/**
 * The declaration or factory function a mount argument is: `sub` (its variable, across files),
 * `createSub()` (the function), `const routes = createRoutes(); app.route('/api', routes)` (both).
 */
function mountedTargets(ctx: RuleContext, file: ScannedSourceFile, argument: ts.Expression): ts.Node[] {
  const value = skipOuterExpressions(argument);
  if (ts.isCallExpression(value)) {
    const factory = resolveFunction(ctx.modules, file, value.expression)?.node;
    return factory ? [factory] : [];
  }
  if (!ts.isIdentifier(value)) return [];
  const declaration = declarationOf(ctx, file, value, 0);
  if (!declaration) return [];
  const initializer = ts.isVariableDeclaration(declaration) && declaration.initializer && skipOuterExpressions(declaration.initializer);
  const factory = initializer && ts.isCallExpression(initializer) ? resolveFunction(ctx.modules, ctx.modules.fileOf(declaration) ?? file, initializer.expression)?.node : undefined;
  return factory ? [declaration, factory] : [declaration];
}

function declarationOf(ctx: RuleContext, file: ScannedSourceFile, identifier: ts.Identifier, depth: number): ts.Node | undefined {
  if (depth > 4) return undefined;
  const local = localDeclaration(identifier);
  if (local) return local;
  const binding: Binding | undefined = ctx.modules.resolveName(file, identifier.text);
  if (!binding || binding.kind !== 'declaration') return undefined;
  // `export default app` / `module.exports = app`: the name exported, in its own file.
  if (ts.isIdentifier(binding.node)) return binding.file === file && binding.node === identifier ? undefined : declarationOf(ctx, binding.file, binding.node, depth + 1);
  return binding.node;
}

/** The scanned files `file` imports, transitively (bounded). */
function importClosure(ctx: RuleContext, file: ScannedSourceFile): ScannedSourceFile[] {
  const seen = new Set<ScannedSourceFile>([file]);
  const queue = [file];
  while (queue.length > 0 && seen.size < MAX_IMPORT_CLOSURE) {
    const current = queue.shift()!;
    for (const specifier of importSpecifiers(current)) {
      const target = ctx.modules.resolveImport(current, specifier);
      if (target && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  seen.delete(file);
  return [...seen];
}

function importSpecifiers(file: ScannedSourceFile): string[] {
  const specifiers: string[] = [];
  for (const statement of file.sourceFile.statements) {
    if ((ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) specifiers.push(statement.moduleSpecifier.text);
  }
  for (const match of file.text.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)) specifiers.push(match[1]!);
  return specifiers;
}
