import { ts } from '#typescript';
import { propertyNameText, skipOuterExpressions } from '../ast/syntax.js';
import { localBinding, resolveFunction, type ModuleIndex } from '../names/index.js';
import type { CheckedInput, Route } from '../routes/route.js';

/** A function the key passed through, and the call inside it that carried the key on (PathEntry of object-access). */
interface PathStep {
  fn: ts.SignatureDeclaration;
  call?: ts.Node;
}

const MAX_HOPS = 16;

/**
 * Where in the request a lookup's key was read: the input bag and the path in it, followed back from
 * the key through member reads (`args.where.id`), locals and destructuring (`const { projectId } =
 * args.data`) and the calls on the key's path (`this.boardService.board(args)`) to the route
 * handler's input parameter (`@Args() args`, `@Param('id') id`). Undefined when any hop is not one of those.
 */
export function keyInputPath(modules: ModuleIndex, route: Route, key: ts.Expression, path: readonly PathStep[]): CheckedInput | undefined {
  const handler = route.handler?.node;
  if (!handler) return undefined;
  let expression: ts.Expression = key;
  const segments: string[] = [];
  for (let hops = 0; hops < MAX_HOPS; hops++) {
    const value = skipOuterExpressions(expression);
    if (ts.isPropertyAccessExpression(value)) {
      segments.unshift(value.name.text);
      expression = value.expression;
      continue;
    }
    if (ts.isElementAccessExpression(value)) {
      const index = skipOuterExpressions(value.argumentExpression);
      if (!ts.isStringLiteralLike(index)) return undefined;
      segments.unshift(index.text);
      expression = value.expression;
      continue;
    }
    if (!ts.isIdentifier(value)) return undefined;
    const binding = localBinding(value);
    if (!binding) return undefined;
    const inPattern = patternPath(binding.name, value.text);
    if (!inPattern) return undefined;
    segments.unshift(...inPattern);
    if (ts.isVariableDeclaration(binding)) {
      if (!binding.initializer) return undefined;
      expression = binding.initializer;
      continue;
    }
    const fn = binding.parent;
    if (fn === handler) return handlerInput(binding, segments);
    const call = callInto(modules, fn, path);
    const argument = call?.arguments[fn.parameters.indexOf(binding)];
    if (!argument || ts.isSpreadElement(argument)) return undefined;
    expression = argument;
  }
  return undefined;
}

/** Whether a lookup's key is one of the inputs a guard checks (the same bag, the same path). */
export function checkedInputMatches(checked: readonly CheckedInput[], input: CheckedInput): CheckedInput | undefined {
  return checked.find((candidate) => candidate.part === input.part && candidate.path.length === input.path.length && candidate.path.every((segment, index) => segment === input.path[index]));
}

/** The property path to `name` inside a binding: `[]` for the name itself, `['data', 'projectId']` for `{ data: { projectId } }`. */
function patternPath(binding: ts.BindingName, name: string): string[] | undefined {
  if (ts.isIdentifier(binding)) return binding.text === name ? [] : undefined;
  if (!ts.isObjectBindingPattern(binding)) return undefined;
  for (const element of binding.elements) {
    if (element.dotDotDotToken) continue;
    const property = element.propertyName ? propertyNameText(element.propertyName) : ts.isIdentifier(element.name) ? element.name.text : undefined;
    if (property === undefined) continue;
    const inner = patternPath(element.name, name);
    if (inner) return [property, ...inner];
  }
  return undefined;
}

/** The call on the key's path that enters `fn`. */
function callInto(modules: ModuleIndex, fn: ts.SignatureDeclaration, path: readonly PathStep[]): ts.CallExpression | undefined {
  for (const step of path) {
    const call = step.call;
    if (!call || !ts.isCallExpression(call)) continue;
    const file = modules.fileOf(call);
    if (file && resolveFunction(modules, file, call.expression)?.node === fn) return call;
  }
  return undefined;
}

// NestJS input decorators and the bag each injects.
const INPUT_DECORATORS: Readonly<Record<string, CheckedInput['part']>> = { Args: 'args', Param: 'params', Body: 'body', Query: 'query' };

/** A handler parameter decorated as request input: `@Args() args` is the arguments, `@Args('where') where` their `where`. */
function handlerInput(parameter: ts.ParameterDeclaration, segments: readonly string[]): CheckedInput | undefined {
  for (const decorator of ts.getDecorators(parameter) ?? []) {
    const expression = decorator.expression;
    const callee = ts.isCallExpression(expression) ? expression.expression : expression;
    const part = ts.isIdentifier(callee) ? INPUT_DECORATORS[callee.text] : undefined;
    if (!part) continue;
    const first = ts.isCallExpression(expression) && expression.arguments[0] ? skipOuterExpressions(expression.arguments[0]) : undefined;
    let name: string | undefined;
    if (first && ts.isStringLiteralLike(first)) name = first.text;
    else if (first && ts.isObjectLiteralExpression(first)) {
      const option = first.properties.find((property) => ts.isPropertyAssignment(property) && propertyNameText(property.name) === 'name');
      const value = option && ts.isPropertyAssignment(option) ? skipOuterExpressions(option.initializer) : undefined;
      if (value && ts.isStringLiteralLike(value)) name = value.text;
    }
    return { part, path: name ? [name, ...segments] : [...segments] };
  }
  return undefined;
}
