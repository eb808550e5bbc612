import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SEVERITIES, type RuleOptionType, type Severity } from '../types.js';
import type { RuleMeta } from '../types.js';

/** What config validation needs of a rule: its id and the options it takes (not the rule contract, which reads the config). */
export interface ConfigurableRule {
  meta: Pick<RuleMeta, 'id'>;
  optionsSchema?: Record<string, RuleOptionType>;
}
import { UsageError } from './errors.js';

/** A rule's entry in config: off, a severity, or a severity plus rule options. */
export type RuleSetting = 'off' | Severity | { severity?: Severity; options?: Record<string, unknown> };

export interface TrustscanConfig {
  rules: Record<string, RuleSetting>;
  include: string[];
  exclude: string[];
  includeTests: boolean;
  /** Files larger than this many bytes are skipped with a warning. */
  maxFileSize: number;
  /** What the code cannot show about authentication (route inventory, access-control rules). */
  auth: AuthConfig;
  /** Names of project functions that make request data safe for every sink (e.g. "toSafeSortColumn"). */
  sanitizers: string[];
  /** Names of project functions that check a user may access an object (e.g. "assertOrderOwner"). */
  ownershipChecks: string[];
  /** Names of project functions that redact personal data before it is logged (e.g. "redactUser"). */
  redactors: string[];
  /**
   * Names of project middleware or functions that rate-limit (e.g. "loginLimiter", "consumeQuota"):
   * rate-limiter models matched by name (engine/models.ts namedRateLimiters).
   */
  rateLimiters: string[];
  /** Names of project functions that check a flow's state before it advances (e.g. "assertTransition"). */
  stateGuards: string[];
  /** Multi-step business flows declared in order, checked against the code and drawn by `trustscan flows`. */
  flows: FlowConfig[];
  /**
   * Library and project knowledge as data (engine/models.ts): `auth` names a middleware, hook or
   * guard by the file it is written in (anonymous hooks have no other name); `sink`, `sanitizer`
   * and `logger` name a project's own wrappers (or a package's functions) by module and export;
   * `rate-limiter` names a project's own limiter middleware or function the same way.
   */
  models: ModelConfig[];
  /** `trustscan flows --emit-tests`: values the code cannot show and what a refusal looks like. */
  flowTests?: FlowTestsConfig;
}

export interface FlowTestsConfig {
  /** Body field or path parameter name -> the value generated tests send (a payment provider's test token). */
  values?: Record<string, string | number | boolean>;
  /** Statuses that count as the server refusing a step out of order or a replay (default 400, 403, 409, 422). */
  expectStatus?: number[];
  /** Requests a rate-limited step gets before a 429 is expected (default 100). */
  rateLimitRequests?: number;
  /**
   * How generated tests sign in: the login route they call once per role, with the body in
   * TRUSTSCAN_LOGIN_<ROLE> (never in config), and where the answer holds the token.
   */
  login?: FlowTestsLogin;
  /** The GraphQL endpoint generated tests post operations to (default: the server's, else /graphql). */
  graphqlPath?: string;
  /** The tRPC adapter's base path generated tests call procedures under (default: its mount, else /trpc). */
  trpcPath?: string;
}

export interface FlowTestsLogin {
  /** POST (default), PUT or PATCH. */
  method: 'POST' | 'PUT' | 'PATCH';
  /** The login route's path, relative to BASE_URL (`/api/auth/login`). */
  path: string;
  /** Dotted path of the token in the JSON answer (`token`, `data.accessToken`); default: the common names. */
  tokenField?: string;
  /** How the credentials are sent: `json` (default) or `form` (application/x-www-form-urlencoded). */
  bodyFormat: 'json' | 'form';
}

export const MODEL_KINDS = ['auth', 'sink', 'sanitizer', 'logger', 'source', 'rate-limiter'] as const;
/** Sink categories a model can name, each read by its rule: sql-injection and raw-sql-concatenation, nosql-injection, command-injection, code-injection, path-traversal, ssrf. */
export const SINK_CATEGORIES = ['sql', 'nosql', 'command', 'code', 'path', 'url', 'html', 'regex'] as const;

/** `{ "kind": "auth", "file": "src/routes/api/autohooks.ts", "function": "verifySession" }`; file relative to the config file's folder. */
export interface AuthModelConfig {
  kind: 'auth';
  file: string;
  function?: string;
}

