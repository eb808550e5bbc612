import { ts } from '#typescript';
import type { ScannedSourceFile, ScannedTextFile } from '../../../types.js';
import { nodePosition } from '../../ast/syntax.js';
import type { RouteDefinition, RouteMiddleware } from '../../routes/route.js';
import type { AdapterContext, FrameworkAdapter } from '../adapter.js';
import { cdkEndpoints, usesCdk } from './cdk.js';
import { AUTHORIZER_KINDS, type DeclaredAuthorizer, type DeclaredEndpoint, type DeclaredThrottle } from './endpoints.js';
import { findModuleFile, lambdaExport, typedHandlerExports, type LambdaExport } from './handlers.js';
import { isFunctionTemplate, samEndpoints } from './sam-template.js';
import { cloudFormationEndpoints } from './cloudformation.js';
import { isServerlessConfig, serverlessEndpoints } from './serverless-config.js';
import { isServerlessTs, serverlessTsConfig } from './serverless-ts.js';
import { sstEndpoints, usesSst } from './sst.js';
import { YamlConfig } from './yaml-document.js';

/** Packages that say the project's code runs as Lambda functions (types, middleware engine, infrastructure). */
const LAMBDA_PACKAGES = ['aws-lambda', '@types/aws-lambda', '@middy/core', 'middy', 'aws-cdk-lib', '@aws-cdk/aws-lambda', '@aws-cdk/aws-lambda-nodejs', '@aws-cdk/aws-apigateway'];

/**
 * AWS Lambda functions behind API Gateway (REST and HTTP APIs) or an ALB. The routes are declared
 * outside the code, in serverless.yml (or serverless.ts), a SAM/CloudFormation template, a CDK stack or an SST app: each names a
 * module and an export (`src/orders.get`), a method, a path and the authorizer API Gateway runs
 * first. The route is reported at the export (the code to change); an authorizer is an `auth`
 * middleware located at the config line that attaches it. Middy middleware (`.use(...)`) run in
 * front of the handler like any other middleware.
 *
 * Handlers no config names, exported with an API Gateway/ALB event or handler type, are listed too,
 * as `LAMBDA ALL (unmapped) <file>:<export>`: their method, path and authorizer live in infrastructure
 * the scan does not see (Terraform, a console), so they are unmounted handlers: the dataflow runs
 * from them (injection findings at medium confidence), the access-control rules do not judge them.
 */
export const lambdaAdapter: FrameworkAdapter = {
  name: 'lambda',
  // ProjectFacts hold only dependencies and imports. A serverless.yml or template with plain
  // JavaScript handlers may depend on nothing at all, so the gate is in discoverRoutes, which sees
  // the scan's YAML/JSON files; without a config or a Lambda package it returns at once.
  isEnabled: () => true,
  discoverRoutes(context) {
    const textByPath = new Map(context.textFiles.map((file) => [file.path, file]));
    const endpoints: DeclaredEndpoint[] = [];
    for (const file of context.textFiles) endpoints.push(...configEndpoints(file, textByPath));
    for (const file of context.sourceFiles) {
      const config = isServerlessTs(file) ? serverlessTsConfig(file, context.modules) : undefined;
      if (config) endpoints.push(...serverlessEndpoints(config, textByPath));
    }
    const packages = usesLambdaPackages(context);
    if (packages && usesCdk(context)) endpoints.push(...cdkEndpoints(context));
    // SST apps declare their API in TypeScript (sst.config.ts and the files it imports), often with no Lambda package.
    if (usesSst(context)) endpoints.push(...sstEndpoints(context));
    if (endpoints.length === 0 && !packages) return [];

    const byPath = new Map(context.sourceFiles.map((file) => [file.path, file]));
    const routes: RouteDefinition[] = [];
    const claimed = new Set<string>();
    const exports = new Map<string, LambdaExport | null>();
    const exportOf = (file: ScannedSourceFile, name: string): LambdaExport | undefined => {
      const key = `${file.path}\0${name}`;
      let found = exports.get(key);
      if (found === undefined) exports.set(key, (found = lambdaExport(file, name, context) ?? null));
      return found ?? undefined;
    };
    for (const endpoint of endpoints) {
      const file = findModuleFile(byPath, endpoint.module);
      // A handler outside the scan (or only in build output) is not code we can point at.
      if (!file || file.outsideScan) continue;
      claimed.add(`${file.path}\0${endpoint.exportName}`);
      const exported = exportOf(file, endpoint.exportName);
      if (!exported) continue;
      routes.push(routeDefinition(endpoint.method, endpoint.path, exported, [...endpoint.authorizers.map(authorizerMiddleware), ...(endpoint.throttles ?? []).map(throttleMiddleware)], context));
    }
    if (packages) {
      const typesHandlers = handlerTypingFiles(context);
      for (const file of context.sourceFiles) {
        if (file.outsideScan || !typesHandlers(file)) continue;
        for (const name of typedHandlerExports(file, context.modules)) {
          if (claimed.has(`${file.path}\0${name}`) || importedByProject(file, name, context)) continue;
          const exported = exportOf(file, name);
          if (!exported) continue;
          const definition = routeDefinition('ALL', `(unmapped) ${file.path}:${name}`, exported, [], context);
          // Its method, path and authorizer live outside the scan: analysed for injection, not judged for access.
          definition.unmounted = true;
          routes.push(definition);
        }
      }
    }
    return routes;
  },
};

