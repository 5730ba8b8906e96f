import assert from 'node:assert/strict'
import { test } from 'node:test'
import fastJsonPatch from 'fast-json-patch'
import { diffToJsonPatch, escapePointerToken } from '../../../src/webhook/index.js'

const { applyPatch } = fastJsonPatch

const escapes = [
  ['a plain token is unchanged', 'containers', 'containers'],
  ['a slash becomes ~1', 'azure.workload.identity/use', 'azure.workload.identity~1use'],
  ['a tilde becomes ~0', 'a~b', 'a~0b'],
  ['a tilde is escaped before a slash', '~/', '~0~1'],
  ['an escaped-looking token is escaped again', '~1', '~01'],
  ['an empty token stays empty', '', ''],
] as const

for (const [name, token, want] of escapes) {
  test(`RFC 6901: ${name}`, () => assert.equal(escapePointerToken(token), want))
}

const diffs = [
  ['equal documents give no operation', { a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }, []],
  ['key order does not matter', { a: 1, b: 2 }, { b: 2, a: 1 }, []],
  ['a new key is added', { a: 1 }, { a: 1, b: [2] }, [{ op: 'add', path: '/b', value: [2] }]],
  ['a gone key is removed', { a: 1, b: 2 }, { a: 1 }, [{ op: 'remove', path: '/b' }]],
  [
    'a changed scalar is replaced',
    { a: 1 },
    { a: '1' },
    [{ op: 'replace', path: '/a', value: '1' }],
  ],
  [
    'keys with / and ~ are escaped',
    { m: {} },
    { m: { 'x/y~z': 'v' } },
    [{ op: 'add', path: '/m/x~1y~0z', value: 'v' }],
  ],
  [
    'array items are appended by index',
    [1],
    [1, 2, 3],
    [
      { op: 'add', path: '/1', value: 2 },
      { op: 'add', path: '/2', value: 3 },
    ],
  ],
  [
    'surplus array items are removed from the end',
    [1, 2, 3],
    [1],
    [
      { op: 'remove', path: '/2' },
      { op: 'remove', path: '/1' },
    ],
  ],
  [
    'an array item is diffed in place',
    [{ n: 1 }],
    [{ n: 2 }],
    [{ op: 'replace', path: '/0/n', value: 2 }],
  ],
  [
    'an object replaced by an array is replaced whole',
    { a: {} },
    { a: [] },
    [{ op: 'replace', path: '/a', value: [] }],
  ],
  ['a changed root is replaced at the empty path', 1, 2, [{ op: 'replace', path: '', value: 2 }]],
  [
    'a key named like a prototype member is added',
    {},
    { constructor: 1 },
    [{ op: 'add', path: '/constructor', value: 1 }],
  ],
] as const

for (const [name, before, after, want] of diffs) {
  test(`WL-37 diff: ${name}`, () => {
    const ops = diffToJsonPatch(before, after)
    assert.deepEqual(ops, want)
    const result = applyPatch(structuredClone(before), structuredClone(ops) as never, true, false)
    assert.deepEqual(result.newDocument, after)
  })
}
