import { ts } from '#typescript';
import { exitsEarly, isVariableReference, skipOuterExpressions } from '../../engine/ast/syntax.js';
import { localConstInitializer } from '../../engine/names/index.js';

// `ALLOWED_HOSTS.has(url.hostname)`, `url.origin !== API_ORIGIN`, `host.endsWith('.example.com')`.
const HOST_WORD = /\b(?:hostname|host|origin)\b/;
const COMPARISON = /\.(?:has|includes|endsWith|startsWith|some|test)\(|[!=]==?/;
// `if (!isAllowedUrl(target)) throw`: a project check whose name says what it does.
// `isValidPayPalCertUrl(url)`: a predicate named valid/safe/allowed for a URL or host, words between allowed.
const CHECK_FUNCTION = /^(?:is|assert|ensure|validate|check)?\w*(?:Allow(?:ed|listed)?|Whitelist(?:ed)?|Trusted|Permitted|SafeUrl|SafeURL|ValidUrl|ValidURL|Internal|Known)\w*$|^(?:is|assert|ensure|validate|check)(?:Valid|Safe|Allowed|Trusted)\w*(?:Url|URL|Uri|URI|Host|Origin|Domain)$/;

/**
 * Whether an early exit before `use`, in its own function, checks the host of the URL `use` is
 * built from: `if (!ALLOWED_HOSTS.has(new URL(target).hostname)) throw ...`. The check must name
 * the URL or a local derived from it (`const { hostname } = new URL(target)`).
 */
export function hostCheckedBefore(use: ts.Node, guardBody?: GuardBody): boolean {
  const related = relatedNames(use);
  if (related.size === 0) return false;
  for (let current: ts.Node = use; current.parent; current = current.parent) {
    const parent = current.parent;
    if (ts.isFunctionLike(parent) || ts.isSourceFile(parent)) return false;
    if (!ts.isBlock(parent) && !ts.isCaseClause(parent)) continue;
    for (const statement of parent.statements) {
      if (statement === current) break;
      if (ts.isIfStatement(statement) && exitsEarly(statement.thenStatement) && isHostCheck(statement.expression, related)) return true;
      if (assertsHost(statement, related, guardBody)) return true;
    }
  }
  return false;
}

// `await assertPublicUrl(target)`: named to assert the destination is public, safe or allowed, it throws
// otherwise (a DNS-resolving SSRF guard). `validate`/`is` names may return a verdict instead: not these.
const ASSERTING_HOST_CHECK = /^(?:assert|ensure|require)\w*(?:Public|Safe|Allowed|Trusted|Valid|Allowlisted|Whitelisted|External)\w*(?:Url|URL|Uri|URI|Host|Hostname|Origin|Domain|Address)$/;

/** The body of the project function a call runs, when the caller can resolve it (the rule's module index). */
export type GuardBody = (call: ts.CallExpression) => string | undefined;

// A function about the URL's destination (`validateAndResolveWebhookUrl`, `checkOutboundHost`) ...
const DESTINATION_NAME = /(?:Url|URL|Uri|URI|Host|Hostname|Origin|Domain|Address)/;
// ... whose body tests for private, loopback or internal addresses and throws: a DNS-resolving SSRF guard whatever its verb.
const INTERNAL_ADDRESS_TEST = /\b(?:is(?:Private|Internal|Loopback|Reserved|LinkLocal|Local)\w*|BLOCKED_\w*|PRIVATE_\w*)\b|\b169\.254\./;

/**
 * `await assertPublicUrl(url);`, `const [address] = await assertPublicUrl(current);`: the statement asserts the
 * URL's host, by its name, or (`const address = await validateAndResolveWebhookUrl(url)`) by a body that throws
 * when the address is private or internal.
 */
function assertsHost(statement: ts.Statement, related: Set<string>, guardBody?: GuardBody): boolean {
  let expression: ts.Expression | undefined;
  if (ts.isExpressionStatement(statement)) expression = statement.expression;
  else if (ts.isVariableStatement(statement) && statement.declarationList.declarations.length === 1) expression = statement.declarationList.declarations[0]!.initializer;
  if (!expression) return false;
  let value = skipOuterExpressions(expression);
  if (ts.isAwaitExpression(value)) value = skipOuterExpressions(value.expression);
  if (!ts.isCallExpression(value)) return false;
  const callee = skipOuterExpressions(value.expression);
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
  if (!value.arguments.some((argument) => [...identifiersIn(argument)].some((identifier) => related.has(identifier)))) return false;
  if (ASSERTING_HOST_CHECK.test(name)) return true;
  if (!guardBody || !DESTINATION_NAME.test(name)) return false;
  const body = guardBody(value);
  return body !== undefined && /\bthrow\b/.test(body) && INTERNAL_ADDRESS_TEST.test(body);
}

function isHostCheck(condition: ts.Expression, related: Set<string>): boolean {
  // `const isRelease = parsed.origin === 'https://github.com' && ...; if (!isRelease) return`: the
  // condition names checks made just before it, so their initializers are part of it.
  const parts: ts.Expression[] = [condition, ...namedChecks(condition)];
  const mentioned = new Set(parts.flatMap((part) => [...identifiersIn(part)]));
  if (![...mentioned].some((name) => related.has(name))) return false;
  if (parts.some((part) => HOST_WORD.test(part.getText()) && COMPARISON.test(part.getText()))) return true;
  let named = false;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = skipOuterExpressions(node.expression);
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
      if (CHECK_FUNCTION.test(name)) named = true;
    }
    ts.forEachChild(node, visit);
  };
  parts.forEach(visit);
  return named;
}

/** The initializers of the `const`s a condition names, declared before it. */
function namedChecks(condition: ts.Expression): ts.Expression[] {
  const found: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (isVariableReference(node)) {
      const initializer = localConstInitializer(node);
      if (initializer && initializer.getStart() < condition.getStart() && !found.includes(initializer)) found.push(initializer);
    }
    ts.forEachChild(node, visit);
  };
  visit(condition);
  return found;
}

/** Names in `use`, plus locals of its function initialised from one of them (to a fixpoint). */
export function relatedNames(use: ts.Node): Set<string> {
  const names = identifiersIn(use);
  let fn: ts.Node | undefined = use.parent;
  while (fn && !ts.isFunctionLike(fn) && !ts.isSourceFile(fn)) fn = fn.parent;
  if (!fn) return names;
  // `const x = f(url)`, and `let parsed; try { parsed = new URL(url) } catch {...}` assigned later.
  const declarations: Array<{ name: ts.Node; value: ts.Expression }> = [];
  const collect = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.initializer) declarations.push({ name: node.name, value: node.initializer });
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(node.left)) declarations.push({ name: node.left, value: node.right });
    if (node === fn || !ts.isFunctionLike(node)) ts.forEachChild(node, collect);
  };
  collect(fn);
  for (let changed = true; changed; ) {
    changed = false;
    for (const declaration of declarations) {
      // Forward only (`const { hostname } = new URL(target)`): never the request object itself.
      if (![...identifiersIn(declaration.value)].some((name) => names.has(name))) continue;
      for (const name of identifiersIn(declaration.name)) {
        if (!names.has(name)) {
          names.add(name);
          changed = true;
        }
      }
    }
  }
  return names;
}

function identifiersIn(node: ts.Node): Set<string> {
  const names = new Set<string>();
  const visit = (current: ts.Node): void => {
    if (ts.isIdentifier(current)) names.add(current.text);
    else if (ts.isPropertyAccessExpression(current)) visit(current.expression);
    else ts.forEachChild(current, visit);
  };
  visit(node);
  return names;
}
