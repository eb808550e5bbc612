/**
 * Every model the scanner knows, for `trustscan models`: the built-in library knowledge kept as data
 * in this folder (SQL drivers and the other sinks: HTTP clients, processes, code evaluation, file
 * system, NoSQL; loggers, sanitizers and validators, ORMs' data access, auth libraries, rate limiters,
 * state machines; and the secret shapes in engine/secret-shapes.ts), then the project's own from
 * config `models` (and config `rateLimiters`, which names rate limiters). One plain shape per
 * entry, so a user sees what is known and in what terms.
 */
import { PLUMBING_PACKAGES, VALIDATION_PACKAGES } from './middleware.js';
import { LISTENER_METHODS, NEST_MESSAGE_DECORATOR, NEST_PAYLOAD_DECORATOR, NEST_WEBSOCKETS_MODULE, SOCKET_LIBRARIES } from './websockets.js';
import { REQUEST_OBJECT_KINDS, REQUEST_OBJECTS, type RequestObjectKind } from './request-sources.js';
import { TSOA_AUTHENTICATION_FUNCTIONS, TSOA_INPUT_DECORATORS, TSOA_NO_SECURITY_DECORATOR, TSOA_PACKAGES, TSOA_REQUEST_DECORATOR, TSOA_SECURITY_DECORATOR } from './tsoa.js';
import type { ModelConfig } from '../engine/config.js';
import { SECRET_SHAPES } from '../engine/secret-shapes.js';
import { FRAMEWORK_LOG_OWNERS, LOG_METHODS, LOGGER_PACKAGES, NEST_LOGGER_CLASSES, NEST_LOGGER_MODULE } from './loggers.js';
import { SANITIZER_LIBRARIES } from './sanitizers.js';
import { DYNAMODB_CLIENT_METHODS, DYNAMODB_COMMAND_PACKAGES, DYNAMODB_COMMANDS, type DynamoOperation } from './dynamodb.js';
import { DRIZZLE, KNEX, ORMS, type OrmModel } from './orms.js';
import { SQL_DRIVERS } from './sql.js';
import { AUTH_MIDDLEWARE_PACKAGES, TOKEN_CHECK_FUNCTIONS, TOKEN_CHECK_PACKAGES, TOKEN_VERIFIERS, TOKEN_VERIFYING_METHODS } from './auth.js';
import { NEST_THROTTLER, RATE_LIMIT_KEY_OPTIONS, RATE_LIMITER_PACKAGES } from './rate-limiters.js';
import { STATE_MACHINE_CHECK_METHODS, STATE_MACHINE_PACKAGE_PREFIXES } from './state-machines.js';
import { AGENT_OPTIONS, GLOBAL_FETCH, HOST_OPTIONS, HTTP_CLIENTS, URL_OPTIONS } from './http-clients.js';
import { COMMAND_ARGUMENT, COMMAND_SINKS, SHELL_PROGRAMS, SHELL_SCRIPT_FLAGS, type CommandForm } from './processes.js';
import { ESCAPABLE_SANDBOXES, GLOBAL_EVALUATORS, NODE_VM, VM2 } from './code-evaluation.js';
import { FS_MODULES, KOA_SEND, PATH_ARGUMENTS, RESPONSE_FILE_METHODS, SEND_ROOT_OPTION } from './filesystem.js';
import { JOSE, JWT_CONFIGURATIONS, JWT_FUNCTIONS } from './jwt.js';
import { CORS_LIBRARIES } from './cors.js';
import { HEADER_LIBRARIES, HELMET_OPTIONS, HONO_SECURE_HEADERS } from './security-headers.js';
import { TLS_DISABLING_ENVIRONMENT, TLS_VERIFICATION_OPTIONS } from './tls.js';
import { COOKIE_SETTERS } from './cookies.js';
import { BCRYPT_MINIMUM_COST, BCRYPT_PACKAGES, DIGEST_FUNCTION_PACKAGES, FAST_DIGESTS, PBKDF2_FUNCTIONS, PBKDF2_MINIMUM_ITERATIONS } from './crypto.js';
import { FIELD_PICKERS, PROPERTY_COPIERS, RECORD_SETTERS } from './mass-assignment.js';
import { ACCESS_LOG_MIDDLEWARE, EVENT_METHODS } from './audit-logs.js';
import { GLOBAL_REDIRECT, HEAD_WRITERS, HEADER_SETTERS as REDIRECT_HEADER_SETTERS, LOCATION_METHODS, REDIRECT_FUNCTIONS, REDIRECT_METHODS } from './redirects.js';
import { ENGINE_PACKAGES, NEST_RENDER_DECORATOR, RAW_HTML_PROP, REACT_SERVER_RENDERERS, TEMPLATE_ENGINES, VIEW_RENDER_METHODS } from './view-templates.js';
import { BODY_WRITERS, HONO_HTML_MODULE, HONO_RAW_EXPORTS, HTML_ESCAPER_PACKAGES, HTML_WRITERS } from './html-responses.js';
import { CODE_OPERATORS, LITERAL_OPERATORS, MONGO_CODE_METHODS, MONGO_FILTER_ARGUMENT, MONGO_INJECT_DECORATORS, MONGO_MODEL_FACTORIES, MONGO_MODEL_TYPES, MONGO_PACKAGES, MONGOOSE_QUERY_CHAIN } from './nosql.js';

