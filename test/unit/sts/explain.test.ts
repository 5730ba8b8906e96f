import assert from 'node:assert/strict'
import { test } from 'node:test'
import { base64url } from 'jose'
import { explainExchange } from '../../../src/sts/index.js'

const NOW = 1_800_000_000
const fic = {
  id: 'f1',
  name: 'prod',
  issuer: 'https://issuer.example.com/issuers/prod',
  subject: 'system:serviceaccount:pay:api',
  audiences: ['api://AzureADTokenExchange'],
}
const window = { skewSeconds: 300, maxAssertionLifetimeSeconds: 90000 }

function jwt(claims: Record<string, unknown>): string {
  const part = (o: object) => base64url.encode(JSON.stringify(o))
  const payload = {
    iss: fic.issuer,
    sub: fic.subject,
    aud: fic.audiences,
    iat: NOW - 60,
    exp: NOW + 3000,
    ...claims,
  }
  return `${part({ alg: 'RS256', kid: 'k' })}.${part(payload)}.c2ln`
}

const cases = [
  [
    'IF-53: a token that matches would succeed',
    {},
    [fic],
    { ok: true, credential: 'prod' },
    undefined,
  ],
  [
    'IF-53, row 17: a subject differing only in case says so',
    { sub: 'system:serviceaccount:pay:API' },
    [fic],
    7002138,
    'differs only in letter case',
  ],
  [
    'IF-53, row 16: a trailing slash on the token issuer is named',
    { iss: `${fic.issuer}/` },
    [fic],
    700211,
    'the token has a trailing slash the credential lacks',
  ],
  ['IF-53, row 18: a wrong audience is named', { aud: 'api://other' }, [fic], 700212, undefined],
  [
    'IF-53, row 24: an expired token would be refused',
    { iat: NOW - 7200, exp: NOW - 3600 },
    [fic],
    700024,
    undefined,
  ],
  ['IF-53, row 14: an app without credentials would be refused', {}, [], 70025, undefined],
] as const

for (const [name, claims, fics, want, note] of cases) {
  test(name, () => {
    const explanation = explainExchange(jwt(claims), fics, NOW, window)
    if (typeof want === 'number') {
      assert.equal(explanation.outcome.ok, false)
      assert.equal((explanation.outcome as { aadsts: number }).aadsts, want)
    } else {
      assert.deepEqual(explanation.outcome, want)
    }
    if (note) {
      const notes = explanation.credentials.flatMap((c) => [
        c.issuer.note,
        c.subject.note,
        c.audience.note,
      ])
      assert.ok(notes.includes(note), JSON.stringify(explanation.credentials))
    }
  })
}

test('IF-53, row 15: a malformed token is refused before any credential is read', () => {
  assert.throws(() => explainExchange('not-a-jwt', [fic], NOW, window), /AADSTS50027/)
})
