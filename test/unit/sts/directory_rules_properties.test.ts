// Properties of the tenant and application write rules (IF-30, IF-31, IF-35) over generated
// bodies; directory_service.test.ts pins the named cases. Run bounds and replay:
// test/support/properties.ts.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { GraphError } from '../../../src/errors/index.js'
import {
  validateApplicationPatch,
  validateNewApplication,
  validateNewTenant,
  type ApplicationFields,
} from '../../../src/sts/directory_rules.js'
import { jsonLike, returnsOrThrows, runs, trickyString } from '../../support/properties.js'

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const displayName = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '')
const domain = fc.oneof(
  fc.domain(),
  fc.domain().map((d) => d.toUpperCase()),
)
const uri = fc.oneof(fc.webUrl(), fc.constantFrom('api://payments', 'urn:wifkit:db', 'api://x'))
const roleValue = fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/)
const role = fc.record(
  { value: roleValue, displayName, id: fc.uuid() },
  { requiredKeys: ['value'], noNullPrototype: true },
)

/** Valid, nearly valid, wrongly typed or hostile. */
const member = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof(
    valid,
    trickyString,
    fc.constantFrom(null, '', '   ', 'common', 'a'.repeat(257)),
    jsonLike,
  )

const unique = <T>(items: readonly T[]) => new Set(items).size === items.length

test('IF-35: any tenant input yields lower-case, unique DNS domains or a GraphError', () => {
  fc.assert(
    fc.property(
      member(displayName),
      fc.option(member(fc.array(member(domain), { maxLength: 3 })), { nil: undefined }),
      (name, domains) => {
        const input = { displayName: name, domains }
        const fields = returnsOrThrows(() => validateNewTenant(input), GraphError)
        if (fields === undefined) return
        assert.equal(fields.displayName, name)
        assert.ok(fields.displayName.trim() !== '' && fields.displayName.length <= 256)
        assert.ok(unique(fields.domains))
        for (const d of fields.domains) {
          assert.ok(d.length <= 253 && d.split('.').every((l) => DNS_LABEL.test(l)), d)
          assert.ok(!GUID.test(d) && !['common', 'organizations', 'consumers'].includes(d))
        }
        assert.deepEqual(
          fields.domains,
          (domains as string[] | undefined)?.map((d) => d.toLowerCase()) ?? [],
        )
      },
    ),
    runs(300),
  )
})

const applicationBody = fc.oneof(
  jsonLike,
  fc.record(
    {
      displayName: member(displayName),
      identifierUris: member(fc.array(member(uri), { maxLength: 3 })),
      appRoles: member(fc.array(member(role), { maxLength: 3 })),
      enabled: member(fc.boolean()),
      '@odata.type': fc.constant('#microsoft.graph.application'),
    },
    { requiredKeys: [] },
  ),
)

/** What every accepted application satisfies, whatever the body looked like. */
function assertWellFormed(fields: ApplicationFields): void {
  assert.ok(fields.displayName.trim() !== '' && fields.displayName.length <= 256)
  assert.ok(unique(fields.identifierUris), 'STS-53: identifier URIs are unique')
  for (const u of fields.identifierUris) {
    assert.ok(u.length >= 1 && u.length <= 600 && !/\s/.test(u) && URL.canParse(u), u)
  }
  assert.ok(unique(fields.appRoles.map((r) => r.value)))
  assert.ok(unique(fields.appRoles.map((r) => r.id)))
  for (const r of fields.appRoles) assert.match(r.id, GUID)
  assert.equal(typeof fields.enabled, 'boolean')
}

test('IF-30: any application body yields a well-formed application or a GraphError', () => {
  fc.assert(
    fc.property(applicationBody, (input) => {
      const fields = returnsOrThrows(() => validateNewApplication(input), GraphError)
      if (fields === undefined) return
      assertWellFormed(fields)
      assert.equal(fields.enabled, true)
      const sent = input as Record<string, unknown>
      assert.equal(fields.displayName, sent.displayName)
      assert.deepEqual(fields.identifierUris, sent.identifierUris ?? [], 'stored verbatim')
    }),
    runs(300),
  )
})

const validApplication = fc
  .record({
    displayName,
    identifierUris: fc.uniqueArray(uri, { maxLength: 3 }),
    appRoles: fc.uniqueArray(role, { maxLength: 3, selector: (r) => r.value }),
  })
  .filter((a) => unique(a.appRoles.map((r) => r.id).filter((id) => id !== undefined)))

test('IF-31: an accepted application patched with itself, or with nothing, stays the same', () => {
  fc.assert(
    fc.property(validApplication, (input) => {
      const current = validateNewApplication(input)
      assert.deepEqual(validateApplicationPatch(current, {}), current)
      assert.deepEqual(validateApplicationPatch(current, current), current)
      // A role sent without its id keeps the current id (the CLI sends values only).
      const valuesOnly = { appRoles: current.appRoles.map(({ value }) => ({ value })) }
      const ids = (roles: readonly { id: string }[]) => roles.map((r) => r.id)
      assert.deepEqual(
        ids(validateApplicationPatch(current, valuesOnly).appRoles),
        ids(current.appRoles),
      )
    }),
    runs(200),
  )
})

test('IF-31: any patch yields a well-formed application or a GraphError', () => {
  fc.assert(
    fc.property(validApplication, applicationBody, (input, patch) => {
      const current = validateNewApplication(input)
      const fields = returnsOrThrows(() => validateApplicationPatch(current, patch), GraphError)
      if (fields !== undefined) assertWellFormed(fields)
    }),
    runs(300),
  )
})
