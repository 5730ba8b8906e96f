import { createHash } from 'node:crypto'

/**
 * The `uid` of a service account. wifkit mints for any valid name without registration (IF-40),
 * so there is no stored object; the uid is derived from issuer, namespace and name, giving the
 * same account the same uid on every node and after every restart. Formatted as an RFC 9562
 * version-8 (custom) UUID so that it looks like what kube-apiserver emits.
 */
export function serviceAccountUid(issuerId: string, namespace: string, name: string): string {
  const bytes = createHash('sha256')
    .update(`${issuerId}\n${namespace}\n${name}`)
    .digest()
    .subarray(0, 16)
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x80
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
