// The local CA behind `wifkit dev` (IF-10): one CA per data dir, and a server certificate for the
// dev listener that is reissued only when the wanted names change or it nears expiry.
// @peculiar/x509 v2 needs a Reflect metadata polyfill loaded before it (its README, "Reflect
// Polyfill Required"); importing it here keeps every entry point that reaches this module working.
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import { X509Certificate, createPrivateKey, randomBytes, webcrypto } from 'node:crypto'
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { isIP } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { domainToASCII } from 'node:url'

x509.cryptoProvider.set(webcrypto)

/** The dev TLS material: absolute file paths and the PEM text of each file. */
export interface LocalTls {
  caFile: string
  certFile: string
  keyFile: string
  caPem: string
  certPem: string
  keyPem: string
}

interface Ca {
  pem: string
  cert: x509.X509Certificate
  key: webcrypto.CryptoKey
}

const KEY_ALG = { name: 'ECDSA', namedCurve: 'P-256' }
const SIGN_ALG = { name: 'ECDSA', hash: 'SHA-256' }
const DAY_MS = 86_400_000
const CA_YEARS = 10
// 397 days stays under the 398-day limit that Apple platforms and the CA/B Forum set for TLS
// server certificates, so browsers accept the dev certificate too.
const SERVER_DAYS = 397
const RENEW_BEFORE_DAYS = 30
// IF-10 lists these names for every dev certificate, whatever --host says.
const ALWAYS = ['localhost', 'vault.localhost', '*.vault.localhost', '127.0.0.1', '::1']

/**
 * Returns the CA and server certificate in `dir`, creating them on first use (IF-10).
 *
 * Later calls keep the CA as it is and keep the server certificate unless its names differ from
 * `hosts` plus the fixed dev names, or it expires within 30 days; then the same CA issues a new
 * one. Files are replaced atomically; keys are written with mode 0600.
 *
 * @throws Error when `ca.pem` exists but `ca-key.pem` is missing or belongs to another key.
 * @throws TypeError when a host is neither a hostname nor an IP address.
 */
export async function ensureLocalTls(
  dir: string,
  hosts: readonly string[],
  now: Date = new Date(),
): Promise<LocalTls> {
  const root = resolve(dir)
  const caFile = join(root, 'ca.pem')
  const certFile = join(root, 'server.pem')
  const keyFile = join(root, 'server-key.pem')
  const names = wantedNames(hosts)
  await mkdir(root, { recursive: true, mode: 0o700 })
  const ca = (await loadCa(caFile, join(root, 'ca-key.pem'))) ?? (await createCa(root, now))
  const certPem = await readOptional(certFile)
  const keyPem = await readOptional(keyFile)
  if (certPem !== undefined && keyPem !== undefined && reusable(certPem, keyPem, ca, names, now)) {
    return { caFile, certFile, keyFile, caPem: ca.pem, certPem, keyPem }
  }
  const issued = await issueServer(ca, names, now)
  // Key before certificate: a crash in between leaves a pair that fails the key check above,
  // so the next start reissues instead of serving a certificate without its key.
  await writeAtomic(keyFile, issued.keyPem, 0o600)
  await writeAtomic(certFile, issued.certPem, 0o644)
  return { caFile, certFile, keyFile, caPem: ca.pem, ...issued }
}

async function loadCa(caFile: string, caKeyFile: string): Promise<Ca | undefined> {
  const pem = await readOptional(caFile)
  if (pem === undefined) return undefined
  const keyPem = await readOptional(caKeyFile)
  if (keyPem === undefined || !keyMatches(pem, keyPem)) {
    throw new Error(
      `${caFile} exists but ${caKeyFile} is missing or does not match it, so no server ` +
        `certificate can be issued. Remove ${dirname(caFile)} or run \`wifkit dev --reset\` ` +
        `to create a new local CA (workloads must then trust the new ca.pem).`,
    )
  }
  const der = createPrivateKey(keyPem).export({ format: 'der', type: 'pkcs8' })
  const key = await webcrypto.subtle.importKey('pkcs8', der, KEY_ALG, false, ['sign'])
  return { pem, cert: new x509.X509Certificate(pem), key }
}

