// Which IP addresses an external issuer may not resolve to (STS-101), and the operator's
// allow-list that lifts the refusal. Pure: values in, values out. It imports node:net only for
// `isIP` and `BlockList`, which parse and compare addresses without touching the network; a
// hand-written IPv6 parser would be one more place for an SSRF bypass to hide.
import { BlockList, isIP } from 'node:net'
import { allowListEntryProblem } from '../../util/index.js'

/** Why an address is not a public one; every class is refused unless allow-listed. */
export type AddressClass = 'loopback' | 'private' | 'link-local' | 'unspecified' | 'shared'

/** How the refusal names each class, e.g. "a private address 10.0.0.5". */
export const ADDRESS_CLASS_WORDING: Record<AddressClass, string> = {
  loopback: 'a loopback address',
  private: 'a private address',
  'link-local': 'a link-local address',
  unspecified: 'an unspecified address',
  shared: 'a carrier-grade NAT (shared) address',
}

type Range = readonly [network: string, prefix: number]

// IPv4 ranges also match their IPv4-mapped IPv6 form (::ffff:a.b.c.d): BlockList compares those
// as IPv4, which closes the classic bypass of writing a private address in IPv6 notation.
const RANGES: Record<AddressClass, { ipv4: readonly Range[]; ipv6: readonly Range[] }> = {
  loopback: { ipv4: [['127.0.0.0', 8]], ipv6: [['::1', 128]] },
  // RFC 1918, RFC 4193 unique local, and the deprecated site-local fec0::/10 (RFC 3879).
  private: {
    ipv4: [
      ['10.0.0.0', 8],
      ['172.16.0.0', 12],
      ['192.168.0.0', 16],
    ],
    ipv6: [
      ['fc00::', 7],
      ['fec0::', 10],
    ],
  },
  'link-local': { ipv4: [['169.254.0.0', 16]], ipv6: [['fe80::', 10]] },
  // 0.0.0.0/8 as a whole: Linux connects 0.0.0.0 to the local host.
  unspecified: { ipv4: [['0.0.0.0', 8]], ipv6: [['::', 128]] },
  // RFC 6598: carriers' NAT space, internal to a provider's network.
  shared: { ipv4: [['100.64.0.0', 10]], ipv6: [] },
}

/** The two 16-bit groups of one of the dotted quads written above, in hex. */
function groupsOf(network: string): string {
  const [a = 0, b = 0, c = 0, d = 0] = network.split('.').map(Number)
  return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
}

/**
 * The IPv6 ranges that carry an IPv4 range inside them and reach it through a gateway: NAT64's
 * well-known prefix 64:ff9b::/96 (RFC 6052, the IPv4 address in the last 32 bits) and 6to4's
 * 2002::/16 (RFC 3056, the IPv4 address in bits 16 to 47). Written as ranges, so the addresses
 * screened are never taken apart by hand.
 */
function embeddingsOf([network, prefix]: Range): Range[] {
  return [
    [`64:ff9b::${groupsOf(network)}`, 96 + prefix],
    [`2002:${groupsOf(network)}::`, 16 + prefix],
  ]
}

function blockListOf(ranges: { ipv4: readonly Range[]; ipv6: readonly Range[] }): BlockList {
  const list = new BlockList()
  for (const range of ranges.ipv4) {
    list.addSubnet(range[0], range[1], 'ipv4')
    for (const [network, prefix] of embeddingsOf(range)) list.addSubnet(network, prefix, 'ipv6')
  }
  for (const [network, prefix] of ranges.ipv6) list.addSubnet(network, prefix, 'ipv6')
  return list
}

const CLASSES = (Object.keys(RANGES) as AddressClass[]).map(
  (name) => [name, blockListOf(RANGES[name])] as const,
)

/** `address` without an IPv6 zone (`fe80::1%eth0`), which BlockList would not recognise. */
function withoutZone(address: string): string {
  const zone = address.indexOf('%')
  return zone === -1 ? address : address.slice(0, zone)
}

/** 'ipv4' or 'ipv6'; a TypeError when `address` is no IP address (a caller's misuse). */
function familyOf(address: string): 'ipv4' | 'ipv6' {
  const version = isIP(address)
  if (version === 0) throw new TypeError(`not an IP address: ${JSON.stringify(address)}`)
  return version === 4 ? 'ipv4' : 'ipv6'
}

/** The non-public class of `address`, or undefined for a public address (STS-101). */
export function addressClass(address: string): AddressClass | undefined {
  const bare = withoutZone(address)
  const family = familyOf(bare)
  return CLASSES.find(([, list]) => list.check(bare, family))?.[0]
}

/**
 * `sts.issuerAllowList` prepared for lookups: host names (compared case-insensitively, as DNS
 * does) and address ranges in CIDR notation (`10.1.0.0/16`, `fd00::/8`, or one address).
 */
export interface IssuerAllowList {
  readonly hosts: ReadonlySet<string>
  readonly ranges: BlockList
}

/** Prepares the configured entries; a TypeError for an entry the config check lets through. */
export function issuerAllowList(entries: readonly string[]): IssuerAllowList {
  const hosts = new Set<string>()
  const ranges = new BlockList()
  for (const entry of entries) {
    const problem = allowListEntryProblem(entry)
    if (problem !== undefined) throw new TypeError(problem)
    const [network = entry, prefix] = entry.split('/')
    if (prefix !== undefined) ranges.addSubnet(network, Number(prefix), familyOf(network))
    else if (isIP(entry) !== 0) ranges.addAddress(entry, familyOf(entry))
    else hosts.add(entry.toLowerCase())
  }
  return { hosts, ranges }
}

/** The verdict on the addresses one host name resolved to. */
export interface AddressVerdict {
  /** The addresses a connection may use, in resolver order. */
  usable: string[]
  /** The first address refused, with its class; set when any was refused. */
  refused?: { address: string; class: AddressClass }
}

/**
 * Which of the addresses `hostname` resolved to may be connected to (STS-101): all of them when
 * the host name is allow-listed, else the public ones and those inside an allowed range. The
 * caller connects only to `usable` and fails when it is empty, so the address checked is the
 * address connected to.
 */
export function screenAddresses(
  hostname: string,
  addresses: readonly string[],
  allow: IssuerAllowList,
): AddressVerdict {
  if (allow.hosts.has(hostname.toLowerCase())) return { usable: [...addresses] }
  const verdict: AddressVerdict = { usable: [] }
  for (const address of addresses) {
    const bare = withoutZone(address)
    const kind = addressClass(bare)
    if (kind === undefined || allow.ranges.check(bare, familyOf(bare))) {
      verdict.usable.push(address)
    } else {
      verdict.refused ??= { address, class: kind }
    }
  }
  return verdict
}
