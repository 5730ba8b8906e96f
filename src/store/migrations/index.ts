import type { Migration, MigrationProvider } from 'kysely'
import type { Dialect } from './dialect.js'
import { issuersAndKeys } from './0001_issuers_and_keys.js'
import { directory } from './0002_directory.js'
import { managedIdentities } from './0003_managed_identities.js'
import { vaults } from './0004_vaults.js'
import { changeVersion } from './0005_change_version.js'

/**
 * Every migration, in order, written once for both dialects (IF-57). Names never change once
 * released; a new schema change is a new entry at the end.
 */
export function migrationsFor(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_issuers_and_keys': issuersAndKeys(dialect),
    '0002_directory': directory(dialect),
    '0003_managed_identities': managedIdentities(),
    '0004_vaults': vaults(dialect),
    '0005_change_version': changeVersion(dialect),
  }
}

/** A Kysely migration provider over the static list above. */
export function migrationProvider(dialect: Dialect): MigrationProvider {
  return { getMigrations: async () => migrationsFor(dialect) }
}

export type { Dialect } from './dialect.js'
