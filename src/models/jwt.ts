/**
 * JSON Web Token libraries as data: which calls sign, verify or only decode a token, where their
 * key and options go, the option names that choose algorithms and expiry, the module-level
 * configurations that set defaults for later calls, and the library versions that changed a
 * default. The matching lives in rules/utils/jwt-calls.ts; the rules jwt-none-alg,
 * jwt-verify-without-algorithms, jwt-decode-auth and jwt-no-expiry judge what it finds.
 * (models/auth.ts lists the verifiers the route engine counts as authentication; this file is
 * about how each call is configured.)
 */

export type JwtOperation = 'sign' | 'verify' | 'decode';

/**
 * One function or method of a JWT library. `members` is the chain engine/names/module-callee.ts
 * gives for the callee after the package: `['verify']` for `jwt.verify` on a default or
 * namespace import (or `verify` imported by name), `['new JwtService()', 'sign']` for
 * `this.jwtService.sign` in a class that injects JwtService, `[]` for a default export called
 * as a function. Argument positions are 0-based.
 */
export interface JwtFunction {
  package: string;
  members: readonly string[];
  operation: JwtOperation;
  /** The token (verify, decode). */
  token?: number;
  /** The claims (sign). */
  payload?: number;
  /** The secret, public key or key-retrieval function. */
  key?: number;
  /** The options object; for @nestjs/jwt the secret or key goes in it too. */
  options?: number;
  /**
   * jwt-simple decodes without checking the signature only when this argument is `true`
   * (`jwt.decode(token, secret, true)`); otherwise its decode verifies.
   */
  noVerifyArgument?: number;
}

export const JWT_FUNCTIONS: readonly JwtFunction[] = [
  { package: 'jsonwebtoken', members: ['sign'], operation: 'sign', payload: 0, key: 1, options: 2 },
  { package: 'jsonwebtoken', members: ['verify'], operation: 'verify', token: 0, key: 1, options: 2 },
  { package: 'jsonwebtoken', members: ['decode'], operation: 'decode', token: 0, options: 1 },
  // @nestjs/jwt wraps jsonwebtoken; a JwtService is injected (`this.jwtService`) or made with `new JwtService(options)`.
  { package: '@nestjs/jwt', members: ['new JwtService()', 'sign'], operation: 'sign', payload: 0, options: 1 },
  { package: '@nestjs/jwt', members: ['new JwtService()', 'signAsync'], operation: 'sign', payload: 0, options: 1 },
  { package: '@nestjs/jwt', members: ['new JwtService()', 'verify'], operation: 'verify', token: 0, options: 1 },
  { package: '@nestjs/jwt', members: ['new JwtService()', 'verifyAsync'], operation: 'verify', token: 0, options: 1 },
  { package: '@nestjs/jwt', members: ['new JwtService()', 'decode'], operation: 'decode', token: 0, options: 1 },
  // jose: `jwtVerify` checks the key type against the algorithm itself and supports no `none`.
  { package: 'jose', members: ['jwtVerify'], operation: 'verify', token: 0, key: 1, options: 2 },
  { package: 'jose', members: ['decodeJwt'], operation: 'decode', token: 0 },
  // jwt-decode: v4 exports `jwtDecode`, v3 a default export.
  { package: 'jwt-decode', members: ['jwtDecode'], operation: 'decode', token: 0, options: 1 },
  { package: 'jwt-decode', members: [], operation: 'decode', token: 0, options: 1 },
  { package: 'jwt-decode', members: ['default'], operation: 'decode', token: 0, options: 1 },
  // hono/jwt: `sign(payload, secret, alg)`, `verify(token, secret, alg)` (HS256 unless told), `decode(token)`.
  { package: 'hono/jwt', members: ['sign'], operation: 'sign', payload: 0, key: 1 },
  { package: 'hono/jwt', members: ['verify'], operation: 'verify', token: 0, key: 1 },
  { package: 'hono/jwt', members: ['decode'], operation: 'decode', token: 0 },
  { package: 'hono/utils/jwt', members: ['Jwt', 'decode'], operation: 'decode', token: 0 },
  { package: 'hono/utils/jwt', members: ['Jwt', 'verify'], operation: 'verify', token: 0, key: 1 },
  // jwt-simple: `encode(payload, key, alg)`, `decode(token, key, noVerify, alg)`.
  { package: 'jwt-simple', members: ['encode'], operation: 'sign', payload: 0, key: 1 },
  { package: 'jwt-simple', members: ['decode'], operation: 'verify', token: 0, key: 1, noVerifyArgument: 2 },
  // jws (under jsonwebtoken): `decode(signature)` returns { header, payload } unchecked; `verify(signature, algorithm, key)`.
  { package: 'jws', members: ['decode'], operation: 'decode', token: 0, options: 1 },
  { package: 'jws', members: ['verify'], operation: 'verify', token: 0, key: 2 },
  { package: '@tsndr/cloudflare-worker-jwt', members: ['verify'], operation: 'verify', token: 0, key: 1, options: 2 },
  { package: '@tsndr/cloudflare-worker-jwt', members: ['decode'], operation: 'decode', token: 0 },
];

