/**
 * Finds the JWT library calls and configurations of models/jwt.ts in code: which library a call
 * belongs to (by import, through aliases and injected Nest services), where its options object is,
 * what an option path holds, and what version of a package the nearest package.json declares.
 * Shared by the jwt-* rules; judging is theirs.
 */
import { ts } from '#typescript';
import { enclosingClass, propertyNameText, skipOuterExpressions } from '../../engine/ast/syntax.js';
import { moduleCallee, type ModuleCallee } from '../../engine/names/index.js';
import type { RuleContext } from '../../engine/rule-api.js';
import type { ControlRefs, ScannedSourceFile } from '../../types.js';
import { JOSE, JWT_CONFIGURATIONS, JWT_FUNCTIONS, type JwtConfiguration, type JwtFunction } from '../../models/jwt.js';

/** A token whose signature is not checked authenticates nobody: what the signature rules map to. */
export const JWT_SIGNATURE_CONTROLS = {
  soc2: ['CC6.1'],
  owaspApi: ['API2:2023'],
  cwe: ['CWE-347'],
  pciDss: ['8.3.1'],
  hipaa: ['164.312(d)'],
  gdpr: ['Art. 32(1)(b)'],
} satisfies ControlRefs;

export interface JwtCall {
  call: ts.CallExpression;
  fn: JwtFunction;
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((member, index) => member === b[index]);
}

/** A call of a JWT library function (models/jwt.ts JWT_FUNCTIONS), by what its callee resolves to. */
export function jwtCallOf(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression): JwtCall | undefined {
  const callee = resolvedCallee(ctx, file, call.expression);
  if (!callee) return undefined;
  const fn = JWT_FUNCTIONS.find((candidate) => candidate.package === callee.module && sameMembers(candidate.members, callee.members));
  return fn && { call, fn };
}

function resolvedCallee(ctx: RuleContext, file: ScannedSourceFile, callee: ts.Expression): ModuleCallee | undefined {
  try {
    return moduleCallee(ctx, file, callee);
  } catch {
    return undefined;
  }
}

/** A configuration call (models/jwt.ts JWT_CONFIGURATIONS) and its options argument. */
export interface JwtConfigurationCall {
  node: ts.CallExpression | ts.NewExpression;
  configuration: JwtConfiguration;
  options: ts.Expression | undefined;
}

/**
 * `JwtModule.register(options)`, `new JwtService(options)`, `fastify.register(fastifyJwt, options)`,
 * `new JwtStrategy(options)`, `super(options)` in a class extending `PassportStrategy(Strategy)`,
 * `expressjwt(options)`, `koaJwt(options)`, fast-jwt `createVerifier(options)`.
 */
export function jwtConfigurationOf(ctx: RuleContext, file: ScannedSourceFile, node: ts.CallExpression | ts.NewExpression): JwtConfigurationCall | undefined {
  const args = node.arguments ?? ts.factory.createNodeArray<ts.Expression>();
  // A plugin registration: the plugin is the first argument.
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'register' && args[0]) {
    const plugin = resolvedCallee(ctx, file, pluginExpression(args[0]));
    const configuration = plugin && JWT_CONFIGURATIONS.find((candidate) => candidate.kind === 'plugin' && candidate.package === plugin.module && candidate.members.some((members) => sameMembers(members, plugin.members)));
    if (configuration) return { node, configuration, options: args[configuration.options] };
  }
  let target: ModuleCallee | undefined;
  if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.SuperKeyword) target = passportBase(ctx, file, node);
  else target = resolvedCallee(ctx, file, node.expression);
  if (!target) return undefined;
  const configuration = JWT_CONFIGURATIONS.find((candidate) => candidate.kind !== 'plugin' && candidate.package === target!.module && candidate.members.some((members) => sameMembers(members, target!.members)));
  if (!configuration) return undefined;
  // `new JwtService()` is a construction; `JwtService(...)` called is not a thing.
  if (configuration.package === '@nestjs/jwt' && sameMembers(target.members, ['JwtService']) && !ts.isNewExpression(node)) return undefined;
  return { node, configuration, options: args[configuration.options] };
}

