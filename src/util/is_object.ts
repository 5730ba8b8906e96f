/** True for a JSON object: not null, not an array. Narrows to a record of unknown members. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
