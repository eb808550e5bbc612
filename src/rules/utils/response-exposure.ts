import { ts } from '#typescript';
import { resolveFunction } from '../../engine/names/index.js';
import { enclosingFunction, skipOuterExpressions } from '../../engine/ast/syntax.js';
import type { ScannedSourceFile } from '../../types.js';
import type { RuleContext } from '../../engine/rule-api.js';
import { MONGOOSE } from '../../models/orms.js';
import { entityModels, isSecretField, modelOfReceiver, prismaClientOmits, QUERY_METHODS, returnsRecords, type EntityModel } from './entity-models.js';
import { normalizeName } from './sensitive-names.js';
import { localDeclaration } from './tainted-sink.js';

/** A whole record of a model with secret fields, found in what a response sends. */
interface ExposedEntity {
  model: EntityModel;
  /** How the record was read: `prisma.user.findUnique`. */
  query: string;
  /** The secret fields it still carries. */
  fields: string[];
}

/** Chained calls that narrow or reshape the fields a query returns: the query's own (models/orms.ts), a project's DTO mappers. */
const NARROWING_CHAIN = new Set([...MONGOOSE.narrowingChain, 'toDto', 'toPublic', 'serialize']);
/** Chained calls that return the same records: mongoose query helpers (models/orms.ts), and a promise's `then`. */
const PASS_CHAIN = new Set([...MONGOOSE.passChain, 'then']);
const RESPONSE_OWNERS = new Set(['res', 'response', 'reply', 'c', 'ctx', 'context']);
const NEST_HTTP_DECORATORS = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete', 'All']);
const MAX_DEPTH = 5;

/** Which of the two rules a response belongs to: password material, or other secrets only. */
export type ExposureKind = 'password-hash' | 'secret';

/** One response that sends secrets, judged once so the two rules never report the same response. */
export interface ResponseExposure {
  kind: ExposureKind;
  /** The response call, assignment or return statement. */
  at: ts.Node;
  message: string;
}

/**
 * Password material: a password or its hash, a password-reset token or code, an API key's hash.
 * Whoever holds one can crack it offline or take the account over, which is password-hash-exposure's
 * concern; every other secret field (MFA seeds, API keys, refresh tokens, salts) stays with
 * excessive-data-exposure.
 */
export function isPasswordMaterialField(name: string): boolean {
  const words = normalizeName(name).split(' ');
  const last = words.at(-1)!;
  // `passwordStrength`, `passwordPolicy`: about a password, not one.
  if (!MATERIAL_NOUNS.has(last)) return false;
  // `keyHash`, `hashedKey`, `apiKeyHash`: what an API key is checked against.
  if ((words.includes('key') || words.includes('apikey')) && words.some((word) => HASH_WORDS.has(word))) return true;
  if (!isSecretField(name)) return false;
  if (words.some((word) => PASSWORD_WORDS.has(word))) return true;
  return words.includes('reset') && RESET_SECRET_NOUNS.has(last);
}

const PASSWORD_WORDS = new Set(['password', 'passwd', 'pwd', 'passphrase', 'passcode']);
const RESET_SECRET_NOUNS = new Set(['token', 'code', 'key', 'hash', 'secret']);
const HASH_WORDS = new Set(['hash', 'hashed', 'digest']);
const MATERIAL_NOUNS = new Set([...PASSWORD_WORDS, 'hash', 'hashed', 'digest', 'token', 'code', 'key', 'secret', 'encrypted', 'crypt']);

/**
 * The judge both rules share: for each response, whole records with secret fields and fields of
 * password material named in the response itself. A response with any password material is
 * password-hash-exposure's (its message lists the other secrets too); one with other secrets only
 * is excessive-data-exposure's.
 */