/** Option names, as the libraries spell them. */
export const JWT_OPTIONS = {
  /** The list of algorithms a verifier accepts (jsonwebtoken, passport-jwt, express-jwt, koa-jwt, fast-jwt, jose). */
  verifyAlgorithms: 'algorithms',
  /** The algorithm a signer uses (jsonwebtoken, @nestjs/jwt, fast-jwt). */
  signAlgorithm: 'algorithm',
  /** The lifetime a signer writes into `exp` (jsonwebtoken, @nestjs/jwt, @fastify/jwt, fast-jwt). */
  expiresIn: 'expiresIn',
  /** The expiry claim, when the payload carries it. */
  expiryClaim: 'exp',
  /** The value that means "no signature". */
  noneAlgorithm: 'none',
} as const;

/**
 * Configurations that set defaults for the calls made later with what they configure, or
 * verify on their own (middleware, strategies). `path` is where each option sits in the
 * options object; `members` as in JwtFunction (`['JwtModule', 'register']`).
 */
export interface JwtConfiguration {
  package: string;
  /** How a message names it: `passport-jwt Strategy`, `@nestjs/jwt JwtModule`. */
  label: string;
  /** Call forms; `register` is a framework plugin registration (`fastify.register(plugin, options)`). */
  members: ReadonlyArray<readonly string[]>;
  kind: 'module' | 'plugin' | 'strategy' | 'middleware';
  /** Index of the options object in the call (the plugin's options in `register(plugin, options)`). */
  options: number;
  /** Where the verify algorithm list sits: `['verifyOptions', 'algorithms']`. One path per alias. */
  verifyAlgorithms?: ReadonlyArray<readonly string[]>;
  signAlgorithm?: ReadonlyArray<readonly string[]>;
  /** Where a default lifetime for signed tokens sits. */
  signExpiresIn?: ReadonlyArray<readonly string[]>;
  /** Options that hand the verifier a key-retrieval function or a key (`secretOrKeyProvider`, `secret`). */
  keyOptions?: readonly string[];
  /** The verifier refuses to start without an algorithm list from this version on (express-jwt 6). */
  algorithmsRequiredFrom?: string;
}

