import { ts } from '#typescript';
import { SINK_CATEGORIES } from '../config.js';
import type { AnalysisFailures } from '../analysis-failures.js';
import type { ScannedSourceFile, TraceStep } from '../../types.js';
import { exitsEarly, isFunctionLike, isOuterExpression, nodePosition, propertyNameText, skipOuterExpressions, soleExpression } from '../ast/syntax.js';
import { classifyCall } from '../ast/data-access.js';
import { literalDecision, literalValueOf, reachableClauses, reassignedNames, requiresDefined, runtimeParameters, unpassedParameters, type LiteralValue } from '../ast/guards.js';
import { bindingNames, bindingValue, contextMemberRead, contextMemberValues, localBinding, localConstInitializer, memberAlternatives, type ModuleIndex, type ResolvedFunction, resolveFunction, typedReceiverMethod } from '../names/index.js';
import type { Route, RouteMiddleware } from '../routes/route.js';
import { initialParameterOrigins, middlewareOptionsOrigin } from './sources.js';
import { existenceCheckedParams, existingRecordKeyChecks } from '../ast/record-checks.js';
import { callbackResultParameter, memoFillKey } from '../ast/handed-back-values.js';
export { EXISTING_RECORD_KEY, PATH_CONTAINMENT_CHECK } from './taint.js';
import { EXISTING_RECORD_KEY, PATH_CONTAINMENT_CHECK, holdsLiterals, identityTaint, joinOrigins, leadingTainted, safeForOf, withoutLiterals, withSafeFor, withStep, withTransform, type Taint, type ValueOrigin } from './taint.js';
import { HelperAuthenticationFinder } from '../routes/helper-authentication.js';
import { matchingFunctionModel, type AuthModel, type SanitizerModel, type SinkCategory } from '../models.js';
import { SCHEMA_PARSE_METHODS } from '../../models/validation-schemas.js';
import { AMBIGUOUS_ESCAPE_METHODS, FORMAT_VALIDATOR_EXPORTS, IDENTITY_CONVERSIONS, NUMERIC_CONVERSIONS, PG_ESCAPERS, REGEX_ESCAPERS, REGEX_METACHARACTERS_ESCAPED, SHELL_QUOTERS, SQL_ESCAPE_FUNCTIONS, SQL_ESCAPER_PACKAGES, VALIDATOR_FUNCTION_PREFIXES, VALIDATOR_FUNCTIONS } from '../../models/sanitizers.js';
import { BAG_PARTS, FIELD_COPYING_FACTORIES, VALIDATED_OUTPUT_METHODS, VALIDATOR_TARGETS, PROPERTY_PATH_GETTER_NAMES, PROPERTY_PATH_GETTER_NAMESPACES, PROPERTY_PATH_GETTER_PACKAGES, REQUEST_OBJECTS, UPLOADED_FILE_SERVER_MEMBERS, isPrincipalMember } from '../../models/request-sources.js';
import { CONTROLLER_PRINCIPAL_ACCESSOR, REQUEST_CONTEXT_PRINCIPAL_KEY, REQUEST_CONTEXT_STORE, TOKEN_VERIFIERS, TOKEN_VERIFYING_METHODS } from '../../models/auth.js';
import { KEY_KEEPING_SCHEMA } from '../../models/mass-assignment.js';
import { KYSELY } from '../../models/orms.js';
import { mentionsName } from '../text.js';
import { BRANCHABLE_METHODS, otherMethodStatements } from '../routes/method-dispatch.js';
import { own } from '../own.js';
import { membershipCheckedReturn } from './membership-check.js';

/** A call reached from a route handler where request data is an argument or the receiver. */
export interface TaintedCall {
  call: ts.CallExpression | ts.NewExpression;
  file: ScannedSourceFile;
  route: Route;
  /** Origin of each argument, index-aligned with call.arguments. */
  argumentOrigins: ValueOrigin[];
  /** Origin of `x` in `x.method(...)`. */
  receiverOrigin?: ValueOrigin;
  /** Evaluates any sub-expression of the call (`{ text: ... }` properties) in the call's context. */
  originOf(expression: ts.Expression): ValueOrigin;
  /**
   * The other routes whose request data reaches this call the same way (the same arguments, made safe
   * for no more), in route order: a shared helper is analysed once, for the first route that calls
   * it, and reused for the rest. `route` stays the one the origins and trace are told for.
   */
  alsoReachedFrom: readonly Route[];
}

/** A TaintedCall as the engine keeps it: routes that reuse it are added while the analysis runs. */
type Recording = TaintedCall & { alsoReachedFrom: Route[] };

/**
 * Request data written where no call shows it: a property assignment (`ctx.body = html`,
 * `ctx.response.body = x`) anywhere a handler reaches, or a route handler's own `return` value
 * (NestJS `@Redirect()` reads `{ url }` from it).
 */
export interface TaintedWrite {
  node: ts.BinaryExpression | ts.ReturnStatement;
  /** The assigned or returned expression. */
  value: ts.Expression;
  file: ScannedSourceFile;
  route: Route;
  origin: ValueOrigin;
  /** Evaluates any sub-expression in the write's context. */
  originOf(expression: ts.Expression): ValueOrigin;
}

export interface DataflowOptions {
  /** config sanitizers: calls to these names return clean values. */
  sanitizers: readonly string[];
  /** config models of kind sanitizer: calls to these functions (resolved across files) return clean values. */
  sanitizerModels?: readonly SanitizerModel[];
  /** config models of kind auth: a helper declared an authentication check returns the signed-in user. */
  authModels?: readonly AuthModel[];
  /** How many project functions deep a flow is followed from the handler. */
  maxDepth?: number;
  /** Where a route whose analysis fails (input nested beyond the stack) is recorded; it loses its flows only. */
  failures?: AnalysisFailures;
}

// Calls that return the authenticated session or user (the principal), by the names auth libraries give them.
/** Names of helpers that return who is calling (`requireUser`, `getSessionOrThrow`, `verifyToken`, `authenticate`). */
const USER_HELPER_NAME = /user|session|auth|principal|account|claims|identity|token|caller|member|viewer/i;
/** The properties of a verifying helper's result that hold the caller. */
/** The key of out-of-context answers asked without a route. */
const NO_ROUTE = Symbol('no route');
const HELPER_PRINCIPAL_FIELDS = ['auth', 'user', 'session', 'principal', 'currentUser', 'claims'];
/** validator.js-style guard names (models/sanitizers.ts). */
const VALIDATOR_FUNCTION = new RegExp(`^(?:${VALIDATOR_FUNCTIONS.join('|')}|(?:${VALIDATOR_FUNCTION_PREFIXES.join('|')})\\w*)$`);
const SQL_ESCAPE_FUNCTION = new RegExp(`^(?:${SQL_ESCAPE_FUNCTIONS.join('|')})$`);
const SESSION_GETTERS = /^(?:getServerSession|getServerAuthSession|getSession|auth|currentUser|getCurrentUser|getAuth|getUserSession|validateRequest)$/;
// Method calls on a tainted value whose result carries no attacker-chosen text.
const NON_STRING_METHODS = new Set(['includes', 'startsWith', 'endsWith', 'test', 'has', 'indexOf', 'lastIndexOf', 'some', 'every', 'findIndex', 'localeCompare', 'getTime', 'valueOf', 'toFixed']);
// Globals and modules that pass request data through unchanged in substance (and are named in the trace).
const PROPAGATING_FUNCTIONS =
  /^(?:String|JSON\.(?:parse|stringify)|decodeURIComponent|decodeURI|encodeURIComponent|encodeURI|escape|unescape|Buffer\.from|Object\.(?:assign|values|keys|entries|fromEntries)|Array\.from|path\.(?:join|resolve|normalize|basename|dirname|extname|posix\.\w+|win32\.\w+)|util\.format|format|sprintf|_\.\w+|lodash\.\w+|querystring\.\w+|qs\.\w+|url\.\w+|new URL|new URLSearchParams)$/;
// String methods that only cut, trim or re-case their receiver: no new text comes in.
const TEXT_NARROWING_METHODS = new Set(['slice', 'substring', 'substr', 'trim', 'trimStart', 'trimEnd', 'toLowerCase', 'toUpperCase', 'toLocaleLowerCase', 'toLocaleUpperCase', 'charAt', 'at', 'normalize']);
const STRING_COMBINERS = new Set(['concat', 'replace', 'replaceAll', 'padStart', 'padEnd']);
const ARRAY_CALLBACK_METHODS = new Set(['map', 'forEach', 'filter', 'find', 'some', 'every', 'flatMap', 'reduce']);

interface Scope {
  values: Map<string, ValueOrigin>;
  parent?: Scope;
  /**
   * A rest parameter's arguments one by one (`...args` of `getStats(...args: [id, filters])`): handed on
   * whole (`relationalQuery(...args)`), each fills the parameter at its own position, not all of them.
   */
  restArguments?: Map<string, readonly ValueOrigin[]>;
}

interface AnalysisContext {
  fn: ResolvedFunction;
  route: Route;
  scope: Scope;
  depth: number;
  /** Per-node memo of evaluated origins in this context. */
  evaluated: Map<ts.Node, ValueOrigin>;
  returns: ValueOrigin[];
  /** Optional parameters this call left out (and the function never assigns): `if (name)` branches do not run. */
  unpassed?: ReadonlySet<string>;
  /**
   * Which parameters arrived starting with a known path (Taint.knownPrefix), '' when none: a call is
   * recorded once per shape, so a helper reached with a path and with the client's own text records both.
   */
  prefixShape?: string;
  /** Statements of the route handler that run only for other HTTP methods (routes/method-dispatch.ts). */
  otherMethods?: ReadonlySet<ts.Node>;
  /** Inside a nested function walked without (all) the arguments it is called with: its parameters are unknown here. */
  unboundParameters?: true;
  /**
   * Members the function overwrote in its own top-level statements, by their dotted path
   * (`req.body.password` after `req.body.password = await bcrypt.hash(...)`): read afterwards, or
   * handed on inside their object, they hold the new value.
   */
  memberWrites?: Map<string, ValueOrigin>;
}

/** Methods that put their arguments (from this index on) into the collection they are called on. */
const COLLECTION_ADDERS: ReadonlyMap<string, number> = new Map([['push', 0], ['unshift', 0], ['add', 0], ['set', 1], ['splice', 2]]);
/**
 * What made every request value in these origins (their members too) less dangerous: the sink
 * categories it was made safe for and the checks it passed (a stored record's key, a confined path).
 * Empty when one of them had none.
 */
function safeCategoriesOf(origins: readonly ValueOrigin[]): Set<string> {
  let shared: Set<string> | undefined;
  const visit = (origin: ValueOrigin, depth: number): void => {
    if (origin.kind !== 'tainted' || depth > 4) return;
    const own = new Set<string>([...(origin.taint.safeFor ?? []), ...origin.taint.transforms.filter((transform) => transform === EXISTING_RECORD_KEY || transform === PATH_CONTAINMENT_CHECK)]);
    shared = shared ? new Set([...shared].filter((category) => own.has(category))) : own;
    for (const field of Object.values(origin.fields ?? {})) visit(field, depth + 1);
    if (origin.rest) visit(origin.rest, depth + 1);
  };
  for (const origin of origins) visit(origin, 0);
  return shared ?? new Set();
}

/** Builder-chain links followed down from a call to find the data access it belongs to. */
const MAX_CHAIN_LINKS = 12;
const MAX_FILTER_DEPTH = 6;
/** Builder links that add to a chain's filter (knex, drizzle, TypeORM, Kysely). */
const WHERE_LINKS: ReadonlySet<string> = new Set(['where', 'andWhere']);
/** Filter keys that let records other than the ones named through: alternatives and negations (Prisma, Mongo, Sequelize). */
const ALTERNATIVE_FILTER_KEYS: ReadonlySet<string> = new Set(['OR', 'NOT', 'not', '$or', '$nor', '$ne', '$nin', '$not', 'notIn', 'orWhere']);

/**
 * Demand-driven, cross-file taint analysis starting at route handlers. Each reachable function is
 * analysed once per distinct set of parameter origins (memoized summary: which origin it returns),
 * depth-bounded and cycle-safe. No type checker: names are resolved through the ModuleIndex.
 */
export class DataflowEngine {
  private calls: TaintedCall[] | undefined;
  private readonly writes: TaintedWrite[] = [];
  /** Function summaries: what a function returns for a given shape of parameter origins. */
  private readonly summaries = new Map<string, { result: ValueOrigin; parameters: ValueOrigin[] }>();
  private readonly inProgress = new Set<string>();
  private readonly nodeIds = new WeakMap<ts.Node, number>();
  private nextNodeId = 1;
  private readonly recorded = new Set<ts.Node | string>();
  /** For each recorded call, the sink categories its recorded arguments carry request data into (not made safe for). */
  private readonly exposedAt = new Map<ts.Node | string, Set<SinkCategory>>();
  /** Per recorded call, the argument positions (taintedPositions) request data reached it in, over every time it was recorded. */
  private readonly recordedTaint = new Map<ts.Node | string, Set<string>>();
  /** Per recorded call, for each recording of it, what had made every request value in it less dangerous (safeCategoriesOf). */
  private readonly recordedSafeFor = new Map<ts.Node | string, Array<ReadonlySet<string>>>();
  /** Per recorded call, its recordings with what each carried: another route that carries at least as much is added to them. */
  private readonly recordings = new Map<ts.Node | string, Array<{ call: Recording; positions: ReadonlySet<string>; safeFor: ReadonlySet<string> | undefined }>>();
  /** The recordings made while each summary was computed (its callees' included): a route that reuses the summary reaches them too. */
  private readonly summaryRecordings = new Map<string, Recording[]>();
  /** One set per summary being computed, innermost last: what record() and reused summaries add to (each once). */
  private readonly recordingsInProgress: Array<Set<Recording>> = [];
  private readonly callees = new Map<ts.Node, ResolvedFunction | null>();
  private readonly calleeAlternatives = new Map<ts.Node, readonly ResolvedFunction[]>();
  private readonly guardCheckedParams = new Map<ts.Node, ReadonlySet<string>>();
  /** What RPC middleware put on the procedure context, per `ctx.member` (null: nothing known). */
  private readonly contextMembers = new Map<string, ValueOrigin | null>();
  private readonly maxDepth: number;
  private readonly authHelpers: HelperAuthenticationFinder;
  private methodsByHandler: Map<ts.Node, Set<string>> | undefined;
  private readonly otherMethodsByRoute = new Map<Route, ReadonlySet<ts.Node>>();
  private readonly anchoredPredicates = new Map<ts.Node, string | null>();

  /** `isValidBackupName` of `if (!isValidBackupName(name)) throw`: a project function testing an anchored pattern. */
  private readonly anchoredPatternPredicate: PatternPredicate = (callee) => {
    const known = this.anchoredPredicates.get(callee);
    if (known !== undefined) return known ?? undefined;
    const file = this.modules.fileOf(callee);
    const fn = file ? resolveFunction(this.modules, file, callee) : undefined;
    // A library's format check imported under the project's own name (`validate as isValidUUID` from uuid).
    const library = file && !fn && this.exportedBy(FORMAT_VALIDATOR_EXPORTS, callee, file) ? `validated by ${callee.getText()}(), a format check of its library` : undefined;
    const how = library ?? (fn && testsAnchoredPattern(fn) ? `validated by ${fn.name}(), which matches an anchored pattern` : undefined);
    this.anchoredPredicates.set(callee, how ?? null);
    return how;
  };

  constructor(
    private readonly modules: ModuleIndex,
    private readonly routes: readonly Route[],
    private readonly options: DataflowOptions,
  ) {
    this.maxDepth = options.maxDepth ?? 6;
    this.authHelpers = new HelperAuthenticationFinder(modules, options.authModels);
  }

  /** Every call reached from a route handler with request data in an argument or receiver. */
  /** The entry points the engine follows request data from. */
  entryPoints(): readonly Route[] {
    return this.routes;
  }

  taintedCalls(): readonly TaintedCall[] {
    if (this.calls) return this.calls;
    this.calls = [];
    for (const route of this.routes) {
      if (!route.handler) continue;
      const file = this.modules.fileOf(route.handler.node);
      if (!file) continue;
      const handler: ResolvedFunction = { file, node: route.handler.node, name: route.handler.name };
      const recordedBefore = this.calls.length;
      const writtenBefore = this.writes.length;
      try {
        // A handler that serves several methods and branches on the request's (`switch (req.method)`):
        // each method's route follows only its own branches, so a lookup in the PUT branch is the PUT route's.
        const otherMethods = this.otherMethodStatements(route);
        const initial = initialParameterOrigins(route, handler, (parameter) => this.typedWithEnum(parameter, file));
        this.analyze(handler, this.withGuardCheckedKeys(route, handler, initial), route, 0, otherMethods);
      } catch (error) {
        if (!this.options.failures) throw error;
        // This route loses its flows (half-recorded ones included); every other route is analysed.
        this.calls.length = recordedBefore;
        this.writes.length = writtenBefore;
        this.inProgress.clear();
        this.recordingsInProgress.length = 0;
        this.options.failures.record('dataflow', file.path, error);
      }
    }
    return this.calls;
  }

  /**
   * The statements of a route's handler that run only for the other methods its handler serves
   * (routes/method-dispatch.ts), undefined when there are none: the route's flow and its evidence skip them.
   */
  otherMethodStatements(route: Route): ReadonlySet<ts.Node> | undefined {
    const body = route.handler && (route.handler.node as ts.SignatureDeclaration & { body?: ts.Node }).body;
    if (!body || !BRANCHABLE_METHODS.has(route.method)) return undefined;
    let found = this.otherMethodsByRoute.get(route);
    if (found === undefined) {
      found = otherMethodStatements(body, route.method, this.siblingMethods(route));
      this.otherMethodsByRoute.set(route, found);
    }
    return found.size > 0 ? found : undefined;
  }

  /** The methods of the other routes served by this route's handler function. */
  private siblingMethods(route: Route): Set<string> {
    if (!this.methodsByHandler) {
      this.methodsByHandler = new Map();
      for (const other of this.routes) {
        if (!other.handler || !BRANCHABLE_METHODS.has(other.method)) continue;
        const methods = this.methodsByHandler.get(other.handler.node) ?? new Set<string>();
        methods.add(other.method);
        this.methodsByHandler.set(other.handler.node, methods);
      }
    }
    const methods = new Set(this.methodsByHandler.get(route.handler!.node));
    methods.delete(route.method);
    return methods;
  }

  /** Every property assignment and route handler return reached from a route handler with request data in the value. */
  taintedWrites(): readonly TaintedWrite[] {
    this.taintedCalls();
    return this.writes;
  }

  private recordWrite(node: ts.BinaryExpression | ts.ReturnStatement, value: ts.Expression, origin: ValueOrigin, context: AnalysisContext): void {
    if (!this.calls || origin.kind !== 'tainted' || this.recorded.has(node)) return;
    this.recorded.add(node);
    this.writes.push({ node, value, file: context.fn.file, route: context.route, origin, originOf: (expression) => this.origin(expression, context) });
  }

