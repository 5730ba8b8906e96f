import type { Logger } from 'pino'
import type { SignInRecord, Store } from '../store/index.js'
import { BatchWriter } from '../util/index.js'

/**
 * The sign-in log writer (STS-140): the token endpoint only appends to memory; a timer writes
 * batches, so no request waits on a disk write. `flush()` runs before reads and at shutdown, so
 * nothing is lost on a clean stop.
 */
export class SignInLog {
  readonly #writer: BatchWriter<SignInRecord>

  constructor(store: Store, logger: Logger) {
    this.#writer = new BatchWriter({
      name: 'sign-in log',
      write: (batch) => store.signIns.appendMany(batch),
      logger,
    })
  }

  record(entry: SignInRecord): void {
    this.#writer.record(entry)
  }

  /** Writes every pending entry; concurrent calls queue behind each other. */
  flush(): Promise<void> {
    return this.#writer.flush()
  }
}
