// What the load generator sends: Kubernetes-style assertions from an external issuer for wifkit,
// private_key_jwt assertions for the peer, and the token-request forms around them. Distinct
// assertions are minted before a timed window, never inside it.
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto'
import { SignJWT, type JWK } from 'jose'
import type { ExternalIssuer } from '../test/support/external_issuer.js'

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
export const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' }
export const AUDIENCE = 'api://AzureADTokenExchange'
export const NAMESPACE = 'bench'
export const SERVICE_ACCOUNT = 'bench'
export const SUBJECT = `system:serviceaccount:${NAMESPACE}:${SERVICE_ACCOUNT}`
/** A projected token lives an hour (the kubelet's default) and is presented until renewed. */
const ASSERTION_LIFETIME_SECONDS = 3600
/** Signatures in flight while minting; jose signs on libuv's thread pool. */
const MINT_BATCH = 64

/** A projected service-account token as kube-apiserver mints it, for one pod. */
export function kubernetesAssertion(issuer: ExternalIssuer): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const pod = randomUUID().slice(0, 5)
  return issuer.sign({
    sub: SUBJECT,
    aud: [AUDIENCE],
    nbf: now,
    exp: now + ASSERTION_LIFETIME_SECONDS,
    jti: randomUUID(),
    'kubernetes.io': {
      namespace: NAMESPACE,
      node: { name: 'bench-node-1', uid: randomUUID() },
      pod: { name: `bench-7d4b9c-${pod}`, uid: randomUUID() },
      serviceaccount: { name: SERVICE_ACCOUNT, uid: randomUUID() },
    },
  })
}

/** The peer's client: its id and key pair; the public JWK goes into the peer's client list. */
export interface PeerClient {
  clientId: string
  privateKey: KeyObject
  publicJwk: JWK
}

export function peerClient(): PeerClient {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const kid = randomUUID()
  const publicJwk = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg: 'RS256' }
  return { clientId: 'bench', privateKey, publicJwk }
}

/** An RFC 7523 client assertion for the peer: iss = sub = client_id, aud = its issuer. */
export function peerAssertion(client: PeerClient, audience: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: 'RS256', kid: client.publicJwk.kid! })
    .setIssuer(client.clientId)
    .setSubject(client.clientId)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(client.privateKey)
}

/** `count` results of `mint`, `MINT_BATCH` at a time. */
export async function mintMany(count: number, mint: () => Promise<string>): Promise<string[]> {
  const out: string[] = []
  while (out.length < count) {
    const batch = Math.min(MINT_BATCH, count - out.length)
    out.push(...(await Promise.all(Array.from({ length: batch }, mint))))
  }
  return out
}

/** wifkit's grant: client_credentials with the assertion as a jwt-bearer client assertion. */
export function wifkitForm(clientId: string, resource: string, assertion: string): string {
  return new URLSearchParams({
    client_id: clientId,
    scope: `${resource}/.default`,
    grant_type: 'client_credentials',
    client_assertion_type: JWT_BEARER,
    client_assertion: assertion,
  }).toString()
}

/** The peer's grant: client_credentials with private_key_jwt and a resource indicator. */
export function peerForm(clientId: string, resource: string, assertion: string): string {
  return new URLSearchParams({
    client_id: clientId,
    grant_type: 'client_credentials',
    resource,
    scope: 'bench',
    client_assertion_type: JWT_BEARER,
    client_assertion: assertion,
  }).toString()
}
