import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { ScannedTextFile } from '../../../types.js';
import { dirOf, gatewayMethod, gatewayPath, joinPosix, splitHandler, type AuthorizerKind, type DeclaredAuthorizer, type DeclaredEndpoint } from './endpoints.js';
import { serverlessThrottles } from './gateway-throttling.js';
import { entries, entry, get, isTrue, items, text, YamlConfig } from './yaml-document.js';

/** serverless.yml / serverless.yaml (Serverless Framework v1-v4), at any depth (one per service). */
export function isServerlessConfig(file: ScannedTextFile): boolean {
  return file.kind === 'yaml' && /(?:^|\/)serverless\.ya?ml$/.test(file.path);
}

/** `${file(./functions.yml)}` or `${file(./functions.yml):orders}`: a part of the config kept in another file. */
const FILE_VARIABLE = /^\$\{file\(([^)]+)\)(?::([\w.-]+))?\}$/;

/**
 * The HTTP endpoints of one Serverless Framework service: each function's `handler`
 * (`src/orders.get`: module src/orders relative to the config, export `get`) with its `http`
 * (REST API), `httpApi` (HTTP API) and `alb` events, the authorizer each one attaches and the
 * request limits the gateway applies (gateway-throttling.ts).
 * Other events (sqs, schedule, s3, stream) are invoked by AWS services, not by clients: no route.
 */
export function serverlessEndpoints(config: YamlConfig, textFiles: ReadonlyMap<string, ScannedTextFile>): DeclaredEndpoint[] {
  const baseDir = dirOf(config.path);
  const provider = get(config.root, 'provider');
  const httpApiAuthorizers = get(provider, 'httpApi', 'authorizers');
  const albAuthorizers = get(provider, 'alb', 'authorizers');
  const endpoints: DeclaredEndpoint[] = [];
  for (const fn of functionsOf(config, textFiles, baseDir)) {
    const written = text(get(fn.node, 'handler'));
    const handler = written === undefined ? undefined : resolveVariables(written, config, 0);
    const split = handler ? splitHandler(handler, baseDir) : undefined;
    if (!split) continue;
    for (const event of items(get(fn.node, 'events'))) {
      for (const { name: type, value } of entries(event)) {
        const declared = type === 'http' ? restEvent(fn.config, value) : type === 'httpApi' ? httpApiEvent(fn.config, value, config, httpApiAuthorizers) : type === 'alb' ? albEvents(fn.config, value, config, albAuthorizers) : [];
        for (const { method, path, authorizers } of declared) {
          const throttles = type === 'alb' ? [] : serverlessThrottles(config, fn.config, value, path, authorizers);
          endpoints.push({ configFile: config.path, module: split.module, exportName: split.exportName, method, path, authorizers, throttles });
        }
      }
    }
  }
  return endpoints;
}