  /**
   * What a spread in an object literal contributes: `...(name && { name })` adds `{ name }` or nothing
   * (a falsy value spreads no member), so its members are the object's, not the condition's.
   */
  private spreadOrigin(expression: ts.Expression, context: AnalysisContext): ValueOrigin {
    const value = skipOuterExpressions(expression);
    if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) {
      this.origin(value.left, context); // still walked: calls in the condition are recorded
      return this.spreadOrigin(value.right, context);
    }
    return this.origin(expression, context);
  }

  /** The origin of an expression in its own function, with parameters unknown (no caller context). */
  originOutOfContext(expression: ts.Expression, file: ScannedSourceFile, route?: Route): ValueOrigin {
    // Rules ask about the same expressions again and again (each condition near each lookup of a
    // route): each answer binds every local before the expression, so in long resolvers they add up.
    const routeKey = route ?? NO_ROUTE;
    let answers = this.outOfContextAnswers.get(expression);
    const known = answers?.get(routeKey);
    if (known) return known;
    const answer = this.originOutOfContextUncached(expression, file, route);
    if (!answers) this.outOfContextAnswers.set(expression, (answers = new Map()));
    answers.set(routeKey, answer);
    return answer;
  }

  private readonly outOfContextAnswers = new WeakMap<ts.Node, Map<Route | typeof NO_ROUTE, ValueOrigin>>();

  /** `kind: LedgerKind` or `kinds: LedgerKind[]` where `LedgerKind` is an enum declared in the project. */
  private typedWithEnum(parameter: ts.ParameterDeclaration, file: ScannedSourceFile): boolean {
    let type = parameter.type;
    if (type && ts.isArrayTypeNode(type)) type = type.elementType;
    if (!type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return false;
    const binding = this.modules.resolveName(file, type.typeName.text);
    return binding?.kind === 'declaration' && ts.isEnumDeclaration(binding.node);
  }

  /** Per call reached from a route: for each argument, whether every route context that reached it proved it constant or sanitized. */
  private readonly argumentsProved = new Map<ts.Node, boolean[]>();

  /**
   * Whether the routes that reach a call all pass a constant or sanitized value as its argument
   * `index` (a GraphQL enum argument, a schema-validated integer); undefined when no route reaches
   * the call. What a route proves about a value its handler hands down is not visible out of context.
   */
  argumentProvedInRoutes(call: ts.CallExpression | ts.NewExpression, index: number): boolean | undefined {
    this.taintedCalls();
    return this.argumentsProved.get(call)?.[index];
  }

  private originOutOfContextUncached(expression: ts.Expression, file: ScannedSourceFile, route?: Route): ValueOrigin {
    const fn = enclosingFunction(expression);
    const context: AnalysisContext = {
      fn: fn ? { file, node: fn, name: '<local>' } : { file, node: undefined as never, name: '<module>' },
      route: route ?? ({} as Route),
      scope: { values: new Map() },
      depth: this.maxDepth, // never descend into callees: this is a local question
      evaluated: new Map(),
      returns: [],
    };
    // Bind the locals (in source order, up to the expression) without recording calls: those of the
    // functions it is nested in first, since a callback (`qb => qb.where(knex.raw(...))`) sees the
    // checks and constants of the function around it.
    const enclosing: Array<ts.SignatureDeclaration & { body?: ts.Node }> = [];
    for (let outer = fn; outer; outer = enclosingFunction(outer)) enclosing.unshift(outer);
    for (const outer of enclosing) {
      // The route's own handler: its parameters are what the framework hands it (the request, whose
      // members are input or, for what the route's authentication set on it, the caller).
      const entry = route?.handler && outer === route.handler.node ? initialParameterOrigins(route, { file, node: outer as ResolvedFunction['node'], name: route.handler.name }, (parameter) => this.typedWithEnum(parameter, file)) : undefined;
      // A parameter hides the outer local of its name (`const x = 'users'; rows.map((x) => ...)`).
      outer.parameters.forEach((parameter, index) => {
        const origin: ValueOrigin = entry?.[index] ?? { kind: 'unknown' };
        if (ts.isIdentifier(parameter.name)) context.scope.values.set(parameter.name.text, origin);
        else for (const name of bindingNames(parameter.name)) context.scope.values.set(name, { kind: 'unknown' });
      });
      if (outer.body) this.bindLocals(outer.body, context, expression.getStart());
    }
    return this.origin(expression, context);
  }

  private analyze(fn: ResolvedFunction, parameters: ValueOrigin[], route: Route, depth: number, otherMethods?: ReadonlySet<ts.Node>, instance?: ValueOrigin): ValueOrigin {
    // The key is the shape of the inputs (which parameters are tainted), not their labels: a helper
    // called from forty routes is analysed once, and its summary is re-labelled for each caller.
    // A field read from an input bag depends on the route's schema: bags are keyed by the schema's route.
    const schemaScope = route.middleware?.some((step) => step.validatedFields) || route.typedArguments ? `${route.file}:${route.line}:${route.method}` : '';
    // The literals passed where the function branches on them (`{ type: 'new' }` for `if (sessionId.type === ...)`)
    // decide which branches run: calls passing other literals get their own summary.
    const discriminants = discriminantParameters(fn.node);
    const literals = discriminants.size > 0 ? parameters.map((parameter, index) => (discriminants.has(index) ? literalKey(parameter) : '')).join(',') : '';
    const key = `${this.nodeId(fn.node)}:${parameters.map((parameter) => describeForKey(parameter, depth === 0, schemaScope)).join('|')}${otherMethods ? `:${route.method}` : ''}${literals.replace(/,/g, '') ? `#${literals}` : ''}${instance ? `@this${describeInstance(instance, schemaScope)}` : ''}`;
    const cached = this.summaries.get(key);
    if (cached) {
      this.reachedAgain(this.summaryRecordings.get(key), route);
      return relabel(cached.result, cached.parameters, parameters);
    }
    if (this.inProgress.has(key) || depth > this.maxDepth || !fn.node.body) return { kind: 'unknown' };
    this.inProgress.add(key);
    const recordedHere = new Set<Recording>();
    this.recordingsInProgress.push(recordedHere);
    const prefixShape = parameters.some((parameter) => parameter.kind === 'tainted' && parameter.taint.knownPrefix !== undefined)
      ? parameters.map((parameter) => (parameter.kind === 'tainted' ? (parameter.taint.knownPrefix !== undefined ? '^' : 't') : '-')).join('')
      : '';
    const context: AnalysisContext = { fn, route, scope: { values: new Map() }, depth, evaluated: new Map(), returns: [], ...(prefixShape ? { prefixShape } : {}), ...(otherMethods ? { otherMethods } : {}) };
    if (instance) context.scope.values.set('this', instance);
    const result = this.run(fn, parameters, context);
    this.inProgress.delete(key);
    this.summaries.set(key, { result, parameters });
    this.recordingsInProgress.pop();
    if (recordedHere.size > 0) {
      const recorded = [...recordedHere];
      this.summaryRecordings.set(key, recorded);
      this.addToSummariesInProgress(recorded);
    }
    return result;
  }

  /**
   * A route reuses what was recorded for another (a summary computed for the first route that called the
   * helper, or a call recorded before with at least this route's request data): those recordings are its
   * too. They join the summaries being computed now, so a caller's summary reused later carries them.
   */
  private reachedAgain(recordings: readonly Recording[] | undefined, route: Route): void {
    if (!recordings || recordings.length === 0 || !this.calls) return;
    for (const recording of recordings) {
      if (recording.route !== route && !recording.alsoReachedFrom.includes(route)) recording.alsoReachedFrom.push(route);
    }
    this.addToSummariesInProgress(recordings);
  }

  private addToSummariesInProgress(recordings: readonly Recording[]): void {
    const innermost = this.recordingsInProgress.at(-1);
    if (innermost) for (const recording of recordings) innermost.add(recording);
  }

  /** Binds the parameters, walks the body in `context` and joins what it returns. */
  private run(fn: ResolvedFunction, parameters: ValueOrigin[], context: AnalysisContext): ValueOrigin {
    // A call from project code that leaves optional parameters out: branches that need them never run.
    const declared = runtimeParameters(fn.node);
    if (context.depth > 0 && parameters.length < declared.length) {
      const unpassed = unpassedParameters(fn.node, parameters.length);
      if (unpassed.size > 0) context.unpassed = unpassed;
    }
    declared.forEach((parameter, index) => {
      const origin = parameter.dotDotDotToken ? joinOrigins(parameters.slice(index)) : parameters[index] ?? { kind: 'unknown' };
      this.bindName(parameter.name, origin, context, parameter.initializer);
      if (parameter.dotDotDotToken && ts.isIdentifier(parameter.name)) (context.scope.restArguments ??= new Map()).set(parameter.name.text, parameters.slice(index));
    });
    const body = fn.node.body!;
    if (ts.isBlock(body)) this.walk(body, context);
    else {
      // `(command) => new Promise((resolve) => exec(command, ...))`: walked like `return <body>`, so the
      // functions written in the expression (a Promise executor, a callback) run with this call's values.
      this.walk(body, context);
      context.returns.push(this.origin(body, context));
    }
    return context.returns.length > 0 ? joinOrigins(context.returns) : { kind: 'unknown' };
  }

  /** A function written inside the one being analysed (`const searchCriteria = () => ({ userId: parsedUserId })`). */
  private isClosureOf(target: ResolvedFunction, context: AnalysisContext): boolean {
    const outer = context.fn.node;
    return target.node !== outer && target.file === context.fn.file && outer.pos <= target.node.pos && target.node.end <= outer.end;
  }

  /**
   * A closure called by the function that defines it reads that function's locals as they are at
   * the call: its scope sits on the caller's. Not summarised (its result depends on the caller's
   * values); recursion is cut as in analyze.
   */
  private analyzeClosure(fn: ResolvedFunction, parameters: ValueOrigin[], outer: AnalysisContext): ValueOrigin {
    const key = `closure:${this.nodeId(fn.node)}`;
    if (this.inProgress.has(key) || outer.depth + 1 > this.maxDepth || !fn.node.body) return { kind: 'unknown' };
    this.inProgress.add(key);
    try {
      const context: AnalysisContext = { fn, route: outer.route, scope: { values: new Map(), parent: outer.scope }, depth: outer.depth + 1, evaluated: new Map(), returns: [], ...(outer.prefixShape ? { prefixShape: outer.prefixShape } : {}) };
      return this.run(fn, parameters, context);
    } finally {
      this.inProgress.delete(key);
    }
  }

  /** Statements in source order: bindings, calls (recorded and followed), returns, guards. */
  private walk(node: ts.Node, context: AnalysisContext): void {
    if (context.otherMethods?.has(node)) return;
    if (isFunctionLike(node) && node !== context.fn.node) {
      this.walkNestedFunction(node, context, undefined);
      return;
    }
    if (ts.isVariableDeclaration(node)) {
      if (node.initializer) {
        this.walk(node.initializer, context);
        this.bindName(node.name, this.origin(node.initializer, context), context, undefined, node);
      }
      return;
    }
    if (ts.isBinaryExpression(node) && isAssignment(node.operatorToken.kind)) {
      this.walk(node.right, context);
      const value = this.origin(node.right, context);
      const target = skipOuterExpressions(node.left);
      if (ts.isIdentifier(target)) {
        const previous = node.operatorToken.kind === ts.SyntaxKind.EqualsToken ? undefined : this.lookup(target.text, context);
        this.assign(target.text, previous ? joinOrigins([previous, value]) : value, context, node);
      } else if (ts.isObjectLiteralExpression(target) || ts.isArrayLiteralExpression(target)) {
        this.bindAssignmentPattern(target, value, context);
      } else if (ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target)) {
        this.recordWrite(node, node.right, value, context);
        // `where[id] = \`${column} = ...\``, `parts.a = req.query.a`: a local object filled member by member carries what it was filled with.
        if (node.operatorToken.kind === ts.SyntaxKind.EqualsToken) this.addToLocal(target.expression, value, target, node, context);
        // Only an unconditional write replaces the member: one in a branch may not have run.
        const path = node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(target) ? memberPath(target) : undefined;
        const statement = node.parent;
        if (path && ts.isExpressionStatement(statement) && (statement.parent === context.fn.node.body || replacedWhenSet(statement, path, context.fn.node.body))) {
          context.memberWrites ??= new Map();
          context.memberWrites.set(path, value);
        }
      }
      return;
    }
    if (ts.isForOfStatement(node) || ts.isForInStatement(node)) {
      this.walk(node.expression, context);
      const iterated = this.origin(node.expression, context);
      const initializer = node.initializer;
      if (ts.isVariableDeclarationList(initializer)) {
        for (const declaration of initializer.declarations) this.bindName(declaration.name, ts.isForInStatement(node) ? { kind: 'unknown' } : iterated, context);
      }
      this.walk(node.statement, context);
      return;
    }
    if (ts.isIfStatement(node)) {
      this.walk(node.expression, context);
      if (context.unpassed && requiresDefined(node.expression, context.unpassed)) {
        if (node.elseStatement) this.walk(node.elseStatement, context);
        return;
      }
      // `if (sessionId.type === 'existing')` in a call that passed `{ type: 'new' }`: that branch never runs for it.
      const decided = this.decide(node.expression, context);
      if (decided === false) {
        if (node.elseStatement) this.walk(node.elseStatement, context);
        return;
      }
      if (decided === true) {
        this.walk(node.thenStatement, context);
        return;
      }
      // A branch that may not run leaves the value from before it (`if (!next) next = '/'` keeps the
      // client's `next` when it was given): join what each name held before with what the branch left.
      const before = new Map<string, ValueOrigin>();
      for (const name of branchAssignedNames(node)) {
        const prior = this.lookup(name, context);
        if (prior) before.set(name, prior);
      }
      // `if (ALLOWED.includes(sort)) { sql += sort }`: inside the branch the value is one the allowlist holds.
      const listed = allowlistedInBranch(node.expression);
      const narrowed = listed && !before.has(listed.name) ? { ...listed, prior: this.lookup(listed.name, context) } : undefined;
      if (narrowed?.prior) this.assign(narrowed.name, { kind: 'sanitized', how: narrowed.how }, context, undefined);
      this.walk(node.thenStatement, context);
      if (narrowed?.prior) this.assign(narrowed.name, narrowed.prior, context, undefined);
      const afterThen = new Map([...before.keys()].map((name) => [name, this.lookup(name, context)] as const));
      if (node.elseStatement) {
        for (const [name, prior] of before) this.assign(name, prior, context, undefined);
        this.walk(node.elseStatement, context);
      }
      for (const [name, prior] of before) {
        const thenValue = exitsEarly(node.thenStatement) ? undefined : afterThen.get(name);
        const elseValue = node.elseStatement ? (exitsEarly(node.elseStatement) ? undefined : this.lookup(name, context)) : prior;
        // `if (!ALLOWED.includes(sort)) sort = 'createdAt'`: every path leaves an allowed value.
        const replaced = !node.elseStatement ? unlistedReplaced(node, name) : undefined;
        // `if (!team) { team = resolve(); cache.set(key, team) }`: the cache held what this branch stored.
        const memoised = thenValue && this.fillsMemo(node, name, context) ? thenValue : undefined;
        const joined = replaced ? ({ kind: 'sanitized', how: replaced } as const) : (memoised ?? joinOrigins([thenValue, elseValue].filter((value): value is ValueOrigin => value !== undefined)));
        this.assign(name, joined, context, undefined);
      }
      // `if (!ALLOWED.includes(sort)) return ...;` — after it, sort holds an allowed value.
      const guarded = allowlistGuardedName(node, this.anchoredPatternPredicate);
      if (guarded) this.assign(guarded.name, { kind: 'sanitized', how: guarded.how }, context, undefined);
      // `if (!target.startsWith(base)) throw ...;` — still request data, but confined: rules decide.
      for (const check of pathContainmentChecks(node)) {
        const current = this.lookup(check.name, context);
        if (current?.kind === 'tainted') this.assign(check.name, { kind: 'tainted', taint: withTransform(withStep(current.taint, this.step(node.expression, context, check.how)), PATH_CONTAINMENT_CHECK) }, context, undefined);
      }
      // `const doc = await Imports.getImport(input.importId); if (!doc) throw ...` — after it, the id is a stored record's key.
      for (const key of existingRecordKeyChecks(node)) {
        const current = this.origin(key, context);
        const name = ts.isIdentifier(key) ? key.text : ts.isPropertyAccessExpression(key) ? memberPath(key) : undefined;
        if (name !== undefined && current.kind === 'tainted') this.assign(name, { kind: 'tainted', taint: withTransform(current.taint, EXISTING_RECORD_KEY) }, context, undefined);
      }
      return;
    }
    if (ts.isReturnStatement(node)) {
      if (node.expression) {
        this.walk(node.expression, context);
        const returned = this.origin(node.expression, context);
        context.returns.push(returned);
        if (context.depth === 0 && context.fn.node === context.route.handler?.node) this.recordWrite(node, node.expression, returned, context);
      }
      return;
    }
    if (ts.isConditionalExpression(node)) {
      this.walk(node.condition, context);
      const decided = this.decide(node.condition, context);
      if (decided !== false) this.walk(node.whenTrue, context);
      if (decided !== true) this.walk(node.whenFalse, context);
      return;
    }
    if (ts.isSwitchStatement(node)) {
      this.walk(node.expression, context);
      const known = this.knownLiteral(node.expression, context);
      const clauses = known && reachableClauses(node, known);
      for (const clause of node.caseBlock.clauses) if (!clauses || clauses.has(clause)) this.walk(clause, context);
      return;
    }
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      for (const argument of node.arguments ?? []) this.walk(argument, context);
      this.walk(node.expression, context);
      this.origin(node, context); // evaluates, records and follows the call
      // `parts.push(\`${name} = 1\`)`, `values.add(x)`, `map.set(key, x)`: a local collection holds what was put in it.
      const callee = ts.isCallExpression(node) ? skipOuterExpressions(node.expression) : undefined;
      const added = callee && ts.isPropertyAccessExpression(callee) ? COLLECTION_ADDERS.get(callee.name.text) : undefined;
      if (callee && ts.isPropertyAccessExpression(callee) && added !== undefined) {
        const items = (node.arguments ?? []).slice(added);
        const origins = items.map((item) => this.origin(ts.isSpreadElement(item) ? item.expression : item, context)).filter((origin) => origin.kind === 'tainted');
        if (origins.length > 0) this.addToLocal(callee.expression, joinOrigins(origins), undefined, node, context);
      }
      return;
    }
    ts.forEachChild(node, (child) => this.walk(child, context));
  }

  /**
   * A tainted value stored into a local collection or object (`parts.push(v)`, `where[id] = v`,
   * `opts.filter = v`): the local now carries it, so reading it whole (`parts.join(' AND ')`,
   * `Object.values(where)`, handing it on) carries it too. A named member of an object whose members
   * are known keeps the others as they were (`opts.table` stays the constant it was).
   */
  private addToLocal(collection: ts.Expression, value: ValueOrigin, member: ts.PropertyAccessExpression | ts.ElementAccessExpression | undefined, node: ts.Node, context: AnalysisContext): void {
    if (value.kind !== 'tainted') return;
    const target = skipOuterExpressions(collection);
    if (!ts.isIdentifier(target)) return;
    // Only a collection the code builds itself (`const where = {}`, `const parts: string[] = []`, `new Map()`):
    // not a parameter or a framework object (`res.set(...)`, `headers.set(...)` on a response are no collections).
    const declaration = localBinding(target);
    const initializer = declaration && ts.isVariableDeclaration(declaration) && declaration.initializer ? skipOuterExpressions(declaration.initializer) : undefined;
    const built = initializer !== undefined && (ts.isObjectLiteralExpression(initializer) || ts.isArrayLiteralExpression(initializer) || (ts.isNewExpression(initializer) && ts.isIdentifier(initializer.expression) && /^(?:Map|Set|Array)$/.test(initializer.expression.text)));
    const current = built ? this.lookup(target.text, context) : undefined;
    if (!current) return;
    const stepped = this.stepped(value, node, context, `added to ${target.text}`);
    const name = member && ts.isPropertyAccessExpression(member) ? member.name.text : member && ts.isElementAccessExpression(member) && ts.isStringLiteralLike(member.argumentExpression) ? member.argumentExpression.text : undefined;
    // `const payload: any = {}` then `payload.name = name; payload.fcmToken = dto.fcmToken`: built member by member
    // from nothing, its members are all it holds (a mass-assignment sink sees picked fields, not the body).
    const emptyLiteral = initializer !== undefined && ts.isObjectLiteralExpression(initializer) && initializer.properties.length === 0 ? {} : undefined;
    const knownFields = current.kind === 'constant' ? (current.fields ?? emptyLiteral) : current.kind === 'tainted' ? current.fields : undefined;
    if (name !== undefined && knownFields) {
      this.assign(target.text, { kind: 'tainted', taint: stepped.kind === 'tainted' ? stepped.taint : value.taint, fields: { ...knownFields, [name]: stepped }, rest: current.kind === 'tainted' ? (current.rest ?? { kind: 'unknown' }) : { kind: 'constant' } }, context, undefined);
      return;
    }
    this.assign(target.text, joinOrigins([stepped, current]), context, undefined);
  }

  /**
   * Callbacks: `.then(rows => ...)`, `items.map(item => ...)` get their parameter from the receiver.
   * Returns what the callback returns (joined), when it returns something.
   */
  private walkNestedFunction(fn: ts.SignatureDeclaration & { body?: ts.Node }, context: AnalysisContext, parameterOrigin: ValueOrigin | undefined): ValueOrigin | undefined {
    if (!fn.body) return undefined;
    // Its own memo: a callback is walked once as a plain argument and again with the value a
    // `.then`/`.map` hands it, and the second walk must not reuse the first one's origins.
    // Walked without the values its caller hands it (a callback seen as a plain argument): what its
    // calls receive there proves nothing either way about what routes pass (argumentsProved).
    const unbound = context.unboundParameters || fn.parameters.length > (parameterOrigin ? 1 : 0);
    const nested: AnalysisContext = { ...context, scope: { values: new Map(), parent: context.scope }, returns: [], evaluated: new Map(), ...(unbound ? { unboundParameters: true } : {}) };
    fn.parameters.forEach((parameter, index) => this.bindName(parameter.name, index === 0 && parameterOrigin ? parameterOrigin : { kind: 'unknown' }, nested));
    this.walk(fn.body, nested);
    if (!ts.isBlock(fn.body)) return this.origin(fn.body as ts.Expression, nested);
    return nested.returns.length > 0 ? joinOrigins(nested.returns) : undefined;
  }

  /**
   * Whether a condition holds in this context, decided by literals the call passed (`{ type: 'new' }`
   * for `sessionId.type === 'existing'`) or constants bound to them. Undefined when anything else decides.
   */
  private decide(condition: ts.Expression, context: AnalysisContext): boolean | undefined {
    return literalDecision(condition, (operand) => this.knownLiteral(operand, context));
  }

  /** The literal a name or a member read of one holds here, when known (never a call's result). */
  private knownLiteral(expression: ts.Expression, context: AnalysisContext): { value: LiteralValue } | undefined {
    let root = skipOuterExpressions(expression);
    while (ts.isPropertyAccessExpression(root)) root = skipOuterExpressions(root.expression);
    if (!ts.isIdentifier(root)) return undefined;
    const origin = this.origin(skipOuterExpressions(expression), context);
    return origin.kind === 'constant' && origin.value !== undefined ? { value: origin.value } : undefined;
  }

  /** The origin of an expression in a context (memoized per node). */
  private origin(expression: ts.Expression, context: AnalysisContext): ValueOrigin {
    const cached = context.evaluated.get(expression);
    if (cached) return cached;
    const value = this.originUncached(expression, context);
    context.evaluated.set(expression, value);
    return value;
  }

  private originUncached(expression: ts.Expression, context: AnalysisContext): ValueOrigin {
    const node = expression;
    if (isOuterExpression(node)) return this.origin(node.expression, context);
    switch (node.kind) {
      case ts.SyntaxKind.StringLiteral:
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
      case ts.SyntaxKind.NumericLiteral:
      case ts.SyntaxKind.TrueKeyword:
      case ts.SyntaxKind.FalseKeyword:
      case ts.SyntaxKind.NullKeyword: {
        // The literal itself, for the branches a callee takes on it (`upsertSession({ type: 'new' })`).
        const literal = literalValueOf(node);
        return literal ? { kind: 'constant', value: literal.value } : { kind: 'constant' };
      }
      case ts.SyntaxKind.BigIntLiteral:
      case ts.SyntaxKind.RegularExpressionLiteral:
        return { kind: 'constant' };
      case ts.SyntaxKind.Identifier: {
        const name = (node as ts.Identifier).text;
        if (name === 'undefined') return { kind: 'constant' };
        const found = this.lookup(name, context) ?? this.moduleConstant(name, context);
        // `create(payload)` after `payload.password = await hash(...)`: the object handed on holds the new member.
        const value = context.memberWrites ? withWrittenMembers(found, name, context.memberWrites) : found;
        // A name the file writes to again may hold another literal by now (a loop, a later branch).
        return holdsLiterals(value) && reassignedNames(node.getSourceFile()).has(name) ? withoutLiterals(value) : value;
      }
      case ts.SyntaxKind.TemplateExpression: {
        const template = node as ts.TemplateExpression;
        const joined = this.joinWithStep(template.templateSpans.map((span) => this.origin(span.expression, context)), node, context, 'interpolated into a template string');
        // The value starts with the template's head: `/v9/domains/${domain}` is a path, whatever domain holds.
        // Only a path head is kept (what URL host checks need): every other head would split summaries for nothing.
        return joined.kind === 'tainted' && /^\/(?!\/)/.test(template.head.text) ? { ...joined, taint: { ...joined.taint, knownPrefix: template.head.text } } : joined;
      }
      case ts.SyntaxKind.TaggedTemplateExpression:
        // sql`...` / Prisma.sql`...`: tag functions parameterize their substitutions.
        return { kind: 'unknown' };
      case ts.SyntaxKind.BinaryExpression:
        return this.binaryOrigin(node as ts.BinaryExpression, context);
      case ts.SyntaxKind.ConditionalExpression: {
        const conditional = node as ts.ConditionalExpression;
        // The fallback branch may be computed: `allowed.includes(unit) ? unit : getMinimumUnit(start, end)`.
        const allowlisted = allowlistTernary(conditional, (branch) => {
          const fallback = this.origin(branch, context);
          return fallback.kind === 'constant' || (fallback.kind === 'sanitized' && !fallback.identity);
        });
        if (allowlisted) return { kind: 'sanitized', how: allowlisted };
        const decided = this.decide(conditional.condition, context);
        if (decided !== undefined) return this.origin(decided ? conditional.whenTrue : conditional.whenFalse, context);
        return joinOrigins([this.origin(conditional.whenTrue, context), this.origin(conditional.whenFalse, context)]);
      }
      case ts.SyntaxKind.PrefixUnaryExpression:
      case ts.SyntaxKind.PostfixUnaryExpression:
      case ts.SyntaxKind.TypeOfExpression:
      case ts.SyntaxKind.DeleteExpression:
      case ts.SyntaxKind.VoidExpression:
        return { kind: 'sanitized', how: 'a number or boolean' };
      case ts.SyntaxKind.ArrayLiteralExpression:
        return joinOrigins((node as ts.ArrayLiteralExpression).elements.map((element) => this.origin(ts.isSpreadElement(element) ? element.expression : element, context)).concat([{ kind: 'constant' }]));
      case ts.SyntaxKind.ObjectLiteralExpression: {
        const properties = (node as ts.ObjectLiteralExpression).properties;
        const origins = properties.map((property): ValueOrigin => {
          if (ts.isPropertyAssignment(property)) return this.origin(property.initializer, context);
          if (ts.isShorthandPropertyAssignment(property)) return this.origin(property.name, context);
          if (ts.isSpreadAssignment(property)) return this.spreadOrigin(property.expression, context);
          return { kind: 'constant' };
        });
        const joined = joinOrigins(origins.concat([{ kind: 'constant' }]));
        // `{ isNew: true }`: literals only, each member kept for the branches a callee takes on it.
        if (joined.kind === 'constant') return constantFields(properties, origins) ?? joined;
        // `{ id: input.id (a validated uuid), teamId: ctx.teamId }`: the caller's own members beside the
        // client's choice of record. Joined, the whole would read as the caller's and so would `params.id`;
        // kept apart, each member is its own, and the whole carries the client's choice (safe for every sink).
        const chosen = joined.kind === 'principal' ? origins.find((origin) => origin.kind === 'sanitized' && origin.identity) : undefined;
        const whole: ValueOrigin = chosen?.kind === 'sanitized' && chosen.identity ? { kind: 'tainted', taint: { ...chosen.identity, safeFor: [...SINK_CATEGORIES] } } : joined;
        if (whole.kind !== 'tainted') return joined;
        // Every property named statically: keep each one's origin, so `{ id: user.id, q: req.query.q }` stays apart.
        // A spread supplies the members not named after it (`{ ...query, projectId: auth.scope.projectId }`):
        // its own fields when it has them, else `rest`; a member named before it may be overwritten by it.
        const fields: Record<string, ValueOrigin> = {};
        let rest: ValueOrigin | undefined;
        for (const [index, property] of properties.entries()) {
          const origin = origins[index]!;
          if (ts.isSpreadAssignment(property)) {
            if (origin.kind === 'tainted' && origin.fields && !origin.rest) {
              Object.assign(fields, origin.fields);
              continue;
            }
            // A bag built the same way spread again (`resolve({ ...args, links })` on `args = { ...body,
            // workspace }`): its named members stay its own, the rest may overwrite what was named before.
            if (origin.kind === 'tainted' && origin.fields && origin.rest) {
              const spreadRest = origin.rest;
              for (const name of Object.keys(fields)) if (!Object.hasOwn(origin.fields, name)) fields[name] = joinOrigins([fields[name]!, spreadRest]);
              Object.assign(fields, origin.fields);
              rest = rest ? joinOrigins([rest, spreadRest]) : spreadRest;
              continue;
            }
            // A validated input that holds only its schema's fields (`{ teamId, userId: ctx.user.id, ...input }`
            // under a zod tRPC input without teamId/userId) supplies those fields and overwrites nothing else.
            const declared = origin.kind === 'tainted' ? this.closedBagFields(origin.taint, context) : undefined;
            if (origin.kind === 'tainted' && declared) {
              for (const field of declared) fields[field] = this.bagField(origin.taint, field, context);
              continue;
            }
            if (origin.kind === 'constant') continue;
            for (const name of Object.keys(fields)) fields[name] = joinOrigins([fields[name]!, origin]);
            rest = rest ? joinOrigins([rest, origin]) : origin;
            continue;
          }
          const name = (ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property)) && propertyNameText(property.name);
          if (!name) return whole;
          fields[name] = origin;
        }
        return { ...whole, fields, ...(rest ? { rest } : {}) };
      }
      case ts.SyntaxKind.SpreadElement:
        return this.origin((node as ts.SpreadElement).expression, context);
      case ts.SyntaxKind.ThisKeyword:
        // A method called on an instance the flow made (`new TopicModel(db, userId).delete(id)`): what its constructor stored.
        return this.lookup('this', context) ?? { kind: 'unknown' };
      case ts.SyntaxKind.PropertyAccessExpression:
      case ts.SyntaxKind.ElementAccessExpression:
        return context.memberWrites ? this.withMemberWrites(node as ts.PropertyAccessExpression | ts.ElementAccessExpression, context) : this.memberOrigin(node as ts.PropertyAccessExpression | ts.ElementAccessExpression, context);
      case ts.SyntaxKind.CallExpression:
      case ts.SyntaxKind.NewExpression:
        return this.callOrigin(node as ts.CallExpression | ts.NewExpression, context);
      case ts.SyntaxKind.ArrowFunction:
      case ts.SyntaxKind.FunctionExpression:
        return { kind: 'unknown' };
      case ts.SyntaxKind.JsxElement:
      case ts.SyntaxKind.JsxSelfClosingElement:
        return this.jsxPropsOrigin(ts.isJsxElement(node) ? node.openingElement.attributes : (node as ts.JsxSelfClosingElement).attributes, context);
      default:
        return { kind: 'unknown' };
    }
  }

  /**
   * A member read after the function overwrote it, or its object after one of its members was
   * overwritten: `query.user.create(req.body)` after `req.body.password = await bcrypt.hash(...)`
   * hands on the hash as `password` (the object's other members as they were).
   */
  private withMemberWrites(node: ts.PropertyAccessExpression | ts.ElementAccessExpression, context: AnalysisContext): ValueOrigin {
    const path = ts.isPropertyAccessExpression(node) ? memberPath(node) : undefined;
    const written = path !== undefined ? context.memberWrites!.get(path) : undefined;
    if (written && !isWriteTarget(node)) return written;
    const origin = this.memberOrigin(node, context);
    if (path === undefined || origin.kind !== 'tainted') return origin;
    const fields: Record<string, ValueOrigin> = {};
    for (const [writtenPath, value] of context.memberWrites!) {
      const rest = writtenPath.startsWith(`${path}.`) ? writtenPath.slice(path.length + 1) : undefined;
      if (rest && !rest.includes('.')) fields[rest] = value;
    }
    if (Object.keys(fields).length === 0) return origin;
    return { ...origin, fields: { ...(origin.fields ?? {}), ...fields }, rest: origin.fields ? (origin.rest ?? { kind: 'unknown' }) : origin };
  }

  /**
   * `<Page q={req.query.q} />` is the props object a component receives (server rendering with
   * renderToString): its fields are the attributes, as for an object literal. Children are not props here.
   */
  private jsxPropsOrigin(attributes: ts.JsxAttributes, context: AnalysisContext): ValueOrigin {
    const origins = attributes.properties.map((attribute): ValueOrigin => {
      if (ts.isJsxSpreadAttribute(attribute)) return this.origin(attribute.expression, context);
      const initializer = attribute.initializer;
      if (initializer && ts.isJsxExpression(initializer) && initializer.expression) return this.origin(initializer.expression, context);
      return { kind: 'constant' };
    });
    const joined = joinOrigins(origins.concat([{ kind: 'constant' }]));
    if (joined.kind !== 'tainted') return joined;
    const fields: Record<string, ValueOrigin> = {};
    for (const [index, attribute] of attributes.properties.entries()) {
      if (!ts.isJsxAttribute(attribute) || !ts.isIdentifier(attribute.name)) return joined;
      fields[attribute.name.text] = origins[index]!;
    }
    return { ...joined, fields };
  }

  private binaryOrigin(binary: ts.BinaryExpression, context: AnalysisContext): ValueOrigin {
    const operator = binary.operatorToken.kind;
    if (operator === ts.SyntaxKind.PlusToken || operator === ts.SyntaxKind.PlusEqualsToken) {
      return this.joinWithStep([this.origin(binary.left, context), this.origin(binary.right, context)], binary, context, 'concatenated');
    }
    if (operator === ts.SyntaxKind.BarBarToken || operator === ts.SyntaxKind.QuestionQuestionToken || operator === ts.SyntaxKind.AmpersandAmpersandToken) {
      const left = this.origin(binary.left, context);
      const right = this.origin(binary.right, context);
      // `RequestContext.currentTenantId() || input.tenantId` behind authentication: the caller's own value,
      // which a signed-in caller always has; the client's stands in only where no one is signed in (a job, a seed).
      if (operator !== ts.SyntaxKind.AmpersandAmpersandToken && left.kind === 'principal' && context.route.auth === 'authenticated') {
        return { kind: 'principal', label: `${left.label} (the client's value only when no one is signed in)` };
      }
      // `password && hash(password)`: the left operand is the result only when it is falsy (an empty string,
      // null, 0), which carries nothing the client wrote; otherwise the result is the right operand.
      if (operator === ts.SyntaxKind.AmpersandAmpersandToken) return right;
      return joinOrigins([left, right]);
    }
    if (operator === ts.SyntaxKind.CommaToken) return this.origin(binary.right, context);
    if (isAssignment(operator)) return this.origin(binary.right, context);
    // Arithmetic, comparison, instanceof, in: numbers and booleans.
    return { kind: 'sanitized', how: 'a number or boolean' };
  }

  /** `req.query.sort`, `ctx.request.body`, `dto.name`, `obj[key]`. */
  private memberOrigin(member: ts.PropertyAccessExpression | ts.ElementAccessExpression, context: AnalysisContext): ValueOrigin {
    // `cursor.operator` after `if (ALLOWED.indexOf(cursor.operator) === -1) throw ...`.
    const path = ts.isPropertyAccessExpression(member) ? memberPath(member) : undefined;
    const guarded = path !== undefined ? this.lookup(path, context) : undefined;
    if (guarded?.kind === 'sanitized' || (guarded?.kind === 'tainted' && guarded.taint.transforms.includes(EXISTING_RECORD_KEY))) return guarded;
    let base = this.origin(member.expression, context);
    const name = ts.isPropertyAccessExpression(member)
      ? member.name.text
      : ts.isStringLiteralLike(member.argumentExpression)
        ? member.argumentExpression.text
        : undefined;
    if (base.kind === 'tainted') {
      // An object literal's fields are all of it (any spread drops them): a member it does not have is
      // undefined, as destructuring reads it, not the request data another field carries
      // (`{ workspace, requestId: req.headers.get('x-request-id') }.db ?? defaultDb` is the default client).
      if (base.fields && name !== undefined) {
        if (Object.hasOwn(base.fields, name)) return base.fields[name]!;
        const rest = base.rest ?? { kind: 'constant' };
        // `{ projectId, ...req.query }.limit`: the spread input's own field, as the route's schema validated it.
        const restBag = rest.kind === 'tainted' ? (rest.taint.inputBag ?? rest.taint.validatedPart) : undefined;
        const validated = restBag && rest.kind === 'tainted' ? this.validatedField(context)(restBag, name, rest.taint) : undefined;
        return validated ?? rest;
      }
      // `(ctx as any)[TRANSACTION_MANAGER_KEY]` with `const TRANSACTION_MANAGER_KEY = Symbol(...)`: what the
      // server's own code hung on the request or context; a client's input never sits under a symbol.
      if (base.taint.requestObject && name === undefined && ts.isElementAccessExpression(member) && this.isSymbolKey(member.argumentExpression, context.fn.file)) return { kind: 'unknown' };
      if (base.taint.requestObject) return this.requestMemberOrigin(base.taint, name, member, context);
      if (name === 'length') return { kind: 'sanitized', how: '.length (a number)' };
      const uploaded = uploadedFileServerMember(base.taint, name, compactText(member.expression));
      if (uploaded) return uploaded;
      const bagPart = base.taint.inputBag ?? base.taint.validatedPart;
      if (bagPart) {
        const validated = name === undefined ? undefined : this.validatedField(context)(bagPart, name, base.taint);
        if (validated) return validated;
        base = { kind: 'tainted', taint: withoutInputBag(base.taint) };
      }
      // Still reading along the source expression (`req.query.name`, `body.changeIds` of `@Body() body`): name the input precisely.
      // TypeScript's non-null assertions (`event.pathParameters!.id`) are not part of what is read.
      const read = name !== undefined ? compactText(member.expression).replace(/!(?=[.[]|$)/g, '') : undefined;
      if (read !== undefined && (read === base.taint.source.label || (/^@\w+\([^)]*\) [\w$]+$/.test(base.taint.source.label) && base.taint.source.label.endsWith(` ${read}`)))) {
        const label = `${base.taint.source.label}.${name}`;
        // The source step names the input too: keep the two in agreement.
        const [first, ...rest] = base.taint.steps;
        const steps = first && base.taint.steps.length === 1 && first.message.startsWith('request input ') ? [{ ...first, message: `request input ${label}` }, ...rest] : base.taint.steps;
        return { kind: 'tainted', taint: { ...base.taint, steps, source: { ...base.taint.source, label } } };
      }
      return base;
    }
    if (base.kind === 'principal') return base;
    if (base.kind === 'constant' && name !== undefined) return (base.fields && Object.hasOwn(base.fields, name) ? base.fields[name] : undefined) ?? { kind: 'constant' };
    return base.kind === 'sanitized' ? base : { kind: 'unknown' };
  }

  /** A key made by `Symbol(...)` or `Symbol.for(...)` (a module constant, local or imported), or written as `Symbol.for(...)` in place. */
  private isSymbolKey(key: ts.Expression, file: ScannedSourceFile): boolean {
    const made = (value: ts.Expression): boolean => {
      const node = skipOuterExpressions(value);
      if (!ts.isCallExpression(node)) return false;
      const callee = skipOuterExpressions(node.expression);
      return (ts.isIdentifier(callee) && callee.text === 'Symbol') || (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Symbol' && callee.name.text === 'for');
    };
    const value = skipOuterExpressions(key);
    if (made(value)) return true;
    if (!ts.isIdentifier(value)) return false;
    const binding = this.modules.resolveName(file, value.text);
    return binding?.kind === 'declaration' && ts.isVariableDeclaration(binding.node) && binding.node.initializer !== undefined && made(binding.node.initializer);
  }

  /** `jwt.verify(...)`, `jwtVerify(...)`, `auth.verifyIdToken(...)`: a package call that throws unless the token is valid. */
  private verifiesToken(callee: ts.Expression, file: ScannedSourceFile): boolean {
    if (ts.isPropertyAccessExpression(callee) && TOKEN_VERIFYING_METHODS.has(callee.name.text)) return true;
    const root = ts.isPropertyAccessExpression(callee) ? skipOuterExpressions(callee.expression) : callee;
    if (!ts.isIdentifier(root)) return false;
    const binding = this.modules.resolveName(file, root.text);
    if (binding?.kind !== 'external') return false;
    const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : binding.importedName;
    return TOKEN_VERIFIERS[binding.module]?.includes(name) ?? false;
  }

  /**
   * `get(requestContext, 'authorizer.claims.sub')`, `_.get(event, ['pathParameters', 'id'])`: a path
   * getter (models/request-sources.ts) reads the member its path names, each segment as a property read.
   */
  private propertyPathRead(call: ts.CallExpression | ts.NewExpression, callee: ts.Expression, argumentOrigins: ValueOrigin[], context: AnalysisContext): ValueOrigin | undefined {
    const [objectArgument, pathArgument] = call.arguments ?? [];
    const base = argumentOrigins[0];
    if (!objectArgument || !pathArgument || base?.kind !== 'tainted' || ts.isNewExpression(call)) return undefined;
    const path = skipOuterExpressions(pathArgument);
    const segments = ts.isStringLiteralLike(path)
      ? path.text.split('.')
      : ts.isArrayLiteralExpression(path) && path.elements.every(ts.isStringLiteralLike)
        ? path.elements.map((element) => (element as ts.StringLiteralLike).text)
        : undefined;
    if (!segments || !this.isPathGetter(callee, context.fn.file)) return undefined;
    let current: ValueOrigin = base;
    for (const segment of segments) {
      if (current.kind !== 'tainted') break;
      if (current.fields && Object.hasOwn(current.fields, segment)) current = current.fields[segment]!;
      else if (current.taint.requestObject) current = this.requestMemberOrigin(current.taint, segment, call, context);
      else break;
    }
    return current;
  }

  /** The argument a known field-copying factory (models/request-sources.ts) copies, or undefined. */
  private fieldCopySource(callee: ts.Expression, file: ScannedSourceFile): number | undefined {
    const root = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) ? callee.expression : undefined;
    if (!root) return undefined;
    const binding = this.modules.resolveName(file, root.text);
    if (binding?.kind !== 'external') return undefined;
    const name = root === callee ? binding.importedName : (callee as ts.PropertyAccessExpression).name.text;
    const factories = own(FIELD_COPYING_FACTORIES, binding.module);
    return factories && own(factories, name)?.source;
  }

  private isPathGetter(callee: ts.Expression, file: ScannedSourceFile): boolean {
    if (ts.isIdentifier(callee)) {
      const binding = this.modules.resolveName(file, callee.text);
      return binding?.kind === 'external' && (PROPERTY_PATH_GETTER_PACKAGES.includes(binding.module) || (PROPERTY_PATH_GETTER_NAMESPACES.includes(binding.module) && PROPERTY_PATH_GETTER_NAMES.includes(binding.importedName)));
    }
    if (ts.isPropertyAccessExpression(callee) && PROPERTY_PATH_GETTER_NAMES.includes(callee.name.text) && ts.isIdentifier(callee.expression)) {
      const binding = this.modules.resolveName(file, callee.expression.text);
      return binding?.kind === 'external' && PROPERTY_PATH_GETTER_NAMESPACES.includes(binding.module);
    }
    return false;
  }

  private callOrigin(call: ts.CallExpression | ts.NewExpression, context: AnalysisContext): ValueOrigin {
    const callee = skipOuterExpressions(call.expression);
    const argumentOrigins = (call.arguments ?? []).map((argument) => this.origin(argument, context));
    const calleeName = calleeText(callee, ts.isNewExpression(call));
    const lastName = calleeName.split('.').pop() ?? calleeName;

    let receiverOrigin: ValueOrigin | undefined;
    if (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) receiverOrigin = this.origin(callee.expression, context);
    if (receiverOrigin?.kind === 'unknown' && ts.isPropertyAccessExpression(callee)) receiverOrigin = this.contextMemberOrigin(callee.expression, context) ?? receiverOrigin;

    this.record(call, context, argumentOrigins, receiverOrigin);

    const pathRead = this.propertyPathRead(call, callee, argumentOrigins, context);
    if (pathRead) return pathRead;

    if (this.options.sanitizers.includes(calleeName) || this.options.sanitizers.includes(lastName)) {
      return { kind: 'sanitized', how: `${calleeName}() (config sanitizers)` };
    }
    const sanitizerModel = ts.isCallExpression(call) && this.options.sanitizerModels?.length ? matchingFunctionModel(this.options.sanitizerModels, this.modules, context.fn.file, callee) : undefined;
    if (sanitizerModel) {
      // A sanitizer for one category of sinks: the value stays request data for every other one.
      const input = sanitizerModel.category ? joinOrigins(argumentOrigins.filter((argument) => argument.kind === 'tainted')) : undefined;
      if (sanitizerModel.category && input?.kind === 'tainted') return this.madeSafeFor(input.taint, sanitizerModel.category, call, context, `${calleeName}() (${sanitizerModel.label})`);
      return { kind: 'sanitized', how: `${calleeName}() (${sanitizerModel.label})` };
    }
    // next-auth getServerSession()/auth(), Clerk currentUser(): the signed-in user's session, not client input.
    if (SESSION_GETTERS.test(lastName) && (call.arguments?.length ?? 0) <= 2 && !argumentOrigins.some((argument) => argument.kind === 'tainted' && !argument.taint.requestObject)) {
      return { kind: 'principal', label: `${calleeName}()` };
    }
    // `this.getUid()`: a class controller's accessor for the caller its base class's login check stored.
    if ((call.arguments?.length ?? 0) === 0 && CONTROLLER_PRINCIPAL_ACCESSOR.test(call.getText())) return { kind: 'principal', label: `${calleeName}()` };
    // `this.cls.get('user.id')`: the request context a guard filled with the signed-in user (nestjs-cls, AsyncLocalStorage).
    const contextKey = call.arguments?.[0] && skipOuterExpressions(call.arguments[0]);
    if (lastName === 'get' && ts.isPropertyAccessExpression(callee) && REQUEST_CONTEXT_STORE.test(callee.expression.getText()) && contextKey && ts.isStringLiteralLike(contextKey) && REQUEST_CONTEXT_PRINCIPAL_KEY.test(contextKey.text)) {
      return { kind: 'principal', label: `${callee.expression.getText()}.get('${contextKey.text}')` };
    }
    // `jwt.verify(token, secret)`: the library throws on a bad token, so its result is the verified caller.
    if (this.verifiesToken(callee, context.fn.file)) return { kind: 'principal', label: `${calleeName}()` };
    // `const user = await requireUser(req)`: a project helper that verifies the credentials hands back
    // the signed-in user, not client input: it throws when they fail, or returns nothing
    // (`authenticateAndGetUser(event)` returning null, which the handler tests).
    if (USER_HELPER_NAME.test(lastName) && !ts.isNewExpression(call)) {
      const helper = resolveFunction(this.modules, context.fn.file, callee);
      if (helper && this.authHelpers.verifies(helper)) return { kind: 'principal', label: `${calleeName}()` };
      // `const authCheck = await apiAuth.verifyAuthHeaderAndReturnScope(header); if (!authCheck.validKey) return
      // res.status(401)`: a check that reports failure instead of throwing, turned into a 401 by the caller.
      // What it returns (`authCheck.scope.orgId`) is the verified caller's.
      if (answeredWith401(call)) return { kind: 'principal', label: `${calleeName}()` };
    }
    const numeric = calleeName.split('.')[0]!;
    if (NUMERIC_CONVERSIONS.has(numeric) || NUMERIC_CONVERSIONS.has(calleeName) || calleeName === 'BigInt') {
      const converted = IDENTITY_CONVERSIONS.has(calleeName) ? identityTaint(argumentOrigins[0]) : undefined;
      const identity = converted && !converted.requestObject ? withStep(converted, this.step(call, context, `converted by ${calleeName}()`)) : undefined;
      return { kind: 'sanitized', how: `${calleeName}() (a number)`, ...(identity ? { identity } : {}) };
    }

    // Methods on request objects (req.get('x'), c.req.query('q'), request.json()) and on tainted values.
    if (receiverOrigin?.kind === 'tainted') {
      if (receiverOrigin.taint.requestObject) {
        const read = requestMethod(receiverOrigin.taint, lastName, call, context.fn.file);
        if (read) return read;
      }
      if (NON_STRING_METHODS.has(lastName)) return { kind: 'sanitized', how: `.${lastName}() (a boolean or number)` };
      if (lastName === 'then' || lastName === 'catch' || lastName === 'finally') {
        const callback = call.arguments?.[0];
        if (callback && isFunctionLike(skipOuterExpressions(callback))) this.walkNestedFunction(skipOuterExpressions(callback) as ts.ArrowFunction, context, receiverOrigin);
        return receiverOrigin;
      }
      if (ARRAY_CALLBACK_METHODS.has(lastName)) {
        const callback = call.arguments?.[0];
        const mapped = callback && isFunctionLike(skipOuterExpressions(callback)) ? this.walkNestedFunction(skipOuterExpressions(callback) as ts.ArrowFunction, context, receiverOrigin) : undefined;
        // `.map(({ domain }) => ({ id, slug: domain }))`: the new array holds what the callback builds, field by field.
        if ((lastName === 'map' || lastName === 'flatMap') && mapped) return mapped;
        return receiverOrigin;
      }
      // `q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')`: every metacharacter backslashed by hand.
      if ((lastName === 'replace' || lastName === 'replaceAll') && escapesRegexMetacharacters(call)) {
        return this.madeSafeFor(withTransform(receiverOrigin.taint, `.${lastName}()`), 'regex', call, context, `.${lastName}() escaping every regular-expression metacharacter`);
      }
      // `echo '${input.replace(/'/g, "'\\''")}'`: each quote closes the single-quoted word, adds an escaped one and reopens it.
      if ((lastName === 'replace' || lastName === 'replaceAll') && escapesShellSingleQuotes(call)) {
        return this.madeSafeFor(withTransform(receiverOrigin.taint, `.${lastName}()`), 'command', call, context, `.${lastName}() escaping every single quote for a single-quoted shell word`);
      }
      // `Buffer.from(config).toString('base64')`: letters, digits and `+/=` (`-_` for base64url), or hex digits,
      // whatever went in. Still request data, but no quote, space or shell, SQL or markup metacharacter.
      const encoding = lastName === 'toString' ? fixedAlphabetEncoding(call.arguments?.[0]) : undefined;
      if (encoding) {
        const encoded = withTransform(withStep(receiverOrigin.taint, this.step(call, context, `encoded as ${encoding} (made safe for command, SQL and HTML sinks)`)), `.toString('${encoding}')`);
        return { kind: 'tainted', taint: ENCODED_SAFE_FOR.reduce(withSafeFor, encoded) };
      }
      // `habitDto.toEntity(user)`: a method of one of the project's classes, called on the request's data
      // (a DTO instance), builds what it returns from the fields it reads (`{ title: this.title, ... }`).
      // Followed with `this` bound to that data, its result is what the method made, field by field.
      const method = !receiverOrigin.taint.requestObject && context.depth < this.maxDepth && ts.isCallExpression(call) ? (this.calleeOf(call, context.fn.file) ?? typedReceiverMethod(this.modules, context.fn.file, call.expression)) : undefined;
      if (method && isClassMember(method.node) && !this.isClosureOf(method, context)) {
        const made = this.analyze(method, argumentOrigins, context.route, context.depth + 1, undefined, receiverOrigin);
        if (made.kind === 'tainted') return { ...made, taint: withStep(made.taint, this.step(call, context, `returned from ${method.name}()`)) };
        if (made.kind !== 'unknown') return made;
      }
      // Named among the transforms: a method can turn the value into something a sink accepts
      // (a query builder's `.toQuery()` is SQL with every bound value escaped by the driver).
      return { kind: 'tainted', taint: withTransform(withStep(receiverOrigin.taint, this.step(call, context, `.${lastName}()`)), `.${lastName}()`) };
    }

    // `duration.slice(1)` after `duration` was validated: cutting or re-casing clean text keeps it clean.
    if ((receiverOrigin?.kind === 'sanitized' || receiverOrigin?.kind === 'constant') && TEXT_NARROWING_METHODS.has(lastName) && argumentOrigins.every((argument) => argument.kind === 'constant' || argument.kind === 'sanitized')) {
      return receiverOrigin;
    }
    // A list of validated values (GraphQL enum arguments), quoted element by element and joined:
    // `kinds.map((kind) => `'${kind}'`).join(', ')` holds only their text and the code's own.
    if (receiverOrigin?.kind === 'sanitized') {
      const callback = call.arguments?.[0] && skipOuterExpressions(call.arguments[0]);
      if ((lastName === 'map' || lastName === 'flatMap') && callback && isFunctionLike(callback)) {
        const mapped = this.walkNestedFunction(callback as ts.ArrowFunction, context, receiverOrigin);
        if (mapped?.kind === 'sanitized' || mapped?.kind === 'constant') return { kind: 'sanitized', how: receiverOrigin.how };
      }
      if (lastName === 'join' && argumentOrigins.every((argument) => argument.kind === 'constant')) return receiverOrigin;
    }

    // 'prefix'.concat(input), template.replace('{q}', input): string methods on a clean receiver
    // still build their result from their arguments.
    if (receiverOrigin && STRING_COMBINERS.has(lastName)) {
      // A replace's pattern only picks what is replaced: the result holds the receiver and the replacement.
      const contributing = lastName === 'replace' || lastName === 'replaceAll' ? argumentOrigins.slice(1) : argumentOrigins;
      const combined = contributing.find((argument) => argument.kind === 'tainted');
      if (combined?.kind === 'tainted') return this.stepped(combined, call, context, `.${lastName}()`);
    }

    // A project function: follow the arguments in, bring the return value back. A method of whichever
    // instance a project factory picks (`this.storage().remove(id)` with `storage()` returning one of two
    // injected stores) runs in either: each is followed, so what either does with the request is seen.
    const targets = context.depth < this.maxDepth ? this.calleesOf(call, context.fn.file) : [];
    if (targets.length > 0) {
      const results = targets.map((target) => this.followCallInto(target, call, callee, lastName, argumentOrigins, receiverOrigin, context));
      return results.find((result) => result.kind === 'tainted') ?? results[0]!;
    }

    // `new ReqContext({ org: req.organization, req })`: a project class's instance holds what its constructor stored.
    if (ts.isNewExpression(call) && context.depth < this.maxDepth) {
      const instance = this.instanceOrigin(call, argumentOrigins, context);
      if (instance) return instance;
    }

    // `DeleteMonitorInput.parse(args.input)`: the value checked against a schema comes back as it was. What the
    // schema allows is not known here, so it counts as checked for every sink, and stays the record the client names.
    if (ts.isPropertyAccessExpression(callee) && SCHEMA_PARSE_METHODS.has(lastName) && call.arguments?.length === 1 && this.isBuiltSchema(callee.expression, context.fn.file)) {
      const identity = identityTaint(argumentOrigins[0]);
      if (identity) return { kind: 'sanitized', how: `validated by ${calleeName}()`, identity: withStep(identity, this.step(call, context, `validated by ${calleeName}()`)) };
    }

    // `plainToInstance(Command, data)`: an instance with the plain object's fields, each as it was.
    const copied = this.fieldCopySource(callee, context.fn.file);
    if (copied !== undefined && ts.isCallExpression(call)) {
      const source = argumentOrigins[copied];
      if (source?.kind === 'tainted') return { ...source, taint: withStep(source.taint, this.step(call, context, `copied by ${calleeName}()`)) };
      if (source) return source;
    }

    // Functions we do not see: only well-known pass-throughs keep the taint.
    const tainted = leadingTainted(argumentOrigins);
    // `mysql.escape(x)`, `connection.escapeId(x)`: quoted for SQL text, still request data for a shell, a path or a URL.
    if (tainted?.kind === 'tainted' && ts.isCallExpression(call) && !PROPAGATING_FUNCTIONS.test(calleeName) && this.escapesSql(callee, context.fn.file)) {
      return this.madeSafeFor(withTransform(tainted.taint, calleeName), 'sql', call, context, `${calleeName}()`);
    }
    // `quote([req.query.dir])` (shell-quote), `shellEscape([x])`: one word of a shell command, still request data elsewhere.
    if (tainted?.kind === 'tainted' && ts.isCallExpression(call) && this.exportedBy(SHELL_QUOTERS, callee, context.fn.file)) {
      return this.madeSafeFor(withTransform(tainted.taint, calleeName), 'command', call, context, `${calleeName}()`);
    }
    // `escapeStringRegexp(q)`, `_.escapeRegExp(q)`: matches itself literally in a regular expression, still request data elsewhere.
    if (tainted?.kind === 'tainted' && ts.isCallExpression(call) && this.exportedBy(REGEX_ESCAPERS, callee, context.fn.file)) {
      return this.madeSafeFor(withTransform(tainted.taint, calleeName), 'regex', call, context, `${calleeName}()`);
    }
    // `Object.entries({ name, color, description })`: the keys are the literal's own names, only the values
    // are the request's (`[key, value]` binds a constant key); `Object.keys` of it is constant outright.
    if ((calleeName === 'Object.keys' || calleeName === 'Object.entries') && call.arguments?.length === 1 && hasStaticKeys(call.arguments[0]!)) {
      if (calleeName === 'Object.keys' || tainted?.kind !== 'tainted') return { kind: 'constant' };
      const values = withTransform(withStep(tainted.taint, this.step(call, context, `through ${calleeName}()`)), calleeName);
      return { kind: 'tainted', taint: values, fields: { '0': { kind: 'constant' }, '1': { kind: 'tainted', taint: values } } };
    }
    if (tainted && tainted.kind === 'tainted' && PROPAGATING_FUNCTIONS.test(calleeName)) {
      return { kind: 'tainted', taint: withTransform(withStep(tainted.taint, this.step(call, context, `through ${calleeName}()`)), calleeName) };
    }
    if (argumentOrigins.length > 0 && argumentOrigins.every((argument) => argument.kind === 'constant') && PROPAGATING_FUNCTIONS.test(calleeName)) {
      return { kind: 'constant' };
    }
    return (ts.isCallExpression(call) && this.callerOwnRecord(call, context)) || { kind: 'unknown' };
  }

  /**
   * `await prisma.membership.findFirst({ where: { userId: session.user.id } })`, drizzle
   * `db.select().from(users).where(eq(users.id, userId))`: a read whose filter holds nothing but the
   * caller's own values picks the caller's record, so what it holds (`membership.orgId`, `user.teamId`)
   * is the caller's too: the tenant a middleware puts on the context for every procedure after it.
   */
  private callerOwnRecord(call: ts.CallExpression, context: AnalysisContext): ValueOrigin | undefined {
    // The call and the links below it in a builder chain (`.limit(1)` on `.where(...)` on `.from(users)`).
    const links: ts.CallExpression[] = [];
    for (let current: ts.Expression = call; ts.isCallExpression(current) && links.length < MAX_CHAIN_LINKS; ) {
      links.push(current);
      const callee = skipOuterExpressions(current.expression);
      if (!ts.isPropertyAccessExpression(callee)) break;
      current = skipOuterExpressions(callee.expression);
    }
    const readAt = links.findIndex((link) => classifyCall(link, context.fn.file, [], this.modules)?.operation === 'read');
    if (readAt < 0) return undefined;
    const access = classifyCall(links[readAt]!, context.fn.file, [], this.modules)!;
    const filtersChain = (link: ts.CallExpression) => WHERE_LINKS.has(calleeText(skipOuterExpressions(link.expression), false).split('.').pop() ?? '');
    let filters: ts.Expression[];
    if (access.library === 'kysely') {
      // A Kysely chain is read at its terminal, the links below it: `where('user_id', '=', me)` filters by its value alone.
      const values = links.slice(readAt + 1).filter(filtersChain).map(kyselyFilterValue);
      if (values.some((value) => value === undefined)) return undefined;
      filters = values as ts.Expression[];
    } else {
      // The read's own arguments (`findFirst({ where })`); in a chain the read link's arguments name the
      // table (`.from(users)`), and its `.where(...)` links above it are the filter.
      const whereLinks = links.slice(0, readAt).filter(filtersChain);
      filters = whereLinks.length > 0 ? whereLinks.flatMap((link) => [...link.arguments]) : [...links[readAt]!.arguments];
    }
    if (filters.length === 0) return undefined;
    const origin = joinOrigins(filters.map((filter) => this.filterOrigin(filter, context, 0)));
    if (origin.kind === 'principal') return { kind: 'principal', label: `the caller's ${access.model ?? 'record'} (by ${origin.label})` };
    // A Prisma filter that pins one of its fields to the caller beside the client's choice (`partnerId_programId:
    // { partnerId: partner.id, programId }`) still finds only a record of the caller's: what it holds is theirs.
    const pinned = access.library === 'prisma' && filters.length === 1 ? this.pinnedToCaller(filters[0]!, context, 0) : undefined;
    return pinned ? { kind: 'principal', label: `the caller's ${access.model ?? 'record'} (by ${pinned})` } : undefined;
  }

  /**
   * What a lookup filter is keyed by, read as the database reads it: object filters member by member,
   * drizzle `eq(column, value)` by its value, `and(...)` by all its parts, a filter callback by what it
   * returns. Alternatives and negations (`or`, `OR`, `ne`, `$ne`) pick records besides the caller's: unknown.
   */
  private filterOrigin(filter: ts.Expression, context: AnalysisContext, depth: number): ValueOrigin {
    const node = skipOuterExpressions(filter);
    if (depth > MAX_FILTER_DEPTH) return { kind: 'unknown' };
    if (ts.isObjectLiteralExpression(node)) {
      const parts: ValueOrigin[] = [];
      for (const property of node.properties) {
        const name = property.name && propertyNameText(property.name);
        if (name && ALTERNATIVE_FILTER_KEYS.has(name)) return { kind: 'unknown' };
        if (ts.isPropertyAssignment(property)) parts.push(this.filterOrigin(property.initializer, context, depth + 1));
        else if (ts.isShorthandPropertyAssignment(property)) parts.push(this.origin(property.name, context));
        // `...(session.user.defaultPartnerId && { id: session.user.defaultPartnerId })`: a part added
        // under a condition narrows the filter further, or adds nothing.
        else if (ts.isSpreadAssignment(property)) parts.push(this.spreadFilterOrigin(property.expression, context, depth + 1));
        else return { kind: 'unknown' };
      }
      return parts.length > 0 ? joinOrigins(parts) : { kind: 'constant' };
    }
    if (ts.isArrowFunction(node) && !ts.isBlock(node.body)) return this.filterOrigin(node.body, context, depth + 1);
    if (ts.isCallExpression(node)) {
      const name = filterOperatorName(skipOuterExpressions(node.expression));
      if (name === 'and') return joinOrigins(node.arguments.map((argument) => this.filterOrigin(argument, context, depth + 1)));
      if (name === 'eq' && node.arguments.length === 2) return this.origin(node.arguments[1]!, context);
    }
    return this.origin(node, context);
  }

  /**
   * The caller's value a Prisma filter pins a field to, in `where` (or a compound key inside it), with no
   * alternative or negation anywhere in the filter: undefined when it pins none.
   */
  private pinnedToCaller(filter: ts.Expression, context: AnalysisContext, depth: number): string | undefined {
    const node = skipOuterExpressions(filter);
    if (depth > MAX_FILTER_DEPTH || !ts.isObjectLiteralExpression(node)) return undefined;
    if (depth === 0) {
      const where = node.properties.find((property): property is ts.PropertyAssignment => ts.isPropertyAssignment(property) && propertyNameText(property.name) === 'where');
      return where && !this.hasAlternative(where.initializer, 0) ? this.pinnedToCaller(where.initializer, context, 1) : undefined;
    }
    for (const property of node.properties) {
      const value = ts.isPropertyAssignment(property) ? skipOuterExpressions(property.initializer) : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
      if (!value) continue;
      if (ts.isObjectLiteralExpression(value)) {
        const nested = this.pinnedToCaller(value, context, depth + 1);
        if (nested) return nested;
        continue;
      }
      const origin = this.origin(value, context);
      if (origin.kind === 'principal') return origin.label;
    }
    return undefined;
  }

  private hasAlternative(filter: ts.Expression, depth: number): boolean {
    const node = skipOuterExpressions(filter);
    if (depth > MAX_FILTER_DEPTH) return true;
    if (!ts.isObjectLiteralExpression(node)) return false;
    return node.properties.some((property) => {
      const name = property.name && propertyNameText(property.name);
      if (name && ALTERNATIVE_FILTER_KEYS.has(name)) return true;
      return ts.isPropertyAssignment(property) && this.hasAlternative(property.initializer, depth + 1);
    });
  }

  /** A spread filter part written in place: an object, `cond && { ... }`, `cond ? { ... } : {}`; anything else is unknown. */
  private spreadFilterOrigin(expression: ts.Expression, context: AnalysisContext, depth: number): ValueOrigin {
    const node = skipOuterExpressions(expression);
    if (ts.isObjectLiteralExpression(node)) return this.filterOrigin(node, context, depth);
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) return this.spreadFilterOrigin(node.right, context, depth + 1);
    if (ts.isConditionalExpression(node)) return joinOrigins([this.spreadFilterOrigin(node.whenTrue, context, depth + 1), this.spreadFilterOrigin(node.whenFalse, context, depth + 1)]);
    return { kind: 'unknown' };
  }

  /**
   * A schema the project built with a builder chain (`const DeleteMonitorInput = z.object({ id: z.number() })`,
   * declared here or imported from a project module): not `JSON.parse` or another global's parser.
   */
  private isBuiltSchema(receiver: ts.Expression, file: ScannedSourceFile): boolean {
    const value = skipOuterExpressions(receiver);
    if (!ts.isIdentifier(value)) return false;
    const local = localConstInitializer(value);
    const declared = local ?? bindingValue(this.modules.resolveName(file, value.text));
    const built = declared && ts.isExpression(declared) ? skipOuterExpressions(declared) : undefined;
    return built !== undefined && ts.isCallExpression(built) && ts.isPropertyAccessExpression(built.expression);
  }

  /** A category-specific sanitizer's result: the same request data, safe for sinks of `category` only. */
  private madeSafeFor(taint: Taint, category: SinkCategory, call: ts.CallExpression | ts.NewExpression, context: AnalysisContext, how: string): ValueOrigin {
    return { kind: 'tainted', taint: withSafeFor(withStep(taint, this.step(call, context, `made safe for ${category} sinks by ${how}`)), category) };
  }

  /**
   * An SQL escaper we do not see into (models/sanitizers.ts): a function an escaper package exports
   * (`import { escape } from 'sqlstring'`, `mysql.escape`, pg's `escapeLiteral`), or an escaping
   * method on anything else (`connection.escapeId(x)`; not `.quote()`/`.literal()`, which many
   * libraries name otherwise). Pass-throughs (`_.escape`) keep their transform, which the SQL rules read.
   */
  private escapesSql(callee: ts.Expression, file: ScannedSourceFile): boolean {
    const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
    if (!SQL_ESCAPE_FUNCTION.test(name) && !PG_ESCAPERS.includes(name)) return false;
    const root = ts.isPropertyAccessExpression(callee) ? skipOuterExpressions(callee.expression) : callee;
    const binding = ts.isIdentifier(root) ? this.modules.resolveName(file, root.text) : undefined;
    if (binding?.kind === 'external') {
      const imported = ts.isPropertyAccessExpression(callee) ? name : binding.importedName === 'default' ? name : binding.importedName;
      if (SQL_ESCAPER_PACKAGES.includes(binding.module) && SQL_ESCAPE_FUNCTION.test(imported)) return true;
      if (binding.module === 'pg' && PG_ESCAPERS.includes(imported)) return true;
      if (!ts.isPropertyAccessExpression(callee)) return false;
    }
    return ts.isPropertyAccessExpression(callee) && SQL_ESCAPE_FUNCTION.test(name) && !AMBIGUOUS_ESCAPE_METHODS.includes(name);
  }

  /** A function one of the packages in `table` exports (shell quoters, regular-expression escapers), called by its import or as a member of its module. */
  private exportedBy(table: Readonly<Record<string, readonly string[]>>, callee: ts.Expression, file: ScannedSourceFile): boolean {
    const root = ts.isPropertyAccessExpression(callee) ? skipOuterExpressions(callee.expression) : callee;
    const binding = ts.isIdentifier(root) ? this.modules.resolveName(file, root.text) : undefined;
    if (binding?.kind !== 'external') return false;
    const exported = ts.isPropertyAccessExpression(callee) ? callee.name.text : binding.importedName === '*' ? 'default' : binding.importedName;
    return table[binding.module]?.includes(exported) ?? false;
  }

  private record(call: ts.CallExpression | ts.NewExpression, context: AnalysisContext, argumentOrigins: ValueOrigin[], receiverOrigin: ValueOrigin | undefined): void {
    const recordKey = context.prefixShape ? `${this.nodeId(call)}:${context.prefixShape}` : call;
    if (!this.calls) return;
    if (argumentOrigins.length > 0 && !context.unboundParameters) {
      const proved = this.argumentsProved.get(call) ?? argumentOrigins.map(() => true);
      argumentOrigins.forEach((origin, index) => {
        if (origin.kind !== 'constant' && origin.kind !== 'sanitized') proved[index] = false;
      });
      this.argumentsProved.set(call, proved);
    }
    const anyTainted = argumentOrigins.some((origin) => origin.kind === 'tainted') || receiverOrigin?.kind === 'tainted';
    // Recorded once, except when request data reaches an argument it had not reached before: a call
    // first reached with only a converted id (`take: Number(q.limit)`) and later with request data in it
    // (`where: { listId: input.listId }`), or a shared query helper's `client.query({ query, query_params })`
    // first reached with request values in the bound parameters and later with request text in `query`.
    // Recorded again, too, when request data arrives that a sanitizer made safe for fewer sinks than before:
    // `writeRemote(base64(config))` first and `restore(volumeName)` later reach the same exec(), and the
    // first one is safe for a shell where the second is not. The rules judge each by its own category.
    // And when every request value the first route brought was made safe (`chQuery(\`... ${sqlstring.escape(id)}\`)`),
    // members included, and this route's are not (`chQuery(\`... '${input.name}'\`)` through the same helper).
    const seen = this.recordedTaint.get(recordKey);
    // A record id the client picked, converted to a number: object-level access rules still need the call.
    // (Without request data the call brings nothing new to a recording: asked first, since most calls carry none.)
    // Nor does one whose request data is a bound value of a parameterizing tag (slonik's `sql\`... WHERE id = ${input.id}\``):
    // safe as SQL text, but the record it looks up is still the client's choice.
    if (!anyTainted && (seen || !(call.arguments ?? []).some((argument) => this.carriesIdentity(argument, context, 0) || this.bindsRequestData(argument, context)))) return;
    const origins = [...argumentOrigins, ...(receiverOrigin ? [receiverOrigin] : [])];
    const positions = taintedPositions(argumentOrigins, receiverOrigin);
    const exposed = exposedCategories(origins);
    const exposedBefore = this.exposedAt.get(recordKey);
    const safeFor = anyTainted ? safeCategoriesOf(origins) : undefined;
    const recordedSafe = this.recordedSafeFor.get(recordKey);
    if (seen) {
      const reachesNewArgument = [...positions].some((position) => !coveredPosition(seen, position));
      const widens = exposedBefore !== undefined && exposed.some((category) => !exposedBefore.has(category));
      // Covered by a recording made safe by no more than this one was.
      const lessSafe = safeFor !== undefined && recordedSafe !== undefined && !recordedSafe.some((recorded) => [...recorded].every((category) => safeFor.has(category)));
      if (!reachesNewArgument && !widens && !lessSafe) {
        // Another route brings request data where an earlier recording has it, made safe for no more:
        // that recording is this route's finding too.
        if (anyTainted) {
          const carried = (this.recordings.get(recordKey) ?? []).filter((recording) => [...recording.positions].every((position) => positions.has(position)) && (recording.safeFor === undefined || [...(safeFor ?? [])].every((category) => recording.safeFor!.has(category))));
          this.reachedAgain(carried.map((recording) => recording.call), context.route);
        }
        return;
      }
    }
    if (seen) positions.forEach((position) => seen.add(position));
    else this.recordedTaint.set(recordKey, positions);
    this.exposedAt.set(recordKey, new Set([...(exposedBefore ?? []), ...exposed]));
    if (safeFor) {
      if (recordedSafe) recordedSafe.push(safeFor);
      else this.recordedSafeFor.set(recordKey, [safeFor]);
    }
    const recording: Recording = {
      call,
      file: context.fn.file,
      route: context.route,
      argumentOrigins,
      receiverOrigin,
      originOf: (expression) => this.origin(expression, context),
      alsoReachedFrom: [],
    };
    this.calls.push(recording);
    this.recordingsInProgress.at(-1)?.add(recording);
    if (anyTainted) {
      const list = this.recordings.get(recordKey) ?? [];
      list.push({ call: recording, positions, safeFor });
      this.recordings.set(recordKey, list);
    }
  }

  /** `sql\`... ${input.id}\``: a tagged template one of whose substitutions is request data (the tag binds it as a parameter). */
  private bindsRequestData(expression: ts.Expression, context: AnalysisContext): boolean {
    const value = skipOuterExpressions(expression);
    if (!ts.isTaggedTemplateExpression(value) || !ts.isTemplateExpression(value.template)) return false;
    return value.template.templateSpans.some((span) => this.origin(span.expression, context).kind === 'tainted');
  }

  /** Whether an argument holds, at any depth of its object/array literals, a converted request id. */
  private carriesIdentity(expression: ts.Expression, context: AnalysisContext, depth: number): boolean {
    const value = skipOuterExpressions(expression);
    if (depth > 4) return false;
    if (ts.isObjectLiteralExpression(value)) {
      return value.properties.some((property) =>
        ts.isPropertyAssignment(property) ? this.carriesIdentity(property.initializer, context, depth + 1) : ts.isShorthandPropertyAssignment(property) ? this.carriesIdentity(property.name, context, depth + 1) : ts.isSpreadAssignment(property) && this.carriesIdentity(property.expression, context, depth + 1),
      );
    }
    if (ts.isArrayLiteralExpression(value)) return value.elements.some((element) => this.carriesIdentity(ts.isSpreadElement(element) ? element.expression : element, context, depth + 1));
    const origin = this.origin(value, context);
    return origin.kind === 'sanitized' && origin.identity !== undefined;
  }

  private joinWithStep(origins: ValueOrigin[], node: ts.Node, context: AnalysisContext, message: string): ValueOrigin {
    const joined = joinOrigins(origins);
    if (joined.kind === 'sanitized' && joined.identity) return { kind: 'sanitized', how: joined.how }; // text built around a number names no record
    return joined.kind === 'tainted' ? this.stepped(joined, node, context, message) : joined;
  }

  private stepped(origin: ValueOrigin & { kind: 'tainted' }, node: ts.Node, context: AnalysisContext, message: string): ValueOrigin {
    return { ...origin, taint: withStep(origin.taint, this.step(node, context, message)) };
  }

  private step(node: ts.Node, context: AnalysisContext, message: string): TraceStep {
    const { line, column } = nodePosition(node);
    return { file: context.fn.file.path, line, column, message };
  }

  /**
   * The arguments a call's `...args` hands on one by one, when `args` is the rest parameter of the
   * function being analysed (or of one around the closure being walked) and still holds them.
   */
  private spreadRestArguments(argument: ts.Expression, context: AnalysisContext): readonly ValueOrigin[] | undefined {
    if (!ts.isSpreadElement(argument)) return undefined;
    const spread = skipOuterExpressions(argument.expression);
    if (!ts.isIdentifier(spread)) return undefined;
    for (let scope: Scope | undefined = context.scope; scope; scope = scope.parent) {
      if (scope.values.has(spread.text)) return scope.restArguments?.get(spread.text);
    }
    return undefined;
  }

  private lookup(name: string, context: AnalysisContext): ValueOrigin | undefined {
    for (let scope: Scope | undefined = context.scope; scope; scope = scope.parent) {
      const value = scope.values.get(name);
      if (value) return value;
    }
    return undefined;
  }

  private assign(name: string, value: ValueOrigin, context: AnalysisContext, node: ts.Node | undefined): void {
    const stepped = value.kind === 'tainted' && node ? this.stepped(value, node, context, `assigned to ${name}`) : value;
    for (let scope: Scope | undefined = context.scope; scope; scope = scope.parent) {
      if (scope.values.has(name)) {
        scope.values.set(name, stepped);
        scope.restArguments?.delete(name);
        return;
      }
    }
    context.scope.values.set(name, stepped);
  }

  /** Binds a declaration name or a destructuring pattern to (parts of) a value. */
  private bindName(name: ts.BindingName, value: ValueOrigin, context: AnalysisContext, initializer?: ts.Expression, declaration?: ts.Node): void {
    if (ts.isIdentifier(name)) {
      const effective = value.kind === 'unknown' && initializer ? this.origin(initializer, context) : value;
      const stepped =
        effective.kind === 'tainted' && declaration
          ? this.stepped(effective, declaration, context, `assigned to ${name.text}`)
          : effective.kind === 'sanitized' && effective.identity && declaration
            ? { ...effective, identity: withStep(effective.identity, this.step(declaration, context, `assigned to ${name.text}`)) }
            : effective;
      context.scope.values.set(name.text, stepped);
      return;
    }
    for (const [index, element] of name.elements.entries()) {
      if (ts.isOmittedExpression(element)) continue;
      let part: ValueOrigin = value;
      // `[key, value]` of an entry whose parts are known (`Object.entries` of a literal).
      if (ts.isArrayBindingPattern(name) && value.kind === 'tainted' && value.fields && !element.dotDotDotToken && Object.hasOwn(value.fields, String(index))) part = value.fields[String(index)]!;
      if (ts.isObjectBindingPattern(name) && value.kind === 'tainted') {
        const key = element.propertyName ? propertyNameText(element.propertyName) : ts.isIdentifier(element.name) ? element.name.text : undefined;
        const bagPart = value.taint.inputBag ?? value.taint.validatedPart;
        const validated = bagPart && key !== undefined && !element.dotDotDotToken ? this.validatedField(context)(bagPart, key, value.taint) : undefined;
        if (value.fields && key !== undefined && !element.dotDotDotToken) part = Object.hasOwn(value.fields, key) ? value.fields[key]! : (value.rest ?? { kind: 'constant' });
        else if (value.taint.requestObject) part = this.requestMemberOrigin(value.taint, key, element, context);
        else if (validated) part = validated;
        else if (key !== undefined && !element.dotDotDotToken && uploadedFileServerMember(value.taint, key, initializer && compactText(initializer))) part = uploadedFileServerMember(value.taint, key, initializer && compactText(initializer))!;
        else if (key !== undefined && !element.dotDotDotToken && initializer === undefined && value.taint.steps.length <= 1) {
          part = { kind: 'tainted', taint: memberTaint(value.taint, key) };
        } else if (bagPart && !element.dotDotDotToken) part = { kind: 'tainted', taint: withoutInputBag(value.taint) };
      }
      if (element.initializer && part.kind !== 'tainted') part = joinOrigins([part, this.origin(element.initializer, context)]);
      this.bindName(element.name, part, context, undefined, declaration ?? element);
    }
  }

  private bindAssignmentPattern(pattern: ts.ObjectLiteralExpression | ts.ArrayLiteralExpression, value: ValueOrigin, context: AnalysisContext): void {
    const targets = ts.isObjectLiteralExpression(pattern)
      ? pattern.properties.map((property) => (ts.isShorthandPropertyAssignment(property) ? property.name : ts.isPropertyAssignment(property) ? property.initializer : undefined))
      : pattern.elements;
    for (const target of targets) {
      if (target && ts.isIdentifier(target)) this.assign(target.text, value, context, target);
    }
  }

  /** Binds locals up to a position without recording (for out-of-context questions). */
  private bindLocals(body: ts.Node, context: AnalysisContext, before: number): void {
    const visit = (node: ts.Node): void => {
      if (node.getStart() >= before) return;
      if (ts.isVariableDeclaration(node) && node.initializer) this.bindName(node.name, this.origin(node.initializer, context), context);
      // `let table; table = 'users';`: without flow order, every assignment seen so far counts.
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(node.left) && node.getEnd() <= before) {
        const previous = context.scope.values.get(node.left.text);
        const value = this.origin(node.right, context);
        // Filling a memo when its read missed: the read held what this assignment stores.
        const filling = enclosingIf(node);
        const memo = filling !== undefined && filling.getEnd() <= before && this.fillsMemo(filling, node.left.text, context);
        context.scope.values.set(node.left.text, previous && !memo ? joinOrigins([previous, value]) : value);
      }
      // `for (const table of TABLES)`: each element of what is iterated.
      if (ts.isForOfStatement(node) && ts.isVariableDeclarationList(node.initializer)) {
        const iterated = this.origin(node.expression, context);
        for (const declaration of node.initializer.declarations) this.bindName(declaration.name, iterated, context);
      }
      if (ts.isIfStatement(node)) {
        const guarded = allowlistGuardedName(node, this.anchoredPatternPredicate);
        if (guarded && node.getEnd() <= before) context.scope.values.set(guarded.name, { kind: 'sanitized', how: guarded.how });
        // A question asked inside `if (ALLOWED.includes(sort)) { ... }`: there the value is an allowed one.
        const listed = node.thenStatement.getStart() <= before && before <= node.thenStatement.getEnd() ? allowlistedInBranch(node.expression) : undefined;
        if (listed) context.scope.values.set(listed.name, { kind: 'sanitized', how: listed.how });
        for (const check of node.getEnd() <= before ? pathContainmentChecks(node) : []) {
          const current = this.lookup(check.name, context);
          if (current?.kind === 'tainted') context.scope.values.set(check.name, { kind: 'tainted', taint: withTransform(current.taint, PATH_CONTAINMENT_CHECK) });
        }
      }
      if (!isFunctionLike(node)) ts.forEachChild(node, visit);
    };
    visit(body);
  }

  /**
   * `let team = cache.get(key); if (!team) { team = resolve(); cache.set(key, team) }`: a memo
   * (ast/handed-back-values.ts), so after the `if` the name holds what the branch computed. Not when the
   * client picks the key (`cache.get(input.workspaceId)`): an entry filled for another caller is read
   * back. A whole request or context object as the key (a `WeakMap` per request) is no client's choice.
   */
  private fillsMemo(statement: ts.IfStatement, name: string, context: AnalysisContext): boolean {
    const key = memoFillKey(statement, name);
    if (!key) return false;
    const origin = this.origin(key, context);
    return origin.kind !== 'tainted' || origin.taint.requestObject !== undefined;
  }

  /**
   * `withRetryOnPrimary(db, async (db) => db.query.users.findFirst(...))`: a project wrapper that hands
   * back what the callback it runs returns (every `return` is that callback's result) gives the caller
   * what the callback returns, walked here where it is written (its parameters unknown).
   */
  private callbackResult(call: ts.CallExpression | ts.NewExpression, target: ResolvedFunction, context: AnalysisContext): ValueOrigin | undefined {
    const index = ts.isCallExpression(call) ? callbackResultParameter(target.node) : undefined;
    const argument = index !== undefined ? call.arguments?.[index] : undefined;
    const callback = argument && skipOuterExpressions(argument);
    if (!callback || !(ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) return undefined;
    return this.walkNestedFunction(callback, context, undefined);
  }

  /** A module-level `const X = 'literal'` (or array of literals) is constant. */
  private moduleConstant(name: string, context: AnalysisContext): ValueOrigin {
    const binding = this.modules.resolveName(context.fn.file, name);
    if (binding?.kind !== 'declaration' || !ts.isVariableDeclaration(binding.node) || !binding.node.initializer) return { kind: 'unknown' };
    const constFlags = ts.getCombinedNodeFlags(binding.node) & ts.NodeFlags.Const;
    if (!constFlags || !isConstantExpression(binding.node.initializer)) return { kind: 'unknown' };
    const literal = literalValueOf(binding.node.initializer);
    return literal ? { kind: 'constant', value: literal.value } : { kind: 'constant' };
  }

  /**
   * What the route's validation (a Fastify route `schema`) guarantees about a field of an input
   * bag: a sanitized origin when the declared type leaves the client no free text.
   */
  private validatedField(context: AnalysisContext): (part: string, field: string, bag?: Taint) => ValueOrigin | undefined {
    const middleware = context.route?.middleware ?? [];
    const typedArguments = context.route?.typedArguments ?? [];
    return (part, field, bag) => {
      // Safe for every sink, but still the record the client names: `z.object({ id: z.number() })` keeps `input.id` a lookup key.
      const identity = () => (bag ? { identity: { ...withoutInputBag(bag), source: { ...bag.source, label: memberLabel(bag.source.label, field) } } } : {});
      for (const step of middleware) {
        const declared = step.validatedFields?.find((candidate) => candidate.part === part && candidate.field === field);
        if (!declared?.restricted) continue;
        return { kind: 'sanitized', how: `${part}.${field} validated as ${declared.restricted} by the route ${step.name} (${step.file}:${step.line})`, ...identity() };
      }
      const argument = part === 'args' ? typedArguments.find((candidate) => candidate.field === field) : undefined;
      if (argument?.restricted) return { kind: 'sanitized', how: `GraphQL argument ${field} declared ${argument.restricted} in the schema`, ...identity() };
      // One shell word (a container or volume name): still the client's text everywhere but in a command.
      const word = bag && this.shellWordStep(context, part, field);
      if (word) return { kind: 'tainted', taint: withSafeFor(identity().identity!, 'command') };
      return undefined;
    };
  }

  /**
   * The fields an input bag can hold when the route's validation keeps nothing else: a tRPC input
   * read from zod schemas (zod drops unknown keys unless told to keep them; chained `.input()`s
   * merge). Undefined when any schema is unread or keeps unknown keys: then the bag may hold anything.
   */
  private closedBagFields(taint: Taint, context: AnalysisContext): string[] | undefined {
    // A tRPC/oRPC input is the output of every `.input()` schema; a validator's output (`c.req.valid('query')`)
    // is that of the route's schemas for its part.
    const rpcInput = taint.inputBag && (context.route.framework === 'trpc' || context.route.framework === 'orpc');
    const part = rpcInput ? taint.inputBag : taint.validatedPart;
    if (!part) return undefined;
    const schemas = context.route.middleware.filter((step) => step.kind === 'validation' && step.scope === 'route');
    if (schemas.length === 0 || schemas.some((step) => !step.validatedFields || step.keepsUnknownKeys || KEY_KEEPING_SCHEMA.test(step.name))) return undefined;
    const declared = schemas.flatMap((step) => step.validatedFields!.filter((field) => field.part === part).map((field) => field.field));
    // No schema read for this part: whatever validated it (if anything) is unknown.
    if (!rpcInput && declared.length === 0) return undefined;
    return [...new Set(declared)];
  }

  /** The route's validation step that keeps an input field one shell word (ValidatedField.shellWord), if any. */
  private shellWordStep(context: AnalysisContext, part: string, field: string): RouteMiddleware | undefined {
    return (context.route?.middleware ?? []).find((step) => step.validatedFields?.some((candidate) => candidate.part === part && candidate.field === field && candidate.shellWord));
  }

  /** One field of an input bag, as reading it (`input.teamId`) gives it. */
  private bagField(taint: Taint, field: string, context: AnalysisContext): ValueOrigin {
    const bag = taint.inputBag;
    const validated = bag ? this.validatedField(context)(bag, field) : undefined;
    const member = memberTaint(taint, field);
    return validated ?? { kind: 'tainted', taint: bag && this.shellWordStep(context, bag, field) ? withSafeFor(member, 'command') : member };
  }

  /**
   * The instance `new Context(options)` makes of a project class, field by field: what its constructor
   * stores on `this` (`this.org = org`, from a destructured options parameter) and its parameter
   * properties (`constructor(private readonly user: User)`). Members it does not set (methods, fields
   * set later) stay unknown. With request data among the fields the instance carries it (it is not
   * the request itself); with only the caller's values (`new TopicModel(db, userId)`) it is a known
   * object whose methods see them on `this`; otherwise undefined.
   */
  private instanceOrigin(call: ts.NewExpression, argumentOrigins: ValueOrigin[], context: AnalysisContext): ValueOrigin | undefined {
    const callee = skipOuterExpressions(call.expression);
    if (!ts.isIdentifier(callee)) return undefined;
    const binding = this.modules.resolveName(context.fn.file, callee.text);
    const declaration = binding?.kind === 'declaration' ? bindingValue(binding) : undefined;
    if (!declaration || !binding || binding.kind !== 'declaration' || !ts.isClassDeclaration(declaration)) return undefined;
    const constructor = declaration.members.find((member): member is ts.ConstructorDeclaration => ts.isConstructorDeclaration(member) && member.body !== undefined);
    if (!constructor?.body) return undefined;
    const nested: AnalysisContext = { fn: { file: binding.file, node: constructor, name: `${callee.text}.constructor` }, route: context.route, scope: { values: new Map() }, depth: context.depth + 1, evaluated: new Map(), returns: [] };
    const fields: Record<string, ValueOrigin> = {};
    constructor.parameters.forEach((parameter, index) => {
      const value = argumentOrigins[index] ?? { kind: 'unknown' };
      this.bindName(parameter.name, value, nested);
      // `constructor(private readonly user: User)`: a parameter property is a field of the same name.
      if (ts.isIdentifier(parameter.name) && parameter.modifiers?.some((modifier) => [ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.ProtectedKeyword, ts.SyntaxKind.PublicKeyword, ts.SyntaxKind.ReadonlyKeyword].includes(modifier.kind))) fields[parameter.name.text] = value;
    });
    for (const statement of constructor.body.statements) {
      if (!ts.isExpressionStatement(statement)) continue;
      const assignment = skipOuterExpressions(statement.expression);
      if (!ts.isBinaryExpression(assignment) || assignment.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
      const target = skipOuterExpressions(assignment.left);
      if (ts.isPropertyAccessExpression(target) && target.expression.kind === ts.SyntaxKind.ThisKeyword) fields[target.name.text] = this.origin(assignment.right, nested);
    }
    const carried = Object.values(fields).find((field): field is ValueOrigin & { kind: 'tainted' } => field.kind === 'tainted');
    // `new TopicModel(db, ctx.userId)`: no request data, but a field holds the caller (a repository scoped to its
    // user); its methods read it as `this.userId`. Kept as an object of known fields, none of them client input.
    if (!carried) return Object.values(fields).some(holdsCaller) ? { kind: 'constant', fields } : undefined;
    const { requestObject: _request, ...taint } = carried.taint;
    return { kind: 'tainted', taint: withStep(taint, this.step(call, context, `held by a new ${callee.text}`)), fields, rest: { kind: 'unknown' } };
  }

  /**
   * `ctx.topicModel` in a resolver: what the RPC middleware that put it on the procedure context made
   * (`opts.next({ ctx: { topicModel: new TopicModel(ctx.serverDB, ctx.userId) } })`), evaluated in that
   * middleware with its options as the framework passes them. Only an instance whose fields the flow
   * knows is kept, and only when every middleware that sets the member agrees on which fields hold the caller.
   */
  private contextMemberOrigin(expression: ts.Expression, context: AnalysisContext): ValueOrigin | undefined {
    const read = contextMemberRead(expression);
    if (!read || context.depth >= this.maxDepth) return undefined;
    const key = `${read.context}.${read.member}`;
    if (this.contextMembers.has(key)) return this.contextMembers.get(key) ?? undefined;
    this.contextMembers.set(key, null); // a member whose value reads the member again stays unknown
    const values = contextMemberValues(this.modules, read.member).filter((value) => value.context === read.context);
    const origins = values.map(({ value, file, middleware, context: contextName }) => {
      const nested: AnalysisContext = { fn: { file, node: middleware, name: '<middleware>' }, route: context.route, scope: { values: new Map() }, depth: context.depth + 1, evaluated: new Map(), returns: [] };
      const options = middleware.parameters[0];
      if (options) this.bindName(options.name, middlewareOptionsOrigin(options, file.path, contextName), nested);
      if (middleware.body) this.bindLocals(middleware.body, nested, value.getStart());
      return this.origin(value, nested);
    });
    const first = origins[0];
    const agreed = first && origins.every((origin) => instanceFields(origin) && sameCallerFields(origin, first)) ? first : undefined;
    this.contextMembers.set(key, agreed ?? null);
    return agreed;
  }

  /**
   * A member read off a request object; on a server action's or RPC procedure's context, a member no
   * model names (`ctx.emailAccountId`) is what the middleware that put it there made of it.
   */
  private requestMemberOrigin(requestTaint: Taint, name: string | undefined, node: ts.Node, context: AnalysisContext): ValueOrigin {
    const callerSet = requestTaint.requestObject === 'lambda-context' ? contextCallerProperties(context.route) : callerProperties(context.route);
    const origin = requestMember(requestTaint, name, node, context.fn.file, this.validatedField(context), callerSet);
    if (origin.kind === 'unknown' && name !== undefined) {
      const copied = copiedRequestMember(requestTaint, name, node, context);
      if (copied) return copied;
    }
    if (origin.kind !== 'unknown' || name === undefined || requestTaint.requestObject !== 'app-context') return origin;
    return this.middlewareContextMember(name, context) ?? origin;
  }

  /**
   * `ctx.emailAccountId` in a next-safe-action action or a tRPC/oRPC procedure: a member the client's
   * or procedure's middleware set with `next({ ctx: { emailAccountId } })`. The caller's own value
   * (`userId: session.user.id`) is the caller. An id the client chose (`bindArgsClientInputs[0]`,
   * `input.workspaceId`) is the caller's too when that middleware, before `next()`, loaded its record
   * and stopped unless the record belongs to the caller (`if (!account || account.userId !== userId)
   * throw`), or loaded it by the id and the caller together and stopped when nothing was found: every
   * action scoped by it is scoped to the caller (an account or workspace switcher's active one).
   * Every middleware that sets the member must agree; otherwise undefined (the member stays unknown).
   */
  private middlewareContextMember(name: string, context: AnalysisContext): ValueOrigin | undefined {
    const route = context.route;
    const safeAction = route.kind === 'action' && route.safeAction === true;
    const contextName = safeAction || route.framework === 'trpc' ? 'ctx' : route.framework === 'orpc' ? 'context' : undefined;
    if (!contextName || context.depth >= this.maxDepth) return undefined;
    const key = `${safeAction ? 'action ' : ''}checked ${contextName}.${name}`;
    if (this.contextMembers.has(key)) return this.contextMembers.get(key) ?? undefined;
    this.contextMembers.set(key, null);
    const values = contextMemberValues(this.modules, name).filter((value) => value.context === contextName);
    let agreed: ValueOrigin | undefined;
    for (const { value, file, middleware } of values) {
      // A middleware that hands the member on as it arrived adds nothing: the ones that set it decide.
      if (handsOnIncomingMember(value, name, contextName)) continue;
      const nested: AnalysisContext = { fn: { file, node: middleware, name: '<middleware>' }, route, scope: { values: new Map() }, depth: context.depth + 1, evaluated: new Map(), returns: [] };
      const options = middleware.parameters[0];
      if (options) this.bindName(options.name, middlewareOptionsOrigin(options, file.path, contextName, safeAction), nested);
      if (middleware.body) this.bindLocals(middleware.body, nested, value.getStart());
      const origin = this.origin(value, nested);
      const check = origin.kind === 'tainted' && !origin.fields ? this.checkedAgainstCaller(middleware, value, nested) : undefined;
      const member: ValueOrigin | undefined = origin.kind === 'principal' ? origin : check ? { kind: 'principal', label: `${contextName}.${name} (${check})` } : undefined;
      if (!member) return undefined;
      agreed ??= member;
    }
    this.contextMembers.set(key, agreed ?? null);
    return agreed;
  }

  /**
   * How a middleware, before the `next()` call that hands `value` on, ties the client's value to the
   * caller: an exiting `if` that compares the record loaded by the value with the caller, or tests the
   * record loaded by the value and the caller together. Undefined when it does neither.
   */
  private checkedAgainstCaller(middleware: ts.SignatureDeclaration & { body?: ts.ConciseBody }, value: ts.Expression, context: AnalysisContext): string | undefined {
    if (!middleware.body || !ts.isBlock(middleware.body)) return undefined;
    const before = value.getStart();
    const valueText = compactText(value);
    const held = new Set<string>();
    const root = skipOuterExpressions(value);
    if (ts.isIdentifier(root)) held.add(root.text);
    const isPropertyName = (node: ts.Identifier): boolean =>
      (ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) || (ts.isPropertyAssignment(node.parent) && node.parent.name === node) || (ts.isBindingElement(node.parent) && node.parent.propertyName === node);
    const some = (node: ts.Node, test: (child: ts.Node) => boolean): boolean => {
      if (test(node)) return true;
      return ts.forEachChild(node, (child) => (ts.isFunctionLike(child) ? undefined : some(child, test) || undefined)) ?? false;
    };
    const mentionsValue = (node: ts.Node): boolean => some(node, (child) => (ts.isIdentifier(child) && held.has(child.text) && !isPropertyName(child)) || (ts.isExpression(child) && !ts.isIdentifier(child) && compactText(child) === valueText));
    // Records loaded by the value, and whether the caller was part of the lookup.
    const records = new Map<string, boolean>();
    const mentionsRecord = (node: ts.Node): string | undefined => {
      let found: string | undefined;
      some(node, (child) => (ts.isIdentifier(child) && records.has(child.text) && !isPropertyName(child) ? ((found = child.text), true) : false));
      return found;
    };
    // The caller, outside the loaded records' own fields (`account.userId` is the record's owner, not the caller).
    const mentionsCaller = (node: ts.Node): boolean =>
      some(node, (child) => {
        if (!ts.isIdentifier(child) || isPropertyName(child) || records.has(child.text)) return false;
        let read: ts.Expression = child;
        while (ts.isPropertyAccessExpression(read.parent) && read.parent.expression === read) read = read.parent;
        return this.origin(read, context).kind === 'principal';
      });
    let found: string | undefined;
    const visit = (node: ts.Node): void => {
      if (found || node.getStart() >= before || (node !== middleware.body && ts.isFunctionLike(node))) return;
      if (ts.isVariableDeclaration(node) && node.initializer) {
        let initializer = skipOuterExpressions(node.initializer);
        if (ts.isAwaitExpression(initializer)) initializer = skipOuterExpressions(initializer.expression);
        if (ts.isCallExpression(initializer) && initializer.arguments.some(mentionsValue)) {
          const withCaller = initializer.arguments.some(mentionsCaller);
          for (const name of bindingNames(node.name)) records.set(name, withCaller);
        } else if (ts.isIdentifier(node.name) && mentionsValue(node.initializer) && !ts.isCallExpression(initializer)) held.add(node.name.text);
      }
      if (ts.isIfStatement(node) && node.getEnd() <= before && exitsEarly(node.thenStatement)) {
        const record = mentionsRecord(node.expression);
        if (record !== undefined && (records.get(record) || mentionsCaller(node.expression))) {
          found = records.get(record) ? `${record} is loaded by it and the caller, and the middleware stops when none is found` : `the middleware stops unless ${record} belongs to the caller: \`${node.expression.getText().replace(/\s+/g, ' ')}\``;
          return;
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(middleware.body);
    return found;
  }

  /** The project function a call runs, resolved once per call site (functions are re-walked per input shape). */
  /**
   * A NestJS route whose guard loads the record a route parameter names and rejects the request when
   * there is none (`ShareOwnerGuard` finding the share by `request.params.id`, else NotFound): the
   * handler's `@Param('id')` is a stored record's key, as after `if (!share) throw` in the handler.
   */
  private withGuardCheckedKeys(route: Route, handler: ResolvedFunction, origins: ValueOrigin[]): ValueOrigin[] {
    if (route.framework !== 'nestjs') return origins;
    const checked = new Set<string>();
    for (const middleware of route.middleware) {
      const identifier = /^@?([A-Za-z_$][\w$]*)/.exec(middleware.name.replace(/^@?UseGuards\(/, ''))?.[1];
      const binding = identifier ? this.modules.resolveName(handler.file, identifier) : undefined;
      const declaration = binding?.kind === 'declaration' ? bindingValue(binding) : undefined;
      if (!declaration || !(ts.isClassDeclaration(declaration) || ts.isClassExpression(declaration))) continue;
      let names = this.guardCheckedParams.get(declaration);
      if (!names) this.guardCheckedParams.set(declaration, (names = existenceCheckedParams(declaration)));
      names.forEach((name) => checked.add(name));
    }
    if (checked.size === 0) return origins;
    return origins.map((origin, index) => {
      const parameter = handler.node.parameters[index];
      const name = parameter && routeParamName(parameter);
      return origin.kind === 'tainted' && name !== undefined && checked.has(name) ? { ...origin, taint: withTransform(origin.taint, EXISTING_RECORD_KEY) } : origin;
    });
  }

  /** Follows a call into one project function it runs: the arguments in, the value it returns back. */
  private followCallInto(target: ResolvedFunction, call: ts.CallExpression | ts.NewExpression, callee: ts.Expression, lastName: string, argumentOrigins: readonly ValueOrigin[], receiverOrigin: ValueOrigin | undefined, context: AnalysisContext): ValueOrigin {
    // `fn.call(thisArg, a, b)`, `fn.bind(thisArg, a, b)` (resolved to `fn`): the first argument is
    // `this`, and the parameters take the ones after it (a bound function's first ones, pre-filled).
    const thisArgument = ts.isCallExpression(call) && ts.isPropertyAccessExpression(callee) && (lastName === 'call' || lastName === 'bind') ? 1 : 0;
    // `relationalQuery(...args)` with `args` a rest parameter: its arguments, each in its place.
    const passed = (call.arguments ?? []).flatMap((node, index) => {
      const spreadArguments = this.spreadRestArguments(node, context);
      return spreadArguments ? spreadArguments.map((origin) => ({ node, origin })) : [{ node, origin: argumentOrigins[index]! }];
    });
    const parameters = passed.slice(thisArgument).map(({ node, origin: argument }): ValueOrigin => {
      if (argument.kind === 'tainted') {
        const step = this.step(node, context, `passed to ${target.name}()`);
        // A member that is a validated id (`{ linkId: Number(req.query.linkId), userId: user.id }`) still
        // carries the client's choice of record: its trace goes through this call too.
        const stepped = (field: ValueOrigin): ValueOrigin =>
          field.kind === 'tainted' ? { ...field, taint: withStep(field.taint, step) } : field.kind === 'sanitized' && field.identity ? { ...field, identity: withStep(field.identity, step) } : field;
        const fields = argument.fields && Object.fromEntries(Object.entries(argument.fields).map(([name, field]) => [name, stepped(field)]));
        return { ...argument, taint: withStep(argument.taint, step), ...(fields ? { fields } : {}), ...(argument.rest ? { rest: stepped(argument.rest) } : {}) };
      }
      if (argument.kind === 'sanitized' && argument.identity) return { ...argument, identity: withStep(argument.identity, this.step(node, context, `passed to ${target.name}()`)) };
      return argument;
    });
    // `f(...args)` may fill every parameter, and a bound function gets the rest when called: none of them counts as left out.
    if (call.arguments?.some((node) => ts.isSpreadElement(node) && !this.spreadRestArguments(node, context)) || (thisArgument && lastName === 'bind')) while (parameters.length < runtimeParameters(target.node).length) parameters.push({ kind: 'unknown' });
    // A method of a project class called on an instance whose fields the flow knows: `this` is that instance.
    const instance = receiverOrigin && instanceFields(receiverOrigin) && isClassMember(target.node) ? receiverOrigin : undefined;
    const analysed = this.isClosureOf(target, context) ? this.analyzeClosure(target, parameters, context) : this.analyze(target, parameters, context.route, context.depth + 1, undefined, instance);
    const returned = (analysed.kind === 'unknown' && this.callbackResult(call, target, context)) || analysed;
    // `const organizationId = await requireOrganizationAccess(request, user.id)`: the client's choice of
    // tenant, handed back only after the helper found the caller's membership of it: the caller's own.
    const callerParameters = target.node.parameters.filter((parameter, index) => ts.isIdentifier(parameter.name) && parameters[index]?.kind === 'principal').map((parameter) => (parameter.name as ts.Identifier).text);
    const tenant = returned.kind === 'tainted' ? membershipCheckedReturn(target, callerParameters) : undefined;
    if (tenant) return { kind: 'principal', label: `${target.name}() (${tenant}, once the caller's membership of it is found)` };
    if (returned.kind === 'tainted') {
      const result: ValueOrigin = { kind: 'tainted', taint: withStep(returned.taint, this.step(call, context, `returned from ${target.name}()`)), ...(returned.fields ? { fields: returned.fields } : {}) };
      // `const { auth, body } = await parseRequest(req)`: a helper that verifies the credentials hands
      // back who is calling under auth/user/session, beside the request data it parsed.
      if (this.authHelpers.verifies(target)) {
        const principal: ValueOrigin = { kind: 'principal', label: `${target.name}().auth` };
        result.fields = { ...(result.fields ?? {}), ...Object.fromEntries(HELPER_PRINCIPAL_FIELDS.map((name) => [name, principal])) };
      }
      return result;
    }
    return returned;
  }

  /** The project functions a call runs: the one it names, else each a factory may hand back an instance of. */
  private calleesOf(call: ts.CallExpression | ts.NewExpression, file: ScannedSourceFile): readonly ResolvedFunction[] {
    const target = this.calleeOf(call, file);
    if (target) return [target];
    if (!ts.isCallExpression(call)) return [];
    let known = this.calleeAlternatives.get(call);
    if (!known) this.calleeAlternatives.set(call, (known = memberAlternatives(this.modules, file, call.expression)));
    return known;
  }

  private calleeOf(call: ts.CallExpression | ts.NewExpression, file: ScannedSourceFile): ResolvedFunction | undefined {
    if (this.callees.has(call)) return this.callees.get(call) ?? undefined;
    const target = resolveFunction(this.modules, file, call.expression);
    this.callees.set(call, target ?? null);
    return target;
  }

  private nodeId(node: ts.Node): number {
    let id = this.nodeIds.get(node);
    if (id === undefined) {
      id = this.nextNodeId++;
      this.nodeIds.set(node, id);
    }
    return id;
  }
}

const callerPropertiesByRoute = new WeakMap<Route, ReadonlySet<string>>();

/**
 * `ctx.input` where the route's validation middleware did `ctx.input = schema.parse(ctx.request)`:
 * the client's input, shaped like the request (`ctx.input.body.id`) or one bag of it. Only on the
 * handler's own request object (`ctx`, `req`), not on a part of it.
 */
/**
 * Where request data reaches a call: `0` for a whole argument, `0.query` for a member of an object
 * argument whose members are known, `this` for the receiver.
 */
function taintedPositions(argumentOrigins: readonly ValueOrigin[], receiverOrigin: ValueOrigin | undefined): Set<string> {
  const positions = new Set<string>();
  if (receiverOrigin?.kind === 'tainted') positions.add('this');
  argumentOrigins.forEach((origin, index) => {
    if (origin.kind !== 'tainted') return;
    if (!origin.fields) {
      positions.add(String(index));
      return;
    }
    for (const [name, field] of Object.entries(origin.fields)) if (field.kind === 'tainted') positions.add(`${index}.${name}`);
    if (origin.rest?.kind === 'tainted') positions.add(`${index}.*`);
  });
  return positions;
}

/** Whether a position was already reached: itself, or the whole argument (or all its other members) it belongs to. */
function coveredPosition(seen: ReadonlySet<string>, position: string): boolean {
  if (seen.has(position)) return true;
  const dot = position.indexOf('.');
  return dot > 0 && (seen.has(position.slice(0, dot)) || seen.has(`${position.slice(0, dot)}.*`));
}

function copiedRequestMember(requestTaint: Taint, name: string, node: ts.Node, context: AnalysisContext): ValueOrigin | undefined {
  const object = requestTaint.requestObject;
  if ((object !== 'koa-context' && object !== 'request') || requestTaint.source.label.includes('.')) return undefined;
  const copy = context.route.middleware.flatMap((middleware) => middleware.copiesRequest ?? []).find((candidate) => candidate.property === name);
  if (!copy) return undefined;
  const label = memberLabel(requestTaint.source.label, name);
  const { line, column } = nodePosition(node);
  const steps = [...requestTaint.steps, { file: context.fn.file.path, line, column, message: `request input ${label} (filled from the request by the route's middleware)` }];
  if (copy.holds === 'request') return { kind: 'tainted', taint: { source: { label, kind: 'request' }, steps, transforms: [], requestObject: 'request' } };
  return { kind: 'tainted', taint: { source: { label, kind: copy.holds }, steps, transforms: [], inputBag: copy.holds } };
}

/** What the route's authentication hangs on the request (`request.client = await validateClient(...)`). */
function callerProperties(route: Route): ReadonlySet<string> {
  let found = callerPropertiesByRoute.get(route);
  if (!found) {
    // An optional sign-in's too: what it sets is the caller when one signed in, and no client input otherwise.
    found = new Set(route.middleware.filter((middleware) => middleware.kind === 'auth' || middleware.kind === 'role' || middleware.optionalAuthentication).flatMap((middleware) => middleware.setsOnRequest ?? []));
    callerPropertiesByRoute.set(route, found);
  }
  return found;
}

/** What a middy authentication middleware hangs on the Lambda context (`request.context.user`). */
function contextCallerProperties(route: Route): ReadonlySet<string> {
  return new Set(route.middleware.filter((middleware) => middleware.kind === 'auth' || middleware.kind === 'role').flatMap((middleware) => middleware.setsOnContext ?? []));
}

/** Reading a property of a request/context object: input, principal, or something else. */
function requestMember(
  requestTaint: Taint,
  name: string | undefined,
  node: ts.Node,
  file: ScannedSourceFile,
  validated: (part: string, field: string) => ValueOrigin | undefined = () => undefined,
  /** Request properties the route's authentication sets (`request.client`): the caller, not input. */
  callerSet: ReadonlySet<string> = new Set(),
): ValueOrigin {
  if (name === undefined) return { kind: 'tainted', taint: { ...requestTaint, requestObject: undefined } };
  const { line, column } = nodePosition(node);
  const object = requestTaint.requestObject;
  const base = requestTaint.source.label;
  // `req.headers['x-tenant-id']`, `req.cookies.sid`: every member of a header or cookie bag is
  // client input (even one named `session` or `user`).
  const bag = /\.(headers|cookies)$/.exec(base)?.[1];
  if (bag) {
    const declared = bag === 'headers' ? validated('headers', name.toLowerCase()) : undefined;
    if (declared) return declared;
    const label = ts.isElementAccessExpression(node) || !/^[A-Za-z_$][\w$]*$/.test(name) ? `${base}['${name}']` : memberLabel(base, name);
    return { kind: 'tainted', taint: { source: { label, kind: bag }, steps: [{ file: file.path, line, column, message: `request input ${label}` }], transforms: [] } };
  }
  const model = REQUEST_OBJECTS[object ?? 'request'];
  if (isPrincipalMember(model, name)) return { kind: 'principal', label: memberLabel(base, name) };
  // Own members only: `req.constructor` must not find Object.prototype's `constructor` in the table.
  const nested = own(model.nested, name);
  if (nested) {
    return { kind: 'tainted', taint: { source: { label: memberLabel(base, name), kind: 'request' }, steps: requestTaint.steps, transforms: [], requestObject: nested } };
  }
  const kind = own(model.inputs, name);
  // What the route's authentication hangs on the request (Express `req.client`) or on a Lambda event
  // (a middy middleware's `request.event.caller = jwt.verify(...)`) is the caller.
  const carriesCaller = (object ?? 'request') === 'request' || object === 'lambda-event' || object === 'lambda-context';
  if (!kind) return model.othersArePrincipal || (carriesCaller && callerSet.has(name)) ? { kind: 'principal', label: memberLabel(base, name) } : { kind: 'unknown' };
  const label = memberLabel(base, name);
  const bagPart = model.inputBags?.has(name) ? BAG_PARTS[name] : undefined;
  const inputBag = bagPart ? { inputBag: bagPart } : {};
  return { kind: 'tainted', taint: { source: { label, kind }, steps: [{ file: file.path, line, column, message: `request input ${label}` }], transforms: [], ...inputBag } };
}

/**
 * `req.file.path`, `file.filename` of an uploaded file: where the upload middleware stored it, a name
 * the server made up (models/request-sources.ts), not the client's. `read` is the text of the object
 * read from: `req.files.path` is the upload of a form field named `path`, not a stored path.
 */
function uploadedFileServerMember(taint: Taint, name: string | undefined, read: string | undefined): ValueOrigin | undefined {
  if (taint.source.kind !== 'files' || taint.inputBag || name === undefined || !UPLOADED_FILE_SERVER_MEMBERS.has(name)) return undefined;
  if (read !== undefined && read === taint.source.label && /\bfiles$/.test(read)) return undefined;
  return { kind: 'sanitized', how: `the uploaded file's .${name} (set by the upload middleware)` };
}

// A destructured parameter (`({ input, ctx })`) has no name of its own: its members are named alone.
function memberLabel(base: string, name: string): string {
  return base ? `${base}.${name}` : name;
}

/** A value read out of a bag or a validator's output: no longer the whole of either. */
function withoutInputBag(taint: Taint): Taint {
  if (!taint.inputBag && !taint.validatedPart) return taint;
  const { inputBag: _bag, validatedPart: _whole, ...rest } = taint;
  return rest;
}

/** Request methods that return the whole parsed body (not `valid('json')`: a validator's output, already narrowed to its schema). */
const WHOLE_BODY_METHODS: ReadonlySet<string> = new Set(['json', 'parseBody']);

/** Methods of request objects that return input: `req.get('x')`, `c.req.query('q')`, `await request.json()`. */
function requestMethod(requestTaint: Taint, method: string, call: ts.CallExpression | ts.NewExpression, file: ScannedSourceFile): ValueOrigin | undefined {
  const model = REQUEST_OBJECTS[requestTaint.requestObject ?? 'request'];
  const argument0 = call.arguments?.[0];
  if (model.principalMethods?.has(method)) return { kind: 'principal', label: `${requestTaint.source.label}.${method}(${argument0 && ts.isStringLiteralLike(argument0) ? `'${argument0.text}'` : ''})` };
  const kind = Object.hasOwn(model.methods, method) ? model.methods[method] : undefined;
  if (!kind) return undefined;
  const argument = call.arguments?.[0];
  const label = `${requestTaint.source.label}.${method}(${argument && ts.isStringLiteralLike(argument) ? `'${argument.text}'` : ''})`;
  const { line, column } = nodePosition(call);
  // `await request.json()`, `await c.req.parseBody()`: the whole body, a bag of fields like `req.body`.
  const bag = WHOLE_BODY_METHODS.has(method) ? { inputBag: 'body' as const } : {};
  // `c.req.valid('query')`: the query as the route's validator parsed it.
  const target = VALIDATED_OUTPUT_METHODS.has(method) && argument && ts.isStringLiteralLike(argument) && Object.hasOwn(VALIDATOR_TARGETS, argument.text) ? VALIDATOR_TARGETS[argument.text]! : undefined;
  const validated = target ? { validatedPart: target.part } : {};
  return { kind: 'tainted', taint: { source: { label, kind: target?.input ?? kind }, steps: [{ file: file.path, line, column, message: `request input ${label}` }], transforms: [], ...bag, ...validated } };
}


function compactText(node: ts.Node): string {
  return node.getText(node.getSourceFile()).replace(/\s+/g, '').replace(/\?\./g, '.');
}

function isAssignment(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

/** Per callee node: the dataflow asks again in every context that walks the call, and a builder chain's text is long. */
const calleeTexts = { call: new WeakMap<ts.Expression, string>(), new: new WeakMap<ts.Expression, string>() };

function calleeText(callee: ts.Expression, isNew: boolean): string {
  const texts = isNew ? calleeTexts.new : calleeTexts.call;
  let known = texts.get(callee);
  if (known === undefined) texts.set(callee, (known = calleeTextUncached(callee, isNew)));
  return known;
}

function calleeTextUncached(callee: ts.Expression, isNew: boolean): string {
  const text = ts.isIdentifier(callee) || ts.isPropertyAccessExpression(callee) ? callee.getText(callee.getSourceFile()).replace(/\s+/g, '').replace(/\?\./g, '.') : '';
  return isNew ? `new ${text}` : text;
}

/**
 * A summary's tainted return value came from one of the parameters it was computed with: give it
 * the current caller's source and trace instead, keeping the steps inside the function.
 */
function relabel(result: ValueOrigin, summarized: readonly ValueOrigin[], current: readonly ValueOrigin[]): ValueOrigin {
  if (result.kind !== 'tainted') return result;
  // `return { query, body, auth }` from a request-parsing helper: each field carries its own trace,
  // which starts at the first caller's request as much as the whole object's does.
  const fields = result.fields && Object.fromEntries(Object.entries(result.fields).map(([name, field]) => [name, relabel(field, summarized, current)]));
  const rest = result.rest && relabel(result.rest, summarized, current);
  const top = relabelTaint(result, summarized, current);
  return fields || rest ? { ...top, ...(fields ? { fields } : {}), ...(rest ? { rest } : {}) } : top;
}

function relabelTaint(result: ValueOrigin & { kind: 'tainted' }, summarized: readonly ValueOrigin[], current: readonly ValueOrigin[]): ValueOrigin & { kind: 'tainted' } {
  for (let index = 0; index < summarized.length; index++) {
    const before = summarized[index];
    const now = current[index];
    if (before?.kind !== 'tainted' || now?.kind !== 'tainted') continue;
    if (before.taint === now.taint) return result;
    const prefix = before.taint.steps.length;
    const sameStart = before.taint.source.label === result.taint.source.label && result.taint.steps.slice(0, prefix).every((step, i) => step === before.taint.steps[i]);
    if (!sameStart) continue;
    return {
      kind: 'tainted',
      taint: {
        source: now.taint.source,
        steps: [...now.taint.steps, ...result.taint.steps.slice(prefix)],
        transforms: [...now.taint.transforms, ...result.taint.transforms.slice(before.taint.transforms.length)],
        ...safeForOf(result.taint),
        ...(result.taint.requestObject ? { requestObject: result.taint.requestObject } : {}),
        ...(result.taint.inputBag ? { inputBag: result.taint.inputBag } : {}),
        ...(result.taint.validatedPart ? { validatedPart: result.taint.validatedPart } : {}),
      },
    };
  }
  return result;
}

/**
 * `s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')`: a pattern that is one character class holding the
 * regular-expression metacharacters, and a replacement that puts a backslash before each match.
 */
function escapesRegexMetacharacters(call: ts.CallExpression | ts.NewExpression): boolean {
  const [pattern, replacement] = (call.arguments ?? []).map((argument) => skipOuterExpressions(argument));
  if (!pattern || !replacement || pattern.kind !== ts.SyntaxKind.RegularExpressionLiteral || !ts.isStringLiteralLike(replacement)) return false;
  const source = pattern.getText();
  const characterClass = /^\/\[(.*)\]\/[a-z]*$/s.exec(source)?.[1];
  return characterClass !== undefined && !characterClass.startsWith('^') && REGEX_METACHARACTERS_ESCAPED.every((character) => characterClass.includes(character)) && replacement.text === '\\$&';
}

/** The sink categories request data in these values is not made safe for (none when none is tainted). */
function exposedCategories(origins: readonly ValueOrigin[]): SinkCategory[] {
  return SINK_CATEGORIES.filter((category) => origins.some((origin) => origin.kind === 'tainted' && !origin.taint.safeFor?.includes(category)));
}

/** Sink categories an encoding into a fixed alphabet (base64, base64url, hex) cannot break out of. */
const ENCODED_SAFE_FOR: readonly SinkCategory[] = ['command', 'html', 'sql'];

/** `'base64'`, `'base64url'` or `'hex'` when the argument names one of those encodings, else undefined. */
function fixedAlphabetEncoding(argument: ts.Expression | undefined): string | undefined {
  const value = argument && skipOuterExpressions(argument);
  return value && ts.isStringLiteralLike(value) && /^(?:base64|base64url|hex)$/.test(value.text) ? value.text : undefined;
}

/**
 * `s.replace(/'/g, "'\\''")`, `s.replaceAll("'", "'\"'\"'")`: the POSIX way to put any text in a
 * single-quoted shell word, where nothing but a quote ends the word. The idiom is only written for that
 * word, so the value is taken as safe for command sinks.
 */
function escapesShellSingleQuotes(call: ts.CallExpression | ts.NewExpression): boolean {
  const [pattern, replacement] = (call.arguments ?? []).map((argument) => skipOuterExpressions(argument));
  if (!pattern || !replacement || !ts.isStringLiteralLike(replacement)) return false;
  // A string pattern is replaced everywhere by replaceAll only; a regular expression needs the g flag.
  const everyQuote = ts.isStringLiteralLike(pattern)
    ? pattern.text === "'" && methodName(call) === 'replaceAll'
    : pattern.kind === ts.SyntaxKind.RegularExpressionLiteral && /^\/'\/[a-z]*$/.test(pattern.getText()) && pattern.getText().slice(3).includes('g');
  return everyQuote && (replacement.text === "'\\''" || replacement.text === `'"'"'`);
}

function methodName(call: ts.CallExpression | ts.NewExpression): string | undefined {
  const callee = skipOuterExpressions(call.expression);
  return ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
}

function describeForKey(origin: ValueOrigin, withLabel: boolean, schemaScope: string): string {
  switch (origin.kind) {
    case 'tainted': {
      const bag = origin.taint.requestObject || origin.taint.inputBag || origin.taint.validatedPart ? `:${origin.taint.inputBag ?? origin.taint.validatedPart ?? ''}@${schemaScope}` : '';
      const fields = origin.fields ? `{${Object.entries(origin.fields).map(([name, field]) => `${name}=${describeForKey(field, false, schemaScope)}`).join(',')}${origin.rest ? `,...${describeForKey(origin.rest, false, schemaScope)}` : ''}}` : '';
      const safe = origin.taint.safeFor ? `!${origin.taint.safeFor.join(',')}` : '';
      const path = origin.taint.knownPrefix !== undefined ? '^' : '';
      // A check the value passed (a stored record's key, a confined path) changes what rules decide at the sinks below.
      const checked = origin.taint.transforms.filter((transform) => transform === EXISTING_RECORD_KEY || transform === PATH_CONTAINMENT_CHECK).map((transform) => (transform === EXISTING_RECORD_KEY ? '~key' : '~path')).join('');
      const shape = `${origin.taint.requestObject ?? ''}${bag}${fields}${safe}${path}${checked}`;
      return withLabel ? `t:${origin.taint.source.label}:${shape}` : `t:${shape}`;
    }
    case 'principal':
      return 'p';
    case 'sanitized':
      return origin.identity ? 'si' : 's';
    case 'constant':
      return 'c';
    case 'unknown':
      return 'u';
  }
}

/** The literals a value holds, for a summary key: `{type="new"}` for `{ type: 'new', id }`; '' when none. */
function literalKey(origin: ValueOrigin): string {
  if (origin.kind === 'constant' && origin.value !== undefined) return `=${JSON.stringify(origin.value)}`;
  const fields = origin.kind === 'constant' || origin.kind === 'tainted' ? origin.fields : undefined;
  if (!fields) return '';
  const parts = Object.entries(fields).flatMap(([name, field]) => {
    const key = literalKey(field);
    return key ? [`${name}${key}`] : [];
  });
  return parts.length > 0 ? `{${parts.join(';')}}` : '';
}

/** `{ a: 'x', b }` whose members are all literals or constants: each member's origin, when one holds a literal. */
function constantFields(properties: ts.NodeArray<ts.ObjectLiteralElementLike>, origins: readonly ValueOrigin[]): ValueOrigin | undefined {
  const fields: Record<string, ValueOrigin> = {};
  for (const [index, property] of properties.entries()) {
    const name = (ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property)) && propertyNameText(property.name);
    if (!name) return undefined;
    fields[name] = origins[index]!;
  }
  return Object.values(fields).some(holdsLiterals) ? { kind: 'constant', fields } : undefined;
}

const discriminantCache = new WeakMap<ts.Node, Set<number>>();

/**
 * The parameters a function branches on (an `if`, `?:` or `switch` condition reads them, or a member
 * of them), or passes on to a call that may: the literals a call passes there decide which branches run.
 */
function discriminantParameters(fn: ts.SignatureDeclaration & { body?: ts.Node }): Set<number> {
  const known = discriminantCache.get(fn);
  if (known) return known;
  const found = new Set<number>();
  discriminantCache.set(fn, found);
  if (!fn.body) return found;
  const byName = new Map<string, number>();
  fn.parameters.forEach((parameter, index) => {
    for (const name of bindingNames(parameter.name)) byName.set(name, index);
  });
  if (byName.size === 0) return found;
  // One pass: a parameter's name counts where it is read inside a condition or a call's argument list
  // (a callback given to a call counts only for its own conditions and calls).
  const visit = (node: ts.Node, reading: boolean): void => {
    if (reading) {
      if (ts.isIdentifier(node)) {
        const index = byName.get(node.text);
        if (index !== undefined) found.add(index);
        return;
      }
      // A callback's body reads only where it branches or passes on, like any other body.
      if (isFunctionLike(node)) {
        ts.forEachChild(node, (child) => visit(child, false));
        return;
      }
    }
    if (ts.isIfStatement(node)) {
      visit(node.expression, true);
      visit(node.thenStatement, reading);
      if (node.elseStatement) visit(node.elseStatement, reading);
      return;
    }
    if (ts.isConditionalExpression(node)) {
      visit(node.condition, true);
      visit(node.whenTrue, reading);
      visit(node.whenFalse, reading);
      return;
    }
    if (ts.isSwitchStatement(node)) {
      visit(node.expression, true);
      visit(node.caseBlock, reading);
      return;
    }
    // Passed on (`inner(options)`): the callee may branch on it, and its analysis is part of this summary.
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && node.arguments) {
      visit(node.expression, reading);
      for (const argument of node.arguments) visit(argument, true);
      return;
    }
    ts.forEachChild(node, (child) => visit(child, reading));
  };
  visit(fn.body, false);
  return found;
}

function enclosingFunction(node: ts.Node): (ts.SignatureDeclaration & { body?: ts.ConciseBody }) | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionLike(current)) return current as ts.SignatureDeclaration & { body?: ts.ConciseBody };
  }
  return undefined;
}

/** A literal, or an array/object/template/concatenation made only of literals. */
export function isConstantExpression(expression: ts.Expression): boolean {
  const value = skipOuterExpressions(expression);
  if (ts.isStringLiteralLike(value) || ts.isNumericLiteral(value) || value.kind === ts.SyntaxKind.TrueKeyword || value.kind === ts.SyntaxKind.FalseKeyword) return true;
  if (ts.isArrayLiteralExpression(value)) return value.elements.every((element) => ts.isExpression(element) && isConstantExpression(element));
  if (ts.isObjectLiteralExpression(value)) return value.properties.every((property) => ts.isPropertyAssignment(property) && isConstantExpression(property.initializer));
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken) return isConstantExpression(value.left) && isConstantExpression(value.right);
  if (ts.isTemplateExpression(value)) return value.templateSpans.every((span) => isConstantExpression(span.expression));
  // `['id', 'status'].join(', ')`: a column list written in the code.
  if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && value.expression.name.text === 'join') {
    return isConstantExpression(value.expression.expression) && value.arguments.every((argument) => isConstantExpression(argument));
  }
  return false;
}

