import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { nodePosition, propertyNameText, propertyValue, skipOuterExpressions } from '../../ast/syntax.js';
import { bindingValue, localConstInitializer } from '../../names/index.js';
import type { AdapterContext } from '../adapter.js';
import { dirOf, gatewayMethod, gatewayPath, splitHandler, type AuthorizerKind, type DeclaredAuthorizer, type DeclaredEndpoint } from './endpoints.js';
import { own } from '../../own.js';

/**
 * SST (sst.dev) as data. SST v3 ("Ion") declares APIs in `sst.config.ts` or files it imports:
 * `const api = new sst.aws.ApiGatewayV2('Api', { transform: { route: { args: { auth: { iam: true } } } } })`
 * then `api.route('GET /notes/{id}', 'packages/functions/src/get.main', { auth: { jwt: {...} } })`.
 * SST v2 (and v1, `@serverless-stack/resources`) uses a construct:
 * `new Api(stack, 'Api', { defaults: { authorizer: 'iam' }, authorizers: {...}, routes: { 'GET /notes': 'src/list.main' } })`
 * and `api.addRoutes(stack, {...})`. Handler paths are relative to the app root (the folder of
 * sst.config.ts / sst.json). Only literal wiring is read.
 */
const V3_APIS = new Set(['ApiGatewayV2', 'ApiGatewayV1']);
const V2_PACKAGES = /['"](?:sst\/constructs|@serverless-stack\/resources)['"]/;
/** The keys of SST v3 route `auth` args, by what the gateway checks. */
const V3_AUTH_KEYS: Readonly<Record<string, AuthorizerKind>> = { iam: 'iam', jwt: 'jwt', lambda: 'lambda', cognito: 'cognito', custom: 'lambda' };
/** SST v2 `authorizers: { name: { type } }` and v1 `defaultAuthorizationType` values. */
const V2_AUTHORIZER_TYPES: Readonly<Record<string, AuthorizerKind | 'none'>> = {
  iam: 'iam',
  none: 'none',
  user_pool: 'cognito',
  user_pools: 'cognito',
  jwt: 'jwt',
  lambda: 'lambda',
  lambda_request: 'lambda',
  lambda_token: 'lambda',
  AWS_IAM: 'iam',
  JWT: 'jwt',
  CUSTOM: 'lambda',
  NONE: 'none',
  COGNITO: 'cognito',
};

export function usesSst(context: AdapterContext): boolean {
  return context.sourceFiles.some((file) => mentionsSstApi(file));
}

function mentionsSstApi(file: ScannedSourceFile): boolean {
  return (file.text.includes('sst.aws.ApiGateway') || file.text.includes('sst.aws.Function') || (file.text.includes('Api') && V2_PACKAGES.test(file.text))) && !file.outsideScan;
}

/** Relative imports: a file that adds routes to an API another file creates (`import { api } from './api'`). */
const RELATIVE_IMPORT = /\bfrom\s*['"](\.[^'"\n]+)['"]/g;

export function sstEndpoints(context: AdapterContext): DeclaredEndpoint[] {
  const endpoints: DeclaredEndpoint[] = [];
  const declaring = new Set(context.sourceFiles.filter(mentionsSstApi));
  const addsRoutes = (file: ScannedSourceFile): boolean =>
    !file.outsideScan && /\.(?:route|addRoutes)\s*\(/.test(file.text) && [...file.text.matchAll(RELATIVE_IMPORT)].some((match) => {
      const imported = context.modules.resolveImport(file, match[1]!);
      return imported !== undefined && declaring.has(imported);
    });
  for (const file of context.sourceFiles) {
    if (!declaring.has(file) && !addsRoutes(file)) continue;
    const app = new SstFile(file, appRoot(file, context), context);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const method = node.expression.name.text;
        if (method === 'route') endpoints.push(...app.v3Route(node));
        else if (method === 'addRoutes') endpoints.push(...app.v2AddRoutes(node));
      } else if (ts.isNewExpression(node) && app.isV2Api(node)) endpoints.push(...app.v2Routes(node));
      else if (ts.isNewExpression(node)) endpoints.push(...app.v3FunctionUrl(node));
      ts.forEachChild(node, visit);
    };
    visit(file.sourceFile);
  }
  return endpoints;
}