/**
 * `{ "kind": "sink", "category": "sql", "module": "./src/db", "function": "run", "argument": 0 }`: a
 * project wrapper (or a package's function) whose argument reaches the sink. `module` is a package
 * name or a path relative to the config file's folder; `function` a name or a member path
 * (`Db.prototype.run`, `db.run`).
 */
export interface SinkModelConfig {
  kind: 'sink';
  category: (typeof SINK_CATEGORIES)[number];
  module: string;
  function: string;
  argument: number;
}

/** `{ "kind": "sanitizer", "module": "./src/db", "function": "safeIdentifier" }`: its result is safe for the category's sinks (all sinks without one). */
export interface SanitizerModelConfig {
  kind: 'sanitizer';
  category?: (typeof SINK_CATEGORIES)[number];
  module: string;
  function: string;
}

/** `{ "kind": "logger", "module": "./src/audit", "export": "audit" }`: calls of the export or of its methods write log records. */
export interface LoggerModelConfig {
  kind: 'logger';
  module: string;
  export: string;
}

/**
 * `{ "kind": "source", "module": "my-rpc", "function": "onCall", "parameter": 0 }`: a function that
 * registers a handler clients call (an RPC framework, a queue of user requests); the handler's
 * parameter `parameter` holds client input. The handler is the call's last function argument, or
 * argument `argument` when given.
 */
export interface SourceModelConfig {
  kind: 'source';
  module: string;
  function: string;
  parameter: number;
  argument?: number;
}

/**
 * `{ "kind": "rate-limiter", "module": "./src/limits", "function": "limit" }`: a project's own
 * limiter (or a package's function) that rate-limits the routes it runs in front of (as middleware,
 * or made by a call: `limit({ max: 5 })`), or whose handler calls it. Config `rateLimiters` names
 * the same thing by name alone.
 */
export interface RateLimiterModelConfig {
  kind: 'rate-limiter';
  module: string;
  function: string;
}

export type ModelConfig = AuthModelConfig | SinkModelConfig | SanitizerModelConfig | LoggerModelConfig | SourceModelConfig | RateLimiterModelConfig;

/** `{ name: "checkout", steps: ["POST /cart", "POST /payment-intent", "POST /finalize-order"], entity: "Order", field: "status" }` */
export interface FlowConfig {
  name: string;
  /** Route ids `METHOD /path` in the order the flow runs them; paths as the route inventory prints them. */
  steps: string[];
  /** The model whose state the flow advances, when there is one. */
  entity?: string;
  /** That model's state field (status, state, stage, step). */
  field?: string;
}

export interface AuthConfig {
  /** Names of middleware/guards that authenticate, e.g. ["requireSession", "GatewayAuthGuard"]. */
  middleware: string[];
  /** Routes public by design: "GET /health", "/webhooks/*" (method optional, `*` matches anything). */
  publicRoutes: string[];
  /** Names of functions or middleware that check roles/permissions, e.g. ["assertStaff"]. */
  roleChecks: string[];
}

export interface LoadedConfig {
  config: TrustscanConfig;
  /** Absolute path of the file the config came from, or undefined for the defaults. */
  source?: string;
}

export const DEFAULT_MAX_FILE_SIZE = 1024 * 1024;

export function defaultConfig(): TrustscanConfig {
  return {
    rules: {},
    include: [],
    exclude: [],
    includeTests: false,
    maxFileSize: DEFAULT_MAX_FILE_SIZE,
    auth: { middleware: [], publicRoutes: [], roleChecks: [] },
    sanitizers: [],
    ownershipChecks: [],
    redactors: [],
    rateLimiters: [],
    stateGuards: [],
    flows: [],
    models: [],
  };
}

const CONFIG_FILE_NAME = 'trustscan.config.json';

/**
 * Finds the config a scan should use: an explicit --config file, else the nearest
 * trustscan.config.json or package.json "trustscan" key from `startDir` up to `stopDir`.
 * Walking up lets `trustscan scan ./src` from a repo root use the root's config.
 */
