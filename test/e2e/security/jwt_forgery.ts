// Hand-built compact JWS for the attack corpus (issue #9 item 4): jose refuses to produce duplicate
// members, non-finite numbers or arbitrary header bytes, so these segments are written as raw JSON
// text and signed with node:crypto's RS256 (PKCS #1 v1.5 over SHA-256), which is what jose does too.
import { sign, type KeyObject } from 'node:crypto'
import { base64url } from 'jose'

const segment = (json: string) => base64url.encode(json)

/** `header` and `payload` are JSON text, sent byte for byte; the signature is a real RS256 one. */
export function signRawRs256(header: string, payload: string, key: KeyObject): string {
  const input = `${segment(header)}.${segment(payload)}`
  const signature = sign('sha256', Buffer.from(input), key)
  return `${input}.${base64url.encode(signature)}`
}

/** A header with `alg: none` and an empty signature: nothing proves who wrote the payload. */
export function unsignedJwt(payload: Record<string, unknown>, alg = 'none'): string {
  return `${segment(JSON.stringify({ alg, typ: 'JWT' }))}.${segment(JSON.stringify(payload))}.`
}

/** Claims as JSON text with one member written twice, the trusted value first (parser differential). */
export function duplicateMember(
  claims: Record<string, unknown>,
  member: string,
  first: unknown,
): string {
  const json = JSON.stringify(claims)
  return `{${JSON.stringify(member)}:${JSON.stringify(first)},${json.slice(1)}`
}
