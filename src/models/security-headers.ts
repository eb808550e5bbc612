/**
 * HTTP app factories and the libraries that set browser security headers (helmet and its ports),
 * as data for the rule missing-security-headers; the matching logic lives in the rule.
 */

/** How an app object is made: `express()`, `Fastify()`, `new Koa()`, `new Hono()`, `NestFactory.create()`. */
export interface AppFactory {
  framework: 'express' | 'fastify' | 'koa' | 'hono' | 'nestjs';
  packages: readonly string[];
  /** The export, as importedValue names it: 'default', 'Hono', 'NestFactory.create'. */
  exportNames: readonly string[];
  form: 'call' | 'new';
}

/**
 * NestJS platform adapters: `new ExpressAdapter(expressApp)`, or the Express instance given to
 * `NestFactory.create(AppModule, expressApp)` itself (older Nest), make an Express (or Fastify) app
 * the Nest app's server, so the two are one served app, reported once at NestFactory.create.
 */
export const NEST_PLATFORM_ADAPTERS: readonly string[] = ['ExpressAdapter', 'FastifyAdapter'];
export const NEST_APP_FACTORY_CALL = 'NestFactory.create';

export const APP_FACTORIES: readonly AppFactory[] = [
  { framework: 'express', packages: ['express'], exportNames: ['default'], form: 'call' },
  { framework: 'fastify', packages: ['fastify'], exportNames: ['default', 'fastify', 'Fastify'], form: 'call' },
  { framework: 'koa', packages: ['koa'], exportNames: ['default'], form: 'new' },
  { framework: 'hono', packages: ['hono', 'hono/tiny', 'hono/quick'], exportNames: ['Hono'], form: 'new' },
  { framework: 'hono', packages: ['@hono/zod-openapi'], exportNames: ['OpenAPIHono'], form: 'new' },
  // createMicroservice and createApplicationContext serve no HTTP.
  { framework: 'nestjs', packages: ['@nestjs/core'], exportNames: ['NestFactory.create'], form: 'call' },
];

/** Methods that mount an app inside another (`app.use('/x', sub)`, Hono `app.route('/x', sub)`, Koa `mount`): such an app is part of its parent. */
export const MOUNT_METHODS: readonly string[] = ['use', 'route', 'mount', 'register', 'basePath'];

/** Packages whose import is evidence that the project sets the browser security headers. */
export const HEADER_LIBRARIES: readonly string[] = [
  'helmet',
  '@fastify/helmet',
  'fastify-helmet',
  'koa-helmet',
  'hono/secure-headers',
  'lusca',
  'next-secure-headers',
  '@next-safe/middleware',
  'next-safe',
  'elysia-helmet',
];

/**
 * Options of helmet (and of @fastify/helmet and koa-helmet, which pass them to helmet) and of Hono
 * secureHeaders that turn a header off with `false`, and the header each one stands for.
 */
export interface HeaderOption {
  option: string;
  header: HeaderName;
  /** What is lost, for the message. */
  loss: string;
}

export type HeaderName = 'content-security-policy' | 'x-frame-options' | 'strict-transport-security';

export const HELMET_OPTIONS: readonly HeaderOption[] = [
  { option: 'contentSecurityPolicy', header: 'content-security-policy', loss: 'no Content-Security-Policy, the main defence in depth against injected scripts (and its frame-ancestors against framing)' },
  { option: 'frameguard', header: 'x-frame-options', loss: 'no X-Frame-Options, so other sites can frame the pages (clickjacking)' },
  { option: 'xFrameOptions', header: 'x-frame-options', loss: 'no X-Frame-Options, so other sites can frame the pages (clickjacking)' },
  { option: 'hsts', header: 'strict-transport-security', loss: 'no Strict-Transport-Security, so browsers may reach the app over plain HTTP first (TLS stripping)' },
  { option: 'strictTransportSecurity', header: 'strict-transport-security', loss: 'no Strict-Transport-Security, so browsers may reach the app over plain HTTP first (TLS stripping)' },
];

/** Hono secureHeaders sets X-Frame-Options and HSTS by default but no CSP: only those two can be turned off. */
export const HONO_SECURE_HEADERS = { package: 'hono/secure-headers', exportName: 'secureHeaders', options: ['xFrameOptions', 'strictTransportSecurity'] } as const;

/** helmet packages whose options are helmet's; the Fastify plugins are registered, the others called. */
export const HELMET_PACKAGES: readonly { package: string; form: 'call' | 'register' }[] = [
  { package: 'helmet', form: 'call' },
  { package: 'koa-helmet', form: 'call' },
  { package: '@fastify/helmet', form: 'register' },
  { package: 'fastify-helmet', form: 'register' },
];

/** The key headers (lower case); a project that names one in its code sets its headers itself. */
export const KEY_HEADERS: readonly HeaderName[] = ['content-security-policy', 'x-frame-options', 'strict-transport-security'];
