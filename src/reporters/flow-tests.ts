/**
 * `trustscan flows --emit-tests <dir>`: for every sensitive step of every flow, a runnable HTTP test
 * file that calls the step out of order and a second time against a running instance, and expects
 * the server to refuse (OWASP API6 evidence: the guard works, or the test shows the gap). Pure: it
 * formats the flow model it is given; the runtime logic is one fixed helper module
 * (flow-test-runtime.ts) and each test file is data (requests, states) plus calls into it.
 *
 * Every value taken from scanned code (paths, field names, states, file names) enters the generated
 * source through JSON.stringify, or a comment with line breaks removed, never raw.
 */
import type { Flow, FlowModel, FlowStep, FlowTransition } from '../engine/flows/flow-model.js';
import type { DeclaredField } from '../engine/flows/schema-fields.js';
import { stepRequest, type StepRequest } from '../engine/flows/step-requests.js';
import type { RateLimitEvidence } from '../engine/routes/rate-limits.js';
import type { FlowTestsLogin } from '../engine/config.js';
import type { Route } from '../engine/routes/route.js';
import { FLOW_TEST_RUNTIME, FLOW_TEST_RUNTIME_FILE } from './flow-test-runtime.js';

export type FlowTestRunner = 'node' | 'vitest' | 'jest';

/** Config `flowTests`: values the code cannot show and what a refusal looks like. */
export interface FlowTestSettings {
  /** Body field or path parameter name -> the value to send (a payment provider's test token). */
  values: Readonly<Record<string, string | number | boolean>>;
  /** Statuses that count as the server refusing a step out of order or a replay. */
  expectStatus: readonly number[];
  /** Requests a rate-limited step gets before the test expects a 429. */
  rateLimitRequests: number;
  /** Config `flowTests.login`: the route the tests sign in with (credentials from TRUSTSCAN_LOGIN_<ROLE>). */
  login?: FlowTestsLogin;
  /** Config `flowTests.graphqlPath` / `trpcPath`: where GraphQL operations and tRPC procedures are served. */
  graphqlPath?: string;
  trpcPath?: string;
}

export const DEFAULT_FLOW_TEST_SETTINGS: FlowTestSettings = { values: {}, expectStatus: [400, 403, 409, 422], rateLimitRequests: 100 };

export interface GeneratedFile {
  /** Relative to the output folder. */
  path: string;
  content: string;
}

/** One request as the runtime sends it: the record id fills `idParameter`; body values are literals or named TODOs. */
interface RequestSpec {
  method: string;
  path: string;
  role: string | null;
  idParameter: string | null;
  body: Record<string, BodyValue>;
  /** `file:line` of the route, for messages. */
  at: string;
  /**
   * A GraphQL operation (POST `path`, the endpoint, with a query the runtime builds) or a tRPC
   * procedure (`path` is the adapter's base plus the procedure): the record id fills the body field
   * `idParameter` instead of a path parameter.
   */
  transport?: { kind: 'graphql'; field: string; operation: 'mutation' | 'query' } | { kind: 'trpc'; procedure: string; type: 'mutation' | 'query' };
}

type BodyValue = { literal: string | number | boolean } | { unique: 'email' } | { todo: string };

interface GenerateInput {
  model: FlowModel;
  routes: readonly Route[];
  rateLimits: ReadonlyMap<Route, readonly RateLimitEvidence[]>;
  runner: FlowTestRunner;
  settings: FlowTestSettings;
  version: string;
  /** What a request to a route carries, validation schemas included (inventoryFlows' requestOf); default: read from the route alone. */
  requestOf?: (route: Route) => StepRequest;
}

