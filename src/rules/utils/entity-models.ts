import { ts } from '#typescript';
import { repositoryEntityArgument, type DataAccess } from '../../engine/ast/data-access.js';
import { nodesOfKind } from '../../engine/ast/file-index.js';
import { propertyValue, skipOuterExpressions } from '../../engine/ast/syntax.js';
import type { RuleContext } from '../../engine/rule-api.js';
import type { ScannedSourceFile } from '../../types.js';
import { MONGOOSE, ORMS, ormMethods, PRISMA, SEQUELIZE, TYPEORM } from '../../models/orms.js';
import { normalizeName } from './sensitive-names.js';
import { localDeclaration } from './tainted-sink.js';

/** A data model the code reads records of, with the fields a whole record carries. */
export interface EntityModel {
  name: string;
  orm: 'prisma' | 'typeorm' | 'sequelize' | 'mongoose';
  /** Credential or secret fields a whole record returns (after `select: false`, `@Exclude`, default scopes). */
  secretFields: string[];
  /** The model removes secrets itself when serialised: a toJSON override or transform. */
  serialisesSafely: boolean;
  /** Every field a fetched record carries (columns marked `select: false` left out). */
  fields: string[];
  /** Fields class-transformer drops (`@Exclude()`), only where instanceToPlain or ClassSerializerInterceptor runs. */
  excludedFields: string[];
  /**
   * Free-text columns a record may leave empty, with no default (Prisma `role String?`, TypeORM
   * `@Column({ nullable: true }) role: string`): an attribute a user may fill in, not one every record holds.
   */
  optionalTextFields?: string[];
}

/** Last words that make a credential-looking field a fact about it (resetTokenExpires, webhookSecretConfigured). */
const DESCRIPTIVE = new Set(['expires', 'expiry', 'expiration', 'at', 'enabled', 'type', 'id', 'count', 'changed', 'required', 'version', 'verified', 'set', 'length', 'configured', 'present', 'exists']);
const SECRET_WORDS = /\b(password|passwd|pwd|secret|token|api key|apikey|private key|mfa|totp|otp|salt|recovery codes?|hashed password|password hash)\b/;

export function isSecretField(name: string): boolean {
  const normalized = normalizeName(name);
  const words = normalized.split(' ');
  if (DESCRIPTIVE.has(words.at(-1)!) || words[0] === 'is' || words[0] === 'has') return false;
  return SECRET_WORDS.test(normalized);
}

/** Calls that return whole records of the model they are called on (models/orms.ts: each ORM's `returnsRecords`). */
export const QUERY_METHODS = ormMethods('returnsRecords');

/**
 * The calls of one ORM that return whole records: TypeORM's `update()` answers an UpdateResult,
 * Prisma's `update()` the record, so a call's method is judged by the ORM of the model it is on.
 */
export function returnsRecords(orm: EntityModel['orm'], method: string): boolean {
  return ORMS.some((model) => model.orm === orm && model.returnsRecords.includes(method));
}

// How the ORMs declare and inject models (models/orms.ts).
const ENTITY_DECORATOR: string = TYPEORM.entityDecorator;
const [SEQUELIZE_DEFINE, SEQUELIZE_INIT] = SEQUELIZE.modelFactories;
const MONGOOSE_MODEL: readonly string[] = MONGOOSE.modelFactories;
const INJECTED_MODEL = new RegExp(`(?:${TYPEORM.injectionDecorator}|${MONGOOSE.injectionDecorator})\\(\\s*(\\w+)`);
const INJECTED_TYPE = new RegExp(`(?:${TYPEORM.injectedType}|${MONGOOSE.injectedType})<\\s*(\\w+)`);
const REPOSITORY_FACTORY: string = TYPEORM.repositoryFactories[0];

const cache = new WeakMap<object, EntityModel[]>();

/** Every model declared in the project, by name (Prisma schema, TypeORM entities, Sequelize, Mongoose). */
export function entityModels(ctx: RuleContext): EntityModel[] {
  const cached = cache.get(ctx.modules);
  if (cached) return cached;
  const models: EntityModel[] = [];
  for (const file of ctx.textFiles) {
    if (file.kind === 'prisma') models.push(...prismaModels(file.text));
  }

  for (const file of ctx.sourceFiles) {
    // From the file's shared node index (one walk per file): entity classes and model-defining calls, in document order.
    const candidates = [...nodesOfKind(file.sourceFile, ts.SyntaxKind.ClassDeclaration), ...nodesOfKind(file.sourceFile, ts.SyntaxKind.CallExpression)];
    if (candidates.length === 0) continue;
    candidates.sort((a, b) => a.pos - b.pos || b.end - a.end);
    for (const node of candidates) {
      const model = typeormEntity(node) ?? sequelizeModel(node) ?? mongooseModel(node, file.sourceFile);
      if (model) models.push(model);
    }
  }
  cache.set(ctx.modules, models);
  return models;
}

