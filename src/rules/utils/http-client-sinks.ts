import { ts } from '#typescript';
import { enclosingClass, fieldValue, skipOuterExpressions } from '../../engine/ast/syntax.js';
import type { ScannedSourceFile } from '../../types.js';
import type { RuleContext } from '../../engine/rule-api.js';
import { moduleCallee, type ModuleCallee } from '../../engine/names/index.js';
import { localInitializer } from './tainted-sink.js';
import { GLOBAL_FETCH, HTTP_CLIENTS, type HttpClientModel } from '../../models/http-clients.js';

/**
 * An outgoing HTTP request: which argument names the target, and how a relative target is
 * resolved. `prefix: 'concatenated'` (got/ky `prefixUrl`) means the argument is appended to a
 * fixed origin, so it cannot change the host; `prefix: 'overridable'` (axios `baseURL`) means an
 * absolute URL in the argument replaces the base.
 */
export interface HttpRequestSink {
  /** `axios.get()`, `fetch()`, `https.request()` */
  name: string;
  /** The URL (string, URL object) or a request-options object. */
  target: ts.Expression;
  prefix?: 'concatenated' | 'overridable';
}

/** Each package's client model (models/http-clients.ts), by package name. */
const CLIENT_OF_PACKAGE: ReadonlyMap<string, HttpClientModel> = new Map(HTTP_CLIENTS.flatMap((client) => client.packages.map((name) => [name, client] as const)));

export function httpRequestSink(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression | ts.NewExpression): HttpRequestSink | undefined {
  const args = call.arguments ?? [];
  const callee = skipOuterExpressions(call.expression);
  const resolved = moduleCallee(ctx, file, callee);
  if (!resolved) {
    // The global fetch (Node 18+, Next.js, Hono): a name nobody declared or imported.
    if (ts.isCallExpression(call) && isGlobalFetch(ctx, file, callee) && args[0]) return { name: `${GLOBAL_FETCH.name}()`, target: args[0] };
    return undefined;
  }
  const client = CLIENT_OF_PACKAGE.get(resolved.module);
  if (!client) return undefined;
  return ts.isNewExpression(call) ? clientConstructor(client, resolved, args) : clientCall(ctx, file, callee, client, resolved, args);
}

function clientCall(ctx: RuleContext, file: ScannedSourceFile, callee: ts.Expression, client: HttpClientModel, resolved: ModuleCallee, args: readonly ts.Expression[]): HttpRequestSink | undefined {
  const { module, members } = resolved;
  const { methods, instances } = client;
  const first = args[0];
  if (!first) return undefined;
  const verb = members.at(-1);
  const named = (name: string): HttpRequestSink => ({ name, target: first });
  /** `axios.create()`, `got.extend()`: a call that makes an instance. */
  const isFactory = (member: string | undefined) => instances !== undefined && instances.factories.some((factory) => member === `${factory}()`);
  /** Whether the instance was made with a base URL, and what that base does to the argument. */
  const instancePrefixOf = () => instances && instancePrefix(ctx, file, callee, instances.baseOption) && instances.prefix;
  switch (client.shape) {
    case 'axios': {
      // axios(config | url), axios.get(url), axios.create({ baseURL }).get(url)
      if (client.callable && members.length === 0) return named(`${module}()`);
      if (members.length === 1 && verb && methods.has(verb)) return named(`${module}.${verb}()`);
      if (isFactory(members[0]) && (members.length === 1 || (members.length === 2 && verb && methods.has(verb)))) {
        return { name: `${module} instance${members.length === 2 ? `.${verb}` : ''}()`, target: first, prefix: instancePrefixOf() };
      }
      return undefined;
    }
    case 'nestjs-axios': {
      // this.http.get(url), this.http.axiosRef.get(url)
      const service = client.service!;
      const rest = members[1] === service.clientMember ? members.slice(2) : members.slice(1);
      if (members[0] === `new ${service.className}()` && rest.length === 1 && methods.has(rest[0]!)) return named(`${service.className}.${rest[0]}()`);
      return undefined;
    }
    case 'got': {
      // got(url), and the same function as the named export `got`.
      if ((client.callable && members.length === 0) || (members[0] === module && members.length === 1)) return named(`${module}()`);
      const base = members[0] === module ? members.slice(1) : members;
      if (base.length === 1 && methods.has(base[0]!)) return named(`${module}.${base[0]}()`);
      if (base.length === 2 && base[0] === 'stream' && methods.has(base[1]!)) return named(`${module}.stream.${base[1]}()`);
      if (isFactory(base[0]) && (base.length === 1 || (base.length === 2 && methods.has(base[1]!)))) {
        return { name: `${module} instance()`, target: first, prefix: instancePrefixOf() };
      }
      return undefined;
    }
    case 'ky': {
      if (client.callable && members.length === 0) return named(`${module}()`);
      if (members.length === 1 && methods.has(verb!)) return named(`${module}.${verb}()`);
      if (isFactory(members[0]) && (members.length === 1 || (members.length === 2 && methods.has(verb!)))) {
        return { name: `${module} instance()`, target: first, prefix: instancePrefixOf() };
      }
      return undefined;
    }
    case 'node-http':
    case 'undici':
      return members.length === 1 && methods.has(verb!) ? named(`${module}.${verb}()`) : undefined;
    case 'needle': {
      // needle(method, url, ...), needle.get(url), needle.request(method, url, ...)
      if ((client.callable && members.length === 0) || (members.length === 1 && verb === 'request')) return args[client.argument] ? { name: `${module}()`, target: args[client.argument]! } : undefined;
      return members.length === 1 && methods.has(verb!) ? named(`${module}.${verb}()`) : undefined;
    }
    case 'superagent': {
      // superagent(url), superagent(method, url), superagent.get(url)
      if (client.callable && members.length === 0) return args[1] && ts.isStringLiteralLike(first) ? { name: `${module}()`, target: args[1] } : named(`${module}()`);
      return members.length === 1 && methods.has(verb!) ? named(`${module}.${verb}()`) : undefined;
    }
    case 'fetch':
      return (client.callable && members.length === 0) || (members.length === 1 && methods.has(verb!)) ? named(`${module}()`) : undefined;
    case 'request':
      return (client.callable && members.length === 0) || (members.length === 1 && methods.has(verb!)) ? named(`${module}${members.length ? `.${verb}` : ''}()`) : undefined;
  }
}

