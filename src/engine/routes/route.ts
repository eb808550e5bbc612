/**
 * The route inventory: every HTTP endpoint of the scanned API, who may call it and what guards it.
 * Framework adapters (src/engine/frameworks/<name>/) produce RouteDefinitions; the route engine
 * (src/engine/routes/discover.ts) decides auth status from the middleware and handler evidence.
 */
import type { ts } from '#typescript';
import type { EntryKind } from '../../types.js';
import type { InputBagKind } from '../../models/request-sources.js';
export { ENTRY_KINDS, entryName, type EntryKind } from '../../types.js';

export const FRAMEWORKS = ['express', 'nestjs', 'fastify', 'koa', 'hono', 'next', 'remix', 'routing-controllers', 'graphql', 'type-graphql', 'pothos', 'trpc', 'orpc', 'lambda', 'vercel', 'netlify', 'websocket', 'source-model', 'tsoa', 'medusa', 'ts-rest'] as const;
export type FrameworkName = (typeof FRAMEWORKS)[number];

// SEARCH: a safe read whose query travels in the body (Express `router.search`, Directus's `SEARCH /items/:collection`).
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'SEARCH', 'ALL'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];


/** The operation of a GraphQL field or tRPC procedure, in the place of an HTTP method. */
export const OPERATIONS = ['QUERY', 'MUTATION', 'SUBSCRIPTION', 'FIELD'] as const;
export type Operation = (typeof OPERATIONS)[number];
/** `MESSAGE`: a WebSocket message handler (engine/frameworks/websocket). */
export type RouteMethod = HttpMethod | Operation | 'MESSAGE';

/** Methods and operations that change state (a GraphQL mutation is a write, a query is not). */
const STATE_CHANGING = new Set<string>(['POST', 'PUT', 'PATCH', 'DELETE', 'ALL', 'MUTATION']);
export function isStateChanging(method: string): boolean {
  return STATE_CHANGING.has(method);
}


export type MiddlewareKind = 'auth' | 'role' | 'rate-limit' | 'validation' | 'state' | 'other';

/** How sure the classification is: library or body evidence (high), only a name (low). */
export type EvidenceStrength = 'strong' | 'name-only';

/**
 * What a rate limit counts requests by: the client address, the signed-in user or account (`user`;
 * `user-only` when nothing stands in for an anonymous caller, so anonymous requests share one count
 * or skip it), the API key, something else, one budget all clients share (`total`: gateway stage
 * throttling), or we cannot see.
 */
export type RateLimitKey = 'ip' | 'user' | 'user-only' | 'api-key' | 'custom' | 'total' | 'unknown';

/** A place in the scanned code: posix path relative to the scan root, 1-based line. */
export interface CodeLocation {
  file: string;
  line: number;
}

/**
 * One middleware, guard, hook or decorator that applies to a route, in the order it runs.
 * `kind` comes from classifyMiddleware (known libraries, the function body, then the name).
 */
export interface RouteMiddleware extends CodeLocation {
  /** As written: `passport.authenticate('jwt')`, `requireAuth`, `AuthGuard('jwt')`, `@Roles('admin')`. */
  name: string;
  kind: MiddlewareKind;
  strength: EvidenceStrength;
  /** Why it got its kind, e.g. "verifies a JWT with jsonwebtoken.verify and responds 401". */
  evidence: string;
  /** Where it was attached: route, router/plugin/controller, or app-wide. */
  scope: 'route' | 'router' | 'global';
  /** The role names a role guard checks, when readable (`@Roles('admin')`, `requireRole('admin')`). */
  roles?: string[];
  /** True when we could not see what it does (a package we do not know, an unresolvable name). */
  opaque?: boolean;
  /** A role guard that compares only the token's scopes (an API key's, an OAuth token's): it makes no route admin-only. */
  tokenScopes?: true;
  /** For a rate limit declared outside code (API Gateway throttling, a WAF rule): what it counts requests by. */
  rateLimitKey?: RateLimitKey;
  /**
   * For authentication made by a project factory told which paths to let through (`protect({ publicPaths:
   * ['/login', '/qr/:qrId'] })`): those paths, as written. It guards no route they match (listed-open-paths.ts).
   */
  openPaths?: string[];
  /** An authentication middleware that lets anonymous requests through, and the flag that says so (`credentialsRequired: false`). */
  optionalAuthentication?: string;
  /** A middleware that loads the sign-in interaction an OpenID provider started (models/auth.ts SIGN_IN_INTERACTION): the call that does it. */
  signInInteraction?: string;
  /**
   * For a rate limit that lets signed-in callers through when the route carries none of its
   * metadata (`if (!throttler && req.session?.user) return true`): why. It limits anonymous callers
   * only, so none of an authenticated route's.
   */
  exemptsSignedIn?: string;
  /** For validation: the input fields it declares, read from its schema (Fastify route `schema`). */
  validatedFields?: ValidatedField[];
  /** For validation: its schema keeps keys it does not declare (zod `.passthrough()`, `.catchall()`, `z.looseObject()`). */
  keepsUnknownKeys?: true;
  /**
   * For authentication: the request properties it sets (`req.client = await validateClient(...)`),
   * which hold what it verified, the caller, for the handlers after it.
   */
  setsOnRequest?: string[];
  /**
   * For a middy authentication middleware: the properties it sets on the Lambda context
   * (`request.context.user = jwt.verify(...)`), the caller for the handler's second argument.
   */
  setsOnContext?: string[];
  /**
   * Request properties it fills with the client's own input (`ctx.input = schema.parse(ctx.request)`,
   * `req.validated = schema.parse(req.body)`): what each holds, the request's shape (`ctx.input.body`)
   * or one input bag. Handlers after it read the client's input through them.
   */
  copiesRequest?: RequestCopy[];
  /**
   * For a guard that checks the caller's access to an object the request names: where it reads the
   * object's id, as an input bag and a path in it (GraphQL `args` `where.id`, named by the route's
   * `@CheckAccess('board', 'where.id')`). It covers lookups keyed by those inputs, and no other id.
   */
  accessCheckedInputs?: CheckedInput[];
  /**
   * For authentication that accepts only another system's credential (a secret from the
   * environment compared with what the request carries, a queue's request signature) and reads no
   * user session: what it checks. A route behind it alone is called by a service, not a user.
   */
  serviceCredential?: string;
  /**
   * For an opt-in guard (one that lets routes without its metadata through): the decorator on this
   * route that asks it to check (`@Authenticated() (oauth.controller.ts:90)`). The route asked for
   * authentication itself, whatever its name says.
   */
  requestedBy?: string;
  /**
   * For authentication that admits every caller as the owner of whatever the handler then scopes to
   * the caller (Vendure's `@Allow(Permission.Owner)`, which opens an anonymous session for a caller
   * without one): the mark that says so. A caller without an account gets in too; the handler's own
   * scoping is all that keeps one caller from another's records.
   */
  admitsAnyCallerAsOwner?: string;
}

