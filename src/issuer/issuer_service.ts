import { randomUUID } from 'node:crypto'
import { GraphError } from '../errors/index.js'
import {
  scheduledRotationDue,
  signCompact,
  type KeyService,
  type LoadedKey,
  type RotationPolicy,
  type SigningAlgorithm,
} from '../keys/index.js'
import type { IssuerRecord, Publication, Store } from '../store/index.js'
import { epochSeconds, type Clock } from '../util/index.js'
import { planServiceAccountToken, type MintRequest } from './claims.js'
import { discoveryDocument, jwksDocument, type ServedDocument } from './documents.js'
import { checkIssuerUrl } from './issuer_url.js'
import { describeIssuer, type IssuerDescription } from './issuer_description.js'
import { dns1123LabelProblem } from './names.js'
import { serviceAccountUid } from './service_account_uid.js'

/** Deployment-wide issuer settings, from the configuration. */
export interface IssuerSettings {
  algorithm: SigningAlgorithm
  prePublishSeconds: number
  rotationIntervalDays: number
  maxTokenExpirationSeconds: number
  defaultAudiences: readonly string[]
  /** `{public.url}/issuers/{name}`'s origin, the default issuer base. */
  publicUrl: string
}

/**
 * How long an issuer row is trusted before it is read again. Another node's change reaches this
 * one within this time (the scale-out issue adds notifications on top).
 */
const ISSUER_CACHE_MS = 5000

interface CachedDocuments {
  second: number
  url: string
  kids: string
  discovery: ServedDocument
  jwks: ServedDocument
}

/** ISS-92: the clock-skew margin a retired key stays published beyond the longest token. */
export const ROTATION_SKEW_SECONDS = 300

export interface CreateIssuerInput {
  name: string
  url?: string
  jwksUri?: string
  publication?: Publication
  algorithm?: SigningAlgorithm
}

export interface MintedToken {
  token: string
  audiences: string[]
  expirationSeconds: number
  expirationTimestamp: string
  kid: string
  jti: string
  warnings: string[]
}

/**
 * The issuer lifecycle and the two operations on the hot path: minting and serving documents.
 * Documents are rebuilt only when the published key set changes.
 */
export class IssuerService {
  readonly #store: Store
  readonly #keys: KeyService
  readonly #clock: Clock
  readonly #settings: IssuerSettings
  readonly #documents = new Map<string, CachedDocuments>()
  readonly #byName = new Map<string, { issuer: IssuerRecord; loadedAtMs: number }>()

  constructor(store: Store, keys: KeyService, clock: Clock, settings: IssuerSettings) {
    this.#store = store
    this.#keys = keys
    this.#clock = clock
    this.#settings = settings
  }

  policy(issuer: IssuerRecord): RotationPolicy {
    return {
      maxTokenLifetimeSeconds: issuer.maxTokenExpirationSeconds,
      skewSeconds: ROTATION_SKEW_SECONDS,
    }
  }

  /** The default issuer URL of a name: `{public.url}/issuers/{name}` (IF-21). */
  defaultUrl(name: string): string {
    return `${this.#settings.publicUrl.replace(/\/$/, '')}/issuers/${name}`
  }

