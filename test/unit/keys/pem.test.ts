import assert from 'node:assert/strict'
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { UsageError } from '../../../src/errors/index.js'
import { jwksFromPemFiles, publicKeysFromPem, splitPublicKeyFlags } from '../../../src/keys/pem.js'

const dirs: string[] = []
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))))

/** Writes each text to its own file; `undefined` leaves the file missing. */
async function pemFiles(texts: readonly (string | undefined)[]): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'wifkit-pem-'))
  dirs.push(dir)
  const paths = texts.map((_, i) => join(dir, `key-${i + 1}.pem`))
  await Promise.all(texts.map((t, i) => (t === undefined ? undefined : writeFile(paths[i]!, t))))
  return paths
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const rsa2 = generateKeyPairSync('rsa', { modulusLength: 2048 })
const ec = {
  'P-256': generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  'P-384': generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  'P-521': generateKeyPairSync('ec', { namedCurve: 'P-521' }),
}

const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }) as string
const pkcs1Public = (k: KeyObject) => k.export({ type: 'pkcs1', format: 'pem' }) as string
const pkcs8 = (k: KeyObject) => k.export({ type: 'pkcs8', format: 'pem' }) as string
const pkcs1Private = (k: KeyObject) => k.export({ type: 'pkcs1', format: 'pem' }) as string
const sec1 = (k: KeyObject) => k.export({ type: 'sec1', format: 'pem' }) as string

/** The blocks `openssl ecparam -genkey -name <curve>` writes before the key: the curve's OID. */
const EC_PARAMETERS = {
  'P-256': '-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n',
  'P-384': '-----BEGIN EC PARAMETERS-----\nBgUrgQQAIg==\n-----END EC PARAMETERS-----\n',
  'P-521': '-----BEGIN EC PARAMETERS-----\nBgUrgQQAIw==\n-----END EC PARAMETERS-----\n',
}
const ES = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' } as const

const RSA_MEMBERS = ['use', 'kty', 'kid', 'alg', 'n', 'e']
const EC_MEMBERS = ['use', 'kty', 'kid', 'alg', 'crv', 'x', 'y']
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']

/** The JWK ISS-60/61 expect, with the kid recomputed here rather than through deriveKid. */
function expectedJwk(publicKey: KeyObject, alg: string): Record<string, unknown> {
  const der = publicKey.export({ type: 'spki', format: 'der' })
  const kid = createHash('sha256').update(der).digest('base64url')
  const jwk = publicKey.export({ format: 'jwk' })
  return jwk.kty === 'RSA'
    ? { use: 'sig', kty: 'RSA', kid, alg, n: jwk.n, e: jwk.e }
    : { use: 'sig', kty: 'EC', kid, alg, crv: jwk.crv, x: jwk.x, y: jwk.y }
}

type Want = readonly [KeyObject, string]
const accepted: readonly (readonly [string, readonly string[], readonly Want[]])[] = [
  ['ISS-87: an RSA SPKI public key gives RS256', [spki(rsa.publicKey)], [[rsa.publicKey, 'RS256']]],
  [
    'ISS-86: an RSA PKCS#1 public key (RSA PUBLIC KEY) gives RS256',
    [pkcs1Public(rsa.publicKey)],
    [[rsa.publicKey, 'RS256']],
  ],
  [
    'ISS-86: an RSA PKCS#8 private key gives only its public half',
    [pkcs8(rsa.privateKey)],
    [[rsa.publicKey, 'RS256']],
  ],
  [
    'ISS-86: a traditional RSA private key (RSA PRIVATE KEY) gives only its public half',
    [pkcs1Private(rsa.privateKey)],
    [[rsa.publicKey, 'RS256']],
  ],
  ...(['P-256', 'P-384', 'P-521'] as const).flatMap((crv) => [
    [
      `ISS-87: an EC ${crv} SPKI public key gives ${ES[crv]}`,
      [spki(ec[crv].publicKey)],
      [[ec[crv].publicKey, ES[crv]]],
    ] as const,
    [
      `ISS-86: an EC ${crv} SEC1 private key after its EC PARAMETERS block gives ${ES[crv]}`,
      [EC_PARAMETERS[crv] + sec1(ec[crv].privateKey)],
      [[ec[crv].publicKey, ES[crv]]],
    ] as const,
  ]),
  [
    'ISS-86: an EC PKCS#8 private key gives only its public half',
    [pkcs8(ec['P-256'].privateKey)],
    [[ec['P-256'].publicKey, 'ES256']],
  ],
  [
    'ISS-86: several blocks in one file give one key each, in file order',
    [
      spki(rsa.publicKey) +
        EC_PARAMETERS['P-384'] +
        sec1(ec['P-384'].privateKey) +
        pkcs1Public(rsa2.publicKey),
    ],
    [
      [rsa.publicKey, 'RS256'],
      [ec['P-384'].publicKey, 'ES384'],
      [rsa2.publicKey, 'RS256'],
    ],
  ],
  [
    'ISS-12: a private key and its public key in two files give one entry',
    [pkcs8(rsa.privateKey), spki(rsa.publicKey)],
    [[rsa.publicKey, 'RS256']],
  ],
  [
    'ISS-86: keys keep input order across files, and a repeated key keeps its first place',
    [spki(ec['P-521'].publicKey), spki(rsa2.publicKey), spki(rsa2.publicKey) + spki(rsa.publicKey)],
    [
      [ec['P-521'].publicKey, 'ES512'],
      [rsa2.publicKey, 'RS256'],
      [rsa.publicKey, 'RS256'],
    ],
  ],
  [
    'ISS-86: CRLF line endings and text around the blocks are accepted',
    [`Bag Attributes\r\n${spki(rsa.publicKey).replaceAll('\n', '\r\n')}trailing note\r\n`],
    [[rsa.publicKey, 'RS256']],
  ],
]

