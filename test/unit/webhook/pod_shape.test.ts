import assert from 'node:assert/strict'
import { test } from 'node:test'
import { podShapeProblem } from '../../../src/webhook/pod_shape.js'
import type { Pod } from '../../../src/webhook/types.js'

const container = { name: 'app', image: 'app:1', env: [{ name: 'A', value: 'a' }] }
const cases: [string, unknown, string | undefined][] = [
  [
    'a core/v1 pod passes',
    { metadata: { annotations: { a: 'b' } }, spec: { containers: [container] } },
    undefined,
  ],
  ['a pod without spec passes', { metadata: {} }, undefined],
  ['containers as a string', { spec: { containers: 'app' } }, 'spec.containers must be a list'],
  [
    'a container that is a number',
    { spec: { containers: [container, 7] } },
    'spec.containers[1] must be an object',
  ],
  [
    'init container env as an object',
    { spec: { initContainers: [{ name: 'i', env: {} }] } },
    'spec.initContainers[0].env must be a list',
  ],
  [
    'volume mounts holding a string',
    { spec: { containers: [{ name: 'a', volumeMounts: ['x'] }] } },
    'spec.containers[0].volumeMounts[0] must be an object',
  ],
  ['volumes as a number', { spec: { containers: [], volumes: 1 } }, 'spec.volumes must be a list'],
  ['spec as a list', { spec: [] }, 'spec must be an object'],
  ['metadata as a string', { metadata: 'x' }, 'metadata must be an object'],
  [
    'an annotation value that is a number',
    { metadata: { annotations: { e: 3600 } } },
    'metadata.annotations["e"] must be a string',
  ],
]

for (const [name, pod, want] of cases) {
  test(`#9 item 4, WL-41: ${name}`, () => assert.equal(podShapeProblem(pod as Pod), want))
}