/**
 * `if (!ALLOWED.includes(x)) return/throw`, `if (!set.has(x)) ...`, `if (!/^\d+$/.test(x)) ...`,
 * `if (isNaN(Number(x))) ...`, `if (typeof x !== 'number') ...`: the name x after the guard.
 */
/** Names a branch of the `if` assigns with `=` (outside functions it defines): their value may change there. */
function branchAssignedNames(statement: ts.IfStatement): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (isFunctionLike(node)) return;
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(skipOuterExpressions(node.left))) names.add((skipOuterExpressions(node.left) as ts.Identifier).text);
    ts.forEachChild(node, visit);
  };
  visit(statement.thenStatement);
  if (statement.elseStatement) visit(statement.elseStatement);
  return names;
}

/** The `if` whose branch an assignment is a statement of (`if (!x) { x = f(); ... }` or `if (!x) x = f();`). */
function enclosingIf(assignment: ts.BinaryExpression): ts.IfStatement | undefined {
  const statement = assignment.parent;
  if (!ts.isExpressionStatement(statement)) return undefined;
  const branch = ts.isBlock(statement.parent) ? statement.parent.parent : statement.parent;
  return ts.isIfStatement(branch) && (branch.thenStatement === statement || branch.thenStatement === statement.parent) ? branch : undefined;
}

