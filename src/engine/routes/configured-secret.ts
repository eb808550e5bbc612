/**
 * A secret the server holds (in its environment, its configuration service, or a field of the class
 * that checks it), and code that compares a request's value with it: a cron job's `x-cron-secret`,
 * a webhook's shared token, an internal API key. The caller proven this way is a service holding the
 * secret, not a user.
 * A leaf module: the middleware classifier, the in-handler evidence and the public-by-design reasons all ask it.
 */
import { ts } from '#typescript';
import { exitsEarly, skipOuterExpressions } from '../ast/syntax.js';
import { bindingNames } from '../names/index.js';

/**
 * A shared secret the sender echoes (Microsoft Graph clientState, a verification token) compared with configuration:
 * `process.env.CRON_SECRET`, `env['CRON_SECRET']`, or a getter of the environment (`getEnvVariable('CRON_SECRET')`,
 * `getEnv('X_TOKEN')`, AdonisJS `Env.get('APP_SECRET')`, `Deno.env.get('CRON_SECRET')`).
 */
export const CONFIGURED_SECRET =
  /\benv\s*\.\s*[A-Z0-9_]*(?:SECRET|TOKEN|CLIENT_STATE|API_KEY)\b|\benv\s*\[\s*['"`][A-Z0-9_]*(?:SECRET|TOKEN|CLIENT_STATE|API_KEY)['"`]\s*\]|\b(?:get|read|require)?[Ee]nv(?:ironment)?(?:Var(?:iable)?)?(?:OrThrow)?\s*(?:\.\s*get\s*)?\(\s*['"`][A-Z0-9_]*(?:SECRET|TOKEN|CLIENT_STATE|API_KEY)['"`]/;

/** A configuration key named for a secret: `CRON_SECRET_KEY`, `FEATURE_NOTIFICATION_TOKEN`, `stripe.webhookSecret`, `internal-api-key`. */
const SECRET_KEY_NAME = /(?:secret(?:[_-]?key)?|token|api[_-]?key|client[_-]?state)$/i;
/**
 * A configuration service's getter asked for a secret-named key: NestJS `configService.get<string>('CRON_SECRET')`,
 * `config.getOrThrow(Env.STIGG_WEBHOOKS_SECRET)`, node-config `config.get('webhook.secret')`. The key is the
 * group captured: a string or a constant's name (`Env.CRON_SECRET_KEY`).
 */
const CONFIG_GETTER = /\b[\w$]*(?:config|settings)(?:Service)?\s*(?:\?\.|\.)\s*(?:get|getOrThrow|getString)\s*(?:<[^>()]*>)?\s*\(\s*(?:['"`]([\w.-]+)['"`]|(?:[\w$]+\.)*([\w$]+))\s*[,)]/gi;
/** A member of a configuration object named for a secret: `config.cron.secret`, `this.options.webhookSecret`, `appConfig.apiKey`. */
const CONFIG_MEMBER = /\b[\w$]*(?:config|settings|options)\s*(?:(?:\?\.|\.)\s*[\w$]+\s*)*(?:\?\.|\.)\s*([\w$]+)\b/gi;
/** A class field named for a secret, whatever it was given: `this.webhookSecret`, `this.internalApiKey`. */
const SECRET_FIELD_NAME = /secret|api_?key/i;

/** Code that reads the server's own secret: its environment or its configuration, by a secret-named key. */
export function readsServerSecret(text: string): boolean {
  if (CONFIGURED_SECRET.test(text)) return true;
  for (const match of text.matchAll(CONFIG_GETTER)) if (SECRET_KEY_NAME.test(match[1] ?? match[2] ?? '')) return true;
  for (const match of text.matchAll(CONFIG_MEMBER)) if (SECRET_KEY_NAME.test(match[1]!) && !/^(?:get|getOrThrow|getString)$/.test(match[1]!)) return true;
  return false;
}

/**
 * Code that compares something with a configured secret on one line (`token === env.API_KEY`,
 * `timingSafeEqual(a, env.SECRET)`, a project's constant-time `secureCompare(apiKey, env.INTERNAL_API_KEY)`), comments left out.
 */
export function comparesConfiguredSecret(text: string): boolean {
  return text
    .split('\n')
    .map((line) => line.replace(/\/\/.*$/, ''))
    .some((line) => !/^\s*\*/.test(line) && CONFIGURED_SECRET.test(line) && CONSTANT_TIME_OR_EQUALITY.test(line));
}
const CONSTANT_TIME_COMPARE = /\btimingSafeEqual\s*\(|\b(?:secure|safe|constantTime|timingSafe)\w*(?:Compare|Equals?)\w*\s*\(/i;
const CONSTANT_TIME_OR_EQUALITY = new RegExp(`[!=]==?|${CONSTANT_TIME_COMPARE.source}`, 'i');

/** The request's own parts, read where the secret is (`request.headers.get('x-cron-secret')`, `req.query.key`). */
export const REQUEST_PART_READ = /\b(?:req|request|ctx|event|c\.req|context)\s*(?:\?\.|\.)\s*(?:headers?|query|body|params|queryStringParameters|cookies)\b|\bheaders\s*\(\s*\)|\bsearchParams\b/;

/**
 * Fields of the class around `fn` that hold a server secret: named for one (`private readonly webhookSecret`),
 * or given one where declared or in the constructor (`this.cronSecretKey = this.configService.get(Env.CRON_SECRET_KEY)`).
 */
function secretFields(fn: ts.Node, sourceFile: ts.SourceFile): Set<string> {
  const fields = new Set<string>();
  let owner: ts.Node | undefined = fn.parent;
  while (owner && !ts.isClassLike(owner)) owner = ts.isFunctionLike(owner) ? undefined : owner.parent;
  if (!owner || !ts.isClassLike(owner)) return fields;
  for (const member of owner.members) {
    if (ts.isPropertyDeclaration(member) && ts.isIdentifier(member.name) && (SECRET_FIELD_NAME.test(member.name.text) || (member.initializer && readsServerSecret(member.initializer.getText(sourceFile))))) fields.add(member.name.text);
    if (!ts.isConstructorDeclaration(member) || !member.body) continue;
    for (const parameter of member.parameters) {
      // `constructor(@Inject(WEBHOOK_SECRET) private readonly webhookSecret: string)`: a parameter property.
      if (ts.isParameterPropertyDeclaration(parameter, member) && ts.isIdentifier(parameter.name) && SECRET_FIELD_NAME.test(parameter.name.text)) fields.add(parameter.name.text);
    }
    for (const statement of member.body.statements) {
      const expression = ts.isExpressionStatement(statement) ? skipOuterExpressions(statement.expression) : undefined;
      if (!expression || !ts.isBinaryExpression(expression) || expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
      const target = expression.left;
      if (ts.isPropertyAccessExpression(target) && target.expression.kind === ts.SyntaxKind.ThisKeyword && (SECRET_FIELD_NAME.test(target.name.text) || readsServerSecret(expression.right.getText(sourceFile)))) fields.add(target.name.text);
    }
  }
  return fields;
}

/** Operands a comparison is wrapped in without changing what it compares: `String(x)`, `Buffer.from(x)`, `x.trim()`. */
function unwrapOperand(expression: ts.Expression): ts.Expression {
  const value = skipOuterExpressions(expression);
  if (ts.isCallExpression(value)) {
    const callee = value.expression;
    if (ts.isIdentifier(callee) && callee.text === 'String' && value.arguments[0]) return unwrapOperand(value.arguments[0]);
    if (ts.isPropertyAccessExpression(callee) && /^(?:from|trim|toString)$/.test(callee.name.text)) {
      if (callee.name.text === 'from' && value.arguments[0]) return unwrapOperand(value.arguments[0]);
      if (callee.name.text !== 'from') return unwrapOperand(callee.expression);
    }
  }
  return value;
}

/**
 * Where `fn` tests a value the request carries against a secret the server holds, and leaves on a
 * mismatch: `if (secret !== this.webhookSecret) throw ...`, `if (this.configService.get('X_TOKEN') !== token)
 * return false`, `if (!timingSafeEqual(a, b)) throw`; with `verdict`, a guard's `return key === this.apiKey`
 * too (its answer is the check). The request's value is one of `fn`'s parameters (a NestJS `@Headers('x-secret')`
 * or `:token` `@Param`), a read of the request's parts, or a local holding one. Returns the comparison's text, else undefined.
 * Comparing a setting that is no secret (`region !== config.get('REGION')`), or testing that the
 * secret is set (`if (!this.secret) throw`), proves nothing about the caller.
 */
export function serverSecretComparison(fn: ts.SignatureDeclaration, options: { verdict?: boolean; secrets?: ReadonlySet<string> } = {}): string | undefined {
  const body = 'body' in fn ? (fn.body as ts.Node | undefined) : undefined;
  if (!body) return undefined;
  const sourceFile = fn.getSourceFile();
  const fields = secretFields(fn, sourceFile);
  const parameters = new Set(fn.parameters.flatMap((parameter) => bindingNames(parameter.name)));
  const requestLocals = new Set<string>();
  // Names the caller says hold a secret: a factory's parameter it was given `env.X_TOKEN` for.
  const secretLocals = new Set<string>(options.secrets);
  const isSecret = (expression: ts.Expression): boolean => {
    const value = unwrapOperand(expression);
    const text = value.getText(sourceFile);
    if (REQUEST_PART_READ.test(text)) return false;
    if (ts.isIdentifier(value)) return secretLocals.has(value.text);
    if (ts.isPropertyAccessExpression(value) && value.expression.kind === ts.SyntaxKind.ThisKeyword && fields.has(value.name.text)) return true;
    // `\`Bearer ${this.cronSecret}\``: the secret inside the expected header's form.
    if (ts.isTemplateExpression(value)) return value.templateSpans.some((span) => isSecret(span.expression));
    return readsServerSecret(text);
  };
  const mentionsRequest = (text: string): boolean => REQUEST_PART_READ.test(text) || /\bheaders?\s*(?:\[|\(|(?:\?\.|\.)\s*(?:get\s*\(|[\w$]+))/.test(text) || [...parameters, ...requestLocals].some((name) => new RegExp(`(?<![\\w$.])${name.replace(/\$/g, '\\$')}\\b`).test(text));
  const isRequestValue = (expression: ts.Expression): boolean => {
    const value = unwrapOperand(expression);
    if (isSecret(value) || ts.isLiteralExpression(value) || value.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(value) && value.text === 'undefined')) return false;
    return mentionsRequest(value.getText(sourceFile));
  };
  /** The pair a test compares, and whether it holds when they match: `a === b`, `a !== b`, `timingSafeEqual(a, b)`. */
  const comparedPair = (expression: ts.Expression): { left: ts.Expression; right: ts.Expression; matchHolds: boolean } | undefined => {
    const value = skipOuterExpressions(expression);
    if (ts.isBinaryExpression(value)) {
      const operator = value.operatorToken.kind;
      if (operator === ts.SyntaxKind.EqualsEqualsEqualsToken || operator === ts.SyntaxKind.EqualsEqualsToken) return { left: value.left, right: value.right, matchHolds: true };
      if (operator === ts.SyntaxKind.ExclamationEqualsEqualsToken || operator === ts.SyntaxKind.ExclamationEqualsToken) return { left: value.left, right: value.right, matchHolds: false };
    }
    if (ts.isCallExpression(value) && value.arguments.length >= 2 && CONSTANT_TIME_COMPARE.test(`${value.expression.getText(sourceFile)}(`)) return { left: value.arguments[0]!, right: value.arguments[1]!, matchHolds: true };
    if (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.ExclamationToken) {
      const inner = comparedPair(value.operand);
      return inner && { ...inner, matchHolds: !inner.matchHolds };
    }
    return undefined;
  };
  const checksPair = (pair: { left: ts.Expression; right: ts.Expression }): boolean => (isSecret(pair.left) && isRequestValue(pair.right)) || (isSecret(pair.right) && isRequestValue(pair.left));
  /** The tests joined by `joiner` in a condition: `!this.secret || key !== this.secret` under `||`. */
  const operands = (expression: ts.Expression, joiner: ts.SyntaxKind): ts.Expression[] => {
    const value = skipOuterExpressions(expression);
    return ts.isBinaryExpression(value) && value.operatorToken.kind === joiner ? [...operands(value.left, joiner), ...operands(value.right, joiner)] : [value];
  };
  /** A branch that turns the request away: a throw, or a return of anything but passing it on (`return next()`, `return true`). */
  const leaves = (statement: ts.Statement): boolean => {
    if (!exitsEarly(statement)) return false;
    const last = ts.isBlock(statement) ? statement.statements.at(-1) : statement;
    const returned = last && ts.isReturnStatement(last) && last.expression ? skipOuterExpressions(last.expression) : undefined;
    return !(returned && (returned.kind === ts.SyntaxKind.TrueKeyword || (ts.isCallExpression(returned) && /^next$/.test(returned.expression.getText(sourceFile)) && returned.arguments.length === 0)));
  };
  let found: string | undefined;
  const visit = (node: ts.Node): void => {
    if (found || (node !== body && ts.isFunctionLike(node))) return;
    // A local holding a secret or a request's value is a short expression; a function or a large literal is neither.
    if (ts.isVariableDeclaration(node) && node.initializer && !ts.isFunctionLike(skipOuterExpressions(node.initializer)) && node.initializer.end - node.initializer.pos < 400) {
      const names = bindingNames(node.name);
      const initializer = node.initializer;
      if (isSecret(initializer)) for (const name of names) secretLocals.add(name);
      else if (mentionsRequest(initializer.getText(sourceFile))) for (const name of names) requestLocals.add(name);
    }
    if (ts.isIfStatement(node)) {
      // A mismatch among the `||`-joined tests that leaves: `if (!key || key !== this.secret) throw`.
      const mismatch = operands(node.expression, ts.SyntaxKind.BarBarToken).find((test) => {
        const pair = comparedPair(test);
        return pair && !pair.matchHolds && checksPair(pair);
      });
      if (mismatch && leaves(node.thenStatement)) found = mismatch.getText(sourceFile);
    }
    if (options.verdict && ts.isReturnStatement(node) && node.expression) {
      const match = operands(node.expression, ts.SyntaxKind.AmpersandAmpersandToken).find((test) => {
        const pair = comparedPair(test);
        return pair && pair.matchHolds && checksPair(pair);
      });
      if (match) found = match.getText(sourceFile);
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return found?.replace(/\s+/g, ' ');
}
