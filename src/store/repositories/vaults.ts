import type { Kysely, Selectable } from 'kysely'
import type { Database, SecretTable, SecretVersionTable, VaultTable } from '../tables.js'
import type {
  SecretRecord,
  SecretVersionRecord,
  VaultRecord,
  VaultRoleAssignmentRecord,
} from '../records.js'
import { num, numOrNull } from '../columns.js'

/** Which secrets a page lists: active or soft-deleted ones, after a folded-name cursor. */
export interface SecretPageQuery {
  deleted: boolean
  afterFolded?: string
  limit: number
}

/** Vaults, their role assignments, secrets and versions (keyvault.md). */
export interface VaultRepository {
  insert(vault: VaultRecord): Promise<void>
  byName(name: string): Promise<VaultRecord | undefined>
  list(tenantId: string): Promise<VaultRecord[]>
  /** Removes the vault with its role assignments and every secret. */
  delete(id: string): Promise<void>
  insertRole(assignment: VaultRoleAssignmentRecord): Promise<void>
  roles(vaultId: string, principalId: string): Promise<string[]>
  roleAssignments(vaultId: string): Promise<VaultRoleAssignmentRecord[]>
  deleteRole(vaultId: string, id: string): Promise<boolean>
  secret(vaultId: string, nameFolded: string): Promise<SecretRecord | undefined>
  secrets(vaultId: string, query: SecretPageQuery): Promise<SecretRecord[]>
  insertSecret(secret: SecretRecord, nameFolded: string): Promise<void>
  markDeleted(secretId: string, deletedAt: number | null, purgeAt: number | null): Promise<void>
  purge(secretId: string): Promise<void>
  /** Soft-deleted secrets whose purge date has passed (KV-75). */
  duePurges(now: number, limit: number): Promise<SecretRecord[]>
  insertVersion(version: SecretVersionRecord): Promise<void>
  updateVersion(version: SecretVersionRecord): Promise<void>
  version(secretId: string, version: string): Promise<SecretVersionRecord | undefined>
  latestVersion(secretId: string): Promise<SecretVersionRecord | undefined>
  /** Whether any secret of the deployment has this version id. */
  versionExists(version: string): Promise<boolean>
  /** Oldest first (KV-62), after the version with sequence `afterSeq`. */
  versions(
    secretId: string,
    afterVersion: string | undefined,
    limit: number,
  ): Promise<SecretVersionRecord[]>
}

const toVault = (r: Selectable<VaultTable>): VaultRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  softDelete: r.soft_delete === 1,
  retentionDays: num(r.retention_days),
  purgeProtection: r.purge_protection === 1,
  createdAt: num(r.created_at),
})

const toSecret = (r: Selectable<SecretTable>): SecretRecord => ({
  id: r.id,
  vaultId: r.vault_id,
  name: r.name,
  deletedAt: numOrNull(r.deleted_at),
  scheduledPurgeAt: numOrNull(r.scheduled_purge_at),
  createdAt: num(r.created_at),
})

const toVersion = (r: Selectable<SecretVersionTable>): SecretVersionRecord => ({
  version: r.version,
  secretId: r.secret_id,
  valueSealed: r.value_sealed,
  dataKeyWrapped: r.data_key_wrapped,
  contentType: r.content_type,
  tags: r.tags === null ? null : (JSON.parse(r.tags) as Record<string, string>),
  enabled: r.enabled === 1,
  nbf: numOrNull(r.nbf),
  exp: numOrNull(r.exp),
  created: num(r.created),
  updated: num(r.updated),
})

const versionColumns = (v: SecretVersionRecord) => ({
  content_type: v.contentType,
  tags: v.tags === null ? null : JSON.stringify(v.tags),
  enabled: v.enabled ? 1 : 0,
  nbf: v.nbf,
  exp: v.exp,
  updated: v.updated,
})

