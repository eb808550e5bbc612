import { ts } from '#typescript';
import type { TaintedCall } from '../engine/dataflow/engine.js';
import type { Taint } from '../engine/dataflow/taint.js';
import { classifyCall, dynamoRequestObject, kyselyValuesWrite, type DataAccess } from '../engine/ast/data-access.js';
import { DYNAMODB_COMMAND_PACKAGES, DYNAMODB_COMMANDS, DYNAMODB_ITEM_PROPERTY } from '../models/dynamodb.js';
import { nodePosition, propertyNameText, skipOuterExpressions } from '../engine/ast/syntax.js';
import type { RuleContext } from '../engine/rule-api.js';
import type { Route } from '../engine/routes/route.js';
import { KNEX, ormMethods } from '../models/orms.js';
import {
  DRIZZLE_VALUES_METHODS, FIELD_DROPPERS, FIELD_PICKERS, KEY_KEEPING_SCHEMA, NEST_WHITELIST_OPTION, NON_WHITELISTING_VALIDATORS, PRISMA_VALUES_PROPERTIES,
  PRIVILEGED_FIELDS, PROPERTY_COPIERS, RECORD_SETTERS, VALUE_SETTING_OPERATORS, VALUES_ARGUMENT, ZOD_DTO_PACKAGES,
} from '../models/mass-assignment.js';
import { bindingValue, resolveFunction } from '../engine/names/index.js';
import { defineRule } from './define-rule.js';
import { administratorGuard } from './utils/administrator-routes.js';
import { codeModel, entityModels, modelOfAccess, modelOfReceiver, type EntityModel } from './utils/entity-models.js';
import { localDeclaration, routeLabel, routeOfSink, routeViews, sinkSpan, sinkTrace, type RouteView } from './utils/tainted-sink.js';

const MAX_LOCAL_HOPS = 4;
/** Nest's own ValidationPipe: it whitelists only with `whitelist: true`. */
const PLAIN_VALIDATION_PIPE = /^(?:new\s+)?ValidationPipe\b/;
const PRISMA_WRITES: ReadonlySet<string> = new Set(['create', 'createMany', 'createManyAndReturn', 'update', 'updateMany', 'updateManyAndReturn', 'upsert']);
const RECORD_RETURNING = ormMethods('returnsRecords');

/** A write the rule judges: the call as findings name it, the expressions holding its new values, the model when known. */
interface ValuesSink {
  label: string;
  values: ts.Expression[];
  model?: EntityModel;
  /** The model or table name when the code names it, for the message. */
  modelName?: string;
}

/** The whole request body (or a spread of it) at a sink, with the keys the code sets itself after it or strips before it. */
interface WholeBody {
  taint: Taint;
  /** Keys written after the spread (`{ ...req.body, ownerId: me }`): the code's value wins. */
  overridden: string[];
  /** Keys a rest destructuring left out (`const { role, ...data } = req.body`). */
  dropped: string[];
  /**
   * Keys the code sets before the spread (`{ userId: me, ...body }`, `{ ...ownerField, ...body }`):
   * the body's own key of that name replaces the code's value, so these are the client's to choose.
   */
  shadowed: ShadowedKey[];
}

/** A key the code sets before the body's spread, with the value the body can replace. */
interface ShadowedKey {
  key: string;
  value: ts.Expression;
}

