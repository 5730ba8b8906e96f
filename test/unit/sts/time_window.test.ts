import assert from 'node:assert/strict'
import { test } from 'node:test'
import { EntraError } from '../../../src/errors/index.js'
import { checkTimeWindow, type AssertionTimes } from '../../../src/sts/federation/time_window.js'

const NOW = 1_772_350_867 // 2026-03-01T07:41:07Z
const HOUR = 3600
const fresh: AssertionTimes = { iat: NOW - 60, nbf: NOW - 60, exp: NOW + HOUR }

const passes: readonly (readonly [string, AssertionTimes])[] = [
  ['row 24: a token issued a minute ago for an hour is valid', fresh],
  ['row 24: nbf up to 300 s ahead is tolerated as skew', { nbf: NOW + 300, exp: NOW + HOUR }],
  ['row 24: exp up to 299 s past is tolerated as skew', { iat: NOW - HOUR, exp: NOW - 299 }],
  ['row 24: without nbf there is no lower bound', { exp: NOW + 60 }],
  ['row 25: a 25-hour lifetime is the longest accepted', { iat: NOW - 60, exp: NOW - 60 + 90_000 }],
  [
    'row 25: nbf measures the lifetime when iat is absent',
    { nbf: NOW - 60, exp: NOW - 60 + 90_000 },
  ],
]

for (const [name, times] of passes) {
  test(name, () => assert.doesNotThrow(() => checkTimeWindow(times, NOW)))
}

const fails: readonly (readonly [string, AssertionTimes, number, RegExp])[] = [
  [
    'row 24: nbf 301 s ahead is too early',
    { nbf: NOW + 301, exp: NOW + HOUR },
    700024,
    /not valid for another 301 s/,
  ],
  [
    'row 24: exp exactly 300 s past has expired',
    { iat: NOW - HOUR, exp: NOW - 300 },
    700024,
    /expired 300 s ago/,
  ],
  [
    'row 24: a day-old token has expired',
    { iat: NOW - 86_400, exp: NOW - 86_400 + HOUR },
    700024,
    /expired 82800 s ago/,
  ],
  [
    'row 25: a lifetime of 25 h and 1 s is too long',
    { iat: NOW, exp: NOW + 90_001 },
    70023,
    /exp − iat is 90001 s, more than 90000 s/,
  ],
  [
    'row 25: iat wins over nbf for the lifetime',
    { iat: NOW - 10, nbf: NOW + 10, exp: NOW + 89_995 },
    70023,
    /exp − iat is 90005 s/,
  ],
  [
    'row 25: without iat and nbf the lifetime runs from now (wifkit choice)',
    { exp: NOW + 90_001 },
    70023,
    /exp − now is 90001 s/,
  ],
  [
    'rows 24 before 25: an expired, overlong token reports expiry',
    { iat: NOW - 200_000, exp: NOW - 1000 },
    700024,
    /expired/,
  ],
]

for (const [name, times, code, detail] of fails) {
  test(name, () => {
    assert.throws(
      () => checkTimeWindow(times, NOW),
      (e: unknown) => {
        assert.ok(e instanceof EntraError)
        assert.equal(e.aadsts, code)
        assert.equal(e.status, 401)
        assert.equal(e.error, 'invalid_client')
        assert.match(e.detail ?? '', detail)
        return true
      },
    )
  })
}

test('row 24: the description gives now, valid-from and expiry as Entra prints them', () => {
  assert.throws(
    () => checkTimeWindow({ iat: NOW - 2 * HOUR, nbf: NOW - 2 * HOUR, exp: NOW - HOUR }, NOW),
    {
      message:
        'AADSTS700024: Client assertion is not within its valid time range. ' +
        'Current time: 2026-03-01T07:41:07.0000000Z, assertion valid from 2026-03-01T05:41:07.0000000Z, ' +
        'expiry time of assertion 2026-03-01T06:41:07.0000000Z.',
    },
  )
})

test('rows 24 and 25: the skew and the maximum lifetime are options', () => {
  const options = { skewSeconds: 0, maxAssertionLifetimeSeconds: HOUR }
  assert.throws(() => checkTimeWindow({ exp: NOW }, NOW, options), { aadsts: 700024 })
  assert.throws(() => checkTimeWindow({ iat: NOW, exp: NOW + HOUR + 1 }, NOW, options), {
    aadsts: 70023,
  })
  assert.doesNotThrow(() => checkTimeWindow({ iat: NOW, exp: NOW + HOUR }, NOW, options))
})