/** The files to write: the runtime module, then one test file per sensitive step, in flow order. */
export function generateFlowTests(input: GenerateInput): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  const used = new Set<string>([FLOW_TEST_RUNTIME_FILE]);
  for (const flow of input.model.flows) {
    for (const file of flow.kind === 'config' ? configFlowTests(flow, input) : entityFlowTests(flow, input)) {
      let name = file.path;
      for (let n = 2; used.has(name); n++) name = file.path.replace(/\.test\.mjs$/, `-${n}.test.mjs`);
      used.add(name);
      files.push({ path: name, content: file.content });
    }
  }
  if (files.length === 0) return [];
  return [{ path: FLOW_TEST_RUNTIME_FILE, content: FLOW_TEST_RUNTIME }, ...files];
}

/** An entity's state machine: each non-creating transition is a step to call out of order and twice. */
function entityFlowTests(flow: Flow, input: GenerateInput): GeneratedFile[] {
  const entity = flow.entity ?? flow.name.split('.')[0]!;
  const field = flow.field ?? 'status';
  const steps = flow.transitions.filter((transition) => !transition.creates);
  if (steps.length === 0) return [];
  const creation = creationRoute(flow, steps, input.routes);
  if (!creation) return [];
  // A Next.js server action is called through the page that holds it, with an id the build assigns: no request to write.
  if (creation.kind === 'action' || steps.some((transition) => input.routes.some((route) => route.kind === 'action' && sameRoute(route, transition.route)))) return [];
  const initial = flow.transitions.find((transition) => transition.creates)?.to ?? flow.states[0];
  if (initial === undefined) return [];
  const guarded = steps.filter((transition) => transition.guarded && transition.from.length > 0);
  const reach = setupPaths(initial, guarded);
  const read = readRoute(steps[0]!, input.routes);
  const create = requestSpec(creation, undefined, input);
  // The requests that walk a new record to a state, through the guarded steps that reach it.
  const setupFor = (state: string): RequestSpec[] => reach.get(state)!.map((edge) => {
    const edgeStep = stepOf(edge, input.model)!;
    return requestSpec(edgeStep.route, edgeStep, input);
  });
  return steps.flatMap((transition) => {
    const step = stepOf(transition, input.model);
    if (!step) return [];
    const request = requestSpec(step.route, step, input);
    const tests: string[] = [];
    const wrong = wrongState(transition, flow.states, initial, reach, guarded);
    if (wrong !== undefined) {
      tests.push(testCall(input.runner, `${label(transition)} is refused on ${article(entity)} ${entity} in state ${wrong} (a step out of order)`, 'outOfOrder', {
        entity, field, create, setup: setupFor(wrong), step: request, state: wrong, read, expectStatus: input.settings.expectStatus,
      }));
    }
    // A replay starts from a state the step accepts: one it names, else (no guard) the first state.
    const start = transition.from.find((state) => reach.has(state)) ?? (transition.from.length === 0 ? initial : undefined);
    if (start !== undefined && !transition.from.includes(transition.to)) {
      tests.push(testCall(input.runner, `${label(transition)} is refused the second time (a replay)`, 'replay', {
        entity, field, create, setup: setupFor(start), step: request, state: start, read, expectStatus: input.settings.expectStatus,
      }));
    }
    const limits = input.rateLimits.get(step.route) ?? [];
    const header = [
      `Flow ${flow.name}: ${label(transition)} -> ${transition.to}.`,
      transition.guarded
        ? `Targets the guard: ${transition.guard ?? 'a state check'} (${transition.route.file}:${transition.route.line}).`
        : `Targets the missing guard: the route at ${transition.route.file}:${transition.route.line} changes ${entity}.${field} without checking the current state first; these tests fail while that gap is open.`,
    ];
    const files: GeneratedFile[] = tests.length > 0 ? [{ path: testFileName(flow.name, transition.route.method, transition.route.path), content: testFile(input, header, tests) }] : [];
    // Its own file: the flood exhausts the limiter for whatever it is keyed by, which would fail the
    // other tests of the same account or address; it runs with a *_FLOOD token when one is set.
    if (limits.length > 0) {
      files.push({
        path: testFileName(flow.name, transition.route.method, transition.route.path).replace(/\.test\.mjs$/, '.rate-limit.test.mjs'),
        content: testFile(input, [`Flow ${flow.name}: ${label(transition)} is rate-limited by ${limits.map((limit) => `${limit.name} (${limit.file}:${limit.line})`).join(', ')}.`, 'Exhausts the limiter: run it after the other tests, or with TRUSTSCAN_TOKEN_<ROLE>_FLOOD set to a separate account.'], [rateLimitTest(input, entity, request, create, limits)]),
      });
    }
    return files;
  });
}

