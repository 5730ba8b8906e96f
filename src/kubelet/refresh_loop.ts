import { systemClock, type Clock } from '../util/index.js'

/** Waits `ms`, or less when `signal` aborts; injected so tests can run the loop without waiting. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>

/** When a freshly written token expires, as the mint API reported it (IF-40). */
export interface Freshness {
  expiresAtMs: number
  lifetimeSeconds: number
}

/** WL-52: writers refresh once 80 % of the lifetime has passed, as the kubelet does. */
export const REFRESH_AT_FRACTION = 0.8
/** WL-52: the kubelet also refreshes any token older than 24 h. */
const MAX_REFRESH_DELAY_MS = 24 * 3600 * 1000
const FIRST_BACKOFF_MS = 1000
const MAX_BACKOFF_MS = 60_000

/**
 * How long to wait before the next refresh: until 20 % of the lifetime is left, counted from the
 * server's expiry like the kubelet does, at most 24 h, and never negative (WL-52).
 */
export function refreshDelayMs(freshness: Freshness, nowMs: number): number {
  const remainderMs = freshness.lifetimeSeconds * 1000 * (1 - REFRESH_AT_FRACTION)
  const dueMs = freshness.expiresAtMs - remainderMs - nowMs
  return Math.max(0, Math.min(dueMs, MAX_REFRESH_DELAY_MS))
}

/** Wall-clock sleep that ends early on abort. */
export const timerSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done)
  })

/** What the loop needs: one refresh step and where to report. */
export interface RefreshLoopOptions {
  /** Mints and writes the token atomically; resolves with the new token's freshness. */
  refresh: () => Promise<Freshness>
  /** Told after a failed refresh; the current file was left alone (IF-42). */
  onFailure: (error: Error, retryInMs: number) => void
  signal: AbortSignal
  clock?: Clock
  sleep?: Sleep
}

/**
 * Keeps a token file fresh until `signal` aborts (WL-52, IF-42). A failed refresh is retried with
 * exponential backoff (1 s doubling to 60 s) and never touches the file, so readers keep the old
 * token, which stays valid for the last 20 % of its lifetime (WL-54).
 */
export async function keepFresh(options: RefreshLoopOptions): Promise<void> {
  const { refresh, onFailure, signal, clock = systemClock, sleep = timerSleep } = options
  let backoffMs = FIRST_BACKOFF_MS
  while (!signal.aborted) {
    let waitMs: number
    try {
      const freshness = await refresh()
      waitMs = refreshDelayMs(freshness, clock.nowMs())
      // A bad expiry from the server must not turn into a tight loop of mints.
      if (Number.isNaN(waitMs)) throw new Error('the mint API answered no usable expiry')
      backoffMs = FIRST_BACKOFF_MS
    } catch (error) {
      onFailure(error instanceof Error ? error : new Error(String(error)), backoffMs)
      waitMs = backoffMs
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS)
    }
    await sleep(waitMs, signal)
  }
}
