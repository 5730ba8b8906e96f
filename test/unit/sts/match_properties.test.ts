// Properties of FIC matching (sts.md §6, rows 16–18 of §7, STS-70, STS-83) over generated
// credentials and claims; match.test.ts pins the named cases. See test/support/properties.ts for
// the run bounds and how to replay a failure.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import {
  matchFederatedCredential,
  publicHint,
  type Fic,
  type PresentedClaims,
} from '../../../src/sts/federation/match.js'
import { runs, trickyString } from '../../support/properties.js'

/** Ways a value can differ from another while looking the same to a human or a lax parser. */
const LOOK_ALIKES: readonly (readonly [string, (s: string) => string])[] = [
  ['upper case', (s) => s.toUpperCase()],
  ['lower case', (s) => s.toLowerCase()],
  [
    'first letter case swapped',
    (s) => s.replace(/[a-z]/i, (c) => (c.toUpperCase() === c ? c.toLowerCase() : c.toUpperCase())),
  ],
  ['trailing slash added', (s) => `${s}/`],
  ['trailing slash removed', (s) => s.replace(/\/$/, '')],
  ['leading space', (s) => ` ${s}`],
  ['trailing newline', (s) => `${s}\n`],
  ['NFD', (s) => s.normalize('NFD')],
  ['NFC', (s) => s.normalize('NFC')],
  ['Cyrillic а for a', (s) => s.replace('a', '\u0430')],
  ['Cyrillic о for o', (s) => s.replace('o', '\u043e')],
  ['Kelvin sign for K', (s) => s.replace(/k/i, '\u212a')],
  ['zero-width space appended', (s) => `${s}\u200b`],
  ['first character dropped', (s) => s.slice(1)],
  ['percent-encoded slash', (s) => s.replace('/', '%2F')],
]

const REALISTIC = [
  'https://oidc.example.test',
  'https://token.actions.githubusercontent.com/',
  'https://kubernetes.default.svc.cluster.local',
  'system:serviceaccount:pay:api',
  'repo:org/app:ref:refs/heads/main',
  'api://AzureADTokenExchange',
  'https://Éxample.test/café',
]

const value = fc.oneof(fc.constantFrom(...REALISTIC), trickyString)

/** A value that differs from `s` in at least one code unit, usually in a deceptive way. */
const differentFrom = (s: string): fc.Arbitrary<string> =>
  fc
    .oneof(
      fc.constantFrom(...LOOK_ALIKES).map(([, change]) => change(s)),
      value,
    )
    .filter((v) => v !== s)

const ficWith = (issuer: string, subject: string, audiences: readonly string[], n = 1): Fic => ({
  id: `fic-${n}`,
  name: `credential-${n}`,
  issuer,
  subject,
  audiences,
})

const exactly = (c: PresentedClaims) => (f: Fic) =>
  f.issuer === c.iss && f.subject === c.sub && f.audiences.some((a) => c.aud.includes(a))

test('STS-70: a credential whose issuer, subject and audience all equal the claims matches', () => {
  fc.assert(
    fc.property(
      value,
      value,
      value,
      fc.array(value, { maxLength: 3 }),
      fc.array(fc.tuple(value, value, value), { maxLength: 3 }),
      (iss, sub, aud, otherAuds, distractors) => {
        const fics = [
          ...distractors.map(([i, s, a], n) => ficWith(i, s, [a], n + 2)),
          ficWith(iss, sub, [aud]),
        ]
        const claims = { iss, sub, aud: [...otherAuds, aud] }
        const result = matchFederatedCredential(claims, fics)
        assert.ok(result.ok, `expected a match, got ${JSON.stringify(result)}`)
        assert.ok(exactly(claims)(result.fic))
      },
    ),
    runs(200),
  )
})

