import { ts } from '#typescript';
import { nodePosition, skipOuterExpressions } from '../engine/ast/syntax.js';
import { ORM_SCHEMA_MEMBERS, ORM_SCHEMA_OWNER, QUERY_BUILDER_NAME } from '../models/sql.js';
import { localInitializer, type ModuleIndex } from '../engine/names/index.js';
import { TYPEORM_QUERY_BUILDER } from '../models/orms.js';
import type { ScannedSourceFile } from '../types.js';
import { ValueProver } from '../engine/dataflow/value-proof.js';
import { isTaintedFor } from '../engine/dataflow/taint.js';
import { defineRule } from './define-rule.js';
import {
  escapeEvidence,
  firstLineSpan,
  sinkPosition,
  looksLikeSql,
  type SqlSink,
  type SqlSinkCatalog,
  sqlInjectionFlows,
  sqlSinkCatalog,
  sqlTextParts,
  SQL_INJECTION_CONTROLS,
} from './utils/sql-sinks.js';

const SQL_KEYWORD = /\b(?:select|insert\s+into|update|delete\s+from|where|order\s+by|join)\s/i;

export default defineRule({
  meta: {
    id: 'raw-sql-concatenation',
    title: 'SQL text built by concatenation or interpolation',
    severity: 'medium',
    confidence: 'low',
    controls: SQL_INJECTION_CONTROLS,
    docs: {
      description:
        'Finds SQL text passed to a database call that is built by concatenation or interpolation from values not provably constant, numeric or allowlisted, where no request input was traced to it.',
      remediation:
        'Keep the SQL text constant and pass values as bound parameters or through a parameterizing tagged template; for identifiers, pick them from an allowlist of constants.',
    },
  },
  analyses: ['dataflow'],
  create(ctx) {
    const catalog = sqlSinkCatalog(ctx);
    const prover = valueProver(ctx.modules, catalog);
    // sql-injection speaks for these; one finding per call.
    const injected = sqlInjectionFlows(ctx);
    return {
      // The SQL text this rule judges is built in the sink's own function, so its keywords are in
      // this file: files without any are skipped.
      enterSourceFile: (file) => SQL_KEYWORD.test(file.text),
      nodes: {
        [ts.SyntaxKind.CallExpression]: (node, file) => {
          if (!injected.has(node)) judge(catalog.sinkOf(node as ts.CallExpression, file), file);
        },
        // AWS SDK v3 commands: `new ExecuteStatementCommand({ Statement })`.
        [ts.SyntaxKind.NewExpression]: (node, file) => {
          if (!injected.has(node)) judge(catalog.commandSinkOf(node as ts.NewExpression, file), file);
        },
      },
    };

    function judge(sink: SqlSink | undefined, file: ScannedSourceFile): void {
      if (!sink) return;
      const parts = sqlTextParts(sink.queryText);
      if (!parts.built) return;
      // A handle known only by its name must at least be handed SQL.
      if (!sink.proven && !looksLikeSql(parts.literals)) return;
      // Every route that reaches the call passes text built only from constants and values its
      // schema constrains (a GraphQL enum argument, a validated integer): proved where it is passed.
      const textArgument = (sink.call.arguments ?? []).findIndex((argument: ts.Expression) => argument.pos <= sink.queryText.pos && sink.queryText.end <= argument.end);
      if (textArgument >= 0 && ctx.dataflow.argumentProvedInRoutes(sink.call, textArgument)) return;
      const unproven = parts.values.find((value) => {
        // Constants (also imported, enums, `as const`), numbers, placeholders and escaped identifiers.
        if (prover.prove(value, file)) return false;
        const origin = ctx.dataflow.originOutOfContext(value, file);
        return origin.kind !== 'constant' && origin.kind !== 'sanitized' && !(origin.kind === 'tainted' && !isTaintedFor(origin, 'sql'));
      });
      if (!unproven) return;
      const valueText = compact(unproven);
      const { line, column } = sinkPosition(sink.call);
      const at = nodePosition(unproven);
      ctx.report({
        file: file.path,
        ...firstLineSpan(sink.call),
        message: `SQL text of ${sink.api} (${sink.driver}) is built from \`${valueText}\`, which is not provably constant, numeric or allowlisted; use bound parameters.`,
        trace: [
          { file: file.path, line: at.line, column: at.column, message: `\`${valueText}\` built into the SQL text` },
          { file: file.path, line, column, message: `SQL text of ${sink.api}` },
        ],
      });
    }
  },
});

const provers = new WeakMap<ModuleIndex, ValueProver>();

/** One prover per scan: its memo is shared by every sink; the SQL escapers are its trusted leaves. */
function valueProver(modules: ModuleIndex, catalog: SqlSinkCatalog): ValueProver {
  let prover = provers.get(modules);
  if (!prover) {
    prover = new ValueProver(modules, (expression, file) => escapeEvidence(expression, file, modules, catalog) ?? schemaIdentifier(expression));
    provers.set(modules, prover);
  }
  return prover;
}

/** An identifier the ORM gives from its schema (models/sql.ts): `metadata.tableName`, `columns[0].databaseName`, `qb.alias`. */
function schemaIdentifier(expression: ts.Expression): string | undefined {
  const value = skipOuterExpressions(expression);
  if (!ts.isPropertyAccessExpression(value)) return undefined;
  const member = value.name.text;
  const owner = skipOuterExpressions(value.expression);
  const ownerText = owner.getText(owner.getSourceFile());
  if ((ORM_SCHEMA_MEMBERS as readonly string[]).includes(member) && ORM_SCHEMA_OWNER.test(ownerText)) return `the ORM's schema metadata (${compact(value)})`;
  if (member === 'alias' && ts.isIdentifier(owner) && (QUERY_BUILDER_NAME.test(owner.text) || heldQueryBuilder(owner))) return `the query builder's alias (${compact(value)})`;
  return undefined;
}

/** `const weekTimeQuery = repository.createQueryBuilder('time_slot')`: a local the code started a builder in, whatever its name. */
function heldQueryBuilder(owner: ts.Identifier): boolean {
  let current: ts.Expression | undefined = localInitializer(owner);
  while (current) {
    current = skipOuterExpressions(current);
    if (ts.isCallExpression(current)) {
      const callee = skipOuterExpressions(current.expression);
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === TYPEORM_QUERY_BUILDER.starter) return true;
      current = ts.isPropertyAccessExpression(callee) ? callee.expression : undefined;
    } else return false;
  }
  return false;
}

function compact(node: ts.Node): string {
  const text = node.getText(node.getSourceFile()).replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
