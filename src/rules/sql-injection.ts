import { entryName } from '../types.js';
import { alsoReachedSteps, alsoReachedText, routeLabel, routeOfSink } from './utils/tainted-sink.js';
import { defineRule } from './define-rule.js';
import { firstLineSpan, sinkPosition, sqlInjectionFlows, SQL_INJECTION_CONTROLS } from './utils/sql-sinks.js';

export default defineRule({
  meta: {
    id: 'sql-injection',
    title: 'Request data reaches the text of a SQL query',
    severity: 'critical',
    confidence: 'high',
    controls: SQL_INJECTION_CONTROLS,
    docs: {
      description:
        'Finds request input (params, query, body, headers, cookies) that reaches the SQL text of a database call (pg, mysql, Sequelize, knex, TypeORM, Prisma unsafe raw, SQLite, mssql, pg-promise, Drizzle, Kysely, ClickHouse, DynamoDB PartiQL and the AWS Aurora/Redshift Data APIs) across files.',
      remediation:
        'Keep the SQL text constant and pass request values as bound parameters ($1, ?, :name, replacements) or through a parameterizing tagged template; check identifiers such as sort columns against an allowlist.',
    },
  },
  analyses: ['dataflow'],
  check(ctx) {
    for (const { sink, tainted, taint } of sqlInjectionFlows(ctx).values()) {
      const { route } = tainted;
      const { line, column } = sinkPosition(sink.call);
      const routeName = route.unmounted ? routeLabel(tainted) : `route ${entryName(route)}`;
      ctx.report({
        file: tainted.file.path,
        ...firstLineSpan(sink.call),
        message: `Request input ${taint.source.label} reaches the SQL text of ${sink.api} (${sink.driver}) in ${routeName}; an attacker can change the query.${alsoReachedText(tainted)}`,
        ...routeOfSink(tainted),
        trace: [...taint.steps, ...alsoReachedSteps(tainted), { file: tainted.file.path, line, column, message: `SQL text of ${sink.api}` }],
      });
    }
  },
});