export function responseExposureJudge(ctx: RuleContext): ((node: ts.Node, file: ScannedSourceFile) => ResponseExposure | undefined) | undefined {
  const models = entityModels(ctx);
  const modelsWithSecrets = models.some((model) => model.secretFields.length > 0 && !model.serialisesSafely);
  return (node, file) => {
    const sourceFile = file.sourceFile;
    const sent = responseValue(node, sourceFile);
    if (!sent) return undefined;
    const named = namedPasswordFields(sent.value, sourceFile, 0);
    const exposed = modelsWithSecrets ? exposedEntity(ctx, file, sent.value, models, 0) : undefined;
    const passwordFields = exposed ? exposed.fields.filter(isPasswordMaterialField) : [];
    if (exposed && passwordFields.length > 0) {
      const others = exposed.fields.filter((field) => !passwordFields.includes(field));
      const also = others.length > 0 ? ` (and ${others.join(', ')})` : '';
      return { kind: 'password-hash', at: sent.at, message: `${sent.how} sends whole ${exposed.model.name} records from ${exposed.query}, including ${passwordFields.join(', ')}${also}: password hashes and reset tokens must never leave the server.` };
    }
    if (named.length > 0) {
      return { kind: 'password-hash', at: sent.at, message: `${sent.how} sends ${named.join(', ')}: password hashes must never leave the server.` };
    }
    if (exposed) return { kind: 'secret', at: sent.at, message: `${sent.how} sends whole ${exposed.model.name} records from ${exposed.query}, including ${exposed.fields.join(', ')}.` };
    return undefined;
  };
}

/**
 * Password hashes a response names itself: `{ passwordHash: row.password_hash }`,
 * `{ user: { password: row.password } }`, `{ hashedPassword }`, `{ keyHash: key.keyHash }`.
 * A value read from a record, or a local named as a hash. Reset tokens named in a response are left
 * out: the second step of many reset flows returns one, by design, once an emailed or texted code is
 * verified. A generated password shown once (`{ password: tempPassword }`), a literal, a flag
 * (`!!user.password`) or a call's result are not reported either.
 */
function namedPasswordFields(expression: ts.Expression, sourceFile: ts.SourceFile, depth: number): string[] {
  if (depth > MAX_DEPTH) return [];
  const value = skipOuterExpressions(expression);
  if (ts.isArrayLiteralExpression(value)) return value.elements.flatMap((element) => namedPasswordFields(element, sourceFile, depth + 1));
  if (!ts.isObjectLiteralExpression(value)) return [];
  const found: string[] = [];
  for (const property of value.properties) {
    if (ts.isShorthandPropertyAssignment(property)) {
      if (isStoredPasswordHash(property.name.text) && namesAHash(property.name.text)) found.push(property.name.text);
      continue;
    }
    if (!ts.isPropertyAssignment(property)) continue;
    const inner = skipOuterExpressions(property.initializer);
    if (ts.isObjectLiteralExpression(inner) || ts.isArrayLiteralExpression(inner)) {
      found.push(...namedPasswordFields(inner, sourceFile, depth + 1));
      continue;
    }
    const read = readName(inner);
    if (!read) continue;
    const key = property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) ? property.name.text : undefined;
    const fromRecord = !ts.isIdentifier(inner);
    const exposed = fromRecord ? isStoredPasswordHash(read) || (key !== undefined && isStoredPasswordHash(key)) : isStoredPasswordHash(read) && namesAHash(read);
    if (exposed) found.push(`${key ?? '[computed]'}: ${inner.getText(sourceFile)}`);
  }
  return found;
}

/** A password or its hash, or an API key's hash, as a stored field: password material other than reset tokens. */
function isStoredPasswordHash(name: string): boolean {
  return isPasswordMaterialField(name) && !normalizeName(name).split(' ').includes('reset');
}

function namesAHash(name: string): boolean {
  return normalizeName(name).split(' ').some((word) => HASH_WORDS.has(word) || word === 'encrypted');
}

/** The name a value is read from: `resetToken`, `user.passwordHash`, `row['password']`. */
function readName(value: ts.Expression): string | undefined {
  if (ts.isIdentifier(value)) return value.text === 'undefined' ? undefined : value.text;
  if (ts.isPropertyAccessExpression(value)) return value.name.text;
  if (ts.isElementAccessExpression(value) && ts.isStringLiteralLike(value.argumentExpression)) return value.argumentExpression.text;
  return undefined;
}