/** `if (!ALLOWED.includes(sort)) sort = 'createdAt'`: the branch replaces a value the allowlist does not hold. */
function unlistedReplaced(statement: ts.IfStatement, name: string): string | undefined {
  const test = allowlistTest(statement.expression);
  if (!test || test.name !== name) return undefined;
  let constant = false;
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(node.left) && node.left.text === name) {
      const right = skipOuterExpressions(node.right);
      constant = ts.isStringLiteralLike(right) || ts.isNumericLiteral(right) || (ts.isIdentifier(right) && /^[A-Z][A-Z0-9_]*$/.test(right.text));
    } else ts.forEachChild(node, visit);
  };
  visit(statement.thenStatement);
  return constant ? `${test.how}, else replaced` : undefined;
}

/**
 * A project function that answers whether its argument matches an anchored pattern
 * (`isValidBackupName(name) { return name.match(/^[\w.-]+\.sql$/) }`): how, or undefined.
 */
export type PatternPredicate = (callee: ts.Expression) => string | undefined;

export function allowlistGuardedName(statement: ts.IfStatement, predicate?: PatternPredicate): { name: string; how: string } | undefined {
  const skipsIteration = !exitsEarly(statement.thenStatement) && skipsToNextIteration(statement.thenStatement);
  if (!exitsEarly(statement.thenStatement) && !skipsIteration) return undefined;
  const guarded = allowlistTest(statement.expression) ?? predicateGuard(statement.expression, predicate);
  // `for (...) { const alias = ...; if (!isSafeIdentifier(alias)) continue; ... }`: the rest of the
  // iteration sees only a value that passed, and a name declared in the loop's body lives no longer.
  if (guarded && skipsIteration && !declaredInLoopBody(statement, guarded.name)) return undefined;
  return guarded;
}

