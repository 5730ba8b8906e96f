// Properties of the AdmissionReview handler (workload.md §4, WL-5, WL-37, WL-38, WL-40…WL-44) over
// arbitrary bodies and generated pod reviews; admission.test.ts pins the named cases. Run bounds
// and replay: test/support/properties.ts.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import fastJsonPatch from 'fast-json-patch'
import { reviewAdmission, type Pod, type ServiceAccountLookup } from '../../../src/webhook/index.js'
import { jsonLike, runs, trickyString } from '../../support/properties.js'
import { mutationConfigArbitrary, podArbitrary, serviceAccountArbitrary } from './pod_arbitrary.js'

const { applyPatch } = fastJsonPatch
const V1 = 'admission.k8s.io/v1'

/** A request with each member valid, hostile or of the wrong type. */
const request = fc.record(
  {
    uid: fc.oneof(fc.constant('uid-1'), trickyString, jsonLike),
    operation: fc.oneof(fc.constantFrom('CREATE', 'UPDATE'), jsonLike),
    namespace: fc.oneof(fc.constant('payments'), jsonLike),
    resource: fc.oneof(fc.constant({ group: '', version: 'v1', resource: 'pods' }), jsonLike),
    subResource: fc.oneof(fc.constant(''), jsonLike),
    object: fc.oneof(podArbitrary, jsonLike),
  },
  { requiredKeys: [] },
)
const bodies = fc.oneof(
  trickyString,
  jsonLike.map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        apiVersion: fc.oneof(fc.constantFrom(V1, 'admission.k8s.io/v1beta1'), jsonLike),
        kind: fc.oneof(fc.constant('AdmissionReview'), jsonLike),
        request,
      },
      { requiredKeys: [] },
    )
    .map((review) => JSON.stringify(review)),
)

test('WL-41…WL-44: any body is answered with an AdmissionReview, never an exception', async () => {
  await fc.assert(
    fc.asyncProperty(
      bodies,
      serviceAccountArbitrary,
      mutationConfigArbitrary,
      async (body, sa, config) => {
        const outcome = await reviewAdmission(body, async () => sa, config)
        const { review } = outcome
        assert.equal(review.kind, 'AdmissionReview')
        assert.ok([V1, 'admission.k8s.io/v1beta1'].includes(review.apiVersion))
        assert.equal(typeof review.response.uid, 'string')
        if (!review.response.allowed)
          assert.ok([400, 500].includes(review.response.status?.code ?? 0))
      },
    ),
    runs(300),
  )
})

const review = (pod: Pod) =>
  JSON.stringify({
    apiVersion: V1,
    kind: 'AdmissionReview',
    request: {
      uid: 'uid-1',
      operation: 'CREATE',
      namespace: 'payments',
      resource: { group: '', version: 'v1', resource: 'pods' },
      object: pod,
    },
  })

test('WL-37, WL-38: the patch sent makes the pod that, reviewed again, gets no patch', async () => {
  await fc.assert(
    fc.asyncProperty(
      podArbitrary,
      serviceAccountArbitrary,
      mutationConfigArbitrary,
      async (pod, sa, config) => {
        const lookup: ServiceAccountLookup = async () => sa
        const { review: first } = await reviewAdmission(review(pod), lookup, config)
        assert.equal(first.response.uid, 'uid-1', 'WL-40: the uid is echoed')
        if (first.response.patch === undefined) return
        const patch = JSON.parse(Buffer.from(first.response.patch, 'base64').toString('utf8'))
        const { newDocument } = applyPatch(structuredClone(pod), patch, true, false)
        const { review: second } = await reviewAdmission(review(newDocument), lookup, config)
        assert.equal(second.response.allowed, true)
        assert.equal(second.response.patch, undefined)
      },
    ),
    runs(200),
  )
})
