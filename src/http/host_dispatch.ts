import type { RequestListener } from 'node:http'

/** Decides, from a request's Host header, whether another app answers it. */
export type HostMatcher = (host: string | undefined) => boolean

/**
 * Several apps on one listener, chosen by Host before any routing: vaults live at the root of
 * their own origins (KV-1) on the same port as the issuer and the STS, and their paths must never
 * reach the STS routes (or the reverse).
 */
export class HostDispatch {
  readonly #routes: { matches: HostMatcher; handler: RequestListener }[] = []

  /** Sends requests whose Host matches to `handler` (e.g. another Fastify app's `routing`). */
  add(matches: HostMatcher, handler: RequestListener): void {
    this.#routes.push({ matches, handler })
  }

  /** The listener's handler: matched hosts go to their app, everything else to `fallback`. */
  listener(fallback: RequestListener): RequestListener {
    return (request, response) => {
      const host = request.headers.host
      const route = this.#routes.find((r) => r.matches(host))
      ;(route?.handler ?? fallback)(request, response)
    }
  }
}
