import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../types.js';
import { propertyNameText, skipOuterExpressions } from '../ast/syntax.js';
import { type ModuleIndex, resolveFunction } from '../names/index.js';
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

