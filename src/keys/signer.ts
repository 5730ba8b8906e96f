import type { KeyObject } from 'node:crypto'
import type { SigningAlgorithm } from './jwk.js'
import { signJws } from './jws.js'

/** The key that signs right now, with what a verifier needs to find it. */
export interface Signer {
  kid: string
  alg: SigningAlgorithm
  privateKey: KeyObject
}

/**
 * Signs a JSON payload as a compact JWS whose header is exactly `{"alg":…,"kid":…}` in that order
 * and has no `typ`, as kube-apiserver's tokens (ISS-20, ISS-21). The payload is serialised as
 * given, so callers control member order (ISS-30).
 */
export async function signCompact(signer: Signer, payload: object): Promise<string> {
  return signJws(signer.alg, signer.privateKey, { alg: signer.alg, kid: signer.kid }, payload)
}

/** Signs an access token: header `{"typ":"JWT","alg":…,"kid":…}`, as Entra's (sts.md §11). */
export async function signAccessToken(signer: Signer, payload: object): Promise<string> {
  const header = { typ: 'JWT', alg: signer.alg, kid: signer.kid }
  return signJws(signer.alg, signer.privateKey, header, payload)
}
