import assert from 'node:assert/strict'
import { test } from 'node:test'
import { GraphError } from '../../../src/errors/index.js'
import {
  validateFicPatch,
  validateNewFic,
  type ExistingFic,
  type FicFields,
} from '../../../src/sts/fic_rules.js'

const options = { maxPerIdentity: 20, allowHttpLoopback: false }
const dev = { ...options, allowHttpLoopback: true }
const input = {
  name: 'payments-api-prod',
  issuer: 'https://wifkit.example.com/issuers/prod',
  subject: 'system:serviceaccount:payments:api',
  audiences: ['api://AzureADTokenExchange'],
  description: 'payments/api in prod',
}
const stored: FicFields = { ...input, audiences: [...input.audiences] }
const existing: ExistingFic[] = [
  { name: 'Web-Prod', issuer: input.issuer, subject: 'system:serviceaccount:payments:web' },
]
const x = (n: number) => 'x'.repeat(n)

const accepted: readonly (readonly [
  string,
  Record<string, unknown>,
  typeof options,
  Partial<FicFields>,
])[] = [
  ['STS-60…65: a complete credential is stored as given', {}, options, {}],
  [
    'STS-64: omitted audiences default to api://AzureADTokenExchange',
    { audiences: undefined },
    options,
    {},
  ],
  [
    'STS-65: an omitted description is null',
    { description: undefined },
    options,
    { description: null },
  ],
  ['STS-65: a null description is null', { description: null }, options, { description: null }],
  ['STS-61: a 3-character name is the shortest allowed', { name: 'a_1' }, options, { name: 'a_1' }],
  [
    'STS-61: a 120-character name is the longest allowed',
    { name: x(120) },
    options,
    { name: x(120) },
  ],
  [
    'STS-62: the issuer keeps its trailing slash, case and port',
    { issuer: 'https://Issuer.Example.com:8443/p/' },
    options,
    { issuer: 'https://Issuer.Example.com:8443/p/' },
  ],
  [
    'STS-62: a 600-character issuer is the longest allowed',
    { issuer: `https://i.test/${x(585)}` },
    options,
    { issuer: `https://i.test/${x(585)}` },
  ],
  [
    'STS-62: dev mode allows http on localhost',
    { issuer: 'http://localhost:8080/issuers/dev' },
    dev,
    { issuer: 'http://localhost:8080/issuers/dev' },
  ],
  [
    'STS-62: dev mode allows http on 127.0.0.1',
    { issuer: 'http://127.0.0.1:8080' },
    dev,
    { issuer: 'http://127.0.0.1:8080' },
  ],
  [
    'STS-62: dev mode allows http on [::1]',
    { issuer: 'http://[::1]:8080' },
    dev,
    { issuer: 'http://[::1]:8080' },
  ],
  [
    'STS-63: the subject is stored verbatim, a * included',
    { subject: ' repo:org/*:ref ' },
    options,
    { subject: ' repo:org/*:ref ' },
  ],
  [
    'STS-63: a 600-character subject is the longest allowed',
    { subject: x(600) },
    options,
    { subject: x(600) },
  ],
  [
    'STS-64: a 600-character audience is the longest allowed',
    { audiences: [x(600)] },
    options,
    { audiences: [x(600)] },
  ],
  [
    'STS-69: a null claimsMatchingExpression asks for nothing',
    { claimsMatchingExpression: null },
    options,
    {},
  ],
  ['STS-60: a client-sent id is ignored, the server assigns one', { id: 'mine' }, options, {}],
  [
    'STS-66: the same subject under another issuer is no duplicate',
    { subject: existing[0]!.subject, issuer: 'https://other.test' },
    options,
    { subject: existing[0]!.subject, issuer: 'https://other.test' },
  ],
]

for (const [name, change, opts, want] of accepted) {
  test(name, () => {
    assert.deepEqual(validateNewFic({ ...input, ...change }, existing, opts), {
      ...stored,
      ...want,
    })
  })
}

