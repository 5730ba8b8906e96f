import type { SecretRecord, SecretVersionRecord, VaultRecord } from '../store/index.js'

/** keyvault.md §8: the recovery level a vault's settings give each secret. */
export function recoveryLevel(vault: VaultRecord): { level: string; days?: number } {
  if (!vault.softDelete) return { level: 'Purgeable' }
  const custom = vault.retentionDays < 90 ? 'CustomizedRecoverable' : 'Recoverable'
  return {
    level: vault.purgeProtection ? custom : `${custom}+Purgeable`,
    days: vault.retentionDays,
  }
}

/** What every rendered shape needs: the origin as the client addressed it (KV-37). */
export interface RenderTarget {
  origin: string
  vault: VaultRecord
}

function attributes(target: RenderTarget, v: SecretVersionRecord): Record<string, unknown> {
  const recovery = recoveryLevel(target.vault)
  return {
    enabled: v.enabled,
    ...(v.nbf === null ? {} : { nbf: v.nbf }),
    ...(v.exp === null ? {} : { exp: v.exp }),
    created: v.created,
    updated: v.updated,
    recoveryLevel: recovery.level,
    ...(recovery.days === undefined ? {} : { recoverableDays: recovery.days }),
  }
}

/** Members every shape shares; optional ones are omitted, never null (§5). */
function common(target: RenderTarget, v: SecretVersionRecord, id: string): Record<string, unknown> {
  return {
    id,
    attributes: attributes(target, v),
    ...(v.contentType === null ? {} : { contentType: v.contentType }),
    ...(v.tags === null ? {} : { tags: v.tags }),
  }
}

const versionId = (t: RenderTarget, s: SecretRecord, v: SecretVersionRecord) =>
  `${t.origin}/secrets/${s.name}/${v.version}`

/** A SecretBundle, with `value` only on R1 and R2. */
export function secretBundle(
  target: RenderTarget,
  secret: SecretRecord,
  version: SecretVersionRecord,
  value?: string,
): Record<string, unknown> {
  return {
    ...(value === undefined ? {} : { value }),
    ...common(target, version, versionId(target, secret, version)),
  }
}

/** A SecretItem of R4 (unversioned id) or R5 (`versioned`). */
export function secretItem(
  target: RenderTarget,
  secret: SecretRecord,
  version: SecretVersionRecord,
  versioned: boolean,
): Record<string, unknown> {
  const id = versioned
    ? versionId(target, secret, version)
    : `${target.origin}/secrets/${secret.name}`
  return common(target, version, id)
}

function deletedMembers(target: RenderTarget, secret: SecretRecord): Record<string, unknown> {
  return {
    recoveryId: `${target.origin}/deletedsecrets/${secret.name}`,
    deletedDate: secret.deletedAt,
    scheduledPurgeDate: secret.scheduledPurgeAt,
  }
}

/** A DeletedSecretBundle (R6, R8): the latest version, without `value`. */
export function deletedSecretBundle(
  target: RenderTarget,
  secret: SecretRecord,
  version: SecretVersionRecord,
): Record<string, unknown> {
  return { ...deletedMembers(target, secret), ...secretBundle(target, secret, version) }
}

/** A DeletedSecretItem (R7). */
export function deletedSecretItem(
  target: RenderTarget,
  secret: SecretRecord,
  version: SecretVersionRecord,
): Record<string, unknown> {
  return { ...deletedMembers(target, secret), ...secretItem(target, secret, version, false) }
}
