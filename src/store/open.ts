import type { Kysely } from 'kysely'
import { UsageError } from '../errors/index.js'
import { kyselyStore } from './kysely_store.js'
import { StoreChangeFeed } from './changes/change_feed.js'
import { WriteTracker } from './changes/write_tracker.js'
import { migrateToLatest } from './migrate.js'
import type { Dialect } from './migrations/index.js'
import { PostgresNotifications } from './postgres/notifications.js'
import { describePostgresUrl, openPostgres } from './postgres/open.js'
import { openSqlite } from './sqlite/open.js'
import { runOnSingleNode } from './sqlite/single_node_lock.js'
import type { Database } from './tables.js'
import type { Exclusively, Store } from './store.js'

const POSTGRES_URL = /^postgres(ql)?:\/\//

interface Opened {
  dialect: Dialect
  db: Kysely<Database>
  close: () => Promise<void>
  exclusively: Exclusively
}

function open(storage: string): Opened {
  if (storage.startsWith('sqlite:')) {
    const path = storage.slice('sqlite:'.length)
    return { dialect: 'sqlite', ...openSqlite(path), exclusively: runOnSingleNode }
  }
  if (POSTGRES_URL.test(storage)) {
    return { dialect: 'postgres', ...openPostgres(storage) }
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
  const label = POSTGRES_URL.test(storage) ? describePostgresUrl(storage) : storage
  let opened: Opened
  try {
    opened = open(storage)
  } catch (error) {
    throw cannotOpen(label, error)
  }
  const { dialect, db, close, exclusively } = opened
  let migrationsApplied: string[]
  try {
    migrationsApplied = await migrateToLatest(db as Kysely<unknown>, dialect)
  } catch (error) {
    await close()
    throw cannotOpen(label, error)
  }
  const changes = new StoreChangeFeed(db)
  if (dialect === 'postgres') {
    changes.receiveFrom(new PostgresNotifications(storage, (source) => changes.emit(source)))
  }
  const tracked = db.withPlugin(new WriteTracker(() => changes.emit('local')))
  const closeAll = async () => {
    await changes.close()
    await close()
  }
  return Object.assign(kyselyStore(tracked, dialect, closeAll, exclusively, changes), {
    migrationsApplied,
  })
}

/** One line naming the database without its password (STYLE.md §2.18), for exit code 1. */
function cannotOpen(label: string, error: unknown): UsageError {
  if (error instanceof UsageError) return error
  // A refused connection to localhost is an AggregateError with an empty message.
  const reason =
    error instanceof AggregateError && error.message === ''
      ? error.errors.map((e: Error) => e.message).join('; ')
      : error instanceof Error
        ? error.message
        : String(error)
  return new UsageError(`cannot open ${label}: ${reason}`, { cause: error })
}