export interface ModelListing {
  kind: 'sink' | 'sanitizer' | 'logger' | 'auth' | 'source' | 'rate-limiter' | 'state-machine' | 'secret-shape' | 'data-access' | 'setting' | 'middleware';
  /** A sink's or sanitizer's category; a data access: its ORM or client (`prisma`, `mongoose`, `dynamodb`). */
  category?: string;
  /** Packages or project modules the entry is about. */
  modules: string[];
  /** Functions, methods or exports in them (a secret shape: its id). */
  names: string[];
  argument?: number;
  /** What it is, in words. */
  description: string;
  /** `built-in`, or `config models[2]`. */
  source: string;
}

export function builtInModels(): ModelListing[] {
  const listings: ModelListing[] = [];
  for (const driver of SQL_DRIVERS) {
    listings.push({ kind: 'sink', category: 'sql', modules: [...driver.packages], names: [...driver.textMethods], argument: 0, description: `${driver.driver}: methods whose first argument is SQL text`, source: 'built-in' });
  }
  listings.push(...urlSinks(), ...commandSinks(), ...codeSinks(), ...pathSinks(), ...nosqlSinks(), ...redirectSinks(), ...htmlSinks());
  listings.push({ kind: 'logger', modules: [...LOGGER_PACKAGES], names: [...LOG_METHODS], description: 'logger packages: their instances and children write records with these methods', source: 'built-in' });
  listings.push({ kind: 'logger', modules: [NEST_LOGGER_MODULE], names: [...NEST_LOGGER_CLASSES], description: 'NestJS logger classes (a field, `new Logger()`, static calls)', source: 'built-in' });
  listings.push({ kind: 'logger', modules: ['console', 'fastify'], names: [...FRAMEWORK_LOG_OWNERS].map((owner) => `${owner}.log`), description: 'console, and the pino logger a framework hands out at `.log`', source: 'built-in' });
  for (const [module, exports] of Object.entries(AUTH_MIDDLEWARE_PACKAGES)) {
    const names = Object.entries(exports).filter(([, kind]) => kind !== 'other').map(([name, kind]) => `${name === '*' ? 'every export' : name}${kind === 'role' ? ' (role check)' : ''}`);
    if (names.length > 0) listings.push({ kind: 'auth', modules: [module], names, description: 'middleware, guards or wrappers that authenticate (or check a role) in front of a route', source: 'built-in' });
  }
  for (const [module, functions] of Object.entries(TOKEN_VERIFIERS)) {
    listings.push({ kind: 'auth', modules: [module], names: [...functions], description: 'verifies a token and throws when it fails: its result is the signed-in caller', source: 'built-in' });
  }
  listings.push({ kind: 'auth', modules: [], names: [...TOKEN_VERIFYING_METHODS], description: 'methods that verify a token on any object (firebase-admin): the result is the signed-in caller', source: 'built-in' });
  listings.push({ kind: 'auth', modules: [...TOKEN_CHECK_PACKAGES], names: [...TOKEN_CHECK_FUNCTIONS], description: 'verify a code, password or token in a business flow (a verified-token step)', source: 'built-in' });
  for (const limiter of RATE_LIMITER_PACKAGES) {
    const how = [limiter.middleware ? 'middleware' : undefined, limiter.consumedWith ? `limiter.${limiter.consumedWith}(key) in code` : undefined].filter(Boolean).join(' or ');
    listings.push({ kind: 'rate-limiter', modules: [limiter.package], names: limiter.consumedWith ? [limiter.consumedWith] : [], description: `rate-limits as ${how}; counts per ${limiter.ipByDefault ? 'client IP unless a key option says otherwise' : 'the key it is given'}`, source: 'built-in' });
  }
  listings.push({ kind: 'rate-limiter', modules: [NEST_THROTTLER.package], names: [NEST_THROTTLER.guard, `@${NEST_THROTTLER.limitDecorator}`, `@${NEST_THROTTLER.skipDecorator}`, NEST_THROTTLER.trackerMethod], description: 'the guard limits per IP unless getTracker is overridden; @Throttle sets a limit, @SkipThrottle turns it off', source: 'built-in' });
  listings.push({ kind: 'rate-limiter', modules: [], names: [...RATE_LIMIT_KEY_OPTIONS], description: 'limiter options whose value says what requests are counted by (user, IP, other)', source: 'built-in' });
  listings.push({ kind: 'state-machine', modules: [...STATE_MACHINE_PACKAGE_PREFIXES], names: [...STATE_MACHINE_CHECK_METHODS], description: 'state-machine packages (prefixes) and the methods that check a transition before a flow step', source: 'built-in' });
  for (const sanitizer of SANITIZER_LIBRARIES) {
    const modules = [...sanitizer.packages];
    const names = [...sanitizer.functions];
    const description = `${sanitizer.library}: ${sanitizer.description}`;
    if (!sanitizer.categories) listings.push({ kind: 'sanitizer', modules, names, description: `${description} (safe for every sink)`, source: 'built-in' });
    for (const category of sanitizer.categories ?? []) listings.push({ kind: 'sanitizer', category, modules, names, description, source: 'built-in' });
  }
  listings.push(...jwtModels());
  listings.push(...settingModels());
  listings.push(...dataAccessModels());
  for (const shape of SECRET_SHAPES) listings.push({ kind: 'secret-shape', modules: [], names: [shape.id], description: shape.description, source: 'built-in' });
  listings.push(...requestSourceModels(), ...websocketSourceModels(), ...tsoaModels());
  for (const [module, exports] of Object.entries(VALIDATION_PACKAGES)) {
    const names = Object.entries(exports).filter(([, kind]) => kind === 'validation').map(([name]) => name);
    listings.push({ kind: 'middleware', category: 'validation', modules: [module], names, description: 'validation middleware: a route behind it has its input checked', source: 'built-in' });
  }
  listings.push({ kind: 'middleware', category: 'plumbing', modules: [...PLUMBING_PACKAGES], names: [], description: 'parsers, CORS, headers, logging and other middleware a route lists that neither authenticates nor checks input', source: 'built-in' });
  return listings;
}

