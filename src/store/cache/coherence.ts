import type { Clock } from '../../util/index.js'
import type { ChangeFeed } from '../store.js'
import {
  afterVersionCheck,
  initialCoherence,
  invalidated,
  isConfirmedRecently,
  isUsable,
  mayStore,
  type CoherenceState,
} from './freshness.js'

/** How the read cache trades freshness for availability (config `cache.*`). */
export interface CoherenceSettings {
  /** How often the deployment-wide change counter is read, in milliseconds. */
  versionCheckMs: number
  /** How long a cached answer may be used without confirmation, in seconds. */
  maxStalenessSeconds: number
  /** Cached answers kept at most; the oldest goes first. */
  maxEntries: number
}

interface Entry {
  value: unknown
  loadedAtMs: number
}

/**
 * Keeps cached store reads coherent with the database (issue #7, item 3). Any change event of the
 * store's feed, or a new value of its change counter, voids every cached answer: writes are rare,
 * so a coarse flush costs little and cannot miss a dependency between rows. A generation counter
 * keeps a read that started before a flush from filling the cache after it.
 */
export class CacheCoherence {
  readonly #changes: ChangeFeed
  readonly #clock: Clock
  readonly #settings: CoherenceSettings
  readonly #entries = new Map<string, Entry>()
  readonly #pending = new Map<string, { generation: number; promise: Promise<unknown> }>()
  readonly #listeners = new Set<() => void>()
  #state: CoherenceState = initialCoherence
  #checking: Promise<boolean> | undefined
  #timer: NodeJS.Timeout | undefined
  #unsubscribe: (() => void) | undefined

  constructor(changes: ChangeFeed, clock: Clock, settings: CoherenceSettings) {
    this.#changes = changes
    this.#clock = clock
    this.#settings = settings
  }

  /** Subscribes to the feed, reads the counter once and then every `versionCheckMs`. */
  async start(): Promise<void> {
    if (this.#timer) return
    // Reading the counter right after an event moves the baseline past the change the event
    // reported, so the next periodic check does not flush a second time for the same write.
    this.#unsubscribe = this.#changes.subscribe(() => {
      this.invalidate()
      void this.check()
    })
    this.#timer = setInterval(() => void this.check(), this.#settings.versionCheckMs)
    this.#timer.unref()
    await this.check()
  }

  /** Stops polling and listening; cached answers stay until their staleness bound. */
  stop(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
  }

  /**
   * Reads the change counter; resolves false when the database did not answer. Checks never
   * overlap: while the database hangs, one check waits and the timer's others join it.
   */
  check(): Promise<boolean> {
    this.#checking ??= this.#check().finally(() => (this.#checking = undefined))
    return this.#checking
  }

  async #check(): Promise<boolean> {
    const startedAtMs = this.#clock.nowMs()
    try {
      const version = await this.#changes.version()
      this.#apply(afterVersionCheck(this.#state, version, startedAtMs))
      return true
    } catch {
      return false
    }
  }

  /** Voids every cached answer now. */
  invalidate(): void {
    this.#apply(invalidated(this.#state))
  }

  /** Calls `listener` after every flush, for caches kept elsewhere (parsed keys). */
  onInvalidate(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** True while the change counter was read within about two check intervals (`/readyz`). */
  get confirmed(): boolean {
    return isConfirmedRecently(this.#state, this.#clock.nowMs(), this.#settings.versionCheckMs)
  }

  /**
   * The cached answer for `key` while it is usable, else `load()`'s, cached if no flush happened
   * meanwhile. Concurrent misses of one key share one load. A failed load is not cached, so an
   * outage surfaces as the store's own error once the cached answer is too stale. Answers are
   * shared between callers, who must not modify them.
   */
  read<T>(key: string, load: () => Promise<T>): Promise<T> {
    const nowMs = this.#clock.nowMs()
    const maxStalenessMs = this.#settings.maxStalenessSeconds * 1000
    const entry = this.#entries.get(key)
    if (entry && isUsable(entry, this.#state, nowMs, maxStalenessMs)) {
      return Promise.resolve(entry.value as T)
    }
    const generation = this.#state.generation
    const pending = this.#pending.get(key)
    if (pending?.generation === generation) return pending.promise as Promise<T>
    const promise = load()
      .then((value) => {
        if (mayStore(generation, this.#state)) this.#store(key, { value, loadedAtMs: nowMs })
        return value
      })
      .finally(() => {
        if (this.#pending.get(key)?.promise === promise) this.#pending.delete(key)
      })
    this.#pending.set(key, { generation, promise })
    return promise
  }

  #store(key: string, entry: Entry): void {
    this.#entries.delete(key)
    this.#entries.set(key, entry)
    if (this.#entries.size <= this.#settings.maxEntries) return
    const oldest = this.#entries.keys().next()
    if (oldest.done !== true) this.#entries.delete(oldest.value)
  }

  #apply(next: CoherenceState): void {
    const flushed = next.generation !== this.#state.generation
    this.#state = next
    if (!flushed) return
    this.#entries.clear()
    this.#pending.clear()
    for (const listener of this.#listeners) {
      try {
        listener()
      } catch {
        // A listener's failure must not keep the others from hearing of the flush.
      }
    }
  }
}
