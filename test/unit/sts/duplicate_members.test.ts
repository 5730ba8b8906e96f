import assert from 'node:assert/strict'
import { test } from 'node:test'
import { duplicateMemberName } from '../../../src/sts/federation/duplicate_members.js'

const cases: [string, string, string | undefined][] = [
  ['distinct members pass', '{"iss":"a","sub":"b","aud":["c","c"]}', undefined],
  ['a repeated top-level member is named', '{"sub":"a","iss":"x","sub":"b"}', 'sub'],
  ['an escaped spelling of the same name counts', '{"sub":"a","s\\u0075b":"b"}', 'sub'],
  ['a repeat inside a nested object counts', '{"x":{"k":1,"k":2}}', 'k'],
  ['the same name in sibling objects is fine', '[{"k":1},{"k":2}]', undefined],
  ['the same name at two depths is fine', '{"k":{"k":1}}', undefined],
  ['a member after a nested object is still checked', '{"a":{"b":1},"a":2}', 'a'],
  ['string values equal to a name are not names', '{"a":"a","b":"a"}', undefined],
  ['quotes and brackets inside strings are skipped', '{"a":"\\"}{,\\"a\\":","b":1}', undefined],
  ['__proto__ twice is a repeat', '{"__proto__":{},"__proto__":{}}', '__proto__'],
]

for (const [name, json, want] of cases) {
  test(`#9 item 4, RFC 7515 §5.2: ${name}`, () => assert.equal(duplicateMemberName(json), want))
}
