// WL-41: a pod the API server could never have decoded (a list that is a string, a container that
// is a number) is a malformed request, answered 400, not an internal failure. mutatePod trusts the
// core/v1 shapes it walks; before this check, `"containers":"app"` made it throw and the webhook
// answered 500 (found by the attack corpus, issue #9 item 4).
import { isObject } from '../util/index.js'
import type { Pod } from './types.js'

/** Whether `value` is absent or a list of objects; `what` names it in the problem. */
function listProblem(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value)) return `${what} must be a list`
  const index = value.findIndex((entry) => !isObject(entry))
  return index === -1 ? undefined : `${what}[${index}] must be an object`
}

/**
 * The first field mutatePod reads whose type is not core/v1's, or `undefined` if the pod is
 * shaped as it expects: metadata and spec objects, string annotations, and lists of objects for
 * containers, init containers, their env and volume mounts, and volumes.
 */
export function podShapeProblem(pod: Pod): string | undefined {
  const { metadata, spec } = pod as Record<string, unknown>
  if (metadata !== undefined && !isObject(metadata)) return 'metadata must be an object'
  const annotations = isObject(metadata) ? metadata.annotations : undefined
  if (annotations !== undefined && annotations !== null) {
    if (!isObject(annotations)) return 'metadata.annotations must be an object'
    const key = Object.keys(annotations).find((k) => typeof annotations[k] !== 'string')
    if (key !== undefined) return `metadata.annotations[${JSON.stringify(key)}] must be a string`
  }
  if (spec === undefined) return undefined
  if (!isObject(spec)) return 'spec must be an object'
  for (const field of ['initContainers', 'containers'] as const) {
    const problem = listProblem(spec[field], `spec.${field}`)
    if (problem !== undefined) return problem
    const containers = (spec[field] ?? []) as Record<string, unknown>[]
    for (const [i, container] of containers.entries()) {
      for (const list of ['env', 'volumeMounts'] as const) {
        const inner = listProblem(container[list], `spec.${field}[${i}].${list}`)
        if (inner !== undefined) return inner
      }
    }
  }
  return listProblem(spec.volumes, 'spec.volumes')
}
