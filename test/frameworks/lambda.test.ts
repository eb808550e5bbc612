import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lambdaAdapter } from '../../src/engine/frameworks/lambda/index.js';
import { expressAdapter } from '../../src/engine/frameworks/express/index.js';
import type { Route } from '../../src/engine/routes/route.js';
import { makeProject } from '../helpers/cli.js';
import { inventory, loadRoutes } from '../helpers/routes.js';

const SERVERLESS_APP = path.resolve('fixtures/apps/lambda-serverless');
const SAM_APP = path.resolve('fixtures/apps/lambda-sam');

function route(routes: readonly Route[], id: string): Route {
  const found = routes.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no route ${id} in ${routes.map((r) => r.id).join(', ')}`);
  return found;
}

const middlewareOf = (found: Route) => found.middleware.map((m) => `${m.name} ${m.kind}/${m.scope} ${m.file}:${m.line}`);

describe('lambda adapter: serverless.yml', () => {
  const routes = loadRoutes(SERVERLESS_APP, [lambdaAdapter]);

  it('finds every http/httpApi function at its export, TS and CommonJS, and the typed handler no config names', () => {
    expect(inventory(routes)).toEqual([
      { method: 'POST', path: '/admin/export', file: 'src/admin.ts', line: 4, auth: 'authenticated' },
      { method: 'ALL', path: '/admin/report', file: 'src/admin.ts', line: 4, auth: 'authenticated' },
      { method: 'GET', path: '/health', file: 'src/health.js', line: 3, auth: 'public' },
      { method: 'POST', path: '/legacy/import', file: 'src/legacy.js', line: 3, auth: 'public' },
      { method: 'GET', path: '/orders/{id}', file: 'src/orders.ts', line: 4, auth: 'authenticated' },
      { method: 'GET', path: '/orders', file: 'src/orders.ts', line: 10, auth: 'public' },
      { method: 'DELETE', path: '/orders/{id}', file: 'src/orders.ts', line: 15, auth: 'public' },
      { method: 'GET', path: '/me', file: 'src/profile.ts', line: 4, auth: 'authenticated' },
      { method: 'PUT', path: '/users/{id}', file: 'src/users.ts', line: 13, auth: 'authenticated' },
      { method: 'ALL', path: '(unmapped) src/webhook.ts:handler', file: 'src/webhook.ts', line: 5, auth: 'unknown' },
    ]);
    expect(routes.every((r) => r.framework === 'lambda' && r.kind === 'lambda')).toBe(true);
    expect(route(routes, 'LAMBDA DELETE /orders/{id}').authEvidence).toEqual(['no middleware, guard or in-handler check']);
  });

  it('names routes LAMBDA METHOD /path and resolves the handler function across CommonJS exports', () => {
    expect(route(routes, 'LAMBDA POST /legacy/import').handler?.name).toBe('importOrders');
    expect(route(routes, 'LAMBDA GET /orders').handler?.name).toBe('list');
  });

  it('turns each authorizer into strong auth evidence at the serverless.yml line that attaches it', () => {
    const cognito = route(routes, 'LAMBDA GET /orders/{id}').middleware;
    expect(cognito).toEqual([
      expect.objectContaining({ name: 'authorizer cognito', kind: 'auth', strength: 'strong', scope: 'route', file: 'serverless.yml', line: 24 }),
    ]);
    expect(cognito[0]!.evidence).toBe('API Gateway verifies a Cognito user pool token before invoking the function (http.authorizer type COGNITO_USER_POOLS)');
    expect(middlewareOf(route(routes, 'LAMBDA ALL /admin/report'))).toEqual(['authorizer aws_iam auth/route serverless.yml:49']);
    expect(middlewareOf(route(routes, 'LAMBDA POST /admin/export'))).toEqual(['authorizer api-key auth/route serverless.yml:53']);
    const jwt = route(routes, 'LAMBDA GET /me').middleware[0]!;
    expect(`${jwt.name} ${jwt.file}:${jwt.line}`).toBe("authorizer jwt 'jwtAuthorizer' serverless.yml:60");
    expect(jwt.evidence).toContain('provider.httpApi.authorizers.jwtAuthorizer, serverless.yml:10');
  });

  it('reads middy: the base handler across files, each .use() classified like middleware', () => {
    const users = route(routes, 'LAMBDA PUT /users/{id}');
    expect(users.handler?.name).toBe('updateUser');
    expect(users.middleware.map((m) => `${m.name} ${m.kind}/${m.strength}`)).toEqual(['jwtAuth() auth/strong', 'httpJsonBodyParser() other/strong']);
  });

  it('leaves out schedule/sqs functions and serverless-http bridges (the Express adapter lists the app)', () => {
    expect(routes.some((r) => r.file === 'src/jobs.ts')).toBe(false);
    expect(routes.some((r) => r.file === 'src/app.ts')).toBe(false);
    const withExpress = loadRoutes(SERVERLESS_APP, [expressAdapter, lambdaAdapter]);
    expect(withExpress.filter((r) => r.file === 'src/app.ts').map((r) => r.id)).toEqual(['GET /status']);
  });
});

describe('lambda adapter: SAM template', () => {
  const routes = loadRoutes(SAM_APP, [lambdaAdapter]);

  it('reads CodeUri/Handler (with Globals), Api and HttpApi events, default authorizers and Authorizer: NONE', () => {
    expect(inventory(routes)).toEqual([
      { method: 'POST', path: '/hello', file: 'hello-world/app.mjs', line: 1, auth: 'authenticated' },
      { method: 'GET', path: '/invoices/{id}', file: 'src/handlers/invoices.ts', line: 4, auth: 'authenticated' },
      { method: 'DELETE', path: '/invoices/{id}', file: 'src/handlers/invoices.ts', line: 9, auth: 'authenticated' },
      { method: 'GET', path: '/rates', file: 'src/handlers/rates.ts', line: 3, auth: 'public' },
      { method: 'ALL', path: '/reports', file: 'src/handlers/reports.ts', line: 4, auth: 'public' },
    ]);
  });

  it('locates default authorizers where they are declared (Globals, the API resource), with their kind', () => {
    expect(middlewareOf(route(routes, 'LAMBDA GET /invoices/{id}'))).toEqual(["authorizer cognito 'CognitoAuth' auth/global template.yaml:12"]);
    expect(route(routes, 'LAMBDA GET /invoices/{id}').middleware[0]!.evidence).toBe(
      'API Gateway verifies a Cognito user pool token before invoking the function (Globals.Api.Auth.DefaultAuthorizer CognitoAuth)',
    );
    expect(middlewareOf(route(routes, 'LAMBDA POST /hello'))).toEqual(["authorizer lambda 'PartnerTokenAuth' auth/global template.yaml:93", 'authorizer api-key auth/route template.yaml:97']);
    expect(route(routes, 'LAMBDA GET /rates').middleware).toEqual([]);
  });
});

describe('lambda adapter: projects', () => {
  it('is silent in a project with no Lambda config and no Lambda package', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { express: '^4.19.2' } }),
      'src/handler.ts': 'export const handler = async (event: any) => ({ statusCode: 200, body: event.body });\n',
    });
    expect(loadRoutes(dir, [lambdaAdapter])).toEqual([]);
  });

  it('reads serverless.yml functions kept in a ${file(...)} include, ${self:} variables and literal fallbacks, and skips handlers outside the scan', () => {
    const dir = makeProject({
      'serverless.yml': 'service: x\nprovider:\n  name: aws\ncustom:\n  handlers: handlers\nfunctions: ${file(./functions.yml)}\n',
      'functions.yml': [
        'create:',
        '  handler: ${self:custom.handlers}/create.main',
        '  events:',
        '    - httpApi:',
        '        method: post',
        '        path: /items',
        'list:',
        "  handler: ${opt:prefix, 'handlers/'}list.main",
        '  events:',
        '    - httpApi: GET /items',
        'deployTime:',
        '  handler: ${env:HANDLERS}/list.main',
        '  events:',
        '    - httpApi: GET /deploy-time',
        'missing:',
        '  handler: dist/missing.main',
        '  events:',
        '    - httpApi: GET /missing',
        '',
      ].join('\n'),
      'handlers/create.js': "exports.main = async function (event) {\n  return { statusCode: 201, body: event.body };\n};\n",
      'handlers/list.mjs': 'export async function main() {\n  return { statusCode: 200, body: "[]" };\n}\n',
    });
    expect(inventory(loadRoutes(dir, [lambdaAdapter]))).toEqual([
      { method: 'POST', path: '/items', file: 'handlers/create.js', line: 1, auth: 'public' },
      { method: 'GET', path: '/items', file: 'handlers/list.mjs', line: 1, auth: 'public' },
    ]);
  });

  it('finds handlers written as methods of the exports object, and tells an optional sign-in helper (catches, returns null) from a required one', () => {
    const dir = makeProject({
      'serverless.yml': [
        'service: x',
        'functions:',
        '  getArticle:',
        '    handler: src/Article.get',
        '    events:',
        '      - http: GET /api/articles/{slug}',
        '  updateArticle:',
        '    handler: src/Article.update',
        '    events:',
        '      - http: PUT /api/articles/{slug}',
        '  feed:',
        '    handler: src/Article.feed',
        '    events:',
        '      - http: GET /api/feed',
        '',
      ].join('\n'),
      'src/User.js': [
        "const jwt = require('jsonwebtoken');",
        'module.exports = {',
        '  async authenticateAndGetUser(event) {',
        '    try {',
        "      const decoded = jwt.verify(event.headers.Authorization.replace('Token ', ''), process.env.SECRET);",
        '      return { username: decoded.username };',
        '    } catch (err) {',
        '      return null;',
        '    }',
        '  },',
        '};',
        '',
      ].join('\n'),
      'src/Article.js': [
        "const User = require('./User');",
        'module.exports = {',
        '  async get(event) {',
        '    const user = await User.authenticateAndGetUser(event);',
        '    return { statusCode: 200, body: JSON.stringify({ slug: event.pathParameters.slug, following: Boolean(user) }) };',
        '  },',
        '  async update(event) {',
        '    const user = await User.authenticateAndGetUser(event);',
        "    if (!user) return { statusCode: 401, body: 'Must be logged in.' };",
        '    return { statusCode: 200, body: event.body };',
        '  },',
        '  feed: async function (event) {',
        '    await User.authenticateAndGetUser(event);',
        "    return { statusCode: 200, body: '[]' };",
        '  },',
        '};',
        '',
      ].join('\n'),
    });
    const routes = loadRoutes(dir, [lambdaAdapter]);
    expect(routes.map((r) => `${r.id} ${r.file}:${r.line} ${r.handler?.name} ${r.auth}`)).toEqual([
      'LAMBDA GET /api/articles/{slug} src/Article.js:3 get public',
      'LAMBDA PUT /api/articles/{slug} src/Article.js:7 update authenticated',
      'LAMBDA GET /api/feed src/Article.js:12 feed public',
    ]);
    expect(route(routes, 'LAMBDA PUT /api/articles/{slug}').authEvidence.join(' ')).toMatch(/authenticateAndGetUser \(src\/User\.js:3\)/);
  });

  it('takes the function a wrapper\'s factory returns as the handler (aws-embedded-metrics metricScope)', () => {
    const dir = makeProject({
      'template.yaml': [
        'Transform: AWS::Serverless-2016-10-31',
        'Resources:',
        '  GetTodo:',
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      CodeUri: todo/',
        '      Handler: app.getToDoItem',
        '      Events:',
        '        Get:',
        '          Type: Api',
        '          Properties:',
        '            Path: /item/{id}',
        '            Method: get',
        '',
      ].join('\n'),
      'todo/app.js': [
        "const { metricScope } = require('aws-embedded-metrics');",
        'exports.getToDoItem = metricScope((metrics) => async (event, context) => {',
        "  metrics.setNamespace('TodoApp');",
        '  return { statusCode: 200, body: event.pathParameters.id };',
        '});',
        '',
      ].join('\n'),
    });
    const [found] = loadRoutes(dir, [lambdaAdapter]);
    const parameters = (found!.handler!.node as { parameters: Array<{ name: { getText(): string } }> }).parameters.map((parameter) => parameter.name.getText());
    expect(parameters).toEqual(['event', 'context']);
  });

  it('reads middy().use(...).handler(fn), a middyfy helper, and later handler.use() statements', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { '@middy/core': '^5.0.0', '@middy/http-json-body-parser': '^5.0.0' } }),
      'serverless.yml': [
        'service: x',
        'functions:',
        '  a:',
        '    handler: src/a.handler',
        '    events:',
        '      - http: POST a',
        '  b:',
        '    handler: src/b.main',
        '    events:',
        '      - http: POST b',
        '  c:',
        '    handler: src/c.handler',
        '    events:',
        '      - http: POST c',
        '',
      ].join('\n'),
      'src/auth.ts': "export const requireUser = () => ({ before: async (request: any) => { if (!request.event.headers.authorization) return { statusCode: 401, body: '' }; } });\n",
      'src/a.ts': "import middy from '@middy/core';\nimport { requireUser } from './auth';\nexport const handler = middy().use(requireUser()).handler(async (event: any) => ({ statusCode: 200, body: event.body }));\n",
      'src/lambda.ts': "import middy from '@middy/core';\nimport jsonBodyParser from '@middy/http-json-body-parser';\nexport const middyfy = (handler: any) => middy(handler).use(jsonBodyParser());\n",
      'src/b.ts': "import { middyfy } from './lambda';\nconst create = async (event: any) => ({ statusCode: 201, body: JSON.stringify(event.body) });\nexport const main = middyfy(create);\n",
      'src/c.ts': "import middy from '@middy/core';\nimport { requireUser } from './auth';\nconst base = async (event: any) => ({ statusCode: 200, body: event.body });\nexport const handler = middy(base);\nhandler.use(requireUser());\n",
    });
    const routes = loadRoutes(dir, [lambdaAdapter]);
    expect(routes.map((r) => `${r.id} ${r.handler?.name} [${r.middleware.map((m) => `${m.name}:${m.kind}`).join(', ')}] ${r.auth}`)).toEqual([
      'LAMBDA POST /a <anonymous> [requireUser():auth] authenticated',
      'LAMBDA POST /b create [jsonBodyParser():other] public',
      'LAMBDA POST /c base [requireUser():auth] authenticated',
    ]);
  });

  it('reads a middy helper that holds the chain in a local and adds uses under its options before returning it', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { '@middy/core': '^5.0.0', '@middy/http-json-body-parser': '^5.0.0', '@middy/http-cors': '^5.0.0' } }),
      'serverless.yml': ['service: x', 'functions:', ...['a', 'b', 'c', 'd'].flatMap((name) => [`  ${name}:`, `    handler: src/${name}.handler`, '    events:', `      - http: POST ${name}`]), ''].join('\n'),
      'src/auth.ts': "export const requireUser = () => ({ before: async (request: any) => { if (!request.event.headers.authorization) return { statusCode: 401, body: '' }; } });\n",
      'src/wrap.ts': [
        "import middy from '@middy/core';",
        "import jsonBodyParser from '@middy/http-json-body-parser';",
        "import cors from '@middy/http-cors';",
        "import { requireUser } from './auth';",
        'export function wrap(handler: any, options: any = {}) {',
        '  const wrapped = middy(handler).use(jsonBodyParser());',
        '  if (options.isHttp) {',
        '    wrapped.use([cors()]);',
        '  }',
        '  if (!options.anonymous) wrapped.use(requireUser());',
        '  return wrapped;',
        '}',
        '',
      ].join('\n'),
      'src/a.ts': "import { wrap } from './wrap';\nconst run = async (event: any) => ({ statusCode: 200, body: event.body });\nexport const handler = wrap(run, { isHttp: true });\n",
      'src/b.ts': "import { wrap } from './wrap';\nconst run = async (event: any) => ({ statusCode: 200, body: event.body });\nexport const handler = wrap(run, { anonymous: true });\n",
      'src/c.ts': "import { wrap } from './wrap';\nconst run = async (event: any) => ({ statusCode: 200, body: event.body });\nexport const handler = wrap(run);\n",
      'src/d.ts': "import { wrap } from './wrap';\nconst run = async (event: any) => ({ statusCode: 200, body: event.body });\nconst settings = { anonymous: true };\nexport const handler = wrap(run, settings);\n",
    });
    const routes = loadRoutes(dir, [lambdaAdapter]);
    expect(routes.map((r) => `${r.id} ${r.handler?.name} [${r.middleware.map((m) => `${m.name}:${m.kind}`).join(', ')}] ${r.auth}`)).toEqual([
      'LAMBDA POST /a run [jsonBodyParser():other, cors():other, requireUser():auth] authenticated',
      'LAMBDA POST /b run [jsonBodyParser():other] public',
      'LAMBDA POST /c run [jsonBodyParser():other, requireUser():auth] authenticated',
      // Options the helper is given through a name: nothing here decides them, so the use counts.
      'LAMBDA POST /d run [jsonBodyParser():other, cors():other, requireUser():auth] authenticated',
    ]);
  });

  it('knows middy 0.x middleware from middy/middlewares and middy\'s config loaders as checking no caller', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { middy: '^0.36.0', '@middy/core': '^5.0.0', '@middy/appconfig': '^5.0.0' } }),
      'serverless.yml': ['service: x', 'functions:', '  a:', '    handler: src/a.handler', '    events:', '      - http: GET a', '  b:', '    handler: src/b.handler', '    events:', '      - http: GET b', ''].join('\n'),
      'src/a.js': "const middy = require('middy');\nconst { ssm, secretsManager, validator } = require('middy/middlewares');\nconst page = async (event) => ({ statusCode: 200, body: 'hi' });\nmodule.exports.handler = middy(page).use(ssm({ cache: true })).use(secretsManager({ secrets: {} })).use(validator({ inputSchema: {} }));\n",
      'src/b.ts': "import middy from '@middy/core';\nimport appConfig from '@middy/appconfig';\nexport const handler = middy(async () => ({ statusCode: 200, body: '' })).use(appConfig({ fetchData: {} }));\n",
    });
    const routes = loadRoutes(dir, [lambdaAdapter]);
    expect(routes.map((r) => `${r.id} [${r.middleware.map((m) => `${m.name.replace(/\(.*/, '')}:${m.kind}/${m.strength}`).join(', ')}] ${r.auth}`)).toEqual([
      'LAMBDA GET /a [ssm:other/strong, secretsManager:other/strong, validator:validation/strong] public',
      'LAMBDA GET /b [appConfig:other/strong] public',
    ]);
  });

  it('gives an unmapped handler that reads the authorizer\'s claims an unknown status, and leaves framework bridges in handler bodies and helpers the project calls out', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ devDependencies: { '@types/aws-lambda': '^8.10.0' }, dependencies: { 'apollo-server-lambda': '^3.0.0' } }),
      'src/mine.ts': "import type { APIGatewayProxyEvent } from 'aws-lambda';\nexport const handler = async (event: APIGatewayProxyEvent) => ({ statusCode: 200, body: event.requestContext.authorizer?.claims.sub });\n",
      'src/legacy.js': "const execute = async (event) => ({ statusCode: 200, body: event.body });\nmodule.exports.execute = execute;\n",
      'src/cjs.ts': "import type { APIGatewayProxyHandler } from 'aws-lambda';\nconst execute: APIGatewayProxyHandler = async (event) => ({ statusCode: 200, body: event.body ?? '' });\nmodule.exports.execute = execute;\n",
      'src/typed.ts': "import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';\nexport async function handler(event: APIGatewayProxyEventV2WithJWTAuthorizer) {\n  return { statusCode: 200 };\n}\n",
      'src/open.ts': "import type { APIGatewayProxyEvent } from 'aws-lambda';\nimport { bodyOf } from './helpers';\nexport const handler = async (event: APIGatewayProxyEvent) => ({ statusCode: 200, body: bodyOf(event) });\n",
      // Takes the event but is called by the project's code: a helper, not an entry point.
      'src/helpers.ts': "import type { APIGatewayProxyEvent } from 'aws-lambda';\nexport function bodyOf(event: APIGatewayProxyEvent) {\n  return event.body;\n}\n",
      'src/graphql.ts': "import type { APIGatewayProxyHandler } from 'aws-lambda';\nimport { ApolloServer } from 'apollo-server-lambda';\nconst server = new ApolloServer({});\nexport const handler: APIGatewayProxyHandler = (event, context, callback) => server.createHandler()(event, context, callback);\n",
    });
    const routes = loadRoutes(dir, [lambdaAdapter]);
    expect(routes.map((r) => `${r.id} ${r.auth}`)).toEqual([
      'LAMBDA ALL (unmapped) src/cjs.ts:execute unknown',
      'LAMBDA ALL (unmapped) src/mine.ts:handler unknown',
      'LAMBDA ALL (unmapped) src/open.ts:handler unknown',
      'LAMBDA ALL (unmapped) src/typed.ts:handler unknown',
    ]);
    // Where they are exposed, and behind which authorizer, is outside the scan: unmounted handlers, injection only.
    expect(routes.every((found) => found.unmounted === true)).toBe(true);
    expect(route(routes, 'LAMBDA ALL (unmapped) src/typed.ts:handler').authEvidence).toEqual(['not mounted where trustscan can see it']);
  });

  it('reads serverless.ts: the exported object, functions imported from their folders, ${handlerPath(__dirname)} handler paths', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ devDependencies: { '@serverless/typescript': '^3.0.0', '@types/aws-lambda': '^8.10.0' } }),
      'serverless.ts': [
        "import type { AWS } from '@serverless/typescript';",
        "import { hello, secret } from './src/functions';",
        'const serverlessConfiguration: AWS = {',
        "  service: 'x',",
        "  provider: { name: 'aws', httpApi: { authorizers: { jwtAuth: { type: 'jwt', issuerUrl: 'https://issuer', audience: ['a'] } } } },",
        '  functions: { hello, secret },',
        '};',
        'module.exports = serverlessConfiguration;',
        '',
      ].join('\n'),
      'src/functions/index.ts': "export { default as hello } from './hello';\nexport { default as secret } from './secret';\n",
      'src/libs/handler-resolver.ts': "export const handlerPath = (context: string) => `${context.split(process.cwd())[1].substring(1).replace(/\\\\/g, '/')}`;\n",
      'src/functions/hello/index.ts': "import { handlerPath } from '../../libs/handler-resolver';\nexport default {\n  handler: `${handlerPath(__dirname)}/handler.main`,\n  events: [{ http: { method: 'post', path: 'hello' } }],\n};\n",
      'src/functions/hello/handler.ts': "import type { APIGatewayProxyEvent } from 'aws-lambda';\nexport const main = async (event: APIGatewayProxyEvent) => ({ statusCode: 200, body: event.body ?? '' });\n",
      'src/functions/secret/index.ts': "import { handlerPath } from '../../libs/handler-resolver';\nexport default {\n  handler: `${handlerPath(__dirname)}/handler.main`,\n  events: [\n    {\n      httpApi: { method: 'get', path: '/secret', authorizer: { name: 'jwtAuth' } },\n    },\n  ],\n};\n",
      'src/functions/secret/handler.ts': "import type { APIGatewayProxyEventV2 } from 'aws-lambda';\nexport const main = async (event: APIGatewayProxyEventV2) => ({ statusCode: 200, body: event.rawPath });\n",
    });
    const routes = loadRoutes(dir, [lambdaAdapter]);
    expect(routes.map((r) => `${r.id} ${r.file}:${r.line} ${r.auth} [${r.middleware.map((m) => `${m.name} ${m.file}:${m.line}`).join(', ')}]`)).toEqual([
      'LAMBDA POST /hello src/functions/hello/handler.ts:2 public []',
      "LAMBDA GET /secret src/functions/secret/handler.ts:2 authenticated [authorizer jwt 'jwtAuth' src/functions/secret/index.ts:6]",
    ]);
  });

  it('reads CDK REST and HTTP APIs wired to NodejsFunction / Function constructs', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { 'aws-cdk-lib': '^2.150.0', constructs: '^10.0.0' } }),
      'cdk.json': JSON.stringify({ app: 'npx ts-node bin/app.ts' }),
      'lib/api-stack.ts': [
        "import * as path from 'node:path';",
        "import { Stack } from 'aws-cdk-lib';",
        "import * as lambda from 'aws-cdk-lib/aws-lambda';",
        "import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';",
        "import { RestApi, LambdaIntegration, CognitoUserPoolsAuthorizer, AuthorizationType } from 'aws-cdk-lib/aws-apigateway';",
        "import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';",
        "import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';",
        "import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';",
        'export class ApiStack extends Stack {',
        '  constructor(scope: any, id: string) {',
        '    super(scope, id);',
        "    const getOrder = new NodejsFunction(this, 'GetOrder', { entry: path.join(__dirname, '../src/orders.ts'), handler: 'get' });",
        "    const legacy = new lambda.Function(this, 'Legacy', { runtime: lambda.Runtime.NODEJS_20_X, code: lambda.Code.fromAsset('src'), handler: 'legacy.handler' });",
        "    const api = new RestApi(this, 'Api');",
        "    const auth = new CognitoUserPoolsAuthorizer(this, 'Auth', { cognitoUserPools: [] });",
        "    const orders = api.root.addResource('orders');",
        "    orders.addResource('{id}').addMethod('GET', new LambdaIntegration(getOrder), { authorizer: auth, authorizationType: AuthorizationType.COGNITO });",
        "    orders.addMethod('POST', new LambdaIntegration(legacy));",
        "    const httpApi = new HttpApi(this, 'Http', { defaultAuthorizer: new HttpJwtAuthorizer('Jwt', 'https://issuer', { jwtAudience: ['a'] }) });",
        "    httpApi.addRoutes({ path: '/legacy', methods: [HttpMethod.DELETE], integration: new HttpLambdaIntegration('LegacyInt', legacy) });",
        '  }',
        '}',
        '',
      ].join('\n'),
      'src/orders.ts': 'export const get = async (event: any) => ({ statusCode: 200, body: event.pathParameters.id });\n',
      'src/legacy.js': 'exports.handler = async (event) => ({ statusCode: 200, body: event.body });\n',
    });
    const routes = loadRoutes(dir, [lambdaAdapter]);
    expect(routes.map((r) => `${r.id} ${r.file}:${r.line} ${r.auth} [${r.middleware.map((m) => `${m.name} ${m.file}:${m.line}`).join(', ')}]`)).toEqual([
      'LAMBDA DELETE /legacy src/legacy.js:1 authenticated [authorizer jwt lib/api-stack.ts:19]',
      'LAMBDA POST /orders src/legacy.js:1 public []',
      'LAMBDA GET /orders/{id} src/orders.ts:1 authenticated [authorizer cognito lib/api-stack.ts:17]',
    ]);
  });

  it('reads endpoints a plain CloudFormation template wires by hand: REST methods on resource chains, HTTP API routes, inline OpenAPI bodies', () => {
    const handler = (name: string) => `import type { APIGatewayProxyEvent } from 'aws-lambda';\nexport const ${name} = async (event: APIGatewayProxyEvent) => ({ statusCode: 200, body: JSON.stringify(event.pathParameters) });\n`;
    const template = [
      'AWSTemplateFormatVersion: "2010-09-09"',
      'Resources:',
      '  OrdersFunction:',
      '    Type: AWS::Lambda::Function',
      '    Properties:',
      '      Code: ./functions',
      '      Handler: orders.get',
      '  AdminFunction:',
      '    Type: AWS::Lambda::Function',
      '    Properties:',
      '      Code: functions/',
      '      Handler: admin.handler',
      '  ArchivedFunction:',
      '    Type: AWS::Lambda::Function',
      '    Properties:',
      '      Code: { S3Bucket: builds, S3Key: archived.zip }',
      '      Handler: archived.handler',
      '  Api:',
      '    Type: AWS::ApiGateway::RestApi',
      '    Properties: { Name: shop }',
      '  OrdersResource:',
      '    Type: AWS::ApiGateway::Resource',
      '    Properties: { RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: orders }',
      '  OrderResource:',
      '    Type: AWS::ApiGateway::Resource',
      '    Properties: { RestApiId: !Ref Api, ParentId: !Ref OrdersResource, PathPart: "{id}" }',
      '  UserPoolAuthorizer:',
      '    Type: AWS::ApiGateway::Authorizer',
      '    Properties: { Type: COGNITO_USER_POOLS, RestApiId: !Ref Api, Name: pool }',
      '  GetOrder:',
      '    Type: AWS::ApiGateway::Method',
      '    Properties:',
      '      RestApiId: !Ref Api',
      '      ResourceId: !Ref OrderResource',
      '      HttpMethod: GET',
      '      AuthorizationType: COGNITO_USER_POOLS',
      '      AuthorizerId: !Ref UserPoolAuthorizer',
      '      Integration:',
      '        Type: AWS_PROXY',
      '        IntegrationHttpMethod: POST',
      "        Uri: !Sub 'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${OrdersFunction.Arn}/invocations'",
      '  DeleteOrder:',
      '    Type: AWS::ApiGateway::Method',
      '    Properties:',
      '      RestApiId: !Ref Api',
      '      ResourceId: !Ref OrderResource',
      '      HttpMethod: DELETE',
      '      AuthorizationType: NONE',
      '      Integration:',
      '        Type: AWS_PROXY',
      '        Uri:',
      "          Fn::Join: ['', ['arn:aws:apigateway:', !Ref 'AWS::Region', ':lambda:path/2015-03-31/functions/', !GetAtt AdminFunction.Arn, '/invocations']]",
      '  ArchivedMethod:',
      '    Type: AWS::ApiGateway::Method',
      '    Properties:',
      '      ResourceId: !Ref OrdersResource',
      '      HttpMethod: GET',
      '      AuthorizationType: NONE',
      "      Integration: { Type: AWS_PROXY, Uri: !Sub 'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${ArchivedFunction.Arn}/invocations' }",
      '  HttpApi:',
      '    Type: AWS::ApiGatewayV2::Api',
      '    Properties:',
      '      ProtocolType: HTTP',
      '      Body:',
      '        openapi: "3.0.1"',
      '        security: [{ jwtAuth: [] }]',
      '        components:',
      '          securitySchemes:',
      '            jwtAuth:',
      '              type: oauth2',
      '              x-amazon-apigateway-authorizer: { type: jwt, jwtConfiguration: { issuer: "https://issuer" } }',
      '        paths:',
      '          /reports:',
      '            get:',
      "              x-amazon-apigateway-integration: { type: aws_proxy, uri: !GetAtt AdminFunction.Arn, payloadFormatVersion: '2.0' }",
      '          /$default:',
      '            x-amazon-apigateway-any-method:',
      "              x-amazon-apigateway-integration: { type: aws_proxy, uri: !GetAtt AdminFunction.Arn }",
      '          /status:',
      '            get:',
      '              security: []',
      "              x-amazon-apigateway-integration: { type: aws_proxy, uri: !GetAtt OrdersFunction.Arn }",
      '  AdminIntegration:',
      '    Type: AWS::ApiGatewayV2::Integration',
      '    Properties: { ApiId: !Ref HttpApi, IntegrationType: AWS_PROXY, IntegrationUri: !GetAtt AdminFunction.Arn }',
      '  AdminRoute:',
      '    Type: AWS::ApiGatewayV2::Route',
      '    Properties:',
      '      ApiId: !Ref HttpApi',
      "      RouteKey: 'POST /admin/export'",
      '      AuthorizationType: AWS_IAM',
      '      Target: !Sub integrations/${AdminIntegration}',
      '  OpenRoute:',
      '    Type: AWS::ApiGatewayV2::Route',
      '    Properties:',
      '      ApiId: !Ref HttpApi',
      "      RouteKey: 'GET /admin/ping'",
      "      Target: !Join ['/', [integrations, !Ref AdminIntegration]]",
      '',
    ].join('\n');
    const dir = makeProject({
      'package.json': JSON.stringify({ devDependencies: { '@types/aws-lambda': '^8.10.0' } }),
      'template.yaml': template,
      'functions/orders.ts': handler('get'),
      'functions/admin.ts': handler('handler'),
      'functions/archived.ts': handler('handler'),
    });
    const routes = loadRoutes(dir, [lambdaAdapter]);
    expect(routes.map((r) => `${r.id} ${r.file}:${r.line} ${r.auth} [${middlewareOf(r).join('; ')}]`).sort()).toEqual([
      'LAMBDA DELETE /orders/{id} functions/admin.ts:2 public []',
      'LAMBDA GET /admin/ping functions/admin.ts:2 public []',
      "LAMBDA ALL /* functions/admin.ts:2 authenticated [authorizer jwt 'jwtAuth' auth/route template.yaml:66]",
      'LAMBDA GET /orders/{id} functions/orders.ts:2 authenticated [authorizer cognito \'UserPoolAuthorizer\' auth/route template.yaml:36]',
      'LAMBDA GET /reports functions/admin.ts:2 authenticated [authorizer jwt \'jwtAuth\' auth/route template.yaml:66]',
      'LAMBDA GET /status functions/orders.ts:2 public []',
      'LAMBDA POST /admin/export functions/admin.ts:2 authenticated [authorizer aws_iam auth/route template.yaml:91]',
      // The archived function's code is in S3: nothing in the repository to point at.
      'LAMBDA ALL (unmapped) functions/archived.ts:handler functions/archived.ts:2 unknown []',
    ].sort());
  });

  it('reads a SAM API\'s OpenAPI DefinitionBody once per operation its function events also declare, with the body\'s authorizers', () => {
    const template = [
      'Transform: AWS::Serverless-2016-10-31',
      'Resources:',
      '  ShopApi:',
      '    Type: AWS::Serverless::Api',
      '    Properties:',
      '      StageName: prod',
      '      DefinitionBody:',
      '        swagger: "2.0"',
      '        securityDefinitions:',
      '          UserPool: { type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: cognito_user_pools }',
      '        paths:',
      '          /carts/{id}:',
      '            get:',
      '              security: [{ UserPool: [] }]',
      "              x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: !Sub 'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${CartFunction.Arn}/invocations' }",
      '  CartFunction:',
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      CodeUri: src/',
      '      Handler: cart.handler',
      '      Events:',
      '        GetCart: { Type: Api, Properties: { RestApiId: !Ref ShopApi, Path: "/carts/{id}", Method: get } }',
      '',
    ].join('\n');
    const dir = makeProject({
      'package.json': JSON.stringify({ devDependencies: { '@types/aws-lambda': '^8.10.0' } }),
      'template.yaml': template,
      'src/cart.ts': "import type { APIGatewayProxyEvent } from 'aws-lambda';\nexport const handler = async (event: APIGatewayProxyEvent) => ({ statusCode: 200, body: event.pathParameters?.id ?? '' });\n",
    });
    const routes = loadRoutes(dir, [lambdaAdapter]);
    expect(routes.map((r) => `${r.id} ${r.auth} [${middlewareOf(r).join('; ')}]`)).toEqual(["LAMBDA GET /carts/{id} authenticated [authorizer cognito 'UserPool' auth/route template.yaml:14]"]);
  });
});

describe('lambda adapter: SST apps', () => {
  const handlers = {
    'packages/functions/src/notes.ts': [
      "import { Util } from '@notes/core/util';",
      'export const list = Util.handler(async (event) => JSON.stringify(event.requestContext.authorizer?.iam.cognitoIdentity.identityId));',
      'export const get = Util.handler(async (event) => JSON.stringify(event.pathParameters?.id));',
      'export const health = async () => ({ statusCode: 200, body: "ok" });',
      '',
    ].join('\n'),
    'packages/core/src/util.ts': [
      "import type { APIGatewayProxyEvent } from 'aws-lambda';",
      'export module Util {',
      '  export function handler(lambda: (event: APIGatewayProxyEvent) => Promise<string>) {',
      '    return async function (event: APIGatewayProxyEvent) {',
      '      return { statusCode: 200, body: await lambda(event) };',
      '    };',
      '  }',
      '}',
      '',
    ].join('\n'),
  };

  it('reads SST v3 ApiGatewayV2 routes in files sst.config.ts imports, with transform.route.args auth as the default and the route\'s own auth, routes added in a file that imports the API, and function URLs', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ devDependencies: { sst: '^3.0.0' } }),
      'sst.config.ts': 'export default $config({ app() { return { name: "notes" }; }, async run() { await import("./infra/api"); } });\n',
      'infra/api.ts': [
        'export const api = new sst.aws.ApiGatewayV2("Api", {',
        '  transform: { route: { handler: { link: [] }, args: (args) => { args.auth ??= { iam: true }; } } },',
        '});',
        'api.route("GET /notes", "packages/functions/src/notes.list");',
        'api.route("GET /notes/{id}", { handler: "packages/functions/src/notes.get" }, { auth: { jwt: { authorizer: "x" } } });',
        'api.route("GET /health", "packages/functions/src/notes.health", { auth: false });',
        '',
      ].join('\n'),
      'infra/open.ts': [
        'const open = new sst.aws.ApiGatewayV2("Open");',
        'open.route("ANY /notes/{id}", "packages/functions/src/notes.get");',
        '',
      ].join('\n'),
      'infra/more.ts': [
        'import { api } from "./api";',
        'api.route("DELETE /notes/{id}", "packages/functions/src/notes.get");',
        '',
      ].join('\n'),
      'infra/urls.ts': [
        'new sst.aws.Function("Hook", { handler: "packages/functions/src/notes.health", url: true });',
        'new sst.aws.Function("Signed", { handler: "packages/functions/src/notes.list", url: { authorization: "iam" } });',
        'new sst.aws.Function("Worker", { handler: "packages/functions/src/notes.get" });',
        '',
      ].join('\n'),
      ...handlers,
    });
    const routes = loadRoutes(dir, [lambdaAdapter]);
    expect(routes.map((r) => `${r.id} ${r.file}:${r.line} ${r.auth} [${r.middleware.map((m) => `${m.name} ${m.file}:${m.line}`).join(', ')}]`)).toEqual([
      'LAMBDA GET /notes packages/functions/src/notes.ts:2 authenticated [authorizer aws_iam infra/api.ts:2]',
      'LAMBDA ALL /{proxy+} packages/functions/src/notes.ts:2 authenticated [authorizer aws_iam infra/urls.ts:2]',
      'LAMBDA ALL /notes/{id} packages/functions/src/notes.ts:3 public []',
      'LAMBDA DELETE /notes/{id} packages/functions/src/notes.ts:3 authenticated [authorizer aws_iam infra/api.ts:2]',
      'LAMBDA GET /notes/{id} packages/functions/src/notes.ts:3 authenticated [authorizer jwt infra/api.ts:5]',
      'LAMBDA GET /health packages/functions/src/notes.ts:4 public []',
      'LAMBDA ALL /{proxy+} packages/functions/src/notes.ts:4 public []',
    ]);
    // The wrapper's argument is the code that reads the event.
    expect(route(routes, 'LAMBDA GET /notes').handler).toBeDefined();
  });

  it('an SST v3 transform.route.args object replaces the route\'s own auth', () => {
    const dir = makeProject({
      'sst.config.ts': 'export default $config({ async run() { await import("./infra/api"); } });\n',
      'infra/api.ts': [
        'export const api = new sst.aws.ApiGatewayV2("Api", { transform: { route: { args: { auth: { iam: true } } } } });',
        'api.route("GET /health", "packages/functions/src/notes.health", { auth: false });',
        '',
      ].join('\n'),
      ...handlers,
    });
    const routes = loadRoutes(dir, [lambdaAdapter]);
    expect(routes.map((r) => `${r.id} ${r.auth}`)).toEqual(['LAMBDA GET /health authenticated']);
  });

  it('reads SST v2 Api constructs: defaults.authorizer, named authorizers, authorizer: "none", addRoutes and Function constructs', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ devDependencies: { sst: '^2.40.0' } }),
      'sst.config.ts': 'import { ApiStack } from "./stacks/ApiStack";\nexport default { config() { return { name: "notes" }; }, stacks(app) { app.stack(ApiStack); } };\n',
      'stacks/ApiStack.ts': [
        'import { Api, Function, StackContext } from "sst/constructs";',
        'export function ApiStack({ stack }: StackContext) {',
        '  const api = new Api(stack, "Api", {',
        '    authorizers: { pool: { type: "user_pool", userPool: { id: "x", clientIds: [] } } },',
        '    defaults: { authorizer: "iam" },',
        '    routes: {',
        '      "GET /notes": "packages/functions/src/notes.list",',
        '      "GET /health": { function: "packages/functions/src/notes.health", authorizer: "none" },',
        '      "GET /notes/{id}": { function: { handler: "packages/functions/src/notes.get" }, authorizer: "pool" },',
        '    },',
        '  });',
        '  const open = new Api(stack, "Open");',
        '  open.addRoutes(stack, { "POST /notes": new Function(stack, "Create", { handler: "packages/functions/src/notes.get" }) });',
        '}',
        '',
      ].join('\n'),
      ...handlers,
    });
    const routes = loadRoutes(dir, [lambdaAdapter]);
    expect(routes.map((r) => `${r.id} ${r.auth} [${r.middleware.map((m) => `${m.name} ${m.file}:${m.line}`).join(', ')}]`)).toEqual([
      'LAMBDA GET /notes authenticated [authorizer aws_iam stacks/ApiStack.ts:5]',
      'LAMBDA POST /notes public []',
      "LAMBDA GET /notes/{id} authenticated [authorizer cognito 'pool' stacks/ApiStack.ts:9]",
      'LAMBDA GET /health public []',
    ]);
  });
});
