import type { Store } from '../store/index.js'
import { isBootstrapToken } from './bootstrap_token.js'

/** The app roles of the admin API (interfaces.md §4). */
export const ADMIN_WRITE_ROLE = 'Application.ReadWrite.All'
export const ADMIN_READ_ROLE = 'Application.Read.All'
/** The resource an access token must be for to reach the admin API (ADR 0005). */
export const ADMIN_API_AUDIENCE = 'api://wifkit-admin'

/** Who called the admin API. */
export type AdminPrincipal =
  | { kind: 'bootstrap' }
  | { kind: 'access-token'; tenantId: string; clientId: string; roles: readonly string[] }

/** Verifies an STS access token for the admin API; undefined when it is not one. */
export type AdminTokenVerifier = (
  token: string,
) => Promise<{ tenantId: string; clientId: string; roles: readonly string[] } | undefined>

/**
 * Decides who a bearer token stands for: the bootstrap admin token (looked up by hash), or an
 * access token from wifkit's own STS for the admin API, verified by the injected verifier.
 */
export class AdminAuthenticator {
  readonly #store: Store
  readonly #verifier: AdminTokenVerifier | undefined

  constructor(store: Store, verifier?: AdminTokenVerifier) {
    this.#store = store
    this.#verifier = verifier
  }

  async authenticate(token: string): Promise<AdminPrincipal | undefined> {
    if (await isBootstrapToken(this.#store, token)) return { kind: 'bootstrap' }
    const claims = await this.#verifier?.(token)
    return claims && { kind: 'access-token', ...claims }
  }
}
