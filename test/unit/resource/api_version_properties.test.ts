// Properties of the `api-version` and single-valued query checks (KV-30, KV-31) over arbitrary
// query objects; api_version.test.ts pins the named cases. Run bounds and replay:
// test/support/properties.ts.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { KeyVaultError } from '../../../src/errors/index.js'
import { checkApiVersion, queryValue } from '../../../src/resource/api_version.js'
import { jsonLike, returnsOrThrows, runs, trickyString } from '../../support/properties.js'

/** A query member as a parser may hand it over: a string, repeated strings, or anything. */
const queryMember = fc.oneof(
  fc.constantFrom('7.4', '7.6', '2025-07-01', '7.', '7.10', ' 7.4', '7.4\n', '2025-07-01 '),
  trickyString,
  fc.array(fc.constantFrom('7.4', '7.5'), { minLength: 2, maxLength: 3 }),
  jsonLike,
)
const query = fc.dictionary(fc.constantFrom('api-version', 'maxresults', '$skiptoken'), queryMember)

test('KV-30, KV-31: any query yields a supported api-version, as sent, or a KeyVaultError', () => {
  fc.assert(
    fc.property(query, (q) => {
      const version = returnsOrThrows(() => checkApiVersion(q), KeyVaultError)
      if (version === undefined) return
      assert.equal(version, q['api-version'])
      assert.match(version, /^(7\.\d|2025-07-01)$/)
    }),
    runs(300),
  )
})

test('KV-30: a query member is a single string, absent, or a KeyVaultError', () => {
  fc.assert(
    fc.property(query, fc.constantFrom('api-version', 'maxresults', 'other'), (q, name) => {
      const value = returnsOrThrows(() => queryValue(q, name), KeyVaultError)
      if (value !== undefined) assert.equal(value, q[name])
    }),
    runs(300),
  )
})
