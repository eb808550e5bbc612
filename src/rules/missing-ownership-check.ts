import { ts } from 'ts-morph';
import { nodePosition, resolveFunction } from '../engine/ast/functions.js';
import type { TaintedCall } from '../engine/dataflow/engine.js';
import { identityTaint, type Taint } from '../engine/dataflow/taint.js';
import type { Route } from '../engine/routes/route.js';
import type { RuleContext, ScannedSourceFile, TraceStep } from '../types.js';
import { defineRule } from './define-rule.js';
import { CAPABILITY_KEY, isWriteAccess, lookupAccessOf, lookupFacts, type LookupAccess } from './utils/lookup-keys.js';
import { inCodeOwnershipCheck, pathFunctions, routeObjectGuard } from './utils/ownership-evidence.js';
import { routeLabel } from './utils/tainted-sink.js';
import { nodeAtStep } from './utils/trace-nodes.js';
import { enclosingFunction } from '../engine/ast/syntax.js';

// Reference data every signed-in user may read by id: not owned by anyone.
const REFERENCE_MODEL = /^(?:products?|categor(?:y|ies)|tags?|countr(?:y|ies)|currenc(?:y|ies)|languages?|locales?|plans?|features?|regions?|cities|city|states?|timezones?|settings?|configs?|configurations?|templates?|translations?|permissions?|roles?)$/i;

// Request fields naming a kind of thing (a delivery method, a plan), not one user's record.
const REFERENCE_KEY = /(?:method|type|kind|category|plan|country|currency|language|locale|tier|template)_?id$/i;

interface Candidate {
  tainted: TaintedCall;
  lookup: LookupAccess;
  field: string;
  taint: Taint;
  accessFile: ScannedSourceFile;
  confidence: 'high' | 'medium';
  guardNote?: string;
  /** The filter's key that works as a capability (`shareToken`): whoever holds the link may access it. */
  capability?: string;
}

