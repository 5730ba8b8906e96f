import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  matchFederatedCredential,
  publicHint,
  type Fic,
  type FicMismatch,
  type PresentedClaims,
} from '../../../src/sts/federation/match.js'

const fic: Fic = {
  id: 'fic-1',
  name: 'pay-api',
  issuer: 'https://oidc.example.test',
  subject: 'system:serviceaccount:pay:api',
  audiences: ['api://AzureADTokenExchange'],
}
const other: Fic = {
  id: 'fic-2',
  name: 'ci-deploy',
  issuer: 'https://token.ci.example.test/',
  subject: 'repo:org/app:ref:refs/heads/main',
  audiences: ['api://AzureADTokenExchange'],
}
const fics = [other, fic]
const token: PresentedClaims = { iss: fic.issuer, sub: fic.subject, aud: fic.audiences }

type Want = { reason: string; nearest?: string; detail: RegExp; hint?: string }

const misses: readonly (readonly [string, Partial<PresentedClaims>, Want])[] = [
  [
    'STS-70 row 16: an issuer lacking the configured trailing slash misses',
    { iss: 'https://token.ci.example.test', sub: other.subject },
    {
      reason: 'issuer',
      nearest: 'fic-2',
      detail:
        /differs from the issuer "https:\/\/token\.ci\.example\.test\/" of credential "ci-deploy" \(fic-2\) only by the trailing slash the configured value has/,
      hint: 'A credential matches this issuer only with a trailing slash added.',
    },
  ],
  [
    'STS-70 row 16: an issuer with an added trailing slash misses, near the slashless one',
    { iss: `${fic.issuer}/` },
    {
      reason: 'issuer',
      nearest: 'fic-1',
      detail:
        /"https:\/\/oidc\.example\.test\/" differs .*"https:\/\/oidc\.example\.test" .*trailing slash the presented value adds/,
      hint: 'A credential matches this issuer only without its trailing slash.',
    },
  ],
  [
    'STS-70 row 16: an unknown issuer and subject point at the longest shared issuer prefix',
    { iss: 'https://token.ci.example', sub: 'repo:org/app:pull_request' },
    { reason: 'issuer', nearest: 'fic-2', detail: /nearest, credential "ci-deploy"/ },
  ],
  [
    'STS-70 row 16: an issuer differing only in case misses',
    { iss: 'https://OIDC.example.test' },
    {
      reason: 'issuer',
      nearest: 'fic-1',
      detail: /only in case/,
      hint: 'A credential matches this issuer only when case is ignored.',
    },
  ],
  [
    'STS-84 row 16: whitespace around iss is not trimmed',
    { iss: ` ${fic.issuer}\n` },
    {
      reason: 'issuer',
      nearest: 'fic-1',
      detail: /" https:\/\/oidc\.example\.test\\n" .*only by surrounding whitespace/,
      hint: 'A credential matches this issuer only without surrounding whitespace.',
    },
  ],
  [
    'STS-70 row 16: case and a trailing slash together are still a near miss',
    { iss: 'https://OIDC.example.test/' },
    {
      reason: 'issuer',
      nearest: 'fic-1',
      detail: /only in case, surrounding whitespace and a trailing slash/,
      hint: 'A credential matches this issuer only when case, surrounding whitespace and a trailing slash are ignored.',
    },
  ],
  [
    'STS-70 row 16: an unrelated issuer points at the credential for the same subject',
    { iss: 'https://elsewhere.test' },
    { reason: 'issuer', nearest: 'fic-1', detail: /has issuer "https:\/\/oidc\.example\.test"/ },
  ],
  [
    'STS-70 row 17: a subject naming another account misses with 700213',
    { sub: 'system:serviceaccount:pay:web' },
    {
      reason: 'subject',
      nearest: 'fic-1',
      detail: /nearest, credential "pay-api" \(fic-1\), has subject/,
    },
  ],
  [
    'STS-70 row 17: a subject differing only in case misses with 7002138',
    { sub: 'System:ServiceAccount:Pay:API' },
    {
      reason: 'subject-case',
      nearest: 'fic-1',
      detail: /only in case; subjects compare case-sensitively/,
    },
  ],
  [
    'STS-70 row 17: a subject with a trailing space misses',
    { sub: `${fic.subject} ` },
    {
      reason: 'subject',
      nearest: 'fic-1',
      detail: /only by surrounding whitespace/,
      hint: 'A credential matches this subject only without surrounding whitespace.',
    },
  ],
  [
    'STS-70 row 16 before 17: a wrong issuer wins over a wrong subject',
    { iss: 'https://nowhere.test', sub: 'nobody' },
    {
      reason: 'issuer',
      detail: /no federated identity credential has issuer "https:\/\/nowhere\.test"/,
    },
  ],
  [
    'STS-70 row 18: a token lacking the credential audience misses, naming both',
    { aud: ['api://other'] },
    {
      reason: 'audience',
      nearest: 'fic-1',
      detail:
        /expects audience "api:\/\/AzureADTokenExchange"; the assertion presents aud "api:\/\/other"$/,
    },
  ],
  [
    'STS-70 row 18: an audience differing only in case misses',
    { aud: ['api://azureadtokenexchange'] },
    {
      reason: 'audience',
      nearest: 'fic-1',
      detail: /which differs only in case/,
      hint: 'A credential matches this audience only when case is ignored.',
    },
  ],
  [
    'STS-71 row 18: an empty aud array matches nothing',
    { aud: [] },
    { reason: 'audience', nearest: 'fic-1', detail: /presents no audience/ },
  ],
]

