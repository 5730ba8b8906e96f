// The per-issuer cache of discovery and JWKS behind assertion verification (sts.md §8).
import type { KeyObject } from 'node:crypto'
import type { Dispatcher } from 'undici'
import type { SigningAlgorithm } from '../../keys/index.js'
import type { Clock } from '../../util/index.js'
import { fetchDocument, type FetchBounds } from './fetch_document.js'
import { FetchSlots } from './fetch_slots.js'
import { issuerDispatcher } from './issuer_dispatcher.js'
import { IssuerMetadataError } from './issuer_metadata_error.js'
import { parseJwks, type IssuerKeySet } from './jwks_parse.js'
import { discoveryUrlFor } from './metadata_url.js'
import { parseDiscovery, ttlSeconds } from './metadata_parse.js'

export { IssuerMetadataError, type IssuerMetadataErrorKind } from './issuer_metadata_error.js'

/** What happened to one document of one issuer; for metrics and logs. Never holds key material. */
export interface IssuerKeyEvent {
  issuer: string
  kind: 'discovery' | 'jwks'
  outcome: 'fetched' | 'cache-hit' | 'stale' | 'failed' | 'refetch-kid'
}

/** Options of {@link IssuerKeyCache}; the defaults are those of STS-93, STS-98 and STS-100. */
export interface IssuerKeyCacheOptions {
  /** Decides freshness; fetch deadlines run on real timers. */
  clock: Clock
  /**
   * Used for every request instead of the cache's own pool, whose address screen (STS-101) and
   * connect timeout it then replaces; for tests of the other rules.
   */
  dispatcher?: Dispatcher
  /** TCP and TLS setup, when no dispatcher is given. Default 5000. */
  connectTimeoutMs?: number
  /** Host names and CIDR ranges an issuer may resolve to though not public (STS-101). Default none. */
  issuerAllowList?: readonly string[]
  /** A CA trusted besides the system roots when no dispatcher is given, as `wifkit dev` needs. */
  extraCa?: string
  /** Per document, redirects included. Default 10000. */
  totalTimeoutMs?: number
  /** Default 64 KiB. */
  maxDiscoveryBytes?: number
  /** Default 512 KiB. */
  maxJwksBytes?: number
  /** After any JWKS fetch, how long an unknown `kid` waits before it may refetch. Default 60. */
  kidRefetchCooldownSeconds?: number
  /** How long past its TTL a JWKS is still used while refreshing fails. Default 86400. */
  staleIfErrorSeconds?: number
  /** How long a failed refresh is remembered before the network is tried again. Default 30. */
  failureCacheSeconds?: number
  /** Discovery and JWKS fetches in flight at once, across all issuers (issue #9). Default 32. */
  maxConcurrentFetches?: number
  /** Default RS256 only (row 21). */
  allowedAlgorithms?: readonly SigningAlgorithm[]
  /** Accept http for 127.0.0.1, localhost and ::1, as `wifkit dev` does (STS-91). Default false. */
  allowHttpLoopback?: boolean
  /** Called synchronously on every fetch, cache hit and failure; must not throw. */
  onEvent?: (event: IssuerKeyEvent) => void
}

interface Entry {
  discovery?: { jwksUri: URL; freshUntilMs: number }
  jwks?: { uri: string; keys: IssuerKeySet; freshUntilMs: number }
  failure?: { error: IssuerMetadataError; untilMs: number }
  inflight?: Promise<IssuerKeySet>
  kidRefetchAllowedAtMs: number
}

/**
 * The verification keys of external issuers, fetched on demand and cached per exact issuer string
 * (STS-97). Callers pass only issuers of a FIC that matched (STS-90); the cache holds one small
 * entry per such issuer. Concurrent callers share one refresh (STS-99). An unknown `kid` refetches
 * the JWKS only when the last JWKS fetch is at least a cooldown old, as jose's remote key sets do,
 * so that at most one fetch per cooldown is spent on unknown kids (STS-98). A failed refresh falls
 * back to the last JWKS until `staleIfErrorSeconds` past its TTL (STS-100).
 */
export class IssuerKeyCache {
  readonly #clock: Clock
  readonly #ownAgent: Dispatcher | undefined
  readonly #discoveryBounds: FetchBounds
  readonly #jwksBounds: FetchBounds
  readonly #kidCooldownMs: number
  readonly #staleMs: number
  readonly #failureMs: number
  readonly #allowed: readonly SigningAlgorithm[]
  readonly #onEvent: ((event: IssuerKeyEvent) => void) | undefined
  readonly #entries = new Map<string, Entry>()
  readonly #slots: FetchSlots

  constructor(options: IssuerKeyCacheOptions) {
    this.#clock = options.clock
    const dispatcher =
      options.dispatcher ??
      issuerDispatcher({
        connectTimeoutMs: options.connectTimeoutMs ?? 5000,
        allowList: options.issuerAllowList ?? [],
        ...(options.extraCa === undefined ? {} : { extraCa: options.extraCa }),
      })
    this.#ownAgent = options.dispatcher === undefined ? dispatcher : undefined
    const common = {
      dispatcher,
      totalTimeoutMs: options.totalTimeoutMs ?? 10_000,
      allowHttpLoopback: options.allowHttpLoopback ?? false,
    }
    this.#discoveryBounds = { ...common, maxBytes: options.maxDiscoveryBytes ?? 64 * 1024 }
    this.#jwksBounds = { ...common, maxBytes: options.maxJwksBytes ?? 512 * 1024 }
    this.#kidCooldownMs = (options.kidRefetchCooldownSeconds ?? 60) * 1000
    this.#staleMs = (options.staleIfErrorSeconds ?? 86_400) * 1000
    this.#failureMs = (options.failureCacheSeconds ?? 30) * 1000
    this.#allowed = options.allowedAlgorithms ?? ['RS256']
    this.#onEvent = options.onEvent
    this.#slots = new FetchSlots(options.maxConcurrentFetches ?? 32)
  }