/** Which object an entry point hands its handler, in words (engine/dataflow/sources.ts decides which parameter is which). */
const REQUEST_OBJECT_DESCRIPTIONS: Readonly<Record<RequestObjectKind, string>> = {
  request: 'an HTTP request (Express/Fastify `req`, Node, Fetch API `Request`, Next.js `NextRequest`)',
  'koa-context': 'a Koa context (`ctx`)',
  'hono-context': 'a Hono context (`c`)',
  'route-context': "a Next.js App Router route's context (`{ params }`)",
  'lambda-event': 'an AWS Lambda event from API Gateway (REST v1, HTTP API v2) or an ALB',
  'lambda-request-context': 'a Lambda event\'s `requestContext`',
  'lambda-caller-identity': "a Lambda event's `requestContext.identity` (the IAM-signed caller)",
  'lambda-context': "a Lambda handler's context, when a middy middleware puts the caller on it",
  'netlify-context': "a Netlify function's context",
  'app-context': 'a GraphQL or tRPC context built by the server\'s context function',
  'search-params': 'Next.js `URLSearchParams` (`request.nextUrl.searchParams`)',
  'trpc-options': "a tRPC resolver's `{ input, ctx }`",
  'orpc-options': "an oRPC handler's `{ input, context }`",
  'ts-rest-args': "a ts-rest handler's `{ params, query, body, headers }`",
  'route-module-args': "a Remix / React Router loader's or action's `{ request, params }`",
  'safe-action-options': "a next-safe-action server function's `{ parsedInput, ctx }`",
  'auth-wrapper-context': "the one object an authenticating wrapper hands a Next.js handler (`withWorkspace(({ params, workspace, session }) => ...)`)",
};

/** WebSocket message sources: per library, the listeners whose arguments a connected client sends. */
function websocketSourceModels(): ModelListing[] {
  const libraries = SOCKET_LIBRARIES.map((model) => ({
    kind: 'source' as const,
    modules: [...model.modules],
    names: [...LISTENER_METHODS].map((method) => `${model.socketTypes[0]}.${method}()`),
    description: `a ${model.library} server's socket (a ${model.connectionEvents.join('/')} listener's first argument, or typed ${model.socketTypes.join('/')}): the arguments of its ${model.messageEvents === 'all-but-lifecycle' ? 'event' : model.messageEvents.join('/')} listeners are client input${model.messageEvents === 'all-but-lifecycle' ? ', but for the acknowledgement callback' : ''}; not ${model.lifecycleEvents.join(', ')}`,
    source: 'built-in',
  }));
  const gateway = { kind: 'source' as const, modules: [NEST_WEBSOCKETS_MODULE], names: [NEST_MESSAGE_DECORATOR, NEST_PAYLOAD_DECORATOR], description: `a NestJS gateway's @${NEST_MESSAGE_DECORATOR}(event) method: its @${NEST_PAYLOAD_DECORATOR}() parameter (without parameter decorators, the second) is client input`, source: 'built-in' };
  return [...libraries, gateway];
}

