import { isScalar, isSeq, type Node } from 'yaml';
import { dirOf, gatewayMethod, gatewayPath, joinPosix, splitHandler, type AuthorizerKind, type DeclaredAuthorizer, type DeclaredEndpoint } from './endpoints.js';
import { wafRateLimits } from './gateway-throttling.js';
import { entries, entry, get, isTrue, items, referencedResource, text, type YamlConfig } from './yaml-document.js';
import { own } from '../../own.js';

/**
 * Endpoints a CloudFormation template wires by hand, without SAM's `Events`:
 *  - REST APIs: an `AWS::ApiGateway::Method` (HttpMethod, AuthorizationType, AuthorizerId,
 *    ApiKeyRequired) on an `AWS::ApiGateway::Resource` chain (PathPart up to the API's
 *    RootResourceId), integrated with a function through its `Integration.Uri`;
 *  - HTTP APIs: an `AWS::ApiGatewayV2::Route` (RouteKey, AuthorizationType, AuthorizerId) whose
 *    `Target` is an `AWS::ApiGatewayV2::Integration` with the function's ARN as IntegrationUri;
 *  - OpenAPI bodies inline in the template (`DefinitionBody` of a SAM API, `Body` of a REST or
 *    HTTP API): each operation's `x-amazon-apigateway-integration.uri`, with the operation's (or
 *    the document's) `security` and the schemes' `x-amazon-apigateway-authtype`/`-authorizer`.
 * The function is a `AWS::Lambda::Function` (or a SAM function) whose code is a local folder
 * (`Code: ./dist`, `aws cloudformation package` form, or SAM's CodeUri) with a Handler: code in
 * S3 or inline has no file in the repository to point at. An ARN built from text we cannot tie
 * to one function of the template is left alone: a guessed handler would be a guessed verdict.
 */

const FUNCTION_TYPES = new Set(['AWS::Lambda::Function', 'AWS::Serverless::Function']);

/** REST `AuthorizationType` (and an authorizer's `Type`), HTTP API `AuthorizationType`, lower-cased. */
const AUTHORIZATION_TYPES: Readonly<Record<string, AuthorizerKind | 'none'>> = {
  none: 'none',
  aws_iam: 'iam',
  cognito_user_pools: 'cognito',
  custom: 'lambda',
  token: 'lambda',
  request: 'lambda',
  jwt: 'jwt',
};

/** OpenAPI security schemes: `x-amazon-apigateway-authtype` / `x-amazon-apigateway-authorizer.type`, lower-cased. */
const OPENAPI_AUTH_TYPES: Readonly<Record<string, AuthorizerKind>> = {
  cognito_user_pools: 'cognito',
  custom: 'lambda',
  token: 'lambda',
  request: 'lambda',
  jwt: 'jwt',
  awssigv4: 'iam',
};

/** API resources that can hold an OpenAPI document inline, and the property that holds it. */
const OPENAPI_BODY_KEYS: Readonly<Record<string, string>> = {
  'AWS::Serverless::Api': 'DefinitionBody',
  'AWS::Serverless::HttpApi': 'DefinitionBody',
  'AWS::ApiGateway::RestApi': 'Body',
  'AWS::ApiGatewayV2::Api': 'Body',
};

const OPENAPI_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'x-amazon-apigateway-any-method'];

interface FunctionCode {
  module: string;
  exportName: string;
}

export function cloudFormationEndpoints(template: YamlConfig): DeclaredEndpoint[] {
  const resources = get(template.root, 'Resources');
  const functions = localFunctions(template, resources);
  if (functions.size === 0) return [];
  const endpoints: DeclaredEndpoint[] = [];
  const add = (target: FunctionCode | undefined, method: DeclaredEndpoint['method'] | undefined, path: string | undefined, authorizers: DeclaredAuthorizer[]) => {
    if (!target || !method || path === undefined) return;
    endpoints.push({ configFile: template.path, module: target.module, exportName: target.exportName, method, path, authorizers, throttles: wafRateLimits(template, resources, path) });
  };
  for (const resource of entries(resources)) {
    const type = text(get(resource.value, 'Type'));
    const properties = get(resource.value, 'Properties');
    const label = `${resource.name}.Properties`;
    if (type === 'AWS::ApiGateway::Method') {
      const integration = get(properties, 'Integration');
      add(
        functionOfArn(get(integration, 'Uri'), functions),
        gatewayMethod(text(get(properties, 'HttpMethod'))),
        restResourcePath(resources, get(properties, 'ResourceId')),
        declaredAuthorizers(template, resources, properties, label),
      );
    } else if (type === 'AWS::ApiGatewayV2::Route') {
      const routeKey = text(get(properties, 'RouteKey'));
      const integrationName = integrationOfTarget(get(properties, 'Target'));
      const integration = integrationName ? get(entry(resources, integrationName)?.value, 'Properties', 'IntegrationUri') : undefined;
      const [method, path] = routeKey === '$default' ? ['ANY', '*'] : (routeKey?.split(/\s+/, 2) ?? []);
      add(functionOfArn(integration, functions), gatewayMethod(method), path === undefined ? undefined : gatewayPath(path), declaredAuthorizers(template, resources, properties, label));
    }
    const bodyKey = type ? own(OPENAPI_BODY_KEYS, type) : undefined;
    const body = bodyKey ? get(properties, bodyKey) : undefined;
    if (body) {
      for (const operation of openApiOperations(template, body, `${label}.${bodyKey}`)) {
        add(functionOfArn(get(operation.node, 'x-amazon-apigateway-integration', 'uri'), functions), operation.method, operation.path, operation.authorizers);
      }
    }
  }
  return endpoints;
}

