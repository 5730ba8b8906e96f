/** A source of the current time, injected everywhere so tests can move time (STYLE.md §2.11). */
export interface Clock {
  nowMs(): number
}

/** The wall clock. */
export const systemClock: Clock = { nowMs: () => Date.now() }

/** Whole seconds since the epoch, the unit of every JWT time claim (RFC 7519 §2 NumericDate). */
export function epochSeconds(clock: Clock): number {
  return Math.floor(clock.nowMs() / 1000)
}

/** A clock that moves only when told to; for tests and benchmarks. */
export class ManualClock implements Clock {
  #nowMs: number
  constructor(startMs: number) {
    this.#nowMs = startMs
  }
  nowMs(): number {
    return this.#nowMs
  }
  advanceSeconds(seconds: number): void {
    this.#nowMs += seconds * 1000
  }
}