for (const [name, change, want] of misses) {
  test(name, () => {
    const claims = { ...token, ...change }
    const result = matchFederatedCredential(claims, fics)
    assert.equal(result.ok, false)
    const miss = result as FicMismatch
    assert.equal(miss.reason, want.reason)
    assert.equal(miss.nearest?.id, want.nearest)
    assert.match(miss.detail, want.detail)
    assert.equal(publicHint(claims, miss), want.hint)
  })
}

const matches: readonly (readonly [string, Partial<PresentedClaims>, Fic[], Fic])[] = [
  ['STS-70: issuer, subject and audience all equal', {}, fics, fic],
  [
    'STS-71: the credential audience is any one of several aud values',
    { aud: ['api://first', 'api://AzureADTokenExchange'] },
    fics,
    fic,
  ],
  [
    'STS-63: a * in the subject is an ordinary character, matched only by itself',
    { sub: 'repo:org/*' },
    [{ ...fic, subject: 'repo:org/*' }],
    { ...fic, subject: 'repo:org/*' },
  ],
]

for (const [name, change, list, want] of matches) {
  test(name, () => {
    assert.deepEqual(matchFederatedCredential({ ...token, ...change }, list), {
      ok: true,
      fic: want,
    })
  })
}

test('STS-63: a * in a configured subject is no wildcard', () => {
  const star = { ...fic, subject: 'system:serviceaccount:pay:*' }
  const result = matchFederatedCredential(token, [star])
  assert.equal(result.ok, false)
  assert.equal((result as FicMismatch).reason, 'subject')
})

test('STS-70: issuer comparison is by code unit, without Unicode normalisation', () => {
  const composed = { ...fic, issuer: 'https://caf\u00e9.example.test' }
  const result = matchFederatedCredential({ ...token, iss: 'https://cafe\u0301.example.test' }, [
    composed,
  ])
  assert.equal(result.ok, false)
  assert.equal((result as FicMismatch).reason, 'issuer')
})

test('the matched credential is returned as given, with its extra fields', () => {
  const record = { ...fic, applicationId: 'app-1', createdAt: 1 }
  const result = matchFederatedCredential(token, [record])
  assert.equal(result.ok && result.fic, record)
})

test('STS-83: no hint ever contains a configured value', () => {
  for (const [, change] of misses) {
    const claims = { ...token, ...change }
    const result = matchFederatedCredential(claims, fics) as FicMismatch
    const hint = publicHint(claims, result) ?? ''
    for (const configured of [fic.issuer, fic.subject, other.issuer, other.subject]) {
      assert.equal(hint.includes(configured), false, `${hint} leaks ${configured}`)
    }
  }
})
