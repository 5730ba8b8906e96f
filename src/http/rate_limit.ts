/** A sustained rate and how many requests may come at once (issue #9 item 2). */
export interface RateLimit {
  ratePerSecond: number
  burst: number
}

/** Whether a request may proceed, or how many whole seconds to wait before it would. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number }

export interface RateLimiterOptions {
  /** Keys tracked at most; past it the least recently seen keys are forgotten. */
  maxKeys: number
  /** Longest Retry-After ever answered; PY-22 asks for at most 60 s. */
  maxRetryAfterSeconds?: number
}

interface Bucket {
  tokens: number
  atMs: number
}

const ALLOWED: RateDecision = { allowed: true }
/** Float slack, so a client that waited exactly Retry-After seconds finds a whole token. */
const EPSILON = 1e-9

/**
 * Token buckets keyed by string, in bounded memory. Time is a parameter, so the rule is pure
 * apart from its own table: the caller passes a monotonic `nowMs`.
 *
 * Keys live in two generations of at most `maxKeys / 2` each. A key seen again moves to the
 * current one; when the current one is full it becomes the previous one and the old previous one
 * is dropped whole. So a key unused for a whole generation is forgotten (a refilled bucket
 * behaves like an absent one anyway), an attacker spraying keys costs memory up to `maxKeys`,
 * and no request pays more than a few Map operations: evicting single entries from one large
 * Map cost microseconds per request at 100,000 keys.
 */
export class RateLimiter {
  readonly #ratePerMs: number
  readonly #burst: number
  readonly #generationSize: number
  readonly #maxRetryAfterSeconds: number
  #current = new Map<string, Bucket>()
  #previous = new Map<string, Bucket>()

  constructor(limit: RateLimit, options: RateLimiterOptions) {
    if (!(limit.ratePerSecond > 0) || !(limit.burst >= 1) || !(options.maxKeys >= 2)) {
      throw new TypeError('a rate limit needs ratePerSecond > 0, burst >= 1 and maxKeys >= 2')
    }
    this.#ratePerMs = limit.ratePerSecond / 1000
    this.#burst = limit.burst
    this.#generationSize = Math.floor(options.maxKeys / 2)
    this.#maxRetryAfterSeconds = options.maxRetryAfterSeconds ?? 60
  }

  /** Keys currently tracked. */
  get size(): number {
    return this.#current.size + this.#previous.size
  }

  /** Spends one token of `key`'s bucket if it has one. */
  take(key: string, nowMs: number): RateDecision {
    const bucket = this.#bucketOf(key, nowMs)
    bucket.tokens = Math.min(
      this.#burst,
      bucket.tokens + Math.max(0, nowMs - bucket.atMs) * this.#ratePerMs,
    )
    bucket.atMs = nowMs
    if (bucket.tokens >= 1 - EPSILON) {
      bucket.tokens = Math.max(0, bucket.tokens - 1)
      return ALLOWED
    }
    const waitSeconds = Math.ceil((1 - bucket.tokens) / this.#ratePerMs / 1000)
    return {
      allowed: false,
      retryAfterSeconds: Math.min(Math.max(waitSeconds, 1), this.#maxRetryAfterSeconds),
    }
  }

  #bucketOf(key: string, nowMs: number): Bucket {
    const current = this.#current.get(key)
    if (current) return current
    const bucket = this.#previous.get(key) ?? { tokens: this.#burst, atMs: nowMs }
    this.#previous.delete(key)
    if (this.#current.size >= this.#generationSize) {
      this.#previous = this.#current
      this.#current = new Map()
    }
    this.#current.set(key, bucket)
    return bucket
  }
}
