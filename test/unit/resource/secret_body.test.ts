import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  MAX_SECRET_VALUE_BYTES,
  parseSecretChanges,
  parseSetSecret,
} from '../../../src/resource/secret_body.js'
import { badParameter } from './key_vault_error.js'

const NBF = 1767225600
const EXP = 1893456000
const tagsOf = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`tag${i}`, `value${i}`]))

const changes = [
  ['KV-32: an empty object changes nothing', {}, { attributes: {} }],
  ['R1: the SDK\'s "attributes":{} changes nothing', { attributes: {} }, { attributes: {} }],
  ['R3: attributes null changes nothing', { attributes: null }, { attributes: {} }],
  [
    'R3: contentType is kept',
    { contentType: 'text/plain' },
    { contentType: 'text/plain', attributes: {} },
  ],
  [
    'R3: a contentType of 255 characters is kept',
    { contentType: 'x'.repeat(255) },
    { contentType: 'x'.repeat(255), attributes: {} },
  ],
  ['R3: contentType null is left out', { contentType: null }, { attributes: {} }],
  [
    'KV-40: tags of string values are kept',
    { tags: { env: 'prod' } },
    { tags: { env: 'prod' }, attributes: {} },
  ],
  ['R3: empty tags are kept, to clear the old ones', { tags: {} }, { tags: {}, attributes: {} }],
  [
    'KV-40: an empty tag value is a string',
    { tags: { env: '' } },
    { tags: { env: '' }, attributes: {} },
  ],
  ['KV-40: 15 tags are allowed', { tags: tagsOf(15) }, { tags: tagsOf(15), attributes: {} }],
  ['R3: tags null is left out', { tags: null }, { attributes: {} }],
  [
    'KV-36: enabled, nbf and exp are kept',
    { attributes: { enabled: false, nbf: NBF, exp: EXP } },
    { attributes: { enabled: false, nbf: NBF, exp: EXP } },
  ],
  [
    'KV-36: nbf and exp of 0 are Unix seconds too',
    { attributes: { nbf: 0, exp: 0 } },
    { attributes: { nbf: 0, exp: 0 } },
  ],
  [
    'R3: nbf and exp null clear them',
    { attributes: { nbf: null, exp: null } },
    { attributes: { nbf: null, exp: null } },
  ],
  ['R3: enabled null is left out', { attributes: { enabled: null } }, { attributes: {} }],
  [
    'KV-32: unknown members, read-only attributes included, are ignored',
    {
      id: 'https://payments.vault.example.com/secrets/x',
      kid: 'k',
      managed: true,
      attributes: { created: 1, updated: 2, recoveryLevel: 'Purgeable', recoverableDays: 90 },
    },
    { attributes: {} },
  ],
  ['R3: a value member is not a change', { value: 'hunter2' }, { attributes: {} }],
] as const

for (const [name, body, want] of changes) {
  test(`${name} (parseSecretChanges)`, () => assert.deepEqual(parseSecretChanges(body), want))
}

test('KV-40: a tag named __proto__ stays an ordinary tag', () => {
  const { tags } = parseSecretChanges(JSON.parse('{"tags":{"__proto__":"x","env":"prod"}}'))
  assert.deepEqual(Object.entries(tags ?? {}), [
    ['__proto__', 'x'],
    ['env', 'prod'],
  ])
  assert.equal(Object.getPrototypeOf(tags), Object.prototype)
})

