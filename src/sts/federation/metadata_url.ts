// Which URLs the metadata fetch may request, and which redirects it may follow (sts.md §8).

// Loopback as written in a URL: `URL.hostname` keeps the brackets around an IPv6 address.
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** `{issuer}/.well-known/openid-configuration`, with one trailing '/' removed first (ISS-5, STS-90). */
export function discoveryUrlFor(issuer: string): string {
  const base = issuer.endsWith('/') ? issuer.slice(0, -1) : issuer
  return `${base}/.well-known/openid-configuration`
}

/**
 * Why `url` may not be fetched, or undefined when it may: https only, and http only for a loopback
 * host when the caller allows it, as under `wifkit dev` (STS-91).
 */
export function metadataUrlProblem(url: URL, allowHttpLoopback: boolean): string | undefined {
  if (url.protocol === 'https:') return undefined
  if (url.protocol === 'http:' && allowHttpLoopback && LOOPBACK_HOSTS.has(url.hostname)) {
    return undefined
  }
  return `${url.href} is not an https URL`
}

/**
 * Why a redirect from `from` to `to` may not be followed, or undefined when it may: the host
 * (with its port) must stay the same and https must not fall back to http (STS-92). Fulcio refuses
 * cross-host redirects for the same reason: the issuer's host alone vouches for its keys.
 */
export function redirectProblem(
  from: URL,
  to: URL,
  allowHttpLoopback: boolean,
): string | undefined {
  if (to.host !== from.host) return `redirect from ${from.host} to another host ${to.host}`
  if (from.protocol === 'https:' && to.protocol !== 'https:') {
    return `redirect from https to ${to.protocol.slice(0, -1)}`
  }
  return metadataUrlProblem(to, allowHttpLoopback)
}
