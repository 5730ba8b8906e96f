// The in-memory token cache of one credential (workload.md §6 step 4): keyed by tenant, client and
// scopes, renewed at `refresh_in` or 300 s before expiry, whichever comes first (WL-63), with one
// request in flight per key (WL-62).
import type { AccessToken } from './token_response.js'

/** MSAL renews a token within 300 s of its expiry (CL-32); so do we. */
const EXPIRY_MARGIN_MS = 300_000

/** The cache key; CAE and non-CAE tokens are kept apart, as MSAL does (CL-50). */
export function cacheKey(
  tenant: string,
  clientId: string,
  scopes: readonly string[],
  cae: boolean,
): string {
  return JSON.stringify([tenant, clientId.toLowerCase(), scopes, cae])
}

/** The moment a cached token stops being served (WL-63). */
export function renewAtMs(token: AccessToken): number {
  return Math.min(
    token.expiresOnTimestamp - EXPIRY_MARGIN_MS,
    token.refreshAfterTimestamp ?? Infinity,
  )
}

/** Tokens by key, plus the requests in flight. Holds values only; the caller does the IO. */
export class TokenCache {
  readonly #tokens = new Map<string, AccessToken>()
  readonly #inFlight = new Map<string, Promise<AccessToken>>()

  /** The cached token while it is still to be served at `nowMs`. */
  fresh(key: string, nowMs: number): AccessToken | undefined {
    const token = this.#tokens.get(key)
    return token !== undefined && nowMs < renewAtMs(token) ? token : undefined
  }

  store(key: string, token: AccessToken): void {
    this.#tokens.set(key, token)
  }

  /** Runs `request` unless one for `key` is already in flight, whose result is then shared. */
  shared(key: string, request: () => Promise<AccessToken>): Promise<AccessToken> {
    const running = this.#inFlight.get(key)
    if (running !== undefined) return running
    const started = request().finally(() => this.#inFlight.delete(key))
    this.#inFlight.set(key, started)
    return started
  }
}
