import assert from 'node:assert/strict'
import { test } from 'node:test'
import { keepFresh, refreshDelayMs, type Freshness } from '../../../src/kubelet/index.js'
import { ManualClock } from '../../../src/util/index.js'

const NOW_MS = Date.UTC(2026, 0, 1)
const fresh = (lifetimeSeconds: number, issuedAtMs = NOW_MS): Freshness => ({
  lifetimeSeconds,
  expiresAtMs: issuedAtMs + lifetimeSeconds * 1000,
})

const delays: Array<[string, Freshness, number]> = [
  ['WL-52: a one-hour token is refreshed after 48 minutes', fresh(3600), 2880_000],
  ['WL-52: a ten-minute token is refreshed after 8 minutes', fresh(600), 480_000],
  ['WL-52: time spent minting counts against the wait', fresh(3600, NOW_MS - 60_000), 2820_000],
  ['WL-52: a token already past 80 % is refreshed at once', fresh(3600, NOW_MS - 3000_000), 0],
  ['WL-52: no token waits longer than 24 h', fresh(2 * 86400), 86400_000],
]

for (const [name, freshness, want] of delays) {
  test(name, () => assert.equal(refreshDelayMs(freshness, NOW_MS), want))
}

/**
 * Runs the loop over scripted refresh outcomes (a Freshness or an Error) on a ManualClock whose
 * sleep moves time; stops when the script runs out and returns the waits and failures seen.
 */
async function runScript(script: Array<Freshness | Error>) {
  const clock = new ManualClock(NOW_MS)
  const stop = new AbortController()
  const waits: number[] = []
  const failures: number[] = []
  let step = 0
  await keepFresh({
    clock,
    signal: stop.signal,
    sleep: async (ms) => {
      waits.push(ms)
      clock.advanceSeconds(ms / 1000)
      if (step >= script.length) stop.abort()
    },
    refresh: async () => {
      const outcome = script[step++]
      if (outcome instanceof Error) throw outcome
      assert.ok(outcome)
      return { ...outcome, expiresAtMs: clock.nowMs() + outcome.lifetimeSeconds * 1000 }
    },
    onFailure: (_error, retryInMs) => failures.push(retryInMs),
  })
  return { waits, failures }
}

test('IF-42, WL-52: each success waits 80 % of its own lifetime', async () => {
  const { waits, failures } = await runScript([fresh(3600), fresh(600), fresh(86400)])
  assert.deepEqual(waits, [2880_000, 480_000, 69120_000])
  assert.deepEqual(failures, [])
})

test('IF-42: failures back off 1 s doubling to 60 s, and a success resets the backoff', async () => {
  const down = new Error('connection refused')
  const script = [...Array<Error>(8).fill(down), fresh(3600), down]
  const { waits, failures } = await runScript(script)
  const backoff = [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]
  assert.deepEqual(failures, [...backoff, 1000])
  assert.deepEqual(waits, [...backoff, 2880_000, 1000])
})

test('IF-42: an answer without a usable expiry is a failure, not a tight loop', async () => {
  const { waits, failures } = await runScript([fresh(NaN)])
  assert.deepEqual(failures, [1000])
  assert.deepEqual(waits, [1000])
})
