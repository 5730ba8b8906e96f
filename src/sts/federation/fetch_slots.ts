/**
 * A counting semaphore for outbound issuer fetches (issue #9 item 1): at most `size` run at once,
 * the rest wait in arrival order. The queue stays short without a bound of its own, since only
 * issuers of a matched FIC are fetched (STS-90) and each has one fetch in flight (STS-99).
 */
export class FetchSlots {
  #free: number
  readonly #waiting: (() => void)[] = []

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new TypeError(`size must be ≥ 1, got ${size}`)
    this.#free = size
  }

  /** Runs `task` once a slot is free and frees the slot when it settles. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free -= 1
    else await new Promise<void>((resolve) => this.#waiting.push(resolve))
    try {
      return await task()
    } finally {
      // The slot passes straight to the next waiter, so a newcomer cannot overtake the queue.
      const next = this.#waiting.shift()
      if (next) next()
      else this.#free += 1
    }
  }
}
