/**
 * Hashing and random-number libraries as data: which digests are fast (unfit for passwords), which
 * packages export them, and the work factors below which a password hash is too cheap to guess
 * against. rules/weak-password-hash.ts and rules/insecure-randomness.ts hold the matching.
 */

/**
 * Digest names (`crypto.createHash(name)`, lower-cased, `-` removed) that are one fast pass: a GPU
 * tries billions of guesses a second, salted or not (CWE-916, CWE-328).
 */
export const FAST_DIGESTS: ReadonlySet<string> = new Set([
  'md4', 'md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha512224', 'sha512256',
  'sha3224', 'sha3256', 'sha3384', 'sha3512', 'ripemd160', 'rmd160', 'blake2b512', 'blake2s256', 'shake128', 'shake256', 'sm3', 'whirlpool',
]);

/** The Node modules whose `createHash` is the built-in one. */
export const NODE_CRYPTO_MODULES: ReadonlySet<string> = new Set(['crypto', 'node:crypto']);

/**
 * Packages whose default export (or the export named) is a one-pass digest function called on the
 * value: `md5(password)`, `sha1(password)`, `CryptoJS.SHA256(password)`, `SHA256(password)` from
 * `crypto-js/sha256`. Keyed by package; the value names the exports that digest ('default' is the
 * module itself called as a function).
 */
export const DIGEST_FUNCTION_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  md5: ['default'],
  'blueimp-md5': ['default'],
  'js-md5': ['default', 'md5', 'hex', 'create'],
  'md5-hex': ['default'],
  sha1: ['default'],
  'js-sha1': ['default', 'sha1'],
  'js-sha256': ['default', 'sha256', 'sha224'],
  'js-sha512': ['default', 'sha512', 'sha384'],
  'crypto-js': ['MD5', 'SHA1', 'SHA224', 'SHA256', 'SHA384', 'SHA512', 'SHA3', 'RIPEMD160'],
  'crypto-js/md5': ['default'],
  'crypto-js/sha1': ['default'],
  'crypto-js/sha224': ['default'],
  'crypto-js/sha256': ['default'],
  'crypto-js/sha384': ['default'],
  'crypto-js/sha512': ['default'],
  'crypto-js/sha3': ['default'],
};

/** bcrypt implementations: `hash(password, rounds)`, `genSalt(rounds)`; the rounds argument's index. */
export const BCRYPT_PACKAGES: ReadonlySet<string> = new Set(['bcrypt', 'bcryptjs', 'bcrypt-nodejs', '@node-rs/bcrypt', 'bcrypt-ts']);
export const BCRYPT_COST_ARGUMENT: Readonly<Record<string, number>> = { hash: 1, hashSync: 1, genSalt: 0, genSaltSync: 0 };
/**
 * Slow password hashes by package: the exports that hash or check a password (bcrypt takes it first,
 * argon2's `verify(hash, password)` second).
 * A fast digest whose output only feeds one of these is a pre-hash (`bcrypt.hash(sha256(password))`,
 * common to get past bcrypt's 72-byte limit): the stored hash is the slow one.
 */
export const SLOW_PASSWORD_HASH_FUNCTIONS: Readonly<Record<string, readonly string[]>> = {
  ...Object.fromEntries([...BCRYPT_PACKAGES].map((module) => [module, ['hash', 'hashSync', 'compare', 'compareSync']])),
  argon2: ['hash', 'verify'],
  '@node-rs/argon2': ['hash', 'hashSync', 'verify', 'verifySync'],
  ...Object.fromEntries([...NODE_CRYPTO_MODULES].map((module) => [module, ['scrypt', 'scryptSync', 'pbkdf2', 'pbkdf2Sync']])),
};
/** OWASP Password Storage Cheat Sheet: a bcrypt work factor of 10 at least. */
export const BCRYPT_MINIMUM_COST = 10;

/** Node's `pbkdf2(password, salt, iterations, keylen, digest, cb)` and its sync twin: the iterations index. */
export const PBKDF2_FUNCTIONS: Readonly<Record<string, number>> = { pbkdf2: 2, pbkdf2Sync: 2 };
/** The floor the issue sets (OWASP asks 600,000 for SHA-256 and 1,300,000 for SHA-1). */
export const PBKDF2_MINIMUM_ITERATIONS = 100_000;
/** crypto-js `PBKDF2(password, salt, { iterations })`: the options argument's index. */
export const CRYPTO_JS_PBKDF2 = { module: 'crypto-js', name: 'PBKDF2', optionsArgument: 2, iterationsOption: 'iterations' } as const;

/** Node's `scrypt(password, salt, keylen, options)`: the cost option names; OWASP's minimum N is 2^17, Node's default 2^14. */
export const SCRYPT_FUNCTIONS: ReadonlySet<string> = new Set(['scrypt', 'scryptSync']);
/**
 * Node crypto functions that take a secret key, by the index of that argument: a PBKDF2/scrypt output
 * used only there is an encryption or MAC key derived from a secret, not a stored password hash.
 */
export const CIPHER_KEY_ARGUMENTS: Readonly<Record<string, number>> = { createCipheriv: 1, createDecipheriv: 1, createHmac: 1, createSecretKey: 0 };
export const SCRYPT_COST_OPTIONS: ReadonlySet<string> = new Set(['N', 'cost']);
export const SCRYPT_MINIMUM_COST = 16_384;

/**
 * Model hooks that run before a record is saved (Mongoose `schema.pre('save')`, Sequelize
 * `beforeCreate`/`beforeSave`/`addHook`, TypeORM `@BeforeInsert`/`@BeforeUpdate`, Prisma `$use`/`$extends`
 * query hooks, Objection `$beforeInsert`, Bookshelf `on('saving')`). With a hashing library in the same
 * file they hash passwords the handlers pass in plain.
 */
export const PASSWORD_HASHING_HOOK = /\.pre\s*\(\s*['"](?:save|validate|updateOne|findOneAndUpdate)['"]|\bbefore(?:Create|Save|Update|BulkCreate)\b|\baddHook\s*\(|@Before(?:Insert|Update)\b|\$(?:use|extends)\s*\(|\$before(?:Insert|Update)\b|\.on\s*\(\s*['"]saving['"]/;
/** Password hashing libraries and functions, as their names appear in a file's text. */
export const PASSWORD_HASHING_LIBRARY = /\b(?:bcrypt|bcryptjs|argon2|scrypt|pbkdf2|hashPassword|hashSync)\b/i;
