// Pure parsing of the discovery document and of Cache-Control (STS-94, STS-95, STS-97).
import { IssuerMetadataError, type IssuerMetadataErrorKind } from './issuer_metadata_error.js'
import { metadataUrlProblem } from './metadata_url.js'

/** STS-97: the TTL of a cached document is its `max-age`, clamped to this range. */
export const MIN_TTL_SECONDS = 300
export const MAX_TTL_SECONDS = 86_400
/** STS-97: the TTL of a document served without `max-age`. */
export const DEFAULT_TTL_SECONDS = 3600

/**
 * The body as a JSON object (STS-94), else an {@link IssuerMetadataError} of `kind`. The bytes
 * must be valid UTF-8 (RFC 8259 §8.1); the `Content-Type` is not looked at.
 */
export function parseJsonObject(
  bytes: Uint8Array,
  kind: IssuerMetadataErrorKind,
  what: string,
): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (error) {
    throw new IssuerMetadataError(kind, `${what} is not valid JSON`, { cause: error })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new IssuerMetadataError(kind, `${what} is not a JSON object`)
  }
  return value as Record<string, unknown>
}

/**
 * The `jwks_uri` of a discovery document, after checking that its `issuer` equals the configured
 * issuer exactly and that `jwks_uri` is https (STS-95). It may name another host. Any failure is
 * `unreachable` (row 19).
 */
export function parseDiscovery(bytes: Uint8Array, issuer: string, allowHttpLoopback: boolean): URL {
  const document = parseJsonObject(bytes, 'unreachable', 'the discovery document')
  if (document.issuer !== issuer) {
    const got = typeof document.issuer === 'string' ? JSON.stringify(document.issuer) : 'no string'
    throw new IssuerMetadataError(
      'unreachable',
      `discovery names issuer ${got}, not ${JSON.stringify(issuer)}`,
    )
  }
  if (typeof document.jwks_uri !== 'string') {
    throw new IssuerMetadataError('unreachable', 'discovery has no string jwks_uri')
  }
  let jwksUri: URL
  try {
    jwksUri = new URL(document.jwks_uri)
  } catch {
    throw new IssuerMetadataError('unreachable', 'discovery jwks_uri is not an absolute URL')
  }
  const problem = metadataUrlProblem(jwksUri, allowHttpLoopback)
  if (problem !== undefined) throw new IssuerMetadataError('unreachable', `jwks_uri: ${problem}`)
  return jwksUri
}

/** The TTL of a response from its `Cache-Control` header: `max-age` clamped (STS-97). */
export function ttlSeconds(cacheControl: string | null): number {
  const directive = (cacheControl ?? '')
    .split(',')
    .map((part) => /^\s*max-age\s*=\s*"?(\d+)"?\s*$/i.exec(part))
    .find((match) => match !== null)
  if (directive?.[1] === undefined) return DEFAULT_TTL_SECONDS
  return Math.min(MAX_TTL_SECONDS, Math.max(MIN_TTL_SECONDS, Number(directive[1])))
}
