/**
 * Request sources as data: for each object an entry point receives (an HTTP request, a Koa or Hono
 * context, a Lambda event, a GraphQL or tRPC context), which of its properties and methods hold
 * client input, which hold the authenticated principal, and which are themselves such objects.
 * The dataflow engine (engine/dataflow/engine.ts) reads these tables; the frameworks' adapters and
 * engine/dataflow/sources.ts decide which handler parameter is which object.
 */

/** The kinds of request-like object: a property read on one is looked up in its table here. */
export const REQUEST_OBJECT_KINDS = ['request', 'koa-context', 'hono-context', 'route-context', 'lambda-event', 'lambda-request-context', 'lambda-caller-identity', 'lambda-context', 'netlify-context', 'app-context', 'trpc-options', 'orpc-options', 'safe-action-options', 'search-params', 'auth-wrapper-context', 'ts-rest-args', 'route-module-args'] as const;
export type RequestObjectKind = (typeof REQUEST_OBJECT_KINDS)[number];

/** Input parts a validation schema can declare fields of (`req.params.id`, a zod `.input()`, a GraphQL field's `args`). */
export type InputBagKind = 'params' | 'query' | 'body' | 'headers' | 'args';

export interface RequestObjectModel {
  /** Property -> the input it holds (query, params, body, headers, cookies, url, files). */
  inputs: Readonly<Record<string, string>>;
  /** Properties holding a bag of named fields a schema can declare: `input.id` is looked up in the route's validation. */
  inputBags?: ReadonlySet<string>;
  /** Method -> the input it returns: `req.get('x')`, `c.req.query('q')`, `await request.json()`. */
  methods: Readonly<Record<string, string>>;
  /** Properties that are request-like objects themselves: `ctx.request`, `event.requestContext`. */
  nested: Readonly<Record<string, RequestObjectKind>>;
  /** Properties set by authentication, never by the client: `req.user`, `ctx.session`, `requestContext.authorizer`. */
  principal: ReadonlySet<string>;
  /** Property names set by authentication by their shape, beyond the list (`cpUser`, `portalUser`: a kind of signed-in user). */
  principalPattern?: RegExp;
  /** Every property not listed above is set by authentication (what an authenticating wrapper hands its handler). */
  othersArePrincipal?: boolean;
  /** Methods that return what the server's own middleware stored, not client input: Hono's `c.get('apiAuth')`. */
  principalMethods?: ReadonlySet<string>;
}

// Set on the request by authentication middleware (`req.userId = decoded.id`, `req.remoteUser = user`): never sent by the client.
// `permission` is the caller's identity and rights a hook derives from the verified token (Infisical's
// `req.permission = { type, id, orgId, authMethod }` read as `actorId: req.permission.id`).
const PRINCIPAL_PROPERTIES = new Set(['user', 'auth', 'session', 'state', 'locals', 'principal', 'jwtPayload', 'userId', 'currentUser', 'authUser', 'remoteUser', 'loggedInUser', 'authenticatedUser', 'sessionUser', 'uid', 'claims', 'auth_context', 'permission']);

// What an HTTP request (Express, Fastify, Node, Fetch API, Next.js) and its framework wrappers carry.
const HTTP_INPUTS: Record<string, string> = {
  params: 'params',
  query: 'query',
  body: 'body',
  cookies: 'cookies',
  signedCookies: 'cookies',
  headers: 'headers',
  files: 'files',
  file: 'files',
  originalUrl: 'url',
  url: 'url',
  path: 'url',
  baseUrl: 'url',
  querystring: 'query',
  search: 'query',
  searchParams: 'query',
  hostname: 'headers',
  host: 'headers',
  href: 'url',
  pathname: 'url',
  rawBody: 'body',
  // Medusa's validateAndTransformBody/Query put the parsed input here (and the query's filters and field selection).
  validatedBody: 'body',
  validatedQuery: 'query',
  filterableFields: 'query',
};
const HTTP_INPUT_BAGS = new Set(['params', 'query', 'body', 'validatedBody', 'validatedQuery']);