export default defineRule({
  meta: {
    id: 'missing-ownership-check',
    title: 'Object fetched by a client-supplied id without an ownership check',
    severity: 'high',
    confidence: 'high',
    controls: {
      soc2: ['CC6.1', 'CC6.3'],
      owaspApi: ['API1:2023'],
      cwe: ['CWE-639', 'CWE-862'],
      pciDss: ['6.2.4', '7.2.1'],
      hipaa: ['164.312(a)(1)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description:
        'Finds authenticated routes that read, change or delete a record by an identifier the client sends (path, query or body) with nothing tying the record to the signed-in user (broken object level authorization).',
      remediation:
        'Scope the lookup to the caller (e.g. where: { id, userId: req.user.id }), or compare the record\'s owner with the authenticated user and reject with 403/404 before using it, or call your policy check (CASL, casbin, authorize()) with the user and the record.',
    },
  },
  check(ctx) {
    // One finding per data access (the line missing the owner constraint), with every route that reaches it.
    const byAccess = new Map<ts.Node, Map<string, Candidate>>();
    const consider = (candidate: Candidate, path: PathEntry[], keyNames: Set<string>): void => {
      const { tainted } = candidate;
      if (inCodeOwnershipCheck(ctx, tainted, path, keyNames)) return;
      const guard = routeObjectGuard(ctx, tainted.route);
      if (guard?.strength === 'strong') return;
      if (guard) Object.assign(candidate, { confidence: 'medium', guardNote: guard.middleware.name });
      const routes = byAccess.get(candidate.lookup.node) ?? new Map<string, Candidate>();
      byAccess.set(candidate.lookup.node, routes);
      const previous = routes.get(tainted.route.id);
      if (!previous || (previous.confidence === 'medium' && candidate.confidence === 'high')) routes.set(tainted.route.id, candidate);
    };
    // Functions whose parameter reaches an unscoped lookup key: a call to one with request data in
    // that argument reaches the lookup too, from whichever route makes it (the engine records a
    // shared helper's calls once, for the first route that reaches it).
    const reach = new Map<ts.Node, ReachEntry[]>();
    const register = (fn: ts.SignatureDeclaration | undefined, index: number | undefined, entry: Omit<ReachEntry, 'index'>): boolean => {
      if (!fn || index === undefined) return false;
      const entries = reach.get(fn) ?? [];
      if (entries.some((existing) => existing.index === index && existing.lookup.node === entry.lookup.node)) return false;
      entries.push({ ...entry, index });
      reach.set(fn, entries);
      return true;
    };
    const eligible = (tainted: TaintedCall): boolean =>
      tainted.route.auth === 'authenticated' && !tainted.route.middleware.some((middleware) => middleware.kind === 'role') && !isPrivilegedPath(tainted.route.path);
    for (const tainted of ctx.dataflow.taintedCalls()) {
      const lookup = lookupAccessOf(ctx, tainted);
      if (!lookup) continue;
      if (lookup.access.model && REFERENCE_MODEL.test(lookup.access.model)) continue;
      const facts = lookupFacts(tainted, lookup);
      // A request field a route middleware overwrites from the token is the principal's own id: it scopes the lookup.
      if (facts.keys.some((candidate) => stampedFromPrincipal(ctx, tainted.route, candidate.taint.source.label))) continue;
      const key = facts.keys.find((candidate) => !CAPABILITY_KEY.test(candidate.field)) ?? facts.keys[0];
      const capability = facts.keys.find((candidate) => CAPABILITY_KEY.test(candidate.field))?.field;
      if (!key || facts.principalFields.length > 0 || facts.linksPrincipalOnly) continue;
      if (REFERENCE_KEY.test(key.taint.source.label.split('.').pop() ?? '')) continue;
      if (usedOnlyToLink(lookup.node)) continue;
      // Every key of the filter: `where: { id, teamId }` after a membership check on teamId is scoped by that parent.
      const keyNames = new Set(facts.keys.flatMap((candidate) => [...namesOf(candidate.taint.steps, candidate.expression)]));
      const inner: PathEntry[] = [{ fn: enclosingFunction(lookup.node)!, call: lookup.node }].filter((entry) => entry.fn);
      register(enclosingFunction(lookup.node), parameterIndexOf(ctx, key.taint.steps, enclosingFunction(lookup.node)), { lookup, field: key.field, inner, keyNames, accessFile: tainted.file, ...(capability ? { capability } : {}) });
      if (!eligible(tainted)) continue;
      const path = pathFunctions(ctx, tainted, key.taint.steps, lookup.node);
      consider({ tainted, lookup, field: key.field, taint: key.taint, accessFile: tainted.file, confidence: 'high', ...(capability ? { capability } : {}) }, path, keyNames);
    }
    for (let round = 0, changed = true; changed && round < 6; round++) {
      changed = false;
      for (const tainted of ctx.dataflow.taintedCalls()) {
        const callee = resolveFunction(ctx.modules, tainted.file, tainted.call.expression);
        const entries = callee && reach.get(callee.node);
        if (!entries) continue;
        for (const entry of [...entries]) {
          const taint = identityTaint(tainted.argumentOrigins[entry.index]);
          if (!taint) continue;
          const caller = enclosingFunction(tainted.call);
          const inner: PathEntry[] = [...(caller ? [{ fn: caller, call: tainted.call as ts.Node }] : []), ...entry.inner];
          // The caller's names for every request value it passes (`getProject(id, teamId)`): a parent it checked scopes the lookup.
          const passed = (tainted.call.arguments ?? []).filter((argument, index) => identityTaint(tainted.argumentOrigins[index]) !== undefined);
          const keyNames = new Set([...entry.keyNames, ...namesOf(taint.steps, tainted.call.arguments![entry.index]!), ...passed.flatMap((argument) => [...namesOf([], argument)])]);
          if (register(caller, parameterIndexOf(ctx, taint.steps, caller), { lookup: entry.lookup, field: entry.field, inner, keyNames, accessFile: entry.accessFile, ...(entry.capability ? { capability: entry.capability } : {}) })) changed = true;
          if (!eligible(tainted)) continue;
          const path = [...pathFunctions(ctx, tainted, taint.steps, tainted.call), ...inner];
          const { line, column } = nodePosition(tainted.call);
          const steps = [...taint.steps, { file: tainted.file.path, line, column, message: `passed to ${callee.name}()` }];
          consider({ tainted, lookup: entry.lookup, field: entry.field, taint: { ...taint, steps }, accessFile: entry.accessFile, confidence: 'high', ...(entry.capability ? { capability: entry.capability } : {}) }, path, keyNames);
        }
      }
    }
    for (const routes of byAccess.values()) report(ctx, [...routes.values()]);
  },
});

type PathEntry = { fn: ts.SignatureDeclaration & { body?: ts.Node }; call?: ts.Node };

interface ReachEntry {
  index: number;
  lookup: LookupAccess;
  field: string;
  inner: PathEntry[];
  keyNames: Set<string>;
  accessFile: ScannedSourceFile;
  capability?: string;
}

/**
 * Commenting on, favoriting or following an object any user may see: the record read by the
 * client's id is only linked to (a new child pushed into its collection, it pushed into the
 * caller's collection, a counter bumped) and saved, never changed, deleted or returned edited.
 * That acts on the caller's own rows; changing the object itself is not this.
 */
function usedOnlyToLink(access: ts.Node): boolean {
  let node: ts.Node = access;
  while (node.parent && (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent))) node = node.parent;
  const declaration = node.parent;
  const name = declaration && ts.isVariableDeclaration(declaration) && ts.isIdentifier(declaration.name) ? declaration.name.text : declaration && ts.isBinaryExpression(declaration) && ts.isIdentifier(declaration.left) ? declaration.left.text : undefined;
  const fn = enclosingFunction(access) as (ts.SignatureDeclaration & { body?: ts.Node }) | undefined;
  if (!name || !fn?.body) return false;
  let links = 0;
  let otherChange = false;
  const isResult = (expression: ts.Node): boolean => ts.isIdentifier(expression) && expression.text === name;
  const visit = (child: ts.Node): void => {
    if (ts.isCallExpression(child) && ts.isPropertyAccessExpression(child.expression)) {
      const method = child.expression.name.text;
      const target = child.expression.expression;
      const ownerOfTarget = ts.isPropertyAccessExpression(target) ? target.expression : undefined;
      if (method === 'push' && ownerOfTarget && isResult(ownerOfTarget)) links++; // article.comments.push(comment)
      else if (method === 'push' && child.arguments.some(isResult)) links++; // user.favorites.push(article)
      else if (method === 'splice' && ownerOfTarget && !isResult(ownerOfTarget)) links++; // user.favorites.splice(i, 1)
      else if (method === 'splice' || (/^(?:delete|remove|destroy|update|softDelete|softRemove)$/.test(method) && child.arguments.some(isResult))) otherChange = true;
      else if (ts.isIdentifier(child.expression.expression) && child.expression.expression.text === 'Object' && method === 'assign' && child.arguments[0] && isResult(child.arguments[0])) otherChange = true;
    }
    if (ts.isBinaryExpression(child) && child.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && child.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
      let left: ts.Node = child.left;
      while (ts.isPropertyAccessExpression(left) || ts.isElementAccessExpression(left)) left = left.expression;
      if (isResult(left) && child.left !== left) otherChange = true; // article.title = ...
    }
    ts.forEachChild(child, visit);
  };
  visit(fn.body);
  return links > 0 && !otherChange;
}

