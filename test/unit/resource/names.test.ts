import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  isVaultName,
  isVersionId,
  secretNameKey,
  vaultNameFromHost,
} from '../../../src/resource/names.js'
import { badParameter } from './key_vault_error.js'

const vaultNames = [
  ['a plain lower-case name', 'payments', true],
  ['three characters, the shortest', 'abc', true],
  ['two characters, one too short', 'ab', false],
  ['24 characters, the longest', `a${'b'.repeat(23)}`, true],
  ['25 characters, one too long', `a${'b'.repeat(24)}`, false],
  ['letters, digits and hyphens', 'pay-ments-01', true],
  ['upper case, since hosts fold case', 'Payments', true],
  ['a leading digit', '1payments', false],
  ['a leading hyphen', '-payments', false],
  ['an underscore', 'pay_ments', false],
  ['a dot, which would be another DNS label', 'pay.ments', false],
  ['a non-ASCII letter', 'paymënts', false],
  ['a trailing newline', 'payments\n', false],
  ['the empty string', '', false],
] as const

for (const [name, input, want] of vaultNames) {
  test(`KV-4: isVaultName is ${want} for ${name}`, () => assert.equal(isVaultName(input), want))
}

const secretNames = [
  ['a name with a hyphen is its own key', 'db-password', 'db-password'],
  ['mixed case folds to lower case', 'DB-Password', 'db-password'],
  ['a single digit is a name', '0', '0'],
  ['127 characters, the longest', 'x'.repeat(127), 'x'.repeat(127)],
] as const

for (const [name, input, want] of secretNames) {
  test(`KV-33: secretNameKey: ${name}`, () => assert.equal(secretNameKey(input), want))
}

const badSecretNames = [
  ['the empty name', ''],
  ['128 characters, one too many', 'x'.repeat(128)],
  ['an underscore', 'db_password'],
  ['a dot', 'db.password'],
  ['a space', 'db password'],
  ['a slash', 'db/password'],
  ['a percent escape left undecoded', 'db%2Dpassword'],
  ['a non-ASCII letter', 'pässword'],
  ['a trailing newline', 'db-password\n'],
] as const

for (const [name, input] of badSecretNames) {
  test(`KV-33: secretNameKey refuses ${name} with 400 BadParameter`, () => {
    assert.throws(() => secretNameKey(input), badParameter(/invalid name/))
  })
}

test('KV-33: the refusal quotes the name as JSON and cuts a long one short', () => {
  assert.throws(() => secretNameKey('db_password'), badParameter(/"db_password"/))
  assert.throws(
    () => secretNameKey('_'.repeat(10_000)),
    (error: Error) => error.message.length < 250,
  )
})

const versions = [
  ['32 lower-case hex characters', '0f8e1c2b3a4d5e6f708192a3b4c5d6e7', true],
  ['upper-case hex', '0F8E1C2B3A4D5E6F708192A3B4C5D6E7', false],
  ['31 characters', '0f8e1c2b3a4d5e6f708192a3b4c5d6e', false],
  ['33 characters', '0f8e1c2b3a4d5e6f708192a3b4c5d6e70', false],
  ['a non-hex letter', '0f8e1c2b3a4d5e6f708192a3b4c5d6eg', false],
  ['the empty segment of /secrets/{name}/ (KV-35)', '', false],
  ['the reserved word versions (KV-50)', 'versions', false],
  ['the reserved word backup (KV-50)', 'backup', false],
  ['the reserved word restore (KV-50)', 'restore', false],
  ['the reserved word recover (KV-50)', 'recover', false],
] as const

for (const [name, input, want] of versions) {
  test(`KV-34: isVersionId is ${want} for ${name}`, () => assert.equal(isVersionId(input), want))
}

const RESOURCE_HOST = 'vault.example.com'
const hosts = [
  ['KV-1: a vault host', 'payments.vault.example.com', RESOURCE_HOST, 'payments'],
  ['KV-2: a vault host with a port', 'payments.vault.example.com:8443', RESOURCE_HOST, 'payments'],
  ['KV-6: the dev layout', 'payments.vault.localhost:8443', 'vault.localhost', 'payments'],
  ['KV-4: the host folds case', 'PAYMENTS.Vault.Example.COM', RESOURCE_HOST, 'payments'],
  [
    'KV-4: the resource host folds case',
    'payments.vault.example.com',
    'Vault.Example.com',
    'payments',
  ],
  ['KV-3: the resource host itself is no vault', 'vault.example.com', RESOURCE_HOST, undefined],
  ['KV-3: nor is it with a port', 'vault.example.com:443', RESOURCE_HOST, undefined],
  ['KV-2: an empty label is no vault', '.vault.example.com', RESOURCE_HOST, undefined],
  ['KV-1: two labels are no vault', 'a.payments.vault.example.com', RESOURCE_HOST, undefined],
  ['KV-2: the suffix must follow a dot', 'paymentsvault.example.com', RESOURCE_HOST, undefined],
  [
    'KV-2: the suffix must end the host',
    'payments.vault.example.com.evil.test',
    RESOURCE_HOST,
    undefined,
  ],
  ['KV-5: another domain', 'payments.vault.example.org', RESOURCE_HOST, undefined],
  ['KV-5: an empty Host', '', RESOURCE_HOST, undefined],
  ['KV-5: no Host at all', undefined, RESOURCE_HOST, undefined],
] as const

for (const [name, host, resourceHost, want] of hosts) {
  test(`${name}: vaultNameFromHost(${JSON.stringify(host)}) is ${want}`, () => {
    assert.equal(vaultNameFromHost(host, resourceHost), want)
  })
}
