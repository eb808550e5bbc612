/**
 * The server-side checks a route's walk meets (route-flow.ts): conditions that exit or wrap the work
 * on a record's state, expiry or replay marker, project predicates and policies for the action,
 * `switch` on the state, provider event branches and webhook signature checks.
 */
import { ts } from '#typescript';
import { exitsEarly, isVariableReference, skipOuterExpressions } from '../ast/syntax.js';
import { bindingValue, localConstInitializer, resolveFunction } from '../names/index.js';
import type { FlowLocation, RouteFact } from './flow-facts.js';
import { frameLiteral, frameLocation, isEventTypeExpression, type Frame, type FlowRecorder } from './flow-frame.js';
import { PAYMENT_LOOKUP, POLICY_PREDICATE, STATE_ACTION, TRANSITION_PREDICATE, WEBHOOK_PACKAGES } from './flow-patterns.js';
import { calleeText, conditionLiterals, enclosingClassName, guardKindOfField, isAdminCondition, runsUnconditionally, truncate } from './flow-syntax.js';

/** Reads a condition for checks on a record's state, expiry, or replay markers. */
export function conditionGuard(walker: FlowRecorder, condition: ts.Expression, frame: Frame, polarity: 'exits-when-true' | 'exits-when-false' | 'wraps', seq: number, scopeEnd: number): void {
  const evidence = truncate(condition.getText(frame.fn.file.sourceFile));
  const literals = conditionLiterals(condition, (expression) => frameLiteral(walker.modules, expression, frame));
  // Which way the check stops the flow: `if (s !== 'a') throw` lets 'a' through; `if (s === 'a') throw` stops 'a'.
  const negated = /!==|!=|!\s*\[|!\s*\(?\s*\w[\w.]*\.(?:includes|has)\(|\bnot\b/.test(evidence);
  const lets = polarity === 'exits-when-true' ? negated : !negated;
  const location = frameLocation(condition, frame);
  const seen = new Set<string>();
  const followed = new Set<ts.Node>();
  const visit = (node: ts.Node): void => {
    // A check bound to a name first reads what the name holds: `const eligible = team.plan === 'trial';
    // if (!eligible) throw`, `const active = subs.find((s) => s.status === 'active'); if (!active) return`.
    if (isVariableReference(node) && followed.size < 4) {
      const initializer = localConstInitializer(node);
      if (initializer && !followed.has(initializer) && initializer.getStart() < condition.getStart()) {
        followed.add(initializer);
        visit(initializer);
        return;
      }
    }
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
          walker.guards.push({
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
  // `if (subscriptionsList.data.length === 0)` after `stripe.subscriptions.list(...)`: the step branches on
  // the provider's own record, the state evidence a sync from the provider needs (whatever field it reads).
  if (seen.size === 0) {
    const provider = providerLookupIn(condition, frame);
    if (provider) walker.guards.push({ ...location, kind: 'payment-status', evidence, subject: provider.name, subjectSource: provider.source, expected: [], forbidden: [], seq, scopeEnd });
  }
  if (polarity !== 'wraps') {
    predicateGuards(walker, condition, frame, location, seq, scopeEnd, evidence);
    if (isAdminCondition(condition) && runsUnconditionally(condition)) walker.adminChecks.push({ ...location, evidence, seq, scopeEnd: Infinity });
    // `if (signature !== expected) return 401` after reading `x-hub-signature-256` or computing an HMAC.
    if (walker.signatureInput && /signature|\bsig\b|digest|hmac/i.test(evidence) && /[!=]==?|\(/.test(evidence)) walker.signatures.push({ ...location, evidence, seq, scopeEnd: Infinity });
  }
  // `if (existing) throw new ConflictException('already redeemed')`: a lookup that finds a previous use.
  const bare = skipOuterExpressions(condition);
  // `if (!invite) throw new NotFound()`: the record must exist for the request to go on.
  if (polarity === 'exits-when-true' && ts.isPrefixUnaryExpression(bare) && bare.operator === ts.SyntaxKind.ExclamationToken && ts.isIdentifier(skipOuterExpressions(bare.operand))) {
    const loaded = frame.loaded.get((skipOuterExpressions(bare.operand) as ts.Identifier).text);
    if (loaded?.isRead) walker.existenceChecks.push({ ...location, evidence, seq, scopeEnd, ...(loaded.model ? { model: loaded.model } : {}) });
  }
  if (polarity === 'exits-when-true' && ts.isIdentifier(bare)) {
    const loaded = frame.loaded.get(bare.text);
    if (loaded?.isRead) {
      walker.guards.push({ ...location, kind: 'replay-check', evidence, subject: bare.text, subjectSource: loaded.source, expected: [], forbidden: [], seq, scopeEnd });
    }
  }
}

/** A name the condition reads that holds what a payment provider's lookup returned (`stripe.subscriptions.list`). */
function providerLookupIn(condition: ts.Expression, frame: Frame): { name: string; source: string } | undefined {
  let found: { name: string; source: string } | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (isVariableReference(node)) {
      const loaded = frame.loaded.get(node.text);
      if (loaded && PAYMENT_LOOKUP.test(loaded.source)) found = { name: node.text, source: loaded.source };
    }
    ts.forEachChild(node, visit);
  };
  visit(condition);
  return found;
}

/** `if (event.type === 'checkout.session.completed')`, `if (req.headers['x-github-event'] !== 'push') return`. */
export function eventTypeBranch(walker: FlowRecorder, condition: ts.Expression, frame: Frame, seq: number): RouteFact | undefined {
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
  return found ? pushEventBranch(walker, condition, truncate(condition.getText(frame.fn.file.sourceFile)), frame, seq) : undefined;
}

export function pushEventBranch(walker: FlowRecorder, node: ts.Node, evidence: string, frame: Frame, seq: number): RouteFact {
  const fact: RouteFact = { ...frameLocation(node, frame), evidence, seq, scopeEnd: Infinity };
  walker.eventBranches.push(fact);
  return fact;
}

/** The package of `wh.verify(payload, headers)` when `wh = new Webhook(secret)` from svix, Octokit's webhooks, or QStash's Receiver. */
export function webhookLibrary(walker: FlowRecorder, call: ts.CallExpression, frame: Frame): string | undefined {
  const callee = skipOuterExpressions(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  let receiver = skipOuterExpressions(callee.expression);
  if (ts.isIdentifier(receiver)) {
    const initializer = localConstInitializer(receiver) ?? bindingValue(walker.modules.resolveName(frame.fn.file, receiver.text));
    if (initializer && ts.isExpression(initializer)) receiver = skipOuterExpressions(initializer);
  }
  const root = ts.isNewExpression(receiver) ? calleeText(receiver.expression) : calleeText(receiver);
  const binding = walker.modules.resolveName(frame.fn.file, root.split('.')[0] ?? '');
  return binding?.kind === 'external' && WEBHOOK_PACKAGES.test(binding.module) ? binding.module : undefined;
}

/**
 * `if (!canShip(order)) throw`, `if (!service.allowedTransition(item, 'paid')) return 409`: a project
 * predicate that reads the record's state (or is named for a transition check) decides the exit.
 */
/** Arguments that carry the request or its caller rather than the record a predicate judges. */
const REQUEST_CONTEXT = /^(?:req|request|ctx|context|res|reply|remoteUser|currentUser|user|auth|session|info|args)$/;

export function predicateGuards(walker: FlowRecorder, condition: ts.Expression, frame: Frame, location: FlowLocation, seq: number, scopeEnd: number, evidence: string): void {
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const name = calleeText(node).split('.').at(-1) ?? '';
      // `canMarkAsExpired(req, order)`: the record the predicate judges, not the request context passed first.
      const identifiers = node.arguments.map((argument) => skipOuterExpressions(argument)).filter(ts.isIdentifier);
      const subjectArgument = identifiers.find((identifier) => frame.loaded.has(identifier.text)) ?? identifiers.find((identifier) => !REQUEST_CONTEXT.test(identifier.text)) ?? identifiers[0];
      const subject = subjectArgument?.text;
      const loaded = subject ? frame.loaded.get(subject) : undefined;
      const subjectFields = subject ? { subject, ...(loaded?.isRead ? { subjectSource: loaded.source } : {}) } : {};
      if (TRANSITION_PREDICATE.test(name)) {
        walker.guards.push({ ...location, kind: 'state-machine', evidence, ...subjectFields, expected: [], forbidden: [], seq, scopeEnd });
        return;
      }
      const action = POLICY_PREDICATE.exec(name)?.[1];
      if (action && STATE_ACTION.test(action)) {
        walker.guards.push({ ...location, kind: 'state-machine', evidence: `${evidence} (policy for this action)`, ...subjectFields, expected: [], forbidden: [], seq, scopeEnd });
        return;
      }
      const target = resolveFunction(walker.modules, frame.fn.file, node.expression);
      const body = target?.node.body?.getText(target.node.getSourceFile());
      if (subject && body && body.length < 2000 && /\.(?:status|state|stage|step|phase)\b|[a-z](?:Status|State)\b/.test(body)) {
        walker.guards.push({ ...location, kind: 'state-check', evidence, ...subjectFields, expected: [], forbidden: [], seq, scopeEnd });
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(condition);
}

export function switchGuard(walker: FlowRecorder, node: ts.SwitchStatement, frame: Frame, seq: number): void {
  const subject = skipOuterExpressions(node.expression);
  if (!ts.isPropertyAccessExpression(subject) || guardKindOfField(subject.name.text) !== 'state-check') return;
  const owner = skipOuterExpressions(subject.expression);
  const subjectName = ts.isIdentifier(owner) ? owner.text : owner.kind === ts.SyntaxKind.ThisKeyword ? 'this' : undefined;
  if (!subjectName) return;
  // The cases that fall through to the work (do not exit) are the states the step accepts.
  const expected = node.caseBlock.clauses
    .filter((clause): clause is ts.CaseClause => ts.isCaseClause(clause) && !clause.statements.some((statement) => exitsEarly(statement)))
    .map((clause) => frameLiteral(walker.modules, clause.expression, frame))
    .filter((value): value is string => value !== undefined);
  const loaded = frame.loaded.get(subjectName);
  walker.guards.push({
    ...frameLocation(node, frame),
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
