// Properties of vault and secret names and hosts (KV-1, KV-2, KV-4, KV-33, KV-34) over arbitrary
// strings; names.test.ts pins the named cases. Run bounds and replay: test/support/properties.ts.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { KeyVaultError } from '../../../src/errors/index.js'
import {
  isVaultName,
  isVersionId,
  secretNameKey,
  vaultNameFromHost,
} from '../../../src/resource/names.js'
import { returnsOrThrows, runs, trickyString } from '../../support/properties.js'

const secretName = fc.stringMatching(/^[0-9a-zA-Z-]{1,127}$/)
const anyName = fc.oneof(
  trickyString,
  secretName,
  fc.constantFrom('..', '%2e%2e', 'a/b', 'x'.repeat(128)),
)

test('KV-33: a secret name is accepted only as 1-127 ASCII letters, digits and dashes', () => {
  fc.assert(
    fc.property(anyName, (name) => {
      const key = returnsOrThrows(() => secretNameKey(name), KeyVaultError)
      assert.equal(key !== undefined, /^[0-9a-zA-Z-]{1,127}$/.test(name))
      if (key === undefined) return
      // The comparison key is the folded name, and folding again changes nothing.
      assert.equal(key, name.toLowerCase())
      assert.equal(secretNameKey(key), key)
    }),
    runs(300),
  )
})

test('KV-4, KV-34: the vault-name and version predicates never throw and agree with their bounds', () => {
  fc.assert(
    fc.property(anyName, (name) => {
      if (isVaultName(name)) {
        assert.ok(name.length >= 3 && name.length <= 24, name)
        assert.ok(isVaultName(name.toUpperCase()), 'vault names fold case')
      }
      if (isVersionId(name)) assert.match(name, /^[0-9a-f]{32}$/)
    }),
    runs(300),
  )
})

const resourceHost = fc.constantFrom('vault.example.com', 'vault.localhost', 'Vault.Example.COM')

test('KV-1, KV-2: a vault read from a Host header is one label of that exact resource host', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc
          .tuple(anyName, resourceHost, fc.option(fc.integer({ min: 0, max: 65535 })))
          .map(([label, host, port]) => `${label}.${host}${port === null ? '' : `:${port}`}`),
        trickyString,
      ),
      resourceHost,
      (host, resourceHostname) => {
        const vault = vaultNameFromHost(host, resourceHostname)
        if (vault === undefined) return
        assert.ok(vault.length > 0 && !vault.includes('.'))
        assert.equal(vault, vault.toLowerCase())
        assert.equal(
          host.replace(/:\d+$/, '').toLowerCase(),
          `${vault}.${resourceHostname.toLowerCase()}`,
        )
      },
    ),
    runs(300),
  )
})
