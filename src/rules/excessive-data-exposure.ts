import { ts } from '#typescript';
import { resolveFunction } from '../engine/ast/functions.js';
import { skipOuterExpressions } from '../engine/ast/module-index.js';
import type { ScannedSourceFile } from '../types.js';
import type { RuleContext } from '../engine/rule-api.js';
import { MONGOOSE } from '../models/orms.js';
import { defineRule } from './define-rule.js';
import { entityModels, modelOfReceiver, QUERY_METHODS, type EntityModel } from './utils/entity-models.js';
import { localDeclaration } from './utils/tainted-sink.js';
import { enclosingFunction } from '../engine/ast/syntax.js';

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

export default defineRule({
  meta: {
    id: 'excessive-data-exposure',
    title: 'Response sends whole records with credential fields',
    severity: 'high',
    confidence: 'medium',
    controls: {
      soc2: ['CC6.1', 'C1.1'],
      owaspApi: ['API3:2023'],
      cwe: ['CWE-213', 'CWE-200'],
      pciDss: ['8.3.2'],
      hipaa: ['164.312(a)(1)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description:
        'Finds responses (res.json/send, reply.send, ctx.body, c.json, NextResponse.json, NestJS controller returns) that send whole Prisma, TypeORM, Sequelize or Mongoose records whose model has password, token or secret fields, with no select, omit, exclude, DTO mapping or toJSON that removes them.',
      remediation:
        'Select only the fields the client needs (Prisma select/omit, TypeORM select, Sequelize attributes, Mongoose projection) or map the record to a response DTO; mark secret columns select: false or @Exclude().',
    },
  },
  analyses: [],
  create(ctx) {
    const models = entityModels(ctx);
    if (!models.some((model) => model.secretFields.length > 0 && !model.serialisesSafely)) return {};
    const judge = (node: ts.Node, file: ScannedSourceFile): void => {
      const sourceFile = file.sourceFile;
      const sent = responseValue(node, sourceFile);
      if (!sent) return;
      const exposed = exposedEntity(ctx, file, sent.value, models, 0);
      if (!exposed) return;
      ctx.report({
        file: file.path,
        start: sent.at.getStart(sourceFile),
        end: sent.at.getEnd(),
        message: `${sent.how} sends whole ${exposed.model.name} records from ${exposed.query}, including ${exposed.fields.join(', ')}.`,
      });
    };
    // The three shapes of a response: res.json(x), ctx.body = x, a Nest route's return.
    return { nodes: { [ts.SyntaxKind.CallExpression]: judge, [ts.SyntaxKind.BinaryExpression]: judge, [ts.SyntaxKind.ReturnStatement]: judge } };
  },
});

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
    for (const property of value.properties) {
      const inner = ts.isShorthandPropertyAssignment(property)
        ? property.name
        : ts.isPropertyAssignment(property)
          ? property.initializer
          : ts.isSpreadAssignment(property)
            ? property.expression
            : undefined;
      const found = inner && exposedEntity(ctx, file, inner, models, depth + 1);
      if (found) return found;
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
  const direct = queriedEntity(file, value, models);
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
function queriedEntity(file: ScannedSourceFile, call: ts.CallExpression, models: readonly EntityModel[]): ExposedEntity | undefined {
  const callee = call.expression as ts.PropertyAccessExpression;
  if (!QUERY_METHODS.has(callee.name.text)) return undefined;
  const model = modelOfReceiver(skipOuterExpressions(callee.expression), models);
  if (!model || model.secretFields.length === 0 || model.serialisesSafely) return undefined;
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
  const fields = model.secretFields.filter((field) => !new RegExp(`delete\\s+[^;\\n]*\\.${field}\\b`).test(scopeText));
  if (fields.length === 0) return undefined;
  return { model, query: callee.getText(file.sourceFile), fields };
}
