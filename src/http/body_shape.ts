/**
 * A parsed body that breaks a shape limit (issue #9 item 1). It carries status 400 as framework
 * errors do, so the error hook renders it in the route's protocol: Graph `BadRequest`, Key Vault
 * `BadParameter`, Entra `invalid_request`, Kubernetes `BadRequest`.
 */
export class BodyShapeError extends Error {
  readonly statusCode = 400
}

function isJsonContainer(value: unknown): value is object {
  if (Array.isArray(value)) return true
  if (typeof value !== 'object' || value === null) return false
  const prototype = Object.getPrototypeOf(value) as unknown
  return prototype === Object.prototype || prototype === null
}

/**
 * True when `value` nests arrays and objects deeper than `maxDepth` (a scalar is depth 0, `[]`
 * depth 1). Other objects (a form, a buffer) are not JSON and count as scalars. The walk stops one
 * level past the limit, so its own stack stays within `maxDepth + 1` frames however deep the
 * value is.
 */
export function exceedsJsonDepth(value: unknown, maxDepth: number): boolean {
  if (!isJsonContainer(value)) return false
  if (maxDepth <= 0) return true
  const children: unknown[] = Array.isArray(value) ? value : Object.values(value)
  return children.some((child) => exceedsJsonDepth(child, maxDepth - 1))
}

/** The message of a body nested too deeply; names the limit, never the body. */
export function jsonTooDeepMessage(maxDepth: number): string {
  return `the JSON body is nested deeper than ${maxDepth} levels`
}

/** True when a form has more than `maxFields` fields, each repetition of a name counted. */
export function exceedsFormFields(form: URLSearchParams, maxFields: number): boolean {
  return form.size > maxFields
}
