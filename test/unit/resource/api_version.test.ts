import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkApiVersion, queryValue } from '../../../src/resource/api_version.js'
import { badParameter } from './key_vault_error.js'

const accepted = [
  ['2025-07-01, the JS SDK default', '2025-07-01'],
  ['7.5, the previous JS SDK default', '7.5'],
  ['7.3, the Python SDK default', '7.3'],
  ['7.6, another 7.x', '7.6'],
  ['7.4, another 7.x', '7.4'],
] as const

for (const [name, version] of accepted) {
  test(`KV-31: api-version ${name} is accepted and returned for nextLinks`, () => {
    assert.equal(checkApiVersion({ 'api-version': version, maxresults: '5' }), version)
  })
}

test('KV-31: a missing api-version is 400 BadParameter', () => {
  assert.throws(() => checkApiVersion({}), badParameter(/api-version query parameter is required/))
})

const unsupported = [
  ['8.0', '8.0'],
  ['6.9', '6.9'],
  ['the bare major 7', '7'],
  ['7. without a minor', '7.'],
  ['a neighbouring date', '2025-07-02'],
  ['a suffix after the date', '2025-07-01x'],
  ['a prefix before the version', 'v7.5'],
  ['a leading space', ' 7.5'],
  ['a trailing space', '7.5 '],
  ['a trailing newline', '7.5\n'],
  ['an empty value', ''],
  ['a repeated parameter (an array)', ['7.5', '7.5']],
  ['a one-element array', ['7.5']],
  ['a number', 7.5],
  ['null', null],
  // Found by api_version_properties.test.ts (issue #9): String() of this object throws.
  ['an object whose toString is no function', { toString: [] }],
] as const

for (const [name, version] of unsupported) {
  test(`KV-31: an api-version of ${name} is 400 BadParameter`, () => {
    assert.throws(() => checkApiVersion({ 'api-version': version }), badParameter(/not supported/))
  })
}

test('KV-31: the refusal quotes at most 40 characters of the value', () => {
  assert.throws(
    () => checkApiVersion({ 'api-version': `7.5${'x'.repeat(10_000)}` }),
    badParameter(
      /^The specified api-version "7\.5x{37}" is not supported; use 2025-07-01 or 7\.x\.$/,
    ),
  )
})

const single = [
  ['a single value is returned', { maxresults: '5' }, '5'],
  ['an empty value is returned as is', { maxresults: '' }, ''],
  ['an absent member is undefined', {}, undefined],
  ['other members, repeated or not, do not matter', { a: ['1', '2'], maxresults: '7' }, '7'],
] as const

for (const [name, query, want] of single) {
  test(`KV-60: queryValue: ${name}`, () => assert.equal(queryValue(query, 'maxresults'), want))
}

test('KV-63: a repeated query member is 400 BadParameter', () => {
  assert.throws(
    () => queryValue({ $skiptoken: ['wk1.YQ', 'wk1.Yg'] }, '$skiptoken'),
    badParameter('The query parameter $skiptoken may appear only once.'),
  )
})
