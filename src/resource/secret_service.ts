import { randomBytes, randomUUID } from 'node:crypto'
import { KeyVaultError } from '../errors/index.js'
import type { SecretRecord, SecretVersionRecord, Store, VaultRecord } from '../store/index.js'
import { epochSeconds, type Clock } from '../util/index.js'
import { openBackup, sealBackup } from './backup_blob.js'
import { isVersionId, secretNameKey } from './names.js'
import { openSecretValue, sealSecretValue } from './secret_crypto.js'
import type { SecretChanges, SetSecretBody } from './secret_body.js'

/** A secret and one of its versions, with the value when the operation returns it. */
export interface SecretView {
  secret: SecretRecord
  version: SecretVersionRecord
  value?: string
}

const DAY_SECONDS = 86_400

/** A fresh version id: 32 lower-case hex characters (KV-34). */
const newVersionId = () => randomBytes(16).toString('hex')

/**
 * The secret operations of keyvault.md §6 and §8 on one store: every write is one transaction, so
 * an acknowledged write is durable and no partial version can exist after a crash.
 */
export class SecretService {
  readonly #store: Store
  readonly #kek: Buffer
  readonly #clock: Clock

  constructor(store: Store, kek: Buffer, clock: Clock) {
    this.#store = store
    this.#kek = kek
    this.#clock = clock
  }

