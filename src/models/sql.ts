/**
 * SQL drivers as data: the packages that provide each driver and the methods whose first argument
 * (or its `text`/`sql`/`query` property) is SQL text. rules/utils/sql-sinks.ts holds the matching
 * (where a receiver was made, query builders, escapers). Adding a driver is an entry here and a
 * fixture in fixtures/rules/sql-injection.
 */

export interface SqlDriverModel {
  driver: string;
  /** Package names; `name/*` also matches the package's subpaths (`@prisma/client/edge`). */
  packages: readonly string[];
  /** Methods whose first argument is SQL text. */
  textMethods: readonly string[];
  /**
   * For APIs whose first argument is a request object: the properties that hold the statement
   * (only those; the rest of the request, its bound parameters included, is not SQL text).
   */
  textProperties?: readonly string[];
  /** Command classes whose constructor takes such a request (AWS SDK v3: `new ExecuteStatementCommand({ Statement })`, sent with `client.send`). */
  commands?: readonly string[];
}

export const SQL_DRIVERS = [
  { driver: 'pg', packages: ['pg', 'pg-pool', '@neondatabase/serverless', '@vercel/postgres'], textMethods: ['query'] },
  { driver: 'mysql', packages: ['mysql', 'mysql2', 'mysql2/promise', '@planetscale/database', 'mariadb'], textMethods: ['query', 'execute'] },
  { driver: 'sequelize', packages: ['sequelize', 'sequelize-typescript', '@nestjs/sequelize'], textMethods: ['query', 'literal'] },
  { driver: 'knex', packages: ['knex', '@nestjs/knex', 'nestjs-knex'], textMethods: ['raw'] },
  { driver: 'typeorm', packages: ['typeorm', '@nestjs/typeorm'], textMethods: ['query'] },
  { driver: 'prisma', packages: ['@prisma/client', '@prisma/client/*'], textMethods: ['$queryRawUnsafe', '$executeRawUnsafe', 'raw'] },
  { driver: 'better-sqlite3', packages: ['better-sqlite3'], textMethods: ['prepare', 'exec'] },
  { driver: 'sqlite3', packages: ['sqlite3', 'sqlite'], textMethods: ['all', 'get', 'run', 'each', 'exec', 'prepare'] },
  { driver: 'mssql', packages: ['mssql', 'mssql/msnodesqlv8', 'tedious'], textMethods: ['query', 'batch'] },
  { driver: 'pg-promise', packages: ['pg-promise'], textMethods: ['any', 'one', 'none', 'many', 'oneOrNone', 'manyOrNone', 'query', 'result'] },
  { driver: 'drizzle', packages: ['drizzle-orm', 'drizzle-orm/*'], textMethods: ['raw'] },
  { driver: 'kysely', packages: ['kysely'], textMethods: ['raw'] },
  // ClickHouse's official client: `client.query({ query, query_params })`, `command`/`exec` for statements.
  { driver: 'clickhouse', packages: ['@clickhouse/client', '@clickhouse/client-web'], textMethods: ['query', 'command', 'exec'] },
  // AWS data APIs that take a statement in a request: DynamoDB PartiQL (`Statement`, values in
  // `Parameters`), the Aurora Data API (`sql`, `parameters`) and the Redshift Data API (`Sql`).
  {
    driver: 'aws-data-api',
    packages: ['aws-sdk', '@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/client-rds-data', '@aws-sdk/client-redshift-data'],
    textMethods: ['executeStatement', 'batchExecuteStatement'],
    textProperties: ['Statement', 'sql', 'Sql'],
    commands: ['ExecuteStatementCommand', 'BatchExecuteStatementCommand'],
  },
] as const satisfies readonly SqlDriverModel[];

export type SqlDriver = (typeof SQL_DRIVERS)[number]['driver'];

/** Whether a module specifier names one of the packages (`name/*` entries match subpaths). */
export function packageMatches(packages: readonly string[], moduleName: string): boolean {
  return packages.some((entry) => (entry.endsWith('/*') ? moduleName === entry.slice(0, -2) || moduleName.startsWith(entry.slice(0, -1)) : moduleName === entry));
}

/**
 * Identifiers an ORM hands out from its own schema metadata, not from any request: TypeORM's
 * `repository.metadata.tableName`, `relation.junctionEntityMetadata.columns[0].databaseName`,
 * a query builder's `qb.alias`; Sequelize's `Model.tableName`. Read by member name, with what the
 * owner must look like (a metadata or column object, a query builder).
 */
export const ORM_SCHEMA_MEMBERS = ['tableName', 'givenTableName', 'databaseName', 'databasePath', 'propertyPath', 'tablePath'] as const;
/** The owner of a schema member: text of the receiver chain naming metadata, columns or relations, or a model class. */
export const ORM_SCHEMA_OWNER = /[Mm]etadata\b|\bcolumns?\b|[Cc]olumns\b|[Rr]elation\b|^[A-Z][A-Za-z0-9]*$/;
/** A query builder whose `.alias` is the alias the code gave it (`createQueryBuilder(Order, 'order')`). */
export const QUERY_BUILDER_NAME = /^(?:qb|queryBuilder|builder|query|subQuery|subQb|sq)\d*$/;
