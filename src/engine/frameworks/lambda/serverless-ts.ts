import { ts } from '#typescript';
import { Pair, Scalar, YAMLMap, YAMLSeq, isMap, isSeq, type Node } from 'yaml';
import type { ScannedSourceFile } from '../../../types.js';
import { nodePosition, propertyNameText, skipOuterExpressions } from '../../ast/syntax.js';
import { bindingValue, localConstInitializer, type ModuleIndex } from '../../names/index.js';
import { dirOf } from './endpoints.js';
import { YamlConfig } from './yaml-document.js';

/** serverless.ts (the Serverless Framework's TypeScript config, `@serverless/typescript`). */
export function isServerlessTs(file: ScannedSourceFile): boolean {
  return /(?:^|\/)serverless\.[cm]?[jt]s$/.test(file.path) && !file.outsideScan;
}

const MAX_DEPTH = 12;

/**
 * The configuration object a serverless.ts exports, read as the same tree a serverless.yml gives
 * (so one reader serves both), without running it: object and array literals, strings, numbers
 * and booleans, names and imports bound to such literals (`functions: { hello }` with `hello`
 * from src/functions/hello), spreads of them, and template strings. An expression built from
 * `__dirname` (the template's `${handlerPath(__dirname)}/handler.main`) is the folder of the file
 * it is written in, relative to the service: that is what such helpers compute at deploy time.
 * Anything else is left out, so a handler path we cannot read names no function.
 */
export function serverlessTsConfig(file: ScannedSourceFile, modules: ModuleIndex): YamlConfig | undefined {
  const exported = configExpression(file, modules);
  if (!exported) return undefined;
  const places = new WeakMap<Node, { file: string; line: number }>();
  const serviceDir = dirOf(file.path);
  const convert = (expression: ts.Expression, owner: ScannedSourceFile, depth: number): Node | undefined => {
    if (depth > MAX_DEPTH) return undefined;
    const value = skipOuterExpressions(expression);
    const place = <T extends Node>(node: T, at: ts.Node = value): T => {
      places.set(node, { file: owner.path, line: nodePosition(at).line });
      return node;
    };
    if (ts.isStringLiteralLike(value)) return place(new Scalar(value.text));
    if (ts.isNumericLiteral(value)) return place(new Scalar(Number(value.text)));
    if (value.kind === ts.SyntaxKind.TrueKeyword || value.kind === ts.SyntaxKind.FalseKeyword) return place(new Scalar(value.kind === ts.SyntaxKind.TrueKeyword));
    if (ts.isTemplateExpression(value)) {
      let text = value.head.text;
      for (const span of value.templateSpans) {
        const part = usesDirname(span.expression) ? relativeDir(owner.path, serviceDir) : scalarText(convert(span.expression, owner, depth + 1));
        if (part === undefined) return undefined;
        text += part + span.literal.text;
      }
      return place(new Scalar(text));
    }
    if (ts.isArrayLiteralExpression(value)) {
      const seq = place(new YAMLSeq());
      for (const element of value.elements) {
        if (ts.isSpreadElement(element)) {
          const spread = convert(element.expression, owner, depth + 1);
          if (isSeq(spread)) seq.items.push(...spread.items);
          continue;
        }
        const item = convert(element, owner, depth + 1);
        if (item) seq.items.push(item);
      }
      return seq;
    }
    if (ts.isObjectLiteralExpression(value)) {
      const map = place(new YAMLMap());
      for (const property of value.properties) {
        if (ts.isSpreadAssignment(property)) {
          const spread = convert(property.expression, owner, depth + 1);
          if (isMap(spread)) map.items.push(...spread.items);
          continue;
        }
        const name = property.name && propertyNameText(property.name);
        const initializer = ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
        if (name === undefined || !initializer) continue;
        const key = new Scalar(name);
        places.set(key, { file: owner.path, line: nodePosition(property).line });
        const converted = convert(initializer, owner, depth + 1);
        if (converted) map.items.push(new Pair(key, converted));
      }
      return map;
    }
    if (ts.isIdentifier(value)) {
      const local = localConstInitializer(value);
      if (local && local !== value) return convert(local, owner, depth + 1);
      const binding = modules.resolveName(owner, value.text);
      const target = bindingValue(binding);
      return binding?.kind === 'declaration' && target && ts.isExpression(target) ? convert(target, binding.file, depth + 1) : undefined;
    }
    return undefined;
  };
  const root = convert(exported, file, 0);
  return root ? YamlConfig.fromTree(file.path, root, (node) => places.get(node)) : undefined;
}

/** `export default config`, `module.exports = config`, `export = config`. */
function configExpression(file: ScannedSourceFile, modules: ModuleIndex): ts.Expression | undefined {
  const binding = modules.resolveExport(file, 'default');
  if (binding?.kind !== 'declaration') return undefined;
  const value = bindingValue(binding);
  return value && ts.isExpression(value) ? value : undefined;
}

function usesDirname(expression: ts.Expression): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && node.text === '__dirname') found = true;
    else if (!found) ts.forEachChild(node, visit);
  };
  visit(expression);
  return found;
}

/** The folder of `filePath`, relative to the service folder. */
function relativeDir(filePath: string, serviceDir: string): string {
  const dir = dirOf(filePath);
  if (serviceDir === '') return dir;
  return dir === serviceDir ? '.' : dir.startsWith(`${serviceDir}/`) ? dir.slice(serviceDir.length + 1) : dir;
}

function scalarText(node: Node | undefined): string | undefined {
  return node instanceof Scalar && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : undefined;
}
