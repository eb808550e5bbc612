/**
 * Filters a caller hands to a generic lookup already scoped to the signed-in caller: the family of
 * base services that add the caller's tenant to every query (`TenantAwareCrudService` over a
 * `CrudService`, a `ScopedRepository` over a `BaseRepository`). The base lookup spreads what it is
 * given into its filter (`where: { id, ...options.where }`); the subclass override passes
 * `this.withTenant(options)`, a helper whose result's `where` holds `tenantId: user.tenantId` with the
 * user read from the request scope (`RequestContext.currentUser()`, nestjs-cls). Read from the code,
 * the same for every route, so a lookup reached through the override is scoped whoever calls it.
 */
import { ts } from '#typescript';
import { walkDescendants } from '../ast/file-index.js';
import { propertyNameText, returnedExpressions, skipOuterExpressions } from '../ast/syntax.js';
import { localInitializer, resolveFunction, type ModuleIndex } from '../names/index.js';
import { CONTROLLER_PRINCIPAL_ACCESSOR, REQUEST_CONTEXT_PRINCIPAL_KEY, REQUEST_CONTEXT_PRINCIPAL_METHOD, REQUEST_CONTEXT_STORE } from '../../models/auth.js';
import { parameterSlot } from './call-arguments.js';

/** A parameter (or a member of one) the lookup's filter spreads: `...options.where` -> options, ['where']. */
export interface SpreadSlot {
  field: string;
  index: number;
  memberPath: string[];
}

const MAX_DEPTH = 6;
/** The caller as a request reads it where no dataflow context is at hand (`req.user.tenantId`, `session.user.id`). */
const REQUEST_PRINCIPAL = /^(?:req|request|ctx|context)\s*\??\.\s*(?:user|auth|session|currentUser)\b|^session\s*\??\.\s*user\b/;

/**
 * The parameters the lookup's filter spreads, as slots a caller fills: `findOne({ where: { id,
 * ...(options && options.where ? options.where : {}) } })` in `findOneById(id, options)` gives
 * options at ['where']. What each caller passes there joins the filter.
 */
export function filterSpreadSlots(lookup: ts.CallExpression, fn: ts.SignatureDeclaration): SpreadSlot[] {
  const slots: SpreadSlot[] = [];
  for (const argument of lookup.arguments) {
    walkDescendants(argument, (node) => {
      if (ts.isFunctionLike(node)) return false;
      if (!ts.isSpreadAssignment(node)) return undefined;
      for (const candidate of spreadCandidates(node.expression)) {
        const path: string[] = [];
        let current = candidate;
        while (ts.isPropertyAccessExpression(current)) {
          path.unshift(current.name.text);
          current = skipOuterExpressions(current.expression);
        }
        const slot = ts.isIdentifier(current) ? parameterSlot(fn, current.text) : undefined;
        if (slot && !slots.some((known) => known.index === slot.index)) slots.push({ field: `...${candidate.getText()}`, index: slot.index, memberPath: [...slot.memberPath, ...path] });
      }
      return undefined;
    });
  }
  return slots;
}

/** `options && options.where ? options.where : {}`, `options?.where ?? {}`: the values a spread may take. */
function spreadCandidates(expression: ts.Expression): ts.Expression[] {
  const value = skipOuterExpressions(expression);
  if (ts.isConditionalExpression(value)) return [...spreadCandidates(value.whenTrue), ...spreadCandidates(value.whenFalse)];
  if (ts.isBinaryExpression(value) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(value.operatorToken.kind)) return [...spreadCandidates(value.left), ...spreadCandidates(value.right)];
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) return spreadCandidates(value.right);
  return ts.isPropertyAccessExpression(value) || ts.isIdentifier(value) ? [value] : [];
}

/**
 * What scopes the filter a caller passes at `memberPath` of its argument to the signed-in caller, or
 * undefined: a field whose value is the caller's (`tenantId: RequestContext.currentTenantId()`), or a
 * project helper whose every result carries one (`this.withTenant(options)`; results that hand the
 * given options back unchanged, when there is no user, add nothing and take nothing away).
 */
export function scopedFilterArgument(modules: ModuleIndex, argument: ts.Expression | undefined, memberPath: readonly string[]): string | undefined {
  return argument ? scopedAt(modules, argument, memberPath, 0) : undefined;
}

