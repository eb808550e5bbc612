import { isSeq, type Node } from 'yaml';
import type { DeclaredAuthorizer, DeclaredThrottle, ThrottleKey } from './endpoints.js';
import { entries, entry, get, isTrue, items, text, type YamlConfig } from './yaml-document.js';

/**
 * Request limits declared in deployment config rather than in code, for API Gateway endpoints:
 *  - stage and method throttling (SAM `MethodSettings`, HTTP API `DefaultRouteSettings` /
 *    `RouteSettings`, the serverless-api-gateway-throttling plugin's `custom.apiGatewayThrottling`
 *    and per-event `throttling`): one budget all clients share, so it caps volume but lets one
 *    client spend the whole budget guessing (and lock everyone else out);
 *  - usage plans with a `throttle` (serverless `provider.apiGateway.usagePlan`, SAM
 *    `Auth.UsagePlan`): a budget per API key, so they limit only endpoints that require a key;
 *  - WAFv2 rate-based rules (`RateBasedStatement`) in a web ACL the template associates with the
 *    API (`AWS::WAFv2::WebACLAssociation`, the serverless-associate-waf plugin): per client address
 *    by default, and only for the paths a scope-down `UriPath` match names.
 * Each becomes rate-limit evidence on the route, located at the config line that declares it.
 */

/** serverless.yml: the limits on one `http`/`httpApi` event of a function. */
export function serverlessThrottles(service: YamlConfig, eventConfig: YamlConfig, event: Node | undefined, path: string, authorizers: readonly DeclaredAuthorizer[]): DeclaredThrottle[] {
  const throttles: DeclaredThrottle[] = [];
  const own = entry(event, 'throttling');
  // `throttling: { disabled: true }` takes the endpoint out of the plugin's default.
  const disabled = own !== undefined && isTrue(get(own.value, 'disabled'));
  if (own && !disabled && limitValue(own.value, PLUGIN_LIMITS)) {
    throttles.push({ keyedBy: 'total', ...eventConfig.locate(own.key), declaredBy: `throttling ${limitValue(own.value, PLUGIN_LIMITS)} (serverless-api-gateway-throttling)`, global: false });
  }
  const plugin = entry(get(service.root, 'custom'), 'apiGatewayThrottling');
  // `enabled: false` turns the plugin's default off for every endpoint.
  const pluginEnabled = text(get(plugin?.value, 'enabled')) !== 'false';
  if (!own && plugin && pluginEnabled && limitValue(plugin.value, PLUGIN_LIMITS)) {
    throttles.push({ keyedBy: 'total', ...service.locate(plugin.key), declaredBy: `custom.apiGatewayThrottling ${limitValue(plugin.value, PLUGIN_LIMITS)} (serverless-api-gateway-throttling)`, global: true });
  }
  const provider = get(service.root, 'provider');
  const usagePlan = entry(get(provider, 'apiGateway'), 'usagePlan') ?? entry(provider, 'usagePlan');
  if (usagePlan && requiresApiKey(authorizers)) {
    // One plan (`usagePlan: { throttle }`) or several (`usagePlan: [{ free: { throttle } }, ...]`).
    const plans = isSeq(usagePlan.value) ? items(usagePlan.value).flatMap((plan) => entries(plan).map((named) => named.value)) : [usagePlan.value];
    const throttle = plans.map((plan) => get(plan, 'throttle')).find((node) => limitValue(node, USAGE_PLAN_LIMITS));
    if (throttle) throttles.push({ keyedBy: 'api-key', ...service.locate(usagePlan.key), declaredBy: `usage plan throttle ${limitValue(throttle, USAGE_PLAN_LIMITS)} per API key`, global: true });
  }
  const associated = get(service.root, 'custom', 'associateWaf') !== undefined;
  throttles.push(...wafRateLimits(service, get(service.root, 'resources', 'Resources'), path, associated));
  return throttles;
}

/** A SAM `AWS::Serverless::Api` (REST) event's limits: its API's method settings and usage plan. */
export function samRestThrottles(template: YamlConfig, api: { properties: Node | undefined; globals: Node | undefined; label: string }, method: string, path: string, authorizers: readonly DeclaredAuthorizer[]): DeclaredThrottle[] {
  const throttles: DeclaredThrottle[] = [];
  for (const [owner, label] of [[api.properties, api.label], [api.globals, 'Globals.Api']] as const) {
    const settings = entry(owner, 'MethodSettings');
    for (const setting of items(settings?.value)) {
      const limit = limitValue(setting, METHOD_SETTING_LIMITS);
      if (!limit || !methodSettingApplies(setting, method, path)) continue;
      const everyMethod = (text(get(setting, 'ResourcePath')) ?? '/*') === '/*';
      throttles.push({ keyedBy: 'total', ...template.locate(settings!.key), declaredBy: `${label}.MethodSettings ${limit} (stage throttling, shared by all clients)`, global: everyMethod });
    }
  }
  const usagePlan = entry(get(api.properties, 'Auth'), 'UsagePlan') ?? entry(get(api.globals, 'Auth'), 'UsagePlan');
  const planLimit = usagePlan && limitValue(get(usagePlan.value, 'Throttle'), USAGE_PLAN_LIMITS);
  if (usagePlan && planLimit && requiresApiKey(authorizers)) {
    throttles.push({ keyedBy: 'api-key', ...template.locate(usagePlan.key), declaredBy: `Auth.UsagePlan throttle ${planLimit} per API key`, global: true });
  }
  return throttles;
}