/** What a node sends to the client, if it is a response: the value and where to report. */
function responseValue(node: ts.Node, sourceFile: ts.SourceFile): { value: ts.Expression; at: ts.Node; how: string } | undefined {
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.arguments[0]) {
    const method = node.expression.name.text;
    if (method !== 'json' && method !== 'send') return undefined;
    const owner = skipOuterExpressions(node.expression.expression);
    const ownerText = owner.getText(sourceFile);
    if (ownerText === 'NextResponse' || ownerText === 'Response') return { value: node.arguments[0], at: node, how: `${ownerText}.${method}()` };
    if (RESPONSE_OWNERS.has(baseName(owner))) return { value: node.arguments[0], at: node, how: `${baseName(owner)}.${method}()` };
    return undefined;
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const target = node.left.getText(sourceFile);
    if (/^ctx\.(response\.)?body$/.test(target)) return { value: node.right, at: node, how: `${target} =` };
  }
  if (ts.isReturnStatement(node) && node.expression) {
    const method = enclosingFunction(node);
    if (method && ts.isMethodDeclaration(method) && isNestRoute(method)) return { value: node.expression, at: node, how: `${className(method)}.${method.name.getText(sourceFile)}() return` };
  }
  return undefined;
}

function baseName(expression: ts.Expression): string {
  let current = skipOuterExpressions(expression);
  while (ts.isCallExpression(current) || ts.isPropertyAccessExpression(current)) {
    current = skipOuterExpressions(ts.isCallExpression(current) ? current.expression : current.expression);
  }
  return ts.isIdentifier(current) ? current.text : '';
}

function decoratorNames(node: ts.Node): string[] {
  const decorators = ts.canHaveDecorators(node) ? (ts.getDecorators(node) ?? []) : [];
  return decorators.map((decorator) => {
    const expression = decorator.expression;
    const callee = ts.isCallExpression(expression) ? expression.expression : expression;
    return ts.isIdentifier(callee) ? callee.text : '';
  });
}

function isNestRoute(method: ts.MethodDeclaration): boolean {
  const owner = method.parent;
  if (!ts.isClassDeclaration(owner) || !decoratorNames(owner).includes('Controller')) return false;
  return decoratorNames(method).some((name) => NEST_HTTP_DECORATORS.has(name));
}

function className(method: ts.MethodDeclaration): string {
  return ts.isClassDeclaration(method.parent) && method.parent.name ? method.parent.name.text : 'controller';
}

