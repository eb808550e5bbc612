import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { ScannedTextFile } from '../../../types.js';

/**
 * A parsed YAML config (serverless.yml, a SAM/CloudFormation template) that keeps every node's
 * place, so an authorizer can be reported at the line that declares it. CloudFormation's short
 * tags (`!Ref`, `!GetAtt`, `!Sub`, `!If`) are not YAML core tags: the parser leaves such a node
 * as written with its tag (a warning, not an error), which is all we need to read `!Ref MyApi`.
 */
export class YamlConfig {
  private constructor(
    /** The config's path (scan-relative): serverless.yml, template.yaml, serverless.ts. */
    readonly path: string,
    readonly root: Node | undefined,
    private readonly place: (node: Node) => { file: string; line: number } | undefined,
  ) {}

  static parse(file: ScannedTextFile): YamlConfig | undefined {
    const lines = new LineCounter();
    try {
      const document = parseDocument(file.text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false, strict: false });
      // A config we cannot read declares nothing we can trust; partial trees are not guessed at.
      if (document.errors.length > 0) return undefined;
      const place = (node: Node) => (node.range ? { file: file.path, line: lines.linePos(node.range[0]).line } : undefined);
      return new YamlConfig(file.path, (document.contents as Node | null) ?? undefined, place);
    } catch {
      return undefined;
    }
  }

  /** A config tree built from elsewhere (a serverless.ts object literal), each node placed by `place`. */
  static fromTree(path: string, root: Node | undefined, place: (node: Node) => { file: string; line: number } | undefined): YamlConfig {
    return new YamlConfig(path, root, place);
  }

  /** The file and 1-based line where a node is written (a map entry's key: where the entry is). */
  locate(node: Node | undefined): { file: string; line: number } {
    return (node && this.place(node)) ?? { file: this.path, line: 1 };
  }

  /** `file:line` for evidence. */
  where(node: Node | undefined): string {
    const { file, line } = this.locate(node);
    return `${file}:${line}`;
  }
}

/** The value under `key` of a map node, and the key node (its line is where the entry is written). */
export function entry(node: Node | undefined, key: string): { key: Node; value: Node | undefined } | undefined {
  if (!isMap(node)) return undefined;
  for (const pair of node.items) {
    const pairKey = pair.key as Node | null;
    if (isScalar(pairKey) && String(pairKey.value) === key) return { key: pairKey, value: (pair.value as Node | null) ?? undefined };
  }
  return undefined;
}

export function get(node: Node | undefined, ...path: string[]): Node | undefined {
  let current = node;
  for (const key of path) current = entry(current, key)?.value;
  return current;
}

/** A map's entries in order: name, key node, value node. */
export function entries(node: Node | undefined): Array<{ name: string; key: Node; value: Node | undefined }> {
  if (!isMap(node)) return [];
  const found: Array<{ name: string; key: Node; value: Node | undefined }> = [];
  for (const pair of node.items) {
    const key = pair.key as Node | null;
    if (isScalar(key) && key.value !== null && key.value !== undefined) found.push({ name: String(key.value), key, value: (pair.value as Node | null) ?? undefined });
  }
  return found;
}

export function items(node: Node | undefined): Node[] {
  return isSeq(node) ? node.items.filter((item): item is Node => item !== null && typeof item === 'object') : [];
}

/**
 * A plain scalar's text: strings, numbers and booleans as written. Undefined for maps, lists and
 * tagged CloudFormation expressions (`!Sub '...'` is not a literal we could use as a path).
 */
export function text(node: Node | undefined): string | undefined {
  if (!isScalar(node) || (node.tag && node.tag.startsWith('!'))) return undefined;
  const value = node.value;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

/** `!Ref MyApi` and `{ Ref: MyApi }` name a resource of the same template. */
export function referencedResource(node: Node | undefined): string | undefined {
  if (isScalar(node) && node.tag === '!Ref' && typeof node.value === 'string') return node.value;
  const ref = text(get(node, 'Ref'));
  if (ref) return ref;
  // `!GetAtt MyApi.RootResourceId` and `{ 'Fn::GetAtt': [MyApi, Arn] }` name it too.
  if (isScalar(node) && node.tag === '!GetAtt' && typeof node.value === 'string') return node.value.split('.')[0];
  const getAtt = get(node, 'Fn::GetAtt');
  const first = items(getAtt)[0];
  return text(first) ?? text(getAtt)?.split('.')[0];
}

export function isTrue(node: Node | undefined): boolean {
  return isScalar(node) && (node.value === true || node.value === 'true');
}
