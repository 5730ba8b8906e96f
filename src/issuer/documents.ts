import type { PublicJwk } from '../keys/index.js'
import { sha256Base64Url } from '../util/index.js'
import { jwksUrl } from './issuer_url.js'

/** A document body with its strong entity tag (ISS-73). */
export interface ServedDocument {
  body: string
  /** The body as sent: a Buffer, so the framework adds no charset to the content type (ISS-70). */
  bytes: Buffer
  etag: string
}

function served(body: string): ServedDocument {
  return { body, bytes: Buffer.from(body, 'utf8'), etag: `"${sha256Base64Url(body)}"` }
}

/**
 * The discovery document: exactly five members in the order of ISS-50, compact JSON (ISS-54).
 * The algorithms are those of the published keys, sorted and de-duplicated (ISS-53).
 */
export function discoveryDocument(
  issuer: { url: string; jwksUri: string | null },
  keys: readonly PublicJwk[],
): ServedDocument {
  const algorithms = [...new Set(keys.map((k) => k.alg))].sort()
  return served(
    JSON.stringify({
      issuer: issuer.url,
      jwks_uri: jwksUrl(issuer.url, issuer.jwksUri),
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: algorithms,
    }),
  )
}

/** The JWKS: `{"keys":[…]}` in published order (ISS-60…ISS-63). */
export function jwksDocument(keys: readonly PublicJwk[]): ServedDocument {
  return served(JSON.stringify({ keys }))
}
