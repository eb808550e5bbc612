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
import { exitsEarly, nodePosition, propertyNameText, propertyValue, skipOuterExpressions } from '../ast/syntax.js';
import { bindingNames, bindingValue, type ModuleIndex, type ResolvedFunction, resolveFunction, returnedFunction } from '../names/index.js';
import { locateMiddleware } from '../routes/classify-middleware.js';
import type { Route, RouteMiddleware } from '../routes/route.js';
import type { TrustscanConfig } from '../config.js';
import type { ScannedSourceFile } from '../../types.js';
import type { FlowLocation, StateWrite, Effect, StateGuard, RouteFact, RouteFlow } from './flow-facts.js';
import { STATE_FIELD, EXPIRY_FIELD, LOADER, PAYMENT_LOOKUP, MONEY_CALL, MONEY_HOST, TOKEN_VERIFIERS, WRITTEN_FLAG, BALANCE_FIELD, POLICY_CALL, STATE_ACTION, POLICY_PREDICATE, SECRET_FIELD, SECRET_GENERATOR, QUERY_BUILDER_TERMINAL, TRANSITION_PREDICATE, WEBHOOK_VERIFIER, WEBHOOK_PACKAGES, QUEUE_PACKAGES, SIGNATURE_HEADER, EVENT_TYPE_PROPERTY, EVENT_HEADER, STATE_MACHINE_RECEIVER, ASSERTING_NAME, ASSERT_CALLS, UPDATE_METHODS, CREATE_METHODS } from './flow-patterns.js';
import { TOKEN_CHECK_FUNCTIONS, TOKEN_CHECK_PACKAGES } from '../../models/auth.js';
import { isStateMachinePackage, STATE_MACHINE_CHECK_METHODS, STATE_MACHINE_EVENT_METHODS } from '../../models/state-machines.js';
import { runsUnconditionally, isAdminCondition, guardKindOfField, conditionLiterals, stateRequirements, chainWhere, isResultUsed, insideCatch, isInExitingCondition, localConstInitializer, asObject, calleeText, criteriaFields, receiverEntity, enclosingClassName, truncate } from './flow-syntax.js';

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

interface BoundValue {
  expression: ts.Expression;
  frame: Frame;
}

interface Frame {
  fn: ResolvedFunction;
  bindings: Map<string, BoundValue>;
  /** Variables assigned from a call in this function: name -> the call's callee text and data-access model. */
  loaded: Map<string, { source: string; model?: string; isRead: boolean }>;
  via: string[];
}

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

