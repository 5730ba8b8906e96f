import type { Kysely } from 'kysely'
import { num } from '../columns.js'
import type { ChangeFeed, ChangeSource } from '../store.js'
import type { Database } from '../tables.js'

/** Where other processes' writes come from: started on first subscribe, stopped on close. */
export interface RemoteChanges {
  start(): void
  close(): Promise<void>
}

/**
 * The store's change feed (issue #7, item 3): the counter that migration 0005's triggers bump,
 * and the listeners that this store's write tracker and, on PostgreSQL, LISTEN/NOTIFY call.
 */
export class StoreChangeFeed implements ChangeFeed {
  readonly #db: Kysely<Database>
  readonly #listeners = new Set<(source: ChangeSource) => void>()
  #remote: RemoteChanges | undefined
  #remoteStarted = false

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  /** Attaches the source of other processes' writes; the feed starts it on first subscribe. */
  receiveFrom(remote: RemoteChanges): void {
    this.#remote = remote
  }

  async version(): Promise<number> {
    const row = await this.#db
      .selectFrom('change_version')
      .select('version')
      .where('id', '=', 1)
      .executeTakeFirstOrThrow()
    return num(row.version)
  }

  subscribe(listener: (source: ChangeSource) => void): () => void {
    this.#listeners.add(listener)
    if (this.#remote && !this.#remoteStarted) {
      this.#remoteStarted = true
      this.#remote.start()
    }
    return () => this.#listeners.delete(listener)
  }

  /** Tells every listener; one that throws or rejects cannot stop the others or the writer. */
  emit(source: ChangeSource): void {
    for (const listener of [...this.#listeners]) {
      try {
        const result: unknown = listener(source)
        if (result instanceof Promise) result.catch(() => {})
      } catch {
        // A cache that fails to react still meets the periodic version check.
      }
    }
  }

  /** Closes the notification connection, if one was opened. */
  async close(): Promise<void> {
    this.#listeners.clear()
    await this.#remote?.close()
  }
}