/**
 * `req.body.UserId` that a middleware on the route overwrites from the verified token or session
 * (`req.body.UserId = tokenMap[jwtFrom(req)].data.id`): by the time the handler reads it, it is
 * the principal's own id, not the client's choice.
 */
function stampedFromPrincipal(ctx: RuleContext, route: Route, sourceLabel: string): boolean {
  const match = /^[\w$]+\.(body|params|query)\.([\w$]+)$/.exec(sourceLabel);
  if (!match) return false;
  const [, container, field] = match;
  const assignment = new RegExp(`\\b[\\w$]+\\.${container}\\.${field!.replace(/\$/g, '\\$')}\\s*=(?!=)\\s*([^;\\n]+)`);
  for (const middleware of route.middleware) {
    const name = /([A-Za-z_$][\w$]*)\s*(?:\(|$)/.exec(middleware.name.replace(/\(.*$/, '('))?.[1];
    if (!name) continue;
    for (const body of declarationTexts(ctx, name)) {
      const right = assignment.exec(body)?.[1];
      if (right && PRINCIPAL_VALUE.test(right)) return true;
    }
  }
  return false;
}

// What a middleware assigns when it fills a field from the authenticated caller.
const PRINCIPAL_VALUE = /\.\s*(?:user|auth|session|state\s*\.\s*user)\s*\.|token|jwt|session|principal|claims|currentUser|authenticatedUser|loggedInUser/i;

const declarationTextCache = new WeakMap<readonly unknown[], Map<string, string[]>>();

/** The text of every top-level function or const named `name` in the project (memoized per scan). */
function declarationTexts(ctx: RuleContext, name: string): string[] {
  let cache = declarationTextCache.get(ctx.sourceFiles);
  if (!cache) {
    cache = new Map();
    declarationTextCache.set(ctx.sourceFiles, cache);
  }
  const cached = cache.get(name);
  if (cached) return cached;
  const texts: string[] = [];
  cache.set(name, texts);
  for (const file of ctx.sourceFiles) {
    if (!file.text.includes(name)) continue;
    for (const statement of file.sourceFile.compilerNode.statements) {
      if (ts.isFunctionDeclaration(statement) && statement.name?.text === name) texts.push(statement.getText(file.sourceFile.compilerNode));
      else if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          if (ts.isIdentifier(declaration.name) && declaration.name.text === name) texts.push(declaration.getText(file.sourceFile.compilerNode));
        }
      }
    }
  }
  return texts;
}

