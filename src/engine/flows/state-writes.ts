/**
 * The state writes and effects a route's walk meets (route-flow.ts): assignments to a state field,
 * ORM writes given objects (Prisma, Sequelize, TypeORM, Mongoose, knex/drizzle chains), raw SQL
 * UPDATE/INSERT with their parameter values, and the filtered reads that check state as they load.
 */
import { ts } from '#typescript';
import { propertyNameText, propertyValue, skipOuterExpressions } from '../ast/syntax.js';
import { localBinding, localConstInitializer } from '../names/index.js';
import type { FlowLocation } from './flow-facts.js';
import { criteriaObjects, frameLiteral, frameLocation, isFreshObject, type Frame, type FlowRecorder } from './flow-frame.js';
import { BALANCE_FIELD, CREATE_METHODS, EXPIRY_FIELD, RECORD_KEY, SECRET_FIELD, SECRET_GENERATOR, STATE_FIELD, WRITTEN_FLAG } from './flow-patterns.js';
import { asObject, calleeText, chainWhere, criteriaFields, enclosingClassName, insideCatch, isResultUsed, stateRequirements, truncate } from './flow-syntax.js';

/** `order.status = 'shipped'`, `this.state = OrderState.Paid`. */
export function assignmentWrite(walker: FlowRecorder, node: ts.BinaryExpression, frame: Frame): void {
  const left = skipOuterExpressions(node.left);
  // `this.resetPasswordGuid = randomUUID()` (or a local made by one) in an entity's method: the request issues a link.
  if (ts.isPropertyAccessExpression(left) && SECRET_FIELD.test(left.name.text) && freshSecret(node.right)) walker.issuedSecrets.push(frameLocation(node, frame));
  if (!ts.isPropertyAccessExpression(left) || !(STATE_FIELD.test(left.name.text) || WRITTEN_FLAG.test(left.name.text))) return;
  const owner = skipOuterExpressions(left.expression);
  const ownerName = ts.isIdentifier(owner) ? owner.text : owner.kind === ts.SyntaxKind.ThisKeyword ? enclosingClassName(node) : undefined;
  if (!ownerName || /^(?:req|request|ctx|res|reply|response|context|c|this\.state)$/.test(ownerName)) return;
  // `for (const phase of summary.phases) phase.status = 'skipped'` where `summary` is what a computation returned: a report, not a stored record.
  if (ts.isIdentifier(owner) && itemOfComputedResult(owner, frame)) return;
  // A record built in this function (`new Order()`, `{}`) gets its first state, not a transition.
  const creates = ts.isIdentifier(owner) && isFreshObject(owner.text, frame, 0, walker.modules);
  const value = frameLiteral(walker.modules, node.right, frame);
  if (WRITTEN_FLAG.test(left.name.text) && value === undefined && !/^(?:Date\.now\(\)|new Date\(.*\))$/.test(node.right.getText(frame.fn.file.sourceFile))) return;
  const seq = walker.nextSeq();
  const loaded = ts.isIdentifier(owner) ? frame.loaded.get(owner.text) : undefined;
  walker.writes.push({
    ...frameLocation(node, frame),
    entity: loaded?.model ?? ownerName,
    field: left.name.text,
    ...(value !== undefined ? { value } : WRITTEN_FLAG.test(left.name.text) ? { value: 'true' } : {}),
    creates,
    resultUsed: true,
    seq,
    via: frame.via,
    ...(insideCatch(node) || beforeThrow(node) ? { inCatch: true } : {}),
    ...pickedByRequest(node, frame),
  });
}

/** A request value as a `switch` reads it: `req.params.status`, `request.body.state`, `ctx.params.action`. */
const REQUEST_VALUE = /^(?:req|request|ctx|ctx\.request|c\.req)\s*\.\s*(?:params|body|query)\s*\.\s*[\w$]+$/;