/** tsoa: its parameter decorators (client input) and the decorator that runs the project's authentication function. */
function tsoaModels(): ModelListing[] {
  const inputs = Object.entries(TSOA_INPUT_DECORATORS).map(([name, model]) => `@${name}() (${model.input})`);
  return [
    { kind: 'source', modules: [...TSOA_PACKAGES], names: [...inputs, `@${TSOA_REQUEST_DECORATOR}() (request)`], description: "a tsoa controller method's decorated parameters: client input (a number, boolean, enum or literal-union type is validated by the generated route); @Request() is the request object", source: 'built-in' },
    { kind: 'auth', modules: [...TSOA_PACKAGES], names: [`@${TSOA_SECURITY_DECORATOR}()`, `@${TSOA_NO_SECURITY_DECORATOR}()`], description: `runs the project's ${TSOA_AUTHENTICATION_FUNCTIONS.join('/')} for the scheme before the handler; read from its body; scopes are a role check when it compares them`, source: 'built-in' },
  ];
}

/** Built-in request sources: per request-like object, the properties and methods that hold client input. */
function requestSourceModels(): ModelListing[] {
  return REQUEST_OBJECT_KINDS.flatMap((kind) => {
    const model = REQUEST_OBJECTS[kind];
    const names = [...Object.entries(model.inputs).map(([property, input]) => `${property} (${input})`), ...Object.entries(model.methods).map(([method, input]) => `${method}() (${input})`)];
    const nested = Object.entries(model.nested).map(([property, inner]) => `${property} -> ${inner}`);
    const principal = [...model.principal];
    const parts = [
      `${REQUEST_OBJECT_DESCRIPTIONS[kind]} [${kind}]: these properties and methods hold client input`,
      ...(nested.length > 0 ? [`request-like inside: ${nested.join(', ')}`] : []),
      ...(principal.length > 0 ? [`set by authentication, not client input: ${principal.join(', ')}`] : []),
    ];
    return names.length > 0 || nested.length > 0 ? [{ kind: 'source' as const, modules: [], names, description: parts.join('; '), source: 'built-in' }] : [];
  });
}

/**
 * The options and defaults the configuration, crypto and audit rules judge (models/cors.ts,
 * security-headers.ts, tls.ts, cookies.ts, crypto.ts, mass-assignment.ts, audit-logs.ts).
 */
const ORIGIN_OUTCOME = { wildcard: "'*' (browsers then refuse credentials)", reflect: "the request's own Origin (every site, with credentials)" } as const;

function settingModels(): ModelListing[] {
  return [
    ...CORS_LIBRARIES.map((library) => builtIn({ kind: 'setting', category: 'cors', modules: [...library.packages], names: [library.exportName], description: `CORS ${library.form === 'register' ? 'plugin' : 'middleware'}: with credentials on, no origin option sends ${ORIGIN_OUTCOME[library.defaultOrigin]} and origin '*' sends ${ORIGIN_OUTCOME[library.wildcardWithCredentials]}` })),
    builtIn({ kind: 'setting', category: 'security-headers', modules: [...HEADER_LIBRARIES], names: ['default'], description: 'set the browser security headers (CSP, frame protection, HSTS) for an app' }),
    builtIn({ kind: 'setting', category: 'security-headers', modules: ['helmet', '@fastify/helmet', 'koa-helmet', HONO_SECURE_HEADERS.package], names: [...HELMET_OPTIONS.map((option) => `${option.option}: false`), ...HONO_SECURE_HEADERS.options.map((option) => `${option}: false`)], description: 'options that turn one of those headers off' }),
    ...TLS_VERIFICATION_OPTIONS.map((option) => builtIn({ kind: 'setting', category: 'tls', modules: [], names: [`${option.option}: ${String(option.disabledBy)}`], description: `${option.libraries}: ${option.disables}` })),
    builtIn({ kind: 'setting', category: 'tls', modules: [], names: [`${TLS_DISABLING_ENVIRONMENT.name}=${TLS_DISABLING_ENVIRONMENT.value}`], description: 'turns certificate verification off for the whole Node process' }),
    ...COOKIE_SETTERS.map((setter) => builtIn({ kind: 'setting', category: 'cookie', modules: [...setter.packages], names: [...setter.names], description: `${setter.library} (${setter.shape}): HttpOnly by default ${String(setter.httpOnly)}, Secure by default ${String(setter.secure)}` })),
    builtIn({ kind: 'setting', category: 'password-hash', modules: Object.keys(DIGEST_FUNCTION_PACKAGES), names: [...FAST_DIGESTS], description: 'fast digests: too little work for a password' }),
    builtIn({ kind: 'setting', category: 'password-hash', modules: [...BCRYPT_PACKAGES], names: [`cost >= ${BCRYPT_MINIMUM_COST}`], description: 'bcrypt: the cost a password hash needs at least' }),
    builtIn({ kind: 'setting', category: 'password-hash', modules: ['crypto'], names: Object.keys(PBKDF2_FUNCTIONS), description: `PBKDF2: at least ${PBKDF2_MINIMUM_ITERATIONS} iterations for a password` }),
    builtIn({ kind: 'setting', category: 'mass-assignment', modules: [], names: [...PROPERTY_COPIERS, ...RECORD_SETTERS.map((method) => `record.${method}`)], description: 'copy every property of the request body onto a record' }),
    builtIn({ kind: 'sanitizer', category: 'mass-assignment', modules: [], names: [...FIELD_PICKERS], description: 'keep only the named fields of the body' }),
    builtIn({ kind: 'setting', category: 'audit-log', modules: [...ACCESS_LOG_MIDDLEWARE], names: ['default'], description: 'access logs: they record requests, not who signed in or what changed, so they are no audit record' }),
    builtIn({ kind: 'logger', category: 'audit-log', modules: [], names: [...EVENT_METHODS], description: 'emitting an authentication event (login, logout, password, MFA, role) counts as an audit record' }),
  ];
}

