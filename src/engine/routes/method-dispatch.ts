/**
 * One handler that serves several HTTP methods and branches on the request's method (Next.js Pages
 * API handlers, Lambda handlers behind a proxy resource, Netlify functions): which branches run for
 * which method. Shared by the route inventory (the methods a handler serves, the auth each branch
 * has) and the dataflow (a branch for another method is not part of this route's flow).
 */
import { ts } from '#typescript';
import { skipOuterExpressions } from '../ast/syntax.js';
import { HTTP_METHODS } from './route.js';

/** Methods one branch of a handler can be for ('ALL' serves every method: nothing is another's). */
export const BRANCHABLE_METHODS: ReadonlySet<string> = new Set(HTTP_METHODS.filter((method) => method !== 'ALL'));

/**
 * `req.method`, `request.method?.toUpperCase()`, a destructured `method`; a Lambda-shaped event's
 * `event.httpMethod` (Netlify's Lambda-compatible functions share this reading).
 */
export function readsMethod(expression: ts.Expression, sourceFile: ts.SourceFile): boolean {
  let value = skipOuterExpressions(expression);
  if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && /^to(?:Upper|Lower)Case$/.test(value.expression.name.text)) {
    value = skipOuterExpressions(value.expression.expression);
  }
  if (ts.isIdentifier(value)) return value.text === 'method' || value.text === 'httpMethod';
  if (ts.isPropertyAccessExpression(value)) {
    if (value.name.text === 'httpMethod') return /^(?:event|evt|e)$/.test(value.expression.getText(sourceFile));
    return value.name.text === 'method' && /^(?:req|request|r)$/.test(value.expression.getText(sourceFile));
  }
  return false;
}

/** The method a literal names (`'post'` -> `POST`), when it is one. */
function literalMethod(node: ts.Expression): string | undefined {
  const value = skipOuterExpressions(node);
  return ts.isStringLiteralLike(value) ? value.text.toUpperCase() : undefined;
}

/** `req.method === 'PUT'` (or `!==`, either side): the method and whether the test is for equality. */
function methodTest(condition: ts.Expression, sourceFile: ts.SourceFile): { method: string; equal: boolean } | undefined {
  const value = skipOuterExpressions(condition);
  if (!ts.isBinaryExpression(value)) return undefined;
  const kind = value.operatorToken.kind;
  const equal = kind === ts.SyntaxKind.EqualsEqualsEqualsToken || kind === ts.SyntaxKind.EqualsEqualsToken;
  if (!equal && kind !== ts.SyntaxKind.ExclamationEqualsEqualsToken && kind !== ts.SyntaxKind.ExclamationEqualsToken) return undefined;
  const method = readsMethod(value.left, sourceFile) ? literalMethod(value.right) : readsMethod(value.right, sourceFile) ? literalMethod(value.left) : undefined;
  return method === undefined ? undefined : { method, equal };
}

/** The methods a branch can run for: only these, or every method but these. */
type MethodSet = { only: ReadonlySet<string> } | { except: ReadonlySet<string> };

function includes(set: MethodSet, method: string): boolean {
  return 'only' in set ? set.only.has(method) : !set.except.has(method);
}

/** The methods a condition can hold for, from a method test alone or joined to others by `&&`. */
function conditionMethods(condition: ts.Expression, sourceFile: ts.SourceFile): MethodSet | undefined {
  const value = skipOuterExpressions(condition);
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) {
    return conditionMethods(value.left, sourceFile) ?? conditionMethods(value.right, sourceFile);
  }
  const test = methodTest(value, sourceFile);
  if (!test) return undefined;
  return test.equal ? { only: new Set([test.method]) } : { except: new Set([test.method]) };
}

/**
 * The statements of a handler's body that never run for `method` and that a route of another method
 * of the same handler (`siblingMethods`) does run: the branch of `if (req.method === 'PUT')` when
 * serving DELETE, the `else` of `if (req.method === 'DELETE')`, the cases of a switch on the method
 * that are not this method's (its `default` too, when a case names it). A branch no sibling route
 * runs stays with this one, so no code goes unanalysed when the inventory missed a method. Nested
 * functions are not entered: they run when called.
 */
export function otherMethodStatements(body: ts.Node, method: string, siblingMethods: ReadonlySet<string>): Set<ts.Node> {
  const skipped = new Set<ts.Node>();
  if (siblingMethods.size === 0) return skipped;
  const sourceFile = body.getSourceFile();
  const skipUnlessFor = (statement: ts.Node, methods: MethodSet) => {
    if (!includes(methods, method) && [...siblingMethods].some((sibling) => includes(methods, sibling))) skipped.add(statement);
  };
  const visit = (node: ts.Node): void => {
    if (node !== body && ts.isFunctionLike(node)) return;
    if (ts.isIfStatement(node)) {
      const then = conditionMethods(node.expression, sourceFile);
      if (then) skipUnlessFor(node.thenStatement, then);
      // The else of a plain method test runs for the other methods.
      const test = node.elseStatement && methodTest(node.expression, sourceFile);
      if (node.elseStatement && test) skipUnlessFor(node.elseStatement, test.equal ? { except: new Set([test.method]) } : { only: new Set([test.method]) });
    } else if (ts.isSwitchStatement(node) && readsMethod(node.expression, sourceFile)) {
      const clauses = node.caseBlock.clauses;
      const named = new Set(clauses.flatMap((clause) => (ts.isCaseClause(clause) ? [literalMethod(clause.expression) ?? '*'] : [])));
      if (!named.has('*')) {
        // A clause runs for the methods of the cases that fall into it (empty cases fall through).
        let falling = new Set<string>();
        let fallsFromDefault = false;
        for (const clause of clauses) {
          if (ts.isCaseClause(clause)) falling.add(literalMethod(clause.expression)!);
          else fallsFromDefault = true;
          if (clause.statements.length === 0) continue;
          const methods: MethodSet = fallsFromDefault ? { except: new Set([...named].filter((name) => !falling.has(name))) } : { only: falling };
          for (const statement of clause.statements) skipUnlessFor(statement, methods);
          falling = new Set();
          fallsFromDefault = false;
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return skipped;
}

/**
 * The text of `body` with the statements in `skipped` blanked out (same length, so positions and
 * line numbers still hold): what a text-reading check sees of one method's branch.
 */
export function textWithout(body: ts.Node, skipped: ReadonlySet<ts.Node> | undefined): string {
  const sourceFile = body.getSourceFile();
  const text = body.getText(sourceFile);
  if (!skipped || skipped.size === 0) return text;
  const start = body.getStart(sourceFile);
  let result = text;
  for (const node of skipped) {
    const from = node.getStart(sourceFile) - start;
    const to = node.end - start;
    if (from < 0 || to > text.length) continue;
    result = result.slice(0, from) + result.slice(from, to).replace(/[^\n]/g, ' ') + result.slice(to);
  }
  return result;
}
