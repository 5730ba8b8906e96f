// Properties of the Kubernetes name rules (ISS-32: DNS-1123 labels and subdomains) over arbitrary
// strings. Run bounds and replay: test/support/properties.ts.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { dns1123LabelProblem, dns1123SubdomainProblem } from '../../../src/issuer/names.js'
import { runs, trickyString } from '../../support/properties.js'

const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/)
const names = fc.oneof(
  trickyString,
  label,
  fc.array(label, { minLength: 1, maxLength: 5 }).map((labels) => labels.join('.')),
  fc.constantFrom('-a', 'a-', 'A', 'a..b', '.a', 'a'.repeat(64), 'a'.repeat(254)),
)

test('ISS-32: a DNS-1123 label is 1-63 lower-case alphanumerics or inner dashes', () => {
  fc.assert(
    fc.property(names, (name) => {
      const problem = dns1123LabelProblem(name)
      const valid = name.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)
      assert.equal(problem === undefined, valid, `${JSON.stringify(name)}: ${problem}`)
      if (problem !== undefined) assert.ok(problem.length > 0)
    }),
    runs(300),
  )
})

test('ISS-32: a subdomain is at most 253 characters of dot-separated labels; a label is one', () => {
  fc.assert(
    fc.property(names, (name) => {
      const valid = dns1123SubdomainProblem(name) === undefined
      const labels = name.split('.')
      assert.equal(
        valid,
        name.length <= 253 && labels.every((l) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(l)),
      )
      if (dns1123LabelProblem(name) === undefined) assert.ok(valid, 'every label is a subdomain')
    }),
    runs(300),
  )
})
