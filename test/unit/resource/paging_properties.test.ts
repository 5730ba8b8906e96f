// Properties of paging (KV-60, KV-61, KV-63): skip tokens round-trip and arbitrary tokens fail
// only with BadParameter; paging.test.ts pins the named cases. Run bounds and replay:
// test/support/properties.ts.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { KeyVaultError } from '../../../src/errors/index.js'
import {
  decodeSkipToken,
  encodeSkipToken,
  MAX_RESULTS,
  nextLink,
  parseMaxResults,
} from '../../../src/resource/paging.js'
import { returnsOrThrows, runs, trickyString } from '../../support/properties.js'

/** The route's cursor check: a folded secret name (R4, R7). */
const folded = (key: string) => /^[0-9a-z-]{1,127}$/.test(key)
const foldedName = fc.stringMatching(/^[0-9a-z-]{1,127}$/)
/** Well-formed Unicode: UTF-8 cannot carry a lone surrogate, and cursors are secret names. */
const anyKey = fc.string({ unit: 'grapheme', maxLength: 60 })

test('KV-63: a skip token decodes to the key it was made from', () => {
  fc.assert(
    fc.property(fc.oneof(foldedName, anyKey), (key) => {
      const token = encodeSkipToken(key)
      assert.match(token, /^wk1\.[A-Za-z0-9_-]*$/, 'URL-safe as it stands')
      assert.equal(
        decodeSkipToken(token, () => true),
        key,
      )
    }),
    runs(300),
  )
})

const tokens = fc.oneof(
  trickyString,
  trickyString.map((s) => `wk1.${s}`),
  anyKey.map((k) => `wk1.${Buffer.from(k).toString('base64')}`),
  foldedName.map(encodeSkipToken),
)

test('KV-63: any skip token yields a key the route accepts, or BadParameter', () => {
  fc.assert(
    fc.property(tokens, (raw) => {
      const key = returnsOrThrows(() => decodeSkipToken(raw, folded), KeyVaultError)
      if (key !== undefined) assert.ok(folded(key))
    }),
    runs(300),
  )
})

test('KV-60: maxresults is an integer from 1 to 25, or BadParameter', () => {
  fc.assert(
    fc.property(fc.oneof(trickyString, fc.integer({ min: -5, max: 1000 }).map(String)), (raw) => {
      const n = returnsOrThrows(() => parseMaxResults(raw), KeyVaultError)
      if (n === undefined) return
      assert.ok(Number.isInteger(n) && n >= 1 && n <= MAX_RESULTS)
      assert.equal(n, Number(raw))
    }),
    runs(300),
  )
})

test('KV-61: a nextLink carries api-version, cursor and page size back as they were', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('7.4', '7.6', '2025-07-01'),
      foldedName,
      fc.option(fc.integer({ min: 1, max: MAX_RESULTS }).map(String), { nil: undefined }),
      (apiVersion, lastKey, maxResults) => {
        const origin = 'https://payments.vault.example.com'
        const link = new URL(nextLink(origin, '/secrets', apiVersion, lastKey, maxResults))
        assert.equal(link.origin + link.pathname, `${origin}/secrets`)
        assert.equal(link.searchParams.get('api-version'), apiVersion)
        assert.equal(decodeSkipToken(link.searchParams.get('$skiptoken') ?? '', folded), lastKey)
        assert.equal(link.searchParams.get('maxresults') ?? undefined, maxResults)
      },
    ),
    runs(200),
  )
})