/**
 * Lambda invokes a handler; the project's own code does not. An export taking an API Gateway event
 * that another scanned file imports (`validateTokenHeader(event)`) is a helper of the handlers.
 */
function importedByProject(file: ScannedSourceFile, name: string, context: AdapterContext): boolean {
  const own = context.modules.resolveExport(file, name);
  if (own?.kind !== 'declaration') return false;
  const word = new RegExp(`\\b${name}\\b`);
  return context.sourceFiles.some((other) => {
    if (other === file || !word.test(other.text)) return false;
    const binding = context.modules.resolveName(other, name);
    return binding?.kind === 'declaration' && binding.node === own.node;
  });
}

function configEndpoints(file: ScannedTextFile, textByPath: ReadonlyMap<string, ScannedTextFile>): DeclaredEndpoint[] {
  if (isServerlessConfig(file)) {
    const config = YamlConfig.parse(file);
    return config ? serverlessEndpoints(config, textByPath) : [];
  }
  if (isFunctionTemplate(file)) {
    const template = YamlConfig.parse(file);
    return template ? withoutRepeats([...samEndpoints(template), ...cloudFormationEndpoints(template)]) : [];
  }
  return [];
}

/**
 * One endpoint per handler, method and path: a SAM function's `Api` event and the API's OpenAPI
 * `DefinitionBody` often declare the same operation; its authorizers are those of both.
 */
function withoutRepeats(endpoints: DeclaredEndpoint[]): DeclaredEndpoint[] {
  const byKey = new Map<string, DeclaredEndpoint>();
  for (const endpoint of endpoints) {
    const key = `${endpoint.module}\0${endpoint.exportName}\0${endpoint.method}\0${endpoint.path}`;
    const first = byKey.get(key);
    if (!first) byKey.set(key, endpoint);
    else first.authorizers.push(...endpoint.authorizers.filter((added) => !first.authorizers.some((known) => known.kind === added.kind)));
  }
  return [...byKey.values()];
}

