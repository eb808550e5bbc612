import { ts } from '#typescript';
import { propertyNameText, skipOuterExpressions } from '../ast/syntax.js';
import { callTargets, localBinding, type ModuleIndex } from '../names/index.js';
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
  return handler ? follow(modules, handler, key, [], path, 0) : undefined;
}

function follow(modules: ModuleIndex, handler: ts.Node, expression: ts.Expression, segments: readonly string[], path: readonly PathStep[], hops: number): CheckedInput | undefined {
  if (hops > MAX_HOPS) return undefined;
  const value = skipOuterExpressions(expression);
  if (ts.isPropertyAccessExpression(value)) return follow(modules, handler, value.expression, [value.name.text, ...segments], path, hops + 1);
  if (ts.isElementAccessExpression(value)) {
    const index = skipOuterExpressions(value.argumentExpression);
    return ts.isStringLiteralLike(index) ? follow(modules, handler, value.expression, [index.text, ...segments], path, hops + 1) : undefined;
  }
  // An object built on the way (`findOne({ where: { id: args.data.dto.id } })`, `{ ...args.data, ...defaults }`):
  // the member the path continues with, or the spread that may hold it (the last one that leads to the request).
  if (ts.isObjectLiteralExpression(value)) {
    const [head, ...rest] = segments;
    if (head === undefined) return undefined;
    for (const property of [...value.properties].reverse()) {
      if (ts.isSpreadAssignment(property)) {
        const spread = follow(modules, handler, property.expression, segments, path, hops + 1);
        if (spread) return spread;
        continue;
      }
      if (!property.name || propertyNameText(property.name) !== head) continue;
      if (ts.isPropertyAssignment(property)) return follow(modules, handler, property.initializer, rest, path, hops + 1);
      if (ts.isShorthandPropertyAssignment(property)) return follow(modules, handler, property.name, rest, path, hops + 1);
      return undefined;
    }
    return undefined;
  }
  if (!ts.isIdentifier(value)) return undefined;
  const binding = localBinding(value);
  if (!binding) return undefined;
  const inPattern = patternPath(binding.name, value.text);
  if (!inPattern) return undefined;
  const through = [...inPattern, ...segments];
  if (ts.isVariableDeclaration(binding)) return binding.initializer ? follow(modules, handler, binding.initializer, through, path, hops + 1) : undefined;
  const fn = binding.parent;
  if (fn === handler) return handlerInput(binding, through);
  // Every call into the function on the key's way must pass the same input there.
  const calls = callsInto(modules, fn, path);
  let found: CheckedInput | undefined;
  for (const call of calls) {
    const argument = call.arguments[fn.parameters.indexOf(binding)];
    const input = argument && !ts.isSpreadElement(argument) ? follow(modules, handler, argument, through, path, hops + 1) : undefined;
    if (!input || (found && !sameInput(found, input))) return undefined;
    found = input;
  }
  return found;
}

function sameInput(a: CheckedInput, b: CheckedInput): boolean {
  return a.part === b.part && a.path.length === b.path.length && a.path.every((segment, index) => segment === b.path[index]);
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

/**
 * The calls that enter `fn` on the key's way: the one the path records, else those written in the
 * functions the path runs through (the dataflow follows a call given an object literal,
 * `this.loadBoard({ where: { id } })`, without recording it as a step).
 */
function callsInto(modules: ModuleIndex, fn: ts.SignatureDeclaration, path: readonly PathStep[]): ts.CallExpression[] {
  const enters = (call: ts.CallExpression): boolean => {
    const file = modules.fileOf(call);
    return file !== undefined && callTargets(modules, file, call.expression).some((target) => target.node === fn);
  };
  const recorded = path.flatMap((step) => (step.call && ts.isCallExpression(step.call) && enters(step.call) ? [step.call] : []));
  if (recorded.length > 0) return recorded;
  const bodies = new Set<ts.Node>();
  for (const step of path) {
    if (step.fn !== fn && 'body' in step.fn && step.fn.body) bodies.add(step.fn.body as ts.Node);
    const call = step.call;
    const file = call && ts.isCallExpression(call) ? modules.fileOf(call) : undefined;
    const targets = file && call && ts.isCallExpression(call) ? callTargets(modules, file, call.expression) : [];
    for (const { node: target } of targets) if (target !== fn && target.body) bodies.add(target.body);
  }
  const found: ts.CallExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && enters(node)) found.push(node);
    ts.forEachChild(node, visit);
  };
  for (const body of bodies) visit(body);
  return found;
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