/** A declared flow (config `flows`): its steps in order; step k is called before the earlier ones, and twice. */
function configFlowTests(flow: Flow, input: GenerateInput): GeneratedFile[] {
  const declared = (flow.declaredSteps ?? []).map((declaredStep) => ({ declaredStep, route: declaredStep.route && input.routes.find((route) => sameRoute(route, declaredStep.route!)) }));
  if (declared.length < 2 || declared.some((entry) => !entry.route || entry.route.kind === 'action')) return [];
  const specs = declared.map((entry) => requestSpec(entry.route!, input.model.steps.find((step) => step.route === entry.route), input));
  return declared.slice(1).flatMap((entry, offset) => {
    const index = offset + 1;
    const tests = [
      testCall(input.runner, `${entry.declaredStep.step} is refused before ${declared[index - 1]!.declaredStep.step} (a step out of order)`, 'sequenceOutOfOrder', { create: specs[0]!, setup: specs.slice(1, index - 1), step: specs[index]!, expectStatus: input.settings.expectStatus }),
      testCall(input.runner, `${entry.declaredStep.step} is refused the second time (a replay)`, 'sequenceReplay', { create: specs[0]!, setup: specs.slice(1, index), step: specs[index]!, expectStatus: input.settings.expectStatus }),
    ];
    const header = [`Declared flow ${flow.name}: step ${index + 1} of ${declared.length}, ${entry.declaredStep.step}.`, `Targets ${entry.route!.file}:${entry.route!.line}${entry.declaredStep.guarded === false ? ' (no guard found: these tests fail while that gap is open)' : ''}.`];
    return [{ path: testFileName(flow.name, entry.route!.method, entry.route!.path), content: testFile(input, header, tests) }];
  });
}

/**
 * The route that creates the entity's records: a creating transition's route, else a POST to the
 * collection the steps act on (`POST /orders` for `POST /orders/:id/pay`).
 */
function creationRoute(flow: Flow, steps: readonly FlowTransition[], routes: readonly Route[]): Route | undefined {
  const creating = flow.transitions.find((transition) => transition.creates);
  if (creating) return routes.find((route) => sameRoute(route, creating.route));
  // GraphQL and tRPC: `createOrder` beside `cancelOrder`, `order.create` beside `order.cancel`.
  const entity = flow.entity ?? flow.name.split('.')[0]!;
  for (const step of steps) {
    const stepRoute = routes.find((route) => sameRoute(route, step.route));
    if (stepRoute?.kind !== 'graphql' && stepRoute?.kind !== 'trpc') continue;
    const prefix = stepRoute.kind === 'trpc' ? stepRoute.path.replace(/[^.]*$/, '') : '';
    const names = ['create', 'add', 'new', 'place', 'open', 'start'].flatMap((verb) => (stepRoute.kind === 'trpc' ? [`${prefix}${verb}`, `${prefix}${verb}${entity}`] : [`${verb}${entity}`]));
    for (const name of names) {
      const found = routes.find((route) => route.kind === stepRoute.kind && route.method === 'MUTATION' && route.path === name);
      if (found) return found;
    }
  }
  for (const step of steps) {
    const collection = collectionPath(step.route.path);
    const found = collection && routes.find((route) => route.method === 'POST' && route.path === collection);
    if (found) return found;
  }
  return undefined;
}

