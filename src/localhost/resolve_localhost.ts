/**
 * A preload for local workloads (IF-16): `node --import wifkit/localhost app.js`. Names that end
 * in `.localhost` (and `localhost` itself) resolve to loopback in this process, as RFC 6761 §6.3
 * asks, so `https://demo.vault.localhost:PORT` works where the system resolver knows no such
 * name (glibc with `hosts: files dns`). `node:http(s)`, `net`, `tls`, `fetch` (undici) and the
 * Azure SDK pipeline all resolve through `dns.lookup`. Every other name goes to the system
 * resolver untouched, and no system file is edited.
 */
import dns, { type LookupAddress, type LookupOptions } from 'node:dns'
import { syncBuiltinESMExports } from 'node:module'
import { promisify } from 'node:util'
import { isLocalhostName, loopbackAddresses } from './loopback_lookup.js'

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void
type Lookup = (...args: unknown[]) => unknown
type PromisesLookup = (...args: unknown[]) => Promise<unknown>

/** Marks the patched module, so a second `--import` does not wrap the wrapper. */
const INSTALLED = Symbol.for('wifkit.localhost-resolver')

const answer = (options: LookupOptions | number | undefined) => {
  const addresses = loopbackAddresses(options, dns.getDefaultResultOrder())
  return typeof options === 'object' && options.all ? addresses : addresses[0]
}

function install(): void {
  const mutableDns = dns as unknown as Record<string | symbol, unknown>
  const mutablePromises = dns.promises as unknown as Record<string, unknown>
  if (mutableDns[INSTALLED]) return
  const systemLookup = dns.lookup as unknown as Lookup
  const systemPromisesLookup = dns.promises.lookup as unknown as PromisesLookup

  const promisesLookup: PromisesLookup = async (...args) => {
    const [hostname, options] = args as [unknown, LookupOptions | number | undefined]
    if (!isLocalhostName(hostname)) return systemPromisesLookup(...args)
    return answer(options)
  }
  // Same signature as dns.lookup: (hostname, [options], callback), answered asynchronously.
  const lookup: Lookup = (...args) => {
    const [hostname, second, third] = args
    if (!isLocalhostName(hostname) || args.length < 2) return systemLookup(...args)
    const callback = (typeof second === 'function' ? second : third) as LookupCallback
    const options = typeof second === 'function' ? undefined : (second as LookupOptions | number)
    if (typeof callback !== 'function') return systemLookup(...args)
    const result = answer(options)
    process.nextTick(() =>
      Array.isArray(result)
        ? callback(null, result)
        : callback(null, result.address, result.family),
    )
    return undefined
  }
  Object.assign(lookup, { [promisify.custom]: promisesLookup })

  mutableDns.lookup = lookup
  mutablePromises.lookup = promisesLookup
  mutableDns[INSTALLED] = true
  // Named ESM imports (`import { lookup } from 'node:dns'`) are snapshots until synced.
  syncBuiltinESMExports()
}

install()