/** `continue;`, or a block ending with it: the loop goes on with its next element. */
function skipsToNextIteration(statement: ts.Statement): boolean {
  if (ts.isContinueStatement(statement)) return !statement.label;
  if (!ts.isBlock(statement)) return false;
  const last = statement.statements.at(-1);
  return last !== undefined && skipsToNextIteration(last);
}

/**
 * Whether `name` is declared (const/let) ahead of `statement` in the block that holds it, inside a loop:
 * the rest of the block runs only for values that passed, and the name lives no longer than the block.
 */
function declaredInLoopBody(statement: ts.Statement, name: string): boolean {
  const block = statement.parent;
  if (!block || !ts.isBlock(block)) return false;
  let inLoop = false;
  for (let current: ts.Node | undefined = block.parent; current && !isFunctionLike(current); current = current.parent) {
    if (ts.isIterationStatement(current, false)) {
      inLoop = true;
      break;
    }
  }
  return inLoop && block.statements.some((candidate) => ts.isVariableStatement(candidate) && !!(candidate.declarationList.flags & ts.NodeFlags.BlockScoped) && candidate.getEnd() <= statement.getStart() && candidate.declarationList.declarations.some((declaration) => bindingNames(declaration.name).includes(name)));
}

/**
 * `if (!isValidBackupName(filename)) throw`, and for a list `if (files.some((file) => !isValidBackupName(file)))
 * throw` or `if (!files.every(isValidBackupName)) throw`: the project's predicate is an anchored
 * pattern, so after the statement the value (each element) is of the pattern's alphabet.
 */