/** The model record a sent value holds whole, following locals, awaits, object literals and service methods. */
function exposedEntity(ctx: RuleContext, file: ScannedSourceFile, expression: ts.Expression, models: readonly EntityModel[], depth: number): ExposedEntity | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const value = skipOuterExpressions(expression);
  if (ts.isAwaitExpression(value)) return exposedEntity(ctx, file, value.expression, models, depth + 1);
  if (ts.isIdentifier(value)) {
    const declaration = localDeclaration(value);
    if (!declaration || !ts.isIdentifier(declaration.name) || !declaration.initializer) return undefined;
    return exposedEntity(ctx, file, declaration.initializer, models, depth + 1);
  }
  if (ts.isObjectLiteralExpression(value)) {
    for (const [index, property] of value.properties.entries()) {
      const inner = ts.isShorthandPropertyAssignment(property)
        ? property.name
        : ts.isPropertyAssignment(property)
          ? property.initializer
          : ts.isSpreadAssignment(property)
            ? property.expression
            : undefined;
      const found = inner && exposedEntity(ctx, file, inner, models, depth + 1);
      if (!found) continue;
      if (!ts.isSpreadAssignment(property)) return found;
      // `{ ...client, secret }`: a field written after the spread replaces the record's own.
      const replaced = new Set(value.properties.slice(index + 1).flatMap((later) => (later.name && !ts.isComputedPropertyName(later.name) ? [later.name.getText(file.sourceFile).replace(/^['"]|['"]$/g, '')] : [])));
      const fields = found.fields.filter((field) => !replaced.has(field));
      if (fields.length > 0) return { ...found, fields };
    }
    return undefined;
  }
  if (ts.isArrayLiteralExpression(value)) {
    for (const element of value.elements) {
      const found = exposedEntity(ctx, file, element, models, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (!ts.isCallExpression(value) || !ts.isPropertyAccessExpression(value.expression)) return undefined;
  const method = value.expression.name.text;
  if (NARROWING_CHAIN.has(method)) return undefined;
  if (PASS_CHAIN.has(method)) {
    if (method === 'then') return undefined;
    return exposedEntity(ctx, file, value.expression.expression, models, depth + 1);
  }
  const direct = queriedEntity(ctx, file, value, models);
  if (direct) return direct;
  // `this.usersService.findOne(id)`: what the service method returns.
  const callee = resolveFunction(ctx.modules, file, value.expression);
  if (!callee || !('body' in callee.node) || !callee.node.body) return undefined;
  const body = callee.node.body;
  if (!ts.isBlock(body)) return exposedEntity(ctx, callee.file, body as ts.Expression, models, depth + 1);
  let found: ExposedEntity | undefined;
  const visit = (node: ts.Node): void => {
    if (found || (node !== body && ts.isFunctionLike(node))) return;
    if (ts.isReturnStatement(node) && node.expression) found = exposedEntity(ctx, callee.file, node.expression, models, depth + 1);
    ts.forEachChild(node, visit);
  };
  visit(body);
  return found;
}

/** `prisma.user.findUnique(...)`, `User.findOne(...)`, `this.userRepository.find(...)` with no field selection. */
function queriedEntity(ctx: RuleContext, file: ScannedSourceFile, call: ts.CallExpression, models: readonly EntityModel[]): ExposedEntity | undefined {
  const callee = call.expression as ts.PropertyAccessExpression;
  if (!QUERY_METHODS.has(callee.name.text)) return undefined;
  const model = modelOfReceiver(skipOuterExpressions(callee.expression), models);
  if (!model || model.secretFields.length === 0 || model.serialisesSafely || !returnsRecords(model.orm, callee.name.text)) return undefined;
  const options = call.arguments.map((argument) => skipOuterExpressions(argument));
  const optionKeys = new Set(options.flatMap((option) => (ts.isObjectLiteralExpression(option) ? option.properties.map((p) => (p.name ? p.name.getText() : '')) : [])));
  if (model.orm === 'prisma' && (optionKeys.has('select') || optionKeys.has('omit'))) return undefined;
  if (model.orm === 'typeorm' && optionKeys.has('select')) return undefined;
  if (model.orm === 'sequelize' && optionKeys.has('attributes')) return undefined;
  // mongoose: a projection argument after the filter (`findById(id, '-password')`, `find({}, { name: 1 })`).
  if (model.orm === 'mongoose' && call.arguments.length >= 2 && !/update/i.test(callee.name.text)) return undefined;
  // `delete user.password` in the same function before the record is returned or saved.
  const scope = enclosingFunction(call);
  const scopeText = scope ? scope.getText(file.sourceFile) : '';
  // `prisma.webhook.create({ data: { secret: null } })`: a field the write itself leaves empty comes back empty.
  const emptied = model.orm === 'prisma' && /^(?:create|update)$/.test(callee.name.text) ? emptiedFields(options) : new Set<string>();
  // `new PrismaClient({ omit: { user: { passwordHash: true } } })`: the client the query runs on never returns the field.
  const receiver = skipOuterExpressions(callee.expression);
  const omitted = model.orm === 'prisma' && ts.isPropertyAccessExpression(receiver) ? prismaClientOmits(ctx, file, receiver.expression, receiver.name.text) : new Set<string>();
  const fields = model.secretFields.filter((field) => !emptied.has(field) && !omitted.has(field) && !new RegExp(`delete\\s+[^;\\n]*\\.${field}\\b`).test(scopeText));
  if (fields.length === 0) return undefined;
  return { model, query: callee.getText(file.sourceFile), fields };
}

/** Fields a Prisma write's `data` sets to null, undefined or an empty string: `data: { secret: null }`. */
function emptiedFields(options: readonly ts.Expression[]): Set<string> {
  const emptied = new Set<string>();
  for (const option of options) {
    if (!ts.isObjectLiteralExpression(option)) continue;
    const data = option.properties.find((property): property is ts.PropertyAssignment => ts.isPropertyAssignment(property) && property.name.getText() === 'data');
    const written = data && skipOuterExpressions(data.initializer);
    if (!written || !ts.isObjectLiteralExpression(written)) continue;
    for (const property of written.properties) {
      if (!ts.isPropertyAssignment(property) || ts.isComputedPropertyName(property.name)) continue;
      const value = skipOuterExpressions(property.initializer);
      const empty = value.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(value) && value.text === 'undefined') || (ts.isStringLiteralLike(value) && value.text === '');
      if (empty) emptied.add(property.name.getText().replace(/^['"]|['"]$/g, ''));
    }
  }
  return emptied;
}