/** `require('@fastify/jwt')`, `import('@fastify/jwt')` (awaited), or a name. */
function pluginExpression(expression: ts.Expression): ts.Expression {
  const inner = skipOuterExpressions(expression);
  if (ts.isAwaitExpression(inner)) return skipOuterExpressions(inner.expression);
  return inner;
}

/** `super(options)` in `class X extends PassportStrategy(Strategy, 'jwt')`: the Strategy given to PassportStrategy. */
function passportBase(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression): ModuleCallee | undefined {
  const classNode = enclosingClass(call);
  const heritage = classNode?.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
  if (!heritage) return undefined;
  const base = skipOuterExpressions(heritage);
  if (ts.isCallExpression(base) && base.arguments[0]) return resolvedCallee(ctx, file, base.arguments[0]);
  return resolvedCallee(ctx, file, base);
}

/** What an option path holds in an options expression. `unknown`: we cannot see (a spread, a parameter, a call). */
export type OptionLookup = { kind: 'present'; value: ts.Expression; property: ts.Node } | { kind: 'absent' } | { kind: 'unknown' };

/**
 * The object literal an options expression is: itself, a `const` initialised with one in this
 * file, `useFactory: () => ({...})` of a Nest `registerAsync`, or undefined when it cannot be seen.
 */
export function optionsObject(expression: ts.Expression | undefined, depth = 0): ts.ObjectLiteralExpression | undefined {
  if (!expression || depth > 4) return undefined;
  const value = skipOuterExpressions(expression);
  if (ts.isObjectLiteralExpression(value)) return value;
  if (ts.isIdentifier(value)) return optionsObject(constInitializer(value), depth + 1);
  return undefined;
}

/** The initializer of the `const` a name refers to, in a block or at the top of its file (before or after the use). */
export function constInitializer(identifier: ts.Identifier): ts.Expression | undefined {
  for (let scope: ts.Node | undefined = identifier.parent; scope; scope = scope.parent) {
    if (!ts.isBlock(scope) && !ts.isSourceFile(scope) && !ts.isModuleBlock(scope)) continue;
    for (const statement of scope.statements) {
      const declarations = ts.isVariableStatement(statement) ? statement.declarationList : undefined;
      if (!declarations || !(declarations.flags & ts.NodeFlags.Const)) continue;
      for (const declaration of declarations.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === identifier.text) return declaration.initializer;
      }
    }
  }
  return undefined;
}

/** The options a Nest `registerAsync({ useFactory })` returns, when the factory returns an object literal we can read. */
export function factoryOptions(options: ts.ObjectLiteralExpression): ts.ObjectLiteralExpression | undefined {
  for (const property of options.properties) {
    const name = property.name && propertyNameText(property.name);
    if (name !== 'useFactory') continue;
    let factory: ts.Node | undefined;
    if (ts.isPropertyAssignment(property)) factory = skipOuterExpressions(property.initializer);
    else if (ts.isMethodDeclaration(property)) factory = property;
    if (!factory || !(ts.isArrowFunction(factory) || ts.isFunctionExpression(factory) || ts.isMethodDeclaration(factory))) return undefined;
    const body = factory.body;
    if (!body) return undefined;
    if (!ts.isBlock(body)) return optionsObject(body);
    const returns = body.statements.filter(ts.isReturnStatement);
    return returns.length === 1 ? optionsObject(returns[0]!.expression) : undefined;
  }
  return undefined;
}

/** Looks up `path` (`['verifyOptions', 'algorithms']`) in an options expression. */
export function optionAt(expression: ts.Expression | undefined, path: readonly string[]): OptionLookup {
  if (!expression) return { kind: 'absent' };
  const object = optionsObject(expression);
  if (!object) return { kind: 'unknown' };
  const [head, ...rest] = path;
  let spread = false;
  let found: { value: ts.Expression; property: ts.Node } | undefined;
  for (const property of object.properties) {
    if (ts.isSpreadAssignment(property)) {
      spread = true;
      continue;
    }
    const name = property.name && propertyNameText(property.name);
    if (name !== head) continue;
    if (ts.isPropertyAssignment(property)) found = { value: property.initializer, property };
    else if (ts.isShorthandPropertyAssignment(property)) found = { value: property.name, property };
  }
  if (!found) return spread ? { kind: 'unknown' } : { kind: 'absent' };
  if (rest.length === 0) return { kind: 'present', ...found };
  return optionAt(found.value, rest);
}

