/**
 * What the router graph can know of a value without running the code: the declaration a name
 * refers to, the strings a mount path evaluates to (literals, templates and `+` of constants,
 * `this.path` fields, across imports), and the middleware an argument list spreads into.
 */
import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { enclosingClass, isFunctionLike, propertyNameText, skipOuterExpressions } from '../../ast/syntax.js';
import { bindingValue, type ModuleIndex } from '../../names/index.js';
import { bindingElementNamed, isConstant, localDeclaration } from './router-syntax.js';

export class RouterValues {
  constructor(private readonly modules: ModuleIndex) {}

  /**
   * The declaration an identifier refers to at its use: a parameter or local of an enclosing
   * function/block, else a top-level name resolved across files by the module index.
   */
  declarationOf(identifier: ts.Identifier, file: ScannedSourceFile): { node: ts.Node; file: ScannedSourceFile; namespace?: ScannedSourceFile } | undefined {
    const name = identifier.text;
    for (let scope: ts.Node | undefined = identifier.parent; scope; scope = scope.parent) {
      if (isFunctionLike(scope) || ts.isConstructorDeclaration(scope) || ts.isArrowFunction(scope)) {
        for (const parameter of (scope as ts.SignatureDeclaration).parameters) {
          if (ts.isIdentifier(parameter.name) && parameter.name.text === name) return { node: parameter, file };
          // `...[router, tenant]: Args`: the element that binds the name.
          const element = ts.isIdentifier(parameter.name) ? undefined : bindingElementNamed(parameter.name, name);
          if (element) return { node: element, file };
        }
      }
      if (ts.isSourceFile(scope)) break;
      if (ts.isBlock(scope) || ts.isModuleBlock(scope) || ts.isCaseClause(scope) || ts.isDefaultClause(scope)) {
        for (const statement of scope.statements) {
          const local = localDeclaration(statement, name) ?? destructuredDeclaration(statement, name);
          if (local) return { node: local, file };
        }
      }
    }
    const binding = this.modules.resolveName(file, name);
    if (!binding) return undefined;
    if (binding.kind === 'namespace') return { node: binding.file.sourceFile, file: binding.file, namespace: binding.file };
    if (binding.kind !== 'declaration') return undefined;
    return { node: binding.node, file: binding.file };
  }


