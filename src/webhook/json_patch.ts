/** A JSON value as produced by `JSON.parse`. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** One RFC 6902 operation; the diff emits only these three. */
export type JsonPatchOperation =
  | { op: 'add'; path: string; value: Json }
  | { op: 'replace'; path: string; value: Json }
  | { op: 'remove'; path: string }

/** Escapes one reference token: `~` first, then `/` (RFC 6901 §3, §4). */
export function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1')
}

/**
 * The RFC 6902 operations that turn `before` into `after`, computed by diffing as Azure Workload
 * Identity does rather than written by hand (STYLE.md §1, WL-37). Objects are diffed key by key;
 * arrays element by element, with extra elements added at their index and surplus ones removed
 * from the end first so that each index stays valid. Equal documents give an empty list (WL-38).
 */
export function diffToJsonPatch(before: unknown, after: unknown): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = []
  diff(before as Json, after as Json, '', ops)
  return ops
}

/** Deep equality of JSON values; object key order does not matter. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return diffToJsonPatch(a, b).length === 0
}

function diff(a: Json, b: Json, path: string, ops: JsonPatchOperation[]): void {
  if (Array.isArray(a) && Array.isArray(b)) {
    const common = Math.min(a.length, b.length)
    for (let i = 0; i < common; i++) diff(a[i] as Json, b[i] as Json, `${path}/${i}`, ops)
    for (let i = a.length - 1; i >= b.length; i--) ops.push({ op: 'remove', path: `${path}/${i}` })
    for (let i = a.length; i < b.length; i++) {
      ops.push({ op: 'add', path: `${path}/${i}`, value: structuredClone(b[i] as Json) })
    }
  } else if (isObject(a) && isObject(b)) {
    for (const key of Object.keys(a)) {
      if (!Object.hasOwn(b, key))
        ops.push({ op: 'remove', path: `${path}/${escapePointerToken(key)}` })
    }
    for (const [key, value] of Object.entries(b)) {
      const child = `${path}/${escapePointerToken(key)}`
      if (Object.hasOwn(a, key)) diff(a[key] as Json, value, child, ops)
      else ops.push({ op: 'add', path: child, value: structuredClone(value) })
    }
  } else if (a !== b) {
    ops.push({ op: 'replace', path, value: structuredClone(b) })
  }
}

function isObject(v: Json): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