/** The folder of the nearest sst.config.* (v2, v3) or sst.json (v1) above the file, else of the nearest package.json. */
function appRoot(file: ScannedSourceFile, context: AdapterContext): string {
  const configs = [...context.sourceFiles.filter((source) => /(?:^|\/)sst\.config\.[cm]?[jt]s$/.test(source.path)).map((source) => dirOf(source.path)), ...context.textFiles.filter((text) => /(?:^|\/)sst\.json$/.test(text.path)).map((text) => dirOf(text.path))];
  const nearest = (dirs: Iterable<string>): string | undefined => {
    let best: string | undefined;
    for (const dir of dirs) if ((dir === '' || file.path.startsWith(`${dir}/`)) && (best === undefined || dir.length > best.length)) best = dir;
    return best;
  };
  return nearest(configs) ?? nearest(context.packageJsons.keys()) ?? '';
}

class SstFile {
  constructor(
    private readonly file: ScannedSourceFile,
    private readonly root: string,
    private readonly context: AdapterContext,
  ) {}

  /** `api.route('GET /notes/{id}', handler, args)` on an `sst.aws.ApiGatewayV2/V1`. */
  v3Route(call: ts.CallExpression): DeclaredEndpoint[] {
    const api = this.v3Api(call.expression as ts.PropertyAccessExpression);
    const [key, handler, args] = call.arguments;
    if (!api || !key || !handler || !ts.isStringLiteralLike(key)) return [];
    const route = routeKey(key.text);
    const fn = this.v3Handler(handler);
    if (!route || !fn) return [];
    const own = args ? this.v3Auth(args) : undefined;
    const defaults = this.v3DefaultAuth(api);
    // SST applies `transform.route.args` after the route's own args: an object replaces what the route says,
    // a function (`args.auth ??= ...`) may leave it.
    const authorizers = (defaults?.overrides ? defaults.authorizers : (own ?? defaults?.authorizers)) ?? [];
    return [{ configFile: this.file.path, ...fn, method: route.method, path: route.path, authorizers }];
  }

  private v3Api(callee: ts.PropertyAccessExpression): ts.NewExpression | undefined {
    const value = this.value(callee.expression);
    if (!value || !ts.isNewExpression(value)) return undefined;
    const constructor = skipOuterExpressions(value.expression);
    return ts.isPropertyAccessExpression(constructor) && V3_APIS.has(constructor.name.text) && /\bsst\.aws\.\w+$/.test(constructor.getText(value.getSourceFile())) ? value : undefined;
  }

  /**
   * `new sst.aws.Function('Hook', { handler: 'src/hook.handler', url: true })`: a function URL sends
   * every method and path to the function; nobody checks the caller unless `url.authorization` is `iam`.
   */
  v3FunctionUrl(node: ts.NewExpression): DeclaredEndpoint[] {
    const constructor = skipOuterExpressions(node.expression);
    if (!ts.isPropertyAccessExpression(constructor) || constructor.name.text !== 'Function' || !/\bsst\.aws\.Function$/.test(constructor.getText(this.file.sourceFile))) return [];
    const options = node.arguments?.[1] && this.value(node.arguments[1]);
    if (!options || !ts.isObjectLiteralExpression(options)) return [];
    const url = property(options, 'url');
    const urlValue = url && this.value(url.value);
    if (!url || !urlValue || urlValue.kind === ts.SyntaxKind.FalseKeyword) return [];
    const fn = this.v3Handler(options);
    if (!fn) return [];
    const authorization = ts.isObjectLiteralExpression(urlValue) ? propertyValue(urlValue, 'authorization') : undefined;
    const authorizers: DeclaredAuthorizer[] =
      authorization && ts.isStringLiteralLike(authorization) && authorization.text === 'iam'
        ? [this.declared('iam', url.node)]
        : [];
    return [{ configFile: this.file.path, ...fn, method: 'ALL', path: '/{proxy+}', authorizers }];
  }

