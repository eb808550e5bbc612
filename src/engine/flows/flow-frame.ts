/**
 * The walk's view of one function (route-flow.ts): what its parameters are bound to, what it loaded,
 * and the questions the guard and write recognisers ask about values in it (the literal a value
 * holds, a fact's location, what a spread in query criteria stands for). Also the interface through
 * which those recognisers record facts (FlowRecorder, implemented by route-flow.ts's walker).
 */
import { ts } from '#typescript';
import { nodePosition, propertyNameText, returnedExpressions, skipOuterExpressions } from '../ast/syntax.js';
import { bindingValue, localConstInitializer, resolveFunction, type ModuleIndex, type ResolvedFunction } from '../names/index.js';
import type { Effect, FlowLocation, RouteFact, StateGuard, StateWrite } from './flow-facts.js';
import { EVENT_HEADER, EVENT_TYPE_PROPERTY } from './flow-patterns.js';
import { calleeText } from './flow-syntax.js';

/** Where the recognisers (state-guards.ts, state-writes.ts) put what they find, in execution order. */
export interface FlowRecorder {
  readonly modules: ModuleIndex;
  readonly writes: StateWrite[];
  readonly effects: Effect[];
  readonly guards: StateGuard[];
  readonly adminChecks: RouteFact[];
  readonly signatures: RouteFact[];
  readonly eventBranches: RouteFact[];
  readonly issuedSecrets: FlowLocation[];
  readonly existenceChecks: Array<RouteFact & { model?: string }>;
  /** The walked code reads a signature header or computes an HMAC: a comparison of `signature` then verifies it. */
  readonly signatureInput: boolean;
  /** The next event's sequence number: "checked first" means a smaller one. */
  nextSeq(): number;
}

export interface BoundValue {
  expression: ts.Expression;
  frame: Frame;
}

export interface Frame {
  fn: ResolvedFunction;
  bindings: Map<string, BoundValue>;
  /** Variables assigned from a call in this function: name -> the call's callee text and data-access model. */
  loaded: Map<string, { source: string; model?: string; isRead: boolean }>;
  via: string[];
}

/** The string a value expression holds when the code decides it: literal, enum member, const, or a caller's literal. */
export function frameLiteral(modules: ModuleIndex, expression: ts.Expression, frame: Frame, depth = 0): string | undefined {
  if (depth > 6) return undefined;
  const value = skipOuterExpressions(expression);
  if (ts.isStringLiteralLike(value)) return value.text;
  if (value.kind === ts.SyntaxKind.TrueKeyword) return 'true';
  if (value.kind === ts.SyntaxKind.FalseKeyword) return 'false';
  if (value.kind === ts.SyntaxKind.NullKeyword || (ts.isCallExpression(value) && calleeText(value) === 'IsNull')) return 'null';
  if (ts.isPropertyAccessExpression(value) && ts.isIdentifier(value.expression) && /^[A-Z]/.test(value.expression.text)) {
    // OrderStatus.Paid: the enum member's string value when declared in the project, else its name.
    const binding = modules.resolveName(frame.fn.file, value.expression.text);
    const declaration = bindingValue(binding);
    if (declaration && ts.isEnumDeclaration(declaration)) {
      const member = declaration.members.find((candidate) => propertyNameText(candidate.name) === value.name.text);
      if (member?.initializer && ts.isStringLiteralLike(member.initializer)) return member.initializer.text;
    }
    return value.name.text;
  }
  if (ts.isIdentifier(value)) {
    const bound = frame.bindings.get(value.text);
    if (bound) return frameLiteral(modules, bound.expression, bound.frame, depth + 1);
    const declaration = bindingValue(modules.resolveName(frame.fn.file, value.text));
    if (declaration && ts.isStringLiteralLike(declaration)) return declaration.text;
    const local = localConstInitializer(value);
    if (local) return frameLiteral(modules, local, frame, depth + 1);
  }
  return undefined;
}

export function frameLocation(node: ts.Node, frame: Frame): FlowLocation {
  const { line, column } = nodePosition(node);
  return { file: frame.fn.file.path, line, column };
}