const badChanges = [
  ['KV-32: a null body', null, /JSON object/],
  ['KV-32: an array body', [], /JSON object/],
  ['KV-32: a string body', 'hunter2', /JSON object/],
  ['KV-32: a number body', 42, /JSON object/],
  ['KV-40: tags as an array', { tags: [['env', 'prod']] }, /tags must be an object/],
  ['KV-40: tags as a string', { tags: 'env=prod' }, /tags must be an object/],
  ['KV-40: a number tag value', { tags: { env: 1 } }, /tag "env" must be a string/],
  ['KV-40: a boolean tag value', { tags: { env: true } }, /tag "env" must be a string/],
  ['KV-40: a null tag value', { tags: { env: null } }, /tag "env" must be a string/],
  ['KV-40: an object tag value', { tags: { env: { a: 'b' } } }, /tag "env" must be a string/],
  ['KV-40: 16 tags', { tags: tagsOf(16) }, /at most 15 tags/],
  ['R3: attributes as a string', { attributes: 'enabled' }, /attributes must be an object/],
  ['R3: attributes as an array', { attributes: [] }, /attributes must be an object/],
  ['R3: attributes as a boolean', { attributes: true }, /attributes must be an object/],
  ['R3: enabled as a string', { attributes: { enabled: 'true' } }, /enabled must be true or false/],
  ['R3: enabled as a number', { attributes: { enabled: 1 } }, /enabled must be true or false/],
  ['KV-36: nbf as a numeric string', { attributes: { nbf: String(NBF) } }, /attributes\.nbf/],
  ['KV-36: exp as an ISO date', { attributes: { exp: '2030-01-01T00:00:00Z' } }, /attributes\.exp/],
  [
    'KV-36: an exp past the safe integer range',
    { attributes: { exp: 2 ** 53 } },
    /attributes\.exp/,
  ],
  ['KV-36: a fractional nbf', { attributes: { nbf: NBF + 0.5 } }, /attributes\.nbf/],
  ['KV-36: a negative nbf', { attributes: { nbf: -1 } }, /attributes\.nbf/],
  ['KV-36: a NaN exp', { attributes: { exp: Number.NaN } }, /attributes\.exp/],
  ['R3: contentType as a number', { contentType: 42 }, /contentType must be a string/],
  ['R3: contentType of 256 characters', { contentType: 'x'.repeat(256) }, /at most 255/],
] as const

for (const [name, body, message] of badChanges) {
  test(`${name} is 400 BadParameter (parseSecretChanges and parseSetSecret)`, () => {
    assert.throws(() => parseSecretChanges(body), badParameter(message))
    const withValue = typeof body === 'object' && body !== null && !Array.isArray(body)
    assert.throws(
      () => parseSetSecret(withValue ? { ...body, value: 'x' } : body),
      badParameter(message),
    )
  })
}

test('KV-40: the value limit is 25 KiB', () => assert.equal(MAX_SECRET_VALUE_BYTES, 25_600))

const values = [
  ['25 600 ASCII characters, exactly 25 KiB', 'a'.repeat(25_600)],
  ['12 800 two-byte characters, exactly 25 KiB', 'é'.repeat(12_800)],
  ['8 533 three-byte characters, one byte under 25 KiB', '€'.repeat(8_533)],
  ['6 400 four-byte emoji, exactly 25 KiB', '😀'.repeat(6_400)],
  ['a one-character value', 'x'],
] as const

for (const [name, value] of values) {
  test(`KV-40: R1 accepts ${name}`, () => {
    assert.deepEqual(parseSetSecret({ value }), { value, attributes: {} })
  })
}

const oversized = [
  ['25 601 ASCII characters', 'a'.repeat(25_601)],
  ['12 801 two-byte characters, under 25 600 characters but 25 602 bytes', 'é'.repeat(12_801)],
  ['8 534 three-byte characters, 25 602 bytes', '€'.repeat(8_534)],
  ['6 401 four-byte emoji, 25 604 bytes', '😀'.repeat(6_401)],
] as const

for (const [name, value] of oversized) {
  test(`KV-40: R1 refuses ${name}, counted in UTF-8 bytes, without echoing it (KV-80)`, () => {
    assert.throws(
      () => parseSetSecret({ value }),
      badParameter('The secret value exceeds the maximum size of 25600 bytes.'),
    )
  })
}

test('R1: the spec example body parses to its value and properties', () => {
  const body = {
    value: 'hunter2',
    contentType: 'text/plain',
    tags: { env: 'prod' },
    attributes: { enabled: true, exp: EXP },
  }
  assert.deepEqual(parseSetSecret(body), body)
})

const missingValue = [
  ['no value member', {}],
  ['a null value', { value: null }],
  ['a number value', { value: 42 }],
  ['an object value', { value: { secret: 'x' } }],
  ['an array value', { value: ['hunter2'] }],
] as const

for (const [name, body] of missingValue) {
  test(`§9: R1 with ${name} is 400 BadParameter`, () => {
    assert.throws(() => parseSetSecret(body), badParameter(/string member "value"/))
  })
}

test('KV-80: a refused tag names its key, never a value', () => {
  assert.throws(
    () => parseSetSecret({ value: 'hunter2', tags: { env: 12345 } }),
    (error: Error) => !error.message.includes('hunter2') && !error.message.includes('12345'),
  )
})