/** JWT libraries (models/jwt.ts): what signs, verifies or only decodes, and the configurations that set defaults. */
function jwtModels(): ModelListing[] {
  const listings: ModelListing[] = [];
  const meaning = { sign: 'signs a token (jwt-no-expiry, jwt-none-alg read its options)', verify: 'verifies a token (jwt-none-alg, jwt-verify-without-algorithms read its options)', decode: 'decodes a token without checking its signature (jwt-decode-auth)' } as const;
  for (const operation of ['sign', 'verify', 'decode'] as const) {
    const byPackage = new Map<string, string[]>();
    for (const fn of JWT_FUNCTIONS.filter((candidate) => candidate.operation === operation)) {
      const member = fn.members.length === 0 ? 'default' : fn.members.join('.');
      const name = fn.noVerifyArgument === undefined ? member : `${member} (decodes only when argument ${fn.noVerifyArgument} is true)`;
      byPackage.set(fn.package, [...(byPackage.get(fn.package) ?? []), name]);
    }
    for (const [module, names] of byPackage) listings.push(builtIn({ kind: 'auth', category: `jwt-${operation}`, modules: [module], names, description: meaning[operation] }));
  }
  listings.push(builtIn({ kind: 'auth', category: 'jwt-sign', modules: [JOSE.package], names: [`new ${JOSE.signerClass}().${JOSE.signMethod}`, `new ${JOSE.unsecuredClass}`], description: `signs a token; ${JOSE.expiryMethod}() in the chain sets its expiry; ${JOSE.unsecuredClass} signs nothing` }));
  for (const configuration of JWT_CONFIGURATIONS) {
    const options = [...(configuration.verifyAlgorithms ?? []), ...(configuration.signAlgorithm ?? []), ...(configuration.signExpiresIn ?? [])].map((path) => path.join('.'));
    listings.push(builtIn({ kind: 'auth', category: 'jwt-config', modules: [configuration.package], names: configuration.members.map((members) => (members.length === 0 ? 'default' : members.join('.'))), description: `${configuration.label}: options ${options.join(', ')}` }));
  }
  return listings;
}

/** What each method list of an ORM row means, as the listing says it. */
const ORM_OPERATIONS: ReadonlyArray<[keyof OrmModel & ('lookups' | 'creates' | 'updates' | 'deletes'), string]> = [
  ['lookups', 'lookups: methods that read records (the filter holds the lookup key and any owner constraint)'],
  ['creates', 'creates: methods that write new records'],
  ['updates', 'updates: methods that change records'],
  ['deletes', 'deletes: methods that delete records'],
];