  /**
   * The public keys to try for a token of `issuer`: the one with `kid`, or every usable key when
   * the token has no `kid` (STS-81).
   *
   * @throws IssuerMetadataError `unreachable` (row 19), `unparseable` (row 20) or `kid-not-found`
   *   (row 22, decided after at most one refetch per cooldown).
   */
  async keyFor(issuer: string, kid: string | undefined): Promise<KeyObject[]> {
    let entry = this.#entries.get(issuer)
    if (entry === undefined) {
      entry = { kidRefetchAllowedAtMs: 0 }
      this.#entries.set(issuer, entry)
    }
    let keys = await this.#load(issuer, entry, false)
    if (kid === undefined) return [...keys.all]
    const known = keys.byKid.get(kid)
    if (known !== undefined) return [known]
    if (entry.inflight !== undefined) {
      // A refresh already under way brings the newest JWKS; a second one would not.
      keys = await entry.inflight
    } else if (this.#clock.nowMs() >= entry.kidRefetchAllowedAtMs) {
      entry.kidRefetchAllowedAtMs = this.#clock.nowMs() + this.#kidCooldownMs
      this.#emit(issuer, 'jwks', 'refetch-kid')
      keys = await this.#load(issuer, entry, true)
    }
    const refetched = keys.byKid.get(kid)
    if (refetched !== undefined) return [refetched]
    const detail = `kid ${JSON.stringify(kid)} is not among the ${keys.byKid.size} keys with a kid of ${issuer}`
    throw new IssuerMetadataError('kid-not-found', detail)
  }

  /** Closes the connection pool this cache created; a dispatcher passed in stays open. */
  async close(): Promise<void> {
    await this.#ownAgent?.close()
  }

  // Synchronous until `inflight` is set, so that simultaneous callers all see it (STS-99).
  #load(issuer: string, entry: Entry, forceJwks: boolean): Promise<IssuerKeySet> {
    if (entry.inflight !== undefined) return entry.inflight
    const now = this.#clock.nowMs()
    const { discovery, jwks, failure } = entry
    const fresh = jwks !== undefined && now < jwks.freshUntilMs
    if (!forceJwks && fresh && discovery !== undefined && now < discovery.freshUntilMs) {
      this.#emit(issuer, 'jwks', 'cache-hit')
      return Promise.resolve(jwks.keys)
    }
    if (failure !== undefined && now < failure.untilMs) {
      return Promise.resolve().then(() => this.#staleOr(issuer, entry, failure.error))
    }
    const flight = this.#refresh(issuer, entry, forceJwks).finally(() => {
      entry.inflight = undefined
    })
    entry.inflight = flight
    return flight
  }

  async #refresh(issuer: string, entry: Entry, forceJwks: boolean): Promise<IssuerKeySet> {
    let kind: IssuerKeyEvent['kind'] = 'discovery'
    try {
      let discovery = entry.discovery
      if (discovery === undefined || this.#clock.nowMs() >= discovery.freshUntilMs) {
        const url = new URL(discoveryUrlFor(issuer))
        const fetched = await this.#slots.run(() => fetchDocument(url, this.#discoveryBounds))
        const jwksUri = parseDiscovery(
          fetched.body,
          issuer,
          this.#discoveryBounds.allowHttpLoopback,
        )
        discovery = { jwksUri, freshUntilMs: this.#freshUntil(fetched.cacheControl) }
        entry.discovery = discovery
        this.#emit(issuer, 'discovery', 'fetched')
      }
      kind = 'jwks'
      const jwks = entry.jwks
      const uri = discovery.jwksUri.href
      if (
        forceJwks ||
        jwks === undefined ||
        jwks.uri !== uri ||
        this.#clock.nowMs() >= jwks.freshUntilMs
      ) {
        const jwksUri = discovery.jwksUri
        const fetched = await this.#slots.run(() => fetchDocument(jwksUri, this.#jwksBounds))
        const keys = parseJwks(fetched.body, this.#allowed)
        entry.jwks = { uri, keys, freshUntilMs: this.#freshUntil(fetched.cacheControl) }
        entry.kidRefetchAllowedAtMs = this.#clock.nowMs() + this.#kidCooldownMs
        this.#emit(issuer, 'jwks', 'fetched')
      }
      entry.failure = undefined
      return (entry.jwks as NonNullable<Entry['jwks']>).keys
    } catch (caught) {
      const error =
        caught instanceof IssuerMetadataError
          ? caught
          : new IssuerMetadataError('unreachable', `refresh failed: ${String(caught)}`, {
              cause: caught,
            })
      this.#emit(issuer, kind, 'failed')
      entry.failure = { error, untilMs: this.#clock.nowMs() + this.#failureMs }
      return this.#staleOr(issuer, entry, error)
    }
  }

  // STS-100: the last JWKS stays usable up to staleIfErrorSeconds past its TTL.
  #staleOr(issuer: string, entry: Entry, error: IssuerMetadataError): IssuerKeySet {
    const jwks = entry.jwks
    if (jwks === undefined || this.#clock.nowMs() >= jwks.freshUntilMs + this.#staleMs) throw error
    this.#emit(issuer, 'jwks', 'stale')
    return jwks.keys
  }

  #freshUntil(cacheControl: string | null): number {
    return this.#clock.nowMs() + ttlSeconds(cacheControl) * 1000
  }

  #emit(issuer: string, kind: IssuerKeyEvent['kind'], outcome: IssuerKeyEvent['outcome']): void {
    this.#onEvent?.({ issuer, kind, outcome })
  }
}
