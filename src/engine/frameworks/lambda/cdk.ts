import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { nodePosition, propertyNameText, propertyValue, skipOuterExpressions } from '../../ast/syntax.js';
import { localConstInitializer } from '../../names/index.js';
import type { AdapterContext } from '../adapter.js';
import { dirOf, gatewayMethod, gatewayPath, joinPosix, splitHandler, type AuthorizerKind, type DeclaredAuthorizer, type DeclaredEndpoint } from './endpoints.js';
import { own } from '../../own.js';

/**
 * CDK constructs as data: the function constructs, and what each authorizer construct or
 * `AuthorizationType` member makes API Gateway check. Only literal wiring is read (string
 * literals, `path.join(__dirname, ...)`, names bound to constructs in the same file).
 */
const FUNCTION_CONSTRUCTS = new Set(['NodejsFunction', 'Function']);
const AUTHORIZER_CONSTRUCTS: Readonly<Record<string, AuthorizerKind | 'none'>> = {
  CognitoUserPoolsAuthorizer: 'cognito',
  TokenAuthorizer: 'lambda',
  RequestAuthorizer: 'lambda',
  HttpJwtAuthorizer: 'jwt',
  HttpUserPoolAuthorizer: 'cognito',
  HttpLambdaAuthorizer: 'lambda',
  HttpIamAuthorizer: 'iam',
  HttpNoneAuthorizer: 'none',
};
const AUTHORIZATION_TYPES: Readonly<Record<string, AuthorizerKind | 'none'>> = {
  IAM: 'iam',
  COGNITO: 'cognito',
  CUSTOM: 'lambda',
  NONE: 'none',
};

export function usesCdk(context: AdapterContext): boolean {
  return context.sourceFiles.some((file) => file.text.includes('aws-cdk'));
}

/**
 * REST API methods (`resource.addResource('orders').addMethod('GET', new LambdaIntegration(fn), { authorizer })`,
 * `LambdaRestApi`), HTTP API routes (`httpApi.addRoutes({ path, methods, integration: new HttpLambdaIntegration('x', fn) })`)
 * and the functions they integrate (`NodejsFunction` entry + handler, `Function` code asset + handler).
 */
export function cdkEndpoints(context: AdapterContext): DeclaredEndpoint[] {
  const endpoints: DeclaredEndpoint[] = [];
  for (const file of context.sourceFiles) {
    if (file.outsideScan || !file.text.includes('aws-cdk') || !/\b(?:addMethod|addRoutes|LambdaRestApi)\b/.test(file.text)) continue;
    const stack = new CdkFile(file, appRoot(file, context));
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const method = node.expression.name.text;
        if (method === 'addMethod') endpoints.push(...stack.restMethod(node));
        else if (method === 'addRoutes') endpoints.push(...stack.httpRoutes(node));
      } else if (ts.isNewExpression(node) && constructName(node) === 'LambdaRestApi') endpoints.push(...stack.lambdaRestApi(node));
      ts.forEachChild(node, visit);
    };
    visit(file.sourceFile);
  }
  return endpoints;
}

/** `Code.fromAsset('lambda')` paths are relative to where `cdk` runs: the folder of cdk.json, else of package.json. */
function appRoot(file: ScannedSourceFile, context: AdapterContext): string {
  let best = '';
  const candidates = [...context.textFiles.filter((text) => text.path === 'cdk.json' || text.path.endsWith('/cdk.json')).map((text) => dirOf(text.path)), ...context.packageJsons.keys()];
  for (const dir of candidates) if ((dir === '' || file.path.startsWith(`${dir}/`)) && dir.length >= best.length) best = dir;
  return best;
}

function constructName(node: ts.NewExpression): string | undefined {
  const callee = skipOuterExpressions(node.expression);
  return ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
}

class CdkFile {
  constructor(
    private readonly file: ScannedSourceFile,
    private readonly root: string,
  ) {}