/** ORMs, query builders and DynamoDB (models/orms.ts, models/dynamodb.ts): one listing per library and operation. */
function dataAccessModels(): ModelListing[] {
  const listings: ModelListing[] = [];
  const push = (category: string, modules: readonly string[], names: readonly string[], description: string): void => {
    if (names.length > 0) listings.push({ kind: 'data-access', category, modules: [...modules], names: [...names], description: `${category} ${description}`, source: 'built-in' });
  };
  for (const orm of ORMS) {
    for (const [list, description] of ORM_OPERATIONS) push(orm.orm, orm.packages, orm[list], description);
  }
  push(KNEX.orm, KNEX.packages, KNEX.readMethods, 'lookups: chain methods that read a table (`knex(\'orders\').where({ id }).first()`)');
  const drizzleMethods = Object.entries(DRIZZLE.tableMethods);
  push(DRIZZLE.orm, DRIZZLE.packages, [...drizzleMethods.filter(([, operation]) => operation === 'read').map(([method]) => method), ...DRIZZLE.relationalLookups.map((method) => `${DRIZZLE.relationalRoot}.<table>.${method}`)], 'lookups: `db.select().from(table)` and the relational queries');
  push(DRIZZLE.orm, DRIZZLE.packages, drizzleMethods.filter(([, operation]) => operation === 'write').map(([method]) => method), 'writes: builder methods called with the table');
  const dynamo = (operation: DynamoOperation): string[] => [
    ...Object.keys(DYNAMODB_CLIENT_METHODS).filter((method) => DYNAMODB_CLIENT_METHODS[method] === operation),
    ...Object.keys(DYNAMODB_COMMANDS).filter((command) => DYNAMODB_COMMANDS[command] === operation),
  ];
  push('dynamodb', ['aws-sdk', ...DYNAMODB_COMMAND_PACKAGES], dynamo('read'), 'lookups: client methods and commands that read items (the `Key` and key conditions hold the lookup key)');
  push('dynamodb', ['aws-sdk', ...DYNAMODB_COMMAND_PACKAGES], dynamo('create'), 'creates: client methods and commands that write whole new items');
  push('dynamodb', ['aws-sdk', ...DYNAMODB_COMMAND_PACKAGES], dynamo('write'), 'updates: client methods and commands that change or delete items');
  return listings;
}

const builtIn = (listing: Omit<ModelListing, 'source'>): ModelListing => ({ ...listing, source: 'built-in' });

/** Groups names by the value a table gives each (`readFile: [0]`, `copy: [0, 1]`), in table order. */
function groupBy<T>(table: Readonly<Record<string, T>>, key: (value: T) => string): Array<{ value: T; names: string[] }> {
  const groups = new Map<string, { value: T; names: string[] }>();
  for (const [name, value] of Object.entries(table)) {
    const group = groups.get(key(value)) ?? groups.set(key(value), { value, names: [] }).get(key(value))!;
    group.names.push(name);
  }
  return [...groups.values()];
}

function urlSinks(): ModelListing[] {
  const clients = HTTP_CLIENTS.map((client) => {
    const calls = [client.callable ? 'calling it' : undefined, client.service ? `${client.service.className}'s methods (also on .${client.service.clientMember})` : 'its methods', client.instances ? `those of instances made by ${client.instances.factories.map((factory) => `${factory}()`).join(' or ')} (a ${client.instances.baseOption} ${client.instances.prefix === 'overridable' ? 'is replaced by an absolute URL' : 'is a fixed prefix the argument cannot leave'})` : undefined, client.constructors ? `new ${client.constructors.join('/')}(origin)` : undefined].filter(Boolean);
    return builtIn({ kind: 'sink', category: 'url', modules: [...client.packages], names: [...client.methods, ...(client.constructors ?? []).map((name) => `new ${name}`)], argument: client.argument, description: `${client.shape}: ${calls.join(', ')} send a request to the URL or request options in argument ${client.argument}` });
  });
  return [
    ...clients,
    builtIn({ kind: 'sink', category: 'url', modules: [], names: [GLOBAL_FETCH.name, ...GLOBAL_FETCH.owners.map((owner) => `${owner}.${GLOBAL_FETCH.name}`)], argument: 0, description: 'the global fetch (Node 18+, Next.js, Hono), when nothing in scope declares the name' }),
    builtIn({ kind: 'sink', category: 'url', modules: [], names: [...HOST_OPTIONS, ...URL_OPTIONS], description: `request options that name the target: ${HOST_OPTIONS.join(', ')} choose the origin, ${URL_OPTIONS.join(', ')} hold the whole URL` }),
    builtIn({ kind: 'sanitizer', category: 'url', modules: [], names: [...AGENT_OPTIONS], description: 'request options that take an agent: a filtering agent there (request-filtering-agent, ssrf-req-filter) refuses internal addresses' }),
  ];
}

function redirectSinks(): ModelListing[] {
  return [
    builtIn({ kind: 'sink', category: 'redirect', modules: ['express', 'koa', 'fastify', 'hono'], names: [...REDIRECT_METHODS, ...LOCATION_METHODS], description: "a response or context object's redirect (res.redirect([status,] url), ctx.redirect, reply.redirect, c.redirect) and Express res.location(url)" }),
    builtIn({ kind: 'sink', category: 'redirect', modules: [], names: [...REDIRECT_HEADER_SETTERS, ...HEAD_WRITERS], description: 'a Location header set on the response' }),
    ...REDIRECT_FUNCTIONS.map((model) => builtIn({ kind: 'sink', category: 'redirect', modules: [model.module], names: [model.members.join('.')], argument: 0, description: model.description })),
    builtIn({ kind: 'sink', category: 'redirect', modules: [], names: [`${GLOBAL_REDIRECT.object}.${GLOBAL_REDIRECT.method}`], argument: 0, description: "the web platform's Response.redirect(url)" }),
  ];
}

