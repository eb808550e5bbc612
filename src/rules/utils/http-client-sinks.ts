import { ts } from '#typescript';
import { skipOuterExpressions } from '../../engine/ast/module-index.js';
import type { ScannedSourceFile } from '../../types.js';
import type { RuleContext } from '../../engine/rule-api.js';
import { moduleCallee, type ModuleCallee } from '../../engine/ast/module-callee.js';
import { localInitializer } from './tainted-sink.js';

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

const VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options', 'request', 'stream', 'postForm', 'putForm', 'patchForm']);
const FETCH_MODULES = new Set(['node-fetch', 'cross-fetch', 'isomorphic-fetch', 'isomorphic-unfetch', 'make-fetch-happen']);
const REQUEST_MODULES = new Set(['request', 'request-promise', 'request-promise-native', 'postman-request']);

export function httpRequestSink(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression | ts.NewExpression): HttpRequestSink | undefined {
  const args = call.arguments ?? [];
  const callee = skipOuterExpressions(call.expression);
  const resolved = moduleCallee(ctx, file, callee);
  if (!resolved) {
    // The global fetch (Node 18+, Next.js, Hono): a name nobody declared or imported.
    if (ts.isCallExpression(call) && isGlobalFetch(ctx, file, callee) && args[0]) return { name: 'fetch()', target: args[0] };
    return undefined;
  }
  return ts.isNewExpression(call) ? clientConstructor(resolved, args) : clientCall(ctx, file, callee, resolved, args);
}

function clientCall(ctx: RuleContext, file: ScannedSourceFile, callee: ts.Expression, resolved: ModuleCallee, args: readonly ts.Expression[]): HttpRequestSink | undefined {
  const { module, members } = resolved;
  const first = args[0];
  if (!first) return undefined;
  const verb = members.at(-1);
  const named = (name: string): HttpRequestSink => ({ name, target: first });
  switch (module) {
    case 'axios': {
      // axios(config | url), axios.get(url), axios.create({ baseURL }).get(url)
      if (members.length === 0) return named('axios()');
      if (members.length === 1 && verb && VERBS.has(verb)) return named(`axios.${verb}()`);
      if (members[0] === 'create()' && (members.length === 1 || (members.length === 2 && verb && VERBS.has(verb)))) {
        return { name: `axios instance${members.length === 2 ? `.${verb}` : ''}()`, target: first, prefix: instancePrefix(ctx, file, callee, 'baseURL') };
      }
      return undefined;
    }
    case '@nestjs/axios': {
      // this.http.get(url), this.http.axiosRef.get(url)
      const rest = members[1] === 'axiosRef' ? members.slice(2) : members.slice(1);
      if (members[0] === 'new HttpService()' && rest.length === 1 && VERBS.has(rest[0]!)) return named(`HttpService.${rest[0]}()`);
      return undefined;
    }
    case 'got': {
      if (members.length === 0 || (members[0] === 'got' && members.length === 1)) return named('got()');
      const base = members[0] === 'got' ? members.slice(1) : members;
      if (base.length === 1 && VERBS.has(base[0]!)) return named(`got.${base[0]}()`);
      if (base.length === 2 && base[0] === 'stream' && VERBS.has(base[1]!)) return named(`got.stream.${base[1]}()`);
      if (base[0] === 'extend()' && (base.length === 1 || (base.length === 2 && VERBS.has(base[1]!)))) {
        return { name: 'got instance()', target: first, prefix: instancePrefix(ctx, file, callee, 'prefixUrl') && 'concatenated' };
      }
      return undefined;
    }
    case 'ky': {
      if (members.length === 0) return named('ky()');
      if (members.length === 1 && VERBS.has(verb!)) return named(`ky.${verb}()`);
      if ((members[0] === 'create()' || members[0] === 'extend()') && (members.length === 1 || (members.length === 2 && VERBS.has(verb!)))) {
        return { name: 'ky instance()', target: first, prefix: instancePrefix(ctx, file, callee, 'prefixUrl') && 'concatenated' };
      }
      return undefined;
    }
    case 'http':
    case 'https':
      return members.length === 1 && (verb === 'request' || verb === 'get') ? named(`${module}.${verb}()`) : undefined;
    case 'undici':
      return members.length === 1 && (verb === 'request' || verb === 'fetch' || verb === 'stream' || verb === 'pipeline' || verb === 'connect') ? named(`undici.${verb}()`) : undefined;
    case 'needle': {
      // needle(method, url, ...), needle.get(url), needle.request(method, url, ...)
      if (members.length === 0 || (members.length === 1 && verb === 'request')) return args[1] ? { name: 'needle()', target: args[1] } : undefined;
      return members.length === 1 && VERBS.has(verb!) ? named(`needle.${verb}()`) : undefined;
    }
    case 'superagent': {
      // superagent(url), superagent(method, url), superagent.get(url)
      if (members.length === 0) return args[1] && ts.isStringLiteralLike(first) ? { name: 'superagent()', target: args[1] } : named('superagent()');
      return members.length === 1 && VERBS.has(verb!) ? named(`superagent.${verb}()`) : undefined;
    }
    default:
      if (FETCH_MODULES.has(module) && (members.length === 0 || (members.length === 1 && (verb === 'fetch' || verb === 'default')))) return named(`${module}()`);
      if (REQUEST_MODULES.has(module) && (members.length === 0 || (members.length === 1 && VERBS.has(verb!)))) return named(`${module}${members.length ? `.${verb}` : ''}()`);
      return undefined;
  }
}

/** `new undici.Client(origin)`, `new Pool(origin)`: the origin every later request goes to. */
function clientConstructor(resolved: ModuleCallee, args: readonly ts.Expression[]): HttpRequestSink | undefined {
  if (resolved.module !== 'undici' || !args[0]) return undefined;
  const name = resolved.members.at(-1);
  return name === 'Client' || name === 'Pool' || name === 'Agent' ? { name: `new undici.${name}()`, target: args[0] } : undefined;
}

function isGlobalFetch(ctx: RuleContext, file: ScannedSourceFile, callee: ts.Expression): boolean {
  if (ts.isPropertyAccessExpression(callee)) {
    const owner = skipOuterExpressions(callee.expression);
    return callee.name.text === 'fetch' && ts.isIdentifier(owner) && (owner.text === 'globalThis' || owner.text === 'window');
  }
  return ts.isIdentifier(callee) && callee.text === 'fetch' && localInitializer(callee) === undefined && ctx.modules.resolveName(file, 'fetch') === undefined;
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