  restMethod(call: ts.CallExpression): DeclaredEndpoint[] {
    const [methodArgument, integration, options] = call.arguments;
    const method = gatewayMethod(methodArgument && ts.isStringLiteralLike(methodArgument) ? methodArgument.text : undefined);
    const resource = (call.expression as ts.PropertyAccessExpression).expression;
    const path = this.resourcePath(resource, 0);
    const fn = integration && this.integratedFunction(integration, 'LambdaIntegration', 0);
    if (!method || path === undefined || !fn) return [];
    const authorizers = this.restAuthorizers(options) ?? this.restAuthorizers(this.apiDefaults(resource)) ?? [];
    return [{ configFile: this.file.path, ...fn, method, path, authorizers }];
  }

  httpRoutes(call: ts.CallExpression): DeclaredEndpoint[] {
    const options = call.arguments[0] && this.value(call.arguments[0]);
    if (!options || !ts.isObjectLiteralExpression(options)) return [];
    const pathNode = propertyValue(options, 'path');
    const path = pathNode && ts.isStringLiteralLike(pathNode) ? pathNode.text : undefined;
    const integration = propertyValue(options, 'integration');
    const fn = integration && this.integratedFunction(integration, 'HttpLambdaIntegration', 1);
    if (path === undefined || !fn) return [];
    const methodsNode = propertyValue(options, 'methods');
    const methods = methodsNode && ts.isArrayLiteralExpression(methodsNode) ? methodsNode.elements.map((element) => gatewayMethod(ts.isPropertyAccessExpression(element) ? element.name.text : undefined)) : [gatewayMethod('any')];
    const own = this.httpAuthorizer(options);
    const receiver = (call.expression as ts.PropertyAccessExpression).expression;
    const api = this.value(receiver);
    const defaults = api && ts.isNewExpression(api) ? api.arguments?.[2] && this.value(api.arguments[2]) : undefined;
    const authorizers = own ?? (defaults && ts.isObjectLiteralExpression(defaults) ? this.httpAuthorizer(defaults, 'defaultAuthorizer') : undefined) ?? [];
    return methods.filter((method) => method !== undefined).map((method) => ({ configFile: this.file.path, ...fn, method: method!, path: gatewayPath(path), authorizers }));
  }

  lambdaRestApi(node: ts.NewExpression): DeclaredEndpoint[] {
    const options = node.arguments?.[2] && this.value(node.arguments[2]);
    if (!options || !ts.isObjectLiteralExpression(options)) return [];
    const handler = propertyValue(options, 'handler');
    const fn = handler && this.functionModule(handler, 0);
    const proxy = propertyValue(options, 'proxy');
    // With `proxy: false` the methods are added one by one (addMethod calls, read above).
    if (!fn || proxy?.kind === ts.SyntaxKind.FalseKeyword) return [];
    const defaults = propertyValue(options, 'defaultMethodOptions');
    return [{ configFile: this.file.path, ...fn, method: 'ALL', path: '/{proxy+}', authorizers: this.restAuthorizers(defaults) ?? [] }];
  }