/** The request value of the `switch` whose case holds the write, in the same function: the caller picks the case. */
function pickedByRequest(node: ts.Node, frame: Frame): { pickedBy?: string } {
  for (let current: ts.Node = node; current.parent && !ts.isFunctionLike(current); current = current.parent) {
    if (!ts.isCaseClause(current)) continue;
    const discriminant = skipOuterExpressions(current.parent.parent.expression).getText(frame.fn.file.sourceFile).replace(/\s+/g, '');
    return REQUEST_VALUE.test(discriminant) ? { pickedBy: discriminant } : {};
  }
  return {};
}

/** `randomUUID()`, or a local const it initialized (`const guid = randomUUID(); this.link = guid`). */
function freshSecret(expression: ts.Expression): boolean {
  let value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value)) value = localConstInitializer(value) ?? value;
  return ts.isCallExpression(value) && SECRET_GENERATOR.test(calleeText(value));
}

/**
 * The loop variable of a `for...of` over what a call returned that neither loads records (no data
 * access, no loader name like find/get/load): the items of a computed result. Followed through the
 * parameters a caller bound (`writeMonitorsPhase(pc, phase)` inside `for (const phase of summary.phases)`)
 * and the parts read from them (`const resource = phase.resources[0]`).
 */
function itemOfComputedResult(name: ts.Identifier, frame: Frame, viaLoop = false, depth = 0): boolean {
  if (depth > 6) return false;
  const loaded = frame.loaded.get(name.text);
  if (loaded) return viaLoop && !loaded.isRead && loaded.model === undefined;
  const bound = frame.bindings.get(name.text);
  if (bound) {
    const root = rootName(bound.expression);
    return root !== undefined && itemOfComputedResult(root, bound.frame, viaLoop, depth + 1);
  }
  const declaration = localBinding(name);
  // `const resource = phase.resources[0]`: a part of what the name it is read from holds.
  const initial = declaration && ts.isVariableDeclaration(declaration) && declaration.initializer ? skipOuterExpressions(declaration.initializer) : undefined;
  if (initial && (ts.isPropertyAccessExpression(initial) || ts.isElementAccessExpression(initial))) {
    const root = rootName(initial);
    return root !== undefined && root !== name && itemOfComputedResult(root, frame, true, depth + 1);
  }
  const list = declaration?.parent;
  const loop = list && ts.isVariableDeclarationList(list) ? list.parent : undefined;
  if (!loop || !ts.isForOfStatement(loop) || loop.initializer !== list) return false;
  const root = rootName(loop.expression);
  return root !== undefined && itemOfComputedResult(root, frame, true, depth + 1);
}

/** `summary` of `summary.phases`, `rows[0].items`. */
function rootName(expression: ts.Expression): ts.Identifier | undefined {
  let root = skipOuterExpressions(expression);
  while (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root)) root = skipOuterExpressions(root.expression);
  return ts.isIdentifier(root) ? root : undefined;
}

/** `record.status = 'ERROR'; await repo.save(record); throw new Error(...)`: the request records that its own work failed, then fails. */
function beforeThrow(node: ts.Node): boolean {
  let statement: ts.Node = node;
  while (statement.parent && !ts.isBlock(statement.parent) && !ts.isSourceFile(statement.parent) && !ts.isFunctionLike(statement.parent)) statement = statement.parent;
  const block = statement.parent;
  if (!block || !ts.isBlock(block)) return false;
  const last = block.statements.at(-1);
  return last !== undefined && last !== statement && ts.isThrowStatement(last);
}

