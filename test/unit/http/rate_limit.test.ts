import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RateLimiter, type RateDecision } from '../../../src/http/rate_limit.js'

const ok: RateDecision = { allowed: true }
const wait = (retryAfterSeconds: number): RateDecision => ({ allowed: false, retryAfterSeconds })

/** One call: the key, the monotonic time in ms, and the decision expected. */
type Step = [key: string, atMs: number, want: RateDecision]

const cases: [string, { ratePerSecond: number; burst: number }, Step[]][] = [
  [
    'a burst of 3 passes, the 4th waits one token at 1/s',
    { ratePerSecond: 1, burst: 3 },
    [
      ['a', 0, ok],
      ['a', 0, ok],
      ['a', 0, ok],
      ['a', 0, wait(1)],
    ],
  ],
  [
    'a refused request spends nothing: waiting Retry-After seconds is enough',
    { ratePerSecond: 1, burst: 1 },
    [
      ['a', 0, ok],
      ['a', 100, wait(1)],
      ['a', 200, wait(1)],
      ['a', 1000, ok],
    ],
  ],
  [
    'refill is proportional to the time elapsed and capped at the burst',
    { ratePerSecond: 2, burst: 2 },
    [
      ['a', 0, ok],
      ['a', 0, ok],
      ['a', 499, wait(1)],
      ['a', 500, ok],
      ['a', 60_000, ok],
      ['a', 60_000, ok],
      ['a', 60_000, wait(1)],
    ],
  ],
  [
    'a slow rate answers a longer Retry-After, rounded up to whole seconds',
    { ratePerSecond: 0.25, burst: 1 },
    [
      ['a', 0, ok],
      ['a', 0, wait(4)],
      ['a', 1500, wait(3)],
      ['a', 4000, ok],
    ],
  ],
  [
    'Retry-After never exceeds 60 s (PY-22)',
    { ratePerSecond: 0.001, burst: 1 },
    [
      ['a', 0, ok],
      ['a', 0, wait(60)],
    ],
  ],
  [
    'keys have their own buckets',
    { ratePerSecond: 1, burst: 1 },
    [
      ['a', 0, ok],
      ['a', 0, wait(1)],
      ['b', 0, ok],
      ['b', 0, wait(1)],
    ],
  ],
  [
    'a clock that steps back refills nothing and spends nothing extra',
    { ratePerSecond: 1, burst: 1 },
    [
      ['a', 5000, ok],
      ['a', 1000, wait(1)],
    ],
  ],
]

for (const [name, limit, steps] of cases) {
  test(`#9 item 2: ${name}`, () => {
    const limiter = new RateLimiter(limit, { maxKeys: 100 })
    steps.forEach(([key, atMs, want], i) => {
      assert.deepEqual(limiter.take(key, atMs), want, `step ${i + 1}: ${key} at ${atMs} ms`)
    })
  })
}

test('#9 item 2: sprayed keys never hold more than maxKeys buckets', () => {
  const limiter = new RateLimiter({ ratePerSecond: 1, burst: 5 }, { maxKeys: 50 })
  for (let i = 0; i < 10_000; i++) limiter.take(`sprayed-${i}`, 0)
  assert.equal(limiter.size, 50)
})

test('#9 item 2: when full, the least recently seen key is forgotten, a busy one is kept', () => {
  const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1 }, { maxKeys: 3 })
  limiter.take('busy', 0)
  limiter.take('old-1', 0)
  limiter.take('old-2', 0)
  assert.deepEqual(limiter.take('busy', 0), wait(1), 'touching busy makes it the most recent')
  limiter.take('new', 0)
  assert.equal(limiter.size, 3)
  assert.deepEqual(limiter.take('busy', 0), wait(1), 'busy kept its empty bucket')
  assert.deepEqual(limiter.take('old-1', 0), ok, 'old-1 was forgotten, so it starts full')
})

test('#9 item 2: idle keys whose buckets refilled are swept as new keys arrive', () => {
  const limiter = new RateLimiter({ ratePerSecond: 10, burst: 1 }, { maxKeys: 1000 })
  for (let i = 0; i < 100; i++) limiter.take(`early-${i}`, 0)
  assert.equal(limiter.size, 100)
  // A second later every early bucket is full again; each new key sweeps up to two of them.
  for (let i = 0; i < 25; i++) limiter.take(`late-${i}`, 1000)
  assert.equal(limiter.size, 100 - 2 * 25 + 25)
  for (let i = 25; i < 60; i++) limiter.take(`late-${i}`, 1000)
  assert.equal(limiter.size, 60, 'only the late keys remain: their buckets are not full')
})

test('#9 item 2: a limit that could never admit anything is a TypeError', () => {
  for (const [limit, maxKeys] of [
    [{ ratePerSecond: 0, burst: 1 }, 1],
    [{ ratePerSecond: 1, burst: 0 }, 1],
    [{ ratePerSecond: 1, burst: 1 }, 0],
    [{ ratePerSecond: Number.NaN, burst: 1 }, 1],
  ] as const) {
    assert.throws(() => new RateLimiter(limit, { maxKeys }), TypeError)
  }
})
