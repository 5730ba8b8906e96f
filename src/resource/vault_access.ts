import type { JWK } from 'jose'
import { KeyVaultError } from '../errors/index.js'
import type { Store, VaultRecord } from '../store/index.js'
import type { Clock } from '../util/index.js'
import { verifyBearer, type BearerPrincipal } from './bearer.js'
import type { ChallengeTarget } from './challenge.js'
import { vaultNameFromHost } from './names.js'
import { rolesAllow, type SecretAction } from './roles.js'

/** What the vault side needs from the rest of the deployment, wired by the composition root. */
export interface VaultAccessDeps {
  store: Store
  clock: Clock
  /** The STS authority `A`: the public origin (KV-13). */
  authority: string
  /** The vault resource id, e.g. `https://vault.localhost:8443` (KV-2). */
  resource: string
  /** The STS's published signing keys. */
  stsKeys: () => Promise<JWK[]>
  /** The issuer of a tenant's access tokens: `A/<tid>/v2.0`. */
  issuerFor: (tenantId: string) => string
}

/** An authenticated vault request: the vault, its challenge and the caller. */
export interface VaultCaller {
  vault: VaultRecord
  challenge: ChallengeTarget
  principal: BearerPrincipal
}

/** Host → vault → token (KV-21's first three checks), then the role check (KV-20). */
export class VaultAccess {
  readonly #deps: VaultAccessDeps
  readonly #resourceHostname: string

  constructor(deps: VaultAccessDeps) {
    this.#deps = deps
    this.#resourceHostname = new URL(deps.resource).hostname
  }

  /** Whether a Host header names a vault host (the listener dispatches on it). */
  isVaultHost(host: string | undefined): boolean {
    return vaultNameFromHost(host, this.#resourceHostname) !== undefined
  }

  /** KV-5, KV-10, KV-16: runs before the body is read or the route is known. */
  async authenticate(
    host: string | undefined,
    authorization: string | undefined,
  ): Promise<VaultCaller> {
    const name = vaultNameFromHost(host, this.#resourceHostname)
    const vault = name === undefined ? undefined : await this.#deps.store.vaults.byName(name)
    if (!vault) throw KeyVaultError.notFound(`No vault is served at ${String(host).slice(0, 200)}.`)
    const challenge = {
      authority: this.#deps.authority,
      tenantId: vault.tenantId,
      resource: this.#deps.resource,
    }
    const resourceApp = await this.#deps.store.directory.resource(
      vault.tenantId,
      this.#deps.resource,
    )
    const principal = await verifyBearer(authorization, {
      ...challenge,
      issuer: this.#deps.issuerFor(vault.tenantId),
      audiences: resourceApp ? [this.#deps.resource, resourceApp.appId] : [this.#deps.resource],
      keys: await this.#deps.stsKeys(),
      nowMs: this.#deps.clock.nowMs(),
    })
    return { vault, challenge, principal }
  }

  /** KV-20: 403 `Forbidden` / `ForbiddenByRbac` unless a role on the vault allows `action`. */
  async authorize(caller: VaultCaller, action: SecretAction): Promise<void> {
    const roles = await this.#deps.store.vaults.roles(caller.vault.id, caller.principal.objectId)
    if (rolesAllow(roles, action)) return
    throw new KeyVaultError(
      403,
      'Forbidden',
      `Caller is not authorized to perform action on resource. Action: secrets/${action}; ` +
        `Caller: oid=${caller.principal.objectId}, appid=${caller.principal.clientId}; ` +
        `Vault: ${caller.vault.name}`,
      { innerCode: 'ForbiddenByRbac' },
    )
  }
}