  /** `'src/get.main'`, `{ handler: 'src/get.main', link: [...] }`, or a name bound to `new sst.aws.Function(..., { handler })`. */
  private v3Handler(expression: ts.Expression): { module: string; exportName: string } | undefined {
    const value = this.value(expression);
    if (!value) return undefined;
    if (ts.isStringLiteralLike(value)) return splitHandler(value.text, this.root);
    if (ts.isObjectLiteralExpression(value)) {
      const handler = propertyValue(value, 'handler');
      return handler ? this.v3Handler(handler) : undefined;
    }
    if (ts.isNewExpression(value) && value.arguments?.[1]) return this.v3Handler(value.arguments[1]);
    return undefined;
  }

  /** A route's `auth` args: `{ iam: true }`, `{ jwt: {...} }`, `{ lambda: id }`, `{ cognito: {...} }`; `false` or `{}` is none. */
  private v3Auth(args: ts.Expression): DeclaredAuthorizer[] | undefined {
    const object = this.value(args);
    if (!object || !ts.isObjectLiteralExpression(object)) return undefined;
    const auth = property(object, 'auth');
    return auth ? this.v3AuthValue(auth.node, auth.value) : undefined;
  }

  private v3AuthValue(at: ts.Node, expression: ts.Expression): DeclaredAuthorizer[] {
    const value = this.value(expression);
    if (!value || !ts.isObjectLiteralExpression(value)) return [];
    const found: DeclaredAuthorizer[] = [];
    for (const element of value.properties) {
      const name = element.name && propertyNameText(element.name);
      const kind = name ? own(V3_AUTH_KEYS, name) : undefined;
      // `iam: false` turns IAM off.
      if (!kind || (ts.isPropertyAssignment(element) && element.initializer.kind === ts.SyntaxKind.FalseKeyword)) continue;
      found.push(this.declared(kind, element, undefined, at));
    }
    return found;
  }