function scopedAt(modules: ModuleIndex, expression: ts.Expression, memberPath: readonly string[], depth: number): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const value = skipOuterExpressions(expression);
  if (ts.isConditionalExpression(value)) {
    const both = [scopedAt(modules, value.whenTrue, memberPath, depth + 1), scopedAt(modules, value.whenFalse, memberPath, depth + 1)];
    return both.every(Boolean) ? both[0] : undefined;
  }
  if (ts.isIdentifier(value)) {
    const initializer = localInitializer(value);
    return initializer && (ts.isObjectLiteralExpression(initializer) || ts.isCallExpression(initializer)) ? scopedAt(modules, initializer, memberPath, depth + 1) : undefined;
  }
  if (ts.isCallExpression(value)) return scopedByHelper(modules, value, memberPath, depth);
  if (ts.isArrayLiteralExpression(value) && memberPath.length === 0) {
    const each = value.elements.map((element) => (ts.isSpreadElement(element) ? undefined : scopedAt(modules, element, memberPath, depth + 1)));
    return each.length > 0 && each.every(Boolean) ? each[0] : undefined;
  }
  if (!ts.isObjectLiteralExpression(value)) return undefined;
  if (memberPath.length > 0) {
    const [name, ...rest] = memberPath;
    // The last assignment of the member wins over the spreads before it (`{ ...options, where: scoped }`).
    const named = [...value.properties].reverse().find((property) => (ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property)) && propertyNameText(property.name) === name);
    if (named) return scopedAt(modules, ts.isPropertyAssignment(named) ? named.initializer : (named as ts.ShorthandPropertyAssignment).name, rest, depth + 1);
    for (const property of value.properties) {
      const found = ts.isSpreadAssignment(property) ? scopedAt(modules, property.expression, memberPath, depth + 1) : undefined;
      if (found) return found;
    }
    return undefined;
  }
  // The filter itself: one field pinned to the caller's value narrows it to the caller's records.
  for (const property of value.properties) {
    if (ts.isPropertyAssignment(property)) {
      const principal = principalValue(property.initializer, 0);
      if (principal) return `${propertyNameText(property.name) ?? property.name.getText()}: ${principal}`;
    } else if (ts.isShorthandPropertyAssignment(property)) {
      const principal = principalValue(property.name, 0);
      if (principal) return `${property.name.text}: ${principal}`;
    } else if (ts.isSpreadAssignment(property)) {
      const found = scopedAt(modules, property.expression, [], depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * A project helper's results, each read at `memberPath`: scoped when one is and every other hands a
 * parameter back as given. Unread (an array it builds up, another helper it calls), a helper given
 * the caller (`this.conditionsFor(user, where)`) builds the filter from them, as FilterWalker reads it.
 */
function scopedByHelper(modules: ModuleIndex, call: ts.CallExpression, memberPath: readonly string[], depth: number): string | undefined {
  const file = modules.fileOf(call);
  const target = file && resolveFunction(modules, file, call.expression);
  const name = call.expression.getText();
  const body = target?.node.body;
  if (body) {
    const parameters = new Set(target.node.parameters.flatMap((parameter) => (ts.isIdentifier(parameter.name) ? [parameter.name.text] : [])));
    let scoped: string | undefined;
    let open = false;
    for (const returned of returnedExpressions(body)) {
      const value = skipOuterExpressions(returned);
      if (ts.isIdentifier(value) && parameters.has(value.text)) continue;
      const found = scopedAt(modules, returned, memberPath, depth + 1);
      if (found) scoped ??= found;
      else open = true;
    }
    // Named by the outermost helper: the one the caller wrote.
    if (scoped && !open) return `${scoped.replace(/ \(from .*\)$/, '')} (from ${name}())`;
  }
  if (memberPath.length > 0) return undefined;
  const principal = call.arguments.map((argument) => principalValue(argument, 0)).find(Boolean);
  return principal ? `${name}() given ${principal}` : undefined;
}

/**
 * The signed-in caller (or a field of it) as a value: read from the request scope
 * (`RequestContext.currentTenantId()`, `this.cls.get('user')`), from the request (`req.user.id`), or a
 * local bound to one (`const user = RequestContext.currentUser(); ... user.tenantId`).
 */
export function principalValue(expression: ts.Expression, depth: number): string | undefined {
  if (depth > 3) return undefined;
  const value = skipOuterExpressions(expression);
  if (REQUEST_PRINCIPAL.test(value.getText()) || CONTROLLER_PRINCIPAL_ACCESSOR.test(value.getText())) return value.getText();
  let root: ts.Expression = value;
  while (ts.isPropertyAccessExpression(root) || ts.isNonNullExpression(root)) root = skipOuterExpressions(root.expression);
  if (ts.isCallExpression(root) && readsRequestScope(root)) return value.getText();
  if (ts.isIdentifier(root)) {
    const initializer = localInitializer(root);
    if (initializer && principalValue(initializer, depth + 1)) return value.getText();
  }
  return undefined;
}

/** `RequestContext.currentUser()`, `RequestContext.currentTenantId()`, `this.cls.get('user.id')`. */
function readsRequestScope(call: ts.CallExpression): boolean {
  const callee = skipOuterExpressions(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !REQUEST_CONTEXT_STORE.test(callee.expression.getText())) return false;
  if (REQUEST_CONTEXT_PRINCIPAL_METHOD.test(callee.name.text)) return true;
  const key = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
  return callee.name.text === 'get' && key !== undefined && ts.isStringLiteralLike(key) && REQUEST_CONTEXT_PRINCIPAL_KEY.test(key.text);
}
