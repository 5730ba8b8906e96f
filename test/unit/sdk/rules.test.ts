// The SDK's pure rules: renewal time (WL-63), retry delays (WL-65), the CAE claims value (sts.md
// §5.5) and the success body (CL-30…CL-35).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { requestClaims } from '../../../src/sdk/claims.js'
import { retryDelayMs } from '../../../src/sdk/retry_delay.js'
import { cacheKey, renewAtMs } from '../../../src/sdk/token_cache.js'
import { parseTokenResponse, toAccessToken } from '../../../src/sdk/token_response.js'

const T = 1_800_000_000_000

const renewals = [
  ['no refresh_in: 300 s before expiry', { expiresOnTimestamp: T + 3_600_000 }, T + 3_300_000],
  [
    'refresh_in earlier than the margin wins',
    { expiresOnTimestamp: T + 7_200_000, refreshAfterTimestamp: T + 3_600_000 },
    T + 3_600_000,
  ],
  [
    'the margin earlier than refresh_in wins',
    { expiresOnTimestamp: T + 3_600_000, refreshAfterTimestamp: T + 3_500_000 },
    T + 3_300_000,
  ],
] as const
for (const [name, times, want] of renewals) {
  test(`WL-63: ${name}`, () => {
    assert.equal(renewAtMs({ token: 'x', tokenType: 'Bearer', ...times }), want)
  })
}

test('CL-50: the cache key separates tenant, client, scopes and CAE, not client id case', () => {
  const key = cacheKey('t', 'ABC', ['s'], false)
  assert.equal(key, cacheKey('t', 'abc', ['s'], false))
  assert.notEqual(key, cacheKey('u', 'abc', ['s'], false))
  assert.notEqual(key, cacheKey('t', 'abc', ['s', 'r'], false))
  assert.notEqual(key, cacheKey('t', 'abc', ['s'], true))
})

const delays = [
  ['first retry without Retry-After', 0, null, 1000],
  ['third retry without Retry-After', 2, null, 4000],
  ['Retry-After in seconds', 0, '3', 3000],
  ['Retry-After zero', 1, '0', 0],
  ['Retry-After as an HTTP date', 0, new Date(T + 5000).toUTCString(), 5000],
  ['Retry-After in the past', 0, new Date(T - 5000).toUTCString(), 0],
  ['Retry-After capped at a minute', 0, '3600', 60_000],
  ['Retry-After unreadable', 1, 'soon', 2000],
] as const
for (const [name, retry, header, want] of delays) {
  test(`WL-65: ${name}`, () => assert.equal(retryDelayMs(retry, header, T), want))
}

const CP1 = { xms_cc: { values: ['cp1'] } }
const claims = [
  ['no CAE, no challenge', false, undefined, undefined],
  ['no CAE, a challenge passes as is', false, '{"a":1}', '{"a":1}'],
  ['CAE alone', true, undefined, JSON.stringify({ access_token: CP1 })],
  [
    'CAE merged into a challenge',
    true,
    '{"access_token":{"nbf":{"essential":true,"value":"1"}}}',
    JSON.stringify({ access_token: { nbf: { essential: true, value: '1' }, ...CP1 } }),
  ],
  ['CAE with a challenge that is not JSON', true, 'not json', 'not json'],
] as const
for (const [name, cae, challenge, want] of claims) {
  test(`sts.md §5.5: ${name}`, () => assert.equal(requestClaims(cae, challenge), want))
}

test('CL-33, CL-34: a good body becomes a Bearer AccessToken with refreshAfterTimestamp', () => {
  const body = { token_type: 'bearer', expires_in: 7200, refresh_in: '3600', access_token: 'at' }
  const parsed = parseTokenResponse(body)
  assert.deepEqual(parsed, {
    token_type: 'Bearer',
    access_token: 'at',
    expires_in: 7200,
    refresh_in: 3600,
  })
  assert.ok(typeof parsed !== 'string')
  assert.deepEqual(toAccessToken(parsed, T), {
    token: 'at',
    expiresOnTimestamp: T + 7_200_000,
    refreshAfterTimestamp: T + 3_600_000,
    tokenType: 'Bearer',
  })
})

const badBodies = [
  ['not an object', 'text', 'not a JSON object'],
  ['an empty access_token', { access_token: '', expires_in: 1 }, 'no access_token'],
  ['a fractional expires_in', { access_token: 'a', expires_in: 1.5 }, 'no integer expires_in'],
  ['a pop token', { access_token: 'a', expires_in: 1, token_type: 'pop' }, "'pop' is not Bearer"],
  // Found by sdk_properties.test.ts (issue #9): String() of this token_type threw a TypeError.
  [
    'a token_type object whose toString is no function',
    { access_token: 'a', expires_in: 1, token_type: { toString: 0 } },
    `'{"toString":0}' is not Bearer`,
  ],
] as const
for (const [name, body, problem] of badBodies) {
  test(`CL-30…CL-33: ${name} is refused`, () => {
    const result = parseTokenResponse(body)
    assert.equal(typeof result, 'string')
    assert.ok(String(result).includes(problem), String(result))
  })
}
