import { ts } from '#typescript';
import { fileWithPath } from './file-index.js';
import type { ScannedSourceFile, TraceStep } from '../../types.js';

/**
 * The outermost node that starts where a trace step points (steps are recorded at node starts), so
 * a rule can look at the code around an earlier step of a flow: a check in the caller, say.
 */
export function nodeAtStep(ctx: { readonly sourceFiles: readonly ScannedSourceFile[] }, step: TraceStep): ts.Node | undefined {
  const file = fileWithPath(ctx.sourceFiles, step.file);
  if (!file) return undefined;
  const sourceFile = file.sourceFile;
  const lineStarts = sourceFile.getLineStarts();
  const lineStart = lineStarts[step.line - 1];
  if (lineStart === undefined) return undefined;
  const position = lineStart + step.column - 1;
  let found: ts.Node | undefined;
  const visit = (node: ts.Node): void => {
    if (position < node.getStart(sourceFile) || position >= node.getEnd()) return;
    if (found) return;
    if (node !== sourceFile && node.getStart(sourceFile) === position) {
      found = node;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}