/** The first path of several (aliases) that is present; otherwise unknown if any is, else absent. */
export function optionAtAny(expression: ts.Expression | undefined, paths: ReadonlyArray<readonly string[]> | undefined): OptionLookup {
  let unknown = false;
  for (const path of paths ?? []) {
    const lookup = optionAt(expression, path);
    if (lookup.kind === 'present') return lookup;
    if (lookup.kind === 'unknown') unknown = true;
  }
  return unknown ? { kind: 'unknown' } : { kind: 'absent' };
}

/** The string elements of an array literal (through a `const` in the file); undefined when not readable. */
export function stringElements(expression: ts.Expression): Array<{ text: string; node: ts.Node }> | undefined {
  let value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value)) {
    const initializer = constInitializer(value);
    if (!initializer) return undefined;
    value = skipOuterExpressions(initializer);
  }
  if (!ts.isArrayLiteralExpression(value)) return undefined;
  const strings: Array<{ text: string; node: ts.Node }> = [];
  for (const element of value.elements) {
    const inner = skipOuterExpressions(element as ts.Expression);
    if (ts.isStringLiteralLike(inner)) strings.push({ text: inner.text, node: inner });
  }
  return strings;
}

/** The text of a string literal (through a `const` in the file), or undefined. */
export function stringValue(expression: ts.Expression): string | undefined {
  let value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value)) {
    const initializer = constInitializer(value);
    if (!initializer) return undefined;
    value = skipOuterExpressions(initializer);
  }
  return ts.isStringLiteralLike(value) ? value.text : undefined;
}

/** A jose `new SignJWT(claims)....sign(key)` chain: the `.sign` call, the constructor and the method names on the way. */
export interface JoseSignChain {
  sign: ts.CallExpression;
  construction: ts.NewExpression;
  methods: string[];
}

export function joseSignChain(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression): JoseSignChain | undefined {
  if (!ts.isPropertyAccessExpression(call.expression) || call.expression.name.text !== JOSE.signMethod) return undefined;
  const methods: string[] = [];
  let current: ts.Expression = skipOuterExpressions(call.expression.expression);
  for (let hops = 0; hops < 20; hops++) {
    if (ts.isNewExpression(current)) {
      const constructed = resolvedCallee(ctx, file, current.expression);
      if (constructed?.module !== JOSE.package || !sameMembers(constructed.members, [JOSE.signerClass])) return undefined;
      return { sign: call, construction: current, methods };
    }
    if (ts.isAwaitExpression(current)) current = skipOuterExpressions(current.expression);
    else if (ts.isCallExpression(current) && ts.isPropertyAccessExpression(current.expression)) {
      methods.push(current.expression.name.text);
      current = skipOuterExpressions(current.expression.expression);
    } else return undefined;
  }
  return undefined;
}

/** Whether an expression is jose's `UnsecuredJWT` class (or a member read on it). */
export function isJoseUnsecured(ctx: RuleContext, file: ScannedSourceFile, expression: ts.Expression): ModuleCallee | undefined {
  const callee = resolvedCallee(ctx, file, expression);
  return callee?.module === JOSE.package && callee.members[0] === JOSE.unsecuredClass ? callee : undefined;
}

/** The version range the nearest package.json (from the file's folder up to the scan root) declares for a package. */
export function declaredRange(ctx: RuleContext, file: string, packageName: string): string | undefined {
  const manifests = manifestsOf(ctx);
  let folder = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  for (;;) {
    const range = manifests.get(folder)?.get(packageName);
    if (range) return range;
    if (folder === '') break;
    folder = folder.includes('/') ? folder.slice(0, folder.lastIndexOf('/')) : '';
  }
  // A monorepo may declare it in a sibling package: one declaration anywhere is the best we have.
  const everywhere = new Set<string>();
  for (const dependencies of manifests.values()) {
    const range = dependencies.get(packageName);
    if (range) everywhere.add(range);
  }
  return everywhere.size === 1 ? [...everywhere][0] : undefined;
}

