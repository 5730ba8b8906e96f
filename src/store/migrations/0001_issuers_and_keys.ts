import type { Kysely, Migration } from 'kysely'
import { identityColumn, identityType, sortedText, type Dialect } from './dialect.js'

/** Issuers, their signing keys, bootstrap admin tokens, settings and the audit log. */
export const issuersAndKeys = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('issuers')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('name', sortedText(dialect, 63), (c) => c.notNull().unique())
      .addColumn('url', 'varchar(600)', (c) => c.notNull())
      .addColumn('jwks_uri', 'varchar(2048)')
      .addColumn('key_algorithm', 'varchar(16)', (c) => c.notNull())
      .addColumn('publication', 'varchar(16)', (c) => c.notNull())
      .addColumn('max_token_expiration_seconds', 'bigint', (c) => c.notNull())
      .addColumn('default_audiences', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute()
    await db.schema
      .createTable('signing_keys')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('owner_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('kid', 'varchar(64)', (c) => c.notNull())
      .addColumn('algorithm', 'varchar(16)', (c) => c.notNull())
      .addColumn('public_key_spki', 'text', (c) => c.notNull())
      .addColumn('private_key_sealed', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('prepublish_seconds', 'bigint', (c) => c.notNull())
      .addColumn('requires_verification', 'integer', (c) => c.notNull())
      .addColumn('verified_at', 'bigint')
      .addColumn('removed_at', 'bigint')
      .addColumn('removal_reason', 'varchar(64)')
      .addUniqueConstraint('signing_keys_owner_kid', ['owner_id', 'kid'])
      .execute()
    await db.schema
      .createIndex('signing_keys_by_owner')
      .on('signing_keys')
      .column('owner_id')
      .execute()
    await db.schema
      .createTable('admin_tokens')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('description', 'varchar(200)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute()
    await db.schema
      .createTable('deployment_settings')
      .addColumn('name', 'varchar(100)', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute()
    await db.schema
      .createTable('audit_log')
      .addColumn('id', identityType(dialect), identityColumn(dialect))
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor', 'varchar(200)', (c) => c.notNull())
      .addColumn('action', 'varchar(100)', (c) => c.notNull())
      .addColumn('target', 'varchar(600)', (c) => c.notNull())
      .addColumn('outcome', 'varchar(40)', (c) => c.notNull())
      .execute()
  },
})
