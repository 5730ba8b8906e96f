import type { Kysely, Migration } from 'kysely'
import { identityColumn, identityType, sortedText, type Dialect } from './dialect.js'

/**
 * Key-Vault-compatible vaults (keyvault.md): each vault belongs to one tenant and holds role
 * assignments and secrets; a secret's versions carry their value sealed under a per-version data
 * key, itself wrapped by the key-encryption key, so the database alone reveals no value.
 */
export const vaults = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('vaults')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('tenant_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('name', sortedText(dialect, 24), (c) => c.notNull().unique())
      .addColumn('soft_delete', 'integer', (c) => c.notNull())
      .addColumn('retention_days', 'integer', (c) => c.notNull())
      .addColumn('purge_protection', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute()
    await db.schema
      .createTable('vault_role_assignments')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('vault_id', 'varchar(36)', (c) =>
        c.notNull().references('vaults.id').onDelete('cascade'),
      )
      .addColumn('principal_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('role', 'varchar(64)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('vault_role_assignments_unique', ['vault_id', 'principal_id', 'role'])
      .execute()
    await db.schema
      .createTable('secrets')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('vault_id', 'varchar(36)', (c) =>
        c.notNull().references('vaults.id').onDelete('cascade'),
      )
      .addColumn('name', 'varchar(127)', (c) => c.notNull())
      .addColumn('name_folded', sortedText(dialect, 127), (c) => c.notNull())
      .addColumn('deleted_at', 'bigint')
      .addColumn('scheduled_purge_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('secrets_vault_name', ['vault_id', 'name_folded'])
      .execute()
    await db.schema
      .createTable('secret_versions')
      .addColumn('seq', identityType(dialect), identityColumn(dialect))
      .addColumn('version', 'varchar(32)', (c) => c.notNull().unique())
      .addColumn('secret_id', 'varchar(36)', (c) =>
        c.notNull().references('secrets.id').onDelete('cascade'),
      )
      .addColumn('value_sealed', 'text', (c) => c.notNull())
      .addColumn('data_key_wrapped', 'text', (c) => c.notNull())
      .addColumn('content_type', 'varchar(255)')
      .addColumn('tags', 'text')
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('nbf', 'bigint')
      .addColumn('exp', 'bigint')
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('updated', 'bigint', (c) => c.notNull())
      .execute()
    await db.schema
      .createIndex('secret_versions_by_secret')
      .on('secret_versions')
      .columns(['secret_id', 'seq'])
      .execute()
  },
})