const HTTP_METHODS: Record<string, string> = {
  get: 'headers',
  header: 'headers',
  param: 'params',
  query: 'query',
  queries: 'query',
  json: 'body',
  text: 'body',
  formData: 'body',
  parseBody: 'body',
  arrayBuffer: 'body',
  blob: 'body',
  valid: 'body',
  getAll: 'query',
};

/**
 * Members of an uploaded file (multer's `req.file`, Nest's `@UploadedFile()`, formidable, express-fileupload)
 * that the upload middleware sets on the server: where it stored the upload, under a name it made up
 * (multer's `path`/`filename`/`destination`, formidable's `filepath`/`newFilename`, express-fileupload's
 * `tempFilePath`), and its size. The client chooses only the original name (`originalname`, `name`,
 * `originalFilename`), the `mimetype` and the content. A disk storage whose filename callback keeps the
 * client's name is a flaw of that callback, where multer joins the path, not of the code that reads it after.
 */
export const UPLOADED_FILE_SERVER_MEMBERS: ReadonlySet<string> = new Set(['path', 'filename', 'destination', 'filepath', 'newFilename', 'tempFilePath', 'size']);

function http(nested: Record<string, RequestObjectKind>): RequestObjectModel {
  return { inputs: HTTP_INPUTS, inputBags: HTTP_INPUT_BAGS, methods: HTTP_METHODS, nested, principal: PRINCIPAL_PROPERTIES };
}

// A GraphQL or tRPC context built by the server's context function: it carries the principal and
// the raw request, and services (`dataSources`, `prisma`, `loaders`) that are not client input. The
// tenant the context function or an auth middleware resolved for the caller (`ctx.workspace`,
// `ctx.organization`) is theirs too: scoping a lookup by it scopes it to the caller. A context the
// auth guard builds may name the caller the active user (Vendure's RequestContext `ctx.activeUserId`).
/**
 * Fields of a GraphQL/tRPC context that hold the signed-in caller itself (not the caller's tenant or a
 * token): a resolver that destructures one and refuses without it authenticates the request. OpenNeuro's
 * context function puts the verified JWT payload under `userInfo` beside the caller's id under `user`.
 */
export const APP_CONTEXT_CALLER_FIELDS: ReadonlySet<string> = new Set(['user', 'currentUser', 'viewer', 'session', 'me', 'authUser', 'userInfo']);

const APP_CONTEXT_PRINCIPAL = new Set([...PRINCIPAL_PROPERTIES, 'viewer', 'me', 'account', 'member', 'userInfo', 'token', 'identity', 'workspace', 'organization', 'org', 'team', 'tenant', 'activeWorkspace', 'activeOrganization', 'space', 'activeSpace', 'activeUser', 'activeUserId']);

/** Whether a member of a request object of this kind is set by authentication: listed, or named in its principals' shape. */
export function isPrincipalMember(model: RequestObjectModel, name: string): boolean {
  return model.principal.has(name) || (model.principalPattern?.test(name) ?? false);
}