export function loadConfig(options: {
  explicitPath?: string;
  startDir: string;
  stopDir: string;
  rules: readonly ConfigurableRule[];
}): LoadedConfig {
  if (options.explicitPath) {
    const file = options.explicitPath;
    if (!existsSync(file)) throw new UsageError(`config file not found: ${file}`);
    const raw = readJson(file);
    const root = path.basename(file) === 'package.json' ? (raw as Record<string, unknown>)?.trustscan : raw;
    if (root === undefined) throw new UsageError(`${file}: has no "trustscan" key`);
    return { config: validateConfig(root, file, options.rules), source: file };
  }
  for (const dir of ancestors(options.startDir, options.stopDir)) {
    const configFile = path.join(dir, CONFIG_FILE_NAME);
    if (existsSync(configFile)) {
      return { config: validateConfig(readJson(configFile), configFile, options.rules), source: configFile };
    }
    const packageFile = path.join(dir, 'package.json');
    if (existsSync(packageFile)) {
      const pkg = readJson(packageFile) as Record<string, unknown> | null;
      if (pkg && typeof pkg === 'object' && 'trustscan' in pkg) {
        return {
          config: validateConfig(pkg.trustscan, `${packageFile} "trustscan"`, options.rules),
          source: packageFile,
        };
      }
    }
  }
  return { config: defaultConfig() };
}

/** startDir, its parent, ... up to and including stopDir (only when stopDir is an ancestor). */
function ancestors(startDir: string, stopDir: string): string[] {
  const dirs: string[] = [];
  let current = path.resolve(startDir);
  const stop = path.resolve(stopDir);
  const stopIsAncestor = current === stop || current.startsWith(stop + path.sep);
  for (;;) {
    dirs.push(current);
    if (!stopIsAncestor || current === stop) break;
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return dirs;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read config ${file}: ${(error as Error).message}`);
  }
  // Windows editors (Notepad, older Visual Studio) save UTF-8 with a byte order mark; JSON.parse rejects it.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: invalid JSON: ${(error as Error).message}`);
  }
}

const TOP_LEVEL_KEYS = ['$schema', '$comment', 'rules', 'include', 'exclude', 'includeTests', 'maxFileSize', 'auth', 'sanitizers', 'ownershipChecks', 'redactors', 'rateLimiters', 'stateGuards', 'flows', 'models', 'flowTests'] as const;
const FLOW_KEYS = ['name', 'steps', 'entity', 'field'] as const;
// `POST /orders/:id`, `MUTATION cancelOrder`, `QUERY order`, `TRPC order.cancel`, `LAMBDA POST /orders/{id}`.
const FLOW_STEP = /^(?:(?:LAMBDA\s+)?(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|SEARCH|ALL)\s+\/\S*|(?:QUERY|MUTATION|SUBSCRIPTION|FIELD)\s+[A-Za-z_][\w.]*|TRPC\s+[\w$.-]+)$/;
const AUTH_KEYS = ['middleware', 'publicRoutes', 'roleChecks'] as const;

/**
 * Validates untrusted JSON into a config. Every problem names its JSON path, because a
 * silently ignored typo in a security tool's config is a control that quietly does not run.
 */