export const JWT_CONFIGURATIONS: readonly JwtConfiguration[] = [
  {
    package: '@nestjs/jwt',
    label: '@nestjs/jwt JwtModule/JwtService options',
    members: [['JwtModule', 'register'], ['JwtModule', 'registerAsync'], ['JwtService']],
    kind: 'module',
    options: 0,
    verifyAlgorithms: [['verifyOptions', 'algorithms']],
    signAlgorithm: [['signOptions', 'algorithm']],
    signExpiresIn: [['signOptions', 'expiresIn']],
    keyOptions: ['publicKey', 'secretOrKeyProvider', 'secret'],
  },
  {
    package: '@fastify/jwt',
    label: '@fastify/jwt registration',
    members: [[], ['fastifyJwt'], ['default']],
    kind: 'plugin',
    options: 1,
    verifyAlgorithms: [['verify', 'algorithms']],
    signAlgorithm: [['sign', 'algorithm']],
    signExpiresIn: [['sign', 'expiresIn']],
    keyOptions: ['secret'],
  },
  {
    package: 'fastify-jwt',
    label: 'fastify-jwt registration',
    members: [[], ['default']],
    kind: 'plugin',
    options: 1,
    verifyAlgorithms: [['verify', 'algorithms']],
    signAlgorithm: [['sign', 'algorithm']],
    signExpiresIn: [['sign', 'expiresIn']],
    keyOptions: ['secret'],
  },
  {
    package: 'passport-jwt',
    label: 'passport-jwt Strategy',
    members: [['Strategy'], ['default', 'Strategy']],
    kind: 'strategy',
    options: 0,
    verifyAlgorithms: [['algorithms'], ['jsonWebTokenOptions', 'algorithms']],
    keyOptions: ['secretOrKeyProvider', 'secretOrKey'],
  },
  {
    package: 'express-jwt',
    label: 'express-jwt middleware',
    members: [[], ['expressjwt'], ['expressJwt'], ['default']],
    kind: 'middleware',
    options: 0,
    verifyAlgorithms: [['algorithms']],
    keyOptions: ['secret'],
    algorithmsRequiredFrom: '6.0.0',
  },
  {
    package: 'koa-jwt',
    label: 'koa-jwt middleware',
    members: [[], ['default']],
    kind: 'middleware',
    options: 0,
    verifyAlgorithms: [['algorithms']],
    keyOptions: ['secret'],
  },
  {
    package: 'fast-jwt',
    label: 'fast-jwt createVerifier()',
    members: [['createVerifier']],
    kind: 'middleware',
    options: 0,
    verifyAlgorithms: [['algorithms']],
    keyOptions: ['key'],
  },
  {
    package: 'fast-jwt',
    label: 'fast-jwt createSigner()',
    members: [['createSigner']],
    kind: 'module',
    options: 0,
    signAlgorithm: [['algorithm']],
    signExpiresIn: [['expiresIn']],
    keyOptions: ['key'],
  },
];

/**
 * Methods a framework plugin adds once registered: @fastify/jwt decorates the reply and request
 * with `jwtSign`, and the instance with `jwt.sign`; they take (payload, options) and fall back on
 * the registration's `sign` defaults.
 */
export const FASTIFY_JWT_SIGN_METHODS: readonly string[] = ['jwtSign'];
export const FASTIFY_JWT_INSTANCE_MEMBER = 'jwt';

/**
 * jose builds tokens with a chain: `new SignJWT(claims).setProtectedHeader({ alg }).setExpirationTime('2h').sign(key)`.
 * An unsecured JWT (`alg: none`) has its own class, whose `decode` accepts only unsigned tokens.
 */
export const JOSE = {
  package: 'jose',
  signerClass: 'SignJWT',
  expiryMethod: 'setExpirationTime',
  signMethod: 'sign',
  unsecuredClass: 'UnsecuredJWT',
  unsecuredDecode: 'decode',
} as const;

/**
 * Versions that changed what a call without an algorithm list accepts.
 * jsonwebtoken 9.0.0 (CVE-2022-23540, CVE-2022-23541): `verify` derives the allowed algorithms
 * from the key's type and rejects an HS* token checked with an asymmetric (public) key, also when
 * a key-retrieval function returns the key, and accepts unsigned tokens only when `none` is listed.
 * Before 9, `verify` with no `algorithms` picked RS/ES for a key whose text is PEM (since 4.2.2) and
 * HS otherwise, and allowed `none` when the key was empty: a key-retrieval function that finds no
 * key lets an unsigned token through, and one serving both secrets and public keys lets an HS256
 * token signed with a public key pass. passport-jwt depends on jsonwebtoken ^9 from
 * 4.0.1 (mikenicholson/passport-jwt#250); express-jwt refuses to start without `algorithms` from 6.0.0.
 */
