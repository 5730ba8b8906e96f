// How the SDK reaches the network and reads the time: injectable, so that a process can trust a
// private CA without NODE_EXTRA_CA_CERTS and tests can move time (STYLE.md §2.11).

/**
 * A `fetch`-compatible function. Node's global `fetch` fits; so does undici's `fetch` bound to an
 * `Agent` that trusts another CA: `(url, init) => fetch(url, { ...init, dispatcher: agent })`.
 */
export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>

/** The credential's outside world. */
export interface Transport {
  fetch: FetchFunction
  /** Milliseconds since the epoch. */
  now: () => number
}

/** Options every entry point accepts for its transport. */
export interface TransportOptions {
  /** Default: the global `fetch`. */
  fetch?: FetchFunction
  /** Default: `Date.now`. Decides token expiry and the token file's age. */
  now?: () => number
}

/** The transport with its defaults filled in. */
export function transportOf(options: TransportOptions): Transport {
  return { fetch: options.fetch ?? ((url, init) => fetch(url, init)), now: options.now ?? Date.now }
}

/** How long one discovery or token request may take, answer included. */
export const REQUEST_TIMEOUT_MS = 30_000

/** A timeout signal, joined with the caller's when there is one. */
export function requestSignal(caller: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS)
  return caller === undefined ? timeout : AbortSignal.any([caller, timeout])
}
