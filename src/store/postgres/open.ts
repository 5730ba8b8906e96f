import { Kysely } from 'kysely'
import pg from 'pg'
import type { Database } from '../tables.js'
import type { Exclusively } from '../store.js'
import { advisoryLocks } from './advisory_lock.js'
import { SchemaScopedPostgresDialect } from './introspector.js'

/**
 * Connections per process. Every request needs at most one at a time and holds it for a few
 * milliseconds, so ten carry thousands of requests a second. With the one that listens for
 * changes that is 11 per node: 7 nodes and a rolling update's surge stay within PostgreSQL's
 * default `max_connections` of 100 (docs/deploy.md, Sizing).
 */
const POOL_SIZE = 10
/** An unused connection is closed after this long, so a quiet node holds few server processes. */
const IDLE_TIMEOUT_MS = 30_000
/**
 * A node that cannot get a connection this fast reports the failure instead of queueing. Short,
 * because during an outage an admin write must fail at once with 503 rather than hang (issue #7
 * item 4), and exchanges read through the cache; a healthy pool hands out connections in
 * milliseconds, so two seconds of waiting already means the database is away or overloaded.
 */
const CONNECT_TIMEOUT_MS = 2_000

/**
 * Times and counts are `bigint` columns, which pg returns as strings by default. They are epoch
 * seconds and row counts, far inside Number's exact range; anything beyond it is an error, never
 * a silently rounded value.
 */
function parseInt8(value: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${value} is beyond the exact range`)
  return n
}

const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
  oid === pg.types.builtins.INT8 && format !== 'binary'
    ? parseInt8
    : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser

/** The connection URL without its password or query, for messages and logs. */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url)
    const user = u.username === '' ? '' : `${u.username}@`
    return `${u.protocol}//${user}${u.host}${u.pathname}`
  } catch {
    return 'postgres://(unparsable URL)'
  }
}

/**
 * Opens a pooled PostgreSQL connection for one of several stateless nodes. The URL is libpq's
 * (`postgres://user@host:5432/db?sslmode=verify-full`); a password may come from `PGPASSWORD`
 * instead, and `options=-c search_path=NAME` puts wifkit's tables in a schema of their own.
 */
export function openPostgres(url: string): {
  db: Kysely<Database>
  close: () => Promise<void>
  exclusively: Exclusively
} {
  const pool = new pg.Pool({
    connectionString: url,
    application_name: 'wifkit',
    max: POOL_SIZE,
    idleTimeoutMillis: IDLE_TIMEOUT_MS,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types: { getTypeParser },
  })
  // An idle connection that the server drops (restart, pg_terminate_backend) is emitted here and
  // discarded by the pool; the next query opens a new one and reports its own failure if the
  // database is still away. Without a listener Node would end the process on this event.
  pool.on('error', () => {})
  // A connection that drops while checked out fails its query and is also emitted on the client,
  // where pg-pool listens only while it is idle: without this, an outage mid-query would end the
  // process instead of answering 503 (issue #7 item 4).
  pool.on('connect', (client) => client.on('error', () => {}))
  const db = new Kysely<Database>({ dialect: new SchemaScopedPostgresDialect({ pool }) })
  return { db, close: () => db.destroy(), exclusively: advisoryLocks(pool) }
}
