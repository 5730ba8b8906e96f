import assert from 'node:assert/strict'
import { test } from 'node:test'
import { exceedsFormFields } from '../../../src/http/index.js'
import { exceedsJsonDepth } from '../../../src/util/index.js'

/** `depth` arrays inside each other, built without recursion. */
function nestedArrays(depth: number): unknown {
  let value: unknown = 'leaf'
  for (let i = 0; i < depth; i++) value = [value]
  return value
}

const depthCases: [string, unknown, number, boolean][] = [
  ['a scalar is depth 0', 'text', 0, false],
  ['null is depth 0', null, 0, false],
  ['an empty object is depth 1', {}, 0, true],
  ['an empty object fits depth 1', {}, 1, false],
  ['32 nested arrays fit 32', nestedArrays(32), 32, false],
  ['33 nested arrays exceed 32', nestedArrays(33), 32, true],
  ['depth counts through objects and arrays alike', { a: [{ b: [1] }] }, 3, true],
  ['the deepest branch decides, not the first', [1, { a: 1 }, [[[2]]]], 3, true],
  ['a wide but shallow value fits', Array.from({ length: 10_000 }, () => ({ a: 1 })), 2, false],
  ['100 000 nested arrays exceed 32 without exhausting the stack', nestedArrays(100_000), 32, true],
  ['a form is not JSON and counts as a scalar', new URLSearchParams('a=1'), 0, false],
  ['a buffer is not JSON and counts as a scalar', Buffer.from('[[[]]]'), 0, false],
]
for (const [name, value, maxDepth, want] of depthCases) {
  test(`#9 item 1: ${name}`, () => assert.equal(exceedsJsonDepth(value, maxDepth), want))
}

const formCases: [string, string, number, boolean][] = [
  ['an empty form has no fields', '', 0, false],
  ['100 fields fit 100', Array.from({ length: 100 }, (_, i) => `f${i}=1`).join('&'), 100, false],
  ['101 fields exceed 100', Array.from({ length: 101 }, (_, i) => `f${i}=1`).join('&'), 100, true],
  ['a repeated name counts each time', 'a=1&a=2&a=3', 2, true],
  ['a field without a value still counts', 'a&b&c', 2, true],
]
for (const [name, body, maxFields, want] of formCases) {
  test(`#9 item 1: ${name}`, () =>
    assert.equal(exceedsFormFields(new URLSearchParams(body), maxFields), want))
}