function htmlSinks(): ModelListing[] {
  return [
    builtIn({ kind: 'sink', category: 'html', modules: ['express', 'fastify', 'http'], names: [...BODY_WRITERS], argument: 0, description: 'response body writers: HTML when the text holds markup or the type is set to HTML (Express send of a string is text/html by default)' }),
    builtIn({ kind: 'sink', category: 'html', modules: ['hono'], names: [...HTML_WRITERS], argument: 0, description: "Hono's c.html(body)" }),
    builtIn({ kind: 'sink', category: 'html', modules: [HONO_HTML_MODULE], names: [...HONO_RAW_EXPORTS], argument: 0, description: 'hono/html raw(): not escaped inside html``' }),
    builtIn({ kind: 'sink', category: 'html', modules: ['koa'], names: ['ctx.body'], description: 'Koa ctx.body: HTML when it starts with "<" or ctx.type is html' }),
    builtIn({ kind: 'sanitizer', category: 'html', modules: [...HTML_ESCAPER_PACKAGES], names: ['escape', 'encode', 'sanitize'], description: 'HTML escapers and sanitizers: their result is safe inside HTML text' }),
    builtIn({ kind: 'sink', category: 'html', modules: ['express', 'koa-views', '@fastify/view', '@nestjs/common'], names: [...VIEW_RENDER_METHODS, `@${NEST_RENDER_DECORATOR}`], argument: 1, description: 'view renders: their locals reach the template; a local printed raw is an HTML sink' }),
    ...TEMPLATE_ENGINES.map((engine) => builtIn({ kind: 'sink', category: 'html', modules: Object.entries(ENGINE_PACKAGES).filter(([, name]) => name === engine.engine).map(([module]) => module), names: engine.rawOutputs.map((output) => output.syntax), description: `${engine.engine} templates (${engine.extensions.join(' ')}): raw outputs that print a local unescaped` })),
    ...REACT_SERVER_RENDERERS.map((renderer) => builtIn({ kind: 'sink', category: 'html', modules: [renderer.module, 'react'], names: [RAW_HTML_PROP], description: `${RAW_HTML_PROP} in a component rendered with ${renderer.functions.join(', ')} or a Next.js page: __html is not escaped` })),
  ];
}

const COMMAND_FORMS: Record<CommandForm, string> = {
  shell: 'run the command string through a shell',
  argv: `run a program with an argument array: request data choosing the program, or anything with the shell option or a shell given ${[...SHELL_SCRIPT_FLAGS].join(' ')}`,
  split: 'split the command string on spaces and run it, through a shell when the shell option is set',
};

function commandSinks(): ModelListing[] {
  return [
    ...COMMAND_SINKS.map((sink) => builtIn({ kind: 'sink', category: 'command', modules: [sink.package], names: [...sink.functions], argument: COMMAND_ARGUMENT, description: `${sink.package}: ${COMMAND_FORMS[sink.form]}` })),
    builtIn({ kind: 'sink', category: 'command', modules: [], names: [...SHELL_PROGRAMS], description: `programs that are shells (also in /bin and /usr/bin): spawned with a script flag (${[...SHELL_SCRIPT_FLAGS].join(' ')}), the next argument is a script` }),
  ];
}

function codeSinks(): ModelListing[] {
  return [
    builtIn({ kind: 'sink', category: 'code', modules: [], names: [...GLOBAL_EVALUATORS], argument: 0, description: 'JavaScript globals that compile their argument (new Function: any argument)' }),
    builtIn({ kind: 'sink', category: 'code', modules: [NODE_VM.package], names: [...NODE_VM.functions], argument: 0, description: `node:vm compiles and runs the code (a vm context is no sandbox); ${[...NODE_VM.withContext].join(' and ')} also when the context hands request data to an evaluator the code calls` }),
    ...ESCAPABLE_SANDBOXES.map((sandbox) => builtIn({ kind: 'sink', category: 'code', modules: [sandbox.package], names: [...sandbox.exports], argument: 0, description: `${sandbox.package}: a sandbox with published escapes and no maintained fix` })),
    builtIn({ kind: 'sink', category: 'code', modules: [VM2.package], names: VM2.machines.map((machine) => `${machine}.prototype.${VM2.method}`), argument: 0, description: 'vm2 machines: discontinued, with unfixed sandbox escapes' }),
  ];
}

