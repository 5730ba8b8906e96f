import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { seal, unseal } from '../../../src/keys/sealing.js'

const KEK = randomBytes(32)
const OTHER_KEK = randomBytes(32)
const CONTEXT = 'signing_keys:issuer-prod:key-1'
const SECRET = Buffer.from('-----BEGIN PRIVATE KEY-----\nMIIE…\n-----END PRIVATE KEY-----\n')
/** `v1.` then base64url of nonce (12) ‖ ciphertext ‖ tag (16), without padding. */
const FORMAT = /^v1\.[A-Za-z0-9_-]+$/

const roundTrips = [
  ['a private key survives seal and unseal', SECRET],
  ['an empty secret survives seal and unseal', Buffer.alloc(0)],
  ['a one-byte secret survives seal and unseal', Buffer.from([0])],
  ['64 KiB of random bytes survive seal and unseal', randomBytes(65_536)],
] as const

for (const [name, plaintext] of roundTrips) {
  test(name, () => {
    const sealed = seal(KEK, plaintext, CONTEXT)
    assert.match(sealed, FORMAT)
    assert.equal(Buffer.from(sealed.slice(3), 'base64url').length, 12 + plaintext.length + 16)
    assert.deepEqual(unseal(KEK, sealed, CONTEXT), plaintext)
  })
}

test('two seals of the same secret under the same key and context differ', () => {
  const first = seal(KEK, SECRET, CONTEXT)
  const second = seal(KEK, SECRET, CONTEXT)
  assert.notEqual(first, second)
  assert.notDeepEqual(
    Buffer.from(first.slice(3), 'base64url').subarray(0, 12),
    Buffer.from(second.slice(3), 'base64url').subarray(0, 12),
    'fresh nonce',
  )
  assert.deepEqual(unseal(KEK, first, CONTEXT), unseal(KEK, second, CONTEXT))
})

test('the sealed text does not contain the secret', () => {
  const secret = Buffer.from('a'.repeat(64))
  const bytes = Buffer.from(seal(KEK, secret, CONTEXT).slice(3), 'base64url')
  assert.equal(bytes.includes(secret.subarray(0, 16)), false)
})

const sealed = seal(KEK, SECRET, CONTEXT)
const payload = Buffer.from(sealed.slice(3), 'base64url')
/** The sealed text with byte `index` of its payload flipped. */
function flipped(index: number): string {
  const copy = Buffer.from(payload)
  copy[index] = (copy[index] ?? 0) ^ 0x01
  return `v1.${copy.toString('base64url')}`
}
const reencoded = (bytes: Buffer) => `v1.${bytes.toString('base64url')}`
const AUTH = /^Unsupported state or unable to authenticate data$/
const last = payload.length - 1

const refusals: readonly (readonly [string, () => unknown, RegExp])[] = [
  ['a blob opened with another KEK is refused', () => unseal(OTHER_KEK, sealed, CONTEXT), AUTH],
  [
    'a blob opened under another context (another row) is refused',
    () => unseal(KEK, sealed, 'signing_keys:issuer-prod:key-2'),
    AUTH,
  ],
  ['a blob opened under an empty context is refused', () => unseal(KEK, sealed, ''), AUTH],
  ['a flipped nonce byte is refused', () => unseal(KEK, flipped(0), CONTEXT), AUTH],
  ['a flipped ciphertext byte is refused', () => unseal(KEK, flipped(12), CONTEXT), AUTH],
  ['a flipped tag byte is refused', () => unseal(KEK, flipped(last), CONTEXT), AUTH],
  [
    'a blob missing its last byte is refused',
    () => unseal(KEK, reencoded(payload.subarray(0, last)), CONTEXT),
    AUTH,
  ],
  [
    'a blob missing its last character is refused',
    () => unseal(KEK, sealed.slice(0, -1), CONTEXT),
    AUTH,
  ],
  [
    'a blob with a byte appended is refused',
    () => unseal(KEK, reencoded(Buffer.concat([payload, Buffer.from([0])])), CONTEXT),
    AUTH,
  ],
  [
    'a blob shorter than nonce and tag is refused as truncated',
    () => unseal(KEK, reencoded(payload.subarray(0, 27)), CONTEXT),
    /^sealed key is truncated$/,
  ],
  [
    'an empty payload is refused as truncated',
    () => unseal(KEK, 'v1.', CONTEXT),
    /^sealed key is truncated$/,
  ],
  [
    'another format version is refused',
    () => unseal(KEK, `v2.${sealed.slice(3)}`, CONTEXT),
    /^unknown sealed-key format$/,
  ],
  [
    'a blob with a trailing segment is refused',
    () => unseal(KEK, `${sealed}.junk`, CONTEXT),
    /^unknown sealed-key format$/,
  ],
  [
    'a blob without a separator is refused without echoing it',
    () => unseal(KEK, sealed.replace('.', ''), CONTEXT),
    /^unknown sealed-key format$/,
  ],
  [
    'a blob without a version is refused',
    () => unseal(KEK, 'v1', CONTEXT),
    /^unknown sealed-key format$/,
  ],
  [
    'sealing under a KEK of 31 bytes is refused',
    () => seal(randomBytes(31), SECRET, CONTEXT),
    /^the key-encryption key must be 32 bytes$/,
  ],
  [
    'sealing under a KEK of 33 bytes is refused',
    () => seal(randomBytes(33), SECRET, CONTEXT),
    /^the key-encryption key must be 32 bytes$/,
  ],
  [
    'opening with a KEK of 16 bytes is refused',
    () => unseal(randomBytes(16), sealed, CONTEXT),
    /Invalid key length/,
  ],
]

for (const [name, act, message] of refusals) {
  test(name, () => assert.throws(act, { message }))
}

test('the untouched blob still opens, so the refusals above are caused by the change', () => {
  assert.deepEqual(unseal(KEK, sealed, CONTEXT), SECRET)
  assert.deepEqual(unseal(KEK, reencoded(payload), CONTEXT), SECRET)
})
