import { Migrator, type Kysely } from 'kysely'
import { UsageError } from '../errors/index.js'
import { migrationProvider, migrationsFor, type Dialect } from './migrations/index.js'

const MIGRATION_TABLE = 'wifkit_migration'
const MIGRATION_LOCK_TABLE = 'wifkit_migration_lock'

function migrator(db: Kysely<unknown>, dialect: Dialect): Migrator {
  return new Migrator({
    db,
    provider: migrationProvider(dialect),
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  })
}

/**
 * Refuses a database that a newer wifkit has migrated (IF-57): running old code on a newer schema
 * could silently drop what the new columns mean.
 */
async function refuseNewerSchema(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const known = new Set(Object.keys(migrationsFor(dialect)))
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true })
  if (!tables.some((t) => t.name === MIGRATION_TABLE)) return
  const rows = (await db
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
  await refuseNewerSchema(db, dialect)
  const { error, results } = await migrator(db, dialect).migrateToLatest()
  if (error) throw error
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