/** `GET /orders/:id` for `POST /orders/:id/pay`: where a test reads the state back. */
function readRoute(step: FlowTransition, routes: readonly Route[]): RequestSpecLike | null {
  if (step.route.method === 'MUTATION' || step.route.method === 'QUERY') return null;
  const record = recordPath(step.route.path);
  const found = record && routes.find((route) => route.method === 'GET' && route.path === record);
  return found ? { method: 'GET', path: found.path, idParameter: lastParameter(found.path), at: `${found.file}:${found.line}` } : null;
}

type RequestSpecLike = Pick<RequestSpec, 'method' | 'path' | 'idParameter' | 'at'>;

/** `/orders/:id/pay` -> `/orders/:id` (the path up to the first parameter, included). */
function recordPath(path: string): string | undefined {
  const match = /^(.*?\/(?::[A-Za-z_$][\w$]*|\[[A-Za-z_$][\w$]*\]))(?:\/|$)/.exec(path);
  return match?.[1];
}

function collectionPath(path: string): string | undefined {
  const record = recordPath(path);
  return record?.replace(/\/[^/]+$/, '') || undefined;
}

function lastParameter(path: string): string | null {
  const parameters = [...path.matchAll(/:([A-Za-z_$][\w$]*)|\[([A-Za-z_$][\w$]*)\]/g)];
  const last = parameters.at(-1);
  return last ? (last[1] ?? last[2]!) : null;
}

/** Shortest sequences of guarded transitions from the initial state to every state they reach. */
function setupPaths(initial: string, guarded: readonly FlowTransition[]): Map<string, FlowTransition[]> {
  const paths = new Map<string, FlowTransition[]>([[initial, []]]);
  const queue = [initial];
  while (queue.length > 0) {
    const state = queue.shift()!;
    for (const transition of guarded) {
      if (!transition.from.includes(state) || paths.has(transition.to)) continue;
      paths.set(transition.to, [...paths.get(state)!, transition]);
      queue.push(transition.to);
    }
  }
  return paths;
}

/**
 * A reachable state the step must not start from. Guarded: the nearest state outside the ones it
 * names. Unguarded (the code names none): the initial state, unless the declared order puts the
 * step right after it; then a state no guarded step leaves (cancelled, refunded, shipped).
 */
function wrongState(transition: FlowTransition, states: readonly string[], initial: string, reach: ReadonlyMap<string, FlowTransition[]>, guarded: readonly FlowTransition[]): string | undefined {
  const candidates = [...reach.keys()].filter((state) => state !== transition.to);
  if (transition.from.length > 0) return candidates.find((state) => !transition.from.includes(state));
  const followsInitial = states.indexOf(transition.to) === states.indexOf(initial) + 1;
  if (!followsInitial && candidates.includes(initial)) return initial;
  return candidates.find((state) => state !== initial && !guarded.some((edge) => edge.from.includes(state)));
}

function stepOf(transition: FlowTransition, model: FlowModel): FlowStep | undefined {
  return model.steps.find((step) => sameRoute(step.route, transition.route));
}

function sameRoute(route: { method: string; path: string; file: string; line: number }, other: { method: string; path: string; file: string; line: number }): boolean {
  return route.method === other.method && route.path === other.path && route.file === other.file && route.line === other.line;
}

