import { ts } from '#typescript';

/**
 * `const record = await lookup(...); if (!record) throw ...` (or return; or `if (!record || expired(record))`):
 * the statements after the lookup's declaration end the request when it finds nothing.
 */
export function exitsWhenMissing(call: ts.Node): boolean {
  let node: ts.Node = call;
  while (node.parent && !ts.isVariableDeclaration(node.parent) && !ts.isStatement(node.parent)) node = node.parent;
  const declaration = node.parent;
  if (!declaration || !ts.isVariableDeclaration(declaration)) return false;
  const bound = firstBoundName(declaration.name);
  if (!bound) return false;
  const name = bound.replace(/\$/g, '\\$');
  const statement = declaration.parent?.parent;
  const block = statement?.parent;
  if (!statement || !block || !(ts.isBlock(block) || ts.isSourceFile(block))) return false;
  const later = block.statements.slice(block.statements.indexOf(statement as ts.Statement) + 1);
  const missing = new RegExp(String.raw`^(?:!\s*${name}|${name}\s*===?\s*(?:null|undefined))(?:\s*\|\|[\s\S]*)?$`);
  return later.some((candidate) => ts.isIfStatement(candidate) && missing.test(candidate.expression.getText().trim()) && endsRequest(candidate.thenStatement));
}

function endsRequest(statement: ts.Statement): boolean {
  const last = ts.isBlock(statement) ? statement.statements.at(-1) : statement;
  return last !== undefined && (ts.isThrowStatement(last) || ts.isReturnStatement(last));
}

/**
 * The name the lookup's record is bound to: `record` in `const record = await ...`, and the first
 * row in `const [row] = await db.select().from(t).where(...)` (a query builder answers with rows).
 */
function firstBoundName(name: ts.BindingName): string | undefined {
  if (ts.isIdentifier(name)) return name.text;
  const first = ts.isArrayBindingPattern(name) ? name.elements[0] : undefined;
  return first && ts.isBindingElement(first) && !first.dotDotDotToken && ts.isIdentifier(first.name) ? first.name.text : undefined;
}
