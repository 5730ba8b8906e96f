import { Migrator, sql, type Kysely } from 'kysely'
import { UsageError } from '../errors/index.js'
import { migrationProvider, migrationsFor, type Dialect } from './migrations/index.js'

const MIGRATION_TABLE = 'wifkit_migration'
const MIGRATION_LOCK_TABLE = 'wifkit_migration_lock'

/**
 * The PostgreSQL schema unqualified names resolve to (the first existing one on `search_path`).
 * Kysely looks for its migration table in every schema unless told which, so a second wifkit in
 * another schema of the same database would otherwise make this one skip creating its own.
 */
async function currentSchema(db: Kysely<unknown>, dialect: Dialect): Promise<string | undefined> {
  if (dialect === 'sqlite') return undefined
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(
    db,
  )
  const schema = rows[0]?.schema ?? null
  if (schema === null) {
    throw new UsageError(
      'no schema on the PostgreSQL search_path exists; create it (create schema NAME) or fix the options=-c search_path=… of the storage URL',
    )
  }
  return schema
}

function migrator(db: Kysely<unknown>, dialect: Dialect, schema: string | undefined): Migrator {
  return new Migrator({
    db,
    provider: migrationProvider(dialect),
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  })
}

/**
 * Refuses a database that a newer wifkit has migrated (IF-57): running old code on a newer schema
 * could silently drop what the new columns mean.
 */
async function refuseNewerSchema(
  db: Kysely<unknown>,
  dialect: Dialect,
  schema: string | undefined,
): Promise<void> {
  const known = new Set(Object.keys(migrationsFor(dialect)))
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true })
  if (!tables.some((t) => t.name === MIGRATION_TABLE && t.schema === schema)) return
  const scoped = schema === undefined ? db : db.withSchema(schema)
  const rows = (await scoped
    .selectFrom(MIGRATION_TABLE as never)
    .select('name' as never)
    .execute()) as Array<{ name: string }>
  const unknown = rows.map((r) => r.name).filter((name) => !known.has(name))
  if (unknown.length > 0) {
    throw new UsageError(
      `the database schema is newer than this wifkit (unknown migrations: ${unknown.join(', ')}); upgrade wifkit`,
    )
  }
}

/** Applies every pending migration; returns the names applied now. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<string[]> {
  const schema = await currentSchema(db, dialect)
  await refuseNewerSchema(db, dialect, schema)
  const { error, results } = await migrator(db, dialect, schema).migrateToLatest()
  if (error) throw error
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
