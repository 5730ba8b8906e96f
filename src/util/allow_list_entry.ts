// The syntax of one `sts.issuerAllowList` entry, shared by the config check (which names the
// path) and the STS (which builds its address screen from the checked entries, STS-101).
import { isIP } from 'node:net'

/**
 * Why `entry` is neither a host name nor an address range in CIDR notation, or undefined when it
 * is one: `issuer.example.com`, `10.0.0.7`, `10.1.0.0/16`, `::1` or `fd00::/8`.
 */
export function allowListEntryProblem(entry: string): string | undefined {
  const slash = entry.indexOf('/')
  const network = slash === -1 ? entry : entry.slice(0, slash)
  const version = isIP(network)
  if (slash === -1 ? !/^[A-Za-z0-9.:-]+$/.test(entry) : version === 0) {
    return `"${entry}" is no host name or CIDR range`
  }
  if (slash === -1) return undefined
  const prefix = entry.slice(slash + 1)
  const max = version === 4 ? 32 : 128
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) {
    return `"${entry}" is no CIDR range such as 10.1.0.0/16 or fd00::/8`
  }
  return undefined
}
