import type { LookupAddress, LookupOptions } from 'node:dns'

/**
 * RFC 6761 §6.3: `localhost` and every name under it are loopback names. DNS names compare
 * without case (RFC 4343) and an absolute name may end in a dot.
 */
export function isLocalhostName(hostname: unknown): hostname is string {
  if (typeof hostname !== 'string') return false
  const name = hostname.toLowerCase().replace(/\.$/, '')
  return name === 'localhost' || name.endsWith('.localhost')
}

const V4: LookupAddress = { address: '127.0.0.1', family: 4 }
const V6: LookupAddress = { address: '::1', family: 6 }

/**
 * The loopback answers to a `dns.lookup` with `options` (a family number or an options object),
 * in the order it asks for. With no order asked for, IPv4 comes first, as `127.0.0.1 localhost`
 * leads a typical hosts file, so a server bound to `localhost` on IPv4 is reached first.
 */
export function loopbackAddresses(
  options: LookupOptions | number | undefined,
  defaultOrder: string,
): [LookupAddress, ...LookupAddress[]] {
  const asked: LookupOptions = typeof options === 'number' ? { family: options } : (options ?? {})
  const family = asked.family === 'IPv4' ? 4 : asked.family === 'IPv6' ? 6 : (asked.family ?? 0)
  if (family === 4) return [V4]
  if (family === 6) return [V6]
  const order = asked.order ?? (asked.verbatim === false ? 'ipv4first' : defaultOrder)
  return order === 'ipv6first' ? [V6, V4] : [V4, V6]
}
