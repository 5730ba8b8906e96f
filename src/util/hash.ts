import { createHash } from 'node:crypto'

/** SHA-256 of a string or bytes, as lower-case hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

/** SHA-256 as base64url without padding (RFC 4648 §5), the encoding of JWK thumbprints and kids. */
export function sha256Base64Url(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('base64url')
}
