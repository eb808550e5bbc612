import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../types.js';
import { propertyNameText, skipOuterExpressions } from '../ast/syntax.js';
import { bindingValue, type Binding, type ModuleIndex, resolveFunction } from '../names/index.js';
import { guardClassOf } from '../routes/classify-middleware.js';

/** How many base classes a controller's routes are looked for in. */
const MAX_BASE_CONTROLLERS = 5;

/**
 * A decorator-based controller's methods: its own first, then inherited ones not overridden
 * (`class TagController extends CrudController<Tag>`, also a mixin factory's class), each with
 * the file it is written in. NestJS and routing-controllers both read a base controller's route
 * decorators.
 */
export function controllerMethods(modules: ModuleIndex, file: ScannedSourceFile, node: ts.ClassDeclaration): Array<{ method: ts.MethodDeclaration; file: ScannedSourceFile }> {
  const seen = new Set<string>();
  const methods: Array<{ method: ts.MethodDeclaration; file: ScannedSourceFile }> = [];
  let current: { file: ScannedSourceFile; node: ts.ClassLikeDeclaration } | undefined = { file, node };
  for (let depth = 0; current && depth < MAX_BASE_CONTROLLERS; depth++) {
    for (const member of current.node.members) {
      if (!ts.isMethodDeclaration(member) || !member.name) continue;
      const name = propertyNameText(member.name);
      if (!name || seen.has(name)) continue;
      seen.add(name);
      methods.push({ method: member, file: current.file });
    }
    const base: ts.Expression | undefined = current.node.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
    current = base ? (guardClassOf(modules, current.file, base) ?? mixinClass(modules, current.file, base)) : undefined;
  }
  return methods;
}

/**
 * The class a mixin factory returns: `class TagController extends CrudFactory(TagQueryDTO)` where
 * `function CrudFactory() { class BaseCrudController { @Get() ... } return BaseCrudController; }`.
 */
function mixinClass(modules: ModuleIndex, file: ScannedSourceFile, base: ts.Expression): { file: ScannedSourceFile; node: ts.ClassLikeDeclaration } | undefined {
  const call = skipOuterExpressions(base);
  if (!ts.isCallExpression(call)) return undefined;
  const factory = resolveFunction(modules, file, call.expression);
  const body = factory?.node.body;
  if (!factory || !body || !ts.isBlock(body)) return undefined;
  for (const statement of [...body.statements].reverse()) {
    if (!ts.isReturnStatement(statement) || !statement.expression) continue;
    const returned = skipOuterExpressions(statement.expression);
    if (ts.isClassExpression(returned)) return { file: factory.file, node: returned };
    if (!ts.isIdentifier(returned)) return undefined;
    const declared = body.statements.find((candidate): candidate is ts.ClassDeclaration => ts.isClassDeclaration(candidate) && candidate.name?.text === returned.text);
    return declared ? { file: factory.file, node: declared } : undefined;
  }
  return undefined;
}


/**
 * A parameter decorator written as a call of a project function (`@UUIDParam('id')`,
 * `@CurrentAuth({ required: true })`): the call, the function's declaration and the function's value.
 * NestJS and routing-controllers both read what such a wrapper returns.
 */
export function projectDecoratorFactory(modules: ModuleIndex, file: ScannedSourceFile, decorator: ts.Decorator): { call: ts.CallExpression & { expression: ts.Identifier }; binding: Extract<Binding, { kind: 'declaration' }>; factory: ts.Node | undefined } | undefined {
  const call = ts.isCallExpression(decorator.expression) ? decorator.expression : undefined;
  if (!call || !ts.isIdentifier(call.expression)) return undefined;
  const binding = modules.resolveName(file, call.expression.text);
  if (binding?.kind !== 'declaration') return undefined;
  return { call: call as ts.CallExpression & { expression: ts.Identifier }, binding, factory: bindingValue(binding) };
}

/** The call a wrapper function returns (its first `return`, or an arrow's expression body). */
export function returnedCall(factory: ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression): ts.CallExpression | undefined {
  const body = factory.body;
  if (!body) return undefined;
  const returned = ts.isBlock(body) ? body.statements.find(ts.isReturnStatement)?.expression : body;
  const value = returned && skipOuterExpressions(returned);
  return value && ts.isCallExpression(value) ? value : undefined;
}
