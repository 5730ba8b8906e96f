import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { openBackup, sealBackup, type BackupContents } from '../../../src/resource/backup_blob.js'
import { sealSecretValue } from '../../../src/resource/secret_crypto.js'
import { badParameter } from './key_vault_error.js'

const KEK = randomBytes(32)
const OTHER_KEK = randomBytes(32)
const INVALID = 'The backup blob is malformed or was not made by this deployment.'
const FIRST_VALUE = 'correct horse battery staple, first version of the payments password'
const SECOND_VALUE = 'pässwörd 🔑, second version of the payments password'

const contents: BackupContents = {
  name: 'DB-Password',
  versions: [
    {
      version: '0f8e1c2b3a4d5e6f708192a3b4c5d6e7',
      value: FIRST_VALUE,
      contentType: 'text/plain',
      tags: { env: 'prod', owner: 'payments' },
      enabled: false,
      nbf: 1767225600,
      exp: 1893456000,
      created: 1767225600,
      updated: 1767229200,
    },
    {
      version: '1a2b3c4d5e6f708192a3b4c5d6e7f809',
      value: SECOND_VALUE,
      contentType: null,
      tags: null,
      enabled: true,
      nbf: null,
      exp: null,
      created: 1767232800,
      updated: 1767232800,
    },
  ],
}
const blob = sealBackup(KEK, contents)

test('KV-53: a backup opens to its name and every version, unchanged and in order', () => {
  assert.deepEqual(openBackup(KEK, blob), contents)
})

test('KV-53: a one-version backup with an empty value opens unchanged', () => {
  const [first] = contents.versions
  assert.ok(first)
  const one: BackupContents = { name: 'a', versions: [{ ...first, value: '' }] }
  assert.deepEqual(openBackup(KEK, sealBackup(KEK, one)), one)
})

test('R11: the blob is pure base64url, so the SDK can decode it to bytes and back', () => {
  assert.match(blob, /^[A-Za-z0-9_-]+$/)
  const roundTripped = Buffer.from(Buffer.from(blob, 'base64url')).toString('base64url')
  assert.deepEqual(openBackup(KEK, roundTripped), contents)
})

test('KV-53: the blob is opaque: no value, name or tag is readable in it', () => {
  const bytes = Buffer.from(Buffer.from(blob, 'base64url').toString('utf8').slice(3), 'base64url')
  for (const secret of [FIRST_VALUE, SECOND_VALUE, 'DB-Password', 'payments', '1a2b3c4d5e6f']) {
    const plain = Buffer.from(secret, 'utf8')
    assert.equal(blob.includes(secret), false, secret)
    assert.equal(blob.includes(plain.toString('base64url').slice(0, 8)), false, secret)
    assert.equal(bytes.includes(plain.subarray(0, 8)), false, secret)
  }
})

test('KV-53: two backups of the same secret differ', () => {
  assert.notEqual(sealBackup(KEK, contents), blob)
})

const payload = Buffer.from(blob.slice(3), 'base64url')
const reencoded = (bytes: Buffer) => `v1.${bytes.toString('base64url')}`
const flip = (index: number) => {
  const copy = Buffer.from(payload)
  copy[index] = (copy[index] ?? 0) ^ 0x01
  return reencoded(copy)
}
const asContents = (value: unknown) => value as BackupContents
const [firstVersion] = contents.versions
const withVersion = (change: Record<string, unknown>) =>
  sealBackup(KEK, asContents({ name: 'db-password', versions: [{ ...firstVersion, ...change }] }))

const malformed: readonly (readonly [string, () => unknown])[] = [
  ['a blob from another deployment (another KEK)', () => openBackup(OTHER_KEK, blob)],
  ['garbage text', () => openBackup(KEK, 'garbage')],
  ['an empty string', () => openBackup(KEK, '')],
  ['the prefix alone', () => openBackup(KEK, 'v1.')],
  ['a payload shorter than nonce and tag', () => openBackup(KEK, 'v1.AAAA')],
  ['another format version', () => openBackup(KEK, `v2.${blob.slice(3)}`)],
  ['a flipped nonce byte', () => openBackup(KEK, flip(0))],
  ['a flipped ciphertext byte', () => openBackup(KEK, flip(40))],
  ['a flipped tag byte', () => openBackup(KEK, flip(payload.length - 1))],
  ['a truncated blob', () => openBackup(KEK, reencoded(payload.subarray(0, payload.length - 1)))],
  [
    'a blob with bytes appended',
    () => openBackup(KEK, reencoded(Buffer.concat([payload, Buffer.from([0])]))),
  ],
  [
    'a sealed secret value, the same key under another context',
    () =>
      openBackup(
        KEK,
        sealSecretValue(
          KEK,
          { vaultId: 'v', secretId: 's', version: 'x' },
          JSON.stringify(contents),
        ).valueSealed,
      ),
  ],
  ['no blob at all', () => openBackup(KEK, undefined)],
  ['null', () => openBackup(KEK, null)],
  ['a number', () => openBackup(KEK, 42)],
  ['the R11 response object instead of its value', () => openBackup(KEK, { value: blob })],
  ['an array holding the blob', () => openBackup(KEK, [blob])],
  [
    'sealed contents whose name breaks KV-33',
    () => openBackup(KEK, sealBackup(KEK, { ...contents, name: 'db_password' })),
  ],
  [
    'sealed contents without versions',
    () => openBackup(KEK, sealBackup(KEK, { ...contents, versions: [] })),
  ],
  [
    'sealed contents whose version id is upper case',
    () => openBackup(KEK, withVersion({ version: '0F8E1C2B3A4D5E6F708192A3B4C5D6E7' })),
  ],
  ['sealed contents without a value', () => openBackup(KEK, withVersion({ value: undefined }))],
  ['sealed contents with a number tag', () => openBackup(KEK, withVersion({ tags: { env: 1 } }))],
  [
    'sealed contents with a string enabled',
    () => openBackup(KEK, withVersion({ enabled: 'true' })),
  ],
  [
    'sealed contents with fractional seconds',
    () => openBackup(KEK, withVersion({ created: 1767225600.5 })),
  ],
  [
    'sealed contents that are not an object',
    () => openBackup(KEK, sealBackup(KEK, asContents('DB-Password'))),
  ],
]

for (const [name, open] of malformed) {
  test(`KV-53: restoring ${name} is 400 BadParameter`, () => {
    assert.throws(open, badParameter(INVALID))
  })
}

test('KV-80: a refused blob is not echoed, nor its cause exposed', () => {
  assert.throws(
    () => openBackup(KEK, flip(40)),
    (error: Error) => !error.message.includes(blob.slice(3, 20)) && error.cause === undefined,
  )
})

test('KV-40: a tag named __proto__ survives backup and restore', () => {
  const tags = JSON.parse('{"__proto__":"x","env":"prod"}') as Record<string, string>
  const restored = openBackup(KEK, withVersion({ tags }))
  assert.deepEqual(Object.entries(restored.versions[0]?.tags ?? {}), Object.entries(tags))
})
