import type { Kysely } from 'kysely'
import { UsageError } from '../errors/index.js'
import { kyselyStore } from './kysely_store.js'
import { migrateToLatest } from './migrate.js'
import type { Dialect } from './migrations/index.js'
import { describePostgresUrl, openPostgres } from './postgres/open.js'
import { openSqlite } from './sqlite/open.js'
import type { Database } from './tables.js'
import type { Store } from './store.js'

const POSTGRES_URL = /^postgres(ql)?:\/\//

interface Opened {
  dialect: Dialect
  db: Kysely<Database>
  close: () => Promise<void>
  /** Where the database is, without credentials, for messages. */
  label: string
}

function open(storage: string): Opened {
  if (storage.startsWith('sqlite:')) {
    const path = storage.slice('sqlite:'.length)
    return { dialect: 'sqlite', ...openSqlite(path), label: storage }
  }
  if (POSTGRES_URL.test(storage)) {
    return { dialect: 'postgres', ...openPostgres(storage), label: describePostgresUrl(storage) }
  }
  throw new UsageError(
    `storage ${storage.split(':')[0]}: is not supported; use sqlite:PATH or postgres://…`,
  )
}

/**
 * Opens the configured storage (IF-22) and brings its schema up to date (IF-57): `sqlite:PATH`
 * for a single node, `postgres://…` for several stateless nodes on one database. Both run the
 * same repositories and the same migrations.
 */
export async function openStore(storage: string): Promise<Store & { migrationsApplied: string[] }> {
  const { dialect, db, close, label } = open(storage)
  let migrationsApplied: string[]
  try {
    migrationsApplied = await migrateToLatest(db as Kysely<unknown>, dialect)
  } catch (error) {
    await close()
    if (error instanceof UsageError) throw error
    // The message names the database without its password (STYLE.md §2.18).
    throw new UsageError(`cannot open ${label}: ${reason(error)}`, { cause: error })
  }
  return Object.assign(kyselyStore(db, dialect, close), { migrationsApplied })
}

/** A connection failure to localhost is an AggregateError with an empty message. */
function reason(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') {
    return error.errors.map((e: Error) => e.message).join('; ')
  }
  return error instanceof Error ? error.message : String(error)
}
