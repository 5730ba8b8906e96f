import { generateKeyPair, type KeyObject } from 'node:crypto'
import { promisify } from 'node:util'
import type { SigningAlgorithm } from './jwk.js'

const generate = promisify(generateKeyPair)

/** Creates a fresh signing key pair: RSA-2048 for RS256 (ISS-10), the matching curve for ES*. */
export async function generateSigningKey(
  algorithm: SigningAlgorithm,
): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  if (algorithm === 'RS256') {
    return generate('rsa', { modulusLength: 2048, publicExponent: 0x10001 })
  }
  const namedCurve = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[algorithm]
  return generate('ec', { namedCurve })
}
