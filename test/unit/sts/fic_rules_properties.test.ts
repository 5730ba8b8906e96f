// Properties of the credential write rules (STS-60…STS-69, IF-32, IF-33) over generated bodies;
// fic_rules.test.ts pins the named cases. Run bounds and replay: test/support/properties.ts.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { GraphError } from '../../../src/errors/index.js'
import {
  DEFAULT_FIC_AUDIENCE,
  validateFicPatch,
  validateNewFic,
  type ExistingFic,
  type FicFields,
} from '../../../src/sts/fic_rules.js'
import { jsonLike, returnsOrThrows, runs, trickyString } from '../../support/properties.js'

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/
const MAX_LENGTH = 600

const validName = fc.stringMatching(NAME)
const validIssuer = fc
  .webUrl({ validSchemes: ['https'], withQueryParameters: false, withFragments: false })
  .filter((url) => url.length <= MAX_LENGTH)
const validText = fc.string({ minLength: 1, maxLength: 80 })

/** Members that are valid, nearly valid, of the wrong type, or hostile. */
const member = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof(
    valid,
    trickyString,
    fc.constantFrom(null, '', 'x'.repeat(MAX_LENGTH + 1), 'http://localhost/i', 'https://a/?q#f'),
    jsonLike,
  )

const body = fc.oneof(
  jsonLike,
  fc.record(
    {
      name: member(validName),
      issuer: member(validIssuer),
      subject: member(validText),
      audiences: member(fc.array(member(validText), { maxLength: 2 })),
      description: member(validText),
      claimsMatchingExpression: member(fc.constant({ value: 'claims["sub"] eq "x"' })),
    },
    { requiredKeys: [] },
  ),
)

/** Stored credentials: typed by the store, but any text (names of other case, look-alikes). */
const existingFics: fc.Arbitrary<ExistingFic[]> = fc.array(
  fc.record({ name: fc.oneof(validName, trickyString), issuer: validIssuer, subject: validText }),
  { maxLength: 3 },
)

const ruleOptions = fc.record({
  maxPerIdentity: fc.integer({ min: 0, max: 25 }),
  allowHttpLoopback: fc.boolean(),
})

/** What every accepted credential satisfies, whatever the body looked like. */
function assertWellFormed(fields: FicFields, allowHttpLoopback: boolean): void {
  assert.match(fields.name, NAME)
  assert.ok(fields.issuer.length <= MAX_LENGTH && !/[\s?#]/.test(fields.issuer))
  const scheme = new URL(fields.issuer).protocol
  assert.ok(scheme === 'https:' || (allowHttpLoopback && scheme === 'http:'), fields.issuer)
  for (const text of [fields.subject, ...fields.audiences]) {
    assert.ok(text.length >= 1 && text.length <= MAX_LENGTH)
  }
  assert.equal(fields.audiences.length, 1)
  assert.ok(fields.description === null || fields.description.length <= MAX_LENGTH)
}

test('IF-32: any body either yields a well-formed credential or a GraphError, never another throw', () => {
  fc.assert(
    fc.property(body, existingFics, ruleOptions, (input, existing, options) => {
      const fields = returnsOrThrows(() => validateNewFic(input, existing, options), GraphError)
      if (fields === undefined) return
      assertWellFormed(fields, options.allowHttpLoopback)
      const sent = input as Record<string, unknown>
      // STS-60: stored verbatim, nothing trimmed, folded or normalised.
      assert.equal(fields.name, sent.name)
      assert.equal(fields.issuer, sent.issuer)
      assert.equal(fields.subject, sent.subject)
      assert.deepEqual(fields.audiences, sent.audiences ?? [DEFAULT_FIC_AUDIENCE])
      assert.equal(fields.description, sent.description ?? null)
      assert.ok(existing.length < options.maxPerIdentity, 'STS-67: the cap holds')
      const lower = fields.name.toLowerCase()
      assert.ok(!existing.some((f) => f.name.toLowerCase() === lower), 'names are unique')
      assert.ok(!existing.some((f) => f.issuer === fields.issuer && f.subject === fields.subject))
    }),
    runs(400),
  )
})

const validBody = fc.record(
  {
    name: validName,
    issuer: validIssuer,
    subject: validText,
    audiences: fc.array(validText, { minLength: 1, maxLength: 1 }),
    description: fc.oneof(validText, fc.constant(null)),
  },
  { requiredKeys: ['name', 'issuer', 'subject'], noNullPrototype: true },
)
const open = { maxPerIdentity: 20, allowHttpLoopback: false }

test('STS-60: a valid credential is accepted as sent and validates again to itself', () => {
  fc.assert(
    fc.property(validBody, (input) => {
      const fields = validateNewFic(input, [], open)
      assert.deepEqual(fields, {
        audiences: [DEFAULT_FIC_AUDIENCE],
        description: null,
        ...input,
      })
      assert.deepEqual(validateNewFic(fields, [], open), fields)
      assert.deepEqual(validateFicPatch(fields, {}, [fields], open), fields, 'IF-33: empty patch')
    }),
    runs(200),
  )
})

test('STS-63: subject and audience are accepted exactly from 1 to 600 characters', () => {
  fc.assert(
    fc.property(
      validBody,
      fc.constantFrom('subject', 'audiences'),
      fc.integer({ min: 0, max: 700 }),
      (input, field, length) => {
        const text = 's'.repeat(length)
        const sent = { ...input, [field]: field === 'audiences' ? [text] : text }
        const fields = returnsOrThrows(() => validateNewFic(sent, [], open), GraphError)
        assert.equal(fields !== undefined, length >= 1 && length <= MAX_LENGTH)
      },
    ),
    runs(150),
  )
})

test('IF-33: any patch yields a well-formed credential with the same name, or a GraphError', () => {
  fc.assert(
    fc.property(validBody, body, existingFics, fc.boolean(), (input, patch, existing, dev) => {
      const current = validateNewFic(input, [], open)
      const options = { allowHttpLoopback: dev }
      const fields = returnsOrThrows(
        () => validateFicPatch(current, patch, existing, options),
        GraphError,
      )
      if (fields === undefined) return
      assertWellFormed(fields, dev)
      assert.equal(fields.name, current.name, 'STS-61: the name is immutable')
    }),
    runs(300),
  )
})
