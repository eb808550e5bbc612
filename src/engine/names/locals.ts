import { ts } from '#typescript';
import { skipOuterExpressions } from '../ast/syntax.js';
import { bindingNames } from './module-index.js';

/**
 * The initializer of a `const`/`let` declared in a block enclosing `identifier` (a local of the
 * function that uses it), before the use. Module-level names are the ModuleIndex's job.
 */
export function localInitializer(identifier: ts.Identifier): ts.Expression | undefined {
  const declaration = localDeclaration(identifier);
  return declaration?.initializer && skipOuterExpressions(declaration.initializer);
}

const declarationsByBlock = new WeakMap<ts.Node, Map<string, ts.VariableDeclaration[]>>();

/** The names a block declares directly (`const`/`let`/`var`, destructured too), in order; built once per block (lookups are hot). */
function blockDeclarations(block: ts.Block | ts.ModuleBlock | ts.CaseClause | ts.DefaultClause): Map<string, ts.VariableDeclaration[]> {
  let index = declarationsByBlock.get(block);
  if (index) return index;
  index = new Map();
  for (const statement of block.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      for (const name of bindingNames(declaration.name)) {
        const list = index.get(name);
        if (list) list.push(declaration);
        else index.set(name, [declaration]);
      }
    }
  }
  declarationsByBlock.set(block, index);
  return index;
}

/**
 * The declaration a name refers to inside its function: a variable declared before the use in an
 * enclosing block (`const x`, `const { x } = ...`), a loop variable, or a parameter, which shadows
 * any outer name. Undefined at module level, where the ModuleIndex resolves names.
 */
export function localBinding(identifier: ts.Identifier): ts.VariableDeclaration | ts.ParameterDeclaration | undefined {
  // The dataflow asks about the same identifiers once per route and caller that walks their function
  // (85k questions about 26k identifiers on the bench corpus); the answer depends only on the tree.
  const known = bindingByIdentifier.get(identifier);
  if (known !== undefined) return known ?? undefined;
  const binding = localBindingUncached(identifier);
  bindingByIdentifier.set(identifier, binding ?? null);
  return binding;
}

const bindingByIdentifier = new WeakMap<ts.Identifier, ts.VariableDeclaration | ts.ParameterDeclaration | null>();

function localBindingUncached(identifier: ts.Identifier): ts.VariableDeclaration | ts.ParameterDeclaration | undefined {
  // A use inside a nested function runs later, when the enclosing block's later `const`s exist:
  // `const handler = () => pool.query(...); const pool = new Pool();`.
  let deferred = false;
  for (let scope: ts.Node | undefined = identifier.parent; scope; scope = scope.parent) {
    if (ts.isSourceFile(scope)) return undefined;
    if (ts.isBlock(scope) || ts.isModuleBlock(scope) || ts.isCaseClause(scope) || ts.isDefaultClause(scope)) {
      const declarations = blockDeclarations(scope).get(identifier.text);
      // pos (before leading trivia) orders statements as getStart() does, without scanning trivia.
      const declaration = declarations?.find((candidate) => candidate.pos <= identifier.pos) ?? (deferred ? declarations?.[0] : undefined);
      if (declaration) return declaration;
    }
    if ((ts.isForOfStatement(scope) || ts.isForStatement(scope) || ts.isForInStatement(scope)) && scope.initializer && ts.isVariableDeclarationList(scope.initializer)) {
      for (const declaration of scope.initializer.declarations) {
        if (bindsName(declaration.name, identifier.text)) return declaration;
      }
    }
    if (ts.isFunctionLike(scope)) {
      for (const parameter of scope.parameters) {
        if (bindsName(parameter.name, identifier.text)) return parameter;
      }
      deferred = true;
    }
  }
  return undefined;
}

/** The local variable a name refers to (localBinding, when it is a variable and not a parameter). */
export function localDeclaration(identifier: ts.Identifier): ts.VariableDeclaration | undefined {
  const binding = localBinding(identifier);
  return binding && ts.isVariableDeclaration(binding) ? binding : undefined;
}

/** Whether a declaration binds the name: `x`, `{ a, b: { x } }`, `[, x]`. */
export function bindsName(name: ts.BindingName, text: string): boolean {
  if (ts.isIdentifier(name)) return name.text === text;
  return name.elements.some((element) => !ts.isOmittedExpression(element) && bindsName(element.name, text));
}

/** The initializer of a `const` declared in a block or the file enclosing `identifier` (schemas and formats declared next to their use). */
export function localConstInitializer(identifier: ts.Identifier): ts.Expression | undefined {
  for (let scope: ts.Node | undefined = identifier.parent; scope; scope = scope.parent) {
    if (!ts.isBlock(scope) && !ts.isSourceFile(scope)) continue;
    for (const statement of scope.statements) {
      if (!ts.isVariableStatement(statement) || !(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === identifier.text && declaration.initializer) return declaration.initializer;
      }
    }
  }
  return undefined;
}
