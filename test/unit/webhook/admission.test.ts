import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  reviewAdmission,
  type MutationConfig,
  type Pod,
  type ServiceAccountLookup,
} from '../../../src/webhook/index.js'

const config: MutationConfig = {
  tenantId: 'tenant-webhook',
  authorityHost: 'https://login.example.com/',
  audience: 'api://AzureADTokenExchange',
  tokenLayout: 'v1.6',
}
const pod: Pod = {
  metadata: { name: 'web-1', labels: { 'azure.workload.identity/use': 'true' } },
  spec: { containers: [{ name: 'app', image: 'app:1' }] },
}
const uid = 'b1c2d3e4-0000-4000-8000-000000000001'
const request = {
  uid,
  resource: { group: '', version: 'v1', resource: 'pods' },
  namespace: 'payments',
  operation: 'CREATE',
  object: pod,
}
const body = (change: Record<string, unknown>, apiVersion = 'admission.k8s.io/v1') =>
  JSON.stringify({ apiVersion, kind: 'AdmissionReview', request: { ...request, ...change } })
const seen: string[] = []
const lookup: ServiceAccountLookup = async (namespace, name) => {
  seen.push(`${namespace}/${name}`)
  return { metadata: { annotations: { 'azure.workload.identity/client-id': 'client-1' } } }
}

const allowedWithoutPatch = [
  [
    'WL-2: a non-pod resource',
    { resource: { group: 'apps', version: 'v1', resource: 'deployments' } },
  ],
  ['WL-2: a pod subresource', { subResource: 'ephemeralcontainers', operation: 'UPDATE' }],
  ['WL-39: a DELETE', { operation: 'DELETE' }],
  ['WL-39: an UPDATE', { operation: 'UPDATE' }],
  [
    'WL-23: a pod labelled "True"',
    { object: { ...pod, metadata: { labels: { 'azure.workload.identity/use': 'True' } } } },
  ],
] as const
for (const [name, change] of allowedWithoutPatch) {
  test(`${name} is allowed with no patch and no SA read`, async () => {
    seen.length = 0
    const outcome = await reviewAdmission(body(change), lookup, config)
    assert.deepEqual(outcome.review.response, { uid, allowed: true })
    assert.equal(outcome.result, 'skipped')
    assert.deepEqual(seen, [])
  })
}

const refused = [
  ['WL-41: an empty body', '', 400, ''],
  ['WL-41: a JSON array', '[]', 400, ''],
  [
    'WL-41: another kind',
    JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'Pod', request }),
    400,
    uid,
  ],
  ['WL-41: an unknown apiVersion', body({}, 'admission.k8s.io/v2'), 400, uid],
  ['WL-41: a request without uid', body({ uid: '' }), 400, ''],
  ['WL-41: a CREATE without an object', body({ object: null }), 400, uid],
  // Found by admission_properties.test.ts (issue #9): String() and template literals throw on a
  // JSON object whose `toString` member is no function.
  [
    'WL-41: an apiVersion object with a toString member',
    JSON.stringify({ apiVersion: { toString: 1 }, kind: 'AdmissionReview', request }),
    400,
    uid,
  ],
  [
    'WL-41: an operation object with a toString member',
    body({ operation: { toString: 1 } }),
    400,
    uid,
  ],
  [
    'WL-41: a namespace object with a toString member',
    body({ namespace: { toString: [] } }),
    400,
    uid,
  ],
] as const
for (const [name, text, code, wantUid] of refused) {
  test(`${name} is refused with ${code}`, async () => {
    const outcome = await reviewAdmission(text, lookup, config)
    assert.equal(outcome.review.apiVersion, 'admission.k8s.io/v1')
    assert.equal(outcome.review.response.allowed, false)
    assert.equal(outcome.review.response.uid, wantUid)
    assert.equal(outcome.review.response.status?.code, code)
    assert.equal(outcome.result, 'denied')
  })
}

test('WL-20, WL-40: the SA is read in the request namespace, default name when empty', async () => {
  seen.length = 0
  const outcome = await reviewAdmission(body({}), lookup, config)
  assert.deepEqual(seen, ['payments/default'])
  assert.equal(outcome.result, 'injected')
  assert.equal(outcome.pod, 'payments/web-1')
  assert.equal(outcome.review.response.patchType, 'JSONPatch')
})

test('WL-5: a v1beta1 review gets a v1beta1 reply', async () => {
  const outcome = await reviewAdmission(body({}, 'admission.k8s.io/v1beta1'), lookup, config)
  assert.equal(outcome.review.apiVersion, 'admission.k8s.io/v1beta1')
})

test('WL-42: a failed SA read is a 400 naming namespace/sa and the reason', async () => {
  const failing: ServiceAccountLookup = async () => {
    throw new Error('forbidden (403)')
  }
  const outcome = await reviewAdmission(body({}), failing, config)
  assert.deepEqual(outcome.review.response.status, {
    code: 400,
    message: 'service account payments/default could not be read: forbidden (403)',
  })
})

test('WL-44: an internal failure is a 500 that hides its cause', async () => {
  const broken = (async () => null) as unknown as ServiceAccountLookup
  const outcome = await reviewAdmission(body({}), broken, config)
  assert.deepEqual(outcome.review.response, {
    uid,
    allowed: false,
    status: { code: 500, message: 'internal error' },
  })
  assert.equal(outcome.result, 'error')
  assert.ok(outcome.cause instanceof Error)
})

test('WL-44: a pod name that is no string is answered, and left out of the pod reference (issue #9)', async () => {
  const named = {
    ...pod,
    metadata: { ...pod.metadata, name: { toString: 1 }, generateName: 'web-' },
  }
  const outcome = await reviewAdmission(body({ object: named }), lookup, config)
  assert.equal(outcome.pod, 'payments/web-*')
  assert.equal(outcome.review.response.uid, uid)
})

/** A review whose pod carries an array 100,000 levels deep, spliced in as text. */
function deepReview(object: Pod): string {
  const deep = '['.repeat(100_000) + ']'.repeat(100_000)
  return body({ object: { ...object, spec: { ...object.spec, extra: 'DEEP' } } }).replace(
    '"DEEP"',
    deep,
  )
}

test('WL-41, #9 item 1: a labelled pod nested 100,000 deep is refused with 400, not a 500', async () => {
  // Without the bound, the deep copy made for mutation overflowed the stack: an internal error.
  const outcome = await reviewAdmission(deepReview(pod), lookup, config)
  assert.equal(outcome.review.response.uid, uid)
  assert.equal(outcome.review.response.allowed, false)
  assert.equal(outcome.review.response.status?.code, 400)
  assert.match(outcome.review.response.status?.message ?? '', /nested deeper than 64 levels/)
})

test('WL-23, #9 item 1: an unlabelled pod nested 100,000 deep is still allowed untouched', async () => {
  const unlabelled = { ...pod, metadata: { name: 'deep' } }
  const outcome = await reviewAdmission(deepReview(unlabelled), lookup, config)
  assert.deepEqual(outcome.review.response, { uid, allowed: true })
})
