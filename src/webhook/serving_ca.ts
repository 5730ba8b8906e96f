// @peculiar/x509 v2 needs a Reflect metadata polyfill loaded before it (its README).
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import { randomBytes, webcrypto } from 'node:crypto'
import { isIP } from 'node:net'

x509.cryptoProvider.set(webcrypto)

/** A CA (its certificate only; the key is not kept) and the serving pair it signed, as PEM. */
export interface ServingCertificates {
  caPem: string
  certPem: string
  keyPem: string
}

const KEY_ALG = { name: 'ECDSA', namedCurve: 'P-256' }
const SIGN_ALG = { name: 'ECDSA', hash: 'SHA-256' }
const DAY_MS = 86_400_000
/** Both expire together: without cert-manager, renewal is re-running the generator (docs). */
const VALID_DAYS = 365

/**
 * A throwaway CA and a serving certificate for `names` (DNS names or IP addresses), for the
 * webhook's `caBundle` when cert-manager is not used. The CA key is discarded once the serving
 * certificate is signed, so nothing else can ever be issued under that `caBundle`.
 */
export async function createServingCertificates(
  names: readonly string[],
  now: Date = new Date(),
): Promise<ServingCertificates> {
  const notAfter = new Date(now.getTime() + VALID_DAYS * DAY_MS)
  const caKeys = await webcrypto.subtle.generateKey(KEY_ALG, true, ['sign', 'verify'])
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=wifkit webhook CA ${randomBytes(4).toString('hex')}`,
    notBefore: now,
    notAfter,
    keys: caKeys,
    signingAlgorithm: SIGN_ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  })
  const keys = await webcrypto.subtle.generateKey(KEY_ALG, true, ['sign', 'verify'])
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${names[0] ?? 'wifkit-webhook'}`,
    issuer: ca.subject,
    notBefore: now,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: SIGN_ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.publicKey),
      new x509.SubjectAlternativeNameExtension(
        names.map((value) => ({ type: isIP(value) ? 'ip' : 'dns', value })),
      ),
    ],
  })
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)
  return {
    caPem: `${ca.toString('pem')}\n`,
    certPem: `${cert.toString('pem')}\n`,
    keyPem: `${x509.PemConverter.encode(pkcs8, 'PRIVATE KEY')}\n`,
  }
}

/** A positive 16-byte serial (RFC 5280 §4.1.2.2: positive, at most 20 bytes). */
function serial(): string {
  const bytes = randomBytes(16)
  bytes[0] = (bytes[0] ?? 0) & 0x7f
  return bytes.toString('hex')
}