/** One request input a guard checks the caller's access to: `args` `['where', 'id']`, `params` `['projectId']`. */
export interface CheckedInput {
  part: InputBagKind;
  path: string[];
}

/** A NestJS handler parameter whose project decorator expands to a built-in input decorator. */
export interface ParameterInput {
  index: number;
  /** The project decorator as written: `UUIDParam`. */
  via: string;
  /** The built-in decorator it returns: `Param`, `Query`, `Body`, `Headers`, `Args`. */
  decorator: string;
  /** The input's name when static (`'id'`), passed through the project decorator's parameters. */
  key?: string;
  /** The pipes given to the built-in decorator, by class name (`ParseUUIDPipe`). */
  pipes: string[];
  /** A `createParamDecorator` that returns the request's signed-in user: what it returns (`req.user`). */
  principal?: string;
}

/** One request input field a validation step checks, and what it lets through. */
/** A request property a middleware fills from the request itself, and what it holds. */
export interface RequestCopy {
  property: string;
  /** `request`: an object shaped like the request (`.body`, `.query`); else the one input bag it holds. */
  holds: 'request' | InputBagKind;
}

export interface ValidatedField {
  /** The input bag the field is read from: `request.params.id` is part 'params', field 'id'; a GraphQL argument is part 'args'. */
  part: InputBagKind;
  field: string;
  /**
   * Why the validated value can carry no text of the client's choosing (`type: integer`, an enum,
   * `format: uuid`, an anchored pattern of a restricted alphabet), or undefined for free text.
   */
  restricted?: string;
  /**
   * Why the validated value, free text otherwise, is one shell word without a metacharacter (an
   * anchored pattern of letters, digits and `_-.:/@+,=%`, e.g. a container or volume name): safe
   * for command sinks, still a path or an SQL identifier of the client's choice.
   */
  shellWord?: string;
  /**
   * The declared type is one string, number or boolean (`z.string()`, `type: 'string'`): the
   * validated value is never an object or array, so it cannot carry a query operator object.
   */
  scalar?: true;
}

export type AuthStatus = 'authenticated' | 'public' | 'unknown';