function pathSinks(): ModelListing[] {
  return [
    ...groupBy(PATH_ARGUMENTS, (indexes) => indexes.join()).map(({ value: indexes, names }) =>
      builtIn({ kind: 'sink', category: 'path', modules: [...FS_MODULES], names, argument: indexes[0], description: indexes.length > 1 ? `file-system functions (and their Sync variants) whose arguments ${indexes.join(' and ')} are paths (source and destination)` : `file-system functions (and their Sync variants) whose argument ${indexes[0]} is a path` }),
    ),
    builtIn({ kind: 'sink', category: 'path', modules: [...KOA_SEND.packages], names: ['default', ...KOA_SEND.exports], argument: KOA_SEND.pathArgument, description: `koa-send: the path, unless a ${SEND_ROOT_OPTION} option (argument ${KOA_SEND.optionsArgument}) confines it; then the ${SEND_ROOT_OPTION}` }),
    builtIn({ kind: 'sink', category: 'path', modules: ['express', '@fastify/static'], names: RESPONSE_FILE_METHODS.map((method) => `res.${method}`), argument: 0, description: `a response's file senders: the path, unless a ${SEND_ROOT_OPTION} option confines it; then the ${SEND_ROOT_OPTION} (@fastify/static: only a ${SEND_ROOT_OPTION} the request chooses)` }),
  ];
}

function nosqlSinks(): ModelListing[] {
  return [
    ...groupBy(MONGO_FILTER_ARGUMENT, String).map(({ value: argument, names }) =>
      builtIn({ kind: 'sink', category: 'nosql', modules: [...MONGO_PACKAGES], names, argument, description: `methods of a model or collection whose argument ${argument} is a filter document` }),
    ),
    builtIn({ kind: 'sink', category: 'nosql', modules: [...MONGO_PACKAGES], names: [...MONGO_CODE_METHODS], description: 'methods of a model or collection whose arguments are JavaScript the database runs' }),
    builtIn({ kind: 'sink', category: 'nosql', modules: [], names: [...CODE_OPERATORS], description: 'filter operators whose operand is JavaScript the database runs' }),
    builtIn({
      kind: 'sink',
      category: 'nosql',
      modules: [...MONGO_PACKAGES],
      names: [...MONGO_MODEL_TYPES.map((type) => `${type}<>`), ...MONGO_MODEL_FACTORIES.map((factory) => `${factory}()`), ...MONGO_INJECT_DECORATORS.map((decorator) => `@${decorator}`)],
      description: `what makes a value a model or collection (the receiver of the methods above): its type, the call that made it, or the decorator that injected it; a query chain (${[...MONGOOSE_QUERY_CHAIN].join(', ')}) keeps it`,
    }),
    builtIn({ kind: 'sanitizer', category: 'nosql', modules: [], names: [...LITERAL_OPERATORS], description: 'filter operators whose operand is compared literally or must be a string: an object there is no query' }),
  ];
}

/** The config's models as written (paths relative to the config file's folder), then the names in config `rateLimiters`. */
export function configModels(models: readonly ModelConfig[], rateLimiters: readonly string[] = []): ModelListing[] {
  const named = rateLimiters.map((name): ModelListing => ({ kind: 'rate-limiter', modules: [], names: [name], description: 'middleware or a function so named rate-limits the routes it runs in front of, or whose handler calls it', source: 'config rateLimiters' }));
  return [...models.map((model, index): ModelListing => {
    const source = `config models[${index}]`;
    switch (model.kind) {
      case 'auth':
        return { kind: 'auth', modules: [model.file], names: model.function ? [model.function] : [], description: 'authenticates the routes it runs in front of, or that call it', source };
      case 'sink':
        return { kind: 'sink', category: model.category, modules: [model.module], names: [model.function], argument: model.argument, description: `its argument ${model.argument} reaches a ${model.category} sink`, source };
      case 'sanitizer':
        return { kind: 'sanitizer', ...(model.category ? { category: model.category } : {}), modules: [model.module], names: [model.function], description: `its result is safe for ${model.category ?? 'every'} sink${model.category ? 's' : ''}`, source };
      case 'logger':
        return { kind: 'logger', modules: [model.module], names: [model.export], description: 'the export, or a log method on it, writes log records', source };
      case 'source':
        return { kind: 'source', modules: [model.module], names: [model.function], description: `the handler it registers (${model.argument === undefined ? 'its last function argument' : `argument ${model.argument}`}) gets client input in parameter ${model.parameter}`, source };
      case 'rate-limiter':
        return { kind: 'rate-limiter', modules: [model.module], names: [model.function], description: 'rate-limits the routes it runs in front of (itself, or what a call of it makes), or whose handler calls it', source };
    }
  }), ...named];
}
