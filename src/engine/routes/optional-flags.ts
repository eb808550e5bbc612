import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../types.js';
import { bindingValue, type ModuleIndex, type ResolvedFunction, resolveFunction, returnedFunction } from '../names/index.js';
import { guardingConditions } from '../ast/guards.js';
import { propertyNameText, skipOuterExpressions } from '../ast/syntax.js';

/**
 * Authentication middleware made by a factory with a positional flag that decides whether it turns
 * an anonymous request away: `const jwtLoose = authenticate('jwt', 'Unauthorized.', false)` where
 * the middleware throws only `if (!user && isStrict)`. With the flag false nothing rejects an
 * anonymous request, so the middleware authenticates nobody, however its body reads.
 *
 * Read as: the factory call (the expression itself, or the initializer a name or module member
 * points to) and its literal `true`/`false` arguments bound to the factory's parameters; then every
 * place the returned middleware rejects (a throw, `status(401|403)`, `sendStatus`, a redirect,
 * `next(new Error(...))`) and the conditions that must hold for it to run. An anonymous request is
 * one whose user, principal, session, payload or claims are absent. Returns the flag (`isStrict:
 * false`) when every rejection needs a condition that is false for an anonymous request with these
 * flags and at least one of those conditions reads a flag; undefined otherwise.
 */
export function anonymousPassesByFlag(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression): string | undefined {
  const made = factoryCall(modules, file, expression, 0);
  if (!made) return undefined;
  const factory = resolveFunction(modules, made.file, made.call.expression);
  const middleware = factory && returnedFunction(factory);
  if (!factory || !middleware?.node.body) return undefined;
  const flags = new Map<string, Literal>();
  factory.node.parameters.forEach((parameter, index) => {
    const argument = made.call.arguments[index] && literalOf(made.call.arguments[index]!);
    if (ts.isIdentifier(parameter.name) && argument !== undefined) flags.set(parameter.name.text, argument);
  });
  // A boolean flag must be among them: string arguments (`'jwt'`) only help read the conditions.
  if (![...flags.values()].some((flag) => typeof flag === 'boolean')) return undefined;
  const sites = rejections(middleware.node.body);
  if (sites.length === 0) return undefined;
  let flagDecides: string | undefined;
  for (const site of sites) {
    const blocking = guardingConditions(site, middleware.node).find(({ condition, negated }) => {
      const value = evaluate(condition, flags);
      return value !== undefined && value === negated;
    });
    if (!blocking) return undefined;
    flagDecides ??= [...flags.keys()].find((name) => typeof flags.get(name) === 'boolean' && mentions(blocking.condition, name));
  }
  return flagDecides && `${flagDecides}: ${String(flags.get(flagDecides))}`;
}