// Admin and internal paths act on anyone's records by design; a missing role check there is missing-authorization's.
function isPrivilegedPath(path: string): boolean {
  return path.split('/').some((segment) => /^(?:admin|admins|internal|staff|backoffice|superadmin|moderation)$/i.test(segment));
}

/** Which parameter of `fn` the value came in through: the argument position of its last `passed to` step, when that call is to `fn`. */
function parameterIndexOf(ctx: RuleContext, steps: readonly TraceStep[], fn: ts.SignatureDeclaration | undefined): number | undefined {
  if (!fn) return undefined;
  const passed = [...steps].reverse().find((step) => step.message.startsWith('passed to '));
  const node = passed && nodeAtStep(ctx, passed);
  const call = node?.parent;
  if (!node || !call || !(ts.isCallExpression(call) || ts.isNewExpression(call))) return undefined;
  const index = call.arguments?.indexOf(node as ts.Expression) ?? -1;
  if (index < 0) return undefined;
  const file = ctx.modules.fileOf(call);
  const callee = file && resolveFunction(ctx.modules, file, call.expression);
  return callee?.node === fn ? index : undefined;
}

function namesOf(steps: readonly TraceStep[], expression: ts.Node): Set<string> {
  const names = new Set<string>();
  for (const step of steps) {
    const match = /^assigned to ([\w$]+)/.exec(step.message);
    if (match?.[1]) names.add(match[1]);
  }
  collectIdentifiers(expression, names);
  return names;
}

// Routes named in a message and traced in full; the rest are counted.
const ROUTES_NAMED = 3;
const ROUTES_TRACED = 5;