/** The request for a route: auth role, the parameter the record id fills, and the body fields with values. */
function requestSpec(route: Route, step: FlowStep | undefined, input: GenerateInput): RequestSpec {
  const shape = input.requestOf ? input.requestOf(route) : stepRequest(route);
  const body: Record<string, BodyValue> = {};
  const role = route.auth === 'authenticated' ? (step?.adminOnly ? 'ADMIN' : 'USER') : null;
  const at = `${route.file}:${route.line}`;
  if (route.kind === 'graphql' || route.kind === 'trpc') {
    // The record id goes in the argument or input field that names it: `id`, `orderId`, else any `...Id`.
    const entity = step?.entity?.toLowerCase();
    const idParameter = shape.bodyFields.find((field) => field === 'id') ?? shape.bodyFields.find((field) => entity !== undefined && field.toLowerCase() === `${entity}id`) ?? shape.bodyFields.find((field) => /Id$/.test(field)) ?? null;
    for (const field of shape.bodyFields) if (field !== idParameter) body[field] = bodyValue(field, input.settings.values, shape.declared[field]);
    const operation = route.method === 'QUERY' ? 'query' : 'mutation';
    const endpoints = transportPaths(input);
    if (route.kind === 'graphql') return { method: 'POST', path: endpoints.graphql, role, idParameter, body, at, transport: { kind: 'graphql', field: route.path, operation } };
    return { method: operation === 'query' ? 'GET' : 'POST', path: `${endpoints.trpc}/${route.path}`, role, idParameter, body, at, transport: { kind: 'trpc', procedure: route.path, type: operation } };
  }
  for (const field of shape.bodyFields) body[field] = bodyValue(field, input.settings.values, shape.declared[field]);
  return { method: route.method, path: route.path, role, idParameter: shape.pathParameters.at(0) ?? null, body, at };
}

/**
 * Where GraphQL operations and tRPC procedures are served: config `flowTests.graphqlPath` /
 * `trpcPath`; else the HTTP route that serves them (`/api/trpc/[trpc]` -> `/api/trpc`, a `/graphql`
 * route); else `/graphql` and `/trpc`.
 */
function transportPaths(input: GenerateInput): { graphql: string; trpc: string } {
  const strip = (path: string) => path.replace(/\/(?::[\w$]+\*?|\[\[?(?:\.\.\.)?[\w$]+\]\]?|\*)$/, '') || '/';
  const trpcRoute = input.routes.find((route) => route.kind === undefined && route.authEvidence.some((evidence) => evidence.includes('serves the tRPC procedures')));
  const graphqlRoute = input.routes.find((route) => route.kind === undefined && /\/graphql$/i.test(route.path));
  return {
    graphql: input.settings.graphqlPath ?? graphqlRoute?.path ?? '/graphql',
    trpc: (input.settings.trpcPath ?? (trpcRoute ? strip(trpcRoute.path) : '/trpc')).replace(/\/+$/, ''),
  };
}

/**
 * A value for a body field: config `flowTests.values`, else one the type its validation schema
 * declares accepts (an enum member, an integer within its bounds, an email), else one its name makes
 * plain, else a named TODO.
 */
function bodyValue(field: string, values: FlowTestSettings['values'], declared?: DeclaredField): BodyValue {
  if (Object.hasOwn(values, field)) return { literal: values[field]! };
  const named = namedValue(field);
  if (declared) {
    const typed = declaredValue(declared, named);
    if (typed) return typed;
  }
  return named ?? { todo: field };
}

function namedValue(field: string): BodyValue | undefined {
  if (/^e-?mail$/i.test(field)) return { unique: 'email' };
  if (/password$/i.test(field)) return { literal: 'Trustscan-Test-Passw0rd!' };
  if (/(?:cents|amount|total|price|quantity|qty|count)$/i.test(field)) return { literal: 1000 };
  if (/^(?:is|has)[A-Z]/.test(field)) return { literal: true };
  if (/^(?:name|title|description|note|comment|reason)$/i.test(field)) return { literal: 'trustscan flow test' };
  return undefined;
}

