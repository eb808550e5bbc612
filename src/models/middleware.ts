/**
 * Middleware packages the route classifier (engine/routes/classify-middleware.ts) knows besides the
 * auth and rate-limit ones (auth.ts, rate-limiters.ts): validation middleware, and the plumbing a
 * route's middleware list names but need not explain (parsers, CORS, headers, logging, Middy).
 */

/** Validation middleware packages and what their exports do: 'validation', or 'other' for the rest of a package. */
export const VALIDATION_PACKAGES: Readonly<Record<string, Readonly<Record<string, 'validation' | 'other'>>>> = {
  '@nestjs/common': { ValidationPipe: 'validation', ParseIntPipe: 'validation', ParseUUIDPipe: 'validation', ParseBoolPipe: 'validation', ParseEnumPipe: 'validation', ParseFloatPipe: 'validation', ParseArrayPipe: 'validation', ParseFilePipe: 'validation', '*': 'other' },
  // zod for Nest: the pipe parses each `createZodDto(schema)` class with its schema (mass-assignment.ts ZOD_DTO_PACKAGES); the serializer interceptor shapes responses.
  'nestjs-zod': { ZodValidationPipe: 'validation', createZodValidationPipe: 'validation', '*': 'other' },
  '@anatine/zod-nestjs': { ZodValidationPipe: 'validation', '*': 'other' },
  'express-validator': { '*': 'validation' },
  celebrate: { '*': 'validation' },
  'express-joi-validation': { '*': 'validation' },
  'zod-express-middleware': { '*': 'validation' },
  '@hono/zod-validator': { '*': 'validation' },
  // Hono's other schema validators (Standard Schema, Valibot, TypeBox, ArkType, Effect): sValidator('json', schema) and kin.
  '@hono/standard-validator': { '*': 'validation' },
  '@hono/valibot-validator': { '*': 'validation' },
  '@hono/typebox-validator': { '*': 'validation' },
  '@hono/arktype-validator': { '*': 'validation' },
  '@hono/effect-validator': { '*': 'validation' },
  'hono/validator': { '*': 'validation' },
  'koa-joi-router': { '*': 'validation' },
  '@middy/validator': { '*': 'validation' },
  // Middy 0.x ships its middleware in one module: a validator, and parsers, CORS, config and secret loaders that check no caller.
  'middy/middlewares': { validator: 'validation', '*': 'other' },
};

