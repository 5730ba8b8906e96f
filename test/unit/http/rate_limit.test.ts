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
  for (let i = 0; i < 10_000; i++) {
    limiter.take(`sprayed-${i}`, 0)
    assert.ok(limiter.size <= 50, `${limiter.size} keys after ${i + 1}`)
  }
})

test('#9 item 2: a key in use survives generations; one unused for a whole generation is forgotten', () => {
  const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1 }, { maxKeys: 4 })
  assert.deepEqual(limiter.take('kept', 0), ok)
  assert.deepEqual(limiter.take('idle', 0), ok)
  assert.deepEqual(limiter.take('new-1', 0), ok, 'a full generation turns over')
  assert.deepEqual(limiter.take('kept', 0), wait(1), 'kept is still tracked, and moves up')
  assert.deepEqual(limiter.take('new-2', 0), ok, 'the generation holding idle is dropped')
  assert.equal(limiter.size, 3)
  assert.deepEqual(limiter.take('kept', 0), wait(1), 'kept kept its empty bucket')
  assert.deepEqual(limiter.take('idle', 0), ok, 'idle was forgotten, so it starts full')
})

test('#9 item 2: a few keys are never forgotten, however long they are used', () => {
  const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1 }, { maxKeys: 100 })
  for (let second = 0; second < 1000; second++) {
    for (let key = 0; key < 10; key++) limiter.take(`k${key}`, second * 1000)
  }
  assert.equal(limiter.size, 10)
  assert.deepEqual(limiter.take('k0', 999_000), wait(1), 'k0 still holds its state')
})

test('#9 item 2: a limit that could never admit anything is a TypeError', () => {
  for (const [limit, maxKeys] of [
    [{ ratePerSecond: 0, burst: 1 }, 1],
    [{ ratePerSecond: 1, burst: 0 }, 1],
    [{ ratePerSecond: 1, burst: 1 }, 1],
    [{ ratePerSecond: Number.NaN, burst: 1 }, 1],
  ] as const) {
    assert.throws(() => new RateLimiter(limit, { maxKeys }), TypeError)
  }
})