/**
 * jsonwebtoken 4.2.2 (CVE-2015-9235): before it, `verify` with no `algorithms` used whatever the
 * token header named, so a public key was taken as the HMAC secret of an HS256 token anyone can sign.
 */
export const PEM_DEFAULTS_FROM = { package: 'jsonwebtoken', version: '4.2.2' } as const;

/** Words of a key expression that say it is a public key or certificate (`publicKey`, `JWT_PUBLIC_KEY`, `jwt.pub`, `cert`). */
export const PUBLIC_KEY_WORDS: readonly string[] = ['public', 'pub', 'cert', 'certificate', 'x509', 'spki'];

export const KEY_TYPE_CHECKED_FROM: Readonly<Record<string, string>> = {
  jsonwebtoken: '9.0.0',
  'passport-jwt': '4.0.1',
  'express-jwt': '6.0.0',
};

/**
 * Packages whose `*Secret()` helpers return a key-retrieval function for a verifier: jwks-rsa
 * (`expressJwtSecret`, `passportJwtSecret`, `koaJwtSecret`, `hapiJwt2KeyAsync`).
 */
export const KEY_PROVIDER_PACKAGES: readonly string[] = ['jwks-rsa'];

/**
 * A JWT decoded by hand: the payload is the second dot-separated segment of the token
 * (`token.split('.')[1]`), base64url text that `JSON.parse` turns into the claims once a base64
 * decoder has run on it. No signature is checked. The decoders, as data:
 * `Buffer.from(segment, 'base64')` (Node), `atob(segment)` (browsers, Node 16+, workers), and
 * library helpers whose callee path names base64 and ends in a decode (`base64url.decode`,
 * node-jose `jose.util.base64url.decode`, js-base64 `Base64.decode`, `decodeBase64Url`).
 */
export const HAND_DECODED_JWT = {
  segmentSeparator: '.',
  payloadSegment: 1,
  bufferEncodings: ['base64', 'base64url'] as readonly string[],
  globalDecoders: ['atob'] as readonly string[],
  /** A callee path (`jose.util.base64url.decode`, `decodeBase64Url`) with both words is a base64 decoder. */
  decoderPathWords: [/base64/i, /decode/i] as readonly RegExp[],
  /** The step that turns the decoded text into the claims. */
  parser: 'JSON.parse',
} as const;

/**
 * A function's text that reads a token's claims without checking its signature: a decode by hand
 * (HAND_DECODED_JWT: the `.split('.')` payload, a base64 decoder, `JSON.parse`) or a decode-only
 * call (jsonwebtoken `jwt.decode`, jwt-decode `jwtDecode`, jose `decodeJwt`). Reading the
 * Authorization header only to do this checks no credential. A function that also verifies
 * (VERIFYING_TEXT) is judged as before. Each group matches when all its patterns do, in any order.
 */
export const UNVERIFIED_DECODE_TEXTS: ReadonlyArray<readonly RegExp[]> = [
  [/\.split\(\s*['"]\.['"]\s*\)/, /\bbase64|\batob\s*\(/i, /\bJSON\.parse\s*\(/],
  [/\bjwt\.decode\s*\(|\bjwtDecode\s*\(|\bdecodeJwt\s*\(/],
];
/** A call that verifies: `jwt.verify(`, `verifyToken(`, `jwtVerify(`, `authenticate(`. */
export const VERIFYING_TEXT = /\b\w*(?:verify|Verify|authenticate|Authenticate)\w*\s*\(/;