/** Logical id -> handler module and export, for the template's functions with local code. */
function localFunctions(template: YamlConfig, resources: Node | undefined): Map<string, FunctionCode> {
  const functions = new Map<string, FunctionCode>();
  const templateDir = dirOf(template.path);
  const globals = get(template.root, 'Globals', 'Function');
  for (const resource of entries(resources)) {
    const type = text(get(resource.value, 'Type'));
    if (!type || !FUNCTION_TYPES.has(type)) continue;
    const properties = get(resource.value, 'Properties');
    const codeDir = type === 'AWS::Lambda::Function' ? text(get(properties, 'Code')) : (text(get(properties, 'CodeUri')) ?? text(get(globals, 'CodeUri')) ?? '');
    const handler = text(get(properties, 'Handler')) ?? (type === 'AWS::Serverless::Function' ? text(get(globals, 'Handler')) : undefined);
    // `Code: { S3Bucket, S3Key }` / `ZipFile` and `s3://` URIs: no local source.
    if (codeDir === undefined || !handler || /^s3:\/\//i.test(codeDir)) continue;
    const dir = joinPosix(templateDir, codeDir);
    const split = dir === undefined ? undefined : splitHandler(handler, dir);
    if (split) functions.set(resource.name, split);
  }
  return functions;
}

/**
 * The function an integration ARN invokes: `!GetAtt Fn.Arn`, `!Sub '...${Fn.Arn}/invocations'`
 * (short and long forms, with or without a variables map), `Fn::Join` parts holding a GetAtt or
 * Ref of it. Exactly one function of the template must be named.
 */
function functionOfArn(node: Node | undefined, functions: ReadonlyMap<string, FunctionCode>): FunctionCode | undefined {
  const named = new Set<string>();
  const visit = (value: Node | undefined): void => {
    if (!value) return;
    const direct = referencedResource(value);
    if (direct && functions.has(direct)) named.add(direct);
    const sub = intrinsic(value, 'Sub');
    // `!Sub 'text'`, or `!Sub ['text', { Name: !GetAtt Fn.Arn }]`.
    const template = isScalar(sub) ? sub : items(sub)[0];
    const subText = isScalar(template) && typeof template.value === 'string' ? template.value : undefined;
    if (subText) for (const [, name] of subText.matchAll(/\$\{([\w-]+)(?:\.Arn)?\}/g)) if (functions.has(name!)) named.add(name!);
    for (const variable of entries(items(sub)[1])) visit(variable.value);
    // `!Join ['', [..., !GetAtt Fn.Arn, ...]]`
    for (const part of items(items(intrinsic(value, 'Join'))[1])) visit(part);
  };
  visit(node);
  return named.size === 1 ? functions.get([...named][0]!) : undefined;
}

/** The argument of an intrinsic function in either form: `!Sub x` (the tagged node) or `{ 'Fn::Sub': x }`. */
function intrinsic(node: Node | undefined, name: 'Sub' | 'Join'): Node | undefined {
  if ((isScalar(node) || isSeq(node)) && node.tag === `!${name}`) return node;
  return get(node, `Fn::${name}`);
}

/** `/orders/{id}` from a REST resource chain: PathPart of each resource up to the API's RootResourceId. */
function restResourcePath(resources: Node | undefined, resourceId: Node | undefined): string | undefined {
  const parts: string[] = [];
  let current = resourceId;
  for (let hops = 0; hops < 32; hops++) {
    // `!GetAtt Api.RootResourceId`: the API's root.
    if (isScalar(current) && current.tag === '!GetAtt') return gatewayPath(parts.reverse().join('/') || '/');
    if (get(current, 'Fn::GetAtt')) return gatewayPath(parts.reverse().join('/') || '/');
    const name = referencedResource(current);
    const resource = name ? entry(resources, name)?.value : undefined;
    if (!resource || text(get(resource, 'Type')) !== 'AWS::ApiGateway::Resource') return undefined;
    const pathPart = text(get(resource, 'Properties', 'PathPart'));
    if (pathPart === undefined) return undefined;
    parts.push(pathPart);
    current = get(resource, 'Properties', 'ParentId');
  }
  return undefined;
}

/** `!Sub integrations/${OrdersIntegration}`, `!Join ['/', [integrations, !Ref OrdersIntegration]]`. */
function integrationOfTarget(target: Node | undefined): string | undefined {
  const sub = intrinsic(target, 'Sub');
  const fromSub = isScalar(sub) && typeof sub.value === 'string' ? sub.value.match(/^integrations\/\$\{([\w-]+)\}$/)?.[1] : undefined;
  if (fromSub) return fromSub;
  const parts = items(items(intrinsic(target, 'Join'))[1]);
  return parts.length === 2 && text(parts[0]) === 'integrations' ? referencedResource(parts[1]) : undefined;
}

/** A REST method's or HTTP API route's authorization, at the line that declares it. */
function declaredAuthorizers(template: YamlConfig, resources: Node | undefined, properties: Node | undefined, label: string): DeclaredAuthorizer[] {
  const authorizers: DeclaredAuthorizer[] = [];
  const typeEntry = entry(properties, 'AuthorizationType');
  const declared = text(typeEntry?.value)?.toLowerCase();
  let kind = declared ? own(AUTHORIZATION_TYPES, declared) : undefined;
  const authorizerName = referencedResource(get(properties, 'AuthorizerId'));
  // A REST `CUSTOM` method names its authorizer; the authorizer's own Type says Cognito or Lambda.
  const authorizerType = authorizerName ? text(get(entry(resources, authorizerName)?.value, 'Properties', 'Type'))?.toLowerCase() : undefined;
  const authorizerKind = authorizerType ? own(AUTHORIZATION_TYPES, authorizerType) : undefined;
  if (kind === 'lambda' && authorizerKind && authorizerKind !== 'none') kind = authorizerKind;
  if (typeEntry && kind && kind !== 'none') {
    authorizers.push({ kind, ...(authorizerName ? { name: authorizerName } : {}), ...template.locate(typeEntry.key), declaredBy: `${label}.AuthorizationType ${text(typeEntry.value)}` });
  }
  const keyEntry = entry(properties, 'ApiKeyRequired');
  if (keyEntry && isTrue(keyEntry.value)) authorizers.push({ kind: 'api-key', ...template.locate(keyEntry.key), declaredBy: `${label}.ApiKeyRequired: true` });
  return authorizers;
}

interface OpenApiOperation {
  method: DeclaredEndpoint['method'];
  path: string;
  node: Node | undefined;
  authorizers: DeclaredAuthorizer[];
}

/** Operations of an inline OpenAPI (2 or 3) body, each with the authorizers its `security` names. */
function openApiOperations(template: YamlConfig, body: Node, label: string): OpenApiOperation[] {
  const schemes = get(body, 'components', 'securitySchemes') ?? get(body, 'securityDefinitions');
  const documentSecurity = entry(body, 'security');
  const operations: OpenApiOperation[] = [];
  for (const pathEntry of entries(get(body, 'paths'))) {
    for (const operation of entries(pathEntry.value)) {
      if (!OPENAPI_METHODS.includes(operation.name.toLowerCase())) continue;
      const method = gatewayMethod(operation.name === 'x-amazon-apigateway-any-method' ? 'any' : operation.name);
      if (!method) continue;
      // An operation's `security` replaces the document's; `security: []` turns it off.
      const security = entry(operation.value, 'security') ?? documentSecurity;
      const authorizers: DeclaredAuthorizer[] = [];
      for (const requirement of items(security?.value)) {
        for (const scheme of entries(requirement)) {
          const definition = get(schemes, scheme.name);
          const kind = schemeKind(definition);
          if (kind) authorizers.push({ kind, name: scheme.name, ...template.locate(scheme.key), declaredBy: `${label} paths.${pathEntry.name}.${operation.name} security ${scheme.name}` });
        }
      }
      // An HTTP API's `/$default` path is its catch-all route, as RouteKey `$default` is.
      operations.push({ method, path: gatewayPath(pathEntry.name === '/$default' ? '*' : pathEntry.name), node: operation.value, authorizers });
    }
  }
  return operations;
}

function schemeKind(definition: Node | undefined): AuthorizerKind | undefined {
  const authorizerType = text(get(definition, 'x-amazon-apigateway-authorizer', 'type'))?.toLowerCase();
  const authType = text(get(definition, 'x-amazon-apigateway-authtype'))?.toLowerCase();
  const byAuthorizer = authorizerType ? own(OPENAPI_AUTH_TYPES, authorizerType) : undefined;
  if (byAuthorizer) return byAuthorizer;
  const byAuthType = authType ? own(OPENAPI_AUTH_TYPES, authType) : undefined;
  if (byAuthType) return byAuthType;
  // An API key scheme (`in: header, name: x-api-key`): API Gateway checks the key.
  if (text(get(definition, 'type'))?.toLowerCase() === 'apikey' && text(get(definition, 'name'))?.toLowerCase() === 'x-api-key') return 'api-key';
  return undefined;
}