/**
 * The fields a Prisma client leaves out of every record of `model` (Prisma 6 `new PrismaClient({ omit:
 * { user: { passwordHash: true } } })`), for the client a query runs on (`prisma` of `prisma.user.findUnique`):
 * the module that declares that name builds the client, directly or in a factory beside it. Every client
 * built there must omit the field. Empty when the client is not found or omits nothing.
 */
export function prismaClientOmits(ctx: RuleContext, file: ScannedSourceFile, client: ts.Expression, model: string): Set<string> {
  const value = skipOuterExpressions(client);
  const name = ts.isIdentifier(value) ? value.text : ts.isPropertyAccessExpression(value) ? value.name.text : undefined;
  const binding = name !== undefined && ts.isIdentifier(value) ? ctx.modules.resolveName(file, name) : undefined;
  const declaring = binding?.kind === 'declaration' ? binding.file : undefined;
  if (!declaring || !declaring.text.includes(PRISMA.clientClass)) return new Set();
  let common: Set<string> | undefined;
  for (const node of nodesOfKind(declaring.sourceFile, ts.SyntaxKind.NewExpression)) {
    const created = node as ts.NewExpression;
    if (!ts.isIdentifier(created.expression) || created.expression.text !== PRISMA.clientClass) continue;
    const options = created.arguments?.[0] && skipOuterExpressions(created.arguments[0]);
    const omitValue = options && ts.isObjectLiteralExpression(options) ? propertyValue(options, PRISMA.globalOmitOption) : undefined;
    const omit = omitValue && skipOuterExpressions(omitValue);
    const fieldsValue = omit && ts.isObjectLiteralExpression(omit) ? propertyValue(omit, model) : undefined;
    const fields = fieldsValue && skipOuterExpressions(fieldsValue);
    const own = new Set(
      fields && ts.isObjectLiteralExpression(fields)
        ? fields.properties.flatMap((field) => (ts.isPropertyAssignment(field) && (ts.isIdentifier(field.name) || ts.isStringLiteral(field.name)) && skipOuterExpressions(field.initializer).kind === ts.SyntaxKind.TrueKeyword ? [field.name.text] : []))
        : [],
    );
    common = common ? new Set([...common].filter((field) => own.has(field))) : own;
  }
  return common ?? new Set();
}

/** Prisma scalar types that cannot carry a secret's value. */
const VALUE_FREE_PRISMA_TYPES: ReadonlySet<string> = new Set(['Boolean', 'DateTime']);

function prismaModels(text: string): EntityModel[] {
  const models: EntityModel[] = [];
  for (const match of text.matchAll(/^\s*model\s+(\w+)\s*\{([\s\S]*?)^\s*\}/gm)) {
    const declared = match[2]!.split(/\r\n?|\n/).flatMap((line) => {
      const field = /^\s*(\w+)\s+(\w+)(\?)?/.exec(line);
      return field ? [{ name: field[1]!, type: field[2]!, optional: field[3] === '?', hasDefault: /@default\s*\(/.test(line) }] : [];
    });
    const optionalTextFields = declared.filter((field) => field.type === 'String' && field.optional && !field.hasDefault).map((field) => field.name);
    const fields = declared.map((field) => field.name);
    // A flag or a timestamp named after a secret (`bypassSecret Boolean`, `tokenRevoked DateTime`) holds none.
    const secretFields = declared.filter((field) => !VALUE_FREE_PRISMA_TYPES.has(field.type) && isSecretField(field.name)).map((field) => field.name);
    models.push({ name: match[1]!, orm: 'prisma', secretFields, serialisesSafely: false, fields, excludedFields: [], optionalTextFields });
  }
  return models;
}

function decoratorNames(node: ts.Node): string[] {
  const decorators = ts.canHaveDecorators(node) ? (ts.getDecorators(node) ?? []) : [];
  return decorators.map((decorator) => {
    const expression = decorator.expression;
    const callee = ts.isCallExpression(expression) ? expression.expression : expression;
    return ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
  });
}

function typeormEntity(node: ts.Node): EntityModel | undefined {
  if (!ts.isClassDeclaration(node) || !node.name || !decoratorNames(node).includes(ENTITY_DECORATOR)) return undefined;
  const secretFields: string[] = [];
  const fields: string[] = [];
  const excludedFields: string[] = [];
  const optionalTextFields: string[] = [];
  let serialisesSafely = false;
  for (const member of node.members) {
    if (ts.isMethodDeclaration(member) && member.name.getText() === 'toJSON') serialisesSafely = true;
    if (!ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name)) continue;
    if (/select\s*:\s*false/.test(member.getText())) continue;
    fields.push(member.name.text);
    if (isOptionalTextColumn(member)) optionalTextFields.push(member.name.text);
    if (decoratorNames(member).includes('Exclude')) {
      excludedFields.push(member.name.text);
      continue;
    }
    // A flag or a timestamp named after a secret (`skipSecret: boolean`, `tokenRevoked: Date`) holds none.
    const valueFree = member.type !== undefined && /^(?:boolean|Date)$/.test(member.type.getText());
    if (!valueFree && isSecretField(member.name.text)) secretFields.push(member.name.text);
  }
  return { name: node.name.text, orm: 'typeorm', secretFields, serialisesSafely, fields, excludedFields, optionalTextFields };
}

