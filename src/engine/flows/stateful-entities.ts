/**
 * Models that carry a state: a status/state/stage/step field, with the states it may hold when the
 * code declares them (a Prisma enum, a TypeScript union or enum, a Mongoose `enum` list).
 */
import { ts } from '#typescript';
import type { ScannedSourceFile, ScannedTextFile } from '../../types.js';
import { nodePosition, propertyNameText, propertyValue, skipOuterExpressions } from '../ast/syntax.js';
import { SourceText } from '../source-text.js';
import type { FlowLocation } from './flow-facts.js';
import { STATE_FIELD } from './flow-patterns.js';

export interface StatefulEntity {
  name: string;
  field: string;
  /** In declaration order; empty when the field is a plain string. */
  states: string[];
  source: FlowLocation;
}

// Request/response shapes and helpers carry a status too, but they are not stored records.
const NOT_AN_ENTITY = /(?:Dto|DTO|Input|Request|Response|Params|Props|Args|Payload|Query|Options|Config|Event|Result|Filter|Body|Schema|Type|Context|Error|Exception|Action|Response)$/;

/** Lowercase singular key for matching a model, table, repository or variable name. */
export function entityKey(name: string): string {
  return singular(name.replace(/(?:Repository|Repo|Model|Collection|Service|Table|Entity|Schema)$/i, '').toLowerCase().replace(/[^a-z0-9]/g, ''));
}

/** `orders` -> order, `categories` -> category; `address`, `status` stay. */
export function singular(word: string): string {
  if (/ies$/i.test(word)) return `${word.slice(0, -3)}y`;
  if (/(?:ss|us)$/i.test(word)) return word;
  return word.replace(/s$/i, '');
}

export function statefulEntities(sourceFiles: readonly ScannedSourceFile[], textFiles: readonly ScannedTextFile[]): StatefulEntity[] {
  const found: StatefulEntity[] = [];
  for (const file of textFiles) if (file.kind === 'prisma') found.push(...prismaEntities(file));
  for (const file of sourceFiles) {
    if (!/\b(?:status|state|stage|step|phase)\b|Status\b|State\b/.test(file.text)) continue;
    const unions = new Map<string, string[]>();
    const source = file.sourceFile;
    // Type aliases and enums first, so a field typed `OrderStatus` finds its states in the same file.
    for (const statement of source.statements) {
      if (ts.isTypeAliasDeclaration(statement)) {
        const states = literalUnion(statement.type);
        if (states.length > 0) unions.set(statement.name.text, states);
      }
      if (ts.isEnumDeclaration(statement)) {
        unions.set(statement.name.text, statement.members.map((member) => (member.initializer && ts.isStringLiteralLike(member.initializer) ? member.initializer.text : propertyNameText(member.name) ?? '')).filter(Boolean));
      }
    }
    const visit = (node: ts.Node): void => {
      if ((ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node)) && node.name && !NOT_AN_ENTITY.test(node.name.text)) {
        for (const member of node.members) {
          if (!(ts.isPropertyDeclaration(member) || ts.isPropertySignature(member)) || !member.type) continue;
          const field = propertyNameText(member.name);
          if (!field || !STATE_FIELD.test(field)) continue;
          const states = literalUnion(member.type).length > 0 ? literalUnion(member.type) : ts.isTypeReferenceNode(member.type) && ts.isIdentifier(member.type.typeName) ? (unions.get(member.type.typeName.text) ?? []) : [];
          if (states.length === 0 && !ts.isClassDeclaration(node)) continue;
          found.push({ name: node.name.text, field, states, source: { file: file.path, ...nodePosition(member) } });
        }
      }
      // new Schema({ status: { type: String, enum: ['pending', 'paid'] } }) assigned to orderSchema
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && /schema$/i.test(node.name.text) && node.initializer) {
        const value = skipOuterExpressions(node.initializer);
        const shape = ts.isNewExpression(value) && value.arguments?.[0] ? skipOuterExpressions(value.arguments[0]) : undefined;
        if (shape && ts.isObjectLiteralExpression(shape)) {
          for (const property of shape.properties) {
            const field = ts.isPropertyAssignment(property) ? propertyNameText(property.name) : undefined;
            if (!field || !STATE_FIELD.test(field) || !ts.isPropertyAssignment(property)) continue;
            const definition = skipOuterExpressions(property.initializer);
            const list = ts.isObjectLiteralExpression(definition) ? propertyValue(definition, 'enum') : undefined;
            const states = list && ts.isArrayLiteralExpression(list) ? list.elements.filter(ts.isStringLiteralLike).map((element) => element.text) : [];
            if (states.length === 0) continue;
            const name = node.name.text.replace(/schema$/i, '');
            found.push({ name: name.charAt(0).toUpperCase() + name.slice(1), field, states, source: { file: file.path, ...nodePosition(property) } });
          }
        }
      }
      // Models and schemas are declared at the top level (or in a namespace): no need to walk function bodies.
      if (ts.isModuleDeclaration(node) || ts.isModuleBlock(node) || ts.isVariableStatement(node) || ts.isVariableDeclarationList(node)) ts.forEachChild(node, visit);
    };
    source.statements.forEach(visit);
  }
  // One entity per model and field: the Prisma schema or entity class wins over an interface of the same name.
  const unique = new Map<string, StatefulEntity>();
  for (const entity of found) {
    const key = `${entityKey(entity.name)}.${entity.field}`;
    const known = unique.get(key);
    if (!known || (known.states.length === 0 && entity.states.length > 0)) unique.set(key, entity);
  }
  return [...unique.values()].sort((a, b) => a.name.localeCompare(b.name) || a.field.localeCompare(b.field));
}

function literalUnion(type: ts.TypeNode): string[] {
  if (ts.isLiteralTypeNode(type) && ts.isStringLiteral(type.literal)) return [type.literal.text];
  if (!ts.isUnionTypeNode(type)) return [];
  return type.types.flatMap((member) => (ts.isLiteralTypeNode(member) && ts.isStringLiteral(member.literal) ? [member.literal.text] : []));
}

/** `model Order { status OrderStatus @default(PENDING) }` with `enum OrderStatus { PENDING PAID }`. */
function prismaEntities(file: ScannedTextFile): StatefulEntity[] {
  const enums = new Map<string, string[]>();
  for (const match of file.text.matchAll(/^\s*enum\s+(\w+)\s*\{([^}]*)\}/gm)) {
    enums.set(match[1]!, match[2]!.split(/\r\n?|\n/).map((line) => line.replace(/\/\/.*$/, '').trim().split(/\s+/)[0] ?? '').filter((value) => /^\w+$/.test(value)));
  }
  const found: StatefulEntity[] = [];
  for (const match of file.text.matchAll(/^\s*model\s+(\w+)\s*\{([^}]*)\}/gm)) {
    const bodyStart = match.index! + match[0].indexOf('{') + 1;
    let offset = bodyStart;
    // Split after each line break (CRLF, LF or a lone CR), keeping it, so offsets stay exact.
    for (const line of match[2]!.split(/(?<=\r(?!\n)|\n)/)) {
      const field = /^\s*(\w+)\s+(\w+)/.exec(line);
      if (field && STATE_FIELD.test(field[1]!) && (enums.has(field[2]!) || field[2] === 'String')) {
        const lineNumber = new SourceText(file.text).position(offset).line;
        found.push({ name: match[1]!, field: field[1]!, states: enums.get(field[2]!) ?? [], source: { file: file.path, line: lineNumber, column: 1 } });
      }
      offset += line.length;
    }
  }
  return found;
}
