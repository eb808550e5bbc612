import { ts } from '#typescript';
import { exitsEarly, skipOuterExpressions } from '../../engine/ast/syntax.js';

// `ALLOWED_HOSTS.has(url.hostname)`, `url.origin !== API_ORIGIN`, `host.endsWith('.example.com')`.
const HOST_WORD = /\b(?:hostname|host|origin)\b/;
const COMPARISON = /\.(?:has|includes|endsWith|startsWith|some|test)\(|[!=]==?/;
// `if (!isAllowedUrl(target)) throw`: a project check whose name says what it does.
const CHECK_FUNCTION = /^(?:is|assert|ensure|validate|check)?\w*(?:Allow(?:ed|listed)?|Whitelist(?:ed)?|Trusted|Permitted|SafeUrl|SafeURL|ValidUrl|ValidURL|Internal|Known)\w*$/;

/**
 * Whether an early exit before `use`, in its own function, checks the host of the URL `use` is
 * built from: `if (!ALLOWED_HOSTS.has(new URL(target).hostname)) throw ...`. The check must name
 * the URL or a local derived from it (`const { hostname } = new URL(target)`).
 */
export function hostCheckedBefore(use: ts.Node): boolean {
  const related = relatedNames(use);
  if (related.size === 0) return false;
  for (let current: ts.Node = use; current.parent; current = current.parent) {
    const parent = current.parent;
    if (ts.isFunctionLike(parent) || ts.isSourceFile(parent)) return false;
    if (!ts.isBlock(parent) && !ts.isCaseClause(parent)) continue;
    for (const statement of parent.statements) {
      if (statement === current) break;
      if (ts.isIfStatement(statement) && exitsEarly(statement.thenStatement) && isHostCheck(statement.expression, related)) return true;
    }
  }
  return false;
}

function isHostCheck(condition: ts.Expression, related: Set<string>): boolean {
  const mentioned = identifiersIn(condition);
  if (![...mentioned].some((name) => related.has(name))) return false;
  const text = condition.getText();
  if (HOST_WORD.test(text) && COMPARISON.test(text)) return true;
  let named = false;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = skipOuterExpressions(node.expression);
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
      if (CHECK_FUNCTION.test(name)) named = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(condition);
  return named;
}

/** Names in `use`, plus locals of its function initialised from one of them (to a fixpoint). */
export function relatedNames(use: ts.Node): Set<string> {
  const names = identifiersIn(use);
  let fn: ts.Node | undefined = use.parent;
  while (fn && !ts.isFunctionLike(fn) && !ts.isSourceFile(fn)) fn = fn.parent;
  if (!fn) return names;
  const declarations: ts.VariableDeclaration[] = [];
  const collect = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.initializer) declarations.push(node);
    if (node === fn || !ts.isFunctionLike(node)) ts.forEachChild(node, collect);
  };
  collect(fn);
  for (let changed = true; changed; ) {
    changed = false;
    for (const declaration of declarations) {
      // Forward only (`const { hostname } = new URL(target)`): never the request object itself.
      if (![...identifiersIn(declaration.initializer!)].some((name) => names.has(name))) continue;
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
