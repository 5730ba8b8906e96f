import assert from 'node:assert/strict'
import { test } from 'node:test'
import { KeyVaultError } from '../../../src/errors/index.js'
import { challengeHeader, MISSING_TOKEN, unauthorized } from '../../../src/resource/challenge.js'

const TENANT = '8d3c2a4e-5b1f-4c9a-9e2d-0a7b6c5d4e3f'
const target = {
  authority: 'https://login.example.com',
  tenantId: TENANT,
  resource: 'https://vault.example.com',
}
const SPEC_HEADER =
  'Bearer authorization="https://login.example.com/8d3c2a4e-5b1f-4c9a-9e2d-0a7b6c5d4e3f", ' +
  'resource="https://vault.example.com"'

const headers = [
  ['the spec example', 'https://login.example.com', 'https://vault.example.com', SPEC_HEADER],
  [
    'an authority with a trailing slash',
    'https://login.example.com/',
    'https://vault.example.com',
    SPEC_HEADER,
  ],
  [
    'an authority with several trailing slashes',
    'https://login.example.com///',
    'https://vault.example.com',
    SPEC_HEADER,
  ],
  [
    'the dev layout with ports',
    'https://login.localhost:8443',
    'https://vault.localhost:8443',
    `Bearer authorization="https://login.localhost:8443/${TENANT}", resource="https://vault.localhost:8443"`,
  ],
] as const

for (const [name, authority, resource, want] of headers) {
  test(`KV-11: the challenge for ${name} is exactly Bearer authorization="…", resource="…"`, () => {
    assert.equal(challengeHeader(authority, TENANT, resource), want)
  })
}

for (const [name, authority, resource] of headers) {
  test(`KV-13, KV-14: the SDK reads the tenant and the resource back from ${name}`, () => {
    const header = challengeHeader(authority, TENANT, resource)
    // KV-11: the SDK splits on an optional comma and spaces, then takes key="value".
    const params = Object.fromEntries(
      header
        .split(/,? +/)
        .slice(1)
        .map((pair) => /^(\w+)="(.*)"$/.exec(pair)?.slice(1) ?? ['?', pair]),
    )
    assert.deepEqual(Object.keys(params), ['authorization', 'resource'])
    assert.equal(new URL(params.authorization).pathname.substring(1), TENANT)
    assert.equal(params.resource, resource)
  })
}

const reasons = [
  ['KV-15: a missing token', MISSING_TOKEN, undefined],
  [
    'KV-16: a wrong audience',
    'AKV10022: Invalid audience. Expected https://vault.example.com, found: api://other.',
    undefined,
  ],
  [
    'KV-16: a bad signature, with a private detail',
    'AKV10032: Invalid token signature.',
    'kid k1 unknown',
  ],
  ['KV-17: another scheme', MISSING_TOKEN, 'scheme PoP'],
] as const

for (const [name, message, detail] of reasons) {
  test(`${name} is 401 Unauthorized with the same challenge and no private detail on the wire`, () => {
    const error = unauthorized(target, message, detail)
    assert.ok(error instanceof KeyVaultError)
    assert.equal(error.status, 401)
    assert.equal(error.code, 'Unauthorized')
    assert.equal(error.innerCode, undefined)
    assert.equal(error.message, message)
    assert.equal(error.detail, detail)
    assert.deepEqual(error.headers(), { 'www-authenticate': SPEC_HEADER })
    assert.deepEqual(error.render(), { error: { code: 'Unauthorized', message } })
  })
}

test('KV-15: the missing-token body is exactly the spec body', () => {
  assert.equal(
    JSON.stringify(unauthorized(target, MISSING_TOKEN).render()),
    '{"error":{"code":"Unauthorized","message":"AKV10000: Request is missing a Bearer or PoP token."}}',
  )
})

test('KV-18: the challenge never asks for claims', () => {
  const header = unauthorized(target, MISSING_TOKEN).headers()['www-authenticate'] ?? ''
  assert.doesNotMatch(header, /error=|insufficient_claims|claims=/)
})