/** `new undici.Client(origin)`, `new Pool(origin)`: the origin every later request goes to. */
function clientConstructor(client: HttpClientModel, resolved: ModuleCallee, args: readonly ts.Expression[]): HttpRequestSink | undefined {
  if (!client.constructors || !args[0]) return undefined;
  const name = resolved.members.at(-1);
  return name !== undefined && client.constructors.includes(name) ? { name: `new ${resolved.module}.${name}()`, target: args[0] } : undefined;
}

function isGlobalFetch(ctx: RuleContext, file: ScannedSourceFile, callee: ts.Expression): boolean {
  if (ts.isPropertyAccessExpression(callee)) {
    const owner = skipOuterExpressions(callee.expression);
    return callee.name.text === GLOBAL_FETCH.name && ts.isIdentifier(owner) && (GLOBAL_FETCH.owners as readonly string[]).includes(owner.text);
  }
  return ts.isIdentifier(callee) && callee.text === GLOBAL_FETCH.name && localInitializer(callee) === undefined && ctx.modules.resolveName(file, GLOBAL_FETCH.name) === undefined;
}

/**
 * `axios.create({ baseURL: 'https://api.example.com' })` / `got.extend({ prefixUrl })`: whether
 * the instance a call goes through was created with a base URL, found by following the receiver to
 * its creation in this file.
 */
function instancePrefix(ctx: RuleContext, file: ScannedSourceFile, callee: ts.Expression, option: string): 'overridable' | undefined {
  let receiver: ts.Expression | undefined = ts.isPropertyAccessExpression(callee) ? skipOuterExpressions(callee.expression) : callee;
  for (let hops = 0; receiver && hops < 4; hops++) {
    if (ts.isCallExpression(receiver)) {
      const options = receiver.arguments[0] && skipOuterExpressions(receiver.arguments[0]);
      const hasBase = options && ts.isObjectLiteralExpression(options) && options.properties.some((property) => property.name && ts.isIdentifier(property.name) && property.name.text === option);
      return hasBase ? 'overridable' : undefined;
    }
    // `this.axios.get(path)`: the instance the class made in its field or constructor.
    if (ts.isPropertyAccessExpression(receiver) && receiver.expression.kind === ts.SyntaxKind.ThisKeyword) {
      const owner = enclosingClass(receiver);
      receiver = owner ? fieldValue(owner, receiver.name.text) : undefined;
      continue;
    }
    if (!ts.isIdentifier(receiver)) return undefined;
    const local = localInitializer(receiver);
    if (local) {
      receiver = local;
      continue;
    }
    const binding = ctx.modules.resolveName(file, receiver.text);
    receiver = binding?.kind === 'declaration' && ts.isVariableDeclaration(binding.node) && binding.node.initializer ? skipOuterExpressions(binding.node.initializer) : undefined;
  }
  return undefined;
}