  /** `api.root.addResource('orders').addResource('{id}')`, through names bound in the same file. */
  private resourcePath(expression: ts.Expression, depth: number): string | undefined {
    if (depth > 20) return undefined;
    const value = skipOuterExpressions(expression);
    if (ts.isPropertyAccessExpression(value) && value.name.text === 'root') return '/';
    if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression)) {
      const argument = value.arguments[0];
      const segment = argument && ts.isStringLiteralLike(argument) ? argument.text : undefined;
      if (segment === undefined) return undefined;
      if (value.expression.name.text === 'addResource' || value.expression.name.text === 'resourceForPath' || value.expression.name.text === 'addProxy') {
        const parent = this.resourcePath(value.expression.expression, depth + 1);
        return parent === undefined ? undefined : gatewayPath(`${parent}/${segment}`);
      }
      return undefined;
    }
    const bound = this.boundValue(value);
    return bound ? this.resourcePath(bound, depth + 1) : undefined;
  }

  /** The RestApi's `defaultMethodOptions` for a resource chain rooted at `api.root`. */
  private apiDefaults(resource: ts.Expression): ts.Expression | undefined {
    let current: ts.Expression | undefined = skipOuterExpressions(resource);
    for (let depth = 0; current && depth < 20; depth++) {
      if (ts.isPropertyAccessExpression(current) && current.name.text === 'root') {
        const api = this.value(current.expression);
        const options = api && ts.isNewExpression(api) ? api.arguments?.[2] && this.value(api.arguments[2]) : undefined;
        return options && ts.isObjectLiteralExpression(options) ? propertyValue(options, 'defaultMethodOptions') : undefined;
      }
      if (ts.isCallExpression(current) && ts.isPropertyAccessExpression(current.expression)) current = skipOuterExpressions(current.expression.expression);
      else current = this.boundValue(current);
    }
    return undefined;
  }

  /** `{ authorizer, authorizationType, apiKeyRequired }` of a method (or an API's defaults). Undefined when it says nothing. */
  private restAuthorizers(options: ts.Expression | undefined): DeclaredAuthorizer[] | undefined {
    const object = options && this.value(options);
    if (!object || !ts.isObjectLiteralExpression(object)) return undefined;
    const found: DeclaredAuthorizer[] = [];
    const authorizer = property(object, 'authorizer');
    const type = property(object, 'authorizationType');
    const typeName = type && ts.isPropertyAccessExpression(type.value) ? type.value.name.text : undefined;
    const byConstruct = authorizer ? this.authorizerConstruct(authorizer.value) : undefined;
    const kind = (typeName ? AUTHORIZATION_TYPES[typeName] : undefined) ?? byConstruct ?? (authorizer ? 'existing' : undefined);
    if (kind && kind !== 'none') {
      const at = authorizer ?? type!;
      found.push({ kind, file: this.file.path, line: nodePosition(at.node).line, declaredBy: `${this.file.path} ${at.node.getText(this.file.sourceFile).replace(/\s+/g, ' ').slice(0, 80)}` });
    }
    const apiKey = property(object, 'apiKeyRequired');
    if (apiKey?.value.kind === ts.SyntaxKind.TrueKeyword) found.push({ kind: 'api-key', file: this.file.path, line: nodePosition(apiKey.node).line, declaredBy: 'apiKeyRequired: true' });
    // `authorizationType: NONE` says something (no authorizer), so a default does not apply.
    return found.length > 0 || kind === 'none' ? found : undefined;
  }

  private httpAuthorizer(options: ts.ObjectLiteralExpression, name = 'authorizer'): DeclaredAuthorizer[] | undefined {
    const authorizer = property(options, name);
    if (!authorizer) return undefined;
    const kind = this.authorizerConstruct(authorizer.value) ?? 'existing';
    if (kind === 'none') return [];
    return [{ kind, file: this.file.path, line: nodePosition(authorizer.node).line, declaredBy: `${this.file.path} ${authorizer.node.getText(this.file.sourceFile).replace(/\s+/g, ' ').slice(0, 80)}` }];
  }

  private authorizerConstruct(expression: ts.Expression): AuthorizerKind | 'none' | undefined {
    const value = this.value(expression);
    const name = value && ts.isNewExpression(value) ? constructName(value) : undefined;
    return name ? own(AUTHORIZER_CONSTRUCTS, name) : undefined;
  }

  /** `new LambdaIntegration(fn)` / `new HttpLambdaIntegration('Id', fn)`: the function's module and export. */
  private integratedFunction(expression: ts.Expression, construct: string, argumentIndex: number): { module: string; exportName: string } | undefined {
    const value = this.value(expression);
    if (!value || !ts.isNewExpression(value) || constructName(value) !== construct) return undefined;
    const fn = value.arguments?.[argumentIndex];
    return fn && this.functionModule(fn, 0);
  }

  /** A `NodejsFunction`/`Function` construct's handler module (scan-relative, no extension) and export. */
  private functionModule(expression: ts.Expression, depth: number): { module: string; exportName: string } | undefined {
    const value = depth < 5 ? this.value(expression) : undefined;
    if (!value || !ts.isNewExpression(value)) return undefined;
    const name = constructName(value);
    if (!name || !FUNCTION_CONSTRUCTS.has(name)) return undefined;
    const id = value.arguments?.[1];
    const options = value.arguments?.[2] && this.value(value.arguments[2]);
    if (!options || !ts.isObjectLiteralExpression(options)) return undefined;
    const handlerNode = propertyValue(options, 'handler');
    const handler = handlerNode && ts.isStringLiteralLike(handlerNode) ? handlerNode.text : undefined;
    if (name === 'NodejsFunction') {
      const entryNode = propertyValue(options, 'entry');
      // Without `entry`, NodejsFunction looks for `<stack file>.<construct id>.ts` next to the stack.
      // A literal entry is resolved from where `cdk` runs (the app root), like Code.fromAsset.
      const entry = entryNode ? this.filePath(entryNode, this.root) : id && ts.isStringLiteralLike(id) ? `${this.file.path.replace(/\.[cm]?[jt]sx?$/, '')}.${id.text}` : undefined;
      if (entry === undefined) return undefined;
      // `handler` is an export name, or `file.export` when the entry is an index; default `handler`.
      return { module: entry.replace(/\.[cm]?[jt]sx?$/, ''), exportName: handler?.includes('.') ? handler.split('.').pop()! : handler ?? 'handler' };
    }
    const code = propertyValue(options, 'code');
    const codeCall = code && skipOuterExpressions(code);
    const asset = codeCall && ts.isCallExpression(codeCall) && ts.isPropertyAccessExpression(codeCall.expression) && codeCall.expression.name.text === 'fromAsset' ? codeCall.arguments[0] : undefined;
    const codeDir = asset ? this.filePath(asset, this.root) : undefined;
    return handler && codeDir !== undefined ? splitHandler(handler, codeDir) : undefined;
  }

  /** `'src/x.ts'`, `path.join(__dirname, '../src/x.ts')`, `` `${__dirname}/../src/x.ts` ``, scan-relative. */
  private filePath(expression: ts.Expression, relativeTo = dirOf(this.file.path)): string | undefined {
    const value = skipOuterExpressions(expression);
    if (ts.isStringLiteralLike(value)) return joinPosix(relativeTo, value.text);
    if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && /^(?:join|resolve)$/.test(value.expression.name.text)) {
      const parts: string[] = [];
      for (const argument of value.arguments) {
        const part = skipOuterExpressions(argument);
        if (ts.isIdentifier(part) && part.text === '__dirname') parts.push(`/${dirOf(this.file.path)}`);
        else if (ts.isStringLiteralLike(part)) parts.push(part.text);
        else return undefined;
      }
      const joined = parts[0]?.startsWith('/') ? joinPosix(...parts) : joinPosix(relativeTo, ...parts);
      return joined;
    }
    if (ts.isTemplateExpression(value) && value.head.text === '' && value.templateSpans.length === 1) {
      const span = value.templateSpans[0]!;
      if (ts.isIdentifier(span.expression) && span.expression.text === '__dirname') return joinPosix(dirOf(this.file.path), span.literal.text);
    }
    return undefined;
  }

  /** An expression, or what a name / `this.x` holds when it is bound in this file. */
  private value(expression: ts.Expression): ts.Expression | undefined {
    const value = skipOuterExpressions(expression);
    return this.boundValue(value) ?? value;
  }

  private boundValue(value: ts.Expression): ts.Expression | undefined {
    if (ts.isIdentifier(value)) {
      const initializer = localConstInitializer(value);
      return initializer ? skipOuterExpressions(initializer) : undefined;
    }
    // `this.ordersFn = new NodejsFunction(...)` in the stack's constructor.
    if (ts.isPropertyAccessExpression(value) && value.expression.kind === ts.SyntaxKind.ThisKeyword) {
      let found: ts.Expression | undefined;
      const visit = (node: ts.Node): void => {
        if (found) return;
        if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left) && node.left.expression.kind === ts.SyntaxKind.ThisKeyword && node.left.name.text === value.name.text) {
          found = skipOuterExpressions(node.right);
          return;
        }
        ts.forEachChild(node, visit);
      };
      visit(this.file.sourceFile);
      return found;
    }
    return undefined;
  }
}

/** A property of an object literal with the node to report (the property itself). */
function property(object: ts.ObjectLiteralExpression, name: string): { node: ts.Node; value: ts.Expression } | undefined {
  for (const element of object.properties) {
    if (ts.isPropertyAssignment(element) && propertyNameText(element.name) === name) return { node: element, value: element.initializer };
    if (ts.isShorthandPropertyAssignment(element) && element.name.text === name) return { node: element, value: element.name };
  }
  return undefined;
}
