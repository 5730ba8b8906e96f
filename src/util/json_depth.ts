// How deep a parsed JSON value nests (issue #9 item 1): shared by the listeners' body check and
// the webhook, which parses its own body.
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
