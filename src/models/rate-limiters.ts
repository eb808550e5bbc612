/**
 * Rate-limiting libraries as data: the packages whose middleware, guards, plugins or limiter
 * objects limit requests, what each counts requests by when told nothing, the method its limiter
 * objects are consumed with, and the options that name a limiter's key function.
 * engine/routes/rate-limits.ts holds the matching (which limiters apply to a route, what their key
 * reads); engine/routes/classify-middleware.ts classifies the `middleware` packages' exports as
 * rate-limit middleware. A project's own limiter is a config `models` entry of kind `rate-limiter`
 * (engine/models.ts).
 */

/** How a handler spends one request on a limiter object it holds: `limiter.consume(key)`, `ratelimit.limit(id)`, `aj.protect(req)`. */
export type RateLimiterConsumeMethod = 'consume' | 'limit' | 'protect';

export interface RateLimiterPackageModel {
  package: string;
  /** Its exports are used as middleware, a guard or a plugin: applied to a route, they are a `rate-limit` step. */
  middleware: boolean;
  /** Counts requests per client IP unless a key option (RATE_LIMIT_KEY_OPTIONS) says otherwise. */
  ipByDefault: boolean;
  /** Its limiter objects are consumed by hand with this method; the call's argument (or, for Arcjet, the client's `characteristics`) is the key. */
  consumedWith?: RateLimiterConsumeMethod;
}

export const RATE_LIMITER_PACKAGES: readonly RateLimiterPackageModel[] = [
  { package: 'express-rate-limit', middleware: true, ipByDefault: true },
  { package: 'express-slow-down', middleware: true, ipByDefault: true },
  { package: 'express-brute', middleware: true, ipByDefault: true },
  { package: 'express-limiter', middleware: true, ipByDefault: true },
  { package: '@fastify/rate-limit', middleware: true, ipByDefault: true },
  { package: 'fastify-rate-limit', middleware: true, ipByDefault: true },
  { package: 'koa-ratelimit', middleware: true, ipByDefault: true },
  { package: '@nestjs/throttler', middleware: true, ipByDefault: true },
  { package: 'hono-rate-limiter', middleware: true, ipByDefault: false },
  { package: 'rate-limiter-flexible', middleware: true, ipByDefault: false, consumedWith: 'consume' },
  { package: '@upstash/ratelimit', middleware: true, ipByDefault: false, consumedWith: 'limit' },
  { package: '@arcjet/node', middleware: true, ipByDefault: false, consumedWith: 'protect' },
  { package: '@arcjet/next', middleware: true, ipByDefault: false, consumedWith: 'protect' },
  { package: '@arcjet/bun', middleware: false, ipByDefault: false, consumedWith: 'protect' },
  { package: 'arcjet', middleware: false, ipByDefault: false, consumedWith: 'protect' },
];

/**
 * Options that name what a limiter counts by, tried in this order on a limiter's options object:
 * `keyGenerator` (express-rate-limit, express-slow-down, @fastify/rate-limit, hono-rate-limiter and
 * most others), koa-ratelimit's `id`, `getKey`, `key`, `lookup`, and Arcjet's `characteristics`
 * (`["userId"]`). The value is a function (or a method) whose body is read, or Arcjet's list.
 */
export const RATE_LIMIT_KEY_OPTIONS: readonly string[] = ['keyGenerator', 'id', 'getKey', 'key', 'lookup', 'characteristics'];

/**
 * @nestjs/throttler: `ThrottlerGuard` (app-wide or `@UseGuards`) limits per IP unless a subclass
 * overrides `getTracker`; `@Throttle()` on a handler or controller sets its limit, `@SkipThrottle()`
 * turns the guard off there (`@SkipThrottle({ default: false })` back on).
 */
export const NEST_THROTTLER = {
  package: '@nestjs/throttler',
  guard: 'ThrottlerGuard',
  trackerMethod: 'getTracker',
  /** The guard method that counts a request (and calls getTracker for the key); a subclass may count by its own key there. */
  requestMethod: 'handleRequest',
  limitDecorator: 'Throttle',
  skipDecorator: 'SkipThrottle',
} as const;

/** Packages whose limiter counts requests per client IP unless told otherwise. */
export const IP_DEFAULT_RATE_LIMITERS: ReadonlySet<string> = new Set(RATE_LIMITER_PACKAGES.filter((entry) => entry.ipByDefault).map((entry) => entry.package));
/** Every rate-limiting package. */
export const RATE_LIMITER_PACKAGE_NAMES: ReadonlySet<string> = new Set(RATE_LIMITER_PACKAGES.map((entry) => entry.package));

/**
 * Tables a project's own limiter counts requests in (`rateLimit`, `api_rate_limits`, `ThrottleCounter`,
 * `RateLimitBucket`): a row is the count the server keeps for an IP or a key over a time window, written
 * for every caller alike, the anonymous one included. Writing one is the limiter at work, neither a
 * change to anybody's record (no owner to check) nor a state change that needs a signed-in caller.
 * Settings about limits (`rateLimitConfig`) are not counters and do not match.
 */
export const RATE_LIMIT_COUNTER_MODEL = /^(?:[a-z]+_?)?(?:rate_?limit(?:er)?|throttl(?:e|ing))s?(?:_?(?:bucket|counter|entry|entries|record|hit|window|log)s?)?$/i;