function predicateGuard(expression: ts.Expression, predicate: PatternPredicate | undefined): { name: string; how: string } | undefined {
  if (!predicate) return undefined;
  const condition = skipOuterExpressions(expression);
  const negatedCall = (node: ts.Expression): ts.CallExpression | undefined => {
    const inner = skipOuterExpressions(node);
    if (!ts.isPrefixUnaryExpression(inner) || inner.operator !== ts.SyntaxKind.ExclamationToken) return undefined;
    const operand = skipOuterExpressions(inner.operand);
    return ts.isCallExpression(operand) ? operand : undefined;
  };
  // `!isValid(name)`
  const direct = negatedCall(condition);
  if (direct && ts.isIdentifier(skipOuterExpressions(direct.expression)) && direct.arguments.length === 1) {
    const subject = subjectName(direct.arguments[0]!);
    const how = subject && predicate(direct.expression);
    if (subject && how) return { name: subject, how };
  }
  // `files.some((file) => !isValid(file))`, `!files.every(isValid)`, `!files.every((file) => isValid(file))`
  const listCall = direct ?? (ts.isCallExpression(condition) ? condition : undefined);
  const callee = listCall && skipOuterExpressions(listCall.expression);
  if (!listCall || !callee || !ts.isPropertyAccessExpression(callee) || listCall.arguments.length !== 1) return undefined;
  const method = callee.name.text;
  if (!((method === 'some' && !direct) || (method === 'every' && direct))) return undefined;
  const list = subjectName(callee.expression);
  const test = skipOuterExpressions(listCall.arguments[0]!);
  if (!list) return undefined;
  if (method === 'every' && ts.isIdentifier(test)) {
    const how = predicate(test);
    return how ? { name: list, how: `each element ${how}` } : undefined;
  }
  if (!ts.isArrowFunction(test) || test.parameters.length !== 1 || !ts.isIdentifier(test.parameters[0]!.name) || ts.isBlock(test.body)) return undefined;
  const element = test.parameters[0]!.name.text;
  const inner = method === 'some' ? negatedCall(test.body) : ts.isCallExpression(skipOuterExpressions(test.body)) ? (skipOuterExpressions(test.body) as ts.CallExpression) : undefined;
  const argument = inner?.arguments.length === 1 ? skipOuterExpressions(inner.arguments[0]!) : undefined;
  if (!inner || !argument || !ts.isIdentifier(argument) || argument.text !== element || !ts.isIdentifier(skipOuterExpressions(inner.expression))) return undefined;
  const how = predicate(inner.expression);
  return how ? { name: list, how: `each element ${how}` } : undefined;
}