export function validateConfig(raw: unknown, where: string, rules: readonly ConfigurableRule[]): TrustscanConfig {
  const fail = (jsonPath: string, problem: string): never => {
    throw new UsageError(`${where}: ${jsonPath}: ${problem}`);
  };
  if (!isPlainObject(raw)) fail('$', `must be an object, got ${describe(raw)}`);
  const input = raw as Record<string, unknown>;
  const config = defaultConfig();

  for (const key of Object.keys(input)) {
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key)) {
      fail(`$.${key}`, `unknown key (known keys: ${TOP_LEVEL_KEYS.filter((k) => !k.startsWith('$')).join(', ')})`);
    }
  }
  // Notes for people (JSON has no comments; `trustscan init` writes some): ignored, but still typed.
  if ('$comment' in input && typeof input.$comment !== 'string' && !(Array.isArray(input.$comment) && input.$comment.every((line) => typeof line === 'string'))) {
    fail('$.$comment', `must be a string or an array of strings, got ${describe(input.$comment)}`);
  }

  if ('rules' in input) {
    const ruleSettings = input.rules;
    if (!isPlainObject(ruleSettings)) fail('$.rules', `must be an object, got ${describe(ruleSettings)}`);
    for (const [ruleId, setting] of Object.entries(ruleSettings as Record<string, unknown>)) {
      const rulePath = `$.rules[${JSON.stringify(ruleId)}]`;
      const rule = rules.find((candidate) => candidate.meta.id === ruleId);
      if (!rule) return fail(rulePath, `unknown rule id (run "trustscan rules" to list them)`);
      config.rules[ruleId] = validateRuleSetting(setting, rulePath, rule.optionsSchema ?? {}, fail);
    }
  }
  for (const key of ['include', 'exclude'] as const) {
    if (key in input) {
      const value = input[key];
      if (!Array.isArray(value)) fail(`$.${key}`, `must be an array of glob strings, got ${describe(value)}`);
      (value as unknown[]).forEach((glob, index) => {
        if (typeof glob !== 'string' || glob.length === 0) {
          fail(`$.${key}[${index}]`, `must be a non-empty glob string, got ${describe(glob)}`);
        }
      });
      config[key] = [...(value as string[])];
    }
  }
  if ('auth' in input) {
    const auth = input.auth;
    if (!isPlainObject(auth)) fail('$.auth', `must be an object, got ${describe(auth)}`);
    for (const [key, value] of Object.entries(auth as Record<string, unknown>)) {
      if (!(AUTH_KEYS as readonly string[]).includes(key)) fail(`$.auth.${key}`, `unknown key (known keys: ${AUTH_KEYS.join(', ')})`);
      config.auth[key as (typeof AUTH_KEYS)[number]] = stringList(value, `$.auth.${key}`, fail);
    }
  }
  if ('sanitizers' in input) config.sanitizers = stringList(input.sanitizers, '$.sanitizers', fail);
  if ('ownershipChecks' in input) config.ownershipChecks = stringList(input.ownershipChecks, '$.ownershipChecks', fail);
  if ('redactors' in input) config.redactors = stringList(input.redactors, '$.redactors', fail);
  if ('rateLimiters' in input) config.rateLimiters = stringList(input.rateLimiters, '$.rateLimiters', fail);
  if ('stateGuards' in input) config.stateGuards = stringList(input.stateGuards, '$.stateGuards', fail);
  if ('flows' in input) config.flows = validateFlows(input.flows, fail);
  if ('models' in input) config.models = validateModels(input.models, fail);
  if ('flowTests' in input) config.flowTests = validateFlowTests(input.flowTests, fail);
  if ('includeTests' in input) {
    if (typeof input.includeTests !== 'boolean') fail('$.includeTests', `must be a boolean, got ${describe(input.includeTests)}`);
    config.includeTests = input.includeTests as boolean;
  }
  if ('maxFileSize' in input) {
    const size = input.maxFileSize;
    if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) {
      fail('$.maxFileSize', `must be a positive integer number of bytes, got ${describe(size)}`);
    }
    config.maxFileSize = size as number;
  }
  return config;
}

function validateRuleSetting(
  setting: unknown,
  rulePath: string,
  optionsSchema: Record<string, RuleOptionType>,
  fail: (jsonPath: string, problem: string) => never,
): RuleSetting {
  const levels = `"off", ${SEVERITIES.map((s) => `"${s}"`).join(', ')}`;
  if (typeof setting === 'string') {
    if (setting === 'off' || (SEVERITIES as readonly string[]).includes(setting)) return setting as RuleSetting;
    return fail(rulePath, `must be one of ${levels} or an object, got ${JSON.stringify(setting)}`);
  }
  if (!isPlainObject(setting)) return fail(rulePath, `must be one of ${levels} or an object, got ${describe(setting)}`);
  const entry = setting as Record<string, unknown>;
  const result: { severity?: Severity; options?: Record<string, unknown> } = {};
  for (const key of Object.keys(entry)) {
    if (key !== 'severity' && key !== 'options') fail(`${rulePath}.${key}`, 'unknown key (known keys: severity, options)');
  }
  if ('severity' in entry) {
    if (!(SEVERITIES as readonly unknown[]).includes(entry.severity)) {
      fail(`${rulePath}.severity`, `must be one of ${SEVERITIES.join(', ')}, got ${describe(entry.severity)}`);
    }
    result.severity = entry.severity as Severity;
  }
  if ('options' in entry) {
    if (!isPlainObject(entry.options)) fail(`${rulePath}.options`, `must be an object, got ${describe(entry.options)}`);
    for (const [name, value] of Object.entries(entry.options as Record<string, unknown>)) {
      const expected = optionsSchema[name];
      const optionPath = `${rulePath}.options.${name}`;
      if (!expected) {
        const known = Object.keys(optionsSchema);
        fail(optionPath, `unknown option (${known.length > 0 ? `known options: ${known.join(', ')}` : 'this rule takes no options'})`);
      }
      if (!matchesOptionType(value, expected!)) fail(optionPath, `must be ${expected}, got ${describe(value)}`);
    }
    result.options = entry.options as Record<string, unknown>;
  }
  return result;
}