const VARIABLE = /\$\{([^{}]+)\}/g;
const QUOTED = /^\s*(['"])(.*)\1\s*$/;

/**
 * Serverless variables in a handler path: `${self:custom.prefix}` is read from the service's own
 * config; a source known only at deploy time (`opt:`, `env:`, `sls:`, `ssm:`) takes its literal
 * fallback (`${opt:stage, 'dev'}`), else the value is unknown and the function is not guessed at.
 */
function resolveVariables(value: string, service: YamlConfig, depth: number): string | undefined {
  let unresolved = false;
  const resolved = value.replace(VARIABLE, (_whole, body: string) => {
    const [source = '', ...fallbacks] = body.split(',');
    const reference = source.trim();
    if (reference.startsWith('self:') && depth < 3) {
      const found = text(get(service.root, ...reference.slice('self:'.length).split('.')));
      const inner = found === undefined ? undefined : resolveVariables(found, service, depth + 1);
      if (inner !== undefined) return inner;
    }
    for (const fallback of fallbacks) {
      const literal = QUOTED.exec(fallback);
      if (literal) return literal[2]!;
    }
    unresolved = true;
    return '';
  });
  return unresolved ? undefined : resolved;
}

interface FunctionEntry {
  name: string;
  node: Node | undefined;
  /** The file the function is written in (serverless.yml or a `${file(...)}` it includes). */
  config: YamlConfig;
}

function functionsOf(config: YamlConfig, textFiles: ReadonlyMap<string, ScannedTextFile>, baseDir: string): FunctionEntry[] {
  const found: FunctionEntry[] = [];
  const addMap = (node: Node | undefined, owner: YamlConfig, depth: number) => {
    const included = includedFile(node, owner, textFiles, baseDir);
    if (included && depth < 3) return addMap(included.node, included.config, depth + 1);
    for (const { name, value } of entries(node)) {
      const includedFunction = includedFile(value, owner, textFiles, baseDir);
      found.push(includedFunction ? { name, node: includedFunction.node, config: includedFunction.config } : { name, node: value, config: owner });
    }
  };
  const functions = get(config.root, 'functions');
  // `functions:` is a map, a list of maps, or a `${file(...)}` of either.
  if (isSeq(functions)) for (const part of items(functions)) addMap(part, config, 0);
  else addMap(functions, config, 0);
  return found;
}

/** The YAML a `${file(path):key}` variable names, relative to the service folder. */
function includedFile(node: Node | undefined, owner: YamlConfig, textFiles: ReadonlyMap<string, ScannedTextFile>, baseDir: string): { node: Node | undefined; config: YamlConfig } | undefined {
  const value = isScalar(node) && typeof node.value === 'string' ? FILE_VARIABLE.exec(node.value.trim()) : null;
  if (!value) return undefined;
  const target = joinPosix(baseDir, value[1]!.trim());
  const file = target === undefined ? undefined : textFiles.get(target);
  const included = file && file.path !== owner.path ? YamlConfig.parse(file) : undefined;
  if (!included) return undefined;
  const key = value[2];
  return { node: key ? get(included.root, ...key.split('.')) : included.root, config: included };
}

type EventRoute = Pick<DeclaredEndpoint, 'method' | 'path' | 'authorizers'>;

/** `- http: GET orders/{id}` or `- http: { path, method, authorizer, private }` (REST API, v1 payload). */
function restEvent(config: YamlConfig, value: Node | undefined): EventRoute[] {
  const short = text(value);
  if (short !== undefined) {
    const [methodText, pathText] = short.trim().split(/\s+/, 2);
    const method = gatewayMethod(methodText);
    return method && pathText !== undefined ? [{ method, path: gatewayPath(pathText), authorizers: [] }] : [];
  }
  const method = gatewayMethod(text(get(value, 'method')));
  const pathText = text(get(value, 'path'));
  if (!method || pathText === undefined) return [];
  const authorizers: DeclaredAuthorizer[] = [];
  const authorizer = entry(value, 'authorizer');
  if (authorizer?.value) {
    const declared = restAuthorizer(authorizer.value);
    if (declared) authorizers.push({ ...declared, ...config.locate(authorizer.key) });
  }
  const privateKey = entry(value, 'private');
  if (privateKey && isTrue(privateKey.value)) {
    authorizers.push({ kind: 'api-key', ...config.locate(privateKey.key), declaredBy: 'http.private: true' });
  }
  return [{ method, path: gatewayPath(pathText), authorizers }];
}

/** Lambda authorizer types of REST APIs, Cognito, IAM, by their config spelling. */
const REST_AUTHORIZER_TYPES: Readonly<Record<string, AuthorizerKind>> = {
  AWS_IAM: 'iam',
  COGNITO_USER_POOLS: 'cognito',
  TOKEN: 'lambda',
  REQUEST: 'lambda',
};

/**
 * `authorizer: aws_iam`, `authorizer: authorizerFunc` (a function of the service), an ARN
 * (a Cognito user pool or a Lambda), or a map with `type`, `name`, `arn`, `authorizerId`.
 */
function restAuthorizer(node: Node): Omit<DeclaredAuthorizer, 'file' | 'line'> | undefined {
  const short = text(node);
  if (short !== undefined) {
    if (short.toLowerCase() === 'aws_iam') return { kind: 'iam', declaredBy: 'http.authorizer: aws_iam' };
    if (short.includes('cognito-idp')) return { kind: 'cognito', declaredBy: `http.authorizer: a Cognito user pool ARN` };
    return { kind: 'lambda', name: short.startsWith('arn:') ? short.split(':').pop()! : short, declaredBy: `http.authorizer: ${short}` };
  }
  if (!isMap(node)) return undefined;
  const type = text(get(node, 'type'))?.toUpperCase();
  const name = text(get(node, 'name'));
  const arn = text(get(node, 'arn'));
  const typed = type ? REST_AUTHORIZER_TYPES[type] : undefined;
  const kind: AuthorizerKind | undefined = typed ?? (arn?.includes('cognito-idp') ? 'cognito' : name || get(node, 'arn') ? 'lambda' : get(node, 'authorizerId') ? 'existing' : undefined);
  if (!kind) return undefined;
  return { kind, ...(name ? { name } : {}), declaredBy: `http.authorizer${type ? ` type ${type}` : name ? ` ${name}` : ''}` };
}

/** `- httpApi: 'GET /orders/{id}'`, `- httpApi: '*'` or `- httpApi: { method, path, authorizer }` (HTTP API). */
function httpApiEvent(config: YamlConfig, value: Node | undefined, service: YamlConfig, declaredAuthorizers: Node | undefined): EventRoute[] {
  const short = text(value);
  if (short !== undefined) {
    const words = short.trim().split(/\s+/);
    if (words.length === 1 && words[0] === '*') return [{ method: 'ALL', path: '/*', authorizers: [] }];
    const method = gatewayMethod(words[0]);
    return method && words[1] !== undefined ? [{ method, path: gatewayPath(words[1]), authorizers: [] }] : [];
  }
  const method = gatewayMethod(text(get(value, 'method')) ?? '*');
  const pathText = text(get(value, 'path'));
  if (!method || pathText === undefined) return [];
  const authorizers: DeclaredAuthorizer[] = [];
  const authorizer = entry(value, 'authorizer');
  if (authorizer?.value) {
    const declared = httpApiAuthorizer(authorizer.value, service, declaredAuthorizers);
    if (declared) authorizers.push({ ...declared, ...config.locate(authorizer.key) });
  }
  return [{ method, path: gatewayPath(pathText), authorizers }];
}

/**
 * `authorizer: { name: jwtAuth }` naming `provider.httpApi.authorizers.jwtAuth` (`type: jwt` with
 * issuerUrl/audience, or `type: request` with a function), `{ type: aws_iam }`, `{ id: ... }`.
 */
function httpApiAuthorizer(node: Node, service: YamlConfig, declaredAuthorizers: Node | undefined): Omit<DeclaredAuthorizer, 'file' | 'line'> | undefined {
  const name = text(get(node, 'name')) ?? text(node);
  const type = text(get(node, 'type'))?.toLowerCase();
  if (type === 'aws_iam') return { kind: 'iam', declaredBy: 'httpApi.authorizer.type aws_iam' };
  if (name) {
    const definition = entry(declaredAuthorizers, name);
    const definedType = text(get(definition?.value, 'type'))?.toLowerCase();
    const kind: AuthorizerKind = definedType === 'request' || get(definition?.value, 'functionName') || get(definition?.value, 'functionArn') ? 'lambda' : definition ? 'jwt' : 'existing';
    const where = definition ? ` (provider.httpApi.authorizers.${name}, ${service.where(definition.key)})` : '';
    return { kind, name, declaredBy: `httpApi.authorizer ${name}${where}` };
  }
  if (get(node, 'id')) return { kind: 'existing', declaredBy: 'httpApi.authorizer.id' };
  return undefined;
}

/**
 * `- alb: { listenerArn, priority, conditions: { path, method }, authorizer }`: an Application Load
 * Balancer rule; its `authorizer` names `provider.alb.authorizers` (Cognito or OIDC).
 */
function albEvents(config: YamlConfig, value: Node | undefined, service: YamlConfig, declaredAuthorizers: Node | undefined): EventRoute[] {
  const conditions = get(value, 'conditions');
  const pathNode = get(conditions, 'path');
  const paths = isSeq(pathNode) ? items(pathNode).map(text) : [text(pathNode)];
  const methodNode = get(conditions, 'method');
  const methods = methodNode === undefined ? ['ALL' as const] : (isSeq(methodNode) ? items(methodNode).map(text) : [text(methodNode)]).map(gatewayMethod);
  const authorizers: DeclaredAuthorizer[] = [];
  const authorizer = entry(value, 'authorizer');
  const names = isSeq(authorizer?.value) ? items(authorizer!.value).map(text) : [text(authorizer?.value) ?? text(get(authorizer?.value, 'name'))];
  for (const name of names) {
    if (!authorizer || !name) continue;
    const definition = entry(declaredAuthorizers, name);
    const kind: AuthorizerKind = text(get(definition?.value, 'type'))?.toLowerCase() === 'cognito' ? 'cognito' : 'oidc';
    authorizers.push({ kind, name, ...config.locate(authorizer.key), declaredBy: `alb.authorizer ${name}${definition ? ` (provider.alb.authorizers.${name}, ${service.where(definition.key)})` : ''}` });
  }
  const routes: EventRoute[] = [];
  for (const pathText of paths) {
    for (const method of methods) {
      if (pathText !== undefined && method) routes.push({ method, path: gatewayPath(pathText), authorizers });
    }
  }
  return routes;
}
