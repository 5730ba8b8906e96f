// Properties of assertion decoding and header checks (rows 15 and 21 of sts.md §7) over arbitrary
// strings and JWT-shaped tokens; assertion.test.ts pins the named cases. Run bounds and replay:
// test/support/properties.ts.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { EntraError } from '../../../src/errors/index.js'
import { checkAssertionHeader, parseAssertion } from '../../../src/sts/federation/assertion.js'
import { jsonLike, returnsOrThrows, runs, trickyString } from '../../support/properties.js'

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const jwt = (header: unknown, payload: unknown, signature = 'c2ln') =>
  `${segment(header)}.${segment(payload)}.${signature}`

const claimValue = fc.oneof(jsonLike, trickyString, fc.double(), fc.array(trickyString))
const header = fc.record(
  {
    alg: fc.oneof(fc.constantFrom('RS256', 'ES256', 'none', 'HS256', 'hs256', 'NONE'), claimValue),
    kid: claimValue,
    jwk: jsonLike,
    jku: fc.constant('https://evil.example/jwks'),
    crit: fc.constant(['exp']),
  },
  { requiredKeys: [] },
)
const payload = fc.record(
  {
    iss: claimValue,
    sub: claimValue,
    aud: claimValue,
    exp: claimValue,
    nbf: claimValue,
    iat: claimValue,
  },
  { requiredKeys: [] },
)
const token = fc.oneof(
  trickyString,
  fc.tuple(header, payload).map(([h, p]) => jwt(h, p)),
  fc.tuple(jsonLike, jsonLike).map(([h, p]) => jwt(h, p)),
  fc.array(trickyString, { minLength: 2, maxLength: 5 }).map((parts) => parts.join('.')),
)

test('row 15: any string is decoded to typed claims or refused with an EntraError', () => {
  fc.assert(
    fc.property(token, (t) => {
      const parsed = returnsOrThrows(() => parseAssertion(t), EntraError)
      if (parsed === undefined) return
      const { header: h, claims } = parsed
      assert.equal(typeof h.alg, 'string')
      assert.ok(h.kid === undefined || typeof h.kid === 'string')
      assert.equal(typeof claims.iss, 'string')
      assert.equal(typeof claims.sub, 'string')
      assert.ok(Array.isArray(claims.aud) && claims.aud.every((a) => typeof a === 'string'))
      for (const time of [claims.exp, claims.nbf ?? 0, claims.iat ?? 0]) {
        assert.ok(Number.isFinite(time))
      }
    }),
    runs(400),
  )
})

test('STS-71: well-typed claims come back as sent, a string aud as a one-element array', () => {
  const time = fc.integer({ min: 0, max: 2 ** 40 })
  fc.assert(
    fc.property(
      fc.string(),
      fc.string(),
      fc.oneof(fc.string(), fc.array(fc.string())),
      time,
      (iss, sub, aud, exp) => {
        const { claims } = parseAssertion(jwt({ alg: 'RS256' }, { iss, sub, aud, exp }))
        assert.deepEqual(claims, { iss, sub, aud: typeof aud === 'string' ? [aud] : aud, exp })
      },
    ),
    runs(200),
  )
})

const REFUSED = ['jku', 'x5u', 'jwk', 'x5c', 'crit']

test('row 21: a header passes exactly when its alg is allowed, not HMAC or none, and it names no key', () => {
  const allowed = fc.subarray(['RS256', 'ES256', 'HS256', 'none', 'PS256'])
  fc.assert(
    fc.property(token, allowed, (t, algs) => {
      const parsed = returnsOrThrows(() => parseAssertion(t), EntraError)
      if (parsed === undefined) return
      const { alg } = parsed.header
      const want =
        algs.includes(alg) &&
        !/^(none|HS)/i.test(alg) &&
        !REFUSED.some((p) => Object.hasOwn(parsed.header, p))
      let passed = true
      try {
        checkAssertionHeader(parsed.header, algs)
      } catch (error) {
        assert.ok(error instanceof EntraError, String(error))
        passed = false
      }
      assert.equal(passed, want)
    }),
    runs(300),
  )
})