class FlowWalker {
  readonly writes: StateWrite[] = [];
  readonly effects: Effect[] = [];
  readonly guards: StateGuard[] = [];
  readonly adminChecks: RouteFact[] = [];
  readonly signatures: RouteFact[] = [];
  readonly eventBranches: RouteFact[] = [];
  /** The walked code reads a signature header or computes an HMAC: a comparison of `signature` then verifies it. */
  private signatureInput = false;
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
    if (middleware.kind !== 'other' || middleware.scope !== 'route') return;
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
      const eventBranch = this.eventTypeBranch(node.expression, frame, checkSeq);
      if (thenExits || elseExits) {
        this.conditionGuard(node.expression, frame, thenExits ? 'exits-when-true' : 'exits-when-false', checkSeq, Infinity);
        this.visit(node.thenStatement, frame);
        if (node.elseStatement) this.visit(node.elseStatement, frame);
        return;
      }
      // `if (order.status === 'pending') { ...update... }`: the write only runs in the expected state.
      const wrapping = this.guards.length;
      this.conditionGuard(node.expression, frame, 'wraps', checkSeq, Infinity);
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
      if (exits) this.switchGuard(node, frame, ++this.seq);
      // `switch (event.type) { case 'checkout.session.completed': ... }`: each case runs for one provider event.
      const eventBranch = isEventTypeExpression(node.expression, frame) ? this.pushEventBranch(node, `switch (${truncate(node.expression.getText(frame.fn.file.sourceFile))})`, frame, ++this.seq) : undefined;
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
      this.assignmentWrite(node, frame);
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
    const at = (): FlowLocation => (cachedLocation ??= this.location(call, frame));
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
      this.conditionGuard(call.arguments[0], frame, 'exits-when-false', seq, Infinity);
    }
    if (TOKEN_VERIFIERS.test(callee) || this.isPackageVerifier(callee, name, frame)) {
      this.guards.push({ ...at(), kind: 'verified-token', evidence: text(), expected: [], forbidden: [], seq, scopeEnd: Infinity });
    }
    const library = name === 'verify' ? this.webhookLibrary(call, frame) : undefined;
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
    if (QUERY_BUILDER_TERMINAL.test(name) && (isResultUsed(call) || /OrFail$/.test(name))) this.queryBuilderRead(call, frame, at(), seq, text());
    const sqlWritten = this.sqlWrite(call, frame, at(), seq);
    const access = sqlWritten ? undefined : this.classify(call, frame);
    if (access?.operation === 'write') {
      this.effects.push({ ...at(), kind: 'write', description: `writes ${access.model ?? 'data'} (${access.method})`, seq, via: frame.via, ...(access.model ? { model: access.model } : {}), method: access.method });
      this.objectWrite(call, access.method, access.model, frame, at(), seq);
      return;
    }
    if (access?.operation === 'read') {
      this.filteredRead(call, access.model, frame, at(), seq);
      return;
    }
    if (sqlWritten) return;
    // Sequelize instances, Mongoose documents, knex/drizzle chains: `order.update({ status: 'paid' })`, `.set({ status })`.
    const firstArgument = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
    if ((UPDATE_METHODS.has(name) || /^create[A-Z]?/.test(name)) && ts.isPropertyAccessExpression(skipOuterExpressions(call.expression)) && call.arguments.some((argument) => ts.isObjectLiteralExpression(skipOuterExpressions(argument)))) {
      const receiver = skipOuterExpressions((skipOuterExpressions(call.expression) as ts.PropertyAccessExpression).expression);
      const owner = receiverEntity(receiver);
      const method = /^create/.test(name) ? 'create' : name;
      const touched = this.objectWrite(call, method, owner, frame, at(), seq);
      // `user.update({ password })`: a record's own update is the state change of a named step even without a status field.
      if (touched || (firstArgument && ts.isObjectLiteralExpression(firstArgument) && name !== 'set' && owner !== undefined)) {
        this.effects.push({ ...at(), kind: 'write', description: `writes ${owner ?? 'data'} (${name})`, seq, via: frame.via });
      }
    }
    const target = resolveFunction(this.input.modules, frame.fn.file, call.expression) ?? this.entityMethod(call, frame) ?? this.commandHandler(call, frame);
    if (target && target.node.body && !this.active.has(target.node)) {
      const bindings = new Map<string, BoundValue>();
      target.node.parameters.forEach((parameter, index) => {
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

  /** Reads a condition for checks on a record's state, expiry, or replay markers. */
  private conditionGuard(condition: ts.Expression, frame: Frame, polarity: 'exits-when-true' | 'exits-when-false' | 'wraps', seq: number, scopeEnd: number): void {
    const evidence = truncate(condition.getText(frame.fn.file.sourceFile));
    const literals = conditionLiterals(condition, (expression) => this.literal(expression, frame));
    // Which way the check stops the flow: `if (s !== 'a') throw` lets 'a' through; `if (s === 'a') throw` stops 'a'.
    const negated = /!==|!=|!\s*\[|!\s*\(?\s*\w[\w.]*\.(?:includes|has)\(|\bnot\b/.test(evidence);
    const lets = polarity === 'exits-when-true' ? negated : !negated;
    const location = this.location(condition, frame);
    const seen = new Set<string>();
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
        const field = ts.isPropertyAccessExpression(node) ? node.name.text : ts.isStringLiteralLike(node.argumentExpression) ? node.argumentExpression.text : undefined;
        let subject = skipOuterExpressions(node.expression);
        // `rows[0].processed_at`: the row belongs to what `rows` was loaded from.
        if (ts.isElementAccessExpression(subject)) subject = skipOuterExpressions(subject.expression);
        const subjectName = ts.isIdentifier(subject) ? subject.text : subject.kind === ts.SyntaxKind.ThisKeyword ? 'this' : ts.isPropertyAccessExpression(subject) ? subject.name.text : undefined;
        if (field && subjectName && !seen.has(`${subjectName}.${field}`)) {
          const kind = guardKindOfField(field);
          if (kind) {
            seen.add(`${subjectName}.${field}`);
            const loaded = frame.loaded.get(subjectName);
            // Only a lookup tells what was checked (`orders.findById`); a call that acts (`chargeOrder`) returns its own result.
            const source = subjectName === 'this' ? enclosingClassName(node) : loaded?.isRead ? loaded.source : undefined;
            const payment = loaded && PAYMENT_LOOKUP.test(loaded.source);
            this.guards.push({
              ...location,
              kind: payment ? 'payment-status' : kind,
              evidence,
              subject: subjectName,
              ...(source ? { subjectSource: source } : {}),
              ...(loaded?.isRead && loaded.model ? { subjectSource: `${source} (${loaded.model})` } : {}),
              field,
              expected: kind === 'state-check' && lets ? literals : [],
              forbidden: kind === 'state-check' && !lets ? literals : [],
              seq,
              scopeEnd,
            });
            return;
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(condition);
    if (polarity !== 'wraps') {
      this.predicateGuards(condition, frame, location, seq, scopeEnd, evidence);
      if (isAdminCondition(condition) && runsUnconditionally(condition)) this.adminChecks.push({ ...location, evidence, seq, scopeEnd: Infinity });
      // `if (signature !== expected) return 401` after reading `x-hub-signature-256` or computing an HMAC.
      if (this.signatureInput && /signature|\bsig\b|digest|hmac/i.test(evidence) && /[!=]==?|\(/.test(evidence)) this.signatures.push({ ...location, evidence, seq, scopeEnd: Infinity });
    }
    // `if (existing) throw new ConflictException('already redeemed')`: a lookup that finds a previous use.
    const bare = skipOuterExpressions(condition);
    // `if (!invite) throw new NotFound()`: the record must exist for the request to go on.
    if (polarity === 'exits-when-true' && ts.isPrefixUnaryExpression(bare) && bare.operator === ts.SyntaxKind.ExclamationToken && ts.isIdentifier(skipOuterExpressions(bare.operand))) {
      const loaded = frame.loaded.get((skipOuterExpressions(bare.operand) as ts.Identifier).text);
      if (loaded?.isRead) this.existenceChecks.push({ ...location, evidence, seq, scopeEnd, ...(loaded.model ? { model: loaded.model } : {}) });
    }
    if (polarity === 'exits-when-true' && ts.isIdentifier(bare)) {
      const loaded = frame.loaded.get(bare.text);
      if (loaded?.isRead) {
        this.guards.push({ ...location, kind: 'replay-check', evidence, subject: bare.text, subjectSource: loaded.source, expected: [], forbidden: [], seq, scopeEnd });
      }
    }
  }

  /**
   * The objects a spread in query criteria stands for: a local const object (`...commonWhere`) or what a
   * project helper returns (`...getPayoutEligibilityFilter({ program })`), one call deep.
   */
  private criteriaObjects(expression: ts.Expression, frame: Frame): ts.Expression[] {
    const value = skipOuterExpressions(expression);
    if (ts.isIdentifier(value)) {
      const local = localConstInitializer(value);
      return local ? [local] : [];
    }
    if (!ts.isCallExpression(value)) return [];
    const target = resolveFunction(this.input.modules, frame.fn.file, value.expression);
    const body = target?.node.body;
    if (!body) return [];
    if (!ts.isBlock(body)) return [body as ts.Expression];
    const returned: ts.Expression[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node)) return;
      if (ts.isReturnStatement(node) && node.expression) returned.push(node.expression);
      ts.forEachChild(node, visit);
    };
    body.statements.forEach(visit);
    return returned;
  }

  /** `if (event.type === 'checkout.session.completed')`, `if (req.headers['x-github-event'] !== 'push') return`. */
  private eventTypeBranch(condition: ts.Expression, frame: Frame, seq: number): RouteFact | undefined {
    let found = false;
    const visit = (node: ts.Node): void => {
      if (found) return;
      if (ts.isBinaryExpression(node) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken].includes(node.operatorToken.kind)) {
        const sides = [skipOuterExpressions(node.left), skipOuterExpressions(node.right)];
        if (sides.some((side) => isEventTypeExpression(side, frame)) && sides.some((side) => ts.isStringLiteralLike(side) || ts.isPropertyAccessExpression(side))) found = true;
      }
      ts.forEachChild(node, visit);
    };
    visit(condition);
    return found ? this.pushEventBranch(condition, truncate(condition.getText(frame.fn.file.sourceFile)), frame, seq) : undefined;
  }

  private pushEventBranch(node: ts.Node, evidence: string, frame: Frame, seq: number): RouteFact {
    const fact: RouteFact = { ...this.location(node, frame), evidence, seq, scopeEnd: Infinity };
    this.eventBranches.push(fact);
    return fact;
  }

  /** The package of `wh.verify(payload, headers)` when `wh = new Webhook(secret)` from svix, Octokit's webhooks, or QStash's Receiver. */
  private webhookLibrary(call: ts.CallExpression, frame: Frame): string | undefined {
    const callee = skipOuterExpressions(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    let receiver = skipOuterExpressions(callee.expression);
    if (ts.isIdentifier(receiver)) {
      const initializer = localConstInitializer(receiver) ?? bindingValue(this.input.modules.resolveName(frame.fn.file, receiver.text));
      if (initializer && ts.isExpression(initializer)) receiver = skipOuterExpressions(initializer);
    }
    const root = ts.isNewExpression(receiver) ? calleeText(receiver.expression) : calleeText(receiver);
    const binding = this.input.modules.resolveName(frame.fn.file, root.split('.')[0] ?? '');
    return binding?.kind === 'external' && WEBHOOK_PACKAGES.test(binding.module) ? binding.module : undefined;
  }

  /**
   * `if (!canShip(order)) throw`, `if (!service.allowedTransition(item, 'paid')) return 409`: a project
   * predicate that reads the record's state (or is named for a transition check) decides the exit.
   */
  private predicateGuards(condition: ts.Expression, frame: Frame, location: FlowLocation, seq: number, scopeEnd: number, evidence: string): void {
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const name = calleeText(node).split('.').at(-1) ?? '';
        const subjectArgument = node.arguments.map((argument) => skipOuterExpressions(argument)).find(ts.isIdentifier);
        const subject = subjectArgument?.text;
        const loaded = subject ? frame.loaded.get(subject) : undefined;
        const subjectFields = subject ? { subject, ...(loaded?.isRead ? { subjectSource: loaded.source } : {}) } : {};
        if (TRANSITION_PREDICATE.test(name)) {
          this.guards.push({ ...location, kind: 'state-machine', evidence, ...subjectFields, expected: [], forbidden: [], seq, scopeEnd });
          return;
        }
        const action = POLICY_PREDICATE.exec(name)?.[1];
        if (action && STATE_ACTION.test(action)) {
          this.guards.push({ ...location, kind: 'state-machine', evidence: `${evidence} (policy for this action)`, ...subjectFields, expected: [], forbidden: [], seq, scopeEnd });
          return;
        }
        const target = resolveFunction(this.input.modules, frame.fn.file, node.expression);
        const body = target?.node.body?.getText(target.node.getSourceFile());
        if (subject && body && body.length < 2000 && /\.(?:status|state|stage|step|phase)\b|[a-z](?:Status|State)\b/.test(body)) {
          this.guards.push({ ...location, kind: 'state-check', evidence, ...subjectFields, expected: [], forbidden: [], seq, scopeEnd });
          return;
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(condition);
  }

  private switchGuard(node: ts.SwitchStatement, frame: Frame, seq: number): void {
    const subject = skipOuterExpressions(node.expression);
    if (!ts.isPropertyAccessExpression(subject) || guardKindOfField(subject.name.text) !== 'state-check') return;
    const owner = skipOuterExpressions(subject.expression);
    const subjectName = ts.isIdentifier(owner) ? owner.text : owner.kind === ts.SyntaxKind.ThisKeyword ? 'this' : undefined;
    if (!subjectName) return;
    // The cases that fall through to the work (do not exit) are the states the step accepts.
    const expected = node.caseBlock.clauses
      .filter((clause): clause is ts.CaseClause => ts.isCaseClause(clause) && !clause.statements.some((statement) => exitsEarly(statement)))
      .map((clause) => this.literal(clause.expression, frame))
      .filter((value): value is string => value !== undefined);
    const loaded = frame.loaded.get(subjectName);
    this.guards.push({
      ...this.location(node, frame),
      kind: 'state-check',
      evidence: truncate(`switch (${subject.getText(frame.fn.file.sourceFile)})`),
      subject: subjectName,
      ...(loaded?.isRead ? { subjectSource: loaded.source } : subjectName === 'this' ? { subjectSource: enclosingClassName(node) } : {}),
      field: subject.name.text,
      expected,
      forbidden: [],
      seq,
      scopeEnd: Infinity,
    });
  }

  /** `order.status = 'shipped'`, `this.state = OrderState.Paid`. */
  private assignmentWrite(node: ts.BinaryExpression, frame: Frame): void {
    const left = skipOuterExpressions(node.left);
    if (!ts.isPropertyAccessExpression(left) || !(STATE_FIELD.test(left.name.text) || WRITTEN_FLAG.test(left.name.text))) return;
    const owner = skipOuterExpressions(left.expression);
    const ownerName = ts.isIdentifier(owner) ? owner.text : owner.kind === ts.SyntaxKind.ThisKeyword ? enclosingClassName(node) : undefined;
    if (!ownerName || /^(?:req|request|ctx|res|reply|response|context|c|this\.state)$/.test(ownerName)) return;
    // A record built in this function (`new Order()`, `{}`) gets its first state, not a transition.
    const creates = ts.isIdentifier(owner) && isFreshObject(owner.text, frame);
    const value = this.literal(node.right, frame);
    if (WRITTEN_FLAG.test(left.name.text) && value === undefined && !/^(?:Date\.now\(\)|new Date\(.*\))$/.test(node.right.getText(frame.fn.file.sourceFile))) return;
    const seq = ++this.seq;
    const loaded = ts.isIdentifier(owner) ? frame.loaded.get(owner.text) : undefined;
    this.writes.push({
      ...this.location(node, frame),
      entity: loaded?.model ?? ownerName,
      field: left.name.text,
      ...(value !== undefined ? { value } : WRITTEN_FLAG.test(left.name.text) ? { value: 'true' } : {}),
      creates,
      resultUsed: true,
      seq,
      via: frame.via,
      ...(insideCatch(node) ? { inCatch: true } : {}),
    });
  }

  /** ORM writes given objects: Prisma `{ where, data }`, Sequelize `(values, { where })`, TypeORM/Mongoose `(criteria, values)`. */
  private objectWrite(call: ts.CallExpression, method: string, model: string | undefined, frame: Frame, location: FlowLocation, seq: number): boolean {
    const objects = call.arguments.map((argument) => skipOuterExpressions(argument)).map((argument) => (ts.isObjectLiteralExpression(argument) ? argument : undefined));
    let values: ts.ObjectLiteralExpression | undefined;
    let criteria: ts.Expression | undefined;
    const first = objects[0];
    const firstData = first && propertyValue(first, 'data');
    if (first && firstData) {
      values = asObject(firstData);
      criteria = propertyValue(first, 'where');
    } else if (objects[1] && propertyValue(objects[1], 'where')) {
      values = first;
      criteria = propertyValue(objects[1], 'where');
    } else if (call.arguments.length >= 2 && !CREATE_METHODS.has(method) && method !== 'save') {
      criteria = call.arguments[0];
      values = objects[1];
    } else {
      values = first;
    }
    if (values) {
      const set = propertyValue(values, '$set');
      if (set && asObject(set)) values = asObject(set);
    }
    // knex/drizzle chains: `.where({ id, status: 'pending' }).update({ status: 'paid' })`, `.set({...}).where(...)`.
    const chainCriteria = chainWhere(call);
    const creates = CREATE_METHODS.has(method);
    const expand = (expression: ts.Expression): ts.Expression[] => this.criteriaObjects(expression, frame);
    const required = [...stateRequirements(criteria, (e) => this.literal(e, frame), expand), ...chainCriteria.flatMap((c) => stateRequirements(c, (e) => this.literal(e, frame), expand))];
    let touched = false;
    for (const property of values?.properties ?? []) {
      const field = ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property) ? propertyNameText(property.name) : undefined;
      if (!field) continue;
      const valueExpression = ts.isPropertyAssignment(property) ? property.initializer : (property as ts.ShorthandPropertyAssignment).name;
      const generated = skipOuterExpressions(valueExpression);
      if (SECRET_FIELD.test(field) && ts.isCallExpression(generated) && SECRET_GENERATOR.test(calleeText(generated))) this.issuedSecrets.push(location);
      if (BALANCE_FIELD.test(field) && (method === 'increment' || method === 'decrement' || /\b(?:increment|decrement)\b|-/.test(valueExpression.getText(frame.fn.file.sourceFile)))) {
        this.effects.push({ ...location, kind: 'money', description: `changes ${model ?? 'a'} ${field}`, seq, via: frame.via });
      }
      if (!STATE_FIELD.test(field) && !WRITTEN_FLAG.test(field)) continue;
      const value = this.literal(valueExpression, frame);
      // A flag set to a computed value (`isPaid: paid`) says nothing about the flow's direction.
      if (WRITTEN_FLAG.test(field) && value === undefined) continue;
      touched = true;
      this.writes.push({
        ...location,
        ...(model ? { entity: model } : {}),
        field,
        ...(value !== undefined ? { value } : {}),
        creates,
        ...(required.length > 0 ? { requires: required } : {}),
        resultUsed: isResultUsed(call),
        seq,
        via: frame.via,
        ...(insideCatch(call) ? { inCatch: true } : {}),
      });
    }
    return touched;
  }

  /**
   * TypeORM query builders: `query.where(qb => qb.andWhere({ status: IsNull(), expiredAt: MoreThanOrEqual(new Date()) }))`
   * then `query.getOneOrFail()`. The criteria are every where-call object in the function; the record is the service's entity.
   */
  private queryBuilderRead(call: ts.CallExpression, frame: Frame, location: FlowLocation, seq: number, evidence: string): void {
    const criteria: ts.Expression[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && /^(?:where|andWhere)$/.test(calleeText(node).split('.').at(-1) ?? '')) {
        for (const argument of node.arguments) if (ts.isObjectLiteralExpression(skipOuterExpressions(argument))) criteria.push(argument);
      }
      ts.forEachChild(node, visit);
    };
    if (frame.fn.node.body) visit(frame.fn.node.body);
    const subject = enclosingClassName(call)?.replace(/(?:Service|Repository|Repo|Store|Dao)$/, '');
    const subjectFields = subject ? { subject, subjectSource: subject } : {};
    if (criteria.some((item) => criteriaFields(item).some((field) => EXPIRY_FIELD.test(field)))) {
      this.guards.push({ ...location, kind: 'verified-token', evidence, ...subjectFields, expected: [], forbidden: [], seq, scopeEnd: Infinity });
    }
    const required = criteria.flatMap((item) => stateRequirements(item, (e) => this.literal(e, frame)));
    if (required.length > 0) this.guards.push({ ...location, kind: 'conditional-update', evidence, ...subjectFields, expected: required, forbidden: [], seq, scopeEnd: Infinity });
  }

  /** `prisma.order.findFirst({ where: { id, status: 'PENDING' } })` then `if (!order) throw`: the read itself checks the state. */
  private filteredRead(call: ts.CallExpression, model: string | undefined, frame: Frame, location: FlowLocation, seq: number): void {
    const argument = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
    let criteria = argument && ts.isObjectLiteralExpression(argument) ? (propertyValue(argument, 'where') ?? argument) : undefined;
    // `const where = { code, codeExpireAt: MoreThanOrEqual(new Date()) }; findOne({ where })`
    if (criteria && ts.isIdentifier(criteria)) criteria = localConstInitializer(criteria) ?? criteria;
    if (!isResultUsed(call) && !/Or(?:Fail|Throw)$/.test(calleeText(call))) return;
    const evidence = truncate(call.getText(frame.fn.file.sourceFile));
    if (criteria && criteriaFields(criteria).some((field) => EXPIRY_FIELD.test(field))) {
      this.guards.push({ ...location, kind: 'verified-token', evidence, ...(model ? { subject: model, subjectSource: model } : {}), expected: [], forbidden: [], seq, scopeEnd: Infinity });
    }
    const required = stateRequirements(criteria, (e) => this.literal(e, frame), (expression) => this.criteriaObjects(expression, frame));
    if (required.length === 0) return;
    this.guards.push({ ...location, kind: 'conditional-update', evidence, ...(model ? { subject: model, subjectSource: model } : {}), expected: required, forbidden: [], seq, scopeEnd: Infinity });
  }

  /** Raw SQL `UPDATE orders SET status = $2 ... WHERE id = $1 AND status = 'pending'`, values from the parameter array. */
  private sqlWrite(call: ts.CallExpression, frame: Frame, location: FlowLocation, seq: number): boolean {
    const first = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
    if (!first || !(ts.isStringLiteralLike(first) || ts.isTemplateExpression(first))) return false;
    const sql = ts.isTemplateExpression(first)
      ? first.head.text + first.templateSpans.map((span, index) => `\${${index}}${span.literal.text}`).join('')
      : first.text;
    const update = /^\s*UPDATE\s+["`]?([\w.]+)["`]?(?:\s+(?:AS\s+)?\w+)?\s+SET\s+([\s\S]*?)(?:\s+WHERE\s+([\s\S]*?))?(?:\s+RETURNING\b[\s\S]*)?;?\s*$/i.exec(sql);
    const insert = update ? undefined : /^\s*INSERT\s+INTO\s+["`]?([\w.]+)["`]?/i.exec(sql);
    if (!update && !insert) return false;
    const table = (update ?? insert)![1]!.split('.').at(-1)!;
    this.effects.push({ ...location, kind: 'write', description: `writes ${table} (SQL ${update ? 'UPDATE' : 'INSERT'})`, seq, via: frame.via });
    if (!update) return true;
    const parameters = call.arguments[1] && skipOuterExpressions(call.arguments[1]);
    const placeholders = [...sql.matchAll(/\$(\d+)|\?|\$\{(\d+)\}/g)];
    const valueOf = (token: string, offset: number): string | undefined => {
      const trimmed = token.trim();
      const quoted = /^'([^']*)'$/.exec(trimmed);
      if (quoted) return quoted[1];
      const numbered = /^\$(\d+)$/.exec(trimmed);
      const templated = /^\$\{(\d+)\}$/.exec(trimmed);
      let expression: ts.Expression | undefined;
      if (templated && ts.isTemplateExpression(first)) expression = first.templateSpans[Number(templated[1])]?.expression;
      else if (parameters && ts.isArrayLiteralExpression(parameters)) {
        const index = numbered ? Number(numbered[1]) - 1 : trimmed === '?' ? placeholders.findIndex((match) => match.index === offset) : -1;
        expression = index >= 0 ? parameters.elements[index] : undefined;
      }
      return expression ? this.literal(expression, frame) : undefined;
    };
    const setClause = update![2]!;
    if (/\b\w*(?:balance|credits?|funds)\w*\s*=\s*\w+\s*[-+]/i.test(setClause)) {
      this.effects.push({ ...location, kind: 'money', description: `changes ${table} balance (SQL)`, seq, via: frame.via });
    }
    const setStart = sql.indexOf(setClause);
    const required: string[] = [];
    const where = update![3];
    if (where) {
      const whereStart = sql.lastIndexOf(where);
      for (const match of where.matchAll(/\b(\w+)\s*(?:=|IN)\s*(\([^)]*\)|'[^']*'|\$\d+|\?|\$\{\d+\})/gi)) {
        if (!STATE_FIELD.test(match[1]!)) continue;
        const list = match[2]!.startsWith('(') ? match[2]!.slice(1, -1).split(',') : [match[2]!];
        for (const item of list) {
          const value = valueOf(item, whereStart + match.index! + match[0].indexOf(item.trim()));
          if (value !== undefined) required.push(value);
        }
      }
    }
    for (const match of setClause.matchAll(/\b(\w+)\s*=\s*('[^']*'|\$\d+|\?|\$\{\d+\}|[^,]+)/g)) {
      if (!STATE_FIELD.test(match[1]!)) continue;
      const value = valueOf(match[2]!, setStart + match.index! + match[0].indexOf(match[2]!));
      this.writes.push({
        ...location,
        entity: table,
        field: match[1]!,
        ...(value !== undefined ? { value } : {}),
        creates: false,
        ...(required.length > 0 ? { requires: required } : {}),
        resultUsed: isResultUsed(call),
        seq,
        via: frame.via,
        ...(insideCatch(call) ? { inCatch: true } : {}),
      });
    }
    return true;
  }

  /** The string a value expression holds when the code decides it: literal, enum member, const, or a caller's literal. */
  private literal(expression: ts.Expression, frame: Frame, depth = 0): string | undefined {
    if (depth > 6) return undefined;
    const value = skipOuterExpressions(expression);
    if (ts.isStringLiteralLike(value)) return value.text;
    if (value.kind === ts.SyntaxKind.TrueKeyword) return 'true';
    if (value.kind === ts.SyntaxKind.FalseKeyword) return 'false';
    if (value.kind === ts.SyntaxKind.NullKeyword || (ts.isCallExpression(value) && calleeText(value) === 'IsNull')) return 'null';
    if (ts.isPropertyAccessExpression(value) && ts.isIdentifier(value.expression) && /^[A-Z]/.test(value.expression.text)) {
      // OrderStatus.Paid: the enum member's string value when declared in the project, else its name.
      const binding = this.input.modules.resolveName(frame.fn.file, value.expression.text);
      const declaration = bindingValue(binding);
      if (declaration && ts.isEnumDeclaration(declaration)) {
        const member = declaration.members.find((candidate) => propertyNameText(candidate.name) === value.name.text);
        if (member?.initializer && ts.isStringLiteralLike(member.initializer)) return member.initializer.text;
      }
      return value.name.text;
    }
    if (ts.isIdentifier(value)) {
      const bound = frame.bindings.get(value.text);
      if (bound) return this.literal(bound.expression, bound.frame, depth + 1);
      const declaration = bindingValue(this.input.modules.resolveName(frame.fn.file, value.text));
      if (declaration && ts.isStringLiteralLike(declaration)) return declaration.text;
      const local = localConstInitializer(value);
      if (local) return this.literal(local, frame, depth + 1);
    }
    return undefined;
  }

  private location(node: ts.Node, frame: Frame): FlowLocation {
    const { line, column } = nodePosition(node);
    return { file: frame.fn.file.path, line, column };
  }
}

/** `event.type`, `payload.action`, `req.headers['x-github-event']`, `headers.get('x-github-event')`, or a variable holding one. */
function isEventTypeExpression(expression: ts.Expression, frame: Frame, depth = 0): boolean {
  const value = skipOuterExpressions(expression);
  if (ts.isPropertyAccessExpression(value)) return EVENT_TYPE_PROPERTY.test(value.name.text);
  if (ts.isElementAccessExpression(value)) return ts.isStringLiteralLike(value.argumentExpression) && (EVENT_HEADER.test(value.argumentExpression.text) || EVENT_TYPE_PROPERTY.test(value.argumentExpression.text));
  if (ts.isCallExpression(value)) return value.arguments.some((argument) => ts.isStringLiteralLike(argument) && EVENT_HEADER.test(argument.text));
  if (ts.isIdentifier(value) && depth < 2) {
    if (/^(?:eventType|event_type|eventName|event_name|topic)$/.test(value.text)) return true;
    const bound = frame.bindings.get(value.text);
    const initial = bound?.expression ?? localConstInitializer(value);
    if (initial) return isEventTypeExpression(initial, bound?.frame ?? frame, depth + 1);
    // `const { type } = event`
    if (EVENT_TYPE_PROPERTY.test(value.text) && value.text !== 'event' && value.text !== 'action') return true;
  }
  return false;
}

function isFreshObject(name: string, frame: Frame): boolean {
  let fresh = false;
  const visit = (node: ts.Node): void => {
    if (fresh) return;
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name && node.initializer) {
      // `const log = action ? buildAuditLogBaseObject(action) : undefined`: either branch may build it.
      const values = [skipOuterExpressions(node.initializer)].flatMap((value) => (ts.isConditionalExpression(value) ? [skipOuterExpressions(value.whenTrue), skipOuterExpressions(value.whenFalse)] : [value]));
      fresh = values.some((value) => {
        const access = ts.isCallExpression(value) ? calleeText(value) : '';
        // A value the code builds (`new Order()`, `{}`, `Order.create()`, `buildAuditLog()`, `makeEvent()`) is not a stored record.
        return ts.isNewExpression(value) || ts.isObjectLiteralExpression(value) || /\.(?:create|build)$/.test(access) || /^(?:build|make|construct|compose)(?:[A-Z]\w*)?$/.test(access.split('.').at(-1) ?? '');
      });
      return;
    }
    ts.forEachChild(node, visit);
  };
  if (frame.fn.node.body) visit(frame.fn.node.body);
  return fresh;
}