/** ORM writes given objects: Prisma `{ where, data }`, Sequelize `(values, { where })`, TypeORM/Mongoose `(criteria, values)`. */
export function objectWrite(walker: FlowRecorder, call: ts.CallExpression, method: string, model: string | undefined, frame: Frame, location: FlowLocation, seq: number): boolean {
  const objects = call.arguments.map((argument) => skipOuterExpressions(argument)).map((argument) => (ts.isObjectLiteralExpression(argument) ? argument : undefined));
  let values: ts.ObjectLiteralExpression | undefined;
  let criteria: ts.Expression | undefined;
  const first = objects[0];
  const firstData = first && propertyValue(first, 'data');
  if (first && firstData) {
    values = asObject(firstData);
    criteria = propertyValue(first, 'where');
  } else if (objects[1] && propertyValue(objects[1], 'where')) {
    values = first;
    criteria = propertyValue(objects[1], 'where');
  } else if (call.arguments.length >= 2 && !CREATE_METHODS.has(method) && method !== 'save') {
    criteria = call.arguments[0];
    values = objects[1];
  } else {
    values = first;
  }
  if (values) {
    const set = propertyValue(values, '$set');
    if (set && asObject(set)) values = asObject(set);
  }
  // knex/drizzle chains: `.where({ id, status: 'pending' }).update({ status: 'paid' })`, `.set({...}).where(...)`.
  const chainCriteria = chainWhere(call);
  const creates = CREATE_METHODS.has(method);
  const expand = (expression: ts.Expression): ts.Expression[] => criteriaObjects(walker.modules, expression, frame);
  const excluded: string[] = [];
  const required = [...stateRequirements(criteria, (e) => frameLiteral(walker.modules, e, frame), expand, excluded), ...chainCriteria.flatMap((c) => stateRequirements(c, (e) => frameLiteral(walker.modules, e, frame), expand, excluded))];
  // `where: { FromCollectiveId: ids, status: { [Op.not]: [...] } }`: every matching record, none named.
  const filterFields = [criteria, ...chainCriteria].flatMap((item) => (item ? criteriaFields(item) : []));
  const bulk = filterFields.length > 0 && !filterFields.some((field) => RECORD_KEY.test(field) || (model !== undefined && field.toLowerCase() === `${model.toLowerCase()}id`));
  const ownRecord = !creates && [criteria, ...chainCriteria].some((item) => item !== undefined && recordKeyValues(item, model).some((value) => createdEarlierInFlow(value, frame)));
  // `reset_password_token: randomUUID()`, here or in the fields a caller handed a query module's update.
  const valuesArgument = values ? undefined : call.arguments[creates || call.arguments.length < 2 ? 0 : 1];
  if (issuesSecret(values, valuesArgument, frame)) walker.issuedSecrets.push(location);
  let touched = false;
  for (const property of values?.properties ?? []) {
    const field = ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property) ? propertyNameText(property.name) : undefined;
    if (!field) continue;
    const valueExpression = ts.isPropertyAssignment(property) ? property.initializer : (property as ts.ShorthandPropertyAssignment).name;
    if (BALANCE_FIELD.test(field) && (method === 'increment' || method === 'decrement' || /\b(?:increment|decrement)\b|-/.test(valueExpression.getText(frame.fn.file.sourceFile)))) {
      walker.effects.push({ ...location, kind: 'money', description: `changes ${model ?? 'a'} ${field}`, seq, via: frame.via });
    }
    if (!STATE_FIELD.test(field) && !WRITTEN_FLAG.test(field)) continue;
    const value = frameLiteral(walker.modules, valueExpression, frame);
    // A flag set to a computed value (`isPaid: paid`) says nothing about the flow's direction.
    if (WRITTEN_FLAG.test(field) && value === undefined) continue;
    touched = true;
    walker.writes.push({
      ...location,
      ...(model ? { entity: model } : {}),
      field,
      ...(value !== undefined ? { value } : {}),
      creates,
      ...(required.length > 0 ? { requires: required } : {}),
      ...(excluded.length > 0 ? { forbids: excluded } : {}),
      ...(bulk && (required.length > 0 || excluded.length > 0) ? { bulk: true as const } : {}),
      resultUsed: isResultUsed(call),
      seq,
      via: frame.via,
      ...(insideCatch(call) ? { inCatch: true } : {}),
      ...(ownRecord ? { ownRecord: true as const } : {}),
    });
  }
  return touched;
}

/**
 * Whether the written fields give a secret field a freshly generated value (`token: randomUUID()`), looking
 * through the caller's object when the write spreads or passes on a parameter: kutt's `query.user.update({ email },
 * { reset_password_token: randomUUID(), ... })` reaches knex as `.update({ ...update, updated_at })`.
 */
