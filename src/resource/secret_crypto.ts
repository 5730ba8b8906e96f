import { randomBytes } from 'node:crypto'
import { seal, unseal } from '../keys/index.js'

/** Where a version's ciphertext belongs; bound as additional data so rows cannot be swapped. */
export interface VersionPlace {
  vaultId: string
  secretId: string
  version: string
}

const context = (p: VersionPlace) => `${p.vaultId}/${p.secretId}/${p.version}`

/**
 * Envelope encryption at rest (issue #6): each version gets its own random data key; the value is
 * sealed with AES-256-GCM under it and the data key is sealed under the key-encryption key.
 */
export function sealSecretValue(
  kek: Buffer,
  place: VersionPlace,
  value: string,
): { valueSealed: string; dataKeyWrapped: string } {
  const dataKey = randomBytes(32)
  try {
    return {
      valueSealed: seal(dataKey, Buffer.from(value, 'utf8'), `secret-value:${context(place)}`),
      dataKeyWrapped: seal(kek, dataKey, `secret-data-key:${context(place)}`),
    }
  } finally {
    dataKey.fill(0)
  }
}

/** Reverses `sealSecretValue`; throws when the row, the key or the ciphertext was tampered with. */
export function openSecretValue(
  kek: Buffer,
  place: VersionPlace,
  sealed: { valueSealed: string; dataKeyWrapped: string },
): string {
  const dataKey = unseal(kek, sealed.dataKeyWrapped, `secret-data-key:${context(place)}`)
  try {
    return unseal(dataKey, sealed.valueSealed, `secret-value:${context(place)}`).toString('utf8')
  } finally {
    dataKey.fill(0)
  }
}
