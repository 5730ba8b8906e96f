import { z } from 'zod'
import { KeyVaultError } from '../errors/index.js'
import { seal, unseal } from '../keys/index.js'

const BACKUP_CONTEXT = 'wifkit-secret-backup-v1'

/**
 * Tags checked without rebuilding them: zod's record assigns each key, which silently drops a
 * tag named `__proto__`; `Object.fromEntries` defines own properties, so every tag survives.
 */
const tagMap = z
  .custom<Record<string, string>>(
    (t) =>
      typeof t === 'object' &&
      t !== null &&
      !Array.isArray(t) &&
      Object.values(t).every((v) => typeof v === 'string'),
  )
  .transform((t) => Object.fromEntries(Object.entries(t)) as Record<string, string>)

const backupVersion = z.object({
  version: z.string().regex(/^[0-9a-f]{32}$/),
  value: z.string(),
  contentType: z.string().nullable(),
  tags: tagMap.nullable(),
  enabled: z.boolean(),
  nbf: z.number().int().nullable(),
  exp: z.number().int().nullable(),
  created: z.number().int(),
  updated: z.number().int(),
})

const backupContents = z.object({
  name: z.string().regex(/^[0-9a-zA-Z-]{1,127}$/),
  versions: z.array(backupVersion).min(1),
})

/** Everything a backup carries: the name and every version, values in clear inside the blob. */
export type BackupContents = z.infer<typeof backupContents>

/**
 * KV-53: the R11 blob is sealed under the deployment's key-encryption key, so it is opaque,
 * integrity-protected and readable only by the same deployment. The sealed form `v1.<base64url>`
 * is base64url-encoded once more: R11's `value` is base64url (keyvault.md §6), and the SDK decodes
 * it to bytes and re-encodes it for R12, which would drop the `.` (observed, issue #6).
 */
export function sealBackup(kek: Buffer, contents: BackupContents): string {
  const sealed = seal(kek, Buffer.from(JSON.stringify(contents), 'utf8'), BACKUP_CONTEXT)
  return Buffer.from(sealed, 'utf8').toString('base64url')
}

/** Opens an R12 blob; anything malformed or foreign is 400 `BadParameter` (KV-53). */
export function openBackup(kek: Buffer, blob: unknown): BackupContents {
  const invalid = () =>
    KeyVaultError.badParameter('The backup blob is malformed or was not made by this deployment.')
  if (typeof blob !== 'string') throw invalid()
  let parsed: unknown
  try {
    const sealed = Buffer.from(blob, 'base64url').toString('utf8')
    parsed = JSON.parse(unseal(kek, sealed, BACKUP_CONTEXT).toString('utf8'))
  } catch {
    throw invalid()
  }
  const result = backupContents.safeParse(parsed)
  if (!result.success) throw invalid()
  return result.data
}
