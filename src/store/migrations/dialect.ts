import { sql, type ColumnDataType, type ColumnDefinitionBuilder, type Expression } from 'kysely'

// The PostgreSQL branches below first ran with the scale-out issue (#7); before it openStore
// refused postgres://, so no PostgreSQL database holds an older form of any migration.

/** The SQL dialects the store speaks. */
export type Dialect = 'sqlite' | 'postgres'

/**
 * The type of an auto-numbered key: only SQLite's `integer primary key` aliases the (64-bit)
 * rowid, while PostgreSQL's `integer` stops at 2^31, which a busy sign-in log passes in a year.
 */
export function identityType(dialect: Dialect): 'integer' | 'bigint' {
  return dialect === 'sqlite' ? 'integer' : 'bigint'
}

/** An auto-numbered primary key: SQLite's rowid alias, PostgreSQL's identity column. */
export function identityColumn(
  dialect: Dialect,
): (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  return dialect === 'sqlite'
    ? (c) => c.primaryKey().autoIncrement()
    : (c) => c.primaryKey().generatedAlwaysAsIdentity()
}

/**
 * Text that lists are ordered (or paged) by: bytewise on both, as SQLite's default BINARY
 * collation does. PostgreSQL would otherwise use the database's locale, where `en_US` puts `ab`
 * before `a-c`, and a page boundary would differ from SQLite's.
 */
export function sortedText(dialect: Dialect, length: number): ColumnDataType | Expression<unknown> {
  return dialect === 'sqlite'
    ? (`varchar(${length})` as ColumnDataType)
    : sql.raw(`varchar(${length}) collate "C"`)
}