/** A credential and claims that equal it except in `field`, which differs in any way at all. */
const oneFieldDiffers = fc.tuple(value, value, value).chain(([iss, sub, aud]) =>
  fc
    .oneof(
      differentFrom(iss).map((v) => ({
        field: 'issuer' as const,
        claims: { iss: v, sub, aud: [aud] },
      })),
      differentFrom(sub).map((v) => ({
        field: 'subject' as const,
        claims: { iss, sub: v, aud: [aud] },
      })),
      fc
        .array(differentFrom(aud), { maxLength: 3 })
        .map((v) => ({ field: 'audience' as const, claims: { iss, sub, aud: v } })),
    )
    .map((c) => ({ ...c, fic: ficWith(iss, sub, [aud]) })),
)

const REASONS_FOR = {
  issuer: ['issuer'],
  subject: ['subject', 'subject-case'],
  audience: ['audience'],
} as const

test('STS-70: one field differing in any way (case, slash, space, NFC/NFD, look-alike) never matches', () => {
  fc.assert(
    fc.property(oneFieldDiffers, ({ field, claims, fic }) => {
      const result = matchFederatedCredential(claims, [fic])
      assert.ok(!result.ok, `${field} differs, yet matched`)
      assert.ok(
        (REASONS_FOR[field] as readonly string[]).includes(result.reason),
        `${field} differs, reason ${result.reason}`,
      )
    }),
    runs(300),
  )
})

/** Credentials and claims drawn from a small pool of values and their look-alikes, so they collide. */
const crowd = fc.array(value, { minLength: 1, maxLength: 3 }).chain((bases) => {
  const pooled = fc.oneof(fc.constantFrom(...bases), ...bases.map(differentFrom))
  return fc.record({
    fics: fc
      .array(fc.tuple(pooled, pooled, fc.array(pooled, { minLength: 1, maxLength: 2 })), {
        maxLength: 4,
      })
      .map((rows) => rows.map(([i, s, a], n) => ficWith(i, s, a, n))),
    claims: fc.record(
      { iss: pooled, sub: pooled, aud: fc.array(pooled, { maxLength: 3 }) },
      { noNullPrototype: true },
    ),
  })
})

test('rows 16–18: a match is exact, a miss names the first check that no credential passes', () => {
  fc.assert(
    fc.property(crowd, ({ fics, claims }) => {
      const result = matchFederatedCredential(claims, fics)
      assert.equal(result.ok, fics.some(exactly(claims)))
      if (result.ok) {
        assert.ok(exactly(claims)(result.fic))
        return
      }
      const byIssuer = fics.filter((f) => f.issuer === claims.iss)
      const bySubject = byIssuer.filter((f) => f.subject === claims.sub)
      const reason =
        byIssuer.length === 0 ? 'issuer' : bySubject.length === 0 ? 'subject' : 'audience'
      assert.equal(result.reason.replace('-case', ''), reason)
      if (result.reason === 'subject-case') {
        assert.ok(byIssuer.some((f) => f.subject.toLowerCase() === claims.sub.toLowerCase()))
      }
      if (result.nearest !== undefined) assert.ok(fics.includes(result.nearest))
    }),
    runs(300),
  )
})

test('matching is deterministic and leaves its inputs alone', () => {
  fc.assert(
    fc.property(crowd, ({ fics, claims }) => {
      const before = structuredClone({ fics, claims })
      const first = matchFederatedCredential(claims, fics)
      assert.deepEqual(matchFederatedCredential(claims, fics), first)
      assert.deepEqual({ fics, claims }, before)
    }),
    runs(150),
  )
})

const HINT =
  /^A credential matches this (issuer|subject|audience) only (without its trailing slash|with a trailing slash added|without surrounding whitespace|when case is ignored|when case, surrounding whitespace and a trailing slash are ignored)\.$/

test('STS-83: a public hint is one of the fixed sentences and never quotes a configured value', () => {
  fc.assert(
    fc.property(crowd, ({ fics, claims }) => {
      const result = matchFederatedCredential(claims, fics)
      if (result.ok) return
      const hint = publicHint(claims, result)
      if (hint !== undefined) assert.match(hint, HINT)
    }),
    runs(300),
  )
})