function validateFlowTests(value: unknown, fail: (jsonPath: string, problem: string) => never): FlowTestsConfig {
  if (!isPlainObject(value)) return fail('$.flowTests', `must be an object, got ${describe(value)}`);
  const result: FlowTestsConfig = {};
  for (const [key, entry] of Object.entries(value)) {
    const at = `$.flowTests.${key}`;
    if (key === 'values') {
      if (!isPlainObject(entry)) fail(at, `must be an object of field names to values, got ${describe(entry)}`);
      for (const [field, fieldValue] of Object.entries(entry as Record<string, unknown>)) {
        if (!['string', 'number', 'boolean'].includes(typeof fieldValue)) fail(`${at}.${field}`, `must be a string, number or boolean, got ${describe(fieldValue)}`);
      }
      result.values = { ...(entry as Record<string, string | number | boolean>) };
    } else if (key === 'expectStatus') {
      if (!Array.isArray(entry) || entry.length === 0 || entry.some((status) => !Number.isInteger(status) || status < 400 || status > 599)) fail(at, `must be a non-empty array of 4xx/5xx status codes, got ${describe(entry)}`);
      result.expectStatus = [...(entry as number[])];
    } else if (key === 'rateLimitRequests') {
      if (!Number.isInteger(entry) || (entry as number) < 1 || (entry as number) > 10_000) fail(at, `must be an integer from 1 to 10000, got ${describe(entry)}`);
      result.rateLimitRequests = entry as number;
    } else if (key === 'login') {
      result.login = validateFlowTestsLogin(entry, at, fail);
    } else if (key === 'graphqlPath' || key === 'trpcPath') {
      result[key] = endpointPath(entry, at, fail);
    } else fail(at, `unknown key (known keys: ${FLOW_TESTS_KEYS.join(', ')})`);
  }
  return result;
}

const FLOW_TESTS_KEYS = ['values', 'expectStatus', 'rateLimitRequests', 'login', 'graphqlPath', 'trpcPath'] as const;
const LOGIN_KEYS = ['method', 'path', 'tokenField', 'bodyFormat'] as const;