const manifestCache = new WeakMap<readonly unknown[], Map<string, Map<string, string>>>();

function manifestsOf(ctx: RuleContext): Map<string, Map<string, string>> {
  const cached = manifestCache.get(ctx.textFiles);
  if (cached) return cached;
  const manifests = new Map<string, Map<string, string>>();
  for (const text of ctx.textFiles) {
    if (text.kind !== 'json' || !/(?:^|\/)package\.json$/.test(text.path)) continue;
    try {
      const manifest = JSON.parse(text.text) as Record<string, Record<string, unknown> | undefined>;
      const dependencies = new Map<string, string>();
      for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
        for (const [name, range] of Object.entries(manifest[field] ?? {})) if (typeof range === 'string') dependencies.set(name, range);
      }
      manifests.set(text.path === 'package.json' ? '' : text.path.slice(0, -'/package.json'.length), dependencies);
    } catch {
      // A broken package.json declares nothing.
    }
  }
  manifestCache.set(ctx.textFiles, manifests);
  return manifests;
}

/**
 * Whether a fresh install of a declared range can get `version` or later: `^8.5.1` cannot reach
 * 9.0.0, `^4.0.0` reaches 4.0.1, `>=8` and `*` and `latest` reach anything. Undefined for what we
 * cannot read (a git URL, a workspace reference).
 */
export function rangeReaches(range: string, version: string): boolean | undefined {
  const wanted = parseVersion(version);
  if (!wanted) return undefined;
  const trimmed = range.trim();
  if (trimmed === '*' || trimmed === '' || trimmed === 'latest' || trimmed === 'x') return true;
  if (/^(?:workspace:|file:|link:|git|https?:|npm:)/.test(trimmed)) return undefined;
  // Alternatives (`^8 || ^9`): any reaching is enough.
  const alternatives = trimmed.split('||').map((part) => part.trim());
  if (alternatives.length > 1) {
    const answers = alternatives.map((part) => rangeReaches(part, version));
    return answers.some((answer) => answer === true) ? true : answers.every((answer) => answer === false) ? false : undefined;
  }
  if (/^>/.test(trimmed) && !/</.test(trimmed)) return true;
  const match = /^([~^<=]*)\s*v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?/.exec(trimmed);
  if (!match) return undefined;
  const operator = match[1] ?? '';
  const major = Number(match[2]);
  const minor = match[3] === undefined || match[3] === 'x' || match[3] === '*' ? undefined : Number(match[3]);
  const patch = match[4] === undefined || match[4] === 'x' || match[4] === '*' ? undefined : Number(match[4]);
  // The highest version the range admits, as [major, minor, patch] with Infinity for "any".
  let highest: [number, number, number];
  if (operator.startsWith('<')) {
    const inclusive = operator.includes('=');
    highest = [major, minor ?? Infinity, patch ?? Infinity];
    if (!inclusive) return compare([major, minor ?? 0, patch ?? 0], wanted) > 0;
  } else if (operator === '^') {
    if (major > 0 || minor === undefined) highest = [major, Infinity, Infinity];
    else if (minor > 0) highest = [0, minor, Infinity];
    else highest = [0, 0, patch ?? Infinity];
  }
  else if (operator === '~') highest = [major, minor ?? Infinity, Infinity];
  else highest = [major, minor ?? Infinity, patch ?? Infinity];
  return compare(highest, wanted) >= 0;
}

function parseVersion(version: string): [number, number, number] | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < 3; index++) {
    if (a[index]! !== b[index]!) return a[index]! < b[index]! ? -1 : 1;
  }
  return 0;
}

/** Files the rules skip: type declarations. Test files are left out by the scanner already. */
export function isDeclarationFile(file: ScannedSourceFile): boolean {
  return file.path.endsWith('.d.ts');
}
