const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i
const HEXTET = /^[0-9a-f]{1,4}$/i

/**
 * The rate-limit key of a source address (issue #9 item 2): an IPv4 address as it is, an IPv6
 * address by its /64. One host commonly holds a whole /64 (SLAAC, RFC 4291 §2.5.1 interface
 * identifiers), so keying by full address would give it 2^64 buckets. An IPv4-mapped IPv6
 * address counts as its IPv4 address; a string that does not parse keys as itself.
 */
export function addressKey(ip: string): string {
  const mapped = IPV4_MAPPED.exec(ip)
  if (mapped) return mapped[1] as string
  if (!ip.includes(':')) return ip
  const address = ip.split('%')[0] as string
  const halves = address.split('::')
  if (halves.length > 2) return ip
  const groupsOf = (part: string | undefined) => (part ? part.split(':') : [])
  const head = groupsOf(halves[0])
  const tail = groupsOf(halves[1])
  const missing = 8 - head.length - tail.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return ip
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail]
  if (!groups.slice(0, 4).every((g) => HEXTET.test(g))) return ip
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`
}