const rejected: readonly (readonly [string, unknown, number, string])[] = [
  ['IF-32: a body that is not an object', ['x'], 400, 'the request body must be a JSON object'],
  ['STS-61: a missing name', { ...input, name: undefined }, 400, 'name: is required'],
  ['STS-61: a 2-character name', { ...input, name: 'ab' }, 400, 'name: must be 3 to 120'],
  ['STS-61: a 121-character name', { ...input, name: x(121) }, 400, 'name: must be 3 to 120'],
  ['STS-61: a name starting with -', { ...input, name: '-abc' }, 400, 'name: must be 3 to 120'],
  [
    'STS-61: a name with = (azwi style)',
    { ...input, name: 'a=b=c' },
    400,
    'name: must be 3 to 120',
  ],
  ['STS-61: a numeric name', { ...input, name: 12345 }, 400, 'name: must be a string'],
  ['STS-62: a missing issuer', { ...input, issuer: undefined }, 400, 'issuer: is required'],
  [
    'STS-62: an http issuer outside dev mode',
    { ...input, issuer: 'http://localhost:8080' },
    400,
    'issuer: must be an absolute https URL',
  ],
  [
    'STS-62: a relative issuer',
    { ...input, issuer: '/issuers/prod' },
    400,
    'issuer: must be an absolute https URL',
  ],
  [
    'STS-62: an https: issuer without slashes',
    { ...input, issuer: 'https:example.com' },
    400,
    'issuer: must be an absolute https URL',
  ],
  [
    'STS-62: an issuer with whitespace',
    { ...input, issuer: 'https://i.test/prod ' },
    400,
    'issuer: must not contain whitespace',
  ],
  [
    'STS-62: a 601-character issuer',
    { ...input, issuer: `https://i.test/${x(586)}` },
    400,
    'issuer: must be at most 600 characters (got 601)',
  ],
  [
    'STS-62: an issuer with a query',
    { ...input, issuer: 'https://i.test/?tenant=a' },
    400,
    'issuer: must not have a query or fragment',
  ],
  [
    'STS-62: an issuer with a fragment',
    { ...input, issuer: 'https://i.test/#x' },
    400,
    'issuer: must not have a query or fragment',
  ],
  ['STS-63: an empty subject', { ...input, subject: '' }, 400, 'subject: must not be empty'],
  [
    'STS-63: a 601-character subject',
    { ...input, subject: x(601) },
    400,
    'subject: must be at most 600',
  ],
  [
    'STS-64: an empty audiences array',
    { ...input, audiences: [] },
    400,
    'audiences: must be an array with exactly one audience',
  ],
  [
    'STS-64: two audiences',
    { ...input, audiences: ['a', 'b'] },
    400,
    'audiences: must be an array with exactly one audience',
  ],
  [
    'STS-64: a string audiences',
    { ...input, audiences: 'a' },
    400,
    'audiences: must be an array with exactly one audience',
  ],
  ['STS-64: an empty audience', { ...input, audiences: [''] }, 400, 'audiences: must not be empty'],
  [
    'STS-64: a 601-character audience',
    { ...input, audiences: [x(601)] },
    400,
    'audiences: must be at most 600',
  ],
  [
    'STS-65: a 601-character description',
    { ...input, description: x(601) },
    400,
    'description: must be at most 600',
  ],
  [
    'STS-65: a numeric description',
    { ...input, description: 5 },
    400,
    'description: must be a string',
  ],
  [
    'STS-69: a claimsMatchingExpression',
    { ...input, claimsMatchingExpression: { value: 'x', languageVersion: 1 } },
    400,
    'claimsMatchingExpression: ',
  ],
  [
    'STS-61: a name already taken, ignoring case',
    { ...input, name: 'web-prod' },
    409,
    "name: a federated identity credential named 'Web-Prod'",
  ],
  [
    'STS-66: an issuer and subject already used',
    { ...input, subject: existing[0]!.subject },
    409,
    "subject: federated identity credential 'Web-Prod' already has this issuer and subject",
  ],
]