/** A SAM `AWS::Serverless::HttpApi` event's limits: `RouteSettings["POST /login"]`, else `DefaultRouteSettings`. */
export function samHttpApiThrottles(template: YamlConfig, api: { properties: Node | undefined; globals: Node | undefined; label: string }, method: string, path: string): DeclaredThrottle[] {
  for (const [owner, label] of [[api.properties, api.label], [api.globals, 'Globals.HttpApi']] as const) {
    for (const route of entries(get(owner, 'RouteSettings'))) {
      const [routeMethod = '', routePath = ''] = route.name.trim().split(/\s+/, 2);
      if (!sameMethod(routeMethod, method) || routePath.replace(/\/+$/, '') !== path.replace(/\/+$/, '')) continue;
      const limit = limitValue(route.value, METHOD_SETTING_LIMITS);
      if (limit) return [{ keyedBy: 'total', ...template.locate(route.key), declaredBy: `${label}.RouteSettings["${route.name}"] ${limit} (shared by all clients)`, global: false }];
    }
  }
  for (const [owner, label] of [[api.properties, api.label], [api.globals, 'Globals.HttpApi']] as const) {
    const defaults = entry(owner, 'DefaultRouteSettings');
    const limit = defaults && limitValue(defaults.value, METHOD_SETTING_LIMITS);
    if (limit) return [{ keyedBy: 'total', ...template.locate(defaults.key), declaredBy: `${label}.DefaultRouteSettings ${limit} (shared by all clients)`, global: true }];
  }
  return [];
}

/**
 * WAFv2 rate-based rules of the template's web ACLs, when the template associates a web ACL with
 * something (`AWS::WAFv2::WebACLAssociation`) or a plugin does (`associated`). A rule scoped down
 * to a URI path (`ScopeDownStatement.ByteMatchStatement` on `UriPath`) limits only paths that
 * contain its search string.
 */
export function wafRateLimits(template: YamlConfig, resources: Node | undefined, path: string, associated = false): DeclaredThrottle[] {
  const all = entries(resources);
  const isAssociated = associated || all.some((resource) => text(get(resource.value, 'Type')) === 'AWS::WAFv2::WebACLAssociation');
  if (!isAssociated) return [];
  const throttles: DeclaredThrottle[] = [];
  for (const resource of all) {
    if (text(get(resource.value, 'Type')) !== 'AWS::WAFv2::WebACL') continue;
    for (const rule of items(get(resource.value, 'Properties', 'Rules'))) {
      const statement = get(rule, 'Statement', 'RateBasedStatement');
      const limit = text(get(statement, 'Limit'));
      if (!statement || !limit) continue;
      // A Count action only measures; Block (or a challenge) enforces.
      if (entry(get(rule, 'Action'), 'Count')) continue;
      const scopedPath = uriPathScope(get(statement, 'ScopeDownStatement'));
      if (scopedPath !== undefined && !path.toLowerCase().includes(scopedPath.toLowerCase())) continue;
      const aggregate = text(get(statement, 'AggregateKeyType')) ?? 'IP';
      const keyedBy: ThrottleKey = aggregate === 'IP' || aggregate === 'FORWARDED_IP' ? 'ip' : aggregate === 'CONSTANT' ? 'total' : 'custom';
      const name = text(get(rule, 'Name')) ?? resource.name;
      throttles.push({ keyedBy, ...template.locate(entry(rule, 'Statement')?.key), declaredBy: `WAF rate-based rule ${name} (${limit} requests per ${text(get(statement, 'EvaluationWindowSec')) ?? '300'} s per ${aggregate}${scopedPath !== undefined ? ` on paths containing ${scopedPath}` : ''})`, global: scopedPath === undefined });
    }
  }
  return throttles;
}

/** Limits of the serverless-api-gateway-throttling plugin, SAM method settings, usage plans, as `name value` text. */
const PLUGIN_LIMITS = ['maxRequestsPerSecond', 'maxConcurrentRequests'];
const METHOD_SETTING_LIMITS = ['ThrottlingRateLimit', 'ThrottlingBurstLimit'];
const USAGE_PLAN_LIMITS = ['rateLimit', 'burstLimit', 'RateLimit', 'BurstLimit'];

function limitValue(node: Node | undefined, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = text(get(node, name));
    if (value !== undefined) return `${name}: ${value}`;
  }
  return undefined;
}

function requiresApiKey(authorizers: readonly DeclaredAuthorizer[]): boolean {
  return authorizers.some((authorizer) => authorizer.kind === 'api-key');
}

/** `ResourcePath: /*` (every resource) or `/~1login` (`~1` is an escaped `/`), and `HttpMethod: '*'` or the method. */
function methodSettingApplies(setting: Node, method: string, path: string): boolean {
  const resourcePath = (text(get(setting, 'ResourcePath')) ?? '/*').replace(/~1/g, '/');
  const httpMethod = text(get(setting, 'HttpMethod')) ?? '*';
  if (!sameMethod(httpMethod, method)) return false;
  return resourcePath === '/*' || resourcePath.replace(/\/+$/, '') === path.replace(/\/+$/, '');
}

function sameMethod(written: string, method: string): boolean {
  const upper = written.toUpperCase();
  return upper === '*' || upper === 'ANY' || upper === '$DEFAULT' || method === 'ALL' || upper === method;
}

/** The search string of a `ByteMatchStatement` on the URI path, when that is the scope-down statement. */
function uriPathScope(statement: Node | undefined): string | undefined {
  const match = get(statement, 'ByteMatchStatement');
  if (!match || get(match, 'FieldToMatch', 'UriPath') === undefined) return undefined;
  return text(get(match, 'SearchString'));
}