/** `@Column({ nullable: true }) role: string`: a text column that may be empty, with no default and no enum. */
function isOptionalTextColumn(member: ts.PropertyDeclaration): boolean {
  const column = (ts.canHaveDecorators(member) ? (ts.getDecorators(member) ?? []) : []).find((decorator) => /^Column\s*\(/.test(decorator.expression.getText()));
  if (!column) return false;
  const options = column.expression.getText();
  const text = member.type === undefined || /^string(?:\s*\|\s*(?:null|undefined))*$/.test(member.type.getText());
  return text && /\bnullable\s*:\s*true\b/.test(options) && !/\b(?:default|enum)\s*:/.test(options) && !/['"]enum['"]/.test(options);
}

/** `sequelize.define('User', { ... }, options)` and `User.init({ ... }, { sequelize, defaultScope })`. */
function sequelizeModel(node: ts.Node): EntityModel | undefined {
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return undefined;
  const method = node.expression.name.text;
  let name: string | undefined;
  let attributes: ts.Expression | undefined;
  let options: ts.Expression | undefined;
  if (method === SEQUELIZE_DEFINE && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
    name = node.arguments[0].text;
    attributes = node.arguments[1];
    options = node.arguments[2];
  } else if (method === SEQUELIZE_INIT && ts.isIdentifier(node.expression.expression) && node.arguments[1] && /\bsequelize\b/.test(node.arguments[1].getText())) {
    name = node.expression.expression.text;
    attributes = node.arguments[0];
    options = node.arguments[1];
  }
  if (!name || !attributes || !ts.isObjectLiteralExpression(attributes)) return undefined;
  const optionsText = options?.getText() ?? '';
  const secretFields = objectKeys(attributes).filter((field) => isSecretField(field) && !new RegExp(`exclude\\s*:\\s*\\[[^\\]]*['"]${field}['"]`).test(optionsText));
  return { name, orm: 'sequelize', secretFields, serialisesSafely: /toJSON/.test(optionsText), fields: objectKeys(attributes), excludedFields: [] };
}

/** `model('User', userSchema)` with `const userSchema = new Schema({ ... })` in the same file. */
function mongooseModel(node: ts.Node, sourceFile: ts.SourceFile): EntityModel | undefined {
  if (!ts.isCallExpression(node)) return undefined;
  const callee = node.expression;
  const calleeName = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
  if (!MONGOOSE_MODEL.includes(calleeName) || !node.arguments[0] || !ts.isStringLiteralLike(node.arguments[0]) || !node.arguments[1]) return undefined;
  const schemaArgument = skipOuterExpressions(node.arguments[1]);
  if (!ts.isIdentifier(schemaArgument)) return undefined;
  const schemaName = schemaArgument.text;
  let definition: ts.ObjectLiteralExpression | undefined;
  for (const child of nodesOfKind(sourceFile, ts.SyntaxKind.VariableDeclaration) as ts.VariableDeclaration[]) {
    if (ts.isIdentifier(child.name) && child.name.text === schemaName && child.initializer) {
      const init = skipOuterExpressions(child.initializer);
      if (ts.isNewExpression(init) && init.arguments?.[0] && ts.isObjectLiteralExpression(init.arguments[0])) definition = init.arguments[0];
    }
  }
  if (!definition) return undefined;
  const text = sourceFile.text;
  const secretFields: string[] = [];
  const fields: string[] = [];
  for (const property of definition.properties) {
    if (!(ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property)) || !property.name || !(ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))) continue;
    if (ts.isPropertyAssignment(property) && /select\s*:\s*false/.test(property.initializer.getText())) continue;
    fields.push(property.name.text);
    if (isSecretField(property.name.text)) secretFields.push(property.name.text);
  }
  const serialisesSafely = new RegExp(`${schemaName}\\.(set\\(\\s*['"]toJSON|methods\\.toJSON)`).test(text) || /toJSON\s*:\s*\{[^}]*transform/.test(text);
  return { name: node.arguments[0].text, orm: 'mongoose', secretFields, serialisesSafely, fields, excludedFields: [] };
}

