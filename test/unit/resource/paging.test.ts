import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  decodeSkipToken,
  encodeSkipToken,
  MAX_RESULTS,
  nextLink,
  page,
  parseMaxResults,
} from '../../../src/resource/paging.js'
import { badParameter } from './key_vault_error.js'

/** What the list routes accept as a cursor: a folded secret name (R4, R7). */
const folded = (key: string) => /^[0-9a-z-]{1,127}$/.test(key)
const ORIGIN = 'https://payments.vault.example.com'
const VERSION = '0f8e1c2b3a4d5e6f708192a3b4c5d6e7'

const sizes = [
  ['absent, the default', undefined, 25],
  ['1, the smallest', '1', 1],
  ['10', '10', 10],
  ['25, the largest', '25', 25],
] as const

for (const [name, raw, want] of sizes) {
  test(`KV-60: maxresults ${name} gives pages of ${want}`, () => {
    assert.equal(parseMaxResults(raw), want)
  })
}

test('KV-60: the largest page is 25', () => assert.equal(MAX_RESULTS, 25))

const badSizes = [
  ['0', '0'],
  ['26', '26'],
  ['100', '100'],
  ['a negative number', '-1'],
  ['an explicit plus sign', '+5'],
  ['a fraction', '1.5'],
  ['an exponent', '1e1'],
  ['hex', '0x10'],
  ['a leading space', ' 5'],
  ['a trailing space', '5 '],
  ['a word', 'all'],
  ['an empty value', ''],
  ['a huge number', '9'.repeat(400)],
] as const

for (const [name, raw] of badSizes) {
  test(`KV-60: a maxresults of ${name} is 400 BadParameter`, () => {
    assert.throws(() => parseMaxResults(raw), badParameter(/It must be between 1 and 25\.$/))
  })
}

test('KV-60: the refusal quotes at most 20 characters of the value', () => {
  assert.throws(
    () => parseMaxResults('9'.repeat(400)),
    badParameter(/^Invalid maxresults: "9{20}"\./),
  )
})

const cursors = [
  ['a folded secret name', 'db-password'],
  ['a one-character name', 'a'],
  ['a 127-character name', 'z'.repeat(127)],
  ['a version id (R5)', VERSION],
  ['a key outside ASCII', 'pässwörd'],
] as const

for (const [name, key] of cursors) {
  test(`KV-63: a skip token carries ${name} and reads back unchanged`, () => {
    const token = encodeSkipToken(key)
    assert.match(token, /^wk1\.[A-Za-z0-9_-]+$/)
    assert.equal(
      decodeSkipToken(token, () => true),
      key,
    )
  })
}

test('KV-63: a skip token does not spell out its cursor', () => {
  assert.equal(encodeSkipToken('db-password').includes('db-password'), false)
})

test('KV-63: without a skip token the list starts at the beginning, unchecked', () => {
  const seen: string[] = []
  const valid = (key: string) => {
    seen.push(key)
    return false
  }
  assert.equal(decodeSkipToken(undefined, valid), undefined)
  assert.deepEqual(seen, [])
})

test('KV-63: the route decides which cursors are valid, and sees the decoded key', () => {
  const seen: string[] = []
  const valid = (key: string) => {
    seen.push(key)
    return folded(key)
  }
  assert.equal(decodeSkipToken(encodeSkipToken('db-password'), valid), 'db-password')
  assert.deepEqual(seen, ['db-password'])
})

const badTokens = [
  ['a bare name without the prefix', 'db-password'],
  ['an empty token', ''],
  ['the prefix alone', 'wk1.'],
  ['another prefix', `wk2.${Buffer.from('db-password').toString('base64url')}`],
  ['a cursor the route refuses (upper case)', encodeSkipToken('DB-Password')],
  ['a cursor the route refuses (underscore)', encodeSkipToken('db_password')],
  ['a cursor that is not UTF-8', `wk1.${Buffer.from([0xff, 0xfe]).toString('base64url')}`],
  ['an offset, as other services use', '25'],
] as const

for (const [name, raw] of badTokens) {
  test(`KV-63: ${name} is 400 BadParameter`, () => {
    assert.throws(() => decodeSkipToken(raw, folded), badParameter('Invalid $skiptoken.'))
  })
}

const links = [
  ['R4 with the default page size', ORIGIN, '/secrets', '2025-07-01', 'db-password', undefined],
  ["R4 with the caller's maxresults", ORIGIN, '/secrets', '7.5', 'db-password', '5'],
  [
    'R7 on a dev origin with a port',
    'https://payments.vault.localhost:8443',
    '/deletedsecrets',
    '7.3',
    'api-key',
    '1',
  ],
  [
    'R5 with a version cursor',
    ORIGIN,
    '/secrets/DB-Password/versions',
    '2025-07-01',
    VERSION,
    '25',
  ],
] as const

for (const [name, origin, path, apiVersion, last, maxResults] of links) {
  test(`KV-61: nextLink for ${name} is absolute on the vault origin and reads back`, () => {
    const link = nextLink(origin, path, apiVersion, last, maxResults)
    assert.ok(link.startsWith(`${origin}${path}?`), link)
    assert.ok(
      link.includes('&$skiptoken=wk1.'),
      `a literal $skiptoken, as Key Vault writes: ${link}`,
    )
    const url = new URL(link)
    assert.equal(url.origin, origin)
    assert.equal(url.pathname, path)
    assert.equal(url.hash, '')
    const want = [
      ['api-version', apiVersion],
      ['$skiptoken', encodeSkipToken(last)],
      ...(maxResults === undefined ? [] : [['maxresults', maxResults]]),
    ]
    assert.deepEqual([...url.searchParams], want)
    assert.equal(
      decodeSkipToken(url.searchParams.get('$skiptoken') ?? undefined, () => true),
      last,
    )
  })
}

const render = (row: string) => ({ name: row })
const linkTo = (last: string) => `next after ${last}`
const letters = (count: number) => 'abcdefghij'.slice(0, count).split('')

const pages = [
  ['an empty list is a page with value [] and no link', [], 25, { value: [], nextLink: null }],
  [
    'fewer rows than the limit make the last page',
    letters(3),
    5,
    { value: letters(3).map(render), nextLink: null },
  ],
  [
    'exactly the limit makes the last page',
    letters(5),
    5,
    { value: letters(5).map(render), nextLink: null },
  ],
  [
    'one row past the limit links on from the last row shown',
    letters(6),
    5,
    { value: letters(5).map(render), nextLink: 'next after e' },
  ],
  [
    'a page of one links on from that one row',
    letters(2),
    1,
    { value: [render('a')], nextLink: 'next after a' },
  ],
] as const

for (const [name, rows, limit, want] of pages) {
  test(`KV-61: ${name}`, () => assert.deepEqual(page(rows, limit, render, linkTo), want))
}