/**
 * The objects a spread in query criteria stands for: a local const object (`...commonWhere`) or what a
 * project helper returns (`...getPayoutEligibilityFilter({ program })`), one call deep.
 */
export function criteriaObjects(modules: ModuleIndex, expression: ts.Expression, frame: Frame): ts.Expression[] {
  const value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value)) {
    const local = localConstInitializer(value);
    return local ? [local] : [];
  }
  if (!ts.isCallExpression(value)) return [];
  const target = resolveFunction(modules, frame.fn.file, value.expression);
  const body = target?.node.body;
  return body ? returnedExpressions(body) : [];
}

/** `event.type`, `payload.action`, `req.headers['x-github-event']`, `headers.get('x-github-event')`, or a variable holding one. */
export function isEventTypeExpression(expression: ts.Expression, frame: Frame, depth = 0): boolean {
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

export function isFreshObject(name: string, frame: Frame, depth = 0, modules?: ModuleIndex): boolean {
  // A parameter holds what the caller passed: `addAuthMethod(user)` right after `const user = new User()`.
  const bound = frame.bindings.get(name);
  if (bound && depth < 4) {
    const passed = skipOuterExpressions(bound.expression);
    if (ts.isNewExpression(passed) || ts.isObjectLiteralExpression(passed)) return true;
    if (ts.isIdentifier(passed)) return isFreshObject(passed.text, bound.frame ?? frame, depth + 1, modules);
  }
  return builtInFunction(name, frame.fn, depth, modules);
}

/** Whether the function's own declaration of `name` builds the value (not a parameter's: the caller's binding decides that). */
function builtInFunction(name: string, fn: ResolvedFunction, depth: number, modules: ModuleIndex | undefined): boolean {
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
    // `const { revision } = await prepareFeatureRevision(...)` (or through a local): the property of what a
    // project function returns, an object it builds there (`const revision = { ..., status: 'draft' }`).
    if (modules && depth < 4 && ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer) {
      const element = node.name.elements.find((candidate) => !candidate.dotDotDotToken && ts.isIdentifier(candidate.name) && candidate.name.text === name);
      if (element) {
        const property = element.propertyName ? propertyNameText(element.propertyName) : name;
        fresh = property !== undefined && returnsBuiltProperty(node.initializer, property, fn, depth, modules);
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  if (fn.node.body) visit(fn.node.body);
  return fresh;
}

/** Whether `expression` (a call to a project function, awaited or held in a local) returns an object whose `property` that function builds. */
function returnsBuiltProperty(expression: ts.Expression, property: string, fn: ResolvedFunction, depth: number, modules: ModuleIndex): boolean {
  let value = skipOuterExpressions(expression);
  if (ts.isAwaitExpression(value)) value = skipOuterExpressions(value.expression);
  if (ts.isIdentifier(value)) {
    const initializer = localConstInitializer(value);
    return initializer !== undefined && returnsBuiltProperty(initializer, property, fn, depth + 1, modules);
  }
  if (!ts.isCallExpression(value)) return false;
  const callee = resolveFunction(modules, fn.file, value.expression);
  if (!callee?.node.body || !ts.isBlock(callee.node.body)) return false;
  const returned: ts.Expression[] = [];
  const collect = (node: ts.Node): void => {
    if (ts.isReturnStatement(node) && node.expression) returned.push(skipOuterExpressions(node.expression));
    else if (!ts.isFunctionLike(node)) ts.forEachChild(node, collect);
  };
  collect(callee.node.body);
  return returned.length > 0 && returned.every((result) => {
    if (!ts.isObjectLiteralExpression(result)) return false;
    const entry = result.properties.find((candidate) => (ts.isShorthandPropertyAssignment(candidate) || ts.isPropertyAssignment(candidate)) && propertyNameText(candidate.name) === property);
    if (!entry) return false;
    const held = ts.isShorthandPropertyAssignment(entry) ? entry.name : skipOuterExpressions((entry as ts.PropertyAssignment).initializer);
    if (ts.isObjectLiteralExpression(held) || ts.isNewExpression(held)) return true;
    return ts.isIdentifier(held) && builtInFunction(held.text, callee, depth + 1, modules);
  });
}