/** What every stage knows of a route: where it is defined, what it runs and what runs before it. */
export interface RouteSite extends CodeLocation {
  framework: FrameworkName;
  /** Absent on HTTP routes (the common case); set for GraphQL, tRPC and serverless entry points. */
  kind?: Exclude<EntryKind, 'http'>;
  /** The HTTP method; for GraphQL and tRPC, the operation (QUERY, MUTATION, SUBSCRIPTION, FIELD). */
  method: RouteMethod;
  /**
   * Full path with every mount prefix, framework parameter syntax kept (`/orders/:id`, `/orders/[id]`);
   * a GraphQL field (`order`, `User.invoices`), a tRPC procedure path (`order.cancel`).
   */
  path: string;
  /** 1-based column of the route definition (for reports). */
  column: number;
  /** The handler function, resolved across files, when found. */
  handler?: RouteHandler;
  /** In execution order: global first, then router/plugin/controller, then route level. */
  middleware: RouteMiddleware[];
  /**
   * For a handler a config `source` model declares, or one a project's own router class dispatches
   * (`(path, ctx)`): the parameters that hold client input.
   */
  inputParameters?: number[];
  /** The parameter holding the framework's request context (else the first): a handler a project's own router class dispatches, a Fastify websocket handler `(socket, request)`. */
  contextParameter?: number;
  /**
   * The handler receives an API Gateway-shaped event (`event.queryStringParameters`, `event.body`)
   * instead of a request object: Netlify's Lambda-compatible functions (`export const handler`).
   */
  lambdaEvent?: true;
  /** A server action built with next-safe-action (`client.action(async ({ parsedInput, ctx }) => ...)`): its one argument splits into input and context. */
  safeAction?: true;
  /**
   * A GraphQL resolver whose arguments are not `(parent, args, context, info)`: the index of `args`,
   * the context following it. Pothos Prisma fields resolve with `(query, parent, args, context, info)`.
   */
  argsParameter?: number;
  /**
   * A GraphQL field's arguments whose declared type leaves the client no free text (`Int`, `Float`,
   * `Boolean`, an enum, or lists of them): the server rejects anything else before the resolver runs.
   */
  typedArguments?: ValidatedField[];
  /**
   * NestJS handler parameters decorated by a project's own decorator that returns one of Nest's
   * input decorators (`UUIDParam('id')` returning `Param(property, new ParseUUIDPipe())`): what the
   * built-in decorator would say, so the parameter is request input like `@Param('id')`.
   */
  parameterInputs?: ParameterInput[];
  /**
   * A function typed as a framework handler that nothing the scan can see mounts (engine/routes/unmounted.ts; a Lambda handler no config names):
   * the dataflow runs from it, the rules that judge a route's authentication do not see it.
   */
  unmounted?: true;
}

export interface Route extends RouteSite {
  auth: AuthStatus;
  /** Human-readable evidence for `auth`, e.g. "passport.authenticate('jwt') (router, src/app.ts:14)". */
  authEvidence: string[];
  /**
   * Why the route is public on purpose, when it is: `@Public()`, config auth.publicRoutes, a
   * Next.js middleware matcher that leaves it out. A public route without this is an open question.
   */
  publicByDesign?: string;
  /**
   * Set when the route exists only outside production: the handler's first statement turns every
   * request away unless NODE_ENV is a developer's or the tests' (the condition, as written).
   */
  developmentOnly?: string;
  /** How the handler reads the authenticated user, e.g. ["req.user"], ["@CurrentUser() user"]. */
  principal: string[];
  /** The handler's own sign-in helper also refuses callers without a role: what it checks, with file:line. */
  handlerRoleCheck?: string;
  /**
   * `service` when the caller is another system, not a signed-in user: a webhook or a cron/queue
   * endpoint that proves its sender with a signature or shared secret and reads no user. Object
   * lookups there are keyed by the sender's payload; there is no user to own them.
   */
  caller?: 'service';
  /** Names the route as `METHOD path` (entryName) for messages and config matching. */
  readonly id: string;
  /**
   * Set by the routes inventory on authenticated routes: each lookup by an id the client sends,
   * with whether (and by what) it is tied to the caller. The same verdicts missing-ownership-check uses.
   */
  objectAccess?: ObjectAccess[];
}

export interface RouteHandler extends CodeLocation {
  /** Function-like compiler node: function declaration/expression, arrow function or method. */
  node: ts.SignatureDeclaration;
  /** Display name: `getOrder`, `OrdersController.findOne`, `<anonymous>`. */
  name: string;
}

/**
 * What an adapter reports before the engine judges authentication: everything it saw at the
 * route, in order (global middleware first). The adapter does not decide `auth`.
 */
export interface RouteDefinition extends RouteSite {
  /**
   * Set when the framework itself marks the route public (NestJS `@Public()` metadata honoured by
   * a global guard, Next.js middleware matcher excluding the path). Config publicRoutes are applied later.
   */
  declaredPublic?: string;
  /** Set when an applied auth mechanism could not be resolved (imported from a package we cannot read). */
  unresolvedMiddleware?: string[];
  /**
   * Registered on an instance of the project's own router class (`Router (src/utils/Router.ts:5)`):
   * the project's dispatcher, which the scan does not follow, runs it and may check the caller first.
   */
  dispatchedBy?: string;
}

export type ObjectAccessVerdict = 'scoped' | 'owner-compared' | 'guarded' | 'admin-only' | 'service' | 'not-owned' | 'public' | 'existence-only' | 'capability' | 'unchecked';

/** One lookup a route makes, as the routes inventory lists it. */
export interface ObjectAccess {
  file: string;
  line: number;
  operation: 'read' | 'write';
  model?: string;
  method: string;
  /** The field the client's id selects (`id`, `orderId`). */
  key: string;
  verdict: ObjectAccessVerdict;
  /** Why: `scoped by userId (src/x.ts:12)`, `owner compared: the check ... (src/y.ts:40)`, `unchecked`. */
  evidence: string;
}
