import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import {
  openSecretValue,
  sealSecretValue,
  type VersionPlace,
} from '../../../src/resource/secret_crypto.js'

const KEK = randomBytes(32)
const OTHER_KEK = randomBytes(32)
const place: VersionPlace = {
  vaultId: '5b0f8a52-6a8e-4a43-9d65-1f0c2a9e7b11',
  secretId: 'c1d2e3f4-0000-4000-8000-000000000001',
  version: '0f8e1c2b3a4d5e6f708192a3b4c5d6e7',
}
/** Distinctive enough that any copy of it, plain or encoded, would be found. */
const VALUE = 'correct horse battery staple, the database password of payments-prod'
const SEALED = /^v1\.[A-Za-z0-9_-]+$/

const values = [
  ['a password', 'hunter2'],
  ['an empty value', ''],
  ['text outside ASCII', 'pässwörd 🔑 密码'],
  ['a PEM private key', '-----BEGIN PRIVATE KEY-----\nMIIE…\n-----END PRIVATE KEY-----\n'],
  ['25 KiB, the largest value (KV-40)', 'x'.repeat(25_600)],
] as const

for (const [name, value] of values) {
  test(`issue #6: ${name} survives sealing and opening at its place`, () => {
    const sealed = sealSecretValue(KEK, place, value)
    assert.match(sealed.valueSealed, SEALED)
    assert.match(sealed.dataKeyWrapped, SEALED)
    assert.equal(openSecretValue(KEK, place, sealed), value)
  })
}

test('issue #6: each seal uses a fresh data key, so equal values seal differently', () => {
  const first = sealSecretValue(KEK, place, VALUE)
  const second = sealSecretValue(KEK, place, VALUE)
  assert.notEqual(first.valueSealed, second.valueSealed)
  assert.notEqual(first.dataKeyWrapped, second.dataKeyWrapped)
  assert.equal(openSecretValue(KEK, place, second), VALUE)
})

test('issue #6: the sealed row contains the value neither plainly nor encoded', () => {
  const sealed = sealSecretValue(KEK, place, VALUE)
  const plain = Buffer.from(VALUE, 'utf8')
  for (const text of [sealed.valueSealed, sealed.dataKeyWrapped]) {
    assert.equal(text.includes(VALUE), false)
    assert.equal(text.includes(plain.toString('base64url').slice(0, 16)), false)
    assert.equal(text.includes(plain.toString('base64').slice(0, 16)), false)
    assert.equal(text.includes(plain.toString('hex').slice(0, 16)), false)
    const bytes = Buffer.from(text.slice(3), 'base64url')
    assert.equal(bytes.includes(plain.subarray(0, 16)), false)
  }
})

const sealed = sealSecretValue(KEK, place, VALUE)
const otherVersion: VersionPlace = { ...place, version: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }
const sealedElsewhere = sealSecretValue(KEK, otherVersion, 'the other version')

/** `text` with one byte of its base64url payload flipped; negative counts from the end. */
function flipped(text: string, index: number): string {
  const bytes = Buffer.from(text.slice(3), 'base64url')
  const at = index < 0 ? bytes.length + index : index
  bytes[at] = (bytes[at] ?? 0) ^ 0x01
  return `v1.${bytes.toString('base64url')}`
}

const refusals: readonly (readonly [string, () => string])[] = [
  ['another key-encryption key', () => openSecretValue(OTHER_KEK, place, sealed)],
  ['another vault id', () => openSecretValue(KEK, { ...place, vaultId: 'vault-2' }, sealed)],
  ['another secret id', () => openSecretValue(KEK, { ...place, secretId: 'secret-2' }, sealed)],
  ['another version id', () => openSecretValue(KEK, otherVersion, sealed)],
  [
    'a row copied from another version, both fields',
    () => openSecretValue(KEK, place, sealedElsewhere),
  ],
  [
    "a value copied from another version under this row's data key",
    () => openSecretValue(KEK, place, { ...sealed, valueSealed: sealedElsewhere.valueSealed }),
  ],
  [
    'a data key copied from another version',
    () =>
      openSecretValue(KEK, place, { ...sealed, dataKeyWrapped: sealedElsewhere.dataKeyWrapped }),
  ],
  [
    'the two fields swapped',
    () =>
      openSecretValue(KEK, place, {
        valueSealed: sealed.dataKeyWrapped,
        dataKeyWrapped: sealed.valueSealed,
      }),
  ],
  [
    'a flipped ciphertext byte',
    () => openSecretValue(KEK, place, { ...sealed, valueSealed: flipped(sealed.valueSealed, 12) }),
  ],
  [
    'a flipped tag byte',
    () => openSecretValue(KEK, place, { ...sealed, valueSealed: flipped(sealed.valueSealed, -1) }),
  ],
  [
    'a flipped nonce byte',
    () => openSecretValue(KEK, place, { ...sealed, valueSealed: flipped(sealed.valueSealed, 0) }),
  ],
  [
    'a flipped byte in the wrapped data key',
    () =>
      openSecretValue(KEK, place, {
        ...sealed,
        dataKeyWrapped: flipped(sealed.dataKeyWrapped, 20),
      }),
  ],
  [
    'a truncated value',
    () => openSecretValue(KEK, place, { ...sealed, valueSealed: sealed.valueSealed.slice(0, 20) }),
  ],
  ['an empty row', () => openSecretValue(KEK, place, { valueSealed: '', dataKeyWrapped: '' })],
]

for (const [name, open] of refusals) {
  test(`issue #6: opening with ${name} throws, without echoing the value`, () => {
    assert.throws(open, (error: unknown) => {
      assert.ok(error instanceof Error)
      assert.equal(error.message.includes(VALUE), false)
      return true
    })
  })
}

test('issue #6: a refused open leaves the row intact for the right key and place', () => {
  assert.throws(() => openSecretValue(OTHER_KEK, place, sealed))
  assert.equal(openSecretValue(KEK, place, sealed), VALUE)
})
