/**
 * What one route does to the state of a business flow, in execution order: the state fields it
 * writes (and to which value), the money it moves, and the server-side checks that run before.
 *
 * The walk follows the handler into the project functions it calls (services, repositories,
 * entity methods; up to MAX_DEPTH calls down, cycle-safe), numbering every event in the order it
 * runs, so "checked first" means a smaller sequence number. Parameters are bound to the caller's
 * arguments, so `orders.setStatus(order.id, 'paid')` resolves the value the service's
 * `UPDATE orders SET status = $2` writes.
 */
import { ts } from '#typescript';
import { classifyCall, type DataAccess } from '../ast/data-access.js';
import { exitsEarly, propertyNameText, skipOuterExpressions } from '../ast/syntax.js';
import { bindingNames, bindingValue, type ModuleIndex, type ResolvedFunction, resolveFunction, returnedFunction } from '../names/index.js';
import { locateMiddleware } from '../routes/classify-middleware.js';
import type { Route, RouteMiddleware } from '../routes/route.js';
import type { TrustscanConfig } from '../config.js';
import type { ScannedSourceFile } from '../../types.js';
import type { FlowLocation, StateWrite, Effect, StateGuard, RouteFact, RouteFlow } from './flow-facts.js';
import { frameLocation, isEventTypeExpression, type BoundValue, type Frame, type FlowRecorder } from './flow-frame.js';
import { LOADER, PAYMENT_LOOKUP, MONEY_CALL, MONEY_HOST, TOKEN_VERIFIERS, POLICY_CALL, STATE_ACTION, QUERY_BUILDER_TERMINAL, WEBHOOK_VERIFIER, QUEUE_PACKAGES, SIGNATURE_HEADER, STATE_MACHINE_RECEIVER, ASSERTING_NAME, ASSERT_CALLS, UPDATE_METHODS, AUDIT_TRAIL_OWNER, LICENSE_KEY_CHECKS, LICENSE_HOST } from './flow-patterns.js';
import { TOKEN_CHECK_FUNCTIONS, TOKEN_CHECK_PACKAGES } from '../../models/auth.js';
import { isStateMachinePackage, STATE_MACHINE_CHECK_METHODS, STATE_MACHINE_EVENT_METHODS } from '../../models/state-machines.js';
import { isResultUsed, isInExitingCondition, calleeText, receiverEntity, truncate } from './flow-syntax.js';
import { runtimeParameters } from '../ast/guards.js';
import { conditionGuard, eventTypeBranch, pushEventBranch, switchGuard, webhookLibrary } from './state-guards.js';
import { assignmentWrite, filteredRead, objectWrite, queryBuilderRead, sqlWrite } from './state-writes.js';

/** A call named for checking a one-time token or code (`validateToken`, `verifyResetCode`, `consumeInviteToken`). */
const UNRESOLVED_TOKEN_CHECK = /^(?:validate|verify|check|consume|redeem)\w*(?:Token|Code|Otp|OTP)$/;
/** An argument that carries the client's token or code: `req.params.token`, `{ token }`, `body.code`. */
const TOKEN_ARGUMENT = /\b(?:token|code|otp)\b/i;

const MAX_DEPTH = 3;
/** Guards a walk cannot order against a write (route middleware) run before everything. */
const BEFORE_HANDLER = -1;

const inertCache = new WeakMap<ModuleIndex, Map<ts.Node, number>>();
function inertFunctions(modules: ModuleIndex): Map<ts.Node, number> {
  let known = inertCache.get(modules);
  if (!known) inertCache.set(modules, (known = new Map()));
  return known;
}
const commandHandlerCache = new WeakMap<ModuleIndex, Map<string, ResolvedFunction>>();

export interface RouteFlowInput {
  modules: ModuleIndex;
  config: Pick<TrustscanConfig, 'stateGuards'>;
  filesByPath: ReadonlyMap<string, ScannedSourceFile>;
}

/** The flow facts of one route. Pure: reads the AST, never the file system. */
export function analyzeRouteFlow(input: RouteFlowInput, route: Route): RouteFlow {
  const walker = new FlowWalker(input, route);
  walker.run();
  return { route, writes: walker.writes, effects: walker.effects, guards: walker.guards, adminChecks: walker.adminChecks, signatures: walker.signatures, eventBranches: walker.eventBranches, issuedSecrets: walker.issuedSecrets, existenceChecks: walker.existenceChecks };
}

