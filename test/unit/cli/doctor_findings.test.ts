import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  judgeDiscovery,
  judgeSkew,
  jwksKids,
  MAX_CLOCK_SKEW_SECONDS,
  stsIssuerOf,
  summary,
} from '../../../src/cli/doctor/findings.js'

const ISSUER = 'https://wifkit.example/issuers/ci'

const discoveryCases: Array<{
  name: string
  document: unknown
  issuerOk: boolean
  jwksOk: boolean
  says?: RegExp
}> = [
  {
    name: 'an exact issuer and an https jwks_uri pass',
    document: { issuer: ISSUER, jwks_uri: `${ISSUER}/openid/v1/jwks` },
    issuerOk: true,
    jwksOk: true,
  },
  {
    name: 'a trailing slash is a different issuer',
    document: { issuer: `${ISSUER}/`, jwks_uri: `${ISSUER}/openid/v1/jwks` },
    issuerOk: false,
    jwksOk: true,
    says: /compare them exactly/,
  },
  {
    name: 'a case-only difference is a different issuer',
    document: { issuer: ISSUER.toUpperCase(), jwks_uri: `${ISSUER}/openid/v1/jwks` },
    issuerOk: false,
    jwksOk: true,
  },
  {
    name: 'an http jwks_uri fails',
    document: { issuer: ISSUER, jwks_uri: 'http://wifkit.example/jwks' },
    issuerOk: true,
    jwksOk: false,
  },
  {
    name: 'a document that is not an object fails both',
    document: 'not json',
    issuerOk: false,
    jwksOk: false,
  },
  { name: 'null fails both', document: null, issuerOk: false, jwksOk: false },
]

for (const c of discoveryCases) {
  test(`IF-56 discovery: ${c.name}`, () => {
    const [issuer, jwks] = judgeDiscovery('issuer ci', ISSUER, c.document)
    assert.equal(issuer?.ok, c.issuerOk)
    assert.equal(jwks?.ok, c.jwksOk)
    if (c.says) assert.match(issuer?.detail ?? '', c.says)
  })
}

const nowMs = 1_800_000_000_000
const skewCases: Array<{ name: string; iat: number; ok: boolean; says: RegExp }> = [
  { name: 'the same second is no skew', iat: nowMs / 1000, ok: true, says: /^[01] s/ },
  {
    name: 'exactly the limit ahead passes',
    iat: nowMs / 1000 + MAX_CLOCK_SKEW_SECONDS - 1,
    ok: true,
    says: /within/,
  },
  { name: 'two minutes ahead fails', iat: nowMs / 1000 + 120, ok: false, says: /ahead of/ },
  { name: 'two minutes behind fails', iat: nowMs / 1000 - 120, ok: false, says: /behind/ },
]

for (const c of skewCases) {
  test(`IF-56 clock skew: ${c.name}`, () => {
    const finding = judgeSkew('issuer ci', c.iat, nowMs - 50, nowMs + 50)
    assert.equal(finding.ok, c.ok)
    assert.match(finding.detail, c.says)
  })
}

test('IF-56: jwksKids reads kids and refuses what is not a JWKS', () => {
  assert.deepEqual(jwksKids({ keys: [{ kid: 'a' }, { kid: 'b' }, { n: 'x' }] }), ['a', 'b'])
  assert.equal(jwksKids({ keys: 'no' }), undefined)
  assert.equal(jwksKids(null), undefined)
})

test('IF-56: the STS issuer of a tenant ignores a trailing slash on the authority', () => {
  assert.equal(stsIssuerOf('https://a.example/', 't1'), 'https://a.example/t1/v2.0')
})

test('IF-56: the summary counts checks and failures', () => {
  const finding = { check: 'c', target: 't', detail: '' }
  assert.equal(
    summary([
      { ...finding, ok: true },
      { ...finding, ok: false },
    ]),
    '2 checks, 1 failed',
  )
})
