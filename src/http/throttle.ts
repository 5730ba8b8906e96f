import type { Config } from '../config/index.js'
import { addressKey } from './address_key.js'
import { RateLimiter, type RateLimit } from './rate_limit.js'

/** Admits one request of `key`: undefined to proceed, else whole seconds to wait (Retry-After). */
export type Throttle = (key: string) => number | undefined

/** The limits of issue #9 item 2, one throttle each. */
export interface Throttles {
  /** Token endpoint, by `client_id`. */
  clientId: Throttle
  /** Token endpoint, by source address: IPv4 by address, IPv6 by /64. */
  address: Throttle
  /** Admin listener, by a hash of the bearer token. */
  adminToken: Throttle
}

const UNLIMITED: Throttle = () => undefined

/**
 * A throttle on the process's monotonic clock: rate limits measure elapsed time, so neither a
 * wall-clock step nor a test's manual clock may refill or drain them.
 */
export function throttle(limit: RateLimit, maxKeys: number): Throttle {
  const limiter = new RateLimiter(limit, { maxKeys })
  return (key) => {
    const decision = limiter.take(key, performance.now())
    return decision.allowed ? undefined : decision.retryAfterSeconds
  }
}

/** The configured throttles; all admit everything when `rateLimit.enabled` is false. */
export function configuredThrottles(config: Config['rateLimit']): Throttles {
  if (!config.enabled) return { clientId: UNLIMITED, address: UNLIMITED, adminToken: UNLIMITED }
  const keys = config.maxTrackedKeys
  const byAddress = throttle(
    { ratePerSecond: config.addressPerSecond, burst: config.addressBurst },
    keys,
  )
  return {
    clientId: throttle(
      { ratePerSecond: config.clientIdPerSecond, burst: config.clientIdBurst },
      keys,
    ),
    address: (ip) => byAddress(addressKey(ip)),
    adminToken: throttle(
      { ratePerSecond: config.adminTokenPerSecond, burst: config.adminTokenBurst },
      keys,
    ),
  }
}
