import { ts } from '#typescript';
import { skipOuterExpressions } from '../../ast/syntax.js';
import type { InputBagKind } from '../../../models/request-sources.js';

/**
 * A guard that checks the caller's access to the object a route's metadata points at: the route
 * names where the object's id sits in the request (`@AuthorizeContext(Origin.ProjectId,
 * 'data.projectId')`, `@CheckAccess('param', 'projectId')`), and the guard reads the metadata, takes
 * the value at that path out of the operation's arguments or the request (`get(requestArgs,
 * parameterPath)`, `request.params[paramName]`), and asks an access check with the user
 * (`this.permissionsService.validateAccess(user, parameterType, parameterValue)`).
 *
 * What the guard reads that way: the metadata option holding the path (`parameterPath`) and the
 * input bag it is applied to. The route's own metadata gives the path.
 */
export interface InputPathRead {
  /** The metadata option the guard uses as the path or key (`parameterPath`). */
  option: string;
  part: InputBagKind;
}

const cache = new WeakMap<ts.Node, InputPathRead[]>();

/** Reads of a path into the request input, the path taken from an option, handed with the user to an access check. */
export function inputPathReads(guardClass: ts.ClassLikeDeclaration): InputPathRead[] {
  const known = cache.get(guardClass);
  if (known) return known;
  const reads = findInputPathReads(guardClass);
  cache.set(guardClass, reads);
  return reads;
}

// The operation's arguments (GraphQL: the second resolver argument) or one input bag of the HTTP request.
const GRAPHQL_ARGUMENTS = /\bgetArgByIndex\s*\(\s*1\s*\)|\bgetArgs\s*(?:<[^>]*>)?\s*\(\s*\)/;
const REQUEST_BAG = /\b(?:request|req)\s*(?:\?\.|\.)\s*(params|body|query)\s*$/;
// Path getters: lodash `get`/`_.get`, object-path, dot-prop.
const PATH_GETTER = /^(?:(?:_|lodash|objectPath|dotProp|dot)\s*\.\s*)?(?:get|getProperty|getValue|getIn)$/;
// A call that asks whether the caller may reach an object.
const ACCESS_CHECK = /(?:access|permission|member(?:ship)?|authori[sz]|allowed|^can$|^can[A-Z]|ensure\w*(?:owner|access)|owns?[A-Z]|isOwner)/i;
const USER_ARGUMENT = /\b(?:user|currentUser|authUser|principal|account|caller)\b|\.user\b/;

function findInputPathReads(guardClass: ts.ClassLikeDeclaration): InputPathRead[] {
  const holders = new Map<string, InputBagKind>();
  const partOf = (expression: ts.Expression): InputBagKind | undefined => {
    const value = skipOuterExpressions(expression);
    if (ts.isIdentifier(value) && holders.has(value.text)) return holders.get(value.text);
    const text = value.getText();
    if (GRAPHQL_ARGUMENTS.test(text)) return 'args';
    const bag = REQUEST_BAG.exec(text);
    return bag ? (bag[1] as InputBagKind) : undefined;
  };
  const methods = new Map<string, ts.MethodDeclaration>();
  for (const member of guardClass.members) {
    if (ts.isMethodDeclaration(member) && member.name && ts.isIdentifier(member.name)) methods.set(member.name.text, member);
  }
  const declarations: ts.VariableDeclaration[] = [];
  const calls: ts.CallExpression[] = [];
  const elementReads: ts.ElementAccessExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node)) declarations.push(node);
    else if (ts.isCallExpression(node)) calls.push(node);
    else if (ts.isElementAccessExpression(node)) elementReads.push(node);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(guardClass, visit);
  // The names holding the input: `const requestArgs = ctx.getArgByIndex(1)`, and the parameter of a
  // method of the guard it is handed to (`this.authorizeContext(handler, requestArgs, user)`).
  for (let round = 0; round < 3; round++) {
    for (const declaration of declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.initializer && !holders.has(declaration.name.text)) {
        const part = partOf(declaration.initializer);
        if (part) holders.set(declaration.name.text, part);
      }
    }
    for (const call of calls) {
      const callee = skipOuterExpressions(call.expression);
      if (!ts.isPropertyAccessExpression(callee) || callee.expression.kind !== ts.SyntaxKind.ThisKeyword) continue;
      const method = methods.get(callee.name.text);
      if (!method) continue;
      call.arguments.forEach((argument, index) => {
        const parameter = method.parameters[index];
        const part = partOf(argument);
        if (part && parameter && ts.isIdentifier(parameter.name)) holders.set(parameter.name.text, part);
      });
    }
  }
  if (holders.size === 0 && !calls.some((call) => call.arguments.some((argument) => partOf(argument)))) return [];
  // The reads of a path into the input whose path is an option (`get(requestArgs, parameterPath)`,
  // `request.params[options.param]`), with the name their value is bound to.
  const reads: Array<{ option: string; part: InputBagKind; read: ts.Expression; bound?: string }> = [];
  const optionName = (expression: ts.Expression | undefined): string | undefined => {
    const value = expression && skipOuterExpressions(expression);
    if (!value) return undefined;
    if (ts.isIdentifier(value)) return value.text;
    if (ts.isPropertyAccessExpression(value)) return value.name.text;
    return undefined;
  };
  const boundName = (read: ts.Expression): string | undefined => {
    let node: ts.Node = read;
    while (node.parent && (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent))) node = node.parent;
    return ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name) ? node.parent.name.text : undefined;
  };
  for (const call of calls) {
    if (!PATH_GETTER.test(skipOuterExpressions(call.expression).getText().replace(/\s+/g, '')) || call.arguments.length < 2) continue;
    const part = partOf(call.arguments[0]!);
    const option = optionName(call.arguments[1]);
    if (part && option) reads.push({ option, part, read: call, ...optional(boundName(call)) });
  }
  for (const access of elementReads) {
    const part = partOf(access.expression);
    const option = optionName(access.argumentExpression);
    if (part && option && !ts.isStringLiteralLike(skipOuterExpressions(access.argumentExpression))) reads.push({ option, part, read: access, ...optional(boundName(access)) });
  }
  // Only a value handed, with the user, to an access check is a check of the object.
  const checked = reads.filter(({ read, bound }) =>
    calls.some((call) => {
      const callee = skipOuterExpressions(call.expression);
      const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
      if (!ACCESS_CHECK.test(name)) return false;
      const passesValue = call.arguments.some((argument) => {
        const value = skipOuterExpressions(argument);
        return value === read || (bound !== undefined && ts.isIdentifier(value) && value.text === bound) || (value.pos <= read.pos && read.end <= value.end);
      });
      return passesValue && call.arguments.some((argument) => USER_ARGUMENT.test(argument.getText()));
    }),
  );
  const unique = new Map<string, InputPathRead>();
  for (const { option, part } of checked) unique.set(`${part}:${option}`, { option, part });
  return [...unique.values()];
}

function optional(bound: string | undefined): { bound?: string } {
  return bound ? { bound } : {};
}