/** Calls that reject by throwing when the credential is missing or bad, with no rejection written in the body. */
const THROWING_VERIFICATION = /\b(?:verify|jwtVerify|decode|authenticate|getUser|getSession|requireAuth)\w*\s*\(/;

/**
 * A middleware whose every rejection needs a signed-in principal: the ban or block check
 * (`if (req.session.user && req.session.user.is_block) return res.status(403)...`) and the
 * optional lookup (`findOne({ accessToken }) ... if (!user) return next(); if (user.is_block) ...403`).
 * It turns away some signed-in users and lets every anonymous request on, so it authenticates
 * nobody. Read as anonymousPassesByFlag is, with no flags: each rejection's enclosing conditions,
 * with the user, session or token absent. A body that calls a verifier (`jwt.verify(token)`) may
 * reject by the verifier's throw, which no condition guards: not read.
 */
export function anonymousPassesEveryRejection(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression): string | undefined {
  const fn = middlewareFunction(modules, file, expression);
  const body = fn?.node.body;
  if (!fn || !body || THROWING_VERIFICATION.test(body.getText(fn.node.getSourceFile()))) return undefined;
  const sites = rejections(body);
  if (sites.length === 0) return undefined;
  let needed: ts.Expression | undefined;
  for (const site of sites) {
    const blocking = guardingConditions(site, fn.node).find(({ condition, negated }) => evaluate(condition, NO_FLAGS) === negated);
    if (!blocking) return undefined;
    needed ??= blocking.condition;
  }
  return needed && `it rejects only when ${needed.getText(fn.node.getSourceFile()).replace(/\s+/g, ' ')} holds, which needs a signed-in user`;
}

const NO_FLAGS: ReadonlyMap<string, Literal> = new Map();

type Literal = boolean | string | number;

function literalOf(expression: ts.Expression): Literal | undefined {
  const value = skipOuterExpressions(expression);
  if (value.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (value.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (ts.isStringLiteralLike(value)) return value.text;
  if (ts.isNumericLiteral(value)) return Number(value.text);
  return undefined;
}

/** A user, principal or token the middleware would have found: absent for an anonymous request. */
const PRINCIPAL_NAME = /^(?:user|currentUser|principal|account|session|payload|decoded|claims|token)$/;

function factoryCall(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression, depth: number): { call: ts.CallExpression; file: ScannedSourceFile } | undefined {
  if (depth > 4) return undefined;
  const value = skipOuterExpressions(expression);
  if (ts.isCallExpression(value)) return { call: value, file };
  let binding = ts.isIdentifier(value) ? modules.resolveName(file, value.text) : undefined;
  if (ts.isPropertyAccessExpression(value) && ts.isIdentifier(value.expression)) {
    // `auth.jwtLoose`: a member of an imported module, or of the object a CommonJS module exports.
    const owner = modules.resolveName(file, value.expression.text);
    if (owner?.kind === 'namespace') binding = modules.resolveExport(owner.file, value.name.text);
    const exported = bindingValue(owner);
    if (owner?.kind === 'declaration' && exported && ts.isObjectLiteralExpression(exported)) {
      const member = exported.properties.find((property) => property.name && propertyNameText(property.name) === value.name.text);
      if (member && ts.isShorthandPropertyAssignment(member)) binding = modules.resolveName(owner.file, member.name.text);
      if (member && ts.isPropertyAssignment(member)) return factoryCall(modules, owner.file, member.initializer, depth + 1);
    }
  }
  if (binding?.kind !== 'declaration' || !ts.isVariableDeclaration(binding.node) || !binding.node.initializer) return undefined;
  return factoryCall(modules, binding.file, binding.node.initializer, depth + 1);
}

function rejections(body: ts.Node): ts.Node[] {
  const sites: ts.Node[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isThrowStatement(node)) sites.push(node);
    else if (ts.isCallExpression(node)) {
      const callee = skipOuterExpressions(node.expression);
      const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
      const first = node.arguments[0] && skipOuterExpressions(node.arguments[0]);
      if ((name === 'status' || name === 'sendStatus') && first && ts.isNumericLiteral(first) && /^40[13]$/.test(first.text)) sites.push(node);
      else if (name === 'redirect') sites.push(node);
      // `next(new UnauthorizedError())` rejects; `next(err)` hands an error on, as any middleware does.
      else if (name === 'next' && first && ts.isNewExpression(first)) sites.push(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return sites;
}

/** true/false when the flags and an absent principal decide the condition, else undefined. */
function evaluate(expression: ts.Expression, flags: ReadonlyMap<string, Literal>): boolean | undefined {
  const value = skipOuterExpressions(expression);
  if (value.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (value.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (ts.isIdentifier(value)) {
    const flag = flags.get(value.text);
    if (flag !== undefined) return Boolean(flag);
    return PRINCIPAL_NAME.test(value.text) ? false : undefined;
  }
  // `req.user`, `ctx.state.user`: absent; `user.banned` is never reached when `user` is absent.
  if (ts.isPropertyAccessExpression(value)) return PRINCIPAL_NAME.test(value.name.text) || evaluate(value.expression, flags) === false ? false : undefined;
  if (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.ExclamationToken) {
    const inner = evaluate(value.operand, flags);
    return inner === undefined ? undefined : !inner;
  }
  if (ts.isBinaryExpression(value)) {
    const operator = value.operatorToken.kind;
    if (operator === ts.SyntaxKind.EqualsEqualsEqualsToken || operator === ts.SyntaxKind.ExclamationEqualsEqualsToken) {
      // `type === 'oidc'` with the factory's `type` argument 'jwt'.
      const [name, other] = ts.isIdentifier(value.left) ? [value.left.text, value.right] : ts.isIdentifier(value.right) ? [value.right.text, value.left] : [];
      const flag = name === undefined ? undefined : flags.get(name);
      const literal = other && literalOf(other);
      if (flag === undefined || literal === undefined) return undefined;
      return (flag === literal) === (operator === ts.SyntaxKind.EqualsEqualsEqualsToken);
    }
    const left = evaluate(value.left, flags);
    const right = evaluate(value.right, flags);
    if (value.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) return left === false || right === false ? false : left === true && right === true ? true : undefined;
    if (value.operatorToken.kind === ts.SyntaxKind.BarBarToken) return left === true || right === true ? true : left === false && right === false ? false : undefined;
  }
  return undefined;
}

function mentions(node: ts.Node, name: string): boolean {
  if (ts.isIdentifier(node) && node.text === name) return true;
  return ts.forEachChild(node, (child) => (mentions(child, name) ? true : undefined)) ?? false;
}

/** A name for a credential the request may present: `authorizationHeader`, `req.headers.authorization`, `apiKey`, `bearerToken`, `sessionCookie`. */
const PRESENTED_CREDENTIAL = /authori[sz]ation|bearer|token|api_?key|apikey|jwt|cookie|session_?id|credential/i;

/**
 * A middleware that checks credentials only when the request presents them and hands every other
 * request on: `if (authorizationHeader && isApi) { ...verify, throw on a bad token...; return next({ ctx: { user } }) }`
 * and then, at the end of its body, `return next({ ctx: { user: ctx.user ?? null } })` with nothing
 * in between that turns a request away (documenso's `maybeAuthenticatedMiddleware`, the Express
 * `optionalAuth` that sets req.user when a token comes). It authenticates nobody: an anonymous
 * request reaches the route. Read as: the body's last statement calls `next`; each statement before
 * it either is an `if` (no else) that runs only when a credential is present, or neither throws nor
 * rejects nor calls a verifier (`verifiesCaller`, the classifier's judgement of a project function).
 * Returns the presence test.
 */
export function anonymousPassesWithoutCredential(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression, verifiesCaller: (fn: ResolvedFunction) => boolean): string | undefined {
  const fn = middlewareFunction(modules, file, expression);
  const body = fn?.node.body;
  if (!fn || !body || !ts.isBlock(body) || body.statements.length < 2) return undefined;
  const sourceFile = fn.node.getSourceFile();
  const statements = body.statements;
  if (!callsNextLast(statements[statements.length - 1]!)) return undefined;
  // `const header = req.headers.authorization; if (header) ...`: a local read from a credential names one.
  const locals = new Map<string, string>();
  for (const statement of statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.initializer) locals.set(declaration.name.text, declaration.initializer.getText(sourceFile));
    }
  }
  const namesCredential = (node: ts.Node): boolean => PRESENTED_CREDENTIAL.test(node.getText(sourceFile)) || (ts.isIdentifier(node) && PRESENTED_CREDENTIAL.test(locals.get(node.text) ?? ''));
  let presence: string | undefined;
  /** Neither rejects nor verifies: an anonymous request goes through it. */
  const passive = (statement: ts.Statement): boolean => {
    if (rejections(statement).length > 0 || THROWING_VERIFICATION.test(statement.getText(sourceFile))) return false;
    let verifies = false;
    const visit = (node: ts.Node): void => {
      if (verifies || ts.isFunctionLike(node)) return;
      if (ts.isCallExpression(node)) {
        const callee = resolveFunction(modules, fn!.file, node.expression);
        if (callee && callee.node !== fn!.node && verifiesCaller(callee)) verifies = true;
      }
      ts.forEachChild(node, visit);
    };
    visit(statement);
    return !verifies;
  };
  const passes = (list: readonly ts.Statement[]): boolean => {
    for (const statement of list) {
      if (ts.isIfStatement(statement) && !statement.elseStatement && presentsCredential(statement.expression, namesCredential)) {
        presence ??= statement.expression.getText(sourceFile).replace(/\s+/g, ' ');
        continue;
      }
      // `if (userAgent) accountability.userAgent = userAgent`, `if (custom) { req.user = custom; return next(); }`:
      // an `if` that neither rejects nor verifies and ends the request only by handing it on. Any other
      // (`if (!session) return res.status(401)...`, a `return res.json(...)`) may turn anonymous requests away.
      if (ts.isIfStatement(statement)) {
        if (!passive(statement) || !onlyHandsOn(statement)) return false;
        continue;
      }
      // `try { req.user = anonymous; if (req.token) { ...verify, throw... } } catch (error) { ...; throw error; }`:
      // the catch runs only after the try block threw, which for an anonymous request it does not.
      if (ts.isTryStatement(statement) && !statement.finallyBlock) {
        if (!passes(statement.tryBlock.statements)) return false;
        continue;
      }
      if (!passive(statement)) return false;
    }
    return true;
  };
  if (!passes(statements.slice(0, -1))) return undefined;
  return presence && `it checks credentials only when the request presents them (if (${presence.length > 60 ? `${presence.slice(0, 57)}...` : presence})) and hands every other request on`;
}

/** Every `return` inside the statement hands the request on (`return next()`), or there is none. */
function onlyHandsOn(statement: ts.Statement): boolean {
  let other = false;
  const visit = (node: ts.Node): void => {
    if (other || ts.isFunctionLike(node)) return;
    if (ts.isReturnStatement(node) && !callsNextLast(node)) other = true;
    ts.forEachChild(node, visit);
  };
  visit(statement);
  return !other;
}

/** `return next(...)`, `return await opts.next(...)`, `next();`, `await next();`. */
function callsNextLast(statement: ts.Statement): boolean {
  let value = ts.isReturnStatement(statement) ? statement.expression : ts.isExpressionStatement(statement) ? statement.expression : undefined;
  if (!value) return false;
  value = skipOuterExpressions(value);
  if (ts.isAwaitExpression(value)) value = skipOuterExpressions(value.expression);
  if (!ts.isCallExpression(value)) return false;
  const callee = skipOuterExpressions(value.expression);
  return (ts.isIdentifier(callee) && callee.text === 'next') || (ts.isPropertyAccessExpression(callee) && callee.name.text === 'next');
}

/** The condition holds only when a credential is there: `token`, `authorizationHeader && isApiV2`, `req.headers.authorization`; never `!token`. */
function presentsCredential(condition: ts.Expression, namesCredential: (node: ts.Node) => boolean): boolean {
  const value = skipOuterExpressions(condition);
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) {
    return (presentsCredential(value.left, namesCredential) || presentsCredential(value.right, namesCredential)) && !negatesCredential(value, namesCredential);
  }
  if (ts.isIdentifier(value) || ts.isPropertyAccessExpression(value) || ts.isElementAccessExpression(value) || ts.isCallExpression(value)) return namesCredential(value);
  return false;
}

function negatesCredential(node: ts.Node, namesCredential: (node: ts.Node) => boolean): boolean {
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken && namesCredential(node.operand)) return true;
  return ts.forEachChild(node, (child) => (negatesCredential(child, namesCredential) ? true : undefined)) ?? false;
}

/** The function a middleware expression runs: the function it names, or the one a factory call (`auth()`) returns. */
function middlewareFunction(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression): ResolvedFunction | undefined {
  const value = skipOuterExpressions(expression);
  if (!ts.isCallExpression(value)) return resolveFunction(modules, file, value);
  const factory = resolveFunction(modules, file, value.expression);
  return factory && returnedFunction(factory);
}