/**
 * One finding at the data access: the call whose filter lacks the owner constraint, where the fix
 * goes. Each route that reaches it is a trace step followed by its request source and the calls
 * that carried the id, so the finding (and its fingerprint, which depends only on the access
 * line) stays the same when another route starts reaching the access.
 */
function report(ctx: RuleContext, candidates: Candidate[]): void {
  const sorted = [...candidates].sort((a, b) => compareRoutes(a.tainted.route, b.tainted.route));
  const first = sorted[0]!;
  const { lookup, field, accessFile } = first;
  const write = isWriteAccess(lookup);
  const access = lookup.access;
  const target = `${access.model ? `${access.model} ` : ''}(${accessApi(lookup)})`;
  const accessPosition = nodePosition(lookup.node);
  const labels = sorted.map((candidate) => routeLabel(candidate.tainted));
  const routesText =
    labels.length === 1 ? labels[0]! : `${labels.length} routes (${labels.slice(0, ROUTES_NAMED).join(', ')}${labels.length > ROUTES_NAMED ? `, and ${labels.length - ROUTES_NAMED} more` : ''})`;
  const sources = [...new Set(sorted.map((candidate) => candidate.taint.source.label))];
  const guarded = sorted.every((candidate) => candidate.guardNote);
  const guard = guarded ? ` The route's ${first.guardNote} may check it, but its code does not show a comparison with the user.` : '';
  const capability = sorted.every((candidate) => candidate.capability) ? first.capability : undefined;
  const verb = labels.length === 1 ? (write ? 'changes' : 'reads') : write ? 'change' : 'read';
  const message = capability
    ? `${routesText} ${verb} ${target} by ${sources.join(' / ')} (as ${capability}) with no ownership check. The ${capability} works as a capability: whoever holds the link can ${write ? 'change' : 'read'} the record, ` +
      `which is safe only if it is long, random and revocable (low severity for that reason; a guessable or leaked ${capability} exposes the record).`
    : `${routesText} ${verb} ${target} by ${sources.join(' / ')} (the client's choice, as ${field}) with no ownership check: ` +
      `the lookup is not scoped to the signed-in user, no owner comparison or authorization call follows it, so any authenticated user can ${write ? 'change or delete' : 'read'} another user's record.${guard}`;
  const trace: TraceStep[] = [];
  for (const candidate of sorted.slice(0, ROUTES_TRACED)) {
    const route = candidate.tainted.route;
    trace.push({ file: route.file, line: route.line, column: route.column, message: `route ${routeLabel(candidate.tainted)}` });
    trace.push(...candidate.taint.steps);
  }
  trace.push({ file: accessFile.path, line: accessPosition.line, column: accessPosition.column, message: `${write ? 'writes' : 'reads'} ${target} by ${field}, not scoped to the user` });
  const text = accessFile.text;
  const start = lookup.node.getStart();
  const lineEnd = text.indexOf('\n', start);
  const end = Math.min(lookup.node.getEnd(), lineEnd === -1 ? text.length : lineEnd);
  ctx.report({
    file: accessFile.path,
    start,
    end: text[end - 1] === '\r' ? end - 1 : end,
    message,
    severity: capability ? 'low' : write ? 'critical' : 'high',
    confidence: capability ? 'low' : guarded ? 'medium' : 'high',
    route: { method: first.tainted.route.method, path: first.tainted.route.path },
    trace,
  });
}

function compareRoutes(a: Route, b: Route): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.method.localeCompare(b.method);
}

function accessApi(lookup: LookupAccess): string {
  return lookup.access.method;
}

function collectIdentifiers(node: ts.Node, names: Set<string>): void {
  if (ts.isIdentifier(node)) names.add(node.text);
  else if (ts.isPropertyAccessExpression(node)) collectIdentifiers(node.expression, names);
  else ts.forEachChild(node, (child) => collectIdentifiers(child, names));
}
