import type { KeyObject } from 'node:crypto'
import { deriveKid } from './kid.js'

/** The JWS algorithms wifkit signs with. */
export type SigningAlgorithm = 'RS256' | 'ES256' | 'ES384' | 'ES512'

/** A public JWK as published: members in the order of ISS-60 and ISS-61. */
export type PublicJwk =
  | { use: 'sig'; kty: 'RSA'; kid: string; alg: SigningAlgorithm; n: string; e: string }
  | { use: 'sig'; kty: 'EC'; kid: string; alg: SigningAlgorithm; crv: string; x: string; y: string }

const EC_ALGORITHM: Record<string, SigningAlgorithm> = {
  'P-256': 'ES256',
  'P-384': 'ES384',
  'P-521': 'ES512',
}

/**
 * The algorithm a public key signs with: RS256 for RSA of at least 2048 bits (ISS-10), ES256,
 * ES384 or ES512 by curve for EC (ISS-11, ISS-87). Anything else is refused.
 */
export function algorithmFor(publicKey: KeyObject): SigningAlgorithm {
  if (publicKey.asymmetricKeyType === 'rsa') {
    const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0
    if (bits < 2048) throw new TypeError(`RSA keys need at least 2048 bits (got ${bits})`)
    return 'RS256'
  }
  if (publicKey.asymmetricKeyType === 'ec') {
    const jwk = publicKey.export({ format: 'jwk' })
    const alg = jwk.crv === undefined ? undefined : EC_ALGORITHM[jwk.crv]
    if (alg === undefined) throw new TypeError(`unsupported EC curve ${jwk.crv ?? '(none)'}`)
    return alg
  }
  throw new TypeError(`unsupported key type ${publicKey.asymmetricKeyType ?? '(none)'}`)
}

/**
 * Projects a public key onto the published JWK members, built from an allowlist so that no private
 * member can ever appear (ISS-62).
 */
export function publicJwk(publicKey: KeyObject): PublicJwk {
  const alg = algorithmFor(publicKey)
  const kid = deriveKid(publicKey)
  const jwk = publicKey.export({ format: 'jwk' })
  if (jwk.kty === 'RSA') {
    return { use: 'sig', kty: 'RSA', kid, alg, n: String(jwk.n), e: String(jwk.e) }
  }
  return {
    use: 'sig',
    kty: 'EC',
    kid,
    alg,
    crv: String(jwk.crv),
    x: String(jwk.x),
    y: String(jwk.y),
  }
}