export default defineRule({
  meta: {
    id: 'mass-assignment',
    title: 'Whole request body written to a model',
    severity: 'medium',
    confidence: 'high',
    controls: {
      soc2: ['CC6.1', 'CC6.3'],
      owaspApi: ['API3:2023'],
      cwe: ['CWE-915'],
      pciDss: ['6.2.4'],
      hipaa: ['164.312(c)(1)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description:
        'Finds the whole request body, an object nested in it (req.body.user), or a spread or copy of it, passed to an ORM create/update (Prisma, TypeORM, Sequelize, Mongoose, MongoDB, Drizzle, Knex), a DynamoDB put Item (Lambda: JSON.parse(event.body)) or copied onto a loaded record, with no validator that whitelists its fields: a client can set role, owner, tenant, verification or balance fields the form never shows.',
      remediation:
        'Write only the fields the client may set: pick them by name ({ name: body.name }), parse the body with a schema that strips unknown keys (zod z.object().parse, Joi stripUnknown, NestJS ValidationPipe({ whitelist: true }) with a DTO), and set owner, role and tenant fields from the session.',
    },
  },
  analyses: ['dataflow'],
  check(ctx) {
    const models = entityModels(ctx);
    const nestWhitelists = ctx.sourceFiles.some((file) => /\bValidationPipe\b/.test(file.text) && NEST_WHITELIST_OPTION.test(file.text));
    ctx.forEachIsolated(
      ctx.dataflow.taintedCalls(),
      (tainted) => tainted.file.path,
      (tainted) => {
        const sink = valuesSink(ctx, tainted, models);
        if (!sink) return;
        // The evidence report's record of each write that takes request data, reported or not.
        const examined = { subject: 'write of request data', name: `${sink.label} in ${routeLabel(tainted)}`, file: tainted.file.path, line: nodePosition(tainted.call).line };
        let excuse = 'no whole request body reaches it (fields picked by name, or a parsed schema output)';
        // A writer shared by several routes is recorded for the first; each other route that reaches it
        // is judged by its own validation and guard (one validated route does not cover an unvalidated one).
        // A NestJS `@Body() dto` label names the first route's parameter: other routes are not judged by it.
        const unchecked: Array<{ view: RouteView; whole: WholeBody }> = [];
        for (const values of sink.values) {
          const whole = wholeBody(tainted, values, 0);
          if (!whole) continue;
          const views = /^@Body\(\) /.test(whole.taint.source.label) ? [tainted] : routeViews(tainted);
          for (const view of views) {
            if (whitelistedBefore(view, whole.taint, nestWhitelists)) {
              if (view === tainted) excuse = `the body ${whole.taint.source.label} is whitelisted before the handler (${whitelistEvidence(tainted, whole.taint, nestWhitelists)})`;
              continue;
            }
            const zodDto = zodDtoParse(ctx, view.route, whole.taint);
            if (zodDto) {
              if (view === tainted) excuse = `the body ${whole.taint.source.label} is parsed before the handler (${zodDto})`;
              continue;
            }
            // A denylist of the privileged fields: the developer chose which to keep out.
            if (whole.dropped.some(isPrivileged)) {
              excuse = `a denylist leaves out ${whole.dropped.filter(isPrivileged).join(', ')}`;
              break;
            }
            unchecked.push({ view, whole });
          }
          if (unchecked.length > 0) break;
        }
        if (unchecked.length > 0) {
          // The route an administrator's guard does not limit, when there is one: its caller is anyone signed in.
          const { view, whole } = unchecked.find((candidate) => !administratorGuard(candidate.view.route)) ?? unchecked[0]!;
          ctx.examined({ ...examined, ...(view === tainted ? {} : { name: `${sink.label} in ${routeLabel(view)}` }), outcome: 'finding', evidence: `the whole body ${whole.taint.source.label} is written` });
          report(ctx, view, sink, whole);
          return;
        }
        ctx.examined({ ...examined, outcome: 'passed', evidence: excuse });
      },
    );
  },
});

function report(ctx: RuleContext, tainted: RouteView, sink: ValuesSink, whole: WholeBody): void {
  const source = whole.taint.source.label;
  const assigned = [...assignedBeforeWrite(tainted, source), ...assignedOnBuiltRecord(tainted)];
  const overridden = [...new Set([...whole.overridden, ...assigned])];
  const kept = new Set([...overridden, ...whole.dropped].map(normalise));
  const replaced = replacedKeys(tainted, whole, kept);
  const named = new Set(replaced.keys.map(normalise));
  const privileged = (sink.model?.fields ?? []).filter((field) => isPrivileged(field) && !kept.has(normalise(field)) && !named.has(normalise(field)));
  const target = sink.model ? `model ${sink.model.name}` : sink.modelName ? `${sink.modelName}` : 'the record';
  const setByCode = (sink.model?.fields ?? []).filter((field) => isPrivileged(field) && (kept.has(normalise(field)) || named.has(normalise(field))));
  const exposure =
    privileged.length > 0
      ? `the client can set ${target}'s ${privileged.map((field) => `'${field}'`).join(', ')}`
      : setByCode.length > 0 || replaced.privileged
        ? `the client can set any other column of ${target}, such as its id or timestamps`
        : sink.model
        ? `the client can set any column of ${target}, such as its id or timestamps (no role, owner or balance field is declared on it)`
        : `the client can set any field of ${target}, such as a role, owner or balance column`;
  const overrides = overridden.length > 0 ? ` (the code sets ${overridden.join(', ')} itself)` : '';
  // An admin-only route (every role its guard allows is an administrator): the caller may set privileged fields by design.
  const roleGuard = administratorGuard(tainted.route);
  const guarded = roleGuard ? `; the route is limited by ${roleGuard.name}` : '';
  ctx.report({
    file: tainted.file.path,
    ...sinkSpan(tainted),
    message: `Request body ${source} is written whole to ${sink.label} in ${routeLabel(tainted)}${overrides} with no validator that whitelists its fields: ${replaced.text}${exposure}${guarded}.`,
    trace: sinkTrace(tainted, whole.taint, `${sink.label} writes every field of the body`),
    // High when a privileged field is in sight (the model's, or one the code sets before the body
    // replaces it) and the caller is not a role-checked admin; the rule's medium otherwise.
    ...((privileged.length > 0 || replaced.privileged) && !roleGuard ? { severity: 'high' as const } : {}),
    ...routeOfSink(tainted),
  });
}

/**
 * What the message says of the keys the code sets before the body's spread (`{ userId: me, ...body }`):
 * the body's own key replaces each, so a value the code meant to decide (the signed-in caller as
 * owner, a default role) is the client's. `privileged` when one is the caller or a privileged field.
 */
function replacedKeys(tainted: TaintedCall, whole: WholeBody, kept: ReadonlySet<string>): { text: string; privileged: boolean; keys: string[] } {
  const seen = new Set<string>();
  const replaced = whole.shadowed.filter((shadowed) => {
    const key = normalise(shadowed.key);
    if (kept.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (replaced.length === 0) return { text: '', privileged: false, keys: [] };
  const described = replaced.map((shadowed) => {
    const origin = tainted.originOf(shadowed.value);
    return { key: shadowed.key, caller: origin.kind === 'principal' ? origin.label : undefined, privileged: origin.kind === 'principal' || isPrivileged(shadowed.key) };
  });
  const owned = described.filter((key) => key.privileged);
  const others = described.filter((key) => !key.privileged).map((key) => key.key);
  if (owned.length === 0) return { text: `the code sets ${others.join(', ')} before spreading the body over them, so the body's own values replace them; `, privileged: false, keys: [] };
  const named = owned.map((key) => (key.caller ? `${key.key} (the signed-in caller, ${key.caller})` : key.key)).join(', ');
  const rest = others.length > 0 ? ` (and ${others.join(', ')})` : '';
  const consequence = owned.some((key) => key.caller) ? ', so a client can write a record in another user\'s name' : '';
  return { text: `the code sets ${named}${rest} before spreading the body over it, and the body's own ${owned.map((key) => key.key).join(', ')} replaces the code's value${consequence}; `, privileged: true, keys: owned.map((key) => key.key) };
}

/**
 * Keys the handler (or the function holding the write) sets on the body itself before the write:
 * `req.body.user = req.user.id` makes the owner the server's choice.
 */
function assignedBeforeWrite(tainted: TaintedCall, source: string): string[] {
  if (!/^[\w$.]+$/.test(source)) return [];
  const pattern = new RegExp(`(?:^|[^\\w$.])${source.replace(/[.$]/g, '\\$&')}\\s*\\.\\s*([A-Za-z_$][\\w$]*)\\s*=(?!=)`, 'g');
  const keys = new Set<string>();
  const bodies = [tainted.route.handler?.node, enclosingFunction(tainted.call)];
  for (const fn of bodies) {
    const body = fn && (fn as ts.SignatureDeclaration & { body?: ts.Node }).body;
    if (!body || body.getSourceFile() !== tainted.call.getSourceFile() || body.getStart() > tainted.call.getStart()) continue;
    const text = tainted.file.text.slice(body.getStart(), tainted.call.getStart());
    for (const match of text.matchAll(pattern)) keys.add(match[1]!);
  }
  return [...keys];
}

/**
 * Keys the code sets on a record built from the body before it is saved:
 * `const article = new Article(req.body.article); article.author = user; await article.save()`
 * makes the author the server's choice (the body's `author` is overwritten).
 */
function assignedOnBuiltRecord(tainted: TaintedCall): string[] {
  const call = tainted.call;
  const isBuild = ts.isNewExpression(call) || (ts.isPropertyAccessExpression(skipOuterExpressions(call.expression)) && (skipOuterExpressions(call.expression) as ts.PropertyAccessExpression).name.text === 'build');
  if (!isBuild) return [];
  let top: ts.Node = call;
  while (ts.isAwaitExpression(top.parent) || ts.isParenthesizedExpression(top.parent)) top = top.parent;
  const declaration = top.parent;
  if (!ts.isVariableDeclaration(declaration) || declaration.initializer !== top || !ts.isIdentifier(declaration.name)) return [];
  const fn = enclosingFunction(call);
  const body = fn && (fn as ts.SignatureDeclaration & { body?: ts.Node }).body;
  if (!body) return [];
  const name = declaration.name.text.replace(/[$]/g, '\\$&');
  const text = tainted.file.text.slice(declaration.getEnd(), body.getEnd());
  const keys = new Set<string>();
  for (const match of text.matchAll(new RegExp(`(?:^|[^\\w$.])${name}\\s*\\.\\s*([A-Za-z_$][\\w$]*)\\s*=(?!=)`, 'g'))) keys.add(match[1]!);
  return [...keys];
}

function enclosingFunction(node: ts.Node): ts.Node | undefined {
  for (let current = node.parent; current; current = current.parent) if (ts.isFunctionLike(current)) return current;
  return undefined;
}

function isPrivileged(field: string): boolean {
  return PRIVILEGED_FIELDS.has(normalise(field));
}

function normalise(field: string): string {
  return field.toLowerCase().replace(/[_-]/g, '');
}

/** The write a tainted call performs and where its new values are, or undefined when it writes no record. */
function valuesSink(ctx: RuleContext, tainted: TaintedCall, models: readonly EntityModel[]): ValuesSink | undefined {
  const call = tainted.call;
  if (ts.isNewExpression(call)) {
    const callee = skipOuterExpressions(call.expression);
    // `client.send(new PutCommand({ TableName, Item: body }))`: the command holds the request (send's argument is opaque to the dataflow).
    const command = ts.isIdentifier(callee) ? dynamoPutCommand(ctx, tainted, callee) : undefined;
    if (command && call.arguments?.[0]) {
      const item = dynamoItem(call.arguments[0]);
      const request = dynamoRequestObject(call.arguments[0]);
      const table = request?.properties.find((property) => property.name && propertyNameText(property.name) === 'TableName');
      const tableName = table && ts.isPropertyAssignment(table) && ts.isStringLiteralLike(skipOuterExpressions(table.initializer)) ? (skipOuterExpressions(table.initializer) as ts.StringLiteral).text : undefined;
      return item ? { label: `new ${command}()`, values: [item], ...(tableName ? { modelName: `table ${tableName}` } : {}) } : undefined;
    }
    // `new User(req.body)`: a Mongoose document or an entity built from the body, saved next.
    const model = ts.isIdentifier(callee) ? codeModel(models, callee.text) : undefined;
    if (!model || !call.arguments?.[0] || ownConstructorPicks(ctx, tainted, callee as ts.Identifier)) return undefined;
    return { label: `new ${model.name}()`, values: [call.arguments[0]], model };
  }
  const callee = skipOuterExpressions(call.expression);
  const calleeText = compact(callee);
  // Object.assign(user, req.body) onto a record loaded or built in this function.
  if (PROPERTY_COPIERS.includes(calleeText) && call.arguments.length >= 2) {
    const record = loadedRecord(ctx, tainted, call.arguments[0]!, models);
    return record ? { label: `${calleeText}() onto ${record.label}`, values: call.arguments.slice(1), ...recordModel(record) } : undefined;
  }
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const receiver = skipOuterExpressions(callee.expression);
  // db.insert(users).values(req.body), db.update(users).set(req.body)
  if (DRIZZLE_VALUES_METHODS.includes(method) && ts.isCallExpression(receiver)) {
    const builder = classifyCall(receiver, tainted.file, [], ctx.modules);
    if (builder?.library === 'drizzle' && builder.operation === 'write' && call.arguments[0]) {
      return { label: `${compact(receiver.expression)}(${builder.model ?? ''}).${method}()`, values: [call.arguments[0]], ...(builder.model ? { modelName: `table ${builder.model}` } : {}) };
    }
  }
  // db.insertInto('users').values(req.body).execute(), db.updateTable('users').set(req.body).where(...).execute()
  const kysely = call.arguments[0] ? kyselyValuesWrite(call, tainted.file, ctx.modules) : undefined;
  if (kysely) return { label: `${kysely.method}('${kysely.model ?? ''}').${method}()`, values: [call.arguments[0]!], ...(kysely.model ? { modelName: `table ${kysely.model}` } : {}) };
  const access = classifyCall(call, tainted.file, [], ctx.modules) ?? injectedRepositoryWrite(call, method, receiver, tainted, models) ?? knexChainWrite(call, method, receiver, tainted);
  // `ApiKey.save(body, userId)` where the project's model class defines `save` itself: its own code
  // decides which fields it writes, and the writes inside it are judged where they are.
  if (access?.operation === 'write' && access.library === 'model' && projectDefinedMethod(ctx, tainted, call)) return undefined;
  if (access?.operation === 'write') return ormSink(call, access, models);
  // Sequelize `User.build(req.body)`: an instance built from the body, saved next.
  if (method === 'build' && ts.isIdentifier(receiver) && call.arguments[0]) {
    const model = codeModel(models, receiver.text);
    if (model) return { label: `${receiver.text}.build()`, values: [call.arguments[0]], model };
  }
  // user.update(req.body), doc.set(req.body) on a record loaded in this function (not `doc.set(path, value)`, one field).
  if (RECORD_SETTERS.includes(method) && call.arguments.length >= 1 && !(method === 'set' && call.arguments.length >= 2)) {
    const record = loadedRecord(ctx, tainted, receiver, models);
    if (record) return { label: `${compact(receiver)}.${method}()`, values: [call.arguments[0]!], ...recordModel(record) };
  }
  return undefined;
}

/** The call runs a method the project's own class declares with a body (a static `save` of its model class), not the ORM's. */
function projectDefinedMethod(ctx: RuleContext, tainted: TaintedCall, call: ts.CallExpression): boolean {
  const callee = resolveFunction(ctx.modules, tainted.file, call.expression);
  return callee !== undefined && ts.isMethodDeclaration(callee.node) && callee.node.body !== undefined;
}

/**
 * `this.orders.save(dto)` in a class that injects `@InjectRepository(Order) orders` (or types it
 * `Repository<Order>`): a repository the data-access names alone do not recognise.
 */
function injectedRepositoryWrite(call: ts.CallExpression, method: string, receiver: ts.Expression, tainted: TaintedCall, models: readonly EntityModel[]): DataAccess | undefined {
  if (!Object.hasOwn(VALUES_ARGUMENT, method) && method !== 'update') return undefined;
  const model = ts.isPropertyAccessExpression(receiver) && receiver.expression.kind === ts.SyntaxKind.ThisKeyword ? modelOfReceiver(receiver, models) : undefined;
  return model ? { operation: 'write', library: 'model', model: model.name, method, call, file: tainted.file, line: 0, via: [] } : undefined;
}

/** `db('projects').insert(body).returning('*')`: a knex write the chain after it hides from the data-access pass. */
function knexChainWrite(call: ts.CallExpression, method: string, receiver: ts.Expression, tainted: TaintedCall): DataAccess | undefined {
  if (!KNEX.creates.includes(method as never) && !KNEX.updates.includes(method as never)) return undefined;
  let root = receiver;
  while (ts.isCallExpression(root) && ts.isPropertyAccessExpression(root.expression)) root = skipOuterExpressions(root.expression.expression);
  if (!ts.isCallExpression(root)) return undefined;
  const callee = skipOuterExpressions(root.expression);
  const table = root.arguments[0] && skipOuterExpressions(root.arguments[0]);
  if (!ts.isIdentifier(callee) || !KNEX.rootNames.includes(callee.text as never) || !table || !ts.isStringLiteralLike(table)) return undefined;
  return { operation: 'write', library: 'knex', model: table.text, method, call, file: tainted.file, line: 0, via: [] };
}

/**
 * An entity class with its own constructor decides which fields it copies (`constructor(dto) {
 * this.name = dto.name }`); one that copies every key (`Object.assign(this, dto)`) does not.
 */
function ownConstructorPicks(ctx: RuleContext, tainted: TaintedCall, name: ts.Identifier): boolean {
  const binding = ctx.modules.resolveName(tainted.file, name.text);
  if (binding?.kind !== 'declaration' || !ts.isClassDeclaration(binding.node)) return false;
  const constructor = binding.node.members.find(ts.isConstructorDeclaration);
  if (!constructor?.body || constructor.parameters.length === 0) return false;
  return !/\bObject\.assign\s*\(\s*this\b|\.\.\./.test(constructor.body.getText());
}

function ormSink(call: ts.CallExpression, access: DataAccess, models: readonly EntityModel[]): ValuesSink | undefined {
  const written = `${compact(call.expression)}()`;
  // A long query-builder chain is named by its table and method: `projects.update() (knex)`.
  const label = written.length > 60 && access.model ? `${access.model}.${access.method}() (${access.library})` : written;
  const model = modelOfAccess(access, models);
  const named = { ...(model ? { model } : {}), ...(access.model ? { modelName: access.library === 'knex' || access.library === 'mongodb' ? `table ${access.model}` : `model ${access.model}` } : {}) };
  if (access.library === 'prisma') {
    if (!PRISMA_WRITES.has(access.method) || !call.arguments[0]) return undefined;
    const argument = objectLiteralOf(call.arguments[0]);
    if (!argument) return { label, values: [call.arguments[0]], ...named };
    const values = argument.properties.flatMap((property) => {
      const name = property.name && propertyNameText(property.name);
      if (!name || !PRISMA_VALUES_PROPERTIES.includes(name)) return [];
      if (ts.isPropertyAssignment(property)) return [property.initializer];
      return ts.isShorthandPropertyAssignment(property) ? [property.name] : [];
    });
    return values.length > 0 ? { label, values, ...named } : undefined;
  }
  if (access.library === 'dynamodb') {
    // `put({ TableName, Item: body })`, `send(new PutCommand({ Item: body }))`: the item is the whole new record.
    const value = access.creates && access.request ? dynamoItem(access.request) : undefined;
    return value ? { label, values: [value], ...(access.model ? { modelName: `table ${access.model}` } : {}) } : undefined;
  }
  if (access.library !== 'model' && access.library !== 'mongodb' && access.library !== 'knex') return undefined;
  let position = VALUES_ARGUMENT[access.method];
  if (access.method === 'update') {
    // Sequelize `Model.update(values, { where })`; TypeORM `repo.update(criteria, values)`; knex `.update(values)`.
    const options = call.arguments[1] && objectLiteralOf(call.arguments[1]);
    const sequelizeShape = call.arguments.length === 1 || (options && options.properties.some((property) => property.name && propertyNameText(property.name) === 'where'));
    position = { index: sequelizeShape ? 0 : 1 };
  }
  if (!position) return undefined;
  const values = position.rest ? call.arguments.slice(position.index) : call.arguments[position.index] ? [call.arguments[position.index]!] : [];
  return values.length > 0 ? { label, values, ...named } : undefined;
}

/** The `Item` of a DynamoDB put request (a literal or the local holding it). */
function dynamoItem(requestExpression: ts.Expression): ts.Expression | undefined {
  const request = dynamoRequestObject(requestExpression);
  const item = request?.properties.find((property) => property.name && propertyNameText(property.name) === DYNAMODB_ITEM_PROPERTY);
  return item && (ts.isPropertyAssignment(item) ? item.initializer : ts.isShorthandPropertyAssignment(item) ? item.name : undefined);
}

/** `PutCommand` / `PutItemCommand` imported from the AWS SDK: a command that writes a whole item. */
function dynamoPutCommand(ctx: RuleContext, tainted: TaintedCall, callee: ts.Identifier): string | undefined {
  if (!Object.hasOwn(DYNAMODB_COMMANDS, callee.text) || DYNAMODB_COMMANDS[callee.text] !== 'create') return undefined;
  const binding = ctx.modules.resolveName(tainted.file, callee.text);
  return binding?.kind === 'external' && DYNAMODB_COMMAND_PACKAGES.includes(binding.module) ? callee.text : undefined;
}

interface LoadedRecord {
  label: string;
  model?: EntityModel;
  modelName?: string;
}

function recordModel(record: LoadedRecord): { model?: EntityModel; modelName?: string } {
  return { ...(record.model ? { model: record.model } : {}), ...(record.modelName ? { modelName: record.modelName } : {}) };
}

/**
 * `user` in `Object.assign(user, body)` when it holds a stored record: a local whose value came
 * from an ORM read that returns records (`await User.findById(id)`, `this.repo.findOneBy(...)`)
 * or a model built in place (`new User()`, `repo.create()`).
 */
function loadedRecord(ctx: RuleContext, tainted: TaintedCall, expression: ts.Expression, models: readonly EntityModel[]): LoadedRecord | undefined {
  const target = skipOuterExpressions(expression);
  if (!ts.isIdentifier(target)) return undefined;
  const declaration = localDeclaration(target);
  const initializer = declaration && ts.isIdentifier(declaration.name) && declaration.initializer ? stripChain(skipOuterExpressions(declaration.initializer)) : undefined;
  if (!initializer) return undefined;
  if (ts.isNewExpression(initializer)) {
    const callee = skipOuterExpressions(initializer.expression);
    const model = ts.isIdentifier(callee) ? codeModel(models, callee.text) : undefined;
    return model ? { label: `${target.text} (a new ${model.name})`, model } : undefined;
  }
  if (!ts.isCallExpression(initializer)) return undefined;
  const access = classifyCall(initializer, tainted.file, [], ctx.modules);
  if (!access || !(RECORD_RETURNING.has(access.method) || access.method === 'create')) return undefined;
  const model = modelOfAccess(access, models);
  return { label: `${target.text} (loaded by ${compact(initializer.expression)}())`, ...(model ? { model } : {}), ...(access.model ? { modelName: `model ${access.model}` } : {}) };
}

/** `User.findById(id).exec()`, `.orFail()`: the query the chain runs. */
function stripChain(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (ts.isCallExpression(current) && ts.isPropertyAccessExpression(current.expression) && /^(?:exec|orFail|lean)$/.test(current.expression.name.text) && ts.isCallExpression(skipOuterExpressions(current.expression.expression))) {
    current = skipOuterExpressions(current.expression.expression);
  }
  return current;
}

function objectLiteralOf(expression: ts.Expression): ts.ObjectLiteralExpression | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isObjectLiteralExpression(value)) return value;
  if (ts.isIdentifier(value)) {
    const declaration = localDeclaration(value);
    const initializer = declaration && ts.isIdentifier(declaration.name) && declaration.initializer && skipOuterExpressions(declaration.initializer);
    if (initializer && ts.isObjectLiteralExpression(initializer)) return initializer;
  }
  return undefined;
}

/**
 * The whole request body inside a values expression: the expression itself, a spread of it in an
 * object literal, a `$set` operand, or a local holding one of those. A field read by name
 * (`body.name`) is not the whole body: the dataflow drops the body's bag marker on a member read.
 */
function wholeBody(tainted: TaintedCall, expression: ts.Expression, hops: number): WholeBody | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isObjectLiteralExpression(value)) {
    for (const [index, property] of value.properties.entries()) {
      const name = property.name && propertyNameText(property.name);
      if (ts.isPropertyAssignment(property) && name && VALUE_SETTING_OPERATORS.includes(name)) {
        const hit = wholeBody(tainted, property.initializer, hops);
        if (hit) return hit;
      }
      if (!ts.isSpreadAssignment(property)) continue;
      const hit = wholeBody(tainted, property.expression, hops);
      if (!hit) continue;
      const later = value.properties.slice(index + 1).flatMap((after) => (after.name && propertyNameText(after.name) ? [propertyNameText(after.name)!] : []));
      const earlier = keysSetIn(value.properties.slice(0, index), hops);
      return { ...hit, overridden: [...hit.overridden, ...later], shadowed: [...hit.shadowed, ...earlier] };
    }
    return undefined;
  }
  if (ts.isConditionalExpression(value)) return wholeBody(tainted, value.whenTrue, hops) ?? wholeBody(tainted, value.whenFalse, hops);
  // `...(name && { name })`: the object after `&&` is what the spread adds (a falsy condition adds nothing);
  // `...(req.body.meta || {})`: either side may be what it adds.
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) return wholeBody(tainted, value.right, hops);
  if (ts.isBinaryExpression(value) && (value.operatorToken.kind === ts.SyntaxKind.BarBarToken || value.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) {
    return wholeBody(tainted, value.left, hops) ?? wholeBody(tainted, value.right, hops);
  }
  let dropped: string[] = [];
  if (ts.isIdentifier(value) && hops < MAX_LOCAL_HOPS) {
    const declaration = localDeclaration(value);
    if (declaration && ts.isIdentifier(declaration.name) && declaration.initializer) {
      const initializer = skipOuterExpressions(declaration.initializer);
      if (ts.isObjectLiteralExpression(initializer) || ts.isConditionalExpression(initializer)) return wholeBody(tainted, initializer, hops + 1);
    }
    if (declaration && ts.isObjectBindingPattern(declaration.name)) dropped = restSiblings(declaration.name, value.text);
  }
  const origin = tainted.originOf(value);
  // `req.body.role = 'member'` before the body is written: the whole body, with the members the code set.
  if (origin.kind === 'tainted' && origin.fields && origin.rest?.kind === 'tainted' && !origin.rest.fields && isWholeBodyObject(origin.rest.taint)) {
    return { taint: origin.rest.taint, overridden: Object.keys(origin.fields), dropped, shadowed: [] };
  }
  if (origin.kind !== 'tainted' || origin.fields || !isWholeBodyObject(origin.taint)) return undefined;
  const taint = origin.taint;
  if (taint.transforms.some((transform) => FIELD_PICKERS.includes(transform))) return undefined;
  // `_.omit(req.body, [...])`: a denylist whose keys the transform does not keep; judged like a rest destructuring that drops one.
  if (taint.transforms.some((transform) => FIELD_DROPPERS.includes(transform))) return undefined;
  return { taint, overridden: [], dropped, shadowed: [] };
}

/**
 * The keys an object literal's members set, with their values: named members, and the members of a
 * spread local built as an object literal (`const ownerField = { userId: me }; { ...ownerField }`).
 */
function keysSetIn(properties: readonly ts.ObjectLiteralElementLike[], hops: number): ShadowedKey[] {
  return properties.flatMap((property): ShadowedKey[] => {
    if (ts.isPropertyAssignment(property)) {
      const key = propertyNameText(property.name);
      return key ? [{ key, value: property.initializer }] : [];
    }
    if (ts.isShorthandPropertyAssignment(property)) return [{ key: property.name.text, value: property.name }];
    if (!ts.isSpreadAssignment(property) || hops >= MAX_LOCAL_HOPS) return [];
    const spread = skipOuterExpressions(property.expression);
    if (ts.isObjectLiteralExpression(spread)) return keysSetIn(spread.properties, hops + 1);
    const declaration = ts.isIdentifier(spread) ? localDeclaration(spread) : undefined;
    const initializer = declaration && ts.isIdentifier(declaration.name) && declaration.initializer ? skipOuterExpressions(declaration.initializer) : undefined;
    return initializer && ts.isObjectLiteralExpression(initializer) ? keysSetIn(initializer.properties, hops + 1) : [];
  });
}

/**
 * Request body data as a whole object: the body itself (`req.body`, the bag), or an object nested
 * in it or parsed from it (`req.body.user`, `const { profile } = req.body`, Lambda's
 * `JSON.parse(event.body)`). At a write's values position a body value is an object whose keys the
 * client chose; a field picked by name shows as an object literal (with fields) and never gets here.
 */
function isWholeBodyObject(taint: Taint): boolean {
  if (taint.inputBag === 'body') return true;
  return taint.inputBag === undefined && taint.requestObject === undefined && taint.source.kind === 'body';
}

/** `const { role, isAdmin, ...data } = req.body`: for `data`, the keys named beside the rest element. */
function restSiblings(pattern: ts.ObjectBindingPattern, name: string): string[] {
  const rest = pattern.elements.find((element) => element.dotDotDotToken && ts.isIdentifier(element.name) && element.name.text === name);
  if (!rest) return [];
  return pattern.elements.flatMap((element) => {
    if (element === rest) return [];
    const key = element.propertyName ? propertyNameText(element.propertyName) : ts.isIdentifier(element.name) ? element.name.text : undefined;
    return key ? [key] : [];
  });
}

/**
 * A validator in front of the handler that whitelists the body: a NestJS DTO under a
 * ValidationPipe with `whitelist: true`, a tRPC input schema (zod strips unknown keys unless told
 * to keep them), or a route validation middleware other than express-validator chains.
 */
function whitelistedBefore(tainted: TaintedCall, taint: Taint, nestWhitelists: boolean): boolean {
  const route = tainted.route;
  if (route.framework === 'trpc' || route.framework === 'orpc') {
    const inputs = route.middleware.filter((middleware) => middleware.kind === 'validation');
    return inputs.length === 0 || !inputs.some((middleware) => KEY_KEEPING_SCHEMA.test(middleware.name));
  }
  if (/^@Body\(\) /.test(taint.source.label)) {
    // `@Body() dto.profile`: the parameter is `dto` (a nested DTO is validated with its parent).
    const parameterName = taint.source.label.slice('@Body() '.length).split('.')[0]!;
    if (bodyPipe(route, parameterName) !== undefined) return true;
    // `@UsePipes(new ZodValidationPipe(schema))` on the route or its controller: the pipe's output replaces the body.
    if (route.middleware.some((middleware) => middleware.kind === 'validation' && middleware.scope !== 'global' && !PLAIN_VALIDATION_PIPE.test(middleware.name))) return true;
    return (nestWhitelists || whitelistsClassBodies(route)) && dtoTyped(route, parameterName);
  }
  return route.middleware.some((middleware) => middleware.kind === 'validation' && middleware.scope !== 'global' && !NON_WHITELISTING_VALIDATORS.test(middleware.name) && !KEY_KEEPING_SCHEMA.test(middleware.name));
}

function whitelistEvidence(tainted: TaintedCall, taint: Taint, nestWhitelists: boolean): string {
  const pipe = /^@Body\(\) /.test(taint.source.label) ? bodyPipe(tainted.route, taint.source.label.slice('@Body() '.length).split('.')[0]!) : undefined;
  if (pipe) return `${pipe} on @Body()`;
  const validation = tainted.route.middleware.find((middleware) => middleware.kind === 'validation' && middleware.scope !== 'global');
  if (validation) return `${validation.name}, ${validation.file}:${validation.line}`;
  if (whitelistsClassBodies(tainted.route)) return 'a class DTO under routing-controllers validation { whitelist: true }';
  return nestWhitelists ? 'a class DTO under ValidationPipe({ whitelist: true })' : 'a tRPC input schema';
}

/** routing-controllers' server option `validation: { whitelist: true }`: class-validator strips undeclared properties of class-typed bodies. */
function whitelistsClassBodies(route: Route): boolean {
  return route.framework === 'routing-controllers' && route.middleware.some((middleware) => middleware.kind === 'validation' && middleware.scope === 'global' && NEST_WHITELIST_OPTION.test(middleware.name));
}

/**
 * A pipe given to the body decorator (`@Body(new ZodValidationPipe(schema)) input`): the handler
 * receives the pipe's output, a schema's parsed value. A plain `ValidationPipe` counts only with
 * `whitelist: true`. Returns the pipe as written, or undefined.
 */
function bodyPipe(route: Route, parameterName: string): string | undefined {
  const handler = route.handler?.node;
  const parameter = handler?.parameters.find((candidate) => ts.isIdentifier(candidate.name) && candidate.name.text === parameterName);
  for (const decorator of parameter ? (ts.getDecorators(parameter) ?? []) : []) {
    const expression = decorator.expression;
    if (!ts.isCallExpression(expression) || !ts.isIdentifier(expression.expression) || expression.expression.text !== 'Body') continue;
    for (const argument of expression.arguments) {
      if (ts.isStringLiteralLike(argument)) continue;
      const text = argument.getText(handler!.getSourceFile());
      if (PLAIN_VALIDATION_PIPE.test(text) && !NEST_WHITELIST_OPTION.test(text)) continue;
      return text;
    }
  }
  return undefined;
}

/**
 * `@Body() dto: UpdateLibraryDto` where `class UpdateLibraryDto extends createZodDto(UpdateLibrarySchema)`
 * (nestjs-zod), under that package's ZodValidationPipe (APP_PIPE, useGlobalPipes or on the route): the
 * handler receives the schema's parse, which drops keys the schema does not name unless the schema
 * keeps them (`.passthrough()`, `z.looseObject`). How, or undefined.
 */
function zodDtoParse(ctx: RuleContext, route: Route, taint: Taint): string | undefined {
  if (!/^@Body\(\) /.test(taint.source.label)) return undefined;
  const parameterName = taint.source.label.slice('@Body() '.length).split('.')[0]!;
  const pipe = route.middleware.find((middleware) => middleware.kind === 'validation' && Object.values(ZOD_DTO_PACKAGES).some((model) => new RegExp(`\\b${model.pipe}\\b`).test(middleware.name)));
  const handler = route.handler?.node;
  const parameter = handler?.parameters.find((candidate) => ts.isIdentifier(candidate.name) && candidate.name.text === parameterName);
  const type = parameter?.type;
  const file = handler && ctx.modules.fileOf(handler);
  if (!pipe || !file || !type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return undefined;
  const binding = ctx.modules.resolveName(file, type.typeName.text);
  const dto = bindingValue(binding);
  if (binding?.kind !== 'declaration' || !dto || !ts.isClassDeclaration(dto)) return undefined;
  const extended = dto.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
  const factoryCall = extended && skipOuterExpressions(extended);
  if (!factoryCall || !ts.isCallExpression(factoryCall) || !ts.isIdentifier(factoryCall.expression) || !factoryCall.arguments[0]) return undefined;
  const factory = ctx.modules.resolveName(binding.file, factoryCall.expression.text);
  if (factory?.kind !== 'external' || ZOD_DTO_PACKAGES[factory.module]?.dtoFactory !== factory.importedName) return undefined;
  // The schema as written, where the code declares it: one that keeps unknown keys whitelists nothing.
  const schema = skipOuterExpressions(factoryCall.arguments[0]);
  const schemaBinding = ts.isIdentifier(schema) ? ctx.modules.resolveName(binding.file, schema.text) : undefined;
  const schemaValue = schemaBinding?.kind === 'declaration' ? bindingValue(schemaBinding) : schema;
  if (schemaValue && KEY_KEEPING_SCHEMA.test(schemaValue.getText())) return undefined;
  return `${pipe.name} parses ${type.typeName.text}, a ${factory.importedName}() class of ${factory.module}`;
}

/** `@Body() dto: CreateUserDto`: typed with a class (ValidationPipe validates and whitelists classes only, never interfaces or `any`). */
function dtoTyped(route: Route, parameterName: string): boolean {
  const handler = route.handler?.node;
  const parameter = handler?.parameters.find((candidate) => ts.isIdentifier(candidate.name) && candidate.name.text === parameterName);
  const type = parameter?.type;
  if (!type || !ts.isTypeReferenceNode(type)) return false;
  // A class DTO by convention; an interface or type alias would be erased and validate nothing.
  const sourceFile = handler!.getSourceFile();
  const typeName = type.typeName.getText(sourceFile);
  return !new RegExp(`\\b(?:interface|type)\\s+${typeName.replace(/\W/g, '')}\\b`).test(sourceFile.text);
}

function compact(node: ts.Node): string {
  return node.getText(node.getSourceFile()).replace(/\s+/g, '').replace(/\?\./g, '.');
}
