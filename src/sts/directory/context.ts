import { GraphError } from '../../errors/index.js'
import type { Store } from '../../store/index.js'
import { epochSeconds, type Clock } from '../../util/index.js'

/** Deployment settings the directory rules depend on (config `sts`, dev mode). */
export interface DirectoryOptions {
  /** STS-67: 20 unless the deployment raises it. */
  maxCredentialsPerIdentity: number
  /** STS-62: dev mode accepts `http://` issuers on a loopback host. */
  allowHttpLoopback: boolean
}

/** What every directory operation works with. */
export interface DirectoryContext {
  readonly store: Store
  readonly clock: Clock
  readonly options: DirectoryOptions
}

/** Graph's 409 for a write that would give a key value to a second object. */
export const conflict = (message: string) =>
  new GraphError(409, 'Request_MultipleObjectsWithSameKeyValue', message)

/** The clock's time in epoch seconds, as records and audit entries store it. */
export const nowSeconds = (ctx: DirectoryContext): number => epochSeconds(ctx.clock)

/**
 * Runs `work` in one transaction with its audit entry, so a failed write leaves neither.
 * `work` may name the action it turned out to be (a PUT that updated rather than created).
 */
export async function auditedWrite<T>(
  ctx: DirectoryContext,
  action: string,
  work: (store: Store) => Promise<{ result: T; target: string; action?: string }>,
): Promise<T> {
  return ctx.store.transaction(async (s) => {
    const { result, target, action: done = action } = await work(s)
    await s.audit.append({
      at: nowSeconds(ctx),
      actor: 'admin',
      action: done,
      target,
      outcome: 'success',
    })
    return result
  })
}