  isPathLike(expression: ts.Expression, file: ScannedSourceFile): boolean {
    const value = skipOuterExpressions(expression);
    if (ts.isRegularExpressionLiteral(value)) return true;
    if (ts.isArrayLiteralExpression(value)) return value.elements.length > 0 && value.elements.every((element) => this.isPathLike(element, file));
    if (ts.isStringLiteralLike(value) || ts.isTemplateExpression(value)) return true;
    if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken) return true;
    return this.evaluateString(value, file) !== undefined;
  }

  /** Route paths an argument stands for: a string, a constant, an array of them; else the code as written. */
  pathsOf(expression: ts.Expression, file: ScannedSourceFile): string[] {
    const value = skipOuterExpressions(expression);
    if (ts.isArrayLiteralExpression(value)) return value.elements.flatMap((element) => this.pathsOf(element, file));
    if (ts.isRegularExpressionLiteral(value)) return [value.text];
    const text = this.evaluateString(value, file);
    if (text !== undefined) return [text];
    if (ts.isTemplateExpression(value)) {
      // Keep what is known: `${config.id}.callback` -> `{config.id}.callback`.
      let partial = value.head.text;
      value.templateSpans.forEach((span, index) => {
        const known = this.evaluateString(span.expression, file);
        // `${baseUriPath}/api` in a set-up function given the deployment's base path: unknown, empty by
        // default, as the app's own `config.server.baseUriPath || ''` reads it; so the prefix lines up
        // with the routes the app registers under its own copy of it.
        const deploymentBase = known === undefined && index === 0 && partial === '' && span.literal.text.startsWith('/') && DEPLOYMENT_BASE_PATH.test(lastName(span.expression) ?? '');
        partial += (known ?? (deploymentBase ? '' : `{${span.expression.getText(file.sourceFile)}}`)) + span.literal.text;
      });
      return [partial];
    }
    if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      // `'/' + tableToPathname(schema.table)`: what is known as text, the rest as written, as for templates.
      const [left] = this.pathsOf(value.left, file);
      const [right] = this.pathsOf(value.right, file);
      return [`${left}${right}`];
    }
    return [`{${value.getText(file.sourceFile)}}`];
  }

  /** A string known without running the code: literals, templates and `+` of constants, `this.path` fields. */
  evaluateString(expression: ts.Expression, file: ScannedSourceFile, depth = 0): string | undefined {
    // Path constants built from one another (`PATH_STRATEGY = \`${PATH_STRATEGIES}/:strategyId\``, four deep in
    // Unleash's feature controller) take two levels per constant: the name, then its template.
    if (depth > 12) return undefined;
    const value = skipOuterExpressions(expression);
    if (ts.isStringLiteralLike(value)) return value.text;
    if (ts.isTemplateExpression(value)) {
      let text = value.head.text;
      for (const span of value.templateSpans) {
        const part = this.evaluateString(span.expression, file, depth + 1);
        if (part === undefined) return undefined;
        text += part + span.literal.text;
      }
      return text;
    }
    if (ts.isBinaryExpression(value) && (value.operatorToken.kind === ts.SyntaxKind.BarBarToken || value.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) {
      // `process.env.API_PREFIX || '/api'`: the environment is unknown, the default is what the code shows.
      return this.evaluateString(value.left, file, depth + 1) ?? this.evaluateString(value.right, file, depth + 1);
    }
    if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const left = this.evaluateString(value.left, file, depth + 1);
      const right = left === undefined ? undefined : this.evaluateString(value.right, file, depth + 1);
      return right === undefined ? undefined : left! + right;
    }
    if (ts.isIdentifier(value)) {
      const declaration = this.declarationOf(value, file);
      if (declaration && ts.isVariableDeclaration(declaration.node) && declaration.node.initializer && isConstant(declaration.node)) {
        return this.evaluateString(declaration.node.initializer, declaration.file, depth + 1);
      }
      return undefined;
    }
    if (ts.isPropertyAccessExpression(value)) {
      const member = value.name.text;
      const owner = skipOuterExpressions(value.expression);
      if (owner.kind === ts.SyntaxKind.ThisKeyword) {
        const classNode = enclosingClass(value);
        for (const element of classNode?.members ?? []) {
          if (ts.isPropertyDeclaration(element) && element.name && propertyNameText(element.name) === member && element.initializer) {
            return this.evaluateString(element.initializer, file, depth + 1);
          }
        }
        return undefined;
      }
      if (ts.isIdentifier(owner)) {
        const declaration = this.declarationOf(owner, file);
        if (declaration?.namespace) {
          const target = bindingValue(this.modules.resolveExport(declaration.namespace, member));
          return target && ts.isExpression(target) ? this.evaluateString(target, declaration.namespace, depth + 1) : undefined;
        }
        const node = declaration?.node;
        const initializer = node && ts.isVariableDeclaration(node) && node.initializer ? frozenObject(skipOuterExpressions(node.initializer)) : undefined;
        if (initializer && ts.isObjectLiteralExpression(initializer)) {
          for (const property of initializer.properties) {
            if (ts.isPropertyAssignment(property) && propertyNameText(property.name) === member) return this.evaluateString(property.initializer, declaration!.file, depth + 1);
            // `Object.freeze({ prefix, profile: `${prefix}/profile` })`: the constant of that name.
            if (ts.isShorthandPropertyAssignment(property) && property.name.text === member) return this.evaluateString(property.name, declaration!.file, depth + 1);
          }
        }
        if (node && ts.isEnumDeclaration(node)) {
          for (const enumMember of node.members) {
            if (propertyNameText(enumMember.name) === member && enumMember.initializer) return this.evaluateString(enumMember.initializer, declaration!.file, depth + 1);
          }
        }
      }
    }
    return undefined;
  }

  /** Arguments as a flat middleware list: arrays and spreads of constant arrays are opened. */
  flatten(args: readonly ts.Expression[], file: ScannedSourceFile, depth = 0): ts.Expression[] {
    const items: ts.Expression[] = [];
    for (const argument of args) {
      const value = skipOuterExpressions(argument);
      if (ts.isArrayLiteralExpression(value) && depth < 4) {
        items.push(...this.flatten(value.elements, file, depth + 1));
        continue;
      }
      if (ts.isSpreadElement(value) || (ts.isIdentifier(value) && depth < 4)) {
        const inner = ts.isSpreadElement(value) ? skipOuterExpressions(value.expression) : value;
        if (ts.isIdentifier(inner)) {
          const declaration = this.declarationOf(inner, file);
          const initializer = declaration && ts.isVariableDeclaration(declaration.node) && declaration.node.initializer ? skipOuterExpressions(declaration.node.initializer) : undefined;
          if (initializer && ts.isArrayLiteralExpression(initializer) && declaration!.file === file) {
            items.push(...this.flatten(initializer.elements, file, depth + 1));
            continue;
          }
        }
        if (ts.isSpreadElement(value)) {
          items.push(inner);
          continue;
        }
      }
      items.push(argument);
    }
    return items;
  }
}

/** The object of `Object.freeze({...})` (a table of constants made read-only), else the expression. */
function frozenObject(expression: ts.Expression): ts.Expression {
  if (!ts.isCallExpression(expression) || expression.arguments.length !== 1) return expression;
  const callee = skipOuterExpressions(expression.expression);
  const frozen = ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Object' && callee.name.text === 'freeze';
  return frozen ? skipOuterExpressions(expression.arguments[0]!) : expression;
}

/** `const [router, { queries }] = args`: the binding element a destructuring declaration binds the name with. */
function destructuredDeclaration(statement: ts.Statement, name: string): ts.BindingElement | undefined {
  if (!ts.isVariableStatement(statement)) return undefined;
  for (const declaration of statement.declarationList.declarations) {
    const element = ts.isIdentifier(declaration.name) ? undefined : bindingElementNamed(declaration.name, name);
    if (element) return element;
  }
  return undefined;
}

/** Names a deployment's base path goes by: `baseUriPath`, `config.server.basePath`, `contextPath`. */
const DEPLOYMENT_BASE_PATH = /^(?:base(?:Uri|Url)?Path|baseUri|baseUrl|rootPath|contextPath|mountPath|publicPath)$/i;

/** The last name of `baseUriPath` or `config.server.baseUriPath`. */
function lastName(expression: ts.Expression): string | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value)) return value.text;
  if (ts.isPropertyAccessExpression(value)) return value.name.text;
  return undefined;
}
