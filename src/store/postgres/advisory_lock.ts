import type pg from 'pg'
import type { Exclusively } from '../store.js'

/**
 * The 64-bit advisory-lock key of a lock name. Advisory locks belong to a database, not a schema,
 * so the schema is part of the key: deployments that share a database in schemas of their own
 * never wait for each other. PostgreSQL computes the hash, so every node derives the same key.
 */
const KEY = `hashtextextended(current_schema() || '/' || $1, 0)`

/**
 * `Store.exclusively` on PostgreSQL: a session-level advisory lock held on one pinned connection
 * while `work` runs on the others, released in `finally`. When the node dies its connection
 * closes and PostgreSQL releases the lock itself (manual §13.3.5), so another node takes the job
 * over on its next attempt; no lease, expiry or clean-up row is needed.
 */
export function advisoryLocks(pool: pg.Pool): Exclusively {
  return async (lock, work, options = {}) => {
    const client = await pool.connect()
    // A checked-out client has no error listener of the pool's; if the server drops it while
    // `work` runs (restart, pg_terminate_backend), the event would otherwise end the process.
    let broken: unknown
    const onError = (error: Error) => (broken ??= error)
    client.on('error', onError)
    const query = async (text: string) => {
      try {
        return await client.query<{ locked: boolean }>(text, [lock])
      } catch (error) {
        broken ??= error
        throw error
      }
    }
    try {
      if (options.wait) {
        await query(`select pg_advisory_lock(${KEY})`)
      } else {
        const { rows } = await query(`select pg_try_advisory_lock(${KEY}) as locked`)
        if (rows[0]?.locked !== true) return { ran: false }
      }
      try {
        return { ran: true, value: await work() }
      } finally {
        // A connection that is gone took its lock with it; `work`'s own outcome stands.
        if (broken === undefined) await query(`select pg_advisory_unlock(${KEY})`).catch(() => {})
      }
    } finally {
      client.removeListener('error', onError)
      // Given an error, the pool destroys the connection instead of lending it out again.
      client.release(broken === undefined ? undefined : (broken as Error))
    }
  }
}