const fails = (fn: () => unknown, status: number, message: string) =>
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof GraphError)
    assert.equal(e.status, status)
    assert.equal(
      e.code,
      status === 409 ? 'Request_MultipleObjectsWithSameKeyValue' : 'Request_BadRequest',
    )
    assert.ok(e.message.startsWith(message), e.message)
    return true
  })

for (const [name, body, status, message] of rejected) {
  test(`${name} is ${status}`, () =>
    fails(() => validateNewFic(body, existing, options), status, message))
}

const twenty: ExistingFic[] = Array.from({ length: 20 }, (_, i) => ({
  name: `fic-${i}`,
  issuer: input.issuer,
  subject: `sub-${i}`,
}))

test('STS-67: the 20th credential is accepted', () => {
  assert.equal(validateNewFic(input, twenty.slice(1), options).name, input.name)
})

test('STS-67: the 21st credential is 400', () => {
  fails(
    () => validateNewFic(input, twenty, options),
    400,
    'federatedIdentityCredentials: at most 20',
  )
})

test('STS-67: a deployment may raise the cap', () => {
  assert.equal(validateNewFic(input, twenty, { ...options, maxPerIdentity: 50 }).name, input.name)
})

test('STYLE §2.10: a repeated create past the cap still says it already exists (409)', () => {
  fails(() => validateNewFic({ ...input, name: 'fic-3' }, twenty, options), 409, 'name: ')
})

const current: FicFields = { ...stored }
const siblings: ExistingFic[] = [current, ...existing]

const patched: readonly (readonly [string, Record<string, unknown>, Partial<FicFields>])[] = [
  ['IF-33: an empty patch changes nothing', {}, {}],
  [
    'IF-33: the issuer may change',
    { issuer: 'https://new.test/' },
    { issuer: 'https://new.test/' },
  ],
  ['IF-33: the subject may change', { subject: 'sub-2' }, { subject: 'sub-2' }],
  ['IF-33: the audience may change', { audiences: ['api://x'] }, { audiences: ['api://x'] }],
  ['IF-33: a null description clears it', { description: null }, { description: null }],
  ['STS-61: repeating the same name is no change', { name: current.name }, {}],
  ['STS-66: keeping its own issuer and subject is no duplicate', { subject: current.subject }, {}],
]

for (const [name, patch, want] of patched) {
  test(name, () => {
    assert.deepEqual(validateFicPatch(current, patch, siblings, options), { ...current, ...want })
  })
}

const badPatches: readonly (readonly [string, unknown, number, string])[] = [
  ['STS-61: renaming', { name: 'renamed' }, 400, 'name: cannot be changed after creation'],
  [
    'STS-61: renaming by case alone',
    { name: current.name.toUpperCase() },
    400,
    'name: cannot be changed',
  ],
  [
    'STS-64: two audiences',
    { audiences: ['a', 'b'] },
    400,
    'audiences: must be an array with exactly one',
  ],
  [
    'STS-64: null audiences',
    { audiences: null },
    400,
    'audiences: must be an array with exactly one',
  ],
  [
    'STS-62: an http issuer',
    { issuer: 'http://i.test' },
    400,
    'issuer: must be an absolute https URL',
  ],
  ['STS-63: a null subject', { subject: null }, 400, 'subject: is required'],
  [
    'STS-69: a claimsMatchingExpression',
    { claimsMatchingExpression: 'x' },
    400,
    'claimsMatchingExpression: ',
  ],
  [
    'STS-66: taking a sibling issuer and subject',
    { subject: existing[0]!.subject },
    409,
    "subject: federated identity credential 'Web-Prod'",
  ],
  ['IF-33: a patch that is not an object', null, 400, 'the request body must be a JSON object'],
]

for (const [name, patch, status, message] of badPatches) {
  test(`${name} in a patch is ${status}`, () =>
    fails(() => validateFicPatch(current, patch, siblings, options), status, message))
}
