import type { Logger } from 'pino'
import type { SignInRecord, Store } from '../store/index.js'

const FLUSH_EVERY_MS = 1000
const FLUSH_AT_ENTRIES = 200

/**
 * The sign-in log writer (STS-140): the token endpoint only appends to memory; a timer writes
 * batches, so no request waits on a disk write. `flush()` runs before reads and at shutdown, so
 * nothing is lost on a clean stop.
 */
export class SignInLog {
  readonly #store: Store
  readonly #logger: Logger
  #pending: SignInRecord[] = []
  #timer: NodeJS.Timeout | undefined
  #flushing: Promise<void> = Promise.resolve()

  constructor(store: Store, logger: Logger) {
    this.#store = store
    this.#logger = logger
  }

  record(entry: SignInRecord): void {
    this.#pending.push(entry)
    if (this.#pending.length >= FLUSH_AT_ENTRIES) void this.flush()
    else this.#schedule()
  }

  #schedule(): void {
    if (this.#timer) return
    this.#timer = setTimeout(() => void this.flush(), FLUSH_EVERY_MS)
    this.#timer.unref()
  }

  /** Writes every pending entry; concurrent calls queue behind each other. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
    const batch = this.#pending
    this.#pending = []
    this.#flushing = this.#flushing.then(async () => {
      if (batch.length === 0) return
      try {
        await this.#store.signIns.appendMany(batch)
      } catch (error) {
        this.#logger.error(
          { err: error, entries: batch.length },
          'sign-in log write failed; retrying',
        )
        this.#pending.unshift(...batch)
        this.#schedule()
      }
    })
    return this.#flushing
  }
}
