import type { Kysely } from 'kysely'
import { UsageError } from '../errors/index.js'
import { kyselyStore } from './kysely_store.js'
import { migrateToLatest } from './migrate.js'
import { openSqlite } from './sqlite/open.js'
import type { Store } from './store.js'

/**
 * Opens the configured storage (IF-22) and brings its schema up to date. `sqlite:PATH` is the
 * default single-node backend; PostgreSQL arrives with the scale-out issue.
 */
export async function openStore(storage: string): Promise<Store & { migrationsApplied: string[] }> {
  if (!storage.startsWith('sqlite:')) {
    throw new UsageError(`storage ${storage.split(':')[0]}: is not supported yet; use sqlite:PATH`)
  }
  const { db, close } = openSqlite(storage.slice('sqlite:'.length))
  let migrationsApplied: string[]
  try {
    migrationsApplied = await migrateToLatest(db as Kysely<unknown>, 'sqlite')
  } catch (error) {
    await close()
    throw error
  }
  return Object.assign(kyselyStore(db, 'sqlite', close), { migrationsApplied })
}