/** A value of the declared type, within its bounds; undefined for arrays and objects (their items are unknown). */
function declaredValue(declared: DeclaredField, named: BodyValue | undefined): BodyValue | undefined {
  if (declared.values && declared.values.length > 0) return { literal: declared.values[0]! };
  const namedLiteral = named && 'literal' in named ? named.literal : undefined;
  switch (declared.type) {
    case 'boolean':
      return { literal: typeof namedLiteral === 'boolean' ? namedLiteral : true };
    case 'integer':
    case 'number': {
      let value = typeof namedLiteral === 'number' ? namedLiteral : 1;
      if (declared.min !== undefined && value < declared.min) value = declared.min;
      if (declared.max !== undefined && value > declared.max) value = declared.max;
      return { literal: declared.type === 'integer' ? Math.ceil(value) : value };
    }
    case 'email':
      return { unique: 'email' };
    case 'uuid':
      return { literal: '6f1c2b9e-3d4a-4c5b-8e7f-0a1b2c3d4e5f' };
    case 'url':
      return { literal: 'https://example.test/trustscan' };
    case 'datetime':
      return { literal: '2030-01-01T00:00:00.000Z' };
    case 'string': {
      if (named && 'unique' in named) return named;
      let text = typeof namedLiteral === 'string' ? namedLiteral : 'trustscan flow test';
      if (declared.min !== undefined && text.length < declared.min) text = text.padEnd(declared.min, 'x');
      if (declared.max !== undefined && text.length > declared.max) text = text.slice(0, Math.max(declared.max, 0));
      return { literal: text };
    }
    default:
      return undefined;
  }
}

function rateLimitTest(input: GenerateInput, entity: string, step: RequestSpec, create: RequestSpec, limits: readonly RateLimitEvidence[]): string {
  const limiter = limits[0]!;
  return testCall(input.runner, `${step.method} ${step.path} answers 429 after ${input.settings.rateLimitRequests} requests (${limiter.name}, keyed by ${limiter.keyedBy})`, 'rateLimited', {
    entity, create, step, requests: input.settings.rateLimitRequests + 1, limiter: `${limiter.name} (${limiter.file}:${limiter.line})`,
  });
}

const label = (transition: FlowTransition): string => `${transition.route.method} ${transition.route.path}`;
const article = (word: string): string => (/^[aeiou]/i.test(word) ? 'an' : 'a');

/** `order-status--post-api-orders-id-pay.test.mjs` */
function testFileName(flow: string, method: string, path: string): string {
  const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `${slug(flow) || 'flow'}--${slug(`${method} ${path}`) || 'step'}.test.mjs`;
}

/** One test: its title and the runtime scenario it runs, with its data as JSON. */
function testCall(runner: FlowTestRunner, title: string, scenario: string, data: unknown): string {
  const context = runner === 'jest' ? '' : 'context';
  return `test(${JSON.stringify(title)}, async (${context}) => {\n  await scenarios.${scenario}(${JSON.stringify(data, null, 2).replace(/\n/g, '\n  ')}, ${runner === 'jest' ? 'undefined' : 'context'});\n});\n`;
}

function testFile(input: GenerateInput, header: readonly string[], tests: readonly string[]): string {
  const imports =
    input.runner === 'node' ? "import { test } from 'node:test';\n" : input.runner === 'vitest' ? "import { test } from 'vitest';\n" : '';
  const comment = [
    `Generated by trustscan ${input.version} (\`trustscan flows --emit-tests\`): re-generate rather than edit.`,
    ...header,
    'Runs against BASE_URL (loopback only unless TRUSTSCAN_ALLOW_REMOTE=1), signed in per role (USER, ADMIN) by TRUSTSCAN_TOKEN_<ROLE>',
    `(a bearer token), TRUSTSCAN_COOKIE_<ROLE> (a Cookie header)${input.settings.login ? `, TRUSTSCAN_LOGIN_<ROLE> (the JSON body of ${input.settings.login.method} ${input.settings.login.path})` : ''}, else TRUSTSCAN_TOKEN.`,
    'A TODO body field takes TRUSTSCAN_VALUE_<FIELD> or config flowTests.values.',
  ]
    .map((line) => `// ${line.replace(/[\r\n\u2028\u2029]+/g, ' ')}`)
    .join('\n');
  return `${comment}\n${imports}import { scenariosFor } from './${FLOW_TEST_RUNTIME_FILE}';\n\nconst scenarios = scenariosFor(${JSON.stringify(input.runner)}${input.settings.login ? `, ${JSON.stringify({ login: input.settings.login })}` : ''});\n\n${tests.join('\n')}`;
}