  /** Creates an issuer and its first key, which signs at once (IF-36). */
  async create(input: CreateIssuerInput): Promise<{ issuer: IssuerRecord; warnings: string[] }> {
    const nameProblem = dns1123LabelProblem(input.name)
    if (nameProblem) throw GraphError.badRequest(`name: ${nameProblem}`)
    const url = input.url ?? this.defaultUrl(input.name)
    const report = checkIssuerUrl(url)
    if (report.problems.length > 0)
      throw GraphError.badRequest(`url: ${report.problems.join('; ')}`)
    if (input.jwksUri !== undefined) {
      const jwksReport = checkIssuerUrl(input.jwksUri)
      if (jwksReport.problems.length > 0) {
        throw GraphError.badRequest(`jwksUri: ${jwksReport.problems.join('; ')}`)
      }
    }
    const issuer: IssuerRecord = {
      id: randomUUID(),
      name: input.name,
      url,
      jwksUri: input.jwksUri ?? null,
      keyAlgorithm: input.algorithm ?? this.#settings.algorithm,
      publication: input.publication ?? 'served',
      maxTokenExpirationSeconds: this.#settings.maxTokenExpirationSeconds,
      defaultAudiences: [...this.#settings.defaultAudiences],
      createdAt: epochSeconds(this.#clock),
    }
    await this.#store.transaction(async (trx) => {
      if (await trx.issuers.byName(input.name)) {
        throw new GraphError(
          409,
          'Request_MultipleObjectsWithSameKeyValue',
          `issuer ${input.name} already exists`,
        )
      }
      await trx.issuers.insert(issuer)
      await this.#keys.addKey(
        issuer.id,
        issuer.keyAlgorithm as SigningAlgorithm,
        { prePublishSeconds: 0, requiresVerification: false },
        trx,
      )
    })
    return { issuer, warnings: report.warnings }
  }

  /**
   * An issuer by name, cached for a few seconds: the public documents are read on every verifier
   * fetch and the row rarely changes. Unknown names are not cached, so probing random names cannot
   * grow the cache.
   */
  async find(name: string): Promise<IssuerRecord | undefined> {
    const cached = this.#byName.get(name)
    if (cached && this.#clock.nowMs() - cached.loadedAtMs < ISSUER_CACHE_MS) return cached.issuer
    const issuer = await this.#store.issuers.byName(name)
    if (issuer) this.#byName.set(name, { issuer, loadedAtMs: this.#clock.nowMs() })
    else this.#byName.delete(name)
    return issuer
  }

  /**
   * The documents of an issuer when both the issuer row and this second's documents are cached,
   * without any await: the JWKS and discovery routes take this path on almost every request.
   */
  cachedDocuments(name: string): { issuer: IssuerRecord; documents: CachedDocuments } | undefined {
    const entry = this.#byName.get(name)
    if (!entry || this.#clock.nowMs() - entry.loadedAtMs >= ISSUER_CACHE_MS) return undefined
    const documents = this.#documents.get(entry.issuer.id)
    if (!documents || documents.second !== epochSeconds(this.#clock)) return undefined
    if (documents.url !== entry.issuer.url) return undefined
    return { issuer: entry.issuer, documents }
  }

  #forget(issuer: IssuerRecord): void {
    this.#byName.delete(issuer.name)
    this.#documents.delete(issuer.id)
  }

  async get(name: string): Promise<IssuerRecord> {
    const issuer = await this.find(name)
    if (!issuer) throw GraphError.notFound(`issuer ${name} does not exist`)
    return issuer
  }

  async list(): Promise<IssuerRecord[]> {
    return this.#store.issuers.list()
  }

  /**
   * The published keys of the served issuer whose URL is exactly `url`, or undefined when this
   * deployment serves no such issuer. Static issuers are left out: relying parties read their
   * copies from the static host, and so does the STS.
   */
  async publishedKeysOf(url: string): Promise<LoadedKey[] | undefined> {
    const issuer = (await this.list()).find((i) => i.url === url && i.publication === 'served')
    if (!issuer) return undefined
    return (await this.#keys.schedule(issuer.id, this.policy(issuer))).published
  }

  /** Moves an issuer to a new URL; only `wifkit dev` does this, when its port changes. */
  async changeUrl(issuer: IssuerRecord, url: string): Promise<void> {
    await this.#store.issuers.updateUrl(issuer.id, url)
    this.#forget(issuer)
  }

  /** Every key with its state and timeline, for `issuer show` and the admin API. */
  async describe(issuer: IssuerRecord): Promise<IssuerDescription> {
    return describeIssuer(issuer, await this.#keys.schedule(issuer.id, this.policy(issuer)))
  }

  /** Manual rotation (ISS-94), refused while a key is pending or at 100 keys (ISS-64). */
  async rotate(issuer: IssuerRecord, emergency: boolean): Promise<void> {
    const { plan } = await this.#keys.rotate(
      issuer.id,
      issuer.keyAlgorithm as SigningAlgorithm,
      this.policy(issuer),
      {
        emergency,
        prePublishSeconds: this.#settings.prePublishSeconds,
        requiresVerification: issuer.publication === 'static',
      },
    )
    if (!plan.ok) {
      const why =
        plan.reason === 'pending-key-exists'
          ? 'a key is already pending; it must activate before the next rotation (or use emergency)'
          : 'the issuer already publishes 100 keys, the most Entra reads (ISS-64)'
      throw new GraphError(409, 'Conflict', `cannot rotate issuer ${issuer.name}: ${why}`)
    }
    this.#forget(issuer)
  }

  /** Scheduled rotation and retirement for every issuer (ISS-92, ISS-93); returns what changed. */
  async maintain(): Promise<string[]> {
    const events: string[] = []
    const intervalSeconds = this.#settings.rotationIntervalDays * 86400
    for (const issuer of await this.list()) {
      const schedule = await this.#keys.schedule(issuer.id, this.policy(issuer))
      if (scheduledRotationDue(schedule, epochSeconds(this.#clock), intervalSeconds)) {
        await this.rotate(issuer, false)
        events.push(`issuer ${issuer.name}: scheduled rotation added a pending key`)
      }
      for (const kid of await this.#keys.removeExpired(issuer.id, this.policy(issuer))) {
        events.push(`issuer ${issuer.name}: retired key ${kid} removed`)
      }
    }
    return events
  }

  /** Records a successful static-hosting verification of these kids (ISS-84). */
  async recordVerification(issuer: IssuerRecord, kids: readonly string[]): Promise<void> {
    await this.#keys.markVerified(issuer.id, kids)
    this.#forget(issuer)
  }

  /**
   * The discovery and JWKS bodies as served now (ISS-50…ISS-64). Key states change only on whole
   * seconds, so the schedule is derived at most once per second; the bodies are rebuilt only when
   * the published key set or the issuer URL changes.
   */
  async documents(
    issuer: IssuerRecord,
  ): Promise<{ discovery: ServedDocument; jwks: ServedDocument }> {
    const second = epochSeconds(this.#clock)
    const cached = this.#documents.get(issuer.id)
    if (cached && cached.second === second && cached.url === issuer.url) return cached
    const jwks = await this.#keys.publishedJwks(issuer.id, this.policy(issuer))
    const kids = jwks.map((k) => k.kid).join(',')
    if (cached && cached.kids === kids && cached.url === issuer.url) {
      cached.second = second
      return cached
    }
    const built: CachedDocuments = {
      second,
      url: issuer.url,
      kids,
      discovery: discoveryDocument(issuer, jwks),
      jwks: jwksDocument(jwks),
    }
    this.#documents.set(issuer.id, built)
    return built
  }

  /** Mints a service-account token with the active key (IF-40, ISS-20…ISS-45). */
  async mint(issuer: IssuerRecord, request: MintRequest): Promise<MintedToken> {
    const now = epochSeconds(this.#clock)
    const jti = randomUUID()
    const plan = planServiceAccountToken(
      request,
      {
        issuer: issuer.url,
        defaultAudiences: issuer.defaultAudiences,
        maxTokenExpirationSeconds: issuer.maxTokenExpirationSeconds,
      },
      now,
      {
        jti,
        serviceAccountUid: serviceAccountUid(issuer.id, request.namespace, request.serviceAccount),
      },
    )
    const signer = await this.#keys.signer(issuer.id, this.policy(issuer))
    return {
      token: await signCompact(signer, plan.claims),
      audiences: plan.audiences,
      expirationSeconds: plan.expirationSeconds,
      expirationTimestamp: new Date(plan.claims.exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      kid: signer.kid,
      jti,
      warnings: plan.warnings,
    }
  }
}
