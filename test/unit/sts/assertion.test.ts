import assert from 'node:assert/strict'
import { test } from 'node:test'
import { base64url } from 'jose'
import { EntraError } from '../../../src/errors/index.js'
import {
  checkAssertionHeader,
  parseAssertion,
  type AssertionHeader,
} from '../../../src/sts/federation/assertion.js'

const part = (value: unknown) => base64url.encode(JSON.stringify(value))
const SIGNATURE = base64url.encode('not-a-real-signature')
const jwt = (header: unknown, payload: unknown, signature = SIGNATURE) =>
  `${part(header)}.${part(payload)}.${signature}`

const without = (o: object, ...keys: string[]) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)))

const header = { alg: 'RS256', kid: 'k1', typ: 'JWT' }
const claims = {
  iss: 'https://oidc.example.test',
  sub: 'system:serviceaccount:pay:api',
  aud: 'api://AzureADTokenExchange',
  exp: 1_772_350_867,
  nbf: 1_772_347_267,
  iat: 1_772_347_267,
  jti: 'j-1',
}

test('row 15: a well-formed assertion decodes, aud string becoming an array (STS-71)', () => {
  assert.deepEqual(parseAssertion(jwt(header, claims)), {
    header,
    claims: {
      iss: claims.iss,
      sub: claims.sub,
      aud: ['api://AzureADTokenExchange'],
      exp: claims.exp,
      nbf: claims.nbf,
      iat: claims.iat,
    },
  })
})

test('row 15: an aud array is kept, and nbf and iat are optional', () => {
  const rest = without(claims, 'nbf', 'iat')
  const parsed = parseAssertion(jwt({ alg: 'RS256' }, { ...rest, aud: ['a', 'b'] }))
  assert.deepEqual(parsed.claims, {
    iss: claims.iss,
    sub: claims.sub,
    aud: ['a', 'b'],
    exp: claims.exp,
  })
  assert.deepEqual(parsed.header, { alg: 'RS256' })
})

const withoutExp = without(claims, 'exp')
const withoutIss = without(claims, 'iss')

const malformed: readonly (readonly [string, string])[] = [
  ['two segments', `${part(header)}.${part(claims)}`],
  ['four segments', `${jwt(header, claims)}.x`],
  ['five segments (a JWE)', `${part(header)}.a.b.c.d`],
  ['an empty string', ''],
  ['a header that is not base64url', `!!!.${part(claims)}.${SIGNATURE}`],
  ['a payload that is not base64url', `${part(header)}.$$$.${SIGNATURE}`],
  ['a header that is not JSON', `${base64url.encode('{alg:RS256')}.${part(claims)}.${SIGNATURE}`],
  ['a payload that is a JSON array', jwt(header, [claims])],
  ['an empty payload', `${part(header)}..${SIGNATURE}`],
  ['a header without alg', jwt({ kid: 'k1' }, claims)],
  ['a numeric alg', jwt({ alg: 256 }, claims)],
  ['a numeric kid', jwt({ alg: 'RS256', kid: 7 }, claims)],
  ['no iss', jwt(header, withoutIss)],
  ['a numeric sub', jwt(header, { ...claims, sub: 42 })],
  ['a numeric aud', jwt(header, { ...claims, aud: 7 })],
  ['an aud array holding a number', jwt(header, { ...claims, aud: ['a', 7] })],
  ['a missing exp', jwt(header, withoutExp)],
  ['a string exp', jwt(header, { ...claims, exp: '1772350867' })],
  ['a string nbf', jwt(header, { ...claims, nbf: 'yesterday' })],
  ['a null iat', jwt(header, { ...claims, iat: null })],
]

for (const [name, token] of malformed) {
  test(`row 15: ${name} is AADSTS50027 invalid_request`, () => {
    assert.throws(
      () => parseAssertion(token),
      (e: unknown) => {
        assert.ok(e instanceof EntraError)
        assert.equal(e.aadsts, 50027)
        assert.equal(e.status, 400)
        assert.equal(e.error, 'invalid_request')
        assert.equal(e.message, 'AADSTS50027: JWT token is invalid or malformed.')
        assert.ok(e.detail !== undefined && !e.detail.includes(token || '\0'))
        return true
      },
    )
  })
}