/** A path on the tested server: relative to BASE_URL, so the loopback check covers it too. */
function endpointPath(value: unknown, at: string, fail: (jsonPath: string, problem: string) => never): string {
  if (typeof value !== 'string' || !/^\/[^\s?#]*$/.test(value) || value.startsWith('//')) fail(at, `must be a path starting with "/" (no host, query or spaces), got ${describe(value)}`);
  return value as string;
}

function validateFlowTestsLogin(value: unknown, at: string, fail: (jsonPath: string, problem: string) => never): FlowTestsLogin {
  if (!isPlainObject(value)) return fail(at, `must be an object like { "path": "/api/auth/login" }, got ${describe(value)}`);
  for (const key of Object.keys(value)) {
    if (!(LOGIN_KEYS as readonly string[]).includes(key)) fail(`${at}.${key}`, `unknown key (known keys: ${LOGIN_KEYS.join(', ')}; credentials are never read from config: set TRUSTSCAN_LOGIN_<ROLE> to the JSON body)`);
  }
  if (!('path' in value)) fail(`${at}.path`, 'is required (the login route, e.g. "/api/auth/login")');
  const login: FlowTestsLogin = { method: 'POST', path: endpointPath(value.path, `${at}.path`, fail), bodyFormat: 'json' };
  if ('method' in value) {
    const method = typeof value.method === 'string' ? value.method.toUpperCase() : undefined;
    if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH') fail(`${at}.method`, `must be "POST", "PUT" or "PATCH", got ${describe(value.method)}`);
    login.method = method as FlowTestsLogin['method'];
  }
  if ('tokenField' in value) {
    if (typeof value.tokenField !== 'string' || !/^[A-Za-z_$][\w$-]*(?:\.[A-Za-z_$][\w$-]*)*$/.test(value.tokenField)) fail(`${at}.tokenField`, `must be a dotted field path such as "token" or "data.accessToken", got ${describe(value.tokenField)}`);
    login.tokenField = value.tokenField as string;
  }
  if ('bodyFormat' in value) {
    if (value.bodyFormat !== 'json' && value.bodyFormat !== 'form') fail(`${at}.bodyFormat`, `must be "json" or "form", got ${describe(value.bodyFormat)}`);
    login.bodyFormat = value.bodyFormat as FlowTestsLogin['bodyFormat'];
  }
  return login;
}

function validateFlows(value: unknown, fail: (jsonPath: string, problem: string) => never): FlowConfig[] {
  if (!Array.isArray(value)) return fail('$.flows', `must be an array of flows, got ${describe(value)}`);
  const names = new Set<string>();
  return value.map((entry, index) => {
    const at = `$.flows[${index}]`;
    if (!isPlainObject(entry)) return fail(at, `must be an object with name and steps, got ${describe(entry)}`);
    for (const key of Object.keys(entry)) {
      if (!(FLOW_KEYS as readonly string[]).includes(key)) fail(`${at}.${key}`, `unknown key (known keys: ${FLOW_KEYS.join(', ')})`);
    }
    if (typeof entry.name !== 'string' || entry.name.trim() === '') fail(`${at}.name`, `must be a non-empty string, got ${describe(entry.name)}`);
    if (names.has(entry.name as string)) fail(`${at}.name`, `duplicate flow name ${JSON.stringify(entry.name)}`);
    names.add(entry.name as string);
    const steps = stringList(entry.steps, `${at}.steps`, fail);
    if (steps.length === 0) fail(`${at}.steps`, 'must list at least one step');
    steps.forEach((step, stepIndex) => {
      if (!FLOW_STEP.test(step.trim())) fail(`${at}.steps[${stepIndex}]`, `must be "METHOD /path" (e.g. "POST /orders/:id/finalize"), "MUTATION name", "TRPC router.procedure" or "LAMBDA METHOD /path", got ${JSON.stringify(step)}`);
    });
    const flow: FlowConfig = { name: entry.name as string, steps: steps.map((step) => step.trim().replace(/\s+/g, ' ')) };
    for (const key of ['entity', 'field'] as const) {
      if (key in entry) {
        if (typeof entry[key] !== 'string' || (entry[key] as string).trim() === '') fail(`${at}.${key}`, `must be a non-empty string, got ${describe(entry[key])}`);
        flow[key] = entry[key] as string;
      }
    }
    return flow;
  });
}

/** The keys each kind takes (and must have): one table, so errors can list them. */
const MODEL_KEYS: Record<ModelConfig['kind'], { required: readonly string[]; optional: readonly string[]; example: string }> = {
  auth: { required: ['file'], optional: ['function'], example: '{"kind": "auth", "file": "src/auth.ts", "function": "requireUser"}' },
  sink: { required: ['category', 'module', 'function'], optional: ['argument'], example: '{"kind": "sink", "category": "sql", "module": "./src/db", "function": "run", "argument": 0}' },
  sanitizer: { required: ['module', 'function'], optional: ['category'], example: '{"kind": "sanitizer", "category": "sql", "module": "./src/db", "function": "safeIdentifier"}' },
  logger: { required: ['module', 'export'], optional: [], example: '{"kind": "logger", "module": "./src/audit", "export": "audit"}' },
  source: { required: ['module', 'function'], optional: ['parameter', 'argument'], example: '{"kind": "source", "module": "my-rpc", "function": "onCall", "parameter": 0}' },
  'rate-limiter': { required: ['module', 'function'], optional: [], example: '{"kind": "rate-limiter", "module": "./src/limits", "function": "limit"}' },
};

function validateModels(value: unknown, fail: (jsonPath: string, problem: string) => never): ModelConfig[] {
  if (!Array.isArray(value)) return fail('$.models', `must be an array of model entries, got ${describe(value)}`);
  return value.map((entry, index) => {
    const at = `$.models[${index}]`;
    if (!isPlainObject(entry)) return fail(at, `must be an object such as ${MODEL_KEYS.auth.example}, got ${describe(entry)}`);
    if (!(MODEL_KINDS as readonly unknown[]).includes(entry.kind)) fail(`${at}.kind`, `must be one of ${MODEL_KINDS.map((kind) => JSON.stringify(kind)).join(', ')}, got ${describe(entry.kind)}`);
    const kind = entry.kind as ModelConfig['kind'];
    const keys = MODEL_KEYS[kind];
    const known = ['kind', ...keys.required, ...keys.optional];
    for (const key of Object.keys(entry)) {
      if (!known.includes(key)) fail(`${at}.${key}`, `unknown key for a "${kind}" model (its keys: ${known.join(', ')}; for example ${keys.example})`);
    }
    const text = (key: string, what: string): string => {
      const raw = entry[key];
      if (typeof raw !== 'string' || raw.trim() === '') fail(`${at}.${key}`, `must be ${what}, got ${describe(raw)}`);
      return (raw as string).trim();
    };
    const category = (): (typeof SINK_CATEGORIES)[number] => {
      if (!(SINK_CATEGORIES as readonly unknown[]).includes(entry.category)) fail(`${at}.category`, `must be one of ${SINK_CATEGORIES.map((name) => JSON.stringify(name)).join(', ')} (the categories modelled so far), got ${describe(entry.category)}`);
      return entry.category as (typeof SINK_CATEGORIES)[number];
    };
    const MODULE = 'a package name or a path relative to the config file\'s folder (./src/db)';
    const FUNCTION = 'a function name or member path (run, Db.prototype.run, db.run)';
    switch (kind) {
      case 'auth': {
        const model: AuthModelConfig = { kind, file: text('file', "a non-empty path relative to the config file's folder") };
        if ('function' in entry) model.function = text('function', 'a non-empty function name');
        return model;
      }
      case 'sink': {
        const argument = entry.argument ?? 0;
        if (typeof argument !== 'number' || !Number.isInteger(argument) || argument < 0) fail(`${at}.argument`, `must be the index of the argument that reaches the sink (0 for the first), got ${describe(entry.argument)}`);
        return { kind, category: category(), module: text('module', MODULE), function: text('function', FUNCTION), argument: argument as number };
      }
      case 'sanitizer': {
        const model: SanitizerModelConfig = { kind, module: text('module', MODULE), function: text('function', FUNCTION) };
        if ('category' in entry) model.category = category();
        return model;
      }
      case 'logger':
        return { kind, module: text('module', MODULE), export: text('export', 'the exported name of the logger (audit, default)') };
      case 'source': {
        const index = (key: string, what: string): number | undefined => {
          if (!(key in entry)) return undefined;
          const raw = entry[key];
          if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0) fail(`${at}.${key}`, `must be ${what}, got ${describe(raw)}`);
          return raw as number;
        };
        const model: SourceModelConfig = { kind, module: text('module', MODULE), function: text('function', FUNCTION), parameter: index('parameter', "the index of the handler's parameter that holds client input (0 for the first)") ?? 0 };
        const argument = index('argument', 'the index of the argument that is the handler (default: the last function argument)');
        if (argument !== undefined) model.argument = argument;
        return model;
      }
      case 'rate-limiter':
        return { kind, module: text('module', MODULE), function: text('function', 'the name or member path of the limiter middleware or function (limit, limits.login, Limiter.prototype.check)') };
    }
  });
}

function stringList(value: unknown, jsonPath: string, fail: (jsonPath: string, problem: string) => never): string[] {
  if (!Array.isArray(value)) return fail(jsonPath, `must be an array of strings, got ${describe(value)}`);
  value.forEach((item, index) => {
    if (typeof item !== 'string' || item.trim().length === 0) fail(`${jsonPath}[${index}]`, `must be a non-empty string, got ${describe(item)}`);
  });
  return [...(value as string[])];
}

function matchesOptionType(value: unknown, type: RuleOptionType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'string[]':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'boolean':
      return typeof value === 'boolean';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value === 'object' ? 'an object' : `the ${typeof value} ${String(value)}`}`;
}
