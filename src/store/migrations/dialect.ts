import type { ColumnDefinitionBuilder } from 'kysely'

/** The SQL dialects the store speaks. */
export type Dialect = 'sqlite' | 'postgres'

/** An auto-numbered primary key: SQLite's rowid alias, PostgreSQL's identity column. */
export function identityColumn(
  dialect: Dialect,
): (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  return dialect === 'sqlite'
    ? (c) => c.primaryKey().autoIncrement()
    : (c) => c.primaryKey().generatedAlwaysAsIdentity()
}