  /** R1: a new version every time; 409 on a soft-deleted name (KV-73). */
  async set(vault: VaultRecord, name: string, body: SetSecretBody): Promise<SecretView> {
    const key = secretNameKey(name)
    const now = epochSeconds(this.#clock)
    return this.#store.transaction(async (store) => {
      let secret = await store.vaults.secret(vault.id, key)
      if (secret?.deletedAt !== null && secret !== undefined) throw deletedConflict(secret.name)
      if (!secret) {
        secret = {
          id: randomUUID(),
          vaultId: vault.id,
          name,
          deletedAt: null,
          scheduledPurgeAt: null,
          createdAt: now,
        }
        await store.vaults.insertSecret(secret, key)
      }
      const version = newVersionId()
      const record: SecretVersionRecord = {
        version,
        secretId: secret.id,
        ...sealSecretValue(
          this.#kek,
          { vaultId: vault.id, secretId: secret.id, version },
          body.value,
        ),
        contentType: body.contentType ?? null,
        tags: body.tags ?? null,
        enabled: body.attributes.enabled ?? true,
        nbf: body.attributes.nbf ?? null,
        exp: body.attributes.exp ?? null,
        created: now,
        updated: now,
      }
      await store.vaults.insertVersion(record)
      return { secret, version: record, value: body.value }
    })
  }

  /** R2: the latest or a named version with its value; 403 when disabled (KV-52). */
  async get(vault: VaultRecord, name: string, version: string | undefined): Promise<SecretView> {
    const view = await this.#activeVersion(vault, name, version)
    if (!view.version.enabled) {
      throw new KeyVaultError(
        403,
        'Forbidden',
        'Operation get is not allowed on a disabled secret.',
      )
    }
    return { ...view, value: this.#open(vault, view.version) }
  }

  /** R3: present tags replace the old ones; present attributes overwrite; `updated` = now. */
  async update(
    vault: VaultRecord,
    name: string,
    version: string | undefined,
    changes: SecretChanges,
  ): Promise<SecretView> {
    return this.#store.transaction(async (store) => {
      const view = await this.#activeVersion(vault, name, version, store)
      const next: SecretVersionRecord = {
        ...view.version,
        ...(changes.contentType === undefined ? {} : { contentType: changes.contentType }),
        ...(changes.tags === undefined ? {} : { tags: changes.tags }),
        ...changes.attributes,
        updated: epochSeconds(this.#clock),
      }
      await store.vaults.updateVersion(next)
      return { secret: view.secret, version: next }
    })
  }

  /** R4 and R7: up to `limit` secrets after the cursor, each with its latest version. */
  async list(vault: VaultRecord, deleted: boolean, after: string | undefined, limit: number) {
    const secrets = await this.#store.vaults.secrets(vault.id, {
      deleted,
      afterFolded: after,
      limit,
    })
    const views: SecretView[] = []
    for (const secret of secrets) {
      const version = await this.#store.vaults.latestVersion(secret.id)
      if (version) views.push({ secret, version })
    }
    return views
  }

  /** R5: versions oldest first (KV-62) after the cursor. */
  async versions(vault: VaultRecord, name: string, after: string | undefined, limit: number) {
    const secret = await this.#active(vault, name)
    return { secret, versions: await this.#store.vaults.versions(secret.id, after, limit) }
  }

  /** R6 (KV-70, KV-76): every version moves to the deleted state, or is gone without soft delete. */
  async delete(vault: VaultRecord, name: string): Promise<SecretView> {
    return this.#store.transaction(async (store) => {
      const { secret, version } = await this.#activeVersion(vault, name, undefined, store)
      if (!vault.softDelete) {
        await store.vaults.purge(secret.id)
        return { secret, version }
      }
      const now = epochSeconds(this.#clock)
      const deleted = {
        ...secret,
        deletedAt: now,
        scheduledPurgeAt: now + vault.retentionDays * DAY_SECONDS,
      }
      await store.vaults.markDeleted(secret.id, deleted.deletedAt, deleted.scheduledPurgeAt)
      return { secret: deleted, version }
    })
  }

  /** R8: a soft-deleted secret and its latest version. */
  async getDeleted(vault: VaultRecord, name: string): Promise<SecretView> {
    return this.#deleted(vault, name)
  }

  /** R9 (KV-74): every version back unchanged. */
  async recover(vault: VaultRecord, name: string): Promise<SecretView> {
    return this.#store.transaction(async (store) => {
      const view = await this.#deleted(vault, name, store)
      await store.vaults.markDeleted(view.secret.id, null, null)
      return {
        secret: { ...view.secret, deletedAt: null, scheduledPurgeAt: null },
        version: view.version,
      }
    })
  }

  /** R10: gone for good; refused under purge protection. */
  async purge(vault: VaultRecord, name: string): Promise<void> {
    const { secret } = await this.getDeleted(vault, name)
    if (vault.purgeProtection) {
      throw new KeyVaultError(
        403,
        'Forbidden',
        'Operation purge is not allowed: the vault has purge protection enabled.',
      )
    }
    await this.#store.vaults.purge(secret.id)
  }

  /** R11: every version, values included, sealed into one blob (KV-53). */
  async backup(vault: VaultRecord, name: string): Promise<string> {
    const secret = await this.#active(vault, name)
    const versions = await this.#store.vaults.versions(
      secret.id,
      undefined,
      Number.MAX_SAFE_INTEGER,
    )
    return sealBackup(this.#kek, {
      name: secret.name,
      versions: versions.map((v) => ({
        version: v.version,
        value: this.#open(vault, v),
        contentType: v.contentType,
        tags: v.tags,
        enabled: v.enabled,
        nbf: v.nbf,
        exp: v.exp,
        created: v.created,
        updated: v.updated,
      })),
    })
  }

  /** R12: all versions restored under their ids; 409 when the name exists in any state (KV-53). */
  async restore(vault: VaultRecord, blob: unknown): Promise<SecretView> {
    const contents = openBackup(this.#kek, blob)
    return this.#store.transaction(async (store) => {
      const key = contents.name.toLowerCase()
      if (await store.vaults.secret(vault.id, key)) {
        throw KeyVaultError.conflict(
          `Secret ${contents.name} already exists in this vault, or is deleted and recoverable.`,
        )
      }
      const secret: SecretRecord = {
        id: randomUUID(),
        vaultId: vault.id,
        name: contents.name,
        deletedAt: null,
        scheduledPurgeAt: null,
        createdAt: epochSeconds(this.#clock),
      }
      await store.vaults.insertSecret(secret, key)
      let last: SecretVersionRecord | undefined
      for (const { value, ...v } of contents.versions) {
        // A version id is unique across the deployment; a restore beside the original gets new ids.
        const version = (await store.vaults.versionExists(v.version)) ? newVersionId() : v.version
        last = {
          ...v,
          version,
          secretId: secret.id,
          ...sealSecretValue(this.#kek, { vaultId: vault.id, secretId: secret.id, version }, value),
        }
        await store.vaults.insertVersion(last)
      }
      return { secret, version: last as SecretVersionRecord }
    })
  }

  /** KV-75: purges soft-deleted secrets past their date; returns how many went. */
  async purgeDue(batch = 100): Promise<number> {
    const due = await this.#store.vaults.duePurges(epochSeconds(this.#clock), batch)
    for (const secret of due) await this.#store.vaults.purge(secret.id)
    return due.length
  }

  async #deleted(vault: VaultRecord, name: string, store = this.#store): Promise<SecretView> {
    const secret = await store.vaults.secret(vault.id, secretNameKey(name))
    const version =
      secret?.deletedAt !== null && secret ? await store.vaults.latestVersion(secret.id) : undefined
    if (!secret || !version) throw KeyVaultError.secretNotFound(name)
    return { secret, version }
  }

  async #active(vault: VaultRecord, name: string, store = this.#store): Promise<SecretRecord> {
    const secret = await store.vaults.secret(vault.id, secretNameKey(name))
    if (!secret || secret.deletedAt !== null) throw KeyVaultError.secretNotFound(name)
    return secret
  }

  async #activeVersion(
    vault: VaultRecord,
    name: string,
    version: string | undefined,
    store = this.#store,
  ): Promise<SecretView> {
    const secret = await this.#active(vault, name, store)
    const found =
      version === undefined
        ? await store.vaults.latestVersion(secret.id)
        : isVersionId(version)
          ? await store.vaults.version(secret.id, version)
          : undefined
    if (!found)
      throw KeyVaultError.secretNotFound(version === undefined ? name : `${name}/${version}`)
    return { secret, version: found }
  }

  #open(vault: VaultRecord, v: SecretVersionRecord): string {
    return openSecretValue(
      this.#kek,
      { vaultId: vault.id, secretId: v.secretId, version: v.version },
      v,
    )
  }
}

function deletedConflict(name: string): KeyVaultError {
  return KeyVaultError.conflict(
    `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; ` +
      'in this state, the secret can only be recovered or purged.',
  )
}
