import { randomBytes } from 'node:crypto'
import { EntraError, say } from '../errors/index.js'
import { signAccessToken, type KeyService, type RotationPolicy } from '../keys/index.js'
import type { ApplicationRecord, Store, TenantRecord } from '../store/index.js'
import { epochSeconds, sha256Hex, type Clock } from '../util/index.js'
import { accessTokenClaims, asksForCae, tokenResponse } from './access_token.js'
import { stsIssuer } from './discovery.js'
import { parseAssertion } from './federation/assertion.js'
import type { IssuerKeySource } from './federation/hosted_issuer_keys.js'
import { matchFederatedCredential, publicHint, type Fic } from './federation/match.js'
import { checkTimeWindow } from './federation/time_window.js'
import { verifyAssertion } from './federation/verify_assertion.js'
import type { SignInLog } from './sign_in_log.js'
import { parseTokenRequest, type ParsedTokenRequest } from './token_request.js'

/** The owner id of the STS signing keys: one key set for every tenant (STS-22). */
export const STS_KEY_OWNER = 'sts'

export interface TokenServiceSettings {
  authority: string
  tokenLifetimeSeconds: number
  assertionSkewSeconds: number
  maxAssertionLifetimeSeconds: number
  allowedAlgorithms: readonly string[]
  /** Longest assertion decoded (issue #9 item 1); default `MAX_ASSERTION_BYTES`. */
  maxAssertionBytes?: number
}

export interface RequestIds {
  traceId: string
  correlationId: string
}

type Details = Record<string, unknown>

/**
 * The token endpoint's work after the form is read: rows 3–27 of sts.md §7 in order, then the
 * access token. Every request, success or failure, lands in the sign-in log with the facts that
 * explain it (STS-140), never with the assertion itself.
 */
export class TokenService {
  readonly #store: Store
  readonly #keys: KeyService
  readonly #issuerKeys: IssuerKeySource
  readonly #clock: Clock
  readonly #settings: TokenServiceSettings
  readonly #signIns: SignInLog

  constructor(
    store: Store,
    keys: KeyService,
    issuerKeys: IssuerKeySource,
    clock: Clock,
    settings: TokenServiceSettings,
    signIns: SignInLog,
  ) {
    this.#store = store
    this.#keys = keys
    this.#issuerKeys = issuerKeys
    this.#clock = clock
    this.#settings = settings
    this.#signIns = signIns
  }

  /** STS-23: STS keys rotate like issuer keys, with the access-token lifetime as the bound. */
  get policy(): RotationPolicy {
    return { maxTokenLifetimeSeconds: this.#settings.tokenLifetimeSeconds, skewSeconds: 300 }
  }

  async token(tenantRef: string, form: URLSearchParams, ids: RequestIds): Promise<object> {
    const details: Details = {}
    let request: ParsedTokenRequest | undefined
    try {
      request = parseTokenRequest(tenantRef, form)
      details.resource = request.resource
      const body = await this.#issue(tenantRef, request, details)
      this.#record(tenantRef, form, request, ids, details, undefined)
      return body
    } catch (error) {
      this.#record(tenantRef, form, request, ids, details, error)
      throw error
    }
  }

  async #issue(tenantRef: string, request: ParsedTokenRequest, details: Details): Promise<object> {
    const tenant = await this.#store.directory.tenant(tenantRef)
    if (!tenant) throw new EntraError('tenantNotFound', say.tenantNotFound(tenantRef))
    const client = await this.#store.directory.applicationByAppId(tenant.id, request.clientId)
    if (!client) {
      throw new EntraError('clientNotFound', say.clientNotFound(request.clientId, tenantRef))
    }
    if (!client.enabled)
      throw new EntraError('clientDisabled', say.clientDisabled(request.clientId))
    const assertion = request.credential.assertion
    if (assertion === undefined) {
      throw new EntraError('invalidClientSecret', say.invalidClientSecret(request.clientId), {
        detail: 'wifkit stores no client secrets; use a federated credential',
      })
    }
    details.assertionSha256 = sha256Hex(assertion)
    await this.#federate(client, assertion, details)
    const resource = await this.#store.directory.resource(tenant.id, request.resource)
    if (!resource) {
      throw new EntraError('resourceNotFound', say.resourceNotFound(request.resource, tenantRef))
    }
    return this.#accessToken(tenant, client, resource, request)
  }

