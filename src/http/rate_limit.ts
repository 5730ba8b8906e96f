/** A sustained rate and how many requests may come at once (issue #9 item 2). */
export interface RateLimit {
  ratePerSecond: number
  burst: number
}

/** Whether a request may proceed, or how many whole seconds to wait before it would. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number }

export interface RateLimiterOptions {
  /** Keys tracked at most; past it the least recently seen key is forgotten. */
  maxKeys: number
  /** Longest Retry-After ever answered; PY-22 asks for at most 60 s. */
  maxRetryAfterSeconds?: number
}

interface Bucket {
  tokens: number
  atMs: number
}

const ALLOWED: RateDecision = { allowed: true }
/** Idle buckets examined per new key: enough to keep up with arrivals, bounded per request. */
const SWEEP_PER_INSERT = 2
/** Float slack, so a client that waited exactly Retry-After seconds finds a whole token. */
const EPSILON = 1e-9

/**
 * Token buckets keyed by string, in bounded memory. Time is a parameter, so the rule is pure
 * apart from its own table: the caller passes a monotonic `nowMs`.
 *
 * The map is kept in least-recently-seen order (a key is re-inserted on every use). A bucket that
 * has refilled to `burst` behaves exactly like an absent one, so dropping it loses nothing; new
 * keys sweep such buckets from the old end. When the table is full of busy keys anyway, the least
 * recently seen is forgotten: an attacker spraying keys costs memory up to `maxKeys`, no more.
 */
export class RateLimiter {
  readonly #ratePerMs: number
  readonly #burst: number
  readonly #maxKeys: number
  readonly #maxRetryAfterSeconds: number
  readonly #buckets = new Map<string, Bucket>()

  constructor(limit: RateLimit, options: RateLimiterOptions) {
    if (!(limit.ratePerSecond > 0) || !(limit.burst >= 1) || !(options.maxKeys >= 1)) {
      throw new TypeError('a rate limit needs ratePerSecond > 0, burst >= 1 and maxKeys >= 1')
    }
    this.#ratePerMs = limit.ratePerSecond / 1000
    this.#burst = limit.burst
    this.#maxKeys = options.maxKeys
    this.#maxRetryAfterSeconds = options.maxRetryAfterSeconds ?? 60
  }

  /** Keys currently tracked. */
  get size(): number {
    return this.#buckets.size
  }

  /** Spends one token of `key`'s bucket if it has one. */
  take(key: string, nowMs: number): RateDecision {
    const bucket = this.#buckets.get(key)
    let tokens = this.#burst
    if (bucket) {
      tokens = this.#refilled(bucket, nowMs)
      this.#buckets.delete(key)
    } else {
      this.#makeRoom(nowMs)
    }
    if (tokens >= 1 - EPSILON) {
      this.#buckets.set(key, { tokens: Math.max(0, tokens - 1), atMs: nowMs })
      return ALLOWED
    }
    this.#buckets.set(key, { tokens, atMs: nowMs })
    const waitSeconds = Math.ceil((1 - tokens) / this.#ratePerMs / 1000)
    return {
      allowed: false,
      retryAfterSeconds: Math.min(Math.max(waitSeconds, 1), this.#maxRetryAfterSeconds),
    }
  }

  #refilled(bucket: Bucket, nowMs: number): number {
    const elapsedMs = Math.max(0, nowMs - bucket.atMs)
    return Math.min(this.#burst, bucket.tokens + elapsedMs * this.#ratePerMs)
  }

  #makeRoom(nowMs: number): void {
    for (let i = 0; i < SWEEP_PER_INSERT; i++) {
      const oldest = this.#buckets.entries().next()
      if (oldest.done === true || this.#refilled(oldest.value[1], nowMs) < this.#burst) break
      this.#buckets.delete(oldest.value[0])
    }
    if (this.#buckets.size >= this.#maxKeys) {
      const oldest = this.#buckets.keys().next()
      if (oldest.done !== true) this.#buckets.delete(oldest.value)
    }
  }
}
