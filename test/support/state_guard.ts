// Issue #9 item 4: an attack must leave stored state exactly as it found it. The guard reads every
// row of every table straight from the SQLite file (not through the server's caches), so a write
// that slipped past a refusal shows up whatever code path made it.
import assert from 'node:assert/strict'
import BetterSqlite3 from 'better-sqlite3'

/**
 * Tables that record requests rather than state: a refusal is meant to add a row there (STS-140's
 * sign-in log, the audit log of vault and admin calls), so they are left out of the comparison.
 */
const REQUEST_LOGS = new Set(['sign_ins', 'audit_log'])

/** Every stored row, table by table, as sorted JSON lines. */
export type StoredState = Record<string, string[]>

/** Reads all tables of the SQLite database at `file` (read-only; WAL lets the server keep on). */
export function readStoredState(file: string): StoredState {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true })
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as { name: string }[]
    const state: StoredState = {}
    for (const { name } of tables) {
      if (REQUEST_LOGS.has(name)) continue
      const rows = db.prepare(`SELECT * FROM "${name}"`).all()
      state[name] = rows.map((row) => JSON.stringify(row)).sort()
    }
    return state
  } finally {
    db.close()
  }
}

/** Fails naming each table whose rows differ from `before`. */
export function assertStateUnchanged(file: string, before: StoredState, attack: string): void {
  const after = readStoredState(file)
  const changed = Object.keys({ ...before, ...after }).filter(
    (table) => JSON.stringify(before[table]) !== JSON.stringify(after[table]),
  )
  assert.deepEqual(changed, [], `${attack} changed stored state in: ${changed.join(', ')}`)
}

/** Rows added to `table` since `before`, parsed: for writes that must store exactly one thing. */
export function rowsAdded(file: string, before: StoredState, table: string): unknown[] {
  const known = new Set(before[table] ?? [])
  const now = readStoredState(file)[table] ?? []
  return now.filter((row) => !known.has(row)).map((row) => JSON.parse(row) as unknown)
}