/** `/^[\w.-]+$/` and the like: a pattern that must match the whole text. */
const ANCHORED_PATTERN = /^\/\^.*\$\/[a-z]*$/;

/**
 * Whether a function's every return is an anchored-pattern test of its first parameter:
 * `return /^...$/.test(name)`, `return name.match(/^...$/)`, an arrow with that body.
 */
export function testsAnchoredPattern(fn: ResolvedFunction): boolean {
  const parameter = fn.node.parameters[0]?.name;
  const body = fn.node.body;
  if (!parameter || !ts.isIdentifier(parameter) || !body || fn.node.parameters.length !== 1) return false;
  const returned = soleExpression(body, true);
  // `typeof value === 'string' && SAFE_IDENTIFIER.test(value)`: the type test first, then the pattern's.
  const value = returned && lastAfterTypeTests(skipOuterExpressions(returned), parameter.text);
  if (!value || !ts.isCallExpression(value) || value.arguments.length !== 1) return false;
  const callee = skipOuterExpressions(value.expression);
  if (!ts.isPropertyAccessExpression(callee)) return false;
  const argument = skipOuterExpressions(value.arguments[0]!);
  const receiver = skipOuterExpressions(callee.expression);
  // The pattern written in place, or a const of the function's module holding it (`const SAFE_IDENTIFIER = /^...$/`).
  const pattern = (expression: ts.Expression): ts.RegularExpressionLiteral | undefined => {
    if (ts.isRegularExpressionLiteral(expression)) return expression;
    const initializer = ts.isIdentifier(expression) ? moduleConstInitializer(fn.file.sourceFile, expression.text) : undefined;
    return initializer && ts.isRegularExpressionLiteral(initializer) ? initializer : undefined;
  };
  const tested = callee.name.text === 'test' ? pattern(receiver) : callee.name.text === 'match' ? pattern(argument) : undefined;
  const subject = callee.name.text === 'test' ? argument : receiver;
  return tested !== undefined && ANCHORED_PATTERN.test(tested.text) && ts.isIdentifier(subject) && subject.text === parameter.text;
}

