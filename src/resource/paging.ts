import { KeyVaultError } from '../errors/index.js'

/** KV-60. */
export const MAX_RESULTS = 25

/** `maxresults`: 1–25, default 25 (KV-60). */
export function parseMaxResults(raw: string | undefined): number {
  if (raw === undefined) return MAX_RESULTS
  const n = /^\d{1,3}$/.test(raw) ? Number(raw) : NaN
  if (!(n >= 1 && n <= MAX_RESULTS)) {
    throw KeyVaultError.badParameter(
      `Invalid maxresults: ${JSON.stringify(raw.slice(0, 20))}. It must be between 1 and ${MAX_RESULTS}.`,
    )
  }
  return n
}

const TOKEN_PREFIX = 'wk1.'

/**
 * A `$skiptoken` is a cursor, the last key returned (KV-63), so concurrent writes neither skip nor
 * repeat items. Opaque to clients: a prefixed base64url of the key.
 */
export function encodeSkipToken(lastKey: string): string {
  return TOKEN_PREFIX + Buffer.from(lastKey, 'utf8').toString('base64url')
}

/** Reverses `encodeSkipToken`; an invalid token is 400 `BadParameter` (KV-63). */
export function decodeSkipToken(
  raw: string | undefined,
  valid: (key: string) => boolean,
): string | undefined {
  if (raw === undefined) return undefined
  const key = raw.startsWith(TOKEN_PREFIX)
    ? Buffer.from(raw.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8')
    : ''
  if (!valid(key)) throw KeyVaultError.badParameter('Invalid $skiptoken.')
  return key
}

/** KV-61: absolute on the vault origin, with api-version, the cursor and the caller's page size. */
export function nextLink(
  origin: string,
  path: string,
  apiVersion: string,
  lastKey: string,
  maxResults: string | undefined,
): string {
  // Written by hand so `$skiptoken` keeps its literal `$`, as Key Vault's links do; the token is
  // base64url and maxresults digits, so only the api-version needs encoding.
  const query = [
    `api-version=${encodeURIComponent(apiVersion)}`,
    `$skiptoken=${encodeSkipToken(lastKey)}`,
    ...(maxResults === undefined ? [] : [`maxresults=${encodeURIComponent(maxResults)}`]),
  ]
  return `${origin}${path}?${query.join('&')}`
}

/** One page of items and the link to the next (KV-61: `value` always present, `nextLink` null last). */
export function page<T, K>(
  rows: readonly K[],
  limit: number,
  render: (row: K) => T,
  link: (last: K) => string,
): { value: T[]; nextLink: string | null } {
  const shown = rows.slice(0, limit)
  const last = shown[shown.length - 1]
  return {
    value: shown.map(render),
    nextLink: rows.length > limit && last !== undefined ? link(last) : null,
  }
}
