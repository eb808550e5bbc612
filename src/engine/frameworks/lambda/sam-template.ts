import type { Node } from 'yaml';
import type { ScannedTextFile } from '../../../types.js';
import { dirOf, gatewayMethod, gatewayPath, joinPosix, splitHandler, type AuthorizerKind, type DeclaredAuthorizer, type DeclaredEndpoint } from './endpoints.js';
import { samHttpApiThrottles, samRestThrottles, wafRateLimits } from './gateway-throttling.js';
import { entries, entry, get, isTrue, referencedResource, text, type YamlConfig } from './yaml-document.js';

const FUNCTION_TYPE = 'AWS::Serverless::Function';

/**
 * A SAM or CloudFormation template (YAML or JSON, any name): it declares a serverless function.
 * Templates under build output (`.aws-sam/`, `cdk.out/`) point at bundled copies of the code, not
 * at the code a team writes, so they are left out.
 */
export function isFunctionTemplate(file: ScannedTextFile): boolean {
  if (file.kind !== 'yaml' && file.kind !== 'json') return false;
  if (/(?:^|\/)(?:\.aws-sam|cdk\.out)\//.test(file.path)) return false;
  return file.text.includes(FUNCTION_TYPE) || file.text.includes('AWS::Lambda::Function');
}

/** The events of a SAM function that are HTTP requests from clients, and the API resource type each uses. */
const HTTP_EVENT_TYPES: Readonly<Record<string, { api: string; global: string; apiProperty: string }>> = {
  Api: { api: 'AWS::Serverless::Api', global: 'Api', apiProperty: 'RestApiId' },
  HttpApi: { api: 'AWS::Serverless::HttpApi', global: 'HttpApi', apiProperty: 'ApiId' },
};

/**
 * Endpoints of a SAM template: each `AWS::Serverless::Function` (CodeUri + Handler, with Globals.Function
 * defaults) and its `Api`/`HttpApi` events. An event's `Auth.Authorizer` wins over the API's
 * `Auth.DefaultAuthorizer` (the API resource's, else Globals); `NONE` means no authorizer.
 * Authorizer kinds come from their definitions under `Auth.Authorizers` (UserPoolArn: Cognito,
 * FunctionArn: a Lambda authorizer, JwtConfiguration: JWT). Throttling, usage plans and WAF rate
 * rules are read by gateway-throttling.ts. Endpoints wired by other resources (API Gateway
 * methods, HTTP API routes, OpenAPI bodies) are read by cloudformation.ts.
 */
export function samEndpoints(template: YamlConfig): DeclaredEndpoint[] {
  const root = template.root;
  const resources = get(root, 'Resources');
  const globals = get(root, 'Globals');
  const templateDir = dirOf(template.path);
  const endpoints: DeclaredEndpoint[] = [];
  for (const resource of entries(resources)) {
    if (text(get(resource.value, 'Type')) !== FUNCTION_TYPE) continue;
    const properties = get(resource.value, 'Properties');
    // Container images and inline code have no handler file in the repository to point at.
    if (text(get(properties, 'PackageType')) === 'Image' || get(properties, 'InlineCode')) continue;
    const codeUri = text(get(properties, 'CodeUri')) ?? text(get(globals, 'Function', 'CodeUri')) ?? '';
    const handler = text(get(properties, 'Handler')) ?? text(get(globals, 'Function', 'Handler'));
    const codeDir = joinPosix(templateDir, codeUri);
    const split = handler && codeDir !== undefined ? splitHandler(handler, codeDir) : undefined;
    if (!split) continue;
    for (const event of entries(get(properties, 'Events'))) {
      const type = text(get(event.value, 'Type'));
      const apiType = type ? HTTP_EVENT_TYPES[type] : undefined;
      if (!apiType) continue;
      const eventProperties = get(event.value, 'Properties');
      // An HttpApi event without a path is the API's `$default` route: every request reaches it.
      const method = gatewayMethod(text(get(eventProperties, 'Method')) ?? (type === 'HttpApi' ? 'any' : undefined));
      const pathText = text(get(eventProperties, 'Path')) ?? (type === 'HttpApi' ? '*' : undefined);
      if (!method || pathText === undefined) continue;
      const apiName = referencedResource(get(eventProperties, apiType.apiProperty));
      const apiResource = apiName ? entry(resources, apiName) : undefined;
      const api: ApiAuth = {
        resourceName: apiResource && text(get(apiResource.value, 'Type')) === apiType.api ? apiName : undefined,
        resourceAuth: apiResource ? get(apiResource.value, 'Properties', 'Auth') : undefined,
        globalAuth: get(globals, apiType.global, 'Auth'),
        globalName: apiType.global,
      };
      const authorizers = eventAuthorizers(template, `${resource.name}.Events.${event.name}`, get(eventProperties, 'Auth'), api);
      const path = gatewayPath(pathText);
      const throttleSettings = { properties: api.resourceName ? get(apiResource?.value, 'Properties') : undefined, globals: get(globals, apiType.global), label: `${api.resourceName ?? 'the implicit API'}.Properties` };
      const throttles = [
        ...(type === 'Api' ? samRestThrottles(template, throttleSettings, method, path, authorizers) : samHttpApiThrottles(template, throttleSettings, method, path)),
        ...wafRateLimits(template, resources, path),
      ];
      endpoints.push({ configFile: template.path, module: split.module, exportName: split.exportName, method, path, authorizers, throttles });
    }
  }
  return endpoints;
}

interface ApiAuth {
  /** The `AWS::Serverless::Api`/`HttpApi` resource the event names (RestApiId/ApiId), if any. */
  resourceName: string | undefined;
  resourceAuth: Node | undefined;
  /** `Globals.Api.Auth` / `Globals.HttpApi.Auth`: SAM merges them into every API of that type. */
  globalAuth: Node | undefined;
  globalName: string;
}

function eventAuthorizers(template: YamlConfig, eventLabel: string, eventAuth: Node | undefined, api: ApiAuth): DeclaredAuthorizer[] {
  const authorizers: DeclaredAuthorizer[] = [];
  const own = entry(eventAuth, 'Authorizer');
  const ownName = text(own?.value);
  const defaultEntry = entry(api.resourceAuth, 'DefaultAuthorizer') ?? entry(api.globalAuth, 'DefaultAuthorizer');
  const defaultLabel = entry(api.resourceAuth, 'DefaultAuthorizer') ? `${api.resourceName}.Properties.Auth.DefaultAuthorizer` : `Globals.${api.globalName}.Auth.DefaultAuthorizer`;
  const chosen = own && ownName ? { name: ownName, key: own.key, label: `${eventLabel}.Properties.Auth.Authorizer` } : defaultEntry && text(defaultEntry.value) ? { name: text(defaultEntry.value)!, key: defaultEntry.key, label: defaultLabel } : undefined;
  // `Authorizer: NONE` on the event turns the API's default authorizer off for this route.
  if (chosen && chosen.name !== 'NONE') {
    const kind = authorizerKind(chosen.name, api);
    authorizers.push({ kind, ...(chosen.name === 'AWS_IAM' ? {} : { name: chosen.name }), ...template.locate(chosen.key), declaredBy: `${chosen.label} ${chosen.name}` });
  }
  const ownKey = entry(eventAuth, 'ApiKeyRequired');
  const defaultKey = entry(api.resourceAuth, 'ApiKeyRequired') ?? entry(api.globalAuth, 'ApiKeyRequired');
  const keyEntry = ownKey ?? defaultKey;
  if (keyEntry && isTrue(keyEntry.value)) {
    authorizers.push({ kind: 'api-key', ...template.locate(keyEntry.key), declaredBy: `${ownKey ? eventLabel : api.resourceName ?? `Globals.${api.globalName}`} Auth.ApiKeyRequired: true` });
  }
  return authorizers;
}

/** What an authorizer name stands for, from its definition under the API's `Auth.Authorizers`. */
function authorizerKind(name: string, api: ApiAuth): AuthorizerKind {
  if (name === 'AWS_IAM') return 'iam';
  const definition = get(api.resourceAuth, 'Authorizers', name) ?? get(api.globalAuth, 'Authorizers', name);
  if (get(definition, 'UserPoolArn')) return 'cognito';
  if (get(definition, 'JwtConfiguration')) return 'jwt';
  if (get(definition, 'FunctionArn')) return 'lambda';
  return 'existing';
}