  /** `transform: { route: { args: { auth } } }` (or a function that sets `args.auth`) in the API's own args. */
  private v3DefaultAuth(api: ts.NewExpression): { authorizers: DeclaredAuthorizer[]; overrides: boolean } | undefined {
    const options = api.arguments?.[1] && this.value(api.arguments[1]);
    const transform = options && ts.isObjectLiteralExpression(options) ? propertyValue(options, 'transform') : undefined;
    const transformObject = transform && this.value(transform);
    const route = transformObject && ts.isObjectLiteralExpression(transformObject) ? propertyValue(transformObject, 'route') : undefined;
    const routeObject = route && this.value(route);
    const args = routeObject && ts.isObjectLiteralExpression(routeObject) ? propertyValue(routeObject, 'args') : undefined;
    const argsValue = args && this.value(args);
    if (!argsValue) return undefined;
    if (ts.isObjectLiteralExpression(argsValue)) {
      const auth = property(argsValue, 'auth');
      return auth ? { authorizers: this.v3AuthValue(auth.node, auth.value), overrides: true } : undefined;
    }
    if (!ts.isArrowFunction(argsValue) && !ts.isFunctionExpression(argsValue)) return undefined;
    const parameter = argsValue.parameters[0];
    if (!parameter || !ts.isIdentifier(parameter.name)) return undefined;
    const argsName = parameter.name.text;
    let found: { authorizers: DeclaredAuthorizer[]; overrides: boolean } | undefined;
    const visit = (node: ts.Node): void => {
      if (found) return;
      if (ts.isBinaryExpression(node) && ts.isPropertyAccessExpression(node.left) && node.left.name.text === 'auth' && ts.isIdentifier(node.left.expression) && node.left.expression.text === argsName) {
        const operator = node.operatorToken.kind;
        if (operator === ts.SyntaxKind.EqualsToken || operator === ts.SyntaxKind.QuestionQuestionEqualsToken) {
          found = { authorizers: this.v3AuthValue(node, node.right), overrides: operator === ts.SyntaxKind.EqualsToken };
          return;
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(argsValue.body);
    return found;
  }

  /** `new Api(stack, 'Api', {...})` with `Api` imported from sst/constructs (v2) or @serverless-stack/resources (v1). */
  isV2Api(node: ts.NewExpression): boolean {
    const callee = skipOuterExpressions(node.expression);
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
    if (name !== 'Api' && name !== 'ApiGatewayV1Api') return false;
    const root = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) ? callee.expression.text : undefined;
    const binding = root ? this.context.modules.resolveName(this.file, root) : undefined;
    return binding?.kind === 'external' && /^(?:sst\/constructs|@serverless-stack\/resources)$/.test(binding.module);
  }

  /** `api.addRoutes(stack, { 'GET /x': ... })` on a v2 `Api`. */
  v2AddRoutes(call: ts.CallExpression): DeclaredEndpoint[] {
    const api = this.value((call.expression as ts.PropertyAccessExpression).expression);
    if (!api || !ts.isNewExpression(api) || !this.isV2Api(api)) return [];
    const routes = call.arguments[1] && this.value(call.arguments[1]);
    return routes && ts.isObjectLiteralExpression(routes) ? this.v2RouteTable(api, routes) : [];
  }

  v2Routes(api: ts.NewExpression): DeclaredEndpoint[] {
    const options = this.v2Options(api);
    const routes = options ? propertyValue(options, 'routes') : undefined;
    const table = routes && this.value(routes);
    return table && ts.isObjectLiteralExpression(table) ? this.v2RouteTable(api, table) : [];
  }

  private v2Options(api: ts.NewExpression): ts.ObjectLiteralExpression | undefined {
    const options = api.arguments?.[2] && this.value(api.arguments[2]);
    return options && ts.isObjectLiteralExpression(options) ? options : undefined;
  }

  private v2RouteTable(api: ts.NewExpression, table: ts.ObjectLiteralExpression): DeclaredEndpoint[] {
    const endpoints: DeclaredEndpoint[] = [];
    const options = this.v2Options(api);
    const defaults = options && propertyValue(options, 'defaults');
    const defaultsObject = defaults && this.value(defaults);
    const defaultAuthorizer = (defaultsObject && ts.isObjectLiteralExpression(defaultsObject) ? property(defaultsObject, 'authorizer') : undefined) ?? (options ? (property(options, 'defaultAuthorizationType') ?? property(options, 'defaultAuthorizer')) : undefined);
    for (const element of table.properties) {
      if (!ts.isPropertyAssignment(element)) continue;
      const key = propertyNameText(element.name);
      const route = key ? routeKey(key) : undefined;
      if (!route) continue;
      const value = this.value(element.initializer);
      let fn: { module: string; exportName: string } | undefined;
      let own: { node: ts.Node; value: ts.Expression } | undefined;
      if (value && ts.isObjectLiteralExpression(value)) {
        const target = propertyValue(value, 'function');
        fn = target ? this.v2Function(target) : undefined;
        own = property(value, 'authorizer') ?? property(value, 'authorizationType');
      } else if (value) fn = this.v2Function(value);
      if (!fn) continue;
      const chosen = own ?? defaultAuthorizer;
      const authorizers = chosen ? this.v2Authorizer(chosen, options) : [];
      endpoints.push({ configFile: this.file.path, ...fn, method: route.method, path: route.path, authorizers });
    }
    return endpoints;
  }

  private v2Function(expression: ts.Expression): { module: string; exportName: string } | undefined {
    const value = this.value(expression);
    if (!value) return undefined;
    if (ts.isStringLiteralLike(value)) return splitHandler(value.text, this.root);
    if (ts.isObjectLiteralExpression(value)) {
      const handler = propertyValue(value, 'handler');
      const srcPath = propertyValue(value, 'srcPath');
      const base = srcPath && ts.isStringLiteralLike(srcPath) ? `${this.root ? `${this.root}/` : ''}${srcPath.text}` : this.root;
      const handlerText = handler && this.value(handler);
      return handlerText && ts.isStringLiteralLike(handlerText) ? splitHandler(handlerText.text, base) : undefined;
    }
    // `new Function(stack, 'Get', { handler: 'src/get.main' })`.
    if (ts.isNewExpression(value) && value.arguments?.[2]) return this.v2Function(value.arguments[2]);
    return undefined;
  }

  /** `'iam'`, `'none'`, a name in the API's `authorizers`, or v1's `ApiAuthorizationType.AWS_IAM`. */
  private v2Authorizer(at: { node: ts.Node; value: ts.Expression }, options: ts.ObjectLiteralExpression | undefined): DeclaredAuthorizer[] {
    const value = this.value(at.value);
    const text = value && ts.isStringLiteralLike(value) ? value.text : value && ts.isPropertyAccessExpression(value) ? value.name.text : undefined;
    if (!text) return [];
    let kind = own(V2_AUTHORIZER_TYPES, text);
    let name: string | undefined;
    if (!kind) {
      const declared = options && propertyValue(options, 'authorizers');
      const table = declared && this.value(declared);
      const entry = table && ts.isObjectLiteralExpression(table) ? propertyValue(table, text) : undefined;
      const entryObject = entry && this.value(entry);
      const type = entryObject && ts.isObjectLiteralExpression(entryObject) ? propertyValue(entryObject, 'type') : undefined;
      // An authorizer the API names but whose type is not literal still runs before the function.
      kind = (type && ts.isStringLiteralLike(type) ? V2_AUTHORIZER_TYPES[type.text] : undefined) ?? 'existing';
      name = text;
    }
    if (kind === 'none') return [];
    return [this.declared(kind, at.node, name)];
  }

  /** An authorizer at the config node that declares it (`described` is the text quoted: the whole `auth` value), in whichever file that node is written. */
  private declared(kind: AuthorizerKind, at: ts.Node, name?: string, described: ts.Node = at): DeclaredAuthorizer {
    const file = this.context.modules.fileOf(at)?.path ?? this.file.path;
    return { kind, ...(name ? { name } : {}), file, line: nodePosition(at).line, declaredBy: `${file} ${described.getText(described.getSourceFile()).replace(/\s+/g, ' ').slice(0, 80)}` };
  }

  /** An expression, or what a name holds when it is a const in scope or imported from another scanned file. */
  private value(expression: ts.Expression): ts.Expression | undefined {
    const value = skipOuterExpressions(expression);
    if (!ts.isIdentifier(value)) return value;
    const local = localConstInitializer(value);
    if (local) return skipOuterExpressions(local);
    const bound = bindingValue(this.context.modules.resolveName(this.file, value.text));
    return bound && ts.isExpression(bound) ? bound : value;
  }
}

/** `'GET /notes/{id}'`, `'ANY /'`, `'$default'` -> method and gateway path. */
function routeKey(text: string): { method: DeclaredEndpoint['method']; path: string } | undefined {
  const trimmed = text.trim();
  if (trimmed === '$default') return { method: 'ALL', path: '/{proxy+}' };
  const match = /^(\S+)\s+(\S+)$/.exec(trimmed);
  const method = match ? gatewayMethod(match[1]) : undefined;
  return method && match ? { method, path: gatewayPath(match[2]!) } : undefined;
}

/** A property of an object literal with the node to report (the property itself). */
function property(object: ts.ObjectLiteralExpression, name: string): { node: ts.Node; value: ts.Expression } | undefined {
  for (const element of object.properties) {
    if (ts.isPropertyAssignment(element) && propertyNameText(element.name) === name) return { node: element, value: element.initializer };
    if (ts.isShorthandPropertyAssignment(element) && element.name.text === name) return { node: element, value: element.name };
  }
  return undefined;
}
