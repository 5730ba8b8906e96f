// The connection pool for external issuers' metadata (STS-93, STS-101). Each connection resolves
// its host once, screens the addresses, and connects only to an address that passed: the check
// sits inside the connect step, so DNS cannot answer differently between check and connect
// (rebinding), and it covers discovery, a jwks_uri on another host and every redirect alike.
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns'
import { isIP, type LookupFunction } from 'node:net'
import { rootCertificates } from 'node:tls'
import { Agent, buildConnector, type Dispatcher } from 'undici'
import {
  ADDRESS_CLASS_WORDING,
  issuerAllowList,
  screenAddresses,
  type AddressVerdict,
  type IssuerAllowList,
} from './address_class.js'
import { IssuerMetadataError } from './issuer_metadata_error.js'

/** How to build {@link issuerDispatcher}. */
export interface IssuerDispatcherOptions {
  /** TCP and TLS setup of one connection. */
  connectTimeoutMs: number
  /** `sts.issuerAllowList`: host names and CIDR ranges that may be non-public (STS-101). */
  allowList: readonly string[]
  /** A CA trusted besides the system roots, as `wifkit dev` trusts its own. */
  extraCa?: string
}

/** STS-101: the row-19 failure for a host whose addresses are all refused. */
function refusal(hostname: string, verdict: AddressVerdict): IssuerMetadataError {
  const { refused } = verdict
  if (refused === undefined) {
    return new IssuerMetadataError('unreachable', `issuer host ${hostname} has no address`)
  }
  const wording = ADDRESS_CLASS_WORDING[refused.class]
  return new IssuerMetadataError(
    'unreachable',
    `issuer host ${hostname} resolves to ${wording} ${refused.address}; allow-list it in sts.issuerAllowList`,
    {
      publicHint: `The issuer host resolves to ${wording}, which is refused unless an operator allow-lists it in sts.issuerAllowList.`,
    },
  )
}

// net.connect calls this instead of dns.lookup; with autoSelectFamily it asks for all addresses.
function screenedLookup(allow: IssuerAllowList): LookupFunction {
  return (hostname, options, callback) => {
    const all: LookupAllOptions = { ...options, all: true }
    dnsLookup(hostname, all, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0)
      const verdict = screenAddresses(
        hostname,
        addresses.map((a) => a.address),
        allow,
      )
      const usable = addresses.filter((a) => verdict.usable.includes(a.address))
      const first = usable[0]
      if (first === undefined) return callback(refusal(hostname, verdict), '', 0)
      if (options.all === true) {
        // The callback's declared type covers only the single-address form.
        ;(callback as unknown as (e: null, all: LookupAddress[]) => void)(null, usable)
      } else callback(null, first.address, first.family)
    })
  }
}

/**
 * An undici dispatcher for issuer metadata: connect timeout, optional extra CA, and the STS-101
 * address screen. A URL naming an IP address never reaches a lookup, so it is screened here.
 */
export function issuerDispatcher(options: IssuerDispatcherOptions): Dispatcher {
  const allow = issuerAllowList(options.allowList)
  const connector = buildConnector({
    timeout: options.connectTimeoutMs,
    lookup: screenedLookup(allow),
    ...(options.extraCa ? { ca: [...rootCertificates, options.extraCa] } : {}),
  })
  const connect: buildConnector.connector = (connectOptions, callback) => {
    const { hostname } = connectOptions
    if (isIP(hostname) !== 0) {
      const verdict = screenAddresses(hostname, [hostname], allow)
      if (verdict.usable.length === 0) return callback(refusal(hostname, verdict), null)
    }
    connector(connectOptions, callback)
  }
  return new Agent({ connect })
}
