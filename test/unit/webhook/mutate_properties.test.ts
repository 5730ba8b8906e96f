// Properties of pod mutation and its JSON Patch (workload.md §3, WL-30, WL-37…WL-39, WL-43) over
// generated Kubernetes-shaped pods; mutate.test.ts pins the golden cases. Run bounds and replay:
// test/support/properties.ts.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import fastJsonPatch from 'fast-json-patch'
import {
  diffToJsonPatch,
  mutatePod,
  SKIP_CONTAINERS_ANNOTATION,
  USE_LABEL,
  WebhookError,
  type Container,
  type Mutation,
  type Pod,
} from '../../../src/webhook/index.js'
import { returnsOrThrows, runs } from '../../support/properties.js'
import { mutationConfigArbitrary, podArbitrary, serviceAccountArbitrary } from './pod_arbitrary.js'

const { applyPatch } = fastJsonPatch
const inputs = fc.tuple(podArbitrary, serviceAccountArbitrary, mutationConfigArbitrary)

/** Regular and init containers, the ones §3.1 mutates, in order. */
const mutable = (pod: Pod): Container[] => [
  ...(pod.spec?.initContainers ?? []),
  ...(pod.spec?.containers ?? []),
]

/**
 * Checks `property` of every generated input that mutates; an input whose expiration annotation
 * is invalid must throw WebhookError (WL-43) and nothing else.
 */
function forEveryMutation(
  property: (pod: Pod, mutation: Mutation, again: () => Mutation) => void,
): void {
  fc.assert(
    fc.property(inputs, ([pod, sa, config]) => {
      const mutation = returnsOrThrows(() => mutatePod(pod, sa, config), WebhookError)
      if (mutation !== undefined) property(pod, mutation, () => mutatePod(mutation.pod, sa, config))
    }),
    runs(300),
  )
}

test('WL-43: mutation never throws anything but WebhookError, and leaves its input alone', () => {
  fc.assert(
    fc.property(inputs, ([pod, sa, config]) => {
      const before = structuredClone(pod)
      returnsOrThrows(() => mutatePod(pod, sa, config), WebhookError)
      assert.deepEqual(pod, before)
    }),
    runs(300),
  )
})

test('WL-37: the JSON Patch applied to the input gives exactly the mutated pod', () => {
  forEveryMutation((pod, mutation) => {
    const patch = diffToJsonPatch(pod, mutation.pod)
    const { newDocument } = applyPatch(structuredClone(pod), structuredClone(patch), true, false)
    assert.deepEqual(newDocument, mutation.pod)
  })
})

test('WL-38: mutating a mutated pod adds nothing (the second patch is empty)', () => {
  forEveryMutation((_pod, first, again) => {
    const second = again()
    assert.deepEqual(diffToJsonPatch(first.pod, second.pod), [])
  })
})

test('WL-30: a variable the user set is never overwritten, and nothing is removed from env', () => {
  forEveryMutation((pod, mutation) => {
    const after = mutable(mutation.pod)
    mutable(pod).forEach((container, i) => {
      const env = after[i]?.env ?? []
      const own = container.env ?? []
      assert.deepEqual(env.slice(0, own.length), own, `container ${i} kept its env as it was`)
      for (const added of env.slice(own.length)) {
        assert.ok(!own.some((e) => e.name === added.name), `${added.name} added twice`)
      }
    })
  })
})

test('WL-23, WL-39: a pod without use=true, a skipped or ephemeral container is left alone', () => {
  forEveryMutation((pod, mutation) => {
    if (pod.metadata?.labels?.[USE_LABEL] !== 'true') {
      assert.deepEqual(diffToJsonPatch(pod, mutation.pod), [])
    }
    assert.deepEqual(mutation.pod.spec?.ephemeralContainers, pod.spec?.ephemeralContainers)
    const skip = (pod.metadata?.annotations?.[SKIP_CONTAINERS_ANNOTATION] ?? '')
      .split(';')
      .map((s) => s.trim())
      .filter((s) => s !== '')
    const after = mutable(mutation.pod)
    mutable(pod).forEach((container, i) => {
      if (skip.includes(container.name)) assert.deepEqual(after[i], container)
    })
    const withoutSpec = (p: Pod) => Object.entries(p).filter(([key]) => key !== 'spec')
    assert.deepEqual(withoutSpec(mutation.pod), withoutSpec(pod), 'WL-39: only spec changes')
  })
})
