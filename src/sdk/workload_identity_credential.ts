// wifkit's WorkloadIdentityCredential (IF-71, WL-60…WL-67): the TokenCredential shape of
// @azure/core-auth with no MSAL behind it, so that it never contacts a Microsoft host.
import { requestClaims } from './claims.js'
import { CredentialUnavailableError } from './errors.js'
import { resolveIdentity, tenantFor, type IdentityOptions } from './options.js'
import { StsClient } from './sts_client.js'
import { cacheKey, TokenCache } from './token_cache.js'
import { toAccessToken, type AccessToken } from './token_response.js'
import { transportOf, type TransportOptions } from './transport.js'

/** Constructor options; each identity member overrides its AZURE_* variable (WL-60). */
export interface WorkloadIdentityCredentialOptions extends IdentityOptions, TransportOptions {}

/** The abort signal shape of `@azure/abort-controller`, which Azure SDK clients pass. */
export interface AbortSignalLike {
  readonly aborted: boolean
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void
  removeEventListener(type: 'abort', listener: () => void): void
}

/** The members of core-auth's `GetTokenOptions` that this credential honours. */
export interface GetTokenOptions {
  /** Stops this caller's wait; a request shared with other callers carries on for them. */
  abortSignal?: AbortSignalLike
  /** Another tenant, allowed by `additionallyAllowedTenants` (CL-5). */
  tenantId?: string
  /** A claims challenge from a resource: bypasses the cache (CL-52). */
  claims?: string
  /** Sends the CAE capability `cp1` (sts.md §5.5). */
  enableCae?: boolean
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignalLike | undefined): Promise<T> {
  if (signal === undefined) return work
  if (signal.aborted) return Promise.reject(new DOMException('getToken was aborted', 'AbortError'))
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new DOMException('getToken was aborted', 'AbortError'))
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/**
 * Exchanges the federated token file for access tokens at a wifkit STS (workload.md §6). Several
 * instances may live in one process, each with its own client, cache and file (WL-67).
 */
export class WorkloadIdentityCredential {
  readonly #client: StsClient | CredentialUnavailableError
  readonly #cache = new TokenCache()

  /**
   * Reads the AZURE_* variables now. A missing one does not throw here: like @azure/identity, the
   * credential then reports itself unavailable from `getToken`, so a chain can move on.
   */
  constructor(options: WorkloadIdentityCredentialOptions = {}) {
    try {
      this.#client = new StsClient(resolveIdentity(options, process.env), transportOf(options))
    } catch (error) {
      if (!(error instanceof CredentialUnavailableError)) throw error
      this.#client = error
    }
  }

  /**
   * An access token for `scopes`, from the cache until `refresh_in` or 300 s before expiry
   * (WL-63), with concurrent calls for one key sharing one request (WL-62).
   */
  async getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> {
    const client = this.#client
    if (client instanceof CredentialUnavailableError) throw client
    const scopeList = typeof scopes === 'string' ? [scopes] : scopes
    if (scopeList.length === 0) throw new TypeError('getToken needs at least one scope')
    const tenant = tenantFor(client.identity, options.tenantId)
    const cae = options.enableCae === true
    const claims = requestClaims(cae, options.claims)
    const key = cacheKey(tenant, client.identity.clientId, scopeList, cae)
    if (options.claims === undefined) {
      const cached = this.#cache.fresh(key, client.transport.now())
      if (cached !== undefined) return cached
    }
    const flightKey = options.claims === undefined ? key : `${key}${options.claims}`
    const shared = this.#cache.shared(flightKey, async () => {
      const response = await client.request(tenant, scopeList.join(' '), claims)
      const token = toAccessToken(response, client.transport.now())
      this.#cache.store(key, token)
      return token
    })
    return untilAborted(shared, options.abortSignal)
  }
}