async function createCa(root: string, now: Date): Promise<Ca> {
  const keys = await webcrypto.subtle.generateKey(KEY_ALG, true, ['sign', 'verify'])
  const notAfter = new Date(now)
  notAfter.setUTCFullYear(now.getUTCFullYear() + CA_YEARS)
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    // A random suffix keeps two dev dirs' CAs apart in a trust store, which keys roots by name.
    name: `CN=wifkit dev CA ${randomBytes(4).toString('hex')}`,
    notBefore: now,
    notAfter,
    keys,
    signingAlgorithm: SIGN_ALG,
    extensions: [
      // Path length 0: this CA signs only leaf certificates, never another CA.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  const pem = toPem(cert.toString('pem'))
  // Key first: once ca.pem exists, loadCa insists on its key.
  await writeAtomic(join(root, 'ca-key.pem'), await pkcs8Pem(keys.privateKey), 0o600)
  await writeAtomic(join(root, 'ca.pem'), pem, 0o644)
  return { pem, cert, key: keys.privateKey }
}

async function issueServer(ca: Ca, names: x509.JsonGeneralName[], now: Date) {
  const keys = await webcrypto.subtle.generateKey(KEY_ALG, true, ['sign', 'verify'])
  const caKeyId = ca.cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: 'CN=wifkit dev server',
    issuer: ca.cert.subjectName,
    notBefore: now,
    notAfter: new Date(now.getTime() + SERVER_DAYS * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: ca.key,
    signingAlgorithm: SIGN_ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      caKeyId === undefined
        ? await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey)
        : new x509.AuthorityKeyIdentifierExtension(caKeyId),
      new x509.SubjectAlternativeNameExtension(names),
    ],
  })
  return { certPem: toPem(cert.toString('pem')), keyPem: await pkcs8Pem(keys.privateKey) }
}

/** Keep the server certificate only if it is ours, complete, current and names exactly `names`. */
function reusable(
  certPem: string,
  keyPem: string,
  ca: Ca,
  names: x509.JsonGeneralName[],
  now: Date,
): boolean {
  try {
    if (!keyMatches(certPem, keyPem)) return false
    if (!new X509Certificate(certPem).verify(new X509Certificate(ca.pem).publicKey)) return false
    const cert = new x509.X509Certificate(certPem)
    const renewAt = cert.notAfter.getTime() - RENEW_BEFORE_DAYS * DAY_MS
    if (cert.notBefore > now || renewAt <= now.getTime()) return false
    const sans = cert.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON() ?? []
    const have = new Set(
      sans.map((n) => nameKey(n.type === 'ip' ? { type: 'ip', value: canonicalIp(n.value) } : n)),
    )
    return have.size === names.length && names.every((n) => have.has(nameKey(n)))
  } catch {
    // An unreadable certificate or key is replaced, not fatal: the CA can always issue another.
    return false
  }
}

function wantedNames(hosts: readonly string[]): x509.JsonGeneralName[] {
  const byKey = new Map<string, x509.JsonGeneralName>()
  for (const host of [...hosts, ...ALWAYS]) {
    const name = toGeneralName(host)
    byKey.set(nameKey(name), name)
  }
  return [...byKey.values()]
}

/** An IP literal (bracketed or not) becomes an IP SAN in canonical form; anything else DNS. */
function toGeneralName(host: string): x509.JsonGeneralName {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
  if (isIP(bare) !== 0) return { type: 'ip', value: canonicalIp(bare) }
  // domainToASCII lower-cases and punycodes, so equal names compare equal; '' means invalid.
  const dns = domainToASCII(host)
  if (dns === '') throw new TypeError(`not a hostname or IP address: "${host}"`)
  return { type: 'dns', value: dns }
}

/** One spelling per IPv6 address (RFC 5952, as the WHATWG URL parser writes it): ::1, not 0:…:1. */
function canonicalIp(ip: string): string {
  return isIP(ip) === 6 ? new URL(`http://[${ip}]`).hostname.slice(1, -1) : ip
}

function nameKey(name: x509.JsonGeneralName): string {
  return `${name.type}:${name.value}`
}

function keyMatches(certPem: string, keyPem: string): boolean {
  try {
    return new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem))
  } catch {
    return false
  }
}

/** RFC 5280 §4.1.2.2: a positive serial of at most 20 octets; 16 random ones, sign bit clear. */
function randomSerial(): string {
  const bytes = randomBytes(16)
  bytes.writeUInt8(bytes.readUInt8(0) & 0x7f || 0x01, 0)
  return bytes.toString('hex')
}

async function pkcs8Pem(key: webcrypto.CryptoKey): Promise<string> {
  return toPem(
    x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY'),
  )
}

function toPem(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

/** Temp file in the same dir, final mode from the start, fsync, then rename over the target. */
async function writeAtomic(path: string, text: string, mode: number): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`
  try {
    const file = await open(tmp, 'wx', mode)
    try {
      await file.chmod(mode) // open's mode passes through the umask; the key must be 0600 exactly
      await file.writeFile(text)
      await file.sync()
    } finally {
      await file.close()
    }
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}