class FlowWalker implements FlowRecorder {
  readonly writes: StateWrite[] = [];
  readonly effects: Effect[] = [];
  readonly guards: StateGuard[] = [];
  readonly adminChecks: RouteFact[] = [];
  readonly signatures: RouteFact[] = [];
  readonly eventBranches: RouteFact[] = [];
  /** The walked code reads a signature header or computes an HMAC: a comparison of `signature` then verifies it. */
  signatureInput = false;
  /** Writes of a freshly generated secret to a token/code field: the route issues a reset link or code. */
  readonly issuedSecrets: FlowLocation[] = [];
  readonly existenceChecks: Array<RouteFact & { model?: string }> = [];
  private seq = 0;
  private readonly active = new Set<ts.Node>();
  /** A loaded value's call is classified when it is visited and again when its variable is recorded: once is enough. */
  private readonly accessOf = new Map<ts.CallExpression, DataAccess | undefined>();

  constructor(
    private readonly input: RouteFlowInput,
    private readonly route: Route,
  ) {}

  get modules(): ModuleIndex {
    return this.input.modules;
  }

  nextSeq(): number {
    return ++this.seq;
  }

  run(): void {
    for (const middleware of this.route.middleware) this.middlewareGuard(middleware);
    const handler = this.route.handler;
    if (!handler) return;
    const file = this.input.modules.fileOf(handler.node);
    if (!file) return;
    this.walkFunction({ file, node: handler.node, name: handler.name }, new Map(), []);
  }

