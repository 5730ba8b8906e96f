import {
  PostgresDialect,
  sql,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type Kysely,
  type SchemaMetadata,
  type TableMetadata,
} from 'kysely'

/**
 * What Kysely's migrator asks the catalog, answered for wifkit's own schema only.
 *
 * Kysely's stock introspector reads every schema's columns and calls `has_schema_privilege` by
 * name on each; when another deployment (or test run) in the same database drops its schema
 * meanwhile, that call fails with `schema "…" does not exist` and the migration with it. The
 * migrator only needs to know which tables exist, so this asks `pg_tables` about the schema
 * unqualified names resolve to, and reports no columns.
 */
class CurrentSchemaIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<unknown>

  constructor(db: Kysely<unknown>) {
    this.#db = db
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<SchemaMetadata>`
      select nspname as name from pg_catalog.pg_namespace`.execute(this.#db)
    return rows
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; schema: string }>`
      select tablename as name, schemaname as schema from pg_catalog.pg_tables
      where schemaname = current_schema()`.execute(this.#db)
    return rows.map(({ name, schema }) => ({ name, schema, isView: false, columns: [] }))
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() }
  }
}

/** Kysely's PostgreSQL dialect with an introspector that never looks outside its schema. */
export class SchemaScopedPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db)
  }
}
