/**
 * HTTP clients as data: the packages that send an outgoing request, the calls and methods that do,
 * which argument names the target, how an instance's base URL treats it, and the request options
 * that name a target or an agent. rules/utils/http-client-sinks.ts holds the matching (the call
 * shapes per client: `axios.create().get()`, `got.stream.get()`, `needle(method, url)`),
 * rules/utils/url-host-control.ts judges whether request data chooses the host, and rules/ssrf.ts
 * looks for a filtering agent. Adding a client of a known shape is an entry here and a fixture in
 * fixtures/rules/ssrf.
 */

/** Methods that send a request, on a client and on its instances (`axios.get`, `got.post`, `request.del`). */
export const HTTP_VERBS: ReadonlySet<string> = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options', 'request', 'stream', 'postForm', 'putForm', 'patchForm']);

/** Which matcher in rules/utils/http-client-sinks.ts reads an entry (each has its own call shapes). */
export type HttpClientShape = 'axios' | 'nestjs-axios' | 'got' | 'ky' | 'node-http' | 'undici' | 'needle' | 'superagent' | 'fetch' | 'request';

export interface HttpClientModel {
  shape: HttpClientShape;
  packages: readonly string[];
  /** Whether calling the package's export itself sends a request (`axios(url)`, `got(url)`). */
  callable: boolean;
  /** Methods that send a request (on the package, or on an instance or service). */
  methods: ReadonlySet<string>;
  /** The argument that holds the URL or the request options (needle and superagent: also after a method name). */
  argument: number;
  /**
   * Calls that make an instance, and the option that gives it a base URL: `overridable` when an
   * absolute URL in the argument replaces the base (axios `baseURL`), `concatenated` when the
   * argument is appended to it (got/ky `prefixUrl`) and cannot change the host.
   */
  instances?: { factories: readonly string[]; baseOption: string; prefix: 'overridable' | 'concatenated' };
  /** An injected service class and its member that exposes the underlying client (`this.http.axiosRef.get()`). */
  service?: { className: string; clientMember: string };
  /** Classes whose first constructor argument is the origin every later request goes to. */
  constructors?: readonly string[];
}

export const HTTP_CLIENTS: readonly HttpClientModel[] = [
  { shape: 'axios', packages: ['axios'], callable: true, methods: HTTP_VERBS, argument: 0, instances: { factories: ['create'], baseOption: 'baseURL', prefix: 'overridable' } },
  { shape: 'nestjs-axios', packages: ['@nestjs/axios'], callable: false, methods: HTTP_VERBS, argument: 0, service: { className: 'HttpService', clientMember: 'axiosRef' } },
  { shape: 'got', packages: ['got'], callable: true, methods: HTTP_VERBS, argument: 0, instances: { factories: ['extend'], baseOption: 'prefixUrl', prefix: 'concatenated' } },
  { shape: 'ky', packages: ['ky'], callable: true, methods: HTTP_VERBS, argument: 0, instances: { factories: ['create', 'extend'], baseOption: 'prefixUrl', prefix: 'concatenated' } },
  { shape: 'node-http', packages: ['http', 'https'], callable: false, methods: new Set(['request', 'get']), argument: 0 },
  { shape: 'undici', packages: ['undici'], callable: false, methods: new Set(['request', 'fetch', 'stream', 'pipeline', 'connect']), argument: 0, constructors: ['Client', 'Pool', 'Agent'] },
  // needle(method, url, ...), needle.request(method, url, ...), needle.get(url)
  { shape: 'needle', packages: ['needle'], callable: true, methods: HTTP_VERBS, argument: 1 },
  // superagent(url), superagent(method, url), superagent.get(url)
  { shape: 'superagent', packages: ['superagent'], callable: true, methods: HTTP_VERBS, argument: 0 },
  { shape: 'fetch', packages: ['node-fetch', 'cross-fetch', 'isomorphic-fetch', 'isomorphic-unfetch', 'make-fetch-happen'], callable: true, methods: new Set(['fetch', 'default']), argument: 0 },
  { shape: 'request', packages: ['request', 'request-promise', 'request-promise-native', 'postman-request'], callable: true, methods: HTTP_VERBS, argument: 0 },
];

/** The global fetch (Node 18+, Next.js, Hono), called by name or on these global objects. */
export const GLOBAL_FETCH = { name: 'fetch', owners: ['globalThis', 'window'] } as const;

/** Request options that name the target's origin, in the order they are read (fetch's Request init has none of these). */
export const HOST_OPTIONS: readonly string[] = ['baseURL', 'baseUrl', 'prefixUrl', 'origin', 'host', 'hostname', 'protocol'];
/** Request options that hold the whole URL. */
export const URL_OPTIONS: readonly string[] = ['url', 'uri', 'href'];


/** Request options that take an agent or dispatcher (where request-filtering-agent and its kind are passed). */
export const AGENT_OPTIONS: ReadonlySet<string> = new Set(['agent', 'httpAgent', 'httpsAgent', 'dispatcher']);

/**
 * Host names that never leave the machine or the private network, or are reserved for examples and
 * tests (RFC 6761, RFC 2606): a cleartext request there does not cross a public network. A name
 * with no dot is one too (a docker-compose or Kubernetes service: `http://api:3000`).
 */
export const PRIVATE_HOST_NAMES: ReadonlySet<string> = new Set(['localhost', 'example.com', 'example.org', 'example.net']);
export const PRIVATE_HOST_SUFFIXES: readonly string[] = ['.localhost', '.local', '.localdomain', '.internal', '.intranet', '.lan', '.home', '.corp', '.svc', '.consul', '.test', '.example', '.invalid', '.example.com', '.example.org', '.example.net'];

/** Request options that carry credentials whatever their value is named (`auth: 'user:pass'`, axios `auth: { username, password }`). */
export const CREDENTIAL_REQUEST_OPTIONS: ReadonlySet<string> = new Set(['auth']);

/** Options that hold a whole URL or a base URL a request is sent to (`axios.create({ baseURL })`). */
export const FULL_URL_OPTIONS: readonly string[] = ['url', 'uri', 'href', 'baseURL', 'baseUrl', 'prefixUrl'];

/** Query parameters that carry an API key under a name that says nothing else (`?appid=` OpenWeather, `?key=` Google APIs). */
export const CREDENTIAL_QUERY_PARAMETERS: ReadonlySet<string> = new Set(['key', 'appid', 'appkey', 'app_key', 'access_key', 'auth', 'authkey', 'auth_key']);
