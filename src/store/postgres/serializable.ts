import { setTimeout as delay } from 'node:timers/promises'

/**
 * SQLSTATEs after which PostgreSQL asks the client to run the transaction again: a serializable
 * transaction that lost a race (40001) and a deadlock victim (40P01). PostgreSQL manual,
 * "Transaction Isolation" §13.2.3 and appendix A.
 */
const RETRYABLE = new Set(['40001', '40P01'])
const ATTEMPTS = 5

function sqlState(error: unknown): unknown {
  return typeof error === 'object' && error !== null
    ? (error as { code?: unknown }).code
    : undefined
}

/**
 * Runs a serializable transaction until it commits, at most five times, with a short random pause
 * so two racers do not collide again. `run` must have no effect outside the database, as every
 * store transaction's work has: a retry then behaves as if the loser had simply come second.
 */
export async function retrySerializationFailures<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run()
    } catch (error) {
      if (attempt >= ATTEMPTS || !RETRYABLE.has(sqlState(error) as string)) throw error
      await delay(Math.random() * 20 * attempt)
    }
  }
}
