import type { Logger } from 'pino'

/** How a `BatchWriter` writes and when. */
export interface BatchWriterOptions<T> {
  /** Names the log in messages, e.g. `sign-in log`. */
  name: string
  /** Writes one batch; a rejection keeps the batch for the next attempt. */
  write: (batch: T[]) => Promise<void>
  logger: Logger
  /** The longest an entry waits in memory before a write starts. */
  flushEveryMs?: number
  /** A write starts at once when this many entries wait. */
  flushAtEntries?: number
  /**
   * The most entries held while the database is away; beyond it new entries are dropped and
   * counted, so an outage cannot exhaust the process's memory.
   */
  maxPending?: number
}

/**
 * Writes log entries in batches off the hot path (issue #7, item 3): a request only appends to
 * memory, a timer writes what has gathered, a failed write is retried, and `flush()` at shutdown
 * writes the rest, so nothing is lost on a clean stop.
 */
export class BatchWriter<T> {
  readonly #options: Required<BatchWriterOptions<T>>
  #pending: T[] = []
  #dropped = 0
  #timer: NodeJS.Timeout | undefined
  #flushing: Promise<void> = Promise.resolve()

  constructor(options: BatchWriterOptions<T>) {
    this.#options = { flushEveryMs: 1000, flushAtEntries: 200, maxPending: 10_000, ...options }
  }

  /** Queues `entry`; never waits and never throws. */
  record(entry: T): void {
    if (this.#pending.length >= this.#options.maxPending) {
      this.#dropped++
      return
    }
    this.#pending.push(entry)
    if (this.#pending.length >= this.#options.flushAtEntries) void this.flush()
    else this.#schedule()
  }

  #schedule(): void {
    if (this.#timer) return
    this.#timer = setTimeout(() => void this.flush(), this.#options.flushEveryMs)
    this.#timer.unref()
  }

  /** Writes every pending entry; concurrent calls queue behind each other. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
    const batch = this.#pending
    this.#pending = []
    const dropped = this.#dropped
    this.#dropped = 0
    const { name, logger, write, maxPending } = this.#options
    if (dropped > 0) logger.warn({ dropped }, `${name}: queue full, entries dropped`)
    this.#flushing = this.#flushing.then(async () => {
      if (batch.length === 0) return
      try {
        await write(batch)
      } catch (error) {
        logger.error({ err: error, entries: batch.length }, `${name} write failed; retrying`)
        // Entries recorded meanwhile stay behind the retried ones, within the same cap.
        this.#pending = [...batch, ...this.#pending].slice(0, maxPending)
        this.#schedule()
      }
    })
    return this.#flushing
  }
}