function issuesSecret(values: ts.ObjectLiteralExpression | undefined, argument: ts.Expression | undefined, frame: Frame, depth = 0): boolean {
  if (depth > 3) return false;
  const passed = (expression: ts.Expression): boolean => {
    const value = skipOuterExpressions(expression);
    const bound = ts.isIdentifier(value) ? frame.bindings.get(value.text) : undefined;
    if (!bound) return false;
    const object = skipOuterExpressions(bound.expression);
    return ts.isObjectLiteralExpression(object) ? issuesSecret(object, undefined, bound.frame, depth + 1) : issuesSecret(undefined, object, bound.frame, depth + 1);
  };
  if (!values) return argument !== undefined && passed(argument);
  return values.properties.some((property) => {
    if (ts.isSpreadAssignment(property)) return passed(property.expression);
    if (!ts.isPropertyAssignment(property)) return false;
    const field = propertyNameText(property.name);
    const generated = skipOuterExpressions(property.initializer);
    return field !== undefined && SECRET_FIELD.test(field) && ts.isCallExpression(generated) && SECRET_GENERATOR.test(calleeText(generated));
  });
}

/**
 * The values a filter pins the record key to: `{ id: x }`, `{ deploymentId: x }` (the model's own id), and
 * drizzle's `eq(deployments.deploymentId, x)` (inside `and(...)` too).
 */
function recordKeyValues(criteria: ts.Expression, model: string | undefined): ts.Expression[] {
  const isKey = (field: string): boolean => RECORD_KEY.test(field) || (model !== undefined && field.toLowerCase().replace(/_/g, '') === `${model.toLowerCase().replace(/s$/, '')}id`) || /^[a-z]\w*Id$/.test(field);
  const value = skipOuterExpressions(criteria);
  if (ts.isObjectLiteralExpression(value)) {
    return value.properties.flatMap((property) => {
      const field = property.name ? propertyNameText(property.name) : undefined;
      if (!field || !isKey(field)) return [];
      return ts.isPropertyAssignment(property) ? [property.initializer] : ts.isShorthandPropertyAssignment(property) ? [property.name] : [];
    });
  }
  if (ts.isCallExpression(value)) {
    const name = calleeText(value).split('.').at(-1);
    if (name === 'and') return value.arguments.flatMap((argument) => recordKeyValues(argument, model));
    const [column, key] = value.arguments.map((argument) => skipOuterExpressions(argument));
    if (name === 'eq' && column && key && ts.isPropertyAccessExpression(column) && isKey(column.name.text)) return [key];
  }
  return [];
}

/**
 * Whether a key value is the id of a record this flow created before (`deployment.deploymentId` where
 * `const deployment = await createDeploymentBackup(...)`), followed through the parameters callers bound.
 */