const refused: readonly (readonly [
  string,
  AssertionHeader,
  readonly string[] | undefined,
  string,
])[] = [
  ['alg none', { alg: 'none' }, undefined, "the algorithm 'none'"],
  [
    'alg None even if configuration lists it',
    { alg: 'None' },
    ['RS256', 'None'],
    "the algorithm 'None'",
  ],
  [
    'alg HS256 even if configuration lists it',
    { alg: 'HS256' },
    ['RS256', 'HS256'],
    "the algorithm 'HS256'",
  ],
  ['alg ES256 when EC is not enabled', { alg: 'ES256' }, undefined, "the algorithm 'ES256'"],
  ['alg rs256 (algs are case-sensitive)', { alg: 'rs256' }, undefined, "the algorithm 'rs256'"],
  [
    'a jku header',
    { alg: 'RS256', jku: 'https://evil.test/jwks' },
    undefined,
    "header parameter 'jku'",
  ],
  [
    'an x5u header',
    { alg: 'RS256', x5u: 'https://evil.test/cert' },
    undefined,
    "header parameter 'x5u'",
  ],
  [
    'an embedded jwk',
    { alg: 'RS256', jwk: { kty: 'RSA', n: 'x', e: 'AQAB' } },
    undefined,
    "header parameter 'jwk'",
  ],
  ['an embedded x5c chain', { alg: 'RS256', x5c: ['MIIB'] }, undefined, "header parameter 'x5c'"],
  ['a crit header', { alg: 'RS256', crit: ['exp'] }, undefined, "header parameter 'crit'"],
]

for (const [name, h, allowed, says] of refused) {
  test(`row 21: ${name} is refused with AADSTS700027 invalid_client`, () => {
    assert.throws(
      () => checkAssertionHeader(h, allowed),
      (e: unknown) => {
        assert.ok(e instanceof EntraError)
        assert.equal(e.aadsts, 700027)
        assert.equal(e.status, 401)
        assert.equal(e.error, 'invalid_client')
        assert.ok(e.message.includes(says), e.message)
        return true
      },
    )
  })
}

const allowed: readonly (readonly [string, AssertionHeader, readonly string[] | undefined])[] = [
  ['RS256 by default', { alg: 'RS256', kid: 'k1', typ: 'JWT' }, undefined],
  ['RS256 without a kid (STS-81)', { alg: 'RS256' }, undefined],
  ['ES256 once enabled', { alg: 'ES256' }, ['RS256', 'ES256']],
]

for (const [name, h, algs] of allowed) {
  test(`row 21: ${name} passes`, () => {
    assert.doesNotThrow(() => checkAssertionHeader(h, algs))
  })
}

test('row 15 then 21: a decoded alg none header reaches row 21 and fails there', () => {
  const { header: h } = parseAssertion(jwt({ alg: 'none' }, claims, ''))
  assert.throws(() => checkAssertionHeader(h), { aadsts: 700027 })
})

/** A well-formed assertion whose `jti` pads it to exactly `bytes` bytes. */
function paddedTo(bytes: number): string {
  const base = jwt(header, { ...claims, jti: '' }).length
  // base64url grows 4 characters per 3 bytes of JSON; 3 characters of padding per 4 bytes.
  const token = jwt(header, { ...claims, jti: 'x'.repeat(Math.floor(((bytes - base) * 3) / 4)) })
  return token + 'A'.repeat(bytes - token.length)
}

const lengthCases: [string, number, number, boolean][] = [
  ['an assertion of exactly the maximum length decodes', 16 * 1024, 16 * 1024, true],
  ['an assertion one byte over the default 16 KiB is refused', 16 * 1024 + 1, 16 * 1024, false],
  ['a configured maximum applies', 2048, 2000, false],
]
for (const [name, bytes, maxBytes, decodes] of lengthCases) {
  test(`row 15, #9 item 1: ${name}`, () => {
    const token = paddedTo(bytes)
    assert.equal(token.length, bytes)
    if (decodes) {
      assert.equal(parseAssertion(token, maxBytes).claims.iss, claims.iss)
      return
    }
    assert.throws(
      () => parseAssertion(token, maxBytes),
      (e: unknown) => {
        assert.ok(e instanceof EntraError)
        assert.equal(e.aadsts, 50027)
        assert.equal(e.detail, `assertion is ${bytes} bytes, more than ${maxBytes}`)
        return true
      },
    )
  })
}

test('#9 item 4, row 15: a member repeated in the header or the payload is malformed (RFC 7515 §5.2)', () => {
  const raw = (json: string) => base64url.encode(json)
  const payload = JSON.stringify(claims)
  const repeatedSub = `{"sub":"system:serviceaccount:kube-system:admin",${payload.slice(1)}`
  const forged = [
    `${part(header)}.${raw(repeatedSub)}.${SIGNATURE}`,
    `${raw('{"alg":"none","alg":"RS256"}')}.${part(claims)}.${SIGNATURE}`,
  ]
  for (const assertion of forged) {
    assert.throws(
      () => parseAssertion(assertion),
      (e: unknown) => e instanceof EntraError && e.aadsts === 50027,
    )
  }
})
