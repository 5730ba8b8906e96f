import { createPublicKey, type KeyObject } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { UsageError } from '../errors/index.js'
import { algorithmFor, publicJwk, type PublicJwk } from './jwk.js'

/**
 * PEM labels that hold a key (ISS-86): SPKI and PKCS#1 public keys, and PKCS#8, PKCS#1 and SEC1
 * private keys, whose public half is all we use. These are the forms `azwi jwks` reads through
 * client-go's `keyutil.ParsePublicKeysPEM`.
 */
const KEY_LABELS = new Set([
  'PUBLIC KEY',
  'RSA PUBLIC KEY',
  'PRIVATE KEY',
  'RSA PRIVATE KEY',
  'EC PRIVATE KEY',
])

/** `openssl ecparam -genkey` writes the curve as its own block before the key; the key repeats it. */
const SKIPPED_LABELS = new Set(['EC PARAMETERS'])

const BEGIN_LINE = /-----BEGIN ([^\r\n-]*)-----/g

interface PemBlock {
  label: string
  text: string
}

/**
 * Cuts `text` into PEM blocks, numbered from 1 in file order in error messages. Only the armour is
 * read here; node:crypto decodes what is inside. Text outside blocks (comments, openssl's "Bag
 * Attributes") is ignored, as Go's `pem.Decode` ignores it.
 */
function pemBlocks(text: string, source: string): PemBlock[] {
  const begins = [...text.matchAll(BEGIN_LINE)]
  return begins.map((begin, i) => {
    const label = begin[1] ?? ''
    const start = begin.index
    const next = begins[i + 1]?.index ?? text.length
    const endLine = `-----END ${label}-----`
    const end = text.indexOf(endLine, start)
    if (end === -1 || end > next) {
      throw new UsageError(`${source}: PEM block ${i + 1} (${label}) has no matching END line`)
    }
    return { label, text: text.slice(start, end + endLine.length) }
  })
}

/** RFC 7468 §11 for PKCS#8, and OpenSSL's RFC 1421 headers for the traditional forms. */
function isEncrypted(block: PemBlock): boolean {
  return block.label === 'ENCRYPTED PRIVATE KEY' || /^Proc-Type:\s*4,ENCRYPTED/m.test(block.text)
}

/** Parses one key block to its public half and checks that wifkit can sign with it. */
function publicKeyOf(block: PemBlock, where: string): KeyObject {
  if (isEncrypted(block)) {
    throw new UsageError(`${where} is an encrypted private key; decrypt it or give its public key`)
  }
  if (!KEY_LABELS.has(block.label)) {
    throw new UsageError(`${where} (${block.label}) is not a public or private key`)
  }
  let key: KeyObject
  try {
    // Given a private key, createPublicKey returns only the public half: no private KeyObject is
    // ever created here, so private material cannot leak further (ISS-14, ISS-62).
    key = createPublicKey(block.text)
  } catch (cause) {
    throw new UsageError(`${where} (${block.label}) cannot be parsed as a key`, { cause })
  }
  try {
    algorithmFor(key)
  } catch (cause) {
    // algorithmFor's message is the reason (curve, type or RSA size), and ISS-87 makes it an error.
    throw new UsageError(`${where}: ${(cause as Error).message}`, { cause })
  }
  return key
}

/**
 * The public keys in a PEM file's text, in block order (ISS-86). Private keys give their public
 * half; `EC PARAMETERS` blocks are skipped. `source` names the file in error messages.
 *
 * @throws UsageError when the text holds no key, or a block is encrypted, unparseable, not a key,
 *   or a key wifkit cannot sign with (ISS-10, ISS-11, ISS-87).
 */
export function publicKeysFromPem(text: string, source: string): KeyObject[] {
  const blocks = pemBlocks(text, source)
  if (blocks.length === 0) throw new UsageError(`${source}: no PEM block found`)
  const keys = blocks.flatMap((block, i) =>
    SKIPPED_LABELS.has(block.label) ? [] : [publicKeyOf(block, `${source}: PEM block ${i + 1}`)],
  )
  if (keys.length === 0) throw new UsageError(`${source}: no public or private key found`)
  return keys
}

async function readPemFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason = code === 'ENOENT' ? 'no such file' : (error as Error).message
    throw new UsageError(`cannot read public key file ${path}: ${reason}`, { cause: error })
  }
}

/**
 * The JWKS of `wifkit jwks` (ISS-86, ISS-87): one JWK per key found in `paths`, in input order.
 * A key met twice (say a private key and its public key in two files) is listed once, since the
 * kid is derived from the public key alone (ISS-12, ISS-13).
 *
 * @throws UsageError for a file that cannot be read or any problem {@link publicKeysFromPem} finds.
 */
export async function jwksFromPemFiles(paths: readonly string[]): Promise<{ keys: PublicJwk[] }> {
  const byKid = new Map<string, PublicJwk>()
  // One file at a time, so the error reported is the first in input order.
  for (const path of paths) {
    for (const key of publicKeysFromPem(await readPemFile(path), path)) {
      const jwk = publicJwk(key)
      if (!byKid.has(jwk.kid)) byKid.set(jwk.kid, jwk)
    }
  }
  return { keys: [...byKid.values()] }
}

/**
 * The file names in repeated `--public-keys` flags. Like azwi, each value may also be a
 * comma-separated list (ISS-86); names are trimmed and empty entries dropped.
 */
export function splitPublicKeyFlags(values: readonly string[]): string[] {
  return values
    .flatMap((value) => value.split(','))
    .map((name) => name.trim())
    .filter((name) => name !== '')
}
