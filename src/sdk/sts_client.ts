// Discovery plus the token request with the 700024 re-read (workload.md §6 steps 3 and 5): what
// the credential and getAccessToken share. No caching of tokens here.
import { discoverTokenEndpoint } from './discovery.js'
import { WorkloadIdentityError } from './errors.js'
import { authorityFor, type ResolvedIdentity } from './options.js'
import { postTokenRequest } from './token_client.js'
import { TokenFile } from './token_file.js'
import type { TokenResponse } from './token_response.js'
import type { Transport } from './transport.js'

/** AADSTS700024: the assertion is outside its valid time (sts.md §7 row 24). */
const ASSERTION_OUT_OF_TIME = 700024

/** The STS as one credential sees it: a token endpoint per tenant and the token file. */
export class StsClient {
  readonly identity: ResolvedIdentity
  readonly transport: Transport
  readonly #file: TokenFile
  readonly #endpoints = new Map<string, Promise<string>>()

  constructor(identity: ResolvedIdentity, transport: Transport) {
    this.identity = identity
    this.transport = transport
    this.#file = new TokenFile(identity.tokenFilePath, transport.now)
  }

  /** Exchanges the token file for an access token to `scope` in `tenant`. */
  async request(
    tenant: string,
    scope: string,
    claims: string | undefined,
    signal?: AbortSignal,
  ): Promise<TokenResponse> {
    const tokenEndpoint = await this.#tokenEndpoint(tenant)
    const base = { tokenEndpoint, clientId: this.identity.clientId, scope, claims }
    const assertion = await this.#file.read()
    try {
      return await postTokenRequest({ ...base, assertion }, this.transport, signal)
    } catch (error) {
      // WL-65: a stale copy is the usual cause, so read the file again and retry once.
      const outOfTime =
        error instanceof WorkloadIdentityError && error.aadsts.includes(ASSERTION_OUT_OF_TIME)
      if (!outOfTime) throw error
      const fresh = await this.#file.reread()
      return postTokenRequest({ ...base, assertion: fresh }, this.transport, signal)
    }
  }

  /** Discovery once per tenant (CL-14); a failure is forgotten so that a later call tries again. */
  #tokenEndpoint(tenant: string): Promise<string> {
    let endpoint = this.#endpoints.get(tenant)
    if (endpoint === undefined) {
      endpoint = discoverTokenEndpoint(
        authorityFor(this.identity, tenant),
        tenant,
        this.transport.fetch,
      )
      endpoint.catch(() => this.#endpoints.delete(tenant))
      this.#endpoints.set(tenant, endpoint)
    }
    return endpoint
  }
}
