import type { KeyObject } from 'node:crypto'
import { sha256Base64Url } from '../util/index.js'

/**
 * The Kubernetes key id (ISS-12): base64url, unpadded, of SHA-256 over the DER
 * SubjectPublicKeyInfo. kube-apiserver (`keyIDFromPublicKey`) and `azwi jwks` derive it the same
 * way, so keys move between them and wifkit with their kid unchanged.
 */
export function deriveKid(publicKey: KeyObject): string {
  if (publicKey.type !== 'public') throw new TypeError('deriveKid needs a public key')
  return sha256Base64Url(publicKey.export({ type: 'spki', format: 'der' }))
}