function createdEarlierInFlow(expression: ts.Expression, frame: Frame, depth = 0): boolean {
  if (depth > 6) return false;
  let value = skipOuterExpressions(expression);
  while (ts.isPropertyAccessExpression(value) || ts.isElementAccessExpression(value)) value = skipOuterExpressions(value.expression);
  if (!ts.isIdentifier(value)) return false;
  const bound = frame.bindings.get(value.text);
  if (bound) return createdEarlierInFlow(bound.expression, bound.frame, depth + 1);
  const declaration = localBinding(value);
  const initializer = declaration && ts.isVariableDeclaration(declaration) && declaration.initializer ? skipOuterExpressions(declaration.initializer) : undefined;
  if (!initializer) return false;
  let call: ts.Expression = initializer;
  if (ts.isAwaitExpression(call)) call = skipOuterExpressions(call.expression);
  if (!ts.isCallExpression(call)) return ts.isIdentifier(call) || ts.isPropertyAccessExpression(call) ? createdEarlierInFlow(call, frame, depth + 1) : false;
  // `createDeployment(...)`, `deploymentsService.create(...)`, `db.insert(deployments).values(...).returning()`.
  const callee = calleeText(call);
  return /(?:^|\.)(?:create|insert)(?:[A-Z_]\w*)?$/.test(callee) || /(?:^|\.)insert\(/.test(call.getText());
}

/**
 * TypeORM query builders: `query.where(qb => qb.andWhere({ status: IsNull(), expiredAt: MoreThanOrEqual(new Date()) }))`
 * then `query.getOneOrFail()`. The criteria are every where-call object in the function; the record is the service's entity.
 */
export function queryBuilderRead(walker: FlowRecorder, call: ts.CallExpression, frame: Frame, location: FlowLocation, seq: number, evidence: string): void {
  const criteria: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && /^(?:where|andWhere)$/.test(calleeText(node).split('.').at(-1) ?? '')) {
      for (const argument of node.arguments) if (ts.isObjectLiteralExpression(skipOuterExpressions(argument))) criteria.push(argument);
    }
    ts.forEachChild(node, visit);
  };
  if (frame.fn.node.body) visit(frame.fn.node.body);
  const subject = enclosingClassName(call)?.replace(/(?:Service|Repository|Repo|Store|Dao)$/, '');
  const subjectFields = subject ? { subject, subjectSource: subject } : {};
  if (criteria.some((item) => criteriaFields(item).some((field) => EXPIRY_FIELD.test(field)))) {
    walker.guards.push({ ...location, kind: 'verified-token', evidence, ...subjectFields, expected: [], forbidden: [], seq, scopeEnd: Infinity });
  }
  const excluded: string[] = [];
  const required = criteria.flatMap((item) => stateRequirements(item, (e) => frameLiteral(walker.modules, e, frame), undefined, excluded));
  if (required.length > 0 || excluded.length > 0) walker.guards.push({ ...location, kind: 'conditional-update', evidence, ...subjectFields, expected: required, forbidden: excluded, seq, scopeEnd: Infinity });
}

/** `prisma.order.findFirst({ where: { id, status: 'PENDING' } })` then `if (!order) throw`: the read itself checks the state. */
export function filteredRead(walker: FlowRecorder, call: ts.CallExpression, model: string | undefined, frame: Frame, location: FlowLocation, seq: number): void {
  const argument = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
  let criteria = argument && ts.isObjectLiteralExpression(argument) ? (propertyValue(argument, 'where') ?? argument) : undefined;
  // `const where = { code, codeExpireAt: MoreThanOrEqual(new Date()) }; findOne({ where })`
  if (criteria && ts.isIdentifier(criteria)) criteria = localConstInitializer(criteria) ?? criteria;
  // A repository wrapper's `find(query) { return this.model.find(query) }`: the criteria are the object the
  // caller passed (`jobRepository.find({ transactionId, status: [DELAYED, MERGED] })`), read in the caller's frame.
  let criteriaFrame = frame;
  if (!criteria && argument && ts.isIdentifier(argument)) {
    const bound = frame.bindings.get(argument.text);
    const passed = bound && skipOuterExpressions(bound.expression);
    if (bound && passed && ts.isObjectLiteralExpression(passed)) {
      criteria = propertyValue(passed, 'where') ?? passed;
      criteriaFrame = bound.frame;
    }
  }
  if (!isResultUsed(call) && !/Or(?:Fail|Throw)$/.test(calleeText(call))) return;
  const evidence = truncate(call.getText(frame.fn.file.sourceFile));
  if (criteria && criteriaFields(criteria).some((field) => EXPIRY_FIELD.test(field))) {
    walker.guards.push({ ...location, kind: 'verified-token', evidence, ...(model ? { subject: model, subjectSource: model } : {}), expected: [], forbidden: [], seq, scopeEnd: Infinity });
  }
  const excluded: string[] = [];
  const required = stateRequirements(criteria, (e) => frameLiteral(walker.modules, e, criteriaFrame), (expression) => criteriaObjects(walker.modules, expression, criteriaFrame), excluded);
  if (required.length === 0 && excluded.length === 0) return;
  walker.guards.push({ ...location, kind: 'conditional-update', evidence, ...(model ? { subject: model, subjectSource: model } : {}), expected: required, forbidden: excluded, seq, scopeEnd: Infinity });
}

