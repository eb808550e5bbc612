/**
 * The ways client code turns off TLS certificate verification, as data (rules/tls-reject-unauthorized.ts
 * matches them). Each option is named with the literal value that disables the check: any other
 * value, including one read from config, leaves verification to that value and is not reported.
 */

export interface TlsVerificationOption {
  /** The option as written in an options object or a connection string's query. */
  option: string;
  /** The literal that turns verification off. */
  disabledBy: boolean;
  /** Who reads it, for messages and `trustscan models`. */
  libraries: string;
  /** What it turns off, in words. */
  disables: string;
}

export const TLS_VERIFICATION_OPTIONS: readonly TlsVerificationOption[] = [
  { option: 'rejectUnauthorized', disabledBy: false, libraries: 'tls.connect, https.Agent/request, pg, mysql2, redis/ioredis, nodemailer, got, undici, axios httpsAgent', disables: 'certificate verification' },
  { option: 'strictSSL', disabledBy: false, libraries: 'request, postman-request', disables: 'certificate verification' },
  { option: 'sslValidate', disabledBy: false, libraries: 'mongodb (before 4.0), mongoose', disables: 'certificate verification' },
  { option: 'tlsAllowInvalidCertificates', disabledBy: true, libraries: 'mongodb, mongoose', disables: 'certificate verification' },
  { option: 'tlsAllowInvalidHostnames', disabledBy: true, libraries: 'mongodb, mongoose', disables: 'host name verification' },
  { option: 'tlsInsecure', disabledBy: true, libraries: 'mongodb, mongoose', disables: 'certificate and host name verification' },
];

/** Connection-string parameters that turn verification off, with the value that does (`sslmode=no-verify`: pg). */
export const TLS_CONNECTION_STRING_PARAMETERS: ReadonlyArray<{ parameter: string; value: string; libraries: string }> = [
  { parameter: 'tlsAllowInvalidCertificates', value: 'true', libraries: 'mongodb' },
  { parameter: 'tlsAllowInvalidHostnames', value: 'true', libraries: 'mongodb' },
  { parameter: 'tlsInsecure', value: 'true', libraries: 'mongodb' },
  { parameter: 'sslValidate', value: 'false', libraries: 'mongodb' },
  { parameter: 'sslmode', value: 'no-verify', libraries: 'pg (pg-connection-string)' },
];

/** The environment variable that turns verification off for every TLS connection of the process, and its value. */
export const TLS_DISABLING_ENVIRONMENT = { name: 'NODE_TLS_REJECT_UNAUTHORIZED', value: '0' } as const;

/** Methods that turn verification off on a request (superagent). */
export const TLS_DISABLING_METHODS: ReadonlySet<string> = new Set(['disableTLSCerts']);

/**
 * Calls that make a TLS server: there `rejectUnauthorized: false` means client certificates are
 * requested but not required (the handler usually checks `socket.authorized`), not that the
 * server trusts whatever it connects to.
 */
export const TLS_SERVER_FACTORIES: ReadonlySet<string> = new Set(['createServer', 'createSecureServer', 'createSecureContext', 'Server']);

/**
 * Members of a `tls.connect()` socket that send and read no application data: a socket used only
 * through these completes a handshake to look at the peer (its certificate, protocol, timing) and
 * closes, so an unverified certificate lets no one read or change anything it carries.
 */
export const TLS_HANDSHAKE_ONLY_MEMBERS: ReadonlySet<string> = new Set([
  'on', 'once', 'off', 'removeListener', 'removeAllListeners', 'destroy', 'end', 'setTimeout',
  'getPeerCertificate', 'getPeerX509Certificate', 'getProtocol', 'getCipher', 'getEphemeralKeyInfo',
  'authorized', 'authorizationError', 'alpnProtocol', 'servername', 'remoteAddress', 'destroyed',
]);
