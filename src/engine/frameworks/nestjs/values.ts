import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { bindingValue, type ModuleIndex } from '../../names/index.js';
import { propertyNameText, skipOuterExpressions } from '../../ast/syntax.js';
import { joinRoutePath } from '../../routes/route-path.js';

const MAX_DEPTH = 6;

/**
 * The string(s) an expression evaluates to when the code says so statically: a literal, an array
 * of literals, a const (across files), a `process.env.X || 'api'` fallback, an enum or const-object
 * member. Undefined when it depends on runtime values.
 */
export function staticStrings(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression, depth = 0): string[] | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const value = skipOuterExpressions(expression);
  if (ts.isStringLiteralLike(value)) return [value.text];
  if (ts.isArrayLiteralExpression(value)) {
    const strings: string[] = [];
    for (const element of value.elements) {
      const inner = staticStrings(modules, file, element, depth + 1);
      if (!inner) return undefined;
      strings.push(...inner);
    }
    return strings;
  }
  if (ts.isTemplateExpression(value)) {
    let text = value.head.text;
    for (const span of value.templateSpans) {
      const inner = staticStrings(modules, file, span.expression, depth + 1);
      if (inner?.length !== 1) return undefined;
      text += inner[0] + span.literal.text;
    }
    return [text];
  }
  if (ts.isBinaryExpression(value)) {
    const operator = value.operatorToken.kind;
    if (operator === ts.SyntaxKind.BarBarToken || operator === ts.SyntaxKind.QuestionQuestionToken) {
      // `process.env.API_PREFIX || 'api'`: the environment is unknown here, so the written default is the best guess.
      return staticStrings(modules, file, value.left, depth + 1) ?? staticStrings(modules, file, value.right, depth + 1);
    }
    if (operator === ts.SyntaxKind.PlusToken) {
      const left = staticStrings(modules, file, value.left, depth + 1);
      const right = staticStrings(modules, file, value.right, depth + 1);
      return left?.length === 1 && right?.length === 1 ? [left[0]! + right[0]!] : undefined;
    }
    return undefined;
  }
  if (ts.isIdentifier(value)) {
    const local = localConstInitializer(value);
    if (local) return staticStrings(modules, file, local, depth + 1);
    const binding = modules.resolveName(file, value.text);
    if (binding?.kind !== 'declaration' || !ts.isVariableDeclaration(binding.node)) return undefined;
    const initializer = bindingValue(binding);
    return initializer && ts.isExpression(initializer) ? staticStrings(modules, binding.file, initializer, depth + 1) : undefined;
  }
  if (ts.isPropertyAccessExpression(value) && ts.isIdentifier(value.expression)) {
    return memberString(modules, file, value.expression.text, value.name.text, depth);
  }
  return undefined;
}

/** `const globalPrefix = 'api'` declared in a block around the use (bootstrap functions keep their settings local). */
function localConstInitializer(identifier: ts.Identifier): ts.Expression | undefined {
  for (let scope: ts.Node | undefined = identifier.parent; scope && !ts.isSourceFile(scope); scope = scope.parent) {
    if (!ts.isBlock(scope)) continue;
    for (const statement of scope.statements) {
      if (!ts.isVariableStatement(statement) || !(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === identifier.text && declaration.initializer) return declaration.initializer;
      }
    }
  }
  return undefined;
}

/** `Prefix.Api` where Prefix is an enum or a const object literal. */
function memberString(modules: ModuleIndex, file: ScannedSourceFile, owner: string, member: string, depth: number): string[] | undefined {
  const binding = modules.resolveName(file, owner);
  const target = bindingValue(binding);
  if (binding?.kind !== 'declaration' || !target) return undefined;
  if (ts.isEnumDeclaration(target)) {
    const enumMember = target.members.find((candidate) => propertyNameText(candidate.name) === member);
    return enumMember?.initializer ? staticStrings(modules, binding.file, enumMember.initializer, depth + 1) : undefined;
  }
  if (ts.isObjectLiteralExpression(target)) {
    for (const property of target.properties) {
      if (ts.isPropertyAssignment(property) && propertyNameText(property.name) === member) {
        return staticStrings(modules, binding.file, property.initializer, depth + 1);
      }
    }
  }
  return undefined;
}

/**
 * Role or permission names as written in a decorator's arguments: `'admin'`, `Role.Admin` -> Admin,
 * arrays flattened. Enum members keep their member name: it is what a reader of the code sees.
 */
export function readNames(expressions: readonly ts.Expression[]): string[] {
  const names: string[] = [];
  const collect = (node: ts.Expression) => {
    const value = skipOuterExpressions(node);
    if (ts.isStringLiteralLike(value) || ts.isNumericLiteral(value)) names.push(value.text);
    else if (ts.isPropertyAccessExpression(value)) names.push(value.name.text);
    else if (ts.isArrayLiteralExpression(value)) value.elements.forEach(collect);
    else if (ts.isSpreadElement(value)) collect(value.expression);
    else if (ts.isIdentifier(value)) names.push(value.text);
  };
  expressions.forEach(collect);
  return names;
}

/** An array literal, or a name bound to one (across files): `providers: [...]`, `RouterModule.register(routes)`. */
export function arrayElements(modules: ModuleIndex, file: ScannedSourceFile, expression: ts.Expression | undefined): Array<{ element: ts.Expression; file: ScannedSourceFile }> {
  if (!expression) return [];
  const value = skipOuterExpressions(expression);
  if (ts.isArrayLiteralExpression(value)) {
    const elements: Array<{ element: ts.Expression; file: ScannedSourceFile }> = [];
    for (const element of value.elements) {
      if (ts.isSpreadElement(element)) elements.push(...arrayElements(modules, file, element.expression));
      else elements.push({ element, file });
    }
    return elements;
  }
  if (ts.isIdentifier(value)) {
    const binding = modules.resolveName(file, value.text);
    const target = bindingValue(binding);
    if (binding?.kind === 'declaration' && target && ts.isVariableDeclaration(binding.node) && ts.isExpression(target) && ts.isArrayLiteralExpression(target)) {
      return arrayElements(modules, binding.file, target);
    }
  }
  return [];
}

/**
 * A `setGlobalPrefix(..., { exclude })` or `forRoutes`/`exclude` path pattern as a matcher over
 * a route path: `:param` matches one segment, `*`, `(.*)`, `{*splat}` and `*splat` match the rest.
 */
export function pathPatternMatcher(pattern: string): (routePath: string) => boolean {
  const normalized = joinRoutePath(pattern);
  let source = '';
  for (let index = 0; index < normalized.length; ) {
    const rest = normalized.slice(index);
    const wildcard = /^(?:\(\.\*\)|\{\*\w*\}|\*\w*)/.exec(rest);
    if (wildcard) {
      source += '.*';
      index += wildcard[0].length;
      continue;
    }
    const parameter = /^:\w+(?:\([^)]*\))?\??/.exec(rest);
    if (parameter) {
      source += '[^/]+';
      index += parameter[0].length;
      continue;
    }
    source += normalized[index]!.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    index += 1;
  }
  const regex = new RegExp(`^${source}/?$`);
  // `auth/*` also matches `/auth` itself in path-to-regexp's loose mode; Nest users write it meaning "everything under auth".
  const base = source.endsWith('/.*') ? new RegExp(`^${source.slice(0, -3)}/?$`) : undefined;
  return (routePath) => regex.test(routePath) || (base?.test(routePath) ?? false);
}