/** Raw SQL `UPDATE orders SET status = $2 ... WHERE id = $1 AND status = 'pending'`, values from the parameter array. */
export function sqlWrite(walker: FlowRecorder, call: ts.CallExpression, frame: Frame, location: FlowLocation, seq: number): boolean {
  const first = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
  if (!first || !(ts.isStringLiteralLike(first) || ts.isTemplateExpression(first))) return false;
  const sql = ts.isTemplateExpression(first)
    ? first.head.text + first.templateSpans.map((span, index) => `\${${index}}${span.literal.text}`).join('')
    : first.text;
  const update = /^\s*UPDATE\s+["`]?([\w.]+)["`]?(?:\s+(?:AS\s+)?\w+)?\s+SET\s+([\s\S]*?)(?:\s+WHERE\s+([\s\S]*?))?(?:\s+RETURNING\b[\s\S]*)?;?\s*$/i.exec(sql);
  const insert = update ? undefined : /^\s*INSERT\s+INTO\s+["`]?([\w.]+)["`]?/i.exec(sql);
  if (!update && !insert) return false;
  const table = (update ?? insert)![1]!.split('.').at(-1)!;
  walker.effects.push({ ...location, kind: 'write', description: `writes ${table} (SQL ${update ? 'UPDATE' : 'INSERT'})`, seq, via: frame.via });
  if (!update) return true;
  const parameters = call.arguments[1] && skipOuterExpressions(call.arguments[1]);
  const placeholders = [...sql.matchAll(/\$(\d+)|\?|\$\{(\d+)\}/g)];
  const valueOf = (token: string, offset: number): string | undefined => {
    const trimmed = token.trim();
    const quoted = /^'([^']*)'$/.exec(trimmed);
    if (quoted) return quoted[1];
    const numbered = /^\$(\d+)$/.exec(trimmed);
    const templated = /^\$\{(\d+)\}$/.exec(trimmed);
    let expression: ts.Expression | undefined;
    if (templated && ts.isTemplateExpression(first)) expression = first.templateSpans[Number(templated[1])]?.expression;
    else if (parameters && ts.isArrayLiteralExpression(parameters)) {
      const index = numbered ? Number(numbered[1]) - 1 : trimmed === '?' ? placeholders.findIndex((match) => match.index === offset) : -1;
      expression = index >= 0 ? parameters.elements[index] : undefined;
    }
    return expression ? frameLiteral(walker.modules, expression, frame) : undefined;
  };
  const setClause = update![2]!;
  if (/\b\w*(?:balance|credits?|funds)\w*\s*=\s*\w+\s*[-+]/i.test(setClause)) {
    walker.effects.push({ ...location, kind: 'money', description: `changes ${table} balance (SQL)`, seq, via: frame.via });
  }
  const setStart = sql.indexOf(setClause);
  const required: string[] = [];
  const where = update![3];
  if (where) {
    const whereStart = sql.lastIndexOf(where);
    for (const match of where.matchAll(/\b(\w+)\s*(?:=|IN)\s*(\([^)]*\)|'[^']*'|\$\d+|\?|\$\{\d+\})/gi)) {
      if (!STATE_FIELD.test(match[1]!)) continue;
      const list = match[2]!.startsWith('(') ? match[2]!.slice(1, -1).split(',') : [match[2]!];
      for (const item of list) {
        const value = valueOf(item, whereStart + match.index! + match[0].indexOf(item.trim()));
        if (value !== undefined) required.push(value);
      }
    }
  }
  for (const match of setClause.matchAll(/\b(\w+)\s*=\s*('[^']*'|\$\d+|\?|\$\{\d+\}|[^,]+)/g)) {
    if (!STATE_FIELD.test(match[1]!)) continue;
    const value = valueOf(match[2]!, setStart + match.index! + match[0].indexOf(match[2]!));
    walker.writes.push({
      ...location,
      entity: table,
      field: match[1]!,
      ...(value !== undefined ? { value } : {}),
      creates: false,
      ...(required.length > 0 ? { requires: required } : {}),
      resultUsed: isResultUsed(call),
      seq,
      via: frame.via,
      ...(insideCatch(call) ? { inCatch: true } : {}),
    });
  }
  return true;
}