export function vaultRepository(db: Kysely<Database>): VaultRepository {
  const seqOf = (version: string) =>
    db.selectFrom('secret_versions').select('seq').where('version', '=', version)
  return {
    async insert(v) {
      await db
        .insertInto('vaults')
        .values({
          id: v.id,
          tenant_id: v.tenantId,
          name: v.name,
          soft_delete: v.softDelete ? 1 : 0,
          retention_days: v.retentionDays,
          purge_protection: v.purgeProtection ? 1 : 0,
          created_at: v.createdAt,
        })
        .execute()
    },
    async byName(name) {
      const row = await db
        .selectFrom('vaults')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst()
      return row ? toVault(row) : undefined
    },
    async list(tenantId) {
      const rows = await db
        .selectFrom('vaults')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('name')
        .execute()
      return rows.map(toVault)
    },
    async delete(id) {
      await db.deleteFrom('vaults').where('id', '=', id).execute()
    },
    async insertRole(a) {
      await db
        .insertInto('vault_role_assignments')
        .values({
          id: a.id,
          vault_id: a.vaultId,
          principal_id: a.principalId,
          role: a.role,
          created_at: a.createdAt,
        })
        .execute()
    },
    async roles(vaultId, principalId) {
      const rows = await db
        .selectFrom('vault_role_assignments')
        .select('role')
        .where('vault_id', '=', vaultId)
        .where('principal_id', '=', principalId)
        .execute()
      return rows.map((r) => r.role)
    },
    async roleAssignments(vaultId) {
      const rows = await db
        .selectFrom('vault_role_assignments')
        .selectAll()
        .where('vault_id', '=', vaultId)
        .orderBy('created_at')
        .orderBy('id')
        .execute()
      return rows.map((r) => ({
        id: r.id,
        vaultId: r.vault_id,
        principalId: r.principal_id,
        role: r.role,
        createdAt: num(r.created_at),
      }))
    },
    async deleteRole(vaultId, id) {
      const result = await db
        .deleteFrom('vault_role_assignments')
        .where('vault_id', '=', vaultId)
        .where('id', '=', id)
        .executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },
    async secret(vaultId, nameFolded) {
      const row = await db
        .selectFrom('secrets')
        .selectAll()
        .where('vault_id', '=', vaultId)
        .where('name_folded', '=', nameFolded)
        .executeTakeFirst()
      return row ? toSecret(row) : undefined
    },
    async secrets(vaultId, query) {
      let q = db
        .selectFrom('secrets')
        .selectAll()
        .where('vault_id', '=', vaultId)
        .where('deleted_at', query.deleted ? 'is not' : 'is', null)
      if (query.afterFolded !== undefined) q = q.where('name_folded', '>', query.afterFolded)
      const rows = await q.orderBy('name_folded').limit(query.limit).execute()
      return rows.map(toSecret)
    },
    async insertSecret(s, nameFolded) {
      await db
        .insertInto('secrets')
        .values({
          id: s.id,
          vault_id: s.vaultId,
          name: s.name,
          name_folded: nameFolded,
          deleted_at: s.deletedAt,
          scheduled_purge_at: s.scheduledPurgeAt,
          created_at: s.createdAt,
        })
        .execute()
    },
    async markDeleted(secretId, deletedAt, purgeAt) {
      await db
        .updateTable('secrets')
        .set({ deleted_at: deletedAt, scheduled_purge_at: purgeAt })
        .where('id', '=', secretId)
        .execute()
    },
    async purge(secretId) {
      await db.deleteFrom('secrets').where('id', '=', secretId).execute()
    },
    async duePurges(now, limit) {
      const rows = await db
        .selectFrom('secrets')
        .selectAll()
        .where('scheduled_purge_at', '<=', now)
        .orderBy('scheduled_purge_at')
        .limit(limit)
        .execute()
      return rows.map(toSecret)
    },
    async insertVersion(v) {
      await db
        .insertInto('secret_versions')
        .values({
          version: v.version,
          secret_id: v.secretId,
          value_sealed: v.valueSealed,
          data_key_wrapped: v.dataKeyWrapped,
          created: v.created,
          ...versionColumns(v),
        })
        .execute()
    },
    async updateVersion(v) {
      await db
        .updateTable('secret_versions')
        .set(versionColumns(v))
        .where('version', '=', v.version)
        .execute()
    },
    async version(secretId, version) {
      const row = await db
        .selectFrom('secret_versions')
        .selectAll()
        .where('secret_id', '=', secretId)
        .where('version', '=', version)
        .executeTakeFirst()
      return row ? toVersion(row) : undefined
    },
    async latestVersion(secretId) {
      const row = await db
        .selectFrom('secret_versions')
        .selectAll()
        .where('secret_id', '=', secretId)
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst()
      return row ? toVersion(row) : undefined
    },
    async versionExists(version) {
      return (await seqOf(version).executeTakeFirst()) !== undefined
    },
    async versions(secretId, afterVersion, limit) {
      let q = db.selectFrom('secret_versions').selectAll().where('secret_id', '=', secretId)
      if (afterVersion !== undefined) q = q.where('seq', '>', seqOf(afterVersion))
      const rows = await q.orderBy('seq').limit(limit).execute()
      return rows.map(toVersion)
    },
  }
}