export const REQUEST_OBJECTS: Readonly<Record<RequestObjectKind, RequestObjectModel>> = {
  // `withWorkspace(async ({ req, params, searchParams, workspace, session }) => ...)`: a Next.js handler
  // an authenticating wrapper calls with one object. The request's parts are the client's; the rest
  // (workspace, session, program, programEnrollment) is what the wrapper derived from the credentials.
  // `withApiWrapper({ schemas, handler: async ({ req, props, parsedInput, authentication }) => ... })`: the
  // wrapper's validated input (`parsedInput.params.surveyId`) and the route's own context (`props.params`) are the client's too.
  'auth-wrapper-context': {
    inputs: { params: 'params', searchParams: 'query', query: 'query', body: 'body', headers: 'headers', cookies: 'cookies', parsedInput: 'body' },
    inputBags: new Set(['params', 'searchParams', 'parsedInput']),
    methods: {},
    nested: { req: 'request', request: 'request', props: 'route-context' },
    principal: new Set(),
    othersArePrincipal: true,
  },
  request: http({ nextUrl: 'request', searchParams: 'search-params', raw: 'request', cookies: 'request', headers: 'request' }),
  'koa-context': http({ request: 'request', req: 'request', cookies: 'request' }),
  // Hono keeps the request under `c.req`; `c.get(key)` / `c.var.key` read what middleware `c.set()`
  // (the verified token, the API key's workspace), never a header as Express's `req.get()` does.
  'hono-context': { ...http({ req: 'request' }), methods: Object.fromEntries(Object.entries(HTTP_METHODS).filter(([method]) => method !== 'get')), principal: new Set([...PRINCIPAL_PROPERTIES, 'var']), principalMethods: new Set(['get']) },
  'route-context': http({}),
  // AWS Lambda behind API Gateway (REST v1, HTTP API v2) or an ALB.
  'lambda-event': {
    inputs: {
      pathParameters: 'params',
      queryStringParameters: 'query',
      multiValueQueryStringParameters: 'query',
      body: 'body',
      cookies: 'cookies',
      rawPath: 'url',
      path: 'url',
      rawQueryString: 'query',
      stageVariables: 'other',
    },
    inputBags: new Set(['pathParameters', 'queryStringParameters']),
    methods: {},
    nested: { headers: 'request', multiValueHeaders: 'request', requestContext: 'lambda-request-context' },
    principal: new Set(),
  },
  // `event.requestContext`: the authorizer's claims are the principal; the rest is the gateway's.
  'lambda-request-context': { inputs: {}, methods: {}, nested: { identity: 'lambda-caller-identity' }, principal: new Set(['authorizer']) },
  // `event.requestContext.identity` (REST APIs): under IAM authorization API Gateway fills it from the
  // verified signature, so `cognitoIdentityId` is the caller an identity pool federated (the notes and
  // cart tables of Cognito identity pool apps are keyed by it), `userArn`/`caller` the IAM principal;
  // they are null on other routes, never the client's choice. `userAgent` is the client's header;
  // `sourceIp` and the rest are the gateway's.
  'lambda-caller-identity': {
    inputs: { userAgent: 'headers' },
    methods: {},
    nested: {},
    principal: new Set(['cognitoIdentityId', 'cognitoIdentityPoolId', 'cognitoAuthenticationProvider', 'cognitoAuthenticationType', 'user', 'userArn', 'caller', 'accountId', 'principalOrgId']),
  },
  // A Lambda handler's second argument, the runtime's context, behind a middy middleware that puts the
  // caller on it (`request.context.user = ...`): those members are the caller (the route's
  // setsOnContext), everything else the runtime's or a config loader's.
  'lambda-context': { inputs: {}, methods: {}, nested: {}, principal: new Set() },
  // A Netlify function's second argument. Functions 2.0: `context.params` (the `config.path`
  // placeholders), `context.cookies.get()`, `context.url`, `context.ip`. Lambda-compatible
  // functions: `context.clientContext.user` is the Netlify Identity user Netlify verified from the
  // request's token (on AWS Lambda itself clientContext is the caller's; this kind is Netlify's only).
  'netlify-context': {
    inputs: { params: 'params', url: 'url', ip: 'headers' },
    inputBags: new Set(['params']),
    methods: {},
    nested: { cookies: 'request' },
    principal: new Set(['clientContext']),
  },
  'app-context': {
    inputs: { headers: 'headers', cookies: 'cookies' },
    methods: {},
    nested: { req: 'request', request: 'request', event: 'lambda-event' },
    principal: APP_CONTEXT_PRINCIPAL,
    // A context that carries more than one kind of caller names each for its kind: erxes-style
    // `{ user, cpUser }` (staff, and a client portal's signed-in customer), `portalUser`, `adminUser`.
    principalPattern: /^[a-z][a-zA-Z0-9]*User$/,
  },
  // Next.js `request.nextUrl.searchParams`: `.get('q')` reads the query string, not a header.
  'search-params': { inputs: {}, methods: { get: 'query', getAll: 'query' }, nested: {}, principal: new Set() },
  // A tRPC resolver's single argument: `{ input, ctx }`.
  'trpc-options': {
    inputs: { input: 'body', rawInput: 'body' },
    inputBags: new Set(['input']),
    methods: { getRawInput: 'body' },
    nested: { ctx: 'app-context' },
    principal: new Set(),
  },
  // A next-safe-action server function's argument: `{ parsedInput, ctx }`; ctx is what the client's `.use()` middleware put there.
  'safe-action-options': {
    inputs: { parsedInput: 'body', clientInput: 'body', bindArgsParsedInputs: 'body', bindArgsClientInputs: 'body' },
    inputBags: new Set(['parsedInput']),
    methods: {},
    nested: { ctx: 'app-context' },
    principal: new Set(),
  },
  // A ts-rest handler's first argument: `{ params, query, body, headers, req }` (`appRoute`, `res` are the server's).
  'ts-rest-args': {
    inputs: { params: 'params', query: 'query', body: 'body', headers: 'headers' },
    inputBags: new Set(['params', 'query', 'body']),
    methods: {},
    nested: { req: 'request', request: 'request' },
    principal: new Set(),
  },
  // A Remix / React Router loader's or action's argument: `{ request, params, context }`; the route's
  // params are the client's, the request is a Fetch Request, the context is what the server adapter made.
  'route-module-args': {
    inputs: { params: 'params' },
    inputBags: new Set(['params']),
    methods: {},
    nested: { request: 'request', context: 'app-context' },
    principal: new Set(),
  },
  // An oRPC handler's single argument: `{ input, context }` (`errors`, `path`, `signal` are the server's).
  'orpc-options': {
    inputs: { input: 'body' },
    inputBags: new Set(['input']),
    methods: {},
    nested: { context: 'app-context' },
    principal: new Set(),
  },
};