/** The middleware of a route we can name but need not explain: parsers, CORS, headers, logging. */
export const PLUMBING_PACKAGES: ReadonlySet<string> = new Set([
  'express', 'body-parser', 'cookie-parser', 'cors', 'helmet', 'morgan', 'compression', 'express-session', 'cookie-session',
  'multer', 'serve-static', 'connect-timeout', 'method-override', 'hpp', 'csurf', 'pino-http', 'express-winston', 'koa-bodyparser',
  '@koa/cors', 'koa-helmet', 'koa-logger', 'koa-compress', 'koa-static', '@koa/bodyparser', 'hono/cors', 'hono/logger', 'hono/secure-headers',
  'hono/pretty-json', 'hono/etag', 'hono/compress', 'hono/timing', 'hono/request-id', 'hono/context-storage', 'hono/trailing-slash', 'hono/body-limit', 'hono/method-override', '@fastify/cors', '@fastify/helmet', '@fastify/cookie',
  '@fastify/multipart', '@fastify/formbody', '@fastify/compress', '@fastify/static', '@fastify/swagger',
  'connect-redis', 'swagger-ui-express', 'express-fileupload', 'response-time', 'express-request-id', 'passport-local',
  'feature-policy', 'permissions-policy', 'express-robots-txt', 'serve-index', 'express-security.txt', 'i18n', 'errorhandler',
  'koa-sslify', 'koa-useragent', 'koa-body', 'koa-mount', 'koa-session', 'koa-conditional-get', 'koa-etag',
  // remix-hono's session middleware loads the cookie session for the loaders; it turns nobody away.
  'remix-hono/session',
  'iron-session', 'iron-session/next', 'next-iron-session', '@sentry/nextjs', 'next-axiom',
  '@nestjs/platform-express', '@nestjs/platform-fastify', '@nestjs/core', '@nestjs/swagger', '@nestjs/cache-manager',
  // Middy (Lambda) middleware that parse, normalise, log or answer CORS; Powertools' logging/tracing/metrics.
  '@middy/http-json-body-parser', '@middy/http-error-handler', '@middy/http-cors', '@middy/http-event-normalizer', '@middy/http-header-normalizer',
  '@middy/http-security-headers', '@middy/http-urlencode-body-parser', '@middy/http-multipart-body-parser', '@middy/http-response-serializer',
  '@middy/http-content-negotiation', '@middy/http-content-encoding', '@middy/http-partial-response', '@middy/event-normalizer', '@middy/error-logger',
  '@middy/input-output-logger', '@middy/do-not-wait-for-empty-event-loop', '@middy/ssm', '@middy/secrets-manager', '@middy/warmup', '@middy/cloudwatch-metrics',
  // Middy's loaders put configuration or credentials on the context for the handler; they check no caller.
  '@middy/appconfig', '@middy/dynamodb', '@middy/rds-signer', '@middy/sts', '@middy/s3', '@middy/kms', '@middy/service-discovery',
  '@middy/http-urlencode-path-parser', '@middy/s3-key-normalizer', '@middy/sqs-partial-batch-failure', '@middy/ws-json-body-parser', '@middy/ws-response',
  '@aws-lambda-powertools/logger', '@aws-lambda-powertools/logger/middleware', '@aws-lambda-powertools/tracer', '@aws-lambda-powertools/tracer/middleware',
  '@aws-lambda-powertools/metrics', '@aws-lambda-powertools/metrics/middleware',
]);

/**
 * Packages whose export wraps one middleware or handler to pass its rejected promise to `next`
 * (`asyncHandler(processJWT)`): the middleware is the function it is given, judged by its own body.
 */
export const HANDLER_WRAPPER_PACKAGES: ReadonlySet<string> = new Set(['express-async-handler', 'express-async-wrap', 'async-middleware', 'express-async-router-wrapper']);

/**
 * Package functions that make a middleware of the one function they are given, adding nothing a
 * request sees (Hono's `createMiddleware(async (c, next) => ...)`, typed for its Env): the middleware
 * is that function, judged by its own body.
 */
export const MIDDLEWARE_DEFINERS: Readonly<Record<string, readonly string[]>> = {
  'hono/factory': ['createMiddleware'],
};

/**
 * Packages whose export runs several middleware as one (`every(verifyKey, requirePlan)` from hono/combine):
 * `all` runs each in order and any may reject, so it authenticates when one of them does; `any` passes
 * when one of them passes, so it authenticates only when each does. The middleware are its arguments
 * (or the elements of an array argument).
 */
export const MIDDLEWARE_COMBINATORS: Readonly<Record<string, Readonly<Record<string, 'all' | 'any'>>>> = {
  'hono/combine': { every: 'all', some: 'any' },
  'koa-compose': { default: 'all' },
  'compose-middleware': { compose: 'all' },
};

/**
 * Fastify plugins that, once registered, add an onRequest hook to every route of the instance they
 * are registered on (a Fastify app, or the Fastify adapter under a Nest app), and the option that
 * turns the hook off (`global: false`, `addHook: false`).
 */
export const FASTIFY_HOOK_PLUGINS: Readonly<Record<string, { kind: 'rate-limit' | 'auth'; offSwitch: string }>> = {
  '@fastify/rate-limit': { kind: 'rate-limit', offSwitch: 'global' },
  'fastify-rate-limit': { kind: 'rate-limit', offSwitch: 'global' },
  '@fastify/bearer-auth': { kind: 'auth', offSwitch: 'addHook' },
  'fastify-bearer-auth': { kind: 'auth', offSwitch: 'addHook' },
};
