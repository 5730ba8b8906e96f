// Pure parsing of an external issuer's JWKS into verification keys (STS-96).
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto'
import { algorithmFor, type SigningAlgorithm } from '../../keys/index.js'
import { IssuerMetadataError } from './issuer_metadata_error.js'
import { parseJsonObject } from './metadata_parse.js'

/** STS-96: only this many JWKS entries are looked at, as in Entra. */
export const MAX_JWKS_ENTRIES = 100

/** The usable keys of one JWKS, prepared once per fetch. */
export interface IssuerKeySet {
  /** Every usable key in document order: those a token without `kid` is tried against (STS-81). */
  readonly all: readonly KeyObject[]
  /** The usable keys that carry a `kid`; the first usable entry wins within a duplicated `kid`. */
  readonly byKid: ReadonlyMap<string, KeyObject>
}

/**
 * The usable keys of a JWKS (STS-96): among the first 100 entries, those whose `use` is absent or
 * `sig`, whose `alg` is absent or equals the algorithm the key itself implies, and whose key is RSA
 * of at least 2048 bits (`n`, `e`) or EC (`crv`, `x`, `y`) with that algorithm allowed. Only the
 * public members are read, so a private member in the document can never produce a private key.
 *
 * An unusable entry is skipped rather than shadowing a later usable one with the same `kid`: an
 * `enc` key may share a kid with the signing key. Invalid JSON or no usable key throws
 * `unparseable` (row 20).
 */
export function parseJwks(
  bytes: Uint8Array,
  allowedAlgorithms: readonly SigningAlgorithm[],
): IssuerKeySet {
  const jwks = parseJsonObject(bytes, 'unparseable', 'the JWKS')
  if (!Array.isArray(jwks.keys)) {
    throw new IssuerMetadataError('unparseable', 'the JWKS has no "keys" array')
  }
  const entries: unknown[] = jwks.keys.slice(0, MAX_JWKS_ENTRIES)
  const all: KeyObject[] = []
  const byKid = new Map<string, KeyObject>()
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null) continue
    const member = entry as Record<string, unknown>
    if (member.kid !== undefined && typeof member.kid !== 'string') continue
    if (member.kid !== undefined && byKid.has(member.kid)) continue
    const key = usableKey(member, allowedAlgorithms)
    if (key === undefined) continue
    all.push(key)
    if (member.kid !== undefined) byKid.set(member.kid, key)
  }
  if (all.length === 0) {
    throw new IssuerMetadataError(
      'unparseable',
      `no usable signing key among ${entries.length} JWKS entries (allowed: ${allowedAlgorithms.join(', ')})`,
    )
  }
  return { all, byKid }
}

function usableKey(
  member: Record<string, unknown>,
  allowedAlgorithms: readonly SigningAlgorithm[],
): KeyObject | undefined {
  if (member.use !== undefined && member.use !== 'sig') return undefined
  const jwk = publicMembers(member)
  if (jwk === undefined) return undefined
  try {
    const key = createPublicKey({ key: jwk, format: 'jwk' })
    const algorithm = algorithmFor(key)
    if (!allowedAlgorithms.includes(algorithm)) return undefined
    if (member.alg !== undefined && member.alg !== algorithm) return undefined
    return key
  } catch {
    // Malformed numbers, unknown curves and RSA below 2048 bits are simply not usable.
    return undefined
  }
}

function publicMembers(member: Record<string, unknown>): JsonWebKey | undefined {
  const { kty, n, e, crv, x, y } = member
  if (kty === 'RSA' && typeof n === 'string' && typeof e === 'string') return { kty, n, e }
  if (kty === 'EC' && typeof crv === 'string' && typeof x === 'string' && typeof y === 'string') {
    return { kty, crv, x, y }
  }
  return undefined
}