/** The last operand of `typeof p === 'string' && ...` chains (the expression itself without one). */
function lastAfterTypeTests(expression: ts.Expression, parameter: string): ts.Expression {
  if (!ts.isBinaryExpression(expression) || expression.operatorToken.kind !== ts.SyntaxKind.AmpersandAmpersandToken) return expression;
  const left = skipOuterExpressions(expression.left);
  const typeTest = ts.isBinaryExpression(left) && ts.isTypeOfExpression(skipOuterExpressions(left.left)) && skipOuterExpressions((skipOuterExpressions(left.left) as ts.TypeOfExpression).expression).getText() === parameter;
  return typeTest ? lastAfterTypeTests(skipOuterExpressions(expression.right), parameter) : expression;
}

/** The initializer of a top-level `const name = ...` of a module. */
function moduleConstInitializer(sourceFile: ts.SourceFile, name: string): ts.Expression | undefined {
  for (const statement of sourceFile.statements) {
    if (!ts.isVariableStatement(statement) || !(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.name.text === name && declaration.initializer) return skipOuterExpressions(declaration.initializer);
    }
  }
  return undefined;
}

/** A condition that holds when a value is not on an allowlist (`!ALLOWED.includes(x)`, `indexOf(x) === -1`, `!/^..$/.test(x)`, `!isUUID(x)`). */
function allowlistTest(expression: ts.Expression): { name: string; how: string } | undefined {
  const condition = skipOuterExpressions(expression);
  // `if (ALLOWED.indexOf(x) === -1)` / `< 0`: the same test as `!ALLOWED.includes(x)`.
  const notFound = ts.isBinaryExpression(condition) && ts.isCallExpression(skipOuterExpressions(condition.left)) && /^(?:===?-1|<0)$/.test(`${condition.operatorToken.getText()}${condition.right.getText()}`.replace(/\s+/g, ''));
  if (notFound) {
    const call = skipOuterExpressions(condition.left) as ts.CallExpression;
    const callee = skipOuterExpressions(call.expression);
    const subject = call.arguments[0] && subjectName(call.arguments[0]);
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'indexOf' && subject) return { name: subject, how: `checked against an allowlist (${callee.getText()})` };
  }
  const negated = ts.isPrefixUnaryExpression(condition) && condition.operator === ts.SyntaxKind.ExclamationToken ? skipOuterExpressions(condition.operand) : undefined;
  if (negated && ts.isCallExpression(negated)) {
    const callee = skipOuterExpressions(negated.expression);
    const argument = negated.arguments[0] && skipOuterExpressions(negated.arguments[0]);
    const subject = argument && subjectName(argument);
    if (ts.isPropertyAccessExpression(callee) && subject && (callee.name.text === 'includes' || callee.name.text === 'has')) {
      return { name: subject, how: `checked against an allowlist (${callee.getText()})` };
    }
    if (ts.isPropertyAccessExpression(callee) && argument && ts.isIdentifier(argument)) {
      const method = callee.name.text;
      if (method === 'test' && ts.isRegularExpressionLiteral(skipOuterExpressions(callee.expression)) && /^\/\^.*\$\/[a-z]*$/.test(callee.expression.getText())) {
        return { name: argument.text, how: `matched against ${callee.expression.getText()}` };
      }
      if (VALIDATOR_FUNCTION.test(method)) return { name: argument.text, how: `validated by ${callee.getText()}()` };
    }
    // An imported validator called bare: `if (!isISO8601Duration(duration)) throw ...`.
    if (ts.isIdentifier(callee) && argument && ts.isIdentifier(argument) && VALIDATOR_FUNCTION.test(callee.text)) {
      return { name: argument.text, how: `validated by ${callee.text}()` };
    }
  }
  if (ts.isCallExpression(condition) && ts.isIdentifier(condition.expression) && condition.expression.text === 'isNaN') {
    const inner = condition.arguments[0] && skipOuterExpressions(condition.arguments[0]);
    const name = inner && ts.isIdentifier(inner) ? inner.text : inner && ts.isCallExpression(inner) && inner.arguments[0] && ts.isIdentifier(inner.arguments[0]) ? inner.arguments[0].text : undefined;
    if (name) return { name, how: 'checked to be a number' };
  }
  return undefined;
}

/**
 * A condition that holds only when a value is on an allowlist: `ALLOWED.includes(x)`, `ALLOWED.has(x)`,
 * `ALLOWED.indexOf(x) !== -1`, or a conjunction with one of them (`x && ALLOWED.includes(x)`).
 */
function allowlistedInBranch(expression: ts.Expression): { name: string; how: string } | undefined {
  const condition = skipOuterExpressions(expression);
  if (ts.isBinaryExpression(condition) && condition.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) {
    return allowlistedInBranch(condition.left) ?? allowlistedInBranch(condition.right);
  }
  const found = ts.isBinaryExpression(condition) && ts.isCallExpression(skipOuterExpressions(condition.left)) && /^(?:!==?-1|>=0|>-1)$/.test(`${condition.operatorToken.getText()}${condition.right.getText()}`.replace(/\s+/g, ''));
  const call = found ? (skipOuterExpressions(condition.left) as ts.CallExpression) : ts.isCallExpression(condition) ? condition : undefined;
  const callee = call && skipOuterExpressions(call.expression);
  const subject = call?.arguments.length === 1 ? subjectName(skipOuterExpressions(call.arguments[0]!)) : undefined;
  if (!callee || !subject || !ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  if (found ? method !== 'indexOf' : method !== 'includes' && method !== 'has') return undefined;
  return { name: subject, how: `checked against an allowlist (${callee.getText()})` };
}

/** What an allowlist check names: a variable (`sort`) or a member path (`cursor.operator`, `input!.dir`). */
function subjectName(expression: ts.Expression): string | undefined {
  const inner = skipOuterExpressions(expression);
  if (ts.isIdentifier(inner)) return inner.text;
  return ts.isPropertyAccessExpression(inner) ? memberPath(inner) : undefined;
}

/** `a.b.c` spelled without outer syntax (`a!.b` is `a.b`), for names and `this`; undefined for calls or computed parts. */
function memberPath(member: ts.PropertyAccessExpression): string | undefined {
  const owner = skipOuterExpressions(member.expression);
  const ownerPath = ts.isIdentifier(owner) ? owner.text : owner.kind === ts.SyntaxKind.ThisKeyword ? 'this' : ts.isPropertyAccessExpression(owner) ? memberPath(owner) : undefined;
  return ownerPath === undefined || ts.isPrivateIdentifier(member.name) ? undefined : `${ownerPath}.${member.name.text}`;
}

/**
 * `if (!x.startsWith(base)) return/throw` and `if (x.includes('..')) return/throw` (alone or in an
 * `||` chain): after the statement x stays under a base directory. Not a sanitizer in general
 * (x is still request text), so the engine records a transform instead and path rules decide.
 */
export function pathContainmentChecks(statement: ts.IfStatement): Array<{ name: string; how: string }> {
  if (!exitsEarly(statement.thenStatement)) return [];
  const checks: Array<{ name: string; how: string }> = [];
  const visit = (condition: ts.Expression): void => {
    const inner = skipOuterExpressions(condition);
    if (ts.isBinaryExpression(inner) && inner.operatorToken.kind === ts.SyntaxKind.BarBarToken) {
      visit(inner.left);
      visit(inner.right);
      return;
    }
    const negated = ts.isPrefixUnaryExpression(inner) && inner.operator === ts.SyntaxKind.ExclamationToken;
    let call = negated ? skipOuterExpressions((inner as ts.PrefixUnaryExpression).operand) : inner;
    // `x.indexOf('..') !== -1`, `x.indexOf('..') >= 0`
    if (ts.isBinaryExpression(call) && ts.isCallExpression(skipOuterExpressions(call.left))) {
      const found = `${call.operatorToken.getText()}${call.right.getText()}`.replace(/\s+/g, '');
      if (negated || !/^(?:!==?-1|>=0|>-1)$/.test(found)) return;
      call = skipOuterExpressions(call.left);
    }
    if (!ts.isCallExpression(call)) return;
    const callee = skipOuterExpressions(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return;
    const target = skipOuterExpressions(callee.expression);
    if (!ts.isIdentifier(target)) return;
    const method = callee.name.text;
    const argument = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
    if (negated && method === 'startsWith' && argument) checks.push({ name: target.text, how: `checked to stay under ${argument.getText()}` });
    const rejectsDots = argument && ts.isStringLiteralLike(argument) && argument.text.includes('..');
    if (!negated && (method === 'includes' || method === 'indexOf') && rejectsDots) checks.push({ name: target.text, how: `checked to contain no '..'` });
  };
  visit(statement.expression);
  return checks;
}

/**
 * `ALLOWED.includes(x) ? x : 'asc'`: the non-constant branch is the very value checked. The other
 * branch may be any value `isClean` vouches for (a helper that returns only literals).
 */
function allowlistTernary(conditional: ts.ConditionalExpression, isClean: (branch: ts.Expression) => boolean): string | undefined {
  const condition = skipOuterExpressions(conditional.condition);
  if (!ts.isCallExpression(condition)) return undefined;
  const callee = skipOuterExpressions(condition.expression);
  if (!ts.isPropertyAccessExpression(callee) || (callee.name.text !== 'includes' && callee.name.text !== 'has')) return undefined;
  const checked = condition.arguments[0] && skipOuterExpressions(condition.arguments[0]).getText();
  const whenTrue = skipOuterExpressions(conditional.whenTrue);
  const isChecked = (branch: ts.Expression) => isConstantExpression(branch) || branch.getText() === checked || isClean(branch);
  return checked && isChecked(whenTrue) && isChecked(conditional.whenFalse) ? `checked against an allowlist (${callee.getText()})` : undefined;
}

/** Rejections of a missing or bad credential: 401 and its names. */
const UNAUTHENTICATED_ANSWER = /\b401\b|UNAUTHORIZED|Unauthorized|UNAUTHENTICATED/;

/**
 * The call's result is bound to a name that a later `if` of the same block tests and answers with a
 * 401 (`if (!authCheck.validKey) return res.status(401).json(...)`): the caller treats it as the
 * credential check, so past that `if` the result is the verified caller's.
 */
function answeredWith401(call: ts.CallExpression | ts.NewExpression): boolean {
  let node: ts.Node = call;
  while (node.parent && (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent))) node = node.parent;
  const declaration = node.parent;
  if (!declaration || !ts.isVariableDeclaration(declaration) || declaration.initializer !== node || !ts.isIdentifier(declaration.name)) return false;
  const statement = declaration.parent?.parent;
  const block = statement?.parent;
  if (!statement || !block || !(ts.isBlock(block) || ts.isSourceFile(block))) return false;
  const name = declaration.name.text;

  const statements = block.statements;
  for (let index = statements.indexOf(statement as ts.Statement) + 1; index < statements.length && index < statements.indexOf(statement as ts.Statement) + 4; index++) {
    const next = statements[index]!;
    if (ts.isIfStatement(next) && mentionsName(next.expression.getText(), name) && UNAUTHENTICATED_ANSWER.test(next.thenStatement.getText())) return true;
  }
  return false;
}

/**
 * An object the flow built member by member (`const payload = { ...dto }`) with the members the function
 * overwrote since (`payload.password`, one level down) as written. Request objects (`ctx`, `req`) are
 * read member by member through withMemberWrites instead.
 */
function withWrittenMembers(origin: ValueOrigin, name: string, memberWrites: ReadonlyMap<string, ValueOrigin>): ValueOrigin {
  if (origin.kind !== 'tainted' || !origin.fields) return origin;
  const fields: Record<string, ValueOrigin> = {};
  for (const [writtenPath, value] of memberWrites) {
    const rest = writtenPath.startsWith(`${name}.`) ? writtenPath.slice(name.length + 1) : undefined;
    if (rest && !rest.includes('.')) fields[rest] = value;
  }
  if (Object.keys(fields).length === 0) return origin;
  return { ...origin, fields: { ...origin.fields, ...fields } };
}

/**
 * `if (payload.password) payload.password = await hash(payload.password)` at the function's top level:
 * the member is replaced whenever it holds anything, so what is left of the old value is nothing.
 * (The branch tests the member itself, truthy or not undefined/null, and has no else.)
 */
function replacedWhenSet(statement: ts.ExpressionStatement, path: string, body: ts.Node | undefined): boolean {
  const branch = ts.isBlock(statement.parent) && statement.parent.statements.length === 1 ? statement.parent : statement;
  const test = branch.parent;
  if (!ts.isIfStatement(test) || test.thenStatement !== branch || test.elseStatement || test.parent !== body) return false;
  const condition = skipOuterExpressions(test.expression);
  const tested = (expression: ts.Expression): boolean => {
    const value = skipOuterExpressions(expression);
    return ts.isPropertyAccessExpression(value) && memberPath(value) === path;
  };
  if (tested(condition)) return true;
  if (!ts.isBinaryExpression(condition) || ![ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken].includes(condition.operatorToken.kind)) return false;
  const empty = (expression: ts.Expression): boolean => {
    const value = skipOuterExpressions(expression);
    return value.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(value) && value.text === 'undefined');
  };
  return (tested(condition.left) && empty(condition.right)) || (tested(condition.right) && empty(condition.left));
}

/** The value a Kysely `where('col', '=', value)` link compares with (undefined for any other operator or shape). */
function kyselyFilterValue(link: ts.CallExpression): ts.Expression | undefined {
  const [column, operator, value] = link.arguments;
  if (link.arguments.length !== 3 || !column || !operator || !value) return undefined;
  const op = skipOuterExpressions(operator);
  return ts.isStringLiteralLike(skipOuterExpressions(column)) && ts.isStringLiteralLike(op) && KYSELY_EQUALITY.has(op.text.trim().toLowerCase()) ? value : undefined;
}
const KYSELY_EQUALITY: ReadonlySet<string> = new Set(KYSELY.equalityOperators);

/** A filter operator by the name its library gives it: `eq`, also when a filter callback renames it (`(m, { eq: equals }) => equals(...)`). */
function filterOperatorName(callee: ts.Expression): string {
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  if (!ts.isIdentifier(callee)) return '';
  const binding = localBinding(callee);
  if (binding && ts.isParameter(binding) && ts.isObjectBindingPattern(binding.name)) {
    const element = binding.name.elements.find((candidate) => ts.isIdentifier(candidate.name) && candidate.name.text === callee.text);
    if (element?.propertyName) return propertyNameText(element.propertyName) ?? callee.text;
  }
  return callee.text;
}

/**
 * `next({ ctx: { teamId: ctx.teamId } })`, `const { teamId } = opts.ctx; return opts.next({ ctx: { teamId } })`,
 * `({ ctx: { teamId }, next }) => next({ ctx: { teamId } })`: the member as an earlier middleware set it.
 */
function handsOnIncomingMember(value: ts.Expression, name: string, contextName: string): boolean {
  const node = skipOuterExpressions(value);
  const isContext = (expression: ts.Expression | undefined): boolean => {
    const base = expression && skipOuterExpressions(expression);
    return !!base && ((ts.isIdentifier(base) && base.text === contextName) || (ts.isPropertyAccessExpression(base) && base.name.text === contextName));
  };
  if (ts.isPropertyAccessExpression(node)) return node.name.text === name && isContext(node.expression);
  if (!ts.isIdentifier(node)) return false;
  const binding = localBinding(node);
  if (!binding || !ts.isObjectBindingPattern(binding.name)) return false;
  const memberBound = (pattern: ts.ObjectBindingPattern) =>
    pattern.elements.some((element) => ts.isIdentifier(element.name) && element.name.text === node.text && (element.propertyName ? propertyNameText(element.propertyName) : element.name.text) === name);
  if (ts.isVariableDeclaration(binding)) return isContext(binding.initializer) && memberBound(binding.name);
  // A parameter destructured as `{ ctx: { teamId } }`.
  return binding.name.elements.some((element) => element.propertyName !== undefined && propertyNameText(element.propertyName) === contextName && ts.isObjectBindingPattern(element.name) && memberBound(element.name));
}

/** One field read out of an input bag, named by its path (`input.teamId`): the bag's taint, for that field alone. */
function memberTaint(taint: Taint, field: string): Taint {
  return { ...withoutInputBag(taint), source: { ...taint.source, label: `${taint.source.label}.${field}` } };
}

/** The fields of an object the flow built member by member (an instance, an object literal), if known. */
function instanceFields(origin: ValueOrigin): Readonly<Record<string, ValueOrigin>> | undefined {
  return origin.kind === 'tainted' || origin.kind === 'constant' ? origin.fields : undefined;
}

/** The caller's identity, or an object with a field that holds it (at any depth). */
function holdsCaller(origin: ValueOrigin, depth = 0): boolean {
  if (origin.kind === 'principal') return true;
  const fields = instanceFields(origin);
  return depth < 3 && fields !== undefined && Object.values(fields).some((field) => holdsCaller(field, depth + 1));
}

/** Two instances whose fields hold the caller under the same names. */
function sameCallerFields(a: ValueOrigin, b: ValueOrigin): boolean {
  const names = (origin: ValueOrigin) => Object.entries(instanceFields(origin) ?? {}).filter(([, field]) => holdsCaller(field)).map(([name]) => name).sort().join(',');
  return names(a) === names(b);
}

/** A method or a function-valued property of a class: it runs with `this` bound to the instance it is called on. */
function isClassMember(node: ts.Node): boolean {
  const parent = node.parent;
  return (ts.isMethodDeclaration(node) && parent !== undefined && ts.isClassLike(parent)) || (parent !== undefined && ts.isPropertyDeclaration(parent) && ts.isClassLike(parent.parent));
}

/** The instance `this` is bound to, for a summary key: which fields hold what. */
function describeInstance(origin: ValueOrigin, schemaScope: string, depth = 0): string {
  const fields = instanceFields(origin);
  if (!fields || depth > 2) return describeForKey(origin, false, schemaScope);
  return `{${Object.entries(fields).map(([name, field]) => `${name}=${describeInstance(field, schemaScope, depth + 1)}`).join(',')}}`;
}

/** The write's own target (`req.body.password` left of its `=`) is no read of the new value. */
function isWriteTarget(node: ts.Node): boolean {
  const parent = node.parent;
  return !!parent && ts.isBinaryExpression(parent) && parent.left === node;
}

/** An object literal (or a local const holding one) whose keys are all written out: no spread, no computed name. */
function hasStaticKeys(expression: ts.Expression): boolean {
  let value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value)) value = localConstInitializer(value) ?? value;
  return ts.isObjectLiteralExpression(value) && value.properties.every((property) => !ts.isSpreadAssignment(property) && property.name !== undefined && !ts.isComputedPropertyName(property.name));
}

/** The route parameter a NestJS handler parameter is bound to: `id` of `@Param('id') id`. */
function routeParamName(parameter: ts.ParameterDeclaration): string | undefined {
  for (const decorator of ts.getDecorators(parameter) ?? []) {
    const expression = decorator.expression;
    if (!ts.isCallExpression(expression) || !ts.isIdentifier(expression.expression) || expression.expression.text !== 'Param') continue;
    const first = expression.arguments[0] && skipOuterExpressions(expression.arguments[0]);
    return first && ts.isStringLiteralLike(first) ? first.text : undefined;
  }
  return undefined;
}
