import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import type { Database } from '../tables.js'

/**
 * Opens a SQLite database for a single node: WAL so readers never wait for the writer, foreign
 * keys on, `synchronous=FULL` so an acknowledged write survives a crash or power loss, and a busy
 * timeout so a CLI command and the server can share the file.
 */
export function openSqlite(path: string): { db: Kysely<Database>; close: () => Promise<void> } {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const sqlite = new BetterSqlite3(path)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('busy_timeout = 5000')
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
  return { db, close: () => db.destroy() }
}