function usesLambdaPackages(context: AdapterContext): boolean {
  for (const pkg of context.packageJsons.values()) {
    for (const key of ['dependencies', 'devDependencies', 'peerDependencies']) {
      const deps = pkg[key];
      if (deps && typeof deps === 'object' && LAMBDA_PACKAGES.some((name) => name in deps)) return true;
    }
  }
  // Cheap text test first: only files that mention a package are asked which one they import.
  return context.sourceFiles.some((file) => (file.text.includes('aws-lambda') || file.text.includes('middy') || file.text.includes('aws-cdk')) && /['"](?:aws-lambda|@types\/aws-lambda|@middy\/core|middy|aws-cdk-lib(?:\/[\w-]+)?|@aws-cdk\/[\w-]+)['"]/.test(file.text));
}

/** The type names are long and distinctive: a file mentioning none of them declares no typed handler. */
function mayDeclareTypedHandlerText(text: string): boolean {
  return text.includes('APIGateway') || text.includes('ALBEvent') || text.includes('ALBHandler') || text.includes('LambdaFunctionURL');
}
const mayDeclareTypedHandler = (file: ScannedSourceFile) => mayDeclareTypedHandlerText(file.text);

/**
 * The files that may type an export as an HTTP handler: those naming an event or handler type, and
 * those importing a project module that does. A project's wrapper carries the type for every handler
 * it wraps (`export const main = Util.handler(async (event) => ...)`, where `Util.handler` takes an
 * `(evt: APIGatewayProxyEvent) => ...`), so the handler's own file never names it.
 */
function handlerTypingFiles(context: AdapterContext): (file: ScannedSourceFile) => boolean {
  const typing = new Set(context.sourceFiles.filter(mayDeclareTypedHandler).map((file) => file.path));
  return (file) => {
    if (typing.has(file.path)) return true;
    if (typing.size === 0) return false;
    return file.sourceFile.statements.some((statement) => {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier) || statement.importClause?.isTypeOnly) return false;
      const imported = context.modules.resolveImport(file, statement.moduleSpecifier.text);
      return imported !== undefined && typing.has(imported.path);
    });
  };
}

function routeDefinition(method: RouteDefinition['method'], path: string, exported: LambdaExport, gateway: RouteMiddleware[], context: AdapterContext): RouteDefinition {
  const { line, column } = nodePosition(exported.site);
  const definition: RouteDefinition = {
    framework: 'lambda',
    kind: 'lambda',
    method,
    path,
    file: exported.file.path,
    line,
    column,
    // The gateway's authorizer and limits run before the function is invoked, then middy's middleware in order.
    middleware: [...gateway, ...exported.middleware.map((used) => context.middleware.describe(used.expression, used.file, 'route'))],
  };
  if (exported.handler) definition.handler = { node: exported.handler.node, name: exported.handler.name, file: exported.handler.file.path, line: nodePosition(exported.handler.node).line };
  if (exported.unresolved) definition.unresolvedMiddleware = [exported.unresolved];
  return definition;
}

/** An authorizer the config attaches, as the route engine sees middleware: strong `auth` evidence at the config line. */
function authorizerMiddleware(authorizer: DeclaredAuthorizer): RouteMiddleware {
  const label = authorizer.kind === 'iam' ? 'aws_iam' : authorizer.kind;
  return {
    name: `authorizer ${label}${authorizer.name ? ` '${authorizer.name}'` : ''}`,
    file: authorizer.file,
    line: authorizer.line,
    kind: 'auth',
    strength: 'strong',
    evidence: `${AUTHORIZER_KINDS[authorizer.kind]} (${authorizer.declaredBy})`,
    // A default authorizer (Globals, the API's DefaultAuthorizer) covers every route of the API.
    scope: /DefaultAuthorizer|Globals\./.test(authorizer.declaredBy) ? 'global' : 'route',
    // An API key names a client of a usage plan, not a user: behind it alone there is no signed-in
    // user whose records a lookup could be scoped to (as with an environment secret compared in code).
    ...(authorizer.kind === 'api-key' ? { serviceCredential: 'an API Gateway API key identifies a client application, not a user' } : {}),
  };
}

/** A request limit the config declares, as the route engine sees middleware: `rate-limit` at the config line, with what it counts by. */
function throttleMiddleware(throttle: DeclaredThrottle): RouteMiddleware {
  const name = throttle.declaredBy.startsWith('WAF') ? 'WAF rate-based rule' : throttle.keyedBy === 'api-key' ? 'API Gateway usage plan' : 'API Gateway throttling';
  return { name, file: throttle.file, line: throttle.line, kind: 'rate-limit', strength: 'strong', evidence: throttle.declaredBy, scope: throttle.global ? 'global' : 'route', rateLimitKey: throttle.keyedBy };
}