function objectKeys(object: ts.ObjectLiteralExpression): string[] {
  return object.properties.flatMap((property) => (property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) ? [property.name.text] : []));
}

/** The model a query receiver reads: `User`, `prisma.user`, `this.userRepository`, `getRepository(User)`. */
export function modelOfReceiver(receiver: ts.Expression, models: readonly EntityModel[]): EntityModel | undefined {
  // User.findOne (Sequelize, Mongoose, TypeORM BaseEntity)
  if (ts.isIdentifier(receiver)) {
    const model = codeModel(models, receiver.text);
    if (model) return model;
    const declaration = localDeclaration(receiver);
    const init = declaration?.initializer && skipOuterExpressions(declaration.initializer);
    return init ? repositoryModel(init, models) : undefined;
  }
  if (!ts.isPropertyAccessExpression(receiver)) return repositoryModel(receiver, models);
  const owner = skipOuterExpressions(receiver.expression);
  // this.userRepository / this.userModel: the injection decorator or the Repository<User> type names the model.
  if (owner.kind === ts.SyntaxKind.ThisKeyword) return injectedModel(receiver, models);
  // prisma.user / this.prisma.user
  for (const model of models) {
    if (model.orm === 'prisma' && lowerFirst(model.name) === receiver.name.text) return model;
  }
  return undefined;
}

/** `dataSource.getRepository(User)`, `getRepository(User)`. */
function repositoryModel(expression: ts.Expression, models: readonly EntityModel[]): EntityModel | undefined {
  if (!ts.isCallExpression(expression)) return undefined;
  const callee = expression.expression;
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
  const argument = repositoryEntityArgument(expression);
  if (name !== REPOSITORY_FACTORY || !argument || !ts.isIdentifier(argument)) return undefined;
  return codeModel(models, argument.text);
}

function injectedModel(access: ts.PropertyAccessExpression, models: readonly EntityModel[]): EntityModel | undefined {
  let classNode: ts.Node | undefined = access.parent;
  while (classNode && !ts.isClassDeclaration(classNode)) classNode = classNode.parent;
  if (!classNode || !ts.isClassDeclaration(classNode)) return undefined;
  const field = access.name.text;
  for (const member of classNode.members) {
    const candidates: ts.Node[] = [];
    if (ts.isConstructorDeclaration(member)) candidates.push(...member.parameters);
    if (ts.isPropertyDeclaration(member)) candidates.push(member);
    for (const candidate of candidates) {
      const named = candidate as ts.ParameterDeclaration | ts.PropertyDeclaration;
      if (!named.name || !ts.isIdentifier(named.name) || named.name.text !== field) continue;
      const text = candidate.getText();
      const match = INJECTED_MODEL.exec(text) ?? INJECTED_TYPE.exec(text);
      const name = match?.[1]?.replace(/Document$/, '');
      const model = name === undefined ? undefined : codeModel(models, name);
      if (model) return model;
    }
  }
  return undefined;
}

/** A model declared in code (not a Prisma schema) by its class or registered name. */
export function codeModel(models: readonly EntityModel[], name: string): EntityModel | undefined {
  return models.find((model) => model.orm !== 'prisma' && model.name === name);
}

/** The declared model a data access reads or writes: Prisma's client names it in camelCase (`prisma.emailAccount`), an ORM model by its class. */
export function modelOfAccess(access: DataAccess, models: readonly EntityModel[]): EntityModel | undefined {
  if (!access.model) return undefined;
  if (access.library === 'prisma') return models.find((model) => model.orm === 'prisma' && lowerFirst(model.name) === access.model);
  return access.library === 'model' ? codeModel(models, access.model) : undefined;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
