// When to retry a token request (WL-65, CL-44): 429, 500 and 503 only, three times, after about
// 1 s, 2 s and 4 s, or after what `Retry-After` asks (RFC 9110 §10.2.3), capped at a minute
// (PY-22: the STS keeps its own values short).

/** Retries after the first attempt, as @azure/identity does (CL-44). */
export const MAX_RETRIES = 3
/** Statuses worth another attempt; 400 and 401 never are. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 503])
const MAX_DELAY_MS = 60_000

/** Milliseconds to wait before retry number `retry` (0-based). */
export function retryDelayMs(retry: number, retryAfter: string | null, nowMs: number): number {
  const fallback = 1000 * 2 ** retry
  if (retryAfter === null || retryAfter.trim() === '') return fallback
  const value = retryAfter.trim()
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - nowMs
  if (Number.isNaN(ms)) return fallback
  return Math.min(Math.max(ms, 0), MAX_DELAY_MS)
}