/** Request methods that return what the route's validator parsed for a target: Hono's `c.req.valid('json')`. */
export const VALIDATED_OUTPUT_METHODS: ReadonlySet<string> = new Set(['valid']);

/**
 * Validator targets (Hono's `zValidator('query', schema)`, `c.req.valid('query')`): the input each one
 * is and the schema part that declares its fields.
 */
export const VALIDATOR_TARGETS: Readonly<Record<string, { input: string; part: InputBagKind }>> = {
  json: { input: 'body', part: 'body' },
  form: { input: 'body', part: 'body' },
  query: { input: 'query', part: 'query' },
  param: { input: 'params', part: 'params' },
  header: { input: 'headers', part: 'headers' },
};

/** The validation part a bag property stands for: tRPC `input` and Lambda's parameter maps map onto route schema parts. */
export const BAG_PARTS: Readonly<Record<string, InputBagKind>> = {
  params: 'params',
  query: 'query',
  body: 'body',
  input: 'body',
  pathParameters: 'params',
  queryStringParameters: 'query',
};

/**
 * Functions that read a nested property by a path (`get(event.requestContext, 'authorizer.claims.sub')`):
 * the value read is the member the path names, as if written `event.requestContext.authorizer.claims.sub`.
 * Packages whose default or `get` export is one, and namespaces whose `.get` is one (`_.get`).
 */
export const PROPERTY_PATH_GETTER_PACKAGES: readonly string[] = ['lodash/get', 'lodash/get.js', 'lodash.get', 'lodash-es/get', 'lodash-es/get.js', 'dlv', 'dot-prop', 'just-safe-get'];
export const PROPERTY_PATH_GETTER_NAMESPACES: readonly string[] = ['lodash', 'lodash-es', 'underscore', 'dot-prop', 'object-path'];
export const PROPERTY_PATH_GETTER_NAMES: readonly string[] = ['get', 'getProperty', 'dlv'];

/**
 * Functions that build an instance from a plain object and hand back the same fields
 * (`plainToInstance(SessionCommand, data)`): the result holds what the argument at `source` held,
 * field by field, so a command object built from the route's input still carries the id the client
 * sent and the caller's id beside it. Keyed by package, then export name.
 */
export const FIELD_COPYING_FACTORIES: Readonly<Record<string, Readonly<Record<string, { source: number }>>>> = {
  'class-transformer': { plainToInstance: { source: 1 }, plainToClass: { source: 1 } },
};