  /** A route middleware that checks state: named so by the classifier or config, or whose body holds a state check. */
  private middlewareGuard(middleware: RouteMiddleware): void {
    const location = { file: middleware.file, line: middleware.line, column: 1 };
    const bare = middleware.name.replace(/\(.*$/s, '').split('.').at(-1) ?? middleware.name;
    if (this.input.config.stateGuards.includes(bare)) {
      this.guards.push({ ...location, kind: 'config', evidence: `${middleware.name} (config stateGuards)`, expected: [], forbidden: [], seq: BEFORE_HANDLER, scopeEnd: Infinity });
      return;
    }
    if (middleware.kind === 'state') {
      this.guards.push({ ...location, kind: 'middleware', evidence: `${middleware.name} (${middleware.evidence})`, expected: [], forbidden: [], seq: BEFORE_HANDLER, scopeEnd: Infinity });
      return;
    }
    if (middleware.kind !== 'other' || middleware.scope === 'global') return;
    // An authentication middleware that lets anonymous callers through (`optional: true`, a check only of
    // presented credentials): its checks are about the caller, not the state of a record.
    if (middleware.optionalAuthentication) return;
    // `loadOrder, requireStatus('pending')`: a project middleware that loads the record and checks its state.
    const fn = this.middlewareFunction(middleware);
    if (!fn) return;
    const before = this.guards.length;
    const factsBefore = { signatures: this.signatures.length, adminChecks: this.adminChecks.length, existenceChecks: this.existenceChecks.length };
    this.walkFunction(fn, new Map(), [fn.name]);
    for (const guard of this.guards.slice(before)) guard.seq = BEFORE_HANDLER;
    // A signature or admin check in the middleware runs before the handler, whatever it numbered.
    for (const fact of [...this.signatures.slice(factsBefore.signatures), ...this.adminChecks.slice(factsBefore.adminChecks), ...this.existenceChecks.slice(factsBefore.existenceChecks)]) fact.seq = BEFORE_HANDLER;
    // An event branch in a middleware does not wrap the handler's writes.
    this.eventBranches.length = 0;
    // A middleware's writes are not the route's state change; only its checks are kept.
    this.writes.length = 0;
    this.effects.length = 0;
    this.seq = 0;
  }

  private middlewareFunction(middleware: RouteMiddleware): ResolvedFunction | undefined {
    const located = locateMiddleware(this.input.modules, middleware);
    if (!located) return undefined;
    const expression = skipOuterExpressions(located.node);
    if (ts.isCallExpression(expression)) {
      const factory = resolveFunction(this.input.modules, located.file, expression.expression);
      return factory && returnedFunction(factory);
    }
    return resolveFunction(this.input.modules, located.file, expression);
  }

  private walkFunction(fn: ResolvedFunction, bindings: Map<string, BoundValue>, via: string[]): void {
    if (!fn.node.body || this.active.has(fn.node) || via.length > MAX_DEPTH) return;
    // Many routes call the same helpers; one that held no fact when walked as deep is skipped, whatever its arguments.
    const inert = inertFunctions(this.input.modules);
    const remaining = MAX_DEPTH - via.length;
    if ((inert.get(fn.node) ?? -1) >= remaining) return;
    const facts = (): number =>
      this.writes.length + this.effects.length + this.guards.length + this.adminChecks.length + this.signatures.length + this.eventBranches.length + this.issuedSecrets.length + this.existenceChecks.length + (this.signatureInput ? 1 : 0);
    const before = facts();
    this.active.add(fn.node);
    const frame: Frame = { fn, bindings, loaded: new Map(), via };
    this.visit(fn.node.body, frame);
    this.active.delete(fn.node);
    if (facts() === before && via.length > 0) inert.set(fn.node, Math.max(remaining, inert.get(fn.node) ?? -1));
  }

  private visit(node: ts.Node, frame: Frame): void {
    if (ts.isIfStatement(node)) {
      this.visit(node.expression, frame);
      const thenExits = exitsEarly(node.thenStatement);
      const elseExits = node.elseStatement !== undefined && exitsEarly(node.elseStatement);
      const checkSeq = ++this.seq;
      const eventBranch = eventTypeBranch(this, node.expression, frame, checkSeq);
      if (thenExits || elseExits) {
        conditionGuard(this, node.expression, frame, thenExits ? 'exits-when-true' : 'exits-when-false', checkSeq, Infinity);
        this.visit(node.thenStatement, frame);
        if (node.elseStatement) this.visit(node.elseStatement, frame);
        return;
      }
      // `if (order.status === 'pending') { ...update... }`: the write only runs in the expected state.
      const wrapping = this.guards.length;
      conditionGuard(this, node.expression, frame, 'wraps', checkSeq, Infinity);
      const added = this.guards.slice(wrapping);
      this.visit(node.thenStatement, frame);
      for (const guard of added) guard.scopeEnd = this.seq;
      if (eventBranch) eventBranch.scopeEnd = this.seq;
      if (node.elseStatement) this.visit(node.elseStatement, frame);
      return;
    }
    if (ts.isSwitchStatement(node)) {
      this.visit(node.expression, frame);
      const exits = node.caseBlock.clauses.some((clause) => clause.statements.some((statement) => exitsEarly(statement)));
      if (exits) switchGuard(this, node, frame, ++this.seq);
      // `switch (event.type) { case 'checkout.session.completed': ... }`: each case runs for one provider event.
      const eventBranch = isEventTypeExpression(node.expression, frame) ? pushEventBranch(this, node, `switch (${truncate(node.expression.getText(frame.fn.file.sourceFile))})`, frame, ++this.seq) : undefined;
      node.caseBlock.clauses.forEach((clause) => this.visit(clause, frame));
      if (eventBranch) eventBranch.scopeEnd = this.seq;
      return;
    }
    if (ts.isStringLiteralLike(node) && SIGNATURE_HEADER.test(node.text)) this.signatureInput = true;
    if (ts.isVariableDeclaration(node) && node.initializer) {
      this.visit(node.initializer, frame);
      // `const { rows } = await pool.query(...)`: each destructured name holds part of what was loaded.
      const names = bindingNames(node.name);
      for (const name of names) this.recordLoaded(name, node.initializer, frame);
      return;
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      this.visit(node.right, frame);
      assignmentWrite(this, node, frame);
      if (ts.isIdentifier(node.left)) this.recordLoaded(node.left.text, node.right, frame);
      return;
    }
    if (ts.isCallExpression(node)) {
      ts.forEachChild(node, (child) => this.visit(child, frame));
      this.call(node, frame);
      return;
    }
    ts.forEachChild(node, (child) => this.visit(child, frame));
  }

  private recordLoaded(name: string, initializer: ts.Expression, frame: Frame): void {
    const value = skipOuterExpressions(initializer);
    if (!ts.isCallExpression(value)) return;
    const access = this.classify(value, frame);
    const source = calleeText(value);
    const last = source.split('.').at(-1) ?? '';
    frame.loaded.set(name, { source, model: access?.model, isRead: access?.operation === 'read' || LOADER.test(last) || PAYMENT_LOOKUP.test(source) });
  }

  private call(call: ts.CallExpression, frame: Frame): void {
    const callee = calleeText(call);
    const name = callee.split('.').at(-1) ?? '';
    const seq = ++this.seq;
    // Positions and text are only needed for the few calls that become facts: computed on demand.
    let cachedLocation: FlowLocation | undefined;
    const at = (): FlowLocation => (cachedLocation ??= frameLocation(call, frame));
    const text = (): string => truncate(call.getText(frame.fn.file.sourceFile));

    if (this.input.config.stateGuards.includes(name)) {
      this.guards.push({ ...at(), kind: 'config', evidence: `${text()} (config stateGuards)`, expected: [], forbidden: [], seq, scopeEnd: Infinity });
      return;
    }
    if (this.isStateMachineCall(call, name, frame)) {
      const guarded = !/^can/.test(name) || isInExitingCondition(call);
      if (guarded) this.guards.push({ ...at(), kind: 'state-machine', evidence: text(), expected: [], forbidden: [], seq, scopeEnd: Infinity });
    }
    if (ASSERT_CALLS.has(name) && call.arguments[0]) {
      conditionGuard(this, call.arguments[0], frame, 'exits-when-false', seq, Infinity);
    }
    if (TOKEN_VERIFIERS.test(callee) || this.isPackageVerifier(callee, name, frame)) {
      this.guards.push({ ...at(), kind: 'verified-token', evidence: text(), expected: [], forbidden: [], seq, scopeEnd: Infinity });
    }
    // `activateLicense(key, name)` of Lemon Squeezy, a POST to Gumroad's /licenses/verify: the issuer vouches for the key.
    if (isResultUsed(call) && this.isLicenseCheck(call, callee, name, frame)) {
      this.guards.push({ ...at(), kind: 'verified-token', evidence: `${text()} (licence key checked with its issuer)`, expected: [], forbidden: [], seq, scopeEnd: Infinity });
    }
    const library = name === 'verify' ? webhookLibrary(this, call, frame) : undefined;
    if (WEBHOOK_VERIFIER.test(callee) || library) {
      this.signatures.push({ ...at(), evidence: text(), seq, scopeEnd: Infinity, ...(library && QUEUE_PACKAGES.test(library) ? { queue: true } : {}) });
    }
    if (/createHmac$/.test(callee)) this.signatureInput = true;
    if (MONEY_CALL.test(callee) || (/^(?:fetch|post|request)$/.test(name) && call.arguments[0] && MONEY_HOST.test(call.arguments[0].getText(frame.fn.file.sourceFile)))) {
      this.effects.push({ ...at(), kind: 'money', description: `moves money (${truncate(callee, 60)})`, seq, via: frame.via });
    }

    // `authorize(user, 'cancel', order)`: the project's policy for this very action, where state rules often live.
    if (POLICY_CALL.test(name) && call.arguments.some((argument) => ts.isStringLiteralLike(argument) && STATE_ACTION.test(argument.text))) {
      this.guards.push({ ...at(), kind: 'state-machine', evidence: `${text()} (policy for this action)`, expected: [], forbidden: [], seq, scopeEnd: Infinity });
    }
    if (QUERY_BUILDER_TERMINAL.test(name) && (isResultUsed(call) || /OrFail$/.test(name))) queryBuilderRead(this, call, frame, at(), seq, text());
    const sqlWritten = sqlWrite(this, call, frame, at(), seq);
    const access = sqlWritten ? undefined : this.classify(call, frame);
    if (access?.operation === 'write') {
      this.effects.push({ ...at(), kind: 'write', description: `writes ${access.model ?? 'data'} (${access.method})`, seq, via: frame.via, ...(access.model ? { model: access.model } : {}), method: access.method });
      objectWrite(this, call, access.method, access.model, frame, at(), seq);
      return;
    }
    if (access?.operation === 'read') {
      filteredRead(this, call, access.model, frame, at(), seq);
      return;
    }
    if (sqlWritten) return;
    // Sequelize instances, Mongoose documents, knex/drizzle chains: `order.update({ status: 'paid' })`, `.set({ status })`.
    const firstArgument = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
    const target = resolveFunction(this.input.modules, frame.fn.file, call.expression) ?? this.entityMethod(call, frame) ?? this.commandHandler(call, frame);
    // A project method we can open (`LoginCommand.create({...})`, a static factory that builds a command
    // object) is judged by its body, walked below, not by its name.
    const opened = target?.node.body !== undefined;
    if ((UPDATE_METHODS.has(name) || /^create[A-Z]?/.test(name)) && ts.isPropertyAccessExpression(skipOuterExpressions(call.expression)) && call.arguments.some((argument) => ts.isObjectLiteralExpression(skipOuterExpressions(argument)))) {
      const receiver = skipOuterExpressions((skipOuterExpressions(call.expression) as ts.PropertyAccessExpression).expression);
      const owner = receiverEntity(receiver);
      // An audit or activity trail records the step (`activityManager.create({ type: 'PLAN_UPDATED' })`); it is not the step's change.
      if (owner !== undefined && AUDIT_TRAIL_OWNER.test(owner)) return;
    }
    if (!opened && (UPDATE_METHODS.has(name) || /^create[A-Z]?/.test(name)) && ts.isPropertyAccessExpression(skipOuterExpressions(call.expression)) && call.arguments.some((argument) => ts.isObjectLiteralExpression(skipOuterExpressions(argument)))) {
      const receiver = skipOuterExpressions((skipOuterExpressions(call.expression) as ts.PropertyAccessExpression).expression);
      const owner = receiverEntity(receiver);
      const method = /^create/.test(name) ? 'create' : name;
      const touched = objectWrite(this, call, method, owner, frame, at(), seq);
      // `user.update({ password })`: a record's own update is the state change of a named step even without a status field.
      if (touched || (firstArgument && ts.isObjectLiteralExpression(firstArgument) && name !== 'set' && owner !== undefined)) {
        this.effects.push({ ...at(), kind: 'write', description: `writes ${owner ?? 'data'} (${name})`, seq, via: frame.via });
      }
    }
    // `WIKI.models.userKeys.validateToken({ kind: 'verify', token: req.params.token })`: a helper the scan
    // cannot open, named for checking the token it is handed; opened, its body would be judged instead.
    if (!target && UNRESOLVED_TOKEN_CHECK.test(name) && call.arguments.some((argument) => TOKEN_ARGUMENT.test(argument.getText(frame.fn.file.sourceFile)))) {
      this.guards.push({ ...at(), kind: 'verified-token', evidence: `${text()} (named for checking the token it is given)`, expected: [], forbidden: [], seq, scopeEnd: Infinity });
    }
    if (target && target.node.body && !this.active.has(target.node)) {
      const bindings = new Map<string, BoundValue>();
      runtimeParameters(target.node).forEach((parameter, index) => {
        const argument = call.arguments[index];
        if (argument && ts.isIdentifier(parameter.name)) bindings.set(parameter.name.text, { expression: argument, frame });
      });
      this.walkFunction(target, bindings, [...frame.via, target.name]);
    }
  }

  private classify(call: ts.CallExpression, frame: Frame): DataAccess | undefined {
    if (!this.accessOf.has(call)) this.accessOf.set(call, classifyCall(call, frame.fn.file, frame.via, this.input.modules));
    return this.accessOf.get(call);
  }

  /**
   * `order.markShipped()` on a record whose class the file imports (`Order`): the entity method,
   * where DDD-style code keeps its state checks. Found by the variable's name, since we run no type checker.
   */
  private entityMethod(call: ts.CallExpression, frame: Frame): ResolvedFunction | undefined {
    const callee = skipOuterExpressions(call.expression);
    if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression)) return undefined;
    const variable = callee.expression.text;
    const className = variable.charAt(0).toUpperCase() + variable.slice(1);
    const binding = this.input.modules.resolveName(frame.fn.file, className);
    const declaration = bindingValue(binding);
    if (!declaration || !ts.isClassDeclaration(declaration) || binding?.kind !== 'declaration') return undefined;
    const method = declaration.members.find((member): member is ts.MethodDeclaration => ts.isMethodDeclaration(member) && propertyNameText(member.name) === callee.name.text);
    const file = method && this.input.modules.fileOf(method);
    return method && file ? { file, node: method, name: `${className}.${callee.name.text}` } : undefined;
  }

  /** `verifySync(...)` imported from otplib, `jws.verify(...)`: token checks recognised by the package they come from. */
  private isPackageVerifier(callee: string, name: string, frame: Frame): boolean {
    if (!TOKEN_CHECK_FUNCTIONS.includes(name)) return false;
    const root = callee.split('.')[0] ?? '';
    const binding = this.input.modules.resolveName(frame.fn.file, root);
    return binding?.kind === 'external' && TOKEN_CHECK_PACKAGES.includes(binding.module);
  }

  private isLicenseCheck(call: ts.CallExpression, callee: string, name: string, frame: Frame): boolean {
    if (/^(?:fetch|post|request)$/.test(name) && call.arguments[0] && LICENSE_HOST.test(call.arguments[0].getText(frame.fn.file.sourceFile))) return true;
    const binding = this.input.modules.resolveName(frame.fn.file, callee.split('.')[0] ?? '');
    return binding?.kind === 'external' && (LICENSE_KEY_CHECKS.get(binding.module)?.includes(name) ?? false);
  }

  /** NestJS CQRS: `this.commandBus.execute(new ApproveCommand(id))` runs the `@CommandHandler(ApproveCommand)` class's execute. */
  private commandHandler(call: ts.CallExpression, frame: Frame): ResolvedFunction | undefined {
    const callee = skipOuterExpressions(call.expression);
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'execute') return undefined;
    // queryBus.execute(new GetQuery()) runs the @QueryHandler the same way.
    const command = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
    if (!command || !ts.isNewExpression(command) || !ts.isIdentifier(command.expression)) return undefined;
    return this.commandHandlers().get(command.expression.text);
  }

  private commandHandlers(): Map<string, ResolvedFunction> {
    const cached = commandHandlerCache.get(this.input.modules);
    if (cached) return cached;
    const handlers = new Map<string, ResolvedFunction>();
    for (const file of this.input.filesByPath.values()) {
      if (!file.text.includes('CommandHandler(') && !file.text.includes('QueryHandler(')) continue;
      for (const statement of file.sourceFile.statements) {
        if (!ts.isClassDeclaration(statement) || !statement.name) continue;
        const decorator = ts.getDecorators(statement)?.find((candidate) => ts.isCallExpression(candidate.expression) && /^(?:CommandHandler|QueryHandler)$/.test(calleeText(candidate.expression)));
        const command = decorator && ts.isCallExpression(decorator.expression) ? decorator.expression.arguments[0] : undefined;
        const execute = statement.members.find((member): member is ts.MethodDeclaration => ts.isMethodDeclaration(member) && propertyNameText(member.name) === 'execute');
        if (command && ts.isIdentifier(command) && execute) handlers.set(command.text, { file, node: execute, name: `${statement.name.text}.execute` });
      }
    }
    commandHandlerCache.set(this.input.modules, handlers);
    return handlers;
  }

  private isStateMachineCall(call: ts.CallExpression, name: string, frame: Frame): boolean {
    if (ASSERTING_NAME.test(name)) return true;
    const callee = skipOuterExpressions(call.expression);
    // An event sent to a machine checks nothing the caller sees.
    if (!ts.isPropertyAccessExpression(callee) || !STATE_MACHINE_CHECK_METHODS.includes(name) || STATE_MACHINE_EVENT_METHODS.includes(name)) return false;
    const receiver = calleeText(callee.expression);
    if (STATE_MACHINE_RECEIVER.test(receiver)) return true;
    const root = receiver.split('.')[0] ?? '';
    const binding = this.input.modules.resolveName(frame.fn.file, root);
    return binding?.kind === 'external' && isStateMachinePackage(binding.module);
  }














}