for (const [name, texts, want] of accepted) {
  test(name, async () => {
    const jwks = await jwksFromPemFiles(await pemFiles(texts))
    assert.deepEqual(Object.keys(jwks), ['keys'])
    assert.deepEqual(
      jwks.keys,
      want.map(([key, alg]) => expectedJwk(key, alg)),
    )
    for (const jwk of jwks.keys) {
      assert.equal(jwk.kid.length, 43)
      assert.deepEqual(Object.keys(jwk), jwk.kty === 'RSA' ? RSA_MEMBERS : EC_MEMBERS)
      for (const member of PRIVATE_MEMBERS) assert.equal(member in jwk, false, member)
    }
    for (const text of texts) {
      const types = publicKeysFromPem(text, 'test').map((k) => k.type)
      assert.ok(types.length > 0 && types.every((t) => t === 'public'), 'no private KeyObject')
    }
  })
}

const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 })
const secp256k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' })
const ed25519 = generateKeyPairSync('ed25519')
const encrypted = (type: 'pkcs1' | 'pkcs8') =>
  rsa.privateKey.export({
    type,
    format: 'pem',
    cipher: 'aes-256-cbc',
    passphrase: 'secret',
  }) as string
const garbage = '-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n'

/** Name, file texts (`undefined`: missing), index of the file to blame, and the reason expected. */
const refused: readonly (readonly [string, readonly (string | undefined)[], number, RegExp])[] = [
  ['ISS-86: a file without any PEM block is refused', ['just text\n'], 0, /: no PEM block found$/],
  [
    'ISS-86: an unparseable block is refused by its number',
    [spki(rsa.publicKey) + garbage],
    0,
    /: PEM block 2 \(PUBLIC KEY\) cannot be parsed as a key$/,
  ],
  [
    'ISS-86: a block without its END line is refused',
    [spki(rsa.publicKey).replace('-----END PUBLIC KEY-----', '')],
    0,
    /: PEM block 1 \(PUBLIC KEY\) has no matching END line$/,
  ],
  [
    'ISS-86: a block that is not a key, such as a certificate, is refused',
    [garbage.replaceAll('PUBLIC KEY', 'CERTIFICATE')],
    0,
    /: PEM block 1 \(CERTIFICATE\) is not a public or private key$/,
  ],
  [
    'ISS-86: a file holding only EC PARAMETERS is refused',
    [EC_PARAMETERS['P-256']],
    0,
    /: no public or private key found$/,
  ],
  [
    'ISS-87: an EC key on secp256k1 is refused',
    [spki(secp256k1.publicKey)],
    0,
    /: PEM block 1: unsupported EC curve secp256k1$/,
  ],
  [
    'ISS-87: an Ed25519 private key is refused',
    [pkcs8(ed25519.privateKey)],
    0,
    /: PEM block 1: unsupported key type ed25519$/,
  ],
  [
    'ISS-10: an RSA key of 1024 bits is refused',
    [spki(rsa1024.publicKey)],
    0,
    /: PEM block 1: RSA keys need at least 2048 bits \(got 1024\)$/,
  ],
  [
    'ISS-86: an encrypted PKCS#8 private key is refused',
    [encrypted('pkcs8')],
    0,
    /: PEM block 1 is an encrypted private key; decrypt it or give its public key$/,
  ],
  [
    'ISS-86: an encrypted traditional RSA private key is refused',
    [spki(rsa2.publicKey) + encrypted('pkcs1')],
    0,
    /: PEM block 2 is an encrypted private key; decrypt it or give its public key$/,
  ],
  [
    'ISS-86: a missing file is refused by name',
    [spki(rsa.publicKey), undefined],
    1,
    /^cannot read public key file .*: no such file$/,
  ],
  [
    'ISS-86: the first bad file in input order is the one named',
    [spki(rsa.publicKey), 'no key here\n', undefined],
    1,
    /: no PEM block found$/,
  ],
]

for (const [name, texts, blame, reason] of refused) {
  test(name, async () => {
    const paths = await pemFiles(texts)
    await assert.rejects(jwksFromPemFiles(paths), (error: Error) => {
      assert.ok(error instanceof UsageError, `${error.name}: ${error.message}`)
      assert.ok(error.message.includes(paths[blame]!), error.message)
      assert.match(error.message, reason)
      return true
    })
  })
}

test('ISS-86: publicKeysFromPem names the source it is given', () => {
  assert.throws(
    () => publicKeysFromPem('', 'stdin'),
    (error) => error instanceof UsageError && error.message === 'stdin: no PEM block found',
  )
})

const flagLists: readonly (readonly [string, readonly string[], readonly string[]])[] = [
  ['ISS-86: one flag value names one file', ['sa.pub'], ['sa.pub']],
  [
    'ISS-86: comma lists and repeated flags combine in order',
    ['a.pem,b.pem', 'c.pem'],
    ['a.pem', 'b.pem', 'c.pem'],
  ],
  [
    'ISS-86: names are trimmed and empty entries dropped',
    [' a.pem , ,b.pem,', ''],
    ['a.pem', 'b.pem'],
  ],
  ['ISS-86: no flag gives no files', [], []],
]

for (const [name, values, want] of flagLists) {
  test(name, () => assert.deepEqual(splitPublicKeyFlags(values), want))
}
