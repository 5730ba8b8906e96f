import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

const VERSION = 'v1'
const NONCE_BYTES = 12
const TAG_BYTES = 16

/**
 * Encrypts a private key (or any secret) at rest with AES-256-GCM under the key-encryption key.
 * `context` is bound as additional data, so a sealed blob copied onto another row fails to open.
 * Output: `v1.<base64url nonce‖ciphertext‖tag>`.
 */
export function seal(kek: Buffer, plaintext: Buffer, context: string): string {
  if (kek.length !== 32) throw new TypeError('the key-encryption key must be 32 bytes')
  const nonce = randomBytes(NONCE_BYTES)
  const cipher = createCipheriv('aes-256-gcm', kek, nonce, { authTagLength: TAG_BYTES })
  cipher.setAAD(Buffer.from(context, 'utf8'))
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()])
  return `${VERSION}.${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url')}`
}

/** Reverses `seal`; throws when the KEK, the context or the blob is not the one sealed. */
export function unseal(kek: Buffer, sealed: string, context: string): Buffer {
  const parts = sealed.split('.')
  const [version, payload] = parts
  // Never echo the blob: it is ciphertext of a private key.
  if (parts.length !== 2 || version !== VERSION || payload === undefined) {
    throw new Error('unknown sealed-key format')
  }
  const bytes = Buffer.from(payload, 'base64url')
  if (bytes.length < NONCE_BYTES + TAG_BYTES) throw new Error('sealed key is truncated')
  const nonce = bytes.subarray(0, NONCE_BYTES)
  const tag = bytes.subarray(bytes.length - TAG_BYTES)
  const decipher = createDecipheriv('aes-256-gcm', kek, nonce, { authTagLength: TAG_BYTES })
  decipher.setAAD(Buffer.from(context, 'utf8'))
  decipher.setAuthTag(tag)
  return Buffer.concat([
    decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)),
    decipher.final(),
  ])
}
