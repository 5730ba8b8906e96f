import type { SecureContextOptions } from 'node:tls'

/**
 * The cipher suites every wifkit listener offers (issue #9 item 3): the three TLS 1.3 suites, and
 * for TLS 1.2 only ECDHE key exchange (forward secrecy) with an AEAD cipher. CBC suites, RSA key
 * exchange, 3DES and RC4 are absent, so a client that offers nothing better fails the handshake.
 */
export const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':')

/** The lowest protocol a listener accepts; the webhook may raise it to TLS 1.3 (WL-9). */
export type MinTlsVersion = 'TLSv1.2' | 'TLSv1.3'

/** TLS options of a listener: its certificate pair, TLS 1.2 or newer, and {@link TLS_CIPHERS}. */
export function tlsPolicy(
  pair: { cert: string; key: string },
  minVersion: MinTlsVersion = 'TLSv1.2',
): SecureContextOptions {
  return { ...pair, minVersion, ciphers: TLS_CIPHERS, honorCipherOrder: true }
}

/** One year, as HSTS preload lists expect; sent only over HTTPS (RFC 6797 §7.2). */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000'