  /** Rows 14–25: the assertion must match a credential of the client, then verify. */
  async #federate(client: ApplicationRecord, assertion: string, details: Details): Promise<void> {
    const credentials = await this.#store.directory.credentials(client.id)
    if (credentials.length === 0) throw new EntraError('noFics', say.noFics(client.appId))
    const parsed = parseAssertion(assertion, this.#settings.maxAssertionBytes)
    const { iss, sub, aud } = parsed.claims
    Object.assign(details, { iss, sub, aud, kid: parsed.header.kid ?? null })
    const fics: Fic[] = credentials.map((c) => ({ ...c, audiences: [c.audience] }))
    const match = matchFederatedCredential(parsed.claims, fics)
    if (!match.ok) {
      details.nearestMiss = {
        credential: match.nearest?.name ?? null,
        reason: match.reason,
        detail: match.detail,
      }
      const hint = publicHint(parsed.claims, match)
      const extras = { detail: match.detail }
      if (match.reason === 'issuer')
        throw new EntraError('noFicForIssuer', say.noFicForIssuer(iss, hint), extras)
      if (match.reason === 'subject')
        throw new EntraError('noFicForSubject', say.noFicForSubject(sub, hint), extras)
      if (match.reason === 'subject-case')
        throw new EntraError('subjectCaseOnly', say.subjectCaseOnly(sub), extras)
      throw new EntraError('noFicForAudience', say.noFicForAudience(aud, hint), extras)
    }
    details.credential = { id: match.fic.id, name: match.fic.name }
    await verifyAssertion(assertion, parsed, this.#issuerKeys, this.#settings.allowedAlgorithms)
    checkTimeWindow(parsed.claims, epochSeconds(this.#clock), {
      skewSeconds: this.#settings.assertionSkewSeconds,
      maxAssertionLifetimeSeconds: this.#settings.maxAssertionLifetimeSeconds,
    })
  }

  async #accessToken(
    tenant: TenantRecord,
    client: ApplicationRecord,
    resource: ApplicationRecord,
    request: ParsedTokenRequest,
  ): Promise<object> {
    const roles = await this.#store.roleAssignments.roles(client.principalId, resource.appId)
    const lifetime = this.#settings.tokenLifetimeSeconds
    const claims = accessTokenClaims(
      {
        issuer: stsIssuer(this.#settings.authority, tenant.id),
        tenantId: tenant.id,
        audience: request.resource,
        clientId: client.appId,
        principalId: client.principalId,
        roles,
        azpacr: '2',
        capableOfCae: asksForCae(request.claims),
      },
      epochSeconds(this.#clock),
      lifetime,
      randomBytes(16).toString('base64url'),
    )
    const signer = await this.#keys.signer(STS_KEY_OWNER, this.policy)
    const token = await signAccessToken(signer, claims)
    return tokenResponse(token, lifetime, request.credential.issuedTokenType)
  }

  #record(
    tenant: string,
    form: URLSearchParams,
    request: ParsedTokenRequest | undefined,
    ids: RequestIds,
    details: Details,
    error: unknown,
  ): void {
    this.#signIns.record({
      at: epochSeconds(this.#clock),
      // The raw path segment (up to 256 characters) of a request for an unknown tenant: cut to
      // the column, which PostgreSQL enforces, so one such row cannot stall the whole batch.
      tenant: tenant.slice(0, 253),
      clientId: (request?.clientId ?? form.get('client_id') ?? '').toLowerCase().slice(0, 64),
      grantType: (form.get('grant_type') ?? '').slice(0, 80),
      outcome: error === undefined ? 'success' : 'failure',
      aadsts: error instanceof EntraError ? error.aadsts : null,
      traceId: ids.traceId,
      correlationId: ids.correlationId,
      details: error instanceof EntraError ? { ...details, why: error.detail ?? null } : details,
    })
  }
}
